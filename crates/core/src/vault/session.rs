//! The lock state machine: a vault is either locked (only sealed bytes in memory) or unlocked
//! (the keyring and the derived key in memory, until lock or idle timeout).

use super::format::{self, HeaderInfo};
use super::kdf::{KdfParams, VaultKey};
use super::keyring::{AccountSource, ImportedKey, Keyring, RecoveryPhrase};
use super::VaultError;
use crate::secret::SecretString;
use core::fmt;

/// Bytes for the host to persist, and their generation (`docs/vault-format.md` §Hosts).
#[derive(Clone, PartialEq, Eq)]
pub struct SealedVault {
    /// The complete vault.
    pub bytes: Vec<u8>,
    /// Its save counter; strictly greater than that of every earlier save.
    pub generation: u64,
}

impl fmt::Debug for SealedVault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SealedVault")
            .field("len", &self.bytes.len())
            .field("generation", &self.generation)
            .finish()
    }
}

/// What [`VaultSession::status`] reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VaultStatus {
    /// Whether the vault is locked.
    pub locked: bool,
    /// Generation of the current sealed copy.
    pub generation: u64,
    /// When the session will lock itself if idle (unix ms); `None` if locked or auto-lock is off.
    pub auto_lock_at_ms: Option<u64>,
}

/// An open vault, locked or unlocked.
///
/// Every access that needs the keyring first checks the idle timeout
/// (`settings.auto_lock_minutes`): if `now - last_activity` has reached it, the session locks
/// and the access fails with [`VaultError::Locked`]. A successful access counts as activity.
///
/// Changes go through [`VaultSession::update`], which saves at once, so an unlocked session
/// never holds changes that are not in the sealed bytes: locking, by hand or by timeout,
/// cannot lose anything.
pub struct VaultSession {
    /// The newest sealed copy; what a locked session holds and what unlock opens.
    sealed: Vec<u8>,
    generation: u64,
    unlocked: Option<Unlocked>,
}

struct Unlocked {
    keyring: Keyring,
    key: VaultKey,
    last_activity_ms: u64,
}

impl Unlocked {
    fn deadline(&self) -> Option<u64> {
        match u64::from(self.keyring.settings.auto_lock_minutes) {
            0 => None,
            minutes => Some(
                self.last_activity_ms
                    .saturating_add(minutes.saturating_mul(60_000)),
            ),
        }
    }
}

impl VaultSession {
    /// Creates a new vault from `keyring`, unlocked, with a fresh salt; generation 1.
    ///
    /// # Errors
    /// [`VaultError::EmptyPassword`], KDF parameters outside the floor or ceiling, an
    /// invalid keyring.
    pub fn create(
        keyring: Keyring,
        password: &SecretString,
        kdf: KdfParams,
        rng: &mut impl rand_core::CryptoRngCore,
        now_ms: u64,
    ) -> Result<(Self, SealedVault), VaultError> {
        let key = format::new_key(password, kdf, rng)?;
        let generation = 1;
        let bytes = format::seal_with_key(&keyring, &key, generation, rng)?;
        let session = Self {
            sealed: bytes.clone(),
            generation,
            unlocked: Some(Unlocked {
                keyring,
                key,
                last_activity_ms: now_ms,
            }),
        };
        Ok((session, SealedVault { bytes, generation }))
    }

    /// A locked session over stored bytes. Checks the header (no password needed).
    ///
    /// # Errors
    /// The header errors of [`format::peek`].
    pub fn from_sealed(bytes: Vec<u8>) -> Result<Self, VaultError> {
        let info = format::peek(&bytes)?;
        Ok(Self {
            sealed: bytes,
            generation: info.generation,
            unlocked: None,
        })
    }

    /// Unlocks with the password (runs Argon2id). Unlocking an unlocked session checks the
    /// password again and counts as activity.
    ///
    /// # Errors
    /// [`VaultError::WrongPassword`], [`VaultError::Corrupted`] and the other read errors.
    pub fn unlock(&mut self, password: &SecretString, now_ms: u64) -> Result<(), VaultError> {
        let key = format::derive_key(&self.sealed, password)?;
        let (keyring, _info): (Keyring, HeaderInfo) = format::open_with_key(&self.sealed, &key)?;
        self.unlocked = Some(Unlocked {
            keyring,
            key,
            last_activity_ms: now_ms,
        });
        Ok(())
    }

