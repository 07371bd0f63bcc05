//! The signing methods: Ethereum (EIP-191, EIP-712, transactions, EIP-7702) and Solana
//! (transactions, messages, Sign-In With Solana). Each one resolves the account's key from
//! the unlocked session and hands the dapp's payload to the chain module.

use rand_core::CryptoRngCore;
use serde_json::{json, Value};

use super::custody::Call;
use super::error::{ApiError, INVALID_PARAMS, UNSUPPORTED_METHOD};
use super::request::{
    SolanaSignAllParams, SolanaSignInParams, SolanaSignMessageParams, SolanaSignTransactionParams,
};
use super::wallet::{Env, Wallet};
use crate::chains::ethereum::{self, EthError};
use crate::chains::solana::{self, SolError};
use crate::policy::{Authorized, Subject};
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

pub(crate) fn sol_error(e: SolError) -> ApiError {
    ApiError::new(INVALID_PARAMS, "InvalidSolanaRequest", e.to_string())
}

// Every method here reaches its key through `guarded`, which consults the policy first: the
// key accessors take the `Authorized` proof only the policy gate hands out.
impl Wallet {
    pub(crate) fn personal_sign<R: CryptoRngCore>(
        &mut self,
        data: &str,
        address: &str,
        env: &mut Env<'_, R>,
    ) -> Result<Value, ApiError> {
        let call = Call {
            method: "personal_sign",
            params: json!([data, address]),
            account: Some((Chain::Ethereum, address.to_owned())),
            subject: Subject::PersonalSign,
        };
        self.guarded(call, env, |w, proof, env| {
            let key = w.ethereum_key(address, env.now_ms, proof)?;
            Ok(Value::String(ethereum::personal_sign(key, data)))
        })
    }

    pub(crate) fn sign_typed_data<R: CryptoRngCore>(
        &mut self,
        address: &str,
        typed_data: &Value,
        env: &mut Env<'_, R>,
    ) -> Result<Value, ApiError> {
        let chain_id = self.chain_id;
        let call = Call {
            method: "eth_signTypedData_v4",
            params: json!([address, typed_data]),
            account: Some((Chain::Ethereum, address.to_owned())),
            subject: Subject::TypedData {
                typed_data,
                active_chain_id: chain_id,
            },
        };
        self.guarded(call, env, |w, proof, env| {
            let key = w.ethereum_key(address, env.now_ms, proof)?;
            ethereum::sign_typed_data_v4(key, typed_data, chain_id)
                .map(Value::String)
                .map_err(eth_error)
        })
    }

    pub(crate) fn sign_transaction<R: CryptoRngCore>(
        &mut self,
        tx: &Value,
        env: &mut Env<'_, R>,
    ) -> Result<Value, ApiError> {
        let chain_id = self.chain_id;
        let from = match tx.get("from") {
            Some(Value::String(from)) => from.clone(),
            Some(_) => return Err(ApiError::invalid_params("`from` must be an address string")),
            None => self.first_account(Chain::Ethereum, env.now_ms)?,
        };
        let call = Call {
            method: "eth_signTransaction",
            params: json!([tx]),
            account: Some((Chain::Ethereum, from.clone())),
            subject: Subject::EthTransaction {
                tx,
                active_chain_id: chain_id,
            },
        };
        self.guarded(call, env, |w, proof, env| {
            let key = w.ethereum_key(&from, env.now_ms, proof)?;
            ethereum::sign_transaction(key, tx, chain_id)
                .map(Value::String)
                .map_err(eth_error)
        })
    }

    pub(crate) fn sign_authorization<R: CryptoRngCore>(
        &mut self,
        request: Value,
        env: &mut Env<'_, R>,
    ) -> Result<Value, ApiError> {
        let chain_id = self.chain_id;
        let params = request.clone();
        let mut authorization = request;
        // `account` picks our signer; the rest is the authorization itself.
        let account = match authorization
            .as_object_mut()
            .and_then(|o| o.remove("account"))
        {
            Some(Value::String(a)) => a,
            Some(_) => {
                return Err(ApiError::invalid_params(
                    "`account` must be an address string",
                ))
            }
            None => self.first_account(Chain::Ethereum, env.now_ms)?,
        };
        let call = Call {
            method: "wallet_signAuthorization",
            params,
            account: Some((Chain::Ethereum, account.clone())),
            subject: Subject::Authorization {
                request: &authorization,
                active_chain_id: chain_id,
            },
        };
        self.guarded(call, env, |w, proof, env| {
            let key = w.ethereum_key(&account, env.now_ms, proof)?;
            ethereum::sign_authorization(key, &authorization, chain_id).map_err(eth_error)
        })
    }

    pub(crate) fn solana_sign_transaction<R: CryptoRngCore>(
        &mut self,
        p: SolanaSignTransactionParams,
        env: &mut Env<'_, R>,
    ) -> Result<Value, ApiError> {
        let signer = solana_address(&p.address)?;
        let transactions = [p.transaction];
        let call = Call {
            method: "solana_signTransaction",
            params: json!({ "address": p.address, "transaction": transactions[0], "chain": p.chain }),
            account: Some((Chain::Solana, p.address.clone())),
            subject: Subject::SolanaTransactions {
                signer: &signer,
                transactions: &transactions,
                chain: p.chain.as_deref(),
            },
        };
        self.guarded(call, env, |w, proof, env| {
            let key = w.solana_key(&p.address, env.now_ms, proof)?;
            let signed =
                solana::sign_transaction_base64(key, &transactions[0]).map_err(sol_error)?;
            Ok(json!({ "signedTransaction": signed }))
        })
    }

