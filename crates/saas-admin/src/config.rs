//! Building a client: from code, or from the environment, with timeouts,
//! retries, a user agent, or a `reqwest::Client` of the caller's own.

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use saas_admin_runtime::{Auth, RetryPolicy, Runtime, Secret};

/// Connect timeout used unless set: long enough for a slow TLS handshake,
/// short enough that a dead host is reported quickly.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Whole-request timeout used unless set: the APIs' slowest calls (large
/// lists) answer well within it, and a hung call does not hang forever.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A client configuration that cannot work, found before anything is sent.
/// The message names what is wrong and never contains a secret.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    /// A required value was not given.
    #[error("{name} is missing: {expected}")]
    Missing {
        /// What is missing.
        name: &'static str,
        /// What it should be.
        expected: &'static str,
    },
    /// A required value is empty.
    #[error("{name} is empty")]
    Empty {
        /// What is empty.
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
    /// Credentials would travel unencrypted to a host that is not loopback.
    #[error(
        "{name} uses plain http:// to a host that is not loopback, which would send the \
         credentials unencrypted; use https://, or allow it with allow_insecure_http(true)"
    )]
    InsecureUrl {
        /// The URL's setting.
        name: &'static str,
    },
    /// The HTTP client could not be built (TLS setup, say).
    #[error("the HTTP client cannot be built: {0}")]
    HttpClient(String),
}

impl ConfigError {
    /// The same error, naming the environment variable the value came from.
    fn naming_variable(self, variable: &'static str) -> Self {
        match self {
            Self::Missing { expected, .. } => Self::Missing {
                name: variable,
                expected,
            },
            Self::Empty { .. } => Self::Empty { name: variable },
            Self::Malformed { expected, .. } => Self::Malformed {
                name: variable,
                expected,
            },
            Self::InvalidCredential { .. } => Self::InvalidCredential { name: variable },
            Self::InsecureUrl { .. } => Self::InsecureUrl { name: variable },
            other @ Self::HttpClient(_) => other,
        }
    }
}

/// What both clients share: timeouts, retries, user agent, HTTP client.
#[derive(Clone)]
struct Options {
    connect_timeout: Duration,
    timeout: Duration,
    retry: RetryPolicy,
    user_agent: Option<String>,
    http_client: Option<reqwest::Client>,
    allow_insecure_http: bool,
    rate_limit_gate: bool,
    env: EnvRead,
}

/// What `with_env` read, so that `build` names the variable behind a value
/// at fault, and reports a variable it could not read.
#[derive(Clone, Debug, Default)]
// Opendatasoft names its variables from what they gave, Cloudinary reports
// the ones it could not read: with one API, the other's half is unused.
#[cfg_attr(not(all(feature = "ods", feature = "cloudinary")), allow(dead_code))]
struct EnvRead {
    /// `with_env` was called: a missing value could have come from it.
    consulted: bool,
    /// The variables that gave a value.
    gave: Vec<&'static str>,
    /// The first variable found malformed.
    problem: Option<ConfigError>,
}

#[cfg_attr(not(all(feature = "ods", feature = "cloudinary")), allow(dead_code))]
impl EnvRead {
    /// Keeps `value`, noting that `variable` gave it.
    fn take<T>(&mut self, variable: &'static str, value: Option<T>) -> Option<T> {
        if value.is_some() {
            self.gave.push(variable);
        }
        value
    }

    /// The first problem a variable had.
    fn fail(&mut self, problem: ConfigError) {
        self.problem.get_or_insert(problem);
    }

    /// `error`, naming `variable` when the value at fault came from it (or,
    /// missing, could have).
    fn naming(&self, error: ConfigError, variable: &'static str) -> ConfigError {
        let missing = matches!(error, ConfigError::Missing { .. });
        if (missing && self.consulted) || self.gave.contains(&variable) {
            error.naming_variable(variable)
        } else {
            error
        }
    }
}

impl Default for Options {
    fn default() -> Self {
        Self {
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            retry: RetryPolicy::default(),
            user_agent: None,
            http_client: None,
            allow_insecure_http: false,
            rate_limit_gate: true,
            env: EnvRead::default(),
        }
    }
}

impl Options {
    fn http_client(&self) -> Result<reqwest::Client, ConfigError> {
        match &self.http_client {
            Some(client) => Ok(client.clone()),
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .timeout(self.timeout)
                .build()
                .map_err(|e| ConfigError::HttpClient(e.to_string())),
        }
    }

