//! Ethereum addresses: derivation from a public key and the EIP-55 mixed-case checksum.
//!
//! An address is the last 20 bytes of `keccak256(x || y)` over the 64-byte uncompressed public
//! key (Yellow Paper, appendix F). EIP-55 (<https://eips.ethereum.org/EIPS/eip-55>) writes the
//! hex digit at position `i` in upper case when nibble `i` of `keccak256(lower-case hex)` is 8 or
//! more, so a typo in a mixed-case address is caught with high probability.

use crate::keys::secp256k1::Secp256k1PublicKey;
use alloy_primitives::{keccak256, Address};

/// Why a piece of text is not an Ethereum address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AddressError {
    /// Not 40 hex digits (after an optional `0x`).
    #[error("an address is 40 hex digits after 0x, got {0} characters")]
    WrongLength(usize),
    /// A character that is not a hex digit.
    #[error("address contains a character that is not a hex digit")]
    NotHex,
    /// Mixed case that does not match the EIP-55 checksum: most likely a typo.
    #[error("address checksum (EIP-55 mixed case) does not match; check the address for a typo")]
    BadChecksum,
}

/// The Ethereum address of a secp256k1 public key.
pub fn address_of(public_key: &Secp256k1PublicKey) -> Address {
    let hash = keccak256(public_key.to_uncompressed_xy());
    Address::from_slice(hash.get(12..).unwrap_or(&[0u8; 20]))
}

/// The EIP-55 checksummed form, `0x` followed by 40 mixed-case hex digits.
pub fn to_checksum(address: &Address) -> String {
    let lower = hex::encode(address.as_slice());
    let hash = keccak256(lower.as_bytes());
    let mut out = String::with_capacity(42);
    out.push_str("0x");
    for (i, c) in lower.chars().enumerate() {
        // Nibble i of the hash: the high nibble of byte i/2 for even i, the low one for odd i.
        let byte = hash.get(i / 2).copied().unwrap_or(0);
        let nibble = if i % 2 == 0 { byte >> 4 } else { byte & 0x0f };
        out.push(if nibble >= 8 {
            c.to_ascii_uppercase()
        } else {
            c
        });
    }
    out
}

/// Parses an address written as 40 hex digits with an optional `0x` prefix.
///
/// All-lower-case and all-upper-case text carries no checksum and is accepted as is (EIP-55
/// keeps them valid for compatibility). Mixed case must match the EIP-55 checksum exactly.
pub fn parse_address(text: &str) -> Result<Address, AddressError> {
    let digits = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .unwrap_or(text);
    if digits.len() != 40 {
        return Err(AddressError::WrongLength(digits.len()));
    }
    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AddressError::NotHex);
    }
    let mut bytes = [0u8; 20];
    hex::decode_to_slice(digits, &mut bytes).map_err(|_| AddressError::NotHex)?;
    let address = Address::from(bytes);
    let has_lower = digits.bytes().any(|b| b.is_ascii_lowercase());
    let has_upper = digits.bytes().any(|b| b.is_ascii_uppercase());
    if has_lower && has_upper && to_checksum(&address).get(2..) != Some(digits) {
        return Err(AddressError::BadChecksum);
    }
    Ok(address)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn rejects_a_single_flipped_case() {
        // ERC-55 example with the case of one letter flipped.
        let good = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
        assert!(parse_address(good).is_ok());
        let bad = "0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
        assert_eq!(parse_address(bad), Err(AddressError::BadChecksum));
        // The same digits without a checksum are fine.
        assert!(parse_address(&bad.to_lowercase()).is_ok());
        assert!(parse_address(&bad.to_uppercase().replace("0X", "0x")).is_ok());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn rejects_malformed_text() {
        assert_eq!(parse_address("0x1234"), Err(AddressError::WrongLength(4)));
        assert_eq!(parse_address(""), Err(AddressError::WrongLength(0)));
        assert_eq!(
            parse_address("0xzz5aeb6053f3e94c9b9a09f33669435e7ef1beae"),
            Err(AddressError::NotHex)
        );
        // 40 bytes of multi-byte UTF-8 must not be sliced in the middle of a character.
        assert_eq!(parse_address(&"é".repeat(20)), Err(AddressError::NotHex));
    }
}
