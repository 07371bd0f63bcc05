//! The human subcommands, run as a user would run them. Signatures are checked against
//! published vectors (tests/vectors/), addresses against published development accounts.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

mod common;

use common::{
    path_str, run, run_ok, run_on_vault, stderr, Scratch, FLOOR_KDF_ARGS, HARDHAT_0,
    HARDHAT_MNEMONIC,
};
use serde_json::{json, Value};

const HARDHAT_0_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

const PASSWORD: &str = "cli test password";

fn vectors(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn eip191() -> Value {
    vectors(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/eip191_personal_sign.json"
    )))
}

/// A directory with a password file, for commands on one vault.
struct Setup {
    dir: Scratch,
    vault: String,
    password_file: String,
}

impl Setup {
    fn new(name: &str) -> Self {
        let dir = Scratch::new(name);
        // Only the first line is the password; the newline and the rest are not part of it.
        let password_file = dir.file("password.txt", &format!("{PASSWORD}\nnot part of it\n"));
        Self {
            vault: path_str(&dir.path("wallet.vault")).to_owned(),
            password_file: path_str(&password_file).to_owned(),
            dir,
        }
    }

    /// `custodian import --private-key-file` of `key` (extra args such as `--curve`).
    fn import_key(&self, key: &str, extra: &[&str]) -> Value {
        let key_file = self.dir.file("key.txt", &format!("{key}\n"));
        let mut args = vec![
            "--json",
            "import",
            "--vault",
            &self.vault,
            "--password-file",
            &self.password_file,
            "--private-key-file",
            path_str(&key_file),
        ];
        args.extend_from_slice(extra);
        args.extend_from_slice(&FLOOR_KDF_ARGS);
        serde_json::from_str(&run_ok(&args)).unwrap()
    }

    /// Runs `custodian ARGS... --vault V --password-file P`.
    fn with_vault(&self, args: &[&str]) -> std::process::Output {
        run_on_vault(args, &self.vault, &self.password_file)
    }

