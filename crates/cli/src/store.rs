//! The vault file on disk, written so that a crash at any instant leaves a vault that opens.
//!
//! The rule (docs/vault-format.md, "Hosts"): write the new sealed bytes to a temporary file in
//! the same directory, fsync it, rename it over the vault, then fsync the directory so the
//! rename itself is durable. A rename within one file system is atomic, so a reader sees
//! either the old complete vault or the new complete vault, never a mixture.
//!
//! Two processes may open the same vault (a `custodian rpc` daemon and an operator's
//! `custodian accounts`, say). Reading needs no coordination because of the rename. Writing
//! does: each process holds the vault in memory, and the second writer would silently throw
//! away the first one's change. So a save takes an exclusive lock on a sidecar file and
//! refuses to write unless the file still holds exactly the bytes this process last read or
//! wrote ([`StoreError::Changed`]).
//!
//! The audit log's records live next to the vault, one file per entry, in `NAME.audit/`
//! (`<seq, 20 digits>.rec`), each written the same way (temporary file, fsync, rename) and the
//! directory synced *before* the vault that commits to them is written; records the log has
//! folded are deleted only after that vault is durable (docs/cli.md §Files).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use custodian_core::audit::AuditRecord;
use rand_core::{OsRng, RngCore};

/// Random hex digits in a temporary file's name.
const TMP_SUFFIX_HEX: usize = 16;

/// Why a save did not happen. In every case the file still holds its previous vault.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// Another process replaced the vault since this one read it.
    #[error("the vault file was changed by another process since it was opened; nothing was written (open it again)")]
    Changed,
    /// Reading, writing, syncing or renaming failed.
    #[error("{0}")]
    Io(#[from] io::Error),
}

/// A vault file path (which need not exist yet).
#[derive(Debug)]
pub struct VaultFile {
    path: PathBuf,
}

impl VaultFile {
    /// A handle to the vault at `path`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// The sealed bytes, or `None` if there is no vault yet.
    pub fn read(&self) -> io::Result<Option<Vec<u8>>> {
        match fs::read(&self.path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Replaces the vault with `bytes`, atomically and durably, if the file still holds
    /// `expected` (`None`: there must be no file yet).
    ///
    /// Temporary files left by a writer that was killed are removed first: they only ever
    /// hold a change whose caller was never told it succeeded.
    #[cfg(test)]
    pub fn save(&self, bytes: &[u8], expected: Option<&[u8]>) -> Result<(), StoreError> {
        self.save_with_audit(&Save {
            vault: Some(bytes),
            expected,
            ..Save::default()
        })
    }

    /// Persists one save of the wallet in the order that keeps every crash recoverable: the
    /// audit records (each durable, then the directory), then the vault, then the pruning of
    /// folded records. Nothing is written unless the vault file still holds `expected`.
    pub fn save_with_audit(&self, save: &Save<'_>) -> Result<(), StoreError> {
        let _lock = self.lock()?;
        if self.read()?.as_deref() != save.expected {
            return Err(StoreError::Changed);
        }
        self.remove_stale_temporaries();
        let records = self.records_dir();
        if save.replace_records {
            // A new vault replaces the old one: the old vault's records are not its history.
            self.remove_records(|_| true)?;
        }
        if !save.records.is_empty() {
            if !records.exists() {
                fs::create_dir(&records)?;
                sync_dir(&self.dir())?;
            }
            for record in save.records {
                write_record(&records, record)?;
            }
            sync_dir(&records)?;
        }
        if let Some(bytes) = save.vault {
            self.write_atomic(bytes)?;
        }
        if let Some(below) = save.prune_below {
            self.remove_records(|seq| seq < below)?;
        }
        Ok(())
    }

    /// The audit records stored next to the vault (none if there is no record directory).
    pub fn read_records(&self) -> io::Result<Vec<AuditRecord>> {
        let entries = match fs::read_dir(self.records_dir()) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut out = Vec::new();
        for entry in entries {
            let entry = entry?;
            let Some(seq) = record_seq(&entry.file_name().to_string_lossy()) else {
                continue;
            };
            out.push(AuditRecord {
                seq,
                bytes: fs::read(entry.path())?,
            });
        }
        out.sort_by_key(|r| r.seq);
        Ok(out)
    }

    /// `NAME.audit/` next to the vault `NAME`.
    pub fn records_dir(&self) -> PathBuf {
        self.dir().join(format!("{}.audit", self.file_name()))
    }

    /// Deletes the records whose seq `doomed` picks, then syncs the directory.
    fn remove_records(&self, doomed: impl Fn(u64) -> bool) -> io::Result<()> {
        let dir = self.records_dir();
        let Ok(entries) = fs::read_dir(&dir) else {
            return Ok(());
        };
        for entry in entries.flatten() {
            if record_seq(&entry.file_name().to_string_lossy()).is_some_and(&doomed) {
                fs::remove_file(entry.path())?;
            }
        }
        sync_dir(&dir)
    }

    /// Writes `bytes` to a new temporary file, makes it durable, renames it over the vault and
    /// makes the rename durable. Callers hold the lock.
    fn write_atomic(&self, bytes: &[u8]) -> io::Result<()> {
        let dir = self.dir();
        let tmp = dir.join(format!("{}{}", self.tmp_prefix(), random_hex()));
        let result = (|| {
            let mut file = create_private(&tmp, false)?;
            file.write_all(bytes)?;
            file.sync_all()?;
            drop(file);
            fs::rename(&tmp, &self.path)?;
            sync_dir(&dir)
        })();
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result
    }

    /// Takes the exclusive write lock, waiting for another writer's save to finish. The lock
    /// is released when the returned file is dropped, and by the kernel if the process dies.
    fn lock(&self) -> io::Result<File> {
        let path = self.dir().join(format!(".{}.lock", self.file_name()));
        let file = create_private(&path, true)?;
        file.lock()?;
        Ok(file)
    }

    /// Deletes `.NAME.tmp-<hex>` files, and `.<seq>.rec.tmp-<hex>` files in the record
    /// directory; only called while holding the lock, so no writer of ours is using one.
    fn remove_stale_temporaries(&self) {
        let prefix = self.tmp_prefix();
        sweep(&self.dir(), |name| {
            name.strip_prefix(&prefix).is_some_and(is_tmp_suffix)
        });
        sweep(&self.records_dir(), |name| {
            name.strip_prefix('.')
                .and_then(|n| n.split_once(".tmp-"))
                .is_some_and(|(rec, suffix)| record_seq(rec).is_some() && is_tmp_suffix(suffix))
        });
    }

    fn tmp_prefix(&self) -> String {
        format!(".{}.tmp-", self.file_name())
    }

    fn file_name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "vault".to_owned())
    }

