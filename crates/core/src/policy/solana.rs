//! Reading Solana transactions for the policy (`docs/policy.md` §Solana).
//!
//! Only the instructions that move value from the signer are decoded (System, SPL Token and
//! Token-2022 layouts as the programs read them: little-endian integers, bincode strings);
//! everything else must come from a program the policy trusts.

use alloy_primitives::U256;
use sha2::{Digest, Sha256};

use super::document::SolanaToken;
use super::evaluate::{Asset, Findings};
use crate::chains::solana::{
    AccountRef, Address, Base64Bytes, CompiledInstruction, Message, SolError, Transaction,
    ASSOCIATED_TOKEN_PROGRAM, COMPUTE_BUDGET_PROGRAM, MEMO_PROGRAM, MEMO_V1_PROGRAM,
    SYSTEM_PROGRAM, TOKEN_2022_PROGRAM, TOKEN_PROGRAM,
};

/// The chain a Solana request is for when it does not say.
pub(crate) const DEFAULT_CHAIN: &str = "solana:mainnet";

/// `solana_signTransaction` and `solana_signAllTransactions`.
pub(super) fn transactions(
    f: &mut Findings<'_>,
    transactions: &[String],
    chain: Option<&str>,
    signer: &Address,
) -> Result<(), SolError> {
    // Parse everything first, so a malformed batch is the signing error, not a policy one.
    let mut parsed = Vec::with_capacity(transactions.len());
    for (index, text) in transactions.iter().enumerate() {
        let tx = Base64Bytes::from_base64(text)
            .and_then(|b| Transaction::parse(&b.0).map_err(SolError::from));
        match tx {
            Ok(tx) => parsed.push(tx),
            Err(e) if transactions.len() == 1 => return Err(e),
            Err(e) => {
                return Err(SolError::InBatch {
                    index,
                    source: Box::new(e),
                })
            }
        }
    }
    if !f.chain(chain.unwrap_or(DEFAULT_CHAIN)) {
        return Ok(());
    }
    for tx in &parsed {
        let message = tx.message();
        for (n, ix) in message.instructions.iter().enumerate() {
            instruction(f, message, ix, n, signer);
        }
        f.end_transaction();
    }
    Ok(())
}

fn instruction(
    f: &mut Findings<'_>,
    message: &Message,
    ix: &CompiledInstruction,
    n: usize,
    signer: &Address,
) {
    let Some(program) = message.program_of(ix).copied() else {
        f.unlisted(format!("instruction {n} has no program"));
        return;
    };
    let program_text = program.to_string();
    let r = Ix { message, ix };
    let understood = match program_text.as_str() {
        SYSTEM_PROGRAM => system(f, &r, n, signer),
        TOKEN_PROGRAM | TOKEN_2022_PROGRAM => token(f, &r, n, signer, &program),
        COMPUTE_BUDGET_PROGRAM | MEMO_PROGRAM | MEMO_V1_PROGRAM => true,
        ASSOCIATED_TOKEN_PROGRAM => matches!(ix.data.as_slice(), [] | [0] | [1]),
        _ => false,
    };
    if !understood {
        f.note(format!("instruction {n}: program {program_text}"));
        if !f.policy.rules.solana.allow_programs.contains(&program) {
            f.unlisted(format!(
                "program {program_text} is not allowed by the policy"
            ));
        }
    }
}

