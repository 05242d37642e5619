//! Operation tests for the user operations of the generated Cloudinary Account
//! Provisioning client (tag Users, paths under `/accounts/{account_id}/users`).
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

const USER: &str = "0abed8dfcc039ea05e2a1d494fd442";

/// Query values, taken from the spec's parameter examples.
const IDS: &str = "0abed8dfcc039ea05e2a1d494fd442,139147faa12ce11f22cfaffa84b307";
const EMAILS: &str = "john_smith@example.com,john_jones@example.com";
const SUB_ACCOUNT: &str = "abcde1fghij2klmno3pqrst4uvwxy5z";

/// Every error status the API documents.
const ERROR_STATUSES: [u16; 7] = [400, 401, 403, 404, 409, 420, 429];

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn users_path() -> String {
    format!("/v1_1/provisioning/accounts/{ACCOUNT}/users")
}

fn user_path(suffix: &str) -> String {
    format!("/v1_1/provisioning/accounts/{ACCOUNT}/users/{USER}{suffix}")
}

/// The spec's request example for `create_user`: name, email and role only.
fn create_request() -> types::UserCreateRequest {
    types::UserCreateRequest {
        name: "jenny_bar".to_string(),
        email: "jenny_bar@example.com".to_string(),
        role: Some(types::UserRole::MasterAdmin),
        sub_account_ids: None,
        enabled: None,
    }
}

/// The spec's request example for `update_user`: name, email and role.
fn update_request() -> types::UserUpdateRequest {
    types::UserUpdateRequest {
        name: Some("John".to_string()),
        email: Some("john@example.com".to_string()),
        role: Some(types::UserRole::TechnicalAdmin),
        ..Default::default()
    }
}

/// A request without a body (GET and DELETE).
fn expect_no_body(when: When, query_params: usize) -> When {
    // `body("")` is refused by httpmock for GET, hence the custom matcher.
    expect_common(when, query_params)
        .header_missing("content-type")
        .is_true(|req| req.body_ref().is_empty())
}

/// Records the raw (still percent-encoded) query string of every request the
/// mock looks at, so a test can check the bytes on the wire, not only the
/// values httpmock decodes.
fn record_raw_query(when: When, sink: &Arc<Mutex<Vec<String>>>) -> When {
    let sink = sink.clone();
    when.is_true(move |req| {
        let uri = req.uri_str();
        let query = uri.split_once('?').map_or("", |(_, q)| q);
        sink.lock().unwrap().push(query.to_string());
        true
    })
}

/// The `name=value` pairs of a raw query string, sorted (the order of the
/// parameters carries no meaning).
fn raw_pairs(query: &str) -> Vec<&str> {
    let mut pairs: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
    pairs.sort_unstable();
    pairs
}

/// Mocks `op` for the test ids, answering `status` with `body` (for the
/// table-driven error test; the per-status tests use the named helpers).
fn mock_error<'a>(server: &'a MockServer, op: &str, status: u16, body: &types::Error) -> Mock<'a> {
    match op {
        "list_users" => server.list_users(|when, then| {
            when.account_id(ACCOUNT);
            then.client_error(status, body);
        }),
        "create_user" => server.create_user(|when, then| {
            when.account_id(ACCOUNT);
            then.client_error(status, body);
        }),
        "get_user" => server.get_user(|when, then| {
            when.account_id(ACCOUNT).user_id(USER);
            then.client_error(status, body);
        }),
        "update_user" => server.update_user(|when, then| {
            when.account_id(ACCOUNT).user_id(USER);
            then.client_error(status, body);
        }),
        "delete_user" => server.delete_user(|when, then| {
            when.account_id(ACCOUNT).user_id(USER);
            then.client_error(status, body);
        }),
        "list_groups_of_user" => server.list_groups_of_user(|when, then| {
            when.account_id(ACCOUNT).user_id(USER);
            then.client_error(status, body);
        }),
        "list_product_environments_of_user" => {
            server.list_product_environments_of_user(|when, then| {
                when.account_id(ACCOUNT).user_id(USER);
                then.client_error(status, body);
            })
        }
        other => panic!("no mock for operation {other}: add it to mock_error"),
    }
}

/// Calls `op` with the test ids; the success value is dropped.
async fn call(client: &Client, op: &str) -> Result<ResponseValue<()>, Error<types::Error>> {
    fn unit<T>(rv: ResponseValue<T>) -> ResponseValue<()> {
        ResponseValue::new((), rv.status(), rv.headers().clone())
    }
    match op {
        "list_users" => client
            .list_users()
            .account_id(ACCOUNT)
            .send()
            .await
            .map(unit),
        "create_user" => client
            .create_user()
            .account_id(ACCOUNT)
            .body(create_request())
            .send()
            .await
            .map(unit),
        "get_user" => client
            .get_user()
            .account_id(ACCOUNT)
            .user_id(USER)
            .send()
            .await
            .map(unit),
        "update_user" => client
            .update_user()
            .account_id(ACCOUNT)
            .user_id(USER)
            .body(update_request())
            .send()
            .await
            .map(unit),
        "delete_user" => client
            .delete_user()
            .account_id(ACCOUNT)
            .user_id(USER)
            .send()
            .await
            .map(unit),
        "list_groups_of_user" => client
            .list_groups_of_user()
            .account_id(ACCOUNT)
            .user_id(USER)
            .send()
            .await
            .map(unit),
        "list_product_environments_of_user" => client
            .list_product_environments_of_user()
            .account_id(ACCOUNT)
            .user_id(USER)
            .send()
            .await
            .map(unit),
        other => panic!("no call for operation {other}: add it to call"),
    }
}

