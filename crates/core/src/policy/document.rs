//! The policy document: its types and its validation (`docs/policy.md` §"The document").

use alloy_primitives::{Address, U256};
use serde_json::Value;

use super::canonical::domain_hash;
use super::reader::{
    amount, boolean, child, ed25519_key, eth_address, integer, invalid, item, list, selector,
    sol_address, string, unique_list, Obj, MAX_LIST,
};
use super::PolicyError;
use crate::chains::solana::Address as SolanaAddress;
use crate::keys::ed25519::Ed25519PublicKey;

/// The newest policy version this build reads.
pub const POLICY_VERSION: u64 = 1;
/// Domain label of the policy hash.
const POLICY_HASH_LABEL: &str = "custodian/v1/policy";
const MAX_APPROVERS: usize = 32;
const MAX_WINDOWS: usize = 8;
const MAX_NAME_CHARS: usize = 64;
const DEFAULT_TTL_SECONDS: u64 = 86_400;
const MIN_TTL_SECONDS: u64 = 60;
const MAX_TTL_SECONDS: u64 = 7 * 86_400;
const MAX_PERIOD_SECONDS: u64 = 365 * 86_400;
const MAX_EVM_CHAIN_ID: u64 = (1 << 53) - 1;
/// The Solana clusters a policy may name (Wallet Standard chain ids).
pub(crate) const SOLANA_CHAINS: [&str; 3] = ["solana:mainnet", "solana:devnet", "solana:testnet"];

/// A validated policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// The document as given, in canonical form (what is stored and hashed).
    document: Value,
    hash: [u8; 32],
    /// Who may approve held requests.
    pub approvers: Vec<Approver>,
    /// How many distinct approvers must approve (0 only for an owner-managed policy).
    pub quorum: usize,
    /// How long a held request waits for approvals, in milliseconds.
    pub approval_ttl_ms: u64,
    /// What is allowed.
    pub rules: Rules,
}

/// One approver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approver {
    /// Display name.
    pub name: String,
    /// The key whose Ed25519 signatures count.
    pub public_key: Ed25519PublicKey,
}

/// What to do with a kind of request that is neither plainly allowed nor plainly refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fallback {
    /// Refuse it.
    Deny,
    /// Hold it for the quorum.
    Approval,
}

/// `allow` / `deny` / `approval` for message signing and export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Switch {
    /// Always allowed.
    Allow,
    /// Always refused.
    Deny,
    /// Needs the quorum.
    Approval,
}

/// The rules of a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    /// CAIP-2 chain ids requests may be for.
    pub allowed_chains: Vec<String>,
    /// What happens to what the rules do not list.
    pub unlisted: Fallback,
    /// What happens above a limit.
    pub over_limit: Fallback,
    /// `personal_sign`, `solana_signMessage`, `solana_signIn`.
    pub message_signing: Switch,
    /// `wallet_export`.
    pub export: Switch,
    /// Ethereum rules.
    pub ethereum: EthereumRules,
    /// Solana rules.
    pub solana: SolanaRules,
}

/// A rolling limit: at most `max` in any `period_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Length of the window.
    pub period_ms: u64,
    /// Most that may be spent within it (inclusive).
    pub max: U256,
}

/// An ERC-20 token the wallet may move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EthereumToken {
    /// The token contract.
    pub address: Address,
    /// Most per transaction, in base units.
    pub max_amount: U256,
    /// Rolling limits.
    pub windows: Vec<Window>,
}

/// EIP-712 rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedDataRules {
    /// If given, the only verifying contracts (besides listed tokens).
    pub allow_verifying_contracts: Option<Vec<Address>>,
}

/// Rules for EVM chains.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EthereumRules {
    /// Most native value per transaction (wei).
    pub max_value_wei: U256,
    /// Most gas cost per transaction (wei), if capped.
    pub max_fee_wei: Option<U256>,
    /// Rolling limits on native value.
    pub windows: Vec<Window>,
    /// Tokens that may be moved.
    pub tokens: Vec<EthereumToken>,
    /// If given, the only recipients.
    pub allow_recipients: Option<Vec<Address>>,
    /// Never a counterparty.
    pub deny_recipients: Vec<Address>,
    /// Contracts that may be called.
    pub allow_contracts: Vec<Address>,
    /// If given, the only selectors allowed contracts may be called with.
    pub allow_selectors: Option<Vec<[u8; 4]>>,
    /// Hard-deny unlimited approvals.
    pub block_unlimited_approvals: bool,
    /// EIP-7702 delegates.
    pub allow_delegates: Vec<Address>,
    /// EIP-712 signing, if enabled.
    pub typed_data: Option<TypedDataRules>,
}

