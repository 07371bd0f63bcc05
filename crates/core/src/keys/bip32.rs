//! BIP-32 hierarchical deterministic keys for secp256k1, and their `xprv` / `xpub` text.
//!
//! Written on HMAC-SHA512 and k256 rather than with the `bip32` crate, whose 0.5 parser
//! accepts 4 of the 16 invalid keys of BIP-32 test vector 5 (the depth-0 consistency rules),
//! answers every other one with the same opaque "cryptographic error", turns an `xprv` into an
//! `xpub` when asked to parse an `xpub`, and leaves derivation intermediates unwiped. SLIP-0010
//! needs the same HMAC chain for Ed25519 anyway ([`super::slip10`]).
//!
//! SLIP-0010 for secp256k1 is this same algorithm: its secp256k1 vectors run through this code.

use super::hash::{base58_checksum, fingerprint, hmac_sha512, split_halves};
use super::path::{ChildNumber, DerivationPath};
use super::secp256k1::{Secp256k1PrivateKey, Secp256k1PublicKey};
use super::secret32;
use crate::secret::{SecretBytes, SecretString};
use core::fmt;
use core::ops::{Add, Mul};
use k256::ecdsa::{SigningKey, VerifyingKey};
use k256::elliptic_curve::ff::PrimeField;
use k256::{NonZeroScalar, ProjectivePoint, Scalar};
use zeroize::{Zeroize, Zeroizing};

/// HMAC key for the master node (BIP-32, "Master key generation").
const MASTER_HMAC_KEY: &[u8; 12] = b"Bitcoin seed";

/// Mainnet `xprv` version bytes.
const XPRV_VERSION: [u8; 4] = [0x04, 0x88, 0xAD, 0xE4];

/// Mainnet `xpub` version bytes.
const XPUB_VERSION: [u8; 4] = [0x04, 0x88, 0xB2, 0x1E];

/// Serialised extended key: version, depth, parent fingerprint, child number, chain code, key.
const PAYLOAD_LEN: usize = 4 + 1 + 4 + 4 + 32 + 33;

/// Payload plus the 4-byte Base58Check checksum.
const ENCODED_LEN: usize = PAYLOAD_LEN + 4;

/// Why a key could not be derived, or an `xprv` / `xpub` could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Bip32Error {
    /// The seed is shorter than 16 or longer than 64 bytes (BIP-32 allows 128 to 512 bits).
    #[error("a BIP-32 seed is 16 to 64 bytes; got {found}")]
    SeedLength {
        /// Bytes given.
        found: usize,
    },
    /// This seed or index gives no valid key (BIP-32 says to move on to the next index).
    #[error("this index gives an invalid key (odds below 1 in 2^127); use the next index")]
    InvalidDerivedKey,
    /// Deriving would pass depth 255, the most BIP-32 can serialise.
    #[error("keys cannot be derived more than 255 levels deep")]
    DepthExceeded,
    /// A hardened step was asked of a public key, which only the private key can do.
    #[error("a hardened child cannot be derived from an extended public key")]
    HardenedFromPublic,
    /// The text has characters outside the Base58 alphabet.
    #[error("extended key is not valid base58")]
    NotBase58,
    /// The text decodes to something other than 82 bytes.
    #[error("extended key has the wrong length")]
    Length,
    /// The Base58Check checksum does not match: most likely a typo.
    #[error("extended key checksum does not match; check it for a typo")]
    Checksum,
    /// Version bytes other than mainnet `xprv` or `xpub`.
    #[error("unknown extended key version; only mainnet xprv and xpub keys are supported")]
    UnknownVersion,
    /// An `xprv` version carrying a public key, or an `xpub` version carrying a private key.
    #[error("extended key version and key data disagree about private or public")]
    VersionKeyMismatch,
    /// Depth 0 (a master key) with a non-zero parent fingerprint.
    #[error("a master (depth 0) extended key must have parent fingerprint 00000000")]
    MasterWithParentFingerprint,
    /// Depth 0 (a master key) with a non-zero child number.
    #[error("a master (depth 0) extended key must have child number 0")]
    MasterWithChildNumber,
    /// The private key is malformed, zero, or not below the group order.
    #[error("the private key in this xprv is invalid")]
    InvalidPrivateKey,
    /// The public key is malformed or not a point on secp256k1.
    #[error("the public key in this xpub is invalid")]
    InvalidPublicKey,
    /// An `xpub` where an `xprv` was needed.
    #[error("this is an extended public key (xpub); an xprv is needed")]
    ExpectedPrivate,
    /// An `xprv` where an `xpub` was asked for; refused so a private key is not mistaken for
    /// shareable data.
    #[error("this is an extended private key (xprv), not an xpub; keep it secret")]
    ExpectedPublic,
}

