//! Operation tests for the generated Opendatasoft Automation API client
//! ("Dataset processors", "Dataset resources", "Dataset attachments" and
//! "Dataset alternative exports" tags), and for the three hand-written
//! multipart uploads of these tags.
//!
//! Each test runs one operation against a loopback httpmock server: the mock
//! pins down the whole request the client sends (method, path with its
//! trailing slash, query parameters, headers, body), answers with the spec's
//! example body (`ods_automation::examples`), and the test checks what the
//! client decodes from it. The unions (processors, datasources, alternative
//! exports) have one test per documented kind, sending and decoding it.

use std::sync::{Arc, Mutex};

use httpmock::{HttpMockRequest, Method, Mock, Then, When};
use ods_automation::mock::{MockServer, MockServerExt};
use ods_automation::prelude::*;
use ods_automation::types;
use ods_automation::uploads::FileUpload;
use ods_automation::{examples, ByteStream, Client, Error, ResponseValue, Secret};
use serde_json::{json, Map, Value};

mod support;
use support::*;

// ---------------------------------------------------------------------------
// Test ids and helpers
// ---------------------------------------------------------------------------

/// Path parameters, taken from the spec's parameter examples.
const DATASET: &str = "da_qf2hyt";
const PROCESSOR: &str = "pr_qf2hyt";
const RESOURCE: &str = "re_qf2hyt";
const FILE: &str = "fromages.csv";
const ATTACHMENT: &str = "at_qf2hyt";
const EXPORT: &str = "ae_qf2hyt";

/// The connection the examples' datasources name.
const CONNECTION: &str = "co_4rx8mq";

/// Every error status the spec documents, over all these operations.
const ERROR_STATUSES: [u16; 5] = [400, 401, 403, 404, 429];

/// Bytes that are not UTF-8 text, as a spreadsheet's or a PDF's would be.
const BINARY: &[u8] = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xff\xfe\x00\x80";

/// The operations this file covers, in the spec's order: those whose path
/// names processors, resources, attachments, alternative exports or
/// extractors, so a new one cannot go untested silently.
const TESTED_OPERATIONS: [&str; 38] = [
    "list_processor_kinds",
    "list_dataset_processors",
    "create_dataset_processor",
    "get_dataset_processor",
    "update_dataset_processor",
    "delete_dataset_processor",
    "list_extractors",
    "list_dataset_resources",
    "create_dataset_resource",
    "guess_unsaved_resource_extractors",
    "guess_unsaved_resource_extractor_params",
    "preview_unsaved_resource",
    "get_dataset_resource",
    "update_dataset_resource",
    "delete_dataset_resource",
    "guess_resource_extractors",
    "clean_resource_cache",
    "guess_resource_extractor_params",
    "preview_resource",
    "recover_resource",
    "delete_resource_recover_data",
    "enable_resource",
    "disable_resource",
    "renew_resource_api_key",
    "upload_dataset_resource_file",
    "get_dataset_resource_file",
    "download_dataset_resource_file",
    "list_dataset_attachments",
    "create_dataset_attachment",
    "get_dataset_attachment",
    "delete_dataset_attachment",
    "download_dataset_attachment",
    "list_dataset_alternative_exports",
    "create_dataset_alternative_export",
    "get_dataset_alternative_export",
    "update_dataset_alternative_export",
    "delete_dataset_alternative_export",
    "download_dataset_alternative_export",
];

/// The hand-written (multipart) operations among them.
const UPLOADS: [&str; 3] = [
    "upload_dataset_resource_file",
    "create_dataset_attachment",
    "create_dataset_alternative_export",
];

#[test]
fn every_resources_operation_of_the_spec_is_tested_here() {
    let spec: Vec<&str> = examples::OPERATIONS
        .iter()
        .filter(|(_, _, path)| {
            [
                "/processors/",
                "/resources/",
                "/attachments/",
                "/alternative_exports/",
                "/extractors/",
            ]
            .iter()
            .any(|part| path.contains(part))
        })
        .map(|(id, _, _)| *id)
        .collect();
    assert_eq!(spec, TESTED_OPERATIONS);
    let hand_written: Vec<&str> = ods_automation::spec::HAND_WRITTEN_OPERATIONS
        .iter()
        .copied()
        .filter(|id| TESTED_OPERATIONS.contains(id))
        .collect();
    assert_eq!(hand_written, UPLOADS);
}

/// Makes `then` answer the spec's example for `op` at `status` exactly as
/// the spec writes it (nulls included), not re-encoded from a generated type.
fn reply_example(then: Then, op: &str, status: u16) {
    then.status(status)
        .header("content-type", "application/json")
        .json_body(example_json(op, status));
}

/// A request without a body whose answer is a file: reqwest's own
/// `Accept: */*` (the spec gives the answer no JSON media type), the API
/// key once, the api-version, and exactly `query_params` query parameters.
fn expect_download(when: When, query_params: usize) -> When {
    when.header("authorization", AUTHORIZATION)
        .header_count("^authorization$", ".*", 1)
        .header("accept", "*/*")
        .header_count("^accept$", ".*", 1)
        .header("api-version", API_VERSION)
        .header_count("^api-version$", ".*", 1)
        .query_param_count(".*", ".*", query_params)
        .header_missing("content-type")
        .is_true(|req| req.body_ref().is_empty())
}

/// Reads a streamed (file) success body to the end.
///
/// The crate depends on no `Stream` trait to poll it with, so reqwest drains
/// it: the stream becomes the body of a request to a loopback sink on the
/// same mock server, which records the bytes it received.
async fn read_bytes(server: &MockServer, stream: ByteStream) -> Vec<u8> {
    let received = Arc::new(Mutex::new(None::<Vec<u8>>));
    let record = received.clone();
    let sink = server
        .mock_async(|when, then| {
            when.method(Method::POST)
                .path("/__test_sink__")
                .is_true(move |req| {
                    *record.lock().unwrap() = Some(req.body_ref().to_vec());
                    true
                });
            then.status(204);
        })
        .await;
    reqwest::Client::new()
        .post(server.url("/__test_sink__"))
        .body(reqwest::Body::wrap_stream(stream.into_inner()))
        .send()
        .await
        .expect("the sink receives the stream");
    sink.assert_async().await;
    sink.delete_async().await;
    let bytes = received.lock().unwrap().take();
    bytes.expect("the sink saw a body")
}

/// The text of the spec's example for a file download of `op`.
fn example_file(op: &str) -> String {
    example_json(op, 200)
        .as_str()
        .unwrap_or_else(|| panic!("the {op} example is text"))
        .to_string()
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

/// The CSV parameters most examples use.
fn csv_params() -> Map<String, Value> {
    object(json!({
        "doublequote": true,
        "encoding": "utf-8",
        "first_row_no": 1,
        "headers_first_row": true,
        "separator": ";",
    }))
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

    let resource = client(&server)
        .create_dataset_resource()
        .dataset_uid(DATASET)
        .body(types::ResourceRequest {
            type_: "csvfile".to_string(),
            title: "Fromages".to_string(),
            url: None,
            params: Map::new(),
            datasource: Some(datasource),
        })
        .send()
        .await
        .expect("create_dataset_resource")
        .into_inner();

    mock.assert_async().await;
    resource
}

/// One part of a multipart body.
#[derive(Debug, PartialEq)]
struct Part {
    name: String,
    filename: Option<String>,
    content_type: Option<String>,
    body: Vec<u8>,
}

impl Part {
    fn text(name: &str, value: &str) -> Self {
        Self {
            name: name.to_string(),
            filename: None,
            content_type: None,
            body: value.as_bytes().to_vec(),
        }
    }

    fn file(name: &str, filename: &str, content_type: Option<&str>, body: &[u8]) -> Self {
        Self {
            name: name.to_string(),
            filename: Some(filename.to_string()),
            content_type: content_type.map(str::to_string),
            body: body.to_vec(),
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The parts of a `multipart/form-data` body, in order, read with the
/// boundary its content type announces.
fn multipart_parts(content_type: &str, body: &[u8]) -> Vec<Part> {
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("not a multipart content type: {content_type}"));
    let delimiter = format!("--{boundary}").into_bytes();
    let mut rest = body;
    let mut parts = Vec::new();
    let start = find(rest, &delimiter).expect("a first boundary");
    assert_eq!(start, 0, "nothing before the first boundary");
    rest = &rest[delimiter.len()..];
    loop {
        if rest.starts_with(b"--") {
            assert_eq!(&rest[2..], b"\r\n", "nothing after the closing boundary");
            return parts;
        }
        rest = rest
            .strip_prefix(b"\r\n")
            .expect("a line break after a boundary");
        let end = find(rest, &delimiter).expect("a boundary after each part");
        let part = rest[..end]
            .strip_suffix(b"\r\n")
            .expect("a line break before a boundary");
        let split = find(part, b"\r\n\r\n").expect("a blank line after the part's headers");
        let headers = std::str::from_utf8(&part[..split]).expect("text headers");
        let mut name = None;
        let mut filename = None;
        let mut content_type = None;
        for line in headers.split("\r\n") {
            let (key, value) = line.split_once(": ").expect("a header line");
            match key.to_ascii_lowercase().as_str() {
                "content-disposition" => {
                    for item in value.split("; ").skip(1) {
                        let (key, quoted) = item.split_once('=').expect("a disposition parameter");
                        let value = quoted.trim_matches('"').to_string();
                        match key {
                            "name" => name = Some(value),
                            "filename" => filename = Some(value),
                            other => panic!("unexpected disposition parameter {other}"),
                        }
                    }
                }
                "content-type" => content_type = Some(value.to_string()),
                other => panic!("unexpected part header {other}"),
            }
        }
        parts.push(Part {
            name: name.expect("a part name"),
            filename,
            content_type,
            body: part[split + 4..].to_vec(),
        });
        rest = &rest[end + delimiter.len()..];
    }
}

/// What a multipart request carried: its content type and body.
type Seen = Arc<Mutex<Option<(String, Vec<u8>)>>>;

/// A matcher that records the request's content type and body.
fn record_multipart(seen: &Seen) -> impl Fn(&HttpMockRequest) -> bool + Send + Sync + 'static {
    let seen = seen.clone();
    move |req| {
        let content_type = req
            .headers_vec()
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("content-type"))
            .map(|(_, value)| value.to_string())
            .unwrap_or_default();
        *seen.lock().unwrap() = Some((content_type, req.body_ref().to_vec()));
        true
    }
}

/// The parts of the multipart request `seen` recorded.
fn seen_parts(seen: &Seen) -> Vec<Part> {
    let (content_type, body) = seen.lock().unwrap().take().expect("a recorded request");
    multipart_parts(&content_type, &body)
}

/// Mocks an upload: `POST path`, multipart, with the key once, answering
/// `status` with `body`; the request is recorded in `seen`.
fn mock_upload<'a>(
    server: &'a MockServer,
    path: &str,
    seen: &Seen,
    status: u16,
    body: Value,
) -> Mock<'a> {
    server.mock(|when, then| {
        let when = when
            .method(Method::POST)
            .path(path)
            .header_matches("content-type", "^multipart/form-data; boundary=.+$")
            .is_true(record_multipart(seen));
        expect_common(when, 0);
        then.status(status)
            .header("content-type", "application/json")
            .json_body(body);
    })
}

// ---------------------------------------------------------------------------
// Dataset processors
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_processor_kinds_decodes_every_kind_and_keeps_their_other_members() {
    let server = MockServer::start_async().await;
    let mock = server.list_processor_kinds(|when, then| {
        let when = when.into_inner();
        expect_no_body(when, 0).path("/processors/");
        reply_example(then.into_inner(), "list_processor_kinds", 200);
    });

    let kinds = client(&server)
        .list_processor_kinds()
        .send()
        .await
        .expect("list_processor_kinds")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(kinds.len(), 2);
    assert_eq!(kinds[0].type_, "string_replace");
    assert_eq!(kinds[0].label, "Replace text");
    assert!(kinds[0].extra.is_empty());
    assert_eq!(kinds[1].type_, "expression");
    assert_eq!(kinds[1].label, "Expression");
    assert_round_trips(&kinds, "list_processor_kinds", 200);

    // A member the spec does not name is kept, not dropped.
    let kind: types::ProcessorKind = serde_json::from_value(json!({
        "type": "geocode",
        "label": "Geocode",
        "parameters": [{"name": "address"}],
    }))
    .unwrap();
    assert_eq!(kind.extra["parameters"], json!([{"name": "address"}]));
}

#[tokio::test]
async fn list_dataset_processors_sends_paging_and_decodes_each_kind_in_order() {
    let server = MockServer::start_async().await;
    let mock = server.list_dataset_processors(|when, then| {
        let when = when.dataset_uid(DATASET).limit(2).offset(0).into_inner();
        expect_no_body(when, 2).path(format!("/datasets/{DATASET}/processors/"));
        reply_example(then.into_inner(), "list_dataset_processors", 200);
    });

    let page = client(&server)
        .list_dataset_processors()
        .dataset_uid(DATASET)
        .limit(2)
        .offset(0)
        .send()
        .await
        .expect("list_dataset_processors")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.total_count, Some(2));
    assert_eq!(page.next, None);
    assert_eq!(page.previous, None);
    assert_eq!(page.results.len(), 2);
    match &page.results[0] {
        types::Processor::StringReplace(p) => {
            assert_eq!(p.uid, PROCESSOR);
            assert_eq!(p.field, "address");
        }
        other => panic!("expected the string_replace processor first, got {other:?}"),
    }
    match &page.results[1] {
        types::Processor::Unknown(p) => assert_eq!(p.get("type"), Some(&json!("expression"))),
        other => panic!("expected the expression processor second, got {other:?}"),
    }
    assert_round_trips(&page, "list_dataset_processors", 200);
}

