//! The signing methods: Ethereum (EIP-191, EIP-712, transactions, EIP-7702) and Solana
//! (transactions, messages, Sign-In With Solana). Each one resolves the account's key from
//! the unlocked session and hands the dapp's payload to the chain module.

use serde_json::{json, Value};

use super::error::{ApiError, INVALID_PARAMS, UNSUPPORTED_METHOD};
use super::request::{
    SolanaSignAllParams, SolanaSignInParams, SolanaSignMessageParams, SolanaSignTransactionParams,
};
use super::wallet::Wallet;
use crate::chains::ethereum::{self, EthError};
use crate::chains::solana::{self, SolError};
use crate::vault::Chain;

/// The error for methods Custodian deliberately does not serve.
pub(crate) fn unsupported(method: &str) -> ApiError {
    let why = match method {
        "eth_sendTransaction" | "eth_sendRawTransaction" => {
            "Custodian signs but never broadcasts (it makes no network calls): use eth_signTransaction and send the result through your node"
        }
        "eth_sign" => {
            "eth_sign signs an opaque hash the user cannot read; use personal_sign or eth_signTypedData_v4"
        }
        _ => "this legacy signing method is not supported; use eth_signTypedData_v4",
    };
    ApiError::new(
        UNSUPPORTED_METHOD,
        "Unsupported",
        format!("{method}: {why}"),
    )
}

pub(crate) fn eth_error(e: impl Into<EthError>) -> ApiError {
    let e: EthError = e.into();
    let kind = match &e {
        EthError::Address(_) => "InvalidAddress",
        EthError::Field(_) | EthError::Transaction(_) => "InvalidTransaction",
        EthError::TypedData(_) => "InvalidTypedData",
        EthError::Authorization(_) => "InvalidAuthorization",
        EthError::UnsupportedMethod(_) => "Unsupported",
    };
    ApiError::new(INVALID_PARAMS, kind, e.to_string())
}

fn sol_error(e: SolError) -> ApiError {
    ApiError::new(INVALID_PARAMS, "InvalidSolanaRequest", e.to_string())
}

impl Wallet {
    pub(crate) fn personal_sign(
        &mut self,
        data: &str,
        address: &str,
        now_ms: u64,
    ) -> Result<Value, ApiError> {
        let key = self.ethereum_key(address, now_ms)?;
        Ok(Value::String(ethereum::personal_sign(key, data)))
    }

    pub(crate) fn sign_typed_data(
        &mut self,
        address: &str,
        typed_data: &Value,
        now_ms: u64,
    ) -> Result<Value, ApiError> {
        let chain_id = self.chain_id;
        let key = self.ethereum_key(address, now_ms)?;
        ethereum::sign_typed_data_v4(key, typed_data, chain_id)
            .map(Value::String)
            .map_err(eth_error)
    }

    pub(crate) fn sign_transaction(&mut self, tx: &Value, now_ms: u64) -> Result<Value, ApiError> {
        let chain_id = self.chain_id;
        let from = match tx.get("from") {
            Some(Value::String(from)) => from.clone(),
            Some(_) => return Err(ApiError::invalid_params("`from` must be an address string")),
            None => self.first_account(Chain::Ethereum, now_ms)?,
        };
        let key = self.ethereum_key(&from, now_ms)?;
        ethereum::sign_transaction(key, tx, chain_id)
            .map(Value::String)
            .map_err(eth_error)
    }

    pub(crate) fn sign_authorization(
        &mut self,
        mut request: Value,
        now_ms: u64,
    ) -> Result<Value, ApiError> {
        let chain_id = self.chain_id;
        // `account` picks our signer; the rest is the authorization itself.
        let account = match request.as_object_mut().and_then(|o| o.remove("account")) {
            Some(Value::String(a)) => a,
            Some(_) => {
                return Err(ApiError::invalid_params(
                    "`account` must be an address string",
                ))
            }
            None => self.first_account(Chain::Ethereum, now_ms)?,
        };
        let key = self.ethereum_key(&account, now_ms)?;
        ethereum::sign_authorization(key, &request, chain_id).map_err(eth_error)
    }

