//! `custodian`: the native command line over the same core the browser runs.
//!
//! For now it only answers `--help` and `--version`; the commands arrive with the CLI issue.
#![forbid(unsafe_code)]

#[allow(dead_code)] // wired up by the `rpc` and vault commands
mod store;

use std::io::Write;
use std::process::ExitCode;

const USAGE: &str = "\
custodian: a wallet whose keys live only in a Rust core (native CLI)

Usage: custodian [OPTIONS]

Options:
  -h, --help     Print this help
  -V, --version  Print the version

No commands yet: vault, account and signing commands come with the CLI issue.
";

fn main() -> ExitCode {
    let arg = std::env::args().nth(1);
    let (text, code) = match arg.as_deref() {
        None | Some("-h" | "--help" | "help") => (USAGE.to_owned(), ExitCode::SUCCESS),
        Some("-V" | "--version") => (
            format!("custodian {}\n", env!("CARGO_PKG_VERSION")),
            ExitCode::SUCCESS,
        ),
        Some(other) => {
            let message = format!("custodian: unknown argument '{other}'\n\n{USAGE}");
            // A failed write to stderr leaves nothing better to do than the exit code.
            let _ = std::io::stderr().write_all(message.as_bytes());
            return ExitCode::from(2);
        }
    };
    // Writing instead of println! so a closed pipe (`custodian --help | head -1`) is not a panic.
    match std::io::stdout().write_all(text.as_bytes()) {
        Ok(()) => code,
        Err(_) => ExitCode::FAILURE,
    }
}
