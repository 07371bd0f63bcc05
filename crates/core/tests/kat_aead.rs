//! XChaCha20-Poly1305 and ChaCha20-Poly1305 known-answer tests: draft-irtf-cfrg-xchacha-03
//! §A.3.1 and the whole Wycheproof AEAD suites, every case's verdict and output checked.
//!
//! The vault encrypts with `chacha20poly1305::XChaCha20Poly1305` through `AeadInPlace`, the
//! same API used here.
// A test binary: a panic is how a failed check is reported, and counts cannot overflow.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{ChaCha20Poly1305, KeyInit, XChaCha20Poly1305};
use serde_json::Value;
use wasm_bindgen_test::wasm_bindgen_test;

fn load(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn bytes(v: &Value, k: &str) -> Vec<u8> {
    hex::decode(v[k].as_str().unwrap()).unwrap()
}

#[wasm_bindgen_test(unsupported = test)]
fn xchacha_draft_03_aead_vector() {
    let v = load(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/xchacha20poly1305_draft_irtf_cfrg_xchacha_03.json"
    )));
    let mut count = 0;
    for case in v["aead"].as_array().unwrap() {
        let cipher = XChaCha20Poly1305::new_from_slice(&bytes(case, "key")).unwrap();
        let nonce = bytes(case, "nonce");
        let (pt, aad) = (bytes(case, "plaintext"), bytes(case, "aad"));
        let out = cipher
            .encrypt(
                nonce.as_slice().into(),
                Payload {
                    msg: &pt,
                    aad: &aad,
                },
            )
            .unwrap();
        let mut expected = bytes(case, "ciphertext");
        expected.extend(bytes(case, "tag"));
        assert_eq!(out, expected);
        let back = cipher
            .decrypt(
                nonce.as_slice().into(),
                Payload {
                    msg: &out,
                    aad: &aad,
                },
            )
            .unwrap();
        assert_eq!(back, pt);
        count += 1;
    }
    assert_eq!(count, 1);
}

/// Runs one Wycheproof AEAD file. A nonce of the wrong size cannot be expressed in the
/// typed API, which is the right verdict for those (all `invalid`) cases.
fn wycheproof<C: KeyInit + Aead>(file: &str, nonce_len: usize) -> (usize, usize) {
    let v = load(file);
    let (mut valid, mut invalid) = (0, 0);
    for group in v["testGroups"].as_array().unwrap() {
        for case in group["tests"].as_array().unwrap() {
            let id = &case["tcId"];
            let expect_valid = match case["result"].as_str().unwrap() {
                "valid" => true,
                "invalid" => false,
                other => panic!("tcId {id}: unexpected result {other}"),
            };
            let (key, iv, aad, msg) = (
                bytes(case, "key"),
                bytes(case, "iv"),
                bytes(case, "aad"),
                bytes(case, "msg"),
            );
            let mut sealed = bytes(case, "ct");
            sealed.extend(bytes(case, "tag"));

            let Ok(cipher) = C::new_from_slice(&key) else {
                assert!(!expect_valid, "tcId {id}: key refused");
                invalid += 1;
                continue;
            };
            if iv.len() != nonce_len {
                assert!(!expect_valid, "tcId {id}: nonce size refused");
                invalid += 1;
                continue;
            }
            let nonce = iv.as_slice().into();
            let opened = cipher.decrypt(
                nonce,
                Payload {
                    msg: &sealed,
                    aad: &aad,
                },
            );
            if expect_valid {
                assert_eq!(opened.unwrap(), msg, "tcId {id}: decrypt");
                let out = cipher
                    .encrypt(
                        nonce,
                        Payload {
                            msg: &msg,
                            aad: &aad,
                        },
                    )
                    .unwrap();
                assert_eq!(out, sealed, "tcId {id}: encrypt");
                valid += 1;
            } else {
                assert!(opened.is_err(), "tcId {id}: accepted an invalid case");
                invalid += 1;
            }
        }
    }
    assert_eq!(
        valid + invalid,
        v["numberOfTests"].as_u64().unwrap() as usize
    );
    (valid, invalid)
}

#[wasm_bindgen_test(unsupported = test)]
fn wycheproof_chacha20_poly1305_whole_suite() {
    let counts = wycheproof::<ChaCha20Poly1305>(
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/vectors/wycheproof_chacha20_poly1305_test.json"
        )),
        12,
    );
    assert_eq!(counts, (256, 69));
}

#[wasm_bindgen_test(unsupported = test)]
fn wycheproof_xchacha20_poly1305_whole_suite() {
    let counts = wycheproof::<XChaCha20Poly1305>(
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/vectors/wycheproof_xchacha20_poly1305_test.json"
        )),
        24,
    );
    assert_eq!(counts, (246, 69));
}
