//! The facade's retries against the fake's faults: a rate limit is waited
//! out and retried (POST included), a run of 503 is retried, a connection
//! closed on a GET is retried, and a POST whose connection closes is never
//! sent twice, so it leaves one resource, not two. Waits are tiny; nothing
//! sleeps to synchronise.

use std::time::Duration;

use saas_admin::{Cloudinary, ErrorKind, Ods, RetryPolicy};
use saas_admin_fake::{Api, FakeServer, Fault, FaultRule};

/// Tiny waits so the tests stay fast.
fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        initial_backoff: Duration::from_millis(2),
        max_backoff: Duration::from_millis(20),
        max_elapsed: Duration::from_secs(10),
    }
}

async fn ods() -> (FakeServer, Ods) {
    let fake = FakeServer::start().await.expect("the fake starts");
    let ods = Ods::builder()
        .base_url(fake.ods_base_url())
        .api_key(fake.ods_api_key())
        .retry(quick_retries())
        .build()
        .expect("a client for the fake");
    (fake, ods)
}

async fn cloudinary() -> (FakeServer, Cloudinary) {
    let fake = FakeServer::start().await.expect("the fake starts");
    let cloudinary = Cloudinary::builder()
        .base_url(fake.cloudinary_base_url())
        .account_id(fake.cloudinary_account_id())
        .credentials(fake.cloudinary_api_key(), fake.cloudinary_api_secret())
        .retry(quick_retries())
        .build()
        .expect("a client for the fake");
    (fake, cloudinary)
}

fn rate_limit() -> Fault {
    Fault::RateLimited {
        retry_after: Duration::ZERO,
    }
}

#[tokio::test]
async fn an_ods_429_on_a_post_is_retried_and_creates_one_group() {
    let (fake, ods) = ods().await;
    fake.inject(
        FaultRule::new(rate_limit())
            .api(Api::Ods)
            .operation("create_user_group")
            .once(),
    );
    let group = ods
        .create_user_group()
        .title("Stewards")
        .send()
        .await
        .expect("the retry succeeds");
    assert_eq!(fake.count(Api::Ods, "create_user_group"), 2);
    let statuses: Vec<Option<u16>> = fake.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [Some(429), Some(201)]);
    let groups = fake.ods().items("groups").unwrap();
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0]["uid"], group.uid.as_str());
}

#[tokio::test]
async fn a_cloudinary_420_with_its_rate_limit_headers_is_retried() {
    let (fake, cloudinary) = cloudinary().await;
    fake.inject(
        FaultRule::new(rate_limit())
            .api(Api::Cloudinary)
            .operation("create_user_group")
            .once(),
    );
    cloudinary
        .create_user_group()
        .name("Designers")
        .send()
        .await
        .expect("the retry succeeds");
    let statuses: Vec<Option<u16>> = fake.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [Some(420), Some(200)]);
    assert_eq!(fake.cloudinary().items("user_groups").unwrap().len(), 1);
}

#[tokio::test]
async fn a_rate_limit_that_outlasts_the_retries_says_how_long_to_wait() {
    let (fake, ods) = ods().await;
    fake.inject(FaultRule::new(Fault::RateLimited {
        retry_after: Duration::from_secs(3600),
    }));
    let error = ods.list_user_groups().send().await.unwrap_err();
    assert!(error.is_rate_limited(), "{error}");
    assert_eq!(error.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(error.attempts(), 1);
}

#[tokio::test]
async fn a_run_of_503_on_a_get_is_retried_until_it_ends() {
    let (fake, ods) = ods().await;
    fake.inject(FaultRule::new(Fault::Status(503)).times(2));
    let page = ods
        .list_user_groups()
        .send()
        .await
        .expect("the third attempt succeeds");
    assert!(page.results.is_empty());
    assert_eq!(fake.count(Api::Ods, "list_user_groups"), 3);
}

#[tokio::test]
async fn a_run_longer_than_the_attempts_fails_with_the_vendors_error() {
    let (fake, cloudinary) = cloudinary().await;
    fake.inject(FaultRule::new(Fault::Status(503)));
    let error = cloudinary.list_user_groups().send().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(error.attempts(), 4);
    assert_eq!(
        error.message(),
        Some("The fake was asked to fail this request.")
    );
}

#[tokio::test]
async fn a_post_whose_connection_closes_after_processing_leaves_one_group_not_two() {
    let (fake, ods) = ods().await;
    fake.inject(
        FaultRule::new(Fault::DropAfterProcessing)
            .operation("create_user_group")
            .once(),
    );
    let error = ods
        .create_user_group()
        .title("Stewards")
        .send()
        .await
        .expect_err("the answer never came");
    assert_eq!(error.kind(), ErrorKind::Transport, "{error}");
    assert_eq!(error.attempts(), 1, "a POST is not sent again: {error}");
    assert_eq!(fake.count(Api::Ods, "create_user_group"), 1);
    // The service did create it: one group, which a listing finds.
    let groups = ods.list_user_groups().send().await.unwrap();
    assert_eq!(groups.results.len(), 1);
    assert_eq!(groups.results[0].title, "Stewards");
}

#[tokio::test]
async fn a_post_whose_connection_closes_before_processing_creates_nothing() {
    let (fake, cloudinary) = cloudinary().await;
    fake.inject(FaultRule::new(Fault::DropBeforeProcessing).once());
    let error = cloudinary
        .create_user_group()
        .name("Designers")
        .send()
        .await
        .expect_err("the answer never came");
    assert_eq!(error.attempts(), 1, "{error}");
    assert!(fake.cloudinary().items("user_groups").unwrap().is_empty());
}

#[tokio::test]
async fn a_get_whose_connection_closes_is_retried() {
    let (fake, ods) = ods().await;
    fake.ods()
        .insert("groups", serde_json::json!({"title": "Stewards"}))
        .unwrap();
    fake.inject(FaultRule::new(Fault::DropAfterProcessing).once());
    let page = ods.list_user_groups().send().await.expect("the retry");
    assert_eq!(page.results.len(), 1);
    assert_eq!(fake.count(Api::Ods, "list_user_groups"), 2);
}

#[tokio::test]
async fn a_delay_longer_than_the_timeout_times_the_call_out() {
    let fake = FakeServer::start().await.unwrap();
    let ods = Ods::builder()
        .base_url(fake.ods_base_url())
        .api_key(fake.ods_api_key())
        .timeout(Duration::from_millis(50))
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    fake.inject(FaultRule::new(Fault::Delay(Duration::from_secs(5))).once());
    let error = ods.list_user_groups().send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout, "{error}");
    // Without the fault, the same call answers.
    ods.list_user_groups().send().await.unwrap();
}
