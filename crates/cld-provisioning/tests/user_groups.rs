//! Operation tests for the generated Cloudinary Account Provisioning client.
//!
//! Each test runs one operation against a loopback httpmock server: the mock
//! pins down the whole request the client sends, answers with the spec's
//! example body (`cld_provisioning::examples`), and the test checks what the
//! client decodes from it.

use std::sync::{Arc, Mutex};

use cld_provisioning::mock::{MockServer, MockServerExt};
use cld_provisioning::prelude::*;
use cld_provisioning::{examples, types, Error, ResponseValue};
use httpmock::Mock;
use serde_json::{json, Value};

mod support;
use support::*;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

const GROUP: &str = "7f08f1f1fc910bf1f25274aef11d27";
const USER: &str = "0abed8dfcc039ea05e2a1d494fd442";

/// Every error status the API documents.
const ERROR_STATUSES: [u16; 7] = [400, 401, 403, 404, 409, 420, 429];

fn group_request(name: &str) -> types::UserGroupRequest {
    types::UserGroupRequest {
        name: name.to_string(),
        extended_details: None,
    }
}

/// Mocks `op` for the test ids, answering `status` with `body` (for the
/// table-driven error test; the per-status tests use the named helpers).
fn mock_error<'a>(server: &'a MockServer, op: &str, status: u16, body: &types::Error) -> Mock<'a> {
    match op {
        "list_user_groups" => server.list_user_groups(|when, then| {
            when.account_id(ACCOUNT);
            then.client_error(status, body);
        }),
        "create_user_group" => server.create_user_group(|when, then| {
            when.account_id(ACCOUNT);
            then.client_error(status, body);
        }),
        "get_user_group" => server.get_user_group(|when, then| {
            when.account_id(ACCOUNT).group_id(GROUP);
            then.client_error(status, body);
        }),
        "update_user_group" => server.update_user_group(|when, then| {
            when.account_id(ACCOUNT).group_id(GROUP);
            then.client_error(status, body);
        }),
        "delete_user_group" => server.delete_user_group(|when, then| {
            when.account_id(ACCOUNT).group_id(GROUP);
            then.client_error(status, body);
        }),
        "list_user_group_users" => server.list_user_group_users(|when, then| {
            when.account_id(ACCOUNT).group_id(GROUP);
            then.client_error(status, body);
        }),
        "add_user_to_user_group" => server.add_user_to_user_group(|when, then| {
            when.account_id(ACCOUNT).group_id(GROUP).user_id(USER);
            then.client_error(status, body);
        }),
        "remove_user_from_user_group" => server.remove_user_from_user_group(|when, then| {
            when.account_id(ACCOUNT).group_id(GROUP).user_id(USER);
            then.client_error(status, body);
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
        "list_user_groups" => client
            .list_user_groups()
            .account_id(ACCOUNT)
            .send()
            .await
            .map(unit),
        "create_user_group" => client
            .create_user_group()
            .account_id(ACCOUNT)
            .body(group_request("Designers"))
            .send()
            .await
            .map(unit),
        "get_user_group" => client
            .get_user_group()
            .account_id(ACCOUNT)
            .group_id(GROUP)
            .send()
            .await
            .map(unit),
        "update_user_group" => client
            .update_user_group()
            .account_id(ACCOUNT)
            .group_id(GROUP)
            .body(group_request("Designers and Creatives"))
            .send()
            .await
            .map(unit),
        "delete_user_group" => client
            .delete_user_group()
            .account_id(ACCOUNT)
            .group_id(GROUP)
            .send()
            .await
            .map(unit),
        "list_user_group_users" => client
            .list_user_group_users()
            .account_id(ACCOUNT)
            .group_id(GROUP)
            .send()
            .await
            .map(unit),
        "add_user_to_user_group" => client
            .add_user_to_user_group()
            .account_id(ACCOUNT)
            .group_id(GROUP)
            .user_id(USER)
            .send()
            .await
            .map(unit),
        "remove_user_from_user_group" => client
            .remove_user_from_user_group()
            .account_id(ACCOUNT)
            .group_id(GROUP)
            .user_id(USER)
            .send()
            .await
            .map(unit),
        other => panic!("no call for operation {other}: add it to call"),
    }
}

/// The operations this file covers: the spec's user-group operations (their
/// paths go through `/user_groups`), so a new one cannot go untested silently.
const TESTED_OPERATIONS: [&str; 8] = [
    "list_user_groups",
    "create_user_group",
    "get_user_group",
    "update_user_group",
    "delete_user_group",
    "list_user_group_users",
    "add_user_to_user_group",
    "remove_user_from_user_group",
];

#[test]
fn every_user_group_operation_of_the_spec_is_tested_here() {
    let spec: Vec<&str> = examples::OPERATIONS
        .iter()
        .filter(|(_, _, path)| path.contains("/user_groups"))
        .map(|(id, _, _)| *id)
        .collect();
    assert_eq!(spec, TESTED_OPERATIONS);
}

// ---------------------------------------------------------------------------
// One success test per operation
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_user_groups_asks_for_extended_details_and_decodes_every_group() {
    let server = MockServer::start_async().await;
    let body: types::UserGroupList = example("list_user_groups", 200);
    let mock = server.list_user_groups(|when, then| {
        let when = when.account_id(ACCOUNT).extended_details(true).into_inner();
        expect_no_body(when, 1).path(format!("/v1_1/provisioning/accounts/{ACCOUNT}/user_groups"));
        then.ok(&body);
    });

    let list = client(&server)
        .list_user_groups()
        .account_id(ACCOUNT)
        .extended_details(true)
        .send()
        .await
        .expect("list_user_groups")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(list.user_groups.len(), 2);
    let designers = &list.user_groups[0];
    assert_eq!(designers.id, "7f08f1f1fc910bf1f25274aef11d27");
    assert_eq!(designers.name, "Designers");
    assert_eq!(designers.created_at, utc(2016, 9, 27, 8, 0, 16));
    assert_eq!(designers.updated_at, utc(2016, 9, 27, 8, 0, 16));
    let members: Vec<&str> = designers.users.iter().map(|u| u.id.as_str()).collect();
    assert_eq!(
        members,
        [
            "0abed8dfcc039ea05e2a1d494fd442",
            "asdf1234uiopjkl7890wernmjlcaeg"
        ]
    );
    assert_eq!(designers.users[1].name, "Harry Potts");
    assert_eq!(
        designers.users[1].email.as_deref(),
        Some("harry.potts@example.com")
    );
    let marketing = &list.user_groups[1];
    assert_eq!(marketing.id, "1cc3808888154263ac1e5eb2e5c52d61");
    assert_eq!(marketing.name, "Marketing");
    assert_eq!(marketing.created_at, utc(2017, 3, 14, 11, 22, 45));
    assert_eq!(marketing.updated_at, utc(2018, 6, 2, 16, 5, 31));
    assert_eq!(marketing.users.len(), 1);
    assert_eq!(marketing.users[0].name, "Beth Poppins");
    assert_round_trips(&list, "list_user_groups", 200);
}

#[tokio::test]
async fn list_user_groups_without_extended_details_sends_no_query_parameter() {
    let server = MockServer::start_async().await;
    // Not a spec example: the short form the spec describes without details.
    let short = json!({"user_groups": [{"id": GROUP, "name": "Designers"}]});
    let body: types::UserGroupList = serde_json::from_value(short.clone()).unwrap();
    let mock = server.list_user_groups(|when, then| {
        let when = when.account_id(ACCOUNT).extended_details(None).into_inner();
        expect_no_body(when, 0).path(format!("/v1_1/provisioning/accounts/{ACCOUNT}/user_groups"));
        then.ok(&body);
    });

    let list = client(&server)
        .list_user_groups()
        .account_id(ACCOUNT)
        .send()
        .await
        .expect("list_user_groups")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(list.user_groups.len(), 1);
    assert_eq!(list.user_groups[0].name, "Designers");
    assert!(list.user_groups[0].users.is_empty());
    assert_eq!(list.user_groups[0].created_at, None);
    assert_eq!(serde_json::to_value(&list).unwrap(), short);
}

#[tokio::test]
async fn create_user_group_sends_the_name_and_decodes_the_group() {
    let server = MockServer::start_async().await;
    let body: types::UserGroup = example("create_user_group", 200);
    let mock = server.create_user_group(|when, then| {
        let when = when.account_id(ACCOUNT).into_inner();
        expect_json_body(when, json!({"name": "Designers"}))
            .path(format!("/v1_1/provisioning/accounts/{ACCOUNT}/user_groups"));
        then.ok(&body);
    });

    let group = client(&server)
        .create_user_group()
        .account_id(ACCOUNT)
        .body(group_request("Designers"))
        .send()
        .await
        .expect("create_user_group")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(group.id, "7f08f1f1fc910bf1f25274aef11d27");
    assert_eq!(group.name, "Designers");
    assert!(group.users.is_empty());
    assert_eq!(group.created_at, None);
    assert_eq!(group.updated_at, None);
    assert_round_trips(&group, "create_user_group", 200);
}

#[tokio::test]
async fn get_user_group_with_extended_details_decodes_members_and_timestamps() {
    let server = MockServer::start_async().await;
    let body: types::UserGroup = example("get_user_group", 200);
    let mock = server.get_user_group(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .group_id(GROUP)
            .extended_details(true)
            .into_inner();
        expect_no_body(when, 1).path(format!(
            "/v1_1/provisioning/accounts/{ACCOUNT}/user_groups/{GROUP}"
        ));
        then.ok(&body);
    });

    let group = client(&server)
        .get_user_group()
        .account_id(ACCOUNT)
        .group_id(GROUP)
        .extended_details(true)
        .send()
        .await
        .expect("get_user_group")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(group.id, GROUP);
    assert_eq!(group.name, "Designers");
    assert_eq!(group.created_at, utc(2016, 9, 27, 8, 0, 16));
    assert_eq!(group.updated_at, utc(2016, 9, 27, 8, 0, 16));
    assert_eq!(group.users.len(), 2);
    assert_eq!(group.users[0].id, "0abed8dfcc039ea05e2a1d494fd442");
    assert_eq!(group.users[0].name, "John Doe");
    assert_eq!(
        group.users[0].email.as_deref(),
        Some("john.doe@example.com")
    );
    assert_round_trips(&group, "get_user_group", 200);
}

