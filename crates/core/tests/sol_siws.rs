//! Sign-In With Solana: domain binding, address checks, field validation, the output shape,
//! and the sign-in preview's warnings.

// A test crate: a failed expectation should panic, and test arithmetic is on small known values.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use custodian_core::chains::solana::{
    preview_sign_in, sign_in, Address, PreviewContext, Severity, SignInError, SignInInput,
    SignInOptions, SignInOutput, SolError,
};
use custodian_core::keys::ed25519::{Ed25519PrivateKey, Ed25519PublicKey};
use wasm_bindgen_test::wasm_bindgen_test;

fn key() -> Ed25519PrivateKey {
    Ed25519PrivateKey::from_bytes(&[8u8; 32]).unwrap()
}

const ME: &str = "2KW2XRd9kwqet15Aha2oK3tYvd3nWbTFH1MBiRAv1BE1"; // seed [8; 32], solana_vectors.json

fn opts(origin: &str) -> SignInOptions<'_> {
    SignInOptions {
        origin,
        allow_domain_mismatch: false,
    }
}

fn b64(s: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}

fn input(json: &str) -> SignInInput {
    serde_json::from_str(json).unwrap()
}

#[wasm_bindgen_test(unsupported = test)]
fn sign_in_full_round_trip() {
    let req = input(
        r#"{"domain":"app.example","statement":"Sign in to App","uri":"https://app.example/login",
            "version":"1","chainId":"mainnet","nonce":"abc12345","issuedAt":"2024-05-01T10:00:00.000Z",
            "resources":["https://app.example/terms"]}"#,
    );
    let out = sign_in(&key(), &req, &opts("https://app.example")).unwrap();
    let text = format!(
        "app.example wants you to sign in with your Solana account:\n{ME}\n\nSign in to App\n\n\
URI: https://app.example/login\nVersion: 1\nChain ID: mainnet\nNonce: abc12345\n\
Issued At: 2024-05-01T10:00:00.000Z\nResources:\n- https://app.example/terms"
    );
    assert_eq!(
        String::from_utf8(out.signed_message.0.clone()).unwrap(),
        text
    );
    assert_eq!(out.account.address, ME);
    assert_eq!(out.signature_type, "ed25519");
    let pk = Ed25519PublicKey::from_bytes(&out.account.public_key.0).unwrap();
    assert_eq!(pk, key().public_key());
    assert!(pk.verify_strict(text.as_bytes(), &out.signature.0));

    // The JSON a dapp receives (after the web layer turns base64 into Uint8Array).
    let j = serde_json::to_value(&out).unwrap();
    assert_eq!(j["account"]["address"], ME);
    assert_eq!(
        b64(j["account"]["publicKey"].as_str().unwrap()),
        key().public_key().to_bytes()
    );
    assert_eq!(b64(j["signedMessage"].as_str().unwrap()), text.as_bytes());
    assert_eq!(b64(j["signature"].as_str().unwrap()).len(), 64);
    assert_eq!(j["signatureType"], "ed25519");
    let back: SignInOutput = serde_json::from_value(j).unwrap();
    assert_eq!(back, out);
}

