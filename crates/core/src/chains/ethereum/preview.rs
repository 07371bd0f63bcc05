//! What the user is about to sign, in words: the content of `wallet_previewRequest`, also shown
//! with every signing request's approval.
//!
//! A [`Preview`] is plain data (serde-serialisable, camelCase JSON) that any UI can render:
//! the chain, a one-sentence summary, labelled fields, the decoded actions (a token approval, a
//! transfer, a Permit2 signature, a 7702 delegation...) and risk warnings with a severity. The
//! types carry nothing Ethereum-specific so that Solana previews can use them too. The format,
//! every action kind and every warning code are documented in `docs/preview.md`.
//!
//! The preview decodes what it recognises and says so when it does not; it never guesses. Facts
//! the core cannot know (is this address a contract? the account's balance? a token's decimals?)
//! come from [`PreviewHints`] supplied by the caller; without them the preview says "unknown".

use super::address::{parse_address, to_checksum};
use super::authorization::{parse_authorization_request, AuthorizationError};
use super::fields::{self, FieldError};
use super::message::{message_bytes, MessageEncoding};
use super::transaction::TransactionError;
use super::typed_data::TypedDataError;
use super::units::{format_timestamp, format_units, relative};
use super::{chain, preview_tx, preview_typed, EthError};
use alloy_primitives::{Address, U256};
use serde::Serialize;
use serde_json::Value;

/// A structured, human-readable account of one signing request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Preview {
    /// The chain the signature is for.
    pub chain: ChainInfo,
    /// What kind of request this is.
    pub kind: PreviewKind,
    /// The signing account, checksummed, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// One plain sentence: what signing this does.
    pub summary: String,
    /// The request's fields, labelled for people, in display order.
    pub fields: Vec<Field>,
    /// What the request does, decoded (a transfer, an approval, a delegation...).
    pub actions: Vec<Action>,
    /// Risks, most severe first.
    pub warnings: Vec<Warning>,
}

impl Preview {
    /// The highest severity among the warnings, if any.
    pub fn max_severity(&self) -> Option<Severity> {
        self.warnings.iter().map(|w| w.severity).max()
    }
}

/// The chain a request is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChainInfo {
    /// CAIP-2 identifier, e.g. `eip155:1`.
    pub id: String,
    /// Human name, e.g. `Ethereum`, or `chain 12345` when unknown.
    pub name: String,
    /// A test network or local development chain (its assets have no value).
    pub testnet: bool,
}

impl ChainInfo {
    /// The entry for an EVM chain id.
    pub fn evm(chain_id: u64) -> Self {
        Self {
            id: format!("eip155:{chain_id}"),
            name: chain::name(chain_id),
            testnet: chain::lookup(chain_id).is_some_and(|c| c.testnet),
        }
    }
}

/// The four kinds of request that are previewed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum PreviewKind {
    /// A transaction (`eth_signTransaction`).
    Transaction,
    /// A signed message (`personal_sign`).
    Message,
    /// EIP-712 typed data (`eth_signTypedData_v4`).
    TypedData,
    /// An EIP-7702 authorization (`wallet_signAuthorization`).
    Authorization,
}

/// A labelled value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Field {
    /// What the value is, for people ("Recipient", "Max network fee").
    pub label: String,
    /// The value, complete (addresses are never shortened: that is how address poisoning works).
    pub value: String,
    /// How to render the value.
    pub format: FieldFormat,
}

/// A rendering hint for a [`Field`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum FieldFormat {
    /// Plain text.
    Text,
    /// A checksummed address.
    Address,
    /// An amount with its unit.
    Amount,
    /// Hex bytes.
    Hex,
    /// A date and time.
    Time,
}

/// One thing the request does, decoded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Action {
    /// What kind of action.
    pub kind: ActionKind,
    /// One plain sentence.
    pub summary: String,
    /// The contract the action is on (token, NFT collection, Permit2, Seaport), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contract: Option<String>,
    /// The action's parameters, labelled.
    pub fields: Vec<Field>,
}

