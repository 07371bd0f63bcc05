//! Validation of the policy document (docs/policy.md §The document, §Validation): the
//! examples in the documentation are valid, and every kind of mistake is refused with the
//! path of the bad field.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use custodian_core::policy::{Fallback, Policy, PolicyError, Switch};
use serde_json::{json, Value};
use wasm_bindgen_test::wasm_bindgen_test;

const POLICY_DOC: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/policy.md"));

/// RFC 8032 §7.1 test 1, 2 and 3 public keys.
const KEY_1: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
const KEY_2: &str = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c";

fn base() -> Value {
    json!({
        "version": 1,
        "approvers": [
            {"name": "alice", "publicKey": KEY_1},
            {"name": "bob", "publicKey": KEY_2}
        ],
        "quorum": 2,
        "rules": {
            "allowedChains": ["eip155:1", "solana:mainnet"],
            "overLimit": "approval",
            "ethereum": {
                "maxValueWei": "1000",
                "windows": [{"periodSeconds": 86400, "maxValueWei": "3000"}],
                "tokens": [{"address": "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48", "maxAmount": "5"}]
            },
            "solana": {
                "maxLamports": "10",
                "tokens": [{"mint": "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v", "maxAmount": "7"}]
            }
        }
    })
}

/// The JSON code blocks of docs/policy.md that are complete policies.
fn documented_examples() -> Vec<Value> {
    let mut out = Vec::new();
    let mut rest = POLICY_DOC;
    while let Some(start) = rest.find("```json\n") {
        let body = &rest[start + 8..];
        let end = body.find("```").unwrap();
        let text = &body[..end];
        // Blocks with `…` are shapes, not documents.
        if !text.contains('…') {
            let v: Value = serde_json::from_str(text).unwrap();
            if v.get("version").is_some() && v.get("rules").is_some() {
                out.push(v);
            }
        }
        rest = &body[end..];
    }
    out
}

#[wasm_bindgen_test(unsupported = test)]
fn the_documented_examples_are_valid_policies() {
    let examples = documented_examples();
    assert_eq!(examples.len(), 3);
    let treasury = Policy::from_json(&examples[0]).unwrap();
    assert_eq!((treasury.approvers.len(), treasury.quorum), (3, 2));
    assert_eq!(treasury.rules.over_limit, Fallback::Approval);
    let payroll = Policy::from_json(&examples[1]).unwrap();
    assert_eq!(
        payroll
            .rules
            .solana
            .allow_recipients
            .as_ref()
            .unwrap()
            .len(),
        3
    );
    let personal = Policy::from_json(&examples[2]).unwrap();
    assert_eq!(personal.quorum, 0);
    assert_eq!(personal.rules.message_signing, Switch::Allow);
    assert!(personal.rules.ethereum.typed_data.is_some());
}

#[wasm_bindgen_test(unsupported = test)]
fn defaults_are_the_restrictive_ones() {
    let p = Policy::from_json(&json!({
        "version": 1, "approvers": [], "quorum": 0, "rules": {"allowedChains": []}
    }))
    .unwrap();
    assert_eq!(p.rules.unlisted, Fallback::Deny);
    assert_eq!(p.rules.over_limit, Fallback::Deny);
    assert_eq!(p.rules.message_signing, Switch::Deny);
    assert_eq!(p.rules.export, Switch::Deny);
    assert!(p.rules.ethereum.max_value_wei.is_zero());
    assert!(p.rules.ethereum.block_unlimited_approvals);
    assert!(p.rules.ethereum.typed_data.is_none());
    assert!(p.rules.solana.max_lamports.is_zero());
    assert_eq!(p.approval_ttl_ms, 86_400_000);
}

