//! Password to keys: Argon2id, then HMAC-SHA-256 sub-keys (`docs/vault-format.md` §KDF, §Keys).

use super::VaultError;
use crate::secret::{SecretBytes, SecretString};
use core::fmt;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, Zeroizing};

/// Argon2id cost parameters, stored in the vault header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KdfParams {
    /// Memory in KiB (`m`).
    pub memory_kib: u32,
    /// Passes over the memory (`t`).
    pub iterations: u32,
    /// Lanes (`p`).
    pub parallelism: u32,
}

impl KdfParams {
    /// RFC 9106 §4's second recommended option: 64 MiB, 3 passes, 1 lane.
    pub const DEFAULT: Self = Self {
        memory_kib: 65536,
        iterations: 3,
        parallelism: 1,
    };

    /// The floor (OWASP's minimum for Argon2id): 19 MiB, 2 passes, 1 lane.
    pub const MIN: Self = Self {
        memory_kib: 19456,
        iterations: 2,
        parallelism: 1,
    };

    /// The per-parameter ceiling: 2 GiB (RFC 9106's first recommended option), 64 passes, 16 lanes.
    pub const MAX: Self = Self {
        memory_kib: 2 * 1024 * 1024,
        iterations: 64,
        parallelism: 16,
    };

    /// Ceiling on `memory_kib * iterations`: 8 GiB of memory filling in total, so the
    /// largest memory cannot be combined with the most passes.
    pub const MAX_MEMORY_PASSES_KIB: u64 = 8 * 1024 * 1024;

    /// Checks the floor and the ceiling (`docs/vault-format.md` §KDF).
    ///
    /// # Errors
    /// [`VaultError::WeakKdfParameters`] below the floor, [`VaultError::ExcessiveKdfParameters`]
    /// above the ceiling.
    pub fn validate(&self) -> Result<(), VaultError> {
        if self.memory_kib < Self::MIN.memory_kib
            || self.iterations < Self::MIN.iterations
            || self.parallelism < Self::MIN.parallelism
        {
            return Err(VaultError::WeakKdfParameters {
                memory_kib: self.memory_kib,
                iterations: self.iterations,
                parallelism: self.parallelism,
            });
        }
        let passes = u64::from(self.memory_kib).saturating_mul(u64::from(self.iterations));
        if self.memory_kib > Self::MAX.memory_kib
            || self.iterations > Self::MAX.iterations
            || self.parallelism > Self::MAX.parallelism
            || passes > Self::MAX_MEMORY_PASSES_KIB
        {
            return Err(VaultError::ExcessiveKdfParameters {
                memory_kib: self.memory_kib,
                iterations: self.iterations,
                parallelism: self.parallelism,
            });
        }
        Ok(())
    }
}

impl Default for KdfParams {
    fn default() -> Self {
        Self::DEFAULT
    }
}

const LABEL_VAULT_KEY: &[u8] = b"custodian/v1/vault-key";
const LABEL_KEY_CHECK: &[u8] = b"custodian/v1/key-check";
/// Length of the key check stored in the header.
pub(crate) const KEY_CHECK_LEN: usize = 16;

/// A key derived from the password for one salt and set of KDF parameters.
///
/// Holds the AEAD key (zeroized on drop) and what is needed to write a header for it. An
/// unlocked session keeps one so that saving does not ask for the password again.
pub struct VaultKey {
    pub(crate) kdf: KdfParams,
    pub(crate) salt: Vec<u8>,
    pub(crate) aead_key: SecretBytes<32>,
    pub(crate) key_check: [u8; KEY_CHECK_LEN],
}

impl VaultKey {
    /// Derives the key for `password` with this salt and these parameters. Runs Argon2id.
    ///
    /// # Errors
    /// The parameters are outside the floor or ceiling, or Argon2's memory cannot be allocated.
    pub fn derive(
        password: &SecretString,
        salt: &[u8],
        kdf: KdfParams,
    ) -> Result<Self, VaultError> {
        kdf.validate()?;
        let ikm = argon2id(password, salt, kdf)?;
        let aead_key = prf(ikm.expose_secret(), LABEL_VAULT_KEY)?;
        let mut check = prf(ikm.expose_secret(), LABEL_KEY_CHECK)?;
        let mut key_check = [0u8; KEY_CHECK_LEN];
        if let Some(prefix) = check.expose_secret().get(..KEY_CHECK_LEN) {
            key_check.copy_from_slice(prefix);
        }
        check.expose_secret_mut().zeroize();
        Ok(Self {
            kdf,
            salt: salt.to_vec(),
            aead_key,
            key_check,
        })
    }

    /// The KDF parameters this key was derived with.
    pub fn kdf(&self) -> KdfParams {
        self.kdf
    }

    /// Whether `stored` (a header's key check) was made by this key; constant time.
    pub(crate) fn matches(&self, stored: &[u8]) -> bool {
        self.key_check.ct_eq(stored).into()
    }
}

