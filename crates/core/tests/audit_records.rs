//! The audit log stored as sealed records outside the keyring (docs/audit-log.md §Storage,
//! §Unlock, §Damage): what unlock finds for every way storage can lose or alter records, that
//! unlock never fails because of them, that the export then fails at the gap, and the
//! migration of a vault whose log was still inline (`fixtures/vault-v1-audit-cal1.bin`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

mod common;

use common::{call, floor_kdf, Stored, HARDHAT_0, HARDHAT_MNEMONIC};
use custodian_core::api::Wallet;
use custodian_core::audit::{verify, AuditError, AuditFailure, AuditRecord};
use serde_json::{json, Value};
use wasm_bindgen_test::wasm_bindgen_test;

const NOW: u64 = 1_764_000_000_000;

struct Host {
    wallet: Wallet,
    stored: Stored,
    /// Records each save carried, in order.
    saves: Vec<Vec<u64>>,
}

impl Host {
    fn new() -> Self {
        Self::over(Wallet::new(), Stored::default())
    }

    fn over(wallet: Wallet, stored: Stored) -> Self {
        Self {
            wallet,
            stored,
            saves: Vec::new(),
        }
    }

    /// A host starting over `stored` (with whatever it holds).
    fn reopen(stored: &Stored) -> Self {
        Self::over(stored.open(), stored.clone())
    }

    fn call(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        let result = call(&mut self.wallet, NOW, None, method, params);
        if let Some(save) = self.wallet.take_save() {
            self.saves
                .push(save.audit_records.iter().map(|r| r.seq).collect());
            self.stored.persist(save);
        }
        result
    }

    fn ok(&mut self, method: &str, params: Value) -> Value {
        self.call(method, params)
            .unwrap_or_else(|e| panic!("{method} failed: {e}"))
    }

    fn sign(&mut self, i: u64) {
        self.ok(
            "personal_sign",
            json!([format!("0x{:02x}", i % 256), HARDHAT_0]),
        );
    }

    /// The exported log and what `verify` says of it.
    fn export(&mut self) -> (String, Result<usize, AuditError>) {
        let e = self.ok("wallet_auditExport", json!({}));
        let key: [u8; 32] = hex::decode(e["publicKey"].as_str().unwrap())
            .unwrap()
            .try_into()
            .unwrap();
        let jsonl = e["jsonl"].as_str().unwrap().to_owned();
        let checked = verify(&jsonl, &key);
        (jsonl, checked)
    }
}

/// A vault with entries 0 (`vault.created`), 1..=6 (signatures) and 7 (`vault.locked`),
/// locked: the committed head is entry 7.
fn locked_vault() -> Stored {
    let mut h = Host::new();
    h.ok(
        "wallet_import",
        json!({"password": "pw", "mnemonic": HARDHAT_MNEMONIC, "kdf": floor_kdf()}),
    );
    for i in 1..=6 {
        h.sign(i);
    }
    h.ok("wallet_lock", json!({}));
    assert_eq!(
        h.stored.records.keys().copied().collect::<Vec<_>>(),
        (0..8).collect::<Vec<_>>()
    );
    h.stored
}

/// Unlocks `stored`; the `auditLog` member of the result, the export and its verification.
fn unlock(stored: &Stored) -> (Host, Value, String, Result<usize, AuditError>) {
    let mut h = Host::reopen(stored);
    let r = h.ok("wallet_unlock", json!({"password": "pw"}));
    assert_eq!(
        r["accounts"].as_array().unwrap().len(),
        2,
        "unlock gives the keys"
    );
    let (jsonl, checked) = h.export();
    (h, r["auditLog"].clone(), jsonl, checked)
}

fn damaged(reason: &str, first_bad_seq: u64) -> Value {
    json!({"status": "damaged", "reason": reason, "firstBadSeq": first_bad_seq})
}

/// The status without its human message, which the test does not pin.
fn status(v: &Value) -> Value {
    let mut v = v.clone();
    v.as_object_mut().unwrap().remove("message");
    v
}

fn event_at(jsonl: &str, line: usize) -> Value {
    serde_json::from_str(jsonl.lines().nth(line - 1).unwrap()).unwrap()
}

#[wasm_bindgen_test(unsupported = test)]
fn an_untouched_log_unlocks_intact_and_verifies() {
    let stored = locked_vault();
    let (mut h, audit, jsonl, checked) = unlock(&stored);
    assert_eq!(audit, json!({"status": "intact"}));
    // 8 stored entries and the new `vault.unlocked`.
    assert_eq!(checked, Ok(9));
    assert_eq!(event_at(&jsonl, 10)["event"], "vault.unlocked");
    // The unlock's save carries exactly its one new record.
    assert_eq!(h.saves, vec![vec![8]]);
    h.sign(99);
    assert_eq!(h.saves.last().unwrap(), &vec![9]);
}

