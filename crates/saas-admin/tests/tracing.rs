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
