//! Accounts as callers see them, and the EIP-1193 account and chain methods.

use rand_core::CryptoRngCore;
use serde_json::{json, Value};

use super::error::{ApiError, INVALID_PARAMS, UNRECOGNIZED_CHAIN};
use super::request::{AddAccountParams, ChainName, RenameAccountParams};
use super::wallet::{no_vault, Env, Wallet};
use crate::chains::ethereum::{address_of, to_checksum};
use crate::chains::solana::Address as SolanaAddress;
use crate::keys::accounts::{ethereum_key, solana_key};
use crate::keys::mnemonic::{seed_from_unvalidated_phrase, Seed};
use crate::keys::path::{ethereum_account_path, solana_account_path, DerivationPath};
use crate::vault::{Account, AccountSource, Chain, Keyring};

/// Longest account label, in characters.
const MAX_LABEL_CHARS: usize = 64;
/// Most accounts one vault holds; keeps the sealed keyring and every listing bounded.
const MAX_ACCOUNTS: usize = 1000;

/// The public view of accounts: chain, address, label and where the key comes from.
pub(crate) fn account_views(accounts: &[Account]) -> Vec<Value> {
    accounts
        .iter()
        .map(|a| {
            let (kind, path) = match &a.source {
                AccountSource::Hd { path } => ("hd", Some(path.as_str())),
                AccountSource::Imported { .. } => ("imported", None),
            };
            json!({
                "chain": match a.chain { Chain::Ethereum => "ethereum", Chain::Solana => "solana" },
                "address": a.address,
                "label": a.label,
                "source": kind,
                "path": path,
            })
        })
        .collect()
}

/// The next HD account on `chain`: index one past the highest in use.
pub(crate) fn new_hd_account(
    keyring: &Keyring,
    chain: Chain,
    label: Option<String>,
) -> Result<Account, ApiError> {
    hd_account(keyring, &keyring_seed(keyring)?, chain, label)
}

/// The BIP-39 seed of the keyring's recovery phrase (one PBKDF2 run: derive it once per batch).
pub(crate) fn keyring_seed(keyring: &Keyring) -> Result<Seed, ApiError> {
    let phrase = keyring.mnemonic.as_ref().ok_or_else(|| {
        ApiError::new(
            INVALID_PARAMS,
            "NoMnemonic",
            "this wallet was imported from a single key; it has no recovery phrase to derive accounts from",
        )
    })?;
    let passphrase = phrase
        .passphrase
        .as_ref()
        .map(|p| p.expose_secret())
        .unwrap_or("");
    Ok(seed_from_unvalidated_phrase(
        phrase.phrase.expose_secret(),
        passphrase,
    ))
}

/// The next HD account on `chain` from `seed`, the seed of `keyring`'s recovery phrase.
pub(crate) fn hd_account(
    keyring: &Keyring,
    seed: &Seed,
    chain: Chain,
    label: Option<String>,
) -> Result<Account, ApiError> {
    let used = keyring
        .accounts
        .iter()
        .filter(|a| a.chain == chain)
        .filter_map(|a| match &a.source {
            AccountSource::Hd { path } => hd_index(chain, path),
            AccountSource::Imported { .. } => None,
        });
    let index = match used.max() {
        None => 0,
        Some(max) => max
            .checked_add(1)
            .ok_or_else(|| ApiError::invalid_params("no more account indexes"))?,
    };
    let bad_index = |_| ApiError::invalid_params("no more account indexes");
    let count = keyring
        .accounts
        .iter()
        .filter(|a| a.chain == chain)
        .count()
        .saturating_add(1);
    let (path, address, default_label) = match chain {
        Chain::Ethereum => {
            let key = ethereum_key(seed, index).map_err(|_| bad_index(()))?;
            (
                ethereum_account_path(index).map_err(|_| bad_index(()))?,
                to_checksum(&address_of(&key.public_key())),
                format!("Ethereum {count}"),
            )
        }
        Chain::Solana => {
            let key = solana_key(seed, index).map_err(|_| bad_index(()))?;
            (
                solana_account_path(index).map_err(|_| bad_index(()))?,
                SolanaAddress::from_public_key(&key.public_key()).to_string(),
                format!("Solana {count}"),
            )
        }
    };
    Ok(Account {
        chain,
        curve: chain.curve(),
        source: AccountSource::Hd {
            path: path.to_string(),
        },
        label: label.unwrap_or(default_label),
        address,
    })
}

/// The account index of a default-layout HD path (`m/44'/60'/0'/0/i`, `m/44'/501'/i'/0'`).
fn hd_index(chain: Chain, path: &str) -> Option<u32> {
    let parsed: DerivationPath = path.parse().ok()?;
    // Read the candidate index from the text, then accept it only if the default path for
    // that index is exactly this path, so custom paths never count.
    let matches = |i: u32| -> bool {
        let expected = match chain {
            Chain::Ethereum => ethereum_account_path(i),
            Chain::Solana => solana_account_path(i),
        };
        expected.map(|e| e == parsed).unwrap_or(false)
    };
    let text = parsed.to_string();
    let candidate = match chain {
        Chain::Ethereum => text.rsplit('/').next()?.parse::<u32>().ok()?,
        Chain::Solana => text
            .split('/')
            .nth(3)?
            .trim_end_matches('\'')
            .parse::<u32>()
            .ok()?,
    };
    matches(candidate).then_some(candidate)
}

