//! The retry loop against a local server that answers from a script:
//! statuses, a slow answer, a connection cut after the request, a body cut
//! short. Delays are tiny; nothing sleeps to synchronise.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use saas_admin_runtime::{observe, Auth, RetryPolicy, Runtime};

use crate::fault_server;
use fault_server::{Answer, FaultServer};

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
    runtime
        .execute(client, request, "test_operation", false)
        .await
}

/// `call`, with the number of attempts the runtime reported.
async fn call_counted(
    runtime: &Runtime,
    client: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
) -> reqwest::Result<(reqwest::Response, u32)> {
    let (result, report) = observe(call(runtime, client, method, url)).await;
    result.map(|response| (response, report.attempts))
}

#[tokio::test]
async fn a_429_with_retry_after_is_retried_once_after_the_wait_it_asks_for() {
    let server = FaultServer::start(vec![
        Answer::Full(429, "retry-after: 1\r\n", "{}"),
        Answer::Full(200, "", "{}"),
    ])
    .await;
    let started = Instant::now();
    let (response, attempts) = call_counted(
        &runtime(quick_retries(4)),
        &reqwest::Client::new(),
        reqwest::Method::GET,
        &server.url,
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(server.requests(), 2);
    assert_eq!(attempts, 2);
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
    let (response, attempts) = call_counted(
        &runtime(quick_retries(4)),
        &reqwest::Client::new(),
        reqwest::Method::GET,
        &server.url,
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(attempts, 3);
    assert_eq!(server.requests(), 3);
    assert_eq!(response.text().await.unwrap(), r#"{"ok":true}"#);
}

#[tokio::test]
async fn a_503_forever_gives_up_at_the_attempt_limit() {
    let server = FaultServer::start(vec![Answer::Full(503, "", "{}")]).await;
    let (response, attempts) = call_counted(
        &runtime(quick_retries(4)),
        &reqwest::Client::new(),
        reqwest::Method::DELETE,
        &server.url,
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(attempts, 4);
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
    let (response, attempts) = call_counted(
        &runtime(quick_retries(4)),
        &reqwest::Client::new(),
        reqwest::Method::GET,
        &server.url,
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 429);
    assert_eq!(attempts, 1);
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
    let (response, attempts) = call_counted(
        &runtime(RetryPolicy::disabled()),
        &reqwest::Client::new(),
        reqwest::Method::GET,
        &server.url,
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(attempts, 1);
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

#[tokio::test]
async fn a_post_answered_429_is_retried_and_creates_one_resource() {
    // The service refused the first POST before processing it.
    let server = FaultServer::start(vec![
        Answer::Full(429, "retry-after: 0\r\n", "{}"),
        Answer::Full(201, "", r#"{"id":"one"}"#),
    ])
    .await;
    let (response, attempts) = call_counted(
        &runtime(quick_retries(4)),
        &reqwest::Client::new(),
        reqwest::Method::POST,
        &server.url,
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!((attempts, server.requests()), (2, 2));
}

#[tokio::test]
async fn a_retry_after_over_the_backoff_cap_but_within_the_budget_is_waited_for() {
    let server = FaultServer::start(vec![
        Answer::Full(429, "retry-after: 1\r\n", "{}"),
        Answer::Full(200, "", "{}"),
    ])
    .await;
    // The client's own waits stop at 10 ms; the service asks for 1 s.
    let policy = RetryPolicy {
        max_backoff: Duration::from_millis(10),
        ..quick_retries(4)
    };
    let started = Instant::now();
    let (response, attempts) = call_counted(
        &runtime(policy),
        &reqwest::Client::new(),
        reqwest::Method::GET,
        &server.url,
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(attempts, 2);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}

/// An HTTP date `seconds` from now, as Cloudinary writes its reset.
fn http_date_in(seconds: i64) -> String {
    (chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now())
        + chrono::Duration::seconds(seconds))
    .format("%a, %d %b %Y %H:%M:%S GMT")
    .to_string()
}

#[tokio::test]
async fn cloudinarys_rate_limit_reset_is_obeyed_when_there_is_no_retry_after() {
    // The reset is 2 s ahead, to the second: the wait is over 1 s.
    let headers: &'static str = Box::leak(
        format!(
            "x-featureratelimit-limit: 500\r\nx-featureratelimit-remaining: 0\r\nx-featureratelimit-reset: {}\r\n",
            http_date_in(2)
        )
        .into_boxed_str(),
    );
    let server = FaultServer::start(vec![
        Answer::Full(420, headers, "{}"),
        Answer::Full(200, "", "{}"),
    ])
    .await;
    let policy = RetryPolicy {
        max_backoff: Duration::from_millis(10),
        ..quick_retries(4)
    };
    let started = Instant::now();
    let (response, attempts) = call_counted(
        &runtime(policy),
        &reqwest::Client::new(),
        reqwest::Method::POST,
        &server.url,
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(attempts, 2);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_get_whose_body_is_cut_short_is_retried_and_the_answer_is_whole() {
    let server = FaultServer::start(vec![
        Answer::Truncated,
        Answer::Full(200, "", r#"{"ok":true}"#),
    ])
    .await;
    let (response, attempts) = call_counted(
        &runtime(quick_retries(4)),
        &reqwest::Client::new(),
        reqwest::Method::GET,
        &server.url,
    )
    .await
    .unwrap();
    assert_eq!((attempts, server.requests()), (2, 2));
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), r#"{"ok":true}"#);
}

#[tokio::test]
async fn a_post_whose_body_is_cut_short_is_sent_once() {
    let server = FaultServer::start(vec![Answer::Truncated, Answer::Full(201, "", "{}")]).await;
    let (response, attempts) = call_counted(
        &runtime(quick_retries(4)),
        &reqwest::Client::new(),
        reqwest::Method::POST,
        &server.url,
    )
    .await
    .unwrap();
    assert_eq!((attempts, server.requests()), (1, 1));
    assert!(response.bytes().await.is_err());
}

/// A client's retries come out of one bucket: 100 retries (500 tokens, 5 a
/// retry), however many calls are in flight, when nothing succeeds.
#[tokio::test]
async fn an_outage_under_64_calls_in_flight_costs_at_most_100_retries() {
    let server = FaultServer::start(vec![Answer::Full(503, "", "{}")]).await;
    let runtime = runtime(quick_retries(4));
    let client = reqwest::Client::new();
    let calls = (0..64).map(|_| call(&runtime, &client, reqwest::Method::GET, &server.url));
    let answers = futures::future::join_all(calls).await;
    assert!(answers.iter().all(|a| a.as_ref().unwrap().status() == 503));
    // Without the bucket: 64 calls x 4 attempts = 256 requests.
    assert_eq!(server.requests(), 64 + 100);
    // The bucket is empty: the next failing call gets no retry.
    let (_, attempts) = call_counted(&runtime, &client, reqwest::Method::GET, &server.url)
        .await
        .unwrap();
    assert_eq!(attempts, 1);
}

/// A server whose first answer is a 429 asking for 1 s (with Cloudinary's
/// headers, so the test can see when the client has read it), then 200s;
/// and a first call to it, running on its own task, through `runtime`.
/// Returns once the client has read the 429.
async fn first_call_told_to_wait(
    runtime: &Runtime,
) -> (
    FaultServer,
    tokio::task::JoinHandle<reqwest::Result<(reqwest::Response, u32)>>,
) {
    let server = FaultServer::start(vec![
        Answer::Full(
            429,
            "retry-after: 1\r\nx-featureratelimit-limit: 500\r\nx-featureratelimit-remaining: 0\r\n",
            "{}",
        ),
        Answer::Full(200, "", "{}"),
    ])
    .await;
    let first = tokio::spawn({
        let (runtime, url) = (runtime.clone(), server.url.clone());
        async move {
            call_counted(
                &runtime,
                &reqwest::Client::new(),
                reqwest::Method::GET,
                &url,
            )
            .await
        }
    });
    // Polls what the client reports, rather than sleeping.
    while runtime.rate_limit().is_none() {
        tokio::task::yield_now().await;
    }
    assert_eq!(runtime.rate_limit().unwrap().remaining, Some(0));
    (server, first)
}

/// The gate: a call told to wait holds the client's other calls, which send
/// nothing until the wait is over.
#[tokio::test]
async fn a_429_on_one_call_holds_a_second_call_until_the_wait_is_over() {
    let runtime = runtime(quick_retries(4));
    let (server, first) = first_call_told_to_wait(&runtime).await;
    let told_to_wait = Instant::now();
    let (second, second_attempts) = call_counted(
        &runtime,
        &reqwest::Client::new(),
        reqwest::Method::GET,
        &server.url,
    )
    .await
    .unwrap();
    let (first, first_attempts) = first.await.unwrap().unwrap();
    assert_eq!(
        (first.status().as_u16(), second.status().as_u16()),
        (200, 200)
    );
    // The second call never ran into the limit: one request, after the wait.
    assert_eq!((first_attempts, second_attempts), (2, 1));
    assert_eq!(server.requests(), 3);
    assert!(
        told_to_wait.elapsed() >= Duration::from_millis(900),
        "{:?}",
        told_to_wait.elapsed()
    );
}

#[tokio::test]
async fn with_the_gate_off_the_second_call_goes_at_once() {
    let runtime = runtime(quick_retries(4)).with_rate_limit_gate(false);
    let (server, first) = first_call_told_to_wait(&runtime).await;
    let started = Instant::now();
    let (second, _) = call_counted(
        &runtime,
        &reqwest::Client::new(),
        reqwest::Method::GET,
        &server.url,
    )
    .await
    .unwrap();
    assert_eq!(second.status(), 200);
    assert!(
        started.elapsed() < Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    first.await.unwrap().unwrap();
}

/// Answers read in an order other than the service's: `rate_limit()` keeps
/// the latest reset, then the fewest calls left, by the service's clock.
#[tokio::test]
async fn rate_limit_is_the_services_latest_state_whatever_order_answers_are_read_in() {
    let window = |remaining: u32, reset: &str| -> &'static str {
        Box::leak(
            format!(
                "x-featureratelimit-limit: 200\r\nx-featureratelimit-remaining: {remaining}\r\nx-featureratelimit-reset: {reset}\r\n"
            )
            .into_boxed_str(),
        )
    };
    let (this_window, next_window) = (http_date_in(30), http_date_in(90));
    let server = FaultServer::start(vec![
        Answer::Full(200, window(5, &this_window), "{}"),
        // Answered before the one above, read after it.
        Answer::Full(200, window(7, &this_window), "{}"),
        Answer::Full(200, window(199, &next_window), "{}"),
        // A straggler from the window before.
        Answer::Full(200, window(0, &this_window), "{}"),
    ])
    .await;
    let runtime = runtime(quick_retries(1));
    let client = reqwest::Client::new();
    let mut seen = Vec::new();
    for _ in 0..4 {
        call(&runtime, &client, reqwest::Method::GET, &server.url)
            .await
            .unwrap();
        seen.push(runtime.rate_limit().unwrap().remaining.unwrap());
    }
    assert_eq!(seen, [5, 5, 199, 199]);
}

/// A call made while the service's wait runs past the call's budget is not
/// sent: the runtime answers it at once with a 429 of its own, whose
/// `Retry-After` is the time left, and reports it held.
#[tokio::test]
async fn a_call_held_past_its_budget_gets_the_clients_own_429_and_sends_nothing() {
    let server = FaultServer::start(vec![
        Answer::Full(429, "retry-after: 3600\r\n", "{}"),
        Answer::Full(200, "", "{}"),
    ])
    .await;
    let runtime = runtime(quick_retries(4));
    let client = reqwest::Client::new();
    let (first, attempts) = call_counted(&runtime, &client, reqwest::Method::GET, &server.url)
        .await
        .unwrap();
    assert_eq!((first.status().as_u16(), attempts), (429, 1));
    let (result, report) =
        observe(call(&runtime, &client, reqwest::Method::GET, &server.url)).await;
    let held = result.unwrap();
    assert_eq!(server.requests(), 1);
    assert_eq!(held.status().as_u16(), 429);
    assert_eq!(held.headers()["retry-after"], "3600");
    // It answers the request that was not sent, at its URL.
    assert_eq!(held.url(), &reqwest::Url::parse(&server.url).unwrap());
    assert!(report.held);
    assert_eq!((report.attempts, report.status), (0, None));
    let left = report.retry_after.unwrap();
    assert!(
        left > Duration::from_secs(3590) && left <= Duration::from_secs(3600),
        "{left:?}"
    );
    assert_eq!(
        held.text().await.unwrap(),
        "not sent by saas-admin: the rate limit's wait (3600 s) runs past the call's retry budget"
    );
    // With the gate off, each call keeps only its own answers' waits.
    let ungated = runtime.clone().with_rate_limit_gate(false);
    let sent = call(&ungated, &client, reqwest::Method::GET, &server.url)
        .await
        .unwrap();
    assert_eq!((sent.status().as_u16(), server.requests()), (200, 2));
}
