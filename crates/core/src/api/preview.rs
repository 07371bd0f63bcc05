//! `wallet_previewRequest`: what a signing request would do, in words, before anyone signs it.
//!
//! The params name the request exactly as a dapp sends it for signing,
//! `{request: {method, params}, hints?}`, and the answer is that chain's `Preview` object
//! (`docs/preview.md`). The method decides the chain: Ethereum's signing methods go to
//! `chains::ethereum::preview`, `solana_*` methods to [`Wallet::preview_solana`].
//!
//! A preview needs no key, so it works while the wallet is locked. When it is unlocked, the
//! account that signing would pick by default (the first one of the chain) is shown as the
//! signer, so the preview and the signature agree on who signs. A site sees only the accounts
//! it was granted (`docs/sites.md`): a preview never tells it about any other.

use serde_json::Value;

use super::error::{ApiError, INVALID_PARAMS};
use super::request::PreviewParams;
use super::signing::eth_error;
use super::wallet::Wallet;
use crate::chains::ethereum::{self, parse_address, PreviewContext, PreviewHints};
use crate::vault::Chain;

/// The Ethereum methods that sign, and so can be previewed.
const ETHEREUM_METHODS: [&str; 4] = [
    "eth_signTransaction",
    "personal_sign",
    "eth_signTypedData_v4",
    "wallet_signAuthorization",
];

impl Wallet {
    /// Handles `wallet_previewRequest` by routing on the inner request's method.
    pub(crate) fn preview_request(
        &mut self,
        p: PreviewParams,
        origin: Option<&str>,
        now_ms: u64,
    ) -> Result<Value, ApiError> {
        let method = p.request.method.as_str();
        if ETHEREUM_METHODS.contains(&method) {
            self.preview_ethereum(method, p.request.params, p.hints, origin, now_ms)
        } else if method.starts_with("solana_") {
            self.preview_solana(method, p.request.params, p.hints, origin, now_ms)
        } else {
            Err(not_previewable(method))
        }
    }

    fn preview_ethereum(
        &mut self,
        method: &str,
        params: Value,
        hints: Option<Value>,
        origin: Option<&str>,
        now_ms: u64,
    ) -> Result<Value, ApiError> {
        let hints = PreviewHints::from_json(hints.as_ref().unwrap_or(&Value::Null))
            .map_err(|e| ApiError::invalid_params(format!("hints: {e}")))?;
        let (params, signer) = if method == "wallet_signAuthorization" {
            authorization_params(params)?
        } else {
            (params, None)
        };
        if !params.is_array() {
            return Err(ApiError::invalid_params("params must be an array"));
        }
        // Who signs when the request does not say: the same default the signing methods use.
        // `personal_sign` and typed data always name their account, so only these two need it.
        let signer = match signer {
            Some(s) => Some(s),
            None if matches!(method, "eth_signTransaction" | "wallet_signAuthorization") => self
                .default_account(Chain::Ethereum, origin, now_ms)
                .map(|a| parse_address(&a))
                .transpose()
                .map_err(eth_error)?,
            None => None,
        };
        let ctx = PreviewContext {
            active_chain_id: self.chain_id,
            signer,
            now_ms,
            hints,
        };
        let preview =
            ethereum::preview::preview_request(method, &params, &ctx).map_err(eth_error)?;
        serde_json::to_value(preview)
            .map_err(|_| ApiError::invalid_params("the preview could not be encoded"))
    }

    /// Solana previews, decoded by `chains::solana` with our accounts as the known signers
    /// (none while locked: the preview then cannot flag our own accounts).
    fn preview_solana(
        &mut self,
        method: &str,
        params: Value,
        hints: Option<Value>,
        origin: Option<&str>,
        now_ms: u64,
    ) -> Result<Value, ApiError> {
        let accounts = self.visible_addresses(origin, Chain::Solana, now_ms);
        let refs: Vec<&str> = accounts.iter().map(String::as_str).collect();
        super::preview_solana::preview_solana(
            &refs,
            method,
            &params,
            hints.as_ref(),
            origin,
            now_ms,
        )
    }

    /// The first account of `chain` the caller may see (a site: its granted ones); `None`
    /// when locked or there is none (the preview then names no signer).
    fn default_account(
        &mut self,
        chain: Chain,
        origin: Option<&str>,
        now_ms: u64,
    ) -> Option<String> {
        self.visible_addresses(origin, chain, now_ms)
            .into_iter()
            .next()
    }
}

/// `wallet_signAuthorization` takes an object (or `[object]`) whose `account` picks the signer;
/// the Ethereum preview takes `[authorization]`. Returns those params and the named signer.
fn authorization_params(params: Value) -> Result<(Value, Option<ethereum::Address>), ApiError> {
    let mut object = match params {
        Value::Array(mut items) if items.len() == 1 => items.pop().unwrap_or(Value::Null),
        other => other,
    };
    let Some(map) = object.as_object_mut() else {
        return Err(ApiError::invalid_params("params must be an object"));
    };
    let signer = match map.remove("account") {
        None | Some(Value::Null) => None,
        Some(Value::String(a)) => Some(parse_address(&a).map_err(eth_error)?),
        Some(_) => {
            return Err(ApiError::invalid_params(
                "`account` must be an address string",
            ))
        }
    };
    Ok((Value::Array(vec![object]), signer))
}

fn not_previewable(method: &str) -> ApiError {
    ApiError::new(
        INVALID_PARAMS,
        "NotPreviewable",
        format!(
            "`{}` is not a signing method, so there is nothing to preview",
            shown_method(method)
        ),
    )
}

/// Method names are short identifiers; a hostile caller must not make the error huge.
fn shown_method(method: &str) -> String {
    method.chars().take(64).collect()
}
