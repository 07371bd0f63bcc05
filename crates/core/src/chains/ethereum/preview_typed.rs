//! Typed-data previews: EIP-2612 permits, Permit2, Seaport orders, and anything else field by
//! field.
//!
//! Recognition goes by `primaryType` and by the names and types of the fields the standard
//! defines (EIP-2612; Uniswap Permit2's `IAllowanceTransfer`/`ISignatureTransfer`; Seaport 1.x
//! `OrderComponents`). A message with the right name but the wrong shape is shown field by
//! field instead: nothing is inferred from a name alone.

use super::address::to_checksum;
use super::chain;
use super::fields;
use super::preview::{
    address_field, field, is_invisible, time_value, token_amount, Action, ActionKind, Builder,
    ChainInfo, Field, FieldFormat, Preview, PreviewContext, PreviewKind, Severity, WarningCode,
};
use super::typed_data::{TypedDataError, TypedDataRequest};
use super::units::format_units;
use alloy_dyn_abi::DynSolValue;
use alloy_primitives::{Address, U256};
use serde_json::Value;

/// At most this many generic fields are listed; the rest are counted.
const MAX_FIELDS: usize = 200;

pub(crate) fn preview(data: &Value, ctx: &PreviewContext) -> Result<Preview, TypedDataError> {
    let request = TypedDataRequest::from_json(data)?;
    // Preview only what could be signed: the same hashing, and so the same errors.
    request.signing_hash()?;
    let message = request.message_value()?;
    let mut b = Builder::default();

    let domain = request.domain();
    let text = |key: &str| {
        fields::get(domain, key)
            .and_then(Value::as_str)
            .map(display_text)
    };
    let verifying_contract = fields::get(domain, "verifyingContract")
        .and_then(|v| fields::address(v, "verifyingContract").ok());
    let domain_chain = request.domain_chain_id()?;
    if let Some(name) = text("name") {
        b.field("App (domain name)", name, FieldFormat::Text);
    }
    if let Some(version) = text("version") {
        b.field("Domain version", version, FieldFormat::Text);
    }
    if let Some(c) = &verifying_contract {
        b.fields.push(address_field("Verifying contract", c));
    }
    if let Some(id) = domain_chain {
        let name = u64::try_from(id).map_or_else(|_| format!("chain {id}"), chain::name);
        b.field("Domain chain", format!("{name} ({id})"), FieldFormat::Text);
        if id != U256::from(ctx.active_chain_id) {
            b.warn(
                Severity::Danger,
                WarningCode::ChainMismatch,
                format!(
                    "This signature is for chain {id}, but the wallet is on chain {}. Custodian \
                     refuses to sign it; a signature for another chain can be used there without \
                     you seeing it.",
                    ctx.active_chain_id
                ),
            );
        }
    }
    b.field("Type", request.primary_type(), FieldFormat::Text);

    let recognised = match request.primary_type() {
        "Permit" => permit(&mut b, &message, verifying_contract.as_ref(), ctx),
        "PermitSingle" | "PermitBatch" => permit2_allowance(&mut b, &message, ctx),
        "PermitTransferFrom"
        | "PermitBatchTransferFrom"
        | "PermitWitnessTransferFrom"
        | "PermitBatchWitnessTransferFrom" => permit2_transfer(&mut b, &message, ctx),
        "OrderComponents" => seaport(&mut b, &message, ctx),
        _ => None,
    };
    let action = recognised.unwrap_or_else(|| {
        let mut fields = Vec::new();
        let mut omitted = 0usize;
        flatten(&message, "", &mut fields, &mut omitted);
        if omitted > 0 {
            fields.push(field(
                "…",
                format!("{omitted} more fields not shown"),
                FieldFormat::Text,
            ));
        }
        let app = text("name")
            .or_else(|| verifying_contract.as_ref().map(to_checksum))
            .unwrap_or_else(|| "an unnamed app".to_owned());
        Action {
            kind: ActionKind::TypedData,
            summary: format!(
                "Sign a {} message for {app}.",
                display_text(request.primary_type())
            ),
            contract: verifying_contract.as_ref().map(to_checksum),
            fields,
        }
    });
    let summary = action.summary.clone();
    b.actions.push(action);
    let chain_id = domain_chain
        .and_then(|id| u64::try_from(id).ok())
        .unwrap_or(ctx.active_chain_id);
    Ok(b.finish(
        ChainInfo::evm(chain_id),
        PreviewKind::TypedData,
        ctx.signer,
        summary,
    ))
}

/// Text from the request, with control and invisible characters made visible as `�`.
fn display_text(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() || is_invisible(c) {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}

fn member<'a>(value: &'a DynSolValue, name: &str) -> Option<&'a DynSolValue> {
    let (_, names, values) = value.as_custom_struct()?;
    names
        .iter()
        .position(|n| n == name)
        .and_then(|i| values.get(i))
}

