//! Transaction previews: fees, value and the decoded call.
//!
//! Recognised calls, by 4-byte selector (the first 4 bytes of `keccak256` of the signature, as
//! the Solidity ABI specification defines them; the tests recompute every selector):
//!
//! | selector   | function | standard |
//! |------------|----------|----------|
//! | `a9059cbb` | `transfer(address,uint256)` | ERC-20 |
//! | `23b872dd` | `transferFrom(address,address,uint256)` | ERC-20 and ERC-721 |
//! | `095ea7b3` | `approve(address,uint256)` | ERC-20 and ERC-721 |
//! | `39509351` | `increaseAllowance(address,uint256)` | OpenZeppelin ERC-20 |
//! | `a22cb465` | `setApprovalForAll(address,bool)` | ERC-721 and ERC-1155 |
//! | `42842e0e` | `safeTransferFrom(address,address,uint256)` | ERC-721 |
//! | `b88d4fde` | `safeTransferFrom(address,address,uint256,bytes)` | ERC-721 |
//! | `f242432a` | `safeTransferFrom(address,address,uint256,uint256,bytes)` | ERC-1155 |
//! | `2eb2c2d6` | `safeBatchTransferFrom(address,address,uint256[],uint256[],bytes)` | ERC-1155 |

use super::abi::Calldata;
use super::address::to_checksum;
use super::authorization::recover_authority;
use super::chain;
use super::preview::{
    address_field, delegation_action, field, token_amount, Action, ActionKind, Builder, ChainInfo,
    FieldFormat, Preview, PreviewContext, PreviewKind, Severity, WarningCode,
};
use super::transaction::{TransactionError, TransactionRequest, UnsignedTransaction};
use super::units::{format_gwei, format_units};
use alloy_primitives::{Address, U256};
use serde_json::Value;

