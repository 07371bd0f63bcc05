//! Sites: per-origin consent, enforced here rather than trusted to the host (`docs/sites.md`).
//!
//! A request with `env.origin` comes from a web page. [`Wallet::site_request`] applies the
//! rule table: a few methods are answered, accounts are shown only as granted, connecting and
//! signing are *held* until the user answers in the wallet's own UI (`wallet_approveRequest`,
//! `wallet_rejectRequest`), and everything else is refused. An approved signing request then
//! runs through the same signing method and policy gate as a request without an origin.
//!
//! Held requests live in memory only: they are bounded per origin and in all, expire, and a
//! lock drops them. Grants persist in the keyring (`Keyring::sites`).

use rand_core::CryptoRngCore;
use serde_json::{json, Map, Value};

use super::accounts::account_views;
use super::envelope::RpcRequest;
use super::error::{ApiError, INVALID_PARAMS, UNAUTHORIZED};
use super::request::{
    ApproveRequestParams, BlockSiteParams, PreviewParams, PreviewTarget, RejectRequestParams,
    Request, RevokeSiteParams,
};
use super::wallet::{Env, Wallet};
use crate::chains::ethereum::chain;
use crate::secret::SecretBytes;
use crate::vault::{Account, Chain, Keyring, SiteBlock, SiteGrant};

/// Most requests one origin may have waiting for the user.
pub const MAX_HELD_PER_ORIGIN: usize = 8;
/// Most requests waiting for the user in all.
pub const MAX_HELD: usize = 64;
/// How long a held request waits for the user (10 minutes).
pub const HELD_TTL_MS: u64 = 10 * 60 * 1000;
/// Most sites one vault remembers; keeps the sealed keyring bounded.
const MAX_SITES: usize = 1000;
/// Most sites one vault keeps blocked; keeps the sealed keyring bounded.
const MAX_BLOCKED: usize = 1000;
/// Rejections of one origin within [`REJECT_WINDOW_MS`] after which the user is offered a block.
pub const REJECTS_BEFORE_BLOCK_OFFER: usize = 3;
/// The window in which rejections of one origin count towards the block offer (60 s).
pub const REJECT_WINDOW_MS: u64 = 60 * 1000;
/// The longest timed block, in minutes (one year); a longer one is a block without an end.
pub const MAX_BLOCK_MINUTES: u32 = 365 * 24 * 60;
/// Recent rejections remembered in all; the oldest go first.
const MAX_REJECTS_TRACKED: usize = 256;

/// What a held request asks the user for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ConsentKind {
    /// To let the site see accounts (`eth_requestAccounts`, `wallet_connect`).
    Connect,
    /// To sign something with a granted account.
    Sign,
    /// To switch the wallet's EVM chain (`wallet_switchEthereumChain`).
    SwitchChain,
}

impl ConsentKind {
    fn name(self) -> &'static str {
        match self {
            ConsentKind::Connect => "connect",
            ConsentKind::Sign => "sign",
            ConsentKind::SwitchChain => "switchChain",
        }
    }
}

/// A site request waiting for the user.
struct Held {
    id: String,
    origin: String,
    kind: ConsentKind,
    method: String,
    params: Value,
    preview: Value,
    created_at: u64,
    expires_at: u64,
    /// The signing account (sign requests): checked against the grant again on approval.
    signer: Option<(Chain, String)>,
    /// The EVM chain when held: an Ethereum signature is only made on the chain the user saw.
    evm_chain_id: u64,
    /// The chain a chain switch asks for.
    switch_to: Option<u64>,
}

impl Held {
    fn view(&self, recent_rejects: usize) -> Value {
        json!({
            "requestId": self.id,
            "origin": self.origin,
            "consentKind": self.kind.name(),
            "request": { "method": self.method, "params": self.params },
            "preview": self.preview,
            "createdAt": self.created_at,
            "expiresAt": self.expires_at,
            "recentRejects": recent_rejects,
            "offerBlock": recent_rejects >= REJECTS_BEFORE_BLOCK_OFFER,
        })
    }
}

/// The requests waiting for the user, oldest first, and what locking must drop; the blocked
/// origins and recent rejections, which must be known without reading the vault.
#[derive(Default)]
pub(crate) struct HeldRequests {
    list: Vec<Held>,
    /// Whether the vault was unlocked when last looked at: an idle auto-lock is only seen on
    /// the next request, and that transition must drop what was held while unlocked.
    pub(crate) unlocked_seen: bool,
    /// A copy of `Keyring::blocked_sites`, taken at each unlock and kept while locked, so a
    /// blocked site is refused without the vault (and while it is locked).
    blocked: Vec<SiteBlock>,
    /// `(origin, time)` of the user's recent rejections, oldest first.
    rejects: Vec<(String, u64)>,
}

impl HeldRequests {
    fn prune(&mut self, now_ms: u64) {
        self.list.retain(|h| h.expires_at > now_ms);
    }

