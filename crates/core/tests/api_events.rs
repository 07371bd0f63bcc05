//! Provider events: which requests emit `accountsChanged`, for both chains. The Wallet Standard
//! wallet (web/src/wallet-standard.ts) re-reads its Solana accounts on every `accountsChanged`,
//! so a change a Solana dapp can see (an account added, renamed, the vault locked or unlocked,
//! by hand or by the idle timeout) must emit one, while its data stays `eth_accounts`
//! (EIP-1193). docs/protocol.md "Events" is the contract.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

mod common;

use common::{floor_kdf, HARDHAT_0, HARDHAT_1, HARDHAT_MNEMONIC};
use custodian_core::api::{ProviderEvent, Wallet};
use serde_json::{json, Value};
use wasm_bindgen_test::wasm_bindgen_test;

/// RFC 8032 §7.1 TEST 1 secret key; its public key in base58 is the Solana address.
const RFC8032_SECRET: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

struct Host {
    wallet: Wallet,
    now: u64,
}

impl Host {
    fn new() -> Self {
        Self {
            wallet: Wallet::new(),
            now: 1_700_000_000_000,
        }
    }

    fn call(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        common::call(&mut self.wallet, self.now, None, method, params)
    }

    fn ok(&mut self, method: &str, params: Value) -> Value {
        self.call(method, params)
            .unwrap_or_else(|e| panic!("{method} failed: {e}"))
    }

    /// The events the requests since the last call emitted, as `(name, data)`.
    fn events(&mut self) -> Vec<(&'static str, Value)> {
        self.wallet
            .take_events()
            .into_iter()
            .map(|ProviderEvent { event, data }| (event, data))
            .collect()
    }
}

fn solana_addresses(h: &mut Host) -> Vec<String> {
    h.ok("wallet_listAccounts", json!({}))
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["chain"] == "solana")
        .map(|a| a["address"].as_str().unwrap().to_owned())
        .collect()
}

#[wasm_bindgen_test(unsupported = test)]
fn adding_and_renaming_accounts_emits_accounts_changed_for_both_chains() {
    let mut h = Host::new();
    h.ok(
        "wallet_import",
        json!({"password": "pw", "mnemonic": HARDHAT_MNEMONIC, "kdf": floor_kdf()}),
    );
    assert_eq!(h.events(), vec![("accountsChanged", json!([HARDHAT_0]))]);
    assert_eq!(solana_addresses(&mut h).len(), 1);

    // A Solana account: eth_accounts is unchanged, the event still comes, with eth_accounts.
    let added = h.ok("wallet_addAccount", json!({"chain": "solana"}));
    assert_eq!(added["chain"], "solana");
    assert_eq!(h.events(), vec![("accountsChanged", json!([HARDHAT_0]))]);
    let sol = solana_addresses(&mut h);
    assert_eq!(sol.len(), 2);
    assert_eq!(sol[1], added["address"]);

    let added = h.ok("wallet_addAccount", json!({"chain": "ethereum"}));
    assert_eq!(added["address"], HARDHAT_1);
    assert_eq!(
        h.events(),
        vec![("accountsChanged", json!([HARDHAT_0, HARDHAT_1]))]
    );

    // A Solana label is part of a Wallet Standard account; an Ethereum label is in no event.
    h.ok(
        "wallet_renameAccount",
        json!({"address": sol[1], "label": "savings"}),
    );
    assert_eq!(
        h.events(),
        vec![("accountsChanged", json!([HARDHAT_0, HARDHAT_1]))]
    );
    h.ok(
        "wallet_renameAccount",
        json!({"address": HARDHAT_1, "label": "hot"}),
    );
    assert_eq!(h.events(), vec![]);

    // Requests that change no account emit nothing, whether they succeed or fail.
    h.ok("wallet_listAccounts", json!({}));
    h.ok("eth_accounts", json!([]));
    assert!(h
        .call(
            "wallet_addAccount",
            json!({"chain": "solana", "label": "a\u{7}"})
        )
        .is_err());
    assert!(h
        .call(
            "wallet_renameAccount",
            json!({"address": "nope", "label": "x"})
        )
        .is_err());
    assert_eq!(h.events(), vec![]);
}

#[wasm_bindgen_test(unsupported = test)]
fn lock_and_unlock_emit_accounts_changed_even_without_ethereum_accounts() {
    // One imported Ed25519 key: a Solana-only wallet, so eth_accounts is always [].
    let mut h = Host::new();
    h.ok(
        "wallet_import",
        json!({"password": "pw", "privateKey": RFC8032_SECRET, "curve": "ed25519", "kdf": floor_kdf()}),
    );
    assert_eq!(h.events(), vec![("accountsChanged", json!([]))]);
    assert_eq!(solana_addresses(&mut h).len(), 1);

    h.ok("wallet_lock", json!({}));
    assert_eq!(h.events(), vec![("accountsChanged", json!([]))]);
    // Locking a locked vault changes nothing.
    h.ok("wallet_lock", json!({}));
    assert_eq!(h.events(), vec![]);

    assert!(h
        .call("wallet_unlock", json!({"password": "wrong"}))
        .is_err());
    assert_eq!(h.events(), vec![]);
    h.ok("wallet_unlock", json!({"password": "pw"}));
    assert_eq!(h.events(), vec![("accountsChanged", json!([]))]);
    // Unlocking an unlocked vault changes nothing.
    h.ok("wallet_unlock", json!({"password": "pw"}));
    assert_eq!(h.events(), vec![]);
}

#[wasm_bindgen_test(unsupported = test)]
fn the_idle_timeout_lock_is_announced_once_by_the_request_that_finds_it() {
    let mut h = Host::new();
    h.ok(
        "wallet_import",
        json!({"password": "pw", "mnemonic": HARDHAT_MNEMONIC, "kdf": floor_kdf()}),
    );
    h.ok("wallet_updateSettings", json!({"autoLockMinutes": 1}));
    h.events();

    h.now += 59_000;
    h.ok("wallet_status", json!({}));
    assert_eq!(h.events(), vec![]);

    // wallet_status polls without counting as activity: the deadline is still 60 s after the
    // settings change. The first request past it finds the vault locked and says so.
    h.now += 1_000;
    assert_eq!(h.ok("wallet_status", json!({}))["state"], "locked");
    assert_eq!(h.events(), vec![("accountsChanged", json!([]))]);
    assert_eq!(h.ok("eth_accounts", json!([])), json!([]));
    assert_eq!(h.events(), vec![]);

    // The same through a request that needed the keys: it fails Locked and announces the lock.
    h.ok("wallet_unlock", json!({"password": "pw"}));
    assert_eq!(h.events(), vec![("accountsChanged", json!([HARDHAT_0]))]);
    h.now += 60_000;
    let e = h
        .call("wallet_addAccount", json!({"chain": "solana"}))
        .unwrap_err();
    assert_eq!(e["code"], 4100);
    assert_eq!(h.events(), vec![("accountsChanged", json!([]))]);
}