#[wasm_bindgen_test(unsupported = test)]
fn every_kind_of_damage_is_reported_logged_and_fails_the_export_at_the_gap() {
    let stored = locked_vault();
    let other = locked_vault();
    type Tamper = fn(&mut Stored, &Stored);
    // (what, tamper, status, expected export failure)
    let cases: Vec<(&str, Tamper, Value, AuditError)> = vec![
        (
            "a bit flipped in the ciphertext",
            |s, _| *s.records.get_mut(&3).unwrap().last_mut().unwrap() ^= 1,
            damaged("unreadable", 3),
            AuditError {
                line: 5,
                reason: AuditFailure::UnexpectedSeq {
                    expected: 3,
                    found: 4,
                },
            },
        ),
        (
            "the seq in a record's header changed",
            |s, _| s.records.get_mut(&3).unwrap()[17] ^= 0x07,
            damaged("unreadable", 3),
            AuditError {
                line: 5,
                reason: AuditFailure::UnexpectedSeq {
                    expected: 3,
                    found: 4,
                },
            },
        ),
        (
            "two records swapped",
            |s, _| {
                let three = s.records.remove(&3).unwrap();
                let four = s.records.insert(4, three).unwrap();
                s.records.insert(3, four);
            },
            damaged("misplaced", 3),
            AuditError {
                line: 5,
                reason: AuditFailure::UnexpectedSeq {
                    expected: 3,
                    found: 5,
                },
            },
        ),
        (
            "a record in the middle deleted",
            |s, _| {
                s.records.remove(&3);
            },
            damaged("missing", 3),
            AuditError {
                line: 5,
                reason: AuditFailure::UnexpectedSeq {
                    expected: 3,
                    found: 4,
                },
            },
        ),
        (
            "the newest records deleted (the log cut below the committed head)",
            |s, _| {
                s.records.remove(&6);
                s.records.remove(&7);
            },
            damaged("missing", 6),
            // Entries 0..=5 on lines 2..=7, then the `audit.damaged` entry 8.
            AuditError {
                line: 8,
                reason: AuditFailure::UnexpectedSeq {
                    expected: 6,
                    found: 8,
                },
            },
        ),
        (
            "a forged record in place of a real one",
            |s, _| {
                let r = s.records.get_mut(&2).unwrap();
                let len = r.len();
                r[42..len].fill(0x5a);
            },
            damaged("unreadable", 2),
            AuditError {
                line: 4,
                reason: AuditFailure::UnexpectedSeq {
                    expected: 2,
                    found: 3,
                },
            },
        ),
        (
            "another vault's records",
            |s, other| s.records.clone_from(&other.records),
            damaged("unreadable", 0),
            AuditError {
                line: 2,
                reason: AuditFailure::BadStart,
            },
        ),
        (
            "a restored backup: the vault without its records",
            |s, _| s.records.clear(),
            damaged("missing", 0),
            AuditError {
                line: 2,
                reason: AuditFailure::BadStart,
            },
        ),
    ];
    let count = cases.len();
    for (what, tamper, want, fails_at) in cases {
        let mut s = stored.clone();
        tamper(&mut s, &other);
        let (mut h, audit, jsonl, checked) = unlock(&s);
        assert_eq!(status(&audit), want, "{what}");
        assert!(audit["message"].as_str().unwrap().len() > 10, "{what}");
        assert_eq!(checked, Err(fails_at), "{what}");
        // The damage is in the log itself, chained from the committed head (entry 7), then
        // the unlock.
        let n = jsonl.lines().count();
        let logged = event_at(&jsonl, n - 1);
        assert_eq!(logged["event"], "audit.damaged", "{what}");
        assert_eq!(logged["seq"], 8, "{what}");
        assert_eq!(logged["details"]["reason"], want["reason"], "{what}");
        assert_eq!(
            logged["details"]["firstBadSeq"], want["firstBadSeq"],
            "{what}"
        );
        assert_eq!(event_at(&jsonl, n)["event"], "vault.unlocked", "{what}");
        // The wallet works on: it signs and logs.
        h.sign(1);
        // And the damage stays visible: the next unlock finds the same gap.
        h.ok("wallet_lock", json!({}));
        let (_, again, _, checked_again) = unlock(&h.stored);
        assert_eq!(status(&again), want, "{what}, unlocked again");
        assert!(checked_again.is_err(), "{what}, unlocked again");
    }
    assert_eq!(count, 8);
}

