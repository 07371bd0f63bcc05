//! Just enough of the Solidity ABI to read the calls the preview recognises.
//!
//! Reading is strict where a lenient reader could show the user something other than what the
//! contract will see: an address word must have its upper 12 bytes zero and a bool must be 0 or
//! 1 (Solidity's ABI decoder v2 reverts otherwise). Every offset is bounds-checked; malformed
//! calldata gives `None`, never a panic.

use alloy_primitives::{Address, U256};

/// Calldata split into its 4-byte selector and its argument bytes.
pub(crate) struct Calldata<'a> {
    pub selector: [u8; 4],
    args: &'a [u8],
}

impl<'a> Calldata<'a> {
    /// `None` if there are fewer than 4 bytes.
    pub fn parse(input: &'a [u8]) -> Option<Self> {
        let selector = <[u8; 4]>::try_from(input.get(..4)?).ok()?;
        Some(Self {
            selector,
            args: input.get(4..)?,
        })
    }

    /// The 32-byte word at byte `offset` of the arguments.
    fn word_at(&self, offset: usize) -> Option<&'a [u8]> {
        self.args.get(offset..offset.checked_add(32)?)
    }

    /// Head word `index`.
    fn word(&self, index: usize) -> Option<&'a [u8]> {
        self.word_at(index.checked_mul(32)?)
    }

    /// Head word `index` as a `uint256`.
    pub fn uint(&self, index: usize) -> Option<U256> {
        U256::try_from_be_slice(self.word(index)?)
    }

    /// Head word `index` as an address (upper 12 bytes must be zero).
    pub fn address(&self, index: usize) -> Option<Address> {
        word_to_address(self.word(index)?)
    }

    /// Head word `index` as a bool (0 or 1 only).
    pub fn bool(&self, index: usize) -> Option<bool> {
        let value = self.uint(index)?;
        if value == U256::ZERO {
            Some(false)
        } else if value == U256::from(1) {
            Some(true)
        } else {
            None
        }
    }

    /// Where the tail of dynamic argument `index` starts, and its length word.
    fn tail(&self, index: usize) -> Option<(usize, usize)> {
        let offset = usize::try_from(self.uint(index)?).ok()?;
        let len = usize::try_from(U256::try_from_be_slice(self.word_at(offset)?)?).ok()?;
        Some((offset.checked_add(32)?, len))
    }

    /// Dynamic argument `index` as `uint256[]`.
    pub fn uint_array(&self, index: usize) -> Option<Vec<U256>> {
        let (start, len) = self.tail(index)?;
        // Refuse lengths the data cannot hold before allocating for them.
        let end = start.checked_add(len.checked_mul(32)?)?;
        if end > self.args.len() {
            return None;
        }
        (0..len)
            .map(|i| {
                let at = start.checked_add(i.checked_mul(32)?)?;
                U256::try_from_be_slice(self.word_at(at)?)
            })
            .collect()
    }

    /// Dynamic argument `index` as `bytes`.
    pub fn bytes(&self, index: usize) -> Option<&'a [u8]> {
        let (start, len) = self.tail(index)?;
        self.args.get(start..start.checked_add(len)?)
    }
}

/// A 32-byte word as an address, `None` if its upper 12 bytes are not zero.
pub(crate) fn word_to_address(word: &[u8]) -> Option<Address> {
    let (pad, addr) = (word.get(..12)?, word.get(12..32)?);
    pad.iter()
        .all(|b| *b == 0)
        .then(|| Address::from_slice(addr))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn word(v: u64) -> String {
        format!("{v:064x}")
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn reads_dynamic_arrays_and_rejects_bad_offsets() {
        // f(uint256[] a, bytes b) with a = [7, 8], b = 0xabcd.
        let data = hex::decode(format!(
            "00000000{}{}{}{}{}{}abcd{}",
            word(0x40),
            word(0xa0),
            word(2),
            word(7),
            word(8),
            word(2),
            "00".repeat(30)
        ))
        .unwrap();
        let call = Calldata::parse(&data).unwrap();
        assert_eq!(call.uint_array(0), Some(vec![U256::from(7), U256::from(8)]));
        assert_eq!(call.bytes(1), Some(&[0xab, 0xcd][..]));

        // An array length that points past the data, and an offset past the end.
        let huge = hex::decode(format!("00000000{}{}", word(0x20), "ff".repeat(32))).unwrap();
        assert_eq!(Calldata::parse(&huge).unwrap().uint_array(0), None);
        let past = hex::decode(format!("00000000{}", word(0x1000))).unwrap();
        assert_eq!(Calldata::parse(&past).unwrap().bytes(0), None);
        assert!(Calldata::parse(&[0xa9, 0x05, 0x9c]).is_none());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn dirty_address_and_bool_words_are_rejected() {
        let dirty = hex::decode(format!("00000000{}{}", "01".repeat(32), word(2))).unwrap();
        let call = Calldata::parse(&dirty).unwrap();
        assert_eq!(call.address(0), None);
        assert_eq!(call.bool(1), None);
    }
}