/// An SPL token the wallet may move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SolanaToken {
    /// The mint.
    pub mint: SolanaAddress,
    /// Most per transaction, in base units.
    pub max_amount: U256,
    /// Rolling limits.
    pub windows: Vec<Window>,
}

/// Rules for Solana.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SolanaRules {
    /// Most lamports per transaction.
    pub max_lamports: U256,
    /// Rolling limits on lamports.
    pub windows: Vec<Window>,
    /// Tokens that may be moved.
    pub tokens: Vec<SolanaToken>,
    /// If given, the only recipients.
    pub allow_recipients: Option<Vec<SolanaAddress>>,
    /// Never a recipient.
    pub deny_recipients: Vec<SolanaAddress>,
    /// Programs trusted with instructions the policy does not decode.
    pub allow_programs: Vec<SolanaAddress>,
}

impl Policy {
    /// Validates a policy document; the error names the path of the first bad field.
    ///
    /// # Errors
    /// [`PolicyError::Invalid`], [`PolicyError::UnsupportedVersion`].
    pub fn from_json(document: &Value) -> Result<Self, PolicyError> {
        let root = Obj::new(
            document,
            "",
            &[
                "version",
                "approvers",
                "quorum",
                "approvalTtlSeconds",
                "rules",
            ],
        )?;
        let (v, path) = root.require("version")?;
        let version = v
            .as_u64()
            .ok_or_else(|| invalid(&path, "must be a positive integer"))?;
        if version > POLICY_VERSION {
            return Err(PolicyError::UnsupportedVersion {
                found: version,
                supported: POLICY_VERSION,
            });
        }
        if version != POLICY_VERSION {
            return Err(invalid(&path, format!("must be {POLICY_VERSION}")));
        }

        let (v, path) = root.require("approvers")?;
        let approvers = parse_approvers(v, &path)?;
        let (v, path) = root.require("quorum")?;
        let quorum = usize::try_from(integer(v, &path, 0, MAX_APPROVERS as u64)?)
            .map_err(|_| invalid(&path, "is too large"))?;
        if approvers.is_empty() && quorum != 0 {
            return Err(invalid(&path, "must be 0 when there are no approvers"));
        }
        if !approvers.is_empty() && (quorum == 0 || quorum > approvers.len()) {
            return Err(invalid(
                &path,
                format!(
                    "must be between 1 and the number of approvers ({})",
                    approvers.len()
                ),
            ));
        }
        let ttl_seconds = match root.get("approvalTtlSeconds") {
            (Some(v), path) => integer(v, &path, MIN_TTL_SECONDS, MAX_TTL_SECONDS)?,
            (None, _) => DEFAULT_TTL_SECONDS,
        };
        let (v, path) = root.require("rules")?;
        let rules = parse_rules(v, &path)?;
        if approvers.is_empty() {
            if let Some(path) = rules.first_approval_setting() {
                return Err(invalid(
                    path,
                    "is \"approval\" but the policy has no approvers",
                ));
            }
        }
        Ok(Self {
            hash: domain_hash(POLICY_HASH_LABEL, document),
            document: document.clone(),
            approvers,
            quorum,
            approval_ttl_ms: ttl_seconds.saturating_mul(1000),
            rules,
        })
    }

    /// The document as it was given.
    pub fn document(&self) -> &Value {
        &self.document
    }

    /// `SHA-256("custodian/v1/policy" || 0x00 || canonical_json(document))`.
    pub fn hash(&self) -> [u8; 32] {
        self.hash
    }

    /// The hash as lowercase hex.
    pub fn hash_hex(&self) -> String {
        hex::encode(self.hash)
    }