/// The kinds of action the preview recognises. Serialised in camelCase (`tokenApproval`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ActionKind {
    /// Sending the chain's native currency.
    NativeTransfer,
    /// Deploying a contract.
    ContractCreation,
    /// A contract call that is not recognised.
    ContractCall,
    /// ERC-20 `transfer`.
    TokenTransfer,
    /// `transferFrom`, shared by ERC-20 (an amount) and ERC-721 (a token id).
    TokenTransferFrom,
    /// ERC-20 `approve` or `increaseAllowance` (ERC-721 `approve` shares the selector).
    TokenApproval,
    /// ERC-721 / ERC-1155 `setApprovalForAll`.
    ApprovalForAll,
    /// ERC-721 `safeTransferFrom`.
    NftTransfer,
    /// ERC-1155 `safeTransferFrom` or `safeBatchTransferFrom`.
    MultiTokenTransfer,
    /// An EIP-2612 (or DAI-style) `Permit` signature.
    Permit,
    /// A Permit2 `PermitSingle` / `PermitBatch` allowance signature.
    Permit2Allowance,
    /// A Permit2 `PermitTransferFrom` / `PermitBatchTransferFrom` (with or without witness).
    Permit2Transfer,
    /// A Seaport order (`OrderComponents`).
    SeaportOrder,
    /// An EIP-7702 delegation of an account to contract code.
    Delegation,
    /// A `personal_sign` message.
    SignMessage,
    /// EIP-712 typed data that is not recognised, shown field by field.
    TypedData,
}

/// A risk, with how much it matters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Warning {
    /// How much it matters.
    pub severity: Severity,
    /// Stable machine-readable code (see `docs/preview.md`).
    pub code: WarningCode,
    /// One or two plain sentences for people.
    pub message: String,
}

/// Warning severities, in increasing order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Severity {
    /// Worth knowing; nothing looks wrong.
    Info,
    /// Check before signing.
    Warning,
    /// Typical of theft: sign only if certain.
    Danger,
}

/// Warning codes. Serialised in snake_case (`unlimited_approval`); stable across releases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WarningCode {
    /// An approval or permit for an unlimited (>= 2^(bits-1)) amount.
    UnlimitedApproval,
    /// The spender or operator is known to be a plain account, not a contract.
    SpenderIsEoa,
    /// No hint says whether the spender or operator is a contract.
    SpenderUnknown,
    /// `setApprovalForAll(operator, true)`: the operator may take every NFT of the collection.
    ApprovalForAll,
    /// A permit or order valid for more than 30 days, or forever.
    FarDeadline,
    /// An EIP-7702 delegation: the delegate code controls the account.
    Delegation,
    /// An EIP-7702 authorization with chain id 0, valid on every chain.
    AllChains,
    /// An authorization in a transaction whose signature does not recover.
    InvalidAuthorization,
    /// Typed data or a message for a chain other than the active one.
    ChainMismatch,
    /// The value (plus the maximum fee) is more than the balance hint.
    InsufficientBalance,
    /// Sending to the zero address: whatever is sent is lost.
    ZeroAddress,
    /// Tokens sent to the token's own contract, where they are usually lost.
    TransferToTokenContract,
    /// Calldata that is not recognised.
    UnknownCall,
    /// A contract deployment.
    ContractCreation,
    /// A legacy transaction without EIP-155 replay protection (valid on every chain).
    NoReplayProtection,
    /// A Seaport order in which the offerer receives nothing.
    NothingInReturn,
    /// A `personal_sign` message in bare hex, signed as bytes (as MetaMask does).
    BareHexMessage,
    /// A 32-byte binary `personal_sign` message: usually a hash of something not shown.
    MessageLooksLikeHash,
}

