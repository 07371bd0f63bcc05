//! Setup shared by the protocol-level integration tests (`mod common;` in each file): the
//! published development accounts they import, and one request through `Wallet::handle_json`.
//!
//! Each test file uses only part of this module.
#![allow(dead_code)]

use custodian_core::api::{Env, Wallet};
use serde_json::{json, Value};

/// Hardhat's and Anvil's documented development mnemonic; accounts #0 and #1 are published in
/// their docs (hardhat.org "Hardhat Network" reference, `npx hardhat node` output).
pub const HARDHAT_MNEMONIC: &str = "test test test test test test test test test test test junk";
/// Hardhat account #0 (m/44'/60'/0'/0/0 of [`HARDHAT_MNEMONIC`]).
pub const HARDHAT_0: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
/// Hardhat account #1 (m/44'/60'/0'/0/1 of [`HARDHAT_MNEMONIC`]).
pub const HARDHAT_1: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

/// The cheapest Argon2id cost the vault accepts (m = 19 MiB, t = 2), to keep the suites fast.
pub fn floor_kdf() -> Value {
    json!({"memoryKib": 19456, "iterations": 2, "parallelism": 1})
}

/// Sends one JSON-RPC request (id 1) to `wallet` at `now_ms` from `origin` (`None`: the
/// wallet's own UI), with the OS random source; `Ok(result)` or `Err(error object)`.
pub fn call(
    wallet: &mut Wallet,
    now_ms: u64,
    origin: Option<&str>,
    method: &str,
    params: Value,
) -> Result<Value, Value> {
    let req = json!({"id": 1, "method": method, "params": params}).to_string();
    let mut rng = rand_core::OsRng;
    let mut env = Env {
        rng: &mut rng,
        now_ms,
        origin,
    };
    let text = wallet.handle_json(&req, &mut env);
    let resp: Value = serde_json::from_str(&text).unwrap();
    match (resp.get("result"), resp.get("error")) {
        (Some(r), None) => Ok(r.clone()),
        (None, Some(e)) => Err(e.clone()),
        _ => panic!("response must hold exactly one of result and error: {text}"),
    }
}
