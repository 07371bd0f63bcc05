//! `custodian rpc`: newline-delimited JSON-RPC 2.0 over stdin and stdout (docs/cli.md "rpc").

use std::io::{self, BufRead, Write};
use std::path::Path;

use custodian_core::api::{ApiError, ProviderEvent, RpcRequest, RpcResponse};
use serde_json::json;
use zeroize::Zeroizing;

use crate::error::CliError;
use crate::session::Session;

/// The longest request line read; a longer one is answered with an error and skipped. Large
/// enough for any keystore file or batch of Solana transactions.
const MAX_LINE_BYTES: usize = 4 * 1024 * 1024;

/// One line of input.
enum Line {
    /// A complete line, without its `\n`.
    Text(Zeroizing<Vec<u8>>),
    /// A line longer than [`MAX_LINE_BYTES`], already skipped.
    TooLong,
}

/// Serves requests from `input` until it ends, answering on `output`.
pub fn serve(
    vault: &Path,
    events: bool,
    input: &mut impl BufRead,
    output: &mut impl Write,
) -> Result<(), CliError> {
    let mut session = Session::open(vault, false)?;
    while let Some(line) = read_line(input).map_err(CliError::Output)? {
        let response = match line {
            Line::TooLong => RpcResponse::new(
                None,
                Err(ApiError::invalid_request(&format!(
                    "a request line is at most {MAX_LINE_BYTES} bytes"
                ))),
            ),
            Line::Text(bytes) => {
                if bytes.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                answer(&mut session, &bytes)
            }
        };
        // Drained even when not shown, so they do not pile up.
        let emitted = session.take_events();
        write_json(output, &response)?;
        if events {
            for event in emitted {
                write_json(output, &notification(event))?;
            }
        }
        output.flush().map_err(CliError::Output)?;
    }
    Ok(())
}

/// The response to one request line; the session has stored any change before this returns.
fn answer(session: &mut Session, line: &[u8]) -> RpcResponse {
    let parsed = std::str::from_utf8(line)
        .map_err(|_| ApiError::parse("request is not valid UTF-8"))
        .and_then(RpcRequest::from_json);
    match parsed {
        Ok(req) => {
            let id = req.id.clone();
            RpcResponse::new(id, session.request(req))
        }
        Err(e) => RpcResponse::new(None, Err(e)),
    }
}

fn notification(event: ProviderEvent) -> serde_json::Value {
    json!({
        "jsonrpc": "2.0",
        "method": "custodian_event",
        "params": { "event": event.event, "data": event.data },
    })
}

fn write_json(output: &mut impl Write, value: &impl serde::Serialize) -> Result<(), CliError> {
    let mut text = serde_json::to_string(value)
        .map_err(|e| CliError::Output(io::Error::new(io::ErrorKind::InvalidData, e)))?;
    text.push('\n');
    output.write_all(text.as_bytes()).map_err(CliError::Output)
}

/// Reads up to and including the next `\n` (or to the end of input). The buffer is wiped
/// afterwards: request lines carry passwords.
fn read_line(input: &mut impl BufRead) -> io::Result<Option<Line>> {
    let mut line = Zeroizing::new(Vec::new());
    let mut too_long = false;
    loop {
        let available = match input.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            // End of input: a last line without `\n` still counts.
            return Ok(match (too_long, line.is_empty()) {
                (true, _) => Some(Line::TooLong),
                (false, true) => None,
                (false, false) => Some(Line::Text(line)),
            });
        }
        let (chunk, done) = match available.iter().position(|b| *b == b'\n') {
            Some(end) => (available.get(..end).unwrap_or(available), true),
            None => (available, false),
        };
        let consumed = if done {
            chunk.len().saturating_add(1)
        } else {
            chunk.len()
        };
        if !too_long {
            if line.len().saturating_add(chunk.len()) > MAX_LINE_BYTES {
                too_long = true;
                line.clear();
            } else {
                line.extend_from_slice(chunk);
            }
        }
        input.consume(consumed);
        if done {
            return Ok(Some(if too_long {
                Line::TooLong
            } else {
                Line::Text(line)
            }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8]) -> Vec<Option<Vec<u8>>> {
        let mut reader = io::BufReader::with_capacity(7, input);
        let mut out = Vec::new();
        while let Some(line) = read_line(&mut reader).unwrap() {
            out.push(match line {
                Line::Text(t) => Some(t.to_vec()),
                Line::TooLong => None,
            });
        }
        out
    }

    #[test]
    fn splits_lines_across_buffer_refills() {
        assert_eq!(
            lines(b"{\"a\":1}\n\nlast line without newline"),
            vec![
                Some(b"{\"a\":1}".to_vec()),
                Some(Vec::new()),
                Some(b"last line without newline".to_vec())
            ]
        );
        assert!(lines(b"").is_empty());
    }

    #[test]
    fn an_overlong_line_is_skipped_and_reading_goes_on() {
        let mut input = vec![b'x'; MAX_LINE_BYTES + 1];
        input.extend_from_slice(b"\nnext\n");
        assert_eq!(lines(&input), vec![None, Some(b"next".to_vec())]);
    }
}
