//! `wallet_previewRequest` through the protocol (`Wallet::handle_json`): routing on the inner
//! method, the signer the preview names, hints, errors, and the three previews people see most
//! (an unlimited ERC-20 approval, an EIP-2612 permit, a native transfer). The decoders
//! themselves are tested table by table in `eth_preview.rs`.
//!
//! Addresses are real mainnet contracts (Circle's USDC, Uniswap's Universal Router); the
//! signer is Hardhat's published account #0 (hardhat.org, "Hardhat Network" reference).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

mod common;

use common::{floor_kdf, HARDHAT_0, HARDHAT_1};
use custodian_core::api::Wallet;
use serde_json::{json, Value};
use wasm_bindgen_test::wasm_bindgen_test;

const HARDHAT_0_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const USDC: &str = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48";
const ROUTER: &str = "0x3fC91A3afd70395Cd496C647d5a6CC9D4B2b7FAD";
/// `approve(ROUTER, 2^256 - 1)`: selector `095ea7b3`, the address word, then all ones.
const APPROVE_MAX_TO_ROUTER: &str = "0x095ea7b30000000000000000000000003fc91a3afd70395cd496c647d5a6cc9d4b2b7fadffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
/// 2023-11-14 22:13:20 UTC.
const NOW_SECS: u64 = 1_700_000_000;

struct Host {
    wallet: Wallet,
}

impl Host {
    fn empty() -> Self {
        Self {
            wallet: Wallet::new(),
        }
    }

    /// A wallet holding Hardhat account #0, unlocked, on chain 1.
    fn with_hardhat_0() -> Self {
        let mut h = Self::empty();
        h.ok(
            "wallet_import",
            json!({
                "password": "pw",
                "privateKey": HARDHAT_0_KEY,
                "kdf": floor_kdf()
            }),
        );
        h
    }

    fn call(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        common::call(&mut self.wallet, NOW_SECS * 1000, None, method, params)
    }

    fn ok(&mut self, method: &str, params: Value) -> Value {
        self.call(method, params)
            .unwrap_or_else(|e| panic!("{method} failed: {e}"))
    }

    fn preview(&mut self, method: &str, params: Value) -> Value {
        self.ok(
            "wallet_previewRequest",
            json!({"request": {"method": method, "params": params}}),
        )
    }

    fn preview_with(&mut self, method: &str, params: Value, hints: Value) -> Value {
        self.ok(
            "wallet_previewRequest",
            json!({"request": {"method": method, "params": params}, "hints": hints}),
        )
    }

    /// `(code, data.kind)` of a failing `wallet_previewRequest` with these params.
    fn preview_err(&mut self, params: Value) -> (i64, String) {
        let e = self
            .call("wallet_previewRequest", params)
            .expect_err("preview should fail");
        (
            e["code"].as_i64().unwrap(),
            e["data"]["kind"].as_str().unwrap().to_owned(),
        )
    }
}

/// The value of the field labelled `label` in a `fields` array.
fn field<'a>(fields: &'a Value, label: &str) -> &'a str {
    fields
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["label"] == label)
        .unwrap_or_else(|| panic!("no field {label} in {fields}"))["value"]
        .as_str()
        .unwrap()
}

