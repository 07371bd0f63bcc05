//! A scripted session through `custodian rpc`, then a second process on the same file.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

mod common;

use common::{addresses, floor_kdf, Rpc, Scratch};
use custodian_core::chains::ethereum::{parse_address, to_checksum};
use custodian_core::chains::solana::Address as SolanaAddress;
use serde_json::{json, Value};

const PASSWORD: &str = "correct horse battery staple";

#[test]
fn scripted_session_and_a_second_process() {
    let dir = Scratch::new("session");
    let vault = dir.path("wallet.vault");
    assert!(!vault.exists());

    let mut rpc = Rpc::start(&vault);
    assert_eq!(
        rpc.ok("wallet_status", json!({})),
        json!({"state": "empty"})
    );

    let created = rpc.ok(
        "wallet_create",
        json!({"password": PASSWORD, "kdf": floor_kdf()}),
    );
    // The response came back, so the vault is on disk already.
    assert!(vault.exists());
    let words: Vec<&str> = created["mnemonic"].as_str().unwrap().split(' ').collect();
    assert_eq!(words.len(), 12);
    assert!(words
        .iter()
        .all(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase())));
    let accounts = created["accounts"].clone();
    assert_eq!(accounts.as_array().unwrap().len(), 2);
    let eth = accounts[0]["address"].as_str().unwrap().to_owned();
    let sol = accounts[1]["address"].as_str().unwrap().to_owned();
    assert_eq!(accounts[0]["chain"], "ethereum");
    assert_eq!(accounts[1]["chain"], "solana");
    // EIP-55: 0x + 40 hex digits whose letter case is the checksum of the address.
    assert!(eth.starts_with("0x") && eth.len() == 42, "{eth}");
    assert_eq!(
        to_checksum(&parse_address(&eth.to_lowercase()).unwrap()),
        eth
    );
    assert_ne!(
        eth,
        eth.to_lowercase(),
        "a checksummed address has capitals"
    );
    // Solana: base58 of a 32-byte public key.
    assert!((32..=44).contains(&sol.len()), "{sol}");
    assert_eq!(SolanaAddress::parse(&sol).unwrap().to_string(), sol);

    assert_eq!(rpc.ok("eth_accounts", json!([])), json!([eth]));
    assert_eq!(rpc.ok("wallet_lock", json!({})), Value::Null);
    assert_eq!(rpc.ok("eth_accounts", json!([])), json!([]));
    assert_eq!(
        rpc.err("personal_sign", json!(["0x00", eth])),
        (4100, "Locked".to_owned())
    );
    assert_eq!(
        rpc.err("wallet_unlock", json!({"password": "wrong password"})),
        (4100, "WrongPassword".to_owned())
    );
    let unlocked = rpc.ok("wallet_unlock", json!({"password": PASSWORD}));
    assert_eq!(unlocked["accounts"], accounts);
    assert_eq!(rpc.ok("wallet_listAccounts", json!({})), accounts);

    let added = rpc.ok(
        "wallet_addAccount",
        json!({"chain": "ethereum", "label": "Second"}),
    );
    assert_eq!(added["label"], "Second");
    assert_eq!(added["path"], "m/44'/60'/0'/0/1");
    let second = added["address"].as_str().unwrap().to_owned();
    assert_ne!(second, eth);
    let signature = rpc.ok("personal_sign", json!(["Hello from the CLI", second]));
    let sig = signature.as_str().unwrap();
    assert!(sig.starts_with("0x") && sig.len() == 132, "{sig}");
    let all = rpc.ok("wallet_listAccounts", json!({}));
    assert_eq!(
        addresses(&all),
        vec![eth.clone(), sol.clone(), second.clone()]
    );

    // A second process while the first still runs: it reads the file as written.
    let mut other = Rpc::start(&vault);
    assert_eq!(other.ok("eth_accounts", json!([])), json!([]));
    let reopened = other.ok("wallet_unlock", json!({"password": PASSWORD}));
    assert_eq!(reopened["accounts"], all);
    // Same key, same deterministic (RFC 6979) signature.
    assert_eq!(
        other.ok("personal_sign", json!(["Hello from the CLI", second])),
        signature
    );
    other.finish();
    rpc.finish();

    assert!(dir.temporaries().is_empty(), "{:?}", dir.temporaries());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&vault).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the vault is private to its owner");
    }
}

