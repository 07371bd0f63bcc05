//! Reading Ethereum requests for the policy (`docs/policy.md` §Ethereum).
//!
//! Requests are parsed by the same functions that sign them, so the policy judges exactly
//! what would be signed. Calldata is decoded here with the few ERC-20 layouts the rules need,
//! as strictly as Solidity's ABI decoder reads them (an address word has its top 12 bytes zero).

use alloy_primitives::{Address, U256};
use serde_json::Value;

use super::document::EthereumToken;
use super::evaluate::{Asset, Findings};
use crate::chains::ethereum::authorization::parse_authorization_request;
use crate::chains::ethereum::fields;
use crate::chains::ethereum::transaction::TransactionRequest;
use crate::chains::ethereum::typed_data::TypedDataRequest;
use crate::chains::ethereum::{to_checksum, EthError};

const TRANSFER: [u8; 4] = [0xa9, 0x05, 0x9c, 0xbb];
const TRANSFER_FROM: [u8; 4] = [0x23, 0xb8, 0x72, 0xdd];
const APPROVE: [u8; 4] = [0x09, 0x5e, 0xa7, 0xb3];
const INCREASE_ALLOWANCE: [u8; 4] = [0x39, 0x50, 0x93, 0x51];
const SET_APPROVAL_FOR_ALL: [u8; 4] = [0xa2, 0x2c, 0xb4, 0x65];

/// `eth_signTransaction`.
pub(super) fn transaction<'p>(
    f: &mut Findings<'p>,
    tx: &Value,
    active_chain_id: u64,
) -> Result<(), EthError> {
    let request = TransactionRequest::from_json(tx, active_chain_id)?;
    let tx = &request.tx;
    let Some(chain_id) = tx.chain_id() else {
        f.deny("the transaction has no chain id (pre-EIP-155): its signature would be valid on every chain");
        return Ok(());
    };
    if !f.chain(&format!("eip155:{chain_id}")) {
        return Ok(());
    }
    let policy = f.policy;
    let rules = &policy.rules.ethereum;
    if let Some(cap) = rules.max_fee_wei {
        let fee = U256::from(tx.gas_limit()).saturating_mul(U256::from(tx.max_fee_per_gas()));
        if fee > cap {
            f.over_limit(format!(
                "the maximum network fee {fee} wei is over the per-transaction limit of {cap} wei"
            ));
        }
    }
    let value = tx.value();
    let input = tx.input();
    let Some(to) = tx.to() else {
        f.note("create a contract");
        f.unlisted("contract creation is not allowed by the policy");
        if !value.is_zero() {
            f.spend(native(f, chain_id), value);
        }
        return Ok(());
    };
    let calls_allowed_contract = !input.is_empty() && rules.allow_contracts.contains(&to);
    if !value.is_zero() || input.is_empty() {
        f.note(format!("send {value} wei to {}", to_checksum(&to)));
        // Value sent with a call to an allowed contract needs no entry in allowRecipients.
        if calls_allowed_contract {
            deny_listed(f, &to, "recipient");
        } else {
            counterparty(f, &to, "recipient");
        }
        f.spend(native(f, chain_id), value);
    }
    if input.is_empty() {
        return Ok(());
    }
    let selector = input.get(..4).and_then(|s| <[u8; 4]>::try_from(s).ok());
    let token = rules.tokens.iter().find(|t| t.address == to);
    if let (Some(token), Some(sel)) = (token, selector) {
        if [TRANSFER, TRANSFER_FROM, APPROVE, INCREASE_ALLOWANCE].contains(&sel) {
            token_call(f, chain_id, token, sel, input);
            return Ok(());
        }
    }
    contract_call(f, &to, selector, input);
    Ok(())
}

