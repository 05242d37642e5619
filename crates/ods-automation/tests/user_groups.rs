//! Operation tests for the generated Opendatasoft Automation API client
//! ("User groups" tag).
//!
//! Each test runs one operation against a loopback httpmock server: the mock
//! pins down the whole request the client sends (method, path with its
//! trailing slash, query parameters, headers, body), answers with the spec's
//! example body (`ods_automation::examples`), and the test checks what the
//! client decodes from it.

use std::sync::{Arc, Mutex};

use httpmock::{HttpMockRequest, Mock};
use ods_automation::mock::{MockServer, MockServerExt};
use ods_automation::prelude::*;
use ods_automation::types::{self, Permission, UserGroupSort};
use ods_automation::{examples, Error, ResponseValue};
use serde_json::{json, Value};

mod support;
use support::*;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// Path parameters, taken from the spec's parameter examples.
const GROUP: &str = "data_stewards";
const USER: &str = "louise.data";

/// Every error status the spec documents, over all operations.
const ERROR_STATUSES: [u16; 5] = [400, 401, 403, 404, 429];

/// A request body with the title only: every optional field is `None`.
fn group_request(title: &str) -> types::UserGroupRequest {
    types::UserGroupRequest {
        title: title.to_string(),
        description: None,
        permissions: None,
        explore_limits: None,
        management_limits: None,
    }
}

fn api_calls(limit: i64, unit: types::ApiCallsLimitUnit) -> Option<types::ExploreLimits> {
    Some(types::ExploreLimits {
        api_calls: Some(types::ApiCallsLimit { limit, unit }),
    })
}

