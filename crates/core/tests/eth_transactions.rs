//! Transaction signing against published vectors: the EIP-155 example, ethereum/tests txtest,
//! ethers' generated transactions (legacy, EIP-155, EIP-2930, EIP-1559) and viem's snapshots
//! (including EIP-7702). Every signed byte string must match exactly.

// Test code: a panic is a failed test (clippy.toml allows these in #[test] bodies, not helpers).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use alloy_consensus::transaction::SignerRecoverable;
use alloy_consensus::TxEnvelope;
use alloy_eips::eip2718::Decodable2718;
use alloy_primitives::U256;
use custodian_core::chains::ethereum::authorization;
use custodian_core::chains::ethereum::transaction::{TransactionRequest, UnsignedTransaction};
use custodian_core::chains::ethereum::{address_of, sign_transaction};
use custodian_core::keys::secp256k1::Secp256k1PrivateKey;
use serde_json::{json, Map, Value};
use wasm_bindgen_test::wasm_bindgen_test;

fn vectors(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn key(hex: &str) -> Secp256k1PrivateKey {
    Secp256k1PrivateKey::from_hex(hex).unwrap()
}

fn strip0x(s: &str) -> &str {
    s.strip_prefix("0x").unwrap_or(s)
}

/// Decodes with alloy's own decoder and checks the sender recovers to `signer`.
fn assert_decodes_to_signer(raw_hex: &str, signer: &Secp256k1PrivateKey) {
    let raw = hex::decode(strip0x(raw_hex)).unwrap();
    let envelope = TxEnvelope::decode_2718(&mut raw.as_slice()).unwrap();
    assert_eq!(
        envelope.recover_signer().unwrap(),
        address_of(&signer.public_key())
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn eip155_example() {
    let v = vectors(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/eip155_example.json"
    )));
    let mut count = 0;
    for case in v["vectors"].as_array().unwrap() {
        // The EIP's own transaction, as given: decimal strings and JSON numbers.
        let tx = &case["transaction"];
        let request = TransactionRequest::from_json(tx, 1).unwrap();
        assert_eq!(request.tx.tx_type(), 0);
        assert_eq!(
            hex::encode(request.tx.signing_payload()),
            strip0x(case["signing_data"].as_str().unwrap())
        );
        assert_eq!(
            format!("{:#x}", request.tx.signature_hash()),
            case["signing_hash"].as_str().unwrap()
        );
        let k = key(case["private_key"].as_str().unwrap());
        let raw = sign_transaction(&k, tx, 1).unwrap();
        assert_eq!(raw, case["signed_tx"].as_str().unwrap());
        assert_decodes_to_signer(&raw, &k);
        count += 1;
    }
    assert_eq!(count, 1);
}

#[wasm_bindgen_test(unsupported = test)]
fn ethereum_tests_txtest_pre_eip155() {
    let v = vectors(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/ethereum_tests_basic_keyaddr_tx.json"
    )));
    let mut count = 0;
    for case in v["txtest"].as_array().unwrap() {
        let to = case["to"].as_str().unwrap();
        let mut tx = json!({
            "type": "0x0",
            "chainId": "0x0",
            "nonce": case["nonce"],
            "gasPrice": case["gasprice"],
            "gas": case["startgas"],
            "value": case["value"],
            "data": format!("0x{}", case["data"].as_str().unwrap()),
        });
        if !to.is_empty() {
            tx["to"] = json!(format!("0x{to}"));
        }
        // chainId 0 on a legacy transaction asks for the unprotected, pre-EIP-155 form.
        let raw = sign_transaction(&key(case["key"].as_str().unwrap()), &tx, 1).unwrap();
        assert_eq!(strip0x(&raw), low_s_form(case["signed"].as_str().unwrap()));
        count += 1;
    }
    assert_eq!(count, 2);
}

/// ethereum/tests txtest predates EIP-2: its second case has a high `s`. Custodian signs with
/// the same nonce and so the same `r`, but returns the low-s twin `n - s` with the other `v`
/// (27 <-> 28), the only form nodes accept since Homestead. The signed legacy encoding ends in
/// `v` (one byte), `a0 || r`, `a0 || s`.
fn low_s_form(signed: &str) -> String {
    let n = U256::from_str_radix(
        "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",
        16,
    )
    .unwrap();
    let (head, tail) = signed.split_at(signed.len() - 134);
    let (v, rest) = tail.split_at(2);
    let s = U256::from_str_radix(&rest[68..], 16).unwrap();
    if s <= n / U256::from(2) {
        return signed.to_owned();
    }
    let flipped_v = if v == "1b" { "1c" } else { "1b" };
    format!("{head}{flipped_v}{}{:064x}", &rest[..68], n - s)
}

