//! The byte format: header layout, reading order, sealing and opening
//! (`docs/vault-format.md` §Header, §Reading, §Encryption).

use super::kdf::{KdfParams, VaultKey, KEY_CHECK_LEN};
use super::keyring::Keyring;
use super::VaultError;
use crate::secret::SecretString;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// The first 8 bytes of every vault.
pub const MAGIC: [u8; 8] = *b"CSTDNVLT";
/// The newest format version this build writes and reads.
pub const FORMAT_VERSION: u16 = 1;
/// Salt length the writer uses.
pub const SALT_LEN: usize = 32;

const KDF_ARGON2ID: u8 = 1;
const MIN_SALT_LEN: usize = 16;
const MAX_SALT_LEN: usize = 64;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
const CHECKSUM_LEN: usize = 16;
/// Bytes before the salt: magic, version, KDF id, m, t, p, salt length.
const PRE_SALT_LEN: usize = 24;
/// Bytes after the salt up to the checksum: nonce, generation, ciphertext length, key check.
const POST_SALT_CHECKED_LEN: usize = NONCE_LEN + 8 + 4 + KEY_CHECK_LEN;

/// What a header says, readable without the password.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeaderInfo {
    /// Format version.
    pub format_version: u16,
    /// Argon2id parameters.
    pub kdf: KdfParams,
    /// Save counter.
    pub generation: u64,
}

/// A parsed, checked header and the slices it points at.
struct Parsed<'a> {
    info: HeaderInfo,
    salt: &'a [u8],
    nonce: [u8; NONCE_LEN],
    key_check: &'a [u8],
    /// The whole header: the AEAD's associated data.
    header: &'a [u8],
    /// Ciphertext without the tag.
    ciphertext: &'a [u8],
    tag: [u8; TAG_LEN],
}

/// Reads the header without the password: steps 1-6 of §Reading.
///
/// # Errors
/// [`VaultError::NotAVault`], [`VaultError::Corrupted`], [`VaultError::UnsupportedVersion`],
/// [`VaultError::WeakKdfParameters`] or [`VaultError::ExcessiveKdfParameters`].
pub fn peek(bytes: &[u8]) -> Result<HeaderInfo, VaultError> {
    parse(bytes).map(|p| p.info)
}

fn parse(bytes: &[u8]) -> Result<Parsed<'_>, VaultError> {
    // Step 1: magic.
    let Some(magic) = bytes.get(..MAGIC.len()) else {
        return Err(if MAGIC.starts_with(bytes) {
            VaultError::Corrupted
        } else {
            VaultError::NotAVault
        });
    };
    if magic != MAGIC {
        return Err(VaultError::NotAVault);
    }
    let mut r = Reader(bytes);
    r.take(MAGIC.len())?;

    // Step 2: version. Later versions dispatch here.
    let version = r.u16()?;
    match version {
        1 => {}
        0 => return Err(VaultError::Corrupted),
        found => {
            return Err(VaultError::UnsupportedVersion {
                found,
                supported: FORMAT_VERSION,
            })
        }
    }

    // Step 3: fixed fields up to the salt length.
    let kdf_id = r.u8()?;
    let kdf = KdfParams {
        memory_kib: r.u32()?,
        iterations: r.u32()?,
        parallelism: r.u32()?,
    };
    let salt_len = usize::from(r.u8()?);
    if !(MIN_SALT_LEN..=MAX_SALT_LEN).contains(&salt_len) {
        return Err(VaultError::Corrupted);
    }

    // Step 4: lengths.
    let salt = r.take(salt_len)?;
    let nonce: [u8; NONCE_LEN] = r.array()?;
    let generation = r.u64()?;
    let ct_len = usize::try_from(r.u32()?).map_err(|_| VaultError::Corrupted)?;
    let key_check = r.take(KEY_CHECK_LEN)?;
    let checked_len = PRE_SALT_LEN
        .checked_add(salt_len)
        .and_then(|n| n.checked_add(POST_SALT_CHECKED_LEN))
        .ok_or(VaultError::Corrupted)?;
    let checksum = r.take(CHECKSUM_LEN)?;
    if ct_len < TAG_LEN || r.0.len() != ct_len {
        return Err(VaultError::Corrupted);
    }
    let header_len = checked_len
        .checked_add(CHECKSUM_LEN)
        .ok_or(VaultError::Corrupted)?;
    let header = bytes.get(..header_len).ok_or(VaultError::Corrupted)?;
    let body_len = ct_len.checked_sub(TAG_LEN).ok_or(VaultError::Corrupted)?;
    let (ciphertext, tag) =
        r.0.split_at_checked(body_len)
            .ok_or(VaultError::Corrupted)?;
    let tag: [u8; TAG_LEN] = tag.try_into().map_err(|_| VaultError::Corrupted)?;

    // Step 5: checksum, before anything acts on the header's values.
    let covered = bytes.get(..checked_len).ok_or(VaultError::Corrupted)?;
    if header_checksum(covered) != checksum {
        return Err(VaultError::Corrupted);
    }

    // Step 6: KDF.
    if kdf_id != KDF_ARGON2ID {
        return Err(VaultError::Corrupted);
    }
    kdf.validate()?;

    Ok(Parsed {
        info: HeaderInfo {
            format_version: version,
            kdf,
            generation,
        },
        salt,
        nonce,
        key_check,
        header,
        ciphertext,
        tag,
    })
}

