//! Each value of an enum parameter travels under the spec's word, written
//! out here rather than taken from the generated Display: every sort field
//! and direction, every template type, every user role, and both boolean
//! words. The generated operation tests send one sample value each.
//!
//! Ported from `ods-automation/tests/{users_and_keys,harvesters,pages,datasets}.rs`
//! and `cld-provisioning/tests/{users,product_environments}.rs` (deleted in
//! bad5bf6); `list_user_groups`' sort names are in `query_encoding.rs`.
#![cfg(all(feature = "ods", feature = "cloudinary", feature = "mock"))]

use saas_admin::cld_provisioning::types as cld;
use saas_admin::ods_automation::types as ods_types;
use serde_json::json;

use crate::recorded;
use recorded::*;

/// The query of each request `recorder` saw, in order.
fn queries(recorder: &Recorder) -> Vec<Vec<(String, String)>> {
    recorder.sent().into_iter().map(|s| s.query).collect()
}

/// `[(name, word)]` for each word: the queries expected, one per call.
fn one_each(name: &str, words: &[&str]) -> Vec<Vec<(String, String)>> {
    words.iter().map(|w| pairs(&[(name, w)])).collect()
}

#[tokio::test]
async fn ods_list_users_sends_each_sort_field_under_the_specs_name() {
    use ods_types::UserSort as S;
    let cases = [
        (S::Username, "username"),
        (S::FirstName, "first_name"),
        (S::LastName, "last_name"),
        (S::LastSeenAt, "last_seen_at"),
    ];
    let (server, recorder) = answering_ods("list_users").await;
    let client = ods(&server.base_url());
    for (sort, _) in &cases {
        client
            .list_users()
            .sort([sort.clone()])
            .send()
            .await
            .expect("list_users");
    }
    // Two at once: the parameter repeated, in order.
    client
        .list_users()
        .sort([S::LastName, S::FirstName])
        .send()
        .await
        .expect("list_users");
    let words: Vec<&str> = cases.iter().map(|(_, w)| *w).collect();
    let mut expected = one_each("sort", &words);
    expected.push(pairs(&[("sort", "last_name"), ("sort", "first_name")]));
    assert_eq!(queries(&recorder), expected);
}

#[tokio::test]
async fn list_datasource_connections_sends_each_sort_value_under_the_specs_name() {
    use ods_types::DatasourceConnectionSort as S;
    let cases = [
        (S::CreatedAt, "created_at"),
        (S::CreatedAtDescending, "-created_at"),
        (S::UpdatedAt, "updated_at"),
        (S::UpdatedAtDescending, "-updated_at"),
        (S::Type, "type"),
        (S::TypeDescending, "-type"),
        (S::DatasetCount, "dataset_count"),
        (S::DatasetCountDescending, "-dataset_count"),
    ];
    let (server, recorder) = answering_ods("list_datasource_connections").await;
    let client = ods(&server.base_url());
    for (sort, _) in &cases {
        client
            .list_datasource_connections()
            .sort(sort.clone())
            .send()
            .await
            .expect("list_datasource_connections");
    }
    let words: Vec<&str> = cases.iter().map(|(_, w)| *w).collect();
    assert_eq!(queries(&recorder), one_each("sort", &words));
    // And each word reads back as the same variant.
    for (sort, word) in cases {
        assert_eq!(serde_json::from_value::<S>(json!(word)).unwrap(), sort);
    }
}

#[tokio::test]
async fn list_metadata_templates_sends_each_type_under_the_specs_name_and_false_as_false() {
    use ods_types::MetadataTemplateType as T;
    let cases = [
        (T::Interop, "interop"),
        (T::Basic, "basic"),
        (T::Extra, "extra"),
        (T::Admin, "admin"),
    ];
    let (server, recorder) = answering_ods("list_metadata_templates").await;
    let client = ods(&server.base_url());
    for (type_, _) in &cases {
        client
            .list_metadata_templates()
            .type_(type_.clone())
            .is_active(false)
            .send()
            .await
            .expect("list_metadata_templates");
    }
    let mut sent = queries(&recorder);
    sent.iter_mut().for_each(|q| q.sort());
    let expected: Vec<_> = cases
        .iter()
        .map(|(_, w)| pairs(&[("is_active", "false"), ("type", w)]))
        .collect();
    assert_eq!(sent, expected);
}

