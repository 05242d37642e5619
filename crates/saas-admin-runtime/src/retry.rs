//! Retries: which failures are worth another attempt, and how long to wait.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, RETRY_AFTER};
use reqwest::{Method, StatusCode};

/// When and how often a failed request is sent again.
///
/// Retried: 429, Cloudinary's 420 (its rate limit), 502, 503, 504 and
/// connection failures. A rate limit (429, 420) means the service refused
/// the request before processing it, so it is retried whatever the method,
/// POST included. Otherwise only requests that are safe to repeat (GET, PUT,
/// DELETE, HEAD, OPTIONS) are retried once they may have reached the
/// server; any request is retried when the connection could not be made,
/// since it then surely never arrived.
///
/// The client's own waits grow exponentially with full jitter (a random wait
/// between zero and the exponential bound), each capped by
/// [`max_backoff`](Self::max_backoff). A wait the service asks for
/// (`Retry-After`, in seconds or as an HTTP date, or else Cloudinary's
/// `X-FeatureRateLimit-Reset`) replaces the computed one and is not capped by
/// `max_backoff`: it is obeyed as long as it ends within
/// [`max_elapsed`](Self::max_elapsed), counted from the first attempt; a
/// longer one ends the call at once, with the wait in the error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 1 turns retries off.
    pub max_attempts: u32,
    /// The bound of the first wait; it doubles with each retry.
    pub initial_backoff: Duration,
    /// The longest wait the client chooses itself (a wait the service asks
    /// for is bounded by `max_elapsed` only).
    pub max_backoff: Duration,
    /// The longest time from the first attempt to the start of the last.
    pub max_elapsed: Duration,
}

impl Default for RetryPolicy {
    /// 4 attempts, waits from 200 ms growing to at most 10 s, within 60 s.
    ///
    /// Rate limits and gateway errors usually clear within seconds; four
    /// attempts ride out a short blip without keeping a caller waiting for
    /// minutes, and 60 s bounds the worst case of honouring `Retry-After`.
    fn default() -> Self {
        Self {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
            max_elapsed: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// One attempt only: nothing is retried.
    pub fn disabled() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The full-jitter wait before attempt `attempt + 1`, given a random
    /// `fraction` in [0, 1).
    pub(crate) fn backoff(&self, attempt: u32, fraction: f64) -> Duration {
        let exponent = attempt.saturating_sub(1).min(30);
        let bound = self
            .initial_backoff
            .saturating_mul(1 << exponent)
            .min(self.max_backoff);
        bound.mul_f64(fraction.clamp(0.0, 1.0))
    }
}

/// What a client's retries may still spend: a token bucket shared by all
/// its calls, so that a long outage cannot make it multiply its load.
///
/// It holds [`RetryTokens::CAPACITY`] tokens; each retry after an outage's
/// failure (5xx, a connection) spends [`RetryTokens::RETRY_COST`]; a retry
/// after a rate limit whose wait the client kept spends nothing (the
/// service is setting its pace, and the pace answers it). Each call that
/// ends without a failure worth retrying gives back what its retries cost,
/// and one more. A client therefore adds at most 100 retries to its calls'
/// first attempts during an outage in which nothing succeeds, plus one per
/// 5 calls that do.
#[derive(Debug)]
pub(crate) struct RetryTokens(std::sync::atomic::AtomicU32);

impl RetryTokens {
    /// Tokens in a full bucket.
    pub const CAPACITY: u32 = 500;
    /// Tokens one retry spends.
    pub const RETRY_COST: u32 = 5;

    pub(crate) fn full() -> Self {
        Self(std::sync::atomic::AtomicU32::new(Self::CAPACITY))
    }

    /// Takes `cost` tokens for one retry; false when the bucket cannot pay
    /// them.
    pub(crate) fn spend(&self, cost: u32) -> bool {
        use std::sync::atomic::Ordering;
        self.0
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |tokens| {
                tokens.checked_sub(cost)
            })
            .is_ok()
    }

    /// Gives `tokens` back, up to a full bucket.
    pub(crate) fn refund(&self, tokens: u32) {
        use std::sync::atomic::Ordering;
        let _full = self
            .0
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |held| {
                (held < Self::CAPACITY).then(|| (held + tokens).min(Self::CAPACITY))
            });
    }
}

/// Statuses that say "try again later": rate limits and gateway trouble.
pub fn is_retryable_status(status: StatusCode) -> bool {
    is_rate_limit_status(status) || matches!(status.as_u16(), 502..=504)
}

/// Rate limits: 429, and Cloudinary's 420. The service refused the request
/// before processing it, so sending it again never does anything twice.
pub fn is_rate_limit_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 420 | 429)
}

/// Methods whose repetition does no harm, should the first attempt have
/// reached the server.
pub fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::PUT | Method::DELETE | Method::HEAD | Method::OPTIONS
    )
}

/// Cloudinary's header with the time its rate-limit window resets.
const RATE_LIMIT_RESET: HeaderName = HeaderName::from_static("x-featureratelimit-reset");