fn related_user(username: &str) -> types::RelatedUser {
    types::RelatedUser {
        username: username.to_string(),
    }
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
        "list_user_groups" => server.list_user_groups(|_when, then| {
            answer!(then, 401 => unauthorized, 403 => forbidden, 429 => too_many_requests)
        }),
        "create_user_group" => server.create_user_group(|_when, then| {
            answer!(
                then,
                400 => bad_request,
                401 => unauthorized,
                403 => forbidden,
                429 => too_many_requests,
            )
        }),
        "get_user_group" => server.get_user_group(|when, then| {
            when.group_uid(GROUP);
            answer!(
                then,
                401 => unauthorized,
                403 => forbidden,
                404 => not_found,
                429 => too_many_requests,
            )
        }),
        "update_user_group" => server.update_user_group(|when, then| {
            when.group_uid(GROUP);
            answer!(
                then,
                400 => bad_request,
                401 => unauthorized,
                403 => forbidden,
                404 => not_found,
                429 => too_many_requests,
            )
        }),
        "delete_user_group" => server.delete_user_group(|when, then| {
            when.group_uid(GROUP);
            answer!(
                then,
                401 => unauthorized,
                403 => forbidden,
                404 => not_found,
                429 => too_many_requests,
            )
        }),
        "list_user_group_users" => server.list_user_group_users(|when, then| {
            when.group_uid(GROUP);
            answer!(
                then,
                401 => unauthorized,
                403 => forbidden,
                404 => not_found,
                429 => too_many_requests,
            )
        }),
        "add_user_to_user_group" => server.add_user_to_user_group(|when, then| {
            when.group_uid(GROUP);
            answer!(
                then,
                400 => bad_request,
                401 => unauthorized,
                403 => forbidden,
                404 => not_found,
                429 => too_many_requests,
            )
        }),
        "add_users_to_user_group" => server.add_users_to_user_group(|when, then| {
            when.group_uid(GROUP);
            answer!(
                then,
                401 => unauthorized,
                403 => forbidden,
                404 => not_found,
                429 => too_many_requests,
            )
        }),
        "remove_user_from_user_group" => server.remove_user_from_user_group(|when, then| {
            when.group_uid(GROUP).username(USER);
            answer!(
                then,
                401 => unauthorized,
                403 => forbidden,
                404 => not_found,
                429 => too_many_requests,
            )
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
        "list_user_groups" => client.list_user_groups().send().await.map(unit),
        "create_user_group" => client
            .create_user_group()
            .body(group_request("Data stewards"))
            .send()
            .await
            .map(unit),
        "get_user_group" => client
            .get_user_group()
            .group_uid(GROUP)
            .send()
            .await
            .map(unit),
        "update_user_group" => client
            .update_user_group()
            .group_uid(GROUP)
            .body(group_request("Data stewards"))
            .send()
            .await
            .map(unit),
        "delete_user_group" => client.delete_user_group().group_uid(GROUP).send().await,
        "list_user_group_users" => client
            .list_user_group_users()
            .group_uid(GROUP)
            .send()
            .await
            .map(unit),
        "add_user_to_user_group" => client
            .add_user_to_user_group()
            .group_uid(GROUP)
            .body(related_user(USER))
            .send()
            .await
            .map(unit),
        "add_users_to_user_group" => client
            .add_users_to_user_group()
            .group_uid(GROUP)
            .body(vec![related_user(USER), related_user("jmartin")])
            .send()
            .await
            .map(unit),
        "remove_user_from_user_group" => {
            client
                .remove_user_from_user_group()
                .group_uid(GROUP)
                .username(USER)
                .send()
                .await
        }
        other => panic!("no call for operation {other}: add it to call"),
    }
}

/// The operations this file covers: the spec's user-group operations (their
/// paths start with `/groups/`), so a new one cannot go untested silently.
const TESTED_OPERATIONS: [&str; 9] = [
    "list_user_groups",
    "create_user_group",
    "get_user_group",
    "update_user_group",
    "delete_user_group",
    "list_user_group_users",
    "add_user_to_user_group",
    "add_users_to_user_group",
    "remove_user_from_user_group",
];

#[test]
fn every_user_group_operation_of_the_spec_is_tested_here() {
    let spec: Vec<&str> = examples::OPERATIONS
        .iter()
        .filter(|(_, _, path)| path.starts_with("/groups/"))
        .map(|(id, _, _)| *id)
        .collect();
    assert_eq!(spec, TESTED_OPERATIONS);
}

// ---------------------------------------------------------------------------
// list_user_groups: query parameters
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_user_groups_sends_paging_search_and_sort_and_decodes_the_page() {
    let server = MockServer::start_async().await;
    let body: types::UserGroupList = example("list_user_groups", 200);
    let mock = server.list_user_groups(|when, then| {
        let when = when
            .limit(2)
            .offset(0)
            .search("data")
            .sort(UserGroupSort::UpdatedAt)
            .into_inner()
            .query_param_missing("permissions");
        expect_no_body(when, 4).path("/groups/");
        then.ok(&body);
    });

    let page = client(&server)
        .list_user_groups()
        .limit(2)
        .offset(0)
        .search("data")
        .sort(UserGroupSort::UpdatedAt)
        .send()
        .await
        .expect("list_user_groups")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.total_count, Some(7));
    assert_eq!(
        page.next.as_deref(),
        Some("https://documentation-resources.opendatasoft.com/api/automation/v1.0/groups/?limit=2&offset=2")
    );
    assert_eq!(page.previous, None);
    assert_eq!(page.results.len(), 2);
    let stewards = &page.results[0];
    assert_eq!(stewards.uid, "data_stewards");
    assert_eq!(stewards.title, "Data stewards");
    assert_eq!(
        stewards.description.as_deref(),
        Some("Staff who curate, document and publish the portal's datasets.")
    );
    assert_eq!(stewards.user_count, Some(12));
    assert_eq!(
        stewards.permissions,
        [
            Permission::CreateDataset,
            Permission::EditDataset,
            Permission::PublishDataset
        ]
    );
    assert_eq!(
        stewards.explore_limits,
        api_calls(50000, types::ApiCallsLimitUnit::Day)
    );
    assert_eq!(stewards.created_at, utc(2024, 3, 18, 9, 42, 11));
    assert_eq!(stewards.updated_at, utc(2025, 1, 7, 16, 5, 38));
    assert_eq!(stewards.created_by, Some(related_user("louise.data")));
    assert_eq!(stewards.updated_by, Some(related_user("marc.admin")));
    let partners = &page.results[1];
    assert_eq!(partners.uid, "city_partners");
    assert_eq!(partners.title, "City partners");
    assert_eq!(partners.user_count, Some(48));
    assert_eq!(partners.permissions, [Permission::ExploreRestrictedDataset]);
    assert_eq!(
        partners.explore_limits,
        Some(types::ExploreLimits { api_calls: None })
    );
    assert_eq!(partners.created_at, utc(2023, 11, 2, 14, 20, 0));
    assert_eq!(partners.updated_at, utc(2024, 12, 19, 8, 31, 54));
    assert_round_trips(&page, "list_user_groups", 200);
}