pub(crate) fn preview(tx_json: &Value, ctx: &PreviewContext) -> Result<Preview, TransactionError> {
    let request = TransactionRequest::from_json(tx_json, ctx.active_chain_id)?;
    let tx = &request.tx;
    let from = request.from.or(ctx.signer);
    let chain_id = tx.chain_id().unwrap_or(ctx.active_chain_id);
    let symbol = chain::symbol(chain_id);
    let eth = |wei: U256| format!("{} {symbol}", format_units(wei, 18));
    let mut b = Builder::default();

    let type_name = match tx {
        UnsignedTransaction::Legacy(t) if t.chain_id.is_none() => "legacy, no replay protection",
        UnsignedTransaction::Legacy(_) => "legacy (EIP-155)",
        UnsignedTransaction::Eip2930(_) => "EIP-2930 (type 1)",
        UnsignedTransaction::Eip1559(_) => "EIP-1559 (type 2)",
        UnsignedTransaction::Eip7702(_) => "EIP-7702 (type 4)",
    };
    if let Some(f) = &from {
        b.fields.push(address_field("From", f));
    }
    match tx.to() {
        Some(to) => b.fields.push(address_field("To", &to)),
        None => b.field("To", "new contract", FieldFormat::Text),
    }
    b.field("Value", eth(tx.value()), FieldFormat::Amount);
    let max_fee = U256::from(tx.gas_limit()).saturating_mul(U256::from(tx.max_fee_per_gas()));
    b.field("Max network fee", eth(max_fee), FieldFormat::Amount);
    b.field(
        "Max total",
        eth(tx.value().saturating_add(max_fee)),
        FieldFormat::Amount,
    );
    match tx.max_priority_fee_per_gas() {
        None => b.field(
            "Gas price",
            format_gwei(tx.max_fee_per_gas()),
            FieldFormat::Amount,
        ),
        Some(tip) => {
            b.field(
                "Max fee per gas",
                format_gwei(tx.max_fee_per_gas()),
                FieldFormat::Amount,
            );
            b.field(
                "Max priority fee per gas",
                format_gwei(tip),
                FieldFormat::Amount,
            );
        }
    }
    b.field("Gas limit", tx.gas_limit().to_string(), FieldFormat::Text);
    b.field("Nonce", tx.nonce().to_string(), FieldFormat::Text);
    b.field("Type", type_name, FieldFormat::Text);
    if !tx.input().is_empty() {
        b.field(
            "Data",
            format!("0x{}", hex::encode(tx.input())),
            FieldFormat::Hex,
        );
    }
    let access_list = tx.access_list();
    if !access_list.is_empty() {
        let keys: usize = access_list
            .iter()
            .map(|i| i.storage_keys.len())
            .fold(0, usize::saturating_add);
        b.field(
            "Access list",
            format!("{} addresses, {keys} storage keys", access_list.len()),
            FieldFormat::Text,
        );
    }

    if tx.chain_id().is_none() {
        b.warn(
            Severity::Danger,
            WarningCode::NoReplayProtection,
            "This transaction has no chain id (pre-EIP-155): anyone can replay it on every EVM \
             chain where this account has the same nonce.",
        );
    }
    if let Some(balance) = ctx.hints.balance_wei {
        let total = tx.value().saturating_add(max_fee);
        if tx.value() > balance {
            b.warn(
                Severity::Warning,
                WarningCode::InsufficientBalance,
                format!(
                    "The value {} is more than the balance {}.",
                    eth(tx.value()),
                    eth(balance)
                ),
            );
        } else if total > balance {
            b.warn(
                Severity::Warning,
                WarningCode::InsufficientBalance,
                format!(
                    "The value plus the maximum network fee ({}) is more than the balance {}; \
                     the transaction may fail.",
                    eth(total),
                    eth(balance)
                ),
            );
        }
    }

    let summary = match tx.to() {
        None => {
            let mut fields = vec![field(
                "Init code",
                format!("{} bytes", tx.input().len()),
                FieldFormat::Text,
            )];
            if let Some(f) = &from {
                fields.push(address_field("New contract address", &f.create(tx.nonce())));
            }
            b.warn(
                Severity::Info,
                WarningCode::ContractCreation,
                "This deploys a new contract; its code cannot be checked here.",
            );
            let summary = if tx.value().is_zero() {
                "Deploy a new contract.".to_owned()
            } else {
                format!("Deploy a new contract and send it {}.", eth(tx.value()))
            };
            b.actions.push(Action {
                kind: ActionKind::ContractCreation,
                summary: summary.clone(),
                contract: None,
                fields,
            });
            summary
        }
        Some(to) => decode_call(&mut b, &to, tx.value(), tx.input(), &eth, ctx),
    };

    for auth in tx.authorization_list() {
        let authority = recover_authority(auth);
        if authority.is_none() {
            b.warn(
                Severity::Warning,
                WarningCode::InvalidAuthorization,
                format!(
                    "An authorization for {} has a signature that does not recover; the chain \
                     will skip it.",
                    to_checksum(&auth.address)
                ),
            );
        }
        let action = delegation_action(
            &mut b,
            &auth.address,
            &auth.chain_id,
            auth.nonce,
            authority.as_ref(),
            ctx,
        );
        b.actions.push(action);
    }
    let summary = if tx.authorization_list().is_empty() {
        summary
    } else {
        format!(
            "{summary} Also sets {} code delegation(s) (EIP-7702).",
            tx.authorization_list().len()
        )
    };
    Ok(b.finish(
        ChainInfo::evm(chain_id),
        PreviewKind::Transaction,
        from,
        summary,
    ))
}

/// Decodes a call to `to`; returns the transaction's summary sentence.
fn decode_call(
    b: &mut Builder,
    to: &Address,
    value: U256,
    input: &[u8],
    eth: &dyn Fn(U256) -> String,
    ctx: &PreviewContext,
) -> String {
    let hints = &ctx.hints;
    if input.is_empty() {
        if to.is_zero() {
            b.warn(
                Severity::Danger,
                WarningCode::ZeroAddress,
                "The recipient is the zero address: whatever is sent there is lost for good.",
            );
        }
        let summary = format!("Send {} to {}.", eth(value), to_checksum(to));
        b.actions.push(Action {
            kind: ActionKind::NativeTransfer,
            summary: summary.clone(),
            contract: None,
            fields: vec![
                address_field("Recipient", to),
                field("Amount", eth(value), FieldFormat::Amount),
            ],
        });
        return summary;
    }
    let with_value = |s: String| {
        if value.is_zero() {
            s
        } else {
            format!("{s} Also sends {}.", eth(value))
        }
    };
    let decoded = Calldata::parse(input).and_then(|call| decode_known(b, to, &call, ctx));
    if let Some(action) = decoded {
        let summary = with_value(action.summary.clone());
        b.actions.push(action);
        return summary;
    }
    let selector = input.get(..4).map_or_else(
        || format!("0x{}", hex::encode(input)),
        |s| format!("0x{}", hex::encode(s)),
    );
    b.warn(
        Severity::Info,
        WarningCode::UnknownCall,
        format!(
            "The call to {} (function {selector}) is not one Custodian can decode; check what the \
             app says it does.",
            to_checksum(to)
        ),
    );
    let _ = hints;
    let summary = with_value(format!(
        "Call contract {} (function {selector}).",
        to_checksum(to)
    ));
    b.actions.push(Action {
        kind: ActionKind::ContractCall,
        summary: summary.clone(),
        contract: Some(to_checksum(to)),
        fields: vec![field("Function selector", selector, FieldFormat::Hex)],
    });
    summary
}