/// The operations this file covers: the spec's user operations (their paths
/// go through `/accounts/{account_id}/users`), so a new one cannot go
/// untested silently.
const TESTED_OPERATIONS: [&str; 7] = [
    "list_users",
    "create_user",
    "get_user",
    "update_user",
    "delete_user",
    "list_groups_of_user",
    "list_product_environments_of_user",
];

#[test]
fn every_user_operation_of_the_spec_is_tested_here() {
    let spec: Vec<&str> = examples::OPERATIONS
        .iter()
        // Not `/users` alone: the user-group membership paths end in it too.
        .filter(|(_, _, path)| path.contains("/accounts/{account_id}/users"))
        .map(|(id, _, _)| *id)
        .collect();
    assert_eq!(spec, TESTED_OPERATIONS);
}

// ---------------------------------------------------------------------------
// list_users: its filters on the wire, then what it decodes
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_users_sends_every_filter_with_its_exact_wire_value() {
    let server = MockServer::start_async().await;
    let body: types::UserList = example("list_users", 200);
    let raw = Arc::new(Mutex::new(Vec::new()));
    let (from, to) = (date(2023, 1, 1), date(2024, 12, 31));
    let mock = server.list_users(|when, then| {
        let when = when.account_id(ACCOUNT).into_inner();
        // Literal wire values, not the generated Display of the enums.
        let when = expect_no_body(when, 13)
            .path(users_path())
            .query_param("pending", "false")
            .query_param("ids", IDS)
            .query_param_count("^ids$", ".*", 1)
            .query_param("emails", EMAILS)
            .query_param_count("^emails$", ".*", 1)
            .query_param("prefix", "john")
            .query_param("sub_account_id", SUB_ACCOUNT)
            .query_param("last_login", "true")
            .query_param("from", "2023-01-01")
            .query_param("to", "2024-12-31")
            .query_param("union_type", "exclude")
            .query_param("sort_order", "asc")
            .query_param("sort_by", "created_at")
            .query_param("page", "2")
            .query_param("page_size", "50");
        record_raw_query(when, &raw);
        then.ok(&body);
    });

    let list = client(&server)
        .list_users()
        .account_id(ACCOUNT)
        .pending(false)
        .ids(IDS)
        .emails(EMAILS)
        .prefix("john")
        .sub_account_id(SUB_ACCOUNT)
        .last_login(true)
        .from(from)
        .to(to)
        .union_type(types::UserLastLoginUnion::Exclude)
        .sort_order(types::UserSortOrder::Asc)
        .sort_by(types::UserSortBy::CreatedAt)
        .page(2)
        .page_size(50)
        .send()
        .await
        .expect("list_users")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(list, body);
    // The bytes on the wire: one `ids` and one `emails`, their commas (and
    // the `@`s) percent-encoded inside the single value.
    let raw = raw.lock().unwrap();
    assert!(!raw.is_empty(), "the matcher saw no request");
    for query in raw.iter() {
        assert_eq!(
            raw_pairs(query),
            [
                "emails=john_smith%40example.com%2Cjohn_jones%40example.com",
                "from=2023-01-01",
                "ids=0abed8dfcc039ea05e2a1d494fd442%2C139147faa12ce11f22cfaffa84b307",
                "last_login=true",
                "page=2",
                "page_size=50",
                "pending=false",
                "prefix=john",
                "sort_by=created_at",
                "sort_order=asc",
                "sub_account_id=abcde1fghij2klmno3pqrst4uvwxy5z",
                "to=2024-12-31",
                "union_type=exclude",
            ],
            "raw query {query:?}"
        );
    }
}

#[tokio::test]
async fn list_users_typed_matchers_agree_with_the_wire_values() {
    // The same request, matched only with the generated typed matchers: they
    // must accept what the client sends.
    let server = MockServer::start_async().await;
    let body: types::UserList = example("list_users", 200);
    let (from, to) = (date(2023, 1, 1), date(2024, 12, 31));
    let mock = server.list_users(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .pending(false)
            .ids(IDS)
            .emails(EMAILS)
            .prefix("john")
            .sub_account_id(SUB_ACCOUNT)
            .last_login(true)
            .from(&from)
            .to(&to)
            .union_type(types::UserLastLoginUnion::Include)
            .sort_order(types::UserSortOrder::Desc)
            .sort_by(types::UserSortBy::Activity)
            .page(1)
            .page_size(100)
            .into_inner();
        expect_no_body(when, 13).path(users_path());
        then.ok(&body);
    });

    client(&server)
        .list_users()
        .account_id(ACCOUNT)
        .pending(false)
        .ids(IDS)
        .emails(EMAILS)
        .prefix("john")
        .sub_account_id(SUB_ACCOUNT)
        .last_login(true)
        .from(from)
        .to(to)
        .union_type(types::UserLastLoginUnion::Include)
        .sort_order(types::UserSortOrder::Desc)
        .sort_by(types::UserSortBy::Activity)
        .page(1)
        .page_size(100)
        .send()
        .await
        .expect("list_users");

    mock.assert_async().await;
}