    fn runtime(&self, auth: &Auth, credential: &'static str) -> Result<Runtime, ConfigError> {
        let runtime = Runtime::new(auth)
            .map_err(|_| ConfigError::InvalidCredential { name: credential })?
            .with_retry(self.retry.clone())
            .with_rate_limit_gate(self.rate_limit_gate);
        match &self.user_agent {
            Some(agent) => runtime
                .with_user_agent(agent)
                .ok_or(ConfigError::Malformed {
                    name: "the user agent",
                    expected: "text that can be an HTTP header value",
                }),
            None => Ok(runtime),
        }
    }

    /// A checked base URL without its trailing slash (the generated paths
    /// start with one).
    fn base_url(&self, name: &'static str, url: &str) -> Result<String, ConfigError> {
        non_empty(name, url)?;
        let malformed = ConfigError::Malformed {
            name,
            expected: "an absolute http:// or https:// URL",
        };
        let parsed = reqwest::Url::parse(url).map_err(|_| malformed.clone())?;
        let Some(host) = parsed.host_str() else {
            return Err(malformed);
        };
        match parsed.scheme() {
            "https" => {}
            "http" if self.allow_insecure_http || is_loopback(host) => {}
            "http" => return Err(ConfigError::InsecureUrl { name }),
            _ => return Err(malformed),
        }
        Ok(url.trim_end_matches('/').to_string())
    }
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn non_empty(name: &'static str, value: &str) -> Result<(), ConfigError> {
    if value.trim().is_empty() {
        Err(ConfigError::Empty { name })
    } else {
        Ok(())
    }
}

fn required<'a>(
    value: &'a Option<String>,
    name: &'static str,
    expected: &'static str,
) -> Result<&'a str, ConfigError> {
    let value = value
        .as_deref()
        .ok_or(ConfigError::Missing { name, expected })?;
    non_empty(name, value)?;
    Ok(value)
}

/// Reads a variable. A variable set to an empty value is read as empty
/// (and reported so), not as unset.
type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

fn environment(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// A client's builder: set what the API needs, adjust the shared options,
/// then [`build`](Builder::build). Start from [`Ods::builder`](crate::Ods::builder)
/// or [`Cloudinary::builder`](crate::Cloudinary::builder).
#[derive(Clone)]
pub struct Builder<S> {
    settings: S,
    options: Options,
}

impl<S> Builder<S> {
    /// How long to wait for a connection (default [`DEFAULT_CONNECT_TIMEOUT`]).
    /// Ignored with [`http_client`](Self::http_client).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.options.connect_timeout = timeout;
        self
    }

    /// How long one attempt may take from sending to the end of the body
    /// (default [`DEFAULT_TIMEOUT`]). Ignored with [`http_client`](Self::http_client).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = timeout;
        self
    }

    /// When and how often failed requests are retried (default
    /// [`RetryPolicy::default`]; [`RetryPolicy::disabled`] turns retries off).
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.options.retry = retry;
        self
    }

    /// The `User-Agent` to send (default `saas-admin/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.options.user_agent = Some(user_agent.into());
        self
    }

    /// Sends through this client (proxies, TLS settings, connection pools of
    /// your own); its timeouts replace the builder's.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.options.http_client = Some(client);
        self
    }

    /// Whether the client's calls share what the service says of its rate
    /// limit (on by default): once one call is told to wait, the others send
    /// nothing until the wait is over; once the service has throttled the
    /// client, calls leave one after another at the rate it lets through;
    /// within Cloudinary's window, no more calls are in flight than it has
    /// left. Off, each call keeps only the waits its own answers ask for.
    pub fn rate_limit_gate(mut self, enabled: bool) -> Self {
        self.options.rate_limit_gate = enabled;
        self
    }

    /// Allows a plain `http://` base URL to a host that is not loopback,
    /// which sends the credentials unencrypted. Off by default.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.options.allow_insecure_http = allow;
        self
    }
}

#[cfg(feature = "ods")]
/// What an Opendatasoft client needs.
#[derive(Clone, Default)]
pub struct OdsSettings {
    domain: Option<String>,
    base_url: Option<String>,
    api_key: Option<Secret>,
    api_key_in_query: bool,
}

#[cfg(feature = "ods")]
/// Builds an [`Ods`](crate::Ods) client.
pub type OdsBuilder = Builder<OdsSettings>;

#[cfg(feature = "ods")]
impl Builder<OdsSettings> {
    pub(crate) fn new() -> Self {
        Self {
            settings: OdsSettings::default(),
            options: Options::default(),
        }
    }

