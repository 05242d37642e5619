//! One error type for every operation of both APIs, built from the call
//! itself: the operation, the attempts the runtime made, and what the
//! service answered.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use progenitor_client::{Error as Generated, ResponseValue};
use reqwest::StatusCode;
use saas_admin_runtime::{is_rate_limit_status, is_retryable_status, CallReport};
use serde::de::DeserializeOwned;

/// What went wrong with a call, in one type for every operation.
///
/// Its `Display` is one line a person can act on: the operation, what
/// happened, the service's own message and field errors, the request id and
/// the attempts made. It never contains a credential, a query string or a
/// body that is not the service's JSON.
pub struct Error {
    kind: ErrorKind,
    operation: &'static str,
    attempts: u32,
    status: Option<StatusCode>,
    message: Option<String>,
    code: Option<String>,
    details: Vec<Detail>,
    request_id: Option<String>,
    retry_after: Option<Duration>,
    /// The client's retry budget ended the call.
    retry_budget_spent: bool,
    /// The host a connection failure was about.
    host: Option<String>,
    vendor: Option<Box<VendorBody>>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

/// The kind of failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The service answered with an error status it documents.
    Service,
    /// The service answered with a status the operation does not document.
    UnexpectedStatus,
    /// The call was refused before anything was sent (a missing or invalid
    /// parameter).
    InvalidRequest,
    /// No connection could be made in time (the connect timeout).
    ConnectTimeout,
    /// The call took longer than the whole-request timeout.
    Timeout,
    /// No connection could be made (refused, DNS, TLS).
    Connect,
    /// The connection failed while the call was under way (a reset, say).
    Transport,
    /// The response body could not be read to its end (cut short).
    Body,
    /// Nothing was sent: the client knew that the service's rate limit
    /// would keep the call waiting past its retry budget (`max_elapsed`),
    /// such as a `Retry-After` longer than the budget on another call.
    /// [`Error::retry_after`] is the time left.
    RateLimited,
    /// A success answer whose body is not what the operation returns
    /// (invalid JSON, or another shape).
    Decode,
    /// Anything else.
    Other,
}

/// One field-level error the service reported (Opendatasoft's `detail`,
/// the permissions API's `details`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detail {
    /// The field at fault, as the service names it.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

/// The service's error body, decoded, for users who want all of it.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum VendorBody {
    /// An Opendatasoft error.
    #[cfg(feature = "ods")]
    Ods(ods_automation::types::Error),
    /// A Cloudinary provisioning error.
    #[cfg(feature = "cloudinary")]
    Cloudinary(cld_provisioning::types::Error),
    /// A Cloudinary permissions (roles and policies) error.
    #[cfg(feature = "cloudinary")]
    CloudinaryPermissions(cld_provisioning::types::PermissionsError),
}

/// What the facade reads of a vendor's error body.
pub(crate) trait VendorError: DeserializeOwned {
    /// Message, code, trace id and field errors, then the body itself.
    fn into_parts(self) -> VendorParts;
}

pub(crate) struct VendorParts {
    message: Option<String>,
    code: Option<String>,
    trace_id: Option<String>,
    details: Vec<Detail>,
    body: VendorBody,
}

