//! One error type for every operation of both APIs.

use std::fmt;

use reqwest::StatusCode;
use saas_admin_runtime::{attempts, is_retryable_status, OPERATION_HEADER};

/// What went wrong with a call, in one type for every operation.
///
/// Its `Display` is one line a person can act on: the operation, what
/// happened, the service's own message, the request id and the attempts
/// made. It never contains a credential. Convert any operation's error with
/// `?` or `Error::from`.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    operation: Option<String>,
    status: Option<StatusCode>,
    message: Option<String>,
    code: Option<String>,
    request_id: Option<String>,
    attempts: Option<u32>,
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
    /// The response body is not what the operation returns (invalid JSON,
    /// or another shape).
    Decode,
    /// Anything else.
    Other,
}

/// The vendors' error bodies: what a person should read of them.
pub trait VendorError {
    /// The service's message.
    fn message(&self) -> Option<&str>;
    /// The service's error code, when it has one.
    fn code(&self) -> Option<&str> {
        None
    }
    /// The service's request or trace id, when the body carries one.
    fn trace_id(&self) -> Option<&str> {
        None
    }
}

impl VendorError for ods_automation::types::Error {
    fn message(&self) -> Option<&str> {
        Some(&self.message)
    }
    fn code(&self) -> Option<&str> {
        Some(&self.error_code)
    }
    fn trace_id(&self) -> Option<&str> {
        self.trace_id.as_deref()
    }
}

impl VendorError for cld_provisioning::types::Error {
    fn message(&self) -> Option<&str> {
        self.error.as_ref()?.message.as_deref()
    }
}

impl VendorError for cld_provisioning::types::PermissionsError {
    fn message(&self) -> Option<&str> {
        self.error.as_ref()?.message.as_deref()
    }
    fn code(&self) -> Option<&str> {
        self.error.as_ref()?.code.as_deref()
    }
}

impl VendorError for () {
    fn message(&self) -> Option<&str> {
        None
    }
}

/// Header names under which the services send a request id.
const REQUEST_ID_HEADERS: [&str; 2] = ["x-request-id", "x-trace-id"];

impl Error {
    fn new(kind: ErrorKind) -> Self {
        Self {
            kind,
            operation: None,
            status: None,
            message: None,
            code: None,
            request_id: None,
            attempts: None,
            source: None,
        }
    }

    /// Status, operation, request id and attempts from a response's headers.
    fn with_response(mut self, status: StatusCode, headers: &reqwest::header::HeaderMap) -> Self {
        let text = |name: &str| Some(headers.get(name)?.to_str().ok()?.to_string());
        self.status = Some(status);
        self.operation = text(OPERATION_HEADER);
        self.attempts = attempts(headers);
        self.request_id = REQUEST_ID_HEADERS.iter().find_map(|name| text(name));
        self
    }

    /// The kind of failure.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The operation that failed, when the failure came with a response.
    pub fn operation(&self) -> Option<&str> {
        self.operation.as_deref()
    }

    /// The HTTP status, when the service answered.
    pub fn status(&self) -> Option<StatusCode> {
        self.status
    }

    /// The service's own message.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The service's error code, when it sends one.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The request id the service gave the call, to quote to its support.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// How many attempts were made, when the service answered.
    pub fn attempts(&self) -> Option<u32> {
        self.attempts
    }

    /// Whether trying again later could succeed: rate limits (429, 420),
    /// gateway errors (502, 503, 504) and connection trouble.
    pub fn is_retryable(&self) -> bool {
        match self.kind {
            ErrorKind::Service | ErrorKind::UnexpectedStatus => {
                self.status.is_some_and(is_retryable_status)
            }
            ErrorKind::ConnectTimeout
            | ErrorKind::Timeout
            | ErrorKind::Connect
            | ErrorKind::Transport
            | ErrorKind::Body => true,
            ErrorKind::InvalidRequest | ErrorKind::Decode | ErrorKind::Other => false,
        }
    }
}

