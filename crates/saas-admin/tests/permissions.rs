//! The Cloudinary permissions operations through the facade, where the
//! generated operation tests (one call with every value set, the spec's
//! answers) cannot look: paging by cursor in the query and in the body, a
//! system role id in the path, empty lists, the remove operation, a valid
//! verdict, and answers the spec does not document for a body-less success.
//!
//! Ported from `cld-provisioning/tests/permissions.rs` (deleted in
//! bad5bf6).
#![cfg(all(feature = "cloudinary", feature = "mock"))]

use futures::TryStreamExt;
use httpmock::{HttpMockRequest, MockServer};
use saas_admin::cld_provisioning::types;
use saas_admin::ErrorKind;
use serde_json::{json, Value};

use crate::recorded;
use recorded::*;

const ROLE: &str = "upload_manager_12334565";
const CONTENT_ROLE: &str = "marketing_content_contributor_1357fhe";
const PRODENV: &str = "975l29lz02jt0836fhwi";
const PRINCIPAL: &str = "1234abc";
const FOLDER: &str = "asdfjkl12347890";
const CURSOR: &str = "5b0e7d3f2a914c68";
/// A statement the spec's custom policy examples show.
const READ_STATEMENT: &str = r#"permit(principal == Cloudinary::APIKey::"1234", action == Cloudinary::Action::"read", resource is Cloudinary::Folder) when { resource.ancestor_ids.contains("asdfjkl12347890") };"#;

/// The path of a permissions route of the configured account.
fn account_path(rest: &str) -> String {
    format!("/v2/accounts/{CLD_ACCOUNT}/permissions/{rest}")
}

/// The whole request of an account call: `method path?raw_query`, the
/// credentials once, Accept JSON, the api-version once, and exactly `body`
/// (`None`: no body and no content type).
fn assert_request(
    sent: &Sent,
    method: &str,
    path: &str,
    raw_query: Option<&str>,
    body: Option<Value>,
) {
    let context = format!("{method} {path}");
    assert_eq!(sent.method, method, "{context}");
    assert_eq!(sent.path, path, "{context}");
    assert_eq!(sent.raw_query.as_deref(), raw_query, "{context}: the query");
    assert_eq!(
        sent.header("authorization"),
        [CLD_AUTHORIZATION],
        "{context}"
    );
    assert_eq!(sent.header("accept"), ["application/json"], "{context}");
    assert_eq!(sent.header("api-version").len(), 1, "{context}");
    match body {
        Some(body) => {
            assert_eq!(
                sent.header("content-type"),
                ["application/json"],
                "{context}"
            );
            assert_eq!(sent.json(), body, "{context}: the body");
        }
        None => {
            assert!(sent.body.is_empty(), "{context}: a body was sent");
            assert_eq!(sent.header("content-type"), [] as [&str; 0], "{context}");
        }
    }
}

fn folder(id: &str) -> types::PolicyParameters {
    types::PolicyParameters {
        folder_id: Some(id.to_string()),
        collection_id: None,
    }
}

/// Mocks any request for which `when` holds, recording it, answering 200
/// with `body`.
fn page_mock(
    server: &MockServer,
    recorder: &Recorder,
    when: impl Fn(&HttpMockRequest) -> bool + Send + Sync + 'static,
    body: Value,
) {
    let record = recorder.matcher();
    server.mock(|w, then| {
        w.is_true(move |request| when(request) && record(request));
        then.status(200)
            .header("content-type", "application/json")
            .json_body(body);
    });
}

#[tokio::test]
async fn inspect_principal_roles_sends_the_cursor_back_until_the_last_page() {
    let server = MockServer::start_async().await;
    let recorder = Recorder::default();
    let first = cld_example("inspect_principal_roles", 200);
    assert_eq!(first["next_cursor"], CURSOR);
    // Not a spec example: the last page, without next_cursor.
    let last = json!({"data": {"principals": [{"type": "group", "id": "7f08f1f1fc910bf1f25274aef11d27"}]}});
    let has_cursor = |request: &HttpMockRequest| {
        request
            .query_params()
            .iter()
            .any(|(name, _)| name == "cursor")
    };
    page_mock(&server, &recorder, move |r| !has_cursor(r), first);
    page_mock(&server, &recorder, has_cursor, last);

    let principals: Vec<(types::PrincipalType, String)> = cloudinary(&server.base_url())
        .inspect_principal_roles()
        .scope_type(types::PermissionsScopeType::Account)
        .into_stream()
        .map_ok(|principal| (principal.type_, principal.id))
        .try_collect()
        .await
        .expect("every page");

    assert_eq!(
        principals,
        [
            (types::PrincipalType::User, PRINCIPAL.to_string()),
            (
                types::PrincipalType::ApiKey,
                "a382ltieo893jhioqpg8urp".to_string()
            ),
            (
                types::PrincipalType::Group,
                "7f08f1f1fc910bf1f25274aef11d27".to_string()
            ),
        ]
    );
    let sent = recorder.sent();
    assert_eq!(sent.len(), 2, "two pages, then the end: {sent:?}");
    let path = account_path("principal_roles/inspect");
    assert_request(&sent[0], "GET", &path, Some("scope_type=account"), None);
    assert_request(
        &sent[1],
        "GET",
        &path,
        Some("cursor=5b0e7d3f2a914c68&scope_type=account"),
        None,
    );
}

