//! The audit log: hash-chained entries signed by the vault's audit key, each stored as its own
//! sealed record outside the keyring, with the keyring's `audit` slot committing to the head
//! (`docs/audit-log.md` is the specification). Exported as JSON Lines.

use std::borrow::Cow;
use std::collections::VecDeque;

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::keys::ed25519::{Ed25519PrivateKey, Ed25519PublicKey};
use crate::policy::canonical::{domain_hash, domain_hash_of_canonical, to_canonical_json};
use crate::secret::{SecretBytes, SecretVec};

mod record;
mod store;

pub use record::{AuditRecord, RECORD_MAGIC, RECORD_VERSION};
pub use store::{Damage, LogStatus, Opened};

/// Most entries kept; beyond it the oldest [`FOLD`] are folded into the checkpoint and their
/// records may be deleted. Appending costs the same at any length (one record, a small slot):
/// the bound only limits what unlock reads and what an export holds.
pub const MAX_ENTRIES: usize = 2_000;
/// How many entries one compaction folds.
pub const FOLD: usize = 500;
/// The export format named in the header line.
pub const FORMAT: &str = "custodian-audit-log/1";
/// The slot of the first format, which kept every line inline; read only to migrate.
const LEGACY_MAGIC: &[u8; 4] = b"CAL1";
/// The slot now: keys and the committed head (`docs/audit-log.md` §"The audit slot").
const SLOT_MAGIC: &[u8; 4] = b"CAL2";
/// `magic || audit key || record key || next seq || head hash`, then the checkpoint line.
const SLOT_FIXED: usize = 4 + 32 + 32 + 8 + 32;
const ENTRY_LABEL: &str = "custodian/v1/audit-entry";
const CHECKPOINT_LABEL: &str = "custodian/v1/audit-checkpoint";
const HEAD_LABEL: &str = "custodian/v1/audit-head";
const ZERO_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Where verification (or reading the stored log) failed: the first bad line and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct AuditError {
    /// 1-based line number (the export header is line 1); 0 for the stored slot as a whole.
    pub line: usize,
    /// What is wrong with it.
    pub reason: AuditFailure,
}

/// What is wrong with a line of the log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuditFailure {
    /// The text is empty.
    #[error("the log is empty")]
    Empty,
    /// Not a JSON object.
    #[error("not a JSON object")]
    NotJson,
    /// Valid JSON, but not written canonically (members sorted, no whitespace).
    #[error("not in canonical form (members sorted, no whitespace)")]
    NotCanonical,
    /// A member is missing, unknown or of the wrong type.
    #[error("malformed: {0}")]
    Malformed(&'static str),
    /// The header names another format.
    #[error("not a {FORMAT} header")]
    UnknownFormat,
    /// The header's key is not the key the log is checked against.
    #[error("the log is signed by another key than the expected one")]
    WrongKey,
    /// A signature does not verify under the expected key.
    #[error("signature does not verify")]
    BadSignature,
    /// An entry's hash does not match its contents.
    #[error("hash does not match the entry's contents (the entry was edited)")]
    HashMismatch,
    /// An entry is out of sequence (deleted, inserted or reordered entries).
    #[error(
        "expected entry {expected}, found entry {found} (entries deleted, inserted or reordered)"
    )]
    UnexpectedSeq {
        /// The sequence number that should come here.
        expected: u64,
        /// The one that does.
        found: u64,
    },
    /// `prevHash` is not the previous entry's hash.
    #[error("prevHash does not match the previous entry's hash")]
    BrokenChain,
    /// The first line after the header is neither entry 0 nor a checkpoint.
    #[error("the log does not start with entry 0 or a checkpoint (entries cut off at the start)")]
    BadStart,
    /// A checkpoint anywhere but first.
    #[error("a checkpoint can only stand first")]
    MisplacedCheckpoint,
    /// Fewer lines than the header says.
    #[error("the log ends early: the signed header announces {expected} lines after it, found {found} (truncated)")]
    Truncated {
        /// Lines the header announces.
        expected: usize,
        /// Lines present.
        found: usize,
    },
    /// More lines than the header says.
    #[error("more lines than the signed header announces ({expected})")]
    Extended {
        /// Lines the header announces.
        expected: usize,
    },
    /// The last entry is not the one the header names.
    #[error("the last entry is not the head the signed header names")]
    HeadMismatch,
    /// The stored slot does not parse.
    #[error("the stored audit log is damaged")]
    CorruptSlot,
    /// The sequence number ran out (2^64 entries).
    #[error("the audit log cannot grow any further")]
    Exhausted,
    /// A record could not be sealed (an entry too large for the cipher).
    #[error("an audit entry could not be sealed")]
    SealFailed,
}

fn at(line: usize, reason: AuditFailure) -> AuditError {
    AuditError { line, reason }
}

fn corrupt() -> AuditError {
    at(0, AuditFailure::CorruptSlot)
}

