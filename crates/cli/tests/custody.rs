//! Enterprise custody from the command line, run as operators and approvers would run it:
//! approver keys, a 2-of-3 policy, held transactions, approvals, a policy change under the
//! quorum, the audit log and its tampering, and SLIP-0039 backups. Signed transactions are
//! decoded by alloy and their signer recovered with k256, independently of the code under test.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use alloy_consensus::transaction::Transaction;
use alloy_consensus::TxEnvelope;
use alloy_eips::eip2718::Decodable2718;
use alloy_primitives::{keccak256, U256};
use common::{
    bin, path_str, run, run_ok, run_on_vault, stderr, stdout, Scratch, FLOOR_KDF_ARGS, HARDHAT_0,
    HARDHAT_MNEMONIC,
};
use k256::ecdsa::{RecoveryId, Signature, VerifyingKey};
use serde_json::{json, Value};

/// Hardhat's published account #1.
const RECIPIENT: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const ONE_ETH: u128 = 1_000_000_000_000_000_000;
/// RFC 8032 §7.1, TEST 1: an Ed25519 key pair held outside Custodian.
const RFC8032_TEST1_SECRET: &str =
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
const RFC8032_TEST1_PUBLIC: &str =
    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

/// Asserts the exit code and that stderr contains every one of `needles`.
fn assert_fails(out: &Output, code: i32, needles: &[&str]) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        stdout(out),
        stderr(out)
    );
    for n in needles {
        assert!(stderr(out).contains(n), "{n:?} not in: {}", stderr(out));
    }
}

struct Desk {
    dir: Scratch,
    vault: String,
    password_file: String,
}

impl Desk {
    fn new(name: &str) -> Self {
        let dir = Scratch::new(name);
        let password_file = dir.file("password.txt", "operator password\n");
        let d = Self {
            vault: path_str(&dir.path("treasury.vault")).to_owned(),
            password_file: path_str(&password_file).to_owned(),
            dir,
        };
        let phrase = d.dir.file("phrase.txt", HARDHAT_MNEMONIC);
        let mut args = vec![
            "import",
            "--vault",
            &d.vault,
            "--password-file",
            &d.password_file,
            "--mnemonic-file",
            path_str(&phrase),
        ];
        args.extend_from_slice(&FLOOR_KDF_ARGS);
        run_ok(&args);
        d
    }

    /// `custodian ARGS --vault V --password-file P`.
    fn run(&self, args: &[&str]) -> Output {
        run_on_vault(args, &self.vault, &self.password_file)
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?} failed ({:?}): {}",
            out.status.code(),
            stderr(&out)
        );
        stdout(&out)
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        serde_json::from_str(&self.ok(&all)).unwrap()
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path(name)
    }

    /// Writes an EIP-1559 transfer of `wei` on mainnet to a file.
    fn tx_file(&self, name: &str, wei: u128, nonce: u64) -> PathBuf {
        let tx = json!({
            "from": HARDHAT_0, "to": RECIPIENT, "value": format!("0x{wei:x}"),
            "gas": "0x5208", "nonce": format!("0x{nonce:x}"), "chainId": "0x1",
            "maxFeePerGas": "0x3b9aca00", "maxPriorityFeePerGas": "0x3b9aca00"
        });
        self.dir.file(name, &tx.to_string())
    }
}

/// An approver: a key file made by `custodian approver-key new`, with its own password.
struct ApproverKey {
    name: &'static str,
    file: String,
    password_file: String,
    public_key: String,
}

impl ApproverKey {
    fn new(desk: &Desk, name: &'static str) -> Self {
        let password_file = desk
            .dir
            .file(&format!("{name}.pw"), &format!("{name}'s own password\n"));
        let file = path_str(&desk.path(&format!("{name}.key"))).to_owned();
        let mut args = vec![
            "--json",
            "approver-key",
            "new",
            "--out",
            &file,
            "--password-file",
            path_str(&password_file),
        ];
        args.extend_from_slice(&FLOOR_KDF_ARGS);
        let created: Value = serde_json::from_str(&run_ok(&args)).unwrap();
        let public_key = created["publicKey"].as_str().unwrap().to_owned();
        assert_eq!(public_key.len(), 64);
        Self {
            name,
            file,
            password_file: path_str(&password_file).to_owned(),
            public_key,
        }
    }

