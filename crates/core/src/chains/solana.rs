//! Solana: addresses, the transaction wire format (legacy and v0 messages), signing for the
//! Wallet Standard's `solana:signTransaction` / `signMessage` / `signIn`, and a
//! human-readable preview of what is signed.
//!
//! Entry points take and return what a dapp passes through the Wallet Standard: serialized
//! transaction bytes (or base64 of them in JSON), message bytes, `SolanaSignInInput`. The
//! format, the validation rules and every preview warning are written down in
//! `docs/solana.md`.

mod address;
mod keypair;
mod message;
mod preview;
mod programs;
mod sign;
mod siws;
mod standard;
mod transaction;
mod wire;

pub use address::{Address, AddressError};
pub use keypair::{keypair_from_base58, keypair_from_secret_key, secret_key_bytes, KeypairError};
pub use message::{
    AccountRef, AddressTableLookup, CompiledInstruction, Message, MessageHeader, MessageVersion,
};
pub use preview::{
    format_lamports, format_token_amount, preview_message, preview_sign_in, preview_transaction,
    Action, Chain, Field, Preview, PreviewContext, Severity, Warning,
};
pub use programs::{
    program_name, ASSOCIATED_TOKEN_PROGRAM, COMPUTE_BUDGET_PROGRAM, MEMO_PROGRAM, MEMO_V1_PROGRAM,
    SYSTEM_PROGRAM, TOKEN_2022_PROGRAM, TOKEN_PROGRAM,
};
pub use sign::{
    check_signable_message, sign_all_transactions, sign_message, sign_transaction,
    OFFCHAIN_MESSAGE_PREFIX,
};
pub use siws::{
    origin_authority, parse_rfc3339_ms, resolve_sign_in, sign_in, SignInAccount, SignInError,
    SignInInput, SignInMessage, SignInOptions, SignInOutput,
};
pub use standard::{
    sign_message_input, sign_transaction_base64, sign_transaction_input, sign_transaction_inputs,
    Base64Bytes, SignMessageInput, SignMessageOutput, SignTransactionInput, SignTransactionOutput,
};
pub use transaction::Transaction;
pub use wire::{decode_compact_u16, encode_compact_u16, WireError};

/// Why a Solana request cannot be carried out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SolError {
    /// The transaction bytes are malformed or break a validator rule.
    #[error(transparent)]
    Wire(#[from] WireError),
    /// An address is not valid.
    #[error(transparent)]
    Address(#[from] AddressError),
    /// A sign-in request is refused.
    #[error(transparent)]
    SignIn(#[from] SignInError),
    /// Our key is not among the transaction's required signers.
    #[error("this wallet is not a required signer")]
    NotARequiredSigner,
    /// A preview that needs this wallet's address was asked without one.
    #[error("this request needs the wallet's address")]
    SignerUnknown,
    /// `signMessage` bytes that are (or begin with) a transaction message.
    #[error("refusing to sign a transaction as a message; the site must use signTransaction")]
    MessageIsTransaction,
    /// `signMessage` bytes with the off-chain message prefix.
    #[error("refusing to sign an off-chain message header as plain bytes")]
    OffchainMessage,
    /// Base64 text that does not decode.
    #[error("data is not valid base64")]
    NotBase64,
    /// One transaction of a batch failed; nothing was signed.
    #[error("transaction {index}: {source}")]
    InBatch {
        /// Position in the batch.
        index: usize,
        /// What went wrong with it.
        source: Box<SolError>,
    },
}