/// The log of one vault while it is unlocked: its keys, the committed head, and the lines it
/// holds (for export and folding).
pub struct AuditLog {
    key: Ed25519PrivateKey,
    /// Seals the records; random, so a password change (a new vault key) keeps them readable.
    record_key: SecretBytes<32>,
    /// The checkpoint line, if older entries were folded.
    checkpoint: Option<String>,
    /// Canonical JSON entry lines (no newline) in seq order. After damage there can be gaps.
    entries: VecDeque<String>,
    /// The seq of the next entry.
    next_seq: u64,
    /// The `hash` of the last entry (or the checkpoint's, or zeros): the next `prevHash`.
    head_hash: String,
}

/// An exported log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditExport {
    /// The JSON Lines text: signed header, then every stored line.
    pub jsonl: String,
    /// The audit public key, hex.
    pub public_key: String,
    /// Lines after the header.
    pub entries: usize,
}

/// What one append produced for the host to store.
#[derive(Debug)]
pub struct Appended {
    /// The new entry, sealed; written before the vault that commits to it.
    pub record: AuditRecord,
    /// After a fold: records below this seq are covered by the checkpoint and may be deleted
    /// once the vault holding that checkpoint is durable.
    pub prune_below: Option<u64>,
}

impl AuditLog {
    /// A new, empty log: the audit key made from `key_seed`, records sealed with
    /// `record_key` (both 32 random bytes).
    pub fn new(key_seed: &SecretBytes<32>, record_key: SecretBytes<32>) -> Self {
        Self {
            key: Ed25519PrivateKey::from_bytes(key_seed.expose_secret())
                .unwrap_or_else(|_| Ed25519PrivateKey::from_array(&[0u8; 32])),
            record_key,
            checkpoint: None,
            entries: VecDeque::new(),
            next_seq: 0,
            head_hash: ZERO_HASH.to_owned(),
        }
    }

    /// Reads a slot of the first format (`"CAL1" || key || lines`, every line inline), giving
    /// it `record_key` for the records it will be stored as; `None` for an empty slot.
    ///
    /// # Errors
    /// [`AuditFailure::CorruptSlot`] (line 0).
    pub fn from_legacy_slot(
        slot: &[u8],
        record_key: SecretBytes<32>,
    ) -> Result<Option<Self>, AuditError> {
        if slot.is_empty() {
            return Ok(None);
        }
        if slot.get(..4) != Some(LEGACY_MAGIC.as_slice()) {
            return Err(corrupt());
        }
        let key = slot
            .get(4..36)
            .and_then(|k| Ed25519PrivateKey::from_bytes(k).ok())
            .ok_or_else(corrupt)?;
        let text =
            std::str::from_utf8(slot.get(36..).ok_or_else(corrupt)?).map_err(|_| corrupt())?;
        if !(text.is_empty() || text.ends_with('\n')) {
            return Err(corrupt());
        }
        let mut log = Self {
            key,
            record_key,
            checkpoint: None,
            entries: VecDeque::new(),
            next_seq: 0,
            head_hash: ZERO_HASH.to_owned(),
        };
        for (i, line) in text.lines().enumerate() {
            let (seq, hash) = seq_and_hash(line)?;
            if i == 0 && is_checkpoint(line) {
                log.checkpoint = Some(line.to_owned());
            } else {
                // Stored as this version stores entries; the export signs them again, to the
                // same bytes.
                log.entries.push_back(unsigned_entry(line)?);
            }
            log.next_seq = seq.checked_add(1).ok_or_else(corrupt)?;
            log.head_hash = hash;
        }
        Ok(Some(log))
    }

    /// Whether `slot` is of the first format (lines inline), which [`Self::from_legacy_slot`]
    /// reads and the next save replaces.
    pub fn is_legacy_slot(slot: &[u8]) -> bool {
        slot.get(..4) == Some(LEGACY_MAGIC.as_slice())
    }

    /// The slot bytes (`docs/audit-log.md` §"The audit slot"), in zeroizing memory (they hold
    /// both keys). A few hundred bytes, whatever the length of the log.
    pub fn to_slot(&self) -> SecretVec {
        let key = self.key.to_bytes();
        let checkpoint = self.checkpoint.as_deref().unwrap_or("");
        let mut out = Vec::with_capacity(SLOT_FIXED.saturating_add(checkpoint.len()));
        out.extend_from_slice(SLOT_MAGIC);
        out.extend_from_slice(key.expose_secret());
        out.extend_from_slice(self.record_key.expose_secret());
        out.extend_from_slice(&self.next_seq.to_be_bytes());
        let mut head = [0u8; 32];
        // The head is always 64 hex digits (it is checked when read); zeros otherwise.
        let _ = hex::decode_to_slice(&self.head_hash, &mut head);
        out.extend_from_slice(&head);
        out.extend_from_slice(checkpoint.as_bytes());
        SecretVec::new(out)
    }

