//! Approval digests and quorum checks (`docs/policy.md` §Approvals).

use serde_json::{json, Value};

use super::canonical::domain_hash;
use super::document::Policy;
use super::reader::decode_fixed;
use super::state::{Pending, PolicyState};
use crate::keys::ed25519::Ed25519PublicKey;

/// Domain label of the approval digest.
pub const APPROVAL_LABEL: &str = "custodian/v1/approval";

/// Why approvals were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ApprovalError {
    /// No request is waiting under this digest.
    #[error("no request is waiting for approval under this digest")]
    Unknown,
    /// The digest was approved and used already.
    #[error("this approval was already used; a request is signed once")]
    Used,
    /// The request waited longer than the policy allows.
    #[error("this approval expired; make the request again")]
    Expired,
    /// The policy changed after the request was held.
    #[error("the policy changed after this request was held; make the request again")]
    Stale,
    /// A signature entry or the digest is not in the expected form.
    #[error("{0}")]
    Malformed(String),
    /// A key that is not an approver of the policy.
    #[error("signatures[{index}]: the key is not an approver of the policy")]
    NotAnApprover {
        /// Position in `signatures`.
        index: usize,
    },
    /// The same approver twice.
    #[error("signatures[{index}]: approver {name} signed twice")]
    Duplicate {
        /// Position in `signatures`.
        index: usize,
        /// The approver.
        name: String,
    },
    /// A signature that does not verify over this digest.
    #[error(
        "signatures[{index}]: the signature of approver {name} does not verify over this digest"
    )]
    BadSignature {
        /// Position in `signatures`.
        index: usize,
        /// The approver.
        name: String,
    },
    /// Fewer valid approvals than the quorum.
    #[error("{needed} approvals are needed, {given} given")]
    Insufficient {
        /// The quorum.
        needed: usize,
        /// Valid approvals given.
        given: usize,
    },
}

/// One approver's signature, as submitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalSignature {
    /// The approver's key.
    pub public_key: [u8; 32],
    /// Ed25519 over the 32 digest bytes.
    pub signature: [u8; 64],
}

impl ApprovalSignature {
    /// Reads `{publicKey, signature}` (hex or base58 each).
    ///
    /// # Errors
    /// [`ApprovalError::Malformed`] naming the entry.
    pub fn from_json(value: &Value, index: usize) -> Result<Self, ApprovalError> {
        let bad = |what: &str| ApprovalError::Malformed(format!("signatures[{index}]: {what}"));
        let obj = value
            .as_object()
            .ok_or_else(|| bad("must be an object {publicKey, signature}"))?;
        if let Some(k) = obj.keys().find(|k| *k != "publicKey" && *k != "signature") {
            return Err(bad(&format!(
                "unknown field `{}`",
                k.chars().take(32).collect::<String>()
            )));
        }
        let public_key = obj
            .get("publicKey")
            .and_then(Value::as_str)
            .and_then(decode_fixed::<32>)
            .ok_or_else(|| bad("publicKey must be 64 hex digits or base58 of 32 bytes"))?;
        let signature = obj
            .get("signature")
            .and_then(Value::as_str)
            .and_then(decode_fixed::<64>)
            .ok_or_else(|| bad("signature must be 128 hex digits or base58 of 64 bytes"))?;
        Ok(Self {
            public_key,
            signature,
        })
    }
}

/// The object an approval digest covers.
pub(crate) fn preimage(
    request: &Value,
    nonce: &str,
    expires_at: u64,
    policy_hash: &str,
    wallet: &str,
) -> Value {
    json!({
        "expiresAt": expires_at,
        "nonce": nonce,
        "policyHash": policy_hash,
        "request": request,
        "wallet": wallet,
    })
}

/// The approval digest of an `ApprovalRequired` error's `data` (or a `wallet_listApprovals`
/// entry): recomputed from its `expiresAt`, `nonce`, `policyHash`, `request` and `wallet`, so an
/// approver's tool signs what it shows. Compare the result with `data.approvalDigest`.
///
/// # Errors
/// [`ApprovalError::Malformed`] if a member is missing or of the wrong type.
pub fn approval_digest(data: &Value) -> Result<[u8; 32], ApprovalError> {
    let missing =
        |m: &str| ApprovalError::Malformed(format!("`{m}` is missing or not of the right type"));
    let text = |m: &'static str| {
        data.get(m)
            .and_then(Value::as_str)
            .ok_or_else(|| missing(m))
    };
    let expires_at = data
        .get("expiresAt")
        .and_then(Value::as_u64)
        .ok_or_else(|| missing("expiresAt"))?;
    let request = data
        .get("request")
        .filter(|r| r.is_object())
        .ok_or_else(|| missing("request"))?;
    Ok(domain_hash(
        APPROVAL_LABEL,
        &preimage(
            request,
            text("nonce")?,
            expires_at,
            text("policyHash")?,
            text("wallet")?,
        ),
    ))
}

