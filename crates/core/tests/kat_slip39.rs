//! SLIP-0039 known-answer tests: trezor/python-shamir-mnemonic `vectors.json` (passphrase
//! "TREZOR"), copied unchanged into tests/vectors/. Every case is run, the counts asserted.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use custodian_core::keys::bip32::ExtendedPrivateKey;
use custodian_core::keys::slip39::{combine, parse_shares, Slip39Error};
use serde_json::Value;
use wasm_bindgen_test::wasm_bindgen_test;

const VECTORS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/vectors/slip39_trezor_vectors.json"
));

struct Case {
    description: String,
    shares: Vec<String>,
    /// Empty for the cases that must be rejected.
    secret_hex: String,
    xprv: String,
}

fn cases() -> (String, Vec<Case>) {
    let json: Value = serde_json::from_str(VECTORS).unwrap();
    let passphrase = json["passphrase"].as_str().unwrap().to_owned();
    let cases = json["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| Case {
            description: c[0].as_str().unwrap().to_owned(),
            shares: c[1]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap().to_owned())
                .collect(),
            secret_hex: c[2].as_str().unwrap().to_owned(),
            xprv: c[3].as_str().unwrap().to_owned(),
        })
        .collect();
    (passphrase, cases)
}

fn refs(shares: &[String]) -> Vec<&str> {
    shares.iter().map(String::as_str).collect()
}

/// The error each rejected case must give, read from its description.
fn expected_error(description: &str, err: &Slip39Error) -> bool {
    use Slip39Error as E;
    let d = description;
    if d.contains("invalid checksum") {
        matches!(err, E::Checksum { share: 1 })
    } else if d.contains("invalid padding") {
        matches!(err, E::Padding { share: 1 })
    } else if d.starts_with("5. ") || d.starts_with("24. ") {
        // One share of a 2-of-3 group.
        matches!(
            err,
            E::InsufficientShares {
                group: 1,
                needed: 2,
                found: 1
            }
        )
    } else if d.contains("different identifiers") {
        matches!(err, E::MixedIdentifiers)
    } else if d.contains("different iteration exponents") {
        matches!(err, E::IterationExponentMismatch)
    } else if d.contains("mismatching group thresholds") || d.contains("mismatching group counts") {
        matches!(err, E::GroupParametersMismatch)
    } else if d.contains("greater group threshold than group counts") {
        matches!(err, E::GroupThresholdExceedsCount)
    } else if d.contains("duplicate member indices") {
        matches!(err, E::DuplicateMemberIndex { .. })
    } else if d.contains("mismatching member thresholds") {
        matches!(err, E::MemberThresholdMismatch { .. })
    } else if d.contains("invalid digest") {
        matches!(err, E::DigestMismatch)
    } else if d.contains("Insufficient number of groups") {
        matches!(
            err,
            E::InsufficientGroups {
                needed: 2,
                found: 1
            }
        )
    } else if d.contains("insufficient number of members in one group") {
        matches!(err, E::InsufficientShares { .. })
    } else if d.contains("insufficient length") {
        matches!(
            err,
            E::WordCount {
                share: 1,
                found: 19
            }
        )
    } else if d.contains("invalid master secret length") {
        // 21 words: 140 value bits, 12 of them padding, more than the 8 allowed.
        matches!(
            err,
            E::WordCount {
                share: 1,
                found: 21
            }
        )
    } else {
        false
    }
}

/// All 45 cases: the 15 valid ones give the published secret and its BIP-32 root key; the 30
/// invalid ones are refused, each with the error its description names.
#[wasm_bindgen_test(unsupported = test)]
fn all_45_trezor_vectors() {
    let (passphrase, cases) = cases();
    assert_eq!(passphrase, "TREZOR");
    let (mut valid, mut invalid, mut extendable) = (0, 0, 0);
    for case in &cases {
        let shares = refs(&case.shares);
        let result = combine(&shares, &passphrase);
        if case.secret_hex.is_empty() {
            let err = result.expect_err(&case.description);
            assert!(
                expected_error(&case.description, &err),
                "{}: unexpected {err:?}",
                case.description
            );
            invalid += 1;
        } else {
            let secret = result.unwrap_or_else(|e| panic!("{}: {e}", case.description));
            assert_eq!(
                hex::encode(secret.expose_secret()),
                case.secret_hex,
                "{}",
                case.description
            );
            // SLIP-0039 master secret = BIP-32 seed: the vector gives the root key too.
            let root = ExtendedPrivateKey::from_seed(secret.expose_secret()).unwrap();
            assert_eq!(
                root.to_xprv().expose_secret(),
                case.xprv,
                "{}",
                case.description
            );
            if parse_shares(&shares).unwrap()[0].extendable() {
                extendable += 1;
            }
            valid += 1;
        }
    }
    assert_eq!(cases.len(), 45);
    assert_eq!((valid, invalid), (15, 30));
    assert_eq!(extendable, 4, "cases 42-45 carry the extendable flag");
}

/// Re-encoding every share of the valid cases spells it exactly as the reference did: the
/// encoder (bit packing, padding, checksum for both customization strings) agrees with it.
#[wasm_bindgen_test(unsupported = test)]
fn valid_shares_re_encode_identically() {
    let (_, cases) = cases();
    let mut count = 0;
    for case in cases.iter().filter(|c| !c.secret_hex.is_empty()) {
        let parsed = parse_shares(&refs(&case.shares)).unwrap();
        for (share, text) in parsed.iter().zip(&case.shares) {
            assert_eq!(share.to_mnemonic().expose_secret(), text);
            count += 1;
        }
    }
    // 1+2+5+3+2 (128-bit) + 1+2+5+3+2 (256-bit) + 3 + 1+2+1+2 (extendable) shares.
    assert_eq!(count, 35);
}

/// Order does not matter, and a different passphrase yields a different secret, not an error
/// (SLIP-0039 "Passphrase": there is no way to verify it).
#[wasm_bindgen_test(unsupported = test)]
fn order_and_passphrase() {
    let (passphrase, cases) = cases();
    let case = cases
        .iter()
        .find(|c| c.description.starts_with("17. "))
        .unwrap();
    let mut shares = refs(&case.shares);
    shares.reverse();
    let secret = combine(&shares, &passphrase).unwrap();
    assert_eq!(hex::encode(secret.expose_secret()), case.secret_hex);
    let other = combine(&shares, "").unwrap();
    assert_ne!(hex::encode(other.expose_secret()), case.secret_hex);
}
