//! SLIP-0010 hierarchical deterministic keys for Ed25519, as Solana wallets derive them.
//!
//! The scheme is BIP-32's private derivation with a different master label (`"ed25519 seed"`)
//! and no curve arithmetic: the left half of each HMAC-SHA512 output is the child's Ed25519
//! private key as it is, and the right half its chain code. Ed25519 has no public derivation,
//! so every step must be hardened; a normal step is an error rather than silently hardened,
//! because a wallet that hardened it would show a different address than the user expects.
//!
//! SLIP-0010 for secp256k1 is BIP-32 itself and lives in [`super::bip32`].

use super::bip32::NodeInfo;
use super::ed25519::{Ed25519PrivateKey, Ed25519PublicKey};
use super::hash::{fingerprint, hmac_sha512, split_halves};
use super::path::{ChildNumber, DerivationPath};
use super::secret32;
use crate::secret::SecretBytes;
use core::fmt;

/// HMAC key for the master node (SLIP-0010, "Master key generation").
const MASTER_HMAC_KEY: &[u8; 12] = b"ed25519 seed";

/// Why an Ed25519 key could not be derived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Slip10Error {
    /// The seed is shorter than 16 or longer than 64 bytes.
    #[error("a SLIP-0010 seed is 16 to 64 bytes; got {found}")]
    SeedLength {
        /// Bytes given.
        found: usize,
    },
    /// A non-hardened step: Ed25519 derivation only has hardened ones.
    #[error(
        "Ed25519 keys derive through hardened steps only; step {position} needs a ' (as in 0')"
    )]
    NotHardened {
        /// Position of the step in the path given, counting from 1 (1 for a single step).
        position: usize,
    },
    /// Deriving would pass depth 255.
    #[error("keys cannot be derived more than 255 levels deep")]
    DepthExceeded,
}

/// An Ed25519 private key with its chain code: a node of a SLIP-0010 tree.
///
/// Not `Clone`; key and chain code are zeroized on drop and redacted in `Debug`.
pub struct Ed25519ExtendedKey {
    key: Ed25519PrivateKey,
    chain_code: SecretBytes<32>,
    info: NodeInfo,
}

impl Ed25519ExtendedKey {
    /// The master key of the tree grown from `seed` (for a BIP-39 seed, 64 bytes).
    ///
    /// # Errors
    /// [`Slip10Error::SeedLength`] outside 16-64 bytes.
    pub fn from_seed(seed: &[u8]) -> Result<Self, Slip10Error> {
        if !(16..=64).contains(&seed.len()) {
            return Err(Slip10Error::SeedLength { found: seed.len() });
        }
        let i = hmac_sha512(MASTER_HMAC_KEY, &[seed]);
        let (il, ir) = split_halves(&i);
        Ok(Self {
            key: Ed25519PrivateKey::from_array(il),
            chain_code: secret32(ir),
            info: NodeInfo {
                depth: 0,
                parent_fingerprint: [0; 4],
                child_number: ChildNumber::from_u32(0),
            },
        })
    }

    /// The hardened child at `child`.
    ///
    /// # Errors
    /// [`Slip10Error::NotHardened`] (position 1) for a normal step,
    /// [`Slip10Error::DepthExceeded`] below depth 255.
    pub fn derive_child(&self, child: ChildNumber) -> Result<Self, Slip10Error> {
        if !child.is_hardened() {
            return Err(Slip10Error::NotHardened { position: 1 });
        }
        let depth = self
            .info
            .depth
            .checked_add(1)
            .ok_or(Slip10Error::DepthExceeded)?;
        let secret = self.key.to_bytes();
        let i = hmac_sha512(
            self.chain_code.expose_secret(),
            &[
                &[0u8],
                secret.expose_secret(),
                &child.to_u32().to_be_bytes(),
            ],
        );
        let (il, ir) = split_halves(&i);
        Ok(Self {
            key: Ed25519PrivateKey::from_array(il),
            chain_code: secret32(ir),
            info: NodeInfo {
                depth,
                parent_fingerprint: self.fingerprint(),
                child_number: child,
            },
        })
    }

