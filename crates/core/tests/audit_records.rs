//! The audit log stored as sealed records outside the keyring (docs/audit-log.md §Storage).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

mod common;

use common::{call, floor_kdf, HARDHAT_0, HARDHAT_MNEMONIC};
use custodian_core::api::Wallet;
use serde_json::json;

const FIXTURE_PASSWORD: &str = "audit fixture password";

/// Writes `fixtures/vault-v1-audit-cal1.bin` and the export of its log next to it. Run once,
/// by hand, with the code that still kept the log inline (slot `CAL1`); never again.
#[test]
#[ignore = "writes tests/fixtures/vault-v1-audit-cal1.*; run once when creating the fixture"]
fn write_cal1_fixture() {
    let mut w = Wallet::new();
    let t = 1_764_000_000_000u64;
    call(
        &mut w,
        t,
        None,
        "wallet_import",
        json!({"password": FIXTURE_PASSWORD, "mnemonic": HARDHAT_MNEMONIC, "kdf": floor_kdf()}),
    )
    .unwrap();
    call(
        &mut w,
        t + 1_000,
        None,
        "wallet_addAccount",
        json!({"chain": "ethereum", "label": "Second"}),
    )
    .unwrap();
    call(
        &mut w,
        t + 2_000,
        None,
        "personal_sign",
        json!(["0x68656c6c6f", HARDHAT_0]),
    )
    .unwrap();
    call(
        &mut w,
        t + 3_000,
        None,
        "personal_sign",
        json!(["0x776f726c64", HARDHAT_0]),
    )
    .unwrap();
    call(
        &mut w,
        t + 4_000,
        None,
        "wallet_setPolicy",
        json!({"policy": {"version": 1, "approvers": [], "quorum": 0, "rules": {"allowedChains": ["eip155:1"]}}}),
    )
    .unwrap();
    call(
        &mut w,
        t + 5_000,
        None,
        "personal_sign",
        json!(["0x6175646974", HARDHAT_0]),
    )
    .unwrap_err();
    let export = call(&mut w, t + 6_000, None, "wallet_auditExport", json!({})).unwrap();
    let sealed = w.take_save().unwrap();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/");
    std::fs::write(format!("{dir}vault-v1-audit-cal1.bin"), &sealed.bytes).unwrap();
    std::fs::write(
        format!("{dir}vault-v1-audit-cal1.jsonl"),
        export["jsonl"].as_str().unwrap(),
    )
    .unwrap();
    println!(
        "publicKey {} entries {} generation {}",
        export["publicKey"], export["entries"], sealed.generation
    );
}
