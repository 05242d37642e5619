//! Behaviour shared by the generated clients (`ods-automation`, `cld-provisioning`).
//!
//! Each generated `Client` carries a [`Runtime`] as its inner value, and its
//! progenitor hooks delegate here, so authentication, retries, the user agent
//! and tracing are written once for both APIs.

#![forbid(unsafe_code)]

mod retry;

#[cfg(feature = "schemars")]
mod json_schema;
#[doc(hidden)]
pub mod object;
pub mod open;

pub mod answer;
mod call;
mod pace;

use std::fmt;
use std::time::Instant;

use reqwest::header::{HeaderValue, AUTHORIZATION, USER_AGENT};
use tracing::Instrument;

pub use call::{observe, CallReport};
pub use open::UnknownKind;
pub use pace::RateLimit;
pub use retry::{
    is_idempotent, is_rate_limit_status, is_retryable_status, retry_after, RetryPolicy,
};

/// `saas-admin/<version>`, sent as `User-Agent` with every request.
pub const DEFAULT_USER_AGENT: &str = concat!("saas-admin/", env!("CARGO_PKG_VERSION"));

/// A credential that never shows in `Debug` or `Display` output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a credential.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The credential itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

// A secret the service returns (a generated access key's secret, say) is a
// field of the generated types: it decodes and encodes as the plain string,
// and only `expose` shows it to code.
impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// One segment of a request path: an identifier such as a group's uid.
///
/// Refuses what would change which resource a request addresses once the
/// URL is normalised: an empty segment, `.` and `..` (also percent-encoded,
/// which URL parsing treats the same). The generated clients take every
/// path parameter as a `PathSegment`, so such a value is refused, naming
/// the parameter, before anything is sent.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PathSegment(String);

/// A path parameter that is empty, `.` or `..`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidPathSegment(String);

impl fmt::Display for InvalidPathSegment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} cannot be a path segment: it must not be empty, \".\" or \"..\"",
            self.0
        )
    }
}

impl std::error::Error for InvalidPathSegment {}

impl PathSegment {
    /// The segment, unencoded.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PathSegment {
    type Error = InvalidPathSegment;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        if is_dot_segment(&value) {
            Err(InvalidPathSegment(value))
        } else {
            Ok(Self(value))
        }
    }
}

/// Empty, or one or two dots, each written `.` or `%2e` (any case): what URL
/// normalisation treats as "this" or "parent" segment. Checked without
/// allocating: it runs on every call.
fn is_dot_segment(value: &str) -> bool {
    let mut rest = value.as_bytes();
    let mut dots = 0;
    while !rest.is_empty() {
        rest = match rest {
            [b'.', tail @ ..] => tail,
            [b'%', b'2', b'e' | b'E', tail @ ..] => tail,
            _ => return false,
        };
        dots += 1;
    }
    dots <= 2
}

impl TryFrom<&str> for PathSegment {
    type Error = InvalidPathSegment;

    fn try_from(value: &str) -> Result<Self, Self::Error> {
        Self::try_from(value.to_string())
    }
}

impl TryFrom<&String> for PathSegment {
    type Error = InvalidPathSegment;

    fn try_from(value: &String) -> Result<Self, Self::Error> {
        Self::try_from(value.clone())
    }
}

impl fmt::Display for PathSegment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How requests authenticate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Auth {
    /// No credentials (public operations, or a proxy that adds them).
    None,
    /// `Authorization: Apikey <key>`, as Opendatasoft expects.
    ApiKey(Secret),
    /// The key as the `apikey` query parameter, which Opendatasoft also
    /// accepts. Errors then carry no URL, so the key cannot reach a log.
    QueryApiKey(Secret),
    /// HTTP Basic, as Cloudinary expects (API key as user, API secret as password).
    Basic {
        /// The user part (Cloudinary: the API key).
        username: Secret,
        /// The password part (Cloudinary: the API secret).
        password: Secret,
    },
}

