//! One audit entry sealed on its own (`docs/audit-log.md` §Records):
//! `"CSTDNAUD" || version u16 BE || seq u64 BE || nonce (24) || XChaCha20-Poly1305(line) || tag`,
//! the 18-byte prefix as associated data, so a record cannot be moved to another seq.

use core::fmt;

use super::{at, AuditError, AuditFailure};
use crate::secret::SecretBytes;

/// The first bytes of every record.
pub const RECORD_MAGIC: &[u8; 8] = b"CSTDNAUD";
/// The record format version.
pub const RECORD_VERSION: u16 = 1;
/// Magic, version and seq: the associated data.
const PREFIX_LEN: usize = 8 + 2 + 8;
pub(super) const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;

/// A sealed audit entry as hosts store it, under its `seq`.
#[derive(Clone, PartialEq, Eq)]
pub struct AuditRecord {
    /// The entry's sequence number (also inside the sealed bytes; a host keys storage by it).
    pub seq: u64,
    /// The record bytes.
    pub bytes: Vec<u8>,
}

impl fmt::Debug for AuditRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuditRecord")
            .field("seq", &self.seq)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// Why a stored record cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RecordFault {
    /// Not a record, another version, or the tag does not verify (edited, or sealed with
    /// another vault's record key).
    Unreadable,
    /// A valid record, but stored under another seq than the one it was sealed for.
    Misplaced,
}

fn prefix(seq: u64) -> [u8; PREFIX_LEN] {
    let mut p = [0u8; PREFIX_LEN];
    let (magic, rest) = p.split_at_mut(8);
    magic.copy_from_slice(RECORD_MAGIC);
    let (version, seq_bytes) = rest.split_at_mut(2);
    version.copy_from_slice(&RECORD_VERSION.to_be_bytes());
    seq_bytes.copy_from_slice(&seq.to_be_bytes());
    p
}

/// Seals `line` as the record for `seq`.
pub(super) fn seal(
    key: &SecretBytes<32>,
    seq: u64,
    line: &[u8],
    nonce: &[u8; NONCE_LEN],
) -> Result<AuditRecord, AuditError> {
    let aad = prefix(seq);
    let mut bytes = Vec::with_capacity(
        PREFIX_LEN
            .saturating_add(NONCE_LEN)
            .saturating_add(line.len())
            .saturating_add(TAG_LEN),
    );
    bytes.extend_from_slice(&aad);
    bytes.extend_from_slice(nonce);
    bytes.extend_from_slice(line);
    let body = bytes
        .get_mut(PREFIX_LEN.saturating_add(NONCE_LEN)..)
        .ok_or_else(|| at(0, AuditFailure::SealFailed))?;
    // The cipher lives in custodian-kernels, compiled for speed (custodian-core is built for size).
    let tag =
        custodian_kernels::aead::xchacha20poly1305_seal(key.expose_secret(), nonce, &aad, body)
            .map_err(|_| at(0, AuditFailure::SealFailed))?;
    bytes.extend_from_slice(&tag);
    Ok(AuditRecord { seq, bytes })
}

/// Opens a record stored under `record.seq`; the entry line.
pub(super) fn open(key: &SecretBytes<32>, record: &AuditRecord) -> Result<String, RecordFault> {
    let bytes = record.bytes.as_slice();
    let (aad, rest) = bytes
        .split_at_checked(PREFIX_LEN)
        .ok_or(RecordFault::Unreadable)?;
    let (nonce, sealed) = rest
        .split_at_checked(NONCE_LEN)
        .ok_or(RecordFault::Unreadable)?;
    if sealed.len() < TAG_LEN || aad.get(..10) != prefix(0).get(..10) {
        return Err(RecordFault::Unreadable);
    }
    let (ciphertext, tag) = sealed
        .split_at_checked(sealed.len().saturating_sub(TAG_LEN))
        .ok_or(RecordFault::Unreadable)?;
    let nonce: &[u8; NONCE_LEN] = nonce.try_into().map_err(|_| RecordFault::Unreadable)?;
    let tag: &[u8; TAG_LEN] = tag.try_into().map_err(|_| RecordFault::Unreadable)?;
    let mut line = ciphertext.to_vec();
    custodian_kernels::aead::xchacha20poly1305_open(
        key.expose_secret(),
        nonce,
        aad,
        &mut line,
        tag,
    )
    .map_err(|_| RecordFault::Unreadable)?;
    let line = String::from_utf8(line).map_err(|_| RecordFault::Unreadable)?;
    // Authentic from here on: only the holder of the record key seals.
    if aad != prefix(record.seq) {
        return Err(RecordFault::Misplaced);
    }
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn key(b: u8) -> SecretBytes<32> {
        SecretBytes::from_array(&mut [b; 32])
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_record_round_trips_and_its_layout_is_the_documented_one() {
        let r = seal(&key(1), 0x0102, b"{\"seq\":258}", &[9u8; 24]).unwrap();
        assert_eq!(&r.bytes[..8], b"CSTDNAUD");
        assert_eq!(&r.bytes[8..10], &[0, 1]);
        assert_eq!(&r.bytes[10..18], &[0, 0, 0, 0, 0, 0, 1, 2]);
        assert_eq!(&r.bytes[18..42], &[9u8; 24]);
        assert_eq!(r.bytes.len(), 18 + 24 + 11 + 16);
        assert_eq!(open(&key(1), &r).unwrap(), "{\"seq\":258}");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn edited_moved_or_foreign_records_are_refused() {
        let r = seal(&key(1), 7, b"line", &[3u8; 24]).unwrap();
        for i in 0..r.bytes.len() {
            let mut bad = r.clone();
            bad.bytes[i] ^= 0x01;
            assert_eq!(
                open(&key(1), &bad),
                Err(RecordFault::Unreadable),
                "byte {i}"
            );
        }
        // Stored under another seq: the bytes are authentic, the place is not.
        let moved = AuditRecord {
            seq: 8,
            ..r.clone()
        };
        assert_eq!(open(&key(1), &moved), Err(RecordFault::Misplaced));
        assert_eq!(open(&key(2), &r), Err(RecordFault::Unreadable));
        for len in [0, 17, 18, 41, 42, 57] {
            let short = AuditRecord {
                seq: 7,
                bytes: r.bytes[..len].to_vec(),
            };
            assert_eq!(open(&key(1), &short), Err(RecordFault::Unreadable));
        }
    }
}
