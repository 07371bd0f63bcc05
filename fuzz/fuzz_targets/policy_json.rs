//! Policy JSON (docs/policy.md): the document a user or an administrator loads, the stored
//! policy state, and the evaluation of a signing request against them.
//!
//! The input is one JSON object, `{"policy": <document>, "subject": "tx" | "typed" | "auth" |
//! "sol" | "message" | "solMessage" | "export", "request": <transaction, typed data or
//! authorization>, "transactions": [<base64>], "signer": <Solana address>, "chain": <CAIP-2>,
//! "chainId": <active EVM chain>, "now": <ms>, "history": [{"t", "asset", "amount"}]}`, so
//! the fuzzer mutates the policy and the request together. The raw bytes are also read as the
//! vault's policy slot (`PolicyState::from_slot`).
//!
//! Properties besides "no panic":
//! - a document that validates validates again from `Policy::document()`, to an equal policy
//!   with the same hash, and survives the policy slot round trip;
//! - evaluation is deterministic, and `authorize` turns its decision into the matching gate
//!   (Allow -> Allowed, Deny -> Denied, NeedsApproval -> Held with the policy's quorum);
//! - spending more never makes a request more permissive: evaluated again with its own
//!   spends added to the history, the decision is at least as strict.
#![no_main]

use alloy_primitives::U256;
use custodian_core::chains::solana::Address as SolanaAddress;
use custodian_core::policy::{
    authorize, evaluate, Decision, Gate, Policy, PolicyState, Spend, Subject,
};
use custodian_fuzz::NOW_MS;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// Allow < NeedsApproval < Deny.
fn strictness(d: &Decision) -> u8 {
    match d {
        Decision::Allow => 0,
        Decision::NeedsApproval { .. } => 1,
        Decision::Deny { .. } => 2,
    }
}

fn history(input: &Value) -> Vec<Spend> {
    let Some(items) = input.get("history").and_then(Value::as_array) else {
        return Vec::new();
    };
    items
        .iter()
        .take(64)
        .filter_map(|s| {
            Some(Spend {
                time_ms: s.get("t")?.as_u64()?,
                asset: s.get("asset")?.as_str()?.to_owned(),
                amount: U256::from_str_radix(s.get("amount")?.as_str()?, 10).ok()?,
            })
        })
        .collect()
}

fn check_document(policy: &Policy) {
    let again = Policy::from_json(policy.document()).expect("a valid document validates again");
    assert_eq!(&again, policy);
    assert_eq!(again.hash(), policy.hash());
    let state = PolicyState {
        policy: Some(again),
        ..PolicyState::default()
    };
    let slot = state.to_slot();
    let read = PolicyState::from_slot(&slot).expect("a written slot reads");
    assert_eq!(read, state);
}

fuzz_target!(|data: &[u8]| {
    // The stored slot: anything that reads writes back to something that reads the same.
    if let Ok(state) = PolicyState::from_slot(data) {
        let again = PolicyState::from_slot(&state.to_slot()).expect("a written slot reads");
        assert_eq!(again.policy, state.policy);
        assert_eq!(again.pending, state.pending);
        assert_eq!(again.used, state.used);
        if let Some(policy) = &state.policy {
            check_document(policy);
        }
    }

    let Ok(input) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let document = input.get("policy").unwrap_or(&input);
    let Ok(policy) = Policy::from_json(document) else {
        return;
    };
    check_document(&policy);

    let now = input.get("now").and_then(Value::as_u64).unwrap_or(NOW_MS);
    let active_chain_id = input.get("chainId").and_then(Value::as_u64).unwrap_or(1);
    let null = Value::Null;
    let request = input.get("request").unwrap_or(&null);
    let transactions: Vec<String> = input
        .get("transactions")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .take(8)
                .filter_map(|t| t.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let signer = input
        .get("signer")
        .and_then(Value::as_str)
        .and_then(|s| s.parse::<SolanaAddress>().ok())
        .unwrap_or(SolanaAddress::new([7; 32]));
    let chain = input.get("chain").and_then(Value::as_str);

    let (method, subject) = match input.get("subject").and_then(Value::as_str) {
        Some("typed") => (
            "eth_signTypedData_v4",
            Subject::TypedData {
                typed_data: request,
                active_chain_id,
            },
        ),
        Some("auth") => (
            "wallet_signAuthorization",
            Subject::Authorization {
                request,
                active_chain_id,
            },
        ),
        Some("sol") => (
            "solana_signTransaction",
            Subject::SolanaTransactions {
                signer: &signer,
                transactions: &transactions,
                chain,
            },
        ),
        Some("message") => ("personal_sign", Subject::PersonalSign),
        Some("solMessage") => ("solana_signMessage", Subject::SolanaMessage),
        Some("export") => ("wallet_export", Subject::Export),
        _ => (
            "eth_signTransaction",
            Subject::EthTransaction {
                tx: request,
                active_chain_id,
            },
        ),
    };

    let history = history(&input);
    let first = evaluate(&policy, &history, &subject, now);
    let second = evaluate(&policy, &history, &subject, now);
    assert_eq!(first, second, "evaluation is deterministic");
    let Ok(evaluation) = first else {
        return;
    };
    if let Decision::NeedsApproval { quorum, .. } = evaluation.decision {
        assert_eq!(quorum, policy.quorum);
        assert!(quorum >= 1, "approval needs approvers");
    }

    let mut state = PolicyState {
        policy: Some(policy.clone()),
        spends: history.clone(),
        ..PolicyState::default()
    };
    let gate = authorize(method, request, &subject, &state, now, None)
        .expect("what evaluate read, authorize reads");
    match (&gate, &evaluation.decision) {
        (Gate::Allowed { evaluation: e, .. }, Decision::Allow)
        | (Gate::Denied { evaluation: e, .. }, Decision::Deny { .. }) => {
            assert_eq!(e, &evaluation);
        }
        (
            Gate::Held {
                quorum,
                evaluation: e,
                ..
            },
            Decision::NeedsApproval { quorum: q, .. },
        ) => {
            assert_eq!(quorum, q);
            assert_eq!(e, &evaluation);
        }
        (gate, decision) => panic!("gate {gate:?} for decision {decision:?}"),
    }

    // Spending more is never more permissive.
    if !evaluation.spends.is_empty() {
        let mut more = history.clone();
        more.extend(evaluation.spends.iter().cloned());
        let after = evaluate(&policy, &more, &subject, now).expect("read once, reads again");
        assert!(
            strictness(&after.decision) >= strictness(&evaluation.decision),
            "{:?} after spending, {:?} before",
            after.decision,
            evaluation.decision
        );
    }

    // Recording keeps the history bounded and readable.
    state.record(&evaluation.spends, now);
    let again = PolicyState::from_slot(&state.to_slot()).expect("a written slot reads");
    assert_eq!(again.policy, state.policy);
});
