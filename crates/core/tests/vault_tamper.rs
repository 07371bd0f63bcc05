//! Tamper tests on a real vault (floor KDF parameters): every single-byte change, every
//! truncation and appended bytes are rejected with the error `docs/vault-format.md` §Reading
//! assigns to that field — never success, never a panic, never `WrongPassword`.
//!
//! Header damage is caught by the checksum before any key derivation, so those cases run the
//! real `vault::open`. Ciphertext damage is only caught after the key is derived, so those
//! cases use `open_with_key` with a key derived once (one AEAD per case instead of one
//! Argon2id), plus a handful through the full `open`.
// A test binary: a panic is how a failed check is reported, and counts cannot overflow.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use custodian_core::keys::Curve;
use custodian_core::secret::{SecretBytes, SecretString, SecretVec};
use custodian_core::vault::{
    self, Account, AccountSource, Chain, ImportedKey, KdfParams, Keyring, RecoveryPhrase, Settings,
    VaultError,
};
use sha2::{Digest, Sha256};
use wasm_bindgen_test::wasm_bindgen_test;

const PASSWORD: &str = "tamper test password";

fn keyring() -> Keyring {
    Keyring {
        mnemonic: Some(RecoveryPhrase {
            phrase: SecretString::from(
                "legal winner thank year wave sausage worth useful legal winner thank yellow",
            ),
            passphrase: Some(SecretString::from("TREZOR")),
        }),
        imported_keys: vec![ImportedKey {
            curve: Curve::Ed25519,
            secret: SecretBytes::from_slice(&[9u8; 32]).unwrap(),
        }],
        accounts: vec![Account {
            chain: Chain::Solana,
            curve: Curve::Ed25519,
            source: AccountSource::Imported { key_index: 0 },
            label: "sol".into(),
            address: "address".into(),
        }],
        settings: Settings::default(),
        policy: SecretVec::new(b"policy".to_vec()),
        audit: SecretVec::new(Vec::new()),
        sites: Vec::new(),
        blocked_sites: Vec::new(),
    }
}

fn sealed() -> Vec<u8> {
    vault::seal(
        &keyring(),
        &SecretString::from(PASSWORD),
        KdfParams::MIN,
        7,
        &mut rand_core::OsRng,
    )
    .unwrap()
}

/// Header length for the writer's 32-byte salt: 92 + S.
const HEADER_LEN: usize = 92 + 32;