#[tokio::test]
async fn get_user_group_sends_extended_details_false_as_the_word_false() {
    let server = MockServer::start_async().await;
    let body: types::UserGroup = example("create_user_group", 200);
    let mock = server.get_user_group(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .group_id(GROUP)
            .extended_details(false)
            .into_inner();
        expect_no_body(when, 1).path(format!(
            "/v1_1/provisioning/accounts/{ACCOUNT}/user_groups/{GROUP}"
        ));
        then.ok(&body);
    });

    let group = client(&server)
        .get_user_group()
        .account_id(ACCOUNT)
        .group_id(GROUP)
        .extended_details(false)
        .send()
        .await
        .expect("get_user_group")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(group, body);
}

#[tokio::test]
async fn update_user_group_sends_the_new_name_and_decodes_the_renamed_group() {
    let server = MockServer::start_async().await;
    let body: types::UserGroup = example("update_user_group", 200);
    let mock = server.update_user_group(|when, then| {
        let when = when.account_id(ACCOUNT).group_id(GROUP).into_inner();
        expect_json_body(when, json!({"name": "Designers and Creatives"})).path(format!(
            "/v1_1/provisioning/accounts/{ACCOUNT}/user_groups/{GROUP}"
        ));
        then.ok(&body);
    });

    let group = client(&server)
        .update_user_group()
        .account_id(ACCOUNT)
        .group_id(GROUP)
        .body(group_request("Designers and Creatives"))
        .send()
        .await
        .expect("update_user_group")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(group.id, GROUP);
    assert_eq!(group.name, "Designers and Creatives");
    assert!(group.users.is_empty());
    assert_round_trips(&group, "update_user_group", 200);
}

