//! Operation tests for the generated Opendatasoft Automation API client
//! ("Users", "API keys" and "Assets" tags).
//!
//! Each test runs one operation against a loopback httpmock server: the mock
//! pins down the whole request the client sends (method, path with its
//! trailing slash, query parameters, headers, body), answers with the spec's
//! example body (`ods_automation::examples`), and the test checks what the
//! client decodes from it.

use std::sync::{Arc, Mutex};

use httpmock::{Method, Mock, When};
use ods_automation::mock::{MockServer, MockServerExt};
use ods_automation::prelude::*;
use ods_automation::types::{self, ApiCallsLimitUnit, Permission, UserSort};
use ods_automation::{examples, ByteStream, Error, ResponseValue, Secret};
use serde_json::{json, Value};

mod support;
use support::*;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// Path parameters, taken from the spec's parameter examples.
const USER: &str = "louise.data";
const KEY_UID: &str = "ak_7fq2xa";

/// The value of the API key `KEY_UID` in the spec's examples: a credential
/// the service returns, which must never show in Debug output.
const KEY_VALUE: &str = "8ba93848ad673ef4b93accd52e462376489dc50ede406dd7f7bcc8b8";

/// The value of the revoked key the spec's `search_api_key` example finds.
const REVOKED_KEY_VALUE: &str = "581e3f9240228854957e35babc53c5c459741a1374cd5af528b00c1b";

/// Every error status the spec documents for these operations.
const ERROR_STATUSES: [u16; 5] = [400, 401, 403, 404, 429];

/// A user request with the e-mail address only: every optional field is
/// `None`.
fn user_request(email: &str) -> types::UserRequest {
    types::UserRequest {
        email: email.to_string(),
        username: None,
        first_name: None,
        last_name: None,
        permissions: None,
        explore_limits: None,
        management_limits: None,
        groups: None,
    }
}

/// A provisioning request with the e-mail address and identity provider
/// only.
fn provision_request(email: &str, provider: &str) -> types::UserProvisionRequest {
    types::UserProvisionRequest {
        email: email.to_string(),
        identity_provider: types::IdentityProvider {
            uid: provider.to_string(),
        },
        identity_provider_attributes: serde_json::Map::new(),
        username: None,
        first_name: None,
        last_name: None,
        permissions: None,
        explore_limits: None,
        management_limits: None,
        groups: None,
    }
}

fn key_request(label: &str, permissions: Vec<Permission>) -> types::ApiKeyRequest {
    types::ApiKeyRequest {
        label: Some(label.to_string()),
        permissions: Some(permissions),
    }
}

fn api_calls(limit: i64, unit: ApiCallsLimitUnit) -> Option<types::ExploreLimits> {
    Some(types::ExploreLimits {
        api_calls: Some(types::ApiCallsLimit { limit, unit }),
    })
}

fn groups(uids: &[&str]) -> Vec<types::RelatedUserGroup> {
    uids.iter()
        .map(|uid| types::RelatedUserGroup {
            uid: uid.to_string(),
        })
        .collect()
}

fn group_uids(user: &types::User) -> Vec<&str> {
    user.groups.iter().map(|g| g.uid.as_str()).collect()
}

fn owner(key: &types::ApiKey) -> Option<&str> {
    key.user.as_ref().map(|u| u.username.as_str())
}

fn key_value(key: &types::ApiKey) -> Option<&str> {
    key.key.as_ref().map(Secret::expose)
}

/// The request of an operation whose success body is not JSON (CSV): like
/// `expect_no_body`, but the client asks for no media type in particular,
/// so reqwest's own `Accept: */*` goes out.
fn expect_no_body_any_media_type(when: When, query_params: usize) -> When {
    when.header("authorization", AUTHORIZATION)
        .header_count("^authorization$", ".*", 1)
        .header("accept", "*/*")
        .header_count("^accept$", ".*", 1)
        .header("api-version", API_VERSION)
        .header_count("^api-version$", ".*", 1)
        .query_param_count(".*", ".*", query_params)
        .header_missing("content-type")
        .is_true(|req| req.body_ref().is_empty())
}

/// Reads a streamed (non-JSON) success body to the end.
///
/// The crate depends on no `Stream` trait to poll it with, so reqwest drains
/// it: the stream becomes the body of a request to a loopback sink on the
/// same mock server, which records what it received.
async fn read_stream(server: &MockServer, stream: ByteStream) -> String {
    let received = Arc::new(Mutex::new(None::<Vec<u8>>));
    let record = received.clone();
    let sink = server
        .mock_async(|when, then| {
            when.method(Method::POST)
                .path("/__test_sink__")
                .is_true(move |req| {
                    *record.lock().unwrap() = Some(req.body_ref().to_vec());
                    true
                });
            then.status(204);
        })
        .await;
    reqwest::Client::new()
        .post(server.url("/__test_sink__"))
        .body(reqwest::Body::wrap_stream(stream.into_inner()))
        .send()
        .await
        .expect("the sink receives the stream");
    sink.assert_async().await;
    sink.delete_async().await;
    let bytes = received
        .lock()
        .unwrap()
        .take()
        .expect("the sink saw a body");
    String::from_utf8(bytes).expect("the body is UTF-8")
}

