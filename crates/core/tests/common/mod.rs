//! Setup shared by the protocol-level integration tests (`mod common;` in each file): the
//! published development accounts they import, and one request through `Wallet::handle_json`.
//!
//! Each test file uses only part of this module.
#![allow(dead_code)]

use std::collections::BTreeSet;

use base64::Engine;
use custodian_core::api::{Env, Wallet};
use custodian_core::chains::solana::{
    Address, CompiledInstruction, Message, MessageHeader, MessageVersion, SYSTEM_PROGRAM,
};
use serde_json::{json, Value};

/// The protocol reference, whose method tables the policy and sites tests check themselves
/// against.
pub const PROTOCOL_DOC: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../docs/protocol.md"
));

/// Hardhat's and Anvil's documented development mnemonic; accounts #0 and #1 are published in
/// their docs (hardhat.org "Hardhat Network" reference, `npx hardhat node` output).
pub const HARDHAT_MNEMONIC: &str = "test test test test test test test test test test test junk";
/// Hardhat account #0 (m/44'/60'/0'/0/0 of [`HARDHAT_MNEMONIC`]).
pub const HARDHAT_0: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
/// Hardhat account #1 (m/44'/60'/0'/0/1 of [`HARDHAT_MNEMONIC`]).
pub const HARDHAT_1: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

/// The cheapest Argon2id cost the vault accepts (m = 19 MiB, t = 2), to keep the suites fast.
pub fn floor_kdf() -> Value {
    json!({"memoryKib": 19456, "iterations": 2, "parallelism": 1})
}

/// Sends one JSON-RPC request (id 1) to `wallet` at `now_ms` from `origin` (`None`: the
/// wallet's own UI), with the OS random source; `Ok(result)` or `Err(error object)`.
pub fn call(
    wallet: &mut Wallet,
    now_ms: u64,
    origin: Option<&str>,
    method: &str,
    params: Value,
) -> Result<Value, Value> {
    let req = json!({"id": 1, "method": method, "params": params}).to_string();
    let mut rng = rand_core::OsRng;
    let mut env = Env {
        rng: &mut rng,
        now_ms,
        origin,
    };
    let text = wallet.handle_json(&req, &mut env);
    let resp: Value = serde_json::from_str(&text).unwrap();
    match (resp.get("result"), resp.get("error")) {
        (Some(r), None) => Ok(r.clone()),
        (None, Some(e)) => Err(e.clone()),
        _ => panic!("response must hold exactly one of result and error: {text}"),
    }
}

/// Method names in the first column of docs/protocol.md's method tables.
pub fn documented_methods() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in PROTOCOL_DOC.lines() {
        let Some(rest) = line.strip_prefix("| `") else {
            continue;
        };
        let first_cell = rest.split(" | ").next().unwrap_or("");
        for (i, part) in format!("`{first_cell}").split('`').enumerate() {
            if i % 2 == 1 && !part.is_empty() {
                out.insert(part.to_owned());
            }
        }
    }
    out
}

/// A legacy transaction in which `from` sends `lamports` to a fixed account, base64, unsigned.
pub fn solana_transfer(from: &str, lamports: u64) -> String {
    let from = Address::parse(from).unwrap();
    let to = Address::new([2; 32]);
    let system = Address::parse(SYSTEM_PROGRAM).unwrap();
    let mut data = vec![2, 0, 0, 0];
    data.extend(lamports.to_le_bytes());
    let message = Message {
        version: MessageVersion::Legacy,
        header: MessageHeader {
            num_required_signatures: 1,
            num_readonly_signed: 0,
            num_readonly_unsigned: 1,
        },
        account_keys: vec![from, to, system],
        recent_blockhash: [7; 32],
        instructions: vec![CompiledInstruction {
            program_id_index: 2,
            accounts: vec![0, 1],
            data,
        }],
        address_table_lookups: Vec::new(),
    };
    let mut wire = vec![1u8];
    wire.extend([0u8; 64]);
    wire.extend(message.serialize().unwrap());
    base64::engine::general_purpose::STANDARD.encode(wire)
}

/// What a host keeps between runs: the newest vault and the audit records, persisted in the
/// order docs/vault-format.md §Hosts gives (records, vault, then pruning).
#[derive(Clone, Default)]
pub struct Stored {
    /// The newest sealed vault.
    pub vault: Option<Vec<u8>>,
    /// Its generation.
    pub generation: u64,
    /// The audit records by seq.
    pub records: std::collections::BTreeMap<u64, Vec<u8>>,
}

impl Stored {
    /// Persists one save.
    pub fn persist(&mut self, save: custodian_core::api::WalletSave) {
        for r in save.audit_records {
            self.records.insert(r.seq, r.bytes);
        }
        if let Some(v) = save.vault {
            self.vault = Some(v.bytes);
            self.generation = v.generation;
        }
        if let Some(below) = save.prune_below {
            self.records.retain(|seq, _| *seq >= below);
        }
    }

    /// The records as a host hands them back.
    pub fn records(&self) -> Vec<custodian_core::audit::AuditRecord> {
        self.records
            .iter()
            .map(|(seq, bytes)| custodian_core::audit::AuditRecord {
                seq: *seq,
                bytes: bytes.clone(),
            })
            .collect()
    }

    /// A wallet over what is stored, as a host starts one.
    pub fn open(&self) -> Wallet {
        Wallet::from_sealed_with_audit(self.vault.clone().unwrap(), self.records()).unwrap()
    }
}
