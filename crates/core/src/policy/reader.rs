//! Reading the policy document with the JSON path of every field, so each error names the
//! exact place (`rules.ethereum.tokens[1].maxAmount: ...`).

use alloy_primitives::{Address, U256};
use serde_json::{Map, Value};

use super::PolicyError;
use crate::chains::ethereum::parse_address;
use crate::chains::solana::Address as SolanaAddress;
use crate::keys::ed25519::Ed25519PublicKey;

/// Most entries in any list of the document.
pub(super) const MAX_LIST: usize = 1000;

pub(super) fn invalid(path: &str, problem: impl Into<String>) -> PolicyError {
    PolicyError::Invalid {
        path: if path.is_empty() {
            "policy".to_owned()
        } else {
            path.to_owned()
        },
        problem: problem.into(),
    }
}

pub(super) fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

pub(super) fn item(path: &str, index: usize) -> String {
    format!("{path}[{index}]")
}

/// An object whose members must all be among `known`.
pub(super) struct Obj<'a> {
    map: &'a Map<String, Value>,
    path: String,
}

impl<'a> Obj<'a> {
    pub fn new(value: &'a Value, path: &str, known: &[&str]) -> Result<Self, PolicyError> {
        let map = value
            .as_object()
            .ok_or_else(|| invalid(path, "must be a JSON object"))?;
        // Sorted so the first unknown member reported does not depend on map order.
        let mut names: Vec<&String> = map.keys().collect();
        names.sort();
        if let Some(unknown) = names.into_iter().find(|k| !known.contains(&k.as_str())) {
            return Err(invalid(
                &child(path, unknown),
                format!("unknown field (expected one of: {})", known.join(", ")),
            ));
        }
        Ok(Self {
            map,
            path: path.to_owned(),
        })
    }

    /// The member `key` (a JSON `null` counts as absent) and its path.
    pub fn get(&self, key: &str) -> (Option<&'a Value>, String) {
        (
            self.map.get(key).filter(|v| !v.is_null()),
            child(&self.path, key),
        )
    }

    /// A member that must be present.
    pub fn require(&self, key: &str) -> Result<(&'a Value, String), PolicyError> {
        match self.get(key) {
            (Some(v), path) => Ok((v, path)),
            (None, path) => Err(invalid(&path, "is required")),
        }
    }
}

pub(super) fn string<'a>(value: &'a Value, path: &str) -> Result<&'a str, PolicyError> {
    value
        .as_str()
        .ok_or_else(|| invalid(path, "must be a string"))
}

pub(super) fn boolean(value: &Value, path: &str) -> Result<bool, PolicyError> {
    value
        .as_bool()
        .ok_or_else(|| invalid(path, "must be true or false"))
}

pub(super) fn integer(value: &Value, path: &str, min: u64, max: u64) -> Result<u64, PolicyError> {
    match value.as_u64() {
        Some(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(invalid(
            path,
            format!("must be an integer from {min} to {max}"),
        )),
    }
}

/// The items of a list of at most `max` entries.
pub(super) fn list<'a>(
    value: &'a Value,
    path: &str,
    max: usize,
) -> Result<&'a Vec<Value>, PolicyError> {
    let items = value
        .as_array()
        .ok_or_else(|| invalid(path, "must be a list"))?;
    if items.len() > max {
        return Err(invalid(path, format!("has more than {max} entries")));
    }
    Ok(items)
}

/// Parses every item of a list with `parse`, refusing duplicates (by the parsed value).
pub(super) fn unique_list<T: PartialEq>(
    value: &Value,
    path: &str,
    max: usize,
    mut parse: impl FnMut(&Value, &str) -> Result<T, PolicyError>,
) -> Result<Vec<T>, PolicyError> {
    let mut out: Vec<T> = Vec::new();
    for (i, v) in list(value, path, max)?.iter().enumerate() {
        let p = item(path, i);
        let parsed = parse(v, &p)?;
        if let Some(first) = out.iter().position(|x| *x == parsed) {
            return Err(invalid(&p, format!("duplicate of {}", item(path, first))));
        }
        out.push(parsed);
    }
    Ok(out)
}

/// A decimal string of base units: digits only, no leading zeros, at most `max`.
pub(super) fn amount(value: &Value, path: &str, max: U256) -> Result<U256, PolicyError> {
    let bad = || {
        invalid(
            path,
            "must be a decimal integer string such as \"1000000\" (base units, no sign, no leading zeros)",
        )
    };
    let text = value.as_str().ok_or_else(bad)?;
    if text.is_empty()
        || text.len() > 78
        || !text.bytes().all(|b| b.is_ascii_digit())
        || (text.len() > 1 && text.starts_with('0'))
    {
        return Err(bad());
    }
    let n = U256::from_str_radix(text, 10).map_err(|_| bad())?;
    if n > max {
        return Err(invalid(path, format!("must be at most {max}")));
    }
    Ok(n)
}

pub(super) fn eth_address(value: &Value, path: &str) -> Result<Address, PolicyError> {
    let text = string(value, path)?;
    parse_address(text).map_err(|e| invalid(path, format!("not an Ethereum address: {e}")))
}

pub(super) fn sol_address(value: &Value, path: &str) -> Result<SolanaAddress, PolicyError> {
    let text = string(value, path)?;
    SolanaAddress::parse(text).map_err(|e| invalid(path, format!("not a Solana address: {e}")))
}

/// An Ed25519 public key: 64 hex digits (optional `0x`) or base58 of the 32 bytes.
pub(super) fn ed25519_key(value: &Value, path: &str) -> Result<Ed25519PublicKey, PolicyError> {
    let text = string(value, path)?;
    let bytes = decode_key_text(text).ok_or_else(|| {
        invalid(
            path,
            "must be an Ed25519 public key: 64 hex digits or base58 of 32 bytes",
        )
    })?;
    Ed25519PublicKey::from_bytes(&bytes).map_err(|_| {
        invalid(
            path,
            "is not a valid Ed25519 public key (not a curve point)",
        )
    })
}

/// 32 bytes from 64 hex digits (optional `0x`) or base58.
pub(crate) fn decode_key_text(text: &str) -> Option<[u8; 32]> {
    decode_fixed::<32>(text)
}

/// `N` bytes from `2N` hex digits (optional `0x`) or base58.
pub(crate) fn decode_fixed<const N: usize>(text: &str) -> Option<[u8; N]> {
    let digits = text.strip_prefix("0x").unwrap_or(text);
    let mut out = [0u8; N];
    if digits.len() == N.checked_mul(2)? && digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        hex::decode_to_slice(digits, &mut out).ok()?;
        return Some(out);
    }
    let raw = bs58::decode(text).into_vec().ok()?;
    <[u8; N]>::try_from(raw.as_slice()).ok()
}

pub(super) fn selector(value: &Value, path: &str) -> Result<[u8; 4], PolicyError> {
    let bad = || invalid(path, "must be a 4-byte selector: 0x and 8 hex digits");
    let text = string(value, path)?;
    let digits = text.strip_prefix("0x").ok_or_else(bad)?;
    let mut out = [0u8; 4];
    if digits.len() != 8 {
        return Err(bad());
    }
    hex::decode_to_slice(digits, &mut out).map_err(|_| bad())?;
    Ok(out)
}
