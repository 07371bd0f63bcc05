//! Web origins as the browser serializes them (`event.origin`): `scheme://host[:port]`.
//!
//! Site grants are keyed by the origin string, so one site must have exactly one spelling:
//! anything a browser would not produce (a path, upper case, a default port, `null`) is
//! refused rather than normalized. See `docs/sites.md` §Origins.

/// Longest origin accepted, in bytes.
pub const MAX_ORIGIN_LEN: usize = 256;

/// Whether `text` is a serialized tuple origin (HTML §"serialization of an origin").
///
/// Accepted: a lowercase scheme (`[a-z][a-z0-9+.-]*`), `://`, a non-empty lowercase host
/// (DNS labels of `[a-z0-9_-]` separated by single dots, or a bracketed IPv6 address), an
/// optional port (decimal, no leading zero, at most 65535, and not the scheme's default),
/// nothing else, at most [`MAX_ORIGIN_LEN`] bytes. The opaque origin `null` is refused: a
/// sandboxed or `file:` page has no identity a grant could be tied to.
pub fn is_web_origin(text: &str) -> bool {
    if text.len() > MAX_ORIGIN_LEN {
        return false;
    }
    let Some((scheme, rest)) = text.split_once("://") else {
        return false;
    };
    if !valid_scheme(scheme) {
        return false;
    }
    let (host, port) = match rest.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((addr, after)) => {
                if !valid_ipv6(addr) {
                    return false;
                }
                match after {
                    "" => (rest, None),
                    p => match p.strip_prefix(':') {
                        Some(port) => (rest, Some(port)),
                        None => return false,
                    },
                }
            }
            None => return false,
        },
        None => {
            let (host, port) = match rest.split_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (rest, None),
            };
            if !valid_host(host) {
                return false;
            }
            (host, port)
        }
    };
    if host.is_empty() {
        return false;
    }
    match port {
        None => true,
        Some(p) => valid_port(scheme, p),
    }
}

fn valid_scheme(scheme: &str) -> bool {
    let mut bytes = scheme.bytes();
    matches!(bytes.next(), Some(b'a'..=b'z'))
        && bytes.all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'+' | b'-' | b'.'))
}

fn valid_host(host: &str) -> bool {
    !host.is_empty()
        && host.split('.').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_'))
        })
}

fn valid_ipv6(addr: &str) -> bool {
    !addr.is_empty()
        && addr.contains(':')
        && addr
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f' | b':' | b'.'))
}

fn valid_port(scheme: &str, port: &str) -> bool {
    if port.is_empty() || port.len() > 5 || (port.len() > 1 && port.starts_with('0')) {
        return false;
    }
    if !port.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let Ok(n) = port.parse::<u32>() else {
        return false;
    };
    let default = match scheme {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        _ => None,
    };
    n <= 65_535 && Some(n) != default
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn accepts_what_browsers_serialize() {
        for ok in [
            "https://app.example",
            "http://localhost:8081",
            "http://127.0.0.1:8080",
            "https://xn--bcher-kva.example",
            "http://[::1]:3000",
            "https://[2001:db8::1]",
            "chrome-extension://abcdefghijklmnop",
            "https://a_b.example:8443",
        ] {
            assert!(is_web_origin(ok), "{ok}");
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn refuses_everything_else() {
        let long = format!("https://{}.example", "a".repeat(250));
        for bad in [
            "",
            "null",
            "app.example",
            "https://",
            "https://App.example",
            "HTTPS://app.example",
            "https://app.example/",
            "https://app.example/path",
            "https://app.example?q",
            "https://app.example#f",
            "https://user@app.example",
            "https://app.example:443",
            "http://app.example:80",
            "https://app.example:",
            "https://app.example:080",
            "https://app.example:65536",
            "https://app.example:1a",
            "https://app..example",
            "https://.app.example",
            "https://app example",
            "https://[::1",
            "https://[::1]x",
            "https://[]",
            " https://app.example",
            "1http://app.example",
            long.as_str(),
        ] {
            assert!(!is_web_origin(bad), "{bad:?}");
        }
    }
}
