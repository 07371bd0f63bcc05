//! The preview, table by table: every calldata decoder, every typed-data recogniser and every
//! warning, on calldata built by hand from the ABI. Selectors are recomputed here from the
//! function signatures (first 4 bytes of keccak256, Solidity ABI spec) and compared with the
//! constants the decoders use; the standards are ERC-20 (EIP-20), ERC-721 (EIP-721),
//! ERC-1155 (EIP-1155) and OpenZeppelin's `increaseAllowance`.
//!
//! Addresses are the real mainnet ones: USDC (Circle), Uniswap's Universal Router and Permit2,
//! the BAYC collection, the OpenSea conduit and Seaport 1.5; accounts are anvil's #0 and #1.

// Test code: a panic is a failed test (clippy.toml allows these in #[test] bodies, not helpers).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use alloy_primitives::{keccak256, Address, U256};
use custodian_core::chains::ethereum::preview::{
    preview_authorization, preview_personal_message, preview_request, preview_transaction,
    preview_typed_data, ActionKind, Preview, PreviewContext, PreviewHints, Severity, TokenHint,
};
use custodian_core::chains::ethereum::{
    authorization, parse_address, sign_typed_data_v4, TypedDataError,
};
use custodian_core::keys::secp256k1::Secp256k1PrivateKey;
use serde_json::{json, Value};
use wasm_bindgen_test::wasm_bindgen_test;

const USDC: &str = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48";
const ROUTER: &str = "0x3fC91A3afd70395Cd496C647d5a6CC9D4B2b7FAD";
const PERMIT2: &str = "0x000000000022D473030F116dDEE9F6B43aC78BA3";
const BAYC: &str = "0xBC4CA0EdA7647A8aB7C2061c2E118A18a936f13D";
const CONDUIT: &str = "0x1E0049783F008A0085193E00003D00cd54003c71";
const SEAPORT: &str = "0x00000000000000ADc04C56Bf30aC9d3c0aAF14dC";
const ALICE: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const BOB: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const ZERO: &str = "0x0000000000000000000000000000000000000000";
/// 2023-11-14 22:13:20 UTC.
const NOW_SECS: u64 = 1_700_000_000;
const MAX_U256: &str =
    "115792089237316195423570985008687907853269984665640564039457584007913129639935";

fn addr(a: &str) -> Address {
    parse_address(a).unwrap()
}

fn ctx(hints: PreviewHints) -> PreviewContext {
    PreviewContext {
        active_chain_id: 1,
        signer: Some(addr(ALICE)),
        now_ms: NOW_SECS * 1000,
        hints,
    }
}

fn no_hints() -> PreviewContext {
    ctx(PreviewHints::default())
}

/// Hints that say the usual spenders are contracts and that USDC has 6 decimals.
fn known() -> PreviewContext {
    ctx(PreviewHints {
        balance_wei: None,
        contracts: vec![
            addr(ROUTER),
            addr(PERMIT2),
            addr(CONDUIT),
            addr(USDC),
            addr(SEAPORT),
        ],
        eoas: vec![addr(BOB)],
        tokens: vec![TokenHint {
            address: addr(USDC),
            symbol: "USDC".into(),
            decimals: 6,
        }],
    })
}

/// The warning codes as they go over the wire, sorted.
fn codes(p: &Preview) -> Vec<String> {
    let mut c: Vec<String> = p
        .warnings
        .iter()
        .map(|w| {
            serde_json::to_value(w.code)
                .unwrap()
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    c.sort();
    c
}

fn kinds(p: &Preview) -> Vec<ActionKind> {
    p.actions.iter().map(|a| a.kind).collect()
}

fn field<'a>(
    fields: &'a [custodian_core::chains::ethereum::preview::Field],
    label: &str,
) -> &'a str {
    &fields
        .iter()
        .find(|f| f.label == label)
        .unwrap_or_else(|| panic!("no field {label} in {fields:?}"))
        .value
}

fn selector(signature: &str) -> String {
    hex::encode(&keccak256(signature)[..4])
}

fn word_addr(a: &str) -> String {
    format!("{:0>64}", a.trim_start_matches("0x").to_lowercase())
}

fn word(v: U256) -> String {
    format!("{v:064x}")
}

fn word_u(v: u64) -> String {
    word(U256::from(v))
}

fn call(signature: &str, words: &[String]) -> String {
    format!("0x{}{}", selector(signature), words.concat())
}

fn tx(to: &str, data: &str, value: &str) -> Value {
    json!({
        "from": ALICE, "to": to, "data": data, "value": value, "nonce": "0x0", "gas": "0x5208",
        "maxFeePerGas": "0x6fc23ac00", "maxPriorityFeePerGas": "0x3b9aca00", "chainId": "0x1",
    })
}

