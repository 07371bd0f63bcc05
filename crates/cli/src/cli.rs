//! The command line, as clap reads it. There is deliberately no option that takes a password
//! value: passwords come from the terminal or from a file (docs/cli.md "Passwords").

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// custodian: a wallet whose keys live only in a Rust core (the native command line).
///
/// Every command builds protocol requests (docs/protocol.md) and hands them to the same core
/// the browser runs. The vault is one encrypted file, replaced atomically on every change.
#[derive(Debug, Parser)]
#[command(name = "custodian", version, propagate_version = true)]
pub struct Cli {
    /// Print the protocol's result as JSON on stdout instead of text.
    #[arg(long, global = true)]
    pub json: bool,

    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new vault with a fresh recovery phrase (shown once).
    Init(InitArgs),
    /// Create a new vault from a recovery phrase, a private key or a keystore file.
    Import(ImportArgs),
    /// Unlock the vault and list its accounts.
    Accounts(AccountsArgs),
    /// Derive the next account for a chain from the recovery phrase.
    AddAccount(AddAccountArgs),
    /// Sign a message, typed data or a transaction.
    Sign(SignArgs),
    /// Re-encrypt the vault under a new password (and optionally a new Argon2 cost).
    ChangePassword(ChangePasswordArgs),
    /// Show the recovery phrase or a private key, or write a keystore file.
    Export(ExportArgs),
    /// Serve JSON-RPC requests, one per line, on stdin and stdout.
    Rpc(RpcArgs),
    /// The vault's policy: show, check a document, propose a change, apply it.
    Policy(PolicyArgs),
    /// Requests held for approval: list, show, submit approvals, cancel.
    Approvals(ApprovalsArgs),
    /// Approve a held request: sign its approval digest with an approver key.
    Approve(ApproveArgs),
    /// Approver keys: create one, show its public key.
    ApproverKey(ApproverKeyArgs),
    /// The audit log: export it, verify an export.
    Audit(AuditArgs),
    /// SLIP-0039 Shamir backups: split the recovery phrase into shares, recover from shares.
    Backup(BackupArgs),
}

/// `--vault FILE`, required.
#[derive(Debug, Args)]
pub struct VaultArg {
    /// The vault file.
    #[arg(long, value_name = "FILE")]
    pub vault: PathBuf,
}

/// `--password-file FILE`.
#[derive(Debug, Args)]
pub struct PasswordArg {
    /// Read the vault password from the first line of FILE instead of asking on the terminal.
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
}

/// Argon2id cost for a new vault or a new password.
#[derive(Debug, Args)]
pub struct KdfArgs {
    /// Argon2id memory in KiB [default: 65536 = 64 MiB; floor 19456].
    #[arg(long, value_name = "N")]
    pub kdf_memory_kib: Option<u32>,
    /// Argon2id passes over the memory [default: 3; floor 2].
    #[arg(long, value_name = "N")]
    pub kdf_iterations: Option<u32>,
    /// Argon2id lanes [default: 1].
    #[arg(long, value_name = "N")]
    pub kdf_parallelism: Option<u32>,
}

/// `custodian init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    #[command(flatten)]
    pub vault: VaultArg,
    /// Read the new password from the first line of FILE instead of asking twice.
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    /// Length of the recovery phrase.
    #[arg(long, value_enum, default_value = "12")]
    pub words: Words,
    #[command(flatten)]
    pub kdf: KdfArgs,
    /// Print the recovery phrase even though stdout is not a terminal.
    #[arg(long)]
    pub force: bool,
}

/// The length of a new recovery phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Words {
    /// 12 words (128 bits of entropy).
    #[value(name = "12")]
    Twelve,
    /// 24 words (256 bits).
    #[value(name = "24")]
    TwentyFour,
}

impl Words {
    /// The number of words.
    pub fn count(self) -> u8 {
        match self {
            Self::Twelve => 12,
            Self::TwentyFour => 24,
        }
    }
}