/// `{"field": ["message", ...]}` or `{"field": "message"}`, as a list.
fn details(map: &serde_json::Map<String, serde_json::Value>) -> Vec<Detail> {
    map.iter()
        .map(|(field, value)| Detail {
            field: field.clone(),
            message: match value {
                serde_json::Value::String(text) => text.clone(),
                serde_json::Value::Array(items) => items
                    .iter()
                    .map(|item| match item {
                        serde_json::Value::String(text) => text.clone(),
                        other => other.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
                other => other.to_string(),
            },
        })
        .collect()
}

/// The permissions API lists the fields at fault (`details.fields`), the
/// message saying what is wrong with them; any other member of `details`
/// is a field and its problem.
#[cfg(feature = "cloudinary")]
fn permissions_details(
    map: &serde_json::Map<String, serde_json::Value>,
    message: Option<&str>,
) -> Vec<Detail> {
    let mut rest = map.clone();
    let fields = match rest.remove("fields") {
        Some(serde_json::Value::Array(fields)) => fields,
        Some(other) => {
            rest.insert("fields".into(), other);
            Vec::new()
        }
        None => Vec::new(),
    };
    fields
        .iter()
        .filter_map(|field| field.as_str())
        .map(|field| Detail {
            field: field.to_string(),
            message: message.unwrap_or("invalid").to_string(),
        })
        .chain(details(&rest))
        .collect()
}

#[cfg(feature = "ods")]
impl VendorError for ods_automation::types::Error {
    fn into_parts(self) -> VendorParts {
        VendorParts {
            message: Some(self.message.clone()),
            code: Some(self.error_code.clone()),
            trace_id: self.trace_id.clone(),
            details: details(&self.detail),
            body: VendorBody::Ods(self),
        }
    }
}

#[cfg(feature = "cloudinary")]
impl VendorError for cld_provisioning::types::Error {
    fn into_parts(self) -> VendorParts {
        let message = self.error.as_ref().and_then(|e| e.message.clone());
        VendorParts {
            details: message
                .as_deref()
                .and_then(field_message)
                .into_iter()
                .collect(),
            message,
            code: None,
            trace_id: None,
            body: VendorBody::Cloudinary(self),
        }
    }
}

/// The provisioning API names a field at fault only in its message
/// (`role: must be one of ...`): a message that starts with a field's name
/// and a colon is that field's error.
#[cfg(feature = "cloudinary")]
fn field_message(message: &str) -> Option<Detail> {
    let (field, problem) = message.split_once(": ")?;
    let is_field = !field.is_empty()
        && field
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '[' | ']'));
    (is_field && !problem.trim().is_empty()).then(|| Detail {
        field: field.to_string(),
        message: problem.trim().to_string(),
    })
}

#[cfg(feature = "cloudinary")]
impl VendorError for cld_provisioning::types::PermissionsError {
    fn into_parts(self) -> VendorParts {
        let error = self.error.as_ref();
        VendorParts {
            message: error.and_then(|e| e.message.clone()),
            code: error.and_then(|e| e.code.clone()),
            trace_id: None,
            details: error
                .map(|e| permissions_details(&e.details, e.message.as_deref()))
                .unwrap_or_default(),
            body: VendorBody::CloudinaryPermissions(self),
        }
    }
}

/// Runs one call of a generated client and turns its failure into the one
/// error type, from what the call itself knows: the operation, and the
/// runtime's report of attempts and the final answer.
pub(crate) fn complete<T, E: VendorError>(
    operation: &'static str,
    base_url: &str,
    call: impl Future<Output = Result<ResponseValue<T>, Generated<E>>>,
) -> impl Future<Output = Result<ResponseValue<T>, Error>> {
    // Boxed once, before the future below holds it: the call's future is
    // large, and moving it through the layers above would copy it at each.
    let call = Box::pin(call);
    async move {
        let (result, report) = saas_admin_runtime::observe(call).await;
        match result {
            Ok(value) => Ok(value),
            // Boxed: the error path's future would otherwise grow every call's.
            Err(error) => Err(Box::pin(Error::from_call(operation, base_url, report, error)).await),
        }
    }
}

/// A value the call cannot go without: `send` refuses the call, naming it,
/// when its setter was not called.
// The error is what `send` returns as it is: boxing it here gains nothing.
#[allow(clippy::result_large_err)]
pub(crate) fn required<T>(
    operation: &'static str,
    what: &str,
    name: &str,
    value: Option<T>,
) -> Result<T, Error> {
    value
        .ok_or_else(|| Error::refused(operation, format!("the required {what} {name} was not set")))
}

