//! Ethereum addresses against published vectors: ERC-55 checksums, ethers' 259 accounts and
//! ethereum/tests keyaddrtest.

// Test code: a panic is a failed test (clippy.toml allows these in #[test] bodies, not helpers).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use custodian_core::chains::ethereum::{address_of, parse_address, to_checksum, AddressError};
use custodian_core::keys::secp256k1::Secp256k1PrivateKey;
use serde_json::Value;
use wasm_bindgen_test::wasm_bindgen_test;

fn vectors(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

#[wasm_bindgen_test(unsupported = test)]
fn erc55_checksums() {
    let v = vectors(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/eip55_checksum_addresses.json"
    )));
    let mut count = 0;
    for case in v["vectors"].as_array().unwrap() {
        let expected = case["address"].as_str().unwrap();
        let parsed = parse_address(expected).unwrap();
        assert_eq!(to_checksum(&parsed), expected);
        // The lower-case form has no checksum to check and converts to the same address.
        assert_eq!(
            to_checksum(&parse_address(&expected.to_lowercase()).unwrap()),
            expected
        );
        count += 1;
    }
    assert_eq!(count, 8);
}

#[wasm_bindgen_test(unsupported = test)]
fn erc55_rejects_every_single_case_flip() {
    // Flipping the case of any one letter of a checksummed address must be caught, unless it
    // leaves the text all-lower or all-upper (which carries no checksum).
    let good = "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359";
    let mut flips = 0;
    for i in 2..good.len() {
        let c = good.as_bytes()[i] as char;
        if !c.is_ascii_alphabetic() {
            continue;
        }
        let mut bad = good.to_owned();
        let flipped = if c.is_ascii_uppercase() {
            c.to_ascii_lowercase()
        } else {
            c.to_ascii_uppercase()
        };
        bad.replace_range(i..=i, &flipped.to_string());
        assert_eq!(parse_address(&bad), Err(AddressError::BadChecksum), "{bad}");
        flips += 1;
    }
    assert_eq!(flips, 17); // the letters a-f in the address
}

#[wasm_bindgen_test(unsupported = test)]
fn ethers_accounts_private_key_to_address() {
    let v = vectors(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/ethers_accounts.json"
    )));
    let mut count = 0;
    for case in v["cases"].as_array().unwrap() {
        let key = Secp256k1PrivateKey::from_hex(case["privateKey"].as_str().unwrap()).unwrap();
        assert_eq!(
            to_checksum(&address_of(&key.public_key())),
            case["address"].as_str().unwrap(),
            "{}",
            case["name"]
        );
        count += 1;
    }
    assert_eq!(count, 259);
}

#[wasm_bindgen_test(unsupported = test)]
fn ethereum_tests_keyaddr() {
    let v = vectors(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/ethereum_tests_basic_keyaddr_tx.json"
    )));
    let mut count = 0;
    for case in v["keyaddrtest"].as_array().unwrap() {
        let key = Secp256k1PrivateKey::from_hex(case["key"].as_str().unwrap()).unwrap();
        let address = address_of(&key.public_key());
        assert_eq!(hex::encode(address), case["addr"].as_str().unwrap());
        count += 1;
    }
    assert_eq!(count, 2);
}
