//! Solana addresses: 32 bytes written in base58 (Bitcoin alphabet).
//!
//! An address is usually an Ed25519 public key, but program-derived addresses are deliberately
//! *off* the curve, so [`Address`] accepts any 32 bytes and only [`Address::to_public_key`]
//! insists on a curve point.

use crate::keys::ed25519::Ed25519PublicKey;
use core::fmt;
use core::str::FromStr;

/// Longest base58 text worth decoding: 32 bytes never need more than 44 characters, so
/// anything longer is refused before any work (and before any allocation proportional to it).
const MAX_TEXT_LEN: usize = 44;

/// Why text is not a Solana address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AddressError {
    /// The text contains a character outside the base58 alphabet (0, O, I, l, spaces, ...).
    #[error("address is not valid base58")]
    NotBase58,
    /// The text decodes, but not to exactly 32 bytes.
    #[error("address must decode to 32 bytes, got {actual}")]
    WrongLength {
        /// Bytes decoded (or, for overlong text, a lower bound).
        actual: usize,
    },
    /// The address is not an Ed25519 public key (a program-derived address, for instance).
    #[error("address is not an Ed25519 public key")]
    NotOnCurve,
}

/// A 32-byte Solana account address.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Address([u8; 32]);

impl Address {
    /// The address with these 32 bytes.
    pub const fn new(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The address of an Ed25519 public key (the key's 32 bytes, unchanged).
    pub fn from_public_key(key: &Ed25519PublicKey) -> Self {
        Self(key.to_bytes())
    }

    /// Parses base58 text. No whitespace is trimmed: an address with a stray space is not the
    /// address the user copied.
    pub fn parse(text: &str) -> Result<Self, AddressError> {
        if text.len() > MAX_TEXT_LEN {
            // Every 44-character base58 string is at least 32 bytes; longer text is more.
            return Err(AddressError::WrongLength { actual: 33 });
        }
        let bytes = bs58::decode(text)
            .into_vec()
            .map_err(|_| AddressError::NotBase58)?;
        let actual = bytes.len();
        let array: [u8; 32] = bytes
            .try_into()
            .map_err(|_| AddressError::WrongLength { actual })?;
        Ok(Self(array))
    }

    /// The 32 address bytes.
    pub const fn to_bytes(&self) -> [u8; 32] {
        self.0
    }

    /// A view of the 32 address bytes.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The Ed25519 public key this address is, if it is one.
    pub fn to_public_key(&self) -> Result<Ed25519PublicKey, AddressError> {
        Ed25519PublicKey::from_bytes(&self.0).map_err(|_| AddressError::NotOnCurve)
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&bs58::encode(self.0).into_string())
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Address({self})")
    }
}

impl FromStr for Address {
    type Err = AddressError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl From<&Ed25519PublicKey> for Address {
    fn from(key: &Ed25519PublicKey) -> Self {
        Self::from_public_key(key)
    }
}

impl serde::Serialize for Address {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Address {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn system_program_is_all_zero() {
        let a = Address::parse("11111111111111111111111111111111").unwrap();
        assert_eq!(a.to_bytes(), [0u8; 32]);
        assert_eq!(a.to_string(), "11111111111111111111111111111111");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn rejects_bad_text() {
        assert_eq!(Address::parse("0OIl"), Err(AddressError::NotBase58));
        assert_eq!(
            Address::parse(" 11111111111111111111111111111111"),
            Err(AddressError::NotBase58)
        );
        assert_eq!(
            Address::parse("1111111111111111111111111111111"),
            Err(AddressError::WrongLength { actual: 31 })
        );
        assert_eq!(
            Address::parse(""),
            Err(AddressError::WrongLength { actual: 0 })
        );
        assert!(matches!(
            Address::parse(&"z".repeat(45)),
            Err(AddressError::WrongLength { .. })
        ));
        // 44 'z' is more than 2^256: decodes to 33 bytes.
        assert!(matches!(
            Address::parse(&"z".repeat(44)),
            Err(AddressError::WrongLength { actual: 33 })
        ));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn serde_is_base58_text() {
        let a = Address::new([7u8; 32]);
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(json, format!("\"{a}\""));
        let back: Address = serde_json::from_str(&json).unwrap();
        assert_eq!(back, a);
        assert!(serde_json::from_str::<Address>("\"abc\"").is_err());
    }
}
