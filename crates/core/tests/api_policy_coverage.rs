//! Every protocol method that signs or exports consults the policy (docs/policy.md §"No bypass").
//!
//! The method list comes from docs/protocol.md, so a new method must be documented and given a
//! sample here, and then this test shows whether it reaches a key without the policy: under a
//! deny-everything policy exactly the methods of `SIGNING_METHODS` answer `PolicyDenied`, and
//! without a policy the same samples succeed (so they are valid and do reach the key).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

mod common;

use std::collections::BTreeSet;

use common::{documented_methods, floor_kdf, solana_transfer, HARDHAT_0, HARDHAT_MNEMONIC};
use custodian_core::api::Wallet;
use custodian_core::policy::SIGNING_METHODS;
use serde_json::{json, Value};
use wasm_bindgen_test::wasm_bindgen_test;

fn deny_all() -> Value {
    json!({"version": 1, "approvers": [], "quorum": 0, "rules": {"allowedChains": []}})
}

/// Valid params for every documented method.
fn samples(solana: &str) -> Vec<(&'static str, Value)> {
    let kdf = floor_kdf();
    let tx = solana_transfer(solana, 1);
    let typed = json!({
        "types": {
            "EIP712Domain": [{"name": "name", "type": "string"}, {"name": "chainId", "type": "uint256"}],
            "Mail": [{"name": "contents", "type": "string"}]
        },
        "primaryType": "Mail",
        "domain": {"name": "Mail", "chainId": 1},
        "message": {"contents": "hello"}
    });
    vec![
        ("wallet_status", json!({})),
        ("wallet_create", json!({"password": "pw", "kdf": kdf})),
        (
            "wallet_import",
            json!({"password": "pw", "mnemonic": HARDHAT_MNEMONIC, "kdf": kdf}),
        ),
        ("wallet_unlock", json!({"password": "pw"})),
        ("wallet_lock", json!({})),
        (
            "wallet_changePassword",
            json!({"oldPassword": "pw", "newPassword": "pw", "kdf": kdf}),
        ),
        ("wallet_addAccount", json!({"chain": "ethereum"})),
        (
            "wallet_renameAccount",
            json!({"address": HARDHAT_0, "label": "Main"}),
        ),
        ("wallet_listAccounts", json!({})),
        (
            "wallet_export",
            json!({"password": "pw", "what": "mnemonic"}),
        ),
        ("wallet_updateSettings", json!({"autoLockMinutes": 0})),
        ("eth_accounts", json!([])),
        ("eth_requestAccounts", json!([])),
        ("eth_chainId", json!([])),
        ("wallet_switchEthereumChain", json!([{"chainId": "0x1"}])),
        ("personal_sign", json!(["0x68656c6c6f", HARDHAT_0])),
        ("eth_signTypedData_v4", json!([HARDHAT_0, typed])),
        (
            "eth_signTransaction",
            json!([{
                "from": HARDHAT_0, "to": "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "value": "0x1",
                "gas": "0x5208", "nonce": "0x0", "chainId": "0x1",
                "maxFeePerGas": "0x1", "maxPriorityFeePerGas": "0x1"
            }]),
        ),
        (
            "wallet_signAuthorization",
            json!({"address": "0x5555555555555555555555555555555555555555", "nonce": "0x0"}),
        ),
        ("eth_sendTransaction", json!([{}])),
        ("eth_sendRawTransaction", json!(["0x00"])),
        ("eth_sign", json!([HARDHAT_0, "0x00"])),
        ("eth_signTypedData", json!([])),
        ("eth_signTypedData_v3", json!([])),
        (
            "solana_signTransaction",
            json!({"address": solana, "transaction": tx}),
        ),
        (
            "solana_signAllTransactions",
            json!({"address": solana, "transactions": [tx, tx]}),
        ),
        (
            "solana_signMessage",
            json!({"address": solana, "message": "aGVsbG8="}),
        ),
        (
            "solana_signIn",
            json!({"address": solana, "input": {"domain": "example.com"}}),
        ),
        (
            "wallet_backupShares",
            json!({"password": "pw", "groupThreshold": 1, "groups": [{"threshold": 2, "count": 3}]}),
        ),
        (
            "wallet_recoverFromShares",
            json!({"password": "pw", "shares": ["not a share"]}),
        ),
        (
            "wallet_previewRequest",
            json!({"request": {"method": "personal_sign", "params": ["0x68656c6c6f", HARDHAT_0]}}),
        ),
        ("wallet_checkPolicy", json!({"policy": deny_all()})),
        ("wallet_getPolicy", json!({})),
        ("wallet_listApprovals", json!({})),
        (
            "wallet_submitApprovals",
            json!({"approvalDigest": "00".repeat(32), "signatures": []}),
        ),
        (
            "wallet_cancelApproval",
            json!({"approvalDigest": "00".repeat(32)}),
        ),
        ("wallet_auditExport", json!({})),
        (
            "wallet_auditVerify",
            json!({"jsonl": "{}", "publicKey": "00".repeat(32)}),
        ),
        ("wallet_connect", json!({})),
        ("wallet_listRequests", json!({})),
        (
            "wallet_approveRequest",
            json!({"requestId": "00".repeat(16)}),
        ),
        (
            "wallet_rejectRequest",
            json!({"requestId": "00".repeat(16)}),
        ),
        ("wallet_listSites", json!({})),
        (
            "wallet_revokeSite",
            json!({"origin": "https://app.example"}),
        ),
        ("wallet_blockSite", json!({"origin": "https://app.example"})),
        (
            "wallet_unblockSite",
            json!({"origin": "https://app.example"}),
        ),
        ("wallet_setPolicy", json!({"policy": deny_all()})),
    ]
}