    fn with_vault_ok(&self, args: &[&str]) -> String {
        let out = self.with_vault(args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
}

#[test]
fn hardhat_mnemonic_import_gives_the_published_account() {
    let s = Setup::new("hardhat");
    let phrase = s.dir.file("phrase.txt", &format!("{HARDHAT_MNEMONIC}\n"));
    let mut args = vec![
        "import",
        "--vault",
        &s.vault,
        "--password-file",
        &s.password_file,
        "--mnemonic-file",
        path_str(&phrase),
    ];
    args.extend_from_slice(&FLOOR_KDF_ARGS);
    let text = run_ok(&args);
    assert!(text.contains(HARDHAT_0), "{text}");

    let listed: Value = serde_json::from_str(&s.with_vault_ok(&["accounts", "--json"])).unwrap();
    assert_eq!(listed[0]["address"], HARDHAT_0);
    assert_eq!(listed[0]["path"], "m/44'/60'/0'/0/0");
    assert_eq!(listed[1]["chain"], "solana");
    // --json works before the subcommand too.
    let again: Value = serde_json::from_str(&s.with_vault_ok(&["--json", "accounts"])).unwrap();
    assert_eq!(again, listed);

    // The private key of the published account #0, with --force since stdout is a pipe.
    let exported: Value = serde_json::from_str(&s.with_vault_ok(&[
        "--json",
        "export",
        "--force",
        "private-key",
        "--address",
        HARDHAT_0,
    ]))
    .unwrap();
    assert_eq!(exported["privateKey"], HARDHAT_0_KEY);
    let phrase_out = s.with_vault_ok(&["export", "mnemonic", "--force"]);
    assert_eq!(phrase_out, format!("mnemonic: {HARDHAT_MNEMONIC}\n"));

    // Hardhat account #1 is the next derived one.
    let added: Value = serde_json::from_str(&s.with_vault_ok(&[
        "--json",
        "add-account",
        "--chain",
        "ethereum",
        "--label",
        "Deployer 2",
    ]))
    .unwrap();
    assert_eq!(
        added["address"],
        "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
    );
    assert_eq!(added["label"], "Deployer 2");
    let human = s.with_vault_ok(&["accounts"]);
    assert_eq!(human.lines().count(), 3, "{human}");
    assert!(human.contains("Deployer 2"), "{human}");
}

#[test]
fn secrets_are_not_printed_to_a_pipe_without_force() {
    let s = Setup::new("no-force");
    // init: refused before anything is created.
    let mut args = vec![
        "init",
        "--vault",
        &s.vault,
        "--password-file",
        &s.password_file,
    ];
    args.extend_from_slice(&FLOOR_KDF_ARGS);
    let out = run(&args);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    assert!(!s.dir.path("wallet.vault").exists());

    // With --force: 12 words by default, 24 on request.
    args.push("--force");
    let created: Value = serde_json::from_str(&run_ok(&[&["--json"], &args[..]].concat())).unwrap();
    assert_eq!(created["mnemonic"].as_str().unwrap().split(' ').count(), 12);
    let other = path_str(&s.dir.path("other.vault")).to_owned();
    let mut args24 = vec![
        "--json",
        "init",
        "--vault",
        &other,
        "--password-file",
        &s.password_file,
    ];
    args24.extend_from_slice(&["--words", "24", "--force"]);
    args24.extend_from_slice(&FLOOR_KDF_ARGS);
    let created24: Value = serde_json::from_str(&run_ok(&args24)).unwrap();
    assert_eq!(
        created24["mnemonic"].as_str().unwrap().split(' ').count(),
        24
    );
    let out = run(&["init", "--vault", &other, "--words", "18", "--force"]);
    assert_eq!(out.status.code(), Some(2));

    // init on an existing vault: refused, and the vault is untouched.
    let before = std::fs::read(&s.vault).unwrap();
    let mut again = vec![
        "init",
        "--vault",
        &s.vault,
        "--password-file",
        &s.password_file,
    ];
    again.push("--force");
    let out = run(&again);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("(VaultExists)"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&s.vault).unwrap(), before);

    // export: refused with exit 2, before the password is even read.
    for what in [&["mnemonic"][..], &["private-key", "--address", "0x00"][..]] {
        let mut args = vec!["export"];
        args.extend_from_slice(what);
        let out = s.with_vault(&args);
        assert_eq!(out.status.code(), Some(2), "{what:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn passwords_never_come_from_argv() {
    let s = Setup::new("argv");
    // There is no such option on any command.
    for args in [
        &["accounts", "--vault", "v", "--password", "hunter2"][..],
        &["init", "--vault", "v", "--password=hunter2", "--force"][..],
        &["import", "--vault", "v", "--mnemonic", "test test"][..],
        &[
            "sign",
            "--vault",
            "v",
            "--password",
            "x",
            "message",
            "--address",
            "a",
            "--data",
            "d",
        ][..],
        &["change-password", "--vault", "v", "--new-password", "x"][..],
    ] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&out).contains("unexpected argument"),
            "{}",
            stderr(&out)
        );
        assert!(out.stdout.is_empty());
    }
    // And no help text offers one (only the -file variants).
    for cmd in all_subcommands() {
        let help = run_ok(&[&cmd[..], &["--help"]].concat());
        for line in help.lines() {
            let line = line.trim_start();
            if line.starts_with("--") && line.contains("password") {
                assert!(line.contains("-file"), "{cmd:?} offers {line}");
            }
        }
    }

    // --password-file: the first line is the password.
    s.import_key(HARDHAT_0_KEY, &[]);
    let listed = s.with_vault_ok(&["accounts"]);
    assert!(listed.contains(HARDHAT_0), "{listed}");
    // A file whose first line differs is a wrong password: exit 1 with the kind.
    let wrong = s.dir.file("wrong.txt", &format!("{PASSWORD} \n"));
    let out = run(&[
        "accounts",
        "--vault",
        &s.vault,
        "--password-file",
        path_str(&wrong),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), "error: wrong password (WrongPassword)\n");
    // A missing password file names the file.
    let out = run(&[
        "accounts",
        "--vault",
        &s.vault,
        "--password-file",
        "/nonexistent/pw",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("/nonexistent/pw"), "{}", stderr(&out));
}

#[test]
fn a_missing_vault_is_a_clear_error() {
    let s = Setup::new("missing");
    for cmd in [
        &["accounts"][..],
        &["add-account", "--chain", "ethereum"][..],
        &["sign", "message", "--address", "0x00", "--data", "hi"][..],
        &["change-password", "--new-password-file", "/dev/null"][..],
        &["export", "--force", "mnemonic"][..],
    ] {
        let out = s.with_vault(cmd);
        assert_eq!(out.status.code(), Some(1), "{cmd:?}");
        let err = stderr(&out);
        assert!(
            err.starts_with("error: there is no vault at ") && err.ends_with("(NoVault)\n"),
            "{cmd:?}: {err}"
        );
        assert!(err.contains(&s.vault), "{err}");
    }
    assert!(!s.dir.path("wallet.vault").exists(), "nothing was created");
}

fn all_subcommands() -> Vec<Vec<&'static str>> {
    [
        "",
        "init",
        "import",
        "accounts",
        "add-account",
        "sign",
        "sign message",
        "sign typed-data",
        "sign tx",
        "sign solana-tx",
        "change-password",
        "export",
        "export mnemonic",
        "export private-key",
        "export keystore",
        "rpc",
    ]
    .iter()
    .map(|c| c.split_whitespace().collect())
    .collect()
}