#[tokio::test]
async fn delete_user_group_decodes_the_ok_acknowledgement() {
    let server = MockServer::start_async().await;
    let body: types::SuccessResponse = example("delete_user_group", 200);
    let mock = server.delete_user_group(|when, then| {
        let when = when.account_id(ACCOUNT).group_id(GROUP).into_inner();
        expect_no_body(when, 0).path(format!(
            "/v1_1/provisioning/accounts/{ACCOUNT}/user_groups/{GROUP}"
        ));
        then.ok(&body);
    });

    let ack = client(&server)
        .delete_user_group()
        .account_id(ACCOUNT)
        .group_id(GROUP)
        .send()
        .await
        .expect("delete_user_group")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(ack.ok, Some(true));
    assert_eq!(ack.message, None);
    assert_round_trips(&ack, "delete_user_group", 200);
}

#[tokio::test]
async fn list_user_group_users_decodes_every_member() {
    let server = MockServer::start_async().await;
    let body: types::UserGroupUserList = example("list_user_group_users", 200);
    let mock = server.list_user_group_users(|when, then| {
        let when = when.account_id(ACCOUNT).group_id(GROUP).into_inner();
        expect_no_body(when, 0).path(format!(
            "/v1_1/provisioning/accounts/{ACCOUNT}/user_groups/{GROUP}/users"
        ));
        then.ok(&body);
    });

    let members = client(&server)
        .list_user_group_users()
        .account_id(ACCOUNT)
        .group_id(GROUP)
        .send()
        .await
        .expect("list_user_group_users")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(members.users.len(), 2);
    assert_eq!(members.users[0].id, "0abed8dfcc039ea05e2a1d494fd442");
    assert_eq!(members.users[0].name, "John Doe");
    assert_eq!(members.users[1].id, "asdf1234uiopjkl7890wernmjlcaeg");
    assert_eq!(
        members.users[1].email.as_deref(),
        Some("harry.potts@example.com")
    );
    assert_round_trips(&members, "list_user_group_users", 200);
}

