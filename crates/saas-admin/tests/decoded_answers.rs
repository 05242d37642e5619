//! Answers the specs document without an example, decoded through the
//! facade: the generated operation tests decode the one example of each
//! operation, and these are the other shapes.
//!
//! Ported from `ods-automation/tests/{users_and_keys,security}.rs` and
//! `cld-provisioning/tests/{user_groups,product_environments,users}.rs` (deleted
//! in bad5bf6).
#![cfg(all(feature = "ods", feature = "cloudinary", feature = "mock"))]

use saas_admin::cld_provisioning::types as cld;
use saas_admin::ErrorKind;
use serde_json::{json, Value};

use crate::recorded;
use recorded::*;

#[tokio::test]
async fn search_api_key_decodes_no_match_as_a_null_result() {
    let (server, recorder) = answering(200, Some(json!({"found": false, "result": null}))).await;
    let found = ods(&server.base_url())
        .search_api_key()
        .key(saas_admin::ods_automation::Secret::new("0000"))
        .send()
        .await
        .expect("search_api_key");
    assert!(!found.found);
    assert_eq!(found.result, None);
    assert_eq!(recorder.one().json(), json!({"key": "0000"}));
}

#[tokio::test]
async fn get_api_key_without_expand_decodes_the_owner_by_username() {
    let answer = json!({
        "uid": "ak_1",
        "label": "Nightly catalog sync",
        "user": {"username": "louise.data"},
        "is_revoked": false,
    });
    let (server, recorder) = answering(200, Some(answer.clone())).await;
    let key = ods(&server.base_url())
        .get_api_key()
        .apikey_uid("ak_1")
        .send()
        .await
        .expect("get_api_key");
    let user = key.user.as_ref().expect("the owner");
    assert_eq!(user.username, "louise.data");
    assert_eq!(user.email, None);
    assert!(user.groups.is_empty());
    assert_eq!(serde_json::to_value(&key).unwrap(), answer);
    assert_eq!(recorder.one().query, pairs(&[]));
}

/// `visible_fields: null` means every field; `[]` means none: the two must
/// not decode alike.
#[tokio::test]
async fn a_rulesets_null_fields_and_empty_field_list_decode_apart() {
    let ruleset = |visible_fields: Value| {
        json!({
            "group": {"uid": "data_stewards"},
            "permissions": [],
            "security": {"is_data_visible": false, "visible_fields": visible_fields},
        })
    };
    let mut decoded = Vec::new();
    for fields in [Value::Null, json!([]), json!(["year"])] {
        let (server, _recorder) = answering(200, Some(ruleset(fields))).await;
        let answer = ods(&server.base_url())
            .get_dataset_group_security()
            .dataset_uid("da_1")
            .group_uid("data_stewards")
            .send()
            .await
            .expect("get_dataset_group_security");
        let security = answer.security.expect("security");
        assert_eq!(security.is_data_visible, Some(false));
        decoded.push(security.visible_fields);
    }
    assert_eq!(
        decoded,
        [None, Some(vec![]), Some(vec!["year".to_string()])]
    );
}

#[tokio::test]
async fn add_user_to_user_group_decodes_either_documented_shape_and_fails_on_neither() {
    let members =
        json!({"users": [{"id": "us_1", "name": "John Doe", "email": "john.doe@example.com"}]});
    let user = json!({"id": "us_1", "name": "John Doe", "email": "john.doe@example.com"});
    let mut decoded = Vec::new();
    for answer in [members.clone(), user.clone()] {
        let (server, recorder) = answering(200, Some(answer)).await;
        let added = cloudinary(&server.base_url())
            .add_user_to_user_group()
            .group_id("gr_1")
            .user_id("us_1")
            .send()
            .await
            .expect("add_user_to_user_group");
        let sent = recorder.one();
        assert_eq!(
            (
                sent.method.as_str(),
                sent.path.as_str(),
                sent.body.is_empty()
            ),
            (
                "POST",
                "/v1_1/provisioning/accounts/a1b2c3d4-acct/user_groups/gr_1/users/us_1",
                true
            )
        );
        decoded.push(added);
    }
    assert!(
        matches!(&decoded[0], cld::UserGroupMemberAdded::Members(list) if list.users.len() == 1),
        "{:?}",
        decoded[0]
    );
    assert!(
        matches!(&decoded[1], cld::UserGroupMemberAdded::User(u) if u.id == "us_1" && u.name == "John Doe"),
        "{:?}",
        decoded[1]
    );
    assert_eq!(
        decoded
            .iter()
            .map(|d| serde_json::to_value(d).unwrap())
            .collect::<Vec<_>>(),
        [members, user]
    );
    // Neither the member list nor a user: an error, not an empty list.
    for answer in [
        json!({}),
        json!({"message": "ok"}),
        json!({"id": "us_1"}),
        json!({"members": [{"id": "us_1", "name": "John Doe"}]}),
    ] {
        let (server, _recorder) = answering(200, Some(answer.clone())).await;
        let error = cloudinary(&server.base_url())
            .add_user_to_user_group()
            .group_id("gr_1")
            .user_id("us_1")
            .send()
            .await
            .expect_err("neither shape");
        assert_eq!(error.kind(), ErrorKind::Decode, "{answer}: {error}");
    }
}

