// The crate's documentation is the README's guide: its examples compile
// (and run, where not marked otherwise) as doctests.
#![doc = include_str!("../../../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod config;
mod error;
mod paginate;

use std::fmt;
use std::sync::Arc;

#[cfg(feature = "cloudinary")]
pub use cld_provisioning;
pub use config::{Builder, ConfigError, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT};
#[cfg(feature = "cloudinary")]
pub use config::{CloudinaryBuilder, CloudinarySettings, Region};
#[cfg(feature = "ods")]
pub use config::{OdsBuilder, OdsSettings};
pub use error::{Detail, Error, ErrorKind, VendorBody};
#[cfg(feature = "ods")]
pub use ods_automation;
pub use paginate::{ItemStream, Paginate};
/// A decoded answer with its status and headers, from `send_with_response`.
pub use progenitor_client::{ByteStream, ResponseValue};
pub use saas_admin_runtime::{RateLimit, RetryPolicy};
/// JSON Schema for every type of the enabled APIs (`schemars` feature):
/// `saas_admin::schemars::schema_for!(saas_admin::ods::types::UserGroupRequest)`.
#[cfg(feature = "schemars")]
pub use schemars;

/// The result of a call: `saas_admin::Result<T>` fails with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What most programs use: `use saas_admin::prelude::*;`.
pub mod prelude {
    #[cfg(feature = "ods")]
    pub use crate::Ods;
    #[cfg(feature = "cloudinary")]
    pub use crate::{Cloudinary, Region};
    pub use crate::{Error, ErrorKind, ItemStream, Result, RetryPolicy};
}

/// The Opendatasoft operations' builders (one per operation, handed out by
/// [`Ods`]'s methods) and the API's [`types`](ods::types).
#[cfg(feature = "ods")]
#[allow(clippy::all)]
#[path = "generated_ods.rs"]
pub mod ods;

/// The Cloudinary operations' builders (one per operation, handed out by
/// [`Cloudinary`]'s methods) and the API's [`types`](cloudinary::types).
#[cfg(feature = "cloudinary")]
#[allow(clippy::all)]
#[path = "generated_cloudinary.rs"]
pub mod cloudinary;

/// Typed httpmock helpers for both APIs, for your own tests: each API's
/// `MockServerExt` and its example bodies.
#[cfg(feature = "mock")]
pub mod mock {
    /// Opendatasoft's typed mocks and examples.
    #[cfg(feature = "ods")]
    pub mod ods {
        pub use ods_automation::examples;
        pub use ods_automation::mock::*;
    }
    /// Cloudinary's typed mocks and examples.
    #[cfg(feature = "cloudinary")]
    pub mod cloudinary {
        pub use cld_provisioning::examples;
        pub use cld_provisioning::mock::*;
    }
}

/// A client for one Opendatasoft portal's Automation API.
///
/// Every operation of the API is a method that returns its builder; the
/// builder owns a clone of the client (cheap: shared inside), so calls and
/// streams can be spawned.
#[cfg(feature = "ods")]
#[derive(Clone)]
pub struct Ods {
    client: Arc<ods_automation::Client>,
}

#[cfg(feature = "ods")]
impl Ods {
    /// A builder for everything a client can be given.
    pub fn builder() -> OdsBuilder {
        OdsBuilder::new()
    }

    /// A client for the portal at `domain` (such as
    /// `yourportal.opendatasoft.com`), authenticating with an API key.
    pub fn new(domain: &str, api_key: &str) -> Result<Self, ConfigError> {
        Self::builder().domain(domain).api_key(api_key).build()
    }

    /// A client for the Automation API at `base_url` (a proxy, or a local
    /// server), which replaces `https://{domain}/api/automation/v1.0` whole.
    pub fn with_base_url(base_url: &str, api_key: &str) -> Result<Self, ConfigError> {
        Self::builder().base_url(base_url).api_key(api_key).build()
    }

    /// A client configured from the environment: `ODS_API_KEY`, and
    /// `ODS_DOMAIN` (such as `yourportal.opendatasoft.com`) or `ODS_BASE_URL`
    /// (which replaces the whole base URL and wins when both are set).
    /// Errors name the variable at fault.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::builder().with_env().build()
    }

    pub(crate) fn from_client(client: ods_automation::Client) -> Self {
        Self {
            client: Arc::new(client),
        }
    }

    /// The base URL every call goes to.
    pub fn base_url(&self) -> &str {
        use ods_automation::ClientInfo as _;
        self.client.baseurl()
    }

    /// The generated client underneath, for what the facade does not wrap.
    pub fn client(&self) -> &ods_automation::Client {
        &self.client
    }

    /// The rate limit the service reports, if it reports one: its latest
    /// state by the service's own clock (the latest reset, then the fewest
    /// calls left), whatever order the answers came in.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        use ods_automation::ClientInfo as _;
        self.client.inner().rate_limit()
    }
}

