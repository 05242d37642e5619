#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod admin;
mod faults;
mod generated_cloudinary;
mod generated_ods;
mod model;
mod schema;
mod server;
mod service;
mod store;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::watch;

pub use faults::{Fault, FaultRule, Limit};
use service::{Config, Shared, State};
use store::{Refusal, Store};

/// The Opendatasoft API key the fake accepts unless told otherwise.
pub const DEFAULT_ODS_API_KEY: &str = "fake-ods-api-key";
/// The Cloudinary account id the fake serves unless told otherwise.
pub const DEFAULT_CLOUDINARY_ACCOUNT_ID: &str = "fake-account";
/// The Cloudinary provisioning API key the fake accepts unless told otherwise.
pub const DEFAULT_CLOUDINARY_API_KEY: &str = "fake-cloudinary-key";
/// The Cloudinary provisioning API secret the fake accepts unless told otherwise.
pub const DEFAULT_CLOUDINARY_API_SECRET: &str = "fake-cloudinary-secret";

/// The username the fake records as the author of a change (`created_by`,
/// `updated_by`), as the service records the owner of the API key.
pub const AUTHOR: &str = "fake.admin";

/// One of the two APIs the fake serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Api {
    /// The Opendatasoft Automation API, under `/api/automation/v1.0`.
    Ods,
    /// The Cloudinary Account Provisioning API, under `/v1_1/` and `/v2/`.
    Cloudinary,
}

/// A request the fake received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestRecord {
    /// The API it was sent to.
    pub api: Api,
    /// The operation it named (its operation id), if it named one.
    pub operation: Option<String>,
    /// Its method.
    pub method: String,
    /// Its path (without the query string).
    pub path: String,
    /// The status answered (or that would have been, for a connection
    /// closed after processing); none for a connection closed before.
    pub status: Option<u16>,
}

/// What can go wrong when starting or using the fake.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The address could not be listened on.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The address asked for.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// A Cloudinary account URL not of the form
    /// `account://KEY:SECRET@ACCOUNT_ID` (the URL itself is not repeated: it
    /// holds a secret).
    #[error("the Cloudinary account URL is not of the form account://KEY:SECRET@ACCOUNT_ID")]
    AccountUrl,
    /// A path that names no family of the API.
    #[error("{api:?} has no collection at {path:?}; its collections are: {known}")]
    NoCollection {
        /// The API.
        api: Api,
        /// The path given.
        path: String,
        /// The API's collections, as paths with their parameters.
        known: String,
    },
    /// The fake refused the change, as the service would (a conflict, a
    /// link to something that does not exist...).
    #[error("refused: {0}")]
    Refused(String),
}

impl From<Refusal> for Error {
    fn from(refusal: Refusal) -> Self {
        Error::Refused(match refusal {
            Refusal::NotFound(what) => format!("not found: {what}"),
            Refusal::Conflict { field, value } => format!("{field} {value:?} already exists"),
            Refusal::Invalid(reason) => reason,
        })
    }
}

/// How to start a fake: address, credentials, seeds.
#[derive(Clone)]
pub struct FakeBuilder {
    listen: SocketAddr,
    config: Config,
    examples: bool,
    limit: Option<Limit>,
}

impl std::fmt::Debug for FakeBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeBuilder")
            .field("listen", &self.listen)
            .field("cloudinary_account_id", &self.config.cloudinary_account_id)
            .field("examples", &self.examples)
            .finish_non_exhaustive()
    }
}

impl Default for FakeBuilder {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            config: Config {
                ods_api_key: DEFAULT_ODS_API_KEY.into(),
                cloudinary_account_id: DEFAULT_CLOUDINARY_ACCOUNT_ID.into(),
                cloudinary_api_key: DEFAULT_CLOUDINARY_API_KEY.into(),
                cloudinary_api_secret: DEFAULT_CLOUDINARY_API_SECRET.into(),
                cursor_page_size: 50,
            },
            examples: false,
            limit: None,
        }
    }
}

