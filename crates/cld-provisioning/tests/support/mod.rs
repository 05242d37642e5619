//! Helpers shared by this crate's operation tests: the test credentials,
//! the client, the spec's examples, and whole-request matchers.

// Each test file uses its own subset.
#![allow(dead_code)]

use chrono::{DateTime, TimeZone, Utc};
use cld_provisioning::mock::MockServer;
use cld_provisioning::{
    examples, types, Auth, Client, ClientInfo, Error, ResponseValue, RetryPolicy, Runtime, Secret,
};
use httpmock::When;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Credentials in Cloudinary's shape (the documentation's sample key/secret).
pub const KEY: &str = "614335564976464";

pub const SECRET: &str = "a676b67565c6767a6767d6767f676fe1";

/// `Basic ` + base64("KEY:SECRET"), computed with python's base64 module so
/// the test does not trust the runtime's own encoder.
pub const AUTHORIZATION: &str =
    "Basic NjE0MzM1NTY0OTc2NDY0OmE2NzZiNjc1NjVjNjc2N2E2NzY3ZDY3NjdmNjc2ZmUx";

/// Path parameters, taken from the spec's parameter examples.
pub const ACCOUNT: &str = "16a8ff3b-736b-49a6-85c0-03b69d5a357b";

pub fn client(server: &MockServer) -> Client {
    let auth = Auth::Basic {
        username: Secret::new(KEY),
        password: Secret::new(SECRET),
    };
    // One attempt: these tests pin down single requests; retries have their own.
    let runtime = Runtime::new(&auth)
        .unwrap()
        .with_retry(RetryPolicy::disabled());
    Client::new(&server.base_url(), runtime)
}

/// The spec's example body for `op` answering `status`, as raw JSON.
pub fn example_json(op: &str, status: u16) -> Value {
    let text = examples::example(op, status)
        .unwrap_or_else(|| panic!("the spec has no {status} example for {op}"));
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{op} {status} example: {e}"))
}

/// The same example decoded into the generated type (fails if it does not fit).
pub fn example<T: DeserializeOwned>(op: &str, status: u16) -> T {
    serde_json::from_value(example_json(op, status))
        .unwrap_or_else(|e| panic!("the {status} example of {op} does not decode: {e}"))
}

/// Asserts that `decoded` re-serializes to exactly the example JSON, so a field
/// the generated type drops or renames makes the test fail.
pub fn assert_round_trips<T: serde::Serialize>(decoded: &T, op: &str, status: u16) {
    assert_eq!(
        serde_json::to_value(decoded).unwrap(),
        example_json(op, status),
        "{op} {status}: the decoded value lost or changed something of the example"
    );
}

pub fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> Option<DateTime<Utc>> {
    Some(Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap())
}

/// What every request must carry: the credentials (once), `Accept`, the
/// api-version header progenitor adds, and exactly `query_params` query
/// parameters, so any parameter the test did not expect makes it fail.
pub fn expect_common(when: When, query_params: usize) -> When {
    when.header("authorization", AUTHORIZATION)
        .header_count("^authorization$", ".*", 1)
        .header("accept", "application/json")
        .header("api-version", Client::api_version())
        .query_param_count(".*", ".*", query_params)
}

/// A request without a body (GET, DELETE, and the membership POST).
pub fn expect_no_body(when: When, query_params: usize) -> When {
    // `body("")` is refused by httpmock for GET, hence the custom matcher.
    expect_common(when, query_params)
        .header_missing("content-type")
        .is_true(|req| req.body_ref().is_empty())
}

/// A request whose body must be exactly `body` as JSON.
pub fn expect_json_body(when: When, body: Value) -> When {
    expect_common(when, 0)
        .header("content-type", "application/json")
        .json_body(body)
}

/// The documented (operation, error status) pairs of `operations`: every
/// 4xx and 5xx for which the spec has an example body, so a newly documented
/// status cannot be skipped silently.
pub fn documented_errors<'a>(operations: &[&'a str]) -> Vec<(&'a str, u16)> {
    operations
        .iter()
        .flat_map(|&op| {
            (400..600u16)
                .filter(move |&status| examples::example(op, status).is_some())
                .map(move |status| (op, status))
        })
        .collect()
}

/// Asserts that `pairs` use exactly the `statuses` a test file handles, and
/// that there are `expected` of them.
pub fn assert_documented_errors(pairs: &[(&str, u16)], statuses: &[u16], expected: usize) {
    for (op, status) in pairs {
        assert!(
            statuses.contains(status),
            "{op} documents {status}: add it to ERROR_STATUSES and to mock_error"
        );
    }
    let mut seen: Vec<u16> = pairs.iter().map(|(_, status)| *status).collect();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen, statuses, "some documented status was never exercised");
    assert_eq!(
        pairs.len(),
        expected,
        "documented (operation, error status) pairs"
    );
}

/// The vendor error behind `result`, checked against the spec's example for
/// `op`/`status`; returns its message.
pub fn expect_vendor_error<T: std::fmt::Debug>(
    result: Result<ResponseValue<T>, Error<types::Error>>,
    op: &str,
    status: u16,
) -> String {
    let rv = match result {
        Err(Error::ErrorResponse(rv)) => rv,
        other => panic!("{op} {status}: expected Error::ErrorResponse, got {other:?}"),
    };
    assert_eq!(rv.status().as_u16(), status, "{op} {status}: status");
    let message = rv
        .error
        .as_ref()
        .and_then(|e| e.message.clone())
        .unwrap_or_else(|| panic!("{op} {status}: no error.message in {:?}", *rv));
    assert_eq!(
        Some(message.as_str()),
        example_json(op, status)["error"]["message"].as_str(),
        "{op} {status}: message"
    );
    assert_round_trips(&rv.into_inner(), op, status);
    message
}
