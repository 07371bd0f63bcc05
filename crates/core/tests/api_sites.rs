//! Sites: per-origin consent through the protocol (`docs/sites.md`), as the wallet host drives
//! it: a site's request is answered, held or refused; the wallet's own UI (no origin) lists,
//! approves and rejects held requests, and what an approval signs is checked against the
//! account's public key with k256 / ed25519-dalek, not just "is Ok".

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

mod common;

use std::collections::{BTreeMap, BTreeSet};

use alloy_consensus::transaction::SignerRecoverable;
use alloy_consensus::TxEnvelope;
use alloy_eips::eip2718::Decodable2718;
use base64::Engine;
use common::{
    documented_methods, floor_kdf, solana_transfer, HARDHAT_0, HARDHAT_1, HARDHAT_MNEMONIC,
};
use custodian_core::api::sites::{HELD_TTL_MS, MAX_HELD, MAX_HELD_PER_ORIGIN};
use custodian_core::api::{Env, Wallet};
use custodian_core::keys::ed25519::Ed25519PrivateKey;
use custodian_core::policy::approval_digest;
use serde_json::{json, Value};
use wasm_bindgen_test::wasm_bindgen_test;

const SITE: &str = "https://app.example";
const OTHER: &str = "https://other.example";
const START: u64 = 1_700_000_000_000;

struct Host {
    wallet: Wallet,
    now: u64,
    saved: Option<Vec<u8>>,
    stored: common::Stored,
    events: Vec<(String, Value)>,
}

impl Host {
    fn empty() -> Self {
        Self {
            wallet: Wallet::new(),
            now: START,
            saved: None,
            stored: common::Stored::default(),
            events: Vec::new(),
        }
    }

    /// An unlocked wallet with the Hardhat mnemonic (one Ethereum, one Solana account).
    fn new() -> Self {
        let mut h = Self::empty();
        h.owner(
            "wallet_import",
            json!({"password": "pw", "mnemonic": HARDHAT_MNEMONIC,
                   "kdf": floor_kdf()}),
        );
        h
    }

    fn call(&mut self, origin: Option<&str>, method: &str, params: Value) -> Result<Value, Value> {
        let result = common::call(&mut self.wallet, self.now, origin, method, params);
        if let Some(s) = self.wallet.take_save() {
            if let Some(v) = &s.vault {
                self.saved = Some(v.bytes.clone());
            }
            self.stored.persist(s);
        }
        for e in self.wallet.take_events() {
            self.events.push((e.event.to_owned(), e.data));
        }
        result
    }

    /// The wallet's own UI: must succeed.
    fn owner(&mut self, method: &str, params: Value) -> Value {
        self.call(None, method, params)
            .unwrap_or_else(|e| panic!("{method} failed: {e}"))
    }

    /// The error's `data` (with `kind`), after checking code and kind.
    fn err(
        &mut self,
        origin: Option<&str>,
        method: &str,
        params: Value,
        code: i64,
        kind: &str,
    ) -> Value {
        let e = self.call(origin, method, params).expect_err(method);
        assert_eq!(
            (e["code"].as_i64().unwrap(), e["data"]["kind"].as_str()),
            (code, Some(kind)),
            "{method}: {e}"
        );
        e["data"].clone()
    }

    /// A site request that must be held; returns its request id.
    fn held(&mut self, origin: &str, method: &str, params: Value, consent: &str) -> String {
        let data = self.err(Some(origin), method, params, 4100, "ConsentRequired");
        assert_eq!(data["consentKind"], consent, "{data}");
        data["requestId"].as_str().unwrap().to_owned()
    }

    fn approve(&mut self, id: &str) -> Result<Value, Value> {
        self.call(None, "wallet_approveRequest", json!({"requestId": id}))
    }

    /// Connects `origin` through the user's approval (all accounts, or `accounts`).
    fn connect(&mut self, origin: &str, accounts: Option<Value>) -> Value {
        let id = self.held(origin, "wallet_connect", json!({}), "connect");
        let mut params = json!({"requestId": id});
        if let Some(a) = accounts {
            params["accounts"] = a;
        }
        self.owner("wallet_approveRequest", params)
    }

