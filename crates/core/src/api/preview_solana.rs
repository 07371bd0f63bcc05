//! `wallet_previewRequest` for the Solana methods: the preview of what `solana_signTransaction`,
//! `solana_signAllTransactions`, `solana_signMessage` and `solana_signIn` would sign.
//!
//! The params are decoded by the same code as the signing request ([`Request::decode`]) and
//! checked the same way (our account, base64, a parseable transaction we are a required signer
//! of, a message that is not a transaction, a sign-in for the requesting origin), so a request
//! that signing would refuse gets the same error here instead of a preview (docs/preview.md,
//! "Preview only what could be signed"). The previews themselves come from
//! `chains::solana::{preview_transaction, preview_message, preview_sign_in}`.

use serde_json::{json, Value};

use super::envelope::RpcRequest;
use super::error::{scrub_serde_message, ApiError, INVALID_PARAMS, UNAUTHORIZED};
use super::request::Request;
use crate::chains::solana::{
    self, Address, Base64Bytes, Preview, PreviewContext, SignInInput, SignInOptions, SolError,
    Transaction,
};

/// The cluster when a request names none, as for signing.
const DEFAULT_CHAIN: &str = "solana:mainnet";

/// Previews one Solana signing request.
///
/// - `solana_accounts`: the wallet's Solana addresses, in account order (the first is the
///   default signer of `solana_signIn`, as for signing).
/// - `method`, `params`: the request exactly as the dapp would send it for signing.
/// - `hints`: `wallet_previewRequest`'s `hints`; `hints.lamports` (a number or a decimal
///   string, since a u64 may not fit a JavaScript number) is how many lamports the signer
///   expects to spend at most, e.g. its balance: more leaving the account is warned about.
///   Other members (the Ethereum hints) are ignored.
/// - `origin`: the requesting web origin, `None` for the wallet's own UI.
/// - `now_ms`: the wallet's clock, for the sign-in time checks.
///
/// The result is a `Preview` (docs/solana.md §Preview) as JSON; for
/// `solana_signAllTransactions` a `Preview` of kind `transactions` whose `transactions`
/// member holds one preview per transaction (see [`batch_preview`]).
///
/// # Errors
/// Exactly those signing the same request would give, e.g. `UnknownAccount` (4100) for an
/// address this wallet does not hold, `InvalidSolanaRequest` (-32602) for bytes signing would
/// refuse, `InvalidParams` (-32602) for malformed params or hints.
pub fn preview_solana(
    solana_accounts: &[&str],
    method: &str,
    params: &Value,
    hints: Option<&Value>,
    origin: Option<&str>,
    now_ms: u64,
) -> Result<Value, ApiError> {
    if !matches!(
        method,
        "solana_signTransaction"
            | "solana_signAllTransactions"
            | "solana_signMessage"
            | "solana_signIn"
    ) {
        let shown: String = method.chars().take(64).collect();
        return Err(ApiError::invalid_params(format!(
            "`{shown}` is not a Solana signing method"
        )));
    }
    let request = Request::decode(RpcRequest {
        id: None,
        jsonrpc: None,
        method: method.to_owned(),
        params: params.clone(),
    })?;
    let lamports_hint = lamports_hint(hints)?;
    match request {
        Request::SolanaSignTransaction(p) => {
            let signer = our_address(solana_accounts, &p.address)?;
            let ctx = context(p.chain.as_deref(), &signer, lamports_hint, origin, now_ms);
            let preview = preview_signable_transaction(&p.transaction, &ctx).map_err(sol_error)?;
            to_json(&preview)
        }
        Request::SolanaSignAllTransactions(p) => {
            let signer = our_address(solana_accounts, &p.address)?;
            let ctx = context(p.chain.as_deref(), &signer, lamports_hint, origin, now_ms);
            let previews = p
                .transactions
                .iter()
                .enumerate()
                .map(|(i, tx)| {
                    preview_signable_transaction(tx, &ctx).map_err(|e| {
                        // The same wording as signing: the index, then the reason.
                        ApiError::new(
                            INVALID_PARAMS,
                            "InvalidSolanaRequest",
                            format!("transaction {i}: {e}"),
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            batch_preview(&ctx, &previews)
        }
        Request::SolanaSignMessage(p) => {
            let signer = our_address(solana_accounts, &p.address)?;
            let bytes = Base64Bytes::from_base64(&p.message)
                .map_err(|_| ApiError::invalid_params("`message` must be base64"))?;
            let ctx = context(None, &signer, lamports_hint, origin, now_ms);
            let preview = solana::preview_message(&bytes.0, &ctx).map_err(sol_error)?;
            to_json(&preview)
        }
        Request::SolanaSignIn(p) => {
            let address = match p.address {
                Some(a) => a,
                None => solana_accounts
                    .first()
                    .map(|a| (*a).to_owned())
                    .ok_or_else(|| {
                        ApiError::invalid_params("this wallet has no account on that chain")
                    })?,
            };
            let input: SignInInput =
                serde_json::from_value(p.input.unwrap_or_else(|| json!({})))
                    .map_err(|e| ApiError::invalid_params(scrub_serde_message(&e)))?;
            // Without a browser origin the operator's own domain is the one signed for, as
            // in signing.
            let fallback_origin = input.domain.as_ref().map(|d| format!("https://{d}"));
            let origin = origin.or(fallback_origin.as_deref()).ok_or_else(|| {
                ApiError::invalid_params(
                    "`input.domain` is required when there is no requesting origin",
                )
            })?;
            let signer = our_address(solana_accounts, &address)?;
            // Signing refuses a sign-in for another domain; so does its preview, rather than
            // show a request that can only fail.
            let options = SignInOptions {
                origin,
                allow_domain_mismatch: false,
            };
            solana::resolve_sign_in(&input, &signer, &options).map_err(sol_error)?;
            let ctx = context(None, &signer, lamports_hint, Some(origin), now_ms);
            let preview = solana::preview_sign_in(&input, &ctx).map_err(sol_error)?;
            to_json(&preview)
        }
        // Unreachable after the method check above; kept as an error rather than a panic.
        _ => Err(ApiError::invalid_params("not a Solana signing method")),
    }
}

fn context<'a>(
    chain: Option<&'a str>,
    signer: &'a Address,
    lamports_hint: Option<u64>,
    origin: Option<&'a str>,
    now_ms: u64,
) -> PreviewContext<'a> {
    PreviewContext {
        chain: chain.unwrap_or(DEFAULT_CHAIN),
        signer: Some(signer),
        lamports_hint,
        origin,
        now_ms: Some(now_ms),
    }
}

/// Parses and previews base64 transaction bytes, refusing exactly what signing refuses.
fn preview_signable_transaction(
    base64: &str,
    ctx: &PreviewContext<'_>,
) -> Result<Preview, SolError> {
    let bytes = Base64Bytes::from_base64(base64)?;
    let tx = Transaction::parse(&bytes.0)?;
    if let Some(signer) = ctx.signer {
        tx.signer_slot(signer).ok_or(SolError::NotARequiredSigner)?;
    }
    solana::preview_transaction(&bytes.0, ctx)
}

/// One preview for a batch: the shared `Preview` members, so a UI that knows only those shows
/// something meaningful, plus `transactions`, the preview of each transaction in order.
///
/// `summary` lists each transaction's summary; `fields` has the count and one line per
/// transaction; `warnings` are every transaction's warnings, each message prefixed with
/// "Transaction i:" (0-based, as in errors), most severe first; `actions` is empty (each
/// transaction's actions are in its own preview).
fn batch_preview(ctx: &PreviewContext<'_>, previews: &[Preview]) -> Result<Value, ApiError> {
    let count = previews.len();
    let mut fields = vec![json!({"label": "Transactions", "value": count.to_string()})];
    let mut warnings = Vec::new();
    for (i, p) in previews.iter().enumerate() {
        fields.push(json!({"label": format!("Transaction {i}"), "value": p.summary}));
        for w in &p.warnings {
            let mut w = w.clone();
            w.message = format!("Transaction {i}: {}", w.message);
            warnings.push(w);
        }
    }
    // Stable: within a severity, transaction order is kept.
    warnings.sort_by_key(|w| core::cmp::Reverse(w.severity));
    let summary = match count {
        0 => "Sign no transactions".to_string(),
        1 => previews
            .first()
            .map(|p| format!("Sign 1 transaction: {}", p.summary))
            .unwrap_or_default(),
        n => format!(
            "Sign {n} transactions: {}",
            previews
                .iter()
                .map(|p| p.summary.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        ),
    };
    let chain = previews
        .first()
        .map(|p| p.chain.clone())
        .map(|c| json!(c))
        .unwrap_or_else(|| json!({"name": chain_name(ctx.chain), "id": ctx.chain}));
    Ok(json!({
        "chain": chain,
        "kind": "transactions",
        "from": ctx.signer.map(|s| s.to_string()),
        "summary": summary,
        "fields": fields,
        "actions": [],
        "warnings": warnings,
        "transactions": previews,
    }))
}

/// The chain's display name, for an empty batch that has no preview to take it from.
fn chain_name(id: &str) -> &'static str {
    match id {
        "solana:mainnet" => "Solana",
        "solana:devnet" => "Solana Devnet",
        "solana:testnet" => "Solana Testnet",
        "solana:localnet" => "Solana Localnet",
        _ => "Solana (unknown cluster)",
    }
}

/// `hints.lamports`: absent or null means no hint.
fn lamports_hint(hints: Option<&Value>) -> Result<Option<u64>, ApiError> {
    let bad = || {
        ApiError::invalid_params(
            "`hints.lamports` must be a whole number of lamports (a number or a decimal string)",
        )
    };
    let lamports = match hints {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Object(map)) => map.get("lamports"),
        Some(_) => return Err(ApiError::invalid_params("`hints` must be an object")),
    };
    match lamports {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_u64().map(Some).ok_or_else(bad),
        Some(Value::String(s)) => {
            // Digits only: no sign, no exponent, no whitespace, at most u64.
            if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            s.parse::<u64>().map(Some).map_err(|_| bad())
        }
        Some(_) => Err(bad()),
    }
}

/// `address` if it is one of this wallet's Solana accounts; the same refusal as signing
/// otherwise.
fn our_address(solana_accounts: &[&str], address: &str) -> Result<Address, ApiError> {
    let unknown = || {
        ApiError::new(
            UNAUTHORIZED,
            "UnknownAccount",
            "this wallet has no such account",
        )
    };
    if !solana_accounts.contains(&address) {
        return Err(unknown());
    }
    Address::parse(address).map_err(|_| unknown())
}

fn sol_error(e: SolError) -> ApiError {
    ApiError::new(INVALID_PARAMS, "InvalidSolanaRequest", e.to_string())
}

fn to_json(preview: &Preview) -> Result<Value, ApiError> {
    serde_json::to_value(preview).map_err(|_| {
        ApiError::new(
            super::error::INTERNAL_ERROR,
            "Internal",
            "internal error: preview encoding",
        )
    })
}