/// Mocks `op` for the test ids, answering `status` with `body` through the
/// typed helper named after the status (for the table-driven error test; the
/// per-status tests call the helpers directly).
fn mock_error<'a>(server: &'a MockServer, op: &str, status: u16, body: &types::Error) -> Mock<'a> {
    // Each operation lists the helpers its typed mock has, i.e. the statuses
    // the spec documents for it; any other status panics.
    macro_rules! answer {
        ($then:expr, $($code:literal => $helper:ident),+ $(,)?) => {
            match status {
                $($code => {
                    $then.$helper(body);
                })+
                other => panic!("{op}: the typed mock has no helper for status {other}"),
            }
        };
    }
    match op {
        "list_users" => server.list_users(|_when, then| {
            answer!(then, 401 => unauthorized, 403 => forbidden, 429 => too_many_requests)
        }),
        "get_user" => server.get_user(|when, then| {
            when.username(USER);
            answer!(
                then,
                401 => unauthorized,
                403 => forbidden,
                404 => not_found,
                429 => too_many_requests,
            )
        }),
        "update_user" => server.update_user(|when, then| {
            when.username(USER);
            answer!(
                then,
                400 => bad_request,
                401 => unauthorized,
                403 => forbidden,
                404 => not_found,
                429 => too_many_requests,
            )
        }),
        "delete_user" => server.delete_user(|when, then| {
            when.username(USER);
            answer!(
                then,
                401 => unauthorized,
                403 => forbidden,
                404 => not_found,
                429 => too_many_requests,
            )
        }),
        "export_users" => server.export_users(|_when, then| {
            answer!(then, 401 => unauthorized, 403 => forbidden, 429 => too_many_requests)
        }),
        "invite_users" => server.invite_users(|_when, then| {
            answer!(then, 401 => unauthorized, 403 => forbidden, 429 => too_many_requests)
        }),
        "provision_users" => server.provision_users(|_when, then| {
            answer!(then, 401 => unauthorized, 403 => forbidden, 429 => too_many_requests)
        }),
        "list_api_keys" => server.list_api_keys(|_when, then| {
            answer!(then, 401 => unauthorized, 403 => forbidden, 429 => too_many_requests)
        }),
        "create_api_key" => server.create_api_key(|_when, then| {
            answer!(
                then,
                400 => bad_request,
                401 => unauthorized,
                403 => forbidden,
                429 => too_many_requests,
            )
        }),
        "get_api_key" => server.get_api_key(|when, then| {
            when.apikey_uid(KEY_UID);
            answer!(
                then,
                401 => unauthorized,
                403 => forbidden,
                404 => not_found,
                429 => too_many_requests,
            )
        }),
        "update_api_key" => server.update_api_key(|when, then| {
            when.apikey_uid(KEY_UID);
            answer!(
                then,
                400 => bad_request,
                401 => unauthorized,
                403 => forbidden,
                404 => not_found,
                429 => too_many_requests,
            )
        }),
        "revoke_api_key" => server.revoke_api_key(|when, then| {
            when.apikey_uid(KEY_UID);
            answer!(
                then,
                401 => unauthorized,
                403 => forbidden,
                404 => not_found,
                429 => too_many_requests,
            )
        }),
        "search_api_key" => server.search_api_key(|_when, then| {
            answer!(
                then,
                400 => bad_request,
                401 => unauthorized,
                403 => forbidden,
                429 => too_many_requests,
            )
        }),
        "list_images" => server.list_images(|_when, then| {
            answer!(then, 401 => unauthorized, 403 => forbidden, 429 => too_many_requests)
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
        "list_users" => client.list_users().send().await.map(unit),
        "get_user" => client.get_user().username(USER).send().await.map(unit),
        "update_user" => client
            .update_user()
            .username(USER)
            .body(user_request("louise.data@example.org"))
            .send()
            .await
            .map(unit),
        "delete_user" => client.delete_user().username(USER).send().await,
        "export_users" => client.export_users().send().await.map(unit),
        "invite_users" => client
            .invite_users()
            .body(vec![user_request("camille.dupont@example.org")])
            .send()
            .await
            .map(unit),
        "provision_users" => client
            .provision_users()
            .body(vec![provision_request(
                "alice.bernard@example.org",
                "city-sso",
            )])
            .send()
            .await
            .map(unit),
        "list_api_keys" => client.list_api_keys().send().await.map(unit),
        "create_api_key" => client
            .create_api_key()
            .body(key_request("Nightly catalog sync", vec![]))
            .send()
            .await
            .map(unit),
        "get_api_key" => client
            .get_api_key()
            .apikey_uid(KEY_UID)
            .send()
            .await
            .map(unit),
        "update_api_key" => client
            .update_api_key()
            .apikey_uid(KEY_UID)
            .body(key_request("Nightly catalog sync", vec![]))
            .send()
            .await
            .map(unit),
        "revoke_api_key" => client
            .revoke_api_key()
            .apikey_uid(KEY_UID)
            .body(types::ApiKeyRevocationRequest::default())
            .send()
            .await
            .map(unit),
        "search_api_key" => client
            .search_api_key()
            .body(types::ApiKeySearchRequest {
                key: Secret::new(REVOKED_KEY_VALUE),
            })
            .send()
            .await
            .map(unit),
        "list_images" => client.list_images().send().await.map(unit),
        other => panic!("no call for operation {other}: add it to call"),
    }
}

/// The operations this file covers: the spec's operations under `/users/`,
/// `/apikeys/` and `/medias/`, so a new one cannot go untested silently.
const TESTED_OPERATIONS: [&str; 14] = [
    "list_users",
    "get_user",
    "update_user",
    "delete_user",
    "export_users",
    "invite_users",
    "provision_users",
    "list_api_keys",
    "create_api_key",
    "get_api_key",
    "update_api_key",
    "revoke_api_key",
    "search_api_key",
    "list_images",
];

#[test]
fn every_users_and_keys_operation_of_the_spec_is_tested_here() {
    // The hand-written upload (`create_image`) is tested in tests/uploads.rs.
    let spec: Vec<&str> = examples::OPERATIONS
        .iter()
        .filter(|(_, _, path)| {
            path.starts_with("/users/")
                || path.starts_with("/apikeys/")
                || path.starts_with("/medias/")
        })
        .map(|(id, _, _)| *id)
        .filter(|id| !ods_automation::spec::HAND_WRITTEN_OPERATIONS.contains(id))
        .collect();
    assert_eq!(spec, TESTED_OPERATIONS);
}

// ---------------------------------------------------------------------------
// list_users: query parameters
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_users_sends_paging_and_search_and_decodes_the_page() {
    let server = MockServer::start_async().await;
    let body: types::UserList = example("list_users", 200);
    let mock = server.list_users(|when, then| {
        let when = when
            .limit(2)
            .offset(0)
            .search("louise")
            .into_inner()
            .query_param_missing("sort")
            .query_param_missing("permissions")
            .query_param_missing("all_permissions");
        expect_no_body(when, 3).path("/users/");
        then.ok(&body);
    });

    let page = client(&server)
        .list_users()
        .limit(2)
        .offset(0)
        .search("louise")
        .send()
        .await
        .expect("list_users")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.total_count, Some(31));
    assert_eq!(
        page.next.as_deref(),
        Some("https://documentation-resources.opendatasoft.com/api/automation/v1.0/users/?limit=2&offset=2")
    );
    assert_eq!(page.previous, None);
    assert_eq!(page.results.len(), 2);
    let louise = &page.results[0];
    assert_eq!(louise.username, "louise.data");
    assert_eq!(louise.display_name.as_deref(), Some("louise.data"));
    assert_eq!(louise.email.as_deref(), Some("louise.data@example.org"));
    assert_eq!(louise.is_active, Some(true));
    assert_eq!(louise.account_type, Some(types::UserAccountType::Global));
    assert_eq!(
        louise.permissions,
        [Permission::ExploreRestrictedDataset, Permission::EditDomain]
    );
    assert_eq!(louise.joined_at, utc(2023, 5, 9, 7, 48, 30));
    assert_eq!(louise.last_seen_at, utc(2025, 2, 10, 17, 2, 12));
    assert_eq!(louise.expires_at, None);
    assert_eq!(group_uids(louise), ["data_stewards"]);
    assert_eq!(louise.identity_providers[0].uid, "opendatasoft");
    let julien = &page.results[1];
    assert_eq!(julien.username, "jmartin");
    assert_eq!(julien.is_active, Some(false));
    assert_eq!(julien.account_type, Some(types::UserAccountType::Local));
    assert!(julien.permissions.is_empty());
    assert_eq!(julien.expires_at, utc(2025, 12, 31, 23, 59, 59));
    assert_eq!(
        julien.explore_limits,
        api_calls(1000, ApiCallsLimitUnit::Hour)
    );
    assert_eq!(group_uids(julien), ["data_stewards", "city_partners"]);
    assert_round_trips(&page, "list_users", 200);
}