#[tokio::test]
async fn ods_booleans_travel_as_the_words_true_and_false() {
    let (server, recorder) = answering(204, None).await;
    let client = ods(&server.base_url());
    for delete in [true, false] {
        client
            .delete_harvester()
            .harvester_uid("ha_1")
            .delete_attached_datasets(delete)
            .send()
            .await
            .expect("delete_harvester");
    }
    let sent = recorder.sent();
    assert!(
        sent.iter()
            .all(|s| s.method == "DELETE" && s.path == "/harvesters/ha_1/"),
        "{sent:?}"
    );
    assert_eq!(
        queries(&recorder),
        one_each("delete_attached_datasets", &["true", "false"])
    );

    let (server, recorder) = answering_ods("list_dataset_feedbacks").await;
    ods(&server.base_url())
        .list_dataset_feedbacks()
        .dataset_uid("da_1")
        .is_archived(false)
        .sort("-created_at")
        .send()
        .await
        .expect("list_dataset_feedbacks");
    let mut query = recorder.one().query;
    query.sort();
    assert_eq!(
        query,
        pairs(&[("is_archived", "false"), ("sort", "-created_at")])
    );
}

#[tokio::test]
async fn cloudinary_list_users_sends_every_sort_and_union_value_by_its_wire_name() {
    let (server, recorder) = answering_cld("list_users").await;
    let client = cloudinary(&server.base_url());
    let sort_by = [
        (cld::UserSortBy::Name, "name"),
        (cld::UserSortBy::Role, "role"),
        (cld::UserSortBy::Status, "status"),
        (cld::UserSortBy::Activity, "activity"),
        (cld::UserSortBy::CreatedAt, "created_at"),
    ];
    for (value, _) in &sort_by {
        client
            .list_users()
            .sort_by(value.clone())
            .send()
            .await
            .expect("sort_by");
    }
    let sort_order = [
        (cld::UserSortOrder::Desc, "desc"),
        (cld::UserSortOrder::Asc, "asc"),
    ];
    for (value, _) in &sort_order {
        client
            .list_users()
            .sort_order(value.clone())
            .send()
            .await
            .expect("sort_order");
    }
    let union_type = [
        (cld::UserLastLoginUnion::Include, "include"),
        (cld::UserLastLoginUnion::Exclude, "exclude"),
    ];
    for (value, _) in &union_type {
        client
            .list_users()
            .union_type(value.clone())
            .send()
            .await
            .expect("union_type");
    }
    let mut expected = one_each("sort_by", &sort_by.map(|(_, w)| w));
    expected.extend(one_each("sort_order", &sort_order.map(|(_, w)| w)));
    expected.extend(one_each("union_type", &union_type.map(|(_, w)| w)));
    assert_eq!(queries(&recorder), expected);
}

#[tokio::test]
async fn list_access_keys_sends_every_sort_field_and_direction_by_its_spec_name() {
    let (server, recorder) = answering_cld("list_access_keys").await;
    let client = cloudinary(&server.base_url());
    let sort_by = [
        (cld::AccessKeySortBy::ApiKey, "api_key"),
        (cld::AccessKeySortBy::CreatedAt, "created_at"),
        (cld::AccessKeySortBy::Name, "name"),
        (cld::AccessKeySortBy::Enabled, "enabled"),
    ];
    for (value, _) in &sort_by {
        client
            .list_access_keys()
            .sub_account_id("se_1")
            .sort_by(value.clone())
            .send()
            .await
            .expect("sort_by");
    }
    let sort_order = [
        (cld::AccessKeySortOrder::Desc, "desc"),
        (cld::AccessKeySortOrder::Asc, "asc"),
    ];
    for (value, _) in &sort_order {
        client
            .list_access_keys()
            .sub_account_id("se_1")
            .sort_order(value.clone())
            .send()
            .await
            .expect("sort_order");
    }
    let mut expected = one_each("sort_by", &sort_by.map(|(_, w)| w));
    expected.extend(one_each("sort_order", &sort_order.map(|(_, w)| w)));
    assert_eq!(queries(&recorder), expected);
}

#[tokio::test]
async fn create_user_sends_every_role_by_its_wire_name() {
    let roles = [
        (cld::UserRole::MasterAdmin, "master_admin"),
        (cld::UserRole::Admin, "admin"),
        (cld::UserRole::Billing, "billing"),
        (cld::UserRole::TechnicalAdmin, "technical_admin"),
        (cld::UserRole::Reports, "reports"),
        (cld::UserRole::MediaLibraryAdmin, "media_library_admin"),
        (cld::UserRole::MediaLibraryUser, "media_library_user"),
    ];
    let (server, recorder) = answering_cld("create_user").await;
    let client = cloudinary(&server.base_url());
    for (role, _) in &roles {
        client
            .create_user()
            .name("n")
            .email("n@example.com")
            .role(role.clone())
            .send()
            .await
            .expect("create_user");
    }
    let bodies: Vec<_> = recorder.sent().iter().map(Sent::json).collect();
    let expected: Vec<_> = roles
        .iter()
        .map(|(_, w)| json!({"name": "n", "email": "n@example.com", "role": w}))
        .collect();
    assert_eq!(bodies, expected);
}
