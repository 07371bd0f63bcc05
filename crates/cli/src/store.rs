//! The vault file on disk, written so that a crash at any instant leaves a vault that opens.
//!
//! The rule (docs/vault-format.md, "Hosts"): write the new sealed bytes to a temporary file in
//! the same directory, fsync it, rename it over the vault, then fsync the directory so the
//! rename itself is durable. A rename within one file system is atomic, so a reader sees
//! either the old complete vault or the new complete vault, never a mixture.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// A vault file path and the last generation written or read.
#[derive(Debug)]
pub struct VaultFile {
    path: PathBuf,
}

impl VaultFile {
    /// A handle to the vault at `path` (which need not exist yet).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// The vault's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The sealed bytes, or `None` if there is no vault yet.
    pub fn read(&self) -> io::Result<Option<Vec<u8>>> {
        match fs::read(&self.path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Replaces the vault with `bytes` atomically and durably.
    pub fn write_atomic(&self, bytes: &[u8]) -> io::Result<()> {
        let dir = match self.path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "vault".to_owned());
        let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
        let result = (|| {
            let mut file = create_private(&tmp)?;
            file.write_all(bytes)?;
            file.sync_all()?;
            drop(file);
            fs::rename(&tmp, &self.path)?;
            // The rename is only durable once the directory entry is on disk.
            File::open(&dir)?.sync_all()
        })();
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result
    }
}

/// Creates a file only its owner can read: the vault is ciphertext, but there is no reason
/// to hand other local users an offline password-guessing target.
fn create_private(path: &Path) -> io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.write(true).create(true).truncate(true);
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

    #[test]
    fn write_then_read_and_replace() {
        let dir = std::env::temp_dir().join(format!("custodian-store-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let vf = VaultFile::new(dir.join("v.vault"));
        assert_eq!(vf.read().unwrap(), None);
        vf.write_atomic(b"first").unwrap();
        assert_eq!(vf.read().unwrap().as_deref(), Some(&b"first"[..]));
        vf.write_atomic(b"second").unwrap();
        assert_eq!(vf.read().unwrap().as_deref(), Some(&b"second"[..]));
        // No temporary file is left behind.
        let leftovers: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
            .collect();
        assert!(leftovers.is_empty());
        fs::remove_dir_all(&dir).unwrap();
    }
}
