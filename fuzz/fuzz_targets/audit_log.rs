//! Audit log lines (docs/audit-log.md): `audit::verify` over JSON Lines an auditor was handed,
//! `AuditLog::from_legacy_slot` over a first-format slot, and `AuditLog::open` over the stored
//! records.
//!
//! The first input byte picks a mode; the rest is the payload:
//! - 0: the payload as an exported log, checked against the harness's audit key;
//! - 1: edits of a valid exported log (one that starts with entry 0, or one that starts with a
//!   checkpoint): lines deleted, duplicated, swapped or replaced, bytes changed, the text cut.
//!   A log that still verifies must have exactly the original lines: every deletion,
//!   insertion, reordering, truncation or edit is found;
//! - 2: a JSON array of objects that the harness turns into lines, computing each `hash` and
//!   signing each line and the header with the audit key as docs/audit-log.md specifies, so
//!   the fuzzer reaches the chain checks behind the signatures. A log that verifies must be a
//!   chain: entry 0 or a checkpoint first, then `seq` + 1 and `prevHash` = the previous hash
//!   on every line, and the header's count, `lastSeq` and `headHash` matching;
//! - 3: the payload as the stored lines of a first-format audit slot (`"CAL1" || key || lines`):
//!   read, append one event, export, verify. A stored log whose export verifies still
//!   verifies after an append, with one more line;
//! - 4: edits of the stored records of a valid five-entry log (bytes changed, records deleted,
//!   duplicated or stored under another seq, junk records added): `AuditLog::open` never fails
//!   on a valid slot, and when it says the log is intact its lines are exactly the original.
//!
//! The valid logs in mode 1 are built with the same spec-side signing as mode 2, and
//! `verify` must accept them: that checks the harness against the core once per process.
#![no_main]

use std::sync::OnceLock;

use custodian_core::audit::{self, AuditLog, AuditRecord, LogStatus};
use custodian_core::keys::ed25519::Ed25519PrivateKey;
use custodian_core::policy::canonical::{domain_hash, to_canonical_json};
use custodian_core::secret::SecretBytes;
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Map, Value};

const SEED: [u8; 32] = [0x5a; 32];
const ENTRY_LABEL: &str = "custodian/v1/audit-entry";
const CHECKPOINT_LABEL: &str = "custodian/v1/audit-checkpoint";
const HEAD_LABEL: &str = "custodian/v1/audit-head";
const ZERO_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

struct Fixture {
    key: Ed25519PrivateKey,
    public: [u8; 32],
    /// A log of five entries from entry 0, exported.
    from_zero: String,
    /// A checkpoint folding entries 0..=9, then entries 10..=13, exported.
    from_checkpoint: String,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let key = Ed25519PrivateKey::from_bytes(&SEED).expect("seed");
        let public = key.public_key().to_bytes();
        let entries = |from: u64, to: u64, prev: &str| -> Vec<Value> {
            (from..=to)
                .map(|seq| {
                    json!({"details": {"i": seq}, "event": if seq % 3 == 0 { "vault.unlocked" } else { "sign.allowed" },
                       "prevHash": if seq == from { prev } else { "" }, "seq": seq, "time": 1_700_000_000_000u64 + seq})
                })
                .collect()
        };
        let from_zero = export(&key, &chain(&key, entries(0, 4, ZERO_HASH)));
        let cp_hash = hex(&[0xab; 32]);
        let mut lines = vec![sign_checkpoint(
            &key,
            json!({"checkpoint": {"at": 1_700_000_100_000u64, "entries": 10,
                   "events": {"sign.allowed": 6, "vault.unlocked": 4},
                   "fromSeq": 0, "fromTime": 1_700_000_000_000u64, "toTime": 1_700_000_000_009u64},
                   "hash": cp_hash, "seq": 9}),
        )];
        lines.extend(chain(&key, entries(10, 13, &cp_hash)));
        let from_checkpoint = export(&key, &lines);
        for (log, n) in [(&from_zero, 5), (&from_checkpoint, 5)] {
            assert_eq!(
                audit::verify(log, &public),
                Ok(n),
                "harness signing disagrees with the core: {log}"
            );
        }
        Fixture {
            key,
            public,
            from_zero,
            from_checkpoint,
        }
    })
}

/// Entries with their `prevHash` filled in from the previous entry (an empty one is filled).
fn chain(key: &Ed25519PrivateKey, bodies: Vec<Value>) -> Vec<String> {
    let mut prev = String::new();
    bodies
        .into_iter()
        .map(|mut b| {
            if b["prevHash"] == "" {
                b["prevHash"] = Value::String(prev.clone());
            }
            let (line, hash) = sign_entry(key, b);
            prev = hash;
            line
        })
        .collect()
}