/// Where a key sits in the tree: what an extended key carries besides key and chain code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NodeInfo {
    /// 0 for the master key, then one more per step.
    pub depth: u8,
    /// First 4 bytes of HASH160 of the parent's compressed public key; zero for the master.
    pub parent_fingerprint: [u8; 4],
    /// The step that led here from the parent; zero for the master.
    pub child_number: ChildNumber,
}

impl NodeInfo {
    const MASTER: Self = Self {
        depth: 0,
        parent_fingerprint: [0; 4],
        child_number: ChildNumber::from_u32(0),
    };
}

/// A secp256k1 private key with its chain code: a node of a BIP-32 tree.
///
/// Not `Clone`; key and chain code are zeroized on drop and redacted in `Debug`.
pub struct ExtendedPrivateKey {
    key: Secp256k1PrivateKey,
    chain_code: SecretBytes<32>,
    info: NodeInfo,
}

impl ExtendedPrivateKey {
    /// The master key of the tree grown from `seed` (for a BIP-39 seed, 64 bytes).
    ///
    /// # Errors
    /// [`Bip32Error::SeedLength`] outside 16-64 bytes; [`Bip32Error::InvalidDerivedKey`] in the
    /// negligible case that the seed hashes to an invalid key.
    pub fn from_seed(seed: &[u8]) -> Result<Self, Bip32Error> {
        if !(16..=64).contains(&seed.len()) {
            return Err(Bip32Error::SeedLength { found: seed.len() });
        }
        let i = hmac_sha512(MASTER_HMAC_KEY, &[seed]);
        let (il, ir) = split_halves(&i);
        let key = Secp256k1PrivateKey::from_bytes(il).map_err(|_| Bip32Error::InvalidDerivedKey)?;
        Ok(Self {
            key,
            chain_code: secret32(ir),
            info: NodeInfo::MASTER,
        })
    }

    /// The child at `child` (CKDpriv), hardened or normal.
    ///
    /// # Errors
    /// [`Bip32Error::DepthExceeded`] below depth 255; [`Bip32Error::InvalidDerivedKey`] when
    /// the index gives no valid key (probability below 2^-127).
    pub fn derive_child(&self, child: ChildNumber) -> Result<Self, Bip32Error> {
        let depth = self
            .info
            .depth
            .checked_add(1)
            .ok_or(Bip32Error::DepthExceeded)?;
        let parent_public = self.key.public_key().to_compressed();
        let index = child.to_u32().to_be_bytes();
        let i = if child.is_hardened() {
            let secret = self.key.to_bytes();
            hmac_sha512(
                self.chain_code.expose_secret(),
                &[&[0u8], secret.expose_secret(), &index],
            )
        } else {
            hmac_sha512(self.chain_code.expose_secret(), &[&parent_public, &index])
        };
        let (il, ir) = split_halves(&i);
        // k_child = I_L + k_parent (mod n); invalid if I_L >= n or the sum is zero.
        let mut tweak = Option::<Scalar>::from(Scalar::from_repr((*il).into()))
            .ok_or(Bip32Error::InvalidDerivedKey)?;
        let mut sum = tweak.add(self.key.signing_key().as_nonzero_scalar().as_ref());
        let child_key = Option::<NonZeroScalar>::from(NonZeroScalar::new(sum));
        tweak.zeroize();
        sum.zeroize();
        let key = SigningKey::from(child_key.ok_or(Bip32Error::InvalidDerivedKey)?);
        Ok(Self {
            key: Secp256k1PrivateKey::from_signing_key(key),
            chain_code: secret32(ir),
            info: NodeInfo {
                depth,
                parent_fingerprint: fingerprint(&parent_public),
                child_number: child,
            },
        })
    }