#[tokio::test]
async fn list_users_repeats_each_array_parameter_once_per_value() {
    let server = MockServer::start_async().await;
    let body: types::UserList = example("list_users", 200);
    let mock = server.list_users(|when, then| {
        // The typed mock cannot match an array, hence the raw matchers: each
        // value in its own pair, each once, and nothing else.
        let when = when
            .limit(None)
            .offset(None)
            .search(None)
            .into_inner()
            .query_param("sort", "last_name")
            .query_param("sort", "first_name")
            .query_param_count("^sort$", "^last_name$", 1)
            .query_param_count("^sort$", "^first_name$", 1)
            .query_param_count("^sort$", ".*", 2)
            .query_param("permissions", "edit_domain")
            .query_param_count("^permissions$", ".*", 1)
            .query_param("all_permissions", "edit_dataset")
            .query_param("all_permissions", "publish_dataset")
            .query_param_count("^all_permissions$", "^edit_dataset$", 1)
            .query_param_count("^all_permissions$", "^publish_dataset$", 1)
            .query_param_count("^all_permissions$", ".*", 2);
        expect_no_body(when, 5).path("/users/");
        then.ok(&body);
    });

    let page = client(&server)
        .list_users()
        .sort(vec![UserSort::LastName, UserSort::FirstName])
        .permissions(vec![Permission::EditDomain])
        .all_permissions(vec![Permission::EditDataset, Permission::PublishDataset])
        .send()
        .await
        .expect("list_users")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page, body);
}

#[tokio::test]
async fn list_users_without_filters_sends_no_query_parameter() {
    let server = MockServer::start_async().await;
    let body: types::UserList = example("list_users", 200);
    let mock = server.list_users(|when, then| {
        let when = when
            .limit(None)
            .offset(None)
            .search(None)
            .into_inner()
            .query_param_missing("sort")
            .query_param_missing("permissions")
            .query_param_missing("all_permissions");
        // Zero query parameters: not even an empty `?` pair or a default.
        expect_no_body(when, 0)
            .path("/users/")
            .is_true(|req| req.uri().query().is_none_or(str::is_empty));
        then.ok(&body);
    });

    let page = client(&server)
        .list_users()
        .send()
        .await
        .expect("list_users")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page, body);
}

#[tokio::test]
async fn list_users_sends_each_sort_field_under_the_specs_name() {
    let server = MockServer::start_async().await;
    let client = client(&server);
    // The names are the spec's enum, written out rather than taken from the
    // generated Display impl.
    let cases = [
        (UserSort::Username, "username"),
        (UserSort::FirstName, "first_name"),
        (UserSort::LastName, "last_name"),
        (UserSort::LastSeenAt, "last_seen_at"),
    ];
    let body: types::UserList = example("list_users", 200);
    for (sort, name) in cases {
        let mock = server.list_users(|when, then| {
            let when = when.into_inner().query_param("sort", name);
            expect_no_body(when, 1).path("/users/");
            then.ok(&body);
        });

        let result = client.list_users().sort(vec![sort]).send().await;

        assert_eq!(
            mock.calls_async().await,
            1,
            "sort={name}: calls to the mock"
        );
        assert_eq!(
            result.expect("list_users").into_inner(),
            body,
            "sort={name}"
        );
        mock.delete_async().await;
    }
}

// ---------------------------------------------------------------------------
// One user
// ---------------------------------------------------------------------------

#[tokio::test]
async fn get_user_decodes_permissions_limits_and_groups() {
    let server = MockServer::start_async().await;
    let body: types::User = example("get_user", 200);
    let mock = server.get_user(|when, then| {
        let when = when.username(USER).expand(None).into_inner();
        expect_no_body(when, 0).path(format!("/users/{USER}/"));
        then.ok(&body);
    });

    let user = client(&server)
        .get_user()
        .username(USER)
        .send()
        .await
        .expect("get_user")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(user.username, USER);
    assert_eq!(user.first_name.as_deref(), Some("Louise"));
    assert_eq!(user.last_name.as_deref(), Some("Data"));
    assert_eq!(user.is_ods, Some(false));
    assert_eq!(
        user.permissions,
        [Permission::ExploreRestrictedDataset, Permission::EditDomain]
    );
    assert_eq!(
        user.explore_limits,
        api_calls(50000, ApiCallsLimitUnit::Day)
    );
    assert_eq!(user.management_limits.as_deref(), Some(&Default::default()));
    assert_eq!(user.last_login_at, utc(2025, 2, 10, 8, 55, 41));
    assert_eq!(user.expires_at, None);
    assert_eq!(
        user.gravatar_url.as_deref(),
        Some("//www.gravatar.com/avatar/6dde1de523fc80569f3dd80548e3eb9c?d=mm&s=80")
    );
    assert_eq!(group_uids(&user), ["data_stewards"]);
    assert_round_trips(&user, "get_user", 200);
}

#[tokio::test]
async fn get_user_sends_expand_and_escapes_the_username() {
    let server = MockServer::start_async().await;
    let body: types::User = example("get_user", 200);
    // A username with characters that must be percent-encoded in the path.
    let username = "anne marie/ext";
    let mock = server.get_user(|when, then| {
        let when = when.expand("groups").into_inner();
        expect_no_body(when, 1).path("/users/anne%20marie%2Fext/");
        then.ok(&body);
    });

    let user = client(&server)
        .get_user()
        .username(username)
        .expand("groups")
        .send()
        .await
        .expect("get_user")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(user, body);
}

