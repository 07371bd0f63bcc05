//! The policy's evaluation, rule by rule (docs/policy.md §Evaluation): allow, deny or needs
//! approval at and around every limit (limit - 1, limit, limit + 1), rolling windows across
//! time, and default-deny.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use alloy_primitives::U256;
use base64::Engine;
use custodian_core::chains::solana::{
    Address, CompiledInstruction, Message, MessageHeader, MessageVersion, COMPUTE_BUDGET_PROGRAM,
    MEMO_PROGRAM, SYSTEM_PROGRAM, TOKEN_PROGRAM,
};
use custodian_core::policy::{
    authorize, evaluate, Decision, Gate, Policy, PolicyState, Spend, Subject,
};
use serde_json::{json, Value};
use wasm_bindgen_test::wasm_bindgen_test;

const NOW: u64 = 1_700_000_000_000;
const DAY_MS: u64 = 86_400_000;

const R: &str = "0x1111111111111111111111111111111111111111";
const DEAD: &str = "0x000000000000000000000000000000000000dead";
const T: &str = "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48";
const U: &str = "0x2222222222222222222222222222222222222222";
const C: &str = "0x3333333333333333333333333333333333333333";
const S: &str = "0x4444444444444444444444444444444444444444";
const D: &str = "0x5555555555555555555555555555555555555555";
const V: &str = "0x6666666666666666666666666666666666666666";
const W: &str = "0x7777777777777777777777777777777777777777";
const PERMIT2: &str = "0x000000000022d473030f116ddee9f6b43ac78ba3";

/// A published owner / USDC mint / associated token account triple (metaplex-foundation
/// Solana.Swift, AssociatedTokenProgramTests).
const ATA_OWNER: &str = "3h1zGmCwsRJnVk5BuRNMLsPaQu1y2aqXqXDWYCgrp5UG";
const USDC: &str = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v";
const ATA: &str = "3uetDDizgTtadDHZzyy9BqxrjQcozMEkxzbKhfZF4tG3";

fn policy_doc() -> Value {
    json!({
        "version": 1,
        "approvers": [
            {"name": "alice", "publicKey": "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"},
            {"name": "bob", "publicKey": "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"},
            {"name": "carol", "publicKey": "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025"}
        ],
        "quorum": 2,
        "rules": {
            "allowedChains": ["eip155:1", "solana:mainnet"],
            "overLimit": "approval",
            "messageSigning": "approval",
            "ethereum": {
                "maxValueWei": "1000",
                "maxFeeWei": "21000000",
                "windows": [{"periodSeconds": 86400, "maxValueWei": "3000"}],
                "tokens": [{"address": T, "maxAmount": "500",
                            "windows": [{"periodSeconds": 86400, "maxAmount": "1000"}]}],
                "denyRecipients": [DEAD],
                "allowContracts": [C],
                "allowSelectors": ["0x12345678"],
                "allowDelegates": [D],
                "typedData": {"allowVerifyingContracts": [V, PERMIT2]}
            },
            "solana": {
                "maxLamports": "1000",
                "windows": [{"periodSeconds": 86400, "maxLamports": "1500"}],
                "tokens": [{"mint": USDC, "maxAmount": "500"}],
                "denyRecipients": [addr(3).to_string()],
                "allowPrograms": [addr(6).to_string()]
            }
        }
    })
}

fn addr(n: u8) -> Address {
    Address::new([n; 32])
}

fn me() -> Address {
    addr(1)
}

// ---- Ethereum request builders ----

fn tx_with(to: Option<&str>, value: &str, data: Option<String>, fee_per_gas: u64) -> Value {
    let mut tx = json!({
        "value": value, "gas": "21000", "nonce": "0x0", "chainId": "0x1",
        "maxFeePerGas": fee_per_gas.to_string(), "maxPriorityFeePerGas": "1"
    });
    if let Some(to) = to {
        tx["to"] = json!(to);
    }
    if let Some(d) = data {
        tx["data"] = json!(d);
    }
    tx
}

