//! Decoders for the instructions of well-known programs.
//!
//! Each decoder reads instruction data exactly as the program does (layouts cited per
//! program below and in docs/solana.md §Programs) and reports two things: fields for the
//! user, and [`Effect`]s that [`super::preview`] turns into warnings. Like the programs
//! themselves, decoders ignore bytes after the fields they need (bincode's
//! `allow_trailing_bytes` in the System program, `unpack` slicing in SPL Token).

use super::address::Address;
use super::message::{AccountRef, CompiledInstruction, Message};
use super::preview::{format_lamports, format_token_amount, Field};

/// System Program.
pub const SYSTEM_PROGRAM: &str = "11111111111111111111111111111111";
/// SPL Token.
pub const TOKEN_PROGRAM: &str = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
/// SPL Token-2022.
pub const TOKEN_2022_PROGRAM: &str = "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb";
/// Compute Budget.
pub const COMPUTE_BUDGET_PROGRAM: &str = "ComputeBudget111111111111111111111111111111";
/// SPL Associated Token Account.
pub const ASSOCIATED_TOKEN_PROGRAM: &str = "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL";
/// SPL Memo v2.
pub const MEMO_PROGRAM: &str = "MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr";
/// SPL Memo v1.
pub const MEMO_V1_PROGRAM: &str = "Memo1UhkJRfHyvLMcVucJwxXeuD728EqVDDwQDxFMNo";

/// The display name of a well-known program.
pub fn program_name(program: &str) -> Option<&'static str> {
    Some(match program {
        SYSTEM_PROGRAM => "System Program",
        TOKEN_PROGRAM => "Token Program",
        TOKEN_2022_PROGRAM => "Token-2022 Program",
        COMPUTE_BUDGET_PROGRAM => "Compute Budget Program",
        ASSOCIATED_TOKEN_PROGRAM => "Associated Token Account Program",
        MEMO_PROGRAM | MEMO_V1_PROGRAM => "Memo Program",
        "Stake11111111111111111111111111111111111111" => "Stake Program",
        "Vote111111111111111111111111111111111111111" => "Vote Program",
        "AddressLookupTab1e1111111111111111111111111" => "Address Lookup Table Program",
        "BPFLoaderUpgradeab1e11111111111111111111111" => "BPF Upgradeable Loader",
        _ => return None,
    })
}

/// What an instruction does that can deserve a warning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Effect {
    /// Lamports leave `from` (transfer, account creation funding).
    LamportsOut { from: AccountRef, lamports: u64 },
    /// A token authority changes; `authority` is the current one, which signs.
    SetAuthority {
        target: AccountRef,
        authority: AccountRef,
        kind: String,
        new: Option<Address>,
    },
    /// An account's owner program changes; `signer` is who authorises it.
    Assign {
        account: AccountRef,
        signer: AccountRef,
        owner: Address,
    },
    /// A token delegate is approved.
    Approve {
        source: AccountRef,
        delegate: AccountRef,
        amount: String,
        unlimited: bool,
    },
    /// A token account is closed and its rent lamports sent to `destination`.
    Close {
        account: AccountRef,
        destination: AccountRef,
        owner: AccountRef,
    },
    /// A durable nonce is advanced.
    AdvanceNonce,
    /// A nonce account's authority changes.
    NonceAuthority { authority: AccountRef, new: Address },
    /// Compute unit limit requested.
    ComputeUnitLimit(u32),
    /// Compute unit price in micro-lamports.
    ComputeUnitPrice(u64),
}

/// How well an instruction was understood.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Understanding {
    /// Fully decoded.
    Decoded,
    /// Known program and instruction name, fields not decoded.
    NameOnly,
    /// Known program, unknown instruction.
    UnknownInstruction,
    /// Program this wallet does not know.
    UnknownProgram,
    /// Data or accounts do not fit the instruction: the program will reject it (or the data
    /// means something this decoder cannot see).
    Malformed(String),
}

/// One decoded instruction.
#[derive(Clone, Debug)]
pub(crate) struct Decoded {
    pub program: String,
    pub name: String,
    pub fields: Vec<Field>,
    pub effects: Vec<Effect>,
    pub understanding: Understanding,
    /// A one-line description for the summary, for the common actions.
    pub headline: Option<String>,
}

