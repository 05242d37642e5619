//! Typed clients for two administration APIs, ready to use:
//!
//! - [`Ods`]: the Opendatasoft Automation API (a data portal's datasets,
//!   users, groups, ...);
//! - [`Cloudinary`]: the Cloudinary Account Provisioning API (product
//!   environments, users, groups, ...).
//!
//! Each client is built once from its credentials and hands out one builder
//! per operation: set the parameters, then `send().await`.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use saas_admin::{Cloudinary, Ods, Region};
//!
//! let ods = Ods::new("yourportal.opendatasoft.com", "your-api-key")?;
//! let groups = ods.list_user_groups().limit(50).send().await?;
//! println!("{} groups", groups.total_count.unwrap_or_default());
//!
//! let cloudinary = Cloudinary::new("account-id", "api-key", "api-secret", Region::Us)?;
//! let groups = cloudinary.list_user_groups().send().await?;
//! println!("{} groups", groups.user_groups.len());
//! # Ok(())
//! # }
//! ```

#![forbid(unsafe_code)]

use std::fmt;

use ods_automation::ClientInfo as _;
use saas_admin_runtime::{Auth, Runtime, Secret};

pub use cld_provisioning;
pub use ods_automation;

#[allow(clippy::all)]
mod generated_cloudinary;
#[allow(clippy::all)]
mod generated_ods;

/// A client configuration that cannot work, found before anything is sent.
/// The message names what is wrong and never contains a secret.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    /// A required value is empty.
    #[error("{name} is empty")]
    Empty {
        /// What is missing.
        name: &'static str,
    },
    /// A value does not have the expected form.
    #[error("{name} is malformed: expected {expected}")]
    Malformed {
        /// The value at fault.
        name: &'static str,
        /// The form it should have.
        expected: &'static str,
    },
    /// A credential holds control characters, such as a pasted line break.
    #[error("{name} contains control characters (a line break?)")]
    InvalidCredential {
        /// The credential at fault.
        name: &'static str,
    },
    /// An environment variable the configuration needs is not set.
    #[error("{name} is not set: {expected}")]
    MissingVariable {
        /// The variable.
        name: &'static str,
        /// What it should hold.
        expected: &'static str,
    },
}

impl ConfigError {
    /// The same error, naming the environment variable the value came from.
    fn naming_variable(self, variable: &'static str) -> Self {
        match self {
            Self::Empty { .. } => Self::Empty { name: variable },
            Self::Malformed { expected, .. } => Self::Malformed {
                name: variable,
                expected,
            },
            Self::InvalidCredential { .. } => Self::InvalidCredential { name: variable },
            missing @ Self::MissingVariable { .. } => missing,
        }
    }
}

/// A variable's value, or `None` when it is unset or empty.
fn variable(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn required_variable(name: &'static str, expected: &'static str) -> Result<String, ConfigError> {
    variable(name).ok_or(ConfigError::MissingVariable { name, expected })
}

fn non_empty(name: &'static str, value: &str) -> Result<(), ConfigError> {
    if value.trim().is_empty() {
        Err(ConfigError::Empty { name })
    } else {
        Ok(())
    }
}

fn base_url(name: &'static str, url: &str) -> Result<String, ConfigError> {
    let malformed = ConfigError::Malformed {
        name,
        expected: "an absolute http:// or https:// URL",
    };
    let parsed = reqwest::Url::parse(url).map_err(|_| malformed.clone())?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
        return Err(malformed);
    }
    // The generated paths start with '/', so the base must not end with one.
    Ok(url.trim_end_matches('/').to_string())
}

fn runtime(auth: &Auth, credential: &'static str) -> Result<Runtime, ConfigError> {
    Runtime::new(auth).map_err(|_| ConfigError::InvalidCredential { name: credential })
}

/// A client for one Opendatasoft portal's Automation API.
///
/// Every operation of the API is a method that returns its builder.
#[derive(Clone)]
pub struct Ods {
    client: ods_automation::Client,
}