impl FakeBuilder {
    /// The address to listen on (default `127.0.0.1:0`: loopback, any free
    /// port).
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// The Opendatasoft API key to accept.
    pub fn ods_api_key(mut self, key: impl Into<String>) -> Self {
        self.config.ods_api_key = key.into();
        self
    }

    /// The Cloudinary account to serve and the provisioning key and secret
    /// to accept.
    pub fn cloudinary_credentials(
        mut self,
        account_id: impl Into<String>,
        api_key: impl Into<String>,
        api_secret: impl Into<String>,
    ) -> Self {
        self.config.cloudinary_account_id = account_id.into();
        self.config.cloudinary_api_key = api_key.into();
        self.config.cloudinary_api_secret = api_secret.into();
        self
    }

    /// The same, from an `account://KEY:SECRET@ACCOUNT_ID` URL.
    pub fn cloudinary_account_url(self, url: &str) -> Result<Self, Error> {
        let rest = url.strip_prefix("account://").ok_or(Error::AccountUrl)?;
        let (credentials, account) = rest.rsplit_once('@').ok_or(Error::AccountUrl)?;
        let (key, secret) = credentials.split_once(':').ok_or(Error::AccountUrl)?;
        if [account, key, secret].iter().any(|p| p.is_empty()) {
            return Err(Error::AccountUrl);
        }
        Ok(self.cloudinary_credentials(account, key, secret))
    }

    /// Starts with the specs' examples as data (the groups, users,
    /// datasets... the examples show), instead of empty.
    pub fn with_examples(mut self) -> Self {
        self.examples = true;
        self
    }

    /// How many items a page of a cursor-paged listing holds (Cloudinary's
    /// custom policies; default 50). The APIs take no page size for these.
    pub fn cursor_page_size(mut self, size: usize) -> Self {
        self.config.cursor_page_size = size.max(1);
        self
    }

    /// Enforces a rate limit on the requests of both APIs from the start
    /// (see [`FakeServer::set_limit`]).
    pub fn limit(mut self, limit: Limit) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Starts the fake on the current Tokio runtime.
    pub async fn start(self) -> Result<FakeServer, Error> {
        let listener = tokio::net::TcpListener::bind(self.listen)
            .await
            .map_err(|source| Error::Listen {
                addr: self.listen,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| Error::Listen {
            addr: self.listen,
            source,
        })?;
        let mut state = State {
            ods: Store::new(model::model(Api::Ods)),
            cloudinary: Store::new(model::model(Api::Cloudinary)),
            faults: Vec::new(),
            limit: self.limit.map(|limit| faults::Limiter::new(limit, None)),
            requests: Vec::new(),
        };
        if self.examples {
            state.ods.seed_examples();
            state.cloudinary.seed_examples();
        }
        let shared = Arc::new(Shared {
            config: self.config,
            state: Mutex::new(state),
        });
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(server::serve(listener, shared.clone(), stopped));
        tracing::debug!(%addr, "saas-admin-fake: listening");
        Ok(FakeServer {
            addr,
            shared,
            stop,
            task,
        })
    }
}

/// A running fake of both APIs. It stops when dropped.
pub struct FakeServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for FakeServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeServer")
            .field("addr", &self.addr)
            .field("cloudinary_account_id", &self.cloudinary_account_id())
            .finish_non_exhaustive()
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        self.task.abort();
    }
}

impl FakeServer {
    /// Starts an empty fake on loopback (any free port), with the default
    /// credentials.
    pub async fn start() -> Result<Self, Error> {
        FakeBuilder::default().start().await
    }