/// Approvals that passed every check: only [`verify`] makes one, and only
/// [`super::authorize`] accepts one (for the request it was given for).
#[derive(Debug)]
pub struct VerifiedApproval {
    pub(super) digest: String,
    pub(super) request: Value,
    pub(super) approvers: Vec<String>,
}

impl VerifiedApproval {
    /// The approval digest (hex).
    pub fn digest(&self) -> &str {
        &self.digest
    }

    /// The held request.
    pub fn request(&self) -> &Value {
        &self.request
    }

    /// Names of the approvers whose signatures counted.
    pub fn approvers(&self) -> &[String] {
        &self.approvers
    }
}

/// The pending request `digest`, checked for existence, replay, expiry and policy.
///
/// # Errors
/// [`ApprovalError::Unknown`], [`ApprovalError::Used`], [`ApprovalError::Expired`],
/// [`ApprovalError::Stale`].
pub fn find_pending<'s>(
    state: &'s PolicyState,
    digest: &str,
    now_ms: u64,
) -> Result<&'s Pending, ApprovalError> {
    let digest = digest
        .strip_prefix("0x")
        .unwrap_or(digest)
        .to_ascii_lowercase();
    let Some(pending) = state.pending.iter().find(|p| p.approval_digest == digest) else {
        return Err(if state.used.iter().any(|u| u.approval_digest == digest) {
            ApprovalError::Used
        } else {
            ApprovalError::Unknown
        });
    };
    if now_ms >= pending.expires_at {
        return Err(ApprovalError::Expired);
    }
    match &state.policy {
        Some(p) if p.hash_hex() == pending.policy_hash => Ok(pending),
        _ => Err(ApprovalError::Stale),
    }
}

/// Checks `signatures` over `pending`'s digest against `policy`: every key an approver, no
/// approver twice, every signature valid (strict RFC 8032), at least `quorum` of them.
///
/// # Errors
/// The first [`ApprovalError`] found, in the order of `signatures`.
pub fn verify(
    policy: &Policy,
    pending: &Pending,
    signatures: &[ApprovalSignature],
) -> Result<VerifiedApproval, ApprovalError> {
    let digest = decode_fixed::<32>(&pending.approval_digest)
        .ok_or_else(|| ApprovalError::Malformed("stored digest is not 32 bytes".to_owned()))?;
    // The stored digest must be the digest of the stored request: the wallet wrote both, but
    // recomputing costs one hash and makes the pairing a checked fact.
    let recomputed = domain_hash(
        APPROVAL_LABEL,
        &preimage(
            &pending.request,
            &pending.nonce,
            pending.expires_at,
            &pending.policy_hash,
            &pending.wallet,
        ),
    );
    if recomputed != digest {
        return Err(ApprovalError::Malformed(
            "stored approval does not match its digest".to_owned(),
        ));
    }
    let mut names: Vec<String> = Vec::new();
    for (index, s) in signatures.iter().enumerate() {
        let approver = Ed25519PublicKey::from_bytes(&s.public_key)
            .ok()
            .and_then(|k| policy.approver(&k))
            .ok_or(ApprovalError::NotAnApprover { index })?;
        if names.contains(&approver.name) {
            return Err(ApprovalError::Duplicate {
                index,
                name: approver.name.clone(),
            });
        }
        if !approver.public_key.verify_strict(&digest, &s.signature) {
            return Err(ApprovalError::BadSignature {
                index,
                name: approver.name.clone(),
            });
        }
        names.push(approver.name.clone());
    }
    if names.len() < policy.quorum {
        return Err(ApprovalError::Insufficient {
            needed: policy.quorum,
            given: names.len(),
        });
    }
    Ok(VerifiedApproval {
        digest: pending.approval_digest.clone(),
        request: pending.request.clone(),
        approvers: names,
    })
}
