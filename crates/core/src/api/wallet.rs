//! [`Wallet`]: the state machine every host drives with requests.

use rand_core::CryptoRngCore;
use serde::Serialize;
use serde_json::{json, Value};

use super::envelope::{RpcRequest, RpcResponse};
use super::error::{ApiError, INTERNAL_ERROR, INVALID_PARAMS, UNAUTHORIZED};
use super::keys::KeyCache;
use super::request::Request;
use crate::audit::AuditRecord;
use crate::vault::{Keyring, SealedVault, VaultError, VaultSession};

/// An event an EIP-1193 provider emits, caused by a request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProviderEvent {
    /// `accountsChanged`, `chainChanged`, `connect` or `disconnect`.
    pub event: &'static str,
    /// The event's payload, as EIP-1193 defines it.
    pub data: Value,
}

/// What the host supplies with each request: the time and a random source.
///
/// The core never reads a clock or an entropy source itself, so the same code runs in the
/// browser (`Date.now`, `crypto.getRandomValues`), natively and in tests.
pub struct Env<'a, R: CryptoRngCore> {
    /// A cryptographically secure random source.
    pub rng: &'a mut R,
    /// Unix time in milliseconds.
    pub now_ms: u64,
    /// The web origin of the requesting page as the browser reported it (`event.origin`);
    /// `None` for the wallet's own UI, the CLI operator and tests.
    pub origin: Option<&'a str>,
}

/// What a host must persist after requests: the sealed vault and the audit records it
/// commits to, in this order (`docs/vault-format.md` §Hosts):
/// 1. every record in `audit_records`, durably (or in one atomic transaction with the vault);
/// 2. the vault, durably (new copy first, then drop older ones);
/// 3. only then, delete stored records with a seq below `prune_below`.
///
/// A vault without its records is a damaged audit log at the next unlock; records without
/// their vault are harmless (unlock accepts those that extend the committed head).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct WalletSave {
    /// The newest sealed vault, if it changed.
    pub vault: Option<SealedVault>,
    /// New audit records, one per seq, ascending.
    pub audit_records: Vec<AuditRecord>,
    /// After a fold of the log: records below this seq may be deleted once the vault is
    /// durable.
    pub prune_below: Option<u64>,
}

impl WalletSave {
    /// Combines an older save not yet persisted with a newer one: the newer vault, the
    /// records of both (the newer one for a seq), the higher prune bound.
    #[must_use]
    pub fn merge(self, newer: WalletSave) -> WalletSave {
        let prune_below = match (self.prune_below, newer.prune_below) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        // A host that takes saves rarely holds one that grows by a record per request: the
        // usual case, newer records all after the held ones, appends them and touches nothing
        // else (rebuilding the whole list made each request cost in proportion to the records
        // held).
        let keep = |r: &AuditRecord| prune_below.is_none_or(|p| r.seq >= p);
        let newer_records: Vec<AuditRecord> =
            newer.audit_records.into_iter().filter(keep).collect();
        let follows = match (self.audit_records.last(), newer_records.first()) {
            (Some(held), Some(first)) => first.seq > held.seq,
            _ => true,
        } && newer_records.is_sorted_by(|a, b| a.seq < b.seq);
        let mut audit_records = if follows {
            let mut records = self.audit_records;
            records.extend(newer_records);
            records
        } else {
            let mut by_seq: std::collections::BTreeMap<u64, AuditRecord> =
                self.audit_records.into_iter().map(|r| (r.seq, r)).collect();
            by_seq.extend(newer_records.into_iter().map(|r| (r.seq, r)));
            by_seq.into_values().collect()
        };
        // Ascending: if the first is kept, all are.
        if audit_records.first().is_some_and(|r| !keep(r)) {
            audit_records.retain(keep);
        }
        WalletSave {
            vault: newer.vault.or(self.vault),
            audit_records,
            prune_below,
        }
    }
}

