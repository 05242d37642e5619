//! Downloads through the facade: what the generated operation tests (which
//! compare a text example) do not check. Binary bytes handed over
//! unchanged, the answer's headers kept, and a link export's redirect
//! followed without the API key.
//!
//! Ported from `crates/ods-automation/tests/resources.rs` (deleted in
//! bad5bf6).
#![cfg(all(feature = "ods", feature = "mock"))]

use httpmock::{Method, MockServer};
use saas_admin::ods_automation::mock::MockServerExt;

use crate::recorded;
use recorded::*;

const DATASET: &str = "da_qf2hyt";
const FILE: &str = "fromages.csv";

/// Bytes that are not UTF-8 text, as a spreadsheet's or a PDF's would be.
const BINARY: &[u8] = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xff\xfe\x00\x80";

/// A download request: GET, the key once, Accept `*/*` (the spec gives the
/// answer no JSON media type), the api-version once, no body, no query.
fn assert_download_request(sent: &Sent, path: &str) {
    assert_eq!(sent.method, "GET");
    assert_eq!(sent.path, path);
    assert_eq!(sent.query, [] as [(String, String); 0]);
    assert_eq!(sent.header("authorization"), [ODS_AUTHORIZATION]);
    assert_eq!(sent.header("accept"), ["*/*"]);
    assert_eq!(sent.header("api-version"), [ODS_API_VERSION]);
    assert_eq!(sent.header("content-type"), [] as [&str; 0]);
    assert!(sent.body.is_empty());
}

#[tokio::test]
async fn download_dataset_resource_file_hands_over_the_bytes_and_keeps_the_answers_headers() {
    let server = saas_admin::ods_automation::mock::MockServer::start_async().await;
    let csv = ods_example("download_dataset_resource_file", 200)
        .as_str()
        .expect("the example is text")
        .to_string();
    let recorder = Recorder::default();
    let matcher = recorder.matcher();
    let body = csv.clone();
    server.download_dataset_resource_file(|when, then| {
        when.dataset_uid(DATASET)
            .file_uid(FILE)
            .into_inner()
            .is_true(matcher);
        then.into_inner()
            .status(200)
            .header("content-type", "application/octet-stream")
            .header(
                "content-disposition",
                "attachment; filename=\"fromages.csv\"; filename*=UTF-8''fromages.csv",
            )
            .body(body);
    });

    let answer = ods(&server.base_url())
        .download_dataset_resource_file()
        .dataset_uid(DATASET)
        .file_uid(FILE)
        .send_with_response()
        .await
        .expect("download_dataset_resource_file: a file must not be decoded as JSON");

    assert_download_request(
        &recorder.one(),
        &format!("/datasets/{DATASET}/resources/files/{FILE}/download/"),
    );
    assert_eq!(answer.status().as_u16(), 200);
    assert_eq!(
        answer.headers()["content-disposition"].to_str().unwrap(),
        "attachment; filename=\"fromages.csv\"; filename*=UTF-8''fromages.csv"
    );
    let bytes = read_bytes(answer.into_inner()).await;
    assert_eq!(bytes, csv.as_bytes());
    assert!(csv.starts_with("fromage;departement;annee_aoc\n"));
}

#[tokio::test]
async fn every_download_hands_over_binary_bytes_unchanged() {
    // Each download answers bytes that are not UTF-8 text (a PDF, a
    // spreadsheet), which must neither be decoded nor altered.
    for op in [
        "download_dataset_resource_file",
        "download_dataset_attachment",
        "download_dataset_alternative_export",
    ] {
        let server = MockServer::start_async().await;
        let recorder = Recorder::default();
        let matcher = recorder.matcher();
        server.mock(|when, then| {
            when.method(Method::GET).is_true(matcher);
            then.status(200)
                .header("content-type", "application/pdf")
                .body(BINARY);
        });
        let ods = ods(&server.base_url());
        let (path, outcome) = match op {
            "download_dataset_resource_file" => (
                format!("/datasets/{DATASET}/resources/files/{FILE}/download/"),
                ods.download_dataset_resource_file()
                    .dataset_uid(DATASET)
                    .file_uid(FILE)
                    .send()
                    .await,
            ),
            "download_dataset_attachment" => (
                format!("/datasets/{DATASET}/attachments/at_9lm2xc/download/"),
                ods.download_dataset_attachment()
                    .dataset_uid(DATASET)
                    .attachment_uid("at_9lm2xc")
                    .send()
                    .await,
            ),
            _ => (
                format!("/datasets/{DATASET}/alternative_exports/ae_qf2hyt/download/"),
                ods.download_dataset_alternative_export()
                    .dataset_uid(DATASET)
                    .export_uid("ae_qf2hyt")
                    .send()
                    .await,
            ),
        };
        let stream = outcome.unwrap_or_else(|e| panic!("{op}: {e}"));
        assert_eq!(read_bytes(stream).await, BINARY, "{op}");
        assert_download_request(&recorder.one(), &path);
    }
}

#[tokio::test]
async fn download_dataset_alternative_export_follows_a_link_without_the_api_key() {
    // A link export answers 303 to its file's URL, on another host: the
    // client follows it, and the API key stays with the portal.
    let portal = saas_admin::ods_automation::mock::MockServer::start_async().await;
    let elsewhere = MockServer::start_async().await;
    let target = elsewhere.url("/exports/fromages.gpkg");
    let portal_requests = Recorder::default();
    let matcher = portal_requests.matcher();
    portal.download_dataset_alternative_export(|when, then| {
        when.dataset_uid(DATASET)
            .export_uid("ae_5pz8ud")
            .into_inner()
            .is_true(matcher);
        then.into_inner().status(303).header("location", &target);
    });
    let followed = Recorder::default();
    let matcher = followed.matcher();
    elsewhere.mock(|when, then| {
        when.method(Method::GET)
            .path("/exports/fromages.gpkg")
            .is_true(matcher);
        then.status(200)
            .header("content-type", "application/geopackage+sqlite3")
            .body(BINARY);
    });

    let answer = ods(&portal.base_url())
        .download_dataset_alternative_export()
        .dataset_uid(DATASET)
        .export_uid("ae_5pz8ud")
        .send_with_response()
        .await
        .expect("download_dataset_alternative_export: the redirect is followed");

    assert_download_request(
        &portal_requests.one(),
        &format!("/datasets/{DATASET}/alternative_exports/ae_5pz8ud/download/"),
    );
    let elsewhere_sent = followed.one();
    assert_eq!(elsewhere_sent.method, "GET");
    assert_eq!(elsewhere_sent.query, [] as [(String, String); 0]);
    assert_eq!(
        elsewhere_sent.header("authorization"),
        [] as [&str; 0],
        "the key went to another host"
    );
    let text = elsewhere_sent.everything_but_authorization();
    assert!(!text.contains(ODS_KEY), "{text}");
    assert_eq!(answer.status().as_u16(), 200);
    assert_eq!(read_bytes(answer.into_inner()).await, BINARY);
}
