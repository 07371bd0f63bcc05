//! Approvers: `custodian approve` and `custodian approver-key`. An approver key file is a
//! Custodian vault whose first Solana account is the Ed25519 approver key (docs/cli.md
//! "Approver keys"); the digest is the core's `policy::approval_digest` and the signature the
//! core's `solana_signMessage`.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use base64::Engine;
use custodian_core::api::ApiError;
use custodian_core::chains::solana::Address;
use serde_json::{json, Map, Value};

use crate::cli::{ApproveArgs, ApproverKeyArgs, ApproverKeyCommand};
use crate::commands::{kdf_param, new_vault_session, take};
use crate::error::CliError;
use crate::output::{note, print, print_json, wipe};
use crate::password;
use crate::request_file::{self, describe, normalize_digest, utc};
use crate::session::{now_ms, Session};

/// `custodian approve`: shows the held request, asks, and signs its digest with the approver
/// key (a Custodian vault whose Solana account is the Ed25519 key) through `solana_signMessage`.
pub fn approve(a: ApproveArgs, json: bool) -> Result<(), CliError> {
    let (data, digest) = request_file::read_request(&a.request)?;
    let now = now_ms();
    note(&describe(&data, now));
    // `wallet` is covered by the digest, so a match binds the approval to that vault.
    if let Some(expected) = &a.vault_key {
        let wallet = data.get("wallet").and_then(Value::as_str).unwrap_or("");
        if normalize_digest(expected) != wallet.to_ascii_lowercase() {
            return Err(CliError::BadInput(format!(
                "this request comes from vault {wallet}, not from the vault given by --vault-key; \
                 nothing was signed"
            )));
        }
    }
    let expires = data.get("expiresAt").and_then(Value::as_u64).unwrap_or(0);
    if now >= expires {
        return Err(CliError::Request(ApiError::new(
            custodian_core::api::error::UNAUTHORIZED,
            "ApprovalExpired",
            format!(
                "this request expired at {}; nothing was signed",
                utc(expires)
            ),
        )));
    }
    if !a.yes {
        confirm("Approve this request? Type yes to sign: ")?;
    }
    let mut key = unlocked_key(&a.key, a.password_file.as_deref())?;
    let address = match a.address {
        Some(address) => address,
        None => first_solana_account(&mut key)?,
    };
    let signed = key.call(
        "solana_signMessage",
        json!({
            "address": address,
            "message": base64::engine::general_purpose::STANDARD.encode(digest),
        }),
    )?;
    let signature = signed
        .get("signature")
        .and_then(Value::as_str)
        .and_then(|s| base64::engine::general_purpose::STANDARD.decode(s).ok())
        .ok_or_else(|| CliError::BadInput("the key file returned no signature".into()))?;
    let approval = json!({
        "approvalDigest": hex::encode(digest),
        "publicKey": public_key_hex(&address)?,
        "signature": hex::encode(signature),
    });
    match &a.out {
        Some(out) => {
            request_file::write_json(out, &approval)?;
            if json {
                print_json(&approval)
            } else {
                print(&format!("Wrote the approval to {}.\n", out.display()))
            }
        }
        None => print_json(&approval),
    }
}

/// `custodian approver-key ...`.
pub fn approver_key(a: ApproverKeyArgs, json: bool) -> Result<(), CliError> {
    match a.what {
        ApproverKeyCommand::New {
            out,
            password_file,
            kdf,
        } => {
            let mut s = new_vault_session(&out)?;
            let mut pw = password::read_new(password_file.as_deref(), "New key file password: ")?;
            let mut params = Map::new();
            params.insert("password".into(), take(&mut pw));
            if let Some(kdf) = kdf_param(&kdf) {
                params.insert("kdf".into(), kdf);
            }
            let mut result = s.call("wallet_create", Value::Object(params))?;
            let address = result
                .get("accounts")
                .and_then(Value::as_array)
                .and_then(|list| {
                    list.iter()
                        .find(|a| a.get("chain").and_then(Value::as_str) == Some("solana"))
                })
                .and_then(|a| a.get("address"))
                .and_then(Value::as_str)
                .map(str::to_owned);
            // The recovery phrase of the key file is not printed here; it can be exported
            // from the key file like any vault's.
            wipe(&mut result);
            let address = address.ok_or_else(|| {
                CliError::BadInput("the new key file has no Solana account".into())
            })?;
            show_key(&out, &address, json, true)
        }
        ApproverKeyCommand::Show { key, password_file } => {
            let mut s = unlocked_key(&key, password_file.as_deref())?;
            let address = first_solana_account(&mut s)?;
            show_key(&key, &address, json, false)
        }
    }
}

