//! Transactions: the JSON object of `eth_signTransaction` in, the raw signed bytes out.
//!
//! Four kinds are signed: legacy (with EIP-155 replay protection, or without it when the
//! request explicitly says `chainId: 0`), EIP-2930 (type 1), EIP-1559 (type 2) and EIP-7702
//! (type 4). Encoding and signing hashes are alloy-consensus's, which follows the EIPs field for
//! field; this module only turns the request into those structs and checks it. The rules
//! (which fields are required, how the type is inferred, what is refused) are in
//! `docs/ethereum.md`.

use super::address::{address_of, to_checksum};
use super::fields::{self, FieldError};
use crate::keys::secp256k1::Secp256k1PrivateKey;
use alloy_consensus::transaction::RlpEcdsaEncodableTx;
use alloy_consensus::{SignableTransaction, TxEip1559, TxEip2930, TxEip7702, TxLegacy};
use alloy_eips::eip2930::{AccessList, AccessListItem};
use alloy_eips::eip7702::SignedAuthorization;
use alloy_primitives::{keccak256, Address, Bytes, Signature, TxKind, B256, U256};
use serde_json::{Map, Value};

/// Why a transaction request cannot be signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TransactionError {
    /// A field is missing or malformed (the error names it).
    #[error(transparent)]
    Field(#[from] FieldError),
    /// The request names a chain other than the one the wallet is on.
    #[error("the transaction is for chain {requested} but the wallet is on chain {active}; switch chains first")]
    ChainIdMismatch {
        /// `chainId` in the request.
        requested: u64,
        /// The wallet's active chain.
        active: u64,
    },
    /// `from` is not the account asked to sign.
    #[error("the transaction is from {from} but the signing account is {signer}")]
    FromMismatch {
        /// `from` in the request (checksummed).
        from: String,
        /// The signing account (checksummed).
        signer: String,
    },
    /// Two fields that exclude each other, or two spellings of one field with different values.
    #[error("fields `{first}` and `{second}` cannot be used together")]
    ConflictingFields {
        /// One field.
        first: &'static str,
        /// The other.
        second: &'static str,
    },
    /// A field that the transaction's type does not have.
    #[error("field `{field}` is not allowed in a type {tx_type} transaction")]
    FieldNotAllowed {
        /// The field.
        field: &'static str,
        /// The transaction type.
        tx_type: u8,
    },
    /// A `type` Custodian does not sign (3 = blob transactions, or an unknown number).
    #[error("transaction type {0} is not supported (supported: 0, 1, 2, 4)")]
    UnsupportedType(String),
    /// `maxPriorityFeePerGas` above `maxFeePerGas`, which no node accepts.
    #[error("maxPriorityFeePerGas is greater than maxFeePerGas")]
    PriorityFeeAboveMaxFee,
    /// A type 4 transaction with an empty `authorizationList` (invalid per EIP-7702).
    #[error("a type 4 transaction needs at least one entry in authorizationList")]
    EmptyAuthorizationList,
    /// An authorization inside `authorizationList` carries no signature.
    #[error("authorizationList[{0}] is not signed; sign it with wallet_signAuthorization first")]
    UnsignedAuthorization(usize),
    /// An authorization's `yParity` is not 0 or 1.
    #[error("authorizationList[{0}].yParity must be 0 or 1")]
    InvalidAuthorizationParity(usize),
}

/// An unsigned transaction of one of the supported types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnsignedTransaction {
    /// Type 0. `chain_id` is `None` only for an explicitly unprotected (pre-EIP-155) request.
    Legacy(TxLegacy),
    /// Type 1 (EIP-2930).
    Eip2930(TxEip2930),
    /// Type 2 (EIP-1559).
    Eip1559(TxEip1559),
    /// Type 4 (EIP-7702).
    Eip7702(TxEip7702),
}

/// A parsed `eth_signTransaction` request: the transaction and the `from` it claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionRequest {
    /// The transaction that will be signed.
    pub tx: UnsignedTransaction,
    /// `from` in the request, if any; signing checks it against the key.
    pub from: Option<Address>,
}

/// A signed transaction, ready for `eth_sendRawTransaction`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedTransaction {
    /// EIP-2718 encoding: RLP for legacy, `type || RLP` otherwise.
    pub raw: Vec<u8>,
    /// The transaction hash, `keccak256(raw)`.
    pub hash: B256,
}

impl SignedTransaction {
    /// `raw` as `0x` hex, the result of `eth_signTransaction`.
    pub fn raw_hex(&self) -> String {
        format!("0x{}", hex::encode(&self.raw))
    }
}

