//! A client's calls under the service's rate limit, through the facade
//! against the fake enforcing one: calls that waited leave one after
//! another, throttles the client obeys leave its retry budget whole, an
//! outage still spends it (and the calls it ends say so), a wait past the
//! budget sends nothing, and `rate_limit()` is the service's latest state.
//! No test sleeps to synchronise; the waits are the ones the fake asks for.

use std::time::{Duration, Instant};

use saas_admin::{Cloudinary, ErrorKind, Ods, RetryPolicy};
use saas_admin_fake::{Api, FakeServer, Fault, FaultRule, Limit};

/// Tiny waits of the client's own; waits the fake asks for are obeyed.
fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
        max_elapsed: Duration::from_secs(10),
    }
}

fn ods(fake: &FakeServer, gate: bool) -> Ods {
    Ods::builder()
        .base_url(fake.ods_base_url())
        .api_key(fake.ods_api_key())
        .retry(quick_retries())
        .rate_limit_gate(gate)
        .build()
        .expect("a client for the fake")
}

fn cloudinary(fake: &FakeServer) -> Cloudinary {
    Cloudinary::builder()
        .base_url(fake.cloudinary_base_url())
        .account_id(fake.cloudinary_account_id())
        .credentials(fake.cloudinary_api_key(), fake.cloudinary_api_secret())
        .retry(quick_retries())
        .build()
        .expect("a client for the fake")
}

fn statuses(fake: &FakeServer) -> Vec<u16> {
    fake.requests().iter().filter_map(|r| r.status).collect()
}

/// 16 calls at once against 10 at once: the others are refused and told to
/// wait 1 s. They do not all come back together when the wait is over: the
/// client paces them at what the service let through (10 a second, then
/// more), so the last leaves well after the first. Pacing only ever delays a
/// call, so however slow the machine, the spread cannot shrink.
#[tokio::test]
async fn after_a_throttle_the_calls_that_waited_leave_one_after_another() {
    let fake = FakeServer::start().await.unwrap();
    fake.set_limit(
        Limit::TokenBucket {
            rate: 50.0,
            burst: 10,
            retry_after: Duration::from_secs(1),
        },
        Some(Api::Ods),
    );
    let ods = ods(&fake, true);
    let started = Instant::now();
    let calls = (0..16).map(|_| async {
        let result = ods.list_user_groups().send().await;
        (result, started.elapsed())
    });
    let results = futures::future::join_all(calls).await;
    assert!(results.iter().all(|(r, _)| r.is_ok()), "{results:?}");
    let refused = statuses(&fake).iter().filter(|s| **s == 429).count();
    assert!((1..=6).contains(&refused), "{:?}", statuses(&fake));
    // The calls refused at first end after the wait, spread out.
    let mut waited: Vec<Duration> = results
        .iter()
        .map(|(_, at)| *at)
        .filter(|at| *at >= Duration::from_millis(900))
        .collect();
    waited.sort();
    assert_eq!(waited.len(), refused, "{waited:?}");
    let spread = *waited.last().unwrap() - waited[0];
    // At 10 a second doubling each second, n calls take about 70 ms each.
    let least = Duration::from_millis(40) * (refused as u32 - 1);
    assert!(
        spread >= least,
        "{spread:?} for {refused} calls: {waited:?}"
    );
    // Paced below what the service allows, none was refused again.
    assert_eq!(fake.count(Api::Ods, "list_user_groups"), 16 + refused);
}

/// 64 calls in flight against a service that refuses the first 192
/// requests with `Retry-After: 0`: 192 retries, nearly twice the 100 an
/// outage may take from the client before any call ends. Obeyed throttles
/// cost the budget nothing, so every call succeeds, and the budget is whole
/// for the outage that follows. (The gate is off so that each call sees
/// only its own answers: with it on, a service refusing every call would
/// rightly slow the client down. Ten attempts, so that no call runs out of
/// them however the refusals fall.)
#[tokio::test]
async fn throttles_the_client_obeys_leave_its_retry_budget_whole() {
    let fake = FakeServer::start().await.unwrap();
    let ods = Ods::builder()
        .base_url(fake.ods_base_url())
        .api_key(fake.ods_api_key())
        .retry(RetryPolicy {
            max_attempts: 10,
            ..quick_retries()
        })
        .rate_limit_gate(false)
        .build()
        .unwrap();
    let throttle = Fault::RateLimited {
        retry_after: Duration::ZERO,
    };
    fake.inject(FaultRule::new(throttle).api(Api::Ods).times(192));
    let calls = (0..64).map(|_| ods.list_user_groups().send());
    for result in futures::future::join_all(calls).await {
        result.unwrap();
    }
    assert_eq!(fake.count(Api::Ods, "list_user_groups"), 64 + 192);
    // An outage now: the next call still gets all its retries.
    fake.inject(FaultRule::new(Fault::Status(503)));
    let error = ods.list_user_groups().send().await.unwrap_err();
    assert_eq!(error.attempts(), 10, "{error}");
    assert!(!error.is_retry_budget_exhausted(), "{error}");
}