/// Facts the core cannot know, supplied by the caller (from a node, an indexer, a token list).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PreviewHints {
    /// The signing account's balance in wei.
    pub balance_wei: Option<U256>,
    /// Addresses known to be contracts.
    pub contracts: Vec<Address>,
    /// Addresses known to be plain accounts (no code).
    pub eoas: Vec<Address>,
    /// Tokens whose symbol and decimals are known.
    pub tokens: Vec<TokenHint>,
}

/// A token's display data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenHint {
    /// The token contract.
    pub address: Address,
    /// Its symbol.
    pub symbol: String,
    /// Its decimals.
    pub decimals: u8,
}

/// Whether an address is a contract, as far as the hints say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AccountKind {
    Contract,
    Eoa,
    Unknown,
}

impl PreviewHints {
    /// Reads `{ balanceWei?, contracts?: [address], eoas?: [address], tokens?: [{address, symbol, decimals}] }`.
    /// `null` gives no hints.
    pub fn from_json(value: &Value) -> Result<Self, FieldError> {
        if value.is_null() {
            return Ok(Self::default());
        }
        let obj = fields::object(value, "hints")?;
        let addresses = |key: &str| -> Result<Vec<Address>, FieldError> {
            let Some(list) = fields::get(obj, key) else {
                return Ok(Vec::new());
            };
            fields::array(list, key)?
                .iter()
                .enumerate()
                .map(|(i, a)| fields::address(a, &format!("{key}[{i}]")))
                .collect()
        };
        let mut tokens = Vec::new();
        if let Some(list) = fields::get(obj, "tokens") {
            for (i, t) in fields::array(list, "tokens")?.iter().enumerate() {
                let name = format!("tokens[{i}]");
                let t = fields::object(t, &name)?;
                let field = |k: &str| format!("{name}.{k}");
                let address = fields::address(
                    fields::require(t, "address")
                        .map_err(|_| FieldError::Missing(field("address")))?,
                    &field("address"),
                )?;
                let symbol = fields::get(t, "symbol")
                    .and_then(Value::as_str)
                    .map(clean_symbol)
                    .unwrap_or_default();
                let decimals = fields::require(t, "decimals")
                    .map_err(|_| FieldError::Missing(field("decimals")))
                    .and_then(|d| fields::quantity(d, &field("decimals")))?;
                let decimals = u8::try_from(decimals).map_err(|_| FieldError::Overflow {
                    field: field("decimals"),
                    bits: 8,
                })?;
                tokens.push(TokenHint {
                    address,
                    symbol,
                    decimals,
                });
            }
        }
        Ok(Self {
            balance_wei: fields::get(obj, "balanceWei")
                .map(|b| fields::quantity(b, "balanceWei"))
                .transpose()?,
            contracts: addresses("contracts")?,
            eoas: addresses("eoas")?,
            tokens,
        })
    }

    pub(crate) fn account_kind(&self, address: &Address) -> AccountKind {
        if self.contracts.contains(address) {
            AccountKind::Contract
        } else if self.eoas.contains(address) {
            AccountKind::Eoa
        } else {
            AccountKind::Unknown
        }
    }

    pub(crate) fn token(&self, address: &Address) -> Option<&TokenHint> {
        self.tokens.iter().find(|t| &t.address == address)
    }
}

/// A token symbol from a hint, reduced to something that cannot disguise itself: no control or
/// invisible characters, at most 16 characters.
fn clean_symbol(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control() && !is_invisible(*c))
        .take(16)
        .collect()
}

/// Zero-width and bidirectional-control characters that can make text look like other text.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

/// Everything a preview needs besides the request itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PreviewContext {
    /// The chain the wallet is on.
    pub active_chain_id: u64,
    /// The account that would sign, if the caller knows it.
    pub signer: Option<Address>,
    /// The time now, unix milliseconds (for deadlines).
    pub now_ms: u64,
    /// What the caller knows about addresses, balances and tokens.
    pub hints: PreviewHints,
}

impl PreviewContext {
    pub(crate) fn now_secs(&self) -> u64 {
        self.now_ms.checked_div(1000).unwrap_or(0)
    }
}

