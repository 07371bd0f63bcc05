//! Set-up shared by the fuzz targets: a deterministic RNG, one vault sealed per process at
//! the KDF floor, and helpers that wrap fuzzed bytes in a valid envelope so the fuzzer gets
//! past checksums and the AEAD tag it could never guess (docs/fuzzing.md).
//!
//! Panics here are fine: this is harness code, and a panic in set-up is a harness bug the
//! fuzzer reports at once.

use std::sync::OnceLock;

use chacha20poly1305::aead::AeadInPlace;
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use custodian_core::api::{Env, Wallet};
use custodian_core::secret::SecretString;
use custodian_core::vault::{self, VaultKey};
use hmac::{Hmac, Mac};
use rand_core::{CryptoRng, RngCore};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// The password of every vault the harness seals.
pub const PASSWORD: &str = "fuzz password";
/// The clock the harness passes to the core (2023-11-14).
pub const NOW_MS: u64 = 1_700_000_000_000;
/// The origin previews name as the requesting site.
pub const ORIGIN: &str = "https://dapp.example";
/// Hardhat's published development mnemonic: the fuzzed wallet's keys are public anyway.
pub const MNEMONIC: &str = "test test test test test test test test test test test junk";
/// Its first Ethereum account (hardhat.org, `npx hardhat node`).
pub const ETH_ACCOUNT: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
/// The private key of [`ETH_ACCOUNT`].
pub const ETH_KEY_HEX: &str = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

/// Argon2id floor (docs/vault-format.md §KDF): the cheapest a vault may be.
pub fn floor_kdf() -> Value {
    let k = vault::KdfParams::MIN;
    json!({"memoryKib": k.memory_kib, "iterations": k.iterations, "parallelism": k.parallelism})
}

/// SHA-256 in counter mode from a fixed seed. Declared `CryptoRng` only because the core's API
/// asks for one: fuzzing needs runs that repeat exactly, not secrecy.
pub struct FuzzRng {
    counter: u64,
    block: [u8; 32],
    used: usize,
}

impl Default for FuzzRng {
    fn default() -> Self {
        Self {
            counter: 0,
            block: [0; 32],
            used: 32,
        }
    }
}

impl RngCore for FuzzRng {
    fn next_u32(&mut self) -> u32 {
        rand_core::impls::next_u32_via_fill(self)
    }
    fn next_u64(&mut self) -> u64 {
        rand_core::impls::next_u64_via_fill(self)
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for byte in dest {
            if self.used == 32 {
                self.block = Sha256::new()
                    .chain_update(b"custodian-fuzz")
                    .chain_update(self.counter.to_be_bytes())
                    .finalize()
                    .into();
                self.counter += 1;
                self.used = 0;
            }
            *byte = self.block[self.used];
            self.used += 1;
        }
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}
impl CryptoRng for FuzzRng {}

/// Sends one request to `wallet` as the wallet's own UI (no origin) and returns the response
/// text. Without an origin every method is reached directly; a site's requests would mostly
/// stop at the site rules (docs/sites.md), and the fixture could not even be imported.
pub fn call(wallet: &mut Wallet, request: &str) -> String {
    let mut rng = FuzzRng::default();
    let mut env = Env {
        rng: &mut rng,
        now_ms: NOW_MS,
        origin: None,
    };
    wallet.handle_json(request, &mut env)
}

/// A wallet unlocked over [`MNEMONIC`] with one Ethereum and one Solana account, vault at the
/// KDF floor. Runs Argon2id once (~20 MiB).
pub fn unlocked_wallet() -> Wallet {
    let mut wallet = Wallet::new();
    let import = json!({"method": "wallet_import", "params": {
        "password": PASSWORD, "mnemonic": MNEMONIC, "kdf": floor_kdf()}});
    let add = json!({"method": "wallet_addAccount", "params": {"chain": "solana"}});
    for request in [import, add] {
        let response: Value = serde_json::from_str(&call(&mut wallet, &request.to_string()))
            .expect("response is JSON");
        assert!(response.get("result").is_some(), "fixture: {response}");
    }
    let _ = wallet.take_events();
    wallet
}

/// A vault sealed once per process, its key, and the AEAD key computed from the spec.
pub struct VaultFixture {
    /// The sealed vault.
    pub sealed: Vec<u8>,
    /// Its key, as `vault::derive_key` returns it.
    pub key: VaultKey,
    /// `vault_key` of docs/vault-format.md §Keys, derived here independently of the core.
    pub aead_key: [u8; 32],
    /// Length of the header (the AEAD's associated data).
    pub header_len: usize,
}

const TAG_LEN: usize = 16;
const SALT_LEN_AT: usize = 23;

/// The per-process vault fixture (two Argon2id runs at the floor, once).
pub fn vault_fixture() -> &'static VaultFixture {
    static FIXTURE: OnceLock<VaultFixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let mut wallet = unlocked_wallet();
        // A save to collect the sealed bytes: renaming is one more seal, no KDF.
        call(
            &mut wallet,
            &json!({"method": "wallet_renameAccount",
                    "params": {"address": ETH_ACCOUNT, "label": "fuzz"}})
            .to_string(),
        );
        let sealed = wallet
            .take_save()
            .and_then(|s| s.vault)
            .expect("rename saves")
            .bytes;
        let password = SecretString::from(PASSWORD);
        let key = vault::derive_key(&sealed, &password).expect("fixture key");
        let info = vault::peek(&sealed).expect("fixture header");
        let salt_len = usize::from(sealed[SALT_LEN_AT]);
        let salt = &sealed[24..24 + salt_len];
        let header_len = 92 + salt_len;