#[tokio::test]
async fn list_user_groups_repeats_the_permissions_parameter_once_per_permission() {
    let server = MockServer::start_async().await;
    // The example page narrowed to its first group; what matters here is
    // the request.
    let mut body: types::UserGroupList = example("list_user_groups", 200);
    body.results.truncate(1);
    body.total_count = Some(1);
    body.next = None;
    let mock = server.list_user_groups(|when, then| {
        // The typed mock cannot match an array, hence the raw matchers: each
        // value in its own `permissions=` pair, each once, and nothing else.
        let when = when
            .limit(None)
            .offset(None)
            .search(None)
            .sort(None)
            .into_inner()
            .query_param("permissions", "edit_dataset")
            .query_param("permissions", "create_page")
            .query_param_count("^permissions$", "^edit_dataset$", 1)
            .query_param_count("^permissions$", "^create_page$", 1)
            .query_param_count("^permissions$", ".*", 2);
        expect_no_body(when, 2).path("/groups/");
        then.ok(&body);
    });

    let page = client(&server)
        .list_user_groups()
        .permissions(vec![Permission::EditDataset, Permission::CreatePage])
        .send()
        .await
        .expect("list_user_groups")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.total_count, Some(1));
    assert_eq!(page.next, None);
    assert_eq!(page.results.len(), 1);
    assert_eq!(page.results[0].uid, "data_stewards");
    assert!(page.results[0]
        .permissions
        .contains(&Permission::EditDataset));
}

#[tokio::test]
async fn list_user_groups_without_filters_sends_no_query_parameter() {
    let server = MockServer::start_async().await;
    let body: types::UserGroupList = example("list_user_groups", 200);
    let mock = server.list_user_groups(|when, then| {
        let when = when
            .limit(None)
            .offset(None)
            .search(None)
            .sort(None)
            .into_inner()
            .query_param_missing("permissions");
        // Zero query parameters: not even an empty `?` pair or a default.
        expect_no_body(when, 0)
            .path("/groups/")
            .is_true(|req| req.uri().query().is_none_or(str::is_empty));
        then.ok(&body);
    });

    let page = client(&server)
        .list_user_groups()
        .send()
        .await
        .expect("list_user_groups")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page, body);
}

#[tokio::test]
async fn list_user_groups_sends_each_sort_field_under_the_specs_name() {
    let server = MockServer::start_async().await;
    let client = client(&server);
    // The names are the spec's enum, written out rather than taken from the
    // generated Display impl.
    let cases = [
        (UserGroupSort::CreatedAt, "created_at"),
        (UserGroupSort::UpdatedAt, "updated_at"),
        (UserGroupSort::CreatedByUsername, "created_by__username"),
        (UserGroupSort::UpdatedByUsername, "updated_by__username"),
        (UserGroupSort::UserCount, "user_count"),
        (UserGroupSort::GroupTitle, "group__title"),
    ];
    let body: types::UserGroupList = example("list_user_groups", 200);
    for (sort, name) in cases {
        let mock = server.list_user_groups(|when, then| {
            let when = when.into_inner().query_param("sort", name);
            expect_no_body(when, 1).path("/groups/");
            then.ok(&body);
        });

        let result = client.list_user_groups().sort(sort).send().await;

        assert_eq!(
            mock.calls_async().await,
            1,
            "sort={name}: calls to the mock"
        );
        assert_eq!(
            result.expect("list_user_groups").into_inner(),
            body,
            "sort={name}"
        );
        mock.delete_async().await;
    }
}

#[tokio::test]
async fn list_user_groups_encodes_a_search_with_spaces_and_ampersands() {
    let server = MockServer::start_async().await;
    let body: types::UserGroupList = example("list_user_groups", 200);
    // httpmock compares decoded values: a raw `&` would split the parameter
    // in two and fail both the value and the count.
    let search = "data & city partners";
    let mock = server.list_user_groups(|when, then| {
        let when = when.search(search).into_inner();
        expect_no_body(when, 1).path("/groups/");
        then.ok(&body);
    });

    client(&server)
        .list_user_groups()
        .search(search)
        .send()
        .await
        .expect("list_user_groups");

    mock.assert_async().await;
}