fn tx(to: &str, value: &str) -> Value {
    tx_with(Some(to), value, None, 1000)
}

fn call(to: &str, data: String) -> Value {
    tx_with(Some(to), "0", Some(data), 1000)
}

fn word_addr(a: &str) -> String {
    format!("{:0>64}", a.trim_start_matches("0x"))
}

fn word_u(n: U256) -> String {
    format!("{n:064x}")
}

fn dec(n: &str) -> U256 {
    U256::from_str_radix(n, 10).unwrap()
}

fn transfer(to: &str, amount: &str) -> String {
    format!("0xa9059cbb{}{}", word_addr(to), word_u(dec(amount)))
}

fn approve(spender: &str, amount: U256) -> String {
    format!("0x095ea7b3{}{}", word_addr(spender), word_u(amount))
}

fn permit(value: &str) -> Value {
    json!({
        "types": {
            "EIP712Domain": [{"name": "name", "type": "string"}, {"name": "chainId", "type": "uint256"},
                             {"name": "verifyingContract", "type": "address"}],
            "Permit": [{"name": "owner", "type": "address"}, {"name": "spender", "type": "address"},
                       {"name": "value", "type": "uint256"}, {"name": "nonce", "type": "uint256"},
                       {"name": "deadline", "type": "uint256"}]
        },
        "primaryType": "Permit",
        "domain": {"name": "USD Coin", "chainId": 1, "verifyingContract": T},
        "message": {"owner": R, "spender": S, "value": value, "nonce": 0, "deadline": 1_800_000_000u64}
    })
}

fn dai_permit(allowed: bool) -> Value {
    json!({
        "types": {
            "EIP712Domain": [{"name": "name", "type": "string"}, {"name": "chainId", "type": "uint256"},
                             {"name": "verifyingContract", "type": "address"}],
            "Permit": [{"name": "holder", "type": "address"}, {"name": "spender", "type": "address"},
                       {"name": "nonce", "type": "uint256"}, {"name": "expiry", "type": "uint256"},
                       {"name": "allowed", "type": "bool"}]
        },
        "primaryType": "Permit",
        "domain": {"name": "Dai Stablecoin", "chainId": 1, "verifyingContract": T},
        "message": {"holder": R, "spender": S, "nonce": 0, "expiry": 0, "allowed": allowed}
    })
}

fn permit2_single(token: &str, amount: &str) -> Value {
    json!({
        "types": {
            "EIP712Domain": [{"name": "name", "type": "string"}, {"name": "chainId", "type": "uint256"},
                             {"name": "verifyingContract", "type": "address"}],
            "PermitSingle": [{"name": "details", "type": "PermitDetails"}, {"name": "spender", "type": "address"},
                             {"name": "sigDeadline", "type": "uint256"}],
            "PermitDetails": [{"name": "token", "type": "address"}, {"name": "amount", "type": "uint160"},
                              {"name": "expiration", "type": "uint48"}, {"name": "nonce", "type": "uint48"}]
        },
        "primaryType": "PermitSingle",
        "domain": {"name": "Permit2", "chainId": 1, "verifyingContract": PERMIT2},
        "message": {"details": {"token": token, "amount": amount, "expiration": 0, "nonce": 0},
                    "spender": S, "sigDeadline": 0}
    })
}

fn mail(verifying: &str) -> Value {
    json!({
        "types": {
            "EIP712Domain": [{"name": "name", "type": "string"}, {"name": "chainId", "type": "uint256"},
                             {"name": "verifyingContract", "type": "address"}],
            "Mail": [{"name": "contents", "type": "string"}]
        },
        "primaryType": "Mail",
        "domain": {"name": "Mail", "chainId": 1, "verifyingContract": verifying},
        "message": {"contents": "hello"}
    })
}

// ---- Solana request builders ----

/// One instruction: program, account keys (by address), data.
struct Ix {
    program: Address,
    accounts: Vec<Address>,
    data: Vec<u8>,
}