    /// Locks: drops the keyring and the derived key, which zeroize themselves.
    pub fn lock(&mut self) {
        self.unlocked = None;
    }

    /// Whether the session is locked right now, without applying the idle timeout.
    pub fn is_locked(&self) -> bool {
        self.unlocked.is_none()
    }

    /// Locked or not, generation and the auto-lock deadline. Applies the idle timeout but does
    /// not count as activity (a UI may poll it).
    pub fn status(&mut self, now_ms: u64) -> VaultStatus {
        self.expire(now_ms);
        VaultStatus {
            locked: self.unlocked.is_none(),
            generation: self.generation,
            auto_lock_at_ms: self.unlocked.as_ref().and_then(Unlocked::deadline),
        }
    }

    /// Records user activity, postponing auto-lock.
    ///
    /// # Errors
    /// [`VaultError::Locked`] if locked or the idle timeout has passed.
    pub fn touch(&mut self, now_ms: u64) -> Result<(), VaultError> {
        self.access(now_ms).map(|_| ())
    }

    /// The keyring, for reading.
    ///
    /// # Errors
    /// [`VaultError::Locked`].
    pub fn keyring(&mut self, now_ms: u64) -> Result<&Keyring, VaultError> {
        self.access(now_ms).map(|u| &u.keyring)
    }

    /// The bytes of the newest sealed copy.
    pub fn sealed_bytes(&self) -> &[u8] {
        &self.sealed
    }

    /// The generation of the newest sealed copy.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Changes the keyring and saves it: `change` runs on the keyring, then the result is
    /// validated and sealed with the next generation. If `change` or sealing fails, the
    /// keyring is restored from the last sealed copy, so memory and storage never disagree.
    ///
    /// # Errors
    /// [`VaultError::Locked`], the error of `change`, or a sealing error.
    pub fn update<T, E: From<VaultError>>(
        &mut self,
        now_ms: u64,
        rng: &mut impl rand_core::CryptoRngCore,
        change: impl FnOnce(&mut Keyring) -> Result<T, E>,
    ) -> Result<(T, SealedVault), E> {
        let unlocked = self.access(now_ms)?;
        let result = change(&mut unlocked.keyring);
        let saved = match result {
            Ok(value) => self.save(now_ms, rng).map(|s| (value, s)).map_err(E::from),
            Err(e) => Err(e),
        };
        if saved.is_err() {
            // On failure the session locks itself; the caller still sees the first error.
            let _ = self.reload();
        }
        saved
    }

    /// Seals the current keyring again with a fresh nonce and the next generation. No
    /// password needed: the session keeps the derived key.
    ///
    /// # Errors
    /// [`VaultError::Locked`], an invalid keyring, [`VaultError::GenerationExhausted`].
    pub fn save(
        &mut self,
        now_ms: u64,
        rng: &mut impl rand_core::CryptoRngCore,
    ) -> Result<SealedVault, VaultError> {
        let generation = self
            .generation
            .checked_add(1)
            .ok_or(VaultError::GenerationExhausted)?;
        let unlocked = self.access(now_ms)?;
        let bytes = format::seal_with_key(&unlocked.keyring, &unlocked.key, generation, rng)?;
        self.sealed.clone_from(&bytes);
        self.generation = generation;
        Ok(SealedVault { bytes, generation })
    }

    /// Changes the password: checks `old`, derives a new key from `new` with a fresh salt
    /// (and `kdf`, or the current parameters), and seals with the next generation. The old
    /// password no longer opens the returned bytes.
    ///
    /// # Errors
    /// [`VaultError::Locked`], [`VaultError::WrongPassword`] for `old`,
    /// [`VaultError::EmptyPassword`], KDF parameters outside the floor or ceiling.
    pub fn change_password(
        &mut self,
        old: &SecretString,
        new: &SecretString,
        kdf: Option<KdfParams>,
        rng: &mut impl rand_core::CryptoRngCore,
        now_ms: u64,
    ) -> Result<SealedVault, VaultError> {
        self.verify_password(old, now_ms)?;
        let generation = self
            .generation
            .checked_add(1)
            .ok_or(VaultError::GenerationExhausted)?;
        let unlocked = self.access(now_ms)?;
        let kdf = kdf.unwrap_or(unlocked.key.kdf);
        let key = format::new_key(new, kdf, rng)?;
        let bytes = format::seal_with_key(&unlocked.keyring, &key, generation, rng)?;
        unlocked.key = key;
        self.sealed.clone_from(&bytes);
        self.generation = generation;
        Ok(SealedVault { bytes, generation })
    }