// ---------------------------------------------------------------------------
// One success test per remaining operation, plus the request-body variants
// ---------------------------------------------------------------------------

#[tokio::test]
async fn create_user_group_sends_the_whole_request_and_decodes_the_created_group() {
    let server = MockServer::start_async().await;
    let body: types::UserGroup = example("create_user_group", 201);
    let mock = server.create_user_group(|when, then| {
        let when = when.into_inner();
        expect_json_body(
            when,
            json!({
                "title": "Data stewards",
                "description": "Staff who curate, document and publish the portal's datasets.",
                "permissions": ["create_dataset", "edit_dataset", "publish_dataset"],
                "explore_limits": {"api_calls": {"limit": 50000, "unit": "day"}},
            }),
        )
        .path("/groups/");
        then.created(&body);
    });

    let rv = client(&server)
        .create_user_group()
        .body(types::UserGroupRequest {
            title: "Data stewards".to_string(),
            description: Some(
                "Staff who curate, document and publish the portal's datasets.".to_string(),
            ),
            permissions: Some(vec![
                Permission::CreateDataset,
                Permission::EditDataset,
                Permission::PublishDataset,
            ]),
            explore_limits: api_calls(50000, types::ApiCallsLimitUnit::Day),
            management_limits: None,
        })
        .send()
        .await
        .expect("create_user_group");

    mock.assert_async().await;
    assert_eq!(rv.status().as_u16(), 201);
    let group = rv.into_inner();
    assert_eq!(group.uid, "data_stewards");
    assert_eq!(group.title, "Data stewards");
    assert_eq!(group.user_count, Some(0));
    assert_eq!(
        group.permissions,
        [
            Permission::CreateDataset,
            Permission::EditDataset,
            Permission::PublishDataset
        ]
    );
    assert_eq!(
        group.explore_limits,
        api_calls(50000, types::ApiCallsLimitUnit::Day)
    );
    assert_eq!(
        group.management_limits.as_deref(),
        Some(&Default::default())
    );
    assert_eq!(group.created_at, utc(2025, 2, 11, 10, 15, 3));
    assert_eq!(group.updated_at, group.created_at);
    assert_eq!(group.created_by, Some(related_user("louise.data")));
    assert_eq!(group.updated_by, Some(related_user("louise.data")));
    assert_round_trips(&group, "create_user_group", 201);
}

#[tokio::test]
async fn create_user_group_with_only_a_title_omits_every_unset_field() {
    let server = MockServer::start_async().await;
    let body: types::UserGroup = example("create_user_group", 201);
    let mock = server.create_user_group(|when, then| {
        // Exactly this object: `permissions: None` must not travel as `null`
        // or as `[]` (which would clear the permissions).
        let when = when.into_inner();
        expect_json_body(when, json!({"title": "Data stewards"})).path("/groups/");
        then.created(&body);
    });

    let group = client(&server)
        .create_user_group()
        .body(group_request("Data stewards"))
        .send()
        .await
        .expect("create_user_group")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(group, body);
}

#[tokio::test]
async fn get_user_group_decodes_permissions_limits_and_authors() {
    let server = MockServer::start_async().await;
    let body: types::UserGroup = example("get_user_group", 200);
    let mock = server.get_user_group(|when, then| {
        let when = when.group_uid(GROUP).into_inner();
        expect_no_body(when, 0).path(format!("/groups/{GROUP}/"));
        then.ok(&body);
    });

    let group = client(&server)
        .get_user_group()
        .group_uid(GROUP)
        .send()
        .await
        .expect("get_user_group")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(group.uid, GROUP);
    assert_eq!(group.title, "Data stewards");
    assert_eq!(group.user_count, Some(12));
    assert_eq!(
        group.permissions,
        [
            Permission::CreateDataset,
            Permission::EditDataset,
            Permission::PublishDataset
        ]
    );
    assert_eq!(
        group.explore_limits,
        api_calls(50000, types::ApiCallsLimitUnit::Day)
    );
    assert_eq!(group.created_at, utc(2024, 3, 18, 9, 42, 11));
    assert_eq!(group.updated_at, utc(2025, 1, 7, 16, 5, 38));
    assert_eq!(group.created_by, Some(related_user("louise.data")));
    assert_eq!(group.updated_by, Some(related_user("marc.admin")));
    assert_round_trips(&group, "get_user_group", 200);
}

