//! How the Cloudinary operations write their query strings, byte for byte:
//! ids and emails as one comma-separated value, dates as zero-padded
//! calendar days, booleans as the words `true` and `false`, array
//! parameters as one key per value, a JSON text percent-encoded whole, a
//! value with reserved characters kept one value; and the key and secret
//! only inside the Basic header.
//!
//! Ported from `cld-provisioning/tests/{users,product_environments,permissions,user_groups}.rs`
//! (deleted in bad5bf6). The generated operation tests send one sample of
//! each parameter and compare decoded pairs: these compare the raw query.
#![cfg(all(feature = "cloudinary", feature = "mock"))]

use chrono::NaiveDate;
use saas_admin::cld_provisioning::types;

use crate::recorded;
use recorded::*;

const USERS: &str = "/v1_1/provisioning/accounts/a1b2c3d4-acct/users";
const ENVIRONMENTS: &str = "/v1_1/provisioning/accounts/a1b2c3d4-acct/sub_accounts";
const IDS: &str = "0abed8dfcc039ea05e2a1d494fd442,139147faa12ce11f22cfaffa84b307";
const EMAILS: &str = "john_smith@example.com,john_jones@example.com";
const SUB_ACCOUNT: &str = "abcde1fghij2klmno3pqrst4uvwxy5z";
const OTHER_SUB_ACCOUNT: &str = "0aaaaa1bbbbb2ccccc3ddddd4eeeee5f";

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The raw query's pairs, sorted by name (the order of one name's values
/// is kept: the sort is stable).
fn raw_pairs(sent: &Sent) -> Vec<String> {
    let mut pairs: Vec<String> = sent
        .raw_query
        .as_deref()
        .unwrap_or("")
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(str::to_string)
        .collect();
    pairs.sort_by(|a, b| a.split('=').next().cmp(&b.split('=').next()));
    pairs
}

#[tokio::test]
async fn list_users_sends_every_filter_with_its_exact_wire_value() {
    let (server, recorder) = answering_cld("list_users").await;
    cloudinary(&server.base_url())
        .list_users()
        .pending(false)
        .ids(IDS)
        .emails(EMAILS)
        .prefix("john")
        .sub_account_id(SUB_ACCOUNT)
        .last_login(true)
        .from(date(2023, 1, 1))
        .to(date(2024, 12, 31))
        .union_type(types::UserLastLoginUnion::Exclude)
        .sort_order(types::UserSortOrder::Asc)
        .sort_by(types::UserSortBy::CreatedAt)
        .page(2)
        .page_size(50)
        .send()
        .await
        .expect("list_users");
    let sent = recorder.one();
    assert_eq!(sent.path, USERS);
    // One `ids` and one `emails`, their commas (and the `@`s)
    // percent-encoded inside the single value.
    assert_eq!(
        raw_pairs(&sent),
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
        ]
    );
}

#[tokio::test]
async fn list_users_sends_the_last_login_range_as_zero_padded_calendar_days_and_pending_as_true() {
    let (server, recorder) = answering_cld("list_users").await;
    let client = cloudinary(&server.base_url());
    client
        .list_users()
        .last_login(true)
        .from(date(2024, 3, 5))
        .to(date(2024, 4, 9))
        .send()
        .await
        .expect("list_users");
    client
        .list_users()
        .pending(true)
        .send()
        .await
        .expect("list_users");
    let sent: Vec<Vec<String>> = recorder.sent().iter().map(raw_pairs).collect();
    // A date, not a date-time: no `T00:00:00`, no zone.
    assert_eq!(
        sent,
        [
            vec!["from=2024-03-05", "last_login=true", "to=2024-04-09"],
            vec!["pending=true"],
        ]
    );
}

#[tokio::test]
async fn list_product_environments_sends_ids_and_cloud_names_as_one_key_per_value() {
    let (server, recorder) = answering_cld("list_product_environments").await;
    let client = cloudinary(&server.base_url());
    client
        .list_product_environments()
        .ids([SUB_ACCOUNT, OTHER_SUB_ACCOUNT])
        .send()
        .await
        .expect("two ids");
    client
        .list_product_environments()
        .cloud_names(["product1", "product2"])
        .send()
        .await
        .expect("two cloud names");
    client
        .list_product_environments()
        .ids([SUB_ACCOUNT])
        .send()
        .await
        .expect("one id");
    client
        .list_product_environments()
        .enabled(true)
        .ids([SUB_ACCOUNT, OTHER_SUB_ACCOUNT])
        .cloud_names(["product1", "product2"])
        .prefix("product")
        .send()
        .await
        .expect("every filter");
    let sent = recorder.sent();
    assert!(sent.iter().all(|s| s.path == ENVIRONMENTS), "{sent:?}");
    let raw: Vec<Option<String>> = sent.into_iter().map(|s| s.raw_query).collect();
    assert_eq!(
        raw,
        [
            Some(format!("ids={SUB_ACCOUNT}&ids={OTHER_SUB_ACCOUNT}")),
            Some("cloud_names=product1&cloud_names=product2".to_string()),
            Some(format!("ids={SUB_ACCOUNT}")),
            Some(format!(
                "cloud_names=product1&cloud_names=product2&enabled=true&ids={SUB_ACCOUNT}&ids={OTHER_SUB_ACCOUNT}&prefix=product"
            )),
        ]
    );
}

