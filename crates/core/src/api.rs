//! THE protocol: every caller (the browser Worker, Node, the CLI) speaks it.
//!
//! Requests arrive as `{id, method, params}` JSON; [`Wallet::handle`] answers with a result or
//! an [`ApiError`] whose code follows EIP-1193/EIP-1474. See `docs/protocol.md`.

mod accounts;
mod audit_trail;
mod backup;
mod custody;
pub mod envelope;
pub mod error;
mod keys;
mod keystore;
mod lifecycle;
mod preview;
mod preview_solana;
pub mod request;
mod signing;
pub mod sites;
mod wallet;

pub use envelope::{RpcRequest, RpcResponse};
pub use error::ApiError;
#[doc(hidden)]
pub use preview_solana::preview_solana;
pub use request::Request;
pub use wallet::{Env, ProviderEvent, Wallet, WalletSave};
