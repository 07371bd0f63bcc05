//! The transaction message: the exact bytes every signer signs.
//!
//! Layout (docs/solana.md §Message), legacy and v0:
//!
//! ```text
//! [0x80 | version]          v0 only: a prefix byte with the high bit set
//! header                    3 x u8: required signatures, read-only signed, read-only unsigned
//! compact-u16 n, n x 32     static account keys (signers first)
//! 32                        recent blockhash (or durable nonce value)
//! compact-u16 n, n x        instructions: u8 program index, compact-u16 + u8 account
//!                           indexes, compact-u16 + data bytes
//! compact-u16 n, n x        v0 only: address table lookups: 32-byte table, compact-u16 +
//!                           u8 writable indexes, compact-u16 + u8 read-only indexes
//! ```
//!
//! Validation follows the validator's `sanitize` for legacy and v0 messages, plus the
//! runtime's duplicate-account check, so anything accepted here is a message the network
//! could accept.

use super::address::Address;
use super::wire::{write_compact_u16, write_u8_list, Reader, WireError};

/// The prefix bit that marks a versioned message.
const VERSION_PREFIX: u8 = 0x80;

/// Legacy or versioned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MessageVersion {
    /// The original format, no prefix byte.
    Legacy,
    /// Version 0: prefix `0x80`, adds address table lookups.
    V0,
}

/// The three header counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MessageHeader {
    /// Signatures the transaction needs; the first this-many account keys sign.
    pub num_required_signatures: u8,
    /// How many of those signers (the last ones) are read-only.
    pub num_readonly_signed: u8,
    /// How many of the unsigned static accounts (the last ones) are read-only.
    pub num_readonly_unsigned: u8,
}

/// One instruction, with accounts as indexes into the message's account list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompiledInstruction {
    /// Index of the program's account key (always a static key).
    pub program_id_index: u8,
    /// Indexes of the accounts the instruction passes to the program.
    pub accounts: Vec<u8>,
    /// Program-specific instruction data.
    pub data: Vec<u8>,
}

/// A v0 reference to accounts stored in an on-chain address lookup table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddressTableLookup {
    /// The lookup table account.
    pub account_key: Address,
    /// Entries of the table loaded as writable.
    pub writable_indexes: Vec<u8>,
    /// Entries of the table loaded as read-only.
    pub readonly_indexes: Vec<u8>,
}

/// Where an instruction's account index points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountRef {
    /// A key written in the message.
    Static(Address),
    /// An entry of an address lookup table, unknown without reading the chain.
    Lookup {
        /// The lookup table.
        table: Address,
        /// The entry within that table.
        index: u8,
        /// Whether it is loaded writable.
        writable: bool,
    },
}

impl AccountRef {
    /// The address, if the message itself contains it.
    pub fn address(&self) -> Option<&Address> {
        match self {
            Self::Static(a) => Some(a),
            Self::Lookup { .. } => None,
        }
    }
}

impl core::fmt::Display for AccountRef {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Static(a) => write!(f, "{a}"),
            Self::Lookup { table, index, .. } => {
                write!(f, "account from lookup table {table} index {index}")
            }
        }
    }
}

/// A parsed legacy or v0 message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// Legacy or v0.
    pub version: MessageVersion,
    /// The header counts.
    pub header: MessageHeader,
    /// The static account keys, signers first.
    pub account_keys: Vec<Address>,
    /// Recent blockhash, or the durable nonce value for nonce transactions.
    pub recent_blockhash: [u8; 32],
    /// The instructions, in execution order.
    pub instructions: Vec<CompiledInstruction>,
    /// v0 address table lookups; always empty for legacy messages.
    pub address_table_lookups: Vec<AddressTableLookup>,
}

impl Message {
    /// Parses and validates a complete message; trailing bytes are an error.
    pub fn parse(bytes: &[u8]) -> Result<Self, WireError> {
        let mut r = Reader::new(bytes);
        let message = Self::read(&mut r)?;
        if r.remaining() != 0 {
            return Err(WireError::TrailingBytes {
                count: r.remaining(),
            });
        }
        message.validate()?;
        Ok(message)
    }

