//! What the generated operation tests cannot show, since they fill every
//! member of a body and set every query parameter: an unset field is left
//! out of the body (never `null`, never `[]`), an empty list or `false` set
//! on purpose is sent as such, and a call with only its required values
//! sends no query parameter at all.
//!
//! Ported from the per-operation tests of
//! `ods-automation/tests/{user_groups,users_and_keys,security,pages,datasets,resources,harvesters}.rs`
//! and `cld-provisioning/tests/{permissions,product_environments,users,user_groups}.rs`
//! (deleted in bad5bf6).
#![cfg(all(feature = "ods", feature = "cloudinary", feature = "mock"))]

use std::collections::HashMap;

use futures::future::BoxFuture;
use saas_admin::cld_provisioning::types as cld;
use saas_admin::ods_automation::types as ods_types;
use saas_admin::{Cloudinary, Error, Ods};
use serde_json::{json, Value};

use crate::recorded;
use recorded::*;

type Answer = Result<Value, Error>;

/// A call through the facade, its answer as JSON.
type Call<C> = Box<dyn Fn(C) -> BoxFuture<'static, Answer>>;

macro_rules! call {
    (|$client:ident: $ty:ty| $builder:expr) => {
        Box::new(|$client: $ty| -> BoxFuture<'static, Answer> {
            let builder = $builder;
            Box::pin(async move {
                builder
                    .send()
                    .await
                    .map(|value| serde_json::to_value(value).expect("the answer encodes"))
            })
        }) as Call<$ty>
    };
}

/// One request to check: the operation whose documented success answers
/// it, the call, and what must arrive.
struct Case<C> {
    op: &'static str,
    call: Call<C>,
    method: &'static str,
    path: String,
    query: Vec<(String, String)>,
    /// The body exactly, or `None` for no body.
    body: Option<Value>,
}

fn body<C>(
    op: &'static str,
    method: &'static str,
    path: &str,
    body: Value,
    call: Call<C>,
) -> Case<C> {
    Case {
        op,
        call,
        method,
        path: path.to_string(),
        query: Vec::new(),
        body: Some(body),
    }
}

fn query<C>(op: &'static str, path: &str, query: &[(&str, &str)], call: Call<C>) -> Case<C> {
    Case {
        op,
        call,
        method: "GET",
        path: path.to_string(),
        query: pairs(query),
        body: None,
    }
}

/// `value` without its `null` members and empty lists and maps: what the
/// generated types leave out when encoding.
fn normalized(value: Value) -> Value {
    let empty = |v: &Value| {
        v.is_null()
            || v.as_array().is_some_and(Vec::is_empty)
            || v.as_object().is_some_and(|m| m.is_empty())
    };
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, normalized(v)))
                .filter(|(_, v)| !empty(v))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(normalized).collect()),
        other => other,
    }
}

/// Runs each case against a server answering its operation's documented
/// success; checks the whole request and the decoded answer.
async fn check<C>(
    cases: Vec<Case<C>>,
    client: fn(&str) -> C,
    example: fn(&str, u16) -> Option<&'static str>,
    authorization: &str,
) {
    for case in cases {
        let (status, answer) = success_of(example, case.op);
        let (server, recorder) = answering(status, answer.clone()).await;
        let outcome = (case.call)(client(&server.base_url())).await;
        let context = format!("{} {} {:?}", case.op, case.path, case.query);
        let value = outcome.unwrap_or_else(|e| panic!("{context}: {e}"));
        let sent = recorder.one();
        assert_eq!(sent.method, case.method, "{context}: method");
        assert_eq!(sent.path, case.path, "{context}: path");
        assert_eq!(sent.query, case.query, "{context}: query parameters");
        assert_eq!(sent.header("authorization"), [authorization], "{context}");
        match &case.body {
            Some(expected) => {
                assert_eq!(
                    sent.header("content-type"),
                    ["application/json"],
                    "{context}"
                );
                assert_eq!(&sent.json(), expected, "{context}: body");
            }
            None => assert!(sent.body.is_empty(), "{context}: a body was sent"),
        }
        match answer {
            Some(answer) => assert_eq!(
                normalized(value),
                normalized(answer),
                "{context}: the decoded answer"
            ),
            None => assert_eq!(value, Value::Null, "{context}: nothing to decode"),
        }
    }
}

async fn check_ods(cases: Vec<Case<Ods>>) {
    check(
        cases,
        ods,
        saas_admin::ods_automation::examples::example,
        ODS_AUTHORIZATION,
    )
    .await;
}