/// `custodian import`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("source").required(true).multiple(false)))]
pub struct ImportArgs {
    #[command(flatten)]
    pub vault: VaultArg,
    /// Read the new vault password from the first line of FILE instead of asking twice.
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    /// A BIP-39 recovery phrase (the whole file, whitespace-separated words).
    #[arg(long, value_name = "FILE", group = "source")]
    pub mnemonic_file: Option<PathBuf>,
    /// A private key, hex (Ethereum) or hex/base58 (Solana, with --curve ed25519); first line.
    #[arg(long, value_name = "FILE", group = "source")]
    pub private_key_file: Option<PathBuf>,
    /// The curve of --private-key-file.
    #[arg(long, value_enum, requires = "private_key_file")]
    pub curve: Option<CurveArg>,
    /// An Ethereum keystore v3 JSON file.
    #[arg(long, value_name = "FILE", group = "source")]
    pub keystore: Option<PathBuf>,
    /// Read the keystore's own password from FILE instead of asking.
    #[arg(long, value_name = "FILE", requires = "keystore")]
    pub keystore_password_file: Option<PathBuf>,
    #[command(flatten)]
    pub kdf: KdfArgs,
}

/// A private key's curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CurveArg {
    /// Ethereum keys (the default).
    Secp256k1,
    /// Solana keys.
    Ed25519,
}

impl CurveArg {
    /// The protocol's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Secp256k1 => "secp256k1",
            Self::Ed25519 => "ed25519",
        }
    }
}

/// `custodian accounts`.
#[derive(Debug, Args)]
pub struct AccountsArgs {
    #[command(flatten)]
    pub vault: VaultArg,
    #[command(flatten)]
    pub password: PasswordArg,
}

/// A chain accounts can be created for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChainArg {
    /// Ethereum and other EVM chains.
    Ethereum,
    /// Solana.
    Solana,
}

impl ChainArg {
    /// The protocol's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Ethereum => "ethereum",
            Self::Solana => "solana",
        }
    }
}

/// `custodian add-account`.
#[derive(Debug, Args)]
pub struct AddAccountArgs {
    #[command(flatten)]
    pub vault: VaultArg,
    #[command(flatten)]
    pub password: PasswordArg,
    /// The chain.
    #[arg(long, value_enum)]
    pub chain: ChainArg,
    /// A label for the account (default: "Ethereum N" / "Solana N").
    #[arg(long)]
    pub label: Option<String>,
}

/// `custodian sign`.
#[derive(Debug, Args)]
pub struct SignArgs {
    /// The vault file (required; may also follow the sign subcommand).
    #[arg(long, value_name = "FILE", global = true)]
    pub vault: Option<PathBuf>,
    /// Read the vault password from the first line of FILE instead of asking on the terminal.
    #[arg(long, value_name = "FILE", global = true)]
    pub password_file: Option<PathBuf>,
    /// If the policy holds the request for approval, write the approval request there
    /// (default: stdout).
    #[arg(long, value_name = "FILE", global = true)]
    pub request_out: Option<PathBuf>,
    /// What to sign.
    #[command(subcommand)]
    pub what: SignCommand,
}

/// What `custodian sign` signs.
#[derive(Debug, Subcommand)]
pub enum SignCommand {
    /// personal_sign (EIP-191): prints the 65-byte signature as hex.
    Message {
        /// The Ethereum account.
        #[arg(long)]
        address: String,
        /// The message: 0x-prefixed hex bytes, or text signed as UTF-8.
        #[arg(long)]
        data: String,
    },
    /// eth_signTypedData_v4 (EIP-712): prints the signature as hex.
    TypedData {
        /// The Ethereum account.
        #[arg(long)]
        address: String,
        /// The typed data JSON ({types, primaryType, domain, message}).
        #[arg(long, value_name = "F.json")]
        file: PathBuf,
    },
    /// eth_signTransaction: prints the raw signed transaction as hex.
    Tx {
        /// The transaction JSON object (as for eth_signTransaction).
        #[arg(long, value_name = "tx.json")]
        file: PathBuf,
        /// Switch the wallet to this chain first (decimal or 0x hex); the switch is saved.
        #[arg(long, value_name = "N")]
        chain_id: Option<String>,
    },
    /// solana_signTransaction: prints the signed transaction as base64.
    SolanaTx {
        /// The Solana account (base58).
        #[arg(long)]
        address: String,
        /// The serialized transaction, base64.
        #[arg(long, value_name = "TX")]
        base64: String,
    },
}

