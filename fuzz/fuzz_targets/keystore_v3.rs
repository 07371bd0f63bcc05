//! Keystore v3 JSON (docs/keystore-v3.md): a file the user picks, from anywhere.
//!
//! `decrypt` refuses absurd KDF parameters, but still allows costly ones a real file may have
//! (scrypt up to n·r·p = 2^23 and 512 MiB, PBKDF2 up to 10^7 rounds): one such input takes
//! seconds, and the fuzzer would spend its time inside the KDF instead of the parser. Inputs
//! whose parameters exceed a small bound are skipped *before* the call; parameter parsing and
//! the limits themselves are still fuzzed through every input under the bound and every
//! malformed one, and they have their own unit tests.
#![no_main]

use custodian_core::chains::ethereum::keystore::{decrypt, KeystoreError};
use custodian_core::secret::SecretString;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// Largest scrypt n·r·p and PBKDF2 round count run per input (~1 ms each).
const MAX_WORK: u64 = 1 << 10;

fn too_costly(json: &str) -> bool {
    let Ok(root) = serde_json::from_str::<Value>(json) else {
        return false;
    };
    let Some(crypto) = root.get("crypto").or_else(|| root.get("Crypto")) else {
        return false;
    };
    let Some(params) = crypto.get("kdfparams") else {
        return false;
    };
    let n = |k: &str| params.get(k).and_then(Value::as_u64).unwrap_or(0);
    let work = n("n").saturating_mul(n("r")).saturating_mul(n("p"));
    work > MAX_WORK || n("c") > MAX_WORK
}

fuzz_target!(|data: &[u8]| {
    let Ok(json) = std::str::from_utf8(data) else {
        return;
    };
    if too_costly(json) {
        return;
    }
    // ethereum/tests' password; a second, non-NFKC one exercises the normalisation retry.
    for password in ["testpassword", "\u{FB01}x"] {
        match decrypt(json, &SecretString::from(password)) {
            Ok(key) => {
                // A key that decrypts is a valid scalar (from_bytes checked it).
                let _ = key.public_key();
            }
            Err(
                KeystoreError::Malformed(_)
                | KeystoreError::UnsupportedVersion
                | KeystoreError::Unsupported(_)
                | KeystoreError::KdfParameters(_)
                | KeystoreError::WrongPassword
                | KeystoreError::AddressMismatch
                | KeystoreError::InvalidKey(_)
                | KeystoreError::OutOfMemory,
            ) => {}
            Err(other) => panic!("unexpected keystore error: {other:?}"),
        }
    }
});