#[wasm_bindgen_test(unsupported = test)]
fn selectors_match_the_abi() {
    let mut count = 0;
    for (signature, expected) in [
        ("transfer(address,uint256)", "a9059cbb"),
        ("transferFrom(address,address,uint256)", "23b872dd"),
        ("approve(address,uint256)", "095ea7b3"),
        ("increaseAllowance(address,uint256)", "39509351"),
        ("setApprovalForAll(address,bool)", "a22cb465"),
        ("safeTransferFrom(address,address,uint256)", "42842e0e"),
        (
            "safeTransferFrom(address,address,uint256,bytes)",
            "b88d4fde",
        ),
        (
            "safeTransferFrom(address,address,uint256,uint256,bytes)",
            "f242432a",
        ),
        (
            "safeBatchTransferFrom(address,address,uint256[],uint256[],bytes)",
            "2eb2c2d6",
        ),
    ] {
        assert_eq!(selector(signature), expected, "{signature}");
        count += 1;
    }
    assert_eq!(count, 9);
    // The classic unlimited USDC approval to Uniswap's Universal Router, written out in full.
    let fixture = "0x095ea7b30000000000000000000000003fc91a3afd70395cd496c647d5a6cc9d4b2b7fadffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
    assert_eq!(
        call(
            "approve(address,uint256)",
            &[word_addr(ROUTER), word(U256::MAX)]
        ),
        fixture
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn native_transfer() {
    let p = preview_transaction(&tx(BOB, "0x", "0x14d1120d7b160000"), &no_hints()).unwrap();
    assert_eq!(kinds(&p), [ActionKind::NativeTransfer]);
    assert_eq!(p.summary, format!("Send 1.5 ETH to {BOB}."));
    assert_eq!(p.chain.id, "eip155:1");
    assert_eq!(p.chain.name, "Ethereum");
    assert_eq!(p.from.as_deref(), Some(ALICE));
    assert_eq!(field(&p.fields, "Value"), "1.5 ETH");
    // 21000 gas at 30 gwei.
    assert_eq!(field(&p.fields, "Max network fee"), "0.00063 ETH");
    assert_eq!(field(&p.fields, "Max total"), "1.50063 ETH");
    assert_eq!(field(&p.fields, "Max fee per gas"), "30 gwei");
    assert_eq!(field(&p.fields, "Max priority fee per gas"), "1 gwei");
    assert_eq!(field(&p.fields, "Type"), "EIP-1559 (type 2)");
    assert!(codes(&p).is_empty(), "{:?}", p.warnings);
}

#[wasm_bindgen_test(unsupported = test)]
fn native_value_is_exact_for_one_wei_and_other_chains() {
    let mut t = tx(BOB, "0x", "0x1");
    t["chainId"] = json!("0x89");
    let mut c = no_hints();
    c.active_chain_id = 137;
    let p = preview_transaction(&t, &c).unwrap();
    assert_eq!(field(&p.fields, "Value"), "0.000000000000000001 POL");
    assert_eq!(p.chain.name, "Polygon");
    c.active_chain_id = 999_999;
    t["chainId"] = json!(999_999);
    let p = preview_transaction(&t, &c).unwrap();
    assert_eq!(p.chain.name, "chain 999999");
    assert_eq!(
        field(&p.fields, "Value"),
        "0.000000000000000001 native units"
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn warning_zero_address_and_balance() {
    let p = preview_transaction(&tx(ZERO, "0x", "0x1"), &no_hints()).unwrap();
    assert_eq!(codes(&p), ["zero_address"]);
    assert_eq!(p.warnings[0].severity, Severity::Danger);

    let mut c = no_hints();
    // 1 ETH balance: sending 1.5 ETH is more than it, sending exactly 1 ETH plus fees too.
    c.hints.balance_wei = Some(U256::from(1_000_000_000_000_000_000u64));
    let p = preview_transaction(&tx(BOB, "0x", "0x14d1120d7b160000"), &c).unwrap();
    assert_eq!(codes(&p), ["insufficient_balance"]);
    assert!(
        p.warnings[0]
            .message
            .starts_with("The value 1.5 ETH is more"),
        "{}",
        p.warnings[0].message
    );
    let p = preview_transaction(&tx(BOB, "0x", "0xde0b6b3a7640000"), &c).unwrap();
    assert_eq!(codes(&p), ["insufficient_balance"]);
    assert!(p.warnings[0].message.contains("maximum network fee"));
    let p = preview_transaction(&tx(BOB, "0x", "0x1"), &c).unwrap();
    assert!(codes(&p).is_empty());
}

#[wasm_bindgen_test(unsupported = test)]
fn erc20_transfer_with_and_without_decimals() {
    // 100 USDC = 100_000_000 units.
    let data = call(
        "transfer(address,uint256)",
        &[word_addr(BOB), word_u(100_000_000)],
    );
    let p = preview_transaction(&tx(USDC, &data, "0x0"), &known()).unwrap();
    assert_eq!(kinds(&p), [ActionKind::TokenTransfer]);
    assert_eq!(field(&p.actions[0].fields, "Amount"), "100 USDC");
    assert_eq!(field(&p.actions[0].fields, "Recipient"), BOB);
    assert_eq!(p.actions[0].contract.as_deref(), Some(USDC));
    assert!(codes(&p).is_empty());

    let p = preview_transaction(&tx(USDC, &data, "0x0"), &no_hints()).unwrap();
    assert_eq!(
        field(&p.actions[0].fields, "Amount"),
        "100000000 (raw units; the token's decimals are unknown)"
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn erc20_transfer_recipient_warnings() {
    for (recipient, code) in [(ZERO, "zero_address"), (USDC, "transfer_to_token_contract")] {
        let data = call(
            "transfer(address,uint256)",
            &[word_addr(recipient), word_u(5)],
        );
        let p = preview_transaction(&tx(USDC, &data, "0x0"), &known()).unwrap();
        assert_eq!(codes(&p), [code]);
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn token_transfer_from() {
    let data = call(
        "transferFrom(address,address,uint256)",
        &[word_addr(ALICE), word_addr(BOB), word_u(42)],
    );
    let p = preview_transaction(&tx(BAYC, &data, "0x0"), &known()).unwrap();
    assert_eq!(kinds(&p), [ActionKind::TokenTransferFrom]);
    assert_eq!(
        field(&p.actions[0].fields, "Amount or token id"),
        "42 (an ERC-20 amount in raw units, or an ERC-721 token id)"
    );
    assert!(codes(&p).is_empty());
}

#[wasm_bindgen_test(unsupported = test)]
fn erc20_approve_table() {
    let approve = |amount: U256, spender: &str| {
        call(
            "approve(address,uint256)",
            &[word_addr(spender), word(amount)],
        )
    };
    let cases: Vec<(String, PreviewContext, Vec<&str>, &str)> = vec![
        // Unlimited to a known contract: only the unlimited warning.
        (approve(U256::MAX, ROUTER), known(), vec!["unlimited_approval"], "unlimited (115792089237316195423570985008687907853269984665640564039457584007913129639935)"),
        // 2^255 counts as unlimited too.
        (approve(U256::from(1) << 255usize, ROUTER), known(), vec!["unlimited_approval"], "unlimited (57896044618658097711785492504343953926634992332820282019728792003956564819968)"),
        // Without hints the spender's nature is unknown.
        (approve(U256::MAX, ROUTER), no_hints(), vec!["spender_unknown", "unlimited_approval"], "unlimited (115792089237316195423570985008687907853269984665640564039457584007913129639935)"),
        // A bounded approval to an account known to be a plain account.
        (approve(U256::from(250_000_000u64), BOB), known(), vec!["spender_is_eoa"], "250 USDC"),
        // Zero revokes: nothing to warn about.
        (approve(U256::ZERO, BOB), known(), vec![], "0 (revoke)"),
    ];
    let mut count = 0;
    for (data, c, expected, allowance) in cases {
        let p = preview_transaction(&tx(USDC, &data, "0x0"), &c).unwrap();
        assert_eq!(kinds(&p), [ActionKind::TokenApproval]);
        assert_eq!(codes(&p), expected, "{data}");
        assert_eq!(field(&p.actions[0].fields, "Allowance"), allowance);
        count += 1;
    }
    assert_eq!(count, 5);
    let p = preview_transaction(&tx(USDC, &approve(U256::MAX, BOB), "0x0"), &known()).unwrap();
    assert_eq!(p.max_severity(), Some(Severity::Danger));
    assert_eq!(
        p.warnings[0].code,
        custodian_core::chains::ethereum::preview::WarningCode::SpenderIsEoa
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn increase_allowance() {
    let data = call(
        "increaseAllowance(address,uint256)",
        &[word_addr(ROUTER), word_u(1_000_000)],
    );
    let p = preview_transaction(&tx(USDC, &data, "0x0"), &known()).unwrap();
    assert_eq!(kinds(&p), [ActionKind::TokenApproval]);
    assert_eq!(field(&p.actions[0].fields, "Allowance increase"), "1 USDC");
    assert!(codes(&p).is_empty());
}

#[wasm_bindgen_test(unsupported = test)]
fn set_approval_for_all() {
    let data = call(
        "setApprovalForAll(address,bool)",
        &[word_addr(CONDUIT), word_u(1)],
    );
    let p = preview_transaction(&tx(BAYC, &data, "0x0"), &known()).unwrap();
    assert_eq!(kinds(&p), [ActionKind::ApprovalForAll]);
    assert_eq!(codes(&p), ["approval_for_all"]);
    let p = preview_transaction(&tx(BAYC, &data, "0x0"), &no_hints()).unwrap();
    assert_eq!(codes(&p), ["approval_for_all", "spender_unknown"]);
    let to_eoa = call(
        "setApprovalForAll(address,bool)",
        &[word_addr(BOB), word_u(1)],
    );
    let p = preview_transaction(&tx(BAYC, &to_eoa, "0x0"), &known()).unwrap();
    assert_eq!(codes(&p), ["approval_for_all", "spender_is_eoa"]);
    let revoke = call(
        "setApprovalForAll(address,bool)",
        &[word_addr(CONDUIT), word_u(0)],
    );
    let p = preview_transaction(&tx(BAYC, &revoke, "0x0"), &known()).unwrap();
    assert!(codes(&p).is_empty());
    assert!(p.summary.starts_with("Revoke"));
}

#[wasm_bindgen_test(unsupported = test)]
fn nft_and_multi_token_transfers() {
    let plain = call(
        "safeTransferFrom(address,address,uint256)",
        &[word_addr(ALICE), word_addr(BOB), word_u(8817)],
    );
    // The 4-argument form: `bytes data` is a dynamic tail at offset 0x80, here 2 bytes 0xbeef.
    let with_data = call(
        "safeTransferFrom(address,address,uint256,bytes)",
        &[
            word_addr(ALICE),
            word_addr(BOB),
            word_u(8817),
            word_u(0x80),
            word_u(2),
            format!("beef{}", "00".repeat(30)),
        ],
    );
    for data in [plain, with_data] {
        let p = preview_transaction(&tx(BAYC, &data, "0x0"), &known()).unwrap();
        assert_eq!(kinds(&p), [ActionKind::NftTransfer], "{data}");
        assert_eq!(field(&p.actions[0].fields, "Token id"), "8817");
    }
    let single = call(
        "safeTransferFrom(address,address,uint256,uint256,bytes)",
        &[
            word_addr(ALICE),
            word_addr(BOB),
            word_u(7),
            word_u(3),
            word_u(0xa0),
            word_u(0),
        ],
    );
    let p = preview_transaction(&tx(BAYC, &single, "0x0"), &known()).unwrap();
    assert_eq!(kinds(&p), [ActionKind::MultiTokenTransfer]);
    assert_eq!(field(&p.actions[0].fields, "Amount"), "3");
    // ids [1, 2] at 0xa0, amounts [10, 20] at 0x100, empty data at 0x160.
    let batch = call(
        "safeBatchTransferFrom(address,address,uint256[],uint256[],bytes)",
        &[
            word_addr(ALICE),
            word_addr(BOB),
            word_u(0xa0),
            word_u(0x100),
            word_u(0x160),
            word_u(2),
            word_u(1),
            word_u(2),
            word_u(2),
            word_u(10),
            word_u(20),
            word_u(0),
        ],
    );
    let p = preview_transaction(&tx(BAYC, &batch, "0x0"), &known()).unwrap();
    assert_eq!(kinds(&p), [ActionKind::MultiTokenTransfer]);
    assert_eq!(field(&p.actions[0].fields, "Token #1"), "10");
    assert_eq!(field(&p.actions[0].fields, "Token #2"), "20");
    let to_zero = call(
        "safeTransferFrom(address,address,uint256)",
        &[word_addr(ALICE), word_addr(ZERO), word_u(1)],
    );
    let p = preview_transaction(&tx(BAYC, &to_zero, "0x0"), &known()).unwrap();
    assert_eq!(codes(&p), ["zero_address"]);
}

#[wasm_bindgen_test(unsupported = test)]
fn unknown_and_malformed_calls_are_not_guessed() {
    let malformed = [
        // Uniswap's `execute(bytes,bytes[],uint256)`, not a selector the preview knows.
        format!(
            "0x{}{}",
            selector("execute(bytes,bytes[],uint256)"),
            word_u(0)
        ),
        // approve with its amount missing.
        call("approve(address,uint256)", &[word_addr(ROUTER)]),
        // transfer with dirty upper bytes in the address word.
        call(
            "transfer(address,uint256)",
            &[
                format!("{}{}", "ff".repeat(12), &word_addr(BOB)[24..]),
                word_u(1),
            ],
        ),
        // setApprovalForAll with a bool that is neither 0 nor 1.
        call(
            "setApprovalForAll(address,bool)",
            &[word_addr(CONDUIT), word_u(2)],
        ),
        // Three bytes: not even a selector.
        "0xa9059c".to_owned(),
    ];
    for data in malformed {
        let p = preview_transaction(&tx(USDC, &data, "0x0"), &known()).unwrap();
        assert_eq!(kinds(&p), [ActionKind::ContractCall], "{data}");
        assert_eq!(codes(&p), ["unknown_call"], "{data}");
    }
    // A value sent along with an unknown call is in the summary.
    let p = preview_transaction(&tx(ROUTER, "0x12345678", "0xde0b6b3a7640000"), &known()).unwrap();
    assert!(p.summary.ends_with("Also sends 1 ETH."), "{}", p.summary);
}

#[wasm_bindgen_test(unsupported = test)]
fn contract_creation() {
    let t = json!({
        "from": ALICE, "data": "0x6080604052", "nonce": "0x0", "gas": "0x100000",
        "gasPrice": "0x3b9aca00", "chainId": "0x7a69",
    });
    let mut c = no_hints();
    c.active_chain_id = 31337;
    let p = preview_transaction(&t, &c).unwrap();
    assert_eq!(kinds(&p), [ActionKind::ContractCreation]);
    assert_eq!(codes(&p), ["contract_creation"]);
    assert_eq!(field(&p.fields, "To"), "new contract");
    assert_eq!(field(&p.fields, "Type"), "legacy (EIP-155)");
    // The first contract anvil's account #0 deploys, as every Hardhat tutorial shows.
    assert_eq!(
        field(&p.actions[0].fields, "New contract address"),
        "0x5FbDB2315678afecb367f032d93F642f64180aa3"
    );
    assert_eq!(p.chain.name, "Hardhat / Anvil local chain");
    assert!(p.chain.testnet);
}

#[wasm_bindgen_test(unsupported = test)]
fn legacy_without_replay_protection() {
    let t = json!({"to": BOB, "nonce": 1, "gas": 21000, "gasPrice": "0x1", "chainId": "0x0"});
    let p = preview_transaction(&t, &no_hints()).unwrap();
    assert_eq!(codes(&p), ["no_replay_protection"]);
    assert_eq!(field(&p.fields, "Type"), "legacy, no replay protection");
}

#[wasm_bindgen_test(unsupported = test)]
fn eip7702_transaction_and_authorization() {
    let bob_key = Secp256k1PrivateKey::from_hex(
        "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    )
    .unwrap();
    let delegate = "0xFBA3912Ca04dd458c843e2EE08967fC04f3579c2";
    let signed = authorization::sign_authorization(
        &bob_key,
        &json!({"address": delegate, "nonce": "0x1a4"}),
        1,
    )
    .unwrap();
    let t = json!({
        "to": BOB, "nonce": "0x0", "gas": "0x186a0", "maxFeePerGas": "0x1", "maxPriorityFeePerGas": "0x1",
        "authorizationList": [signed],
    });
    let p = preview_transaction(&t, &no_hints()).unwrap();
    assert_eq!(
        kinds(&p),
        [ActionKind::NativeTransfer, ActionKind::Delegation]
    );
    assert_eq!(codes(&p), ["delegation"]);
    assert_eq!(p.warnings[0].severity, Severity::Danger);
    assert_eq!(field(&p.actions[1].fields, "Account"), BOB);
    assert_eq!(field(&p.actions[1].fields, "Delegate to"), delegate);
    assert!(p.summary.contains("code delegation"), "{}", p.summary);

    // A signature that does not belong to the tuple it signs.
    let mut forged = signed.clone();
    forged["nonce"] = json!("0x1a5");
    let t2 = json!({
        "to": BOB, "nonce": "0x0", "gas": "0x186a0", "maxFeePerGas": "0x1", "maxPriorityFeePerGas": "0x1",
        "authorizationList": [forged],
    });
    let p = preview_transaction(&t2, &no_hints()).unwrap();
    // It recovers to some other account rather than failing outright, so the account shown is
    // not Bob: the preview shows whoever the chain will treat as the authority.
    assert_ne!(p.actions[1].fields[0].value, BOB);

    // A high-s signature (EIP-2 forbids it, EIP-7702 skips such authorizations) does not count.
    let mut high_s = signed.clone();
    high_s["s"] = json!("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140");
    let t3 = json!({
        "to": BOB, "nonce": "0x0", "gas": "0x186a0", "maxFeePerGas": "0x1", "maxPriorityFeePerGas": "0x1",
        "authorizationList": [high_s],
    });
    let p = preview_transaction(&t3, &no_hints()).unwrap();
    assert_eq!(codes(&p), ["delegation", "invalid_authorization"]);
    assert_eq!(field(&p.actions[1].fields, "Delegate to"), delegate);
}

#[wasm_bindgen_test(unsupported = test)]
fn wallet_sign_authorization_preview() {
    let delegate = "0xFBA3912Ca04dd458c843e2EE08967fC04f3579c2";
    let p =
        preview_authorization(&json!({"address": delegate, "nonce": "0x0"}), &no_hints()).unwrap();
    assert_eq!(kinds(&p), [ActionKind::Delegation]);
    assert_eq!(codes(&p), ["delegation"]);
    assert_eq!(field(&p.fields, "Valid on"), "Ethereum");
    let p = preview_authorization(
        &json!({"address": delegate, "nonce": "0x0", "chainId": "0x0"}),
        &no_hints(),
    )
    .unwrap();
    assert_eq!(codes(&p), ["all_chains", "delegation"]);
    assert_eq!(field(&p.fields, "Valid on"), "every chain");
    let p = preview_authorization(&json!({"address": ZERO, "nonce": "0x0"}), &no_hints()).unwrap();
    assert_eq!(codes(&p), ["delegation"]);
    assert_eq!(p.warnings[0].severity, Severity::Info);
    assert!(p.summary.starts_with("Remove the code delegation"));
    assert!(preview_authorization(
        &json!({"address": delegate, "nonce": "0x0", "chainId": "0x89"}),
        &no_hints()
    )
    .is_err());
}

fn usdc_permit(value: &str, deadline: &str, spender: &str) -> Value {
    json!({
        "types": {
            "EIP712Domain": [
                {"name": "name", "type": "string"}, {"name": "version", "type": "string"},
                {"name": "chainId", "type": "uint256"}, {"name": "verifyingContract", "type": "address"}
            ],
            "Permit": [
                {"name": "owner", "type": "address"}, {"name": "spender", "type": "address"},
                {"name": "value", "type": "uint256"}, {"name": "nonce", "type": "uint256"},
                {"name": "deadline", "type": "uint256"}
            ]
        },
        "primaryType": "Permit",
        "domain": {"name": "USD Coin", "version": "2", "chainId": 1, "verifyingContract": USDC},
        "message": {"owner": ALICE, "spender": spender, "value": value, "nonce": 0, "deadline": deadline}
    })
}

#[wasm_bindgen_test(unsupported = test)]
fn eip2612_permit() {
    let in_an_hour = (NOW_SECS + 3600).to_string();
    let p = preview_typed_data(&usdc_permit("5000000", &in_an_hour, ROUTER), &known()).unwrap();
    assert_eq!(kinds(&p), [ActionKind::Permit]);
    assert_eq!(field(&p.actions[0].fields, "Allowance"), "5 USDC");
    assert_eq!(
        field(&p.actions[0].fields, "Deadline"),
        "2023-11-14 23:13:20 UTC (in 1 hour)"
    );
    assert_eq!(field(&p.fields, "App (domain name)"), "USD Coin");
    assert!(codes(&p).is_empty(), "{:?}", p.warnings);

    let p = preview_typed_data(&usdc_permit(MAX_U256, MAX_U256, BOB), &known()).unwrap();
    assert_eq!(
        codes(&p),
        ["far_deadline", "spender_is_eoa", "unlimited_approval"]
    );
    let in_31_days = (NOW_SECS + 31 * 86_400).to_string();
    let p = preview_typed_data(&usdc_permit("1", &in_31_days, ROUTER), &no_hints()).unwrap();
    assert_eq!(codes(&p), ["far_deadline", "spender_unknown"]);
}

#[wasm_bindgen_test(unsupported = test)]
fn dai_style_permit() {
    let dai = "0x6B175474E89094C44Da98b954EedeAC495271d0F";
    let data = json!({
        "types": {
            "Permit": [
                {"name": "holder", "type": "address"}, {"name": "spender", "type": "address"},
                {"name": "nonce", "type": "uint256"}, {"name": "expiry", "type": "uint256"},
                {"name": "allowed", "type": "bool"}
            ]
        },
        "primaryType": "Permit",
        "domain": {"name": "Dai Stablecoin", "version": "1", "chainId": 1, "verifyingContract": dai},
        "message": {"holder": ALICE, "spender": ROUTER, "nonce": 0, "expiry": 0, "allowed": true}
    });
    let p = preview_typed_data(&data, &known()).unwrap();
    assert_eq!(kinds(&p), [ActionKind::Permit]);
    assert_eq!(codes(&p), ["far_deadline", "unlimited_approval"]);
    assert_eq!(field(&p.actions[0].fields, "Deadline"), "none");
}

#[wasm_bindgen_test(unsupported = test)]
fn permit2_hashes_and_recognition() {
    let v: Value = serde_json::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/permit2_sdk_hashes.json"
    )))
    .unwrap();
    let mut count = 0;
    for case in v["cases"].as_array().unwrap() {
        let data = &case["typed_data"];
        let request =
            custodian_core::chains::ethereum::typed_data::TypedDataRequest::from_json(data)
                .unwrap();
        assert_eq!(
            format!("{:#x}", request.signing_hash().unwrap()),
            case["hash"].as_str().unwrap(),
            "{}",
            case["name"]
        );
        let p = preview_typed_data(data, &no_hints()).unwrap();
        let expected = if data["primaryType"].as_str().unwrap().starts_with("PermitS")
            || data["primaryType"] == "PermitBatch"
        {
            ActionKind::Permit2Allowance
        } else {
            ActionKind::Permit2Transfer
        };
        assert_eq!(kinds(&p), [expected], "{}", case["name"]);
        count += 1;
    }
    assert_eq!(count, 6);
}

#[wasm_bindgen_test(unsupported = test)]
fn permit2_single_as_uniswap_sends_it() {
    let max_uint160 = "1461501637330902918203684832716283019655932542975";
    let permit = |amount: &str, expiration: u64, sig_deadline: u64, spender: &str| {
        json!({
            "types": {
                "EIP712Domain": [
                    {"name": "name", "type": "string"}, {"name": "chainId", "type": "uint256"},
                    {"name": "verifyingContract", "type": "address"}
                ],
                "PermitSingle": [
                    {"name": "details", "type": "PermitDetails"}, {"name": "spender", "type": "address"},
                    {"name": "sigDeadline", "type": "uint256"}
                ],
                "PermitDetails": [
                    {"name": "token", "type": "address"}, {"name": "amount", "type": "uint160"},
                    {"name": "expiration", "type": "uint48"}, {"name": "nonce", "type": "uint48"}
                ]
            },
            "primaryType": "PermitSingle",
            "domain": {"name": "Permit2", "chainId": 1, "verifyingContract": PERMIT2},
            "message": {
                "details": {"token": USDC, "amount": amount, "expiration": expiration.to_string(), "nonce": "0"},
                "spender": spender, "sigDeadline": sig_deadline.to_string()
            }
        })
    };
    // Uniswap's default: an unlimited allowance for 30 days, signature valid for 30 minutes.
    let p = preview_typed_data(
        &permit(max_uint160, NOW_SECS + 30 * 86_400, NOW_SECS + 1800, ROUTER),
        &known(),
    )
    .unwrap();
    assert_eq!(kinds(&p), [ActionKind::Permit2Allowance]);
    assert_eq!(codes(&p), ["unlimited_approval"]);
    assert_eq!(field(&p.actions[0].fields, "Token"), USDC);
    assert_eq!(
        field(&p.actions[0].fields, "Signature valid until"),
        "2023-11-14 22:43:20 UTC (in 30 minutes)"
    );
    // A year-long allowance, for 12.5 USDC, to a plain account.
    let p = preview_typed_data(
        &permit("12500000", NOW_SECS + 365 * 86_400, NOW_SECS + 1800, BOB),
        &known(),
    )
    .unwrap();
    assert_eq!(codes(&p), ["far_deadline", "spender_is_eoa"]);
    assert_eq!(field(&p.actions[0].fields, "Allowance"), "12.5 USDC");
    // Out of range for uint160: refused like signing refuses it.
    let too_big = (U256::from(1) << 160usize).to_string();
    assert!(matches!(
        preview_typed_data(&permit(&too_big, 0, 0, ROUTER), &known()),
        Err(TypedDataError::InvalidValue(_))
    ));
}

fn seaport_order(consideration_to_offerer: bool) -> Value {
    let item = |ty: u8, token: &str, id: u64, amount: &str| json!({"itemType": ty, "token": token, "identifierOrCriteria": id.to_string(), "startAmount": amount, "endAmount": amount});
    let mut price = item(0, ZERO, 0, "9750000000000000000");
    price["recipient"] = json!(if consideration_to_offerer { ALICE } else { BOB });
    let mut fee = item(0, ZERO, 0, "250000000000000000");
    fee["recipient"] = json!("0x0000a26b00c1F0DF003000390027140000fAa719");
    json!({
        "types": {
            "EIP712Domain": [
                {"name": "name", "type": "string"}, {"name": "version", "type": "string"},
                {"name": "chainId", "type": "uint256"}, {"name": "verifyingContract", "type": "address"}
            ],
            "OrderComponents": [
                {"name": "offerer", "type": "address"}, {"name": "zone", "type": "address"},
                {"name": "offer", "type": "OfferItem[]"}, {"name": "consideration", "type": "ConsiderationItem[]"},
                {"name": "orderType", "type": "uint8"}, {"name": "startTime", "type": "uint256"},
                {"name": "endTime", "type": "uint256"}, {"name": "zoneHash", "type": "bytes32"},
                {"name": "salt", "type": "uint256"}, {"name": "conduitKey", "type": "bytes32"},
                {"name": "counter", "type": "uint256"}
            ],
            "OfferItem": [
                {"name": "itemType", "type": "uint8"}, {"name": "token", "type": "address"},
                {"name": "identifierOrCriteria", "type": "uint256"}, {"name": "startAmount", "type": "uint256"},
                {"name": "endAmount", "type": "uint256"}
            ],
            "ConsiderationItem": [
                {"name": "itemType", "type": "uint8"}, {"name": "token", "type": "address"},
                {"name": "identifierOrCriteria", "type": "uint256"}, {"name": "startAmount", "type": "uint256"},
                {"name": "endAmount", "type": "uint256"}, {"name": "recipient", "type": "address"}
            ]
        },
        "primaryType": "OrderComponents",
        "domain": {"name": "Seaport", "version": "1.5", "chainId": 1, "verifyingContract": SEAPORT},
        "message": {
            "offerer": ALICE, "zone": ZERO,
            "offer": [item(2, BAYC, 8817, "1")],
            "consideration": [price, fee],
            "orderType": 0, "startTime": NOW_SECS.to_string(), "endTime": (NOW_SECS + 7 * 86_400).to_string(),
            "zoneHash": format!("0x{}", "00".repeat(32)), "salt": "12345",
            "conduitKey": "0x0000007b02230091a7ed01230072f7006a004d60a8d4e71d599b8104250f0000",
            "counter": "0"
        }
    })
}

#[wasm_bindgen_test(unsupported = test)]
fn seaport_listing_and_drainer_order() {
    let p = preview_typed_data(&seaport_order(true), &known()).unwrap();
    assert_eq!(kinds(&p), [ActionKind::SeaportOrder]);
    assert!(codes(&p).is_empty(), "{:?}", p.warnings);
    assert_eq!(
        field(&p.actions[0].fields, "You give"),
        format!("NFT #8817 of collection {BAYC}")
    );
    assert_eq!(field(&p.actions[0].fields, "You receive"), "9.75 ETH");
    assert_eq!(
        field(&p.actions[0].fields, "Paid to others"),
        "0.25 ETH to 0x0000a26b00c1F0DF003000390027140000fAa719"
    );
    // The classic phishing listing: everything goes to someone else.
    let p = preview_typed_data(&seaport_order(false), &known()).unwrap();
    assert_eq!(codes(&p), ["nothing_in_return"]);
    assert_eq!(p.max_severity(), Some(Severity::Danger));
}

#[wasm_bindgen_test(unsupported = test)]
fn generic_typed_data_and_chain_mismatch() {
    let v: Value = serde_json::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/eip712_example.json"
    )))
    .unwrap();
    let mail = v["vectors"][0]["typed_data"].clone();
    let p = preview_typed_data(&mail, &no_hints()).unwrap();
    assert_eq!(kinds(&p), [ActionKind::TypedData]);
    assert_eq!(p.summary, "Sign a Mail message for Ether Mail.");
    assert_eq!(field(&p.actions[0].fields, "from.name"), "Cow");
    assert_eq!(
        field(&p.actions[0].fields, "to.wallet"),
        "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"
    );
    assert_eq!(field(&p.actions[0].fields, "contents"), "Hello, Bob!");
    assert!(codes(&p).is_empty());

    let mut other_chain = mail.clone();
    other_chain["domain"]["chainId"] = json!(137);
    let p = preview_typed_data(&other_chain, &no_hints()).unwrap();
    assert_eq!(codes(&p), ["chain_mismatch"]);
    assert_eq!(p.chain.name, "Polygon");
    let key =
        Secp256k1PrivateKey::from_hex(v["vectors"][0]["private_key"].as_str().unwrap()).unwrap();
    assert_eq!(
        sign_typed_data_v4(&key, &other_chain, 1),
        Err(TypedDataError::ChainIdMismatch {
            domain: "137".into(),
            active: 1
        })
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn personal_messages() {
    let p = preview_personal_message("Sign in to example.com\nNonce: 42", &no_hints());
    assert_eq!(kinds(&p), [ActionKind::SignMessage]);
    assert_eq!(
        field(&p.fields, "Message"),
        "Sign in to example.com\nNonce: 42"
    );
    assert!(codes(&p).is_empty());
    // What ethers and viem send for the same text.
    let p2 = preview_personal_message(
        &format!("0x{}", hex::encode("Sign in to example.com\nNonce: 42")),
        &no_hints(),
    );
    assert_eq!(p2.fields, p.fields);
    let p = preview_personal_message("cafe", &no_hints());
    assert_eq!(codes(&p), ["bare_hex_message"]);
    assert_eq!(field(&p.fields, "Message (hex)"), "0xcafe");
    let p = preview_personal_message(&format!("0x{}", "ab".repeat(32)), &no_hints());
    assert_eq!(codes(&p), ["message_looks_like_hash"]);
    // Invisible direction marks are not shown as text.
    let p = preview_personal_message("pay \u{202e}evil", &no_hints());
    assert!(p.fields[0].label.starts_with("Message (hex)"));
}

#[wasm_bindgen_test(unsupported = test)]
fn preview_request_routes_each_method_and_serialises() {
    let c = PreviewContext {
        signer: None,
        ..known()
    };
    let data = call(
        "approve(address,uint256)",
        &[word_addr(ROUTER), word(U256::MAX)],
    );
    let p = preview_request("eth_signTransaction", &json!([tx(USDC, &data, "0x0")]), &c).unwrap();
    assert_eq!(p.from.as_deref(), Some(ALICE));
    let p = preview_request("personal_sign", &json!(["0x68656c6c6f", BOB]), &c).unwrap();
    assert_eq!(p.from.as_deref(), Some(BOB));
    assert_eq!(field(&p.fields, "Message"), "hello");
    let p = preview_request(
        "eth_signTypedData_v4",
        &json!([BOB, usdc_permit("1", "0", ROUTER).to_string()]),
        &c,
    )
    .unwrap();
    assert_eq!(kinds(&p), [ActionKind::Permit]);
    let p = preview_request(
        "wallet_signAuthorization",
        &json!([{"address": ROUTER, "nonce": 0}]),
        &c,
    )
    .unwrap();
    assert_eq!(kinds(&p), [ActionKind::Delegation]);
    assert!(preview_request("eth_sign", &json!(["0x00", BOB]), &c).is_err());
    assert!(preview_request("personal_sign", &json!([]), &c).is_err());

    // The JSON shape the UI renders (documented in docs/preview.md).
    let p = preview_transaction(&tx(USDC, &data, "0x0"), &known()).unwrap();
    let j = serde_json::to_value(&p).unwrap();
    assert_eq!(
        j["chain"],
        json!({"id": "eip155:1", "name": "Ethereum", "testnet": false})
    );
    assert_eq!(j["kind"], "transaction");
    assert_eq!(j["actions"][0]["kind"], "tokenApproval");
    assert_eq!(j["actions"][0]["contract"], USDC);
    assert_eq!(
        j["warnings"][0],
        json!({
            "severity": "warning",
            "code": "unlimited_approval",
            "message": format!("This gives {ROUTER} an unlimited allowance: every token of this kind in the account, now and later, until it is revoked."),
        })
    );
    assert_eq!(
        j["fields"][0],
        json!({"label": "From", "value": ALICE, "format": "address"})
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn hints_from_json() {
    let h = PreviewHints::from_json(&json!({
        "balanceWei": "0xde0b6b3a7640000",
        "contracts": [ROUTER],
        "eoas": [BOB.to_lowercase()],
        "tokens": [{"address": USDC, "symbol": "US\u{200b}DC\u{7}", "decimals": 6}]
    }))
    .unwrap();
    assert_eq!(
        h.balance_wei,
        Some(U256::from(1_000_000_000_000_000_000u64))
    );
    assert_eq!(h.eoas, vec![addr(BOB)]);
    // Invisible and control characters are dropped from symbols.
    assert_eq!(h.tokens[0].symbol, "USDC");
    assert_eq!(
        PreviewHints::from_json(&Value::Null).unwrap(),
        PreviewHints::default()
    );
    assert!(PreviewHints::from_json(&json!({"contracts": ["0x1234"]})).is_err());
    assert!(
        PreviewHints::from_json(&json!({"tokens": [{"address": USDC, "decimals": 300}]})).is_err()
    );
}