/// Asks on the terminal; only "y" or "yes" goes on.
fn confirm(question: &str) -> Result<(), CliError> {
    // The controlling terminal, not stdin: a request piped in must not answer for the person.
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .map_err(CliError::NoTerminalToConfirm)?;
    let mut writer = &tty;
    writer
        .write_all(question.as_bytes())
        .and_then(|()| writer.flush())
        .map_err(CliError::NoTerminalToConfirm)?;
    let mut answer = String::new();
    BufReader::new(&tty)
        .read_line(&mut answer)
        .map_err(CliError::NoTerminalToConfirm)?;
    if accepted(&answer) {
        Ok(())
    } else {
        Err(CliError::Declined)
    }
}

/// Only an explicit yes approves; an empty line, "no" or anything else declines.
fn accepted(answer: &str) -> bool {
    matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

/// An approver key file, unlocked.
fn unlocked_key(path: &Path, password_file: Option<&Path>) -> Result<Session, CliError> {
    let mut s = Session::open_existing(path, true).map_err(|e| match e {
        CliError::NoVault(p) => CliError::BadInput(format!(
            "there is no approver key file at {}: create one with `custodian approver-key new`",
            p.display()
        )),
        other => other,
    })?;
    let mut pw = password::read(password_file, "Approver key password: ")?;
    s.call("wallet_unlock", json!({ "password": take(&mut pw) }))?;
    Ok(s)
}

fn first_solana_account(s: &mut Session) -> Result<String, CliError> {
    let accounts = s.call("wallet_listAccounts", Value::Null)?;
    accounts
        .as_array()
        .and_then(|l| {
            l.iter()
                .find(|a| a.get("chain").and_then(Value::as_str) == Some("solana"))
        })
        .and_then(|a| a.get("address"))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| {
            CliError::BadInput(
                "the key file has no Solana account, so no Ed25519 key to approve with".into(),
            )
        })
}

/// A Solana address is the Ed25519 public key itself; policies show it as hex.
fn public_key_hex(address: &str) -> Result<String, CliError> {
    Address::parse(address)
        .map(|a| hex::encode(a.to_bytes()))
        .map_err(|e| CliError::BadInput(format!("{address} is not a Solana address: {e}")))
}

fn show_key(file: &Path, address: &str, json: bool, created: bool) -> Result<(), CliError> {
    let public_key = public_key_hex(address)?;
    if json {
        return print_json(&json!({
            "keyFile": file,
            "publicKey": public_key,
            "address": address,
        }));
    }
    if created {
        note(&format!(
            "The key file is a Custodian vault (docs/vault-format.md). Back it up like one: \
             `custodian export mnemonic --vault {}`.",
            file.display()
        ));
    }
    print(&format!(
        "{}{}\npublicKey: {public_key}\naddress:   {address} (the same key, base58)\n\
         Put the publicKey in the policy's approvers.\n",
        if created {
            "Created approver key file "
        } else {
            "Approver key file "
        },
        file.display(),
    ))
}

#[cfg(test)]
mod tests {
    use super::accepted;

    #[test]
    fn only_yes_approves() {
        for yes in ["y\n", "YES\n", " yes "] {
            assert!(accepted(yes), "{yes:?}");
        }
        for no in ["", "\n", "n\n", "no", "yess", "ok", "y es"] {
            assert!(!accepted(no), "{no:?}");
        }
    }
}
