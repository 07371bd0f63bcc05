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
///   be a way around the check. Versions 1 to 126, which no validator accepts today, are
///   read with the v0 layout and refused too, so a future format cannot turn an old
///   signature into a transaction;
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

/// Whether some prefix of `bytes` is a valid transaction message (any version prefix below
/// 127 read with the v0 layout).
fn is_transaction_message_prefix(bytes: &[u8]) -> bool {
    let mut r = Reader::new(bytes);
    match bytes.first() {
        Some(&b) if b & 0x80 != 0 && b != 0xff => {
            // Read the rest as v0: swap in the v0 prefix on a copy.
            let mut as_v0 = bytes.to_vec();
            if let Some(first) = as_v0.first_mut() {
                *first = 0x80;
            }
            let mut r = Reader::new(&as_v0);
            Message::read(&mut r).is_ok_and(|m| m.validate().is_ok())
        }
        Some(_) => Message::read(&mut r).is_ok_and(|m| m.validate().is_ok()),
        None => false,
    }
}
