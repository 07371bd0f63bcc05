//! The human subcommands. Each one only gathers input (files, prompts), sends protocol
//! requests through a [`Session`] and formats the results; the wallet logic is the core's.

use std::path::{Path, PathBuf};

use custodian_core::vault::KdfParams;
use serde_json::{json, Map, Value};
use zeroize::Zeroizing;

use crate::cli::{
    AccountsArgs, AddAccountArgs, ChangePasswordArgs, Cli, Command, ExportArgs, ExportCommand,
    ImportArgs, InitArgs, KdfArgs, SignArgs, SignCommand,
};
use crate::error::CliError;
use crate::output::{accounts_table, note, print, print_json, secret_output_allowed, wipe};
use crate::password::{self, Password};
use crate::rpc;
use crate::session::Session;
use crate::store::create_new_private;
use crate::{approver, audit, backup, custody};

/// Runs the command the user asked for.
pub fn run(cli: Cli) -> Result<(), CliError> {
    let json = cli.json;
    match cli.command {
        Command::Init(a) => init(a, json),
        Command::Import(a) => import(a, json),
        Command::Accounts(a) => accounts(a, json),
        Command::AddAccount(a) => add_account(a, json),
        Command::Sign(a) => sign(a, json),
        Command::ChangePassword(a) => change_password(a, json),
        Command::Export(a) => export(a, json),
        Command::Rpc(a) => rpc::serve(
            &a.vault.vault,
            a.events,
            &mut std::io::stdin().lock(),
            &mut std::io::stdout().lock(),
        ),
        Command::Policy(a) => custody::policy(a, json),
        Command::Approvals(a) => custody::approvals(a, json),
        Command::Approve(a) => approver::approve(a, json),
        Command::ApproverKey(a) => approver::approver_key(a, json),
        Command::Audit(a) => audit::run(a, json),
        Command::Backup(a) => backup::run(a, json),
    }
}

fn init(a: InitArgs, json: bool) -> Result<(), CliError> {
    secret_output_allowed(a.force, "the new recovery phrase")?;
    let path = &a.vault.vault;
    let mut session = new_vault_session(path)?;
    let mut password = password::read_new(a.password_file.as_deref(), "New vault password: ")?;
    let mut params = Map::new();
    params.insert("password".into(), take(&mut password));
    params.insert("words".into(), json!(a.words.count()));
    if let Some(kdf) = kdf_param(&a.kdf) {
        params.insert("kdf".into(), kdf);
    }
    let mut result = session.call("wallet_create", Value::Object(params))?;
    let shown = if json {
        print_json(&result)
    } else {
        show_new_wallet(path, &result)
    };
    wipe(&mut result);
    shown
}

fn show_new_wallet(path: &Path, result: &Value) -> Result<(), CliError> {
    let phrase = result.get("mnemonic").and_then(Value::as_str).unwrap_or("");
    let mut text = Zeroizing::new(format!(
        "Created {}.\n\nRecovery phrase ({} words). It is shown only this once:\n\n",
        path.display(),
        phrase.split_whitespace().count()
    ));
    for (i, word) in phrase.split_whitespace().enumerate() {
        text.push_str(&format!("{:>4}. {word}\n", i.saturating_add(1)));
    }
    text.push('\n');
    print(&text)?;
    note(
        "Write these words down on paper, in order, and keep them offline. Anyone who reads \
         them owns this wallet; without them, a forgotten password means the funds are lost.",
    );
    print(&format!(
        "\nAccounts:\n{}",
        accounts_table(result.get("accounts").unwrap_or(&Value::Null))
    ))
}

