//! Types that hold secret material.
//!
//! Every type here is zeroized when dropped, prints as `[redacted]` under `Debug`, has no
//! `Clone`, `Serialize` or `Display`, and compares in constant time. The only way to read
//! the bytes is `expose_secret()`, so a grep for that name lists every place a secret is used.
//!
//! Fixed-size secrets are boxed: moving a `[u8; 32]` by value copies it on the stack, and those
//! copies would not be zeroized. A `Box` moves a pointer instead.

use core::fmt;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// A fixed-size secret, such as a private key, a seed or a symmetric key.
pub struct SecretBytes<const N: usize>(Box<[u8; N]>);

impl<const N: usize> SecretBytes<N> {
    /// Takes ownership of `bytes` and zeroizes the caller's array.
    pub fn from_array(bytes: &mut [u8; N]) -> Self {
        let mut boxed = Box::new([0u8; N]);
        boxed.copy_from_slice(bytes);
        bytes.zeroize();
        Self(boxed)
    }

    /// Copies `bytes` into a new secret; `None` if the length is not `N`.
    pub fn from_slice(bytes: &[u8]) -> Option<Self> {
        if bytes.len() != N {
            return None;
        }
        let mut boxed = Box::new([0u8; N]);
        boxed.copy_from_slice(bytes);
        Some(Self(boxed))
    }

    /// A secret of `N` zero bytes, to be filled in place (e.g. by a KDF) via [`Self::expose_secret_mut`].
    pub fn zeroed() -> Self {
        Self(Box::new([0u8; N]))
    }

    /// Fills a new secret from the caller's cryptographic random source.
    pub fn random(rng: &mut impl rand_core::CryptoRngCore) -> Self {
        let mut s = Self::zeroed();
        rng.fill_bytes(s.0.as_mut_slice());
        s
    }

    /// Read access to the secret bytes.
    pub fn expose_secret(&self) -> &[u8; N] {
        &self.0
    }

    /// Write access, for filling the secret in place.
    pub fn expose_secret_mut(&mut self) -> &mut [u8; N] {
        &mut self.0
    }

    /// A copy the caller is responsible for; it is still zeroized on drop.
    pub fn duplicate(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<const N: usize> Drop for SecretBytes<N> {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}
impl<const N: usize> ZeroizeOnDrop for SecretBytes<N> {}

impl<const N: usize> fmt::Debug for SecretBytes<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretBytes([redacted])")
    }
}

impl<const N: usize> PartialEq for SecretBytes<N> {
    fn eq(&self, other: &Self) -> bool {
        self.0.ct_eq(other.0.as_slice()).into()
    }
}
impl<const N: usize> Eq for SecretBytes<N> {}

/// A variable-length secret, such as a keyring plaintext.
pub struct SecretVec(Zeroizing<Vec<u8>>);

impl SecretVec {
    /// Takes ownership of `bytes`; they are zeroized when this value drops.
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// Read access to the secret bytes.
    pub fn expose_secret(&self) -> &[u8] {
        &self.0
    }

    /// Length in bytes (not secret).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the secret is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for SecretVec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretVec([redacted])")
    }
}

impl PartialEq for SecretVec {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_slice().ct_eq(other.0.as_slice()).into()
    }
}
impl Eq for SecretVec {}

/// A secret string, such as a password or a mnemonic phrase.
pub struct SecretString(Zeroizing<String>);

impl SecretString {
    /// Takes ownership of `s`; it is zeroized when this value drops.
    pub fn new(s: String) -> Self {
        Self(Zeroizing::new(s))
    }

    /// Read access to the secret text.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// A copy the caller is responsible for; it is still zeroized on drop.
    pub fn duplicate(&self) -> Self {
        Self::new(self.0.as_str().to_owned())
    }
}

impl From<&str> for SecretString {
    fn from(s: &str) -> Self {
        Self::new(s.to_owned())
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretString([redacted])")
    }
}

impl PartialEq for SecretString {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_bytes().ct_eq(other.0.as_bytes()).into()
    }
}
impl Eq for SecretString {}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn debug_is_redacted() {
        let k = SecretBytes::<4>::from_slice(&[0xde, 0xad, 0xbe, 0xef]).unwrap();
        let v = SecretVec::new(vec![0x42; 3]);
        let s = SecretString::from("correct horse");
        for text in [format!("{k:?}"), format!("{v:?}"), format!("{s:?}")] {
            assert!(text.contains("[redacted]"), "{text}");
            assert!(!text.contains("de") && !text.contains("42") && !text.contains("horse"));
        }
    }

    #[test]
    fn from_array_wipes_the_source() {
        let mut raw = [7u8; 32];
        let k = SecretBytes::from_array(&mut raw);
        assert_eq!(raw, [0u8; 32]);
        assert_eq!(k.expose_secret(), &[7u8; 32]);
    }

    #[test]
    fn equality_compares_contents() {
        let a = SecretBytes::<2>::from_slice(&[1, 2]).unwrap();
        let b = SecretBytes::<2>::from_slice(&[1, 2]).unwrap();
        let c = SecretBytes::<2>::from_slice(&[1, 3]).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(SecretBytes::<2>::from_slice(&[1]).is_none());
    }
}