#[tokio::test]
async fn values_with_reserved_characters_stay_one_value_and_false_is_the_word_false() {
    let (server, recorder) = answering_cld("list_product_environments").await;
    cloudinary(&server.base_url())
        .list_product_environments()
        .enabled(false)
        .prefix("Product 1&x=y")
        .send()
        .await
        .expect("list_product_environments");
    // httpmock decodes the values: a raw `&` or `=` would split the value.
    assert_eq!(
        recorder.one().query,
        pairs(&[("enabled", "false"), ("prefix", "Product 1&x=y")])
    );

    let (server, recorder) = answering_cld("delete_access_key_by_name").await;
    cloudinary(&server.base_url())
        .delete_access_key_by_name()
        .sub_account_id(SUB_ACCOUNT)
        .name("ci key&env=prod/1")
        .send()
        .await
        .expect("delete_access_key_by_name");
    let sent = recorder.one();
    assert_eq!(
        (sent.method.as_str(), sent.path),
        (
            "DELETE",
            format!("{ENVIRONMENTS}/{SUB_ACCOUNT}/access_keys")
        )
    );
    assert_eq!(sent.query, pairs(&[("name", "ci key&env=prod/1")]));

    let (server, recorder) = answering_cld("get_billing_usage").await;
    cloudinary(&server.base_url())
        .get_billing_usage()
        .include_prodenv_breakdown(false)
        .send()
        .await
        .expect("get_billing_usage");
    assert_eq!(
        recorder.one().raw_query.as_deref(),
        Some("include_prodenv_breakdown=false")
    );

    let (server, recorder) = answering_cld("get_user_group").await;
    cloudinary(&server.base_url())
        .get_user_group()
        .group_id("gr_1")
        .extended_details(false)
        .send()
        .await
        .expect("get_user_group");
    assert_eq!(
        recorder.one().raw_query.as_deref(),
        Some("extended_details=false")
    );
}

#[tokio::test]
async fn list_roles_sends_the_content_types_as_json_text_percent_encoded_whole() {
    let (server, recorder) = answering_cld("list_roles").await;
    let client = cloudinary(&server.base_url());
    for parameters in [r#"["folder_id"]"#, r#"["folder_id","collection_id"]"#] {
        client
            .list_roles()
            .permission_type(types::PermissionType::Content)
            .management_type(types::RoleManagementType::Custom)
            .scope_type(types::PermissionsScopeType::Prodenv)
            .policy_parameters(parameters)
            .send()
            .await
            .expect("list_roles");
    }
    let sent: Vec<Vec<String>> = recorder.sent().iter().map(raw_pairs).collect();
    // Brackets, quotes and the comma percent-encoded.
    assert_eq!(
        sent,
        [
            vec![
                "management_type=custom",
                "permission_type=content",
                "policy_parameters=%5B%22folder_id%22%5D",
                "scope_type=prodenv",
            ],
            vec![
                "management_type=custom",
                "permission_type=content",
                "policy_parameters=%5B%22folder_id%22%2C%22collection_id%22%5D",
                "scope_type=prodenv",
            ],
        ]
    );
}

#[tokio::test]
async fn list_role_principals_repeats_the_array_keys_once_per_value() {
    let (server, recorder) = answering_cld("list_role_principals").await;
    cloudinary(&server.base_url())
        .list_role_principals()
        .role_id("ro_1")
        .scope_type(types::PermissionsScopeType::Prodenv)
        .scope_id("975l29lz02jt0836fhwi")
        .verbose(true)
        .param_key(["folder_id", "collection_id"])
        .param_value(["asdfjkl12347890", "7d1e6a2f0c5b4e39"])
        .send()
        .await
        .expect("list_role_principals");
    let sent = recorder.one();
    assert_eq!(
        sent.path,
        "/v2/accounts/a1b2c3d4-acct/permissions/roles/ro_1/principals"
    );
    assert_eq!(
        raw_pairs(&sent),
        [
            "param_key=folder_id",
            "param_key=collection_id",
            "param_value=asdfjkl12347890",
            "param_value=7d1e6a2f0c5b4e39",
            "scope_id=975l29lz02jt0836fhwi",
            "scope_type=prodenv",
            "verbose=true",
        ]
    );
}

/// A call with a query string and calls with a body: the key and the
/// secret are in neither, only in the Basic header.
#[tokio::test]
async fn the_key_and_secret_travel_only_inside_the_basic_header() {
    let (server, recorder) = answering(200, Some(serde_json::json!({}))).await;
    let client = cloudinary(&server.base_url());
    let _ = client.list_users().prefix("john").page(2).send().await;
    let _ = client
        .create_user()
        .name("jenny_bar")
        .email("jenny_bar@example.com")
        .send()
        .await;
    let _ = client.create_user_group().name("Designers").send().await;
    let _ = client
        .list_roles()
        .permission_type(types::PermissionType::Content)
        .send()
        .await;
    let sent = recorder.sent();
    assert_eq!(sent.len(), 4, "{sent:?}");
    for request in &sent {
        assert_eq!(request.header("authorization"), [CLD_AUTHORIZATION]);
        let text = request.everything_but_authorization();
        for secret in [CLD_KEY, CLD_SECRET] {
            assert!(
                !text.contains(secret),
                "{secret} outside the header:\n{text}"
            );
        }
    }
}