#[test]
fn help_works_for_every_subcommand_and_usage_errors_exit_2() {
    let mut count = 0;
    for cmd in all_subcommands() {
        let help = run_ok(&[&cmd[..], &["--help"]].concat());
        let usage = format!("Usage: custodian {}", cmd.join(" "));
        assert!(help.contains(usage.trim_end()), "{cmd:?}: {help}");
        count += 1;
    }
    assert_eq!(count, 16);
    assert!(run_ok(&["--version"]).starts_with("custodian "));
    for args in [
        &[][..],
        &["frobnicate"][..],
        &["accounts"][..],
        &["sign", "message", "--address", "a", "--data", "b"][..],
        &["import", "--vault", "v"][..],
        &[
            "import",
            "--vault",
            "v",
            "--mnemonic-file",
            "a",
            "--keystore",
            "b",
        ][..],
        &["add-account", "--vault", "v", "--chain", "bitcoin"][..],
        &[
            "sign",
            "--vault",
            "v",
            "tx",
            "--file",
            "t",
            "--chain-id",
            "mainnet",
        ][..],
    ] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn personal_sign_matches_the_published_signature() {
    let v = eip191();
    let case = &v["personal_sign"][0];
    assert_eq!(case["message_utf8"], "Hello, world!");
    let s = Setup::new("personal");
    let imported = s.import_key(case["private_key"].as_str().unwrap(), &[]);
    let address = imported["accounts"][0]["address"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(address.to_lowercase(), case["address"]);
    // As text, and as the same bytes in hex.
    for data in [
        case["message_utf8"].as_str().unwrap(),
        case["message_hex"].as_str().unwrap(),
    ] {
        let sig = s.with_vault_ok(&["sign", "message", "--address", &address, "--data", data]);
        assert_eq!(sig.trim_end(), case["signature"], "{data}");
    }
    // --vault may come before the sign subcommand, and --json prints a JSON string.
    let out = run_ok(&[
        "--json",
        "sign",
        "--vault",
        &s.vault,
        "--password-file",
        &s.password_file,
        "message",
        "--address",
        &address,
        "--data",
        "Hello, world!",
    ]);
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap(),
        case["signature"]
    );
    // Unknown account: the core's error, exit 1.
    let out = s.with_vault(&["sign", "message", "--address", HARDHAT_0, "--data", "x"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).ends_with("(UnknownAccount)\n"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn typed_data_matches_the_eip712_example() {
    let v = vectors(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/eip712_example.json"
    )));
    let case = &v["vectors"][0];
    let s = Setup::new("typed");
    s.import_key(case["private_key"].as_str().unwrap(), &[]);
    let file = s.dir.file("mail.json", &case["typed_data"].to_string());
    let sig = s.with_vault_ok(&[
        "sign",
        "typed-data",
        "--address",
        case["address"].as_str().unwrap(),
        "--file",
        path_str(&file),
    ]);
    assert_eq!(sig.trim_end(), case["signature_rsv"]);
}

#[test]
fn transactions_match_the_ethers_vectors() {
    let v = vectors(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/ethers_transactions_subset.json"
    )));
    let case = &v["cases"][0];
    let tx = &case["transaction"];
    let s = Setup::new("tx");
    s.import_key(case["privateKey"].as_str().unwrap(), &[]);
    let request = json!({
        "type": "0x2",
        "to": tx["to"],
        "nonce": tx["nonce"],
        "gasLimit": tx["gasLimit"],
        "maxFeePerGas": tx["maxFeePerGas"],
        "maxPriorityFeePerGas": tx["maxPriorityFeePerGas"],
        "value": tx["value"],
        "data": tx["data"],
        "accessList": tx["accessList"],
        "chainId": tx["chainId"],
    });
    let file = s.dir.file("tx.json", &request.to_string());
    // The wallet starts on chain 1: the core refuses another chain's transaction.
    let out = s.with_vault(&["sign", "tx", "--file", path_str(&file)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).ends_with("(InvalidTransaction)\n"),
        "{}",
        stderr(&out)
    );
    // --chain-id switches first (given in decimal here).
    let chain = u64::from_str_radix(tx["chainId"].as_str().unwrap().trim_start_matches("0x"), 16)
        .unwrap()
        .to_string();
    let raw = s.with_vault_ok(&[
        "sign",
        "tx",
        "--file",
        path_str(&file),
        "--chain-id",
        &chain,
    ]);
    assert_eq!(raw.trim_end(), case["signedLondon"]);
    // The switch was saved: the next command is on that chain without --chain-id.
    let raw = s.with_vault_ok(&["sign", "tx", "--file", path_str(&file)]);
    assert_eq!(raw.trim_end(), case["signedLondon"]);
    // Not JSON: a clear error naming the file.
    let bad = s.dir.file("bad.json", "{nope");
    let out = s.with_vault(&["sign", "tx", "--file", path_str(&bad)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("bad.json is not a JSON object"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn solana_transaction_matches_the_web3js_vector() {
    let v = vectors(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/solana_vectors.json"
    )));
    let case = &v["transactions"][0];
    let s = Setup::new("solana");
    let imported = s.import_key(
        case["fee_payer_seed_hex"].as_str().unwrap(),
        &["--curve", "ed25519"],
    );
    assert_eq!(imported["accounts"][0]["address"], case["fee_payer_base58"]);
    let signed = s.with_vault_ok(&[
        "sign",
        "solana-tx",
        "--address",
        case["fee_payer_base58"].as_str().unwrap(),
        "--base64",
        case["unsigned_wire_base64"].as_str().unwrap(),
    ]);
    assert_eq!(signed.trim_end(), case["signed_wire_base64"]);
    // A key-imported wallet has no phrase to derive more accounts from.
    let out = s.with_vault(&["add-account", "--chain", "solana"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).ends_with("(NoMnemonic)\n"), "{}", stderr(&out));
}

#[test]
fn keystore_import_and_export_round_trip() {
    let v = vectors(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/eth_keystore_v3.json"
    )));
    let case = &v["ethereum_org"][0];
    let s = Setup::new("keystore");
    let keystore = s.dir.file("in.json", &case["json"].to_string());
    let ks_password = s.dir.file("ks.txt", case["password"].as_str().unwrap());
    let mut args = vec![
        "--json",
        "import",
        "--vault",
        &s.vault,
        "--password-file",
        &s.password_file,
        "--keystore",
        path_str(&keystore),
        "--keystore-password-file",
        path_str(&ks_password),
    ];
    args.extend_from_slice(&FLOOR_KDF_ARGS);
    let imported: Value = serde_json::from_str(&run_ok(&args)).unwrap();
    let address = imported["accounts"][0]["address"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        address.to_lowercase(),
        format!("0x{}", case["address"].as_str().unwrap())
    );

    // Export to a new file, never over an existing one.
    let out_file = s.dir.path("out.json");
    let out_path = path_str(&out_file).to_owned();
    s.with_vault_ok(&[
        "export",
        "keystore",
        "--address",
        &address,
        "--out",
        &out_path,
    ]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let out = s.with_vault(&[
        "export",
        "keystore",
        "--address",
        &address,
        "--out",
        &out_path,
    ]);
    assert_eq!(out.status.code(), Some(2), "refuses to overwrite");

    // A keystore v3 file for this account. (Decrypting it again costs another 128 MiB scrypt
    // run; the core's keystore tests do that round trip.)
    let written: Value =
        serde_json::from_str(&std::fs::read_to_string(&out_file).unwrap()).unwrap();
    assert_eq!(written["version"], 3);
    assert_eq!(written["crypto"]["kdf"], "scrypt");
    assert_eq!(
        written["address"].as_str().unwrap(),
        address.trim_start_matches("0x").to_lowercase()
    );
}

#[test]
fn change_password_replaces_the_old_one() {
    let s = Setup::new("rekey");
    s.import_key(HARDHAT_0_KEY, &[]);
    let new_file = s.dir.file("new.txt", "the new password\n");
    let mut args = vec![
        "change-password",
        "--new-password-file",
        path_str(&new_file),
    ];
    args.extend_from_slice(&["--kdf-memory-kib", "20480", "--kdf-iterations", "2"]);
    let text = s.with_vault_ok(&args);
    assert!(text.starts_with("Password changed"), "{text}");
    let out = s.with_vault(&["accounts"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the old password no longer opens it"
    );
    let listed = run_ok(&[
        "accounts",
        "--vault",
        &s.vault,
        "--password-file",
        path_str(&new_file),
    ]);
    assert!(listed.contains(HARDHAT_0), "{listed}");
    // The new cost is in the header, readable without the password.
    let info = custodian_core::vault::peek(&std::fs::read(&s.vault).unwrap()).unwrap();
    assert_eq!(info.kdf.memory_kib, 20480);
    // A wrong current password changes nothing.
    let out = s.with_vault(&[
        "change-password",
        "--new-password-file",
        path_str(&new_file),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).ends_with("(WrongPassword)\n"));
}
