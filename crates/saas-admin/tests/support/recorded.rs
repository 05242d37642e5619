//! Helpers of the hand-written behaviour tests (`uploads.rs`,
//! `downloads.rs`, ...): clients on a mock, a recorder of whole requests,
//! a multipart reader, and a download reader.

// Each test file uses its own subset.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use futures::TryStreamExt;
use httpmock::HttpMockRequest;
use saas_admin::{ByteStream, Cloudinary, Ods, RetryPolicy};
use serde_json::Value;

/// A made-up Opendatasoft API key.
pub const ODS_KEY: &str = "5f0c1e8a93b24d7e8c6a01f2b3d4e5f60718293a4b5c6d7e";
/// What Opendatasoft expects in the Authorization header for `ODS_KEY`,
/// written out rather than computed by the runtime.
pub const ODS_AUTHORIZATION: &str = "Apikey 5f0c1e8a93b24d7e8c6a01f2b3d4e5f60718293a4b5c6d7e";
/// The Opendatasoft spec's `info.version`, sent as `api-version`.
pub const ODS_API_VERSION: &str = "1.0";

/// Made-up Cloudinary credentials.
pub const CLD_ACCOUNT: &str = "a1b2c3d4-acct";
pub const CLD_KEY: &str = "614335564976464";
pub const CLD_SECRET: &str = "3v6Q0mHqvYkZb9sX2aT7uWc1pLd";
/// `Basic base64("614335564976464:3v6Q0mHqvYkZb9sX2aT7uWc1pLd")`, written out.
pub const CLD_AUTHORIZATION: &str =
    "Basic NjE0MzM1NTY0OTc2NDY0OjN2NlEwbUhxdllrWmI5c1gyYVQ3dVdjMXBMZA==";

/// An Opendatasoft facade client on `url`, without retries.
pub fn ods(url: &str) -> Ods {
    Ods::builder()
        .base_url(url)
        .api_key(ODS_KEY)
        .retry(RetryPolicy::disabled())
        .build()
        .expect("a client on the mock")
}

/// A Cloudinary facade client on `url`, without retries.
pub fn cloudinary(url: &str) -> Cloudinary {
    Cloudinary::builder()
        .base_url(url)
        .account_id(CLD_ACCOUNT)
        .credentials(CLD_KEY, CLD_SECRET)
        .retry(RetryPolicy::disabled())
        .build()
        .expect("a client on the mock")
}

/// A request as the mock server received it.
#[derive(Clone, Debug, PartialEq)]
pub struct Sent {
    pub method: String,
    pub path: String,
    /// The query string as it travelled, percent-encoding included.
    pub raw_query: Option<String>,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Sent {
    /// The values of header `name`, in order.
    pub fn header(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The request's body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }

    /// The parts of the request's multipart body, checking its content type.
    pub fn parts(&self) -> Vec<Part> {
        let content_type = self.header("content-type");
        assert_eq!(content_type.len(), 1, "one content type: {content_type:?}");
        multipart_parts(content_type[0], &self.body)
    }

    /// The query string as the server got it, with the rest of the request
    /// as text: where a credential must not be.
    pub fn everything_but_authorization(&self) -> String {
        let headers: Vec<String> = self
            .headers
            .iter()
            .filter(|(n, _)| !n.eq_ignore_ascii_case("authorization"))
            .map(|(n, v)| format!("{n}: {v}"))
            .collect();
        format!(
            "{} {}?{:?}\n{}\n\n{}",
            self.method,
            self.path,
            self.query,
            headers.join("\n"),
            String::from_utf8_lossy(&self.body)
        )
    }
}

/// The requests a matcher recorded.
#[derive(Clone, Default)]
pub struct Recorder(Arc<Mutex<Vec<Sent>>>);

impl Recorder {
    /// A matcher for `when.is_true(...)` that records every request it sees.
    pub fn matcher(&self) -> impl Fn(&HttpMockRequest) -> bool + Send + Sync + 'static {
        let sent = self.0.clone();
        move |request| {
            sent.lock().unwrap().push(Sent {
                method: request.method_str().to_string(),
                path: request.uri().path().to_string(),
                raw_query: request.uri().query().map(str::to_string),
                query: request.query_params(),
                headers: request.headers_vec().clone(),
                body: request.body_ref().to_vec(),
            });
            true
        }
    }

    /// What was recorded.
    pub fn sent(&self) -> Vec<Sent> {
        self.0.lock().unwrap().clone()
    }

    /// The one request recorded.
    pub fn one(&self) -> Sent {
        let sent = self.sent();
        assert_eq!(sent.len(), 1, "one request, got {sent:?}");
        sent.into_iter().next().unwrap()
    }
}

/// One part of a multipart body.
#[derive(Debug, PartialEq)]
pub struct Part {
    pub name: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

impl Part {
    pub fn text(name: &str, value: &str) -> Self {
        Self {
            name: name.to_string(),
            filename: None,
            content_type: None,
            body: value.as_bytes().to_vec(),
        }
    }