/// A path parameter: required, and neither empty, `.` nor `..` (URL
/// normalisation would send the request to another resource).
#[allow(clippy::result_large_err)]
pub(crate) fn segment(
    operation: &'static str,
    name: &str,
    value: Option<String>,
) -> Result<saas_admin_runtime::PathSegment, Error> {
    saas_admin_runtime::PathSegment::try_from(required(operation, "parameter", name, value)?)
        .map_err(|_| {
            Error::refused(
                operation,
                format!("{name} cannot be a path segment: it must not be empty, \".\" or \"..\""),
            )
        })
}

/// Keeps the first value a builder's setter could not convert, naming the
/// setter: `send` refuses the call with it.
pub(crate) fn refuse(invalid: &mut Option<String>, setter: &str, error: impl fmt::Display) {
    invalid.get_or_insert_with(|| format!("{setter}: {error}"));
}

/// The most of an undocumented answer's body that is read, looking for the
/// vendor's error shape.
const UNEXPECTED_BODY_LIMIT: usize = 64 * 1024;

impl Error {
    fn new(kind: ErrorKind, operation: &'static str, report: CallReport) -> Self {
        Self {
            kind,
            operation,
            attempts: report.attempts,
            status: report.status,
            message: None,
            code: None,
            details: Vec::new(),
            request_id: report.request_id,
            retry_after: report.retry_after,
            retry_budget_spent: report.retry_budget_spent,
            host: None,
            vendor: None,
            source: None,
        }
    }

    fn with_vendor(mut self, parts: VendorParts) -> Self {
        self.message = parts.message;
        self.code = parts.code;
        self.details = parts.details;
        if self.request_id.is_none() {
            self.request_id = parts.trace_id;
        }
        self.vendor = Some(Box::new(parts.body));
        self
    }

    async fn from_call<E: VendorError>(
        operation: &'static str,
        base_url: &str,
        report: CallReport,
        error: Generated<E>,
    ) -> Self {
        // The runtime answered for a call it did not send; what that answer
        // says is in the report.
        if report.held {
            return Error::new(ErrorKind::RateLimited, operation, report);
        }
        match error {
            Generated::ErrorResponse(response) => {
                let status = response.status();
                let mut error = Error::new(ErrorKind::Service, operation, report)
                    .with_vendor(response.into_inner().into_parts());
                error.status = Some(status);
                error
            }
            Generated::UnexpectedResponse(response) => {
                let status = response.status();
                let body = read_prefix(response, UNEXPECTED_BODY_LIMIT).await;
                let mut error = Error::new(ErrorKind::UnexpectedStatus, operation, report);
                error.status = Some(status);
                match serde_json::from_slice::<E>(&body) {
                    Ok(vendor) => error.with_vendor(vendor.into_parts()),
                    Err(_) => error,
                }
            }
            Generated::InvalidRequest(message) => {
                let mut error = Error::new(ErrorKind::InvalidRequest, operation, report);
                error.message = Some(message);
                error
            }
            Generated::CommunicationError(cause) | Generated::InvalidUpgrade(cause) => {
                transport(operation, base_url, report, cause)
            }
            // reqwest calls a failed body read a decode error; it is the
            // body that was cut short (unless the timeout cut it).
            Generated::ResponseBodyError(cause) => {
                let mut error = transport(operation, base_url, report, cause);
                if error.kind != ErrorKind::Timeout {
                    error.kind = ErrorKind::Body;
                }
                error
            }
            // A documented error status whose body is not the vendor's JSON
            // (a proxy's HTML page): the status and kind stay, the body goes.
            Generated::InvalidResponsePayload(_, cause) => match report.status {
                Some(status) if !status.is_success() => {
                    let mut error = Error::new(ErrorKind::Service, operation, report);
                    error.message = Some(format!(
                        "the answer's body is not the service's JSON error ({cause})"
                    ));
                    error
                }
                // The body is left out: it may hold what must not be logged.
                _ => {
                    let mut error = Error::new(ErrorKind::Decode, operation, report);
                    error.source = Some(Box::new(cause));
                    error
                }
            },
            Generated::Custom(message) => {
                let mut error = Error::new(ErrorKind::Other, operation, report);
                error.message = Some(message);
                error
            }
        }
    }