fn transport(error: reqwest::Error) -> Error {
    let kind = if error.is_timeout() && error.is_connect() {
        ErrorKind::ConnectTimeout
    } else if error.is_timeout() {
        ErrorKind::Timeout
    } else if error.is_connect() {
        ErrorKind::Connect
    } else if error.is_body() {
        ErrorKind::Body
    } else if error.is_decode() {
        ErrorKind::Decode
    } else {
        ErrorKind::Transport
    };
    let mut converted = Error::new(kind);
    converted.status = error.status();
    // The URL may hold a query-string key: only the error's kind and cause travel.
    converted.source = Some(Box::new(error.without_url()));
    converted
}

impl<E: VendorError + fmt::Debug + Send + Sync + 'static> From<ods_automation::Error<E>> for Error {
    fn from(error: ods_automation::Error<E>) -> Self {
        use ods_automation::Error as Progenitor;
        match error {
            Progenitor::ErrorResponse(response) => {
                let mut converted = Error::new(ErrorKind::Service)
                    .with_response(response.status(), response.headers());
                let body = response.into_inner();
                converted.message = body.message().map(str::to_string);
                converted.code = body.code().map(str::to_string);
                if converted.request_id.is_none() {
                    converted.request_id = body.trace_id().map(str::to_string);
                }
                converted
            }
            Progenitor::UnexpectedResponse(response) => Error::new(ErrorKind::UnexpectedStatus)
                .with_response(response.status(), response.headers()),
            Progenitor::InvalidRequest(message) => {
                let mut converted = Error::new(ErrorKind::InvalidRequest);
                converted.message = Some(explain_invalid_request(message));
                converted
            }
            Progenitor::CommunicationError(error) | Progenitor::InvalidUpgrade(error) => {
                transport(error)
            }
            // reqwest calls a failed body read a decode error; it is the
            // body that was cut short (unless the timeout cut it).
            Progenitor::ResponseBodyError(error) => {
                let mut converted = transport(error);
                if converted.kind != ErrorKind::Timeout {
                    converted.kind = ErrorKind::Body;
                }
                converted
            }
            // The body is left out: it may hold what must not be logged.
            Progenitor::InvalidResponsePayload(_, error) => {
                let mut converted = Error::new(ErrorKind::Decode);
                converted.source = Some(Box::new(error));
                converted
            }
            Progenitor::Custom(message) => {
                let mut converted = Error::new(ErrorKind::Other);
                converted.message = Some(message);
                converted
            }
        }
    }
}

/// The generated builders report a refused path parameter as "conversion to
/// `…PathSegment` for NAME failed"; say why, naming the parameter.
fn explain_invalid_request(message: String) -> String {
    let parameter = message
        .strip_prefix("conversion to `")
        .filter(|rest| rest.contains("PathSegment` for "))
        .and_then(|rest| rest.split("PathSegment` for ").nth(1))
        .and_then(|rest| rest.strip_suffix(" failed"));
    match parameter {
        Some(name) => {
            format!("{name} cannot be a path segment: it must not be empty, \".\" or \"..\"")
        }
        None => message,
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(operation) = &self.operation {
            write!(f, "{operation}: ")?;
        }
        match (self.kind, self.status) {
            (ErrorKind::Service, Some(status)) => write!(f, "the service answered {status}")?,
            (ErrorKind::UnexpectedStatus, Some(status)) => write!(
                f,
                "the service answered {status}, which this operation does not document"
            )?,
            (ErrorKind::InvalidRequest, _) => f.write_str("invalid request, nothing was sent")?,
            (ErrorKind::ConnectTimeout, _) => {
                f.write_str("no connection could be made within the connect timeout")?
            }
            (ErrorKind::Timeout, _) => {
                f.write_str("the call took longer than the request timeout")?
            }
            (ErrorKind::Connect, _) => f.write_str("no connection could be made")?,
            (ErrorKind::Transport, _) => f.write_str("the connection failed during the call")?,
            (ErrorKind::Body, _) => f.write_str("the response body was cut short")?,
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
        if let Some(source) = &self.source {
            write!(f, " ({source})")?;
        }
        if let Some(request_id) = &self.request_id {
            write!(f, ", request id {request_id}")?;
        }
        match self.attempts {
            Some(1) | None => Ok(()),
            Some(n) => write!(f, ", after {n} attempts"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}
