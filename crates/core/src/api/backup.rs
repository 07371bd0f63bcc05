//! `wallet_backupShares` and `wallet_recoverFromShares`: the recovery phrase as SLIP-0039
//! Shamir shares, and a new vault from such shares.
//!
//! The SLIP-0039 master secret is the BIP-39 *entropy* of the wallet's recovery phrase, so
//! recovering gives back the very same phrase and therefore the same accounts. A hardware
//! wallet that reads SLIP-0039 shares (Trezor) uses the master secret as the BIP-32 seed
//! instead and would derive *different* accounts from these shares; see `docs/slip39.md`.

use rand_core::CryptoRngCore;
use serde::Deserialize;
use serde_json::{json, Value};

use super::custody::Call;
use super::error::{ApiError, INTERNAL_ERROR, INVALID_PARAMS};
use super::keys::recovery_phrase;
use super::request::{ImportParams, KdfParamsInput, Password};
use super::wallet::{no_vault, vault_error, Env, Wallet};
use crate::keys::mnemonic::Mnemonic;
use crate::keys::slip39::{self, Slip39Error};
use crate::policy::Subject;
use crate::secret::SecretString;

/// Iteration exponent when the caller gives none: the reference implementation's and
/// Trezor's default (20 000 PBKDF2-HMAC-SHA256 iterations in all).
const DEFAULT_ITERATION_EXPONENT: u8 = 1;
/// Highest iteration exponent this method creates: 2.56 million PBKDF2 iterations, a few
/// seconds in a browser. Higher values would make creating and every later recovery stall
/// the wallet for minutes. Recovery accepts any exponent the spec allows.
const MAX_CREATED_ITERATION_EXPONENT: u8 = 8;

/// One group of `wallet_backupShares`: `threshold` of its `count` shares recover it.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShareGroupParams {
    /// Shares of this group needed (1 to `count`; 1 only when `count` is 1).
    pub threshold: u8,
    /// Shares in this group (1 to 16).
    pub count: u8,
}

/// `wallet_backupShares` params.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BackupSharesParams {
    /// The vault password, asked again as for an export.
    pub password: Password,
    /// Groups needed to recover (1 to the number of groups).
    pub group_threshold: u8,
    /// The groups, 1 to 16.
    pub groups: Vec<ShareGroupParams>,
    /// SLIP-0039 passphrase protecting the shares (printable ASCII; default empty).
    #[serde(default)]
    pub passphrase: Option<Password>,
    /// Set the extendable-backup flag (default false: readable by every SLIP-0039 reader).
    #[serde(default)]
    pub extendable: Option<bool>,
    /// PBKDF2 cost exponent, 0 to 8 (default 1).
    #[serde(default)]
    pub iteration_exponent: Option<u8>,
}

/// `wallet_recoverFromShares` params.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RecoverFromSharesParams {
    /// The new vault password.
    pub password: Password,
    /// The shares, one mnemonic per entry.
    pub shares: Vec<Password>,
    /// The SLIP-0039 passphrase the shares were made with (default empty).
    #[serde(default)]
    pub passphrase: Option<Password>,
    /// The BIP-39 passphrase of the recovered phrase, if the wallet had one (it is not in
    /// the shares).
    #[serde(default)]
    pub bip39_passphrase: Option<Password>,
    /// Argon2id cost for the new vault.
    #[serde(default)]
    pub kdf: Option<KdfParamsInput>,
}