#[tokio::test]
async fn list_users_without_filters_sends_no_query_parameter_and_decodes_every_user() {
    let server = MockServer::start_async().await;
    let body: types::UserList = example("list_users", 200);
    let raw = Arc::new(Mutex::new(Vec::new()));
    let mock = server.list_users(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .pending(None)
            .ids(None)
            .emails(None)
            .prefix(None)
            .sub_account_id(None)
            .last_login(None)
            .from(None)
            .to(None)
            .union_type(None)
            .sort_order(None)
            .sort_by(None)
            .page(None)
            .page_size(None)
            .into_inner();
        let when = expect_no_body(when, 0).path(users_path());
        record_raw_query(when, &raw);
        then.ok(&body);
    });

    let list = client(&server)
        .list_users()
        .account_id(ACCOUNT)
        .send()
        .await
        .expect("list_users")
        .into_inner();

    mock.assert_async().await;
    let raw = raw.lock().unwrap();
    assert!(!raw.is_empty(), "the matcher saw no request");
    for query in raw.iter() {
        assert_eq!(query, "", "no query string at all");
    }
    assert_eq!(list.users.len(), 2);
    let smith = &list.users[0];
    assert_eq!(smith.id, "139147faa12ce11f22cfaffa84b307");
    assert_eq!(smith.name, "john_smith");
    assert_eq!(smith.role.as_deref(), Some("media_library_user"));
    assert_eq!(smith.email.as_deref(), Some("john_smith@example.com"));
    assert_eq!(smith.pending, Some(true));
    assert_eq!(smith.enabled, Some(true));
    assert_eq!(smith.created_at, utc(2020, 1, 13, 5, 16, 6));
    assert_eq!(smith.updated_at, utc(2020, 1, 13, 5, 16, 6));
    assert_eq!(smith.last_login, utc(2022, 1, 11, 15, 11, 4));
    assert_eq!(smith.all_sub_accounts, Some(true));
    let jones = &list.users[1];
    assert_eq!(jones.id, "28c84b2aa7924a5e64f949b5403981");
    assert_eq!(jones.name, "john_jones");
    assert_eq!(jones.role.as_deref(), Some("master_admin"));
    assert_eq!(jones.email.as_deref(), Some("john_jones@example.com"));
    assert_eq!(jones.created_at, utc(2019, 1, 13, 5, 16, 5));
    assert_eq!(jones.last_login, utc(2021, 11, 12, 15, 11, 2));
    assert_round_trips(&list, "list_users", 200);
}

#[tokio::test]
async fn list_users_sends_ids_as_one_comma_separated_parameter() {
    let server = MockServer::start_async().await;
    let body: types::UserList = example("list_users", 200);
    let raw = Arc::new(Mutex::new(Vec::new()));
    let mock = server.list_users(|when, then| {
        let when = when.account_id(ACCOUNT).ids(IDS).into_inner();
        let when = expect_no_body(when, 1)
            .path(users_path())
            .query_param_count("^ids$", ".*", 1);
        record_raw_query(when, &raw);
        then.ok(&body);
    });

    client(&server)
        .list_users()
        .account_id(ACCOUNT)
        .ids(IDS)
        .send()
        .await
        .expect("list_users");

    mock.assert_async().await;
    let raw = raw.lock().unwrap();
    assert!(!raw.is_empty(), "the matcher saw no request");
    for query in raw.iter() {
        assert_eq!(
            query,
            "ids=0abed8dfcc039ea05e2a1d494fd442%2C139147faa12ce11f22cfaffa84b307"
        );
    }
}

#[tokio::test]
async fn list_users_sends_emails_as_one_comma_separated_parameter() {
    let server = MockServer::start_async().await;
    let body: types::UserList = example("list_users", 200);
    let raw = Arc::new(Mutex::new(Vec::new()));
    let mock = server.list_users(|when, then| {
        let when = when.account_id(ACCOUNT).emails(EMAILS).into_inner();
        let when = expect_no_body(when, 1)
            .path(users_path())
            .query_param_count("^emails$", ".*", 1);
        record_raw_query(when, &raw);
        then.ok(&body);
    });

    client(&server)
        .list_users()
        .account_id(ACCOUNT)
        .emails(EMAILS)
        .send()
        .await
        .expect("list_users");

    mock.assert_async().await;
    let raw = raw.lock().unwrap();
    assert!(!raw.is_empty(), "the matcher saw no request");
    for query in raw.iter() {
        assert_eq!(
            query,
            "emails=john_smith%40example.com%2Cjohn_jones%40example.com"
        );
    }
}

