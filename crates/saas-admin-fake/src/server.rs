//! The HTTP side: hyper serves each connection (so a fault can close one
//! without answering), axum routes the admin endpoint and hands everything
//! else to the APIs' handler.

use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use hyper::service::Service as _;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};

use crate::faults::{self, Fault, Verdict};
use crate::model::{model, segments};
use crate::service::{self, Form, Incoming, Outcome, Shared};
use crate::store::Upload;
use crate::RequestRecord;

/// Closes the connection a request came on, from inside its handler.
#[derive(Clone)]
struct Connection(Arc<Notify>);

/// The router: the admin endpoint, then both APIs.
fn router(shared: Arc<Shared>) -> Router {
    crate::admin::routes().fallback(handle).with_state(shared)
}

/// Accepts connections until `stop` changes, each served on its own task.
pub(crate) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
) {
    let router = router(shared);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stop.changed() => return,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(error) => {
                tracing::warn!(%error, "saas-admin-fake: could not accept a connection");
                continue;
            }
        };
        let kill = Arc::new(Notify::new());
        let inner = TowerToHyperService::new(router.clone());
        let connection = Connection(kill.clone());
        let service = hyper::service::service_fn(
            move |mut request: hyper::Request<hyper::body::Incoming>| {
                request.extensions_mut().insert(connection.clone());
                inner.call(request)
            },
        );
        let mut stop = stop.clone();
        tokio::spawn(async move {
            let served = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                result = served => {
                    if let Err(error) = result {
                        tracing::debug!(%error, "saas-admin-fake: connection ended with an error");
                    }
                }
                _ = kill.notified() => tracing::debug!("saas-admin-fake: connection dropped on purpose"),
                _ = stop.changed() => {}
            }
        });
    }
}

/// Closes the request's connection without an answer.
async fn drop_connection(connection: Option<Connection>) -> Response {
    if let Some(Connection(kill)) = connection {
        kill.notify_one();
    }
    std::future::pending().await
}

