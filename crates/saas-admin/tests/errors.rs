//! The facade's one error type: each failure is a distinct, clear error
//! with the operation, the attempts, the status, the service's message and
//! field errors, the request id, and never a credential.

use std::time::Duration;

use httpmock::MockServer;
use saas_admin::{Cloudinary, Detail, Error, ErrorKind, Ods, RetryPolicy, VendorBody};

use crate::fault_server;
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
        assert!(!text.contains("apikey"), "{text}");
    }
}

/// The same client with the key in the query string, where a careless
/// error would show it as part of a URL.
fn ods_key_in_query(base_url: &str, retry: RetryPolicy) -> Ods {
    Ods::builder()
        .base_url(base_url)
        .api_key(KEY)
        .api_key_in_query(true)
        .retry(retry)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap()
}

fn cloudinary(base_url: &str, retry: RetryPolicy) -> Cloudinary {
    Cloudinary::builder()
        .base_url(base_url)
        .account_id("acc")
        .credentials(KEY, SECRET)
        .retry(retry)
        .build()
        .unwrap()
}

/// A loopback address where nothing listens.
fn nothing_listens() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    url
}

#[tokio::test]
async fn a_documented_error_carries_the_status_message_code_and_request_id() {
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.method("GET").path("/groups/nope/");
        then.status(404)
            .header("content-type", "application/json")
            .header("x-request-id", "req-77")
            .body(r#"{"error_code":"not_found","message":"No group with uid nope.","detail":{"group_uid":["Unknown uid."]}}"#);
    });
    let error = ods(&server.base_url(), quick_retries(4))
        .get_user_group()
        .group_uid("nope")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Service);
    assert_eq!(error.operation(), "get_user_group");
    assert_eq!(error.status().map(u16::from), Some(404));
    assert_eq!(error.message(), Some("No group with uid nope."));
    assert_eq!(error.code(), Some("not_found"));
    assert_eq!(error.request_id(), Some("req-77"));
    assert_eq!(error.attempts(), 1);
    assert!(error.is_not_found());
    assert!(!error.is_rate_limited());
    assert!(!error.is_retryable());
    assert_eq!(
        error.to_string(),
        "get_user_group: the service answered 404 Not Found: No group with uid nope. [not_found] (group_uid: Unknown uid.), request id req-77"
    );
    assert!(
        matches!(error.vendor_body(), Some(VendorBody::Ods(body)) if body.error_code == "not_found")
    );
    assert_no_credentials(&error);
}

#[tokio::test]
async fn a_documented_400_keeps_the_field_errors_and_says_them() {
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.method("POST").path("/groups/");
        then.status(400)
            .header("content-type", "application/json")
            .body(r#"{"error_code":"validation_error","message":"Invalid data.","detail":{"title":["A group with this title already exists."]}}"#);
    });
    let error = ods(&server.base_url(), quick_retries(1))
        .create_user_group()
        .title("Data stewards")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error.details(),
        [Detail {
            field: "title".into(),
            message: "A group with this title already exists.".into()
        }]
    );
    assert_eq!(
        error.to_string(),
        "create_user_group: the service answered 400 Bad Request: Invalid data. [validation_error] (title: A group with this title already exists.)"
    );
}

#[tokio::test]
async fn the_permissions_apis_details_are_kept_too_from_an_undocumented_status() {
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.method("GET").path("/v2/accounts/acc/permissions/policies/custom");
        then.status(400)
            .header("content-type", "application/json")
            .body(r#"{"error":{"code":"invalid_param","message":"Bad filter.","details":{"scope_type":"must be account or prodenv"}}}"#);
    });
    let error = cloudinary(&server.base_url(), quick_retries(1))
        .list_custom_policies()
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some("invalid_param"));
    assert_eq!(
        error.to_string(),
        "list_custom_policies: the service answered 400 Bad Request, which this operation does not document: Bad filter. [invalid_param] (scope_type: must be account or prodenv)"
    );
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
    let error = ods(&server.base_url(), quick_retries(1))
        .delete_user_group()
        .group_uid("g")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.request_id(), Some("tr-1"));
}