    /// A builder, to choose the address, credentials and seeds.
    pub fn builder() -> FakeBuilder {
        FakeBuilder::default()
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://HOST:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The Opendatasoft base URL: `http://HOST:PORT/api/automation/v1.0`.
    pub fn ods_base_url(&self) -> String {
        format!("{}{}", self.url(), service::ODS_PREFIX)
    }

    /// The Opendatasoft API key it accepts (`Authorization: Apikey KEY`, or
    /// `?apikey=KEY`).
    pub fn ods_api_key(&self) -> &str {
        &self.shared.config.ods_api_key
    }

    /// The Cloudinary base URL: `http://HOST:PORT` (paths `/v1_1/...` and
    /// `/v2/...`).
    pub fn cloudinary_base_url(&self) -> String {
        self.url()
    }

    /// The Cloudinary account it serves.
    pub fn cloudinary_account_id(&self) -> &str {
        &self.shared.config.cloudinary_account_id
    }

    /// The Cloudinary provisioning API key it accepts.
    pub fn cloudinary_api_key(&self) -> &str {
        &self.shared.config.cloudinary_api_key
    }

    /// The Cloudinary provisioning API secret it accepts.
    pub fn cloudinary_api_secret(&self) -> &str {
        &self.shared.config.cloudinary_api_secret
    }

    /// The Cloudinary credentials as `account://KEY:SECRET@ACCOUNT_ID`.
    pub fn cloudinary_account_url(&self) -> String {
        format!(
            "account://{}:{}@{}",
            self.cloudinary_api_key(),
            self.cloudinary_api_secret(),
            self.cloudinary_account_id()
        )
    }

    /// What the fake holds for Opendatasoft.
    pub fn ods(&self) -> ApiState<'_> {
        ApiState {
            shared: &self.shared,
            api: Api::Ods,
        }
    }

    /// What the fake holds for Cloudinary.
    pub fn cloudinary(&self) -> ApiState<'_> {
        ApiState {
            shared: &self.shared,
            api: Api::Cloudinary,
        }
    }

    /// Adds a fault rule; rules are tried in the order they were added.
    pub fn inject(&self, rule: impl Into<FaultRule>) {
        self.shared.lock().faults.push(rule.into());
    }

    /// Removes every fault rule.
    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    /// Enforces a rate limit on the requests of `api`, or of both APIs,
    /// replacing any other (with a full bucket, or no window started yet).
    pub fn set_limit(&self, limit: Limit, api: Option<Api>) {
        self.shared.lock().limit = Some(faults::Limiter::new(limit, api));
    }

    /// Stops enforcing a rate limit.
    pub fn clear_limit(&self) {
        self.shared.lock().limit = None;
    }

    /// The requests received so far, oldest first.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shared.lock().requests.clone()
    }

    /// How many requests named `operation` (its operation id) of `api`.
    pub fn count(&self, api: Api, operation: &str) -> usize {
        self.shared
            .lock()
            .requests
            .iter()
            .filter(|r| r.api == api && r.operation.as_deref() == Some(operation))
            .count()
    }

    /// Empties both APIs, and forgets the faults, the limit and the requests.
    pub fn reset(&self) {
        let mut state = self.shared.lock();
        state.ods.clear();
        state.cloudinary.clear();
        state.faults.clear();
        state.limit = None;
        state.requests.clear();
    }

    /// Adds the specs' examples to both APIs' data.
    pub fn seed_examples(&self) {
        let mut state = self.shared.lock();
        state.ods.seed_examples();
        state.cloudinary.seed_examples();
    }

    /// Stops listening and closes the connections.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
    }
}

/// One API's data in a running fake: seed it, inspect it.
///
/// Collections are named by their path below the API's root (and, for
/// Cloudinary, below the account), with the parents' keys filled in:
/// `users`, `groups/data_stewards/users`, `datasets/da_qf2hyt/fields` for
/// Opendatasoft; `users`, `user_groups`, `sub_accounts/ID/access_keys`,
/// `permissions/roles` for Cloudinary. An item is its collection's path
/// and its key: `groups/data_stewards`.
#[derive(Debug, Clone, Copy)]
pub struct ApiState<'a> {
    shared: &'a Arc<Shared>,
    api: Api,
}