#[tokio::test]
async fn update_user_puts_the_new_settings_and_decodes_the_updated_user() {
    let server = MockServer::start_async().await;
    let body: types::User = example("update_user", 200);
    let mock = server.update_user(|when, then| {
        let when = when.username(USER).into_inner();
        expect_json_body(
            when,
            json!({
                "email": "louise.data@example.org",
                "first_name": "Louise",
                "last_name": "Data",
                "permissions": ["explore_restricted_dataset", "create_dataset", "edit_dataset"],
                "explore_limits": {"api_calls": {"limit": 10000, "unit": "day"}},
                "groups": [{"uid": "data_stewards"}, {"uid": "city_partners"}],
            }),
        )
        .path(format!("/users/{USER}/"));
        then.ok(&body);
    });

    let user = client(&server)
        .update_user()
        .username(USER)
        .body(types::UserRequest {
            first_name: Some("Louise".to_string()),
            last_name: Some("Data".to_string()),
            permissions: Some(vec![
                Permission::ExploreRestrictedDataset,
                Permission::CreateDataset,
                Permission::EditDataset,
            ]),
            explore_limits: api_calls(10000, ApiCallsLimitUnit::Day),
            groups: Some(groups(&["data_stewards", "city_partners"])),
            ..user_request("louise.data@example.org")
        })
        .send()
        .await
        .expect("update_user")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(user.username, USER);
    assert_eq!(
        user.permissions,
        [
            Permission::ExploreRestrictedDataset,
            Permission::CreateDataset,
            Permission::EditDataset
        ]
    );
    assert_eq!(
        user.explore_limits,
        api_calls(10000, ApiCallsLimitUnit::Day)
    );
    assert_eq!(group_uids(&user), ["data_stewards", "city_partners"]);
    assert_eq!(user.joined_at, utc(2023, 5, 9, 7, 48, 30));
    assert_round_trips(&user, "update_user", 200);
}

#[tokio::test]
async fn update_user_with_empty_lists_sends_them_to_withdraw_everything() {
    let server = MockServer::start_async().await;
    // The example user, answered without permissions or groups.
    let mut body: types::User = example("update_user", 200);
    body.permissions.clear();
    body.groups.clear();
    let mock = server.update_user(|when, then| {
        // Exactly this object: the unset names and limits must not travel
        // at all, not even as null.
        let when = when.username(USER).into_inner();
        expect_json_body(
            when,
            json!({"email": "louise.data@example.org", "permissions": [], "groups": []}),
        )
        .path(format!("/users/{USER}/"));
        then.ok(&body);
    });

    let user = client(&server)
        .update_user()
        .username(USER)
        .body(types::UserRequest {
            permissions: Some(vec![]),
            groups: Some(vec![]),
            ..user_request("louise.data@example.org")
        })
        .send()
        .await
        .expect("update_user")
        .into_inner();

    mock.assert_async().await;
    assert!(user.permissions.is_empty());
    assert!(user.groups.is_empty());
    assert_eq!(user, body);
}

#[tokio::test]
async fn delete_user_answers_no_content_and_decodes_nothing() {
    let server = MockServer::start_async().await;
    let mock = server.delete_user(|when, then| {
        let when = when.username(USER).into_inner();
        expect_no_body(when, 0).path(format!("/users/{USER}/"));
        then.no_content();
    });

    let rv = client(&server)
        .delete_user()
        .username(USER)
        .send()
        .await
        .expect("delete_user: an empty 204 must not be decoded as JSON");

    mock.assert_async().await;
    assert_eq!(rv.status().as_u16(), 204);
    // The success value is `()`: there is nothing to decode.
    let () = rv.into_inner();
}

// ---------------------------------------------------------------------------
// export_users: a CSV body, handed over unparsed
// ---------------------------------------------------------------------------

#[tokio::test]
async fn export_users_sends_its_parameters_and_hands_over_the_csv_unparsed() {
    let server = MockServer::start_async().await;
    let csv = example_json("export_users", 200)
        .as_str()
        .expect("the export example is text")
        .to_string();
    let delimiter = types::ExportUsersDelimiter::try_from(";").unwrap();
    let mock = server.export_users(|when, then| {
        let when = when
            .delimiter(&delimiter)
            .subdomains("north")
            .into_inner()
            .path("/users/export/");
        expect_no_body_any_media_type(when, 2);
        // The typed `ok` helper would answer JSON; the service answers CSV.
        then.into_inner()
            .status(200)
            .header("content-type", "text/csv; charset=utf-8")
            .body(&csv);
    });

    let rv = client(&server)
        .export_users()
        .delimiter(";")
        .subdomains("north")
        .send()
        .await
        .expect("export_users: a CSV body must not be decoded as JSON");

    mock.assert_async().await;
    assert_eq!(rv.status().as_u16(), 200);
    assert_eq!(
        rv.headers()["content-type"].to_str().unwrap(),
        "text/csv; charset=utf-8"
    );
    let text = read_stream(&server, rv.into_inner()).await;
    assert_eq!(text, csv);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(
        lines[0],
        "username,last_name,first_name,email,date_joined,last_seen,groups,permissions"
    );
    assert!(lines[1].starts_with("louise.data,Data,Louise,"));
    assert!(lines[2].starts_with("jmartin,Martin,Julien,"));
}

#[tokio::test]
async fn export_users_without_parameters_sends_no_query_parameter() {
    let server = MockServer::start_async().await;
    let csv = example_json("export_users", 200)
        .as_str()
        .expect("the export example is text")
        .to_string();
    let mock = server.export_users(|when, then| {
        // No `delimiter=,` either: the spec's default is the service's, not
        // something the client sends.
        let when = when
            .delimiter(None)
            .subdomains(None)
            .into_inner()
            .path("/users/export/")
            .is_true(|req| req.uri().query().is_none_or(str::is_empty));
        expect_no_body_any_media_type(when, 0);
        then.into_inner()
            .status(200)
            .header("content-type", "text/csv")
            .body(&csv);
    });

    let rv = client(&server)
        .export_users()
        .send()
        .await
        .expect("export_users");

    mock.assert_async().await;
    assert_eq!(read_stream(&server, rv.into_inner()).await, csv);
}

#[tokio::test]
async fn export_users_refuses_a_delimiter_of_more_than_one_character_without_calling() {
    let server = MockServer::start_async().await;
    let mock = server.export_users(|_when, then| {
        then.into_inner().status(200).body("");
    });

    let result = client(&server).export_users().delimiter(";;").send().await;

    assert_eq!(mock.calls_async().await, 0, "no request may go out");
    match result {
        Err(Error::InvalidRequest(message)) => assert!(
            message.contains("delimiter"),
            "the message names the parameter: {message}"
        ),
        Err(other) => panic!("expected Error::InvalidRequest, got {other:?}"),
        Ok(rv) => panic!("expected Error::InvalidRequest, got {}", rv.status()),
    }
}

// ---------------------------------------------------------------------------
// invite_users, provision_users: batches with one outcome per position
// ---------------------------------------------------------------------------