#[tokio::test]
async fn list_users_sends_the_last_login_range_as_zero_padded_calendar_days() {
    let server = MockServer::start_async().await;
    let body: types::UserList = example("list_users", 200);
    let raw = Arc::new(Mutex::new(Vec::new()));
    let mock = server.list_users(|when, then| {
        let when = when.account_id(ACCOUNT).into_inner();
        let when = expect_no_body(when, 3)
            .path(users_path())
            .query_param("last_login", "true")
            .query_param("from", "2024-03-05")
            .query_param("to", "2024-04-09");
        record_raw_query(when, &raw);
        then.ok(&body);
    });

    client(&server)
        .list_users()
        .account_id(ACCOUNT)
        .last_login(true)
        .from(date(2024, 3, 5))
        .to(date(2024, 4, 9))
        .send()
        .await
        .expect("list_users");

    mock.assert_async().await;
    let raw = raw.lock().unwrap();
    assert!(!raw.is_empty(), "the matcher saw no request");
    for query in raw.iter() {
        // A date, not a date-time: no `T00:00:00`, no zone.
        assert_eq!(
            raw_pairs(query),
            ["from=2024-03-05", "last_login=true", "to=2024-04-09"]
        );
    }
}

#[tokio::test]
async fn list_users_sends_every_sort_and_union_value_by_its_wire_name() {
    let server = MockServer::start_async().await;
    let body: types::UserList = example("list_users", 200);
    let client = client(&server);
    let sort_by = [
        (types::UserSortBy::Name, "name"),
        (types::UserSortBy::Role, "role"),
        (types::UserSortBy::Status, "status"),
        (types::UserSortBy::Activity, "activity"),
        (types::UserSortBy::CreatedAt, "created_at"),
    ];
    for (value, wire) in sort_by {
        let mock = server.list_users(|when, then| {
            let when = when.account_id(ACCOUNT).into_inner();
            expect_no_body(when, 1).query_param("sort_by", wire);
            then.ok(&body);
        });
        let sent = client
            .list_users()
            .account_id(ACCOUNT)
            .sort_by(value)
            .send()
            .await;
        assert!(sent.is_ok(), "sort_by {wire}: {sent:?}");
        assert_eq!(mock.calls_async().await, 1, "sort_by {wire}");
        mock.delete_async().await;
    }
    let sort_order = [
        (types::UserSortOrder::Desc, "desc"),
        (types::UserSortOrder::Asc, "asc"),
    ];
    for (value, wire) in sort_order {
        let mock = server.list_users(|when, then| {
            let when = when.account_id(ACCOUNT).into_inner();
            expect_no_body(when, 1).query_param("sort_order", wire);
            then.ok(&body);
        });
        let sent = client
            .list_users()
            .account_id(ACCOUNT)
            .sort_order(value)
            .send()
            .await;
        assert!(sent.is_ok(), "sort_order {wire}: {sent:?}");
        assert_eq!(mock.calls_async().await, 1, "sort_order {wire}");
        mock.delete_async().await;
    }
    let union_type = [
        (types::UserLastLoginUnion::Include, "include"),
        (types::UserLastLoginUnion::Exclude, "exclude"),
    ];
    for (value, wire) in union_type {
        let mock = server.list_users(|when, then| {
            let when = when.account_id(ACCOUNT).into_inner();
            expect_no_body(when, 1).query_param("union_type", wire);
            then.ok(&body);
        });
        let sent = client
            .list_users()
            .account_id(ACCOUNT)
            .union_type(value)
            .send()
            .await;
        assert!(sent.is_ok(), "union_type {wire}: {sent:?}");
        assert_eq!(mock.calls_async().await, 1, "union_type {wire}");
        mock.delete_async().await;
    }
}

#[tokio::test]
async fn list_users_sends_pending_true_as_the_word_true() {
    let server = MockServer::start_async().await;
    let body: types::UserList = example("list_users", 200);
    let mock = server.list_users(|when, then| {
        let when = when.account_id(ACCOUNT).into_inner();
        expect_no_body(when, 1)
            .path(users_path())
            .query_param("pending", "true");
        then.ok(&body);
    });

    client(&server)
        .list_users()
        .account_id(ACCOUNT)
        .pending(true)
        .send()
        .await
        .expect("list_users");

    mock.assert_async().await;
}

#[tokio::test]
async fn list_users_decodes_a_role_outside_user_role_and_every_optional_field() {
    // Not a spec example: a user with every field the schema lists, a role the
    // caller-side UserRole enum does not have, and an unknown field.
    let server = MockServer::start_async().await;
    let full = json!({
        "users": [{
            "id": USER,
            "name": "Ann Lee",
            "first_name": "Ann",
            "last_name": "Lee",
            "role": "custom_role",
            "email": "ann@example.com",
            "pending": false,
            "enabled": false,
            "created_at": "2021-02-03T04:05:06Z",
            "updated_at": "2021-02-04T04:05:06Z",
            "last_login": "2021-02-05T04:05:06Z",
            "all_sub_accounts": false,
            "providers": ["google", "saml"],
            "email_preferences": {"weekly_report": true},
            "account_id": ACCOUNT,
            "two_factor": true,
            "status": "active",
            "root": false,
            "technical_role": "developer",
            "group_count": 3,
            "sub_account_count": 2
        }]
    });
    let mut answered = full.clone();
    answered["users"][0]["not_in_the_spec"] = json!("ignored");
    let mock = server.list_users(|when, then| {
        when.account_id(ACCOUNT);
        then.into_inner().status(200).json_body(answered.clone());
    });

    let list = client(&server)
        .list_users()
        .account_id(ACCOUNT)
        .send()
        .await
        .expect("list_users")
        .into_inner();

    mock.assert_async().await;
    let ann = &list.users[0];
    assert_eq!(ann.role.as_deref(), Some("custom_role"));
    assert_eq!(ann.first_name.as_deref(), Some("Ann"));
    assert_eq!(ann.last_name.as_deref(), Some("Lee"));
    assert_eq!(ann.providers, ["google", "saml"]);
    assert_eq!(ann.email_preferences["weekly_report"], json!(true));
    assert_eq!(ann.account_id.as_deref(), Some(ACCOUNT));
    assert_eq!(ann.two_factor, Some(true));
    assert_eq!(ann.status.as_deref(), Some("active"));
    assert_eq!(ann.root, Some(false));
    assert_eq!(ann.technical_role.as_deref(), Some("developer"));
    assert_eq!(ann.group_count, Some(3));
    assert_eq!(ann.sub_account_count, Some(2));
    assert_eq!(ann.last_login, utc(2021, 2, 5, 4, 5, 6));
    assert_eq!(serde_json::to_value(&list).unwrap(), full);
}

