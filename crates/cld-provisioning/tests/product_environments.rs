//! Operation tests for the product-environment, access-key and billing-usage
//! operations of the generated Cloudinary Account Provisioning client.
//!
//! Each test runs one operation against a loopback httpmock server: the mock
//! pins down the whole request the client sends, answers with the spec's
//! example body (`cld_provisioning::examples`), and the test checks what the
//! client decodes from it.

use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use cld_provisioning::mock::{MockServer, MockServerExt};
use cld_provisioning::prelude::*;
use cld_provisioning::{examples, types, Error, ResponseValue};
use httpmock::{Mock, When};
use serde_json::json;

mod support;
use support::*;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// Path and query parameters, taken from the spec's parameter examples.
const ACCOUNT: &str = "16a8ff3b-736b-49a6-85c0-03b69d5a357b";
const SUB_ACCOUNT: &str = "abcde1fghij2klmno3pqrst4uvwxy5z";
const OTHER_SUB_ACCOUNT: &str = "0aaaaa1bbbbb2ccccc3ddddd4eeeee5f";
const API_KEY: &str = "814814814814814";
const KEY_NAME: &str = "main_key";

/// Every error status the API documents.
const ERROR_STATUSES: [u16; 7] = [400, 401, 403, 404, 409, 420, 429];

fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    Some(NaiveDate::from_ymd_opt(y, m, d).unwrap())
}

fn environments_path() -> String {
    format!("/v1_1/provisioning/accounts/{ACCOUNT}/sub_accounts")
}

fn environment_path() -> String {
    format!("/v1_1/provisioning/accounts/{ACCOUNT}/sub_accounts/{SUB_ACCOUNT}")
}

fn access_keys_path() -> String {
    format!("/v1_1/provisioning/accounts/{ACCOUNT}/sub_accounts/{SUB_ACCOUNT}/access_keys")
}

fn access_key_path() -> String {
    format!(
        "/v1_1/provisioning/accounts/{ACCOUNT}/sub_accounts/{SUB_ACCOUNT}/access_keys/{API_KEY}"
    )
}

fn billing_usage_path() -> String {
    format!("/v1_1/provisioning/accounts/{ACCOUNT}/billing_usage")
}

/// The request body of the spec's create_product_environment example.
fn environment_request() -> types::ProductEnvironmentRequest {
    types::ProductEnvironmentRequest {
        name: "Product3 Application".to_string(),
        cloud_name: Some("product3".to_string()),
        base_sub_account_id: Some(OTHER_SUB_ACCOUNT.to_string()),
        custom_attributes: Default::default(),
    }
}

/// The request body of the spec's update_product_environment example.
fn environment_update() -> types::ProductEnvironmentUpdateRequest {
    types::ProductEnvironmentUpdateRequest {
        name: Some("Product1 Application (EU)".to_string()),
        enabled: Some(true),
        ..Default::default()
    }
}

/// The request body of the spec's generate_access_key example.
fn key_request() -> types::AccessKeyRequest {
    types::AccessKeyRequest {
        name: Some(KEY_NAME.to_string()),
        enabled: Some(true),
    }
}

/// The request body of the spec's update_access_key example.
fn key_update() -> types::AccessKeyUpdateRequest {
    types::AccessKeyUpdateRequest {
        name: Some("webhooks_key".to_string()),
        enabled: Some(true),
        dedicated_for: Some(types::AccessKeyDedicatedFor::Webhooks),
    }
}

/// A request without a body (GET and DELETE).
fn expect_no_body(when: When, query_params: usize) -> When {
    // `body("")` is refused by httpmock for GET, hence the custom matcher.
    expect_common(when, query_params)
        .header_missing("content-type")
        .is_true(|req| req.body_ref().is_empty())
}

/// The raw query string must be exactly `query` (`None`: no `?` at all), so
/// the wire form of repeated keys is pinned, not just what httpmock decodes.
fn expect_raw_query(when: When, query: Option<&'static str>) -> When {
    when.is_true(move |req| req.uri().query() == query)
}

/// Mocks `op` for the test ids, answering `status` with `body` (for the
/// table-driven error test; the per-status tests use the named helpers).
fn mock_error<'a>(server: &'a MockServer, op: &str, status: u16, body: &types::Error) -> Mock<'a> {
    match op {
        "list_product_environments" => server.list_product_environments(|when, then| {
            when.account_id(ACCOUNT);
            then.client_error(status, body);
        }),
        "create_product_environment" => server.create_product_environment(|when, then| {
            when.account_id(ACCOUNT);
            then.client_error(status, body);
        }),
        "get_product_environment" => server.get_product_environment(|when, then| {
            when.account_id(ACCOUNT).sub_account_id(SUB_ACCOUNT);
            then.client_error(status, body);
        }),
        "update_product_environment" => server.update_product_environment(|when, then| {
            when.account_id(ACCOUNT).sub_account_id(SUB_ACCOUNT);
            then.client_error(status, body);
        }),
        "delete_product_environment" => server.delete_product_environment(|when, then| {
            when.account_id(ACCOUNT).sub_account_id(SUB_ACCOUNT);
            then.client_error(status, body);
        }),
        "list_access_keys" => server.list_access_keys(|when, then| {
            when.account_id(ACCOUNT).sub_account_id(SUB_ACCOUNT);
            then.client_error(status, body);
        }),
        "generate_access_key" => server.generate_access_key(|when, then| {
            when.account_id(ACCOUNT).sub_account_id(SUB_ACCOUNT);
            then.client_error(status, body);
        }),
        "delete_access_key_by_name" => server.delete_access_key_by_name(|when, then| {
            when.account_id(ACCOUNT)
                .sub_account_id(SUB_ACCOUNT)
                .name(KEY_NAME);
            then.client_error(status, body);
        }),
        "update_access_key" => server.update_access_key(|when, then| {
            when.account_id(ACCOUNT)
                .sub_account_id(SUB_ACCOUNT)
                .key(API_KEY);
            then.client_error(status, body);
        }),
        "delete_access_key" => server.delete_access_key(|when, then| {
            when.account_id(ACCOUNT)
                .sub_account_id(SUB_ACCOUNT)
                .key(API_KEY);
            then.client_error(status, body);
        }),
        // No 420 is documented here, so the typed `Then` has no
        // `client_error`: one named helper per documented status.
        "get_billing_usage" => server.get_billing_usage(|when, then| {
            when.account_id(ACCOUNT);
            match status {
                400 => then.bad_request(body),
                401 => then.unauthorized(body),
                403 => then.forbidden(body),
                404 => then.not_found(body),
                429 => then.too_many_requests(body),
                other => panic!("get_billing_usage documents no {other}"),
            };
        }),
        other => panic!("no mock for operation {other}: add it to mock_error"),
    }
}