#[cfg(feature = "ods")]
impl fmt::Debug for Ods {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ods")
            .field("base_url", &self.base_url())
            .finish_non_exhaustive()
    }
}

/// A client for one Cloudinary account's provisioning API.
///
/// The account id is given once, here; every operation's builder comes with
/// it already set, and owns a clone of the client (cheap: shared inside).
#[cfg(feature = "cloudinary")]
#[derive(Clone)]
pub struct Cloudinary {
    inner: Arc<CloudinaryInner>,
}

#[cfg(feature = "cloudinary")]
struct CloudinaryInner {
    client: cld_provisioning::Client,
    /// Checked once, when the client is built: every call's path takes it.
    account_id: saas_admin_runtime::PathSegment,
}

#[cfg(feature = "cloudinary")]
impl Cloudinary {
    /// A builder for everything a client can be given.
    pub fn builder() -> CloudinaryBuilder {
        CloudinaryBuilder::new()
    }

    /// A client for the account `account_id`, authenticating with its
    /// provisioning API key and secret, in `region`.
    pub fn new(
        account_id: &str,
        api_key: &str,
        api_secret: &str,
        region: Region,
    ) -> Result<Self, ConfigError> {
        Self::builder()
            .account_id(account_id)
            .credentials(api_key, api_secret)
            .region(region)
            .build()
    }

    /// A client for the account, from a `account://KEY:SECRET@ACCOUNT_ID`
    /// URL (the form of `CLOUDINARY_ACCOUNT_URL`), in `region`.
    pub fn from_account_url(account_url: &str, region: Region) -> Result<Self, ConfigError> {
        Self::builder()
            .account_url(account_url)?
            .region(region)
            .build()
    }

    /// A client for the API at `base_url` (a proxy, or a local server),
    /// which replaces `https://{region}.cloudinary.com` whole.
    pub fn with_base_url(
        base_url: &str,
        account_id: &str,
        api_key: &str,
        api_secret: &str,
    ) -> Result<Self, ConfigError> {
        Self::builder()
            .base_url(base_url)
            .account_id(account_id)
            .credentials(api_key, api_secret)
            .build()
    }

    /// A client configured from the environment; see
    /// [`CloudinaryBuilder::with_env`] for the variables.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::builder().with_env().build()
    }

    pub(crate) fn from_client(
        client: cld_provisioning::Client,
        account_id: saas_admin_runtime::PathSegment,
    ) -> Self {
        Self {
            inner: Arc::new(CloudinaryInner { client, account_id }),
        }
    }

    /// The account every call addresses.
    pub fn account_id(&self) -> &str {
        self.inner.account_id.as_str()
    }

    /// The account id as the generated calls take it.
    pub(crate) fn account_id_segment(&self) -> &saas_admin_runtime::PathSegment {
        &self.inner.account_id
    }

    /// The base URL every call goes to.
    pub fn base_url(&self) -> &str {
        use cld_provisioning::ClientInfo as _;
        self.inner.client.baseurl()
    }

    /// The generated client underneath, for what the facade does not wrap.
    pub fn client(&self) -> &cld_provisioning::Client {
        &self.inner.client
    }

    /// The rate limit the service reports (its `X-FeatureRateLimit-Limit`,
    /// `-Remaining` and `-Reset` headers): calls allowed and left in the
    /// window, and when it resets; its latest state by the service's own
    /// clock (the latest reset, then the fewest calls left), whatever order
    /// the answers came in.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        use cld_provisioning::ClientInfo as _;
        self.inner.client.inner().rate_limit()
    }
}

#[cfg(feature = "cloudinary")]
impl fmt::Debug for Cloudinary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cloudinary")
            .field("base_url", &self.base_url())
            .field("account_id", &self.account_id())
            .finish_non_exhaustive()
    }
}

/// Splits `account://KEY:SECRET@ACCOUNT_ID` into (account id, key, secret).
#[cfg(feature = "cloudinary")]
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
