//! Policies, approval quorums and the audit log through the protocol (`Wallet::handle_json`),
//! as the browser Worker and the CLI drive them. KDF cost is the floor (m = 19 MiB, t = 2).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

mod common;

use common::{floor_kdf, solana_transfer, HARDHAT_0, HARDHAT_MNEMONIC};
use custodian_core::api::Wallet;
use custodian_core::audit::{self, AuditFailure};
use custodian_core::keys::ed25519::Ed25519PrivateKey;
use custodian_core::policy::approval_digest;
use serde_json::{json, Value};
use wasm_bindgen_test::wasm_bindgen_test;

const RECIPIENT: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const ONE_ETH: u128 = 1_000_000_000_000_000_000;
const DAY_MS: u64 = 86_400_000;

struct Host {
    wallet: Wallet,
    now: u64,
    origin: Option<&'static str>,
    saved: Option<Vec<u8>>,
    stored: common::Stored,
}

impl Host {
    fn new() -> Self {
        Self {
            wallet: Wallet::new(),
            now: 1_700_000_000_000,
            origin: None,
            saved: None,
            stored: common::Stored::default(),
        }
    }

    fn reload(&self) -> Self {
        Self {
            wallet: self.stored.open(),
            now: self.now,
            origin: None,
            saved: self.saved.clone(),
            stored: self.stored.clone(),
        }
    }

    fn call(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        let result = common::call(&mut self.wallet, self.now, self.origin, method, params);
        if let Some(s) = self.wallet.take_save() {
            if let Some(v) = &s.vault {
                self.saved = Some(v.bytes.clone());
            }
            self.stored.persist(s);
        }
        result
    }

    fn ok(&mut self, method: &str, params: Value) -> Value {
        self.call(method, params)
            .unwrap_or_else(|e| panic!("{method} failed: {e}"))
    }

    /// The error's `data` (with `kind`), after checking its code.
    fn err(&mut self, method: &str, params: Value, code: i64, kind: &str) -> Value {
        let e = self.call(method, params).expect_err(method);
        assert_eq!(
            (
                e["code"].as_i64().unwrap(),
                e["data"]["kind"].as_str().unwrap()
            ),
            (code, kind),
            "{e}"
        );
        e["data"].clone()
    }

    /// Connects `origin`: the site asks, the user approves every account (docs/sites.md).
    fn connect(&mut self, origin: &'static str) {
        let before = self.origin;
        self.origin = Some(origin);
        let held = self.err("wallet_connect", json!({}), 4100, "ConsentRequired");
        self.origin = None;
        self.ok(
            "wallet_approveRequest",
            json!({"requestId": held["requestId"]}),
        );
        self.origin = before;
    }

    /// A site's signing request that the user approves: the approval's answer.
    fn site_approved(
        &mut self,
        origin: &'static str,
        method: &str,
        params: Value,
    ) -> Result<Value, Value> {
        let before = self.origin;
        self.origin = Some(origin);
        let held = self.err(method, params, 4100, "ConsentRequired");
        self.origin = None;
        let result = self.call(
            "wallet_approveRequest",
            json!({"requestId": held["requestId"]}),
        );
        self.origin = before;
        result
    }

    fn audit(&mut self) -> (String, [u8; 32]) {
        let r = self.ok("wallet_auditExport", json!({}));
        let key: [u8; 32] = hex::decode(r["publicKey"].as_str().unwrap())
            .unwrap()
            .try_into()
            .unwrap();
        (r["jsonl"].as_str().unwrap().to_owned(), key)
    }

    fn events(&mut self) -> Vec<String> {
        let (jsonl, _) = self.audit();
        jsonl
            .lines()
            .skip(1)
            .map(|l| {
                serde_json::from_str::<Value>(l).unwrap()["event"]
                    .as_str()
                    .unwrap_or("")
                    .to_owned()
            })
            .collect()
    }
}

struct Approver {
    key: Ed25519PrivateKey,
}

impl Approver {
    fn new(seed: u8) -> Self {
        Self {
            key: Ed25519PrivateKey::from_bytes(&[seed; 32]).unwrap(),
        }
    }

    fn public_hex(&self) -> String {
        hex::encode(self.key.public_key().to_bytes())
    }

