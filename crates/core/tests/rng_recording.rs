//! Every random byte in key material comes from the RNG the host passes in, and from nothing
//! else (docs/threat-model.md §Randomness).
//!
//! A recording RNG wraps a deterministic stream and keeps every byte it hands out. The tests
//! then show, for each generator and for `wallet_create`:
//! - the key (or the mnemonic's entropy) *is* the bytes the RNG produced, in order;
//! - the exact number of bytes drawn is the number the format needs, so nothing is drawn and
//!   thrown away or mixed in;
//! - the same stream gives the same result byte for byte (a second source would break this),
//!   and a different stream a different one.
//!
//! Replaying published private keys / BIP-39 entropy through the RNG also gives the published
//! addresses and phrases (ethers `accounts.json`, RFC 8032 §7.1, trezor `vectors.json`), which
//! pins the byte order.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use custodian_core::api::{Env, Wallet};
use custodian_core::chains::ethereum::{address_of, to_checksum};
use custodian_core::keys::ed25519::Ed25519PrivateKey;
use custodian_core::keys::mnemonic::{Mnemonic, WordCount};
use custodian_core::keys::secp256k1::Secp256k1PrivateKey;
use custodian_core::vault::{peek, KdfParams};
use rand_core::{CryptoRng, RngCore};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use wasm_bindgen_test::wasm_bindgen_test;

macro_rules! vectors {
    ($file:literal) => {
        serde_json::from_str::<Value>(include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/vectors/",
            $file
        )))
        .unwrap()
    };
}

/// A deterministic byte stream: block i is SHA-256(seed || i). Not a CSPRNG for production;
/// only a reproducible source the tests control.
struct Stream {
    seed: [u8; 32],
    counter: u64,
    buffer: Vec<u8>,
}

impl Stream {
    fn new(label: &str) -> Self {
        Self {
            seed: Sha256::digest(label.as_bytes()).into(),
            counter: 0,
            buffer: Vec::new(),
        }
    }
}

impl RngCore for Stream {
    fn next_u32(&mut self) -> u32 {
        rand_core::impls::next_u32_via_fill(self)
    }
    fn next_u64(&mut self) -> u64 {
        rand_core::impls::next_u64_via_fill(self)
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for byte in dest.iter_mut() {
            if self.buffer.is_empty() {
                let mut h = Sha256::new();
                h.update(self.seed);
                h.update(self.counter.to_be_bytes());
                self.counter += 1;
                self.buffer = h.finalize().to_vec();
                self.buffer.reverse();
            }
            *byte = self.buffer.pop().unwrap();
        }
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}
impl CryptoRng for Stream {}

/// Hands out fixed bytes, then fails the test if asked for more.
struct Replay(Vec<u8>);

impl RngCore for Replay {
    fn next_u32(&mut self) -> u32 {
        rand_core::impls::next_u32_via_fill(self)
    }
    fn next_u64(&mut self) -> u64 {
        rand_core::impls::next_u64_via_fill(self)
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        assert!(dest.len() <= self.0.len(), "drew more bytes than replayed");
        let rest = self.0.split_off(dest.len());
        dest.copy_from_slice(&self.0);
        self.0 = rest;
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}
impl CryptoRng for Replay {}

/// Wraps an RNG and records every byte it hands out, call by call.
struct Recording<R> {
    inner: R,
    calls: Vec<Vec<u8>>,
}

impl<R: RngCore> Recording<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            calls: Vec::new(),
        }
    }
    fn bytes(&self) -> Vec<u8> {
        self.calls.concat()
    }
    fn call_sizes(&self) -> Vec<usize> {
        self.calls.iter().map(Vec::len).collect()
    }
}

impl<R: RngCore> RngCore for Recording<R> {
    fn next_u32(&mut self) -> u32 {
        rand_core::impls::next_u32_via_fill(self)
    }
    fn next_u64(&mut self) -> u64 {
        rand_core::impls::next_u64_via_fill(self)
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        self.inner.fill_bytes(dest);
        self.calls.push(dest.to_vec());
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.inner.try_fill_bytes(dest)?;
        self.calls.push(dest.to_vec());
        Ok(())
    }
}
impl<R: RngCore> CryptoRng for Recording<R> {}