#[wasm_bindgen_test(unsupported = test)]
fn domain_and_address_default_from_origin_and_wallet() {
    // Everything optional: domain from the origin's host:port, address ours.
    let out = sign_in(
        &key(),
        &SignInInput::default(),
        &opts("https://App.Example:8443"),
    )
    .unwrap();
    assert_eq!(
        String::from_utf8(out.signed_message.0).unwrap(),
        format!("app.example:8443 wants you to sign in with your Solana account:\n{ME}")
    );
    // Empty strings count as absent, as in the reference implementation.
    let out = sign_in(
        &key(),
        &input(r#"{"domain":"","address":"","statement":"","nonce":""}"#),
        &opts("https://app.example"),
    )
    .unwrap();
    assert_eq!(
        String::from_utf8(out.signed_message.0).unwrap(),
        format!("app.example wants you to sign in with your Solana account:\n{ME}")
    );
    // Our address given explicitly is fine; a default https port is the same domain.
    let req = input(&format!(
        r#"{{"domain":"app.example:443","address":"{ME}"}}"#
    ));
    assert!(sign_in(&key(), &req, &opts("https://app.example")).is_ok());
}

#[wasm_bindgen_test(unsupported = test)]
fn domain_mismatch_is_refused_unless_overridden() {
    let req = input(r#"{"domain":"bank.example","nonce":"n0nce123"}"#);
    let err = sign_in(&key(), &req, &opts("https://bank.example.evil")).unwrap_err();
    assert_eq!(
        err,
        SolError::SignIn(SignInError::DomainMismatch {
            requested: "bank.example".into(),
            origin: "https://bank.example.evil".into()
        })
    );
    assert_eq!(
        err.to_string(),
        "sign-in request is for bank.example, but it comes from https://bank.example.evil"
    );
    // Opaque origins have no host: a domain cannot match, and none can be filled in.
    assert!(matches!(
        sign_in(&key(), &req, &opts("null")),
        Err(SolError::SignIn(SignInError::DomainMismatch { .. }))
    ));
    assert!(matches!(
        sign_in(&key(), &SignInInput::default(), &opts("null")),
        Err(SolError::SignIn(SignInError::NoDomain { .. }))
    ));
    // The user saw the danger warning and chose to go on.
    let out = sign_in(
        &key(),
        &req,
        &SignInOptions {
            origin: "https://bank.example.evil",
            allow_domain_mismatch: true,
        },
    )
    .unwrap();
    assert!(String::from_utf8(out.signed_message.0)
        .unwrap()
        .starts_with("bank.example wants you"));
}

#[wasm_bindgen_test(unsupported = test)]
fn bad_fields_are_refused() {
    let o = opts("https://app.example");
    let other = Address::new([5u8; 32]).to_string();
    assert_eq!(
        sign_in(&key(), &input(&format!(r#"{{"address":"{other}"}}"#)), &o).unwrap_err(),
        SolError::SignIn(SignInError::AddressMismatch { requested: other })
    );
    // Line breaks could forge fields: refused everywhere, statement included (EIP-4361
    // forbids them there; the Wallet Standard's parser would allow it).
    for (json, field) in [
        (
            r#"{"statement":"hi\nURI: https://evil.example"}"#,
            "statement",
        ),
        (r#"{"nonce":"a\nb"}"#, "nonce"),
        (r#"{"uri":"https://app.example\r"}"#, "uri"),
        (r#"{"chainId":"mainnet\u0000"}"#, "chainId"),
        (r#"{"requestId":"\u001b[31m"}"#, "requestId"),
        (r#"{"resources":["ok","bad\nline"]}"#, "resources"),
    ] {
        assert_eq!(
            sign_in(&key(), &input(json), &o).unwrap_err(),
            SolError::SignIn(SignInError::ControlCharacter { field }),
            "{json}"
        );
    }
    for (json, field) in [
        (r#"{"issuedAt":"yesterday"}"#, "issuedAt"),
        (
            r#"{"expirationTime":"2024-02-30T00:00:00Z"}"#,
            "expirationTime",
        ),
        (r#"{"notBefore":"2024-01-01"}"#, "notBefore"),
    ] {
        assert_eq!(
            sign_in(&key(), &input(json), &o).unwrap_err(),
            SolError::SignIn(SignInError::BadTimestamp { field }),
            "{json}"
        );
    }
}

fn preview(json: &str, origin: &str, now: Option<u64>) -> Vec<(Severity, String)> {
    let me = Address::from_public_key(&key().public_key());
    let p = preview_sign_in(
        &input(json),
        &PreviewContext {
            signer: Some(&me),
            origin: Some(origin),
            now_ms: now,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(p.kind, "signIn");
    assert_eq!(p.from.as_deref(), Some(ME));
    p.warnings
        .into_iter()
        .map(|w| (w.severity, w.code))
        .collect()
}

#[wasm_bindgen_test(unsupported = test)]
fn sign_in_preview_warnings() {
    // 2024-05-01T10:00:00Z
    let now = Some(1_714_557_600_000);
    let good = r#"{"domain":"app.example","uri":"https://app.example/","nonce":"n0nce123",
        "issuedAt":"2024-05-01T10:00:00Z","expirationTime":"2024-05-01T10:10:00Z"}"#;
    assert_eq!(preview(good, "https://app.example", now), vec![]);

    let w = |s: Severity, c: &str| (s, c.to_string());
    assert_eq!(
        preview(good, "https://evil.example", now),
        vec![w(Severity::Danger, "sign_in_domain_mismatch")]
    );
    assert_eq!(
        preview(
            r#"{"uri":"https://elsewhere.example/","nonce":"n0nce123"}"#,
            "https://app.example",
            now
        ),
        vec![w(Severity::Warning, "sign_in_uri_mismatch")]
    );
    // Expired, one hour later.
    assert_eq!(
        preview(good, "https://app.example", Some(1_714_561_200_000)),
        vec![
            w(Severity::Danger, "sign_in_expired"),
            w(Severity::Warning, "sign_in_issued_at")
        ]
    );
    assert_eq!(
        preview(
            r#"{"nonce":"n0nce123","notBefore":"2024-05-02T00:00:00Z"}"#,
            "https://app.example",
            now
        ),
        vec![w(Severity::Warning, "sign_in_not_yet_valid")]
    );
    assert_eq!(
        preview(
            r#"{"nonce":"n0nce123","issuedAt":"2024-05-01T11:00:00Z","expirationTime":"2024-05-01T10:30:00Z"}"#,
            "https://app.example",
            None
        ),
        vec![w(Severity::Warning, "sign_in_time_order")]
    );
    assert_eq!(
        preview("{}", "https://app.example", now),
        vec![w(Severity::Info, "sign_in_no_nonce")]
    );

    // The preview shows the exact text that sign_in signs.
    let me = Address::from_public_key(&key().public_key());
    let p = preview_sign_in(
        &input(good),
        &PreviewContext {
            signer: Some(&me),
            origin: Some("https://app.example"),
            ..Default::default()
        },
    )
    .unwrap();
    let signed = sign_in(&key(), &input(good), &opts("https://app.example")).unwrap();
    let shown = &p
        .fields
        .iter()
        .find(|f| f.label == "Message")
        .unwrap()
        .value;
    assert_eq!(shown.as_bytes(), signed.signed_message.0.as_slice());
    assert_eq!(p.summary, "Sign in to app.example");
    // No signer: the preview cannot write the address.
    assert_eq!(
        preview_sign_in(&input(good), &PreviewContext::default()),
        Err(SolError::SignerUnknown)
    );
}
