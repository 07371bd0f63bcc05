//! The three Unicode normalisation forms the core applies to what a person typed: NFC for
//! vault passwords (docs/vault-format.md), NFKC for keystore-v3 passwords (docs/keystore-v3.md)
//! and NFKD for BIP-39 phrases and passphrases (BIP-39 itself).
//!
//! The core always normalises; the caller passes raw text. Only where the work is done
//! differs. Natively it is `unicode-normalization`. Inside the browser module (wasm32 with the
//! `js-normalization` feature, which custodian-wasm enables) it is the JavaScript engine's
//! `String.prototype.normalize`: every engine ships the same Unicode tables, and linking
//! `unicode-normalization` would add about 110 KiB (59 KB gzip) of them to the `.wasm`
//! (docs/benchmarks.md, Size). Both follow UAX #15 and the Unicode stability policy, so text
//! made of assigned characters normalises to the same string either way; the tests below pin
//! cases from the Unicode Character Database on both targets.
//!
//! Every result is in a buffer sized before it is filled and wiped on drop, because the input
//! is a password or a recovery phrase: a buffer that grows leaves a copy behind in memory the
//! allocator hands out again.

use zeroize::Zeroizing;

/// Canonical composition: the form vault passwords are hashed in.
pub(crate) fn nfc(text: &str) -> Zeroizing<String> {
    imp::nfc(text)
}

/// Compatibility composition: the form ethers hashes keystore-v3 passwords in.
pub(crate) fn nfkc(text: &str) -> Zeroizing<String> {
    imp::nfkc(text)
}

/// Compatibility decomposition: the form BIP-39 hashes phrases and passphrases in.
pub(crate) fn nfkd(text: &str) -> Zeroizing<String> {
    imp::nfkd(text)
}

#[cfg(not(all(target_arch = "wasm32", feature = "js-normalization")))]
mod imp {
    use unicode_normalization::{is_nfc, is_nfkc, is_nfkd, UnicodeNormalization};
    use zeroize::Zeroizing;

    pub(super) fn nfc(text: &str) -> Zeroizing<String> {
        if is_nfc(text) {
            return Zeroizing::new(text.to_owned());
        }
        collect(|| text.nfc())
    }

    pub(super) fn nfkc(text: &str) -> Zeroizing<String> {
        if is_nfkc(text) {
            return Zeroizing::new(text.to_owned());
        }
        collect(|| text.nfkc())
    }

    pub(super) fn nfkd(text: &str) -> Zeroizing<String> {
        if is_nfkd(text) {
            return Zeroizing::new(text.to_owned());
        }
        collect(|| text.nfkd())
    }

    /// Runs the normaliser twice, once to measure and once to fill: compatibility forms can
    /// grow text up to 18 times (UAX #15 §13), so no fixed reservation is both safe and small.
    fn collect<I: Iterator<Item = char>>(chars: impl Fn() -> I) -> Zeroizing<String> {
        let len = chars()
            .map(char::len_utf8)
            .fold(0usize, usize::saturating_add);
        let mut out = Zeroizing::new(String::with_capacity(len));
        out.extend(chars());
        out
    }
}

#[cfg(all(target_arch = "wasm32", feature = "js-normalization"))]
mod imp {
    use js_sys::JsString;
    use zeroize::Zeroizing;

    pub(super) fn nfc(text: &str) -> Zeroizing<String> {
        host(text, "NFC")
    }

    pub(super) fn nfkc(text: &str) -> Zeroizing<String> {
        host(text, "NFKC")
    }

    pub(super) fn nfkd(text: &str) -> Zeroizing<String> {
        host(text, "NFKD")
    }

    fn host(text: &str, form: &str) -> Zeroizing<String> {
        // ASCII is already in every normal form: no call into the engine for the usual case.
        if text.is_ascii() {
            return Zeroizing::new(text.to_owned());
        }
        let normalized = JsString::from(text).normalize(form);
        // Read back one UTF-16 unit at a time into a buffer sized for the worst case (3 UTF-8
        // bytes per unit), rather than through wasm-bindgen's string transfer, which grows its
        // buffer inside this module's memory and would leave unwiped copies behind.
        let units = usize::try_from(normalized.length()).unwrap_or(usize::MAX);
        let mut out = Zeroizing::new(String::with_capacity(units.saturating_mul(3)));
        // A JS string normalised from valid UTF-8 holds no lone surrogate; if one ever came
        // back, U+FFFD keeps this total (the result then fails its MAC or checksum, no panic).
        out.extend(
            char::decode_utf16(normalized.iter()).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)),
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::{nfc, nfkc, nfkd};
    use wasm_bindgen_test::wasm_bindgen_test;