    fn is_blocked(&self, origin: &str, now_ms: u64) -> bool {
        self.blocked
            .iter()
            .any(|b| b.origin == origin && block_active(b, now_ms))
    }

    fn recent_rejects(&self, origin: &str, now_ms: u64) -> usize {
        self.rejects
            .iter()
            .filter(|(o, at)| o == origin && now_ms.saturating_sub(*at) < REJECT_WINDOW_MS)
            .count()
    }

    fn note_reject(&mut self, origin: &str, now_ms: u64) {
        self.rejects
            .retain(|(_, at)| now_ms.saturating_sub(*at) < REJECT_WINDOW_MS);
        if self.rejects.len() >= MAX_REJECTS_TRACKED {
            self.rejects.remove(0);
        }
        self.rejects.push((origin.to_owned(), now_ms));
    }

    /// Drops what is held for `origin` and forgets its rejections.
    fn drop_origin(&mut self, origin: &str) {
        self.list.retain(|h| h.origin != origin);
        self.rejects.retain(|(o, _)| o != origin);
    }

    fn position(&self, id: &str) -> Option<usize> {
        self.list.iter().position(|h| h.id == id)
    }

    pub(crate) fn clear(&mut self) {
        self.list.clear();
    }
}

impl Wallet {
    /// Notes whether the vault is unlocked now; a lock since the last request (by hand or by
    /// the idle timeout) drops every held request.
    pub(crate) fn observe_lock(&mut self, now_ms: u64) {
        let unlocked = self
            .vault
            .as_mut()
            .is_some_and(|v| !v.status(now_ms).locked);
        if self.held.unlocked_seen && !unlocked {
            self.held.clear();
            self.keys.clear();
        }
        self.held.unlocked_seen = unlocked;
    }

    /// Locking: held requests go with the keys.
    pub(crate) fn drop_held(&mut self) {
        self.held.clear();
        self.held.unlocked_seen = false;
    }

    /// After each request: notes whether the vault is unlocked, and when it was just unlocked
    /// (or replaced by a new one), copies its block list and drops what blocked sites had
    /// asked while it was locked.
    pub(crate) fn settle_sites(&mut self, reread_blocks: bool, now_ms: u64) {
        let unlocked = self.vault.as_ref().is_some_and(|v| !v.is_locked());
        if unlocked && reread_blocks {
            self.reread_blocks(now_ms);
        }
        self.held.unlocked_seen = unlocked;
    }

    fn reread_blocks(&mut self, now_ms: u64) {
        let Ok(keyring) = self.keyring(now_ms) else {
            return;
        };
        let blocked = keyring.blocked_sites.clone();
        self.held.blocked = blocked;
        let held = &mut self.held;
        let blocked = &held.blocked;
        held.list.retain(|h| {
            !blocked
                .iter()
                .any(|b| b.origin == h.origin && block_active(b, now_ms))
        });
    }

    /// A request from the web page at `origin`: validates the origin, then applies the rule
    /// table of `docs/sites.md`.
    pub(crate) fn site_request<R: CryptoRngCore>(
        &mut self,
        req: RpcRequest,
        origin: &str,
        env: &mut Env<'_, R>,
    ) -> Result<Value, ApiError> {
        if !crate::origin::is_web_origin(origin) {
            return Err(invalid_origin());
        }
        // The user's standing answer, given before anything is read, held, logged or saved.
        if self.held.is_blocked(origin, env.now_ms) {
            return Err(site_blocked());
        }
        let method = req.method.clone();
        let params = req.params.clone();
        let request = Request::decode(req)?;
        let now = env.now_ms;
        use Request as Q;
        // No wildcard: a new method does not compile until it has a rule here.
        match request {
            Q::EthChainId | Q::PreviewRequest(_) | Q::SubmitApprovals(_) | Q::Unsupported(_) => {
                self.dispatch(request, env)
            }
            Q::EthAccounts => Ok(json!(self
                .granted_views(origin, now, Some(Chain::Ethereum))
                .iter()
                .filter_map(|a| a.get("address").cloned())
                .collect::<Vec<_>>())),
            Q::ListAccounts => Ok(Value::Array(self.granted_views(origin, now, None))),
            Q::EthRequestAccounts => self.site_connect(&method, origin, false, env),
            Q::Connect(p) => self.site_connect(&method, origin, p.silent == Some(true), env),
            Q::SwitchEthereumChain(p) => self.site_switch_chain(&method, &p.chain_id, origin, env),
            Q::PersonalSign { .. }
            | Q::SignTypedData { .. }
            | Q::SignTransaction(_)
            | Q::SignAuthorization(_)
            | Q::SolanaSignTransaction(_)
            | Q::SolanaSignAllTransactions(_)
            | Q::SolanaSignMessage(_)
            | Q::SolanaSignIn(_) => {
                let named = named_signer(&request)?;
                signable(&request, self.chain_id)?;
                self.hold_signing(method, params, named, origin, env)
            }
            Q::Status
            | Q::Create(_)
            | Q::Import(_)
            | Q::Unlock(_)
            | Q::Lock
            | Q::ChangePassword(_)
            | Q::AddAccount(_)
            | Q::RenameAccount(_)
            | Q::Export(_)
            | Q::UpdateSettings(_)
            | Q::BackupShares(_)
            | Q::RecoverFromShares(_)
            | Q::CheckPolicy(_)
            | Q::SetPolicy(_)
            | Q::GetPolicy
            | Q::ListApprovals
            | Q::CancelApproval(_)
            | Q::AuditExport
            | Q::AuditVerify(_)
            | Q::ListRequests
            | Q::ApproveRequest(_)
            | Q::RejectRequest(_)
            | Q::ListSites
            | Q::RevokeSite(_)
            | Q::BlockSite(_)
            | Q::UnblockSite(_) => Err(origin_not_allowed()),
        }
    }

