//! Creating, importing, unlocking, locking, re-keying and exporting the vault.

use rand_core::CryptoRngCore;
use serde_json::{json, Value};

use super::accounts::{account_views, hd_account, keyring_seed};
use super::audit_trail::status_view;
use super::custody::Call;
use super::error::{ApiError, INVALID_PARAMS};
use super::keys::{account_key, recovery_phrase};
use super::request::{
    ChangePasswordParams, CreateParams, ExportKind, ExportParams, ImportParams, KdfParamsInput,
    SettingsParams,
};
use super::wallet::{no_vault, vault_error, Env, Wallet};
use crate::chains::ethereum::{address_of, to_checksum};
use crate::chains::solana::Address as SolanaAddress;
use crate::chains::solana::{keypair_from_base58, keypair_from_secret_key};
use crate::keys::accounts::DerivedKey;
use crate::keys::ed25519::Ed25519PrivateKey;
use crate::keys::mnemonic::{Mnemonic, WordCount};
use crate::keys::secp256k1::Secp256k1PrivateKey;
use crate::keys::Curve;
use crate::policy::Subject;
use crate::secret::SecretString;
use crate::vault::{
    Account, AccountSource, Chain, ImportedKey, KdfParams, Keyring, RecoveryPhrase, VaultError,
    VaultSession,
};

/// The longest idle time a user may set before auto-lock: one week.
const MAX_AUTO_LOCK_MINUTES: u32 = 7 * 24 * 60;

impl Wallet {
    pub(crate) fn create<R: CryptoRngCore>(
        &mut self,
        p: CreateParams,
        env: &mut Env<'_, R>,
    ) -> Result<Value, ApiError> {
        self.refuse_if_vault_exists()?;
        let words = match p.words.unwrap_or(12) {
            12 => WordCount::Twelve,
            24 => WordCount::TwentyFour,
            _ => return Err(ApiError::invalid_params("`words` must be 12 or 24")),
        };
        let mnemonic = Mnemonic::generate(env.rng, words);
        let keyring = hd_keyring(&mnemonic, p.passphrase.map(|p| p.0))?;
        let accounts = account_views(&keyring.accounts);
        self.install(keyring, "generated", &p.password.0, p.kdf, env)?;
        Ok(json!({ "mnemonic": mnemonic.expose_secret(), "accounts": accounts }))
    }

    pub(crate) fn import<R: CryptoRngCore>(
        &mut self,
        p: ImportParams,
        env: &mut Env<'_, R>,
    ) -> Result<Value, ApiError> {
        self.refuse_if_vault_exists()?;
        let sources = [
            p.mnemonic.is_some(),
            p.private_key.is_some(),
            p.keystore.is_some(),
        ];
        if sources.iter().filter(|s| **s).count() != 1 {
            return Err(ApiError::invalid_params(
                "give exactly one of `mnemonic`, `privateKey` and `keystore`",
            ));
        }
        let source = if p.mnemonic.is_some() {
            "mnemonic"
        } else if p.private_key.is_some() {
            "privateKey"
        } else {
            "keystore"
        };
        let keyring = if let Some(phrase) = p.mnemonic {
            let mnemonic = Mnemonic::parse(phrase.0.expose_secret())
                .map_err(|e| ApiError::new(INVALID_PARAMS, "InvalidMnemonic", e.to_string()))?;
            hd_keyring(&mnemonic, p.passphrase.map(|p| p.0))?
        } else if let Some(text) = p.private_key {
            let key = parse_private_key(text.0.expose_secret(), p.curve)?;
            imported_keyring(key)?
        } else if let Some(keystore) = p.keystore {
            let password = p.keystore_password.ok_or_else(|| {
                ApiError::invalid_params("`keystorePassword` is required with `keystore`")
            })?;
            let key = super::keystore::import(&keystore, &password.0)?;
            imported_keyring(DerivedKey::Secp256k1(key))?
        } else {
            return Err(ApiError::invalid_params("nothing to import"));
        };
        let accounts = account_views(&keyring.accounts);
        self.install(keyring, source, &p.password.0, p.kdf, env)?;
        Ok(json!({ "accounts": accounts }))
    }

