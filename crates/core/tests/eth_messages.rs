//! Signed messages against published vectors: EIP-191 `personal_sign` (eth-sig-util, ethers),
//! the EIP-712 Mail example, and ethers' 130 generated typed-data cases.

// Test code: a panic is a failed test (clippy.toml allows these in #[test] bodies, not helpers).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use alloy_primitives::keccak256;
use custodian_core::chains::ethereum::message::{eip191_hash, message_bytes};
use custodian_core::chains::ethereum::typed_data::TypedDataRequest;
use custodian_core::chains::ethereum::{personal_sign, sign_typed_data_v4};
use custodian_core::keys::secp256k1::Secp256k1PrivateKey;
use serde_json::{json, Map, Value};
use wasm_bindgen_test::wasm_bindgen_test;

fn vectors(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn key(hex: &str) -> Secp256k1PrivateKey {
    Secp256k1PrivateKey::from_hex(hex).unwrap()
}

#[wasm_bindgen_test(unsupported = test)]
fn eip191_personal_sign_and_hash_message() {
    let v = vectors(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/eip191_personal_sign.json"
    )));
    let mut signed = 0;
    for case in v["personal_sign"].as_array().unwrap() {
        let k = key(case["private_key"].as_str().unwrap());
        let hex_form = case["message_hex"].as_str().unwrap();
        let expected = case["signature"].as_str().unwrap();
        // What ethers and viem send: the bytes as 0x hex.
        assert_eq!(personal_sign(&k, hex_form), expected, "{}", case["name"]);
        // What a hand-written dapp sends: the text itself, when it is text.
        if let Some(text) = case.get("message_utf8").and_then(Value::as_str) {
            assert_eq!(personal_sign(&k, text), expected, "{}", case["name"]);
        }
        let (bytes, _) = message_bytes(hex_form);
        assert_eq!(
            format!("{:#x}", eip191_hash(&bytes)),
            case["eip191_hash"].as_str().unwrap()
        );
        signed += 1;
    }
    assert_eq!(signed, 4);

    let mut hashed = 0;
    for case in v["hash_message"].as_array().unwrap() {
        let (bytes, _) = message_bytes(case["message_hex"].as_str().unwrap());
        assert_eq!(
            format!("{:#x}", eip191_hash(&bytes)),
            case["eip191_hash"].as_str().unwrap(),
            "{}",
            case["name"]
        );
        hashed += 1;
    }
    assert_eq!(hashed, 3);
}

/// `typeHash || encodeData(message)`, the form the EIP and ethers print as "encodeData".
fn with_type_hash(request: &TypedDataRequest) -> String {
    let type_hash = keccak256(request.encode_type().unwrap());
    format!(
        "0x{}{}",
        hex::encode(type_hash),
        hex::encode(request.encode_data().unwrap())
    )
}

#[wasm_bindgen_test(unsupported = test)]
fn eip712_mail_example() {
    let v = vectors(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/eip712_example.json"
    )));
    let mut count = 0;
    for case in v["vectors"].as_array().unwrap() {
        let data = &case["typed_data"];
        let request = TypedDataRequest::from_json(data).unwrap();
        assert_eq!(
            request.encode_type().unwrap(),
            case["encodeType_Mail"].as_str().unwrap()
        );
        assert_eq!(
            format!("{:#x}", keccak256(request.encode_type().unwrap())),
            case["typeHash_Mail"].as_str().unwrap()
        );
        assert_eq!(
            with_type_hash(&request),
            case["encodeData_Mail"].as_str().unwrap()
        );
        assert_eq!(
            format!("{:#x}", request.hash_struct().unwrap()),
            case["hashStruct_Mail"].as_str().unwrap()
        );
        assert_eq!(
            format!("{:#x}", request.domain_separator().unwrap()),
            case["domainSeparator"].as_str().unwrap()
        );
        assert_eq!(
            format!("{:#x}", request.signing_hash().unwrap()),
            case["signHash"].as_str().unwrap()
        );
        let k = key(case["private_key"].as_str().unwrap());
        let signature = sign_typed_data_v4(&k, data, 1).unwrap();
        assert_eq!(signature, case["signature_rsv"].as_str().unwrap());
        // Dapps often send the payload as a JSON string; the result is the same.
        let as_string = Value::String(data.to_string());
        assert_eq!(sign_typed_data_v4(&k, &as_string, 1).unwrap(), signature);
        count += 1;
    }
    assert_eq!(count, 1);
}

/// The `eth_signTypedData_v4` payload ethers sends for a test case: ethers derives
/// `EIP712Domain` from the domain's keys before sending (`TypedDataEncoder.getPayload`).
fn ethers_payload(case: &Value) -> Value {
    let domain = case["domain"].as_object().unwrap();
    let mut domain_type = vec![];
    for (name, ty) in [
        ("name", "string"),
        ("version", "string"),
        ("chainId", "uint256"),
        ("verifyingContract", "address"),
        ("salt", "bytes32"),
    ] {
        if domain.contains_key(name) {
            domain_type.push(json!({"name": name, "type": ty}));
        }
    }
    let mut types: Map<String, Value> = case["types"].as_object().unwrap().clone();
    types.insert("EIP712Domain".into(), Value::Array(domain_type));
    json!({
        "types": types,
        "primaryType": case["primaryType"],
        "domain": case["domain"],
        "message": case["data"],
    })
}

#[wasm_bindgen_test(unsupported = test)]
fn ethers_typed_data_all_cases() {
    let v = vectors(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/ethers_typed_data.json"
    )));
    let mut digests = 0;
    let mut signatures = 0;
    for case in v["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        for payload in [
            ethers_payload(case),
            // Without EIP712Domain in `types`, Custodian derives it the same way.
            json!({
                "types": case["types"],
                "primaryType": case["primaryType"],
                "domain": case["domain"],
                "message": case["data"],
            }),
        ] {
            let request =
                TypedDataRequest::from_json(&payload).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(
                with_type_hash(&request),
                case["encoded"].as_str().unwrap(),
                "{name} encodeData"
            );
            assert_eq!(
                format!("{:#x}", request.signing_hash().unwrap()),
                case["digest"].as_str().unwrap(),
                "{name} digest"
            );
        }
        if let Some(signature) = case.get("signature") {
            let k = key(case["privateKey"].as_str().unwrap());
            let chain = case["domain"]["chainId"].as_u64().unwrap();
            assert_eq!(
                sign_typed_data_v4(&k, &ethers_payload(case), chain).unwrap(),
                signature.as_str().unwrap()
            );
            signatures += 1;
        }
        digests += 1;
    }
    assert_eq!(digests, 130);
    assert_eq!(signatures, 1);
}
