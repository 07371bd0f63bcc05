//! Solana transaction wire bytes (docs/solana.md): signatures, then a legacy or v0 message.
//! Parsing, the preview, signing with a fixed key and the `signMessage` guard are called;
//! a transaction that parses must serialize back to the same bytes and parse again.
#![no_main]

use std::sync::OnceLock;

use custodian_core::chains::solana::{
    check_signable_message, preview_message, preview_transaction, sign_transaction, Address,
    Message, PreviewContext, Transaction,
};
use custodian_core::keys::ed25519::Ed25519PrivateKey;
use custodian_fuzz::{NOW_MS, ORIGIN};
use libfuzzer_sys::fuzz_target;

/// RFC 8032 §7.1 TEST 1 secret key: a published, worthless key.
const KEY_HEX: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

fn key() -> &'static (Ed25519PrivateKey, Address) {
    static KEY: OnceLock<(Ed25519PrivateKey, Address)> = OnceLock::new();
    KEY.get_or_init(|| {
        let k = Ed25519PrivateKey::from_hex(KEY_HEX).expect("key");
        let a = Address::from_public_key(&k.public_key());
        (k, a)
    })
}

fuzz_target!(|data: &[u8]| {
    let (key, address) = key();
    for signer in [None, Some(address)] {
        let ctx = PreviewContext {
            signer,
            origin: Some(ORIGIN),
            now_ms: Some(NOW_MS),
            lamports_hint: Some(1_000_000_000),
            ..PreviewContext::default()
        };
        let _ = preview_transaction(data, &ctx);
        let _ = preview_message(data, &ctx);
    }
    if let Ok(tx) = Transaction::parse(data) {
        let bytes = tx.serialize();
        assert_eq!(bytes, data, "parse then serialize must give the same bytes");
        let again = Transaction::parse(&bytes).expect("own output parses");
        assert_eq!(again.message_bytes(), tx.message_bytes());
    }
    if let Ok(message) = Message::parse(data) {
        if let Ok(bytes) = message.serialize() {
            let again = Message::parse(&bytes).expect("own output parses");
            assert_eq!(again.serialize().ok(), Some(bytes));
        }
    }
    if let Ok(signed) = sign_transaction(key, data) {
        assert_eq!(
            signed.len(),
            data.len(),
            "signing only fills a signature slot"
        );
        Transaction::parse(&signed).expect("signed transaction parses");
    }
    let _ = check_signable_message(data);
});
