//! The keyring: what the vault encrypts (`docs/vault-format.md` §Keyring).
//!
//! Secret types deliberately have no `Serialize`/`Deserialize`. This module is the one sealed
//! boundary where they are converted to and from JSON text, and it keeps every intermediate
//! buffer in zeroizing memory: the output is sized before it is written (so it never
//! reallocates and leaves a copy behind), hex and base64 text of secrets lives in `Zeroizing`
//! buffers, and strings read back are borrowed from the (zeroizing) plaintext or copied
//! straight into zeroizing memory. One copy is outside our control: serde_json unescapes a
//! string that contains JSON escapes in a scratch buffer it does not wipe. Our writer never
//! escapes a phrase or a hex key (they are plain ASCII), so this only concerns odd passphrases.

use super::VaultError;
use crate::keys::{secp256k1::Secp256k1PrivateKey, Curve};
use crate::secret::{SecretBytes, SecretString, SecretVec};
use base64::Engine;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// The newest keyring version this build writes and reads.
pub const KEYRING_VERSION: u32 = 1;

/// Everything the vault keeps secret, plus the public facts the wallet needs while unlocked.
#[derive(Debug, PartialEq, Eq)]
pub struct Keyring {
    /// The BIP-39 recovery phrase HD accounts are derived from, if the wallet has one.
    pub mnemonic: Option<RecoveryPhrase>,
    /// Private keys imported on their own.
    pub imported_keys: Vec<ImportedKey>,
    /// The accounts the wallet shows, in order.
    pub accounts: Vec<Account>,
    /// User settings.
    pub settings: Settings,
    /// Opaque state of the policy engine (a later component); empty when unused.
    pub policy: SecretVec,
    /// Opaque state of the audit log (a later component); empty when unused.
    pub audit: SecretVec,
    /// The sites the user connected and the accounts each may see (`docs/sites.md`).
    pub sites: Vec<SiteGrant>,
    /// The sites the user blocked: their requests are refused unasked (`docs/sites.md`).
    pub blocked_sites: Vec<SiteBlock>,
}

/// A site the user connected: its origin and the accounts it was granted. Contains no secret.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteGrant {
    /// The site's web origin, `scheme://host[:port]`.
    pub origin: String,
    /// When the user granted it (unix ms).
    pub connected_at: u64,
    /// Addresses of the granted accounts, as in [`Keyring::accounts`].
    pub accounts: Vec<String>,
}

/// A site the user blocked. Contains no secret.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteBlock {
    /// The site's web origin, `scheme://host[:port]`.
    pub origin: String,
    /// When the user blocked it (unix ms).
    pub blocked_at: u64,
    /// When the block ends (unix ms); `None` until the user unblocks it.
    pub until: Option<u64>,
}

/// A BIP-39 recovery phrase and its optional passphrase.
#[derive(Debug, PartialEq, Eq)]
pub struct RecoveryPhrase {
    /// The words, separated by single spaces.
    pub phrase: SecretString,
    /// The optional BIP-39 passphrase ("25th word").
    pub passphrase: Option<SecretString>,
}

impl RecoveryPhrase {
    /// A copy the caller is responsible for; it is still zeroized on drop.
    pub fn duplicate(&self) -> Self {
        Self {
            phrase: self.phrase.duplicate(),
            passphrase: self.passphrase.as_ref().map(SecretString::duplicate),
        }
    }
}

/// A private key stored on its own.
#[derive(Debug, PartialEq, Eq)]
pub struct ImportedKey {
    /// The key's curve.
    pub curve: Curve,
    /// The 32 private key bytes (secp256k1 scalar, big-endian; or the Ed25519 seed).
    pub secret: SecretBytes<32>,
}

impl ImportedKey {
    /// A copy the caller is responsible for; it is still zeroized on drop.
    pub fn duplicate(&self) -> Self {
        Self {
            curve: self.curve,
            secret: self.secret.duplicate(),
        }
    }
}

/// The chains accounts live on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Chain {
    /// Ethereum and EVM chains (secp256k1).
    Ethereum,
    /// Solana (Ed25519).
    Solana,
}

impl Chain {
    /// The curve this chain's accounts use.
    pub fn curve(self) -> Curve {
        match self {
            Chain::Ethereum => Curve::Secp256k1,
            Chain::Solana => Curve::Ed25519,
        }
    }
}