#[tokio::test]
async fn add_user_to_user_group_posts_without_a_body_and_decodes_the_member_list() {
    let server = MockServer::start_async().await;
    let body: types::UserGroupMemberAdded = example("add_user_to_user_group", 200);
    let mock = server.add_user_to_user_group(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .group_id(GROUP)
            .user_id(USER)
            .into_inner();
        expect_no_body(when, 0).path(format!(
            "/v1_1/provisioning/accounts/{ACCOUNT}/user_groups/{GROUP}/users/{USER}"
        ));
        then.ok(&body);
    });

    let answer = client(&server)
        .add_user_to_user_group()
        .account_id(ACCOUNT)
        .group_id(GROUP)
        .user_id(USER)
        .send()
        .await
        .expect("add_user_to_user_group")
        .into_inner();

    mock.assert_async().await;
    let types::UserGroupMemberAdded::Members(members) = &answer else {
        panic!("the member list decoded as {answer:?}");
    };
    assert_eq!(members.users.len(), 1);
    assert_eq!(members.users[0].id, USER);
    assert_eq!(members.users[0].name, "John Doe");
    assert_eq!(
        members.users[0].email.as_deref(),
        Some("john.doe@example.com")
    );
    assert_round_trips(&answer, "add_user_to_user_group", 200);
}

/// Mocks adding the test user to the test group, answering 200 with `body`
/// as it is (not through a generated type).
fn mock_add_user_answer(server: &MockServer, body: Value) -> Mock<'_> {
    server.add_user_to_user_group(|when, then| {
        when.account_id(ACCOUNT).group_id(GROUP).user_id(USER);
        then.into_inner()
            .status(200)
            .header("content-type", "application/json")
            .json_body(body);
    })
}

