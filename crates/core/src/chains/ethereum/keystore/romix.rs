//! scrypt (RFC 7914) for the parameters the `scrypt` 0.11 crate refuses: `log2(N) >= 16·r`.
//!
//! That refusal implements RFC 7914's `N < 2^(128·r/8)`, an erratum (EID 5971) that Go's
//! x/crypto, and so geth, do not apply; the ethereum/tests keystore vector uses N=2^18, r=1.
//! Written from RFC 7914 §3-5; checked against the `scrypt` crate where both apply.
//! See `docs/keystore-v3.md`. The parameters reaching this code are already bounded by the
//! keystore limits.

use pbkdf2::pbkdf2_hmac;
use sha2::Sha256;
use zeroize::Zeroizing;

/// Why the fallback could not run.
#[derive(Debug)]
pub(super) enum RomixError {
    /// Parameters that overflow the sizes (cannot happen within the keystore limits).
    Size,
    /// The memory for V could not be allocated.
    OutOfMemory,
}

/// scrypt(password, salt, N = 2^log_n, r, p) into `out`.
pub(super) fn scrypt(
    password: &[u8],
    salt: &[u8],
    log_n: u8,
    r: usize,
    p: usize,
    out: &mut [u8],
) -> Result<(), RomixError> {
    let n = 1usize
        .checked_shl(u32::from(log_n))
        .ok_or(RomixError::Size)?;
    let block_words = r.checked_mul(32).ok_or(RomixError::Size)?;
    let b_len = block_words
        .checked_mul(4)
        .and_then(|l| l.checked_mul(p))
        .ok_or(RomixError::Size)?;
    let v_words = block_words.checked_mul(n).ok_or(RomixError::Size)?;
    if block_words == 0 || n < 2 {
        return Err(RomixError::Size);
    }

    let mut b = Zeroizing::new(vec![0u8; b_len]);
    pbkdf2_hmac::<Sha256>(password, salt, 1, &mut b);

    // The mixing works on little-endian 32-bit words (RFC 7914 §4 reads the 64-byte blocks
    // that way), converted once per block rather than once per Salsa20/8 call.
    let mut v: Zeroizing<Vec<u32>> = Zeroizing::new(Vec::new());
    v.try_reserve_exact(v_words)
        .map_err(|_| RomixError::OutOfMemory)?;
    v.resize(v_words, 0);
    let mut x = Zeroizing::new(vec![0u32; block_words]);
    let mut t = Zeroizing::new(vec![0u32; block_words]);
    for chunk in b.chunks_exact_mut(block_words.saturating_mul(4)) {
        for (w, bytes) in x.iter_mut().zip(chunk.chunks_exact(4)) {
            *w = <[u8; 4]>::try_from(bytes).map_or(0, u32::from_le_bytes);
        }
        ro_mix(&mut x, &mut v, &mut t, n);
        for (w, bytes) in x.iter().zip(chunk.chunks_exact_mut(4)) {
            bytes.copy_from_slice(&w.to_le_bytes());
        }
    }

    pbkdf2_hmac::<Sha256>(password, &b, 1, out);
    Ok(())
}

/// ROMix (RFC 7914 §5) in place on one block of `32·r` words. `v` holds N blocks, `t` one.
fn ro_mix(x: &mut [u32], v: &mut [u32], t: &mut [u32], n: usize) {
    let len = x.len();
    for slot in v.chunks_exact_mut(len) {
        slot.copy_from_slice(x);
        block_mix(slot, None, x);
    }
    let mask = n.saturating_sub(1);
    for _ in 0..n {
        let j = integerify(x) & mask;
        t.copy_from_slice(x);
        // X = BlockMix(X xor V[j]); the xor is folded into BlockMix.
        block_mix(t, v.chunks_exact(len).nth(j), x);
    }
}

/// The first word of the last 16-word sub-block, as an index.
fn integerify(x: &[u32]) -> usize {
    let word = x
        .rchunks_exact(16)
        .next()
        .and_then(|last| last.first())
        .copied()
        .unwrap_or(0);
    usize::try_from(word).unwrap_or(usize::MAX)
}