/// Where an account's key comes from.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum AccountSource {
    /// Derived from the recovery phrase along a path such as `m/44'/60'/0'/0/0`.
    Hd {
        /// The derivation path.
        path: String,
    },
    /// An entry of [`Keyring::imported_keys`].
    Imported {
        /// Index into [`Keyring::imported_keys`].
        key_index: u32,
    },
}

/// One account the wallet shows. Contains no secret.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// The chain.
    pub chain: Chain,
    /// The curve (must be the chain's curve).
    pub curve: Curve,
    /// Where the key comes from.
    pub source: AccountSource,
    /// The user's name for the account.
    pub label: String,
    /// The address as the chain displays it, cached so nothing needs the key to show it.
    pub address: String,
}

/// User settings kept in the vault.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Idle minutes before the session locks itself; 0 disables auto-lock.
    pub auto_lock_minutes: u32,
    /// The EVM chain id the wallet is connected to.
    pub active_evm_chain_id: u64,
    /// Origins the user has connected.
    pub connected_sites: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            auto_lock_minutes: 15,
            active_evm_chain_id: 1,
            connected_sites: Vec::new(),
        }
    }
}

impl Default for Keyring {
    /// An empty keyring with default settings.
    fn default() -> Self {
        Self {
            mnemonic: None,
            imported_keys: Vec::new(),
            accounts: Vec::new(),
            settings: Settings::default(),
            policy: SecretVec::new(Vec::new()),
            audit: SecretVec::new(Vec::new()),
            sites: Vec::new(),
            blocked_sites: Vec::new(),
        }
    }
}

impl Keyring {
    /// Checks the rules of `docs/vault-format.md` §Keyring that types cannot express.
    ///
    /// # Errors
    /// [`VaultError::InvalidKeyring`] naming the broken rule.
    pub fn validate(&self) -> Result<(), VaultError> {
        for key in &self.imported_keys {
            let ok = match key.curve {
                Curve::Secp256k1 => {
                    Secp256k1PrivateKey::from_bytes(key.secret.expose_secret()).is_ok()
                }
                // Any 32 bytes are an Ed25519 seed (RFC 8032 §5.1.5), and the length is in the
                // type. Making the key here would cost a base-point multiplication on every
                // save of a wallet holding an imported Solana key.
                Curve::Ed25519 => true,
            };
            if !ok {
                return Err(VaultError::InvalidKeyring(
                    "an imported key is not valid for its curve",
                ));
            }
        }
        for account in &self.accounts {
            if account.chain.curve() != account.curve {
                return Err(VaultError::InvalidKeyring(
                    "an account's curve does not match its chain",
                ));
            }
            match &account.source {
                AccountSource::Hd { .. } if self.mnemonic.is_none() => {
                    return Err(VaultError::InvalidKeyring(
                        "an HD account needs a recovery phrase",
                    ));
                }
                AccountSource::Hd { .. } => {}
                AccountSource::Imported { key_index } => {
                    let key = usize::try_from(*key_index)
                        .ok()
                        .and_then(|i| self.imported_keys.get(i))
                        .ok_or(VaultError::InvalidKeyring(
                            "an account points at a missing imported key",
                        ))?;
                    if key.curve != account.curve {
                        return Err(VaultError::InvalidKeyring(
                            "an account points at a key of another curve",
                        ));
                    }
                }
            }
        }
        for (i, site) in self.sites.iter().enumerate() {
            if !crate::origin::is_web_origin(&site.origin) {
                return Err(VaultError::InvalidKeyring(
                    "a site's origin is not a web origin",
                ));
            }
            if self
                .sites
                .iter()
                .take(i)
                .any(|other| other.origin == site.origin)
            {
                return Err(VaultError::InvalidKeyring("a site is listed twice"));
            }
            for (j, address) in site.accounts.iter().enumerate() {
                if !self.accounts.iter().any(|a| &a.address == address) {
                    return Err(VaultError::InvalidKeyring(
                        "a site is granted an account the wallet does not have",
                    ));
                }
                if site.accounts.iter().take(j).any(|other| other == address) {
                    return Err(VaultError::InvalidKeyring(
                        "a site is granted the same account twice",
                    ));
                }
            }
        }
        for (i, block) in self.blocked_sites.iter().enumerate() {
            if !crate::origin::is_web_origin(&block.origin) {
                return Err(VaultError::InvalidKeyring(
                    "a blocked site's origin is not a web origin",
                ));
            }
            if self
                .blocked_sites
                .iter()
                .take(i)
                .any(|other| other.origin == block.origin)
            {
                return Err(VaultError::InvalidKeyring("a site is blocked twice"));
            }
            if block.until.is_some_and(|until| until <= block.blocked_at) {
                return Err(VaultError::InvalidKeyring(
                    "a site's block ends before it began",
                ));
            }
        }
        Ok(())
    }