/// docs/audit-log.md §Entries: `hash` over the body without `hash` and `sig`, `sig` over the
/// hash bytes. Returns the line and the hash.
fn sign_entry(key: &Ed25519PrivateKey, body: Value) -> (String, String) {
    let mut obj = match body {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    obj.remove("hash");
    obj.remove("sig");
    let hash = domain_hash(ENTRY_LABEL, &Value::Object(obj.clone()));
    obj.insert("hash".into(), Value::String(hex(&hash)));
    obj.insert("sig".into(), Value::String(hex(&key.sign(&hash))));
    (to_canonical_json(&Value::Object(obj)), hex(&hash))
}

/// docs/audit-log.md §"The stored log and its bound": `sig` over the domain hash of the rest.
fn sign_checkpoint(key: &Ed25519PrivateKey, body: Value) -> String {
    let mut obj = match body {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    obj.remove("sig");
    let digest = domain_hash(CHECKPOINT_LABEL, &Value::Object(obj.clone()));
    obj.insert("sig".into(), Value::String(hex(&key.sign(&digest))));
    to_canonical_json(&Value::Object(obj))
}

/// docs/audit-log.md §Export: the signed header, then the lines.
fn export(key: &Ed25519PrivateKey, lines: &[String]) -> String {
    let last: Option<Value> = lines.last().and_then(|l| serde_json::from_str(l).ok());
    let field = |name: &str| {
        last.as_ref()
            .and_then(|v| v.get(name).cloned())
            .unwrap_or(Value::Null)
    };
    let body = json!({
        "count": lines.len(),
        "exportedAt": 1_700_000_200_000u64,
        "format": audit::FORMAT,
        "headHash": field("hash"),
        "lastSeq": field("seq"),
        "publicKey": hex(&key.public_key().to_bytes()),
    });
    let mut obj = match body {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    let digest = domain_hash(HEAD_LABEL, &Value::Object(obj.clone()));
    obj.insert("sig".into(), Value::String(hex(&key.sign(&digest))));
    let mut out = to_canonical_json(&Value::Object(obj));
    out.push('\n');
    for line in lines {
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// A five-entry log as stored: its slot, its lines, and its records.
fn stored() -> (Vec<u8>, String, Vec<AuditRecord>) {
    static S: OnceLock<(Vec<u8>, String, Vec<AuditRecord>)> = OnceLock::new();
    S.get_or_init(|| {
        let mut log = AuditLog::new(
            &SecretBytes::from_array(&mut SEED.clone()),
            SecretBytes::from_array(&mut [0x33; 32]),
        );
        let records = (0..5u64)
            .map(|i| {
                log.append(
                    1_700_000_000_000 + i,
                    "sign.allowed",
                    json!({ "i": i }),
                    &[i as u8; 24],
                )
                .expect("append")
                .record
            })
            .collect();
        (log.to_slot().expose_secret().to_vec(), log.stored_lines(), records)
    })
    .clone()
}

/// Applies the edits `ops` describes to `log`, line by line or byte by byte.
fn edit(log: &str, ops: &[u8]) -> Vec<u8> {
    let mut lines: Vec<Vec<u8>> = log.lines().map(|l| l.as_bytes().to_vec()).collect();
    let mut ops = ops.iter().copied();
    let mut tail_cut: Option<usize> = None;
    while let Some(op) = ops.next() {
        let n = lines.len().max(1);
        let a = usize::from(ops.next().unwrap_or(0)) % n;
        let b = usize::from(ops.next().unwrap_or(0)) % n;
        match op % 6 {
            0 if lines.len() > a => {
                lines.remove(a);
            }
            1 if lines.len() > a => {
                let copy = lines[a].clone();
                lines.insert(b.min(lines.len()), copy);
            }
            2 if lines.len() > a.max(b) => lines.swap(a, b),
            3 if lines.len() > a => {
                // Change one byte of line a at offset (b * 37) to the next op byte.
                let line = &mut lines[a];
                if !line.is_empty() {
                    let at = (b * 37) % line.len();
                    line[at] = ops.next().unwrap_or(b'0');
                }
            }
            4 if lines.len() > a => {
                // Replace line a with the rest of the input.
                lines[a] = ops.by_ref().collect();
            }
            5 => tail_cut = Some(usize::from(ops.next().unwrap_or(0)) * 16 + a),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for line in lines {
        out.extend_from_slice(&line);
        out.push(b'\n');
    }
    if let Some(cut) = tail_cut {
        out.truncate(out.len().saturating_sub(cut));
    }
    out
}

/// Mode 2's check: a log that verified is a chain, and its header names its head.
fn assert_chain(text: &str, count: usize) {
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("verified lines are JSON"))
        .collect();
    let (header, rest) = lines.split_first().expect("a header");
    assert_eq!(rest.len(), count);
    assert_eq!(header["count"].as_u64(), Some(count as u64));
    let mut prev: Option<(u64, String)> = None;
    for (i, line) in rest.iter().enumerate() {
        let seq = line["seq"].as_u64().expect("seq");
        let hash = line["hash"].as_str().expect("hash").to_owned();
        if line.get("checkpoint").is_some() {
            assert_eq!(i, 0, "a checkpoint only first");
        } else {
            match &prev {
                None => {
                    assert_eq!(seq, 0, "first entry is entry 0");
                    assert_eq!(line["prevHash"], ZERO_HASH);
                }
                Some((p, h)) => {
                    assert_eq!(Some(seq), p.checked_add(1), "seq + 1");
                    assert_eq!(line["prevHash"].as_str(), Some(h.as_str()), "chained");
                }
            }
        }
        prev = Some((seq, hash));
    }
    match prev {
        None => assert!(header["headHash"].is_null()),
        Some((seq, hash)) => {
            assert_eq!(header["headHash"].as_str(), Some(hash.as_str()));
            assert_eq!(header["lastSeq"].as_u64(), Some(seq));
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let f = fixture();
    let Some((&mode, payload)) = data.split_first() else {
        return;
    };
    match mode % 5 {
        0 => {
            if let Ok(text) = std::str::from_utf8(payload) {
                let _ = audit::verify(text, &f.public);
                let _ = audit::verify(text, &[0u8; 32]);
            }
        }
        1 => {
            let (original, ops) = match payload.split_first() {
                Some((&which, ops)) if which % 2 == 1 => (&f.from_checkpoint, ops),
                Some((_, ops)) => (&f.from_zero, ops),
                None => (&f.from_zero, payload),
            };
            let edited = edit(original, ops);
            let Ok(text) = std::str::from_utf8(&edited) else {
                return;
            };
            match audit::verify(text, &f.public) {
                Ok(n) => {
                    assert_eq!(n, 5);
                    assert!(
                        text.lines().eq(original.lines()),
                        "an edited log verifies:\n{text}"
                    );
                }
                Err(e) => {
                    assert!(e.line >= 1 && e.line <= text.lines().count() + 1, "{e:?}");
                }
            }
        }
        2 => {
            let Ok(Value::Array(items)) = serde_json::from_slice::<Value>(payload) else {
                return;
            };
            let lines: Vec<String> = items
                .into_iter()
                .take(16)
                .map(|item| {
                    if item.get("checkpoint").is_some() {
                        sign_checkpoint(&f.key, item)
                    } else {
                        sign_entry(&f.key, item).0
                    }
                })
                .collect();
            let text = export(&f.key, &lines);
            if let Ok(n) = audit::verify(&text, &f.public) {
                assert_chain(&text, n);
            }
        }
        4 => {
            let (slot, lines, mut records) = stored();
            let mut ops = payload.iter().copied();
            while let Some(op) = ops.next() {
                let n = records.len().max(1);
                let a = usize::from(ops.next().unwrap_or(0)) % n;
                let b = ops.next().unwrap_or(0);
                match op % 5 {
                    0 if a < records.len() => {
                        records.remove(a);
                    }
                    1 if a < records.len() => records.push(records[a].clone()),
                    2 if a < records.len() => records[a].seq = u64::from(b) % 8,
                    3 if a < records.len() => {
                        let r = &mut records[a];
                        let at = usize::from(b) % r.bytes.len().max(1);
                        if let Some(byte) = r.bytes.get_mut(at) {
                            *byte ^= ops.next().unwrap_or(1) | 1;
                        }
                    }
                    4 => records.push(AuditRecord {
                        seq: u64::from(b) % 8,
                        bytes: ops.by_ref().take(80).collect(),
                    }),
                    _ => {}
                }
            }
            let opened = AuditLog::open(&slot, &records).expect("a valid slot always opens");
            if opened.status == LogStatus::Intact {
                assert_eq!(opened.log.stored_lines(), lines, "an altered store read as intact");
            }
        }
        _ => {
            let slot = [b"CAL1".as_slice(), &SEED, payload].concat();
            let Ok(Some(mut log)) = AuditLog::from_legacy_slot(&slot, SecretBytes::zeroed()) else {
                return;
            };
            let before = log
                .export(1_700_000_300_000)
                .ok()
                .and_then(|e| audit::verify(&e.jsonl, &f.public).ok());
            if log
                .append(1_700_000_300_001, "vault.locked", json!({}), &[0; 24])
                .is_err()
            {
                return;
            }
            let Ok(after) = log.export(1_700_000_300_002) else {
                return;
            };
            let checked = audit::verify(&after.jsonl, &f.public);
            if let Some(n) = before {
                assert_eq!(checked, Ok(n + 1), "an append broke a valid log");
            }
        }
    }
});