fn import(a: ImportArgs, json: bool) -> Result<(), CliError> {
    let path = &a.vault.vault;
    let mut session = new_vault_session(path)?;
    let mut params = Map::new();
    if let Some(file) = &a.mnemonic_file {
        let text = read_secret_text(file)?;
        params.insert("mnemonic".into(), Value::String(text.trim().to_owned()));
    } else if let Some(file) = &a.private_key_file {
        let mut key = password::from_file(file)?;
        params.insert("privateKey".into(), take(&mut key));
        if let Some(curve) = a.curve {
            params.insert("curve".into(), json!(curve.name()));
        }
    } else if let Some(file) = &a.keystore {
        let text = std::fs::read_to_string(file).map_err(CliError::file("read", file))?;
        params.insert("keystore".into(), Value::String(text));
        let mut keystore_password = password::read(
            a.keystore_password_file.as_deref(),
            "Keystore file password: ",
        )?;
        params.insert("keystorePassword".into(), take(&mut keystore_password));
    }
    let mut password = password::read_new(a.password_file.as_deref(), "New vault password: ")?;
    params.insert("password".into(), take(&mut password));
    if let Some(kdf) = kdf_param(&a.kdf) {
        params.insert("kdf".into(), kdf);
    }
    let result = session.call("wallet_import", Value::Object(params))?;
    if json {
        print_json(&result)
    } else {
        print(&format!(
            "Created {}.\n\nAccounts:\n{}",
            path.display(),
            accounts_table(result.get("accounts").unwrap_or(&Value::Null))
        ))
    }
}

fn accounts(a: AccountsArgs, json: bool) -> Result<(), CliError> {
    let mut session = unlocked(&a.vault.vault, a.password.password_file.as_deref())?;
    let result = session.call("wallet_listAccounts", Value::Null)?;
    if json {
        print_json(&result)
    } else {
        print(&accounts_table(&result))
    }
}

fn add_account(a: AddAccountArgs, json: bool) -> Result<(), CliError> {
    let mut session = unlocked(&a.vault.vault, a.password.password_file.as_deref())?;
    let mut params = Map::new();
    params.insert("chain".into(), json!(a.chain.name()));
    if let Some(label) = a.label {
        params.insert("label".into(), Value::String(label));
    }
    let result = session.call("wallet_addAccount", Value::Object(params))?;
    if json {
        print_json(&result)
    } else {
        print(&accounts_table(&Value::Array(vec![result])))
    }
}

fn sign(a: SignArgs, json: bool) -> Result<(), CliError> {
    let vault = required_vault(a.vault, "sign")?;
    let chain = match &a.what {
        SignCommand::Tx {
            chain_id: Some(id), ..
        } => Some(chain_id_hex(id)?),
        _ => None,
    };
    // Read every input before asking for the password, so a typo fails fast.
    let (method, params) = match &a.what {
        SignCommand::Message { address, data } => ("personal_sign", json!([data, address])),
        SignCommand::TypedData { address, file } => {
            let text = std::fs::read_to_string(file).map_err(CliError::file("read", file))?;
            ("eth_signTypedData_v4", json!([address, text]))
        }
        SignCommand::Tx { file, .. } => {
            let text = std::fs::read_to_string(file).map_err(CliError::file("read", file))?;
            let tx: Value = serde_json::from_str(&text).map_err(|_| {
                CliError::BadInput(format!("{} is not a JSON object", file.display()))
            })?;
            ("eth_signTransaction", json!([tx]))
        }
        SignCommand::SolanaTx { address, base64 } => (
            "solana_signTransaction",
            json!({ "address": address, "transaction": base64 }),
        ),
    };
    let mut session = unlocked(&vault, a.password_file.as_deref())?;
    if let Some(chain_id) = chain {
        session.call(
            "wallet_switchEthereumChain",
            json!([{ "chainId": chain_id }]),
        )?;
    }
    let result = match session.call(method, params) {
        Err(CliError::Request(e)) if e.kind() == Some("ApprovalRequired") => {
            return custody::held(e, a.request_out.as_deref(), &vault, json);
        }
        other => other?,
    };
    if json {
        return print_json(&result);
    }
    print_signed(&result)
}