    /// The portal's domain, such as `yourportal.opendatasoft.com`.
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        self.settings.domain = Some(domain.into());
        self
    }

    /// A base URL that replaces `https://{domain}/api/automation/v1.0` whole
    /// (a proxy, or a local server).
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.settings.base_url = Some(base_url.into());
        self
    }

    /// The portal's API key.
    pub fn api_key(mut self, api_key: impl Into<String>) -> Self {
        self.settings.api_key = Some(Secret::new(api_key));
        self
    }

    /// Sends the key as the `apikey` query parameter instead of the
    /// `Authorization` header. Off by default: a key in a URL ends up in
    /// proxies' logs. The client itself never logs it.
    pub fn api_key_in_query(mut self, in_query: bool) -> Self {
        self.settings.api_key_in_query = in_query;
        self
    }

    /// Fills in what the environment gives: `ODS_API_KEY`, and `ODS_DOMAIN`
    /// or `ODS_BASE_URL` (which wins when both are set). Values already set
    /// on the builder are kept.
    pub fn with_env(self) -> Self {
        self.with_lookup(&environment)
    }

    /// Like [`with_env`](Self::with_env), with each variable read from
    /// `vars` instead of the process's environment: a file or a secret
    /// store your code reads, or a test's own values. Errors name the
    /// variable, as they do for the environment.
    pub fn with_vars(self, vars: impl Fn(&str) -> Option<String>) -> Self {
        self.with_lookup(&vars)
    }

    fn with_lookup(mut self, lookup: Lookup) -> Self {
        let (settings, env) = (&mut self.settings, &mut self.options.env);
        env.consulted = true;
        if settings.api_key.is_none() {
            settings.api_key = env.take("ODS_API_KEY", lookup("ODS_API_KEY").map(Secret::new));
        }
        if settings.domain.is_none() && settings.base_url.is_none() {
            settings.base_url = env.take("ODS_BASE_URL", lookup("ODS_BASE_URL"));
            if settings.base_url.is_none() {
                settings.domain = env.take("ODS_DOMAIN", lookup("ODS_DOMAIN"));
            }
        }
        self
    }

    /// The client, or what is wrong with the configuration; after
    /// [`with_env`](Self::with_env), an error names the variable its value
    /// came from (or, missing, could have).
    pub fn build(self) -> Result<crate::Ods, ConfigError> {
        let env = self.options.env.clone();
        let base_url_given = self.settings.base_url.is_some();
        self.build_settings().map_err(|e| {
            let variable = match &e {
                ConfigError::Malformed { .. } | ConfigError::InsecureUrl { .. }
                    if base_url_given =>
                {
                    "ODS_BASE_URL"
                }
                ConfigError::Missing { name, .. }
                | ConfigError::Malformed { name, .. }
                | ConfigError::Empty { name }
                    if name.contains("domain") =>
                {
                    "ODS_DOMAIN"
                }
                ConfigError::HttpClient(_) => return e,
                _ => "ODS_API_KEY",
            };
            env.naming(e, variable)
        })
    }

    fn build_settings(self) -> Result<crate::Ods, ConfigError> {
        let settings = &self.settings;
        let base_url = match (&settings.base_url, &settings.domain) {
            (Some(url), _) => self.options.base_url("the Opendatasoft base URL", url)?,
            (None, domain) => {
                let domain = required(
                    domain,
                    "the Opendatasoft domain",
                    "a portal's domain, such as yourportal.opendatasoft.com, or a base URL",
                )?;
                if domain.contains(['/', ':', ' ', '?', '#', '@']) {
                    return Err(ConfigError::Malformed {
                        name: "the Opendatasoft domain",
                        expected: "a host name such as yourportal.opendatasoft.com, without scheme or path",
                    });
                }
                ods_automation::base_url(domain)
            }
        };
        let key = settings.api_key.as_ref().ok_or(ConfigError::Missing {
            name: "the Opendatasoft API key",
            expected: "an API key of the portal",
        })?;
        non_empty("the Opendatasoft API key", key.expose())?;
        let auth = if settings.api_key_in_query {
            Auth::QueryApiKey(key.clone())
        } else {
            Auth::ApiKey(key.clone())
        };
        let runtime = self.options.runtime(&auth, "the Opendatasoft API key")?;
        let client = ods_automation::Client::new_with_client(
            &base_url,
            self.options.http_client()?,
            runtime,
        );
        Ok(crate::Ods::from_client(client))
    }
}

#[cfg(feature = "ods")]
impl fmt::Debug for Builder<OdsSettings> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OdsBuilder")
            .field("domain", &self.settings.domain)
            .field("base_url", &self.settings.base_url)
            .field("api_key", &self.settings.api_key)
            .finish_non_exhaustive()
    }
}

