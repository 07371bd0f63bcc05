//! Strict reading of EIP-712 values, before alloy-dyn-abi sees them.
//!
//! alloy-dyn-abi coerces loosely: `bytes` without `0x` (`"1234"`, which viem would read as
//! `0x34`), `bytes` as a JSON array of numbers, an address with a wrong EIP-55 checksum or a
//! `0X` prefix, `"1_000"` and `"0x"` as numbers, `"false"` as a `bool`. A dapp shows the user one
//! value while the wallet signs another. Here every value is checked against its declared type
//! by the rules ethers v6's `TypedDataEncoder` applies (what most dapps sign with), narrowed
//! where ethers itself is ambiguous, and rewritten in one canonical form that alloy reads the
//! same way. The rules and the comparison with ethers and viem are in `docs/ethereum.md`
//! ("Typed data values"); `tests/node/eth_typed_data_forms.test.mjs` checks them against both.
//!
//! A refusal names the field's path (`message.orders[2].amount`) and its type, never the value.

use super::address::{parse_address, to_checksum, AddressError};
use super::typed_data::TypedDataError;
use alloy_primitives::U256;
use serde_json::{Map, Value};

/// JavaScript's `Number.MAX_SAFE_INTEGER`: above it, a dapp's JSON number may already have been
/// rounded before it was sent (ethers refuses such numbers for the same reason).
const MAX_SAFE_INTEGER: u64 = 9_007_199_254_740_991;

/// Checks `value` against `ty` (a type of `types`, an atomic type, or either with array
/// suffixes) and returns it with every atomic value in canonical form: integers as decimal
/// strings, addresses EIP-55 checksummed, bytes as lower-case `0x` hex. Object keys that are
/// not fields of their type are kept as given (ethers and alloy ignore them).
pub(crate) fn canonical(
    types: &Map<String, Value>,
    ty: &str,
    value: &Value,
    path: &str,
) -> Result<Value, TypedDataError> {
    let mut path = path.to_owned();
    walk(types, ty, value, &mut path)
}

// The recursion follows the value: each level needs one more level of JSON nesting, which the
// hosts bound (serde_json's recursion limit), and cyclic types are refused before this runs.
fn walk(
    types: &Map<String, Value>,
    ty: &str,
    value: &Value,
    path: &mut String,
) -> Result<Value, TypedDataError> {
    if let Some((inner, length)) = split_array(ty) {
        let items = value
            .as_array()
            .ok_or_else(|| invalid(path, ty, "must be a JSON array"))?;
        if let Some(length) = length {
            let expected: usize = length
                .parse()
                .map_err(|_| TypedDataError::InvalidType(format!("array length in `{ty}`")))?;
            if items.len() != expected {
                return Err(invalid(
                    path,
                    ty,
                    &format!("must have {expected} items, not {}", items.len()),
                ));
            }
        }
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let mark = path.len();
            path.push_str(&format!("[{i}]"));
            out.push(walk(types, inner, item, path)?);
            path.truncate(mark);
        }
        return Ok(Value::Array(out));
    }
    if let Some(fields) = types.get(ty).and_then(Value::as_array) {
        let object = value
            .as_object()
            .ok_or_else(|| invalid(path, ty, "must be a JSON object"))?;
        let mut out = object.clone();
        for field in fields {
            let (Some(name), Some(field_ty)) = (
                field.get("name").and_then(Value::as_str),
                field.get("type").and_then(Value::as_str),
            ) else {
                return Err(TypedDataError::InvalidType(format!(
                    "`{ty}` must be a list of {{name, type}}"
                )));
            };
            let mark = path.len();
            path.push('.');
            path.push_str(name);
            // `null` is a missing field, as for ethers (except that ethers reads a missing
            // `bool` as false; here nothing is filled in).
            let item = object
                .get(name)
                .filter(|v| !v.is_null())
                .ok_or_else(|| invalid(path, field_ty, "is missing"))?;
            let canonical = walk(types, field_ty, item, path)?;
            path.truncate(mark);
            out.insert(name.to_owned(), canonical);
        }
        return Ok(Value::Object(out));
    }
    atomic(ty, value, path)
}

