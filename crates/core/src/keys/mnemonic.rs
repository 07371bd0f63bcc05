//! BIP-39 recovery phrases: generation, validation, the entropy round trip and the seed.
//!
//! Only the English word list is compiled in. The other ten BIP-39 lists would add roughly
//! 150-200 KB to the `.wasm` (each is 2048 words plus a pointer table), about as much as all
//! of the curve and cipher code together, for phrases that almost no Ethereum or Solana wallet
//! generates. Seeds do not depend on the word list (PBKDF2 runs over the NFKD text), so a
//! phrase in another language can still be turned into its seed with
//! [`seed_from_unvalidated_phrase`], which is how the non-English reference vectors are tested.
//!
//! Parsing is forgiving about form and strict about content: the text is NFKD-normalised,
//! ASCII letters are lower-cased and any run of whitespace separates words, but every word
//! must be in the list and the checksum must match.

use crate::secret::{SecretBytes, SecretString, SecretVec};
use crate::text::normalize::nfkd;
use bip39::Language;
use core::fmt;
use sha2::{Digest, Sha256, Sha512};
use zeroize::Zeroizing;

/// PBKDF2 iterations fixed by BIP-39.
const PBKDF2_ROUNDS: u32 = 2048;

/// Bits per word: each word indexes a 2048-entry list.
const BITS_PER_WORD: u32 = 11;

/// Phrase lengths BIP-39 defines (128 to 256 bits of entropy in steps of 32).
pub const VALID_WORD_COUNTS: [usize; 5] = [12, 15, 18, 21, 24];

/// A seed derived from a recovery phrase: the input to BIP-32 and SLIP-0010.
pub type Seed = SecretBytes<64>;

/// How many words a newly generated phrase has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WordCount {
    /// 12 words: 128 bits of entropy, MetaMask's and Phantom's default.
    Twelve,
    /// 24 words: 256 bits of entropy, the hardware-wallet default.
    TwentyFour,
}

/// Why a recovery phrase or entropy was rejected. Never contains the words themselves, since
/// a misspelt word is still most of a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MnemonicError {
    /// The phrase does not have 12, 15, 18, 21 or 24 words.
    #[error("a recovery phrase has 12, 15, 18, 21 or 24 words; this one has {found}")]
    WordCount {
        /// Words found.
        found: usize,
    },
    /// A word is not in the English BIP-39 word list.
    #[error("word {position} is not in the BIP-39 English word list")]
    UnknownWord {
        /// Position of the word, counting from 1.
        position: usize,
    },
    /// Every word is known but the checksum in the last word does not match.
    #[error("the recovery phrase checksum does not match: a word is wrong or out of order")]
    Checksum,
    /// Entropy that is not 16, 20, 24, 28 or 32 bytes.
    #[error("mnemonic entropy is 16, 20, 24, 28 or 32 bytes; got {found}")]
    EntropyLength {
        /// Bytes given.
        found: usize,
    },
}

/// A valid English BIP-39 recovery phrase. Zeroized on drop, redacted in `Debug`, not `Clone`.
pub struct Mnemonic {
    /// Word-list indices, 11 bits each; the entropy and checksum bits in order.
    indices: Zeroizing<Vec<u16>>,
    /// The canonical text: lower-case words separated by single spaces.
    phrase: SecretString,
}

impl Mnemonic {
    /// A new phrase from the caller's cryptographic random source.
    pub fn generate(rng: &mut impl rand_core::CryptoRngCore, words: WordCount) -> Self {
        match words {
            WordCount::Twelve => {
                Self::from_valid_entropy(SecretBytes::<16>::random(rng).expose_secret())
            }
            WordCount::TwentyFour => {
                Self::from_valid_entropy(SecretBytes::<32>::random(rng).expose_secret())
            }
        }
    }

    /// The phrase that encodes `entropy` (16, 20, 24, 28 or 32 bytes).
    ///
    /// # Errors
    /// [`MnemonicError::EntropyLength`] for any other length.
    pub fn from_entropy(entropy: &[u8]) -> Result<Self, MnemonicError> {
        if ![16, 20, 24, 28, 32].contains(&entropy.len()) {
            return Err(MnemonicError::EntropyLength {
                found: entropy.len(),
            });
        }
        Ok(Self::from_valid_entropy(entropy))
    }