    pub fn file(name: &str, filename: &str, content_type: Option<&str>, body: &[u8]) -> Self {
        Self {
            name: name.to_string(),
            filename: Some(filename.to_string()),
            content_type: content_type.map(str::to_string),
            body: body.to_vec(),
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The parts of a `multipart/form-data` body, in order, read with the
/// boundary its content type announces.
pub fn multipart_parts(content_type: &str, body: &[u8]) -> Vec<Part> {
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("not a multipart content type: {content_type}"));
    let delimiter = format!("--{boundary}").into_bytes();
    let mut rest = body;
    let mut parts = Vec::new();
    let start = find(rest, &delimiter).expect("a first boundary");
    assert_eq!(start, 0, "nothing before the first boundary");
    rest = &rest[delimiter.len()..];
    loop {
        if rest.starts_with(b"--") {
            assert_eq!(&rest[2..], b"\r\n", "nothing after the closing boundary");
            return parts;
        }
        rest = rest
            .strip_prefix(b"\r\n")
            .expect("a line break after a boundary");
        let end = find(rest, &delimiter).expect("a boundary after each part");
        let part = rest[..end]
            .strip_suffix(b"\r\n")
            .expect("a line break before a boundary");
        let split = find(part, b"\r\n\r\n").expect("a blank line after the part's headers");
        let headers = std::str::from_utf8(&part[..split]).expect("text headers");
        let mut name = None;
        let mut filename = None;
        let mut content_type = None;
        for line in headers.split("\r\n") {
            let (key, value) = line.split_once(": ").expect("a header line");
            match key.to_ascii_lowercase().as_str() {
                "content-disposition" => {
                    for item in value.split("; ").skip(1) {
                        let (key, quoted) = item.split_once('=').expect("a disposition parameter");
                        let value = quoted.trim_matches('"').to_string();
                        match key {
                            "name" => name = Some(value),
                            "filename" => filename = Some(value),
                            other => panic!("unexpected disposition parameter {other}"),
                        }
                    }
                }
                "content-type" => content_type = Some(value.to_string()),
                other => panic!("unexpected part header {other}"),
            }
        }
        parts.push(Part {
            name: name.expect("a part name"),
            filename,
            content_type,
            body: part[split + 4..].to_vec(),
        });
        rest = &rest[end + delimiter.len()..];
    }
}

/// Reads a download to its end.
pub async fn read_bytes(stream: ByteStream) -> Vec<u8> {
    let chunks: Vec<_> = stream
        .into_inner()
        .try_collect()
        .await
        .expect("the download reads whole");
    chunks.concat()
}

/// A mock server answering every request with `status` and `body` (no body
/// when `None`), recording what it receives.
pub async fn answering(status: u16, body: Option<Value>) -> (httpmock::MockServer, Recorder) {
    let server = httpmock::MockServer::start_async().await;
    let recorder = Recorder::default();
    let matcher = recorder.matcher();
    server.mock(|when, then| {
        when.is_true(matcher);
        let then = then.status(status);
        if let Some(body) = body {
            then.header("content-type", "application/json")
                .body(body.to_string());
        }
    });
    (server, recorder)
}

/// The first documented success of `op` in `example`: its status and JSON
/// body, or 204 without a body.
pub fn success_of(
    example: fn(&str, u16) -> Option<&'static str>,
    op: &str,
) -> (u16, Option<Value>) {
    (200..300u16)
        .find_map(|status| {
            example(op, status).map(|text| (status, Some(serde_json::from_str(text).unwrap())))
        })
        .unwrap_or((204, None))
}

/// A mock server answering every request with `op`'s documented success.
pub async fn answering_ods(op: &str) -> (httpmock::MockServer, Recorder) {
    let (status, body) = success_of(saas_admin::ods_automation::examples::example, op);
    answering(status, body).await
}

/// A mock server answering every request with `op`'s documented success.
pub async fn answering_cld(op: &str) -> (httpmock::MockServer, Recorder) {
    let (status, body) = success_of(saas_admin::cld_provisioning::examples::example, op);
    answering(status, body).await
}

/// `(name, value)` query pairs, owned.
pub fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The Opendatasoft spec's example body for `op` answering `status`.
pub fn ods_example(op: &str, status: u16) -> Value {
    let text = saas_admin::ods_automation::examples::example(op, status)
        .unwrap_or_else(|| panic!("the spec has no {status} example for {op}"));
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{op} {status} example: {e}"))
}

/// The Cloudinary spec's example body for `op` answering `status`.
pub fn cld_example(op: &str, status: u16) -> Value {
    let text = saas_admin::cld_provisioning::examples::example(op, status)
        .unwrap_or_else(|| panic!("the spec has no {status} example for {op}"));
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{op} {status} example: {e}"))
}

/// The documented error statuses of `op` (every 4xx and 5xx with an
/// example), so a newly documented one cannot be skipped silently.
pub fn ods_error_statuses(op: &str) -> Vec<u16> {
    (400..600u16)
        .filter(|&status| saas_admin::ods_automation::examples::example(op, status).is_some())
        .collect()
}

/// `2024-11-04T10:21:33Z`, as the instant the generated types hold.
pub fn utc(
    y: i32,
    mo: u32,
    d: u32,
    h: u32,
    mi: u32,
    s: u32,
) -> Option<chrono::DateTime<chrono::Utc>> {
    use chrono::TimeZone;
    Some(chrono::Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap())
}
