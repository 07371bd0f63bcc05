//! `custodian`: the native command line over the same core the browser runs.
//!
//! `custodian rpc` speaks the protocol (docs/protocol.md) as newline-delimited JSON-RPC on
//! stdin/stdout; the other subcommands are thin wrappers that build protocol requests for
//! common tasks. Every change is stored atomically in the vault file before it is reported.
//! See docs/cli.md.
#![forbid(unsafe_code)]

mod approver;
mod audit;
mod backup;
mod cli;
mod commands;
mod custody;
mod error;
mod output;
mod password;
mod progress;
mod request_file;
mod rpc;
mod session;
mod store;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use crate::error::{EXIT_OK, EXIT_USAGE};

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version arrive here too, with exit code 0 and text for stdout.
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            // A failed write (closed pipe) leaves nothing better to do than the exit code.
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: {e} ({})", e.kind());
            ExitCode::from(e.exit_code())
        }
    }
}