    /// Parses and validates a phrase typed or pasted by a user.
    ///
    /// # Errors
    /// The first problem found, in this order: word count, unknown word (with its position),
    /// checksum.
    pub fn parse(text: &str) -> Result<Self, MnemonicError> {
        let mut normalized = nfkd(text);
        normalized.make_ascii_lowercase();
        let found = normalized.split_whitespace().count();
        if !VALID_WORD_COUNTS.contains(&found) {
            return Err(MnemonicError::WordCount { found });
        }
        let canonical = join_words(normalized.split_whitespace());
        // Words are looked up here rather than through bip39's parser: each crate that reads
        // bip39's English list gets its own copy of it (a 2,048-entry table and 13 KB of
        // strings) in the .wasm, and this module already needs it for `from_entropy`.
        let mut indices = Zeroizing::new(Vec::with_capacity(found));
        for (position, word) in canonical.split(' ').enumerate() {
            let index = English::index_of(word).ok_or(MnemonicError::UnknownWord {
                position: position.saturating_add(1),
            })?;
            indices.push(index);
        }
        // The last word carries the checksum: the entropy must re-encode to the same words.
        if indices_from_entropy(entropy_of(&indices).expose_secret()) != indices {
            return Err(MnemonicError::Checksum);
        }
        Ok(Self {
            indices,
            phrase: into_secret_string(canonical),
        })
    }

    /// The entropy this phrase encodes (16 to 32 bytes).
    pub fn to_entropy(&self) -> SecretVec {
        entropy_of(&self.indices)
    }

    /// The canonical phrase: lower-case words separated by single spaces.
    pub fn expose_secret(&self) -> &str {
        self.phrase.expose_secret()
    }

    /// Number of words.
    pub fn word_count(&self) -> usize {
        self.indices.len()
    }

    /// The 64-byte BIP-39 seed: PBKDF2-HMAC-SHA512 over the phrase, salted with
    /// `"mnemonic" || NFKD(passphrase)`, 2048 rounds. An empty passphrase is the common case;
    /// any other passphrase gives a different, equally valid wallet.
    pub fn to_seed(&self, passphrase: &str) -> Seed {
        // The canonical phrase is ASCII, hence already in NFKD.
        pbkdf2_seed(self.phrase.expose_secret(), passphrase)
    }

    fn from_valid_entropy(entropy: &[u8]) -> Self {
        let indices = indices_from_entropy(entropy);
        let words = English::words(&indices);
        let phrase = join_words(words);
        Self {
            indices,
            phrase: into_secret_string(phrase),
        }
    }
}

impl fmt::Debug for Mnemonic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Mnemonic([redacted])")
    }
}

/// The BIP-39 seed of a phrase in any language, WITHOUT checking it against a word list or
/// its checksum: a typo silently gives a different wallet. Use [`Mnemonic::parse`] for
/// anything a person typed. This exists for phrases in the ten word lists Custodian does not
/// ship (see the module docs); words must be separated as the wallet that made the phrase did
/// (ASCII spaces, or U+3000 in Japanese, which NFKD turns into a space).
pub fn seed_from_unvalidated_phrase(phrase: &str, passphrase: &str) -> Seed {
    pbkdf2_seed(&nfkd(phrase), passphrase)
}

fn pbkdf2_seed(normalized_phrase: &str, passphrase: &str) -> Seed {
    let passphrase = nfkd(passphrase);
    let mut salt = Zeroizing::new(Vec::with_capacity(8usize.saturating_add(passphrase.len())));
    salt.extend_from_slice(b"mnemonic");
    salt.extend_from_slice(passphrase.as_bytes());
    let mut seed = Seed::zeroed();
    pbkdf2::pbkdf2_hmac::<Sha512>(
        normalized_phrase.as_bytes(),
        &salt,
        PBKDF2_ROUNDS,
        seed.expose_secret_mut(),
    );
    seed
}