/// A recognised ERC-20 call on a listed token.
fn token_call<'p>(
    f: &mut Findings<'p>,
    chain_id: u64,
    token: &'p EthereumToken,
    sel: [u8; 4],
    input: &[u8],
) {
    let t = to_checksum(&token.address);
    let decoded = match sel {
        TRANSFER => address_arg(input, 0)
            .zip(uint_arg(input, 1))
            .map(|(to, amount)| (to, amount, false)),
        TRANSFER_FROM => address_arg(input, 1)
            .zip(uint_arg(input, 2))
            .map(|(to, amount)| (to, amount, false)),
        _ => address_arg(input, 0)
            .zip(uint_arg(input, 1))
            .map(|(to, amount)| (to, amount, true)),
    };
    let Some((to, amount, is_approval)) = decoded else {
        f.unlisted(format!(
            "the call to token {t} does not decode as the ERC-20 function it names"
        ));
        return;
    };
    if is_approval {
        f.note(format!(
            "approve {} to spend {amount} base units of {t}",
            to_checksum(&to)
        ));
        approval(
            f,
            chain_id,
            Some(token),
            &token.address,
            &to,
            amount,
            amount >= half(256),
        );
    } else {
        f.note(format!(
            "transfer {amount} base units of {t} to {}",
            to_checksum(&to)
        ));
        counterparty(f, &to, "recipient");
        f.spend(erc20(chain_id, token), amount);
    }
}

/// Any other call.
fn contract_call(f: &mut Findings<'_>, to: &Address, selector: Option<[u8; 4]>, input: &[u8]) {
    let rules = &f.policy.rules.ethereum;
    let c = to_checksum(to);
    f.note(match selector {
        Some(s) => format!("call {c} (0x{})", hex::encode(s)),
        None => format!("call {c}"),
    });
    if rules.block_unlimited_approvals {
        let unlimited = match selector {
            Some(APPROVE | INCREASE_ALLOWANCE) => {
                uint_arg(input, 1).is_some_and(|a| a >= half(256))
            }
            Some(SET_APPROVAL_FOR_ALL) => uint_arg(input, 1).is_some_and(|v| !v.is_zero()),
            _ => false,
        };
        if unlimited {
            f.deny(format!(
                "an unlimited approval on {c} is blocked by the policy"
            ));
            return;
        }
    }
    if !deny_listed(f, to, "contract") {
        return;
    }
    if !rules.allow_contracts.contains(to) {
        f.unlisted(format!(
            "calls to contract {c} are not allowed by the policy"
        ));
        return;
    }
    if let Some(allowed) = &rules.allow_selectors {
        match selector {
            None => f.unlisted(format!(
                "the call to {c} names no function (calldata under 4 bytes)"
            )),
            Some(s) if !allowed.contains(&s) => f.unlisted(format!(
                "function 0x{} is not among the allowed selectors",
                hex::encode(s)
            )),
            Some(_) => {}
        }
    }
}

/// `eth_signTypedData_v4`.
pub(super) fn typed_data(
    f: &mut Findings<'_>,
    data: &Value,
    active_chain_id: u64,
) -> Result<(), EthError> {
    let request = TypedDataRequest::from_json(data)?;
    let chain_id = match request.domain_chain_id()? {
        None => active_chain_id,
        Some(id) => match u64::try_from(id) {
            Ok(id) => id,
            Err(_) => {
                f.deny(format!("chain {id} is not allowed by the policy"));
                return Ok(());
            }
        },
    };
    if !f.chain(&format!("eip155:{chain_id}")) {
        return Ok(());
    }
    let domain = request.domain();
    let verifying = fields::get(domain, "verifyingContract")
        .and_then(|v| fields::address(v, "verifyingContract").ok());
    f.note(format!(
        "sign EIP-712 {}{}",
        request.primary_type(),
        verifying
            .map(|v| format!(" for {}", to_checksum(&v)))
            .unwrap_or_default()
    ));
    let rules = &f.policy.rules.ethereum;
    let Some(typed_rules) = &rules.typed_data else {
        f.unlisted("EIP-712 signing is not enabled by the policy");
        return Ok(());
    };
    if let Some(v) = &verifying {
        if !deny_listed(f, v, "verifying contract") {
            return Ok(());
        }
    }
    if let Some(allowed) = &typed_rules.allow_verifying_contracts {
        let listed = verifying
            .is_some_and(|v| allowed.contains(&v) || rules.tokens.iter().any(|t| t.address == v));
        if !listed {
            f.unlisted(match verifying {
                Some(v) => format!(
                    "verifying contract {} is not allowed by the policy",
                    to_checksum(&v)
                ),
                None => "typed data without a verifying contract is not allowed by the policy"
                    .to_owned(),
            });
            return Ok(());
        }
    }
    permits(
        f,
        chain_id,
        request.primary_type(),
        request.message(),
        verifying.as_ref(),
    );
    Ok(())
}