    /// The approver holding `key`, if any.
    pub fn approver(&self, key: &Ed25519PublicKey) -> Option<&Approver> {
        self.approvers.iter().find(|a| a.public_key == *key)
    }

    /// The longest rolling window of any asset, in ms (0 if none).
    pub fn longest_window_ms(&self) -> u64 {
        let eth = &self.rules.ethereum;
        let sol = &self.rules.solana;
        eth.windows
            .iter()
            .chain(eth.tokens.iter().flat_map(|t| t.windows.iter()))
            .chain(sol.windows.iter())
            .chain(sol.tokens.iter().flat_map(|t| t.windows.iter()))
            .map(|w| w.period_ms)
            .max()
            .unwrap_or(0)
    }
}

impl Rules {
    /// The path of the first setting that asks for approval, if any.
    fn first_approval_setting(&self) -> Option<&'static str> {
        if self.unlisted == Fallback::Approval {
            Some("rules.unlisted")
        } else if self.over_limit == Fallback::Approval {
            Some("rules.overLimit")
        } else if self.message_signing == Switch::Approval {
            Some("rules.messageSigning")
        } else if self.export == Switch::Approval {
            Some("rules.export")
        } else {
            None
        }
    }

    /// Whether requests for the CAIP-2 chain `chain` may be made.
    pub fn chain_allowed(&self, chain: &str) -> bool {
        self.allowed_chains.iter().any(|c| c == chain)
    }
}

fn parse_approvers(value: &Value, path: &str) -> Result<Vec<Approver>, PolicyError> {
    let mut out: Vec<Approver> = Vec::new();
    for (i, v) in list(value, path, MAX_APPROVERS)?.iter().enumerate() {
        let p = item(path, i);
        let o = Obj::new(v, &p, &["name", "publicKey"])?;
        let (name, name_path) = o.require("name")?;
        let name = string(name, &name_path)?;
        if name.is_empty()
            || name.chars().count() > MAX_NAME_CHARS
            || name.chars().any(char::is_control)
        {
            return Err(invalid(
                &name_path,
                format!("must be 1 to {MAX_NAME_CHARS} characters without control characters"),
            ));
        }
        let (key, key_path) = o.require("publicKey")?;
        let public_key = ed25519_key(key, &key_path)?;
        if let Some(first) = out.iter().position(|a| a.name == name) {
            return Err(invalid(
                &name_path,
                format!("duplicate of {}", child(&item(path, first), "name")),
            ));
        }
        if let Some(first) = out.iter().position(|a| a.public_key == public_key) {
            return Err(invalid(
                &key_path,
                format!("duplicate of {}", child(&item(path, first), "publicKey")),
            ));
        }
        out.push(Approver {
            name: name.to_owned(),
            public_key,
        });
    }
    Ok(out)
}

fn parse_rules(value: &Value, path: &str) -> Result<Rules, PolicyError> {
    let o = Obj::new(
        value,
        path,
        &[
            "allowedChains",
            "unlisted",
            "overLimit",
            "messageSigning",
            "export",
            "ethereum",
            "solana",
        ],
    )?;
    let (v, p) = o.require("allowedChains")?;
    let allowed_chains = unique_list(v, &p, MAX_LIST, chain_id)?;
    let fallback = |key: &str| -> Result<Fallback, PolicyError> {
        match o.get(key) {
            (None, _) => Ok(Fallback::Deny),
            (Some(v), p) => match string(v, &p)? {
                "deny" => Ok(Fallback::Deny),
                "approval" => Ok(Fallback::Approval),
                _ => Err(invalid(&p, "must be \"deny\" or \"approval\"")),
            },
        }
    };
    let switch = |key: &str| -> Result<Switch, PolicyError> {
        match o.get(key) {
            (None, _) => Ok(Switch::Deny),
            (Some(v), p) => match string(v, &p)? {
                "allow" => Ok(Switch::Allow),
                "deny" => Ok(Switch::Deny),
                "approval" => Ok(Switch::Approval),
                _ => Err(invalid(&p, "must be \"allow\", \"deny\" or \"approval\"")),
            },
        }
    };
    let ethereum = match o.get("ethereum") {
        (Some(v), p) => parse_ethereum(v, &p)?,
        (None, _) => EthereumRules::defaults(),
    };
    let solana = match o.get("solana") {
        (Some(v), p) => parse_solana(v, &p)?,
        (None, _) => SolanaRules::default(),
    };
    Ok(Rules {
        allowed_chains,
        unlisted: fallback("unlisted")?,
        over_limit: fallback("overLimit")?,
        message_signing: switch("messageSigning")?,
        export: switch("export")?,
        ethereum,
        solana,
    })
}