    pub(crate) fn unlock<R: CryptoRngCore>(
        &mut self,
        password: &SecretString,
        env: &mut Env<'_, R>,
    ) -> Result<Value, ApiError> {
        let now_ms = env.now_ms;
        let session = self.vault.as_mut().ok_or_else(no_vault)?;
        let was_locked = session.is_locked();
        if let Err(e) = session.unlock(password, now_ms) {
            if e == VaultError::WrongPassword {
                self.failed_unlocks = self.failed_unlocks.saturating_add(1);
            }
            return Err(vault_error(e));
        }
        // The log is read again from the stored records at every unlock. Damage never keeps
        // the keys locked away: it is logged (and the export fails at the gap), and reported.
        self.audit.log = None;
        let loaded = match self.open_audit(env) {
            Ok(loaded) => loaded,
            Err(e) => {
                self.lock();
                return Err(e);
            }
        };
        let audit_log = status_view(loaded.as_ref());
        // Failed attempts could not be logged while locked: they go into this entry. A vault
        // whose log cannot be written stays locked: nothing may happen unrecorded.
        let details = json!({ "failedAttempts": self.failed_unlocks });
        let damaged =
            (audit_log.get("status") == Some(&json!("damaged"))).then(|| audit_log.clone());
        let logged = match damaged {
            Some(mut what) => {
                if let Value::Object(o) = &mut what {
                    o.remove("status");
                }
                self.record_event(env, "audit.damaged", what)
            }
            None => Ok(()),
        }
        .and_then(|()| self.record_event(env, "vault.unlocked", details));
        if let Err(e) = logged {
            self.lock();
            return Err(e);
        }
        self.failed_unlocks = 0;
        let keyring = self.keyring(now_ms)?;
        let chain_id = keyring.settings.active_evm_chain_id;
        let accounts = account_views(&keyring.accounts);
        let eth = self.eth_addresses(now_ms);
        self.chain_id = chain_id;
        if was_locked {
            self.emit("accountsChanged", json!(eth));
        }
        Ok(json!({ "accounts": accounts, "auditLog": audit_log }))
    }

    pub(crate) fn change_password<R: CryptoRngCore>(
        &mut self,
        p: ChangePasswordParams,
        env: &mut Env<'_, R>,
    ) -> Result<Value, ApiError> {
        let kdf = p.kdf.map(kdf_params);
        let session = self.vault.as_mut().ok_or_else(no_vault)?;
        let sealed = session
            .change_password(
                &p.old_password.0,
                &p.new_password.0,
                kdf,
                env.rng,
                env.now_ms,
            )
            .map_err(vault_error)?;
        self.set_saved(sealed);
        self.record_event(env, "password.changed", json!({}))?;
        Ok(Value::Null)
    }

