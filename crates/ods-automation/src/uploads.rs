//! The operations whose body is a multipart upload, which progenitor cannot
//! generate: written here as methods shaped like the generated ones (one
//! call, its arguments in order), and sent through the same hooks
//! (credentials, retries, tracing).

use std::fmt;

use progenitor_client::{encode_path, ClientInfo};
use saas_admin_runtime::PathSegment;
use serde::de::DeserializeOwned;

use crate::{types, Client, Error, ResponseValue};

/// A file to upload: its name, its bytes and, optionally, its media type.
#[derive(Clone, PartialEq, Eq)]
pub struct FileUpload {
    file_name: String,
    content_type: Option<String>,
    bytes: Vec<u8>,
}

impl FileUpload {
    /// A file called `file_name` holding `bytes`.
    pub fn new(file_name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        Self {
            file_name: file_name.into(),
            content_type: None,
            bytes: bytes.into(),
        }
    }

    /// The file's media type, such as `image/png` (left to the service when
    /// not given).
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    fn into_part(self) -> Result<reqwest::multipart::Part, String> {
        let part = reqwest::multipart::Part::bytes(self.bytes).file_name(self.file_name);
        match self.content_type {
            Some(media) => part
                .mime_str(&media)
                .map_err(|_| format!("file: {media:?} is not a media type")),
            None => Ok(part),
        }
    }
}

// The bytes can be large and private: only their size shows.
impl fmt::Debug for FileUpload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileUpload")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("bytes", &format_args!("{} bytes", self.bytes.len()))
            .finish()
    }
}

/// Sends a multipart request through the client's hooks, as the generated
/// operations do, and reads the answer: `success` decodes as `T`, `errors`
/// as the vendor's error body.
async fn send_multipart<T: DeserializeOwned>(
    client: &Client,
    operation_id: &'static str,
    path: &str,
    form: reqwest::multipart::Form,
    success: u16,
    errors: &[u16],
) -> Result<ResponseValue<T>, Error<types::Error>> {
    let url = format!("{}{path}", client.baseurl());
    let request = client
        .client()
        .post(url)
        .header(reqwest::header::ACCEPT, "application/json")
        .header("api-version", Client::api_version())
        .multipart(form)
        .build()?;
    saas_admin_runtime::answer::json(client, request, operation_id, success, errors).await
}

impl Client {
    /// Upload an image to the portal's asset library.
    ///
    /// `POST /medias/images/`, a multipart upload (part `file`). Answers the
    /// stored image's URL.
    pub async fn create_image(
        &self,
        file: FileUpload,
    ) -> Result<ResponseValue<types::ImageAsset>, Error<types::Error>> {
        let form = reqwest::multipart::Form::new()
            .part("file", file.into_part().map_err(Error::InvalidRequest)?);
        send_multipart(
            self,
            "create_image",
            "/medias/images/",
            form,
            201,
            &[400, 401, 403, 429],
        )
        .await
    }

    /// Upload a file for a resource of a dataset.
    ///
    /// `POST /datasets/{dataset_uid}/resources/files/`, a multipart upload
    /// (part `file`). Answers the stored file; an `uploaded_file` datasource
    /// names its uid to make it a resource.
    pub async fn upload_dataset_resource_file<'a>(
        &'a self,
        dataset_uid: &'a PathSegment,
        file: FileUpload,
    ) -> Result<ResponseValue<types::ResourceFile>, Error<types::Error>> {
        let form = reqwest::multipart::Form::new()
            .part("file", file.into_part().map_err(Error::InvalidRequest)?);
        let path = format!(
            "/datasets/{}/resources/files/",
            encode_path(dataset_uid.as_str())
        );
        send_multipart(
            self,
            "upload_dataset_resource_file",
            &path,
            form,
            201,
            &[400, 401, 403, 404, 429],
        )
        .await
    }

    /// Attach a file to a dataset.
    ///
    /// `POST /datasets/{dataset_uid}/attachments/`, a multipart upload (part
    /// `file`). Answers the new attachment.
    pub async fn create_dataset_attachment<'a>(
        &'a self,
        dataset_uid: &'a PathSegment,
        file: FileUpload,
    ) -> Result<ResponseValue<types::Attachment>, Error<types::Error>> {
        let form = reqwest::multipart::Form::new()
            .part("file", file.into_part().map_err(Error::InvalidRequest)?);
        let path = format!(
            "/datasets/{}/attachments/",
            encode_path(dataset_uid.as_str())
        );
        send_multipart(
            self,
            "create_dataset_attachment",
            &path,
            form,
            201,
            &[400, 401, 403, 404, 429],
        )
        .await
    }

    /// Upload an alternative export of a dataset.
    ///
    /// `POST /datasets/{dataset_uid}/alternative_exports/`, a multipart
    /// upload: parts `type` (always `uploaded_file`), `title`, `description`
    /// when given, and `file`. Answers the new export.
    pub async fn create_dataset_alternative_export<'a>(
        &'a self,
        dataset_uid: &'a PathSegment,
        title: &'a str,
        description: Option<&'a str>,
        file: FileUpload,
    ) -> Result<ResponseValue<types::AlternativeExport>, Error<types::Error>> {
        // The only kind of export created by upload.
        let mut form = reqwest::multipart::Form::new()
            .text("type", "uploaded_file")
            .text("title", title.to_string());
        if let Some(description) = description {
            form = form.text("description", description.to_string());
        }
        let form = form.part("file", file.into_part().map_err(Error::InvalidRequest)?);
        let path = format!(
            "/datasets/{}/alternative_exports/",
            encode_path(dataset_uid.as_str())
        );
        send_multipart(
            self,
            "create_dataset_alternative_export",
            &path,
            form,
            201,
            &[400, 401, 403, 404, 429],
        )
        .await
    }
}