fn header_checksum(covered: &[u8]) -> [u8; CHECKSUM_LEN] {
    let digest = Sha256::digest(covered);
    let mut out = [0u8; CHECKSUM_LEN];
    if let Some(prefix) = digest.get(..CHECKSUM_LEN) {
        out.copy_from_slice(prefix);
    }
    out
}

/// Derives the key for a vault's salt and parameters from `password`, and checks it against
/// the header's key check (step 7 of §Reading). Runs Argon2id once.
///
/// # Errors
/// Any header error of [`peek`], [`VaultError::WrongPassword`], [`VaultError::OutOfMemory`].
pub fn derive_key(bytes: &[u8], password: &SecretString) -> Result<VaultKey, VaultError> {
    let parsed = parse(bytes)?;
    let key = VaultKey::derive(password, parsed.salt, parsed.info.kdf)?;
    if !key.matches(parsed.key_check) {
        return Err(VaultError::WrongPassword);
    }
    Ok(key)
}

/// Opens a vault with a key from [`derive_key`] (or an unlocked session): one AEAD, no KDF.
///
/// # Errors
/// Any header error of [`peek`]; [`VaultError::WrongPassword`] if the key belongs to another
/// password or salt; [`VaultError::Corrupted`] if the ciphertext or keyring is damaged;
/// [`VaultError::UnsupportedKeyringVersion`].
pub fn open_with_key(bytes: &[u8], key: &VaultKey) -> Result<(Keyring, HeaderInfo), VaultError> {
    let parsed = parse(bytes)?;
    if !key.matches(parsed.key_check) {
        return Err(VaultError::WrongPassword);
    }
    let mut buf = Zeroizing::new(parsed.ciphertext.to_vec());
    // Step 8: the tag is checked before anything is decrypted. (The AEAD is in
    // custodian-kernels: compiled at opt-level 3 whatever this crate's opt-level.)
    custodian_kernels::aead::xchacha20poly1305_open(
        key.aead_key.expose_secret(),
        &parsed.nonce,
        parsed.header,
        buf.as_mut_slice(),
        &parsed.tag,
    )
    .map_err(|_| VaultError::Corrupted)?;
    // Step 9.
    let keyring = Keyring::from_plaintext(&buf)?;
    Ok((keyring, parsed.info))
}

/// Opens a vault with its password: §Reading steps 1-9. Runs Argon2id once.
///
/// # Errors
/// See [`derive_key`] and [`open_with_key`].
pub fn open(bytes: &[u8], password: &SecretString) -> Result<(Keyring, HeaderInfo), VaultError> {
    let key = derive_key(bytes, password)?;
    open_with_key(bytes, &key)
}