    /// The key reached by applying every step of `path` below this one.
    ///
    /// # Errors
    /// As [`Self::derive_child`].
    pub fn derive_path(&self, path: &DerivationPath) -> Result<Self, Bip32Error> {
        let mut steps = path.steps().iter();
        let Some(first) = steps.next() else {
            return Ok(Self {
                key: Secp256k1PrivateKey::from_signing_key(self.key.signing_key().clone()),
                chain_code: self.chain_code.duplicate(),
                info: self.info,
            });
        };
        let mut node = self.derive_child(*first)?;
        for step in steps {
            node = node.derive_child(*step)?;
        }
        Ok(node)
    }

    /// The signing key at this node.
    pub fn private_key(&self) -> &Secp256k1PrivateKey {
        &self.key
    }

    /// The signing key at this node, dropping the chain code.
    pub fn into_private_key(self) -> Secp256k1PrivateKey {
        self.key
    }

    /// The chain code: with the public key it derives every non-hardened child public key.
    pub fn chain_code(&self) -> &SecretBytes<32> {
        &self.chain_code
    }

    /// Depth, parent fingerprint and child number.
    pub fn info(&self) -> NodeInfo {
        self.info
    }

    /// This key's own fingerprint (what its children carry as parent fingerprint).
    pub fn fingerprint(&self) -> [u8; 4] {
        fingerprint(&self.key.public_key().to_compressed())
    }

    /// The extended public key of this node (the "neutered" key).
    pub fn public_key(&self) -> ExtendedPublicKey {
        ExtendedPublicKey {
            key: self.key.public_key(),
            chain_code: *self.chain_code.expose_secret(),
            info: self.info,
        }
    }

    /// The `xprv...` text (mainnet version bytes).
    pub fn to_xprv(&self) -> SecretString {
        let secret = self.key.to_bytes();
        let mut key_data = Zeroizing::new([0u8; 33]);
        for (dst, src) in key_data.iter_mut().skip(1).zip(secret.expose_secret()) {
            *dst = *src;
        }
        let mut text = encode(
            XPRV_VERSION,
            &self.info,
            self.chain_code.expose_secret(),
            &key_data,
        );
        SecretString::new(core::mem::take(&mut *text))
    }

    /// Reads an `xprv`.
    ///
    /// # Errors
    /// Any of the parsing errors of [`ExtendedKey::parse`], or [`Bip32Error::ExpectedPrivate`]
    /// for a valid `xpub`.
    pub fn from_xprv(text: &str) -> Result<Self, Bip32Error> {
        match ExtendedKey::parse(text)? {
            ExtendedKey::Private(key) => Ok(key),
            ExtendedKey::Public(_) => Err(Bip32Error::ExpectedPrivate),
        }
    }
}

impl fmt::Debug for ExtendedPrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ExtendedPrivateKey([redacted])")
    }
}

/// A secp256k1 public key with its chain code: derives non-hardened children without secrets.
#[derive(Clone, PartialEq, Eq)]
pub struct ExtendedPublicKey {
    key: Secp256k1PublicKey,
    chain_code: [u8; 32],
    info: NodeInfo,
}

