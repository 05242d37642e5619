//! A loopback HTTP server that answers from a script: statuses, a slow
//! answer, a connection cut after the request, a body cut short or reset.

// Each test file uses part of it.
#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server does with one request.
#[derive(Clone)]
pub enum Answer {
    /// A complete response: status, extra header lines, body.
    Full(u16, &'static str, &'static str),
    /// Reads the request, then closes the connection without answering.
    Hangup,
    /// Headers announcing more body than is sent, then close.
    Truncated,
    /// Waits, then answers 200.
    Slow(Duration),
    /// Headers and part of the body, then a connection reset.
    ResetMidBody,
}

/// A loopback server answering request n with `script[n]` (the last entry
/// repeats), counting the requests it read.
pub struct FaultServer {
    pub url: String,
    requests: Arc<AtomicUsize>,
}

impl FaultServer {
    pub async fn start(script: Vec<Answer>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&requests);
        tokio::spawn(async move {
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                let script = script.clone();
                let counter = Arc::clone(&counter);
                tokio::spawn(serve(stream, script, counter));
            }
        });
        Self { url, requests }
    }

    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

/// Serves one connection: every request on it gets the next scripted answer.
async fn serve(mut stream: TcpStream, script: Vec<Answer>, counter: Arc<AtomicUsize>) {
    let mut buffer = Vec::new();
    loop {
        // Read one request: headers, then a Content-Length body.
        let request_end = loop {
            if let Some(end) = find(&buffer, b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
                let length = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .map(|v| v.trim().parse::<usize>().unwrap())
                    .unwrap_or(0);
                if buffer.len() >= end + 4 + length {
                    break end + 4 + length;
                }
            }
            let mut chunk = [0u8; 4096];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        };
        buffer.drain(..request_end);
        let n = counter.fetch_add(1, Ordering::SeqCst);
        let answer = script[n.min(script.len() - 1)].clone();
        let reply = match answer {
            Answer::Full(status, headers, body) => format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{headers}\r\n{body}",
                body.len()
            ),
            Answer::Hangup => return,
            Answer::Truncated => {
                let _ = stream
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{\"results\": [")
                    .await;
                return;
            }
            Answer::ResetMidBody => {
                let _ = stream
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{\"results\": [")
                    .await;
                // Linger 0: closing sends a reset, not an orderly end.
                let _ = stream.set_zero_linger();
                return;
            }
            Answer::Slow(delay) => {
                tokio::time::sleep(delay).await;
                "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}".to_string()
            }
        };
        if stream.write_all(reply.as_bytes()).await.is_err() {
            return;
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