/// The request a dapp would send for one variant of an ethers test case. The vectors say absent
/// fields are zero; Custodian requires nonce, gas and fees, so they are written out.
fn ethers_request(tx: &Map<String, Value>, variant: &str, chain_id: &str) -> Value {
    let field = |k: &str, default: &str| tx.get(k).cloned().unwrap_or_else(|| json!(default));
    let mut r = json!({
        "nonce": field("nonce", "0x0"),
        "gasLimit": field("gasLimit", "0x0"),
        "value": field("value", "0x0"),
        "data": field("data", "0x"),
        "chainId": chain_id,
    });
    if let Some(to) = tx.get("to") {
        r["to"] = to.clone();
    }
    match variant {
        "Legacy" | "Eip155" => {
            r["type"] = json!(0);
            r["gasPrice"] = field("gasPrice", "0x0");
        }
        "Berlin" => {
            r["type"] = json!("0x1");
            r["gasPrice"] = field("gasPrice", "0x0");
            r["accessList"] = field("accessList", "[]");
            if r["accessList"] == json!("[]") {
                r["accessList"] = json!([]);
            }
        }
        "London" => {
            r["type"] = json!("0x2");
            r["maxFeePerGas"] = field("maxFeePerGas", "0x0");
            r["maxPriorityFeePerGas"] = field("maxPriorityFeePerGas", "0x0");
            if let Some(list) = tx.get("accessList") {
                r["accessList"] = list.clone();
            }
        }
        _ => unreachable!(),
    }
    r
}

#[wasm_bindgen_test(unsupported = test)]
fn ethers_transactions_every_variant() {
    let v = vectors(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/ethers_transactions_subset.json"
    )));
    let mut counts = std::collections::BTreeMap::new();
    for case in v["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let tx = case["transaction"].as_object().unwrap();
        let k = key(case["privateKey"].as_str().unwrap());
        // README gotcha 7: a missing chainId means 0, and then there is no EIP-155 variant.
        let chain_hex = tx.get("chainId").and_then(Value::as_str).unwrap_or("0x0");
        let chain_id = u64::from_str_radix(strip0x(chain_hex), 16).unwrap();
        for variant in ["Legacy", "Eip155", "Berlin", "London"] {
            let expected = case[format!("signed{variant}")].as_str().unwrap();
            if expected.is_empty() {
                continue;
            }
            // The pre-EIP-155 variant is requested with chainId 0 while the wallet is on the case's chain.
            let request_chain = if variant == "Legacy" {
                "0x0"
            } else {
                chain_hex
            };
            let request = ethers_request(tx, variant, request_chain);
            let parsed = TransactionRequest::from_json(&request, chain_id)
                .unwrap_or_else(|e| panic!("{name} {variant}: {e}"));
            assert_eq!(
                format!("0x{}", hex::encode(parsed.tx.signing_payload())),
                case[format!("unsigned{variant}")].as_str().unwrap(),
                "{name} {variant} unsigned"
            );
            let raw = sign_transaction(&k, &request, chain_id).unwrap();
            assert_eq!(raw, expected, "{name} {variant}");
            assert_decodes_to_signer(&raw, &k);
            *counts.entry(variant).or_insert(0) += 1;
        }
    }
    assert_eq!(counts["Legacy"], 25);
    assert_eq!(counts["Eip155"], 17);
    assert_eq!(counts["Berlin"], 25);
    assert_eq!(counts["London"], 25);
}

#[wasm_bindgen_test(unsupported = test)]
fn viem_snapshots_including_eip7702() {
    let v = vectors(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/viem_sign_transaction.json"
    )));
    let k = key(v["private_key"].as_str().unwrap());
    let authority = key(v["authority_key"].as_str().unwrap());
    let chain_id = v["chain_id"].as_u64().unwrap();
    let mut count = 0;
    for case in v["cases"].as_array().unwrap() {
        let mut request = case["request"].clone();
        if let Some(auth) = case.get("authorization") {
            // The authorization is signed by Custodian too, so this checks both signatures.
            let signed = authorization::sign_authorization(&authority, auth, chain_id).unwrap();
            request["authorizationList"] = json!([signed]);
        }
        let raw = sign_transaction(&k, &request, chain_id).unwrap();
        assert_eq!(raw, case["signed"].as_str().unwrap(), "{}", case["name"]);
        assert_decodes_to_signer(&raw, &k);
        count += 1;
    }
    assert_eq!(count, 6);
}

#[wasm_bindgen_test(unsupported = test)]
fn eip7702_authority_recovers_and_round_trips() {
    let v = vectors(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/viem_sign_transaction.json"
    )));
    let authority = key(v["authority_key"].as_str().unwrap());
    let case = &v["cases"][0];
    let signed = authorization::sign_authorization(&authority, &case["authorization"], 1).unwrap();
    let mut request = case["request"].clone();
    request["authorizationList"] = json!([signed]);
    let parsed = TransactionRequest::from_json(&request, 1).unwrap();
    let UnsignedTransaction::Eip7702(tx) = &parsed.tx else {
        panic!("not a 7702 transaction")
    };
    let auth = &tx.authorization_list[0];
    assert_eq!(
        authorization::recover_authority(auth),
        Some(address_of(&authority.public_key()))
    );
    // The well-known address of anvil/hardhat account #1.
    assert_eq!(
        format!("{}", address_of(&authority.public_key())),
        "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
    );
    // Decoding the signed transaction with alloy gives back the same authorization list.
    let raw = sign_transaction(&key(v["private_key"].as_str().unwrap()), &request, 1).unwrap();
    let bytes = hex::decode(strip0x(&raw)).unwrap();
    let TxEnvelope::Eip7702(decoded) = TxEnvelope::decode_2718(&mut bytes.as_slice()).unwrap()
    else {
        panic!("decoded as another type")
    };
    assert_eq!(decoded.tx(), tx);
}
