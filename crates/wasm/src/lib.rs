//! The WebAssembly facade over `custodian-core`.
//!
//! Randomness comes from the browser's `crypto.getRandomValues` (through getrandom's `js`
//! backend); everything else is a one-line call into the core.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::arithmetic_side_effects))]

use custodian_core::keys::{ed25519::Ed25519PrivateKey, secp256k1::Secp256k1PrivateKey};
use serde::Serialize;
use wasm_bindgen::prelude::*;

mod custodian;
pub use custodian::Custodian;

/// The version of this module, so the page can show which build it runs.
#[wasm_bindgen(js_name = version)]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// The public addresses of one freshly generated key per chain. Only public data: the
/// private keys are dropped (and zeroized) before this leaves the module.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoAddresses {
    /// Ethereum address of a secp256k1 key, EIP-55 checksummed (`0x` + 40 hex digits).
    pub ethereum: String,
    /// Solana address of an Ed25519 key: its 32-byte public key in base58.
    pub solana: String,
}

impl DemoAddresses {
    /// The addresses of the given keys.
    pub fn of(secp256k1: &Secp256k1PrivateKey, ed25519: &Ed25519PrivateKey) -> Self {
        let xy = secp256k1.public_key().to_uncompressed_xy();
        Self {
            ethereum: alloy_primitives::Address::from_raw_public_key(&xy).to_checksum(None),
            solana: bs58::encode(ed25519.public_key().to_bytes()).into_string(),
        }
    }

    /// Generates one key per curve from `rng` and returns only their addresses.
    pub fn generate(rng: &mut impl rand_core::CryptoRngCore) -> Self {
        Self::of(
            &Secp256k1PrivateKey::generate(rng),
            &Ed25519PrivateKey::generate(rng),
        )
    }
}

/// `{ ethereum, solana }`: the addresses of a freshly generated secp256k1 key and Ed25519 key.
///
/// PLACEHOLDER for the first page: it proves the module loads in a Worker, draws randomness
/// from the browser and derives both address formats. The protocol issue replaces it with
/// `handle(request)` over `custodian_core::api`; the keys here are never stored or returned.
#[wasm_bindgen(js_name = demo_addresses)]
pub fn demo_addresses() -> Result<JsValue, JsError> {
    let addresses = DemoAddresses::generate(&mut rand_core::OsRng);
    serde_wasm_bindgen::to_value(&addresses).map_err(|e| JsError::new(&e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    // secp256k1 private key 1 is the generator G; its Ethereum address is well known (it is the
    // first "puzzle" address, and appears in go-ethereum's and ethers' own test suites).
    const SECP256K1_KEY_ONE: &str =
        "0000000000000000000000000000000000000000000000000000000000000001";
    const ADDRESS_OF_KEY_ONE: &str = "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf";

    // RFC 8032 section 7.1, TEST 1: secret key and public key.
    const RFC8032_TEST1_SECRET: &str =
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    const RFC8032_TEST1_PUBLIC: &str =
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

    #[wasm_bindgen_test::wasm_bindgen_test(unsupported = test)]
    fn addresses_of_known_keys() {
        let secp = Secp256k1PrivateKey::from_hex(SECP256K1_KEY_ONE).unwrap();
        let ed = Ed25519PrivateKey::from_hex(RFC8032_TEST1_SECRET).unwrap();
        let addresses = DemoAddresses::of(&secp, &ed);
        assert_eq!(addresses.ethereum, ADDRESS_OF_KEY_ONE);
        let solana = bs58::decode(&addresses.solana).into_vec().unwrap();
        assert_eq!(hex::encode(solana), RFC8032_TEST1_PUBLIC);
    }

    #[wasm_bindgen_test::wasm_bindgen_test(unsupported = test)]
    fn generated_addresses_are_fresh() {
        let a = DemoAddresses::generate(&mut rand_core::OsRng);
        let b = DemoAddresses::generate(&mut rand_core::OsRng);
        assert_ne!(a.ethereum, b.ethereum);
        assert_ne!(a.solana, b.solana);
    }
}