#[tokio::test]
async fn list_dataset_processors_without_paging_sends_no_query_parameter() {
    let server = MockServer::start_async().await;
    let mock = server.list_dataset_processors(|when, then| {
        let when = when
            .dataset_uid(DATASET)
            .limit(None)
            .offset(None)
            .into_inner();
        expect_no_body(when, 0)
            .path(format!("/datasets/{DATASET}/processors/"))
            .is_true(|req| req.uri().query().is_none_or(str::is_empty));
        reply_example(then.into_inner(), "list_dataset_processors", 200);
    });

    client(&server)
        .list_dataset_processors()
        .dataset_uid(DATASET)
        .send()
        .await
        .expect("list_dataset_processors");

    mock.assert_async().await;
}

#[tokio::test]
async fn a_string_replace_processor_is_sent_and_decoded_with_its_settings_as_fields() {
    let server = MockServer::start_async().await;
    let mock = server.create_dataset_processor(|when, then| {
        let when = when.dataset_uid(DATASET).into_inner();
        expect_json_body(
            when,
            json!({
                "type": "string_replace",
                "label": "Spell out \"St.\" in addresses",
                "field": "address",
                "old": "St.",
                "new": "Street",
            }),
        )
        .path(format!("/datasets/{DATASET}/processors/"));
        reply_example(then.into_inner(), "create_dataset_processor", 201);
    });

    let rv = client(&server)
        .create_dataset_processor()
        .dataset_uid(DATASET)
        .body(types::ProcessorRequest::StringReplace(
            types::ProcessorRequestStringReplace {
                type_: types::ProcessorRequestStringReplaceType::StringReplace,
                label: "Spell out \"St.\" in addresses".to_string(),
                field: "address".to_string(),
                old: "St.".to_string(),
                new: "Street".to_string(),
            },
        ))
        .send()
        .await
        .expect("create_dataset_processor");

    mock.assert_async().await;
    assert_eq!(rv.status().as_u16(), 201);
    let processor = rv.into_inner();
    assert_eq!(
        processor,
        types::Processor::StringReplace(types::ProcessorStringReplace {
            uid: PROCESSOR.to_string(),
            type_: types::ProcessorStringReplaceType::StringReplace,
            label: "Spell out \"St.\" in addresses".to_string(),
            field: "address".to_string(),
            old: "St.".to_string(),
            new: "Street".to_string(),
        })
    );
    assert_round_trips(&processor, "create_dataset_processor", 201);
}

#[tokio::test]
async fn a_processor_of_another_kind_is_sent_and_decoded_with_its_settings_as_they_come() {
    let server = MockServer::start_async().await;
    // The second processor of the list example, answered alone.
    let listed = example_json("list_dataset_processors", 200)["results"][1].clone();
    let answer = listed.clone();
    let mock = server.create_dataset_processor(|when, then| {
        let when = when.dataset_uid(DATASET).into_inner();
        expect_json_body(
            when,
            json!({
                "type": "expression",
                "label": "Population density",
                "field": "density",
                "expression": "population / area_km2",
            }),
        )
        .path(format!("/datasets/{DATASET}/processors/"));
        then.into_inner()
            .status(201)
            .header("content-type", "application/json")
            .json_body(answer);
    });

    let processor = client(&server)
        .create_dataset_processor()
        .dataset_uid(DATASET)
        .body(types::ProcessorRequest::Unknown(
            object(json!({
                "type": "expression",
                "label": "Population density",
                "field": "density",
                "expression": "population / area_km2",
            }))
            .into(),
        ))
        .send()
        .await
        .expect("create_dataset_processor")
        .into_inner();

    mock.assert_async().await;
    let other = match &processor {
        types::Processor::Unknown(other) => other,
        unexpected => panic!("expected Processor::Unknown, got {unexpected:?}"),
    };
    assert_eq!(processor.kind(), "expression");
    assert_eq!(other.as_object(), &object(listed.clone()));
    assert_eq!(serde_json::to_value(&processor).unwrap(), listed);
}

#[test]
fn a_string_replace_processor_without_its_settings_fails_naming_the_kind_and_the_field() {
    let error = serde_json::from_value::<types::Processor>(json!({
        "uid": "pr_1x",
        "type": "string_replace",
        "label": "Half configured",
        "field": "address",
    }))
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "Processor of type `string_replace`: missing field `new`"
    );
}

#[tokio::test]
async fn get_dataset_processor_decodes_the_processor() {
    let server = MockServer::start_async().await;
    let mock = server.get_dataset_processor(|when, then| {
        let when = when
            .dataset_uid(DATASET)
            .processor_uid(PROCESSOR)
            .into_inner();
        expect_no_body(when, 0).path(format!("/datasets/{DATASET}/processors/{PROCESSOR}/"));
        reply_example(then.into_inner(), "get_dataset_processor", 200);
    });

    let processor = client(&server)
        .get_dataset_processor()
        .dataset_uid(DATASET)
        .processor_uid(PROCESSOR)
        .send()
        .await
        .expect("get_dataset_processor")
        .into_inner();

    mock.assert_async().await;
    match &processor {
        types::Processor::StringReplace(p) => {
            assert_eq!(p.uid, PROCESSOR);
            assert_eq!(p.label, "Spell out \"St.\" in addresses");
            assert_eq!((p.old.as_str(), p.new.as_str()), ("St.", "Street"));
        }
        other => panic!("expected Processor::StringReplace, got {other:?}"),
    }
    assert_round_trips(&processor, "get_dataset_processor", 200);
}

#[tokio::test]
async fn update_dataset_processor_puts_the_new_settings_and_decodes_the_processor() {
    let server = MockServer::start_async().await;
    let mock = server.update_dataset_processor(|when, then| {
        let when = when
            .dataset_uid(DATASET)
            .processor_uid(PROCESSOR)
            .into_inner();
        expect_json_body(
            when,
            json!({
                "type": "string_replace",
                "label": "Spell out \"Ave.\" in addresses",
                "field": "address",
                "old": "Ave.",
                "new": "Avenue",
            }),
        )
        .path(format!("/datasets/{DATASET}/processors/{PROCESSOR}/"));
        reply_example(then.into_inner(), "update_dataset_processor", 200);
    });

    let processor = client(&server)
        .update_dataset_processor()
        .dataset_uid(DATASET)
        .processor_uid(PROCESSOR)
        .body(types::ProcessorRequest::StringReplace(
            types::ProcessorRequestStringReplace {
                type_: types::ProcessorRequestStringReplaceType::StringReplace,
                label: "Spell out \"Ave.\" in addresses".to_string(),
                field: "address".to_string(),
                old: "Ave.".to_string(),
                new: "Avenue".to_string(),
            },
        ))
        .send()
        .await
        .expect("update_dataset_processor")
        .into_inner();

    mock.assert_async().await;
    match &processor {
        types::Processor::StringReplace(p) => {
            assert_eq!(p.uid, PROCESSOR);
            assert_eq!(p.label, "Spell out \"Ave.\" in addresses");
            assert_eq!((p.old.as_str(), p.new.as_str()), ("Ave.", "Avenue"));
        }
        other => panic!("expected Processor::StringReplace, got {other:?}"),
    }
    assert_round_trips(&processor, "update_dataset_processor", 200);
}

#[tokio::test]
async fn delete_dataset_processor_answers_no_content_and_decodes_nothing() {
    let server = MockServer::start_async().await;
    let mock = server.delete_dataset_processor(|when, then| {
        let when = when
            .dataset_uid(DATASET)
            .processor_uid(PROCESSOR)
            .into_inner();
        expect_no_body(when, 0).path(format!("/datasets/{DATASET}/processors/{PROCESSOR}/"));
        then.no_content();
    });

    let rv = client(&server)
        .delete_dataset_processor()
        .dataset_uid(DATASET)
        .processor_uid(PROCESSOR)
        .send()
        .await
        .expect("delete_dataset_processor: an empty 204 must not be decoded as JSON");

    mock.assert_async().await;
    assert_eq!(rv.status().as_u16(), 204);
    let () = rv.into_inner();
}

// ---------------------------------------------------------------------------
// Dataset resources: extractors, the resource operations
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_extractors_decodes_every_extractor_and_its_parameters() {
    let server = MockServer::start_async().await;
    let mock = server.list_extractors(|when, then| {
        let when = when.into_inner();
        expect_no_body(when, 0).path("/extractors/");
        reply_example(then.into_inner(), "list_extractors", 200);
    });

    let extractors = client(&server)
        .list_extractors()
        .send()
        .await
        .expect("list_extractors")
        .into_inner();

    mock.assert_async().await;
    let names: Vec<&str> = extractors.iter().map(|e| e.type_.as_str()).collect();
    assert_eq!(names, ["csvfile", "jsonfile"]);
    let csv = &extractors[0];
    assert_eq!(csv.label, "CSV File");
    let params: Vec<&str> = csv.parameters.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        params,
        ["separator", "encoding", "headers_first_row", "doublequote"]
    );
    let encoding = &csv.parameters[1];
    assert_eq!(encoding.type_, "string");
    assert!(!encoding.is_mandatory);
    assert_eq!(encoding.label.as_deref(), Some("Encoding"));
    assert_eq!(encoding.default.as_deref(), Some("utf-8"));
    assert_eq!(csv.parameters[2].type_, "boolean");
    assert_eq!(csv.parameters[2].default, None);
    assert_eq!(extractors[1].parameters[1].name, "json_root");
    assert_round_trips(&extractors, "list_extractors", 200);
}

#[tokio::test]
async fn list_dataset_resources_sends_paging_and_expand_and_decodes_one_resource_per_kind() {
    let server = MockServer::start_async().await;
    let mock = server.list_dataset_resources(|when, then| {
        let when = when
            .dataset_uid(DATASET)
            .limit(10)
            .offset(0)
            .expand(types::ResourceExpand::DatasourceConnection)
            .into_inner()
            .query_param("expand", "datasource.connection");
        expect_no_body(when, 3).path(format!("/datasets/{DATASET}/resources/"));
        reply_example(then.into_inner(), "list_dataset_resources", 200);
    });

    let page = client(&server)
        .list_dataset_resources()
        .dataset_uid(DATASET)
        .limit(10)
        .offset(0)
        .expand(types::ResourceExpand::DatasourceConnection)
        .send()
        .await
        .expect("list_dataset_resources")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.total_count, Some(10));
    assert_eq!(page.next, None);
    let kinds: Vec<&str> = page
        .results
        .iter()
        .map(|r| match r.datasource.as_ref().expect("a datasource") {
            types::ResourceDatasource::Http(_) => "http",
            types::ResourceDatasource::Ftp(_) => "ftp",
            types::ResourceDatasource::Sharepoint(_) => "sharepoint",
            types::ResourceDatasource::GoogleDrive(_) => "google_drive",
            types::ResourceDatasource::Federated(_) => "federated",
            types::ResourceDatasource::UploadedFile(_) => "uploaded_file",
            types::ResourceDatasource::AmazonS3(_) => "amazon_s3",
            types::ResourceDatasource::AzureBlobStorage(_) => "azure_blob_storage",
            types::ResourceDatasource::OdsForm(_) => "ods_form",
            types::ResourceDatasource::SnowflakeOdbc(_) => "snowflake_odbc",
            types::ResourceDatasource::Unknown(_) => "unknown",
        })
        .collect();
    // Each documented kind decodes as its own variant, none as `Unknown`.
    assert_eq!(
        kinds,
        [
            "http",
            "uploaded_file",
            "federated",
            "ftp",
            "sharepoint",
            "google_drive",
            "amazon_s3",
            "azure_blob_storage",
            "ods_form",
            "snowflake_odbc",
        ]
    );
    let first = &page.results[0];
    assert_eq!(first.uid, RESOURCE);
    assert_eq!(first.type_, "csvfile");
    assert_eq!(first.title, "Fromages");
    assert_eq!(
        first.display_name.as_deref(),
        Some("https://data.fromagers.example.org/exports/fromages.csv")
    );
    assert_eq!(
        first.extraction_infos,
        Some(types::ResourceExtractionInfo {
            label: Some("CSV File".to_string()),
            type_: Some("csvfile".to_string()),
        })
    );
    assert_eq!(
        first.origin,
        Some(types::ResourceOrigin {
            label: Some("HTTP".to_string()),
            type_: Some("http".to_string()),
        })
    );
    assert_eq!(first.params, csv_params());
    assert_eq!(first.updated_at, utc(2025, 1, 14, 8, 30, 0));
    // `extraction_infos: null` decodes as None.
    assert_eq!(page.results[2].extraction_infos, None);
    assert_round_trips(&page, "list_dataset_resources", 200);
}