/// A legacy transaction signed by `me()` only, base64.
fn sol_tx(ixs: &[Ix]) -> String {
    let mut writable = Vec::new();
    let mut programs = Vec::new();
    for ix in ixs {
        for a in &ix.accounts {
            if *a != me() && !writable.contains(a) {
                writable.push(*a);
            }
        }
    }
    for ix in ixs {
        if !programs.contains(&ix.program) && !writable.contains(&ix.program) {
            programs.push(ix.program);
        }
    }
    let mut keys = vec![me()];
    keys.extend(&writable);
    keys.extend(&programs);
    let index = |a: &Address| keys.iter().position(|k| k == a).unwrap() as u8;
    let message = Message {
        version: MessageVersion::Legacy,
        header: MessageHeader {
            num_required_signatures: 1,
            num_readonly_signed: 0,
            num_readonly_unsigned: programs.len() as u8,
        },
        account_keys: keys.clone(),
        recent_blockhash: [9; 32],
        instructions: ixs
            .iter()
            .map(|ix| CompiledInstruction {
                program_id_index: index(&ix.program),
                accounts: ix.accounts.iter().map(index).collect(),
                data: ix.data.clone(),
            })
            .collect(),
        address_table_lookups: Vec::new(),
    };
    let mut wire = vec![1u8];
    wire.extend([0u8; 64]);
    wire.extend(message.serialize().unwrap());
    base64::engine::general_purpose::STANDARD.encode(wire)
}

fn program(text: &str) -> Address {
    Address::parse(text).unwrap()
}

fn sys_transfer(from: Address, to: Address, lamports: u64) -> Ix {
    let mut data = vec![2, 0, 0, 0];
    data.extend(lamports.to_le_bytes());
    Ix {
        program: program(SYSTEM_PROGRAM),
        accounts: vec![from, to],
        data,
    }
}

fn transfer_checked(mint: Address, dest: Address, amount: u64) -> Ix {
    let mut data = vec![12];
    data.extend(amount.to_le_bytes());
    data.push(6);
    Ix {
        program: program(TOKEN_PROGRAM),
        accounts: vec![addr(8), mint, dest, me()],
        data,
    }
}

fn unchecked_transfer(dest: Address, amount: u64) -> Ix {
    let mut data = vec![3];
    data.extend(amount.to_le_bytes());
    Ix {
        program: program(TOKEN_PROGRAM),
        accounts: vec![addr(8), dest, me()],
        data,
    }
}

fn other(program: Address) -> Ix {
    Ix {
        program,
        accounts: vec![me()],
        data: vec![1, 2, 3],
    }
}

// ---- the table ----

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Want {
    Allow,
    Deny,
    Approval,
}
use Want::{Allow as A, Approval as H, Deny as X};