/// `T[n]` -> (`T`, Some("n")), `T[]` -> (`T`, None): the last brackets are the outer array.
fn split_array(ty: &str) -> Option<(&str, Option<&str>)> {
    let body = ty.strip_suffix(']')?;
    let open = body.rfind('[')?;
    let inner = body.get(..open)?;
    let length = body.get(open.checked_add(1)?..)?;
    Some((inner, (!length.is_empty()).then_some(length)))
}

fn atomic(ty: &str, value: &Value, path: &str) -> Result<Value, TypedDataError> {
    match ty {
        "bool" => match value {
            Value::Bool(_) => Ok(value.clone()),
            // ethers reads any JavaScript value as a bool by truthiness ("false" signs true).
            _ => Err(invalid(path, ty, "must be JSON true or false")),
        },
        "string" => match value {
            Value::String(_) => Ok(value.clone()),
            _ => Err(invalid(path, ty, "must be a JSON string")),
        },
        "address" => {
            let text = string(value, path, ty)?;
            address(text)
                .map(Value::String)
                .map_err(|reason| invalid(path, ty, reason))
        }
        "bytes" => {
            let bytes = hex_bytes(string(value, path, ty)?).map_err(|r| invalid(path, ty, r))?;
            Ok(Value::String(format!("0x{}", hex::encode(bytes))))
        }
        _ => {
            if let Some(size) = fixed_bytes_size(ty) {
                let bytes =
                    hex_bytes(string(value, path, ty)?).map_err(|r| invalid(path, ty, r))?;
                if bytes.len() != size {
                    return Err(invalid(
                        path,
                        ty,
                        &format!("must be {size} bytes, not {}", bytes.len()),
                    ));
                }
                return Ok(Value::String(format!("0x{}", hex::encode(bytes))));
            }
            if let Some((signed, bits)) = integer_type(ty) {
                let (negative, magnitude) = integer(value).map_err(|r| invalid(path, ty, r))?;
                check_range(negative, magnitude, signed, bits).map_err(|r| invalid(path, ty, r))?;
                let sign = if negative && !magnitude.is_zero() {
                    "-"
                } else {
                    ""
                };
                return Ok(Value::String(format!("{sign}{magnitude}")));
            }
            // Not an EIP-712 type and not defined in `types`: the same error alloy gives.
            Err(TypedDataError::UnknownType(ty.to_owned()))
        }
    }
}

fn invalid(path: &str, ty: &str, reason: &str) -> TypedDataError {
    TypedDataError::InvalidValue(format!("`{path}` ({ty}) {reason}"))
}

fn string<'a>(value: &'a Value, path: &str, ty: &str) -> Result<&'a str, TypedDataError> {
    value
        .as_str()
        .ok_or_else(|| invalid(path, ty, "must be a JSON string"))
}

/// `bytesN` for N in 1..=32.
fn fixed_bytes_size(ty: &str) -> Option<usize> {
    let digits = ty.strip_prefix("bytes")?;
    let size: usize = canonical_decimal(digits)?;
    (1..=32).contains(&size).then_some(size)
}

/// `uintN` / `intN` for N in 8..=256 in steps of 8; `uint` and `int` (which alloy reads as the
/// 256-bit types) too. Returns (signed, bits).
fn integer_type(ty: &str) -> Option<(bool, usize)> {
    let (signed, digits) = match ty.strip_prefix("uint") {
        Some(rest) => (false, rest),
        None => (true, ty.strip_prefix("int")?),
    };
    if digits.is_empty() {
        return Some((signed, 256));
    }
    let bits: usize = canonical_decimal(digits)?;
    (bits.is_multiple_of(8) && (8..=256).contains(&bits)).then_some((signed, bits))
}