/// Seals a keyring under a fresh key derived from `password` with a fresh random salt.
///
/// # Errors
/// [`VaultError::EmptyPassword`], KDF parameters outside the floor or ceiling, an invalid
/// keyring, or [`VaultError::TooLarge`].
pub fn seal(
    keyring: &Keyring,
    password: &SecretString,
    kdf: KdfParams,
    generation: u64,
    rng: &mut impl rand_core::CryptoRngCore,
) -> Result<Vec<u8>, VaultError> {
    let key = new_key(password, kdf, rng)?;
    seal_with_key(keyring, &key, generation, rng)
}

/// Derives a key for a new password with a fresh random salt.
pub(crate) fn new_key(
    password: &SecretString,
    kdf: KdfParams,
    rng: &mut impl rand_core::CryptoRngCore,
) -> Result<VaultKey, VaultError> {
    if password.expose_secret().is_empty() {
        return Err(VaultError::EmptyPassword);
    }
    kdf.validate()?;
    let mut salt = [0u8; SALT_LEN];
    rng.fill_bytes(&mut salt);
    VaultKey::derive(password, &salt, kdf)
}

/// Seals a keyring with an existing key (same salt) and a fresh random nonce.
///
/// # Errors
/// An invalid keyring, or [`VaultError::TooLarge`].
pub fn seal_with_key(
    keyring: &Keyring,
    key: &VaultKey,
    generation: u64,
    rng: &mut impl rand_core::CryptoRngCore,
) -> Result<Vec<u8>, VaultError> {
    let plaintext = keyring.to_plaintext()?;
    let salt_len = u8::try_from(key.salt.len()).map_err(|_| VaultError::Corrupted)?;
    let ct_len = plaintext
        .len()
        .checked_add(TAG_LEN)
        .ok_or(VaultError::TooLarge)?;
    let ct_len_u32 = u32::try_from(ct_len).map_err(|_| VaultError::TooLarge)?;
    let mut nonce = [0u8; NONCE_LEN];
    rng.fill_bytes(&mut nonce);

    let header_len = PRE_SALT_LEN
        .checked_add(key.salt.len())
        .and_then(|n| n.checked_add(POST_SALT_CHECKED_LEN + CHECKSUM_LEN))
        .ok_or(VaultError::TooLarge)?;
    let total = header_len.checked_add(ct_len).ok_or(VaultError::TooLarge)?;
    // Sized once: the plaintext is copied in and encrypted in place, so no reallocation can
    // leave a plaintext copy behind.
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_be_bytes());
    out.push(KDF_ARGON2ID);
    out.extend_from_slice(&key.kdf.memory_kib.to_be_bytes());
    out.extend_from_slice(&key.kdf.iterations.to_be_bytes());
    out.extend_from_slice(&key.kdf.parallelism.to_be_bytes());
    out.push(salt_len);
    out.extend_from_slice(&key.salt);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&generation.to_be_bytes());
    out.extend_from_slice(&ct_len_u32.to_be_bytes());
    out.extend_from_slice(&key.key_check);
    let checksum = header_checksum(&out);
    out.extend_from_slice(&checksum);
    out.extend_from_slice(&plaintext);

    let (header, body) = out.split_at_mut(header_len);
    let tag = custodian_kernels::aead::xchacha20poly1305_seal(
        key.aead_key.expose_secret(),
        &nonce,
        header,
        body,
    )
    .map_err(|_| VaultError::TooLarge)?;
    out.extend_from_slice(&tag);
    Ok(out)
}

/// A cursor over untrusted bytes; running out is [`VaultError::Corrupted`].
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], VaultError> {
        let (head, rest) = self.0.split_at_checked(n).ok_or(VaultError::Corrupted)?;
        self.0 = rest;
        Ok(head)
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N], VaultError> {
        self.take(N)?.try_into().map_err(|_| VaultError::Corrupted)
    }
    fn u8(&mut self) -> Result<u8, VaultError> {
        Ok(u8::from_be_bytes(self.array()?))
    }
    fn u16(&mut self) -> Result<u16, VaultError> {
        Ok(u16::from_be_bytes(self.array()?))
    }
    fn u32(&mut self) -> Result<u32, VaultError> {
        Ok(u32::from_be_bytes(self.array()?))
    }
    fn u64(&mut self) -> Result<u64, VaultError> {
        Ok(u64::from_be_bytes(self.array()?))
    }
}
