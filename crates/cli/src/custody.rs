//! Enterprise custody on the operator's side: `policy` and `approvals`, and what `sign`,
//! `export` and `backup shares` do when the policy holds a request. The rules, the quorum
//! check and the digests are the core's (`wallet_setPolicy`, `wallet_submitApprovals`, ...);
//! these commands move files and say what happens next.

use std::path::Path;

use custodian_core::api::ApiError;
use serde_json::{json, Map, Value};

use crate::cli::{ApprovalsArgs, ApprovalsCommand, PolicyArgs, PolicyCommand};
use crate::commands::{print_signed, show_secret, take, unlocked, unlocked_keeping_password};
use crate::error::CliError;
use crate::output::{note, print, print_json, secret_output_allowed, wipe};
use crate::password;
use crate::request_file::{self, normalize_digest, read_approval, utc};
use crate::session::{self, Session};

/// `custodian policy ...`.
pub fn policy(a: PolicyArgs, json: bool) -> Result<(), CliError> {
    match a.what {
        PolicyCommand::Show { vault, password } => {
            let mut s = unlocked(&vault.vault, password.password_file.as_deref())?;
            let result = s.call("wallet_getPolicy", json!({}))?;
            if json {
                return print_json(&result);
            }
            match result.get("policy") {
                Some(doc) if !doc.is_null() => print(&format!(
                    "policyHash: {}\n{}\n",
                    text(&result, "policyHash"),
                    pretty(doc)
                )),
                _ => print("No policy is set: the wallet signs whatever its owner asks.\n"),
            }
        }
        PolicyCommand::Check { file } => {
            let doc = request_file::read_json(&file)?;
            let checked = session::stateless("wallet_checkPolicy", json!({ "policy": doc }))
                .map_err(|e| in_file(e, &file))?;
            if json {
                return print_json(&checked);
            }
            print(&format!(
                "{}: a valid policy\npolicyHash: {}\n{}",
                file.display(),
                text(&checked, "policyHash"),
                quorum_lines(&checked)
            ))
        }
        PolicyCommand::Propose {
            vault,
            password,
            file,
            remove: _,
            out,
        } => {
            // `--remove` is the only way to have no FILE (clap enforces it).
            let doc = match &file {
                Some(f) => request_file::read_json(f)?,
                None => Value::Null,
            };
            let mut s = unlocked(&vault.vault, password.password_file.as_deref())?;
            match s.call("wallet_setPolicy", json!({ "policy": doc })) {
                Ok(result) => applied(
                    &result,
                    json,
                    "set at once (no policy needing approval was in force)",
                ),
                Err(CliError::Request(e)) if e.kind() == Some("ApprovalRequired") => {
                    let data = request_data(&e);
                    if let Some(out) = &out {
                        request_file::write_json(out, &data)?;
                    }
                    if json {
                        return print_json(&json!({ "status": "held", "request": data }));
                    }
                    let summary = held_summary(&data, out.as_deref(), &vault.vault);
                    if out.is_some() {
                        print(&summary)
                    } else {
                        note(&summary);
                        print_json(&data)
                    }
                }
                Err(e) => Err(match &file {
                    Some(f) => in_cli_file(e, f),
                    None => e,
                }),
            }
        }
        PolicyCommand::Apply {
            vault,
            password,
            file,
            digest,
            approvals,
        } => {
            // Every file first, then the password.
            let signatures = match &digest {
                Some(d) => read_approvals(&approvals, d)?,
                None => Vec::new(),
            };
            let doc = match &file {
                Some(f) => Some(request_file::read_json(f)?),
                None => None,
            };
            let mut s = unlocked(&vault.vault, password.password_file.as_deref())?;
            if let Some(digest) = digest {
                if let Some(p) = pending(&mut s, &digest)? {
                    let method = text(p.get("request").unwrap_or(&Value::Null), "method");
                    if method != "wallet_setPolicy" {
                        return Err(CliError::Usage(format!(
                            "{} holds a {method} request, not a policy change: use \
                             `custodian approvals submit`",
                            normalize_digest(&digest)
                        )));
                    }
                }
                let result = submit(&mut s, &digest, signatures, Map::new())?;
                return applied(&result, json, "applied with the quorum's approvals");
            }
            // Without a digest: set FILE directly, only where no quorum is needed; otherwise
            // the core would hold the change, which is `propose`'s job.
            let (Some(file), Some(doc)) = (file, doc) else {
                return Err(CliError::Usage("give a policy FILE or --digest".into()));
            };
            let current = s.call("wallet_getPolicy", json!({}))?;
            let quorum = current
                .get("policy")
                .and_then(|p| p.get("quorum"))
                .and_then(Value::as_u64);
            if quorum.is_some_and(|q| q > 0) {
                return Err(CliError::Usage(
                    "a policy with approvers is in force: changing it needs its quorum. Use \
                     `custodian policy propose FILE --out REQUEST`, collect approvals, then \
                     `custodian policy apply --digest D --approvals ...`"
                        .into(),
                ));
            }
            let result = s
                .call("wallet_setPolicy", json!({ "policy": doc }))
                .map_err(|e| in_cli_file(e, &file))?;
            applied(&result, json, "set")
        }
    }
}

