//! Derivation paths such as `m/44'/60'/0'/0/0`, and the default account paths.
//!
//! Syntax: `m`, then zero or more `/`-separated steps. A step is a decimal index below 2^31,
//! written without leading zeros, optionally followed by `'`, `h` or `H` for a hardened step
//! (index + 2^31). Display always uses `'`, so a parsed path prints back in one canonical form:
//! paths end up in policies and audit logs, where two spellings of one path would be a trap.

use core::fmt;
use core::str::FromStr;

/// The hardened bit of a BIP-32 child number.
const HARDENED_BIT: u32 = 0x8000_0000;

/// The most steps a path may have: BIP-32 serialises depth in one byte.
pub const MAX_DEPTH: usize = 255;

/// BIP-44 purpose field.
pub const BIP44_PURPOSE: u32 = 44;

/// SLIP-0044 coin type of Ethereum (and of every EVM chain in MetaMask).
pub const ETHEREUM_COIN_TYPE: u32 = 60;

/// SLIP-0044 coin type of Solana.
pub const SOLANA_COIN_TYPE: u32 = 501;

/// Why a derivation path was rejected. Positions count steps after `m`, starting at 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PathError {
    /// The path does not start with `m`.
    #[error("a derivation path starts with \"m\", as in m/44'/60'/0'/0/0")]
    MissingRoot,
    /// Two slashes in a row, or a slash right after `m` with nothing before the next one.
    #[error("step {position} of the derivation path is empty")]
    EmptyStep {
        /// Which step.
        position: usize,
    },
    /// The path ends with `/`.
    #[error("a derivation path does not end with \"/\"")]
    TrailingSlash,
    /// A step is not a decimal number with an optional `'`, `h` or `H`.
    #[error("step {position} of the derivation path is not a number")]
    NotANumber {
        /// Which step.
        position: usize,
    },
    /// A step has a leading zero (`01`), which would give one path two spellings.
    #[error("step {position} of the derivation path has a leading zero")]
    LeadingZero {
        /// Which step.
        position: usize,
    },
    /// A step's index is 2^31 or more before the hardened marker is applied.
    #[error("step {position} of the derivation path is too large: indexes are below 2147483648")]
    IndexTooLarge {
        /// Which step.
        position: usize,
    },
    /// More than 255 steps.
    #[error("a derivation path has at most 255 steps")]
    TooDeep,
}

/// One step of a derivation path: a BIP-32 child number (index plus hardened flag).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ChildNumber(u32);

impl ChildNumber {
    /// A hardened step `index'`; `index` must be below 2^31.
    pub fn hardened(index: u32) -> Option<Self> {
        (index < HARDENED_BIT).then_some(Self(index | HARDENED_BIT))
    }

    /// A normal (non-hardened) step `index`; `index` must be below 2^31.
    pub fn normal(index: u32) -> Option<Self> {
        (index < HARDENED_BIT).then_some(Self(index))
    }

    /// From the 32-bit value BIP-32 serialises (`ser32(i)`), hardened bit included.
    pub const fn from_u32(raw: u32) -> Self {
        Self(raw)
    }

    /// The 32-bit value BIP-32 serialises, hardened bit included.
    pub fn to_u32(self) -> u32 {
        self.0
    }

    /// Whether this is a hardened step.
    pub fn is_hardened(self) -> bool {
        self.0 & HARDENED_BIT != 0
    }

    /// The index without the hardened bit.
    pub fn index(self) -> u32 {
        self.0 & !HARDENED_BIT
    }
}

impl fmt::Display for ChildNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_hardened() {
            write!(f, "{}'", self.index())
        } else {
            write!(f, "{}", self.index())
        }
    }
}

/// A BIP-32 derivation path: the steps from the master key, at most [`MAX_DEPTH`] of them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct DerivationPath(Vec<ChildNumber>);

impl DerivationPath {
    /// The empty path `m` (the master key itself).
    pub fn master() -> Self {
        Self(Vec::new())
    }

    /// A path from its steps; `None` if there are more than [`MAX_DEPTH`].
    pub fn from_steps(steps: Vec<ChildNumber>) -> Option<Self> {
        (steps.len() <= MAX_DEPTH).then_some(Self(steps))
    }

    /// The steps, from the master key down.
    pub fn steps(&self) -> &[ChildNumber] {
        &self.0
    }