/// The wallet: at most one vault, locked or unlocked, and what the host must persist.
///
/// Hosts call [`Wallet::handle`] for each request, then [`Wallet::take_save`] and persist what
/// it returns (records, then the vault, then pruning; see [`WalletSave`]) *before* giving the
/// result to the caller, and [`Wallet::take_events`] to emit provider events.
pub struct Wallet {
    pub(crate) vault: Option<VaultSession>,
    pub(crate) keys: KeyCache,
    /// The active EVM chain while locked (the vault's setting is authoritative when unlocked).
    pub(crate) chain_id: u64,
    /// Wrong passwords given to `wallet_unlock` since the last successful unlock; written to
    /// the audit log on the next unlock (the log cannot be written while locked).
    pub(crate) failed_unlocks: u32,
    /// The verified approvals `wallet_submitApprovals` is executing a held request under;
    /// taken by the policy gate of that request.
    pub(crate) approval: Option<crate::policy::VerifiedApproval>,
    /// Site requests waiting for the user (`docs/sites.md`); memory only.
    pub(crate) held: super::sites::HeldRequests,
    /// The audit log's records, and the open log while unlocked.
    pub(crate) audit: super::audit_trail::AuditTrail,
    save: Option<SealedVault>,
    events: Vec<ProviderEvent>,
}

impl Default for Wallet {
    fn default() -> Self {
        Self::new()
    }
}

impl Wallet {
    /// A wallet with no vault yet.
    pub fn new() -> Self {
        Self {
            vault: None,
            keys: KeyCache::default(),
            chain_id: 1,
            failed_unlocks: 0,
            approval: None,
            held: super::sites::HeldRequests::default(),
            audit: super::audit_trail::AuditTrail::default(),
            save: None,
            events: Vec::new(),
        }
    }

    /// A locked wallet over the vault bytes the host stored last, without audit records
    /// (a vault whose log has records then unlocks with the log reported damaged).
    ///
    /// # Errors
    /// The vault header cannot be read (`Corrupted`, `UnsupportedVersion`, ...).
    pub fn from_sealed(bytes: Vec<u8>) -> Result<Self, ApiError> {
        Self::from_sealed_with_audit(bytes, Vec::new())
    }

    /// A locked wallet over the vault bytes and the audit records the host stored, in any
    /// order. The records are checked at unlock (`docs/audit-log.md` §Unlock).
    ///
    /// # Errors
    /// The vault header cannot be read (`Corrupted`, `UnsupportedVersion`, ...).
    pub fn from_sealed_with_audit(
        bytes: Vec<u8>,
        audit_records: Vec<AuditRecord>,
    ) -> Result<Self, ApiError> {
        let session = VaultSession::from_sealed(bytes).map_err(vault_error)?;
        Ok(Self {
            vault: Some(session),
            audit: super::audit_trail::AuditTrail::from_records(audit_records),
            ..Self::new()
        })
    }

    /// Answers one request given as JSON text with a JSON-RPC response as text.
    pub fn handle_json<R: CryptoRngCore>(&mut self, text: &str, env: &mut Env<'_, R>) -> String {
        let mut response = match RpcRequest::from_json(text) {
            Ok(req) => {
                let id = req.id.clone();
                RpcResponse::new(id, self.handle(req, env))
            }
            Err(e) => RpcResponse::new(None, Err(e)),
        };
        let text = serde_json::to_string(&response).unwrap_or_else(|_| {
            r#"{"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"internal error: response encoding"}}"#
                .to_owned()
        });
        // The text is the caller's to handle; the copy inside the result is ours to wipe.
        if let Some(result) = response.result.as_mut() {
            crate::secret::wipe_json(result);
        }
        text
    }

