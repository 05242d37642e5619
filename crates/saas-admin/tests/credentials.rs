//! Credentials through the facade: the Opendatasoft key travels only inside
//! the Authorization header of JSON operations (the uploads' own check is
//! in `uploads.rs`), and the secrets the services return or the caller
//! sends (API key values, Cloudinary access key secrets, datasource header
//! values) never show in Debug output, of the builders, the answers or the
//! decoded values, while still travelling as plain text.
//!
//! Ported from `ods-automation/tests/{user_groups,users_and_keys,resources}.rs`
//! and `cld-provisioning/tests/product_environments.rs` (deleted in
//! bad5bf6).
#![cfg(all(feature = "ods", feature = "cloudinary", feature = "mock"))]

use saas_admin::ods_automation::types as ods_types;
use saas_admin::ods_automation::Secret;
use serde_json::json;

use crate::recorded;
use recorded::*;

const DATASET: &str = "da_qf2hyt";

/// The value of the API key `ak_7fq2xa` in the spec's examples.
const KEY_VALUE: &str = "8ba93848ad673ef4b93accd52e462376489dc50ede406dd7f7bcc8b8";
/// The value of the revoked key the spec's `search_api_key` example finds.
const REVOKED_KEY_VALUE: &str = "581e3f9240228854957e35babc53c5c459741a1374cd5af528b00c1b";

/// Asserts that no text of `printed` shows any of `secrets`.
fn assert_hidden(printed: &[String], secrets: &[&str]) {
    for text in printed {
        for secret in secrets {
            assert!(!text.contains(secret), "{secret} in Debug output: {text}");
        }
    }
}

#[tokio::test]
async fn the_api_key_travels_only_inside_the_authorization_header() {
    // A call with a query string and a call with a body: the key must be in
    // neither (the spec also allows an `apikey` query parameter; the client
    // must not use it unless asked to).
    let (server, recorder) = answering_ods("list_user_groups").await;
    let client = ods(&server.base_url());
    client
        .list_user_groups()
        .limit(2)
        .search("data")
        .send()
        .await
        .expect("list_user_groups");
    let (create_server, create_recorder) = answering_ods("create_user_group").await;
    let create_client = ods(&create_server.base_url());
    create_client
        .create_user_group()
        .title("Data stewards")
        .send()
        .await
        .expect("create_user_group");

    let list = recorder.one();
    let create = create_recorder.one();
    assert_eq!(list.query, pairs(&[("limit", "2"), ("search", "data")]));
    assert_eq!(create.json(), json!({"title": "Data stewards"}));
    for sent in [&list, &create] {
        assert_eq!(sent.header("authorization"), [ODS_AUTHORIZATION]);
        let elsewhere = sent.everything_but_authorization();
        assert!(
            !elsewhere.contains(ODS_KEY),
            "the key outside the Authorization header:\n{elsewhere}"
        );
        assert!(
            !elsewhere.to_ascii_lowercase().contains("apikey"),
            "a key parameter in the request:\n{elsewhere}"
        );
    }
    // Nor do the client or a pending request show it when printed.
    assert_hidden(
        &[
            format!("{client:?}"),
            format!("{:?}", client.get_user_group().group_uid("data_stewards")),
            format!(
                "{:?}",
                create_client.create_user_group().title("Data stewards")
            ),
        ],
        &[ODS_KEY],
    );
}

#[tokio::test]
async fn a_returned_key_value_never_shows_in_debug_output() {
    let (server, _recorder) = answering_ods("create_api_key").await;
    let answer = ods(&server.base_url())
        .create_api_key()
        .label("Nightly catalog sync")
        .send_with_response()
        .await
        .expect("create_api_key");
    let printed_answer = format!("{answer:?}");
    let key = answer.into_inner();
    // Code reads it through `expose`, and it encodes as the plain string.
    assert_eq!(key.key.as_ref().map(Secret::expose), Some(KEY_VALUE));
    assert_eq!(serde_json::to_value(&key).unwrap()["key"], KEY_VALUE);

    let (server, _recorder) = answering_ods("list_api_keys").await;
    let page = ods(&server.base_url())
        .list_api_keys()
        .send()
        .await
        .expect("list_api_keys");
    let values: Vec<&str> = page
        .results
        .iter()
        .map(|key| key.key.as_ref().expect("a listed key's value").expose())
        .collect();
    assert_eq!(values, [KEY_VALUE, REVOKED_KEY_VALUE]);

    let (server, _recorder) = answering_ods("search_api_key").await;
    let found = ods(&server.base_url())
        .search_api_key()
        .key(Secret::new(REVOKED_KEY_VALUE))
        .send()
        .await
        .expect("search_api_key");
    let result = found.result.as_ref().expect("the example finds a key");
    assert_eq!(
        result.key.as_ref().map(Secret::expose),
        Some(REVOKED_KEY_VALUE)
    );

    let printed = [
        printed_answer,
        format!("{key:?}"),
        format!("{key:#?}"),
        format!("{:?}", key.key),
        format!("{page:?}"),
        format!("{found:?}"),
    ];
    assert_hidden(&printed, &[KEY_VALUE, REVOKED_KEY_VALUE]);
    assert!(printed[1].contains("<redacted>"), "{}", printed[1]);
}

