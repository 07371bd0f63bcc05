//! Typed requests: one variant per method, with its params decoded.

use serde::Deserialize;
use serde_json::Value;

pub use super::backup::{BackupSharesParams, RecoverFromSharesParams, ShareGroupParams};
use super::envelope::RpcRequest;
use super::error::{scrub_serde_message, ApiError};
use crate::secret::SecretString;

/// Argon2id cost chosen by the caller (`kdf` in `wallet_create`/`wallet_import`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KdfParamsInput {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Iterations (passes).
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

/// The chains accounts can be created for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChainName {
    /// Ethereum and other EVM chains (secp256k1).
    Ethereum,
    /// Solana (Ed25519).
    Solana,
}

/// A password field: deserialized straight into a zeroizing string.
#[derive(Debug)]
pub struct Password(pub SecretString);

impl<'de> Deserialize<'de> for Password {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(|s| Password(SecretString::new(s)))
    }
}

/// `wallet_create` params.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateParams {
    /// The vault password.
    pub password: Password,
    /// 12 or 24 words (default 12).
    #[serde(default)]
    pub words: Option<u8>,
    /// Optional BIP-39 passphrase (the "25th word").
    #[serde(default)]
    pub passphrase: Option<Password>,
    /// Argon2id cost (default m=64 MiB, t=3, p=1).
    #[serde(default)]
    pub kdf: Option<KdfParamsInput>,
}

/// `wallet_import` params: exactly one of `mnemonic`, `privateKey`, `keystore`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImportParams {
    /// The new vault password.
    pub password: Password,
    /// A BIP-39 phrase.
    #[serde(default)]
    pub mnemonic: Option<Password>,
    /// Optional BIP-39 passphrase for `mnemonic`.
    #[serde(default)]
    pub passphrase: Option<Password>,
    /// A hex private key.
    #[serde(default)]
    pub private_key: Option<Password>,
    /// The curve of `privateKey` (default secp256k1).
    #[serde(default)]
    pub curve: Option<crate::keys::Curve>,
    /// A keystore v3 JSON document (text or object).
    #[serde(default)]
    pub keystore: Option<Value>,
    /// The keystore's own password.
    #[serde(default)]
    pub keystore_password: Option<Password>,
    /// Argon2id cost for the new vault.
    #[serde(default)]
    pub kdf: Option<KdfParamsInput>,
}

/// `wallet_unlock` params.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UnlockParams {
    /// The vault password.
    pub password: Password,
}

/// `wallet_changePassword` params.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChangePasswordParams {
    /// The current password.
    pub old_password: Password,
    /// The new password.
    pub new_password: Password,
    /// Optional new Argon2id cost.
    #[serde(default)]
    pub kdf: Option<KdfParamsInput>,
}

/// `wallet_addAccount` params.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AddAccountParams {
    /// Which chain the account is for.
    pub chain: ChainName,
    /// A label shown in the app.
    #[serde(default)]
    pub label: Option<String>,
}

/// `wallet_renameAccount` params.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RenameAccountParams {
    /// The account's address.
    pub address: String,
    /// The new label.
    pub label: String,
}

/// What `wallet_export` returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ExportKind {
    /// The BIP-39 phrase.
    Mnemonic,
    /// One account's raw private key (hex).
    PrivateKey,
    /// One Ethereum account as a keystore v3 JSON file.
    Keystore,
}

/// `wallet_export` params.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExportParams {
    /// The vault password, asked again.
    pub password: Password,
    /// What to export.
    pub what: ExportKind,
    /// The account, for `privateKey` and `keystore`.
    #[serde(default)]
    pub address: Option<String>,
    /// The password to encrypt the keystore with (defaults to the vault password).
    #[serde(default)]
    pub keystore_password: Option<Password>,
}

/// `wallet_updateSettings` params.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SettingsParams {
    /// Minutes of inactivity before the wallet locks itself (0 = never).
    #[serde(default)]
    pub auto_lock_minutes: Option<u32>,
}

/// `wallet_switchEthereumChain` param object (EIP-3326).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SwitchChainParam {
    /// The chain id as a hex quantity, e.g. `"0x1"`.
    pub chain_id: String,
}

/// The request inside `wallet_previewRequest`: a method and its params, exactly as the dapp
/// would send them for signing.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreviewTarget {
    /// The signing method, e.g. `eth_signTransaction` or `solana_signTransaction`.
    pub method: String,
    /// That method's params (positional array or object, as the method takes them).
    #[serde(default)]
    pub params: Value,
}