    /// The grant of `origin`; `Locked` while locked, `SiteNotConnected` without one.
    fn site_grant(&mut self, origin: &str, now_ms: u64) -> Result<SiteGrant, ApiError> {
        self.keyring(now_ms)?
            .sites
            .iter()
            .find(|s| s.origin == origin)
            .cloned()
            .ok_or_else(site_not_connected)
    }

    /// The granted accounts of `origin` (of `chain`, if given) as `Account` objects, in the
    /// wallet's order; none while locked or when not connected.
    fn granted_views(&mut self, origin: &str, now_ms: u64, chain: Option<Chain>) -> Vec<Value> {
        let Ok(keyring) = self.keyring(now_ms) else {
            return Vec::new();
        };
        let Some(grant) = keyring.sites.iter().find(|s| s.origin == origin) else {
            return Vec::new();
        };
        let accounts: Vec<Account> = granted(keyring, grant)
            .filter(|a| chain.is_none_or(|c| a.chain == c))
            .cloned()
            .collect();
        account_views(&accounts)
    }

    /// The addresses a preview may name for `origin` on `chain`: every account for the
    /// wallet's own UI, the granted ones for a site, none while locked.
    pub(crate) fn visible_addresses(
        &mut self,
        origin: Option<&str>,
        chain: Chain,
        now_ms: u64,
    ) -> Vec<String> {
        let Ok(keyring) = self.keyring(now_ms) else {
            return Vec::new();
        };
        let of_chain = |a: &&Account| a.chain == chain;
        match origin {
            None => keyring
                .accounts
                .iter()
                .filter(of_chain)
                .map(|a| a.address.clone())
                .collect(),
            Some(o) => match keyring.sites.iter().find(|s| s.origin == o) {
                Some(grant) => granted(keyring, grant)
                    .filter(of_chain)
                    .map(|a| a.address.clone())
                    .collect(),
                None => Vec::new(),
            },
        }
    }

    /// `eth_requestAccounts` / `wallet_connect` from a site: answered if connected, else held.
    fn site_connect<R: CryptoRngCore>(
        &mut self,
        method: &str,
        origin: &str,
        silent: bool,
        env: &mut Env<'_, R>,
    ) -> Result<Value, ApiError> {
        let now = env.now_ms;
        match self.site_grant(origin, now) {
            Ok(_) => {
                let views = self.granted_views(origin, now, None);
                Ok(connect_result(method, views))
            }
            Err(e) if silent => Err(e),
            // Locked, no vault yet, or not connected: the user answers in the wallet.
            Err(_) => {
                // The shape the method takes, so the listing reads like the site's request.
                let params = if method == "wallet_connect" {
                    json!({})
                } else {
                    json!([])
                };
                self.hold_for_user(
                    origin,
                    ConsentKind::Connect,
                    method.to_owned(),
                    params,
                    Value::Null,
                    None,
                    None,
                    env,
                )
            }
        }
    }

    /// `wallet_switchEthereumChain` from a site: the chain is the wallet's, shared by every site
    /// and the wallet's own tools, so changing it is the user's decision. The chain already
    /// active answers at once, as in MetaMask.
    fn site_switch_chain<R: CryptoRngCore>(
        &mut self,
        method: &str,
        chain_id: &str,
        origin: &str,
        env: &mut Env<'_, R>,
    ) -> Result<Value, ApiError> {
        self.site_grant(origin, env.now_ms)?;
        let to = super::accounts::parse_chain_id(chain_id)?;
        let from = self.chain_id;
        if to == from {
            return Ok(Value::Null);
        }
        // The held params are the canonical spelling of what is executed, nothing else the
        // site put in the object.
        let params = json!([{ "chainId": format!("0x{to:x}") }]);
        self.hold_for_user(
            origin,
            ConsentKind::SwitchChain,
            method.to_owned(),
            params,
            switch_preview(from, to),
            None,
            Some(to),
            env,
        )
    }