impl ApiState<'_> {
    fn with<T>(&self, f: impl FnOnce(&mut Store) -> T) -> T {
        let mut state = self.shared.lock();
        f(state.store(self.api))
    }

    fn collection(&self, store: &Store, path: &str) -> Result<(usize, Vec<String>), Error> {
        let wanted: Vec<&str> = path.trim_matches('/').split('/').collect();
        for (f, family) in store.model.families.iter().enumerate() {
            let parts: Vec<&str> = family.name.split('/').collect();
            if parts.len() != wanted.len() {
                continue;
            }
            let mut parents = Vec::new();
            let matches = parts.iter().zip(&wanted).all(|(part, given)| {
                if part.starts_with('{') {
                    parents.push(given.to_string());
                    !given.is_empty()
                } else {
                    part == given
                }
            });
            if matches {
                return Ok((f, parents));
            }
        }
        Err(Error::NoCollection {
            api: self.api,
            path: path.to_string(),
            known: store
                .model
                .families
                .iter()
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })
    }

    fn item(&self, store: &Store, path: &str) -> Result<(usize, Vec<String>, String), Error> {
        let (collection, key) = path
            .trim_matches('/')
            .rsplit_once('/')
            .unwrap_or(("", path));
        let (f, parents) = self.collection(store, collection)?;
        Ok((f, parents, key.to_string()))
    }

    /// The collections of the API, as paths with their parameters
    /// (`groups/{group_uid}/users`).
    pub fn collections(&self) -> Vec<String> {
        self.with(|store| {
            store
                .model
                .families
                .iter()
                .map(|f| f.name.clone())
                .collect()
        })
    }

    /// Stores an item in a collection (`users`, `groups/data_stewards/users`)
    /// and returns it as the API shows it. The item keeps its key, or gets
    /// one as the service makes them; the service's times are filled when
    /// missing. In a collection of links (a group's members), the item
    /// names the member by its key (`{"username": "jdoe"}`), which must
    /// exist. A list naming the items that hold this one (an Opendatasoft
    /// user's `groups`) links it into those that exist.
    pub fn insert(&self, collection: &str, item: Value) -> Result<Value, Error> {
        self.with(|store| {
            let (f, parents) = self.collection(store, collection)?;
            let key = store.insert(f, &parents, item)?;
            let entry = store.find(f, &parents, &key).expect("just stored");
            Ok(store.render(f, entry))
        })
    }

    /// The items of a collection, as the API shows them, in the order they
    /// came.
    pub fn items(&self, collection: &str) -> Result<Vec<Value>, Error> {
        self.with(|store| {
            let (f, parents) = self.collection(store, collection)?;
            Ok(store
                .list(f, &parents)
                .into_iter()
                .map(|e| store.render(f, e))
                .collect())
        })
    }

    /// The item at `path` (`groups/data_stewards`), as the API shows it.
    pub fn get(&self, path: &str) -> Result<Option<Value>, Error> {
        self.with(|store| {
            let (f, parents, key) = self.item(store, path)?;
            Ok(store.find(f, &parents, &key).map(|e| store.render(f, e)))
        })
    }

    /// Removes the item at `path`, with what lies under it and the links
    /// to it; returns whether it was there.
    pub fn remove(&self, path: &str) -> Result<bool, Error> {
        self.with(|store| {
            let (f, parents, key) = self.item(store, path)?;
            Ok(store.remove(f, &parents, &key).is_ok())
        })
    }

    /// Adds the spec's examples to this API's data.
    pub fn seed_examples(&self) {
        self.with(Store::seed_examples)
    }

    /// Empties this API's data.
    pub fn clear(&self) {
        self.with(Store::clear)
    }

    /// Everything this API holds, as JSON: each collection that has items,
    /// by name, with each item's parents' keys.
    pub fn dump(&self) -> Value {
        self.with(|store| admin::dump(store))
    }
}