/// Permits in typed data are token approvals.
fn permits(
    f: &mut Findings<'_>,
    chain_id: u64,
    primary_type: &str,
    message: &Value,
    verifying: Option<&Address>,
) {
    let malformed = |f: &mut Findings<'_>| {
        f.unlisted(format!(
            "the {primary_type} message does not read as the standard defines it"
        ));
    };
    let spender = message
        .get("spender")
        .and_then(|v| fields::address(v, "spender").ok());
    match primary_type {
        "Permit" => {
            let (Some(token), Some(spender)) = (verifying, spender) else {
                return malformed(f);
            };
            if let Some(value) = message.get("value") {
                let Ok(amount) = fields::quantity(value, "value") else {
                    return malformed(f);
                };
                approval(
                    f,
                    chain_id,
                    None,
                    token,
                    &spender,
                    amount,
                    amount >= half(256),
                );
            } else if let Some(allowed) = message.get("allowed") {
                match allowed.as_bool() {
                    Some(true) => approval(f, chain_id, None, token, &spender, U256::MAX, true),
                    Some(false) => {}
                    None => malformed(f),
                }
            } else {
                malformed(f);
            }
        }
        "PermitSingle" | "PermitBatch" => {
            let Some(spender) = spender else {
                return malformed(f);
            };
            let Some(details) = message.get("details") else {
                return malformed(f);
            };
            for d in one_or_many(details) {
                match token_amount(d, "amount") {
                    Some((token, amount)) => {
                        approval(
                            f,
                            chain_id,
                            None,
                            &token,
                            &spender,
                            amount,
                            amount >= half(160),
                        );
                    }
                    None => return malformed(f),
                }
            }
        }
        "PermitTransferFrom"
        | "PermitBatchTransferFrom"
        | "PermitWitnessTransferFrom"
        | "PermitBatchWitnessTransferFrom" => {
            let Some(spender) = spender else {
                return malformed(f);
            };
            let Some(permitted) = message.get("permitted") else {
                return malformed(f);
            };
            for p in one_or_many(permitted) {
                match token_amount(p, "amount") {
                    Some((token, amount)) => {
                        approval(
                            f,
                            chain_id,
                            None,
                            &token,
                            &spender,
                            amount,
                            amount >= half(256),
                        );
                    }
                    None => return malformed(f),
                }
            }
        }
        _ => {}
    }
}

/// `wallet_signAuthorization` (EIP-7702).
pub(super) fn authorization(
    f: &mut Findings<'_>,
    request: &Value,
    active_chain_id: u64,
) -> Result<(), EthError> {
    let auth = parse_authorization_request(request, active_chain_id)?;
    let delegate = to_checksum(&auth.address);
    f.note(format!("delegate this account to {delegate} (EIP-7702)"));
    if auth.chain_id.is_zero() {
        f.chain(&format!("eip155:{active_chain_id}"));
        f.unlisted("an authorization for chain 0 is valid on every chain");
    } else {
        let chain = u64::try_from(auth.chain_id).unwrap_or(u64::MAX);
        if !f.chain(&format!("eip155:{chain}")) {
            return Ok(());
        }
    }
    if !deny_listed(f, &auth.address, "delegate") {
        return Ok(());
    }
    if !f
        .policy
        .rules
        .ethereum
        .allow_delegates
        .contains(&auth.address)
    {
        f.unlisted(format!(
            "delegating to {delegate} is not allowed by the policy"
        ));
    }
    Ok(())
}