// ---------------------------------------------------------------------------
// create_user
// ---------------------------------------------------------------------------

#[tokio::test]
async fn create_user_sends_the_spec_example_body_and_decodes_the_user() {
    let server = MockServer::start_async().await;
    let body: types::User = example("create_user", 200);
    let mock = server.create_user(|when, then| {
        let when = when.account_id(ACCOUNT).into_inner();
        expect_json_body(
            when,
            json!({
                "name": "jenny_bar",
                "email": "jenny_bar@example.com",
                "role": "master_admin"
            }),
        )
        .path(users_path());
        then.ok(&body);
    });

    let user = client(&server)
        .create_user()
        .account_id(ACCOUNT)
        .body(create_request())
        .send()
        .await
        .expect("create_user")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(user.id, "7f08f1f1fc910bf1f25274aef11d27");
    assert_eq!(user.name, "jenny_bar");
    assert_eq!(user.role.as_deref(), Some("master_admin"));
    assert_eq!(user.email.as_deref(), Some("jenny_bar@example.com"));
    assert_eq!(user.pending, Some(true));
    assert_eq!(user.enabled, Some(true));
    assert_eq!(user.created_at, utc(2019, 9, 12, 11, 53, 57));
    assert_eq!(user.updated_at, utc(2019, 9, 12, 11, 53, 57));
    assert_eq!(user.last_login, utc(2022, 1, 11, 15, 11, 4));
    assert_eq!(user.all_sub_accounts, Some(true));
    assert_round_trips(&user, "create_user", 200);
}

#[tokio::test]
async fn create_user_sends_every_field_including_the_product_environment_ids() {
    let server = MockServer::start_async().await;
    let body: types::User = example("create_user", 200);
    let mock = server.create_user(|when, then| {
        let when = when.account_id(ACCOUNT).into_inner();
        expect_json_body(
            when,
            json!({
                "name": "jenny_bar",
                "email": "jenny_bar@example.com",
                "role": "media_library_admin",
                "sub_account_ids": [SUB_ACCOUNT, "0aaaaa1bbbbb2ccccc3ddddd4eeeee5f"],
                "enabled": false
            }),
        )
        .path(users_path());
        then.ok(&body);
    });

    client(&server)
        .create_user()
        .account_id(ACCOUNT)
        .body_map(|b| {
            b.name("jenny_bar")
                .email("jenny_bar@example.com")
                .role(types::UserRole::MediaLibraryAdmin)
                .sub_account_ids(vec![
                    SUB_ACCOUNT.to_string(),
                    "0aaaaa1bbbbb2ccccc3ddddd4eeeee5f".to_string(),
                ])
                .enabled(false)
        })
        .send()
        .await
        .expect("create_user");

    mock.assert_async().await;
}

#[tokio::test]
async fn create_user_with_only_the_required_fields_sends_only_them() {
    let server = MockServer::start_async().await;
    let body: types::User = example("create_user", 200);
    let mock = server.create_user(|when, then| {
        let when = when.account_id(ACCOUNT).into_inner();
        expect_json_body(
            when,
            json!({"name": "jenny_bar", "email": "jenny_bar@example.com"}),
        )
        .path(users_path());
        then.ok(&body);
    });

    client(&server)
        .create_user()
        .account_id(ACCOUNT)
        .body_map(|b| b.name("jenny_bar").email("jenny_bar@example.com"))
        .send()
        .await
        .expect("create_user");

    mock.assert_async().await;
}

#[tokio::test]
async fn create_user_sends_every_role_by_its_wire_name() {
    let server = MockServer::start_async().await;
    let body: types::User = example("create_user", 200);
    let client = client(&server);
    let roles = [
        (types::UserRole::MasterAdmin, "master_admin"),
        (types::UserRole::Admin, "admin"),
        (types::UserRole::Billing, "billing"),
        (types::UserRole::TechnicalAdmin, "technical_admin"),
        (types::UserRole::Reports, "reports"),
        (types::UserRole::MediaLibraryAdmin, "media_library_admin"),
        (types::UserRole::MediaLibraryUser, "media_library_user"),
    ];
    for (role, wire) in roles {
        let mock = server.create_user(|when, then| {
            let when = when.account_id(ACCOUNT).into_inner();
            expect_json_body(
                when,
                json!({"name": "n", "email": "n@example.com", "role": wire}),
            );
            then.ok(&body);
        });
        let sent = client
            .create_user()
            .account_id(ACCOUNT)
            .body_map(|b| b.name("n").email("n@example.com").role(role))
            .send()
            .await;
        assert!(sent.is_ok(), "role {wire}: {sent:?}");
        assert_eq!(mock.calls_async().await, 1, "role {wire}");
        mock.delete_async().await;
    }
}

