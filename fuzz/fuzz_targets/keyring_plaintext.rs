//! The keyring plaintext (docs/vault-format.md §Keyring): JSON inside the AEAD. Only a bug
//! can produce a bad one, but it is parsed from bytes all the same, and a parser that panics
//! would make a damaged vault unopenable instead of `Corrupted`.
//!
//! The fuzzed bytes are sealed with the fixture's key (derived from the spec, not through the
//! core) and opened through the public `open_with_key`. A keyring that opens must survive a
//! round trip: sealed again by the core, it opens to an equal keyring, and its canonical
//! plaintext is a fixed point.
#![no_main]

use custodian_core::vault::{self, VaultError};
use custodian_fuzz::{vault_fixture, FuzzRng};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let fixture = vault_fixture();
    let sealed = fixture.seal(data);
    match vault::open_with_key(&sealed, &fixture.key) {
        Ok((keyring, _)) => {
            let mut rng = FuzzRng::default();
            let resealed = vault::seal_with_key(&keyring, &fixture.key, 2, &mut rng)
                .expect("a keyring that opened must seal again");
            let (again, _) =
                vault::open_with_key(&resealed, &fixture.key).expect("resealed keyring opens");
            assert_eq!(keyring, again);
            let canonical = fixture.decrypt(&resealed).expect("own key");
            let resealed2 = fixture.seal(&canonical);
            let (third, _) = vault::open_with_key(&resealed2, &fixture.key).expect("canonical");
            assert_eq!(keyring, third);
        }
        Err(VaultError::Corrupted | VaultError::UnsupportedKeyringVersion { .. }) => {}
        Err(other) => panic!("unexpected keyring error: {other:?}"),
    }
});
