//! The facade's one error type: each failure is a distinct, clear error
//! with the operation, the status, the service's message, the request id
//! and the attempts, and never a credential.

use std::time::Duration;

use httpmock::MockServer;
use saas_admin::{Cloudinary, Error, ErrorKind, Ods, RetryPolicy};

#[path = "support/fault_server.rs"]
mod fault_server;
use fault_server::{Answer, FaultServer};

const KEY: &str = "key-0123456789";
const SECRET: &str = "secret-abcdefgh";

fn quick_retries(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_secs(1),
        max_elapsed: Duration::from_secs(5),
    }
}

fn ods(base_url: &str, retry: RetryPolicy) -> Ods {
    Ods::builder()
        .base_url(base_url)
        .api_key(KEY)
        .retry(retry)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap()
}

fn assert_no_credentials(error: &Error) {
    for text in [error.to_string(), format!("{error:?}")] {
        assert!(!text.contains(KEY), "{text}");
        assert!(!text.contains(SECRET), "{text}");
    }
}

#[tokio::test]
async fn a_documented_error_carries_the_status_message_code_and_request_id() {
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.method("GET").path("/groups/nope/");
        then.status(404)
            .header("content-type", "application/json")
            .header("x-request-id", "req-77")
            .body(r#"{"error_code":"not_found","message":"No group with uid nope."}"#);
    });
    let error: Error = ods(&server.base_url(), quick_retries(4))
        .get_user_group()
        .group_uid("nope")
        .send()
        .await
        .unwrap_err()
        .into();
    assert_eq!(error.kind(), ErrorKind::Service);
    assert_eq!(error.operation(), Some("get_user_group"));
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(error.message(), Some("No group with uid nope."));
    assert_eq!(error.code(), Some("not_found"));
    assert_eq!(error.request_id(), Some("req-77"));
    assert_eq!(error.attempts(), Some(1));
    assert!(!error.is_retryable());
    assert_eq!(
        error.to_string(),
        "get_user_group: the service answered 404 Not Found: No group with uid nope. [not_found], request id req-77"
    );
    assert_no_credentials(&error);
}

#[tokio::test]
async fn the_trace_id_in_the_body_stands_in_for_a_missing_request_id_header() {
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.method("DELETE").path("/groups/g/");
        then.status(403)
            .header("content-type", "application/json")
            .body(r#"{"error_code":"permission_denied","message":"No.","trace_id":"tr-1"}"#);
    });
    let error: Error = ods(&server.base_url(), quick_retries(1))
        .delete_user_group()
        .group_uid("g")
        .send()
        .await
        .unwrap_err()
        .into();
    assert_eq!(error.request_id(), Some("tr-1"));
}

#[tokio::test]
async fn a_503_forever_says_how_many_attempts_were_made() {
    let server = FaultServer::start(vec![Answer::Full(503, "", "{}")]).await;
    let error: Error = ods(&server.url, quick_retries(4))
        .list_user_groups()
        .send()
        .await
        .unwrap_err()
        .into();
    assert_eq!(server.requests(), 4);
    assert_eq!(error.kind(), ErrorKind::UnexpectedStatus);
    assert_eq!(error.attempts(), Some(4));
    assert!(error.is_retryable());
    assert_eq!(
        error.to_string(),
        "list_user_groups: the service answered 503 Service Unavailable, which this operation does not document, after 4 attempts"
    );
}

#[tokio::test]
async fn cloudinarys_420_is_a_documented_retryable_error_with_its_message() {
    let server = FaultServer::start(vec![Answer::Full(
        420,
        "",
        r#"{"error":{"message":"Rate limit exceeded"}}"#,
    )])
    .await;
    let cloudinary = Cloudinary::builder()
        .base_url(&server.url)
        .account_id("acc")
        .credentials(KEY, SECRET)
        .retry(quick_retries(2))
        .build()
        .unwrap();
    let error: Error = cloudinary
        .list_user_groups()
        .send()
        .await
        .unwrap_err()
        .into();
    assert_eq!(server.requests(), 2);
    assert_eq!(error.kind(), ErrorKind::Service);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(420));
    assert_eq!(error.message(), Some("Rate limit exceeded"));
    assert!(error.is_retryable());
    assert_eq!(
        error.to_string(),
        "list_user_groups: the service answered 420 <unknown status code>: Rate limit exceeded, after 2 attempts"
    );
    assert_no_credentials(&error);
}