    /// The canonical JSON plaintext (§Keyring), in zeroizing memory.
    pub(crate) fn to_plaintext(&self) -> Result<Zeroizing<Vec<u8>>, VaultError> {
        self.validate()?;
        let hex_keys: Vec<HexKey> = self.imported_keys.iter().map(HexKey::new).collect();
        let policy = base64_text(self.policy.expose_secret());
        let audit = base64_text(self.audit.expose_secret());
        let wire = WireOut {
            version: KEYRING_VERSION,
            mnemonic: self.mnemonic.as_ref().map(|m| WirePhraseOut {
                phrase: m.phrase.expose_secret(),
                passphrase: m.passphrase.as_ref().map(SecretString::expose_secret),
            }),
            imported_keys: self
                .imported_keys
                .iter()
                .zip(&hex_keys)
                .map(|(k, hex)| WireKeyOut {
                    curve: k.curve,
                    secret: hex.as_str(),
                })
                .collect(),
            accounts: &self.accounts,
            settings: &self.settings,
            policy: &policy,
            audit: &audit,
            sites: &self.sites,
            blocked_sites: &self.blocked_sites,
        };
        // One pass into a buffer that wipes what it outgrows (a second pass to measure first
        // cost as much as the first, on every save).
        let mut out = WipingBuffer(Zeroizing::new(Vec::with_capacity(PLAINTEXT_CAPACITY)));
        serde_json::to_writer(&mut out, &wire).map_err(|_| VaultError::TooLarge)?;
        Ok(out.0)
    }

    /// Parses a plaintext of any keyring version this build knows.
    pub(crate) fn from_plaintext(plaintext: &[u8]) -> Result<Self, VaultError> {
        let probe: VersionProbe =
            serde_json::from_slice(plaintext).map_err(|_| VaultError::Corrupted)?;
        match probe.version {
            1 => Self::from_v1(plaintext),
            v if v > KEYRING_VERSION => Err(VaultError::UnsupportedKeyringVersion {
                found: v,
                supported: KEYRING_VERSION,
            }),
            _ => Err(VaultError::Corrupted),
        }
    }

    fn from_v1(plaintext: &[u8]) -> Result<Self, VaultError> {
        let wire: WireInV1<'_> =
            serde_json::from_slice(plaintext).map_err(|_| VaultError::Corrupted)?;
        let mnemonic = wire.mnemonic.map(|m| RecoveryPhrase {
            phrase: m.phrase.into_secret(),
            passphrase: m.passphrase.map(SecretText::into_secret),
        });
        let mut imported_keys = Vec::with_capacity(wire.imported_keys.len());
        for k in wire.imported_keys {
            imported_keys.push(ImportedKey {
                curve: k.curve,
                secret: parse_hex_key(k.secret.as_str())?,
            });
        }
        let keyring = Self {
            mnemonic,
            imported_keys,
            accounts: wire.accounts,
            settings: wire.settings,
            policy: parse_base64(wire.policy.as_str())?,
            audit: parse_base64(wire.audit.as_str())?,
            sites: wire.sites,
            blocked_sites: wire.blocked_sites,
        };
        keyring.validate().map_err(|_| VaultError::Corrupted)?;
        Ok(keyring)
    }
}

/// Lowercase hex of a key, in zeroizing memory.
struct HexKey(Zeroizing<[u8; 64]>);

impl HexKey {
    fn new(key: &ImportedKey) -> Self {
        let mut buf = Zeroizing::new([0u8; 64]);
        // 32 bytes always fit 64 hex digits, so this cannot fail.
        let _ = hex::encode_to_slice(key.secret.expose_secret(), buf.as_mut_slice());
        Self(buf)
    }

    fn as_str(&self) -> &str {
        core::str::from_utf8(self.0.as_slice()).unwrap_or_default()
    }
}

fn base64_text(bytes: &[u8]) -> Zeroizing<String> {
    let engine = base64::engine::general_purpose::STANDARD;
    let len = base64::encoded_len(bytes.len(), true).unwrap_or(0);
    let mut out = Zeroizing::new(String::with_capacity(len));
    engine.encode_string(bytes, &mut out);
    out
}