#[tokio::test]
async fn invite_users_posts_an_array_and_decodes_a_success_and_an_error_outcome() {
    let server = MockServer::start_async().await;
    let body: types::UserBatchResults = example("invite_users", 200);
    let mock = server.invite_users(|when, then| {
        let when = when.into_inner();
        expect_json_body(
            when,
            json!([
                {
                    "email": "camille.dupont@example.org",
                    "first_name": "Camille",
                    "last_name": "Dupont",
                    "permissions": ["explore_restricted_dataset"],
                    "groups": [{"uid": "city_partners"}],
                },
                {"email": "not-an-address"},
            ]),
        )
        .path("/users/invite/");
        then.ok(&body);
    });

    let results = client(&server)
        .invite_users()
        .body(vec![
            types::UserRequest {
                first_name: Some("Camille".to_string()),
                last_name: Some("Dupont".to_string()),
                permissions: Some(vec![Permission::ExploreRestrictedDataset]),
                groups: Some(groups(&["city_partners"])),
                ..user_request("camille.dupont@example.org")
            },
            user_request("not-an-address"),
        ])
        .send()
        .await
        .expect("invite_users")
        .into_inner();

    mock.assert_async().await;
    let mut keys: Vec<&str> = results.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["0", "1"]);
    let first = &results["0"];
    assert_eq!(first.status_code, types::UserBatchStatus::Success);
    assert_eq!(first.error, None);
    let camille = first.data.as_ref().expect("data of the invited user");
    assert_eq!(camille.username, "camille.dupont");
    assert_eq!(camille.email.as_deref(), Some("camille.dupont@example.org"));
    assert_eq!(camille.account_type, Some(types::UserAccountType::Global));
    assert_eq!(camille.permissions, [Permission::ExploreRestrictedDataset]);
    assert_eq!(camille.joined_at, utc(2025, 2, 11, 10, 30, 12));
    assert_eq!(group_uids(camille), ["city_partners"]);
    let second = &results["1"];
    assert_eq!(second.status_code, types::UserBatchStatus::Error);
    assert_eq!(second.data, None);
    assert_eq!(
        second.error,
        Some(json!({
            "error_code": "validation_error",
            "message": "Enter a valid email address.",
        }))
    );
    assert_round_trips(&results, "invite_users", 200);
}

#[tokio::test]
async fn provision_users_posts_the_identity_provider_and_decodes_each_outcome() {
    let server = MockServer::start_async().await;
    let body: types::UserBatchResults = example("provision_users", 200);
    let mock = server.provision_users(|when, then| {
        let when = when.into_inner();
        expect_json_body(
            when,
            json!([
                {
                    "email": "alice.bernard@example.org",
                    "username": "a.bernard",
                    "first_name": "Alice",
                    "last_name": "Bernard",
                    "groups": [{"uid": "data_stewards"}],
                    "identity_provider": {"uid": "city-sso"},
                    "identity_provider_attributes": {"department": "Urban planning"},
                },
                {
                    "email": "bob.petit@example.org",
                    "identity_provider": {"uid": "legacy-ldap"},
                },
            ]),
        )
        .path("/users/provision/");
        then.ok(&body);
    });

    let mut attributes = serde_json::Map::new();
    attributes.insert("department".to_string(), json!("Urban planning"));
    let results = client(&server)
        .provision_users()
        .body(vec![
            types::UserProvisionRequest {
                username: Some("a.bernard".to_string()),
                first_name: Some("Alice".to_string()),
                last_name: Some("Bernard".to_string()),
                groups: Some(groups(&["data_stewards"])),
                identity_provider_attributes: attributes,
                ..provision_request("alice.bernard@example.org", "city-sso")
            },
            provision_request("bob.petit@example.org", "legacy-ldap"),
        ])
        .send()
        .await
        .expect("provision_users")
        .into_inner();

    mock.assert_async().await;
    let mut keys: Vec<&str> = results.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["0", "1"]);
    let first = &results["0"];
    assert_eq!(first.status_code, types::UserBatchStatus::Success);
    let alice = first.data.as_ref().expect("data of the provisioned user");
    assert_eq!(alice.username, "a.bernard");
    assert_eq!(alice.display_name.as_deref(), Some("Alice Bernard"));
    assert_eq!(alice.account_type, Some(types::UserAccountType::Linked));
    assert!(alice.permissions.is_empty());
    assert_eq!(group_uids(alice), ["data_stewards"]);
    assert_eq!(alice.identity_providers[0].uid, "city-sso");
    let second = &results["1"];
    assert_eq!(second.status_code, types::UserBatchStatus::Error);
    assert_eq!(second.data, None);
    assert_eq!(
        second.error.as_ref().and_then(|e| e["error_code"].as_str()),
        Some("not_found")
    );
    assert_round_trips(&results, "provision_users", 200);
}

// ---------------------------------------------------------------------------
// API keys
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_api_keys_sends_paging_and_decodes_an_active_and_a_revoked_key() {
    let server = MockServer::start_async().await;
    let body: types::ApiKeyList = example("list_api_keys", 200);
    let mock = server.list_api_keys(|when, then| {
        let when = when.limit(2).offset(4).into_inner();
        expect_no_body(when, 2).path("/apikeys/");
        then.ok(&body);
    });

    let page = client(&server)
        .list_api_keys()
        .limit(2)
        .offset(4)
        .send()
        .await
        .expect("list_api_keys")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.total_count, Some(2));
    assert_eq!(page.next, None);
    assert_eq!(page.previous, None);
    assert_eq!(page.results.len(), 2);
    let active = &page.results[0];
    assert_eq!(active.uid, KEY_UID);
    assert_eq!(active.label.as_deref(), Some("Nightly catalog sync"));
    assert_eq!(key_value(active), Some(KEY_VALUE));
    assert_eq!(
        active.permissions,
        [Permission::EditDataset, Permission::PublishDataset]
    );
    assert_eq!(active.created_at, utc(2024, 6, 3, 8, 12, 44));
    assert_eq!(owner(active), Some(USER));
    assert_eq!(active.is_revoked, Some(false));
    assert_eq!(active.revocation_status, Some(Default::default()));
    let revoked = &page.results[1];
    assert_eq!(revoked.uid, "ak_k31mzp");
    assert_eq!(key_value(revoked), Some(REVOKED_KEY_VALUE));
    assert_eq!(revoked.is_revoked, Some(true));
    let status = revoked
        .revocation_status
        .as_ref()
        .expect("revocation status");
    assert_eq!(status.revoked_at, utc(2024, 12, 2, 16, 20, 31));
    assert_eq!(
        status.revocation_reason.as_deref(),
        Some("The prototype was shut down.")
    );
    assert_round_trips(&page, "list_api_keys", 200);
}

