//! The operations whose body is a multipart upload, which progenitor cannot
//! generate: written here, as builders like the generated ones, and sent
//! through the same hooks (credentials, retries, tracing).

use std::fmt;

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
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
                .map_err(|_| format!("{media:?} is not a media type")),
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
    let mut request = client
        .client()
        .post(url)
        .header(reqwest::header::ACCEPT, "application/json")
        .header("api-version", Client::api_version())
        .multipart(form)
        .build()?;
    let info = OperationInfo { operation_id };
    client.pre(&mut request, &info).await?;
    let result = client.exec(request, &info).await;
    client.post(&result, &info).await?;
    let response = result?;
    let status = response.status().as_u16();
    if status == success {
        ResponseValue::from_response(response).await
    } else if errors.contains(&status) {
        Err(Error::ErrorResponse(
            ResponseValue::from_response(response).await?,
        ))
    } else {
        Err(Error::UnexpectedResponse(response))
    }
}

/// Builder for [`Client::create_image`].
#[derive(Debug)]
pub struct CreateImage<'a> {
    client: &'a Client,
    file: Result<FileUpload, String>,
}

impl<'a> CreateImage<'a> {
    /// The image file.
    pub fn file(mut self, file: FileUpload) -> Self {
        self.file = Ok(file);
        self
    }

    /// Sends `POST /medias/images/`.
    pub async fn send(self) -> Result<ResponseValue<types::ImageAsset>, Error<types::Error>> {
        let part = self
            .file
            .and_then(FileUpload::into_part)
            .map_err(Error::InvalidRequest)?;
        let form = reqwest::multipart::Form::new().part("file", part);
        send_multipart(
            self.client,
            "create_image",
            "/medias/images/",
            form,
            201,
            &[400, 401, 403, 429],
        )
        .await
    }
}

impl Client {
    /// Upload an image to the portal's asset library.
    ///
    /// `POST /medias/images/`, a multipart upload (part `file`). Answers the
    /// stored image's URL.
    pub fn create_image(&self) -> CreateImage<'_> {
        CreateImage {
            client: self,
            file: Err("file was not initialized".to_string()),
        }
    }
}

// ---------------------------------------------------------------------------
// Dataset resources, attachments and alternative exports
// ---------------------------------------------------------------------------

/// A path parameter of a hand-written builder, checked as the generated
/// builders check theirs: empty, `.` and `..` are refused, naming it.
fn path_segment<V>(value: V, name: &str) -> Result<saas_admin_runtime::PathSegment, String>
where
    V: TryInto<saas_admin_runtime::PathSegment>,
    V::Error: fmt::Display,
{
    value.try_into().map_err(|e| format!("{name}: {e}"))
}

/// Builder for [`Client::upload_dataset_resource_file`].
#[derive(Debug)]
pub struct UploadDatasetResourceFile<'a> {
    client: &'a Client,
    dataset_uid: Result<saas_admin_runtime::PathSegment, String>,
    file: Result<FileUpload, String>,
}

impl<'a> UploadDatasetResourceFile<'a> {
    /// Uid of the dataset (`da_…`).
    pub fn dataset_uid<V>(mut self, value: V) -> Self
    where
        V: TryInto<saas_admin_runtime::PathSegment>,
        V::Error: fmt::Display,
    {
        self.dataset_uid = path_segment(value, "dataset_uid");
        self
    }

    /// The file.
    pub fn file(mut self, file: FileUpload) -> Self {
        self.file = Ok(file);
        self
    }

    /// Sends `POST /datasets/{dataset_uid}/resources/files/`.
    pub async fn send(self) -> Result<ResponseValue<types::ResourceFile>, Error<types::Error>> {
        let dataset_uid = self.dataset_uid.map_err(Error::InvalidRequest)?;
        let part = self
            .file
            .and_then(FileUpload::into_part)
            .map_err(Error::InvalidRequest)?;
        let form = reqwest::multipart::Form::new().part("file", part);
        let path = format!(
            "/datasets/{}/resources/files/",
            progenitor_client::encode_path(dataset_uid.as_str())
        );
        send_multipart(
            self.client,
            "upload_dataset_resource_file",
            &path,
            form,
            201,
            &[400, 401, 403, 404, 429],
        )
        .await
    }
}

/// Builder for [`Client::create_dataset_attachment`].
#[derive(Debug)]
pub struct CreateDatasetAttachment<'a> {
    client: &'a Client,
    dataset_uid: Result<saas_admin_runtime::PathSegment, String>,
    file: Result<FileUpload, String>,
}

impl<'a> CreateDatasetAttachment<'a> {
    /// Uid of the dataset (`da_…`).
    pub fn dataset_uid<V>(mut self, value: V) -> Self
    where
        V: TryInto<saas_admin_runtime::PathSegment>,
        V::Error: fmt::Display,
    {
        self.dataset_uid = path_segment(value, "dataset_uid");
        self
    }

