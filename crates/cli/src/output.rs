//! Writing results: text for people, the protocol's JSON with `--json`, and the rule for
//! secrets (docs/cli.md "Secrets on stdout").

use std::io::{IsTerminal, Write};

use serde_json::Value;
use zeroize::{Zeroize, Zeroizing};

use crate::error::CliError;

/// Writes `text` to stdout as it is.
pub fn print(text: &str) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(CliError::Output)
}

/// Writes `value` as pretty JSON and a newline. The text is wiped afterwards, since some
/// results (a created wallet's phrase, an export) are secrets.
pub fn print_json(value: &Value) -> Result<(), CliError> {
    let mut text = Zeroizing::new(
        serde_json::to_string_pretty(value)
            .map_err(|e| CliError::Output(std::io::Error::other(e)))?,
    );
    text.push('\n');
    print(&text)
}

/// Writes a note for the person at the terminal to stderr (never part of the output proper).
pub fn note(text: &str) {
    // A closed stderr leaves nothing better to do.
    let _ = writeln!(std::io::stderr(), "{text}");
}

/// Refuses to go on if a secret would be written to something other than a terminal, unless
/// the operator said `--force`. Checked before anything is asked or changed.
pub fn secret_output_allowed(force: bool, what: &str) -> Result<(), CliError> {
    if force || std::io::stdout().is_terminal() {
        return Ok(());
    }
    Err(CliError::Usage(format!(
        "this command prints {what}, and stdout is not a terminal: it would end up in a file, \
         a pipe or a log. Run it on a terminal, or pass --force if that is what you want"
    )))
}

/// Overwrites every string in `value` before it is dropped.
pub fn wipe(value: &mut Value) {
    match value {
        Value::String(s) => s.zeroize(),
        Value::Array(items) => items.iter_mut().for_each(wipe),
        Value::Object(map) => map.values_mut().for_each(wipe),
        _ => {}
    }
}

/// Accounts as a table: chain, address, label, derivation path (or "imported").
pub fn accounts_table(accounts: &Value) -> String {
    let rows: Vec<[&str; 4]> = accounts
        .as_array()
        .map(|list| {
            list.iter()
                .map(|a| {
                    let text = |k: &str| a.get(k).and_then(Value::as_str).unwrap_or("");
                    let origin = match a.get("path").and_then(Value::as_str) {
                        Some(path) => path,
                        None => text("source"),
                    };
                    [text("chain"), text("address"), text("label"), origin]
                })
                .collect()
        })
        .unwrap_or_default();
    let width = |col: usize| {
        rows.iter()
            .filter_map(|r| r.get(col))
            .map(|s| s.chars().count())
            .max()
            .unwrap_or(0)
    };
    let (w0, w1, w2) = (width(0), width(1), width(2));
    let mut out = String::new();
    for [chain, address, label, origin] in &rows {
        out.push_str(&format!(
            "{chain:<w0$}  {address:<w1$}  {label:<w2$}  {origin}\n"
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn table_aligns_columns() {
        let accounts = json!([
            {"chain": "ethereum", "address": "0xAb", "label": "Ethereum 1", "source": "hd", "path": "m/44'/60'/0'/0/0"},
            {"chain": "solana", "address": "So1", "label": "x", "source": "imported", "path": null},
        ]);
        assert_eq!(
            accounts_table(&accounts),
            "ethereum  0xAb  Ethereum 1  m/44'/60'/0'/0/0\nsolana    So1   x           imported\n"
        );
    }

    #[test]
    fn wipe_clears_nested_strings() {
        let mut v = json!({"mnemonic": "abandon ability", "list": ["x"], "n": 1});
        wipe(&mut v);
        assert_eq!(v, json!({"mnemonic": "", "list": [""], "n": 1}));
    }
}