    /// A signing request from a connected site: checked as far as it can be without the
    /// user, then held with the core's own preview.
    fn hold_signing<R: CryptoRngCore>(
        &mut self,
        method: String,
        params: Value,
        named: (Chain, Option<String>),
        origin: &str,
        env: &mut Env<'_, R>,
    ) -> Result<Value, ApiError> {
        let now = env.now_ms;
        let grant = self.site_grant(origin, now)?;
        let (chain, named) = named;
        let keyring = self.keyring(now)?;
        let signer = match named {
            Some(address) => granted(keyring, &grant)
                .find(|a| a.chain == chain && same_address(chain, &a.address, &address))
                .map(|a| a.address.clone())
                .ok_or_else(unknown_account)?,
            None => granted(keyring, &grant)
                .find(|a| a.chain == chain)
                .map(|a| a.address.clone())
                .ok_or_else(unknown_account)?,
        };
        // The held request names its signer, so the preview, the user's answer and the
        // signature all mean the same account.
        let params = with_signer(&method, params, &signer)?;
        let preview = self.preview_request(
            PreviewParams {
                request: PreviewTarget {
                    method: method.clone(),
                    params: params.clone(),
                },
                hints: None,
            },
            Some(origin),
            now,
        )?;
        self.hold_for_user(
            origin,
            ConsentKind::Sign,
            method,
            params,
            preview,
            Some((chain, signer)),
            None,
            env,
        )
    }

    /// Stores a held request and answers the site with `ConsentRequired`.
    #[allow(clippy::too_many_arguments)]
    fn hold_for_user<R: CryptoRngCore>(
        &mut self,
        origin: &str,
        kind: ConsentKind,
        method: String,
        params: Value,
        preview: Value,
        signer: Option<(Chain, String)>,
        switch_to: Option<u64>,
        env: &mut Env<'_, R>,
    ) -> Result<Value, ApiError> {
        let now = env.now_ms;
        self.held.prune(now);
        let mine = self.held.list.iter().filter(|h| h.origin == origin).count();
        if mine >= MAX_HELD_PER_ORIGIN || self.held.list.len() >= MAX_HELD {
            return Err(ApiError::new(
                UNAUTHORIZED,
                "TooManyRequests",
                "too many requests are waiting for the user; try again after answering them",
            ));
        }
        let id = hex::encode(SecretBytes::<16>::random(env.rng).expose_secret());
        self.held.list.push(Held {
            id: id.clone(),
            origin: origin.to_owned(),
            kind,
            method,
            params,
            preview,
            created_at: now,
            expires_at: now.saturating_add(HELD_TTL_MS),
            signer,
            evm_chain_id: self.chain_id,
            switch_to,
        });
        Err(ApiError::with_details(
            UNAUTHORIZED,
            "ConsentRequired",
            "the wallet is asking the user to approve this request",
            json!({ "requestId": id, "consentKind": kind.name() }),
        ))
    }

    /// `wallet_connect` without an origin: the wallet's own UI sees every account.
    pub(crate) fn owner_connect(&mut self, now_ms: u64) -> Result<Value, ApiError> {
        let keyring = self.keyring(now_ms)?;
        Ok(json!({ "accounts": account_views(&keyring.accounts) }))
    }

    /// `wallet_listRequests`.
    pub(crate) fn list_requests<R: CryptoRngCore>(
        &mut self,
        env: &Env<'_, R>,
    ) -> Result<Value, ApiError> {
        only_owner(env)?;
        let now = env.now_ms;
        self.held.prune(now);
        let held = &self.held;
        Ok(Value::Array(
            held.list
                .iter()
                .map(|h| h.view(held.recent_rejects(&h.origin, now)))
                .collect(),
        ))
    }

    /// `wallet_rejectRequest`: the host answers the site with 4001.
    pub(crate) fn reject_request<R: CryptoRngCore>(
        &mut self,
        p: RejectRequestParams,
        env: &Env<'_, R>,
    ) -> Result<Value, ApiError> {
        only_owner(env)?;
        let index = self.live_request(&p.request_id, env.now_ms)?;
        let held = self.held.list.remove(index);
        self.held.note_reject(&held.origin, env.now_ms);
        Ok(Value::Null)
    }

