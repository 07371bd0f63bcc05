//! `eth_signTypedData_v4`: EIP-712 typed structured data.
//!
//! The digest is `keccak256(0x19 0x01 || hashStruct(EIP712Domain, domain) || hashStruct(primaryType, message))`
//! (<https://eips.ethereum.org/EIPS/eip-712>). Type resolution and `encodeData` are
//! alloy-dyn-abi's. Values are not left to alloy's coercion: `typed_values` reads each one
//! strictly against its type (ethers v6's forms, with a path in every refusal) and hands alloy
//! a canonical form. This module parses the request, hashes the domain and enforces the rules
//! below, which are written up in `docs/ethereum.md`:
//!
//! - The domain is hashed with the `EIP712Domain` type the request gives in `types`, as
//!   MetaMask does, so any subset and order of domain fields works. If `types` has no
//!   `EIP712Domain`, it is derived from the domain's keys in the canonical order (name,
//!   version, chainId, verifyingContract, salt), as ethers and viem do before they send.
//! - A domain `chainId` other than the active chain is refused, as MetaMask refuses it.
//! - `primaryType: "EIP712Domain"` signs `keccak256(0x1901 || domainSeparator)`, as eth-sig-util.

use super::fields;
use super::typed_values;
use crate::keys::secp256k1::Secp256k1PrivateKey;
use alloy_dyn_abi::DynSolValue;
use alloy_dyn_abi::{Eip712Domain, Resolver, TypedData};
use alloy_primitives::{keccak256, B256, U256};
use serde_json::{Map, Value};

/// Why typed data cannot be hashed or signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TypedDataError {
    /// Not JSON, or not a JSON object.
    #[error("typed data is not a valid JSON object: {0}")]
    Json(String),
    /// One of `types`, `primaryType`, `domain` or `message` is missing.
    #[error("typed data has no `{0}`")]
    MissingField(&'static str),
    /// A type is used (or named as `primaryType`) but not defined in `types`.
    #[error("type `{0}` is used but not defined in `types`")]
    UnknownType(String),
    /// Types that refer to each other in a cycle; no finite value can have them.
    #[error("type `{0}` refers back to itself")]
    CyclicType(String),
    /// A malformed type name or field definition.
    #[error("invalid type definition: {0}")]
    InvalidType(String),
    /// A value that does not fit its type: out of range, wrong length, not hex, missing field.
    #[error("a value does not match its type: {0}")]
    InvalidValue(String),
    /// A domain key outside EIP-712's five when `types` has no `EIP712Domain` to say how to hash it.
    #[error("domain field `{0}` is not one of name, version, chainId, verifyingContract, salt")]
    UnknownDomainField(String),
    /// The domain's `chainId` is not a number.
    #[error("domain chainId is not a valid number")]
    InvalidChainId,
    /// The domain names a chain other than the one the wallet is on.
    #[error("the typed data is for chain {domain} but the wallet is on chain {active}; switch chains first")]
    ChainIdMismatch {
        /// The domain's `chainId` (decimal).
        domain: String,
        /// The wallet's active chain.
        active: u64,
    },
}

/// The canonical EIP-712 domain fields and their types, in the order ethers and viem derive them.
const DOMAIN_FIELDS: [(&str, &str); 5] = [
    ("name", "string"),
    ("version", "string"),
    ("chainId", "uint256"),
    ("verifyingContract", "address"),
    ("salt", "bytes32"),
];

/// More types than any real request uses; bounds the work and recursion depth of resolution.
const MAX_TYPES: usize = 256;

/// The most leaf fields a type may expand to. alloy resolves a type into a tree, so types that
/// reuse each other (A has two B, B has two C, ...) grow exponentially and could exhaust memory,
/// which traps a WebAssembly module. Real requests (a Seaport order) stay under a hundred.
const MAX_EXPANDED_FIELDS: u64 = 10_000;

/// A parsed `eth_signTypedData_v4` payload.
#[derive(Debug, Clone)]
pub struct TypedDataRequest {
    resolver: Resolver,
    primary_type: String,
    domain: Map<String, Value>,
    message: Value,
}