/// The recognised calls; `None` when the selector is unknown or the arguments malformed.
fn decode_known(
    b: &mut Builder,
    token: &Address,
    call: &Calldata<'_>,
    ctx: &PreviewContext,
) -> Option<Action> {
    let hints = &ctx.hints;
    let contract = Some(to_checksum(token));
    let amount = |v: U256| token_amount(hints, token, v);
    let action = |kind, summary: String, fields| Action {
        kind,
        summary,
        contract: contract.clone(),
        fields,
    };
    match call.selector {
        // transfer(address to, uint256 amount)
        [0xa9, 0x05, 0x9c, 0xbb] => {
            let (to, value) = (call.address(0)?, call.uint(1)?);
            check_recipient(b, token, &to);
            Some(action(
                ActionKind::TokenTransfer,
                format!(
                    "Send {} of token {} to {}.",
                    amount(value),
                    to_checksum(token),
                    to_checksum(&to)
                ),
                vec![
                    address_field("Token", token),
                    address_field("Recipient", &to),
                    field("Amount", amount(value), FieldFormat::Amount),
                ],
            ))
        }
        // transferFrom(address from, address to, uint256 amountOrTokenId)
        [0x23, 0xb8, 0x72, 0xdd] => {
            let (from, to, value) = (call.address(0)?, call.address(1)?, call.uint(2)?);
            check_recipient(b, token, &to);
            let what = match hints.token(token) {
                Some(_) => amount(value),
                None => format!("{value} (an ERC-20 amount in raw units, or an ERC-721 token id)"),
            };
            Some(action(
                ActionKind::TokenTransferFrom,
                format!(
                    "Move {what} of token {} from {} to {}.",
                    to_checksum(token),
                    to_checksum(&from),
                    to_checksum(&to)
                ),
                vec![
                    address_field("Token", token),
                    address_field("From", &from),
                    address_field("Recipient", &to),
                    field("Amount or token id", what, FieldFormat::Amount),
                ],
            ))
        }
        // approve(address spender, uint256 amount); increaseAllowance(address spender, uint256 added)
        sel @ ([0x09, 0x5e, 0xa7, 0xb3] | [0x39, 0x50, 0x93, 0x51]) => {
            let (spender, value) = (call.address(0)?, call.uint(1)?);
            let increase = sel == [0x39, 0x50, 0x93, 0x51];
            let mut fields = vec![
                address_field("Token", token),
                address_field("Spender", &spender),
            ];
            let summary = if value.is_zero() && !increase {
                fields.push(field("Allowance", "0 (revoke)", FieldFormat::Amount));
                format!(
                    "Revoke the allowance of {} on token {}.",
                    to_checksum(&spender),
                    to_checksum(token)
                )
            } else {
                b.check_spender(hints, &spender, "spender");
                let unlimited = b.check_unlimited(value, 256, &to_checksum(&spender));
                let shown = if unlimited {
                    format!("unlimited ({value})")
                } else {
                    amount(value)
                };
                fields.push(field(
                    if increase {
                        "Allowance increase"
                    } else {
                        "Allowance"
                    },
                    shown.clone(),
                    FieldFormat::Amount,
                ));
                let verb = if increase {
                    "Increase the allowance of"
                } else {
                    "Allow"
                };
                format!(
                    "{verb} {} to spend {shown} of token {}.",
                    to_checksum(&spender),
                    to_checksum(token)
                )
            };
            Some(action(ActionKind::TokenApproval, summary, fields))
        }
        // setApprovalForAll(address operator, bool approved)
        [0xa2, 0x2c, 0xb4, 0x65] => {
            let (operator, approved) = (call.address(0)?, call.bool(1)?);
            let fields = vec![
                address_field("Collection", token),
                address_field("Operator", &operator),
                field("Approved", approved.to_string(), FieldFormat::Text),
            ];
            let summary = if approved {
                b.warn(
                    Severity::Warning,
                    WarningCode::ApprovalForAll,
                    format!(
                        "This lets {} transfer every token you own in collection {}, now and later, \
                         until revoked. Marketplaces need it; so do scams.",
                        to_checksum(&operator),
                        to_checksum(token)
                    ),
                );
                b.check_spender(hints, &operator, "operator");
                format!(
                    "Allow {} to transfer all of your tokens in collection {}.",
                    to_checksum(&operator),
                    to_checksum(token)
                )
            } else {
                format!(
                    "Revoke the approval of {} for all tokens in collection {}.",
                    to_checksum(&operator),
                    to_checksum(token)
                )
            };
            Some(action(ActionKind::ApprovalForAll, summary, fields))
        }
        // safeTransferFrom(address from, address to, uint256 tokenId[, bytes data])
        sel @ ([0x42, 0x84, 0x2e, 0x0e] | [0xb8, 0x8d, 0x4f, 0xde]) => {
            let (from, to, id) = (call.address(0)?, call.address(1)?, call.uint(2)?);
            if sel == [0xb8, 0x8d, 0x4f, 0xde] {
                call.bytes(3)?;
            }
            check_recipient(b, token, &to);
            Some(action(
                ActionKind::NftTransfer,
                format!(
                    "Transfer NFT #{id} of collection {} from {} to {}.",
                    to_checksum(token),
                    to_checksum(&from),
                    to_checksum(&to)
                ),
                vec![
                    address_field("Collection", token),
                    address_field("From", &from),
                    address_field("Recipient", &to),
                    field("Token id", id.to_string(), FieldFormat::Text),
                ],
            ))
        }
        // safeTransferFrom(address from, address to, uint256 id, uint256 amount, bytes data)
        [0xf2, 0x42, 0x43, 0x2a] => {
            let (from, to, id, value) = (
                call.address(0)?,
                call.address(1)?,
                call.uint(2)?,
                call.uint(3)?,
            );
            call.bytes(4)?;
            check_recipient(b, token, &to);
            Some(action(
                ActionKind::MultiTokenTransfer,
                format!(
                    "Transfer {value} of token #{id} of contract {} from {} to {}.",
                    to_checksum(token),
                    to_checksum(&from),
                    to_checksum(&to)
                ),
                vec![
                    address_field("Contract", token),
                    address_field("From", &from),
                    address_field("Recipient", &to),
                    field("Token id", id.to_string(), FieldFormat::Text),
                    field("Amount", value.to_string(), FieldFormat::Amount),
                ],
            ))
        }
        // safeBatchTransferFrom(address from, address to, uint256[] ids, uint256[] amounts, bytes data)
        [0x2e, 0xb2, 0xc2, 0xd6] => {
            let (from, to) = (call.address(0)?, call.address(1)?);
            let (ids, values) = (call.uint_array(2)?, call.uint_array(3)?);
            call.bytes(4)?;
            if ids.len() != values.len() {
                return None;
            }
            check_recipient(b, token, &to);
            let mut fields = vec![
                address_field("Contract", token),
                address_field("From", &from),
                address_field("Recipient", &to),
            ];
            for (id, value) in ids.iter().zip(&values) {
                fields.push(field(
                    &format!("Token #{id}"),
                    value.to_string(),
                    FieldFormat::Amount,
                ));
            }
            Some(action(
                ActionKind::MultiTokenTransfer,
                format!(
                    "Transfer {} kinds of token of contract {} from {} to {}.",
                    ids.len(),
                    to_checksum(token),
                    to_checksum(&from),
                    to_checksum(&to)
                ),
                fields,
            ))
        }
        _ => None,
    }
}

/// Tokens sent to the zero address or to the token contract itself are lost.
fn check_recipient(b: &mut Builder, token: &Address, to: &Address) {
    if to.is_zero() {
        b.warn(
            Severity::Danger,
            WarningCode::ZeroAddress,
            "The recipient is the zero address: the tokens are lost for good.",
        );
    } else if to == token {
        b.warn(
            Severity::Warning,
            WarningCode::TransferToTokenContract,
            "The recipient is the token contract itself; tokens sent there are usually lost.",
        );
    }
}
