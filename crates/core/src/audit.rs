//! The audit log: hash-chained entries signed by the vault's audit key, kept in the vault's
//! `audit` slot and exported as JSON Lines (`docs/audit-log.md` is the specification).

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::keys::ed25519::{Ed25519PrivateKey, Ed25519PublicKey};
use crate::policy::canonical::{domain_hash, to_canonical_json};
use crate::secret::{SecretBytes, SecretVec};

/// Most entries kept; beyond it the oldest [`FOLD`] are folded into the checkpoint. The whole
/// vault is sealed again on every event, so the bound is what keeps that cheap: at 10,000
/// entries (about 620 bytes each) a signature cost 90-180 ms of sealing natively and a 7.4 MB
/// write; at 2,000 the vault stays under about 1.6 MB.
pub const MAX_ENTRIES: usize = 2_000;
/// How many entries one compaction folds.
pub const FOLD: usize = 500;
/// The export format named in the header line.
pub const FORMAT: &str = "custodian-audit-log/1";
const MAGIC: &[u8; 4] = b"CAL1";
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
}

fn at(line: usize, reason: AuditFailure) -> AuditError {
    AuditError { line, reason }
}

/// The log of one vault, with its signing key.
pub struct AuditLog {
    key: Ed25519PrivateKey,
    /// Canonical JSON lines, each ending in `\n`: an optional checkpoint, then entries.
    lines: String,
    /// Entries in `lines` (the checkpoint not counted).
    count: usize,
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

/// The tail of the chain: what the next entry links to.
struct Tail {
    next_seq: u64,
    hash: String,
}

impl AuditLog {
    /// A new, empty log with a key made from `seed` (32 random bytes).
    pub fn new(seed: &SecretBytes<32>) -> Self {
        Self {
            key: Ed25519PrivateKey::from_bytes(seed.expose_secret())
                .unwrap_or_else(|_| Ed25519PrivateKey::from_array(&[0u8; 32])),
            lines: String::new(),
            count: 0,
        }
    }

    /// Reads the slot (`"CAL1" || key || lines`); `None` for an empty slot.
    ///
    /// # Errors
    /// [`AuditFailure::CorruptSlot`] (line 0).
    pub fn from_slot(slot: &[u8]) -> Result<Option<Self>, AuditError> {
        if slot.is_empty() {
            return Ok(None);
        }
        let corrupt = || at(0, AuditFailure::CorruptSlot);
        if slot.get(..4) != Some(MAGIC.as_slice()) {
            return Err(corrupt());
        }
        let key = slot
            .get(4..36)
            .and_then(|k| Ed25519PrivateKey::from_bytes(k).ok())
            .ok_or_else(corrupt)?;
        let text = slot.get(36..).ok_or_else(corrupt)?;
        let lines = String::from_utf8(text.to_vec()).map_err(|_| corrupt())?;
        if !(lines.is_empty() || lines.ends_with('\n')) {
            return Err(corrupt());
        }
        let count = lines.lines().filter(|l| !is_checkpoint(l)).count();
        Ok(Some(Self { key, lines, count }))
    }

    /// The slot bytes, in zeroizing memory (they hold the key).
    pub fn to_slot(&self) -> SecretVec {
        let key = self.key.to_bytes();
        let mut out = Vec::with_capacity(
            MAGIC
                .len()
                .saturating_add(32)
                .saturating_add(self.lines.len()),
        );
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(key.expose_secret());
        out.extend_from_slice(self.lines.as_bytes());
        SecretVec::new(out)
    }

    /// The audit public key.
    pub fn public_key(&self) -> [u8; 32] {
        self.key.public_key().to_bytes()
    }

    /// The stored lines (checkpoint and entries).
    pub fn lines(&self) -> &str {
        &self.lines
    }

    /// Number of stored entries (the checkpoint not counted).
    pub fn entry_count(&self) -> usize {
        self.count
    }

    /// Appends an event; folds the oldest entries into the checkpoint beyond [`MAX_ENTRIES`].
    ///
    /// # Errors
    /// [`AuditFailure::CorruptSlot`] if the stored tail does not parse.
    pub fn append(&mut self, time_ms: u64, event: &str, details: Value) -> Result<(), AuditError> {
        self.append_bounded(time_ms, event, details, MAX_ENTRIES, FOLD)
    }

    fn append_bounded(
        &mut self,
        time_ms: u64,
        event: &str,
        details: Value,
        max_entries: usize,
        fold: usize,
    ) -> Result<(), AuditError> {
        let tail = self.tail()?;
        let body = json!({
            "details": details,
            "event": event,
            "prevHash": tail.hash,
            "seq": tail.next_seq,
            "time": time_ms,
        });
        let line = self.sign_entry(body);
        self.lines.push_str(&line);
        self.lines.push('\n');
        self.count = self.count.saturating_add(1);
        if self.count > max_entries {
            self.compact(time_ms, fold)?;
        }
        Ok(())
    }