#[tokio::test]
async fn an_undocumented_status_in_the_vendors_shape_still_gives_its_message() {
    // list_user_groups documents 401, 403 and 429, not 404.
    let server = FaultServer::start(vec![Answer::Full(
        404,
        "x-request-id: req-9\r\n",
        r#"{"error_code":"not_found","message":"No such portal."}"#,
    )])
    .await;
    let error = ods_key_in_query(&server.url, quick_retries(3))
        .list_user_groups()
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::UnexpectedStatus);
    assert_eq!(
        (error.operation(), error.attempts()),
        ("list_user_groups", 1)
    );
    assert!(error.is_not_found());
    assert_eq!(
        error.to_string(),
        "list_user_groups: the service answered 404 Not Found, which this operation does not document: No such portal. [not_found], request id req-9"
    );
    assert_no_credentials(&error);
}

#[tokio::test]
async fn a_proxys_html_page_keeps_its_status_and_stays_out_of_the_message() {
    const PAGE: &str = "<html><body><h1>Bad Gateway</h1>nginx</body></html>";
    // 502 is undocumented; 429 is documented, with the vendor's JSON body.
    for (status, kind, retryable) in [
        (502, ErrorKind::UnexpectedStatus, true),
        (429, ErrorKind::Service, true),
    ] {
        let server = FaultServer::start(vec![Answer::Full(
            status,
            "content-type: text/html\r\n",
            PAGE,
        )])
        .await;
        let error = ods_key_in_query(&server.url, quick_retries(2))
            .list_user_groups()
            .send()
            .await
            .unwrap_err();
        let text = error.to_string();
        assert_eq!(error.kind(), kind, "{text}");
        assert_eq!(error.status().map(u16::from), Some(status), "{text}");
        assert_eq!(error.operation(), "list_user_groups");
        assert_eq!(error.attempts(), 2, "{text}");
        assert_eq!(error.is_retryable(), retryable);
        assert_eq!(error.is_rate_limited(), status == 429);
        assert!(!text.contains("html") && !text.contains("nginx"), "{text}");
        assert!(
            text.starts_with(&format!("list_user_groups: the service answered {status} ")),
            "{text}"
        );
        assert!(text.ends_with(", after 2 attempts"), "{text}");
        assert_no_credentials(&error);
    }
}

#[tokio::test]
async fn a_503_forever_says_how_many_attempts_were_made() {
    let server = FaultServer::start(vec![Answer::Full(503, "", "{}")]).await;
    let error = ods(&server.url, quick_retries(4))
        .list_user_groups()
        .send()
        .await
        .unwrap_err();
    assert_eq!(server.requests(), 4);
    assert_eq!(error.kind(), ErrorKind::UnexpectedStatus);
    assert_eq!(error.attempts(), 4);
    assert!(error.is_retryable());
    assert_eq!(
        error.to_string(),
        "list_user_groups: the service answered 503 Service Unavailable, which this operation does not document, after 4 attempts"
    );
}

#[tokio::test]
async fn cloudinarys_420_is_named_rate_limited_and_says_when_to_come_back() {
    let server = FaultServer::start(vec![Answer::Full(
        420,
        "retry-after: 0\r\n",
        r#"{"error":{"message":"Rate limit exceeded"}}"#,
    )])
    .await;
    let error = cloudinary(&server.url, quick_retries(2))
        .list_user_groups()
        .send()
        .await
        .unwrap_err();
    assert_eq!(server.requests(), 2);
    assert_eq!(error.kind(), ErrorKind::Service);
    assert_eq!(error.status().map(u16::from), Some(420));
    assert_eq!(error.message(), Some("Rate limit exceeded"));
    assert_eq!(error.retry_after(), Some(Duration::ZERO));
    assert!(error.is_retryable());
    assert!(error.is_rate_limited());
    assert_eq!(
        error.to_string(),
        "list_user_groups: the service answered 420 Rate Limited: Rate limit exceeded, retry after 0 s, after 2 attempts"
    );
    assert_no_credentials(&error);
}

