//! Bad input gives a precise, typed error and never a panic: truncated and odd-length hex,
//! values past 2^256 (and past the field's own width), unknown types, conflicting fields, and
//! malformed typed data. Random inputs (native only, proptest) check the "never a panic" part.

// Test code: a panic is a failed test (clippy.toml allows these in #[test] bodies, not helpers).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use custodian_core::chains::ethereum::transaction::TransactionRequest;
use custodian_core::chains::ethereum::typed_data::TypedDataRequest;
use custodian_core::chains::ethereum::{
    sign_transaction, sign_typed_data_v4, AddressError, FieldError, TransactionError,
    TypedDataError,
};
use custodian_core::keys::secp256k1::Secp256k1PrivateKey;
use serde_json::{json, Value};
use wasm_bindgen_test::wasm_bindgen_test;

const ALICE: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const BOB: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const TWO_256: &str = "0x10000000000000000000000000000000000000000000000000000000000000000";

fn alice() -> Secp256k1PrivateKey {
    Secp256k1PrivateKey::from_hex(
        "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    )
    .unwrap()
}

fn base() -> Value {
    json!({"from": ALICE, "to": BOB, "nonce": "0x1", "gas": "0x5208", "maxFeePerGas": "0x2", "maxPriorityFeePerGas": "0x1", "value": "0x0"})
}

fn with(changes: Value) -> Value {
    let mut tx = base();
    for (k, v) in changes.as_object().unwrap() {
        if v.is_null() {
            tx.as_object_mut().unwrap().remove(k);
        } else {
            tx[k] = v.clone();
        }
    }
    tx
}

fn err(tx: Value) -> TransactionError {
    let e = TransactionRequest::from_json(&tx, 1)
        .and_then(|r| r.sign(&alice()))
        .expect_err("should be refused");
    // Whatever the error, the message is one short line a person can act on.
    let text = e.to_string();
    assert!(!text.is_empty() && !text.contains('\n'), "{text}");
    e
}

fn field_err(tx: Value) -> FieldError {
    match err(tx) {
        TransactionError::Field(f) => f,
        other => panic!("expected a field error, got {other:?}"),
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn the_valid_base_signs() {
    assert!(sign_transaction(&alice(), &base(), 1).is_ok());
}

#[wasm_bindgen_test(unsupported = test)]
fn malformed_hex_names_the_field() {
    let cases = [
        (json!({"nonce": "0x"}), "nonce", "no digits after 0x"),
        (json!({"data": "0xabc"}), "data", "odd number of hex digits"),
        (json!({"data": "a9059cbb"}), "data", "missing 0x prefix"),
        (
            json!({"input": "0x12zz"}),
            "input",
            "contains a character that is not a hex digit",
        ),
        (
            json!({"value": "0x1g"}),
            "value",
            "contains a character that is not a hex digit",
        ),
    ];
    let mut count = 0;
    for (change, field, reason) in cases {
        assert_eq!(
            field_err(with(change)),
            FieldError::InvalidHex {
                field: field.into(),
                reason
            },
        );
        count += 1;
    }
    assert_eq!(count, 5);
    assert_eq!(
        field_err(with(
            json!({"to": "0x70997970C51812dc3A010C7d01b50e0d17dc79"})
        )),
        FieldError::InvalidAddress {
            field: "to".into(),
            source: AddressError::WrongLength(38)
        }
    );
    assert_eq!(
        field_err(with(
            json!({"to": "0x70997970c51812dc3A010C7d01b50e0d17dc79C8"})
        )),
        FieldError::InvalidAddress {
            field: "to".into(),
            source: AddressError::BadChecksum
        }
    );
    assert_eq!(
        field_err(with(
            json!({"accessList": [{"address": BOB, "storageKeys": ["0x01"]}]})
        )),
        FieldError::WrongLength {
            field: "accessList[0].storageKeys[0]".into(),
            expected: 32,
            actual: 1
        }
    );
    assert_eq!(
        err(with(json!({"nonce": -1}))).to_string(),
        "field `nonce` is not a non-negative integer"
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn overflow_is_refused_at_each_width() {
    let cases = [
        ("value", TWO_256.to_owned(), 256),
        ("nonce", "0x10000000000000000".to_owned(), 64),
        ("gas", "0x10000000000000000".to_owned(), 64),
        ("chainId", "0x10000000000000000".to_owned(), 64),
        (
            "maxFeePerGas",
            "0x100000000000000000000000000000000".to_owned(),
            128,
        ),
        (
            "value",
            "115792089237316195423570985008687907853269984665640564039457584007913129639936"
                .to_owned(),
            256,
        ),
    ];
    let mut count = 0;
    for (field, value, bits) in cases {
        let mut change = json!({});
        change[field] = json!(value);
        assert_eq!(
            field_err(with(change)),
            FieldError::Overflow {
                field: field.into(),
                bits
            },
            "{field}"
        );
        count += 1;
    }
    assert_eq!(count, 6);
    // The largest values that fit are accepted.
    let max = with(json!({
        "value": format!("0x{}", "f".repeat(64)),
        "nonce": "0xffffffffffffffff",
        "gas": "0xffffffffffffffff",
        "maxFeePerGas": format!("0x{}", "f".repeat(32)),
    }));
    assert!(sign_transaction(&alice(), &max, 1).is_ok());
}

#[wasm_bindgen_test(unsupported = test)]
fn unknown_and_unsupported_types() {
    for (t, shown) in [
        (json!("0x3"), "3"),
        (json!(7), "7"),
        (json!("0x100"), "256"),
        (json!("eip4844"), "3 (blob)"),
    ] {
        assert_eq!(
            err(with(json!({"type": t}))),
            TransactionError::UnsupportedType(shown.into())
        );
    }
    assert_eq!(
        err(with(json!({"blobVersionedHashes": []}))),
        TransactionError::UnsupportedType("3 (blob)".into())
    );
    assert!(matches!(
        err(with(json!({"type": "0xzz"}))),
        TransactionError::Field(FieldError::InvalidHex { .. })
    ));
}

#[wasm_bindgen_test(unsupported = test)]
fn missing_and_conflicting_fields() {
    assert_eq!(
        field_err(with(json!({"nonce": null}))),
        FieldError::Missing("nonce".into())
    );
    assert_eq!(
        field_err(with(json!({"gas": null}))),
        FieldError::Missing("gas".into())
    );
    assert_eq!(
        field_err(with(json!({"maxPriorityFeePerGas": null}))),
        FieldError::Missing("maxPriorityFeePerGas".into())
    );
    assert_eq!(
        field_err(with(
            json!({"type": "0x0", "maxFeePerGas": null, "maxPriorityFeePerGas": null})
        )),
        FieldError::Missing("gasPrice".into())
    );
    assert_eq!(
        err(with(json!({"gasPrice": "0x1"}))),
        TransactionError::ConflictingFields {
            first: "gasPrice",
            second: "maxFeePerGas"
        }
    );
    assert_eq!(
        err(with(json!({"gasLimit": "0x5209"}))),
        TransactionError::ConflictingFields {
            first: "gas",
            second: "gasLimit"
        }
    );
    assert_eq!(
        err(with(json!({"data": "0x01", "input": "0x02"}))),
        TransactionError::ConflictingFields {
            first: "data",
            second: "input"
        }
    );
    // The same value under both names is fine.
    assert!(TransactionRequest::from_json(
        &with(json!({"gasLimit": "0x5208", "data": "0x01", "input": "0x01"})),
        1
    )
    .is_ok());
    assert_eq!(
        err(with(
            json!({"type": "0x0", "maxFeePerGas": null, "maxPriorityFeePerGas": null, "gasPrice": "0x1", "accessList": []})
        )),
        TransactionError::FieldNotAllowed {
            field: "accessList",
            tx_type: 0
        }
    );
    assert_eq!(
        err(with(json!({"type": "0x1"}))),
        TransactionError::FieldNotAllowed {
            field: "maxFeePerGas",
            tx_type: 1
        }
    );
    assert_eq!(
        err(with(
            json!({"type": "0x2", "maxFeePerGas": null, "maxPriorityFeePerGas": null, "gasPrice": "0x1"})
        )),
        TransactionError::FieldNotAllowed {
            field: "gasPrice",
            tx_type: 2
        }
    );
    assert_eq!(
        err(with(json!({"maxPriorityFeePerGas": "0x3"}))),
        TransactionError::PriorityFeeAboveMaxFee
    );
    assert_eq!(
        err(json!("0x02f8")),
        TransactionError::Field(FieldError::NotAnObject("transaction".into()))
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn chain_and_sender_checks() {
    assert_eq!(
        err(with(json!({"chainId": "0x89"}))),
        TransactionError::ChainIdMismatch {
            requested: 137,
            active: 1
        }
    );
    // chainId 0 only means "no replay protection" for legacy transactions.
    assert_eq!(
        err(with(json!({"chainId": "0x0"}))),
        TransactionError::ChainIdMismatch {
            requested: 0,
            active: 1
        }
    );
    let e = err(with(json!({"from": BOB})));
    assert_eq!(
        e,
        TransactionError::FromMismatch {
            from: BOB.into(),
            signer: ALICE.into()
        }
    );
    assert_eq!(
        e.to_string(),
        format!("the transaction is from {BOB} but the signing account is {ALICE}")
    );
    // `from` in lower case is the same account.
    assert!(sign_transaction(&alice(), &with(json!({"from": ALICE.to_lowercase()})), 1).is_ok());
}

#[wasm_bindgen_test(unsupported = test)]
fn eip7702_shape_errors() {
    let auth = json!({"chainId": "0x1", "address": BOB, "nonce": "0x0", "yParity": "0x0", "r": "0x1", "s": "0x1"});
    assert_eq!(
        field_err(with(
            json!({"type": "0x4", "to": null, "authorizationList": [auth]})
        )),
        FieldError::Missing("to".into())
    );
    assert_eq!(
        err(with(json!({"type": "0x4", "authorizationList": []}))),
        TransactionError::EmptyAuthorizationList
    );
    assert_eq!(
        err(with(
            json!({"authorizationList": [{"chainId": "0x1", "address": BOB, "nonce": "0x0"}]})
        )),
        TransactionError::UnsignedAuthorization(0)
    );
    let mut bad_parity = auth.clone();
    bad_parity["yParity"] = json!("0x2");
    assert_eq!(
        err(with(json!({"authorizationList": [bad_parity]}))),
        TransactionError::InvalidAuthorizationParity(0)
    );
    let mut no_nonce = auth.clone();
    no_nonce.as_object_mut().unwrap().remove("nonce");
    assert_eq!(
        field_err(with(json!({"authorizationList": [auth, no_nonce]}))),
        FieldError::Missing("authorizationList[1].nonce".into())
    );
    assert_eq!(
        err(with(json!({"type": "0x2", "authorizationList": [auth]}))),
        TransactionError::FieldNotAllowed {
            field: "authorizationList",
            tx_type: 2
        }
    );
}

fn typed(types: Value, primary: &str, message: Value) -> Value {
    json!({"types": types, "primaryType": primary, "domain": {"name": "Test", "chainId": 1}, "message": message})
}

fn typed_err(data: Value) -> TypedDataError {
    let e = TypedDataRequest::from_json(&data)
        .and_then(|r| r.signing_hash())
        .expect_err("should be refused");
    assert!(!e.to_string().is_empty());
    // Signing refuses it the same way.
    assert!(sign_typed_data_v4(&alice(), &data, 1).is_err());
    e
}

#[wasm_bindgen_test(unsupported = test)]
fn malformed_typed_data_structure() {
    let one = json!({"A": [{"name": "x", "type": "uint8"}]});
    assert_eq!(
        typed_err(json!({"primaryType": "A", "domain": {}, "message": {}})),
        TypedDataError::MissingField("types")
    );
    assert_eq!(
        typed_err(json!({"types": one, "domain": {}, "message": {}})),
        TypedDataError::MissingField("primaryType")
    );
    assert_eq!(
        typed_err(json!({"types": one, "primaryType": "A", "message": {}})),
        TypedDataError::MissingField("domain")
    );
    assert_eq!(
        typed_err(json!({"types": one, "primaryType": "A", "domain": {}})),
        TypedDataError::MissingField("message")
    );
    assert_eq!(
        typed_err(typed(one.clone(), "Nope", json!({"x": 1}))),
        TypedDataError::UnknownType("Nope".into())
    );
    assert_eq!(
        typed_err(typed(
            json!({"A": [{"name": "p", "type": "Person"}]}),
            "A",
            json!({"p": {}})
        )),
        TypedDataError::UnknownType("Person".into())
    );
    assert!(matches!(
        typed_err(typed(
            json!({"A": [{"name": "b", "type": "B"}], "B": [{"name": "a", "type": "A"}]}),
            "A",
            json!({"b": {"a": {}}})
        )),
        TypedDataError::CyclicType(_)
    ));
    // Types that reuse each other grow exponentially when resolved: 2^40 leaves here.
    let mut types = serde_json::Map::new();
    for i in 0..40 {
        let next = if i == 39 {
            "uint8".to_owned()
        } else {
            format!("T{}", i + 1)
        };
        types.insert(
            format!("T{i}"),
            json!([{"name": "a", "type": next}, {"name": "b", "type": next}]),
        );
    }
    assert!(matches!(
        typed_err(typed(Value::Object(types), "T0", json!({}))),
        TypedDataError::InvalidType(msg) if msg.contains("expands to more than")
    ));
    // A type that contains itself is a cycle too (no finite value has it).
    assert!(matches!(
        typed_err(typed(
            json!({"Node": [{"name": "children", "type": "Node[]"}]}),
            "Node",
            json!({"children": []})
        )),
        TypedDataError::CyclicType(_)
    ));
    // Tuple syntax is not EIP-712 (and would reach a panic inside alloy-dyn-abi).
    assert!(matches!(
        typed_err(typed(
            json!({"A": [{"name": "t", "type": "(uint256,bool)"}]}),
            "A",
            json!({"t": [1, true]})
        )),
        TypedDataError::InvalidType(_)
    ));
    // Not a Solidity type, so it reads as the name of a struct nobody defined.
    assert_eq!(
        typed_err(typed(
            json!({"A": [{"name": "x", "type": "uint7"}]}),
            "A",
            json!({"x": 1})
        )),
        TypedDataError::UnknownType("uint7".into())
    );
    assert!(matches!(
        typed_err(json!("{not json")),
        TypedDataError::Json(_)
    ));
    assert!(matches!(typed_err(json!(42)), TypedDataError::Json(_)));
    assert_eq!(
        typed_err(
            json!({"types": one, "primaryType": "A", "domain": {"name": "x", "owner": "me"}, "message": {"x": 1}})
        ),
        TypedDataError::UnknownDomainField("owner".into())
    );
    assert_eq!(
        typed_err(
            json!({"types": one, "primaryType": "A", "domain": {"chainId": "one"}, "message": {"x": 1}})
        ),
        TypedDataError::InvalidChainId
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn typed_data_value_ranges() {
    let check = |ty: &str, value: Value, ok: bool| {
        let data = typed(
            json!({"A": [{"name": "v", "type": ty}]}),
            "A",
            json!({"v": value}),
        );
        let result = TypedDataRequest::from_json(&data).and_then(|r| r.signing_hash());
        assert_eq!(result.is_ok(), ok, "{ty} {value}: {result:?}");
        if !ok {
            assert!(
                matches!(result, Err(TypedDataError::InvalidValue(_))),
                "{result:?}"
            );
        }
    };
    let mut count = 0;
    for (ty, value, ok) in [
        ("uint8", json!(255), true),
        ("uint8", json!(256), false),
        ("uint8", json!("0xff"), true),
        ("uint8", json!("0x100"), false),
        ("uint8", json!(-1), false),
        ("int8", json!(127), true),
        ("int8", json!(128), false),
        ("int8", json!(-128), true),
        ("int8", json!(-129), false),
        (
            "int256",
            json!("-57896044618658097711785492504343953926634992332820282019728792003956564819968"),
            true,
        ),
        ("uint256", json!(TWO_256), false),
        ("uint256", json!(1.5), false),
        ("bytes32", json!(format!("0x{}", "ab".repeat(32))), true),
        ("bytes32", json!(format!("0x{}", "ab".repeat(31))), false),
        ("bytes1", json!("0xabcd"), false),
        ("bytes", json!("0xabc"), false),
        ("bytes", json!("0x"), true),
        ("address", json!("0x1234"), false),
        ("bool", json!(2), false),
        ("uint8[2]", json!([1, 2]), true),
        ("uint8[2]", json!([1, 2, 3]), false),
        ("string", json!(5), false),
    ] {
        check(ty, value, ok);
        count += 1;
    }
    assert_eq!(count, 22);
    // A struct value without one of its fields.
    let data = typed(
        json!({"A": [{"name": "x", "type": "uint8"}, {"name": "y", "type": "uint8"}]}),
        "A",
        json!({"x": 1}),
    );
    assert!(matches!(typed_err(data), TypedDataError::InvalidValue(_)));
}

#[cfg(not(target_arch = "wasm32"))]
mod random {
    use super::*;
    use custodian_core::chains::ethereum::preview::{
        preview_personal_message, preview_request, preview_transaction, preview_typed_data,
        PreviewContext,
    };
    use proptest::prelude::*;

    const KEYS: &[&str] = &[
        "type",
        "chainId",
        "nonce",
        "gas",
        "gasLimit",
        "gasPrice",
        "maxFeePerGas",
        "maxPriorityFeePerGas",
        "to",
        "from",
        "value",
        "data",
        "input",
        "accessList",
        "authorizationList",
        "address",
        "storageKeys",
        "yParity",
        "r",
        "s",
        "types",
        "primaryType",
        "domain",
        "message",
        "name",
        "verifyingContract",
        "EIP712Domain",
    ];

    fn leaf() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            "0x[0-9a-fA-F]{0,70}".prop_map(Value::from),
            "[a-zA-Z0-9\\[\\]() ,]{0,12}".prop_map(Value::from),
            Just(Value::from(ALICE)),
            Just(Value::from("uint256")),
            Just(Value::from("address")),
        ]
    }

    fn json_value() -> impl Strategy<Value = Value> {
        leaf().prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                prop::collection::vec((prop::sample::select(KEYS), inner), 0..6).prop_map(|kv| {
                    Value::Object(kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
                }),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn no_input_panics(v in json_value(), text in ".{0,80}", calldata in prop::collection::vec(any::<u8>(), 0..200), sel in 0usize..10) {
            let ctx = PreviewContext { active_chain_id: 1, ..PreviewContext::default() };
            let _ = sign_transaction(&alice(), &v, 1);
            let _ = preview_transaction(&v, &ctx);
            let _ = sign_typed_data_v4(&alice(), &v, 1);
            let _ = preview_typed_data(&v, &ctx);
            let _ = preview_request("eth_signTransaction", &v, &ctx);
            let _ = preview_personal_message(&text, &ctx);
            // Calldata behind each known selector, to exercise the ABI reader's bounds checks.
            let selectors = ["a9059cbb", "23b872dd", "095ea7b3", "39509351", "a22cb465", "42842e0e", "b88d4fde", "f242432a", "2eb2c2d6", "00000000"];
            let data = format!("0x{}{}", selectors[sel], hex::encode(&calldata));
            let tx = json!({"to": BOB, "nonce": 0, "gas": 1, "gasPrice": 1, "data": data});
            prop_assert!(preview_transaction(&tx, &ctx).is_ok());
        }

        #[test]
        fn typed_data_with_random_messages(message in json_value(), ty in prop::sample::select(&["uint8", "int16", "bytes", "bytes4", "address", "string", "bool", "uint256[]", "B", "B[2]"][..])) {
            let data = json!({
                "types": {"A": [{"name": "name", "type": ty}], "B": [{"name": "to", "type": "address"}]},
                "primaryType": "A", "domain": {"name": "x"}, "message": message,
            });
            let _ = sign_typed_data_v4(&alice(), &data, 1);
            let _ = preview_typed_data(&data, &PreviewContext::default());
        }
    }
}