impl Auth {
    /// The `Authorization` header value, marked sensitive so that reqwest
    /// never prints it; `None` when there is nothing to send.
    fn header_value(&self) -> Result<Option<HeaderValue>, InvalidCredential> {
        // A control character (often a trailing newline pasted with the key)
        // is refused even where base64 would carry it: it is never intended.
        let credentials: &[&Secret] = match self {
            Auth::None => &[],
            Auth::ApiKey(key) | Auth::QueryApiKey(key) => &[key],
            Auth::Basic { username, password } => &[username, password],
        };
        if credentials
            .iter()
            .any(|c| c.expose().chars().any(char::is_control))
        {
            return Err(InvalidCredential);
        }
        let text = match self {
            Auth::None | Auth::QueryApiKey(_) => return Ok(None),
            Auth::ApiKey(key) => format!("Apikey {}", key.expose()),
            Auth::Basic { username, password } => {
                let pair = format!("{}:{}", username.expose(), password.expose());
                format!("Basic {}", base64(pair.as_bytes()))
            }
        };
        let mut value = HeaderValue::from_str(&text).map_err(|_| InvalidCredential)?;
        value.set_sensitive(true);
        Ok(Some(value))
    }
}

/// A credential holds control characters (such as a line break).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidCredential;

impl fmt::Display for InvalidCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "the credential contains control characters (a line break?), which no credential has",
        )
    }
}

impl std::error::Error for InvalidCredential {}

/// What every generated client carries: the credentials (resolved once into
/// the header each request gets), the retry policy and the user agent.
#[derive(Clone, Debug)]
pub struct Runtime {
    authorization: Option<HeaderValue>,
    query_key: Option<Secret>,
    retry: RetryPolicy,
    /// Shared by the clones of this runtime: one bucket per client.
    retry_tokens: std::sync::Arc<retry::RetryTokens>,
    /// Shared by the clones of this runtime: one gate and pace per client.
    pacer: std::sync::Arc<pace::Pacer>,
    gate_enabled: bool,
    user_agent: HeaderValue,
}

impl Runtime {
    /// A runtime that authenticates with `auth`, with the default retry
    /// policy and user agent.
    ///
    /// Fails when the credential cannot be sent in a header, so that bad
    /// input is reported before any request is made.
    pub fn new(auth: &Auth) -> Result<Self, InvalidCredential> {
        Ok(Self {
            authorization: auth.header_value()?,
            query_key: match auth {
                Auth::QueryApiKey(key) => Some(key.clone()),
                _ => None,
            },
            retry: RetryPolicy::default(),
            retry_tokens: std::sync::Arc::new(retry::RetryTokens::full()),
            pacer: std::sync::Arc::default(),
            gate_enabled: true,
            user_agent: HeaderValue::from_static(DEFAULT_USER_AGENT),
        })
    }

    /// The same runtime with another retry policy.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The same runtime with another `User-Agent` (`None` if `user_agent`
    /// cannot be a header value).
    pub fn with_user_agent(mut self, user_agent: &str) -> Option<Self> {
        self.user_agent = HeaderValue::from_str(user_agent).ok()?;
        Some(self)
    }

    /// The retry policy in force.
    pub fn retry(&self) -> &RetryPolicy {
        &self.retry
    }

    /// The same runtime with the rate-limit gate on (the default) or off.
    ///
    /// On, the client's calls share what the service says of its rate
    /// limit: while it has asked the client to wait, no call is sent; once
    /// it has throttled the client, calls leave one after another at the
    /// rate it lets through; with Cloudinary's window, no more calls are in
    /// flight than the window has left. Off, each call keeps only the waits
    /// its own answers ask for.
    pub fn with_rate_limit_gate(mut self, enabled: bool) -> Self {
        self.gate_enabled = enabled;
        self
    }

    /// The rate limit the service reports (Cloudinary's
    /// `X-FeatureRateLimit-*` headers), if it did: its latest state by its
    /// own clock (the latest reset, then the fewest calls left), whatever
    /// order the answers came in.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.pacer.rate_limit()
    }

    /// Prepares a request before it is sent: adds the credentials, unless
    /// the operation is public (`authenticated` is false), where sending
    /// them would only expose them.
    pub fn prepare(&self, request: &mut reqwest::Request, authenticated: bool) {
        request
            .headers_mut()
            .insert(USER_AGENT, self.user_agent.clone());
        if !authenticated {
            return;
        }
        if let Some(value) = &self.authorization {
            request.headers_mut().insert(AUTHORIZATION, value.clone());
        }
        if let Some(key) = &self.query_key {
            request
                .url_mut()
                .query_pairs_mut()
                .append_pair("apikey", key.expose());
        }
    }
}