    /// `custodian approve --key K --yes REQUEST --out NAME-TAG.approval.json`.
    fn approve(&self, desk: &Desk, request: &Path, tag: &str) -> (PathBuf, Output) {
        let out = desk.path(&format!("{}-{tag}.approval.json", self.name));
        let o = run(&[
            "approve",
            "--key",
            &self.file,
            "--password-file",
            &self.password_file,
            "--yes",
            path_str(request),
            "--out",
            path_str(&out),
        ]);
        assert!(o.status.success(), "approve: {}", stderr(&o));
        (out, o)
    }
}

/// The signer of a raw signed transaction: alloy decodes it and gives the signing hash; k256
/// recovers the public key; the address is the last 20 bytes of its Keccak-256.
fn recover_sender(raw_hex: &str) -> (String, U256) {
    let raw = hex::decode(raw_hex.trim().trim_start_matches("0x")).unwrap();
    let envelope = TxEnvelope::decode_2718(&mut raw.as_slice()).unwrap();
    let sig = envelope.signature();
    let signature =
        Signature::from_scalars(sig.r().to_be_bytes::<32>(), sig.s().to_be_bytes::<32>()).unwrap();
    let recid = RecoveryId::from_byte(u8::from(sig.v())).unwrap();
    let hash = envelope.signature_hash();
    let key = VerifyingKey::recover_from_prehash(hash.as_slice(), &signature, recid).unwrap();
    let point = key.to_encoded_point(false);
    let digest = keccak256(&point.as_bytes()[1..]);
    let address = format!("0x{}", hex::encode(&digest[12..]));
    (address, envelope.value())
}

fn policy(approvers: &[&ApproverKey], max_wei: u128) -> Value {
    json!({
        "version": 1,
        "approvers": approvers.iter().map(|a| json!({"name": a.name, "publicKey": a.public_key})).collect::<Vec<_>>(),
        "quorum": 2,
        "approvalTtlSeconds": 3600,
        "rules": {
            "allowedChains": ["eip155:1"],
            "overLimit": "approval",
            "ethereum": { "maxValueWei": max_wei.to_string() }
        }
    })
}

