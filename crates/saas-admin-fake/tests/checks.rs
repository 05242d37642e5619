//! The fake checks what it is sent as the services do, for any client:
//! requests in the vendors' own shapes (their documents' examples), each
//! refusal asserted whole, in the vendor's error shape.
//!
//! - `null` is taken wherever the vendor's schema allows it;
//! - a union of kinds is checked as the member its tag names, and a fault
//!   there names that member;
//! - an empty query parameter is no filter; `search` and the other
//!   documented filters filter;
//! - texts: the vendor's lengths, no blank required text, e-mail addresses;
//! - a listing without paging parameters whose answers link a `next` page
//!   is paged all the same.

use reqwest::Method;
use serde_json::{json, Value};

use crate::client::Fake;

impl Fake {
    /// The uid of the example dataset.
    fn dataset(&self) -> String {
        self.fake.ods().items("datasets").unwrap()[0]["uid"]
            .as_str()
            .unwrap()
            .to_string()
    }
}

/// Opendatasoft's 400 naming one field, its trace id taken out (it is the
/// request's own).
fn ods_invalid(field: &str, reason: &str) -> Value {
    json!({
        "error_code": "validation_error",
        "message": "Invalid input.",
        "detail": {field: [reason]},
    })
}

fn without_trace(mut body: Value) -> Value {
    let trace = body
        .as_object_mut()
        .and_then(|b| b.remove("trace_id"))
        .unwrap_or_default();
    assert!(
        trace.as_str().is_some_and(|t| !t.is_empty()),
        "a trace id: {body}"
    );
    body
}

/// The vendor's own example of a resource read over HTTP through a
/// connection defined inline, without authentication.
fn inline_http_resource() -> Value {
    json!({
        "type": "csvfile",
        "title": "fromages.csv",
        "params": {
            "doublequote": true,
            "encoding": "utf-8",
            "first_row_no": 1,
            "headers_first_row": true,
            "separator": ";"
        },
        "datasource": {
            "type": "http",
            "connection": {"type": "http", "url": "https://my-server.com", "auth": null},
            "headers": [{"name": "header-name", "value": "header-value"}],
            "relative_url": "/fromages.csv"
        }
    })
}

#[tokio::test]
async fn null_is_taken_where_the_vendor_allows_it() {
    let fake = Fake::with_examples().await;
    let resources = format!("/datasets/{}/resources/", fake.dataset());
    let cases = [
        (
            "a connection without authentication",
            "/datasource_connections/",
            json!({"type": "http", "url": "https://my-server.com", "auth": null}),
        ),
        (
            "an FTP connection without an account",
            "/datasource_connections/",
            json!({"type": "ftp", "url": "ftps://ftp.example.org", "auth": null}),
        ),
        (
            "a resource whose inline connection has no authentication",
            resources.as_str(),
            inline_http_resource(),
        ),
        (
            "a template field whose nullable members are null",
            "/metadata/templates/",
            json!({
                "name": "quality",
                "title": "Quality",
                "type": "basic",
                "is_active": true,
                "schema": [{
                    "name": "reviewed",
                    "type": "text",
                    "label": "Reviewed",
                    "help_text": null,
                    "choices": null,
                    "labels": null,
                    "suggest_url": null
                }]
            }),
        ),
    ];
    for (what, path, body) in cases {
        let (status, answer) = fake.ods(Method::POST, path, Some(body)).await;
        assert_eq!(status, 201, "{what}: {answer}");
    }
    // Where the vendor does not allow it, null is still refused.
    let (status, body) = fake
        .ods(
            Method::POST,
            "/datasource_connections/",
            Some(json!({"type": "http", "url": null})),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        without_trace(body),
        ods_invalid("url", "This field may not be null. (for type \"http\")")
    );
}