/// Calls `op` with the test ids; the success value is dropped.
async fn call(client: &Client, op: &str) -> Result<ResponseValue<()>, Error<types::Error>> {
    fn unit<T>(rv: ResponseValue<T>) -> ResponseValue<()> {
        ResponseValue::new((), rv.status(), rv.headers().clone())
    }
    match op {
        "list_product_environments" => client
            .list_product_environments()
            .account_id(ACCOUNT)
            .send()
            .await
            .map(unit),
        "create_product_environment" => client
            .create_product_environment()
            .account_id(ACCOUNT)
            .body(environment_request())
            .send()
            .await
            .map(unit),
        "get_product_environment" => client
            .get_product_environment()
            .account_id(ACCOUNT)
            .sub_account_id(SUB_ACCOUNT)
            .send()
            .await
            .map(unit),
        "update_product_environment" => client
            .update_product_environment()
            .account_id(ACCOUNT)
            .sub_account_id(SUB_ACCOUNT)
            .body(environment_update())
            .send()
            .await
            .map(unit),
        "delete_product_environment" => client
            .delete_product_environment()
            .account_id(ACCOUNT)
            .sub_account_id(SUB_ACCOUNT)
            .send()
            .await
            .map(unit),
        "list_access_keys" => client
            .list_access_keys()
            .account_id(ACCOUNT)
            .sub_account_id(SUB_ACCOUNT)
            .send()
            .await
            .map(unit),
        "generate_access_key" => client
            .generate_access_key()
            .account_id(ACCOUNT)
            .sub_account_id(SUB_ACCOUNT)
            .body(key_request())
            .send()
            .await
            .map(unit),
        "delete_access_key_by_name" => client
            .delete_access_key_by_name()
            .account_id(ACCOUNT)
            .sub_account_id(SUB_ACCOUNT)
            .name(KEY_NAME)
            .send()
            .await
            .map(unit),
        "update_access_key" => client
            .update_access_key()
            .account_id(ACCOUNT)
            .sub_account_id(SUB_ACCOUNT)
            .key(API_KEY)
            .body(key_update())
            .send()
            .await
            .map(unit),
        "delete_access_key" => client
            .delete_access_key()
            .account_id(ACCOUNT)
            .sub_account_id(SUB_ACCOUNT)
            .key(API_KEY)
            .send()
            .await
            .map(unit),
        "get_billing_usage" => client
            .get_billing_usage()
            .account_id(ACCOUNT)
            .send()
            .await
            .map(unit),
        other => panic!("no call for operation {other}: add it to call"),
    }
}

/// The operations this file covers: the spec's product-environment, access-key
/// and billing-usage operations (their paths go through the account's own
/// `/sub_accounts` or `/billing_usage`; a user's `/users/{user_id}/sub_accounts`
/// belongs to the user tests), so a new one cannot go untested silently.
const TESTED_OPERATIONS: [&str; 11] = [
    "list_product_environments",
    "create_product_environment",
    "get_product_environment",
    "update_product_environment",
    "delete_product_environment",
    "list_access_keys",
    "generate_access_key",
    "delete_access_key_by_name",
    "update_access_key",
    "delete_access_key",
    "get_billing_usage",
];

#[test]
fn every_product_environment_access_key_and_billing_operation_of_the_spec_is_tested_here() {
    let spec: Vec<&str> = examples::OPERATIONS
        .iter()
        .filter(|(_, _, path)| {
            path.starts_with("/v1_1/provisioning/accounts/{account_id}/sub_accounts")
                || path.contains("/billing_usage")
        })
        .map(|(id, _, _)| *id)
        .collect();
    assert_eq!(spec, TESTED_OPERATIONS);
}

// ---------------------------------------------------------------------------
// Product environments
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_product_environments_without_filters_sends_no_query_parameter() {
    let server = MockServer::start_async().await;
    let body: types::ProductEnvironmentList = example("list_product_environments", 200);
    let mock = server.list_product_environments(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .enabled(None)
            .prefix(None)
            .into_inner()
            .query_param_missing("ids")
            .query_param_missing("cloud_names");
        expect_raw_query(expect_no_body(when, 0), None).path(environments_path());
        then.ok(&body);
    });

    let list = client(&server)
        .list_product_environments()
        .account_id(ACCOUNT)
        .send()
        .await
        .expect("list_product_environments")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(list.sub_accounts.len(), 2);
    let first = &list.sub_accounts[0];
    assert_eq!(first.id, SUB_ACCOUNT);
    assert_eq!(first.name, "Product1 Application");
    assert_eq!(first.cloud_name, "product1");
    assert_eq!(first.enabled, Some(true));
    assert_eq!(first.created_at, utc(2016, 9, 27, 8, 0, 16));
    assert_eq!(first.updated_at, utc(2016, 9, 27, 8, 0, 16));
    assert_eq!(first.api_access_keys.len(), 1);
    assert_eq!(first.api_access_keys[0].key, "123456789012345");
    assert_eq!(
        first.api_access_keys[0].secret.as_ref().map(|s| s.expose()),
        Some("asdf1JKL2xyz3ABc4s3c5reT01DfaKez")
    );
    assert_eq!(first.api_access_keys[0].enabled, Some(true));
    let second = &list.sub_accounts[1];
    assert_eq!(second.id, OTHER_SUB_ACCOUNT);
    assert_eq!(second.cloud_name, "product2");
    assert_eq!(second.created_at, utc(2016, 3, 15, 11, 44, 48));
    assert_eq!(second.api_access_keys[0].key, "543210987654321");
    assert_round_trips(&list, "list_product_environments", 200);
}

#[tokio::test]
async fn list_product_environments_sends_ids_as_one_repeated_key_per_id() {
    let server = MockServer::start_async().await;
    let body: types::ProductEnvironmentList = example("list_product_environments", 200);
    let mock = server.list_product_environments(|when, then| {
        // `ids` has no typed matcher: raw matchers, one per value, and a count.
        let when = when
            .account_id(ACCOUNT)
            .enabled(None)
            .prefix(None)
            .into_inner()
            .query_param("ids", SUB_ACCOUNT)
            .query_param("ids", OTHER_SUB_ACCOUNT)
            .query_param_count("^ids$", ".*", 2)
            .query_param_missing("cloud_names");
        expect_raw_query(
            expect_no_body(when, 2),
            Some("ids=abcde1fghij2klmno3pqrst4uvwxy5z&ids=0aaaaa1bbbbb2ccccc3ddddd4eeeee5f"),
        )
        .path(environments_path());
        then.ok(&body);
    });

    let list = client(&server)
        .list_product_environments()
        .account_id(ACCOUNT)
        .ids(vec![SUB_ACCOUNT.to_string(), OTHER_SUB_ACCOUNT.to_string()])
        .send()
        .await
        .expect("list_product_environments")
        .into_inner();

    mock.assert_async().await;
    let ids: Vec<&str> = list.sub_accounts.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, [SUB_ACCOUNT, OTHER_SUB_ACCOUNT]);
}

#[tokio::test]
async fn list_product_environments_sends_cloud_names_as_one_repeated_key_per_name() {
    let server = MockServer::start_async().await;
    let body: types::ProductEnvironmentList = example("list_product_environments", 200);
    let mock = server.list_product_environments(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .enabled(None)
            .prefix(None)
            .into_inner()
            .query_param("cloud_names", "product1")
            .query_param("cloud_names", "product2")
            .query_param_count("^cloud_names$", ".*", 2)
            .query_param_missing("ids");
        expect_raw_query(
            expect_no_body(when, 2),
            Some("cloud_names=product1&cloud_names=product2"),
        )
        .path(environments_path());
        then.ok(&body);
    });

    let list = client(&server)
        .list_product_environments()
        .account_id(ACCOUNT)
        .cloud_names(vec!["product1".to_string(), "product2".to_string()])
        .send()
        .await
        .expect("list_product_environments")
        .into_inner();

    mock.assert_async().await;
    let names: Vec<&str> = list
        .sub_accounts
        .iter()
        .map(|e| e.cloud_name.as_str())
        .collect();
    assert_eq!(names, ["product1", "product2"]);
}