    pub(crate) fn export<R: CryptoRngCore>(
        &mut self,
        p: ExportParams,
        env: &mut Env<'_, R>,
    ) -> Result<Value, ApiError> {
        let now = env.now_ms;
        let what = match p.what {
            ExportKind::Mnemonic => "mnemonic",
            ExportKind::PrivateKey => "privateKey",
            ExportKind::Keystore => "keystore",
        };
        // The password first: without it, no export is held or logged as allowed.
        let session = self.vault.as_mut().ok_or_else(no_vault)?;
        if let Err(e) = session.verify_password(&p.password.0, now) {
            if e == VaultError::WrongPassword {
                let details = json!({ "what": what, "reason": "wrong password" });
                self.record_event(env, "export.failed", details)?;
            }
            return Err(vault_error(e));
        }
        let account = match (p.what, &p.address) {
            (ExportKind::Mnemonic, _) => None,
            (_, None) => {
                return Err(ApiError::invalid_params(
                    "`address` is required for this export",
                ))
            }
            (_, Some(address)) => {
                let keyring = self.keyring(now)?;
                let account = keyring
                    .accounts
                    .iter()
                    .find(|a| match a.chain {
                        Chain::Ethereum => a.address.eq_ignore_ascii_case(address),
                        Chain::Solana => a.address == *address,
                    })
                    .ok_or_else(|| {
                        ApiError::new(
                            INVALID_PARAMS,
                            "UnknownAccount",
                            "this wallet has no such account",
                        )
                    })?;
                Some(account.clone())
            }
        };
        let call = Call {
            method: "wallet_export",
            params: json!({ "what": what, "address": p.address }),
            account: account.as_ref().map(|a| (a.chain, a.address.clone())),
            subject: Subject::Export,
        };
        self.guarded(call, env, |w, proof, env| {
            let keyring = w.keyring(env.now_ms)?;
            let Some(account) = account else {
                let phrase = recovery_phrase(keyring, proof)?;
                return Ok(json!({
                    "mnemonic": phrase.phrase.expose_secret(),
                    "passphrase": phrase.passphrase.as_ref().map(|p| p.expose_secret()),
                }));
            };
            let key = account_key(keyring, &account, proof)?;
            match (p.what, key) {
                (ExportKind::PrivateKey, DerivedKey::Secp256k1(k)) => {
                    let bytes = k.to_bytes();
                    // The hex text is a copy of the key: wipe it once the result holds its own.
                    let hex = zeroize::Zeroizing::new(hex::encode(bytes.expose_secret()));
                    Ok(json!({ "privateKey": format!("0x{}", hex.as_str()) }))
                }
                (ExportKind::PrivateKey, DerivedKey::Ed25519(k)) => {
                    let full = crate::chains::solana::secret_key_bytes(&k);
                    let seed = k.to_bytes();
                    Ok(json!({
                        "privateKey": hex::encode(seed.expose_secret()),
                        "secretKeyBase58": bs58::encode(full.expose_secret()).into_string(),
                    }))
                }
                (_, DerivedKey::Secp256k1(k)) => {
                    let password = p.keystore_password.unwrap_or(p.password);
                    let json = super::keystore::export(&k, &password.0, env.rng)?;
                    Ok(json!({ "keystore": json }))
                }
                (_, DerivedKey::Ed25519(_)) => Err(ApiError::invalid_params(
                    "keystore files hold Ethereum keys only",
                )),
            }
        })
    }

    pub(crate) fn update_settings<R: CryptoRngCore>(
        &mut self,
        p: SettingsParams,
        env: &mut Env<'_, R>,
    ) -> Result<Value, ApiError> {
        if let Some(minutes) = p.auto_lock_minutes {
            if minutes > MAX_AUTO_LOCK_MINUTES {
                return Err(ApiError::invalid_params(format!(
                    "`autoLockMinutes` must be at most {MAX_AUTO_LOCK_MINUTES}"
                )));
            }
        }
        let now = env.now_ms;
        self.update_audited(env, |k, audit| {
            if let Some(minutes) = p.auto_lock_minutes {
                k.settings.auto_lock_minutes = minutes;
            }
            let minutes = k.settings.auto_lock_minutes;
            audit.append(
                k,
                now,
                "settings.changed",
                json!({ "autoLockMinutes": minutes }),
            )?;
            Ok(json!({ "autoLockMinutes": minutes }))
        })
    }

    fn refuse_if_vault_exists(&self) -> Result<(), ApiError> {
        if self.vault.is_some() {
            return Err(ApiError::new(
                INVALID_PARAMS,
                "VaultExists",
                "a wallet already exists here; it must be removed before creating another",
            ));
        }
        Ok(())
    }

