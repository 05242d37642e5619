//! The hand-written multipart uploads through the facade: what no spec table
//! states and the generated operation tests (which skip these operations)
//! do not check. The whole request (method, path, credentials once and
//! nowhere else, Accept, api-version, no query, the multipart parts in
//! order), the answer decoded field by field, each documented error, and
//! the calls refused before anything is sent.
//!
//! Ported from `crates/ods-automation/tests/resources.rs` (deleted in
//! bad5bf6).
#![cfg(all(feature = "ods", feature = "mock"))]

use httpmock::{Method, MockServer};
use saas_admin::ods_automation::types;
use saas_admin::ods_automation::uploads::FileUpload;
use saas_admin::{Error, ErrorKind};

use crate::recorded;
use recorded::*;

const DATASET: &str = "da_qf2hyt";
const FILE: &str = "fromages.csv";
const ATTACHMENT: &str = "at_qf2hyt";
const EXPORT: &str = "ae_qf2hyt";

/// Bytes that are not UTF-8 text, as a spreadsheet's or a PDF's would be.
const BINARY: &[u8] = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xff\xfe\x00\x80";

/// The text of the spec's example for a file download of `op`.
fn example_file(op: &str) -> String {
    ods_example(op, 200)
        .as_str()
        .unwrap_or_else(|| panic!("the {op} example is text"))
        .to_string()
}

/// Mocks `POST path`, recording every request, answering `status` with
/// `body` as JSON.
fn mock_upload(server: &MockServer, path: &str, status: u16, body: serde_json::Value) -> Recorder {
    let recorder = Recorder::default();
    let matcher = recorder.matcher();
    server.mock(|when, then| {
        when.method(Method::POST).path(path).is_true(matcher);
        then.status(status)
            .header("content-type", "application/json")
            .json_body(body);
    });
    recorder
}

/// The request every upload sends, but for its parts: `POST path`, the key
/// once in the Authorization header and nowhere else, Accept JSON, the
/// api-version once, a multipart body, no query.
fn assert_upload_request(sent: &Sent, path: &str) {
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.path, path);
    assert_eq!(
        sent.query,
        [] as [(String, String); 0],
        "no query parameter"
    );
    assert_eq!(sent.header("authorization"), [ODS_AUTHORIZATION]);
    assert_eq!(sent.header("accept"), ["application/json"]);
    assert_eq!(sent.header("api-version"), [ODS_API_VERSION]);
    let content_type = sent.header("content-type");
    assert!(
        content_type.len() == 1 && content_type[0].starts_with("multipart/form-data; boundary="),
        "{content_type:?}"
    );
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

#[tokio::test]
async fn upload_dataset_resource_file_sends_one_file_part_and_decodes_the_stored_file() {
    let server = MockServer::start_async().await;
    let path = format!("/datasets/{DATASET}/resources/files/");
    let recorder = mock_upload(
        &server,
        &path,
        201,
        ods_example("upload_dataset_resource_file", 201),
    );
    let csv = example_file("download_dataset_resource_file");

    let answer = ods(&server.base_url())
        .upload_dataset_resource_file()
        .dataset_uid(DATASET)
        .file(FileUpload::new(FILE, csv.as_bytes()).content_type("text/csv"))
        .send_with_response()
        .await
        .expect("upload_dataset_resource_file");

    let sent = recorder.one();
    assert_upload_request(&sent, &path);
    assert_eq!(
        sent.parts(),
        [Part::file("file", FILE, Some("text/csv"), csv.as_bytes())]
    );
    assert_eq!(answer.status().as_u16(), 201);
    assert_eq!(
        answer.into_inner(),
        types::ResourceFile {
            uid: FILE.to_string(),
            filename: FILE.to_string(),
            mimetype: Some("text/csv".to_string()),
            created_at: utc(2025, 1, 14, 8, 12, 37),
        }
    );
}

