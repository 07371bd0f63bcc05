//! The WebAssembly facade over `custodian-core`.
//!
//! Randomness comes from the browser's `crypto.getRandomValues` (through getrandom's `js`
//! backend); everything else is a one-line call into the core.
#![forbid(unsafe_code)]

use wasm_bindgen::prelude::*;

/// A fresh secp256k1 key's Ethereum address, for the placeholder page.
#[wasm_bindgen(js_name = version)]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
