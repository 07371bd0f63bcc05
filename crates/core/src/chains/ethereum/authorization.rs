//! EIP-7702 authorizations: letting an account run a contract's code.
//!
//! An authorization is the tuple `[chain_id, address, nonce]`; its signature covers
//! `keccak256(0x05 || rlp([chain_id, address, nonce]))` (EIP-7702, "Set code transaction").
//! Once included in a type 4 transaction it makes the signing account delegate to `address`:
//! whoever controls that code controls the account, so the preview always shows it as danger.
//! `chain_id` 0 makes the authorization valid on every chain.

use super::address::{address_of, to_checksum};
use super::fields::{self, FieldError};
use crate::keys::secp256k1::{RecoverableSignature, Secp256k1PrivateKey, Secp256k1PublicKey};
use alloy_eips::eip7702::{Authorization, SignedAuthorization};
use alloy_primitives::{Address, B256, U256};
use serde_json::{Map, Value};

/// Why an authorization request cannot be signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthorizationError {
    /// A field is missing or malformed (the error names it).
    #[error(transparent)]
    Field(#[from] FieldError),
    /// `chainId` is neither 0 (every chain) nor the wallet's active chain.
    #[error("the authorization is for chain {requested} but the wallet is on chain {active}; switch chains first")]
    ChainIdMismatch {
        /// `chainId` in the request (decimal).
        requested: String,
        /// The wallet's active chain.
        active: u64,
    },
}

/// Reads `chainId`, `address` (or viem's older `contractAddress`) and `nonce` from `obj`.
/// `name` prefixes field names in errors (e.g. `authorizationList[0]`).
pub(crate) fn parse_authorization(
    obj: &Map<String, Value>,
    name: &str,
) -> Result<Authorization, FieldError> {
    let field = |key: &str| {
        if name.is_empty() {
            key.to_owned()
        } else {
            format!("{name}.{key}")
        }
    };
    let chain_id = fields::quantity(
        fields::require(obj, "chainId").map_err(|_| FieldError::Missing(field("chainId")))?,
        &field("chainId"),
    )?;
    let address_value = fields::get(obj, "address")
        .or_else(|| fields::get(obj, "contractAddress"))
        .ok_or_else(|| FieldError::Missing(field("address")))?;
    let address = fields::address(address_value, &field("address"))?;
    let nonce_field = field("nonce");
    let nonce = fields::to_u64(
        fields::quantity(
            fields::require(obj, "nonce").map_err(|_| FieldError::Missing(nonce_field.clone()))?,
            &nonce_field,
        )?,
        &nonce_field,
    )?;
    Ok(Authorization {
        chain_id,
        address,
        nonce,
    })
}

/// Parses the object of a `wallet_signAuthorization` request: `{chainId?, address, nonce}`.
///
/// A missing `chainId` means the active chain. `chainId` 0 (every chain) is accepted; the
/// preview flags it.
pub fn parse_authorization_request(
    value: &Value,
    active_chain_id: u64,
) -> Result<Authorization, AuthorizationError> {
    let obj = fields::object(value, "authorization")?;
    let mut with_chain = obj.clone();
    if fields::get(obj, "chainId").is_none() {
        with_chain.insert("chainId".into(), Value::from(active_chain_id));
    }
    let authorization = parse_authorization(&with_chain, "")?;
    if authorization.chain_id != U256::ZERO && authorization.chain_id != U256::from(active_chain_id)
    {
        return Err(AuthorizationError::ChainIdMismatch {
            requested: authorization.chain_id.to_string(),
            active: active_chain_id,
        });
    }
    Ok(authorization)
}

/// The digest an authorization's signature covers: `keccak256(0x05 || rlp([chain_id, address, nonce]))`.
pub fn authorization_hash(authorization: &Authorization) -> B256 {
    authorization.signature_hash()
}

/// Signs an authorization (low-s, `yParity` 0 or 1).
pub fn sign(key: &Secp256k1PrivateKey, authorization: Authorization) -> SignedAuthorization {
    let sig = key.sign_prehash(&authorization_hash(&authorization).0);
    SignedAuthorization::new_unchecked(
        authorization,
        sig.recovery_id & 1,
        U256::from_be_bytes(sig.r),
        U256::from_be_bytes(sig.s),
    )
}

/// Handles `wallet_signAuthorization`: signs `{chainId?, address, nonce}` and returns the signed
/// tuple as viem's RPC format has it: `{chainId, address, nonce, yParity, r, s}` with hex
/// quantities, ready for a transaction's `authorizationList`.
pub fn sign_authorization(
    key: &Secp256k1PrivateKey,
    request: &Value,
    active_chain_id: u64,
) -> Result<Value, AuthorizationError> {
    let authorization = parse_authorization_request(request, active_chain_id)?;
    Ok(to_json(&sign(key, authorization)))
}

/// A signed authorization as JSON (`r` and `s` as 32-byte hex).
pub fn to_json(signed: &SignedAuthorization) -> Value {
    serde_json::json!({
        "chainId": format!("{:#x}", signed.chain_id),
        "address": to_checksum(&signed.address),
        "nonce": format!("{:#x}", signed.nonce),
        "yParity": format!("{:#x}", signed.y_parity()),
        "r": format!("0x{}", hex::encode(signed.r().to_be_bytes::<32>())),
        "s": format!("0x{}", hex::encode(signed.s().to_be_bytes::<32>())),
    })
}

/// The account that signed an authorization, or `None` if the signature does not recover or is
/// high-s (EIP-7702 requires `s <= n/2`, so such an authorization would be skipped on chain).
pub fn recover_authority(signed: &SignedAuthorization) -> Option<Address> {
    let signature = RecoverableSignature {
        r: signed.r().to_be_bytes::<32>(),
        s: signed.s().to_be_bytes::<32>(),
        recovery_id: signed.y_parity(),
    };
    if signed.s() > secp256k1_half_order() {
        return None;
    }
    let digest = authorization_hash(signed.inner());
    Secp256k1PublicKey::recover(&digest.0, &signature).map(|pk| address_of(&pk))
}

/// n/2 for secp256k1, the largest `s` EIP-2 allows.
fn secp256k1_half_order() -> U256 {
    U256::from_be_bytes([
        0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b,
        0x20, 0xa0,
    ])
}
