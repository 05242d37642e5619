//! `--dry-run`: the client is built as for a real call, except that its
//! base URL points at a listener on loopback, inside this process. The
//! request the generated client makes (credentials, query, body: every
//! hook applied) arrives there; it is printed with the real base URL and
//! every credential redacted, and never answered. Nothing leaves the
//! machine.

use std::cell::OnceCell;

use serde_json::Value;
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::Failure;

/// What stands in for the service.
const REDACTED: &str = "<redacted>";

/// The listener the request goes to instead of the service.
pub struct Capture {
    addr: std::net::SocketAddr,
    request: oneshot::Receiver<Vec<u8>>,
    /// The real base URL's scheme and host, printed in place of the
    /// listener's.
    origin: OnceCell<String>,
}

/// Prints a captured request.
pub struct Printer {
    origin: String,
}

impl Capture {
    /// Listens on a free loopback port and keeps the first request that
    /// arrives, without answering it.
    pub async fn start() -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let (sender, request) = oneshot::channel();
        tokio::spawn(async move {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let mut raw = Vec::new();
            let mut chunk = [0u8; 8192];
            loop {
                match socket.read(&mut chunk).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => raw.extend_from_slice(&chunk[..n]),
                }
                if complete(&raw) {
                    break;
                }
            }
            let _ = sender.send(raw);
            // Never answered: the call waits until the process ends.
            std::future::pending::<()>().await;
            drop(socket);
        });
        Ok(Self {
            addr,
            request,
            origin: OnceCell::new(),
        })
    }

    /// The base URL to give the client instead of `real`: the listener,
    /// with the real base URL's path.
    pub fn base_url(&self, real: &str) -> String {
        let (origin, path) = split_origin(real);
        let _ = self.origin.set(origin.to_string());
        format!("http://{}{path}", self.addr)
    }

    /// The request to come, and what prints it.
    pub fn into_parts(self) -> (oneshot::Receiver<Vec<u8>>, Printer) {
        let origin = self.origin.into_inner().unwrap_or_default();
        (self.request, Printer { origin })
    }
}

/// `https://host:port/a/b` → (`https://host:port`, `/a/b`).
fn split_origin(url: &str) -> (&str, &str) {
    let after_scheme = url.find("://").map(|i| i + 3).unwrap_or(0);
    match url[after_scheme..].find('/') {
        Some(slash) => url.split_at(after_scheme + slash),
        None => (url, ""),
    }
}

/// Whether `raw` holds a whole request: its head, and the body its
/// `Content-Length` announces (or the last chunk of a chunked one).
fn complete(raw: &[u8]) -> bool {
    let Some(end) = find(raw, b"\r\n\r\n") else {
        return false;
    };
    let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
    let body = &raw[end + 4..];
    if head.contains("transfer-encoding: chunked") {
        return find(body, b"0\r\n\r\n").is_some();
    }
    let length = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|n| n.trim().parse::<usize>().ok())
        .unwrap_or(0);
    body.len() >= length
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Whether a header, query parameter or body member carries a credential.
fn is_credential(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name == "key"
        || [
            "authorization",
            "cookie",
            "password",
            "secret",
            "token",
            "apikey",
            "api_key",
            "api-key",
            "credential",
            "signature",
        ]
        .iter()
        .any(|word| name.contains(word))
}

impl Printer {
    /// Prints the request: its method and URL, its headers, and its body.
    pub fn print(&self, raw: &[u8]) -> Result<(), Failure> {
        let text = self.render(raw);
        crate::output::write_stdout(text.as_bytes())
    }

