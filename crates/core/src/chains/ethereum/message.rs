//! `personal_sign`: EIP-191 version 0x45 signed messages.
//!
//! The digest is `keccak256("\x19Ethereum Signed Message:\n" || decimal(len(m)) || m)`, so a
//! signed message can never be mistaken for a signed transaction.
//!
//! Which bytes `m` are depends on how the dapp wrote the message, and Custodian reads it exactly
//! as MetaMask does (`normalizePersonalMessageData` in MetaMask's signature controller, then
//! `legacyToBuffer` in eth-sig-util):
//!
//! 1. Drop one leading `0x` or `0X`.
//! 2. If what remains is one or more hex digits, `m` is those bytes; an odd number of digits
//!    gets a leading `0` (`0xabc` is the two bytes `0a bc`).
//! 3. Otherwise `m` is the UTF-8 encoding of the whole text, prefix included.
//!
//! ethers and viem always send `0x` hex, so for them this is simply "hex is bytes". Text that is
//! made only of hex digits (`"cafe"`, `"1234"`) is read as bytes, as MetaMask reads it; the
//! preview says so.

use crate::keys::secp256k1::Secp256k1PrivateKey;
use alloy_primitives::{keccak256, B256};

/// How `personal_sign` data was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageEncoding {
    /// `0x`-prefixed hex, read as bytes.
    Hex,
    /// Hex digits without `0x` (or with an odd count), read as bytes as MetaMask does.
    BareHex,
    /// Anything else: the UTF-8 text itself.
    Utf8,
}

/// The bytes `personal_sign` signs for `data`, and how they were read (rules in the module docs).
pub fn message_bytes(data: &str) -> (Vec<u8>, MessageEncoding) {
    let stripped = data.strip_prefix("0x").or_else(|| data.strip_prefix("0X"));
    let digits = stripped.unwrap_or(data);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        let padded = if !digits.len().is_multiple_of(2) {
            format!("0{digits}")
        } else {
            digits.to_owned()
        };
        if let Ok(bytes) = hex::decode(padded) {
            let encoding = if stripped.is_some() && digits.len().is_multiple_of(2) {
                MessageEncoding::Hex
            } else {
                MessageEncoding::BareHex
            };
            return (bytes, encoding);
        }
    }
    (data.as_bytes().to_vec(), MessageEncoding::Utf8)
}

/// The EIP-191 (version 0x45) digest of `message`.
pub fn eip191_hash(message: &[u8]) -> B256 {
    let prefix = format!("\x19Ethereum Signed Message:\n{}", message.len());
    let mut buf = Vec::with_capacity(prefix.len().saturating_add(message.len()));
    buf.extend_from_slice(prefix.as_bytes());
    buf.extend_from_slice(message);
    keccak256(buf)
}

/// Handles `personal_sign`: returns the 65-byte `r || s || v` signature (`v` 27 or 28) as `0x` hex.
pub fn personal_sign(key: &Secp256k1PrivateKey, data: &str) -> String {
    let (bytes, _) = message_bytes(data);
    let sig = key.sign_prehash(&eip191_hash(&bytes).0);
    format!("0x{}", hex::encode(sig.to_rsv_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn reads_data_as_metamask_does() {
        assert_eq!(
            message_bytes("0x4243"),
            (vec![0x42, 0x43], MessageEncoding::Hex)
        );
        assert_eq!(
            message_bytes("0X4243"),
            (vec![0x42, 0x43], MessageEncoding::Hex)
        );
        assert_eq!(
            message_bytes("0xabc"),
            (vec![0x0a, 0xbc], MessageEncoding::BareHex)
        );
        assert_eq!(
            message_bytes("cafe"),
            (vec![0xca, 0xfe], MessageEncoding::BareHex)
        );
        assert_eq!(message_bytes("0x"), (b"0x".to_vec(), MessageEncoding::Utf8));
        assert_eq!(message_bytes(""), (vec![], MessageEncoding::Utf8));
        assert_eq!(
            message_bytes("0xzz"),
            (b"0xzz".to_vec(), MessageEncoding::Utf8)
        );
        assert_eq!(
            message_bytes("Hello, world!"),
            (b"Hello, world!".to_vec(), MessageEncoding::Utf8)
        );
        assert_eq!(
            message_bytes("é"),
            ("é".as_bytes().to_vec(), MessageEncoding::Utf8)
        );
    }
}
