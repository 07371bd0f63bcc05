//! Byte-level reading and writing for the Solana wire format, and its error type.
//!
//! Lengths are "compact-u16" (`short_vec` in the Solana SDK): 7 bits per byte, least
//! significant first, high bit = more bytes follow, at most 3 bytes. Like the validator, this
//! reader accepts only the canonical (shortest) encoding, so that parsing and serialising are
//! inverse functions and no two byte strings mean the same transaction. docs/solana.md §Wire.

/// Why bytes are not a valid Solana transaction or message.
///
/// Every variant names where the problem is, so a dapp developer can find the bad byte.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WireError {
    /// The input ends before a field is complete.
    #[error("transaction is truncated: {what} at byte {offset} runs past the end")]
    Truncated {
        /// The field being read.
        what: &'static str,
        /// Byte offset where that field starts.
        offset: usize,
    },
    /// A compact-u16 length with a redundant zero byte (e.g. `80 00` for 0).
    #[error("length at byte {offset} is not in its shortest encoding")]
    NonCanonicalLength {
        /// Byte offset of the length.
        offset: usize,
    },
    /// A compact-u16 length whose third byte says a fourth follows.
    #[error("length at byte {offset} is longer than 3 bytes")]
    LengthTooLong {
        /// Byte offset of the length.
        offset: usize,
    },
    /// A compact-u16 length above 65535.
    #[error("length at byte {offset} exceeds 65535")]
    LengthOverflow {
        /// Byte offset of the length.
        offset: usize,
    },
    /// A list too long to encode (more than 65535 entries or bytes).
    #[error("{what} has {len} entries, more than a transaction can encode")]
    TooLongToEncode {
        /// The list.
        what: &'static str,
        /// Its length.
        len: usize,
    },
    /// A versioned message other than v0.
    #[error("transaction version {version} is not supported (only legacy and v0)")]
    UnsupportedVersion {
        /// The version number (the prefix byte without its high bit).
        version: u8,
    },
    /// Bytes left over after the message.
    #[error("{count} unexpected bytes after the end of the transaction")]
    TrailingBytes {
        /// How many.
        count: usize,
    },
    /// The signature list length differs from the header's required signers.
    #[error(
        "transaction carries {signatures} signature slots but its message requires {required}"
    )]
    SignatureCountMismatch {
        /// Slots present.
        signatures: usize,
        /// `num_required_signatures` from the header.
        required: u8,
    },
    /// A header that requires no signature at all: there is no fee payer.
    #[error("message requires no signer, so it has no fee payer")]
    NoFeePayer,
    /// A header that makes every signer read-only: the fee payer must be writable.
    #[error("message makes all {required} signers read-only; the fee payer must be writable")]
    ReadOnlyFeePayer {
        /// `num_required_signatures`.
        required: u8,
    },
    /// Signed plus read-only unsigned accounts exceed the accounts listed.
    #[error("message header counts {required} signers and {readonly_unsigned} read-only unsigned accounts but lists only {accounts} accounts")]
    HeaderExceedsAccounts {
        /// `num_required_signatures`.
        required: u8,
        /// `num_readonly_unsigned_accounts`.
        readonly_unsigned: u8,
        /// Static account keys listed.
        accounts: usize,
    },
    /// The same account key listed twice.
    #[error("account {index} repeats account {first}")]
    DuplicateAccount {
        /// Position of the repeat.
        index: usize,
        /// Position of the first occurrence.
        first: usize,
    },
    /// More accounts than a u8 index can address.
    #[error("message loads {total} accounts; at most 256 are addressable")]
    TooManyAccounts {
        /// Static plus lookup-table accounts.
        total: usize,
    },
    /// An address table lookup that loads nothing.
    #[error("address table lookup {lookup} loads no accounts")]
    EmptyLookup {
        /// Position of the lookup.
        lookup: usize,
    },
    /// An instruction whose program index is past the static account keys (v0 forbids
    /// program ids from lookup tables).
    #[error("instruction {instruction} names program index {index}, but only {accounts} account keys are listed")]
    ProgramIndexOutOfRange {
        /// Position of the instruction.
        instruction: usize,
        /// The program index.
        index: u8,
        /// Static account keys.
        accounts: usize,
    },
    /// An instruction whose program is the fee payer.
    #[error("instruction {instruction} names the fee payer as its program")]
    ProgramIsFeePayer {
        /// Position of the instruction.
        instruction: usize,
    },
    /// An instruction account index past all accounts (static and lookup).
    #[error("instruction {instruction} uses account index {index}, but the message has only {accounts} accounts")]
    AccountIndexOutOfRange {
        /// Position of the instruction.
        instruction: usize,
        /// The account index.
        index: u8,
        /// Static plus lookup-table accounts.
        accounts: usize,
    },
}

