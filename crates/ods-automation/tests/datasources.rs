//! The kinds of resource datasources: each kind the vendor documents
//! decodes from the list example into its own variant and is sent, in a
//! create request, as exactly the JSON the vendor expects; a kind not
//! described is kept whole; connections are named by uid or defined inline;
//! header values, connection strings and passwords never show in Debug
//! output.
//!
//! What the generated operation tests cannot see: a datasource decoded into
//! the wrong variant, or kept whole as `Unknown`, encodes back to the same
//! JSON, and they send one kind only. Ported from `tests/resources.rs`
//! (deleted in bad5bf6), on the positional client.

use httpmock::Then;
use ods_automation::mock::{MockServer, MockServerExt};
use ods_automation::types;
use ods_automation::{PathSegment, Secret};
use serde_json::{json, Map, Value};

use crate::support;
use support::*;

const DATASET: &str = "da_qf2hyt";
const RESOURCE: &str = "re_qf2hyt";
const FILE: &str = "fromages.csv";
/// The connection the examples' datasources name.
const CONNECTION: &str = "co_4rx8mq";

fn segment(value: &str) -> PathSegment {
    PathSegment::try_from(value).expect("a path segment")
}

/// Makes `then` answer the spec's example for `op` at `status` exactly as
/// the spec writes it (nulls included).
fn reply_example(then: Then, op: &str, status: u16) {
    then.status(status)
        .header("content-type", "application/json")
        .json_body(example_json(op, status));
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

fn connection(uid: &str) -> types::ResourceConnectionRef {
    types::ResourceConnectionRef {
        uid: uid.to_string(),
    }
}

/// A datasource's connection in a request, named by its uid.
fn named(uid: &str) -> types::ResourceConnection {
    types::ResourceConnection::Uid(connection(uid))
}

/// A Snowflake datasource's connection in a request, named by its uid.
fn snowflake_named(uid: &str) -> types::ResourceSnowflakeOdbcConnection {
    types::ResourceSnowflakeOdbcConnection::Uid(connection(uid))
}

/// An HTTP connection defined inline, with basic auth: the vendor's
/// "HTTP (with BasicAuth)" example of `create_dataset_resource`.
fn inline_http_connection() -> types::ResourceConnection {
    types::ResourceConnection::Inline(types::DatasourceConnectionRequest::Http(
        types::DatasourceConnectionRequestHttp {
            type_: types::DatasourceConnectionRequestHttpType::Http,
            url: "https://my-server.com".to_string(),
            is_reusable: None,
            headers: Vec::new(),
            auth: Some(types::DatasourceConnectionHttpAuthRequest::Basic(
                types::DatasourceConnectionAuthRequestBasic {
                    type_: types::DatasourceConnectionAuthRequestBasicType::BasicAuth,
                    username: "my_username".to_string(),
                    password: Secret::new("my_password"),
                },
            )),
        },
    ))
}

fn inline_http_connection_json() -> Value {
    json!({
        "type": "http",
        "url": "https://my-server.com",
        "auth": {"type": "basic_auth", "username": "my_username", "password": "my_password"},
    })
}

/// An HTTP datasource whose connection is defined inline.
fn inline_http_datasource() -> types::ResourceDatasourceRequest {
    types::ResourceDatasourceRequest::Http(types::ResourceDatasourceHttpRequest {
        connection: inline_http_connection(),
        headers: vec![header("header-name", "header-value")],
        relative_url: Some("/fromages.csv".to_string()),
        ..http_datasource()
    })
}

fn inline_http_datasource_json() -> Value {
    json!({
        "type": "http",
        "connection": inline_http_connection_json(),
        "headers": [{"name": "header-name", "value": "header-value"}],
        "relative_url": "/fromages.csv",
    })
}

fn header(name: &str, value: &str) -> types::ResourceHttpHeader {
    types::ResourceHttpHeader {
        name: name.to_string(),
        value: Secret::new(value),
    }
}

fn http_datasource() -> types::ResourceDatasourceHttpRequest {
    types::ResourceDatasourceHttpRequest {
        type_: types::ResourceDatasourceHttpRequestType::Http,
        connection: named(CONNECTION),
        relative_url: Some("/exports/fromages.csv".to_string()),
        headers: vec![header("Authorization", "Bearer 8c1f0e7d2b9a4c6e")],
    }
}

fn http_datasource_json() -> Value {
    json!({
        "type": "http",
        "connection": {"uid": CONNECTION},
        "relative_url": "/exports/fromages.csv",
        "headers": [{"name": "Authorization", "value": "Bearer 8c1f0e7d2b9a4c6e"}],
    })
}

fn uploaded_file_datasource(uid: &str) -> types::ResourceDatasourceRequest {
    types::ResourceDatasourceRequest::UploadedFile(types::ResourceDatasourceUploadedFile {
        type_: types::ResourceDatasourceUploadedFileType::UploadedFile,
        file: types::ResourceFileRef {
            uid: uid.to_string(),
        },
    })
}

/// The resource of the `list_dataset_resources` example whose datasource is
/// of `kind`, decoded as the client decodes it.
fn listed_resource(kind: &str) -> types::Resource {
    let page = example_json("list_dataset_resources", 200);
    let item = page["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|resource| resource["datasource"]["type"] == kind)
        .unwrap_or_else(|| panic!("the list example has no {kind} datasource"))
        .clone();
    let expected = without_nulls_and_empty_arrays(item.clone());
    let resource: types::Resource = serde_json::from_value(item)
        .unwrap_or_else(|e| panic!("the {kind} resource does not decode: {e}"));
    assert_eq!(
        serde_json::to_value(&resource).unwrap(),
        expected,
        "{kind}: the decoded resource lost or changed something of the example"
    );
    resource
}

/// Sends `create_dataset_resource` with `datasource`, checks that the body
/// is exactly the resource with `expected` as its datasource, and returns
/// what the client decoded.
async fn create_resource_with(
    datasource: types::ResourceDatasourceRequest,
    expected: Value,
) -> types::Resource {
    let server = MockServer::start_async().await;
    let mock = server.create_dataset_resource(|when, then| {
        let when = when.dataset_uid(DATASET).into_inner();
        expect_json_body(
            when,
            json!({"type": "csvfile", "title": "Fromages", "datasource": expected}),
        )
        .path(format!("/datasets/{DATASET}/resources/"));
        reply_example(then.into_inner(), "create_dataset_resource", 201);
    });

    let body = types::ResourceRequest {
        type_: "csvfile".to_string(),
        title: "Fromages".to_string(),
        url: None,
        params: Map::new(),
        datasource: Some(datasource),
    };
    let resource = client(&server)
        .create_dataset_resource(&segment(DATASET), &body)
        .await
        .expect("create_dataset_resource")
        .into_inner();

    mock.assert_async().await;
    resource
}

// ---------------------------------------------------------------------------
// Dataset resources: one test per documented datasource kind, decoded from
// the list example and sent in a create request
// ---------------------------------------------------------------------------

#[tokio::test]
async fn an_http_datasource_names_its_connection_and_keeps_header_values_secret() {
    let resource = listed_resource("http");
    let http = match resource.datasource {
        Some(types::ResourceDatasource::Http(http)) => http,
        other => panic!("expected an http datasource, got {other:?}"),
    };
    assert_eq!(http.connection.uid, CONNECTION);
    assert_eq!(http.relative_url.as_deref(), Some("/exports/fromages.csv"));
    assert_eq!(http.headers.len(), 1);
    assert_eq!(http.headers[0].name, "Authorization");
    assert_eq!(http.headers[0].value.expose(), "Bearer 8c1f0e7d2b9a4c6e");
    // The header's value is a credential: it never shows when printed.
    let printed = format!("{http:?}");
    assert!(!printed.contains("8c1f0e7d2b9a4c6e"), "{printed}");

    create_resource_with(
        types::ResourceDatasourceRequest::Http(http_datasource()),
        http_datasource_json(),
    )
    .await;
}

#[tokio::test]
async fn an_uploaded_file_datasource_names_the_file_by_its_uid() {
    let resource = listed_resource("uploaded_file");
    assert_eq!(resource.title, "fromages-2024.csv");
    match resource.datasource {
        Some(types::ResourceDatasource::UploadedFile(file)) => {
            assert_eq!(file.file.uid, "fromages-2024.csv")
        }
        other => panic!("expected an uploaded_file datasource, got {other:?}"),
    }

    create_resource_with(
        uploaded_file_datasource(FILE),
        json!({"type": "uploaded_file", "file": {"uid": FILE}}),
    )
    .await;
}

#[tokio::test]
async fn a_federated_datasource_is_decoded_with_its_user_and_sent_with_impersonation() {
    let resource = listed_resource("federated");
    assert_eq!(resource.type_, "federated");
    let federated = match resource.datasource {
        Some(types::ResourceDatasource::Federated(federated)) => federated,
        other => panic!("expected a federated datasource, got {other:?}"),
    };
    assert_eq!(federated.domain.domain_id, "public");
    assert_eq!(
        federated.dataset.dataset_id,
        "georef-united-states-of-america-county"
    );
    assert!(federated.dataset.metas.is_empty());
    assert_eq!(
        federated.permissions_user,
        Some(types::RelatedUser {
            username: "louise.data".to_string()
        })
    );
    assert_eq!(federated.parameters, object(json!({"refine.year": 2022})));

    // What the service sets (the user) cannot be sent; what only a caller
    // says (impersonation) is required.
    create_resource_with(
        types::ResourceDatasourceRequest::FederatedRequest(
            types::ResourceDatasourceFederatedRequest {
                type_: types::ResourceDatasourceFederatedRequestType::Federated,
                domain: types::ResourceFederatedDomain {
                    domain_id: "public".to_string(),
                },
                dataset: types::ResourceFederatedDatasetRef {
                    dataset_id: "georef-united-states-of-america-county".to_string(),
                },
                impersonate_permissions: true,
                parameters: object(json!({"refine.year": 2022})),
            },
        ),
        json!({
            "type": "federated",
            "domain": {"domain_id": "public"},
            "dataset": {"dataset_id": "georef-united-states-of-america-county"},
            "impersonate_permissions": true,
            "parameters": {"refine.year": 2022},
        }),
    )
    .await;
}

#[test]
fn an_expanded_federated_dataset_keeps_its_metadata_and_fields() {
    let dataset: types::ResourceFederatedDataset = serde_json::from_value(json!({
        "dataset_id": "georef-united-states-of-america-county",
        "metas": {"default": {"title": "US counties"}},
        "fields": [{"name": "coty_name", "type": "text"}],
    }))
    .unwrap();
    assert_eq!(dataset.metas["default"]["title"], "US counties");
    assert_eq!(
        dataset.fields,
        [json!({"name": "coty_name", "type": "text"})]
    );
}

#[tokio::test]
async fn an_ftp_datasource_names_its_connection_and_the_file_path() {
    let resource = listed_resource("ftp");
    match resource.datasource {
        Some(types::ResourceDatasource::Ftp(ftp)) => {
            assert_eq!(ftp.connection.uid, "co_7fn2pe");
            assert_eq!(ftp.relative_url.as_deref(), Some("/pub/fromages.csv"));
        }
        other => panic!("expected an ftp datasource, got {other:?}"),
    }

    create_resource_with(
        types::ResourceDatasourceRequest::Ftp(types::ResourceDatasourceFtpRequest {
            type_: types::ResourceDatasourceFtpRequestType::Ftp,
            connection: named("co_7fn2pe"),
            relative_url: Some("/pub/fromages.csv".to_string()),
        }),
        json!({
            "type": "ftp",
            "connection": {"uid": "co_7fn2pe"},
            "relative_url": "/pub/fromages.csv",
        }),
    )
    .await;
}

#[tokio::test]
async fn a_sharepoint_datasource_names_the_drive_and_the_file() {
    let resource = listed_resource("sharepoint");
    match resource.datasource {
        Some(types::ResourceDatasource::Sharepoint(sharepoint)) => {
            assert_eq!(sharepoint.drive_id, "b!Qm9uam91ciBsZXMgZnJvbWFnZXJz");
            assert_eq!(sharepoint.file_id, "01FROMAGESXLSX5ZQK3N7GJAYDSC");
            assert_eq!(sharepoint.connection.uid, "co_3sp9kd");
        }
        other => panic!("expected a sharepoint datasource, got {other:?}"),
    }

    create_resource_with(
        types::ResourceDatasourceRequest::Sharepoint(types::ResourceDatasourceSharepointRequest {
            type_: types::ResourceDatasourceSharepointRequestType::Sharepoint,
            drive_id: "b!Qm9uam91ciBsZXMgZnJvbWFnZXJz".to_string(),
            file_id: "01FROMAGESXLSX5ZQK3N7GJAYDSC".to_string(),
            connection: named("co_3sp9kd"),
        }),
        json!({
            "type": "sharepoint",
            "drive_id": "b!Qm9uam91ciBsZXMgZnJvbWFnZXJz",
            "file_id": "01FROMAGESXLSX5ZQK3N7GJAYDSC",
            "connection": {"uid": "co_3sp9kd"},
        }),
    )
    .await;
}

#[tokio::test]
async fn a_google_drive_datasource_names_the_file() {
    let resource = listed_resource("google_drive");
    match resource.datasource {
        Some(types::ResourceDatasource::GoogleDrive(drive)) => {
            assert_eq!(drive.file_id, "1fR0mAgEs-T4st1nG-n0t3s");
            assert_eq!(drive.connection.uid, "co_8gd1ve");
        }
        other => panic!("expected a google_drive datasource, got {other:?}"),
    }

    create_resource_with(
        types::ResourceDatasourceRequest::GoogleDrive(
            types::ResourceDatasourceGoogleDriveRequest {
                type_: types::ResourceDatasourceGoogleDriveRequestType::GoogleDrive,
                file_id: "1fR0mAgEs-T4st1nG-n0t3s".to_string(),
                connection: named("co_8gd1ve"),
            },
        ),
        json!({
            "type": "google_drive",
            "file_id": "1fR0mAgEs-T4st1nG-n0t3s",
            "connection": {"uid": "co_8gd1ve"},
        }),
    )
    .await;
}

#[tokio::test]
async fn an_amazon_s3_datasource_names_the_object_and_sends_secret_headers() {
    let resource = listed_resource("amazon_s3");
    match resource.datasource {
        Some(types::ResourceDatasource::AmazonS3(s3)) => {
            assert_eq!(
                s3.url.as_deref(),
                Some("https://fromages-open-data.s3.amazonaws.com/fromages.csv")
            );
            assert_eq!(s3.connection.uid, "co_2aws6b");
        }
        other => panic!("expected an amazon_s3 datasource, got {other:?}"),
    }

    create_resource_with(
        types::ResourceDatasourceRequest::AmazonS3(types::ResourceDatasourceAmazonS3Request {
            type_: types::ResourceDatasourceAmazonS3RequestType::AmazonS3,
            url: Some("https://fromages-open-data.s3.amazonaws.com/fromages.csv".to_string()),
            headers: vec![header("x-amz-request-payer", "requester")],
            connection: named("co_2aws6b"),
        }),
        json!({
            "type": "amazon_s3",
            "url": "https://fromages-open-data.s3.amazonaws.com/fromages.csv",
            "headers": [{"name": "x-amz-request-payer", "value": "requester"}],
            "connection": {"uid": "co_2aws6b"},
        }),
    )
    .await;
}

#[tokio::test]
async fn an_azure_blob_storage_datasource_names_the_blob() {
    let resource = listed_resource("azure_blob_storage");
    match resource.datasource {
        Some(types::ResourceDatasource::AzureBlobStorage(azure)) => {
            assert_eq!(
                azure.url.as_deref(),
                Some("https://fromagesdata.blob.core.windows.net/exports/fromages.csv")
            );
            assert_eq!(azure.connection.uid, "co_5azb3c");
        }
        other => panic!("expected an azure_blob_storage datasource, got {other:?}"),
    }

    create_resource_with(
        types::ResourceDatasourceRequest::AzureBlobStorage(
            types::ResourceDatasourceAzureBlobStorageRequest {
                type_: types::ResourceDatasourceAzureBlobStorageRequestType::AzureBlobStorage,
                url: Some(
                    "https://fromagesdata.blob.core.windows.net/exports/fromages.csv".to_string(),
                ),
                headers: vec![],
                connection: named("co_5azb3c"),
            },
        ),
        json!({
            "type": "azure_blob_storage",
            "url": "https://fromagesdata.blob.core.windows.net/exports/fromages.csv",
            "connection": {"uid": "co_5azb3c"},
        }),
    )
    .await;
}

#[tokio::test]
async fn an_ods_form_datasource_names_the_form_and_the_statuses_to_extract() {
    let resource = listed_resource("ods_form");
    match resource.datasource {
        Some(types::ResourceDatasource::OdsForm(form)) => {
            assert_eq!(form.form_uid.as_deref(), Some("fo_2yqk8r"));
            assert_eq!(form.domain_id.as_deref(), Some("fromagers"));
            assert_eq!(form.status_to_extract, ["accepted"]);
            assert_eq!(form.is_available, Some(true));
        }
        other => panic!("expected an ods_form datasource, got {other:?}"),
    }

    create_resource_with(
        types::ResourceDatasourceRequest::OdsForm(types::ResourceDatasourceOdsForm {
            type_: types::ResourceDatasourceOdsFormType::OdsForm,
            form_uid: Some("fo_2yqk8r".to_string()),
            domain_id: Some("fromagers".to_string()),
            status_to_extract: vec!["accepted".to_string()],
            is_available: None,
        }),
        json!({
            "type": "ods_form",
            "form_uid": "fo_2yqk8r",
            "domain_id": "fromagers",
            "status_to_extract": ["accepted"],
        }),
    )
    .await;
}

#[tokio::test]
async fn a_snowflake_datasource_sends_its_queries() {
    let resource = listed_resource("snowflake_odbc");
    match resource.datasource {
        Some(types::ResourceDatasource::SnowflakeOdbc(snowflake)) => {
            assert_eq!(snowflake.connection, Some(connection("co_6snw4f")));
            assert_eq!(
                snowflake.query.as_deref(),
                Some("SELECT sale_date, cheese, quantity FROM sales")
            );
            assert_eq!(snowflake.incremental_field.as_deref(), Some("sale_date"));
        }
        other => panic!("expected a snowflake_odbc datasource, got {other:?}"),
    }

    create_resource_with(
        types::ResourceDatasourceRequest::SnowflakeOdbc(types::ResourceDatasourceSnowflakeOdbcRequest {
            type_: types::ResourceDatasourceSnowflakeOdbcRequestType::SnowflakeOdbc,
            connection: Some(snowflake_named("co_6snw4f")),
            query: Some("SELECT sale_date, cheese, quantity FROM sales".to_string()),
            preview_query: None,
            incremental_query: Some(
                "SELECT sale_date, cheese, quantity FROM sales WHERE sale_date > :last_value"
                    .to_string(),
            ),
            incremental_field: Some("sale_date".to_string()),
        }),
        json!({
            "type": "snowflake_odbc",
            "connection": {"uid": "co_6snw4f"},
            "query": "SELECT sale_date, cheese, quantity FROM sales",
            "incremental_query": "SELECT sale_date, cheese, quantity FROM sales WHERE sale_date > :last_value",
            "incremental_field": "sale_date",
        }),
    )
    .await;
}

#[test]
fn a_datasource_of_an_undescribed_kind_is_kept_whole_and_its_credentials_never_shown() {
    let sent = json!({"type": "realtime", "api_key": "f4c3b00c5e17", "push": {"token": "t0k3n", "rate": 5}});
    let resource: types::Resource = serde_json::from_value(json!({
        "uid": "re_0rt5pk",
        "type": "realtime",
        "title": "Cheese cellar sensors",
        "datasource": sent,
    }))
    .unwrap();
    let datasource = resource.datasource.as_ref().unwrap();
    assert_eq!(datasource.kind(), "realtime");
    assert_eq!(serde_json::to_value(datasource).unwrap(), sent);
    let shown = format!("{resource:?}");
    assert!(
        !shown.contains("f4c3b00c5e17") && !shown.contains("t0k3n"),
        "{shown}"
    );
    assert!(shown.contains("\"rate\": Number(5)"), "{shown}");
    // A documented kind missing a required member fails, naming both.
    let error = serde_json::from_value::<types::ResourceDatasource>(
        json!({"type": "sharepoint", "file_id": "01X"}),
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "ResourceDatasource of type `sharepoint`: missing field `connection`"
    );
}

#[test]
fn an_expanded_connection_decodes_to_its_uid_only() {
    // With `expand=datasource.connection` the connection comes whole; only
    // its uid is kept (the connection operations read the rest), so its
    // credentials cannot leak through Debug output.
    let datasource: types::ResourceDatasource = serde_json::from_value(json!({
        "type": "http",
        "connection": {
            "uid": CONNECTION,
            "type": "http",
            "url": "https://data.fromagers.example.org",
            "auth": {"type": "basic_auth", "username": "loader", "password": "s3cr3t-pa55"},
        },
        "relative_url": "/exports/fromages.csv",
    }))
    .unwrap();
    match &datasource {
        types::ResourceDatasource::Http(http) => {
            assert_eq!(http.connection, connection(CONNECTION))
        }
        other => panic!("expected an http datasource, got {other:?}"),
    }
    assert!(!format!("{datasource:?}").contains("s3cr3t-pa55"));
}

// ---------------------------------------------------------------------------
// Dataset resources: a connection defined inline instead of named by uid
// ---------------------------------------------------------------------------

#[tokio::test]
async fn create_dataset_resource_sends_a_connection_defined_inline() {
    // The vendor's "HTTP (with BasicAuth)" example: the connection comes
    // whole, credentials and all, instead of as the uid of a stored one.
    let datasource = inline_http_datasource();
    assert!(!format!("{datasource:?}").contains("my_password"));
    create_resource_with(datasource, inline_http_datasource_json()).await;
}

#[tokio::test]
async fn the_unsaved_resource_operations_and_update_send_a_connection_defined_inline() {
    let server = MockServer::start_async().await;
    let guess = server.guess_unsaved_resource_extractors(|when, then| {
        let when = when.dataset_uid(DATASET).into_inner();
        expect_json_body(when, json!({"datasource": inline_http_datasource_json()}))
            .path(format!("/datasets/{DATASET}/resources/guess_extractors/"));
        reply_example(then.into_inner(), "guess_unsaved_resource_extractors", 200);
    });
    let params = server.guess_unsaved_resource_extractor_params(|when, then| {
        let when = when.dataset_uid(DATASET).into_inner();
        expect_json_body(
            when,
            json!({"type": "csvfile", "datasource": inline_http_datasource_json()}),
        )
        .path(format!(
            "/datasets/{DATASET}/resources/guess_extractor_params/"
        ));
        reply_example(
            then.into_inner(),
            "guess_unsaved_resource_extractor_params",
            200,
        );
    });
    let preview = server.preview_unsaved_resource(|when, then| {
        let when = when.dataset_uid(DATASET).into_inner();
        expect_json_body(
            when,
            json!({"type": "csvfile", "datasource": inline_http_datasource_json()}),
        )
        .path(format!("/datasets/{DATASET}/resources/preview/"));
        reply_example(then.into_inner(), "preview_unsaved_resource", 200);
    });
    let update = server.update_dataset_resource(|when, then| {
        let when = when
            .dataset_uid(DATASET)
            .resource_uid(RESOURCE)
            .into_inner();
        expect_json_body(
            when,
            json!({
                "type": "csvfile",
                "title": "Fromages",
                "datasource": inline_http_datasource_json(),
            }),
        )
        .path(format!("/datasets/{DATASET}/resources/{RESOURCE}/"));
        reply_example(then.into_inner(), "update_dataset_resource", 200);
    });
    let client = client(&server);
    let dataset = segment(DATASET);

    client
        .guess_unsaved_resource_extractors(
            &dataset,
            &types::ResourceGuessExtractorsRequest {
                datasource: inline_http_datasource(),
            },
        )
        .await
        .expect("guess_unsaved_resource_extractors");
    client
        .guess_unsaved_resource_extractor_params(
            &dataset,
            &types::ResourceGuessExtractorParamsRequest {
                type_: "csvfile".to_string(),
                datasource: inline_http_datasource(),
            },
        )
        .await
        .expect("guess_unsaved_resource_extractor_params");
    client
        .preview_unsaved_resource(
            &dataset,
            &types::ResourcePreviewRequest {
                type_: "csvfile".to_string(),
                datasource: inline_http_datasource(),
                params: Map::new(),
            },
        )
        .await
        .expect("preview_unsaved_resource");
    client
        .update_dataset_resource(
            &dataset,
            &segment(RESOURCE),
            &types::ResourceRequest {
                type_: "csvfile".to_string(),
                title: "Fromages".to_string(),
                url: None,
                params: Map::new(),
                datasource: Some(inline_http_datasource()),
            },
        )
        .await
        .expect("update_dataset_resource");

    guess.assert_async().await;
    params.assert_async().await;
    preview.assert_async().await;
    update.assert_async().await;
}

#[tokio::test]
async fn a_snowflake_datasource_sends_its_connection_string_inline() {
    let datasource = types::ResourceDatasourceRequest::SnowflakeOdbc(
        types::ResourceDatasourceSnowflakeOdbcRequest {
            type_: types::ResourceDatasourceSnowflakeOdbcRequestType::SnowflakeOdbc,
            connection: Some(types::ResourceSnowflakeOdbcConnection::Inline(
                types::ResourceSnowflakeOdbcConnectionString {
                    type_: types::ResourceSnowflakeOdbcConnectionStringType::SnowflakeOdbc,
                    connection_string: Secret::new("account=fromagers;user=loader;pwd=s3cr3t"),
                },
            )),
            query: Some("SELECT cheese FROM sales".to_string()),
            preview_query: None,
            incremental_query: None,
            incremental_field: None,
        },
    );
    // The connection string may hold a password: it never shows when printed.
    assert!(!format!("{datasource:?}").contains("s3cr3t"));

    create_resource_with(
        datasource,
        json!({
            "type": "snowflake_odbc",
            "connection": {
                "type": "snowflake_odbc",
                "connection_string": "account=fromagers;user=loader;pwd=s3cr3t",
            },
            "query": "SELECT cheese FROM sales",
        }),
    )
    .await;
}

#[test]
fn a_sent_connection_is_either_inline_or_a_uid_and_reads_back_as_such() {
    // The vendor's own example datasource: its connection, defined inline,
    // has no uid.
    let vendor_example = json!({
        "type": "http",
        "connection": {"type": "http", "url": "https://my-server.com", "auth": null},
        "headers": [{"name": "header-name", "value": "header-value"}],
        "relative_url": "/fromages.csv",
    });
    let inline: types::ResourceDatasourceRequest = serde_json::from_value(vendor_example).unwrap();
    match &inline {
        types::ResourceDatasourceRequest::Http(http) => match &http.connection {
            types::ResourceConnection::Inline(types::DatasourceConnectionRequest::Http(c)) => {
                assert_eq!(c.url, "https://my-server.com");
                assert_eq!(c.auth, None);
            }
            other => panic!("expected an inline http connection, got {other:?}"),
        },
        other => panic!("expected an http datasource, got {other:?}"),
    }

    let by_uid: types::ResourceDatasourceRequest = serde_json::from_value(json!({
        "type": "ftp",
        "connection": {"uid": "co_7fn2pe"},
    }))
    .unwrap();
    match &by_uid {
        types::ResourceDatasourceRequest::Ftp(ftp) => {
            assert_eq!(ftp.connection, named("co_7fn2pe"))
        }
        other => panic!("expected an ftp datasource, got {other:?}"),
    }
}
