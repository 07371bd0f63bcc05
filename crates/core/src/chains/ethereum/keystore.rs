//! Keystore v3 (Web3 Secret Storage): import scrypt and PBKDF2 files, export with scrypt.
//!
//! What is accepted and refused, and why, is in `docs/keystore-v3.md`.

mod romix;

use crate::keys::secp256k1::Secp256k1PrivateKey;
use crate::keys::KeyError;
use crate::secret::SecretString;
use aes::Aes128;
use alloy_primitives::keccak256;
use ctr::cipher::{KeyIvInit, StreamCipher};
use serde::Serialize;
use serde_json::Value;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

type Aes128Ctr = ctr::Ctr128BE<Aes128>;

/// Why a keystore could not be imported or exported. Messages never contain key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeystoreError {
    /// The file is not a keystore: bad JSON, a missing or mistyped field.
    #[error("not a valid keystore file: {0}")]
    Malformed(&'static str),
    /// A keystore version other than 3.
    #[error("only version 3 keystores are supported")]
    UnsupportedVersion,
    /// A cipher, KDF or PRF this wallet does not implement.
    #[error("unsupported keystore {0}")]
    Unsupported(&'static str),
    /// KDF parameters that are invalid or so costly that importing could hang the wallet.
    #[error("keystore key-derivation parameters are invalid or too costly ({0})")]
    KdfParameters(&'static str),
    /// The password does not open the keystore (or the file is damaged: the MAC cannot tell).
    #[error("wrong password")]
    WrongPassword,
    /// The file's `address` is not the address of the key inside.
    #[error("the keystore's address does not match its key")]
    AddressMismatch,
    /// The decrypted bytes are not a valid secp256k1 private key.
    #[error("the keystore holds an invalid key: {0}")]
    InvalidKey(KeyError),
    /// Not enough memory for the KDF.
    #[error("not enough memory to decrypt the keystore")]
    OutOfMemory,
}

/// scrypt cost for export: `n = 2^log_n`, `r`, `p`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScryptParams {
    log_n: u8,
    r: u32,
    p: u32,
}

impl ScryptParams {
    /// ethers' default: n = 2^17, r = 8, p = 1 (128 MiB).
    pub const DEFAULT: Self = Self {
        log_n: 17,
        r: 8,
        p: 1,
    };

    /// Parameters within the import limits, so every exported file can be imported again.
    ///
    /// # Errors
    /// [`KeystoreError::KdfParameters`] outside the limits of `docs/keystore-v3.md`.
    pub fn new(log_n: u8, r: u32, p: u32) -> Result<Self, KeystoreError> {
        let params = Self { log_n, r, p };
        params.check()?;
        Ok(params)
    }

    /// `n`.
    pub fn n(&self) -> u64 {
        1u64.checked_shl(u32::from(self.log_n)).unwrap_or(0)
    }

    fn check(&self) -> Result<(), KeystoreError> {
        const MAX_MEMORY: u64 = 512 * 1024 * 1024;
        const MAX_WORK: u64 = 1 << 23;
        if !(1..=20).contains(&self.log_n) {
            return Err(KeystoreError::KdfParameters("scrypt n"));
        }
        if !(1..=32).contains(&self.r) {
            return Err(KeystoreError::KdfParameters("scrypt r"));
        }
        if !(1..=16).contains(&self.p) {
            return Err(KeystoreError::KdfParameters("scrypt p"));
        }
        let (n, r, p) = (self.n(), u64::from(self.r), u64::from(self.p));
        if n.saturating_mul(r).saturating_mul(128) > MAX_MEMORY {
            return Err(KeystoreError::KdfParameters("scrypt memory"));
        }
        if n.saturating_mul(r).saturating_mul(p) > MAX_WORK {
            return Err(KeystoreError::KdfParameters("scrypt work"));
        }
        Ok(())
    }

    fn derive(&self, password: &[u8], salt: &[u8]) -> Result<Zeroizing<[u8; 32]>, KeystoreError> {
        self.check()?;
        let mut dk = Zeroizing::new([0u8; 32]);
        match scrypt::Params::new(self.log_n, self.r, self.p, 32) {
            Ok(params) => scrypt::scrypt(password, salt, &params, dk.as_mut_slice())
                .map_err(|_| KeystoreError::KdfParameters("scrypt dklen"))?,
            // Within our limits the crate refuses only log2(n) >= 16·r (see romix.rs).
            Err(_) => romix::scrypt(
                password,
                salt,
                self.log_n,
                usize::try_from(self.r).map_err(|_| KeystoreError::KdfParameters("scrypt r"))?,
                usize::try_from(self.p).map_err(|_| KeystoreError::KdfParameters("scrypt p"))?,
                dk.as_mut_slice(),
            )
            .map_err(|e| match e {
                romix::RomixError::OutOfMemory => KeystoreError::OutOfMemory,
                romix::RomixError::Size => KeystoreError::KdfParameters("scrypt sizes"),
            })?,
        }
        Ok(dk)
    }
}

impl Default for ScryptParams {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// The KDF a keystore names, with its checked parameters.
enum Kdf {
    Scrypt(ScryptParams),
    Pbkdf2 { rounds: u32 },
}

impl Kdf {
    fn derive(&self, password: &[u8], salt: &[u8]) -> Result<Zeroizing<[u8; 32]>, KeystoreError> {
        match self {
            Kdf::Scrypt(params) => params.derive(password, salt),
            Kdf::Pbkdf2 { rounds } => {
                let mut dk = Zeroizing::new([0u8; 32]);
                pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password, salt, *rounds, dk.as_mut_slice());
                Ok(dk)
            }
        }
    }
}

/// The parts of a keystore file import needs.
struct Parsed {
    kdf: Kdf,
    salt: Vec<u8>,
    iv: [u8; 16],
    ciphertext: [u8; 32],
    mac: [u8; 32],
    address: Option<[u8; 20]>,
}

/// Imports a keystore v3 JSON file.
///
/// # Errors
/// [`KeystoreError::WrongPassword`] when the MAC does not match; the other variants for
/// files that are malformed, unsupported, too costly, or whose address does not match.
pub fn decrypt(json: &str, password: &SecretString) -> Result<Secp256k1PrivateKey, KeystoreError> {
    let parsed = parse(json)?;
    let given = password.expose_secret();
    let dk = match verified_key(&parsed, given.as_bytes()) {
        Err(KeystoreError::WrongPassword) => {
            // ethers derives from the NFKC form; try it when it differs (docs/keystore-v3.md).
            let nfkc = crate::text::normalize::nfkc(given);
            if nfkc.as_str() == given {
                return Err(KeystoreError::WrongPassword);
            }
            verified_key(&parsed, nfkc.as_bytes())?
        }
        other => other?,
    };

    let mut secret = Zeroizing::new(parsed.ciphertext);
    aes_ctr(&dk, &parsed.iv, secret.as_mut_slice())?;
    let key =
        Secp256k1PrivateKey::from_bytes(secret.as_slice()).map_err(KeystoreError::InvalidKey)?;
    if let Some(expected) = parsed.address {
        if address(&key) != expected {
            return Err(KeystoreError::AddressMismatch);
        }
    }
    Ok(key)
}

/// Derives the key and checks the MAC in constant time.
fn verified_key(parsed: &Parsed, password: &[u8]) -> Result<Zeroizing<[u8; 32]>, KeystoreError> {
    let dk = parsed.kdf.derive(password, &parsed.salt)?;
    let mac = mac(&dk, &parsed.ciphertext);
    if bool::from(mac.ct_eq(&parsed.mac)) {
        Ok(dk)
    } else {
        Err(KeystoreError::WrongPassword)
    }
}

/// keccak256(DK[16..32] || ciphertext).
fn mac(dk: &[u8; 32], ciphertext: &[u8]) -> [u8; 32] {
    let mut body = Zeroizing::new(Vec::with_capacity(16usize.saturating_add(ciphertext.len())));
    body.extend_from_slice(dk.get(16..).unwrap_or_default());
    body.extend_from_slice(ciphertext);
    keccak256(body.as_slice()).0
}

fn aes_ctr(dk: &[u8; 32], iv: &[u8; 16], data: &mut [u8]) -> Result<(), KeystoreError> {
    let key: &[u8; 16] = dk
        .first_chunk()
        .ok_or(KeystoreError::Malformed("derived key"))?;
    let mut cipher = Aes128Ctr::new(key.into(), iv.into());
    cipher
        .try_apply_keystream(data)
        .map_err(|_| KeystoreError::Malformed("ciphertext"))
}

/// The Ethereum address of a key: the last 20 bytes of keccak256 of the public key's x || y.
fn address(key: &Secp256k1PrivateKey) -> [u8; 20] {
    let hash = keccak256(key.public_key().to_uncompressed_xy());
    let mut out = [0u8; 20];
    if let Some(tail) = hash.get(12..) {
        out.copy_from_slice(tail);
    }
    out
}

fn parse(json: &str) -> Result<Parsed, KeystoreError> {
    let root: Value =
        serde_json::from_str(json).map_err(|_| KeystoreError::Malformed("not JSON"))?;
    if root.get("version").and_then(Value::as_u64) != Some(3) {
        return Err(if root.get("version").is_some() {
            KeystoreError::UnsupportedVersion
        } else {
            KeystoreError::Malformed("version")
        });
    }
    let crypto = root
        .get("crypto")
        .or_else(|| root.get("Crypto"))
        .ok_or(KeystoreError::Malformed("crypto"))?;

    let cipher = text(crypto, "cipher")?;
    if !cipher.eq_ignore_ascii_case("aes-128-ctr") {
        return Err(KeystoreError::Unsupported("cipher"));
    }
    let iv = hex_array::<16>(
        crypto
            .get("cipherparams")
            .ok_or(KeystoreError::Malformed("cipherparams"))?,
        "iv",
    )?;
    let ciphertext = hex_array::<32>(crypto, "ciphertext")?;
    let mac = hex_array::<32>(crypto, "mac")?;

    let params = crypto
        .get("kdfparams")
        .ok_or(KeystoreError::Malformed("kdfparams"))?;
    if number(params, "dklen")? != 32 {
        return Err(KeystoreError::KdfParameters("dklen must be 32"));
    }
    let salt = hex_bytes(params, "salt")?;
    if salt.len() > 1024 {
        return Err(KeystoreError::KdfParameters("salt too long"));
    }
    let kdf_name = text(crypto, "kdf")?;
    let kdf = if kdf_name.eq_ignore_ascii_case("scrypt") {
        let n = number(params, "n")?;
        if !n.is_power_of_two() {
            return Err(KeystoreError::KdfParameters(
                "scrypt n must be a power of two",
            ));
        }
        let log_n = u8::try_from(n.trailing_zeros())
            .map_err(|_| KeystoreError::KdfParameters("scrypt n"))?;
        let r = u32::try_from(number(params, "r")?)
            .map_err(|_| KeystoreError::KdfParameters("scrypt r"))?;
        let p = u32::try_from(number(params, "p")?)
            .map_err(|_| KeystoreError::KdfParameters("scrypt p"))?;
        Kdf::Scrypt(ScryptParams::new(log_n, r, p)?)
    } else if kdf_name.eq_ignore_ascii_case("pbkdf2") {
        if !text(params, "prf")?.eq_ignore_ascii_case("hmac-sha256") {
            return Err(KeystoreError::Unsupported("pbkdf2 prf"));
        }
        let c = number(params, "c")?;
        if !(1..=10_000_000).contains(&c) {
            return Err(KeystoreError::KdfParameters("pbkdf2 c"));
        }
        Kdf::Pbkdf2 {
            rounds: u32::try_from(c).map_err(|_| KeystoreError::KdfParameters("pbkdf2 c"))?,
        }
    } else {
        return Err(KeystoreError::Unsupported("kdf"));
    };

    let address = match root.get("address") {
        None | Some(Value::Null) => None,
        Some(_) => Some(hex_array::<20>(&root, "address")?),
    };
    Ok(Parsed {
        kdf,
        salt,
        iv,
        ciphertext,
        mac,
        address,
    })
}

fn text<'a>(v: &'a Value, field: &'static str) -> Result<&'a str, KeystoreError> {
    v.get(field)
        .and_then(Value::as_str)
        .ok_or(KeystoreError::Malformed(field))
}

fn number(v: &Value, field: &'static str) -> Result<u64, KeystoreError> {
    v.get(field)
        .and_then(Value::as_u64)
        .ok_or(KeystoreError::Malformed(field))
}

fn hex_bytes(v: &Value, field: &'static str) -> Result<Vec<u8>, KeystoreError> {
    let t = text(v, field)?;
    let t = t.strip_prefix("0x").unwrap_or(t);
    hex::decode(t).map_err(|_| KeystoreError::Malformed(field))
}

fn hex_array<const N: usize>(v: &Value, field: &'static str) -> Result<[u8; N], KeystoreError> {
    hex_bytes(v, field)?
        .try_into()
        .map_err(|_| KeystoreError::Malformed(field))
}

/// Exports `key` as a keystore v3 JSON file (scrypt, AES-128-CTR), as geth writes it.
///
/// # Errors
/// [`KeystoreError::KdfParameters`] for parameters outside the limits,
/// [`KeystoreError::OutOfMemory`].
pub fn encrypt(
    key: &Secp256k1PrivateKey,
    password: &SecretString,
    params: ScryptParams,
    rng: &mut impl rand_core::CryptoRngCore,
) -> Result<String, KeystoreError> {
    let mut salt = [0u8; 32];
    let mut iv = [0u8; 16];
    let mut uuid = [0u8; 16];
    rng.fill_bytes(&mut salt);
    rng.fill_bytes(&mut iv);
    rng.fill_bytes(&mut uuid);

    let dk = params.derive(password.expose_secret().as_bytes(), &salt)?;
    let mut ciphertext = *key.to_bytes().expose_secret();
    let result = aes_ctr(&dk, &iv, &mut ciphertext);
    if let Err(e) = result {
        zeroize::Zeroize::zeroize(&mut ciphertext);
        return Err(e);
    }
    let file = FileOut {
        address: hex::encode(address(key)),
        crypto: CryptoOut {
            cipher: "aes-128-ctr",
            cipherparams: CipherParamsOut {
                iv: hex::encode(iv),
            },
            ciphertext: hex::encode(ciphertext),
            kdf: "scrypt",
            kdfparams: ScryptParamsOut {
                dklen: 32,
                n: params.n(),
                p: params.p,
                r: params.r,
                salt: hex::encode(salt),
            },
            mac: hex::encode(mac(&dk, &ciphertext)),
        },
        id: uuid_v4(uuid),
        version: 3,
    };
    serde_json::to_string(&file).map_err(|_| KeystoreError::Malformed("serialisation"))
}

/// RFC 9562 version 4 UUID text from 16 random bytes.
fn uuid_v4(mut b: [u8; 16]) -> String {
    if let Some(x) = b.get_mut(6) {
        *x = (*x & 0x0f) | 0x40;
    }
    if let Some(x) = b.get_mut(8) {
        *x = (*x & 0x3f) | 0x80;
    }
    let h = hex::encode(b);
    let part = |range: core::ops::Range<usize>| h.get(range).unwrap_or_default();
    [
        part(0..8),
        part(8..12),
        part(12..16),
        part(16..20),
        part(20..32),
    ]
    .join("-")
}

#[derive(Serialize)]
struct FileOut {
    address: String,
    crypto: CryptoOut,
    id: String,
    version: u8,
}

#[derive(Serialize)]
struct CryptoOut {
    cipher: &'static str,
    cipherparams: CipherParamsOut,
    ciphertext: String,
    kdf: &'static str,
    kdfparams: ScryptParamsOut,
    mac: String,
}

#[derive(Serialize)]
struct CipherParamsOut {
    iv: String,
}

#[derive(Serialize)]
struct ScryptParamsOut {
    dklen: u8,
    n: u64,
    p: u32,
    r: u32,
    salt: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_has_version_and_variant_bits() {
        let id = uuid_v4([0xff; 16]);
        assert_eq!(id, "ffffffff-ffff-4fff-bfff-ffffffffffff");
        let id = uuid_v4([0; 16]);
        assert_eq!(id, "00000000-0000-4000-8000-000000000000");
    }

    #[test]
    fn limits() {
        assert!(ScryptParams::new(18, 8, 1).is_ok()); // geth standard
        assert!(ScryptParams::new(18, 1, 8).is_ok()); // ethereum/tests test2
        assert!(ScryptParams::new(12, 8, 6).is_ok()); // geth light
        assert!(ScryptParams::new(20, 4, 1).is_ok()); // 512 MiB
        for (log_n, r, p) in [
            (0, 8, 1),
            (21, 1, 1),
            (20, 8, 1),
            (18, 33, 1),
            (18, 8, 17),
            (18, 8, 0),
            (18, 0, 1),
            (20, 4, 3),
        ] {
            assert!(
                matches!(
                    ScryptParams::new(log_n, r, p),
                    Err(KeystoreError::KdfParameters(_))
                ),
                "{log_n} {r} {p}"
            );
        }
    }
}