/// BlockMix with Salsa20/8 (RFC 7914 §4) of `input xor other`: `output` gets the even
/// sub-blocks in its first half and the odd ones in its second half.
fn block_mix(input: &[u32], other: Option<&[u32]>, output: &mut [u32]) {
    const ZERO: [u32; 16] = [0; 16];
    let sub = |s: &[u32]| -> [u32; 16] { s.try_into().unwrap_or(ZERO) };
    let last = |s: &[u32]| s.rchunks_exact(16).next().map_or(ZERO, sub);
    let mut x = Zeroizing::new(last(input));
    xor_in(&mut x, &other.map_or(ZERO, last));

    let half = output.len() / 2;
    let (even, odd) = output.split_at_mut(half);
    let mut even = even.chunks_exact_mut(16);
    let mut odd = odd.chunks_exact_mut(16);
    let mut others = other.map(|o| o.chunks_exact(16));
    for (i, chunk) in input.chunks_exact(16).enumerate() {
        let extra = others.as_mut().and_then(Iterator::next).map_or(ZERO, sub);
        xor_in(&mut x, &sub(chunk));
        xor_in(&mut x, &extra);
        salsa20_8(&mut x);
        let dst = if i & 1 == 0 { even.next() } else { odd.next() };
        if let Some(dst) = dst {
            dst.copy_from_slice(x.as_slice());
        }
    }
}

/// `a ^= b`, unrolled: this runs millions of times and debug builds do not unroll loops.
fn xor_in(a: &mut [u32; 16], b: &[u32; 16]) {
    let [b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14, b15] = *b;
    let [a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15] = a;
    *a0 ^= b0;
    *a1 ^= b1;
    *a2 ^= b2;
    *a3 ^= b3;
    *a4 ^= b4;
    *a5 ^= b5;
    *a6 ^= b6;
    *a7 ^= b7;
    *a8 ^= b8;
    *a9 ^= b9;
    *a10 ^= b10;
    *a11 ^= b11;
    *a12 ^= b12;
    *a13 ^= b13;
    *a14 ^= b14;
    *a15 ^= b15;
}