/// Reads an instruction's accounts and data; every read is checked.
struct Ix<'m> {
    message: &'m Message,
    ix: &'m CompiledInstruction,
    pos: usize,
}

/// A read failed: the instruction does not fit its layout.
struct Bad(String);

impl<'m> Ix<'m> {
    fn account(&self, n: usize, role: &str) -> Result<AccountRef, Bad> {
        self.ix
            .accounts
            .get(n)
            .and_then(|&i| self.message.account(i))
            .ok_or_else(|| Bad(format!("missing account #{n} ({role})")))
    }

    fn bytes(&mut self, n: usize, what: &str) -> Result<&'m [u8], Bad> {
        let end = self.pos.checked_add(n);
        let out = end
            .and_then(|e| self.ix.data.get(self.pos..e))
            .ok_or_else(|| Bad(format!("instruction data too short for {what}")))?;
        self.pos = end.unwrap_or(self.pos);
        Ok(out)
    }

    fn u8(&mut self, what: &str) -> Result<u8, Bad> {
        self.bytes(1, what)?
            .first()
            .copied()
            .ok_or_else(|| Bad(format!("instruction data too short for {what}")))
    }

    fn u32(&mut self, what: &str) -> Result<u32, Bad> {
        let b = self.bytes(4, what)?;
        b.try_into()
            .map(u32::from_le_bytes)
            .map_err(|_| Bad(format!("instruction data too short for {what}")))
    }

    fn u64(&mut self, what: &str) -> Result<u64, Bad> {
        let b = self.bytes(8, what)?;
        b.try_into()
            .map(u64::from_le_bytes)
            .map_err(|_| Bad(format!("instruction data too short for {what}")))
    }

    fn pubkey(&mut self, what: &str) -> Result<Address, Bad> {
        let b = self.bytes(32, what)?;
        b.try_into()
            .map(Address::new)
            .map_err(|_| Bad(format!("instruction data too short for {what}")))
    }

    /// A bincode `String`: u64 LE length, then UTF-8 bytes.
    fn bincode_string(&mut self, what: &str) -> Result<String, Bad> {
        let len = self.u64(what)?;
        let len = usize::try_from(len).map_err(|_| Bad(format!("{what} length is too large")))?;
        let b = self.bytes(len, what)?;
        String::from_utf8(b.to_vec()).map_err(|_| Bad(format!("{what} is not UTF-8")))
    }

    /// An SPL `COption<Pubkey>`: tag 0, or tag 1 and 32 bytes.
    fn coption_pubkey(&mut self, what: &str) -> Result<Option<Address>, Bad> {
        match self.u8(what)? {
            0 => Ok(None),
            1 => Ok(Some(self.pubkey(what)?)),
            t => Err(Bad(format!("{what} has option tag {t}, expected 0 or 1"))),
        }
    }
}

fn field(label: &str, value: impl Into<String>) -> Field {
    Field {
        label: label.into(),
        value: value.into(),
    }
}

fn named_program(a: &Address) -> String {
    let s = a.to_string();
    match program_name(&s) {
        Some(name) => format!("{s} ({name})"),
        None => s,
    }
}

/// Decodes one instruction of `message`.
pub(crate) fn decode(message: &Message, ix: &CompiledInstruction) -> Decoded {
    let program = message
        .program_of(ix)
        .map(|a| a.to_string())
        .unwrap_or_default();
    let mut cur = Ix {
        message,
        ix,
        pos: 0,
    };
    let result = match program.as_str() {
        SYSTEM_PROGRAM => system(&mut cur),
        TOKEN_PROGRAM | TOKEN_2022_PROGRAM => token(&mut cur, program == TOKEN_2022_PROGRAM),
        COMPUTE_BUDGET_PROGRAM => compute_budget(&mut cur),
        ASSOCIATED_TOKEN_PROGRAM => associated_token(&mut cur),
        MEMO_PROGRAM | MEMO_V1_PROGRAM => memo(&cur),
        _ => Ok(Partial {
            name: "unknown".into(),
            fields: vec![
                field("Data length", format!("{} bytes", ix.data.len())),
                field("Data (hex)", hex::encode(&ix.data)),
            ],
            effects: vec![],
            understanding: Understanding::UnknownProgram,
            headline: None,
        }),
    };
    let program_label = program_name(&program)
        .map(str::to_string)
        .unwrap_or_else(|| program.clone());
    match result {
        Ok(p) => Decoded {
            program: program_label,
            name: p.name,
            fields: p.fields,
            effects: p.effects,
            understanding: p.understanding,
            headline: p.headline,
        },
        Err((name, Bad(why))) => Decoded {
            program: program_label,
            name,
            fields: vec![field("Data (hex)", hex::encode(&ix.data))],
            effects: vec![],
            understanding: Understanding::Malformed(why),
            headline: None,
        },
    }
}