    /// `wallet_approveRequest`: grants a connect, or carries out a signing request through
    /// its ordinary method (and so the policy gate), with the site's origin.
    pub(crate) fn approve_request<R: CryptoRngCore>(
        &mut self,
        p: ApproveRequestParams,
        env: &mut Env<'_, R>,
    ) -> Result<Value, ApiError> {
        only_owner(env)?;
        let now = env.now_ms;
        let index = self.live_request(&p.request_id, now)?;
        // Locked: the request stays held for after the unlock.
        self.keyring(now)?;
        let Some(held) = self.held.list.get(index) else {
            return Err(request_unknown());
        };
        match held.kind {
            ConsentKind::Connect => {
                let chosen = self.chosen_accounts(p.accounts.as_deref(), now)?;
                let held = self.held.list.remove(index);
                self.grant(&held, chosen, env)
            }
            ConsentKind::Sign => {
                if p.accounts.is_some() {
                    return Err(ApiError::invalid_params(
                        "`accounts` is only for connect requests",
                    ));
                }
                if held.method.starts_with("solana_") || held.evm_chain_id == self.chain_id {
                    let held = self.held.list.remove(index);
                    self.sign_held(held, env)
                } else {
                    Err(ApiError::invalid_params(format!(
                        "this request was made while the wallet was on chain {}; switch back to it before approving",
                        held.evm_chain_id
                    )))
                }
            }
            ConsentKind::SwitchChain => {
                if p.accounts.is_some() {
                    return Err(ApiError::invalid_params(
                        "`accounts` is only for connect requests",
                    ));
                }
                let held = self.held.list.remove(index);
                self.site_grant(&held.origin, now)?;
                let to = held.switch_to.ok_or_else(request_unknown)?;
                // The user chose the chain, whatever it is now: switching to it is their answer.
                self.switch_chain(&format!("0x{to:x}"), env)
            }
        }
    }

    /// The index of a held request that has not expired; an expired one is dropped.
    fn live_request(&mut self, id: &str, now_ms: u64) -> Result<usize, ApiError> {
        let index = self.held.position(id).ok_or_else(request_unknown)?;
        match self.held.list.get(index) {
            Some(h) if h.expires_at > now_ms => Ok(index),
            Some(_) => {
                self.held.list.remove(index);
                Err(ApiError::new(
                    UNAUTHORIZED,
                    "RequestExpired",
                    "this request waited too long and has expired; the site must ask again",
                ))
            }
            None => Err(request_unknown()),
        }
    }

    /// The accounts a connect grants: those named (each must be the wallet's), else all.
    fn chosen_accounts(
        &mut self,
        named: Option<&[String]>,
        now_ms: u64,
    ) -> Result<Vec<String>, ApiError> {
        let keyring = self.keyring(now_ms)?;
        let Some(named) = named else {
            return Ok(keyring.accounts.iter().map(|a| a.address.clone()).collect());
        };
        if named.is_empty() {
            return Err(ApiError::invalid_params(
                "`accounts` must name at least one account",
            ));
        }
        let mut chosen: Vec<String> = Vec::with_capacity(named.len());
        for address in named {
            let account = keyring
                .accounts
                .iter()
                .find(|a| same_address(a.chain, &a.address, address))
                .ok_or_else(unknown_account)?;
            if !chosen.contains(&account.address) {
                chosen.push(account.address.clone());
            }
        }
        Ok(chosen)
    }

    /// Records the grant (replacing an earlier one of the same origin) and answers the
    /// site's connect request.
    fn grant<R: CryptoRngCore>(
        &mut self,
        held: &Held,
        accounts: Vec<String>,
        env: &mut Env<'_, R>,
    ) -> Result<Value, ApiError> {
        let now = env.now_ms;
        let details = json!({ "origin": held.origin, "accounts": accounts });
        let grant = SiteGrant {
            origin: held.origin.clone(),
            connected_at: now,
            accounts,
        };
        self.update_audited(env, |k, audit| {
            let full = k.sites.len() >= MAX_SITES;
            match k.sites.iter_mut().find(|s| s.origin == grant.origin) {
                Some(existing) => *existing = grant,
                None if full => {
                    return Err(ApiError::invalid_params(format!(
                        "a wallet remembers at most {MAX_SITES} sites; revoke some first"
                    )))
                }
                None => k.sites.push(grant),
            }
            audit.append(k, now, "site.connected", details)
        })?;
        let views = self.granted_views(&held.origin, now, None);
        Ok(connect_result(&held.method, views))
    }

    /// Carries out an approved signing request as the site sent it.
    fn sign_held<R: CryptoRngCore>(
        &mut self,
        held: Held,
        env: &mut Env<'_, R>,
    ) -> Result<Value, ApiError> {
        let now = env.now_ms;
        let grant = self.site_grant(&held.origin, now)?;
        let keyring = self.keyring(now)?;
        let still_granted = held.signer.as_ref().is_some_and(|(chain, address)| {
            granted(keyring, &grant).any(|a| a.chain == *chain && a.address == *address)
        });
        if !still_granted {
            return Err(unknown_account());
        }
        let request = Request::decode(RpcRequest {
            id: None,
            jsonrpc: None,
            method: held.method,
            params: held.params,
        })?;
        let mut as_site = Env {
            rng: &mut *env.rng,
            now_ms: now,
            origin: Some(held.origin.as_str()),
        };
        self.dispatch(request, &mut as_site)
    }