#[tokio::test]
async fn list_api_keys_without_paging_sends_no_query_parameter() {
    let server = MockServer::start_async().await;
    let body: types::ApiKeyList = example("list_api_keys", 200);
    let mock = server.list_api_keys(|when, then| {
        let when = when.limit(None).offset(None).into_inner();
        expect_no_body(when, 0)
            .path("/apikeys/")
            .is_true(|req| req.uri().query().is_none_or(str::is_empty));
        then.ok(&body);
    });

    let page = client(&server)
        .list_api_keys()
        .send()
        .await
        .expect("list_api_keys")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page, body);
}

#[tokio::test]
async fn create_api_key_posts_label_and_permissions_and_decodes_the_new_key() {
    let server = MockServer::start_async().await;
    let body: types::ApiKey = example("create_api_key", 201);
    let mock = server.create_api_key(|when, then| {
        let when = when.into_inner();
        expect_json_body(
            when,
            json!({
                "label": "Nightly catalog sync",
                "permissions": ["edit_dataset", "publish_dataset"],
            }),
        )
        .path("/apikeys/");
        then.created(&body);
    });

    let rv = client(&server)
        .create_api_key()
        .body(key_request(
            "Nightly catalog sync",
            vec![Permission::EditDataset, Permission::PublishDataset],
        ))
        .send()
        .await
        .expect("create_api_key");

    mock.assert_async().await;
    assert_eq!(rv.status().as_u16(), 201);
    let key = rv.into_inner();
    assert_eq!(key.uid, KEY_UID);
    assert_eq!(key.label.as_deref(), Some("Nightly catalog sync"));
    assert_eq!(key_value(&key), Some(KEY_VALUE));
    assert_eq!(
        key.permissions,
        [Permission::EditDataset, Permission::PublishDataset]
    );
    assert_eq!(key.created_at, utc(2025, 2, 11, 11, 2, 37));
    assert_eq!(owner(&key), Some(USER));
    assert_eq!(key.is_revoked, Some(false));
    assert_round_trips(&key, "create_api_key", 201);
}

#[tokio::test]
async fn create_api_key_with_nothing_set_sends_an_empty_object() {
    let server = MockServer::start_async().await;
    let body: types::ApiKey = example("create_api_key", 201);
    let mock = server.create_api_key(|when, then| {
        // Exactly `{}`: unset fields must not travel as null or `[]`.
        let when = when.into_inner();
        expect_json_body(when, json!({})).path("/apikeys/");
        then.created(&body);
    });

    let key = client(&server)
        .create_api_key()
        .body(types::ApiKeyRequest::default())
        .send()
        .await
        .expect("create_api_key")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(key, body);
}

#[tokio::test]
async fn get_api_key_with_expand_user_decodes_the_whole_owner() {
    let server = MockServer::start_async().await;
    let body: types::ApiKey = example("get_api_key", 200);
    let mock = server.get_api_key(|when, then| {
        let when = when
            .apikey_uid(KEY_UID)
            .expand(types::ApiKeyExpand::User)
            .into_inner()
            // The name as the spec spells it, not the generated Display.
            .query_param("expand", "user");
        expect_no_body(when, 1).path(format!("/apikeys/{KEY_UID}/"));
        then.ok(&body);
    });

    let key = client(&server)
        .get_api_key()
        .apikey_uid(KEY_UID)
        .expand(types::ApiKeyExpand::User)
        .send()
        .await
        .expect("get_api_key")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(key.uid, KEY_UID);
    assert_eq!(key_value(&key), Some(KEY_VALUE));
    assert_eq!(key.created_at, utc(2024, 6, 3, 8, 12, 44));
    assert_eq!(key.is_revoked, Some(false));
    let user = key.user.as_ref().expect("the expanded owner");
    assert_eq!(user.username, USER);
    assert_eq!(user.email.as_deref(), Some("louise.data@example.org"));
    assert_eq!(user.account_type, Some(types::UserAccountType::Global));
    assert_eq!(
        user.permissions,
        [Permission::ExploreRestrictedDataset, Permission::EditDomain]
    );
    assert_eq!(group_uids(user), ["data_stewards"]);
    assert_round_trips(&key, "get_api_key", 200);
}

#[tokio::test]
async fn get_api_key_without_expand_decodes_the_owner_by_username() {
    let server = MockServer::start_async().await;
    // The owner as the service names it without `expand`: a username only.
    let answer = json!({
        "uid": KEY_UID,
        "label": "Nightly catalog sync",
        "key": KEY_VALUE,
        "user": {"username": USER},
        "is_revoked": false,
    });
    let body: types::ApiKey = serde_json::from_value(answer.clone()).unwrap();
    let mock = server.get_api_key(|when, then| {
        let when = when.apikey_uid(KEY_UID).expand(None).into_inner();
        expect_no_body(when, 0).path(format!("/apikeys/{KEY_UID}/"));
        then.ok(&body);
    });

    let key = client(&server)
        .get_api_key()
        .apikey_uid(KEY_UID)
        .send()
        .await
        .expect("get_api_key")
        .into_inner();

    mock.assert_async().await;
    let user = key.user.as_ref().expect("the owner");
    assert_eq!(user.username, USER);
    assert_eq!(user.email, None);
    assert!(user.groups.is_empty());
    assert_eq!(serde_json::to_value(&key).unwrap(), answer);
}

#[tokio::test]
async fn update_api_key_puts_the_new_settings_and_decodes_the_updated_key() {
    let server = MockServer::start_async().await;
    let body: types::ApiKey = example("update_api_key", 200);
    let mock = server.update_api_key(|when, then| {
        let when = when.apikey_uid(KEY_UID).into_inner();
        expect_json_body(
            when,
            json!({
                "label": "Nightly catalog sync (read only)",
                "permissions": ["explore_restricted_dataset"],
            }),
        )
        .path(format!("/apikeys/{KEY_UID}/"));
        then.ok(&body);
    });

    let key = client(&server)
        .update_api_key()
        .apikey_uid(KEY_UID)
        .body(key_request(
            "Nightly catalog sync (read only)",
            vec![Permission::ExploreRestrictedDataset],
        ))
        .send()
        .await
        .expect("update_api_key")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(key.uid, KEY_UID);
    assert_eq!(
        key.label.as_deref(),
        Some("Nightly catalog sync (read only)")
    );
    assert_eq!(key.permissions, [Permission::ExploreRestrictedDataset]);
    // The value and the creation date do not change.
    assert_eq!(key_value(&key), Some(KEY_VALUE));
    assert_eq!(key.created_at, utc(2024, 6, 3, 8, 12, 44));
    assert_round_trips(&key, "update_api_key", 200);
}

