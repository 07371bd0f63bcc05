//! The RS1024 checksum of SLIP-0039 ("Checksum" section): a Reed-Solomon code over GF(1024),
//! one symbol per word, whose last three words make the share's checksum. It detects any error
//! in up to three words.
//!
//! The customization string is fed in before the words, so a share made for one variant of the
//! scheme fails the checksum of the other: "shamir" for the original format, and
//! "shamir_extendable" for shares with the extendable-backup flag set (added to the spec in
//! 2024; older readers reject those shares instead of decrypting them wrongly).

/// Customization string of shares without the extendable flag.
const ORIGINAL: &[u8] = b"shamir";
/// Customization string of shares with the extendable flag.
const EXTENDABLE: &[u8] = b"shamir_extendable";

/// Words of checksum at the end of every share.
pub(super) const CHECKSUM_WORDS: usize = 3;

/// The generator constants from the spec.
const GENERATOR: [u32; 10] = [
    0x00e0_e040,
    0x01c1_c080,
    0x0383_8100,
    0x0707_0200,
    0x0e0e_0009,
    0x1c0c_2412,
    0x3808_6c24,
    0x3090_fc48,
    0x21b1_f890,
    0x03f3_f120,
];

fn customization(extendable: bool) -> &'static [u8] {
    if extendable {
        EXTENDABLE
    } else {
        ORIGINAL
    }
}

/// The spec's `rs1024_polymod`, with the conditional XOR done by masks: the words are secret,
/// so the running state is not branched on.
fn polymod(values: impl Iterator<Item = u16>) -> u32 {
    let mut checksum: u32 = 1;
    for value in values {
        let top = checksum.wrapping_shr(20);
        checksum = (checksum & 0x000f_ffff).wrapping_shl(10) ^ u32::from(value);
        for (bit, generator) in (0u32..).zip(GENERATOR) {
            checksum ^= generator & 0u32.wrapping_sub(top.wrapping_shr(bit) & 1);
        }
    }
    checksum
}

fn with_customization(extendable: bool, words: &[u16]) -> impl Iterator<Item = u16> + '_ {
    customization(extendable)
        .iter()
        .map(|&c| u16::from(c))
        .chain(words.iter().copied())
}

/// Whether `words` (data words followed by the three checksum words) carry a valid checksum.
pub(super) fn verify(extendable: bool, words: &[u16]) -> bool {
    polymod(with_customization(extendable, words)) == 1
}

/// The three checksum words for `data` (every word of the share before the checksum).
pub(super) fn create(extendable: bool, data: &[u16]) -> [u16; CHECKSUM_WORDS] {
    let residue = polymod(with_customization(extendable, data).chain([0; CHECKSUM_WORDS])) ^ 1;
    let word = |shift: u32| u16::try_from(residue.wrapping_shr(shift) & 0x3ff).unwrap_or(0);
    [word(20), word(10), word(0)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn created_checksums_verify_and_bind_the_customization() {
        let data: Vec<u16> = (0..17).map(|i| (i * 97 + 5) % 1024).collect();
        for extendable in [false, true] {
            let mut words = data.clone();
            words.extend(create(extendable, &data));
            assert!(verify(extendable, &words));
            assert!(!verify(!extendable, &words));
            // Any single-word change is detected.
            for position in 0..words.len() {
                let mut changed = words.clone();
                changed[position] ^= 1 + (position as u16 % 1023);
                assert!(!verify(extendable, &changed), "position {position}");
            }
        }
    }
}