impl Runtime {
    /// Sends `request`, retrying as the [`RetryPolicy`] says, inside a
    /// tracing span for the call. Inside [`observe`], what happened (attempts,
    /// the final status) goes into the call's [`CallReport`].
    ///
    /// Where another attempt may follow, the answer's body is read inside
    /// the attempt, so a body cut short is retried like a failed connection;
    /// except when `streamed` (a download the caller reads as it comes).
    ///
    /// A call that would wait for the rate limit past its retry budget
    /// (`max_elapsed`) is not sent: it gets, at once, a 429 of the client's
    /// own with `Retry-After` (the wait, in whole seconds), and its report
    /// says [`held`](CallReport::held).
    pub async fn execute(
        &self,
        client: &reqwest::Client,
        request: reqwest::Request,
        operation_id: &'static str,
        streamed: bool,
    ) -> reqwest::Result<reqwest::Response> {
        // The path only: a query string may hold a key (Opendatasoft's
        // `apikey`, when asked for) and never goes in a log.
        // DEBUG: an application logging at INFO pays nothing for it.
        let span = tracing::debug_span!(
            "saas_admin.request",
            operation = operation_id,
            method = %request.method(),
            path = request.url().path(),
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        let result = self
            .execute_with_retries(client, request, streamed, &span)
            .instrument(span.clone())
            .await;
        match &self.query_key {
            // The URL holds the key: neither an error nor the response (whose
            // Debug shows its URL) may carry it on.
            // The round trip through `http::Response` leaves the URL behind.
            Some(_) => result
                .map_err(reqwest::Error::without_url)
                .map(|response| http::Response::<reqwest::Body>::from(response).into()),
            None => result,
        }
    }

    async fn execute_with_retries(
        &self,
        client: &reqwest::Client,
        mut request: reqwest::Request,
        streamed: bool,
        span: &tracing::Span,
    ) -> reqwest::Result<reqwest::Response> {
        let started = Instant::now();
        let deadline = started + self.retry.max_elapsed;
        let idempotent = is_idempotent(request.method());
        let mut attempt = 1;
        // What this call's retries took from the client's retry budget.
        let mut spent = 0;
        loop {
            // A body that cannot be copied (a stream) cannot be sent twice.
            let spare = (attempt < self.retry.max_attempts)
                .then(|| request.try_clone())
                .flatten();
            // The call's turn under the gate and the pace, within the budget.
            let flight = if self.gate_enabled {
                match self.pacer.depart(deadline).await {
                    Ok(flight) => Some(flight),
                    Err(pace::Held(wait)) => {
                        let attempts = attempt - 1;
                        span.record("attempts", attempts);
                        span.record("latency_ms", started.elapsed().as_millis() as u64);
                        tracing::debug!(
                            wait_ms = wait.as_millis() as u64,
                            "not sent: the rate limit's wait runs past the retry budget"
                        );
                        call::record(attempts, None, Some(wait), call::Ending::Held);
                        return Ok(held(wait, request.url()));
                    }
                }
            } else {
                None
            };
            let attempt_started = Instant::now();
            let result = match client.execute(request).await {
                // The final answer, where a retry could still follow: its
                // body is part of the attempt.
                Ok(response)
                    if idempotent
                        && !streamed
                        && spare.is_some()
                        && !is_retryable_status(response.status()) =>
                {
                    read_whole(response).await
                }
                other => other,
            };
            // The wait an error answer asks for, read once for the pace, the
            // retry and the call's report.
            let asked = result
                .as_ref()
                .ok()
                .filter(|response| !response.status().is_success())
                .and_then(|response| {
                    retry_after(response.headers(), std::time::SystemTime::now().into())
                });
            match (&result, flight) {
                (Ok(response), Some(flight)) => flight.answered(&pace::Answer::read(
                    response.status(),
                    response.headers(),
                    asked,
                )),
                (Ok(response), None) => self.pacer.report(response.headers()),
                // No answer: the flight ends as a failure.
                (Err(_), flight) => drop(flight),
            }
            let throttled = result
                .as_ref()
                .is_ok_and(|response| is_rate_limit_status(response.status()));
            let wait =
                match &result {
                    // A rate limit was refused before processing: any method.
                    Ok(response)
                        if throttled || (idempotent && is_retryable_status(response.status())) =>
                    {
                        Some(asked.unwrap_or_else(|| {
                            self.retry.backoff(attempt, retry::random_fraction())
                        }))
                    }
                    // A connection never made: the request never arrived.
                    Err(error) if error.is_connect() || (idempotent && !error.is_builder()) => {
                        Some(self.retry.backoff(attempt, retry::random_fraction()))
                    }
                    _ => None,
                };
            tracing::debug!(
                attempt,
                status = result.as_ref().ok().map(|r| r.status().as_u16()),
                // The causes only: reqwest's own message names the URL,
                // whose query may hold a key.
                error = result
                    .as_ref()
                    .err()
                    .map(|e| tracing::field::display(Causes(e))),
                latency_ms = attempt_started.elapsed().as_millis() as u64,
                "attempt finished"
            );
            // The client's own backoff is capped already; a wait the service
            // asks for is obeyed when it ends within the budget.
            let retry = wait
                .filter(|wait| started.elapsed() + *wait <= self.retry.max_elapsed)
                .zip(spare);
            // A throttle whose wait the client keeps is the service setting
            // its pace, not an outage: its retry costs the budget nothing.
            // The client's retry bucket pays last, only for a retry that
            // would otherwise happen.
            let cost = if throttled && asked.is_some() {
                0
            } else {
                retry::RetryTokens::RETRY_COST
            };
            let paid = retry.is_some() && self.retry_tokens.spend(cost);
            if wait.is_none() {
                // The call ended well: what its retries cost comes back.
                self.retry_tokens.refund(spent + 1);
            }
            let wanted = retry.is_some();
            match retry.filter(|_| paid) {
                Some((wait, spare)) => {
                    spent += cost;
                    tokio::time::sleep(wait).await;
                    request = spare;
                    attempt += 1;
                }
                None => {
                    span.record("attempts", attempt);
                    span.record("latency_ms", started.elapsed().as_millis() as u64);
                    if let Ok(response) = &result {
                        span.record("status", response.status().as_u16());
                    }
                    let ending = if wanted {
                        call::Ending::RetryBudgetSpent
                    } else {
                        call::Ending::Answered
                    };
                    call::record(attempt, result.as_ref().ok(), asked, ending);
                    return result;
                }
            }
        }
    }
}

/// What a call held past its retry budget gets, since nothing was sent: a
/// 429 of the client's own, with `Retry-After` (whole seconds, rounded up).
fn held(wait: std::time::Duration, url: &reqwest::Url) -> reqwest::Response {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let mut response = http::Response::new(reqwest::Body::from(format!(
        "not sent by saas-admin: the rate limit's wait ({seconds} s) runs past the call's retry budget"
    )));
    *response.status_mut() = http::StatusCode::TOO_MANY_REQUESTS;
    let headers = response.headers_mut();
    headers.insert(http::header::RETRY_AFTER, HeaderValue::from(seconds));
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain"),
    );
    answering(response, url)
}

