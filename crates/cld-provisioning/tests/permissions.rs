//! Operation tests for the v2 permissions family of the generated Cloudinary
//! Account Provisioning client (paths under `/v2/accounts/`): the public
//! catalog, Cedar validation and schema, system and custom policies,
//! effective policies, roles, and role assignments.
//!
//! Each test runs one operation against a loopback httpmock server: the mock
//! pins down the whole request the client sends, answers with the spec's
//! example body (`cld_provisioning::examples`), and the test checks what the
//! client decodes from it.

use std::sync::{Arc, Mutex};

use cld_provisioning::mock::{MockServer, MockServerExt};
use cld_provisioning::prelude::*;
use cld_provisioning::{examples, spec, types};
use cld_provisioning::{ClientInfo, Error, ResponseValue};
use httpmock::{Mock, When};
use serde_json::{json, Value};

mod support;
use support::*;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// Path and query values, taken from the spec's parameter and body examples.
const ACCOUNT: &str = "16a8ff3b-736b-49a6-85c0-03b69d5a357b";
const POLICY: &str = "12jf789l12hwiuencl7aaqey";
const ROLE: &str = "upload_manager_12334565";
const CONTENT_ROLE: &str = "marketing_content_contributor_1357fhe";
const PRODENV: &str = "975l29lz02jt0836fhwi";
const PRINCIPAL: &str = "1234abc";
const FOLDER: &str = "asdfjkl12347890";
/// Not from the spec (it has no collection example): a made-up collection id.
const COLLECTION: &str = "7d1e6a2f0c5b4e39";

/// The two statements of the spec's custom policy examples.
const READ_STATEMENT: &str = r#"permit(principal == Cloudinary::APIKey::"1234", action == Cloudinary::Action::"read", resource is Cloudinary::Folder) when { resource.ancestor_ids.contains("asdfjkl12347890") };"#;
/// The spec's validate example, whose `APIKy` typo makes it invalid.
const INVALID_STATEMENT: &str = r#"permit(principal == Cloudinary::APIKy::"1234", action == Cloudinary::Action::"read", resource is Cloudinary::Folder) when { resource.ancestor_ids.contains("asdfjkl12347890") };"#;

/// Every error status the permissions operations document (no 420/429).
const ERROR_STATUSES: [u16; 6] = [400, 401, 403, 404, 409, 500];

/// The operations that take no account id and no credentials.
const PUBLIC: [&str; 3] = [
    "get_permissions_catalog",
    "validate_cedar_policy",
    "get_cedar_schema",
];

fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|v| v.to_string()).collect()
}

/// Headers every request carries, public or not.
fn expect_accept_and_version(when: When, query_params: usize) -> When {
    when.header("accept", "application/json")
        .header("api-version", Client::api_version())
        .query_param_count(".*", ".*", query_params)
}

/// What every account request must carry: the credentials (once), `Accept`,
/// the api-version header progenitor adds, and exactly `query_params` query
/// parameters, so any parameter the test did not expect makes it fail.
fn expect_common(when: When, query_params: usize) -> When {
    expect_accept_and_version(when, query_params)
        .header("authorization", AUTHORIZATION)
        .header_count("^authorization$", ".*", 1)
}

/// What a public request must carry: no credentials at all (although the
/// client holds a key and secret), `Accept`, api-version, no query.
fn expect_public(when: When) -> When {
    expect_accept_and_version(when, 0).header_missing("authorization")
}

/// No body and no content type.
fn without_body(when: When) -> When {
    // `body("")` is refused by httpmock for GET, hence the custom matcher.
    when.header_missing("content-type")
        .is_true(|req| req.body_ref().is_empty())
}

/// A body that must be exactly `body` as JSON.
fn with_json_body(when: When, body: Value) -> When {
    when.header("content-type", "application/json")
        .json_body(body)
}

/// An account request without a body.
fn expect_no_body(when: When, query_params: usize) -> When {
    without_body(expect_common(when, query_params))
}

/// An account request whose body must be exactly `body`, without a query.
fn expect_json_body(when: When, body: Value) -> When {
    with_json_body(expect_common(when, 0), body)
}

/// The raw query string must be exactly `query`: order, repeated keys and
/// percent-encoding included (httpmock's `query_param` sees decoded values).
fn expect_raw_query(when: When, query: &'static str) -> When {
    when.is_true(move |req| req.uri().query() == Some(query))
}

/// The vendor error behind `result`, checked against the spec's example for
/// `op`/`status` (message, category, code, and the whole body); returns it.
fn expect_vendor_error<T: std::fmt::Debug>(
    result: Result<ResponseValue<T>, Error<types::PermissionsError>>,
    op: &str,
    status: u16,
) -> types::PermissionsErrorDetail {
    let rv = match result {
        Err(Error::ErrorResponse(rv)) => rv,
        other => panic!("{op} {status}: expected Error::ErrorResponse, got {other:?}"),
    };
    assert_eq!(rv.status().as_u16(), status, "{op} {status}: status");
    let expected = example_json(op, status);
    let detail = rv
        .error
        .clone()
        .unwrap_or_else(|| panic!("{op} {status}: no `error` in {:?}", *rv));
    for (field, value) in [
        ("message", &detail.message),
        ("category", &detail.category),
        ("code", &detail.code),
    ] {
        assert_eq!(
            value.as_deref(),
            expected["error"][field].as_str(),
            "{op} {status}: error.{field}"
        );
        assert!(value.is_some(), "{op} {status}: error.{field} is missing");
    }
    assert_round_trips(&rv.into_inner(), op, status);
    detail
}

/// The spec's request example of `validate_cedar_policy`.
fn validation_request() -> types::CedarPolicyValidationRequest {
    types::CedarPolicyValidationRequest {
        policy: INVALID_STATEMENT.to_string(),
    }
}

/// The spec's request example of `create_custom_policy`.
fn policy_create_request() -> types::CustomPolicyCreateRequest {
    types::CustomPolicyCreateRequest {
        name: "Read access to Clothing folder".to_string(),
        description: Some(
            "Permit read access to the Clothing folder with external ID asdfjkl12347890."
                .to_string(),
        ),
        policy_statement: READ_STATEMENT.to_string(),
        scope_type: types::PermissionsScopeType::Prodenv,
        scope_id: Some(PRODENV.to_string()),
        enabled: Some(true),
    }
}

/// The spec's request example of `update_custom_policy`.
fn policy_update_request() -> types::CustomPolicyUpdateRequest {
    types::CustomPolicyUpdateRequest {
        name: "Read access to Accessories folder".to_string(),
        description: Some(
            "Permit read access to the Accessories folder with external ID asdfjkl12347890."
                .to_string(),
        ),
        policy_statement: READ_STATEMENT.to_string(),
        scope_type: types::PermissionsScopeType::Prodenv,
        scope_id: Some(PRODENV.to_string()),
        enabled: true,
    }
}

/// The spec's request example of `create_role`.
fn role_create_request() -> types::RoleCreateRequest {
    types::RoleCreateRequest {
        id: Some(ROLE.to_string()),
        permission_type: types::PermissionType::Global,
        scope_type: types::PermissionsScopeType::Prodenv,
        name: "Upload manager".to_string(),
        description: Some(
            "Responsible for managing upload presets and uploading new assets.".to_string(),
        ),
        system_policy_ids: strings(&[
            "cld::policy::global::upload_presets::manage",
            "cld::policy::global::folder_and_asset_management::create_asset",
        ]),
    }
}

/// The spec's request example of `update_role`.
fn role_update_request() -> types::RoleUpdateRequest {
    types::RoleUpdateRequest {
        name: "Upload manager".to_string(),
        description: Some("Responsible for managing uploads and uploading new assets.".to_string()),
        system_policy_ids: strings(&[
            "cld::policy::global::upload_presets::manage",
            "cld::policy::global::folder_and_asset_management::create_asset",
        ]),
    }
}

fn folder(id: &str) -> Option<types::PolicyParameters> {
    Some(types::PolicyParameters {
        folder_id: Some(id.to_string()),
        collection_id: None,
    })
}

/// The spec's request example of `update_role_principals`.
fn role_principals_update() -> types::RolePrincipalsUpdateRequest {
    types::RolePrincipalsUpdateRequest {
        operation: types::AssignmentOperation::Add,
        principals: vec![types::RolePrincipalAssignment {
            principal_type: types::PrincipalType::User,
            principal_id: PRINCIPAL.to_string(),
            scope_id: Some(PRODENV.to_string()),
            policy_parameters: folder(FOLDER),
        }],
    }
}

/// The spec's request example of `update_principal_roles`.
fn principal_roles_update() -> types::PrincipalRolesUpdateRequest {
    types::PrincipalRolesUpdateRequest {
        operation: types::AssignmentOperation::Add,
        principal: types::Principal {
            type_: types::PrincipalType::User,
            id: PRINCIPAL.to_string(),
        },
        roles: vec![types::RoleAssignment {
            id: CONTENT_ROLE.to_string(),
            scope_id: Some(PRODENV.to_string()),
            policy_parameters: folder(FOLDER),
        }],
    }
}

/// The spec's request example of `inspect_principal_roles_batch`, continuing
/// from `cursor` when one is given.
fn inspect_request(cursor: Option<&str>) -> types::PrincipalRolesInspectRequest {
    let principal = |type_, id: &str| types::Principal {
        type_,
        id: id.to_string(),
    };
    types::PrincipalRolesInspectRequest {
        scope_type: types::PermissionsScopeType::Prodenv,
        scope_id: Some(PRODENV.to_string()),
        principals: vec![
            principal(types::PrincipalType::User, PRINCIPAL),
            principal(types::PrincipalType::User, "4567xyz"),
            principal(types::PrincipalType::ApiKey, "a382ltieo893jhioqpg8urp"),
        ],
        policy_parameters: folder(FOLDER),
        cursor: cursor.map(str::to_string),
    }
}

/// The same request as the JSON the spec's example shows.
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

/// Answers `status` with `body` through the operation's typed helper for that
/// status; the list is the statuses the operation documents.
macro_rules! answer {
    ($then:expr, $status:expr, $body:expr, {$($code:literal => $helper:ident),+ $(,)?}) => {
        match $status {
            $($code => {
                $then.$helper($body);
            })+
            other => panic!("no typed helper for status {other}"),
        }
    };
}

