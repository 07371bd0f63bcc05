//! The transaction and message preview: every decoder and every warning, on instruction bytes
//! laid out as the programs define them (layouts cited next to each builder).

// A test crate: a failed expectation should panic, and test arithmetic is on small known values.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use custodian_core::chains::solana::{
    format_lamports, format_token_amount, preview_message, preview_transaction, Address,
    AddressTableLookup, CompiledInstruction, Message, MessageHeader, MessageVersion, Preview,
    PreviewContext, Severity, SolError, ASSOCIATED_TOKEN_PROGRAM, COMPUTE_BUDGET_PROGRAM,
    MEMO_PROGRAM, SYSTEM_PROGRAM, TOKEN_2022_PROGRAM, TOKEN_PROGRAM,
};
use custodian_core::keys::ed25519::Ed25519PrivateKey;
use serde_json::Value;
use wasm_bindgen_test::wasm_bindgen_test;

const SOLANA: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/vectors/solana_vectors.json"
));

fn me() -> Address {
    let k = Ed25519PrivateKey::from_bytes(&[1u8; 32]).unwrap();
    Address::from_public_key(&k.public_key())
}
fn other(n: u8) -> Address {
    Address::new([n; 32])
}
fn program(id: &str) -> Address {
    Address::parse(id).unwrap()
}

/// Account keys for the tests: 0 = me (fee payer), 1 = OTHER signer, then unsigned
/// accounts 2.. = other(0x20..), then the programs. Returns the wire bytes (empty slots).
struct Tx {
    keys: Vec<Address>,
    required: u8,
    instructions: Vec<CompiledInstruction>,
    lookups: Vec<AddressTableLookup>,
}

impl Tx {
    /// `me` alone signs; accounts 1..=4 are other(0x21..=0x24); 5.. are the programs
    /// System, Token, Token-2022, Compute Budget, ATA, Memo, unknown (0x99).
    fn new() -> Self {
        let mut keys = vec![me()];
        keys.extend((0x21..=0x24).map(other));
        for p in [
            SYSTEM_PROGRAM,
            TOKEN_PROGRAM,
            TOKEN_2022_PROGRAM,
            COMPUTE_BUDGET_PROGRAM,
            ASSOCIATED_TOKEN_PROGRAM,
            MEMO_PROGRAM,
        ] {
            keys.push(program(p));
        }
        keys.push(other(0x99));
        Self {
            keys,
            required: 1,
            instructions: vec![],
            lookups: vec![],
        }
    }

    fn ix(mut self, program: u8, accounts: &[u8], data: Vec<u8>) -> Self {
        self.instructions.push(CompiledInstruction {
            program_id_index: program,
            accounts: accounts.to_vec(),
            data,
        });
        self
    }

    fn wire(&self) -> Vec<u8> {
        let m = Message {
            version: if self.lookups.is_empty() {
                MessageVersion::Legacy
            } else {
                MessageVersion::V0
            },
            header: MessageHeader {
                num_required_signatures: self.required,
                num_readonly_signed: 0,
                num_readonly_unsigned: 7,
            },
            account_keys: self.keys.clone(),
            recent_blockhash: [0x33; 32],
            instructions: self.instructions.clone(),
            address_table_lookups: self.lookups.clone(),
        };
        m.validate().unwrap();
        let mut w = vec![self.required];
        w.extend(std::iter::repeat_n(0u8, 64 * usize::from(self.required)));
        w.extend(m.serialize().unwrap());
        w
    }

    fn preview(&self) -> Preview {
        let me = me();
        preview_transaction(
            &self.wire(),
            &PreviewContext {
                signer: Some(&me),
                ..Default::default()
            },
        )
        .unwrap()
    }
}

// Program indexes in `Tx::new()`.
const SYS: u8 = 5;
const TOKEN: u8 = 6;
const TOKEN22: u8 = 7;
const BUDGET: u8 = 8;
const ATA: u8 = 9;
const MEMO: u8 = 10;
const UNKNOWN: u8 = 11;