    /// Number of steps (the depth of the key this path reaches).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether this is `m`, the master key.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether every step is hardened, as SLIP-0010 requires for Ed25519.
    pub fn is_fully_hardened(&self) -> bool {
        self.0.iter().all(|c| c.is_hardened())
    }
}

impl FromStr for DerivationPath {
    type Err = PathError;

    fn from_str(text: &str) -> Result<Self, PathError> {
        let rest = text.strip_prefix('m').ok_or(PathError::MissingRoot)?;
        if rest.is_empty() {
            return Ok(Self::master());
        }
        let rest = rest.strip_prefix('/').ok_or(PathError::MissingRoot)?;
        if rest.is_empty() || rest.ends_with('/') {
            return Err(PathError::TrailingSlash);
        }
        let mut steps = Vec::new();
        for (offset, step) in rest.split('/').enumerate() {
            let position = offset.saturating_add(1);
            if position > MAX_DEPTH {
                return Err(PathError::TooDeep);
            }
            steps.push(parse_step(step, position)?);
        }
        Ok(Self(steps))
    }
}

fn parse_step(step: &str, position: usize) -> Result<ChildNumber, PathError> {
    if step.is_empty() {
        return Err(PathError::EmptyStep { position });
    }
    let (digits, hardened) = match step.strip_suffix(['\'', 'h', 'H']) {
        Some(digits) => (digits, true),
        None => (step, false),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PathError::NotANumber { position });
    }
    if digits.len() > 1 && digits.starts_with('0') {
        return Err(PathError::LeadingZero { position });
    }
    // All digits, so the only way parsing fails is overflow of u32.
    let index: u32 = digits
        .parse()
        .map_err(|_| PathError::IndexTooLarge { position })?;
    let child = if hardened {
        ChildNumber::hardened(index)
    } else {
        ChildNumber::normal(index)
    };
    child.ok_or(PathError::IndexTooLarge { position })
}

impl fmt::Display for DerivationPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("m")?;
        for step in &self.0 {
            write!(f, "/{step}")?;
        }
        Ok(())
    }
}