#[wasm_bindgen_test(unsupported = test)]
fn mnemonic_entropy_is_the_rng_output() {
    for (words, len) in [(WordCount::Twelve, 16), (WordCount::TwentyFour, 32)] {
        let mut rng = Recording::new(Stream::new("mnemonic"));
        let m = Mnemonic::generate(&mut rng, words);
        assert_eq!(rng.call_sizes(), vec![len]);
        assert_eq!(m.to_entropy().expose_secret(), rng.bytes().as_slice());

        let again = Mnemonic::generate(&mut Stream::new("mnemonic"), words);
        assert_eq!(again.expose_secret(), m.expose_secret());
        let other = Mnemonic::generate(&mut Stream::new("other"), words);
        assert_ne!(other.expose_secret(), m.expose_secret());
    }
}

/// trezor/python-mnemonic vectors: entropy replayed through the RNG gives the published phrase.
#[wasm_bindgen_test(unsupported = test)]
fn replayed_bip39_entropy_gives_the_published_phrases() {
    let v = vectors!("bip39_trezor_vectors.json");
    let mut count = 0;
    for case in v["english"].as_array().unwrap() {
        let entropy = hex::decode(case[0].as_str().unwrap()).unwrap();
        let words = match entropy.len() {
            16 => WordCount::Twelve,
            32 => WordCount::TwentyFour,
            _ => continue, // 18 and 21 words: not something the wallet generates
        };
        let m = Mnemonic::generate(&mut Replay(entropy), words);
        assert_eq!(m.expose_secret(), case[1].as_str().unwrap());
        count += 1;
    }
    // 24 English vectors: 8 each of 12, 18 and 24 words.
    assert_eq!(count, 16);
}

#[wasm_bindgen_test(unsupported = test)]
fn secp256k1_key_is_the_rng_output() {
    let mut rng = Recording::new(Stream::new("secp256k1"));
    let key = Secp256k1PrivateKey::generate(&mut rng);
    // Rejection sampling draws 32 bytes per try; a stream value >= n (probability ~2^-128)
    // would show up here as a second call.
    assert_eq!(rng.call_sizes(), vec![32]);
    assert_eq!(key.to_bytes().expose_secret().as_slice(), rng.bytes());
    let again = Secp256k1PrivateKey::generate(&mut Stream::new("secp256k1"));
    assert_eq!(
        again.to_bytes().expose_secret(),
        key.to_bytes().expose_secret()
    );
    let other = Secp256k1PrivateKey::generate(&mut Stream::new("other"));
    assert_ne!(
        other.to_bytes().expose_secret(),
        key.to_bytes().expose_secret()
    );
}

/// ethers accounts.json: each private key replayed through the RNG yields its address.
#[wasm_bindgen_test(unsupported = test)]
fn replayed_secp256k1_keys_give_the_published_addresses() {
    let v = vectors!("ethers_accounts.json");
    let mut count = 0;
    for case in v["cases"].as_array().unwrap() {
        let bytes = hex::decode(
            case["privateKey"]
                .as_str()
                .unwrap()
                .trim_start_matches("0x"),
        )
        .unwrap();
        let key = Secp256k1PrivateKey::generate(&mut Replay(bytes));
        assert_eq!(
            to_checksum(&address_of(&key.public_key())),
            case["address"].as_str().unwrap()
        );
        count += 1;
    }
    assert_eq!(count, 259);
}

#[wasm_bindgen_test(unsupported = test)]
fn ed25519_key_is_the_rng_output() {
    let mut rng = Recording::new(Stream::new("ed25519"));
    let key = Ed25519PrivateKey::generate(&mut rng);
    assert_eq!(rng.call_sizes(), vec![32]);
    assert_eq!(key.to_bytes().expose_secret().as_slice(), rng.bytes());
    let again = Ed25519PrivateKey::generate(&mut Stream::new("ed25519"));
    assert_eq!(
        again.to_bytes().expose_secret(),
        key.to_bytes().expose_secret()
    );
    let other = Ed25519PrivateKey::generate(&mut Stream::new("other"));
    assert_ne!(
        other.to_bytes().expose_secret(),
        key.to_bytes().expose_secret()
    );
}

/// RFC 8032 §7.1: each secret key replayed through the RNG yields the published public key.
#[wasm_bindgen_test(unsupported = test)]
fn replayed_ed25519_keys_give_the_published_public_keys() {
    let v = vectors!("rfc8032_ed25519.json");
    let mut count = 0;
    for case in v["vectors"].as_array().unwrap() {
        let secret = hex::decode(case["secret_key"].as_str().unwrap()).unwrap();
        let key = Ed25519PrivateKey::generate(&mut Replay(secret));
        assert_eq!(
            hex::encode(key.public_key().to_bytes()),
            case["public_key"].as_str().unwrap()
        );
        count += 1;
    }
    assert_eq!(count, 5);
}