/// A decoder's result before the program label is attached.
struct Partial {
    name: String,
    fields: Vec<Field>,
    effects: Vec<Effect>,
    understanding: Understanding,
    headline: Option<String>,
}

impl Partial {
    fn decoded(name: &str, fields: Vec<Field>, effects: Vec<Effect>) -> Self {
        Self {
            name: name.into(),
            fields,
            effects,
            understanding: Understanding::Decoded,
            headline: None,
        }
    }

    fn headline(mut self, h: String) -> Self {
        self.headline = Some(h);
        self
    }
}

type DecodeResult = Result<Partial, (String, Bad)>;

/// Runs `body` and labels a failure with the instruction name.
fn named(name: &str, body: impl FnOnce() -> Result<Partial, Bad>) -> DecodeResult {
    body().map_err(|b| (name.to_string(), b))
}

/// System Program: bincode enum, u32 LE discriminant then fields in declaration order
/// (solana-program `system_instruction.rs`, `SystemInstruction`).
fn system(c: &mut Ix<'_>) -> DecodeResult {
    let tag = c
        .u32("instruction")
        .map_err(|b| ("invalid".to_string(), b))?;
    match tag {
        0 => named("createAccount", || {
            let lamports = c.u64("lamports")?;
            let space = c.u64("space")?;
            let owner = c.pubkey("owner")?;
            let (from, new) = (
                c.account(0, "funding account")?,
                c.account(1, "new account")?,
            );
            Ok(Partial::decoded(
                "createAccount",
                vec![
                    field("From", from.to_string()),
                    field("New account", new.to_string()),
                    field("Amount", format_lamports(lamports)),
                    field("Space", format!("{space} bytes")),
                    field("Owner program", named_program(&owner)),
                ],
                vec![Effect::LamportsOut { from, lamports }],
            ))
        }),
        1 => named("assign", || {
            let owner = c.pubkey("owner")?;
            let account = c.account(0, "account")?;
            Ok(Partial::decoded(
                "assign",
                vec![
                    field("Account", account.to_string()),
                    field("New owner program", named_program(&owner)),
                ],
                vec![Effect::Assign {
                    account,
                    signer: account,
                    owner,
                }],
            ))
        }),
        2 => named("transfer", || {
            let lamports = c.u64("lamports")?;
            let (from, to) = (c.account(0, "from")?, c.account(1, "to")?);
            Ok(Partial::decoded(
                "transfer",
                vec![
                    field("From", from.to_string()),
                    field("To", to.to_string()),
                    field("Amount", format_lamports(lamports)),
                ],
                vec![Effect::LamportsOut { from, lamports }],
            )
            .headline(format!("Send {} to {to}", format_lamports(lamports))))
        }),
        3 => named("createAccountWithSeed", || {
            let base = c.pubkey("base")?;
            let seed = c.bincode_string("seed")?;
            let lamports = c.u64("lamports")?;
            let space = c.u64("space")?;
            let owner = c.pubkey("owner")?;
            let (from, new) = (
                c.account(0, "funding account")?,
                c.account(1, "new account")?,
            );
            Ok(Partial::decoded(
                "createAccountWithSeed",
                vec![
                    field("From", from.to_string()),
                    field("New account", new.to_string()),
                    field("Base", base.to_string()),
                    field("Seed", seed),
                    field("Amount", format_lamports(lamports)),
                    field("Space", format!("{space} bytes")),
                    field("Owner program", named_program(&owner)),
                ],
                vec![Effect::LamportsOut { from, lamports }],
            ))
        }),
        4 => named("advanceNonceAccount", || {
            let nonce = c.account(0, "nonce account")?;
            let authority = c.account(2, "nonce authority")?;
            Ok(Partial::decoded(
                "advanceNonceAccount",
                vec![
                    field("Nonce account", nonce.to_string()),
                    field("Nonce authority", authority.to_string()),
                ],
                vec![Effect::AdvanceNonce],
            ))
        }),
        5 => named("withdrawNonceAccount", || {
            let lamports = c.u64("lamports")?;
            let nonce = c.account(0, "nonce account")?;
            let to = c.account(1, "recipient")?;
            let authority = c.account(4, "nonce authority")?;
            Ok(Partial::decoded(
                "withdrawNonceAccount",
                vec![
                    field("Nonce account", nonce.to_string()),
                    field("To", to.to_string()),
                    field("Amount", format_lamports(lamports)),
                    field("Nonce authority", authority.to_string()),
                ],
                vec![Effect::LamportsOut {
                    from: nonce,
                    lamports,
                }],
            ))
        }),
        6 => named("initializeNonceAccount", || {
            let authority = c.pubkey("authority")?;
            let nonce = c.account(0, "nonce account")?;
            Ok(Partial::decoded(
                "initializeNonceAccount",
                vec![
                    field("Nonce account", nonce.to_string()),
                    field("Nonce authority", authority.to_string()),
                ],
                vec![],
            ))
        }),
        7 => named("authorizeNonceAccount", || {
            let new = c.pubkey("new authority")?;
            let nonce = c.account(0, "nonce account")?;
            let authority = c.account(1, "nonce authority")?;
            Ok(Partial::decoded(
                "authorizeNonceAccount",
                vec![
                    field("Nonce account", nonce.to_string()),
                    field("Current authority", authority.to_string()),
                    field("New authority", new.to_string()),
                ],
                vec![Effect::NonceAuthority { authority, new }],
            ))
        }),
        8 => named("allocate", || {
            let space = c.u64("space")?;
            let account = c.account(0, "account")?;
            Ok(Partial::decoded(
                "allocate",
                vec![
                    field("Account", account.to_string()),
                    field("Space", format!("{space} bytes")),
                ],
                vec![],
            ))
        }),
        9 => named("allocateWithSeed", || {
            let base = c.pubkey("base")?;
            let seed = c.bincode_string("seed")?;
            let space = c.u64("space")?;
            let owner = c.pubkey("owner")?;
            let account = c.account(0, "account")?;
            Ok(Partial::decoded(
                "allocateWithSeed",
                vec![
                    field("Account", account.to_string()),
                    field("Base", base.to_string()),
                    field("Seed", seed),
                    field("Space", format!("{space} bytes")),
                    field("Owner program", named_program(&owner)),
                ],
                vec![],
            ))
        }),
        10 => named("assignWithSeed", || {
            let _base = c.pubkey("base")?;
            let seed = c.bincode_string("seed")?;
            let owner = c.pubkey("owner")?;
            let account = c.account(0, "account")?;
            let base = c.account(1, "base")?;
            Ok(Partial::decoded(
                "assignWithSeed",
                vec![
                    field("Account", account.to_string()),
                    field("Base", base.to_string()),
                    field("Seed", seed),
                    field("New owner program", named_program(&owner)),
                ],
                vec![Effect::Assign {
                    account,
                    signer: base,
                    owner,
                }],
            ))
        }),
        11 => named("transferWithSeed", || {
            let lamports = c.u64("lamports")?;
            let seed = c.bincode_string("seed")?;
            let from_owner = c.pubkey("from owner")?;
            let from = c.account(0, "funding account")?;
            let base = c.account(1, "base")?;
            let to = c.account(2, "to")?;
            Ok(Partial::decoded(
                "transferWithSeed",
                vec![
                    field("From", from.to_string()),
                    field("Base", base.to_string()),
                    field("To", to.to_string()),
                    field("Amount", format_lamports(lamports)),
                    field("Seed", seed),
                    field("From owner program", named_program(&from_owner)),
                ],
                vec![Effect::LamportsOut { from, lamports }],
            )
            .headline(format!("Send {} to {to}", format_lamports(lamports))))
        }),
        12 => named("upgradeNonceAccount", || {
            let nonce = c.account(0, "nonce account")?;
            Ok(Partial::decoded(
                "upgradeNonceAccount",
                vec![field("Nonce account", nonce.to_string())],
                vec![],
            ))
        }),
        n => Ok(unknown_instruction(n)),
    }
}

