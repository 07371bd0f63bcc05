//! Sign-In With Solana (`solana:signIn`), the Wallet Standard's take on EIP-4361.
//!
//! The dapp sends a `SolanaSignInInput`; the wallet fills in the domain (from the requesting
//! origin) and address (its own) when absent, writes the message text in the fixed format of
//! `createSignInMessageText` (anza-xyz/wallet-standard `packages/core/util/src/signIn.ts`),
//! signs its UTF-8 bytes and returns `SolanaSignInOutput`. docs/solana.md §Sign-In.
//!
//! ```text
//! ${domain} wants you to sign in with your Solana account:
//! ${address}
//!
//! ${statement}
//!
//! URI: ${uri}
//! Version: ${version}
//! Chain ID: ${chainId}
//! Nonce: ${nonce}
//! Issued At: ${issuedAt}
//! Expiration Time: ${expirationTime}
//! Not Before: ${notBefore}
//! Request ID: ${requestId}
//! Resources:
//! - ${resources[0]}
//! - ${resources[1]}
//! ```
//!
//! Absent fields are left out with their label; the statement block only appears when there
//! is a statement, and the field block only when there is at least one field. As in the
//! reference, an empty string counts as absent but an empty `resources` list still writes the
//! `Resources:` line.

use super::address::Address;
use super::standard::Base64Bytes;
use super::SolError;
use crate::keys::ed25519::Ed25519PrivateKey;

/// Why a sign-in request is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignInError {
    /// A field contains a line break or other control character, which could forge lines of
    /// the message (a fake `URI:` for instance).
    #[error("sign-in field {field} contains a line break or control character")]
    ControlCharacter {
        /// The field's Wallet Standard name.
        field: &'static str,
    },
    /// The requested address is not this wallet's.
    #[error("sign-in request is for address {requested}, not this wallet's")]
    AddressMismatch {
        /// The address the dapp asked for.
        requested: String,
    },
    /// The requested domain is not the site asking (the phishing case SIWS exists to stop).
    #[error("sign-in request is for {requested}, but it comes from {origin}")]
    DomainMismatch {
        /// The domain in the request.
        requested: String,
        /// The origin the request came from.
        origin: String,
    },
    /// No domain in the request and no host in the origin to take it from.
    #[error("sign-in request has no domain and its origin {origin} has no host")]
    NoDomain {
        /// The origin the request came from.
        origin: String,
    },
    /// A time field that is not an RFC 3339 date-time.
    #[error("sign-in field {field} is not an RFC 3339 timestamp (e.g. 2024-01-31T12:00:00Z)")]
    BadTimestamp {
        /// The field's Wallet Standard name.
        field: &'static str,
    },
}

/// `SolanaSignInInput` (every field optional).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SignInInput {
    /// EIP-4361 domain (RFC 3986 authority); the requesting origin's if absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// The account's base58 address; this wallet's if absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Human-readable statement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<String>,
    /// The resource the sign-in is for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// Message version (`"1"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Chain, e.g. `mainnet` or `solana:mainnet`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chain_id: Option<String>,
    /// Replay-protection nonce.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// RFC 3339 issue time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issued_at: Option<String>,
    /// RFC 3339 time after which the sign-in is void.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiration_time: Option<String>,
    /// RFC 3339 time before which the sign-in is not valid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_before: Option<String>,
    /// Request identifier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// URIs the relying party should resolve.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<Vec<String>>,
}

/// A sign-in message with domain and address decided, ready to be written out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SignInMessage {
    /// The domain.
    pub domain: String,
    /// The address.
    pub address: String,
    /// The remaining fields as requested (empty strings already dropped).
    pub fields: SignInInput,
}