/// A response made here, as the answer to the request sent to `url`.
/// Without its URL, reqwest gives it a placeholder, parsed anew each time
/// (1,500 to 2,500 instructions, on every call that reads its body whole).
fn answering(response: http::Response<reqwest::Body>, url: &reqwest::Url) -> reqwest::Response {
    use reqwest::ResponseBuilderExt;
    let (mut parts, body) = response.into_parts();
    let (with_url, ()) = http::Response::builder()
        .url(url.clone())
        .body(())
        .expect("a builder given only a URL cannot fail")
        .into_parts();
    parts.extensions.extend(with_url.extensions);
    reqwest::Response::from(http::Response::from_parts(parts, body))
}

/// An error's causes, innermost last, without the error's own message
/// (reqwest's names the request's URL).
struct Causes<'a>(&'a reqwest::Error);

impl fmt::Display for Causes<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.0.is_timeout() {
            "timed out"
        } else if self.0.is_connect() {
            "no connection"
        } else if self.0.is_body() || self.0.is_decode() {
            "body cut short"
        } else {
            "request failed"
        };
        f.write_str(kind)?;
        let mut cause = std::error::Error::source(self.0);
        while let Some(error) = cause {
            write!(f, ": {error}")?;
            cause = error.source();
        }
        Ok(())
    }
}

/// The same response with its body read to the end (or the error that cut
/// it short).
async fn read_whole(mut response: reqwest::Response) -> reqwest::Result<reqwest::Response> {
    let status = response.status();
    let version = response.version();
    let headers = std::mem::take(response.headers_mut());
    let url = response.url().clone();
    let body = response.bytes().await?;
    let mut whole = http::Response::new(reqwest::Body::from(body));
    *whole.status_mut() = status;
    *whole.version_mut() = version;
    *whole.headers_mut() = headers;
    Ok(answering(whole, &url))
}

