//! Canonical JSON and domain-separated hashes (`docs/policy.md` §"The approval digest").
//!
//! Object members are sorted by the bytes of their names explicitly, so the encoding does not
//! depend on how `serde_json::Map` happens to be ordered in a build (the `preserve_order`
//! feature, if any crate in the tree enables it, switches it to insertion order).

use serde_json::Value;
use sha2::{Digest, Sha256};

/// `value` as canonical JSON: no whitespace, members sorted by name, serde_json's escaping.
pub fn to_canonical_json(value: &Value) -> String {
    // Only serde_json's output and ASCII punctuation go in, so the bytes are UTF-8.
    String::from_utf8(canonical_bytes(value)).unwrap_or_default()
}

/// [`to_canonical_json`] as bytes.
pub fn canonical_bytes(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    write(value, &mut out);
    out
}

// Scalars and names go through serde_json's writer straight into `out` (no string per
// value): this runs on every request (the request hash, the audit entry).
fn write(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => {
            // Writing into a Vec cannot fail.
            let _ = serde_json::to_writer(&mut *out, value);
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write(item, out);
            }
            out.push(b']');
        }
        Value::Object(map) => {
            let mut members: Vec<(&String, &Value)> = map.iter().collect();
            members.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push(b'{');
            for (i, (name, item)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                let _ = serde_json::to_writer(&mut *out, name);
                out.push(b':');
                write(item, out);
            }
            out.push(b'}');
        }
    }
}

/// `SHA-256(label || 0x00 || canonical_json(value))`: every hash Custodian signs or compares
/// over JSON carries its purpose, so one kind can never be mistaken for another.
pub fn domain_hash(label: &str, value: &Value) -> [u8; 32] {
    domain_hash_of_canonical(label, &canonical_bytes(value))
}

/// [`domain_hash`] of a value already in canonical form.
pub fn domain_hash_of_canonical(label: &str, canonical: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(label.as_bytes());
    h.update([0u8]);
    h.update(canonical);
    h.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn sorts_members_at_every_depth_and_escapes_like_serde() {
        let v = json!({"b": [1, {"z": null, "a": true}], "a": "x\"\u{1}\n é", "B": -3});
        assert_eq!(
            to_canonical_json(&v),
            r#"{"B":-3,"a":"x\"\u0001\n é","b":[1,{"a":true,"z":null}]}"#
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn domain_hash_separates_labels() {
        // SHA-256("a" || 0x00 || "1"), computed independently with Python's hashlib.
        assert_eq!(
            hex::encode(domain_hash("a", &json!(1))),
            "05a9c569a185ac60f5511f9760bc3f1ac046b20d18db2ad4d8fa86eda4f5b28e"
        );
        assert_ne!(domain_hash("a", &json!(1)), domain_hash("b", &json!(1)));
    }
}