    /// Answers one request. A result can hold a secret (`wallet_create`'s mnemonic,
    /// `wallet_export`'s key): hosts wipe it with [`crate::secret::wipe_json`] once passed on.
    pub fn handle<R: CryptoRngCore>(
        &mut self,
        req: RpcRequest,
        env: &mut Env<'_, R>,
    ) -> Result<Value, ApiError> {
        let was_unlocked = self.is_unlocked();
        // A new vault replaces the old one's block list even if the old one was unlocked.
        let installs = matches!(
            req.method.as_str(),
            "wallet_create" | "wallet_import" | "wallet_recoverFromShares"
        );
        let events_before = self.events.len();
        self.observe_lock(env.now_ms);
        // Every request from a web page passes the site rules; only the wallet's own UI (no
        // origin) reaches the methods directly.
        let result = match env.origin {
            Some(origin) => self.site_request(req, origin, env),
            None => Request::decode(req).and_then(|request| self.dispatch(request, env)),
        };
        self.announce_self_lock(was_unlocked, events_before);
        // An unlock in this request counts as seen, so a later lock drops what is held then.
        self.settle_sites(!was_unlocked || installs, env.now_ms);
        if !self.held.unlocked_seen {
            // The open log holds the audit and record keys: they go with the vault key.
            self.audit.log = None;
        }
        // Dead frames of the work just done hold copies of keys, nonces and KDF output.
        crate::secret::wipe_stack();
        result
    }

    /// What to persist, if the last requests changed anything: the newest sealed vault and
    /// every audit record since the last call (see [`WalletSave`] for the write order).
    pub fn take_save(&mut self) -> Option<WalletSave> {
        let vault = self.save.take();
        let (audit_records, prune_below) = self.audit.take_pending();
        if vault.is_none() && audit_records.is_empty() && prune_below.is_none() {
            return None;
        }
        Some(WalletSave {
            vault,
            audit_records,
            prune_below,
        })
    }

    /// Provider events caused by the last requests, oldest first.
    pub fn take_events(&mut self) -> Vec<ProviderEvent> {
        core::mem::take(&mut self.events)
    }

    pub(crate) fn dispatch<R: CryptoRngCore>(
        &mut self,
        request: Request,
        env: &mut Env<'_, R>,
    ) -> Result<Value, ApiError> {
        use Request as Q;
        match request {
            Q::Status => Ok(self.status(env.now_ms)),
            Q::Create(p) => self.create(p, env),
            Q::Import(p) => self.import(p, env),
            Q::Unlock(p) => self.unlock(&p.password.0, env),
            Q::Lock => {
                self.audited_lock(env);
                Ok(Value::Null)
            }
            Q::ChangePassword(p) => self.change_password(p, env),
            Q::AddAccount(p) => self.add_account(p, env),
            Q::RenameAccount(p) => self.rename_account(p, env),
            Q::ListAccounts => self.list_accounts(env.now_ms),
            Q::Export(p) => self.export(p, env),
            Q::UpdateSettings(p) => self.update_settings(p, env),
            Q::EthAccounts => Ok(self.eth_accounts(env.now_ms)),
            Q::EthRequestAccounts => self.eth_request_accounts(env.now_ms),
            Q::EthChainId => Ok(Value::String(format!("0x{:x}", self.chain_id))),
            Q::SwitchEthereumChain(p) => self.switch_chain(&p.chain_id, env),
            Q::PersonalSign { data, address } => self.personal_sign(&data, &address, env),
            Q::SignTypedData {
                address,
                typed_data,
            } => self.sign_typed_data(&address, &typed_data, env),
            Q::SignTransaction(tx) => self.sign_transaction(&tx, env),
            Q::SignAuthorization(p) => self.sign_authorization(p, env),
            Q::SolanaSignTransaction(p) => self.solana_sign_transaction(p, env),
            Q::SolanaSignAllTransactions(p) => self.solana_sign_all(p, env),
            Q::SolanaSignMessage(p) => self.solana_sign_message(p, env),
            Q::SolanaSignIn(p) => self.solana_sign_in(p, env),
            Q::PreviewRequest(p) => self.preview_request(p, env.origin, env.now_ms),
            Q::BackupShares(p) => self.backup_shares(p, env),
            Q::RecoverFromShares(p) => self.recover_from_shares(p, env),
            Q::Unsupported(method) => Err(super::signing::unsupported(method)),
            Q::CheckPolicy(p) => self.check_policy(p),
            Q::SetPolicy(p) => self.set_policy(p, env),
            Q::GetPolicy => self.get_policy(env),
            Q::ListApprovals => self.list_approvals(env),
            Q::SubmitApprovals(p) => self.submit_approvals(p, env),
            Q::CancelApproval(p) => self.cancel_approval(p, env),
            Q::AuditExport => self.audit_export(env),
            Q::AuditVerify(p) => self.audit_verify(p),
            Q::Connect(_) => self.owner_connect(env.now_ms),
            Q::ListRequests => self.list_requests(env),
            Q::ApproveRequest(p) => self.approve_request(p, env),
            Q::RejectRequest(p) => self.reject_request(p, env),
            Q::ListSites => self.list_sites(env),
            Q::RevokeSite(p) => self.revoke_site(p, env),
            Q::BlockSite(p) => self.block_site(p, env),
            Q::UnblockSite(p) => self.unblock_site(p, env),
        }
    }