/// `custodian approvals ...`.
pub fn approvals(a: ApprovalsArgs, json: bool) -> Result<(), CliError> {
    match a.what {
        ApprovalsCommand::List { vault, password } => {
            let mut s = unlocked(&vault.vault, password.password_file.as_deref())?;
            let list = s.call("wallet_listApprovals", json!({}))?;
            if json {
                return print_json(&list);
            }
            print(&approvals_table(&list))
        }
        ApprovalsCommand::Show {
            vault,
            password,
            digest,
            out,
        } => {
            let mut s = unlocked(&vault.vault, password.password_file.as_deref())?;
            let Some(mut data) = pending(&mut s, &digest)? else {
                return Err(CliError::BadInput(format!(
                    "no request is waiting for approval under {}",
                    normalize_digest(&digest)
                )));
            };
            // The same members as the ApprovalRequired error the request was held with.
            if let Value::Object(o) = &mut data {
                o.insert("kind".into(), json!("ApprovalRequired"));
                let request = o.get("request").cloned().unwrap_or(Value::Null);
                let preview = s.call(
                    "wallet_previewRequest",
                    json!({ "request": { "method": request.get("method"), "params": request.get("params") } }),
                );
                if let Ok(p) = preview {
                    o.insert("preview".into(), p);
                }
            }
            match out {
                Some(out) => {
                    request_file::write_json(&out, &data)?;
                    print(&format!(
                        "Wrote the approval request to {}.\n",
                        out.display()
                    ))
                }
                None => print_json(&data),
            }
        }
        ApprovalsCommand::Submit {
            vault,
            password,
            digest,
            approvals,
            force,
            passphrase_file,
        } => {
            let signatures = read_approvals(&approvals, &digest)?;
            let path = &vault.vault;
            let (mut s, mut pw) =
                unlocked_keeping_password(path, password.password_file.as_deref())?;
            let method = pending(&mut s, &digest)?
                .map(|p| text(p.get("request").unwrap_or(&Value::Null), "method"));
            let secret = matches!(
                method.as_deref(),
                Some("wallet_export" | "wallet_backupShares")
            );
            let mut extra = Map::new();
            if secret {
                // A held export or backup is carried out now: the protocol wants the
                // password again, and the secret it prints follows the stdout rule.
                secret_output_allowed(force, "the exported secret")?;
                extra.insert("password".into(), take(&mut pw));
                if let Some(file) = passphrase_file {
                    let mut p = password::from_file(&file)?;
                    extra.insert("passphrase".into(), take(&mut p));
                }
            }
            let mut result = submit(&mut s, &digest, signatures, extra)?;
            let shown = match method.as_deref() {
                _ if json => print_json(&result),
                Some("wallet_setPolicy") => {
                    applied(&result, false, "applied with the quorum's approvals")
                }
                Some("wallet_backupShares") => crate::backup::show_shares(&result, None),
                Some("wallet_export") => show_secret(&result),
                _ => print_signed(&result),
            };
            wipe(&mut result);
            shown
        }
        ApprovalsCommand::Cancel {
            vault,
            password,
            digest,
        } => {
            let mut s = unlocked(&vault.vault, password.password_file.as_deref())?;
            s.call(
                "wallet_cancelApproval",
                json!({ "approvalDigest": normalize_digest(&digest) }),
            )?;
            if json {
                return print_json(&Value::Null);
            }
            print(&format!("Cancelled {}.\n", normalize_digest(&digest)))
        }
    }
}

/// A held request: writes its approval request to `out` (or stdout), says what approvers do
/// next, and returns the `ApprovalRequired` error (exit code 3).
pub fn held(e: ApiError, out: Option<&Path>, vault: &Path, json: bool) -> Result<(), CliError> {
    let data = request_data(&e);
    match out {
        Some(out) => {
            request_file::write_json(out, &data)?;
            note(&held_summary(&data, Some(out), vault));
        }
        None => {
            if !json {
                note(&held_summary(&data, None, vault));
            }
            print_json(&data)?;
        }
    }
    Err(CliError::Request(e))
}