fn parse_base64(text: &str) -> Result<SecretVec, VaultError> {
    let engine = base64::engine::general_purpose::STANDARD;
    let mut out = Vec::with_capacity(base64::decoded_len_estimate(text.len()));
    let decoded = engine.decode_vec(text, &mut out);
    let out = SecretVec::new(out);
    decoded.map_err(|_| VaultError::Corrupted)?;
    Ok(out)
}

fn parse_hex_key(text: &str) -> Result<SecretBytes<32>, VaultError> {
    // Canonical form only: exactly 64 lowercase hex digits.
    if text.len() != 64 || text.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err(VaultError::Corrupted);
    }
    let mut raw = Zeroizing::new([0u8; 32]);
    hex::decode_to_slice(text, raw.as_mut_slice()).map_err(|_| VaultError::Corrupted)?;
    Ok(SecretBytes::from_array(&mut raw))
}

/// Room for a keyring of a few accounts without growing (the buffer is wiped on drop, so its
/// size is memset work, not a leak).
const PLAINTEXT_CAPACITY: usize = 4096;

/// A plaintext being written: when it must grow, it moves to a buffer twice as large and the
/// old one is wiped as it is dropped, so no copy of the plaintext is left in freed memory.
struct WipingBuffer(Zeroizing<Vec<u8>>);

impl std::io::Write for WipingBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let needed = self
            .0
            .len()
            .checked_add(buf.len())
            .ok_or(std::io::ErrorKind::OutOfMemory)?;
        if needed > self.0.capacity() {
            let mut bigger = Zeroizing::new(Vec::with_capacity(
                needed.max(self.0.capacity().saturating_mul(2)),
            ));
            bigger.extend_from_slice(&self.0);
            self.0 = bigger;
        }
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[derive(Serialize)]
struct WireOut<'a> {
    version: u32,
    mnemonic: Option<WirePhraseOut<'a>>,
    imported_keys: Vec<WireKeyOut<'a>>,
    accounts: &'a [Account],
    settings: &'a Settings,
    policy: &'a str,
    audit: &'a str,
    // Absent when empty, so a wallet without sites writes the same layout as before sites.
    #[serde(skip_serializing_if = "<[SiteGrant]>::is_empty")]
    sites: &'a [SiteGrant],
    // Absent when empty, as `sites`.
    #[serde(skip_serializing_if = "<[SiteBlock]>::is_empty")]
    blocked_sites: &'a [SiteBlock],
}

#[derive(Serialize)]
struct WirePhraseOut<'a> {
    phrase: &'a str,
    passphrase: Option<&'a str>,
}

#[derive(Serialize)]
struct WireKeyOut<'a> {
    curve: Curve,
    secret: &'a str,
}

#[derive(Deserialize)]
struct VersionProbe {
    version: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WireInV1<'a> {
    #[allow(dead_code)] // checked by `VersionProbe`
    version: u32,
    #[serde(borrow)]
    mnemonic: Option<WirePhraseIn<'a>>,
    #[serde(borrow)]
    imported_keys: Vec<WireKeyIn<'a>>,
    accounts: Vec<Account>,
    settings: Settings,
    #[serde(borrow)]
    policy: SecretText<'a>,
    #[serde(borrow)]
    audit: SecretText<'a>,
    #[serde(default)]
    sites: Vec<SiteGrant>,
    #[serde(default)]
    blocked_sites: Vec<SiteBlock>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WirePhraseIn<'a> {
    #[serde(borrow)]
    phrase: SecretText<'a>,
    #[serde(borrow)]
    passphrase: Option<SecretText<'a>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WireKeyIn<'a> {
    curve: Curve,
    #[serde(borrow)]
    secret: SecretText<'a>,
}

/// A string read from the plaintext: borrowed from it when possible (the plaintext buffer is
/// zeroizing), otherwise copied straight into zeroizing memory.
enum SecretText<'a> {
    Borrowed(&'a str),
    Owned(Zeroizing<String>),
}

impl SecretText<'_> {
    fn as_str(&self) -> &str {
        match self {
            SecretText::Borrowed(s) => s,
            SecretText::Owned(s) => s.as_str(),
        }
    }