/// System instructions are bincode: u32 LE variant index, then the fields in order
/// (solana-program `system_instruction.rs`, `enum SystemInstruction`).
fn sys(tag: u32, rest: &[&[u8]]) -> Vec<u8> {
    let mut d = tag.to_le_bytes().to_vec();
    for r in rest {
        d.extend_from_slice(r);
    }
    d
}
/// bincode `String`: u64 LE length, then the bytes.
fn bincode_str(s: &str) -> Vec<u8> {
    let mut d = (s.len() as u64).to_le_bytes().to_vec();
    d.extend_from_slice(s.as_bytes());
    d
}
/// SPL Token instructions: u8 tag, then packed LE fields (spl-token `instruction.rs`).
fn tok(tag: u8, rest: &[&[u8]]) -> Vec<u8> {
    let mut d = vec![tag];
    for r in rest {
        d.extend_from_slice(r);
    }
    d
}

fn field<'a>(fields: &'a [custodian_core::chains::solana::Field], label: &str) -> &'a str {
    &fields
        .iter()
        .find(|f| f.label == label)
        .unwrap_or_else(|| panic!("no field {label} in {fields:?}"))
        .value
}

fn codes(p: &Preview) -> Vec<(Severity, &str)> {
    p.warnings
        .iter()
        .map(|w| (w.severity, w.code.as_str()))
        .collect()
}

#[wasm_bindgen_test(unsupported = test)]
fn amounts_are_exact() {
    assert_eq!(format_lamports(0), "0.000000000 SOL");
    assert_eq!(format_lamports(1), "0.000000001 SOL");
    assert_eq!(format_lamports(49), "0.000000049 SOL");
    assert_eq!(format_lamports(1_000_000_000), "1.000000000 SOL");
    assert_eq!(format_lamports(1_234_567_891), "1.234567891 SOL");
    assert_eq!(format_lamports(u64::MAX), "18446744073.709551615 SOL");
    assert_eq!(format_token_amount(1_500_000, 6), "1.500000");
    assert_eq!(format_token_amount(5, 0), "5");
    assert_eq!(format_token_amount(5, 3), "0.005");
    assert_eq!(format_token_amount(0, 2), "0.00");
    let huge = format_token_amount(u64::MAX, 255);
    assert_eq!(huge.len(), 2 + 255);
    assert!(huge.starts_with("0.000") && huge.ends_with("18446744073709551615"));
}

#[wasm_bindgen_test(unsupported = test)]
fn web3js_transfer_preview() {
    let v: Value = serde_json::from_str(SOLANA).unwrap();
    let case = &v["transactions"][0];
    use base64::Engine as _;
    let wire = base64::engine::general_purpose::STANDARD
        .decode(case["unsigned_wire_base64"].as_str().unwrap())
        .unwrap();
    let payer = Address::parse(case["fee_payer_base58"].as_str().unwrap()).unwrap();
    let to = case["recipient_base58"].as_str().unwrap();
    let ctx = |hint| PreviewContext {
        signer: Some(&payer),
        lamports_hint: hint,
        ..Default::default()
    };
    let p = preview_transaction(&wire, &ctx(None)).unwrap();
    assert_eq!(p.kind, "transaction");
    assert_eq!(p.chain.id, "solana:mainnet");
    assert_eq!(p.chain.name, "Solana");
    assert_eq!(p.from.as_deref(), Some(payer.to_string().as_str()));
    assert_eq!(p.summary, format!("Send 0.000000049 SOL to {to}"));
    assert_eq!(field(&p.fields, "Fee payer"), payer.to_string());
    assert_eq!(
        field(&p.fields, "Recent blockhash"),
        case["recent_blockhash_base58"].as_str().unwrap()
    );
    assert_eq!(field(&p.fields, "Network fee (max)"), "0.000005000 SOL");
    assert_eq!(field(&p.fields, "Version"), "legacy");
    assert_eq!(
        field(&p.fields, "SOL leaving your account (max)"),
        "0.000005049 SOL"
    );
    assert_eq!(p.actions.len(), 1);
    let a = &p.actions[0];
    assert_eq!(
        (a.program.as_str(), a.name.as_str()),
        ("System Program", "transfer")
    );
    assert_eq!(field(&a.fields, "From"), payer.to_string());
    assert_eq!(field(&a.fields, "To"), to);
    assert_eq!(field(&a.fields, "Amount"), "0.000000049 SOL");
    assert_eq!(a.accounts, vec![payer.to_string(), to.to_string()]);
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);

    // The lamports hint: 5049 is exactly what leaves (fee + transfer); 5048 is not enough.
    assert!(preview_transaction(&wire, &ctx(Some(5049)))
        .unwrap()
        .warnings
        .is_empty());
    let p = preview_transaction(&wire, &ctx(Some(5048))).unwrap();
    assert_eq!(
        codes(&p),
        vec![(Severity::Warning, "exceeds_lamports_hint")]
    );

    // JSON shape shared with the Ethereum preview.
    let j = serde_json::to_value(&p).unwrap();
    let keys: Vec<&str> = j.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        vec!["actions", "chain", "fields", "from", "kind", "summary", "warnings"]
    );
    assert_eq!(j["chain"]["id"], "solana:mainnet");
    assert_eq!(j["fields"][0]["label"], "Fee payer");
    assert_eq!(j["actions"][0]["program"], "System Program");
    assert!(j["actions"][0]["accounts"].is_array());
    assert_eq!(j["warnings"][0]["severity"], "warning");
    assert_eq!(j["warnings"][0]["code"], "exceeds_lamports_hint");
}

