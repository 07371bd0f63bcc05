//! SLIP-0010 known-answer tests: every ed25519 chain (through the SLIP-0010 code) and every
//! secp256k1 chain (through the BIP-32 code, which SLIP-0010 secp256k1 is identical to).
//! Source: satoshilabs/slips slip-0010.md, copied unchanged into tests/vectors/.

// Test code: a panic is a failed test, and the workspace lints that forbid panicking paths are
// for library code (clippy.toml already relaxes them inside #[test] functions only).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use custodian_core::keys::bip32::ExtendedPrivateKey;
use custodian_core::keys::path::DerivationPath;
use custodian_core::keys::slip10::Ed25519ExtendedKey;
use serde_json::Value;
use wasm_bindgen_test::wasm_bindgen_test;

const VECTORS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/vectors/slip10_test_vectors.json"
));

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

/// Runs `check` on every chain of every vector for `curve`; returns how many chains ran.
fn for_each_chain(curve: &str, mut check: impl FnMut(&[u8], &DerivationPath, &Value)) -> usize {
    let json: Value = serde_json::from_str(VECTORS).unwrap();
    let mut count = 0;
    for vector in json["vectors"].as_array().unwrap() {
        if vector["curve"] != curve {
            continue;
        }
        let seed = hex::decode(s(&vector["seed"])).unwrap();
        for chain in vector["chains"].as_array().unwrap() {
            let path: DerivationPath = s(&chain["path"]).parse().unwrap();
            check(&seed, &path, chain);
            count += 1;
        }
    }
    count
}

#[wasm_bindgen_test(unsupported = test)]
fn ed25519_all_chains() {
    let count = for_each_chain("ed25519", |seed, path, chain| {
        let node = Ed25519ExtendedKey::from_seed(seed)
            .unwrap()
            .derive_path(path)
            .unwrap();
        assert_eq!(
            hex::encode(node.private_key().to_bytes().expose_secret()),
            s(&chain["private"]),
            "{path}"
        );
        assert_eq!(
            hex::encode(node.chain_code().expose_secret()),
            s(&chain["chain_code"]),
            "{path}"
        );
        // SLIP-0010 lists Ed25519 public keys with a 0x00 prefix.
        assert_eq!(
            format!("00{}", hex::encode(node.public_key().to_bytes())),
            s(&chain["public"]),
            "{path}"
        );
        assert_eq!(
            hex::encode(node.info().parent_fingerprint),
            s(&chain["fingerprint"]),
            "{path}"
        );
        assert_eq!(usize::from(node.info().depth), path.len());
    });
    assert_eq!(count, 12);
}

#[wasm_bindgen_test(unsupported = test)]
fn secp256k1_all_chains_through_bip32() {
    let count = for_each_chain("secp256k1", |seed, path, chain| {
        let node = ExtendedPrivateKey::from_seed(seed)
            .unwrap()
            .derive_path(path)
            .unwrap();
        assert_eq!(
            hex::encode(node.private_key().to_bytes().expose_secret()),
            s(&chain["private"]),
            "{path}"
        );
        assert_eq!(
            hex::encode(node.chain_code().expose_secret()),
            s(&chain["chain_code"]),
            "{path}"
        );
        assert_eq!(
            hex::encode(node.private_key().public_key().to_compressed()),
            s(&chain["public"]),
            "{path}"
        );
        assert_eq!(
            hex::encode(node.info().parent_fingerprint),
            s(&chain["fingerprint"]),
            "{path}"
        );
    });
    assert_eq!(count, 12);
}

/// The file's other curves are out of scope; this pins how many chains are skipped, so a
/// changed vector file cannot silently drop ed25519 or secp256k1 cases.
#[wasm_bindgen_test(unsupported = test)]
fn skipped_curves_are_only_nist256p1_and_curve25519() {
    let nist = for_each_chain("nist256p1", |_, _, _| {});
    let x25519 = for_each_chain("curve25519", |_, _, _| {});
    assert_eq!((nist, x25519), (16, 12));
    let json: Value = serde_json::from_str(VECTORS).unwrap();
    let total: usize = json["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["chains"].as_array().unwrap().len())
        .sum();
    assert_eq!(total, 12 + 12 + 16 + 12);
}