/// A signing result as text: a signature or raw transaction (a string), or a Solana
/// `signedTransaction`.
pub(crate) fn print_signed(result: &Value) -> Result<(), CliError> {
    let text = match result {
        Value::String(s) => s.as_str(),
        other => other
            .get("signedTransaction")
            .and_then(Value::as_str)
            .unwrap_or(""),
    };
    print(&format!("{text}\n"))
}

/// `--chain-id` as EIP-3326 wants it: decimal input becomes 0x hex; hex is passed on for the
/// core to check.
fn chain_id_hex(text: &str) -> Result<String, CliError> {
    if text.starts_with("0x") {
        return Ok(text.to_owned());
    }
    text.parse::<u64>()
        .map(|id| format!("0x{id:x}"))
        .map_err(|_| CliError::Usage("--chain-id must be a decimal or 0x-hex number".into()))
}

fn change_password(a: ChangePasswordArgs, json: bool) -> Result<(), CliError> {
    let path = &a.vault.vault;
    let mut session = Session::open_existing(path, true)?;
    let old = password::read(a.password_file.as_deref(), "Current password: ")?;
    let mut new = password::read_new(a.new_password_file.as_deref(), "New password: ")?;
    let mut for_unlock = old.clone();
    session.call(
        "wallet_unlock",
        json!({ "password": take(&mut for_unlock) }),
    )?;
    let mut old = old;
    let mut params = Map::new();
    params.insert("oldPassword".into(), take(&mut old));
    params.insert("newPassword".into(), take(&mut new));
    if let Some(kdf) = kdf_param(&a.kdf) {
        params.insert("kdf".into(), kdf);
    }
    let result = session.call("wallet_changePassword", Value::Object(params))?;
    if json {
        print_json(&result)
    } else {
        print(&format!("Password changed for {}.\n", path.display()))
    }
}

fn export(a: ExportArgs, json: bool) -> Result<(), CliError> {
    let vault = required_vault(a.vault, "export")?;
    let mut params = Map::new();
    let out = match &a.what {
        ExportCommand::Mnemonic => {
            secret_output_allowed(a.force, "the recovery phrase")?;
            params.insert("what".into(), json!("mnemonic"));
            None
        }
        ExportCommand::PrivateKey { address } => {
            secret_output_allowed(a.force, "a private key")?;
            params.insert("what".into(), json!("privateKey"));
            params.insert("address".into(), json!(address));
            None
        }
        ExportCommand::Keystore {
            address,
            out,
            keystore_password_file,
        } => {
            if out.exists() {
                return Err(CliError::Usage(format!(
                    "{} exists; export writes a new file and never overwrites one",
                    out.display()
                )));
            }
            params.insert("what".into(), json!("keystore"));
            params.insert("address".into(), json!(address));
            if let Some(file) = keystore_password_file {
                let mut p = password::from_file(file)?;
                params.insert("keystorePassword".into(), take(&mut p));
            }
            Some(out.clone())
        }
    };
    let (mut session, mut pw) = unlocked_keeping_password(&vault, a.password_file.as_deref())?;
    // The protocol asks for the password again on every export; the CLI asked once for both.
    params.insert("password".into(), take(&mut pw));
    let mut result = match session.call("wallet_export", Value::Object(params)) {
        Err(CliError::Request(e)) if e.kind() == Some("ApprovalRequired") => {
            return custody::held(e, None, &vault, json);
        }
        other => other?,
    };
    let shown = match out {
        Some(out) => write_keystore(&out, &result, json),
        None if json => print_json(&result),
        None => show_secret(&result),
    };
    wipe(&mut result);
    shown
}

pub(crate) fn show_secret(result: &Value) -> Result<(), CliError> {
    let mut text = Zeroizing::new(String::new());
    for key in ["mnemonic", "passphrase", "privateKey", "secretKeyBase58"] {
        if let Some(value) = result.get(key).and_then(Value::as_str) {
            text.push_str(&format!("{key}: {value}\n"));
        }
    }
    print(&text)
}