/// A decimal number written without sign or leading zeros, as type names write sizes.
fn canonical_decimal(digits: &str) -> Option<usize> {
    if digits.starts_with('0') || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// `0x` (lower-case, as ethers requires) and 40 hex digits; mixed case must be the EIP-55
/// checksum. Returns the checksummed form.
fn address(text: &str) -> Result<String, &'static str> {
    // ethers also takes the digits without `0x`; never `0X` (nor ICAP `XE…` text, which only
    // ethers reads and no dapp shows).
    let digits = text.strip_prefix("0x").unwrap_or(text);
    if digits.len() != 40 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err("must be 0x followed by 40 hex digits");
    }
    match parse_address(digits) {
        Ok(address) => Ok(to_checksum(&address)),
        Err(AddressError::BadChecksum) => {
            Err("has mixed case that is not its EIP-55 checksum; check it for a typo")
        }
        Err(_) => Err("must be 0x followed by 40 hex digits"),
    }
}

/// `0x` (or `0X`, as ethers accepts) followed by an even number of hex digits.
fn hex_bytes(text: &str) -> Result<Vec<u8>, &'static str> {
    let digits = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .ok_or("must be 0x-prefixed hex")?;
    if digits.len() % 2 != 0 {
        return Err("must have an even number of hex digits");
    }
    hex::decode(digits).map_err(|_| "must be 0x-prefixed hex")
}

/// An integer as (negative, magnitude): a JSON number within JavaScript's safe range, or a
/// string ethers' `getBigInt` reads ([`integer_text`]).
fn integer(value: &Value) -> Result<(bool, U256), &'static str> {
    const NOT_AN_INTEGER: &str = "must be an integer: a JSON number or a string of digits";
    const UNSAFE: &str =
        "is a JSON number beyond 2^53 - 1, which JavaScript may have rounded; send it as a string";
    match value {
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                return (u <= MAX_SAFE_INTEGER)
                    .then(|| (false, U256::from(u)))
                    .ok_or(UNSAFE);
            }
            if let Some(i) = n.as_i64() {
                let magnitude = i.unsigned_abs();
                return (magnitude <= MAX_SAFE_INTEGER)
                    .then(|| (i < 0, U256::from(magnitude)))
                    .ok_or(UNSAFE);
            }
            // A JSON number with a fraction or exponent (`1e3` is 1000, as in JavaScript).
            let f = n.as_f64().ok_or(NOT_AN_INTEGER)?;
            if !f.is_finite() || f.fract() != 0.0 {
                return Err(NOT_AN_INTEGER);
            }
            if f.abs() > 9_007_199_254_740_991.0 {
                return Err(UNSAFE);
            }
            // Exact: an integral f64 at most 2^53 - 1 in magnitude.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let magnitude = f.abs() as u64;
            Ok((f.is_sign_negative(), U256::from(magnitude)))
        }
        Value::String(text) => integer_text(text),
        _ => Err(NOT_AN_INTEGER),
    }
}