/// An outcome as an HTTP answer, with its request id.
pub(crate) fn respond(outcome: Outcome, request_id: &str) -> Response {
    let status = StatusCode::from_u16(outcome.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = match outcome.body {
        Some((media, bytes)) => {
            let mut response = (status, bytes).into_response();
            if let Ok(media) = HeaderValue::from_str(&media) {
                response.headers_mut().insert("content-type", media);
            }
            response
        }
        None => status.into_response(),
    };
    for (name, value) in outcome.headers {
        if let (Ok(name), Ok(value)) = (
            axum::http::HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            response.headers_mut().insert(name, value);
        }
    }
    // Cloudinary's own rate-limit status has a name of its own.
    if outcome.status == 420 {
        response
            .extensions_mut()
            .insert(hyper::ext::ReasonPhrase::from_static(b"Enhance Your Calm"));
    }
    if let Ok(id) = HeaderValue::from_str(request_id) {
        if !request_id.is_empty() {
            response.headers_mut().insert("x-request-id", id);
        }
    }
    response
}

/// The parts of a `multipart/form-data` body, read with axum's parser
/// (multer); `None` for a body of another type.
async fn read_form(
    headers: &axum::http::HeaderMap,
    bytes: &axum::body::Bytes,
) -> Result<Option<Form>, String> {
    use axum::extract::FromRequest as _;
    let Some(media) = headers.get("content-type").and_then(|h| h.to_str().ok()) else {
        return Ok(None);
    };
    if !media
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("multipart/form-data")
    {
        return Ok(None);
    }
    let request = axum::http::Request::builder()
        .header("content-type", media)
        .body(axum::body::Body::from(bytes.clone()))
        .map_err(|e| e.to_string())?;
    let mut multipart = axum::extract::Multipart::from_request(request, &())
        .await
        .map_err(|e| e.body_text())?;
    let mut form = Form::default();
    while let Some(field) = multipart.next_field().await.map_err(|e| e.body_text())? {
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        let media = field
            .content_type()
            .unwrap_or("application/octet-stream")
            .to_string();
        let bytes = field.bytes().await.map_err(|e| e.body_text())?;
        match file_name {
            Some(file_name) => form.files.push((
                name,
                Upload {
                    name: file_name,
                    media,
                    bytes: bytes.to_vec(),
                },
            )),
            None => form
                .fields
                .push((name, String::from_utf8_lossy(&bytes).into_owned())),
        }
    }
    Ok(Some(form))
}

/// Answers a request of either API.
async fn handle(
    State(shared): State<Arc<Shared>>,
    request: Request,
) -> Result<Response, Infallible> {
    let (parts, body) = request.into_parts();
    let connection = parts.extensions.get::<Connection>().cloned();
    let request_id = service::request_id();
    let path = parts.uri.path().to_string();
    let Some((api, rest)) = service::api_of(&path) else {
        let body = serde_json::json!({
            "error": format!("no API at {path}: Opendatasoft is under {}/, Cloudinary under /v1_1/ and /v2/, the fake's own endpoint under /_fake/", service::ODS_PREFIX)
        });
        return Ok(respond(Outcome::json(404, &body), &request_id));
    };
    let bytes = match axum::body::to_bytes(body, 64 << 20).await {
        Ok(bytes) => bytes,
        Err(_) => {
            let body = serde_json::json!({"error": "the request body could not be read"});
            return Ok(respond(Outcome::json(400, &body), &request_id));
        }
    };
    let form = match read_form(&parts.headers, &bytes).await {
        Ok(form) => form,
        Err(reason) => {
            let body = serde_json::json!({"error": format!("the multipart body could not be read: {reason}")});
            return Ok(respond(Outcome::json(400, &body), &request_id));
        }
    };
    let query: Vec<(String, String)> = parts
        .uri
        .query()
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default();
    let host = parts
        .headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost")
        .to_string();
    let incoming = Incoming {
        api,
        segments: segments(rest),
        method: parts.method.as_str(),
        query,
        authorization: parts
            .headers
            .get("authorization")
            .and_then(|h| h.to_str().ok()),
        body: &bytes,
        form,
        origin: format!("http://{host}"),
        raw_path: rest,
        request_id: request_id.clone(),
    };
    let model = model(api);
    let mut record = RequestRecord {
        api,
        operation: None,
        method: parts.method.to_string(),
        path: path.clone(),
        status: None,
    };
    let routed = match service::route(&model, &incoming) {
        Ok(routed) => routed,
        Err(outcome) => {
            record.status = Some(outcome.status);
            shared.lock().requests.push(record);
            return Ok(respond(outcome, &request_id));
        }
    };
    record.operation = Some(routed.1.clone());
    // The limit counts every request; one it refuses meets no fault.
    let (verdict, fault, index) = {
        let mut state = shared.lock();
        state.requests.push(record);
        let verdict = state.limit.as_mut().and_then(|limit| {
            limit.check(api, std::time::Instant::now(), std::time::SystemTime::now())
        });
        let fault = match verdict {
            Some(Verdict::Refuse { .. }) => None,
            _ => faults::take(&mut state.faults, api, &routed.1),
        };
        (verdict, fault, state.requests.len() - 1)
    };
    tracing::debug!(?api, operation = %routed.1, ?fault, ?verdict, "saas-admin-fake: request");
    let op = &model.operations[routed.0];
    let (refusal, limit_headers) = match verdict {
        Some(Verdict::Refuse {
            retry_after,
            headers,
        }) => {
            let mut outcome = service::rate_limited(
                api,
                &model,
                op,
                retry_after.unwrap_or_default(),
                &request_id,
            );
            // A fixed window's reset says when: no `Retry-After`, and the
            // window's own counts rather than the fault's.
            if retry_after.is_none() {
                outcome.headers.retain(|(name, _)| {
                    name != "retry-after" && !name.starts_with("x-featureratelimit-")
                });
            }
            (Some(outcome), headers)
        }
        Some(Verdict::Admit(headers)) => (None, headers),
        None => (None, Vec::new()),
    };
    let early = if refusal.is_some() {
        refusal
    } else {
        match &fault {
            Some(Fault::Delay(delay)) => {
                tokio::time::sleep(*delay).await;
                None
            }
            Some(Fault::DropBeforeProcessing) => return Ok(drop_connection(connection).await),
            Some(Fault::RateLimited { retry_after }) => Some(service::rate_limited(
                api,
                &model,
                op,
                *retry_after,
                &request_id,
            )),
            Some(Fault::Status(status)) => Some(service::error(
                api,
                &model,
                Some(op),
                *status,
                "The fake was asked to fail this request.",
                &request_id,
            )),
            Some(Fault::DropAfterProcessing) | None => None,
        }
    };
    let outcome = {
        let mut state = shared.lock();
        let outcome = match early {
            Some(outcome) => outcome,
            None => service::process(&shared.config, &mut state, &incoming, &routed),
        };
        if let Some(record) = state.requests.get_mut(index) {
            record.status = Some(outcome.status);
        }
        outcome
    };
    if fault == Some(Fault::DropAfterProcessing) {
        return Ok(drop_connection(connection).await);
    }
    let mut outcome = outcome;
    outcome.headers.extend(limit_headers);
    Ok(respond(outcome, &request_id))
}