/// The spec's request example of `inspect_principal_roles_batch`, as JSON.
fn inspect_request_json() -> Value {
    json!({
        "scope_type": "prodenv",
        "scope_id": PRODENV,
        "principals": [
            {"type": "user", "id": PRINCIPAL},
            {"type": "user", "id": "4567xyz"},
            {"type": "apiKey", "id": "a382ltieo893jhioqpg8urp"}
        ],
        "policy_parameters": {"folder_id": FOLDER}
    })
}

#[tokio::test]
async fn inspect_principal_roles_batch_sends_the_cursor_in_the_body() {
    let principal = |type_, id: &str| types::Principal {
        type_,
        id: id.to_string(),
    };
    let principals = vec![
        principal(types::PrincipalType::User, PRINCIPAL),
        principal(types::PrincipalType::User, "4567xyz"),
        principal(types::PrincipalType::ApiKey, "a382ltieo893jhioqpg8urp"),
    ];
    let mut expected = inspect_request_json();
    expected["cursor"] = json!(CURSOR);

    // The body set whole, then field by field.
    let (server, recorder) = answering_cld("inspect_principal_roles_batch").await;
    let client = cloudinary(&server.base_url());
    let whole = client
        .inspect_principal_roles_batch()
        .body(types::PrincipalRolesInspectRequest {
            scope_id: Some(PRODENV.to_string()),
            policy_parameters: Some(folder(FOLDER)),
            cursor: Some(CURSOR.to_string()),
            ..types::PrincipalRolesInspectRequest::new(
                principals.clone(),
                types::PermissionsScopeType::Prodenv,
            )
        });
    let by_field = client
        .inspect_principal_roles_batch()
        .scope_type(types::PermissionsScopeType::Prodenv)
        .scope_id(PRODENV)
        .principals(principals)
        .policy_parameters(folder(FOLDER))
        .cursor(CURSOR);
    let answer = cld_example("inspect_principal_roles_batch", 200);
    for builder in [whole, by_field] {
        let found = builder.send().await.expect("inspect_principal_roles_batch");
        assert_eq!(serde_json::to_value(&found).unwrap(), answer);
    }
    let sent = recorder.sent();
    assert_eq!(sent.len(), 2);
    for sent in &sent {
        // The cursor travels in the body only: no query.
        assert_request(
            sent,
            "POST",
            &account_path("principal_roles/inspect"),
            None,
            Some(expected.clone()),
        );
    }
}

#[tokio::test]
async fn a_delete_answered_with_200_is_not_taken_for_its_204() {
    let (server, recorder) = answering(200, Some(json!({"message": "ok"}))).await;
    let error = cloudinary(&server.base_url())
        .delete_role()
        .role_id(ROLE)
        .send()
        .await
        .expect_err("a 200 is not the documented 204");
    assert_request(
        &recorder.one(),
        "DELETE",
        &account_path(&format!("roles/{ROLE}")),
        None,
        None,
    );
    assert_eq!(error.kind(), ErrorKind::UnexpectedStatus, "{error}");
    assert_eq!(error.status().map(u16::from), Some(200), "{error}");
    assert_eq!(error.operation(), "delete_role");
}