fn write_keystore(out: &Path, result: &Value, json: bool) -> Result<(), CliError> {
    use std::io::Write;
    let keystore = result.get("keystore").and_then(Value::as_str).unwrap_or("");
    let mut file = create_new_private(out).map_err(CliError::file("create", out))?;
    file.write_all(keystore.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(CliError::file("write", out))?;
    if json {
        print_json(&json!({ "out": out }))
    } else {
        print(&format!("Wrote keystore file {}.\n", out.display()))
    }
}

/// A session over an existing vault, unlocked with a password from `file` or the terminal.
pub(crate) fn unlocked(path: &Path, file: Option<&Path>) -> Result<Session, CliError> {
    let mut session = Session::open_existing(path, true)?;
    let mut password = password::read(file, "Vault password: ")?;
    session.call("wallet_unlock", json!({ "password": take(&mut password) }))?;
    Ok(session)
}

/// Like [`unlocked`], but also returns the password, for requests that ask for it again
/// (export, backup shares): the user is asked only once.
pub(crate) fn unlocked_keeping_password(
    path: &Path,
    file: Option<&Path>,
) -> Result<(Session, Password), CliError> {
    let mut session = Session::open_existing(path, true)?;
    let password = password::read(file, "Vault password: ")?;
    let mut for_unlock = password.clone();
    session.call(
        "wallet_unlock",
        json!({ "password": take(&mut for_unlock) }),
    )?;
    Ok((session, password))
}

/// A session for creating a vault at `path`, which must not hold one yet.
pub(crate) fn new_vault_session(path: &Path) -> Result<Session, CliError> {
    let session = Session::open(path, true)?;
    if session.has_vault() {
        return Err(CliError::VaultExists(path.to_path_buf()));
    }
    Ok(session)
}

fn required_vault(vault: Option<PathBuf>, command: &str) -> Result<PathBuf, CliError> {
    vault.ok_or_else(|| {
        CliError::Usage(format!(
            "--vault FILE is required (see 'custodian {command} --help')"
        ))
    })
}

/// Moves the password's text into a JSON string; the core deserializes that same buffer into
/// its zeroizing secret type, so no unwiped copy is left behind.
pub(crate) fn take(password: &mut Password) -> Value {
    Value::String(std::mem::take(&mut **password))
}

/// A file holding a secret (a recovery phrase), read into a buffer that is wiped on drop.
pub(crate) fn read_secret_text(path: &Path) -> Result<Password, CliError> {
    let bytes = Zeroizing::new(std::fs::read(path).map_err(CliError::file("read", path))?);
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| CliError::BadInput(format!("{} is not UTF-8 text", path.display())))?;
    Ok(Zeroizing::new(text.to_owned()))
}

/// The `kdf` param, if any cost option was given; unset ones take the core's defaults.
pub(crate) fn kdf_param(k: &KdfArgs) -> Option<Value> {
    if k.kdf_memory_kib.is_none() && k.kdf_iterations.is_none() && k.kdf_parallelism.is_none() {
        return None;
    }
    let d = KdfParams::DEFAULT;
    Some(json!({
        "memoryKib": k.kdf_memory_kib.unwrap_or(d.memory_kib),
        "iterations": k.kdf_iterations.unwrap_or(d.iterations),
        "parallelism": k.kdf_parallelism.unwrap_or(d.parallelism),
    }))
}

#[cfg(test)]
mod tests {
    use super::chain_id_hex;

    #[test]
    fn chain_ids() {
        assert_eq!(chain_id_hex("1").unwrap(), "0x1");
        assert_eq!(chain_id_hex("11155111").unwrap(), "0xaa36a7");
        assert_eq!(chain_id_hex("0x89").unwrap(), "0x89");
        assert!(chain_id_hex("mainnet").is_err());
    }
}
