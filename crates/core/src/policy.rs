//! The policy engine: rules checked before any key is used, and approval quorums.
//!
//! `docs/policy.md` is the specification. The parts:
//!
//! - [`Policy`]: the validated JSON document;
//! - [`authorize`]: the one function every signing or exporting path calls; it evaluates the
//!   request and, if the policy allows it (or a quorum approved it), returns an [`Authorized`]
//!   proof, without which no private key can be obtained (`api/keys.rs`);
//! - [`approval`]: approval digests and quorum checks;
//! - [`PolicyState`]: what the vault keeps (policy, spending history, pending approvals).

pub mod approval;
pub mod canonical;
mod document;
mod ethereum;
mod evaluate;
pub(crate) mod reader;
mod solana;
mod state;

use serde_json::Value;

pub use approval::{approval_digest, ApprovalError, ApprovalSignature, VerifiedApproval};
pub use document::{
    Approver, EthereumRules, EthereumToken, Fallback, Policy, Rules, SolanaRules, SolanaToken,
    Switch, TypedDataRules, Window, POLICY_VERSION,
};
pub use evaluate::{Decision, Evaluation};
pub use solana::associated_token_address;
pub use state::{Pending, PolicyState, Spend, Used};

use crate::chains::ethereum::EthError;
use crate::chains::solana::{Address as SolanaAddress, SolError};

/// Every protocol method that signs or exports. Each one calls [`authorize`] before it can
/// reach a key (the [`Authorized`] proof makes that a compile-time fact), and [`authorize`]
/// refuses a method that is not listed here. `tests/api_policy_coverage.rs` checks the list
/// against every method in `docs/protocol.md`.
pub const SIGNING_METHODS: &[&str] = &[
    "personal_sign",
    "eth_signTypedData_v4",
    "eth_signTransaction",
    "wallet_signAuthorization",
    "solana_signTransaction",
    "solana_signAllTransactions",
    "solana_signMessage",
    "solana_signIn",
    "wallet_export",
    "wallet_backupShares",
];

/// Why a policy document or the stored policy state cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// A field of the document is wrong; `path` names it (`rules.ethereum.tokens[1].maxAmount`).
    #[error("{path}: {problem}")]
    Invalid {
        /// JSON path of the field.
        path: String,
        /// What is wrong with it.
        problem: String,
    },
    /// A policy version this build does not know.
    #[error("version: policy version {found} is newer than this wallet supports ({supported}): update Custodian")]
    UnsupportedVersion {
        /// The document's version.
        found: u64,
        /// The newest this build reads.
        supported: u64,
    },
    /// The policy slot of the vault does not parse.
    #[error("the stored policy state is damaged")]
    CorruptState,
}

/// Proof that [`authorize`] allowed the request being handled. The functions that hand out
/// private keys take a `&Authorized`; only this module can make one. Not `Clone`, not `Copy`,
/// and it does not outlive the request (`docs/policy.md` §"No bypass").
#[derive(Debug)]
pub struct Authorized(());

/// What a signing or exporting request does, as far as the policy is concerned.
#[derive(Debug, Clone, Copy)]
pub enum Subject<'a> {
    /// `personal_sign`.
    PersonalSign,
    /// `eth_signTypedData_v4`.
    TypedData {
        /// The typed data as the request carries it.
        typed_data: &'a Value,
        /// The wallet's active EVM chain.
        active_chain_id: u64,
    },
    /// `eth_signTransaction`.
    EthTransaction {
        /// The transaction object.
        tx: &'a Value,
        /// The wallet's active EVM chain.
        active_chain_id: u64,
    },
    /// `wallet_signAuthorization`.
    Authorization {
        /// `{chainId?, address, nonce}`.
        request: &'a Value,
        /// The wallet's active EVM chain.
        active_chain_id: u64,
    },
    /// `solana_signTransaction` / `solana_signAllTransactions`.
    SolanaTransactions {
        /// The signing account.
        signer: &'a SolanaAddress,
        /// The transactions, base64.
        transactions: &'a [String],
        /// The chain the caller claims.
        chain: Option<&'a str>,
    },
    /// `solana_signMessage`, `solana_signIn`.
    SolanaMessage,
    /// `wallet_export`.
    Export,
}