fn unknown_instruction(tag: u32) -> Partial {
    Partial {
        name: format!("instruction {tag}"),
        fields: vec![],
        effects: vec![],
        understanding: Understanding::UnknownInstruction,
        headline: None,
    }
}

fn name_only(name: &str) -> Partial {
    Partial {
        name: name.into(),
        fields: vec![],
        effects: vec![],
        understanding: Understanding::NameOnly,
        headline: None,
    }
}

/// Token `AuthorityType` (spl-token-2022 `instruction.rs`; 0-3 are shared with spl-token).
fn authority_type(t: u8) -> String {
    match t {
        0 => "mint tokens".into(),
        1 => "freeze account".into(),
        2 => "account owner".into(),
        3 => "close account".into(),
        4 => "transfer fee config".into(),
        5 => "withheld withdraw".into(),
        6 => "close mint".into(),
        7 => "interest rate".into(),
        8 => "permanent delegate".into(),
        9 => "confidential transfer mint".into(),
        10 => "transfer hook program id".into(),
        11 => "confidential transfer fee config".into(),
        12 => "metadata pointer".into(),
        13 => "group pointer".into(),
        14 => "group member pointer".into(),
        n => format!("authority type {n}"),
    }
}

/// SPL Token and Token-2022: u8 discriminant, then packed little-endian fields
/// (spl-token `instruction.rs` `TokenInstruction::unpack`). Accounts are the single-signer
/// forms; with a multisig authority the named authority is the multisig account.
fn token(c: &mut Ix<'_>, is_2022: bool) -> DecodeResult {
    let tag = c
        .u8("instruction")
        .map_err(|b| ("invalid".to_string(), b))?;
    let raw =
        |amount: u64| format!("{amount} (raw units; this instruction does not state decimals)");
    match tag {
        3 => named("transfer", || {
            let amount = c.u64("amount")?;
            let (src, dst, auth) = (
                c.account(0, "source")?,
                c.account(1, "destination")?,
                c.account(2, "authority")?,
            );
            Ok(Partial::decoded(
                "transfer",
                vec![
                    field("Source", src.to_string()),
                    field("Destination", dst.to_string()),
                    field("Authority", auth.to_string()),
                    field("Amount", raw(amount)),
                ],
                vec![],
            )
            .headline(format!("Send {amount} raw token units to {dst}")))
        }),
        4 => named("approve", || {
            let amount = c.u64("amount")?;
            let (src, delegate, owner) = (
                c.account(0, "source")?,
                c.account(1, "delegate")?,
                c.account(2, "owner")?,
            );
            Ok(Partial::decoded(
                "approve",
                vec![
                    field("Source", src.to_string()),
                    field("Delegate", delegate.to_string()),
                    field("Owner", owner.to_string()),
                    field("Amount", raw(amount)),
                ],
                vec![Effect::Approve {
                    source: src,
                    delegate,
                    amount: amount.to_string(),
                    unlimited: amount == u64::MAX,
                }],
            ))
        }),
        5 => named("revoke", || {
            let (src, owner) = (c.account(0, "source")?, c.account(1, "owner")?);
            Ok(Partial::decoded(
                "revoke",
                vec![
                    field("Source", src.to_string()),
                    field("Owner", owner.to_string()),
                ],
                vec![],
            ))
        }),
        6 => named("setAuthority", || {
            let kind = authority_type(c.u8("authority type")?);
            let new = c.coption_pubkey("new authority")?;
            let (target, authority) = (
                c.account(0, "mint or account")?,
                c.account(1, "current authority")?,
            );
            Ok(Partial::decoded(
                "setAuthority",
                vec![
                    field("Mint or account", target.to_string()),
                    field("Authority type", kind.clone()),
                    field("Current authority", authority.to_string()),
                    field(
                        "New authority",
                        new.map(|a| a.to_string())
                            .unwrap_or_else(|| "none (removed permanently)".into()),
                    ),
                ],
                vec![Effect::SetAuthority {
                    target,
                    authority,
                    kind,
                    new,
                }],
            ))
        }),
        7 | 8 => {
            let name = if tag == 7 { "mintTo" } else { "burn" };
            named(name, || {
                let amount = c.u64("amount")?;
                let (a0, a1, auth) = (
                    c.account(0, "first account")?,
                    c.account(1, "second account")?,
                    c.account(2, "authority")?,
                );
                let (mint, account) = if tag == 7 { (a0, a1) } else { (a1, a0) };
                Ok(Partial::decoded(
                    name,
                    vec![
                        field("Mint", mint.to_string()),
                        field(
                            if tag == 7 { "Destination" } else { "Account" },
                            account.to_string(),
                        ),
                        field("Authority", auth.to_string()),
                        field("Amount", raw(amount)),
                    ],
                    vec![],
                ))
            })
        }
        9 => named("closeAccount", || {
            let (account, destination, owner) = (
                c.account(0, "account")?,
                c.account(1, "destination")?,
                c.account(2, "owner")?,
            );
            Ok(Partial::decoded(
                "closeAccount",
                vec![
                    field("Account", account.to_string()),
                    field("Rent to", destination.to_string()),
                    field("Owner", owner.to_string()),
                ],
                vec![Effect::Close {
                    account,
                    destination,
                    owner,
                }],
            ))
        }),
        12 => named("transferChecked", || {
            let amount = c.u64("amount")?;
            let decimals = c.u8("decimals")?;
            let (src, mint, dst, auth) = (
                c.account(0, "source")?,
                c.account(1, "mint")?,
                c.account(2, "destination")?,
                c.account(3, "authority")?,
            );
            let shown = format_token_amount(amount, decimals);
            Ok(Partial::decoded(
                "transferChecked",
                vec![
                    field("Source", src.to_string()),
                    field("Mint", mint.to_string()),
                    field("Destination", dst.to_string()),
                    field("Authority", auth.to_string()),
                    field("Amount", shown.clone()),
                    field("Raw amount", amount.to_string()),
                    field("Decimals", decimals.to_string()),
                ],
                vec![],
            )
            .headline(format!("Send {shown} of token {mint} to {dst}")))
        }),
        13 => named("approveChecked", || {
            let amount = c.u64("amount")?;
            let decimals = c.u8("decimals")?;
            let (src, mint, delegate, owner) = (
                c.account(0, "source")?,
                c.account(1, "mint")?,
                c.account(2, "delegate")?,
                c.account(3, "owner")?,
            );
            let shown = format_token_amount(amount, decimals);
            Ok(Partial::decoded(
                "approveChecked",
                vec![
                    field("Source", src.to_string()),
                    field("Mint", mint.to_string()),
                    field("Delegate", delegate.to_string()),
                    field("Owner", owner.to_string()),
                    field("Amount", shown.clone()),
                    field("Raw amount", amount.to_string()),
                    field("Decimals", decimals.to_string()),
                ],
                vec![Effect::Approve {
                    source: src,
                    delegate,
                    amount: shown,
                    unlimited: amount == u64::MAX,
                }],
            ))
        }),
        14 | 15 => {
            let name = if tag == 14 {
                "mintToChecked"
            } else {
                "burnChecked"
            };
            named(name, || {
                let amount = c.u64("amount")?;
                let decimals = c.u8("decimals")?;
                let (a0, a1, auth) = (
                    c.account(0, "first account")?,
                    c.account(1, "second account")?,
                    c.account(2, "authority")?,
                );
                let (mint, account) = if tag == 14 { (a0, a1) } else { (a1, a0) };
                Ok(Partial::decoded(
                    name,
                    vec![
                        field("Mint", mint.to_string()),
                        field(
                            if tag == 14 { "Destination" } else { "Account" },
                            account.to_string(),
                        ),
                        field("Authority", auth.to_string()),
                        field("Amount", format_token_amount(amount, decimals)),
                        field("Raw amount", amount.to_string()),
                        field("Decimals", decimals.to_string()),
                    ],
                    vec![],
                ))
            })
        }
        0 => Ok(name_only("initializeMint")),
        1 => Ok(name_only("initializeAccount")),
        2 => Ok(name_only("initializeMultisig")),
        10 => Ok(name_only("freezeAccount")),
        11 => Ok(name_only("thawAccount")),
        16 => Ok(name_only("initializeAccount2")),
        17 => Ok(name_only("syncNative")),
        18 => Ok(name_only("initializeAccount3")),
        19 => Ok(name_only("initializeMultisig2")),
        20 => Ok(name_only("initializeMint2")),
        21 => Ok(name_only("getAccountDataSize")),
        22 => Ok(name_only("initializeImmutableOwner")),
        23 => Ok(name_only("amountToUiAmount")),
        24 => Ok(name_only("uiAmountToAmount")),
        n if is_2022 => Ok(Partial {
            name: format!("extension instruction {n}"),
            ..unknown_instruction(u32::from(n))
        }),
        n => Ok(unknown_instruction(u32::from(n))),
    }
}

