//! The audit log's export and `audit::verify` (docs/audit-log.md §Verification): every kind
//! of tampering is found, at the line the document says.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use custodian_core::audit::{verify, AuditExport, AuditFailure, AuditLog};
use custodian_core::keys::ed25519::Ed25519PrivateKey;
use custodian_core::policy::canonical::{domain_hash, to_canonical_json};
use custodian_core::secret::SecretBytes;
use serde_json::{json, Value};
use wasm_bindgen_test::wasm_bindgen_test;

const EVENTS: usize = 8;

fn sample(seed: u8) -> (AuditLog, AuditExport) {
    let mut log = AuditLog::new(
        &SecretBytes::from_array(&mut [seed; 32]),
        SecretBytes::from_array(&mut [seed ^ 0xff; 32]),
    );
    log.append(
        1_000,
        "vault.created",
        json!({"source": "generated"}),
        &[0; 24],
    )
    .unwrap();
    for i in 1..EVENTS as u64 {
        log.append(
            1_000 + i,
            "sign.allowed",
            json!({"method": "personal_sign", "n": i}),
            &[i as u8; 24],
        )
        .unwrap();
    }
    let export = log.export(9_000).unwrap();
    (log, export)
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::to_owned).collect()
}

fn join(lines: &[String]) -> String {
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// Re-signs an entry line with `key` after recomputing its hash, as a forger would.
fn forge(line: &str, key: &Ed25519PrivateKey, edit: impl FnOnce(&mut Value)) -> String {
    let mut v: Value = serde_json::from_str(line).unwrap();
    edit(&mut v);
    let obj = v.as_object_mut().unwrap();
    obj.remove("hash");
    obj.remove("sig");
    let hash = domain_hash("custodian/v1/audit-entry", &v);
    let sig = key.sign(&hash);
    let obj = v.as_object_mut().unwrap();
    obj.insert("hash".into(), json!(hex::encode(hash)));
    obj.insert("sig".into(), json!(hex::encode(sig)));
    to_canonical_json(&v)
}

#[wasm_bindgen_test(unsupported = test)]
fn an_untouched_export_verifies() {
    let (log, export) = sample(1);
    assert_eq!(export.entries, EVENTS);
    assert_eq!(export.public_key, hex::encode(log.public_key()));
    assert_eq!(export.jsonl.lines().count(), EVENTS + 1);
    assert_eq!(verify(&export.jsonl, &log.public_key()), Ok(EVENTS));
    // Line 1 is the signed header, then entry 0 with an all-zero prevHash.
    let header: Value = serde_json::from_str(export.jsonl.lines().next().unwrap()).unwrap();
    assert_eq!(header["format"], "custodian-audit-log/1");
    assert_eq!(header["count"], EVENTS);
    assert_eq!(header["lastSeq"], EVENTS - 1);
    let first: Value = serde_json::from_str(export.jsonl.lines().nth(1).unwrap()).unwrap();
    assert_eq!(first["seq"], 0);
    assert_eq!(first["prevHash"], "0".repeat(64));
}

#[wasm_bindgen_test(unsupported = test)]
fn every_tampering_is_found_at_the_first_bad_line() {
    let (log, export) = sample(1);
    let key = log.public_key();
    let original = lines(&export.jsonl);
    let (_, mallory_export) = sample(9);

    type Tamper = Box<dyn Fn(&mut Vec<String>)>;
    type Expect = fn(&AuditFailure) -> bool;
    let cases: Vec<(&str, Tamper, usize, Expect)> = vec![
        (
            "edit a field, hash left as it was",
            Box::new(|l| l[4] = l[4].replace("\"n\":3", "\"n\":4")),
            5,
            |f| *f == AuditFailure::HashMismatch,
        ),
        (
            "edit a field and recompute the hash, signed by another key",
            {
                let m = Ed25519PrivateKey::from_bytes(&[9u8; 32]).unwrap();
                Box::new(move |l| l[4] = forge(&l[4], &m, |v| v["details"]["n"] = json!(40)))
            },
            5,
            |f| *f == AuditFailure::BadSignature,
        ),
        (
            "delete an entry",
            Box::new(|l| {
                l.remove(5);
            }),
            6,
            |f| {
                *f == AuditFailure::UnexpectedSeq {
                    expected: 4,
                    found: 5,
                }
            },
        ),
        ("swap two entries", Box::new(|l| l.swap(3, 6)), 4, |f| {
            *f == AuditFailure::UnexpectedSeq {
                expected: 2,
                found: 5,
            }
        }),
        (
            "cut the last two entries",
            Box::new(|l| l.truncate(l.len() - 2)),
            EVENTS,
            |f| {
                *f == AuditFailure::Truncated {
                    expected: EVENTS,
                    found: EVENTS - 2,
                }
            },
        ),
        (
            "cut the last entry and fix the header's count",
            Box::new(|l| {
                l.pop();
                l[0] = l[0].replace(
                    &format!("\"count\":{EVENTS}"),
                    &format!("\"count\":{}", EVENTS - 1),
                );
            }),
            1,
            |f| *f == AuditFailure::BadSignature,
        ),
        (
            "cut the first entry",
            Box::new(|l| {
                l.remove(1);
            }),
            2,
            |f| *f == AuditFailure::BadStart,
        ),
        (
            "append a forged entry",
            {
                let m = Ed25519PrivateKey::from_bytes(&[9u8; 32]).unwrap();
                Box::new(move |l| {
                    let last = l.last().unwrap().clone();
                    let prev: Value = serde_json::from_str(&last).unwrap();
                    let extra = forge(&last, &m, |v| {
                        v["seq"] = json!(EVENTS);
                        v["prevHash"] = prev["hash"].clone();
                    });
                    l.push(extra);
                })
            },
            EVENTS + 2,
            |f| *f == AuditFailure::Extended { expected: EVENTS },
        ),
        (
            "re-sign the whole log with another key",
            {
                let other = lines(&mallory_export.jsonl);
                Box::new(move |l| *l = other.clone())
            },
            1,
            |f| *f == AuditFailure::WrongKey,
        ),
        (
            "another key's log presented under our key in the header",
            {
                let other = lines(&mallory_export.jsonl);
                let ours = hex::encode(sample(1).0.public_key());
                let theirs = hex::encode(sample(9).0.public_key());
                Box::new(move |l| {
                    *l = other.clone();
                    l[0] = l[0].replace(&theirs, &ours);
                })
            },
            1,
            |f| *f == AuditFailure::BadSignature,
        ),
        (
            "whitespace added to an entry",
            Box::new(|l| l[3] = l[3].replacen(",", ", ", 1)),
            4,
            |f| *f == AuditFailure::NotCanonical,
        ),
        (
            "an entry that is not JSON",
            Box::new(|l| l[7] = "garbage".to_owned()),
            8,
            |f| *f == AuditFailure::NotJson,
        ),
    ];
    let mut checked = 0;
    for (name, tamper, line, reason) in &cases {
        let mut l = original.clone();
        tamper(&mut l);
        let text = join(&l);
        assert_ne!(text, export.jsonl, "{name}: the case must change the text");
        let err = verify(&text, &key).expect_err(name);
        assert_eq!(err.line, *line, "{name}: {err}");
        assert!(reason(&err.reason), "{name}: {err}");
        checked += 1;
    }
    assert_eq!(checked, 12);
}

#[wasm_bindgen_test(unsupported = test)]
fn the_wrong_expected_key_and_an_empty_text_are_refused() {
    let (_, export) = sample(1);
    let (other, _) = sample(2);
    let err = verify(&export.jsonl, &other.public_key()).unwrap_err();
    assert_eq!((err.line, err.reason), (1, AuditFailure::WrongKey));
    let err = verify("", &other.public_key()).unwrap_err();
    assert_eq!((err.line, err.reason), (1, AuditFailure::Empty));
}