impl fmt::Debug for VaultKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VaultKey")
            .field("kdf", &self.kdf)
            .field("key", &"[redacted]")
            .finish()
    }
}

/// The password bytes Argon2 sees: the NFC form of the password, UTF-8 encoded.
fn normalized_password(password: &SecretString) -> Zeroizing<String> {
    crate::text::normalize::nfc(password.expose_secret())
}

fn argon2id(
    password: &SecretString,
    salt: &[u8],
    kdf: KdfParams,
) -> Result<SecretBytes<32>, VaultError> {
    let weak = || VaultError::WeakKdfParameters {
        memory_kib: kdf.memory_kib,
        iterations: kdf.iterations,
        parallelism: kdf.parallelism,
    };
    let params = argon2::Params::new(kdf.memory_kib, kdf.iterations, kdf.parallelism, Some(32))
        .map_err(|_| weak())?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);

    // Allocate Argon2's memory ourselves: a failed allocation becomes an error instead of an
    // abort (which would trap the WebAssembly instance), and the blocks, which are derived from
    // the password, are wiped afterwards (argon2 0.5 does not wipe them).
    let blocks_needed = argon.params().block_count();
    let mut blocks: Zeroizing<Vec<argon2::Block>> = Zeroizing::new(Vec::new());
    blocks
        .try_reserve_exact(blocks_needed)
        .map_err(|_| VaultError::OutOfMemory {
            memory_kib: kdf.memory_kib,
        })?;
    blocks.resize(blocks_needed, argon2::Block::default());

    let pw = normalized_password(password);
    let mut ikm = SecretBytes::<32>::zeroed();
    argon
        .hash_password_into_with_memory(
            pw.as_bytes(),
            salt,
            ikm.expose_secret_mut(),
            blocks.as_mut_slice(),
        )
        .map_err(|_| weak())?;
    Ok(ikm)
}

/// HMAC-SHA-256(key, label): a PRF, so outputs under different labels are independent.
fn prf(key: &[u8; 32], label: &[u8]) -> Result<SecretBytes<32>, VaultError> {
    // HMAC takes keys of any length, so this error cannot occur.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).map_err(|_| VaultError::Corrupted)?;
    mac.update(label);
    let mut tag: [u8; 32] = mac.finalize().into_bytes().into();
    Ok(SecretBytes::from_array(&mut tag))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn floor_and_ceiling() {
        assert_eq!(KdfParams::DEFAULT.validate(), Ok(()));
        assert_eq!(KdfParams::MIN.validate(), Ok(()));
        let below = [
            KdfParams {
                memory_kib: 19455,
                ..KdfParams::MIN
            },
            KdfParams {
                iterations: 1,
                ..KdfParams::MIN
            },
            KdfParams {
                parallelism: 0,
                ..KdfParams::MIN
            },
        ];
        for p in below {
            assert!(matches!(
                p.validate(),
                Err(VaultError::WeakKdfParameters { .. })
            ));
        }
        let above = [
            KdfParams {
                memory_kib: KdfParams::MAX.memory_kib + 1,
                ..KdfParams::MIN
            },
            KdfParams {
                iterations: 65,
                ..KdfParams::MIN
            },
            KdfParams {
                parallelism: 17,
                ..KdfParams::MIN
            },
            // Each within its own ceiling, but together more than 8 GiB of filling.
            KdfParams {
                memory_kib: KdfParams::MAX.memory_kib,
                iterations: 5,
                parallelism: 1,
            },
        ];
        for p in above {
            assert!(matches!(
                p.validate(),
                Err(VaultError::ExcessiveKdfParameters { .. })
            ));
        }
        assert_eq!(
            KdfParams {
                memory_kib: KdfParams::MAX.memory_kib,
                iterations: 4,
                parallelism: 16
            }
            .validate(),
            Ok(())
        );
    }

    // Also under wasm, where the JS engine does the NFC (text/normalize.rs).
    #[wasm_bindgen_test(unsupported = test)]
    fn nfc_and_nfd_passwords_derive_the_same_key() {
        let composed = SecretString::from("caf\u{e9}");
        let decomposed = SecretString::from("cafe\u{301}");
        let salt = [7u8; 16];
        let a = VaultKey::derive(&composed, &salt, KdfParams::MIN).unwrap();
        let b = VaultKey::derive(&decomposed, &salt, KdfParams::MIN).unwrap();
        assert_eq!(a.aead_key, b.aead_key);
        assert!(a.matches(&b.key_check));
        let other = VaultKey::derive(&SecretString::from("cafe"), &salt, KdfParams::MIN).unwrap();
        assert_ne!(a.aead_key, other.aead_key);
        assert!(!a.matches(&other.key_check));
        // The key check is not a prefix of the AEAD key.
        assert_ne!(&a.aead_key.expose_secret()[..16], &a.key_check[..]);
    }
}
