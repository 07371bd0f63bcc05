//! What the user sees before signing: a structured, human-readable [`Preview`].
//!
//! The shape is shared with the Ethereum preview (same field names, camelCase JSON) so the UI
//! renders both the same way. docs/solana.md §Preview lists every field and warning code.

use super::address::Address;
use super::message::{AccountRef, Message, MessageVersion};
use super::programs::{decode, program_name, Effect, Understanding, COMPUTE_BUDGET_PROGRAM};
use super::sign::check_signable_message;
use super::siws::{authorities_match, origin_authority, parse_rfc3339_ms, resolve_sign_in};
use super::siws::{SignInInput, SignInOptions};
use super::transaction::Transaction;
use super::SolError;

/// Lamports per signature charged as the base fee.
const LAMPORTS_PER_SIGNATURE: u64 = 5_000;
/// Default compute unit limit per instruction when none is set, and the transaction cap.
const DEFAULT_UNITS_PER_INSTRUCTION: u64 = 200_000;
const MAX_COMPUTE_UNITS: u64 = 1_400_000;
/// How far `issuedAt` may be from the wallet's clock before the preview says so.
const ISSUED_AT_SKEW_MS: i64 = 10 * 60 * 1000;

/// Which chain a preview is for.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Chain {
    /// Display name, e.g. "Solana" or "Solana Devnet".
    pub name: String,
    /// Identifier, here the Wallet Standard chain (`solana:mainnet`).
    pub id: String,
}

/// A labelled value.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Field {
    /// What the value is.
    pub label: String,
    /// The value, already formatted for display.
    pub value: String,
}

/// One thing the transaction does (one instruction).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Action {
    /// The program's name, or its address if unknown.
    pub program: String,
    /// The instruction's name (`transfer`, `setAuthority`, ... or `unknown`).
    pub name: String,
    /// Decoded arguments.
    pub fields: Vec<Field>,
    /// Every account the instruction passes, in order.
    pub accounts: Vec<String>,
}

/// How serious a warning is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Read before signing.
    Warning,
    /// Likely loss of funds or control if this is not what you meant.
    Danger,
}

/// Something the user should notice.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Warning {
    /// How serious.
    pub severity: Severity,
    /// Stable machine-readable code (docs/solana.md lists them).
    pub code: String,
    /// One sentence for the user.
    pub message: String,
}

/// A human-readable description of what is about to be signed.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Preview {
    /// The chain.
    pub chain: Chain,
    /// `transaction`, `message` or `signIn`.
    pub kind: String,
    /// The signing account, if known.
    pub from: Option<String>,
    /// One line.
    pub summary: String,
    /// Top-level facts (fee payer, blockhash, fee, ...).
    pub fields: Vec<Field>,
    /// What happens, in order.
    pub actions: Vec<Action>,
    /// What deserves attention, most severe first.
    pub warnings: Vec<Warning>,
}

/// What the caller knows that the bytes do not say.
#[derive(Clone, Copy, Debug)]
pub struct PreviewContext<'a> {
    /// Wallet Standard chain id (`solana:mainnet`, `solana:devnet`, ...).
    pub chain: &'a str,
    /// This wallet's address: enables "from" and the warnings about our own accounts.
    pub signer: Option<&'a Address>,
    /// Warn if more lamports than this would leave `signer` (e.g. its balance, or a limit).
    pub lamports_hint: Option<u64>,
    /// The requesting web origin, for sign-in domain checks.
    pub origin: Option<&'a str>,
    /// The wallet's clock (unix ms), for sign-in time checks.
    pub now_ms: Option<u64>,
}

impl Default for PreviewContext<'_> {
    fn default() -> Self {
        Self {
            chain: "solana:mainnet",
            signer: None,
            lamports_hint: None,
            origin: None,
            now_ms: None,
        }
    }
}

fn chain(id: &str) -> Chain {
    let name = match id {
        "solana:mainnet" => "Solana",
        "solana:devnet" => "Solana Devnet",
        "solana:testnet" => "Solana Testnet",
        "solana:localnet" => "Solana Localnet",
        _ => "Solana (unknown cluster)",
    };
    Chain {
        name: name.into(),
        id: id.into(),
    }
}

fn field(label: &str, value: impl Into<String>) -> Field {
    Field {
        label: label.into(),
        value: value.into(),
    }
}