#[tokio::test]
async fn update_user_group_puts_the_new_settings_and_decodes_the_updated_group() {
    let server = MockServer::start_async().await;
    let body: types::UserGroup = example("update_user_group", 200);
    let mock = server.update_user_group(|when, then| {
        let when = when.group_uid(GROUP).into_inner();
        expect_json_body(
            when,
            json!({
                "title": "Data stewards",
                "description": "Curators of the portal's catalog; they may also edit pages.",
                "permissions": ["create_dataset", "edit_dataset", "publish_dataset", "edit_page"],
                "explore_limits": {"api_calls": {"limit": 100000, "unit": "day"}},
            }),
        )
        .path(format!("/groups/{GROUP}/"));
        then.ok(&body);
    });

    let group = client(&server)
        .update_user_group()
        .group_uid(GROUP)
        .body(types::UserGroupRequest {
            title: "Data stewards".to_string(),
            description: Some(
                "Curators of the portal's catalog; they may also edit pages.".to_string(),
            ),
            permissions: Some(vec![
                Permission::CreateDataset,
                Permission::EditDataset,
                Permission::PublishDataset,
                Permission::EditPage,
            ]),
            explore_limits: api_calls(100000, types::ApiCallsLimitUnit::Day),
            management_limits: None,
        })
        .send()
        .await
        .expect("update_user_group")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(group.uid, GROUP);
    assert_eq!(
        group.description.as_deref(),
        Some("Curators of the portal's catalog; they may also edit pages.")
    );
    assert_eq!(group.permissions.len(), 4);
    assert_eq!(group.permissions[3], Permission::EditPage);
    assert_eq!(
        group.explore_limits,
        api_calls(100000, types::ApiCallsLimitUnit::Day)
    );
    assert_eq!(group.created_at, utc(2024, 3, 18, 9, 42, 11));
    assert_eq!(group.updated_at, utc(2025, 2, 11, 10, 22, 47));
    assert_eq!(group.updated_by, Some(related_user("louise.data")));
    assert_round_trips(&group, "update_user_group", 200);
}

#[tokio::test]
async fn update_user_group_with_an_empty_permission_list_sends_it_to_clear_them() {
    let server = MockServer::start_async().await;
    // The example group, answered without permissions.
    let mut body: types::UserGroup = example("update_user_group", 200);
    body.permissions.clear();
    let mock = server.update_user_group(|when, then| {
        let when = when.group_uid(GROUP).into_inner();
        expect_json_body(when, json!({"title": "Data stewards", "permissions": []}))
            .path(format!("/groups/{GROUP}/"));
        then.ok(&body);
    });

    let group = client(&server)
        .update_user_group()
        .group_uid(GROUP)
        .body(types::UserGroupRequest {
            permissions: Some(vec![]),
            ..group_request("Data stewards")
        })
        .send()
        .await
        .expect("update_user_group")
        .into_inner();

    mock.assert_async().await;
    assert!(group.permissions.is_empty());
    assert_eq!(group, body);
}

#[tokio::test]
async fn delete_user_group_answers_no_content_and_decodes_nothing() {
    let server = MockServer::start_async().await;
    let mock = server.delete_user_group(|when, then| {
        let when = when.group_uid(GROUP).into_inner();
        expect_no_body(when, 0).path(format!("/groups/{GROUP}/"));
        then.no_content();
    });

    let rv = client(&server)
        .delete_user_group()
        .group_uid(GROUP)
        .send()
        .await
        .expect("delete_user_group: an empty 204 must not be decoded as JSON");

    mock.assert_async().await;
    assert_eq!(rv.status().as_u16(), 204);
    // The success value is `()`: there is nothing to decode.
    let () = rv.into_inner();
}