    /// Every entry held, sealed as records (migrating a [`Self::from_legacy_slot`] log).
    ///
    /// # Errors
    /// [`AuditFailure::CorruptSlot`] if a line has no `seq`.
    pub fn all_records(
        &self,
        rng: &mut impl rand_core::CryptoRngCore,
    ) -> Result<Vec<AuditRecord>, AuditError> {
        self.entries
            .iter()
            .map(|line| {
                let (seq, _) = seq_and_hash(line)?;
                let mut nonce = [0u8; record::NONCE_LEN];
                rng.fill_bytes(&mut nonce);
                record::seal(&self.record_key, seq, line.as_bytes(), &nonce)
            })
            .collect()
    }

    /// The audit public key.
    pub fn public_key(&self) -> [u8; 32] {
        self.key.public_key().to_bytes()
    }

    /// The held lines (checkpoint and entries) as stored, each ending in `\n`: entries
    /// appended by this version carry no `sig` (only [`Self::export`] signs them).
    pub fn stored_lines(&self) -> String {
        let mut out = String::new();
        for line in self.checkpoint.iter().chain(self.entries.iter()) {
            out.push_str(line);
            out.push('\n');
        }
        out
    }

    /// Number of held entries (the checkpoint not counted).
    pub fn entry_count(&self) -> usize {
        self.entries.len()
    }

    /// The seq the next entry gets.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// Appends an event and seals it as a record with `nonce` (24 random bytes, never
    /// reused); folds the oldest entries into the checkpoint beyond [`MAX_ENTRIES`].
    ///
    /// # Errors
    /// [`AuditFailure::CorruptSlot`] if a held line does not parse while folding,
    /// [`AuditFailure::Exhausted`] at the end of the seq space.
    pub fn append(
        &mut self,
        time_ms: u64,
        event: &str,
        details: Value,
        nonce: &[u8; 24],
    ) -> Result<Appended, AuditError> {
        self.append_bounded(time_ms, event, details, nonce, MAX_ENTRIES, FOLD)
    }

    fn append_bounded(
        &mut self,
        time_ms: u64,
        event: &str,
        details: Value,
        nonce: &[u8; 24],
        max_entries: usize,
        fold: usize,
    ) -> Result<Appended, AuditError> {
        let seq = self.next_seq;
        let next = seq.checked_add(1).ok_or(at(0, AuditFailure::Exhausted))?;
        let body = json!({
            "details": details,
            "event": event,
            "prevHash": self.head_hash,
            "seq": seq,
            "time": time_ms,
        });
        let (line, hash) = Self::hashed_entry(&body)?;
        let record = record::seal(&self.record_key, seq, line.as_bytes(), nonce)?;
        self.entries.push_back(line);
        self.next_seq = next;
        self.head_hash = hash;
        let prune_below = if self.entries.len() > max_entries {
            self.compact(time_ms, fold)?
        } else {
            None
        };
        Ok(Appended {
            record,
            prune_below,
        })
    }

    /// An entry body with its hash: the line as stored (no `sig`: [`Self::export`] signs)
    /// and the hash (hex).
    fn hashed_entry(body: &Value) -> Result<(String, String), AuditError> {
        let canonical = to_canonical_json(body);
        let hash = hex::encode(domain_hash_of_canonical(ENTRY_LABEL, canonical.as_bytes()));
        // Canonical order puts `hash` just before `prevHash`, the last member holding a string
        // (only `seq` and `time`, integers, follow), so the last `,"prevHash":"` is the member.
        let at = canonical.rfind(",\"prevHash\":\"").ok_or_else(corrupt)?;
        let (before, after) = canonical.split_at_checked(at).ok_or_else(corrupt)?;
        Ok((splice_member(before, "hash", &hash, after), hash))
    }

