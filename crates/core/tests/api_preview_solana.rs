//! `wallet_previewRequest` for Solana (`api::preview_solana`): previews of the published
//! web3.js transfer vector, and the rule that a request signing refuses gets the same error,
//! checked against the real signing path (`Wallet::handle_json`) on the same input.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use base64::Engine as _;
use custodian_core::api::{preview_solana, Env, Wallet};
use serde_json::{json, Value};
use wasm_bindgen_test::wasm_bindgen_test;

const SOLANA: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/vectors/solana_vectors.json"
));
const FLOOR_KDF: &str = r#"{"memoryKib":19456,"iterations":2,"parallelism":1}"#;
const NOW: u64 = 1_700_000_000_000;
const ORIGIN: &str = "https://app.example";

/// The vector's SystemProgram.transfer of 49 lamports, fee payer `Keypair.fromSeed([8]*32)`.
struct Vector {
    seed_hex: String,
    payer: String,
    recipient: String,
    blockhash: String,
    unsigned: Vec<u8>,
}

fn vector() -> Vector {
    let v: Value = serde_json::from_str(SOLANA).unwrap();
    let t = &v["transactions"][0];
    assert_eq!(t["lamports"], 49);
    Vector {
        seed_hex: t["fee_payer_seed_hex"].as_str().unwrap().to_owned(),
        payer: t["fee_payer_base58"].as_str().unwrap().to_owned(),
        recipient: t["recipient_base58"].as_str().unwrap().to_owned(),
        blockhash: t["recent_blockhash_base58"].as_str().unwrap().to_owned(),
        unsigned: b64d(t["unsigned_wire_base64"].as_str().unwrap()),
    }
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
fn b64d(text: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap()
}

/// A wallet holding the vector's fee payer key, driven like a host drives it.
struct Host {
    wallet: Wallet,
}

impl Host {
    fn new(seed_hex: &str) -> Self {
        let mut host = Self {
            wallet: Wallet::new(),
        };
        let kdf: Value = serde_json::from_str(FLOOR_KDF).unwrap();
        host.call(
            "wallet_import",
            json!({"password": "pw", "privateKey": seed_hex, "curve": "ed25519", "kdf": kdf}),
            None,
        )
        .unwrap();
        host
    }

    fn call(&mut self, method: &str, params: Value, origin: Option<&str>) -> Result<Value, Value> {
        let req = json!({"id": 1, "method": method, "params": params}).to_string();
        let mut rng = rand_core::OsRng;
        let mut env = Env {
            rng: &mut rng,
            now_ms: NOW,
            origin,
        };
        let resp: Value = serde_json::from_str(&self.wallet.handle_json(&req, &mut env)).unwrap();
        match (resp.get("result"), resp.get("error")) {
            (Some(r), None) => Ok(r.clone()),
            (None, Some(e)) => Err(e.clone()),
            _ => panic!("bad response {resp}"),
        }
    }
}

impl Host {
    /// A request as `origin` sends it once the user has connected the site and approves the
    /// request (docs/sites.md); without an origin, the wallet's own request.
    fn site_call(
        &mut self,
        method: &str,
        params: Value,
        origin: Option<&str>,
    ) -> Result<Value, Value> {
        let Some(site) = origin else {
            return self.call(method, params, None);
        };
        if self.call("wallet_listAccounts", json!({}), origin) == Ok(json!([])) {
            let held = self.call("wallet_connect", json!({}), origin).unwrap_err();
            assert_eq!(held["data"]["kind"], "ConsentRequired", "{site}: {held}");
            let id = held["data"]["requestId"].clone();
            self.call("wallet_approveRequest", json!({"requestId": id}), None)
                .unwrap();
        }
        match self.call(method, params, origin) {
            Err(e) if e["data"]["kind"] == "ConsentRequired" => {
                let id = e["data"]["requestId"].clone();
                self.call("wallet_approveRequest", json!({"requestId": id}), None)
            }
            other => other,
        }
    }
}

fn preview(
    accounts: &[&str],
    method: &str,
    params: Value,
    hints: Option<Value>,
    origin: Option<&str>,
) -> Result<Value, Value> {
    preview_solana(accounts, method, &params, hints.as_ref(), origin, NOW)
        .map_err(|e| serde_json::to_value(e).unwrap())
}

fn field<'a>(preview: &'a Value, label: &str) -> &'a str {
    preview["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["label"] == label)
        .unwrap_or_else(|| panic!("no field {label} in {preview}"))["value"]
        .as_str()
        .unwrap()
}

