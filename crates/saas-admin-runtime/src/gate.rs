//! The rate-limit gate: one per client. When the service says the client
//! is rate limited (a 429 or 420 with a wait, or Cloudinary's headers
//! reporting nothing left before a reset), the client's other calls wait
//! for the reset instead of each running into the limit. A gate, not a
//! queue: once open, every waiting call goes.

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{HeaderMap, HeaderName};
use reqwest::StatusCode;

use crate::retry::{is_rate_limit_status, retry_after};

/// The rate limit the service reported with its last answer that had one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// Calls allowed in the current window.
    pub limit: Option<u64>,
    /// Calls left in the current window.
    pub remaining: Option<u64>,
    /// When the window resets.
    pub reset: Option<SystemTime>,
}

// Names made once: looking a header up by text parses the name each time.
const LIMIT: HeaderName = HeaderName::from_static("x-featureratelimit-limit");
const REMAINING: HeaderName = HeaderName::from_static("x-featureratelimit-remaining");
const RESET: HeaderName = HeaderName::from_static("x-featureratelimit-reset");

#[derive(Debug, Default)]
pub(crate) struct Gate {
    closed_until: Mutex<Option<Instant>>,
    reported: Mutex<Option<RateLimit>>,
}

impl Gate {
    /// How long to wait before sending, if the gate is closed.
    pub(crate) fn wait(&self) -> Option<Duration> {
        let until = (*self.closed_until.lock().ok()?)?;
        until.checked_duration_since(Instant::now())
    }

    /// Reads an answer: closes the gate when it says the client is rate
    /// limited, and keeps the limits it reports. `asked` is the wait an
    /// error answer asked for, already read from its headers.
    pub(crate) fn observe(&self, status: StatusCode, headers: &HeaderMap, asked: Option<Duration>) {
        let number =
            |name: HeaderName| headers.get(name)?.to_str().ok()?.trim().parse::<u64>().ok();
        let remaining = number(REMAINING);
        let reported = remaining.is_some() || headers.contains_key(LIMIT);
        let exhausted = remaining == Some(0);
        if !(reported || is_rate_limit_status(status)) {
            return;
        }
        // A success reporting nothing left waits for the reset.
        let wait = match asked {
            Some(wait) => Some(wait),
            None if exhausted => retry_after(headers, SystemTime::now().into()),
            None => None,
        };
        if reported {
            let reset = headers
                .get(RESET)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| chrono::DateTime::parse_from_rfc2822(v.trim()).ok())
                .map(SystemTime::from);
            if let Ok(mut last) = self.reported.lock() {
                *last = Some(RateLimit {
                    limit: number(LIMIT),
                    remaining,
                    reset,
                });
            }
        }
        if let Some(wait) = wait.filter(|_| is_rate_limit_status(status) || exhausted) {
            let until = Instant::now() + wait;
            if let Ok(mut closed) = self.closed_until.lock() {
                *closed = Some(closed.map_or(until, |current| current.max(until)));
            }
        }
    }

    pub(crate) fn rate_limit(&self) -> Option<RateLimit> {
        self.reported.lock().ok()?.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn a_rate_limit_with_a_wait_closes_the_gate_and_others_do_not() {
        let gate = Gate::default();
        let mut headers = HeaderMap::new();
        gate.observe(StatusCode::SERVICE_UNAVAILABLE, &headers, None);
        assert_eq!(gate.wait(), None);
        headers.insert("retry-after", HeaderValue::from_static("30"));
        gate.observe(StatusCode::OK, &headers, None);
        assert_eq!(gate.wait(), None);
        let asked = retry_after(&headers, SystemTime::now().into());
        gate.observe(StatusCode::TOO_MANY_REQUESTS, &headers, asked);
        let wait = gate.wait().unwrap();
        assert!(
            wait > Duration::from_secs(29) && wait <= Duration::from_secs(30),
            "{wait:?}"
        );
    }

    #[test]
    fn cloudinarys_headers_are_kept_and_nothing_left_closes_the_gate() {
        let gate = Gate::default();
        let mut headers = HeaderMap::new();
        headers.insert(LIMIT, HeaderValue::from_static("500"));
        headers.insert(REMAINING, HeaderValue::from_static("41"));
        headers.insert(
            RESET,
            HeaderValue::from_static("Sat, 21 Nov 2026 09:00:00 GMT"),
        );
        gate.observe(StatusCode::OK, &headers, None);
        let reported = gate.rate_limit().unwrap();
        assert_eq!((reported.limit, reported.remaining), (Some(500), Some(41)));
        assert!(reported.reset.is_some());
        assert_eq!(gate.wait(), None);
        // Nothing left, with a reset ahead: closed until then.
        let reset =
            chrono::DateTime::<chrono::Utc>::from(SystemTime::now() + Duration::from_secs(120));
        headers.insert(REMAINING, HeaderValue::from_static("0"));
        headers.insert(
            RESET,
            HeaderValue::from_str(&reset.format("%a, %d %b %Y %H:%M:%S GMT").to_string()).unwrap(),
        );
        gate.observe(StatusCode::OK, &headers, None);
        assert!(gate.wait().unwrap() > Duration::from_secs(100));
    }
}