#[tokio::test]
async fn add_user_to_user_group_decodes_the_single_user_the_vendor_documents() {
    let server = MockServer::start_async().await;
    // The vendor's own example answer (`UserGroupUserJohn`): the added user.
    let vendor_answer = json!({
        "id": USER,
        "name": "John Doe",
        "email": "john.doe@example.com"
    });
    let mock = mock_add_user_answer(&server, vendor_answer.clone());

    let answer = client(&server)
        .add_user_to_user_group()
        .account_id(ACCOUNT)
        .group_id(GROUP)
        .user_id(USER)
        .send()
        .await
        .expect("the vendor's documented answer decodes")
        .into_inner();

    mock.assert_async().await;
    let types::UserGroupMemberAdded::User(user) = &answer else {
        panic!("the vendor's single user decoded as {answer:?}");
    };
    assert_eq!(user.id, USER);
    assert_eq!(user.name, "John Doe");
    assert_eq!(user.email.as_deref(), Some("john.doe@example.com"));
    assert_eq!(serde_json::to_value(&answer).unwrap(), vendor_answer);
}

#[tokio::test]
async fn add_user_to_user_group_fails_on_an_answer_of_neither_shape() {
    // Neither the member list (no `users`) nor a user (no `id` and `name`):
    // the call must fail, not decode into an empty member list.
    for body in [
        json!({}),
        json!({"message": "ok"}),
        json!({"id": USER}),
        json!({"members": [{"id": USER, "name": "John Doe"}]}),
    ] {
        let server = MockServer::start_async().await;
        let mock = mock_add_user_answer(&server, body.clone());

        let result = client(&server)
            .add_user_to_user_group()
            .account_id(ACCOUNT)
            .group_id(GROUP)
            .user_id(USER)
            .send()
            .await;

        mock.assert_async().await;
        match result {
            Err(Error::InvalidResponsePayload(_, _)) => {}
            other => panic!("{body} decoded: {other:?}"),
        }
    }
}

#[tokio::test]
async fn remove_user_from_user_group_decodes_the_remaining_members() {
    let server = MockServer::start_async().await;
    let body: types::UserGroupUserList = example("remove_user_from_user_group", 200);
    let mock = server.remove_user_from_user_group(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .group_id(GROUP)
            .user_id(USER)
            .into_inner();
        expect_no_body(when, 0).path(format!(
            "/v1_1/provisioning/accounts/{ACCOUNT}/user_groups/{GROUP}/users/{USER}"
        ));
        then.ok(&body);
    });

    let members = client(&server)
        .remove_user_from_user_group()
        .account_id(ACCOUNT)
        .group_id(GROUP)
        .user_id(USER)
        .send()
        .await
        .expect("remove_user_from_user_group")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(members.users.len(), 1);
    assert_eq!(members.users[0].id, "asdf1234uiopjkl7890wernmjlcaeg");
    assert_eq!(members.users[0].name, "Harry Potts");
    assert_round_trips(&members, "remove_user_from_user_group", 200);
}

// ---------------------------------------------------------------------------
// Error statuses: one named test per documented status, then every
// documented (operation, status) pair.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn create_user_group_reports_a_bad_request_with_the_services_message() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("create_user_group", 400);
    let mock = server.create_user_group(|when, then| {
        when.account_id(ACCOUNT);
        then.bad_request(&body);
    });

    let result = client(&server)
        .create_user_group()
        .account_id(ACCOUNT)
        .body(group_request(""))
        .send()
        .await;

    mock.assert_async().await;
    let message = expect_vendor_error(result, "create_user_group", 400);
    assert_eq!(message, "Bad request");
}

#[tokio::test]
async fn list_user_groups_reports_wrong_credentials_as_unauthorized() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("list_user_groups", 401);
    let mock = server.list_user_groups(|when, then| {
        when.account_id(ACCOUNT);
        then.unauthorized(&body);
    });

    let result = client(&server)
        .list_user_groups()
        .account_id(ACCOUNT)
        .send()
        .await;

    mock.assert_async().await;
    let message = expect_vendor_error(result, "list_user_groups", 401);
    assert_eq!(message, "Invalid credentials");
}

