//! One wallet over one vault file: every request goes to the core's `Wallet::handle`, and a
//! change the core reports is on disk before the request's result is returned.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use custodian_core::api::error::INTERNAL_ERROR;
use custodian_core::api::{ApiError, Env, ProviderEvent, RpcRequest, Wallet};
use custodian_core::vault::{peek, KdfParams};
use rand_core::OsRng;
use serde_json::Value;

use crate::error::CliError;
use crate::progress;
use crate::store::{Save, StoreError, VaultFile};

/// A wallet, the file it persists to, and the bytes this process last saw in that file.
pub struct Session {
    wallet: Wallet,
    file: VaultFile,
    /// What the file held when last read or written by this process (`None`: no file).
    on_disk: Option<Vec<u8>>,
    /// Show a progress line while a request runs Argon2 (human commands on a terminal).
    progress: bool,
    /// The first save replaces the file's vault: its audit records go with it.
    replacing: bool,
}

impl Session {
    /// Opens the vault at `path`, or an empty wallet if there is no file there yet.
    ///
    /// # Errors
    /// The file cannot be read, or is not a vault this version can open.
    pub fn open(path: &Path, progress: bool) -> Result<Self, CliError> {
        let file = VaultFile::new(path);
        let on_disk = file.read().map_err(CliError::file("read", path))?;
        let on_disk_is_empty = on_disk.is_none();
        let wallet = match &on_disk {
            Some(bytes) => {
                let records = file
                    .read_records()
                    .map_err(CliError::file("read the audit records of", path))?;
                Wallet::from_sealed_with_audit(bytes.clone(), records)?
            }
            None => Wallet::new(),
        };
        Ok(Self {
            wallet,
            file,
            on_disk,
            progress,
            // No vault in the file: records left from an earlier one are not this one's.
            replacing: on_disk_is_empty,
        })
    }

    /// A new, empty wallet that will replace the vault at `path` (if any) with its first save,
    /// atomically, as long as no other process changes the file first.
    pub fn replacing(path: &Path, progress: bool) -> Result<Self, CliError> {
        let file = VaultFile::new(path);
        let on_disk = file.read().map_err(CliError::file("read", path))?;
        Ok(Self {
            wallet: Wallet::new(),
            file,
            on_disk,
            progress,
            replacing: true,
        })
    }

    /// Opens the vault at `path`, which must exist.
    pub fn open_existing(path: &Path, progress: bool) -> Result<Self, CliError> {
        let session = Self::open(path, progress)?;
        if session.on_disk.is_none() {
            return Err(CliError::NoVault(path.to_path_buf()));
        }
        Ok(session)
    }

    /// Whether the file held a vault when opened (or has been written since).
    pub fn has_vault(&self) -> bool {
        self.on_disk.is_some()
    }

    /// Answers one request and persists any change before returning its outcome.
    ///
    /// If the change cannot be stored, the caller gets an error instead of the result and the
    /// wallet is reloaded from the file (locked), so memory never runs ahead of the disk.
    pub fn request(&mut self, req: RpcRequest) -> Result<Value, ApiError> {
        let label = if self.progress {
            self.kdf_label(&req)
        } else {
            None
        };
        let mut rng = OsRng;
        let mut env = Env {
            rng: &mut rng,
            now_ms: now_ms(),
            origin: None,
        };
        let is_unlock = req.method == "wallet_unlock";
        let wallet = &mut self.wallet;
        let outcome = progress::run(label, || wallet.handle(req, &mut env));
        self.persist()?;
        if let (true, true, Ok(result)) = (self.progress, is_unlock, &outcome) {
            warn_if_log_damaged(result);
        }
        outcome
    }

    /// Calls `method` with `params`.
    pub fn call(&mut self, method: &str, params: Value) -> Result<Value, CliError> {
        let req = RpcRequest {
            id: None,
            jsonrpc: None,
            method: method.to_owned(),
            params,
        };
        self.request(req).map_err(CliError::Request)
    }

