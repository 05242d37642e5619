//! The suites' client of the fake: each call with the right credentials,
//! its answer read as JSON (`null` when empty, a string when not JSON).

use reqwest::{Client, Method, RequestBuilder, StatusCode};
use saas_admin_fake::FakeServer;
use serde_json::Value;

/// A fake and an HTTP client for it.
pub struct Fake {
    pub fake: FakeServer,
    pub http: Client,
}

impl Fake {
    /// An empty fake.
    pub async fn start() -> Self {
        Self::on(FakeServer::start().await.unwrap())
    }

    /// A fake seeded with the specs' examples.
    pub async fn with_examples() -> Self {
        Self::on(FakeServer::builder().with_examples().start().await.unwrap())
    }

    /// A fake started some other way.
    pub fn on(fake: FakeServer) -> Self {
        Self {
            fake,
            http: Client::new(),
        }
    }

    /// An Opendatasoft request with the right key; `path` is below the
    /// API's root, or a whole URL (a `next` link).
    pub fn ods_request(&self, method: Method, path: &str) -> RequestBuilder {
        let url = if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}{path}", self.fake.ods_base_url())
        };
        self.http.request(method, url).header(
            "authorization",
            format!("Apikey {}", self.fake.ods_api_key()),
        )
    }

    /// An Opendatasoft call with a JSON body, if any.
    pub async fn ods(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        send(self.ods_request(method, path), body).await
    }

    /// A Cloudinary call with the right credentials; `path` is below the
    /// account (`/user_groups`) for `v1_1`, or starts with `/v2`.
    pub async fn cloudinary(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let account = self.fake.cloudinary_account_id();
        let url = match path.strip_prefix("/v2") {
            Some(rest) => format!("{}/v2/accounts/{account}{rest}", self.fake.url()),
            None => format!(
                "{}/v1_1/provisioning/accounts/{account}{path}",
                self.fake.url()
            ),
        };
        let request = self.http.request(method, url).basic_auth(
            self.fake.cloudinary_api_key(),
            Some(self.fake.cloudinary_api_secret()),
        );
        send(request, body).await
    }
}

/// Sends a request with a JSON body, if any, and reads the answer.
pub async fn send(request: RequestBuilder, body: Option<Value>) -> (StatusCode, Value) {
    let request = match body {
        Some(body) => request.json(&body),
        None => request,
    };
    let response = request.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    let value = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    (status, value)
}
