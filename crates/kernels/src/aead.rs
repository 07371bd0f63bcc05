//! XChaCha20-Poly1305 with a detached tag, in place: the vault's AEAD (docs/vault-format.md).

use chacha20poly1305::aead::AeadInPlace;
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};

/// Why an AEAD operation failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AeadError {
    /// The message is longer than XChaCha20-Poly1305 can encrypt under one nonce.
    #[error("the data is too long to encrypt")]
    TooLong,
    /// The tag does not match: wrong key, or the ciphertext, nonce or associated data changed.
    #[error("the data was altered or the key is wrong")]
    Forged,
}

/// Encrypts `buffer` in place under `key` and `nonce`, authenticating `aad` too; returns the tag.
///
/// # Errors
/// [`AeadError::TooLong`] past the cipher's length limit (256 GiB).
#[inline(never)]
pub fn xchacha20poly1305_seal(
    key: &[u8; 32],
    nonce: &[u8; 24],
    aad: &[u8],
    buffer: &mut [u8],
) -> Result<[u8; 16], AeadError> {
    let tag = XChaCha20Poly1305::new(key.into())
        .encrypt_in_place_detached(XNonce::from_slice(nonce), aad, buffer)
        .map_err(|_| AeadError::TooLong)?;
    Ok(tag.into())
}

/// Checks `tag` over `aad` and the ciphertext in `buffer`, then decrypts `buffer` in place.
/// Nothing is decrypted when the tag does not match.
///
/// # Errors
/// [`AeadError::Forged`] when the tag does not match.
#[inline(never)]
pub fn xchacha20poly1305_open(
    key: &[u8; 32],
    nonce: &[u8; 24],
    aad: &[u8],
    buffer: &mut [u8],
    tag: &[u8; 16],
) -> Result<(), AeadError> {
    XChaCha20Poly1305::new(key.into())
        .decrypt_in_place_detached(XNonce::from_slice(nonce), aad, buffer, tag.into())
        .map_err(|_| AeadError::Forged)
}