fn warn(severity: Severity, code: &str, message: impl Into<String>) -> Warning {
    Warning {
        severity,
        code: code.into(),
        message: message.into(),
    }
}

/// Lamports as SOL with all 9 decimals, e.g. `0.000000049 SOL`. Integer arithmetic only.
pub fn format_lamports(lamports: u64) -> String {
    format!("{} SOL", format_token_amount(lamports, 9))
}

/// A raw token amount with `decimals` decimal places (`1500000`, 6 -> `1.500000`).
pub fn format_token_amount(amount: u64, decimals: u8) -> String {
    let digits = amount.to_string();
    let decimals = usize::from(decimals);
    if decimals == 0 {
        return digits;
    }
    let width = decimals.saturating_add(1);
    let padded = format!("{digits:0>width$}");
    let split = padded.len().saturating_sub(decimals);
    match padded.split_at_checked(split) {
        Some((whole, frac)) => format!("{whole}.{frac}"),
        None => padded,
    }
}

fn is_ours(account: &AccountRef, signer: Option<&Address>) -> bool {
    matches!((account, signer), (AccountRef::Static(a), Some(s)) if a == s)
}

/// Previews a serialized transaction.
pub fn preview_transaction(wire: &[u8], ctx: &PreviewContext<'_>) -> Result<Preview, SolError> {
    let tx = Transaction::parse(wire)?;
    Ok(preview_message_struct(tx.message(), ctx))
}