/// Collects fields, actions and warnings while a preview is built.
#[derive(Debug, Default)]
pub(crate) struct Builder {
    pub fields: Vec<Field>,
    pub actions: Vec<Action>,
    pub warnings: Vec<Warning>,
}

impl Builder {
    pub fn field(&mut self, label: &str, value: impl Into<String>, format: FieldFormat) {
        self.fields.push(field(label, value, format));
    }

    pub fn warn(&mut self, severity: Severity, code: WarningCode, message: impl Into<String>) {
        self.warnings.push(Warning {
            severity,
            code,
            message: message.into(),
        });
    }

    pub fn finish(
        mut self,
        chain: ChainInfo,
        kind: PreviewKind,
        from: Option<Address>,
        summary: String,
    ) -> Preview {
        // Most severe first; the sort is stable so equal severities keep their order.
        self.warnings
            .sort_by_key(|w| core::cmp::Reverse(w.severity));
        Preview {
            chain,
            kind,
            from: from.as_ref().map(to_checksum),
            summary,
            fields: self.fields,
            actions: self.actions,
            warnings: self.warnings,
        }
    }

    /// Warns about an approval's spender (or operator) that is, or may be, a plain account.
    pub fn check_spender(&mut self, hints: &PreviewHints, spender: &Address, role: &str) {
        match hints.account_kind(spender) {
            AccountKind::Eoa => self.warn(
                Severity::Danger,
                WarningCode::SpenderIsEoa,
                format!(
                    "The {role} {} is a plain account, not a contract. Apps ask for approvals to \
                     their contracts; approvals to a person's account are how tokens are stolen.",
                    to_checksum(spender)
                ),
            ),
            AccountKind::Unknown => self.warn(
                Severity::Info,
                WarningCode::SpenderUnknown,
                format!(
                    "It is unknown whether the {role} {} is a contract.",
                    to_checksum(spender)
                ),
            ),
            AccountKind::Contract => {}
        }
    }

    /// Warns about an amount of `bits` width that means "unlimited".
    pub fn check_unlimited(&mut self, amount: U256, bits: usize, what: &str) -> bool {
        let unlimited = is_unlimited(amount, bits);
        if unlimited {
            self.warn(
                Severity::Warning,
                WarningCode::UnlimitedApproval,
                format!(
                    "This gives {what} an unlimited allowance: every token of this kind in the \
                     account, now and later, until it is revoked."
                ),
            );
        }
        unlimited
    }

    /// Warns about a deadline more than 30 days away (or never).
    pub fn check_deadline(&mut self, deadline: U256, now_secs: u64, what: &str) {
        const THIRTY_DAYS: u64 = 30 * 86_400;
        let limit = U256::from(now_secs.saturating_add(THIRTY_DAYS));
        if deadline > limit {
            let when = u64::try_from(deadline)
                .ok()
                .and_then(format_timestamp)
                .map_or_else(
                    || "never expires".to_owned(),
                    |t| format!("stays valid until {t}"),
                );
            self.warn(
                Severity::Warning,
                WarningCode::FarDeadline,
                format!("The {what} {when}. Shorter is safer: a leaked signature stays usable until it expires."),
            );
        }
    }
}

/// An amount is "unlimited" from 2^(bits-1) up: wallets and dapps use the type's maximum, and
/// nobody holds half of it.
pub(crate) fn is_unlimited(amount: U256, bits: usize) -> bool {
    let half = U256::from(1)
        .checked_shl(bits.saturating_sub(1))
        .unwrap_or(U256::MAX);
    amount >= half
}

pub(crate) fn field(label: &str, value: impl Into<String>, format: FieldFormat) -> Field {
    Field {
        label: label.to_owned(),
        value: value.into(),
        format,
    }
}

pub(crate) fn address_field(label: &str, address: &Address) -> Field {
    field(label, to_checksum(address), FieldFormat::Address)
}