#[cfg(feature = "cloudinary")]
/// Where Cloudinary serves the API from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Region {
    /// `api.cloudinary.com`, the default.
    Us,
    /// `api-eu.cloudinary.com`.
    Eu,
    /// `api-ap.cloudinary.com`.
    Ap,
    /// Another host, such as an enterprise custom domain.
    Custom(String),
}

#[cfg(feature = "cloudinary")]
impl Region {
    /// The region's host.
    pub fn host(&self) -> String {
        match self {
            Region::Us => "api.cloudinary.com".to_string(),
            Region::Eu => "api-eu.cloudinary.com".to_string(),
            Region::Ap => "api-ap.cloudinary.com".to_string(),
            Region::Custom(host) => host.clone(),
        }
    }

    /// `api`, `api-eu`, `api-ap` (or, as people also write them, `us`,
    /// `eu`, `ap`, in any case), or a host name with a dot, such as an
    /// enterprise custom domain.
    pub fn parse(text: &str) -> Result<Self, ConfigError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(ConfigError::Empty {
                name: "the Cloudinary region",
            });
        }
        match text.to_ascii_lowercase().as_str() {
            "api" | "us" => Ok(Region::Us),
            "api-eu" | "eu" => Ok(Region::Eu),
            "api-ap" | "ap" => Ok(Region::Ap),
            host if host.contains('.')
                && !host.starts_with('.')
                && !host.ends_with('.')
                && !host.contains(['/', ':', ' ', '@', '?', '#']) =>
            {
                Ok(Region::Custom(text.to_string()))
            }
            _ => Err(ConfigError::Malformed {
                name: "the Cloudinary region",
                expected:
                    "api, api-eu, api-ap (or us, eu, ap), or a host name such as api.example.com",
            }),
        }
    }
}

#[cfg(feature = "cloudinary")]
/// What a Cloudinary client needs.
#[derive(Clone, Default)]
pub struct CloudinarySettings {
    account_id: Option<String>,
    api_key: Option<Secret>,
    api_secret: Option<Secret>,
    region: Option<Region>,
    base_url: Option<String>,
}

#[cfg(feature = "cloudinary")]
/// Builds a [`Cloudinary`](crate::Cloudinary) client.
pub type CloudinaryBuilder = Builder<CloudinarySettings>;

#[cfg(feature = "cloudinary")]
impl Builder<CloudinarySettings> {
    pub(crate) fn new() -> Self {
        Self {
            settings: CloudinarySettings::default(),
            options: Options::default(),
        }
    }

    /// The account every call addresses.
    pub fn account_id(mut self, account_id: impl Into<String>) -> Self {
        self.settings.account_id = Some(account_id.into());
        self
    }

    /// The provisioning API key and secret.
    pub fn credentials(
        mut self,
        api_key: impl Into<String>,
        api_secret: impl Into<String>,
    ) -> Self {
        self.settings.api_key = Some(Secret::new(api_key));
        self.settings.api_secret = Some(Secret::new(api_secret));
        self
    }

    /// Account id, key and secret from an `account://KEY:SECRET@ACCOUNT_ID`
    /// URL (the form of `CLOUDINARY_ACCOUNT_URL`).
    pub fn account_url(self, account_url: &str) -> Result<Self, ConfigError> {
        let (account_id, key, secret) = crate::parse_account_url(account_url)?;
        Ok(self.account_id(account_id).credentials(key, secret))
    }

    /// The region (default [`Region::Us`]).
    pub fn region(mut self, region: Region) -> Self {
        self.settings.region = Some(region);
        self
    }

