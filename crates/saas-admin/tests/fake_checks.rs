//! The facade against the fake's checks: the fields the fake refuses come
//! back as the error's details, naming the field; filters and `search`
//! filter; a member list the service pages by its `next` link is walked
//! whole by `into_stream()`.

use futures::TryStreamExt;
use saas_admin::{Cloudinary, Detail, Ods};
use saas_admin_fake::{Api, FakeServer};
use serde_json::json;

async fn ods() -> (FakeServer, Ods) {
    let fake = FakeServer::start().await.expect("the fake starts");
    let ods = Ods::with_base_url(&fake.ods_base_url(), fake.ods_api_key())
        .expect("a client for the fake");
    (fake, ods)
}

async fn cloudinary() -> (FakeServer, Cloudinary) {
    let fake = FakeServer::builder()
        .with_examples()
        .start()
        .await
        .expect("the fake starts");
    let cloudinary = Cloudinary::with_base_url(
        &fake.cloudinary_base_url(),
        fake.cloudinary_account_id(),
        fake.cloudinary_api_key(),
        fake.cloudinary_api_secret(),
    )
    .expect("a client for the fake");
    (fake, cloudinary)
}

fn detail(field: &str, message: &str) -> Vec<Detail> {
    vec![Detail {
        field: field.into(),
        message: message.into(),
    }]
}

#[tokio::test]
async fn a_field_the_fake_refuses_is_the_errors_detail() {
    let (_fake, cloudinary) = cloudinary().await;
    for email in ["not-an-email", "jane@localhost", "jane@exa mple.com"] {
        let error = cloudinary
            .create_user()
            .name("Jane")
            .email(email)
            .send()
            .await
            .expect_err(email);
        assert_eq!(error.status().map(|s| s.as_u16()), Some(400), "{email}");
        assert_eq!(
            error.details(),
            detail("email", "Enter a valid email address."),
            "{email}"
        );
    }

    let (fake, ods) = ods().await;
    fake.ods()
        .insert("datasets", json!({"uid": "da_1", "dataset_id": "d"}))
        .unwrap();
    let error = ods
        .create_dataset_resource()
        .dataset_uid("da_1")
        .type_("csvfile")
        .title(" ")
        .send()
        .await
        .expect_err("a blank title");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(
        error.details(),
        detail("title", "This field may not be blank.")
    );
    // A kind the client does not know, kept whole and sent as it is: the
    // fault names the tag and the kinds the service knows.
    let mut gopher = serde_json::Map::new();
    gopher.insert("type".into(), json!("gopher"));
    let error = ods
        .create_dataset_resource()
        .dataset_uid("da_1")
        .type_("csvfile")
        .title("fromages.csv")
        .datasource(saas_admin::ods::types::ResourceDatasourceRequest::Unknown(
            gopher.into(),
        ))
        .send()
        .await
        .expect_err("a datasource of a kind the service does not know");
    assert_eq!(
        error.details(),
        detail(
            "datasource.type",
            "\"gopher\" is not a valid choice (one of \"http\", \"ftp\", \"sharepoint\", \"google_drive\", \"federated\", \"uploaded_file\", \"amazon_s3\", \"azure_blob_storage\", \"ods_form\", \"snowflake_odbc\")."
        )
    );
}