    /// `wallet_listSites`: the connected sites, then the blocked sites that are not connected;
    /// a blocked entry carries `blocked`.
    pub(crate) fn list_sites<R: CryptoRngCore>(
        &mut self,
        env: &Env<'_, R>,
    ) -> Result<Value, ApiError> {
        only_owner(env)?;
        let now = env.now_ms;
        let keyring = self.keyring(now)?;
        let block_of = |origin: &str| {
            keyring
                .blocked_sites
                .iter()
                .find(|b| b.origin == origin && block_active(b, now))
        };
        let mut out: Vec<Value> = keyring
            .sites
            .iter()
            .map(|s| {
                let mut entry = json!({
                    "origin": s.origin,
                    "connectedAt": s.connected_at,
                    "accounts": granted(keyring, s).map(|a| a.address.as_str()).collect::<Vec<_>>(),
                });
                if let (Some(block), Some(map)) = (block_of(&s.origin), entry.as_object_mut()) {
                    map.insert("blocked".to_owned(), block_view(block));
                }
                entry
            })
            .collect();
        out.extend(
            keyring
                .blocked_sites
                .iter()
                .filter(|b| block_active(b, now))
                .filter(|b| !keyring.sites.iter().any(|s| s.origin == b.origin))
                .map(|b| {
                    json!({
                        "origin": b.origin,
                        "connectedAt": null,
                        "accounts": [],
                        "blocked": block_view(b),
                    })
                }),
        );
        Ok(Value::Array(out))
    }

    /// `wallet_blockSite`: refuses the origin's requests from now on without asking the user,
    /// and drops what it has waiting. A block of a blocked origin sets its new end.
    pub(crate) fn block_site<R: CryptoRngCore>(
        &mut self,
        p: BlockSiteParams,
        env: &mut Env<'_, R>,
    ) -> Result<Value, ApiError> {
        only_owner_about(env, &p.origin)?;
        let now = env.now_ms;
        let until = match p.minutes {
            None => None,
            Some(m) if (1..=MAX_BLOCK_MINUTES).contains(&m) => {
                Some(now.saturating_add(u64::from(m).saturating_mul(60_000)))
            }
            Some(_) => {
                return Err(ApiError::invalid_params(format!(
                    "`minutes` must be between 1 and {MAX_BLOCK_MINUTES}, or left out for a block without an end"
                )))
            }
        };
        let keyring = self.keyring(now)?;
        let unchanged = until.is_none()
            && keyring
                .blocked_sites
                .iter()
                .any(|b| b.origin == p.origin && b.until.is_none());
        if !unchanged {
            let details = json!({ "origin": p.origin, "until": until });
            let origin = p.origin.clone();
            self.update_audited(env, |k, audit| {
                k.blocked_sites.retain(|b| block_active(b, now));
                let full = k.blocked_sites.len() >= MAX_BLOCKED;
                match k.blocked_sites.iter_mut().find(|b| b.origin == origin) {
                    Some(existing) => {
                        existing.blocked_at = now;
                        existing.until = until;
                    }
                    None if full => {
                        return Err(ApiError::invalid_params(format!(
                            "a wallet blocks at most {MAX_BLOCKED} sites; unblock some first"
                        )))
                    }
                    None => k.blocked_sites.push(SiteBlock {
                        origin,
                        blocked_at: now,
                        until,
                    }),
                }
                audit.append(k, now, "site.blocked", details)
            })?;
            self.reread_blocks(now);
        }
        self.held.drop_origin(&p.origin);
        self.emit("siteBlocked", json!({ "origin": p.origin }));
        Ok(Value::Null)
    }

    /// `wallet_unblockSite`: the origin's requests are answered by the rules again.
    pub(crate) fn unblock_site<R: CryptoRngCore>(
        &mut self,
        p: RevokeSiteParams,
        env: &mut Env<'_, R>,
    ) -> Result<Value, ApiError> {
        only_owner_about(env, &p.origin)?;
        let now = env.now_ms;
        let blocked = self
            .keyring(now)?
            .blocked_sites
            .iter()
            .any(|b| b.origin == p.origin && block_active(b, now));
        if !blocked {
            return Ok(Value::Null);
        }
        let details = json!({ "origin": p.origin });
        self.update_audited(env, |k, audit| {
            k.blocked_sites
                .retain(|b| b.origin != p.origin && block_active(b, now));
            audit.append(k, now, "site.unblocked", details)
        })?;
        self.reread_blocks(now);
        self.emit("siteUnblocked", json!({ "origin": p.origin }));
        Ok(Value::Null)
    }