#[wasm_bindgen_test(unsupported = test)]
fn junk_beyond_the_head_is_reported_but_the_chain_stays_whole() {
    let mut s = locked_vault();
    let mut forged = s.records[&7].clone();
    forged[10..18].copy_from_slice(&8u64.to_be_bytes());
    s.records.insert(8, forged);
    let (_, audit, jsonl, checked) = unlock(&s);
    assert_eq!(status(&audit), damaged("unreadable", 8));
    // Nothing committed is lost: the export verifies, and says what was found.
    assert_eq!(checked, Ok(10));
    assert_eq!(event_at(&jsonl, 10)["event"], "audit.damaged");
}

#[wasm_bindgen_test(unsupported = test)]
fn the_same_record_stored_twice_is_harmless() {
    let s = locked_vault();
    let mut records = s.records();
    records.extend(s.records());
    records.reverse();
    let mut h = Host::over(
        Wallet::from_sealed_with_audit(s.vault.clone().unwrap(), records).unwrap(),
        s.clone(),
    );
    let r = h.ok("wallet_unlock", json!({"password": "pw"}));
    assert_eq!(r["auditLog"], json!({"status": "intact"}));
    assert_eq!(h.export().1, Ok(9));
}

/// Records written before a crash kept the vault from being saved extend the committed head;
/// a record of another history for a seq that has one is damage.
#[wasm_bindgen_test(unsupported = test)]
fn records_beyond_the_head_are_accepted_and_conflicting_ones_are_not() {
    let before = locked_vault();
    // The host wrote the unlock's record (entry 8) and the signature's (entry 9), then
    // crashed before writing the vault.
    let mut h = Host::reopen(&before);
    h.ok("wallet_unlock", json!({"password": "pw"}));
    h.sign(42);
    let mut crashed = before.clone();
    for (seq, bytes) in &h.stored.records {
        crashed.records.insert(*seq, bytes.clone());
    }
    let (_, audit, jsonl, checked) = unlock(&crashed);
    assert_eq!(audit, json!({"status": "intact"}));
    // 0..=7 committed, 8 and 9 accepted, then this unlock's entry 10.
    assert_eq!(checked, Ok(11));
    assert_eq!(event_at(&jsonl, 11)["details"]["method"], "personal_sign");
    assert_eq!(event_at(&jsonl, 12)["seq"], 10);

    // Another history from the same vault (unlocked again from `before`, after a wrong
    // password): its entry 8 differs.
    let mut fork = Host::reopen(&before);
    fork.call("wallet_unlock", json!({"password": "wrong"}))
        .unwrap_err();
    fork.ok("wallet_unlock", json!({"password": "pw"}));
    let fork_8 = fork.stored.records[&8].clone();
    assert_ne!(fork_8, h.stored.records[&8]);
    let mut records = crashed.records();
    records.push(AuditRecord {
        seq: 8,
        bytes: fork_8,
    });
    let mut both = Host::over(
        Wallet::from_sealed_with_audit(before.vault.clone().unwrap(), records).unwrap(),
        before.clone(),
    );
    let r = both.ok("wallet_unlock", json!({"password": "pw"}));
    assert_eq!(status(&r["auditLog"]), damaged("conflicting", 8));

    // A record further beyond the head, with a gap before it (left from an abandoned
    // history), is ignored: the next appends take its seq.
    let mut stale = before.clone();
    stale.records.insert(9, h.stored.records[&9].clone());
    let (_, audit, _, checked) = unlock(&stale);
    assert_eq!(audit, json!({"status": "intact"}));
    assert_eq!(checked, Ok(9));
}

#[wasm_bindgen_test(unsupported = test)]
fn a_password_change_keeps_the_records_readable() {
    let stored = locked_vault();
    let mut h = Host::reopen(&stored);
    h.ok("wallet_unlock", json!({"password": "pw"}));
    h.ok(
        "wallet_changePassword",
        json!({"oldPassword": "pw", "newPassword": "new pw"}),
    );
    h.ok("wallet_lock", json!({}));
    let mut again = Host::reopen(&h.stored);
    let r = again.ok("wallet_unlock", json!({"password": "new pw"}));
    assert_eq!(r["auditLog"], json!({"status": "intact"}));
    let (jsonl, checked) = again.export();
    // 0..=7, unlock, password.changed, lock, unlock.
    assert_eq!(checked, Ok(12));
    assert_eq!(event_at(&jsonl, 11)["event"], "password.changed");
}