#[tokio::test]
async fn list_user_group_users_decodes_every_member() {
    let server = MockServer::start_async().await;
    let body: types::UserList = example("list_user_group_users", 200);
    let mock = server.list_user_group_users(|when, then| {
        let when = when.group_uid(GROUP).into_inner();
        expect_no_body(when, 0).path(format!("/groups/{GROUP}/users/"));
        then.ok(&body);
    });

    let page = client(&server)
        .list_user_group_users()
        .group_uid(GROUP)
        .send()
        .await
        .expect("list_user_group_users")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.total_count, Some(2));
    assert_eq!(page.next, None);
    assert_eq!(page.previous, None);
    assert_eq!(page.results.len(), 2);
    let louise = &page.results[0];
    assert_eq!(louise.username, "louise.data");
    assert_eq!(louise.first_name.as_deref(), Some("Louise"));
    assert_eq!(louise.email.as_deref(), Some("louise.data@example.org"));
    assert_eq!(louise.is_active, Some(true));
    assert_eq!(louise.is_ods, Some(false));
    assert_eq!(louise.account_type, Some(types::UserAccountType::Global));
    assert_eq!(louise.permissions, [Permission::ExploreRestrictedDataset]);
    assert_eq!(louise.joined_at, utc(2023, 5, 9, 7, 48, 30));
    assert_eq!(louise.last_seen_at, utc(2025, 2, 10, 17, 2, 12));
    assert_eq!(louise.last_login_at, utc(2025, 2, 10, 8, 55, 41));
    assert_eq!(louise.expires_at, None);
    assert_eq!(
        louise.gravatar_url.as_deref(),
        Some("//www.gravatar.com/avatar/6dde1de523fc80569f3dd80548e3eb9c?d=mm&s=80")
    );
    let uids: Vec<&str> = louise.groups.iter().map(|g| g.uid.as_str()).collect();
    assert_eq!(uids, ["data_stewards"]);
    assert_eq!(louise.identity_providers[0].uid, "opendatasoft");
    let julien = &page.results[1];
    assert_eq!(julien.username, "jmartin");
    assert_eq!(julien.display_name.as_deref(), Some("Julien Martin"));
    assert_eq!(julien.account_type, Some(types::UserAccountType::Local));
    assert!(julien.permissions.is_empty());
    assert_eq!(julien.expires_at, utc(2025, 12, 31, 23, 59, 59));
    assert_eq!(
        julien.explore_limits,
        api_calls(1000, types::ApiCallsLimitUnit::Hour)
    );
    let uids: Vec<&str> = julien.groups.iter().map(|g| g.uid.as_str()).collect();
    assert_eq!(uids, ["data_stewards", "city_partners"]);
    assert_round_trips(&page, "list_user_group_users", 200);
}

#[tokio::test]
async fn add_user_to_user_group_posts_the_username_and_decodes_the_new_member() {
    let server = MockServer::start_async().await;
    let body: types::User = example("add_user_to_user_group", 201);
    let mock = server.add_user_to_user_group(|when, then| {
        let when = when.group_uid(GROUP).into_inner();
        expect_json_body(when, json!({"username": USER})).path(format!("/groups/{GROUP}/users/"));
        then.created(&body);
    });

    let rv = client(&server)
        .add_user_to_user_group()
        .group_uid(GROUP)
        .body(related_user(USER))
        .send()
        .await
        .expect("add_user_to_user_group");

    mock.assert_async().await;
    assert_eq!(rv.status().as_u16(), 201);
    let user = rv.into_inner();
    assert_eq!(user.username, USER);
    assert_eq!(user.display_name.as_deref(), Some("louise.data"));
    assert_eq!(user.last_name.as_deref(), Some("Data"));
    assert_eq!(user.account_type, Some(types::UserAccountType::Global));
    assert_eq!(user.joined_at, utc(2023, 5, 9, 7, 48, 30));
    assert_eq!(user.expires_at, None);
    assert_eq!(user.groups, [types::RelatedUserGroup { uid: GROUP.into() }]);
    assert_round_trips(&user, "add_user_to_user_group", 201);
}