#[tokio::test]
async fn list_dataset_resources_without_parameters_sends_no_query_parameter() {
    let server = MockServer::start_async().await;
    let mock = server.list_dataset_resources(|when, then| {
        let when = when
            .dataset_uid(DATASET)
            .limit(None)
            .offset(None)
            .expand(None)
            .into_inner();
        expect_no_body(when, 0)
            .path(format!("/datasets/{DATASET}/resources/"))
            .is_true(|req| req.uri().query().is_none_or(str::is_empty));
        reply_example(then.into_inner(), "list_dataset_resources", 200);
    });

    client(&server)
        .list_dataset_resources()
        .dataset_uid(DATASET)
        .send()
        .await
        .expect("list_dataset_resources");

    mock.assert_async().await;
}

#[tokio::test]
async fn create_dataset_resource_sends_the_whole_resource_and_decodes_the_created_one() {
    let server = MockServer::start_async().await;
    let mock = server.create_dataset_resource(|when, then| {
        let when = when.dataset_uid(DATASET).into_inner();
        expect_json_body(
            when,
            json!({
                "type": "csvfile",
                "title": "Fromages (S3)",
                "params": {"encoding": "utf-8", "separator": ";"},
                "datasource": {
                    "type": "amazon_s3",
                    "url": "https://fromages-open-data.s3.amazonaws.com/fromages.csv",
                    "connection": {"uid": "co_2aws6b"},
                },
            }),
        )
        .path(format!("/datasets/{DATASET}/resources/"));
        reply_example(then.into_inner(), "create_dataset_resource", 201);
    });

    let rv = client(&server)
        .create_dataset_resource()
        .dataset_uid(DATASET)
        .body(types::ResourceRequest {
            type_: "csvfile".to_string(),
            title: "Fromages (S3)".to_string(),
            url: None,
            params: object(json!({"encoding": "utf-8", "separator": ";"})),
            datasource: Some(types::ResourceDatasourceRequest::AmazonS3(
                types::ResourceDatasourceAmazonS3Request {
                    type_: types::ResourceDatasourceAmazonS3RequestType::AmazonS3,
                    url: Some(
                        "https://fromages-open-data.s3.amazonaws.com/fromages.csv".to_string(),
                    ),
                    headers: vec![],
                    connection: named("co_2aws6b"),
                },
            )),
        })
        .send()
        .await
        .expect("create_dataset_resource");

    mock.assert_async().await;
    assert_eq!(rv.status().as_u16(), 201);
    let resource = rv.into_inner();
    assert_eq!(resource.uid, "re_1am3zs");
    assert_eq!(resource.title, "Fromages (S3)");
    assert_eq!(resource.updated_at, utc(2025, 1, 9, 11, 41, 27));
    match resource.datasource.as_ref() {
        Some(types::ResourceDatasource::AmazonS3(s3)) => {
            assert_eq!(s3.connection.uid, "co_2aws6b");
            assert!(s3.headers.is_empty());
        }
        other => panic!("expected an amazon_s3 datasource, got {other:?}"),
    }
    assert_round_trips(&resource, "create_dataset_resource", 201);
}

#[tokio::test]
async fn create_dataset_resource_with_only_type_and_title_omits_every_unset_field() {
    let server = MockServer::start_async().await;
    let mock = server.create_dataset_resource(|when, then| {
        // Exactly this object: no `null`s, no empty `params`.
        let when = when.dataset_uid(DATASET).into_inner();
        expect_json_body(when, json!({"type": "csvfile", "title": "Fromages"}))
            .path(format!("/datasets/{DATASET}/resources/"));
        reply_example(then.into_inner(), "create_dataset_resource", 201);
    });

    client(&server)
        .create_dataset_resource()
        .dataset_uid(DATASET)
        .body(types::ResourceRequest {
            type_: "csvfile".to_string(),
            title: "Fromages".to_string(),
            url: None,
            params: Map::new(),
            datasource: None,
        })
        .send()
        .await
        .expect("create_dataset_resource");

    mock.assert_async().await;
}

#[tokio::test]
async fn guess_unsaved_resource_extractors_posts_the_datasource_and_decodes_the_extractors() {
    let server = MockServer::start_async().await;
    let mock = server.guess_unsaved_resource_extractors(|when, then| {
        let when = when.dataset_uid(DATASET).into_inner();
        expect_json_body(when, json!({"datasource": http_datasource_json()}))
            .path(format!("/datasets/{DATASET}/resources/guess_extractors/"));
        reply_example(then.into_inner(), "guess_unsaved_resource_extractors", 200);
    });

    let extractors = client(&server)
        .guess_unsaved_resource_extractors()
        .dataset_uid(DATASET)
        .body(types::ResourceGuessExtractorsRequest {
            datasource: types::ResourceDatasourceRequest::Http(http_datasource()),
        })
        .send()
        .await
        .expect("guess_unsaved_resource_extractors")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(extractors.len(), 1);
    assert_eq!(extractors[0].type_, "csvfile");
    assert_eq!(extractors[0].parameters.len(), 4);
    assert_round_trips(&extractors, "guess_unsaved_resource_extractors", 200);
}