#[tokio::test]
async fn get_billing_usage_decodes_monthly_cycles_and_long_decimals_exactly() {
    let figures: [f64; 3] = [94998.38857142857, 24163.967142857142, 13166.894285714287];
    let text = format!(
        r#"[{{"plan_name":"Advanced Annual","metric_usage":[{{"metric":"credit","limit":12000,
        "cycles":[{{"usage":{:?}}},{{"usage":{:?}}},{{"usage":{:?}}}],
        "monthly_cycles":[{{"from_day":"2025-01-01","to_day":"2025-01-31","usage":401,
          "breakdown":{{"bandwidth_image":12.5,"bandwidth_video":0.001}}}},
          {{"from_day":"2025-02-01","to_day":"2025-02-28","usage":0.3}}]}},
        {{"metric":"seats"}}]}}]"#,
        figures[0], figures[1], figures[2]
    );
    let (server, _recorder) = answering(200, Some(serde_json::from_str(&text).unwrap())).await;
    let plans = cloudinary(&server.base_url())
        .get_billing_usage()
        .year(2025)
        .send()
        .await
        .expect("get_billing_usage");
    let metric = &plans[0].metric_usage[0];
    assert_eq!(metric.limit, Some(12000.0));
    let usage: Vec<Option<f64>> = metric.cycles.iter().map(|c| c.usage).collect();
    assert_eq!(usage, figures.map(Some), "the exact doubles of {text}");
    assert_eq!(metric.monthly_cycles.len(), 2);
    assert_eq!(metric.monthly_cycles[0].usage, Some(401.0));
    let breakdown = metric.monthly_cycles[0].breakdown.as_ref().unwrap();
    assert_eq!(breakdown.bandwidth_image, Some(12.5));
    assert_eq!(breakdown.bandwidth_video, Some(0.001));
    assert_eq!(metric.monthly_cycles[1].usage, Some(0.3));
    assert_eq!(
        metric.monthly_cycles[1].from_day,
        chrono::NaiveDate::from_ymd_opt(2025, 2, 1)
    );
    let seats = &plans[0].metric_usage[1];
    assert_eq!(seats.metric, "seats");
    assert_eq!(seats.limit, None);
    assert!(seats.cycles.is_empty());
}

#[tokio::test]
async fn list_users_decodes_a_role_outside_user_role_and_every_optional_field() {
    // Not a spec example: a user with every member the schema lists, a role
    // the caller-side `UserRole` does not have, and a member the schema
    // does not name (dropped).
    let full = json!({
        "users": [{
            "id": "0abed8dfcc039ea05e2a1d494fd442",
            "name": "Ann Lee",
            "first_name": "Ann",
            "last_name": "Lee",
            "role": "custom_role",
            "email": "ann@example.com",
            "pending": false,
            "enabled": false,
            "created_at": "2021-02-03T04:05:06Z",
            "updated_at": "2021-02-04T04:05:06Z",
            "last_login": "2021-02-05T04:05:06Z",
            "all_sub_accounts": false,
            "providers": ["google", "saml"],
            "email_preferences": {"weekly_report": true},
            "account_id": CLD_ACCOUNT,
            "two_factor": true,
            "status": "active",
            "root": false,
            "technical_role": "developer",
            "group_count": 3,
            "sub_account_count": 2
        }]
    });
    let mut answered = full.clone();
    answered["users"][0]["not_in_the_spec"] = json!("ignored");
    let (server, recorder) = answering(200, Some(answered)).await;
    let list = cloudinary(&server.base_url())
        .list_users()
        .send()
        .await
        .expect("list_users");
    let text = |s: &str| Some(s.to_string());
    assert_eq!(
        list.users,
        [cld::User {
            id: "0abed8dfcc039ea05e2a1d494fd442".to_string(),
            name: "Ann Lee".to_string(),
            first_name: text("Ann"),
            last_name: text("Lee"),
            role: text("custom_role"),
            email: text("ann@example.com"),
            pending: Some(false),
            enabled: Some(false),
            created_at: utc(2021, 2, 3, 4, 5, 6),
            updated_at: utc(2021, 2, 4, 4, 5, 6),
            last_login: utc(2021, 2, 5, 4, 5, 6),
            all_sub_accounts: Some(false),
            providers: vec!["google".to_string(), "saml".to_string()],
            email_preferences: json!({"weekly_report": true}).as_object().unwrap().clone(),
            account_id: text(CLD_ACCOUNT),
            two_factor: Some(true),
            status: text("active"),
            root: Some(false),
            technical_role: text("developer"),
            group_count: Some(3),
            sub_account_count: Some(2),
        }]
    );
    // The role is not one `UserRole` names: a caller reading it as one
    // keeps the word.
    let role: cld::UserRole = list.users[0].role.as_deref().unwrap().parse().unwrap();
    assert_eq!(role, cld::UserRole::Unknown("custom_role".to_string()));
    assert_eq!(serde_json::to_value(&list).unwrap(), full);
    let sent = recorder.one();
    assert_eq!(
        sent.path,
        format!("/v1_1/provisioning/accounts/{CLD_ACCOUNT}/users")
    );
    assert_eq!(sent.raw_query, None);
}