/// Signs the JSON transaction object of `eth_signTransaction` and returns the raw signed
/// transaction as `0x` hex.
///
/// `active_chain_id` is the chain the wallet is on: a missing `chainId` means this chain, and a
/// different one is refused (except `chainId: 0` on a legacy transaction, which asks for an
/// unprotected pre-EIP-155 signature).
pub fn sign_transaction(
    key: &Secp256k1PrivateKey,
    tx: &Value,
    active_chain_id: u64,
) -> Result<String, TransactionError> {
    let request = TransactionRequest::from_json(tx, active_chain_id)?;
    Ok(request.sign(key)?.raw_hex())
}

impl TransactionRequest {
    /// Parses and checks a request; see the module docs for the rules.
    pub fn from_json(value: &Value, active_chain_id: u64) -> Result<Self, TransactionError> {
        parse(fields::object(value, "transaction")?, active_chain_id)
    }

    /// Signs with `key` after checking `from`. Signatures are RFC 6979 and low-s (EIP-2).
    pub fn sign(&self, key: &Secp256k1PrivateKey) -> Result<SignedTransaction, TransactionError> {
        let signer = address_of(&key.public_key());
        if let Some(from) = self.from {
            if from != signer {
                return Err(TransactionError::FromMismatch {
                    from: to_checksum(&from),
                    signer: to_checksum(&signer),
                });
            }
        }
        let digest = self.tx.signature_hash();
        let sig = key.sign_prehash(&digest.0);
        // k256 returns recovery ids 2 and 3 only when r overflowed the group order (odds about
        // 2^-128); Ethereum has no encoding for that, and the low bit is still the y parity.
        let signature = Signature::new(
            U256::from_be_bytes(sig.r),
            U256::from_be_bytes(sig.s),
            sig.recovery_id & 1 == 1,
        );
        let mut raw = Vec::new();
        match &self.tx {
            UnsignedTransaction::Legacy(t) => t.eip2718_encode(&signature, &mut raw),
            UnsignedTransaction::Eip2930(t) => t.eip2718_encode(&signature, &mut raw),
            UnsignedTransaction::Eip1559(t) => t.eip2718_encode(&signature, &mut raw),
            UnsignedTransaction::Eip7702(t) => t.eip2718_encode(&signature, &mut raw),
        }
        let hash = keccak256(&raw);
        Ok(SignedTransaction { raw, hash })
    }
}

impl UnsignedTransaction {
    /// The EIP-2718 type byte (0 for legacy).
    pub fn tx_type(&self) -> u8 {
        match self {
            Self::Legacy(_) => 0,
            Self::Eip2930(_) => 1,
            Self::Eip1559(_) => 2,
            Self::Eip7702(_) => 4,
        }
    }

    /// The digest that is signed: `keccak256` of the type's signing payload.
    pub fn signature_hash(&self) -> B256 {
        match self {
            Self::Legacy(t) => t.signature_hash(),
            Self::Eip2930(t) => t.signature_hash(),
            Self::Eip1559(t) => t.signature_hash(),
            Self::Eip7702(t) => t.signature_hash(),
        }
    }

    /// The bytes whose hash is signed (RLP payload, prefixed by the type for typed transactions).
    pub fn signing_payload(&self) -> Vec<u8> {
        match self {
            Self::Legacy(t) => t.encoded_for_signing(),
            Self::Eip2930(t) => t.encoded_for_signing(),
            Self::Eip1559(t) => t.encoded_for_signing(),
            Self::Eip7702(t) => t.encoded_for_signing(),
        }
    }

    /// The chain id, `None` for an unprotected legacy transaction.
    pub fn chain_id(&self) -> Option<u64> {
        match self {
            Self::Legacy(t) => t.chain_id,
            Self::Eip2930(t) => Some(t.chain_id),
            Self::Eip1559(t) => Some(t.chain_id),
            Self::Eip7702(t) => Some(t.chain_id),
        }
    }

    /// The sender's nonce.
    pub fn nonce(&self) -> u64 {
        match self {
            Self::Legacy(t) => t.nonce,
            Self::Eip2930(t) => t.nonce,
            Self::Eip1559(t) => t.nonce,
            Self::Eip7702(t) => t.nonce,
        }
    }

    /// The gas limit.
    pub fn gas_limit(&self) -> u64 {
        match self {
            Self::Legacy(t) => t.gas_limit,
            Self::Eip2930(t) => t.gas_limit,
            Self::Eip1559(t) => t.gas_limit,
            Self::Eip7702(t) => t.gas_limit,
        }
    }

