//! The fake's rate limits over plain HTTP: a token bucket and Cloudinary's
//! fixed windows, set from code, from `/_fake/limit` and from the binary's
//! `--limit`. Rates and windows are chosen so that nothing refills while a
//! test runs: no test depends on timing.

use std::io::{BufRead, BufReader};
use std::time::Duration;

use reqwest::{Client, StatusCode};
use saas_admin_fake::{Api, FakeServer, Limit};
use serde_json::{json, Value};

async fn ods_groups(http: &Client, fake_url: &str, key: &str) -> reqwest::Response {
    http.get(format!("{fake_url}/api/automation/v1.0/groups/"))
        .header("authorization", format!("Apikey {key}"))
        .send()
        .await
        .unwrap()
}

async fn cloudinary_groups(http: &Client, fake: &FakeServer) -> reqwest::Response {
    http.get(format!(
        "{}/v1_1/provisioning/accounts/{}/user_groups",
        fake.url(),
        fake.cloudinary_account_id()
    ))
    .basic_auth(
        fake.cloudinary_api_key(),
        Some(fake.cloudinary_api_secret()),
    )
    .send()
    .await
    .unwrap()
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    response.headers().get(name).map(|v| v.to_str().unwrap())
}

#[tokio::test]
async fn a_token_bucket_set_over_http_serves_its_burst_then_refuses_with_retry_after() {
    let fake = FakeServer::start().await.unwrap();
    let http = Client::new();
    // A token every 1000 s: none comes back during the test.
    let set = http
        .post(format!("{}/_fake/limit", fake.url()))
        .json(&json!({"mode": "token_bucket", "rate": 0.001, "burst": 3, "retry_after_secs": 7}))
        .send()
        .await
        .unwrap();
    assert_eq!(set.status(), StatusCode::CREATED);
    let statuses: Vec<u16> = ods_statuses(&http, &fake, 4).await;
    assert_eq!(statuses, [200, 200, 200, 429]);
    let refused = ods_groups(&http, &fake.url(), fake.ods_api_key()).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(header(&refused, "retry-after"), Some("7"));
    let body: Value = refused.json().await.unwrap();
    assert!(body["error_code"].is_string(), "{body}");
    // The admin endpoint is never limited, and counts what the limit did.
    let shown: Value = http
        .get(format!("{}/_fake/limit", fake.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        shown,
        json!({"mode": "token_bucket", "rate": 0.001, "burst": 3, "retry_after_secs": 7,
               "admitted": 3, "refused": 2})
    );
    // A refused request was recorded with its status, and never processed.
    let recorded: Vec<Option<u16>> = fake.requests().iter().map(|r| r.status).collect();
    assert_eq!(recorded[3..], [Some(429), Some(429)]);
    let cleared = http
        .delete(format!("{}/_fake/limit", fake.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.status(), StatusCode::OK);
    assert_eq!(
        ods_groups(&http, &fake.url(), fake.ods_api_key())
            .await
            .status(),
        StatusCode::OK
    );
}

/// The statuses of `n` Opendatasoft listings sent one after another.
async fn ods_statuses(http: &Client, fake: &FakeServer, n: usize) -> Vec<u16> {
    let mut statuses = Vec::new();
    for _ in 0..n {
        statuses.push(
            ods_groups(http, &fake.url(), fake.ods_api_key())
                .await
                .status()
                .as_u16(),
        );
    }
    statuses
}

#[tokio::test]
async fn a_fixed_window_reports_on_every_answer_and_answers_420_when_spent() {
    let fake = FakeServer::start().await.unwrap();
    let http = Client::new();
    // An hour-long window: it does not roll over during the test.
    fake.set_limit(
        Limit::FixedWindow {
            limit: 2,
            window: Duration::from_secs(3600),
        },
        Some(Api::Cloudinary),
    );
    let mut remaining = Vec::new();
    let mut resets = Vec::new();
    for _ in 0..3 {
        let answer = cloudinary_groups(&http, &fake).await;
        assert_eq!(header(&answer, "x-featureratelimit-limit"), Some("2"));
        remaining.push((
            answer.status().as_u16(),
            header(&answer, "x-featureratelimit-remaining")
                .unwrap()
                .to_string(),
        ));
        resets.push(
            header(&answer, "x-featureratelimit-reset")
                .unwrap()
                .to_string(),
        );
        if answer.status() == 420 {
            // The reset says when; there is no Retry-After to round it.
            assert_eq!(header(&answer, "retry-after"), None);
            let body: Value = answer.json().await.unwrap();
            assert!(body["error"]["message"].is_string(), "{body}");
        }
    }
    assert_eq!(
        remaining,
        [
            (200, "1".to_string()),
            (200, "0".to_string()),
            (420, "0".to_string())
        ]
    );
    // One window, one reset: a whole second within the hour.
    assert!(resets.iter().all(|r| *r == resets[0]), "{resets:?}");
    let reset = chrono::DateTime::parse_from_rfc2822(&resets[0]).unwrap();
    let ahead = reset.signed_duration_since(chrono::DateTime::<chrono::Utc>::from(
        std::time::SystemTime::now(),
    ));
    assert!(
        ahead > chrono::Duration::zero() && ahead <= chrono::Duration::seconds(3600),
        "{ahead:?}"
    );
    // The other API is not limited, and carries no window.
    let ods = ods_groups(&http, &fake.url(), fake.ods_api_key()).await;
    assert_eq!(ods.status(), StatusCode::OK);
    assert_eq!(header(&ods, "x-featureratelimit-limit"), None);
}

#[tokio::test]
async fn a_bad_limit_is_refused_naming_what_is_missing() {
    let fake = FakeServer::start().await.unwrap();
    let answer = Client::new()
        .post(format!("{}/_fake/limit", fake.url()))
        .json(&json!({"mode": "token_bucket", "burst": 3}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    let body: Value = answer.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("rate"), "{body}");
}

/// The binary, started with `--limit`: its first line says where it listens.
/// Its output is kept open (closing it would end the binary at its next
/// line).
struct Binary {
    child: std::process::Child,
    _output: BufReader<std::process::ChildStdout>,
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn the_binarys_limit_flag_enforces_a_token_bucket() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_saas-admin-fake"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--limit",
            "token-bucket:0.001,2,3",
        ])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    let mut output = BufReader::new(child.stdout.take().unwrap());
    output.read_line(&mut first).unwrap();
    let _binary = Binary {
        child,
        _output: output,
    };
    let addr = first
        .trim()
        .strip_prefix("saas-admin-fake listening on ")
        .unwrap_or_else(|| panic!("{first:?}"));
    let url = format!("http://{addr}");
    let http = Client::new();
    let mut statuses = Vec::new();
    let mut retry_after = None;
    for _ in 0..3 {
        let answer = ods_groups(&http, &url, saas_admin_fake::DEFAULT_ODS_API_KEY).await;
        statuses.push(answer.status().as_u16());
        retry_after = header(&answer, "retry-after").map(str::to_string);
    }
    assert_eq!(statuses, [200, 200, 429]);
    assert_eq!(retry_after.as_deref(), Some("3"));
}

#[tokio::test]
async fn the_binary_refuses_a_limit_it_cannot_read() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_saas-admin-fake"))
        .args(["--limit", "token-bucket:40"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--limit"), "{stderr}");
}
