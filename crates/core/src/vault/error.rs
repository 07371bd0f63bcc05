//! Why a vault could not be created, opened, saved or used.

/// Every way a vault operation can fail. Messages never contain secret material.
///
/// The reading order that decides which error a damaged file gets is in
/// `docs/vault-format.md` §Reading.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VaultError {
    /// The bytes do not start with the vault magic.
    #[error("this is not a Custodian vault")]
    NotAVault,
    /// The vault is damaged: truncated, extended, or a byte changed.
    #[error("the vault is damaged; restore it from a backup")]
    Corrupted,
    /// The vault was written by a newer Custodian with a format this one cannot read.
    #[error("the vault was written by a newer Custodian (format {found}, this version reads up to {supported}); update Custodian")]
    UnsupportedVersion {
        /// Format version in the file.
        found: u16,
        /// Newest format version this build reads.
        supported: u16,
    },
    /// The keyring inside was written by a newer Custodian.
    #[error("the vault's contents were written by a newer Custodian (keyring version {found}, this version reads up to {supported}); update Custodian")]
    UnsupportedKeyringVersion {
        /// Keyring version in the vault.
        found: u32,
        /// Newest keyring version this build reads.
        supported: u32,
    },
    /// The password does not open this vault.
    #[error("wrong password")]
    WrongPassword,
    /// Argon2id parameters below the floor (m >= 19456 KiB, t >= 2, p >= 1).
    #[error("key-derivation parameters are below the safe minimum (memory {memory_kib} KiB, {iterations} iterations, {parallelism} lanes)")]
    WeakKdfParameters {
        /// Memory in KiB.
        memory_kib: u32,
        /// Iterations.
        iterations: u32,
        /// Lanes.
        parallelism: u32,
    },
    /// Argon2id parameters above the ceiling, which would make unlocking hang or run out of memory.
    #[error("key-derivation parameters are above the allowed maximum (memory {memory_kib} KiB, {iterations} iterations, {parallelism} lanes)")]
    ExcessiveKdfParameters {
        /// Memory in KiB.
        memory_kib: u32,
        /// Iterations.
        iterations: u32,
        /// Lanes.
        parallelism: u32,
    },
    /// The memory Argon2id needs could not be allocated.
    #[error("not enough memory to derive the vault key ({memory_kib} KiB needed)")]
    OutOfMemory {
        /// Memory the KDF asked for, in KiB.
        memory_kib: u32,
    },
    /// The vault is locked (or locked itself after being idle); unlock it first.
    #[error("the vault is locked")]
    Locked,
    /// A new password must not be empty.
    #[error("the password must not be empty")]
    EmptyPassword,
    /// The keyring breaks a rule of the format, e.g. an account points at a missing key.
    #[error("invalid keyring: {0}")]
    InvalidKeyring(&'static str),
    /// The keyring holds no recovery phrase to export.
    #[error("this vault has no recovery phrase")]
    NoMnemonic,
    /// No account at that index.
    #[error("no such account")]
    NoSuchAccount,
    /// The account is derived from the recovery phrase; its key is not stored on its own.
    #[error("this account is derived from the recovery phrase; export the phrase instead")]
    DerivedAccount,
    /// The keyring is too large to seal (the format stores its length in 32 bits).
    #[error("the vault contents are too large")]
    TooLarge,
    /// The generation counter cannot increase any further.
    #[error("the vault's save counter is exhausted")]
    GenerationExhausted,
}
