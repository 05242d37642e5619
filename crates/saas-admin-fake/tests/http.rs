//! The fake over plain HTTP, as any client sees it: credentials, bodies and
//! parameters checked like the services check them, errors in each vendor's
//! shape, paging, state kept across calls, and the admin endpoint.

use reqwest::Method;
use saas_admin_fake::{Api, FakeServer, Fault, FaultRule};
use serde_json::{json, Value};

use crate::client::{send, Fake};

#[tokio::test]
async fn ods_credentials_go_in_the_header_or_the_query() {
    let fake = Fake::start().await;
    let url = format!("{}/groups/", fake.fake.ods_base_url());
    let (status, body) = send(fake.http.get(&url), None).await;
    assert_eq!(status, 401);
    assert_eq!(body["error_code"], "authentication_failed");
    assert_eq!(
        body["message"],
        "Authentication credentials were not provided."
    );
    let (status, body) = send(
        fake.http.get(&url).header("authorization", "Apikey wrong"),
        None,
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(body["message"], "Incorrect authentication credentials.");
    let with_query = format!("{url}?apikey={}", fake.fake.ods_api_key());
    let (status, _) = send(fake.http.get(with_query), None).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn cloudinary_takes_basic_auth_for_its_account_and_none_for_public_operations() {
    let fake = Fake::start().await;
    let base = fake.fake.url();
    let groups = format!(
        "{base}/v1_1/provisioning/accounts/{}/user_groups",
        fake.fake.cloudinary_account_id()
    );
    let (status, body) = send(fake.http.get(&groups), None).await;
    assert_eq!(status, 401);
    assert_eq!(body, json!({"error": {"message": "Invalid credentials"}}));
    let (status, _) = send(
        fake.http
            .get(&groups)
            .basic_auth(fake.fake.cloudinary_api_key(), Some("wrong")),
        None,
    )
    .await;
    assert_eq!(status, 401);
    // The right credentials, for another account.
    let other = format!("{base}/v1_1/provisioning/accounts/another/user_groups");
    let (status, _) = send(
        fake.http.get(other).basic_auth(
            fake.fake.cloudinary_api_key(),
            Some(fake.fake.cloudinary_api_secret()),
        ),
        None,
    )
    .await;
    assert_eq!(status, 401);
    // The public reference data needs no credentials.
    let (status, body) = send(
        fake.http
            .get(format!("{base}/v2/accounts/permissions/public/catalog")),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert!(body.is_object());
}

#[tokio::test]
async fn a_bad_body_is_a_400_naming_the_field_in_each_vendors_shape() {
    let fake = Fake::start().await;
    let (status, body) = fake.ods(Method::POST, "/groups/", Some(json!({}))).await;
    assert_eq!(status, 400);
    assert_eq!(body["error_code"], "validation_error");
    assert_eq!(
        body["detail"],
        json!({"title": ["This field is required."]})
    );
    let (status, body) = fake
        .ods(Method::POST, "/groups/", Some(json!({"title": 7})))
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["detail"], json!({"title": ["Not a valid string."]}));
    let (status, body) = fake
        .ods(
            Method::POST,
            "/groups/",
            Some(json!({"title": "x", "permissions": ["fly"]})),
        )
        .await;
    assert_eq!(status, 400);
    assert!(body["detail"]["permissions[0]"][0]
        .as_str()
        .unwrap()
        .contains("not a valid choice"));

    let (status, body) = fake
        .cloudinary(Method::POST, "/user_groups", Some(json!({})))
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["message"], "name: This field is required.");

    let (status, body) = fake
        .cloudinary(Method::POST, "/v2/permissions/roles", Some(json!({})))
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "ACCOUNTS_00005");
    assert_eq!(body["error"]["message"], "missing fields");
    assert_eq!(
        body["error"]["details"]["fields"].as_array().unwrap().len(),
        1
    );
}

#[tokio::test]
async fn query_parameters_are_read_as_their_types() {
    let fake = Fake::start().await;
    let (status, body) = fake.ods(Method::GET, "/groups/?limit=many", None).await;
    assert_eq!(status, 400);
    assert_eq!(
        body["detail"],
        json!({"limit": ["A valid integer is required."]})
    );
    let (status, body) = fake.ods(Method::GET, "/groups/?limit=5000", None).await;
    assert_eq!(status, 400);
    assert!(body["detail"]["limit"][0]
        .as_str()
        .unwrap()
        .contains("less than or equal to 1000"));
    // A required query parameter.
    let sub = "/sub_accounts/nope/access_keys";
    let (status, body) = fake.cloudinary(Method::DELETE, sub, None).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["message"], "name: This field is required.");
}