#[tokio::test]
async fn a_connection_reset_mid_response_a_truncated_body_and_a_timeout_are_distinct() {
    let cases = [
        (Answer::ResetMidBody, ErrorKind::Body),
        (Answer::Truncated, ErrorKind::Body),
        (
            Answer::Full(200, "", r#"{"results": [{"uid": "a""#),
            ErrorKind::Decode,
        ),
        (Answer::Slow(Duration::from_secs(5)), ErrorKind::Timeout),
        (Answer::Hangup, ErrorKind::Transport),
    ];
    let mut messages = Vec::new();
    for (answer, kind) in cases {
        let server = FaultServer::start(vec![answer]).await;
        let error: Error = ods(&server.url, RetryPolicy::disabled())
            .list_user_groups()
            .send()
            .await
            .unwrap_err()
            .into();
        assert_eq!(error.kind(), kind, "{error}");
        assert_no_credentials(&error);
        messages.push(error.to_string());
    }
    assert!(
        messages[0].starts_with("the response body was cut short"),
        "{}",
        messages[0]
    );
    assert!(
        messages[2].starts_with("the response is not what the operation returns"),
        "{}",
        messages[2]
    );
    assert!(
        messages[3].starts_with("the call took longer than the request timeout"),
        "{}",
        messages[3]
    );
    assert!(
        messages[4].starts_with("the connection failed during the call"),
        "{}",
        messages[4]
    );
}

#[tokio::test]
async fn a_refused_connection_is_a_connect_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let error: Error = ods(&url, RetryPolicy::disabled())
        .list_user_groups()
        .send()
        .await
        .unwrap_err()
        .into();
    assert_eq!(error.kind(), ErrorKind::Connect);
    assert!(error.is_retryable());
    assert!(
        error.to_string().starts_with("no connection could be made"),
        "{error}"
    );
}

#[tokio::test]
async fn a_missing_parameter_is_refused_before_sending() {
    let server = FaultServer::start(vec![Answer::Full(200, "", "{}")]).await;
    let error: Error = ods(&server.url, RetryPolicy::disabled())
        .get_user_group()
        .send()
        .await
        .unwrap_err()
        .into();
    assert_eq!(server.requests(), 0);
    assert_eq!(error.kind(), ErrorKind::InvalidRequest);
    assert_eq!(
        error.to_string(),
        "invalid request, nothing was sent: group_uid was not initialized"
    );
}

#[tokio::test]
async fn empty_dot_and_dot_dot_identifiers_are_refused_with_nothing_sent() {
    let server = FaultServer::start(vec![Answer::Full(204, "", "")]).await;
    let ods = ods(&server.url, RetryPolicy::disabled());
    for bad in ["", ".", "..", "%2e%2E"] {
        let error: Error = ods
            .delete_user_group()
            .group_uid(bad)
            .send()
            .await
            .unwrap_err()
            .into();
        assert_eq!(error.kind(), ErrorKind::InvalidRequest, "{bad:?}");
        assert_eq!(
            error.to_string(),
            r#"invalid request, nothing was sent: group_uid cannot be a path segment: it must not be empty, "." or "..""#,
            "{bad:?}"
        );
    }
    let cloudinary = Cloudinary::builder()
        .base_url(&server.url)
        .account_id("acc")
        .credentials(KEY, SECRET)
        .build()
        .unwrap();
    let error: Error = cloudinary
        .remove_user_from_user_group()
        .group_id("g")
        .user_id("..")
        .send()
        .await
        .unwrap_err()
        .into();
    assert!(
        error
            .to_string()
            .contains("user_id cannot be a path segment"),
        "{error}"
    );
    assert_eq!(server.requests(), 0);
    // A dotted identifier that is not a dot segment goes through.
    ods.delete_user_group()
        .group_uid("team.data")
        .send()
        .await
        .unwrap();
    assert_eq!(server.requests(), 1);
}
