//! The facade as JavaScript sees it, run by wasm-bindgen-test in Node and in headless Chromium.
#![cfg(target_arch = "wasm32")]
// Clippy's allow-*-in-tests settings only see `#[test]` and `#[cfg(test)]` modules, not
// `#[wasm_bindgen_test]` functions at the top of an integration test file.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

fn field(object: &JsValue, name: &str) -> String {
    js_sys::Reflect::get(object, &JsValue::from_str(name))
        .unwrap()
        .as_string()
        .unwrap_or_else(|| panic!("{name} is not a string"))
}

#[wasm_bindgen_test]
fn demo_addresses_returns_only_two_addresses() {
    let value = custodian_wasm::demo_addresses().unwrap();
    let keys = js_sys::Object::keys(value.unchecked_ref::<js_sys::Object>());
    let mut names: Vec<String> = keys.iter().filter_map(|k| k.as_string()).collect();
    names.sort();
    assert_eq!(names, ["ethereum", "solana"]);

    let ethereum = field(&value, "ethereum");
    assert_eq!(ethereum.len(), 42);
    // A valid EIP-55 checksum; with 40 random hex digits, an all-lowercase string is ~2^-40 likely.
    alloy_primitives::Address::parse_checksummed(&ethereum, None).unwrap();
    assert_ne!(ethereum, ethereum.to_lowercase());

    let solana = bs58::decode(field(&value, "solana")).into_vec().unwrap();
    assert_eq!(solana.len(), 32);
}

#[wasm_bindgen_test]
fn demo_addresses_draws_fresh_randomness_each_call() {
    let a = custodian_wasm::demo_addresses().unwrap();
    let b = custodian_wasm::demo_addresses().unwrap();
    assert_ne!(field(&a, "ethereum"), field(&b, "ethereum"));
    assert_ne!(field(&a, "solana"), field(&b, "solana"));
}

#[wasm_bindgen_test]
fn version_matches_the_crate() {
    assert_eq!(custodian_wasm::version(), env!("CARGO_PKG_VERSION"));
}