/// The error §Reading gives a header whose byte `i` was changed from `original` to `flipped`.
fn expected_header_error(i: usize, flipped: u8) -> VaultError {
    match i {
        0..=7 => VaultError::NotAVault,
        8 | 9 => {
            let mut v = [0u8, 1];
            v[i - 8] = flipped;
            match u16::from_be_bytes(v) {
                0 => VaultError::Corrupted,
                found => VaultError::UnsupportedVersion {
                    found,
                    supported: 1,
                },
            }
        }
        _ => VaultError::Corrupted,
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn every_single_byte_change_is_rejected() {
    let bytes = sealed();
    assert_eq!(usize::from(bytes[23]), 32, "the writer's salt length");
    assert_eq!(vault::peek(&bytes).unwrap().generation, 7);
    let password = SecretString::from(PASSWORD);
    let key = vault::derive_key(&bytes, &password).unwrap();
    assert!(vault::open_with_key(&bytes, &key).is_ok());

    let masks = [0x01u8, 0x80, 0xff];
    let (mut header_cases, mut body_cases) = (0, 0);
    for i in 0..bytes.len() {
        for mask in masks {
            let mut m = bytes.clone();
            m[i] ^= mask;
            if i < HEADER_LEN {
                let err = vault::open(&m, &password).unwrap_err();
                assert_eq!(
                    err,
                    expected_header_error(i, m[i]),
                    "byte {i} ^ {mask:#04x}"
                );
                header_cases += 1;
            } else {
                let err = vault::open_with_key(&m, &key).unwrap_err();
                assert_eq!(err, VaultError::Corrupted, "byte {i} ^ {mask:#04x}");
                body_cases += 1;
            }
        }
    }
    assert_eq!(header_cases, HEADER_LEN * masks.len());
    assert_eq!(body_cases, (bytes.len() - HEADER_LEN) * masks.len());

    // End to end through the password path: first and last ciphertext byte, a tag byte, and
    // bytes in between.
    let n = bytes.len();
    let picks = [
        HEADER_LEN,
        HEADER_LEN + 1,
        (HEADER_LEN + n) / 2,
        n - 17,
        n - 16,
        n - 1,
    ];
    for i in picks {
        let mut m = bytes.clone();
        m[i] ^= 0x01;
        assert_eq!(
            vault::open(&m, &password).unwrap_err(),
            VaultError::Corrupted,
            "byte {i}"
        );
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn every_truncation_and_extension_is_rejected() {
    let bytes = sealed();
    let password = SecretString::from(PASSWORD);
    let mut count = 0;
    for len in 0..bytes.len() {
        // A truncated vault still starts like one, so even a cut inside the magic is damage.
        assert_eq!(
            vault::open(&bytes[..len], &password).unwrap_err(),
            VaultError::Corrupted,
            "truncated to {len}"
        );
        count += 1;
    }
    assert_eq!(count, bytes.len());
    for extra in [&[0u8][..], &[0, 0], &[0xff; 16], &[0x5a; 1000]] {
        let mut m = bytes.clone();
        m.extend_from_slice(extra);
        assert_eq!(
            vault::open(&m, &password).unwrap_err(),
            VaultError::Corrupted
        );
    }
    assert_eq!(
        vault::open(b"PK\x03\x04", &password).unwrap_err(),
        VaultError::NotAVault
    );
    assert_eq!(
        vault::open(b"", &password).unwrap_err(),
        VaultError::Corrupted
    );
}

/// Recomputes the header checksum, as an attacker (or a future writer) can.
fn rechecksum(m: &mut [u8]) {
    let s = usize::from(m[23]);
    let digest = Sha256::digest(&m[..76 + s]);
    m[76 + s..92 + s].copy_from_slice(&digest[..16]);
}

fn with_field(bytes: &[u8], offset: usize, value: &[u8]) -> Vec<u8> {
    let mut m = bytes.to_vec();
    m[offset..offset + value.len()].copy_from_slice(value);
    rechecksum(&mut m);
    m
}

#[wasm_bindgen_test(unsupported = test)]
fn deliberate_header_edits_with_a_valid_checksum() {
    let bytes = sealed();
    let password = SecretString::from(PASSWORD);
    let open = |m: &[u8]| vault::open(m, &password).unwrap_err();

    // KDF downgrade: refused before any derivation.
    let weak = [
        (11, 19455u32.to_be_bytes()),
        (15, 1u32.to_be_bytes()),
        (19, 0u32.to_be_bytes()),
    ];
    for (offset, value) in weak {
        assert!(matches!(
            open(&with_field(&bytes, offset, &value)),
            VaultError::WeakKdfParameters { .. }
        ));
    }
    // Cost bomb: refused before any derivation.
    let huge = [
        (11, u32::MAX.to_be_bytes()),
        (15, 1000u32.to_be_bytes()),
        (19, 64u32.to_be_bytes()),
    ];
    for (offset, value) in huge {
        assert!(matches!(
            open(&with_field(&bytes, offset, &value)),
            VaultError::ExcessiveKdfParameters { .. }
        ));
    }
    assert_eq!(open(&with_field(&bytes, 10, &[2])), VaultError::Corrupted);
    assert_eq!(
        open(&with_field(&bytes, 8, &[0, 2])),
        VaultError::UnsupportedVersion {
            found: 2,
            supported: 1
        }
    );
    assert_eq!(
        VaultError::UnsupportedVersion {
            found: 2,
            supported: 1
        }
        .to_string(),
        "the vault was written by a newer Custodian (format 2, this version reads up to 1); update Custodian"
    );
    // The header is the AEAD's associated data: a changed generation or nonce with a fixed-up
    // checksum passes the key check (same password, salt and KDF) and then fails the tag.
    assert_eq!(
        open(&with_field(&bytes, 24 + 32 + 24, &[0xff; 8])),
        VaultError::Corrupted
    );
    assert_eq!(
        open(&with_field(&bytes, 24 + 32, &[0; 24])),
        VaultError::Corrupted
    );
    // A different salt with a fixed-up checksum derives another key: indistinguishable from a
    // wrong password, and still no plaintext.
    assert_eq!(
        open(&with_field(&bytes, 24, &[0; 32])),
        VaultError::WrongPassword
    );
}
