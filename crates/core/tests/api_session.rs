//! The protocol end to end through `Wallet::handle_json`: what every host (Worker, Node, CLI)
//! relies on. KDF cost is the floor (m = 19 MiB, t = 2) to keep the suite fast.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

mod common;

use common::{floor_kdf, HARDHAT_0, HARDHAT_1, HARDHAT_MNEMONIC};
use custodian_core::api::{Env, Wallet};
use serde_json::{json, Value};
use wasm_bindgen_test::wasm_bindgen_test;

/// trezor/wallet-core StoredKeyTests (see tests/vectors/solana_vectors.json `hd_derivation[2]`):
/// this phrase at Phantom's path m/44'/501'/0'/0'.
const TEAM_MNEMONIC: &str =
    "team engine square letter hero song dizzy scrub tornado fabric divert saddle";
const TEAM_SOLANA_0: &str = "CgWJeEWkiYqosy1ba7a3wn9HAQuHyK48xs3LM4SSDc1C";

struct Host {
    wallet: Wallet,
    now: u64,
    saved: Option<(Vec<u8>, u64)>,
    stored: common::Stored,
}

impl Host {
    fn new() -> Self {
        Self {
            wallet: Wallet::new(),
            now: 1_700_000_000_000,
            saved: None,
            stored: common::Stored::default(),
        }
    }

    fn call(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        let req = json!({"id": 7, "method": method, "params": params}).to_string();
        let mut rng = rand_core::OsRng;
        let mut env = Env {
            rng: &mut rng,
            now_ms: self.now,
            origin: None,
        };
        let text = self.wallet.handle_json(&req, &mut env);
        if let Some(save) = self.wallet.take_save() {
            if let Some(s) = &save.vault {
                if let Some((_, g)) = &self.saved {
                    assert!(s.generation > *g, "generation must increase");
                }
                self.saved = Some((s.bytes.clone(), s.generation));
            }
            self.stored.persist(save);
        }
        let resp: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(resp["jsonrpc"], "2.0");
        assert_eq!(resp["id"], 7);
        match (resp.get("result"), resp.get("error")) {
            (Some(r), None) => Ok(r.clone()),
            (None, Some(e)) => Err(e.clone()),
            _ => panic!("response must hold exactly one of result and error: {text}"),
        }
    }

    fn ok(&mut self, method: &str, params: Value) -> Value {
        self.call(method, params)
            .unwrap_or_else(|e| panic!("{method} failed: {e}"))
    }

    fn err(&mut self, method: &str, params: Value) -> (i64, String) {
        let e = self.call(method, params).expect_err(method);
        (
            e["code"].as_i64().unwrap(),
            e["data"]["kind"].as_str().unwrap_or("").to_owned(),
        )
    }
}

fn addresses(accounts: &Value, chain: &str) -> Vec<String> {
    accounts
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["chain"] == chain)
        .map(|a| a["address"].as_str().unwrap().to_owned())
        .collect()
}

#[wasm_bindgen_test(unsupported = test)]
fn import_mnemonic_gives_the_published_hardhat_and_wallet_core_accounts() {
    let mut h = Host::new();
    let r = h.ok(
        "wallet_import",
        json!({"password": "pw-1", "mnemonic": HARDHAT_MNEMONIC, "kdf": floor_kdf()}),
    );
    assert_eq!(addresses(&r["accounts"], "ethereum"), vec![HARDHAT_0]);
    let added = h.ok("wallet_addAccount", json!({"chain": "ethereum"}));
    assert_eq!(added["address"], HARDHAT_1);
    assert_eq!(added["path"], "m/44'/60'/0'/0/1");
    assert_eq!(
        h.ok("eth_accounts", json!([])),
        json!([HARDHAT_0, HARDHAT_1])
    );

    let mut h = Host::new();
    let r = h.ok(
        "wallet_import",
        json!({"password": "pw-1", "mnemonic": TEAM_MNEMONIC, "kdf": floor_kdf()}),
    );
    assert_eq!(addresses(&r["accounts"], "solana"), vec![TEAM_SOLANA_0]);
}