    pub(crate) fn solana_sign_transaction(
        &mut self,
        p: SolanaSignTransactionParams,
        now_ms: u64,
    ) -> Result<Value, ApiError> {
        let key = self.solana_key(&p.address, now_ms)?;
        let signed = solana::sign_transaction_base64(key, &p.transaction).map_err(sol_error)?;
        Ok(json!({ "signedTransaction": signed }))
    }

    pub(crate) fn solana_sign_all(
        &mut self,
        p: SolanaSignAllParams,
        now_ms: u64,
    ) -> Result<Value, ApiError> {
        let key = self.solana_key(&p.address, now_ms)?;
        let signed = p
            .transactions
            .iter()
            .enumerate()
            .map(|(i, tx)| {
                solana::sign_transaction_base64(key, tx).map_err(|e| {
                    ApiError::new(
                        INVALID_PARAMS,
                        "InvalidSolanaRequest",
                        format!("transaction {i}: {e}"),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(json!({ "signedTransactions": signed }))
    }

    pub(crate) fn solana_sign_message(
        &mut self,
        p: SolanaSignMessageParams,
        now_ms: u64,
    ) -> Result<Value, ApiError> {
        let key = self.solana_key(&p.address, now_ms)?;
        let input: solana::SignMessageInput =
            serde_json::from_value(json!({ "message": p.message }))
                .map_err(|_| ApiError::invalid_params("`message` must be base64"))?;
        let output = solana::sign_message_input(key, &input).map_err(sol_error)?;
        serde_json::to_value(output).map_err(|_| ApiError::invalid_params("unencodable output"))
    }

    pub(crate) fn solana_sign_in(
        &mut self,
        p: SolanaSignInParams,
        origin: Option<&str>,
        now_ms: u64,
    ) -> Result<Value, ApiError> {
        let address = match p.address {
            Some(a) => a,
            None => self.first_account(Chain::Solana, now_ms)?,
        };
        let input: solana::SignInInput =
            serde_json::from_value(p.input.unwrap_or_else(|| json!({})))
                .map_err(|e| ApiError::invalid_params(super::error::scrub_serde_message(&e)))?;
        // Without a browser origin (the wallet's own UI or the CLI operator) the domain the
        // operator typed is the one signed for.
        let fallback_origin = input.domain.as_ref().map(|d| format!("https://{d}"));
        let origin = match (origin, fallback_origin.as_deref()) {
            (Some(o), _) => o,
            (None, Some(o)) => o,
            (None, None) => {
                return Err(ApiError::invalid_params(
                    "`input.domain` is required when there is no requesting origin",
                ))
            }
        };
        let key = self.solana_key(&address, now_ms)?;
        let options = solana::SignInOptions {
            origin,
            allow_domain_mismatch: false,
        };
        let output = solana::sign_in(key, &input, &options).map_err(sol_error)?;
        serde_json::to_value(output).map_err(|_| ApiError::invalid_params("unencodable output"))
    }

    fn ethereum_key(
        &mut self,
        address: &str,
        now_ms: u64,
    ) -> Result<&crate::keys::secp256k1::Secp256k1PrivateKey, ApiError> {
        self.keyring(now_ms)?;
        let Some(session) = self.vault.as_mut() else {
            return Err(super::wallet::no_vault());
        };
        let keyring = session.keyring(now_ms)?;
        self.keys.ethereum(keyring, address)
    }

    fn solana_key(
        &mut self,
        address: &str,
        now_ms: u64,
    ) -> Result<&crate::keys::ed25519::Ed25519PrivateKey, ApiError> {
        self.keyring(now_ms)?;
        let Some(session) = self.vault.as_mut() else {
            return Err(super::wallet::no_vault());
        };
        let keyring = session.keyring(now_ms)?;
        self.keys.solana(keyring, address)
    }

    fn first_account(&mut self, chain: Chain, now_ms: u64) -> Result<String, ApiError> {
        self.keyring(now_ms)?
            .accounts
            .iter()
            .find(|a| a.chain == chain)
            .map(|a| a.address.clone())
            .ok_or_else(|| ApiError::invalid_params("this wallet has no account on that chain"))
    }
}
