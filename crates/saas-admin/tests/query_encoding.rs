//! How the facade writes what the spec tables do not show: an array query
//! parameter repeated once per value, a search with spaces and `&` kept one
//! value, no query parameter at all when nothing is set, each sort value
//! under the spec's name, and a path value percent-encoded.
//!
//! Ported from `ods-automation/tests/{user_groups,users_and_keys}.rs`
//! (deleted in bad5bf6).
#![cfg(all(feature = "ods", feature = "mock"))]

use httpmock::{Method, MockServer};
use saas_admin::ods_automation::types::{Permission, UserGroupSort};

use crate::recorded;
use recorded::*;

/// A server answering every GET with `op`'s example, recording requests.
async fn answering(op: &str) -> (MockServer, Recorder) {
    let server = MockServer::start_async().await;
    let recorder = Recorder::default();
    let matcher = recorder.matcher();
    let body = ods_example(op, 200);
    server.mock(|when, then| {
        when.method(Method::GET).is_true(matcher);
        then.status(200)
            .header("content-type", "application/json")
            .json_body(body);
    });
    (server, recorder)
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[tokio::test]
async fn list_user_groups_repeats_the_permissions_parameter_once_per_permission() {
    let (server, recorder) = answering("list_user_groups").await;
    ods(&server.base_url())
        .list_user_groups()
        .permissions(vec![Permission::EditDataset, Permission::CreatePage])
        .send()
        .await
        .expect("list_user_groups");
    let sent = recorder.one();
    assert_eq!(sent.path, "/groups/");
    assert_eq!(
        sent.query,
        pairs(&[
            ("permissions", "edit_dataset"),
            ("permissions", "create_page")
        ])
    );
}

#[tokio::test]
async fn list_user_groups_without_filters_sends_no_query_parameter() {
    let (server, recorder) = answering("list_user_groups").await;
    ods(&server.base_url())
        .list_user_groups()
        .send()
        .await
        .expect("list_user_groups");
    let sent = recorder.one();
    assert_eq!(sent.path, "/groups/");
    assert_eq!(sent.query, pairs(&[]));
}

#[tokio::test]
async fn list_user_groups_keeps_a_search_with_spaces_and_ampersands_one_value() {
    let (server, recorder) = answering("list_user_groups").await;
    let search = "data & city partners";
    ods(&server.base_url())
        .list_user_groups()
        .search(search)
        .send()
        .await
        .expect("list_user_groups");
    // httpmock decodes values: a raw `&` would split the parameter in two.
    assert_eq!(recorder.one().query, pairs(&[("search", search)]));
}

#[tokio::test]
async fn list_user_groups_sends_each_sort_field_under_the_specs_name() {
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
    let (server, recorder) = answering("list_user_groups").await;
    let ods = ods(&server.base_url());
    for (sort, _) in &cases {
        ods.list_user_groups()
            .sort(sort.clone())
            .send()
            .await
            .expect("list_user_groups");
    }
    let sent: Vec<Vec<(String, String)>> = recorder.sent().into_iter().map(|s| s.query).collect();
    let expected: Vec<Vec<(String, String)>> = cases
        .iter()
        .map(|(_, name)| pairs(&[("sort", name)]))
        .collect();
    assert_eq!(sent, expected);
}

#[tokio::test]
async fn get_user_percent_encodes_the_username_in_the_path() {
    let (server, recorder) = answering("get_user").await;
    ods(&server.base_url())
        .get_user()
        .username("anne marie/ext")
        .expand("groups")
        .send()
        .await
        .expect("get_user");
    let sent = recorder.one();
    // The raw path: a space and a slash must not change its shape.
    assert_eq!(sent.path, "/users/anne%20marie%2Fext/");
    assert_eq!(sent.query, pairs(&[("expand", "groups")]));
}