    fn sign_entry(&self, body: Value) -> String {
        let hash = domain_hash(ENTRY_LABEL, &body);
        let sig = self.key.sign(&hash);
        let mut obj = match body {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        obj.insert("hash".into(), Value::String(hex::encode(hash)));
        obj.insert("sig".into(), Value::String(hex::encode(sig)));
        to_canonical_json(&Value::Object(obj))
    }

    fn tail(&self) -> Result<Tail, AuditError> {
        let corrupt = || at(0, AuditFailure::CorruptSlot);
        let Some(last) = self.lines.lines().last() else {
            return Ok(Tail {
                next_seq: 0,
                hash: ZERO_HASH.to_owned(),
            });
        };
        let v: Value = serde_json::from_str(last).map_err(|_| corrupt())?;
        let seq = v.get("seq").and_then(Value::as_u64).ok_or_else(corrupt)?;
        let hash = v.get("hash").and_then(Value::as_str).ok_or_else(corrupt)?;
        Ok(Tail {
            next_seq: seq.checked_add(1).ok_or_else(corrupt)?,
            hash: hash.to_owned(),
        })
    }

    /// Folds the oldest [`FOLD`] entries (and any older checkpoint) into one checkpoint.
    fn compact(&mut self, now_ms: u64, fold: usize) -> Result<(), AuditError> {
        let corrupt = || at(0, AuditFailure::CorruptSlot);
        let mut lines = self.lines.lines().peekable();
        let mut summary = Map::new();
        let mut events = Map::new();
        let mut total: u64 = 0;
        let mut from: Option<(u64, u64)> = None; // (fromSeq, fromTime)
        if let Some(first) = lines.peek() {
            if is_checkpoint(first) {
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
                lines.next();
            }
        }
        let mut last: Option<(u64, u64, String)> = None; // (seq, time, hash)
        let mut folded = 0usize;
        for line in lines.by_ref().take(fold) {
            folded = folded.saturating_add(1);
            let v: Value = serde_json::from_str(line).map_err(|_| corrupt())?;
            let seq = v.get("seq").and_then(Value::as_u64).ok_or_else(corrupt)?;
            let time = v.get("time").and_then(Value::as_u64).ok_or_else(corrupt)?;
            let event = v.get("event").and_then(Value::as_str).ok_or_else(corrupt)?;
            let hash = v.get("hash").and_then(Value::as_str).ok_or_else(corrupt)?;
            if from.is_none() {
                from = Some((seq, time));
            }
            let n = events.get(event).and_then(Value::as_u64).unwrap_or(0);
            events.insert(event.to_owned(), Value::from(n.saturating_add(1)));
            total = total.saturating_add(1);
            last = Some((seq, time, hash.to_owned()));
        }
        let rest: Vec<&str> = lines.collect();
        let (Some((from_seq, from_time)), Some((seq, to_time, hash))) = (from, last) else {
            return Ok(());
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
        let mut out = to_canonical_json(&Value::Object(obj));
        out.push('\n');
        for line in rest {
            out.push_str(line);
            out.push('\n');
        }
        self.lines = out;
        self.count = self.count.saturating_sub(folded);
        Ok(())
    }

    /// The log as JSON Lines with a signed header (`docs/audit-log.md` §Export).
    ///
    /// # Errors
    /// [`AuditFailure::CorruptSlot`] if the stored tail does not parse.
    pub fn export(&self, now_ms: u64) -> Result<AuditExport, AuditError> {
        let count = self.lines.lines().count();
        let (last_seq, head) = match self.lines.lines().last() {
            None => (Value::Null, Value::Null),
            Some(last) => {
                let v: Value =
                    serde_json::from_str(last).map_err(|_| at(0, AuditFailure::CorruptSlot))?;
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
        jsonl.push_str(&self.lines);
        Ok(AuditExport {
            jsonl,
            public_key,
            entries: count,
        })
    }
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
        AuditLog::new(&SecretBytes::from_array(&mut [7u8; 32]))
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn compaction_folds_the_oldest_and_keeps_the_chain_verifiable() {
        let mut log = log();
        let key = log.public_key();
        for i in 0..25u64 {
            let event = if i % 5 == 0 {
                "vault.unlocked"
            } else {
                "sign.allowed"
            };
            log.append_bounded(1000 + i, event, json!({ "i": i }), 10, 4)
                .unwrap();
            // After every append the stored log verifies and stays within the bound.
            assert!(log.entry_count() <= 10);
            let export = log.export(5000).unwrap();
            assert_eq!(verify(&export.jsonl, &key), Ok(export.entries));
        }
        // 25 entries: compactions at the 11th, 15th, 19th and 23rd fold 4 each, 9 are kept.
        assert_eq!(log.entry_count(), 9);
        let first = log.lines().lines().next().unwrap();
        let v: Value = serde_json::from_str(first).unwrap();
        let c = &v["checkpoint"];
        assert_eq!(c["entries"], 16);
        assert_eq!(c["fromSeq"], 0);
        assert_eq!(c["fromTime"], 1000);
        assert_eq!(c["toTime"], 1015);
        assert_eq!(c["events"]["vault.unlocked"], 4);
        assert_eq!(c["events"]["sign.allowed"], 12);
        assert_eq!(v["seq"], 15);
        // The slot round-trips with its count.
        let again = AuditLog::from_slot(log.to_slot().expose_secret())
            .unwrap()
            .unwrap();
        assert_eq!(again.entry_count(), log.entry_count());
        assert_eq!(again.lines(), log.lines());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn slot_corruption_is_reported() {
        assert!(AuditLog::from_slot(&[]).unwrap().is_none());
        for bad in [
            &b"XXXX"[..],
            b"CAL1short",
            &[b"CAL1".as_slice(), &[1u8; 32], b"no newline"].concat(),
        ] {
            assert_eq!(
                AuditLog::from_slot(bad).err().map(|e| e.reason),
                Some(AuditFailure::CorruptSlot)
            );
        }
    }
}