/// `wallet_previewRequest` params: `{request: {method, params}, hints?}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreviewParams {
    /// The request to preview.
    pub request: PreviewTarget,
    /// Facts the core cannot know (balances, which addresses are contracts, token decimals),
    /// in the shape the inner method's chain reads them; see `docs/preview.md`.
    #[serde(default)]
    pub hints: Option<Value>,
}

/// Every method the wallet answers, with decoded params.
#[derive(Debug)]
#[non_exhaustive]
pub enum Request {
    /// `wallet_status`: locked or not, which accounts exist.
    Status,
    /// `wallet_create`: a new vault with a fresh mnemonic.
    Create(CreateParams),
    /// `wallet_import`: a new vault from a mnemonic, a private key or a keystore file.
    Import(ImportParams),
    /// `wallet_unlock`.
    Unlock(UnlockParams),
    /// `wallet_lock`.
    Lock,
    /// `wallet_changePassword`.
    ChangePassword(ChangePasswordParams),
    /// `wallet_addAccount`: the next HD account for a chain.
    AddAccount(AddAccountParams),
    /// `wallet_renameAccount`.
    RenameAccount(RenameAccountParams),
    /// `wallet_listAccounts`.
    ListAccounts,
    /// `wallet_export`: a secret, with the password given again.
    Export(ExportParams),
    /// `wallet_updateSettings`.
    UpdateSettings(SettingsParams),
    /// `eth_accounts`.
    EthAccounts,
    /// `eth_requestAccounts`.
    EthRequestAccounts,
    /// `eth_chainId`.
    EthChainId,
    /// `wallet_switchEthereumChain` (EIP-3326).
    SwitchEthereumChain(SwitchChainParam),
    /// `personal_sign` `[data, address]` (EIP-191).
    PersonalSign {
        /// `0x` hex bytes, or UTF-8 text.
        data: String,
        /// The signing account.
        address: String,
    },
    /// `eth_signTypedData_v4` `[address, typedData]` (EIP-712).
    SignTypedData {
        /// The signing account.
        address: String,
        /// The typed data, as an object or a JSON string.
        typed_data: Value,
    },
    /// `eth_signTransaction` `[tx]`.
    SignTransaction(Value),
    /// `wallet_signAuthorization` `{account?, chainId?, address, nonce}` (EIP-7702).
    SignAuthorization(Value),
    /// `wallet_previewRequest` `{request: {method, params}, hints?}`: what signing would do.
    PreviewRequest(PreviewParams),
    /// `solana_signTransaction` `{address, transaction}`.
    SolanaSignTransaction(SolanaSignTransactionParams),
    /// `solana_signAllTransactions` `{address, transactions}`.
    SolanaSignAllTransactions(SolanaSignAllParams),
    /// `solana_signMessage` `{address, message}`.
    SolanaSignMessage(SolanaSignMessageParams),
    /// `solana_signIn` `{address?, input}`.
    SolanaSignIn(SolanaSignInParams),
    /// `wallet_backupShares`: SLIP-0039 shares of the recovery phrase, password asked again.
    BackupShares(BackupSharesParams),
    /// `wallet_recoverFromShares`: a new vault from SLIP-0039 shares.
    RecoverFromShares(RecoverFromSharesParams),
    /// A method Custodian knows and deliberately does not serve (`eth_sendTransaction`, `eth_sign`).
    Unsupported(&'static str),
    /// `wallet_checkPolicy` `{policy}`: validates a policy document (docs/policy.md).
    CheckPolicy(PolicyParams),
    /// `wallet_setPolicy` `{policy}`: sets, changes (with the quorum) or removes the policy.
    SetPolicy(PolicyParams),
    /// `wallet_getPolicy`.
    GetPolicy,
    /// `wallet_listApprovals`: requests waiting for approvals.
    ListApprovals,
    /// `wallet_submitApprovals` `{approvalDigest, signatures, password?}`.
    SubmitApprovals(SubmitApprovalsParams),
    /// `wallet_cancelApproval` `{approvalDigest}`.
    CancelApproval(CancelApprovalParams),
    /// `wallet_auditExport`: the audit log as JSON Lines (docs/audit-log.md).
    AuditExport,
    /// `wallet_auditVerify` `{jsonl, publicKey}`.
    AuditVerify(AuditVerifyParams),
    /// `wallet_connect` `{silent?}`: a site asks to see accounts (`docs/sites.md`).
    Connect(ConnectParams),
    /// `wallet_listRequests`: site requests waiting for the user.
    ListRequests,
    /// `wallet_approveRequest` `{requestId, accounts?}`: the user says yes.
    ApproveRequest(ApproveRequestParams),
    /// `wallet_rejectRequest` `{requestId}`: the user says no.
    RejectRequest(RejectRequestParams),
    /// `wallet_listSites`: the connected sites.
    ListSites,
    /// `wallet_revokeSite` `{origin}`: disconnects a site.
    RevokeSite(RevokeSiteParams),
    /// `wallet_blockSite` `{origin, minutes?}`: refuses a site's requests without asking.
    BlockSite(BlockSiteParams),
    /// `wallet_unblockSite` `{origin}`: lifts a block.
    UnblockSite(RevokeSiteParams),
}

/// `wallet_connect` params. Other members are ignored, so connectors may pass their own
/// options through.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectParams {
    /// Answer without asking the user: a site that is not connected (or a locked wallet) gets
    /// an error instead of a held request (the Wallet Standard's `silent` connect).
    #[serde(default)]
    pub silent: Option<bool>,
}