#[wasm_bindgen_test(unsupported = test)]
fn system_program_decoders() {
    let owner = other(0x44);
    // createAccount { lamports, space, owner }: accounts [funding, new account].
    let p = Tx::new()
        .ix(
            SYS,
            &[0, 1],
            sys(
                0,
                &[
                    &2_039_280u64.to_le_bytes(),
                    &165u64.to_le_bytes(),
                    owner.as_bytes(),
                ],
            ),
        )
        .preview();
    let a = &p.actions[0];
    assert_eq!(a.name, "createAccount");
    assert_eq!(field(&a.fields, "Amount"), "0.002039280 SOL");
    assert_eq!(field(&a.fields, "Space"), "165 bytes");
    assert_eq!(field(&a.fields, "Owner program"), owner.to_string());
    assert_eq!(field(&a.fields, "New account"), other(0x21).to_string());
    assert_eq!(
        field(&p.fields, "SOL leaving your account (max)"),
        "0.002044280 SOL"
    );

    // createAccountWithSeed { base, seed, lamports, space, owner }.
    let token = program(TOKEN_PROGRAM);
    let p = Tx::new()
        .ix(
            SYS,
            &[0, 1, 0],
            sys(
                3,
                &[
                    me().as_bytes(),
                    &bincode_str("stake:0"),
                    &1_000_000_000u64.to_le_bytes(),
                    &200u64.to_le_bytes(),
                    token.as_bytes(),
                ],
            ),
        )
        .preview();
    let a = &p.actions[0];
    assert_eq!(a.name, "createAccountWithSeed");
    assert_eq!(field(&a.fields, "Seed"), "stake:0");
    assert_eq!(field(&a.fields, "Base"), me().to_string());
    assert_eq!(field(&a.fields, "Amount"), "1.000000000 SOL");
    assert_eq!(
        field(&a.fields, "Owner program"),
        format!("{TOKEN_PROGRAM} (Token Program)")
    );

    // allocate { space }.
    let p = Tx::new()
        .ix(SYS, &[0], sys(8, &[&10u64.to_le_bytes()]))
        .preview();
    assert_eq!(p.actions[0].name, "allocate");
    assert_eq!(field(&p.actions[0].fields, "Space"), "10 bytes");

    // transferWithSeed { lamports, from_seed, from_owner }: [funding, base, to].
    let p = Tx::new()
        .ix(
            SYS,
            &[1, 0, 2],
            sys(
                11,
                &[&7u64.to_le_bytes(), &bincode_str("s"), SYSTEM_PROGRAM_BYTES],
            ),
        )
        .preview();
    let a = &p.actions[0];
    assert_eq!(a.name, "transferWithSeed");
    assert_eq!(field(&a.fields, "Amount"), "0.000000007 SOL");
    assert_eq!(field(&a.fields, "To"), other(0x22).to_string());
    assert_eq!(
        p.summary,
        format!("Send 0.000000007 SOL to {}", other(0x22))
    );

    // withdrawNonceAccount(lamports): [nonce, to, recent blockhashes, rent, authority].
    let p = Tx::new()
        .ix(SYS, &[1, 0, 2, 3, 0], sys(5, &[&5u64.to_le_bytes()]))
        .preview();
    let a = &p.actions[0];
    assert_eq!(a.name, "withdrawNonceAccount");
    assert_eq!(field(&a.fields, "Nonce authority"), me().to_string());
    assert_eq!(field(&a.fields, "To"), me().to_string());

    // initializeNonceAccount(authority): [nonce, recent blockhashes, rent].
    let p = Tx::new()
        .ix(SYS, &[1, 2, 3], sys(6, &[me().as_bytes()]))
        .preview();
    assert_eq!(p.actions[0].name, "initializeNonceAccount");
    assert_eq!(
        field(&p.actions[0].fields, "Nonce authority"),
        me().to_string()
    );
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);

    // An unknown System instruction.
    let p = Tx::new().ix(SYS, &[0], sys(99, &[])).preview();
    assert_eq!(p.actions[0].name, "instruction 99");
    assert_eq!(codes(&p), vec![(Severity::Info, "unknown_instruction")]);
}