    /// A call refused before anything was sent: a value a setter could not
    /// convert.
    pub(crate) fn refused(operation: &'static str, message: String) -> Self {
        let mut error = Error::new(ErrorKind::InvalidRequest, operation, CallReport::default());
        error.message = Some(message);
        error
    }

    /// The kind of failure.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The operation that failed, such as `list_users`.
    pub fn operation(&self) -> &str {
        self.operation
    }

    /// How many requests were sent (0 when the call was refused before
    /// anything was sent).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The HTTP status, when the service answered.
    pub fn status(&self) -> Option<StatusCode> {
        self.status
    }

    /// The service's own message, or why the request was refused before
    /// it was sent.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The service's error code, when it sends one.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The field-level errors the service reported (empty when none).
    pub fn details(&self) -> &[Detail] {
        &self.details
    }

    /// The request id the service gave the call, to quote to its support.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The wait the service asked for (`Retry-After`, or Cloudinary's
    /// reset), when it did; for a call not sent ([`ErrorKind::RateLimited`]),
    /// the time left of it.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// Whether the client's retry budget ended the call: another attempt
    /// was worth making, within the call's time, but the client's retries
    /// (shared by all its calls) had been spent on an outage.
    pub fn is_retry_budget_exhausted(&self) -> bool {
        self.retry_budget_spent
    }

    /// The service's error body, decoded, when it sent one in its own shape.
    pub fn vendor_body(&self) -> Option<&VendorBody> {
        self.vendor.as_deref()
    }

    /// Whether the service said the resource does not exist (404).
    pub fn is_not_found(&self) -> bool {
        self.status == Some(StatusCode::NOT_FOUND)
    }

    /// Whether the service refused the call for its rate limit (429, or
    /// Cloudinary's 420), or the client did not send it for that limit
    /// ([`ErrorKind::RateLimited`]).
    pub fn is_rate_limited(&self) -> bool {
        self.kind == ErrorKind::RateLimited || self.status.is_some_and(is_rate_limit_status)
    }

    /// Whether trying again later could succeed: rate limits (429, 420),
    /// gateway errors (502, 503, 504) and connection trouble.
    pub fn is_retryable(&self) -> bool {
        match self.kind {
            ErrorKind::Service | ErrorKind::UnexpectedStatus => {
                self.status.is_some_and(is_retryable_status)
            }
            ErrorKind::RateLimited
            | ErrorKind::ConnectTimeout
            | ErrorKind::Timeout
            | ErrorKind::Connect
            | ErrorKind::Transport
            | ErrorKind::Body => true,
            ErrorKind::InvalidRequest | ErrorKind::Decode | ErrorKind::Other => false,
        }
    }
}

/// Reads at most `limit` bytes of a body; whatever fails to arrive is left.
async fn read_prefix(mut response: reqwest::Response, limit: usize) -> Vec<u8> {
    let mut body = Vec::new();
    while body.len() < limit {
        match response.chunk().await {
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            _ => break,
        }
    }
    body
}

fn transport(
    operation: &'static str,
    base_url: &str,
    report: CallReport,
    cause: reqwest::Error,
) -> Error {
    let kind = if cause.is_timeout() && cause.is_connect() {
        ErrorKind::ConnectTimeout
    } else if cause.is_timeout() {
        ErrorKind::Timeout
    } else if cause.is_connect() {
        ErrorKind::Connect
    } else if cause.is_body() || cause.is_decode() {
        // Never JSON (that fails as a payload error): a body read inside the
        // attempt and cut short, which reqwest may call a decode error.
        ErrorKind::Body
    } else {
        ErrorKind::Transport
    };
    let mut error = Error::new(kind, operation, report);
    error.host = host_of(base_url);
    // The URL may hold a query-string key: only the error's kind and cause travel.
    error.source = Some(Box::new(cause.without_url()));
    error
}