#[tokio::test]
async fn create_user_without_an_email_is_refused_before_sending() {
    let server = MockServer::start_async().await;
    let body: types::User = example("create_user", 200);
    let mock = server.create_user(|when, then| {
        when.account_id(ACCOUNT);
        then.ok(&body);
    });

    let result = client(&server)
        .create_user()
        .account_id(ACCOUNT)
        .body_map(|b| b.name("jenny_bar"))
        .send()
        .await;

    match result {
        Err(Error::InvalidRequest(message)) => {
            assert!(message.contains("email"), "message: {message}")
        }
        other => panic!("expected Error::InvalidRequest, got {other:?}"),
    }
    assert_eq!(mock.calls_async().await, 0, "nothing may be sent");
}

// ---------------------------------------------------------------------------
// get_user, update_user, delete_user
// ---------------------------------------------------------------------------

#[tokio::test]
async fn get_user_decodes_the_user() {
    let server = MockServer::start_async().await;
    let body: types::User = example("get_user", 200);
    let mock = server.get_user(|when, then| {
        let when = when.account_id(ACCOUNT).user_id(USER).into_inner();
        expect_no_body(when, 0).path(user_path(""));
        then.ok(&body);
    });

    let user = client(&server)
        .get_user()
        .account_id(ACCOUNT)
        .user_id(USER)
        .send()
        .await
        .expect("get_user")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(user.id, "7f08f1f1fc910bf1f25274aef11d27");
    assert_eq!(user.name, "jenny_bar");
    assert_eq!(user.role.as_deref(), Some("master_admin"));
    assert_eq!(user.email.as_deref(), Some("jenny_bar@example.com"));
    assert_eq!(user.pending, Some(true));
    assert_eq!(user.enabled, Some(true));
    assert_eq!(user.created_at, utc(2019, 9, 12, 11, 53, 57));
    assert_eq!(user.last_login, utc(2022, 1, 11, 15, 11, 4));
    assert_eq!(user.all_sub_accounts, Some(true));
    assert_eq!(user.first_name, None);
    assert!(user.providers.is_empty());
    assert_round_trips(&user, "get_user", 200);
}

#[tokio::test]
async fn update_user_sends_the_spec_example_body_and_decodes_the_changed_user() {
    let server = MockServer::start_async().await;
    let body: types::User = example("update_user", 200);
    let mock = server.update_user(|when, then| {
        let when = when.account_id(ACCOUNT).user_id(USER).into_inner();
        expect_json_body(
            when,
            json!({"name": "John", "email": "john@example.com", "role": "technical_admin"}),
        )
        .path(user_path(""));
        then.ok(&body);
    });

    let user = client(&server)
        .update_user()
        .account_id(ACCOUNT)
        .user_id(USER)
        .body(update_request())
        .send()
        .await
        .expect("update_user")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(user.id, USER);
    assert_eq!(user.name, "John");
    assert_eq!(user.role.as_deref(), Some("technical_admin"));
    assert_eq!(user.email.as_deref(), Some("john@example.com"));
    assert_eq!(user.created_at, utc(2020, 9, 3, 13, 33, 25));
    assert_eq!(user.updated_at, utc(2020, 9, 3, 13, 33, 25));
    assert_eq!(user.last_login, None);
    assert_eq!(user.all_sub_accounts, Some(true));
    assert_round_trips(&user, "update_user", 200);
}

#[tokio::test]
async fn update_user_sends_the_product_environment_ids_and_enabled() {
    let server = MockServer::start_async().await;
    let body: types::User = example("update_user", 200);
    let mock = server.update_user(|when, then| {
        let when = when.account_id(ACCOUNT).user_id(USER).into_inner();
        expect_json_body(
            when,
            json!({
                "role": "media_library_user",
                "sub_account_ids": [SUB_ACCOUNT, "0aaaaa1bbbbb2ccccc3ddddd4eeeee5f"],
                "enabled": true
            }),
        )
        .path(user_path(""));
        then.ok(&body);
    });

    client(&server)
        .update_user()
        .account_id(ACCOUNT)
        .user_id(USER)
        .body(types::UserUpdateRequest {
            role: Some(types::UserRole::MediaLibraryUser),
            sub_account_ids: Some(vec![
                SUB_ACCOUNT.to_string(),
                "0aaaaa1bbbbb2ccccc3ddddd4eeeee5f".to_string(),
            ]),
            enabled: Some(true),
            ..Default::default()
        })
        .send()
        .await
        .expect("update_user");

    mock.assert_async().await;
}

