//! Streams over paged listings: every item once, in order, one page at a
//! time; a failing page becomes an error item and the stream ends.

use futures::{StreamExt, TryStreamExt};
use httpmock::MockServer;
use saas_admin::{Cloudinary, ErrorKind, Ods, RetryPolicy};
use serde_json::{json, Value};

const KEY: &str = "key-0123456789";

fn ods(server: &MockServer) -> Ods {
    Ods::builder()
        .base_url(server.base_url())
        .api_key(KEY)
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap()
}

fn cloudinary(server: &MockServer) -> Cloudinary {
    Cloudinary::builder()
        .base_url(server.base_url())
        .account_id("acc")
        .credentials(KEY, "secret")
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap()
}

/// An Opendatasoft page of groups `from..to` out of `total`.
fn group_page(from: usize, to: usize, total: usize) -> Value {
    let results: Vec<Value> = (from..to)
        .map(|i| json!({"uid": format!("g{i:05}"), "title": format!("Group {i}")}))
        .collect();
    let next =
        (to < total).then(|| format!("https://portal/api/automation/v1.0/groups/?offset={to}"));
    json!({"total_count": total, "next": next, "previous": null, "results": results})
}

/// Mocks the pages of `total` groups, `page_size` at a time, asserting the
/// page size on each request; returns the mocks, first page first.
fn mock_group_pages(
    server: &MockServer,
    total: usize,
    page_size: usize,
) -> Vec<httpmock::Mock<'_>> {
    (0..total.max(1))
        .step_by(page_size)
        .map(|offset| {
            let body = group_page(offset, (offset + page_size).min(total), total);
            server.mock(|when, then| {
                when.method("GET")
                    .path("/groups/")
                    .query_param("offset", offset.to_string())
                    .query_param("limit", page_size.to_string())
                    .query_param_count(".*", ".*", 2);
                then.status(200)
                    .header("content-type", "application/json")
                    .json_body(body);
            })
        })
        .collect()
}

#[tokio::test]
async fn ten_thousand_groups_come_out_exactly_once_in_order() {
    let server = MockServer::start_async().await;
    let pages = mock_group_pages(&server, 10_000, 100);
    assert_eq!(pages.len(), 100);

    let uids: Vec<String> = ods(&server)
        .list_user_groups()
        .limit(100)
        .into_stream()
        .map_ok(|group| group.uid)
        .try_collect()
        .await
        .unwrap();

    assert_eq!(uids.len(), 10_000);
    let expected: Vec<String> = (0..10_000).map(|i| format!("g{i:05}")).collect();
    assert_eq!(uids, expected);
    for (n, page) in pages.iter().enumerate() {
        assert_eq!(page.calls_async().await, 1, "page {n}");
    }
}

#[tokio::test]
async fn pages_are_fetched_only_as_the_items_are_used() {
    let server = MockServer::start_async().await;
    let pages = mock_group_pages(&server, 300, 100);
    let ods = ods(&server);
    let mut stream = ods.list_user_groups().limit(100).into_stream();
    assert_eq!(
        stream.total(),
        None,
        "nothing is known before the first page"
    );
    let first = stream.try_next().await.unwrap().unwrap();
    assert_eq!(first.uid, "g00000");
    assert_eq!(stream.total(), Some(300), "the first page's total_count");
    assert_eq!(pages[0].calls_async().await, 1);
    assert_eq!(pages[1].calls_async().await, 0);
    assert_eq!(pages[2].calls_async().await, 0);
}

#[tokio::test]
async fn a_failing_third_page_is_an_error_item_and_the_end() {
    let server = MockServer::start_async().await;
    let pages: Vec<_> = (0..2)
        .map(|p| {
            let body = group_page(p * 100, p * 100 + 100, 1_000);
            server.mock(|when, then| {
                when.method("GET")
                    .path("/groups/")
                    .query_param("offset", (p * 100).to_string());
                then.status(200)
                    .header("content-type", "application/json")
                    .json_body(body);
            })
        })
        .collect();
    let failing = server.mock(|when, then| {
        when.method("GET")
            .path("/groups/")
            .query_param("offset", "200");
        then.status(403)
            .header("content-type", "application/json")
            .body(r#"{"error_code":"permission_denied","message":"Forbidden."}"#);
    });

    let items: Vec<_> = ods(&server)
        .list_user_groups()
        .limit(100)
        .into_stream()
        .collect()
        .await;

    assert_eq!(items.len(), 201, "200 groups, then the error, then nothing");
    assert!(items[..200].iter().all(Result::is_ok));
    let error = items[200].as_ref().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Service);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(error.message(), Some("Forbidden."));
    for page in &pages {
        assert_eq!(page.calls_async().await, 1);
    }
    assert_eq!(failing.calls_async().await, 1);
}

#[tokio::test]
async fn an_empty_listing_ends_after_one_request() {
    let server = MockServer::start_async().await;
    let pages = mock_group_pages(&server, 0, 50);
    let items: Vec<_> = ods(&server)
        .list_user_groups()
        .limit(50)
        .into_stream()
        .try_collect()
        .await
        .unwrap();
    assert!(items.is_empty());
    assert_eq!(pages[0].calls_async().await, 1);
}

