//! Calls the facade refuses before sending anything, with their exact
//! message: a required query parameter, path parameter or body field left
//! out, a value its setter cannot convert. The generated operation tests
//! set every value, so they never see these.
//!
//! Ported from the per-operation tests deleted in bad5bf6
//! (`ods-automation/tests/{harvesters,pages,users_and_keys}.rs`,
//! `cld-provisioning/tests/{permissions,product_environments,users}.rs`).
#![cfg(all(feature = "ods", feature = "cloudinary", feature = "mock"))]

use httpmock::MockServer;
use saas_admin::cld_provisioning::types as cld;
use saas_admin::{Error, ErrorKind};

use crate::recorded;
use recorded::*;

/// Checks that `result` is a refusal of `operation` with `message`.
fn assert_refused<T: std::fmt::Debug>(result: Result<T, Error>, operation: &str, message: &str) {
    let error = result.expect_err(message);
    assert_eq!(error.kind(), ErrorKind::InvalidRequest, "{error}");
    assert_eq!(error.operation(), operation);
    assert_eq!(error.attempts(), 0, "{error}");
    assert_eq!(
        error.to_string(),
        format!("{operation}: invalid request, nothing was sent: {message}")
    );
}

#[tokio::test]
async fn the_ods_operations_refuse_a_missing_required_value_or_a_bad_one_without_calling() {
    let server = MockServer::start_async().await;
    let any = server.mock(|_, then| {
        then.status(500);
    });
    let ods = ods(&server.base_url());

    // A required query parameter: the choice about the harvester's datasets.
    assert_refused(
        ods.delete_harvester()
            .harvester_uid("ha_5mb2rz")
            .send()
            .await,
        "delete_harvester",
        "the required parameter delete_attached_datasets was not set",
    );
    // The text to complete, required too.
    assert_refused(
        ods.suggest_metadata_field_values()
            .template_name("default")
            .template_field_name("keyword")
            .send()
            .await,
        "suggest_metadata_field_values",
        "the required parameter query was not set",
    );
    // A delimiter is one character.
    assert_refused(
        ods.export_users().delimiter(";;").send().await.map(drop),
        "export_users",
        "delimiter: longer than 1 characters",
    );

    assert_eq!(any.calls_async().await, 0, "no request may go out");
}

#[tokio::test]
async fn the_cloudinary_operations_refuse_a_missing_required_value_without_calling() {
    let server = MockServer::start_async().await;
    let any = server.mock(|_, then| {
        then.status(500);
    });
    let cloudinary = cloudinary(&server.base_url());
    let principal = "u_7c3e9a";

    assert_refused(
        cloudinary
            .list_principal_roles()
            .principal_id(principal)
            .permission_type(cld::PermissionType::Global)
            .send()
            .await,
        "list_principal_roles",
        "the required parameter principal_type was not set",
    );
    assert_refused(
        cloudinary
            .list_principal_roles()
            .principal_type(cld::PrincipalType::User)
            .permission_type(cld::PermissionType::Global)
            .send()
            .await,
        "list_principal_roles",
        "the required parameter principal_id was not set",
    );
    assert_refused(
        cloudinary
            .list_principal_roles()
            .principal_type(cld::PrincipalType::User)
            .principal_id(principal)
            .send()
            .await,
        "list_principal_roles",
        "the required parameter permission_type was not set",
    );
    assert_refused(
        cloudinary
            .list_roles()
            .scope_type(cld::PermissionsScopeType::Account)
            .send()
            .await,
        "list_roles",
        "the required parameter permission_type was not set",
    );
    assert_refused(
        cloudinary
            .inspect_principal_roles()
            .scope_id("b5a2b7c4e1f0")
            .cursor("5b0e7d3f2a914c68")
            .send()
            .await,
        "inspect_principal_roles",
        "the required parameter scope_type was not set",
    );
    assert_refused(
        cloudinary.get_custom_policy().send().await,
        "get_custom_policy",
        "the required parameter policy_id was not set",
    );
    assert_refused(
        cloudinary.validate_cedar_policy().send().await,
        "validate_cedar_policy",
        "the required body field policy was not set",
    );
    assert_refused(
        cloudinary
            .create_custom_policy()
            .name("No statement")
            .scope_type(cld::PermissionsScopeType::Account)
            .send()
            .await,
        "create_custom_policy",
        "the required body field policy_statement was not set",
    );
    assert_refused(
        cloudinary
            .create_user()
            .name("Jane Doe")
            .role(cld::UserRole::Admin)
            .send()
            .await,
        "create_user",
        "the required body field email was not set",
    );
    assert_refused(
        cloudinary
            .delete_access_key_by_name()
            .sub_account_id("b5a2b7c4e1f0")
            .send()
            .await,
        "delete_access_key_by_name",
        "the required parameter name was not set",
    );

    assert_eq!(any.calls_async().await, 0, "no request may go out");
}

#[tokio::test]
async fn the_same_cloudinary_operations_send_with_only_their_required_values() {
    // The optional filters are not required: with the required values
    // only, each call goes out (the mock answers 401).
    let server = MockServer::start_async().await;
    let recorder = Recorder::default();
    let matcher = recorder.matcher();
    server.mock(|when, then| {
        when.is_true(matcher);
        then.status(401)
            .header("content-type", "application/json")
            .body(r#"{"error":{"message":"Invalid credentials"}}"#);
    });
    let cloudinary = cloudinary(&server.base_url());
    let outcomes = [
        cloudinary
            .list_roles()
            .permission_type(cld::PermissionType::Global)
            .send()
            .await
            .map(drop),
        cloudinary
            .list_principal_roles()
            .principal_type(cld::PrincipalType::User)
            .principal_id("u_7c3e9a")
            .permission_type(cld::PermissionType::Global)
            .send()
            .await
            .map(drop),
        cloudinary
            .inspect_principal_roles()
            .scope_type(cld::PermissionsScopeType::Account)
            .send()
            .await
            .map(drop),
    ];
    for outcome in outcomes {
        let error = outcome.expect_err("a 401");
        assert_eq!(error.status().map(u16::from), Some(401), "{error}");
    }
    let sent: Vec<(String, Vec<(String, String)>)> = recorder
        .sent()
        .into_iter()
        .map(|sent| {
            let mut query = sent.query;
            query.sort();
            (sent.path, query)
        })
        .collect();
    let pair = |k: &str, v: &str| (k.to_string(), v.to_string());
    assert_eq!(
        sent,
        [
            (
                format!("/v2/accounts/{CLD_ACCOUNT}/permissions/roles"),
                vec![pair("permission_type", "global")]
            ),
            (
                format!("/v2/accounts/{CLD_ACCOUNT}/permissions/principal_roles"),
                vec![
                    pair("permission_type", "global"),
                    pair("principal_id", "u_7c3e9a"),
                    pair("principal_type", "user"),
                ]
            ),
            (
                format!("/v2/accounts/{CLD_ACCOUNT}/permissions/principal_roles/inspect"),
                vec![pair("scope_type", "account")]
            ),
        ]
    );
}