impl SignInMessage {
    /// The message text, in the reference format (see the module docs).
    pub fn to_text(&self) -> String {
        let f = &self.fields;
        let mut text = format!(
            "{} wants you to sign in with your Solana account:\n{}",
            self.domain, self.address
        );
        if let Some(s) = &f.statement {
            text.push_str("\n\n");
            text.push_str(s);
        }
        let mut lines: Vec<String> = Vec::new();
        let labelled = [
            ("URI", &f.uri),
            ("Version", &f.version),
            ("Chain ID", &f.chain_id),
            ("Nonce", &f.nonce),
            ("Issued At", &f.issued_at),
            ("Expiration Time", &f.expiration_time),
            ("Not Before", &f.not_before),
            ("Request ID", &f.request_id),
        ];
        for (label, value) in labelled {
            if let Some(v) = value {
                lines.push(format!("{label}: {v}"));
            }
        }
        if let Some(resources) = &f.resources {
            lines.push("Resources:".into());
            lines.extend(resources.iter().map(|r| format!("- {r}")));
        }
        if !lines.is_empty() {
            text.push_str("\n\n");
            text.push_str(&lines.join("\n"));
        }
        text
    }
}

/// Options for [`sign_in`].
#[derive(Clone, Copy, Debug)]
pub struct SignInOptions<'a> {
    /// The web origin of the requesting page (`https://app.example:8443`), as the browser
    /// reported it; never taken from the dapp's own claims.
    pub origin: &'a str,
    /// Sign even though the requested domain is not the origin. Only for a user who saw the
    /// preview's danger warning and chose to go on.
    pub allow_domain_mismatch: bool,
}

/// `WalletAccount`'s address and public key (the web layer adds `chains` and `features`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignInAccount {
    /// Base58 address.
    pub address: String,
    /// The 32-byte public key.
    pub public_key: Base64Bytes,
}

/// `SolanaSignInOutput`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignInOutput {
    /// The account that signed in.
    pub account: SignInAccount,
    /// The exact UTF-8 message bytes signed.
    pub signed_message: Base64Bytes,
    /// The 64-byte Ed25519 signature.
    pub signature: Base64Bytes,
    /// Always `"ed25519"`.
    pub signature_type: String,
}

/// Checks a request against the origin and our address, and decides domain and address.
///
/// The domain check is the point of SIWS: a page at `evil.example` must not obtain a sign-in
/// for `bank.example`. A mismatch is an error unless `allow_domain_mismatch`.
pub fn resolve_sign_in(
    input: &SignInInput,
    our_address: &Address,
    options: &SignInOptions<'_>,
) -> Result<SignInMessage, SolError> {
    let fields = normalise(input)?;
    let ours = our_address.to_string();
    let address = match &fields.address {
        Some(a) if *a != ours => {
            return Err(SignInError::AddressMismatch {
                requested: a.clone(),
            }
            .into())
        }
        _ => ours,
    };
    let origin_host = origin_authority(options.origin);
    let domain = match (&fields.domain, &origin_host) {
        (Some(d), Some(o)) if authorities_match(d, o, options.origin) => d.clone(),
        (Some(d), _) => {
            if !options.allow_domain_mismatch {
                return Err(SignInError::DomainMismatch {
                    requested: d.clone(),
                    origin: options.origin.to_string(),
                }
                .into());
            }
            d.clone()
        }
        (None, Some(o)) => o.clone(),
        (None, None) => {
            return Err(SignInError::NoDomain {
                origin: options.origin.to_string(),
            }
            .into())
        }
    };
    Ok(SignInMessage {
        domain,
        address,
        fields,
    })
}

/// `solana:signIn`: resolve, write the message, sign it.
pub fn sign_in(
    key: &Ed25519PrivateKey,
    input: &SignInInput,
    options: &SignInOptions<'_>,
) -> Result<SignInOutput, SolError> {
    let public = key.public_key();
    let address = Address::from_public_key(&public);
    let message = resolve_sign_in(input, &address, options)?;
    let bytes = message.to_text().into_bytes();
    let signature = key.sign(&bytes);
    Ok(SignInOutput {
        account: SignInAccount {
            address: address.to_string(),
            public_key: public.to_bytes().to_vec().into(),
        },
        signed_message: bytes.into(),
        signature: signature.to_vec().into(),
        signature_type: "ed25519".into(),
    })
}