/// The log at its bound through the protocol: every signature's save carries exactly one
/// record and a vault of the same size, with 10 entries and with 2,000; the fold's save says
/// what to prune, and the pruned storage unlocks intact. Native only: 2,000 signatures.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn the_work_per_signature_does_not_grow_with_the_log() {
    use custodian_core::audit::{FOLD, MAX_ENTRIES};
    let mut h = Host::new();
    h.ok(
        "wallet_import",
        json!({"password": "pw", "mnemonic": HARDHAT_MNEMONIC, "kdf": floor_kdf()}),
    );
    let mut vault_sizes = Vec::new();
    // Entry 0 is `vault.created`; signature i is entry i.
    for i in 1..MAX_ENTRIES as u64 {
        let save_before = h.saves.len();
        h.call(
            "personal_sign",
            json!([format!("0x{:02x}", i % 256), HARDHAT_0]),
        )
        .unwrap();
        assert_eq!(h.saves.len(), save_before + 1);
        assert_eq!(
            h.saves.last().unwrap(),
            &vec![i],
            "one record per signature"
        );
        if i == 9 || i == MAX_ENTRIES as u64 - 1 {
            vault_sizes.push(h.stored.vault.as_ref().unwrap().len());
        }
    }
    assert_eq!(vault_sizes.len(), 2);
    assert!(
        vault_sizes[0].abs_diff(vault_sizes[1]) <= 16,
        "the vault grows with the log: {vault_sizes:?}"
    );
    assert!(vault_sizes[1] < 8_000, "{vault_sizes:?}");
    // Entry 2,000 is the 2,001st: the oldest FOLD are folded and may be pruned.
    let mut w = h.wallet;
    let out = call(
        &mut w,
        NOW,
        None,
        "personal_sign",
        json!(["0x01", HARDHAT_0]),
    );
    out.unwrap();
    let save = w.take_save().unwrap();
    assert_eq!(save.prune_below, Some(FOLD as u64));
    assert_eq!(save.audit_records.len(), 1);
    h.stored.persist(save);
    assert_eq!(h.stored.records.len(), MAX_ENTRIES + 1 - FOLD);
    assert_eq!(*h.stored.records.keys().next().unwrap(), FOLD as u64);
    let mut h = Host::over(w, h.stored);
    h.ok("wallet_lock", json!({}));
    let (_, audit, jsonl, checked) = unlock(&h.stored);
    assert_eq!(audit, json!({"status": "intact"}));
    // The checkpoint, entries 500..=2001 (the lock) and 2002 (the unlock).
    assert_eq!(checked, Ok(1 + MAX_ENTRIES + 3 - FOLD));
    assert_eq!(event_at(&jsonl, 2)["checkpoint"]["entries"], FOLD);
}

const FIXTURE_PASSWORD: &str = "audit fixture password";
const FIXTURE: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/vault-v1-audit-cal1.bin"
));
const FIXTURE_LOG: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/vault-v1-audit-cal1.jsonl"
));
const FIXTURE_KEY: &str = "5e987a627c6ca7a574831d6705138ee0e4947fb9144a9bfef9b6cdca878397f0";

/// A vault written before the log moved out of the keyring: the first unlock turns every line
/// into a record; the log keeps every entry and verifies; the migrated storage unlocks intact.
#[wasm_bindgen_test(unsupported = test)]
fn a_vault_with_the_log_inline_is_migrated_on_first_unlock() {
    let mut h = Host::over(
        Wallet::from_sealed(FIXTURE.to_vec()).unwrap(),
        Stored::default(),
    );
    let r = h.ok("wallet_unlock", json!({"password": FIXTURE_PASSWORD}));
    assert_eq!(r["auditLog"], json!({"status": "intact", "migrated": true}));
    assert_eq!(r["accounts"].as_array().unwrap().len(), 3);
    // One save: the six old entries and the unlock, all as records.
    assert_eq!(h.saves, vec![(0..7).collect::<Vec<u64>>()]);
    let (jsonl, checked) = h.export();
    assert_eq!(checked, Ok(7));
    let old: Vec<&str> = FIXTURE_LOG.lines().skip(1).collect();
    assert_eq!(old.len(), 6);
    let now: Vec<&str> = jsonl.lines().skip(1).collect();
    assert_eq!(&now[..6], &old[..], "the old entries, unchanged");
    assert_eq!(event_at(&jsonl, 8)["event"], "vault.unlocked");
    let header = event_at(&jsonl, 1);
    assert_eq!(header["publicKey"], FIXTURE_KEY, "the same audit key");
    // The old export itself still verifies under that key.
    let key: [u8; 32] = hex::decode(FIXTURE_KEY).unwrap().try_into().unwrap();
    assert_eq!(verify(FIXTURE_LOG, &key), Ok(6));

    h.ok("wallet_lock", json!({}));
    let mut again = Host::reopen(&h.stored);
    let r = again.ok("wallet_unlock", json!({"password": FIXTURE_PASSWORD}));
    assert_eq!(r["auditLog"], json!({"status": "intact"}));
    let (jsonl, checked) = again.export();
    assert_eq!(checked, Ok(9));
    assert_eq!(
        &jsonl.lines().skip(1).take(6).collect::<Vec<_>>()[..],
        &old[..]
    );
}
