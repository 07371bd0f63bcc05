//! Signature known-answer tests: RFC 8032 Ed25519 signing, and Wycheproof verification suites
//! for Ed25519 and secp256k1 ECDSA (plain, DER and Bitcoin's low-s rule). Every case's
//! valid/invalid verdict must match. Sources (copied unchanged into tests/vectors/): RFC 8032
//! section 7.1; C2SP/wycheproof testvectors_v1.

// Test code: a panic is a failed test, and the workspace lints that forbid panicking paths are
// for library code (clippy.toml already relaxes them inside #[test] functions only).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use custodian_core::keys::ecdsa::{is_low_s, verify_prehash, HighS};
use custodian_core::keys::ed25519::{Ed25519PrivateKey, Ed25519PublicKey};
use custodian_core::keys::secp256k1::Secp256k1PublicKey;
use serde_json::Value;
use sha2::{Digest, Sha256};
use wasm_bindgen_test::wasm_bindgen_test;

macro_rules! vectors {
    ($file:literal) => {
        serde_json::from_str::<Value>(include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/vectors/",
            $file
        )))
        .unwrap()
    };
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

fn hex_field(v: &Value) -> Vec<u8> {
    hex::decode(s(v)).unwrap()
}

/// Valid and invalid counts of a run, for asserting against the published totals.
#[derive(Debug, Default, PartialEq)]
struct Tally {
    valid: usize,
    invalid: usize,
}

impl Tally {
    fn add(&mut self, expected_valid: bool) {
        if expected_valid {
            self.valid += 1;
        } else {
            self.invalid += 1;
        }
    }
}

fn expected_valid(test: &Value) -> bool {
    match s(&test["result"]) {
        "valid" => true,
        "invalid" => false,
        other => panic!(
            "tcId {}: result {other} is not used by these files",
            test["tcId"]
        ),
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn rfc8032_ed25519_sign() {
    let json = vectors!("rfc8032_ed25519.json");
    let mut count = 0;
    for v in json["vectors"].as_array().unwrap() {
        let key = Ed25519PrivateKey::from_hex(s(&v["secret_key"])).unwrap();
        let public = key.public_key();
        assert_eq!(
            hex::encode(public.to_bytes()),
            s(&v["public_key"]),
            "{}",
            v["name"]
        );
        let message = hex_field(&v["message"]);
        let signature = key.sign(&message);
        assert_eq!(hex::encode(signature), s(&v["signature"]), "{}", v["name"]);
        assert!(public.verify_strict(&message, &signature));
        count += 1;
    }
    assert_eq!(count, 5);
}

#[wasm_bindgen_test(unsupported = test)]
fn wycheproof_ed25519_verify_strict() {
    let json = vectors!("wycheproof_ed25519_test.json");
    let mut tally = Tally::default();
    for group in json["testGroups"].as_array().unwrap() {
        let key = Ed25519PublicKey::from_bytes(&hex_field(&group["publicKey"]["pk"]));
        for test in group["tests"].as_array().unwrap() {
            let expected = expected_valid(test);
            let verdict = match &key {
                Ok(key) => key.verify_strict(&hex_field(&test["msg"]), &hex_field(&test["sig"])),
                Err(_) => false,
            };
            assert_eq!(
                verdict, expected,
                "tcId {} {}",
                test["tcId"], test["comment"]
            );
            tally.add(expected);
        }
    }
    assert_eq!(
        tally,
        Tally {
            valid: 88,
            invalid: 63
        }
    );
}

/// Runs an ECDSA secp256k1/SHA-256 Wycheproof file; `decode` turns the file's signature
/// encoding into 64-byte r || s (None = unparseable, which must be an invalid case).
fn wycheproof_ecdsa(
    json: &Value,
    high_s: HighS,
    decode: impl Fn(&[u8]) -> Option<Vec<u8>>,
) -> Tally {
    let mut tally = Tally::default();
    for group in json["testGroups"].as_array().unwrap() {
        assert_eq!(group["sha"], "SHA-256");
        let key =
            Secp256k1PublicKey::from_sec1(&hex_field(&group["publicKey"]["uncompressed"])).unwrap();
        for test in group["tests"].as_array().unwrap() {
            let expected = expected_valid(test);
            let digest: [u8; 32] = Sha256::digest(hex_field(&test["msg"])).into();
            let verdict = match decode(&hex_field(&test["sig"])) {
                Some(rs) => verify_prehash(&key, &digest, &rs, high_s),
                None => false,
            };
            assert_eq!(
                verdict, expected,
                "tcId {} {}",
                test["tcId"], test["comment"]
            );
            tally.add(expected);
        }
    }
    tally
}

fn from_der(der: &[u8]) -> Option<Vec<u8>> {
    k256::ecdsa::Signature::from_der(der)
        .ok()
        .map(|sig| sig.to_bytes().to_vec())
}

/// Plain ECDSA, fixed-size r || s: high-s signatures are valid here.
#[wasm_bindgen_test(unsupported = test)]
fn wycheproof_ecdsa_p1363() {
    let json = vectors!("wycheproof_ecdsa_secp256k1_sha256_p1363_test.json");
    let tally = wycheproof_ecdsa(&json, HighS::Accept, |sig| Some(sig.to_vec()));
    assert_eq!(
        tally,
        Tally {
            valid: 167,
            invalid: 85
        }
    );
}

/// Plain ECDSA, DER signatures (strict DER through k256): high-s signatures are valid here.
#[wasm_bindgen_test(unsupported = test)]
fn wycheproof_ecdsa_der() {
    let json = vectors!("wycheproof_ecdsa_secp256k1_sha256_test.json");
    let tally = wycheproof_ecdsa(&json, HighS::Accept, from_der);
    assert_eq!(
        tally,
        Tally {
            valid: 168,
            invalid: 308
        }
    );
}

/// Bitcoin's rule: DER, and high-s signatures are invalid.
#[wasm_bindgen_test(unsupported = test)]
fn wycheproof_ecdsa_bitcoin_low_s() {
    let json = vectors!("wycheproof_ecdsa_secp256k1_sha256_bitcoin_test.json");
    let tally = wycheproof_ecdsa(&json, HighS::Reject, from_der);
    assert_eq!(
        tally,
        Tally {
            valid: 162,
            invalid: 301
        }
    );
}

/// Every valid signature in the Bitcoin file is low-s, and the plain DER file's valid
/// signatures include high-s ones (so the two policies are really being told apart).
#[wasm_bindgen_test(unsupported = test)]
fn is_low_s_agrees_with_the_bitcoin_file() {
    let count_high = |json: &Value| {
        let mut high = 0;
        for group in json["testGroups"].as_array().unwrap() {
            for test in group["tests"].as_array().unwrap() {
                if !expected_valid(test) {
                    continue;
                }
                let rs = from_der(&hex_field(&test["sig"])).unwrap();
                let s: [u8; 32] = rs[32..].try_into().unwrap();
                if !is_low_s(&s) {
                    high += 1;
                }
            }
        }
        high
    };
    assert_eq!(
        count_high(&vectors!(
            "wycheproof_ecdsa_secp256k1_sha256_bitcoin_test.json"
        )),
        0
    );
    assert!(count_high(&vectors!("wycheproof_ecdsa_secp256k1_sha256_test.json")) > 0);
}
