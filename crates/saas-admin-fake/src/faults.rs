//! Faults on demand: what the fake does instead of (or besides) answering,
//! for the requests a rule picks.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::Api;

/// Something to go wrong with a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// A rate limit: 429 (Cloudinary's 420 for the operations that document
    /// it) in the vendor's error shape, with `Retry-After` in whole seconds
    /// and, for Cloudinary, `X-FeatureRateLimit-Limit`, `-Remaining: 0` and
    /// `-Reset` (when the wait ends). Nothing is processed.
    RateLimited {
        /// The wait the answer asks for (rounded up to whole seconds).
        retry_after: Duration,
    },
    /// An error status (503, say) in the vendor's error shape. Nothing is
    /// processed.
    Status(u16),
    /// Waits, then answers as usual.
    Delay(Duration),
    /// Closes the connection without answering and without processing
    /// the request.
    DropBeforeProcessing,
    /// Processes the request (a POST creates its item), then closes the
    /// connection without answering.
    DropAfterProcessing,
}

/// A fault and the requests it applies to: every request by default, or
/// those of one API or one operation, the first `times` of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    pub(crate) fault: Fault,
    pub(crate) api: Option<Api>,
    pub(crate) operation: Option<String>,
    pub(crate) times: Option<u32>,
}

impl FaultRule {
    /// A rule applying `fault` to every request, until it is cleared.
    pub fn new(fault: Fault) -> Self {
        Self {
            fault,
            api: None,
            operation: None,
            times: None,
        }
    }

    /// Only the first `times` requests it applies to.
    pub fn times(mut self, times: u32) -> Self {
        self.times = Some(times);
        self
    }

    /// Only once.
    pub fn once(self) -> Self {
        self.times(1)
    }

    /// Only requests to this API.
    pub fn api(mut self, api: Api) -> Self {
        self.api = Some(api);
        self
    }

    /// Only requests of this operation (its operation id, such as
    /// `create_user_group`; both APIs have one of that name unless `api`
    /// narrows it).
    pub fn operation(mut self, operation_id: impl Into<String>) -> Self {
        self.operation = Some(operation_id.into());
        self
    }

    /// Whether the rule applies to a request of `api`'s `operation`.
    pub(crate) fn applies(&self, api: Api, operation: &str) -> bool {
        self.times != Some(0)
            && self.api.is_none_or(|a| a == api)
            && self.operation.as_deref().is_none_or(|o| o == operation)
    }
}

impl From<Fault> for FaultRule {
    fn from(fault: Fault) -> Self {
        Self::new(fault)
    }
}

/// The JSON form of a rule, as the admin endpoint takes it:
/// `{"fault": "status", "status": 503, "times": 3}`,
/// `{"fault": "rate_limited", "retry_after_secs": 1, "api": "cloudinary"}`,
/// `{"fault": "delay", "millis": 200, "operation": "list_users"}`,
/// `{"fault": "drop_before"}`, `{"fault": "drop_after"}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct RuleJson {
    fault: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    retry_after_secs: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    millis: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    api: Option<Api>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    operation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    times: Option<u32>,
}

impl TryFrom<RuleJson> for FaultRule {
    type Error = String;

    fn try_from(json: RuleJson) -> Result<Self, String> {
        let fault = match json.fault.as_str() {
            "rate_limited" => Fault::RateLimited {
                retry_after: Duration::from_secs(json.retry_after_secs.unwrap_or(1)),
            },
            "status" => match json.status {
                Some(status) if (400..600).contains(&status) => Fault::Status(status),
                _ => return Err("a `status` fault needs `status`, from 400 to 599".into()),
            },
            "delay" => Fault::Delay(Duration::from_millis(
                json.millis.ok_or("a `delay` fault needs `millis`")?,
            )),
            "drop_before" => Fault::DropBeforeProcessing,
            "drop_after" => Fault::DropAfterProcessing,
            other => {
                return Err(format!(
                "unknown fault {other:?}: rate_limited, status, delay, drop_before or drop_after"
            ))
            }
        };
        Ok(FaultRule {
            fault,
            api: json.api,
            operation: json.operation,
            times: json.times,
        })
    }
}