    /// Reads the structure of a message without validating it. Used by [`Self::parse`], by
    /// the transaction parser, and by the check that refuses to sign a transaction message
    /// as an off-chain "message" (which must not depend on the validation rules).
    pub(crate) fn read(r: &mut Reader<'_>) -> Result<Self, WireError> {
        let first = r.peek().ok_or(WireError::Truncated {
            what: "message header",
            offset: r.position(),
        })?;
        let version = if first & VERSION_PREFIX != 0 {
            let v = first & !VERSION_PREFIX;
            if v != 0 {
                return Err(WireError::UnsupportedVersion { version: v });
            }
            r.u8("version prefix")?;
            MessageVersion::V0
        } else {
            MessageVersion::Legacy
        };
        let header = MessageHeader {
            num_required_signatures: r.u8("message header")?,
            num_readonly_signed: r.u8("message header")?,
            num_readonly_unsigned: r.u8("message header")?,
        };
        let n = r.compact_u16("account keys")?;
        let mut account_keys = Vec::with_capacity(usize::from(n).min(r.remaining() / 32));
        for _ in 0..n {
            account_keys.push(Address::new(r.array::<32>("account key")?));
        }
        let recent_blockhash = r.array::<32>("recent blockhash")?;
        let n = r.compact_u16("instructions")?;
        // Each instruction is at least 3 bytes: bound the allocation by what is left.
        let mut instructions = Vec::with_capacity(usize::from(n).min(r.remaining() / 3));
        for _ in 0..n {
            instructions.push(CompiledInstruction {
                program_id_index: r.u8("instruction program index")?,
                accounts: r.u8_list("instruction accounts")?,
                data: r.u8_list("instruction data")?,
            });
        }
        let mut address_table_lookups = Vec::new();
        if version == MessageVersion::V0 {
            let n = r.compact_u16("address table lookups")?;
            address_table_lookups.reserve(usize::from(n).min(r.remaining() / 34));
            for _ in 0..n {
                address_table_lookups.push(AddressTableLookup {
                    account_key: Address::new(r.array::<32>("lookup table key")?),
                    writable_indexes: r.u8_list("lookup writable indexes")?,
                    readonly_indexes: r.u8_list("lookup read-only indexes")?,
                });
            }
        }
        Ok(Self {
            version,
            header,
            account_keys,
            recent_blockhash,
            instructions,
            address_table_lookups,
        })
    }

    /// Checks the rules the validator applies before executing (see the module docs).
    pub fn validate(&self) -> Result<(), WireError> {
        let h = &self.header;
        let statics = self.account_keys.len();
        if h.num_required_signatures == 0 {
            return Err(WireError::NoFeePayer);
        }
        if h.num_readonly_signed >= h.num_required_signatures {
            return Err(WireError::ReadOnlyFeePayer {
                required: h.num_required_signatures,
            });
        }
        let header_accounts = usize::from(h.num_required_signatures)
            .saturating_add(usize::from(h.num_readonly_unsigned));
        if header_accounts > statics {
            return Err(WireError::HeaderExceedsAccounts {
                required: h.num_required_signatures,
                readonly_unsigned: h.num_readonly_unsigned,
                accounts: statics,
            });
        }
        if self.version == MessageVersion::Legacy && !self.address_table_lookups.is_empty() {
            // Only reachable for a hand-built Message: the parser never fills it for legacy.
            return Err(WireError::UnsupportedVersion { version: 0 });
        }
        for (i, lookup) in self.address_table_lookups.iter().enumerate() {
            if lookup.writable_indexes.is_empty() && lookup.readonly_indexes.is_empty() {
                return Err(WireError::EmptyLookup { lookup: i });
            }
        }
        let total = self.total_accounts();
        if total > 256 {
            return Err(WireError::TooManyAccounts { total });
        }
        for (i, key) in self.account_keys.iter().enumerate() {
            if let Some(first) = self.account_keys.iter().take(i).position(|k| k == key) {
                return Err(WireError::DuplicateAccount { index: i, first });
            }
        }
        for (i, ix) in self.instructions.iter().enumerate() {
            if usize::from(ix.program_id_index) >= statics {
                return Err(WireError::ProgramIndexOutOfRange {
                    instruction: i,
                    index: ix.program_id_index,
                    accounts: statics,
                });
            }
            if ix.program_id_index == 0 {
                return Err(WireError::ProgramIsFeePayer { instruction: i });
            }
            if let Some(&bad) = ix.accounts.iter().find(|&&a| usize::from(a) >= total) {
                return Err(WireError::AccountIndexOutOfRange {
                    instruction: i,
                    index: bad,
                    accounts: total,
                });
            }
        }
        Ok(())
    }

