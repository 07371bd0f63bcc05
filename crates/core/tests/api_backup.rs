//! `wallet_backupShares` and `wallet_recoverFromShares` through `Wallet::handle_json`: shares of
//! a wallet's recovery phrase bring back the same accounts; too few shares, a wrong password
//! and wallets without a phrase give clear errors. KDF cost is the floor to keep it fast.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

mod common;

use common::{floor_kdf, HARDHAT_0, HARDHAT_MNEMONIC};
use custodian_core::api::Wallet;
use custodian_core::keys::mnemonic::Mnemonic;
use serde_json::{json, Value};
use wasm_bindgen_test::wasm_bindgen_test;

struct Host {
    wallet: Wallet,
}

impl Host {
    fn new() -> Self {
        Self {
            wallet: Wallet::new(),
        }
    }

    fn call(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        let result = common::call(&mut self.wallet, 1_700_000_000_000, None, method, params);
        let _ = self.wallet.take_save();
        result
    }

    fn ok(&mut self, method: &str, params: Value) -> Value {
        self.call(method, params)
            .unwrap_or_else(|e| panic!("{method} failed: {e}"))
    }

    /// (code, data.kind, message)
    fn err(&mut self, method: &str, params: Value) -> (i64, String, String) {
        let e = self.call(method, params).expect_err(method);
        (
            e["code"].as_i64().unwrap(),
            e["data"]["kind"].as_str().unwrap_or("").to_owned(),
            e["message"].as_str().unwrap_or("").to_owned(),
        )
    }
}

fn shares(result: &Value) -> Vec<Vec<String>> {
    result["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            g.as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap().to_owned())
                .collect()
        })
        .collect()
}

fn recover(shares: &[&String], extra: Value) -> Result<Value, Value> {
    let mut params = json!({"password": "new-pw", "shares": shares, "kdf": floor_kdf()});
    for (k, v) in extra.as_object().unwrap() {
        params[k] = v.clone();
    }
    Host::new().call("wallet_recoverFromShares", params)
}

/// The brief's scenario: a new wallet, 2-of-3 shares, a fresh wallet from two of them has the
/// same accounts; from one share it is refused with an error that says what is missing.
#[wasm_bindgen_test(unsupported = test)]
fn two_of_three_recovers_the_same_accounts() {
    let mut h = Host::new();
    let created = h.ok(
        "wallet_create",
        json!({"password": "pw-1", "kdf": floor_kdf()}),
    );
    let backup = h.ok(
        "wallet_backupShares",
        json!({"password": "pw-1", "groupThreshold": 1, "groups": [{"threshold": 2, "count": 3}]}),
    );
    assert_eq!(backup["bip39PassphraseRequired"], false);
    let groups = shares(&backup);
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].len(), 3);
    // 12-word phrase = 128-bit entropy = 20-word shares.
    assert!(groups[0].iter().all(|s| s.split(' ').count() == 20));

    for pair in [[0, 1], [0, 2], [2, 1]] {
        let recovered = recover(&[&groups[0][pair[0]], &groups[0][pair[1]]], json!({})).unwrap();
        assert_eq!(
            recovered["accounts"], created["accounts"],
            "shares {pair:?}"
        );
    }

    let one = Host::new()
        .call(
            "wallet_recoverFromShares",
            json!({"password": "new-pw", "shares": [groups[0][1]], "kdf": floor_kdf()}),
        )
        .unwrap_err();
    assert_eq!(one["code"], -32602);
    assert_eq!(one["data"]["kind"], "InsufficientShares");
    assert_eq!(one["message"], "group 1 needs 2 shares; 1 given");
}