impl From<&FaultRule> for RuleJson {
    fn from(rule: &FaultRule) -> Self {
        let mut json = RuleJson {
            fault: String::new(),
            status: None,
            retry_after_secs: None,
            millis: None,
            api: rule.api,
            operation: rule.operation.clone(),
            times: rule.times,
        };
        match &rule.fault {
            Fault::RateLimited { retry_after } => {
                json.fault = "rate_limited".into();
                json.retry_after_secs = Some(retry_after.as_secs());
            }
            Fault::Status(status) => {
                json.fault = "status".into();
                json.status = Some(*status);
            }
            Fault::Delay(delay) => {
                json.fault = "delay".into();
                json.millis = Some(delay.as_millis() as u64);
            }
            Fault::DropBeforeProcessing => json.fault = "drop_before".into(),
            Fault::DropAfterProcessing => json.fault = "drop_after".into(),
        }
        json
    }
}

/// Takes the fault for a request: the first rule that applies, counting it
/// down.
pub(crate) fn take(rules: &mut Vec<FaultRule>, api: Api, operation: &str) -> Option<Fault> {
    let rule = rules.iter_mut().find(|r| r.applies(api, operation))?;
    if let Some(times) = &mut rule.times {
        *times -= 1;
    }
    let fault = rule.fault.clone();
    rules.retain(|r| r.times != Some(0));
    Some(fault)
}

/// A rate limit the fake enforces on the requests of its APIs, as a service
/// does (its own endpoint under `/_fake/` is never limited). A refused
/// request is not processed and answers 429 (Cloudinary's 420 for the
/// operations that document it) in the vendor's error shape.
#[derive(Debug, Clone, PartialEq)]
pub enum Limit {
    /// A token bucket: `rate` requests a second, up to `burst` at once. The
    /// bucket starts full; a request that finds it empty is refused with
    /// `Retry-After: retry_after` (whole seconds, rounded up), however soon
    /// the next token comes, as many services answer.
    TokenBucket {
        /// Requests a second, on average.
        rate: f64,
        /// Requests at once, after a quiet spell.
        burst: u32,
        /// The wait each refusal asks for.
        retry_after: Duration,
    },
    /// Cloudinary's fixed windows: `limit` requests per `window` (whole
    /// seconds). The first window starts at the whole second of the first
    /// request, by the wall clock, so each reset is a whole second that an
    /// HTTP date states exactly. Every answer carries
    /// `X-FeatureRateLimit-Limit`, `-Remaining` and `-Reset` (an HTTP date);
    /// a request past the limit is refused, with no `Retry-After`: the reset
    /// says when.
    FixedWindow {
        /// Requests a window.
        limit: u32,
        /// The window's length, in whole seconds (at least 1).
        window: Duration,
    },
}

/// What a limit said of one request.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Verdict {
    /// Served, with these headers on the answer.
    Admit(Vec<(String, String)>),
    /// Refused: asking for this wait (`Retry-After`), with these headers.
    Refuse {
        retry_after: Option<Duration>,
        headers: Vec<(String, String)>,
    },
}

/// A limit and its state: the bucket, or the current window, and what it
/// admitted and refused.
#[derive(Debug, Clone)]
pub(crate) struct Limiter {
    limit: Limit,
    api: Option<Api>,
    tokens: f64,
    refilled: Option<std::time::Instant>,
    /// The first window's start (Unix seconds), the current window's
    /// number, and the requests it admitted.
    first_window: Option<u64>,
    window_index: u64,
    used: u32,
    admitted: u64,
    refused: u64,
}

impl Limiter {
    /// A fresh limit (a full bucket, no window started) on the requests of
    /// `api`, or of both APIs.
    pub(crate) fn new(limit: Limit, api: Option<Api>) -> Self {
        let tokens = match &limit {
            Limit::TokenBucket { burst, .. } => f64::from(*burst),
            Limit::FixedWindow { .. } => 0.0,
        };
        Self {
            limit,
            api,
            tokens,
            refilled: None,
            first_window: None,
            window_index: 0,
            used: 0,
            admitted: 0,
            refused: 0,
        }
    }

