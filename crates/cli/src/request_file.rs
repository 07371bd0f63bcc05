//! The files approvers pass around (docs/cli.md "Approval files"): an approval request (the
//! `data` of the core's `ApprovalRequired` error) and an approval (one approver's signature
//! over its digest). Both are plain JSON: they hold no secret.

use std::path::Path;

use custodian_core::policy::approval_digest;
use serde_json::{json, Value};

use crate::error::CliError;
use crate::session;

/// Reads a JSON file, naming the file and the position of a syntax error.
pub fn read_json(path: &Path) -> Result<Value, CliError> {
    let text = std::fs::read_to_string(path).map_err(CliError::file("read", path))?;
    serde_json::from_str(&text)
        .map_err(|e| CliError::BadInput(format!("{}: not valid JSON: {e}", path.display())))
}

/// Writes `value` as pretty JSON (replacing the file if it exists: the content is public).
pub fn write_json(path: &Path, value: &Value) -> Result<(), CliError> {
    let mut text = serde_json::to_string_pretty(value)
        .map_err(|e| CliError::Output(std::io::Error::other(e)))?;
    text.push('\n');
    std::fs::write(path, text).map_err(CliError::file("write", path))
}

/// A digest as the core writes it: 64 lowercase hex digits, no `0x`.
pub fn normalize_digest(text: &str) -> String {
    text.trim()
        .strip_prefix("0x")
        .unwrap_or(text.trim())
        .to_ascii_lowercase()
}

/// Reads an approval request and checks that its `approvalDigest` is the digest of its
/// contents, recomputed by the core's `approval_digest`: the approver signs what is shown.
pub fn read_request(path: &Path) -> Result<(Value, [u8; 32]), CliError> {
    let data = read_json(path)?;
    let digest = approval_digest(&data).map_err(|e| {
        CliError::BadInput(format!(
            "{} is not an approval request: {e}",
            path.display()
        ))
    })?;
    let stated = data
        .get("approvalDigest")
        .and_then(Value::as_str)
        .map(normalize_digest);
    if stated.as_deref() != Some(hex::encode(digest).as_str()) {
        return Err(CliError::BadInput(format!(
            "{}: approvalDigest does not match the request it comes with (the file was altered); \
             nothing was signed",
            path.display()
        )));
    }
    Ok((data, digest))
}

/// Reads an approval file for `digest` and returns the `{publicKey, signature}` entry that
/// `wallet_submitApprovals` takes.
pub fn read_approval(path: &Path, digest: &str) -> Result<Value, CliError> {
    let approval = read_json(path)?;
    let field = |name: &str| {
        approval
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| {
                CliError::BadInput(format!(
                    "{}: `{name}` is missing; an approval file has approvalDigest, publicKey \
                     and signature",
                    path.display()
                ))
            })
    };
    if normalize_digest(&field("approvalDigest")?) != normalize_digest(digest) {
        return Err(CliError::BadInput(format!(
            "{} approves another request than {}",
            path.display(),
            normalize_digest(digest)
        )));
    }
    Ok(json!({ "publicKey": field("publicKey")?, "signature": field("signature")? }))
}

/// What an approver approves, in words, from the request's own members. Members outside the
/// digest (`reason`, `quorum`, `approvers`, `preview`) come from whoever wrote the file, so the
/// preview is recomputed here and the others are marked as the wallet's statement.
pub fn describe(data: &Value, now_ms: u64) -> String {
    let request = data.get("request").unwrap_or(&Value::Null);
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    let method = text(request, "method").unwrap_or_default();
    let params = request.get("params").cloned().unwrap_or(Value::Null);
    let mut out = String::from("Approval request\n");
    let mut line = |label: &str, value: &str| {
        out.push_str(&format!("  {label:<10}{value}\n"));
    };
    line("vault:", &text(data, "wallet").unwrap_or_default());
    line("method:", &method);
    if let Some(account) = text(request, "account") {
        line("account:", &account);
    }
    line(
        "origin:",
        &text(request, "origin").unwrap_or_else(|| "the wallet's own UI or CLI".to_owned()),
    );
    if let Some(chain) = request.get("evmChainId").and_then(Value::as_u64) {
        line(
            "chain:",
            &format!("EVM chain {chain} (the wallet's active chain)"),
        );
    }
    for (label, value) in what(&method, &params) {
        line(label, &value);
    }
    if let Some(reason) = text(data, "reason") {
        line("held:", &format!("{reason} (as the wallet states)"));
    }
    if let Some(quorum) = data.get("quorum").and_then(Value::as_u64) {
        let names: Vec<&str> = data
            .get("approvers")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        line(
            "quorum:",
            &format!("{quorum} of {} must approve", names.join(", ")),
        );
    }
    if let Some(expires) = data.get("expiresAt").and_then(Value::as_u64) {
        line(
            "expires:",
            &format!("{} ({})", utc(expires), until(expires, now_ms)),
        );
    }
    line("policy:", &text(data, "policyHash").unwrap_or_default());
    line(
        "digest:",
        &format!(
            "{} (recomputed from this request)",
            text(data, "approvalDigest").unwrap_or_default()
        ),
    );
    out.push_str("  params:\n");
    let pretty = serde_json::to_string_pretty(&params).unwrap_or_default();
    for l in pretty.lines() {
        out.push_str(&format!("    {l}\n"));
    }
    out
}