#[tokio::test]
async fn add_users_to_user_group_posts_an_array_and_decodes_one_outcome_per_position() {
    let server = MockServer::start_async().await;
    let body: types::UserBatchResults = example("add_users_to_user_group", 200);
    let mock = server.add_users_to_user_group(|when, then| {
        let when = when.group_uid(GROUP).into_inner();
        expect_json_body(
            when,
            json!([
                {"username": "louise.data"},
                {"username": "jmartin"},
                {"username": "p.nobody"},
            ]),
        )
        .path(format!("/groups/{GROUP}/users/batch/"));
        then.ok(&body);
    });

    let results = client(&server)
        .add_users_to_user_group()
        .group_uid(GROUP)
        .body(vec![
            related_user("louise.data"),
            related_user("jmartin"),
            related_user("p.nobody"),
        ])
        .send()
        .await
        .expect("add_users_to_user_group")
        .into_inner();

    mock.assert_async().await;
    let mut keys: Vec<&str> = results.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["0", "1", "2"]);
    let first = &results["0"];
    assert_eq!(first.status_code, types::UserBatchStatus::Success);
    assert_eq!(first.error, None);
    let louise = first.data.as_ref().expect("data of the first user");
    assert_eq!(louise.username, "louise.data");
    assert_eq!(louise.permissions, [Permission::ExploreRestrictedDataset]);
    let second = &results["1"];
    assert_eq!(second.status_code, types::UserBatchStatus::Success);
    let julien = second.data.as_ref().expect("data of the second user");
    assert_eq!(julien.username, "jmartin");
    assert_eq!(julien.account_type, Some(types::UserAccountType::Local));
    assert!(julien.permissions.is_empty());
    assert_eq!(julien.groups.len(), 2);
    let third = &results["2"];
    assert_eq!(third.status_code, types::UserBatchStatus::Error);
    assert_eq!(third.data, None);
    assert_eq!(
        third.error,
        Some(json!({
            "error_code": "not_found",
            "message": "No user with the username \"p.nobody\" on this domain.",
        }))
    );
    assert_round_trips(&results, "add_users_to_user_group", 200);
}

#[tokio::test]
async fn remove_user_from_user_group_answers_no_content_and_decodes_nothing() {
    let server = MockServer::start_async().await;
    let mock = server.remove_user_from_user_group(|when, then| {
        let when = when.group_uid(GROUP).username(USER).into_inner();
        expect_no_body(when, 0).path(format!("/groups/{GROUP}/users/{USER}/"));
        then.no_content();
    });

    let rv = client(&server)
        .remove_user_from_user_group()
        .group_uid(GROUP)
        .username(USER)
        .send()
        .await
        .expect("remove_user_from_user_group: an empty 204 must not be decoded as JSON");

    mock.assert_async().await;
    assert_eq!(rv.status().as_u16(), 204);
    // The success value is `()`: there is nothing to decode.
    let () = rv.into_inner();
}

// ---------------------------------------------------------------------------
// Error statuses: one named test per documented status, then every
// documented (operation, status) pair.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn create_user_group_reports_an_invalid_body_as_a_bad_request_with_details() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("create_user_group", 400);
    let mock = server.create_user_group(|when, then| {
        let when = when.into_inner();
        expect_json_body(when, json!({"title": ""})).path("/groups/");
        then.bad_request(&body);
    });

    let result = client(&server)
        .create_user_group()
        .body(group_request(""))
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
    assert_round_trips(&rv.into_inner(), "create_user_group", 400);
}

#[tokio::test]
async fn list_user_groups_reports_a_rejected_key_as_unauthorized() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("list_user_groups", 401);
    let mock = server.list_user_groups(|_when, then| {
        then.unauthorized(&body);
    });

    let result = client(&server).list_user_groups().send().await;

    mock.assert_async().await;
    let rv = match result {
        Err(Error::ErrorResponse(rv)) => rv,
        other => panic!("expected Error::ErrorResponse, got {other:?}"),
    };
    assert_eq!(rv.status().as_u16(), 401);
    assert_eq!(rv.message, "Incorrect authentication credentials.");
    assert_eq!(rv.error_code, "authentication_failed");
    assert_round_trips(&rv.into_inner(), "list_user_groups", 401);
}

#[tokio::test]
async fn delete_user_group_reports_a_missing_permission_as_forbidden() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("delete_user_group", 403);
    let mock = server.delete_user_group(|when, then| {
        when.group_uid(GROUP);
        then.forbidden(&body);
    });

    let result = client(&server)
        .delete_user_group()
        .group_uid(GROUP)
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
    assert_round_trips(&rv.into_inner(), "delete_user_group", 403);
}

