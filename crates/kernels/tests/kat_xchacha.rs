//! The vault's AEAD as custodian-kernels exposes it, against draft-irtf-cfrg-xchacha-03 §A.3.1
//! and the whole Wycheproof XChaCha20-Poly1305 suite: every verdict and every output checked,
//! natively and under wasm. (custodian-core's kat_aead.rs runs the same suites through the
//! chacha20poly1305 API; this checks the wrapper the vault now calls.)
// A test binary: a panic is how a failed check is reported, and counts cannot overflow.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use custodian_kernels::aead::{xchacha20poly1305_open, xchacha20poly1305_seal, AeadError};
use serde_json::Value;
use wasm_bindgen_test::wasm_bindgen_test;

fn load(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn bytes(v: &Value, k: &str) -> Vec<u8> {
    hex::decode(v[k].as_str().unwrap()).unwrap()
}

/// Seals `msg` and opens the result again; returns (ciphertext, tag).
fn seal(key: &[u8; 32], nonce: &[u8; 24], aad: &[u8], msg: &[u8]) -> (Vec<u8>, [u8; 16]) {
    let mut buf = msg.to_vec();
    let tag = xchacha20poly1305_seal(key, nonce, aad, &mut buf).unwrap();
    (buf, tag)
}

#[wasm_bindgen_test(unsupported = test)]
fn xchacha_draft_03_aead_vector() {
    let v = load(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/xchacha20poly1305_draft_irtf_cfrg_xchacha_03.json"
    )));
    let mut count = 0;
    for case in v["aead"].as_array().unwrap() {
        let key: [u8; 32] = bytes(case, "key").try_into().unwrap();
        let nonce: [u8; 24] = bytes(case, "nonce").try_into().unwrap();
        let (pt, aad) = (bytes(case, "plaintext"), bytes(case, "aad"));
        let (ct, tag) = seal(&key, &nonce, &aad, &pt);
        assert_eq!(ct, bytes(case, "ciphertext"));
        assert_eq!(tag.to_vec(), bytes(case, "tag"));
        let mut back = ct.clone();
        xchacha20poly1305_open(&key, &nonce, &aad, &mut back, &tag).unwrap();
        assert_eq!(back, pt);
        // One flipped bit anywhere in the ciphertext: refused, and nothing decrypted.
        let mut forged = ct.clone();
        forged[0] ^= 1;
        assert_eq!(
            xchacha20poly1305_open(&key, &nonce, &aad, &mut forged, &tag),
            Err(AeadError::Forged)
        );
        assert_eq!(forged[1..], ct[1..]);
        count += 1;
    }
    assert_eq!(count, 1);
}

#[wasm_bindgen_test(unsupported = test)]
fn wycheproof_xchacha20_poly1305_whole_suite() {
    let v = load(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/wycheproof_xchacha20_poly1305_test.json"
    )));
    let (mut valid, mut invalid) = (0, 0);
    for group in v["testGroups"].as_array().unwrap() {
        for case in group["tests"].as_array().unwrap() {
            let id = &case["tcId"];
            let expect_valid = match case["result"].as_str().unwrap() {
                "valid" => true,
                "invalid" => false,
                other => panic!("tcId {id}: unexpected result {other}"),
            };
            let (key, iv, aad, msg, ct, tag) = (
                bytes(case, "key"),
                bytes(case, "iv"),
                bytes(case, "aad"),
                bytes(case, "msg"),
                bytes(case, "ct"),
                bytes(case, "tag"),
            );
            // Sizes the typed API cannot express are refused by construction: the right
            // verdict for those (all invalid) cases.
            let (Ok(key), Ok(nonce), Ok(tag)) = (
                <[u8; 32]>::try_from(key),
                <[u8; 24]>::try_from(iv),
                <[u8; 16]>::try_from(tag),
            ) else {
                assert!(!expect_valid, "tcId {id}: size refused");
                invalid += 1;
                continue;
            };
            let mut opened = ct.clone();
            let verdict = xchacha20poly1305_open(&key, &nonce, &aad, &mut opened, &tag);
            if expect_valid {
                assert_eq!(verdict, Ok(()), "tcId {id}: open");
                assert_eq!(opened, msg, "tcId {id}: decrypt");
                assert_eq!(seal(&key, &nonce, &aad, &msg), (ct, tag), "tcId {id}: seal");
                valid += 1;
            } else {
                assert_eq!(verdict, Err(AeadError::Forged), "tcId {id}");
                invalid += 1;
            }
        }
    }
    assert_eq!(
        valid + invalid,
        v["numberOfTests"].as_u64().unwrap() as usize
    );
    assert_eq!((valid, invalid), (246, 69));
}
