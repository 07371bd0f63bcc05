//! ECDSA over secp256k1 as custodian-core signs: RFC 6979 nonce, low-s, recovery id, with the
//! nonce inverted through a mask (docs/benchmarks.md, "secp256k1: precomputed tables and a
//! blinded inversion").

use k256::ecdsa::hazmat::{bits2field, SignPrimitive};
use k256::ecdsa::{RecoveryId, Signature, SigningKey};
use k256::elliptic_curve::{ops::Invert, subtle::CtOption, PrimeField};
use k256::{FieldBytes, Scalar, Secp256k1};
use zeroize::Zeroizing;

/// Why a signature could not be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// RFC 6979 rejected 16 nonce candidates in a row (probability about 2^-2000), or r or s
    /// came out zero (about 2^-256).
    #[error("no valid signature for this digest")]
    NoSignature,
}

/// Signs a 32-byte digest: the same signature as k256's `sign_prehash_recoverable` (RFC 6979
/// k, low-s, recovery id from R), with k⁻¹ computed as (k·m)⁻¹·m.
///
/// Why: k256's constant-time inversion (an addition chain of ~255 squarings) was a fifth of a
/// signature in WASM; its variable-time binary GCD is about 4x faster but its running time
/// depends on the input, so it must never see k. It sees k·m instead: the mask m is the next
/// output of the same RFC 6979 HMAC-DRBG that produced k, so it is secret (keyed by the private
/// key), uniform on [1, n-1] and independent of k, which makes k·m uniform and independent of k
/// too; the timing of its inversion says nothing about k. Deriving m instead of asking the
/// host for randomness keeps signing deterministic (byte-identical to RFC 6979, the KATs check
/// it) and keeps this function free of an RNG parameter; the same (key, digest) always gives the
/// same m, so repeated signing of one digest exposes no new timing either.
///
/// # Errors
/// [`SignError::NoSignature`], which no input is known to cause.
#[inline(never)]
pub fn sign_prehash(
    key: &SigningKey,
    digest: &[u8; 32],
) -> Result<(Signature, RecoveryId), SignError> {
    let no_signature = |_| SignError::NoSignature;
    let d = key.as_nonzero_scalar();
    let z = bits2field::<Secp256k1>(digest).map_err(no_signature)?;
    // RFC 6979 seeds the DRBG with int2octets(x) || bits2octets(h1): the digest reduced mod n,
    // as noble and ethers do. (k256 0.13 feeds it unreduced, which differs only for a digest of
    // n or more: probability about 2^-128; custodian-core's tests pin the RFC's choice.)
    let reduced_z = <Scalar as k256::elliptic_curve::ops::Reduce<k256::U256>>::reduce_bytes(&z);
    let mut drbg = rfc6979::HmacDrbg::<sha2::Sha256>::new(&d.to_repr(), &reduced_z.to_repr(), &[]);
    let k = next_scalar(&mut drbg)?;
    let mask = next_scalar(&mut drbg)?;
    let (sig, recid) = d
        .as_ref()
        .try_sign_prehashed(Blinded { k, mask }, &z)
        .map_err(no_signature)?;
    Ok((sig, recid.ok_or(SignError::NoSignature)?))
}

/// k, with an `Invert` that goes through the mask.
struct Blinded {
    k: Zeroizing<Scalar>,
    mask: Zeroizing<Scalar>,
}

impl AsRef<Scalar> for Blinded {
    fn as_ref(&self) -> &Scalar {
        &self.k
    }
}

impl Invert for Blinded {
    type Output = CtOption<Scalar>;
    fn invert(&self) -> CtOption<Scalar> {
        let blinded = Zeroizing::new(self.k.mul(&self.mask));
        blinded
            .invert_vartime()
            .map(|inverse| inverse.mul(&self.mask))
    }
}

/// RFC 6979 section 3.2 step h: draw until the candidate is in [1, n-1].
fn next_scalar(drbg: &mut rfc6979::HmacDrbg<sha2::Sha256>) -> Result<Zeroizing<Scalar>, SignError> {
    let mut bytes = Zeroizing::new(FieldBytes::default());
    for _ in 0..16 {
        drbg.fill_bytes(&mut bytes);
        let candidate = Option::<Scalar>::from(Scalar::from_repr(*bytes)).map(Zeroizing::new);
        if let Some(scalar) = candidate.filter(|s| !bool::from(s.is_zero())) {
            return Ok(scalar);
        }
    }
    Err(SignError::NoSignature)
}