fn check_label(label: &str) -> Result<(), ApiError> {
    if label.chars().count() > MAX_LABEL_CHARS || label.chars().any(char::is_control) {
        return Err(ApiError::invalid_params(format!(
            "a label is at most {MAX_LABEL_CHARS} characters, without control characters"
        )));
    }
    Ok(())
}

impl Wallet {
    pub(crate) fn add_account<R: CryptoRngCore>(
        &mut self,
        p: AddAccountParams,
        env: &mut Env<'_, R>,
    ) -> Result<Value, ApiError> {
        if let Some(label) = &p.label {
            check_label(label)?;
        }
        let chain = match p.chain {
            ChainName::Ethereum => Chain::Ethereum,
            ChainName::Solana => Chain::Solana,
        };
        let now = env.now_ms;
        let view = self.update_audited(env, |k, audit| {
            if k.accounts.len() >= MAX_ACCOUNTS {
                return Err(ApiError::invalid_params(format!(
                    "a wallet holds at most {MAX_ACCOUNTS} accounts"
                )));
            }
            let account = new_hd_account(k, chain, p.label)?;
            let view = account_views(core::slice::from_ref(&account));
            let details = json!({ "chain": view.first().map(|v| v["chain"].clone()), "address": account.address });
            audit.append(k, now, "account.added", details)?;
            k.accounts.push(account);
            Ok(view.into_iter().next().unwrap_or(Value::Null))
        })?;
        // Emitted for a Solana account too, though `eth_accounts` did not change: it is the
        // one event a host forwards for account changes, and the Wallet Standard wallet
        // re-reads its Solana accounts on it (docs/protocol.md "Events").
        self.emit_accounts_changed(env.now_ms);
        Ok(view)
    }

    pub(crate) fn rename_account<R: CryptoRngCore>(
        &mut self,
        p: RenameAccountParams,
        env: &mut Env<'_, R>,
    ) -> Result<Value, ApiError> {
        check_label(&p.label)?;
        let renamed = self.update(env, |k| {
            let account = k
                .accounts
                .iter_mut()
                .find(|a| match a.chain {
                    Chain::Ethereum => a.address.eq_ignore_ascii_case(&p.address),
                    Chain::Solana => a.address == p.address,
                })
                .ok_or_else(|| {
                    ApiError::new(
                        INVALID_PARAMS,
                        "UnknownAccount",
                        "this wallet has no such account",
                    )
                })?;
            account.label = p.label;
            Ok(account.chain)
        })?;
        // A Solana account's label is part of what Wallet Standard dapps see.
        if renamed == Chain::Solana {
            self.emit_accounts_changed(env.now_ms);
        }
        Ok(Value::Null)
    }

    pub(crate) fn list_accounts(&mut self, now_ms: u64) -> Result<Value, ApiError> {
        let keyring = self.keyring(now_ms)?;
        Ok(Value::Array(account_views(&keyring.accounts)))
    }

    /// The Ethereum addresses, or none when locked (EIP-1193: `eth_accounts` never fails).
    pub(crate) fn eth_addresses(&mut self, now_ms: u64) -> Vec<String> {
        match self.keyring(now_ms) {
            Ok(k) => k
                .accounts
                .iter()
                .filter(|a| a.chain == Chain::Ethereum)
                .map(|a| a.address.clone())
                .collect(),
            Err(_) => Vec::new(),
        }
    }

    /// `accountsChanged` with `eth_accounts` as its data (EIP-1193), for a change of any account.
    pub(crate) fn emit_accounts_changed(&mut self, now_ms: u64) {
        let eth = self.eth_addresses(now_ms);
        self.emit("accountsChanged", json!(eth));
    }

    pub(crate) fn eth_accounts(&mut self, now_ms: u64) -> Value {
        json!(self.eth_addresses(now_ms))
    }

    pub(crate) fn eth_request_accounts(&mut self, now_ms: u64) -> Result<Value, ApiError> {
        self.keyring(now_ms)?;
        Ok(self.eth_accounts(now_ms))
    }

    pub(crate) fn switch_chain<R: CryptoRngCore>(
        &mut self,
        chain_id: &str,
        env: &mut Env<'_, R>,
    ) -> Result<Value, ApiError> {
        let id = parse_chain_id(chain_id)?;
        if self.vault.is_none() {
            return Err(no_vault());
        }
        if id == self.chain_id {
            return Ok(Value::Null);
        }
        self.update(env, |k| {
            k.settings.active_evm_chain_id = id;
            Ok(())
        })?;
        self.chain_id = id;
        self.emit("chainChanged", json!(format!("0x{id:x}")));
        Ok(Value::Null)
    }
}

/// A chain id as EIP-3326 sends it: a `0x` hex quantity without leading zeros, at most
/// 2^53 - 1 so JavaScript callers can hold it exactly (EIP-2294's bound).
pub(crate) fn parse_chain_id(text: &str) -> Result<u64, ApiError> {
    const MAX_CHAIN_ID: u64 = (1 << 53) - 1;
    let bad = || {
        ApiError::new(
            UNRECOGNIZED_CHAIN,
            "UnrecognizedChain",
            "`chainId` must be a 0x-prefixed hex number between 1 and 2^53 - 1",
        )
    };
    let digits = text.strip_prefix("0x").ok_or_else(bad)?;
    if digits.is_empty() || digits.len() > 16 || (digits.len() > 1 && digits.starts_with('0')) {
        return Err(bad());
    }
    let id = u64::from_str_radix(digits, 16).map_err(|_| bad())?;
    if id == 0 || id > MAX_CHAIN_ID {
        return Err(bad());
    }
    Ok(id)
}