    /// `wallet_revokeSite`: drops the grant and the site's held requests.
    pub(crate) fn revoke_site<R: CryptoRngCore>(
        &mut self,
        p: RevokeSiteParams,
        env: &mut Env<'_, R>,
    ) -> Result<Value, ApiError> {
        only_owner_about(env, &p.origin)?;
        let now = env.now_ms;
        let connected = self
            .keyring(now)?
            .sites
            .iter()
            .any(|s| s.origin == p.origin);
        self.held.list.retain(|h| h.origin != p.origin);
        if !connected {
            return Ok(Value::Null);
        }
        let details = json!({ "origin": p.origin });
        self.update_audited(env, |k, audit| {
            k.sites.retain(|s| s.origin != p.origin);
            audit.append(k, now, "site.revoked", details)
        })?;
        self.emit("siteRevoked", json!({ "origin": p.origin }));
        Ok(Value::Null)
    }
}

/// Whether `block` still stands at `now_ms`.
fn block_active(block: &SiteBlock, now_ms: u64) -> bool {
    block.until.is_none_or(|until| now_ms < until)
}

fn block_view(block: &SiteBlock) -> Value {
    json!({ "blockedAt": block.blocked_at, "until": block.until })
}

/// What the approval screen shows for a chain switch: both chains by name and id.
fn switch_preview(from: u64, to: u64) -> Value {
    let side = |id: u64| {
        json!({
            "id": format!("eip155:{id}"),
            "chainId": id,
            "name": chain::name(id),
            "known": chain::lookup(id).is_some(),
            "testnet": chain::lookup(id).is_some_and(|c| c.testnet),
        })
    };
    let mut warnings = Vec::new();
    if chain::lookup(to).is_none() {
        warnings.push(json!({
            "severity": "warning",
            "code": "unknown_chain",
            "message": format!("The wallet does not know chain {to}: check that it is the network you mean."),
        }));
    }
    json!({
        "summary": format!(
            "Switch the network from {} ({from}) to {} ({to})",
            chain::name(from),
            chain::name(to)
        ),
        "from": side(from),
        "to": side(to),
        "warnings": warnings,
    })
}

/// The accounts of `grant`, in the wallet's order.
fn granted<'k>(keyring: &'k Keyring, grant: &'k SiteGrant) -> impl Iterator<Item = &'k Account> {
    keyring
        .accounts
        .iter()
        .filter(move |a| grant.accounts.contains(&a.address))
}

fn same_address(chain: Chain, ours: &str, given: &str) -> bool {
    match chain {
        Chain::Ethereum => ours.eq_ignore_ascii_case(given),
        Chain::Solana => ours == given,
    }
}

/// The result of a connect, in the shape of the method that asked.
fn connect_result(method: &str, views: Vec<Value>) -> Value {
    if method == "wallet_connect" {
        json!({ "accounts": views })
    } else {
        Value::Array(
            views
                .into_iter()
                .filter(|v| v.get("chain").and_then(Value::as_str) == Some("ethereum"))
                .filter_map(|v| v.get("address").cloned())
                .collect(),
        )
    }
}

/// The chain a signing request signs on and the account it names, if it names one.
fn named_signer(request: &Request) -> Result<(Chain, Option<String>), ApiError> {
    let text = |v: Option<&Value>, what: &str| -> Result<Option<String>, ApiError> {
        match v {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(ApiError::invalid_params(format!(
                "`{what}` must be an address string"
            ))),
        }
    };
    Ok(match request {
        Request::PersonalSign { address, .. } | Request::SignTypedData { address, .. } => {
            (Chain::Ethereum, Some(address.clone()))
        }
        Request::SignTransaction(tx) => (Chain::Ethereum, text(tx.get("from"), "from")?),
        Request::SignAuthorization(a) => (Chain::Ethereum, text(a.get("account"), "account")?),
        Request::SolanaSignTransaction(p) => (Chain::Solana, Some(p.address.clone())),
        Request::SolanaSignAllTransactions(p) => (Chain::Solana, Some(p.address.clone())),
        Request::SolanaSignMessage(p) => (Chain::Solana, Some(p.address.clone())),
        Request::SolanaSignIn(p) => (Chain::Solana, p.address.clone()),
        _ => return Err(ApiError::invalid_params("not a signing method")),
    })
}

/// What Ethereum signing would refuse without needing the key (a wrong chain, a transaction
/// missing its gas): refused before the user is asked. The preview covers Solana's checks.
fn signable(request: &Request, chain_id: u64) -> Result<(), ApiError> {
    use super::signing::eth_error;
    use crate::chains::ethereum::{authorization, transaction, typed_data};
    match request {
        Request::SignTypedData { typed_data, .. } => {
            let parsed = typed_data::TypedDataRequest::from_json(typed_data).map_err(eth_error)?;
            parsed.check_chain(chain_id).map_err(eth_error)?;
            parsed.signing_hash().map_err(eth_error)?;
        }
        Request::SignTransaction(tx) => {
            transaction::TransactionRequest::from_json(tx, chain_id).map_err(eth_error)?;
        }
        Request::SignAuthorization(a) => {
            let mut bare = a.clone();
            if let Some(o) = bare.as_object_mut() {
                o.remove("account");
            }
            authorization::parse_authorization_request(&bare, chain_id).map_err(eth_error)?;
        }
        _ => {}
    }
    Ok(())
}

