//! secp256k1 private keys and recoverable ECDSA signatures (RFC 6979, low-s per EIP-2).

use super::{decode_hex_key, KeyError};
use core::fmt;
use k256::ecdsa::{RecoveryId, Signature, SigningKey, VerifyingKey};

/// A secp256k1 private key. Zeroized on drop (k256 wipes its scalar), redacted in `Debug`.
pub struct Secp256k1PrivateKey(SigningKey);

/// A recoverable ECDSA signature: `r`, `s` (always low-s) and the recovery id (0 or 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecoverableSignature {
    /// The `r` value, big-endian.
    pub r: [u8; 32],
    /// The `s` value, big-endian, at most n/2.
    pub s: [u8; 32],
    /// Parity of the ephemeral point's y coordinate (`yParity` in typed Ethereum transactions).
    pub recovery_id: u8,
}

impl RecoverableSignature {
    /// The 65-byte `r || s || v` form with `v = 27 + recovery_id`, as `personal_sign` returns it.
    pub fn to_rsv_bytes(&self) -> [u8; 65] {
        let mut out = [0u8; 65];
        out[..32].copy_from_slice(&self.r);
        out[32..64].copy_from_slice(&self.s);
        out[64] = 27u8.saturating_add(self.recovery_id);
        out
    }
}

impl Secp256k1PrivateKey {
    /// A fresh key from the caller's cryptographic random source.
    pub fn generate(rng: &mut impl rand_core::CryptoRngCore) -> Self {
        Self(SigningKey::random(rng))
    }

    /// Imports 32 big-endian bytes; rejects zero and values at or above the group order.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, KeyError> {
        if bytes.len() != 32 {
            return Err(KeyError::WrongLength {
                expected: 32,
                actual: bytes.len(),
            });
        }
        if bytes.iter().all(|b| *b == 0) {
            return Err(KeyError::Zero);
        }
        SigningKey::from_slice(bytes)
            .map(Self)
            .map_err(|_| KeyError::OutOfRange)
    }

    /// Imports a hex private key (`0x` prefix optional).
    pub fn from_hex(text: &str) -> Result<Self, KeyError> {
        Self::from_bytes(&decode_hex_key(text)?)
    }

    /// The 32 private key bytes, wrapped so they are wiped when dropped.
    pub fn to_bytes(&self) -> crate::secret::SecretBytes<32> {
        let mut raw: [u8; 32] = self.0.to_bytes().into();
        crate::secret::SecretBytes::from_array(&mut raw)
    }

    /// The public key.
    pub fn public_key(&self) -> Secp256k1PublicKey {
        Secp256k1PublicKey(*self.0.verifying_key())
    }

    /// Signs a 32-byte digest deterministically (RFC 6979); `s` is normalised to low-s.
    ///
    /// This signs exactly the bytes given: callers are responsible for hashing with the
    /// domain separation of the format they sign (EIP-155, EIP-191, EIP-712, ...).
    pub fn sign_prehash(&self, digest: &[u8; 32]) -> RecoverableSignature {
        // Same signature as k256's sign_prehash_recoverable (RFC 6979 k, low-s, recovery id),
        // only faster. It fails only if RFC 6979 rejects 16 candidates in a row (probability
        // about 2^-2000) or r or s is zero; the zero signature keeps this function panic-free.
        // The signing code lives in custodian-kernels, compiled at opt-level 3 whatever this
        // crate's opt-level (see that crate's docs).
        match custodian_kernels::secp256k1::sign_prehash(&self.0, digest) {
            Ok((sig, recid)) => split(&sig, recid),
            Err(_) => RecoverableSignature {
                r: [0; 32],
                s: [0; 32],
                recovery_id: 0,
            },
        }
    }

    /// The underlying k256 key, for crates that need the trait objects (e.g. bip32).
    pub(crate) fn signing_key(&self) -> &SigningKey {
        &self.0
    }

    /// Wraps an already-validated k256 key.
    pub(crate) fn from_signing_key(key: SigningKey) -> Self {
        Self(key)
    }
}

fn split(sig: &Signature, recid: RecoveryId) -> RecoverableSignature {
    let (r, s) = sig.split_bytes();
    RecoverableSignature {
        r: r.into(),
        s: s.into(),
        recovery_id: recid.to_byte(),
    }
}

impl fmt::Debug for Secp256k1PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secp256k1PrivateKey([redacted])")
    }
}

/// A secp256k1 public key.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Secp256k1PublicKey(VerifyingKey);

impl Secp256k1PublicKey {
    /// Parses a SEC1 encoded point (33-byte compressed or 65-byte uncompressed).
    pub fn from_sec1(bytes: &[u8]) -> Result<Self, KeyError> {
        VerifyingKey::from_sec1_bytes(bytes)
            .map(Self)
            .map_err(|_| KeyError::InvalidPublicKey)
    }

