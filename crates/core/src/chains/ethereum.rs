//! Ethereum and EVM chains.