#[tokio::test]
async fn cloudinary_users_page_by_number_until_a_short_page() {
    let server = MockServer::start_async().await;
    let user = |i: usize| json!({"id": format!("u{i}"), "name": format!("User {i}")});
    let mocks: Vec<_> = [
        (1, vec![user(1), user(2)]),
        (2, vec![user(3), user(4)]),
        (3, vec![user(5)]),
    ]
    .into_iter()
    .map(|(page, users)| {
        server.mock(|when, then| {
            when.method("GET")
                .path("/v1_1/provisioning/accounts/acc/users")
                .query_param("page", page.to_string())
                .query_param("page_size", "2");
            then.status(200)
                .header("content-type", "application/json")
                .json_body(json!({ "users": users }));
        })
    })
    .collect();
    let ids: Vec<String> = cloudinary(&server)
        .list_users()
        .page_size(2)
        .into_stream()
        .map_ok(|u| u.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["u1", "u2", "u3", "u4", "u5"]);
    for mock in &mocks {
        assert_eq!(mock.calls_async().await, 1);
    }
}

#[tokio::test]
async fn cloudinary_custom_policies_follow_the_cursor_to_the_end() {
    let server = MockServer::start_async().await;
    let policy = |id: &str| json!({"id": id, "name": format!("Policy {id}"), "policy_statement": "permit(principal, action, resource);"});
    let first = server.mock(|when, then| {
        when.method("GET")
            .path("/v2/accounts/acc/permissions/policies/custom")
            .query_param_missing("cursor");
        then.status(200)
            .header("content-type", "application/json")
            .json_body(json!({"data": [policy("p1"), policy("p2")], "next_cursor": "c2"}));
    });
    let second = server.mock(|when, then| {
        when.method("GET")
            .path("/v2/accounts/acc/permissions/policies/custom")
            .query_param("cursor", "c2");
        then.status(200)
            .header("content-type", "application/json")
            .json_body(json!({"data": [policy("p3")]}));
    });
    let mut stream = cloudinary(&server).list_custom_policies().into_stream();
    let mut ids = Vec::new();
    while let Some(policy) = stream.try_next().await.unwrap() {
        ids.push(policy.id);
    }
    assert_eq!(ids, ["p1", "p2", "p3"]);
    assert_eq!(stream.total(), None, "a cursor listing states no total");
    assert_eq!(first.calls_async().await, 1);
    assert_eq!(second.calls_async().await, 1);
}

/// A page of the group's members, with the link to the next page, if any.
fn member_page(names: &[&str], next: Option<String>) -> Value {
    let results: Vec<Value> = names.iter().map(|name| json!({"username": name})).collect();
    json!({"total_count": 3, "next": next, "previous": null, "results": results})
}

#[tokio::test]
async fn a_listing_without_paging_parameters_follows_its_next_links_with_the_credentials() {
    let server = MockServer::start_async().await;
    let second = server.mock(|when, then| {
        when.method("GET")
            .path("/groups/stewards/users/")
            .query_param("page", "2")
            .header("authorization", format!("Apikey {KEY}"));
        then.status(200)
            .header("content-type", "application/json")
            .json_body(member_page(&["carl"], None));
    });
    let first = server.mock(|when, then| {
        when.method("GET")
            .path("/groups/stewards/users/")
            .query_param_missing("page")
            .header("authorization", format!("Apikey {KEY}"));
        then.status(200)
            .header("content-type", "application/json")
            .json_body(member_page(
                &["ann", "bob"],
                Some(server.url("/groups/stewards/users/?page=2")),
            ));
    });
    let members: Vec<String> = ods(&server)
        .list_user_group_users()
        .group_uid("stewards")
        .into_stream()
        .map_ok(|user| user.username)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(members, ["ann", "bob", "carl"]);
    first.assert_calls_async(1).await;
    second.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_next_link_to_another_host_is_not_followed() {
    let server = MockServer::start_async().await;
    let elsewhere = MockServer::start_async().await;
    let stolen = elsewhere.mock(|_, then| {
        then.status(200);
    });
    server.mock(|when, then| {
        when.method("GET").path("/groups/stewards/users/");
        then.status(200)
            .header("content-type", "application/json")
            .json_body(member_page(&["ann"], Some(elsewhere.url("/users/?page=2"))));
    });
    let outcomes: Vec<_> = ods(&server)
        .list_user_group_users()
        .group_uid("stewards")
        .into_stream()
        .collect()
        .await;
    assert_eq!(outcomes.len(), 2, "{outcomes:?}");
    assert_eq!(outcomes[0].as_ref().unwrap().username, "ann");
    let error = outcomes[1].as_ref().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidRequest, "{error}");
    assert_eq!(error.attempts(), 0, "{error}");
    assert!(error.to_string().contains("is not followed"), "{error}");
    stolen.assert_calls_async(0).await;
}