fn preview_message_struct(message: &Message, ctx: &PreviewContext<'_>) -> Preview {
    let signer = ctx.signer;
    let fee_payer = message
        .fee_payer()
        .map(|a| a.to_string())
        .unwrap_or_default();
    let mut warnings = Vec::new();
    let mut actions = Vec::new();
    let mut headlines = Vec::new();
    let mut out_of_signer: u128 = 0;
    let mut unit_limit: Option<u32> = None;
    let mut unit_price: Option<u64> = None;
    let mut non_budget_instructions: u64 = 0;
    let mut durable_nonce = false;

    for (i, ix) in message.instructions.iter().enumerate() {
        let d = decode(message, ix);
        let accounts = ix
            .accounts
            .iter()
            .map(|&a| {
                message
                    .account(a)
                    .map(|r| r.to_string())
                    .unwrap_or_else(|| format!("invalid account index {a}"))
            })
            .collect();
        if message.program_of(ix).map(|p| p.to_string()).as_deref() != Some(COMPUTE_BUDGET_PROGRAM)
        {
            non_budget_instructions = non_budget_instructions.saturating_add(1);
        }
        let n = i.saturating_add(1);
        match &d.understanding {
            Understanding::Decoded | Understanding::NameOnly => {}
            Understanding::UnknownProgram => warnings.push(warn(
                Severity::Info,
                "unknown_program",
                format!(
                    "Instruction {n} calls program {}, which this wallet cannot decode; check you trust the site.",
                    d.program
                ),
            )),
            Understanding::UnknownInstruction => warnings.push(warn(
                Severity::Info,
                "unknown_instruction",
                format!("Instruction {n} is {} {}, which this wallet cannot decode.", d.program, d.name),
            )),
            Understanding::Malformed(why) => warnings.push(warn(
                Severity::Warning,
                "malformed_instruction",
                format!("Instruction {n} ({} {}) does not match its format: {why}.", d.program, d.name),
            )),
        }
        for e in &d.effects {
            match e {
                Effect::LamportsOut { from, lamports } => {
                    if is_ours(from, signer) {
                        out_of_signer = out_of_signer.saturating_add(u128::from(*lamports));
                    }
                }
                Effect::SetAuthority {
                    target,
                    authority,
                    kind,
                    new,
                } => {
                    let to = new
                        .map(|a| a.to_string())
                        .unwrap_or_else(|| "nobody, permanently".into());
                    if is_ours(authority, signer) || is_ours(target, signer) {
                        warnings.push(warn(
                            Severity::Danger,
                            "set_authority",
                            format!("Instruction {n} gives the {kind} authority of {target}, which you control, to {to}."),
                        ));
                    } else if signer.is_none() {
                        warnings.push(warn(
                            Severity::Warning,
                            "set_authority",
                            format!(
                                "Instruction {n} changes the {kind} authority of {target} to {to}."
                            ),
                        ));
                    }
                }
                Effect::Assign {
                    account,
                    signer: by,
                    owner,
                } => {
                    let owner_name = program_name(&owner.to_string())
                        .map(|n| format!("{owner} ({n})"))
                        .unwrap_or_else(|| owner.to_string());
                    if is_ours(account, signer) || is_ours(by, signer) {
                        warnings.push(warn(
                            Severity::Danger,
                            "assign_account",
                            format!("Instruction {n} hands your account {account} to program {owner_name}, which can then move everything in it."),
                        ));
                    } else if signer.is_none() {
                        warnings.push(warn(
                            Severity::Warning,
                            "assign_account",
                            format!("Instruction {n} changes the owner program of {account} to {owner_name}."),
                        ));
                    }
                }
                Effect::Approve {
                    source,
                    delegate,
                    amount,
                    unlimited,
                } => {
                    let how_much = if *unlimited {
                        "an unlimited amount".to_string()
                    } else {
                        format!("up to {amount}")
                    };
                    warnings.push(warn(
                        Severity::Warning,
                        "token_approval",
                        format!("Instruction {n} lets {delegate} spend {how_much} of the tokens in {source} without asking you again."),
                    ));
                }
                Effect::Close {
                    account,
                    destination,
                    owner,
                } => {
                    let to_owner = matches!((destination, owner), (AccountRef::Static(d), AccountRef::Static(o)) if d == o);
                    if !is_ours(destination, signer) && !to_owner {
                        warnings.push(warn(
                            Severity::Warning,
                            "close_account_rent",
                            format!("Instruction {n} closes token account {account} and sends its rent to {destination}, not to you."),
                        ));
                    }
                }
                Effect::AdvanceNonce => {
                    if i == 0 {
                        durable_nonce = true;
                    }
                }
                Effect::NonceAuthority { authority, new } => {
                    if is_ours(authority, signer) || signer.is_none() {
                        warnings.push(warn(
                            Severity::Warning,
                            "nonce_authority",
                            format!("Instruction {n} makes {new} the authority of a durable nonce account."),
                        ));
                    }
                }
                Effect::ComputeUnitLimit(u) => unit_limit = Some(*u),
                Effect::ComputeUnitPrice(p) => unit_price = Some(*p),
            }
        }
        if let Some(h) = &d.headline {
            headlines.push(h.clone());
        } else if d.program != "Compute Budget Program" {
            headlines.push(format!("{} {}", d.program, d.name));
        }
        actions.push(Action {
            program: d.program,
            name: d.name,
            fields: d.fields,
            accounts,
        });
    }

    if durable_nonce {
        warnings.push(warn(
            Severity::Warning,
            "durable_nonce",
            "This transaction uses a durable nonce: it never expires and can be submitted at any time until the nonce is advanced.",
        ));
    }
    if !message.address_table_lookups.is_empty() {
        let tables: Vec<String> = message
            .address_table_lookups
            .iter()
            .map(|l| l.account_key.to_string())
            .collect();
        warnings.push(warn(
            Severity::Info,
            "lookup_table_accounts",
            format!(
                "Some accounts come from address lookup tables ({}) and cannot be shown without reading the chain.",
                tables.join(", ")
            ),
        ));
    }

    // Fee: 5000 lamports per signature plus the priority fee, ceil(price x limit / 10^6).
    // Without an explicit limit the runtime budgets at most 200k units per instruction,
    // capped at 1.4M, so this is an upper bound.
    let limit = unit_limit.map(u64::from).unwrap_or_else(|| {
        DEFAULT_UNITS_PER_INSTRUCTION
            .saturating_mul(non_budget_instructions)
            .min(MAX_COMPUTE_UNITS)
    });
    let priority = u128::from(unit_price.unwrap_or(0))
        .saturating_mul(u128::from(limit))
        .saturating_add(999_999)
        .checked_div(1_000_000)
        .unwrap_or(0);
    let fee = u128::from(LAMPORTS_PER_SIGNATURE)
        .saturating_mul(u128::from(message.header.num_required_signatures))
        .saturating_add(priority);
    let fee_text = u64::try_from(fee)
        .map(format_lamports)
        .unwrap_or_else(|_| format!("{fee} lamports"));
    let we_pay_fee = signer.is_some_and(|s| message.fee_payer() == Some(s));
    if we_pay_fee {
        out_of_signer = out_of_signer.saturating_add(fee);
    }
    if let (Some(hint), Some(_)) = (ctx.lamports_hint, signer) {
        if out_of_signer > u128::from(hint) {
            let total = u64::try_from(out_of_signer)
                .map(format_lamports)
                .unwrap_or_else(|_| format!("{out_of_signer} lamports"));
            warnings.push(warn(
                Severity::Warning,
                "exceeds_lamports_hint",
                format!(
                    "Up to {total} would leave your account (including fees), more than the expected {}.",
                    format_lamports(hint)
                ),
            ));
        }
    }
    if let Some(s) = signer {
        if !message.signers().contains(s) {
            warnings.push(warn(
                Severity::Warning,
                "not_a_signer",
                "This wallet is not a required signer of this transaction; it cannot sign it.",
            ));
        }
    }
    let others = message
        .signers()
        .iter()
        .filter(|k| Some(*k) != signer)
        .count();
    if signer.is_some() && others > 0 {
        warnings.push(warn(
            Severity::Info,
            "other_signers",
            format!("{others} other signature(s) are needed; this wallet adds only its own."),
        ));
    }

    let mut fields = vec![
        field("Fee payer", fee_payer),
        field(
            if durable_nonce {
                "Durable nonce value"
            } else {
                "Recent blockhash"
            },
            bs58::encode(message.recent_blockhash).into_string(),
        ),
        field("Network fee (max)", fee_text),
        field(
            "Version",
            match message.version {
                MessageVersion::Legacy => "legacy",
                MessageVersion::V0 => "v0",
            },
        ),
        field(
            "Signatures required",
            message.header.num_required_signatures.to_string(),
        ),
    ];
    if signer.is_some() {
        let total = u64::try_from(out_of_signer)
            .map(format_lamports)
            .unwrap_or_else(|_| format!("{out_of_signer} lamports"));
        fields.push(field("SOL leaving your account (max)", total));
    }

    let summary = match headlines.len() {
        0 => "Transaction with no instructions".to_string(),
        1 => headlines.join(""),
        n => format!("{n} actions: {}", headlines.join("; ")),
    };
    warnings.sort_by_key(|w| core::cmp::Reverse(w.severity));
    Preview {
        chain: chain(ctx.chain),
        kind: "transaction".into(),
        from: signer
            .map(|s| s.to_string())
            .or_else(|| message.fee_payer().map(|a| a.to_string())),
        summary,
        fields,
        actions,
        warnings,
    }
}

