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

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

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
    pub fn save(&self, bytes: &[u8], expected: Option<&[u8]>) -> Result<(), StoreError> {
        let _lock = self.lock()?;
        if self.read()?.as_deref() != expected {
            return Err(StoreError::Changed);
        }
        self.remove_stale_temporaries();
        self.write_atomic(bytes)?;
        Ok(())
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

    /// Deletes `.NAME.tmp-<hex>` files; only called while holding the lock, so no writer of
    /// ours is using one.
    fn remove_stale_temporaries(&self) {
        let prefix = self.tmp_prefix();
        let Ok(entries) = fs::read_dir(self.dir()) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(name) = name.to_str() else {
                continue;
            };
            let is_ours = name.strip_prefix(&prefix).is_some_and(|suffix| {
                suffix.len() == TMP_SUFFIX_HEX && suffix.bytes().all(|b| b.is_ascii_hexdigit())
            });
            if is_ours {
                let _ = fs::remove_file(entry.path());
            }
        }
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