/// A known phrase: the recovered wallet has Hardhat's published account #0, and exporting its
/// phrase gives the original words back.
#[wasm_bindgen_test(unsupported = test)]
fn known_phrase_round_trips_through_groups_and_a_passphrase() {
    let mut h = Host::new();
    h.ok(
        "wallet_import",
        json!({"password": "pw-1", "mnemonic": HARDHAT_MNEMONIC, "kdf": floor_kdf()}),
    );
    let backup = h.ok(
        "wallet_backupShares",
        json!({
            "password": "pw-1",
            "groupThreshold": 2,
            "groups": [{"threshold": 1, "count": 1}, {"threshold": 2, "count": 3}, {"threshold": 3, "count": 5}],
            "passphrase": "shares pass",
            "extendable": true,
            "iterationExponent": 0,
        }),
    );
    let g = shares(&backup);
    assert_eq!(
        g.iter().map(Vec::len).collect::<Vec<_>>(),
        vec![1, 3, 5],
        "group sizes"
    );

    let set = [&g[1][2], &g[2][0], &g[1][0], &g[2][4], &g[2][3]];
    let mut host = Host::new();
    let recovered = host
        .call(
            "wallet_recoverFromShares",
            json!({"password": "new-pw", "shares": set, "passphrase": "shares pass", "kdf": floor_kdf()}),
        )
        .unwrap();
    assert_eq!(recovered["accounts"][0]["address"], HARDHAT_0);
    let exported = host.ok(
        "wallet_export",
        json!({"password": "new-pw", "what": "mnemonic"}),
    );
    assert_eq!(exported["mnemonic"], HARDHAT_MNEMONIC);

    // The SLIP-39 passphrase cannot be checked: another one gives another valid wallet.
    let other = recover(
        &[&g[0][0], &g[1][1], &g[1][2]],
        json!({"passphrase": "wrong"}),
    )
    .unwrap();
    assert_ne!(other["accounts"][0]["address"], HARDHAT_0);
    // Too many groups is refused (SLIP-0039 requires exactly the threshold).
    let (code, kind, _) = Host::new().err(
        "wallet_recoverFromShares",
        json!({"password": "p", "shares": [&g[0][0], &g[1][0], &g[1][1], &g[2][0], &g[2][1], &g[2][2]], "passphrase": "shares pass", "kdf": floor_kdf()}),
    );
    assert_eq!((code, kind.as_str()), (-32602, "TooManyShares"));
}

/// A wallet with a BIP-39 passphrase: the shares hold only the phrase, the result says the
/// passphrase is needed, and giving it at recovery restores the same accounts.
#[wasm_bindgen_test(unsupported = test)]
fn bip39_passphrase_is_reported_and_given_back_at_recovery() {
    let mut h = Host::new();
    let created = h.ok(
        "wallet_create",
        json!({"password": "pw-1", "words": 24, "passphrase": "TREZOR", "kdf": floor_kdf()}),
    );
    let backup = h.ok(
        "wallet_backupShares",
        json!({"password": "pw-1", "groupThreshold": 1, "groups": [{"threshold": 1, "count": 1}]}),
    );
    assert_eq!(backup["bip39PassphraseRequired"], true);
    let g = shares(&backup);
    // 24-word phrase = 256-bit entropy = 33-word shares.
    assert_eq!(g[0][0].split(' ').count(), 33);
    let with = recover(&[&g[0][0]], json!({"bip39Passphrase": "TREZOR"})).unwrap();
    assert_eq!(with["accounts"], created["accounts"]);
    let without = recover(&[&g[0][0]], json!({})).unwrap();
    assert_ne!(without["accounts"], created["accounts"]);
}