/// Previews `solana:signMessage` bytes. Fails exactly when [`super::sign_message`] would.
pub fn preview_message(bytes: &[u8], ctx: &PreviewContext<'_>) -> Result<Preview, SolError> {
    check_signable_message(bytes)?;
    let mut warnings = Vec::new();
    let mut fields = Vec::new();
    let text = core::str::from_utf8(bytes).ok().filter(|t| {
        !t.chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    });
    match text {
        Some(t) => {
            fields.push(field("Message", t));
            if let Some(w) = embedded_sign_in_warning(t, ctx) {
                warnings.push(w);
            }
        }
        None => {
            fields.push(field("Message (hex)", hex::encode(bytes)));
            warnings.push(warn(
                Severity::Warning,
                "binary_message",
                "This message is not readable text; sign it only if you know what it is for.",
            ));
        }
    }
    fields.push(field("Length", format!("{} bytes", bytes.len())));
    let summary = match text {
        Some(_) => "Sign a text message".to_string(),
        None => format!("Sign {} bytes of binary data", bytes.len()),
    };
    Ok(Preview {
        chain: chain(ctx.chain),
        kind: "message".into(),
        from: ctx.signer.map(|s| s.to_string()),
        summary,
        fields,
        actions: vec![],
        warnings,
    })
}

/// A plain `signMessage` whose text is a sign-in message for another site is the phishing
/// case SIWS guards against; warn the same way as for `solana:signIn`.
fn embedded_sign_in_warning(text: &str, ctx: &PreviewContext<'_>) -> Option<Warning> {
    let first_line = text.lines().next()?;
    let domain = first_line.strip_suffix(" wants you to sign in with your Solana account:")?;
    let origin = ctx.origin?;
    let matches = origin_authority(origin).is_some_and(|o| authorities_match(domain, &o, origin));
    (!matches).then(|| {
        warn(
            Severity::Danger,
            "sign_in_domain_mismatch",
            format!("This is a sign-in for {domain}, but the request comes from {origin}. It may be a phishing site."),
        )
    })
}