const SYSTEM_PROGRAM_BYTES: &[u8] = &[0u8; 32];

#[wasm_bindgen_test(unsupported = test)]
fn assign_our_account_is_danger() {
    let owner = other(0x66);
    // assign { owner }: [account].
    let p = Tx::new()
        .ix(SYS, &[0], sys(1, &[owner.as_bytes()]))
        .preview();
    assert_eq!(p.actions[0].name, "assign");
    assert_eq!(codes(&p), vec![(Severity::Danger, "assign_account")]);
    assert!(p.warnings[0].message.contains(&owner.to_string()));
    // Someone else's account (it would have to sign too): no danger for us.
    let mut tx = Tx::new();
    tx.required = 2;
    let p = tx.ix(SYS, &[1], sys(1, &[owner.as_bytes()])).preview();
    assert!(!codes(&p).contains(&(Severity::Danger, "assign_account")));
    // assignWithSeed { base, seed, owner }: [account, base]; we are the base.
    let p = Tx::new()
        .ix(
            SYS,
            &[1, 0],
            sys(10, &[me().as_bytes(), &bincode_str("x"), owner.as_bytes()]),
        )
        .preview();
    assert_eq!(p.actions[0].name, "assignWithSeed");
    assert_eq!(codes(&p), vec![(Severity::Danger, "assign_account")]);
}

#[wasm_bindgen_test(unsupported = test)]
fn durable_nonce_and_nonce_authority() {
    // advanceNonceAccount as the first instruction: [nonce, recent blockhashes, authority].
    let p = Tx::new()
        .ix(SYS, &[1, 2, 0], sys(4, &[]))
        .ix(SYS, &[0, 3], sys(2, &[&1u64.to_le_bytes()]))
        .preview();
    assert_eq!(p.actions[0].name, "advanceNonceAccount");
    assert_eq!(codes(&p), vec![(Severity::Warning, "durable_nonce")]);
    assert!(p.fields.iter().any(|f| f.label == "Durable nonce value"));
    // Not first: not a durable-nonce transaction.
    let p = Tx::new()
        .ix(SYS, &[0, 3], sys(2, &[&1u64.to_le_bytes()]))
        .ix(SYS, &[1, 2, 0], sys(4, &[]))
        .preview();
    assert!(codes(&p).is_empty());
    assert!(p.fields.iter().any(|f| f.label == "Recent blockhash"));
    // authorizeNonceAccount(new): [nonce, current authority = us].
    let p = Tx::new()
        .ix(SYS, &[1, 0], sys(7, &[other(0x77).as_bytes()]))
        .preview();
    assert_eq!(p.actions[0].name, "authorizeNonceAccount");
    assert_eq!(codes(&p), vec![(Severity::Warning, "nonce_authority")]);
}

