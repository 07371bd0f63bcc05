//! The custody controls at the protocol boundary: the policy gate every signing and exporting
//! method goes through ([`Wallet::guarded`]), the policy and approval methods, and the audit
//! log (`docs/policy.md`, `docs/audit-log.md`).

use rand_core::CryptoRngCore;
use serde_json::{json, Map, Value};

use super::audit_trail::audit_corrupt;
use super::envelope::RpcRequest;
use super::error::{ApiError, INTERNAL_ERROR, INVALID_PARAMS, UNAUTHORIZED, USER_REJECTED};
use super::keys::find_account;
use super::request::{
    AuditVerifyParams, CancelApprovalParams, PolicyParams, PreviewParams, PreviewTarget, Request,
    SubmitApprovalsParams,
};
use super::wallet::{Env, Wallet};
use crate::audit;
use crate::policy::approval::{self, preimage, APPROVAL_LABEL};
use crate::policy::canonical::domain_hash;
use crate::policy::{
    authorize, ApprovalError, ApprovalSignature, Authorized, Gate, Pending, Policy, PolicyError,
    PolicyState, Subject, Unreadable, SIGNING_METHODS,
};
use crate::secret::{SecretBytes, SecretVec};
use crate::vault::{Chain, Keyring};

/// A signing or exporting request as the gate sees it.
pub(crate) struct Call<'a> {
    /// The protocol method (must be in [`SIGNING_METHODS`]).
    pub method: &'static str,
    /// The params as approvals show them and a replay executes them (no passwords).
    pub params: Value,
    /// The signing account and its chain, if the method has one.
    pub account: Option<(Chain, String)>,
    /// What the request does.
    pub subject: Subject<'a>,
}