/// ethers v6 `getBigInt(string)`: a leading `-` (not `--`) negates what follows, which is read
/// by JavaScript's `BigInt(string)`: optional surrounding whitespace, then either decimal
/// digits with an optional sign, or `0x`/`0o`/`0b` digits without one. Narrowed where ethers
/// reads nonsense: no digits at all (`""`, `"-"`, `" "`, which ethers reads as 0 except `""`)
/// and a second sign after the first (`"-+1"`, `"- -1"`).
fn integer_text(text: &str) -> Result<(bool, U256), &'static str> {
    const NOT_DIGITS: &str =
        "must be decimal digits, or 0x, 0o or 0b digits, with an optional leading minus sign";
    let (outer_minus, rest) = match text.strip_prefix('-') {
        Some(rest) if !rest.starts_with('-') => (true, rest),
        _ => (false, text),
    };
    let trimmed = rest.trim_matches(is_js_whitespace);
    let (inner_sign, body) = match trimmed.as_bytes().first() {
        Some(b'+') => (Some(false), trimmed.get(1..).unwrap_or("")),
        Some(b'-') => (Some(true), trimmed.get(1..).unwrap_or("")),
        _ => (None, trimmed),
    };
    if outer_minus && inner_sign.is_some() {
        return Err(NOT_DIGITS);
    }
    let prefix = body.get(..2).map(str::to_ascii_lowercase);
    let (radix, digits) = match (inner_sign, prefix.as_deref()) {
        (None, Some("0x")) => (16, body.get(2..).unwrap_or("")),
        (None, Some("0o")) => (8, body.get(2..).unwrap_or("")),
        (None, Some("0b")) => (2, body.get(2..).unwrap_or("")),
        _ => (10, body),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Err(NOT_DIGITS);
    }
    let magnitude = U256::from_str_radix(digits, u64::from(radix))
        .map_err(|_| "is out of range: larger than 256 bits")?;
    Ok((outer_minus || inner_sign == Some(true), magnitude))
}

/// JavaScript's `StrWhiteSpaceChar` (WhiteSpace and LineTerminator), which `BigInt` trims.
fn is_js_whitespace(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
                | '\u{feff}'
    )
}