impl ExtendedPublicKey {
    /// The non-hardened child at `child` (CKDpub).
    ///
    /// # Errors
    /// [`Bip32Error::HardenedFromPublic`] for a hardened step, [`Bip32Error::DepthExceeded`],
    /// and [`Bip32Error::InvalidDerivedKey`] (probability below 2^-127).
    pub fn derive_child(&self, child: ChildNumber) -> Result<Self, Bip32Error> {
        if child.is_hardened() {
            return Err(Bip32Error::HardenedFromPublic);
        }
        let depth = self
            .info
            .depth
            .checked_add(1)
            .ok_or(Bip32Error::DepthExceeded)?;
        let parent_public = self.key.to_compressed();
        let i = hmac_sha512(
            &self.chain_code,
            &[&parent_public, &child.to_u32().to_be_bytes()],
        );
        let (il, ir) = split_halves(&i);
        // K_child = I_L * G + K_parent; invalid if I_L >= n or the sum is the point at infinity.
        let tweak = Option::<Scalar>::from(Scalar::from_repr((*il).into()))
            .ok_or(Bip32Error::InvalidDerivedKey)?;
        let parent_point = ProjectivePoint::from(*self.key.verifying_key().as_affine());
        let point = ProjectivePoint::GENERATOR.mul(tweak).add(parent_point);
        let key = VerifyingKey::from_affine(point.to_affine())
            .map_err(|_| Bip32Error::InvalidDerivedKey)?;
        Ok(Self {
            key: Secp256k1PublicKey::from_verifying_key(key),
            chain_code: *ir,
            info: NodeInfo {
                depth,
                parent_fingerprint: fingerprint(&parent_public),
                child_number: child,
            },
        })
    }

    /// The public key reached by applying every (non-hardened) step of `path` below this one.
    ///
    /// # Errors
    /// As [`Self::derive_child`].
    pub fn derive_path(&self, path: &DerivationPath) -> Result<Self, Bip32Error> {
        let mut node = self.clone();
        for step in path.steps() {
            node = node.derive_child(*step)?;
        }
        Ok(node)
    }

    /// The public key at this node.
    pub fn public_key(&self) -> Secp256k1PublicKey {
        self.key
    }

    /// The chain code.
    pub fn chain_code(&self) -> [u8; 32] {
        self.chain_code
    }

    /// Depth, parent fingerprint and child number.
    pub fn info(&self) -> NodeInfo {
        self.info
    }

    /// This key's own fingerprint.
    pub fn fingerprint(&self) -> [u8; 4] {
        fingerprint(&self.key.to_compressed())
    }

    /// The `xpub...` text (mainnet version bytes).
    pub fn to_xpub(&self) -> String {
        let mut text = encode(
            XPUB_VERSION,
            &self.info,
            &self.chain_code,
            &self.key.to_compressed(),
        );
        core::mem::take(&mut *text)
    }

    /// Reads an `xpub`.
    ///
    /// # Errors
    /// Any of the parsing errors of [`ExtendedKey::parse`], or [`Bip32Error::ExpectedPublic`]
    /// for a valid `xprv` (which is dropped and wiped).
    pub fn from_xpub(text: &str) -> Result<Self, Bip32Error> {
        match ExtendedKey::parse(text)? {
            ExtendedKey::Public(key) => Ok(key),
            ExtendedKey::Private(_) => Err(Bip32Error::ExpectedPublic),
        }
    }
}

impl fmt::Debug for ExtendedPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ExtendedPublicKey({})", self.to_xpub())
    }
}

/// An `xprv` or `xpub`, as read from text.
#[derive(Debug)]
pub enum ExtendedKey {
    /// An `xprv`.
    Private(ExtendedPrivateKey),
    /// An `xpub`.
    Public(ExtendedPublicKey),
}

