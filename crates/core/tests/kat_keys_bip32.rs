//! BIP-32 known-answer tests: test vectors 1-4 (every chain, xprv and xpub, private and public
//! derivation) and test vector 5 (every invalid key rejected, for the reason the BIP gives).
//! Source: bitcoin/bips bip-0032.mediawiki, copied unchanged into tests/vectors/.

// Test code: a panic is a failed test, and the workspace lints that forbid panicking paths are
// for library code (clippy.toml already relaxes them inside #[test] functions only).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use custodian_core::keys::bip32::{Bip32Error, ExtendedKey, ExtendedPrivateKey, ExtendedPublicKey};
use custodian_core::keys::path::DerivationPath;
use serde_json::Value;
use wasm_bindgen_test::wasm_bindgen_test;

const VECTORS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/vectors/bip32_test_vectors.json"
));

fn json() -> Value {
    serde_json::from_str(VECTORS).unwrap()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

#[wasm_bindgen_test(unsupported = test)]
fn vectors_1_to_4_private_derivation_and_serialisation() {
    let json = json();
    let mut chains = 0;
    for vector in json["valid"].as_array().unwrap() {
        let seed = hex::decode(s(&vector["seed"])).unwrap();
        let master = ExtendedPrivateKey::from_seed(&seed).unwrap();
        for chain in vector["chains"].as_array().unwrap() {
            let path: DerivationPath = s(&chain["path"]).parse().unwrap();
            assert_eq!(path.to_string(), s(&chain["path"]));
            let node = master.derive_path(&path).unwrap();
            let name = format!("{} {}", s(&vector["name"]), path);

            assert_eq!(node.to_xprv().expose_secret(), s(&chain["xprv"]), "{name}");
            assert_eq!(node.public_key().to_xpub(), s(&chain["xpub"]), "{name}");

            let decoded = &chain["decoded"];
            let info = node.info();
            assert_eq!(u64::from(info.depth), decoded["depth"].as_u64().unwrap());
            assert_eq!(
                hex::encode(info.parent_fingerprint),
                s(&decoded["parent_fingerprint"])
            );
            assert_eq!(
                u64::from(info.child_number.to_u32()),
                decoded["child_number"].as_u64().unwrap()
            );
            assert_eq!(
                hex::encode(node.chain_code().expose_secret()),
                s(&decoded["chain_code"])
            );
            assert_eq!(
                hex::encode(node.private_key().to_bytes().expose_secret()),
                s(&decoded["private_key"])
            );
            assert_eq!(
                hex::encode(node.private_key().public_key().to_compressed()),
                s(&decoded["public_key"])
            );

            // Text round trips: parse the published strings and print them back.
            let xprv = ExtendedPrivateKey::from_xprv(s(&chain["xprv"])).unwrap();
            assert_eq!(xprv.to_xprv().expose_secret(), s(&chain["xprv"]));
            assert_eq!(xprv.info(), info);
            let xpub = ExtendedPublicKey::from_xpub(s(&chain["xpub"])).unwrap();
            assert_eq!(xpub.to_xpub(), s(&chain["xpub"]));
            assert_eq!(xpub, node.public_key());
            chains += 1;
        }
    }
    assert_eq!(chains, 17);
}

/// Wherever a chain's last step is normal, deriving it from the previous chain's published
/// xpub (CKDpub, no private key) must give the published xpub.
#[wasm_bindgen_test(unsupported = test)]
fn vectors_1_to_4_public_derivation() {
    let json = json();
    let mut checked = 0;
    for vector in json["valid"].as_array().unwrap() {
        let chains = vector["chains"].as_array().unwrap();
        for pair in chains.windows(2) {
            let parent: DerivationPath = s(&pair[0]["path"]).parse().unwrap();
            let child: DerivationPath = s(&pair[1]["path"]).parse().unwrap();
            assert_eq!(&child.steps()[..parent.len()], parent.steps());
            let step = *child.steps().last().unwrap();
            let parent_xpub = ExtendedPublicKey::from_xpub(s(&pair[0]["xpub"])).unwrap();
            if step.is_hardened() {
                assert_eq!(
                    parent_xpub.derive_child(step).unwrap_err(),
                    Bip32Error::HardenedFromPublic
                );
                continue;
            }
            let derived = parent_xpub.derive_child(step).unwrap();
            assert_eq!(derived.to_xpub(), s(&pair[1]["xpub"]), "{child}");
            checked += 1;
        }
    }
    // Normal last steps: vector 1 has three (m/0'/1, .../2'/2, .../2/1000000000), vector 2
    // three (m/0, .../2147483647'/1, .../2147483646'/2), vectors 3 and 4 none.
    assert_eq!(checked, 6);
}

#[wasm_bindgen_test(unsupported = test)]
fn vector_5_every_invalid_key_is_rejected_for_its_reason() {
    let json = json();
    let mut rejected = 0;
    for case in json["invalid"].as_array().unwrap() {
        let key = s(&case["key"]);
        let reason = s(&case["reason"]);
        let expected = match reason {
            "pubkey version / prvkey mismatch" | "prvkey version / pubkey mismatch" => {
                Bip32Error::VersionKeyMismatch
            }
            "invalid pubkey prefix 04" | "invalid pubkey prefix 01" => Bip32Error::InvalidPublicKey,
            "invalid prvkey prefix 04" | "invalid prvkey prefix 01" => {
                Bip32Error::InvalidPrivateKey
            }
            "zero depth with non-zero parent fingerprint" => {
                Bip32Error::MasterWithParentFingerprint
            }
            "zero depth with non-zero index" => Bip32Error::MasterWithChildNumber,
            "unknown extended key version" => Bip32Error::UnknownVersion,
            "private key 0 not in 1..n-1" | "private key n not in 1..n-1" => {
                Bip32Error::InvalidPrivateKey
            }
            "invalid checksum" => Bip32Error::Checksum,
            r if r.starts_with("invalid pubkey 02") => Bip32Error::InvalidPublicKey,
            other => panic!("unexpected reason in the vector file: {other}"),
        };
        assert_eq!(ExtendedKey::parse(key).unwrap_err(), expected, "{reason}");
        assert!(ExtendedPrivateKey::from_xprv(key).is_err(), "{reason}");
        assert!(ExtendedPublicKey::from_xpub(key).is_err(), "{reason}");
        rejected += 1;
    }
    assert_eq!(rejected, 16);
}
