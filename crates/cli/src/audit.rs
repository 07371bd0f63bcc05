//! `custodian audit export|verify`: the core's `wallet_auditExport` and `wallet_auditVerify`
//! (docs/audit-log.md); verifying needs no vault.

use std::io::Write;

use serde_json::{json, Value};

use crate::cli::{AuditArgs, AuditCommand};
use crate::commands::unlocked;
use crate::error::CliError;
use crate::output::{note, print, print_json};
use crate::session;
use crate::store::create_new_private;

/// Runs an `audit` subcommand.
pub fn run(a: AuditArgs, json: bool) -> Result<(), CliError> {
    match a.what {
        AuditCommand::Export {
            vault,
            password,
            out,
        } => {
            if let Some(out) = &out {
                // An earlier export is evidence (it shows a later rollback): never replace one.
                if out.exists() {
                    return Err(CliError::Usage(format!(
                        "{} exists; audit export writes a new file and never overwrites one",
                        out.display()
                    )));
                }
            }
            let mut s = unlocked(&vault.vault, password.password_file.as_deref())?;
            let result = s.call("wallet_auditExport", json!({}))?;
            let jsonl = result.get("jsonl").and_then(Value::as_str).unwrap_or("");
            let key = result
                .get("publicKey")
                .and_then(Value::as_str)
                .unwrap_or("");
            let entries = result.get("entries").and_then(Value::as_u64).unwrap_or(0);
            match &out {
                Some(out) => {
                    let mut file =
                        create_new_private(out).map_err(CliError::file("create", out))?;
                    file.write_all(jsonl.as_bytes())
                        .and_then(|()| file.sync_all())
                        .map_err(CliError::file("write", out))?;
                    if json {
                        print_json(&json!({ "out": out, "publicKey": key, "entries": entries }))
                    } else {
                        print(&format!(
                            "Wrote {entries} entries and the signed header to {}.\npublicKey: {key}\n",
                            out.display()
                        ))
                    }
                }
                None if json => print_json(&result),
                None => {
                    note(&format!("publicKey: {key} ({entries} entries)"));
                    print(jsonl)
                }
            }
        }
        AuditCommand::Verify { file, public_key } => {
            let bytes = std::fs::read(&file).map_err(CliError::file("read", &file))?;
            let jsonl = String::from_utf8(bytes)
                .map_err(|_| CliError::BadInput(format!("{} is not UTF-8 text", file.display())))?;
            let result = session::stateless(
                "wallet_auditVerify",
                json!({ "jsonl": jsonl, "publicKey": public_key }),
            )
            .map_err(|mut e| {
                if let CliError::Request(api) = &mut e {
                    api.message = format!("{}: {}", file.display(), api.message);
                }
                e
            })?;
            if json {
                return print_json(&result);
            }
            print(&format!(
                "{}: the audit log verifies ({} entries after the signed header, key {}).\n",
                file.display(),
                result.get("entries").and_then(Value::as_u64).unwrap_or(0),
                public_key
            ))
        }
    }
}