impl Wallet {
    /// Runs `sign` only if the policy allows `call` (or a quorum approved it), then records
    /// the spends and the audit entry in the same sealed save as consuming the approval. A
    /// refusal or a hold is logged and returned as an error; nothing is signed.
    pub(crate) fn guarded<R: CryptoRngCore>(
        &mut self,
        call: Call<'_>,
        env: &mut Env<'_, R>,
        sign: impl FnOnce(&mut Self, &Authorized, &mut Env<'_, R>) -> Result<Value, ApiError>,
    ) -> Result<Value, ApiError> {
        let approval = self.approval.take();
        let now = env.now_ms;
        self.ensure_audit_log(env)?;
        let wallet_id = self.audit_wallet_id(env)?;
        let keyring = self.keyring(now)?;
        if let Some((chain, address)) = &call.account {
            find_account(keyring, *chain, address)?;
        }
        let state = read_state(keyring)?;
        let request = json!({
            "method": call.method,
            "params": call.params,
            "account": call.account.as_ref().map(|(_, a)| a.as_str()),
            "origin": env.origin,
            "evmChainId": self.chain_id,
        });
        let gate = authorize(call.method, &request, &call.subject, &state, now, approval)
            .map_err(unreadable)?;
        let area = if matches!(call.method, "wallet_export" | "wallet_backupShares") {
            "export"
        } else {
            "sign"
        };
        let mut details = json!({
            "method": call.method,
            "account": call.account.as_ref().map(|(_, a)| a.as_str()),
            "requestHash": audit::request_hash(&request),
        });
        // Sites reach this point only through the user's approval (docs/sites.md).
        if let Some(origin) = env.origin {
            put(&mut details, "origin", json!(origin));
        }
        match gate {
            Gate::Allowed {
                proof,
                evaluation,
                approval,
            } => {
                let out = sign(self, &proof, env)?;
                put(&mut details, "chain", json!(evaluation.chain));
                put(&mut details, "summary", json!(evaluation.summary));
                let consumed = approval.as_ref().map(|a| a.digest().to_owned());
                let event = match &approval {
                    Some(a) => {
                        put(&mut details, "approvalDigest", json!(a.digest()));
                        put(&mut details, "approvers", json!(a.approvers()));
                        format!("{area}.approved")
                    }
                    None => format!("{area}.allowed"),
                };
                self.update_audited(env, |k, audit| {
                    if state.policy.is_some() || consumed.is_some() {
                        let mut st = read_state(k)?;
                        st.record(&evaluation.spends, now);
                        if let Some(d) = &consumed {
                            st.consume(d);
                        }
                        write_state(k, &st);
                    }
                    audit.append(k, now, &event, details)
                })?;
                Ok(out)
            }
            Gate::Denied { reason, evaluation } => {
                put(&mut details, "chain", json!(evaluation.chain));
                put(&mut details, "summary", json!(evaluation.summary));
                put(&mut details, "reason", json!(reason));
                self.record_event(env, &format!("{area}.denied"), details)?;
                Err(policy_denied(&reason))
            }
            Gate::Held {
                reason,
                quorum,
                evaluation,
            } => {
                put(&mut details, "chain", json!(evaluation.chain));
                put(&mut details, "summary", json!(evaluation.summary));
                // Approvers see what they approve in words: the same preview the wallet shows
                // (none for exports, which sign nothing).
                let preview = self
                    .preview_request(
                        PreviewParams {
                            request: PreviewTarget {
                                method: call.method.to_owned(),
                                params: request.get("params").cloned().unwrap_or(Value::Null),
                            },
                            hints: None,
                        },
                        env.origin,
                        now,
                    )
                    .ok();
                let event = format!("{area}.held");
                let pending = self.hold(
                    env, &state, request, &wallet_id, &reason, quorum, &event, details,
                )?;
                let mut error = approval_required(&pending);
                if let (Some(data), Some(preview)) = (error.data.as_mut(), preview) {
                    data.details.insert("preview".to_owned(), preview);
                }
                Err(error)
            }
        }
    }

    /// Keeps `request` pending (or finds it pending already) and logs the hold.
    #[allow(clippy::too_many_arguments)]
    fn hold<R: CryptoRngCore>(
        &mut self,
        env: &mut Env<'_, R>,
        state: &PolicyState,
        request: Value,
        wallet_id: &str,
        reason: &str,
        quorum: usize,
        event: &str,
        mut details: Value,
    ) -> Result<Pending, ApiError> {
        let now = env.now_ms;
        let policy = state
            .policy
            .as_ref()
            .ok_or_else(|| internal("hold without a policy"))?;
        let policy_hash = policy.hash_hex();
        if let Some(p) = state
            .pending
            .iter()
            .find(|p| p.request == request && p.expires_at > now && p.policy_hash == policy_hash)
        {
            return Ok(p.clone());
        }
        let nonce = hex::encode(SecretBytes::<32>::random(env.rng).expose_secret());
        let expires_at = now.saturating_add(policy.approval_ttl_ms);
        let digest = domain_hash(
            APPROVAL_LABEL,
            &preimage(&request, &nonce, expires_at, &policy_hash, wallet_id),
        );
        let pending = Pending {
            approval_digest: hex::encode(digest),
            quorum,
            reason: reason.to_owned(),
            approvers: policy.approvers.iter().map(|a| a.name.clone()).collect(),
            created_at: now,
            expires_at,
            nonce,
            policy_hash,
            wallet: wallet_id.to_owned(),
            request,
        };
        put(&mut details, "reason", json!(reason));
        put(
            &mut details,
            "approvalDigest",
            json!(pending.approval_digest),
        );
        put(&mut details, "quorum", json!(quorum));
        let stored = pending.clone();
        self.update_audited(env, |k, audit| {
            let mut st = read_state(k)?;
            st.prune(now);
            st.hold(stored);
            write_state(k, &st);
            audit.append(k, now, event, details)
        })?;
        Ok(pending)
    }

    /// Appends one audit entry and seals.
    pub(crate) fn record_event<R: CryptoRngCore>(
        &mut self,
        env: &mut Env<'_, R>,
        event: &str,
        details: Value,
    ) -> Result<(), ApiError> {
        let now = env.now_ms;
        self.update_audited(env, |k, audit| audit.append(k, now, event, details))
    }

    /// The vault's identity in approvals: the audit public key, from the open log.
    fn audit_wallet_id<R: CryptoRngCore>(
        &mut self,
        env: &mut Env<'_, R>,
    ) -> Result<String, ApiError> {
        self.open_audit(env)?;
        self.audit
            .log
            .as_ref()
            .map(|log| hex::encode(log.public_key()))
            .ok_or_else(|| internal("no audit log"))
    }

    /// Vaults made before the audit log existed get their key and first entry here.
    fn ensure_audit_log<R: CryptoRngCore>(&mut self, env: &mut Env<'_, R>) -> Result<(), ApiError> {
        if self.keyring(env.now_ms)?.audit.is_empty() {
            self.record_event(env, "audit.started", json!({}))?;
        }
        Ok(())
    }

    /// `wallet_checkPolicy`.
    pub(crate) fn check_policy(&mut self, p: PolicyParams) -> Result<Value, ApiError> {
        let policy = Policy::from_json(&p.policy).map_err(invalid_policy)?;
        Ok(json!({
            "policyHash": policy.hash_hex(),
            "quorum": policy.quorum,
            "approvers": policy.approvers.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(),
        }))
    }

    /// `wallet_getPolicy`.
    pub(crate) fn get_policy<R: CryptoRngCore>(
        &mut self,
        env: &mut Env<'_, R>,
    ) -> Result<Value, ApiError> {
        only_wallet_ui(env)?;
        let state = read_state(self.keyring(env.now_ms)?)?;
        Ok(match &state.policy {
            Some(p) => json!({ "policy": p.document(), "policyHash": p.hash_hex() }),
            None => json!({ "policy": null, "policyHash": null }),
        })
    }

    /// `wallet_setPolicy`: immediate without a policy or with an owner-managed one; otherwise
    /// held for the current policy's quorum.
    pub(crate) fn set_policy<R: CryptoRngCore>(
        &mut self,
        p: PolicyParams,
        env: &mut Env<'_, R>,
    ) -> Result<Value, ApiError> {
        let approval = self.approval.take();
        only_wallet_ui(env)?;
        let now = env.now_ms;
        let new = match &p.policy {
            Value::Null => None,
            doc => Some(Policy::from_json(doc).map_err(invalid_policy)?),
        };
        self.ensure_audit_log(env)?;
        let wallet_id = self.audit_wallet_id(env)?;
        let keyring = self.keyring(now)?;
        let state = read_state(keyring)?;
        let new_hash = new.as_ref().map(Policy::hash_hex);
        let result = json!({ "policyHash": new_hash });
        let request = json!({
            "method": "wallet_setPolicy",
            "params": { "policy": new.as_ref().map(Policy::document) },
            "account": null,
            "origin": null,
            "evmChainId": self.chain_id,
        });
        let (event, approvers) = match (&state.policy, &approval) {
            (Some(current), _) if Some(current.hash_hex()) == new_hash => return Ok(result),
            (None, _) if new.is_none() => return Ok(result),
            (None, _) => ("policy.set", None),
            (Some(_), Some(a)) if *a.request() == request => (
                changed_event(&new),
                Some((a.digest().to_owned(), a.approvers().to_vec())),
            ),
            (Some(_), Some(_)) => return Err(internal("the approval is for another request")),
            (Some(current), None) if current.quorum == 0 => (changed_event(&new), None),
            (Some(current), None) => {
                let reason = "changing the policy needs the current policy's quorum";
                let details = json!({ "policyHash": new_hash, "reason": reason });
                let quorum = current.quorum;
                let pending = self.hold(
                    env,
                    &state,
                    request,
                    &wallet_id,
                    reason,
                    quorum,
                    "policy.held",
                    details,
                )?;
                return Err(approval_required(&pending));
            }
        };
        let mut details = json!({ "policyHash": new_hash.clone().or_else(|| state.policy.as_ref().map(Policy::hash_hex)) });
        if let Some((digest, names)) = &approvers {
            put(&mut details, "approvalDigest", json!(digest));
            put(&mut details, "approvers", json!(names));
        }
        self.update_audited(env, move |k, audit| {
            let mut st = read_state(k)?;
            if let Some((digest, _)) = &approvers {
                st.consume(digest);
            }
            st.policy = new;
            st.prune(now);
            write_state(k, &st);
            audit.append(k, now, event, details)
        })?;
        Ok(result)
    }

    /// `wallet_listApprovals`.
    pub(crate) fn list_approvals<R: CryptoRngCore>(
        &mut self,
        env: &mut Env<'_, R>,
    ) -> Result<Value, ApiError> {
        only_wallet_ui(env)?;
        let now = env.now_ms;
        let mut state = read_state(self.keyring(now)?)?;
        state.prune(now);
        Ok(Value::Array(
            state.pending.iter().map(pending_data).collect(),
        ))
    }

    /// `wallet_cancelApproval`.
    pub(crate) fn cancel_approval<R: CryptoRngCore>(
        &mut self,
        p: CancelApprovalParams,
        env: &mut Env<'_, R>,
    ) -> Result<Value, ApiError> {
        only_wallet_ui(env)?;
        let now = env.now_ms;
        let digest = normalize_digest(&p.approval_digest);
        let state = read_state(self.keyring(now)?)?;
        if !state.pending.iter().any(|x| x.approval_digest == digest) {
            return Err(approval_error(&ApprovalError::Unknown));
        }
        self.update_audited(env, |k, audit| {
            let mut st = read_state(k)?;
            st.pending.retain(|x| x.approval_digest != digest);
            write_state(k, &st);
            audit.append(
                k,
                now,
                "approval.cancelled",
                json!({ "approvalDigest": digest }),
            )
        })?;
        Ok(Value::Null)
    }

    /// `wallet_submitApprovals`: verifies the approvals, then executes the held request.
    pub(crate) fn submit_approvals<R: CryptoRngCore>(
        &mut self,
        p: SubmitApprovalsParams,
        env: &mut Env<'_, R>,
    ) -> Result<Value, ApiError> {
        let now = env.now_ms;
        self.approval = None;
        let digest = normalize_digest(&p.approval_digest);
        let state = read_state(self.keyring(now)?)?;
        // The origin first: a site may only carry out what it asked for itself. A site's
        // submission for anything else is refused unlogged, so a page cannot grow the audit
        // log (and the sealed vault) with made-up digests.
        if env.origin.is_some() {
            let pending =
                approval::find_pending(&state, &digest, now).map_err(|e| approval_error(&e))?;
            if env.origin != pending.request.get("origin").and_then(Value::as_str) {
                return Err(origin_not_allowed());
            }
        }
        let checked = approval::find_pending(&state, &digest, now).and_then(|pending| {
            let signatures = p
                .signatures
                .iter()
                .enumerate()
                .map(|(i, s)| ApprovalSignature::from_json(s, i))
                .collect::<Result<Vec<_>, _>>()?;
            let policy = state.policy.as_ref().ok_or(ApprovalError::Stale)?;
            approval::verify(policy, pending, &signatures).map(|v| (pending.clone(), v))
        });
        let (pending, verified) = match checked {
            Ok(ok) => ok,
            Err(e) => {
                // Only well-formed digests are logged, so a caller cannot write junk into the log.
                if is_hex64(&digest) {
                    let details = json!({ "approvalDigest": digest, "reason": e.to_string() });
                    self.record_event(env, "approval.refused", details)?;
                }
                return Err(approval_error(&e));
            }
        };
        let held_origin = pending
            .request
            .get("origin")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let method = pending
            .request
            .get("method")
            .and_then(Value::as_str)
            .ok_or_else(|| internal("a held request has no method"))?
            .to_owned();
        if SIGNING_METHODS.contains(&method.as_str()) {
            let chain = pending.request.get("evmChainId").and_then(Value::as_u64);
            if chain != Some(self.chain_id) {
                return Err(ApiError::invalid_params(format!(
                    "this request was held while the wallet was on chain {}; switch back to it before submitting the approvals",
                    chain.unwrap_or(0)
                )));
            }
        }
        let mut params = pending
            .request
            .get("params")
            .cloned()
            .unwrap_or(Value::Null);
        if method == "wallet_backupShares" {
            let password = p.password.as_ref().ok_or_else(|| {
                ApiError::invalid_params("`password` is required to carry out an approved backup")
            })?;
            if let Value::Object(o) = &mut params {
                // The held params record only whether a SLIP-0039 passphrase was used, never
                // the passphrase itself: it must be given again, and must be given if it was.
                let used = o.remove("passphrase").and_then(|v| v.as_bool()) == Some(true);
                match (used, p.passphrase) {
                    (true, Some(pp)) => {
                        o.insert(
                            "passphrase".into(),
                            Value::String(pp.0.expose_secret().to_owned()),
                        );
                    }
                    (true, None) => {
                        return Err(ApiError::invalid_params(
                            "`passphrase` is required: the held backup used a SLIP-0039 passphrase",
                        ))
                    }
                    (false, _) => {}
                }
                o.insert(
                    "password".into(),
                    Value::String(password.0.expose_secret().to_owned()),
                );
            }
        }
        if method == "wallet_export" {
            let password = p.password.ok_or_else(|| {
                ApiError::invalid_params("`password` is required to carry out an approved export")
            })?;
            if let Value::Object(o) = &mut params {
                o.insert(
                    "password".into(),
                    Value::String(password.0.expose_secret().to_owned()),
                );
                if let Some(k) = p.keystore_password {
                    o.insert(
                        "keystorePassword".into(),
                        Value::String(k.0.expose_secret().to_owned()),
                    );
                }
            }
        }
        let request = Request::decode(RpcRequest {
            id: None,
            jsonrpc: None,
            method,
            params,
        })?;
        self.approval = Some(verified);
        let mut replay = Env {
            rng: &mut *env.rng,
            now_ms: now,
            origin: held_origin.as_deref(),
        };
        let result = self.dispatch(request, &mut replay);
        if self.approval.take().is_some() && result.is_ok() {
            return Err(internal(
                "an approved request did not go through the policy",
            ));
        }
        result
    }

    /// `wallet_auditExport`.
    pub(crate) fn audit_export<R: CryptoRngCore>(
        &mut self,
        env: &mut Env<'_, R>,
    ) -> Result<Value, ApiError> {
        only_wallet_ui(env)?;
        self.ensure_audit_log(env)?;
        self.open_audit(env)?;
        let export = self
            .audit
            .log
            .as_ref()
            .ok_or_else(|| internal("no audit log"))?
            .export(env.now_ms)
            .map_err(audit_corrupt)?;
        Ok(json!({
            "jsonl": export.jsonl,
            "publicKey": export.public_key,
            "entries": export.entries,
        }))
    }

    /// `wallet_auditVerify`: needs no vault.
    pub(crate) fn audit_verify(&mut self, p: AuditVerifyParams) -> Result<Value, ApiError> {
        let key = crate::policy::reader::decode_key_text(&p.public_key).ok_or_else(|| {
            ApiError::invalid_params("`publicKey` must be 64 hex digits or base58 of 32 bytes")
        })?;
        match audit::verify(&p.jsonl, &key) {
            Ok(entries) => Ok(json!({ "entries": entries })),
            Err(e) => Err(ApiError::with_details(
                INVALID_PARAMS,
                "AuditInvalid",
                format!("the audit log does not verify: {e}"),
                json!({ "line": e.line, "reason": e.reason.to_string() }),
            )),
        }
    }
}

fn read_state(k: &Keyring) -> Result<PolicyState, ApiError> {
    PolicyState::from_slot(k.policy.expose_secret()).map_err(|_| {
        ApiError::new(
            INTERNAL_ERROR,
            "Corrupted",
            "the stored policy state is damaged",
        )
    })
}

fn write_state(k: &mut Keyring, state: &PolicyState) {
    k.policy = SecretVec::new(state.to_slot());
}

fn changed_event(new: &Option<Policy>) -> &'static str {
    if new.is_some() {
        "policy.changed"
    } else {
        "policy.removed"
    }
}