/// Drops empty strings (the reference treats them as absent), refuses control characters in
/// every field, and checks the three time fields are RFC 3339.
fn normalise(input: &SignInInput) -> Result<SignInInput, SignInError> {
    fn field(v: &Option<String>, name: &'static str) -> Result<Option<String>, SignInError> {
        match v {
            Some(s) if s.is_empty() => Ok(None),
            Some(s) if s.chars().any(char::is_control) => {
                Err(SignInError::ControlCharacter { field: name })
            }
            other => Ok(other.clone()),
        }
    }
    fn time(v: &Option<String>, name: &'static str) -> Result<Option<String>, SignInError> {
        let v = field(v, name)?;
        if let Some(s) = &v {
            parse_rfc3339_ms(s).ok_or(SignInError::BadTimestamp { field: name })?;
        }
        Ok(v)
    }
    let resources = match &input.resources {
        Some(list) => {
            if list.iter().any(|r| r.chars().any(char::is_control)) {
                return Err(SignInError::ControlCharacter { field: "resources" });
            }
            Some(list.clone())
        }
        None => None,
    };
    Ok(SignInInput {
        domain: field(&input.domain, "domain")?,
        address: field(&input.address, "address")?,
        statement: field(&input.statement, "statement")?,
        uri: field(&input.uri, "uri")?,
        version: field(&input.version, "version")?,
        chain_id: field(&input.chain_id, "chainId")?,
        nonce: field(&input.nonce, "nonce")?,
        issued_at: time(&input.issued_at, "issuedAt")?,
        expiration_time: time(&input.expiration_time, "expirationTime")?,
        not_before: time(&input.not_before, "notBefore")?,
        request_id: field(&input.request_id, "requestId")?,
        resources,
    })
}

/// The authority (`host[:port]`, lowercased) of a web origin such as `https://a.example:8443`;
/// `None` for opaque origins like `null`.
pub fn origin_authority(origin: &str) -> Option<String> {
    let (_, rest) = origin.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    Some(authority.to_ascii_lowercase())
}

/// Whether a requested domain names the same authority as the origin, ignoring ASCII case
/// and an explicit default port (`:443` for https, `:80` for http).
pub(crate) fn authorities_match(domain: &str, origin_authority: &str, origin: &str) -> bool {
    let default_port = if origin.starts_with("https://") {
        Some(":443")
    } else if origin.starts_with("http://") {
        Some(":80")
    } else {
        None
    };
    let strip = |s: &str| -> String {
        let lower = s.to_ascii_lowercase();
        match default_port.and_then(|p| lower.strip_suffix(p)) {
            Some(without) => without.to_string(),
            None => lower,
        }
    };
    strip(domain) == strip(origin_authority)
}