    fn into_secret(self) -> SecretString {
        match self {
            SecretText::Borrowed(s) => SecretString::from(s),
            SecretText::Owned(mut s) => SecretString::new(core::mem::take(&mut *s)),
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for SecretText<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = SecretText<'de>;
            fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: serde::de::Error>(
                self,
                v: &'de str,
            ) -> Result<Self::Value, E> {
                Ok(SecretText::Borrowed(v))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(SecretText::Owned(Zeroizing::new(v.to_owned())))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(SecretText::Owned(Zeroizing::new(v)))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn sample() -> Keyring {
        Keyring {
            mnemonic: Some(RecoveryPhrase {
                phrase: SecretString::from("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"),
                passphrase: Some(SecretString::from("tr\u{e9}sor \"quoted\"")),
            }),
            imported_keys: vec![ImportedKey {
                curve: Curve::Secp256k1,
                secret: SecretBytes::from_slice(&[0x46; 32]).unwrap(),
            }],
            accounts: vec![
                Account {
                    chain: Chain::Ethereum,
                    curve: Curve::Secp256k1,
                    source: AccountSource::Hd {
                        path: "m/44'/60'/0'/0/0".into(),
                    },
                    label: "Main".into(),
                    address: "0x9858EfFD232B4033E47d90003D41EC34EcaEda94".into(),
                },
                Account {
                    chain: Chain::Ethereum,
                    curve: Curve::Secp256k1,
                    source: AccountSource::Imported { key_index: 0 },
                    label: "Imported".into(),
                    address: "0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F".into(),
                },
            ],
            settings: Settings {
                auto_lock_minutes: 5,
                active_evm_chain_id: 11155111,
                connected_sites: vec!["https://app.example".into()],
            },
            policy: SecretVec::new(vec![1, 2, 3]),
            audit: SecretVec::new(Vec::new()),
            sites: Vec::new(),
            blocked_sites: Vec::new(),
        }
    }

    /// The buffer starts at 4 KiB and grows (wiping what it leaves) for a larger keyring.
    #[wasm_bindgen_test(unsupported = test)]
    fn a_plaintext_larger_than_the_first_buffer_is_written_whole() {
        let mut k = sample();
        k.policy = SecretVec::new((0..20_000u32).map(|i| (i % 251) as u8).collect());
        let text = k.to_plaintext().unwrap();
        assert!(text.len() > 6 * PLAINTEXT_CAPACITY, "{}", text.len());
        let small = sample().to_plaintext().unwrap();
        assert!(small.len() < PLAINTEXT_CAPACITY);
        let back = Keyring::from_plaintext(&text).unwrap();
        assert_eq!(back.policy.expose_secret(), k.policy.expose_secret());
        assert_eq!(back.to_plaintext().unwrap(), text);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn plaintext_round_trip_and_layout() {
        let k = sample();
        let text = k.to_plaintext().unwrap();
        let s = core::str::from_utf8(&text).unwrap();
        assert!(
            s.starts_with(r#"{"version":1,"mnemonic":{"phrase":"abandon"#),
            "{s}"
        );
        assert!(
            s.contains(r#""source":{"kind":"imported","key_index":0}"#),
            "{s}"
        );
        assert!(
            s.contains(&format!(r#""secret":"{}""#, "46".repeat(32))),
            "{s}"
        );
        assert!(s.ends_with(r#""policy":"AQID","audit":""}"#), "{s}");
        assert_eq!(Keyring::from_plaintext(&text).unwrap(), k);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn versions_and_strictness() {
        let newer = br#"{"version":2,"something":"else"}"#;
        assert_eq!(
            Keyring::from_plaintext(newer).unwrap_err(),
            VaultError::UnsupportedKeyringVersion {
                found: 2,
                supported: 1
            }
        );
        for bad in [
            &br#"{"version":0}"#[..],
            br#"not json"#,
            br#"{"version":1}"#,
        ] {
            assert_eq!(
                Keyring::from_plaintext(bad).unwrap_err(),
                VaultError::Corrupted
            );
        }
        let good = sample().to_plaintext().unwrap();
        let text = core::str::from_utf8(&good).unwrap();
        let mutations = [
            text.replace(r#""audit":"""#, r#""audit":"","extra":1"#),
            text.replace(&"46".repeat(32), &"46".repeat(31)),
            text.replace(&"46".repeat(32), &"4A".repeat(32)),
            text.replace(&"46".repeat(32), &"00".repeat(32)),
            text.replace(r#""key_index":0"#, r#""key_index":1"#),
            text.replace(r#""chain":"ethereum""#, r#""chain":"solana""#),
            text.replace(r#""policy":"AQID""#, r#""policy":"A*ID""#),
        ];
        for m in mutations {
            assert_ne!(m, text);
            assert_eq!(
                Keyring::from_plaintext(m.as_bytes()).unwrap_err(),
                VaultError::Corrupted,
                "{m}"
            );
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn sites_round_trip_and_are_checked() {
        let mut k = sample();
        k.sites.push(SiteGrant {
            origin: "https://dapp.example".into(),
            connected_at: 1_700_000_000_000,
            accounts: vec!["0x9858EfFD232B4033E47d90003D41EC34EcaEda94".into()],
        });
        let text = k.to_plaintext().unwrap();
        let s = core::str::from_utf8(&text).unwrap();
        assert!(
            s.ends_with(r#""audit":"","sites":[{"origin":"https://dapp.example","connected_at":1700000000000,"accounts":["0x9858EfFD232B4033E47d90003D41EC34EcaEda94"]}]}"#),
            "{s}"
        );
        assert_eq!(Keyring::from_plaintext(&text).unwrap(), k);
        // Read back strictly: a bad origin, an unknown account, a duplicate, an extra member.
        for m in [
            s.replace("https://dapp.example", "https://dapp.example/path"),
            s.replace(r#""accounts":["0x9858"#, r#""accounts":["0x1858"#),
            s.replace(
                r#""accounts":["0x9858EfFD232B4033E47d90003D41EC34EcaEda94"]"#,
                r#""accounts":["0x9858EfFD232B4033E47d90003D41EC34EcaEda94","0x9858EfFD232B4033E47d90003D41EC34EcaEda94"]"#,
            ),
            s.replace(r#""connected_at""#, r#""extra":1,"connected_at""#),
        ] {
            assert_ne!(m, s);
            assert_eq!(
                Keyring::from_plaintext(m.as_bytes()).unwrap_err(),
                VaultError::Corrupted,
                "{m}"
            );
        }
        let mut twice = sample();
        twice.sites = vec![k.sites[0].clone(), k.sites[0].clone()];
        assert!(matches!(
            twice.to_plaintext(),
            Err(VaultError::InvalidKeyring(_))
        ));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn blocked_sites_round_trip_and_are_checked() {
        let mut k = sample();
        k.blocked_sites = vec![
            SiteBlock {
                origin: "https://spam.example".into(),
                blocked_at: 1_700_000_000_000,
                until: None,
            },
            SiteBlock {
                origin: "http://localhost:8081".into(),
                blocked_at: 1_700_000_000_000,
                until: Some(1_700_000_600_000),
            },
        ];
        let text = k.to_plaintext().unwrap();
        let s = core::str::from_utf8(&text).unwrap();
        assert!(
            s.ends_with(r#""audit":"","blocked_sites":[{"origin":"https://spam.example","blocked_at":1700000000000,"until":null},{"origin":"http://localhost:8081","blocked_at":1700000000000,"until":1700000600000}]}"#),
            "{s}"
        );
        assert_eq!(Keyring::from_plaintext(&text).unwrap(), k);
        // Read back strictly: a bad origin, a duplicate, a block ending before it began, an
        // extra member.
        for m in [
            s.replace("https://spam.example", "https://SPAM.example"),
            s.replace("http://localhost:8081", "https://spam.example"),
            s.replace("1700000600000", "1700000000000"),
            s.replace(r#""until":null"#, r#""until":null,"extra":1"#),
        ] {
            assert_ne!(m, s);
            assert_eq!(
                Keyring::from_plaintext(m.as_bytes()).unwrap_err(),
                VaultError::Corrupted,
                "{m}"
            );
        }
        // Absent = none: a keyring written before the member existed reads with no blocks, and
        // a keyring without blocks writes no member.
        let without = sample().to_plaintext().unwrap();
        assert!(!core::str::from_utf8(&without)
            .unwrap()
            .contains("blocked_sites"));
        assert!(Keyring::from_plaintext(&without)
            .unwrap()
            .blocked_sites
            .is_empty());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn writer_refuses_invalid_keyrings() {
        let mut k = sample();
        k.mnemonic = None;
        assert!(matches!(
            k.to_plaintext(),
            Err(VaultError::InvalidKeyring(_))
        ));
        let mut k = sample();
        k.imported_keys[0].secret = SecretBytes::from_slice(&[0xff; 32]).unwrap();
        assert!(matches!(
            k.to_plaintext(),
            Err(VaultError::InvalidKeyring(_))
        ));
    }
}