/// `custodian change-password`.
#[derive(Debug, Args)]
pub struct ChangePasswordArgs {
    #[command(flatten)]
    pub vault: VaultArg,
    /// Read the current password from the first line of FILE instead of asking.
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    /// Read the new password from the first line of FILE instead of asking twice.
    #[arg(long, value_name = "FILE")]
    pub new_password_file: Option<PathBuf>,
    #[command(flatten)]
    pub kdf: KdfArgs,
}

/// `custodian export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The vault file (required; may also follow the export subcommand).
    #[arg(long, value_name = "FILE", global = true)]
    pub vault: Option<PathBuf>,
    /// Read the vault password from the first line of FILE instead of asking on the terminal.
    #[arg(long, value_name = "FILE", global = true)]
    pub password_file: Option<PathBuf>,
    /// Print a secret even though stdout is not a terminal.
    #[arg(long, global = true)]
    pub force: bool,
    /// What to export.
    #[command(subcommand)]
    pub what: ExportCommand,
}

/// What `custodian export` exports.
#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// The recovery phrase (and BIP-39 passphrase, if any).
    Mnemonic,
    /// One account's private key.
    PrivateKey {
        /// The account.
        #[arg(long)]
        address: String,
    },
    /// One Ethereum account as a keystore v3 file (scrypt), written to --out.
    Keystore {
        /// The Ethereum account.
        #[arg(long)]
        address: String,
        /// The file to create (must not exist).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Encrypt the keystore with the password in FILE instead of the vault password.
        #[arg(long, value_name = "FILE")]
        keystore_password_file: Option<PathBuf>,
    },
}

/// `custodian rpc`.
#[derive(Debug, Args)]
pub struct RpcArgs {
    #[command(flatten)]
    pub vault: VaultArg,
    /// Also write provider events (accountsChanged, chainChanged, ...) as JSON-RPC
    /// notifications after the response that caused them.
    #[arg(long)]
    pub events: bool,
}

/// `custodian policy`.
#[derive(Debug, Args)]
pub struct PolicyArgs {
    /// What to do.
    #[command(subcommand)]
    pub what: PolicyCommand,
}

/// The `policy` subcommands.
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Print the vault's policy (pretty JSON) and its hash.
    Show {
        #[command(flatten)]
        vault: VaultArg,
        #[command(flatten)]
        password: PasswordArg,
    },
    /// Validate a policy document and print its hash, quorum and approvers (no vault needed).
    Check {
        /// The policy document (JSON).
        file: PathBuf,
    },
    /// Ask the wallet to set a policy. With a policy in force the change is held for its
    /// quorum: the approval request is written to --out (default: stdout).
    Propose {
        #[command(flatten)]
        vault: VaultArg,
        #[command(flatten)]
        password: PasswordArg,
        /// The new policy document (JSON).
        #[arg(required_unless_present = "remove")]
        file: Option<PathBuf>,
        /// Propose removing the policy instead.
        #[arg(long, conflicts_with = "file")]
        remove: bool,
        /// Write the approval request of a held change to FILE.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Apply a held policy change with the collected approvals, or set FILE directly when no
    /// policy is in force yet.
    Apply {
        #[command(flatten)]
        vault: VaultArg,
        #[command(flatten)]
        password: PasswordArg,
        /// The policy document, when no policy is in force yet.
        #[arg(required_unless_present = "digest", conflicts_with = "digest")]
        file: Option<PathBuf>,
        /// The approval digest of the held change (from `policy propose`).
        #[arg(long, value_name = "HEX", requires = "approvals")]
        digest: Option<String>,
        /// Approval files written by `custodian approve`.
        #[arg(long, value_name = "FILE", num_args = 1.., requires = "digest")]
        approvals: Vec<PathBuf>,
    },
}

