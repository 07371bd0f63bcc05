//! The Solana wire format: hand-built legacy and v0 transactions, multi-signer slots, every
//! parser error, truncation, message-signing refusals, and (natively) property tests.

// A test crate: a failed expectation should panic, and test arithmetic is on small known values.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use custodian_core::chains::solana::{
    check_signable_message, sign_all_transactions, sign_message, sign_transaction,
    sign_transaction_input, AccountRef, Address, Message, MessageVersion, SignTransactionInput,
    SolError, Transaction, WireError,
};
use custodian_core::keys::ed25519::Ed25519PrivateKey;
use wasm_bindgen_test::wasm_bindgen_test;

fn key(seed: u8) -> Ed25519PrivateKey {
    Ed25519PrivateKey::from_bytes(&[seed; 32]).unwrap()
}

fn addr(k: &Ed25519PrivateKey) -> [u8; 32] {
    k.public_key().to_bytes()
}

/// A legacy message with two signers, written out byte by byte.
///
/// Accounts: A (fee payer, writable signer), B (read-only signer), C (writable), P (program,
/// read-only). One instruction: P([A, B, C], data de ad).
fn legacy_two_signers() -> Vec<u8> {
    let mut m = vec![
        2, // num_required_signatures: A and B
        1, // num_readonly_signed: B
        1, // num_readonly_unsigned: P
        4, // compact-u16: 4 account keys
    ];
    m.extend_from_slice(&addr(&key(1))); // 0: A
    m.extend_from_slice(&addr(&key(2))); // 1: B
    m.extend_from_slice(&[3u8; 32]); // 2: C
    m.extend_from_slice(&[4u8; 32]); // 3: P
    m.extend_from_slice(&[0x11; 32]); // recent blockhash
    m.extend_from_slice(&[
        1, // compact-u16: 1 instruction
        3, // program id index: P
        3, 0, 1, 2, // compact-u16 3 accounts: A, B, C
        2, 0xde, 0xad, // compact-u16 2 data bytes
    ]);
    m
}

/// A v0 message: prefix 0x80, one signer, a lookup table supplying two more accounts.
///
/// Accounts: 0 = A (fee payer), 1 = P (program), 2 = T[5] (writable, from the table),
/// 3 = T[7] (read-only, from the table). One instruction: P([A, T[5], T[7]], data 01 02 03).
fn v0_with_lookup() -> Vec<u8> {
    let mut m = vec![
        0x80, // version prefix: v0
        1,    // num_required_signatures
        0,    // num_readonly_signed
        1,    // num_readonly_unsigned: P
        2,    // compact-u16: 2 static keys
    ];
    m.extend_from_slice(&addr(&key(1))); // 0: A
    m.extend_from_slice(&[4u8; 32]); // 1: P
    m.extend_from_slice(&[0x22; 32]); // recent blockhash
    m.extend_from_slice(&[
        1, // 1 instruction
        1, // program: P
        3, 0, 2, 3, // accounts: A, T[5], T[7]
        3, 1, 2, 3, // data
        1, // compact-u16: 1 address table lookup
    ]);
    m.extend_from_slice(&[9u8; 32]); // table T
    m.extend_from_slice(&[
        1, 5, // writable indexes: [5]
        1, 7, // read-only indexes: [7]
    ]);
    m
}

/// Wire bytes: `n` signature slots filled with `fill`, then the message.
fn wire(slots: usize, fill: u8, message: &[u8]) -> Vec<u8> {
    let mut w = vec![u8::try_from(slots).unwrap()];
    for _ in 0..slots {
        w.extend_from_slice(&[fill; 64]);
    }
    w.extend_from_slice(message);
    w
}

fn wire_err(bytes: &[u8]) -> WireError {
    Transaction::parse(bytes).unwrap_err()
}

