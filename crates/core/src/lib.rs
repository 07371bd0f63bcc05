//! Custodian core: every piece of wallet logic, in pure Rust.
//!
//! The core never performs I/O. It takes bytes, time and randomness from its caller (a
//! [`rand_core::CryptoRngCore`] and a clock) and returns bytes to persist, which is what lets
//! the same code run in the browser Worker, in the native CLI and under `cargo test`.
//!
//! Secrets live behind the types in [`secret`]: zeroized on drop, `Debug` prints
//! `[redacted]`, and neither `Clone` nor `Serialize` unless a type opts in on purpose.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::arithmetic_side_effects))]

pub mod api;
pub mod audit;
pub mod chains;
pub mod keys;
pub mod origin;
pub mod policy;
pub mod secret;
mod text;
pub mod time;
pub mod vault;