/// The issue's "done when", from the command line: a 2-of-3 policy holds a transfer over the
/// limit until two approvers approve; a policy change needs the quorum too; the audit log
/// verifies and each kind of tampering with the export is named at the right line.
#[test]
fn two_of_three_session_end_to_end() {
    let desk = Desk::new("custody-e2e");
    let alice = ApproverKey::new(&desk, "alice");
    let bob = ApproverKey::new(&desk, "bob");
    let carol = ApproverKey::new(&desk, "carol");
    assert_ne!(alice.public_key, bob.public_key);
    // `approver-key show` gives back the same public key.
    let shown: Value = serde_json::from_str(&run_ok(&[
        "--json",
        "approver-key",
        "show",
        "--key",
        &bob.file,
        "--password-file",
        &bob.password_file,
    ]))
    .unwrap();
    assert_eq!(shown["publicKey"], bob.public_key.as_str());

    // The policy: 1 ETH per transaction, 2 of 3 for anything over it.
    let policy_file = desk.dir.file(
        "policy.json",
        &policy(&[&alice, &bob, &carol], ONE_ETH).to_string(),
    );
    let checked: Value = serde_json::from_str(&run_ok(&[
        "--json",
        "policy",
        "check",
        path_str(&policy_file),
    ]))
    .unwrap();
    assert_eq!(checked["quorum"], 2);
    assert_eq!(checked["approvers"], json!(["alice", "bob", "carol"]));
    let text = run_ok(&["policy", "check", path_str(&policy_file)]);
    assert!(text.contains("quorum:     2 of 3"), "{text}");
    assert!(text.contains("alice, bob, carol"), "{text}");

    // No policy yet: `policy show` says so, and `policy apply FILE` sets it at once.
    assert!(desk.ok(&["policy", "show"]).contains("No policy is set"));
    let applied = desk.json(&["policy", "apply", path_str(&policy_file)]);
    assert_eq!(applied["policyHash"], checked["policyHash"]);
    let shown = desk.json(&["policy", "show"]);
    assert_eq!(shown["policyHash"], checked["policyHash"]);
    assert_eq!(shown["policy"]["quorum"], 2);

    // Under the limit: signed at once, by the account.
    let small = desk.tx_file("small.json", ONE_ETH / 2, 0);
    let raw = desk.ok(&["sign", "tx", "--file", path_str(&small)]);
    assert_eq!(
        recover_sender(&raw),
        (HARDHAT_0.to_lowercase(), U256::from(ONE_ETH / 2))
    );

    // Over the limit: held (exit 3), nothing signed, the approval request written out.
    let big = desk.tx_file("big.json", 2 * ONE_ETH, 1);
    let request = desk.path("big.request.json");
    let out = desk.run(&[
        "sign",
        "tx",
        "--file",
        path_str(&big),
        "--request-out",
        path_str(&request),
    ]);
    assert_fails(
        &out,
        3,
        &[
            "ApprovalRequired",
            "over the per-transaction limit",
            "custodian approve --key",
        ],
    );
    assert_eq!(stdout(&out), "", "no signature is printed");
    let data: Value = serde_json::from_str(&std::fs::read_to_string(&request).unwrap()).unwrap();
    let digest = data["approvalDigest"].as_str().unwrap().to_owned();
    assert_eq!(data["kind"], "ApprovalRequired");
    assert_eq!(data["quorum"], 2);
    assert_eq!(data["request"]["method"], "eth_signTransaction");
    let listed = desk.json(&["approvals", "list"]);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["approvalDigest"], digest.as_str());
    assert!(desk.ok(&["approvals", "list"]).contains(&digest));

    // Alice approves; she is shown the request in words first.
    let (a1, shown) = alice.approve(&desk, &request, "tx");
    let words = stderr(&shown);
    for needle in [
        "eth_signTransaction",
        "2 ETH",
        RECIPIENT,
        "2 of alice, bob, carol must approve",
        "expires:",
        "(recomputed from this request)",
    ] {
        assert!(words.contains(needle), "{needle:?} not in:\n{words}");
    }
    let approval: Value = serde_json::from_str(&std::fs::read_to_string(&a1).unwrap()).unwrap();
    assert_eq!(approval["approvalDigest"], digest.as_str());
    assert_eq!(approval["publicKey"], alice.public_key.as_str());
    // The approval is a plain Ed25519 signature over the 32 digest bytes (docs/cli.md).
    let key: [u8; 32] = hex::decode(&alice.public_key).unwrap().try_into().unwrap();
    let sig: [u8; 64] = hex::decode(approval["signature"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    ed25519_dalek::VerifyingKey::from_bytes(&key)
        .unwrap()
        .verify_strict(
            &hex::decode(&digest).unwrap(),
            &ed25519_dalek::Signature::from_bytes(&sig),
        )
        .unwrap();

    // One approval: refused (exit 5), nothing signed.
    let submit = |files: &[&Path]| {
        let mut args = vec!["approvals", "submit", "--digest", &digest, "--approvals"];
        args.extend(files.iter().map(|f| path_str(f)));
        desk.run(&args)
    };
    let out = submit(&[&a1]);
    assert_fails(
        &out,
        5,
        &["ApprovalInsufficient", "2 approvals are needed, 1 given"],
    );
    // Alice twice: refused as a repeated approver.
    let out = submit(&[&a1, &a1]);
    assert_fails(&out, 5, &["ApprovalInvalid", "signed twice"]);
    // An approval of another request is refused by the CLI before anything is sent.
    let stray = desk
        .dir
        .file("stray.json", &json!({"approvalDigest": "00".repeat(32), "publicKey": bob.public_key, "signature": "00".repeat(64)}).to_string());
    let out = submit(&[&a1, &stray]);
    assert_fails(&out, 1, &["approves another request"]);
    // An altered request file is refused before the approver is asked anything.
    let mut altered = data.clone();
    altered["request"]["params"][0]["to"] = json!("0x000000000000000000000000000000000000dEaD");
    let altered_file = desk.dir.file("altered.json", &altered.to_string());
    let out = run(&[
        "approve",
        "--key",
        &carol.file,
        "--password-file",
        &carol.password_file,
        "--yes",
        path_str(&altered_file),
    ]);
    assert_fails(&out, 1, &["approvalDigest does not match"]);

    // An approver who keeps the vault's audit key refuses a request from another vault.
    let vault_key = data["wallet"].as_str().unwrap().to_owned();
    let with_vault_key = |key: &str| {
        run(&[
            "approve",
            "--key",
            &carol.file,
            "--password-file",
            &carol.password_file,
            "--yes",
            "--vault-key",
            key,
            path_str(&request),
        ])
    };
    assert_fails(
        &with_vault_key(&"ab".repeat(32)),
        1,
        &["comes from vault", "nothing was signed"],
    );
    let out = with_vault_key(&vault_key.to_uppercase());
    assert!(out.status.success(), "{}", stderr(&out));

    // Carol approves too: two distinct approvals sign the held transaction.
    let (c1, _) = carol.approve(&desk, &request, "tx");
    let raw = desk.ok(&[
        "approvals",
        "submit",
        "--digest",
        &digest,
        "--approvals",
        path_str(&a1),
        path_str(&c1),
    ]);
    assert_eq!(
        recover_sender(&raw),
        (HARDHAT_0.to_lowercase(), U256::from(2 * ONE_ETH))
    );
    // A replay signs nothing.
    let out = submit(&[&a1, &c1]);
    assert_fails(&out, 5, &["ApprovalUsed"]);
    assert_eq!(desk.json(&["approvals", "list"]), json!([]));

    // A policy change (a higher limit) is held under the current quorum.
    let looser = desk.dir.file(
        "looser.json",
        &policy(&[&alice, &bob, &carol], 5 * ONE_ETH).to_string(),
    );
    let change = desk.path("change.request.json");
    let proposed = desk.ok(&[
        "policy",
        "propose",
        path_str(&looser),
        "--out",
        path_str(&change),
    ]);
    assert!(
        proposed.contains("Held for approval: 2 of alice, bob, carol"),
        "{proposed}"
    );
    let change_data: Value =
        serde_json::from_str(&std::fs::read_to_string(&change).unwrap()).unwrap();
    let change_digest = change_data["approvalDigest"].as_str().unwrap().to_owned();
    assert_eq!(change_data["request"]["method"], "wallet_setPolicy");
    // One administrator alone cannot apply it, nor set it directly.
    let (b2, shown) = bob.approve(&desk, &change, "policy");
    assert!(
        stderr(&shown).contains("REPLACE the policy"),
        "{}",
        stderr(&shown)
    );
    let apply = |files: &[&Path]| {
        let mut args = vec!["policy", "apply", "--digest", &change_digest, "--approvals"];
        args.extend(files.iter().map(|f| path_str(f)));
        desk.run(&args)
    };
    assert_fails(&apply(&[&b2]), 5, &["ApprovalInsufficient"]);
    assert_fails(
        &desk.run(&["policy", "apply", path_str(&looser)]),
        2,
        &["needs its quorum"],
    );
    assert_eq!(
        desk.json(&["policy", "show"])["policyHash"],
        checked["policyHash"]
    );
    // The old approvals of the transaction do not count for the policy change.
    assert_fails(&apply(&[&b2, &a1]), 1, &["approves another request"]);
    let (a2, _) = alice.approve(&desk, &change, "policy");
    let applied = desk.json(&[
        "policy",
        "apply",
        "--digest",
        &change_digest,
        "--approvals",
        path_str(&a2),
        path_str(&b2),
    ]);
    let looser_hash = run_ok(&["--json", "policy", "check", path_str(&looser)]);
    let looser_hash: Value = serde_json::from_str(&looser_hash).unwrap();
    assert_eq!(applied["policyHash"], looser_hash["policyHash"]);
    assert_eq!(
        desk.json(&["policy", "show"])["policyHash"],
        looser_hash["policyHash"]
    );
    // Under the new limit 2 ETH signs at once.
    let now_small = desk.tx_file("two.json", 2 * ONE_ETH, 2);
    let raw = desk.ok(&["sign", "tx", "--file", path_str(&now_small)]);
    assert_eq!(recover_sender(&raw).0, HARDHAT_0.to_lowercase());

    // The audit log: exported, it verifies and tells the story.
    let log = desk.path("audit.jsonl");
    let exported = desk.json(&["audit", "export", "--out", path_str(&log)]);
    let key = exported["publicKey"].as_str().unwrap().to_owned();
    let jsonl = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = jsonl.lines().collect();
    assert_eq!(
        exported["entries"].as_u64().unwrap() as usize,
        lines.len() - 1
    );
    let events: Vec<String> = lines[1..]
        .iter()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["event"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    for e in [
        "policy.set",
        "sign.allowed",
        "sign.held",
        "approval.refused",
        "sign.approved",
        "policy.held",
        "policy.changed",
    ] {
        assert!(events.iter().any(|x| x == e), "{e} not in {events:?}");
    }
    let verify = |file: &Path| run(&["audit", "verify", path_str(file), "--public-key", &key]);
    let ok = verify(&log);
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(
        stdout(&ok).contains(&format!("verifies ({} entries", lines.len() - 1)),
        "{}",
        stdout(&ok)
    );
    // An export is never overwritten.
    assert_fails(
        &desk.run(&["audit", "export", "--out", path_str(&log)]),
        2,
        &["exists"],
    );

    // Tampering, each named at the right line (line 1 is the signed header).
    let approved_line = 1 + events.iter().position(|e| e == "sign.approved").unwrap() + 1;
    let write = |name: &str, lines: &[&str]| desk.dir.file(name, &(lines.join("\n") + "\n"));
    // An edited line: who approved.
    let mut edited: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    let target = &lines[approved_line - 1];
    assert!(target.contains("\"alice\""), "{target}");
    edited[approved_line - 1] = target.replace("\"alice\"", "\"bob\"");
    let edited_refs: Vec<&str> = edited.iter().map(String::as_str).collect();
    let out = verify(&write("edited.jsonl", &edited_refs));
    assert_fails(
        &out,
        1,
        &[
            "AuditInvalid",
            &format!("line {approved_line}: hash does not match"),
        ],
    );
    // A deleted line: the line where it was.
    let mut deleted = lines.clone();
    deleted.remove(4);
    let out = verify(&write("deleted.jsonl", &deleted));
    assert_fails(
        &out,
        1,
        &[
            "AuditInvalid",
            "line 5: expected entry 3, found entry 4 (entries deleted",
        ],
    );
    // Two lines swapped: the first of them.
    let mut swapped = lines.clone();
    swapped.swap(5, 6);
    let out = verify(&write("swapped.jsonl", &swapped));
    assert_fails(
        &out,
        1,
        &["AuditInvalid", "line 6: expected entry 4, found entry 5"],
    );
    // Cut off at the end: the line after the last.
    let cut = &lines[..lines.len() - 2];
    let out = verify(&write("cut.jsonl", cut));
    assert_fails(
        &out,
        1,
        &[
            "AuditInvalid",
            &format!("line {}: ", lines.len() - 1),
            "truncated",
        ],
    );
    // Another key: line 1.
    let out = run(&[
        "audit",
        "verify",
        path_str(&log),
        "--public-key",
        &alice.public_key,
    ]);
    assert_fails(&out, 1, &["AuditInvalid", "line 1: "]);
}

#[test]
fn a_held_request_can_be_shown_again_and_cancelled() {
    let desk = Desk::new("custody-cancel");
    let alice = ApproverKey::new(&desk, "alice");
    let policy_file = desk.dir.file(
        "p.json",
        &json!({
            "version": 1,
            "approvers": [{"name": "alice", "publicKey": alice.public_key}],
            "quorum": 1,
            "rules": {"allowedChains": ["eip155:1"], "overLimit": "approval",
                      "ethereum": {"maxValueWei": "0"}}
        })
        .to_string(),
    );
    desk.ok(&["policy", "propose", path_str(&policy_file)]);
    // Without --request-out the request goes to stdout, the instructions to stderr.
    let tx = desk.tx_file("tx.json", 1, 0);
    let out = desk.run(&["sign", "tx", "--file", path_str(&tx)]);
    assert_fails(
        &out,
        3,
        &["Held for approval: 1 of alice", "ApprovalRequired"],
    );
    let data: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let digest = data["approvalDigest"].as_str().unwrap().to_owned();

    // `approvals show` writes the same request again (with a preview).
    let again = desk.path("again.json");
    desk.ok(&[
        "approvals",
        "show",
        "--digest",
        &digest,
        "--out",
        path_str(&again),
    ]);
    let shown: Value = serde_json::from_str(&std::fs::read_to_string(&again).unwrap()).unwrap();
    for k in [
        "approvalDigest",
        "request",
        "nonce",
        "expiresAt",
        "policyHash",
        "wallet",
        "kind",
    ] {
        assert_eq!(shown[k], data[k], "{k}");
    }
    assert_eq!(shown["preview"]["kind"], "transaction");

    // `policy apply --digest` refuses a transaction's digest.
    let (a, _) = alice.approve(&desk, &again, "x");
    assert_fails(
        &desk.run(&[
            "policy",
            "apply",
            "--digest",
            &digest,
            "--approvals",
            path_str(&a),
        ]),
        2,
        &["not a policy change"],
    );

    // Without a terminal and without --yes, approve stops before signing.
    let out = Command::new("setsid")
        .args([
            bin(),
            "approve",
            "--key",
            &alice.file,
            "--password-file",
            &alice.password_file,
            path_str(&again),
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_fails(&out, 1, &["no terminal to ask for confirmation", "--yes"]);
    assert_eq!(stdout(&out), "");

    // On a terminal (util-linux `script` gives it one), only "yes" signs.
    let on_terminal = |answer: &str, out: &Path| {
        let command = format!(
            "{} approve --key {} --password-file {} {} --out {}",
            bin(),
            alice.file,
            alice.password_file,
            path_str(&again),
            path_str(out)
        );
        let mut child = Command::new("script")
            .args(["-qec", &command, "/dev/null"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(child.stdin.as_mut().unwrap(), answer.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let declined = desk.path("declined.json");
    let out = on_terminal("no\n", &declined);
    assert_eq!(out.status.code(), Some(6), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("Approve this request?"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("(Declined)"), "{}", stdout(&out));
    assert!(!declined.exists());
    let accepted = desk.path("accepted.json");
    let out = on_terminal("yes\n", &accepted);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let approval: Value =
        serde_json::from_str(&std::fs::read_to_string(&accepted).unwrap()).unwrap();
    assert_eq!(approval["approvalDigest"], digest.as_str());

    desk.ok(&["approvals", "cancel", "--digest", &digest]);
    assert_eq!(desk.json(&["approvals", "list"]), json!([]));
    assert_fails(
        &desk.run(&[
            "approvals",
            "submit",
            "--digest",
            &digest,
            "--approvals",
            path_str(&a),
        ]),
        5,
        &["ApprovalUnknown"],
    );
    // An expired request is refused by the approver's tool.
    let mut expired = data.clone();
    expired["expiresAt"] = json!(1_000);
    let expired_file = desk.dir.file("expired.json", &expired.to_string());
    let out = run(&[
        "approve",
        "--key",
        &alice.file,
        "--password-file",
        &alice.password_file,
        "--yes",
        path_str(&expired_file),
    ]);
    // The digest covers expiresAt, so the edit is caught first.
    assert_fails(&out, 1, &["approvalDigest does not match"]);
    // A consistent request that has expired (its digest recomputed with the core's helper).
    expired["approvalDigest"] = json!(hex::encode(
        custodian_core::policy::approval_digest(&expired).unwrap()
    ));
    let expired_file = desk.dir.file("expired.json", &expired.to_string());
    let out = run(&[
        "approve",
        "--key",
        &alice.file,
        "--password-file",
        &alice.password_file,
        "--yes",
        path_str(&expired_file),
    ]);
    assert_fails(
        &out,
        5,
        &["expired at 1970-01-01 00:00:01 UTC", "(ApprovalExpired)"],
    );
}

/// The fenced JSON examples of docs/policy.md, read from the document itself so it cannot rot.
fn doc_examples() -> Vec<String> {
    let doc = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/policy.md"));
    let mut examples = Vec::new();
    let mut current: Option<String> = None;
    for line in doc.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```json") => current = Some(String::new()),
            (Some(text), "```") => {
                examples.push(std::mem::take(text));
                current = None;
            }
            (Some(text), l) => {
                text.push_str(l);
                text.push('\n');
            }
            (None, _) => {}
        }
    }
    // Only the blocks that are policy documents (the others show requests and errors).
    examples
        .into_iter()
        .filter(|e| serde_json::from_str::<Value>(e).is_ok_and(|v| v.get("rules").is_some()))
        .collect()
}

#[test]
fn policy_check_accepts_the_documented_examples_and_names_errors() {
    let dir = Scratch::new("policy-check");
    let examples = doc_examples();
    assert_eq!(
        examples.len(),
        3,
        "docs/policy.md has three example policies"
    );
    for (i, text) in examples.iter().enumerate() {
        let file = dir.file(&format!("example{i}.json"), text);
        let out = run(&["policy", "check", path_str(&file)]);
        assert!(out.status.success(), "example {i}: {}", stderr(&out));
        assert!(stdout(&out).contains("a valid policy"));
    }

    let treasury: Value = serde_json::from_str(&examples[0]).unwrap();
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "quorum",
            {
                let mut p = treasury.clone();
                p["quorum"] = json!(4);
                p
            },
            "quorum: must be between 1 and the number of approvers (3)",
        ),
        (
            "unknown",
            {
                let mut p = treasury.clone();
                p["rules"]["ethereum"]["allowContract"] = json!([]);
                p
            },
            "rules.ethereum.allowContract: unknown field",
        ),
        (
            "duplicate",
            {
                let mut p = treasury.clone();
                p["approvers"][2]["publicKey"] = p["approvers"][0]["publicKey"].clone();
                p
            },
            "approvers[2].publicKey: duplicate of approvers[0].publicKey",
        ),
        (
            "amount",
            {
                let mut p = treasury.clone();
                p["rules"]["ethereum"]["maxValueWei"] = json!(1);
                p
            },
            "rules.ethereum.maxValueWei: ",
        ),
        (
            "version",
            {
                let mut p = treasury.clone();
                p["version"] = json!(2);
                p
            },
            "version: policy version 2 is newer",
        ),
    ];
    for (name, doc, message) in cases {
        let file = dir.file(&format!("{name}.json"), &doc.to_string());
        let out = run(&["policy", "check", path_str(&file)]);
        assert_fails(&out, 1, &[message, "(InvalidPolicy)", path_str(&file)]);
    }
    // Not JSON at all: the position of the syntax error.
    let file = dir.file("broken.json", "{\n  \"version\": 1,\n  \"quorum\": \n}\n");
    let out = run(&["policy", "check", path_str(&file)]);
    assert_fails(
        &out,
        1,
        &["not valid JSON", "line 4 column 1", "(InvalidInput)"],
    );
}

#[test]
fn backup_shares_recover_the_same_wallet() {
    let desk = Desk::new("custody-backup");
    let accounts = desk.json(&["accounts"]);
    // Shares go to a pipe only with --force.
    assert_fails(
        &desk.run(&[
            "backup",
            "shares",
            "--group-threshold",
            "1",
            "--group",
            "2of3",
        ]),
        2,
        &["--force"],
    );
    let made = desk.json(&[
        "backup",
        "shares",
        "--group-threshold",
        "1",
        "--group",
        "2of3",
        "--force",
    ]);
    let shares: Vec<String> = made["groups"][0]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(shares.len(), 3);
    assert!(
        shares.iter().all(|s| s.split(' ').count() == 20),
        "128-bit secret: 20 words"
    );
    let text = desk.ok(&[
        "backup",
        "shares",
        "--group-threshold",
        "1",
        "--group",
        "2of3",
        "--force",
    ]);
    assert!(text.contains("Group 1: any 2 of its 3 shares"), "{text}");

    let new_password = desk.dir.file("new.pw", "recovered password\n");
    let recover = |vault: &Path, file: &Path, extra: &[&str]| {
        let mut args = vec![
            "--json",
            "backup",
            "recover",
            "--vault",
            path_str(vault),
            "--password-file",
            path_str(&new_password),
            "--shares-file",
            path_str(file),
        ];
        args.extend_from_slice(&FLOOR_KDF_ARGS);
        args.extend_from_slice(extra);
        run(&args)
    };
    // Shares 1 and 3, with a comment and blank lines around them.
    let two = desk.dir.file(
        "two.txt",
        &format!(
            "# from alice and carol\n{}\n\n  {}  \n",
            shares[0], shares[2]
        ),
    );
    let recovered_vault = desk.path("recovered.vault");
    let out = recover(&recovered_vault, &two, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let recovered: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        common::addresses(&recovered["accounts"]),
        common::addresses(&accounts)
    );
    assert_eq!(recovered["accounts"][0]["address"], HARDHAT_0);

    // With a SLIP-0039 passphrase (from a file): the same wallet back only with it.
    let passphrase = desk.dir.file("slip39.pw", "TREZOR shares passphrase\n");
    let protected = desk.json(&[
        "backup",
        "shares",
        "--group-threshold",
        "1",
        "--group",
        "2of3",
        "--passphrase-file",
        path_str(&passphrase),
        "--force",
    ]);
    let p = &protected["groups"][0];
    let pair = desk.dir.file(
        "protected.txt",
        &format!("{}\n{}\n", p[1].as_str().unwrap(), p[2].as_str().unwrap()),
    );
    let with = desk.path("with.vault");
    let out = recover(&with, &pair, &["--passphrase-file", path_str(&passphrase)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let got: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        common::addresses(&got["accounts"]),
        common::addresses(&accounts)
    );
    let without = desk.path("without.vault");
    let out = recover(&without, &pair, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let got: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_ne!(
        got["accounts"][0]["address"], HARDHAT_0,
        "another wallet, silently"
    );

    // One share: a clear error, and no vault is created.
    let one = desk.dir.file("one.txt", &shares[1]);
    let lonely = desk.path("lonely.vault");
    let out = recover(&lonely, &one, &[]);
    assert_fails(
        &out,
        1,
        &["group 1 needs 2 shares; 1 given", "(InsufficientShares)"],
    );
    assert!(!lonely.exists());

    // An existing vault is not replaced without --force, and is replaced atomically with it.
    let before = std::fs::read(&desk.vault).unwrap();
    let other = desk
        .dir
        .file("other.txt", &format!("{}\n{}\n", shares[1], shares[2]));
    let out = recover(Path::new(&desk.vault), &other, &[]);
    assert_fails(&out, 1, &["VaultExists"]);
    assert_eq!(std::fs::read(&desk.vault).unwrap(), before);
    let out = recover(Path::new(&desk.vault), &other, &["--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_ne!(std::fs::read(&desk.vault).unwrap(), before);
    assert!(desk.dir.temporaries().is_empty());
    // The replaced vault opens with the new password and holds the same accounts.
    let listed: Value = serde_json::from_str(&run_ok(&[
        "--json",
        "accounts",
        "--vault",
        &desk.vault,
        "--password-file",
        path_str(&new_password),
    ]))
    .unwrap();
    assert_eq!(common::addresses(&listed), common::addresses(&accounts));
}

#[test]
fn a_held_export_is_carried_out_with_the_password_again() {
    let desk = Desk::new("custody-export");
    let alice = ApproverKey::new(&desk, "alice");
    let policy_file = desk.dir.file(
        "p.json",
        &json!({
            "version": 1,
            "approvers": [{"name": "alice", "publicKey": alice.public_key},
                          {"name": "hsm", "publicKey": RFC8032_TEST1_PUBLIC}],
            "quorum": 1,
            "rules": {"allowedChains": ["eip155:1"], "export": "approval"}
        })
        .to_string(),
    );
    desk.ok(&["policy", "apply", path_str(&policy_file)]);
    let out = desk.run(&["export", "mnemonic", "--force"]);
    assert_fails(&out, 3, &["ApprovalRequired"]);
    let data: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(data["request"]["method"], "wallet_export");
    assert!(
        !stdout(&out).contains("test test"),
        "nothing secret in the request"
    );
    let request = desk.dir.file("export.request.json", &stdout(&out));
    let (a, shown) = alice.approve(&desk, &request, "export");
    assert!(
        stderr(&shown).contains("EXPORT the mnemonic"),
        "{}",
        stderr(&shown)
    );
    let digest = data["approvalDigest"].as_str().unwrap();
    // The secret follows the stdout rule here too.
    assert_fails(
        &desk.run(&[
            "approvals",
            "submit",
            "--digest",
            digest,
            "--approvals",
            path_str(&a),
        ]),
        2,
        &["--force"],
    );
    let phrase = desk.ok(&[
        "approvals",
        "submit",
        "--digest",
        digest,
        "--approvals",
        path_str(&a),
        "--force",
    ]);
    assert_eq!(phrase, format!("mnemonic: {HARDHAT_MNEMONIC}\n"));

    // Backup shares count as an export: held, then carried out.
    let out = desk.run(&[
        "backup",
        "shares",
        "--group-threshold",
        "1",
        "--group",
        "1of1",
        "--force",
    ]);
    assert_fails(&out, 3, &["ApprovalRequired"]);
    let data: Value = serde_json::from_str(&stdout(&out)).unwrap();
    // This one is approved by another Ed25519 signer: an approval file made without the CLI.
    let digest = data["approvalDigest"].as_str().unwrap();
    let signer = ed25519_dalek::SigningKey::from_bytes(
        &hex::decode(RFC8032_TEST1_SECRET)
            .unwrap()
            .try_into()
            .unwrap(),
    );
    let signature = ed25519_dalek::Signer::sign(&signer, &hex::decode(digest).unwrap());
    let a = desk.dir.file(
        "hsm.approval.json",
        &json!({"approvalDigest": digest, "publicKey": RFC8032_TEST1_PUBLIC,
                "signature": hex::encode(signature.to_bytes())})
        .to_string(),
    );
    let shares = desk.ok(&[
        "approvals",
        "submit",
        "--digest",
        data["approvalDigest"].as_str().unwrap(),
        "--approvals",
        path_str(&a),
        "--force",
    ]);
    assert!(shares.contains("Group 1"), "{shares}");
    let share = shares.lines().find(|l| l.starts_with("  1. ")).unwrap()[5..].to_owned();
    assert_eq!(share.split(' ').count(), 20);
}