/// Standard base64 with padding (RFC 4648), for the Basic credential; a
/// dozen lines do not warrant a dependency.
fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        let vectors = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in vectors {
            assert_eq!(base64(plain.as_bytes()), encoded, "base64({plain:?})");
        }
    }

    fn authorization_of(auth: &Auth, authenticated: bool) -> Option<HeaderValue> {
        let runtime = Runtime::new(auth).unwrap();
        let mut request =
            reqwest::Request::new(reqwest::Method::GET, "http://127.0.0.1/x".parse().unwrap());
        runtime.prepare(&mut request, authenticated);
        request.headers().get(AUTHORIZATION).cloned()
    }

    #[test]
    fn a_query_key_goes_in_the_query_string_only() {
        let runtime = Runtime::new(&Auth::QueryApiKey(Secret::new("k3y"))).unwrap();
        let mut request = reqwest::Request::new(
            reqwest::Method::GET,
            "http://127.0.0.1/groups/?limit=5".parse().unwrap(),
        );
        runtime.prepare(&mut request, true);
        assert_eq!(request.url().query(), Some("limit=5&apikey=k3y"));
        assert_eq!(request.headers().get(AUTHORIZATION), None);
        assert!(!format!("{runtime:?}").contains("k3y"));
    }

    #[test]
    fn path_segments_refuse_what_would_change_the_resource() {
        for bad in ["", ".", "..", "%2e", "%2E%2e", ".%2E"] {
            let error = PathSegment::try_from(bad).unwrap_err();
            assert_eq!(error, InvalidPathSegment(bad.to_string()), "{bad:?}");
        }
        for good in ["data_stewards", "...", ".hidden", "a.b", "a/b", " "] {
            assert_eq!(PathSegment::try_from(good).unwrap().as_str(), good);
        }
        assert_eq!(
            InvalidPathSegment("..".into()).to_string(),
            r#"".." cannot be a path segment: it must not be empty, "." or "..""#
        );
    }

    #[test]
    fn public_operations_get_no_credentials() {
        let auth = Auth::ApiKey(Secret::new("k3y"));
        assert_eq!(authorization_of(&auth, false), None);
    }

    #[test]
    fn api_key_goes_in_the_authorization_header() {
        let value = authorization_of(&Auth::ApiKey(Secret::new("k3y")), true).unwrap();
        assert_eq!(value, "Apikey k3y");
        assert!(value.is_sensitive());
    }

    #[test]
    fn basic_auth_encodes_key_and_secret() {
        let auth = Auth::Basic {
            username: Secret::new("123456789012345"),
            password: Secret::new("abcd_EFGH-ijkl"),
        };
        let value = authorization_of(&auth, true).unwrap();
        // base64("123456789012345:abcd_EFGH-ijkl")
        assert_eq!(value, "Basic MTIzNDU2Nzg5MDEyMzQ1OmFiY2RfRUZHSC1pamts");
        assert!(value.is_sensitive());
    }

    #[test]
    fn no_auth_sends_no_header() {
        assert_eq!(authorization_of(&Auth::None, true), None);
    }

    #[test]
    fn a_credential_with_a_line_break_is_refused() {
        let err = Runtime::new(&Auth::ApiKey(Secret::new("k\r\nX-Evil: 1"))).unwrap_err();
        assert!(!err.to_string().contains("Evil"));
    }

    #[test]
    fn a_basic_credential_with_a_trailing_newline_is_refused() {
        let auth = Auth::Basic {
            username: Secret::new("key"),
            password: Secret::new("secret\n"),
        };
        assert_eq!(Runtime::new(&auth).unwrap_err(), InvalidCredential);
    }

    #[test]
    fn a_secret_field_decodes_and_encodes_as_its_string_but_never_prints() {
        let secret: Secret = serde_json::from_str(r#""s3cr3t""#).unwrap();
        assert_eq!(secret.expose(), "s3cr3t");
        assert_eq!(serde_json::to_string(&secret).unwrap(), r#""s3cr3t""#);
        assert_eq!(
            format!("{secret:?} {secret}"),
            "Secret(<redacted>) <redacted>"
        );
    }

    #[test]
    fn debug_output_never_shows_credentials() {
        let auth = Auth::Basic {
            username: Secret::new("the-key"),
            password: Secret::new("the-secret"),
        };
        let runtime = Runtime::new(&auth).unwrap();
        for text in [format!("{auth:?}"), format!("{runtime:?}")] {
            assert!(!text.contains("the-key"), "{text}");
            assert!(!text.contains("the-secret"), "{text}");
            assert!(!text.contains("dGhlLWtleT"), "{text}"); // base64 of the pair
        }
    }
}