/// Mocks `op` for the test ids, answering `status` with `body` (for the
/// table-driven error test; the per-status tests use the named helpers).
fn mock_error<'a>(
    server: &'a MockServer,
    op: &str,
    status: u16,
    body: &types::PermissionsError,
) -> Mock<'a> {
    match op {
        "get_permissions_catalog" => server.get_permissions_catalog(|when, then| {
            expect_public(when.into_inner());
            answer!(then, status, body, {400 => bad_request});
        }),
        "validate_cedar_policy" => server.validate_cedar_policy(|when, then| {
            expect_public(when.into_inner());
            answer!(then, status, body, {400 => bad_request});
        }),
        "get_cedar_schema" => server.get_cedar_schema(|when, then| {
            expect_public(when.into_inner());
            answer!(then, status, body, {400 => bad_request});
        }),
        "list_system_policies" => server.list_system_policies(|when, then| {
            when.account_id(ACCOUNT);
            answer!(then, status, body, {
                401 => unauthorized, 403 => forbidden, 500 => internal_server_error,
            });
        }),
        "list_custom_policies" => server.list_custom_policies(|when, then| {
            when.account_id(ACCOUNT);
            answer!(then, status, body, {
                401 => unauthorized, 403 => forbidden, 500 => internal_server_error,
            });
        }),
        "create_custom_policy" => server.create_custom_policy(|when, then| {
            when.account_id(ACCOUNT);
            answer!(then, status, body, {
                400 => bad_request, 401 => unauthorized, 403 => forbidden,
                409 => conflict, 500 => internal_server_error,
            });
        }),
        "get_custom_policy" => server.get_custom_policy(|when, then| {
            when.account_id(ACCOUNT).policy_id(POLICY);
            answer!(then, status, body, {
                401 => unauthorized, 403 => forbidden, 404 => not_found,
            });
        }),
        "update_custom_policy" => server.update_custom_policy(|when, then| {
            when.account_id(ACCOUNT).policy_id(POLICY);
            answer!(then, status, body, {
                400 => bad_request, 401 => unauthorized, 403 => forbidden,
                404 => not_found, 409 => conflict, 500 => internal_server_error,
            });
        }),
        "delete_custom_policy" => server.delete_custom_policy(|when, then| {
            when.account_id(ACCOUNT).policy_id(POLICY);
            answer!(then, status, body, {
                401 => unauthorized, 403 => forbidden, 404 => not_found,
            });
        }),
        "list_effective_policies" => server.list_effective_policies(|when, then| {
            when.account_id(ACCOUNT);
            answer!(then, status, body, {
                400 => bad_request, 401 => unauthorized, 403 => forbidden,
                404 => not_found, 500 => internal_server_error,
            });
        }),
        "list_roles" => server.list_roles(|when, then| {
            when.account_id(ACCOUNT);
            answer!(then, status, body, {
                401 => unauthorized, 403 => forbidden, 500 => internal_server_error,
            });
        }),
        "create_role" => server.create_role(|when, then| {
            when.account_id(ACCOUNT);
            answer!(then, status, body, {
                400 => bad_request, 401 => unauthorized, 403 => forbidden,
                409 => conflict, 500 => internal_server_error,
            });
        }),
        "get_role" => server.get_role(|when, then| {
            when.account_id(ACCOUNT).role_id(ROLE);
            answer!(then, status, body, {
                401 => unauthorized, 403 => forbidden, 404 => not_found,
            });
        }),
        "update_role" => server.update_role(|when, then| {
            when.account_id(ACCOUNT).role_id(ROLE);
            answer!(then, status, body, {
                400 => bad_request, 401 => unauthorized, 403 => forbidden,
                404 => not_found, 409 => conflict, 500 => internal_server_error,
            });
        }),
        "delete_role" => server.delete_role(|when, then| {
            when.account_id(ACCOUNT).role_id(ROLE);
            answer!(then, status, body, {
                401 => unauthorized, 403 => forbidden, 404 => not_found,
            });
        }),
        "list_principal_roles" => server.list_principal_roles(|when, then| {
            when.account_id(ACCOUNT);
            answer!(then, status, body, {
                400 => bad_request, 401 => unauthorized, 404 => not_found,
                500 => internal_server_error,
            });
        }),
        "update_principal_roles" => server.update_principal_roles(|when, then| {
            when.account_id(ACCOUNT);
            answer!(then, status, body, {
                400 => bad_request, 401 => unauthorized, 403 => forbidden, 404 => not_found,
            });
        }),
        "inspect_principal_roles" => server.inspect_principal_roles(|when, then| {
            when.account_id(ACCOUNT);
            answer!(then, status, body, {
                400 => bad_request, 401 => unauthorized, 404 => not_found,
                500 => internal_server_error,
            });
        }),
        "inspect_principal_roles_batch" => server.inspect_principal_roles_batch(|when, then| {
            when.account_id(ACCOUNT);
            answer!(then, status, body, {
                400 => bad_request, 401 => unauthorized, 404 => not_found,
                500 => internal_server_error,
            });
        }),
        "list_role_principals" => server.list_role_principals(|when, then| {
            when.account_id(ACCOUNT).role_id(ROLE);
            answer!(then, status, body, {
                401 => unauthorized, 403 => forbidden, 404 => not_found,
            });
        }),
        "update_role_principals" => server.update_role_principals(|when, then| {
            when.account_id(ACCOUNT).role_id(ROLE);
            answer!(then, status, body, {
                400 => bad_request, 401 => unauthorized, 403 => forbidden, 404 => not_found,
            });
        }),
        other => panic!("no mock for operation {other}: add it to mock_error"),
    }
}

/// Calls `op` with the test ids and every required parameter; the success
/// value is dropped.
async fn call(
    client: &Client,
    op: &str,
) -> Result<ResponseValue<()>, Error<types::PermissionsError>> {
    fn unit<T>(rv: ResponseValue<T>) -> ResponseValue<()> {
        ResponseValue::new((), rv.status(), rv.headers().clone())
    }
    use types::{PermissionType, PermissionsScopeType, PrincipalType};
    match op {
        "get_permissions_catalog" => client.get_permissions_catalog().send().await.map(unit),
        "validate_cedar_policy" => client
            .validate_cedar_policy()
            .body(validation_request())
            .send()
            .await
            .map(unit),
        "get_cedar_schema" => client.get_cedar_schema().send().await.map(unit),
        "list_system_policies" => client
            .list_system_policies()
            .account_id(ACCOUNT)
            .send()
            .await
            .map(unit),
        "list_custom_policies" => client
            .list_custom_policies()
            .account_id(ACCOUNT)
            .send()
            .await
            .map(unit),
        "create_custom_policy" => client
            .create_custom_policy()
            .account_id(ACCOUNT)
            .body(policy_create_request())
            .send()
            .await
            .map(unit),
        "get_custom_policy" => client
            .get_custom_policy()
            .account_id(ACCOUNT)
            .policy_id(POLICY)
            .send()
            .await
            .map(unit),
        "update_custom_policy" => client
            .update_custom_policy()
            .account_id(ACCOUNT)
            .policy_id(POLICY)
            .body(policy_update_request())
            .send()
            .await
            .map(unit),
        "delete_custom_policy" => {
            client
                .delete_custom_policy()
                .account_id(ACCOUNT)
                .policy_id(POLICY)
                .send()
                .await
        }
        "list_effective_policies" => client
            .list_effective_policies()
            .account_id(ACCOUNT)
            .send()
            .await
            .map(unit),
        "list_roles" => client
            .list_roles()
            .account_id(ACCOUNT)
            .permission_type(PermissionType::Global)
            .send()
            .await
            .map(unit),
        "create_role" => client
            .create_role()
            .account_id(ACCOUNT)
            .body(role_create_request())
            .send()
            .await
            .map(unit),
        "get_role" => client
            .get_role()
            .account_id(ACCOUNT)
            .role_id(ROLE)
            .send()
            .await
            .map(unit),
        "update_role" => client
            .update_role()
            .account_id(ACCOUNT)
            .role_id(ROLE)
            .body(role_update_request())
            .send()
            .await
            .map(unit),
        "delete_role" => {
            client
                .delete_role()
                .account_id(ACCOUNT)
                .role_id(ROLE)
                .send()
                .await
        }
        "list_principal_roles" => client
            .list_principal_roles()
            .account_id(ACCOUNT)
            .principal_type(PrincipalType::User)
            .principal_id(PRINCIPAL)
            .permission_type(PermissionType::Global)
            .send()
            .await
            .map(unit),
        "update_principal_roles" => {
            client
                .update_principal_roles()
                .account_id(ACCOUNT)
                .body(principal_roles_update())
                .send()
                .await
        }
        "inspect_principal_roles" => client
            .inspect_principal_roles()
            .account_id(ACCOUNT)
            .scope_type(PermissionsScopeType::Prodenv)
            .send()
            .await
            .map(unit),
        "inspect_principal_roles_batch" => client
            .inspect_principal_roles_batch()
            .account_id(ACCOUNT)
            .body(inspect_request(None))
            .send()
            .await
            .map(unit),
        "list_role_principals" => client
            .list_role_principals()
            .account_id(ACCOUNT)
            .role_id(ROLE)
            .send()
            .await
            .map(unit),
        "update_role_principals" => {
            client
                .update_role_principals()
                .account_id(ACCOUNT)
                .role_id(ROLE)
                .body(role_principals_update())
                .send()
                .await
        }
        other => panic!("no call for operation {other}: add it to call"),
    }
}

/// The operations this file covers, in the spec's order: every operation
/// whose path starts with `/v2/accounts/`, so a new one cannot go untested
/// silently.
const TESTED_OPERATIONS: [&str; 21] = [
    "get_permissions_catalog",
    "validate_cedar_policy",
    "get_cedar_schema",
    "list_system_policies",
    "list_custom_policies",
    "create_custom_policy",
    "get_custom_policy",
    "update_custom_policy",
    "delete_custom_policy",
    "list_effective_policies",
    "list_roles",
    "create_role",
    "get_role",
    "update_role",
    "delete_role",
    "list_principal_roles",
    "update_principal_roles",
    "inspect_principal_roles",
    "inspect_principal_roles_batch",
    "list_role_principals",
    "update_role_principals",
];

/// The error statuses each operation documents, copied from the spec's
/// `responses`; the table test checks the generated examples agree.
const DOCUMENTED_ERRORS: [(&str, &[u16]); 21] = [
    ("get_permissions_catalog", &[400]),
    ("validate_cedar_policy", &[400]),
    ("get_cedar_schema", &[400]),
    ("list_system_policies", &[401, 403, 500]),
    ("list_custom_policies", &[401, 403, 500]),
    ("create_custom_policy", &[400, 401, 403, 409, 500]),
    ("get_custom_policy", &[401, 403, 404]),
    ("update_custom_policy", &[400, 401, 403, 404, 409, 500]),
    ("delete_custom_policy", &[401, 403, 404]),
    ("list_effective_policies", &[400, 401, 403, 404, 500]),
    ("list_roles", &[401, 403, 500]),
    ("create_role", &[400, 401, 403, 409, 500]),
    ("get_role", &[401, 403, 404]),
    ("update_role", &[400, 401, 403, 404, 409, 500]),
    ("delete_role", &[401, 403, 404]),
    ("list_principal_roles", &[400, 401, 404, 500]),
    ("update_principal_roles", &[400, 401, 403, 404]),
    ("inspect_principal_roles", &[400, 401, 404, 500]),
    ("inspect_principal_roles_batch", &[400, 401, 404, 500]),
    ("list_role_principals", &[401, 403, 404]),
    ("update_role_principals", &[400, 401, 403, 404]),
];

#[test]
fn every_permissions_operation_of_the_spec_is_tested_here() {
    let spec: Vec<&str> = examples::OPERATIONS
        .iter()
        .filter(|(_, _, path)| path.starts_with("/v2/accounts/"))
        .map(|(id, _, _)| *id)
        .collect();
    assert_eq!(spec, TESTED_OPERATIONS);
    let documented: Vec<&str> = DOCUMENTED_ERRORS.iter().map(|(op, _)| *op).collect();
    assert_eq!(documented, TESTED_OPERATIONS);
}