/// The wait a response asks for: its `Retry-After` header (seconds, or an
/// HTTP date), or else Cloudinary's `X-FeatureRateLimit-Reset` (an HTTP
/// date). A date in the past means no wait.
pub fn retry_after(headers: &HeaderMap, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    let text = |name: HeaderName| Some(headers.get(name)?.to_str().ok()?.trim());
    if let Some(value) = text(RETRY_AFTER) {
        if let Ok(seconds) = value.parse::<u64>() {
            return Some(Duration::from_secs(seconds));
        }
        return until(value, now);
    }
    until(text(RATE_LIMIT_RESET)?, now)
}

/// From `now` to an HTTP date; zero for a date already past.
fn until(date: &str, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    let date = chrono::DateTime::parse_from_rfc2822(date).ok()?;
    Some(
        (date.with_timezone(&chrono::Utc) - now)
            .to_std()
            .unwrap_or(Duration::ZERO),
    )
}

/// A random fraction in [0, 1) for jitter. std's `RandomState` is seeded
/// from the OS for each instance; that is random enough to spread retries
/// and needs no dependency.
pub(crate) fn random_fraction() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let bits = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn backoff_doubles_up_to_the_cap_and_scales_with_the_jitter() {
        let policy = RetryPolicy {
            max_attempts: 10,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(500),
            max_elapsed: Duration::from_secs(60),
        };
        let full: Vec<u128> = (1..=5)
            .map(|a| policy.backoff(a, 1.0).as_millis())
            .collect();
        assert_eq!(full, [100, 200, 400, 500, 500]);
        assert_eq!(policy.backoff(3, 0.5), Duration::from_millis(200));
        assert_eq!(policy.backoff(3, 0.0), Duration::ZERO);
        // A huge attempt number neither overflows nor passes the cap.
        assert_eq!(policy.backoff(u32::MAX, 1.0), Duration::from_millis(500));
    }

    #[test]
    fn the_retry_bucket_pays_100_retries_then_one_per_5_refunds() {
        let cost = RetryTokens::RETRY_COST;
        let tokens = RetryTokens::full();
        let paid = (0..1000).take_while(|_| tokens.spend(cost)).count();
        assert_eq!(paid, 100);
        for _ in 0..4 {
            tokens.refund(1);
        }
        assert!(!tokens.spend(cost));
        tokens.refund(1);
        assert!(tokens.spend(cost));
        // Refunds stop at a full bucket.
        (0..2000).for_each(|_| tokens.refund(1));
        assert_eq!((0..1000).take_while(|_| tokens.spend(cost)).count(), 100);
    }

    #[test]
    fn a_retried_call_that_ends_well_gives_back_what_its_retries_cost() {
        let cost = RetryTokens::RETRY_COST;
        let tokens = RetryTokens::full();
        assert!(tokens.spend(cost) && tokens.spend(cost));
        tokens.refund(2 * cost + 1);
        assert_eq!((0..1000).take_while(|_| tokens.spend(cost)).count(), 100);
        // A free retry (a rate limit's kept wait) is always paid.
        assert!(tokens.spend(0));
        tokens.refund(7);
        assert!(tokens.spend(cost));
    }

    #[test]
    fn random_fractions_stay_in_range_and_vary() {
        let samples: Vec<f64> = (0..100).map(|_| random_fraction()).collect();
        assert!(samples.iter().all(|f| (0.0..1.0).contains(f)));
        let first = samples[0];
        assert!(samples.iter().any(|f| *f != first));
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-21T08:49:30Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers, now), None);
        headers.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(7)));
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Sat, 21 Nov 2026 08:49:37 GMT"),
        );
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(7)));
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Sat, 21 Nov 2026 08:00:00 GMT"),
        );
        assert_eq!(retry_after(&headers, now), Some(Duration::ZERO));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers, now), None);
    }

    #[test]
    fn cloudinarys_reset_stands_in_for_a_missing_retry_after() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-21T08:49:30Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let mut headers = HeaderMap::new();
        headers.insert(
            RATE_LIMIT_RESET,
            HeaderValue::from_static("Sat, 21 Nov 2026 09:29:30 GMT"),
        );
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(2400)));
        // Retry-After, when there is one, is what the service asks for.
        headers.insert(RETRY_AFTER, HeaderValue::from_static("3"));
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(3)));
    }

    #[test]
    fn retryable_statuses_and_idempotent_methods() {
        let retryable: Vec<u16> = (100..600)
            .filter(|s| is_retryable_status(StatusCode::from_u16(*s).unwrap()))
            .collect();
        assert_eq!(retryable, [420, 429, 502, 503, 504]);
        let rate_limits: Vec<u16> = (100..600)
            .filter(|s| is_rate_limit_status(StatusCode::from_u16(*s).unwrap()))
            .collect();
        assert_eq!(rate_limits, [420, 429]);
        assert!(is_idempotent(&Method::PUT));
        assert!(!is_idempotent(&Method::POST));
        assert!(!is_idempotent(&Method::PATCH));
    }
}