#[wasm_bindgen_test(unsupported = test)]
fn the_hash_ignores_member_order_and_whitespace() {
    let a = Policy::from_json(&base()).unwrap();
    let reordered: Value = serde_json::from_str(
        r#"{ "rules": {"solana": {"tokens": [{"maxAmount": "7", "mint": "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"}], "maxLamports": "10"},
             "ethereum": {"tokens": [{"maxAmount": "5", "address": "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"}],
                          "windows": [{"maxValueWei": "3000", "periodSeconds": 86400}], "maxValueWei": "1000"},
             "overLimit": "approval", "allowedChains": ["eip155:1", "solana:mainnet"]},
           "quorum": 2,
           "approvers": [{"publicKey": "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "name": "alice"},
                         {"publicKey": "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "name": "bob"}],
           "version": 1 }"#,
    )
    .unwrap();
    assert_eq!(a.hash(), Policy::from_json(&reordered).unwrap().hash());
    let mut changed = base();
    changed["rules"]["ethereum"]["maxValueWei"] = json!("1001");
    assert_ne!(a.hash(), Policy::from_json(&changed).unwrap().hash());
}

#[wasm_bindgen_test(unsupported = test)]
fn mistakes_are_refused_with_the_path_of_the_field() {
    type Edit = fn(&mut Value);
    let cases: &[(Edit, &str, &str)] = &[
        (
            |p| p["version"] = json!(2),
            "version",
            "newer than this wallet supports",
        ),
        (|p| p["version"] = json!(0), "version", "must be 1"),
        (|p| p["extra"] = json!(1), "extra", "unknown field"),
        (
            |p| p["rules"]["ethereum"]["allowContract"] = json!([]),
            "rules.ethereum.allowContract",
            "unknown field",
        ),
        (
            |p| {
                p.as_object_mut().unwrap().remove("quorum");
            },
            "quorum",
            "is required",
        ),
        (
            |p| p["quorum"] = json!(3),
            "quorum",
            "between 1 and the number of approvers (2)",
        ),
        (
            |p| p["quorum"] = json!(0),
            "quorum",
            "between 1 and the number of approvers",
        ),
        (
            |p| {
                p["approvers"] = json!([]);
            },
            "quorum",
            "must be 0 when there are no approvers",
        ),
        (
            |p| p["approvers"][1]["publicKey"] = json!(KEY_1),
            "approvers[1].publicKey",
            "duplicate of approvers[0].publicKey",
        ),
        (
            |p| p["approvers"][1]["name"] = json!("alice"),
            "approvers[1].name",
            "duplicate of approvers[0].name",
        ),
        (
            |p| p["approvers"][0]["publicKey"] = json!("abcd"),
            "approvers[0].publicKey",
            "64 hex digits or base58",
        ),
        // y = 2 is not the y-coordinate of a curve point: the encoding does not decompress.
        (
            |p| p["approvers"][0]["publicKey"] = json!(format!("02{}", "00".repeat(31))),
            "approvers[0].publicKey",
            "not a curve point",
        ),
        (
            |p| p["approvers"][0]["name"] = json!(""),
            "approvers[0].name",
            "1 to 64 characters",
        ),
        (
            |p| p["approvers"][0]["name"] = json!("a\u{7}b"),
            "approvers[0].name",
            "without control characters",
        ),
        (
            |p| p["approvalTtlSeconds"] = json!(59),
            "approvalTtlSeconds",
            "from 60 to 604800",
        ),
        (
            |p| p["rules"]["allowedChains"] = json!(["eip155:01"]),
            "rules.allowedChains[0]",
            "eip155:<chain id>",
        ),
        (
            |p| p["rules"]["allowedChains"] = json!(["eip155:1", "eip155:1"]),
            "rules.allowedChains[1]",
            "duplicate of rules.allowedChains[0]",
        ),
        (
            |p| p["rules"]["allowedChains"] = json!(["solana:mainnet-beta"]),
            "rules.allowedChains[0]",
            "solana:devnet",
        ),
        (
            |p| p["rules"]["overLimit"] = json!("allow"),
            "rules.overLimit",
            "\"deny\" or \"approval\"",
        ),
        (
            |p| p["rules"]["export"] = json!("maybe"),
            "rules.export",
            "\"allow\", \"deny\" or \"approval\"",
        ),
        (
            |p| p["rules"]["ethereum"]["maxValueWei"] = json!(1000),
            "rules.ethereum.maxValueWei",
            "decimal integer string",
        ),
        (
            |p| p["rules"]["ethereum"]["maxValueWei"] = json!("01000"),
            "rules.ethereum.maxValueWei",
            "no leading zeros",
        ),
        (
            |p| p["rules"]["ethereum"]["maxValueWei"] = json!("1e18"),
            "rules.ethereum.maxValueWei",
            "decimal integer string",
        ),
        (
            |p| p["rules"]["ethereum"]["maxValueWei"] = json!("-1"),
            "rules.ethereum.maxValueWei",
            "decimal integer string",
        ),
        (
            |p| {
                p["rules"]["ethereum"]["maxValueWei"] = json!("115792089237316195423570985008687907853269984665640564039457584007913129639936")
            },
            "rules.ethereum.maxValueWei",
            "decimal integer string",
        ),
        (
            |p| p["rules"]["ethereum"]["tokens"][0]["maxAmount"] = json!("x"),
            "rules.ethereum.tokens[0].maxAmount",
            "decimal integer string",
        ),
        (
            |p| {
                p["rules"]["ethereum"]["tokens"][0]["address"] =
                    json!("0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB49")
            },
            "rules.ethereum.tokens[0].address",
            "not an Ethereum address",
        ),
        (
            |p| p["rules"]["ethereum"]["tokens"] = json!([{"address": "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48", "maxAmount": "1"}, {"address": "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48", "maxAmount": "2"}]),
            "rules.ethereum.tokens[1].address",
            "duplicate of rules.ethereum.tokens[0].address",
        ),
        (
            |p| p["rules"]["ethereum"]["windows"][0]["periodSeconds"] = json!(0),
            "rules.ethereum.windows[0].periodSeconds",
            "from 1 to 31536000",
        ),
        (
            |p| p["rules"]["ethereum"]["windows"] = json!([{"periodSeconds": 60, "maxValueWei": "1"}, {"periodSeconds": 60, "maxValueWei": "2"}]),
            "rules.ethereum.windows[1].periodSeconds",
            "duplicate",
        ),
        (
            |p| p["rules"]["ethereum"]["windows"][0]["maxAmount"] = json!("1"),
            "rules.ethereum.windows[0].maxAmount",
            "unknown field",
        ),
        (
            |p| p["rules"]["ethereum"]["allowSelectors"] = json!(["a9059cbb"]),
            "rules.ethereum.allowSelectors[0]",
            "0x and 8 hex digits",
        ),
        (
            |p| p["rules"]["ethereum"]["denyRecipients"] = json!("0x00"),
            "rules.ethereum.denyRecipients",
            "must be a list",
        ),
        (
            |p| p["rules"]["ethereum"]["blockUnlimitedApprovals"] = json!("yes"),
            "rules.ethereum.blockUnlimitedApprovals",
            "true or false",
        ),
        (
            |p| p["rules"]["ethereum"]["typedData"] = json!({"allowVerifyingContract": []}),
            "rules.ethereum.typedData.allowVerifyingContract",
            "unknown field",
        ),
        (
            |p| p["rules"]["solana"]["maxLamports"] = json!("18446744073709551616"),
            "rules.solana.maxLamports",
            "at most 18446744073709551615",
        ),
        (
            |p| p["rules"]["solana"]["tokens"][0]["mint"] = json!("0OIl"),
            "rules.solana.tokens[0].mint",
            "not a Solana address",
        ),
        (
            |p| p["rules"]["solana"]["allowPrograms"] = json!([1]),
            "rules.solana.allowPrograms[0]",
            "must be a string",
        ),
        (|p| p["rules"] = json!([]), "rules", "must be a JSON object"),
        (
            |p| {
                p["approvers"] = json!([]);
                p["quorum"] = json!(0);
            },
            "rules.overLimit",
            "no approvers",
        ),
    ];
    for (n, (edit, path, problem)) in cases.iter().enumerate() {
        let mut doc = base();
        edit(&mut doc);
        let err = Policy::from_json(&doc).expect_err(&format!("case {n}"));
        let text = err.to_string();
        assert!(text.starts_with(&format!("{path}: ")), "case {n}: {text}");
        assert!(text.contains(problem), "case {n}: {text}");
        if *path == "version" && problem.contains("newer") {
            assert!(matches!(
                err,
                PolicyError::UnsupportedVersion {
                    found: 2,
                    supported: 1
                }
            ));
        }
    }
    assert_eq!(cases.len(), 40);
    let root = Policy::from_json(&json!([])).unwrap_err().to_string();
    assert_eq!(root, "policy: must be a JSON object");
}
