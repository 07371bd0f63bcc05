//! Native speed of the operations a wallet user or an integrator feels, measured with criterion.
//!
//! Run (docs/benchmarks.md): `cargo bench -p custodian-core --bench core -- --warm-up-time 1 --measurement-time 3`
//!
//! The inputs are the same as the JS harness's (`bench/fixtures.mjs`): Hardhat's account #0
//! key, one EIP-1559 transfer, the EIP-712 Mail example, a one-transfer Solana transaction.
//! `bench/run.mjs` reads criterion's `target/criterion/**/new/estimates.json` to put these
//! figures next to the WASM ones (the WASM/native ratio of issue 9).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use custodian_core::api::{Env, Wallet};
use custodian_core::chains::{ethereum, solana};
use custodian_core::keys::accounts::ethereum_key;
use custodian_core::keys::ed25519::Ed25519PrivateKey;
use custodian_core::keys::mnemonic::Mnemonic;
use custodian_core::keys::secp256k1::Secp256k1PrivateKey;
use custodian_core::secret::SecretString;
use custodian_core::vault::VaultSession;
use serde_json::{json, Value};

/// Hardhat's and Anvil's published development phrase; account #0 is `ETH_KEY`.
const MNEMONIC: &str = "test test test test test test test test test test test junk";
/// Hardhat account #0 (published in Hardhat's docs).
const ETH_KEY: &str = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const ETH_ADDRESS: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
/// RFC 8032 §7.1 TEST 1 secret key.
const ED_KEY: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
const PASSWORD: &str = "correct horse battery staple";
const NOW_MS: u64 = 1_700_000_000_000;
/// The personal_sign payload of the JS harness: UTF-8 text, sent hex-encoded as dapps do.
const MESSAGE: &str = "Hello, Custodian! Sign this message to prove you own this account.";

fn eip1559_tx() -> Value {
    json!({
        "type": "0x2",
        "chainId": "0x1",
        "nonce": "0x7",
        "to": "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
        "value": "0xde0b6b3a7640000",
        "gas": "0x5208",
        "maxFeePerGas": "0x6fc23ac00",
        "maxPriorityFeePerGas": "0x3b9aca00",
        "data": "0x"
    })
}

fn mail_typed_data() -> Value {
    let file: Value = serde_json::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/eip712_example.json"
    )))
    .unwrap();
    file["vectors"][0]["typed_data"].clone()
}

/// A legacy Solana transaction moving 0.001 SOL from `payer` to a fixed address, with an empty
/// signature slot: what `@solana/web3.js` serialises for one `SystemProgram.transfer`.
fn solana_transfer_wire(payer: [u8; 32]) -> Vec<u8> {
    let to = [7u8; 32];
    let system_program = [0u8; 32];
    let blockhash = [9u8; 32];
    let mut wire = vec![1u8];
    wire.extend_from_slice(&[0u8; 64]);
    wire.extend_from_slice(&[1, 0, 1, 3]);
    wire.extend_from_slice(&payer);
    wire.extend_from_slice(&to);
    wire.extend_from_slice(&system_program);
    wire.extend_from_slice(&blockhash);
    wire.extend_from_slice(&[1, 2, 2, 0, 1, 12, 2, 0, 0, 0]);
    wire.extend_from_slice(&1_000_000u64.to_le_bytes());
    wire
}

fn hex_of(text: &str) -> String {
    format!("0x{}", hex::encode(text.as_bytes()))
}

/// A wallet holding `MNEMONIC` behind Argon2id with `kdf`, unlocked; and its sealed bytes.
fn wallet_with_kdf(kdf: Value) -> (Wallet, Vec<u8>) {
    let mut wallet = Wallet::new();
    let mut rng = rand_core::OsRng;
    let mut env = Env {
        rng: &mut rng,
        now_ms: NOW_MS,
        origin: None,
    };
    let request = json!({
        "id": 1,
        "method": "wallet_import",
        "params": {"password": PASSWORD, "mnemonic": MNEMONIC, "kdf": kdf},
    });
    let answer = wallet.handle_json(&request.to_string(), &mut env);
    assert!(answer.contains("\"result\""), "{answer}");
    let sealed = wallet.take_save().unwrap().vault.unwrap().bytes;
    (wallet, sealed)
}