/// `true` if the instruction was read (and reported), `false` if only `allowPrograms` can allow it.
fn system(f: &mut Findings<'_>, r: &Ix<'_>, n: usize, signer: &Address) -> bool {
    let Some(tag) = r.u32(0) else { return false };
    // (lamports offset in data, index of the paying account, index of the destination)
    let layout = match tag {
        0 => r.u64(4).map(|l| (l, 0, 1)), // CreateAccount
        2 => r.u64(4).map(|l| (l, 0, 1)), // Transfer
        3 => create_with_seed_lamports(r).map(|l| (l, 0, 1)), // CreateAccountWithSeed
        5 => r.u64(4).map(|l| (l, 4, 1)), // WithdrawNonceAccount (authority pays)
        11 => r.u64(4).map(|l| (l, 1, 2)), // TransferWithSeed (base authorizes)
        4 => return true,                 // AdvanceNonceAccount
        _ => return false,
    };
    let Some((lamports, payer, destination)) = layout else {
        f.unlisted(format!(
            "instruction {n} of the System program does not decode"
        ));
        return true;
    };
    if !r.is(payer, signer) {
        return true;
    }
    let Some(to) = r.account(destination) else {
        f.unlisted(format!(
            "instruction {n} of the System program does not decode"
        ));
        return true;
    };
    f.note(format!("send {lamports} lamports to {to}"));
    match to.address() {
        Some(to) => {
            recipient(f, to, None);
        }
        None => f.unlisted(format!(
            "the recipient of instruction {n} comes from an address lookup table, which the policy cannot see"
        )),
    }
    let rules = &f.policy.rules.solana;
    let asset = Asset {
        key: "solana:native".to_owned(),
        unit: "lamports".to_owned(),
        max_per_tx: rules.max_lamports,
        windows: &rules.windows,
    };
    f.spend(asset, U256::from(lamports));
    true
}

/// CreateAccountWithSeed: base (32), seed (bincode string), lamports, space, owner.
fn create_with_seed_lamports(r: &Ix<'_>) -> Option<u64> {
    let seed_len = usize::try_from(r.u64(36)?).ok()?;
    r.u64(44usize.checked_add(seed_len)?)
}

fn token(f: &mut Findings<'_>, r: &Ix<'_>, n: usize, signer: &Address, program: &Address) -> bool {
    let Some(tag) = r.ix.data.first().copied() else {
        return false;
    };
    match tag {
        // TransferChecked: [source, mint, destination, authority, ...signers]
        // ApproveChecked: [source, mint, delegate, owner, ...signers]
        12 | 13 => {
            if !r.is_from(3, signer) {
                return true;
            }
            let (Some(amount), Some(mint), Some(to)) = (r.u64(1), r.account(1), r.account(2))
            else {
                f.unlisted(format!(
                    "instruction {n} of the Token program does not decode"
                ));
                return true;
            };
            let what = if tag == 12 { "transfer" } else { "approve" };
            f.note(format!("{what} {amount} base units of mint {mint} to {to}"));
            let (Some(mint), Some(to)) = (mint.address(), to.address()) else {
                f.unlisted(format!(
                    "the mint or the destination of instruction {n} comes from an address lookup table, which the policy cannot see"
                ));
                return true;
            };
            recipient(f, to, Some((mint, program)));
            let rules = &f.policy.rules.solana;
            match rules.tokens.iter().find(|t| t.mint == *mint) {
                Some(token) => f.spend(spl(token), U256::from(amount)),
                None => f.unlisted(format!("token mint {mint} is not listed in the policy")),
            }
            true
        }
        // Transfer: [source, destination, authority, ...]; Approve: [source, delegate, owner, ...]
        3 | 4 => {
            if r.is_from(2, signer) {
                f.note(format!(
                    "instruction {n}: unchecked token transfer or approval"
                ));
                f.unlisted(format!(
                    "instruction {n} moves tokens without naming the mint (Transfer/Approve); the policy needs TransferChecked/ApproveChecked"
                ));
            }
            true
        }
        5 => true, // Revoke
        _ => false,
    }
}

/// Checks a destination against `denyRecipients` and `allowRecipients`. For a token transfer
/// (`token` = mint and token program) an entry also matches its associated token account.
fn recipient(f: &mut Findings<'_>, to: &Address, token: Option<(&Address, &Address)>) {
    let rules = &f.policy.rules.solana;
    let matches = |entry: &Address| {
        entry == to
            || token.is_some_and(|(mint, program)| {
                associated_token_address(entry, mint, program).as_ref() == Some(to)
            })
    };
    if rules.deny_recipients.iter().any(matches) {
        f.deny(format!("recipient {to} is on the policy's deny list"));
        return;
    }
    if let Some(allowed) = &rules.allow_recipients {
        if !allowed.iter().any(matches) {
            f.unlisted(format!("recipient {to} is not an allowed recipient"));
        }
    }
}