/// `custodian approvals`.
#[derive(Debug, Args)]
pub struct ApprovalsArgs {
    /// What to do.
    #[command(subcommand)]
    pub what: ApprovalsCommand,
}

/// The `approvals` subcommands.
#[derive(Debug, Subcommand)]
pub enum ApprovalsCommand {
    /// List the requests waiting for approval, oldest first.
    List {
        #[command(flatten)]
        vault: VaultArg,
        #[command(flatten)]
        password: PasswordArg,
    },
    /// Write the approval request of one held request (for `custodian approve`).
    Show {
        #[command(flatten)]
        vault: VaultArg,
        #[command(flatten)]
        password: PasswordArg,
        /// The approval digest.
        #[arg(long, value_name = "HEX")]
        digest: String,
        /// Write it to FILE instead of stdout.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Submit approvals for a held request; prints the request's result when accepted.
    Submit {
        #[command(flatten)]
        vault: VaultArg,
        #[command(flatten)]
        password: PasswordArg,
        /// The approval digest.
        #[arg(long, value_name = "HEX")]
        digest: String,
        /// Approval files written by `custodian approve`.
        #[arg(long, value_name = "FILE", num_args = 1.., required = true)]
        approvals: Vec<PathBuf>,
        /// For a held export or backup: print the secret even though stdout is not a terminal.
        #[arg(long)]
        force: bool,
        /// For a held SLIP-0039 backup made with a passphrase: read it from the first line of
        /// FILE.
        #[arg(long, value_name = "FILE")]
        passphrase_file: Option<PathBuf>,
    },
    /// Drop a held request.
    Cancel {
        #[command(flatten)]
        vault: VaultArg,
        #[command(flatten)]
        password: PasswordArg,
        /// The approval digest.
        #[arg(long, value_name = "HEX")]
        digest: String,
    },
}

/// `custodian approve`.
#[derive(Debug, Args)]
pub struct ApproveArgs {
    /// The approver key file (made by `custodian approver-key new`).
    #[arg(long, value_name = "KEYFILE")]
    pub key: PathBuf,
    /// Read the approver key's password from the first line of FILE instead of asking.
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    /// The Solana account of the key file that approves [default: its first one].
    #[arg(long)]
    pub address: Option<String>,
    /// The approval request (written by `sign`, `policy propose` or `approvals show`).
    pub request: PathBuf,
    /// Write the approval to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Refuse unless the request comes from the vault with this audit public key (64 hex
    /// digits, from `custodian audit export`), kept by the approver.
    #[arg(long, value_name = "HEX")]
    pub vault_key: Option<String>,
    /// Do not ask for confirmation (the request is still shown on stderr).
    #[arg(long)]
    pub yes: bool,
}

/// `custodian approver-key`.
#[derive(Debug, Args)]
pub struct ApproverKeyArgs {
    /// What to do.
    #[command(subcommand)]
    pub what: ApproverKeyCommand,
}

/// The `approver-key` subcommands.
#[derive(Debug, Subcommand)]
pub enum ApproverKeyCommand {
    /// Create a new approver key file and print the public key to put in a policy.
    New {
        /// The key file to create (must not exist).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Read the new password from the first line of FILE instead of asking twice.
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
        #[command(flatten)]
        kdf: KdfArgs,
    },
    /// Print the public key of an approver key file.
    Show {
        /// The key file.
        #[arg(long, value_name = "KEYFILE")]
        key: PathBuf,
        /// Read its password from the first line of FILE instead of asking.
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
    },
}

/// `custodian audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// What to do.
    #[command(subcommand)]
    pub what: AuditCommand,
}

