//! Each call runs in a `saas_admin.request` span with the operation, method,
//! path (never the query string, which may hold a key), status, attempts and
//! latency.

use std::sync::{Arc, Mutex};

use httpmock::MockServer;
use saas_admin::Ods;
use tracing::instrument::WithSubscriber;

const KEY: &str = "key-in-the-query-0123";

/// Records every span's name and fields, and every event's fields, as text.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<String>>>);

struct Fields(String);

impl tracing::field::Visit for Fields {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!("{}={:?} ", field.name(), value));
    }
}

impl tracing::Subscriber for Recorder {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut fields = Fields(format!("span {}: ", span.metadata().name()));
        span.record(&mut fields);
        self.0.lock().unwrap().push(fields.0);
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut fields = Fields("record: ".to_string());
        values.record(&mut fields);
        self.0.lock().unwrap().push(fields.0);
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut fields = Fields("event: ".to_string());
        event.record(&mut fields);
        self.0.lock().unwrap().push(fields.0);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[tokio::test]
async fn a_call_is_one_span_with_its_facts_and_no_query_string() {
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.method("GET").path("/groups/");
        then.status(200)
            .header("content-type", "application/json")
            .body(r#"{"total_count":0,"next":null,"previous":null,"results":[]}"#);
    });
    let ods = Ods::builder()
        .base_url(server.base_url())
        .api_key(KEY)
        .api_key_in_query(true)
        .build()
        .unwrap();
    let recorder = Recorder::default();
    ods.list_user_groups()
        .limit(5)
        .send()
        .with_subscriber(recorder.clone())
        .await
        .unwrap();

    let lines = recorder.0.lock().unwrap().clone();
    let text = lines.join("\n");
    assert!(!text.contains(KEY), "{text}");
    assert!(!text.contains("limit=5"), "{text}");
    let span = lines
        .iter()
        .find(|l| l.starts_with("span saas_admin.request: "))
        .unwrap_or_else(|| panic!("no request span in\n{text}"));
    assert_eq!(
        span,
        r#"span saas_admin.request: operation="list_user_groups" method=GET path="/groups/" "#
    );
    let recorded: String = lines
        .iter()
        .filter(|l| l.starts_with("record: "))
        .cloned()
        .collect();
    assert!(recorded.contains("attempts=1"), "{recorded}");
    assert!(recorded.contains("status=200"), "{recorded}");
    assert!(recorded.contains("latency_ms="), "{recorded}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("event: message=attempt finished attempt=1 status=200 ")),
        "{text}"
    );
}

use crate::fault_server;
use fault_server::{Answer, FaultServer};

/// With the key in the query string, nothing the client emits or returns
/// carries it: every event and span (all levels), the facade's error (its
/// `Display` and `Debug`), and the generated client's own error's `Debug`.
#[tokio::test]
async fn no_failure_kind_shows_the_key_at_any_level_or_layer() {
    use std::time::Duration;

    let refused = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        drop(listener);
        url
    };
    no_key_shown("refused connection", &refused).await;
    let scripts: Vec<(&str, Vec<Answer>)> = vec![
        ("503 forever", vec![Answer::Full(503, "", "{}")]),
        (
            "undocumented 404",
            vec![Answer::Full(
                404,
                "",
                r#"{"error_code":"not_found","message":"No."}"#,
            )],
        ),
        (
            "HTML 502",
            vec![Answer::Full(
                502,
                "content-type: text/html\r\n",
                "<html>bad gateway</html>",
            )],
        ),
        ("body cut short", vec![Answer::Truncated]),
        ("reset mid-body", vec![Answer::ResetMidBody]),
        ("hang-up", vec![Answer::Hangup]),
        ("timeout", vec![Answer::Slow(Duration::from_secs(5))]),
        ("not JSON", vec![Answer::Full(200, "", "{\"results\": [")]),
    ];
    for (name, script) in scripts {
        let server = FaultServer::start(script).await;
        no_key_shown(name, &server.url).await;
    }
}

/// The same for a rate limit without `Retry-After`, on its own: the
/// client's gate paces the retry and the raw call after it (seconds of
/// waiting), and its events must not show the key either.
#[tokio::test]
async fn a_rate_limit_and_the_gates_waits_do_not_show_the_key() {
    let server = FaultServer::start(vec![Answer::Full(
        429,
        "content-type: text/html\r\n",
        "<html>slow down</html>",
    )])
    .await;
    no_key_shown("HTML 429", &server.url).await;
}

/// Calls `url` through the facade and through the generated client, with
/// the key in the query string and one retry; each call must fail, emit an
/// attempt's event, and show the key nowhere.
async fn no_key_shown(name: &str, url: &str) {
    use std::time::Duration;

    let ods = Ods::builder()
        .base_url(url)
        .api_key(KEY)
        .api_key_in_query(true)
        .timeout(Duration::from_millis(200))
        .retry(saas_admin::RetryPolicy {
            max_attempts: 2,
            initial_backoff: Duration::from_millis(1),
            ..saas_admin::RetryPolicy::default()
        })
        .build()
        .unwrap();
    let recorder = Recorder::default();
    let error = ods
        .list_user_groups()
        .limit(5)
        .send()
        .with_subscriber(recorder.clone())
        .await
        .expect_err(name);
    let raw = ods
        .client()
        .list_user_groups(None, None, None, None, None)
        .with_subscriber(recorder.clone())
        .await
        .expect_err(name);
    let mut text = recorder.0.lock().unwrap().join("\n");
    text.push_str(&format!("\n{error}\n{error:?}\n{raw:?}\n{raw}"));
    assert!(!text.contains(KEY), "{name}: the key shows in\n{text}");
    assert!(
        text.contains("attempt finished"),
        "{name}: no event in\n{text}"
    );
}