fn spl(token: &SolanaToken) -> Asset<'_> {
    Asset {
        key: format!("solana:spl:{}", token.mint),
        unit: format!("base units of mint {}", token.mint),
        max_per_tx: token.max_amount,
        windows: &token.windows,
    }
}

/// The associated token account of `owner` for `mint` under `token_program`: the program
/// derived address of the Associated Token Account program for the seeds
/// `[owner, token_program, mint]` (SPL `get_associated_token_address_with_program_id`).
pub fn associated_token_address(
    owner: &Address,
    mint: &Address,
    token_program: &Address,
) -> Option<Address> {
    let ata_program = Address::parse(ASSOCIATED_TOKEN_PROGRAM).ok()?;
    find_program_address(
        &[owner.as_bytes(), token_program.as_bytes(), mint.as_bytes()],
        &ata_program,
    )
}

/// Solana's `find_program_address`: the first bump from 255 down whose
/// `SHA-256(seeds || bump || program || "ProgramDerivedAddress")` is not an Ed25519 point.
fn find_program_address(seeds: &[&[u8; 32]], program: &Address) -> Option<Address> {
    for bump in (0..=255u8).rev() {
        let mut h = Sha256::new();
        for s in seeds {
            h.update(s);
        }
        h.update([bump]);
        h.update(program.as_bytes());
        h.update(b"ProgramDerivedAddress");
        let candidate = Address::new(h.finalize().into());
        if candidate.to_public_key().is_err() {
            return Some(candidate);
        }
    }
    None
}

/// An instruction's data and accounts, every read checked.
struct Ix<'m> {
    message: &'m Message,
    ix: &'m CompiledInstruction,
}

impl Ix<'_> {
    fn account(&self, n: usize) -> Option<AccountRef> {
        self.ix
            .accounts
            .get(n)
            .and_then(|&i| self.message.account(i))
    }

    /// Whether account `n` is `who`.
    fn is(&self, n: usize, who: &Address) -> bool {
        self.account(n).is_some_and(|a| a.address() == Some(who))
    }

    /// Whether `who` is the authority at `n` or one of the multisig signers after it.
    fn is_from(&self, n: usize, who: &Address) -> bool {
        (n..self.ix.accounts.len()).any(|i| self.is(i, who))
    }

    fn bytes<const N: usize>(&self, at: usize) -> Option<[u8; N]> {
        let slice = self.ix.data.get(at..at.checked_add(N)?)?;
        <[u8; N]>::try_from(slice).ok()
    }

    fn u32(&self, at: usize) -> Option<u32> {
        self.bytes::<4>(at).map(u32::from_le_bytes)
    }

    fn u64(&self, at: usize) -> Option<u64> {
        self.bytes::<8>(at).map(u64::from_le_bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn associated_token_addresses_match_published_examples() {
        // metaplex-foundation/Solana.Swift Tests: AssociatedTokenProgramTests (USDC) and
        // PublicKeyTest.testAssociatedAddress; both for the original Token program.
        let token = Address::parse(TOKEN_PROGRAM).unwrap();
        let cases = [
            (
                "3h1zGmCwsRJnVk5BuRNMLsPaQu1y2aqXqXDWYCgrp5UG",
                "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v",
                "3uetDDizgTtadDHZzyy9BqxrjQcozMEkxzbKhfZF4tG3",
            ),
            (
                "5Zzguz4NsSRFxGkHfM4FmsFpGZiCDtY72zH2jzMcqkJx",
                "6AUM4fSvCAxCugrbJPFxTqYFp9r3axYx973yoSyzDYVH",
                "4PsGEFn43xc7ztymrt77XfUE4FespyNm6KuYYmsstz5L",
            ),
        ];
        for (owner, mint, ata) in cases {
            let got = associated_token_address(
                &Address::parse(owner).unwrap(),
                &Address::parse(mint).unwrap(),
                &token,
            )
            .unwrap();
            assert_eq!(got.to_string(), ata);
        }
    }
}
