//! Keystore v3 files at the protocol boundary: import in `wallet_import`, export in `wallet_export`.

use rand_core::CryptoRngCore;
use serde_json::Value;

use super::error::{ApiError, INTERNAL_ERROR, INVALID_PARAMS, UNAUTHORIZED};
use crate::chains::ethereum::keystore::{decrypt, encrypt, KeystoreError, ScryptParams};
use crate::keys::secp256k1::Secp256k1PrivateKey;
use crate::secret::SecretString;

/// Opens a keystore given as JSON text or as an object.
pub(crate) fn import(
    keystore: &Value,
    password: &SecretString,
) -> Result<Secp256k1PrivateKey, ApiError> {
    let text = match keystore {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    decrypt(&text, password).map_err(keystore_error)
}

/// Writes `key` as keystore v3 JSON text, with ethers' and geth's default scrypt cost.
pub(crate) fn export(
    key: &Secp256k1PrivateKey,
    password: &SecretString,
    rng: &mut impl CryptoRngCore,
) -> Result<String, ApiError> {
    encrypt(key, password, ScryptParams::DEFAULT, rng).map_err(keystore_error)
}

fn keystore_error(e: KeystoreError) -> ApiError {
    let message = e.to_string();
    match e {
        KeystoreError::WrongPassword => ApiError::new(UNAUTHORIZED, "WrongPassword", message),
        KeystoreError::OutOfMemory => ApiError::new(INTERNAL_ERROR, "OutOfMemory", message),
        _ => ApiError::new(INVALID_PARAMS, "InvalidKeystore", message),
    }
}