/// Handles `eth_signTypedData_v4`: returns the 65-byte `r || s || v` signature (`v` 27 or 28)
/// as `0x` hex. `typed_data` is the JSON object, or a string holding it (as dapps send it).
pub fn sign_typed_data_v4(
    key: &Secp256k1PrivateKey,
    typed_data: &Value,
    active_chain_id: u64,
) -> Result<String, TypedDataError> {
    let request = TypedDataRequest::from_json(typed_data)?;
    request.check_chain(active_chain_id)?;
    let digest = request.signing_hash()?;
    let sig = key.sign_prehash(&digest.0);
    Ok(format!("0x{}", hex::encode(sig.to_rsv_bytes())))
}

impl TypedDataRequest {
    /// Parses the payload (an object, or a string holding one) and checks its types.
    pub fn from_json(value: &Value) -> Result<Self, TypedDataError> {
        let parsed;
        let value = match value {
            Value::String(text) => {
                parsed = serde_json::from_str::<Value>(text)
                    .map_err(|e| TypedDataError::Json(e.to_string()))?;
                &parsed
            }
            other => other,
        };
        let obj = value
            .as_object()
            .ok_or_else(|| TypedDataError::Json("expected an object".into()))?;
        let types = fields::get(obj, "types").ok_or(TypedDataError::MissingField("types"))?;
        let primary_type = fields::get(obj, "primaryType")
            .ok_or(TypedDataError::MissingField("primaryType"))?
            .as_str()
            .ok_or_else(|| TypedDataError::Json("primaryType must be a string".into()))?
            .to_owned();
        let domain = match fields::get(obj, "domain") {
            Some(Value::Object(d)) => d.clone(),
            Some(_) => return Err(TypedDataError::Json("domain must be an object".into())),
            None => return Err(TypedDataError::MissingField("domain")),
        };
        let message = match fields::get(obj, "message") {
            Some(m) => m.clone(),
            // Only a domain-only signature may omit the message (eth-sig-util allows it).
            None if primary_type == "EIP712Domain" => Value::Object(Map::new()),
            None => return Err(TypedDataError::MissingField("message")),
        };
        let type_map = types
            .as_object()
            .ok_or_else(|| TypedDataError::Json("types must be an object".into()))?;
        if type_map.len() > MAX_TYPES {
            return Err(TypedDataError::InvalidType(format!(
                "more than {MAX_TYPES} types"
            )));
        }
        check_type_names(type_map)?;
        let mut resolver: Resolver = serde_json::from_value(types.clone())
            .map_err(|e| TypedDataError::InvalidType(e.to_string()))?;
        // `ingest_types` drops definitions it cannot parse; make that an error instead.
        for name in type_map.keys() {
            if !resolver.contains_type_name(name) {
                return Err(TypedDataError::InvalidType(format!("type name `{name}`")));
            }
        }
        if !resolver.contains_type_name("EIP712Domain") {
            resolver
                .ingest_string(derived_domain_type(&domain)?)
                .map_err(map_abi_error)?;
        }
        if !resolver.contains_type_name(&primary_type) {
            return Err(TypedDataError::UnknownType(primary_type));
        }
        for root in [primary_type.as_str(), "EIP712Domain"] {
            let mut memo = std::collections::BTreeMap::new();
            if expanded_size(type_map, root, &mut memo, &mut Vec::new())? > MAX_EXPANDED_FIELDS {
                return Err(TypedDataError::InvalidType(format!(
                    "`{root}` expands to more than {MAX_EXPANDED_FIELDS} fields"
                )));
            }
        }
        // Values are read strictly and rewritten in canonical form, so alloy's looser coercion
        // never decides what a value means (typed_values.rs).
        let domain = canonical_domain(type_map, &domain)?;
        let message = if primary_type == "EIP712Domain" {
            message
        } else {
            typed_values::canonical(type_map, &primary_type, &message, "message")?
        };
        let request = Self {
            resolver,
            primary_type,
            domain,
            message,
        };
        // A chain id that is not a number is reported as such, before any hashing.
        request.domain_chain_id()?;
        Ok(request)
    }

    /// The `primaryType`.
    pub fn primary_type(&self) -> &str {
        &self.primary_type
    }