    /// A stored entry line as exported: with `sig`, the audit key's Ed25519 signature over its
    /// hash. Ed25519 is deterministic (RFC 8032), so this is the very line an entry signed
    /// when appended carried; lines stored that way (records written before entries were
    /// signed on export) already have it and come back unchanged.
    fn signed_entry<'a>(&self, line: &'a str) -> Result<Cow<'a, str>, AuditError> {
        let (before, time) = split_at_time(line).ok_or_else(corrupt)?;
        if before.ends_with('"') {
            return Ok(Cow::Borrowed(line));
        }
        let (_, hash_hex) = seq_and_hash(line)?;
        let mut hash = [0u8; 32];
        hex::decode_to_slice(&hash_hex, &mut hash).map_err(|_| corrupt())?;
        let sig = hex::encode(self.key.sign(&hash));
        // Canonical order puts `sig` between `seq` and `time`.
        Ok(Cow::Owned(splice_member(before, "sig", &sig, time)))
    }

    /// Folds the oldest `fold` entries (and any older checkpoint) into one checkpoint; the
    /// seq below which records are no longer needed.
    fn compact(&mut self, now_ms: u64, fold: usize) -> Result<Option<u64>, AuditError> {
        let mut summary = Map::new();
        let mut events = Map::new();
        let mut total: u64 = 0;
        let mut from: Option<(u64, u64)> = None; // (fromSeq, fromTime)
        if let Some(first) = &self.checkpoint {
            let v: Value = serde_json::from_str(first).map_err(|_| corrupt())?;
            let c = v
                .get("checkpoint")
                .and_then(Value::as_object)
                .ok_or_else(corrupt)?;
            total = c
                .get("entries")
                .and_then(Value::as_u64)
                .ok_or_else(corrupt)?;
            if let Some(e) = c.get("events").and_then(Value::as_object) {
                events.clone_from(e);
            }
            from = Some((
                c.get("fromSeq")
                    .and_then(Value::as_u64)
                    .ok_or_else(corrupt)?,
                c.get("fromTime")
                    .and_then(Value::as_u64)
                    .ok_or_else(corrupt)?,
            ));
        }
        let mut last: Option<(u64, u64, String)> = None; // (seq, time, hash)
        let take = fold.min(self.entries.len());
        /// What a fold reads of an entry; `details` is skipped, not built.
        #[derive(serde::Deserialize)]
        struct Folded<'a> {
            seq: u64,
            time: u64,
            #[serde(borrow)]
            event: Cow<'a, str>,
            #[serde(borrow)]
            hash: Cow<'a, str>,
        }
        for line in self.entries.iter().take(take) {
            let f: Folded<'_> = serde_json::from_str(line).map_err(|_| corrupt())?;
            if from.is_none() {
                from = Some((f.seq, f.time));
            }
            let n = events
                .get(f.event.as_ref())
                .and_then(Value::as_u64)
                .unwrap_or(0);
            events.insert(f.event.into_owned(), Value::from(n.saturating_add(1)));
            total = total.saturating_add(1);
            last = Some((f.seq, f.time, f.hash.into_owned()));
        }
        let (Some((from_seq, from_time)), Some((seq, to_time, hash))) = (from, last) else {
            return Ok(None);
        };
        summary.insert("at".into(), Value::from(now_ms));
        summary.insert("entries".into(), Value::from(total));
        summary.insert("events".into(), Value::Object(events));
        summary.insert("fromSeq".into(), Value::from(from_seq));
        summary.insert("fromTime".into(), Value::from(from_time));
        summary.insert("toTime".into(), Value::from(to_time));
        let body = json!({ "checkpoint": summary, "hash": hash, "seq": seq });
        let sig = self.key.sign(&domain_hash(CHECKPOINT_LABEL, &body));
        let mut obj = match body {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        obj.insert("sig".into(), Value::String(hex::encode(sig)));
        self.checkpoint = Some(to_canonical_json(&Value::Object(obj)));
        self.entries.drain(..take);
        Ok(seq.checked_add(1))
    }

    /// The log as JSON Lines with a signed header (`docs/audit-log.md` §Export).
    ///
    /// # Errors
    /// [`AuditFailure::CorruptSlot`] if the last held line does not parse.
    pub fn export(&self, now_ms: u64) -> Result<AuditExport, AuditError> {
        let mut lines = String::new();
        if let Some(checkpoint) = &self.checkpoint {
            lines.push_str(checkpoint);
            lines.push('\n');
        }
        for entry in &self.entries {
            lines.push_str(&self.signed_entry(entry)?);
            lines.push('\n');
        }
        let count = self
            .entries
            .len()
            .saturating_add(usize::from(self.checkpoint.is_some()));
        let (last_seq, head) = match self.entries.back().or(self.checkpoint.as_ref()) {
            None => (Value::Null, Value::Null),
            Some(last) => {
                let v: Value = serde_json::from_str(last).map_err(|_| corrupt())?;
                (
                    v.get("seq").cloned().unwrap_or(Value::Null),
                    v.get("hash").cloned().unwrap_or(Value::Null),
                )
            }
        };
        let public_key = hex::encode(self.public_key());
        let body = json!({
            "count": count,
            "exportedAt": now_ms,
            "format": FORMAT,
            "headHash": head,
            "lastSeq": last_seq,
            "publicKey": public_key,
        });
        let sig = self.key.sign(&domain_hash(HEAD_LABEL, &body));
        let mut obj = match body {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        obj.insert("sig".into(), Value::String(hex::encode(sig)));
        let mut jsonl = to_canonical_json(&Value::Object(obj));
        jsonl.push('\n');
        jsonl.push_str(&lines);
        Ok(AuditExport {
            jsonl,
            public_key,
            entries: count,
        })
    }
}

/// `seq` and `hash` of a stored line (entry or checkpoint).
fn seq_and_hash(line: &str) -> Result<(u64, String), AuditError> {
    #[derive(serde::Deserialize)]
    struct Link {
        seq: u64,
        hash: String,
    }
    let link: Link = serde_json::from_str(line).map_err(|_| corrupt())?;
    if !is_hex(&link.hash, 64) {
        return Err(corrupt());
    }
    Ok((link.seq, link.hash))
}

