//! Reading the log back at unlock: the slot's committed head, checked against the records the
//! host stored (`docs/audit-log.md` §Unlock).
//!
//! The records are not re-verified entry by entry (no Ed25519 here): a record that opens
//! under the record key was sealed by this vault, for the seq in its prefix, so only what
//! storage alone can do is checked: records missing, unreadable, moved to another seq, two
//! different records for one seq, and a chain that does not lead to the committed head.

use std::collections::{BTreeMap, VecDeque};

use super::record::{self, AuditRecord, RecordFault};
use super::{
    corrupt, is_checkpoint, seq_and_hash, AuditError, AuditLog, SLOT_FIXED, SLOT_MAGIC, ZERO_HASH,
};
use crate::keys::ed25519::Ed25519PrivateKey;
use crate::secret::SecretBytes;

/// What was wrong with the stored records (`docs/audit-log.md` §Damage).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Damage {
    /// A record the committed head needs is not there (deleted, or a vault restored without
    /// its records).
    #[error("a record is missing")]
    Missing,
    /// A record does not open: edited, truncated, or sealed by another vault.
    #[error("a record is unreadable (edited, or not this vault's)")]
    Unreadable,
    /// A record is stored under another seq than the one it was sealed for.
    #[error("a record is stored under the wrong sequence number")]
    Misplaced,
    /// Two different records for one seq.
    #[error("two different records for one sequence number")]
    Conflicting,
    /// A record does not link to the one before it (a record from another history).
    #[error("a record does not link to the one before it")]
    BrokenChain,
    /// The records do not end at the head the vault committed to.
    #[error("the records do not end at the head the vault committed to")]
    HeadMismatch,
}

/// The state of the stored log as unlock found it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogStatus {
    /// Every record from the checkpoint (or entry 0) to the committed head is there, readable
    /// and chained.
    Intact,
    /// Something is wrong; the first bad seq and what.
    Damaged {
        /// What is wrong.
        reason: Damage,
        /// The lowest seq affected.
        first_bad_seq: u64,
    },
}

/// A log read back from its slot and records.
pub struct Opened {
    /// The log, holding every entry that could be read, with its head at the committed head
    /// (or beyond it, for records written before a crash kept the vault from being saved).
    pub log: AuditLog,
    /// Intact or damaged.
    pub status: LogStatus,
}

impl AuditLog {
    /// Reads the current slot (`"CAL2"`) and the host's records. Never fails because of the
    /// records: whatever is wrong with them is reported in [`Opened::status`].
    ///
    /// # Errors
    /// [`super::AuditFailure::CorruptSlot`] if the slot itself does not parse (it is inside the
    /// sealed keyring, so this means a bug, not tampering).
    pub fn open(slot: &[u8], records: &[AuditRecord]) -> Result<Opened, AuditError> {
        if slot.get(..4) != Some(SLOT_MAGIC.as_slice()) {
            return Err(corrupt());
        }
        let key = slot
            .get(4..36)
            .and_then(|k| Ed25519PrivateKey::from_bytes(k).ok())
            .ok_or_else(corrupt)?;
        let record_key = slot
            .get(36..68)
            .and_then(SecretBytes::<32>::from_slice)
            .ok_or_else(corrupt)?;
        let committed_next = slot
            .get(68..76)
            .and_then(|b| <[u8; 8]>::try_from(b).ok())
            .map(u64::from_be_bytes)
            .ok_or_else(corrupt)?;
        let committed_hash = hex::encode(slot.get(76..SLOT_FIXED).ok_or_else(corrupt)?);
        let checkpoint_text = std::str::from_utf8(slot.get(SLOT_FIXED..).ok_or_else(corrupt)?)
            .map_err(|_| corrupt())?;
        let checkpoint = if checkpoint_text.is_empty() {
            None
        } else if is_checkpoint(checkpoint_text) && !checkpoint_text.contains('\n') {
            Some(checkpoint_text.to_owned())
        } else {
            return Err(corrupt());
        };
        let (base, base_hash) = match &checkpoint {
            Some(c) => {
                let (seq, hash) = seq_and_hash(c)?;
                (seq.checked_add(1).ok_or_else(corrupt)?, hash)
            }
            None => (0, ZERO_HASH.to_owned()),
        };
        if committed_next < base {
            return Err(corrupt());
        }

        let mut read = Reader::new(base);
        for r in records {
            read.add(&record_key, r);
        }
        let (entries, status, next_seq, head_hash) =
            read.walk(base_hash, committed_next, &committed_hash);
        Ok(Opened {
            log: AuditLog {
                key,
                record_key,
                checkpoint,
                entries,
                next_seq,
                head_hash,
            },
            status,
        })
    }
}

