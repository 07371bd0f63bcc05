//! Argon2 known-answer tests: RFC 9106 §5 (with secret and associated data) and the reference
//! implementation's plain Argon2id hashes, from `tests/vectors/argon2_test_vectors.json`.
//!
//! The vault derives its key with the `argon2` crate exactly as configured here (Argon2id,
//! version 0x13, 32-byte tag), so these pin the KDF the vault depends on.
// A test binary: a panic is how a failed check is reported, and counts cannot overflow.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use argon2::{Algorithm, Argon2, AssociatedData, ParamsBuilder, Version};
use serde_json::Value;
use wasm_bindgen_test::wasm_bindgen_test;

const VECTORS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/vectors/argon2_test_vectors.json"
));

fn vectors() -> Value {
    serde_json::from_str(VECTORS).unwrap()
}

fn num(v: &Value, k: &str) -> u32 {
    u32::try_from(v[k].as_u64().unwrap()).unwrap()
}

fn bytes(v: &Value, k: &str) -> Vec<u8> {
    hex::decode(v[k].as_str().unwrap()).unwrap()
}

#[wasm_bindgen_test(unsupported = test)]
fn rfc9106_section5_all_three() {
    let mut count = 0;
    for case in vectors()["rfc9106"].as_array().unwrap() {
        let algorithm = match case["type"].as_str().unwrap() {
            "argon2d" => Algorithm::Argon2d,
            "argon2i" => Algorithm::Argon2i,
            "argon2id" => Algorithm::Argon2id,
            other => panic!("unknown type {other}"),
        };
        assert_eq!(case["version"], 19);
        let params = ParamsBuilder::new()
            .m_cost(num(case, "memory_kib"))
            .t_cost(num(case, "iterations"))
            .p_cost(num(case, "parallelism"))
            .output_len(num(case, "tag_length") as usize)
            .data(AssociatedData::new(&bytes(case, "associated_data")).unwrap())
            .build()
            .unwrap();
        let secret = bytes(case, "secret");
        let argon = Argon2::new_with_secret(&secret, algorithm, Version::V0x13, params).unwrap();
        let mut tag = vec![0u8; num(case, "tag_length") as usize];
        argon
            .hash_password_into(&bytes(case, "password"), &bytes(case, "salt"), &mut tag)
            .unwrap();
        assert_eq!(
            hex::encode(&tag),
            case["tag"].as_str().unwrap(),
            "{}",
            case["name"]
        );
        count += 1;
    }
    assert_eq!(count, 3);
}

/// The 256 MiB case runs natively only: a debug WebAssembly build takes far too long on it.
#[wasm_bindgen_test(unsupported = test)]
fn reference_plain_argon2id_hashes() {
    let (mut run, mut skipped) = (0, 0);
    for case in vectors()["argon2id_plain_hashes"].as_array().unwrap() {
        assert_eq!(case["type"], "argon2id");
        assert_eq!(case["secret"], "");
        assert_eq!(case["associated_data"], "");
        let memory = num(case, "memory_kib");
        if cfg!(target_arch = "wasm32") && memory > 65536 {
            skipped += 1;
            continue;
        }
        let params = argon2::Params::new(
            memory,
            num(case, "iterations"),
            num(case, "parallelism"),
            Some(32),
        )
        .unwrap();
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let mut tag = [0u8; 32];
        argon
            .hash_password_into(
                &bytes(case, "password_hex"),
                &bytes(case, "salt_hex"),
                &mut tag,
            )
            .unwrap();
        assert_eq!(hex::encode(tag), case["tag"].as_str().unwrap());
        // The ASCII fields are the same bytes as the hex ones.
        assert_eq!(
            case["password"].as_str().unwrap().as_bytes(),
            bytes(case, "password_hex")
        );
        run += 1;
    }
    assert_eq!(run + skipped, 8);
    assert_eq!(skipped, if cfg!(target_arch = "wasm32") { 1 } else { 0 });
}
