//! Arithmetic in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1 (the AES field, FIPS-197 §4), in
//! which SLIP-0039 shares each byte of a secret, and Lagrange interpolation over it.
//!
//! There are no log/exp tables here on purpose. The values multiplied are share bytes, which
//! are secret, and a table indexed by a secret byte leaks that byte through cache timing (the
//! classic attack on table-driven AES). Multiplication is instead eight rounds of
//! shift-and-add whose conditional steps are bit masks, and inversion is a^254 along a fixed
//! square-and-multiply chain, so time and memory access do not depend on the operands. The
//! price, a few dozen operations per byte, is negligible next to the 10 000+ PBKDF2 rounds
//! that every split or combine runs anyway.

use zeroize::Zeroizing;

/// The low byte of the reduction polynomial: x^8 = x^4 + x^3 + x + 1 in this field.
const REDUCTION: u8 = 0x1b;

/// `0xff` if the lowest bit of `bit` is set, else `0x00`, without a branch.
fn mask(bit: u8) -> u8 {
    0u8.wrapping_sub(bit & 1)
}

/// The product of two field elements, in constant time.
pub(super) fn mul(a: u8, b: u8) -> u8 {
    let mut a = a;
    let mut b = b;
    let mut product = 0u8;
    for _ in 0..8 {
        product ^= a & mask(b);
        // a * x: shift, and fold the bit that left the byte back in as the reduction.
        a = a.wrapping_shl(1) ^ (REDUCTION & mask(a.wrapping_shr(7)));
        b = b.wrapping_shr(1);
    }
    product
}

/// The multiplicative inverse, a^254 (a^255 = 1 for every a != 0). Maps 0 to 0, which callers
/// never rely on: interpolation points are checked to be distinct first.
pub(super) fn inverse(a: u8) -> u8 {
    // 254 = 0b1111_1110: seven square-and-multiply steps, then one last squaring. The exponent
    // is public, so the fixed sequence does not depend on `a`.
    let mut result = 1u8;
    for _ in 0..7 {
        result = mul(mul(result, result), a);
    }
    mul(result, result)
}

/// The value at `x` of the polynomials through `points`, one polynomial per byte position:
/// byte k of the result is f_k(x), where f_k passes through (x_i, y_i[k]) for every point.
///
/// The caller guarantees that the x_i are pairwise distinct and every y_i is `len` bytes.
/// The formula needs no special case for `x` equal to some x_i: that point's Lagrange weight
/// is then 1 and every other weight has the factor (x - x_i) = 0.
pub(super) fn interpolate(x: u8, points: &[(u8, &[u8])], len: usize) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(vec![0u8; len]);
    for (i, &(xi, yi)) in points.iter().enumerate() {
        // Subtraction is XOR in characteristic 2.
        let (numerator, denominator) = points
            .iter()
            .enumerate()
            .filter(|&(j, _)| j != i)
            .fold((1u8, 1u8), |(num, den), (_, &(xj, _))| {
                (mul(num, x ^ xj), mul(den, xi ^ xj))
            });
        let weight = mul(numerator, inverse(denominator));
        for (acc, &y) in out.iter_mut().zip(yi) {
            *acc ^= mul(weight, y);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    /// Carry-less multiplication then reduction, bit by bit: an independent reference.
    fn reference_mul(a: u8, b: u8) -> u8 {
        let mut wide: u16 = 0;
        for bit in 0..8 {
            if (b >> bit) & 1 == 1 {
                wide ^= u16::from(a) << bit;
            }
        }
        for bit in (8..16).rev() {
            if (wide >> bit) & 1 == 1 {
                wide ^= 0x11b << (bit - 8);
            }
        }
        wide as u8
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn fips197_examples() {
        // FIPS-197 §4.2: {57} • {83} = {c1}; §4.2.1: {57} • {13} = {fe}.
        assert_eq!(mul(0x57, 0x83), 0xc1);
        assert_eq!(mul(0x57, 0x13), 0xfe);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn every_product_and_inverse() {
        for a in 0..=255u8 {
            for b in 0..=255u8 {
                assert_eq!(mul(a, b), reference_mul(a, b), "{a} * {b}");
            }
            if a != 0 {
                assert_eq!(mul(a, inverse(a)), 1, "inverse of {a}");
            }
        }
        assert_eq!(inverse(0), 0);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn interpolation_recovers_a_line() {
        // f(x) = 7 + 3x over GF(256): f(1) = 7 ^ 3, f(2) = 7 ^ mul(3, 2).
        let p1 = [7 ^ 3];
        let p2 = [7 ^ mul(3, 2)];
        let points = [(1u8, &p1[..]), (2u8, &p2[..])];
        assert_eq!(*interpolate(0, &points, 1), vec![7]);
        assert_eq!(*interpolate(1, &points, 1), p1.to_vec());
        assert_eq!(*interpolate(5, &points, 1), vec![7 ^ mul(3, 5)]);
    }
}