    /// Counts a request of `api` arriving at `now` (`wall`, by the wall
    /// clock); `None` when the limit is on the other API.
    pub(crate) fn check(
        &mut self,
        api: Api,
        now: std::time::Instant,
        wall: std::time::SystemTime,
    ) -> Option<Verdict> {
        if self.api.is_some_and(|a| a != api) {
            return None;
        }
        let verdict = match self.limit {
            Limit::TokenBucket {
                rate,
                burst,
                retry_after,
            } => {
                if let Some(last) = self.refilled {
                    let earned = now.saturating_duration_since(last).as_secs_f64() * rate;
                    self.tokens = (self.tokens + earned).min(f64::from(burst));
                }
                self.refilled = Some(now);
                if self.tokens >= 1.0 {
                    self.tokens -= 1.0;
                    Verdict::Admit(Vec::new())
                } else {
                    Verdict::Refuse {
                        retry_after: Some(retry_after),
                        headers: Vec::new(),
                    }
                }
            }
            Limit::FixedWindow { limit, window } => {
                let length = window.as_secs().max(1);
                let secs = wall
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap_or_default()
                    .as_secs();
                let first = *self.first_window.get_or_insert(secs);
                let index = secs.saturating_sub(first) / length;
                if index != self.window_index {
                    self.window_index = index;
                    self.used = 0;
                }
                let admit = self.used < limit;
                if admit {
                    self.used += 1;
                }
                let reset =
                    std::time::UNIX_EPOCH + Duration::from_secs(first + (index + 1) * length);
                let headers = vec![
                    ("x-featureratelimit-limit".into(), limit.to_string()),
                    (
                        "x-featureratelimit-remaining".into(),
                        (limit - self.used).to_string(),
                    ),
                    ("x-featureratelimit-reset".into(), http_date(reset)),
                ];
                if admit {
                    Verdict::Admit(headers)
                } else {
                    Verdict::Refuse {
                        retry_after: None,
                        headers,
                    }
                }
            }
        };
        match verdict {
            Verdict::Admit(_) => self.admitted += 1,
            Verdict::Refuse { .. } => self.refused += 1,
        }
        Some(verdict)
    }
}

/// An HTTP date (IMF-fixdate), as the services write their resets.
pub(crate) fn http_date(time: std::time::SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(time)
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

/// The JSON form of a limit, as `/_fake/limit` takes and gives it:
/// `{"mode": "token_bucket", "rate": 40, "burst": 20, "retry_after_secs": 1}`,
/// `{"mode": "fixed_window", "limit": 200, "window_secs": 5}`, either with
/// `"api": "ods"` or `"cloudinary"` to limit one API only. The fake's
/// answers add what it admitted and refused since the limit was set.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct LimitJson {
    mode: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    burst: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    retry_after_secs: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    limit: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    window_secs: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    api: Option<Api>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    admitted: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refused: Option<u64>,
}

impl TryFrom<LimitJson> for Limiter {
    type Error = String;

    fn try_from(json: LimitJson) -> Result<Self, String> {
        let limit = match json.mode.as_str() {
            "token_bucket" => Limit::TokenBucket {
                rate: json
                    .rate
                    .filter(|r| r.is_finite() && *r > 0.0)
                    .ok_or("a `token_bucket` limit needs `rate`, above 0")?,
                burst: json
                    .burst
                    .filter(|b| *b > 0)
                    .ok_or("a `token_bucket` limit needs `burst`, at least 1")?,
                retry_after: Duration::from_secs(json.retry_after_secs.unwrap_or(1)),
            },
            "fixed_window" => Limit::FixedWindow {
                limit: json.limit.ok_or("a `fixed_window` limit needs `limit`")?,
                window: Duration::from_secs(
                    json.window_secs
                        .filter(|w| *w > 0)
                        .ok_or("a `fixed_window` limit needs `window_secs`, at least 1")?,
                ),
            },
            other => {
                return Err(format!(
                    "unknown limit mode {other:?}: token_bucket or fixed_window"
                ))
            }
        };
        Ok(Limiter::new(limit, json.api))
    }
}

impl From<&Limiter> for LimitJson {
    fn from(limiter: &Limiter) -> Self {
        let mut json = LimitJson {
            mode: String::new(),
            rate: None,
            burst: None,
            retry_after_secs: None,
            limit: None,
            window_secs: None,
            api: limiter.api,
            admitted: Some(limiter.admitted),
            refused: Some(limiter.refused),
        };
        match &limiter.limit {
            Limit::TokenBucket {
                rate,
                burst,
                retry_after,
            } => {
                json.mode = "token_bucket".into();
                json.rate = Some(*rate);
                json.burst = Some(*burst);
                json.retry_after_secs = Some(retry_after.as_secs());
            }
            Limit::FixedWindow { limit, window } => {
                json.mode = "fixed_window".into();
                json.limit = Some(*limit);
                json.window_secs = Some(window.as_secs());
            }
        }
        json
    }
}

