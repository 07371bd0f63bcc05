//! Reading fields of the JSON objects dapps send over Ethereum JSON-RPC.
//!
//! Quantities follow the JSON-RPC encoding (`0x`-prefixed hex, as ethers and viem emit them);
//! JSON integers and decimal strings are accepted too, because hand-written dapps send them
//! and they cannot be misread. Byte strings must be `0x`-prefixed with an even number of
//! digits. A JSON `null` means the field is absent, as it does for ethers.

use super::address::{parse_address, AddressError};
use alloy_primitives::{Address, U256};
use serde_json::{Map, Value};

/// A field of a JSON request that is missing or malformed. Each variant names the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FieldError {
    /// The request (or a nested item) is not a JSON object.
    #[error("`{0}` must be a JSON object")]
    NotAnObject(String),
    /// A field the request must carry is absent or null.
    #[error("missing required field `{0}`")]
    Missing(String),
    /// A field has the wrong JSON type (e.g. a number where a list is expected).
    #[error("field `{field}` must be {expected}")]
    WrongType {
        /// The field's name (with its path for nested items).
        field: String,
        /// What the field should be.
        expected: &'static str,
    },
    /// Hex text that cannot be decoded.
    #[error("field `{field}` is not valid hex: {reason}")]
    InvalidHex {
        /// The field's name.
        field: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Bytes of the wrong length for a fixed-size field.
    #[error("field `{field}` must be {expected} bytes, got {actual}")]
    WrongLength {
        /// The field's name.
        field: String,
        /// Bytes the field needs.
        expected: usize,
        /// Bytes given.
        actual: usize,
    },
    /// A number that is negative, fractional or not a number at all.
    #[error("field `{0}` is not a non-negative integer")]
    InvalidNumber(String),
    /// A number larger than the field can hold.
    #[error("field `{field}` is too large: it must fit in {bits} bits")]
    Overflow {
        /// The field's name.
        field: String,
        /// The width of the field.
        bits: u32,
    },
    /// An address that does not parse.
    #[error("field `{field}`: {source}")]
    InvalidAddress {
        /// The field's name.
        field: String,
        /// Why the address was rejected.
        source: AddressError,
    },
}

/// The JSON object behind `value`, or an error naming `what` it should have been.
pub(crate) fn object<'a>(
    value: &'a Value,
    what: &str,
) -> Result<&'a Map<String, Value>, FieldError> {
    value
        .as_object()
        .ok_or_else(|| FieldError::NotAnObject(what.to_owned()))
}

/// The field `key`, treating `null` as absent.
pub(crate) fn get<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    obj.get(key).filter(|v| !v.is_null())
}

/// The field `key`, which must be present.
pub(crate) fn require<'a>(obj: &'a Map<String, Value>, key: &str) -> Result<&'a Value, FieldError> {
    get(obj, key).ok_or_else(|| FieldError::Missing(key.to_owned()))
}

/// Parses a quantity: `0x` hex (leading zeros tolerated), a decimal string or a JSON integer.
pub(crate) fn quantity(value: &Value, field: &str) -> Result<U256, FieldError> {
    match value {
        Value::Number(n) => n
            .as_u64()
            .map(U256::from)
            .ok_or_else(|| FieldError::InvalidNumber(field.to_owned())),
        Value::String(s) => quantity_str(s, field),
        _ => Err(FieldError::WrongType {
            field: field.to_owned(),
            expected: "a hex quantity string",
        }),
    }
}

fn quantity_str(s: &str, field: &str) -> Result<U256, FieldError> {
    let overflow = || FieldError::Overflow {
        field: field.to_owned(),
        bits: 256,
    };
    if let Some(digits) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        if digits.is_empty() {
            return Err(FieldError::InvalidHex {
                field: field.to_owned(),
                reason: "no digits after 0x",
            });
        }
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(FieldError::InvalidHex {
                field: field.to_owned(),
                reason: "contains a character that is not a hex digit",
            });
        }
        let significant = digits.trim_start_matches('0');
        if significant.len() > 64 {
            return Err(overflow());
        }
        return U256::from_str_radix(significant, 16).map_err(|_| overflow());
    }
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FieldError::InvalidNumber(field.to_owned()));
    }
    // Only digits remain, so the one way parsing can fail is a value above 2^256 - 1.
    U256::from_str_radix(s, 10).map_err(|_| overflow())
}

/// Narrows a quantity to `u64` (nonces, gas limits, chain ids).
pub(crate) fn to_u64(value: U256, field: &str) -> Result<u64, FieldError> {
    u64::try_from(value).map_err(|_| FieldError::Overflow {
        field: field.to_owned(),
        bits: 64,
    })
}

/// Narrows a quantity to `u128` (fee fields, as alloy stores them).
pub(crate) fn to_u128(value: U256, field: &str) -> Result<u128, FieldError> {
    u128::try_from(value).map_err(|_| FieldError::Overflow {
        field: field.to_owned(),
        bits: 128,
    })
}

/// Parses `0x`-prefixed hex bytes with an even number of digits.
pub(crate) fn bytes(value: &Value, field: &str) -> Result<Vec<u8>, FieldError> {
    let s = value.as_str().ok_or_else(|| FieldError::WrongType {
        field: field.to_owned(),
        expected: "a 0x-prefixed hex string",
    })?;
    hex_bytes(s, field)
}

