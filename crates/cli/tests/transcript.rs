//! The shared protocol transcript (tests/fixtures/protocol-transcript.json) through
//! `custodian rpc`. The Node tests run the same file through the WASM module; equal answers
//! from both, pinned to published vectors, are what "the same request produces the same
//! result everywhere" means. The format is in docs/cli.md ("Protocol transcript").

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

mod common;

use common::{Rpc, Scratch};
use serde_json::Value;

const TRANSCRIPT: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/protocol-transcript.json"
));

/// The vector files the transcript's `source` fields point into.
fn vector_file(name: &str) -> Value {
    let text = match name {
        "eip191_personal_sign.json" => include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/vectors/eip191_personal_sign.json"
        )),
        "eip712_example.json" => include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/vectors/eip712_example.json"
        )),
        "ethers_transactions_subset.json" => include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/vectors/ethers_transactions_subset.json"
        )),
        "solana_vectors.json" => include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/vectors/solana_vectors.json"
        )),
        other => panic!("transcript cites unknown vector file {other}"),
    };
    serde_json::from_str(text).unwrap()
}

fn transcript() -> Vec<Value> {
    serde_json::from_str::<Value>(TRANSCRIPT)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn pinned_results_are_the_published_ones() {
    // Every signature in the transcript is copied from a published vector; this keeps the
    // fixture and tests/vectors/ from drifting apart.
    let mut checked = 0;
    for entry in transcript() {
        let Some(source) = entry.get("source") else {
            continue;
        };
        let vectors = vector_file(source["file"].as_str().unwrap());
        let published = vectors
            .pointer(source["pointer"].as_str().unwrap())
            .unwrap_or_else(|| panic!("no {source}"));
        let at = source.get("at").and_then(Value::as_str).unwrap_or("");
        let pinned = entry["expect"]["result"].pointer(at).unwrap();
        assert_eq!(pinned, published, "{source}");
        checked += 1;
    }
    assert_eq!(checked, 8);
}

#[test]
fn the_transcript_through_custodian_rpc() {
    let entries = transcript();
    assert_eq!(entries.len(), 28);
    assert_eq!(
        entries[0]["reset"], true,
        "a transcript starts from an empty wallet"
    );
    let dir = Scratch::new("transcript");
    let mut rpc: Option<Rpc> = None;
    let (mut sessions, mut results, mut errors) = (0, 0, 0);
    for (i, entry) in entries.iter().enumerate() {
        if entry.get("reset") == Some(&Value::Bool(true)) {
            if let Some(previous) = rpc.take() {
                previous.finish();
            }
            sessions += 1;
            rpc = Some(Rpc::start(&dir.path(&format!("session-{sessions}.vault"))));
        }
        let rpc = rpc.as_mut().unwrap();
        let request = &entry["request"];
        let method = request["method"].as_str().unwrap();
        let resp = rpc.request(method, request["params"].clone());
        let expect = &entry["expect"];
        let context = format!("entry {i} ({method}): {resp}");
        match (expect.get("result"), expect.get("error")) {
            (Some(result), None) => {
                assert_eq!(resp.get("result"), Some(result), "{context}");
                results += 1;
            }
            (None, Some(error)) => {
                let got = &resp["error"];
                assert_eq!(got["code"], error["code"], "{context}");
                assert_eq!(got["data"]["kind"], error["kind"], "{context}");
                errors += 1;
            }
            _ => panic!("entry {i}: expect holds exactly one of result and error"),
        }
    }
    rpc.unwrap().finish();
    assert_eq!((sessions, results, errors), (4, 19, 9));
}