impl Limit {
    /// Reads a limit as the fake binary's `--limit` takes it:
    /// `token-bucket:RATE,BURST,RETRY_AFTER_SECS` or
    /// `fixed-window:LIMIT,WINDOW_SECS`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let usage =
            "expected token-bucket:RATE,BURST,RETRY_AFTER_SECS or fixed-window:LIMIT,WINDOW_SECS";
        let (mode, numbers) = text.split_once(':').ok_or(usage)?;
        let numbers: Vec<&str> = numbers.split(',').map(str::trim).collect();
        let json = match (mode, numbers.as_slice()) {
            ("token-bucket", [rate, burst, retry_after]) => LimitJson {
                mode: "token_bucket".into(),
                rate: Some(rate.parse().map_err(|_| usage)?),
                burst: Some(burst.parse().map_err(|_| usage)?),
                retry_after_secs: Some(retry_after.parse().map_err(|_| usage)?),
                limit: None,
                window_secs: None,
                api: None,
                admitted: None,
                refused: None,
            },
            ("fixed-window", [limit, window]) => LimitJson {
                mode: "fixed_window".into(),
                rate: None,
                burst: None,
                retry_after_secs: None,
                limit: Some(limit.parse().map_err(|_| usage)?),
                window_secs: Some(window.parse().map_err(|_| usage)?),
                api: None,
                admitted: None,
                refused: None,
            },
            _ => return Err(usage.into()),
        };
        Limiter::try_from(json).map(|limiter| limiter.limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_count_down_and_narrow() {
        let mut rules = vec![
            FaultRule::new(Fault::Status(503))
                .times(2)
                .api(Api::Ods)
                .operation("list_users"),
            FaultRule::new(Fault::DropAfterProcessing).once(),
        ];
        assert_eq!(
            take(&mut rules, Api::Ods, "list_users"),
            Some(Fault::Status(503))
        );
        assert_eq!(
            take(&mut rules, Api::Cloudinary, "list_users"),
            Some(Fault::DropAfterProcessing)
        );
        assert_eq!(take(&mut rules, Api::Cloudinary, "list_users"), None);
        assert_eq!(
            take(&mut rules, Api::Ods, "list_users"),
            Some(Fault::Status(503))
        );
        assert_eq!(take(&mut rules, Api::Ods, "list_users"), None);
        assert!(rules.is_empty());
    }

    #[test]
    fn the_json_form_reads_each_fault() {
        let rule =
            |text: &str| FaultRule::try_from(serde_json::from_str::<RuleJson>(text).unwrap());
        assert_eq!(
            rule(r#"{"fault": "status", "status": 503, "times": 3}"#),
            Ok(FaultRule::new(Fault::Status(503)).times(3))
        );
        assert_eq!(
            rule(r#"{"fault": "rate_limited", "retry_after_secs": 2, "api": "cloudinary"}"#),
            Ok(FaultRule::new(Fault::RateLimited {
                retry_after: Duration::from_secs(2)
            })
            .api(Api::Cloudinary))
        );
        assert!(rule(r#"{"fault": "status"}"#).is_err());
        assert!(rule(r#"{"fault": "explode"}"#).is_err());
    }
    #[test]
    fn a_token_bucket_serves_its_burst_then_its_rate() {
        use std::time::{Instant, SystemTime};
        let limit = Limit::TokenBucket {
            rate: 10.0,
            burst: 3,
            retry_after: Duration::from_secs(2),
        };
        let mut limiter = Limiter::new(limit, Some(Api::Ods));
        let (start, wall) = (Instant::now(), SystemTime::now());
        let at = |ms: u64| start + Duration::from_millis(ms);
        let admitted =
            |v: &Option<Verdict>| matches!(v, Some(Verdict::Admit(headers)) if headers.is_empty());
        for _ in 0..3 {
            assert!(admitted(&limiter.check(Api::Ods, at(0), wall)));
        }
        assert_eq!(
            limiter.check(Api::Ods, at(50), wall),
            Some(Verdict::Refuse {
                retry_after: Some(Duration::from_secs(2)),
                headers: Vec::new()
            })
        );
        // 100 ms later one token has come back, not two.
        assert!(admitted(&limiter.check(Api::Ods, at(150), wall)));
        assert!(!admitted(&limiter.check(Api::Ods, at(160), wall)));
        // The other API is not limited.
        assert_eq!(limiter.check(Api::Cloudinary, at(160), wall), None);
        // A long quiet spell refills up to the burst only.
        let served = (0..10)
            .filter(|_| admitted(&limiter.check(Api::Ods, at(60_000), wall)))
            .count();
        assert_eq!(served, 3);
        assert_eq!((limiter.admitted, limiter.refused), (7, 9));
    }

    #[test]
    fn fixed_windows_count_down_and_reset_on_whole_seconds() {
        use std::time::{Instant, UNIX_EPOCH};
        let limit = Limit::FixedWindow {
            limit: 2,
            window: Duration::from_secs(5),
        };
        let mut limiter = Limiter::new(limit, None);
        let now = Instant::now();
        // 2026-11-21 08:49:30.400 UTC: the first window runs to 08:49:35.
        let wall = |ms: u64| UNIX_EPOCH + Duration::from_millis(1_795_250_970_400 + ms);
        let header = |v: &Verdict, name: &str| {
            let headers = match v {
                Verdict::Admit(h) | Verdict::Refuse { headers: h, .. } => h,
            };
            headers.iter().find(|(n, _)| n == name).unwrap().1.clone()
        };
        let first = limiter.check(Api::Cloudinary, now, wall(0)).unwrap();
        assert!(matches!(first, Verdict::Admit(_)));
        assert_eq!(header(&first, "x-featureratelimit-limit"), "2");
        assert_eq!(header(&first, "x-featureratelimit-remaining"), "1");
        assert_eq!(
            header(&first, "x-featureratelimit-reset"),
            "Sat, 21 Nov 2026 08:49:35 GMT"
        );
        let second = limiter.check(Api::Ods, now, wall(4_000)).unwrap();
        assert_eq!(header(&second, "x-featureratelimit-remaining"), "0");
        let refused = limiter.check(Api::Cloudinary, now, wall(4_500)).unwrap();
        assert!(
            matches!(
                &refused,
                Verdict::Refuse {
                    retry_after: None,
                    ..
                }
            ),
            "{refused:?}"
        );
        assert_eq!(header(&refused, "x-featureratelimit-remaining"), "0");
        // 08:49:35.000: a new window, to 08:49:40.
        let next = limiter.check(Api::Cloudinary, now, wall(4_600)).unwrap();
        assert!(matches!(next, Verdict::Admit(_)));
        assert_eq!(header(&next, "x-featureratelimit-remaining"), "1");
        assert_eq!(
            header(&next, "x-featureratelimit-reset"),
            "Sat, 21 Nov 2026 08:49:40 GMT"
        );
    }

    #[test]
    fn limits_read_from_json_and_from_flags() {
        let limiter = |text: &str| {
            Limiter::try_from(serde_json::from_str::<LimitJson>(text).unwrap()).map(|l| l.limit)
        };
        assert_eq!(
            limiter(r#"{"mode": "token_bucket", "rate": 40, "burst": 20, "retry_after_secs": 1}"#),
            Ok(Limit::TokenBucket {
                rate: 40.0,
                burst: 20,
                retry_after: Duration::from_secs(1)
            })
        );
        assert_eq!(
            limiter(r#"{"mode": "fixed_window", "limit": 200, "window_secs": 5}"#),
            Ok(Limit::FixedWindow {
                limit: 200,
                window: Duration::from_secs(5)
            })
        );
        assert!(limiter(r#"{"mode": "token_bucket", "rate": 40}"#).is_err());
        assert!(limiter(r#"{"mode": "fixed_window", "limit": 5, "window_secs": 0}"#).is_err());
        assert!(limiter(r#"{"mode": "leaky"}"#).is_err());
        assert_eq!(
            Limit::parse("token-bucket:40,20,1"),
            limiter(r#"{"mode": "token_bucket", "rate": 40, "burst": 20, "retry_after_secs": 1}"#)
        );
        assert_eq!(
            Limit::parse("fixed-window:100,5"),
            Ok(Limit::FixedWindow {
                limit: 100,
                window: Duration::from_secs(5)
            })
        );
        assert!(Limit::parse("fixed-window:100").is_err());
        assert!(Limit::parse("40,20,1").is_err());
    }
}
