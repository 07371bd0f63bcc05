//! RLP / EIP-2718 transaction bytes. The wallet itself never decodes RLP (dapps send
//! `eth_signTransaction` JSON), so this target checks the other direction, differentially:
//! any envelope alloy's decoder accepts is turned into the JSON request a dapp would send for
//! it; if Custodian accepts that request, the bytes it would sign must be exactly the ones
//! alloy derives from the decoded transaction. A field dropped, reordered or re-encoded
//! differently by our JSON parser shows up here.
#![no_main]

use alloy_consensus::{SignableTransaction, TxEnvelope};
use alloy_eips::eip2718::Decodable2718;
use alloy_eips::eip2930::AccessList;
use alloy_eips::eip7702::SignedAuthorization;
use alloy_primitives::{hex, Address, TxKind};
use custodian_core::chains::ethereum::transaction::TransactionRequest;
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Map, Value};

fn qty(v: impl core::fmt::LowerHex) -> Value {
    Value::String(format!("{v:#x}"))
}

fn addr(a: &Address) -> Value {
    Value::String(format!("0x{}", hex::encode(a)))
}

fn access_list(list: &AccessList) -> Value {
    list.iter()
        .map(|item| {
            json!({
                "address": addr(&item.address),
                "storageKeys": item.storage_keys.iter()
                    .map(|k| format!("0x{}", hex::encode(k))).collect::<Vec<_>>(),
            })
        })
        .collect()
}

fn authorizations(list: &[SignedAuthorization]) -> Value {
    list.iter()
        .map(|a| {
            json!({
                "chainId": qty(a.chain_id),
                "address": addr(&a.address),
                "nonce": qty(a.nonce),
                "yParity": qty(a.y_parity()),
                "r": qty(a.r()),
                "s": qty(a.s()),
            })
        })
        .collect()
}

fn to(kind: &TxKind, obj: &mut Map<String, Value>) {
    if let TxKind::Call(a) = kind {
        obj.insert("to".into(), addr(a));
    }
}

/// The request a dapp would send, the chain the wallet must be on, and alloy's payload.
fn request_for(envelope: &TxEnvelope) -> Option<(Value, u64, Vec<u8>)> {
    let mut o = Map::new();
    let (chain, payload) = match envelope {
        // v = 35 or 36 decodes as EIP-155 with chain id 0, which a request cannot express:
        // `chainId: 0` on a legacy request means pre-EIP-155 (ethers' convention,
        // docs/ethereum.md), and no chain has id 0. Found by this target; not a core bug.
        TxEnvelope::Legacy(s) if s.tx().chain_id == Some(0) => return None,
        TxEnvelope::Legacy(s) => {
            let t = s.tx();
            o.insert("type".into(), qty(0u8));
            o.insert("chainId".into(), qty(t.chain_id.unwrap_or(0)));
            o.insert("nonce".into(), qty(t.nonce));
            o.insert("gasPrice".into(), qty(t.gas_price));
            o.insert("gas".into(), qty(t.gas_limit));
            to(&t.to, &mut o);
            o.insert("value".into(), qty(t.value));
            o.insert("data".into(), Value::String(t.input.to_string()));
            (t.chain_id.unwrap_or(1), t.encoded_for_signing())
        }
        TxEnvelope::Eip2930(s) => {
            let t = s.tx();
            o.insert("type".into(), qty(1u8));
            o.insert("chainId".into(), qty(t.chain_id));
            o.insert("nonce".into(), qty(t.nonce));
            o.insert("gasPrice".into(), qty(t.gas_price));
            o.insert("gas".into(), qty(t.gas_limit));
            to(&t.to, &mut o);
            o.insert("value".into(), qty(t.value));
            o.insert("data".into(), Value::String(t.input.to_string()));
            o.insert("accessList".into(), access_list(&t.access_list));
            (t.chain_id, t.encoded_for_signing())
        }
        TxEnvelope::Eip1559(s) => {
            let t = s.tx();
            o.insert("type".into(), qty(2u8));
            o.insert("chainId".into(), qty(t.chain_id));
            o.insert("nonce".into(), qty(t.nonce));
            o.insert("maxFeePerGas".into(), qty(t.max_fee_per_gas));
            o.insert(
                "maxPriorityFeePerGas".into(),
                qty(t.max_priority_fee_per_gas),
            );
            o.insert("gas".into(), qty(t.gas_limit));
            to(&t.to, &mut o);
            o.insert("value".into(), qty(t.value));
            o.insert("data".into(), Value::String(t.input.to_string()));
            o.insert("accessList".into(), access_list(&t.access_list));
            (t.chain_id, t.encoded_for_signing())
        }
        TxEnvelope::Eip7702(s) => {
            let t = s.tx();
            o.insert("type".into(), qty(4u8));
            o.insert("chainId".into(), qty(t.chain_id));
            o.insert("nonce".into(), qty(t.nonce));
            o.insert("maxFeePerGas".into(), qty(t.max_fee_per_gas));
            o.insert(
                "maxPriorityFeePerGas".into(),
                qty(t.max_priority_fee_per_gas),
            );
            o.insert("gas".into(), qty(t.gas_limit));
            o.insert("to".into(), addr(&t.to));
            o.insert("value".into(), qty(t.value));
            o.insert("data".into(), Value::String(t.input.to_string()));
            o.insert("accessList".into(), access_list(&t.access_list));
            o.insert(
                "authorizationList".into(),
                authorizations(&t.authorization_list),
            );
            (t.chain_id, t.encoded_for_signing())
        }
        // Blob transactions are refused by design (docs/ethereum.md).
        _ => return None,
    };
    Some((Value::Object(o), chain, payload))
}

fuzz_target!(|data: &[u8]| {
    let Ok(envelope) = TxEnvelope::decode_2718(&mut &data[..]) else {
        return;
    };
    let Some((request, chain, payload)) = request_for(&envelope) else {
        return;
    };
    if let Ok(parsed) = TransactionRequest::from_json(&request, chain) {
        assert_eq!(
            hex::encode(parsed.tx.signing_payload()),
            hex::encode(&payload),
            "signing payload differs from alloy's for {request}"
        );
        assert_eq!(parsed.tx.signature_hash(), envelope.signature_hash());
    }
});
