//! A serialized transaction: `compact-u16 n || n x 64-byte signatures || message`.
//!
//! Signature slot `i` belongs to account key `i`; the signed bytes are exactly the message
//! bytes that follow the signature list (docs/solana.md §Transaction).

use super::message::Message;
use super::wire::{write_compact_u16, Reader, WireError};

/// The first byte of a v1 transaction.
const V1_VERSION_BYTE: u8 = 0x81;

/// A parsed, validated transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transaction {
    /// One slot per required signer; unsigned slots are all zero by convention.
    signatures: Vec<[u8; 64]>,
    /// The message.
    message: Message,
    /// The exact message bytes from the wire: what the signers sign.
    message_bytes: Vec<u8>,
}

impl Transaction {
    /// Parses wire bytes, validates the message, and checks there is exactly one signature
    /// slot per required signer and nothing after the message.
    pub fn parse(wire: &[u8]) -> Result<Self, WireError> {
        // A v1 transaction (SIMD-0385) starts with its version byte 129 and puts the
        // signatures after the message. Read as a legacy/v0 signature count, 0x81 would
        // announce at least 129 slots (8 KiB), more than any transaction can carry.
        if wire.first() == Some(&V1_VERSION_BYTE) {
            return Err(WireError::UnsupportedVersion { version: 1 });
        }
        let mut r = Reader::new(wire);
        let count = r.compact_u16("signature count")?;
        let mut signatures = Vec::with_capacity(usize::from(count).min(r.remaining() / 64));
        for _ in 0..count {
            signatures.push(r.array::<64>("signature")?);
        }
        let message_start = r.position();
        let message = Message::read(&mut r)?;
        if r.remaining() != 0 {
            return Err(WireError::TrailingBytes {
                count: r.remaining(),
            });
        }
        message.validate()?;
        if signatures.len() != usize::from(message.header.num_required_signatures) {
            return Err(WireError::SignatureCountMismatch {
                signatures: signatures.len(),
                required: message.header.num_required_signatures,
            });
        }
        let message_bytes = wire
            .get(message_start..)
            .ok_or(WireError::Truncated {
                what: "message",
                offset: message_start,
            })?
            .to_vec();
        Ok(Self {
            signatures,
            message,
            message_bytes,
        })
    }

    /// The signature slots, one per required signer, in account-key order.
    pub fn signatures(&self) -> &[[u8; 64]] {
        &self.signatures
    }

    /// The parsed message.
    pub fn message(&self) -> &Message {
        &self.message
    }

    /// Puts `signature` into slot `slot`; `false` if there is no such slot.
    pub fn set_signature(&mut self, slot: usize, signature: [u8; 64]) -> bool {
        match self.signatures.get_mut(slot) {
            Some(s) => {
                *s = signature;
                true
            }
            None => false,
        }
    }

    /// The bytes every signer signs.
    pub fn message_bytes(&self) -> &[u8] {
        &self.message_bytes
    }

    /// The wire bytes; for a parsed transaction, exactly the input with current signatures.
    pub fn serialize(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(
            self.signatures
                .len()
                .saturating_mul(64)
                .saturating_add(3)
                .saturating_add(self.message_bytes.len()),
        );
        // The count equals num_required_signatures (a u8) and cannot change, so it fits.
        let _ = write_compact_u16(&mut out, self.signatures.len(), "signatures");
        for s in &self.signatures {
            out.extend_from_slice(s);
        }
        out.extend_from_slice(&self.message_bytes);
        out
    }

    /// The slot of `signer`, if it is one of the required signers.
    pub fn signer_slot(&self, signer: &super::Address) -> Option<usize> {
        self.message.signers().iter().position(|k| k == signer)
    }
}