/// An approval of `amount` of `token` to `spender`: counted like a transfer.
fn approval<'p>(
    f: &mut Findings<'p>,
    chain_id: u64,
    listed: Option<&'p EthereumToken>,
    token: &Address,
    spender: &Address,
    amount: U256,
    unlimited: bool,
) {
    let t = to_checksum(token);
    if unlimited && f.policy.rules.ethereum.block_unlimited_approvals {
        f.deny(format!(
            "an unlimited approval of {t} is blocked by the policy"
        ));
        return;
    }
    if !counterparty(f, spender, "spender") || amount.is_zero() {
        return;
    }
    let policy = f.policy;
    let listed = listed.or_else(|| {
        policy
            .rules
            .ethereum
            .tokens
            .iter()
            .find(|x| x.address == *token)
    });
    match listed {
        Some(listed) => f.spend(erc20(chain_id, listed), amount),
        None => f.unlisted(format!("token {t} is not listed in the policy")),
    }
}

/// Checks `address` against `denyRecipients` (hard deny) and `allowRecipients` (unlisted).
/// `false` if it is denied.
fn counterparty(f: &mut Findings<'_>, address: &Address, role: &str) -> bool {
    if !deny_listed(f, address, role) {
        return false;
    }
    if let Some(allowed) = &f.policy.rules.ethereum.allow_recipients {
        if !allowed.contains(address) {
            f.unlisted(format!(
                "{role} {} is not an allowed recipient",
                to_checksum(address)
            ));
        }
    }
    true
}

/// `false` (with a denial) if `address` is in `denyRecipients`.
fn deny_listed(f: &mut Findings<'_>, address: &Address, role: &str) -> bool {
    if f.policy.rules.ethereum.deny_recipients.contains(address) {
        f.deny(format!(
            "{role} {} is on the policy's deny list",
            to_checksum(address)
        ));
        false
    } else {
        true
    }
}

fn native<'p>(f: &Findings<'p>, chain_id: u64) -> Asset<'p> {
    let rules = &f.policy.rules.ethereum;
    Asset {
        key: format!("eip155:{chain_id}:native"),
        unit: "wei".to_owned(),
        max_per_tx: rules.max_value_wei,
        windows: &rules.windows,
    }
}

fn erc20(chain_id: u64, token: &EthereumToken) -> Asset<'_> {
    Asset {
        key: format!("eip155:{chain_id}:erc20:{}", hex_lower(&token.address)),
        unit: format!("base units of {}", to_checksum(&token.address)),
        max_per_tx: token.max_amount,
        windows: &token.windows,
    }
}

fn hex_lower(a: &Address) -> String {
    format!("0x{}", hex::encode(a.as_slice()))
}

/// 2^(bits-1): the threshold from which wallets treat an allowance of that width as unlimited.
fn half(bits: usize) -> U256 {
    U256::from(1u8)
        .checked_shl(bits.saturating_sub(1))
        .unwrap_or(U256::MAX)
}

fn word(input: &[u8], index: usize) -> Option<&[u8]> {
    let start = index.checked_mul(32)?.checked_add(4)?;
    input.get(start..start.checked_add(32)?)
}

fn uint_arg(input: &[u8], index: usize) -> Option<U256> {
    U256::try_from_be_slice(word(input, index)?)
}

fn address_arg(input: &[u8], index: usize) -> Option<Address> {
    let w = word(input, index)?;
    let (pad, addr) = (w.get(..12)?, w.get(12..)?);
    pad.iter()
        .all(|b| *b == 0)
        .then(|| Address::from_slice(addr))
}

fn one_or_many(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    }
}

fn token_amount(value: &Value, amount_key: &str) -> Option<(Address, U256)> {
    let token = fields::address(value.get("token")?, "token").ok()?;
    let amount = fields::quantity(value.get(amount_key)?, amount_key).ok()?;
    Some((token, amount))
}
