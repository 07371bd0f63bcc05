//! Ethereum and EVM chains.

pub mod keystore;