    /// The most the sender pays per gas: `gasPrice`, or `maxFeePerGas` for fee-market types.
    pub fn max_fee_per_gas(&self) -> u128 {
        match self {
            Self::Legacy(t) => t.gas_price,
            Self::Eip2930(t) => t.gas_price,
            Self::Eip1559(t) => t.max_fee_per_gas,
            Self::Eip7702(t) => t.max_fee_per_gas,
        }
    }

    /// `maxPriorityFeePerGas` for fee-market types.
    pub fn max_priority_fee_per_gas(&self) -> Option<u128> {
        match self {
            Self::Legacy(_) | Self::Eip2930(_) => None,
            Self::Eip1559(t) => Some(t.max_priority_fee_per_gas),
            Self::Eip7702(t) => Some(t.max_priority_fee_per_gas),
        }
    }

    /// The recipient, `None` for contract creation.
    pub fn to(&self) -> Option<Address> {
        match self {
            Self::Legacy(t) => t.to.to().copied(),
            Self::Eip2930(t) => t.to.to().copied(),
            Self::Eip1559(t) => t.to.to().copied(),
            Self::Eip7702(t) => Some(t.to),
        }
    }

    /// Wei sent along.
    pub fn value(&self) -> U256 {
        match self {
            Self::Legacy(t) => t.value,
            Self::Eip2930(t) => t.value,
            Self::Eip1559(t) => t.value,
            Self::Eip7702(t) => t.value,
        }
    }

    /// Calldata, or init code for contract creation.
    pub fn input(&self) -> &[u8] {
        match self {
            Self::Legacy(t) => &t.input,
            Self::Eip2930(t) => &t.input,
            Self::Eip1559(t) => &t.input,
            Self::Eip7702(t) => &t.input,
        }
    }

    /// The access list (empty for legacy).
    pub fn access_list(&self) -> &[AccessListItem] {
        match self {
            Self::Legacy(_) => &[],
            Self::Eip2930(t) => &t.access_list.0,
            Self::Eip1559(t) => &t.access_list.0,
            Self::Eip7702(t) => &t.access_list.0,
        }
    }

    /// The EIP-7702 authorizations (empty for other types).
    pub fn authorization_list(&self) -> &[SignedAuthorization] {
        match self {
            Self::Eip7702(t) => &t.authorization_list,
            _ => &[],
        }
    }
}

/// The fields of a request, read once; which of them a type may carry is checked afterwards.
struct Fields {
    tx_type: Option<u8>,
    chain_id: Option<u64>,
    nonce: Option<u64>,
    gas_limit: Option<u64>,
    gas_price: Option<u128>,
    max_fee: Option<u128>,
    max_priority_fee: Option<u128>,
    to: Option<Address>,
    value: U256,
    input: Bytes,
    access_list: Option<AccessList>,
    authorization_list: Option<Vec<SignedAuthorization>>,
}