#[tokio::test]
async fn update_api_key_with_an_empty_permission_list_sends_it_to_withdraw_them() {
    let server = MockServer::start_async().await;
    let mut body: types::ApiKey = example("update_api_key", 200);
    body.permissions.clear();
    let mock = server.update_api_key(|when, then| {
        let when = when.apikey_uid(KEY_UID).into_inner();
        expect_json_body(when, json!({"permissions": []})).path(format!("/apikeys/{KEY_UID}/"));
        then.ok(&body);
    });

    let key = client(&server)
        .update_api_key()
        .apikey_uid(KEY_UID)
        .body(types::ApiKeyRequest {
            label: None,
            permissions: Some(vec![]),
        })
        .send()
        .await
        .expect("update_api_key")
        .into_inner();

    mock.assert_async().await;
    assert!(key.permissions.is_empty());
    assert_eq!(key, body);
}

#[tokio::test]
async fn revoke_api_key_posts_the_reason_and_decodes_the_revoked_key() {
    let server = MockServer::start_async().await;
    let body: types::ApiKey = example("revoke_api_key", 200);
    let mock = server.revoke_api_key(|when, then| {
        let when = when.apikey_uid(KEY_UID).into_inner();
        expect_json_body(when, json!({"reason": "Pasted in a public issue tracker."}))
            .path(format!("/apikeys/{KEY_UID}/revoke/"));
        then.ok(&body);
    });

    let key = client(&server)
        .revoke_api_key()
        .apikey_uid(KEY_UID)
        .body(types::ApiKeyRevocationRequest {
            reason: Some("Pasted in a public issue tracker.".to_string()),
        })
        .send()
        .await
        .expect("revoke_api_key")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(key.uid, KEY_UID);
    assert_eq!(key.is_revoked, Some(true));
    let status = key.revocation_status.as_ref().expect("revocation status");
    assert_eq!(status.revoked_at, utc(2025, 2, 11, 11, 15, 48));
    assert_eq!(
        status.revocation_reason.as_deref(),
        Some("Pasted in a public issue tracker.")
    );
    assert_round_trips(&key, "revoke_api_key", 200);
}

#[tokio::test]
async fn revoke_api_key_without_a_reason_sends_an_empty_object() {
    let server = MockServer::start_async().await;
    let body: types::ApiKey = example("revoke_api_key", 200);
    let mock = server.revoke_api_key(|when, then| {
        let when = when.apikey_uid(KEY_UID).into_inner();
        expect_json_body(when, json!({})).path(format!("/apikeys/{KEY_UID}/revoke/"));
        then.ok(&body);
    });

    let key = client(&server)
        .revoke_api_key()
        .apikey_uid(KEY_UID)
        .body(types::ApiKeyRevocationRequest::default())
        .send()
        .await
        .expect("revoke_api_key")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(key, body);
}

#[tokio::test]
async fn search_api_key_sends_the_value_in_the_body_only_and_decodes_the_match() {
    let server = MockServer::start_async().await;
    let body: types::ApiKeySearchResult = example("search_api_key", 200);
    let mock = server.search_api_key(|when, then| {
        // `expect_json_body` also requires zero query parameters: the value
        // searched for is a credential and must not appear in the URL.
        let when = when
            .into_inner()
            .is_true(|req| !req.uri_str().contains(REVOKED_KEY_VALUE));
        expect_json_body(when, json!({"key": REVOKED_KEY_VALUE})).path("/apikeys/search_key/");
        then.ok(&body);
    });

    let result = client(&server)
        .search_api_key()
        .body(types::ApiKeySearchRequest {
            key: Secret::new(REVOKED_KEY_VALUE),
        })
        .send()
        .await
        .expect("search_api_key")
        .into_inner();

    mock.assert_async().await;
    assert!(result.found);
    let key = result.result.as_ref().expect("the key found");
    assert_eq!(key.uid, "ak_k31mzp");
    assert_eq!(key.label.as_deref(), Some("Dashboard prototype"));
    assert_eq!(key_value(key), Some(REVOKED_KEY_VALUE));
    assert_eq!(owner(key), Some("jmartin"));
    assert_eq!(key.is_revoked, Some(true));
    assert_eq!(
        key.revocation_status
            .as_ref()
            .and_then(|s| s.revoked_at.as_ref()),
        utc(2024, 12, 2, 16, 20, 31).as_ref()
    );
    assert_round_trips(&result, "search_api_key", 200);
}

#[tokio::test]
async fn search_api_key_decodes_no_match_as_a_null_result() {
    let server = MockServer::start_async().await;
    // The other answer the spec documents: nothing found, `result` null.
    let answer = json!({"found": false, "result": null});
    let body: types::ApiKeySearchResult = serde_json::from_value(answer).unwrap();
    let mock = server.search_api_key(|when, then| {
        let when = when.into_inner();
        expect_json_body(when, json!({"key": "0000"})).path("/apikeys/search_key/");
        then.ok(&body);
    });

    let result = client(&server)
        .search_api_key()
        .body(types::ApiKeySearchRequest {
            key: Secret::new("0000"),
        })
        .send()
        .await
        .expect("search_api_key")
        .into_inner();

    mock.assert_async().await;
    assert!(!result.found);
    assert_eq!(result.result, None);
}

// ---------------------------------------------------------------------------
// Assets
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_images_sends_paging_and_decodes_each_url() {
    let server = MockServer::start_async().await;
    let body: types::ImageAssetList = example("list_images", 200);
    let mock = server.list_images(|when, then| {
        let when = when.limit(2).offset(0).into_inner();
        expect_no_body(when, 2).path("/medias/images/");
        then.ok(&body);
    });

    let page = client(&server)
        .list_images()
        .limit(2)
        .offset(0)
        .send()
        .await
        .expect("list_images")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.total_count, Some(3));
    assert_eq!(
        page.next.as_deref(),
        Some("https://documentation-resources.opendatasoft.com/api/automation/v1.0/medias/images/?limit=2&offset=2")
    );
    assert_eq!(page.previous, None);
    let urls: Vec<&str> = page.results.iter().map(|i| i.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "/assets/theme_image/city-logo.svg",
            "/assets/theme_image/homepage-banner.jpg"
        ]
    );
    assert_round_trips(&page, "list_images", 200);
}