/// `wallet_approveRequest` params.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApproveRequestParams {
    /// The held request's id (`data.requestId` of its `ConsentRequired` error).
    pub request_id: String,
    /// For a connect request only: the accounts to grant (default: every account).
    #[serde(default)]
    pub accounts: Option<Vec<String>>,
}

/// `wallet_rejectRequest` params.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RejectRequestParams {
    /// The held request's id.
    pub request_id: String,
}

/// `wallet_revokeSite` and `wallet_unblockSite` params.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RevokeSiteParams {
    /// The site's web origin.
    pub origin: String,
}

/// `wallet_blockSite` params.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BlockSiteParams {
    /// The site's web origin.
    pub origin: String,
    /// How long the block lasts; absent: until the user unblocks the site.
    #[serde(default)]
    pub minutes: Option<u32>,
}

/// `wallet_checkPolicy` and `wallet_setPolicy` params.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PolicyParams {
    /// The policy document; `null` (for `wallet_setPolicy`) removes the policy.
    pub policy: Value,
}

/// `wallet_submitApprovals` params.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SubmitApprovalsParams {
    /// The digest of the held request (hex).
    pub approval_digest: String,
    /// `[{publicKey, signature}]`, hex or base58.
    pub signatures: Vec<Value>,
    /// The vault password, for a held `wallet_export` only.
    #[serde(default)]
    pub password: Option<Password>,
    /// The keystore password, for a held keystore export only.
    #[serde(default)]
    pub keystore_password: Option<Password>,
    /// The SLIP-0039 passphrase, for a held `wallet_backupShares` that used one.
    #[serde(default)]
    pub passphrase: Option<Password>,
}

/// `wallet_cancelApproval` params.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CancelApprovalParams {
    /// The digest of the held request (hex).
    pub approval_digest: String,
}

/// `wallet_auditVerify` params.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AuditVerifyParams {
    /// The exported JSON Lines text.
    pub jsonl: String,
    /// The audit public key to check against (hex or base58).
    pub public_key: String,
}

/// `solana_signTransaction` params (the Wallet Standard's `solana:signTransaction` input).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SolanaSignTransactionParams {
    /// The signing account (base58).
    pub address: String,
    /// The serialized transaction, base64.
    pub transaction: String,
    /// Wallet Standard chain, e.g. `solana:mainnet`.
    #[serde(default)]
    pub chain: Option<String>,
}

/// `solana_signAllTransactions` params.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SolanaSignAllParams {
    /// The signing account (base58).
    pub address: String,
    /// The serialized transactions, base64.
    pub transactions: Vec<String>,
    /// Wallet Standard chain.
    #[serde(default)]
    pub chain: Option<String>,
}

/// `solana_signMessage` params.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SolanaSignMessageParams {
    /// The signing account (base58).
    pub address: String,
    /// The message bytes, base64.
    pub message: String,
}

/// `solana_signIn` params.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SolanaSignInParams {
    /// The signing account (default: the first Solana account).
    #[serde(default)]
    pub address: Option<String>,
    /// The Wallet Standard `SolanaSignInInput`.
    #[serde(default)]
    pub input: Option<Value>,
}