#[tokio::test]
async fn guess_unsaved_resource_extractor_params_posts_extractor_and_datasource() {
    let server = MockServer::start_async().await;
    let mock = server.guess_unsaved_resource_extractor_params(|when, then| {
        let when = when.dataset_uid(DATASET).into_inner();
        expect_json_body(
            when,
            json!({
                "type": "csvfile",
                "datasource": {"type": "uploaded_file", "file": {"uid": FILE}},
            }),
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

    let guessed = client(&server)
        .guess_unsaved_resource_extractor_params()
        .dataset_uid(DATASET)
        .body(types::ResourceGuessExtractorParamsRequest {
            type_: "csvfile".to_string(),
            datasource: uploaded_file_datasource(FILE),
        })
        .send()
        .await
        .expect("guess_unsaved_resource_extractor_params")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(guessed.extractor, "csvfile");
    assert_eq!(guessed.params, csv_params());
    assert_round_trips(&guessed, "guess_unsaved_resource_extractor_params", 200);
}

#[tokio::test]
async fn preview_unsaved_resource_posts_the_settings_and_decodes_fields_and_records() {
    let server = MockServer::start_async().await;
    let mock = server.preview_unsaved_resource(|when, then| {
        let when = when.dataset_uid(DATASET).into_inner();
        expect_json_body(
            when,
            json!({
                "type": "csvfile",
                "datasource": {"type": "uploaded_file", "file": {"uid": FILE}},
                "params": {"separator": ";"},
            }),
        )
        .path(format!("/datasets/{DATASET}/resources/preview/"));
        reply_example(then.into_inner(), "preview_unsaved_resource", 200);
    });

    let preview = client(&server)
        .preview_unsaved_resource()
        .dataset_uid(DATASET)
        .body(types::ResourcePreviewRequest {
            type_: "csvfile".to_string(),
            datasource: uploaded_file_datasource(FILE),
            params: object(json!({"separator": ";"})),
        })
        .send()
        .await
        .expect("preview_unsaved_resource")
        .into_inner();

    mock.assert_async().await;
    let names: Vec<&str> = preview.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["fromage", "departement", "annee_aoc"]);
    let year = &preview.fields[2];
    assert_eq!(year.label, "Année AOC");
    assert_eq!(year.type_.as_deref(), Some("date"));
    assert_eq!(
        year.annotations,
        [types::ResourcePreviewFieldAnnotation {
            name: "timeserie_precision".to_string(),
            args: vec!["year".to_string()],
        }]
    );
    assert_eq!(
        preview.fields[1].description.as_deref(),
        Some("Where the cheese is made.")
    );
    assert_eq!(preview.records.len(), 2);
    assert_eq!(preview.records[0]["fromage"], "Comté");
    assert_eq!(preview.records[1]["annee_aoc"], "1925");
    assert_round_trips(&preview, "preview_unsaved_resource", 200);
}

#[tokio::test]
async fn preview_unsaved_resource_without_params_leaves_them_to_the_service() {
    let server = MockServer::start_async().await;
    let mock = server.preview_unsaved_resource(|when, then| {
        let when = when.dataset_uid(DATASET).into_inner();
        expect_json_body(
            when,
            json!({
                "type": "csvfile",
                "datasource": {"type": "uploaded_file", "file": {"uid": FILE}},
            }),
        )
        .path(format!("/datasets/{DATASET}/resources/preview/"));
        reply_example(then.into_inner(), "preview_unsaved_resource", 200);
    });

    client(&server)
        .preview_unsaved_resource()
        .dataset_uid(DATASET)
        .body(types::ResourcePreviewRequest {
            type_: "csvfile".to_string(),
            datasource: uploaded_file_datasource(FILE),
            params: Map::new(),
        })
        .send()
        .await
        .expect("preview_unsaved_resource");

    mock.assert_async().await;
}

#[tokio::test]
async fn get_dataset_resource_sends_expand_and_decodes_the_resource() {
    let server = MockServer::start_async().await;
    let mock = server.get_dataset_resource(|when, then| {
        let when = when
            .dataset_uid(DATASET)
            .resource_uid(RESOURCE)
            .expand(types::ResourceExpand::DatasourceDataset)
            .into_inner()
            .query_param("expand", "datasource.dataset");
        expect_no_body(when, 1).path(format!("/datasets/{DATASET}/resources/{RESOURCE}/"));
        reply_example(then.into_inner(), "get_dataset_resource", 200);
    });

    let resource = client(&server)
        .get_dataset_resource()
        .dataset_uid(DATASET)
        .resource_uid(RESOURCE)
        .expand(types::ResourceExpand::DatasourceDataset)
        .send()
        .await
        .expect("get_dataset_resource")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(resource.uid, "re_6jr4bn");
    assert_eq!(resource.type_, "xlsfile");
    assert_eq!(resource.title, "Cheese makers");
    assert_eq!(resource.params, object(json!({"sheet": "Makers"})));
    assert!(matches!(
        resource.datasource,
        Some(types::ResourceDatasource::Sharepoint(_))
    ));
    assert_round_trips(&resource, "get_dataset_resource", 200);
}

#[tokio::test]
async fn get_dataset_resource_without_expand_sends_no_query_parameter() {
    let server = MockServer::start_async().await;
    let mock = server.get_dataset_resource(|when, then| {
        let when = when
            .dataset_uid(DATASET)
            .resource_uid(RESOURCE)
            .expand(None)
            .into_inner();
        expect_no_body(when, 0)
            .path(format!("/datasets/{DATASET}/resources/{RESOURCE}/"))
            .is_true(|req| req.uri().query().is_none_or(str::is_empty));
        reply_example(then.into_inner(), "get_dataset_resource", 200);
    });

    client(&server)
        .get_dataset_resource()
        .dataset_uid(DATASET)
        .resource_uid(RESOURCE)
        .send()
        .await
        .expect("get_dataset_resource");

    mock.assert_async().await;
}

#[tokio::test]
async fn update_dataset_resource_puts_the_new_settings_and_decodes_the_resource() {
    let server = MockServer::start_async().await;
    let mock = server.update_dataset_resource(|when, then| {
        let when = when
            .dataset_uid(DATASET)
            .resource_uid(RESOURCE)
            .into_inner();
        expect_json_body(
            when,
            json!({
                "type": "csvfile",
                "title": "Fromages (Azure)",
                "params": {"encoding": "utf-8", "separator": ";"},
                "datasource": {
                    "type": "azure_blob_storage",
                    "url": "https://fromagesdata.blob.core.windows.net/exports/fromages.csv",
                    "connection": {"uid": "co_5azb3c"},
                },
            }),
        )
        .path(format!("/datasets/{DATASET}/resources/{RESOURCE}/"));
        reply_example(then.into_inner(), "update_dataset_resource", 200);
    });

    let resource = client(&server)
        .update_dataset_resource()
        .dataset_uid(DATASET)
        .resource_uid(RESOURCE)
        .body(types::ResourceRequest {
            type_: "csvfile".to_string(),
            title: "Fromages (Azure)".to_string(),
            url: None,
            params: object(json!({"encoding": "utf-8", "separator": ";"})),
            datasource: Some(types::ResourceDatasourceRequest::AzureBlobStorage(
                types::ResourceDatasourceAzureBlobStorageRequest {
                    type_: types::ResourceDatasourceAzureBlobStorageRequestType::AzureBlobStorage,
                    url: Some(
                        "https://fromagesdata.blob.core.windows.net/exports/fromages.csv"
                            .to_string(),
                    ),
                    headers: vec![],
                    connection: named("co_5azb3c"),
                },
            )),
        })
        .send()
        .await
        .expect("update_dataset_resource")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(resource.uid, "re_7bz5qt");
    assert_eq!(resource.title, "Fromages (Azure)");
    assert_eq!(resource.updated_at, utc(2024, 12, 20, 15, 5, 50));
    assert!(matches!(
        resource.datasource,
        Some(types::ResourceDatasource::AzureBlobStorage(_))
    ));
    assert_round_trips(&resource, "update_dataset_resource", 200);
}

#[tokio::test]
async fn delete_dataset_resource_answers_no_content_and_decodes_nothing() {
    let server = MockServer::start_async().await;
    let mock = server.delete_dataset_resource(|when, then| {
        let when = when
            .dataset_uid(DATASET)
            .resource_uid(RESOURCE)
            .into_inner();
        expect_no_body(when, 0).path(format!("/datasets/{DATASET}/resources/{RESOURCE}/"));
        then.no_content();
    });

    let rv = client(&server)
        .delete_dataset_resource()
        .dataset_uid(DATASET)
        .resource_uid(RESOURCE)
        .send()
        .await
        .expect("delete_dataset_resource: an empty 204 must not be decoded as JSON");

    mock.assert_async().await;
    assert_eq!(rv.status().as_u16(), 204);
    let () = rv.into_inner();
}

#[tokio::test]
async fn guess_resource_extractors_decodes_the_extractors() {
    let server = MockServer::start_async().await;
    let mock = server.guess_resource_extractors(|when, then| {
        let when = when
            .dataset_uid(DATASET)
            .resource_uid(RESOURCE)
            .into_inner();
        expect_no_body(when, 0).path(format!(
            "/datasets/{DATASET}/resources/{RESOURCE}/guess_extractors/"
        ));
        reply_example(then.into_inner(), "guess_resource_extractors", 200);
    });

    let extractors = client(&server)
        .guess_resource_extractors()
        .dataset_uid(DATASET)
        .resource_uid(RESOURCE)
        .send()
        .await
        .expect("guess_resource_extractors")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(extractors.len(), 1);
    assert_eq!(extractors[0].type_, "csvfile");
    assert_eq!(extractors[0].label, "CSV File");
    assert_round_trips(&extractors, "guess_resource_extractors", 200);
}

#[tokio::test]
async fn clean_resource_cache_posts_nothing_and_answers_no_content() {
    let server = MockServer::start_async().await;
    let mock = server.clean_resource_cache(|when, then| {
        let when = when
            .dataset_uid(DATASET)
            .resource_uid(RESOURCE)
            .into_inner();
        expect_no_body(when, 0).path(format!(
            "/datasets/{DATASET}/resources/{RESOURCE}/clean_cache/"
        ));
        then.no_content();
    });

    let rv = client(&server)
        .clean_resource_cache()
        .dataset_uid(DATASET)
        .resource_uid(RESOURCE)
        .send()
        .await
        .expect("clean_resource_cache: an empty 204 must not be decoded as JSON");

    mock.assert_async().await;
    assert_eq!(rv.status().as_u16(), 204);
    let () = rv.into_inner();
}

#[tokio::test]
async fn guess_resource_extractor_params_decodes_the_extractor_and_its_parameters() {
    let server = MockServer::start_async().await;
    let mock = server.guess_resource_extractor_params(|when, then| {
        let when = when
            .dataset_uid(DATASET)
            .resource_uid(RESOURCE)
            .into_inner();
        expect_no_body(when, 0).path(format!(
            "/datasets/{DATASET}/resources/{RESOURCE}/guess_extractors_params/"
        ));
        reply_example(then.into_inner(), "guess_resource_extractor_params", 200);
    });

    let guessed = client(&server)
        .guess_resource_extractor_params()
        .dataset_uid(DATASET)
        .resource_uid(RESOURCE)
        .send()
        .await
        .expect("guess_resource_extractor_params")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(guessed.extractor, "csvfile");
    assert_eq!(guessed.params, csv_params());
    assert_round_trips(&guessed, "guess_resource_extractor_params", 200);
}

#[tokio::test]
async fn preview_resource_decodes_fields_and_records() {
    let server = MockServer::start_async().await;
    let mock = server.preview_resource(|when, then| {
        let when = when
            .dataset_uid(DATASET)
            .resource_uid(RESOURCE)
            .into_inner();
        expect_no_body(when, 0).path(format!("/datasets/{DATASET}/resources/{RESOURCE}/preview/"));
        reply_example(then.into_inner(), "preview_resource", 200);
    });

    let preview = client(&server)
        .preview_resource()
        .dataset_uid(DATASET)
        .resource_uid(RESOURCE)
        .send()
        .await
        .expect("preview_resource")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(preview.fields.len(), 3);
    assert_eq!(preview.fields[0].original_name.as_deref(), Some("Fromage"));
    assert!(preview.fields[0].annotations.is_empty());
    assert_eq!(preview.records[0]["departement"], "Jura");
    assert_round_trips(&preview, "preview_resource", 200);
}

/// The realtime resource the five realtime operations answer, decoded from
/// the example of `op`: its datasource is of a kind the spec does not
/// describe, so it is `Unknown`, kept whole.
fn check_realtime_resource(resource: &types::Resource, op: &str) {
    assert_eq!(resource.uid, "re_0rt5pk", "{op}: uid");
    assert_eq!(resource.type_, "realtime", "{op}: type");
    assert_eq!(resource.title, "Cheese cellar sensors", "{op}: title");
    assert_eq!(resource.extraction_infos, None, "{op}: extraction_infos");
    let datasource = resource.datasource.as_ref().expect("a datasource");
    assert!(
        matches!(datasource, types::ResourceDatasource::Unknown(_)),
        "{op}: datasource {datasource:?}"
    );
    assert_eq!(datasource.kind(), "realtime", "{op}: datasource kind");
    assert_round_trips(resource, op, 200);
}

#[tokio::test]
async fn recover_resource_posts_nothing_and_decodes_the_realtime_resource() {
    let server = MockServer::start_async().await;
    let mock = server.recover_resource(|when, then| {
        let when = when
            .dataset_uid(DATASET)
            .resource_uid(RESOURCE)
            .into_inner();
        expect_no_body(when, 0).path(format!("/datasets/{DATASET}/resources/{RESOURCE}/recover/"));
        reply_example(then.into_inner(), "recover_resource", 200);
    });

    let resource = client(&server)
        .recover_resource()
        .dataset_uid(DATASET)
        .resource_uid(RESOURCE)
        .send()
        .await
        .expect("recover_resource")
        .into_inner();

    mock.assert_async().await;
    check_realtime_resource(&resource, "recover_resource");
    assert_eq!(resource.updated_at, utc(2025, 1, 15, 9, 12, 44));
}

#[tokio::test]
async fn delete_resource_recover_data_posts_nothing_and_decodes_the_realtime_resource() {
    let server = MockServer::start_async().await;
    let mock = server.delete_resource_recover_data(|when, then| {
        let when = when
            .dataset_uid(DATASET)
            .resource_uid(RESOURCE)
            .into_inner();
        expect_no_body(when, 0).path(format!(
            "/datasets/{DATASET}/resources/{RESOURCE}/delete_recover_data/"
        ));
        reply_example(then.into_inner(), "delete_resource_recover_data", 200);
    });

    let resource = client(&server)
        .delete_resource_recover_data()
        .dataset_uid(DATASET)
        .resource_uid(RESOURCE)
        .send()
        .await
        .expect("delete_resource_recover_data")
        .into_inner();

    mock.assert_async().await;
    check_realtime_resource(&resource, "delete_resource_recover_data");
    assert_eq!(resource.updated_at, utc(2025, 1, 15, 9, 20, 3));
}

#[tokio::test]
async fn enable_resource_posts_nothing_and_decodes_the_realtime_resource() {
    let server = MockServer::start_async().await;
    let mock = server.enable_resource(|when, then| {
        let when = when
            .dataset_uid(DATASET)
            .resource_uid(RESOURCE)
            .into_inner();
        expect_no_body(when, 0).path(format!("/datasets/{DATASET}/resources/{RESOURCE}/enable/"));
        reply_example(then.into_inner(), "enable_resource", 200);
    });

    let resource = client(&server)
        .enable_resource()
        .dataset_uid(DATASET)
        .resource_uid(RESOURCE)
        .send()
        .await
        .expect("enable_resource")
        .into_inner();

    mock.assert_async().await;
    check_realtime_resource(&resource, "enable_resource");
    assert_eq!(resource.updated_at, utc(2025, 1, 15, 9, 31, 17));
}

#[tokio::test]
async fn disable_resource_posts_nothing_and_decodes_the_realtime_resource() {
    let server = MockServer::start_async().await;
    let mock = server.disable_resource(|when, then| {
        let when = when
            .dataset_uid(DATASET)
            .resource_uid(RESOURCE)
            .into_inner();
        expect_no_body(when, 0).path(format!("/datasets/{DATASET}/resources/{RESOURCE}/disable/"));
        reply_example(then.into_inner(), "disable_resource", 200);
    });

    let resource = client(&server)
        .disable_resource()
        .dataset_uid(DATASET)
        .resource_uid(RESOURCE)
        .send()
        .await
        .expect("disable_resource")
        .into_inner();

    mock.assert_async().await;
    check_realtime_resource(&resource, "disable_resource");
    assert_eq!(resource.updated_at, utc(2025, 1, 15, 9, 30, 52));
}

#[tokio::test]
async fn renew_resource_api_key_posts_nothing_and_decodes_the_realtime_resource() {
    let server = MockServer::start_async().await;
    let mock = server.renew_resource_api_key(|when, then| {
        let when = when
            .dataset_uid(DATASET)
            .resource_uid(RESOURCE)
            .into_inner();
        expect_no_body(when, 0).path(format!(
            "/datasets/{DATASET}/resources/{RESOURCE}/renew_api_key/"
        ));
        reply_example(then.into_inner(), "renew_resource_api_key", 200);
    });

    let resource = client(&server)
        .renew_resource_api_key()
        .dataset_uid(DATASET)
        .resource_uid(RESOURCE)
        .send()
        .await
        .expect("renew_resource_api_key")
        .into_inner();

    mock.assert_async().await;
    check_realtime_resource(&resource, "renew_resource_api_key");
    assert_eq!(resource.updated_at, utc(2025, 1, 15, 9, 40, 26));
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

    client
        .guess_unsaved_resource_extractors()
        .dataset_uid(DATASET)
        .body(types::ResourceGuessExtractorsRequest {
            datasource: inline_http_datasource(),
        })
        .send()
        .await
        .expect("guess_unsaved_resource_extractors");
    client
        .guess_unsaved_resource_extractor_params()
        .dataset_uid(DATASET)
        .body(types::ResourceGuessExtractorParamsRequest {
            type_: "csvfile".to_string(),
            datasource: inline_http_datasource(),
        })
        .send()
        .await
        .expect("guess_unsaved_resource_extractor_params");
    client
        .preview_unsaved_resource()
        .dataset_uid(DATASET)
        .body(types::ResourcePreviewRequest {
            type_: "csvfile".to_string(),
            datasource: inline_http_datasource(),
            params: Map::new(),
        })
        .send()
        .await
        .expect("preview_unsaved_resource");
    client
        .update_dataset_resource()
        .dataset_uid(DATASET)
        .resource_uid(RESOURCE)
        .body(types::ResourceRequest {
            type_: "csvfile".to_string(),
            title: "Fromages".to_string(),
            url: None,
            params: Map::new(),
            datasource: Some(inline_http_datasource()),
        })
        .send()
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

// ---------------------------------------------------------------------------
// Dataset resources: files
// ---------------------------------------------------------------------------

#[tokio::test]
async fn upload_dataset_resource_file_sends_one_file_part_and_decodes_the_stored_file() {
    let server = MockServer::start_async().await;
    let seen = Seen::default();
    let path = format!("/datasets/{DATASET}/resources/files/");
    let mock = mock_upload(
        &server,
        &path,
        &seen,
        201,
        example_json("upload_dataset_resource_file", 201),
    );
    let csv = example_file("download_dataset_resource_file");

    let rv = client(&server)
        .upload_dataset_resource_file()
        .dataset_uid(DATASET)
        .file(FileUpload::new(FILE, csv.as_bytes()).content_type("text/csv"))
        .send()
        .await
        .expect("upload_dataset_resource_file");

    mock.assert_async().await;
    assert_eq!(
        seen_parts(&seen),
        [Part::file("file", FILE, Some("text/csv"), csv.as_bytes())]
    );
    assert_eq!(rv.status().as_u16(), 201);
    let file = rv.into_inner();
    assert_eq!(file.uid, FILE);
    assert_eq!(file.filename, FILE);
    assert_eq!(file.mimetype.as_deref(), Some("text/csv"));
    assert_eq!(file.created_at, utc(2025, 1, 14, 8, 12, 37));
    assert_round_trips(&file, "upload_dataset_resource_file", 201);
}

#[tokio::test]
async fn upload_dataset_resource_file_sends_binary_bytes_unchanged_and_without_a_media_type() {
    let server = MockServer::start_async().await;
    let seen = Seen::default();
    let path = format!("/datasets/{DATASET}/resources/files/");
    let mock = mock_upload(
        &server,
        &path,
        &seen,
        201,
        example_json("upload_dataset_resource_file", 201),
    );

    client(&server)
        .upload_dataset_resource_file()
        .dataset_uid(DATASET)
        .file(FileUpload::new("fromages.xlsx", BINARY))
        .send()
        .await
        .expect("upload_dataset_resource_file");

    mock.assert_async().await;
    assert_eq!(
        seen_parts(&seen),
        [Part::file("file", "fromages.xlsx", None, BINARY)]
    );
}

#[tokio::test]
async fn get_dataset_resource_file_decodes_the_file_details() {
    let server = MockServer::start_async().await;
    let mock = server.get_dataset_resource_file(|when, then| {
        let when = when.dataset_uid(DATASET).file_uid(FILE).into_inner();
        expect_no_body(when, 0).path(format!("/datasets/{DATASET}/resources/files/{FILE}/"));
        reply_example(then.into_inner(), "get_dataset_resource_file", 200);
    });

    let file = client(&server)
        .get_dataset_resource_file()
        .dataset_uid(DATASET)
        .file_uid(FILE)
        .send()
        .await
        .expect("get_dataset_resource_file")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(
        file,
        types::ResourceFile {
            uid: FILE.to_string(),
            filename: FILE.to_string(),
            mimetype: Some("text/csv".to_string()),
            created_at: utc(2025, 1, 14, 8, 12, 37),
        }
    );
    assert_round_trips(&file, "get_dataset_resource_file", 200);
}

#[tokio::test]
async fn download_dataset_resource_file_hands_over_the_files_bytes() {
    let server = MockServer::start_async().await;
    let csv = example_file("download_dataset_resource_file");
    let mock = server.download_dataset_resource_file(|when, then| {
        let when = when.dataset_uid(DATASET).file_uid(FILE).into_inner();
        expect_download(when, 0).path(format!(
            "/datasets/{DATASET}/resources/files/{FILE}/download/"
        ));
        then.into_inner()
            .status(200)
            .header("content-type", "application/octet-stream")
            .header(
                "content-disposition",
                "attachment; filename=\"fromages.csv\"; filename*=UTF-8''fromages.csv",
            )
            .body(&csv);
    });

    let rv = client(&server)
        .download_dataset_resource_file()
        .dataset_uid(DATASET)
        .file_uid(FILE)
        .send()
        .await
        .expect("download_dataset_resource_file: a file must not be decoded as JSON");

    mock.assert_async().await;
    assert_eq!(rv.status().as_u16(), 200);
    assert_eq!(
        rv.headers()["content-disposition"].to_str().unwrap(),
        "attachment; filename=\"fromages.csv\"; filename*=UTF-8''fromages.csv"
    );
    let bytes = read_bytes(&server, rv.into_inner()).await;
    assert_eq!(bytes, csv.as_bytes());
    assert!(String::from_utf8(bytes)
        .unwrap()
        .starts_with("fromage;departement;annee_aoc\n"));
}

// ---------------------------------------------------------------------------
// Dataset attachments
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_dataset_attachments_sends_paging_and_decodes_the_page() {
    let server = MockServer::start_async().await;
    let mock = server.list_dataset_attachments(|when, then| {
        let when = when.dataset_uid(DATASET).limit(20).offset(40).into_inner();
        expect_no_body(when, 2).path(format!("/datasets/{DATASET}/attachments/"));
        reply_example(then.into_inner(), "list_dataset_attachments", 200);
    });

    let page = client(&server)
        .list_dataset_attachments()
        .dataset_uid(DATASET)
        .limit(20)
        .offset(40)
        .send()
        .await
        .expect("list_dataset_attachments")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.total_count, Some(2));
    let names: Vec<&str> = page.results.iter().map(|a| a.filename.as_str()).collect();
    assert_eq!(names, ["methodology.txt", "field-definitions.pdf"]);
    assert_eq!(page.results[0].uid, ATTACHMENT);
    assert_eq!(page.results[1].mimetype.as_deref(), Some("application/pdf"));
    assert_eq!(page.results[1].created_at, utc(2024, 11, 4, 10, 22, 5));
    assert_round_trips(&page, "list_dataset_attachments", 200);
}

#[tokio::test]
async fn create_dataset_attachment_sends_one_file_part_and_decodes_the_attachment() {
    let server = MockServer::start_async().await;
    let seen = Seen::default();
    let path = format!("/datasets/{DATASET}/attachments/");
    let mock = mock_upload(
        &server,
        &path,
        &seen,
        201,
        example_json("create_dataset_attachment", 201),
    );
    let text = example_file("download_dataset_attachment");

    let rv = client(&server)
        .create_dataset_attachment()
        .dataset_uid(DATASET)
        .file(FileUpload::new("methodology.txt", text.as_bytes()).content_type("text/plain"))
        .send()
        .await
        .expect("create_dataset_attachment");

    mock.assert_async().await;
    assert_eq!(
        seen_parts(&seen),
        [Part::file(
            "file",
            "methodology.txt",
            Some("text/plain"),
            text.as_bytes()
        )]
    );
    assert_eq!(rv.status().as_u16(), 201);
    let attachment = rv.into_inner();
    assert_eq!(attachment.uid, ATTACHMENT);
    assert_eq!(attachment.filename, "methodology.txt");
    assert_eq!(attachment.mimetype.as_deref(), Some("text/plain"));
    assert_eq!(attachment.created_at, utc(2024, 11, 4, 10, 21, 33));
    assert_round_trips(&attachment, "create_dataset_attachment", 201);
}

#[tokio::test]
async fn get_dataset_attachment_decodes_the_attachment() {
    let server = MockServer::start_async().await;
    let mock = server.get_dataset_attachment(|when, then| {
        let when = when
            .dataset_uid(DATASET)
            .attachment_uid(ATTACHMENT)
            .into_inner();
        expect_no_body(when, 0).path(format!("/datasets/{DATASET}/attachments/{ATTACHMENT}/"));
        reply_example(then.into_inner(), "get_dataset_attachment", 200);
    });

    let attachment = client(&server)
        .get_dataset_attachment()
        .dataset_uid(DATASET)
        .attachment_uid(ATTACHMENT)
        .send()
        .await
        .expect("get_dataset_attachment")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(
        attachment,
        types::Attachment {
            uid: ATTACHMENT.to_string(),
            filename: "methodology.txt".to_string(),
            mimetype: Some("text/plain".to_string()),
            created_at: utc(2024, 11, 4, 10, 21, 33),
        }
    );
    assert_round_trips(&attachment, "get_dataset_attachment", 200);
}

#[test]
fn an_attachment_of_unknown_media_type_decodes_with_none() {
    let attachment: types::Attachment = serde_json::from_value(json!({
        "uid": "at_1", "filename": "notes", "mimetype": null,
    }))
    .unwrap();
    assert_eq!(attachment.mimetype, None);
    assert_eq!(attachment.created_at, None);
}

#[tokio::test]
async fn delete_dataset_attachment_answers_no_content_and_decodes_nothing() {
    let server = MockServer::start_async().await;
    let mock = server.delete_dataset_attachment(|when, then| {
        let when = when
            .dataset_uid(DATASET)
            .attachment_uid(ATTACHMENT)
            .into_inner();
        expect_no_body(when, 0).path(format!("/datasets/{DATASET}/attachments/{ATTACHMENT}/"));
        then.no_content();
    });

    let rv = client(&server)
        .delete_dataset_attachment()
        .dataset_uid(DATASET)
        .attachment_uid(ATTACHMENT)
        .send()
        .await
        .expect("delete_dataset_attachment: an empty 204 must not be decoded as JSON");

    mock.assert_async().await;
    assert_eq!(rv.status().as_u16(), 204);
    let () = rv.into_inner();
}

#[tokio::test]
async fn download_dataset_attachment_hands_over_the_files_bytes() {
    let server = MockServer::start_async().await;
    let text = example_file("download_dataset_attachment");
    let mock = server.download_dataset_attachment(|when, then| {
        let when = when
            .dataset_uid(DATASET)
            .attachment_uid(ATTACHMENT)
            .into_inner();
        expect_download(when, 0).path(format!(
            "/datasets/{DATASET}/attachments/{ATTACHMENT}/download/"
        ));
        then.into_inner()
            .status(200)
            .header("content-type", "application/octet-stream")
            .body(&text);
    });

    let rv = client(&server)
        .download_dataset_attachment()
        .dataset_uid(DATASET)
        .attachment_uid(ATTACHMENT)
        .send()
        .await
        .expect("download_dataset_attachment");

    mock.assert_async().await;
    assert_eq!(read_bytes(&server, rv.into_inner()).await, text.as_bytes());
}

#[tokio::test]
async fn download_dataset_attachment_hands_over_binary_bytes_unchanged() {
    let server = MockServer::start_async().await;
    let mock = server.download_dataset_attachment(|when, then| {
        let when = when
            .dataset_uid(DATASET)
            .attachment_uid("at_9lm2xc")
            .into_inner();
        expect_download(when, 0).path(format!(
            "/datasets/{DATASET}/attachments/at_9lm2xc/download/"
        ));
        then.into_inner()
            .status(200)
            .header("content-type", "application/pdf")
            .body(BINARY);
    });

    let rv = client(&server)
        .download_dataset_attachment()
        .dataset_uid(DATASET)
        .attachment_uid("at_9lm2xc")
        .send()
        .await
        .expect("download_dataset_attachment: a PDF must not be decoded as JSON");

    mock.assert_async().await;
    assert_eq!(read_bytes(&server, rv.into_inner()).await, BINARY);
}

// ---------------------------------------------------------------------------
// Dataset alternative exports
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_dataset_alternative_exports_sends_paging_and_decodes_both_kinds() {
    let server = MockServer::start_async().await;
    let mock = server.list_dataset_alternative_exports(|when, then| {
        let when = when.dataset_uid(DATASET).limit(2).offset(0).into_inner();
        expect_no_body(when, 2).path(format!("/datasets/{DATASET}/alternative_exports/"));
        reply_example(then.into_inner(), "list_dataset_alternative_exports", 200);
    });

    let page = client(&server)
        .list_dataset_alternative_exports()
        .dataset_uid(DATASET)
        .limit(2)
        .offset(0)
        .send()
        .await
        .expect("list_dataset_alternative_exports")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.total_count, Some(2));
    assert_eq!(page.results.len(), 2);
    assert!(matches!(
        page.results[0],
        types::AlternativeExport::UploadedFile(_)
    ));
    assert!(matches!(page.results[1], types::AlternativeExport::Url(_)));
    assert_round_trips(&page, "list_dataset_alternative_exports", 200);
}

#[test]
fn an_uploaded_file_alternative_export_decodes_with_its_file_name() {
    let page: types::AlternativeExportList = example("list_dataset_alternative_exports", 200);
    let export = match &page.results[0] {
        types::AlternativeExport::UploadedFile(export) => export,
        other => panic!("expected an uploaded_file export, got {other:?}"),
    };
    assert_eq!(export.uid, EXPORT);
    assert_eq!(export.title, "Fromages in Lambert-93");
    assert_eq!(
        export.filename.as_deref(),
        Some("fromages-lambert93.geojson")
    );
    assert_eq!(export.mimetype.as_deref(), Some("application/geo+json"));
    assert_eq!(export.created_at, utc(2024, 12, 2, 14, 8, 19));
}

#[test]
fn a_url_alternative_export_decodes_with_its_link() {
    let page: types::AlternativeExportList = example("list_dataset_alternative_exports", 200);
    let export = match &page.results[1] {
        types::AlternativeExport::Url(export) => export,
        other => panic!("expected a url export, got {other:?}"),
    };
    assert_eq!(export.uid, "ae_5pz8ud");
    assert_eq!(
        export.url.as_deref(),
        Some("https://data.fromagers.example.org/exports/fromages.gpkg")
    );
    assert_eq!(
        export.description.as_deref(),
        Some("Built every night by the cheese makers' federation.")
    );
    assert_eq!(export.updated_at, utc(2025, 1, 6, 12, 30, 11));
    // A kind the vendor does not list yet is kept whole.
    let sent = json!({"uid": "ae_1", "type": "ftp", "title": "x"});
    let unknown = serde_json::from_value::<types::AlternativeExport>(sent.clone()).unwrap();
    assert!(matches!(unknown, types::AlternativeExport::Unknown(_)));
    assert_eq!(unknown.kind(), "ftp");
    assert_eq!(serde_json::to_value(&unknown).unwrap(), sent);
}

#[tokio::test]
async fn create_dataset_alternative_export_sends_type_title_description_and_file() {
    let server = MockServer::start_async().await;
    let seen = Seen::default();
    let path = format!("/datasets/{DATASET}/alternative_exports/");
    let mock = mock_upload(
        &server,
        &path,
        &seen,
        201,
        example_json("create_dataset_alternative_export", 201),
    );
    let geojson = example_file("download_dataset_alternative_export");

    let rv = client(&server)
        .create_dataset_alternative_export()
        .dataset_uid(DATASET)
        .title("Fromages in Lambert-93")
        .description("The dataset with its coordinates in the French Lambert-93 projection.")
        .file(
            FileUpload::new("fromages-lambert93.geojson", geojson.as_bytes())
                .content_type("application/geo+json"),
        )
        .send()
        .await
        .expect("create_dataset_alternative_export");

    mock.assert_async().await;
    assert_eq!(
        seen_parts(&seen),
        [
            Part::text("type", "uploaded_file"),
            Part::text("title", "Fromages in Lambert-93"),
            Part::text(
                "description",
                "The dataset with its coordinates in the French Lambert-93 projection."
            ),
            Part::file(
                "file",
                "fromages-lambert93.geojson",
                Some("application/geo+json"),
                geojson.as_bytes()
            ),
        ]
    );
    assert_eq!(rv.status().as_u16(), 201);
    let export = rv.into_inner();
    match &export {
        types::AlternativeExport::UploadedFile(export) => {
            assert_eq!(export.uid, EXPORT);
            assert_eq!(export.title, "Fromages in Lambert-93");
            assert_eq!(
                export.filename.as_deref(),
                Some("fromages-lambert93.geojson")
            );
        }
        other => panic!("expected an uploaded_file export, got {other:?}"),
    }
    assert_round_trips(&export, "create_dataset_alternative_export", 201);
}

#[tokio::test]
async fn create_dataset_alternative_export_without_a_description_sends_no_such_part() {
    let server = MockServer::start_async().await;
    let seen = Seen::default();
    let path = format!("/datasets/{DATASET}/alternative_exports/");
    let mock = mock_upload(
        &server,
        &path,
        &seen,
        201,
        example_json("create_dataset_alternative_export", 201),
    );

    client(&server)
        .create_dataset_alternative_export()
        .dataset_uid(DATASET)
        .title("Fromages (shapefile)")
        .file(FileUpload::new("fromages.zip", BINARY))
        .send()
        .await
        .expect("create_dataset_alternative_export");

    mock.assert_async().await;
    assert_eq!(
        seen_parts(&seen),
        [
            Part::text("type", "uploaded_file"),
            Part::text("title", "Fromages (shapefile)"),
            Part::file("file", "fromages.zip", None, BINARY),
        ]
    );
}

#[tokio::test]
async fn get_dataset_alternative_export_decodes_a_link_export() {
    let server = MockServer::start_async().await;
    let mock = server.get_dataset_alternative_export(|when, then| {
        let when = when.dataset_uid(DATASET).export_uid(EXPORT).into_inner();
        expect_no_body(when, 0).path(format!("/datasets/{DATASET}/alternative_exports/{EXPORT}/"));
        reply_example(then.into_inner(), "get_dataset_alternative_export", 200);
    });

    let export = client(&server)
        .get_dataset_alternative_export()
        .dataset_uid(DATASET)
        .export_uid(EXPORT)
        .send()
        .await
        .expect("get_dataset_alternative_export")
        .into_inner();

    mock.assert_async().await;
    match &export {
        types::AlternativeExport::Url(url) => {
            assert_eq!(url.title, "Fromages as a GeoPackage");
            assert_eq!(
                url.mimetype.as_deref(),
                Some("application/geopackage+sqlite3")
            );
            assert_eq!(
                url.url.as_deref(),
                Some("https://data.fromagers.example.org/exports/fromages.gpkg")
            );
        }
        other => panic!("expected a url export, got {other:?}"),
    }
    assert_round_trips(&export, "get_dataset_alternative_export", 200);
}

#[tokio::test]
async fn update_dataset_alternative_export_puts_title_and_description() {
    let server = MockServer::start_async().await;
    let mock = server.update_dataset_alternative_export(|when, then| {
        let when = when.dataset_uid(DATASET).export_uid(EXPORT).into_inner();
        expect_json_body(
            when,
            json!({
                "type": "uploaded_file",
                "title": "Fromages (Lambert-93)",
                "description": "Coordinates in the Lambert-93 projection (EPSG:2154).",
            }),
        )
        .path(format!("/datasets/{DATASET}/alternative_exports/{EXPORT}/"));
        reply_example(then.into_inner(), "update_dataset_alternative_export", 200);
    });

    let export = client(&server)
        .update_dataset_alternative_export()
        .dataset_uid(DATASET)
        .export_uid(EXPORT)
        .body(types::AlternativeExportRequest {
            type_: types::AlternativeExportRequestType::UploadedFile,
            title: "Fromages (Lambert-93)".to_string(),
            description: Some("Coordinates in the Lambert-93 projection (EPSG:2154).".to_string()),
        })
        .send()
        .await
        .expect("update_dataset_alternative_export")
        .into_inner();

    mock.assert_async().await;
    match &export {
        types::AlternativeExport::UploadedFile(file) => {
            assert_eq!(file.uid, EXPORT);
            assert_eq!(file.title, "Fromages (Lambert-93)");
            assert_eq!(file.created_at, utc(2024, 12, 2, 14, 8, 19));
            assert_eq!(file.updated_at, utc(2025, 1, 13, 9, 54, 40));
        }
        other => panic!("expected an uploaded_file export, got {other:?}"),
    }
    assert_round_trips(&export, "update_dataset_alternative_export", 200);
}

#[tokio::test]
async fn delete_dataset_alternative_export_answers_no_content_and_decodes_nothing() {
    let server = MockServer::start_async().await;
    let mock = server.delete_dataset_alternative_export(|when, then| {
        let when = when.dataset_uid(DATASET).export_uid(EXPORT).into_inner();
        expect_no_body(when, 0).path(format!("/datasets/{DATASET}/alternative_exports/{EXPORT}/"));
        then.no_content();
    });

    let rv = client(&server)
        .delete_dataset_alternative_export()
        .dataset_uid(DATASET)
        .export_uid(EXPORT)
        .send()
        .await
        .expect("delete_dataset_alternative_export: an empty 204 must not be decoded as JSON");

    mock.assert_async().await;
    assert_eq!(rv.status().as_u16(), 204);
    let () = rv.into_inner();
}

#[tokio::test]
async fn download_dataset_alternative_export_hands_over_an_uploaded_files_bytes() {
    let server = MockServer::start_async().await;
    let geojson = example_file("download_dataset_alternative_export");
    let mock = server.download_dataset_alternative_export(|when, then| {
        let when = when.dataset_uid(DATASET).export_uid(EXPORT).into_inner();
        expect_download(when, 0).path(format!(
            "/datasets/{DATASET}/alternative_exports/{EXPORT}/download/"
        ));
        then.into_inner()
            .status(200)
            .header("content-type", "application/octet-stream")
            .body(&geojson);
    });

    let rv = client(&server)
        .download_dataset_alternative_export()
        .dataset_uid(DATASET)
        .export_uid(EXPORT)
        .send()
        .await
        .expect("download_dataset_alternative_export");

    mock.assert_async().await;
    let bytes = read_bytes(&server, rv.into_inner()).await;
    assert_eq!(bytes, geojson.as_bytes());
    let parsed: Value = serde_json::from_slice(&bytes).expect("the example is GeoJSON");
    assert_eq!(parsed["type"], "FeatureCollection");
}

#[tokio::test]
async fn download_dataset_alternative_export_follows_a_link_without_the_api_key() {
    // A link export answers 303 to its file's URL, on another host: the
    // client follows it, and the API key stays with the portal.
    let portal = MockServer::start_async().await;
    let elsewhere = MockServer::start_async().await;
    let target = elsewhere.url("/exports/fromages.gpkg");
    let redirect = portal.download_dataset_alternative_export(|when, then| {
        let when = when
            .dataset_uid(DATASET)
            .export_uid("ae_5pz8ud")
            .into_inner();
        expect_download(when, 0).path(format!(
            "/datasets/{DATASET}/alternative_exports/ae_5pz8ud/download/"
        ));
        then.into_inner().status(303).header("location", &target);
    });
    let file = elsewhere.mock(|when, then| {
        when.method(Method::GET)
            .path("/exports/fromages.gpkg")
            .header_missing("authorization")
            .query_param_count(".*", ".*", 0);
        then.status(200)
            .header("content-type", "application/geopackage+sqlite3")
            .body(BINARY);
    });

    let rv = client(&portal)
        .download_dataset_alternative_export()
        .dataset_uid(DATASET)
        .export_uid("ae_5pz8ud")
        .send()
        .await
        .expect("download_dataset_alternative_export: the redirect is followed");

    redirect.assert_async().await;
    file.assert_async().await;
    assert_eq!(rv.status().as_u16(), 200);
    assert_eq!(read_bytes(&portal, rv.into_inner()).await, BINARY);
}

// ---------------------------------------------------------------------------
// The hand-written uploads refuse what cannot be sent, before sending
// ---------------------------------------------------------------------------

#[tokio::test]
async fn the_uploads_refuse_a_missing_or_unusable_argument_without_calling() {
    let server = MockServer::start_async().await;
    let any = server.mock(|_, then| {
        then.status(500);
    });
    let client = client(&server);
    let file = || FileUpload::new("fromages.csv", "a;b\n");
    let cases = [
        (
            "upload without a dataset",
            client
                .upload_dataset_resource_file()
                .file(file())
                .send()
                .await
                .map(|_| ()),
            "dataset_uid was not initialized",
        ),
        (
            "upload to the dataset \"..\"",
            client
                .upload_dataset_resource_file()
                .dataset_uid("..")
                .file(file())
                .send()
                .await
                .map(|_| ()),
            "dataset_uid: \"..\" cannot be a path segment",
        ),
        (
            "upload without a file",
            client
                .upload_dataset_resource_file()
                .dataset_uid(DATASET)
                .send()
                .await
                .map(|_| ()),
            "file was not initialized",
        ),
        (
            "attachment to the dataset \"\"",
            client
                .create_dataset_attachment()
                .dataset_uid("")
                .file(file())
                .send()
                .await
                .map(|_| ()),
            "dataset_uid: \"\" cannot be a path segment",
        ),
        (
            "attachment without a file",
            client
                .create_dataset_attachment()
                .dataset_uid(DATASET)
                .send()
                .await
                .map(|_| ()),
            "file was not initialized",
        ),
        (
            "attachment with a bad media type",
            client
                .create_dataset_attachment()
                .dataset_uid(DATASET)
                .file(file().content_type("not a media type"))
                .send()
                .await
                .map(|_| ()),
            "\"not a media type\" is not a media type",
        ),
        (
            "export without a title",
            client
                .create_dataset_alternative_export()
                .dataset_uid(DATASET)
                .file(file())
                .send()
                .await
                .map(|_| ()),
            "title was not initialized",
        ),
        (
            "export without a file",
            client
                .create_dataset_alternative_export()
                .dataset_uid(DATASET)
                .title("Fromages")
                .send()
                .await
                .map(|_| ()),
            "file was not initialized",
        ),
        (
            "export to the dataset \"%2e\"",
            client
                .create_dataset_alternative_export()
                .dataset_uid("%2e")
                .title("Fromages")
                .file(file())
                .send()
                .await
                .map(|_| ()),
            "dataset_uid: \"%2e\" cannot be a path segment",
        ),
    ];
    for (case, result, expected) in cases {
        match result {
            Err(Error::InvalidRequest(message)) => assert!(
                message.starts_with(expected),
                "{case}: {message:?} does not start with {expected:?}"
            ),
            other => panic!("{case}: expected Error::InvalidRequest, got {other:?}"),
        }
    }
    assert_eq!(any.calls_async().await, 0, "no request may go out");
}

#[tokio::test]
async fn the_uploads_encode_the_dataset_uid_in_the_path() {
    let server = MockServer::start_async().await;
    let seen = Seen::default();
    // A space and a slash must not change the path's shape.
    let mock = mock_upload(
        &server,
        "/datasets/da%20x%2Fy/attachments/",
        &seen,
        201,
        example_json("create_dataset_attachment", 201),
    );

    client(&server)
        .create_dataset_attachment()
        .dataset_uid("da x/y")
        .file(FileUpload::new("notes.txt", "n"))
        .send()
        .await
        .expect("create_dataset_attachment");

    mock.assert_async().await;
}

// ---------------------------------------------------------------------------
// Error statuses: one named test per documented status, then every
// documented (operation, status) pair.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn create_dataset_resource_reports_an_invalid_body_as_a_bad_request_with_details() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("create_dataset_resource", 400);
    let mock = server.create_dataset_resource(|when, then| {
        let when = when.dataset_uid(DATASET).into_inner();
        expect_json_body(when, json!({"type": "csvfile", "title": ""}))
            .path(format!("/datasets/{DATASET}/resources/"));
        then.bad_request(&body);
    });

    let result = client(&server)
        .create_dataset_resource()
        .dataset_uid(DATASET)
        .body(types::ResourceRequest {
            type_: "csvfile".to_string(),
            title: String::new(),
            url: None,
            params: Map::new(),
            datasource: None,
        })
        .send()
        .await;

    mock.assert_async().await;
    let rv = match result {
        Err(Error::ErrorResponse(rv)) => rv,
        other => panic!("expected Error::ErrorResponse, got {other:?}"),
    };
    assert_eq!(rv.status().as_u16(), 400);
    assert_eq!(rv.message, "Invalid input");
    assert_eq!(rv.error_code, "validation_error");
    assert_eq!(
        Value::Object(rv.detail.clone()),
        json!({"title": ["This field is required."]})
    );
    assert_round_trips(&rv.into_inner(), "create_dataset_resource", 400);
}

