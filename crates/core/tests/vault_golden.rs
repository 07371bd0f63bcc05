//! Format stability: `fixtures/vault-v1.bin`, written by the first implementation of format
//! version 1, must open in every later version with exactly the contents below.
// A test binary: a panic is how a failed check is reported, and counts cannot overflow.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use custodian_core::keys::ed25519::Ed25519PrivateKey;
use custodian_core::keys::secp256k1::Secp256k1PrivateKey;
use custodian_core::keys::Curve;
use custodian_core::secret::{SecretBytes, SecretString, SecretVec};
use custodian_core::vault::{
    self, Account, AccountSource, Chain, ImportedKey, KdfParams, Keyring, RecoveryPhrase, Settings,
    VaultError,
};
use wasm_bindgen_test::wasm_bindgen_test;

const GOLDEN: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/vault-v1.bin"
));
const PASSWORD: &str = "correct horse battery staple";
const PHRASE: &str =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
/// EIP-155's example key; RFC 8032 §7.1 TEST 1's secret key.
const SECP_KEY: &str = "4646464646464646464646464646464646464646464646464646464646464646";
const ED_KEY: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

fn eth_address(key: &Secp256k1PrivateKey) -> String {
    let hash = alloy_primitives::keccak256(key.public_key().to_uncompressed_xy());
    alloy_primitives::Address::from_slice(&hash[12..]).to_checksum(None)
}

/// The keyring the fixture holds.
fn expected() -> Keyring {
    let secp = Secp256k1PrivateKey::from_hex(SECP_KEY).unwrap();
    let ed = Ed25519PrivateKey::from_hex(ED_KEY).unwrap();
    Keyring {
        mnemonic: Some(RecoveryPhrase {
            phrase: SecretString::from(PHRASE),
            passphrase: None,
        }),
        imported_keys: vec![
            ImportedKey {
                curve: Curve::Secp256k1,
                secret: SecretBytes::from_slice(&hex::decode(SECP_KEY).unwrap()).unwrap(),
            },
            ImportedKey {
                curve: Curve::Ed25519,
                secret: SecretBytes::from_slice(&hex::decode(ED_KEY).unwrap()).unwrap(),
            },
        ],
        accounts: vec![
            Account {
                chain: Chain::Ethereum,
                curve: Curve::Secp256k1,
                source: AccountSource::Hd {
                    path: "m/44'/60'/0'/0/0".into(),
                },
                label: "Account 1".into(),
                // The widely published first address of the "abandon ... about" phrase.
                address: "0x9858EfFD232B4033E47d90003D41EC34EcaEda94".into(),
            },
            Account {
                chain: Chain::Ethereum,
                curve: Curve::Secp256k1,
                source: AccountSource::Imported { key_index: 0 },
                label: "EIP-155 example key".into(),
                address: eth_address(&secp),
            },
            Account {
                chain: Chain::Solana,
                curve: Curve::Ed25519,
                source: AccountSource::Imported { key_index: 1 },
                label: "RFC 8032 test 1 \u{2713}".into(),
                address: bs58::encode(ed.public_key().to_bytes()).into_string(),
            },
        ],
        settings: Settings {
            auto_lock_minutes: 15,
            active_evm_chain_id: 1,
            connected_sites: vec!["https://app.example".into()],
        },
        policy: SecretVec::new(Vec::new()),
        audit: SecretVec::new(Vec::new()),
        sites: Vec::new(),
        blocked_sites: Vec::new(),
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn golden_v1_vault_opens_with_its_contents() {
    let info = vault::peek(GOLDEN).unwrap();
    assert_eq!(info.format_version, 1);
    assert_eq!(info.kdf, KdfParams::MIN);
    assert_eq!(info.generation, 1);
    assert_eq!(&GOLDEN[..8], b"CSTDNVLT");

    let (keyring, opened_info) = vault::open(GOLDEN, &SecretString::from(PASSWORD)).unwrap();
    assert_eq!(opened_info, info);
    assert_eq!(keyring, expected());
    // Addresses computed by this test agree with the ones cited in the fixture README.
    assert_eq!(
        keyring.accounts[1].address,
        "0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F"
    );
    assert_eq!(
        keyring.accounts[2].address,
        "FVen3X669xLzsi6N2V91DoiyzHzg1uAgqiT8jZ9nS96Z"
    );

    assert_eq!(
        vault::open(GOLDEN, &SecretString::from("Correct horse battery staple")).unwrap_err(),
        VaultError::WrongPassword
    );
}

/// Writes the fixture. Run once, by hand, when the fixture is created; never again for v1.
#[test]
#[ignore = "writes tests/fixtures/vault-v1.bin; run once when creating the fixture"]
fn write_golden_fixture() {
    let bytes = vault::seal(
        &expected(),
        &SecretString::from(PASSWORD),
        KdfParams::MIN,
        1,
        &mut rand_core::OsRng,
    )
    .unwrap();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/vault-v1.bin");
    std::fs::write(path, &bytes).unwrap();
}