impl Wallet {
    /// Splits the entropy of the recovery phrase into SLIP-0039 shares.
    pub(crate) fn backup_shares<R: CryptoRngCore>(
        &mut self,
        p: BackupSharesParams,
        env: &mut Env<'_, R>,
    ) -> Result<Value, ApiError> {
        let iteration_exponent = p.iteration_exponent.unwrap_or(DEFAULT_ITERATION_EXPONENT);
        if iteration_exponent > MAX_CREATED_ITERATION_EXPONENT {
            return Err(ApiError::new(
                INVALID_PARAMS,
                "InvalidShareParams",
                format!("`iterationExponent` must be at most {MAX_CREATED_ITERATION_EXPONENT}"),
            ));
        }
        // The password first, as for `wallet_export`: without it nothing is held or logged.
        let session = self.vault.as_mut().ok_or_else(no_vault)?;
        session
            .verify_password(&p.password.0, env.now_ms)
            .map_err(vault_error)?;
        let groups: Vec<(u8, u8)> = p.groups.iter().map(|g| (g.threshold, g.count)).collect();
        let group_params: Vec<Value> = p
            .groups
            .iter()
            .map(|g| json!({"threshold": g.threshold, "count": g.count}))
            .collect();
        let extendable = p.extendable.unwrap_or(false);
        let call = Call {
            method: "wallet_backupShares",
            params: json!({
                "groupThreshold": p.group_threshold,
                "groups": group_params,
                "extendable": extendable,
                "iterationExponent": iteration_exponent,
                "passphrase": p.passphrase.is_some(),
            }),
            account: None,
            // Shares are the recovery phrase in another form: the export rule decides.
            subject: Subject::Export,
        };
        let passphrase = p.passphrase;
        let group_threshold = p.group_threshold;
        self.guarded(call, env, |w, proof, env| {
            let keyring = w.keyring(env.now_ms)?;
            let phrase = recovery_phrase(keyring, proof)?;
            let mnemonic = Mnemonic::parse(phrase.phrase.expose_secret()).map_err(|_| {
                ApiError::new(
                    INTERNAL_ERROR,
                    "Corrupted",
                    "the stored recovery phrase is not valid",
                )
            })?;
            let entropy = mnemonic.to_entropy();
            let shares = slip39::split(
                entropy.expose_secret(),
                passphrase_text(passphrase.as_ref()),
                group_threshold,
                &groups,
                iteration_exponent,
                extendable,
                env.rng,
            )
            .map_err(slip39_error)?;
            let groups: Vec<Vec<&str>> = shares
                .iter()
                .map(|group| group.iter().map(SecretString::expose_secret).collect())
                .collect();
            Ok(json!({
                "groups": groups,
                "bip39PassphraseRequired": phrase.passphrase.is_some(),
            }))
        })
    }

    /// Recovers the phrase from shares and imports it as a new vault, as `wallet_import`.
    pub(crate) fn recover_from_shares<R: CryptoRngCore>(
        &mut self,
        p: RecoverFromSharesParams,
        env: &mut Env<'_, R>,
    ) -> Result<Value, ApiError> {
        let texts: Vec<&str> = p.shares.iter().map(|s| s.0.expose_secret()).collect();
        let entropy = slip39::combine(&texts, passphrase_text(p.passphrase.as_ref()))
            .map_err(slip39_error)?;
        let mnemonic = Mnemonic::from_entropy(entropy.expose_secret()).map_err(|_| {
            ApiError::new(
                INVALID_PARAMS,
                "NotAPhraseBackup",
                format!(
                    "these shares hold a {}-byte secret, not the entropy of a recovery phrase \
                     (16 to 32 bytes)",
                    entropy.len()
                ),
            )
        })?;
        self.import(
            ImportParams {
                password: p.password,
                mnemonic: Some(Password(SecretString::new(
                    mnemonic.expose_secret().to_owned(),
                ))),
                passphrase: p.bip39_passphrase,
                private_key: None,
                curve: None,
                keystore: None,
                keystore_password: None,
                kdf: p.kdf,
            },
            env,
        )
    }
}

fn passphrase_text(passphrase: Option<&Password>) -> &str {
    passphrase.map_or("", |p| p.0.expose_secret())
}

/// Maps a SLIP-0039 error to the protocol: all are the caller's input (-32602), and the kind
/// says whether a share is unreadable, the set does not fit, or shares are missing.
fn slip39_error(e: Slip39Error) -> ApiError {
    use Slip39Error as E;
    let kind = match e {
        E::NoShares
        | E::WordCount { .. }
        | E::UnknownWord { .. }
        | E::Checksum { .. }
        | E::Padding { .. } => "InvalidShare",
        E::InsufficientGroups { .. } | E::InsufficientShares { .. } => "InsufficientShares",
        E::TooManyGroups { .. } | E::TooManyShares { .. } => "TooManyShares",
        E::MixedIdentifiers
        | E::IterationExponentMismatch
        | E::GroupParametersMismatch
        | E::LengthMismatch
        | E::GroupThresholdExceedsCount
        | E::MemberThresholdMismatch { .. }
        | E::DuplicateMemberIndex { .. }
        | E::DigestMismatch => "MismatchedShares",
        E::PassphraseNotAscii => "InvalidPassphrase",
        E::SecretLength { .. }
        | E::GroupThreshold
        | E::MemberThreshold { .. }
        | E::IterationExponent => "InvalidShareParams",
    };
    ApiError::new(INVALID_PARAMS, kind, e.to_string())
}
