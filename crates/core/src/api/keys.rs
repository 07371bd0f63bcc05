//! From an account to the key that signs for it, with a cache for the unlocked session.
//!
//! HD derivation costs a PBKDF2 run (the BIP-39 seed) plus five curve multiplications, which
//! would dominate every signature. Keys are derived once per unlock and cached here; the cache
//! is dropped (and every key zeroized) whenever the vault locks, by hand or by idle timeout.
//!
//! Every function here that hands out secret material takes a `&policy::Authorized`: only the
//! policy gate makes one, so no code path can sign or export without consulting the policy
//! (`docs/policy.md` §"No bypass").

use crate::keys::accounts::{derive, DerivedKey};
use crate::keys::ed25519::Ed25519PrivateKey;
use crate::keys::mnemonic::seed_from_unvalidated_phrase;
use crate::keys::path::DerivationPath;
use crate::keys::secp256k1::Secp256k1PrivateKey;
use crate::policy::Authorized;
use crate::vault::{Account, AccountSource, Chain, Keyring, RecoveryPhrase};

use super::error::ApiError;

/// Derived or imported keys of the unlocked session, by account address.
#[derive(Default)]
pub(crate) struct KeyCache {
    secp256k1: Vec<(String, Secp256k1PrivateKey)>,
    ed25519: Vec<(String, Ed25519PrivateKey)>,
}

impl KeyCache {
    /// Drops every cached key; each zeroizes itself.
    pub(crate) fn clear(&mut self) {
        self.secp256k1.clear();
        self.ed25519.clear();
    }

    /// The secp256k1 key of the Ethereum account `address` (any letter case).
    pub(crate) fn ethereum(
        &mut self,
        keyring: &Keyring,
        address: &str,
        proof: &Authorized,
    ) -> Result<&Secp256k1PrivateKey, ApiError> {
        let wanted = address.to_ascii_lowercase();
        let pos = match self.secp256k1.iter().position(|(a, _)| *a == wanted) {
            Some(pos) => pos,
            None => {
                let account = find_account(keyring, Chain::Ethereum, address)?;
                let DerivedKey::Secp256k1(key) = account_key(keyring, account, proof)? else {
                    return Err(internal("an Ethereum account holds a non-secp256k1 key"));
                };
                self.secp256k1.push((wanted, key));
                self.secp256k1.len().saturating_sub(1)
            }
        };
        self.secp256k1
            .get(pos)
            .map(|(_, k)| k)
            .ok_or_else(|| internal("key cache index"))
    }

    /// The Ed25519 key of the Solana account `address`.
    pub(crate) fn solana(
        &mut self,
        keyring: &Keyring,
        address: &str,
        proof: &Authorized,
    ) -> Result<&Ed25519PrivateKey, ApiError> {
        let pos = match self.ed25519.iter().position(|(a, _)| a == address) {
            Some(pos) => pos,
            None => {
                let account = find_account(keyring, Chain::Solana, address)?;
                let DerivedKey::Ed25519(key) = account_key(keyring, account, proof)? else {
                    return Err(internal("a Solana account holds a non-Ed25519 key"));
                };
                self.ed25519.push((address.to_owned(), key));
                self.ed25519.len().saturating_sub(1)
            }
        };
        self.ed25519
            .get(pos)
            .map(|(_, k)| k)
            .ok_or_else(|| internal("key cache index"))
    }
}

/// The account on `chain` with `address`; Ethereum addresses compare without letter case.
pub(crate) fn find_account<'k>(
    keyring: &'k Keyring,
    chain: Chain,
    address: &str,
) -> Result<&'k Account, ApiError> {
    keyring
        .accounts
        .iter()
        .find(|a| {
            a.chain == chain
                && match chain {
                    Chain::Ethereum => a.address.eq_ignore_ascii_case(address),
                    Chain::Solana => a.address == address,
                }
        })
        .ok_or_else(|| {
            ApiError::new(
                super::error::UNAUTHORIZED,
                "UnknownAccount",
                "this wallet has no such account",
            )
        })
}

/// The private key behind `account`: derived from the recovery phrase, or imported.
pub(crate) fn account_key(
    keyring: &Keyring,
    account: &Account,
    _proof: &Authorized,
) -> Result<DerivedKey, ApiError> {
    match &account.source {
        AccountSource::Hd { path } => {
            let phrase = keyring
                .mnemonic
                .as_ref()
                .ok_or_else(|| internal("an HD account without a recovery phrase"))?;
            let path: DerivationPath = path
                .parse()
                .map_err(|_| internal("a stored derivation path does not parse"))?;
            let passphrase = phrase
                .passphrase
                .as_ref()
                .map(|p| p.expose_secret())
                .unwrap_or("");
            let seed = seed_from_unvalidated_phrase(phrase.phrase.expose_secret(), passphrase);
            derive(&seed, account.curve, &path).map_err(|_| internal("derivation failed"))
        }
        AccountSource::Imported { key_index } => {
            let key = usize::try_from(*key_index)
                .ok()
                .and_then(|i| keyring.imported_keys.get(i))
                .ok_or_else(|| internal("an account points at a missing key"))?;
            let secret = key.secret.expose_secret();
            match account.chain {
                Chain::Ethereum => Secp256k1PrivateKey::from_bytes(secret)
                    .map(DerivedKey::Secp256k1)
                    .map_err(|_| internal("a stored key is invalid")),
                Chain::Solana => Ed25519PrivateKey::from_bytes(secret)
                    .map(DerivedKey::Ed25519)
                    .map_err(|_| internal("a stored key is invalid")),
            }
        }
    }
}

/// A copy of the recovery phrase, for an authorized export.
pub(crate) fn recovery_phrase(
    keyring: &Keyring,
    _proof: &Authorized,
) -> Result<RecoveryPhrase, ApiError> {
    keyring
        .mnemonic
        .as_ref()
        .map(RecoveryPhrase::duplicate)
        .ok_or_else(|| super::wallet::vault_error(crate::vault::VaultError::NoMnemonic))
}

fn internal(what: &str) -> ApiError {
    ApiError::new(
        super::error::INTERNAL_ERROR,
        "Internal",
        format!("internal error: {what}"),
    )
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    /// Secret material reaches the protocol only through the gated accessors above: no other
    /// file of `api/` reads the keyring's secrets or the vault's export functions directly.
    /// (`accounts.rs` reads the phrase to derive the address of a new account; it hands out
    /// no key.) Reads the directory, so files added later are checked too.
    #[test]
    fn only_this_file_reads_secrets_from_the_keyring() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/api");
        let forbidden = [
            ".mnemonic",
            ".imported_keys",
            ".export_mnemonic(",
            ".export_private_key(",
        ];
        let mut files = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name == "keys.rs" || !name.ends_with(".rs") {
                continue;
            }
            files += 1;
            let text = std::fs::read_to_string(&path).unwrap();
            for pattern in forbidden {
                let allowed = name == "accounts.rs" && pattern == ".mnemonic";
                // `p.mnemonic` is the phrase a caller imports, not the keyring's.
                let uses = text
                    .match_indices(pattern)
                    .any(|(at, _)| !text[..at].ends_with(" p"));
                assert!(
                    allowed || !uses,
                    "api/{name} uses `{pattern}`: go through the gated accessors in api/keys.rs"
                );
            }
        }
        assert!(files >= 9, "{files}");
    }
}
