//! One share as words ("Format of the share mnemonic"):
//!
//! | id | ext | e | GI | Gt | g | I | t | padded share value | checksum |
//! |----|-----|---|----|----|---|---|---|--------------------|----------|
//! | 15 | 1   | 4 | 4  | 4  | 4 | 4 | 4 | padding + 8n bits  | 30 bits  |
//!
//! Bits are read big-endian and cut into 10-bit words. The thresholds and the group count are
//! stored minus one; the indices are stored as they are (0 to 15).

use zeroize::Zeroizing;

use super::rs1024::{self, CHECKSUM_WORDS};
use super::wordlist;
use super::Slip39Error;
use crate::secret::SecretString;

/// Bits per word.
const RADIX_BITS: usize = 10;
/// Words before the share value: identifier/flag/exponent, then the index and threshold fields.
const METADATA_WORDS: usize = 4;
/// The shortest share: 4 metadata words, 13 value words (128 bits), 3 checksum words.
pub(super) const MIN_WORDS: usize = 20;
/// The most padding a share value may have (spec: at most 8 bits).
const MAX_PADDING_BITS: usize = 8;

/// A parsed SLIP-0039 share. The metadata is public (it is spelled by the first four words);
/// the share value is secret: zeroized on drop, never printed, not `Clone`.
pub struct Share {
    pub(super) identifier: u16,
    pub(super) extendable: bool,
    pub(super) iteration_exponent: u8,
    pub(super) group_index: u8,
    pub(super) group_threshold: u8,
    pub(super) group_count: u8,
    pub(super) member_index: u8,
    pub(super) member_threshold: u8,
    pub(super) value: Zeroizing<Vec<u8>>,
}

impl Share {
    /// The 15-bit random identifier every share of one backup carries.
    pub fn identifier(&self) -> u16 {
        self.identifier
    }

    /// Whether the extendable-backup flag is set.
    pub fn extendable(&self) -> bool {
        self.extendable
    }

    /// The iteration exponent e: the passphrase cipher runs 10 000 * 2^e PBKDF2 iterations.
    pub fn iteration_exponent(&self) -> u8 {
        self.iteration_exponent
    }

    /// The group this share belongs to, from 0.
    pub fn group_index(&self) -> u8 {
        self.group_index
    }

    /// How many groups are needed to recover the secret (1 to 16).
    pub fn group_threshold(&self) -> u8 {
        self.group_threshold
    }

    /// How many groups the backup has (1 to 16).
    pub fn group_count(&self) -> u8 {
        self.group_count
    }

    /// This share's index within its group, from 0.
    pub fn member_index(&self) -> u8 {
        self.member_index
    }

    /// How many shares of this group are needed to recover the group's share (1 to 16).
    pub fn member_threshold(&self) -> u8 {
        self.member_threshold
    }

    /// The length of the secret in bytes (not secret itself: it follows from the word count).
    pub fn secret_len(&self) -> usize {
        self.value.len()
    }

    /// Parses one share; `share` is its position in the caller's list (from 1), for errors.
    ///
    /// Case and runs of whitespace are forgiven; words, their count, the checksum and the
    /// padding are checked, in that order after the count.
    pub(super) fn parse(text: &str, share: usize) -> Result<Self, Slip39Error> {
        let mut lower = Zeroizing::new(text.to_owned());
        lower.make_ascii_lowercase();
        let found = lower.split_whitespace().count();
        let padding = padding_bits(found).ok_or(Slip39Error::WordCount { share, found })?;

        let mut words = Zeroizing::new(Vec::with_capacity(found));
        for (position, word) in (1usize..).zip(lower.split_whitespace()) {
            words.push(
                wordlist::index_of(word).ok_or(Slip39Error::UnknownWord { share, position })?,
            );
        }
        let word = |i: usize| u32::from(words.get(i).copied().unwrap_or(0));
        let first = word(0).wrapping_shl(10) | word(1);
        let extendable = first.wrapping_shr(4) & 1 == 1;
        if !rs1024::verify(extendable, &words) {
            return Err(Slip39Error::Checksum { share });
        }
        let fields = word(2).wrapping_shl(10) | word(3);
        let nibble = |shift: u32| u8::try_from(fields.wrapping_shr(shift) & 0xf).unwrap_or(0);

        let value_words = words
            .get(METADATA_WORDS..found.saturating_sub(CHECKSUM_WORDS))
            .unwrap_or(&[]);
        let value = decode_value(value_words, padding).ok_or(Slip39Error::Padding { share })?;
        Ok(Self {
            identifier: u16::try_from(first.wrapping_shr(5)).unwrap_or(0),
            extendable,
            iteration_exponent: u8::try_from(first & 0xf).unwrap_or(0),
            group_index: nibble(16),
            group_threshold: nibble(12).wrapping_add(1),
            group_count: nibble(8).wrapping_add(1),
            member_index: nibble(4),
            member_threshold: nibble(0).wrapping_add(1),
            value,
        })
    }