#[test]
fn the_public_operations_are_exactly_the_three_without_an_account() {
    assert_eq!(spec::PUBLIC_OPERATIONS, PUBLIC);
    for (op, _, path) in examples::OPERATIONS
        .iter()
        .filter(|(_, _, path)| path.starts_with("/v2/accounts/"))
    {
        if PUBLIC.contains(op) {
            assert!(
                path.starts_with("/v2/accounts/permissions/public/"),
                "{op}: {path}"
            );
            assert!(!path.contains("{account_id}"), "{op}: {path}");
        } else {
            assert!(
                path.starts_with("/v2/accounts/{account_id}/permissions/"),
                "{op}: {path}"
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Public operations: no account id, no credentials
// ---------------------------------------------------------------------------

#[tokio::test]
async fn get_permissions_catalog_sends_no_credentials_and_decodes_the_catalog() {
    let server = MockServer::start_async().await;
    let body: types::PermissionsCatalogResponse = example("get_permissions_catalog", 200);
    let mock = server.get_permissions_catalog(|when, then| {
        without_body(expect_public(when.into_inner()))
            .path("/v2/accounts/permissions/public/catalog")
            .path_excludes(ACCOUNT);
        then.ok(&body);
    });

    let catalog = client(&server)
        .get_permissions_catalog()
        .send()
        .await
        .expect("get_permissions_catalog")
        .into_inner()
        .catalog;

    mock.assert_async().await;
    let policies: Vec<&str> = catalog
        .system_policies
        .iter()
        .map(|p| p.id.as_str())
        .collect();
    assert_eq!(
        policies,
        [
            "cld::policy::global::ml::access",
            "cld::policy::content::folder::view_download"
        ]
    );
    let ml = &catalog.system_policies[0];
    assert_eq!(ml.name, "Access the Media Library");
    assert_eq!(
        ml.description.as_deref(),
        Some("Access the Media Library within the Console.")
    );
    assert_eq!(ml.category.as_deref(), Some("Management"));
    assert_eq!(ml.sub_category.as_deref(), Some("General operations"));
    assert_eq!(ml.permission_type.as_deref(), Some("global"));
    assert_eq!(ml.scope_type, Some(types::PermissionsScopeType::Prodenv));
    assert_eq!(
        ml.policy.as_deref(),
        Some(
            r#"permit(principal, action, resource == Cloudinary::Feature::"cld::global::ml::access");"#
        )
    );
    let view = &catalog.system_policies[1];
    assert_eq!(view.name, "View assets");
    assert_eq!(view.permission_type.as_deref(), Some("content"));
    assert!(view.policy.as_deref().unwrap().contains("<folder_id>"));
    assert_eq!(catalog.system_roles.len(), 2);
    let admin = &catalog.system_roles[0];
    assert_eq!(admin.id, "cld::role::prodenv::master_admin");
    assert_eq!(admin.name, "Master Admin");
    assert_eq!(admin.permission_type.as_deref(), Some("global"));
    assert_eq!(admin.scope_type, Some(types::PermissionsScopeType::Prodenv));
    assert_eq!(
        admin.system_policy_ids,
        [
            "cld::policy::global::ml::access",
            "cld::policy::global::folder_and_asset_management::view",
            "cld::policy::global::api_keys::manage"
        ]
    );
    let viewer = &catalog.system_roles[1];
    assert_eq!(viewer.id, "cld::role::folder::viewer");
    assert_eq!(viewer.permission_type.as_deref(), Some("content"));
    assert_eq!(
        viewer.system_policy_ids,
        [
            "cld::policy::content::folder::view_download",
            "cld::policy::content::folder::download_public_assets"
        ]
    );
    assert_round_trips(
        &types::PermissionsCatalogResponse { catalog },
        "get_permissions_catalog",
        200,
    );
}

#[tokio::test]
async fn validate_cedar_policy_sends_the_statement_without_credentials_and_decodes_the_reasons() {
    let server = MockServer::start_async().await;
    let body: types::CedarPolicyValidation = example("validate_cedar_policy", 200);
    let mock = server.validate_cedar_policy(|when, then| {
        with_json_body(
            expect_public(when.into_inner()),
            json!({"policy": INVALID_STATEMENT}),
        )
        .path("/v2/accounts/permissions/public/validate")
        .path_excludes(ACCOUNT);
        then.ok(&body);
    });

    let outcome = client(&server)
        .validate_cedar_policy()
        .body(validation_request())
        .send()
        .await
        .expect("validate_cedar_policy")
        .into_inner();

    mock.assert_async().await;
    assert!(!outcome.valid);
    assert_eq!(outcome.errors.len(), 1);
    assert_eq!(outcome.errors[0].cedar_message, "invalid_principal");
    assert_eq!(
        outcome.errors[0].cedar_code.as_deref(),
        Some("ACCOUNTS_00002")
    );
    assert_round_trips(&outcome, "validate_cedar_policy", 200);
}

#[tokio::test]
async fn validate_cedar_policy_decodes_a_valid_verdict_without_errors() {
    let server = MockServer::start_async().await;
    // Not a spec example: the answer for a valid statement, without `errors`.
    let valid = json!({"valid": true});
    let body: types::CedarPolicyValidation = serde_json::from_value(valid.clone()).unwrap();
    let mock = server.validate_cedar_policy(|when, then| {
        with_json_body(
            expect_public(when.into_inner()),
            json!({"policy": READ_STATEMENT}),
        )
        .path("/v2/accounts/permissions/public/validate");
        then.ok(&body);
    });

    let outcome = client(&server)
        .validate_cedar_policy()
        .body_map(|b| b.policy(READ_STATEMENT))
        .send()
        .await
        .expect("validate_cedar_policy")
        .into_inner();

    mock.assert_async().await;
    assert!(outcome.valid);
    assert!(outcome.errors.is_empty());
    assert_eq!(serde_json::to_value(&outcome).unwrap(), valid);
}

#[tokio::test]
async fn get_cedar_schema_sends_no_credentials_and_keeps_the_schema_as_json() {
    let server = MockServer::start_async().await;
    let body: types::CedarSchemaResponse = example("get_cedar_schema", 200);
    let mock = server.get_cedar_schema(|when, then| {
        without_body(expect_public(when.into_inner()))
            .path("/v2/accounts/permissions/public/schema")
            .path_excludes(ACCOUNT);
        then.ok(&body);
    });

    let schema = client(&server)
        .get_cedar_schema()
        .send()
        .await
        .expect("get_cedar_schema")
        .into_inner();

    mock.assert_async().await;
    let namespaces: Vec<&str> = schema.schema.keys().map(String::as_str).collect();
    assert_eq!(namespaces, ["Cloudinary", "MediaFlows"]);
    let cloudinary = &schema.schema["Cloudinary"];
    assert_eq!(
        cloudinary["actions"]["read"]["appliesTo"]["principalTypes"],
        json!(["APIKey", "User", "Group"])
    );
    assert_eq!(
        cloudinary["actions"]["move"]["appliesTo"]["context"]["attributes"]["direction"],
        json!({"type": "String", "required": false})
    );
    assert_eq!(
        cloudinary["entityTypes"]["Folder"]["shape"]["attributes"]["ancestor_ids"]["element"],
        json!({"type": "String"})
    );
    assert_eq!(
        schema.schema["MediaFlows"]["entityTypes"],
        json!({"EasyFlow": {}, "PowerFlow": {}, "LogEntry": {}})
    );
    assert_round_trips(&schema, "get_cedar_schema", 200);
}

#[tokio::test]
async fn the_public_operations_send_nothing_of_the_key_or_secret() {
    let server = MockServer::start_async().await;
    // Everything the server saw, headers included.
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let record = |seen: Arc<Mutex<Vec<String>>>| {
        move |req: &httpmock::HttpMockRequest| {
            let mut text = format!("{} {}\n", req.method_str(), req.uri_str());
            for (name, value) in req.headers_vec() {
                text.push_str(&format!("{name}: {value}\n"));
            }
            text.push_str(&req.body_string());
            seen.lock().unwrap().push(text);
            true
        }
    };
    let catalog: types::PermissionsCatalogResponse = example("get_permissions_catalog", 200);
    let validation: types::CedarPolicyValidation = example("validate_cedar_policy", 200);
    let schema: types::CedarSchemaResponse = example("get_cedar_schema", 200);
    let mocks = [
        server.get_permissions_catalog(|when, then| {
            when.into_inner().is_true(record(seen.clone()));
            then.ok(&catalog);
        }),
        server.validate_cedar_policy(|when, then| {
            when.into_inner().is_true(record(seen.clone()));
            then.ok(&validation);
        }),
        server.get_cedar_schema(|when, then| {
            when.into_inner().is_true(record(seen.clone()));
            then.ok(&schema);
        }),
    ];
    let client = client(&server);

    client
        .get_permissions_catalog()
        .send()
        .await
        .expect("catalog");
    client
        .validate_cedar_policy()
        .body(validation_request())
        .send()
        .await
        .expect("validate");
    client.get_cedar_schema().send().await.expect("schema");

    for mock in &mocks {
        mock.assert_async().await;
    }
    let seen = seen.lock().unwrap();
    assert!(seen.len() >= 3, "the matchers saw {} requests", seen.len());
    let encoded = AUTHORIZATION.trim_start_matches("Basic ");
    for text in seen.iter() {
        let lower = text.to_ascii_lowercase();
        assert!(
            !lower.contains("authorization"),
            "credentials sent:\n{text}"
        );
        assert!(!text.contains(KEY), "key sent:\n{text}");
        assert!(!text.contains(SECRET), "secret sent:\n{text}");
        assert!(!text.contains(encoded), "encoded pair sent:\n{text}");
        assert!(!text.contains(ACCOUNT), "account id sent:\n{text}");
    }
}

// ---------------------------------------------------------------------------
// System, custom and effective policies
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_system_policies_sends_both_filters_and_decodes_every_policy() {
    let server = MockServer::start_async().await;
    let body: types::SystemPolicyList = example("list_system_policies", 200);
    let mock = server.list_system_policies(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .permission_type(types::PermissionType::Content)
            .scope_type(types::PermissionsScopeType::Prodenv)
            .into_inner();
        expect_raw_query(
            expect_no_body(when, 2),
            "permission_type=content&scope_type=prodenv",
        )
        .path(format!(
            "/v2/accounts/{ACCOUNT}/permissions/policies/system"
        ));
        then.ok(&body);
    });

    let list = client(&server)
        .list_system_policies()
        .account_id(ACCOUNT)
        .permission_type(types::PermissionType::Content)
        .scope_type(types::PermissionsScopeType::Prodenv)
        .send()
        .await
        .expect("list_system_policies")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(list.data.len(), 2);
    assert_eq!(list.next_cursor, None);
    let moderate = &list.data[0];
    assert_eq!(moderate.id, "cld::policy::global::assets::moderate");
    assert_eq!(moderate.name, "Moderate all assets");
    assert_eq!(
        moderate.scope_type,
        Some(types::PermissionsScopeType::Prodenv)
    );
    assert_eq!(moderate.permission_type.as_deref(), Some("global"));
    assert_eq!(moderate.category.as_deref(), Some("Management"));
    assert_eq!(moderate.sub_category.as_deref(), Some("Moderation"));
    assert!(moderate.policy_parameters.is_empty());
    assert_eq!(moderate.created_at, Some(1_719_475_216));
    assert_eq!(moderate.updated_at, Some(1_719_475_216));
    let view = &list.data[1];
    assert_eq!(view.id, "cld::policy::content::folder::view_download");
    assert_eq!(view.permission_type.as_deref(), Some("content"));
    assert_eq!(view.policy_parameters, ["folder_id"]);
    assert_eq!(view.sub_category.as_deref(), Some("View and download"));
    assert!(view
        .policy_statement
        .as_deref()
        .unwrap()
        .contains(r#"resource.ancestor_ids.contains("<folder_id>")"#));
    assert_round_trips(&list, "list_system_policies", 200);
}

#[tokio::test]
async fn list_system_policies_without_filters_sends_no_query_parameter() {
    let server = MockServer::start_async().await;
    let body: types::SystemPolicyList = example("list_system_policies", 200);
    let mock = server.list_system_policies(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .permission_type(None)
            .scope_type(None)
            .into_inner();
        expect_no_body(when, 0).path(format!(
            "/v2/accounts/{ACCOUNT}/permissions/policies/system"
        ));
        then.ok(&body);
    });

    let list = client(&server)
        .list_system_policies()
        .account_id(ACCOUNT)
        .send()
        .await
        .expect("list_system_policies")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(list, body);
}

#[tokio::test]
async fn list_custom_policies_sends_the_scope_and_filter_and_decodes_the_page() {
    let server = MockServer::start_async().await;
    let body: types::CustomPolicyList = example("list_custom_policies", 200);
    let mock = server.list_custom_policies(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .scope_type(types::PermissionsScopeType::Prodenv)
            .scope_id(PRODENV)
            .enabled(false)
            .cursor(None)
            .into_inner();
        expect_raw_query(
            expect_no_body(when, 3),
            "enabled=false&scope_id=975l29lz02jt0836fhwi&scope_type=prodenv",
        )
        .path(format!(
            "/v2/accounts/{ACCOUNT}/permissions/policies/custom"
        ));
        then.ok(&body);
    });

    let page = client(&server)
        .list_custom_policies()
        .account_id(ACCOUNT)
        .scope_type(types::PermissionsScopeType::Prodenv)
        .scope_id(PRODENV)
        .enabled(false)
        .send()
        .await
        .expect("list_custom_policies")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.next_cursor.as_deref(), Some("8e4f1c2a9b7d4e6f"));
    let ids: Vec<&str> = page.data.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, [POLICY, "13890asdhjfqyewiurzbxn273"]);
    let read = &page.data[0];
    assert_eq!(read.name, "Read access to Clothing folder");
    assert_eq!(read.policy_statement.as_deref(), Some(READ_STATEMENT));
    assert_eq!(read.scope_type, Some(types::PermissionsScopeType::Prodenv));
    assert_eq!(read.scope_id.as_deref(), Some(PRODENV));
    assert_eq!(read.enabled, Some(true));
    assert_eq!(read.created_at, Some(1_719_475_216));
    let update = &page.data[1];
    assert_eq!(update.name, "Update access to Clothing folder");
    assert!(update
        .policy_statement
        .as_deref()
        .unwrap()
        .contains(r#"Cloudinary::Action::"update""#));
    assert_round_trips(&page, "list_custom_policies", 200);
}

#[tokio::test]
async fn list_custom_policies_sends_the_cursor_back_until_the_last_page() {
    let server = MockServer::start_async().await;
    let first: types::CustomPolicyList = example("list_custom_policies", 200);
    let next = first
        .next_cursor
        .clone()
        .expect("the example has a next_cursor");
    assert_eq!(next, "8e4f1c2a9b7d4e6f");
    // Not a spec example: the last page, without next_cursor.
    let last_json = json!({"data": [{"id": "x7k2m9p4q1r8s5t3", "name": "Last policy"}]});
    let last: types::CustomPolicyList = serde_json::from_value(last_json.clone()).unwrap();
    let path = format!("/v2/accounts/{ACCOUNT}/permissions/policies/custom");
    let first_page = server.list_custom_policies(|when, then| {
        let when = when.account_id(ACCOUNT).cursor(None).into_inner();
        expect_no_body(when, 0).path(path.clone());
        then.ok(&first);
    });
    let last_page = server.list_custom_policies(|when, then| {
        let when = when.account_id(ACCOUNT).cursor(next.as_str()).into_inner();
        expect_raw_query(expect_no_body(when, 1), "cursor=8e4f1c2a9b7d4e6f").path(path.clone());
        then.ok(&last);
    });
    let client = client(&server);

    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut request = client.list_custom_policies().account_id(ACCOUNT);
        if let Some(cursor) = &cursor {
            request = request.cursor(cursor.clone());
        }
        let page = request
            .send()
            .await
            .expect("list_custom_policies")
            .into_inner();
        pages += 1;
        ids.extend(page.data.into_iter().map(|p| p.id));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
        assert!(pages < 5, "the client keeps paging");
    }

    first_page.assert_async().await;
    last_page.assert_async().await;
    assert_eq!(pages, 2);
    assert_eq!(
        ids,
        [POLICY, "13890asdhjfqyewiurzbxn273", "x7k2m9p4q1r8s5t3"]
    );
    assert_eq!(serde_json::to_value(&last).unwrap(), last_json);
}

#[tokio::test]
async fn create_custom_policy_sends_the_spec_example_and_decodes_the_created_policy() {
    let server = MockServer::start_async().await;
    let body: types::CustomPolicyResponse = example("create_custom_policy", 201);
    let mock = server.create_custom_policy(|when, then| {
        let when = when.account_id(ACCOUNT).into_inner();
        expect_json_body(
            when,
            json!({
                "name": "Read access to Clothing folder",
                "description": "Permit read access to the Clothing folder with external ID asdfjkl12347890.",
                "policy_statement": READ_STATEMENT,
                "scope_type": "prodenv",
                "scope_id": PRODENV,
                "enabled": true
            }),
        )
        .path(format!("/v2/accounts/{ACCOUNT}/permissions/policies/custom"));
        then.created(&body);
    });

    let response = client(&server)
        .create_custom_policy()
        .account_id(ACCOUNT)
        .body(policy_create_request())
        .send()
        .await
        .expect("create_custom_policy");

    mock.assert_async().await;
    assert_eq!(response.status().as_u16(), 201);
    let created = response.into_inner();
    let policy = &created.data;
    assert_eq!(policy.id, POLICY);
    assert_eq!(policy.name, "Read access to Clothing folder");
    assert_eq!(policy.policy_statement.as_deref(), Some(READ_STATEMENT));
    assert_eq!(policy.scope_id.as_deref(), Some(PRODENV));
    assert_eq!(policy.enabled, Some(true));
    assert_eq!(policy.updated_at, Some(1_719_475_216));
    assert_round_trips(&created, "create_custom_policy", 201);
}

#[tokio::test]
async fn create_custom_policy_leaves_unset_optional_fields_out_of_the_body() {
    let server = MockServer::start_async().await;
    let body: types::CustomPolicyResponse = example("create_custom_policy", 201);
    let mock = server.create_custom_policy(|when, then| {
        let when = when.account_id(ACCOUNT).into_inner();
        expect_json_body(
            when,
            json!({
                "name": "Account policy",
                "policy_statement": READ_STATEMENT,
                "scope_type": "account"
            }),
        )
        .path(format!(
            "/v2/accounts/{ACCOUNT}/permissions/policies/custom"
        ));
        then.created(&body);
    });

    client(&server)
        .create_custom_policy()
        .account_id(ACCOUNT)
        .body_map(|b| {
            b.name("Account policy")
                .policy_statement(READ_STATEMENT)
                .scope_type(types::PermissionsScopeType::Account)
        })
        .send()
        .await
        .expect("create_custom_policy");

    mock.assert_async().await;
}

#[tokio::test]
async fn get_custom_policy_decodes_the_policy() {
    let server = MockServer::start_async().await;
    let body: types::CustomPolicyResponse = example("get_custom_policy", 200);
    let mock = server.get_custom_policy(|when, then| {
        let when = when.account_id(ACCOUNT).policy_id(POLICY).into_inner();
        expect_no_body(when, 0).path(format!(
            "/v2/accounts/{ACCOUNT}/permissions/policies/custom/{POLICY}"
        ));
        then.ok(&body);
    });

    let policy = client(&server)
        .get_custom_policy()
        .account_id(ACCOUNT)
        .policy_id(POLICY)
        .send()
        .await
        .expect("get_custom_policy")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(policy.data.id, POLICY);
    assert_eq!(policy.data.name, "Read access to Clothing folder");
    assert_eq!(
        policy.data.description.as_deref(),
        Some("Permit read access to the Clothing folder with external ID asdfjkl12347890.")
    );
    assert_eq!(
        policy.data.policy_statement.as_deref(),
        Some(READ_STATEMENT)
    );
    assert_eq!(
        policy.data.scope_type,
        Some(types::PermissionsScopeType::Prodenv)
    );
    assert_eq!(policy.data.enabled, Some(true));
    assert_round_trips(&policy, "get_custom_policy", 200);
}

#[tokio::test]
async fn update_custom_policy_sends_the_whole_policy_and_decodes_the_result() {
    let server = MockServer::start_async().await;
    let body: types::CustomPolicyResponse = example("update_custom_policy", 200);
    let mock = server.update_custom_policy(|when, then| {
        let when = when.account_id(ACCOUNT).policy_id(POLICY).into_inner();
        expect_json_body(
            when,
            json!({
                "name": "Read access to Accessories folder",
                "description": "Permit read access to the Accessories folder with external ID asdfjkl12347890.",
                "policy_statement": READ_STATEMENT,
                "scope_type": "prodenv",
                "scope_id": PRODENV,
                "enabled": true
            }),
        )
        .path(format!(
            "/v2/accounts/{ACCOUNT}/permissions/policies/custom/{POLICY}"
        ));
        then.ok(&body);
    });

    let policy = client(&server)
        .update_custom_policy()
        .account_id(ACCOUNT)
        .policy_id(POLICY)
        .body(policy_update_request())
        .send()
        .await
        .expect("update_custom_policy")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(policy.data.id, POLICY);
    assert_eq!(policy.data.name, "Read access to Accessories folder");
    assert_eq!(policy.data.created_at, Some(1_719_475_216));
    assert_eq!(policy.data.updated_at, Some(1_719_478_816));
    assert_round_trips(&policy, "update_custom_policy", 200);
}

#[tokio::test]
async fn update_custom_policy_sends_enabled_false_explicitly() {
    let server = MockServer::start_async().await;
    let body: types::CustomPolicyResponse = example("update_custom_policy", 200);
    let mock = server.update_custom_policy(|when, then| {
        let when = when.account_id(ACCOUNT).policy_id(POLICY).into_inner();
        expect_json_body(
            when,
            json!({
                "name": "Disabled",
                "policy_statement": READ_STATEMENT,
                "scope_type": "account",
                "enabled": false
            }),
        )
        .path(format!(
            "/v2/accounts/{ACCOUNT}/permissions/policies/custom/{POLICY}"
        ));
        then.ok(&body);
    });

    client(&server)
        .update_custom_policy()
        .account_id(ACCOUNT)
        .policy_id(POLICY)
        .body(types::CustomPolicyUpdateRequest {
            name: "Disabled".to_string(),
            description: None,
            policy_statement: READ_STATEMENT.to_string(),
            scope_type: types::PermissionsScopeType::Account,
            scope_id: None,
            enabled: false,
        })
        .send()
        .await
        .expect("update_custom_policy");

    mock.assert_async().await;
}

#[tokio::test]
async fn delete_custom_policy_answers_204_and_decodes_nothing() {
    assert_eq!(examples::example("delete_custom_policy", 204), None);
    let server = MockServer::start_async().await;
    let mock = server.delete_custom_policy(|when, then| {
        let when = when.account_id(ACCOUNT).policy_id(POLICY).into_inner();
        expect_no_body(when, 0).path(format!(
            "/v2/accounts/{ACCOUNT}/permissions/policies/custom/{POLICY}"
        ));
        then.no_content();
    });

    let response = client(&server)
        .delete_custom_policy()
        .account_id(ACCOUNT)
        .policy_id(POLICY)
        .send()
        .await
        .expect("delete_custom_policy");

    mock.assert_async().await;
    assert_eq!(response.status().as_u16(), 204);
    let () = response.into_inner();
}

#[tokio::test]
async fn list_effective_policies_for_one_principal_decodes_roles_and_custom_policies() {
    let server = MockServer::start_async().await;
    let body: types::EffectivePolicies = example("list_effective_policies", 200);
    let mock = server.list_effective_policies(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .scope_type(types::PermissionsScopeType::Prodenv)
            .scope_id(PRODENV)
            .principal_type(types::PrincipalType::User)
            .principal_id(PRINCIPAL)
            .into_inner();
        expect_raw_query(
            expect_no_body(when, 4),
            "principal_id=1234abc&principal_type=user&scope_id=975l29lz02jt0836fhwi&scope_type=prodenv",
        )
        .path(format!("/v2/accounts/{ACCOUNT}/permissions/policies/effective"));
        then.ok(&body);
    });

    let effective = client(&server)
        .list_effective_policies()
        .account_id(ACCOUNT)
        .scope_type(types::PermissionsScopeType::Prodenv)
        .scope_id(PRODENV)
        .principal_type(types::PrincipalType::User)
        .principal_id(PRINCIPAL)
        .send()
        .await
        .expect("list_effective_policies")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(effective.data.principals.len(), 1);
    let user = &effective.data.principals[0];
    assert_eq!(user.principal_type, "user");
    assert_eq!(user.principal_id, PRINCIPAL);
    let roles: Vec<&str> = user.roles.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(roles, [ROLE, "cld::role::prodenv::reports"]);
    let upload: Vec<&str> = user.roles[0]
        .system_policies
        .iter()
        .map(|p| p.id.as_str())
        .collect();
    assert_eq!(
        upload,
        [
            "cld::policy::global::upload_presets::manage",
            "cld::policy::global::folder_and_asset_management::create_asset"
        ]
    );
    assert_eq!(
        user.roles[1].system_policies[0].policy_statement.as_deref(),
        Some(
            r#"permit(principal == Cloudinary::User::"1234abc", action, resource == Cloudinary::Feature::"cld::global::reports::usage::view");"#
        )
    );
    assert_eq!(effective.data.custom_policies.len(), 1);
    assert_eq!(effective.data.custom_policies[0].id, POLICY);
    assert!(effective.data.custom_policies[0]
        .policy_statement
        .as_deref()
        .unwrap()
        .starts_with(r#"permit(principal == Cloudinary::User::"1234abc""#));
    assert_round_trips(&effective, "list_effective_policies", 200);
}

// ---------------------------------------------------------------------------
// Roles
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_roles_sends_the_content_types_as_json_text_and_decodes_every_role() {
    let server = MockServer::start_async().await;
    let body: types::RoleList = example("list_roles", 200);
    let mock = server.list_roles(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .permission_type(types::PermissionType::Content)
            .management_type(types::RoleManagementType::Custom)
            .scope_type(types::PermissionsScopeType::Prodenv)
            // The decoded value is the JSON text itself…
            .policy_parameters(r#"["folder_id"]"#)
            .into_inner();
        // …and on the wire it is percent-encoded, brackets and quotes included.
        expect_raw_query(
            expect_no_body(when, 4),
            "management_type=custom&permission_type=content&policy_parameters=%5B%22folder_id%22%5D&scope_type=prodenv",
        )
        .path(format!("/v2/accounts/{ACCOUNT}/permissions/roles"));
        then.ok(&body);
    });

    let roles = client(&server)
        .list_roles()
        .account_id(ACCOUNT)
        .permission_type(types::PermissionType::Content)
        .management_type(types::RoleManagementType::Custom)
        .scope_type(types::PermissionsScopeType::Prodenv)
        .policy_parameters(r#"["folder_id"]"#)
        .send()
        .await
        .expect("list_roles")
        .into_inner();

    mock.assert_async().await;
    let ids: Vec<&str> = roles.data.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "cld::role::account::master_admin",
            "custom::role::account::admin_assist",
            CONTENT_ROLE
        ]
    );
    let admin = &roles.data[0];
    assert_eq!(admin.name, "Master Admin");
    assert_eq!(
        admin.management_type,
        Some(types::RoleManagementType::System)
    );
    assert_eq!(admin.permission_type.as_deref(), Some("global"));
    assert_eq!(admin.scope_type, Some(types::PermissionsScopeType::Account));
    assert!(admin.policies.is_empty());
    let assistant = &roles.data[1];
    assert_eq!(
        assistant.management_type,
        Some(types::RoleManagementType::Custom)
    );
    assert_eq!(
        assistant.description.as_deref(),
        Some("View roles, users and groups, and account-level reports.")
    );
    let contributor = &roles.data[2];
    assert_eq!(contributor.permission_type.as_deref(), Some("content"));
    assert_eq!(contributor.policy_parameters, ["folder_id"]);
    assert_eq!(
        contributor.scope_type,
        Some(types::PermissionsScopeType::Prodenv)
    );
    assert_eq!(contributor.created_at, Some(1_719_475_216));
    assert_round_trips(&roles, "list_roles", 200);
}

#[tokio::test]
async fn list_roles_with_two_content_types_encodes_the_comma_too() {
    let server = MockServer::start_async().await;
    let body: types::RoleList = example("list_roles", 200);
    let mock = server.list_roles(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .permission_type(types::PermissionType::Content)
            .management_type(None)
            .scope_type(None)
            .policy_parameters(r#"["folder_id","collection_id"]"#)
            .into_inner();
        expect_raw_query(
            expect_no_body(when, 2),
            "permission_type=content&policy_parameters=%5B%22folder_id%22%2C%22collection_id%22%5D",
        )
        .path(format!("/v2/accounts/{ACCOUNT}/permissions/roles"));
        then.ok(&body);
    });

    client(&server)
        .list_roles()
        .account_id(ACCOUNT)
        .permission_type(types::PermissionType::Content)
        .policy_parameters(r#"["folder_id","collection_id"]"#.to_string())
        .send()
        .await
        .expect("list_roles");

    mock.assert_async().await;
}

#[tokio::test]
async fn create_role_sends_the_spec_example_and_decodes_the_role_with_its_policies() {
    let server = MockServer::start_async().await;
    let body: types::RoleResponse = example("create_role", 201);
    let mock = server.create_role(|when, then| {
        let when = when.account_id(ACCOUNT).into_inner();
        expect_json_body(
            when,
            json!({
                "id": ROLE,
                "permission_type": "global",
                "scope_type": "prodenv",
                "name": "Upload manager",
                "description": "Responsible for managing upload presets and uploading new assets.",
                "system_policy_ids": [
                    "cld::policy::global::upload_presets::manage",
                    "cld::policy::global::folder_and_asset_management::create_asset"
                ]
            }),
        )
        .path(format!("/v2/accounts/{ACCOUNT}/permissions/roles"));
        then.created(&body);
    });

    let response = client(&server)
        .create_role()
        .account_id(ACCOUNT)
        .body(role_create_request())
        .send()
        .await
        .expect("create_role");

    mock.assert_async().await;
    assert_eq!(response.status().as_u16(), 201);
    let created = response.into_inner();
    let role = &created.data;
    assert_eq!(role.id, ROLE);
    assert_eq!(role.name, "Upload manager");
    assert_eq!(
        role.management_type,
        Some(types::RoleManagementType::Custom)
    );
    assert_eq!(role.permission_type.as_deref(), Some("global"));
    assert_eq!(role.scope_type, Some(types::PermissionsScopeType::Prodenv));
    assert!(role.policy_parameters.is_empty());
    assert_eq!(role.policies.len(), 2);
    let presets = &role.policies[0];
    assert_eq!(presets.id, "cld::policy::global::upload_presets::manage");
    assert_eq!(presets.name, "Manage upload settings");
    assert_eq!(presets.category.as_deref(), Some("Settings"));
    assert_eq!(presets.sub_category.as_deref(), Some("Upload Settings"));
    assert_eq!(
        presets.policy_statement.as_deref(),
        Some("permit(principal, action, resource is Cloudinary::UploadPreset);")
    );
    assert_eq!(presets.created_at, Some(1_719_475_215));
    assert_eq!(role.policies[1].name, "Upload assets");
    assert_round_trips(&created, "create_role", 201);
}

#[tokio::test]
async fn create_role_without_id_or_policies_leaves_them_out_of_the_body() {
    let server = MockServer::start_async().await;
    let body: types::RoleResponse = example("create_role", 201);
    let mock = server.create_role(|when, then| {
        let when = when.account_id(ACCOUNT).into_inner();
        expect_json_body(
            when,
            json!({"name": "Viewer", "permission_type": "content", "scope_type": "account"}),
        )
        .path(format!("/v2/accounts/{ACCOUNT}/permissions/roles"));
        then.created(&body);
    });

    client(&server)
        .create_role()
        .account_id(ACCOUNT)
        .body_map(|b| {
            b.name("Viewer")
                .permission_type(types::PermissionType::Content)
                .scope_type(types::PermissionsScopeType::Account)
        })
        .send()
        .await
        .expect("create_role");

    mock.assert_async().await;
}

#[tokio::test]
async fn get_role_for_a_folder_sends_the_instance_and_decodes_the_filled_in_policies() {
    let server = MockServer::start_async().await;
    let body: types::RoleResponse = example("get_role", 200);
    let mock = server.get_role(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .role_id(CONTENT_ROLE)
            .folder_id(None)
            .collection_id(None)
            .asset_id(None)
            .into_inner()
            // Array parameters have no typed matcher.
            .query_param("param_key", "folder_id")
            .query_param("param_value", FOLDER);
        expect_raw_query(
            expect_no_body(when, 2),
            "param_key=folder_id&param_value=asdfjkl12347890",
        )
        .path(format!(
            "/v2/accounts/{ACCOUNT}/permissions/roles/{CONTENT_ROLE}"
        ));
        then.ok(&body);
    });

    let role = client(&server)
        .get_role()
        .account_id(ACCOUNT)
        .role_id(CONTENT_ROLE)
        .param_key(strings(&["folder_id"]))
        .param_value(strings(&[FOLDER]))
        .send()
        .await
        .expect("get_role")
        .into_inner();

    mock.assert_async().await;
    let role_data = &role.data;
    assert_eq!(role_data.id, CONTENT_ROLE);
    assert_eq!(role_data.name, "Marketing content contributor");
    assert_eq!(role_data.permission_type.as_deref(), Some("content"));
    assert_eq!(role_data.policy_parameters, ["folder_id"]);
    assert_eq!(role_data.policies.len(), 1);
    let view = &role_data.policies[0];
    assert_eq!(view.id, "cld::policy::content::folder::view_download");
    assert_eq!(view.policy_parameters, ["folder_id"]);
    // The folder is filled in where the catalog has `<folder_id>`.
    assert_eq!(
        view.policy_statement.as_deref(),
        Some(
            r#"permit(principal, action == Cloudinary::Action::"read", resource is Cloudinary::Asset) when { resource.ancestor_ids.contains("asdfjkl12347890") };"#
        )
    );
    assert_round_trips(&role, "get_role", 200);
}

#[tokio::test]
async fn get_role_puts_a_system_role_id_in_the_path_as_it_is() {
    let server = MockServer::start_async().await;
    let system_role = "cld::role::prodenv::reports";
    let body: types::RoleResponse = example("get_role", 200);
    let mock = server.get_role(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .role_id(system_role)
            .folder_id(FOLDER)
            .into_inner();
        expect_raw_query(expect_no_body(when, 1), "folder_id=asdfjkl12347890").path(format!(
            "/v2/accounts/{ACCOUNT}/permissions/roles/cld::role::prodenv::reports"
        ));
        then.ok(&body);
    });

    client(&server)
        .get_role()
        .account_id(ACCOUNT)
        .role_id(system_role)
        .folder_id(FOLDER)
        .send()
        .await
        .expect("get_role");

    mock.assert_async().await;
}

#[tokio::test]
async fn update_role_sends_the_whole_role_and_decodes_the_result() {
    let server = MockServer::start_async().await;
    let body: types::RoleResponse = example("update_role", 200);
    let mock = server.update_role(|when, then| {
        let when = when.account_id(ACCOUNT).role_id(ROLE).into_inner();
        expect_json_body(
            when,
            json!({
                "name": "Upload manager",
                "description": "Responsible for managing uploads and uploading new assets.",
                "system_policy_ids": [
                    "cld::policy::global::upload_presets::manage",
                    "cld::policy::global::folder_and_asset_management::create_asset"
                ]
            }),
        )
        .path(format!("/v2/accounts/{ACCOUNT}/permissions/roles/{ROLE}"));
        then.ok(&body);
    });

    let role = client(&server)
        .update_role()
        .account_id(ACCOUNT)
        .role_id(ROLE)
        .body(role_update_request())
        .send()
        .await
        .expect("update_role")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(role.data.id, ROLE);
    assert_eq!(
        role.data.description.as_deref(),
        Some("Responsible for managing uploads and uploading new assets.")
    );
    assert_eq!(role.data.updated_at, Some(1_719_478_816));
    let policies: Vec<&str> = role.data.policies.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        policies,
        [
            "cld::policy::global::upload_presets::manage",
            "cld::policy::global::folder_and_asset_management::create_asset"
        ]
    );
    assert_round_trips(&role, "update_role", 200);
}

