//! The facade's own promises: configuration is checked before anything is
//! sent, the Cloudinary account id is given once, credentials never show.

use httpmock::MockServer;
use saas_admin::{parse_account_url, Cloudinary, ConfigError, Ods, Region};

const KEY: &str = "key-1234567890";
const SECRET: &str = "s3cr3t-abcdefgh";

#[test]
fn account_urls_split_into_id_key_and_secret() {
    assert_eq!(
        parse_account_url("account://KEY:SEC:RET@acc-1").unwrap(),
        ("acc-1", "KEY", "SEC:RET")
    );
    for bad in [
        "cloudinary://KEY:SECRET@acc",
        "account://KEYSECRET@acc",
        "account://KEY:SECRET@",
        "account://:SECRET@acc",
        "account://KEY:@acc",
        "account://KEY:SECRET",
    ] {
        let err = parse_account_url(bad).unwrap_err();
        assert_eq!(
            err,
            ConfigError::Malformed {
                name: "the Cloudinary account URL",
                expected: "account://KEY:SECRET@ACCOUNT_ID"
            },
            "{bad}"
        );
        // The message says what is expected and never echoes the input.
        let message = err.to_string();
        assert!(
            message.contains("account://KEY:SECRET@ACCOUNT_ID"),
            "{message}"
        );
        assert!(!message.contains("SECRET@acc"), "{message}");
    }
}

#[test]
fn bad_configuration_is_refused_with_a_clear_error() {
    assert_eq!(
        Ods::new("", KEY).unwrap_err().to_string(),
        "the Opendatasoft domain is empty"
    );
    assert_eq!(
        Ods::new("https://portal.example.com", KEY).unwrap_err(),
        ConfigError::Malformed {
            name: "the Opendatasoft domain",
            expected: "a host name such as yourportal.opendatasoft.com, without scheme or path",
        }
    );
    assert_eq!(
        Ods::new("portal.example.com", " ").unwrap_err().to_string(),
        "the Opendatasoft API key is empty"
    );
    assert_eq!(
        Ods::with_base_url("ftp://portal.example.com", KEY)
            .unwrap_err()
            .to_string(),
        "the Opendatasoft base URL is malformed: expected an absolute http:// or https:// URL"
    );
    assert_eq!(
        Cloudinary::new("acc", KEY, "", Region::Eu)
            .unwrap_err()
            .to_string(),
        "the Cloudinary API secret is empty"
    );
    let with_line_break = format!("{SECRET}\r\nX-Injected: 1");
    let err = Cloudinary::new("acc", KEY, &with_line_break, Region::Us).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the Cloudinary API key or secret contains control characters (a line break?)"
    );
}

#[test]
fn debug_output_never_shows_credentials() {
    let ods = Ods::new("portal.example.com", KEY).unwrap();
    let cloudinary = Cloudinary::new("acc-1", KEY, SECRET, Region::Ap).unwrap();
    for text in [
        format!("{ods:?}"),
        format!("{cloudinary:?}"),
        format!("{:?}", ods.client()),
        format!("{:?}", cloudinary.client()),
    ] {
        assert!(!text.contains(KEY), "{text}");
        assert!(!text.contains(SECRET), "{text}");
    }
    assert_eq!(
        format!("{cloudinary:?}"),
        r#"Cloudinary { base_url: "https://api-ap.cloudinary.com", account_id: "acc-1", .. }"#
    );
    assert_eq!(
        format!("{ods:?}"),
        r#"Ods { base_url: "https://portal.example.com/api/automation/v1.0", .. }"#
    );
}

#[tokio::test]
async fn cloudinary_calls_carry_the_configured_account_id_and_basic_auth() {
    let server = MockServer::start_async().await;
    // base64("key-1234567890:s3cr3t-abcdefgh")
    let mock = server.mock(|when, then| {
        when.method("GET")
            .path("/v1_1/provisioning/accounts/acc-42/user_groups")
            .header(
                "authorization",
                "Basic a2V5LTEyMzQ1Njc4OTA6czNjcjN0LWFiY2RlZmdo",
            );
        then.status(200)
            .header("content-type", "application/json")
            .body(r#"{"user_groups":[{"id":"g1","name":"editors"}]}"#);
    });
    // A trailing slash on the base URL does not double the path's slash.
    let base_url = format!("{}/", server.base_url());
    let cloudinary = Cloudinary::with_base_url(&base_url, "acc-42", KEY, SECRET).unwrap();
    let groups = cloudinary.list_user_groups().send().await.unwrap();
    assert_eq!(groups.user_groups.len(), 1);
    assert_eq!(groups.user_groups[0].name, "editors");
    mock.assert_async().await;
}

#[tokio::test]
async fn ods_calls_carry_the_api_key_header() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.method("DELETE")
            .path("/groups/stewards/")
            .header("authorization", format!("Apikey {KEY}"));
        then.status(204);
    });
    let ods = Ods::with_base_url(&server.base_url(), KEY).unwrap();
    ods.delete_user_group()
        .group_uid("stewards")
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn a_key_in_the_query_is_sent_only_when_asked_for_and_never_in_errors() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.method("GET")
            .path("/groups/")
            .query_param("apikey", KEY)
            .query_param_count(".*", ".*", 1)
            .header_missing("authorization");
        then.status(200)
            .header("content-type", "application/json")
            .body(r#"{"total_count":0,"next":null,"previous":null,"results":[]}"#);
    });
    let ods = Ods::builder()
        .base_url(server.base_url())
        .api_key(KEY)
        .api_key_in_query(true)
        .build()
        .unwrap();
    let page = ods.list_user_groups().send().await.unwrap();
    assert!(page.results.is_empty());
    mock.assert_async().await;
    assert!(!format!("{ods:?}").contains(KEY));

    // A failed call: nothing listens on the port any more.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let ods = Ods::builder()
        .base_url(dead)
        .api_key(KEY)
        .api_key_in_query(true)
        .retry(saas_admin::RetryPolicy::disabled())
        .build()
        .unwrap();
    let error = ods.list_user_groups().send().await.unwrap_err();
    for text in [error.to_string(), format!("{error:?}")] {
        assert!(!text.contains(KEY), "{text}");
    }
}