#[tokio::test]
async fn list_product_environments_sends_a_single_id_as_one_key() {
    let server = MockServer::start_async().await;
    let full: types::ProductEnvironmentList = example("list_product_environments", 200);
    let body = types::ProductEnvironmentList {
        sub_accounts: vec![full.sub_accounts[0].clone()],
    };
    let mock = server.list_product_environments(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .into_inner()
            .query_param("ids", SUB_ACCOUNT)
            .query_param_count("^ids$", ".*", 1);
        expect_raw_query(
            expect_no_body(when, 1),
            Some("ids=abcde1fghij2klmno3pqrst4uvwxy5z"),
        )
        .path(environments_path());
        then.ok(&body);
    });

    let list = client(&server)
        .list_product_environments()
        .account_id(ACCOUNT)
        .ids(vec![SUB_ACCOUNT.to_string()])
        .send()
        .await
        .expect("list_product_environments")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(list, body);
}

#[tokio::test]
async fn list_product_environments_sends_enabled_and_an_encoded_prefix() {
    let server = MockServer::start_async().await;
    let body: types::ProductEnvironmentList = example("list_product_environments", 200);
    // A prefix with a space, `&` and `=` must stay one value.
    let prefix = "Product 1&x=y";
    let mock = server.list_product_environments(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .enabled(false)
            .prefix(prefix)
            .into_inner()
            .query_param("enabled", "false")
            .query_param("prefix", prefix)
            .query_param_missing("ids")
            .query_param_missing("cloud_names");
        expect_no_body(when, 2).path(environments_path());
        then.ok(&body);
    });

    client(&server)
        .list_product_environments()
        .account_id(ACCOUNT)
        .enabled(false)
        .prefix(prefix)
        .send()
        .await
        .expect("list_product_environments");

    mock.assert_async().await;
}

#[tokio::test]
async fn list_product_environments_sends_every_filter_together() {
    let server = MockServer::start_async().await;
    let body: types::ProductEnvironmentList = example("list_product_environments", 200);
    let mock = server.list_product_environments(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .enabled(true)
            .prefix("product")
            .into_inner()
            .query_param("enabled", "true")
            .query_param("prefix", "product")
            .query_param("ids", SUB_ACCOUNT)
            .query_param("ids", OTHER_SUB_ACCOUNT)
            .query_param_count("^ids$", ".*", 2)
            .query_param("cloud_names", "product1")
            .query_param("cloud_names", "product2")
            .query_param_count("^cloud_names$", ".*", 2);
        expect_no_body(when, 6).path(environments_path());
        then.ok(&body);
    });

    let list = client(&server)
        .list_product_environments()
        .account_id(ACCOUNT)
        .enabled(true)
        .ids(vec![SUB_ACCOUNT.to_string(), OTHER_SUB_ACCOUNT.to_string()])
        .cloud_names(vec!["product1".to_string(), "product2".to_string()])
        .prefix("product")
        .send()
        .await
        .expect("list_product_environments")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(list, body);
}

/// Documents today's behaviour (see the closing note): an empty `ids` list is
/// not sent at all, so the request is the unfiltered one and the service
/// answers with every product environment.
#[tokio::test]
async fn list_product_environments_with_an_empty_ids_list_sends_no_ids_at_all() {
    let server = MockServer::start_async().await;
    let body: types::ProductEnvironmentList = example("list_product_environments", 200);
    let mock = server.list_product_environments(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .into_inner()
            .query_param_missing("ids");
        expect_raw_query(expect_no_body(when, 0), None).path(environments_path());
        then.ok(&body);
    });

    client(&server)
        .list_product_environments()
        .account_id(ACCOUNT)
        .ids(Vec::<String>::new())
        .send()
        .await
        .expect("list_product_environments");

    mock.assert_async().await;
}

#[tokio::test]
async fn create_product_environment_sends_the_request_and_decodes_the_new_environment() {
    let server = MockServer::start_async().await;
    let body: types::ProductEnvironment = example("create_product_environment", 200);
    let mock = server.create_product_environment(|when, then| {
        let when = when.account_id(ACCOUNT).into_inner();
        expect_json_body(
            when,
            json!({
                "name": "Product3 Application",
                "cloud_name": "product3",
                "base_sub_account_id": OTHER_SUB_ACCOUNT,
            }),
        )
        .path(environments_path());
        then.ok(&body);
    });

    let environment = client(&server)
        .create_product_environment()
        .account_id(ACCOUNT)
        .body(environment_request())
        .send()
        .await
        .expect("create_product_environment")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(environment.id, "555asdf0000zxcvb3456qwerty");
    assert_eq!(environment.name, "Product3 Application");
    assert_eq!(environment.cloud_name, "product3");
    assert_eq!(environment.enabled, Some(false));
    assert_eq!(environment.created_at, utc(2016, 9, 27, 11, 15, 35));
    assert_eq!(environment.updated_at, utc(2016, 9, 27, 11, 15, 35));
    assert_eq!(environment.api_access_keys.len(), 1);
    assert_eq!(environment.api_access_keys[0].key, "135792468054321");
    assert_eq!(
        environment.api_access_keys[0]
            .secret
            .as_ref()
            .map(|s| s.expose()),
        Some("w4aTi5Y0u6k3YN0773lL1nGyUt0Da8")
    );
    assert_round_trips(&environment, "create_product_environment", 200);
}

#[tokio::test]
async fn create_product_environment_sends_only_the_name_and_custom_attributes_when_set() {
    let server = MockServer::start_async().await;
    let body: types::ProductEnvironment = example("create_product_environment", 200);
    let mock = server.create_product_environment(|when, then| {
        let when = when.account_id(ACCOUNT).into_inner();
        expect_json_body(
            when,
            json!({
                "name": "Product3 Application",
                "custom_attributes": {"team": "web", "tier": 2, "tags": ["a", "b"]},
            }),
        )
        .path(environments_path());
        then.ok(&body);
    });
    let attributes = json!({"team": "web", "tier": 2, "tags": ["a", "b"]});
    let request = types::ProductEnvironmentRequest {
        name: "Product3 Application".to_string(),
        cloud_name: None,
        base_sub_account_id: None,
        custom_attributes: attributes.as_object().unwrap().clone(),
    };

    client(&server)
        .create_product_environment()
        .account_id(ACCOUNT)
        .body(request)
        .send()
        .await
        .expect("create_product_environment");

    mock.assert_async().await;
}

#[tokio::test]
async fn get_product_environment_decodes_the_environment_and_its_keys() {
    let server = MockServer::start_async().await;
    let body: types::ProductEnvironment = example("get_product_environment", 200);
    let mock = server.get_product_environment(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .sub_account_id(SUB_ACCOUNT)
            .into_inner();
        expect_raw_query(expect_no_body(when, 0), None).path(environment_path());
        then.ok(&body);
    });

    let environment = client(&server)
        .get_product_environment()
        .account_id(ACCOUNT)
        .sub_account_id(SUB_ACCOUNT)
        .send()
        .await
        .expect("get_product_environment")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(environment.id, SUB_ACCOUNT);
    assert_eq!(environment.name, "Product1 Application");
    assert_eq!(environment.cloud_name, "product1");
    assert_eq!(environment.enabled, Some(true));
    assert_eq!(environment.created_at, utc(2016, 9, 27, 8, 0, 16));
    assert_eq!(environment.api_access_keys[0].key, "123456789012345");
    assert_eq!(environment.api_access_keys[0].enabled, Some(true));
    assert_round_trips(&environment, "get_product_environment", 200);
}