fn parse(
    obj: &Map<String, Value>,
    active_chain_id: u64,
) -> Result<TransactionRequest, TransactionError> {
    for blob_field in [
        "blobVersionedHashes",
        "maxFeePerBlobGas",
        "blobs",
        "sidecars",
    ] {
        if fields::get(obj, blob_field).is_some() {
            return Err(TransactionError::UnsupportedType("3 (blob)".into()));
        }
    }
    let f = read_fields(obj)?;
    let from = fields::get(obj, "from")
        .map(|v| fields::address(v, "from"))
        .transpose()?;
    let has_fee_market = f.max_fee.is_some() || f.max_priority_fee.is_some();
    if f.gas_price.is_some() && has_fee_market {
        let second = if f.max_fee.is_some() {
            "maxFeePerGas"
        } else {
            "maxPriorityFeePerGas"
        };
        return Err(TransactionError::ConflictingFields {
            first: "gasPrice",
            second,
        });
    }
    let has_authorizations = f.authorization_list.as_ref().is_some_and(|l| !l.is_empty());
    // viem's `getTransactionType` order. ethers' `Transaction.inferType` differs only for a
    // bare gasPrice, where it picks 1; see docs/ethereum.md.
    let tx_type = f.tx_type.unwrap_or(if has_authorizations {
        4
    } else if has_fee_market {
        2
    } else if f.gas_price.is_some() {
        if f.access_list.is_some() {
            1
        } else {
            0
        }
    } else {
        2
    });
    if tx_type != 4 && has_authorizations {
        return Err(TransactionError::FieldNotAllowed {
            field: "authorizationList",
            tx_type,
        });
    }
    match tx_type {
        0 | 1 => {
            if f.max_fee.is_some() {
                return Err(TransactionError::FieldNotAllowed {
                    field: "maxFeePerGas",
                    tx_type,
                });
            }
            if f.max_priority_fee.is_some() {
                return Err(TransactionError::FieldNotAllowed {
                    field: "maxPriorityFeePerGas",
                    tx_type,
                });
            }
            if tx_type == 0 && f.access_list.is_some() {
                return Err(TransactionError::FieldNotAllowed {
                    field: "accessList",
                    tx_type,
                });
            }
        }
        2 | 4 => {
            if f.gas_price.is_some() {
                return Err(TransactionError::FieldNotAllowed {
                    field: "gasPrice",
                    tx_type,
                });
            }
        }
        other => return Err(TransactionError::UnsupportedType(other.to_string())),
    }

    let chain_id = f.chain_id.unwrap_or(active_chain_id);
    let unprotected_legacy = tx_type == 0 && chain_id == 0;
    if chain_id != active_chain_id && !unprotected_legacy {
        return Err(TransactionError::ChainIdMismatch {
            requested: chain_id,
            active: active_chain_id,
        });
    }
    let nonce = f.nonce.ok_or_else(|| missing("nonce"))?;
    let gas_limit = f.gas_limit.ok_or_else(|| missing("gas"))?;
    let kind = f.to.map_or(TxKind::Create, TxKind::Call);
    let access_list = f.access_list.unwrap_or_default();

    let tx = match tx_type {
        0 => UnsignedTransaction::Legacy(TxLegacy {
            chain_id: (!unprotected_legacy).then_some(chain_id),
            nonce,
            gas_price: f.gas_price.ok_or_else(|| missing("gasPrice"))?,
            gas_limit,
            to: kind,
            value: f.value,
            input: f.input,
        }),
        1 => UnsignedTransaction::Eip2930(TxEip2930 {
            chain_id,
            nonce,
            gas_price: f.gas_price.ok_or_else(|| missing("gasPrice"))?,
            gas_limit,
            to: kind,
            value: f.value,
            input: f.input,
            access_list,
        }),
        _ => {
            let max_fee_per_gas = f.max_fee.ok_or_else(|| missing("maxFeePerGas"))?;
            let max_priority_fee_per_gas = f
                .max_priority_fee
                .ok_or_else(|| missing("maxPriorityFeePerGas"))?;
            if max_priority_fee_per_gas > max_fee_per_gas {
                return Err(TransactionError::PriorityFeeAboveMaxFee);
            }
            if tx_type == 2 {
                UnsignedTransaction::Eip1559(TxEip1559 {
                    chain_id,
                    nonce,
                    gas_limit,
                    max_fee_per_gas,
                    max_priority_fee_per_gas,
                    to: kind,
                    value: f.value,
                    access_list,
                    input: f.input,
                })
            } else {
                let authorization_list = f.authorization_list.unwrap_or_default();
                if authorization_list.is_empty() {
                    return Err(TransactionError::EmptyAuthorizationList);
                }
                UnsignedTransaction::Eip7702(TxEip7702 {
                    chain_id,
                    nonce,
                    gas_limit,
                    max_fee_per_gas,
                    max_priority_fee_per_gas,
                    // EIP-7702 transactions cannot create contracts.
                    to: f.to.ok_or_else(|| missing("to"))?,
                    value: f.value,
                    access_list,
                    authorization_list,
                    input: f.input,
                })
            }
        }
    };
    Ok(TransactionRequest { tx, from })
}

fn missing(field: &str) -> TransactionError {
    FieldError::Missing(field.to_owned()).into()
}

