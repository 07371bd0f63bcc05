//! The vault envelope (docs/vault-format.md §Header, §Reading): bytes from storage, which a
//! thief or a bug may have changed. Every reader entry point that runs no KDF is called.
//!
//! Each input is tried twice: as is, and with its header checksum recomputed, so mutated
//! lengths, KDF parameters and key checks reach the steps behind the checksum. Inputs that
//! pass the header with the fixture's key check also reach the AEAD. Each input is also read
//! as a list of byte edits to the fixture's own vault, so a vault that opens is mutated too.
//! `derive_key` / `open` are not called: they run Argon2id with the header's parameters
//! (up to 2 GiB), which would make each exec take seconds.
#![no_main]

use custodian_core::api::Wallet;
use custodian_core::vault::{self, VaultError, VaultSession};
use custodian_fuzz::{fix_checksum, vault_fixture};
use libfuzzer_sys::fuzz_target;

fn check(bytes: &[u8]) {
    let fixture = vault_fixture();
    let peeked = vault::peek(bytes);
    let session = VaultSession::from_sealed(bytes.to_vec());
    // A locked session accepts exactly the bytes whose header reads.
    assert_eq!(peeked.is_ok(), session.is_ok());
    assert_eq!(peeked.is_ok(), Wallet::from_sealed(bytes.to_vec()).is_ok());
    if let (Ok(info), Ok(session)) = (&peeked, &session) {
        assert_eq!(session.generation(), info.generation);
        assert!(session.is_locked());
        assert!(
            info.kdf.validate().is_ok(),
            "peek accepted KDF params outside the bounds"
        );
    }
    let opened = vault::open_with_key(bytes, &fixture.key);
    match (&peeked, &opened) {
        // open_with_key reads the same header: it can only fail where peek failed, or later.
        (Err(e), Err(f)) => assert_eq!(e, f),
        (Err(e), Ok(_)) => panic!("open_with_key accepted a header peek refused: {e}"),
        (Ok(_), Ok((_, info))) => {
            // Only our own key opens it, so the tag was made with it: the plaintext is the
            // fixture's or another the fuzzer cannot forge.
            assert_eq!(Ok(*info), peeked);
            assert!(fixture.decrypt(bytes).is_some());
        }
        (Ok(_), Err(VaultError::WrongPassword | VaultError::Corrupted)) => {}
        (Ok(_), Err(VaultError::UnsupportedKeyringVersion { .. })) => {}
        (Ok(_), Err(other)) => panic!("unexpected error after a good header: {other:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    check(data);
    let mut fixed = data.to_vec();
    fix_checksum(&mut fixed);
    if fixed != data {
        check(&fixed);
    }
    // The input read as edits (offset: u16 big-endian, byte) of a vault that opens, so header
    // fields of a real vault are explored too; offset = length appends a byte.
    let mut edited = vault_fixture().sealed.clone();
    for edit in data.chunks_exact(3) {
        let offset = usize::from(u16::from_be_bytes([edit[0], edit[1]])) % (edited.len() + 1);
        match edited.get_mut(offset) {
            Some(byte) => *byte = edit[2],
            None => edited.push(edit[2]),
        }
    }
    check(&edited);
    fix_checksum(&mut edited);
    check(&edited);
});