struct Host {
    wallet: Wallet,
}

impl Host {
    fn call(&mut self, method: &str, params: &Value) -> Result<Value, Value> {
        let result = common::call(
            &mut self.wallet,
            1_700_000_000_000,
            None,
            method,
            params.clone(),
        );
        self.wallet.take_save();
        result
    }

    /// An unlocked wallet with the Hardhat mnemonic; returns it and its Solana address.
    fn new() -> (Self, String) {
        let mut h = Self {
            wallet: Wallet::new(),
        };
        let r = h
            .call(
                "wallet_import",
                &json!({"password": "pw", "mnemonic": HARDHAT_MNEMONIC,
                        "kdf": floor_kdf()}),
            )
            .unwrap();
        let solana = r["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["chain"] == "solana")
            .unwrap()["address"]
            .as_str()
            .unwrap()
            .to_owned();
        (h, solana)
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn every_method_that_signs_or_exports_consults_the_policy() {
    let (mut h, solana) = Host::new();
    let samples = samples(&solana);
    let sampled: BTreeSet<String> = samples.iter().map(|(m, _)| (*m).to_owned()).collect();
    assert_eq!(sampled.len(), samples.len(), "a method is sampled twice");
    let documented = documented_methods();
    assert_eq!(
        documented, sampled,
        "every method in docs/protocol.md needs a sample here (and every sample a documented method)"
    );
    assert_eq!(documented.len(), 47);

    // Without a policy, every signing sample succeeds: the params are valid and reach the key.
    // No method may fail internally (that is how a signing method missing from the list, or
    // an approval mismatch, shows up). `wallet_setPolicy` goes last: it installs the policy.
    for (method, params) in &samples {
        let outcome = h.call(method, params);
        if SIGNING_METHODS.contains(method) {
            outcome
                .as_ref()
                .unwrap_or_else(|e| panic!("{method} without a policy: {e}"));
        }
        if let Err(e) = &outcome {
            assert_ne!(e["data"]["kind"], "Internal", "{method}: {e}");
        }
        if h.call("wallet_status", &json!({})).unwrap()["state"] == "locked" {
            h.call("wallet_unlock", &json!({"password": "pw"})).unwrap();
        }
    }
    assert_eq!(samples.last().unwrap().0, "wallet_setPolicy");

    // Under a deny-everything policy, exactly the signing methods are refused by it.
    let mut denied = BTreeSet::new();
    for (method, params) in &samples {
        let outcome = h.call(method, params);
        if let Err(e) = &outcome {
            assert_ne!(e["data"]["kind"], "Internal", "{method}: {e}");
            if e["data"]["kind"] == "PolicyDenied" {
                assert_eq!(e["code"], 4001, "{method}");
                denied.insert((*method).to_owned());
            }
        }
        if h.call("wallet_status", &json!({})).unwrap()["state"] == "locked" {
            h.call("wallet_unlock", &json!({"password": "pw"})).unwrap();
        }
    }
    let expected: BTreeSet<String> = SIGNING_METHODS.iter().map(|m| (*m).to_owned()).collect();
    assert_eq!(denied, expected);
    assert_eq!(SIGNING_METHODS.len(), 10);

    // Each refusal is in the audit log, which still verifies.
    let export = h.call("wallet_auditExport", &json!({})).unwrap();
    let jsonl = export["jsonl"].as_str().unwrap();
    let refusals = jsonl.matches("\"event\":\"sign.denied\"").count()
        + jsonl.matches("\"event\":\"export.denied\"").count();
    assert_eq!(refusals, SIGNING_METHODS.len());
    let key: [u8; 32] = hex::decode(export["publicKey"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    assert!(custodian_core::audit::verify(jsonl, &key).is_ok());
}