// ---------------------------------------------------------------------------
// API key values are credentials
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_returned_key_value_never_shows_in_debug_output() {
    let server = MockServer::start_async().await;
    let body: types::ApiKey = example("create_api_key", 201);
    let mock = server.create_api_key(|_when, then| {
        then.created(&body);
    });

    let rv = client(&server)
        .create_api_key()
        .body(key_request("Nightly catalog sync", vec![]))
        .send()
        .await
        .expect("create_api_key");

    mock.assert_async().await;
    let printed_response = format!("{rv:?}");
    let decoded_key = rv.into_inner();
    // Code reads it through `expose`, and it serializes as the plain string.
    assert_eq!(key_value(&decoded_key), Some(KEY_VALUE));
    assert_eq!(
        serde_json::to_value(&decoded_key).unwrap()["key"],
        KEY_VALUE
    );
    let page: types::ApiKeyList = example("list_api_keys", 200);
    let found: types::ApiKeySearchResult = example("search_api_key", 200);
    let printed = [
        printed_response,
        format!("{:?}", decoded_key),
        format!("{:#?}", decoded_key),
        format!("{:?}", decoded_key.key),
        format!("{page:?}"),
        format!("{found:?}"),
    ];
    for text in &printed {
        assert!(
            !text.contains(KEY_VALUE),
            "key value in Debug output: {text}"
        );
        assert!(
            !text.contains(REVOKED_KEY_VALUE),
            "key value in Debug output: {text}"
        );
    }
    assert!(printed[1].contains("<redacted>"), "{}", printed[1]);
}

#[test]
fn a_key_value_searched_for_never_shows_in_debug_output() {
    let server = MockServer::start();
    let client = client(&server);
    let request = types::ApiKeySearchRequest {
        key: Secret::new(REVOKED_KEY_VALUE),
    };
    let printed = [
        format!("{request:?}"),
        format!("{:?}", client.search_api_key().body(request.clone())),
    ];
    for text in printed {
        assert!(
            !text.contains(REVOKED_KEY_VALUE),
            "key value in Debug output: {text}"
        );
    }
    // It still travels as the plain string.
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({"key": REVOKED_KEY_VALUE})
    );
}

// ---------------------------------------------------------------------------
// Error statuses: one named test per documented status, then every
// documented (operation, status) pair.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn create_api_key_reports_an_invalid_body_as_a_bad_request_with_details() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("create_api_key", 400);
    let mock = server.create_api_key(|when, then| {
        let when = when.into_inner();
        expect_json_body(when, json!({"label": ""})).path("/apikeys/");
        then.bad_request(&body);
    });

    let result = client(&server)
        .create_api_key()
        .body(types::ApiKeyRequest {
            label: Some(String::new()),
            permissions: None,
        })
        .send()
        .await;

    mock.assert_async().await;
    let rv = match result {
        Err(Error::ErrorResponse(rv)) => rv,
        other => panic!("expected Error::ErrorResponse, got {other:?}"),
    };
    assert_eq!(rv.status().as_u16(), 400);
    assert_eq!(rv.message, "Invalid input");
    assert_eq!(rv.error_code, "validation_error");
    assert_eq!(rv.trace_id, None);
    assert_eq!(
        Value::Object(rv.detail.clone()),
        json!({"title": ["This field is required."]})
    );
    assert_round_trips(&rv.into_inner(), "create_api_key", 400);
}

#[tokio::test]
async fn list_users_reports_a_rejected_key_as_unauthorized() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("list_users", 401);
    let mock = server.list_users(|_when, then| {
        then.unauthorized(&body);
    });

    let result = client(&server).list_users().send().await;

    mock.assert_async().await;
    let rv = match result {
        Err(Error::ErrorResponse(rv)) => rv,
        other => panic!("expected Error::ErrorResponse, got {other:?}"),
    };
    assert_eq!(rv.status().as_u16(), 401);
    assert_eq!(rv.message, "Incorrect authentication credentials.");
    assert_eq!(rv.error_code, "authentication_failed");
    assert_round_trips(&rv.into_inner(), "list_users", 401);
}

#[tokio::test]
async fn search_api_key_reports_a_caller_who_is_not_administrator_as_forbidden() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("search_api_key", 403);
    let mock = server.search_api_key(|when, then| {
        let when = when.into_inner();
        expect_json_body(when, json!({"key": REVOKED_KEY_VALUE})).path("/apikeys/search_key/");
        then.forbidden(&body);
    });

    let result = client(&server)
        .search_api_key()
        .body(types::ApiKeySearchRequest {
            key: Secret::new(REVOKED_KEY_VALUE),
        })
        .send()
        .await;

    mock.assert_async().await;
    let rv = match result {
        Err(Error::ErrorResponse(rv)) => rv,
        other => panic!("expected Error::ErrorResponse, got {other:?}"),
    };
    assert_eq!(rv.status().as_u16(), 403);
    assert_eq!(
        rv.message,
        "You do not have permission to perform this action."
    );
    assert_eq!(rv.error_code, "permission_denied");
    assert_round_trips(&rv.into_inner(), "search_api_key", 403);
}

#[tokio::test]
async fn get_api_key_reports_an_unknown_key_as_not_found() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("get_api_key", 404);
    let mock = server.get_api_key(|when, then| {
        when.apikey_uid("ak_nosuch");
        then.not_found(&body);
    });

    let result = client(&server)
        .get_api_key()
        .apikey_uid("ak_nosuch")
        .send()
        .await;

    mock.assert_async().await;
    let rv = match result {
        Err(Error::ErrorResponse(rv)) => rv,
        other => panic!("expected Error::ErrorResponse, got {other:?}"),
    };
    assert_eq!(rv.status().as_u16(), 404);
    assert_eq!(rv.message, "Not found.");
    assert_eq!(rv.error_code, "not_found");
    assert_round_trips(&rv.into_inner(), "get_api_key", 404);
}

#[tokio::test]
async fn export_users_reports_throttling_as_a_json_error_despite_its_csv_success_body() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("export_users", 429);
    let mock = server.export_users(|when, then| {
        let when = when.into_inner().path("/users/export/");
        expect_no_body_any_media_type(when, 0);
        then.too_many_requests(&body);
    });

    let result = client(&server).export_users().send().await;

    mock.assert_async().await;
    let rv = match result {
        Err(Error::ErrorResponse(rv)) => rv,
        Err(other) => panic!("expected Error::ErrorResponse, got {other:?}"),
        Ok(rv) => panic!("expected Error::ErrorResponse, got {}", rv.status()),
    };
    assert_eq!(rv.status().as_u16(), 429);
    assert_eq!(rv.message, "Request was throttled.");
    assert_eq!(rv.error_code, "throttled");
    assert_eq!(
        rv.trace_id.as_deref(),
        Some("6b523c91-45a6-4ef9-b130-b82e1241645e")
    );
    assert_round_trips(&rv.into_inner(), "export_users", 429);
}

#[tokio::test]
async fn every_documented_error_status_of_every_operation_is_an_error_response() {
    let server = MockServer::start_async().await;
    let client = client(&server);
    let pairs = documented_errors(&TESTED_OPERATIONS);
    assert_documented_errors(&pairs, &ERROR_STATUSES, 52);
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
        let error = expect_vendor_error(result, op, status);
        assert_eq!(error, body, "{op} {status}: decoded error");
        mock.delete_async().await;
    }
}
