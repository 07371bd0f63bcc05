//! THE protocol: every caller (the browser Worker, Node, the CLI) speaks it.
//!
//! Requests arrive as `{id, method, params}` JSON; [`Wallet::handle`] answers with a result or
//! an [`ApiError`] whose code follows EIP-1193/EIP-1474. See `docs/protocol.md`.

mod accounts;
mod custody;
pub mod envelope;
pub mod error;
mod keys;
mod keystore;
mod lifecycle;
pub mod request;
mod signing;
mod wallet;

pub use envelope::{RpcRequest, RpcResponse};
pub use error::ApiError;
pub use request::Request;
pub use wallet::{Env, ProviderEvent, Wallet};