/// A CAIP-2 chain id of the forms `policy.md` allows, in its one canonical spelling.
fn chain_id(value: &Value, path: &str) -> Result<String, PolicyError> {
    let text = string(value, path)?;
    if SOLANA_CHAINS.contains(&text) {
        return Ok(text.to_owned());
    }
    let bad = || {
        invalid(
            path,
            "must be eip155:<chain id> (decimal, 1 to 2^53 - 1) or solana:mainnet, solana:devnet, solana:testnet",
        )
    };
    let digits = text.strip_prefix("eip155:").ok_or_else(bad)?;
    if digits.is_empty()
        || digits.len() > 16
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || digits.starts_with('0')
    {
        return Err(bad());
    }
    let id: u64 = digits.parse().map_err(|_| bad())?;
    if id == 0 || id > MAX_EVM_CHAIN_ID {
        return Err(bad());
    }
    Ok(text.to_owned())
}

fn windows(
    value: &Value,
    path: &str,
    max_key: &str,
    max: U256,
) -> Result<Vec<Window>, PolicyError> {
    let mut out: Vec<Window> = Vec::new();
    for (i, v) in list(value, path, MAX_WINDOWS)?.iter().enumerate() {
        let p = item(path, i);
        let o = Obj::new(v, &p, &["periodSeconds", max_key])?;
        let (period, period_path) = o.require("periodSeconds")?;
        let seconds = integer(period, &period_path, 1, MAX_PERIOD_SECONDS)?;
        let (limit, limit_path) = o.require(max_key)?;
        let window = Window {
            period_ms: seconds.saturating_mul(1000),
            max: amount(limit, &limit_path, max)?,
        };
        if let Some(first) = out.iter().position(|w| w.period_ms == window.period_ms) {
            return Err(invalid(
                &period_path,
                format!(
                    "duplicate of {}",
                    child(&item(path, first), "periodSeconds")
                ),
            ));
        }
        out.push(window);
    }
    Ok(out)
}

impl EthereumRules {
    fn defaults() -> Self {
        Self {
            block_unlimited_approvals: true,
            ..Self::default()
        }
    }
}

fn parse_ethereum(value: &Value, path: &str) -> Result<EthereumRules, PolicyError> {
    let o = Obj::new(
        value,
        path,
        &[
            "maxValueWei",
            "maxFeeWei",
            "windows",
            "tokens",
            "allowRecipients",
            "denyRecipients",
            "allowContracts",
            "allowSelectors",
            "blockUnlimitedApprovals",
            "allowDelegates",
            "typedData",
        ],
    )?;
    let mut rules = EthereumRules::defaults();
    if let (Some(v), p) = o.get("maxValueWei") {
        rules.max_value_wei = amount(v, &p, U256::MAX)?;
    }
    if let (Some(v), p) = o.get("maxFeeWei") {
        rules.max_fee_wei = Some(amount(v, &p, U256::MAX)?);
    }
    if let (Some(v), p) = o.get("windows") {
        rules.windows = windows(v, &p, "maxValueWei", U256::MAX)?;
    }
    if let (Some(v), p) = o.get("tokens") {
        rules.tokens = unique_by(
            v,
            &p,
            |v, p| {
                let t = Obj::new(v, p, &["address", "maxAmount", "windows"])?;
                let (a, ap) = t.require("address")?;
                let (m, mp) = t.require("maxAmount")?;
                Ok(EthereumToken {
                    address: eth_address(a, &ap)?,
                    max_amount: amount(m, &mp, U256::MAX)?,
                    windows: match t.get("windows") {
                        (Some(w), wp) => windows(w, &wp, "maxAmount", U256::MAX)?,
                        (None, _) => Vec::new(),
                    },
                })
            },
            |a, b| a.address == b.address,
            "address",
        )?;
    }
    if let (Some(v), p) = o.get("allowRecipients") {
        rules.allow_recipients = Some(unique_list(v, &p, MAX_LIST, eth_address)?);
    }
    if let (Some(v), p) = o.get("denyRecipients") {
        rules.deny_recipients = unique_list(v, &p, MAX_LIST, eth_address)?;
    }
    if let (Some(v), p) = o.get("allowContracts") {
        rules.allow_contracts = unique_list(v, &p, MAX_LIST, eth_address)?;
    }
    if let (Some(v), p) = o.get("allowSelectors") {
        rules.allow_selectors = Some(unique_list(v, &p, MAX_LIST, selector)?);
    }
    if let (Some(v), p) = o.get("blockUnlimitedApprovals") {
        rules.block_unlimited_approvals = boolean(v, &p)?;
    }
    if let (Some(v), p) = o.get("allowDelegates") {
        rules.allow_delegates = unique_list(v, &p, MAX_LIST, eth_address)?;
    }
    if let (Some(v), p) = o.get("typedData") {
        let t = Obj::new(v, &p, &["allowVerifyingContracts"])?;
        rules.typed_data = Some(TypedDataRules {
            allow_verifying_contracts: match t.get("allowVerifyingContracts") {
                (Some(l), lp) => Some(unique_list(l, &lp, MAX_LIST, eth_address)?),
                (None, _) => None,
            },
        });
    }
    Ok(rules)
}