        // ikm = Argon2id(password, salt, m, t, p, 32); vault_key = HMAC(ikm, label).
        let params = argon2::Params::new(
            info.kdf.memory_kib,
            info.kdf.iterations,
            info.kdf.parallelism,
            Some(32),
        )
        .expect("argon2 params");
        let mut ikm = [0u8; 32];
        argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
            .hash_password_into(PASSWORD.as_bytes(), salt, &mut ikm)
            .expect("argon2");
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&ikm).expect("hmac key");
        mac.update(b"custodian/v1/vault-key");
        let aead_key: [u8; 32] = mac.finalize().into_bytes().into();

        let fixture = VaultFixture {
            sealed,
            key,
            aead_key,
            header_len,
        };
        // The independent derivation must open the core's vault, or every seal below is noise.
        fixture
            .decrypt(&fixture.sealed)
            .expect("spec-derived key opens the fixture vault");
        fixture
    })
}

impl VaultFixture {
    /// A copy of the fixture vault whose ciphertext is `plaintext` sealed with the fixture's
    /// key, nonce and header: the keyring parser sees exactly these bytes.
    pub fn seal(&self, plaintext: &[u8]) -> Vec<u8> {
        let mut out = self.sealed[..self.header_len].to_vec();
        let ct_len = u32::try_from(plaintext.len() + TAG_LEN).expect("small input");
        let salt_len = usize::from(out[SALT_LEN_AT]);
        out[56 + salt_len..60 + salt_len].copy_from_slice(&ct_len.to_be_bytes());
        fix_checksum(&mut out);
        let nonce = XNonce::clone_from_slice(&out[24 + salt_len..48 + salt_len]);
        let header = out.clone();
        out.extend_from_slice(plaintext);
        let cipher = XChaCha20Poly1305::new((&self.aead_key).into());
        let tag = cipher
            .encrypt_in_place_detached(&nonce, &header, &mut out[self.header_len..])
            .expect("encrypt");
        out.extend_from_slice(&tag);
        out
    }

    /// The plaintext of a vault sealed under the fixture's key, if its tag checks.
    pub fn decrypt(&self, sealed: &[u8]) -> Option<Vec<u8>> {
        let salt_len = usize::from(*sealed.get(SALT_LEN_AT)?);
        let header_len = 92 + salt_len;
        let header = sealed.get(..header_len)?;
        let body = sealed.get(header_len..)?;
        let split = body.len().checked_sub(TAG_LEN)?;
        let (ciphertext, tag) = body.split_at(split);
        let nonce = XNonce::clone_from_slice(header.get(24 + salt_len..48 + salt_len)?);
        let mut buf = ciphertext.to_vec();
        XChaCha20Poly1305::new((&self.aead_key).into())
            .decrypt_in_place_detached(&nonce, header, &mut buf, tag.into())
            .ok()?;
        Some(buf)
    }
}

/// Rewrites the header checksum (§Header: SHA-256 of bytes[0..76+S], first 16 bytes) so a
/// mutated header reaches the checks after it. Leaves too-short input alone.
pub fn fix_checksum(bytes: &mut [u8]) {
    let Some(&salt_len) = bytes.get(SALT_LEN_AT) else {
        return;
    };
    let covered = 76 + usize::from(salt_len);
    if bytes.len() < covered + 16 {
        return;
    }
    let digest = Sha256::digest(&bytes[..covered]);
    bytes[covered..covered + 16].copy_from_slice(&digest[..16]);
}