/// The lines that say what the request does: a preview computed by the core here (not the one
/// in the file), or the policy change or export it carries out.
fn what(method: &str, params: &Value) -> Vec<(&'static str, String)> {
    match method {
        "wallet_setPolicy" => match params.get("policy") {
            None | Some(Value::Null) => vec![("what:", "REMOVE the policy".to_owned())],
            Some(doc) => match session::stateless("wallet_checkPolicy", json!({ "policy": doc })) {
                Ok(checked) => {
                    let names: Vec<&str> = checked
                        .get("approvers")
                        .and_then(Value::as_array)
                        .map(|a| a.iter().filter_map(Value::as_str).collect())
                        .unwrap_or_default();
                    vec![(
                        "what:",
                        format!(
                            "REPLACE the policy with {} (quorum {} of {}: {}); the document is \
                             under params below",
                            checked
                                .get("policyHash")
                                .and_then(Value::as_str)
                                .unwrap_or(""),
                            checked.get("quorum").and_then(Value::as_u64).unwrap_or(0),
                            names.len(),
                            names.join(", ")
                        ),
                    )]
                }
                Err(e) => vec![("what:", format!("set an INVALID policy ({e})"))],
            },
        },
        "wallet_export" => vec![(
            "what:",
            format!(
                "EXPORT the {}{}",
                params.get("what").and_then(Value::as_str).unwrap_or("?"),
                params
                    .get("address")
                    .and_then(Value::as_str)
                    .map(|a| format!(" of {a}"))
                    .unwrap_or_default()
            ),
        )],
        "wallet_backupShares" => vec![(
            "what:",
            "write SLIP-0039 backup shares of the recovery phrase (a full export)".to_owned(),
        )],
        _ => {
            let preview = session::stateless(
                "wallet_previewRequest",
                json!({ "request": { "method": method, "params": params } }),
            );
            match preview {
                Ok(p) => {
                    let mut lines = vec![(
                        "what:",
                        p.get("summary")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_owned(),
                    )];
                    for w in p
                        .get("warnings")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                    {
                        let field = |k: &str| w.get(k).and_then(Value::as_str).unwrap_or("");
                        lines.push((
                            "warning:",
                            format!("[{}] {}", field("severity"), field("message")),
                        ));
                    }
                    lines
                }
                Err(e) => vec![("what:", format!("(no preview: {e}); read the params below"))],
            }
        }
    }
}

/// `expires` relative to `now`, in words.
fn until(expires_ms: u64, now_ms: u64) -> String {
    match expires_ms.checked_sub(now_ms) {
        Some(left) if left > 0 => {
            let minutes = left.checked_div(60_000).unwrap_or(0);
            format!("in {} h {} min", minutes / 60, minutes % 60)
        }
        _ => "EXPIRED".to_owned(),
    }
}

/// Unix milliseconds as `YYYY-MM-DD HH:MM:SS UTC` (proleptic Gregorian calendar).
pub fn utc(ms: u64) -> String {
    civil(ms).unwrap_or_else(|| format!("{ms} ms since 1970"))
}

fn civil(ms: u64) -> Option<String> {
    custodian_core::time::format_utc(ms.checked_div(1000)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_dates() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        // `date -u -d @951782400` (a leap day in a year divisible by 400).
        assert_eq!(utc(951_782_400_000), "2000-02-29 00:00:00 UTC");
        assert_eq!(utc(1_700_000_000_000), "2023-11-14 22:13:20 UTC");
        assert_eq!(utc(4_102_444_799_000), "2099-12-31 23:59:59 UTC");
    }

    #[test]
    fn digests_compare_in_any_case() {
        assert_eq!(normalize_digest(" 0xABcd\n"), "abcd");
    }

    #[test]
    fn remaining_time() {
        assert_eq!(until(3_600_000 + 90_000, 0), "in 1 h 1 min");
        assert_eq!(until(5, 5), "EXPIRED");
    }
}