#[tokio::test]
async fn delete_role_with_force_answers_204_and_decodes_nothing() {
    assert_eq!(examples::example("delete_role", 204), None);
    let server = MockServer::start_async().await;
    let mock = server.delete_role(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .role_id(ROLE)
            .force(true)
            .into_inner();
        expect_raw_query(expect_no_body(when, 1), "force=true")
            .path(format!("/v2/accounts/{ACCOUNT}/permissions/roles/{ROLE}"));
        then.no_content();
    });

    let response = client(&server)
        .delete_role()
        .account_id(ACCOUNT)
        .role_id(ROLE)
        .force(true)
        .send()
        .await
        .expect("delete_role");

    mock.assert_async().await;
    assert_eq!(response.status().as_u16(), 204);
    let () = response.into_inner();
}

#[tokio::test]
async fn delete_role_without_force_sends_no_query_parameter() {
    let server = MockServer::start_async().await;
    let mock = server.delete_role(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .role_id(ROLE)
            .force(None)
            .into_inner();
        expect_no_body(when, 0).path(format!("/v2/accounts/{ACCOUNT}/permissions/roles/{ROLE}"));
        then.no_content();
    });

    let response = client(&server)
        .delete_role()
        .account_id(ACCOUNT)
        .role_id(ROLE)
        .send()
        .await
        .expect("delete_role");

    mock.assert_async().await;
    assert_eq!(response.status().as_u16(), 204);
}