fn address(value: &DynSolValue, name: &str) -> Option<Address> {
    member(value, name)?.as_address()
}

fn uint(value: &DynSolValue, name: &str) -> Option<(U256, usize)> {
    member(value, name)?.as_uint()
}

fn list<'a>(value: &'a DynSolValue, name: &str) -> Option<&'a [DynSolValue]> {
    member(value, name)?.as_array()
}

/// EIP-2612 `Permit(owner, spender, value, nonce, deadline)`, or DAI's
/// `Permit(holder, spender, nonce, expiry, allowed)` where `allowed` means an unlimited allowance
/// and `expiry` 0 means none.
fn permit(
    b: &mut Builder,
    m: &DynSolValue,
    token: Option<&Address>,
    ctx: &PreviewContext,
) -> Option<Action> {
    let spender = address(m, "spender")?;
    let now = ctx.now_secs();
    let token_text = token.map_or_else(|| "the token of this domain".to_owned(), to_checksum);
    let mut fields: Vec<Field> = token
        .map(|t| address_field("Token", t))
        .into_iter()
        .collect();
    let (amount, summary) = if let Some(owner) = address(m, "owner") {
        let (value, bits) = uint(m, "value")?;
        let (deadline, _) = uint(m, "deadline")?;
        fields.push(address_field("Owner", &owner));
        fields.push(address_field("Spender", &spender));
        b.check_spender(&ctx.hints, &spender, "spender");
        let unlimited = b.check_unlimited(value, bits, &to_checksum(&spender));
        let shown = match (unlimited, token) {
            (true, _) => format!("unlimited ({value})"),
            (false, Some(t)) => token_amount(&ctx.hints, t, value),
            (false, None) => format!("{value} (raw units)"),
        };
        b.check_deadline(deadline, now, "permit");
        fields.push(field(
            "Deadline",
            time_value(deadline, now),
            FieldFormat::Time,
        ));
        let summary = format!(
            "Allow {} to spend {shown} of token {token_text}, by signature (EIP-2612 permit).",
            to_checksum(&spender)
        );
        (shown, summary)
    } else {
        let holder = address(m, "holder")?;
        let allowed = member(m, "allowed")?.as_bool()?;
        let (expiry, _) = uint(m, "expiry")?;
        fields.push(address_field("Owner", &holder));
        fields.push(address_field("Spender", &spender));
        if !allowed {
            fields.push(field("Allowance", "0 (revoke)", FieldFormat::Amount));
            let summary = format!(
                "Revoke the allowance of {} on token {token_text}, by signature.",
                to_checksum(&spender)
            );
            return Some(Action {
                kind: ActionKind::Permit,
                summary,
                contract: token.map(to_checksum),
                fields,
            });
        }
        b.check_spender(&ctx.hints, &spender, "spender");
        b.check_unlimited(U256::MAX, 256, &to_checksum(&spender));
        let deadline = if expiry.is_zero() { U256::MAX } else { expiry };
        b.check_deadline(deadline, now, "permit");
        fields.push(field(
            "Deadline",
            if expiry.is_zero() {
                "none".to_owned()
            } else {
                time_value(expiry, now)
            },
            FieldFormat::Time,
        ));
        let summary = format!("Allow {} to spend an unlimited amount of token {token_text}, by signature (DAI-style permit).", to_checksum(&spender));
        ("unlimited".to_owned(), summary)
    };
    fields.push(field("Allowance", amount, FieldFormat::Amount));
    Some(Action {
        kind: ActionKind::Permit,
        summary,
        contract: token.map(to_checksum),
        fields,
    })
}