#[tokio::test]
async fn recover_resource_reports_an_unpublished_dataset_as_a_bad_request() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("recover_resource", 400);
    let mock = server.recover_resource(|when, then| {
        when.dataset_uid(DATASET).resource_uid(RESOURCE);
        then.bad_request(&body);
    });

    let result = client(&server)
        .recover_resource()
        .dataset_uid(DATASET)
        .resource_uid(RESOURCE)
        .send()
        .await;

    mock.assert_async().await;
    let rv = match result {
        Err(Error::ErrorResponse(rv)) => rv,
        other => panic!("expected Error::ErrorResponse, got {other:?}"),
    };
    assert_eq!(rv.status().as_u16(), 400);
    assert_eq!(rv.error_code, "invalid_dataset_status");
    assert_eq!(
        rv.message,
        "Invalid precondition, dataset status is 'idle' but must be one of 'published'"
    );
    assert!(rv.detail.is_empty());
    assert_round_trips(&rv.into_inner(), "recover_resource", 400);
}

#[tokio::test]
async fn create_dataset_alternative_export_reports_a_rejected_upload_as_a_bad_request() {
    let server = MockServer::start_async().await;
    let seen = Seen::default();
    let path = format!("/datasets/{DATASET}/alternative_exports/");
    let mock = mock_upload(
        &server,
        &path,
        &seen,
        400,
        example_json("create_dataset_alternative_export", 400),
    );

    let result = client(&server)
        .create_dataset_alternative_export()
        .dataset_uid(DATASET)
        .title("")
        .file(FileUpload::new("empty.csv", ""))
        .send()
        .await;

    mock.assert_async().await;
    let error = expect_vendor_error(result, "create_dataset_alternative_export", 400);
    assert_eq!(error.error_code, "validation_error");
    assert_eq!(error.detail["title"], json!(["This field is required."]));
}