    /// What `custodian approve` does: recompute the digest from the data, then sign its bytes.
    fn approve(&self, data: &Value) -> Value {
        let digest = approval_digest(data).unwrap();
        assert_eq!(
            hex::encode(digest),
            data["approvalDigest"].as_str().unwrap()
        );
        json!({"publicKey": self.public_hex(), "signature": hex::encode(self.key.sign(&digest))})
    }
}

fn approvers() -> [Approver; 3] {
    [Approver::new(1), Approver::new(2), Approver::new(3)]
}

fn treasury_policy(max_wei: u128) -> Value {
    let [a, b, c] = approvers();
    json!({
        "version": 1,
        "approvers": [
            {"name": "alice", "publicKey": a.public_hex()},
            {"name": "bob", "publicKey": b.public_hex()},
            {"name": "carol", "publicKey": c.public_hex()}
        ],
        "quorum": 2,
        "approvalTtlSeconds": 3600,
        "rules": {
            "allowedChains": ["eip155:1"],
            "overLimit": "approval",
            "ethereum": {
                "maxValueWei": max_wei.to_string(),
                "windows": [{"periodSeconds": 86400, "maxValueWei": (3 * max_wei).to_string()}]
            }
        }
    })
}

fn transfer(wei: u128, nonce: u64) -> Value {
    json!([{
        "from": HARDHAT_0, "to": RECIPIENT, "value": format!("0x{wei:x}"),
        "gas": "0x5208", "nonce": format!("0x{nonce:x}"), "chainId": "0x1",
        "maxFeePerGas": "0x3b9aca00", "maxPriorityFeePerGas": "0x3b9aca00"
    }])
}

fn wallet() -> Host {
    let mut h = Host::new();
    h.ok(
        "wallet_import",
        json!({"password": "pw", "mnemonic": HARDHAT_MNEMONIC,
               "kdf": floor_kdf()}),
    );
    // Approvals take hours; the tests move the clock instead of unlocking again.
    h.ok("wallet_updateSettings", json!({"autoLockMinutes": 0}));
    h
}

fn signatures(data: &Value, who: &[&Approver]) -> Value {
    Value::Array(who.iter().map(|a| a.approve(data)).collect())
}