/// `(severity, code)` of every warning, in the order given (most severe first).
fn warnings(p: &Value) -> Vec<(String, String)> {
    p["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["severity"].as_str().unwrap().to_owned(),
                w["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pair(severity: &str, code: &str) -> (String, String) {
    (severity.to_owned(), code.to_owned())
}

fn approve_max_tx() -> Value {
    json!({
        "to": USDC, "data": APPROVE_MAX_TO_ROUTER, "nonce": "0x0", "gas": "0xea60",
        "maxFeePerGas": "0x6fc23ac00", "maxPriorityFeePerGas": "0x3b9aca00"
    })
}

#[wasm_bindgen_test(unsupported = test)]
fn unlimited_erc20_approval_is_flagged() {
    let mut h = Host::with_hardhat_0();
    let p = h.preview("eth_signTransaction", json!([approve_max_tx()]));
    assert_eq!(p["kind"], "transaction");
    // No `from` in the request: signing would use the first account, so the preview names it.
    assert_eq!(p["from"], HARDHAT_0);
    assert_eq!(p["actions"][0]["kind"], "tokenApproval");
    assert_eq!(p["actions"][0]["contract"], USDC);
    assert_eq!(field(&p["actions"][0]["fields"], "Spender"), ROUTER);
    assert_eq!(
        warnings(&p),
        [
            pair("warning", "unlimited_approval"),
            pair("info", "spender_unknown")
        ]
    );

    // The same approval to a known plain account: danger first, the allowance still flagged.
    let to_eoa = approve_max_tx()["data"]
        .as_str()
        .unwrap()
        .replace(&ROUTER[2..].to_lowercase(), &HARDHAT_1[2..].to_lowercase());
    let mut tx = approve_max_tx();
    tx["data"] = json!(to_eoa);
    let p = h.preview_with(
        "eth_signTransaction",
        json!([tx]),
        json!({"eoas": [HARDHAT_1], "tokens": [{"address": USDC, "symbol": "USDC", "decimals": 6}]}),
    );
    assert_eq!(
        warnings(&p),
        [
            pair("danger", "spender_is_eoa"),
            pair("warning", "unlimited_approval")
        ]
    );

    // A spender the hints call a contract leaves only the allowance warning.
    let p = h.preview_with(
        "eth_signTransaction",
        json!([approve_max_tx()]),
        json!({"contracts": [ROUTER]}),
    );
    assert_eq!(warnings(&p), [pair("warning", "unlimited_approval")]);
}

#[wasm_bindgen_test(unsupported = test)]
fn eip2612_permit_shows_spender_and_deadline() {
    let mut h = Host::with_hardhat_0();
    let in_an_hour = NOW_SECS + 3600;
    let permit = json!({
        "types": {
            "EIP712Domain": [
                {"name": "name", "type": "string"}, {"name": "version", "type": "string"},
                {"name": "chainId", "type": "uint256"}, {"name": "verifyingContract", "type": "address"}
            ],
            "Permit": [
                {"name": "owner", "type": "address"}, {"name": "spender", "type": "address"},
                {"name": "value", "type": "uint256"}, {"name": "nonce", "type": "uint256"},
                {"name": "deadline", "type": "uint256"}
            ]
        },
        "primaryType": "Permit",
        "domain": {"name": "USD Coin", "version": "2", "chainId": 1, "verifyingContract": USDC},
        "message": {"owner": HARDHAT_0, "spender": ROUTER, "value": "5000000", "nonce": 0, "deadline": in_an_hour}
    });
    let hints = json!({"contracts": [ROUTER], "tokens": [{"address": USDC, "symbol": "USDC", "decimals": 6}]});
    // Dapps send the typed data as a JSON string as often as an object; both preview the same.
    let as_object = h.preview_with(
        "eth_signTypedData_v4",
        json!([HARDHAT_0, permit]),
        hints.clone(),
    );
    let as_string = h.preview_with(
        "eth_signTypedData_v4",
        json!([HARDHAT_0, permit.to_string()]),
        hints,
    );
    assert_eq!(as_object, as_string);
    let p = as_object;
    assert_eq!(p["kind"], "typedData");
    assert_eq!(p["from"], HARDHAT_0);
    assert_eq!(p["actions"][0]["kind"], "permit");
    let fields = &p["actions"][0]["fields"];
    assert_eq!(field(fields, "Spender"), ROUTER);
    assert_eq!(
        field(fields, "Deadline"),
        "2023-11-14 23:13:20 UTC (in 1 hour)"
    );
    assert_eq!(field(fields, "Allowance"), "5 USDC");
    assert_eq!(warnings(&p), []);

    // The same permit without hints and with a year-long deadline.
    let mut far = permit.clone();
    far["message"]["deadline"] = json!(NOW_SECS + 365 * 86_400);
    let p = h.preview("eth_signTypedData_v4", json!([HARDHAT_0, far]));
    assert_eq!(
        warnings(&p),
        [
            pair("warning", "far_deadline"),
            pair("info", "spender_unknown")
        ]
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn native_transfer_shows_the_value_in_eth() {
    let mut h = Host::with_hardhat_0();
    let tx = json!({
        "from": HARDHAT_0, "to": HARDHAT_1, "value": "0x14d1120d7b160000", "nonce": "0x7",
        "gas": "0x5208", "maxFeePerGas": "0x6fc23ac00", "maxPriorityFeePerGas": "0x3b9aca00"
    });
    let p = h.preview("eth_signTransaction", json!([tx]));
    assert_eq!(
        p["chain"],
        json!({"id": "eip155:1", "name": "Ethereum", "testnet": false})
    );
    assert_eq!(p["summary"], format!("Send 1.5 ETH to {HARDHAT_1}."));
    assert_eq!(p["actions"][0]["kind"], "nativeTransfer");
    assert_eq!(field(&p["fields"], "Value"), "1.5 ETH");
    // 21000 gas at 30 gwei.
    assert_eq!(field(&p["fields"], "Max network fee"), "0.00063 ETH");
    assert_eq!(field(&p["fields"], "Nonce"), "7");
    assert_eq!(warnings(&p), []);

    // The active chain decides the currency and name, as it decides what signing accepts.
    h.ok("wallet_switchEthereumChain", json!([{"chainId": "0x89"}]));
    let mut on_polygon = tx.clone();
    on_polygon["chainId"] = json!("0x89");
    let p = h.preview("eth_signTransaction", json!([on_polygon]));
    assert_eq!(p["chain"]["name"], "Polygon");
    assert_eq!(field(&p["fields"], "Value"), "1.5 POL");

    // A balance hint below the value warns.
    let p = h.preview_with(
        "eth_signTransaction",
        json!([on_polygon]),
        json!({"balanceWei": "0xde0b6b3a7640000"}),
    );
    assert_eq!(warnings(&p), [pair("warning", "insufficient_balance")]);
}

#[wasm_bindgen_test(unsupported = test)]
fn messages_and_authorizations_name_their_signer() {
    let mut h = Host::with_hardhat_0();
    let p = h.preview("personal_sign", json!(["0x48656c6c6f", HARDHAT_0]));
    assert_eq!(p["kind"], "message");
    assert_eq!(p["from"], HARDHAT_0);
    assert_eq!(field(&p["fields"], "Message"), "Hello");

    // wallet_signAuthorization takes an object (or [object]); `account` picks the signer.
    let auth = json!({"address": ROUTER, "nonce": "0x0"});
    let bare = h.preview("wallet_signAuthorization", auth.clone());
    let wrapped = h.preview("wallet_signAuthorization", json!([auth]));
    assert_eq!(bare, wrapped);
    assert_eq!(bare["kind"], "authorization");
    assert_eq!(bare["from"], HARDHAT_0);
    assert_eq!(field(&bare["fields"], "Delegate to"), ROUTER);
    assert_eq!(field(&bare["fields"], "Valid on"), "Ethereum");
    assert_eq!(warnings(&bare), [pair("danger", "delegation")]);

    let named = h.preview(
        "wallet_signAuthorization",
        json!({"account": HARDHAT_1, "address": ROUTER, "nonce": "0x0", "chainId": "0x0"}),
    );
    assert_eq!(named["from"], HARDHAT_1);
    assert_eq!(
        warnings(&named),
        [pair("danger", "delegation"), pair("danger", "all_chains")]
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn previews_need_no_unlocked_vault() {
    let mut h = Host::empty();
    let p = h.preview("eth_signTransaction", json!([approve_max_tx()]));
    // Without an unlocked vault there is no default account to name.
    assert!(p.get("from").is_none(), "{p}");
    assert_eq!(p["actions"][0]["kind"], "tokenApproval");

    let mut h = Host::with_hardhat_0();
    h.ok("wallet_lock", json!({}));
    let p = h.preview("eth_signTransaction", json!([approve_max_tx()]));
    assert!(p.get("from").is_none(), "{p}");
    let p = h.preview("personal_sign", json!(["hi", HARDHAT_0]));
    assert_eq!(p["from"], HARDHAT_0);
}

/// Until the Solana module wires its previews into `preview_solana` (a stub for now), every
/// `solana_*` method answers "not available". Delete this test when it does.
#[wasm_bindgen_test(unsupported = test)]
fn solana_previews_route_to_the_solana_decoder() {
    // A Solana preview for an address this wallet does not hold fails exactly as signing would.
    let mut h = Host::with_hardhat_0();
    let ours = "CgWJeEWkiYqosy1ba7a3wn9HAQuHyK48xs3LM4SSDc1C";
    let params = json!({"request": {"method": "solana_signMessage",
        "params": {"address": ours, "message": "aGVsbG8="}}});
    assert_eq!(h.preview_err(params), (4100, "UnknownAccount".into()));
    // With the wallet-core phrase imported (its Phantom-path account is `ours`, see
    // tests/vectors/solana_vectors.json), the message is decoded and shown.
    let mut h = Host::empty();
    h.ok(
        "wallet_import",
        json!({"password": "pw", "kdf": {"memoryKib": 19456, "iterations": 2, "parallelism": 1},
            "mnemonic": "team engine square letter hero song dizzy scrub tornado fabric divert saddle"}),
    );
    let preview = h.preview(
        "solana_signMessage",
        json!({"address": ours, "message": "aGVsbG8="}),
    );
    assert_eq!(preview["kind"], "message", "{preview}");
    // Bytes signing refuses are refused by the preview too.
    let params = json!({"request": {"method": "solana_signTransaction",
        "params": {"address": ours, "transaction": "AA=="}}});
    assert_eq!(h.preview_err(params).0, -32602);
}

#[wasm_bindgen_test(unsupported = test)]
fn routing_and_errors() {
    let mut h = Host::with_hardhat_0();
    let req =
        |method: &str, params: Value| json!({"request": {"method": method, "params": params}});
    // Methods that sign nothing, unknown methods, and previews of previews.
    for method in [
        "eth_accounts",
        "eth_sendTransaction",
        "no_such_method",
        "wallet_previewRequest",
    ] {
        assert_eq!(
            h.preview_err(req(method, json!([]))),
            (-32602, "NotPreviewable".into()),
            "{method}"
        );
    }
    let long = "x".repeat(10_000);
    let e = h
        .call("wallet_previewRequest", req(&long, json!([])))
        .unwrap_err();
    assert!(e["message"].as_str().unwrap().len() < 200, "{e}");

    // Malformed envelopes.
    for params in [
        json!({}),
        json!({"request": {"params": []}}),
        json!({"request": {"method": "personal_sign", "params": []}, "extra": 1}),
        json!({"request": {"method": 5}}),
        json!({"request": {"method": "personal_sign", "params": ["0x00", HARDHAT_0]}, "hints": {"eoas": "nope"}}),
        json!({"request": {"method": "eth_signTransaction", "params": approve_max_tx()}}),
        json!({"request": {"method": "wallet_signAuthorization", "params": "0x00"}}),
        json!({"request": {"method": "wallet_signAuthorization", "params": {"account": 1, "address": ROUTER, "nonce": 0}}}),
        json!({"request": {"method": "personal_sign"}}),
    ] {
        assert_eq!(
            h.preview_err(params.clone()),
            (-32602, "InvalidParams".into()),
            "{params}"
        );
    }

    // A request that signing refuses is refused by the preview with the same error.
    let mut wrong_chain = approve_max_tx();
    wrong_chain["chainId"] = json!("0x89");
    let signing = h
        .call("eth_signTransaction", json!([wrong_chain]))
        .unwrap_err();
    let previewing = h
        .call(
            "wallet_previewRequest",
            req("eth_signTransaction", json!([wrong_chain])),
        )
        .unwrap_err();
    assert_eq!(signing, previewing);
    assert_eq!(signing["data"]["kind"], "InvalidTransaction");
    let bad_address = req(
        "personal_sign",
        json!(["0x00", "0xF39fd6e51aad88F6F4ce6aB8827279cffFb92266"]),
    );
    assert_eq!(
        h.preview_err(bad_address),
        (-32602, "InvalidAddress".into())
    );
    let bad_typed = req("eth_signTypedData_v4", json!([HARDHAT_0, {"types": {}}]));
    assert_eq!(
        h.preview_err(bad_typed),
        (-32602, "InvalidTypedData".into())
    );
    let bad_auth = req("wallet_signAuthorization", json!({"address": ROUTER}));
    assert_eq!(
        h.preview_err(bad_auth),
        (-32602, "InvalidAuthorization".into())
    );
}

/// Random JSON in every slot of `wallet_previewRequest` (the params, the inner params, the
/// hints) through the whole protocol path: always a JSON-RPC answer, never a panic.
#[cfg(not(target_arch = "wasm32"))]
mod random_input {
    use super::*;
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    use std::cell::RefCell;

    const KEYS: &[&str] = &[
        "request",
        "method",
        "params",
        "hints",
        "to",
        "from",
        "nonce",
        "gas",
        "gasPrice",
        "maxFeePerGas",
        "maxPriorityFeePerGas",
        "value",
        "data",
        "chainId",
        "type",
        "address",
        "account",
        "types",
        "primaryType",
        "domain",
        "message",
        "balanceWei",
        "contracts",
        "eoas",
        "tokens",
        "symbol",
        "decimals",
    ];
    const METHODS: &[&str] = &[
        "eth_signTransaction",
        "personal_sign",
        "eth_signTypedData_v4",
        "wallet_signAuthorization",
        "solana_signTransaction",
        "wallet_previewRequest",
        "eth_accounts",
    ];

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            "0x[0-9a-fA-F]{0,70}".prop_map(Value::from),
            ".{0,12}".prop_map(Value::from),
            Just(Value::from(HARDHAT_1)),
            prop::sample::select(METHODS).prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                prop::collection::vec((prop::sample::select(KEYS), inner), 0..6).prop_map(|kv| {
                    Value::Object(kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
                }),
            ]
        })
    }

    #[test]
    fn random_params_never_panic() {
        let host = RefCell::new(Host::with_hardhat_0());
        let mut runner = TestRunner::new(Config::with_cases(512));
        let strategy = (
            json_value(),
            prop::sample::select(METHODS),
            json_value(),
            json_value(),
        );
        runner
            .run(&strategy, |(whole, method, inner, hints)| {
                let mut h = host.borrow_mut();
                // Any answer is fine; `call` itself checks it is a well-formed response.
                let _ = h.call("wallet_previewRequest", whole);
                let _ = h.call(
                    "wallet_previewRequest",
                    json!({"request": {"method": method, "params": inner}, "hints": hints}),
                );
                Ok(())
            })
            .unwrap();
    }
}