fn floor_kdf() -> Value {
    json!({"memoryKib": 19456, "iterations": 2, "parallelism": 1})
}

fn signing(c: &mut Criterion) {
    let eth = Secp256k1PrivateKey::from_hex(ETH_KEY).unwrap();
    let ed = Ed25519PrivateKey::from_hex(ED_KEY).unwrap();
    let digest = [0x42u8; 32];
    let tx = eip1559_tx();
    let typed = mail_typed_data();
    let wire = solana_transfer_wire(ed.public_key().to_bytes());
    let message = hex_of(MESSAGE);

    let mut g = c.benchmark_group("sign");
    g.bench_function("secp256k1_sign_prehash", |b| {
        b.iter(|| eth.sign_prehash(black_box(&digest)))
    });
    g.bench_function("ed25519_sign_message", |b| {
        b.iter(|| ed.sign(black_box(MESSAGE.as_bytes())))
    });
    g.bench_function("eip191_personal_sign", |b| {
        b.iter(|| ethereum::personal_sign(&eth, black_box(&message)))
    });
    g.bench_function("eip1559_json_to_raw", |b| {
        b.iter(|| ethereum::sign_transaction(&eth, black_box(&tx), 1).unwrap())
    });
    g.bench_function("eip712_mail", |b| {
        b.iter(|| ethereum::sign_typed_data_v4(&eth, black_box(&typed), 1).unwrap())
    });
    g.bench_function("solana_transfer", |b| {
        b.iter(|| solana::sign_transaction(&ed, black_box(&wire)).unwrap())
    });
    g.finish();
}

/// The same requests the JS harness sends, through `Wallet::handle_json` (JSON text in and out,
/// as the CLI does): the native counterpart of a direct `Custodian.request` call in WASM.
fn protocol(c: &mut Criterion) {
    let (mut wallet, _) = wallet_with_kdf(floor_kdf());
    let mut rng = rand_core::OsRng;
    let mut env = Env {
        rng: &mut rng,
        now_ms: NOW_MS,
        origin: None,
    };
    let mut call = |wallet: &mut Wallet, method: &str, params: Value| -> (String, Value) {
        let text = json!({"id": 2, "method": method, "params": params}).to_string();
        let answer: Value = serde_json::from_str(&wallet.handle_json(&text, &mut env)).unwrap();
        assert!(answer.get("result").is_some(), "{method}: {answer}");
        (text, answer["result"].clone())
    };
    let (_, accounts) = call(&mut wallet, "wallet_listAccounts", Value::Null);
    let accounts = accounts.get("accounts").unwrap_or(&accounts).clone();
    let sol = accounts
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["chain"] == "solana")
        .unwrap()["address"]
        .as_str()
        .unwrap()
        .to_owned();
    let sol_key = custodian_core::chains::solana::Address::parse(&sol).unwrap();
    let wire = solana_transfer_wire(sol_key.to_public_key().unwrap().to_bytes());
    let b64 = |bytes: &[u8]| {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(bytes)
    };
    let requests = [
        ("personal_sign", json!([hex_of(MESSAGE), ETH_ADDRESS])),
        ("eth_signTransaction", json!([eip1559_tx()])),
        (
            "eth_signTypedData_v4",
            json!([ETH_ADDRESS, mail_typed_data()]),
        ),
        (
            "solana_signMessage",
            json!({"address": sol, "message": b64(MESSAGE.as_bytes())}),
        ),
        (
            "solana_signTransaction",
            json!({"address": sol, "transaction": b64(&wire)}),
        ),
        ("eth_chainId", Value::Null),
    ];
    // The first request of each derives and caches the key; what is measured is every later one.
    let texts: Vec<(&str, String)> = requests
        .into_iter()
        .map(|(method, params)| (method, call(&mut wallet, method, params).0))
        .collect();
    let mut g = c.benchmark_group("protocol");
    for (method, text) in &texts {
        // Each request with its take_save, as a host makes it (and as the JS harness times the
        // module's direct calls): an untaken save would hold every timed request's record.
        g.bench_function(format!("handle_json_{method}"), |b| {
            b.iter(|| {
                let answer = wallet.handle_json(black_box(text), &mut env);
                (answer, wallet.take_save())
            })
        });
    }
    g.finish();
}