    /// The key reached by applying every step of `path` below this one. The whole path is
    /// checked before any derivation.
    ///
    /// # Errors
    /// [`Slip10Error::NotHardened`] with the position of the first normal step,
    /// [`Slip10Error::DepthExceeded`].
    pub fn derive_path(&self, path: &DerivationPath) -> Result<Self, Slip10Error> {
        if let Some(offset) = path.steps().iter().position(|c| !c.is_hardened()) {
            return Err(Slip10Error::NotHardened {
                position: offset.saturating_add(1),
            });
        }
        let secret = self.key.to_bytes();
        let mut node = Self {
            key: Ed25519PrivateKey::from_array(secret.expose_secret()),
            chain_code: self.chain_code.duplicate(),
            info: self.info,
        };
        for step in path.steps() {
            node = node.derive_child(*step)?;
        }
        Ok(node)
    }

    /// The signing key at this node.
    pub fn private_key(&self) -> &Ed25519PrivateKey {
        &self.key
    }

    /// The signing key at this node, dropping the chain code.
    pub fn into_private_key(self) -> Ed25519PrivateKey {
        self.key
    }

    /// The public key at this node.
    pub fn public_key(&self) -> Ed25519PublicKey {
        self.key.public_key()
    }

    /// The chain code.
    pub fn chain_code(&self) -> &SecretBytes<32> {
        &self.chain_code
    }

    /// Depth, parent fingerprint and child number.
    pub fn info(&self) -> NodeInfo {
        self.info
    }

    /// HASH160 of `0x00 || public key`, first 4 bytes: SLIP-0010's fingerprint for Ed25519.
    pub fn fingerprint(&self) -> [u8; 4] {
        let mut tagged = [0u8; 33];
        for (dst, src) in tagged.iter_mut().skip(1).zip(self.public_key().to_bytes()) {
            *dst = src;
        }
        fingerprint(&tagged)
    }
}

impl fmt::Debug for Ed25519ExtendedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Ed25519ExtendedKey([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn master() -> Ed25519ExtendedKey {
        Ed25519ExtendedKey::from_seed(&hex::decode("000102030405060708090a0b0c0d0e0f").unwrap())
            .unwrap()
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn normal_steps_are_refused_with_their_position() {
        let m = master();
        assert_eq!(
            m.derive_child(ChildNumber::normal(0).unwrap()).unwrap_err(),
            Slip10Error::NotHardened { position: 1 }
        );
        let path = "m/44'/501'/0'/0".parse().unwrap();
        assert_eq!(
            m.derive_path(&path).unwrap_err(),
            Slip10Error::NotHardened { position: 4 }
        );
        let message = Slip10Error::NotHardened { position: 4 }.to_string();
        assert!(message.contains("step 4"), "{message}");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn empty_path_is_the_key_itself() {
        let m = master();
        let same = m.derive_path(&DerivationPath::master()).unwrap();
        assert_eq!(same.public_key(), m.public_key());
        assert_eq!(same.chain_code(), m.chain_code());
        assert_eq!(same.info(), m.info());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn seed_length_and_depth_limits() {
        assert_eq!(
            Ed25519ExtendedKey::from_seed(&[0; 15]).unwrap_err(),
            Slip10Error::SeedLength { found: 15 }
        );
        assert_eq!(
            Ed25519ExtendedKey::from_seed(&[0; 65]).unwrap_err(),
            Slip10Error::SeedLength { found: 65 }
        );
        let path =
            DerivationPath::from_steps(vec![ChildNumber::hardened(7).unwrap(); 255]).unwrap();
        let deep = master().derive_path(&path).unwrap();
        assert_eq!(deep.info().depth, 255);
        assert_eq!(
            deep.derive_child(ChildNumber::hardened(0).unwrap())
                .unwrap_err(),
            Slip10Error::DepthExceeded
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn debug_is_redacted() {
        assert_eq!(format!("{:?}", master()), "Ed25519ExtendedKey([redacted])");
    }
}