/// `sub_account_ids` is optional and nullable in the spec so that an empty
/// list (access to no product environment) can be sent, apart from "unset".
#[tokio::test]
async fn update_user_with_an_empty_product_environment_list_sends_it() {
    let server = MockServer::start_async().await;
    let body: types::User = example("update_user", 200);
    let mock = server.update_user(|when, then| {
        let when = when.account_id(ACCOUNT).user_id(USER).into_inner();
        expect_json_body(when, json!({"sub_account_ids": []})).path(user_path(""));
        then.ok(&body);
    });

    client(&server)
        .update_user()
        .account_id(ACCOUNT)
        .user_id(USER)
        .body_map(|b| b.sub_account_ids(Some(Vec::new())))
        .send()
        .await
        .expect("update_user");

    mock.assert_async().await;
}

#[tokio::test]
async fn update_user_with_one_field_sends_only_that_field() {
    let server = MockServer::start_async().await;
    let body: types::User = example("update_user", 200);
    let mock = server.update_user(|when, then| {
        let when = when.account_id(ACCOUNT).user_id(USER).into_inner();
        expect_json_body(when, json!({"enabled": false})).path(user_path(""));
        then.ok(&body);
    });

    client(&server)
        .update_user()
        .account_id(ACCOUNT)
        .user_id(USER)
        .body_map(|b| b.enabled(false))
        .send()
        .await
        .expect("update_user");

    mock.assert_async().await;
}

#[tokio::test]
async fn delete_user_decodes_the_message_ok_acknowledgement() {
    let server = MockServer::start_async().await;
    let body: types::SuccessResponse = example("delete_user", 200);
    let mock = server.delete_user(|when, then| {
        let when = when.account_id(ACCOUNT).user_id(USER).into_inner();
        expect_no_body(when, 0).path(user_path(""));
        then.ok(&body);
    });

    let ack = client(&server)
        .delete_user()
        .account_id(ACCOUNT)
        .user_id(USER)
        .send()
        .await
        .expect("delete_user")
        .into_inner();

    mock.assert_async().await;
    // Unlike delete_user_group's `{ok: true}`.
    assert_eq!(ack.message.as_deref(), Some("ok"));
    assert_eq!(ack.ok, None);
    assert_round_trips(&ack, "delete_user", 200);
}

// ---------------------------------------------------------------------------
// The user's groups and product environments
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_groups_of_user_decodes_the_groups_wrapper() {
    let server = MockServer::start_async().await;
    let body: types::UserGroupSummaryList = example("list_groups_of_user", 200);
    let mock = server.list_groups_of_user(|when, then| {
        let when = when.account_id(ACCOUNT).user_id(USER).into_inner();
        expect_no_body(when, 0).path(user_path("/groups"));
        then.ok(&body);
    });

    let groups = client(&server)
        .list_groups_of_user()
        .account_id(ACCOUNT)
        .user_id(USER)
        .send()
        .await
        .expect("list_groups_of_user")
        .into_inner();

    mock.assert_async().await;
    let found: Vec<(&str, &str)> = groups
        .groups
        .iter()
        .map(|g| (g.id.as_str(), g.name.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("7f08f1f1fc910bf1f25274aef11d27", "user_group_1"),
            ("1cc3808888154263ac1e5eb2e5c52d61", "user_group_2"),
        ]
    );
    // The wrapper key is `groups`, not `user_groups` as in list_user_groups.
    assert!(example_json("list_groups_of_user", 200)
        .get("groups")
        .is_some());
    assert_round_trips(&groups, "list_groups_of_user", 200);
}

#[tokio::test]
async fn list_product_environments_of_user_decodes_the_sub_accounts_wrapper() {
    let server = MockServer::start_async().await;
    let body: types::ProductEnvironmentSummaryList =
        example("list_product_environments_of_user", 200);
    let mock = server.list_product_environments_of_user(|when, then| {
        let when = when.account_id(ACCOUNT).user_id(USER).into_inner();
        expect_no_body(when, 0).path(user_path("/sub_accounts"));
        then.ok(&body);
    });

    let environments = client(&server)
        .list_product_environments_of_user()
        .account_id(ACCOUNT)
        .user_id(USER)
        .send()
        .await
        .expect("list_product_environments_of_user")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(environments.sub_accounts.len(), 2);
    let first = &environments.sub_accounts[0];
    assert_eq!(first.id, SUB_ACCOUNT);
    assert_eq!(first.name, "Product1 Application");
    assert_eq!(
        first.description.as_deref(),
        Some("Main product environment")
    );
    assert_eq!(first.cloud_name.as_deref(), Some("product1"));
    assert_eq!(first.enabled, Some(true));
    let second = &environments.sub_accounts[1];
    assert_eq!(second.id, "0aaaaa1bbbbb2ccccc3ddddd4eeeee5f");
    assert_eq!(second.name, "Product2 Application");
    assert_eq!(
        second.description.as_deref(),
        Some("Secondary product environment")
    );
    assert_eq!(second.cloud_name.as_deref(), Some("product2"));
    assert_eq!(second.enabled, Some(true));
    assert_round_trips(&environments, "list_product_environments_of_user", 200);
}

// ---------------------------------------------------------------------------
// Error statuses: one named test per documented status, then every
// documented (operation, status) pair.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn create_user_reports_a_bad_request_with_the_services_message() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("create_user", 400);
    let mock = server.create_user(|when, then| {
        when.account_id(ACCOUNT);
        then.bad_request(&body);
    });

    let result = client(&server)
        .create_user()
        .account_id(ACCOUNT)
        .body_map(|b| b.name("jenny_bar").email("not an address"))
        .send()
        .await;

    mock.assert_async().await;
    let message = expect_vendor_error(result, "create_user", 400);
    assert_eq!(message, "Bad request");
}

