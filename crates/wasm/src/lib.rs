//! The WebAssembly facade over `custodian-core`.
//!
//! Randomness comes from the browser's `crypto.getRandomValues` (through getrandom's `js`
//! backend), and a failure of it is a typed error rather than a trap ([`randomness`]);
//! everything else is a one-line call into the core.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::arithmetic_side_effects))]

use wasm_bindgen::prelude::*;

#[cfg(feature = "bench")]
mod bench;
mod custodian;
mod plain_json;
pub mod randomness;
pub use custodian::Custodian;

// No `#[global_allocator]`: Rust's default wasm32 allocator (dlmalloc) is kept. The allocator
// takes 2.5-10 % of a request, and talc and rlsf measured within noise of it
// (docs/benchmarks.md, "The allocator").

/// The version of this module, so the page can show which build it runs.
#[wasm_bindgen(js_name = version)]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

#[cfg(test)]
mod tests {
    #[wasm_bindgen_test::wasm_bindgen_test(unsupported = test)]
    fn version_is_the_workspace_version() {
        // Cargo.toml's [workspace.package] version, read independently of env!.
        let toml = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.toml"));
        let section = toml.split("[workspace.package]").nth(1).unwrap();
        let line = section
            .lines()
            .find(|l| l.trim_start().starts_with("version"))
            .unwrap();
        let version = line.split('"').nth(1).unwrap();
        assert_eq!(super::version(), version);
    }
}
