//! One level of Shamir sharing as SLIP-0039 defines it ("Sharing a secret"): the secret is
//! the polynomial's value at x = 255 and a digest of it the value at x = 254, so a wrong set
//! of shares is detected instead of silently giving a different secret.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::gf256::interpolate;
use super::Slip39Error;

/// x of the shared secret.
const SECRET_INDEX: u8 = 255;
/// x of the digest share.
const DIGEST_INDEX: u8 = 254;
/// Bytes of HMAC-SHA256 output kept as the digest.
const DIGEST_LEN: usize = 4;

/// The `count` share values of a `threshold`-of-`count` sharing of `secret`; share i (from 0)
/// is the value at x = i.
///
/// The caller has checked 1 <= threshold <= count <= 16 and that the secret has at least 16
/// bytes, so the digest's random part is never empty.
pub(super) fn split_secret(
    threshold: u8,
    count: u8,
    secret: &[u8],
    rng: &mut impl rand_core::CryptoRngCore,
) -> Vec<Zeroizing<Vec<u8>>> {
    if threshold == 1 {
        // A degree-0 polynomial: every share is the secret itself.
        return (0..count)
            .map(|_| Zeroizing::new(secret.to_vec()))
            .collect();
    }
    let len = secret.len();
    // threshold - 2 shares are random; the digest and the secret fix the other two degrees
    // of freedom, and the remaining shares are interpolated.
    let random_count = threshold.saturating_sub(2);
    let mut shares: Vec<Zeroizing<Vec<u8>>> = Vec::with_capacity(usize::from(count));
    for _ in 0..random_count {
        let mut value = Zeroizing::new(vec![0u8; len]);
        rng.fill_bytes(&mut value);
        shares.push(value);
    }
    let digest_share = digest_share(secret, rng);
    let mut interpolated = Vec::with_capacity(usize::from(count.saturating_sub(random_count)));
    {
        let mut base: Vec<(u8, &[u8])> = (0u8..).zip(shares.iter().map(|s| s.as_slice())).collect();
        base.push((DIGEST_INDEX, &digest_share));
        base.push((SECRET_INDEX, secret));
        for x in random_count..count {
            interpolated.push(interpolate(x, &base, len));
        }
    }
    shares.extend(interpolated);
    shares
}

/// The secret at x = 255 from exactly `threshold` shares with distinct x (checked by the
/// caller), after checking the digest at x = 254.
///
/// # Errors
/// [`Slip39Error::DigestMismatch`]: the shares are not points of one sharing.
pub(super) fn recover_secret(
    threshold: u8,
    points: &[(u8, &[u8])],
    len: usize,
) -> Result<Zeroizing<Vec<u8>>, Slip39Error> {
    if threshold == 1 {
        let (_, value) = points.first().ok_or(Slip39Error::DigestMismatch)?;
        return Ok(Zeroizing::new(value.to_vec()));
    }
    let secret = interpolate(SECRET_INDEX, points, len);
    let digest_share = interpolate(DIGEST_INDEX, points, len);
    let (digest, random_part) = digest_share
        .split_at_checked(DIGEST_LEN)
        .ok_or(Slip39Error::DigestMismatch)?;
    let expected = digest_of(random_part, &secret);
    if bool::from(expected.as_slice().ct_eq(digest)) {
        Ok(secret)
    } else {
        Err(Slip39Error::DigestMismatch)
    }
}

/// D = HMAC-SHA256(key = R, msg = S)[..4] || R, with R random (n - 4 bytes).
fn digest_share(secret: &[u8], rng: &mut impl rand_core::CryptoRngCore) -> Zeroizing<Vec<u8>> {
    let mut random_part = Zeroizing::new(vec![0u8; secret.len().saturating_sub(DIGEST_LEN)]);
    rng.fill_bytes(&mut random_part);
    let mut share = Zeroizing::new(Vec::with_capacity(secret.len()));
    share.extend_from_slice(digest_of(&random_part, secret).as_slice());
    share.extend_from_slice(&random_part);
    share
}

fn digest_of(key: &[u8], secret: &[u8]) -> Zeroizing<[u8; DIGEST_LEN]> {
    let mut out = Zeroizing::new([0u8; DIGEST_LEN]);
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail here.
    if let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) {
        mac.update(secret);
        let full = Zeroizing::new(mac.finalize().into_bytes());
        for (o, b) in out.iter_mut().zip(full.iter()) {
            *o = *b;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn any_threshold_subset_recovers_and_a_tampered_one_fails() {
        let secret: Vec<u8> = (100u8..116).collect();
        let mut rng = rand_core::OsRng;
        for (threshold, count) in [(1u8, 1u8), (2, 3), (3, 5), (5, 5), (16, 16)] {
            let shares = split_secret(threshold, count, &secret, &mut rng);
            assert_eq!(shares.len(), usize::from(count));
            let t = usize::from(threshold);
            for start in 0..=(shares.len() - t) {
                let points: Vec<(u8, &[u8])> = (start..start + t)
                    .map(|i| (i as u8, shares[i].as_slice()))
                    .collect();
                assert_eq!(*recover_secret(threshold, &points, 16).unwrap(), secret);
            }
            if threshold > 1 {
                let mut bad = shares[0].to_vec();
                bad[3] ^= 0x40;
                let mut points: Vec<(u8, &[u8])> =
                    (1..t).map(|i| (i as u8, shares[i].as_slice())).collect();
                points.push((0, &bad));
                assert_eq!(
                    recover_secret(threshold, &points, 16).unwrap_err(),
                    Slip39Error::DigestMismatch
                );
            }
        }
    }
}