#[tokio::test]
async fn update_product_environment_sends_only_the_changed_fields() {
    let server = MockServer::start_async().await;
    let body: types::ProductEnvironment = example("update_product_environment", 200);
    let mock = server.update_product_environment(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .sub_account_id(SUB_ACCOUNT)
            .into_inner();
        expect_json_body(
            when,
            json!({"name": "Product1 Application (EU)", "enabled": true}),
        )
        .path(environment_path());
        then.ok(&body);
    });

    let environment = client(&server)
        .update_product_environment()
        .account_id(ACCOUNT)
        .sub_account_id(SUB_ACCOUNT)
        .body(environment_update())
        .send()
        .await
        .expect("update_product_environment")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(environment.id, SUB_ACCOUNT);
    assert_eq!(environment.name, "Product1 Application (EU)");
    assert_eq!(environment.enabled, Some(true));
    assert_eq!(environment.created_at, utc(2016, 9, 27, 8, 0, 16));
    assert_eq!(environment.updated_at, utc(2024, 5, 2, 14, 31, 7));
    assert_round_trips(&environment, "update_product_environment", 200);
}

#[tokio::test]
async fn update_product_environment_sends_a_new_cloud_name_and_disabling() {
    let server = MockServer::start_async().await;
    let body: types::ProductEnvironment = example("update_product_environment", 200);
    let mock = server.update_product_environment(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .sub_account_id(SUB_ACCOUNT)
            .into_inner();
        expect_json_body(
            when,
            json!({"cloud_name": "product1-eu", "enabled": false, "custom_attributes": {"region": "eu"}}),
        )
        .path(environment_path());
        then.ok(&body);
    });
    let update = types::ProductEnvironmentUpdateRequest {
        cloud_name: Some("product1-eu".to_string()),
        enabled: Some(false),
        custom_attributes: json!({"region": "eu"}).as_object().unwrap().clone(),
        name: None,
    };

    client(&server)
        .update_product_environment()
        .account_id(ACCOUNT)
        .sub_account_id(SUB_ACCOUNT)
        .body(update)
        .send()
        .await
        .expect("update_product_environment");

    mock.assert_async().await;
}

/// Documents today's behaviour (see the closing note): an empty
/// `custom_attributes` map is left out of the body, so an update cannot send
/// `"custom_attributes": {}`.
#[tokio::test]
async fn update_product_environment_leaves_an_empty_custom_attributes_map_out() {
    let server = MockServer::start_async().await;
    let body: types::ProductEnvironment = example("update_product_environment", 200);
    let mock = server.update_product_environment(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .sub_account_id(SUB_ACCOUNT)
            .into_inner();
        expect_json_body(when, json!({})).path(environment_path());
        then.ok(&body);
    });

    client(&server)
        .update_product_environment()
        .account_id(ACCOUNT)
        .sub_account_id(SUB_ACCOUNT)
        .body(types::ProductEnvironmentUpdateRequest::default())
        .send()
        .await
        .expect("update_product_environment");

    mock.assert_async().await;
}

#[tokio::test]
async fn delete_product_environment_decodes_the_message_acknowledgement() {
    let server = MockServer::start_async().await;
    let body: types::SuccessResponse = example("delete_product_environment", 200);
    let mock = server.delete_product_environment(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .sub_account_id(SUB_ACCOUNT)
            .into_inner();
        expect_raw_query(expect_no_body(when, 0), None).path(environment_path());
        then.ok(&body);
    });

    let ack = client(&server)
        .delete_product_environment()
        .account_id(ACCOUNT)
        .sub_account_id(SUB_ACCOUNT)
        .send()
        .await
        .expect("delete_product_environment")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(ack.message.as_deref(), Some("ok"));
    assert_eq!(ack.ok, None);
    assert_round_trips(&ack, "delete_product_environment", 200);
}

// ---------------------------------------------------------------------------
// Access keys
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_access_keys_without_paging_sends_no_query_parameter_and_decodes_every_key() {
    let server = MockServer::start_async().await;
    let body: types::AccessKeyList = example("list_access_keys", 200);
    let mock = server.list_access_keys(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .sub_account_id(SUB_ACCOUNT)
            .page(None)
            .page_size(None)
            .sort_by(None)
            .sort_order(None)
            .into_inner();
        expect_raw_query(expect_no_body(when, 0), None).path(access_keys_path());
        then.ok(&body);
    });

    let list = client(&server)
        .list_access_keys()
        .account_id(ACCOUNT)
        .sub_account_id(SUB_ACCOUNT)
        .send()
        .await
        .expect("list_access_keys")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(list.total, Some(2));
    assert_eq!(list.access_keys.len(), 2);
    let main = &list.access_keys[0];
    assert_eq!(main.name.as_deref(), Some("main_key"));
    assert_eq!(main.api_key, API_KEY);
    assert_eq!(
        main.api_secret.as_ref().map(|s| s.expose()),
        Some("QcsQcsQcsQcsQcsQcsQcsQcsQcs")
    );
    assert_eq!(main.enabled, Some(true));
    assert_eq!(main.created_at, utc(2022, 3, 15, 11, 44, 48));
    assert_eq!(main.updated_at, utc(2023, 8, 10, 9, 23, 45));
    let secondary = &list.access_keys[1];
    assert_eq!(secondary.name.as_deref(), Some("secondary_key"));
    assert_eq!(secondary.api_key, "418418418418418");
    assert_eq!(secondary.enabled, Some(false));
    assert_eq!(secondary.updated_at, utc(2023, 9, 10, 9, 45, 57));
    assert_round_trips(&list, "list_access_keys", 200);
}

#[tokio::test]
async fn list_access_keys_sends_paging_and_sorting_as_their_wire_values() {
    let server = MockServer::start_async().await;
    let body: types::AccessKeyList = example("list_access_keys", 200);
    let mock = server.list_access_keys(|when, then| {
        // Raw matchers with the literal wire values, so neither the client's
        // serializer nor the typed matcher's `Display` is trusted.
        let when = when
            .account_id(ACCOUNT)
            .sub_account_id(SUB_ACCOUNT)
            .into_inner()
            .query_param("page", "2")
            .query_param("page_size", "10")
            .query_param("sort_by", "created_at")
            .query_param("sort_order", "asc");
        expect_no_body(when, 4).path(access_keys_path());
        then.ok(&body);
    });

    client(&server)
        .list_access_keys()
        .account_id(ACCOUNT)
        .sub_account_id(SUB_ACCOUNT)
        .page(2)
        .page_size(10)
        .sort_by(types::AccessKeySortBy::CreatedAt)
        .sort_order(types::AccessKeySortOrder::Asc)
        .send()
        .await
        .expect("list_access_keys");

    mock.assert_async().await;
}