/// The `audit` subcommands.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Export the vault's audit log as JSON Lines, with the public key to verify it.
    Export {
        #[command(flatten)]
        vault: VaultArg,
        #[command(flatten)]
        password: PasswordArg,
        /// Write the log to FILE (must not exist) instead of stdout.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Verify an exported log (no vault needed); names the first bad line.
    Verify {
        /// The exported JSON Lines file.
        file: PathBuf,
        /// The vault's audit public key (64 hex digits), from a copy you trust.
        #[arg(long, value_name = "HEX")]
        public_key: String,
    },
}

/// `custodian backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// What to do.
    #[command(subcommand)]
    pub what: BackupCommand,
}

/// One SLIP-0039 group, `MofN`: M of its N shares recover it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupSpec {
    /// Shares needed.
    pub threshold: u8,
    /// Shares made.
    pub count: u8,
}

fn parse_group(text: &str) -> Result<GroupSpec, String> {
    let bad = || format!("`{text}` is not of the form MofN, e.g. 2of3");
    let (m, n) = text.split_once("of").ok_or_else(bad)?;
    Ok(GroupSpec {
        threshold: m.parse().map_err(|_| bad())?,
        count: n.parse().map_err(|_| bad())?,
    })
}

/// The `backup` subcommands.
#[derive(Debug, Subcommand)]
pub enum BackupCommand {
    /// Split the recovery phrase into SLIP-0039 shares and print them.
    Shares {
        #[command(flatten)]
        vault: VaultArg,
        #[command(flatten)]
        password: PasswordArg,
        /// Groups needed to recover.
        #[arg(long, value_name = "N")]
        group_threshold: u8,
        /// A group, MofN (M of its N shares recover it); repeat for more groups.
        #[arg(long, value_name = "MofN", value_parser = parse_group, required = true)]
        group: Vec<GroupSpec>,
        /// Protect the shares with the SLIP-0039 passphrase in the first line of FILE.
        #[arg(long, value_name = "FILE")]
        passphrase_file: Option<PathBuf>,
        /// Protect the shares with a SLIP-0039 passphrase typed twice on the terminal.
        #[arg(long, conflicts_with = "passphrase_file")]
        ask_passphrase: bool,
        /// Set the extendable-backup flag.
        #[arg(long)]
        extendable: bool,
        /// PBKDF2 cost exponent, 0 to 8 [default: 1].
        #[arg(long, value_name = "E")]
        iteration_exponent: Option<u8>,
        /// Print the shares even though stdout is not a terminal.
        #[arg(long)]
        force: bool,
    },
    /// Create a new vault from SLIP-0039 shares.
    Recover {
        #[command(flatten)]
        vault: VaultArg,
        /// Read the new vault password from the first line of FILE instead of asking twice.
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
        /// The shares, one per line (blank lines and lines starting with # are skipped);
        /// without it they are asked for on the terminal.
        #[arg(long, value_name = "FILE")]
        shares_file: Option<PathBuf>,
        /// The SLIP-0039 passphrase the shares were made with (first line of FILE).
        #[arg(long, value_name = "FILE")]
        passphrase_file: Option<PathBuf>,
        /// Ask for the SLIP-0039 passphrase on the terminal.
        #[arg(long, conflicts_with = "passphrase_file")]
        ask_passphrase: bool,
        /// The wallet's BIP-39 passphrase, if it had one (first line of FILE).
        #[arg(long, value_name = "FILE")]
        bip39_passphrase_file: Option<PathBuf>,
        /// Ask for the wallet's BIP-39 passphrase on the terminal.
        #[arg(long, conflicts_with = "bip39_passphrase_file")]
        ask_bip39_passphrase: bool,
        #[command(flatten)]
        kdf: KdfArgs,
        /// Replace an existing vault at --vault (atomically).
        #[arg(long)]
        force: bool,
    },
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn groups() {
        use super::{parse_group, GroupSpec};
        assert_eq!(
            parse_group("2of3"),
            Ok(GroupSpec {
                threshold: 2,
                count: 3
            })
        );
        assert!(parse_group("2-3").is_err());
        assert!(parse_group("of3").is_err());
        assert!(parse_group("2of300").is_err());
    }
}
