//! The fake's own endpoint, under `/_fake/`, for any HTTP client:
//!
//! - `GET /_fake/state`: what both APIs hold;
//! - `POST /_fake/items` `{"api": "ods", "collection": "users", "item": {...}}`: seeds an item;
//! - `POST /_fake/reset` (`?examples=true` to seed the specs' examples):
//!   empties both APIs and forgets faults and requests;
//! - `GET /_fake/faults`, `POST /_fake/faults` (a rule, see below),
//!   `DELETE /_fake/faults`: the fault rules;
//! - `GET /_fake/limit`, `POST /_fake/limit` (a limit, see below),
//!   `DELETE /_fake/limit`: the rate limit enforced, with what it admitted
//!   and refused since it was set;
//! - `GET /_fake/requests`: the requests received.
//!
//! A fault rule: `{"fault": "status", "status": 503, "times": 3}`,
//! `{"fault": "rate_limited", "retry_after_secs": 1, "api": "cloudinary",
//! "operation": "create_user_group"}`, `{"fault": "delay", "millis": 200}`,
//! `{"fault": "drop_before"}`, `{"fault": "drop_after"}`.
//!
//! A limit (setting one replaces the last, with a full bucket or a new
//! window): `{"mode": "token_bucket", "rate": 40, "burst": 20,
//! "retry_after_secs": 1}`, `{"mode": "fixed_window", "limit": 200,
//! "window_secs": 5}`, either with `"api": "ods"` or `"cloudinary"` to limit
//! one API only. The answer is the limit with `"admitted"` and `"refused"`
//! counts; `GET` answers `null` when there is none.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::faults::{FaultRule, LimitJson, Limiter, RuleJson};
use crate::server::respond;
use crate::service::{Outcome, Shared};
use crate::store::Store;
use crate::{Api, ApiState};

/// The admin routes.
pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/_fake", get(index))
        .route("/_fake/", get(index))
        .route("/_fake/state", get(state))
        .route("/_fake/items", post(items))
        .route("/_fake/reset", post(reset))
        .route(
            "/_fake/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route(
            "/_fake/limit",
            get(show_limit).post(set_limit).delete(clear_limit),
        )
        .route("/_fake/requests", get(requests))
}

fn answer(status: u16, value: &Value) -> Response {
    respond(Outcome::json(status, value), "")
}

fn refuse(message: impl Into<String>) -> Response {
    answer(400, &json!({"error": message.into()}))
}

async fn index() -> Response {
    answer(
        200,
        &json!({
            "ods": crate::service::ODS_PREFIX,
            "cloudinary": ["/v1_1/", "/v2/"],
            "admin": {
                "GET /_fake/state": "what both APIs hold",
                "POST /_fake/items": "{\"api\": \"ods\", \"collection\": \"users\", \"item\": {...}}: seeds an item",
                "POST /_fake/reset": "empties both APIs (?examples=true seeds the specs' examples)",
                "GET|POST|DELETE /_fake/faults": "the fault rules, e.g. {\"fault\": \"status\", \"status\": 503, \"times\": 3}",
                "GET|POST|DELETE /_fake/limit": "the rate limit, e.g. {\"mode\": \"token_bucket\", \"rate\": 40, \"burst\": 20, \"retry_after_secs\": 1} or {\"mode\": \"fixed_window\", \"limit\": 200, \"window_secs\": 5}",
                "GET /_fake/requests": "the requests received",
            }
        }),
    )
}

/// Everything a store holds: each family with items, by name, with each
/// item's parents.
pub(crate) fn dump(store: &Store) -> Value {
    let mut out = Map::new();
    for (f, family) in store.model.families.iter().enumerate() {
        let items: Vec<Value> = store
            .all(f)
            .iter()
            .map(|e| json!({"parents": e.parents, "item": store.render(f, e)}))
            .collect();
        if !items.is_empty() {
            out.insert(family.name.clone(), Value::Array(items));
        }
    }
    Value::Object(out)
}

async fn state(State(shared): State<Arc<Shared>>) -> Response {
    let state = shared.lock();
    answer(
        200,
        &json!({"ods": dump(&state.ods), "cloudinary": dump(&state.cloudinary)}),
    )
}

#[derive(Deserialize)]
struct Seed {
    api: Api,
    collection: String,
    item: Value,
}

async fn items(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let seed: Seed = match serde_json::from_slice(&body) {
        Ok(seed) => seed,
        Err(e) => {
            return refuse(format!(
                "expected {{\"api\", \"collection\", \"item\"}}: {e}"
            ))
        }
    };
    let state = ApiState {
        shared: &shared,
        api: seed.api,
    };
    match state.insert(&seed.collection, seed.item) {
        Ok(item) => answer(201, &item),
        Err(e) => refuse(e.to_string()),
    }
}

async fn reset(State(shared): State<Arc<Shared>>, uri: Uri) -> Response {
    let examples = uri
        .query()
        .map(|q| form_urlencoded::parse(q.as_bytes()).any(|(n, v)| n == "examples" && v == "true"))
        .unwrap_or(false);
    let mut state = shared.lock();
    state.ods.clear();
    state.cloudinary.clear();
    state.faults.clear();
    state.limit = None;
    state.requests.clear();
    if examples {
        state.ods.seed_examples();
        state.cloudinary.seed_examples();
    }
    answer(200, &json!({"reset": true, "examples": examples}))
}

async fn list_faults(State(shared): State<Arc<Shared>>) -> Response {
    let rules: Vec<RuleJson> = shared.lock().faults.iter().map(RuleJson::from).collect();
    answer(200, &json!(rules))
}

async fn add_fault(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let rule = serde_json::from_slice::<RuleJson>(&body)
        .map_err(|e| e.to_string())
        .and_then(FaultRule::try_from);
    match rule {
        Ok(rule) => {
            let json = json!(RuleJson::from(&rule));
            shared.lock().faults.push(rule);
            answer(201, &json)
        }
        Err(e) => refuse(e),
    }
}

async fn clear_faults(State(shared): State<Arc<Shared>>) -> Response {
    shared.lock().faults.clear();
    answer(200, &json!({"faults": []}))
}

async fn show_limit(State(shared): State<Arc<Shared>>) -> Response {
    let limit = shared.lock().limit.as_ref().map(LimitJson::from);
    answer(200, &json!(limit))
}

async fn set_limit(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let limiter = serde_json::from_slice::<LimitJson>(&body)
        .map_err(|e| e.to_string())
        .and_then(Limiter::try_from);
    match limiter {
        Ok(limiter) => {
            let json = json!(LimitJson::from(&limiter));
            shared.lock().limit = Some(limiter);
            answer(201, &json)
        }
        Err(e) => refuse(e),
    }
}

async fn clear_limit(State(shared): State<Arc<Shared>>) -> Response {
    shared.lock().limit = None;
    answer(200, &json!({"limit": null}))
}

async fn requests(State(shared): State<Arc<Shared>>) -> Response {
    answer(200, &json!(shared.lock().requests))
}