#[wasm_bindgen_test(unsupported = test)]
fn token_decoders_both_programs() {
    let amount = 1_500_000u64.to_le_bytes();
    for (prog, name) in [(TOKEN, "Token Program"), (TOKEN22, "Token-2022 Program")] {
        // transfer { amount }: [source, destination, authority].
        let p = Tx::new().ix(prog, &[1, 2, 0], tok(3, &[&amount])).preview();
        let a = &p.actions[0];
        assert_eq!((a.program.as_str(), a.name.as_str()), (name, "transfer"));
        assert!(field(&a.fields, "Amount").starts_with("1500000 (raw units"));
        assert_eq!(field(&a.fields, "Authority"), me().to_string());

        // transferChecked { amount, decimals }: [source, mint, destination, authority].
        let p = Tx::new()
            .ix(prog, &[1, 2, 3, 0], tok(12, &[&amount, &[6]]))
            .preview();
        let a = &p.actions[0];
        assert_eq!(a.name, "transferChecked");
        assert_eq!(field(&a.fields, "Amount"), "1.500000");
        assert_eq!(field(&a.fields, "Raw amount"), "1500000");
        assert_eq!(field(&a.fields, "Decimals"), "6");
        assert_eq!(field(&a.fields, "Mint"), other(0x22).to_string());
        assert_eq!(
            p.summary,
            format!("Send 1.500000 of token {} to {}", other(0x22), other(0x23))
        );
        assert!(p.warnings.is_empty());

        // revoke: [source, owner].
        let p = Tx::new().ix(prog, &[1, 0], tok(5, &[])).preview();
        assert_eq!(p.actions[0].name, "revoke");
        // mintTo { amount }: [mint, destination, authority].
        let p = Tx::new().ix(prog, &[1, 2, 0], tok(7, &[&amount])).preview();
        assert_eq!(p.actions[0].name, "mintTo");
        assert_eq!(field(&p.actions[0].fields, "Mint"), other(0x21).to_string());
        // burn { amount }: [account, mint, authority].
        let p = Tx::new().ix(prog, &[1, 2, 0], tok(8, &[&amount])).preview();
        assert_eq!(p.actions[0].name, "burn");
        assert_eq!(field(&p.actions[0].fields, "Mint"), other(0x22).to_string());
        // An instruction known by name only (syncNative = 17).
        let p = Tx::new().ix(prog, &[1], tok(17, &[])).preview();
        assert_eq!(p.actions[0].name, "syncNative");
        assert!(p.warnings.is_empty());
    }
    // Token-2022 extension instructions are named as such.
    let p = Tx::new().ix(TOKEN22, &[1], tok(26, &[&[1]])).preview();
    assert_eq!(p.actions[0].name, "extension instruction 26");
    assert_eq!(codes(&p), vec![(Severity::Info, "unknown_instruction")]);
}

#[wasm_bindgen_test(unsupported = test)]
fn token_approvals_warn() {
    // approve { amount }: [source, delegate, owner].
    let p = Tx::new()
        .ix(TOKEN, &[1, 2, 0], tok(4, &[&1000u64.to_le_bytes()]))
        .preview();
    assert_eq!(p.actions[0].name, "approve");
    assert_eq!(
        field(&p.actions[0].fields, "Delegate"),
        other(0x22).to_string()
    );
    assert_eq!(codes(&p), vec![(Severity::Warning, "token_approval")]);
    assert!(p.warnings[0].message.contains("up to 1000"));
    // approveChecked { amount, decimals }: [source, mint, delegate, owner]; u64::MAX.
    let p = Tx::new()
        .ix(
            TOKEN22,
            &[1, 2, 3, 0],
            tok(13, &[&u64::MAX.to_le_bytes(), &[9]]),
        )
        .preview();
    assert_eq!(p.actions[0].name, "approveChecked");
    assert_eq!(
        field(&p.actions[0].fields, "Amount"),
        "18446744073.709551615"
    );
    assert_eq!(codes(&p), vec![(Severity::Warning, "token_approval")]);
    assert!(p.warnings[0].message.contains("unlimited"));
}