enum Req {
    Tx(Value),
    /// A transaction while the wallet is on another chain.
    TxOn(Value, u64),
    Typed(Value),
    Auth(Value),
    Sol(Vec<String>, Option<&'static str>),
    Message,
    Export,
}

struct Case {
    name: &'static str,
    edit: fn(&mut Value),
    history: Vec<Spend>,
    now: u64,
    req: Req,
    want: Want,
}

fn case(name: &'static str, req: Req, want: Want) -> Case {
    Case {
        name,
        edit: |_| {},
        history: Vec::new(),
        now: NOW,
        req,
        want,
    }
}

fn spent(asset: &str, amount: u64, at: u64) -> Vec<Spend> {
    vec![Spend {
        time_ms: at,
        asset: asset.to_owned(),
        amount: U256::from(amount),
    }]
}

fn outcome(policy: &Policy, c: &Case) -> (Want, String) {
    let signer = me();
    let subject = match &c.req {
        Req::Tx(tx) => Subject::EthTransaction {
            tx,
            active_chain_id: 1,
        },
        Req::TxOn(tx, chain) => Subject::EthTransaction {
            tx,
            active_chain_id: *chain,
        },
        Req::Typed(t) => Subject::TypedData {
            typed_data: t,
            active_chain_id: 1,
        },
        Req::Auth(a) => Subject::Authorization {
            request: a,
            active_chain_id: 1,
        },
        Req::Sol(txs, chain) => Subject::SolanaTransactions {
            signer: &signer,
            transactions: txs,
            chain: *chain,
        },
        Req::Message => Subject::PersonalSign,
        Req::Export => Subject::Export,
    };
    let e = evaluate(policy, &c.history, &subject, c.now)
        .unwrap_or_else(|err| panic!("{}: {err}", c.name));
    match e.decision {
        Decision::Allow => (A, String::new()),
        Decision::Deny { reason } => (X, reason),
        Decision::NeedsApproval { quorum, reason } => {
            assert_eq!(quorum, 2);
            (H, reason)
        }
    }
}

fn ethereum_cases() -> Vec<Case> {
    let day_native = "eip155:1:native";
    let day_token = format!("eip155:1:erc20:{T}");
    let unlimited = U256::from(1u8) << 255usize;
    vec![
        // Native value: per-transaction limit 1000 wei.
        case("value limit - 1", Req::Tx(tx(R, "999")), A),
        case("value at limit", Req::Tx(tx(R, "1000")), A),
        case("value limit + 1", Req::Tx(tx(R, "1001")), H),
        Case {
            edit: |p| p["rules"]["overLimit"] = json!("deny"),
            ..case("value limit + 1, overLimit deny", Req::Tx(tx(R, "1001")), X)
        },
        case("zero value, no data", Req::Tx(tx(R, "0")), A),
        case("denied recipient", Req::Tx(tx(DEAD, "1")), X),
        case(
            "chain not allowed",
            Req::TxOn(
                json!({"to": R, "value": "1", "gas": "21000", "nonce": "0", "chainId": "0x5", "maxFeePerGas": "1", "maxPriorityFeePerGas": "1"}),
                5,
            ),
            X,
        ),
        case(
            "legacy without chain id",
            Req::Tx(
                json!({"to": R, "value": "1", "gas": "21000", "nonce": "0", "chainId": "0x0", "gasPrice": "1"}),
            ),
            X,
        ),
        // Fee cap: 21000 gas x 1000 = 21,000,000 wei.
        case(
            "fee limit - 1 per gas",
            Req::Tx(tx_with(Some(R), "1", None, 999)),
            A,
        ),
        case(
            "fee at limit",
            Req::Tx(tx_with(Some(R), "1", None, 1000)),
            A,
        ),
        case(
            "fee over limit",
            Req::Tx(tx_with(Some(R), "1", None, 1001)),
            H,
        ),
        // Rolling window: 3000 wei per day.
        Case {
            history: spent(day_native, 2000, NOW - 1),
            ..case("window: 2000 used + 999", Req::Tx(tx(R, "999")), A)
        },
        Case {
            history: spent(day_native, 2000, NOW - 1),
            ..case(
                "window: 2000 used + 1000 = limit",
                Req::Tx(tx(R, "1000")),
                A,
            )
        },
        Case {
            history: spent(day_native, 2001, NOW - 1),
            ..case(
                "window: 2001 used + 1000 = limit + 1",
                Req::Tx(tx(R, "1000")),
                H,
            )
        },
        Case {
            history: spent(day_native, 3000, NOW - DAY_MS + 1),
            ..case(
                "window: full, 1 ms before it ages out",
                Req::Tx(tx(R, "1")),
                H,
            )
        },
        Case {
            history: spent(day_native, 3000, NOW - DAY_MS),
            ..case(
                "window: full spend aged out exactly",
                Req::Tx(tx(R, "1000")),
                A,
            )
        },
        Case {
            history: spent("eip155:10:native", 3000, NOW - 1),
            ..case(
                "window: another chain's spends do not count",
                Req::Tx(tx(R, "1000")),
                A,
            )
        },
        // Contract creation is not listed.
        case(
            "contract creation",
            Req::Tx(tx_with(None, "0", Some("0x6000".into()), 1000)),
            X,
        ),
        Case {
            edit: |p| p["rules"]["unlisted"] = json!("approval"),
            ..case(
                "contract creation, unlisted approval",
                Req::Tx(tx_with(None, "0", Some("0x6000".into()), 1000)),
                H,
            )
        },
        // ERC-20 transfer on the listed token: 500 per transaction, 1000 per day.
        case("token limit - 1", Req::Tx(call(T, transfer(R, "499"))), A),
        case("token at limit", Req::Tx(call(T, transfer(R, "500"))), A),
        case("token limit + 1", Req::Tx(call(T, transfer(R, "501"))), H),
        case(
            "token to a denied recipient",
            Req::Tx(call(T, transfer(DEAD, "1"))),
            X,
        ),
        Case {
            history: spent(&day_token, 500, NOW - 10),
            ..case(
                "token window at limit",
                Req::Tx(call(T, transfer(R, "500"))),
                A,
            )
        },
        Case {
            history: spent(&day_token, 501, NOW - 10),
            ..case(
                "token window limit + 1",
                Req::Tx(call(T, transfer(R, "500"))),
                H,
            )
        },
        case(
            "transfer of an unlisted token",
            Req::Tx(call(U, transfer(R, "1"))),
            X,
        ),
        case(
            "token transfer with a dirty address word",
            Req::Tx(call(
                T,
                format!("0xa9059cbb{}{}", "ff".repeat(32), word_u(U256::from(1))),
            )),
            X,
        ),
        // Approvals count like transfers; unlimited ones are blocked.
        case(
            "approve at limit",
            Req::Tx(call(T, approve(S, U256::from(500)))),
            A,
        ),
        case(
            "approve limit + 1",
            Req::Tx(call(T, approve(S, U256::from(501)))),
            H,
        ),
        case(
            "approve revocation",
            Req::Tx(call(T, approve(S, U256::ZERO))),
            A,
        ),
        case(
            "approve unlimited",
            Req::Tx(call(T, approve(S, unlimited))),
            X,
        ),
        case(
            "approve unlimited on an unlisted contract",
            Req::Tx(call(U, approve(S, U256::MAX))),
            X,
        ),
        Case {
            edit: |p| p["rules"]["ethereum"]["blockUnlimitedApprovals"] = json!(false),
            ..case(
                "approve unlimited, not blocked: over limit",
                Req::Tx(call(T, approve(S, U256::MAX))),
                H,
            )
        },
        case(
            "setApprovalForAll true",
            Req::Tx(call(
                C,
                format!("0xa22cb465{}{}", word_addr(S), word_u(U256::from(1))),
            )),
            X,
        ),
        // Contract calls: allowed contract and selector.
        case(
            "allowed contract, allowed selector",
            Req::Tx(call(C, "0x12345678".into())),
            A,
        ),
        case(
            "allowed contract, other selector",
            Req::Tx(call(C, "0x87654321".into())),
            X,
        ),
        case(
            "allowed contract, no selector",
            Req::Tx(call(C, "0x1234".into())),
            X,
        ),
        case(
            "contract not allowed",
            Req::Tx(call(U, "0x12345678".into())),
            X,
        ),
        case(
            "allowed contract with value at limit",
            Req::Tx(tx_with(Some(C), "1000", Some("0x12345678".into()), 1000)),
            A,
        ),
        Case {
            edit: |p| p["rules"]["ethereum"]["allowRecipients"] = json!([R]),
            ..case("allowRecipients: listed", Req::Tx(tx(R, "5")), A)
        },
        Case {
            edit: |p| p["rules"]["ethereum"]["allowRecipients"] = json!([R]),
            ..case("allowRecipients: not listed", Req::Tx(tx(S, "5")), X)
        },
        Case {
            edit: |p| p["rules"]["ethereum"]["allowRecipients"] = json!([R]),
            ..case(
                "allowRecipients: token to unlisted",
                Req::Tx(call(T, transfer(S, "5"))),
                X,
            )
        },
        Case {
            edit: |p| p["rules"]["ethereum"]["allowRecipients"] = json!([R]),
            ..case(
                "allowRecipients: value with a call to an allowed contract",
                Req::Tx(tx_with(Some(C), "5", Some("0x12345678".into()), 1000)),
                A,
            )
        },
        // Typed data.
        case("permit at limit", Req::Typed(permit("500")), A),
        case("permit limit + 1", Req::Typed(permit("501")), H),
        case(
            "permit unlimited",
            Req::Typed(permit(&U256::MAX.to_string())),
            X,
        ),
        case("DAI permit allowed=true", Req::Typed(dai_permit(true)), X),
        case("DAI permit allowed=false", Req::Typed(dai_permit(false)), A),
        case("Permit2 at limit", Req::Typed(permit2_single(T, "500")), A),
        case(
            "Permit2 unlimited (2^159)",
            Req::Typed(permit2_single(
                T,
                &(U256::from(1u8) << 159usize).to_string(),
            )),
            X,
        ),
        case(
            "Permit2 unlisted token",
            Req::Typed(permit2_single(U, "1")),
            X,
        ),
        case(
            "typed data, allowed verifying contract",
            Req::Typed(mail(V)),
            A,
        ),
        case(
            "typed data, other verifying contract",
            Req::Typed(mail(W)),
            X,
        ),
        Case {
            edit: |p| {
                p["rules"]["ethereum"]
                    .as_object_mut()
                    .unwrap()
                    .remove("typedData");
            },
            ..case("typed data not enabled", Req::Typed(mail(V)), X)
        },
        // EIP-7702.
        case(
            "authorization to an allowed delegate",
            Req::Auth(json!({"address": D, "nonce": "0x0", "chainId": "0x1"})),
            A,
        ),
        case(
            "authorization to another delegate",
            Req::Auth(json!({"address": S, "nonce": "0x0"})),
            X,
        ),
        case(
            "authorization for every chain",
            Req::Auth(json!({"address": D, "nonce": "0x0", "chainId": "0x0"})),
            X,
        ),
        // Messages and export.
        case("message signing needs approval", Req::Message, H),
        Case {
            edit: |p| p["rules"]["messageSigning"] = json!("allow"),
            ..case("message signing allowed", Req::Message, A)
        },
        case("export denied by default", Req::Export, X),
        Case {
            edit: |p| p["rules"]["export"] = json!("approval"),
            ..case("export with approval", Req::Export, H)
        },
    ]
}

fn solana_cases() -> Vec<Case> {
    let z = addr(3);
    let usdc = program(USDC);
    vec![
        case(
            "lamports limit - 1",
            Req::Sol(vec![sol_tx(&[sys_transfer(me(), addr(2), 999)])], None),
            A,
        ),
        case(
            "lamports at limit",
            Req::Sol(vec![sol_tx(&[sys_transfer(me(), addr(2), 1000)])], None),
            A,
        ),
        case(
            "lamports limit + 1",
            Req::Sol(vec![sol_tx(&[sys_transfer(me(), addr(2), 1001)])], None),
            H,
        ),
        case(
            "two transfers in one transaction add up",
            Req::Sol(
                vec![sol_tx(&[
                    sys_transfer(me(), addr(2), 600),
                    sys_transfer(me(), addr(4), 401),
                ])],
                None,
            ),
            H,
        ),
        case(
            "lamports to a denied recipient",
            Req::Sol(vec![sol_tx(&[sys_transfer(me(), z, 1)])], None),
            X,
        ),
        case(
            "paid by another signer: not ours",
            Req::Sol(
                vec![sol_tx(&[sys_transfer(addr(2), addr(4), 1_000_000)])],
                None,
            ),
            A,
        ),
        case(
            "devnet not allowed",
            Req::Sol(
                vec![sol_tx(&[sys_transfer(me(), addr(2), 1)])],
                Some("solana:devnet"),
            ),
            X,
        ),
        Case {
            history: spent("solana:native", 500, NOW - 1),
            ..case(
                "window at limit",
                Req::Sol(vec![sol_tx(&[sys_transfer(me(), addr(2), 1000)])], None),
                A,
            )
        },
        Case {
            history: spent("solana:native", 501, NOW - 1),
            ..case(
                "window limit + 1",
                Req::Sol(vec![sol_tx(&[sys_transfer(me(), addr(2), 1000)])], None),
                H,
            )
        },
        case(
            "batch: each under the limit, sum at the window",
            Req::Sol(
                vec![
                    sol_tx(&[sys_transfer(me(), addr(2), 750)]),
                    sol_tx(&[sys_transfer(me(), addr(2), 750)]),
                ],
                None,
            ),
            A,
        ),
        case(
            "batch: sum over the window",
            Req::Sol(
                vec![
                    sol_tx(&[sys_transfer(me(), addr(2), 750)]),
                    sol_tx(&[sys_transfer(me(), addr(2), 751)]),
                ],
                None,
            ),
            H,
        ),
        case(
            "SPL at limit",
            Req::Sol(vec![sol_tx(&[transfer_checked(usdc, addr(2), 500)])], None),
            A,
        ),
        case(
            "SPL limit + 1",
            Req::Sol(vec![sol_tx(&[transfer_checked(usdc, addr(2), 501)])], None),
            H,
        ),
        case(
            "SPL unlisted mint",
            Req::Sol(vec![sol_tx(&[transfer_checked(addr(5), addr(2), 1)])], None),
            X,
        ),
        case(
            "SPL unchecked transfer",
            Req::Sol(vec![sol_tx(&[unchecked_transfer(addr(2), 1)])], None),
            X,
        ),
        Case {
            edit: |p| p["rules"]["solana"]["allowRecipients"] = json!([ATA_OWNER]),
            ..case(
                "SPL to the owner's associated account",
                Req::Sol(
                    vec![sol_tx(&[transfer_checked(usdc, program(ATA), 5)])],
                    None,
                ),
                A,
            )
        },
        Case {
            edit: |p| p["rules"]["solana"]["allowRecipients"] = json!([ATA_OWNER]),
            ..case(
                "SPL to another token account",
                Req::Sol(vec![sol_tx(&[transfer_checked(usdc, addr(2), 5)])], None),
                X,
            )
        },
        case(
            "allowed program",
            Req::Sol(vec![sol_tx(&[other(addr(6))])], None),
            A,
        ),
        case(
            "program not allowed",
            Req::Sol(vec![sol_tx(&[other(addr(7))])], None),
            X,
        ),
        case(
            "compute budget and memo",
            Req::Sol(
                vec![sol_tx(&[
                    Ix {
                        program: program(COMPUTE_BUDGET_PROGRAM),
                        accounts: vec![],
                        data: vec![2, 0, 0, 1, 0],
                    },
                    Ix {
                        program: program(MEMO_PROGRAM),
                        accounts: vec![],
                        data: b"hi".to_vec(),
                    },
                    sys_transfer(me(), addr(2), 10),
                ])],
                None,
            ),
            A,
        ),
    ]
}

fn run(cases: Vec<Case>) -> usize {
    let mut n = 0;
    for c in &cases {
        let mut doc = policy_doc();
        (c.edit)(&mut doc);
        let policy = Policy::from_json(&doc).unwrap_or_else(|e| panic!("{}: {e}", c.name));
        let (got, reason) = outcome(&policy, c);
        assert_eq!(got, c.want, "{}: {reason}", c.name);
        n += 1;
    }
    n
}

#[wasm_bindgen_test(unsupported = test)]
fn ethereum_rules_at_and_around_every_limit() {
    assert_eq!(run(ethereum_cases()), 61);
}

#[wasm_bindgen_test(unsupported = test)]
fn solana_rules_at_and_around_every_limit() {
    assert_eq!(run(solana_cases()), 20);
}

#[wasm_bindgen_test(unsupported = test)]
fn default_deny_refuses_what_the_rules_do_not_mention() {
    let empty = Policy::from_json(&json!({
        "version": 1, "approvers": [], "quorum": 0,
        "rules": {"allowedChains": ["eip155:1", "solana:mainnet"]}
    }))
    .unwrap();
    let signer = me();
    let typed = mail(V);
    let sol = vec![sol_tx(&[sys_transfer(me(), addr(2), 1)])];
    let txs = [
        tx(R, "1"),
        call(C, "0x12345678".into()),
        call(T, transfer(R, "1")),
    ];
    let mut subjects = vec![
        Subject::PersonalSign,
        Subject::SolanaMessage,
        Subject::Export,
        Subject::TypedData {
            typed_data: &typed,
            active_chain_id: 1,
        },
        Subject::SolanaTransactions {
            signer: &signer,
            transactions: &sol,
            chain: None,
        },
    ];
    for t in &txs {
        subjects.push(Subject::EthTransaction {
            tx: t,
            active_chain_id: 1,
        });
    }
    for s in &subjects {
        let e = evaluate(&empty, &[], s, NOW).unwrap();
        assert!(
            matches!(e.decision, Decision::Deny { .. }),
            "{s:?}: {:?}",
            e.decision
        );
    }
    assert_eq!(subjects.len(), 8);
    // Sending nothing is not spending: a zero-value, no-data transaction is within every limit.
    let zero = tx(R, "0");
    let e = evaluate(
        &empty,
        &[],
        &Subject::EthTransaction {
            tx: &zero,
            active_chain_id: 1,
        },
        NOW,
    )
    .unwrap();
    assert_eq!(e.decision, Decision::Allow);
}

#[wasm_bindgen_test(unsupported = test)]
fn spends_are_reported_per_asset_for_recording() {
    let policy = Policy::from_json(&policy_doc()).unwrap();
    let t = tx_with(Some(C), "7", Some("0x12345678".into()), 1000);
    let e = evaluate(
        &policy,
        &[],
        &Subject::EthTransaction {
            tx: &t,
            active_chain_id: 1,
        },
        NOW,
    )
    .unwrap();
    assert_eq!(e.decision, Decision::Allow);
    assert_eq!(e.chain.as_deref(), Some("eip155:1"));
    assert_eq!(e.spends, spent("eip155:1:native", 7, NOW));
    let signer = me();
    let sol = vec![
        sol_tx(&[
            sys_transfer(me(), addr(2), 5),
            transfer_checked(program(USDC), addr(2), 3),
        ]),
        sol_tx(&[sys_transfer(me(), addr(2), 6)]),
    ];
    let e = evaluate(
        &policy,
        &[],
        &Subject::SolanaTransactions {
            signer: &signer,
            transactions: &sol,
            chain: None,
        },
        NOW,
    )
    .unwrap();
    let mut spends: Vec<(String, U256)> = e
        .spends
        .iter()
        .map(|s| (s.asset.clone(), s.amount))
        .collect();
    spends.sort();
    assert_eq!(
        spends,
        vec![
            ("solana:native".to_owned(), U256::from(11)),
            (format!("solana:spl:{USDC}"), U256::from(3)),
        ]
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn without_a_policy_everything_is_allowed_and_unregistered_methods_never() {
    let state = PolicyState::default();
    let t = tx(DEAD, "1000000000000000000000");
    let subject = Subject::EthTransaction {
        tx: &t,
        active_chain_id: 1,
    };
    let gate = authorize(
        "eth_signTransaction",
        &json!({}),
        &subject,
        &state,
        NOW,
        None,
    )
    .unwrap();
    assert!(matches!(gate, Gate::Allowed { .. }));
    assert!(authorize("eth_signBlindly", &json!({}), &subject, &state, NOW, None).is_err());
}