#[wasm_bindgen_test(unsupported = test)]
fn full_session_create_lock_unlock_reload_change_password_export() {
    let mut h = Host::new();
    assert_eq!(h.ok("wallet_status", json!({}))["state"], "empty");
    assert_eq!(
        h.err("eth_requestAccounts", json!([])),
        (4100, "NoVault".into())
    );

    let created = h.ok(
        "wallet_create",
        json!({"password": "pw-1", "words": 24, "kdf": floor_kdf()}),
    );
    let mnemonic = created["mnemonic"].as_str().unwrap().to_owned();
    assert_eq!(mnemonic.split(' ').count(), 24);
    let eth = addresses(&created["accounts"], "ethereum");
    let sol = addresses(&created["accounts"], "solana");
    assert_eq!((eth.len(), sol.len()), (1, 1));
    let events = h.wallet.take_events();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].event, "accountsChanged");
    assert_eq!(events[0].data, json!(eth));

    // A second create must not overwrite the vault.
    assert_eq!(
        h.err(
            "wallet_create",
            json!({"password": "x", "kdf": floor_kdf()})
        ),
        (-32602, "VaultExists".into())
    );

    h.ok("wallet_lock", json!({}));
    assert_eq!(h.ok("eth_accounts", json!([])), json!([]));
    assert_eq!(
        h.err("eth_requestAccounts", json!([])),
        (4100, "Locked".into())
    );
    assert_eq!(
        h.err("personal_sign", json!(["0x00", eth[0]])),
        (4100, "Locked".into())
    );
    assert_eq!(
        h.err("wallet_unlock", json!({"password": "pw-2"})),
        (4100, "WrongPassword".into())
    );

    // Reload from the persisted bytes, as a browser tab or the CLI would.
    let (_, generation) = h.saved.clone().unwrap();
    let mut h2 = Host {
        wallet: h.stored.open(),
        now: h.now,
        saved: Some((Vec::new(), generation)),
        stored: h.stored.clone(),
    };
    assert_eq!(h2.ok("wallet_status", json!({}))["state"], "locked");
    let unlocked = h2.ok("wallet_unlock", json!({"password": "pw-1"}));
    assert_eq!(addresses(&unlocked["accounts"], "ethereum"), eth);
    assert_eq!(addresses(&unlocked["accounts"], "solana"), sol);

    // Export needs the password again.
    assert_eq!(
        h2.err(
            "wallet_export",
            json!({"password": "nope", "what": "mnemonic"})
        ),
        (4100, "WrongPassword".into())
    );
    let exported = h2.ok(
        "wallet_export",
        json!({"password": "pw-1", "what": "mnemonic"}),
    );
    assert_eq!(exported["mnemonic"], mnemonic.as_str());

    // Change the password: the old one stops working, accounts stay.
    h2.ok(
        "wallet_changePassword",
        json!({"oldPassword": "pw-1", "newPassword": "pw-new"}),
    );
    let mut h3 = Host {
        wallet: h2.stored.open(),
        now: h.now,
        saved: None,
        stored: h2.stored.clone(),
    };
    assert_eq!(
        h3.err("wallet_unlock", json!({"password": "pw-1"})),
        (4100, "WrongPassword".into())
    );
    let r = h3.ok("wallet_unlock", json!({"password": "pw-new"}));
    assert_eq!(addresses(&r["accounts"], "ethereum"), eth);
    // The audit records are sealed with the log's own key, not the password's.
    assert_eq!(r["auditLog"], json!({"status": "intact"}));

    // The exported phrase re-imports to the same accounts.
    let mut h4 = Host::new();
    let r = h4.ok(
        "wallet_import",
        json!({"password": "other", "mnemonic": mnemonic, "kdf": floor_kdf()}),
    );
    assert_eq!(addresses(&r["accounts"], "ethereum"), eth);
    assert_eq!(addresses(&r["accounts"], "solana"), sol);
}

