//! Chain-specific formats: addresses, transactions, messages and previews.

pub mod ethereum;
pub mod solana;