/// Previews `solana:signIn`. The message shown is the exact text that will be signed.
///
/// A domain mismatch is not an error here (signing refuses it unless overridden): the
/// preview shows it as a danger warning so the user can decide.
pub fn preview_sign_in(input: &SignInInput, ctx: &PreviewContext<'_>) -> Result<Preview, SolError> {
    let origin = ctx.origin.unwrap_or("null");
    let signer = ctx.signer.ok_or(SolError::SignerUnknown)?;
    let options = SignInOptions {
        origin,
        allow_domain_mismatch: true,
    };
    let message = resolve_sign_in(input, signer, &options)?;
    let mut warnings = Vec::new();
    let host = origin_authority(origin);
    if !host.is_some_and(|h| authorities_match(&message.domain, &h, origin)) {
        warnings.push(warn(
            Severity::Danger,
            "sign_in_domain_mismatch",
            format!(
                "This sign-in is for {}, but the request comes from {origin}. It may be a phishing site.",
                message.domain
            ),
        ));
    }
    let f = &message.fields;
    if let Some(uri) = &f.uri {
        let uri_host = origin_authority(uri);
        if !uri_host.is_some_and(|h| authorities_match(&message.domain, &h, uri)) {
            warnings.push(warn(
                Severity::Warning,
                "sign_in_uri_mismatch",
                format!("The sign-in URI {uri} is not on {}.", message.domain),
            ));
        }
    }
    let now = ctx.now_ms.and_then(|n| i64::try_from(n).ok());
    let times = (
        f.issued_at.as_deref().and_then(parse_rfc3339_ms),
        f.not_before.as_deref().and_then(parse_rfc3339_ms),
        f.expiration_time.as_deref().and_then(parse_rfc3339_ms),
    );
    if let Some(now) = now {
        if times.2.is_some_and(|exp| exp <= now) {
            warnings.push(warn(
                Severity::Danger,
                "sign_in_expired",
                "This sign-in request has already expired.",
            ));
        }
        if times.1.is_some_and(|nbf| nbf > now) {
            warnings.push(warn(
                Severity::Warning,
                "sign_in_not_yet_valid",
                "This sign-in only becomes valid later; it could be kept and used then.",
            ));
        }
        if times
            .0
            .is_some_and(|iat| iat.saturating_sub(now).saturating_abs() > ISSUED_AT_SKEW_MS)
        {
            warnings.push(warn(
                Severity::Warning,
                "sign_in_issued_at",
                "The sign-in's issue time is more than 10 minutes away from this device's clock.",
            ));
        }
    }
    let ordered = |a: Option<i64>, b: Option<i64>| !matches!((a, b), (Some(x), Some(y)) if x > y);
    if !(ordered(times.0, times.2) && ordered(times.1, times.2) && ordered(times.0, times.1)) {
        warnings.push(warn(
            Severity::Warning,
            "sign_in_time_order",
            "The sign-in's times are out of order (issued, not before, expiration).",
        ));
    }
    if f.nonce.is_none() {
        warnings.push(warn(
            Severity::Info,
            "sign_in_no_nonce",
            "The sign-in has no nonce, so the site cannot tell it from an earlier one.",
        ));
    }

    let mut fields = vec![
        field("Domain", message.domain.clone()),
        field("Address", message.address.clone()),
    ];
    let optional = [
        ("Statement", &f.statement),
        ("URI", &f.uri),
        ("Version", &f.version),
        ("Chain ID", &f.chain_id),
        ("Nonce", &f.nonce),
        ("Issued At", &f.issued_at),
        ("Expiration Time", &f.expiration_time),
        ("Not Before", &f.not_before),
        ("Request ID", &f.request_id),
    ];
    for (label, value) in optional {
        if let Some(v) = value {
            fields.push(field(label, v.clone()));
        }
    }
    if let Some(r) = &f.resources {
        fields.push(field("Resources", r.join("\n")));
    }
    fields.push(field("Message", message.to_text()));
    warnings.sort_by_key(|w| core::cmp::Reverse(w.severity));
    Ok(Preview {
        chain: chain(ctx.chain),
        kind: "signIn".into(),
        from: Some(signer.to_string()),
        summary: format!("Sign in to {}", message.domain),
        fields,
        actions: vec![],
        warnings,
    })
}