#[tokio::test]
async fn a_delete_answered_with_200_is_not_taken_for_its_204() {
    let server = MockServer::start_async().await;
    let mock = server.delete_role(|when, then| {
        when.account_id(ACCOUNT).role_id(ROLE);
        then.into_inner()
            .status(200)
            .header("content-type", "application/json")
            .json_body(json!({"message": "ok"}));
    });

    let result = client(&server)
        .delete_role()
        .account_id(ACCOUNT)
        .role_id(ROLE)
        .send()
        .await;

    mock.assert_async().await;
    match result {
        Err(Error::UnexpectedResponse(response)) => assert_eq!(response.status().as_u16(), 200),
        other => panic!("expected Error::UnexpectedResponse, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------
// Role assignments
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_role_principals_repeats_the_array_keys_and_decodes_every_assignment() {
    let server = MockServer::start_async().await;
    let body: types::RolePrincipalList = example("list_role_principals", 200);
    let mock = server.list_role_principals(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .role_id(CONTENT_ROLE)
            .scope_type(types::PermissionsScopeType::Prodenv)
            .scope_id(PRODENV)
            .verbose(true)
            .into_inner()
            // One matcher per value: the key is repeated, not joined.
            .query_param("param_key", "folder_id")
            .query_param("param_key", "collection_id")
            .query_param_count("^param_key$", ".*", 2)
            .query_param("param_value", FOLDER)
            .query_param("param_value", COLLECTION)
            .query_param_count("^param_value$", ".*", 2);
        expect_raw_query(
            expect_no_body(when, 7),
            "param_key=folder_id&param_key=collection_id&param_value=asdfjkl12347890&param_value=7d1e6a2f0c5b4e39&scope_id=975l29lz02jt0836fhwi&scope_type=prodenv&verbose=true",
        )
        .path(format!(
            "/v2/accounts/{ACCOUNT}/permissions/roles/{CONTENT_ROLE}/principals"
        ));
        then.ok(&body);
    });

    let principals = client(&server)
        .list_role_principals()
        .account_id(ACCOUNT)
        .role_id(CONTENT_ROLE)
        .scope_type(types::PermissionsScopeType::Prodenv)
        .scope_id(PRODENV)
        .verbose(true)
        .param_key(strings(&["folder_id", "collection_id"]))
        .param_value(strings(&[FOLDER, COLLECTION]))
        .send()
        .await
        .expect("list_role_principals")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(principals.data.len(), 2);
    let user = &principals.data[0];
    assert_eq!(user.id, PRINCIPAL);
    assert_eq!(user.type_, types::PrincipalType::User);
    assert_eq!(user.role_id.as_deref(), Some(CONTENT_ROLE));
    assert_eq!(user.policy_parameters, folder(FOLDER));
    assert_eq!(user.scope_type, Some(types::PermissionsScopeType::Prodenv));
    assert_eq!(user.scope_id.as_deref(), Some(PRODENV));
    assert_eq!(user.created_at, Some(1_719_475_216));
    let key = &principals.data[1];
    assert_eq!(key.id, "akwut728390anvy52sxgti");
    assert_eq!(key.type_, types::PrincipalType::ApiKey);
    assert_round_trips(&principals, "list_role_principals", 200);
}

#[tokio::test]
async fn update_role_principals_sends_the_spec_example_and_reads_no_body() {
    assert_eq!(examples::example("update_role_principals", 200), None);
    let server = MockServer::start_async().await;
    let mock = server.update_role_principals(|when, then| {
        let when = when.account_id(ACCOUNT).role_id(CONTENT_ROLE).into_inner();
        expect_json_body(
            when,
            json!({
                "operation": "add",
                "principals": [{
                    "principal_type": "user",
                    "principal_id": PRINCIPAL,
                    "scope_id": PRODENV,
                    "policy_parameters": {"folder_id": FOLDER}
                }]
            }),
        )
        .path(format!(
            "/v2/accounts/{ACCOUNT}/permissions/roles/{CONTENT_ROLE}/principals"
        ));
        then.ok();
    });

    let response = client(&server)
        .update_role_principals()
        .account_id(ACCOUNT)
        .role_id(CONTENT_ROLE)
        .body(role_principals_update())
        .send()
        .await
        .expect("update_role_principals");

    mock.assert_async().await;
    assert_eq!(response.status().as_u16(), 200);
    let () = response.into_inner();
}

#[tokio::test]
async fn update_role_principals_removes_with_the_remove_operation() {
    let server = MockServer::start_async().await;
    let mock = server.update_role_principals(|when, then| {
        let when = when.account_id(ACCOUNT).role_id(ROLE).into_inner();
        expect_json_body(
            when,
            json!({
                "operation": "remove",
                "principals": [{"principal_type": "apiKey", "principal_id": "akwut728390anvy52sxgti"}]
            }),
        )
        .path(format!("/v2/accounts/{ACCOUNT}/permissions/roles/{ROLE}/principals"));
        then.ok();
    });

    client(&server)
        .update_role_principals()
        .account_id(ACCOUNT)
        .role_id(ROLE)
        .body(types::RolePrincipalsUpdateRequest {
            operation: types::AssignmentOperation::Remove,
            principals: vec![types::RolePrincipalAssignment {
                principal_type: types::PrincipalType::ApiKey,
                principal_id: "akwut728390anvy52sxgti".to_string(),
                scope_id: None,
                policy_parameters: None,
            }],
        })
        .send()
        .await
        .expect("update_role_principals");

    mock.assert_async().await;
}

#[tokio::test]
async fn list_principal_roles_sends_the_required_principal_and_decodes_its_roles() {
    let server = MockServer::start_async().await;
    let body: types::PrincipalRoleList = example("list_principal_roles", 200);
    let mock = server.list_principal_roles(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .principal_type(types::PrincipalType::User)
            .principal_id(PRINCIPAL)
            .permission_type(types::PermissionType::Global)
            .management_type(None)
            .scope_type(types::PermissionsScopeType::Prodenv)
            .scope_id(PRODENV)
            .into_inner();
        expect_raw_query(
            expect_no_body(when, 5),
            "permission_type=global&principal_id=1234abc&principal_type=user&scope_id=975l29lz02jt0836fhwi&scope_type=prodenv",
        )
        .path(format!("/v2/accounts/{ACCOUNT}/permissions/principal_roles"));
        then.ok(&body);
    });

    let roles = client(&server)
        .list_principal_roles()
        .account_id(ACCOUNT)
        .principal_type(types::PrincipalType::User)
        .principal_id(PRINCIPAL)
        .permission_type(types::PermissionType::Global)
        .scope_type(types::PermissionsScopeType::Prodenv)
        .scope_id(PRODENV)
        .send()
        .await
        .expect("list_principal_roles")
        .into_inner();

    mock.assert_async().await;
    let ids: Vec<&str> = roles.data.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["cld::role::account::reports", ROLE, CONTENT_ROLE]);
    let reports = &roles.data[0];
    assert_eq!(reports.name, "Reports");
    assert_eq!(
        reports.management_type,
        Some(types::RoleManagementType::System)
    );
    assert_eq!(reports.permission_type, Some(types::PermissionType::Global));
    assert_eq!(
        reports.scope_type,
        Some(types::PermissionsScopeType::Account)
    );
    assert_eq!(reports.scope_id, None);
    assert_eq!(roles.data[1].scope_id.as_deref(), Some(PRODENV));
    let contributor = &roles.data[2];
    assert_eq!(
        contributor.permission_type,
        Some(types::PermissionType::Content)
    );
    assert_eq!(contributor.policy_parameters, folder(FOLDER));
    assert_eq!(contributor.created_at, Some(1_719_475_215));
    assert_round_trips(&roles, "list_principal_roles", 200);
}