#[tokio::test]
async fn a_key_value_searched_for_shows_in_no_builder_yet_travels_in_the_body() {
    let (server, recorder) = answering_ods("search_api_key").await;
    let client = ods(&server.base_url());
    let by_field = client.search_api_key().key(Secret::new(REVOKED_KEY_VALUE));
    let whole = client
        .search_api_key()
        .body(ods_types::ApiKeySearchRequest {
            key: Secret::new(REVOKED_KEY_VALUE),
        });
    assert_hidden(
        &[format!("{by_field:?}"), format!("{whole:?}")],
        &[REVOKED_KEY_VALUE],
    );
    by_field.send().await.expect("search_api_key");
    assert_eq!(recorder.one().json(), json!({"key": REVOKED_KEY_VALUE}));
}

/// An http datasource with a secret header, as the caller sends it.
fn http_datasource() -> ods_types::ResourceDatasourceRequest {
    ods_types::ResourceDatasourceRequest::Http(ods_types::ResourceDatasourceHttpRequest {
        type_: ods_types::ResourceDatasourceHttpRequestType::Http,
        connection: ods_types::ResourceConnection::Uid(ods_types::ResourceConnectionRef {
            uid: "co_4rx8mq".to_string(),
        }),
        relative_url: Some("/exports/fromages.csv".to_string()),
        headers: vec![ods_types::ResourceHttpHeader {
            name: "Authorization".to_string(),
            value: Secret::new("Bearer 8c1f0e7d2b9a4c6e"),
        }],
    })
}

#[tokio::test]
async fn a_datasources_header_values_show_in_no_builder_yet_travel_in_the_body() {
    let (server, recorder) = answering_ods("create_dataset_resource").await;
    let client = ods(&server.base_url());
    let by_field = client
        .create_dataset_resource()
        .dataset_uid(DATASET)
        .type_("csvfile")
        .title("Fromages")
        .datasource(http_datasource());
    let whole =
        client
            .create_dataset_resource()
            .dataset_uid(DATASET)
            .body(ods_types::ResourceRequest {
                type_: "csvfile".to_string(),
                title: "Fromages".to_string(),
                url: None,
                params: Default::default(),
                datasource: Some(http_datasource()),
            });
    assert_hidden(
        &[format!("{by_field:?}"), format!("{whole:?}")],
        &["8c1f0e7d2b9a4c6e", ODS_KEY],
    );
    by_field.send().await.expect("create_dataset_resource");
    assert_eq!(
        recorder.one().json(),
        json!({
            "type": "csvfile",
            "title": "Fromages",
            "datasource": {
                "type": "http",
                "connection": {"uid": "co_4rx8mq"},
                "relative_url": "/exports/fromages.csv",
                "headers": [{"name": "Authorization", "value": "Bearer 8c1f0e7d2b9a4c6e"}],
            },
        })
    );
}

/// `api_secret` and `secret` are the spec's `Secret` schema: `{:?}` of the
/// decoded answers never prints them.
#[tokio::test]
async fn decoded_access_keys_do_not_show_their_secret_in_debug_output() {
    const ENVIRONMENT: &str = "abcde1fghij2klmno3pqrst4uvwxy5z";
    let (server, _recorder) = answering_cld("generate_access_key").await;
    let key = cloudinary(&server.base_url())
        .generate_access_key()
        .sub_account_id(ENVIRONMENT)
        .name("main_key")
        .send_with_response()
        .await
        .expect("generate_access_key");
    let printed_answer = format!("{key:?}");
    let key = key.into_inner();

    let (server, _recorder) = answering_cld("list_access_keys").await;
    let list = cloudinary(&server.base_url())
        .list_access_keys()
        .sub_account_id(ENVIRONMENT)
        .send()
        .await
        .expect("list_access_keys");

    let (server, _recorder) = answering_cld("get_product_environment").await;
    let environment = cloudinary(&server.base_url())
        .get_product_environment()
        .sub_account_id(ENVIRONMENT)
        .send()
        .await
        .expect("get_product_environment");

    // The secrets, written out from the spec's examples.
    let expose = |secret: &Option<Secret>| secret.as_ref().map(|s| s.expose().to_string());
    assert_eq!(
        expose(&key.api_secret).as_deref(),
        Some("QcsQcsQcsQcsQcsQcsQcsQcsQcs")
    );
    let listed: Vec<Option<String>> = list
        .access_keys
        .iter()
        .map(|key| expose(&key.api_secret))
        .collect();
    assert_eq!(
        listed,
        [
            Some("QcsQcsQcsQcsQcsQcsQcsQcsQcs".to_string()),
            Some("scQscQscQscQscQscQscQscQscQ".to_string())
        ]
    );
    let secret = expose(&environment.api_access_keys[0].secret);
    assert_eq!(secret.as_deref(), Some("asdf1JKL2xyz3ABc4s3c5reT01DfaKez"));

    assert_hidden(
        &[
            printed_answer,
            format!("{key:?}"),
            format!("{list:?}"),
            format!("{:?}", environment.api_access_keys[0]),
            format!("{environment:?}"),
        ],
        &[
            "QcsQcsQcsQcsQcsQcsQcsQcsQcs",
            "scQscQscQscQscQscQscQscQscQ",
            "asdf1JKL2xyz3ABc4s3c5reT01DfaKez",
        ],
    );
}