    fn render(&self, raw: &[u8]) -> String {
        let end = find(raw, b"\r\n\r\n").unwrap_or(raw.len());
        let head = String::from_utf8_lossy(&raw[..end]);
        let body = raw.get(end + 4..).unwrap_or_default();
        let mut lines = head.lines();
        let mut out = String::new();
        let request_line = lines.next().unwrap_or_default();
        let mut parts = request_line.split(' ');
        let method = parts.next().unwrap_or_default();
        let target = parts.next().unwrap_or_default();
        out.push_str(&format!(
            "{method} {}{}\n",
            self.origin,
            redact_query(target)
        ));
        let mut content_type = String::new();
        for line in lines {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            let lower = name.to_ascii_lowercase();
            if lower == "content-type" {
                content_type = value.to_ascii_lowercase();
            }
            let shown = if lower == "host" {
                split_origin(&self.origin)
                    .0
                    .split("://")
                    .nth(1)
                    .unwrap_or_default()
                    .to_string()
            } else if is_credential(&lower) || lower == "x-api-key" {
                // Keep the scheme (`Basic`, `Apikey`), never what follows.
                match value.split_once(' ') {
                    Some((scheme, _)) => format!("{scheme} {REDACTED}"),
                    None => REDACTED.to_string(),
                }
            } else {
                value.to_string()
            };
            out.push_str(&format!("{name}: {shown}\n"));
        }
        if !body.is_empty() {
            out.push('\n');
            if content_type.contains("json") {
                match serde_json::from_slice::<Value>(body) {
                    Ok(mut json) => {
                        redact_members(&mut json);
                        out.push_str(&serde_json::to_string_pretty(&json).unwrap_or_default());
                    }
                    Err(_) => out.push_str(&format!("<{} bytes, not JSON>", body.len())),
                }
            } else if content_type.starts_with("multipart/") {
                out.push_str(&format!("<{content_type} body, {} bytes>", body.len()));
            } else {
                match std::str::from_utf8(body) {
                    Ok(text) => out.push_str(text),
                    Err(_) => out.push_str(&format!("<{} bytes>", body.len())),
                }
            }
            out.push('\n');
        }
        out
    }
}

/// The request target with the value of every credential in its query
/// (`apikey`) redacted.
fn redact_query(target: &str) -> String {
    let Some((path, query)) = target.split_once('?') else {
        return target.to_string();
    };
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if is_credential(name) => format!("{name}={REDACTED}"),
            _ => pair.to_string(),
        })
        .collect();
    format!("{path}?{}", pairs.join("&"))
}

/// Redacts the value of every member named like a credential.
fn redact_members(value: &mut Value) {
    match value {
        Value::Object(members) => {
            for (name, member) in members.iter_mut() {
                if is_credential(name) && !member.is_null() {
                    *member = Value::String(REDACTED.into());
                } else {
                    redact_members(member);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_members),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_prints_with_its_credentials_redacted() {
        let printer = Printer {
            origin: "https://portal.example".into(),
        };
        let raw = b"POST /api/x/?apikey=s3cret&limit=2 HTTP/1.1\r\nhost: 127.0.0.1:1\r\nauthorization: Apikey s3cret\r\ncontent-type: application/json\r\ncontent-length: 41\r\n\r\n{\"title\":\"a\",\"auth\":{\"password\":\"s3cret\"}}";
        let text = printer.render(raw);
        assert!(!text.contains("s3cret"), "{text}");
        assert!(
            text.starts_with("POST https://portal.example/api/x/?apikey=<redacted>&limit=2\n"),
            "{text}"
        );
        assert!(text.contains("host: portal.example\n"), "{text}");
        assert!(
            text.contains("authorization: Apikey <redacted>\n"),
            "{text}"
        );
        assert!(text.contains("\"title\": \"a\""), "{text}");
    }

    #[test]
    fn a_request_is_complete_with_its_announced_body() {
        assert!(!complete(b"GET / HTTP/1.1\r\nhost: x\r\n"));
        assert!(complete(b"GET / HTTP/1.1\r\nhost: x\r\n\r\n"));
        assert!(!complete(b"POST / HTTP/1.1\r\ncontent-length: 4\r\n\r\nab"));
        assert!(complete(
            b"POST / HTTP/1.1\r\ncontent-length: 4\r\n\r\nabcd"
        ));
    }
}