/// Parses an RFC 3339 `date-time` (`2024-01-31T12:00:00.123+02:00`) to unix milliseconds.
/// Fractions beyond milliseconds are truncated; a leap second (`:60`) is accepted.
pub fn parse_rfc3339_ms(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let digits = b.get(from..from.checked_add(len)?)?;
        digits.iter().try_fold(0i64, |acc, &d| {
            d.is_ascii_digit()
                .then(|| {
                    acc.checked_mul(10)?
                        .checked_add(i64::from(d.checked_sub(b'0')?))
                })
                .flatten()
        })
    };
    let sep = |at: usize, chars: &[u8]| b.get(at).is_some_and(|c| chars.contains(c));
    if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt") && sep(13, b":") && sep(16, b":")) {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)?
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut pos = 19usize;
    let mut millis = 0i64;
    if b.get(pos) == Some(&b'.') {
        pos = pos.checked_add(1)?;
        let start = pos;
        while b.get(pos).is_some_and(u8::is_ascii_digit) {
            let digit = i64::from(b.get(pos)?.checked_sub(b'0')?);
            if pos.checked_sub(start)? < 3 {
                millis = millis.checked_mul(10)?.checked_add(digit)?;
            }
            pos = pos.checked_add(1)?;
        }
        let digits = pos.checked_sub(start)?;
        if digits == 0 {
            return None;
        }
        for _ in digits..3 {
            millis = millis.checked_mul(10)?;
        }
    }
    let offset_minutes = match b.get(pos)? {
        b'Z' | b'z' if b.len() == pos.checked_add(1)? => 0,
        sign @ (b'+' | b'-') => {
            let at = pos.checked_add(1)?;
            if b.len() != at.checked_add(5)? || !sep(at.checked_add(2)?, b":") {
                return None;
            }
            let (oh, om) = (num(at, 2)?, num(at.checked_add(3)?, 2)?);
            if oh > 23 || om > 59 {
                return None;
            }
            let m = oh.checked_mul(60)?.checked_add(om)?;
            if *sign == b'-' {
                m.checked_neg()?
            } else {
                m
            }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day)?;
    let seconds = days
        .checked_mul(86_400)?
        .checked_add(hour.checked_mul(3600)?)?
        .checked_add(minute.checked_mul(60)?)?
        .checked_add(second)?
        .checked_sub(offset_minutes.checked_mul(60)?)?;
    seconds.checked_mul(1000)?.checked_add(millis)
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> Option<i64> {
    Some(match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => return None,
    })
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`),
/// for years 0..=9999 as RFC 3339 allows.
fn days_from_civil(year: i64, month: i64, day: i64) -> Option<i64> {
    let y = if month <= 2 {
        year.checked_sub(1)?
    } else {
        year
    };
    let era = y.checked_div_euclid(400)?;
    let yoe = y.checked_sub(era.checked_mul(400)?)?;
    let mp = if month > 2 {
        month.checked_sub(3)?
    } else {
        month.checked_add(9)?
    };
    let doy = mp
        .checked_mul(153)?
        .checked_add(2)?
        .checked_div(5)?
        .checked_add(day)?
        .checked_sub(1)?;
    let doe = yoe
        .checked_mul(365)?
        .checked_add(yoe.checked_div(4)?)?
        .checked_sub(yoe.checked_div(100)?)?
        .checked_add(doy)?;
    era.checked_mul(146_097)?
        .checked_add(doe)?
        .checked_sub(719_468)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn rfc3339() {
        assert_eq!(parse_rfc3339_ms("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339_ms("1970-01-01T00:00:00.5Z"), Some(500));
        assert_eq!(parse_rfc3339_ms("1970-01-01T00:00:00.123456Z"), Some(123));
        assert_eq!(parse_rfc3339_ms("1970-01-01T01:00:00+01:00"), Some(0));
        assert_eq!(parse_rfc3339_ms("1969-12-31T23:00:00-01:00"), Some(0));
        // 2021-09-30T16:25:24Z, the EIP-4361 example: 1633019124 s.
        assert_eq!(
            parse_rfc3339_ms("2021-09-30T16:25:24.000Z"),
            Some(1_633_019_124_000)
        );
        assert_eq!(
            parse_rfc3339_ms("2000-02-29T00:00:00Z"),
            Some(951_782_400_000)
        );
        assert_eq!(parse_rfc3339_ms("2001-02-29T00:00:00Z"), None);
        assert_eq!(parse_rfc3339_ms("1900-02-29T00:00:00Z"), None);
        assert_eq!(parse_rfc3339_ms("2021-09-30 16:25:24Z"), None);
        assert_eq!(parse_rfc3339_ms("2021-09-30T16:25:24"), None);
        assert_eq!(parse_rfc3339_ms("2021-09-30T16:25:24.Z"), None);
        assert_eq!(parse_rfc3339_ms("2021-09-30T24:00:00Z"), None);
        assert_eq!(parse_rfc3339_ms("2021-13-01T00:00:00Z"), None);
        assert_eq!(parse_rfc3339_ms("2021-09-30T16:25:24Zx"), None);
        assert_eq!(parse_rfc3339_ms("2021-09-30T16:25:24+0100"), None);
        assert_eq!(parse_rfc3339_ms("+021-09-30T16:25:24Z"), None);
        assert_eq!(parse_rfc3339_ms(""), None);
        assert!(parse_rfc3339_ms("0000-01-01T00:00:00Z").is_some());
        assert!(parse_rfc3339_ms("9999-12-31T23:59:60.999-23:59").is_some());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn origins() {
        assert_eq!(
            origin_authority("https://App.Example:8443"),
            Some("app.example:8443".into())
        );
        assert_eq!(origin_authority("null"), None);
        assert_eq!(origin_authority("https://"), None);
        assert!(authorities_match(
            "app.example:443",
            "app.example",
            "https://app.example"
        ));
        assert!(!authorities_match(
            "app.example",
            "app.example:8443",
            "https://app.example:8443"
        ));
        assert!(!authorities_match(
            "app.example.evil",
            "app.example",
            "https://app.example"
        ));
    }
}