impl Ods {
    /// A client for the portal at `domain` (such as
    /// `yourportal.opendatasoft.com`), authenticating with an API key.
    pub fn new(domain: &str, api_key: &str) -> Result<Self, ConfigError> {
        non_empty("the Opendatasoft domain", domain)?;
        if domain.contains(['/', ':', ' ']) {
            return Err(ConfigError::Malformed {
                name: "the Opendatasoft domain",
                expected: "a host name such as yourportal.opendatasoft.com, without scheme or path",
            });
        }
        Self::with_base_url(&ods_automation::base_url(domain), api_key)
    }

    /// A client for the Automation API at `base_url` (a proxy, or a local
    /// server), which replaces `https://{domain}/api/automation/v1.0` whole.
    pub fn with_base_url(base_url: &str, api_key: &str) -> Result<Self, ConfigError> {
        let base_url = self::base_url("the Opendatasoft base URL", base_url)?;
        non_empty("the Opendatasoft API key", api_key)?;
        let runtime = runtime(
            &Auth::ApiKey(Secret::new(api_key)),
            "the Opendatasoft API key",
        )?;
        Ok(Self {
            client: ods_automation::Client::new(&base_url, runtime),
        })
    }

    /// A client configured from the environment: `ODS_API_KEY`, and
    /// `ODS_DOMAIN` (such as `yourportal.opendatasoft.com`) or `ODS_BASE_URL`
    /// (which replaces the whole base URL and wins when both are set).
    pub fn from_env() -> Result<Self, ConfigError> {
        let api_key = required_variable("ODS_API_KEY", "the portal's API key")?;
        let key_error = |e: ConfigError| e.naming_variable("ODS_API_KEY");
        if let Some(base_url) = variable("ODS_BASE_URL") {
            return Self::with_base_url(&base_url, &api_key).map_err(|e| match e {
                ConfigError::Malformed { .. } => e.naming_variable("ODS_BASE_URL"),
                other => key_error(other),
            });
        }
        let domain = required_variable(
            "ODS_DOMAIN",
            "the portal's domain, such as yourportal.opendatasoft.com (or set ODS_BASE_URL)",
        )?;
        Self::new(&domain, &api_key).map_err(|e| match e {
            ConfigError::Malformed { .. } => e.naming_variable("ODS_DOMAIN"),
            other => key_error(other),
        })
    }

    /// The generated client underneath, for what the facade does not wrap.
    pub fn client(&self) -> &ods_automation::Client {
        &self.client
    }
}

impl fmt::Debug for Ods {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ods")
            .field("base_url", &self.client.baseurl())
            .finish_non_exhaustive()
    }
}

/// Where Cloudinary serves the API from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Region {
    /// `api.cloudinary.com`, the default.
    Us,
    /// `api-eu.cloudinary.com`.
    Eu,
    /// `api-ap.cloudinary.com`.
    Ap,
}

impl Region {
    /// The host prefix of the region: `api`, `api-eu` or `api-ap`.
    pub fn prefix(self) -> &'static str {
        match self {
            Region::Us => "api",
            Region::Eu => "api-eu",
            Region::Ap => "api-ap",
        }
    }
}

/// A client for one Cloudinary account's provisioning API.
///
/// The account id is given once, here; every operation's builder comes with
/// it already set.
#[derive(Clone)]
pub struct Cloudinary {
    client: cld_provisioning::Client,
    account_id: String,
}

impl Cloudinary {
    /// A client for the account `account_id`, authenticating with its
    /// provisioning API key and secret, in `region`.
    pub fn new(
        account_id: &str,
        api_key: &str,
        api_secret: &str,
        region: Region,
    ) -> Result<Self, ConfigError> {
        Self::with_base_url(
            &cld_provisioning::base_url(region.prefix()),
            account_id,
            api_key,
            api_secret,
        )
    }