/// A token amount with its symbol when a hint gives decimals, else the raw integer with a note.
pub(crate) fn token_amount(hints: &PreviewHints, token: &Address, amount: U256) -> String {
    match hints.token(token) {
        Some(t) => format!("{} {}", format_units(amount, t.decimals), t.symbol),
        None => format!("{amount} (raw units; the token's decimals are unknown)"),
    }
}

/// A unix-seconds deadline, readable and relative to now.
pub(crate) fn time_value(secs: U256, now_secs: u64) -> String {
    match u64::try_from(secs)
        .ok()
        .and_then(|s| format_timestamp(s).map(|t| (s, t)))
    {
        Some((s, t)) => format!("{t} ({})", relative(s, now_secs)),
        None => format!("{secs} (never, in practice)"),
    }
}

/// Handles `eth_signTransaction` previews: the same JSON object, the same checks as signing.
pub fn preview_transaction(tx: &Value, ctx: &PreviewContext) -> Result<Preview, TransactionError> {
    preview_tx::preview(tx, ctx)
}

/// Handles `eth_signTypedData_v4` previews (the payload object, or a string holding it).
pub fn preview_typed_data(data: &Value, ctx: &PreviewContext) -> Result<Preview, TypedDataError> {
    preview_typed::preview(data, ctx)
}

/// Handles `personal_sign` previews. Any string is a valid message, so this cannot fail.
pub fn preview_personal_message(data: &str, ctx: &PreviewContext) -> Preview {
    let (bytes, encoding) = message_bytes(data);
    let mut b = Builder::default();
    let text = std::str::from_utf8(&bytes).ok().filter(|t| {
        !t.chars()
            .any(|c| (c.is_control() && !matches!(c, '\n' | '\r' | '\t')) || is_invisible(c))
    });
    let summary = match (text, encoding) {
        (Some(t), _) => {
            b.field("Message", t, FieldFormat::Text);
            "Sign a text message. Signing a message cannot move funds by itself.".to_owned()
        }
        (None, _) => {
            b.field(
                "Message (hex)",
                format!("0x{}", hex::encode(&bytes)),
                FieldFormat::Hex,
            );
            format!("Sign {} bytes of binary data.", bytes.len())
        }
    };
    b.field(
        "Length",
        format!("{} bytes", bytes.len()),
        FieldFormat::Text,
    );
    if encoding == MessageEncoding::BareHex {
        b.warn(
            Severity::Info,
            WarningCode::BareHexMessage,
            "The message is written in hex digits, so it is signed as the bytes they encode, not \
             as the text itself (as MetaMask does).",
        );
    }
    if text.is_none() && bytes.len() == 32 {
        b.warn(
            Severity::Warning,
            WarningCode::MessageLooksLikeHash,
            "The message is 32 bytes of binary data, which is what a hash looks like. Sign it \
             only if you trust the site: you cannot see what it stands for.",
        );
    }
    b.actions.push(Action {
        kind: ActionKind::SignMessage,
        summary: summary.clone(),
        contract: None,
        fields: Vec::new(),
    });
    b.finish(
        ChainInfo::evm(ctx.active_chain_id),
        PreviewKind::Message,
        ctx.signer,
        summary,
    )
}

/// Handles `wallet_signAuthorization` previews (`{chainId?, address, nonce}`).
pub fn preview_authorization(
    request: &Value,
    ctx: &PreviewContext,
) -> Result<Preview, AuthorizationError> {
    let auth = parse_authorization_request(request, ctx.active_chain_id)?;
    let mut b = Builder::default();
    let action = delegation_action(
        &mut b,
        &auth.address,
        &auth.chain_id,
        auth.nonce,
        ctx.signer.as_ref(),
        ctx,
    );
    let summary = action.summary.clone();
    b.fields.extend(action.fields.iter().cloned());
    b.actions.push(action);
    Ok(b.finish(
        ChainInfo::evm(ctx.active_chain_id),
        PreviewKind::Authorization,
        ctx.signer,
        summary,
    ))
}