const NOW: u64 = 1_700_000_000_000;

/// Runs one request with `rng`; returns the result and the sealed bytes saved, if any.
fn call<R: rand_core::CryptoRngCore>(
    wallet: &mut Wallet,
    rng: &mut R,
    method: &str,
    params: Value,
) -> (Value, Option<Vec<u8>>) {
    let req = json!({"id": 1, "method": method, "params": params}).to_string();
    let mut env = Env {
        rng,
        now_ms: NOW,
        origin: None,
    };
    let resp: Value = serde_json::from_str(&wallet.handle_json(&req, &mut env)).unwrap();
    let result = resp
        .get("result")
        .unwrap_or_else(|| panic!("{method} failed: {resp}"))
        .clone();
    (
        result,
        wallet.take_save().and_then(|s| s.vault).map(|v| v.bytes),
    )
}

fn floor_kdf() -> Value {
    let k = KdfParams::MIN;
    json!({"memoryKib": k.memory_kib, "iterations": k.iterations, "parallelism": k.parallelism})
}

/// `wallet_create` draws exactly: 16 bytes of mnemonic entropy, the audit log's two keys and
/// its first record's nonce (docs/audit-log.md), the 32-byte vault salt and the 24-byte nonce
/// (docs/vault-format.md §Header), and nothing else. The whole
/// sealed vault is then a function of the RNG stream, password and clock alone.
#[wasm_bindgen_test(unsupported = test)]
fn wallet_create_draws_only_from_the_given_rng() {
    let create = |label: &str| {
        let mut wallet = Wallet::new();
        let mut rng = Recording::new(Stream::new(label));
        let (result, saved) = call(
            &mut wallet,
            &mut rng,
            "wallet_create",
            json!({"password": "correct horse", "kdf": floor_kdf()}),
        );
        (wallet, rng, result, saved.unwrap())
    };
    let (mut wallet, rng, result, sealed) = create("wallet");
    // Entropy; the audit signing key, the record key and entry 0's record nonce; then the
    // vault salt and the nonce of the one sealed save.
    assert_eq!(rng.call_sizes(), vec![16, 32, 32, 24, 32, 24]);
    let drawn = rng.bytes();

    let phrase = result["mnemonic"].as_str().unwrap();
    let mnemonic = Mnemonic::parse(phrase).unwrap();
    assert_eq!(mnemonic.to_entropy().expose_secret(), &drawn[..16]);
    // Header layout (S = 32): salt at 24..56, nonce at 56..80.
    assert_eq!(sealed[23], 32);
    assert_eq!(&sealed[24..56], &drawn[104..136]);
    assert_eq!(&sealed[56..80], &drawn[136..160]);
    assert_eq!(peek(&sealed).unwrap().kdf, KdfParams::MIN);

    let (_, _, same_result, same_sealed) = create("wallet");
    assert_eq!(same_result, result);
    assert_eq!(same_sealed, sealed, "same RNG stream, same vault bytes");
    let (_, _, other_result, other_sealed) = create("another wallet");
    assert_ne!(other_result["mnemonic"], result["mnemonic"]);
    assert_ne!(other_result["accounts"], result["accounts"]);
    assert_ne!(other_sealed[24..56], sealed[24..56]);

    // Signing is deterministic (RFC 6979, Ed25519): the signature draws nothing. What is drawn
    // belongs to the audit entry's save: its record's 24-byte nonce and the vault's.
    let address = result["accounts"][0]["address"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut silent = Recording::new(Stream::new("signing"));
    call(
        &mut wallet,
        &mut silent,
        "personal_sign",
        json!(["0x68656c6c6f", address]),
    );
    assert_eq!(silent.call_sizes(), vec![24, 24]);

    // A later save draws a fresh nonce (after its audit record's); the salt stays (same key).
    let mut saving = Recording::new(Stream::new("save"));
    let (_, resealed) = call(
        &mut wallet,
        &mut saving,
        "wallet_addAccount",
        json!({"chain": "solana"}),
    );
    let resealed = resealed.unwrap();
    assert_eq!(saving.call_sizes(), vec![24, 24]);
    assert_eq!(&resealed[24..56], &sealed[24..56]);
    assert_eq!(&resealed[56..80], &saving.bytes()[24..48]);
}