fn held_summary(data: &Value, out: Option<&Path>, vault: &Path) -> String {
    let digest = text(data, "approvalDigest");
    let quorum = data.get("quorum").and_then(Value::as_u64).unwrap_or(0);
    let names: Vec<&str> = data
        .get("approvers")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let expires = data.get("expiresAt").and_then(Value::as_u64).unwrap_or(0);
    let request = out.map_or("REQUEST.json".to_owned(), |p| p.display().to_string());
    let is_policy = data
        .get("request")
        .and_then(|r| r.get("method"))
        .and_then(Value::as_str)
        == Some("wallet_setPolicy");
    let then = if is_policy {
        format!(
            "custodian policy apply --vault {} --digest {digest} --approvals A1.json A2.json ...",
            vault.display()
        )
    } else {
        format!(
            "custodian approvals submit --vault {} --digest {digest} --approvals A1.json A2.json ...",
            vault.display()
        )
    };
    format!(
        "Held for approval: {quorum} of {} must approve before {}.\n\
         approvalDigest: {digest}\n\
         Reason: {}\n\
         Each approver checks and signs the request{}:\n  \
         custodian approve --key KEYFILE {request} --out APPROVAL.json\n\
         then, with {quorum} approvals:\n  {then}\n",
        names.join(", "),
        utc(expires),
        text(data, "reason"),
        if out.is_some() {
            format!(" in {request}")
        } else {
            " (printed on stdout; save it to a file)".to_owned()
        },
    )
}

/// The `signatures` of `wallet_submitApprovals`, from approval files that must all be for
/// `digest`. Read before the vault password is asked, so a wrong file fails fast.
fn read_approvals(files: &[std::path::PathBuf], digest: &str) -> Result<Vec<Value>, CliError> {
    files.iter().map(|f| read_approval(f, digest)).collect()
}

/// `wallet_submitApprovals` with `signatures` for `digest`.
fn submit(
    s: &mut Session,
    digest: &str,
    signatures: Vec<Value>,
    mut params: Map<String, Value>,
) -> Result<Value, CliError> {
    params.insert("approvalDigest".into(), json!(normalize_digest(digest)));
    params.insert("signatures".into(), Value::Array(signatures));
    s.call("wallet_submitApprovals", Value::Object(params))
}

/// The pending entry for `digest`, if the vault holds one.
fn pending(s: &mut Session, digest: &str) -> Result<Option<Value>, CliError> {
    let wanted = normalize_digest(digest);
    let list = s.call("wallet_listApprovals", json!({}))?;
    Ok(list.as_array().and_then(|l| {
        l.iter()
            .find(|p| p.get("approvalDigest").and_then(Value::as_str) == Some(wanted.as_str()))
            .cloned()
    }))
}

fn applied(result: &Value, json: bool, how: &str) -> Result<(), CliError> {
    if json {
        return print_json(&json!({ "status": "applied", "policyHash": result.get("policyHash") }));
    }
    match result.get("policyHash").and_then(Value::as_str) {
        Some(hash) => print(&format!("Policy {how}.\npolicyHash: {hash}\n")),
        None => print(&format!("Policy removed ({how}).\n")),
    }
}

fn approvals_table(list: &Value) -> String {
    let items = list.as_array().map(Vec::as_slice).unwrap_or_default();
    if items.is_empty() {
        return "No request is waiting for approval.\n".to_owned();
    }
    let mut out = String::new();
    for p in items {
        let request = p.get("request").unwrap_or(&Value::Null);
        out.push_str(&format!(
            "{}  {}  {}  quorum {}  expires {}\n    {}\n",
            text(p, "approvalDigest"),
            text(request, "method"),
            request
                .get("account")
                .and_then(Value::as_str)
                .unwrap_or("-"),
            p.get("quorum").and_then(Value::as_u64).unwrap_or(0),
            utc(p.get("expiresAt").and_then(Value::as_u64).unwrap_or(0)),
            text(p, "reason"),
        ));
    }
    out
}

fn quorum_lines(checked: &Value) -> String {
    let names: Vec<&str> = checked
        .get("approvers")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let quorum = checked.get("quorum").and_then(Value::as_u64).unwrap_or(0);
    if quorum == 0 {
        return "quorum:     0 (owner-managed: the owner may change it at will)\n".to_owned();
    }
    format!(
        "quorum:     {quorum} of {}\napprovers:  {}\n",
        names.len(),
        names.join(", ")
    )
}

/// The `data` of an `ApprovalRequired` error, as one JSON object with its `kind`.
fn request_data(e: &ApiError) -> Value {
    e.data
        .as_ref()
        .and_then(|d| serde_json::to_value(d).ok())
        .unwrap_or(Value::Null)
}

/// Puts the file name in front of a policy validation error.
fn in_file(mut e: CliError, file: &Path) -> CliError {
    if let CliError::Request(api) = &mut e {
        api.message = format!("{}: {}", file.display(), api.message);
    }
    e
}

fn in_cli_file(e: CliError, file: &Path) -> CliError {
    match &e {
        CliError::Request(api) if api.kind() == Some("InvalidPolicy") => in_file(e, file),
        _ => e,
    }
}

fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}