#[tokio::test]
async fn what_is_created_is_kept_with_the_services_own_fields() {
    let fake = Fake::start().await;
    let (status, group) = fake
        .ods(
            Method::POST,
            "/groups/",
            Some(json!({"title": "Data stewards"})),
        )
        .await;
    assert_eq!(status, 201);
    assert_eq!(group["uid"], "data_stewards");
    assert_eq!(group["user_count"], 0);
    assert!(group["created_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(
        group["created_by"],
        json!({"username": saas_admin_fake::AUTHOR})
    );
    // The same title again: a uid of its own.
    let (_, again) = fake
        .ods(
            Method::POST,
            "/groups/",
            Some(json!({"title": "Data stewards"})),
        )
        .await;
    assert_eq!(again["uid"], "data_stewards_2");

    fake.fake
        .ods()
        .insert("users", json!({"username": "jdoe"}))
        .unwrap();
    let (status, user) = fake
        .ods(
            Method::POST,
            "/groups/data_stewards/users/",
            Some(json!({"username": "jdoe"})),
        )
        .await;
    assert_eq!(status, 201);
    assert_eq!(user["username"], "jdoe");
    let (_, group) = fake.ods(Method::GET, "/groups/data_stewards/", None).await;
    assert_eq!(group["user_count"], 1);
    let (status, members) = fake
        .ods(Method::GET, "/groups/data_stewards/users/", None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(members["results"], json!([user]));

    // A member that is not a user of the portal.
    let (status, body) = fake
        .ods(
            Method::POST,
            "/groups/data_stewards/users/",
            Some(json!({"username": "nobody"})),
        )
        .await;
    assert_eq!(status, 404);
    assert_eq!(body["error_code"], "not_found");

    // Deleting the user takes it out of its groups.
    let (status, _) = fake.ods(Method::DELETE, "/users/jdoe/", None).await;
    assert_eq!(status, 204);
    let (_, group) = fake.ods(Method::GET, "/groups/data_stewards/", None).await;
    assert_eq!(group["user_count"], 0);

    // Deleting the group: gone, and 404 in the vendor's shape.
    let (status, _) = fake
        .ods(Method::DELETE, "/groups/data_stewards/", None)
        .await;
    assert_eq!(status, 204);
    let (status, body) = fake.ods(Method::GET, "/groups/data_stewards/", None).await;
    assert_eq!(status, 404);
    assert_eq!(body["error_code"], "not_found");
    let (status, _) = fake
        .ods(Method::GET, "/groups/data_stewards/users/", None)
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn cloudinary_groups_conflict_by_name_and_embed_their_members() {
    let fake = Fake::start().await;
    let (status, group) = fake
        .cloudinary(
            Method::POST,
            "/user_groups",
            Some(json!({"name": "Designers"})),
        )
        .await;
    assert_eq!(status, 200);
    let id = group["id"].as_str().unwrap().to_string();
    assert_eq!(id.len(), 30);
    assert!(id.chars().all(|c| c.is_ascii_hexdigit()));
    let (status, body) = fake
        .cloudinary(
            Method::POST,
            "/user_groups",
            Some(json!({"name": "Designers"})),
        )
        .await;
    assert_eq!(status, 409);
    assert_eq!(
        body["error"]["message"],
        "name \"Designers\" already exists"
    );

    let (_, user) = fake
        .cloudinary(
            Method::POST,
            "/users",
            Some(json!({"name": "Jane", "email": "jane@example.org", "role": "technical_admin"})),
        )
        .await;
    let user_id = user["id"].as_str().unwrap();
    let members = format!("/user_groups/{id}/users/{user_id}");
    let (status, list) = fake.cloudinary(Method::POST, &members, None).await;
    assert_eq!(status, 200);
    assert_eq!(
        list,
        json!({"users": [{"id": user_id, "name": "Jane", "email": "jane@example.org"}]})
    );
    let (status, _) = fake.cloudinary(Method::POST, &members, None).await;
    assert_eq!(status, 409);
    let (_, group) = fake
        .cloudinary(Method::GET, &format!("/user_groups/{id}"), None)
        .await;
    assert_eq!(group["users"].as_array().unwrap().len(), 1);
    let (status, list) = fake.cloudinary(Method::DELETE, &members, None).await;
    assert_eq!(status, 200);
    assert_eq!(list, json!({"users": []}));
    let (status, _) = fake.cloudinary(Method::DELETE, &members, None).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn ods_pages_link_the_next_and_previous_pages() {
    let fake = Fake::start().await;
    for n in 0..5 {
        fake.ods(
            Method::POST,
            "/groups/",
            Some(json!({"title": format!("group {n}")})),
        )
        .await;
    }
    let (_, page) = fake
        .ods(Method::GET, "/groups/?limit=2&offset=2", None)
        .await;
    assert_eq!(page["total_count"], 5);
    let uids: Vec<&str> = page["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["uid"].as_str().unwrap())
        .collect();
    assert_eq!(uids, ["group_2", "group_3"]);
    let base = fake.fake.ods_base_url();
    assert_eq!(page["next"], format!("{base}/groups/?offset=4&limit=2"));
    assert_eq!(page["previous"], format!("{base}/groups/?offset=0&limit=2"));
    // The next link, followed, is the last page.
    let next = page["next"].as_str().unwrap();
    let (_, last) = send(
        fake.http.get(next).header(
            "authorization",
            format!("Apikey {}", fake.fake.ods_api_key()),
        ),
        None,
    )
    .await;
    assert_eq!(last["results"].as_array().unwrap().len(), 1);
    assert_eq!(last["next"], Value::Null);
}

#[tokio::test]
async fn cloudinary_pages_by_number_and_by_cursor() {
    let fake = FakeServer::builder()
        .cursor_page_size(2)
        .start()
        .await
        .unwrap();
    let fake = Fake::on(fake);
    for n in 0..3 {
        let (status, _) = fake
            .cloudinary(
                Method::POST,
                "/users",
                Some(json!({"name": format!("u{n}"), "email": format!("u{n}@example.org"), "role": "technical_admin"})),
            )
            .await;
        assert_eq!(status, 200);
    }
    let (_, page) = fake
        .cloudinary(Method::GET, "/users?page=2&page_size=2", None)
        .await;
    assert_eq!(page["users"].as_array().unwrap().len(), 1);
    assert_eq!(page["users"][0]["name"], "u2");

    for n in 0..3 {
        let (status, _) = fake
            .cloudinary(
                Method::POST,
                "/v2/permissions/policies/custom",
                Some(json!({
                    "name": format!("p{n}"),
                    "policy_statement": "permit(principal, action, resource);",
                    "scope_type": "account",
                })),
            )
            .await;
        assert_eq!(status, 201);
    }
    let (_, first) = fake
        .cloudinary(Method::GET, "/v2/permissions/policies/custom", None)
        .await;
    assert_eq!(first["data"].as_array().unwrap().len(), 2);
    let cursor = first["next_cursor"].as_str().unwrap();
    let (_, second) = fake
        .cloudinary(
            Method::GET,
            &format!("/v2/permissions/policies/custom?cursor={cursor}"),
            None,
        )
        .await;
    assert_eq!(second["data"].as_array().unwrap().len(), 1);
    assert_eq!(second.get("next_cursor"), None);
}

#[tokio::test]
async fn actions_answer_their_example_adapted_to_the_path() {
    let fake = Fake::with_examples().await;
    // A dataset that exists: its status, from the example.
    let (status, body) = fake
        .ods(Method::GET, "/datasets/da_qf2hyt/status/", None)
        .await;
    assert_eq!(status, 200);
    assert!(body["status"].is_string());
    // A dataset that does not: 404.
    let (status, _) = fake
        .ods(Method::GET, "/datasets/da_nope/status/", None)
        .await;
    assert_eq!(status, 404);
    // Copying makes a new dataset with a uid of the service's shape.
    let (status, copy) = fake
        .ods(Method::POST, "/datasets/da_qf2hyt/copy/", None)
        .await;
    assert_eq!(status, 201);
    let uid = copy["uid"].as_str().unwrap();
    assert!(uid.starts_with("da_") && uid != "da_qf2hyt", "{uid}");
    let (status, _) = fake
        .ods(Method::GET, &format!("/datasets/{uid}/"), None)
        .await;
    assert_eq!(status, 200);
    // A file answer keeps its media type.
    let url = format!("{}/users/export/", fake.fake.ods_base_url());
    let response = fake
        .http
        .get(url)
        .header(
            "authorization",
            format!("Apikey {}", fake.fake.ods_api_key()),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-type"], "text/csv");
}

#[tokio::test]
async fn faults_come_from_the_admin_endpoint_too() {
    let fake = Fake::start().await;
    let admin = format!("{}/_fake", fake.fake.url());
    let response = fake
        .http
        .post(format!("{admin}/faults"))
        .body(r#"{"fault": "status", "status": 503, "times": 1, "api": "ods"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let (status, body) = fake.ods(Method::GET, "/groups/", None).await;
    assert_eq!(status, 503);
    assert_eq!(body["message"], "The fake was asked to fail this request.");
    let (status, _) = fake.ods(Method::GET, "/groups/", None).await;
    assert_eq!(status, 200);

    let (status, body) = send(
        fake.http
            .post(format!("{admin}/faults"))
            .body(r#"{"fault": "rate_limited", "retry_after_secs": 7, "api": "cloudinary"}"#),
        None,
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let response = fake
        .http
        .get(format!(
            "{}/v1_1/provisioning/accounts/{}/users",
            fake.fake.url(),
            fake.fake.cloudinary_account_id()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 420);
    assert_eq!(response.headers()["retry-after"], "7");
    assert_eq!(response.headers()["x-featureratelimit-remaining"], "0");
    assert!(response.headers().contains_key("x-featureratelimit-reset"));
    let (status, _) = send(fake.http.delete(format!("{admin}/faults")), None).await;
    assert_eq!(status, 200);

    let (status, body) = send(fake.http.post(format!("{admin}/faults")).body("{}"), None).await;
    assert_eq!(status, 400, "{body}");
}

#[tokio::test]
async fn the_admin_endpoint_seeds_shows_and_resets_the_state() {
    let fake = Fake::start().await;
    let admin = format!("{}/_fake", fake.fake.url());
    let (status, item) = send(
        fake.http
            .post(format!("{admin}/items"))
            .body(r#"{"api": "ods", "collection": "users", "item": {"username": "jdoe"}}"#),
        None,
    )
    .await;
    assert_eq!(status, 201, "{item}");
    let (_, state) = send(fake.http.get(format!("{admin}/state")), None).await;
    assert_eq!(state["ods"]["users"][0]["item"]["username"], "jdoe");
    let (_, requests) = send(fake.http.get(format!("{admin}/requests")), None).await;
    assert_eq!(requests, json!([]));
    let (status, _) = send(fake.http.post(format!("{admin}/reset?examples=true")), None).await;
    assert_eq!(status, 200);
    let users = fake.fake.ods().items("users").unwrap();
    assert!(users.iter().all(|u| u["username"] != "jdoe"));
    assert!(!users.is_empty(), "the examples are there");
}

#[tokio::test]
async fn the_library_seeds_and_inspects_by_path() {
    let fake = FakeServer::start().await.unwrap();
    let group = fake
        .ods()
        .insert("groups", json!({"title": "Stewards"}))
        .unwrap();
    assert_eq!(group["uid"], "stewards");
    fake.ods()
        .insert("users", json!({"username": "a"}))
        .unwrap();
    fake.ods()
        .insert("groups/stewards/users", json!({"username": "a"}))
        .unwrap();
    assert_eq!(
        fake.ods().get("groups/stewards").unwrap().unwrap()["user_count"],
        1
    );
    let error = fake
        .ods()
        .insert("groups/stewards/users", json!({"username": "nobody"}))
        .unwrap_err();
    assert!(error.to_string().contains("not found"), "{error}");
    let error = fake.ods().items("nowhere").unwrap_err();
    assert!(
        error.to_string().contains("groups/{group_uid}/users"),
        "{error}"
    );
    assert!(fake.ods().remove("groups/stewards").unwrap());
    assert_eq!(fake.ods().get("groups/stewards").unwrap(), None);
    assert!(fake
        .ods()
        .items("groups/stewards/users")
        .unwrap()
        .is_empty());
    fake.inject(FaultRule::new(Fault::Status(500)).api(Api::Cloudinary));
    fake.clear_faults();
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn debug_output_shows_no_credentials() {
    let fake = FakeServer::builder()
        .ods_api_key("ods-secret-key")
        .cloudinary_credentials("acct", "cld-key-123", "cld-secret-456")
        .start()
        .await
        .unwrap();
    let shown = format!(
        "{fake:?} {:?} {:?} {:?}",
        fake.ods(),
        fake.cloudinary(),
        FakeServer::builder().ods_api_key("ods-secret-key")
    );
    for secret in ["ods-secret-key", "cld-key-123", "cld-secret-456"] {
        assert!(!shown.contains(secret), "{shown}");
    }
    let error = FakeServer::builder()
        .cloudinary_account_url("account://cld-key-123:cld-secret-456")
        .unwrap_err();
    assert!(!error.to_string().contains("cld-secret-456"), "{error}");
}