    /// The file to attach.
    pub fn file(mut self, file: FileUpload) -> Self {
        self.file = Ok(file);
        self
    }

    /// Sends `POST /datasets/{dataset_uid}/attachments/`.
    pub async fn send(self) -> Result<ResponseValue<types::Attachment>, Error<types::Error>> {
        let dataset_uid = self.dataset_uid.map_err(Error::InvalidRequest)?;
        let part = self
            .file
            .and_then(FileUpload::into_part)
            .map_err(Error::InvalidRequest)?;
        let form = reqwest::multipart::Form::new().part("file", part);
        let path = format!(
            "/datasets/{}/attachments/",
            progenitor_client::encode_path(dataset_uid.as_str())
        );
        send_multipart(
            self.client,
            "create_dataset_attachment",
            &path,
            form,
            201,
            &[400, 401, 403, 404, 429],
        )
        .await
    }
}

/// Builder for [`Client::create_dataset_alternative_export`].
#[derive(Debug)]
pub struct CreateDatasetAlternativeExport<'a> {
    client: &'a Client,
    dataset_uid: Result<saas_admin_runtime::PathSegment, String>,
    title: Result<String, String>,
    description: Option<String>,
    file: Result<FileUpload, String>,
}

impl<'a> CreateDatasetAlternativeExport<'a> {
    /// Uid of the dataset (`da_…`).
    pub fn dataset_uid<V>(mut self, value: V) -> Self
    where
        V: TryInto<saas_admin_runtime::PathSegment>,
        V::Error: fmt::Display,
    {
        self.dataset_uid = path_segment(value, "dataset_uid");
        self
    }

    /// The export's name in the dataset's export menu.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Ok(title.into());
        self
    }

    /// Free text describing the export (none is sent when not given).
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// The export file.
    pub fn file(mut self, file: FileUpload) -> Self {
        self.file = Ok(file);
        self
    }

    /// Sends `POST /datasets/{dataset_uid}/alternative_exports/`.
    pub async fn send(
        self,
    ) -> Result<ResponseValue<types::AlternativeExport>, Error<types::Error>> {
        let dataset_uid = self.dataset_uid.map_err(Error::InvalidRequest)?;
        let title = self.title.map_err(Error::InvalidRequest)?;
        let part = self
            .file
            .and_then(FileUpload::into_part)
            .map_err(Error::InvalidRequest)?;
        // The only kind of export created by upload.
        let mut form = reqwest::multipart::Form::new()
            .text("type", "uploaded_file")
            .text("title", title);
        if let Some(description) = self.description {
            form = form.text("description", description);
        }
        let form = form.part("file", part);
        let path = format!(
            "/datasets/{}/alternative_exports/",
            progenitor_client::encode_path(dataset_uid.as_str())
        );
        send_multipart(
            self.client,
            "create_dataset_alternative_export",
            &path,
            form,
            201,
            &[400, 401, 403, 404, 429],
        )
        .await
    }
}

impl Client {
    /// Upload a file for a resource of a dataset.
    ///
    /// `POST /datasets/{dataset_uid}/resources/files/`, a multipart upload
    /// (part `file`). Answers the stored file; an `uploaded_file` datasource
    /// names its uid to make it a resource.
    pub fn upload_dataset_resource_file(&self) -> UploadDatasetResourceFile<'_> {
        UploadDatasetResourceFile {
            client: self,
            dataset_uid: Err("dataset_uid was not initialized".to_string()),
            file: Err("file was not initialized".to_string()),
        }
    }

    /// Attach a file to a dataset.
    ///
    /// `POST /datasets/{dataset_uid}/attachments/`, a multipart upload (part
    /// `file`). Answers the new attachment.
    pub fn create_dataset_attachment(&self) -> CreateDatasetAttachment<'_> {
        CreateDatasetAttachment {
            client: self,
            dataset_uid: Err("dataset_uid was not initialized".to_string()),
            file: Err("file was not initialized".to_string()),
        }
    }

    /// Upload an alternative export of a dataset.
    ///
    /// `POST /datasets/{dataset_uid}/alternative_exports/`, a multipart
    /// upload: parts `type` (always `uploaded_file`), `title`, `description`
    /// when given, and `file`. Answers the new export.
    pub fn create_dataset_alternative_export(&self) -> CreateDatasetAlternativeExport<'_> {
        CreateDatasetAlternativeExport {
            client: self,
            dataset_uid: Err("dataset_uid was not initialized".to_string()),
            title: Err("title was not initialized".to_string()),
            description: None,
            file: Err("file was not initialized".to_string()),
        }
    }
}