fn parse_solana(value: &Value, path: &str) -> Result<SolanaRules, PolicyError> {
    let o = Obj::new(
        value,
        path,
        &[
            "maxLamports",
            "windows",
            "tokens",
            "allowRecipients",
            "denyRecipients",
            "allowPrograms",
        ],
    )?;
    let u64_max = U256::from(u64::MAX);
    let mut rules = SolanaRules::default();
    if let (Some(v), p) = o.get("maxLamports") {
        rules.max_lamports = amount(v, &p, u64_max)?;
    }
    if let (Some(v), p) = o.get("windows") {
        rules.windows = windows(v, &p, "maxLamports", u64_max)?;
    }
    if let (Some(v), p) = o.get("tokens") {
        rules.tokens = unique_by(
            v,
            &p,
            |v, p| {
                let t = Obj::new(v, p, &["mint", "maxAmount", "windows"])?;
                let (a, ap) = t.require("mint")?;
                let (m, mp) = t.require("maxAmount")?;
                Ok(SolanaToken {
                    mint: sol_address(a, &ap)?,
                    max_amount: amount(m, &mp, u64_max)?,
                    windows: match t.get("windows") {
                        (Some(w), wp) => windows(w, &wp, "maxAmount", u64_max)?,
                        (None, _) => Vec::new(),
                    },
                })
            },
            |a, b| a.mint == b.mint,
            "mint",
        )?;
    }
    if let (Some(v), p) = o.get("allowRecipients") {
        rules.allow_recipients = Some(unique_list(v, &p, MAX_LIST, sol_address)?);
    }
    if let (Some(v), p) = o.get("denyRecipients") {
        rules.deny_recipients = unique_list(v, &p, MAX_LIST, sol_address)?;
    }
    if let (Some(v), p) = o.get("allowPrograms") {
        rules.allow_programs = unique_list(v, &p, MAX_LIST, sol_address)?;
    }
    Ok(rules)
}

/// A list of objects, unique by one member (`key`, named in the error).
fn unique_by<T>(
    value: &Value,
    path: &str,
    mut parse: impl FnMut(&Value, &str) -> Result<T, PolicyError>,
    same: impl Fn(&T, &T) -> bool,
    key: &str,
) -> Result<Vec<T>, PolicyError> {
    let mut out: Vec<T> = Vec::new();
    for (i, v) in list(value, path, MAX_LIST)?.iter().enumerate() {
        let p = item(path, i);
        let parsed = parse(v, &p)?;
        if let Some(first) = out.iter().position(|x| same(x, &parsed)) {
            return Err(invalid(
                &child(&p, key),
                format!("duplicate of {}", child(&item(path, first), key)),
            ));
        }
        out.push(parsed);
    }
    Ok(out)
}