#[tokio::test]
async fn a_union_is_checked_as_the_member_its_tag_names() {
    let fake = Fake::with_examples().await;
    let resources = format!("/datasets/{}/resources/", fake.dataset());
    let with_datasource = |datasource: Value| {
        let mut body = inline_http_resource();
        body["datasource"] = datasource;
        body
    };
    let cases = [
        (
            "an inline connection without its URL",
            with_datasource(json!({"type": "http", "connection": {"type": "http"}})),
            "datasource.connection.url",
            "This field is required. (for datasource.connection with type \"http\")",
        ),
        (
            "an inline FTP connection whose account lacks its password",
            with_datasource(json!({
                "type": "ftp",
                "connection": {"type": "ftp", "url": "ftps://ftp.example.org", "auth": {"type": "basic_auth", "username": "u"}}
            })),
            "datasource.connection.auth.password",
            "This field is required. (for datasource.connection with type \"ftp\")",
        ),
        (
            "an inline connection of a kind no connection has",
            with_datasource(json!({"type": "http", "connection": {"type": "gopher", "url": "gopher://x"}})),
            "datasource.connection.type",
            "\"gopher\" is not a valid choice (one of \"http\", \"ftp\", \"sharepoint\", \"google_drive\", \"amazon_s3\", \"azure_blob_storage\").",
        ),
        (
            "a datasource of a kind no datasource has",
            with_datasource(json!({"type": "gopher"})),
            "datasource.type",
            "\"gopher\" is not a valid choice (one of \"http\", \"ftp\", \"sharepoint\", \"google_drive\", \"federated\", \"uploaded_file\", \"amazon_s3\", \"azure_blob_storage\", \"ods_form\", \"snowflake_odbc\").",
        ),
        (
            "a datasource without its kind",
            with_datasource(json!({"connection": {"uid": "co_qf2hyt"}})),
            "datasource.type",
            "This field is required.",
        ),
        (
            "an uploaded file without the file",
            with_datasource(json!({"type": "uploaded_file"})),
            "datasource.file",
            "This field is required. (for datasource with type \"uploaded_file\")",
        ),
    ];
    for (what, body, field, reason) in cases {
        let (status, answer) = fake.ods(Method::POST, &resources, Some(body)).await;
        assert_eq!(status, 400, "{what}: {answer}");
        assert_eq!(without_trace(answer), ods_invalid(field, reason), "{what}");
    }
    // A connection named by uid is the other member of the union.
    let by_uid = with_datasource(json!({"type": "http", "connection": {"uid": "co_qf2hyt"}}));
    let (status, answer) = fake.ods(Method::POST, &resources, Some(by_uid)).await;
    assert_eq!(status, 201, "{answer}");
}

#[tokio::test]
async fn an_empty_query_parameter_is_no_filter() {
    let fake = Fake::with_examples().await;
    let ids = |body: &Value, at: &str| -> Vec<String> {
        body[at]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().or(i["uid"].as_str()).unwrap().to_string())
            .collect()
    };
    let (_, global) = fake
        .cloudinary(
            Method::GET,
            "/v2/permissions/roles?permission_type=global",
            None,
        )
        .await;
    assert_eq!(
        ids(&global, "data"),
        [
            "cld::role::account::master_admin",
            "custom::role::account::admin_assist"
        ]
    );
    let (status, roles) = fake
        .cloudinary(
            Method::GET,
            "/v2/permissions/roles?permission_type=global&policy_parameters=&scope_type=",
            None,
        )
        .await;
    assert_eq!(status, 200, "{roles}");
    assert_eq!(ids(&roles, "data"), ids(&global, "data"));
    // A value filters: a JSON list as the vendor documents it, or one name.
    let contributor = vec!["marketing_content_contributor_1357fhe"];
    for (query, expected) in [
        ("%5B%22folder_id%22%5D", contributor.clone()),
        ("%5B%22collection_id%22%5D", vec![]),
        ("folder_id", contributor),
    ] {
        let path =
            format!("/v2/permissions/roles?permission_type=content&policy_parameters={query}");
        let (status, roles) = fake.cloudinary(Method::GET, &path, None).await;
        assert_eq!(status, 200, "{roles}");
        assert_eq!(ids(&roles, "data"), expected, "{query}");
    }
    // An empty required parameter is a missing one.
    let (status, body) = fake
        .cloudinary(Method::GET, "/v2/permissions/roles?permission_type=", None)
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"error": {"message": "permission_type: This field is required."}})
    );

    let (_, all_groups) = fake.ods(Method::GET, "/groups/", None).await;
    let (status, groups) = fake
        .ods(Method::GET, "/groups/?search=&permissions=", None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(ids(&groups, "results"), ids(&all_groups, "results"));
}