#[tokio::test]
async fn list_access_keys_typed_matchers_accept_what_the_client_sends() {
    let server = MockServer::start_async().await;
    let body: types::AccessKeyList = example("list_access_keys", 200);
    let mock = server.list_access_keys(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .sub_account_id(SUB_ACCOUNT)
            .page(1)
            .page_size(100)
            .sort_by(types::AccessKeySortBy::Name)
            .sort_order(types::AccessKeySortOrder::Desc)
            .into_inner();
        expect_no_body(when, 4).path(access_keys_path());
        then.ok(&body);
    });

    client(&server)
        .list_access_keys()
        .account_id(ACCOUNT)
        .sub_account_id(SUB_ACCOUNT)
        .page(1)
        .page_size(100)
        .sort_by(types::AccessKeySortBy::Name)
        .sort_order(types::AccessKeySortOrder::Desc)
        .send()
        .await
        .expect("list_access_keys");

    mock.assert_async().await;
}

#[tokio::test]
async fn list_access_keys_sends_every_sort_field_and_direction_by_its_spec_name() {
    let server = MockServer::start_async().await;
    let client = client(&server);
    let body: types::AccessKeyList = example("list_access_keys", 200);
    let sort_by = [
        (types::AccessKeySortBy::ApiKey, "api_key"),
        (types::AccessKeySortBy::CreatedAt, "created_at"),
        (types::AccessKeySortBy::Name, "name"),
        (types::AccessKeySortBy::Enabled, "enabled"),
    ];
    for (value, wire) in sort_by {
        let mock = server.list_access_keys(|when, then| {
            let when = when.into_inner().query_param("sort_by", wire);
            expect_no_body(when, 1).path(access_keys_path());
            then.ok(&body);
        });
        client
            .list_access_keys()
            .account_id(ACCOUNT)
            .sub_account_id(SUB_ACCOUNT)
            .sort_by(value)
            .send()
            .await
            .unwrap_or_else(|e| panic!("sort_by {wire}: {e:?}"));
        assert_eq!(mock.calls_async().await, 1, "sort_by={wire}");
        mock.delete_async().await;
    }
    let sort_order = [
        (types::AccessKeySortOrder::Desc, "desc"),
        (types::AccessKeySortOrder::Asc, "asc"),
    ];
    for (value, wire) in sort_order {
        let mock = server.list_access_keys(|when, then| {
            let when = when.into_inner().query_param("sort_order", wire);
            expect_no_body(when, 1).path(access_keys_path());
            then.ok(&body);
        });
        client
            .list_access_keys()
            .account_id(ACCOUNT)
            .sub_account_id(SUB_ACCOUNT)
            .sort_order(value)
            .send()
            .await
            .unwrap_or_else(|e| panic!("sort_order {wire}: {e:?}"));
        assert_eq!(mock.calls_async().await, 1, "sort_order={wire}");
        mock.delete_async().await;
    }
}

#[tokio::test]
async fn generate_access_key_sends_name_and_state_and_decodes_the_new_key() {
    let server = MockServer::start_async().await;
    let body: types::AccessKey = example("generate_access_key", 200);
    let mock = server.generate_access_key(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .sub_account_id(SUB_ACCOUNT)
            .into_inner();
        expect_json_body(when, json!({"name": "main_key", "enabled": true}))
            .path(access_keys_path());
        then.ok(&body);
    });

    let key = client(&server)
        .generate_access_key()
        .account_id(ACCOUNT)
        .sub_account_id(SUB_ACCOUNT)
        .body(key_request())
        .send()
        .await
        .expect("generate_access_key")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(key.api_key, API_KEY);
    assert_eq!(
        key.api_secret.as_ref().map(|s| s.expose()),
        Some("QcsQcsQcsQcsQcsQcsQcsQcsQcs")
    );
    assert_eq!(key.name.as_deref(), Some("main_key"));
    assert_eq!(key.enabled, Some(true));
    assert_eq!(key.created_at, utc(2022, 3, 15, 11, 44, 48));
    assert_eq!(key.updated_at, utc(2022, 3, 15, 11, 44, 48));
    assert_round_trips(&key, "generate_access_key", 200);
}

#[tokio::test]
async fn generate_access_key_without_name_or_state_sends_an_empty_object() {
    let server = MockServer::start_async().await;
    let body: types::AccessKey = example("generate_access_key", 200);
    let mock = server.generate_access_key(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .sub_account_id(SUB_ACCOUNT)
            .into_inner();
        expect_json_body(when, json!({})).path(access_keys_path());
        then.ok(&body);
    });

    client(&server)
        .generate_access_key()
        .account_id(ACCOUNT)
        .sub_account_id(SUB_ACCOUNT)
        .body(types::AccessKeyRequest::default())
        .send()
        .await
        .expect("generate_access_key");

    mock.assert_async().await;
}

#[tokio::test]
async fn delete_access_key_by_name_sends_the_name_as_the_only_query_parameter() {
    let server = MockServer::start_async().await;
    let body: types::SuccessResponse = example("delete_access_key_by_name", 200);
    let mock = server.delete_access_key_by_name(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .sub_account_id(SUB_ACCOUNT)
            .name(KEY_NAME)
            .into_inner()
            .query_param("name", "main_key");
        expect_raw_query(expect_no_body(when, 1), Some("name=main_key")).path(access_keys_path());
        then.ok(&body);
    });

    let ack = client(&server)
        .delete_access_key_by_name()
        .account_id(ACCOUNT)
        .sub_account_id(SUB_ACCOUNT)
        .name(KEY_NAME)
        .send()
        .await
        .expect("delete_access_key_by_name")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(ack.message.as_deref(), Some("ok"));
    assert_eq!(ack.ok, None);
    assert_round_trips(&ack, "delete_access_key_by_name", 200);
}

#[tokio::test]
async fn delete_access_key_by_name_keeps_a_name_with_reserved_characters_one_value() {
    let server = MockServer::start_async().await;
    let body: types::SuccessResponse = example("delete_access_key_by_name", 200);
    let name = "ci key&env=prod/1";
    let mock = server.delete_access_key_by_name(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .sub_account_id(SUB_ACCOUNT)
            .name(name)
            .into_inner();
        expect_no_body(when, 1).path(access_keys_path());
        then.ok(&body);
    });

    client(&server)
        .delete_access_key_by_name()
        .account_id(ACCOUNT)
        .sub_account_id(SUB_ACCOUNT)
        .name(name)
        .send()
        .await
        .expect("delete_access_key_by_name");

    mock.assert_async().await;
}

#[tokio::test]
async fn delete_access_key_by_name_without_a_name_fails_before_sending() {
    let server = MockServer::start_async().await;
    let body: types::SuccessResponse = example("delete_access_key_by_name", 200);
    let mock = server.delete_access_key_by_name(|_, then| {
        then.ok(&body);
    });

    let result = client(&server)
        .delete_access_key_by_name()
        .account_id(ACCOUNT)
        .sub_account_id(SUB_ACCOUNT)
        .send()
        .await;

    match result {
        Err(Error::InvalidRequest(message)) => assert_eq!(message, "name was not initialized"),
        other => panic!("expected Error::InvalidRequest, got {other:?}"),
    }
    assert_eq!(mock.calls_async().await, 0, "nothing may be sent");
}

