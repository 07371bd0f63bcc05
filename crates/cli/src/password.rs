//! Passwords come from the terminal (no echo) or from a file, never from the command line,
//! where every local user can read them in the process list.

use std::path::Path;

use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::error::CliError;

/// A password held in memory that is wiped when dropped.
pub type Password = Zeroizing<String>;

/// Reads an existing password: the first line of `file`, or a prompt on the terminal.
pub fn read(file: Option<&Path>, prompt: &str) -> Result<Password, CliError> {
    match file {
        Some(path) => from_file(path),
        None => prompt_tty(prompt),
    }
}

/// Reads a new password: the first line of `file`, or typed twice on the terminal.
pub fn read_new(file: Option<&Path>, prompt: &str) -> Result<Password, CliError> {
    if let Some(path) = file {
        return from_file(path);
    }
    let first = prompt_tty(prompt)?;
    let second = prompt_tty("Type it again: ")?;
    // Constant-time so a shoulder-surfed timing channel says nothing about how similar the
    // two entries were (the length difference is not hidden and need not be).
    if bool::from(first.as_bytes().ct_eq(second.as_bytes())) {
        Ok(first)
    } else {
        Err(CliError::PasswordMismatch)
    }
}

/// The first line of `path` with its line ending removed; the rest of the file is ignored.
pub fn from_file(path: &Path) -> Result<Password, CliError> {
    let bytes = Zeroizing::new(std::fs::read(path).map_err(CliError::file("read", path))?);
    let line = first_line(&bytes);
    let text = std::str::from_utf8(line)
        .map_err(|_| CliError::BadInput(format!("{} is not UTF-8 text", path.display())))?;
    Ok(Zeroizing::new(text.to_owned()))
}

/// The bytes before the first `\n`, without a trailing `\r`.
fn first_line(bytes: &[u8]) -> &[u8] {
    let line = match bytes.iter().position(|b| *b == b'\n') {
        Some(end) => bytes.get(..end).unwrap_or(bytes),
        None => bytes,
    };
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn prompt_tty(prompt: &str) -> Result<Password, CliError> {
    // rpassword writes the prompt to and reads from /dev/tty with echo off, so a password is
    // never read from a redirected stdin by accident.
    rpassword::prompt_password(prompt)
        .map(Zeroizing::new)
        .map_err(CliError::NoTerminal)
}

#[cfg(test)]
mod tests {
    use super::first_line;

    #[test]
    fn only_the_first_line_counts() {
        assert_eq!(first_line(b"secret\n"), b"secret");
        assert_eq!(first_line(b"secret\r\nsecond line\n"), b"secret");
        assert_eq!(first_line(b"no newline"), b"no newline");
        assert_eq!(first_line(b" spaces kept \n"), b" spaces kept ");
        assert_eq!(first_line(b"\n"), b"");
    }
}
