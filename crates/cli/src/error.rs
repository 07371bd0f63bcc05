//! What can go wrong in a command, and how it is reported: `error: <message> (<kind>)` on
//! stderr and an exit code (docs/cli.md "Exit codes").

use std::io;
use std::path::PathBuf;

use custodian_core::api::ApiError;

/// Exit code: the command ran and succeeded.
pub const EXIT_OK: u8 = 0;
/// Exit code: a request failed (wrong password, bad input, I/O).
pub const EXIT_FAILED: u8 = 1;
/// Exit code: the command line itself was wrong.
pub const EXIT_USAGE: u8 = 2;
/// Exit code: the request is held until a quorum of approvers approves it (`ApprovalRequired`).
pub const EXIT_HELD: u8 = 3;
/// Exit code: the vault's policy refused the request (`PolicyDenied`).
pub const EXIT_DENIED: u8 = 4;
/// Exit code: submitted approvals were not accepted (too few, a repeated or foreign approver,
/// a bad signature, expired, used, stale or unknown).
pub const EXIT_APPROVAL_REFUSED: u8 = 5;
/// Exit code: the operator answered "no" at a confirmation prompt.
pub const EXIT_DECLINED: u8 = 6;

/// A failed command.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CliError {
    /// The wallet core refused a request.
    #[error("{}", .0.message)]
    Request(ApiError),
    /// A file given on the command line could not be read or written.
    #[error("cannot {action} {}: {source}", .path.display())]
    File {
        /// What was being done: "read", "write", ...
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        source: io::Error,
    },
    /// A command that needs a vault was pointed at a path with no file.
    #[error("there is no vault at {}: create one with `custodian init` or `custodian import`", .0.display())]
    NoVault(PathBuf),
    /// `init` or `import` was pointed at an existing vault.
    #[error("{} already holds a vault; choose another file", .0.display())]
    VaultExists(PathBuf),
    /// A password prompt needed a terminal and there is none.
    #[error("no terminal to ask for the password on ({0}); use --password-file FILE")]
    NoTerminal(io::Error),
    /// Shares were to be typed on a terminal and there is none.
    #[error("no terminal to ask for the shares on ({0}); use --shares-file FILE")]
    NoTerminalForShares(io::Error),
    /// A confirmation needed a terminal and there is none.
    #[error(
        "no terminal to ask for confirmation on ({0}); read what is shown above and pass --yes"
    )]
    NoTerminalToConfirm(io::Error),
    /// The operator answered "no" when asked to confirm.
    #[error("not approved: nothing was signed")]
    Declined,
    /// The two entries of a new password differ.
    #[error("the two passwords do not match")]
    PasswordMismatch,
    /// A file given on the command line does not hold what the option expects.
    #[error("{0}")]
    BadInput(String),
    /// The command line asks for something this command refuses (exit code 2).
    #[error("{0}")]
    Usage(String),
    /// Standard output could not be written.
    #[error("cannot write to standard output: {0}")]
    Output(io::Error),
}

impl CliError {
    /// The machine-readable cause printed in parentheses.
    pub fn kind(&self) -> String {
        match self {
            Self::Request(e) => e
                .kind()
                .map(str::to_owned)
                .unwrap_or_else(|| format!("code {}", e.code)),
            Self::File { .. } => "Io".to_owned(),
            Self::NoVault(_) => "NoVault".to_owned(),
            Self::VaultExists(_) => "VaultExists".to_owned(),
            Self::NoTerminal(_) | Self::NoTerminalToConfirm(_) | Self::NoTerminalForShares(_) => {
                "NoTerminal".to_owned()
            }
            Self::Declined => "Declined".to_owned(),
            Self::PasswordMismatch => "PasswordMismatch".to_owned(),
            Self::BadInput(_) => "InvalidInput".to_owned(),
            Self::Usage(_) => "Usage".to_owned(),
            Self::Output(_) => "Io".to_owned(),
        }
    }

    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Usage(_) => EXIT_USAGE,
            Self::Declined => EXIT_DECLINED,
            Self::Request(e) => match e.kind() {
                Some("ApprovalRequired") => EXIT_HELD,
                Some("PolicyDenied") => EXIT_DENIED,
                Some(
                    "ApprovalInsufficient"
                    | "ApprovalInvalid"
                    | "ApprovalUsed"
                    | "ApprovalExpired"
                    | "ApprovalStale"
                    | "ApprovalUnknown",
                ) => EXIT_APPROVAL_REFUSED,
                _ => EXIT_FAILED,
            },
            _ => EXIT_FAILED,
        }
    }

    /// A closure that wraps an I/O error on `path`.
    pub fn file(action: &'static str, path: impl Into<PathBuf>) -> impl FnOnce(io::Error) -> Self {
        let path = path.into();
        move |source| Self::File {
            action,
            path,
            source,
        }
    }
}

impl From<ApiError> for CliError {
    fn from(e: ApiError) -> Self {
        Self::Request(e)
    }
}
