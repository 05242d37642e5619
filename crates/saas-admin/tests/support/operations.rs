//! The checks behind the generated operation tests
//! (`generated_operations_*.rs`), written once for every operation.
//!
//! A generated test gives the spec's facts of one operation (the request it
//! must send, its documented answers), a function that installs the
//! operation's typed mock, and the facade call. `check` runs the call once
//! per documented answer, against one mock server reset between answers,
//! and checks the whole request and what the call made of the answer.

// Each API's file uses its own part; the error is the facade's, as `send` returns it.
#![allow(dead_code, clippy::result_large_err)]

use std::future::Future;
use std::sync::{Arc, Mutex};

use saas_admin::{Error, RetryPolicy};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// Made-up credentials.
const ODS_KEY: &str = "5f0c1e8a93b24d7e8c6a01f2b3d4e5f6";
const CLOUDINARY_ACCOUNT: &str = "a1b2c3d4-acct";
const CLOUDINARY_KEY: &str = "614335564976464";
const CLOUDINARY_SECRET: &str = "3v6Q0mHqvYkZb9sX2aT7uWc1pLd";

/// A request as the mock server received it.
#[derive(Clone, Debug)]
pub struct Sent {
    method: String,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Sent {
    fn headers(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// How the mock answers, and where it records what it received.
#[derive(Clone)]
pub struct Reply {
    answer: Value,
    sent: Arc<Mutex<Vec<Sent>>>,
}

impl Reply {
    /// Matches any request the typed mock routes to the operation (its
    /// method and path), records it, and answers.
    pub fn apply(&self, when: httpmock::When, then: httpmock::Then) {
        let sent = self.sent.clone();
        when.is_true(move |request| {
            sent.lock().unwrap().push(Sent {
                method: request.method_str().to_string(),
                path: request.uri().path().to_string(),
                query: request.query_params(),
                headers: request.headers_vec().clone(),
                body: request.body_ref().to_vec(),
            });
            true
        });
        let status = self.answer["status"].as_u64().unwrap() as u16;
        let then = then.status(status);
        match (
            self.answer["media"].as_str().unwrap_or(""),
            &self.answer["body"],
        ) {
            ("", _) => {}
            ("application/json", body) => {
                then.header("content-type", "application/json")
                    .body(body.to_string());
            }
            (media, body) => {
                then.header("content-type", media)
                    .body(body.as_str().unwrap_or_default());
            }
        }
    }
}

/// A value from JSON, as a setter takes it.
pub fn json<T: DeserializeOwned>(text: &str) -> T {
    // From bytes, as the client decodes an answer: each type's decoding is
    // then compiled once for the test binary, not again from a `Value`.
    serde_json::from_slice(text.as_bytes())
        .unwrap_or_else(|e| panic!("{text} does not fit {}: {e}", std::any::type_name::<T>()))
}

/// What a call answered: as JSON, and how many of its values decoded as
/// the catch-all `Unknown` of an open enum or union (which encodes back to
/// the same JSON, so the comparison alone would not see it).
pub struct Answer {
    json: Value,
    unknown: usize,
}

/// What a call answered.
pub fn answer<T: Serialize + std::fmt::Debug>(outcome: Result<T, Error>) -> Result<Answer, Error> {
    outcome.map(|value| Answer {
        unknown: format!("{value:?}").matches("Unknown(").count(),
        json: serde_json::to_value(value).expect("an answer encodes"),
    })
}

/// Operations whose example shows, on purpose, a kind the spec does not
/// describe, which the client keeps whole as `Unknown`; and how many.
const UNKNOWN_IN_EXAMPLES: &[(&str, usize)] = &[
    // The `expression` processor: only `string_replace` is described.
    ("list_dataset_processors", 1),
    // A realtime resource's datasource (`{"type": "realtime"}`), which the
    // spec does not describe.
    ("recover_resource", 1),
    ("delete_resource_recover_data", 1),
    ("enable_resource", 1),
    ("disable_resource", 1),
    ("renew_resource_api_key", 1),
];

/// What a download answered: its bytes, as text.
pub async fn download(outcome: Result<saas_admin::ByteStream, Error>) -> Result<Answer, Error> {
    use futures::TryStreamExt;
    let stream = outcome?;
    let chunks: Vec<_> = stream
        .into_inner()
        .try_collect()
        .await
        .expect("the download reads whole");
    let bytes: Vec<u8> = chunks.concat();
    Ok(Answer {
        json: Value::String(String::from_utf8(bytes).expect("text")),
        unknown: 0,
    })
}

/// A mock server of one API.
pub trait Server: Sized {
    fn start() -> impl Future<Output = Self>;
    fn url(&self) -> String;
    /// Forgets every mock and every request seen, for the next answer.
    fn reset(&self) -> impl Future<Output = ()>;
}

/// Either API's typed mock server: each wraps httpmock's and derefs to it.
impl<T> Server for T
where
    T: From<httpmock::MockServer> + std::ops::Deref<Target = httpmock::MockServer>,
{
    async fn start() -> Self {
        httpmock::MockServer::start_async().await.into()
    }
    fn url(&self) -> String {
        self.base_url()
    }
    async fn reset(&self) {
        self.reset_async().await
    }
}

/// A facade client for the tests: on a mock, without retries, so each
/// documented answer is seen once.
pub trait Client: Sized + Clone {
    fn on(url: &str) -> Self;
    /// The `Authorization` header every call carries.
    fn authorization() -> String;
    /// A path parameter the client fills in from its configuration.
    fn configured() -> Option<(&'static str, &'static str)>;
}

#[cfg(feature = "ods")]
impl Client for saas_admin::Ods {
    fn on(url: &str) -> Self {
        saas_admin::Ods::builder()
            .base_url(url)
            .api_key(ODS_KEY)
            .retry(RetryPolicy::disabled())
            .build()
            .expect("a client on the mock")
    }
    fn authorization() -> String {
        format!("Apikey {ODS_KEY}")
    }
    fn configured() -> Option<(&'static str, &'static str)> {
        None
    }
}

#[cfg(feature = "cloudinary")]
impl Client for saas_admin::Cloudinary {
    fn on(url: &str) -> Self {
        saas_admin::Cloudinary::builder()
            .base_url(url)
            .account_id(CLOUDINARY_ACCOUNT)
            .credentials(CLOUDINARY_KEY, CLOUDINARY_SECRET)
            .retry(RetryPolicy::disabled())
            .build()
            .expect("a client on the mock")
    }
    fn authorization() -> String {
        // Written out, not computed with the runtime's own code.
        use base64::Engine as _;
        let pair = format!("{CLOUDINARY_KEY}:{CLOUDINARY_SECRET}");
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(pair)
        )
    }
    fn configured() -> Option<(&'static str, &'static str)> {
        Some(("{account_id}", CLOUDINARY_ACCOUNT))
    }
}

/// Runs the call once per documented answer of the operation (`facts`,
/// written by the xtask from the spec), and checks each time the whole
/// request and what the call made of the answer.
pub async fn check<S, C, Fut>(facts: &str, mock: impl Fn(&S, Reply), call: impl Fn(C) -> Fut)
where
    S: Server,
    C: Client,
    Fut: Future<Output = Result<Answer, Error>> + 'static,
{
    // The checks are compiled once per API, not once per operation: only
    // the operation's own mock and call are.
    let call = |client: C| -> CallFuture { Box::pin(call(client)) };
    check_each_answer::<S, C>(facts, &mock, &call).await
}

/// An operation's call, boxed.
type CallFuture = std::pin::Pin<Box<dyn Future<Output = Result<Answer, Error>>>>;

async fn check_each_answer<S: Server, C: Client>(
    facts: &str,
    mock: &dyn Fn(&S, Reply),
    call: &dyn Fn(C) -> CallFuture,
) {
    let facts: Value = serde_json::from_str(facts).expect("the facts are JSON");
    let operation = facts["operation"].as_str().unwrap();
    let answers = std::iter::once(&facts["success"])
        .chain(facts["errors"].as_array().into_iter().flatten())
        .filter(|answer| !answer.is_null());
    // One server and one client for every answer: the server forgets its
    // mocks and what it saw between answers.
    let server = S::start().await;
    let client = C::on(&server.url());
    let mut checked = 0;
    for answer in answers {
        let status = answer["status"].as_u64().unwrap();
        server.reset().await;
        let sent = Arc::new(Mutex::new(Vec::new()));
        mock(
            &server,
            Reply {
                answer: answer.clone(),
                sent: sent.clone(),
            },
        );
        let outcome = call(client.clone()).await;
        let sent = sent.lock().unwrap().clone();
        let context = format!("{operation}, answered {status}");
        assert_eq!(sent.len(), 1, "{context}: one request, got {sent:?}");
        check_request::<C>(&facts, &sent[0], &context);
        match (status, outcome) {
            (200..=299, Ok(decoded)) => {
                if answer["media"] == "application/json" {
                    assert_eq!(
                        normalized(decoded.json),
                        normalized(answer["body"].clone()),
                        "{context}: the answer decodes and encodes back to the example"
                    );
                } else if answer["media"] != "" {
                    assert_eq!(
                        decoded.json, answer["body"],
                        "{context}: the downloaded bytes"
                    );
                }
                let unknown = UNKNOWN_IN_EXAMPLES
                    .iter()
                    .find(|(op, _)| *op == operation)
                    .map_or(0, |(_, count)| *count);
                assert_eq!(
                    decoded.unknown, unknown,
                    "{context}: values of the example decoded as Unknown"
                );
            }
            (200..=299, Err(error)) => panic!("{context}: expected a success, got: {error}"),
            (_, Ok(decoded)) => panic!("{context}: expected an error, got {}", decoded.json),
            (_, Err(error)) => {
                assert_eq!(
                    error.status().map(u16::from),
                    Some(status as u16),
                    "{context}: {error}"
                );
                assert_eq!(error.operation(), operation, "{context}: {error}");
                let body = &answer["body"];
                let message = body["message"]
                    .as_str()
                    .or(body["error"]["message"].as_str());
                if let Some(message) = message {
                    assert_eq!(error.message(), Some(message), "{context}: {error}");
                    assert!(error.to_string().contains(message), "{context}: {error}");
                }
                if let Some(code) = body["error_code"].as_str() {
                    assert_eq!(error.code(), Some(code), "{context}: {error}");
                }
                // The whole body, trace id and field errors included.
                assert_eq!(
                    normalized(vendor_body(&error)),
                    normalized(body.clone()),
                    "{context}: the vendor's error body"
                );
            }
        }
        checked += 1;
    }
    assert!(checked > 0, "{operation}: no documented answer to check");
}

/// Checks the whole request against the facts.
fn check_request<C: Client>(facts: &Value, sent: &Sent, context: &str) {
    assert_eq!(sent.method, facts["method"], "{context}: the method");
    let mut path = facts["path"].as_str().unwrap().to_string();
    if let Some((placeholder, value)) = C::configured() {
        path = path.replace(placeholder, value);
    }
    assert_eq!(sent.path, path, "{context}: the path");

    let mut expected: Vec<(String, String)> = facts["query"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| {
            (
                pair[0].as_str().unwrap().to_string(),
                pair[1].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut query = sent.query.clone();
    expected.sort();
    query.sort();
    assert_eq!(query, expected, "{context}: the query parameters");

    let authorization = sent.headers("authorization");
    if facts["public"] == true {
        assert!(
            authorization.is_empty(),
            "{context}: a public operation sent credentials"
        );
    } else {
        assert_eq!(
            authorization,
            [C::authorization().as_str()],
            "{context}: the credentials, once"
        );
    }
    assert_eq!(
        sent.headers("api-version"),
        [facts["api_version"].as_str().unwrap()],
        "{context}: the API version, once"
    );
    assert_eq!(
        sent.headers("accept"),
        [facts["accept"].as_str().unwrap()],
        "{context}: Accept"
    );

    if facts["body"].is_null() {
        assert!(sent.body.is_empty(), "{context}: a body was sent");
    } else {
        assert_eq!(
            sent.headers("content-type"),
            ["application/json"],
            "{context}: the body's type"
        );
        // Every member of the body the test sets is filled (no null, no
        // empty list or map), so it must arrive exactly as given.
        let body: Value = serde_json::from_slice(&sent.body).expect("the body is JSON");
        assert_eq!(body, facts["body"], "{context}: the body");
    }
}

/// The error's vendor body, as JSON.
fn vendor_body(error: &Error) -> Value {
    use saas_admin::VendorBody;
    let encoded = match error.vendor_body() {
        #[cfg(feature = "ods")]
        Some(VendorBody::Ods(body)) => serde_json::to_value(body),
        #[cfg(feature = "cloudinary")]
        Some(VendorBody::Cloudinary(body)) => serde_json::to_value(body),
        #[cfg(feature = "cloudinary")]
        Some(VendorBody::CloudinaryPermissions(body)) => serde_json::to_value(body),
        Some(other) => panic!("a vendor body of another kind: {other:?}"),
        None => return Value::Null,
    };
    encoded.expect("a vendor body encodes")
}

/// `value` without its `null` members and empty lists, at any depth: what
/// an optional member left unset encodes to. An empty map stays: one
/// decoded as absent would be a value lost.
fn normalized(value: Value) -> Value {
    let empty = |v: &Value| v.is_null() || v.as_array().is_some_and(Vec::is_empty);
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, normalized(v)))
                .filter(|(_, v)| !empty(v))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(normalized).collect()),
        other => other,
    }
}

/// Every operation of the spec is in the table, or is written by hand
/// (whose own tests cover it).
pub fn assert_covers(covered: &[&str], operations: &[(&str, &str, &str)], hand_written: &[&str]) {
    let missing: Vec<&str> = operations
        .iter()
        .map(|(id, _, _)| *id)
        .filter(|id| !covered.contains(id) && !hand_written.contains(id))
        .collect();
    assert!(missing.is_empty(), "operations without a test: {missing:?}");
}