    /// Rows of the Unicode Character Database's NormalizationTest.txt (18.0.0), as
    /// (source, NFC, NFKC, NFKD). The file's columns are c1;c2;c3;c4;c5 = source; NFC; NFD;
    /// NFKC; NFKD, and it states c2 = NFC(c1) = NFC(c3), c4 = NFKC(c1) = NFKC(c3) and
    /// c5 = NFKD(c1) = NFKD(c3): some rows below use the NFD column c3 as their source.
    const ROWS: [(&str, &str, &str, &str); 12] = [
        // 00E9;00E9;0065 0301;00E9;0065 0301; # LATIN SMALL LETTER E WITH ACUTE
        ("\u{E9}", "\u{E9}", "\u{E9}", "e\u{301}"),
        // The same row from c3: NFC and NFKC compose the letter again.
        ("e\u{301}", "\u{E9}", "\u{E9}", "e\u{301}"),
        // AC00;AC00;1100 1161;AC00;1100 1161; # HANGUL SYLLABLE GA
        ("\u{AC00}", "\u{AC00}", "\u{AC00}", "\u{1100}\u{1161}"),
        // AC01;AC01;1100 1161 11A8;AC01;1100 1161 11A8; # HANGUL SYLLABLE GAG, from c3 (jamo)
        (
            "\u{1100}\u{1161}\u{11A8}",
            "\u{AC01}",
            "\u{AC01}",
            "\u{1100}\u{1161}\u{11A8}",
        ),
        // FF21;FF21;FF21;0041;0041; # FULLWIDTH LATIN CAPITAL LETTER A
        ("\u{FF21}", "\u{FF21}", "A", "A"),
        // FB01;FB01;FB01;0066 0069;0066 0069; # LATIN SMALL LIGATURE FI
        ("\u{FB01}", "\u{FB01}", "fi", "fi"),
        // 212B;00C5;0041 030A;00C5;0041 030A; # ANGSTROM SIGN (a singleton: NFC changes it)
        ("\u{212B}", "\u{C5}", "\u{C5}", "A\u{30A}"),
        // 1E9B;1E9B;017F 0307;1E61;0073 0307; # LATIN SMALL LETTER LONG S WITH DOT ABOVE
        ("\u{1E9B}", "\u{1E9B}", "\u{1E61}", "s\u{307}"),
        // 0044 0307 0323;1E0C 0307;0044 0323 0307;1E0C 0307;0044 0323 0307; # (canonical order)
        (
            "D\u{307}\u{323}",
            "\u{1E0C}\u{307}",
            "\u{1E0C}\u{307}",
            "D\u{323}\u{307}",
        ),
        // 3000;3000;3000;0020;0020; # IDEOGRAPHIC SPACE (separates Japanese BIP-39 words)
        ("\u{3000}", "\u{3000}", " ", " "),
        // 30AC;30AC;30AB 3099;30AC;30AB 3099; # KATAKANA LETTER GA
        ("\u{30AC}", "\u{30AC}", "\u{30AC}", "\u{30AB}\u{3099}"),
        // The same row from c3.
        (
            "\u{30AB}\u{3099}",
            "\u{30AC}",
            "\u{30AC}",
            "\u{30AB}\u{3099}",
        ),
    ];

    #[wasm_bindgen_test(unsupported = test)]
    fn normalisation_test_rows_hold() {
        let mut checked = 0;
        for (source, want_nfc, want_nfkc, want_nfkd) in ROWS {
            assert_eq!(nfc(source).as_str(), want_nfc, "NFC of {source:?}");
            assert_eq!(nfkc(source).as_str(), want_nfkc, "NFKC of {source:?}");
            assert_eq!(nfkd(source).as_str(), want_nfkd, "NFKD of {source:?}");
            checked += 1;
        }
        assert_eq!(checked, 12);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn ascii_and_empty_text_are_unchanged() {
        for text in ["", "correct horse battery staple", "P@ss w0rd!\t~"] {
            assert_eq!(nfc(text).as_str(), text);
            assert_eq!(nfkc(text).as_str(), text);
            assert_eq!(nfkd(text).as_str(), text);
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn text_outside_the_basic_plane_survives() {
        // U+1F510 (CLOSED LOCK WITH KEY) is two UTF-16 units and has no decomposition.
        let text = "key \u{1F510} caf\u{E9}";
        assert_eq!(nfc(text).as_str(), text);
        assert_eq!(nfkd(text).as_str(), "key \u{1F510} cafe\u{301}");
    }
}
