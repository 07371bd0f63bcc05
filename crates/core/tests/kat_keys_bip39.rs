//! BIP-39 known-answer tests: the trezor/python-mnemonic reference vectors (all 12 languages,
//! passphrase "TREZOR"), copied unchanged into tests/vectors/.

// Test code: a panic is a failed test, and the workspace lints that forbid panicking paths are
// for library code (clippy.toml already relaxes them inside #[test] functions only).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use custodian_core::keys::bip32::ExtendedPrivateKey;
use custodian_core::keys::mnemonic::{seed_from_unvalidated_phrase, Mnemonic};
use serde_json::Value;
use wasm_bindgen_test::wasm_bindgen_test;

const VECTORS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/vectors/bip39_trezor_vectors.json"
));

fn languages() -> Vec<(String, Vec<Value>)> {
    let json: Value = serde_json::from_str(VECTORS).unwrap();
    json.as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| *k != "source" && *k != "format")
        .map(|(k, v)| (k.clone(), v.as_array().unwrap().clone()))
        .collect()
}

fn field(case: &Value, i: usize) -> &str {
    case[i].as_str().unwrap()
}

/// Every vector's seed, in every language: NFKD of phrase and passphrase, then PBKDF2.
#[wasm_bindgen_test(unsupported = test)]
fn seeds_of_all_288_vectors() {
    let mut count = 0;
    let langs = languages();
    assert_eq!(langs.len(), 12);
    for (lang, cases) in &langs {
        assert_eq!(cases.len(), 24, "{lang}");
        for case in cases {
            let seed = seed_from_unvalidated_phrase(field(case, 1), "TREZOR");
            assert_eq!(
                hex::encode(seed.expose_secret()),
                field(case, 2),
                "{lang}: {}",
                field(case, 0)
            );
            count += 1;
        }
    }
    assert_eq!(count, 288);
}

/// English: entropy -> phrase, phrase -> entropy (through parsing and the checksum), the
/// seed through the validated type, and the BIP-32 root key.
#[wasm_bindgen_test(unsupported = test)]
fn english_entropy_phrase_seed_and_root_key() {
    let langs = languages();
    let (_, english) = langs.iter().find(|(l, _)| l == "english").unwrap();
    let mut count = 0;
    for case in english {
        let entropy = hex::decode(field(case, 0)).unwrap();
        let phrase = field(case, 1);

        let from_entropy = Mnemonic::from_entropy(&entropy).unwrap();
        assert_eq!(from_entropy.expose_secret(), phrase);

        let parsed = Mnemonic::parse(phrase).unwrap();
        assert_eq!(parsed.to_entropy().expose_secret(), entropy.as_slice());
        assert_eq!(parsed.word_count(), phrase.split(' ').count());

        let seed = parsed.to_seed("TREZOR");
        assert_eq!(hex::encode(seed.expose_secret()), field(case, 2));

        let root = ExtendedPrivateKey::from_seed(seed.expose_secret()).unwrap();
        assert_eq!(root.to_xprv().expose_secret(), field(case, 3));
        count += 1;
    }
    assert_eq!(count, 24);
}

/// BIP-39 arithmetic: the last word carries 11 - n/3 entropy bits and n/3 checksum bits, so
/// of the 2048 possible last words exactly 2^(11 - n/3) pass the checksum (128 for 12 words,
/// 32 for 18, 8 for 24). Trying all of them checks the checksum in both directions. One
/// vector of each length keeps this to 6144 parses.
#[wasm_bindgen_test(unsupported = test)]
fn exactly_the_right_number_of_last_words_pass_the_checksum() {
    let langs = languages();
    let (_, english) = langs.iter().find(|(l, _)| l == "english").unwrap();
    let list = bip39::Language::English.word_list();
    let mut lengths_seen = Vec::new();
    let mut accepted_total = 0;
    for case in english {
        let words: Vec<&str> = field(case, 1).split(' ').collect();
        let n = words.len();
        if lengths_seen.contains(&n) {
            continue;
        }
        lengths_seen.push(n);
        let prefix = words[..n - 1].join(" ");
        let accepted = list
            .iter()
            .filter(|last| Mnemonic::parse(&format!("{prefix} {last}")).is_ok())
            .count();
        assert_eq!(accepted, 1 << (11 - n / 3), "{n} words");
        accepted_total += accepted;
    }
    assert_eq!(lengths_seen, [12, 18, 24]);
    assert_eq!(accepted_total, 128 + 32 + 8);
}