    fn solana(&mut self) -> String {
        let accounts = self.owner("wallet_listAccounts", json!({}));
        accounts
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["chain"] == "solana")
            .unwrap()["address"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    fn audit_entries(&mut self) -> Vec<Value> {
        let r = self.owner("wallet_auditExport", json!({}));
        let key: [u8; 32] = hex::decode(r["publicKey"].as_str().unwrap())
            .unwrap()
            .try_into()
            .unwrap();
        let jsonl = r["jsonl"].as_str().unwrap();
        assert!(custodian_core::audit::verify(jsonl, &key).is_ok());
        jsonl
            .lines()
            .skip(1)
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

/// The EIP-55 address that signed `message` under EIP-191, recovered with k256.
fn personal_signer(message: &[u8], signature: &Value) -> String {
    let sig = hex::decode(signature.as_str().unwrap().trim_start_matches("0x")).unwrap();
    assert_eq!(sig.len(), 65);
    let mut prefixed = format!("\x19Ethereum Signed Message:\n{}", message.len()).into_bytes();
    prefixed.extend_from_slice(message);
    let hash = alloy_primitives::keccak256(&prefixed);
    let rs = k256::ecdsa::Signature::from_slice(&sig[..64]).unwrap();
    let recid = k256::ecdsa::RecoveryId::from_byte(sig[64] - 27).unwrap();
    let key = k256::ecdsa::VerifyingKey::recover_from_prehash(hash.as_slice(), &rs, recid).unwrap();
    let point = key.to_encoded_point(false);
    let digest = alloy_primitives::keccak256(&point.as_bytes()[1..]);
    alloy_primitives::Address::from_slice(&digest[12..]).to_checksum(None)
}

/// Checks an Ed25519 signature (base64) over `message` (base64) with the key of `address`.
fn assert_solana_signature(address: &str, message_b64: &Value, signature_b64: &Value) {
    let b64 = base64::engine::general_purpose::STANDARD;
    let public: [u8; 32] = bs58::decode(address)
        .into_vec()
        .unwrap()
        .try_into()
        .unwrap();
    let message = b64.decode(message_b64.as_str().unwrap()).unwrap();
    let signature: [u8; 64] = b64
        .decode(signature_b64.as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    let key = ed25519_dalek::VerifyingKey::from_bytes(&public).unwrap();
    key.verify_strict(&message, &ed25519_dalek::Signature::from_bytes(&signature))
        .unwrap();
}

fn transfer(from: Option<&str>) -> Value {
    let mut tx = json!({
        "to": "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", "value": "0x1",
        "gas": "0x5208", "nonce": "0x0", "chainId": "0x1",
        "maxFeePerGas": "0x3b9aca00", "maxPriorityFeePerGas": "0x3b9aca00"
    });
    if let Some(f) = from {
        tx["from"] = json!(f);
    }
    json!([tx])
}

// ---------------------------------------------------------------------------------------------
// The rule table, method by method.

/// What a site gets (docs/sites.md's table).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    /// A result.
    Answered,
    /// The empty list.
    Empty,
    /// 4100 `ConsentRequired`: held for the user.
    Held,
    /// 4100 `SiteNotConnected`.
    NotConnected,
    /// 4100 `OriginNotAllowed`.
    NotAllowed,
    /// 4200 `Unsupported`.
    Unsupported,
    /// The method's own answer to the sample (`wallet_submitApprovals` of an unknown digest).
    ApprovalUnknown,
}

fn classify(outcome: &Result<Value, Value>) -> Outcome {
    match outcome {
        Ok(v) if *v == json!([]) => Outcome::Empty,
        Ok(_) => Outcome::Answered,
        Err(e) => match (
            e["code"].as_i64().unwrap(),
            e["data"]["kind"].as_str().unwrap(),
        ) {
            (4100, "ConsentRequired") => Outcome::Held,
            (4100, "SiteNotConnected") => Outcome::NotConnected,
            (4100, "OriginNotAllowed") => Outcome::NotAllowed,
            (4200, "Unsupported") => Outcome::Unsupported,
            (4100, "ApprovalUnknown") => Outcome::ApprovalUnknown,
            _ => panic!("unexpected error {e}"),
        },
    }
}

/// A valid sample for every documented method, and what a site gets when (not connected,
/// connected), per docs/sites.md.
fn rule_table(solana: &str) -> Vec<(&'static str, Value, Outcome, Outcome)> {
    use Outcome::*;
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
    let policy =
        json!({"version": 1, "approvers": [], "quorum": 0, "rules": {"allowedChains": []}});
    let owner_only = |m: &'static str, p: Value| (m, p, NotAllowed, NotAllowed);
    vec![
        owner_only("wallet_status", json!({})),
        owner_only("wallet_create", json!({"password": "pw", "kdf": kdf})),
        owner_only(
            "wallet_import",
            json!({"password": "pw", "mnemonic": HARDHAT_MNEMONIC, "kdf": kdf}),
        ),
        owner_only("wallet_unlock", json!({"password": "pw"})),
        owner_only("wallet_lock", json!({})),
        owner_only(
            "wallet_changePassword",
            json!({"oldPassword": "pw", "newPassword": "pw", "kdf": kdf}),
        ),
        owner_only("wallet_addAccount", json!({"chain": "ethereum"})),
        owner_only(
            "wallet_renameAccount",
            json!({"address": HARDHAT_0, "label": "Main"}),
        ),
        ("wallet_listAccounts", json!({}), Empty, Answered),
        owner_only(
            "wallet_export",
            json!({"password": "pw", "what": "mnemonic"}),
        ),
        owner_only("wallet_updateSettings", json!({"autoLockMinutes": 0})),
        owner_only(
            "wallet_backupShares",
            json!({"password": "pw", "groupThreshold": 1, "groups": [{"threshold": 2, "count": 3}]}),
        ),
        owner_only(
            "wallet_recoverFromShares",
            json!({"password": "pw", "shares": ["not a share"]}),
        ),
        ("eth_accounts", json!([]), Empty, Answered),
        ("eth_requestAccounts", json!([]), Held, Answered),
        ("eth_chainId", json!([]), Answered, Answered),
        (
            "wallet_switchEthereumChain",
            json!([{"chainId": "0x1"}]),
            NotConnected,
            Answered,
        ),
        (
            "personal_sign",
            json!(["0x68656c6c6f", HARDHAT_0]),
            NotConnected,
            Held,
        ),
        (
            "eth_signTypedData_v4",
            json!([HARDHAT_0, typed]),
            NotConnected,
            Held,
        ),
        (
            "eth_signTransaction",
            transfer(Some(HARDHAT_0)),
            NotConnected,
            Held,
        ),
        (
            "wallet_signAuthorization",
            json!({"address": "0x5555555555555555555555555555555555555555", "nonce": "0x0"}),
            NotConnected,
            Held,
        ),
        ("eth_sendTransaction", json!([{}]), Unsupported, Unsupported),
        (
            "eth_sendRawTransaction",
            json!(["0x00"]),
            Unsupported,
            Unsupported,
        ),
        (
            "eth_sign",
            json!([HARDHAT_0, "0x00"]),
            Unsupported,
            Unsupported,
        ),
        ("eth_signTypedData", json!([]), Unsupported, Unsupported),
        ("eth_signTypedData_v3", json!([]), Unsupported, Unsupported),
        (
            "solana_signTransaction",
            json!({"address": solana, "transaction": tx}),
            NotConnected,
            Held,
        ),
        (
            "solana_signAllTransactions",
            json!({"address": solana, "transactions": [tx, tx]}),
            NotConnected,
            Held,
        ),
        (
            "solana_signMessage",
            json!({"address": solana, "message": "aGVsbG8="}),
            NotConnected,
            Held,
        ),
        (
            "solana_signIn",
            json!({"address": solana, "input": {"domain": "app.example"}}),
            NotConnected,
            Held,
        ),
        (
            "wallet_previewRequest",
            json!({"request": {"method": "personal_sign", "params": ["0x68656c6c6f", HARDHAT_0]}}),
            Answered,
            Answered,
        ),
        owner_only("wallet_checkPolicy", json!({"policy": policy})),
        owner_only("wallet_setPolicy", json!({"policy": policy})),
        owner_only("wallet_getPolicy", json!({})),
        owner_only("wallet_listApprovals", json!({})),
        (
            "wallet_submitApprovals",
            json!({"approvalDigest": "00".repeat(32), "signatures": []}),
            ApprovalUnknown,
            ApprovalUnknown,
        ),
        owner_only(
            "wallet_cancelApproval",
            json!({"approvalDigest": "00".repeat(32)}),
        ),
        owner_only("wallet_auditExport", json!({})),
        owner_only(
            "wallet_auditVerify",
            json!({"jsonl": "{}", "publicKey": "00".repeat(32)}),
        ),
        ("wallet_connect", json!({}), Held, Answered),
        owner_only("wallet_listRequests", json!({})),
        owner_only(
            "wallet_approveRequest",
            json!({"requestId": "00".repeat(16)}),
        ),
        owner_only(
            "wallet_rejectRequest",
            json!({"requestId": "00".repeat(16)}),
        ),
        owner_only("wallet_listSites", json!({})),
        owner_only("wallet_revokeSite", json!({"origin": SITE})),
        owner_only("wallet_blockSite", json!({"origin": SITE})),
        owner_only("wallet_unblockSite", json!({"origin": SITE})),
    ]
}

#[wasm_bindgen_test(unsupported = test)]
fn every_documented_method_has_a_site_rule() {
    let mut h = Host::new();
    let solana = h.solana();
    let table = rule_table(&solana);
    let sampled: BTreeSet<String> = table.iter().map(|r| r.0.to_owned()).collect();
    assert_eq!(sampled.len(), table.len(), "a method is sampled twice");
    assert_eq!(
        documented_methods(),
        sampled,
        "every method in docs/protocol.md needs a site rule here (and every rule a documented method)"
    );
    assert_eq!(sampled.len(), 47);

    let mut seen = BTreeMap::new();
    for connected in [false, true] {
        if connected {
            h.connect(SITE, None);
        }
        for (method, params, unconnected, when_connected) in &table {
            let expected = if connected {
                when_connected
            } else {
                unconnected
            };
            let got = classify(&h.call(Some(SITE), method, params.clone()));
            assert_eq!(got, *expected, "{method} (connected: {connected})");
            *seen.entry(format!("{got:?}")).or_insert(0) += 1;
            // Nothing a site did may lock the wallet or change the vault's accounts.
            assert_eq!(h.owner("wallet_status", json!({}))["state"], "unlocked");
        }
        // Drop what was held so the per-origin limit never interferes.
        for r in h
            .owner("wallet_listRequests", json!({}))
            .as_array()
            .unwrap()
        {
            h.owner("wallet_rejectRequest", json!({"requestId": r["requestId"]}));
        }
    }
    // 2 x 47 outcomes, as docs/sites.md's table counts them: 26 owner-only methods, 8 signing
    // methods, 5 unsupported ones. The switch is to the active chain, answered at once.
    let counts: Vec<(String, i32)> = seen.into_iter().collect();
    assert_eq!(
        counts,
        [
            ("Answered".to_owned(), 2 + 7),
            ("ApprovalUnknown".to_owned(), 2),
            ("Empty".to_owned(), 2),
            ("Held".to_owned(), 2 + 8),
            ("NotAllowed".to_owned(), 2 * 26),
            ("NotConnected".to_owned(), 9),
            ("Unsupported".to_owned(), 2 * 5),
        ]
    );
    // Only the connect was ever stored in the vault: no account, setting or policy changed.
    assert_eq!(
        h.owner("wallet_getPolicy", json!({}))["policy"],
        Value::Null
    );
    assert_eq!(
        h.owner("wallet_listAccounts", json!({}))
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn origins_are_validated() {
    let mut h = Host::new();
    for bad in [
        "",
        "null",
        "https://App.example",
        "https://app.example/",
        "https://app.example:443",
        "app.example",
    ] {
        h.err(Some(bad), "eth_chainId", json!([]), -32602, "InvalidOrigin");
        h.err(
            Some(bad),
            "eth_accounts",
            json!([]),
            -32602,
            "InvalidOrigin",
        );
    }
    let long = format!("https://{}.example", "a".repeat(300));
    h.err(
        Some(&long),
        "eth_chainId",
        json!([]),
        -32602,
        "InvalidOrigin",
    );
    h.err(
        None,
        "wallet_revokeSite",
        json!({"origin": "https://app.example/x"}),
        -32602,
        "InvalidOrigin",
    );
    assert_eq!(
        h.call(Some("http://localhost:8081"), "eth_chainId", json!([])),
        Ok(json!("0x1"))
    );
}

// ---------------------------------------------------------------------------------------------
// Connecting.

#[wasm_bindgen_test(unsupported = test)]
fn connect_is_held_until_the_user_approves() {
    let mut h = Host::new();
    let solana = h.solana();
    let id = h.held(SITE, "eth_requestAccounts", json!([]), "connect");
    assert_eq!(h.call(Some(SITE), "eth_accounts", json!([])), Ok(json!([])));
    let list = h.owner("wallet_listRequests", json!({}));
    assert_eq!(
        list,
        json!([{
            "requestId": id, "origin": SITE, "consentKind": "connect",
            "request": {"method": "eth_requestAccounts", "params": []},
            "preview": null, "createdAt": START, "expiresAt": START + 600_000,
            "recentRejects": 0, "offerBlock": false
        }])
    );
    assert_eq!(h.approve(&id), Ok(json!([HARDHAT_0])));
    assert_eq!(h.owner("wallet_listRequests", json!({})), json!([]));
    // Connected: answered at once, in each method's shape.
    assert_eq!(
        h.call(Some(SITE), "eth_requestAccounts", json!([])),
        Ok(json!([HARDHAT_0]))
    );
    assert_eq!(
        h.call(Some(SITE), "eth_accounts", json!([])),
        Ok(json!([HARDHAT_0]))
    );
    let connect = h.call(Some(SITE), "wallet_connect", json!({})).unwrap();
    let addresses: Vec<&str> = connect["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["address"].as_str().unwrap())
        .collect();
    assert_eq!(addresses, [HARDHAT_0, solana.as_str()]);
    assert_eq!(
        h.call(Some(SITE), "wallet_listAccounts", json!({}))
            .unwrap(),
        connect["accounts"]
    );
    // Another site is still a stranger.
    assert_eq!(
        h.call(Some(OTHER), "eth_accounts", json!([])),
        Ok(json!([]))
    );
    let sites = h.owner("wallet_listSites", json!({}));
    assert_eq!(
        sites,
        json!([{"origin": SITE, "connectedAt": START, "accounts": [HARDHAT_0, solana]}])
    );
    let connected: Vec<Value> = h
        .audit_entries()
        .into_iter()
        .filter(|e| e["event"] == "site.connected")
        .collect();
    assert_eq!(connected.len(), 1);
    assert_eq!(
        connected[0]["details"],
        json!({"origin": SITE, "accounts": [HARDHAT_0, solana]})
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn silent_connect_never_holds() {
    let mut h = Host::new();
    h.err(
        Some(SITE),
        "wallet_connect",
        json!({"silent": true}),
        4100,
        "SiteNotConnected",
    );
    assert_eq!(h.owner("wallet_listRequests", json!({})), json!([]));
    h.connect(SITE, None);
    let r = h
        .call(Some(SITE), "wallet_connect", json!({"silent": true}))
        .unwrap();
    assert_eq!(r["accounts"].as_array().unwrap().len(), 2);
}

#[wasm_bindgen_test(unsupported = test)]
fn a_subset_grant_limits_accounts_and_signing() {
    let mut h = Host::new();
    let second = h.owner("wallet_addAccount", json!({"chain": "ethereum"}));
    assert_eq!(second["address"], HARDHAT_1);
    // Grant only account #1 (lowercase in the request: addresses match case-insensitively).
    let granted = h.connect(SITE, Some(json!([HARDHAT_1.to_lowercase()])));
    assert_eq!(granted["accounts"][0]["address"], HARDHAT_1);
    assert_eq!(granted["accounts"].as_array().unwrap().len(), 1);
    assert_eq!(
        h.call(Some(SITE), "eth_accounts", json!([])),
        Ok(json!([HARDHAT_1]))
    );
    // The other account is not the site's to use.
    h.err(
        Some(SITE),
        "personal_sign",
        json!(["0x68656c6c6f", HARDHAT_0]),
        4100,
        "UnknownAccount",
    );
    h.err(
        Some(SITE),
        "eth_signTransaction",
        transfer(Some(HARDHAT_0)),
        4100,
        "UnknownAccount",
    );
    // No Solana account was granted: a Solana request has no signer.
    let solana = h.solana();
    h.err(
        Some(SITE),
        "solana_signMessage",
        json!({"address": solana, "message": "aGVsbG8="}),
        4100,
        "UnknownAccount",
    );
    // A transaction without `from` is for the granted account, and the held request says so.
    let id = h.held(SITE, "eth_signTransaction", transfer(None), "sign");
    let list = h.owner("wallet_listRequests", json!({}));
    assert_eq!(list[0]["request"]["params"][0]["from"], HARDHAT_1);
    assert_eq!(
        list[0]["preview"]["from"].as_str().unwrap().to_lowercase(),
        HARDHAT_1.to_lowercase()
    );
    let raw = h.approve(&id).unwrap();
    let bytes = hex::decode(raw.as_str().unwrap().trim_start_matches("0x")).unwrap();
    let envelope = TxEnvelope::decode_2718(&mut bytes.as_slice()).unwrap();
    assert_eq!(
        envelope.recover_signer().unwrap().to_checksum(None),
        HARDHAT_1
    );
    // A preview for the site names only what it was granted.
    let preview = h
        .call(
            Some(OTHER),
            "wallet_previewRequest",
            json!({"request": {"method": "eth_signTransaction", "params": transfer(None)}}),
        )
        .unwrap();
    assert!(!preview.to_string().contains(&HARDHAT_0[2..]), "{preview}");
    // Unknown or empty grants are refused, and the request stays held.
    let id = h.held(OTHER, "wallet_connect", json!({}), "connect");
    h.err(
        None,
        "wallet_approveRequest",
        json!({"requestId": id, "accounts": ["0x0000000000000000000000000000000000000001"]}),
        4100,
        "UnknownAccount",
    );
    h.err(
        None,
        "wallet_approveRequest",
        json!({"requestId": id, "accounts": []}),
        -32602,
        "InvalidParams",
    );
    assert_eq!(
        h.owner("wallet_listRequests", json!({}))
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn a_grant_survives_seal_and_open() {
    let mut h = Host::new();
    h.connect(SITE, Some(json!([HARDHAT_0])));
    let mut reopened = Host {
        wallet: h.stored.open(),
        ..Host::empty()
    };
    // Locked: a site sees nothing, but is not told it is unknown either.
    assert_eq!(
        reopened.call(Some(SITE), "eth_accounts", json!([])),
        Ok(json!([]))
    );
    reopened.owner("wallet_unlock", json!({"password": "pw"}));
    assert_eq!(
        reopened.call(Some(SITE), "eth_accounts", json!([])),
        Ok(json!([HARDHAT_0]))
    );
    assert_eq!(
        reopened.owner("wallet_listSites", json!({}))[0]["origin"],
        SITE
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn the_golden_vault_opens_with_no_sites() {
    let bytes = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/vault-v1.bin"
    ));
    let mut h = Host {
        wallet: Wallet::from_sealed(bytes.to_vec()).unwrap(),
        ..Host::empty()
    };
    h.owner(
        "wallet_unlock",
        json!({"password": "correct horse battery staple"}),
    );
    assert_eq!(h.owner("wallet_listSites", json!({})), json!([]));
    // Its legacy `connected_sites` list grants nothing.
    assert_eq!(
        h.call(Some("https://app.example"), "eth_accounts", json!([])),
        Ok(json!([]))
    );
    // A vault from before blocks (no `blocked_sites` member) takes one.
    h.owner("wallet_blockSite", json!({"origin": SITE}));
    h.err(Some(SITE), "eth_chainId", json!([]), 4001, "SiteBlocked");
}

// ---------------------------------------------------------------------------------------------
// Signing.

#[wasm_bindgen_test(unsupported = test)]
fn approved_signatures_verify_against_the_account_keys() {
    let mut h = Host::new();
    let solana = h.solana();
    h.connect(SITE, None);

    let id = h.held(SITE, "personal_sign", json!(["hello", HARDHAT_0]), "sign");
    let list = h.owner("wallet_listRequests", json!({}));
    assert_eq!(list[0]["preview"]["chain"]["id"], "eip155:1");
    // The preview is the core's own preview of the same request.
    let preview = h.owner(
        "wallet_previewRequest",
        json!({"request": {"method": "personal_sign", "params": ["hello", HARDHAT_0]}}),
    );
    assert_eq!(list[0]["preview"], preview);
    let signature = h.approve(&id).unwrap();
    assert_eq!(personal_signer(b"hello", &signature), HARDHAT_0);

    let message = base64::engine::general_purpose::STANDARD.encode(b"sign me");
    let id = h.held(
        SITE,
        "solana_signMessage",
        json!({"address": solana, "message": message}),
        "sign",
    );
    let out = h.approve(&id).unwrap();
    assert_solana_signature(&solana, &out["signedMessage"], &out["signature"]);
    assert_eq!(out["signedMessage"], message);

    // The approved signatures are in the audit log with the site's origin.
    let signed: Vec<Value> = h
        .audit_entries()
        .into_iter()
        .filter(|e| e["event"] == "sign.allowed")
        .collect();
    assert_eq!(signed.len(), 2);
    for e in &signed {
        assert_eq!(e["details"]["origin"], SITE, "{e}");
    }
    // An approved request is answered once.
    h.err(
        None,
        "wallet_approveRequest",
        json!({"requestId": id}),
        4100,
        "RequestUnknown",
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn sign_in_is_checked_against_the_held_origin() {
    let mut h = Host::new();
    let solana = h.solana();
    h.connect(SITE, None);
    // No domain given: it comes from the held request's origin, not from the approving UI.
    let id = h.held(
        SITE,
        "solana_signIn",
        json!({"input": {"nonce": "12345678"}}),
        "sign",
    );
    let list = h.owner("wallet_listRequests", json!({}));
    assert_eq!(list[0]["request"]["params"]["address"], solana);
    let out = h.approve(&id).unwrap();
    let text = base64::engine::general_purpose::STANDARD
        .decode(out["signedMessage"].as_str().unwrap())
        .unwrap();
    let text = String::from_utf8(text).unwrap();
    assert!(
        text.starts_with("app.example wants you to sign in with your Solana account:\n"),
        "{text}"
    );
    assert_solana_signature(&solana, &out["signedMessage"], &out["signature"]);
    // Another domain is refused at once, not held.
    let e = h
        .call(
            Some(SITE),
            "solana_signIn",
            json!({"input": {"domain": "bank.example"}}),
        )
        .unwrap_err();
    assert_ne!(e["data"]["kind"], "ConsentRequired", "{e}");
    assert_eq!(e["code"], -32602);
    assert_eq!(h.owner("wallet_listRequests", json!({})), json!([]));
}

#[wasm_bindgen_test(unsupported = test)]
fn bad_params_are_refused_before_holding() {
    let mut h = Host::new();
    h.connect(SITE, None);
    // Typed data for another chain, a transaction without gas: what signing would refuse.
    let typed = json!({
        "types": {"EIP712Domain": [{"name": "chainId", "type": "uint256"}], "M": [{"name": "a", "type": "uint256"}]},
        "primaryType": "M", "domain": {"chainId": 5}, "message": {"a": 1}
    });
    let e = h
        .call(
            Some(SITE),
            "eth_signTypedData_v4",
            json!([HARDHAT_0, typed]),
        )
        .unwrap_err();
    assert_eq!(e["code"], -32602, "{e}");
    let e = h
        .call(
            Some(SITE),
            "eth_signTransaction",
            json!([{"from": HARDHAT_0, "to": HARDHAT_1}]),
        )
        .unwrap_err();
    assert_eq!(e["code"], -32602, "{e}");
    h.err(
        Some(SITE),
        "personal_sign",
        json!(["0x00"]),
        -32602,
        "InvalidParams",
    );
    assert_eq!(h.owner("wallet_listRequests", json!({})), json!([]));
}

#[wasm_bindgen_test(unsupported = test)]
fn reject_and_the_ids_that_cannot_be_approved() {
    let mut h = Host::new();
    h.connect(SITE, None);
    let sign = json!(["0x68656c6c6f", HARDHAT_0]);

    let id = h.held(SITE, "personal_sign", sign.clone(), "sign");
    assert_eq!(
        h.call(None, "wallet_rejectRequest", json!({"requestId": id})),
        Ok(Value::Null)
    );
    h.err(
        None,
        "wallet_approveRequest",
        json!({"requestId": id}),
        4100,
        "RequestUnknown",
    );
    h.err(
        None,
        "wallet_rejectRequest",
        json!({"requestId": id}),
        4100,
        "RequestUnknown",
    );
    h.err(
        None,
        "wallet_approveRequest",
        json!({"requestId": "not an id"}),
        4100,
        "RequestUnknown",
    );

    // Expired after 10 minutes.
    let id = h.held(SITE, "personal_sign", sign.clone(), "sign");
    h.now += HELD_TTL_MS;
    h.err(
        None,
        "wallet_approveRequest",
        json!({"requestId": id}),
        4100,
        "RequestExpired",
    );
    h.err(
        None,
        "wallet_approveRequest",
        json!({"requestId": id}),
        4100,
        "RequestUnknown",
    );

    // `accounts` is for connect requests only; the request stays held.
    let id = h.held(SITE, "personal_sign", sign.clone(), "sign");
    h.err(
        None,
        "wallet_approveRequest",
        json!({"requestId": id, "accounts": [HARDHAT_0]}),
        -32602,
        "InvalidParams",
    );
    // Revoking the site drops its held requests.
    h.owner("wallet_revokeSite", json!({"origin": SITE}));
    h.err(
        None,
        "wallet_approveRequest",
        json!({"requestId": id}),
        4100,
        "RequestUnknown",
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn a_site_cannot_answer_for_the_user() {
    let mut h = Host::new();
    h.connect(SITE, None);
    h.connect(OTHER, None);
    let id = h.held(SITE, "personal_sign", json!(["0x01", HARDHAT_0]), "sign");
    for origin in [SITE, OTHER] {
        for (method, params) in [
            ("wallet_approveRequest", json!({"requestId": id})),
            ("wallet_rejectRequest", json!({"requestId": id})),
            ("wallet_listRequests", json!({})),
            ("wallet_listSites", json!({})),
            ("wallet_revokeSite", json!({"origin": SITE})),
        ] {
            h.err(Some(origin), method, params, 4100, "OriginNotAllowed");
        }
    }
    // Still held, and still the user's to answer.
    let signature = h.approve(&id).unwrap();
    assert_eq!(personal_signer(&[1], &signature), HARDHAT_0);
}

#[wasm_bindgen_test(unsupported = test)]
fn grants_are_per_origin() {
    let mut h = Host::new();
    h.owner("wallet_addAccount", json!({"chain": "ethereum"}));
    h.connect(SITE, Some(json!([HARDHAT_0])));
    h.connect(OTHER, Some(json!([HARDHAT_1])));
    assert_eq!(
        h.call(Some(SITE), "eth_accounts", json!([])),
        Ok(json!([HARDHAT_0]))
    );
    assert_eq!(
        h.call(Some(OTHER), "eth_accounts", json!([])),
        Ok(json!([HARDHAT_1]))
    );
    // OTHER's grant of account #1 does not let SITE use it, and the reverse.
    h.err(
        Some(SITE),
        "personal_sign",
        json!(["0x01", HARDHAT_1]),
        4100,
        "UnknownAccount",
    );
    h.err(
        Some(OTHER),
        "personal_sign",
        json!(["0x01", HARDHAT_0]),
        4100,
        "UnknownAccount",
    );
    // SITE's held request is signed for SITE's grant: revoking SITE (not OTHER) stops it,
    // even though OTHER is still connected.
    let id = h.held(SITE, "personal_sign", json!(["0x01", HARDHAT_0]), "sign");
    let other = h.held(OTHER, "personal_sign", json!(["0x02", HARDHAT_1]), "sign");
    h.owner("wallet_revokeSite", json!({"origin": SITE}));
    h.err(
        None,
        "wallet_approveRequest",
        json!({"requestId": id}),
        4100,
        "RequestUnknown",
    );
    let signature = h.approve(&other).unwrap();
    assert_eq!(personal_signer(&[2], &signature), HARDHAT_1);
}

#[wasm_bindgen_test(unsupported = test)]
fn revoking_disconnects_a_site() {
    let mut h = Host::new();
    h.connect(SITE, None);
    h.events.clear();
    assert_eq!(
        h.call(None, "wallet_revokeSite", json!({"origin": SITE})),
        Ok(Value::Null)
    );
    assert_eq!(
        h.events,
        [("siteRevoked".to_owned(), json!({"origin": SITE}))]
    );
    assert_eq!(h.call(Some(SITE), "eth_accounts", json!([])), Ok(json!([])));
    h.err(
        Some(SITE),
        "personal_sign",
        json!(["0x01", HARDHAT_0]),
        4100,
        "SiteNotConnected",
    );
    h.err(
        Some(SITE),
        "wallet_switchEthereumChain",
        json!([{"chainId": "0x5"}]),
        4100,
        "SiteNotConnected",
    );
    assert_eq!(h.owner("wallet_listSites", json!({})), json!([]));
    // Revoking a site that is not connected is a no-op without an event.
    h.events.clear();
    h.owner("wallet_revokeSite", json!({"origin": SITE}));
    assert!(h.events.is_empty());
    let events: Vec<String> = h
        .audit_entries()
        .into_iter()
        .map(|e| e["event"].as_str().unwrap().to_owned())
        .filter(|e| e.starts_with("site."))
        .collect();
    assert_eq!(events, ["site.connected", "site.revoked"]);
}

// ---------------------------------------------------------------------------------------------
// Locking and limits.

#[wasm_bindgen_test(unsupported = test)]
fn locking_drops_held_requests() {
    let mut h = Host::new();
    h.connect(SITE, None);
    let id = h.held(SITE, "personal_sign", json!(["0x01", HARDHAT_0]), "sign");
    h.owner("wallet_lock", json!({}));
    assert_eq!(h.owner("wallet_listRequests", json!({})), json!([]));
    h.owner("wallet_unlock", json!({"password": "pw"}));
    h.err(
        None,
        "wallet_approveRequest",
        json!({"requestId": id}),
        4100,
        "RequestUnknown",
    );

    // The idle auto-lock too, noticed on the next request.
    h.owner("wallet_updateSettings", json!({"autoLockMinutes": 1}));
    let id = h.held(SITE, "personal_sign", json!(["0x01", HARDHAT_0]), "sign");
    h.now += 61_000;
    assert_eq!(h.owner("wallet_listRequests", json!({})), json!([]));
    h.err(
        None,
        "wallet_approveRequest",
        json!({"requestId": id}),
        4100,
        "RequestUnknown",
    );
    // While locked, a site's signing request cannot be checked against its grant.
    h.err(
        Some(SITE),
        "personal_sign",
        json!(["0x01", HARDHAT_0]),
        4100,
        "Locked",
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn a_connect_held_while_locked_waits_for_the_unlock() {
    let mut h = Host::new();
    h.owner("wallet_lock", json!({}));
    let id = h.held(SITE, "eth_requestAccounts", json!([]), "connect");
    h.err(
        None,
        "wallet_approveRequest",
        json!({"requestId": id}),
        4100,
        "Locked",
    );
    assert_eq!(
        h.owner("wallet_listRequests", json!({}))[0]["requestId"],
        id
    );
    h.owner("wallet_unlock", json!({"password": "pw"}));
    assert_eq!(h.approve(&id), Ok(json!([HARDHAT_0])));
    // Held while locked, then an unlock and an idle auto-lock before the user answered: the
    // lock drops it, even with no request between the unlock and the timeout.
    h.owner("wallet_updateSettings", json!({"autoLockMinutes": 1}));
    h.owner("wallet_lock", json!({}));
    let stale = h.held(OTHER, "wallet_connect", json!({}), "connect");
    h.owner("wallet_unlock", json!({"password": "pw"}));
    h.now += 61_000;
    h.err(
        None,
        "wallet_approveRequest",
        json!({"requestId": stale}),
        4100,
        "RequestUnknown",
    );
    h.owner("wallet_unlock", json!({"password": "pw"}));
    // A connected site asking while locked is held too: it is answered after the unlock.
    h.owner("wallet_lock", json!({}));
    let id = h.held(SITE, "wallet_connect", json!({}), "connect");
    h.owner("wallet_unlock", json!({"password": "pw"}));
    let r = h.approve(&id).unwrap();
    assert_eq!(r["accounts"][0]["address"], HARDHAT_0);
}

#[wasm_bindgen_test(unsupported = test)]
fn held_requests_are_bounded() {
    let mut h = Host::new();
    for _ in 0..MAX_HELD_PER_ORIGIN {
        h.held(SITE, "eth_requestAccounts", json!([]), "connect");
    }
    h.err(
        Some(SITE),
        "eth_requestAccounts",
        json!([]),
        4100,
        "TooManyRequests",
    );
    // Other origins fill the rest of the 64.
    let origins: Vec<String> = (1..MAX_HELD / MAX_HELD_PER_ORIGIN)
        .map(|i| format!("https://site{i}.example"))
        .collect();
    for origin in &origins {
        for _ in 0..MAX_HELD_PER_ORIGIN {
            h.held(origin, "wallet_connect", json!({}), "connect");
        }
    }
    assert_eq!(
        h.owner("wallet_listRequests", json!({}))
            .as_array()
            .unwrap()
            .len(),
        MAX_HELD
    );
    h.err(
        Some("https://one-more.example"),
        "wallet_connect",
        json!({}),
        4100,
        "TooManyRequests",
    );
    // Answering one frees a slot; expiry frees them all.
    let first = h.owner("wallet_listRequests", json!({}))[0]["requestId"].clone();
    h.owner("wallet_rejectRequest", json!({"requestId": first}));
    h.held(
        "https://one-more.example",
        "wallet_connect",
        json!({}),
        "connect",
    );
    h.now += HELD_TTL_MS;
    assert_eq!(h.owner("wallet_listRequests", json!({})), json!([]));
    h.held(SITE, "wallet_connect", json!({}), "connect");
    assert_eq!(
        (MAX_HELD, MAX_HELD_PER_ORIGIN, HELD_TTL_MS),
        (64, 8, 600_000)
    );
}

// ---------------------------------------------------------------------------------------------
// The policy still decides after the user.

struct Approver(Ed25519PrivateKey);

impl Approver {
    fn public_hex(&self) -> String {
        hex::encode(self.0.public_key().to_bytes())
    }
    fn approve(&self, data: &Value) -> Value {
        let digest = approval_digest(data).unwrap();
        json!({"publicKey": self.public_hex(), "signature": hex::encode(self.0.sign(&digest))})
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn an_approved_request_still_meets_the_policy() {
    let mut h = Host::new();
    let alice = Approver(Ed25519PrivateKey::from_bytes(&[1; 32]).unwrap());
    // Every message signature needs one approver.
    h.owner(
        "wallet_setPolicy",
        json!({"policy": {
            "version": 1,
            "approvers": [{"name": "alice", "publicKey": alice.public_hex()}],
            "quorum": 1,
            "rules": {"allowedChains": ["eip155:1"], "messageSigning": "approval"}
        }}),
    );
    h.connect(SITE, None);
    let id = h.held(SITE, "personal_sign", json!(["0x01", HARDHAT_0]), "sign");
    let data = h.err(
        None,
        "wallet_approveRequest",
        json!({"requestId": id}),
        4100,
        "ApprovalRequired",
    );
    // The quorum request keeps the site's origin, so the site itself may submit approvals.
    assert_eq!(data["request"]["origin"], SITE);
    h.err(
        Some(OTHER),
        "wallet_submitApprovals",
        json!({"approvalDigest": data["approvalDigest"], "signatures": [alice.approve(&data)]}),
        4100,
        "OriginNotAllowed",
    );
    let signature = h
        .call(
            Some(SITE),
            "wallet_submitApprovals",
            json!({"approvalDigest": data["approvalDigest"], "signatures": [alice.approve(&data)]}),
        )
        .unwrap();
    assert_eq!(personal_signer(&[1], &signature), HARDHAT_0);
    let approved: Vec<Value> = h
        .audit_entries()
        .into_iter()
        .filter(|e| e["event"] == "sign.approved")
        .collect();
    assert_eq!(approved.len(), 1);
    assert_eq!(approved[0]["details"]["origin"], SITE);
}

#[wasm_bindgen_test(unsupported = test)]
fn a_site_cannot_write_the_audit_log_with_made_up_approvals() {
    let mut h = Host::new();
    h.connect(SITE, None);
    let entries = h.audit_entries().len();
    h.saved = None;
    // Well-formed digests nobody holds, from a site that never connected and from one that
    // did: refused, and neither the log nor the vault changes (no save to write).
    for (i, origin) in [OTHER, SITE].into_iter().cycle().take(40).enumerate() {
        let digest = format!("{i:064x}");
        let e = h
            .call(
                Some(origin),
                "wallet_submitApprovals",
                json!({"approvalDigest": digest, "signatures": []}),
            )
            .unwrap_err();
        assert_eq!(e["code"], 4100, "{e}");
    }
    assert!(
        h.saved.is_none(),
        "a site's refused submission saved the vault"
    );
    assert_eq!(h.audit_entries().len(), entries);
}

/// Review, session 2 (docs/threat-model.md): spellings of methods, params and origins a page
/// might try to slip past the rule table.
#[wasm_bindgen_test(unsupported = test)]
fn a_site_cannot_reach_owner_methods_by_spelling() {
    let mut h = Host::new();
    h.connect(SITE, None);
    for method in [
        "Wallet_listRequests",
        "WALLET_LISTREQUESTS",
        " wallet_listRequests",
        "wallet_listRequests\u{0}",
        "wallet_approverequest",
    ] {
        h.err(Some(SITE), method, json!({}), -32601, "MethodNotFound");
    }
    // The array form of an owner method's params is still the owner method.
    for (method, params) in [
        ("wallet_listRequests", json!([{}])),
        ("wallet_approveRequest", json!([{"requestId": "00"}])),
        (
            "wallet_export",
            json!([{"address": HARDHAT_0, "password": "pw"}]),
        ),
    ] {
        let e = h.call(Some(SITE), method, params).unwrap_err();
        assert!(
            e["data"]["kind"] == "OriginNotAllowed" || e["code"] == -32602,
            "{method}: {e}"
        );
    }
    // A JSON-RPC batch is not a request at all.
    let batch = json!([{"id": 1, "method": "wallet_listRequests", "params": {}}]).to_string();
    let mut rng = rand_core::OsRng;
    let mut env = Env {
        rng: &mut rng,
        now_ms: h.now,
        origin: Some(SITE),
    };
    let resp: Value = serde_json::from_str(&h.wallet.handle_json(&batch, &mut env)).unwrap();
    assert_eq!(resp["error"]["code"], -32600, "{resp}");
    // Origins a browser never reports, or that would give one site a second spelling.
    for bad in [
        "https://app.example.",
        "https://user:pw@app.example",
        "https://APP.example",
        "https://app.example:0443",
        "file:///etc/passwd",
        "https://xn--80ak6aa92e.com/",
        "https://[::1]:443",
    ] {
        h.err(
            Some(bad),
            "eth_accounts",
            json!([]),
            -32602,
            "InvalidOrigin",
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Chain switches from sites (Review, session 2: "Found and fixed").

/// `wallet_switchEthereumChain` params for `chain_id`.
fn switch_to(chain_id: u64) -> Value {
    json!([{ "chainId": format!("0x{chain_id:x}") }])
}

fn chain_id(h: &mut Host, origin: Option<&str>) -> Value {
    h.call(origin, "eth_chainId", json!([])).unwrap()
}

#[wasm_bindgen_test(unsupported = test)]
fn a_site_chain_switch_is_held_and_approving_switches() {
    let mut h = Host::new();
    h.connect(SITE, None);
    h.events.clear();
    h.saved = None;
    // Extra members the site adds are not part of what is held or shown.
    let id = h.held(
        SITE,
        "wallet_switchEthereumChain",
        json!([{"chainId": "0xaa36a7", "chainName": "<b>Ethereum</b>"}]),
        "switchChain",
    );
    // Nothing changed yet, for the site or anyone else.
    assert_eq!(chain_id(&mut h, Some(SITE)), "0x1");
    assert_eq!(chain_id(&mut h, None), "0x1");
    assert!(h.events.is_empty());
    assert!(h.saved.is_none());
    let list = h.owner("wallet_listRequests", json!({}));
    assert_eq!(list[0]["consentKind"], "switchChain");
    assert_eq!(
        list[0]["request"],
        json!({"method": "wallet_switchEthereumChain", "params": [{"chainId": "0xaa36a7"}]})
    );
    let preview = &list[0]["preview"];
    assert_eq!(
        preview["summary"],
        "Switch the network from Ethereum (1) to Sepolia (11155111)"
    );
    assert_eq!(
        (&preview["from"]["chainId"], &preview["to"]["chainId"]),
        (&json!(1), &json!(11_155_111))
    );
    assert_eq!(preview["to"]["name"], "Sepolia");
    assert_eq!(preview["to"]["testnet"], true);
    assert_eq!(preview["warnings"], json!([]));

    assert_eq!(h.approve(&id), Ok(Value::Null));
    assert_eq!(h.events, [("chainChanged".to_owned(), json!("0xaa36a7"))]);
    assert_eq!(chain_id(&mut h, Some(SITE)), "0xaa36a7");
    assert_eq!(chain_id(&mut h, Some(OTHER)), "0xaa36a7");
    // The chain is a vault setting: it survives a reopen.
    let mut reopened = Host {
        wallet: Wallet::from_sealed(h.saved.clone().unwrap()).unwrap(),
        ..Host::empty()
    };
    reopened.owner("wallet_unlock", json!({"password": "pw"}));
    assert_eq!(chain_id(&mut reopened, None), "0xaa36a7");
    // Answered once.
    h.err(
        None,
        "wallet_approveRequest",
        json!({"requestId": id}),
        4100,
        "RequestUnknown",
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn a_rejected_chain_switch_leaves_the_chain() {
    let mut h = Host::new();
    h.connect(SITE, None);
    h.events.clear();
    h.saved = None;
    let id = h.held(
        SITE,
        "wallet_switchEthereumChain",
        switch_to(137),
        "switchChain",
    );
    assert_eq!(
        h.call(None, "wallet_rejectRequest", json!({"requestId": id})),
        Ok(Value::Null)
    );
    assert_eq!(chain_id(&mut h, Some(SITE)), "0x1");
    assert!(h.events.is_empty(), "{:?}", h.events);
    assert!(h.saved.is_none());
    // `accounts` is for connect requests; an unknown chain is held with a warning.
    let id = h.held(
        SITE,
        "wallet_switchEthereumChain",
        switch_to(123_456_789),
        "switchChain",
    );
    h.err(
        None,
        "wallet_approveRequest",
        json!({"requestId": id, "accounts": [HARDHAT_0]}),
        -32602,
        "InvalidParams",
    );
    let list = h.owner("wallet_listRequests", json!({}));
    assert_eq!(
        list[0]["preview"]["summary"],
        "Switch the network from Ethereum (1) to chain 123456789 (123456789)"
    );
    assert_eq!(list[0]["preview"]["warnings"][0]["code"], "unknown_chain");
    // Revoking the site drops its switch with its other requests.
    h.owner("wallet_revokeSite", json!({"origin": SITE}));
    h.err(
        None,
        "wallet_approveRequest",
        json!({"requestId": id}),
        4100,
        "RequestUnknown",
    );
    assert_eq!(chain_id(&mut h, None), "0x1");
}

#[wasm_bindgen_test(unsupported = test)]
fn a_switch_to_the_active_chain_or_a_malformed_one_is_answered_at_once() {
    let mut h = Host::new();
    h.connect(SITE, None);
    h.events.clear();
    // The chain already active: null, nothing held, no event (as MetaMask answers).
    assert_eq!(
        h.call(Some(SITE), "wallet_switchEthereumChain", switch_to(1)),
        Ok(Value::Null)
    );
    // A malformed id keeps its 4902, never held.
    for bad in ["0x0", "0x01", "1", "0x", "0x20000000000000"] {
        h.err(
            Some(SITE),
            "wallet_switchEthereumChain",
            json!([{"chainId": bad}]),
            4902,
            "UnrecognizedChain",
        );
    }
    assert_eq!(h.owner("wallet_listRequests", json!({})), json!([]));
    assert!(h.events.is_empty());
    // Not connected: refused; locked: Locked, as for signing.
    h.err(
        Some(OTHER),
        "wallet_switchEthereumChain",
        switch_to(5),
        4100,
        "SiteNotConnected",
    );
    h.owner("wallet_lock", json!({}));
    h.err(
        Some(SITE),
        "wallet_switchEthereumChain",
        switch_to(5),
        4100,
        "Locked",
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn the_wallet_ui_switches_directly_and_a_held_switch_follows_the_users_choice() {
    let mut h = Host::new();
    h.connect(SITE, None);
    let id = h.held(
        SITE,
        "wallet_switchEthereumChain",
        switch_to(8453),
        "switchChain",
    );
    h.events.clear();
    assert_eq!(
        h.call(None, "wallet_switchEthereumChain", switch_to(10)),
        Ok(Value::Null)
    );
    assert_eq!(h.events, [("chainChanged".to_owned(), json!("0xa"))]);
    // The held switch still goes where the user approves it to go, from wherever it is now.
    h.events.clear();
    assert_eq!(h.approve(&id), Ok(Value::Null));
    assert_eq!(h.events, [("chainChanged".to_owned(), json!("0x2105"))]);
    // A held Ethereum signature from before the switch waits for its own chain (docs/sites.md).
    let sign = h.held(SITE, "personal_sign", json!(["0x01", HARDHAT_0]), "sign");
    let switch = h.held(
        SITE,
        "wallet_switchEthereumChain",
        switch_to(1),
        "switchChain",
    );
    h.approve(&switch).unwrap();
    h.err(
        None,
        "wallet_approveRequest",
        json!({"requestId": sign}),
        -32602,
        "InvalidParams",
    );
}

// ---------------------------------------------------------------------------------------------
// Blocking a site (Review, session 2: the prompt loop).

#[wasm_bindgen_test(unsupported = test)]
fn a_blocked_site_is_refused_without_holding_logging_or_saving() {
    let mut h = Host::new();
    h.connect(SITE, None);
    h.connect(OTHER, None);
    let waiting = h.held(SITE, "personal_sign", json!(["0x01", HARDHAT_0]), "sign");
    h.events.clear();
    assert_eq!(
        h.call(None, "wallet_blockSite", json!({"origin": SITE})),
        Ok(Value::Null)
    );
    assert_eq!(
        h.events,
        [("siteBlocked".to_owned(), json!({"origin": SITE}))]
    );
    // What it had waiting is gone.
    h.err(
        None,
        "wallet_approveRequest",
        json!({"requestId": waiting}),
        4100,
        "RequestUnknown",
    );
    let entries = h.audit_entries();
    assert_eq!(entries.last().unwrap()["event"], "site.blocked");
    assert_eq!(
        entries.last().unwrap()["details"],
        json!({"origin": SITE, "until": null})
    );
    let entries = entries.len();
    h.saved = None;
    h.events.clear();
    let solana = h.solana();
    let tx = solana_transfer(&solana, 1);
    let asks = [
        ("eth_requestAccounts", json!([])),
        ("wallet_connect", json!({})),
        ("personal_sign", json!(["0x01", HARDHAT_0])),
        ("eth_signTransaction", transfer(Some(HARDHAT_0))),
        (
            "solana_signTransaction",
            json!({"address": solana, "transaction": tx}),
        ),
        ("wallet_switchEthereumChain", switch_to(5)),
        (
            "wallet_submitApprovals",
            json!({"approvalDigest": "00".repeat(32), "signatures": []}),
        ),
        ("eth_accounts", json!([])),
        ("eth_chainId", json!([])),
        ("wallet_listRequests", json!({})),
        ("no_such_method", json!([])),
    ];
    let mut refused = 0;
    for _ in 0..5 {
        for (method, params) in &asks {
            h.err(Some(SITE), method, params.clone(), 4001, "SiteBlocked");
            refused += 1;
        }
    }
    assert_eq!(refused, 55);
    assert_eq!(h.owner("wallet_listRequests", json!({})), json!([]));
    assert!(
        h.saved.is_none(),
        "a blocked site's request saved the vault"
    );
    assert!(h.events.is_empty());
    assert_eq!(h.audit_entries().len(), entries);
    // Other sites are not affected, and the block is listed with the grant it leaves alone.
    assert_eq!(
        h.call(Some(OTHER), "eth_accounts", json!([])),
        Ok(json!([HARDHAT_0]))
    );
    let sites = h.owner("wallet_listSites", json!({}));
    assert_eq!(sites[0]["origin"], SITE);
    assert_eq!(
        sites[0]["blocked"],
        json!({"blockedAt": START, "until": null})
    );
    assert!(sites[1].get("blocked").is_none(), "{sites}");
}

#[wasm_bindgen_test(unsupported = test)]
fn unblocking_restores_the_rules() {
    let mut h = Host::new();
    h.connect(SITE, Some(json!([HARDHAT_0])));
    h.owner("wallet_blockSite", json!({"origin": SITE}));
    h.events.clear();
    assert_eq!(
        h.call(None, "wallet_unblockSite", json!({"origin": SITE})),
        Ok(Value::Null)
    );
    assert_eq!(
        h.events,
        [("siteUnblocked".to_owned(), json!({"origin": SITE}))]
    );
    // The grant was never touched: the site is connected as before.
    assert_eq!(
        h.call(Some(SITE), "eth_accounts", json!([])),
        Ok(json!([HARDHAT_0]))
    );
    h.held(SITE, "personal_sign", json!(["0x01", HARDHAT_0]), "sign");
    assert!(h.owner("wallet_listSites", json!({}))[0]
        .get("blocked")
        .is_none());
    // Unblocking a site that is not blocked is a no-op: no save, no event, no entry.
    h.saved = None;
    h.events.clear();
    h.owner("wallet_unblockSite", json!({"origin": OTHER}));
    assert!(h.saved.is_none() && h.events.is_empty());
    let events: Vec<String> = h
        .audit_entries()
        .into_iter()
        .map(|e| e["event"].as_str().unwrap().to_owned())
        .filter(|e| e.starts_with("site."))
        .collect();
    assert_eq!(events, ["site.connected", "site.blocked", "site.unblocked"]);
}

#[wasm_bindgen_test(unsupported = test)]
fn a_block_survives_lock_and_reopen() {
    let mut h = Host::new();
    h.owner("wallet_blockSite", json!({"origin": SITE}));
    // While locked the copy the wallet keeps still refuses: nothing is held for the unlock.
    h.owner("wallet_lock", json!({}));
    h.err(
        Some(SITE),
        "eth_requestAccounts",
        json!([]),
        4001,
        "SiteBlocked",
    );
    h.owner("wallet_unlock", json!({"password": "pw"}));
    h.err(Some(SITE), "wallet_connect", json!({}), 4001, "SiteBlocked");

    // A new session over the saved vault reads the block list at its first unlock: a connect
    // the site made before that waits locked, and the unlock drops it.
    let mut reopened = Host {
        wallet: Wallet::from_sealed(h.saved.clone().unwrap()).unwrap(),
        ..Host::empty()
    };
    let early = reopened.held(SITE, "eth_requestAccounts", json!([]), "connect");
    let fine = reopened.held(OTHER, "eth_requestAccounts", json!([]), "connect");
    reopened.owner("wallet_unlock", json!({"password": "pw"}));
    let waiting: Vec<Value> = reopened
        .owner("wallet_listRequests", json!({}))
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["requestId"].clone())
        .collect();
    assert_eq!(waiting, [json!(fine)]);
    reopened.err(
        None,
        "wallet_approveRequest",
        json!({"requestId": early}),
        4100,
        "RequestUnknown",
    );
    reopened.err(Some(SITE), "eth_accounts", json!([]), 4001, "SiteBlocked");
    assert_eq!(
        reopened.owner("wallet_listSites", json!({})),
        json!([{"origin": SITE, "connectedAt": null, "accounts": [],
                "blocked": {"blockedAt": START, "until": null}}])
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn blocking_twice_is_idempotent_and_a_timed_block_ends() {
    let mut h = Host::new();
    h.owner("wallet_blockSite", json!({"origin": SITE}));
    let entries = h.audit_entries().len();
    h.saved = None;
    h.now += 1000;
    h.owner("wallet_blockSite", json!({"origin": SITE}));
    assert!(h.saved.is_none(), "the same block again saved the vault");
    assert_eq!(h.audit_entries().len(), entries);
    assert_eq!(
        h.owner("wallet_listSites", json!({})),
        json!([{"origin": SITE, "connectedAt": null, "accounts": [],
                "blocked": {"blockedAt": START, "until": null}}])
    );
    // A timed block of a blocked site replaces its end; it lasts exactly its minutes.
    h.owner("wallet_blockSite", json!({"origin": SITE, "minutes": 10}));
    let until = h.now + 10 * 60_000;
    let sites = h.owner("wallet_listSites", json!({}));
    assert_eq!(sites.as_array().unwrap().len(), 1);
    assert_eq!(sites[0]["blocked"]["until"], until);
    h.now = until - 1;
    h.err(Some(SITE), "eth_chainId", json!([]), 4001, "SiteBlocked");
    h.now = until;
    assert_eq!(chain_id(&mut h, Some(SITE)), "0x1");
    h.held(SITE, "eth_requestAccounts", json!([]), "connect");
    assert_eq!(h.owner("wallet_listSites", json!({})), json!([]));
    // An ended block is no block: unblocking it changes nothing.
    h.saved = None;
    h.owner("wallet_unblockSite", json!({"origin": SITE}));
    assert!(h.saved.is_none());
}

#[wasm_bindgen_test(unsupported = test)]
fn blocked_origins_are_validated_like_other_origins() {
    let mut h = Host::new();
    for bad in [
        "",
        "null",
        "https://App.example",
        "https://app.example/",
        "https://app.example:443",
        "https://app.example.",
        "app.example",
    ] {
        for method in ["wallet_blockSite", "wallet_unblockSite"] {
            h.err(
                None,
                method,
                json!({"origin": bad}),
                -32602,
                "InvalidOrigin",
            );
        }
    }
    for minutes in [json!(0), json!(525_601), json!(-1), json!("10")] {
        let e = h
            .call(
                None,
                "wallet_blockSite",
                json!({"origin": SITE, "minutes": minutes}),
            )
            .unwrap_err();
        assert_eq!(e["code"], -32602, "{e}");
    }
    h.err(
        None,
        "wallet_blockSite",
        json!({"origin": SITE, "extra": 1}),
        -32602,
        "InvalidParams",
    );
    assert_eq!(h.owner("wallet_listSites", json!({})), json!([]));
    // Locked: the block list is in the vault.
    h.owner("wallet_lock", json!({}));
    h.err(
        None,
        "wallet_blockSite",
        json!({"origin": SITE}),
        4100,
        "Locked",
    );
    // A site cannot block or unblock, itself or another.
    h.owner("wallet_unlock", json!({"password": "pw"}));
    h.owner("wallet_blockSite", json!({"origin": OTHER}));
    for (origin, target) in [(SITE, OTHER), (SITE, SITE)] {
        for method in ["wallet_blockSite", "wallet_unblockSite"] {
            h.err(
                Some(origin),
                method,
                json!({"origin": target}),
                4100,
                "OriginNotAllowed",
            );
        }
    }
    h.err(
        Some(OTHER),
        "wallet_unblockSite",
        json!({"origin": OTHER}),
        4001,
        "SiteBlocked",
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn repeated_rejects_offer_a_block() {
    use custodian_core::api::sites::{REJECTS_BEFORE_BLOCK_OFFER, REJECT_WINDOW_MS};
    assert_eq!((REJECTS_BEFORE_BLOCK_OFFER, REJECT_WINDOW_MS), (3, 60_000));
    let mut h = Host::new();
    let offer = |h: &mut Host| {
        let list = h.owner("wallet_listRequests", json!({}));
        (
            list[0]["recentRejects"].clone(),
            list[0]["offerBlock"].clone(),
        )
    };
    for n in 0..3 {
        h.held(SITE, "eth_requestAccounts", json!([]), "connect");
        assert_eq!(offer(&mut h), (json!(n), json!(false)));
        let id = h.owner("wallet_listRequests", json!({}))[0]["requestId"].clone();
        h.owner("wallet_rejectRequest", json!({"requestId": id}));
        h.now += 10_000;
    }
    // The fourth prompt in a minute comes with the offer; another site's does not.
    h.held(OTHER, "eth_requestAccounts", json!([]), "connect");
    assert_eq!(offer(&mut h), (json!(0), json!(false)));
    h.held(SITE, "eth_requestAccounts", json!([]), "connect");
    let list = h.owner("wallet_listRequests", json!({}));
    assert_eq!(
        (&list[1]["recentRejects"], &list[1]["offerBlock"]),
        (&json!(3), &json!(true))
    );
    // Approving is not rejecting, and the window moves on.
    h.now = START + REJECT_WINDOW_MS;
    let list = h.owner("wallet_listRequests", json!({}));
    assert_eq!(
        (&list[1]["recentRejects"], &list[1]["offerBlock"]),
        (&json!(2), &json!(false))
    );
}
