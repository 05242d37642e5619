//! The retry loop against a local server that answers from a script:
//! statuses, a slow answer, a connection cut after the request, a body cut
//! short. Delays are tiny; nothing sleeps to synchronise.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use saas_admin_runtime::{attempts, Auth, RetryPolicy, Runtime};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server does with one request.
#[derive(Clone)]
enum Answer {
    /// A complete response: status, extra header lines, body.
    Full(u16, &'static str, &'static str),
    /// Reads the request, then closes the connection without answering.
    Hangup,
    /// Headers announcing more body than is sent, then close.
    Truncated,
    /// Waits, then answers 200.
    Slow(Duration),
}

/// A loopback server answering request n with `script[n]` (the last entry
/// repeats), counting the requests it read.
struct FaultServer {
    url: String,
    requests: Arc<AtomicUsize>,
}

impl FaultServer {
    async fn start(script: Vec<Answer>) -> Self {
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

    fn requests(&self) -> usize {
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

/// Tiny waits so the tests stay fast.
fn quick_retries(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        initial_backoff: Duration::from_millis(2),
        max_backoff: Duration::from_secs(2),
        max_elapsed: Duration::from_secs(10),
    }
}

fn runtime(policy: RetryPolicy) -> Runtime {
    Runtime::new(&Auth::None).unwrap().with_retry(policy)
}

async fn call(
    runtime: &Runtime,
    client: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
) -> reqwest::Result<reqwest::Response> {
    let mut request = client.request(method, url).body("{}").build().unwrap();
    runtime.prepare(&mut request, true);
    runtime.execute(client, request, "test_operation").await
}

#[tokio::test]
async fn a_429_with_retry_after_is_retried_once_after_the_wait_it_asks_for() {
    let server = FaultServer::start(vec![
        Answer::Full(429, "retry-after: 1\r\n", "{}"),
        Answer::Full(200, "", "{}"),
    ])
    .await;
    let started = Instant::now();
    let response = call(
        &runtime(quick_retries(4)),
        &reqwest::Client::new(),
        reqwest::Method::GET,
        &server.url,
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(server.requests(), 2);
    assert_eq!(attempts(response.headers()), Some(2));
    // The computed backoff would be at most 2 ms: the second attempt came
    // only after the second the server asked for.
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn two_503s_then_a_200_succeed_on_the_third_attempt() {
    let server = FaultServer::start(vec![
        Answer::Full(503, "", "{}"),
        Answer::Full(503, "", "{}"),
        Answer::Full(200, "", r#"{"ok":true}"#),
    ])
    .await;
    let response = call(
        &runtime(quick_retries(4)),
        &reqwest::Client::new(),
        reqwest::Method::GET,
        &server.url,
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(attempts(response.headers()), Some(3));
    assert_eq!(server.requests(), 3);
    assert_eq!(response.text().await.unwrap(), r#"{"ok":true}"#);
}

#[tokio::test]
async fn a_503_forever_gives_up_at_the_attempt_limit() {
    let server = FaultServer::start(vec![Answer::Full(503, "", "{}")]).await;
    let response = call(
        &runtime(quick_retries(4)),
        &reqwest::Client::new(),
        reqwest::Method::DELETE,
        &server.url,
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(attempts(response.headers()), Some(4));
    assert_eq!(server.requests(), 4);
}

#[tokio::test]
async fn cloudinarys_420_is_retried_like_429() {
    let server = FaultServer::start(vec![
        Answer::Full(420, "", "{}"),
        Answer::Full(200, "", "{}"),
    ])
    .await;
    let response = call(
        &runtime(quick_retries(4)),
        &reqwest::Client::new(),
        reqwest::Method::GET,
        &server.url,
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn a_retry_after_beyond_the_time_budget_is_not_waited_for() {
    let server = FaultServer::start(vec![
        Answer::Full(429, "retry-after: 3600\r\n", "{}"),
        Answer::Full(200, "", "{}"),
    ])
    .await;
    let started = Instant::now();
    let response = call(
        &runtime(quick_retries(4)),
        &reqwest::Client::new(),
        reqwest::Method::GET,
        &server.url,
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 429);
    assert_eq!(attempts(response.headers()), Some(1));
    assert_eq!(server.requests(), 1);
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[tokio::test]
async fn a_post_answered_503_is_sent_exactly_once() {
    let server = FaultServer::start(vec![
        Answer::Full(503, "", "{}"),
        Answer::Full(201, "", "{}"),
    ])
    .await;
    let response = call(
        &runtime(quick_retries(4)),
        &reqwest::Client::new(),
        reqwest::Method::POST,
        &server.url,
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn a_post_cut_off_after_it_was_sent_is_sent_exactly_once() {
    let server = FaultServer::start(vec![Answer::Hangup, Answer::Full(201, "", "{}")]).await;
    let error = call(
        &runtime(quick_retries(4)),
        &reqwest::Client::new(),
        reqwest::Method::POST,
        &server.url,
    )
    .await
    .unwrap_err();
    assert!(!error.is_connect(), "{error:?}");
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn a_get_cut_off_after_it_was_sent_is_retried() {
    let server = FaultServer::start(vec![Answer::Hangup, Answer::Full(200, "", "{}")]).await;
    let response = call(
        &runtime(quick_retries(4)),
        &reqwest::Client::new(),
        reqwest::Method::GET,
        &server.url,
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(server.requests(), 2);
}

/// Counts the runtime's "attempt finished" events: how a test sees attempts
/// that never reached any server.
struct AttemptCounter(Arc<AtomicUsize>);

impl tracing::Subscriber for AttemptCounter {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        struct IsAttempt(bool);
        impl tracing::field::Visit for IsAttempt {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                if field.name() == "message" && format!("{value:?}") == "attempt finished" {
                    self.0 = true;
                }
            }
        }
        let mut visitor = IsAttempt(false);
        event.record(&mut visitor);
        if visitor.0 {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[tokio::test]
async fn a_post_whose_connection_cannot_be_made_is_retried() {
    use tracing::instrument::WithSubscriber;
    // A port that was just free: nothing listens, so no attempt arrives.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let attempts = Arc::new(AtomicUsize::new(0));
    let runtime = runtime(quick_retries(3));
    let client = reqwest::Client::new();
    let error = call(&runtime, &client, reqwest::Method::POST, &url)
        .with_subscriber(AttemptCounter(Arc::clone(&attempts)))
        .await
        .unwrap_err();
    assert!(error.is_connect(), "{error:?}");
    assert_eq!(attempts.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn retries_can_be_turned_off() {
    let server = FaultServer::start(vec![Answer::Full(503, "", "{}")]).await;
    let response = call(
        &runtime(RetryPolicy::disabled()),
        &reqwest::Client::new(),
        reqwest::Method::GET,
        &server.url,
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(attempts(response.headers()), Some(1));
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn a_body_cut_short_is_an_error_when_read() {
    let server = FaultServer::start(vec![Answer::Truncated]).await;
    let response = call(
        &runtime(quick_retries(1)),
        &reqwest::Client::new(),
        reqwest::Method::GET,
        &server.url,
    )
    .await
    .unwrap();
    let error = response.bytes().await.unwrap_err();
    assert!(error.is_body() || error.is_decode(), "{error:?}");
}

#[tokio::test]
async fn a_slow_server_past_the_timeout_is_a_timeout_error() {
    let server = FaultServer::start(vec![Answer::Slow(Duration::from_secs(5))]).await;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = call(
        &runtime(quick_retries(2)),
        &client,
        reqwest::Method::GET,
        &server.url,
    )
    .await
    .unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    // Two attempts of 100 ms each, not the server's 5 s.
    assert_eq!(server.requests(), 2);
    assert!(started.elapsed() < Duration::from_secs(2));
}