/// Trezor's reference vector 4 (2-of-3, passphrase "TREZOR") recovers, and the phrase of the
/// new wallet is the BIP-39 encoding of the vector's master secret: the documented mapping.
#[wasm_bindgen_test(unsupported = test)]
fn trezor_vector_shares_become_the_phrase_of_their_master_secret() {
    let vectors: Value = serde_json::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/slip39_trezor_vectors.json"
    )))
    .unwrap();
    let case = &vectors["cases"][3];
    assert!(case[0]
        .as_str()
        .unwrap()
        .starts_with("4. Basic sharing 2-of-3"));
    let secret = hex::decode(case[2].as_str().unwrap()).unwrap();
    let mut h = Host::new();
    h.ok(
        "wallet_recoverFromShares",
        json!({"password": "pw", "shares": case[1], "passphrase": "TREZOR", "kdf": floor_kdf()}),
    );
    let exported = h.ok(
        "wallet_export",
        json!({"password": "pw", "what": "mnemonic"}),
    );
    assert_eq!(
        exported["mnemonic"],
        Mnemonic::from_entropy(&secret).unwrap().expose_secret()
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn errors() {
    let mut h = Host::new();
    let one_group = json!([{"threshold": 2, "count": 3}]);
    // No vault yet.
    assert_eq!(
        h.err(
            "wallet_backupShares",
            json!({"password": "pw", "groupThreshold": 1, "groups": one_group})
        )
        .1,
        "NoVault"
    );
    h.ok(
        "wallet_create",
        json!({"password": "pw-1", "kdf": floor_kdf()}),
    );
    // The password is asked again, as for an export.
    let (code, kind, _) = h.err(
        "wallet_backupShares",
        json!({"password": "nope", "groupThreshold": 1, "groups": one_group}),
    );
    assert_eq!((code, kind.as_str()), (4100, "WrongPassword"));
    // Group parameters are checked.
    for (gt, groups) in [
        (2, json!([{"threshold": 2, "count": 3}])),
        (1, json!([{"threshold": 4, "count": 3}])),
        (1, json!([{"threshold": 1, "count": 3}])),
        (1, json!([])),
    ] {
        let (code, kind, _) = h.err(
            "wallet_backupShares",
            json!({"password": "pw-1", "groupThreshold": gt, "groups": groups}),
        );
        assert_eq!((code, kind.as_str()), (-32602, "InvalidShareParams"));
    }
    let (_, kind, _) = h.err(
        "wallet_backupShares",
        json!({"password": "pw-1", "groupThreshold": 1, "groups": one_group, "iterationExponent": 9}),
    );
    assert_eq!(kind, "InvalidShareParams");
    let (_, kind, _) = h.err(
        "wallet_backupShares",
        json!({"password": "pw-1", "groupThreshold": 1, "groups": one_group, "passphrase": "caf\u{e9}"}),
    );
    assert_eq!(kind, "InvalidPassphrase");

    // A wallet already exists here.
    let backup = h.ok(
        "wallet_backupShares",
        json!({"password": "pw-1", "groupThreshold": 1, "groups": one_group}),
    );
    let g = shares(&backup);
    let (_, kind, _) = h.err(
        "wallet_recoverFromShares",
        json!({"password": "pw", "shares": [&g[0][0], &g[0][1]], "kdf": floor_kdf()}),
    );
    assert_eq!(kind, "VaultExists");

    // A mistyped word is named by position, never echoed.
    let mut words: Vec<&str> = g[0][0].split(' ').collect();
    words[4] = "satoshy";
    let typo = words.join(" ");
    let (code, kind, message) = Host::new().err(
        "wallet_recoverFromShares",
        json!({"password": "pw", "shares": [&g[0][1], typo], "kdf": floor_kdf()}),
    );
    assert_eq!((code, kind.as_str()), (-32602, "InvalidShare"));
    assert_eq!(message, "word 5 of share 2 is not in the SLIP-39 word list");
    // Shares of two different backups.
    let other = h.ok(
        "wallet_backupShares",
        json!({"password": "pw-1", "groupThreshold": 1, "groups": one_group}),
    );
    let o = shares(&other);
    let (_, kind, _) = Host::new().err(
        "wallet_recoverFromShares",
        json!({"password": "pw", "shares": [&g[0][0], &o[0][1]], "kdf": floor_kdf()}),
    );
    assert_eq!(kind, "MismatchedShares");
    let (_, kind, _) = Host::new().err(
        "wallet_recoverFromShares",
        json!({"password": "pw", "shares": [], "kdf": floor_kdf()}),
    );
    assert_eq!(kind, "InvalidShare");

    // A wallet holding only an imported key has no phrase to back up.
    let mut k = Host::new();
    k.ok(
        "wallet_import",
        json!({"password": "pw", "privateKey": format!("0x{}", "11".repeat(32)), "kdf": floor_kdf()}),
    );
    let (_, kind, _) = k.err(
        "wallet_backupShares",
        json!({"password": "pw", "groupThreshold": 1, "groups": one_group}),
    );
    assert_eq!(kind, "NoMnemonic");
}

/// Shares of a secret that is not a BIP-39 entropy length (here 18 bytes, made by the core
/// directly) are refused instead of becoming a wallet.
#[wasm_bindgen_test(unsupported = test)]
fn shares_of_other_secrets_are_refused() {
    let groups = custodian_core::keys::slip39::split(
        &[5u8; 18],
        "",
        1,
        &[(1, 1)],
        0,
        false,
        &mut rand_core::OsRng,
    )
    .unwrap();
    let share = groups[0][0].expose_secret().to_owned();
    let (code, kind, _) = Host::new().err(
        "wallet_recoverFromShares",
        json!({"password": "pw", "shares": [share], "kdf": floor_kdf()}),
    );
    assert_eq!((code, kind.as_str()), (-32602, "NotAPhraseBackup"));
}