    /// Checks the password again, e.g. before an export (runs Argon2id; constant-time compare).
    ///
    /// # Errors
    /// [`VaultError::Locked`], [`VaultError::WrongPassword`].
    pub fn verify_password(
        &mut self,
        password: &SecretString,
        now_ms: u64,
    ) -> Result<(), VaultError> {
        let unlocked = self.access(now_ms)?;
        let candidate = VaultKey::derive(password, &unlocked.key.salt, unlocked.key.kdf)?;
        if unlocked.key.matches(&candidate.key_check) {
            Ok(())
        } else {
            Err(VaultError::WrongPassword)
        }
    }

    /// The recovery phrase, after checking the password again.
    ///
    /// # Errors
    /// [`VaultError::Locked`], [`VaultError::WrongPassword`], [`VaultError::NoMnemonic`].
    pub fn export_mnemonic(
        &mut self,
        password: &SecretString,
        now_ms: u64,
    ) -> Result<RecoveryPhrase, VaultError> {
        self.verify_password(password, now_ms)?;
        let unlocked = self.access(now_ms)?;
        unlocked
            .keyring
            .mnemonic
            .as_ref()
            .map(RecoveryPhrase::duplicate)
            .ok_or(VaultError::NoMnemonic)
    }

    /// The private key of an imported account, after checking the password again.
    ///
    /// # Errors
    /// [`VaultError::Locked`], [`VaultError::WrongPassword`], [`VaultError::NoSuchAccount`],
    /// [`VaultError::DerivedAccount`] for an account derived from the recovery phrase.
    pub fn export_private_key(
        &mut self,
        password: &SecretString,
        account_index: usize,
        now_ms: u64,
    ) -> Result<ImportedKey, VaultError> {
        self.verify_password(password, now_ms)?;
        let keyring = &self.access(now_ms)?.keyring;
        let account = keyring
            .accounts
            .get(account_index)
            .ok_or(VaultError::NoSuchAccount)?;
        match account.source {
            AccountSource::Hd { .. } => Err(VaultError::DerivedAccount),
            AccountSource::Imported { key_index } => usize::try_from(key_index)
                .ok()
                .and_then(|i| keyring.imported_keys.get(i))
                .map(ImportedKey::duplicate)
                .ok_or(VaultError::NoSuchAccount),
        }
    }

    /// Applies the idle timeout, then counts this access as activity.
    fn access(&mut self, now_ms: u64) -> Result<&mut Unlocked, VaultError> {
        self.expire(now_ms);
        let unlocked = self.unlocked.as_mut().ok_or(VaultError::Locked)?;
        unlocked.last_activity_ms = unlocked.last_activity_ms.max(now_ms);
        Ok(unlocked)
    }

    fn expire(&mut self, now_ms: u64) {
        let expired = self
            .unlocked
            .as_ref()
            .and_then(Unlocked::deadline)
            .is_some_and(|deadline| now_ms >= deadline);
        if expired {
            self.lock();
        }
    }

    /// Restores the in-memory keyring from the sealed copy (one AEAD, no KDF).
    fn reload(&mut self) -> Result<(), VaultError> {
        if let Some(unlocked) = self.unlocked.as_mut() {
            match format::open_with_key(&self.sealed, &unlocked.key) {
                Ok((keyring, _)) => unlocked.keyring = keyring,
                Err(e) => {
                    self.lock();
                    return Err(e);
                }
            }
        }
        Ok(())
    }
}

impl fmt::Debug for VaultSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VaultSession")
            .field("locked", &self.unlocked.is_none())
            .field("generation", &self.generation)
            .finish()
    }
}
