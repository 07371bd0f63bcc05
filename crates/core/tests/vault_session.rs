//! The lock state machine: create, lock/unlock, auto-lock on idle, save generations, update
//! with rollback, password change, and exports that ask for the password again.
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
    VaultError, VaultSession,
};
use rand_core::OsRng;
use wasm_bindgen_test::wasm_bindgen_test;

const PW: &str = "first password";
const T0: u64 = 1_700_000_000_000;
const MINUTE: u64 = 60_000;

fn pw(s: &str) -> SecretString {
    SecretString::from(s)
}

fn keyring(auto_lock_minutes: u32) -> Keyring {
    Keyring {
        mnemonic: Some(RecoveryPhrase {
            phrase: pw("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"),
            passphrase: None,
        }),
        imported_keys: vec![ImportedKey {
            curve: Curve::Secp256k1,
            secret: SecretBytes::from_slice(&[0x11; 32]).unwrap(),
        }],
        accounts: vec![
            Account {
                chain: Chain::Ethereum,
                curve: Curve::Secp256k1,
                source: AccountSource::Hd {
                    path: "m/44'/60'/0'/0/0".into(),
                },
                label: "hd".into(),
                address: "0xhd".into(),
            },
            Account {
                chain: Chain::Ethereum,
                curve: Curve::Secp256k1,
                source: AccountSource::Imported { key_index: 0 },
                label: "imported".into(),
                address: "0ximported".into(),
            },
        ],
        settings: Settings {
            auto_lock_minutes,
            ..Settings::default()
        },
        policy: SecretVec::new(Vec::new()),
        audit: SecretVec::new(Vec::new()),
        sites: Vec::new(),
        blocked_sites: Vec::new(),
    }
}

fn create(auto_lock_minutes: u32) -> VaultSession {
    VaultSession::create(
        keyring(auto_lock_minutes),
        &pw(PW),
        KdfParams::MIN,
        &mut OsRng,
        T0,
    )
    .unwrap()
    .0
}

#[wasm_bindgen_test(unsupported = test)]
fn create_returns_generation_one_that_opens() {
    let (mut s, sealed) =
        VaultSession::create(keyring(15), &pw(PW), KdfParams::MIN, &mut OsRng, T0).unwrap();
    assert_eq!(sealed.generation, 1);
    assert_eq!(s.sealed_bytes(), sealed.bytes.as_slice());
    let status = s.status(T0);
    assert!(!status.locked);
    assert_eq!(status.generation, 1);
    assert_eq!(status.auto_lock_at_ms, Some(T0 + 15 * MINUTE));
    let (opened, info) = vault::open(&sealed.bytes, &pw(PW)).unwrap();
    assert_eq!(opened, keyring(15));
    assert_eq!(info.kdf, KdfParams::MIN);

    assert_eq!(
        VaultSession::create(keyring(15), &pw(""), KdfParams::MIN, &mut OsRng, T0).unwrap_err(),
        VaultError::EmptyPassword
    );
    let weak = KdfParams {
        iterations: 1,
        ..KdfParams::MIN
    };
    assert!(matches!(
        VaultSession::create(keyring(15), &pw(PW), weak, &mut OsRng, T0).unwrap_err(),
        VaultError::WeakKdfParameters { .. }
    ));
    let mut bad = keyring(15);
    bad.mnemonic = None;
    assert!(matches!(
        VaultSession::create(bad, &pw(PW), KdfParams::MIN, &mut OsRng, T0).unwrap_err(),
        VaultError::InvalidKeyring(_)
    ));
}