#[tokio::test]
async fn upload_dataset_resource_file_sends_binary_bytes_unchanged_and_without_a_media_type() {
    let server = MockServer::start_async().await;
    let path = format!("/datasets/{DATASET}/resources/files/");
    let recorder = mock_upload(
        &server,
        &path,
        201,
        ods_example("upload_dataset_resource_file", 201),
    );

    ods(&server.base_url())
        .upload_dataset_resource_file()
        .dataset_uid(DATASET)
        .file(FileUpload::new("fromages.xlsx", BINARY))
        .send()
        .await
        .expect("upload_dataset_resource_file");

    let sent = recorder.one();
    assert_upload_request(&sent, &path);
    assert_eq!(
        sent.parts(),
        [Part::file("file", "fromages.xlsx", None, BINARY)]
    );
}

#[tokio::test]
async fn create_dataset_attachment_sends_one_file_part_and_decodes_the_attachment() {
    let server = MockServer::start_async().await;
    let path = format!("/datasets/{DATASET}/attachments/");
    let recorder = mock_upload(
        &server,
        &path,
        201,
        ods_example("create_dataset_attachment", 201),
    );
    let text = example_file("download_dataset_attachment");

    let answer = ods(&server.base_url())
        .create_dataset_attachment()
        .dataset_uid(DATASET)
        .file(FileUpload::new("methodology.txt", text.as_bytes()).content_type("text/plain"))
        .send_with_response()
        .await
        .expect("create_dataset_attachment");

    let sent = recorder.one();
    assert_upload_request(&sent, &path);
    assert_eq!(
        sent.parts(),
        [Part::file(
            "file",
            "methodology.txt",
            Some("text/plain"),
            text.as_bytes()
        )]
    );
    assert_eq!(answer.status().as_u16(), 201);
    assert_eq!(
        answer.into_inner(),
        types::Attachment {
            uid: ATTACHMENT.to_string(),
            filename: "methodology.txt".to_string(),
            mimetype: Some("text/plain".to_string()),
            created_at: utc(2024, 11, 4, 10, 21, 33),
        }
    );
}

