//! `eth_signTypedData_v4` payloads (docs/ethereum.md §Typed data): deeply nested JSON with
//! type definitions that reference each other, the classic place for unbounded recursion.
//! Parsing, every hash of the pipeline, the chain check and the preview are called; the
//! payload is also tried as the string form dapps send.
#![no_main]

use alloy_primitives::keccak256;
use custodian_core::chains::ethereum::preview::preview_typed_data;
use custodian_core::chains::ethereum::typed_data::TypedDataRequest;
use custodian_core::chains::ethereum::{PreviewContext, PreviewHints};
use custodian_fuzz::NOW_MS;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fn check(value: &Value) {
    let ctx = PreviewContext {
        active_chain_id: 1,
        signer: None,
        now_ms: NOW_MS,
        hints: PreviewHints::default(),
    };
    let _ = preview_typed_data(value, &ctx);
    let Ok(request) = TypedDataRequest::from_json(value) else {
        return;
    };
    let _ = request.check_chain(1);
    let _ = request.encode_type();
    let _ = request.encode_data();
    let _ = request.message_value();
    let _ = request.domain_chain_id();
    if let (Ok(domain), Ok(hash), Ok(digest)) = (
        request.domain_separator(),
        request.hash_struct(),
        request.signing_hash(),
    ) {
        // EIP-712: keccak256(0x19 0x01 ‖ domainSeparator ‖ hashStruct(message)), except a
        // domain-only payload (primaryType EIP712Domain), which omits the message hash.
        let mut pre = vec![0x19, 0x01];
        pre.extend_from_slice(domain.as_slice());
        if request.primary_type() != "EIP712Domain" {
            pre.extend_from_slice(hash.as_slice());
        }
        assert_eq!(digest, keccak256(&pre));
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(value) = serde_json::from_str::<Value>(text) {
        check(&value);
    }
    check(&Value::String(text.to_owned()));
});