#[tokio::test]
async fn delete_user_group_reports_a_forbidden_call() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("delete_user_group", 403);
    let mock = server.delete_user_group(|when, then| {
        when.account_id(ACCOUNT).group_id(GROUP);
        then.forbidden(&body);
    });

    let result = client(&server)
        .delete_user_group()
        .account_id(ACCOUNT)
        .group_id(GROUP)
        .send()
        .await;

    mock.assert_async().await;
    let message = expect_vendor_error(result, "delete_user_group", 403);
    assert_eq!(message, "Not allowed");
}

#[tokio::test]
async fn get_user_group_reports_an_unknown_group_as_not_found() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("get_user_group", 404);
    let mock = server.get_user_group(|when, then| {
        when.account_id(ACCOUNT).group_id(GROUP);
        then.not_found(&body);
    });

    let result = client(&server)
        .get_user_group()
        .account_id(ACCOUNT)
        .group_id(GROUP)
        .send()
        .await;

    mock.assert_async().await;
    let message = expect_vendor_error(result, "get_user_group", 404);
    assert_eq!(message, "not found");
}

#[tokio::test]
async fn add_user_to_user_group_reports_a_conflict() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("add_user_to_user_group", 409);
    let mock = server.add_user_to_user_group(|when, then| {
        when.account_id(ACCOUNT).group_id(GROUP).user_id(USER);
        then.conflict(&body);
    });

    let result = client(&server)
        .add_user_to_user_group()
        .account_id(ACCOUNT)
        .group_id(GROUP)
        .user_id(USER)
        .send()
        .await;

    mock.assert_async().await;
    let message = expect_vendor_error(result, "add_user_to_user_group", 409);
    assert_eq!(message, "Already exists");
}

#[tokio::test]
async fn update_user_group_reports_cloudinarys_420_rate_limit() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("update_user_group", 420);
    let mock = server.update_user_group(|when, then| {
        when.account_id(ACCOUNT).group_id(GROUP);
        // 420 has no reason phrase, hence no named helper.
        then.client_error(420, &body);
    });

    let result = client(&server)
        .update_user_group()
        .account_id(ACCOUNT)
        .group_id(GROUP)
        .body(group_request("Designers and Creatives"))
        .send()
        .await;

    mock.assert_async().await;
    let message = expect_vendor_error(result, "update_user_group", 420);
    assert_eq!(message, "Max usage rate exceeded");
}

#[tokio::test]
async fn remove_user_from_user_group_reports_too_many_requests() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("remove_user_from_user_group", 429);
    let mock = server.remove_user_from_user_group(|when, then| {
        when.account_id(ACCOUNT).group_id(GROUP).user_id(USER);
        then.too_many_requests(&body);
    });

    let result = client(&server)
        .remove_user_from_user_group()
        .account_id(ACCOUNT)
        .group_id(GROUP)
        .user_id(USER)
        .send()
        .await;

    mock.assert_async().await;
    let message = expect_vendor_error(result, "remove_user_from_user_group", 429);
    assert_eq!(message, "Too many requests");
}

#[tokio::test]
async fn every_documented_error_status_of_every_operation_is_an_error_response() {
    let server = MockServer::start_async().await;
    let client = client(&server);
    let pairs = documented_errors(&TESTED_OPERATIONS);
    assert_documented_errors(&pairs, &ERROR_STATUSES, 45);
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
    let body: types::UserGroup = example("create_user_group", 200);
    // Everything the server saw except the Authorization header.
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let authorization = Arc::new(Mutex::new(Vec::<String>::new()));
    let mock = server.create_user_group(|when, then| {
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
        .create_user_group()
        .account_id(ACCOUNT)
        .body(group_request("Designers"))
        .send()
        .await
        .expect("create_user_group");

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
        format!("{:?}", client.create_user_group().account_id(ACCOUNT)),
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