#[tokio::test]
async fn list_extractors_reports_a_rejected_key_as_unauthorized() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("list_extractors", 401);
    let mock = server.list_extractors(|_when, then| {
        then.unauthorized(&body);
    });

    let result = client(&server).list_extractors().send().await;

    mock.assert_async().await;
    let rv = match result {
        Err(Error::ErrorResponse(rv)) => rv,
        other => panic!("expected Error::ErrorResponse, got {other:?}"),
    };
    assert_eq!(rv.status().as_u16(), 401);
    assert_eq!(rv.message, "Incorrect authentication credentials.");
    assert_eq!(rv.error_code, "authentication_failed");
    assert_round_trips(&rv.into_inner(), "list_extractors", 401);
}

#[tokio::test]
async fn delete_dataset_processor_reports_a_missing_permission_as_forbidden() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("delete_dataset_processor", 403);
    let mock = server.delete_dataset_processor(|when, then| {
        when.dataset_uid(DATASET).processor_uid(PROCESSOR);
        then.forbidden(&body);
    });

    let result = client(&server)
        .delete_dataset_processor()
        .dataset_uid(DATASET)
        .processor_uid(PROCESSOR)
        .send()
        .await;

    mock.assert_async().await;
    let rv = match result {
        Err(Error::ErrorResponse(rv)) => rv,
        other => panic!("expected Error::ErrorResponse, got {other:?}"),
    };
    assert_eq!(rv.status().as_u16(), 403);
    assert_eq!(
        rv.message,
        "You do not have permission to perform this action."
    );
    assert_eq!(rv.error_code, "permission_denied");
    assert_round_trips(&rv.into_inner(), "delete_dataset_processor", 403);
}