/// Joins words with single spaces into a buffer sized up front and wiped on drop.
fn join_words<'a>(words: impl Iterator<Item = &'a str> + Clone) -> Zeroizing<String> {
    let len = words
        .clone()
        .map(|w| w.len().saturating_add(1))
        .fold(0usize, usize::saturating_add);
    let mut out = Zeroizing::new(String::with_capacity(len));
    for (i, word) in words.enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Moves the string out of its wrapper without copying the bytes.
fn into_secret_string(mut text: Zeroizing<String>) -> SecretString {
    SecretString::new(core::mem::take(&mut *text))
}

/// The entropy that 11-bit word `indices` encode, without the checksum bits that end them.
fn entropy_of(indices: &[u16]) -> SecretVec {
    // words * 11 bits = entropy bits + entropy bits / 32, so entropy bytes = words * 4 / 3.
    let entropy_len = indices.len().saturating_mul(4) / 3;
    let mut bytes = Zeroizing::new(Vec::with_capacity(entropy_len.saturating_add(2)));
    let mut acc: u32 = 0;
    let mut pending: u32 = 0;
    for &index in indices {
        acc = acc.wrapping_shl(BITS_PER_WORD) | u32::from(index);
        pending = pending.wrapping_add(BITS_PER_WORD);
        while pending >= 8 {
            pending = pending.wrapping_sub(8);
            bytes.push(acc.wrapping_shr(pending).to_be_bytes()[3]);
        }
        acc &= 1u32.wrapping_shl(pending).wrapping_sub(1);
    }
    bytes.truncate(entropy_len);
    SecretVec::new(core::mem::take(&mut *bytes))
}

/// Entropy followed by its checksum bits (the first `len / 4` bits of SHA-256), cut into
/// 11-bit word indices. The caller has checked that `entropy` is 16 to 32 bytes, a multiple of 4.
fn indices_from_entropy(entropy: &[u8]) -> Zeroizing<Vec<u16>> {
    let checksum = Sha256::digest(entropy);
    let words = entropy.len().saturating_mul(3) / 4;
    let mut indices = Zeroizing::new(Vec::with_capacity(words));
    let mut acc: u32 = 0;
    let mut pending: u32 = 0;
    // Entropy bits then the checksum bits; the first hash byte always holds enough of them.
    for &byte in entropy.iter().chain(checksum.first()) {
        acc = acc.wrapping_shl(8) | u32::from(byte);
        pending = pending.wrapping_add(8);
        if pending >= BITS_PER_WORD && indices.len() < words {
            pending = pending.wrapping_sub(BITS_PER_WORD);
            let index = acc.wrapping_shr(pending) & 0x7ff;
            indices.push(u16::try_from(index).unwrap_or(0));
            acc &= 1u32.wrapping_shl(pending).wrapping_sub(1);
        }
    }
    indices
}

/// The English word list, through the bip39 crate.
struct English;

impl English {
    fn words(indices: &[u16]) -> impl Iterator<Item = &'static str> + Clone + '_ {
        let list = Language::English.word_list();
        // An index has 11 bits and the list has 2048 entries, so `get` always finds the word.
        indices
            .iter()
            .map(move |&i| list.get(usize::from(i)).copied().unwrap_or(""))
    }

    /// The index of `word` in the list (binary search: the English list is sorted).
    fn index_of(word: &str) -> Option<u16> {
        let list = Language::English.word_list();
        list.binary_search(&word)
            .ok()
            .and_then(|i| u16::try_from(i).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    const ABANDON_12: &str =
        "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

    #[wasm_bindgen_test(unsupported = test)]
    fn parse_normalises_case_and_whitespace() {
        let m = Mnemonic::parse(
            "  Abandon\tabandon ABANDON abandon\n abandon abandon abandon abandon abandon abandon abandon about ",
        )
        .unwrap();
        assert_eq!(m.expose_secret(), ABANDON_12);
        assert_eq!(m.word_count(), 12);
        assert_eq!(m.to_entropy().expose_secret(), &[0u8; 16]);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn errors_name_the_position_not_the_word() {
        let typo = ABANDON_12
            .replacen("abandon", "abandn", 1)
            .replace("about", "abuot");
        let err = Mnemonic::parse(&typo).unwrap_err();
        assert_eq!(err, MnemonicError::UnknownWord { position: 1 });
        let text = err.to_string();
        assert!(!text.contains("abandn"), "{text}");
        let last = ABANDON_12.replace("about", "abuot");
        assert_eq!(
            Mnemonic::parse(&last).unwrap_err(),
            MnemonicError::UnknownWord { position: 12 }
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn checksum_and_word_count_errors() {
        // "abandon" x12 decodes, but its checksum bits are wrong.
        let all_abandon = ["abandon"; 12].join(" ");
        assert_eq!(
            Mnemonic::parse(&all_abandon).unwrap_err(),
            MnemonicError::Checksum
        );
        for n in [0usize, 1, 11, 13, 25, 48] {
            let text = ["abandon"; 48][..n].join(" ");
            assert_eq!(
                Mnemonic::parse(&text).unwrap_err(),
                MnemonicError::WordCount { found: n }
            );
        }
        assert!(MnemonicError::WordCount { found: 11 }
            .to_string()
            .contains("12, 15, 18, 21 or 24"));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn entropy_lengths() {
        for len in [16usize, 20, 24, 28, 32] {
            let m = Mnemonic::from_entropy(&vec![0xa5; len]).unwrap();
            assert_eq!(m.word_count(), len * 3 / 4);
            assert_eq!(m.to_entropy().expose_secret(), vec![0xa5; len].as_slice());
            let reparsed = Mnemonic::parse(m.expose_secret()).unwrap();
            assert_eq!(
                reparsed.to_entropy().expose_secret(),
                vec![0xa5; len].as_slice()
            );
        }
        for len in [0usize, 12, 15, 17, 31, 33, 64] {
            assert_eq!(
                Mnemonic::from_entropy(&vec![1; len]).unwrap_err(),
                MnemonicError::EntropyLength { found: len }
            );
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn generated_phrases_pass_validation() {
        let mut rng = rand_core::OsRng;
        for _ in 0..8 {
            for (count, words) in [(WordCount::Twelve, 12), (WordCount::TwentyFour, 24)] {
                let m = Mnemonic::generate(&mut rng, count);
                assert_eq!(m.word_count(), words);
                let again = Mnemonic::parse(m.expose_secret()).unwrap();
                assert_eq!(
                    again.to_entropy().expose_secret(),
                    m.to_entropy().expose_secret()
                );
            }
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn debug_is_redacted() {
        let m = Mnemonic::parse(ABANDON_12).unwrap();
        let text = format!("{m:?}");
        assert!(
            text.contains("[redacted]") && !text.contains("abandon"),
            "{text}"
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn passphrase_is_nfkd_normalised() {
        let m = Mnemonic::parse(ABANDON_12).unwrap();
        // U+00E9 (precomposed) and "e" + U+0301 (combining acute) are the same after NFKD.
        let composed = m.to_seed("caf\u{e9}");
        let decomposed = m.to_seed("cafe\u{301}");
        assert_eq!(composed, decomposed);
        assert_ne!(composed, m.to_seed("cafe"));
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod prop {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn entropy_round_trips(len in prop::sample::select(vec![16usize, 20, 24, 28, 32]), seed in any::<[u8; 32]>()) {
                let entropy = &seed[..len];
                let m = Mnemonic::from_entropy(entropy).unwrap();
                let reparsed = Mnemonic::parse(m.expose_secret()).unwrap();
                let decoded = reparsed.to_entropy();
                prop_assert_eq!(decoded.expose_secret(), entropy);
                prop_assert_eq!(reparsed.expose_secret(), m.expose_secret());
            }

            #[test]
            fn parse_never_panics(text in "\\PC{0,300}") {
                let _ = Mnemonic::parse(&text);
            }
        }
    }
}