fn codes(preview: &Value) -> Vec<&str> {
    preview["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect()
}

#[wasm_bindgen_test(unsupported = test)]
fn the_published_transfer_previews_with_its_facts() {
    let v = vector();
    let accounts = [v.payer.as_str()];
    let params =
        json!({"address": v.payer, "transaction": b64(&v.unsigned), "chain": "solana:devnet"});
    let p = preview(
        &accounts,
        "solana_signTransaction",
        params.clone(),
        None,
        None,
    )
    .unwrap();
    assert_eq!(p["kind"], "transaction");
    assert_eq!(
        p["chain"],
        json!({"name": "Solana Devnet", "id": "solana:devnet"})
    );
    assert_eq!(p["from"], v.payer);
    assert_eq!(field(&p, "Fee payer"), v.payer);
    assert_eq!(field(&p, "Recent blockhash"), v.blockhash);
    assert_eq!(field(&p, "Version"), "legacy");
    // 49 lamports sent plus one signature's 5000-lamport fee.
    assert_eq!(
        field(&p, "SOL leaving your account (max)"),
        "0.000005049 SOL"
    );
    let actions = p["actions"].as_array().unwrap();
    assert_eq!(actions.len(), 1);
    assert_eq!(actions[0]["name"], "transfer");
    assert_eq!(actions[0]["accounts"], json!([v.payer, v.recipient]));
    assert!(p["summary"].as_str().unwrap().contains(&v.recipient), "{p}");
    assert!(codes(&p).is_empty(), "{p}");

    // The lamports hint: as a number and as a decimal string; at the total, no warning.
    for (hint, warned) in [
        (json!(5_049), false),
        (json!("5048"), true),
        (json!(0), true),
        (json!("18446744073709551615"), false),
    ] {
        let p = preview(
            &accounts,
            "solana_signTransaction",
            params.clone(),
            Some(json!({"lamports": hint, "balanceWei": "0x1"})),
            None,
        )
        .unwrap();
        assert_eq!(
            codes(&p).contains(&"exceeds_lamports_hint"),
            warned,
            "hint {hint}"
        );
    }
    for bad in [
        json!(-1),
        json!(1.5),
        json!("1e3"),
        json!(" 1"),
        json!("18446744073709551616"),
        json!(true),
    ] {
        let e = preview(
            &accounts,
            "solana_signTransaction",
            params.clone(),
            Some(json!({"lamports": bad})),
            None,
        )
        .unwrap_err();
        assert_eq!(e["code"], -32602, "{bad}");
        assert!(
            e["message"].as_str().unwrap().contains("hints.lamports"),
            "{e}"
        );
    }
    let e = preview(
        &accounts,
        "solana_signTransaction",
        params,
        Some(json!([1])),
        None,
    )
    .unwrap_err();
    assert_eq!(e["message"], "`hints` must be an object");
}

#[wasm_bindgen_test(unsupported = test)]
fn what_signing_refuses_previewing_refuses_with_the_same_error() {
    let v = vector();
    let mut host = Host::new(&v.seed_hex);
    let accounts = [v.payer.as_str()];

    let mut not_ours = v.unsigned.clone();
    // Fee payer key: after the signature count (1), one slot (64), header (3), key count (1).
    not_ours[69..101].copy_from_slice(&[7u8; 32]);
    let mut lying_count = v.unsigned.clone();
    lying_count[68] = 200;
    let mut bad_program_index = v.unsigned.clone();
    let len = bad_program_index.len();
    // The instruction's program id index sits right after the instruction count, 16 bytes
    // from the end (index, 2 accounts, 2 indexes, data length, 12 data bytes).
    assert_eq!(bad_program_index[len - 17], 2);
    bad_program_index[len - 17] = 9;
    let truncated = v.unsigned[..v.unsigned.len() - 5].to_vec();

    let cases = [
        (
            "not a signer",
            json!({"address": v.payer, "transaction": b64(&not_ours)}),
        ),
        (
            "lying key count",
            json!({"address": v.payer, "transaction": b64(&lying_count)}),
        ),
        (
            "program index out of range",
            json!({"address": v.payer, "transaction": b64(&bad_program_index)}),
        ),
        (
            "truncated",
            json!({"address": v.payer, "transaction": b64(&truncated)}),
        ),
        ("empty", json!({"address": v.payer, "transaction": ""})),
        (
            "not base64",
            json!({"address": v.payer, "transaction": "%%%"}),
        ),
        (
            "unknown account",
            json!({"address": v.recipient, "transaction": b64(&v.unsigned)}),
        ),
        (
            "not an address",
            json!({"address": "0xabc", "transaction": b64(&v.unsigned)}),
        ),
        (
            "unknown field",
            json!({"address": v.payer, "transaction": b64(&v.unsigned), "extra": 1}),
        ),
        ("missing transaction", json!({"address": v.payer})),
    ];
    let mut compared = 0;
    for (what, params) in &cases {
        let signed = host
            .call("solana_signTransaction", params.clone(), None)
            .unwrap_err();
        let previewed = preview(
            &accounts,
            "solana_signTransaction",
            params.clone(),
            None,
            None,
        )
        .unwrap_err();
        assert_eq!(previewed, signed, "{what}");
        compared += 1;
    }
    assert_eq!(compared, 10);

    // A batch names the bad transaction's index, exactly as signing does.
    let batch = json!({"address": v.payer, "transactions": [b64(&v.unsigned), b64(&v.unsigned), b64(&not_ours)]});
    let signed = host
        .call("solana_signAllTransactions", batch.clone(), None)
        .unwrap_err();
    let previewed =
        preview(&accounts, "solana_signAllTransactions", batch, None, None).unwrap_err();
    assert_eq!(previewed, signed);
    assert!(
        previewed["message"]
            .as_str()
            .unwrap()
            .starts_with("transaction 2: "),
        "{previewed}"
    );

    // A transaction message offered as a "message".
    let message = json!({"address": v.payer, "message": b64(&v.unsigned[65..])});
    let signed = host
        .call("solana_signMessage", message.clone(), None)
        .unwrap_err();
    assert_eq!(
        preview(&accounts, "solana_signMessage", message, None, None).unwrap_err(),
        signed
    );
    let message = json!({"address": v.payer, "message": "not base64!"});
    let signed = host
        .call("solana_signMessage", message.clone(), None)
        .unwrap_err();
    assert_eq!(
        preview(&accounts, "solana_signMessage", message, None, None).unwrap_err(),
        signed
    );

    // Sign-in: another site's domain, no domain and no origin, a forged line.
    for (input, origin) in [
        (
            json!({"domain": "bank.example"}),
            Some("https://evil.example"),
        ),
        (json!({}), None),
        (
            json!({"domain": "app.example", "statement": "hi\nURI: https://evil.example"}),
            Some(ORIGIN),
        ),
        (
            json!({"domain": "app.example", "address": v.recipient}),
            Some(ORIGIN),
        ),
    ] {
        let params = json!({"input": input});
        let signed = host
            .site_call("solana_signIn", params.clone(), origin)
            .unwrap_err();
        let previewed = preview(&accounts, "solana_signIn", params, None, origin).unwrap_err();
        assert_eq!(previewed, signed, "{input}");
    }
    // No Solana account at all.
    let params = json!({"input": {"domain": "app.example"}});
    assert_eq!(
        preview(&[], "solana_signIn", params, None, Some(ORIGIN)).unwrap_err()["message"],
        "this wallet has no account on that chain"
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn a_batch_preview_holds_each_transaction_and_all_warnings() {
    let v = vector();
    let accounts = [v.payer.as_str()];
    let tx = b64(&v.unsigned);
    let params = json!({"address": v.payer, "transactions": [tx, tx, tx]});
    let p = preview(
        &accounts,
        "solana_signAllTransactions",
        params,
        Some(json!({"lamports": 100})),
        None,
    )
    .unwrap();
    assert_eq!(p["kind"], "transactions");
    assert_eq!(p["from"], v.payer);
    assert_eq!(p["chain"]["id"], "solana:mainnet");
    assert_eq!(p["transactions"].as_array().unwrap().len(), 3);
    assert_eq!(field(&p, "Transactions"), "3");
    assert!(
        p["summary"]
            .as_str()
            .unwrap()
            .starts_with("Sign 3 transactions: "),
        "{p}"
    );
    let warnings = p["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 3, "each transaction exceeds the hint: {p}");
    for (i, w) in warnings.iter().enumerate() {
        assert_eq!(w["code"], "exceeds_lamports_hint");
        assert!(
            w["message"]
                .as_str()
                .unwrap()
                .starts_with(&format!("Transaction {i}: ")),
            "{w}"
        );
    }
    let empty = preview(
        &accounts,
        "solana_signAllTransactions",
        json!({"address": v.payer, "transactions": []}),
        None,
        None,
    )
    .unwrap();
    assert_eq!(empty["summary"], "Sign no transactions");
    assert_eq!(empty["chain"]["name"], "Solana");
}

#[wasm_bindgen_test(unsupported = test)]
fn message_and_sign_in_previews_show_what_signing_signs() {
    let v = vector();
    let mut host = Host::new(&v.seed_hex);
    let accounts = [v.payer.as_str()];

    let text = "Sign to prove you own this wallet\nnonce 42";
    let params = json!({"address": v.payer, "message": b64(text.as_bytes())});
    let p = preview(&accounts, "solana_signMessage", params, None, Some(ORIGIN)).unwrap();
    assert_eq!(p["kind"], "message");
    assert_eq!(field(&p, "Message"), text);
    assert!(codes(&p).is_empty(), "{p}");

    // A plain message that is really a sign-in for another site is flagged.
    let phishing = format!(
        "bank.example wants you to sign in with your Solana account:\n{}",
        v.payer
    );
    let params = json!({"address": v.payer, "message": b64(phishing.as_bytes())});
    let p = preview(&accounts, "solana_signMessage", params, None, Some(ORIGIN)).unwrap();
    assert_eq!(codes(&p), ["sign_in_domain_mismatch"]);

    // Sign-in: the message shown is byte for byte the message signing signs, with the domain
    // taken from the origin and the default account.
    let input =
        json!({"statement": "Welcome", "nonce": "abcdefgh", "issuedAt": "2023-11-14T22:13:20Z"});
    let params = json!({"input": input});
    let p = preview(
        &accounts,
        "solana_signIn",
        params.clone(),
        None,
        Some(ORIGIN),
    )
    .unwrap();
    let signed = host
        .site_call("solana_signIn", params, Some(ORIGIN))
        .unwrap();
    let signed_text = String::from_utf8(b64d(signed["signedMessage"].as_str().unwrap())).unwrap();
    assert_eq!(field(&p, "Message"), signed_text);
    assert!(signed_text.starts_with("app.example wants you to sign in"));
    assert_eq!(field(&p, "Domain"), "app.example");
    assert_eq!(p["from"], v.payer);
    // issuedAt equals NOW, so no clock warning; the nonce is there.
    assert!(codes(&p).is_empty(), "{p}");

    // Without an origin (the wallet's own UI), the domain typed in is the one signed for.
    let params = json!({"address": v.payer, "input": {"domain": "operator.example"}});
    let p = preview(&accounts, "solana_signIn", params, None, None).unwrap();
    assert_eq!(field(&p, "Domain"), "operator.example");
}

#[wasm_bindgen_test(unsupported = test)]
fn other_methods_are_not_previewed_here() {
    for method in [
        "eth_signTransaction",
        "personal_sign",
        "wallet_status",
        "solana_nope",
    ] {
        let e = preview(&[], method, json!([]), None, None).unwrap_err();
        assert_eq!(e["code"], -32602, "{method}");
        assert!(
            e["message"]
                .as_str()
                .unwrap()
                .contains("not a Solana signing method"),
            "{e}"
        );
    }
}
