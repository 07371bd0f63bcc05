//! Key material: the two curves, BIP-39 mnemonics, and HD derivation (BIP-32, SLIP-0010).

pub mod accounts;
pub mod bip32;
pub mod ecdsa;
pub mod ed25519;
mod hash;
pub mod mnemonic;
pub mod path;
pub mod secp256k1;
pub mod slip10;
pub mod slip39;

use serde::{Deserialize, Serialize};

/// The signature schemes Custodian holds keys for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Curve {
    /// ECDSA over secp256k1 (Ethereum and other EVM chains).
    Secp256k1,
    /// Ed25519 (Solana).
    Ed25519,
}

/// Why a key could not be created, imported or used.
///
/// Messages never contain key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The private key text is not hexadecimal.
    #[error("private key is not valid hex")]
    NotHex,
    /// The private key has the wrong number of bytes.
    #[error("private key must be {expected} bytes, got {actual}")]
    WrongLength {
        /// Bytes the curve needs.
        expected: usize,
        /// Bytes given.
        actual: usize,
    },
    /// A secp256k1 private key of zero.
    #[error("private key is zero")]
    Zero,
    /// A secp256k1 private key at or above the group order n.
    #[error("private key is not below the secp256k1 group order")]
    OutOfRange,
    /// A public key that does not decode to a curve point.
    #[error("public key is not a valid point on the curve")]
    InvalidPublicKey,
}

/// Decodes hex text with an optional `0x` prefix, ignoring surrounding whitespace.
pub(crate) fn decode_hex_key(text: &str) -> Result<zeroize::Zeroizing<Vec<u8>>, KeyError> {
    let t = text.trim();
    let t = t
        .strip_prefix("0x")
        .or_else(|| t.strip_prefix("0X"))
        .unwrap_or(t);
    hex::decode(t)
        .map(zeroize::Zeroizing::new)
        .map_err(|_| KeyError::NotHex)
}

/// Copies 32 bytes into a new secret (used for HMAC halves, which are already wiped buffers).
pub(crate) fn secret32(bytes: &[u8; 32]) -> crate::secret::SecretBytes<32> {
    let mut out = crate::secret::SecretBytes::zeroed();
    *out.expose_secret_mut() = *bytes;
    out
}