#[test]
fn framing_blank_lines_parse_errors_and_ids() {
    let dir = Scratch::new("framing");
    let mut rpc = Rpc::start(&dir.path("v.vault"));
    rpc.send_line("");
    rpc.send_line("   ");
    rpc.send_line("this is not json");
    let resp = rpc.read();
    assert_eq!(resp["id"], Value::Null);
    assert_eq!(resp["error"]["code"], -32700);
    assert_eq!(resp["error"]["data"]["kind"], "ParseError");
    // The loop goes on; string ids, a missing id and a JSON-RPC marker are all fine.
    rpc.send_line(r#"{"jsonrpc":"2.0","id":"abc","method":"eth_chainId"}"#);
    assert_eq!(
        rpc.read(),
        json!({"jsonrpc": "2.0", "id": "abc", "result": "0x1"})
    );
    rpc.send_line(r#"{"method":"eth_chainId"}"#);
    assert_eq!(
        rpc.read(),
        json!({"jsonrpc": "2.0", "id": null, "result": "0x1"})
    );
    rpc.send_line(r#"[{"id":1,"method":"eth_chainId"}]"#);
    assert_eq!(rpc.read()["error"]["code"], -32600);
    rpc.send_line(r#"{"id":2,"method":"no_such_method"}"#);
    assert_eq!(rpc.read()["error"]["code"], -32601);
    // Invalid UTF-8 is a parse error too, not the end of the loop.
    rpc.send_bytes(b"{\"id\":9,\"method\":\"\xff\"}\n");
    let resp = rpc.read();
    assert_eq!(
        (resp["id"].clone(), resp["error"]["code"].clone()),
        (Value::Null, json!(-32700))
    );
    rpc.send_line("{\"id\":3,\"method\":\"wallet_unlock\",\"params\":{\"password\":\"x\"}}");
    assert_eq!(rpc.read()["error"]["data"]["kind"], "NoVault");
    rpc.finish();
    // Nothing was created: no request changed anything.
    assert!(!dir.path("v.vault").exists());
}

#[test]
fn events_are_notifications_when_asked_for() {
    let dir = Scratch::new("events");
    let vault = dir.path("v.vault");
    let mut rpc = Rpc::start_with(&vault, &["--events"]);
    let created = rpc.ok(
        "wallet_create",
        json!({"password": PASSWORD, "kdf": floor_kdf()}),
    );
    let eth = created["accounts"][0]["address"].clone();
    assert_eq!(
        rpc.read(),
        json!({"jsonrpc": "2.0", "method": "custodian_event",
               "params": {"event": "accountsChanged", "data": [eth]}})
    );
    rpc.ok("wallet_switchEthereumChain", json!([{"chainId": "0x89"}]));
    assert_eq!(
        rpc.read(),
        json!({"jsonrpc": "2.0", "method": "custodian_event",
               "params": {"event": "chainChanged", "data": "0x89"}})
    );
    // Without the flag the same requests produce responses only (checked by the next read
    // being the response to the next request, with its id).
    rpc.finish();
    let mut quiet = Rpc::start(&vault);
    quiet.ok("wallet_unlock", json!({"password": PASSWORD}));
    assert_eq!(
        quiet.ok("eth_chainId", json!([])),
        "0x89",
        "the switch was saved"
    );
    quiet.finish();
}

#[test]
fn a_second_writer_cannot_silently_undo_the_first() {
    let dir = Scratch::new("writers");
    let vault = dir.path("v.vault");
    let mut a = Rpc::start(&vault);
    a.ok(
        "wallet_create",
        json!({"password": PASSWORD, "kdf": floor_kdf()}),
    );
    let mut b = Rpc::start(&vault);
    // Unlocking is an audited event, so B's unlock is itself a save: A is now the stale one,
    // and its change is refused until it reloads.
    b.ok("wallet_unlock", json!({"password": PASSWORD}));
    assert_eq!(
        a.err(
            "wallet_addAccount",
            json!({"chain": "ethereum", "label": "from A"})
        ),
        (-32603, "VaultChanged".to_owned())
    );
    a.ok("wallet_unlock", json!({"password": PASSWORD}));

    let from_a = a.ok(
        "wallet_addAccount",
        json!({"chain": "ethereum", "label": "from A"}),
    );
    // B still holds the vault as it was before A's change: saving over it would drop A's
    // account, so the change is refused and B reloads (locked) from the file.
    assert_eq!(
        b.err(
            "wallet_addAccount",
            json!({"chain": "solana", "label": "from B"})
        ),
        (-32603, "VaultChanged".to_owned())
    );
    assert_eq!(b.ok("eth_accounts", json!([])), json!([]));
    let reloaded = b.ok("wallet_unlock", json!({"password": PASSWORD}));
    assert!(
        addresses(&reloaded["accounts"]).contains(&from_a["address"].as_str().unwrap().to_owned())
    );
    // Now B is current and its change goes through; A is the stale one.
    b.ok(
        "wallet_addAccount",
        json!({"chain": "solana", "label": "from B"}),
    );
    assert_eq!(
        a.err(
            "wallet_renameAccount",
            json!({"address": from_a["address"], "label": "x"})
        ),
        (-32603, "VaultChanged".to_owned())
    );
    a.finish();
    b.finish();

    let mut check = Rpc::start(&vault);
    let all = check.ok("wallet_unlock", json!({"password": PASSWORD}))["accounts"].clone();
    let labels: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["Ethereum 1", "Solana 1", "from A", "from B"]);
    check.finish();
}

#[test]
fn a_failed_save_is_reported_and_nothing_is_claimed() {
    let dir = Scratch::new("failed-save");
    let sub = dir.path("vaults");
    std::fs::create_dir(&sub).unwrap();
    let vault = sub.join("v.vault");
    let mut rpc = Rpc::start(&vault);
    rpc.ok(
        "wallet_create",
        json!({"password": PASSWORD, "kdf": floor_kdf()}),
    );
    // The directory disappears from under the running process.
    std::fs::rename(&sub, dir.path("moved")).unwrap();
    assert_eq!(
        rpc.err("wallet_addAccount", json!({"chain": "ethereum"})),
        (-32603, "StorageFailed".to_owned())
    );
    // The wallet in memory went back to what the path holds now: nothing.
    assert_eq!(
        rpc.ok("wallet_status", json!({})),
        json!({"state": "empty"})
    );
    rpc.finish();
    // The moved vault is the one from before the failed change.
    let mut check = Rpc::start(&dir.path("moved").join("v.vault"));
    let accounts = check.ok("wallet_unlock", json!({"password": PASSWORD}))["accounts"].clone();
    assert_eq!(accounts.as_array().unwrap().len(), 2);
    check.finish();
}
