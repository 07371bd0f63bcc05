//! Signing loops without the protocol, for `bench/` only (cargo feature `bench`, never in the
//! shipped module): they time the curve code alone, next to the anchors' raw-digest signers,
//! now that every signing request also appends to the audit log and reseals the vault.

use custodian_core::keys::{ed25519::Ed25519PrivateKey, secp256k1::Secp256k1PrivateKey};
use wasm_bindgen::prelude::*;

/// Signs the digest `[0x42; 32]` with the 32-byte key `count` times; returns the last
/// signature as `r || s || v` (v = 27 + recovery id) so the caller can check it.
#[wasm_bindgen(js_name = benchSecp256k1SignPrehash)]
pub fn bench_secp256k1_sign_prehash(key: &[u8], count: u32) -> Result<Vec<u8>, JsError> {
    let key = Secp256k1PrivateKey::from_bytes(key).map_err(|e| JsError::new(&e.to_string()))?;
    let digest = [0x42u8; 32];
    let mut last = [0u8; 65];
    for _ in 0..count {
        last = key.sign_prehash(&digest).to_rsv_bytes();
    }
    Ok(last.to_vec())
}

/// Signs `message` with the 32-byte Ed25519 seed `count` times; returns the last signature.
#[wasm_bindgen(js_name = benchEd25519Sign)]
pub fn bench_ed25519_sign(seed: &[u8], message: &[u8], count: u32) -> Result<Vec<u8>, JsError> {
    let key = Ed25519PrivateKey::from_bytes(seed).map_err(|e| JsError::new(&e.to_string()))?;
    let mut last = [0u8; 64];
    for _ in 0..count {
        last = key.sign(message);
    }
    Ok(last.to_vec())
}
