//! The `eth_signTransaction` object (docs/ethereum.md §Transactions) and its preview.
//!
//! A request that parses is signed with a fixed key; the raw result must decode with alloy's
//! own EIP-2718 decoder, recover to the signing key, and carry the same signing hash: the
//! bytes we sign are the bytes a node will see.
#![no_main]

use std::sync::OnceLock;

use alloy_consensus::transaction::SignerRecoverable;
use alloy_consensus::TxEnvelope;
use alloy_eips::eip2718::Decodable2718;
use alloy_primitives::keccak256;
use custodian_core::chains::ethereum::preview::{preview_request, preview_transaction};
use custodian_core::chains::ethereum::transaction::{TransactionError, TransactionRequest};
use custodian_core::chains::ethereum::{address_of, PreviewContext, PreviewHints};
use custodian_core::keys::secp256k1::Secp256k1PrivateKey;
use custodian_fuzz::{ETH_KEY_HEX, NOW_MS};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};

const ACTIVE_CHAIN: u64 = 1;

fn key() -> &'static Secp256k1PrivateKey {
    static KEY: OnceLock<Secp256k1PrivateKey> = OnceLock::new();
    KEY.get_or_init(|| Secp256k1PrivateKey::from_hex(ETH_KEY_HEX).expect("key"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let ctx = PreviewContext {
        active_chain_id: ACTIVE_CHAIN,
        signer: Some(address_of(&key().public_key())),
        now_ms: NOW_MS,
        hints: PreviewHints::default(),
    };
    let preview = preview_transaction(&value, &ctx);
    let _ = preview_request("eth_signTransaction", &json!([value.clone()]), &ctx);

    let parsed = TransactionRequest::from_json(&value, ACTIVE_CHAIN);
    // The preview parses the same request: it fails exactly when parsing does.
    assert_eq!(
        parsed.is_ok(),
        preview.is_ok(),
        "preview and parser disagree"
    );
    let Ok(request) = parsed else {
        return;
    };
    assert_eq!(
        request.tx.signature_hash(),
        keccak256(request.tx.signing_payload())
    );
    let signed = match request.sign(key()) {
        Ok(signed) => signed,
        Err(TransactionError::FromMismatch { .. }) => return,
        Err(other) => panic!("parsed request failed to sign: {other:?}"),
    };
    assert_eq!(signed.hash, keccak256(&signed.raw));
    let envelope =
        TxEnvelope::decode_2718(&mut signed.raw.as_slice()).expect("alloy decodes what we signed");
    assert_eq!(envelope.signature_hash(), request.tx.signature_hash());
    assert_eq!(
        envelope.recover_signer().expect("recovers"),
        address_of(&key().public_key())
    );
    assert_eq!(envelope.tx_hash(), &signed.hash);
});