/// Permit2 `PermitSingle { details: PermitDetails, spender, sigDeadline }` and `PermitBatch`
/// (`details: PermitDetails[]`), with `PermitDetails { token, amount (uint160), expiration
/// (uint48), nonce }`. An `expiration` of 0 makes the allowance last for the current block only.
fn permit2_allowance(b: &mut Builder, m: &DynSolValue, ctx: &PreviewContext) -> Option<Action> {
    let spender = address(m, "spender")?;
    let (sig_deadline, _) = uint(m, "sigDeadline")?;
    let details: Vec<&DynSolValue> = match member(m, "details")? {
        d @ DynSolValue::CustomStruct { .. } => vec![d],
        DynSolValue::Array(items) => items.iter().collect(),
        _ => return None,
    };
    let now = ctx.now_secs();
    let mut fields = vec![address_field("Spender", &spender)];
    let mut parts = Vec::new();
    b.check_spender(&ctx.hints, &spender, "spender");
    for d in &details {
        let token = address(d, "token")?;
        let (amount, bits) = uint(d, "amount")?;
        let (expiration, _) = uint(d, "expiration")?;
        let unlimited = b.check_unlimited(amount, bits, &to_checksum(&spender));
        let shown = if unlimited {
            format!("unlimited ({amount})")
        } else {
            token_amount(&ctx.hints, &token, amount)
        };
        fields.push(address_field("Token", &token));
        fields.push(field("Allowance", shown.clone(), FieldFormat::Amount));
        if expiration.is_zero() {
            fields.push(field(
                "Allowance expires",
                "at the end of the block it is used in",
                FieldFormat::Time,
            ));
        } else {
            b.check_deadline(expiration, now, "Permit2 allowance");
            fields.push(field(
                "Allowance expires",
                time_value(expiration, now),
                FieldFormat::Time,
            ));
        }
        parts.push(format!("{shown} of token {}", to_checksum(&token)));
    }
    b.check_deadline(sig_deadline, now, "signature");
    fields.push(field(
        "Signature valid until",
        time_value(sig_deadline, now),
        FieldFormat::Time,
    ));
    Some(Action {
        kind: ActionKind::Permit2Allowance,
        summary: format!(
            "Allow {} to spend {} through Permit2.",
            to_checksum(&spender),
            parts.join(", ")
        ),
        contract: None,
        fields,
    })
}

/// Permit2 signature transfers: `permitted: TokenPermissions { token, amount }` (or a list),
/// `spender`, `nonce`, `deadline`, and for the witness variants an extra struct that is shown
/// field by field.
fn permit2_transfer(b: &mut Builder, m: &DynSolValue, ctx: &PreviewContext) -> Option<Action> {
    let spender = address(m, "spender")?;
    let (deadline, _) = uint(m, "deadline")?;
    let permitted: Vec<&DynSolValue> = match member(m, "permitted")? {
        p @ DynSolValue::CustomStruct { .. } => vec![p],
        DynSolValue::Array(items) => items.iter().collect(),
        _ => return None,
    };
    let now = ctx.now_secs();
    let mut fields = vec![address_field("Spender", &spender)];
    let mut parts = Vec::new();
    b.check_spender(&ctx.hints, &spender, "spender");
    for p in &permitted {
        let token = address(p, "token")?;
        let (amount, bits) = uint(p, "amount")?;
        let unlimited = b.check_unlimited(amount, bits, &to_checksum(&spender));
        let shown = if unlimited {
            format!("up to {amount} (unlimited)")
        } else {
            token_amount(&ctx.hints, &token, amount)
        };
        fields.push(address_field("Token", &token));
        fields.push(field("Amount", shown.clone(), FieldFormat::Amount));
        parts.push(format!("{shown} of token {}", to_checksum(&token)));
    }
    b.check_deadline(deadline, now, "signature");
    fields.push(field(
        "Valid until",
        time_value(deadline, now),
        FieldFormat::Time,
    ));
    if let Some((_, names, values)) = m.as_custom_struct() {
        for (name, value) in names.iter().zip(values) {
            if !matches!(
                name.as_str(),
                "permitted" | "spender" | "nonce" | "deadline"
            ) {
                let mut omitted = 0;
                flatten(value, name, &mut fields, &mut omitted);
            }
        }
    }
    Some(Action {
        kind: ActionKind::Permit2Transfer,
        summary: format!(
            "Allow {} to take {} from your account once, through Permit2.",
            to_checksum(&spender),
            parts.join(", ")
        ),
        contract: None,
        fields,
    })
}

/// Seaport `OrderComponents`: the offerer gives `offer` and the `consideration` items go to
/// their recipients; whatever is not addressed to the offerer is paid to others (fees,
/// royalties, or a thief).
fn seaport(b: &mut Builder, m: &DynSolValue, ctx: &PreviewContext) -> Option<Action> {
    let offerer = address(m, "offerer")?;
    let offer = list(m, "offer")?;
    let consideration = list(m, "consideration")?;
    let (end_time, _) = uint(m, "endTime")?;
    let now = ctx.now_secs();
    let mut fields = vec![address_field("Offerer", &offerer)];
    let mut gives = Vec::new();
    for item in offer {
        let text = seaport_item(item, ctx)?;
        fields.push(field("You give", text.clone(), FieldFormat::Amount));
        gives.push(text);
    }
    let mut receives = Vec::new();
    for item in consideration {
        let text = seaport_item(item, ctx)?;
        let recipient = address(item, "recipient")?;
        if recipient == offerer {
            fields.push(field("You receive", text.clone(), FieldFormat::Amount));
            receives.push(text);
        } else {
            fields.push(field(
                "Paid to others",
                format!("{text} to {}", to_checksum(&recipient)),
                FieldFormat::Amount,
            ));
        }
    }
    fields.push(field(
        "Order ends",
        time_value(end_time, now),
        FieldFormat::Time,
    ));
    b.check_deadline(end_time, now, "order");
    if receives.is_empty() && !gives.is_empty() {
        b.warn(
            Severity::Danger,
            WarningCode::NothingInReturn,
            "In this order you give the items above and receive nothing: anyone can fill it and \
             take them for free.",
        );
    }
    let give = if gives.is_empty() {
        "nothing".to_owned()
    } else {
        gives.join(", ")
    };
    let get = if receives.is_empty() {
        "nothing".to_owned()
    } else {
        receives.join(", ")
    };
    Some(Action {
        kind: ActionKind::SeaportOrder,
        summary: format!("Sign a Seaport order: you give {give} and receive {get}."),
        contract: None,
        fields,
    })
}