#[tokio::test]
async fn transport_failures_name_the_operation_the_attempts_and_the_host() {
    let cases = [
        (
            Answer::ResetMidBody,
            ErrorKind::Body,
            "the response body was cut short",
        ),
        (
            Answer::Truncated,
            ErrorKind::Body,
            "the response body was cut short",
        ),
        (
            Answer::Full(200, "", r#"{"results": [{"uid": "a""#),
            ErrorKind::Decode,
            "the response is not what the operation returns",
        ),
        (
            Answer::Slow(Duration::from_secs(5)),
            ErrorKind::Timeout,
            "the call to HOST took longer than the request timeout",
        ),
        (
            Answer::Hangup,
            ErrorKind::Transport,
            "the connection to HOST failed during the call",
        ),
    ];
    for (answer, kind, start) in cases {
        let server = FaultServer::start(vec![answer]).await;
        let host = server.url.trim_start_matches("http://").to_string();
        let error = ods_key_in_query(&server.url, RetryPolicy::disabled())
            .list_user_groups()
            .send()
            .await
            .unwrap_err();
        let text = error.to_string();
        assert_eq!(error.kind(), kind, "{text}");
        assert_eq!(error.operation(), "list_user_groups");
        assert_eq!(error.attempts(), 1, "{text}");
        let start = format!("list_user_groups: {}", start.replace("HOST", &host));
        assert!(text.starts_with(&start), "{text}");
        assert_no_credentials(&error);
    }
}

#[tokio::test]
async fn a_refused_connection_names_the_host_and_counts_every_attempt() {
    let url = nothing_listens();
    let host = url.trim_start_matches("http://").to_string();
    let error = ods_key_in_query(&url, quick_retries(3))
        .list_user_groups()
        .send()
        .await
        .unwrap_err();
    let text = error.to_string();
    assert_eq!(error.kind(), ErrorKind::Connect);
    assert_eq!(error.operation(), "list_user_groups");
    assert_eq!(error.attempts(), 3);
    assert_eq!(error.status(), None);
    assert!(error.is_retryable());
    assert!(
        text.starts_with(&format!(
            "list_user_groups: no connection could be made to {host} ("
        )),
        "{text}"
    );
    assert!(text.ends_with(", after 3 attempts"), "{text}");
    assert_no_credentials(&error);
}

#[tokio::test]
async fn a_missing_parameter_or_body_field_is_refused_before_sending_naming_it() {
    let server = FaultServer::start(vec![Answer::Full(200, "", "{}")]).await;
    let error = ods(&server.url, RetryPolicy::disabled())
        .get_user_group()
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidRequest);
    assert_eq!((error.operation(), error.attempts()), ("get_user_group", 0));
    assert_eq!(
        error.to_string(),
        "get_user_group: invalid request, nothing was sent: the required parameter group_uid was not set"
    );
    let error = ods(&server.url, RetryPolicy::disabled())
        .create_user_group()
        .description("no title")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "create_user_group: invalid request, nothing was sent: the required body field title was not set"
    );
    let error = cloudinary(&server.url, RetryPolicy::disabled())
        .create_user_group()
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "create_user_group: invalid request, nothing was sent: the required body field name was not set"
    );
    assert_eq!(server.requests(), 0);
}

#[tokio::test]
async fn empty_dot_and_dot_dot_identifiers_are_refused_with_nothing_sent() {
    let server = FaultServer::start(vec![Answer::Full(204, "", "")]).await;
    let ods = ods(&server.url, RetryPolicy::disabled());
    for bad in ["", ".", "..", "%2e%2E"] {
        let error = ods
            .delete_user_group()
            .group_uid(bad)
            .send()
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidRequest, "{bad:?}");
        assert_eq!(
            error.to_string(),
            r#"delete_user_group: invalid request, nothing was sent: group_uid cannot be a path segment: it must not be empty, "." or "..""#,
            "{bad:?}"
        );
    }
    let error = cloudinary(&server.url, RetryPolicy::disabled())
        .remove_user_from_user_group()
        .group_id("g")
        .user_id("..")
        .send()
        .await
        .unwrap_err();
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

#[tokio::test]
async fn a_value_a_setter_cannot_convert_is_refused_at_send_naming_the_setter() {
    let server = FaultServer::start(vec![Answer::Full(200, "", "{}")]).await;
    let ods = ods(&server.url, RetryPolicy::disabled());
    let error = ods.list_users().limit(u64::MAX).send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidRequest);
    assert_eq!(error.attempts(), 0);
    assert_eq!(
        error.to_string(),
        "list_users: invalid request, nothing was sent: limit: out of range integral type conversion attempted"
    );
    assert_eq!(server.requests(), 0);
}

#[tokio::test]
async fn a_wait_past_the_budget_fails_at_once_saying_when_to_come_back() {
    let server = FaultServer::start(vec![Answer::Full(
        429,
        "retry-after: 3600\r\n",
        r#"{"error_code":"too_many_requests","message":"Slow down."}"#,
    )])
    .await;
    let started = std::time::Instant::now();
    let error = ods(&server.url, quick_retries(4))
        .list_user_groups()
        .send()
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(server.requests(), 1);
    assert_eq!(error.retry_after(), Some(Duration::from_secs(3600)));
    assert!(error.is_rate_limited() && error.is_retryable());
    assert_eq!(
        error.to_string(),
        "list_user_groups: the service answered 429 Too Many Requests: Slow down. [too_many_requests], retry after 3600 s"
    );
}