#[tokio::test]
async fn update_access_key_sends_the_changes_and_decodes_the_renamed_key() {
    let server = MockServer::start_async().await;
    let body: types::AccessKey = example("update_access_key", 200);
    let mock = server.update_access_key(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .sub_account_id(SUB_ACCOUNT)
            .key(API_KEY)
            .into_inner();
        expect_json_body(
            when,
            json!({"name": "webhooks_key", "enabled": true, "dedicated_for": "webhooks"}),
        )
        .path(access_key_path());
        then.ok(&body);
    });

    let key = client(&server)
        .update_access_key()
        .account_id(ACCOUNT)
        .sub_account_id(SUB_ACCOUNT)
        .key(API_KEY)
        .body(key_update())
        .send()
        .await
        .expect("update_access_key")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(key.api_key, API_KEY);
    assert_eq!(key.name.as_deref(), Some("webhooks_key"));
    assert_eq!(key.enabled, Some(true));
    assert_eq!(key.created_at, utc(2022, 3, 15, 11, 44, 48));
    assert_eq!(key.updated_at, utc(2023, 8, 10, 9, 23, 45));
    assert_round_trips(&key, "update_access_key", 200);
}

#[tokio::test]
async fn update_access_key_can_just_disable_the_key() {
    let server = MockServer::start_async().await;
    let body: types::AccessKey = example("update_access_key", 200);
    let mock = server.update_access_key(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .sub_account_id(SUB_ACCOUNT)
            .key(API_KEY)
            .into_inner();
        expect_json_body(when, json!({"enabled": false})).path(access_key_path());
        then.ok(&body);
    });
    let update = types::AccessKeyUpdateRequest {
        enabled: Some(false),
        ..Default::default()
    };

    client(&server)
        .update_access_key()
        .account_id(ACCOUNT)
        .sub_account_id(SUB_ACCOUNT)
        .key(API_KEY)
        .body(update)
        .send()
        .await
        .expect("update_access_key");

    mock.assert_async().await;
}

#[tokio::test]
async fn delete_access_key_names_the_key_in_the_path_and_decodes_the_acknowledgement() {
    let server = MockServer::start_async().await;
    let body: types::SuccessResponse = example("delete_access_key", 200);
    let mock = server.delete_access_key(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .sub_account_id(SUB_ACCOUNT)
            .key(API_KEY)
            .into_inner();
        expect_raw_query(expect_no_body(when, 0), None).path(access_key_path());
        then.ok(&body);
    });

    let ack = client(&server)
        .delete_access_key()
        .account_id(ACCOUNT)
        .sub_account_id(SUB_ACCOUNT)
        .key(API_KEY)
        .send()
        .await
        .expect("delete_access_key")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(ack.message.as_deref(), Some("ok"));
    assert_round_trips(&ack, "delete_access_key", 200);
}

// ---------------------------------------------------------------------------
// Billing usage
// ---------------------------------------------------------------------------

#[tokio::test]
async fn get_billing_usage_sends_year_and_breakdown_and_decodes_the_plan_array() {
    let server = MockServer::start_async().await;
    let body: Vec<types::BillingUsagePlan> = example("get_billing_usage", 200);
    let mock = server.get_billing_usage(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .year(2025)
            .include_prodenv_breakdown(true)
            .into_inner()
            .query_param("year", "2025")
            .query_param("include_prodenv_breakdown", "true");
        expect_no_body(when, 2).path(billing_usage_path());
        then.ok(&body);
    });

    let plans = client(&server)
        .get_billing_usage()
        .account_id(ACCOUNT)
        .year(2025)
        .include_prodenv_breakdown(true)
        .send()
        .await
        .expect("get_billing_usage")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(plans.len(), 1);
    let plan = &plans[0];
    assert_eq!(plan.plan_name, "Advanced Extra PAYG +");
    assert_eq!(plan.metric_usage.len(), 1);
    let credit = &plan.metric_usage[0];
    assert_eq!(credit.metric, "credit");
    assert_eq!(credit.limit, Some(1350.0));
    assert!(credit.monthly_cycles.is_empty());
    assert_eq!(credit.cycles.len(), 1);
    let cycle = &credit.cycles[0];
    assert_eq!(cycle.from_day, day(2025, 2, 5));
    assert_eq!(cycle.to_day, day(2025, 3, 4));
    assert_eq!(cycle.usage, Some(2300.0));
    // Exact f64 equality with the literals rustc parses: the decimals of the
    // example must decode to exactly the same doubles.
    let breakdown = cycle.breakdown.as_ref().expect("breakdown");
    assert_eq!(breakdown.storage_image, Some(517.71));
    assert_eq!(breakdown.storage_video, Some(0.22));
    assert_eq!(breakdown.storage_raw, Some(0.0));
    assert_eq!(breakdown.transformations_image, Some(59.39));
    assert_eq!(breakdown.transformations_video, Some(0.0));
    assert_eq!(breakdown.video_seconds, Some(790.21));
    assert_eq!(breakdown.bandwidth_raw, Some(0.0));
    assert_eq!(breakdown.image_impressions, Some(932.46));
    assert_eq!(breakdown.bandwidth_image, None);
    assert_eq!(breakdown.bandwidth_video, None);
    let per_environment = &cycle.product_environment_breakdown;
    assert_eq!(per_environment.len(), 2);
    assert_eq!(per_environment[0].cloud_name.as_deref(), Some("myproduct1"));
    assert_eq!(per_environment[0].storage_image, Some(0.04));
    assert_eq!(per_environment[0].storage_video, Some(0.11));
    assert_eq!(per_environment[0].image_impressions, Some(0.0));
    assert_eq!(per_environment[1].cloud_name.as_deref(), Some("myproduct2"));
    assert_eq!(per_environment[1].storage_image, Some(517.67));
    assert_eq!(per_environment[1].video_seconds, Some(790.21));
    assert_eq!(per_environment[1].image_impressions, Some(932.46));
    assert_round_trips(&plans, "get_billing_usage", 200);
    // And the decimals are written back as the same text.
    let text = serde_json::to_string(&plans).unwrap();
    for figure in [
        "\"storage_image\":517.71",
        "\"image_impressions\":932.46",
        "\"storage_raw\":0.0",
        "\"limit\":1350.0",
    ] {
        assert!(text.contains(figure), "{figure} not in {text}");
    }
}

#[tokio::test]
async fn get_billing_usage_without_parameters_sends_none_and_accepts_an_empty_array() {
    let server = MockServer::start_async().await;
    // The spec: without a year and with no active subscription, an empty list.
    let body: Vec<types::BillingUsagePlan> = Vec::new();
    let mock = server.get_billing_usage(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .year(None)
            .include_prodenv_breakdown(None)
            .into_inner();
        expect_raw_query(expect_no_body(when, 0), None).path(billing_usage_path());
        then.ok(&body);
    });

    let plans = client(&server)
        .get_billing_usage()
        .account_id(ACCOUNT)
        .send()
        .await
        .expect("get_billing_usage")
        .into_inner();

    mock.assert_async().await;
    assert!(plans.is_empty());
}

#[tokio::test]
async fn get_billing_usage_sends_include_prodenv_breakdown_false_as_the_word_false() {
    let server = MockServer::start_async().await;
    let body: Vec<types::BillingUsagePlan> = example("get_billing_usage", 200);
    let mock = server.get_billing_usage(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .year(None)
            .into_inner()
            .query_param("include_prodenv_breakdown", "false");
        expect_raw_query(
            expect_no_body(when, 1),
            Some("include_prodenv_breakdown=false"),
        )
        .path(billing_usage_path());
        then.ok(&body);
    });

    client(&server)
        .get_billing_usage()
        .account_id(ACCOUNT)
        .include_prodenv_breakdown(false)
        .send()
        .await
        .expect("get_billing_usage");

    mock.assert_async().await;
}