    fn dir(&self) -> PathBuf {
        match self.path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }
}

/// What one save writes (see [`VaultFile::save_with_audit`]).
#[derive(Default)]
pub struct Save<'a> {
    /// The new vault, if it changed.
    pub vault: Option<&'a [u8]>,
    /// What the vault file must still hold (`None`: no file yet).
    pub expected: Option<&'a [u8]>,
    /// New audit records.
    pub records: &'a [AuditRecord],
    /// Records below this seq are deleted once the vault is written.
    pub prune_below: Option<u64>,
    /// Delete every stored record first (a new vault replaces the file's).
    pub replace_records: bool,
}

/// `<seq, 20 digits>.rec` -> seq.
fn record_seq(name: &str) -> Option<u64> {
    let digits = name.strip_suffix(".rec")?;
    if digits.len() != 20 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn record_name(seq: u64) -> String {
    format!("{seq:020}.rec")
}

/// Writes one record durably: temporary file, fsync, rename over any older copy. The caller
/// syncs the directory once all are renamed.
fn write_record(dir: &Path, record: &AuditRecord) -> io::Result<()> {
    let name = record_name(record.seq);
    let tmp = dir.join(format!(".{name}.tmp-{}", random_hex()));
    let result = (|| {
        let mut file = create_private(&tmp, false)?;
        file.write_all(&record.bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, dir.join(&name))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

fn is_tmp_suffix(suffix: &str) -> bool {
    suffix.len() == TMP_SUFFIX_HEX && suffix.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Deletes the files in `dir` whose names `ours` picks.
fn sweep(dir: &Path, ours: impl Fn(&str) -> bool) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if name.to_str().is_some_and(&ours) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Makes a rename in `dir` durable: on POSIX the new directory entry is only on disk once the
/// directory itself is synced.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// `File::open` cannot open a directory on Windows, so there is no directory to sync; NTFS
/// journals the rename as metadata. (The CLI is built and tested on Linux only.)
#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

fn random_hex() -> String {
    let mut bytes = [0u8; TMP_SUFFIX_HEX / 2];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Opens a file only its owner can read: the vault is ciphertext, but there is no reason to
/// hand other local users an offline password-guessing target. `keep` opens an existing file
/// as it is (the lock file); otherwise the file is created or truncated.
pub fn create_private(path: &Path, keep: bool) -> io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.write(true).create(true).truncate(!keep);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)
}

/// Creates a new file only its owner can read; fails if `path` exists.
pub fn create_new_private(path: &Path) -> io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "custodian-store-{name}-{}-{}",
            std::process::id(),
            random_hex()
        ));
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn temporaries(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".tmp-"))
            .collect()
    }

    #[test]
    fn save_then_read_and_replace() {
        let dir = scratch("replace");
        let vf = VaultFile::new(dir.join("v.vault"));
        assert_eq!(vf.read().unwrap(), None);
        vf.save(b"first", None).unwrap();
        assert_eq!(vf.read().unwrap().as_deref(), Some(&b"first"[..]));
        vf.save(b"second", Some(b"first")).unwrap();
        assert_eq!(vf.read().unwrap().as_deref(), Some(&b"second"[..]));
        assert!(temporaries(&dir).is_empty());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(dir.join("v.vault"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_changed_file_is_not_overwritten() {
        let dir = scratch("changed");
        let vf = VaultFile::new(dir.join("v.vault"));
        vf.save(b"mine", None).unwrap();
        // Another process wrote in between.
        VaultFile::new(dir.join("v.vault"))
            .save(b"theirs", Some(b"mine"))
            .unwrap();
        assert!(matches!(
            vf.save(b"mine 2", Some(b"mine")),
            Err(StoreError::Changed)
        ));
        // Creating over an existing vault is a change too.
        assert!(matches!(vf.save(b"new", None), Err(StoreError::Changed)));
        assert_eq!(vf.read().unwrap().as_deref(), Some(&b"theirs"[..]));
        fs::remove_dir_all(&dir).unwrap();
    }

    fn record(seq: u64, fill: u8) -> AuditRecord {
        AuditRecord {
            seq,
            bytes: vec![fill; 8],
        }
    }

    #[test]
    fn records_go_next_to_the_vault_and_are_pruned_after_it() {
        let dir = scratch("records");
        let vf = VaultFile::new(dir.join("v.vault"));
        assert!(vf.read_records().unwrap().is_empty());
        let first = [record(0, 1), record(1, 2)];
        vf.save_with_audit(&Save {
            vault: Some(b"one"),
            records: &first,
            ..Save::default()
        })
        .unwrap();
        assert!(dir.join("v.vault.audit/00000000000000000000.rec").exists());
        assert_eq!(vf.read_records().unwrap(), first.to_vec());
        // A newer record for a seq replaces the older; pruning removes those below.
        vf.save_with_audit(&Save {
            vault: Some(b"two"),
            expected: Some(b"one"),
            records: &[record(1, 3), record(2, 4)],
            prune_below: Some(1),
            replace_records: false,
        })
        .unwrap();
        assert_eq!(vf.read_records().unwrap(), vec![record(1, 3), record(2, 4)]);
        // A changed vault file stops the save before any record is written.
        assert!(matches!(
            vf.save_with_audit(&Save {
                vault: Some(b"three"),
                expected: Some(b"one"),
                records: &[record(3, 5)],
                ..Save::default()
            }),
            Err(StoreError::Changed)
        ));
        assert_eq!(vf.read_records().unwrap().len(), 2);
        // A stale record temporary is swept; a new vault replaces every record.
        let stale = dir.join("v.vault.audit/.00000000000000000007.rec.tmp-0123456789abcdef");
        fs::write(&stale, b"half").unwrap();
        vf.save_with_audit(&Save {
            vault: Some(b"new"),
            expected: Some(b"two"),
            records: &[record(0, 9)],
            replace_records: true,
            ..Save::default()
        })
        .unwrap();
        assert!(!stale.exists());
        assert_eq!(vf.read_records().unwrap(), vec![record(0, 9)]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn stale_temporaries_are_swept_and_others_kept() {
        let dir = scratch("sweep");
        let vf = VaultFile::new(dir.join("v.vault"));
        let stale = dir.join(".v.vault.tmp-0123456789abcdef");
        fs::write(&stale, b"half a vault").unwrap();
        // Not ours: a different vault whose name starts the same way.
        let other = dir.join(".v.vault.tmp-x.tmp-0123456789abcdef");
        fs::write(&other, b"other").unwrap();
        vf.save(b"vault", None).unwrap();
        assert!(!stale.exists());
        assert!(other.exists());
        assert_eq!(vf.read().unwrap().as_deref(), Some(&b"vault"[..]));
        fs::remove_dir_all(&dir).unwrap();
    }
}
