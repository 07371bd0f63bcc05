//! The audit log at its real bound (docs/audit-log.md §"The stored log and its bound"):
//! 2,000 entries, then the oldest 500 fold into a checkpoint; the export still verifies.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use custodian_core::audit::{verify, AuditLog, FOLD, MAX_ENTRIES};
use custodian_core::secret::SecretBytes;
use serde_json::{json, Value};

#[wasm_bindgen_test::wasm_bindgen_test(unsupported = test)]
fn the_log_is_bounded_and_stays_verifiable() {
    let mut log = AuditLog::new(&SecretBytes::from_array(&mut [5u8; 32]));
    let details = json!({
        "method": "eth_signTransaction",
        "account": "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
        "chain": "eip155:1",
        "summary": "send 500000000000000000 wei to 0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
        "requestHash": "5c1e".repeat(16),
    });
    for i in 0..MAX_ENTRIES as u64 {
        log.append(1_000 + i, "sign.allowed", details.clone())
            .unwrap();
    }
    assert_eq!(log.entry_count(), MAX_ENTRIES);
    assert!(log.lines().starts_with("{\"details\""));
    // One more entry folds the oldest FOLD into a checkpoint.
    log.append(9_999, "vault.locked", json!({})).unwrap();
    assert_eq!(log.entry_count(), MAX_ENTRIES + 1 - FOLD);
    assert!(log.to_slot().len() < 1_300_000, "{}", log.to_slot().len());
    let export = log.export(99).unwrap();
    assert_eq!(
        verify(&export.jsonl, &log.public_key()),
        Ok(MAX_ENTRIES + 1 - FOLD + 1)
    );
    let checkpoint: Value = serde_json::from_str(export.jsonl.lines().nth(1).unwrap()).unwrap();
    assert_eq!(checkpoint["checkpoint"]["entries"], FOLD);
    assert_eq!(checkpoint["checkpoint"]["events"]["sign.allowed"], FOLD);
    assert_eq!(checkpoint["seq"], FOLD - 1);
    assert_eq!((MAX_ENTRIES, FOLD), (2_000, 500));
}