    /// The wire bytes of this message; for a parsed message, exactly the bytes it came from.
    pub fn serialize(&self) -> Result<Vec<u8>, WireError> {
        let mut out = Vec::with_capacity(
            self.account_keys
                .len()
                .saturating_mul(32)
                .saturating_add(64),
        );
        if self.version == MessageVersion::V0 {
            out.push(VERSION_PREFIX);
        }
        out.push(self.header.num_required_signatures);
        out.push(self.header.num_readonly_signed);
        out.push(self.header.num_readonly_unsigned);
        write_compact_u16(&mut out, self.account_keys.len(), "account keys")?;
        for key in &self.account_keys {
            out.extend_from_slice(key.as_bytes());
        }
        out.extend_from_slice(&self.recent_blockhash);
        write_compact_u16(&mut out, self.instructions.len(), "instructions")?;
        for ix in &self.instructions {
            out.push(ix.program_id_index);
            write_u8_list(&mut out, &ix.accounts, "instruction accounts")?;
            write_u8_list(&mut out, &ix.data, "instruction data")?;
        }
        if self.version == MessageVersion::V0 {
            write_compact_u16(
                &mut out,
                self.address_table_lookups.len(),
                "address table lookups",
            )?;
            for l in &self.address_table_lookups {
                out.extend_from_slice(l.account_key.as_bytes());
                write_u8_list(&mut out, &l.writable_indexes, "lookup writable indexes")?;
                write_u8_list(&mut out, &l.readonly_indexes, "lookup read-only indexes")?;
            }
        }
        Ok(out)
    }

    /// The fee payer: the first account key.
    pub fn fee_payer(&self) -> Option<&Address> {
        self.account_keys.first()
    }

    /// The account keys that must sign, in signature-slot order.
    pub fn signers(&self) -> &[Address] {
        let n = usize::from(self.header.num_required_signatures).min(self.account_keys.len());
        self.account_keys.get(..n).unwrap_or(&[])
    }

    /// Static keys plus every account loaded from lookup tables.
    pub fn total_accounts(&self) -> usize {
        self.address_table_lookups
            .iter()
            .fold(self.account_keys.len(), |acc, l| {
                acc.saturating_add(l.writable_indexes.len())
                    .saturating_add(l.readonly_indexes.len())
            })
    }

    /// Resolves an instruction's account index: a static key, or a lookup-table entry (all
    /// tables' writable entries come first, then all tables' read-only entries, as the
    /// runtime orders them). `None` if out of range.
    pub fn account(&self, index: u8) -> Option<AccountRef> {
        let i = usize::from(index);
        if let Some(key) = self.account_keys.get(i) {
            return Some(AccountRef::Static(*key));
        }
        let mut rest = i.checked_sub(self.account_keys.len())?;
        for l in &self.address_table_lookups {
            match l.writable_indexes.get(rest) {
                Some(&entry) => {
                    return Some(AccountRef::Lookup {
                        table: l.account_key,
                        index: entry,
                        writable: true,
                    })
                }
                None => rest = rest.checked_sub(l.writable_indexes.len())?,
            }
        }
        for l in &self.address_table_lookups {
            match l.readonly_indexes.get(rest) {
                Some(&entry) => {
                    return Some(AccountRef::Lookup {
                        table: l.account_key,
                        index: entry,
                        writable: false,
                    })
                }
                None => rest = rest.checked_sub(l.readonly_indexes.len())?,
            }
        }
        None
    }

    /// Whether account index `index` must sign.
    pub fn is_signer(&self, index: u8) -> bool {
        index < self.header.num_required_signatures
    }

    /// Whether account index `index` is writable according to the header (static keys) or
    /// the lookup it comes from. The runtime may still demote some (program ids, sysvars).
    pub fn is_writable(&self, index: u8) -> bool {
        let i = usize::from(index);
        let h = &self.header;
        let signed = usize::from(h.num_required_signatures);
        let statics = self.account_keys.len();
        if i < signed {
            return i < signed.saturating_sub(usize::from(h.num_readonly_signed));
        }
        if i < statics {
            return i < statics.saturating_sub(usize::from(h.num_readonly_unsigned));
        }
        matches!(
            self.account(index),
            Some(AccountRef::Lookup { writable: true, .. })
        )
    }

    /// The address of the program instruction `ix` calls (programs are always static keys).
    pub fn program_of(&self, ix: &CompiledInstruction) -> Option<&Address> {
        self.account_keys.get(usize::from(ix.program_id_index))
    }
}
