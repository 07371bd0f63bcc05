//! Signing transactions and arbitrary messages with an Ed25519 key.
//!
//! A transaction signature covers exactly the message bytes (everything after the signature
//! list), so signing is: parse and validate, find our slot, sign those bytes, write the 64
//! bytes into our slot. Every other byte, including other signers' slots, is left as it was.

use super::address::Address;
use super::message::Message;
use super::transaction::Transaction;
use super::wire::Reader;
use super::SolError;
use crate::keys::ed25519::Ed25519PrivateKey;

/// The signing-domain prefix of Solana off-chain messages (`\xff` + "solana offchain").
/// No transaction message can start with `0xff` (it would be version 127).
pub const OFFCHAIN_MESSAGE_PREFIX: &[u8; 16] = b"\xffsolana offchain";

/// Signs a serialized transaction (legacy or v0) and returns it with our signature in place.
///
/// Fails with [`SolError::NotARequiredSigner`] if our public key is not among the message's
/// required signers, and with [`SolError::Wire`] for anything malformed.
pub fn sign_transaction(key: &Ed25519PrivateKey, wire: &[u8]) -> Result<Vec<u8>, SolError> {
    let mut tx = Transaction::parse(wire)?;
    let me = Address::from_public_key(&key.public_key());
    let slot = tx.signer_slot(&me).ok_or(SolError::NotARequiredSigner)?;
    let signature = key.sign(tx.message_bytes());
    if !tx.set_signature(slot, signature) {
        // signer_slot only returns indexes below num_required_signatures == slot count.
        return Err(SolError::NotARequiredSigner);
    }
    Ok(tx.serialize())
}

/// Signs every transaction, or none: the first failure is returned with its position.
pub fn sign_all_transactions<T: AsRef<[u8]>>(
    key: &Ed25519PrivateKey,
    wires: &[T],
) -> Result<Vec<Vec<u8>>, SolError> {
    wires
        .iter()
        .enumerate()
        .map(|(index, w)| {
            sign_transaction(key, w.as_ref()).map_err(|e| SolError::InBatch {
                index,
                source: Box::new(e),
            })
        })
        .collect()
}

/// Signs arbitrary bytes (`solana:signMessage`) after [`check_signable_message`].
pub fn sign_message(key: &Ed25519PrivateKey, message: &[u8]) -> Result<[u8; 64], SolError> {
    check_signable_message(message)?;
    Ok(key.sign(message))
}

/// Refuses bytes a dapp could use to obtain a signature that means more than "I saw this
/// message" (docs/solana.md §Messages):
///
/// - any input whose *prefix* is a valid legacy or v0 message: that signature would
///   authorise the transaction. A prefix, not the whole input, because trailing bytes must not
///   be a way around the check;
/// - any input starting with a version byte `0x81..=0xfe` whose prefix reads as a message in
///   the v0 layout or in the v1 layout of SIMD-0385 (version byte 129, signatures *after*
///   the message, already listed by the Wallet Standard). This wallet does not sign v1
///   transactions yet, but a signature given today must not become one;
/// - input starting with the off-chain message prefix `\xffsolana offchain`: verifiers read
///   it as a structured off-chain message (application domain, signer list) that this wallet
///   does not decode for the user.
pub fn check_signable_message(message: &[u8]) -> Result<(), SolError> {
    if message.starts_with(OFFCHAIN_MESSAGE_PREFIX) {
        return Err(SolError::OffchainMessage);
    }
    if is_transaction_message_prefix(message) {
        return Err(SolError::MessageIsTransaction);
    }
    Ok(())
}

/// Whether some prefix of `bytes` is a transaction message: legacy or v0 passing every
/// validation rule, or, behind any other version byte below `0xff`, the v0 or v1 layout.
fn is_transaction_message_prefix(bytes: &[u8]) -> bool {
    let valid = |b: &[u8]| {
        let mut r = Reader::new(b);
        Message::read(&mut r).is_ok_and(|m| m.validate().is_ok())
    };
    match bytes.first() {
        None => false,
        Some(&b) if b & 0x80 == 0 || b == 0x80 => valid(bytes),
        Some(0xff) => false,
        Some(_) => {
            // Read the rest as v0: swap in the v0 prefix on a copy.
            let mut as_v0 = bytes.to_vec();
            if let Some(first) = as_v0.first_mut() {
                *first = 0x80;
            }
            valid(&as_v0) || is_v1_message_prefix(bytes)
        }
    }
}

/// Whether a prefix of `bytes` (after its version byte) has the SIMD-0385 v1 message layout:
///
/// ```text
/// u8 version, 3 x u8 header, u8 num_instructions, u32 LE config mask, 32 lifetime,
/// u8 num_addresses, num_addresses x 32, popcount(mask) x 4 config values,
/// num_instructions x (u8 program, u8 num_accounts, u16 LE data length),
/// then per instruction its account indexes and data
/// ```
///
/// The proposal is still under review, so only its structure and the header and index rules
/// shared with earlier versions are checked: a looser check refuses more, which is the safe
/// direction here.
fn is_v1_message_prefix(bytes: &[u8]) -> bool {
    fn read(r: &mut Reader<'_>) -> Option<()> {
        r.u8("version").ok()?;
        let required = r.u8("header").ok()?;
        let readonly_signed = r.u8("header").ok()?;
        let readonly_unsigned = r.u8("header").ok()?;
        if required == 0 || readonly_signed >= required {
            return None;
        }
        let num_instructions = r.u8("instructions").ok()?;
        let mask = u32::from_le_bytes(r.array::<4>("config mask").ok()?);
        r.take(32, "lifetime").ok()?;
        let num_addresses = r.u8("addresses").ok()?;
        if u16::from(num_addresses)
            < u16::from(required).saturating_add(u16::from(readonly_unsigned))
        {
            return None;
        }
        r.take(usize::from(num_addresses).saturating_mul(32), "addresses")
            .ok()?;
        let config_words = usize::try_from(mask.count_ones()).ok()?;
        r.take(config_words.saturating_mul(4), "config values")
            .ok()?;
        let mut headers = Vec::with_capacity(usize::from(num_instructions));
        for _ in 0..num_instructions {
            let program = r.u8("program").ok()?;
            let accounts = r.u8("accounts").ok()?;
            let data = u16::from_le_bytes(r.array::<2>("data length").ok()?);
            if program >= num_addresses {
                return None;
            }
            headers.push((accounts, data));
        }
        for (accounts, data) in headers {
            let indexes = r.take(usize::from(accounts), "account indexes").ok()?;
            if indexes.iter().any(|&i| i >= num_addresses) {
                return None;
            }
            r.take(usize::from(data), "data").ok()?;
        }
        Some(())
    }
    read(&mut Reader::new(bytes)).is_some()
}