    /// The share as lower-case words separated by single spaces (its canonical spelling).
    pub fn to_mnemonic(&self) -> SecretString {
        let value_words = self.value.len().saturating_mul(8).div_ceil(RADIX_BITS);
        let total = METADATA_WORDS
            .saturating_add(value_words)
            .saturating_add(CHECKSUM_WORDS);
        let mut words: Zeroizing<Vec<u16>> = Zeroizing::new(Vec::with_capacity(total));
        let first = u32::from(self.identifier & 0x7fff).wrapping_shl(5)
            | u32::from(self.extendable).wrapping_shl(4)
            | u32::from(self.iteration_exponent & 0xf);
        let fields = u32::from(self.group_index & 0xf).wrapping_shl(16)
            | u32::from(self.group_threshold.wrapping_sub(1) & 0xf).wrapping_shl(12)
            | u32::from(self.group_count.wrapping_sub(1) & 0xf).wrapping_shl(8)
            | u32::from(self.member_index & 0xf).wrapping_shl(4)
            | u32::from(self.member_threshold.wrapping_sub(1) & 0xf);
        for packed in [first, fields] {
            words.push(ten_bits(packed.wrapping_shr(10)));
            words.push(ten_bits(packed));
        }
        encode_value(&self.value, value_words, &mut words);
        let checksum = rs1024::create(self.extendable, &words);
        words.extend(checksum);

        // Eight letters and a space per word at most: sized once, so no reallocation leaves a
        // partial copy of the share behind.
        let mut text = Zeroizing::new(String::with_capacity(words.len().saturating_mul(9)));
        for (i, &w) in words.iter().enumerate() {
            if i > 0 {
                text.push(' ');
            }
            wordlist::push_word(w, &mut text);
        }
        SecretString::new(core::mem::take(&mut *text))
    }
}

impl core::fmt::Debug for Share {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Share")
            .field("identifier", &self.identifier)
            .field("group_index", &self.group_index)
            .field("member_index", &self.member_index)
            .field("value", &"[redacted]")
            .finish_non_exhaustive()
    }
}

fn ten_bits(v: u32) -> u16 {
    u16::try_from(v & 0x3ff).unwrap_or(0)
}

/// The padding of a share of `words` words, or `None` if no share has that many words. The
/// value's bit length (10 per word) minus the padding is a whole number of 16-bit units, and
/// the padding may be at most 8 bits.
pub(super) fn padding_bits(words: usize) -> Option<usize> {
    if words < MIN_WORDS {
        return None;
    }
    let value_bits = words
        .checked_sub(METADATA_WORDS.saturating_add(CHECKSUM_WORDS))?
        .checked_mul(RADIX_BITS)?;
    let padding = value_bits.checked_rem(16)?;
    (padding <= MAX_PADDING_BITS).then_some(padding)
}

/// The share value from its words: the leading `padding` bits must be zero.
fn decode_value(words: &[u16], padding: usize) -> Option<Zeroizing<Vec<u8>>> {
    let total_bits = words.len().saturating_mul(RADIX_BITS);
    let mut out = Zeroizing::new(Vec::with_capacity(total_bits.saturating_sub(padding) / 8));
    let mut acc: u32 = 0;
    let mut pending: u32 = 0;
    let mut skip = u32::try_from(padding).ok()?;
    let mut padding_bits_set = 0u32;
    for &w in words {
        acc = acc.wrapping_shl(10) | u32::from(w & 0x3ff);
        pending = pending.wrapping_add(10);
        if skip > 0 {
            // The padding sits at the top of the first word (it is at most 8 < 10 bits).
            pending = pending.wrapping_sub(skip);
            padding_bits_set |= acc.wrapping_shr(pending);
            acc &= 1u32.wrapping_shl(pending).wrapping_sub(1);
            skip = 0;
        }
        while pending >= 8 {
            pending = pending.wrapping_sub(8);
            out.push(u8::try_from(acc.wrapping_shr(pending) & 0xff).unwrap_or(0));
            acc &= 1u32.wrapping_shl(pending).wrapping_sub(1);
        }
    }
    zeroize::Zeroize::zeroize(&mut acc);
    (padding_bits_set == 0).then_some(out)
}

/// Appends the share value as `word_count` words, zero bits first as padding.
fn encode_value(value: &[u8], word_count: usize, words: &mut Vec<u16>) {
    let padding = word_count
        .saturating_mul(RADIX_BITS)
        .saturating_sub(value.len().saturating_mul(8));
    let mut acc: u32 = 0;
    let mut pending = u32::try_from(padding).unwrap_or(0);
    for &byte in value {
        acc = acc.wrapping_shl(8) | u32::from(byte);
        pending = pending.wrapping_add(8);
        while pending >= 10 {
            pending = pending.wrapping_sub(10);
            words.push(ten_bits(acc.wrapping_shr(pending)));
            acc &= 1u32.wrapping_shl(pending).wrapping_sub(1);
        }
    }
    zeroize::Zeroize::zeroize(&mut acc);
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn word_counts() {
        // 128-bit and 256-bit secrets: 20 and 33 words.
        assert_eq!(padding_bits(20), Some(2));
        assert_eq!(padding_bits(33), Some(4));
        for bad in [0, 7, 19, 21] {
            assert_eq!(padding_bits(bad), None, "{bad} words");
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn value_bits_round_trip() {
        for len in [16usize, 18, 32, 64] {
            let value: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            let count = (len * 8).div_ceil(10);
            let mut words = Vec::new();
            encode_value(&value, count, &mut words);
            assert_eq!(words.len(), count);
            let padding = count * 10 - len * 8;
            assert_eq!(*decode_value(&words, padding).unwrap(), value);
            let mut bad = words.clone();
            bad[0] |= 0x200;
            assert!(decode_value(&bad, padding).is_none());
        }
    }
}
