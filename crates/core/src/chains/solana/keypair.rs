//! Solana's 64-byte "secret key" form: the 32-byte Ed25519 seed followed by its public key.
//!
//! This is what `Keypair.fromSecretKey` in @solana/web3.js takes, what the Solana CLI stores
//! in `id.json`, and what Phantom exports as base58. The public half is redundant, so it is
//! checked: a mismatch means the data is corrupt (or crafted), never a key to use.

use crate::keys::ed25519::Ed25519PrivateKey;
use crate::secret::SecretBytes;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// Why bytes are not a Solana keypair.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeypairError {
    /// Not 64 bytes.
    #[error("a Solana secret key must be 64 bytes (seed and public key), got {actual}")]
    WrongLength {
        /// Bytes given.
        actual: usize,
    },
    /// The text is not base58.
    #[error("secret key is not valid base58")]
    NotBase58,
    /// The last 32 bytes are not the public key of the first 32.
    #[error("secret key is invalid: its public half does not match its seed")]
    PublicKeyMismatch,
}

/// Imports the 64-byte `seed || public key` form, checking the public half.
pub fn keypair_from_secret_key(bytes: &[u8]) -> Result<Ed25519PrivateKey, KeypairError> {
    let wrong = KeypairError::WrongLength {
        actual: bytes.len(),
    };
    if bytes.len() != 64 {
        return Err(wrong);
    }
    let (seed, public) = bytes.split_at_checked(32).ok_or(wrong)?;
    let key = Ed25519PrivateKey::from_bytes(seed).map_err(|_| KeypairError::WrongLength {
        actual: bytes.len(),
    })?;
    // Constant time: the comparison involves the secret-derived public key only, but there
    // is no reason to leak how many leading bytes matched.
    if bool::from(key.public_key().to_bytes().ct_eq(public)) {
        Ok(key)
    } else {
        Err(KeypairError::PublicKeyMismatch)
    }
}

/// Imports the base58 text of the 64-byte form (Phantom's "export private key").
pub fn keypair_from_base58(text: &str) -> Result<Ed25519PrivateKey, KeypairError> {
    // 64 bytes never need more than 88 base58 characters.
    if text.len() > 88 {
        return Err(KeypairError::WrongLength { actual: 65 });
    }
    let bytes = Zeroizing::new(
        bs58::decode(text.trim())
            .into_vec()
            .map_err(|_| KeypairError::NotBase58)?,
    );
    keypair_from_secret_key(&bytes)
}

/// The 64-byte `seed || public key` form of `key`, wiped when dropped.
pub fn secret_key_bytes(key: &Ed25519PrivateKey) -> SecretBytes<64> {
    let mut out = SecretBytes::<64>::zeroed();
    let seed = key.to_bytes();
    let public = key.public_key().to_bytes();
    let buf = out.expose_secret_mut();
    for (dst, src) in buf
        .iter_mut()
        .zip(seed.expose_secret().iter().chain(public.iter()))
    {
        *dst = *src;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn round_trip_and_errors() {
        let key = Ed25519PrivateKey::from_bytes(&[9u8; 32]).unwrap();
        let sk = secret_key_bytes(&key);
        let back = keypair_from_secret_key(sk.expose_secret()).unwrap();
        assert_eq!(back.public_key(), key.public_key());
        let text = bs58::encode(sk.expose_secret()).into_string();
        assert_eq!(
            keypair_from_base58(&text).unwrap().public_key(),
            key.public_key()
        );
        assert_eq!(
            keypair_from_secret_key(&[0u8; 63]).unwrap_err(),
            KeypairError::WrongLength { actual: 63 }
        );
        assert_eq!(
            keypair_from_base58("0").unwrap_err(),
            KeypairError::NotBase58
        );
        assert!(matches!(
            keypair_from_base58(&"z".repeat(89)),
            Err(KeypairError::WrongLength { .. })
        ));
        let mut bad = *sk.expose_secret();
        bad[40] ^= 1;
        assert_eq!(
            keypair_from_secret_key(&bad).unwrap_err(),
            KeypairError::PublicKeyMismatch
        );
    }
}
