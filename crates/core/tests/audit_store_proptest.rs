//! Random edits of a log's stored records (docs/audit-log.md §Unlock, §Damage): reading them
//! back never fails, and whenever it reports the log intact, the log is exactly the original.
//! The fuzz target `audit_log` (mode 4) explores the same property with coverage guidance.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]
#![cfg(not(target_arch = "wasm32"))]

use custodian_core::audit::{AuditLog, AuditRecord, LogStatus};
use custodian_core::secret::SecretBytes;
use proptest::prelude::*;
use serde_json::json;

/// Six entries as stored: the slot, the lines, the records.
fn stored() -> (Vec<u8>, String, Vec<AuditRecord>) {
    let mut log = AuditLog::new(
        &SecretBytes::from_array(&mut [1; 32]),
        SecretBytes::from_array(&mut [2; 32]),
    );
    let records = (0..6u64)
        .map(|i| {
            log.append(1_000 + i, "sign.allowed", json!({ "i": i }), &[i as u8; 24])
                .unwrap()
                .record
        })
        .collect();
    (
        log.to_slot().expose_secret().to_vec(),
        log.stored_lines(),
        records,
    )
}

#[derive(Debug, Clone)]
enum Edit {
    Delete(usize),
    Duplicate(usize),
    Move(usize, u64),
    Flip(usize, usize, u8),
    Junk(u64, Vec<u8>),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        any::<usize>().prop_map(Edit::Delete),
        any::<usize>().prop_map(Edit::Duplicate),
        (any::<usize>(), 0..9u64).prop_map(|(a, s)| Edit::Move(a, s)),
        (any::<usize>(), any::<usize>(), 1..=255u8).prop_map(|(a, at, x)| Edit::Flip(a, at, x)),
        (0..9u64, proptest::collection::vec(any::<u8>(), 0..120))
            .prop_map(|(s, b)| Edit::Junk(s, b)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn an_altered_store_is_never_read_as_intact(edits in proptest::collection::vec(edit(), 1..6)) {
        let (slot, lines, mut records) = stored();
        let original = records.clone();
        for e in edits {
            let n = records.len();
            match e {
                Edit::Delete(a) if n > 0 => { records.remove(a % n); }
                Edit::Duplicate(a) if n > 0 => { let r = records[a % n].clone(); records.push(r); }
                Edit::Move(a, seq) if n > 0 => records[a % n].seq = seq,
                Edit::Flip(a, at, x) if n > 0 => {
                    let r = &mut records[a % n];
                    let len = r.bytes.len();
                    if len > 0 {
                        r.bytes[at % len] ^= x;
                    }
                }
                Edit::Junk(seq, bytes) => records.push(AuditRecord { seq, bytes }),
                _ => {}
            }
        }
        let opened = AuditLog::open(&slot, &records).unwrap();
        // Same records (perhaps reordered or duplicated): intact, and the same log.
        let mut sorted: Vec<(u64, Vec<u8>)> = records.iter().map(|r| (r.seq, r.bytes.clone())).collect();
        sorted.sort();
        sorted.dedup();
        let unchanged = sorted == original.iter().map(|r| (r.seq, r.bytes.clone())).collect::<Vec<_>>();
        if unchanged {
            prop_assert_eq!(opened.status, LogStatus::Intact);
        }
        if opened.status == LogStatus::Intact {
            prop_assert_eq!(opened.log.stored_lines(), lines.clone());
            prop_assert_eq!(opened.log.next_seq(), 6);
        } else {
            prop_assert!(!unchanged);
        }
    }
}