#[wasm_bindgen_test(unsupported = test)]
fn legacy_parse_and_round_trip() {
    let msg = legacy_two_signers();
    let m = Message::parse(&msg).unwrap();
    assert_eq!(m.version, MessageVersion::Legacy);
    assert_eq!(m.header.num_required_signatures, 2);
    assert_eq!(m.account_keys.len(), 4);
    assert_eq!(m.recent_blockhash, [0x11; 32]);
    assert_eq!(m.instructions.len(), 1);
    assert_eq!(m.instructions[0].program_id_index, 3);
    assert_eq!(m.instructions[0].accounts, vec![0, 1, 2]);
    assert_eq!(m.instructions[0].data, vec![0xde, 0xad]);
    assert!(m.address_table_lookups.is_empty());
    assert_eq!(m.serialize().unwrap(), msg);
    assert_eq!(m.fee_payer(), Some(&Address::new(addr(&key(1)))));
    assert_eq!(m.signers().len(), 2);
    // Writability from the header: A yes, B (read-only signer) no, C yes, P no.
    assert_eq!(
        (0..4).map(|i| m.is_writable(i)).collect::<Vec<_>>(),
        vec![true, false, true, false]
    );
    assert_eq!(
        (0..4).map(|i| m.is_signer(i)).collect::<Vec<_>>(),
        vec![true, true, false, false]
    );
    let w = wire(2, 0, &msg);
    let tx = Transaction::parse(&w).unwrap();
    assert_eq!(tx.serialize(), w);
    assert_eq!(tx.message_bytes(), msg.as_slice());
}

#[wasm_bindgen_test(unsupported = test)]
fn v0_parse_lookup_accounts_and_round_trip() {
    let msg = v0_with_lookup();
    let m = Message::parse(&msg).unwrap();
    assert_eq!(m.version, MessageVersion::V0);
    assert_eq!(m.address_table_lookups.len(), 1);
    assert_eq!(m.total_accounts(), 4);
    let t = Address::new([9u8; 32]);
    assert_eq!(
        m.account(2),
        Some(AccountRef::Lookup {
            table: t,
            index: 5,
            writable: true
        })
    );
    assert_eq!(
        m.account(3),
        Some(AccountRef::Lookup {
            table: t,
            index: 7,
            writable: false
        })
    );
    assert_eq!(m.account(4), None);
    assert!(m.is_writable(2));
    assert!(!m.is_writable(3));
    assert_eq!(
        m.account(2).unwrap().to_string(),
        format!("account from lookup table {t} index 5")
    );
    assert_eq!(m.serialize().unwrap(), msg);

    let w = wire(1, 0, &msg);
    let signed = sign_transaction(&key(1), &w).unwrap();
    let tx = Transaction::parse(&signed).unwrap();
    assert!(key(1).public_key().verify_strict(&msg, &tx.signatures()[0]));
    assert_eq!(&signed[65..], msg.as_slice(), "message bytes untouched");
}