    /// The 33-byte compressed SEC1 encoding.
    pub fn to_compressed(&self) -> [u8; 33] {
        let mut out = [0u8; 33];
        out.copy_from_slice(self.0.to_encoded_point(true).as_bytes());
        out
    }

    /// The 64-byte `x || y` encoding (uncompressed, without the 0x04 tag), which Ethereum hashes.
    pub fn to_uncompressed_xy(&self) -> [u8; 64] {
        let point = self.0.to_encoded_point(false);
        let mut out = [0u8; 64];
        if let Some(xy) = point.as_bytes().get(1..65) {
            out.copy_from_slice(xy);
        }
        out
    }

    /// Recovers the signer of `digest` from a recoverable signature; `None` if it does not recover.
    pub fn recover(digest: &[u8; 32], sig: &RecoverableSignature) -> Option<Self> {
        let mut rs = [0u8; 64];
        rs[..32].copy_from_slice(&sig.r);
        rs[32..].copy_from_slice(&sig.s);
        let signature = Signature::from_slice(&rs).ok()?;
        let recid = RecoveryId::from_byte(sig.recovery_id)?;
        VerifyingKey::recover_from_prehash(digest, &signature, recid)
            .ok()
            .map(Self)
    }

    /// The k256 verifying key.
    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.0
    }

    /// Wraps a k256 verifying key (always a valid point, never the identity).
    pub(crate) fn from_verifying_key(key: VerifyingKey) -> Self {
        Self(key)
    }
}

impl fmt::Debug for Secp256k1PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Secp256k1PublicKey({})",
            hex::encode(self.to_compressed())
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_rejects_bad_keys_with_clear_errors() {
        assert_eq!(
            Secp256k1PrivateKey::from_hex("0x1234").unwrap_err(),
            KeyError::WrongLength {
                expected: 32,
                actual: 2
            }
        );
        assert_eq!(
            Secp256k1PrivateKey::from_hex(&"00".repeat(32)).unwrap_err(),
            KeyError::Zero
        );
        // n, the group order, and n + 1 are out of range; n - 1 is the largest valid key.
        let n = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";
        assert_eq!(
            Secp256k1PrivateKey::from_hex(n).unwrap_err(),
            KeyError::OutOfRange
        );
        assert_eq!(
            Secp256k1PrivateKey::from_hex(&"ff".repeat(32)).unwrap_err(),
            KeyError::OutOfRange
        );
        let n_minus_1 = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140";
        assert!(Secp256k1PrivateKey::from_hex(n_minus_1).is_ok());
        assert_eq!(
            Secp256k1PrivateKey::from_hex("zz").unwrap_err(),
            KeyError::NotHex
        );
    }

    #[test]
    fn signatures_are_low_s_and_recover_to_the_signer() {
        let half_n =
            hex::decode("7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0")
                .unwrap();
        let key = Secp256k1PrivateKey::generate(&mut rand_core::OsRng);
        for i in 0u8..32 {
            let digest = [i; 32];
            let sig = key.sign_prehash(&digest);
            assert!(sig.s.as_slice() <= half_n.as_slice(), "high-s signature");
            let recovered = Secp256k1PublicKey::recover(&digest, &sig).unwrap();
            assert_eq!(recovered, key.public_key());
        }
    }

    /// RFC 6979 reduces the digest mod n before seeding its DRBG (bits2octets). Only a digest
    /// of n or more shows it; expected values from @noble/curves 2.4.0
    /// `secp256k1.sign(digest, 0x46…46, { prehash: false, format: 'recovered' })`.
    #[wasm_bindgen_test::wasm_bindgen_test(unsupported = test)]
    fn nonce_seed_reduces_a_digest_above_the_group_order() {
        let key = Secp256k1PrivateKey::from_hex(&"46".repeat(32)).unwrap();
        let cases = [
            (
                "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
                "0017884aecc9a888195524c5d53bdf8af29ba0bc8ab53aadb5d4ee7b39a474e5\
                 2f17d8339a72a6b608d2a2f2a3e4403bb567934e92f04af792b01347709f49b09f",
            ),
            (
                "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",
                "00e091a7ad7f6f7e7d95ed92dec060aed74cd95cfc73c1af9d736ac21b55352e6a\
                 721889335437c74f6c59b1cbd8565c7e044b36e1d6c4812d96deb2272507d2cb",
            ),
        ];
        for (digest, expected) in cases {
            let digest: [u8; 32] = hex::decode(digest).unwrap().try_into().unwrap();
            let sig = key.sign_prehash(&digest);
            let mut got = vec![sig.recovery_id];
            got.extend_from_slice(&sig.r);
            got.extend_from_slice(&sig.s);
            assert_eq!(hex::encode(got), expected);
        }
    }

    #[test]
    fn debug_does_not_print_the_key() {
        let key = Secp256k1PrivateKey::from_hex(&"46".repeat(32)).unwrap();
        let text = format!("{key:?}");
        assert!(!text.contains("4646"), "{text}");
    }
}