#[tokio::test]
async fn list_principal_roles_sends_no_array_parameter_for_empty_lists() {
    let server = MockServer::start_async().await;
    let body: types::PrincipalRoleList = example("list_principal_roles", 200);
    let mock = server.list_principal_roles(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .principal_type(types::PrincipalType::Group)
            .principal_id("7f08f1f1fc910bf1f25274aef11d27")
            .permission_type(types::PermissionType::Content)
            .into_inner()
            .query_param_missing("param_key")
            .query_param_missing("param_value");
        expect_raw_query(
            expect_no_body(when, 3),
            "permission_type=content&principal_id=7f08f1f1fc910bf1f25274aef11d27&principal_type=group",
        )
        .path(format!("/v2/accounts/{ACCOUNT}/permissions/principal_roles"));
        then.ok(&body);
    });

    client(&server)
        .list_principal_roles()
        .account_id(ACCOUNT)
        .principal_type(types::PrincipalType::Group)
        .principal_id("7f08f1f1fc910bf1f25274aef11d27")
        .permission_type(types::PermissionType::Content)
        .param_key(Vec::<String>::new())
        .param_value(Vec::<String>::new())
        .send()
        .await
        .expect("list_principal_roles");

    mock.assert_async().await;
}

#[tokio::test]
async fn update_principal_roles_sends_the_spec_example_and_reads_no_body() {
    assert_eq!(examples::example("update_principal_roles", 200), None);
    let server = MockServer::start_async().await;
    let mock = server.update_principal_roles(|when, then| {
        let when = when.account_id(ACCOUNT).into_inner();
        expect_json_body(
            when,
            json!({
                "operation": "add",
                "principal": {"type": "user", "id": PRINCIPAL},
                "roles": [{
                    "id": CONTENT_ROLE,
                    "scope_id": PRODENV,
                    "policy_parameters": {"folder_id": FOLDER}
                }]
            }),
        )
        .path(format!(
            "/v2/accounts/{ACCOUNT}/permissions/principal_roles"
        ));
        then.ok();
    });

    let response = client(&server)
        .update_principal_roles()
        .account_id(ACCOUNT)
        .body(principal_roles_update())
        .send()
        .await
        .expect("update_principal_roles");

    mock.assert_async().await;
    assert_eq!(response.status().as_u16(), 200);
    let () = response.into_inner();
}