    pub(crate) fn solana_sign_all<R: CryptoRngCore>(
        &mut self,
        p: SolanaSignAllParams,
        env: &mut Env<'_, R>,
    ) -> Result<Value, ApiError> {
        let signer = solana_address(&p.address)?;
        let call = Call {
            method: "solana_signAllTransactions",
            params: json!({ "address": p.address, "transactions": p.transactions, "chain": p.chain }),
            account: Some((Chain::Solana, p.address.clone())),
            subject: Subject::SolanaTransactions {
                signer: &signer,
                transactions: &p.transactions,
                chain: p.chain.as_deref(),
            },
        };
        self.guarded(call, env, |w, proof, env| {
            let key = w.solana_key(&p.address, env.now_ms, proof)?;
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
        })
    }

    pub(crate) fn solana_sign_message<R: CryptoRngCore>(
        &mut self,
        p: SolanaSignMessageParams,
        env: &mut Env<'_, R>,
    ) -> Result<Value, ApiError> {
        let input: solana::SignMessageInput =
            serde_json::from_value(json!({ "message": p.message }))
                .map_err(|_| ApiError::invalid_params("`message` must be base64"))?;
        // Refuse what signing would refuse before the policy sees it: a transaction posing as
        // a message is an error, not a policy event.
        solana::check_signable_message(&input.message.0).map_err(sol_error)?;
        let call = Call {
            method: "solana_signMessage",
            params: json!({ "address": p.address, "message": p.message }),
            account: Some((Chain::Solana, p.address.clone())),
            subject: Subject::SolanaMessage,
        };
        self.guarded(call, env, |w, proof, env| {
            let key = w.solana_key(&p.address, env.now_ms, proof)?;
            let output = solana::sign_message_input(key, &input).map_err(sol_error)?;
            serde_json::to_value(output).map_err(|_| ApiError::invalid_params("unencodable output"))
        })
    }

    pub(crate) fn solana_sign_in<R: CryptoRngCore>(
        &mut self,
        p: SolanaSignInParams,
        env: &mut Env<'_, R>,
    ) -> Result<Value, ApiError> {
        let address = match &p.address {
            Some(a) => a.clone(),
            None => self.first_account(Chain::Solana, env.now_ms)?,
        };
        let params = json!({ "address": p.address, "input": p.input });
        let input: solana::SignInInput =
            serde_json::from_value(p.input.unwrap_or_else(|| json!({})))
                .map_err(|e| ApiError::invalid_params(super::error::scrub_serde_message(&e)))?;
        // Without a browser origin (the wallet's own UI or the CLI operator) the domain the
        // operator typed is the one signed for.
        let fallback_origin = input.domain.as_ref().map(|d| format!("https://{d}"));
        let origin = match (env.origin, fallback_origin.as_deref()) {
            (Some(o), _) => o.to_owned(),
            (None, Some(o)) => o.to_owned(),
            (None, None) => {
                return Err(ApiError::invalid_params(
                    "`input.domain` is required when there is no requesting origin",
                ))
            }
        };
        let call = Call {
            method: "solana_signIn",
            params,
            account: Some((Chain::Solana, address.clone())),
            subject: Subject::SolanaMessage,
        };
        self.guarded(call, env, |w, proof, env| {
            let key = w.solana_key(&address, env.now_ms, proof)?;
            let options = solana::SignInOptions {
                origin: &origin,
                allow_domain_mismatch: false,
            };
            let output = solana::sign_in(key, &input, &options).map_err(sol_error)?;
            serde_json::to_value(output).map_err(|_| ApiError::invalid_params("unencodable output"))
        })
    }

    fn ethereum_key(
        &mut self,
        address: &str,
        now_ms: u64,
        proof: &Authorized,
    ) -> Result<&crate::keys::secp256k1::Secp256k1PrivateKey, ApiError> {
        // Through `Wallet::keyring` first: on an idle timeout it also drops the key cache.
        // The session is then borrowed again so the cache can be borrowed mutably beside it.
        self.keyring(now_ms)?;
        let Some(session) = self.vault.as_mut() else {
            return Err(super::wallet::no_vault());
        };
        let keyring = session.keyring(now_ms)?;
        self.keys.ethereum(keyring, address, proof)
    }

    fn solana_key(
        &mut self,
        address: &str,
        now_ms: u64,
        proof: &Authorized,
    ) -> Result<&crate::keys::ed25519::Ed25519PrivateKey, ApiError> {
        self.keyring(now_ms)?;
        let Some(session) = self.vault.as_mut() else {
            return Err(super::wallet::no_vault());
        };
        let keyring = session.keyring(now_ms)?;
        self.keys.solana(keyring, address, proof)
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

/// A Solana address param; an address that does not parse cannot be ours.
fn solana_address(text: &str) -> Result<solana::Address, ApiError> {
    solana::Address::parse(text).map_err(|_| {
        ApiError::new(
            super::error::UNAUTHORIZED,
            "UnknownAccount",
            "this wallet has no such account",
        )
    })
}