#[wasm_bindgen_test(unsupported = test)]
fn set_authority_we_hold_is_danger() {
    // setAuthority { authority_type: u8, new_authority: COption<Pubkey> }: [target, current].
    let mut data = tok(6, &[&[2], &[1], other(0x55).as_bytes()]);
    let p = Tx::new().ix(TOKEN, &[1, 0], data.clone()).preview();
    let a = &p.actions[0];
    assert_eq!(a.name, "setAuthority");
    assert_eq!(field(&a.fields, "Authority type"), "account owner");
    assert_eq!(field(&a.fields, "New authority"), other(0x55).to_string());
    assert_eq!(codes(&p), vec![(Severity::Danger, "set_authority")]);
    // Removing the mint authority for good (COption::None).
    let p = Tx::new()
        .ix(TOKEN22, &[1, 0], tok(6, &[&[0], &[0]]))
        .preview();
    assert_eq!(
        field(&p.actions[0].fields, "New authority"),
        "none (removed permanently)"
    );
    assert_eq!(field(&p.actions[0].fields, "Authority type"), "mint tokens");
    assert_eq!(codes(&p), vec![(Severity::Danger, "set_authority")]);
    // Someone else is the authority: decoded, no danger for us.
    let mut tx = Tx::new();
    tx.required = 2;
    let p = tx.ix(TOKEN, &[2, 1], data.clone()).preview();
    assert!(!codes(&p).contains(&(Severity::Danger, "set_authority")));
    // A bad COption tag is malformed, not guessed at.
    data[2] = 7;
    let p = Tx::new().ix(TOKEN, &[1, 0], data).preview();
    assert_eq!(
        codes(&p),
        vec![(Severity::Warning, "malformed_instruction")]
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn close_account_rent() {
    // closeAccount: [account, destination, owner].
    let p = Tx::new().ix(TOKEN, &[1, 0, 0], tok(9, &[])).preview();
    assert_eq!(p.actions[0].name, "closeAccount");
    assert_eq!(field(&p.actions[0].fields, "Rent to"), me().to_string());
    assert!(p.warnings.is_empty());
    let p = Tx::new().ix(TOKEN, &[1, 3, 0], tok(9, &[])).preview();
    assert_eq!(codes(&p), vec![(Severity::Warning, "close_account_rent")]);
    assert!(p.warnings[0].message.contains(&other(0x23).to_string()));
}

#[wasm_bindgen_test(unsupported = test)]
fn compute_budget_sets_the_fee() {
    // setComputeUnitLimit(u32) = 2, setComputeUnitPrice(u64 micro-lamports) = 3
    // (solana-sdk `compute_budget.rs`, borsh: u8 tag then LE value).
    let p = Tx::new()
        .ix(BUDGET, &[], tok(2, &[&200_000u32.to_le_bytes()]))
        .ix(BUDGET, &[], tok(3, &[&1_000_000u64.to_le_bytes()]))
        .ix(SYS, &[0, 1], sys(2, &[&1u64.to_le_bytes()]))
        .preview();
    assert_eq!(p.actions[0].name, "setComputeUnitLimit");
    assert_eq!(p.actions[0].program, "Compute Budget Program");
    assert_eq!(field(&p.actions[0].fields, "Compute unit limit"), "200000");
    assert_eq!(p.actions[1].name, "setComputeUnitPrice");
    // 5000 + 200000 x 1000000 / 10^6 = 205000 lamports.
    assert_eq!(field(&p.fields, "Network fee (max)"), "0.000205000 SOL");
    // The budget instructions stay out of the summary.
    assert_eq!(
        p.summary,
        format!("Send 0.000000001 SOL to {}", other(0x21))
    );

    // Priority fee rounds up; no explicit limit means 200k per other instruction.
    let p = Tx::new()
        .ix(BUDGET, &[], tok(3, &[&1u64.to_le_bytes()]))
        .ix(SYS, &[0, 1], sys(2, &[&1u64.to_le_bytes()]))
        .preview();
    assert_eq!(field(&p.fields, "Network fee (max)"), "0.000005001 SOL");
    let p = Tx::new()
        .ix(BUDGET, &[], tok(3, &[&10u64.to_le_bytes()]))
        .ix(BUDGET, &[], tok(1, &[&(256u32 * 1024).to_le_bytes()]))
        .ix(MEMO, &[], b"a".to_vec())
        .ix(MEMO, &[], b"b".to_vec())
        .preview();
    assert_eq!(p.actions[1].name, "requestHeapFrame");
    // 400k units x 10 micro-lamports = 4 lamports.
    assert_eq!(field(&p.fields, "Network fee (max)"), "0.000005004 SOL");
}

#[wasm_bindgen_test(unsupported = test)]
fn associated_token_account_and_memo() {
    // create (empty data) / createIdempotent ([1]): [payer, ata, wallet, mint, system, token].
    for (data, name) in [
        (vec![], "create"),
        (vec![0], "create"),
        (vec![1], "createIdempotent"),
    ] {
        let p = Tx::new().ix(ATA, &[0, 1, 0, 2, SYS, TOKEN], data).preview();
        let a = &p.actions[0];
        assert_eq!(
            (a.program.as_str(), a.name.as_str()),
            ("Associated Token Account Program", name)
        );
        assert_eq!(field(&a.fields, "Wallet"), me().to_string());
        assert_eq!(field(&a.fields, "Mint"), other(0x22).to_string());
        assert_eq!(
            field(&a.fields, "Token program"),
            format!("{TOKEN_PROGRAM} (Token Program)")
        );
        assert!(p.warnings.is_empty());
    }
    // Memo: the data is UTF-8 text.
    let p = Tx::new()
        .ix(MEMO, &[0], "order #42 \u{2713}".as_bytes().to_vec())
        .preview();
    assert_eq!(
        (p.actions[0].program.as_str(), p.actions[0].name.as_str()),
        ("Memo Program", "memo")
    );
    assert_eq!(field(&p.actions[0].fields, "Memo"), "order #42 \u{2713}");
    let p = Tx::new().ix(MEMO, &[], vec![0xff, 0xfe]).preview();
    assert_eq!(
        codes(&p),
        vec![(Severity::Warning, "malformed_instruction")]
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn unknown_program_and_malformed_instructions() {
    let p = Tx::new().ix(UNKNOWN, &[0, 1, 2], vec![1, 2, 3]).preview();
    let a = &p.actions[0];
    assert_eq!(a.program, other(0x99).to_string());
    assert_eq!(a.name, "unknown");
    assert_eq!(field(&a.fields, "Data (hex)"), "010203");
    assert_eq!(
        a.accounts,
        vec![
            me().to_string(),
            other(0x21).to_string(),
            other(0x22).to_string()
        ]
    );
    assert_eq!(codes(&p), vec![(Severity::Info, "unknown_program")]);

    // A transfer whose data is cut short, and one missing its destination account.
    let p = Tx::new().ix(SYS, &[0, 1], vec![2, 0, 0, 0, 1]).preview();
    assert_eq!(p.actions[0].name, "transfer");
    assert_eq!(
        codes(&p),
        vec![(Severity::Warning, "malformed_instruction")]
    );
    let p = Tx::new()
        .ix(SYS, &[0], sys(2, &[&1u64.to_le_bytes()]))
        .preview();
    assert_eq!(
        codes(&p),
        vec![(Severity::Warning, "malformed_instruction")]
    );
    assert!(p.warnings[0].message.contains("missing account #1"));
    // A seed whose length runs past the data.
    let p = Tx::new()
        .ix(
            SYS,
            &[1, 0, 2],
            sys(11, &[&7u64.to_le_bytes(), &u64::MAX.to_le_bytes()]),
        )
        .preview();
    assert_eq!(
        codes(&p),
        vec![(Severity::Warning, "malformed_instruction")]
    );
    // Empty System data.
    let p = Tx::new().ix(SYS, &[], vec![]).preview();
    assert_eq!(
        codes(&p),
        vec![(Severity::Warning, "malformed_instruction")]
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn lookup_table_accounts_are_named() {
    let table = other(0x88);
    let mut tx = Tx::new().ix(TOKEN, &[12, 13, 0], tok(3, &[&5u64.to_le_bytes()]));
    tx.lookups = vec![AddressTableLookup {
        account_key: table,
        writable_indexes: vec![3, 4],
        readonly_indexes: vec![],
    }];
    let p = tx.preview();
    assert_eq!(field(&p.fields, "Version"), "v0");
    assert_eq!(
        field(&p.actions[0].fields, "Source"),
        format!("account from lookup table {table} index 3")
    );
    assert_eq!(
        p.actions[0].accounts[1],
        format!("account from lookup table {table} index 4")
    );
    assert_eq!(codes(&p), vec![(Severity::Info, "lookup_table_accounts")]);
}

#[wasm_bindgen_test(unsupported = test)]
fn signer_warnings() {
    // Two signers, we are the first: the other one is mentioned.
    let mut tx = Tx::new().ix(SYS, &[0, 2], sys(2, &[&1u64.to_le_bytes()]));
    tx.required = 2;
    let p = tx.preview();
    assert_eq!(codes(&p), vec![(Severity::Info, "other_signers")]);
    // We are not a signer at all.
    let stranger = other(0x10);
    let p = preview_transaction(
        &Tx::new()
            .ix(SYS, &[0, 1], sys(2, &[&1u64.to_le_bytes()]))
            .wire(),
        &PreviewContext {
            signer: Some(&stranger),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        codes(&p),
        vec![
            (Severity::Warning, "not_a_signer"),
            (Severity::Info, "other_signers")
        ]
    );
    // No signer known: from = fee payer, no "SOL leaving" line; devnet chain name.
    let p = preview_transaction(
        &Tx::new()
            .ix(SYS, &[0, 1], sys(2, &[&1u64.to_le_bytes()]))
            .wire(),
        &PreviewContext {
            chain: "solana:devnet",
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(p.from, Some(me().to_string()));
    assert_eq!(p.chain.name, "Solana Devnet");
    assert!(!p.fields.iter().any(|f| f.label.starts_with("SOL leaving")));
    // Several actions make a list summary; danger sorts first.
    let p = Tx::new()
        .ix(TOKEN, &[1, 2, 0], tok(4, &[&1u64.to_le_bytes()]))
        .ix(SYS, &[0], sys(1, &[other(0x66).as_bytes()]))
        .preview();
    assert!(p
        .summary
        .starts_with("2 actions: Token Program approve; System Program assign"));
    assert_eq!(
        codes(&p),
        vec![
            (Severity::Danger, "assign_account"),
            (Severity::Warning, "token_approval")
        ]
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn message_previews() {
    let me = me();
    let ctx = PreviewContext {
        signer: Some(&me),
        origin: Some("https://app.example"),
        ..Default::default()
    };
    let p = preview_message(b"Hello, Solana", &ctx).unwrap();
    assert_eq!(p.kind, "message");
    assert_eq!(field(&p.fields, "Message"), "Hello, Solana");
    assert_eq!(field(&p.fields, "Length"), "13 bytes");
    assert!(p.warnings.is_empty());

    let p = preview_message(&[0, 1, 2, 0xff], &ctx).unwrap();
    assert_eq!(field(&p.fields, "Message (hex)"), "000102ff");
    assert_eq!(codes(&p), vec![(Severity::Warning, "binary_message")]);

    let tx = Tx::new()
        .ix(SYS, &[0, 1], sys(2, &[&1u64.to_le_bytes()]))
        .wire();
    assert_eq!(
        preview_message(&tx[65..], &ctx),
        Err(SolError::MessageIsTransaction)
    );

    // A sign-in text for another site, sent through plain signMessage.
    let phish = format!("bank.example wants you to sign in with your Solana account:\n{me}");
    let p = preview_message(phish.as_bytes(), &ctx).unwrap();
    assert_eq!(
        codes(&p),
        vec![(Severity::Danger, "sign_in_domain_mismatch")]
    );
    let ok = format!("app.example wants you to sign in with your Solana account:\n{me}");
    assert!(preview_message(ok.as_bytes(), &ctx)
        .unwrap()
        .warnings
        .is_empty());
}