    /// The domain object, its values in canonical form (integers as decimal strings, addresses
    /// checksummed, bytes lower-case hex); keys outside its type as the request gave them.
    pub fn domain(&self) -> &Map<String, Value> {
        &self.domain
    }

    /// The message object, its values in canonical form as for [`Self::domain`].
    pub fn message(&self) -> &Value {
        &self.message
    }

    /// The domain's `chainId`, if it has one.
    pub fn domain_chain_id(&self) -> Result<Option<U256>, TypedDataError> {
        fields::get(&self.domain, "chainId")
            .map(|v| fields::quantity(v, "chainId").map_err(|_| TypedDataError::InvalidChainId))
            .transpose()
    }

    /// Refuses a domain whose `chainId` is not `active_chain_id`.
    pub fn check_chain(&self, active_chain_id: u64) -> Result<(), TypedDataError> {
        match self.domain_chain_id()? {
            Some(id) if id != U256::from(active_chain_id) => Err(TypedDataError::ChainIdMismatch {
                domain: id.to_string(),
                active: active_chain_id,
            }),
            _ => Ok(()),
        }
    }

    /// The message coerced to its types: the value the preview walks field by field.
    pub fn message_value(&self) -> Result<DynSolValue, TypedDataError> {
        self.typed(&self.primary_type, &self.message)
            .coerce()
            .map_err(map_abi_error)
    }

    /// `encodeType(primaryType)`.
    pub fn encode_type(&self) -> Result<String, TypedDataError> {
        self.resolver
            .encode_type(&self.primary_type)
            .map_err(map_abi_error)
    }

    /// `encodeData(primaryType, message)`: the type hash is not included.
    pub fn encode_data(&self) -> Result<Vec<u8>, TypedDataError> {
        self.typed(&self.primary_type, &self.message)
            .encode_data()
            .map_err(map_abi_error)
    }

    /// `hashStruct(primaryType, message)`.
    pub fn hash_struct(&self) -> Result<B256, TypedDataError> {
        self.typed(&self.primary_type, &self.message)
            .hash_struct()
            .map_err(map_abi_error)
    }

    /// `hashStruct(EIP712Domain, domain)`, the domain separator.
    pub fn domain_separator(&self) -> Result<B256, TypedDataError> {
        let domain = Value::Object(self.domain.clone());
        self.typed("EIP712Domain", &domain)
            .hash_struct()
            .map_err(map_abi_error)
    }

    /// The digest that is signed.
    pub fn signing_hash(&self) -> Result<B256, TypedDataError> {
        let mut buf = Vec::with_capacity(66);
        buf.extend_from_slice(&[0x19, 0x01]);
        buf.extend_from_slice(self.domain_separator()?.as_slice());
        if self.primary_type != "EIP712Domain" {
            buf.extend_from_slice(self.hash_struct()?.as_slice());
        }
        Ok(keccak256(buf))
    }

    fn typed(&self, primary_type: &str, message: &Value) -> TypedData {
        // alloy's own domain field is unused: the separator is computed from `types` above.
        TypedData {
            domain: Eip712Domain::default(),
            resolver: self.resolver.clone(),
            primary_type: primary_type.to_owned(),
            message: message.clone(),
        }
    }
}

/// Type strings alloy would accept but EIP-712 does not have. Tuple syntax in particular must
/// never reach alloy-dyn-abi 1.7: its `encode_data` has no case for tuple values and panics
/// (`unreachable!` in `Resolver::eip712_data_word`), which in WebAssembly would trap the module.
fn check_type_names(types: &Map<String, Value>) -> Result<(), TypedDataError> {
    for (name, props) in types {
        if name.contains(['(', ')', '[', ']', ',', ' ']) {
            return Err(TypedDataError::InvalidType(format!("type name `{name}`")));
        }
        let Some(props) = props.as_array() else {
            return Err(TypedDataError::InvalidType(format!(
                "`{name}` must be a list of {{name, type}}"
            )));
        };
        for prop in props {
            let ty = prop.get("type").and_then(Value::as_str).unwrap_or("");
            if ty.contains(['(', ')', ',', ' ']) || ty.starts_with("function") {
                return Err(TypedDataError::InvalidType(format!(
                    "`{ty}` in `{name}` is not an EIP-712 type"
                )));
            }
        }
    }
    Ok(())
}