#[tokio::test]
async fn get_billing_usage_decodes_monthly_cycles_and_integer_written_figures() {
    let server = MockServer::start_async().await;
    // Not a spec example: an annual plan with its months, figures written as
    // integers and with several decimals, a metric without limit.
    let annual = json!([{
        "plan_name": "Advanced Annual",
        "metric_usage": [{
            "metric": "credit",
            "limit": 12000,
            "cycles": [{"from_day": "2025-01-01", "to_day": "2025-12-31", "usage": 5321.125}],
            "monthly_cycles": [
                {"from_day": "2025-01-01", "to_day": "2025-01-31", "usage": 401,
                 "breakdown": {"bandwidth_image": 12.5, "bandwidth_video": 0.001}},
                {"from_day": "2025-02-01", "to_day": "2025-02-28", "usage": 0.3}
            ]
        }, {"metric": "seats"}]
    }]);
    let mock = server.get_billing_usage(|when, then| {
        let when = when.account_id(ACCOUNT).year(2025).into_inner();
        expect_no_body(when, 1).path(billing_usage_path());
        then.into_inner()
            .status(200)
            .header("content-type", "application/json")
            .body(annual.to_string());
    });

    let plans = client(&server)
        .get_billing_usage()
        .account_id(ACCOUNT)
        .year(2025)
        .send()
        .await
        .expect("get_billing_usage")
        .into_inner();

    mock.assert_async().await;
    let metric = &plans[0].metric_usage[0];
    assert_eq!(metric.limit, Some(12000.0));
    assert_eq!(metric.cycles[0].usage, Some(5321.125));
    assert_eq!(metric.cycles[0].to_day, day(2025, 12, 31));
    assert_eq!(metric.monthly_cycles.len(), 2);
    assert_eq!(metric.monthly_cycles[0].usage, Some(401.0));
    let breakdown = metric.monthly_cycles[0].breakdown.as_ref().unwrap();
    assert_eq!(breakdown.bandwidth_image, Some(12.5));
    assert_eq!(breakdown.bandwidth_video, Some(0.001));
    assert_eq!(metric.monthly_cycles[1].usage, Some(0.3));
    assert_eq!(metric.monthly_cycles[1].from_day, day(2025, 2, 1));
    let seats = &plans[0].metric_usage[1];
    assert_eq!(seats.metric, "seats");
    assert_eq!(seats.limit, None);
    assert!(seats.cycles.is_empty());
}

/// Figures a service computes in floating point reach the client in their
/// shortest round-trip form, often 16 or 17 significant digits. They must
/// decode to exactly the double the service printed.
#[tokio::test]
async fn get_billing_usage_decodes_long_decimals_to_the_exact_double() {
    let server = MockServer::start_async().await;
    let figures: [f64; 3] = [94998.38857142857, 24163.967142857142, 13166.894285714287];
    let text = format!(
        "[{{\"plan_name\":\"Advanced PAYG\",\"metric_usage\":[{{\"metric\":\"credit\",\"cycles\":[{{\"usage\":{:?}}},{{\"usage\":{:?}}},{{\"usage\":{:?}}}]}}]}}]",
        figures[0], figures[1], figures[2]
    );
    let mock = server.get_billing_usage(|when, then| {
        when.account_id(ACCOUNT);
        then.into_inner()
            .status(200)
            .header("content-type", "application/json")
            .body(text.clone());
    });

    let plans = client(&server)
        .get_billing_usage()
        .account_id(ACCOUNT)
        .send()
        .await
        .expect("get_billing_usage")
        .into_inner();

    mock.assert_async().await;
    let decoded: Vec<Option<f64>> = plans[0].metric_usage[0]
        .cycles
        .iter()
        .map(|c| c.usage)
        .collect();
    assert_eq!(decoded, figures.map(Some), "sent: {text}");
}

// ---------------------------------------------------------------------------
// Error statuses: one named test per documented status, then every
// documented (operation, status) pair.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn create_product_environment_reports_a_bad_request_with_the_services_message() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("create_product_environment", 400);
    let mock = server.create_product_environment(|when, then| {
        when.account_id(ACCOUNT);
        then.bad_request(&body);
    });

    let result = client(&server)
        .create_product_environment()
        .account_id(ACCOUNT)
        .body(environment_request())
        .send()
        .await;

    mock.assert_async().await;
    let message = expect_vendor_error(result, "create_product_environment", 400);
    assert_eq!(message, "Bad request");
}

#[tokio::test]
async fn list_access_keys_reports_wrong_credentials_as_unauthorized() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("list_access_keys", 401);
    let mock = server.list_access_keys(|when, then| {
        when.account_id(ACCOUNT).sub_account_id(SUB_ACCOUNT);
        then.unauthorized(&body);
    });

    let result = client(&server)
        .list_access_keys()
        .account_id(ACCOUNT)
        .sub_account_id(SUB_ACCOUNT)
        .send()
        .await;

    mock.assert_async().await;
    let message = expect_vendor_error(result, "list_access_keys", 401);
    assert_eq!(message, "Invalid credentials");
}

#[tokio::test]
async fn delete_product_environment_reports_a_forbidden_call() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("delete_product_environment", 403);
    let mock = server.delete_product_environment(|when, then| {
        when.account_id(ACCOUNT).sub_account_id(SUB_ACCOUNT);
        then.forbidden(&body);
    });

    let result = client(&server)
        .delete_product_environment()
        .account_id(ACCOUNT)
        .sub_account_id(SUB_ACCOUNT)
        .send()
        .await;

    mock.assert_async().await;
    let message = expect_vendor_error(result, "delete_product_environment", 403);
    assert_eq!(message, "Not allowed");
}

#[tokio::test]
async fn get_product_environment_reports_an_unknown_environment_as_not_found() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("get_product_environment", 404);
    let mock = server.get_product_environment(|when, then| {
        when.account_id(ACCOUNT).sub_account_id(SUB_ACCOUNT);
        then.not_found(&body);
    });

    let result = client(&server)
        .get_product_environment()
        .account_id(ACCOUNT)
        .sub_account_id(SUB_ACCOUNT)
        .send()
        .await;

    mock.assert_async().await;
    let message = expect_vendor_error(result, "get_product_environment", 404);
    assert_eq!(message, "not found");
}

#[tokio::test]
async fn delete_access_key_by_name_reports_an_unknown_name_as_not_found() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("delete_access_key_by_name", 404);
    let mock = server.delete_access_key_by_name(|when, then| {
        when.account_id(ACCOUNT)
            .sub_account_id(SUB_ACCOUNT)
            .name("no_such_key");
        then.not_found(&body);
    });

    let result = client(&server)
        .delete_access_key_by_name()
        .account_id(ACCOUNT)
        .sub_account_id(SUB_ACCOUNT)
        .name("no_such_key")
        .send()
        .await;

    mock.assert_async().await;
    let message = expect_vendor_error(result, "delete_access_key_by_name", 404);
    assert_eq!(message, "not found");
}

#[tokio::test]
async fn generate_access_key_reports_a_conflict() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("generate_access_key", 409);
    let mock = server.generate_access_key(|when, then| {
        when.account_id(ACCOUNT).sub_account_id(SUB_ACCOUNT);
        then.conflict(&body);
    });

    let result = client(&server)
        .generate_access_key()
        .account_id(ACCOUNT)
        .sub_account_id(SUB_ACCOUNT)
        .body(key_request())
        .send()
        .await;

    mock.assert_async().await;
    let message = expect_vendor_error(result, "generate_access_key", 409);
    assert_eq!(message, "Already exists");
}

