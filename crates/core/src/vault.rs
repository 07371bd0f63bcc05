//! The encrypted vault: file format, Argon2id key derivation, XChaCha20-Poly1305, lock state.
//!
//! The format is specified in `docs/vault-format.md`; comments here cite its sections. The
//! vault does no I/O: [`seal`] and [`VaultSession`] return bytes (with a generation) for the
//! host to store under the rules of §Hosts, and [`open`] / [`VaultSession::unlock`] take them
//! back.

mod error;
mod format;
mod kdf;
mod keyring;
mod session;

pub use error::VaultError;
pub use format::{
    derive_key, open, open_with_key, peek, seal, seal_with_key, HeaderInfo, FORMAT_VERSION, MAGIC,
    SALT_LEN,
};
pub use kdf::{KdfParams, VaultKey};
pub use keyring::{
    Account, AccountSource, Chain, ImportedKey, Keyring, RecoveryPhrase, Settings, SiteBlock,
    SiteGrant, KEYRING_VERSION,
};
pub use session::{SealedVault, VaultSession, VaultStatus};