    /// The unlocked keyring; if the vault has locked itself (idle timeout), the key cache is
    /// dropped too and the caller gets `Locked`.
    pub(crate) fn keyring(&mut self, now_ms: u64) -> Result<&Keyring, ApiError> {
        let Some(session) = self.vault.as_mut() else {
            return Err(no_vault());
        };
        match session.keyring(now_ms) {
            Ok(k) => Ok(k),
            Err(e) => {
                self.keys.clear();
                Err(vault_error(e))
            }
        }
    }

    /// Applies a change to the keyring and queues the sealed result for the host.
    pub(crate) fn update<R: CryptoRngCore, T>(
        &mut self,
        env: &mut Env<'_, R>,
        change: impl FnOnce(&mut Keyring) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let session = self.vault.as_mut().ok_or_else(no_vault)?;
        let result = session.update(env.now_ms, env.rng, |k| change(k));
        if session.is_locked() {
            self.keys.clear();
        }
        let (value, sealed) = result?;
        self.save = Some(sealed);
        Ok(value)
    }

    pub(crate) fn set_saved(&mut self, sealed: SealedVault) {
        self.save = Some(sealed);
    }

    pub(crate) fn emit(&mut self, event: &'static str, data: Value) {
        self.events.push(ProviderEvent { event, data });
    }

    /// `wallet_lock`: logs the lock while the log can still be written, then locks. Locking
    /// never fails, so a failure to log is ignored.
    pub(crate) fn audited_lock<R: CryptoRngCore>(&mut self, env: &mut Env<'_, R>) {
        if self.vault.as_ref().is_some_and(|v| !v.is_locked()) {
            let _ = self.record_event(env, "vault.locked", json!({}));
        }
        self.lock();
    }

    fn is_unlocked(&self) -> bool {
        self.vault.as_ref().is_some_and(|v| !v.is_locked())
    }

    /// A vault that locked itself during a request (idle timeout, a failed save) emits the
    /// same `accountsChanged: []` as `wallet_lock`, so providers and the Wallet Standard
    /// wallet stop offering accounts that can no longer sign.
    fn announce_self_lock(&mut self, was_unlocked: bool, events_before: usize) {
        if !was_unlocked || self.is_unlocked() {
            return;
        }
        self.keys.clear();
        self.drop_held();
        let announced = self
            .events
            .get(events_before..)
            .is_some_and(|new| new.iter().any(|e| e.event == "accountsChanged"));
        if !announced {
            self.emit("accountsChanged", json!([]));
        }
    }

    pub(crate) fn lock(&mut self) {
        let was_unlocked = self.vault.as_ref().is_some_and(|v| !v.is_locked());
        if let Some(v) = self.vault.as_mut() {
            v.lock();
        }
        self.keys.clear();
        self.audit.log = None;
        if was_unlocked {
            self.drop_held();
            self.emit("accountsChanged", json!([]));
        }
    }

    fn status(&mut self, now_ms: u64) -> Value {
        let Some(session) = self.vault.as_mut() else {
            return json!({"state": "empty"});
        };
        let status = session.status(now_ms);
        if status.locked {
            self.keys.clear();
        }
        json!({
            "state": if status.locked { "locked" } else { "unlocked" },
            "generation": status.generation,
            "autoLockAt": status.auto_lock_at_ms,
        })
    }
}