#[tokio::test]
async fn download_dataset_attachment_reports_an_unknown_attachment_as_not_found_in_json() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("download_dataset_attachment", 404);
    let mock = server.download_dataset_attachment(|when, then| {
        when.dataset_uid(DATASET).attachment_uid("at_gone");
        then.not_found(&body);
    });

    let result = client(&server)
        .download_dataset_attachment()
        .dataset_uid(DATASET)
        .attachment_uid("at_gone")
        .send()
        .await;

    mock.assert_async().await;
    let rv = match result {
        Err(Error::ErrorResponse(rv)) => rv,
        Err(other) => panic!("expected Error::ErrorResponse, got {other:?}"),
        Ok(rv) => panic!("expected Error::ErrorResponse, got {}", rv.status()),
    };
    assert_eq!(rv.status().as_u16(), 404);
    assert_eq!(rv.message, "Not found.");
    assert_eq!(rv.error_code, "not_found");
    assert_round_trips(&rv.into_inner(), "download_dataset_attachment", 404);
}

#[tokio::test]
async fn upload_dataset_resource_file_reports_an_unknown_dataset_as_not_found() {
    let server = MockServer::start_async().await;
    let seen = Seen::default();
    let mock = mock_upload(
        &server,
        "/datasets/da_gone/resources/files/",
        &seen,
        404,
        example_json("upload_dataset_resource_file", 404),
    );

    let result = client(&server)
        .upload_dataset_resource_file()
        .dataset_uid("da_gone")
        .file(FileUpload::new(FILE, "a;b\n"))
        .send()
        .await;

    mock.assert_async().await;
    let error = expect_vendor_error(result, "upload_dataset_resource_file", 404);
    assert_eq!(error.error_code, "not_found");
}

#[tokio::test]
async fn preview_resource_reports_throttling_with_its_trace_id() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("preview_resource", 429);
    let mock = server.preview_resource(|when, then| {
        when.dataset_uid(DATASET).resource_uid(RESOURCE);
        then.too_many_requests(&body);
    });

    let result = client(&server)
        .preview_resource()
        .dataset_uid(DATASET)
        .resource_uid(RESOURCE)
        .send()
        .await;

    mock.assert_async().await;
    let rv = match result {
        Err(Error::ErrorResponse(rv)) => rv,
        other => panic!("expected Error::ErrorResponse, got {other:?}"),
    };
    assert_eq!(rv.status().as_u16(), 429);
    assert_eq!(rv.message, "Request was throttled.");
    assert_eq!(rv.error_code, "throttled");
    assert_eq!(
        rv.trace_id.as_deref(),
        Some("6b523c91-45a6-4ef9-b130-b82e1241645e")
    );
    assert_round_trips(&rv.into_inner(), "preview_resource", 429);
}

/// Makes a typed mock's `then` answer `status` with `body` through the
/// helper named after the status; the helpers listed are the statuses the
/// spec documents for the operation (any other panics).
macro_rules! answer {
    ($op:expr, $status:expr, $then:expr, $body:expr; $($code:literal => $helper:ident),+ $(,)?) => {
        match $status {
            $($code => {
                $then.$helper($body);
            })+
            other => panic!("{}: the typed mock has no helper for status {other}", $op),
        }
    };
}

/// Mocks `op` for the test ids, answering `status` with `body`: through
/// its typed mock, or, for an upload (which has none), a plain one.
fn mock_error<'a>(server: &'a MockServer, op: &str, status: u16, body: &types::Error) -> Mock<'a> {
    macro_rules! common {
        ($then:expr) => {
            answer!(op, status, $then, body; 401 => unauthorized, 403 => forbidden, 429 => too_many_requests)
        };
    }
    macro_rules! with_404 {
        ($then:expr) => {
            answer!(op, status, $then, body;
                401 => unauthorized, 403 => forbidden, 404 => not_found, 429 => too_many_requests)
        };
    }
    macro_rules! with_400_404 {
        ($then:expr) => {
            answer!(op, status, $then, body;
                400 => bad_request, 401 => unauthorized, 403 => forbidden, 404 => not_found,
                429 => too_many_requests)
        };
    }
    let upload = |path: String| {
        server.mock(|when, then| {
            when.method(Method::POST).path(path);
            then.status(status)
                .header("content-type", "application/json")
                .json_body_obj(body);
        })
    };
    match op {
        "list_processor_kinds" => server.list_processor_kinds(|_when, then| common!(then)),
        "list_dataset_processors" => server.list_dataset_processors(|when, then| {
            when.dataset_uid(DATASET);
            with_404!(then)
        }),
        "create_dataset_processor" => server.create_dataset_processor(|when, then| {
            when.dataset_uid(DATASET);
            with_404!(then)
        }),
        "get_dataset_processor" => server.get_dataset_processor(|when, then| {
            when.dataset_uid(DATASET).processor_uid(PROCESSOR);
            with_404!(then)
        }),
        "update_dataset_processor" => server.update_dataset_processor(|when, then| {
            when.dataset_uid(DATASET).processor_uid(PROCESSOR);
            with_404!(then)
        }),
        "delete_dataset_processor" => server.delete_dataset_processor(|when, then| {
            when.dataset_uid(DATASET).processor_uid(PROCESSOR);
            with_404!(then)
        }),
        "list_extractors" => server.list_extractors(|_when, then| common!(then)),
        "list_dataset_resources" => server.list_dataset_resources(|when, then| {
            when.dataset_uid(DATASET);
            with_404!(then)
        }),
        "create_dataset_resource" => server.create_dataset_resource(|when, then| {
            when.dataset_uid(DATASET);
            with_400_404!(then)
        }),
        "guess_unsaved_resource_extractors" => {
            server.guess_unsaved_resource_extractors(|when, then| {
                when.dataset_uid(DATASET);
                with_400_404!(then)
            })
        }
        "guess_unsaved_resource_extractor_params" => server
            .guess_unsaved_resource_extractor_params(|when, then| {
                when.dataset_uid(DATASET);
                with_400_404!(then)
            }),
        "preview_unsaved_resource" => server.preview_unsaved_resource(|when, then| {
            when.dataset_uid(DATASET);
            with_400_404!(then)
        }),
        "get_dataset_resource" => server.get_dataset_resource(|when, then| {
            when.dataset_uid(DATASET).resource_uid(RESOURCE);
            with_404!(then)
        }),
        "update_dataset_resource" => server.update_dataset_resource(|when, then| {
            when.dataset_uid(DATASET).resource_uid(RESOURCE);
            with_400_404!(then)
        }),
        "delete_dataset_resource" => server.delete_dataset_resource(|when, then| {
            when.dataset_uid(DATASET).resource_uid(RESOURCE);
            with_404!(then)
        }),
        "guess_resource_extractors" => server.guess_resource_extractors(|when, then| {
            when.dataset_uid(DATASET).resource_uid(RESOURCE);
            with_404!(then)
        }),
        "clean_resource_cache" => server.clean_resource_cache(|when, then| {
            when.dataset_uid(DATASET).resource_uid(RESOURCE);
            with_400_404!(then)
        }),
        "guess_resource_extractor_params" => {
            server.guess_resource_extractor_params(|when, then| {
                when.dataset_uid(DATASET).resource_uid(RESOURCE);
                with_404!(then)
            })
        }
        "preview_resource" => server.preview_resource(|when, then| {
            when.dataset_uid(DATASET).resource_uid(RESOURCE);
            with_404!(then)
        }),
        "recover_resource" => server.recover_resource(|when, then| {
            when.dataset_uid(DATASET).resource_uid(RESOURCE);
            with_400_404!(then)
        }),
        "delete_resource_recover_data" => server.delete_resource_recover_data(|when, then| {
            when.dataset_uid(DATASET).resource_uid(RESOURCE);
            with_400_404!(then)
        }),
        "enable_resource" => server.enable_resource(|when, then| {
            when.dataset_uid(DATASET).resource_uid(RESOURCE);
            with_404!(then)
        }),
        "disable_resource" => server.disable_resource(|when, then| {
            when.dataset_uid(DATASET).resource_uid(RESOURCE);
            with_404!(then)
        }),
        "renew_resource_api_key" => server.renew_resource_api_key(|when, then| {
            when.dataset_uid(DATASET).resource_uid(RESOURCE);
            with_404!(then)
        }),
        "upload_dataset_resource_file" => upload(format!("/datasets/{DATASET}/resources/files/")),
        "get_dataset_resource_file" => server.get_dataset_resource_file(|when, then| {
            when.dataset_uid(DATASET).file_uid(FILE);
            with_404!(then)
        }),
        "download_dataset_resource_file" => server.download_dataset_resource_file(|when, then| {
            when.dataset_uid(DATASET).file_uid(FILE);
            with_404!(then)
        }),
        "list_dataset_attachments" => server.list_dataset_attachments(|when, then| {
            when.dataset_uid(DATASET);
            with_404!(then)
        }),
        "create_dataset_attachment" => upload(format!("/datasets/{DATASET}/attachments/")),
        "get_dataset_attachment" => server.get_dataset_attachment(|when, then| {
            when.dataset_uid(DATASET).attachment_uid(ATTACHMENT);
            with_404!(then)
        }),
        "delete_dataset_attachment" => server.delete_dataset_attachment(|when, then| {
            when.dataset_uid(DATASET).attachment_uid(ATTACHMENT);
            with_404!(then)
        }),
        "download_dataset_attachment" => server.download_dataset_attachment(|when, then| {
            when.dataset_uid(DATASET).attachment_uid(ATTACHMENT);
            with_404!(then)
        }),
        "list_dataset_alternative_exports" => {
            server.list_dataset_alternative_exports(|when, then| {
                when.dataset_uid(DATASET);
                with_404!(then)
            })
        }
        "create_dataset_alternative_export" => {
            upload(format!("/datasets/{DATASET}/alternative_exports/"))
        }
        "get_dataset_alternative_export" => server.get_dataset_alternative_export(|when, then| {
            when.dataset_uid(DATASET).export_uid(EXPORT);
            with_404!(then)
        }),
        "update_dataset_alternative_export" => {
            server.update_dataset_alternative_export(|when, then| {
                when.dataset_uid(DATASET).export_uid(EXPORT);
                with_404!(then)
            })
        }
        "delete_dataset_alternative_export" => {
            server.delete_dataset_alternative_export(|when, then| {
                when.dataset_uid(DATASET).export_uid(EXPORT);
                with_404!(then)
            })
        }
        "download_dataset_alternative_export" => {
            server.download_dataset_alternative_export(|when, then| {
                when.dataset_uid(DATASET).export_uid(EXPORT);
                with_404!(then)
            })
        }
        other => panic!("no mock for operation {other}: add it to mock_error"),
    }
}