#[tokio::test]
async fn get_user_group_reports_an_unknown_group_as_not_found() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("get_user_group", 404);
    let mock = server.get_user_group(|when, then| {
        when.group_uid("no_such_group");
        then.not_found(&body);
    });

    let result = client(&server)
        .get_user_group()
        .group_uid("no_such_group")
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
    assert_round_trips(&rv.into_inner(), "get_user_group", 404);
}

#[tokio::test]
async fn add_users_to_user_group_reports_throttling_with_its_trace_id() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("add_users_to_user_group", 429);
    let mock = server.add_users_to_user_group(|when, then| {
        when.group_uid(GROUP);
        then.too_many_requests(&body);
    });

    let result = client(&server)
        .add_users_to_user_group()
        .group_uid(GROUP)
        .body(vec![related_user(USER)])
        .send()
        .await;

    mock.assert_async().await;
    let rv = match result {
        Err(Error::ErrorResponse(rv)) => rv,
        other => panic!("expected Error::ErrorResponse, got {other:?}"),
    };
    assert_eq!(rv.status().as_u16(), 429);
    assert_eq!(rv.message, "Request was throttled.");
    assert_eq!(rv.error_code, "throttled");
    assert_eq!(
        rv.trace_id.as_deref(),
        Some("6b523c91-45a6-4ef9-b130-b82e1241645e")
    );
    assert_round_trips(&rv.into_inner(), "add_users_to_user_group", 429);
}

#[tokio::test]
async fn every_documented_error_status_of_every_operation_is_an_error_response() {
    let server = MockServer::start_async().await;
    let client = client(&server);
    let pairs = documented_errors(&TESTED_OPERATIONS);
    assert_documented_errors(&pairs, &ERROR_STATUSES, 37);
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

// ---------------------------------------------------------------------------
// Credentials
// ---------------------------------------------------------------------------

/// A matcher that accepts every request and records it: the Authorization
/// values in `authorization`, everything else (request line, other headers,
/// body) as text in `seen`.
fn recorder(
    seen: &Arc<Mutex<Vec<String>>>,
    authorization: &Arc<Mutex<Vec<String>>>,
) -> impl Fn(&HttpMockRequest) -> bool + Send + Sync + 'static {
    let (seen, authorization) = (seen.clone(), authorization.clone());
    move |req| {
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
    }
}

#[tokio::test]
async fn the_api_key_travels_only_inside_the_authorization_header() {
    let server = MockServer::start_async().await;
    let page: types::UserGroupList = example("list_user_groups", 200);
    let group: types::UserGroup = example("create_user_group", 201);
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let authorization = Arc::new(Mutex::new(Vec::<String>::new()));
    // A call with a query string and a call with a body: the key must be in
    // neither (the spec also allows an `apikey` query parameter; the client
    // must not use it).
    let list = server.list_user_groups(|when, then| {
        when.into_inner().is_true(recorder(&seen, &authorization));
        then.ok(&page);
    });
    let create = server.create_user_group(|when, then| {
        when.into_inner().is_true(recorder(&seen, &authorization));
        then.created(&group);
    });
    let client = client(&server);

    client
        .list_user_groups()
        .limit(2)
        .search("data")
        .send()
        .await
        .expect("list_user_groups");
    client
        .create_user_group()
        .body(group_request("Data stewards"))
        .send()
        .await
        .expect("create_user_group");

    list.assert_async().await;
    create.assert_async().await;
    let seen = seen.lock().unwrap();
    assert!(!seen.is_empty(), "the matchers saw no request");
    for text in seen.iter() {
        assert!(
            !text.contains(KEY),
            "key outside the Authorization header:\n{text}"
        );
        assert!(
            !text.to_ascii_lowercase().contains("apikey="),
            "key parameter in the request:\n{text}"
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
    // Nor do the client or a pending request show it when printed.
    let printed = [
        format!("{client:?}"),
        format!("{:?}", client.get_user_group().group_uid(GROUP)),
    ];
    for text in printed {
        assert!(!text.contains(KEY), "key in Debug output: {text}");
    }
}