#[tokio::test]
async fn every_request_says_who_sends_it() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.method("DELETE").path("/groups/g/").header(
            "user-agent",
            concat!("saas-admin/", env!("CARGO_PKG_VERSION")),
        );
        then.status(204);
    });
    let ods = Ods::with_base_url(&server.base_url(), KEY).unwrap();
    ods.delete_user_group().group_uid("g").send().await.unwrap();
    mock.assert_async().await;

    let custom = server.mock(|when, then| {
        when.method("DELETE")
            .path("/groups/h/")
            .header("user-agent", "my-tool/2.0");
        then.status(204);
    });
    let ods = Ods::builder()
        .base_url(server.base_url())
        .api_key(KEY)
        .user_agent("my-tool/2.0")
        .build()
        .unwrap();
    ods.delete_user_group().group_uid("h").send().await.unwrap();
    custom.assert_async().await;
}

/// A body set field by field sends exactly the JSON of the same body set
/// whole; the typed value is built once, in the test.
#[tokio::test]
async fn a_body_set_field_by_field_sends_the_json_of_the_body_set_whole() {
    use saas_admin::ods::types;
    let server = MockServer::start_async().await;
    let whole = types::UserGroupRequest {
        title: "Data stewards".into(),
        description: Some("Curate the catalogue".into()),
        permissions: Some(vec![types::Permission::EditDataset]),
        explore_limits: None,
        management_limits: None,
    };
    let expected = serde_json::to_value(&whole).unwrap();
    let mock = server.mock(|when, then| {
        when.method("POST")
            .path("/groups/")
            .json_body(expected.clone());
        then.status(201)
            .header("content-type", "application/json")
            .body(saas_admin::ods_automation::examples::example("create_user_group", 201).unwrap());
    });
    let ods = Ods::with_base_url(&server.base_url(), "k").unwrap();
    ods.create_user_group()
        .title("Data stewards")
        .description(String::from("Curate the catalogue"))
        .permissions([types::Permission::EditDataset])
        .send()
        .await
        .unwrap();
    ods.create_user_group().body(whole).send().await.unwrap();
    mock.assert_calls_async(2).await;
}

/// An enum setter takes a variant, the service's name for one, or a name the
/// spec does not list yet, which is sent as written.
#[tokio::test]
async fn an_enum_value_the_spec_does_not_list_is_sent_as_written() {
    use saas_admin::ods::types::Permission;
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.method("POST")
            .path("/groups/")
            .json_body(serde_json::json!({
                "title": "t",
                "permissions": ["edit_dataset", "edit_dataset", "manage_ai_assistant"],
            }));
        then.status(201)
            .header("content-type", "application/json")
            .body(saas_admin::ods_automation::examples::example("create_user_group", 201).unwrap());
    });
    let ods = Ods::with_base_url(&server.base_url(), "k").unwrap();
    ods.create_user_group()
        .title("t")
        .permissions([
            Permission::EditDataset,
            Permission::from("edit_dataset"),
            Permission::from("manage_ai_assistant"),
        ])
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(
        Permission::from("manage_ai_assistant"),
        Permission::Unknown("manage_ai_assistant".into())
    );
    assert_eq!(Permission::from("edit_dataset").to_string(), "edit_dataset");
}

/// Builders, their `send()` futures and their streams own what they need:
/// they run on other tasks, from a client that was dropped meanwhile.
#[tokio::test]
async fn a_call_and_a_stream_can_be_spawned() {
    let server = MockServer::start_async().await;
    let page = serde_json::json!({
        "results": [{"username": "ann"}, {"username": "bob"}],
        "total_count": 2,
        "next": null,
        "previous": null
    });
    let mock = server.mock(|when, then| {
        when.method("GET").path("/users/").query_param("limit", "2");
        then.status(200).json_body(page.clone());
    });
    let ods = Ods::with_base_url(&server.base_url(), "k").unwrap();
    let call = ods.list_users().limit(2).send();
    let stream = saas_admin::Paginate::into_stream(ods.list_users().limit(2));
    drop(ods);
    let first = tokio::spawn(call).await.unwrap().unwrap();
    let all: Vec<String> = tokio::spawn(async move {
        use futures::TryStreamExt;
        stream.map_ok(|user| user.username).try_collect().await
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(first.results.len(), 2);
    assert_eq!(all, ["ann", "bob"]);
    mock.assert_calls_async(2).await;
}

/// A success's status and headers are there for those who ask.
#[tokio::test]
async fn send_with_response_keeps_the_status_and_headers() {
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.method("DELETE").path("/groups/g/");
        then.status(204).header("x-ratelimit-remaining", "41");
    });
    let ods = Ods::with_base_url(&server.base_url(), "k").unwrap();
    let response = ods
        .delete_user_group()
        .group_uid("g")
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    assert_eq!(response.headers()["x-ratelimit-remaining"], "41");
}