fn string_replace_request() -> types::ProcessorRequest {
    types::ProcessorRequest::StringReplace(types::ProcessorRequestStringReplace {
        type_: types::ProcessorRequestStringReplaceType::StringReplace,
        label: "Spell out \"St.\" in addresses".to_string(),
        field: "address".to_string(),
        old: "St.".to_string(),
        new: "Street".to_string(),
    })
}

fn resource_request() -> types::ResourceRequest {
    types::ResourceRequest {
        type_: "csvfile".to_string(),
        title: "Fromages".to_string(),
        url: None,
        params: Map::new(),
        datasource: Some(uploaded_file_datasource(FILE)),
    }
}

/// Calls `op` with the test ids; the success value is dropped.
async fn call(client: &Client, op: &str) -> Result<ResponseValue<()>, Error<types::Error>> {
    fn unit<T>(rv: ResponseValue<T>) -> ResponseValue<()> {
        ResponseValue::new((), rv.status(), rv.headers().clone())
    }
    let file = || FileUpload::new(FILE, "a;b\n");
    match op {
        "list_processor_kinds" => client.list_processor_kinds().send().await.map(unit),
        "list_dataset_processors" => client
            .list_dataset_processors()
            .dataset_uid(DATASET)
            .send()
            .await
            .map(unit),
        "create_dataset_processor" => client
            .create_dataset_processor()
            .dataset_uid(DATASET)
            .body(string_replace_request())
            .send()
            .await
            .map(unit),
        "get_dataset_processor" => client
            .get_dataset_processor()
            .dataset_uid(DATASET)
            .processor_uid(PROCESSOR)
            .send()
            .await
            .map(unit),
        "update_dataset_processor" => client
            .update_dataset_processor()
            .dataset_uid(DATASET)
            .processor_uid(PROCESSOR)
            .body(string_replace_request())
            .send()
            .await
            .map(unit),
        "delete_dataset_processor" => {
            client
                .delete_dataset_processor()
                .dataset_uid(DATASET)
                .processor_uid(PROCESSOR)
                .send()
                .await
        }
        "list_extractors" => client.list_extractors().send().await.map(unit),
        "list_dataset_resources" => client
            .list_dataset_resources()
            .dataset_uid(DATASET)
            .send()
            .await
            .map(unit),
        "create_dataset_resource" => client
            .create_dataset_resource()
            .dataset_uid(DATASET)
            .body(resource_request())
            .send()
            .await
            .map(unit),
        "guess_unsaved_resource_extractors" => client
            .guess_unsaved_resource_extractors()
            .dataset_uid(DATASET)
            .body(types::ResourceGuessExtractorsRequest {
                datasource: uploaded_file_datasource(FILE),
            })
            .send()
            .await
            .map(unit),
        "guess_unsaved_resource_extractor_params" => client
            .guess_unsaved_resource_extractor_params()
            .dataset_uid(DATASET)
            .body(types::ResourceGuessExtractorParamsRequest {
                type_: "csvfile".to_string(),
                datasource: uploaded_file_datasource(FILE),
            })
            .send()
            .await
            .map(unit),
        "preview_unsaved_resource" => client
            .preview_unsaved_resource()
            .dataset_uid(DATASET)
            .body(types::ResourcePreviewRequest {
                type_: "csvfile".to_string(),
                datasource: uploaded_file_datasource(FILE),
                params: Map::new(),
            })
            .send()
            .await
            .map(unit),
        "get_dataset_resource" => client
            .get_dataset_resource()
            .dataset_uid(DATASET)
            .resource_uid(RESOURCE)
            .send()
            .await
            .map(unit),
        "update_dataset_resource" => client
            .update_dataset_resource()
            .dataset_uid(DATASET)
            .resource_uid(RESOURCE)
            .body(resource_request())
            .send()
            .await
            .map(unit),
        "delete_dataset_resource" => {
            client
                .delete_dataset_resource()
                .dataset_uid(DATASET)
                .resource_uid(RESOURCE)
                .send()
                .await
        }
        "guess_resource_extractors" => client
            .guess_resource_extractors()
            .dataset_uid(DATASET)
            .resource_uid(RESOURCE)
            .send()
            .await
            .map(unit),
        "clean_resource_cache" => {
            client
                .clean_resource_cache()
                .dataset_uid(DATASET)
                .resource_uid(RESOURCE)
                .send()
                .await
        }
        "guess_resource_extractor_params" => client
            .guess_resource_extractor_params()
            .dataset_uid(DATASET)
            .resource_uid(RESOURCE)
            .send()
            .await
            .map(unit),
        "preview_resource" => client
            .preview_resource()
            .dataset_uid(DATASET)
            .resource_uid(RESOURCE)
            .send()
            .await
            .map(unit),
        "recover_resource" => client
            .recover_resource()
            .dataset_uid(DATASET)
            .resource_uid(RESOURCE)
            .send()
            .await
            .map(unit),
        "delete_resource_recover_data" => client
            .delete_resource_recover_data()
            .dataset_uid(DATASET)
            .resource_uid(RESOURCE)
            .send()
            .await
            .map(unit),
        "enable_resource" => client
            .enable_resource()
            .dataset_uid(DATASET)
            .resource_uid(RESOURCE)
            .send()
            .await
            .map(unit),
        "disable_resource" => client
            .disable_resource()
            .dataset_uid(DATASET)
            .resource_uid(RESOURCE)
            .send()
            .await
            .map(unit),
        "renew_resource_api_key" => client
            .renew_resource_api_key()
            .dataset_uid(DATASET)
            .resource_uid(RESOURCE)
            .send()
            .await
            .map(unit),
        "upload_dataset_resource_file" => client
            .upload_dataset_resource_file()
            .dataset_uid(DATASET)
            .file(file())
            .send()
            .await
            .map(unit),
        "get_dataset_resource_file" => client
            .get_dataset_resource_file()
            .dataset_uid(DATASET)
            .file_uid(FILE)
            .send()
            .await
            .map(unit),
        "download_dataset_resource_file" => client
            .download_dataset_resource_file()
            .dataset_uid(DATASET)
            .file_uid(FILE)
            .send()
            .await
            .map(unit),
        "list_dataset_attachments" => client
            .list_dataset_attachments()
            .dataset_uid(DATASET)
            .send()
            .await
            .map(unit),
        "create_dataset_attachment" => client
            .create_dataset_attachment()
            .dataset_uid(DATASET)
            .file(file())
            .send()
            .await
            .map(unit),
        "get_dataset_attachment" => client
            .get_dataset_attachment()
            .dataset_uid(DATASET)
            .attachment_uid(ATTACHMENT)
            .send()
            .await
            .map(unit),
        "delete_dataset_attachment" => {
            client
                .delete_dataset_attachment()
                .dataset_uid(DATASET)
                .attachment_uid(ATTACHMENT)
                .send()
                .await
        }
        "download_dataset_attachment" => client
            .download_dataset_attachment()
            .dataset_uid(DATASET)
            .attachment_uid(ATTACHMENT)
            .send()
            .await
            .map(unit),
        "list_dataset_alternative_exports" => client
            .list_dataset_alternative_exports()
            .dataset_uid(DATASET)
            .send()
            .await
            .map(unit),
        "create_dataset_alternative_export" => client
            .create_dataset_alternative_export()
            .dataset_uid(DATASET)
            .title("Fromages")
            .file(file())
            .send()
            .await
            .map(unit),
        "get_dataset_alternative_export" => client
            .get_dataset_alternative_export()
            .dataset_uid(DATASET)
            .export_uid(EXPORT)
            .send()
            .await
            .map(unit),
        "update_dataset_alternative_export" => client
            .update_dataset_alternative_export()
            .dataset_uid(DATASET)
            .export_uid(EXPORT)
            .body(types::AlternativeExportRequest {
                type_: types::AlternativeExportRequestType::UploadedFile,
                title: "Fromages".to_string(),
                description: None,
            })
            .send()
            .await
            .map(unit),
        "delete_dataset_alternative_export" => {
            client
                .delete_dataset_alternative_export()
                .dataset_uid(DATASET)
                .export_uid(EXPORT)
                .send()
                .await
        }
        "download_dataset_alternative_export" => client
            .download_dataset_alternative_export()
            .dataset_uid(DATASET)
            .export_uid(EXPORT)
            .send()
            .await
            .map(unit),
        other => panic!("no call for operation {other}: add it to call"),
    }
}

#[tokio::test]
async fn every_documented_error_status_of_every_operation_is_an_error_response() {
    let server = MockServer::start_async().await;
    let client = client(&server);
    let pairs = documented_errors(&TESTED_OPERATIONS);
    assert_documented_errors(&pairs, &ERROR_STATUSES, 161);
    for (op, status) in pairs {
        let body: types::Error = example(op, status);
        let mock = mock_error(&server, op, status, &body);
        let result = call(&client, op).await;
        // Every assertion names the case, so a failure says which one.
        assert_eq!(
            mock.calls_async().await,
            1,
            "{op} {status}: calls to the mock"
        );
        let error = expect_vendor_error(result, op, status);
        assert_eq!(error, body, "{op} {status}: decoded error");
        mock.delete_async().await;
    }
}

// ---------------------------------------------------------------------------
// Credentials
// ---------------------------------------------------------------------------

/// A matcher that accepts every request and records it: the Authorization
/// values in `authorization`, everything else (request line, other headers,
/// body) as text in `seen`.
fn recorder(
    seen: &Arc<Mutex<Vec<String>>>,
    authorization: &Arc<Mutex<Vec<String>>>,
) -> impl Fn(&HttpMockRequest) -> bool + Send + Sync + 'static {
    let (seen, authorization) = (seen.clone(), authorization.clone());
    move |req| {
        let mut text = format!("{} {}\n", req.method_str(), req.uri_str());
        for (name, value) in req.headers_vec() {
            if name.eq_ignore_ascii_case("authorization") {
                authorization.lock().unwrap().push(value.clone());
            } else {
                text.push_str(&format!("{name}: {value}\n"));
            }
        }
        text.push_str(&String::from_utf8_lossy(req.body_ref()));
        seen.lock().unwrap().push(text);
        true
    }
}

#[tokio::test]
async fn the_api_key_travels_only_inside_the_authorization_header_of_uploads_too() {
    let server = MockServer::start_async().await;
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let authorization = Arc::new(Mutex::new(Vec::<String>::new()));
    let list = server.list_dataset_resources(|when, then| {
        when.into_inner().is_true(recorder(&seen, &authorization));
        reply_example(then.into_inner(), "list_dataset_resources", 200);
    });
    let upload = server.mock(|when, then| {
        when.method(Method::POST)
            .path(format!("/datasets/{DATASET}/attachments/"))
            .is_true(recorder(&seen, &authorization));
        then.status(201)
            .header("content-type", "application/json")
            .json_body(example_json("create_dataset_attachment", 201));
    });
    let client = client(&server);

    client
        .list_dataset_resources()
        .dataset_uid(DATASET)
        .limit(2)
        .expand(types::ResourceExpand::DatasourceDataset)
        .send()
        .await
        .expect("list_dataset_resources");
    client
        .create_dataset_attachment()
        .dataset_uid(DATASET)
        .file(FileUpload::new(
            "methodology.txt",
            "How the data is collected",
        ))
        .send()
        .await
        .expect("create_dataset_attachment");

    list.assert_async().await;
    upload.assert_async().await;
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2, "the matchers saw both requests");
    for text in seen.iter() {
        assert!(
            !text.contains(KEY),
            "key outside the Authorization header:\n{text}"
        );
        assert!(
            !text.to_ascii_lowercase().contains("apikey="),
            "key parameter in the request:\n{text}"
        );
    }
    let authorization = authorization.lock().unwrap();
    assert_eq!(
        authorization.len(),
        2,
        "one Authorization header per request"
    );
    for value in authorization.iter() {
        assert_eq!(value, AUTHORIZATION);
    }
}

#[tokio::test]
async fn header_values_of_a_datasource_never_show_in_debug_output() {
    let server = MockServer::start_async().await;
    let client = client(&server);
    let request = types::ResourceRequest {
        datasource: Some(types::ResourceDatasourceRequest::Http(http_datasource())),
        ..resource_request()
    };
    let printed = [
        format!("{request:?}"),
        format!(
            "{:?}",
            client
                .create_dataset_resource()
                .dataset_uid(DATASET)
                .body(request.clone())
        ),
        format!("{:?}", listed_resource("http")),
        format!(
            "{:?}",
            client
                .create_dataset_attachment()
                .dataset_uid(DATASET)
                .file(FileUpload::new("secret-plan.txt", "TOP SECRET"))
        ),
    ];
    for text in printed {
        assert!(
            !text.contains("8c1f0e7d2b9a4c6e"),
            "header value in Debug output: {text}"
        );
        assert!(
            !text.contains("TOP SECRET"),
            "file bytes in Debug output: {text}"
        );
        assert!(!text.contains(KEY), "key in Debug output: {text}");
    }
    // Yet the value is what goes on the wire.
    assert_eq!(
        serde_json::to_value(&request).unwrap()["datasource"],
        http_datasource_json()
    );
}
