//! Ed25519 private keys (RFC 8032), as Solana uses them.

use super::{decode_hex_key, KeyError};
use core::fmt;
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};

/// An Ed25519 private key (the 32-byte seed of RFC 8032). Zeroized on drop, redacted in `Debug`.
pub struct Ed25519PrivateKey(SigningKey);

impl Ed25519PrivateKey {
    /// A fresh key from the caller's cryptographic random source.
    pub fn generate(rng: &mut impl rand_core::CryptoRngCore) -> Self {
        let mut seed = crate::secret::SecretBytes::<32>::random(rng);
        Self(SigningKey::from_bytes(seed.expose_secret_mut()))
    }

    /// Imports the 32-byte RFC 8032 private key (seed).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, KeyError> {
        let seed =
            crate::secret::SecretBytes::<32>::from_slice(bytes).ok_or(KeyError::WrongLength {
                expected: 32,
                actual: bytes.len(),
            })?;
        Ok(Self(SigningKey::from_bytes(seed.expose_secret())))
    }

    /// Imports a hex private key (`0x` prefix optional).
    pub fn from_hex(text: &str) -> Result<Self, KeyError> {
        Self::from_bytes(&decode_hex_key(text)?)
    }

    /// Wraps 32 bytes known to be a private key (any 32 bytes are a valid Ed25519 seed).
    pub(crate) fn from_array(bytes: &[u8; 32]) -> Self {
        Self(SigningKey::from_bytes(bytes))
    }

    /// The 32 private key bytes, wrapped so they are wiped when dropped.
    pub fn to_bytes(&self) -> crate::secret::SecretBytes<32> {
        let mut raw = self.0.to_bytes();
        crate::secret::SecretBytes::from_array(&mut raw)
    }

    /// The 32-byte public key.
    pub fn public_key(&self) -> Ed25519PublicKey {
        Ed25519PublicKey(self.0.verifying_key())
    }

    /// Signs `message` (pure Ed25519, no prehash).
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.0.sign(message).to_bytes()
    }
}

impl fmt::Debug for Ed25519PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Ed25519PrivateKey([redacted])")
    }
}

/// An Ed25519 public key.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Ed25519PublicKey(VerifyingKey);

impl Ed25519PublicKey {
    /// Parses 32 bytes; rejects encodings that are not a curve point.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, KeyError> {
        let arr: [u8; 32] = bytes.try_into().map_err(|_| KeyError::InvalidPublicKey)?;
        VerifyingKey::from_bytes(&arr)
            .map(Self)
            .map_err(|_| KeyError::InvalidPublicKey)
    }

    /// The 32-byte encoding.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// Strict verification (RFC 8032 §5.1.7 plus rejection of small-order and non-canonical
    /// encodings), the policy Wycheproof's test vectors expect.
    pub fn verify_strict(&self, message: &[u8], signature: &[u8]) -> bool {
        let Ok(sig) = ed25519_dalek::Signature::from_slice(signature) else {
            return false;
        };
        self.0.verify_strict(message, &sig).is_ok()
    }
}

impl fmt::Debug for Ed25519PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ed25519PublicKey({})", hex::encode(self.to_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_verify_round_trip_and_wrong_length() {
        let key = Ed25519PrivateKey::generate(&mut rand_core::OsRng);
        let sig = key.sign(b"hello");
        assert!(key.public_key().verify_strict(b"hello", &sig));
        assert!(!key.public_key().verify_strict(b"hellp", &sig));
        assert_eq!(
            Ed25519PrivateKey::from_bytes(&[1u8; 31]).unwrap_err(),
            KeyError::WrongLength {
                expected: 32,
                actual: 31
            }
        );
    }
}
