//! Helpers shared by the CLI's integration tests: scratch directories, running the built
//! `custodian` binary, and a `custodian rpc` child process driven line by line.

#![allow(dead_code)] // each test file uses a different subset

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Output, Stdio};

use serde_json::{json, Value};

/// Hardhat's and Anvil's documented development mnemonic and its published account #0
/// (hardhat.org, "Hardhat Network" reference; `npx hardhat node` prints the same).
pub const HARDHAT_MNEMONIC: &str = "test test test test test test test test test test test junk";
/// Account #0 of [`HARDHAT_MNEMONIC`].
pub const HARDHAT_0: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

/// The Argon2id floor: fast enough for tests, accepted by the core.
pub const FLOOR_KDF_ARGS: [&str; 4] = ["--kdf-memory-kib", "19456", "--kdf-iterations", "2"];

/// The same cost as a protocol `kdf` param.
pub fn floor_kdf() -> Value {
    json!({"memoryKib": 19456, "iterations": 2, "parallelism": 1})
}

/// A finished command's stderr, as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A finished command's stdout, as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The binary under test.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_custodian")
}

/// A fresh, empty directory under the system temp dir, removed on drop.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Self {
        let mut nonce = [0u8; 8];
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut nonce);
        let dir = std::env::temp_dir().join(format!(
            "custodian-cli-{name}-{}-{}",
            std::process::id(),
            u64::from_le_bytes(nonce)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// Writes `contents` to `name` and returns its path.
    pub fn file(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, contents).unwrap();
        path
    }

    /// Names in the directory that look like temporary files of the store.
    pub fn temporaries(&self) -> Vec<String> {
        std::fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".tmp-"))
            .collect()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `custodian ARGS` with stdin closed and returns its output.
pub fn run(args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// Runs `custodian ARGS`, asserts exit code 0 and returns stdout.
pub fn run_ok(args: &[&str]) -> String {
    let out = run(args);
    assert!(
        out.status.success(),
        "custodian {args:?} failed ({:?}): {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs `custodian ARGS... --vault VAULT --password-file PASSWORD_FILE`.
pub fn run_on_vault(args: &[&str], vault: &str, password_file: &str) -> Output {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--vault", vault, "--password-file", password_file]);
    run(&all)
}

pub fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A `custodian rpc --vault FILE` child process.
pub struct Rpc {
    pub child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    next_id: u64,
}

impl Rpc {
    pub fn start(vault: &Path) -> Self {
        Self::start_with(vault, &[])
    }

    pub fn start_with(vault: &Path, extra: &[&str]) -> Self {
        let mut child = Command::new(bin())
            .args(["rpc", "--vault", path_str(vault)])
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Self {
            child,
            stdin,
            stdout,
            next_id: 1,
        }
    }

    /// Sends one raw line.
    pub fn send_line(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().unwrap();
        stdin.write_all(line.as_bytes()).unwrap();
        stdin.write_all(b"\n").unwrap();
        stdin.flush().unwrap();
    }

    /// Sends raw bytes as they are.
    pub fn send_bytes(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().unwrap();
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    /// Reads one line and parses it.
    pub fn read(&mut self) -> Value {
        let mut line = String::new();
        let n = self.stdout.read_line(&mut line).unwrap();
        assert!(n > 0, "custodian rpc closed stdout");
        assert!(line.ends_with('\n'), "every response ends with a newline");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
    }

    /// Sends a request and returns the whole response, checking the envelope.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send_line(&json!({"id": id, "method": method, "params": params}).to_string());
        let resp = self.read();
        assert_eq!(resp["jsonrpc"], "2.0", "{resp}");
        assert_eq!(resp["id"], id, "{resp}");
        assert!(
            resp.get("result").is_some() != resp.get("error").is_some(),
            "exactly one of result and error: {resp}"
        );
        resp
    }

    /// The result of a request that must succeed.
    pub fn ok(&mut self, method: &str, params: Value) -> Value {
        let resp = self.request(method, params);
        assert!(resp.get("error").is_none(), "{method} failed: {resp}");
        resp["result"].clone()
    }

    /// `(code, kind)` of a request that must fail.
    pub fn err(&mut self, method: &str, params: Value) -> (i64, String) {
        let resp = self.request(method, params);
        let e = resp
            .get("error")
            .unwrap_or_else(|| panic!("{method} succeeded: {resp}"));
        (
            e["code"].as_i64().unwrap(),
            e["data"]["kind"].as_str().unwrap_or("").to_owned(),
        )
    }

    /// Closes stdin and waits for a clean exit.
    pub fn finish(mut self) {
        drop(self.stdin.take());
        let status = self.child.wait().unwrap();
        assert!(status.success(), "custodian rpc exited with {status}");
    }
}

impl Drop for Rpc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Addresses of a list of account views, in order.
pub fn addresses(accounts: &Value) -> Vec<String> {
    accounts
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["address"].as_str().unwrap().to_owned())
        .collect()
}
