//! Ethereum and EVM chains: addresses, transactions, signed messages, typed data, EIP-7702
//! authorizations, and a human-readable preview of each before it is signed.
//!
//! Every entry point takes the JSON a dapp sends over EIP-1193 and returns what the dapp
//! expects back (`0x` hex, or JSON), so the protocol layer only routes:
//!
//! | method                     | sign                     | preview                                 |
//! |----------------------------|--------------------------|-----------------------------------------|
//! | `eth_signTransaction`      | [`sign_transaction`]     | [`preview::preview_transaction`]        |
//! | `personal_sign`            | [`personal_sign`]        | [`preview::preview_personal_message`]   |
//! | `eth_signTypedData_v4`     | [`sign_typed_data_v4`]   | [`preview::preview_typed_data`]         |
//! | `wallet_signAuthorization` | [`sign_authorization`]   | [`preview::preview_authorization`]      |
//! | `wallet_previewRequest`    |                          | [`preview::preview_request`]            |
//!
//! Signing functions check what the wallet must refuse (a chain other than the active one, a
//! `from` that is not the signing key, malformed or overflowing fields) and return typed errors;
//! the preview adds the warnings a person needs before approving. The formats and rules are
//! written up in `docs/ethereum.md`, the preview in `docs/preview.md`.

pub mod address;
pub mod authorization;
pub mod fields;
pub mod keystore;
pub mod message;
pub mod preview;
pub mod transaction;
pub mod typed_data;

mod abi;
pub(crate) mod chain;
mod preview_tx;
mod preview_typed;
mod typed_values;
mod units;

pub use address::{address_of, parse_address, to_checksum, AddressError};
pub use alloy_primitives::Address;
pub use authorization::{sign_authorization, AuthorizationError};
pub use fields::FieldError;
pub use message::personal_sign;
pub use preview::{Preview, PreviewContext, PreviewHints};
pub use transaction::{sign_transaction, TransactionError};
pub use typed_data::{sign_typed_data_v4, TypedDataError};

/// Any error of the Ethereum module, for callers that route several methods through one path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EthError {
    /// A malformed address.
    #[error(transparent)]
    Address(#[from] AddressError),
    /// A missing or malformed request field.
    #[error(transparent)]
    Field(#[from] FieldError),
    /// A transaction that cannot be signed.
    #[error(transparent)]
    Transaction(#[from] TransactionError),
    /// Typed data that cannot be hashed or signed.
    #[error(transparent)]
    TypedData(#[from] TypedDataError),
    /// An authorization that cannot be signed.
    #[error(transparent)]
    Authorization(#[from] AuthorizationError),
    /// A method this module does not handle.
    #[error("method {0} is not an Ethereum signing method")]
    UnsupportedMethod(String),
}