fn read_fields(obj: &Map<String, Value>) -> Result<Fields, TransactionError> {
    let quantity = |key: &str| -> Result<Option<U256>, FieldError> {
        fields::get(obj, key)
            .map(|v| fields::quantity(v, key))
            .transpose()
    };
    let u64_field = |key: &str| -> Result<Option<u64>, FieldError> {
        quantity(key)?.map(|q| fields::to_u64(q, key)).transpose()
    };
    let u128_field = |key: &str| -> Result<Option<u128>, FieldError> {
        quantity(key)?.map(|q| fields::to_u128(q, key)).transpose()
    };
    let tx_type = fields::get(obj, "type").map(parse_type).transpose()?;
    let gas = u64_field("gas")?;
    let gas_limit = u64_field("gasLimit")?;
    if let (Some(a), Some(b)) = (gas, gas_limit) {
        if a != b {
            return Err(TransactionError::ConflictingFields {
                first: "gas",
                second: "gasLimit",
            });
        }
    }
    let data = fields::get(obj, "data")
        .map(|v| fields::bytes(v, "data"))
        .transpose()?;
    let input = fields::get(obj, "input")
        .map(|v| fields::bytes(v, "input"))
        .transpose()?;
    if let (Some(a), Some(b)) = (&data, &input) {
        if a != b {
            return Err(TransactionError::ConflictingFields {
                first: "data",
                second: "input",
            });
        }
    }
    let to = fields::get(obj, "to")
        .map(|v| fields::address(v, "to"))
        .transpose()?;
    let access_list = fields::get(obj, "accessList")
        .map(parse_access_list)
        .transpose()?;
    let authorization_list = fields::get(obj, "authorizationList")
        .map(parse_authorization_list)
        .transpose()?;
    Ok(Fields {
        tx_type,
        chain_id: u64_field("chainId")?,
        nonce: u64_field("nonce")?,
        gas_limit: gas.or(gas_limit),
        gas_price: u128_field("gasPrice")?,
        max_fee: u128_field("maxFeePerGas")?,
        max_priority_fee: u128_field("maxPriorityFeePerGas")?,
        to,
        value: quantity("value")?.unwrap_or_default(),
        input: Bytes::from(data.or(input).unwrap_or_default()),
        access_list,
        authorization_list,
    })
}

/// `type` as viem and ethers send it (`"0x2"`, `2`), or viem's names (`"eip1559"`).
fn parse_type(value: &Value) -> Result<u8, TransactionError> {
    if let Some(name) = value.as_str() {
        match name {
            "legacy" => return Ok(0),
            "eip2930" => return Ok(1),
            "eip1559" => return Ok(2),
            "eip4844" => return Err(TransactionError::UnsupportedType("3 (blob)".into())),
            "eip7702" => return Ok(4),
            _ => {}
        }
    }
    let n = fields::quantity(value, "type")?;
    u8::try_from(n).map_err(|_| TransactionError::UnsupportedType(n.to_string()))
}

fn parse_access_list(value: &Value) -> Result<AccessList, FieldError> {
    let items = fields::array(value, "accessList")?;
    let mut list = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let name = format!("accessList[{i}]");
        let obj = fields::object(item, &name)?;
        let address = fields::address(
            fields::require(obj, "address")
                .map_err(|_| FieldError::Missing(format!("{name}.address")))?,
            &format!("{name}.address"),
        )?;
        let mut storage_keys = Vec::new();
        if let Some(keys) = fields::get(obj, "storageKeys") {
            let keys_name = format!("{name}.storageKeys");
            for (j, key) in fields::array(keys, &keys_name)?.iter().enumerate() {
                storage_keys.push(B256::from(fields::bytes32(
                    key,
                    &format!("{keys_name}[{j}]"),
                )?));
            }
        }
        list.push(AccessListItem {
            address,
            storage_keys,
        });
    }
    Ok(AccessList(list))
}

/// Reads an already signed authorization list (the tuples of EIP-7702 with `yParity`, `r`, `s`).
fn parse_authorization_list(value: &Value) -> Result<Vec<SignedAuthorization>, TransactionError> {
    let items = fields::array(value, "authorizationList")?;
    let mut list = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let name = format!("authorizationList[{i}]");
        let obj = fields::object(item, &name)?;
        let authorization = super::authorization::parse_authorization(obj, &name)?;
        let (Some(r), Some(s)) = (fields::get(obj, "r"), fields::get(obj, "s")) else {
            return Err(TransactionError::UnsignedAuthorization(i));
        };
        let r = fields::quantity(r, &format!("{name}.r"))?;
        let s = fields::quantity(s, &format!("{name}.s"))?;
        // viem sends `yParity`; older tools sent `v` as 0/1 or 27/28.
        let parity = match (fields::get(obj, "yParity"), fields::get(obj, "v")) {
            (Some(p), _) => fields::quantity(p, &format!("{name}.yParity"))?,
            (None, Some(v)) => {
                let v = fields::quantity(v, &format!("{name}.v"))?;
                if v == U256::from(27) || v == U256::from(28) {
                    v.saturating_sub(U256::from(27))
                } else {
                    v
                }
            }
            (None, None) => return Err(TransactionError::UnsignedAuthorization(i)),
        };
        let y_parity = match u8::try_from(parity) {
            Ok(p @ (0 | 1)) => p,
            _ => return Err(TransactionError::InvalidAuthorizationParity(i)),
        };
        list.push(SignedAuthorization::new_unchecked(
            authorization,
            y_parity,
            r,
            s,
        ));
    }
    Ok(list)
}