impl serde::Serialize for DerivationPath {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for DerivationPath {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// `m/44'/60'/0'/0/{index}`: the Ethereum account `index` as MetaMask, Ledger Live's "BIP-44"
/// mode, Trezor, Hardhat and most EVM wallets derive it, so one recovery phrase shows the same
/// addresses in Custodian as in those wallets.
///
/// # Errors
/// [`PathError::IndexTooLarge`] if `index` is 2^31 or more.
pub fn ethereum_account_path(index: u32) -> Result<DerivationPath, PathError> {
    let account = ChildNumber::normal(index).ok_or(PathError::IndexTooLarge { position: 5 })?;
    Ok(DerivationPath(vec![
        ChildNumber(BIP44_PURPOSE | HARDENED_BIT),
        ChildNumber(ETHEREUM_COIN_TYPE | HARDENED_BIT),
        ChildNumber(HARDENED_BIT),
        ChildNumber(0),
        account,
    ]))
}

/// `m/44'/501'/{index}'/0'`: the Solana account `index` as Phantom, Solflare, Backpack and
/// `solana-keygen` derive it. Every step is hardened because SLIP-0010 Ed25519 has no other
/// kind.
///
/// # Errors
/// [`PathError::IndexTooLarge`] if `index` is 2^31 or more.
pub fn solana_account_path(index: u32) -> Result<DerivationPath, PathError> {
    let account = ChildNumber::hardened(index).ok_or(PathError::IndexTooLarge { position: 3 })?;
    Ok(DerivationPath(vec![
        ChildNumber(BIP44_PURPOSE | HARDENED_BIT),
        ChildNumber(SOLANA_COIN_TYPE | HARDENED_BIT),
        account,
        ChildNumber(HARDENED_BIT),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn parse(text: &str) -> Result<DerivationPath, PathError> {
        text.parse()
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn parses_and_prints_canonically() {
        let cases = [
            ("m", "m"),
            ("m/44'/60'/0'/0/0", "m/44'/60'/0'/0/0"),
            ("m/44h/501h/0h/0h", "m/44'/501'/0'/0'"),
            ("m/44H/501H/0H/0H", "m/44'/501'/0'/0'"),
            ("m/0'/1/2h/2/1000000000", "m/0'/1/2'/2/1000000000"),
            ("m/2147483647'/2147483647", "m/2147483647'/2147483647"),
        ];
        for (input, canonical) in cases {
            let path = parse(input).unwrap();
            assert_eq!(path.to_string(), canonical, "{input}");
            assert_eq!(parse(canonical).unwrap(), path);
        }
        let p = parse("m/44'/60'/0'/0/7").unwrap();
        assert_eq!(p.len(), 5);
        assert_eq!(p.steps()[0].to_u32(), 0x8000_002c);
        assert_eq!(p.steps()[4].to_u32(), 7);
        assert!(!p.is_fully_hardened());
        assert!(parse("m/44'/501'/3'/0'").unwrap().is_fully_hardened());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn rejects_malformed_paths_with_the_reason() {
        use PathError::*;
        let cases = [
            ("", MissingRoot),
            ("44'/60'", MissingRoot),
            ("/44'", MissingRoot),
            ("M/44'", MissingRoot),
            ("m44'", MissingRoot),
            ("m/", TrailingSlash),
            ("m/44'/", TrailingSlash),
            ("m//0", EmptyStep { position: 1 }),
            ("m/44'//0", EmptyStep { position: 2 }),
            ("m/x", NotANumber { position: 1 }),
            ("m/44'/'", NotANumber { position: 2 }),
            ("m/1''", NotANumber { position: 1 }),
            ("m/-1", NotANumber { position: 1 }),
            ("m/+1", NotANumber { position: 1 }),
            ("m/ 1", NotANumber { position: 1 }),
            ("m/1'h", NotANumber { position: 1 }),
            ("m/0x10", NotANumber { position: 1 }),
            ("m/０", NotANumber { position: 1 }),
            ("m/01", LeadingZero { position: 1 }),
            ("m/0/00'", LeadingZero { position: 2 }),
            ("m/2147483648", IndexTooLarge { position: 1 }),
            ("m/2147483648'", IndexTooLarge { position: 1 }),
            ("m/0/4294967296", IndexTooLarge { position: 2 }),
            ("m/99999999999999999999999", IndexTooLarge { position: 1 }),
        ];
        for (input, expected) in cases {
            assert_eq!(parse(input), Err(expected), "{input:?}");
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn depth_limit_is_255() {
        let ok = format!("m{}", "/0".repeat(255));
        assert_eq!(parse(&ok).unwrap().len(), 255);
        let too_deep = format!("m{}", "/0".repeat(256));
        assert_eq!(parse(&too_deep), Err(PathError::TooDeep));
        assert!(DerivationPath::from_steps(vec![ChildNumber::from_u32(0); 256]).is_none());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn default_account_paths() {
        assert_eq!(
            ethereum_account_path(0).unwrap().to_string(),
            "m/44'/60'/0'/0/0"
        );
        assert_eq!(
            ethereum_account_path(12).unwrap().to_string(),
            "m/44'/60'/0'/0/12"
        );
        assert_eq!(
            solana_account_path(0).unwrap().to_string(),
            "m/44'/501'/0'/0'"
        );
        assert_eq!(
            solana_account_path(3).unwrap().to_string(),
            "m/44'/501'/3'/0'"
        );
        assert_eq!(
            ethereum_account_path(1 << 31),
            Err(PathError::IndexTooLarge { position: 5 })
        );
        assert_eq!(
            solana_account_path(u32::MAX),
            Err(PathError::IndexTooLarge { position: 3 })
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn serde_uses_the_text_form() {
        let path = parse("m/44h/60h/0h/0/1").unwrap();
        let json = serde_json::to_string(&path).unwrap();
        assert_eq!(json, "\"m/44'/60'/0'/0/1\"");
        assert_eq!(serde_json::from_str::<DerivationPath>(&json).unwrap(), path);
        let err = serde_json::from_str::<DerivationPath>("\"m/x\"").unwrap_err();
        assert!(err.to_string().contains("not a number"), "{err}");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn child_number_constructors_check_the_range() {
        assert_eq!(ChildNumber::hardened(0).unwrap().to_u32(), 0x8000_0000);
        assert!(ChildNumber::hardened(0x8000_0000).is_none());
        assert!(ChildNumber::normal(0x8000_0000).is_none());
        let c = ChildNumber::from_u32(0x8000_0005);
        assert!(c.is_hardened());
        assert_eq!(c.index(), 5);
        assert_eq!(c.to_string(), "5'");
    }
}