/// A request the policy could not read; the signing path would refuse it the same way.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Unreadable {
    /// An Ethereum request that does not parse.
    #[error(transparent)]
    Ethereum(#[from] EthError),
    /// A Solana request that does not parse.
    #[error(transparent)]
    Solana(#[from] SolError),
    /// A method missing from [`SIGNING_METHODS`]: a bug, never allowed.
    #[error("internal error: method {0} is not registered as a signing method")]
    UnregisteredMethod(String),
    /// An approval given for another request: a bug in the caller, never allowed.
    #[error("internal error: the approval is for another request")]
    ApprovalMismatch,
}

/// What [`authorize`] decided.
#[derive(Debug)]
pub enum Gate {
    /// Go ahead: the proof opens the key; record `evaluation.spends` once signed.
    Allowed {
        /// The proof the key accessors ask for.
        proof: Authorized,
        /// What evaluation found (empty without a policy).
        evaluation: Evaluation,
        /// The approval this runs under, if it was held.
        approval: Option<VerifiedApproval>,
    },
    /// Refused.
    Denied {
        /// Why.
        reason: String,
        /// What evaluation found.
        evaluation: Evaluation,
    },
    /// Waits for `quorum` approvals.
    Held {
        /// Why.
        reason: String,
        /// Approvals needed.
        quorum: usize,
        /// What evaluation found.
        evaluation: Evaluation,
    },
}

/// Evaluates `subject` under `policy` at `now_ms` with the spending `history`.
///
/// # Errors
/// [`Unreadable`] if the request does not parse.
pub fn evaluate(
    policy: &Policy,
    history: &[Spend],
    subject: &Subject<'_>,
    now_ms: u64,
) -> Result<Evaluation, Unreadable> {
    let mut f = evaluate::Findings::new(policy, history, now_ms);
    match *subject {
        Subject::PersonalSign | Subject::SolanaMessage => {
            f.note("sign a message");
            f.switch(policy.rules.message_signing, "message signing");
        }
        Subject::Export => {
            f.note("export a secret");
            f.switch(policy.rules.export, "exporting secrets");
        }
        Subject::TypedData {
            typed_data,
            active_chain_id,
        } => {
            ethereum::typed_data(&mut f, typed_data, active_chain_id)?;
        }
        Subject::EthTransaction {
            tx,
            active_chain_id,
        } => {
            ethereum::transaction(&mut f, tx, active_chain_id)?;
        }
        Subject::Authorization {
            request,
            active_chain_id,
        } => {
            ethereum::authorization(&mut f, request, active_chain_id)?;
        }
        Subject::SolanaTransactions {
            signer,
            transactions,
            chain,
        } => {
            solana::transactions(&mut f, transactions, chain, signer)?;
        }
    }
    Ok(f.finish())
}

/// THE check before a key is used. `method` must be in [`SIGNING_METHODS`]; `request` is the
/// request object approvals are bound to (`docs/policy.md` §"The approval digest"). With no
/// policy, everything is allowed. With `approval`, the request must be the one approved, and
/// is allowed unless the policy now denies it.
///
/// # Errors
/// [`Unreadable`] if the request does not parse, the method is not registered, or the
/// approval is for another request.
pub fn authorize(
    method: &str,
    request: &Value,
    subject: &Subject<'_>,
    state: &PolicyState,
    now_ms: u64,
    approval: Option<VerifiedApproval>,
) -> Result<Gate, Unreadable> {
    if !SIGNING_METHODS.contains(&method) {
        return Err(Unreadable::UnregisteredMethod(
            method.chars().take(64).collect(),
        ));
    }
    if let Some(a) = &approval {
        if a.request != *request {
            return Err(Unreadable::ApprovalMismatch);
        }
    }
    let Some(policy) = &state.policy else {
        return Ok(Gate::Allowed {
            proof: Authorized(()),
            evaluation: Evaluation {
                decision: Decision::Allow,
                spends: Vec::new(),
                chain: None,
                summary: String::new(),
            },
            approval,
        });
    };
    let evaluation = evaluate(policy, &state.spends, subject, now_ms)?;
    Ok(match (&evaluation.decision, approval) {
        (Decision::Deny { reason }, _) => Gate::Denied {
            reason: reason.clone(),
            evaluation,
        },
        (Decision::Allow, approval) => Gate::Allowed {
            proof: Authorized(()),
            evaluation,
            approval,
        },
        (Decision::NeedsApproval { .. }, Some(approval)) => Gate::Allowed {
            proof: Authorized(()),
            evaluation,
            approval: Some(approval),
        },
        (Decision::NeedsApproval { quorum, reason }, None) => Gate::Held {
            reason: reason.clone(),
            quorum: *quorum,
            evaluation,
        },
    })
}