#[tokio::test]
async fn update_principal_roles_ignores_a_body_the_service_sends_anyway() {
    // Not documented: a 200 that does carry a JSON body.
    let (server, recorder) = answering(200, Some(json!({"message": "updated"}))).await;
    let answer = cloudinary(&server.base_url())
        .update_principal_roles()
        .operation(types::AssignmentOperation::Add)
        .principal(types::Principal {
            type_: types::PrincipalType::User,
            id: PRINCIPAL.to_string(),
        })
        .roles([types::RoleAssignment {
            id: CONTENT_ROLE.to_string(),
            scope_id: Some(PRODENV.to_string()),
            policy_parameters: Some(folder(FOLDER)),
        }])
        .send_with_response()
        .await
        .expect("update_principal_roles");
    assert_eq!(answer.status().as_u16(), 200);
    let () = answer.into_inner();
    assert_request(
        &recorder.one(),
        "PUT",
        &account_path("principal_roles"),
        None,
        Some(json!({
            "operation": "add",
            "principal": {"type": "user", "id": PRINCIPAL},
            "roles": [{
                "id": CONTENT_ROLE,
                "scope_id": PRODENV,
                "policy_parameters": {"folder_id": FOLDER}
            }]
        })),
    );
}

#[tokio::test]
async fn validate_cedar_policy_decodes_a_valid_verdict_without_errors() {
    // Not a spec example: the answer for a valid statement, without `errors`.
    let (server, recorder) = answering(200, Some(json!({"valid": true}))).await;
    let verdict = cloudinary(&server.base_url())
        .validate_cedar_policy()
        .policy(READ_STATEMENT)
        .send()
        .await
        .expect("validate_cedar_policy");
    assert_eq!(
        verdict,
        types::CedarPolicyValidation {
            valid: true,
            errors: vec![],
        }
    );
    assert_eq!(
        serde_json::to_value(&verdict).unwrap(),
        json!({"valid": true})
    );
    // A public operation: no credentials, no account in the path.
    let sent = recorder.one();
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.path, "/v2/accounts/permissions/public/validate");
    assert_eq!(sent.raw_query, None);
    assert_eq!(sent.header("authorization"), [] as [&str; 0]);
    assert_eq!(sent.header("accept"), ["application/json"]);
    assert_eq!(sent.json(), json!({"policy": READ_STATEMENT}));
}

#[tokio::test]
async fn get_role_puts_a_system_role_id_in_the_path_as_it_is() {
    let system_role = "cld::role::prodenv::reports";
    let (server, recorder) = answering_cld("get_role").await;
    let role = cloudinary(&server.base_url())
        .get_role()
        .role_id(system_role)
        .folder_id(FOLDER)
        .send()
        .await
        .expect("get_role");
    assert_eq!(
        serde_json::to_value(&role).unwrap(),
        cld_example("get_role", 200)
    );
    assert_request(
        &recorder.one(),
        "GET",
        &account_path("roles/cld::role::prodenv::reports"),
        Some("folder_id=asdfjkl12347890"),
        None,
    );
}

#[tokio::test]
async fn list_principal_roles_sends_no_array_parameter_for_empty_lists() {
    let (server, recorder) = answering_cld("list_principal_roles").await;
    let roles = cloudinary(&server.base_url())
        .list_principal_roles()
        .principal_type(types::PrincipalType::Group)
        .principal_id("7f08f1f1fc910bf1f25274aef11d27")
        .permission_type(types::PermissionType::Content)
        .param_key(Vec::<String>::new())
        .param_value(Vec::<String>::new())
        .send()
        .await
        .expect("list_principal_roles");
    assert_eq!(
        serde_json::to_value(&roles).unwrap(),
        cld_example("list_principal_roles", 200)
    );
    assert_request(
        &recorder.one(),
        "GET",
        &account_path("principal_roles"),
        Some("permission_type=content&principal_id=7f08f1f1fc910bf1f25274aef11d27&principal_type=group"),
        None,
    );
}

#[tokio::test]
async fn update_role_principals_removes_with_the_remove_operation() {
    // The documented success: 200 without a body.
    let (server, recorder) = answering(200, None).await;
    let answer = cloudinary(&server.base_url())
        .update_role_principals()
        .role_id(ROLE)
        .operation(types::AssignmentOperation::Remove)
        .principals([types::RolePrincipalAssignment::new(
            "akwut728390anvy52sxgti",
            types::PrincipalType::ApiKey,
        )])
        .send_with_response()
        .await
        .expect("update_role_principals");
    assert_eq!(answer.status().as_u16(), 200);
    let () = answer.into_inner();
    assert_request(
        &recorder.one(),
        "PUT",
        &account_path(&format!("roles/{ROLE}/principals")),
        None,
        Some(json!({
            "operation": "remove",
            "principals": [{"principal_type": "apiKey", "principal_id": "akwut728390anvy52sxgti"}]
        })),
    );
}