impl ExtendedKey {
    /// Reads a mainnet `xprv` or `xpub`, checking everything BIP-32 test vector 5 checks.
    /// Surrounding whitespace is ignored.
    ///
    /// # Errors
    /// [`Bip32Error::NotBase58`], [`Bip32Error::Length`], [`Bip32Error::Checksum`],
    /// [`Bip32Error::UnknownVersion`], [`Bip32Error::MasterWithParentFingerprint`],
    /// [`Bip32Error::MasterWithChildNumber`], [`Bip32Error::VersionKeyMismatch`],
    /// [`Bip32Error::InvalidPrivateKey`] or [`Bip32Error::InvalidPublicKey`].
    pub fn parse(text: &str) -> Result<Self, Bip32Error> {
        let mut raw = Zeroizing::new([0u8; ENCODED_LEN]);
        let len = bs58::decode(text.trim())
            .onto(raw.as_mut_slice())
            .map_err(|e| match e {
                bs58::decode::Error::BufferTooSmall => Bip32Error::Length,
                _ => Bip32Error::NotBase58,
            })?;
        if len != ENCODED_LEN {
            return Err(Bip32Error::Length);
        }
        let (payload, checksum) = raw.split_at(PAYLOAD_LEN);
        if base58_checksum(payload) != checksum {
            return Err(Bip32Error::Checksum);
        }
        let fields = Fields::split(payload).ok_or(Bip32Error::Length)?;
        let private = match fields.version {
            XPRV_VERSION => true,
            XPUB_VERSION => false,
            _ => return Err(Bip32Error::UnknownVersion),
        };
        if fields.info.depth == 0 {
            if fields.info.parent_fingerprint != [0; 4] {
                return Err(Bip32Error::MasterWithParentFingerprint);
            }
            if fields.info.child_number.to_u32() != 0 {
                return Err(Bip32Error::MasterWithChildNumber);
            }
        }
        let (prefix, key) = fields.key_data.split_first().ok_or(Bip32Error::Length)?;
        match (private, *prefix) {
            (true, 0x00) => {
                let key = Secp256k1PrivateKey::from_bytes(key)
                    .map_err(|_| Bip32Error::InvalidPrivateKey)?;
                Ok(Self::Private(ExtendedPrivateKey {
                    key,
                    chain_code: secret32(fields.chain_code),
                    info: fields.info,
                }))
            }
            (true, 0x02 | 0x03) | (false, 0x00) => Err(Bip32Error::VersionKeyMismatch),
            (true, _) => Err(Bip32Error::InvalidPrivateKey),
            (false, 0x02 | 0x03) => {
                let key = Secp256k1PublicKey::from_sec1(fields.key_data)
                    .map_err(|_| Bip32Error::InvalidPublicKey)?;
                Ok(Self::Public(ExtendedPublicKey {
                    key,
                    chain_code: *fields.chain_code,
                    info: fields.info,
                }))
            }
            (false, _) => Err(Bip32Error::InvalidPublicKey),
        }
    }
}

/// The fields of a 78-byte serialised extended key, borrowed from the decoded buffer.
struct Fields<'a> {
    version: [u8; 4],
    info: NodeInfo,
    chain_code: &'a [u8; 32],
    key_data: &'a [u8; 33],
}

impl<'a> Fields<'a> {
    fn split(payload: &'a [u8]) -> Option<Self> {
        let (version, rest) = payload.split_first_chunk::<4>()?;
        let (depth, rest) = rest.split_first()?;
        let (parent_fingerprint, rest) = rest.split_first_chunk::<4>()?;
        let (child_number, rest) = rest.split_first_chunk::<4>()?;
        let (chain_code, rest) = rest.split_first_chunk::<32>()?;
        let key_data: &[u8; 33] = rest.try_into().ok()?;
        Some(Self {
            version: *version,
            info: NodeInfo {
                depth: *depth,
                parent_fingerprint: *parent_fingerprint,
                child_number: ChildNumber::from_u32(u32::from_be_bytes(*child_number)),
            },
            chain_code,
            key_data,
        })
    }
}