impl Request {
    /// Decodes the params of `req` for its method.
    pub fn decode(req: RpcRequest) -> Result<Self, ApiError> {
        let p = req.params;
        Ok(match req.method.as_str() {
            "wallet_status" => Self::Status,
            "wallet_create" => Self::Create(object(p)?),
            "wallet_import" => Self::Import(object(p)?),
            "wallet_unlock" => Self::Unlock(object(p)?),
            "wallet_lock" => Self::Lock,
            "wallet_changePassword" => Self::ChangePassword(object(p)?),
            "wallet_addAccount" => Self::AddAccount(object(p)?),
            "wallet_renameAccount" => Self::RenameAccount(object(p)?),
            "wallet_listAccounts" => Self::ListAccounts,
            "wallet_export" => Self::Export(object(p)?),
            "wallet_updateSettings" => Self::UpdateSettings(object(p)?),
            "eth_accounts" => Self::EthAccounts,
            "eth_requestAccounts" => Self::EthRequestAccounts,
            "eth_chainId" => Self::EthChainId,
            "wallet_switchEthereumChain" => {
                let [param]: [SwitchChainParam; 1] = array(p)?;
                Self::SwitchEthereumChain(param)
            }
            "personal_sign" => {
                let (data, address): (String, String) = array(p)?;
                Self::PersonalSign { data, address }
            }
            "eth_signTypedData_v4" => {
                let (address, typed_data): (String, Value) = array(p)?;
                Self::SignTypedData {
                    address,
                    typed_data,
                }
            }
            "eth_signTransaction" => {
                let [tx]: [Value; 1] = array(p)?;
                Self::SignTransaction(tx)
            }
            "wallet_signAuthorization" => {
                let value = match p {
                    Value::Array(mut items) if items.len() == 1 => {
                        items.pop().unwrap_or(Value::Null)
                    }
                    other => other,
                };
                if !value.is_object() {
                    return Err(ApiError::invalid_params("params must be an object"));
                }
                Self::SignAuthorization(value)
            }
            "wallet_previewRequest" => Self::PreviewRequest(object(p)?),
            "solana_signTransaction" => Self::SolanaSignTransaction(object(p)?),
            "solana_signAllTransactions" => Self::SolanaSignAllTransactions(object(p)?),
            "solana_signMessage" => Self::SolanaSignMessage(object(p)?),
            "solana_signIn" => Self::SolanaSignIn(object(p)?),
            "wallet_backupShares" => Self::BackupShares(object(p)?),
            "wallet_recoverFromShares" => Self::RecoverFromShares(object(p)?),
            "wallet_checkPolicy" => Self::CheckPolicy(object(p)?),
            "wallet_setPolicy" => Self::SetPolicy(object(p)?),
            "wallet_getPolicy" => Self::GetPolicy,
            "wallet_listApprovals" => Self::ListApprovals,
            "wallet_submitApprovals" => Self::SubmitApprovals(object(p)?),
            "wallet_cancelApproval" => Self::CancelApproval(object(p)?),
            "wallet_auditExport" => Self::AuditExport,
            "wallet_auditVerify" => Self::AuditVerify(object(p)?),
            "wallet_connect" => Self::Connect(match p {
                Value::Array(ref items) if items.is_empty() => ConnectParams::default(),
                other => object(other)?,
            }),
            "wallet_listRequests" => Self::ListRequests,
            "wallet_approveRequest" => Self::ApproveRequest(object(p)?),
            "wallet_rejectRequest" => Self::RejectRequest(object(p)?),
            "wallet_listSites" => Self::ListSites,
            "wallet_revokeSite" => Self::RevokeSite(object(p)?),
            "wallet_blockSite" => Self::BlockSite(object(p)?),
            "wallet_unblockSite" => Self::UnblockSite(object(p)?),
            "eth_sendTransaction" => Self::Unsupported("eth_sendTransaction"),
            "eth_sendRawTransaction" => Self::Unsupported("eth_sendRawTransaction"),
            "eth_sign" => Self::Unsupported("eth_sign"),
            "eth_signTypedData" => Self::Unsupported("eth_signTypedData"),
            "eth_signTypedData_v3" => Self::Unsupported("eth_signTypedData_v3"),
            other => return Err(ApiError::method_not_found(other)),
        })
    }
}

/// Decodes object-shaped params; also accepts `[object]`, which some clients send.
fn object<T: serde::de::DeserializeOwned>(params: Value) -> Result<T, ApiError> {
    let value = match params {
        Value::Array(mut items) if items.len() == 1 => items.pop().unwrap_or(Value::Null),
        Value::Null => Value::Object(serde_json::Map::new()),
        other => other,
    };
    serde_json::from_value(value).map_err(|e| ApiError::invalid_params(scrub_serde_message(&e)))
}

/// Decodes array-shaped (EIP-1193 positional) params.
pub(crate) fn array<T: serde::de::DeserializeOwned>(params: Value) -> Result<T, ApiError> {
    if !params.is_array() {
        return Err(ApiError::invalid_params("params must be an array"));
    }
    serde_json::from_value(params).map_err(|e| ApiError::invalid_params(scrub_serde_message(&e)))
}