/// Compute Budget: borsh enum, u8 discriminant (solana-sdk `compute_budget.rs`,
/// `ComputeBudgetInstruction`).
fn compute_budget(c: &mut Ix<'_>) -> DecodeResult {
    let tag = c
        .u8("instruction")
        .map_err(|b| ("invalid".to_string(), b))?;
    match tag {
        0 => Ok(name_only("requestUnits (deprecated)")),
        1 => named("requestHeapFrame", || {
            let bytes = c.u32("bytes")?;
            Ok(Partial::decoded(
                "requestHeapFrame",
                vec![field("Heap size", format!("{bytes} bytes"))],
                vec![],
            ))
        }),
        2 => named("setComputeUnitLimit", || {
            let units = c.u32("units")?;
            Ok(Partial::decoded(
                "setComputeUnitLimit",
                vec![field("Compute unit limit", units.to_string())],
                vec![Effect::ComputeUnitLimit(units)],
            ))
        }),
        3 => named("setComputeUnitPrice", || {
            let price = c.u64("micro-lamports")?;
            Ok(Partial::decoded(
                "setComputeUnitPrice",
                vec![field(
                    "Compute unit price",
                    format!("{price} micro-lamports per compute unit"),
                )],
                vec![Effect::ComputeUnitPrice(price)],
            ))
        }),
        4 => named("setLoadedAccountsDataSizeLimit", || {
            let bytes = c.u32("bytes")?;
            Ok(Partial::decoded(
                "setLoadedAccountsDataSizeLimit",
                vec![field(
                    "Loaded accounts data limit",
                    format!("{bytes} bytes"),
                )],
                vec![],
            ))
        }),
        n => Ok(unknown_instruction(u32::from(n))),
    }
}

