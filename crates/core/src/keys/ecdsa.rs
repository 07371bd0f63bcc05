//! Verifying secp256k1 ECDSA signatures, with an explicit rule for high-s values.
//!
//! An ECDSA signature `(r, s)` has a twin `(r, n - s)` that verifies just as well. Ethereum
//! (EIP-2) and Bitcoin (BIP-62/146) accept only the "low-s" twin, `s <= n/2`, so a signature
//! has one form and a transaction one hash; plain ECDSA (SEC 1, Wycheproof's default files)
//! accepts both. k256's own verifier always rejects high-s, so [`HighS::Accept`] normalises
//! `s` before calling it.

use super::secp256k1::Secp256k1PublicKey;
use k256::ecdsa::signature::hazmat::PrehashVerifier;
use k256::ecdsa::Signature;

/// n/2 for secp256k1, big-endian: the largest low `s`.
const HALF_ORDER: [u8; 32] = [
    0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0,
];

/// What verification does with a signature whose `s` is above n/2.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HighS {
    /// Reject it, as Ethereum transactions (EIP-2) and Bitcoin do.
    Reject,
    /// Accept it, as plain ECDSA and Ethereum's `ecrecover` do.
    Accept,
}

/// Whether the big-endian scalar `s` is at most n/2 (BIP-62's "low s").
pub fn is_low_s(s: &[u8; 32]) -> bool {
    // Big-endian byte strings of equal length compare like the numbers they encode.
    s <= &HALF_ORDER
}

/// Verifies a 64-byte `r || s` signature over a 32-byte digest. Any other length, `r` or `s`
/// of zero or not below the group order, or a high `s` under [`HighS::Reject`] is `false`.
pub fn verify_prehash(
    key: &Secp256k1PublicKey,
    digest: &[u8; 32],
    signature: &[u8],
    high_s: HighS,
) -> bool {
    let Ok(sig) = Signature::from_slice(signature) else {
        return false;
    };
    let sig = match high_s {
        HighS::Reject => sig,
        HighS::Accept => sig.normalize_s().unwrap_or(sig),
    };
    key.verifying_key().verify_prehash(digest, &sig).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::secp256k1::Secp256k1PrivateKey;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn low_s_boundary() {
        let mut s = HALF_ORDER;
        assert!(is_low_s(&s));
        s[31] = 0xa1;
        assert!(!is_low_s(&s));
        assert!(is_low_s(&[0; 32]));
        assert!(!is_low_s(&[0xff; 32]));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn high_s_twin_follows_the_policy() {
        let key = Secp256k1PrivateKey::from_hex(&"46".repeat(32)).unwrap();
        let digest = [7u8; 32];
        let sig = key.sign_prehash(&digest);
        let mut low = [0u8; 64];
        low[..32].copy_from_slice(&sig.r);
        low[32..].copy_from_slice(&sig.s);
        let parsed = Signature::from_slice(&low).unwrap();
        // (r, n - s): build the high-s twin through k256's scalar negation.
        let high_s = -*parsed.s();
        let high = Signature::from_scalars(parsed.r().to_bytes(), high_s.to_bytes()).unwrap();
        let high = high.to_bytes();
        let pk = key.public_key();
        assert!(verify_prehash(&pk, &digest, &low, HighS::Reject));
        assert!(verify_prehash(&pk, &digest, &low, HighS::Accept));
        assert!(!verify_prehash(&pk, &digest, &high, HighS::Reject));
        assert!(verify_prehash(&pk, &digest, &high, HighS::Accept));
        assert!(!verify_prehash(&pk, &[8u8; 32], &low, HighS::Accept));
        assert!(!verify_prehash(&pk, &digest, &low[..63], HighS::Accept));
    }
}