/// The "done when", at the protocol level: a 2-of-3 policy holds a transfer over the
/// limit, two approvers approve, it is signed; the audit log verifies and a tampered copy does not.
#[wasm_bindgen_test(unsupported = test)]
fn two_of_three_holds_a_large_transfer_until_two_approve() {
    let mut h = wallet();
    let set = h.ok(
        "wallet_setPolicy",
        json!({"policy": treasury_policy(ONE_ETH)}),
    );
    assert_eq!(set["policyHash"].as_str().unwrap().len(), 64);

    // Under the limit: signed at once.
    let small = h.ok("eth_signTransaction", transfer(ONE_ETH / 2, 0));
    assert!(small.as_str().unwrap().starts_with("0x02"));

    // Over the limit: held, nothing signed.
    let data = h.err(
        "eth_signTransaction",
        transfer(2 * ONE_ETH, 1),
        4100,
        "ApprovalRequired",
    );
    assert_eq!(data["quorum"], 2);
    assert_eq!(data["approvers"], json!(["alice", "bob", "carol"]));
    assert_eq!(data["expiresAt"], h.now + 3_600_000);
    assert_eq!(data["request"]["method"], "eth_signTransaction");
    assert_eq!(data["request"]["account"], HARDHAT_0);
    assert_eq!(data["request"]["params"], transfer(2 * ONE_ETH, 1));
    assert!(data["reason"]
        .as_str()
        .unwrap()
        .contains("over the per-transaction limit"));
    // The approvers see the preview of what they approve: 2 ETH to the recipient.
    assert_eq!(data["preview"]["kind"], "transaction", "{data}");
    assert!(
        data["preview"]["summary"]
            .as_str()
            .unwrap()
            .contains("2 ETH"),
        "{data}"
    );
    // Asking again while it waits gives the same digest.
    let again = h.err(
        "eth_signTransaction",
        transfer(2 * ONE_ETH, 1),
        4100,
        "ApprovalRequired",
    );
    assert_eq!(again["approvalDigest"], data["approvalDigest"]);
    assert_eq!(
        h.ok("wallet_listApprovals", json!({}))
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Two of the three approve; the held transaction is signed, exactly as without a policy.
    let [alice, _bob, carol] = approvers();
    let raw = h.ok(
        "wallet_submitApprovals",
        json!({"approvalDigest": data["approvalDigest"], "signatures": signatures(&data, &[&carol, &alice])}),
    );
    let mut plain = wallet();
    assert_eq!(
        raw,
        plain.ok("eth_signTransaction", transfer(2 * ONE_ETH, 1))
    );
    assert!(h
        .ok("wallet_listApprovals", json!({}))
        .as_array()
        .unwrap()
        .is_empty());

    // The same approvals cannot sign twice.
    h.err(
        "wallet_submitApprovals",
        json!({"approvalDigest": data["approvalDigest"], "signatures": signatures(&data, &[&carol, &alice])}),
        4100,
        "ApprovalUsed",
    );

    // The audit log tells the story and verifies; a tampered copy does not.
    let (jsonl, key) = h.audit();
    let events = h.events();
    assert_eq!(
        events,
        [
            "vault.created",
            "settings.changed",
            "policy.set",
            "sign.allowed",
            "sign.held",
            "sign.approved",
            "approval.refused"
        ]
    );
    assert_eq!(audit::verify(&jsonl, &key), Ok(7));
    let approved: Value = serde_json::from_str(jsonl.lines().nth(6).unwrap()).unwrap();
    assert_eq!(approved["details"]["approvers"], json!(["carol", "alice"]));
    assert_eq!(
        approved["details"]["approvalDigest"],
        data["approvalDigest"]
    );
    let tampered = jsonl.replace("\"carol\",\"alice\"", "\"carol\",\"bob\"");
    assert_ne!(tampered, jsonl);
    let err = audit::verify(&tampered, &key).unwrap_err();
    assert_eq!((err.line, err.reason), (7, AuditFailure::HashMismatch));
    // The result over the protocol too.
    h.err(
        "wallet_auditVerify",
        json!({"jsonl": tampered, "publicKey": hex::encode(key)}),
        -32602,
        "AuditInvalid",
    );
    assert_eq!(
        h.ok(
            "wallet_auditVerify",
            json!({"jsonl": jsonl, "publicKey": hex::encode(key)})
        )["entries"],
        7
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn quorum_refusals_and_success() {
    let mut h = wallet();
    h.ok(
        "wallet_setPolicy",
        json!({"policy": treasury_policy(ONE_ETH)}),
    );
    let [alice, bob, carol] = approvers();
    let mallory = Approver::new(66);
    let held = |h: &mut Host, wei: u128, nonce: u64| {
        h.err(
            "eth_signTransaction",
            transfer(wei, nonce),
            4100,
            "ApprovalRequired",
        )
    };
    let submit = |h: &mut Host, data: &Value, sigs: Value, kind: &str| {
        h.err(
            "wallet_submitApprovals",
            json!({"approvalDigest": data["approvalDigest"], "signatures": sigs}),
            4100,
            kind,
        )
    };
    let d1 = held(&mut h, 2 * ONE_ETH, 7);
    let d2 = held(&mut h, 3 * ONE_ETH, 8);
    assert_ne!(d1["approvalDigest"], d2["approvalDigest"]);

    // Too few.
    submit(
        &mut h,
        &d1,
        signatures(&d1, &[&alice]),
        "ApprovalInsufficient",
    );
    submit(&mut h, &d1, json!([]), "ApprovalInsufficient");
    // A repeated approver does not count twice.
    submit(
        &mut h,
        &d1,
        signatures(&d1, &[&alice, &alice]),
        "ApprovalInvalid",
    );
    // A key that is not an approver.
    submit(
        &mut h,
        &d1,
        signatures(&d1, &[&alice, &mallory]),
        "ApprovalInvalid",
    );
    // Approvals for a different request do not verify over this digest.
    submit(
        &mut h,
        &d1,
        signatures(&d2, &[&alice, &bob]),
        "ApprovalInvalid",
    );
    // Malformed entries and an unknown digest.
    submit(
        &mut h,
        &d1,
        json!([{"publicKey": "zz", "signature": "00"}]),
        "ApprovalInvalid",
    );
    h.err(
        "wallet_submitApprovals",
        json!({"approvalDigest": "00".repeat(32), "signatures": signatures(&d1, &[&alice, &bob])}),
        4100,
        "ApprovalUnknown",
    );
    // Another site cannot collect the result of a request made by the wallet UI.
    h.origin = Some("https://evil.example");
    submit(
        &mut h,
        &d1,
        signatures(&d1, &[&alice, &bob]),
        "OriginNotAllowed",
    );
    h.origin = None;

    // m valid approvals sign; all three work as well.
    let raw = h.ok(
        "wallet_submitApprovals",
        json!({"approvalDigest": d1["approvalDigest"], "signatures": signatures(&d1, &[&alice, &bob])}),
    );
    assert!(raw.as_str().unwrap().starts_with("0x02"));
    // Replayed.
    submit(
        &mut h,
        &d1,
        signatures(&d1, &[&alice, &bob]),
        "ApprovalUsed",
    );

    // Expired: the approval window is one hour; at its end the request is refused as expired,
    // and once a later write has pruned it, as unknown.
    h.now += 3_600_000;
    submit(
        &mut h,
        &d2,
        signatures(&d2, &[&alice, &bob, &carol]),
        "ApprovalExpired",
    );
    let d3 = held(&mut h, 2 * ONE_ETH, 9);
    submit(
        &mut h,
        &d2,
        signatures(&d2, &[&alice, &bob, &carol]),
        "ApprovalUnknown",
    );
    // One millisecond before expiry is still in time.
    h.now += 3_599_999;
    h.ok(
        "wallet_submitApprovals",
        json!({"approvalDigest": d3["approvalDigest"], "signatures": signatures(&d3, &[&alice, &bob, &carol])}),
    );
    let refused = h
        .events()
        .iter()
        .filter(|e| *e == "approval.refused")
        .count();
    // Every refusal with a well-formed digest is logged (the origin check comes after it).
    assert_eq!(refused, 10);
}

#[wasm_bindgen_test(unsupported = test)]
fn changing_or_removing_the_policy_needs_the_current_quorum() {
    let mut h = wallet();
    h.ok(
        "wallet_setPolicy",
        json!({"policy": treasury_policy(ONE_ETH)}),
    );
    let [alice, bob, _] = approvers();
    let held_tx = h.err(
        "eth_signTransaction",
        transfer(2 * ONE_ETH, 1),
        4100,
        "ApprovalRequired",
    );

    // One administrator cannot raise the limit alone.
    let data = h.err(
        "wallet_setPolicy",
        json!({"policy": treasury_policy(10 * ONE_ETH)}),
        4100,
        "ApprovalRequired",
    );
    assert_eq!(data["request"]["method"], "wallet_setPolicy");
    h.err(
        "wallet_submitApprovals",
        json!({"approvalDigest": data["approvalDigest"], "signatures": signatures(&data, &[&alice])}),
        4100,
        "ApprovalInsufficient",
    );
    let r = h.ok(
        "wallet_submitApprovals",
        json!({"approvalDigest": data["approvalDigest"], "signatures": signatures(&data, &[&alice, &bob])}),
    );
    let current = h.ok("wallet_getPolicy", json!({}));
    assert_eq!(current["policyHash"], r["policyHash"]);
    assert_eq!(
        current["policy"]["rules"]["ethereum"]["maxValueWei"],
        (10 * ONE_ETH).to_string()
    );
    // Approvals held under the old policy are stale.
    h.err(
        "wallet_submitApprovals",
        json!({"approvalDigest": held_tx["approvalDigest"], "signatures": signatures(&held_tx, &[&alice, &bob])}),
        4100,
        "ApprovalStale",
    );
    // The same transfer is now within the limit.
    h.ok("eth_signTransaction", transfer(2 * ONE_ETH, 1));

    // Removal needs the quorum too.
    let data = h.err(
        "wallet_setPolicy",
        json!({"policy": null}),
        4100,
        "ApprovalRequired",
    );
    h.ok(
        "wallet_submitApprovals",
        json!({"approvalDigest": data["approvalDigest"], "signatures": signatures(&data, &[&bob, &alice])}),
    );
    assert_eq!(h.ok("wallet_getPolicy", json!({}))["policy"], Value::Null);
    h.ok("eth_signTransaction", transfer(100 * ONE_ETH, 2));
    let events = h.events();
    assert_eq!(
        events
            .iter()
            .filter(|e| e.starts_with("policy."))
            .collect::<Vec<_>>(),
        [
            "policy.set",
            "policy.held",
            "policy.changed",
            "policy.held",
            "policy.removed"
        ]
    );

    // Policy methods are for the wallet itself, not for sites.
    h.origin = Some("https://dapp.example");
    h.err(
        "wallet_setPolicy",
        json!({"policy": treasury_policy(1)}),
        4100,
        "OriginNotAllowed",
    );
    h.err("wallet_getPolicy", json!({}), 4100, "OriginNotAllowed");
    h.err("wallet_auditExport", json!({}), 4100, "OriginNotAllowed");
    // Invalid documents are refused with the path.
    h.origin = None;
    let mut bad = treasury_policy(1);
    bad["rules"]["ethereum"]["maxValueWei"] = json!(1);
    let e = h
        .call("wallet_setPolicy", json!({"policy": bad}))
        .unwrap_err();
    assert_eq!(e["data"]["kind"], "InvalidPolicy");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .starts_with("rules.ethereum.maxValueWei: "),
        "{e}"
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn policy_and_spending_history_survive_lock_unlock_and_reload() {
    let mut h = wallet();
    h.ok(
        "wallet_setPolicy",
        json!({"policy": treasury_policy(ONE_ETH)}),
    );
    let hash = h.ok("wallet_getPolicy", json!({}))["policyHash"].clone();
    for nonce in 0..3 {
        h.ok("eth_signTransaction", transfer(ONE_ETH, nonce));
    }
    // The daily window (3 ETH) is used up, in memory ...
    h.err(
        "eth_signTransaction",
        transfer(1, 3),
        4100,
        "ApprovalRequired",
    );
    // ... after lock and unlock ...
    h.ok("wallet_lock", json!({}));
    h.err("eth_signTransaction", transfer(1, 3), 4100, "Locked");
    h.err(
        "wallet_unlock",
        json!({"password": "wrong"}),
        4100,
        "WrongPassword",
    );
    h.ok("wallet_unlock", json!({"password": "pw"}));
    assert_eq!(h.ok("wallet_getPolicy", json!({}))["policyHash"], hash);
    h.err(
        "eth_signTransaction",
        transfer(2, 3),
        4100,
        "ApprovalRequired",
    );
    // ... and in a new wallet over the sealed bytes.
    let mut h2 = h.reload();
    h2.ok("wallet_unlock", json!({"password": "pw"}));
    assert_eq!(h2.ok("wallet_getPolicy", json!({}))["policyHash"], hash);
    h2.err(
        "eth_signTransaction",
        transfer(3, 3),
        4100,
        "ApprovalRequired",
    );
    // The held requests are there too, and a day later the window is free again.
    assert_eq!(
        h2.ok("wallet_listApprovals", json!({}))
            .as_array()
            .unwrap()
            .len(),
        3
    );
    h2.now += DAY_MS;
    h2.ok("eth_signTransaction", transfer(ONE_ETH, 3));

    // The failed unlock was counted into the next unlock entry.
    let (jsonl, key) = h2.audit();
    assert!(audit::verify(&jsonl, &key).is_ok());
    let unlocks: Vec<Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v["event"] == "vault.unlocked")
        .map(|v| v["details"]["failedAttempts"].clone())
        .collect();
    assert_eq!(unlocks, [json!(1), json!(0)]);
    assert!(jsonl.contains("\"event\":\"vault.locked\""));
}

#[wasm_bindgen_test(unsupported = test)]
fn exports_and_messages_follow_their_switches() {
    let mut h = wallet();
    let mut policy = treasury_policy(ONE_ETH);
    policy["rules"]["export"] = json!("approval");
    h.ok("wallet_setPolicy", json!({"policy": policy}));
    // Messages are denied by default.
    let e = h.err(
        "personal_sign",
        json!(["0x68656c6c6f", HARDHAT_0]),
        4001,
        "PolicyDenied",
    );
    assert_eq!(e["kind"], "PolicyDenied");
    // A wrong password is an error (and logged), not a held export.
    h.err(
        "wallet_export",
        json!({"password": "nope", "what": "mnemonic"}),
        4100,
        "WrongPassword",
    );
    let data = h.err(
        "wallet_export",
        json!({"password": "pw", "what": "mnemonic"}),
        4100,
        "ApprovalRequired",
    );
    // The approvers see what is exported, never the password.
    assert_eq!(
        data["request"]["params"],
        json!({"what": "mnemonic", "address": null})
    );
    assert!(!data.to_string().contains("\"pw\""));
    let [alice, bob, _] = approvers();
    let sigs = signatures(&data, &[&alice, &bob]);
    h.err(
        "wallet_submitApprovals",
        json!({"approvalDigest": data["approvalDigest"], "signatures": sigs}),
        -32602,
        "InvalidParams",
    );
    h.err(
        "wallet_submitApprovals",
        json!({"approvalDigest": data["approvalDigest"], "signatures": sigs, "password": "bad"}),
        4100,
        "WrongPassword",
    );
    // Still pending after a failed attempt; with the password it is carried out.
    let out = h.ok(
        "wallet_submitApprovals",
        json!({"approvalDigest": data["approvalDigest"], "signatures": sigs, "password": "pw"}),
    );
    assert_eq!(out["mnemonic"], HARDHAT_MNEMONIC);
    let events = h.events();
    assert!(events.contains(&"export.failed".to_owned()));
    assert!(events.contains(&"export.held".to_owned()));
    assert!(events.contains(&"export.approved".to_owned()));
    assert!(events.contains(&"sign.denied".to_owned()));
    // No secret ever reaches the log.
    let (jsonl, _) = h.audit();
    assert!(!jsonl.contains("junk") && !jsonl.contains("\"pw\""));
}

/// Held requests of every shape (positional EIP-1193 params, Solana objects, a site's sign-in)
/// are replayed exactly and give the same result as signing without a policy.
#[wasm_bindgen_test(unsupported = test)]
fn held_messages_and_solana_transactions_are_replayed_exactly() {
    let mut h = wallet();
    let mut plain = wallet();
    let solana = h
        .ok("wallet_listAccounts", json!({}))
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["chain"] == "solana")
        .unwrap()["address"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut policy = treasury_policy(ONE_ETH);
    policy["rules"]["allowedChains"] = json!(["eip155:1", "solana:mainnet"]);
    policy["rules"]["messageSigning"] = json!("approval");
    policy["rules"]["solana"] = json!({"maxLamports": "1000"});
    h.ok("wallet_setPolicy", json!({"policy": policy}));
    let [alice, bob, _] = approvers();

    let requests = [
        ("personal_sign", json!(["0x68656c6c6f", HARDHAT_0])),
        (
            "solana_signTransaction",
            json!({"address": solana, "transaction": solana_transfer(&solana, 1001)}),
        ),
        (
            "solana_signAllTransactions",
            json!({"address": solana, "transactions": [solana_transfer(&solana, 600), solana_transfer(&solana, 1001)], "chain": "solana:mainnet"}),
        ),
        (
            "solana_signMessage",
            json!({"address": solana, "message": "aGVsbG8="}),
        ),
    ];
    for (method, params) in &requests {
        let data = h.err(method, params.clone(), 4100, "ApprovalRequired");
        let out = h.ok(
            "wallet_submitApprovals",
            json!({"approvalDigest": data["approvalDigest"], "signatures": signatures(&data, &[&alice, &bob])}),
        );
        assert_eq!(out, plain.ok(method, params.clone()), "{method}");
    }
    // Within the limit, a Solana transfer is signed at once.
    h.ok(
        "solana_signTransaction",
        json!({"address": solana, "transaction": solana_transfer(&solana, 1000)}),
    );

    // A site's sign-in is bound to its origin: once the user has connected the site and
    // approved the request, the policy still holds it; the site (or the wallet UI) collects the
    // result, and the message is for that site's domain.
    h.connect("https://app.example");
    plain.connect("https://app.example");
    let sign_in =
        json!({"address": solana, "input": {"domain": "app.example", "nonce": "12345678"}});
    let e = h
        .site_approved("https://app.example", "solana_signIn", sign_in.clone())
        .unwrap_err();
    assert_eq!(e["data"]["kind"], "ApprovalRequired", "{e}");
    let data = e["data"].clone();
    assert_eq!(data["request"]["origin"], "https://app.example");
    h.origin = Some("https://other.example");
    h.err(
        "wallet_submitApprovals",
        json!({"approvalDigest": data["approvalDigest"], "signatures": signatures(&data, &[&alice, &bob])}),
        4100,
        "OriginNotAllowed",
    );
    h.origin = None;
    let out = h.ok(
        "wallet_submitApprovals",
        json!({"approvalDigest": data["approvalDigest"], "signatures": signatures(&data, &[&alice, &bob])}),
    );
    assert_eq!(
        out,
        plain
            .site_approved("https://app.example", "solana_signIn", sign_in)
            .unwrap()
    );
    let approved = h.events().iter().filter(|e| *e == "sign.approved").count();
    assert_eq!(approved, 5);
}
