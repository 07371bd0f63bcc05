//! The JSON-RPC envelope: `{id, method, params}` in, `{id, result}` or `{id, error}` out.
//!
//! Parsing is two-step on purpose. The envelope is read loosely first so a request with a bad
//! `params` still gets its `id` back and the right error code: an unknown method is -32601,
//! known method with bad params is -32602 (EIP-1474).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::error::ApiError;

/// A request as it arrives: the method name and its raw params.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct RpcRequest {
    /// Caller's correlation id, echoed in the response. Absent for EIP-1193 `request()` calls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Value>,
    /// JSON-RPC version marker; accepted and ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jsonrpc: Option<String>,
    /// The method name, e.g. `eth_accounts`.
    pub method: String,
    /// The params: an array for EIP-1193 methods, an object for `wallet_*`/`solana_*` ones.
    #[serde(default)]
    pub params: Value,
}

impl RpcRequest {
    /// Parses a request from JSON text; the error carries no part of the input.
    pub fn from_json(text: &str) -> Result<Self, ApiError> {
        let value: Value =
            serde_json::from_str(text).map_err(|_| ApiError::parse("request is not valid JSON"))?;
        Self::from_value(value)
    }

    /// Reads the envelope out of a parsed JSON value.
    pub fn from_value(value: Value) -> Result<Self, ApiError> {
        let Value::Object(mut map) = value else {
            return Err(ApiError::invalid_request("request must be a JSON object"));
        };
        let method = match map.remove("method") {
            Some(Value::String(m)) => m,
            Some(_) => return Err(ApiError::invalid_request("`method` must be a string")),
            None => return Err(ApiError::invalid_request("`method` is missing")),
        };
        Ok(Self {
            id: map.remove("id"),
            jsonrpc: match map.remove("jsonrpc") {
                Some(Value::String(v)) => Some(v),
                _ => None,
            },
            method,
            params: map.remove("params").unwrap_or(Value::Null),
        })
    }
}

/// A response: exactly one of `result` and `error` is present.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RpcResponse {
    /// Always "2.0".
    pub jsonrpc: String,
    /// The request's id, or null.
    pub id: Value,
    /// The method's result on success.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Value>,
    /// The error on failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ApiError>,
}

impl RpcResponse {
    /// Builds the response for `id` from a method's outcome.
    pub fn new(id: Option<Value>, outcome: Result<Value, ApiError>) -> Self {
        let (result, error) = match outcome {
            Ok(v) => (Some(v), None),
            Err(e) => (None, Some(e)),
        };
        Self {
            jsonrpc: "2.0".to_owned(),
            id: id.unwrap_or(Value::Null),
            result,
            error,
        }
    }
}