/// A cursor over untrusted bytes. Every read is bounds-checked and reports what it was reading.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, pos: 0 }
    }

    pub(crate) fn position(&self) -> usize {
        self.pos
    }

    pub(crate) fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }

    pub(crate) fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    pub(crate) fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], WireError> {
        let err = WireError::Truncated {
            what,
            offset: self.pos,
        };
        let end = self.pos.checked_add(n).ok_or(err.clone())?;
        let out = self.bytes.get(self.pos..end).ok_or(err)?;
        self.pos = end;
        Ok(out)
    }

    pub(crate) fn u8(&mut self, what: &'static str) -> Result<u8, WireError> {
        let b = self.peek().ok_or(WireError::Truncated {
            what,
            offset: self.pos,
        })?;
        self.pos = self.pos.saturating_add(1);
        Ok(b)
    }

    pub(crate) fn array<const N: usize>(
        &mut self,
        what: &'static str,
    ) -> Result<[u8; N], WireError> {
        let start = self.pos;
        let slice = self.take(N, what)?;
        slice.try_into().map_err(|_| WireError::Truncated {
            what,
            offset: start,
        })
    }

    /// Reads a canonical compact-u16, with the validator's rules (agave `short_vec::visit_byte`):
    /// a zero byte after the first is an alias, a continuation bit on byte three is refused,
    /// and the value must fit 16 bits.
    pub(crate) fn compact_u16(&mut self, what: &'static str) -> Result<u16, WireError> {
        let offset = self.pos;
        let mut value: u32 = 0;
        for nth in 0..3u32 {
            let byte = self
                .u8(what)
                .map_err(|_| WireError::Truncated { what, offset })?;
            if byte == 0 && nth != 0 {
                return Err(WireError::NonCanonicalLength { offset });
            }
            let done = byte & 0x80 == 0;
            if nth == 2 && !done {
                return Err(WireError::LengthTooLong { offset });
            }
            let bits = u32::from(byte & 0x7f)
                .checked_shl(nth.saturating_mul(7))
                .unwrap_or(u32::MAX);
            value |= bits;
            if value > u32::from(u16::MAX) {
                return Err(WireError::LengthOverflow { offset });
            }
            if done {
                return u16::try_from(value).map_err(|_| WireError::LengthOverflow { offset });
            }
        }
        // Unreachable in practice: the third byte either ends the value or errors above.
        Err(WireError::LengthTooLong { offset })
    }

    /// A compact-u16 length followed by that many `u8` entries.
    pub(crate) fn u8_list(&mut self, what: &'static str) -> Result<Vec<u8>, WireError> {
        let len = self.compact_u16(what)?;
        Ok(self.take(usize::from(len), what)?.to_vec())
    }
}

/// Appends the canonical compact-u16 encoding of `len`, or fails if it exceeds 65535.
pub(crate) fn write_compact_u16(
    out: &mut Vec<u8>,
    len: usize,
    what: &'static str,
) -> Result<(), WireError> {
    let mut rest = u16::try_from(len).map_err(|_| WireError::TooLongToEncode { what, len })?;
    loop {
        let low = (rest & 0x7f) as u8;
        rest >>= 7;
        if rest == 0 {
            out.push(low);
            return Ok(());
        }
        out.push(low | 0x80);
    }
}