#[tokio::test]
async fn search_and_the_filters_filter_through_the_builders() {
    let (_fake, ods) = ods().await;
    for (title, description) in [
        ("Data stewards", "Keep the catalog tidy"),
        ("Publishers", "Publish the stewards' datasets"),
        ("Readers", "Read only"),
    ] {
        ods.create_user_group()
            .title(title)
            .description(description)
            .send()
            .await
            .unwrap();
    }
    let titles = |page: Vec<saas_admin::ods::types::UserGroup>| -> Vec<String> {
        page.into_iter().map(|g| g.title).collect()
    };
    let found = ods
        .list_user_groups()
        .search("STEWARD")
        .send()
        .await
        .unwrap();
    assert_eq!(titles(found.results), ["Data stewards", "Publishers"]);
    // An empty search is no filter.
    let all = ods.list_user_groups().search("").send().await.unwrap();
    assert_eq!(
        titles(all.results),
        ["Data stewards", "Publishers", "Readers"]
    );

    let (_fake, cloudinary) = cloudinary().await;
    let names = |users: Vec<saas_admin::cloudinary::types::User>| -> Vec<String> {
        users.into_iter().map(|u| u.name).collect()
    };
    let found = cloudinary
        .list_users()
        .prefix("JOHN_")
        .send()
        .await
        .unwrap();
    assert_eq!(names(found.users), ["john_smith", "john_jones"]);
    let found = cloudinary
        .list_users()
        .emails("jenny_bar@example.com,john_jones@example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(names(found.users), ["john_jones", "jenny_bar"]);
    // Roles: a JSON list of content types, as the vendor documents it; an
    // empty one is no filter.
    let ids = |roles: Vec<saas_admin::cloudinary::types::Role>| -> Vec<String> {
        roles.into_iter().map(|r| r.id).collect()
    };
    let roles = cloudinary
        .list_roles()
        .permission_type("content")
        .policy_parameters(r#"["folder_id"]"#)
        .send()
        .await
        .unwrap();
    assert_eq!(ids(roles.data), ["marketing_content_contributor_1357fhe"]);
    let roles = cloudinary
        .list_roles()
        .permission_type("global")
        .policy_parameters("")
        .send()
        .await
        .unwrap();
    assert_eq!(
        ids(roles.data),
        [
            "cld::role::account::master_admin",
            "custom::role::account::admin_assist"
        ]
    );
}

#[tokio::test]
async fn a_group_of_thirty_members_is_walked_whole_through_its_next_links() {
    let (fake, ods) = ods().await;
    let state = fake.ods();
    state
        .insert("groups", json!({"uid": "stewards", "title": "Stewards"}))
        .unwrap();
    let usernames: Vec<String> = (0..30).map(|i| format!("user{i:02}")).collect();
    for username in &usernames {
        state
            .insert("users", json!({"username": username}))
            .unwrap();
        state
            .insert("groups/stewards/users", json!({"username": username}))
            .unwrap();
    }
    let first = ods
        .list_user_group_users()
        .group_uid("stewards")
        .send()
        .await
        .unwrap();
    assert_eq!(first.results.len(), 20);
    assert!(first.next.is_some());
    let members: Vec<String> = ods
        .list_user_group_users()
        .group_uid("stewards")
        .into_stream()
        .map_ok(|user| user.username)
        .try_collect()
        .await
        .expect("every page");
    assert_eq!(members, usernames);
    // The first page twice (send, then the stream), and the second once.
    assert_eq!(fake.count(Api::Ods, "list_user_group_users"), 3);

    // A dataset's feedbacks, filtered, the filter kept in the links.
    state
        .insert("datasets", json!({"uid": "da_1", "dataset_id": "d"}))
        .unwrap();
    for i in 0..45 {
        let record = if i % 3 == 0 { "r1" } else { "r2" };
        state
            .insert(
                "datasets/da_1/feedbacks",
                json!({
                    "uid": format!("df_{i:02}"),
                    "record_id": record,
                    "user": {"username": "louise"},
                    "comment": "Looks wrong.",
                }),
            )
            .unwrap();
    }
    let feedbacks: Vec<String> = ods
        .list_dataset_feedbacks()
        .dataset_uid("da_1")
        .record_id("r2")
        .into_stream()
        .map_ok(|feedback| feedback.uid)
        .try_collect()
        .await
        .expect("every page");
    let expected: Vec<String> = (0..45)
        .filter(|i| i % 3 != 0)
        .map(|i| format!("df_{i:02}"))
        .collect();
    assert_eq!(feedbacks, expected);
    assert_eq!(fake.count(Api::Ods, "list_dataset_feedbacks"), 2);
}

#[tokio::test]
async fn cloudinarys_member_list_has_no_next_page_and_answers_every_member() {
    let (fake, cloudinary) = cloudinary().await;
    let state = fake.cloudinary();
    let group = state
        .insert("user_groups", json!({"name": "Designers"}))
        .unwrap();
    let group = group["id"].as_str().unwrap().to_string();
    let mut ids = Vec::new();
    for i in 0..30 {
        let user = state
            .insert(
                "users",
                json!({"name": format!("user{i:02}"), "email": format!("user{i:02}@example.com")}),
            )
            .unwrap();
        let id = user["id"].as_str().unwrap().to_string();
        state
            .insert(&format!("user_groups/{group}/users"), json!({"id": id}))
            .unwrap();
        ids.push(id);
    }
    let members = cloudinary
        .list_user_group_users()
        .group_id(&group)
        .send()
        .await
        .unwrap();
    let listed: Vec<String> = members.users.into_iter().map(|u| u.id).collect();
    assert_eq!(listed, ids);
}
