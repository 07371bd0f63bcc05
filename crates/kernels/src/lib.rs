//! The hot cryptographic paths of custodian-core, behind plain (non-generic) functions.
//!
//! Why a crate of its own: Rust compiles a generic function in the crate that instantiates
//! it, at that crate's opt-level. ECDSA signing (k256's `sign_prehashed`, RFC 6979's
//! HMAC-DRBG, scalar arithmetic marked `#[inline]`) and the vault's XChaCha20-Poly1305 are
//! generic code that custodian-core used to instantiate, so compiling the core for size made
//! them 1.4-2.3x slower (docs/benchmarks.md, Size). Instantiated here instead, they keep
//! opt-level 3 (the workspace profile lists this crate with the crypto crates) while the
//! core, which is mostly protocol, JSON and previews, is compiled for size.
//!
//! Every function is `#[inline(never)]`: inlined into a caller compiled for size, the code
//! would be optimised again under that caller's settings.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::arithmetic_side_effects))]

pub mod aead;
pub mod secp256k1;