#[wasm_bindgen_test(unsupported = test)]
fn personal_sign_through_the_protocol_matches_eth_sig_util() {
    // tests/vectors/eip191_personal_sign.json, case "eth-sig-util personalSign 'Hello, world!'".
    let mut h = Host::new();
    let r = h.ok(
        "wallet_import",
        json!({
            "password": "pw",
            "privateKey": "0x4af1bceebf7f3634ec3cff8a2c38e51178d5d4ce585c52d6043e5e2cc3418bb0",
            "kdf": floor_kdf()
        }),
    );
    let address = addresses(&r["accounts"], "ethereum").remove(0);
    assert_eq!(
        address.to_lowercase(),
        "0x29c76e6ad8f28bb1004902578fb108c507be341b"
    );
    let sig = h.ok(
        "personal_sign",
        json!(["0x48656c6c6f2c20776f726c6421", address]),
    );
    assert_eq!(sig, "0x90a938f7457df6e8f741264c32697fc52f9a8f867c52dd70713d9d2d472f2e415d9c94148991bbe1f4a1818d1dff09165782749c877f5cf1eff4ef126e55714d1c");
    // Any letter case of our address works; someone else's does not.
    let lower = address.to_lowercase();
    assert_eq!(
        h.ok(
            "personal_sign",
            json!(["0x48656c6c6f2c20776f726c6421", lower])
        ),
        sig
    );
    assert_eq!(
        h.err(
            "personal_sign",
            json!(["0x00", "0x0000000000000000000000000000000000000001"])
        ),
        (4100, "UnknownAccount".into())
    );
    // A single imported key has no phrase to derive more accounts from.
    assert_eq!(
        h.err("wallet_addAccount", json!({"chain": "ethereum"})),
        (-32602, "NoMnemonic".into())
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn chain_switching_persists_and_emits_chain_changed() {
    let mut h = Host::new();
    h.ok(
        "wallet_create",
        json!({"password": "pw", "kdf": floor_kdf()}),
    );
    h.wallet.take_events();
    assert_eq!(h.ok("eth_chainId", json!([])), "0x1");
    h.ok("wallet_switchEthereumChain", json!([{"chainId": "0x2105"}]));
    assert_eq!(h.ok("eth_chainId", json!([])), "0x2105");
    let events = h.wallet.take_events();
    assert_eq!(events[0].event, "chainChanged");
    assert_eq!(events[0].data, "0x2105");
    for bad in ["0x0", "0x01", "8453", "0x", "0x20000000000000"] {
        assert_eq!(
            h.err("wallet_switchEthereumChain", json!([{"chainId": bad}]))
                .0,
            4902,
            "{bad}"
        );
    }
    let mut h2 = Host {
        wallet: h.stored.open(),
        now: h.now,
        saved: None,
        stored: h.stored.clone(),
    };
    h2.ok("wallet_unlock", json!({"password": "pw"}));
    assert_eq!(h2.ok("eth_chainId", json!([])), "0x2105");
}

#[wasm_bindgen_test(unsupported = test)]
fn auto_lock_after_idle_time_drops_the_session() {
    let mut h = Host::new();
    let r = h.ok(
        "wallet_create",
        json!({"password": "pw", "kdf": floor_kdf()}),
    );
    let eth = addresses(&r["accounts"], "ethereum");
    h.ok("wallet_updateSettings", json!({"autoLockMinutes": 5}));
    h.now += 4 * 60_000;
    h.ok("personal_sign", json!(["0x01", eth[0]]));
    h.now += 4 * 60_000; // activity above postponed the deadline
    h.ok("personal_sign", json!(["0x01", eth[0]]));
    h.now += 5 * 60_000;
    assert_eq!(
        h.err("personal_sign", json!(["0x01", eth[0]])),
        (4100, "Locked".into())
    );
    assert_eq!(h.ok("wallet_status", json!({}))["state"], "locked");
}

#[wasm_bindgen_test(unsupported = test)]
fn errors_have_the_documented_codes_and_never_echo_secrets() {
    let mut h = Host::new();
    assert_eq!(
        h.err("eth_foo", json!([])),
        (-32601, "MethodNotFound".into())
    );
    assert_eq!(
        h.err("wallet_create", json!({"password": 5})),
        (-32602, "InvalidParams".into())
    );
    assert_eq!(
        h.err("eth_sendTransaction", json!([{}])),
        (4200, "Unsupported".into())
    );
    assert_eq!(h.err("eth_sign", json!([])), (4200, "Unsupported".into()));
    // A misspelt phrase: the error names the position, never the words.
    let e = h
        .call(
            "wallet_import",
            json!({"password": "pw", "mnemonic": "test test test test test test test test test test test junkk", "kdf": floor_kdf()}),
        )
        .unwrap_err();
    assert_eq!(e["data"]["kind"], "InvalidMnemonic");
    let text = e.to_string();
    assert!(
        text.contains("12") && !text.contains("junkk") && !text.contains("test"),
        "{text}"
    );
    // A secret sent in a field of the wrong type is not echoed.
    let e = h
        .call("wallet_unlock", json!({"password": ["hunter2-secret"]}))
        .unwrap_err();
    assert!(!e.to_string().contains("hunter2"), "{e}");
    // Below the KDF floor is refused.
    assert_eq!(
        h.err(
            "wallet_create",
            json!({"password": "pw", "kdf": {"memoryKib": 1024, "iterations": 1, "parallelism": 1}})
        ),
        (-32602, "WeakKdfParameters".into())
    );
    // Not JSON / not an object.
    let mut rng = rand_core::OsRng;
    let mut env = Env {
        rng: &mut rng,
        now_ms: 0,
        origin: None,
    };
    let r: Value = serde_json::from_str(&h.wallet.handle_json("{not json", &mut env)).unwrap();
    assert_eq!(r["error"]["code"], -32700);
    let r: Value = serde_json::from_str(&h.wallet.handle_json("[1,2]", &mut env)).unwrap();
    assert_eq!(r["error"]["code"], -32600);
}
