//! Helpers shared by this crate's operation tests: the test key, the
//! client, the spec's examples, and whole-request matchers.

// Each test file uses its own subset.
#![allow(dead_code)]

use chrono::{DateTime, TimeZone, Utc};
use httpmock::When;
use ods_automation::mock::MockServer;
use ods_automation::{
    examples, types, Auth, Client, Error, ResponseValue, RetryPolicy, Runtime, Secret,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// A made-up API key.
pub const KEY: &str = "5f0c1e8a93b24d7e8c6a01f2b3d4e5f60718293a4b5c6d7e";

/// What Opendatasoft expects in the Authorization header for `KEY`, written
/// out so the test does not trust the runtime's own formatting.
pub const AUTHORIZATION: &str = "Apikey 5f0c1e8a93b24d7e8c6a01f2b3d4e5f60718293a4b5c6d7e";

/// The spec's `info.version`, which progenitor sends as `api-version`.
pub const API_VERSION: &str = "1.0";

pub fn client(server: &MockServer) -> Client {
    // One attempt: these tests pin down single requests; retries have their own.
    let runtime = Runtime::new(&Auth::ApiKey(Secret::new(KEY)))
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

/// `value` without its `null` members and empty arrays, at any depth;
/// everything else (empty objects included) is kept as is.
pub fn without_nulls_and_empty_arrays(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null() && v.as_array().is_none_or(|a| !a.is_empty()))
                .map(|(k, v)| (k, without_nulls_and_empty_arrays(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(without_nulls_and_empty_arrays)
                .collect(),
        ),
        other => other,
    }
}

/// Asserts that `decoded` re-serializes to the example JSON, so a field the
/// generated type drops or renames makes the test fail.
pub fn assert_round_trips<T: serde::Serialize>(decoded: &T, op: &str, status: u16) {
    // The generated types skip None and empty Vecs when serializing, so only those (nulls, []) are removed from the example.
    let expected = without_nulls_and_empty_arrays(example_json(op, status));
    assert_eq!(
        serde_json::to_value(decoded).unwrap(),
        expected,
        "{op} {status}: the decoded value lost or changed something of the example"
    );
}

pub fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> Option<DateTime<Utc>> {
    Some(Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap())
}

/// What every request must carry: the API key (once), `Accept`, the
/// api-version header progenitor adds, and exactly `query_params` query
/// parameters, so any parameter the test did not expect (an `apikey` in the
/// query string, say) makes it fail.
pub fn expect_common(when: When, query_params: usize) -> When {
    when.header("authorization", AUTHORIZATION)
        .header_count("^authorization$", ".*", 1)
        .header("accept", "application/json")
        .header("api-version", API_VERSION)
        .header_count("^api-version$", ".*", 1)
        .query_param_count(".*", ".*", query_params)
}

/// A request without a body (the GETs and DELETEs).
pub fn expect_no_body(when: When, query_params: usize) -> When {
    // `body("")` is refused by httpmock for GET, hence the custom matcher.
    expect_common(when, query_params)
        .header_missing("content-type")
        .is_true(|req| req.body_ref().is_empty())
}

/// A request whose body must be exactly `body` as JSON, with no query
/// parameter.
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
/// `op`/`status` (status, `message`, `error_code`, and every other field
/// through the round trip); returns the decoded error.
pub fn expect_vendor_error<T>(
    result: Result<ResponseValue<T>, Error<types::Error>>,
    op: &str,
    status: u16,
) -> types::Error {
    let rv = match result {
        Err(Error::ErrorResponse(rv)) => rv,
        Err(other) => panic!("{op} {status}: expected Error::ErrorResponse, got {other:?}"),
        Ok(rv) => panic!("{op} {status}: expected an error, got {}", rv.status()),
    };
    let expected = example_json(op, status);
    assert_eq!(rv.status().as_u16(), status, "{op} {status}: status");
    assert_eq!(
        Some(rv.message.as_str()),
        expected["message"].as_str(),
        "{op} {status}: message"
    );
    assert_eq!(
        Some(rv.error_code.as_str()),
        expected["error_code"].as_str(),
        "{op} {status}: error_code"
    );
    let error = rv.into_inner();
    assert_round_trips(&error, op, status);
    error
}
