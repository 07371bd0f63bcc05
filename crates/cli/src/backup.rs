//! `custodian backup shares|recover`: the core's `wallet_backupShares` and
//! `wallet_recoverFromShares` (docs/slip39.md). Shares are secrets: they are printed only to a
//! terminal (or with `--force`) and read from a file or typed without echo.

use serde_json::{json, Map, Value};
use zeroize::Zeroizing;

use crate::cli::{BackupArgs, BackupCommand, GroupSpec};
use crate::commands::{
    kdf_param, new_vault_session, read_secret_text, take, unlocked_keeping_password,
};
use crate::custody;
use crate::error::CliError;
use crate::output::{accounts_table, note, print, print_json, secret_output_allowed, wipe};
use crate::password::{self, Password};
use crate::session::Session;

/// Runs a `backup` subcommand.
pub fn run(a: BackupArgs, json: bool) -> Result<(), CliError> {
    match a.what {
        BackupCommand::Shares {
            vault,
            password,
            group_threshold,
            group,
            passphrase_file,
            ask_passphrase,
            extendable,
            iteration_exponent,
            force,
        } => {
            secret_output_allowed(force, "the backup shares")?;
            let mut params = Map::new();
            params.insert("groupThreshold".into(), json!(group_threshold));
            params.insert(
                "groups".into(),
                json!(group
                    .iter()
                    .map(|g| json!({"threshold": g.threshold, "count": g.count}))
                    .collect::<Vec<_>>()),
            );
            params.insert("extendable".into(), json!(extendable));
            if let Some(e) = iteration_exponent {
                params.insert("iterationExponent".into(), json!(e));
            }
            if passphrase_file.is_some() || ask_passphrase {
                let mut p =
                    password::read_new(passphrase_file.as_deref(), "SLIP-0039 passphrase: ")?;
                params.insert("passphrase".into(), take(&mut p));
            }
            let path = &vault.vault;
            let (mut s, mut pw) =
                unlocked_keeping_password(path, password.password_file.as_deref())?;
            // The protocol asks for the password again, as for an export; the CLI asked once.
            params.insert("password".into(), take(&mut pw));
            let mut result = match s.call("wallet_backupShares", Value::Object(params)) {
                Err(CliError::Request(e)) if e.kind() == Some("ApprovalRequired") => {
                    return custody::held(e, None, path, json);
                }
                other => other?,
            };
            let shown = if json {
                print_json(&result)
            } else {
                show_shares(&result, Some((group_threshold, &group)))
            };
            wipe(&mut result);
            shown
        }
        BackupCommand::Recover {
            vault,
            password_file,
            shares_file,
            passphrase_file,
            ask_passphrase,
            bip39_passphrase_file,
            ask_bip39_passphrase,
            kdf,
            force,
        } => {
            let path = &vault.vault;
            let mut s = if force {
                Session::replacing(path, true)?
            } else {
                new_vault_session(path)?
            };
            let shares = match &shares_file {
                Some(file) => shares_from_text(&read_secret_text(file)?),
                None => shares_from_terminal()?,
            };
            let mut params = Map::new();
            params.insert(
                "shares".into(),
                Value::Array(
                    shares
                        .iter()
                        .map(|s| Value::String(s.to_string()))
                        .collect(),
                ),
            );
            if passphrase_file.is_some() || ask_passphrase {
                let mut p = password::read(passphrase_file.as_deref(), "SLIP-0039 passphrase: ")?;
                params.insert("passphrase".into(), take(&mut p));
            }
            if bip39_passphrase_file.is_some() || ask_bip39_passphrase {
                let mut p =
                    password::read(bip39_passphrase_file.as_deref(), "BIP-39 passphrase: ")?;
                params.insert("bip39Passphrase".into(), take(&mut p));
            }
            if let Some(kdf) = kdf_param(&kdf) {
                params.insert("kdf".into(), kdf);
            }
            let mut pw = password::read_new(password_file.as_deref(), "New vault password: ")?;
            params.insert("password".into(), take(&mut pw));
            let result = s.call("wallet_recoverFromShares", Value::Object(params))?;
            if json {
                return print_json(&result);
            }
            note("Compare these addresses with the ones you expect: shares from another backup, or a wrong passphrase, give a different wallet.");
            print(&format!(
                "Recovered into {}.\n\nAccounts:\n{}",
                path.display(),
                accounts_table(result.get("accounts").unwrap_or(&Value::Null))
            ))
        }
    }
}

/// The shares of a `wallet_backupShares` result, grouped and numbered.
pub fn show_shares(result: &Value, scheme: Option<(u8, &[GroupSpec])>) -> Result<(), CliError> {
    let groups = result
        .get("groups")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mut text = Zeroizing::new(String::new());
    if let Some((threshold, _)) = scheme {
        text.push_str(&format!(
            "SLIP-0039 shares: any {threshold} of these {} groups recover the wallet.\n",
            groups.len()
        ));
    }
    for (g, shares) in groups.iter().enumerate() {
        let spec = scheme.and_then(|(_, specs)| specs.get(g));
        text.push_str(&format!("\nGroup {}", g.saturating_add(1)));
        if let Some(spec) = spec {
            text.push_str(&format!(
                ": any {} of its {} shares",
                spec.threshold, spec.count
            ));
        }
        text.push('\n');
        for (i, share) in shares.as_array().into_iter().flatten().enumerate() {
            text.push_str(&format!(
                "  {}. {}\n",
                i.saturating_add(1),
                share.as_str().unwrap_or("")
            ));
        }
    }
    print(&text)?;
    if result
        .get("bip39PassphraseRequired")
        .and_then(Value::as_bool)
        == Some(true)
    {
        note("This wallet has a BIP-39 passphrase. It is NOT in the shares: keep it too.");
    }
    note("Give each share to its holder; write them on paper and keep them offline.");
    Ok(())
}

/// One share per line, words separated by single spaces; blank lines and `#` lines skipped.
fn shares_from_text(text: &str) -> Vec<Password> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| Zeroizing::new(l.split_whitespace().collect::<Vec<_>>().join(" ")))
        .collect()
}

/// Shares typed on the terminal without echo, one per prompt, until an empty entry.
fn shares_from_terminal() -> Result<Vec<Password>, CliError> {
    let mut shares = Vec::new();
    loop {
        let prompt = format!(
            "Share {} (words separated by spaces; press Enter alone to finish): ",
            shares.len().saturating_add(1)
        );
        let entry = password::read(None, &prompt).map_err(|e| match e {
            CliError::NoTerminal(io) => CliError::NoTerminalForShares(io),
            other => other,
        })?;
        let share = Zeroizing::new(entry.split_whitespace().collect::<Vec<_>>().join(" "));
        if share.is_empty() {
            return Ok(shares);
        }
        shares.push(share);
    }
}

#[cfg(test)]
mod tests {
    use super::shares_from_text;

    #[test]
    fn share_lines() {
        let shares = shares_from_text("# group 1\n  a  b c \n\nd e\n");
        let got: Vec<&str> = shares.iter().map(|s| s.as_str()).collect();
        assert_eq!(got, ["a b c", "d e"]);
    }
}