/// The error for requests that need a vault when there is none.
pub(crate) fn no_vault() -> ApiError {
    ApiError::new(
        UNAUTHORIZED,
        "NoVault",
        "there is no wallet yet: create or import one",
    )
}

/// Maps a vault error to the protocol's codes (docs/protocol.md "Errors").
pub(crate) fn vault_error(e: VaultError) -> ApiError {
    let message = e.to_string();
    let (code, kind) = match e {
        VaultError::Locked => return ApiError::locked(),
        VaultError::WrongPassword => (UNAUTHORIZED, "WrongPassword"),
        VaultError::NotAVault => (INTERNAL_ERROR, "NotAVault"),
        VaultError::Corrupted => (INTERNAL_ERROR, "Corrupted"),
        VaultError::UnsupportedVersion { .. } | VaultError::UnsupportedKeyringVersion { .. } => {
            (INTERNAL_ERROR, "UnsupportedVersion")
        }
        VaultError::WeakKdfParameters { .. } => (INVALID_PARAMS, "WeakKdfParameters"),
        VaultError::ExcessiveKdfParameters { .. } => (INVALID_PARAMS, "ExcessiveKdfParameters"),
        VaultError::OutOfMemory { .. } => (INTERNAL_ERROR, "OutOfMemory"),
        VaultError::EmptyPassword => (INVALID_PARAMS, "EmptyPassword"),
        VaultError::NoMnemonic => (INVALID_PARAMS, "NoMnemonic"),
        VaultError::NoSuchAccount => (INVALID_PARAMS, "UnknownAccount"),
        VaultError::DerivedAccount => (INVALID_PARAMS, "DerivedAccount"),
        _ => (INTERNAL_ERROR, "Internal"),
    };
    ApiError::new(code, kind, message)
}

impl From<VaultError> for ApiError {
    fn from(e: VaultError) -> Self {
        vault_error(e)
    }
}

#[cfg(test)]
mod save_tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn save(seqs: &[u64], tag: u8, prune_below: Option<u64>) -> WalletSave {
        WalletSave {
            vault: None,
            audit_records: seqs
                .iter()
                .map(|&seq| AuditRecord {
                    seq,
                    bytes: vec![tag],
                })
                .collect(),
            prune_below,
        }
    }

    fn view(s: &WalletSave) -> Vec<(u64, u8)> {
        s.audit_records
            .iter()
            .map(|r| (r.seq, r.bytes[0]))
            .collect()
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn merging_keeps_one_record_per_seq_ascending_the_newer_winning_and_prunes() {
        // The usual case: one more record after the held ones.
        let m = save(&[3, 4], 1, None).merge(save(&[5], 2, None));
        assert_eq!(view(&m), vec![(3, 1), (4, 1), (5, 2)]);
        // A record for a held seq (an abandoned history written over): the newer one, in order.
        let m = save(&[3, 4, 5], 1, None).merge(save(&[4, 6], 2, None));
        assert_eq!(view(&m), vec![(3, 1), (4, 2), (5, 1), (6, 2)]);
        let m = save(&[5, 6], 1, None).merge(save(&[2], 2, None));
        assert_eq!(view(&m), vec![(2, 2), (5, 1), (6, 1)]);
        // A fold in the newer save drops held records below its bound, and the bound stays.
        let m = save(&[3, 4, 5], 1, Some(2)).merge(save(&[6], 2, Some(5)));
        assert_eq!(view(&m), vec![(5, 1), (6, 2)]);
        assert_eq!(m.prune_below, Some(5));
        let m = save(&[6], 1, Some(5)).merge(save(&[7], 2, Some(3)));
        assert_eq!((view(&m), m.prune_below), (vec![(6, 1), (7, 2)], Some(5)));
        // Newer records below an older bound go too.
        let m = save(&[6], 1, Some(5)).merge(save(&[4, 7], 2, None));
        assert_eq!((view(&m), m.prune_below), (vec![(6, 1), (7, 2)], Some(5)));
        assert_eq!(
            view(&WalletSave::default().merge(save(&[1], 2, None))),
            vec![(1, 2)]
        );
    }
}
