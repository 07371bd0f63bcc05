//! The audit log at its real bound (docs/audit-log.md §"The stored log and its bound"):
//! 2,000 entries, then the oldest 500 fold into a checkpoint; the export still verifies. And
//! what an append costs does not depend on the length: one record, a slot of the same size.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use custodian_core::audit::{verify, AuditLog, LogStatus, FOLD, MAX_ENTRIES};
use custodian_core::secret::SecretBytes;
use serde_json::{json, Value};

#[wasm_bindgen_test::wasm_bindgen_test(unsupported = test)]
fn the_log_is_bounded_and_stays_verifiable() {
    let mut log = AuditLog::new(
        &SecretBytes::from_array(&mut [5u8; 32]),
        SecretBytes::from_array(&mut [6u8; 32]),
    );
    let mut records = Vec::new();
    let mut slot_sizes = Vec::new();
    let mut record_sizes = std::collections::BTreeSet::new();
    let details = json!({
        "method": "eth_signTransaction",
        "account": "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
        "chain": "eip155:1",
        "summary": "send 500000000000000000 wei to 0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
        "requestHash": "5c1e".repeat(16),
    });
    for i in 0..MAX_ENTRIES as u64 {
        let mut nonce = [0u8; 24];
        nonce[..8].copy_from_slice(&i.to_be_bytes());
        let appended = log
            .append(1_000 + i, "sign.allowed", details.clone(), &nonce)
            .unwrap();
        assert_eq!(appended.record.seq, i);
        assert_eq!(appended.prune_below, None);
        record_sizes.insert(appended.record.bytes.len());
        records.push(appended.record);
        if i == 9 || i == MAX_ENTRIES as u64 - 1 {
            slot_sizes.push(log.to_slot().len());
        }
    }
    // The slot the keyring holds (and reseals on every append) is the same size with 10
    // entries and with 2,000, and each append made exactly one record of about one size: the
    // work per append does not grow with the log.
    assert_eq!(slot_sizes.len(), 2);
    assert_eq!(slot_sizes[0], slot_sizes[1]);
    assert!(slot_sizes[0] < 200, "{slot_sizes:?}");
    assert_eq!(records.len(), MAX_ENTRIES);
    // Records differ only by the digits of `seq` and `time`.
    let (smallest, largest) = (record_sizes.first().unwrap(), record_sizes.last().unwrap());
    assert!(largest - smallest <= 8, "{record_sizes:?}");
    // The full log reads back from its slot and records.
    let opened = AuditLog::open(log.to_slot().expose_secret(), &records).unwrap();
    assert_eq!(opened.status, LogStatus::Intact);
    assert_eq!(opened.log.stored_lines(), log.stored_lines());
    assert_eq!(log.entry_count(), MAX_ENTRIES);
    assert!(log.stored_lines().starts_with("{\"details\""));
    // One more entry folds the oldest FOLD into a checkpoint.
    let appended = log
        .append(9_999, "vault.locked", json!({}), &[0xee; 24])
        .unwrap();
    assert_eq!(appended.prune_below, Some(FOLD as u64));
    records.push(appended.record);
    assert_eq!(log.entry_count(), MAX_ENTRIES + 1 - FOLD);
    // The slot now holds the checkpoint line, still small.
    assert!(log.to_slot().len() < 1_000, "{}", log.to_slot().len());
    // After pruning, the rest of the records and the slot are the whole log.
    records.retain(|r| r.seq >= FOLD as u64);
    let opened = AuditLog::open(log.to_slot().expose_secret(), &records).unwrap();
    assert_eq!(opened.status, LogStatus::Intact);
    assert_eq!(opened.log.stored_lines(), log.stored_lines());
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