fn check_range(
    negative: bool,
    magnitude: U256,
    signed: bool,
    bits: usize,
) -> Result<(), &'static str> {
    const RANGE: &str = "is out of range for its type";
    if !signed {
        if negative && !magnitude.is_zero() {
            return Err("is negative, and the type is unsigned");
        }
        return (magnitude.bit_len() <= bits).then_some(()).ok_or(RANGE);
    }
    // intN holds -2^(N-1) ..= 2^(N-1) - 1: magnitudes below 2^(N-1), and 2^(N-1) itself if
    // negative.
    let below = magnitude.bit_len() < bits;
    let is_limit = magnitude.bit_len() == bits && magnitude.count_ones() == 1;
    let fits = below || (negative && is_limit);
    fits.then_some(()).ok_or(RANGE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use wasm_bindgen_test::wasm_bindgen_test;

    /// The canonical form of `value` as a `T { v: ty }` field, or the error's text.
    fn read(ty: &str, value: Value) -> Result<Value, String> {
        let types = json!({"T": [{"name": "v", "type": ty}]});
        let types = types.as_object().cloned().unwrap_or_default();
        canonical(&types, "T", &json!({ "v": value }), "message")
            .map(|v| v["v"].clone())
            .map_err(|e| e.to_string())
    }

    fn refused(ty: &str, value: Value, reason: &str) {
        let text = format!("{value}");
        let err = read(ty, value).expect_err(&format!("{ty} {text} must be refused"));
        assert!(err.contains(&format!("`message.v` ({ty})")), "{err}");
        assert!(err.contains(reason), "{ty} {text}: {err}");
    }

    const CHECKSUMMED: &str = "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB";

    #[wasm_bindgen_test(unsupported = test)]
    fn bool_is_only_a_json_boolean() {
        assert_eq!(read("bool", json!(true)), Ok(json!(true)));
        assert_eq!(read("bool", json!(false)), Ok(json!(false)));
        let mut count = 0;
        for value in [
            json!("false"),
            json!("true"),
            json!(0),
            json!(1),
            json!("0"),
            json!(""),
            json!([]),
            json!({}),
        ] {
            refused("bool", value, "must be JSON true or false");
            count += 1;
        }
        refused("bool", Value::Null, "is missing");
        assert_eq!(count, 8);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn bytes_need_0x_and_even_hex() {
        assert_eq!(read("bytes", json!("0x")), Ok(json!("0x")));
        assert_eq!(read("bytes", json!("0xABcd")), Ok(json!("0xabcd")));
        assert_eq!(read("bytes", json!("0X12")), Ok(json!("0x12")));
        refused("bytes", json!("1234"), "must be 0x-prefixed hex");
        refused("bytes", json!(""), "must be 0x-prefixed hex");
        refused("bytes", json!("0x123"), "even number of hex digits");
        refused("bytes", json!("0xzz"), "must be 0x-prefixed hex");
        refused("bytes", json!("0x 12"), "even number");
        refused("bytes", json!([1, 2]), "must be a JSON string");
        refused("bytes", json!(12), "must be a JSON string");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn fixed_bytes_need_0x_and_the_exact_length() {
        assert_eq!(read("bytes2", json!("0xABCD")), Ok(json!("0xabcd")));
        assert_eq!(read("bytes2", json!("0XAB12")), Ok(json!("0xab12")));
        refused("bytes2", json!("1234"), "must be 0x-prefixed hex");
        refused("bytes2", json!("0x12"), "must be 2 bytes, not 1");
        refused("bytes2", json!("0x123456"), "must be 2 bytes, not 3");
        refused("bytes2", json!("0x123"), "even number of hex digits");
        refused("bytes32", json!(vec![0; 32]), "must be a JSON string");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn addresses_need_a_valid_checksum_and_a_lower_case_prefix() {
        for text in [
            CHECKSUMMED.to_owned(),
            CHECKSUMMED.to_lowercase(),
            format!("0x{}", CHECKSUMMED[2..].to_uppercase()),
            CHECKSUMMED[2..].to_owned(),
        ] {
            assert_eq!(
                read("address", json!(text)),
                Ok(json!(CHECKSUMMED)),
                "{text}"
            );
        }
        refused(
            "address",
            json!(format!("0X{}", &CHECKSUMMED[2..])),
            "0x followed by 40 hex digits",
        );
        // One letter's case flipped.
        refused(
            "address",
            json!("0xBbBBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"),
            "EIP-55 checksum",
        );
        refused(
            "address",
            json!("XE65GB6LDNXYOFTX0NSV3FUWKOWIXAMJK36"),
            "40 hex digits",
        );
        refused("address", json!("vitalik.eth"), "40 hex digits");
        refused("address", json!(format!(" {CHECKSUMMED}")), "40 hex digits");
        refused("address", json!(1), "must be a JSON string");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn integers_read_as_ethers_reads_them() {
        let mut count = 0;
        for (ty, value, expected) in [
            ("uint256", json!(1), "1"),
            ("uint256", json!("1"), "1"),
            ("uint256", json!("0x1"), "1"),
            ("uint256", json!("0X01"), "1"),
            ("uint256", json!("0xAb"), "171"),
            ("uint256", json!("0o17"), "15"),
            ("uint256", json!("0b101"), "5"),
            ("uint256", json!("007"), "7"),
            ("uint256", json!(" 1"), "1"),
            ("uint256", json!("\t1\n"), "1"),
            ("uint256", json!("\u{a0}1\u{3000}"), "1"),
            ("uint256", json!("+1"), "1"),
            ("uint256", json!("-0"), "0"),
            ("uint256", json!(1000.0), "1000"),
            (
                "uint256",
                json!(9_007_199_254_740_991u64),
                "9007199254740991",
            ),
            ("int256", json!(-1), "-1"),
            ("int256", json!("-1"), "-1"),
            ("int256", json!(" -1 "), "-1"),
            ("int256", json!("-0x1"), "-1"),
            ("int256", json!("-0b11"), "-3"),
            ("int256", json!("- 7"), "-7"),
            ("int8", json!("-128"), "-128"),
            ("int8", json!("-0x80"), "-128"),
            ("int8", json!("0x7f"), "127"),
            ("uint", json!("5"), "5"),
            ("int", json!("-5"), "-5"),
        ] {
            assert_eq!(read(ty, value.clone()), Ok(json!(expected)), "{ty} {value}");
            count += 1;
        }
        assert_eq!(count, 26);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn integer_forms_neither_library_reads_are_refused() {
        const DIGITS: &str = "must be decimal digits";
        let mut count = 0;
        for (value, reason) in [
            (json!("1_000"), DIGITS),
            (json!("0x"), DIGITS),
            (json!(""), DIGITS),
            (json!(" "), DIGITS),
            (json!("-"), DIGITS),
            (json!("1e3"), DIGITS),
            (json!("1.0"), DIGITS),
            (json!("0x-1"), DIGITS),
            (json!("--1"), DIGITS),
            (json!("-+1"), DIGITS),
            (json!("- -1"), DIGITS),
            (json!("+0x1"), DIGITS),
            (json!(" -0x1"), DIGITS),
            (json!("0xg"), DIGITS),
            (json!("0b2"), DIGITS),
            (json!("\u{ff11}"), DIGITS),
            (json!("1\u{85}"), DIGITS),
            (json!(1.5), "must be an integer"),
            (json!(true), "must be an integer"),
            (json!([1]), "must be an integer"),
            (json!(9_007_199_254_740_992u64), "beyond 2^53 - 1"),
            (json!(-9_007_199_254_740_992i64), "beyond 2^53 - 1"),
            (json!(1e21), "beyond 2^53 - 1"),
        ] {
            refused("uint256", value, reason);
            count += 1;
        }
        assert_eq!(count, 23);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn integer_ranges() {
        assert_eq!(read("uint8", json!(255)), Ok(json!("255")));
        refused("uint8", json!(256), "out of range");
        refused("uint8", json!("-1"), "is negative");
        refused("int8", json!(128), "out of range");
        refused("int8", json!("-129"), "out of range");
        refused("int8", json!("0xff"), "out of range");
        let max = format!("0x{}", "f".repeat(64));
        assert!(read("uint256", json!(max)).is_ok());
        refused("int256", json!(max), "out of range");
        refused(
            "uint256",
            json!(format!("0x1{}", "0".repeat(64))),
            "larger than 256 bits",
        );
        let min = "-57896044618658097711785492504343953926634992332820282019728792003956564819968";
        assert_eq!(read("int256", json!(min)), Ok(json!(min)));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn paths_name_the_field_inside_arrays_and_structs() {
        let types = json!({
            "Outer": [{"name": "items", "type": "Inner[]"}, {"name": "grid", "type": "uint8[2][]"}],
            "Inner": [{"name": "to", "type": "address"}, {"name": "flag", "type": "bool"}],
        });
        let types = types.as_object().cloned().unwrap_or_default();
        let good = json!({"to": CHECKSUMMED, "flag": true});
        let err = |value: Value| {
            canonical(&types, "Outer", &value, "message")
                .expect_err("must be refused")
                .to_string()
        };
        let bad_flag = json!({"items": [good, {"to": CHECKSUMMED, "flag": "false"}], "grid": []});
        assert!(err(bad_flag).contains("`message.items[1].flag` (bool)"));
        let bad_cell = json!({"items": [], "grid": [[1, 2], [3, "1_0"]]});
        assert!(err(bad_cell).contains("`message.grid[1][1]` (uint8)"));
        let short_row = json!({"items": [], "grid": [[1]]});
        assert!(err(short_row).contains("`message.grid[0]` (uint8[2]) must have 2 items, not 1"));
        let missing = json!({"items": [{"flag": true}], "grid": []});
        assert!(err(missing).contains("`message.items[0].to` (address) is missing"));
        let not_object = json!({"items": [5], "grid": []});
        assert!(err(not_object).contains("`message.items[0]` (Inner) must be a JSON object"));
        // Extra keys are kept; values come back canonical.
        let ok = canonical(
            &types,
            "Outer",
            &json!({"items": [{"to": CHECKSUMMED.to_lowercase(), "flag": false, "note": "x"}], "grid": [["0x1", " 2"]]}),
            "message",
        );
        assert_eq!(
            ok,
            Ok(
                json!({"items": [{"to": CHECKSUMMED, "flag": false, "note": "x"}], "grid": [["1", "2"]]})
            )
        );
    }
}