    /// Provider events caused by the requests so far.
    pub fn take_events(&mut self) -> Vec<ProviderEvent> {
        self.wallet.take_events()
    }

    fn persist(&mut self) -> Result<(), ApiError> {
        let Some(save) = self.wallet.take_save() else {
            return Ok(());
        };
        let vault = save.vault.map(|v| v.bytes);
        let written = self.file.save_with_audit(&Save {
            vault: vault.as_deref(),
            expected: self.on_disk.as_deref(),
            records: &save.audit_records,
            prune_below: save.prune_below,
            replace_records: self.replacing,
        });
        match written {
            Ok(()) => {
                self.replacing = false;
                if vault.is_some() {
                    self.on_disk = vault;
                }
                Ok(())
            }
            Err(e) => {
                let kind = match e {
                    StoreError::Changed => "VaultChanged",
                    _ => "StorageFailed",
                };
                let message = format!(
                    "the change was not saved, so it was not made: {e}; the wallet is locked"
                );
                self.reload();
                Err(ApiError::new(INTERNAL_ERROR, kind, message))
            }
        }
    }

    /// Replaces the in-memory wallet with whatever the file holds now.
    fn reload(&mut self) {
        let on_disk = self.file.read().ok().flatten();
        let records = self.file.read_records().unwrap_or_default();
        self.wallet = on_disk
            .as_ref()
            .and_then(|bytes| Wallet::from_sealed_with_audit(bytes.clone(), records).ok())
            .unwrap_or_default();
        self.on_disk = on_disk;
    }

    /// The Argon2 cost a request is about to pay, if it derives a key.
    fn kdf_label(&self, req: &RpcRequest) -> Option<String> {
        let kdf = match req.method.as_str() {
            "wallet_create" | "wallet_import" | "wallet_recoverFromShares" => {
                requested_kdf(&req.params)
            }
            "wallet_unlock" | "wallet_export" | "wallet_changePassword" | "wallet_backupShares" => {
                peek(self.on_disk.as_deref()?).ok()?.kdf
            }
            _ => return None,
        };
        Some(progress::kdf_label(&kdf))
    }
}

/// Tells the operator (stderr) when unlock found the audit log's records damaged: the vault
/// opened, the damage is now in the log itself, and exports will fail at the gap.
fn warn_if_log_damaged(unlock_result: &Value) {
    let Some(log) = unlock_result.get("auditLog") else {
        return;
    };
    if log.get("status").and_then(Value::as_str) == Some("damaged") {
        let message = log
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("damaged");
        let seq = log.get("firstBadSeq").and_then(Value::as_u64).unwrap_or(0);
        eprintln!(
            "warning: the audit log's stored records are damaged ({message}, from entry {seq}); \
             this was logged as audit.damaged, and exports will not verify past the gap \
             (docs/audit-log.md §Damage)"
        );
    }
}

/// Answers a request that needs no vault (`wallet_checkPolicy`, `wallet_auditVerify`,
/// `wallet_previewRequest`) with a new, empty wallet; nothing is stored.
pub fn stateless(method: &str, params: Value) -> Result<Value, CliError> {
    let mut rng = OsRng;
    let mut env = Env {
        rng: &mut rng,
        now_ms: now_ms(),
        origin: None,
    };
    let req = RpcRequest {
        id: None,
        jsonrpc: None,
        method: method.to_owned(),
        params,
    };
    Wallet::new()
        .handle(req, &mut env)
        .map_err(CliError::Request)
}

/// The `kdf` of a create or import request as the core will apply it (its default if absent).
fn requested_kdf(params: &Value) -> KdfParams {
    let field = |name: &str, default: u32| {
        params
            .get("kdf")
            .and_then(|k| k.get(name))
            .and_then(Value::as_u64)
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(default)
    };
    let d = KdfParams::DEFAULT;
    KdfParams {
        memory_kib: field("memoryKib", d.memory_kib),
        iterations: field("iterations", d.iterations),
        parallelism: field("parallelism", d.parallelism),
    }
}

/// Unix time in milliseconds (0 if the clock is before 1970, which only delays auto-lock).
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}