/// Checks an exported log against the expected audit public key: the signed header, the
/// chain, every hash and signature, and the count. Returns the number of lines after the
/// header, or the first bad line (`docs/audit-log.md` §Verification).
///
/// # Errors
/// [`AuditError`] naming the first line that fails and why.
pub fn verify(jsonl: &str, public_key: &[u8; 32]) -> Result<usize, AuditError> {
    let key =
        Ed25519PublicKey::from_bytes(public_key).map_err(|_| at(1, AuditFailure::WrongKey))?;
    let mut lines = jsonl
        .lines()
        .enumerate()
        .map(|(i, l)| (i.saturating_add(1), l));
    let Some((_, header_text)) = lines.next() else {
        return Err(at(1, AuditFailure::Empty));
    };
    let header = parse_line(header_text, 1)?;
    let count = check_header(&header, &key, public_key)?;

    let mut expected: Option<(u64, String)> = None; // next seq, prevHash
    let mut found = 0usize;
    for (n, text) in lines {
        found = found.saturating_add(1);
        if found > count {
            return Err(at(n, AuditFailure::Extended { expected: count }));
        }
        let v = parse_line(text, n)?;
        if v.get("checkpoint").is_some() {
            if expected.is_some() {
                return Err(at(n, AuditFailure::MisplacedCheckpoint));
            }
            let (seq, hash) = check_checkpoint(&v, &key, n)?;
            expected = Some((
                seq.checked_add(1)
                    .ok_or(at(n, AuditFailure::Malformed("seq")))?,
                hash,
            ));
            continue;
        }
        let (seq, prev, hash) = check_entry(&v, &key, n)?;
        match &expected {
            None if seq != 0 || prev != ZERO_HASH => return Err(at(n, AuditFailure::BadStart)),
            None => {}
            Some((want, _)) if seq != *want => {
                return Err(at(
                    n,
                    AuditFailure::UnexpectedSeq {
                        expected: *want,
                        found: seq,
                    },
                ))
            }
            Some((_, want_prev)) if prev != *want_prev => {
                return Err(at(n, AuditFailure::BrokenChain))
            }
            Some(_) => {}
        }
        expected = Some((
            seq.checked_add(1)
                .ok_or(at(n, AuditFailure::Malformed("seq")))?,
            hash,
        ));
    }
    if found < count {
        return Err(at(
            found.saturating_add(2),
            AuditFailure::Truncated {
                expected: count,
                found,
            },
        ));
    }
    let head_ok = match &expected {
        None => header.get("headHash") == Some(&Value::Null),
        Some((next, hash)) => {
            header.get("headHash").and_then(Value::as_str) == Some(hash.as_str())
                && header.get("lastSeq").and_then(Value::as_u64) == next.checked_sub(1)
        }
    };
    if !head_ok {
        return Err(at(count.saturating_add(1), AuditFailure::HeadMismatch));
    }
    Ok(count)
}

fn parse_line(text: &str, n: usize) -> Result<Map<String, Value>, AuditError> {
    let v: Value = serde_json::from_str(text).map_err(|_| at(n, AuditFailure::NotJson))?;
    if to_canonical_json(&v) != text {
        return Err(at(n, AuditFailure::NotCanonical));
    }
    match v {
        Value::Object(m) => Ok(m),
        _ => Err(at(n, AuditFailure::NotJson)),
    }
}

/// Removes `sig` from `obj` and checks it over `SHA-256(label || 0 || rest)`.
fn check_signature(
    mut obj: Map<String, Value>,
    label: &str,
    key: &Ed25519PublicKey,
    n: usize,
) -> Result<Value, AuditError> {
    let sig = obj
        .remove("sig")
        .and_then(|s| s.as_str().and_then(hex64))
        .ok_or(at(n, AuditFailure::Malformed("sig")))?;
    let body = Value::Object(obj);
    if !key.verify_strict(&domain_hash(label, &body), &sig) {
        return Err(at(n, AuditFailure::BadSignature));
    }
    Ok(body)
}

fn check_header(
    header: &Map<String, Value>,
    key: &Ed25519PublicKey,
    expected_key: &[u8; 32],
) -> Result<usize, AuditError> {
    const MEMBERS: [&str; 7] = [
        "count",
        "exportedAt",
        "format",
        "headHash",
        "lastSeq",
        "publicKey",
        "sig",
    ];
    if header.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(at(1, AuditFailure::UnknownFormat));
    }
    if header.len() != MEMBERS.len() || !MEMBERS.iter().all(|m| header.contains_key(*m)) {
        return Err(at(1, AuditFailure::Malformed("header members")));
    }
    if header.get("publicKey").and_then(Value::as_str) != Some(hex::encode(expected_key).as_str()) {
        return Err(at(1, AuditFailure::WrongKey));
    }
    let body = check_signature(header.clone(), HEAD_LABEL, key, 1)?;
    body.get("count")
        .and_then(Value::as_u64)
        .and_then(|c| usize::try_from(c).ok())
        .ok_or(at(1, AuditFailure::Malformed("count")))
}