#[wasm_bindgen_test(unsupported = test)]
fn lock_drops_secrets_and_unlock_needs_the_password() {
    let mut s = create(15);
    s.lock();
    assert!(s.is_locked());
    // Every path to a secret now fails with Locked.
    assert_eq!(s.keyring(T0).unwrap_err(), VaultError::Locked);
    assert_eq!(
        s.export_mnemonic(&pw(PW), T0).unwrap_err(),
        VaultError::Locked
    );
    assert_eq!(
        s.export_private_key(&pw(PW), 1, T0).unwrap_err(),
        VaultError::Locked
    );
    assert_eq!(
        s.verify_password(&pw(PW), T0).unwrap_err(),
        VaultError::Locked
    );
    assert_eq!(s.save(T0, &mut OsRng).unwrap_err(), VaultError::Locked);
    assert_eq!(
        s.change_password(&pw(PW), &pw("x"), None, &mut OsRng, T0)
            .unwrap_err(),
        VaultError::Locked
    );
    assert_eq!(s.touch(T0).unwrap_err(), VaultError::Locked);
    let status = s.status(T0);
    assert!(status.locked);
    assert_eq!(status.auto_lock_at_ms, None);
    assert_eq!(
        format!("{s:?}"),
        "VaultSession { locked: true, generation: 1 }"
    );

    assert_eq!(
        s.unlock(&pw("nope"), T0).unwrap_err(),
        VaultError::WrongPassword
    );
    assert!(s.is_locked());
    s.unlock(&pw(PW), T0).unwrap();
    assert_eq!(*s.keyring(T0).unwrap(), keyring(15));

    // A session restored from stored bytes starts locked.
    let mut restored = VaultSession::from_sealed(s.sealed_bytes().to_vec()).unwrap();
    assert!(restored.is_locked());
    assert_eq!(restored.generation(), 1);
    restored.unlock(&pw(PW), T0).unwrap();
    assert_eq!(
        VaultSession::from_sealed(b"not a vault".to_vec()).unwrap_err(),
        VaultError::NotAVault
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn auto_lock_after_idle_time() {
    let mut s = create(15);
    // Activity just before the deadline postpones it.
    s.keyring(T0 + 15 * MINUTE - 1).unwrap();
    assert_eq!(
        s.status(T0 + 15 * MINUTE).auto_lock_at_ms,
        Some(T0 + 30 * MINUTE - 1)
    );
    s.touch(T0 + 20 * MINUTE).unwrap();
    // status polls do not count as activity.
    assert!(!s.status(T0 + 34 * MINUTE).locked);
    // At the deadline the next access locks and fails.
    assert_eq!(s.keyring(T0 + 35 * MINUTE).unwrap_err(), VaultError::Locked);
    assert!(s.is_locked());
    s.unlock(&pw(PW), T0 + 36 * MINUTE).unwrap();
    assert!(!s.status(T0 + 36 * MINUTE).locked);
    // status itself applies the timeout.
    assert!(s.status(T0 + 51 * MINUTE).locked);

    // A clock that goes backwards neither locks nor moves the deadline back.
    let mut s = create(1);
    s.touch(T0 - 10 * MINUTE).unwrap();
    assert_eq!(s.status(T0).auto_lock_at_ms, Some(T0 + MINUTE));

    // 0 minutes disables auto-lock.
    let mut s = create(0);
    assert_eq!(s.status(T0).auto_lock_at_ms, None);
    assert!(s.keyring(T0 + 365 * 24 * 60 * MINUTE).is_ok());
}

#[wasm_bindgen_test(unsupported = test)]
fn saves_increase_the_generation_with_a_fresh_nonce() {
    let mut s = create(15);
    let first = s.sealed_bytes().to_vec();
    let mut previous = first.clone();
    for expected in 2..=5u64 {
        let saved = s.save(T0, &mut OsRng).unwrap();
        assert_eq!(saved.generation, expected);
        assert_eq!(s.generation(), expected);
        assert_eq!(vault::peek(&saved.bytes).unwrap().generation, expected);
        // Same salt (the key is reused), different nonce.
        assert_eq!(saved.bytes[24..56], previous[24..56]);
        assert_ne!(saved.bytes[56..80], previous[56..80]);
        let (opened, _) = vault::open(&saved.bytes, &pw(PW)).unwrap();
        assert_eq!(opened, keyring(15));
        previous = saved.bytes;
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn update_saves_at_once_and_rolls_back_on_error() {
    let mut s = create(15);
    let ((), saved) = s
        .update(T0, &mut OsRng, |k| {
            k.settings
                .connected_sites
                .push("https://dapp.example".into());
            Ok::<(), VaultError>(())
        })
        .unwrap();
    assert_eq!(saved.generation, 2);
    let (opened, _) = vault::open(&saved.bytes, &pw(PW)).unwrap();
    assert_eq!(opened.settings.connected_sites, ["https://dapp.example"]);

    // A failing change leaves memory equal to storage.
    let err = s
        .update(T0, &mut OsRng, |k| {
            k.accounts.clear();
            Err::<(), _>(VaultError::NoSuchAccount)
        })
        .unwrap_err();
    assert_eq!(err, VaultError::NoSuchAccount);
    assert_eq!(s.keyring(T0).unwrap().accounts.len(), 2);
    // A change that makes the keyring invalid is refused and rolled back too.
    let err = s
        .update(T0, &mut OsRng, |k| {
            k.mnemonic = None;
            Ok::<(), VaultError>(())
        })
        .unwrap_err();
    assert!(matches!(err, VaultError::InvalidKeyring(_)));
    assert!(s.keyring(T0).unwrap().mnemonic.is_some());
    assert_eq!(s.generation(), 2);
}

#[wasm_bindgen_test(unsupported = test)]
fn change_password_keeps_everything_and_retires_the_old_password() {
    let mut s = create(15);
    let before = s.sealed_bytes().to_vec();
    assert_eq!(
        s.change_password(&pw("wrong"), &pw("second"), None, &mut OsRng, T0)
            .unwrap_err(),
        VaultError::WrongPassword
    );
    assert_eq!(s.sealed_bytes(), before.as_slice());
    assert_eq!(
        s.change_password(&pw(PW), &pw(""), None, &mut OsRng, T0)
            .unwrap_err(),
        VaultError::EmptyPassword
    );

    let stronger = KdfParams {
        memory_kib: 20480,
        iterations: 3,
        parallelism: 2,
    };
    let changed = s
        .change_password(&pw(PW), &pw("second"), Some(stronger), &mut OsRng, T0)
        .unwrap();
    assert_eq!(changed.generation, 2);
    assert_ne!(changed.bytes[24..56], before[24..56], "fresh salt");
    assert_eq!(vault::peek(&changed.bytes).unwrap().kdf, stronger);
    assert_eq!(
        vault::open(&changed.bytes, &pw(PW)).unwrap_err(),
        VaultError::WrongPassword
    );
    let (opened, _) = vault::open(&changed.bytes, &pw("second")).unwrap();
    assert_eq!(opened, keyring(15));

    // The session now uses the new key for saves and checks.
    let saved = s.save(T0, &mut OsRng).unwrap();
    assert!(vault::open(&saved.bytes, &pw("second")).is_ok());
    assert_eq!(
        s.verify_password(&pw(PW), T0).unwrap_err(),
        VaultError::WrongPassword
    );
    s.verify_password(&pw("second"), T0).unwrap();
    s.lock();
    assert_eq!(
        s.unlock(&pw(PW), T0).unwrap_err(),
        VaultError::WrongPassword
    );
    s.unlock(&pw("second"), T0).unwrap();
}

#[wasm_bindgen_test(unsupported = test)]
fn exports_require_the_password() {
    let mut s = create(15);
    assert_eq!(
        s.export_mnemonic(&pw("guess"), T0).unwrap_err(),
        VaultError::WrongPassword
    );
    assert_eq!(
        s.export_private_key(&pw("guess"), 1, T0).unwrap_err(),
        VaultError::WrongPassword
    );
    let phrase = s.export_mnemonic(&pw(PW), T0).unwrap();
    assert!(phrase.phrase.expose_secret().ends_with(" about"));
    assert!(phrase.passphrase.is_none());

    let key = s.export_private_key(&pw(PW), 1, T0).unwrap();
    assert_eq!(key.curve, Curve::Secp256k1);
    assert_eq!(key.secret.expose_secret(), &[0x11; 32]);
    assert_eq!(
        s.export_private_key(&pw(PW), 0, T0).unwrap_err(),
        VaultError::DerivedAccount
    );
    assert_eq!(
        s.export_private_key(&pw(PW), 2, T0).unwrap_err(),
        VaultError::NoSuchAccount
    );

    let mut no_phrase = keyring(15);
    no_phrase.mnemonic = None;
    no_phrase.accounts.remove(0);
    let (mut s, _) =
        VaultSession::create(no_phrase, &pw(PW), KdfParams::MIN, &mut OsRng, T0).unwrap();
    assert_eq!(
        s.export_mnemonic(&pw(PW), T0).unwrap_err(),
        VaultError::NoMnemonic
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn debug_output_has_no_secrets() {
    let mut s = create(15);
    let text = format!("{:?}", s.keyring(T0).unwrap()) + &format!("{s:?}");
    assert!(!text.contains("abandon"), "{text}");
    assert!(!text.contains("1111"), "{text}");
    let key = vault::derive_key(s.sealed_bytes(), &pw(PW)).unwrap();
    assert!(format!("{key:?}").contains("[redacted]"));
}
