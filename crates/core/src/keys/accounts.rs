//! Accounts: which key a seed gives for account `index` on each chain, and derivation along
//! any path for either curve.
//!
//! The defaults follow the wallets users come from, so importing a recovery phrase shows the
//! same addresses: MetaMask's `m/44'/60'/0'/0/i` for Ethereum and Phantom's `m/44'/501'/i'/0'`
//! for Solana (see [`super::path`] and `docs/keys.md`).

use super::bip32::{Bip32Error, ExtendedPrivateKey};
use super::ed25519::Ed25519PrivateKey;
use super::mnemonic::Seed;
use super::path::{ethereum_account_path, solana_account_path, DerivationPath, PathError};
use super::secp256k1::Secp256k1PrivateKey;
use super::slip10::{Ed25519ExtendedKey, Slip10Error};
use super::Curve;

/// Why an account key could not be derived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AccountError {
    /// The account index does not fit in a path (it must be below 2^31).
    #[error(transparent)]
    Path(#[from] PathError),
    /// secp256k1 derivation failed.
    #[error(transparent)]
    Bip32(#[from] Bip32Error),
    /// Ed25519 derivation failed (for instance, a non-hardened step).
    #[error(transparent)]
    Slip10(#[from] Slip10Error),
}

/// A private key on either curve, as [`derive`] returns it.
#[derive(Debug)]
pub enum DerivedKey {
    /// A secp256k1 key (BIP-32).
    Secp256k1(Secp256k1PrivateKey),
    /// An Ed25519 key (SLIP-0010).
    Ed25519(Ed25519PrivateKey),
}

impl DerivedKey {
    /// Which curve the key is on.
    pub fn curve(&self) -> Curve {
        match self {
            Self::Secp256k1(_) => Curve::Secp256k1,
            Self::Ed25519(_) => Curve::Ed25519,
        }
    }
}

/// The Ethereum key of account `index`: BIP-32 at `m/44'/60'/0'/0/{index}`.
///
/// # Errors
/// [`AccountError::Path`] if `index` is 2^31 or more; [`AccountError::Bip32`] in the
/// negligible case that the path gives an invalid key.
pub fn ethereum_key(seed: &Seed, index: u32) -> Result<Secp256k1PrivateKey, AccountError> {
    let path = ethereum_account_path(index)?;
    Ok(ExtendedPrivateKey::from_seed(seed.expose_secret())?
        .derive_path(&path)?
        .into_private_key())
}

/// The Solana key of account `index`: SLIP-0010 Ed25519 at `m/44'/501'/{index}'/0'`.
///
/// # Errors
/// [`AccountError::Path`] if `index` is 2^31 or more.
pub fn solana_key(seed: &Seed, index: u32) -> Result<Ed25519PrivateKey, AccountError> {
    let path = solana_account_path(index)?;
    Ok(Ed25519ExtendedKey::from_seed(seed.expose_secret())?
        .derive_path(&path)?
        .into_private_key())
}

/// The key at `path` on `curve`: BIP-32 for secp256k1, SLIP-0010 for Ed25519.
///
/// # Errors
/// [`AccountError::Slip10`] for an Ed25519 path with a non-hardened step, and the
/// negligible-probability [`AccountError::Bip32`] for an invalid secp256k1 child.
pub fn derive(
    seed: &Seed,
    curve: Curve,
    path: &DerivationPath,
) -> Result<DerivedKey, AccountError> {
    match curve {
        Curve::Secp256k1 => Ok(DerivedKey::Secp256k1(
            ExtendedPrivateKey::from_seed(seed.expose_secret())?
                .derive_path(path)?
                .into_private_key(),
        )),
        Curve::Ed25519 => Ok(DerivedKey::Ed25519(
            Ed25519ExtendedKey::from_seed(seed.expose_secret())?
                .derive_path(path)?
                .into_private_key(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::mnemonic::Mnemonic;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn seed() -> Seed {
        Mnemonic::parse("test test test test test test test test test test test junk")
            .unwrap()
            .to_seed("")
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn generic_derive_agrees_with_the_account_helpers() {
        let seed = seed();
        for index in [0u32, 1, 7] {
            let eth = ethereum_key(&seed, index).unwrap();
            let path = ethereum_account_path(index).unwrap();
            let DerivedKey::Secp256k1(generic) = derive(&seed, Curve::Secp256k1, &path).unwrap()
            else {
                panic!("wrong curve")
            };
            assert_eq!(generic.public_key(), eth.public_key());

            let sol = solana_key(&seed, index).unwrap();
            let path = solana_account_path(index).unwrap();
            let derived = derive(&seed, Curve::Ed25519, &path).unwrap();
            assert_eq!(derived.curve(), Curve::Ed25519);
            let DerivedKey::Ed25519(generic) = derived else {
                panic!("wrong curve")
            };
            assert_eq!(generic.public_key(), sol.public_key());
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn errors() {
        let seed = seed();
        assert_eq!(
            ethereum_key(&seed, 1 << 31).unwrap_err(),
            AccountError::Path(PathError::IndexTooLarge { position: 5 })
        );
        assert_eq!(
            solana_key(&seed, 1 << 31).unwrap_err(),
            AccountError::Path(PathError::IndexTooLarge { position: 3 })
        );
        let eth_path = ethereum_account_path(0).unwrap();
        let err = derive(&seed, Curve::Ed25519, &eth_path).unwrap_err();
        assert_eq!(
            err,
            AccountError::Slip10(Slip10Error::NotHardened { position: 4 })
        );
        assert!(err.to_string().contains("step 4"));
    }
}