#[tokio::test]
async fn update_principal_roles_ignores_a_body_the_service_sends_anyway() {
    let server = MockServer::start_async().await;
    let mock = server.update_principal_roles(|when, then| {
        when.account_id(ACCOUNT);
        // Not documented: a 200 that does carry a JSON body.
        then.into_inner()
            .status(200)
            .header("content-type", "application/json")
            .json_body(json!({"message": "updated"}));
    });

    let response = client(&server)
        .update_principal_roles()
        .account_id(ACCOUNT)
        .body(principal_roles_update())
        .send()
        .await
        .expect("update_principal_roles");

    mock.assert_async().await;
    assert_eq!(response.status().as_u16(), 200);
}

#[tokio::test]
async fn inspect_principal_roles_sends_the_scope_and_filters_and_decodes_the_page() {
    let server = MockServer::start_async().await;
    let body: types::PrincipalRolesInspection = example("inspect_principal_roles", 200);
    let mock = server.inspect_principal_roles(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .scope_type(types::PermissionsScopeType::Prodenv)
            .scope_id(PRODENV)
            .principal_type(None)
            .principal_id(None)
            .folder_id(None)
            .cursor(None)
            .into_inner()
            .query_param("param_key", "folder_id")
            .query_param("param_value", FOLDER);
        expect_raw_query(
            expect_no_body(when, 4),
            "param_key=folder_id&param_value=asdfjkl12347890&scope_id=975l29lz02jt0836fhwi&scope_type=prodenv",
        )
        .path(format!(
            "/v2/accounts/{ACCOUNT}/permissions/principal_roles/inspect"
        ));
        then.ok(&body);
    });

    let page = client(&server)
        .inspect_principal_roles()
        .account_id(ACCOUNT)
        .scope_type(types::PermissionsScopeType::Prodenv)
        .scope_id(PRODENV)
        .param_key(strings(&["folder_id"]))
        .param_value(strings(&[FOLDER]))
        .send()
        .await
        .expect("inspect_principal_roles")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.next_cursor.as_deref(), Some("5b0e7d3f2a914c68"));
    let principals = &page.data.principals;
    assert_eq!(principals.len(), 2);
    assert_eq!(principals[0].type_, types::PrincipalType::User);
    assert_eq!(principals[0].id, PRINCIPAL);
    let roles: Vec<&str> = principals[0].roles.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(roles, [CONTENT_ROLE, "manage_portals_238haspw"]);
    assert_eq!(principals[0].roles[0].policy_parameters, folder(FOLDER));
    assert_eq!(principals[0].roles[1].name, "Brand portal manager");
    assert_eq!(principals[1].type_, types::PrincipalType::ApiKey);
    assert_eq!(principals[1].id, "a382ltieo893jhioqpg8urp");
    assert_eq!(principals[1].roles[0].id, "upload_manager_351766dt");
    assert_round_trips(&page, "inspect_principal_roles", 200);
}

#[tokio::test]
async fn inspect_principal_roles_sends_the_cursor_back_until_the_last_page() {
    let server = MockServer::start_async().await;
    let first: types::PrincipalRolesInspection = example("inspect_principal_roles", 200);
    assert_eq!(first.next_cursor.as_deref(), Some("5b0e7d3f2a914c68"));
    // Not a spec example: the last page, without next_cursor.
    let last_json = json!({"data": {"principals": [{"type": "group", "id": "7f08f1f1fc910bf1f25274aef11d27"}]}});
    let last: types::PrincipalRolesInspection = serde_json::from_value(last_json.clone()).unwrap();
    let path = format!("/v2/accounts/{ACCOUNT}/permissions/principal_roles/inspect");
    let first_page = server.inspect_principal_roles(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .scope_type(types::PermissionsScopeType::Account)
            .cursor(None)
            .into_inner();
        expect_raw_query(expect_no_body(when, 1), "scope_type=account").path(path.clone());
        then.ok(&first);
    });
    let last_page = server.inspect_principal_roles(|when, then| {
        let when = when
            .account_id(ACCOUNT)
            .scope_type(types::PermissionsScopeType::Account)
            .cursor("5b0e7d3f2a914c68")
            .into_inner();
        expect_raw_query(
            expect_no_body(when, 2),
            "cursor=5b0e7d3f2a914c68&scope_type=account",
        )
        .path(path.clone());
        then.ok(&last);
    });
    let client = client(&server);

    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut request = client
            .inspect_principal_roles()
            .account_id(ACCOUNT)
            .scope_type(types::PermissionsScopeType::Account);
        if let Some(cursor) = &cursor {
            request = request.cursor(cursor.as_str());
        }
        let page = request
            .send()
            .await
            .expect("inspect_principal_roles")
            .into_inner();
        pages += 1;
        ids.extend(page.data.principals.into_iter().map(|p| p.id));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
        assert!(pages < 5, "the client keeps paging");
    }

    first_page.assert_async().await;
    last_page.assert_async().await;
    assert_eq!(pages, 2);
    assert_eq!(
        ids,
        [
            PRINCIPAL,
            "a382ltieo893jhioqpg8urp",
            "7f08f1f1fc910bf1f25274aef11d27"
        ]
    );
    assert_eq!(serde_json::to_value(&last).unwrap(), last_json);
}

#[tokio::test]
async fn inspect_principal_roles_batch_sends_the_spec_example_and_decodes_every_principal() {
    let server = MockServer::start_async().await;
    let body: types::PrincipalRolesInspection = example("inspect_principal_roles_batch", 200);
    let mock = server.inspect_principal_roles_batch(|when, then| {
        let when = when.account_id(ACCOUNT).into_inner();
        expect_json_body(when, inspect_request_json()).path(format!(
            "/v2/accounts/{ACCOUNT}/permissions/principal_roles/inspect"
        ));
        then.ok(&body);
    });

    let found = client(&server)
        .inspect_principal_roles_batch()
        .account_id(ACCOUNT)
        .body(inspect_request(None))
        .send()
        .await
        .expect("inspect_principal_roles_batch")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(found.next_cursor, None);
    let principals: Vec<(types::PrincipalType, &str)> = found
        .data
        .principals
        .iter()
        .map(|p| (p.type_.clone(), p.id.as_str()))
        .collect();
    assert_eq!(
        principals,
        [
            (types::PrincipalType::User, PRINCIPAL),
            (types::PrincipalType::User, "4567xyz"),
            (types::PrincipalType::ApiKey, "a382ltieo893jhioqpg8urp")
        ]
    );
    let reports = &found.data.principals[1].roles[0];
    assert_eq!(reports.id, "cld::role::prodenv::reports");
    assert_eq!(
        reports.management_type,
        Some(types::RoleManagementType::System)
    );
    assert_eq!(reports.scope_id.as_deref(), Some(PRODENV));
    assert_eq!(found.data.principals[2].roles[0].name, "Upload manager");
    assert_round_trips(&found, "inspect_principal_roles_batch", 200);
}

#[tokio::test]
async fn inspect_principal_roles_batch_sends_the_cursor_in_the_body() {
    let server = MockServer::start_async().await;
    let body: types::PrincipalRolesInspection = example("inspect_principal_roles_batch", 200);
    let mut expected = inspect_request_json();
    expected["cursor"] = json!("5b0e7d3f2a914c68");
    let mock = server.inspect_principal_roles_batch(|when, then| {
        let when = when.account_id(ACCOUNT).into_inner();
        // The cursor travels in the body only: the query stays empty.
        expect_json_body(when, expected)
            .query_param_missing("cursor")
            .path(format!(
                "/v2/accounts/{ACCOUNT}/permissions/principal_roles/inspect"
            ));
        then.ok(&body);
    });

    client(&server)
        .inspect_principal_roles_batch()
        .account_id(ACCOUNT)
        .body(inspect_request(Some("5b0e7d3f2a914c68")))
        .send()
        .await
        .expect("inspect_principal_roles_batch");

    mock.assert_async().await;
}

// ---------------------------------------------------------------------------
// Required parameters: a builder missing one fails before sending
// ---------------------------------------------------------------------------

/// Expects `result` to be the builder's own refusal, naming `parameter`.
fn expect_invalid_request<T: std::fmt::Debug>(
    result: Result<ResponseValue<T>, Error<types::PermissionsError>>,
    parameter: &str,
) {
    match result {
        Err(Error::InvalidRequest(message)) => assert!(
            message.contains(parameter),
            "the error does not name `{parameter}`: {message}"
        ),
        other => panic!("missing {parameter}: expected Error::InvalidRequest, got {other:?}"),
    }
}

/// A mock that answers anything at all, to prove nothing was sent.
fn catch_all(server: &MockServer) -> Mock<'_> {
    server.mock(|_, then| {
        then.status(418);
    })
}