/// A signing request against a vault whose audit log holds its full 2,000 entries (issue 9):
/// every request appends an entry and saves; what the save costs must not grow with the log.
fn audited(c: &mut Criterion) {
    let (mut wallet, _) = wallet_with_kdf(floor_kdf());
    let mut rng = rand_core::OsRng;
    let mut env = Env {
        rng: &mut rng,
        now_ms: NOW_MS,
        origin: None,
    };
    let text =
        json!({"id": 3, "method": "personal_sign", "params": [hex_of(MESSAGE), ETH_ADDRESS]})
            .to_string();
    // Fill the log to its bound, so the measured requests run at the length users reach.
    for _ in 0..2_000 {
        wallet.handle_json(&text, &mut env);
        let _ = wallet.take_save();
    }
    let mut g = c.benchmark_group("audited");
    g.bench_function("personal_sign_full_log", |b| {
        b.iter(|| {
            let answer = wallet.handle_json(black_box(&text), &mut env);
            // What a host must take and persist after each request.
            (answer, wallet.take_save())
        })
    });
    // Entries are signed when exported: a log at its bound (`vault.created` and 1,999
    // signatures, not folded yet) costs 2,000 Ed25519 signatures here.
    let (mut full, _) = wallet_with_kdf(floor_kdf());
    for _ in 0..1_999 {
        full.handle_json(&text, &mut env);
        let _ = full.take_save();
    }
    let export = json!({"id": 4, "method": "wallet_auditExport", "params": {}}).to_string();
    let answer: Value = serde_json::from_str(&full.handle_json(&export, &mut env)).unwrap();
    assert_eq!(answer["result"]["entries"], 2_000, "{answer}");
    g.sample_size(10);
    g.bench_function("export_full_log", |b| {
        b.iter(|| full.handle_json(black_box(&export), &mut env))
    });
    g.finish();
}

fn keys(c: &mut Criterion) {
    let mut g = c.benchmark_group("keys");
    g.bench_function("bip39_seed_and_10_eth_accounts", |b| {
        b.iter(|| {
            let mnemonic = Mnemonic::parse(black_box(MNEMONIC)).unwrap();
            let seed = mnemonic.to_seed("");
            (0..10)
                .map(|i| ethereum::address_of(&ethereum_key(&seed, i).unwrap().public_key()))
                .collect::<Vec<_>>()
        })
    });
    g.finish();
}

fn vault(c: &mut Criterion) {
    let password = SecretString::new(PASSWORD.to_owned());
    let mut g = c.benchmark_group("vault");
    g.sample_size(10);
    for (name, kdf) in [
        (
            "unlock_argon2id_64MiB_t3",
            json!({"memoryKib": 65536, "iterations": 3, "parallelism": 1}),
        ),
        ("unlock_argon2id_19MiB_t2", floor_kdf()),
    ] {
        let (_, sealed) = wallet_with_kdf(kdf);
        g.bench_function(name, |b| {
            b.iter_batched(
                || VaultSession::from_sealed(sealed.clone()).unwrap(),
                |mut session| {
                    session.unlock(&password, NOW_MS).unwrap();
                    session
                },
                BatchSize::PerIteration,
            )
        });
    }
    let (_, sealed) = wallet_with_kdf(floor_kdf());
    let mut session = VaultSession::from_sealed(sealed).unwrap();
    session.unlock(&password, NOW_MS).unwrap();
    let mut rng = rand_core::OsRng;
    g.sample_size(50);
    g.bench_function("save", |b| {
        b.iter(|| session.save(NOW_MS, &mut rng).unwrap())
    });
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = signing, protocol, audited, keys, vault
}
criterion_main!(benches);