/// `host[:port]` of a base URL: what a connection failure names.
fn host_of(base_url: &str) -> Option<String> {
    let url = reqwest::Url::parse(base_url).ok()?;
    let host = url.host_str()?;
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    })
}

/// A status with its name; Cloudinary's 420 has no standard one.
struct StatusName(StatusCode);

impl fmt::Display for StatusName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.0.as_u16() {
            420 => Some("Rate Limited"),
            _ => self.0.canonical_reason(),
        };
        match name {
            Some(name) => write!(f, "{} {name}", self.0.as_u16()),
            None => write!(f, "{}", self.0.as_u16()),
        }
    }
}

/// The innermost cause of an error: for a transport failure, the part
/// that says what happened ("Connection refused").
fn root_cause<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> &'a (dyn std::error::Error + 'static) {
    let mut current = error;
    while let Some(next) = current.source() {
        current = next;
    }
    current
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.operation)?;
        let host = self.host.as_deref().unwrap_or("the service");
        match (self.kind, self.status) {
            (ErrorKind::Service, Some(status)) => {
                write!(f, "the service answered {}", StatusName(status))?
            }
            (ErrorKind::UnexpectedStatus, Some(status)) => write!(
                f,
                "the service answered {}, which this operation does not document",
                StatusName(status)
            )?,
            (ErrorKind::InvalidRequest, _) => f.write_str("invalid request, nothing was sent")?,
            (ErrorKind::ConnectTimeout, _) => write!(
                f,
                "no connection could be made to {host} within the connect timeout"
            )?,
            (ErrorKind::Timeout, _) => {
                write!(f, "the call to {host} took longer than the request timeout")?
            }
            (ErrorKind::Connect, _) => write!(f, "no connection could be made to {host}")?,
            (ErrorKind::Transport, _) => {
                write!(f, "the connection to {host} failed during the call")?
            }
            (ErrorKind::Body, _) => f.write_str("the response body was cut short")?,
            (ErrorKind::RateLimited, _) => f.write_str(
                "not sent: the service's rate limit would keep the call waiting past its retry budget",
            )?,
            (ErrorKind::Decode, _) => {
                f.write_str("the response is not what the operation returns")?
            }
            _ => f.write_str("the call failed")?,
        }
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        if let Some(code) = &self.code {
            write!(f, " [{code}]")?;
        }
        for (i, detail) in self.details.iter().enumerate() {
            let lead = if i == 0 { " (" } else { "; " };
            write!(f, "{lead}{}: {}", detail.field, detail.message)?;
        }
        if !self.details.is_empty() {
            f.write_str(")")?;
        }
        if let Some(source) = &self.source {
            write!(f, " ({})", root_cause(source.as_ref()))?;
        }
        if let Some(wait) = self.retry_after {
            write!(f, ", retry after {} s", wait.as_secs_f64().ceil())?;
        }
        if let Some(request_id) = &self.request_id {
            write!(f, ", request id {request_id}")?;
        }
        match self.attempts {
            0 | 1 => {}
            n => write!(f, ", after {n} attempts")?,
        }
        if self.retry_budget_spent {
            f.write_str("; not retried: the client's retry budget is spent")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The source is shown by its Display only: reqwest's Debug of an
        // error may show a URL (with a query-string key).
        f.debug_struct("Error")
            .field("kind", &self.kind)
            .field("operation", &self.operation)
            .field("attempts", &self.attempts)
            .field("status", &self.status)
            .field("message", &self.message)
            .field("code", &self.code)
            .field("details", &self.details)
            .field("request_id", &self.request_id)
            .field("retry_after", &self.retry_after)
            .field("retry_budget_spent", &self.retry_budget_spent)
            .field("host", &self.host)
            .field("source", &self.source.as_ref().map(|s| s.to_string()))
            .finish_non_exhaustive()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}