/// `params` with the signer named where the method lets it default.
fn with_signer(method: &str, params: Value, signer: &str) -> Result<Value, ApiError> {
    let member = match method {
        "eth_signTransaction" => "from",
        "wallet_signAuthorization" => "account",
        "solana_signIn" => "address",
        _ => return Ok(params),
    };
    let (mut object, wrapped) = match params {
        Value::Array(items) => {
            let mut items = items.into_iter();
            match (items.next(), items.next()) {
                (Some(only), None) => (only, true),
                _ => return Err(ApiError::invalid_params("params must hold one object")),
            }
        }
        other => (other, false),
    };
    let map: &mut Map<String, Value> = object
        .as_object_mut()
        .ok_or_else(|| ApiError::invalid_params("params must be an object"))?;
    if map.get(member).is_none_or(Value::is_null) {
        map.insert(member.to_owned(), Value::String(signer.to_owned()));
    }
    // eth_signTransaction takes `[tx]`; the others take the object itself.
    Ok(if wrapped || method == "eth_signTransaction" {
        Value::Array(vec![object])
    } else {
        object
    })
}

/// The methods for the wallet's own UI refuse sites, even when reached another way.
fn only_owner<R: CryptoRngCore>(env: &Env<'_, R>) -> Result<(), ApiError> {
    match env.origin {
        None => Ok(()),
        Some(_) => Err(origin_not_allowed()),
    }
}

/// The owner acting on a site (revoke, block, unblock): the wallet's own UI, naming a web origin.
fn only_owner_about<R: CryptoRngCore>(env: &Env<'_, R>, origin: &str) -> Result<(), ApiError> {
    only_owner(env)?;
    if crate::origin::is_web_origin(origin) {
        Ok(())
    } else {
        Err(invalid_origin())
    }
}

pub(crate) fn origin_not_allowed() -> ApiError {
    ApiError::new(
        UNAUTHORIZED,
        "OriginNotAllowed",
        "this method is only available to the wallet itself, not to sites",
    )
}

/// 4001 `SiteBlocked`: the user's rejection, given once for every request of the site.
fn site_blocked() -> ApiError {
    ApiError::new(
        super::error::USER_REJECTED,
        "SiteBlocked",
        "the user blocked this site; its requests are refused without asking",
    )
}

fn site_not_connected() -> ApiError {
    ApiError::new(
        UNAUTHORIZED,
        "SiteNotConnected",
        "this site is not connected to the wallet: ask to connect first (eth_requestAccounts or wallet_connect)",
    )
}

fn unknown_account() -> ApiError {
    ApiError::new(
        UNAUTHORIZED,
        "UnknownAccount",
        "this wallet has no such account, or this site was not given it",
    )
}

fn request_unknown() -> ApiError {
    ApiError::new(
        UNAUTHORIZED,
        "RequestUnknown",
        "there is no such request waiting (it was answered, revoked or dropped on lock)",
    )
}

/// -32602 `InvalidOrigin`: the origin is not a serialized web origin (`docs/sites.md` §Origins).
pub fn invalid_origin() -> ApiError {
    ApiError::new(
        INVALID_PARAMS,
        "InvalidOrigin",
        "the origin must be a web origin, scheme://host[:port], lowercase, at most 256 bytes",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn signer_is_named_where_it_may_default() {
        let tx = with_signer("eth_signTransaction", json!([{"to": "0x00"}]), "0xabc").unwrap();
        assert_eq!(tx, json!([{"to": "0x00", "from": "0xabc"}]));
        let auth = with_signer("wallet_signAuthorization", json!({"nonce": "0x0"}), "0xabc");
        assert_eq!(auth.unwrap(), json!({"nonce": "0x0", "account": "0xabc"}));
        let wrapped = with_signer("solana_signIn", json!([{"input": {}}]), "So1");
        assert_eq!(wrapped.unwrap(), json!([{"input": {}, "address": "So1"}]));
        let kept = with_signer("solana_signIn", json!({"address": "Other"}), "So1");
        assert_eq!(kept.unwrap(), json!({"address": "Other"}));
        let untouched = with_signer("personal_sign", json!(["0x00", "0xabc"]), "0xdef");
        assert_eq!(untouched.unwrap(), json!(["0x00", "0xabc"]));
        assert!(with_signer("eth_signTransaction", json!([1, 2]), "0xabc").is_err());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn connect_results_take_the_method_shape() {
        let views = vec![
            json!({"chain": "ethereum", "address": "0xA"}),
            json!({"chain": "solana", "address": "So1"}),
        ];
        assert_eq!(
            connect_result("eth_requestAccounts", views.clone()),
            json!(["0xA"])
        );
        assert_eq!(
            connect_result("wallet_connect", views.clone()),
            json!({ "accounts": views })
        );
    }
}
