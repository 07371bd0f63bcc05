//! Default account derivation against addresses other wallets publish: a recovery phrase must
//! show the same accounts in Custodian as in MetaMask/Hardhat (Ethereum) and in
//! Phantom/Solflare/Trust Wallet (Solana).

// Test code: a panic is a failed test, and the workspace lints that forbid panicking paths are
// for library code (clippy.toml already relaxes them inside #[test] functions only).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use alloy_primitives::Address;
use custodian_core::keys::accounts::{derive, ethereum_key, solana_key, DerivedKey};
use custodian_core::keys::mnemonic::{Mnemonic, Seed};
use custodian_core::keys::path::DerivationPath;
use custodian_core::keys::Curve;
use serde_json::Value;
use wasm_bindgen_test::wasm_bindgen_test;

const SOLANA: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/vectors/solana_vectors.json"
));

fn seed(phrase: &str, passphrase: &str) -> Seed {
    Mnemonic::parse(phrase).unwrap().to_seed(passphrase)
}

/// Hardhat Network's and Anvil's default accounts come from the documented test phrase
/// "test test test test test test test test test test test junk" at m/44'/60'/0'/0/i; the
/// addresses and private keys below are the ones both tools print at start-up and list in
/// their documentation (hardhat.org "Hardhat Network" reference, "accounts"; Foundry book,
/// "anvil").
#[wasm_bindgen_test(unsupported = test)]
fn ethereum_hardhat_default_accounts() {
    let accounts = [
        (
            "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
            "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
        ),
        (
            "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
            "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
        ),
    ];
    let seed = seed(
        "test test test test test test test test test test test junk",
        "",
    );
    let mut count = 0u32;
    for (index, (address, private_key)) in accounts.iter().enumerate() {
        let key = ethereum_key(&seed, u32::try_from(index).unwrap()).unwrap();
        assert_eq!(hex::encode(key.to_bytes().expose_secret()), *private_key);
        // Ethereum addresses are the Ethereum helper's code; alloy computes one here only to
        // compare with the published checksummed form.
        let xy = key.public_key().to_uncompressed_xy();
        assert_eq!(
            Address::from_raw_public_key(&xy).to_checksum(None),
            *address
        );
        count += 1;
    }
    assert_eq!(count, 2);
}

/// trustwallet/wallet-core's Solana HD tests: BIP-39 (no passphrase) -> SLIP-0010 Ed25519 at
/// m/44'/501'/0'/0' (Phantom/Solflare/Solana CLI) and m/44'/501'/0' (Trust Wallet).
#[wasm_bindgen_test(unsupported = test)]
fn solana_wallet_core_hd_vectors() {
    let json: Value = serde_json::from_str(SOLANA).unwrap();
    let mut count = 0;
    let mut phantom_style = 0;
    for case in json["hd_derivation"].as_array().unwrap() {
        let seed = seed(
            case["mnemonic"].as_str().unwrap(),
            case["passphrase"].as_str().unwrap(),
        );
        let path: DerivationPath = case["path"].as_str().unwrap().parse().unwrap();
        let DerivedKey::Ed25519(key) = derive(&seed, Curve::Ed25519, &path).unwrap() else {
            panic!("an Ed25519 derivation returned another curve");
        };
        let public = key.public_key().to_bytes();
        assert_eq!(
            bs58::encode(public).into_string(),
            case["address_base58"].as_str().unwrap(),
            "{path}"
        );
        assert_eq!(
            hex::encode(public),
            case["public_key_hex"].as_str().unwrap()
        );
        assert_eq!(
            hex::encode(key.to_bytes().expose_secret()),
            case["private_key_seed_hex"].as_str().unwrap()
        );
        if path.to_string() == "m/44'/501'/0'/0'" {
            // The default account helper is exactly this path.
            let account0 = solana_key(&seed, 0).unwrap();
            assert_eq!(account0.public_key().to_bytes(), public);
            phantom_style += 1;
        }
        count += 1;
    }
    assert_eq!((count, phantom_style), (3, 1));
}