/// 64 calls in flight against a service answering 503: the client adds at
/// most 100 retries (164 requests, where 4 attempts each would make 256).
/// The calls its budget ended say so (`is_retry_budget_exhausted()`, and
/// their message); any other ran out of attempts.
#[tokio::test]
async fn an_outage_still_spends_the_budget_and_the_calls_it_ends_say_so() {
    let fake = FakeServer::start().await.unwrap();
    fake.inject(FaultRule::new(Fault::Status(503)));
    let ods = ods(&fake, true);
    let calls = (0..64).map(|_| ods.list_user_groups().send());
    let errors: Vec<saas_admin::Error> = futures::future::join_all(calls)
        .await
        .into_iter()
        .map(|r| r.unwrap_err())
        .collect();
    assert_eq!(fake.count(Api::Ods, "list_user_groups"), 164);
    let (ended_by_budget, out_of_attempts): (Vec<_>, Vec<_>) =
        errors.iter().partition(|e| e.is_retry_budget_exhausted());
    assert!(!ended_by_budget.is_empty());
    for error in &ended_by_budget {
        assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
        assert!(error.attempts() < 4, "{error}");
        assert!(
            error
                .to_string()
                .ends_with("; not retried: the client's retry budget is spent"),
            "{error}"
        );
    }
    for error in &out_of_attempts {
        assert_eq!(error.attempts(), 4, "{error}");
        assert!(!error.to_string().contains("retry budget"), "{error}");
    }
    // What each call sent adds up to what the fake received.
    let sent: u32 = errors.iter().map(|e| e.attempts()).sum();
    assert_eq!(sent, 164);
}

/// Once the service has asked for a wait longer than a call's budget (60 s
/// by default, 10 s here), the client's next call sends nothing: it fails at
/// once, saying how long is left.
#[tokio::test]
async fn a_call_made_during_a_wait_past_its_budget_is_not_sent() {
    let fake = FakeServer::start().await.unwrap();
    let ods = ods(&fake, true);
    fake.inject(
        FaultRule::new(Fault::RateLimited {
            retry_after: Duration::from_secs(3600),
        })
        .once(),
    );
    let first = ods.list_user_groups().send().await.unwrap_err();
    assert_eq!(
        (first.attempts(), first.status().map(|s| s.as_u16())),
        (1, Some(429))
    );
    let started = Instant::now();
    let second = ods.list_user_groups().send().await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5), "{second}");
    assert_eq!(fake.count(Api::Ods, "list_user_groups"), 1);
    assert_eq!(second.kind(), ErrorKind::RateLimited, "{second}");
    assert_eq!(second.attempts(), 0);
    assert_eq!(second.status(), None);
    let left = second.retry_after().unwrap();
    assert!(
        left <= Duration::from_secs(3600) && left > Duration::from_secs(3500),
        "{left:?}"
    );
    assert!(second.is_rate_limited() && second.is_retryable());
    assert!(
        second.to_string().starts_with(
            "list_user_groups: not sent: the service's rate limit would keep the call waiting past its retry budget, retry after 3"
        ),
        "{second}"
    );
}

/// The same with Cloudinary's window: spent, with its reset an hour away,
/// the next call is not sent.
#[tokio::test]
async fn a_call_made_when_the_window_is_spent_until_past_its_budget_is_not_sent() {
    let fake = FakeServer::start().await.unwrap();
    fake.set_limit(
        Limit::FixedWindow {
            limit: 1,
            window: Duration::from_secs(3600),
        },
        Some(Api::Cloudinary),
    );
    let cloudinary = cloudinary(&fake);
    cloudinary.list_user_groups().send().await.unwrap();
    assert_eq!(cloudinary.rate_limit().unwrap().remaining, Some(0));
    let error = cloudinary.list_user_groups().send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::RateLimited, "{error}");
    assert_eq!(error.attempts(), 0);
    assert!(error.retry_after().unwrap() <= Duration::from_secs(3600));
    assert_eq!(fake.count(Api::Cloudinary, "list_user_groups"), 1);
}

/// 20 calls at once, whose answers the client reads in whatever order they
/// come: `rate_limit()` is the state after the last call the service
/// counted (its fewest remaining), not the answer read last.
#[tokio::test]
async fn rate_limit_is_the_services_latest_state_whatever_order_answers_come_in() {
    let fake = FakeServer::start().await.unwrap();
    fake.set_limit(
        Limit::FixedWindow {
            limit: 50,
            window: Duration::from_secs(3600),
        },
        Some(Api::Cloudinary),
    );
    let cloudinary = cloudinary(&fake);
    let calls = (0..20).map(|_| cloudinary.list_user_groups().send());
    for result in futures::future::join_all(calls).await {
        result.unwrap();
    }
    let limit = cloudinary.rate_limit().unwrap();
    assert_eq!((limit.limit, limit.remaining), (Some(50), Some(30)));
    assert!(limit.reset.unwrap() > std::time::SystemTime::now());
}

/// Within its window, the client keeps no more calls in flight than the
/// window has left: 12 calls at once against 5 left send 5, and the rest
/// wait for the reset (past their budget here, so they fail unsent).
#[tokio::test]
async fn no_more_calls_leave_than_the_window_has_left() {
    let fake = FakeServer::start().await.unwrap();
    fake.set_limit(
        Limit::FixedWindow {
            limit: 6,
            window: Duration::from_secs(3600),
        },
        Some(Api::Cloudinary),
    );
    let cloudinary = cloudinary(&fake);
    // One call first, so that the client knows the window.
    cloudinary.list_user_groups().send().await.unwrap();
    let calls = (0..12).map(|_| cloudinary.list_user_groups().send());
    let results = futures::future::join_all(calls).await;
    let served = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(served, 5);
    assert!(results
        .iter()
        .filter_map(|r| r.as_ref().err())
        .all(|e| e.kind() == ErrorKind::RateLimited && e.attempts() == 0));
    // Nothing was refused: no call ran into the limit.
    assert!(
        statuses(&fake).iter().all(|s| *s == 200),
        "{:?}",
        statuses(&fake)
    );
}
