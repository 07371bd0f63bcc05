//! The Wallet Standard's `solana:signTransaction` and `solana:signMessage` shapes, as JSON.
//!
//! The Wallet Standard passes `Uint8Array`s; JSON cannot, so every byte field here is a
//! standard (padded) base64 string, and the web layer converts at the boundary. Field names
//! are the standard's (camelCase). Fields the core does not use (`account`, `options`) are
//! accepted and ignored: choosing the key for `account` is the caller's job.

use super::sign::{sign_message, sign_transaction};
use super::SolError;
use crate::keys::ed25519::Ed25519PrivateKey;
use base64::Engine as _;
use core::fmt;

/// Bytes that travel as a base64 string in JSON.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Base64Bytes(pub Vec<u8>);

impl Base64Bytes {
    /// Decodes standard, padded base64.
    pub fn from_base64(text: &str) -> Result<Self, SolError> {
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .map(Self)
            .map_err(|_| SolError::NotBase64)
    }

    /// The standard, padded base64 text.
    pub fn to_base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(&self.0)
    }
}

impl From<Vec<u8>> for Base64Bytes {
    fn from(v: Vec<u8>) -> Self {
        Self(v)
    }
}

impl AsRef<[u8]> for Base64Bytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Base64Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Base64Bytes({})", self.to_base64())
    }
}

impl serde::Serialize for Base64Bytes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_base64())
    }
}

impl<'de> serde::Deserialize<'de> for Base64Bytes {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Self::from_base64(&text).map_err(serde::de::Error::custom)
    }
}

/// `SolanaSignTransactionInput` without `account` and `options`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignTransactionInput {
    /// The serialized transaction.
    pub transaction: Base64Bytes,
    /// Wallet Standard chain, e.g. `solana:mainnet`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chain: Option<String>,
}

/// `SolanaSignTransactionOutput`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignTransactionOutput {
    /// The transaction with our signature in our slot.
    pub signed_transaction: Base64Bytes,
}

/// `SolanaSignMessageInput` without `account`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignMessageInput {
    /// The bytes to sign.
    pub message: Base64Bytes,
}

/// `SolanaSignMessageOutput`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignMessageOutput {
    /// The bytes that were signed (the input, unchanged).
    pub signed_message: Base64Bytes,
    /// The 64-byte Ed25519 signature.
    pub signature: Base64Bytes,
    /// Always `"ed25519"`.
    pub signature_type: String,
}

/// `solana:signTransaction` for one input.
pub fn sign_transaction_input(
    key: &Ed25519PrivateKey,
    input: &SignTransactionInput,
) -> Result<SignTransactionOutput, SolError> {
    Ok(SignTransactionOutput {
        signed_transaction: sign_transaction(key, &input.transaction.0)?.into(),
    })
}

/// `solana:signTransaction` with several inputs (also `signAllTransactions`): all or none.
pub fn sign_transaction_inputs(
    key: &Ed25519PrivateKey,
    inputs: &[SignTransactionInput],
) -> Result<Vec<SignTransactionOutput>, SolError> {
    inputs
        .iter()
        .enumerate()
        .map(|(index, input)| {
            sign_transaction_input(key, input).map_err(|e| SolError::InBatch {
                index,
                source: Box::new(e),
            })
        })
        .collect()
}

/// `solana:signMessage` for one input.
pub fn sign_message_input(
    key: &Ed25519PrivateKey,
    input: &SignMessageInput,
) -> Result<SignMessageOutput, SolError> {
    let signature = sign_message(key, &input.message.0)?;
    Ok(SignMessageOutput {
        signed_message: input.message.clone(),
        signature: signature.to_vec().into(),
        signature_type: "ed25519".into(),
    })
}

/// `sign_transaction` over base64 text in and out (the form the JSON protocol carries).
pub fn sign_transaction_base64(key: &Ed25519PrivateKey, wire: &str) -> Result<String, SolError> {
    let bytes = Base64Bytes::from_base64(wire)?;
    Ok(Base64Bytes(sign_transaction(key, &bytes.0)?).to_base64())
}