    /// Seals a new keyring as this wallet's vault, unlocked.
    fn install<R: CryptoRngCore>(
        &mut self,
        mut keyring: Keyring,
        source: &str,
        password: &SecretString,
        kdf: Option<KdfParamsInput>,
        env: &mut Env<'_, R>,
    ) -> Result<(), ApiError> {
        let kdf = kdf.map(kdf_params).unwrap_or(KdfParams::DEFAULT);
        // The audit log starts with the vault: fresh audit and record keys, and entry 0.
        self.audit.reset();
        let mut audit = self.audit.begin(env.rng);
        let addresses: Vec<&str> = keyring
            .accounts
            .iter()
            .map(|a| a.address.as_str())
            .collect();
        let details = json!({ "source": source, "accounts": addresses });
        audit.append(&mut keyring, env.now_ms, "vault.created", details)?;
        let chain_id = keyring.settings.active_evm_chain_id;
        let created = VaultSession::create(keyring, password, kdf, env.rng, env.now_ms);
        self.audit.finish(audit, created.is_ok());
        let (session, sealed) = created.map_err(vault_error)?;
        self.vault = Some(session);
        self.chain_id = chain_id;
        self.set_saved(sealed);
        let eth = self.eth_addresses(env.now_ms);
        self.emit("accountsChanged", json!(eth));
        Ok(())
    }
}

fn kdf_params(k: KdfParamsInput) -> KdfParams {
    KdfParams {
        memory_kib: k.memory_kib,
        iterations: k.iterations,
        parallelism: k.parallelism,
    }
}

/// A keyring holding `mnemonic` with the first Ethereum and the first Solana account.
fn hd_keyring(mnemonic: &Mnemonic, passphrase: Option<SecretString>) -> Result<Keyring, ApiError> {
    let mut keyring = Keyring {
        mnemonic: Some(RecoveryPhrase {
            phrase: SecretString::new(mnemonic.expose_secret().to_owned()),
            passphrase,
        }),
        ..Keyring::default()
    };
    let seed = keyring_seed(&keyring)?;
    for chain in [Chain::Ethereum, Chain::Solana] {
        let account = hd_account(&keyring, &seed, chain, None)?;
        keyring.accounts.push(account);
    }
    Ok(keyring)
}

/// A keyring holding one imported key and its account.
fn imported_keyring(key: DerivedKey) -> Result<Keyring, ApiError> {
    let (chain, curve, secret, address) = match &key {
        DerivedKey::Secp256k1(k) => (
            Chain::Ethereum,
            Curve::Secp256k1,
            k.to_bytes(),
            to_checksum(&address_of(&k.public_key())),
        ),
        DerivedKey::Ed25519(k) => (
            Chain::Solana,
            Curve::Ed25519,
            k.to_bytes(),
            SolanaAddress::from_public_key(&k.public_key()).to_string(),
        ),
    };
    Ok(Keyring {
        imported_keys: vec![ImportedKey { curve, secret }],
        accounts: vec![Account {
            chain,
            curve,
            source: AccountSource::Imported { key_index: 0 },
            label: "Imported 1".to_owned(),
            address,
        }],
        ..Keyring::default()
    })
}

/// A private key as users paste it: hex for either curve; for Ed25519 also the 64-byte
/// Solana secret key, in hex or base58 (what Phantom and the Solana CLI export).
fn parse_private_key(text: &str, curve: Option<Curve>) -> Result<DerivedKey, ApiError> {
    let invalid = |message: String| ApiError::new(INVALID_PARAMS, "InvalidKey", message);
    match curve.unwrap_or(Curve::Secp256k1) {
        Curve::Secp256k1 => Secp256k1PrivateKey::from_hex(text)
            .map(DerivedKey::Secp256k1)
            .map_err(|e| invalid(e.to_string())),
        Curve::Ed25519 => {
            let trimmed = text.trim();
            let hex_digits = trimmed.strip_prefix("0x").unwrap_or(trimmed);
            let key = if hex_digits.len() == 64 {
                Ed25519PrivateKey::from_hex(hex_digits).map_err(|e| invalid(e.to_string()))?
            } else if hex_digits.len() == 128 && hex_digits.bytes().all(|b| b.is_ascii_hexdigit()) {
                let bytes = zeroize::Zeroizing::new(
                    hex::decode(hex_digits).map_err(|_| invalid("not valid hex".to_owned()))?,
                );
                keypair_from_secret_key(&bytes).map_err(|e| invalid(e.to_string()))?
            } else {
                keypair_from_base58(trimmed).map_err(|e| invalid(e.to_string()))?
            };
            Ok(DerivedKey::Ed25519(key))
        }
    }
}