    /// A base URL that replaces `https://{region host}` whole (a proxy, or a
    /// local server).
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.settings.base_url = Some(base_url.into());
        self
    }

    /// Fills in what the environment gives; values already set are kept:
    /// - `CLOUDINARY_ACCOUNT_URL` (`account://KEY:SECRET@ACCOUNT_ID`), or
    ///   `CLOUDINARY_ACCOUNT_ID`, `CLOUDINARY_PROVISIONING_API_KEY` and
    ///   `CLOUDINARY_PROVISIONING_API_SECRET` (the names the vendor's SDKs read);
    /// - `CLOUDINARY_REGION` (`api`, `api-eu`, `api-ap`, `us`, `eu`, `ap`,
    ///   or a host name with a dot);
    /// - `CLOUDINARY_BASE_URL`, which replaces the whole base URL.
    ///
    /// A variable that is set but malformed is reported by `build`, naming
    /// it.
    pub fn with_env(self) -> Self {
        self.with_lookup(&environment)
    }

    /// Like [`with_env`](Self::with_env), with each variable read from
    /// `vars` instead of the process's environment: a file or a secret
    /// store your code reads, or a test's own values. Errors name the
    /// variable, as they do for the environment.
    pub fn with_vars(self, vars: impl Fn(&str) -> Option<String>) -> Self {
        self.with_lookup(&vars)
    }

    fn with_lookup(mut self, lookup: Lookup) -> Self {
        const ACCOUNT_URL: &str = "CLOUDINARY_ACCOUNT_URL";
        let (settings, env) = (&mut self.settings, &mut self.options.env);
        env.consulted = true;
        if let Some(url) = lookup(ACCOUNT_URL) {
            let parsed = non_empty(ACCOUNT_URL, &url).and_then(|()| {
                crate::parse_account_url(&url).map_err(|e| e.naming_variable(ACCOUNT_URL))
            });
            match parsed {
                Ok((account_id, key, secret)) => {
                    settings
                        .account_id
                        .get_or_insert_with(|| account_id.to_string());
                    settings.api_key.get_or_insert_with(|| Secret::new(key));
                    settings
                        .api_secret
                        .get_or_insert_with(|| Secret::new(secret));
                }
                Err(problem) => env.fail(problem),
            }
        }
        if settings.account_id.is_none() {
            settings.account_id = lookup("CLOUDINARY_ACCOUNT_ID");
        }
        if settings.api_key.is_none() {
            settings.api_key = lookup("CLOUDINARY_PROVISIONING_API_KEY").map(Secret::new);
        }
        if settings.api_secret.is_none() {
            settings.api_secret = lookup("CLOUDINARY_PROVISIONING_API_SECRET").map(Secret::new);
        }
        if settings.region.is_none() {
            if let Some(region) = lookup("CLOUDINARY_REGION") {
                match Region::parse(&region) {
                    Ok(region) => settings.region = Some(region),
                    Err(e) => env.fail(e.naming_variable("CLOUDINARY_REGION")),
                }
            }
        }
        if settings.base_url.is_none() {
            settings.base_url = lookup("CLOUDINARY_BASE_URL");
        }
        self
    }

    /// The client, or what is wrong with the configuration (first, a
    /// variable [`with_env`](Self::with_env) found malformed, naming it).
    pub fn build(self) -> Result<crate::Cloudinary, ConfigError> {
        if let Some(problem) = self.options.env.problem.clone() {
            return Err(problem);
        }
        let settings = &self.settings;
        let base_url = match &settings.base_url {
            Some(url) => self.options.base_url("the Cloudinary base URL", url)?,
            None => format!(
                "https://{}",
                settings.region.clone().unwrap_or(Region::Us).host()
            ),
        };
        let account_id = required(
            &settings.account_id,
            "the Cloudinary account id",
            "the account's id (CLOUDINARY_ACCOUNT_ID, or CLOUDINARY_ACCOUNT_URL)",
        )?;
        let secret = |value: &Option<Secret>, name: &'static str| -> Result<Secret, ConfigError> {
            let value = value.clone().ok_or(ConfigError::Missing {
                name,
                expected: "the account's provisioning credentials (CLOUDINARY_ACCOUNT_URL)",
            })?;
            non_empty(name, value.expose())?;
            Ok(value)
        };
        let auth = Auth::Basic {
            username: secret(&settings.api_key, "the Cloudinary API key")?,
            password: secret(&settings.api_secret, "the Cloudinary API secret")?,
        };
        let runtime = self
            .options
            .runtime(&auth, "the Cloudinary API key or secret")?;
        let client = cld_provisioning::Client::new_with_client(
            &base_url,
            self.options.http_client()?,
            runtime,
        );
        let account_id = saas_admin_runtime::PathSegment::try_from(account_id.to_string())
            .map_err(|_| ConfigError::Malformed {
                name: "the Cloudinary account id",
                expected: "an account id, which cannot be \".\" or \"..\"",
            })?;
        Ok(crate::Cloudinary::from_client(client, account_id))
    }
}

#[cfg(feature = "cloudinary")]
impl fmt::Debug for Builder<CloudinarySettings> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CloudinaryBuilder")
            .field("account_id", &self.settings.account_id)
            .field("api_key", &self.settings.api_key)
            .field("api_secret", &self.settings.api_secret)
            .field("region", &self.settings.region)
            .field("base_url", &self.settings.base_url)
            .finish_non_exhaustive()
    }
}