/// Appends a compact-u16 length and the bytes.
pub(crate) fn write_u8_list(
    out: &mut Vec<u8>,
    bytes: &[u8],
    what: &'static str,
) -> Result<(), WireError> {
    write_compact_u16(out, bytes.len(), what)?;
    out.extend_from_slice(bytes);
    Ok(())
}

/// Decodes one compact-u16 from the start of `bytes`; returns the value and bytes consumed.
pub fn decode_compact_u16(bytes: &[u8]) -> Result<(u16, usize), WireError> {
    let mut r = Reader::new(bytes);
    let v = r.compact_u16("length")?;
    Ok((v, r.position()))
}

/// The canonical compact-u16 encoding of `value` (1 to 3 bytes).
pub fn encode_compact_u16(value: u16) -> Vec<u8> {
    let mut out = Vec::with_capacity(3);
    // A u16 always fits.
    let _ = write_compact_u16(&mut out, usize::from(value), "length");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn compact_u16_known_encodings() {
        // Table from the Solana SDK's short_vec tests.
        let cases: &[(u16, &[u8])] = &[
            (0x0000, &[0x00]),
            (0x007f, &[0x7f]),
            (0x0080, &[0x80, 0x01]),
            (0x00ff, &[0xff, 0x01]),
            (0x0100, &[0x80, 0x02]),
            (0x07ff, &[0xff, 0x0f]),
            (0x3fff, &[0xff, 0x7f]),
            (0x4000, &[0x80, 0x80, 0x01]),
            (0xffff, &[0xff, 0xff, 0x03]),
        ];
        for (value, bytes) in cases {
            assert_eq!(encode_compact_u16(*value), *bytes);
            assert_eq!(decode_compact_u16(bytes).unwrap(), (*value, bytes.len()));
        }
        assert_eq!(cases.len(), 9);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn compact_u16_rejects() {
        use WireError::*;
        assert_eq!(
            decode_compact_u16(&[0x80, 0x00]),
            Err(NonCanonicalLength { offset: 0 })
        );
        assert_eq!(
            decode_compact_u16(&[0x80, 0x80, 0x00]),
            Err(NonCanonicalLength { offset: 0 })
        );
        assert_eq!(
            decode_compact_u16(&[0xff, 0xff, 0x80]),
            Err(LengthTooLong { offset: 0 })
        );
        assert_eq!(
            decode_compact_u16(&[0x80, 0x80, 0x84]),
            Err(LengthTooLong { offset: 0 })
        );
        assert_eq!(
            decode_compact_u16(&[0x80, 0x80, 0x04]),
            Err(LengthOverflow { offset: 0 })
        );
        assert_eq!(
            decode_compact_u16(&[0xff, 0xff, 0x04]),
            Err(LengthOverflow { offset: 0 })
        );
        assert_eq!(
            decode_compact_u16(&[]),
            Err(Truncated {
                what: "length",
                offset: 0
            })
        );
        assert_eq!(
            decode_compact_u16(&[0x80]),
            Err(Truncated {
                what: "length",
                offset: 0
            })
        );
        assert_eq!(
            decode_compact_u16(&[0xff, 0xff]),
            Err(Truncated {
                what: "length",
                offset: 0
            })
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn compact_u16_every_value_round_trips() {
        for v in 0..=u16::MAX {
            let enc = encode_compact_u16(v);
            assert_eq!(decode_compact_u16(&enc).unwrap(), (v, enc.len()));
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn too_long_to_encode() {
        let mut out = Vec::new();
        assert_eq!(
            write_compact_u16(&mut out, 65536, "data"),
            Err(WireError::TooLongToEncode {
                what: "data",
                len: 65536
            })
        );
    }
}