fn put(details: &mut Value, key: &str, value: Value) {
    if let Value::Object(o) = details {
        o.insert(key.to_owned(), value);
    }
}

fn normalize_digest(text: &str) -> String {
    text.strip_prefix("0x").unwrap_or(text).to_ascii_lowercase()
}

fn is_hex64(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// What `ApprovalRequired` carries and `wallet_listApprovals` lists.
fn pending_data(p: &Pending) -> Value {
    let mut v = serde_json::to_value(p).unwrap_or(Value::Null);
    if let Value::Object(o) = &mut v {
        o.remove("createdAt");
    }
    v
}

/// Policy management answers the wallet's own UI and the CLI only (`docs/policy.md`).
fn only_wallet_ui<R: CryptoRngCore>(env: &Env<'_, R>) -> Result<(), ApiError> {
    match env.origin {
        None => Ok(()),
        Some(_) => Err(origin_not_allowed()),
    }
}

use super::sites::origin_not_allowed;

fn policy_denied(reason: &str) -> ApiError {
    ApiError::new(
        USER_REJECTED,
        "PolicyDenied",
        format!("refused by the wallet's policy: {reason}"),
    )
}

fn approval_required(p: &Pending) -> ApiError {
    let mut data = match pending_data(p) {
        Value::Object(o) => o,
        _ => Map::new(),
    };
    data.remove("kind");
    ApiError::with_details(
        UNAUTHORIZED,
        "ApprovalRequired",
        format!(
            "this request needs {} approval{}: {}",
            p.quorum,
            if p.quorum == 1 { "" } else { "s" },
            p.reason
        ),
        Value::Object(data),
    )
}

fn approval_error(e: &ApprovalError) -> ApiError {
    let kind = match e {
        ApprovalError::Unknown => "ApprovalUnknown",
        ApprovalError::Used => "ApprovalUsed",
        ApprovalError::Expired => "ApprovalExpired",
        ApprovalError::Stale => "ApprovalStale",
        ApprovalError::Insufficient { .. } => "ApprovalInsufficient",
        _ => "ApprovalInvalid",
    };
    ApiError::new(UNAUTHORIZED, kind, e.to_string())
}

fn invalid_policy(e: PolicyError) -> ApiError {
    ApiError::new(INVALID_PARAMS, "InvalidPolicy", e.to_string())
}

fn unreadable(e: Unreadable) -> ApiError {
    match e {
        Unreadable::Ethereum(e) => super::signing::eth_error(e),
        Unreadable::Solana(e) => super::signing::sol_error(e),
        other => ApiError::new(INTERNAL_ERROR, "Internal", other.to_string()),
    }
}

fn internal(what: &str) -> ApiError {
    ApiError::new(
        INTERNAL_ERROR,
        "Internal",
        format!("internal error: {what}"),
    )
}