/// How many leaf fields `name` expands to (1 for a basic type), memoised; cycles are errors.
fn expanded_size<'a>(
    types: &'a Map<String, Value>,
    name: &'a str,
    memo: &mut std::collections::BTreeMap<&'a str, u64>,
    stack: &mut Vec<&'a str>,
) -> Result<u64, TypedDataError> {
    let Some(props) = types.get(name).and_then(Value::as_array) else {
        return Ok(1);
    };
    if let Some(size) = memo.get(name) {
        return Ok(*size);
    }
    if stack.contains(&name) {
        return Err(TypedDataError::CyclicType(name.to_owned()));
    }
    stack.push(name);
    let mut total: u64 = 0;
    for prop in props {
        let ty = prop.get("type").and_then(Value::as_str).unwrap_or("");
        let root = ty.split('[').next().unwrap_or(ty);
        total = total.saturating_add(expanded_size(types, root, memo, stack)?);
    }
    stack.pop();
    memo.insert(name, total);
    Ok(total)
}

/// The domain with its values read strictly (typed_values.rs) by the request's `EIP712Domain`
/// type, or by the canonical types of the keys it has. A `chainId` that cannot be read is
/// reported as such.
fn canonical_domain(
    types: &Map<String, Value>,
    domain: &Map<String, Value>,
) -> Result<Map<String, Value>, TypedDataError> {
    let declared = types.get("EIP712Domain").and_then(Value::as_array);
    let derived;
    let types = if declared.is_some() {
        types
    } else {
        let fields: Vec<Value> = DOMAIN_FIELDS
            .iter()
            .filter(|(name, _)| fields::get(domain, name).is_some())
            .map(|(name, ty)| serde_json::json!({"name": name, "type": ty}))
            .collect();
        derived = Map::from_iter([("EIP712Domain".to_owned(), Value::Array(fields))]);
        &derived
    };
    let mut domain = domain.clone();
    if let Some(id) = fields::get(&domain, "chainId") {
        let ty = declared
            .and_then(|fields| {
                fields
                    .iter()
                    .find(|f| f.get("name").and_then(Value::as_str) == Some("chainId"))
            })
            .and_then(|f| f.get("type").and_then(Value::as_str))
            .unwrap_or("uint256");
        let id = typed_values::canonical(types, ty, id, "domain.chainId")
            .map_err(|_| TypedDataError::InvalidChainId)?;
        domain.insert("chainId".to_owned(), id);
    }
    match typed_values::canonical(types, "EIP712Domain", &Value::Object(domain), "domain")? {
        Value::Object(domain) => Ok(domain),
        _ => Err(TypedDataError::Json("domain must be an object".into())),
    }
}

/// `EIP712Domain(...)` built from the keys the domain has, in the canonical order.
fn derived_domain_type(domain: &Map<String, Value>) -> Result<String, TypedDataError> {
    if let Some(unknown) = domain
        .keys()
        .find(|k| !DOMAIN_FIELDS.iter().any(|(name, _)| name == k))
    {
        return Err(TypedDataError::UnknownDomainField(unknown.clone()));
    }
    let members: Vec<String> = DOMAIN_FIELDS
        .iter()
        .filter(|(name, _)| fields::get(domain, name).is_some())
        .map(|(name, ty)| format!("{ty} {name}"))
        .collect();
    Ok(format!("EIP712Domain({})", members.join(",")))
}

fn map_abi_error(e: alloy_dyn_abi::Error) -> TypedDataError {
    use alloy_dyn_abi::Error as E;
    match e {
        E::MissingType(t) => TypedDataError::UnknownType(t),
        E::CircularDependency(t) => TypedDataError::CyclicType(t),
        E::InvalidPropertyDefinition(t) => TypedDataError::InvalidType(t),
        E::TypeParser(t) => TypedDataError::InvalidType(t.to_string()),
        other => TypedDataError::InvalidValue(other.to_string()),
    }
}