/// One readable record: its line and the links read from it.
struct Entry {
    line: String,
    prev: String,
    hash: String,
}

struct Reader {
    base: u64,
    entries: BTreeMap<u64, Entry>,
    /// The first fault seen at each seq.
    faults: BTreeMap<u64, Damage>,
}

impl Reader {
    fn new(base: u64) -> Self {
        Self {
            base,
            entries: BTreeMap::new(),
            faults: BTreeMap::new(),
        }
    }

    fn fault(&mut self, seq: u64, damage: Damage) {
        self.faults.entry(seq).or_insert(damage);
    }

    fn add(&mut self, key: &SecretBytes<32>, r: &AuditRecord) {
        // Below the checkpoint: folded already, left for the host to prune.
        if r.seq < self.base {
            return;
        }
        let line = match record::open(key, r) {
            Ok(line) => line,
            Err(RecordFault::Unreadable) => return self.fault(r.seq, Damage::Unreadable),
            Err(RecordFault::Misplaced) => return self.fault(r.seq, Damage::Misplaced),
        };
        let Some(entry) = links(&line, r.seq) else {
            return self.fault(r.seq, Damage::Unreadable);
        };
        match self.entries.get(&r.seq) {
            None => {
                self.entries.insert(r.seq, Entry { line, ..entry });
            }
            // The same entry stored twice (a retried write) is harmless.
            Some(existing) if existing.line == line => {}
            Some(_) => self.fault(r.seq, Damage::Conflicting),
        }
    }

    /// Walks from the checkpoint to the committed head, then on through records that chain
    /// beyond it. Returns the readable lines, the status, and the head new entries follow.
    fn walk(
        mut self,
        base_hash: String,
        committed_next: u64,
        committed_hash: &str,
    ) -> (VecDeque<String>, LogStatus, u64, String) {
        // Two versions of one entry: neither can be trusted, so neither is kept.
        let conflicting: Vec<u64> = self
            .faults
            .iter()
            .filter(|(_, d)| **d == Damage::Conflicting)
            .map(|(s, _)| *s)
            .collect();
        for seq in conflicting {
            self.entries.remove(&seq);
        }
        let mut first_bad: Option<(u64, Damage)> = None;
        let mut note = |seq: u64, damage: Damage| {
            if first_bad.is_none_or(|(s, _)| seq < s) {
                first_bad = Some((seq, damage));
            }
        };
        let mut lines = VecDeque::new();
        // The hash the next entry must link to, when the entry before it was read.
        let mut prev = Some(base_hash);
        let mut seq = self.base;
        while seq < committed_next {
            match self.entries.remove(&seq) {
                None => {
                    note(
                        seq,
                        self.faults.get(&seq).copied().unwrap_or(Damage::Missing),
                    );
                    prev = None;
                }
                Some(e) => {
                    if prev.as_ref().is_some_and(|p| *p != e.prev) {
                        note(seq, Damage::BrokenChain);
                    }
                    prev = Some(e.hash);
                    lines.push_back(e.line);
                }
            }
            let Some(next) = seq.checked_add(1) else {
                break;
            };
            seq = next;
        }
        if prev.as_deref().is_some_and(|p| p != committed_hash) && committed_next > self.base {
            note(committed_next.saturating_sub(1), Damage::HeadMismatch);
        }
        // Beyond the committed head: records a crash kept the vault from committing to. Only
        // those that link on from the committed head count; others are an abandoned history
        // that the next appends overwrite.
        let mut head = (committed_next, committed_hash.to_owned());
        while let Some(e) = self.entries.remove(&head.0) {
            if e.prev != head.1 {
                break;
            }
            lines.push_back(e.line);
            let Some(next) = head.0.checked_add(1) else {
                break;
            };
            head = (next, e.hash);
        }
        // An unreadable record anywhere from the checkpoint on is not this vault's history.
        if let Some((&seq, &damage)) = self.faults.iter().next() {
            note(seq, damage);
        }
        let status = match first_bad {
            None => LogStatus::Intact,
            Some((first_bad_seq, reason)) => LogStatus::Damaged {
                reason,
                first_bad_seq,
            },
        };
        (lines, status, head.0, head.1)
    }
}

/// `prevHash` and `hash` of an entry line, if it is an entry for `seq`.
fn links(line: &str, seq: u64) -> Option<Entry> {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Links {
        seq: u64,
        prev_hash: String,
        hash: String,
    }
    let l: Links = serde_json::from_str(line).ok()?;
    (l.seq == seq).then_some(Entry {
        line: String::new(),
        prev: l.prev_hash,
        hash: l.hash,
    })
}