/// Parses `0x`-prefixed hex text with an even number of digits.
pub(crate) fn hex_bytes(s: &str, field: &str) -> Result<Vec<u8>, FieldError> {
    let invalid = |reason| FieldError::InvalidHex {
        field: field.to_owned(),
        reason,
    };
    let digits = s
        .strip_prefix("0x")
        .or_else(|| s.strip_prefix("0X"))
        .ok_or_else(|| invalid("missing 0x prefix"))?;
    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(invalid("contains a character that is not a hex digit"));
    }
    if digits.len() % 2 != 0 {
        return Err(invalid("odd number of hex digits"));
    }
    hex::decode(digits).map_err(|_| invalid("not hexadecimal"))
}

/// Parses exactly 32 bytes of `0x` hex (storage keys, hashes, `r`/`s`).
pub(crate) fn bytes32(value: &Value, field: &str) -> Result<[u8; 32], FieldError> {
    let raw = bytes(value, field)?;
    <[u8; 32]>::try_from(raw.as_slice()).map_err(|_| FieldError::WrongLength {
        field: field.to_owned(),
        expected: 32,
        actual: raw.len(),
    })
}

/// Parses an address field (EIP-55 checksum enforced on mixed case).
pub(crate) fn address(value: &Value, field: &str) -> Result<Address, FieldError> {
    let s = value.as_str().ok_or_else(|| FieldError::WrongType {
        field: field.to_owned(),
        expected: "an address string",
    })?;
    parse_address(s).map_err(|source| FieldError::InvalidAddress {
        field: field.to_owned(),
        source,
    })
}

/// The field as a JSON array.
pub(crate) fn array<'a>(value: &'a Value, field: &str) -> Result<&'a Vec<Value>, FieldError> {
    value.as_array().ok_or_else(|| FieldError::WrongType {
        field: field.to_owned(),
        expected: "a list",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn quantities_accept_what_dapps_send() {
        assert_eq!(quantity(&json!("0x0"), "v"), Ok(U256::ZERO));
        assert_eq!(quantity(&json!("0x00ff"), "v"), Ok(U256::from(255)));
        assert_eq!(quantity(&json!("0XFF"), "v"), Ok(U256::from(255)));
        assert_eq!(quantity(&json!(648), "v"), Ok(U256::from(648)));
        assert_eq!(quantity(&json!("1000"), "v"), Ok(U256::from(1000)));
        let max = format!("0x{}", "f".repeat(64));
        assert_eq!(quantity(&json!(max), "v"), Ok(U256::MAX));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn quantities_reject_with_the_field_named() {
        let too_big = format!("0x1{}", "0".repeat(64));
        assert_eq!(
            quantity(&json!(too_big), "value"),
            Err(FieldError::Overflow {
                field: "value".into(),
                bits: 256
            })
        );
        // 2^256 in decimal.
        let two_256 =
            "115792089237316195423570985008687907853269984665640564039457584007913129639936";
        assert!(matches!(
            quantity(&json!(two_256), "value"),
            Err(FieldError::Overflow { bits: 256, .. })
        ));
        assert!(matches!(
            quantity(&json!("0x"), "nonce"),
            Err(FieldError::InvalidHex { .. })
        ));
        assert!(matches!(
            quantity(&json!("0xg1"), "nonce"),
            Err(FieldError::InvalidHex { .. })
        ));
        assert_eq!(
            quantity(&json!(-1), "nonce"),
            Err(FieldError::InvalidNumber("nonce".into()))
        );
        assert_eq!(
            quantity(&json!(1.5), "nonce"),
            Err(FieldError::InvalidNumber("nonce".into()))
        );
        assert_eq!(
            quantity(&json!(" 12"), "nonce"),
            Err(FieldError::InvalidNumber("nonce".into()))
        );
        assert!(matches!(
            quantity(&json!([1]), "nonce"),
            Err(FieldError::WrongType { .. })
        ));
        assert_eq!(
            to_u64(U256::from(u64::MAX) + U256::from(1), "gas"),
            Err(FieldError::Overflow {
                field: "gas".into(),
                bits: 64
            })
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn byte_strings_must_be_prefixed_and_even() {
        assert_eq!(bytes(&json!("0x"), "data"), Ok(vec![]));
        assert_eq!(
            bytes(&json!("0xA9059cbb"), "data"),
            Ok(vec![0xa9, 0x05, 0x9c, 0xbb])
        );
        for (bad, reason) in [
            ("0xabc", "odd number of hex digits"),
            ("abcd", "missing 0x prefix"),
            ("0xzz", "contains a character that is not a hex digit"),
        ] {
            assert_eq!(
                bytes(&json!(bad), "data"),
                Err(FieldError::InvalidHex {
                    field: "data".into(),
                    reason
                })
            );
        }
        assert_eq!(
            bytes32(&json!("0x01"), "key"),
            Err(FieldError::WrongLength {
                field: "key".into(),
                expected: 32,
                actual: 1
            })
        );
    }
}