#[tokio::test]
async fn create_dataset_alternative_export_sends_type_title_description_and_file() {
    let server = MockServer::start_async().await;
    let path = format!("/datasets/{DATASET}/alternative_exports/");
    let recorder = mock_upload(
        &server,
        &path,
        201,
        ods_example("create_dataset_alternative_export", 201),
    );
    let geojson = example_file("download_dataset_alternative_export");

    let answer = ods(&server.base_url())
        .create_dataset_alternative_export()
        .dataset_uid(DATASET)
        .title("Fromages in Lambert-93")
        .description("The dataset with its coordinates in the French Lambert-93 projection.")
        .file(
            FileUpload::new("fromages-lambert93.geojson", geojson.as_bytes())
                .content_type("application/geo+json"),
        )
        .send_with_response()
        .await
        .expect("create_dataset_alternative_export");

    let sent = recorder.one();
    assert_upload_request(&sent, &path);
    assert_eq!(
        sent.parts(),
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
    assert_eq!(answer.status().as_u16(), 201);
    match answer.into_inner() {
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
}

#[tokio::test]
async fn create_dataset_alternative_export_without_a_description_sends_no_such_part() {
    let server = MockServer::start_async().await;
    let path = format!("/datasets/{DATASET}/alternative_exports/");
    let recorder = mock_upload(
        &server,
        &path,
        201,
        ods_example("create_dataset_alternative_export", 201),
    );

    ods(&server.base_url())
        .create_dataset_alternative_export()
        .dataset_uid(DATASET)
        .title("Fromages (shapefile)")
        .file(FileUpload::new("fromages.zip", BINARY))
        .send()
        .await
        .expect("create_dataset_alternative_export");

    let sent = recorder.one();
    assert_upload_request(&sent, &path);
    assert_eq!(
        sent.parts(),
        [
            Part::text("type", "uploaded_file"),
            Part::text("title", "Fromages (shapefile)"),
            Part::file("file", "fromages.zip", None, BINARY),
        ]
    );
}

#[tokio::test]
async fn the_uploads_encode_the_dataset_uid_in_the_path() {
    let server = MockServer::start_async().await;
    // A space and a slash must not change the path's shape.
    let path = "/datasets/da%20x%2Fy/attachments/";
    let recorder = mock_upload(
        &server,
        path,
        201,
        ods_example("create_dataset_attachment", 201),
    );

    ods(&server.base_url())
        .create_dataset_attachment()
        .dataset_uid("da x/y")
        .file(FileUpload::new("notes.txt", "n"))
        .send()
        .await
        .expect("create_dataset_attachment");

    assert_eq!(recorder.one().path, path);
}

/// Each upload, sending a small file to `DATASET`.
async fn upload(op: &str, url: &str) -> Result<serde_json::Value, Error> {
    let ods = ods(url);
    let file = FileUpload::new("fromages.csv", "a;b\n");
    fn json<T: serde::Serialize>(value: T) -> serde_json::Value {
        serde_json::to_value(value).unwrap()
    }
    match op {
        "create_image" => ods.create_image().file(file).send().await.map(json),
        "upload_dataset_resource_file" => ods
            .upload_dataset_resource_file()
            .dataset_uid(DATASET)
            .file(file)
            .send()
            .await
            .map(json),
        "create_dataset_attachment" => ods
            .create_dataset_attachment()
            .dataset_uid(DATASET)
            .file(file)
            .send()
            .await
            .map(json),
        "create_dataset_alternative_export" => ods
            .create_dataset_alternative_export()
            .dataset_uid(DATASET)
            .title("Fromages")
            .file(file)
            .send()
            .await
            .map(json),
        other => panic!("{other} is not an upload"),
    }
}

#[tokio::test]
async fn every_documented_error_status_of_every_upload_is_the_facades_error_with_the_message() {
    let mut checked = Vec::new();
    for op in saas_admin::ods_automation::spec::HAND_WRITTEN_OPERATIONS {
        let path = match *op {
            "create_image" => "/medias/images/".to_string(),
            "upload_dataset_resource_file" => format!("/datasets/{DATASET}/resources/files/"),
            "create_dataset_attachment" => format!("/datasets/{DATASET}/attachments/"),
            "create_dataset_alternative_export" => {
                format!("/datasets/{DATASET}/alternative_exports/")
            }
            other => panic!("a new hand-written operation: {other}"),
        };
        for status in ods_error_statuses(op) {
            let server = MockServer::start_async().await;
            let body = ods_example(op, status);
            let recorder = mock_upload(&server, &path, status, body.clone());
            let error = upload(op, &server.base_url())
                .await
                .expect_err("an error status");
            let context = format!("{op} answered {status}");
            assert_upload_request(&recorder.one(), &path);
            assert_eq!(error.kind(), ErrorKind::Service, "{context}: {error}");
            assert_eq!(
                error.status().map(u16::from),
                Some(status),
                "{context}: {error}"
            );
            assert_eq!(error.operation(), *op, "{context}");
            assert_eq!(error.message(), body["message"].as_str(), "{context}");
            assert_eq!(error.code(), body["error_code"].as_str(), "{context}");
            checked.push((*op, status));
        }
    }
    // 400, 401, 403, 429 for the image; 400, 401, 403, 404, 429 for the others.
    assert_eq!(checked.len(), 19, "{checked:?}");
}

#[tokio::test]
async fn a_rejected_upload_keeps_the_field_errors() {
    let server = MockServer::start_async().await;
    let path = format!("/datasets/{DATASET}/alternative_exports/");
    mock_upload(
        &server,
        &path,
        400,
        ods_example("create_dataset_alternative_export", 400),
    );
    let error = upload("create_dataset_alternative_export", &server.base_url())
        .await
        .expect_err("a 400");
    assert_eq!(error.code(), Some("validation_error"));
    assert_eq!(
        error.details(),
        [saas_admin::Detail {
            field: "title".to_string(),
            message: "This field is required.".to_string(),
        }]
    );
}

#[tokio::test]
async fn the_uploads_refuse_a_missing_or_unusable_argument_without_calling() {
    let server = MockServer::start_async().await;
    let any = server.mock(|_, then| {
        then.status(500);
    });
    let ods = ods(&server.base_url());
    let file = || FileUpload::new("fromages.csv", "a;b\n");
    let segment = |name: &str| {
        format!("{name} cannot be a path segment: it must not be empty, \".\" or \"..\"")
    };
    let cases: Vec<(&str, Result<(), Error>, &str, String)> = vec![
        (
            "upload without a dataset",
            ods.upload_dataset_resource_file()
                .file(file())
                .send()
                .await
                .map(drop),
            "upload_dataset_resource_file",
            "the required parameter dataset_uid was not set".to_string(),
        ),
        (
            "upload to the dataset \"..\"",
            ods.upload_dataset_resource_file()
                .dataset_uid("..")
                .file(file())
                .send()
                .await
                .map(drop),
            "upload_dataset_resource_file",
            segment("dataset_uid"),
        ),
        (
            "upload without a file",
            ods.upload_dataset_resource_file()
                .dataset_uid(DATASET)
                .send()
                .await
                .map(drop),
            "upload_dataset_resource_file",
            "the required parameter file was not set".to_string(),
        ),
        (
            "upload with a bad media type",
            ods.upload_dataset_resource_file()
                .dataset_uid(DATASET)
                .file(file().content_type("image png"))
                .send()
                .await
                .map(drop),
            "upload_dataset_resource_file",
            r#"file: "image png" is not a media type"#.to_string(),
        ),
        (
            "attachment to the dataset \"\"",
            ods.create_dataset_attachment()
                .dataset_uid("")
                .file(file())
                .send()
                .await
                .map(drop),
            "create_dataset_attachment",
            segment("dataset_uid"),
        ),
        (
            "attachment without a file",
            ods.create_dataset_attachment()
                .dataset_uid(DATASET)
                .send()
                .await
                .map(drop),
            "create_dataset_attachment",
            "the required parameter file was not set".to_string(),
        ),
        (
            "attachment with a bad media type",
            ods.create_dataset_attachment()
                .dataset_uid(DATASET)
                .file(file().content_type("not a media type"))
                .send()
                .await
                .map(drop),
            "create_dataset_attachment",
            r#"file: "not a media type" is not a media type"#.to_string(),
        ),
        (
            "export without a title",
            ods.create_dataset_alternative_export()
                .dataset_uid(DATASET)
                .file(file())
                .send()
                .await
                .map(drop),
            "create_dataset_alternative_export",
            "the required parameter title was not set".to_string(),
        ),
        (
            "export without a file",
            ods.create_dataset_alternative_export()
                .dataset_uid(DATASET)
                .title("Fromages")
                .send()
                .await
                .map(drop),
            "create_dataset_alternative_export",
            "the required parameter file was not set".to_string(),
        ),
        (
            "export to the dataset \"%2e\"",
            ods.create_dataset_alternative_export()
                .dataset_uid("%2e")
                .title("Fromages")
                .file(file())
                .send()
                .await
                .map(drop),
            "create_dataset_alternative_export",
            segment("dataset_uid"),
        ),
        (
            "export with a bad media type",
            ods.create_dataset_alternative_export()
                .dataset_uid(DATASET)
                .title("Fromages")
                .file(file().content_type(""))
                .send()
                .await
                .map(drop),
            "create_dataset_alternative_export",
            r#"file: "" is not a media type"#.to_string(),
        ),
        (
            "image without a file",
            ods.create_image().send().await.map(drop),
            "create_image",
            "the required parameter file was not set".to_string(),
        ),
    ];
    for (case, result, operation, message) in cases {
        let error = result.expect_err(case);
        assert_eq!(error.kind(), ErrorKind::InvalidRequest, "{case}: {error}");
        assert_eq!(error.operation(), operation, "{case}");
        assert_eq!(error.attempts(), 0, "{case}");
        assert_eq!(
            error.to_string(),
            format!("{operation}: invalid request, nothing was sent: {message}"),
            "{case}"
        );
    }
    assert_eq!(any.calls_async().await, 0, "no request may go out");
}

#[test]
fn an_upload_builders_debug_output_shows_the_files_size_not_its_bytes() {
    let ods = ods("http://127.0.0.1:9");
    let builder = ods
        .create_dataset_attachment()
        .dataset_uid(DATASET)
        .file(FileUpload::new("secret-plan.txt", "TOP SECRET"));
    let printed = format!("{builder:?}");
    assert!(!printed.contains("TOP SECRET"), "{printed}");
    assert!(
        printed.contains(
            r#"FileUpload { file_name: "secret-plan.txt", content_type: None, bytes: 10 bytes }"#
        ),
        "{printed}"
    );
    assert!(!printed.contains(ODS_KEY), "{printed}");
}