#[tokio::test]
async fn list_principal_roles_without_a_required_parameter_sends_nothing() {
    use types::{PermissionType, PrincipalType};
    let server = MockServer::start_async().await;
    let body: types::PrincipalRoleList = example("list_principal_roles", 200);
    let mock = server.list_principal_roles(|when, then| {
        when.account_id(ACCOUNT);
        then.ok(&body);
    });
    let any = catch_all(&server);
    let client = client(&server);

    let without_type = client
        .list_principal_roles()
        .account_id(ACCOUNT)
        .principal_id(PRINCIPAL)
        .permission_type(PermissionType::Global)
        .send()
        .await;
    expect_invalid_request(without_type, "principal_type");
    let without_id = client
        .list_principal_roles()
        .account_id(ACCOUNT)
        .principal_type(PrincipalType::User)
        .permission_type(PermissionType::Global)
        .send()
        .await;
    expect_invalid_request(without_id, "principal_id");
    let without_permission_type = client
        .list_principal_roles()
        .account_id(ACCOUNT)
        .principal_type(PrincipalType::User)
        .principal_id(PRINCIPAL)
        .send()
        .await;
    expect_invalid_request(without_permission_type, "permission_type");

    assert_eq!(mock.calls_async().await, 0);
    assert_eq!(any.calls_async().await, 0);
}

#[tokio::test]
async fn list_roles_without_permission_type_sends_nothing() {
    let server = MockServer::start_async().await;
    let body: types::RoleList = example("list_roles", 200);
    let mock = server.list_roles(|when, then| {
        when.account_id(ACCOUNT);
        then.ok(&body);
    });
    let any = catch_all(&server);

    let result = client(&server)
        .list_roles()
        .account_id(ACCOUNT)
        .scope_type(types::PermissionsScopeType::Account)
        .send()
        .await;

    expect_invalid_request(result, "permission_type");
    assert_eq!(mock.calls_async().await, 0);
    assert_eq!(any.calls_async().await, 0);
}

#[tokio::test]
async fn inspect_principal_roles_without_scope_type_sends_nothing() {
    let server = MockServer::start_async().await;
    let body: types::PrincipalRolesInspection = example("inspect_principal_roles", 200);
    let mock = server.inspect_principal_roles(|when, then| {
        when.account_id(ACCOUNT);
        then.ok(&body);
    });
    let any = catch_all(&server);

    let result = client(&server)
        .inspect_principal_roles()
        .account_id(ACCOUNT)
        .scope_id(PRODENV)
        .cursor("5b0e7d3f2a914c68")
        .send()
        .await;

    expect_invalid_request(result, "scope_type");
    assert_eq!(mock.calls_async().await, 0);
    assert_eq!(any.calls_async().await, 0);
}

#[tokio::test]
async fn optional_filters_left_out_are_not_required() {
    // The same operations with only their required parameters do send.
    let server = MockServer::start_async().await;
    let client = client(&server);
    for op in [
        "list_roles",
        "list_principal_roles",
        "inspect_principal_roles",
    ] {
        let body = types::PermissionsError::default();
        let mock = mock_error(&server, op, 401, &body);
        let result = call(&client, op).await;
        assert_eq!(mock.calls_async().await, 1, "{op}: calls");
        assert!(
            matches!(result, Err(Error::ErrorResponse(ref rv)) if rv.status().as_u16() == 401),
            "{op}: {result:?}"
        );
        mock.delete_async().await;
    }
}

#[tokio::test]
async fn a_missing_path_id_or_body_field_sends_nothing() {
    let server = MockServer::start_async().await;
    let any = catch_all(&server);
    let client = client(&server);

    expect_invalid_request(
        client.get_custom_policy().account_id(ACCOUNT).send().await,
        "policy_id",
    );
    expect_invalid_request(
        client.delete_role().role_id(ROLE).send().await,
        "account_id",
    );
    expect_invalid_request(client.list_system_policies().send().await, "account_id");
    expect_invalid_request(client.validate_cedar_policy().send().await, "policy");
    expect_invalid_request(
        client
            .create_custom_policy()
            .account_id(ACCOUNT)
            .body_map(|b| {
                b.name("No statement")
                    .scope_type(types::PermissionsScopeType::Account)
            })
            .send()
            .await,
        "policy_statement",
    );

    assert_eq!(any.calls_async().await, 0);
}

// ---------------------------------------------------------------------------
// Error statuses: one named test per documented status, then every
// documented (operation, status) pair.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn create_custom_policy_reports_missing_fields_as_a_bad_request() {
    let server = MockServer::start_async().await;
    let body: types::PermissionsError = example("create_custom_policy", 400);
    let mock = server.create_custom_policy(|when, then| {
        when.account_id(ACCOUNT);
        then.bad_request(&body);
    });

    let result = client(&server)
        .create_custom_policy()
        .account_id(ACCOUNT)
        .body_map(|b| {
            b.name("")
                .policy_statement(READ_STATEMENT)
                .scope_type(types::PermissionsScopeType::Account)
        })
        .send()
        .await;

    mock.assert_async().await;
    let error = expect_vendor_error(result, "create_custom_policy", 400);
    assert_eq!(error.message.as_deref(), Some("missing fields"));
    assert_eq!(error.category.as_deref(), Some("user_error"));
    assert_eq!(error.code.as_deref(), Some("ACCOUNTS_00005"));
    assert_eq!(error.details["fields"], json!(["name"]));
}

#[tokio::test]
async fn validate_cedar_policy_reports_a_bad_request_without_sending_credentials() {
    let server = MockServer::start_async().await;
    let body: types::PermissionsError = example("validate_cedar_policy", 400);
    let mock = server.validate_cedar_policy(|when, then| {
        expect_public(when.into_inner()).path("/v2/accounts/permissions/public/validate");
        then.bad_request(&body);
    });

    let result = client(&server)
        .validate_cedar_policy()
        .body_map(|b| b.policy(""))
        .send()
        .await;

    mock.assert_async().await;
    let error = expect_vendor_error(result, "validate_cedar_policy", 400);
    assert_eq!(error.message.as_deref(), Some("missing fields"));
}

#[tokio::test]
async fn list_roles_reports_wrong_credentials_as_unauthorized() {
    let server = MockServer::start_async().await;
    let body: types::PermissionsError = example("list_roles", 401);
    let mock = server.list_roles(|when, then| {
        when.account_id(ACCOUNT)
            .permission_type(types::PermissionType::Global);
        then.unauthorized(&body);
    });

    let result = client(&server)
        .list_roles()
        .account_id(ACCOUNT)
        .permission_type(types::PermissionType::Global)
        .send()
        .await;

    mock.assert_async().await;
    let error = expect_vendor_error(result, "list_roles", 401);
    assert_eq!(error.message.as_deref(), Some("invalid credentials"));
    assert_eq!(error.code.as_deref(), Some("ACCOUNTS_00006"));
    assert!(error.details.is_empty());
}

#[tokio::test]
async fn delete_role_reports_a_forbidden_call() {
    let server = MockServer::start_async().await;
    let body: types::PermissionsError = example("delete_role", 403);
    let mock = server.delete_role(|when, then| {
        when.account_id(ACCOUNT).role_id(ROLE);
        then.forbidden(&body);
    });

    let result = client(&server)
        .delete_role()
        .account_id(ACCOUNT)
        .role_id(ROLE)
        .send()
        .await;

    mock.assert_async().await;
    let error = expect_vendor_error(result, "delete_role", 403);
    assert_eq!(error.message.as_deref(), Some("not allowed"));
    assert_eq!(error.category.as_deref(), Some("user_error"));
}

#[tokio::test]
async fn get_role_reports_an_unknown_role_as_not_found_with_its_id() {
    let server = MockServer::start_async().await;
    let body: types::PermissionsError = example("get_role", 404);
    let mock = server.get_role(|when, then| {
        when.account_id(ACCOUNT)
            .role_id("manage_transformations_q1829qwnkli");
        then.not_found(&body);
    });

    let result = client(&server)
        .get_role()
        .account_id(ACCOUNT)
        .role_id("manage_transformations_q1829qwnkli")
        .send()
        .await;

    mock.assert_async().await;
    let error = expect_vendor_error(result, "get_role", 404);
    assert_eq!(error.message.as_deref(), Some("not found"));
    assert_eq!(error.code.as_deref(), Some("ACCOUNTS_00003"));
    assert_eq!(
        error.details["fields"],
        json!([{"role_id": "manage_transformations_q1829qwnkli"}])
    );
}

#[tokio::test]
async fn update_custom_policy_reports_a_conflict() {
    let server = MockServer::start_async().await;
    let body: types::PermissionsError = example("update_custom_policy", 409);
    let mock = server.update_custom_policy(|when, then| {
        when.account_id(ACCOUNT).policy_id(POLICY);
        then.conflict(&body);
    });

    let result = client(&server)
        .update_custom_policy()
        .account_id(ACCOUNT)
        .policy_id(POLICY)
        .body(policy_update_request())
        .send()
        .await;

    mock.assert_async().await;
    let error = expect_vendor_error(result, "update_custom_policy", 409);
    assert_eq!(error.message.as_deref(), Some("already exists"));
    assert_eq!(error.details["fields"], json!([{"name": "Admin"}]));
}

#[tokio::test]
async fn list_system_policies_reports_a_server_error() {
    let server = MockServer::start_async().await;
    let body: types::PermissionsError = example("list_system_policies", 500);
    let mock = server.list_system_policies(|when, then| {
        when.account_id(ACCOUNT);
        then.internal_server_error(&body);
    });

    let result = client(&server)
        .list_system_policies()
        .account_id(ACCOUNT)
        .send()
        .await;

    mock.assert_async().await;
    let error = expect_vendor_error(result, "list_system_policies", 500);
    assert_eq!(error.message.as_deref(), Some("something went wrong"));
    assert_eq!(error.category.as_deref(), Some("server_error"));
    assert_eq!(error.code.as_deref(), Some("ACCOUNTS_00001"));
}

#[tokio::test]
async fn a_status_the_operation_does_not_document_is_an_unexpected_response() {
    let server = MockServer::start_async().await;
    // list_roles documents neither 404 nor, like the whole family, 429.
    let body = json!({"error": {"message": "Too many requests"}});
    let mock = server.list_roles(|when, then| {
        when.account_id(ACCOUNT);
        then.into_inner()
            .status(429)
            .header("content-type", "application/json")
            .json_body(body);
    });

    let result = call(&client(&server), "list_roles").await;

    mock.assert_async().await;
    match result {
        Err(Error::UnexpectedResponse(response)) => assert_eq!(response.status().as_u16(), 429),
        other => panic!("expected Error::UnexpectedResponse, got {other:?}"),
    }
}

#[tokio::test]
async fn every_documented_error_status_of_every_operation_is_an_error_response() {
    let server = MockServer::start_async().await;
    let client = client(&server);
    let mut cases = 0;
    let mut statuses_seen = Vec::new();
    for (op, documented) in DOCUMENTED_ERRORS {
        // The generated examples hold exactly the documented error statuses,
        // and none of the v1_1 rate-limit ones.
        let with_example: Vec<u16> = (400..600)
            .filter(|s| examples::example(op, *s).is_some())
            .collect();
        assert_eq!(with_example, documented, "{op}: documented error statuses");
        for status in documented {
            let body: types::PermissionsError = example(op, *status);
            let mock = mock_error(&server, op, *status, &body);
            let result = call(&client, op).await;
            // Every assertion names the case, so a failure says which one.
            assert_eq!(
                mock.calls_async().await,
                1,
                "{op} {status}: calls to the mock"
            );
            expect_vendor_error(result, op, *status);
            mock.delete_async().await;
            cases += 1;
            statuses_seen.push(*status);
        }
    }
    statuses_seen.sort_unstable();
    statuses_seen.dedup();
    assert_eq!(
        statuses_seen, ERROR_STATUSES,
        "some documented status was never exercised"
    );
    assert_eq!(cases, 74, "documented (operation, error status) pairs");
}