/// A Seaport offer or consideration item in words. Item types: 0 native, 1 ERC-20, 2 ERC-721,
/// 3 ERC-1155, 4 ERC-721 by criteria, 5 ERC-1155 by criteria.
fn seaport_item(item: &DynSolValue, ctx: &PreviewContext) -> Option<String> {
    let (item_type, _) = uint(item, "itemType")?;
    let token = address(item, "token")?;
    let (id, _) = uint(item, "identifierOrCriteria")?;
    let (start, _) = uint(item, "startAmount")?;
    let (end, _) = uint(item, "endAmount")?;
    let amount = |f: &dyn Fn(U256) -> String| {
        if start == end {
            f(start)
        } else {
            format!("{} falling/rising to {}", f(start), f(end))
        }
    };
    let symbol = chain::symbol(ctx.active_chain_id);
    Some(match u8::try_from(item_type).ok()? {
        0 => amount(&|a| format!("{} {symbol}", format_units(a, 18))),
        1 => amount(&|a| {
            format!(
                "{} of token {}",
                token_amount(&ctx.hints, &token, a),
                to_checksum(&token)
            )
        }),
        2 => format!("NFT #{id} of collection {}", to_checksum(&token)),
        3 => amount(&|a| format!("{a} of token #{id} of contract {}", to_checksum(&token))),
        4 => format!(
            "any NFT of collection {} matching criteria {id:#x}",
            to_checksum(&token)
        ),
        5 => amount(&|a| {
            format!(
                "{a} of any token of contract {} matching criteria {id:#x}",
                to_checksum(&token)
            )
        }),
        _ => return None,
    })
}

/// Lists a value's leaves as `path: value` fields, up to [`MAX_FIELDS`].
fn flatten(value: &DynSolValue, path: &str, out: &mut Vec<Field>, omitted: &mut usize) {
    let child = |name: &str| {
        if path.is_empty() {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        }
    };
    match value {
        DynSolValue::CustomStruct {
            prop_names, tuple, ..
        } => {
            for (name, v) in prop_names.iter().zip(tuple) {
                flatten(v, &child(name), out, omitted);
            }
        }
        DynSolValue::Array(items) | DynSolValue::FixedArray(items) => {
            if items.is_empty() {
                push_leaf(out, omitted, field(path, "(empty list)", FieldFormat::Text));
            }
            for (i, v) in items.iter().enumerate() {
                flatten(v, &format!("{path}[{i}]"), out, omitted);
            }
        }
        leaf => push_leaf(out, omitted, leaf_field(path, leaf)),
    }
}

fn push_leaf(out: &mut Vec<Field>, omitted: &mut usize, f: Field) {
    if out.len() < MAX_FIELDS {
        out.push(f);
    } else {
        *omitted = omitted.saturating_add(1);
    }
}

fn leaf_field(path: &str, value: &DynSolValue) -> Field {
    match value {
        DynSolValue::Address(a) => address_field(path, a),
        DynSolValue::Bool(v) => field(path, v.to_string(), FieldFormat::Text),
        DynSolValue::Uint(v, _) => field(path, v.to_string(), FieldFormat::Text),
        DynSolValue::Int(v, _) => field(path, v.to_string(), FieldFormat::Text),
        DynSolValue::String(s) => field(path, display_text(s), FieldFormat::Text),
        DynSolValue::Bytes(bytes) => {
            field(path, format!("0x{}", hex::encode(bytes)), FieldFormat::Hex)
        }
        DynSolValue::FixedBytes(word, n) => field(
            path,
            format!("0x{}", hex::encode(word.get(..*n).unwrap_or_default())),
            FieldFormat::Hex,
        ),
        other => field(path, format!("{other:?}"), FieldFormat::Text),
    }
}