/// The action and warnings for one EIP-7702 authorization (signed by `authority`, if known).
pub(crate) fn delegation_action(
    b: &mut Builder,
    delegate: &Address,
    chain_id: &U256,
    nonce: u64,
    authority: Option<&Address>,
    ctx: &PreviewContext,
) -> Action {
    let account = authority.map_or_else(|| "the signing account".to_owned(), to_checksum);
    let chains = if chain_id.is_zero() {
        "every chain".to_owned()
    } else {
        u64::try_from(*chain_id).map_or_else(|_| format!("chain {chain_id}"), chain::name)
    };
    let mut fields = vec![];
    if let Some(a) = authority {
        fields.push(address_field("Account", a));
    }
    fields.push(address_field("Delegate to", delegate));
    fields.push(field("Valid on", chains.clone(), FieldFormat::Text));
    fields.push(field(
        "Authorization nonce",
        nonce.to_string(),
        FieldFormat::Text,
    ));
    let summary = if delegate.is_zero() {
        b.warn(
            Severity::Info,
            WarningCode::Delegation,
            format!("This removes any delegation from {account}, making it a plain account again."),
        );
        format!("Remove the code delegation of {account} on {chains}.")
    } else {
        let known = match ctx.hints.account_kind(delegate) {
            AccountKind::Contract => "",
            _ => " Whether that address even holds code is unknown.",
        };
        b.warn(
            Severity::Danger,
            WarningCode::Delegation,
            format!(
                "This lets the code at {} act as {account}: it can move every asset the account \
                 holds, now and later, until the delegation is replaced.{known} Sign only for a \
                 wallet upgrade you started yourself.",
                to_checksum(delegate)
            ),
        );
        format!(
            "Let the code at {} control {account} on {chains}.",
            to_checksum(delegate)
        )
    };
    if chain_id.is_zero() {
        b.warn(
            Severity::Danger,
            WarningCode::AllChains,
            "This authorization has chain id 0: it is valid on every EVM chain, not just this one.",
        );
    }
    Action {
        kind: ActionKind::Delegation,
        summary,
        contract: None,
        fields,
    }
}

/// Handles `wallet_previewRequest` for an Ethereum method: `params` is the method's JSON-RPC
/// parameter array, exactly as the dapp sent it.
///
/// | method | params |
/// |---|---|
/// | `eth_signTransaction` | `[tx]` |
/// | `personal_sign` | `[data, address]` |
/// | `eth_signTypedData_v4` | `[address, typedData]` |
/// | `wallet_signAuthorization` | `[{chainId?, address, nonce}]` |
///
/// An address in the params becomes the previewed signer unless `ctx.signer` is already set.
pub fn preview_request(
    method: &str,
    params: &Value,
    ctx: &PreviewContext,
) -> Result<Preview, EthError> {
    let param = |i: usize| -> Result<&Value, EthError> {
        params
            .get(i)
            .filter(|v| !v.is_null())
            .ok_or_else(|| FieldError::Missing(format!("params[{i}]")).into())
    };
    let with_signer = |i: usize| -> Result<PreviewContext, EthError> {
        let mut c = ctx.clone();
        if c.signer.is_none() {
            if let Some(a) = params.get(i).and_then(Value::as_str) {
                c.signer = Some(parse_address(a)?);
            }
        }
        Ok(c)
    };
    match method {
        "eth_signTransaction" => Ok(preview_transaction(param(0)?, ctx)?),
        "personal_sign" => {
            let data = param(0)?.as_str().ok_or_else(|| FieldError::WrongType {
                field: "params[0]".into(),
                expected: "a string",
            })?;
            Ok(preview_personal_message(data, &with_signer(1)?))
        }
        "eth_signTypedData_v4" => Ok(preview_typed_data(param(1)?, &with_signer(0)?)?),
        "wallet_signAuthorization" => Ok(preview_authorization(param(0)?, ctx)?),
        other => Err(EthError::UnsupportedMethod(other.to_owned())),
    }
}