async fn check_cloudinary(cases: Vec<Case<Cloudinary>>) {
    check(
        cases,
        cloudinary,
        saas_admin::cld_provisioning::examples::example,
        CLD_AUTHORIZATION,
    )
    .await;
}

fn by_language(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[tokio::test]
async fn opendatasoft_bodies_leave_unset_fields_out() {
    check_ods(vec![
        body(
            "create_user_group",
            "POST",
            "/groups/",
            json!({"title": "Data stewards"}),
            call!(|c: Ods| c.create_user_group().title("Data stewards")),
        ),
        body(
            "create_api_key",
            "POST",
            "/apikeys/",
            json!({}),
            call!(|c: Ods| c.create_api_key()),
        ),
        body(
            "revoke_api_key",
            "POST",
            "/apikeys/ak_1/revoke/",
            json!({}),
            call!(|c: Ods| c.revoke_api_key().apikey_uid("ak_1")),
        ),
        body(
            "create_dataset_user_security",
            "POST",
            "/datasets/da_1/security/users/",
            json!({"user": {"username": "jmartin"}}),
            call!(|c: Ods| c
                .create_dataset_user_security()
                .dataset_uid("da_1")
                .body(ods_types::DatasetUserSecurityRequest {
                    user: ods_types::RelatedUser {
                        username: "jmartin".into()
                    },
                    permissions: None,
                    security: None,
                })),
        ),
        body(
            "create_studio_page",
            "POST",
            "/studio_pages/",
            json!({}),
            call!(|c: Ods| c.create_studio_page()),
        ),
        body(
            "create_code_editor_page",
            "POST",
            "/code_editor_pages/",
            // No `title: {}`, no `css: {}`, no `tags`, no nulls.
            json!({"content": {"html": {"en": "<h1>Air quality</h1>"}}}),
            call!(|c: Ods| c
                .create_code_editor_page()
                .body(ods_types::CodeEditorPageRequest {
                    slug: None,
                    title: HashMap::new(),
                    description: None,
                    content: ods_types::CodeEditorPageContent {
                        html: by_language(&[("en", "<h1>Air quality</h1>")]),
                        css: HashMap::new(),
                    },
                    template: None,
                    tags: None,
                    is_restricted: None,
                    is_archived: None,
                })),
        ),
        body(
            "create_dataset",
            "POST",
            "/datasets/",
            json!({"metadata": {"default": {
                "title": {"value": "Population of US counties"},
                "language": {"value": "en"},
            }}}),
            call!(|c: Ods| c.create_dataset().body(
                serde_json::from_value::<ods_types::DatasetRequest>(json!({"metadata": {"default": {
                    "title": {"value": "Population of US counties"},
                    "language": {"value": "en"},
                }}}))
                .expect("a dataset request")
            )),
        ),
        body(
            "create_dataset_resource",
            "POST",
            "/datasets/da_1/resources/",
            json!({"type": "csvfile", "title": "Fromages"}),
            call!(|c: Ods| c
                .create_dataset_resource()
                .dataset_uid("da_1")
                .type_("csvfile")
                .title("Fromages")),
        ),
        body(
            "preview_unsaved_resource",
            "POST",
            "/datasets/da_1/resources/preview/",
            // No `params`: the service guesses them.
            json!({"type": "csvfile", "datasource": {"type": "uploaded_file", "file": {"uid": "fi_1"}}}),
            call!(|c: Ods| c
                .preview_unsaved_resource()
                .dataset_uid("da_1")
                .body(
                    serde_json::from_value::<ods_types::ResourcePreviewRequest>(json!({
                        "type": "csvfile",
                        "datasource": {"type": "uploaded_file", "file": {"uid": "fi_1"}},
                    }))
                    .expect("a preview request")
                )),
        ),
    ])
    .await;
}

#[tokio::test]
async fn opendatasoft_bodies_send_an_empty_list_or_false_set_on_purpose() {
    check_ods(vec![
        body(
            "update_user_group",
            "PUT",
            "/groups/data_stewards/",
            json!({"title": "Data stewards", "permissions": []}),
            call!(|c: Ods| c
                .update_user_group()
                .group_uid("data_stewards")
                .title("Data stewards")
                .permissions(Vec::<ods_types::Permission>::new())),
        ),
        body(
            "update_user",
            "PUT",
            "/users/louise.data/",
            json!({"email": "louise.data@example.org", "permissions": [], "groups": []}),
            call!(|c: Ods| c.update_user().username("louise.data").body(
                serde_json::from_value::<ods_types::UserRequest>(json!({
                    "email": "louise.data@example.org",
                    "permissions": [],
                    "groups": [],
                }))
                .expect("a user request")
            )),
        ),
        body(
            "update_api_key",
            "PUT",
            "/apikeys/ak_1/",
            json!({"permissions": []}),
            call!(|c: Ods| c
                .update_api_key()
                .apikey_uid("ak_1")
                .permissions(Vec::<ods_types::Permission>::new())),
        ),
        body(
            "update_dataset_group_security",
            "PUT",
            "/datasets/da_1/security/groups/data_stewards/",
            // No permission and no visible field: the metadata only.
            json!({
                "group": {"uid": "data_stewards"},
                "permissions": [],
                "security": {"is_data_visible": false, "visible_fields": []},
            }),
            call!(|c: Ods| c
                .update_dataset_group_security()
                .dataset_uid("da_1")
                .group_uid("data_stewards")
                .body(
                    serde_json::from_value::<ods_types::DatasetGroupSecurityRequest>(json!({
                        "group": {"uid": "data_stewards"},
                        "permissions": [],
                        "security": {"is_data_visible": false, "visible_fields": []},
                    }))
                    .expect("a ruleset request")
                )),
        ),
        body(
            "update_code_editor_page",
            "PUT",
            "/code_editor_pages/air-quality/",
            // `tags: []` clears the tags.
            json!({
                "content": {"html": {"en": "<h1>Air quality</h1>"}},
                "tags": [],
                "is_restricted": false,
            }),
            call!(|c: Ods| c
                .update_code_editor_page()
                .page_slug("air-quality")
                .body(ods_types::CodeEditorPageRequest {
                    slug: None,
                    title: HashMap::new(),
                    description: None,
                    content: ods_types::CodeEditorPageContent {
                        html: by_language(&[("en", "<h1>Air quality</h1>")]),
                        css: HashMap::new(),
                    },
                    template: None,
                    tags: Some(Vec::new()),
                    is_restricted: Some(false),
                    is_archived: None,
                })),
        ),
        body(
            "update_metadata_template",
            "PUT",
            "/metadata/templates/dcat/",
            // An `interop` template (one cannot create one) with no field.
            json!({"name": "dcat", "title": "DCAT", "type": "interop", "is_active": true, "schema": []}),
            call!(|c: Ods| c
                .update_metadata_template()
                .template_name("dcat")
                .body(ods_types::MetadataTemplateRequest {
                    name: "dcat".into(),
                    title: "DCAT".into(),
                    type_: ods_types::MetadataTemplateType::Interop,
                    is_active: true,
                    schema: Vec::new(),
                })),
        ),
    ])
    .await;
}

#[tokio::test]
async fn opendatasoft_calls_with_only_their_required_values_send_no_query_parameter() {
    check_ods(vec![
        query(
            "list_datasets",
            "/datasets/",
            &[],
            call!(|c: Ods| c.list_datasets()),
        ),
        query(
            "list_harvesters",
            "/harvesters/",
            &[],
            call!(|c: Ods| c.list_harvesters()),
        ),
        query(
            "list_studio_pages",
            "/studio_pages/",
            &[],
            call!(|c: Ods| c.list_studio_pages()),
        ),
        query(
            "list_dataset_processors",
            "/datasets/da_1/processors/",
            &[],
            call!(|c: Ods| c.list_dataset_processors().dataset_uid("da_1")),
        ),
        query(
            "list_dataset_resources",
            "/datasets/da_1/resources/",
            &[],
            call!(|c: Ods| c.list_dataset_resources().dataset_uid("da_1")),
        ),
        query(
            "get_dataset_resource",
            "/datasets/da_1/resources/re_1/",
            &[],
            call!(|c: Ods| c
                .get_dataset_resource()
                .dataset_uid("da_1")
                .resource_uid("re_1")),
        ),
        query(
            "list_api_keys",
            "/apikeys/",
            &[],
            call!(|c: Ods| c.list_api_keys()),
        ),
        query("list_users", "/users/", &[], call!(|c: Ods| c.list_users())),
        query(
            "list_studio_page_group_security",
            "/studio_pages/sp_1/security/groups/",
            &[],
            call!(|c: Ods| c.list_studio_page_group_security().studio_page_uid("sp_1")),
        ),
        query(
            "get_api_key",
            "/apikeys/ak_1/",
            &[],
            call!(|c: Ods| c.get_api_key().apikey_uid("ak_1")),
        ),
        // One parameter set, the others left out.
        query(
            "suggest_metadata_field_values",
            "/metadata/templates/default/fields/keyword/suggest/",
            &[("query", "r&d = 1")],
            call!(|c: Ods| c
                .suggest_metadata_field_values()
                .template_name("default")
                .template_field_name("keyword")
                .query("r&d = 1")),
        ),
        Case {
            method: "DELETE",
            ..query(
                "delete_code_editor_pages",
                "/code_editor_pages/",
                &[("search", "budget 2024")],
                call!(|c: Ods| c.delete_code_editor_pages().search("budget 2024")),
            )
        },
        query(
            "list_datasets",
            "/datasets/",
            &[("dataset_id", "us-counties-population")],
            call!(|c: Ods| c.list_datasets().dataset_id("us-counties-population")),
        ),
        query(
            "list_dataset_feedbacks",
            "/datasets/da_1/feedbacks/",
            &[("record_id", "3f1c9a0e5b7d2c4e8f6a1b3d5c7e9f0a2b4c6d8e")],
            call!(|c: Ods| c
                .list_dataset_feedbacks()
                .dataset_uid("da_1")
                .record_id("3f1c9a0e5b7d2c4e8f6a1b3d5c7e9f0a2b4c6d8e")),
        ),
    ])
    .await;
}

/// `export_users` answers CSV: its request is checked here, its bytes in
/// `downloads.rs`.
#[tokio::test]
async fn export_users_without_parameters_sends_no_query_parameter_not_even_the_default_delimiter() {
    let (server, recorder) = answering(200, None).await;
    ods(&server.base_url())
        .export_users()
        .send()
        .await
        .expect("export_users");
    let sent = recorder.one();
    assert_eq!(
        (sent.method.as_str(), sent.path.as_str(), sent.raw_query),
        ("GET", "/users/export/", None)
    );
}

const ACCOUNT_PATH: &str = "/v1_1/provisioning/accounts/a1b2c3d4-acct";
const PERMISSIONS_PATH: &str = "/v2/accounts/a1b2c3d4-acct/permissions";
const READ_STATEMENT: &str = "permit(principal, action == Cloudinary::Action::\"read\", resource);";

#[tokio::test]
async fn cloudinary_bodies_leave_unset_fields_out() {
    check_cloudinary(vec![
        body(
            "create_custom_policy",
            "POST",
            &format!("{PERMISSIONS_PATH}/policies/custom"),
            json!({"name": "Account policy", "policy_statement": READ_STATEMENT, "scope_type": "account"}),
            call!(|c: Cloudinary| c
                .create_custom_policy()
                .name("Account policy")
                .policy_statement(READ_STATEMENT)
                .scope_type(cld::PermissionsScopeType::Account)),
        ),
        body(
            "create_role",
            "POST",
            &format!("{PERMISSIONS_PATH}/roles"),
            json!({"name": "Viewer", "permission_type": "content", "scope_type": "account"}),
            call!(|c: Cloudinary| c
                .create_role()
                .name("Viewer")
                .permission_type(cld::PermissionType::Content)
                .scope_type(cld::PermissionsScopeType::Account)),
        ),
        body(
            "create_product_environment",
            "POST",
            &format!("{ACCOUNT_PATH}/sub_accounts"),
            json!({"name": "Product3 Application", "custom_attributes": {"team": "web", "tier": 2, "tags": ["a", "b"]}}),
            call!(|c: Cloudinary| c
                .create_product_environment()
                .name("Product3 Application")
                .custom_attributes(
                    json!({"team": "web", "tier": 2, "tags": ["a", "b"]})
                        .as_object()
                        .unwrap()
                        .clone()
                )),
        ),
        // Today's behaviour: an empty map cannot be sent, it is left out.
        body(
            "update_product_environment",
            "PUT",
            &format!("{ACCOUNT_PATH}/sub_accounts/se_1"),
            json!({}),
            call!(|c: Cloudinary| c
                .update_product_environment()
                .sub_account_id("se_1")
                .custom_attributes(serde_json::Map::new())),
        ),
        body(
            "generate_access_key",
            "POST",
            &format!("{ACCOUNT_PATH}/sub_accounts/se_1/access_keys"),
            json!({}),
            call!(|c: Cloudinary| c.generate_access_key().sub_account_id("se_1")),
        ),
        body(
            "create_user",
            "POST",
            &format!("{ACCOUNT_PATH}/users"),
            json!({"name": "jenny_bar", "email": "jenny_bar@example.com"}),
            call!(|c: Cloudinary| c
                .create_user()
                .name("jenny_bar")
                .email("jenny_bar@example.com")),
        ),
    ])
    .await;
}

#[tokio::test]
async fn cloudinary_bodies_send_an_empty_list_or_false_set_on_purpose() {
    check_cloudinary(vec![
        body(
            "update_custom_policy",
            "PUT",
            &format!("{PERMISSIONS_PATH}/policies/custom/po_1"),
            json!({"name": "Disabled", "policy_statement": READ_STATEMENT, "scope_type": "account", "enabled": false}),
            call!(|c: Cloudinary| c
                .update_custom_policy()
                .policy_id("po_1")
                .name("Disabled")
                .policy_statement(READ_STATEMENT)
                .scope_type(cld::PermissionsScopeType::Account)
                .enabled(false)),
        ),
        body(
            "update_product_environment",
            "PUT",
            &format!("{ACCOUNT_PATH}/sub_accounts/se_1"),
            json!({"cloud_name": "product1-eu", "enabled": false, "custom_attributes": {"region": "eu"}}),
            call!(|c: Cloudinary| c
                .update_product_environment()
                .sub_account_id("se_1")
                .cloud_name("product1-eu")
                .enabled(false)
                .custom_attributes(json!({"region": "eu"}).as_object().unwrap().clone())),
        ),
        body(
            "update_access_key",
            "PUT",
            &format!("{ACCOUNT_PATH}/sub_accounts/se_1/access_keys/814814814814814"),
            json!({"enabled": false}),
            call!(|c: Cloudinary| c
                .update_access_key()
                .sub_account_id("se_1")
                .key("814814814814814")
                .enabled(false)),
        ),
        body(
            "update_user",
            "PUT",
            &format!("{ACCOUNT_PATH}/users/us_1"),
            json!({"sub_account_ids": []}),
            call!(|c: Cloudinary| c
                .update_user()
                .user_id("us_1")
                .sub_account_ids(Vec::<String>::new())),
        ),
        body(
            "update_user",
            "PUT",
            &format!("{ACCOUNT_PATH}/users/us_1"),
            json!({"enabled": false}),
            call!(|c: Cloudinary| c.update_user().user_id("us_1").enabled(false)),
        ),
    ])
    .await;
}

#[tokio::test]
async fn cloudinary_calls_with_only_their_required_values_send_no_query_parameter() {
    check_cloudinary(vec![
        query(
            "list_product_environments",
            &format!("{ACCOUNT_PATH}/sub_accounts"),
            &[],
            call!(|c: Cloudinary| c.list_product_environments()),
        ),
        // Today's behaviour: an empty `ids` list is not sent at all, so the
        // request is the unfiltered one.
        query(
            "list_product_environments",
            &format!("{ACCOUNT_PATH}/sub_accounts"),
            &[],
            call!(|c: Cloudinary| c.list_product_environments().ids(Vec::<String>::new())),
        ),
        query(
            "list_access_keys",
            &format!("{ACCOUNT_PATH}/sub_accounts/se_1/access_keys"),
            &[],
            call!(|c: Cloudinary| c.list_access_keys().sub_account_id("se_1")),
        ),
        query(
            "list_users",
            &format!("{ACCOUNT_PATH}/users"),
            &[],
            call!(|c: Cloudinary| c.list_users()),
        ),
        query(
            "list_user_groups",
            &format!("{ACCOUNT_PATH}/user_groups"),
            &[],
            call!(|c: Cloudinary| c.list_user_groups()),
        ),
        query(
            "list_system_policies",
            &format!("{PERMISSIONS_PATH}/policies/system"),
            &[],
            call!(|c: Cloudinary| c.list_system_policies()),
        ),
    ])
    .await;
}

/// Without a year and with no subscription the service answers an empty
/// list; `delete_role` without `force` answers 204.
#[tokio::test]
async fn cloudinary_calls_without_their_optional_parameter_and_their_answers() {
    let (server, recorder) = answering(200, Some(json!([]))).await;
    let plans = cloudinary(&server.base_url())
        .get_billing_usage()
        .send()
        .await
        .expect("get_billing_usage");
    assert!(plans.is_empty(), "{plans:?}");
    let sent = recorder.one();
    assert_eq!(
        (sent.path.as_str(), sent.raw_query),
        (
            "/v1_1/provisioning/accounts/a1b2c3d4-acct/billing_usage",
            None
        )
    );

    let (server, recorder) = answering(204, None).await;
    let () = cloudinary(&server.base_url())
        .delete_role()
        .role_id("ro_1")
        .send()
        .await
        .expect("delete_role");
    let sent = recorder.one();
    assert_eq!(
        (sent.method.as_str(), sent.path.as_str(), sent.raw_query),
        (
            "DELETE",
            "/v2/accounts/a1b2c3d4-acct/permissions/roles/ro_1",
            None
        )
    );
}