#[tokio::test]
async fn search_and_the_documented_filters_filter() {
    let fake = Fake::start().await;
    for (title, description) in [
        ("Data stewards", "Keep the catalog tidy"),
        ("Publishers", "Publish datasets of the STEWARDSHIP team"),
        ("Readers", "Read only"),
    ] {
        let (status, _) = fake
            .ods(
                Method::POST,
                "/groups/",
                Some(json!({"title": title, "description": description})),
            )
            .await;
        assert_eq!(status, 201);
    }
    for (username, first, last, email) in [
        ("louise", "Louise", "Martin", "louise@example.org"),
        ("marc", "Marc", "Durand", "marc@data.example.com"),
    ] {
        fake.fake
            .ods()
            .insert(
                "users",
                json!({"username": username, "first_name": first, "last_name": last, "email": email}),
            )
            .unwrap();
    }
    for (name, email) in [
        ("John Smith", "john@example.com"),
        ("johanna Berg", "johanna@example.com"),
        ("Mary Jones", "mary@example.com"),
    ] {
        let (status, user) = fake
            .cloudinary(
                Method::POST,
                "/users",
                Some(json!({"name": name, "email": email})),
            )
            .await;
        assert_eq!(status, 200, "{user}");
    }
    let users = fake.fake.cloudinary().items("users").unwrap();
    let id_of = |name: &str| {
        users.iter().find(|u| u["name"] == name).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (john, mary) = (id_of("John Smith"), id_of("Mary Jones"));
    for (name, cloud_name) in [("Product One", "product1"), ("Sandbox", "sandbox2")] {
        let (status, env) = fake
            .cloudinary(
                Method::POST,
                "/sub_accounts",
                Some(json!({"name": name, "cloud_name": cloud_name})),
            )
            .await;
        assert_eq!(status, 200, "{env}");
    }

    type Listed = (&'static str, &'static str, &'static str);
    let cases: Vec<(String, Listed, Vec<&str>)> = vec![
        // Opendatasoft: a case-insensitive part of the uid, title or description.
        (
            "/groups/?search=STEW".into(),
            ("ods", "results", "title"),
            vec!["Data stewards", "Publishers"],
        ),
        (
            "/groups/?search=readers".into(),
            ("ods", "results", "title"),
            vec!["Readers"],
        ),
        (
            "/groups/?search=nobody".into(),
            ("ods", "results", "title"),
            vec![],
        ),
        // ... of the username, names or e-mail address.
        (
            "/users/?search=DATA.example".into(),
            ("ods", "results", "username"),
            vec!["marc"],
        ),
        (
            "/users/?search=martin".into(),
            ("ods", "results", "username"),
            vec!["louise"],
        ),
        // Cloudinary: the start of the name, whatever the case; ids; addresses.
        (
            "/users?prefix=JOH".into(),
            ("cld", "users", "name"),
            vec!["John Smith", "johanna Berg"],
        ),
        (
            "/users?prefix=smith".into(),
            ("cld", "users", "name"),
            vec![],
        ),
        (
            format!("/users?ids={john},{mary}"),
            ("cld", "users", "name"),
            vec!["John Smith", "Mary Jones"],
        ),
        (
            "/users?emails=mary@example.com".into(),
            ("cld", "users", "name"),
            vec!["Mary Jones"],
        ),
        (
            "/sub_accounts?prefix=product".into(),
            ("cld", "sub_accounts", "name"),
            vec!["Product One"],
        ),
        (
            "/sub_accounts?cloud_names=sandbox2".into(),
            ("cld", "sub_accounts", "name"),
            vec!["Sandbox"],
        ),
    ];
    for (path, (api, items, field), expected) in cases {
        let (status, body) = match api {
            "ods" => fake.ods(Method::GET, &path, None).await,
            _ => fake.cloudinary(Method::GET, &path, None).await,
        };
        assert_eq!(status, 200, "{path}: {body}");
        let listed: Vec<&str> = body[items]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i[field].as_str().unwrap())
            .collect();
        assert_eq!(listed, expected, "{path}");
    }
}

#[tokio::test]
async fn texts_are_checked_as_the_vendor_checks_them() {
    let fake = Fake::with_examples().await;
    let resources = format!("/datasets/{}/resources/", fake.dataset());
    let mut blank_title = inline_http_resource();
    blank_title["title"] = json!("");
    let template = |name: &str| json!({"name": name, "title": "Quality", "type": "basic", "is_active": true, "schema": []});
    let cases = [
        (
            resources.as_str(),
            blank_title,
            "title",
            "This field may not be blank.",
        ),
        (
            "/metadata/templates/",
            template("   "),
            "name",
            "This field may not be blank.",
        ),
        (
            "/datasource_connections/",
            json!({"type": "http", "url": ""}),
            "url",
            "This field may not be blank. (for type \"http\")",
        ),
        (
            "/datasets/",
            json!({"dataset_id": "", "metadata": {}}),
            "dataset_id",
            "This field may not be blank.",
        ),
    ];
    for (path, body, field, reason) in cases {
        let (status, answer) = fake.ods(Method::POST, path, Some(body)).await;
        assert_eq!(status, 400, "{path}: {answer}");
        assert_eq!(without_trace(answer), ods_invalid(field, reason), "{path}");
    }

    let cases = [
        (
            Method::POST,
            "/users",
            json!({"name": "Jane", "email": "not-an-email"}),
        ),
        (
            Method::POST,
            "/users",
            json!({"name": "Jane", "email": "jane@localhost"}),
        ),
        (
            Method::POST,
            "/users",
            json!({"name": "Jane", "email": "jane doe@example.com"}),
        ),
    ];
    for (method, path, body) in cases {
        let (status, answer) = fake.cloudinary(method, path, Some(body.clone())).await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert_eq!(
            answer,
            json!({"error": {"message": "email: Enter a valid email address."}}),
            "{body}"
        );
    }
    let (status, user) = fake
        .cloudinary(
            Method::POST,
            "/users",
            Some(json!({"name": "Jane", "email": "jane.doe+admin@example.co.uk"})),
        )
        .await;
    assert_eq!(status, 200, "{user}");
}

#[tokio::test]
async fn a_member_list_without_paging_parameters_is_paged_by_its_next_link() {
    let fake = Fake::start().await;
    let ods = fake.fake.ods();
    ods.insert("groups", json!({"uid": "stewards", "title": "Stewards"}))
        .unwrap();
    let usernames: Vec<String> = (0..30).map(|i| format!("user{i:02}")).collect();
    for username in &usernames {
        ods.insert("users", json!({"username": username})).unwrap();
        ods.insert("groups/stewards/users", json!({"username": username}))
            .unwrap();
    }
    let base = fake.fake.ods_base_url();
    let (status, first) = fake.ods(Method::GET, "/groups/stewards/users/", None).await;
    assert_eq!(status, 200);
    let listed = |page: &Value| -> Vec<String> {
        page["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["username"].as_str().unwrap().to_string())
            .collect()
    };
    // Pages of the service's default size (its `limit` defaults to 20).
    assert_eq!(listed(&first), usernames[..20]);
    assert_eq!(first["total_count"], 30);
    assert_eq!(first["previous"], Value::Null);
    let next = format!("{base}/groups/stewards/users/?offset=20&limit=20");
    assert_eq!(first["next"], json!(next));
    let (status, second) = fake.ods(Method::GET, &next, None).await;
    assert_eq!(status, 200);
    assert_eq!(listed(&second), usernames[20..]);
    assert_eq!(second["next"], Value::Null);
    assert_eq!(
        second["previous"],
        json!(format!("{base}/groups/stewards/users/?offset=0&limit=20"))
    );

    // A dataset's feedbacks: the same, with the filters kept in the links.
    ods.insert("datasets", json!({"uid": "da_1", "dataset_id": "d"}))
        .unwrap();
    for i in 0..25 {
        ods.insert(
            "datasets/da_1/feedbacks",
            json!({"uid": format!("df_{i:02}"), "record_id": if i % 5 == 0 { "r1" } else { "r2" }, "is_archived": false}),
        )
        .unwrap();
    }
    let (_, page) = fake
        .ods(Method::GET, "/datasets/da_1/feedbacks/?record_id=r2", None)
        .await;
    assert_eq!(page["results"].as_array().unwrap().len(), 20);
    assert_eq!(page["total_count"], 20);
    assert_eq!(page["next"], Value::Null);
    let (_, page) = fake
        .ods(Method::GET, "/datasets/da_1/feedbacks/", None)
        .await;
    assert_eq!(page["total_count"], 25);
    let next = format!("{base}/datasets/da_1/feedbacks/?offset=20&limit=20");
    assert_eq!(page["next"], json!(next));
    let (_, page) = fake.ods(Method::GET, &next, None).await;
    let uids: Vec<&str> = page["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["uid"].as_str().unwrap())
        .collect();
    assert_eq!(uids, ["df_20", "df_21", "df_22", "df_23", "df_24"]);
}

#[tokio::test]
async fn cloudinarys_last_login_range_and_its_overriding_lists_filter_as_documented() {
    let fake = Fake::start().await;
    let mut ids = Vec::new();
    for (name, last_login) in [
        ("ann", Some("2022-03-01T10:00:00Z")),
        ("bob", Some("2023-06-15T08:30:00Z")),
        ("cid", Some("2024-12-31T23:59:59Z")),
        ("dee", None),
    ] {
        let mut user =
            json!({"name": name, "email": format!("{name}@example.com"), "pending": false});
        if let Some(at) = last_login {
            user["last_login"] = json!(at);
        }
        let user = fake.fake.cloudinary().insert("users", user).unwrap();
        ids.push(user["id"].as_str().unwrap().to_string());
    }
    // A last login the service reports as null is in no range.
    fake.fake
        .cloudinary()
        .insert(
            "users",
            json!({"name": "eve", "email": "eve@example.com", "last_login": null}),
        )
        .unwrap();
    let cases = [
        // The flag off (or absent): the range is not looked at.
        (
            "from=2023-01-01&to=2023-12-31".to_string(),
            vec!["ann", "bob", "cid", "dee", "eve"],
        ),
        (
            "last_login=false&from=2023-01-01".to_string(),
            vec!["ann", "bob", "cid", "dee", "eve"],
        ),
        // Inside the range, both days included; a user who never logged in is not.
        (
            "last_login=true&from=2023-06-15&to=2024-12-31".to_string(),
            vec!["bob", "cid"],
        ),
        ("last_login=true&to=2023-06-14".to_string(), vec!["ann"]),
        (
            "last_login=true&from=2023-01-01".to_string(),
            vec!["bob", "cid"],
        ),
        (
            "last_login=true&from=2023-01-01&to=2023-12-31&union_type=include".to_string(),
            vec!["bob"],
        ),
        // Outside it.
        (
            "last_login=true&from=2023-01-01&to=2023-12-31&union_type=exclude".to_string(),
            vec!["ann", "cid", "dee", "eve"],
        ),
        // Ids or addresses given: the other filters are ignored.
        (
            format!("ids={},{}&prefix=zz&pending=true", ids[0], ids[3]),
            vec!["ann", "dee"],
        ),
        (
            "emails=cid@example.com&last_login=true&to=2000-01-01".to_string(),
            vec!["cid"],
        ),
    ];
    for (query, expected) in cases {
        let (status, body) = fake
            .cloudinary(Method::GET, &format!("/users?{query}"), None)
            .await;
        assert_eq!(status, 200, "{query}: {body}");
        let names: Vec<&str> = body["users"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, expected, "{query}");
    }
}
