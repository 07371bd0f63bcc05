//! The protocol request JSON (docs/protocol.md) through `Wallet::handle_json`, the entry point
//! every host calls with whatever a dapp sent, on an unlocked wallet.
//!
//! The wallet is created once per process (Argon2id at the floor) and reused. Requests that
//! change it (a save or a provider event: new accounts, labels, settings, chain) accumulate
//! until the 16th, then the wallet is rebuilt: rebuilding costs one Argon2id (~40 ms of CPU in
//! this instrumented build) and doing it after every change made the target 100x slower. So
//! the state an input meets differs from the fresh one by at most 15 earlier changes; a crash
//! that does not reproduce from its input alone needs the inputs before it (run the target
//! over the corpus directory).
//! Requests that would run Argon2id before doing anything else are decoded (their params are
//! the parser under test) but not executed: `wallet_unlock`, `wallet_changePassword`,
//! `wallet_export` (each checks the password first: ~20 ms per exec). `wallet_lock` is skipped
//! too: it only drops state, and re-unlocking costs the same KDF.
#![no_main]

use std::sync::Mutex;

use custodian_core::api::{Request, RpcRequest, Wallet};
use custodian_fuzz::{call, unlocked_wallet, ETH_KEY_HEX, MNEMONIC};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// The wallet and the number of state changes since it was built.
static WALLET: Mutex<Option<(Wallet, u32)>> = Mutex::new(None);
const CHANGES_BEFORE_REBUILD: u32 = 16;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(req) = RpcRequest::from_json(text) {
        if matches!(
            Request::decode(req),
            Ok(Request::Unlock(_)
                | Request::ChangePassword(_)
                | Request::Export(_)
                | Request::Lock)
        ) {
            return;
        }
    }
    let mut guard = WALLET.lock().unwrap_or_else(|e| e.into_inner());
    let (wallet, changes) = guard.get_or_insert_with(|| (unlocked_wallet(), 0));
    let response = call(wallet, text);

    // Always one JSON-RPC 2.0 object with exactly one of result and error.
    let parsed: Value = serde_json::from_str(&response).expect("response is JSON");
    assert_eq!(parsed["jsonrpc"], "2.0");
    assert!(
        parsed.get("result").is_some() != parsed.get("error").is_some(),
        "exactly one of result and error: {response}"
    );
    if let Some(error) = parsed.get("error") {
        assert!(error["code"].is_i64(), "numeric error code: {response}");
        assert!(error["message"].is_string(), "error message: {response}");
    }
    // Export is not executed, so no response may carry the wallet's secrets, unless the
    // request itself contained them (an error may quote a field name, never a value).
    for secret in [MNEMONIC, ETH_KEY_HEX] {
        if !text.contains(secret) {
            assert!(
                !response.contains(secret),
                "secret in a response: {response}"
            );
        }
    }

    if wallet.take_save().is_some() | !wallet.take_events().is_empty() {
        *changes += 1;
        if *changes >= CHANGES_BEFORE_REBUILD {
            *guard = None;
        }
    }
});