    /// A client for the account, from a `account://KEY:SECRET@ACCOUNT_ID`
    /// URL (the form of `CLOUDINARY_ACCOUNT_URL`), in `region`.
    pub fn from_account_url(account_url: &str, region: Region) -> Result<Self, ConfigError> {
        let (account_id, api_key, api_secret) = parse_account_url(account_url)?;
        Self::new(account_id, api_key, api_secret, region)
    }

    /// A client for the API at `base_url` (a proxy, or a local server),
    /// which replaces `https://{region}.cloudinary.com` whole.
    pub fn with_base_url(
        base_url: &str,
        account_id: &str,
        api_key: &str,
        api_secret: &str,
    ) -> Result<Self, ConfigError> {
        let base_url = self::base_url("the Cloudinary base URL", base_url)?;
        non_empty("the Cloudinary account id", account_id)?;
        non_empty("the Cloudinary API key", api_key)?;
        non_empty("the Cloudinary API secret", api_secret)?;
        let auth = Auth::Basic {
            username: Secret::new(api_key),
            password: Secret::new(api_secret),
        };
        let runtime = runtime(&auth, "the Cloudinary API key or secret")?;
        Ok(Self {
            client: cld_provisioning::Client::new(&base_url, runtime),
            account_id: account_id.to_string(),
        })
    }

    /// A client configured from the environment: `CLOUDINARY_ACCOUNT_URL`
    /// (`account://KEY:SECRET@ACCOUNT_ID`), in the default region;
    /// `CLOUDINARY_BASE_URL`, when set, replaces the whole base URL.
    pub fn from_env() -> Result<Self, ConfigError> {
        const ACCOUNT_URL: &str = "CLOUDINARY_ACCOUNT_URL";
        let account_url = required_variable(ACCOUNT_URL, "account://KEY:SECRET@ACCOUNT_ID")?;
        let (account_id, api_key, api_secret) =
            parse_account_url(&account_url).map_err(|e| e.naming_variable(ACCOUNT_URL))?;
        match variable("CLOUDINARY_BASE_URL") {
            Some(base_url) => Self::with_base_url(&base_url, account_id, api_key, api_secret)
                .map_err(|e| match e {
                    ConfigError::Malformed { .. } => e.naming_variable("CLOUDINARY_BASE_URL"),
                    other => other.naming_variable(ACCOUNT_URL),
                }),
            None => Self::new(account_id, api_key, api_secret, Region::Us)
                .map_err(|e| e.naming_variable(ACCOUNT_URL)),
        }
    }

    /// The account every call addresses.
    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    /// The generated client underneath, for what the facade does not wrap.
    pub fn client(&self) -> &cld_provisioning::Client {
        &self.client
    }
}

impl fmt::Debug for Cloudinary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cloudinary")
            .field("base_url", &self.client.baseurl())
            .field("account_id", &self.account_id)
            .finish_non_exhaustive()
    }
}

/// Splits `account://KEY:SECRET@ACCOUNT_ID` into (account id, key, secret).
pub fn parse_account_url(url: &str) -> Result<(&str, &str, &str), ConfigError> {
    let malformed = ConfigError::Malformed {
        name: "the Cloudinary account URL",
        expected: "account://KEY:SECRET@ACCOUNT_ID",
    };
    let rest = url
        .strip_prefix("account://")
        .ok_or_else(|| malformed.clone())?;
    // The account id follows the last '@'; the key is before the first ':'.
    let (credentials, account_id) = rest.rsplit_once('@').ok_or_else(|| malformed.clone())?;
    let (api_key, api_secret) = credentials
        .split_once(':')
        .ok_or_else(|| malformed.clone())?;
    if [account_id, api_key, api_secret]
        .iter()
        .any(|part| part.is_empty())
    {
        return Err(malformed);
    }
    Ok((account_id, api_key, api_secret))
}

// The README's examples compile as doctests.
#[doc = include_str!("../../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