#[tokio::test]
async fn a_body_cut_short_on_every_attempt_is_a_body_error_after_them_all() {
    let server = FaultServer::start(vec![Answer::Truncated]).await;
    let error = ods_key_in_query(&server.url, quick_retries(3))
        .list_user_groups()
        .send()
        .await
        .unwrap_err();
    let text = error.to_string();
    assert_eq!(error.kind(), ErrorKind::Body, "{text}");
    assert_eq!((error.attempts(), server.requests()), (3, 3));
    assert!(error.is_retryable());
    assert!(
        text.starts_with("list_user_groups: the response body was cut short ("),
        "{text}"
    );
    assert!(text.ends_with(", after 3 attempts"), "{text}");
    assert_no_credentials(&error);
}

#[tokio::test]
async fn a_cloudinary_validation_error_names_its_field_in_the_details() {
    // The provisioning API names the field only in its message.
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.method("POST").path("/v1_1/provisioning/accounts/acc/users");
        then.status(400)
            .header("content-type", "application/json")
            .body(r#"{"error":{"message":"role: must be one of master_admin, admin, technical_admin"}}"#);
    });
    let error = cloudinary(&server.base_url(), quick_retries(1))
        .create_user()
        .name("Ann")
        .email("ann@example.com")
        .role("superuser")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error.details(),
        [Detail {
            field: "role".into(),
            message: "must be one of master_admin, admin, technical_admin".into()
        }]
    );
    // A message that does not start with a field names none.
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.method("POST")
            .path("/v1_1/provisioning/accounts/acc/users");
        then.status(400)
            .header("content-type", "application/json")
            .body(r#"{"error":{"message":"Bad request: try again"}}"#);
    });
    let error = cloudinary(&server.base_url(), quick_retries(1))
        .create_user()
        .name("Ann")
        .email("ann@example.com")
        .role("admin")
        .send()
        .await
        .unwrap_err();
    assert!(error.details().is_empty(), "{:?}", error.details());
}

#[tokio::test]
async fn the_permissions_apis_listed_fields_are_each_a_detail() {
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.method("POST").path("/v2/accounts/acc/permissions/policies/custom");
        then.status(400)
            .header("content-type", "application/json")
            .body(r#"{"error":{"category":"user_error","code":"ACCOUNTS_00005","message":"missing fields","details":{"fields":["name","policy_statement"]}}}"#);
    });
    let error = cloudinary(&server.base_url(), quick_retries(1))
        .create_custom_policy()
        .body(
            saas_admin::cloudinary::types::CustomPolicyCreateRequest::new(
                "n",
                "permit(principal, action, resource);",
                "account",
            ),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error.details(),
        [
            Detail {
                field: "name".into(),
                message: "missing fields".into()
            },
            Detail {
                field: "policy_statement".into(),
                message: "missing fields".into()
            }
        ]
    );
}

#[tokio::test]
async fn the_fakes_cloudinary_validation_error_fills_the_details() {
    let fake = saas_admin_fake::FakeServer::builder()
        .start()
        .await
        .expect("the fake starts");
    let cloudinary = Cloudinary::with_base_url(
        &fake.cloudinary_base_url(),
        fake.cloudinary_account_id(),
        fake.cloudinary_api_key(),
        fake.cloudinary_api_secret(),
    )
    .unwrap();
    let error = cloudinary
        .create_user()
        .name("Ann")
        .email("ann@example.com")
        .role("superuser")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(u16::from), Some(400), "{error}");
    assert_eq!(error.details().len(), 1, "{error}");
    assert_eq!(error.details()[0].field, "role", "{error}");
}

/// An answer read whole before it is handed over (a GET that another
/// attempt could have followed) keeps the URL it came from, as the raw
/// client's unexpected response shows it.
#[tokio::test]
async fn an_answer_read_whole_keeps_the_url_it_came_from() {
    let server = FaultServer::start(vec![Answer::Full(418, "", "{}")]).await;
    let ods = ods(&server.url, quick_retries(3));
    let error = ods
        .client()
        .list_user_groups(None, None, None, None, None)
        .await
        .unwrap_err();
    let saas_admin::ods_automation::Error::UnexpectedResponse(response) = error else {
        panic!("not an unexpected response: {error:?}");
    };
    assert_eq!(response.status(), 418);
    assert_eq!(response.url().as_str(), format!("{}/groups/", server.url));
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(response.text().await.unwrap(), "{}");
    assert_eq!(server.requests(), 1);
}
