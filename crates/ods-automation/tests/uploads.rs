//! The hand-written multipart operations: the whole request (method, path,
//! credentials, the multipart body with its file part) and the answer.

use httpmock::Method;
use ods_automation::mock::MockServer;
use ods_automation::uploads::FileUpload;
use ods_automation::{examples, spec, types, Error};

use crate::support;
use support::*;

/// A few bytes that are not UTF-8 text, as an image's would be.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR";

#[test]
fn the_hand_written_operations_are_exactly_the_uploads() {
    assert_eq!(
        spec::HAND_WRITTEN_OPERATIONS,
        [
            "create_image",
            "upload_dataset_resource_file",
            "create_dataset_attachment",
            "create_dataset_alternative_export"
        ]
    );
}

#[tokio::test]
async fn create_image_uploads_the_file_as_a_multipart_part_and_decodes_the_asset() {
    let server = MockServer::start_async().await;
    let body: types::ImageAsset = example("create_image", 201);
    let mock = server.mock(|when, then| {
        let when = when
            .method(Method::POST)
            .path("/medias/images/")
            .header_matches("content-type", "^multipart/form-data; boundary=.+$")
            .body_includes(
                "Content-Disposition: form-data; name=\"file\"; filename=\"city-logo.png\"\r\nContent-Type: image/png\r\n\r\n",
            )
            .is_true(|req| {
                let body = req.body_ref();
                body.windows(PNG.len()).any(|w| w == PNG)
                    // One part only.
                    && body.windows(19).filter(|w| *w == b"Content-Disposition").count() == 1
            });
        expect_common(when, 0);
        then.status(201)
            .header("content-type", "application/json")
            .json_body_obj(&body);
    });

    let asset = client(&server)
        .create_image(FileUpload::new("city-logo.png", PNG).content_type("image/png"))
        .await
        .expect("create_image");

    mock.assert_async().await;
    assert_eq!(asset.status().as_u16(), 201);
    assert_eq!(asset.url, "/assets/theme_image/city-logo.svg");
    assert_round_trips(&asset.into_inner(), "create_image", 201);
}

#[tokio::test]
async fn create_image_reports_a_rejected_file_as_a_bad_request() {
    let server = MockServer::start_async().await;
    let error_body: types::Error = example("create_image", 400);
    server.mock(|when, then| {
        when.method(Method::POST).path("/medias/images/");
        then.status(400)
            .header("content-type", "application/json")
            .json_body_obj(&error_body);
    });
    let result = client(&server)
        .create_image(FileUpload::new("notes.txt", "not an image"))
        .await;
    match result {
        Err(Error::ErrorResponse(response)) => {
            assert_eq!(response.status().as_u16(), 400);
            assert_eq!(response.message, error_body.message);
            assert_eq!(response.error_code, error_body.error_code);
        }
        other => panic!("expected the 400 as an ErrorResponse, got {other:?}"),
    }
    assert!(examples::example("create_image", 400).is_some());
}

#[tokio::test]
async fn a_file_with_a_bad_media_type_is_refused_before_sending() {
    let server = MockServer::start_async().await;
    let any = server.mock(|_, then| {
        then.status(500);
    });
    let bad_type = client(&server)
        .create_image(FileUpload::new("a.png", PNG).content_type("not a media type"))
        .await;
    match bad_type {
        Err(Error::InvalidRequest(message)) => {
            assert_eq!(message, r#"file: "not a media type" is not a media type"#)
        }
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
    assert_eq!(any.calls_async().await, 0);
}

#[test]
fn an_uploads_debug_output_shows_its_size_not_its_bytes() {
    let upload =
        FileUpload::new("secret-plan.png", b"TOP SECRET".to_vec()).content_type("image/png");
    assert_eq!(
        format!("{upload:?}"),
        r#"FileUpload { file_name: "secret-plan.png", content_type: Some("image/png"), bytes: 10 bytes }"#
    );
}