fn check_checkpoint(
    v: &Map<String, Value>,
    key: &Ed25519PublicKey,
    n: usize,
) -> Result<(u64, String), AuditError> {
    if v.len() != 4
        || !["checkpoint", "hash", "seq", "sig"]
            .iter()
            .all(|m| v.contains_key(*m))
    {
        return Err(at(n, AuditFailure::Malformed("checkpoint members")));
    }
    let body = check_signature(v.clone(), CHECKPOINT_LABEL, key, n)?;
    let seq = body
        .get("seq")
        .and_then(Value::as_u64)
        .ok_or(at(n, AuditFailure::Malformed("seq")))?;
    let hash = body
        .get("hash")
        .and_then(Value::as_str)
        .filter(|h| is_hex(h, 64))
        .ok_or(at(n, AuditFailure::Malformed("hash")))?;
    Ok((seq, hash.to_owned()))
}

fn check_entry(
    v: &Map<String, Value>,
    key: &Ed25519PublicKey,
    n: usize,
) -> Result<(u64, String, String), AuditError> {
    const MEMBERS: [&str; 7] = ["details", "event", "hash", "prevHash", "seq", "sig", "time"];
    if v.len() != MEMBERS.len() || !MEMBERS.iter().all(|m| v.contains_key(*m)) {
        return Err(at(n, AuditFailure::Malformed("entry members")));
    }
    let text = |m: &'static str| {
        v.get(m)
            .and_then(Value::as_str)
            .ok_or(at(n, AuditFailure::Malformed(m)))
    };
    let seq = v
        .get("seq")
        .and_then(Value::as_u64)
        .ok_or(at(n, AuditFailure::Malformed("seq")))?;
    v.get("time")
        .and_then(Value::as_u64)
        .ok_or(at(n, AuditFailure::Malformed("time")))?;
    text("event")?;
    if !v.get("details").is_some_and(Value::is_object) {
        return Err(at(n, AuditFailure::Malformed("details")));
    }
    let prev = text("prevHash")?;
    let hash = text("hash")?;
    if !is_hex(prev, 64) {
        return Err(at(n, AuditFailure::Malformed("prevHash")));
    }
    let mut body = v.clone();
    body.remove("hash");
    body.remove("sig");
    let computed = domain_hash(ENTRY_LABEL, &Value::Object(body));
    if hex::encode(computed) != hash {
        return Err(at(n, AuditFailure::HashMismatch));
    }
    let sig = text("sig")
        .ok()
        .and_then(hex64)
        .ok_or(at(n, AuditFailure::Malformed("sig")))?;
    if !key.verify_strict(&computed, &sig) {
        return Err(at(n, AuditFailure::BadSignature));
    }
    Ok((seq, prev.to_owned(), hash.to_owned()))
}

/// `,"sig":"` + 128 hex digits + `"`.
const SIG_MEMBER_LEN: usize = 8 + 128 + 1;

/// `before`, the member `,"name":"value"`, then `after`: a string member spliced into a
/// canonical line at the place canonical order gives it.
fn splice_member(before: &str, name: &str, value: &str, after: &str) -> String {
    let len = [before, name, value, after]
        .iter()
        .fold(6usize, |n, part| n.saturating_add(part.len()));
    let mut out = String::with_capacity(len);
    out.push_str(before);
    out.push_str(",\"");
    out.push_str(name);
    out.push_str("\":\"");
    out.push_str(value);
    out.push('"');
    out.push_str(after);
    out
}

/// An entry line split before its last member, `,"time":<integer>}`.
fn split_at_time(line: &str) -> Option<(&str, &str)> {
    let at = line.rfind(",\"time\":")?;
    let (before, time) = line.split_at_checked(at)?;
    let digits = time.strip_prefix(",\"time\":")?.strip_suffix('}')?;
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then_some((before, time))
}

/// An entry line without its `sig` member (as entries signed on append stored it).
fn unsigned_entry(line: &str) -> Result<String, AuditError> {
    let (before, time) = split_at_time(line).ok_or_else(corrupt)?;
    let Some(unsigned) = before
        .len()
        .checked_sub(SIG_MEMBER_LEN)
        .and_then(|at| before.split_at_checked(at))
        .filter(|(_, sig)| {
            sig.strip_prefix(",\"sig\":\"")
                .and_then(|s| s.strip_suffix('"'))
                .is_some_and(|s| is_hex(s, 128))
        })
        .map(|(unsigned, _)| unsigned)
    else {
        return Ok(line.to_owned());
    };
    Ok([unsigned, time].concat())
}

fn is_checkpoint(line: &str) -> bool {
    line.starts_with("{\"checkpoint\"")
}

fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn hex64(s: &str) -> Option<[u8; 64]> {
    if !is_hex(s, 128) {
        return None;
    }
    let mut out = [0u8; 64];
    hex::decode_to_slice(s, &mut out).ok()?;
    Some(out)
}

/// SHA-256 of the canonical request, as audit entries carry it (`requestHash`).
pub(crate) fn request_hash(request: &Value) -> String {
    hex::encode(Sha256::digest(to_canonical_json(request).as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn log() -> AuditLog {
        AuditLog::new(
            &SecretBytes::from_array(&mut [7u8; 32]),
            SecretBytes::from_array(&mut [8u8; 32]),
        )
    }

    fn nonce(i: u64) -> [u8; 24] {
        let mut n = [0u8; 24];
        n[..8].copy_from_slice(&i.to_be_bytes());
        n
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn compaction_folds_the_oldest_and_keeps_the_chain_verifiable() {
        let mut log = log();
        let key = log.public_key();
        let mut records = Vec::new();
        let mut pruned = Vec::new();
        for i in 0..25u64 {
            let event = if i % 5 == 0 {
                "vault.unlocked"
            } else {
                "sign.allowed"
            };
            let a = log
                .append_bounded(1000 + i, event, json!({ "i": i }), &nonce(i), 10, 4)
                .unwrap();
            assert_eq!(a.record.seq, i);
            records.push(a.record);
            pruned.extend(a.prune_below);
            // After every append the held log verifies and stays within the bound.
            assert!(log.entry_count() <= 10);
            let export = log.export(5000).unwrap();
            assert_eq!(verify(&export.jsonl, &key), Ok(export.entries));
        }
        // 25 entries: compactions at the 11th, 15th, 19th and 23rd fold 4 each, 9 are kept.
        assert_eq!(log.entry_count(), 9);
        assert_eq!(pruned, vec![4, 8, 12, 16]);
        let lines = log.stored_lines();
        let first = lines.lines().next().unwrap();
        let v: Value = serde_json::from_str(first).unwrap();
        let c = &v["checkpoint"];
        assert_eq!(c["entries"], 16);
        assert_eq!(c["fromSeq"], 0);
        assert_eq!(c["fromTime"], 1000);
        assert_eq!(c["toTime"], 1015);
        assert_eq!(c["events"]["vault.unlocked"], 4);
        assert_eq!(c["events"]["sign.allowed"], 12);
        assert_eq!(v["seq"], 15);
        // The slot and the records not pruned read back as the same log.
        let kept: Vec<AuditRecord> = records.into_iter().filter(|r| r.seq >= 16).collect();
        let again = AuditLog::open(log.to_slot().expose_secret(), &kept).unwrap();
        assert_eq!(again.status, LogStatus::Intact);
        assert_eq!(again.log.entry_count(), log.entry_count());
        assert_eq!(again.log.stored_lines(), log.stored_lines());
        assert_eq!(again.log.next_seq(), 25);
    }

    /// The scripted history of `fixtures/audit-records-v1-signed.json`: 14 events with
    /// escapes and non-ASCII text in their details, folded at 6 entries by 3.
    fn scripted_history(log: &mut AuditLog) -> Vec<AuditRecord> {
        let mut records = Vec::new();
        for i in 0..14u64 {
            let (event, details) = match i % 4 {
                0 => ("vault.unlocked", json!({})),
                1 => (
                    "sign.allowed",
                    json!({ "method": "personal_sign", "origin": "https://app.example", "i": i }),
                ),
                2 => (
                    "sign.denied",
                    json!({ "reason": "quote \" backslash \\ tab \t é ✓ \u{1F600}", "n": -3 }),
                ),
                _ => (
                    "policy.set",
                    json!({ "rules": [{ "allow": ["eip155:1"], "max": "1000000000000000000" }] }),
                ),
            };
            let a = log
                .append_bounded(
                    1_764_000_000_000 + i * 1_000,
                    event,
                    details,
                    &nonce(i),
                    6,
                    3,
                )
                .unwrap();
            records.push(a.record);
            if let Some(below) = a.prune_below {
                records.retain(|r| r.seq >= below);
            }
        }
        records
    }

    const SIGNED_FIXTURE: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/audit-records-v1-signed.json"
    ));

    struct Fixture {
        slot: Vec<u8>,
        records: Vec<AuditRecord>,
        exported_at: u64,
        jsonl: String,
    }

    fn signed_fixture() -> Fixture {
        let v: Value = serde_json::from_str(SIGNED_FIXTURE).unwrap();
        Fixture {
            slot: hex::decode(v["slot"].as_str().unwrap()).unwrap(),
            records: v["records"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| AuditRecord {
                    seq: r["seq"].as_u64().unwrap(),
                    bytes: hex::decode(r["bytes"].as_str().unwrap()).unwrap(),
                })
                .collect(),
            exported_at: v["exportedAt"].as_u64().unwrap(),
            jsonl: v["jsonl"].as_str().unwrap().to_owned(),
        }
    }

    /// Entries are no longer signed when appended, yet the same history exports to the very
    /// bytes the code that signed on append wrote (the fixture, made by that code).
    #[wasm_bindgen_test(unsupported = test)]
    fn a_history_exports_byte_for_byte_as_when_entries_were_signed_on_append() {
        let f = signed_fixture();
        let mut log = log();
        let records = scripted_history(&mut log);
        let export = log.export(f.exported_at).unwrap();
        assert_eq!(export.jsonl, f.jsonl);
        assert_eq!(verify(&export.jsonl, &log.public_key()), Ok(6));
        assert_eq!(log.to_slot().expose_secret(), f.slot.as_slice());
        // What is stored now: the same entries without `sig`, 137 bytes shorter each.
        assert_eq!(records.len(), f.records.len());
        for (new, old) in records.iter().zip(&f.records) {
            let line = record::open(&log.record_key, new).unwrap();
            assert!(!line.contains("\"sig\""), "{line}");
            assert_eq!(new.bytes.len() + SIG_MEMBER_LEN, old.bytes.len());
        }
        assert_eq!(f.jsonl.lines().count(), 7);
    }

    /// Records written when entries were signed on append open, export unchanged, and go on
    /// with entries stored unsigned.
    #[wasm_bindgen_test(unsupported = test)]
    fn records_signed_on_append_open_and_export_unchanged() {
        let f = signed_fixture();
        let opened = AuditLog::open(&f.slot, &f.records).unwrap();
        assert_eq!(opened.status, LogStatus::Intact);
        let mut old = opened.log;
        assert_eq!(old.entry_count(), 5);
        assert_eq!(old.export(f.exported_at).unwrap().jsonl, f.jsonl);
        // One more entry on the old records and on the same history written now.
        let mut new = log();
        scripted_history(&mut new);
        for l in [&mut old, &mut new] {
            l.append(1_764_000_050_000, "vault.locked", json!({}), &nonce(14))
                .unwrap();
        }
        let a = old.export(f.exported_at).unwrap().jsonl;
        assert_eq!(a, new.export(f.exported_at).unwrap().jsonl);
        assert_eq!(verify(&a, &old.public_key()), Ok(7));
        // The old records keep their `sig`; the new entry, and every entry written now, has none
        // (the checkpoint, first, is signed when folded, as before).
        let unsigned = |l: &AuditLog| {
            l.stored_lines()
                .lines()
                .skip(1)
                .filter(|line| !line.contains("\"sig\""))
                .count()
        };
        assert_eq!(unsigned(&old), 1);
        assert_eq!(unsigned(&new), 6);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_signed_line_loses_its_sig_and_gets_the_same_one_back() {
        let f = signed_fixture();
        let log = log();
        let mut entries = 0;
        for line in f.jsonl.lines().skip(1).filter(|l| !is_checkpoint(l)) {
            let unsigned = unsigned_entry(line).unwrap();
            assert_eq!(unsigned.len() + SIG_MEMBER_LEN, line.len());
            assert!(!unsigned.contains("\"sig\""));
            assert_eq!(log.signed_entry(&unsigned).unwrap(), line);
            // Already signed: unchanged either way.
            assert_eq!(log.signed_entry(line).unwrap(), line);
            assert_eq!(unsigned_entry(&unsigned).unwrap(), unsigned);
            entries += 1;
        }
        assert_eq!(entries, 5);
        for bad in [
            "",
            "{}",
            "{\"time\":}",
            "{\"seq\":1,\"time\":1x}",
            "{\"seq\":1}",
        ] {
            assert_eq!(
                log.signed_entry(bad).err().map(|e| e.reason),
                Some(AuditFailure::CorruptSlot),
                "{bad}"
            );
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn slot_corruption_is_reported() {
        assert!(AuditLog::from_legacy_slot(&[], SecretBytes::zeroed())
            .unwrap()
            .is_none());
        for bad in [
            &b"XXXX"[..],
            b"CAL1short",
            &[b"CAL1".as_slice(), &[1u8; 32], b"no newline"].concat(),
        ] {
            assert_eq!(
                AuditLog::from_legacy_slot(bad, SecretBytes::zeroed())
                    .err()
                    .map(|e| e.reason),
                Some(AuditFailure::CorruptSlot)
            );
        }
        let good = log().to_slot();
        let good = good.expose_secret();
        assert_eq!(good.len(), SLOT_FIXED);
        for bad in [
            &b""[..],
            &good[..SLOT_FIXED - 1],
            &[b"CAL1", &good[4..]].concat(),
            &[good, b"not a checkpoint"].concat(),
        ] {
            assert_eq!(
                AuditLog::open(bad, &[]).err().map(|e| e.reason),
                Some(AuditFailure::CorruptSlot)
            );
        }
    }
}
