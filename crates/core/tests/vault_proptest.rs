//! Property tests (native only): any valid keyring seals and opens to an equal keyring, and a
//! password change keeps every account while the old password stops working.
// A test binary: a panic is how a failed check is reported, and counts cannot overflow.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]
#![cfg(not(target_arch = "wasm32"))]

use custodian_core::keys::ed25519::Ed25519PrivateKey;
use custodian_core::keys::secp256k1::Secp256k1PrivateKey;
use custodian_core::keys::Curve;
use custodian_core::secret::{SecretBytes, SecretString, SecretVec};
use custodian_core::vault::{
    self, Account, AccountSource, Chain, ImportedKey, KdfParams, Keyring, RecoveryPhrase, Settings,
    VaultError, VaultKey, VaultSession,
};
use proptest::prelude::*;
use rand_core::OsRng;
use std::sync::OnceLock;
use unicode_normalization::UnicodeNormalization;

/// A cloneable description of a keyring (keyrings themselves are not `Clone`).
#[derive(Clone, Debug)]
struct Spec {
    phrase: Option<(String, Option<String>)>,
    keys: Vec<(Curve, [u8; 32])>,
    accounts: Vec<(bool, u32, String, String, String)>,
    settings: Settings,
    policy: Vec<u8>,
    audit: Vec<u8>,
}

fn curve() -> impl Strategy<Value = Curve> {
    prop_oneof![Just(Curve::Secp256k1), Just(Curve::Ed25519)]
}

fn valid_key() -> impl Strategy<Value = (Curve, [u8; 32])> {
    (curve(), any::<[u8; 32]>()).prop_filter("valid for its curve", |(c, k)| match c {
        Curve::Secp256k1 => Secp256k1PrivateKey::from_bytes(k).is_ok(),
        Curve::Ed25519 => Ed25519PrivateKey::from_bytes(k).is_ok(),
    })
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        proptest::option::of((".{0,200}", proptest::option::of(".{0,40}"))),
        proptest::collection::vec(valid_key(), 0..4),
        proptest::collection::vec(
            (
                any::<bool>(),
                any::<u32>(),
                ".{0,20}",
                ".{0,30}",
                "[ -~]{0,60}",
            ),
            0..6,
        ),
        (
            any::<u32>(),
            any::<u64>(),
            proptest::collection::vec(".{0,40}", 0..4),
        ),
        proptest::collection::vec(any::<u8>(), 0..64),
        proptest::collection::vec(any::<u8>(), 0..64),
    )
        .prop_map(
            |(phrase, keys, accounts, (minutes, chain_id, sites), policy, audit)| Spec {
                phrase,
                keys,
                accounts,
                settings: Settings {
                    auto_lock_minutes: minutes,
                    active_evm_chain_id: chain_id,
                    connected_sites: sites,
                },
                policy,
                audit,
            },
        )
}

/// Builds a keyring that satisfies the format's rules from arbitrary choices: accounts are
/// HD when there is a phrase and the coin says so, otherwise they point at an imported key.
fn build(spec: &Spec) -> Keyring {
    let mut accounts = Vec::new();
    for (hd, pick, path, label, address) in &spec.accounts {
        let source_and_curve = if *hd && spec.phrase.is_some() {
            let curve = if pick % 2 == 0 {
                Curve::Secp256k1
            } else {
                Curve::Ed25519
            };
            Some((AccountSource::Hd { path: path.clone() }, curve))
        } else if spec.keys.is_empty() {
            None
        } else {
            let index = *pick as usize % spec.keys.len();
            Some((
                AccountSource::Imported {
                    key_index: index as u32,
                },
                spec.keys[index].0,
            ))
        };
        if let Some((source, curve)) = source_and_curve {
            let chain = if curve == Curve::Secp256k1 {
                Chain::Ethereum
            } else {
                Chain::Solana
            };
            accounts.push(Account {
                chain,
                curve,
                source,
                label: label.clone(),
                address: address.clone(),
            });
        }
    }
    Keyring {
        mnemonic: spec.phrase.as_ref().map(|(p, pass)| RecoveryPhrase {
            phrase: SecretString::from(p.as_str()),
            passphrase: pass.as_deref().map(SecretString::from),
        }),
        imported_keys: spec
            .keys
            .iter()
            .map(|(curve, k)| ImportedKey {
                curve: *curve,
                secret: SecretBytes::from_slice(k).unwrap(),
            })
            .collect(),
        accounts,
        settings: spec.settings.clone(),
        policy: SecretVec::new(spec.policy.clone()),
        audit: SecretVec::new(spec.audit.clone()),
        sites: Vec::new(),
        blocked_sites: Vec::new(),
    }
}

fn shared_key() -> &'static VaultKey {
    static KEY: OnceLock<VaultKey> = OnceLock::new();
    KEY.get_or_init(|| {
        VaultKey::derive(&SecretString::from("pw"), &[1u8; 32], KdfParams::MIN).unwrap()
    })
}

proptest! {
    /// Many cases: one Argon2id up front, then one AEAD per case.
    #[test]
    fn seal_with_key_round_trips(spec in spec(), generation in any::<u64>()) {
        let keyring = build(&spec);
        prop_assert!(keyring.validate().is_ok());
        let key = shared_key();
        let sealed = vault::seal_with_key(&keyring, key, generation, &mut OsRng).unwrap();
        let (opened, info) = vault::open_with_key(&sealed, key).unwrap();
        prop_assert_eq!(opened, keyring);
        prop_assert_eq!(info.generation, generation);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Fewer cases: each runs Argon2id five times.
    #[test]
    fn password_round_trip_and_change(spec in spec(), old in ".{1,30}", new in ".{1,30}") {
        prop_assume!(old.nfc().collect::<String>() != new.nfc().collect::<String>());
        let keyring = build(&spec);
        let old = SecretString::from(old.as_str());
        let new = SecretString::from(new.as_str());

        let sealed = vault::seal(&keyring, &old, KdfParams::MIN, 1, &mut OsRng).unwrap();
        let (opened, _) = vault::open(&sealed, &old).unwrap();
        prop_assert_eq!(&opened, &keyring);

        let (mut session, _) = VaultSession::create(opened, &old, KdfParams::MIN, &mut OsRng, 0).unwrap();
        let changed = session.change_password(&old, &new, None, &mut OsRng, 0).unwrap();
        let (reopened, _) = vault::open(&changed.bytes, &new).unwrap();
        prop_assert_eq!(&reopened.accounts, &keyring.accounts);
        prop_assert_eq!(&reopened, &keyring);
        let old_err = vault::open(&changed.bytes, &old).map(|_| ()).unwrap_err();
        prop_assert_eq!(old_err, VaultError::WrongPassword);
    }
}