/// Associated Token Account: empty data or borsh u8 0 = create, 1 = createIdempotent,
/// 2 = recoverNested (spl-associated-token-account `instruction.rs`). Accounts: payer,
/// associated account, wallet, mint, system program, token program.
fn associated_token(c: &mut Ix<'_>) -> DecodeResult {
    let tag = if c.ix.data.is_empty() {
        0
    } else {
        c.u8("instruction")
            .map_err(|b| ("invalid".to_string(), b))?
    };
    let name = match tag {
        0 => "create",
        1 => "createIdempotent",
        2 => return Ok(name_only("recoverNested")),
        n => return Ok(unknown_instruction(u32::from(n))),
    };
    named(name, || {
        let payer = c.account(0, "payer")?;
        let ata = c.account(1, "associated token account")?;
        let wallet = c.account(2, "wallet")?;
        let mint = c.account(3, "mint")?;
        let token_program = c.account(5, "token program")?;
        Ok(Partial::decoded(
            name,
            vec![
                field("Payer", payer.to_string()),
                field("Associated token account", ata.to_string()),
                field("Wallet", wallet.to_string()),
                field("Mint", mint.to_string()),
                field(
                    "Token program",
                    match token_program {
                        AccountRef::Static(a) => named_program(&a),
                        other => other.to_string(),
                    },
                ),
            ],
            vec![],
        ))
    })
}

/// Memo: the data is the UTF-8 memo; the program rejects anything else.
fn memo(c: &Ix<'_>) -> DecodeResult {
    match core::str::from_utf8(&c.ix.data) {
        Ok(text) => Ok(Partial::decoded("memo", vec![field("Memo", text)], vec![])),
        Err(_) => Err(("memo".into(), Bad("memo is not UTF-8".into()))),
    }
}