#[tokio::test]
async fn list_users_reports_wrong_credentials_as_unauthorized() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("list_users", 401);
    let mock = server.list_users(|when, then| {
        when.account_id(ACCOUNT);
        then.unauthorized(&body);
    });

    let result = client(&server)
        .list_users()
        .account_id(ACCOUNT)
        .send()
        .await;

    mock.assert_async().await;
    let message = expect_vendor_error(result, "list_users", 401);
    assert_eq!(message, "Invalid credentials");
}

#[tokio::test]
async fn delete_user_reports_a_forbidden_call() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("delete_user", 403);
    let mock = server.delete_user(|when, then| {
        when.account_id(ACCOUNT).user_id(USER);
        then.forbidden(&body);
    });

    let result = client(&server)
        .delete_user()
        .account_id(ACCOUNT)
        .user_id(USER)
        .send()
        .await;

    mock.assert_async().await;
    let message = expect_vendor_error(result, "delete_user", 403);
    assert_eq!(message, "Not allowed");
}

#[tokio::test]
async fn get_user_reports_an_unknown_user_as_not_found() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("get_user", 404);
    let mock = server.get_user(|when, then| {
        when.account_id(ACCOUNT).user_id(USER);
        then.not_found(&body);
    });

    let result = client(&server)
        .get_user()
        .account_id(ACCOUNT)
        .user_id(USER)
        .send()
        .await;

    mock.assert_async().await;
    let message = expect_vendor_error(result, "get_user", 404);
    assert_eq!(message, "not found");
}

#[tokio::test]
async fn update_user_reports_a_taken_email_as_a_conflict() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("update_user", 409);
    let mock = server.update_user(|when, then| {
        when.account_id(ACCOUNT).user_id(USER);
        then.conflict(&body);
    });

    let result = client(&server)
        .update_user()
        .account_id(ACCOUNT)
        .user_id(USER)
        .body(update_request())
        .send()
        .await;

    mock.assert_async().await;
    let message = expect_vendor_error(result, "update_user", 409);
    assert_eq!(message, "Already exists");
}

#[tokio::test]
async fn list_groups_of_user_reports_cloudinarys_420_rate_limit() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("list_groups_of_user", 420);
    let mock = server.list_groups_of_user(|when, then| {
        when.account_id(ACCOUNT).user_id(USER);
        // 420 has no reason phrase, hence no named helper.
        then.client_error(420, &body);
    });

    let result = client(&server)
        .list_groups_of_user()
        .account_id(ACCOUNT)
        .user_id(USER)
        .send()
        .await;

    mock.assert_async().await;
    let message = expect_vendor_error(result, "list_groups_of_user", 420);
    assert_eq!(message, "Max usage rate exceeded");
}

#[tokio::test]
async fn list_product_environments_of_user_reports_too_many_requests() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("list_product_environments_of_user", 429);
    let mock = server.list_product_environments_of_user(|when, then| {
        when.account_id(ACCOUNT).user_id(USER);
        then.too_many_requests(&body);
    });

    let result = client(&server)
        .list_product_environments_of_user()
        .account_id(ACCOUNT)
        .user_id(USER)
        .send()
        .await;

    mock.assert_async().await;
    let message = expect_vendor_error(result, "list_product_environments_of_user", 429);
    assert_eq!(message, "Too many requests");
}

#[tokio::test]
async fn get_user_reports_an_undocumented_status_as_an_unexpected_response() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("get_user", 404);
    let mock = server.get_user(|when, then| {
        when.account_id(ACCOUNT).user_id(USER);
        // get_user documents no 403.
        then.client_error(403, &body);
    });

    let result = client(&server)
        .get_user()
        .account_id(ACCOUNT)
        .user_id(USER)
        .send()
        .await;

    mock.assert_async().await;
    match result {
        Err(Error::UnexpectedResponse(response)) => assert_eq!(response.status().as_u16(), 403),
        other => panic!("expected Error::UnexpectedResponse, got {other:?}"),
    }
}

#[tokio::test]
async fn every_documented_error_status_of_every_operation_is_an_error_response() {
    let server = MockServer::start_async().await;
    let client = client(&server);
    let pairs = documented_errors(&TESTED_OPERATIONS);
    // list_users, get_user and the two sub-lists: 401 404 420 429;
    // create_user and update_user: all seven; delete_user: all but 409.
    assert_documented_errors(&pairs, &ERROR_STATUSES, 4 * 4 + 7 * 2 + 6);
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
// Credentials
// ---------------------------------------------------------------------------

#[tokio::test]
async fn the_key_and_secret_travel_only_inside_the_basic_header() {
    let server = MockServer::start_async().await;
    let body: types::User = example("create_user", 200);
    // Everything the server saw except the Authorization header.
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let authorization = Arc::new(Mutex::new(Vec::<String>::new()));
    let mock = server.create_user(|when, then| {
        let (seen, authorization) = (seen.clone(), authorization.clone());
        when.account_id(ACCOUNT).into_inner().is_true(move |req| {
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
        .create_user()
        .account_id(ACCOUNT)
        .body(create_request())
        .send()
        .await
        .expect("create_user");

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
}
