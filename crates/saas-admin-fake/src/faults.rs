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
}
