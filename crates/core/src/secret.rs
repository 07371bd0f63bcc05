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

/// How much stack [`wipe_stack`] overwrites. The deepest request measured in WebAssembly
/// (create with Argon2id, then signing with both curves) reaches under 12 KiB below its entry
/// point (tests/node/memory_scrub.test.mjs); 64 KiB leaves a wide margin and costs
/// microseconds.
const STACK_WIPE_BYTES: usize = 64 * 1024;

/// Overwrites the stack below the caller with zeros.
///
/// Zeroize-on-drop wipes a secret where it ends up, not the copies left on the way: a key
/// moved out of a function, the buffers of HMAC, SHA-2 and BLAKE2 states inside dependencies
/// (they hold the keyed data), ECDSA and Ed25519 nonces, Argon2's output. Those copies sit in
/// stack frames that are dead once a request has returned. Called from a request's entry point
/// after the work is done, this function's frame reuses that same region for one array and
/// overwrites it with volatile writes the optimiser cannot drop.
#[inline(never)]
pub fn wipe_stack() {
    // Left uninitialised: a zero-initialised array would be written twice, once by the
    // initialiser and once by the wipe. Wiped as a slice, not an array: zeroize writes an
    // array element by element (8,192 volatile stores, most of an `eth_chainId` request),
    // a slice in bulk (a fenced memset natively, 16-byte volatile stores elsewhere).
    let mut scratch = [core::mem::MaybeUninit::<u64>::uninit(); STACK_WIPE_BYTES / 8];
    scratch.as_mut_slice().zeroize();
    core::hint::black_box(&mut scratch);
}

/// Overwrites every string inside `value` and empties it; other values are left as they are.
///
/// A result can carry a secret as a plain JSON string (`wallet_create`'s mnemonic,
/// `wallet_export`'s key), and `serde_json` frees strings without wiping them. Hosts call this
/// once the value has been handed on (encoded as text, or copied to JavaScript).
pub fn wipe_json(value: &mut serde_json::Value) {
    use serde_json::Value;
    // An explicit work list: the value may nest as deep as the JSON parser allows.
    let mut pending = vec![value];
    while let Some(v) = pending.pop() {
        match v {
            Value::String(s) => s.zeroize(),
            Value::Array(items) => pending.extend(items.iter_mut()),
            Value::Object(map) => pending.extend(map.values_mut()),
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }
}

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

    #[wasm_bindgen_test(unsupported = test)]
    fn wipe_json_empties_every_string() {
        let mut v = serde_json::json!({
            "mnemonic": "abandon abandon about",
            "accounts": [{"address": "0xabc", "index": 0}, ["deep", ["deeper"]]],
            "flag": true
        });
        wipe_json(&mut v);
        assert_eq!(
            v,
            serde_json::json!({
                "mnemonic": "",
                "accounts": [{"address": "", "index": 0}, ["", [""]]],
                "flag": true
            })
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn wipe_stack_returns() {
        // What it overwrites is dead stack, which safe Rust cannot read; the linear-memory
        // scans (tests/node/memory_scrub.test.mjs, tests/e2e/memory_scrub.test.mjs) check the
        // effect. This only shows the 64 KiB frame fits the test thread and the wasm stack.
        wipe_stack();
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