#[wasm_bindgen_test(unsupported = test)]
fn multi_signer_slots() {
    let msg = legacy_two_signers();
    // Slot contents that are not ours must survive byte for byte, whatever they are.
    let w = wire(2, 0x55, &msg);
    let (a, b) = (key(1), key(2));

    let by_a = sign_transaction(&a, &w).unwrap();
    assert_eq!(by_a.len(), w.len());
    assert!(a.public_key().verify_strict(&msg, &by_a[1..65]));
    assert_eq!(&by_a[65..129], &[0x55; 64][..], "B's slot untouched");
    assert_eq!(&by_a[129..], msg.as_slice());

    let by_b = sign_transaction(&b, &w).unwrap();
    assert_eq!(&by_b[1..65], &[0x55; 64][..], "A's slot untouched");
    assert!(b.public_key().verify_strict(&msg, &by_b[65..129]));

    // Both, in either order, give the same fully signed transaction.
    let ab = sign_transaction(&b, &by_a).unwrap();
    let ba = sign_transaction(&a, &by_b).unwrap();
    assert_eq!(ab, ba);
    let tx = Transaction::parse(&ab).unwrap();
    assert!(a.public_key().verify_strict(&msg, &tx.signatures()[0]));
    assert!(b.public_key().verify_strict(&msg, &tx.signatures()[1]));

    // A stranger, and an account that is listed but does not sign (C), are refused.
    assert_eq!(
        sign_transaction(&key(9), &w),
        Err(SolError::NotARequiredSigner)
    );
    assert_eq!(
        SolError::NotARequiredSigner.to_string(),
        "this wallet is not a required signer"
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn sign_all_is_all_or_nothing() {
    let good = wire(2, 0, &legacy_two_signers());
    let also_good = wire(1, 0, &v0_with_lookup());
    let out = sign_all_transactions(&key(1), &[good.clone(), also_good.clone()]).unwrap();
    assert_eq!(out.len(), 2);
    assert_eq!(out[0], sign_transaction(&key(1), &good).unwrap());
    assert_eq!(out[1], sign_transaction(&key(1), &also_good).unwrap());

    let err = sign_all_transactions(&key(2), &[good.clone(), also_good]).unwrap_err();
    assert_eq!(
        err,
        SolError::InBatch {
            index: 1,
            source: Box::new(SolError::NotARequiredSigner)
        }
    );
    assert_eq!(
        err.to_string(),
        "transaction 1: this wallet is not a required signer"
    );
    let empty: [Vec<u8>; 0] = [];
    assert_eq!(sign_all_transactions(&key(1), &empty).unwrap().len(), 0);
}

#[wasm_bindgen_test(unsupported = test)]
fn standard_json_shapes() {
    let w = wire(2, 0, &legacy_two_signers());
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(&w);
    // `account` and `options` are the web layer's business; they are accepted and ignored.
    let json = format!(
        r#"{{"transaction":"{b64}","chain":"solana:devnet","account":{{"address":"x"}},"options":{{"minContextSlot":1}}}}"#
    );
    let input: SignTransactionInput = serde_json::from_str(&json).unwrap();
    assert_eq!(input.chain.as_deref(), Some("solana:devnet"));
    let out = sign_transaction_input(&key(1), &input).unwrap();
    let v = serde_json::to_value(&out).unwrap();
    let signed = base64::engine::general_purpose::STANDARD
        .decode(v["signedTransaction"].as_str().unwrap())
        .unwrap();
    assert_eq!(signed, sign_transaction(&key(1), &w).unwrap());
    assert!(serde_json::from_str::<SignTransactionInput>(r#"{"transaction":"!!"}"#).is_err());
}

#[wasm_bindgen_test(unsupported = test)]
fn every_parse_error() {
    use WireError::*;
    let legacy = legacy_two_signers();
    let good = wire(2, 0, &legacy);
    assert!(Transaction::parse(&good).is_ok());

    // Compact-u16 problems in the signature count.
    assert_eq!(
        wire_err(&[]),
        Truncated {
            what: "signature count",
            offset: 0
        }
    );
    assert_eq!(wire_err(&[0x80, 0x00]), NonCanonicalLength { offset: 0 });
    assert_eq!(wire_err(&[0x80, 0x80, 0x80]), LengthTooLong { offset: 0 });
    assert_eq!(wire_err(&[0xff, 0xff, 0x7f]), LengthOverflow { offset: 0 });
    // A lying length: 3 signature slots promised, 2 present.
    let lying = wire(2, 0, &[]);
    let mut lying = lying;
    lying[0] = 3;
    assert_eq!(
        wire_err(&lying),
        Truncated {
            what: "signature",
            offset: 129
        }
    );
    // A lying account-key count inside the message: 100 keys promised.
    let mut m = legacy.clone();
    m[3] = 100;
    assert_eq!(
        wire_err(&wire(2, 0, &m)),
        Truncated {
            what: "account key",
            offset: 129 + 4 + 32 * 5
        }
    );
    // A lying instruction data length.
    let mut m = legacy.clone();
    let last = m.len() - 3;
    m[last] = 50;
    assert!(matches!(
        wire_err(&wire(2, 0, &m)),
        Truncated {
            what: "instruction data",
            ..
        }
    ));
    // A non-canonical length inside the message.
    let mut m = legacy.clone();
    m.splice(3..4, [0x84, 0x00]);
    assert_eq!(
        wire_err(&wire(2, 0, &m)),
        NonCanonicalLength { offset: 129 + 3 }
    );

    // Versions.
    let mut v1 = v0_with_lookup();
    v1[0] = 0x81;
    assert_eq!(
        wire_err(&wire(1, 0, &v1)),
        UnsupportedVersion { version: 1 }
    );
    v1[0] = 0xff;
    assert_eq!(
        wire_err(&wire(1, 0, &v1)),
        UnsupportedVersion { version: 127 }
    );

    // Trailing bytes.
    let mut t = good.clone();
    t.push(0);
    assert_eq!(wire_err(&t), TrailingBytes { count: 1 });
    let mut t = legacy.clone();
    t.extend_from_slice(&[1, 2]);
    assert_eq!(Message::parse(&t), Err(TrailingBytes { count: 2 }));

    // Signature count differs from the header.
    assert_eq!(
        wire_err(&wire(1, 0, &legacy)),
        SignatureCountMismatch {
            signatures: 1,
            required: 2
        }
    );
    assert_eq!(
        wire_err(&wire(3, 0, &legacy)),
        SignatureCountMismatch {
            signatures: 3,
            required: 2
        }
    );

    // Header rules.
    let with_header = |h: [u8; 3]| {
        let mut m = legacy.clone();
        m[..3].copy_from_slice(&h);
        m
    };
    assert_eq!(wire_err(&wire(0, 0, &with_header([0, 0, 0]))), NoFeePayer);
    assert_eq!(
        wire_err(&wire(1, 0, &with_header([1, 1, 0]))),
        ReadOnlyFeePayer { required: 1 }
    );
    assert_eq!(
        wire_err(&wire(2, 0, &with_header([2, 0, 3]))),
        HeaderExceedsAccounts {
            required: 2,
            readonly_unsigned: 3,
            accounts: 4
        }
    );

    // Duplicate account key: C replaced by A.
    let mut m = legacy.clone();
    let a = addr(&key(1));
    m[4 + 64..4 + 96].copy_from_slice(&a);
    assert_eq!(
        wire_err(&wire(2, 0, &m)),
        DuplicateAccount { index: 2, first: 0 }
    );

    // Instruction indexes (legacy: 4 accounts).
    let ix_at = legacy.len() - 8; // the program id index byte
    let mut m = legacy.clone();
    m[ix_at] = 4;
    assert_eq!(
        wire_err(&wire(2, 0, &m)),
        ProgramIndexOutOfRange {
            instruction: 0,
            index: 4,
            accounts: 4
        }
    );
    m[ix_at] = 0;
    assert_eq!(
        wire_err(&wire(2, 0, &m)),
        ProgramIsFeePayer { instruction: 0 }
    );
    let mut m = legacy.clone();
    m[ix_at + 4] = 4; // third account index
    assert_eq!(
        wire_err(&wire(2, 0, &m)),
        AccountIndexOutOfRange {
            instruction: 0,
            index: 4,
            accounts: 4
        }
    );

    // v0: lookup accounts count toward the range, but programs must be static keys.
    let v0 = v0_with_lookup();
    let prog_at = 1 + 3 + 1 + 64 + 32 + 1;
    let mut m = v0.clone();
    m[prog_at] = 2; // a lookup-table account as program
    assert_eq!(
        wire_err(&wire(1, 0, &m)),
        ProgramIndexOutOfRange {
            instruction: 0,
            index: 2,
            accounts: 2
        }
    );
    let mut m = v0.clone();
    m[prog_at + 4] = 4; // account index past static + lookup
    assert_eq!(
        wire_err(&wire(1, 0, &m)),
        AccountIndexOutOfRange {
            instruction: 0,
            index: 4,
            accounts: 4
        }
    );
    // A lookup that loads nothing.
    let mut m = v0.clone();
    let n = m.len();
    m.splice(n - 4.., [0, 0]);
    assert_eq!(wire_err(&wire(1, 0, &m)), EmptyLookup { lookup: 0 });
    // A lookup that loads too much: 2 static + 255 writable = 257 accounts.
    let mut m = v0.clone();
    let n = m.len();
    m.truncate(n - 4);
    m.extend_from_slice(&[0xff, 0x01]); // compact-u16 255
    m.extend(0..=254u8);
    m.push(0);
    assert_eq!(wire_err(&wire(1, 0, &m)), TooManyAccounts { total: 257 });

    // Errors read as sentences a developer can act on.
    assert_eq!(
        ProgramIsFeePayer { instruction: 0 }.to_string(),
        "instruction 0 names the fee payer as its program"
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn every_truncation_is_an_error() {
    let mut checked = 0;
    for w in [
        wire(2, 0, &legacy_two_signers()),
        wire(1, 0, &v0_with_lookup()),
    ] {
        for len in 0..w.len() {
            let e = Transaction::parse(&w[..len]).unwrap_err();
            assert!(matches!(e, WireError::Truncated { .. }), "len {len}: {e:?}");
            assert!(sign_transaction(&key(1), &w[..len]).is_err());
            checked += 1;
        }
    }
    // 1 + 2 x 64 + 173 legacy bytes, 1 + 64 + 148 v0 bytes.
    assert_eq!(checked, 302 + 213);
}

#[wasm_bindgen_test(unsupported = test)]
fn single_byte_corruptions_never_panic() {
    let mut n = 0;
    for w in [
        wire(2, 0, &legacy_two_signers()),
        wire(1, 0, &v0_with_lookup()),
    ] {
        for i in 0..w.len() {
            for x in [0x01u8, 0x80, 0xff] {
                let mut c = w.clone();
                c[i] ^= x;
                let _ = Transaction::parse(&c);
                let _ = sign_transaction(&key(1), &c);
                let _ = check_signable_message(&c[1..]);
                n += 1;
            }
        }
    }
    assert_eq!(n, (302 + 213) * 3);
}

#[wasm_bindgen_test(unsupported = test)]
fn sign_message_refuses_transactions() {
    let k = key(1);
    let legacy = legacy_two_signers();
    let v0 = v0_with_lookup();
    assert_eq!(
        sign_message(&k, &legacy),
        Err(SolError::MessageIsTransaction)
    );
    assert_eq!(sign_message(&k, &v0), Err(SolError::MessageIsTransaction));
    // Trailing bytes do not get a transaction message through.
    let mut padded = legacy.clone();
    padded.extend_from_slice(b" and some text");
    assert_eq!(
        sign_message(&k, &padded),
        Err(SolError::MessageIsTransaction)
    );
    // A future version with the v0 layout is refused too.
    let mut future = v0.clone();
    future[0] = 0x85;
    assert_eq!(
        sign_message(&k, &future),
        Err(SolError::MessageIsTransaction)
    );
    // A v1 message (SIMD-0385: version byte 129, fixed-width counts, signatures after the
    // message), with or without its signatures appended, is refused too.
    let mut v1 = vec![
        0x81, // version 1
        1, 0, 1, // header: 1 signer, program read-only
        1, // 1 instruction
        0x03, 0, 0, 0, // config mask: bits 0 and 1 (priority fee, 8 bytes)
    ];
    v1.extend_from_slice(&[0x44; 32]); // lifetime specifier (blockhash)
    v1.push(2); // 2 addresses
    v1.extend_from_slice(&addr(&k));
    v1.extend_from_slice(&[4u8; 32]);
    v1.extend_from_slice(&1000u64.to_le_bytes()); // config values: priority fee
    v1.extend_from_slice(&[1, 1, 2, 0]); // instruction header: program 1, 1 account, 2 bytes
    v1.extend_from_slice(&[0, 0xaa, 0xbb]); // payload: account 0, data aa bb
    assert_eq!(sign_message(&k, &v1), Err(SolError::MessageIsTransaction));
    let mut v1_signed = v1.clone();
    v1_signed.extend_from_slice(&[0u8; 64]);
    assert_eq!(
        sign_message(&k, &v1_signed),
        Err(SolError::MessageIsTransaction)
    );
    // Signing v1 transactions is not supported (yet): a precise error, not a guess.
    assert_eq!(
        sign_transaction(&k, &v1_signed),
        Err(SolError::Wire(WireError::UnsupportedVersion { version: 1 }))
    );
    // Cut short, it is no longer a message.
    assert!(sign_message(&k, &v1[..v1.len() - 1]).is_ok());
    // Off-chain message header.
    let mut off = b"\xffsolana offchain".to_vec();
    off.extend_from_slice(&[0, 1, 2]);
    assert_eq!(sign_message(&k, &off), Err(SolError::OffchainMessage));
    // Ordinary messages sign.
    for ok in [
        &b"hello"[..],
        b"",
        b"\xff\x00",
        "caf\u{e9} \u{1f600}".as_bytes(),
    ] {
        let sig = sign_message(&k, ok).unwrap();
        assert!(k.public_key().verify_strict(ok, &sig));
    }
    // A broken transaction message (read-only fee payer) is not a transaction.
    let mut broken = legacy.clone();
    broken[1] = 2;
    assert!(sign_message(&k, &broken).is_ok());
    // Full wire bytes are not a message a validator accepts (their signature covers other
    // bytes), so they are not refused.
    assert!(sign_message(&k, &wire(2, 0, &legacy)).is_ok());
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use custodian_core::chains::solana::{
        preview_message, preview_transaction, AddressTableLookup, CompiledInstruction,
        MessageHeader, PreviewContext,
    };
    use proptest::prelude::*;

    prop_compose! {
        fn lookup()(
            key in any::<[u8; 32]>(),
            w in proptest::collection::vec(any::<u8>(), 0..4),
            r in proptest::collection::vec(any::<u8>(), 0..4),
            extra in any::<u8>(),
        ) -> AddressTableLookup {
            let mut writable_indexes = w;
            if r.is_empty() && writable_indexes.is_empty() {
                writable_indexes.push(extra);
            }
            AddressTableLookup { account_key: Address::new(key), writable_indexes, readonly_indexes: r }
        }
    }

    fn valid_message() -> impl Strategy<Value = Message> {
        (
            any::<bool>(),
            1u8..5,
            0u8..4,
            1usize..4,
            any::<[u8; 32]>(),
            any::<[u8; 32]>(),
            proptest::collection::vec(lookup(), 0..3),
        )
            .prop_flat_map(
                |(v0, required, ro_unsigned, extra, seed, blockhash, lookups)| {
                    let lookups = if v0 { lookups } else { vec![] };
                    let statics = usize::from(required) + usize::from(ro_unsigned) + extra;
                    let total = lookups.iter().fold(statics, |a, l| {
                        a + l.writable_indexes.len() + l.readonly_indexes.len()
                    });
                    let ix = (
                        1..statics as u8,
                        proptest::collection::vec(0..total as u8, 0..6),
                        proptest::collection::vec(any::<u8>(), 0..40),
                    )
                        .prop_map(|(p, accounts, data)| CompiledInstruction {
                            program_id_index: p,
                            accounts,
                            data,
                        });
                    (
                        0..required,
                        proptest::collection::vec(ix, 0..5),
                        Just((v0, required, ro_unsigned, statics, seed, blockhash, lookups)),
                    )
                },
            )
            .prop_map(
                |(
                    ro_signed,
                    instructions,
                    (v0, required, ro_unsigned, statics, seed, blockhash, lookups),
                )| {
                    // Distinct keys: the position in the first two bytes.
                    let account_keys = (0..statics)
                        .map(|i| {
                            let mut k = seed;
                            k[..2].copy_from_slice(&(i as u16).to_le_bytes());
                            Address::new(k)
                        })
                        .collect();
                    Message {
                        version: if v0 {
                            MessageVersion::V0
                        } else {
                            MessageVersion::Legacy
                        },
                        header: MessageHeader {
                            num_required_signatures: required,
                            num_readonly_signed: ro_signed,
                            num_readonly_unsigned: ro_unsigned,
                        },
                        account_keys,
                        recent_blockhash: blockhash,
                        instructions,
                        address_table_lookups: lookups,
                    }
                },
            )
    }

    proptest! {
        #[test]
        fn message_round_trip(m in valid_message()) {
            prop_assert!(m.validate().is_ok());
            let bytes = m.serialize().unwrap();
            let back = Message::parse(&bytes).unwrap();
            prop_assert_eq!(&back, &m);
            prop_assert_eq!(back.serialize().unwrap(), bytes.clone());
            // As a transaction with empty slots, it parses, re-serialises identically, and
            // is refused by signMessage.
            let w = wire(usize::from(m.header.num_required_signatures), 0, &bytes);
            let tx = Transaction::parse(&w).unwrap();
            prop_assert_eq!(tx.serialize(), w.clone());
            prop_assert_eq!(tx.message(), &m);
            prop_assert_eq!(check_signable_message(&bytes), Err(SolError::MessageIsTransaction));
            prop_assert!(preview_transaction(&w, &PreviewContext::default()).is_ok());
        }

        #[test]
        fn sign_puts_signature_only_in_our_slot(m in valid_message(), fill in any::<u8>()) {
            let k = key(7);
            let mut m = m;
            let slot = m.account_keys.len() - 1;
            let slot = slot.min(usize::from(m.header.num_required_signatures) - 1);
            m.account_keys[slot] = Address::new(k.public_key().to_bytes());
            prop_assume!(m.validate().is_ok()); // the new key could collide (it will not)
            let bytes = m.serialize().unwrap();
            let n = usize::from(m.header.num_required_signatures);
            let w = wire(n, fill, &bytes);
            let out = sign_transaction(&k, &w).unwrap();
            prop_assert_eq!(out.len(), w.len());
            for i in 0..n {
                let range = 1 + 64 * i..1 + 64 * (i + 1);
                if i == slot {
                    prop_assert!(k.public_key().verify_strict(&bytes, &out[range]));
                } else {
                    prop_assert_eq!(&out[range.clone()], &w[range]);
                }
            }
            prop_assert_eq!(&out[1 + 64 * n..], &bytes[..]);
        }

        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = Transaction::parse(&bytes);
            let _ = Message::parse(&bytes);
            let _ = check_signable_message(&bytes);
            let _ = sign_transaction(&key(1), &bytes);
            let _ = preview_transaction(&bytes, &PreviewContext::default());
            let _ = preview_message(&bytes, &PreviewContext::default());
        }

        #[test]
        fn random_messages_after_valid_prefix_never_panic(
            m in valid_message(),
            cut in any::<prop::sample::Index>(),
            junk in proptest::collection::vec(any::<u8>(), 0..64),
        ) {
            let bytes = m.serialize().unwrap();
            let at = cut.index(bytes.len() + 1);
            let mut mangled = bytes[..at].to_vec();
            mangled.extend_from_slice(&junk);
            let w = wire(usize::from(m.header.num_required_signatures), 0, &mangled);
            // Whatever parses is canonical: it re-serialises to exactly the input.
            if let Ok(tx) = Transaction::parse(&w) {
                prop_assert_eq!(tx.serialize(), w.clone());
                prop_assert_eq!(tx.message().serialize().unwrap(), mangled.clone());
            }
            let _ = preview_transaction(&w, &PreviewContext::default());
            let _ = check_signable_message(&mangled);
        }
    }
}
