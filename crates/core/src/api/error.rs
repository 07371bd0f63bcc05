//! Errors as they cross the protocol boundary: `{code, message, data: {kind}}`.
//!
//! Codes follow EIP-1193 and EIP-1474 where one applies; `data.kind` names the exact cause so
//! callers can branch without parsing messages. Messages never contain secrets or echo input.

use serde::{Deserialize, Serialize};

/// EIP-1193: the user rejected the request.
pub const USER_REJECTED: i64 = 4001;
/// EIP-1193: the method or account has not been authorized (also: wallet locked, wrong password).
pub const UNAUTHORIZED: i64 = 4100;
/// EIP-1193: the wallet does not support the method.
pub const UNSUPPORTED_METHOD: i64 = 4200;
/// EIP-1193: the provider is not connected to the requested chain.
pub const CHAIN_DISCONNECTED: i64 = 4901;
/// EIP-3326: the requested chain has not been added.
pub const UNRECOGNIZED_CHAIN: i64 = 4902;
/// JSON-RPC: the request is not valid JSON.
pub const PARSE_ERROR: i64 = -32700;
/// JSON-RPC: the JSON is not a valid request object.
pub const INVALID_REQUEST: i64 = -32600;
/// JSON-RPC: no such method.
pub const METHOD_NOT_FOUND: i64 = -32601;
/// JSON-RPC: the params are wrong.
pub const INVALID_PARAMS: i64 = -32602;
/// JSON-RPC: the wallet failed internally (e.g. a corrupted vault).
pub const INTERNAL_ERROR: i64 = -32603;

/// The machine-readable cause of an error, sent as `data.kind`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorData {
    /// A stable name such as `WrongPassword`, `Locked` or `InvalidParams`.
    pub kind: String,
    /// Further members of `data` for kinds that carry them (e.g. `ApprovalRequired`: the
    /// approval digest and the held request); empty for most errors.
    #[serde(flatten)]
    pub details: serde_json::Map<String, serde_json::Value>,
}

/// An error as returned to any caller of the protocol.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message} (code {code})")]
pub struct ApiError {
    /// EIP-1193 / JSON-RPC error code.
    pub code: i64,
    /// One sentence that says what went wrong.
    pub message: String,
    /// The machine-readable cause.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<ErrorData>,
}

impl ApiError {
    /// An error with a code, a stable kind and a message.
    pub fn new(code: i64, kind: &str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            data: Some(ErrorData {
                kind: kind.to_owned(),
                details: serde_json::Map::new(),
            }),
        }
    }

    /// An error whose `data` carries members besides `kind` (`details` must be an object;
    /// anything else is dropped).
    pub fn with_details(
        code: i64,
        kind: &str,
        message: impl Into<String>,
        details: serde_json::Value,
    ) -> Self {
        let mut e = Self::new(code, kind, message);
        if let (Some(data), serde_json::Value::Object(mut members)) = (e.data.as_mut(), details) {
            members.remove("kind");
            data.details = members;
        }
        e
    }

    /// -32700: the text is not JSON.
    pub fn parse(message: &str) -> Self {
        Self::new(PARSE_ERROR, "ParseError", message)
    }

    /// -32600: the JSON is not a request.
    pub fn invalid_request(message: &str) -> Self {
        Self::new(INVALID_REQUEST, "InvalidRequest", message)
    }

    /// -32601: no such method.
    pub fn method_not_found(method: &str) -> Self {
        // Method names are short identifiers; cap the echo so a hostile caller cannot make
        // the error huge, and it never contains params.
        let shown: String = method.chars().take(64).collect();
        Self::new(
            METHOD_NOT_FOUND,
            "MethodNotFound",
            format!("the method `{shown}` does not exist"),
        )
    }

    /// -32602: params are wrong; `message` says which and how.
    pub fn invalid_params(message: impl Into<String>) -> Self {
        Self::new(INVALID_PARAMS, "InvalidParams", message)
    }

    /// 4100: the wallet is locked.
    pub fn locked() -> Self {
        Self::new(
            UNAUTHORIZED,
            "Locked",
            "the wallet is locked: unlock it first",
        )
    }

    /// 4001: the user rejected the request.
    pub fn user_rejected() -> Self {
        Self::new(
            USER_REJECTED,
            "UserRejected",
            "the user rejected the request",
        )
    }

    /// The `data.kind` of this error, if any.
    pub fn kind(&self) -> Option<&str> {
        self.data.as_ref().map(|d| d.kind.as_str())
    }
}

/// Rewrites a serde error into a message that cannot echo the input.
///
/// serde_json quotes offending string values (`invalid type: string "..."`) and names unknown
/// enum variants and fields in backticks (``unknown variant `...` ``); such a value may be a
/// password or a mnemonic sent in the wrong field. Every quoted or backticked span is cut,
/// except the names serde takes from our own types: the field in "missing field `x`" /
/// "duplicate field `x`", and everything after "expected" (the list of valid names).
pub(crate) fn scrub_serde_message(err: &serde_json::Error) -> String {
    let mut text = err.to_string();
    // serde appends " at line L column C", which means nothing to a caller of a JSON object.
    if let Some(pos) = text.find(" at line ") {
        text.truncate(pos);
    }
    let mut out = String::with_capacity(text.len());
    let mut open: Option<char> = None;
    let mut keep = false;
    for ch in text.chars() {
        match (open, ch) {
            (None, '"' | '`') => {
                keep = ch == '`'
                    && (out.ends_with("missing field ")
                        || out.ends_with("duplicate field ")
                        || out.contains("expected"));
                open = Some(ch);
                out.push(ch);
                if !keep {
                    out.push('…');
                }
            }
            (Some(q), c) if c == q => {
                open = None;
                out.push(c);
            }
            (Some(_), c) => {
                if keep {
                    out.push(c);
                }
            }
            (None, c) => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrubbed_messages_do_not_echo_values() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct P {
            words: u8,
        }
        let err = serde_json::from_str::<P>(r#"{"words":"hunter2 secret"}"#).unwrap_err();
        let msg = scrub_serde_message(&err);
        assert!(!msg.contains("hunter2"), "{msg}");
        assert!(msg.contains("invalid type"), "{msg}");

        #[derive(Debug, serde::Deserialize)]
        #[serde(rename_all = "lowercase", deny_unknown_fields)]
        #[allow(dead_code)]
        enum Chain {
            Ethereum,
            Solana,
        }
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Q {
            chain: Chain,
        }
        let err = serde_json::from_str::<Q>(r#"{"chain":"abandon ability able"}"#).unwrap_err();
        let msg = scrub_serde_message(&err);
        assert!(!msg.contains("abandon"), "{msg}");
        assert!(msg.contains("`ethereum`"), "{msg}");
        let err = serde_json::from_str::<Q>(r#"{"zoo secret":1}"#).unwrap_err();
        let msg = scrub_serde_message(&err);
        assert!(!msg.contains("zoo"), "{msg}");
        assert!(msg.contains("`chain`"), "{msg}");
        let err = serde_json::from_str::<Q>("{}").unwrap_err();
        assert!(scrub_serde_message(&err).contains("missing field `chain`"));
    }

    #[test]
    fn method_not_found_caps_the_echo() {
        let e = ApiError::method_not_found(&"x".repeat(10_000));
        assert!(e.message.len() < 200);
        assert_eq!(e.code, METHOD_NOT_FOUND);
    }
}