/// Base58Check of version || depth || parent fingerprint || child number || chain code || key.
fn encode(
    version: [u8; 4],
    info: &NodeInfo,
    chain_code: &[u8; 32],
    key_data: &[u8; 33],
) -> Zeroizing<String> {
    let mut raw = Zeroizing::new([0u8; ENCODED_LEN]);
    let child_number = info.child_number.to_u32().to_be_bytes();
    let fields = version
        .iter()
        .chain(core::iter::once(&info.depth))
        .chain(info.parent_fingerprint.iter())
        .chain(child_number.iter())
        .chain(chain_code.iter())
        .chain(key_data.iter());
    for (dst, src) in raw.iter_mut().zip(fields) {
        *dst = *src;
    }
    let (payload, checksum) = raw.split_at_mut(PAYLOAD_LEN);
    for (dst, src) in checksum.iter_mut().zip(base58_checksum(payload)) {
        *dst = src;
    }
    // bs58 sizes its output buffer once, so no partial copy of an xprv is left by a regrowth.
    Zeroizing::new(bs58::encode(raw.as_slice()).into_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    const SEED_1: &str = "000102030405060708090a0b0c0d0e0f";

    #[wasm_bindgen_test(unsupported = test)]
    fn seed_length_is_checked() {
        for len in [0usize, 15, 65, 128] {
            assert_eq!(
                ExtendedPrivateKey::from_seed(&vec![1; len]).unwrap_err(),
                Bip32Error::SeedLength { found: len }
            );
        }
        for len in [16usize, 33, 64] {
            assert!(ExtendedPrivateKey::from_seed(&vec![1; len]).is_ok());
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn hardened_from_public_is_refused() {
        let master = ExtendedPrivateKey::from_seed(&hex::decode(SEED_1).unwrap()).unwrap();
        let xpub = master.public_key();
        assert_eq!(
            xpub.derive_child(ChildNumber::hardened(0).unwrap())
                .unwrap_err(),
            Bip32Error::HardenedFromPublic
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn depth_255_is_the_limit() {
        let master = ExtendedPrivateKey::from_seed(&hex::decode(SEED_1).unwrap()).unwrap();
        let path = DerivationPath::from_steps(vec![ChildNumber::from_u32(1); 255]).unwrap();
        let deep = master.derive_path(&path).unwrap();
        assert_eq!(deep.info().depth, 255);
        assert_eq!(
            deep.derive_child(ChildNumber::from_u32(0)).unwrap_err(),
            Bip32Error::DepthExceeded
        );
        // The public chain agrees with the private one all the way down.
        let deep_public = master.public_key().derive_path(&path).unwrap();
        assert_eq!(deep_public, deep.public_key());
        assert_eq!(
            deep_public
                .derive_child(ChildNumber::from_u32(0))
                .unwrap_err(),
            Bip32Error::DepthExceeded
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn xprv_and_xpub_are_not_interchangeable() {
        let master = ExtendedPrivateKey::from_seed(&hex::decode(SEED_1).unwrap()).unwrap();
        let xprv = master.to_xprv();
        let xpub = master.public_key().to_xpub();
        assert_eq!(
            ExtendedPublicKey::from_xpub(xprv.expose_secret()).unwrap_err(),
            Bip32Error::ExpectedPublic
        );
        assert_eq!(
            ExtendedPrivateKey::from_xprv(&xpub).unwrap_err(),
            Bip32Error::ExpectedPrivate
        );
        let padded = format!("  {}\n", xprv.expose_secret());
        let again = ExtendedPrivateKey::from_xprv(&padded).unwrap();
        assert_eq!(again.to_xprv(), xprv);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn malformed_text() {
        assert_eq!(ExtendedKey::parse("").unwrap_err(), Bip32Error::Length);
        assert_eq!(
            ExtendedKey::parse("xprv0OIl").unwrap_err(),
            Bip32Error::NotBase58
        );
        assert_eq!(
            ExtendedKey::parse("xprv9s21").unwrap_err(),
            Bip32Error::Length
        );
        let long = "1".repeat(200);
        assert_eq!(ExtendedKey::parse(&long).unwrap_err(), Bip32Error::Length);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn debug_output() {
        let master = ExtendedPrivateKey::from_seed(&hex::decode(SEED_1).unwrap()).unwrap();
        assert_eq!(format!("{master:?}"), "ExtendedPrivateKey([redacted])");
        let text = format!("{:?}", master.public_key());
        assert!(text.starts_with("ExtendedPublicKey(xpub"), "{text}");
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod prop {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn parse_never_panics(text in "[1-9A-HJ-NP-Za-km-z]{0,120}") {
                let _ = ExtendedKey::parse(&text);
            }

            // Public derivation of a normal step equals the public key of private derivation.
            #[test]
            fn ckd_pub_matches_ckd_priv(seed in any::<[u8; 32]>(), index in 0u32..0x8000_0000) {
                let master = ExtendedPrivateKey::from_seed(&seed).unwrap();
                let child = ChildNumber::normal(index).unwrap();
                let via_private = master.derive_child(child).unwrap().public_key();
                let via_public = master.public_key().derive_child(child).unwrap();
                prop_assert_eq!(via_private, via_public);
            }
        }
    }
}