#[tokio::test]
async fn list_product_environments_reports_cloudinarys_420_rate_limit() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("list_product_environments", 420);
    let mock = server.list_product_environments(|when, then| {
        when.account_id(ACCOUNT);
        // 420 has no reason phrase, hence no named helper.
        then.client_error(420, &body);
    });

    let result = client(&server)
        .list_product_environments()
        .account_id(ACCOUNT)
        .send()
        .await;

    mock.assert_async().await;
    let message = expect_vendor_error(result, "list_product_environments", 420);
    assert_eq!(message, "Max usage rate exceeded");
}

#[tokio::test]
async fn get_billing_usage_reports_too_many_requests() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("get_billing_usage", 429);
    let mock = server.get_billing_usage(|when, then| {
        when.account_id(ACCOUNT);
        then.too_many_requests(&body);
    });

    let result = client(&server)
        .get_billing_usage()
        .account_id(ACCOUNT)
        .year(2025)
        .send()
        .await;

    mock.assert_async().await;
    let message = expect_vendor_error(result, "get_billing_usage", 429);
    assert_eq!(message, "Too many requests");
}

/// The spec documents no 420 for billing usage (the vendor lists none), so a
/// 420 there is not decoded: it comes back as an unexpected response.
#[tokio::test]
async fn get_billing_usage_answering_an_undocumented_420_is_an_unexpected_response() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("list_product_environments", 420);
    let mock = server.get_billing_usage(|when, then| {
        when.account_id(ACCOUNT);
        then.into_inner()
            .status(420)
            .header("content-type", "application/json")
            .json_body_obj(&body);
    });

    let result = client(&server)
        .get_billing_usage()
        .account_id(ACCOUNT)
        .send()
        .await;

    mock.assert_async().await;
    match result {
        Err(Error::UnexpectedResponse(response)) => assert_eq!(response.status().as_u16(), 420),
        other => panic!("expected Error::UnexpectedResponse, got {other:?}"),
    }
}

#[tokio::test]
async fn every_documented_error_status_of_every_operation_is_an_error_response() {
    let server = MockServer::start_async().await;
    let client = client(&server);
    let pairs = documented_errors(&TESTED_OPERATIONS);
    assert_documented_errors(&pairs, &ERROR_STATUSES, 66);
    for (op, status) in pairs {
        let body: types::Error = example(op, status);
        let mock = mock_error(&server, op, status, &body);
        let result = call(&client, op).await;
        // Every assertion names the case, so a failure says which one.
        assert_eq!(
            mock.calls_async().await,
            1,
            "{op} {status}: calls to the mock"
        );
        expect_vendor_error(result, op, status);
        mock.delete_async().await;
    }
}

// ---------------------------------------------------------------------------
// Credentials and secrets
// ---------------------------------------------------------------------------

#[tokio::test]
async fn the_key_and_secret_travel_only_inside_the_basic_header() {
    let server = MockServer::start_async().await;
    let body: types::AccessKey = example("generate_access_key", 200);
    // Everything the server saw except the Authorization header.
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let authorization = Arc::new(Mutex::new(Vec::<String>::new()));
    let mock = server.generate_access_key(|when, then| {
        let (seen, authorization) = (seen.clone(), authorization.clone());
        when.account_id(ACCOUNT)
            .sub_account_id(SUB_ACCOUNT)
            .into_inner()
            .is_true(move |req| {
                let mut text = format!("{} {}\n", req.method_str(), req.uri_str());
                for (name, value) in req.headers_vec() {
                    if name.eq_ignore_ascii_case("authorization") {
                        authorization.lock().unwrap().push(value.clone());
                    } else {
                        text.push_str(&format!("{name}: {value}\n"));
                    }
                }
                text.push_str(&req.body_string());
                seen.lock().unwrap().push(text);
                true
            });
        then.ok(&body);
    });
    let client = client(&server);

    client
        .generate_access_key()
        .account_id(ACCOUNT)
        .sub_account_id(SUB_ACCOUNT)
        .body(key_request())
        .send()
        .await
        .expect("generate_access_key");

    mock.assert_async().await;
    let seen = seen.lock().unwrap();
    assert!(!seen.is_empty(), "the matcher saw no request");
    for text in seen.iter() {
        assert!(!text.contains(KEY), "key outside the Basic header:\n{text}");
        assert!(
            !text.contains(SECRET),
            "secret outside the Basic header:\n{text}"
        );
    }
    let authorization = authorization.lock().unwrap();
    assert!(
        !authorization.is_empty(),
        "no Authorization header was sent"
    );
    for value in authorization.iter() {
        assert_eq!(value, AUTHORIZATION);
    }
    // Nor do the client or a pending request show them when printed.
    let printed = [
        format!("{client:?}"),
        format!(
            "{:?}",
            client
                .generate_access_key()
                .account_id(ACCOUNT)
                .sub_account_id(SUB_ACCOUNT)
                .body(key_request())
        ),
        format!(
            "{:?}",
            client
                .list_access_keys()
                .account_id(ACCOUNT)
                .sub_account_id(SUB_ACCOUNT)
        ),
    ];
    let encoded = AUTHORIZATION.trim_start_matches("Basic ");
    for text in printed {
        assert!(!text.contains(KEY), "key in Debug output: {text}");
        assert!(!text.contains(SECRET), "secret in Debug output: {text}");
        assert!(
            !text.contains(encoded),
            "encoded pair in Debug output: {text}"
        );
    }
}

/// `api_secret` and `secret` are the spec's `Secret` schema, which the
/// generated types hold as the runtime's `Secret`: `{:?}` never prints them.
#[test]
fn decoded_access_keys_do_not_show_their_secret_in_debug_output() {
    let key: types::AccessKey = example("generate_access_key", 200);
    let list: types::AccessKeyList = example("list_access_keys", 200);
    let environment: types::ProductEnvironment = example("get_product_environment", 200);
    let mut secrets: Vec<(&str, String, String)> = Vec::new();
    secrets.push((
        "types::AccessKey",
        key.api_secret
            .as_ref()
            .expect("the example has an api_secret")
            .expose()
            .to_string(),
        format!("{key:?}"),
    ));
    for listed in &list.access_keys {
        secrets.push((
            "types::AccessKeyList",
            listed
                .api_secret
                .as_ref()
                .expect("listed keys have secrets")
                .expose()
                .to_string(),
            format!("{list:?}"),
        ));
    }
    let listed = &environment.api_access_keys[0];
    secrets.push((
        "types::ApiAccessKey",
        listed
            .secret
            .as_ref()
            .expect("the example has a secret")
            .expose()
            .to_string(),
        format!("{listed:?}"),
    ));
    secrets.push((
        "types::ProductEnvironment",
        listed.secret.as_ref().unwrap().expose().to_string(),
        format!("{environment:?}"),
    ));
    let leaks: Vec<String> = secrets
        .iter()
        .filter(|(_, secret, printed)| printed.contains(secret.as_str()))
        .map(|(ty, secret, printed)| format!("{ty} shows {secret}: {printed}"))
        .collect();
    assert!(
        leaks.is_empty(),
        "secrets in Debug output:\n{}",
        leaks.join("\n")
    );
}