/// The Salsa20/8 core (RFC 7914 §3): 4 double rounds, then the input added back.
///
/// Written out here rather than taken from the `salsa20` crate: its core is generic, so it
/// would be compiled unoptimised into this crate in debug builds anyway.
fn salsa20_8(state: &mut [u32; 16]) {
    let [s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12, s13, s14, s15] = *state;
    let (mut x0, mut x1, mut x2, mut x3) = (s0, s1, s2, s3);
    let (mut x4, mut x5, mut x6, mut x7) = (s4, s5, s6, s7);
    let (mut x8, mut x9, mut x10, mut x11) = (s8, s9, s10, s11);
    let (mut x12, mut x13, mut x14, mut x15) = (s12, s13, s14, s15);
    for _ in 0..4 {
        // Columns.
        x4 ^= x0.wrapping_add(x12).rotate_left(7);
        x8 ^= x4.wrapping_add(x0).rotate_left(9);
        x12 ^= x8.wrapping_add(x4).rotate_left(13);
        x0 ^= x12.wrapping_add(x8).rotate_left(18);
        x9 ^= x5.wrapping_add(x1).rotate_left(7);
        x13 ^= x9.wrapping_add(x5).rotate_left(9);
        x1 ^= x13.wrapping_add(x9).rotate_left(13);
        x5 ^= x1.wrapping_add(x13).rotate_left(18);
        x14 ^= x10.wrapping_add(x6).rotate_left(7);
        x2 ^= x14.wrapping_add(x10).rotate_left(9);
        x6 ^= x2.wrapping_add(x14).rotate_left(13);
        x10 ^= x6.wrapping_add(x2).rotate_left(18);
        x3 ^= x15.wrapping_add(x11).rotate_left(7);
        x7 ^= x3.wrapping_add(x15).rotate_left(9);
        x11 ^= x7.wrapping_add(x3).rotate_left(13);
        x15 ^= x11.wrapping_add(x7).rotate_left(18);
        // Rows.
        x1 ^= x0.wrapping_add(x3).rotate_left(7);
        x2 ^= x1.wrapping_add(x0).rotate_left(9);
        x3 ^= x2.wrapping_add(x1).rotate_left(13);
        x0 ^= x3.wrapping_add(x2).rotate_left(18);
        x6 ^= x5.wrapping_add(x4).rotate_left(7);
        x7 ^= x6.wrapping_add(x5).rotate_left(9);
        x4 ^= x7.wrapping_add(x6).rotate_left(13);
        x5 ^= x4.wrapping_add(x7).rotate_left(18);
        x11 ^= x10.wrapping_add(x9).rotate_left(7);
        x8 ^= x11.wrapping_add(x10).rotate_left(9);
        x9 ^= x8.wrapping_add(x11).rotate_left(13);
        x10 ^= x9.wrapping_add(x8).rotate_left(18);
        x12 ^= x15.wrapping_add(x14).rotate_left(7);
        x13 ^= x12.wrapping_add(x15).rotate_left(9);
        x14 ^= x13.wrapping_add(x12).rotate_left(13);
        x15 ^= x14.wrapping_add(x13).rotate_left(18);
    }
    *state = [
        s0.wrapping_add(x0),
        s1.wrapping_add(x1),
        s2.wrapping_add(x2),
        s3.wrapping_add(x3),
        s4.wrapping_add(x4),
        s5.wrapping_add(x5),
        s6.wrapping_add(x6),
        s7.wrapping_add(x7),
        s8.wrapping_add(x8),
        s9.wrapping_add(x9),
        s10.wrapping_add(x10),
        s11.wrapping_add(x11),
        s12.wrapping_add(x12),
        s13.wrapping_add(x13),
        s14.wrapping_add(x14),
        s15.wrapping_add(x15),
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Same output as the `scrypt` crate wherever it accepts the parameters.
    #[test]
    fn agrees_with_the_scrypt_crate() {
        type Case<'a> = (&'a [u8], &'a [u8], u8, u32, u32);
        let cases: [Case; 5] = [
            (b"", b"", 4, 1, 1),
            (b"password", b"NaCl", 10, 8, 2),
            (b"pleaseletmein", b"SodiumChloride", 12, 2, 3),
            (b"x", b"salt", 15, 1, 2),
            (b"foo", &[0xab; 16], 10, 4, 2),
        ];
        for (pw, salt, log_n, r, p) in cases {
            let mut ours = [0u8; 64];
            scrypt(pw, salt, log_n, r as usize, p as usize, &mut ours).unwrap();
            let params = scrypt::Params::new(log_n, r, p, 64).unwrap();
            let mut theirs = [0u8; 64];
            scrypt::scrypt(pw, salt, &params, &mut theirs).unwrap();
            assert_eq!(ours, theirs, "log_n={log_n} r={r} p={p}");
        }
    }

    /// RFC 7914 §8: the Salsa20/8 core on one 64-byte block.
    #[test]
    fn rfc7914_salsa20_8_core() {
        let input = hex::decode(
            "7e879a214f3ec9867ca940e641718f26baee555b8c61c1b50df846116dcd3b1d\
             ee24f319df9b3d8514121e4b5ac5aa3276021d2909c74829edebc68db8b8c25e",
        )
        .unwrap();
        let mut state = [0u32; 16];
        for (w, b) in state.iter_mut().zip(input.chunks_exact(4)) {
            *w = u32::from_le_bytes(b.try_into().unwrap());
        }
        salsa20_8(&mut state);
        let out: Vec<u8> = state.iter().flat_map(|w| w.to_le_bytes()).collect();
        assert_eq!(
            hex::encode(out),
            "a41f859c6608cc993b81cacb020cef05044b2181a2fd337dfd7b1c6396682f29\
             b4393168e3c9e6bcfe6bc5b7a06d96bae424cc102c91745c24ad673dc7618f81"
        );
    }

    /// RFC 7914 §12, first vector (N=16, r=1, p=1, empty password and salt).
    #[test]
    fn rfc7914_vector() {
        let mut out = [0u8; 64];
        scrypt(b"", b"", 4, 1, 1, &mut out).unwrap();
        assert_eq!(
            hex::encode(out),
            "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442\
             fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906"
        );
    }
}
