//! The two hashes every derivation scheme here shares: HMAC-SHA512 and HASH160.

use hmac::digest::{FixedOutput, KeyInit};
use hmac::{Hmac, Mac};
use ripemd::Ripemd160;
use sha2::{Digest, Sha256, Sha512};
use zeroize::Zeroizing;

/// SHA-512 block size: HMAC zero-pads shorter keys to this length (RFC 2104, section 2).
const SHA512_BLOCK: usize = 128;

/// HMAC-SHA512 of the concatenated `parts` under `key`.
///
/// The key is zero-padded to one block before keying, which is exactly what HMAC does with a
/// short key; doing it here lets us use the fixed-size constructor, which cannot fail, instead
/// of `new_from_slice`, whose error case is unreachable but would need handling. Every key in
/// BIP-32 and SLIP-0010 (a 12-byte label or a 32-byte chain code) is far below one block.
pub(crate) fn hmac_sha512<const N: usize>(key: &[u8; N], parts: &[&[u8]]) -> Zeroizing<[u8; 64]> {
    const {
        assert!(
            N <= SHA512_BLOCK,
            "HMAC keys longer than a block are hashed first"
        )
    };
    let mut block = Zeroizing::new([0u8; SHA512_BLOCK]);
    for (dst, src) in block.iter_mut().zip(key.iter()) {
        *dst = *src;
    }
    let mut mac = <Hmac<Sha512> as KeyInit>::new((&*block).into());
    for part in parts {
        mac.update(part);
    }
    let mut out = Zeroizing::new([0u8; 64]);
    mac.finalize_into((&mut *out).into());
    out
}

/// The first four bytes of RIPEMD-160(SHA-256(data)): a BIP-32 key fingerprint.
pub(crate) fn fingerprint(public_key: &[u8]) -> [u8; 4] {
    let digest = Ripemd160::digest(Sha256::digest(public_key));
    let mut out = [0u8; 4];
    for (dst, src) in out.iter_mut().zip(digest.iter()) {
        *dst = *src;
    }
    out
}

/// The first four bytes of SHA-256(SHA-256(data)): the Base58Check checksum.
pub(crate) fn base58_checksum(data: &[u8]) -> [u8; 4] {
    let digest = Sha256::digest(Sha256::digest(data));
    let mut out = [0u8; 4];
    for (dst, src) in out.iter_mut().zip(digest.iter()) {
        *dst = *src;
    }
    out
}

/// Splits a 64-byte HMAC output into BIP-32's I_L (key material) and I_R (chain code).
pub(crate) fn split_halves(i: &[u8; 64]) -> (&[u8; 32], &[u8; 32]) {
    let (left, right) = i.split_at(32);
    // split_at(32) of a 64-byte array yields two 32-byte slices, so both conversions succeed;
    // the fallbacks only keep this function free of a panic path.
    let left: &[u8; 32] = left.try_into().unwrap_or(&[0u8; 32]);
    let right: &[u8; 32] = right.try_into().unwrap_or(&[0u8; 32]);
    (left, right)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    // RFC 4231 test case 1 (HMAC-SHA-512, 20-byte key of 0x0b, data "Hi There").
    #[wasm_bindgen_test(unsupported = test)]
    fn hmac_sha512_matches_rfc4231_case_1() {
        let mac = hmac_sha512(&[0x0b; 20], &[b"Hi ", b"There"]);
        assert_eq!(
            hex::encode(*mac),
            "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde\
             daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"
        );
    }

    // RFC 4231 test case 2 (key "Jefe", data "what do ya want for nothing?").
    #[wasm_bindgen_test(unsupported = test)]
    fn hmac_sha512_matches_rfc4231_case_2() {
        let mac = hmac_sha512(b"Jefe", &[b"what do ya want for nothing?"]);
        assert_eq!(
            hex::encode(*mac),
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554\
             9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"
        );
    }
}
