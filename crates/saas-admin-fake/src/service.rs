//! Answers one request of either API as the service would: credentials,
//! parameters and body checked, then what the operation does to the store.

use std::collections::HashMap;
use std::sync::Mutex;

use serde_json::{json, Map, Value};

use crate::model::{Answer, Match, MatchHow, Model, Operation, Paging, Role, Set, Source};
use crate::schema::{self, Fault as FieldFault};
use crate::store::{at, set_at, text, Refusal, Store, Upload};
use crate::{Api, FaultRule, RequestRecord};

/// The path prefix of the Opendatasoft API on the fake.
pub(crate) const ODS_PREFIX: &str = "/api/automation/v1.0";

/// What the fake was configured with.
#[derive(Clone)]
pub(crate) struct Config {
    pub ods_api_key: String,
    pub cloudinary_account_id: String,
    pub cloudinary_api_key: String,
    pub cloudinary_api_secret: String,
    pub cursor_page_size: usize,
}

// The key and the secret never show.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("cloudinary_account_id", &self.cloudinary_account_id)
            .field("cursor_page_size", &self.cursor_page_size)
            .finish_non_exhaustive()
    }
}

/// What changes while the fake runs.
#[derive(Debug)]
pub(crate) struct State {
    pub ods: Store,
    pub cloudinary: Store,
    pub faults: Vec<FaultRule>,
    /// The rate limit enforced, if any.
    pub limit: Option<crate::faults::Limiter>,
    pub requests: Vec<RequestRecord>,
}

impl State {
    pub fn store(&mut self, api: Api) -> &mut Store {
        match api {
            Api::Ods => &mut self.ods,
            Api::Cloudinary => &mut self.cloudinary,
        }
    }
}

/// Everything the handlers share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub config: Config,
    pub state: Mutex<State>,
}

impl Shared {
    /// The state, even if a panic elsewhere poisoned the lock (the state is
    /// still consistent: every change is made whole under the lock).
    pub fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// An answer, before it becomes HTTP.
#[derive(Debug)]
pub(crate) struct Outcome {
    pub status: u16,
    pub body: Option<(String, Vec<u8>)>,
    pub headers: Vec<(String, String)>,
}

impl Outcome {
    pub fn json(status: u16, value: &Value) -> Self {
        Self {
            status,
            body: Some((
                "application/json".into(),
                serde_json::to_vec(value).expect("a JSON value serializes"),
            )),
            headers: Vec::new(),
        }
    }

    fn empty(status: u16) -> Self {
        Self {
            status,
            body: None,
            headers: Vec::new(),
        }
    }
}

/// A request, as the handler read it.
pub(crate) struct Incoming<'a> {
    pub api: Api,
    /// The path below the API's prefix, split and decoded.
    pub segments: Vec<String>,
    pub method: &'a str,
    pub query: Vec<(String, String)>,
    pub authorization: Option<&'a str>,
    pub body: &'a [u8],
    /// The parts of a `multipart/form-data` body.
    pub form: Option<Form>,
    /// `http://host:port`, for the links of a page.
    pub origin: String,
    /// The raw path below the API's prefix, for the links of a page.
    pub raw_path: &'a str,
    pub request_id: String,
}

/// A `multipart/form-data` body: its text fields and its files, each
/// under its part's name, in order.
#[derive(Debug, Default)]
pub(crate) struct Form {
    pub fields: Vec<(String, String)>,
    pub files: Vec<(String, Upload)>,
}

/// The API a path belongs to, and the path below its prefix.
pub(crate) fn api_of(path: &str) -> Option<(Api, &str)> {
    if let Some(rest) = path.strip_prefix(ODS_PREFIX) {
        if rest.starts_with('/') {
            return Some((Api::Ods, rest));
        }
    }
    if path.starts_with("/v1_1/") || path.starts_with("/v2/") {
        return Some((Api::Cloudinary, path));
    }
    None
}

/// The operation a request names, for faults and the record: its index,
/// its id and its path parameters.
pub(crate) type Routed = (usize, String, Vec<(String, String)>);

/// Finds the operation, or answers 404 or 405 in the vendor's shape.
pub(crate) fn route(model: &Model, request: &Incoming<'_>) -> Result<Routed, Outcome> {
    match model.route(request.method, &request.segments) {
        Ok((index, values)) => Ok((index, model.operations[index].id.clone(), values)),
        Err(known) => {
            let (status, message) = if known {
                (405, format!("Method \"{}\" not allowed.", request.method))
            } else {
                (404, "Not found.".to_string())
            };
            Err(error(
                request.api,
                model,
                None,
                status,
                &message,
                &request.request_id,
            ))
        }
    }
}

/// Processes a routed request against the store.
pub(crate) fn process(
    config: &Config,
    state: &mut State,
    request: &Incoming<'_>,
    routed: &Routed,
) -> Outcome {
    let (index, _, values) = routed;
    let store = state.store(request.api);
    let model = store.model.clone();
    let op = &model.operations[*index];
    let mut call = Call {
        api: request.api,
        model: &model,
        op,
        values,
        config,
        request,
        query: HashMap::new(),
    };
    match call.run(store) {
        Ok(outcome) | Err(outcome) => outcome,
    }
}

/// One call being answered.
struct Call<'a> {
    api: Api,
    model: &'a Model,
    op: &'a Operation,
    values: &'a [(String, String)],
    config: &'a Config,
    request: &'a Incoming<'a>,
    /// The query parameters the operation declares, read as their types.
    query: HashMap<String, Value>,
}

type Answered = Result<Outcome, Outcome>;

impl Call<'_> {
    fn run(&mut self, store: &mut Store) -> Answered {
        self.authenticate()?;
        self.read_query()?;
        let body = self.read_body()?;
        for (family, param) in &self.op.requires {
            let key = self.value(param);
            let parents = self.parents(*family);
            if store.find(*family, &parents, &key).is_none() {
                return Err(self.not_found(&self.model.families[*family].name, &key));
            }
        }
        let status = self.op.success.status;
        let outcome = match &self.op.role {
            Role::List {
                family,
                paging,
                filters,
                matches,
            } => {
                let page = self.list(store, *family, paging, filters, matches)?;
                Outcome::json(status, &page)
            }
            Role::Create { family, answer } => {
                let parents = self.parents(*family);
                let key = store
                    .create(*family, &parents, &body)
                    .map_err(|r| self.refused(r))?;
                if let Some((_, upload)) = self.request.form.as_ref().and_then(|f| f.files.first())
                {
                    store.attach(*family, &parents, &key, upload.clone());
                }
                store
                    .apply(*family, &parents, &key, &self.op.effect.sets, &body)
                    .map_err(|r| self.refused(r))?;
                self.answer(store, *family, &parents, &key, *answer)?
            }
            Role::Read { family } => {
                let parents = self.parents(*family);
                let key = self.value(&self.model.families[*family].param);
                self.answer(store, *family, &parents, &key, Answer::Item)?
            }
            Role::Update { family, answer } => {
                let parents = self.parents(*family);
                let key = self.value(&self.model.families[*family].param);
                store
                    .update(*family, &parents, &key, &body)
                    .map_err(|r| self.refused(r))?;
                self.answer(store, *family, &parents, &key, *answer)?
            }
            Role::Delete { family, answer } => {
                let parents = self.parents(*family);
                let key = self.value(&self.model.families[*family].param);
                store
                    .remove(*family, &parents, &key)
                    .map_err(|r| self.refused(r))?;
                self.answer(store, *family, &parents, &key, *answer)?
            }
            Role::DeleteWhere {
                family,
                param,
                answer,
            } => self.delete_where(store, *family, param, *answer)?,
            Role::Link { family, answer } => self.link(store, *family, &body, *answer)?,
            Role::Unlink { family, answer } => {
                let parents = self.parents(*family);
                let key = self.value(&self.model.families[*family].param);
                store
                    .remove(*family, &parents, &key)
                    .map_err(|r| self.refused(r))?;
                self.answer(store, *family, &parents, &key, *answer)?
            }
            Role::Copy { family } => {
                let parents = self.parents(*family);
                let key = self.value(&self.model.families[*family].param);
                let copy = store
                    .copy(*family, &parents, &key)
                    .map_err(|r| self.refused(r))?;
                self.answer(store, *family, &parents, &copy, Answer::Item)?
            }
            Role::Action {
                family: Some(family),
                answer,
            } => {
                let parents = self.parents(*family);
                let key = self.value(&self.model.families[*family].param);
                if let Some(part) = &self.op.effect.part {
                    return self.part(store, *family, &parents, &key, part, body);
                }
                store
                    .apply(*family, &parents, &key, &self.op.effect.sets, &body)
                    .map_err(|r| self.refused(r))?;
                let entry = store
                    .find(*family, &parents, &key)
                    .ok_or_else(|| self.not_found(&self.model.families[*family].name, &key))?;
                match (&entry.file, answer) {
                    (Some(file), _) if self.op.effect.download => download(status, file),
                    (_, Answer::Item) => {
                        self.answer(store, *family, &parents, &key, Answer::Item)?
                    }
                    _ => {
                        // The example, showing the item's state where it
                        // shows that state.
                        let item = store.render(*family, entry);
                        let suggested = self
                            .op
                            .effect
                            .suggests
                            .as_ref()
                            .map(|s| self.suggest(store, s));
                        self.example_with(|example| {
                            for field in &self.op.effect.shows {
                                if let Some(value) = at(&item, field) {
                                    set_at(example, field, value.clone());
                                }
                            }
                            if let Some((suggests, hits)) =
                                self.op.effect.suggests.as_ref().zip(suggested)
                            {
                                set_at(example, &suggests.count, json!(hits.len()));
                                set_at(example, &suggests.hits, Value::Array(hits));
                                if let Some(query) = self.query.get(&suggests.query) {
                                    if example.get(&suggests.query).is_some() {
                                        example[suggests.query.as_str()] = query.clone();
                                    }
                                }
                            }
                        })
                    }
                }
            }
            Role::Action { .. } => self.example(),
            Role::Batch {
                family,
                status: status_field,
                success,
                failure,
                item,
                error,
            } => {
                let shape = BatchShape {
                    status: status_field,
                    success,
                    failure,
                    item,
                    error,
                };
                let outcomes = self.batch(store, *family, &body, &shape);
                Outcome::json(status, &outcomes)
            }
            Role::Holders {
                family,
                links,
                at: listed_at,
                fields,
            } => {
                let target = self.model.families[*links].link.expect("links link");
                let key = self.value(&self.model.families[target].param);
                let holders = store.holders(*family, *links, &key, fields);
                let mut answer = json!({});
                set_at(&mut answer, listed_at, Value::Array(holders));
                Outcome::json(status, &answer)
            }
            Role::Refers {
                family,
                owner,
                by,
                at: listed_at,
                fields,
            } => {
                let parents = self.parents(*owner);
                let key = self.value(&self.model.families[*owner].param);
                let entry = store
                    .find(*owner, &parents, &key)
                    .ok_or_else(|| self.not_found(&self.model.families[*owner].name, &key))?;
                let wanted: Option<Vec<String>> = at(&entry.value, by)
                    .and_then(Value::as_array)
                    .map(|keys| keys.iter().map(text).collect());
                let items: Vec<Value> = store
                    .list(*family, &[])
                    .into_iter()
                    .filter(|e| wanted.as_ref().is_none_or(|keys| keys.contains(&e.key)))
                    .map(|e| {
                        let item = store.render(*family, e);
                        let projected: Map<String, Value> = fields
                            .iter()
                            .filter_map(|f| Some((f.clone(), item.get(f)?.clone())))
                            .collect();
                        Value::Object(projected)
                    })
                    .collect();
                let mut answer = json!({});
                set_at(&mut answer, listed_at, Value::Array(items));
                Outcome::json(status, &answer)
            }
            Role::Find {
                family,
                by,
                found,
                item,
            } => {
                let parents = self.parents(*family);
                let wanted = at(&body, by);
                let hit = store
                    .list(*family, &parents)
                    .into_iter()
                    .find(|e| wanted.is_some() && at(&e.value, by) == wanted);
                let mut answer = json!({ found.as_str(): hit.is_some() });
                if let Some(entry) = hit {
                    answer[item.as_str()] = store.render(*family, entry);
                }
                Outcome::json(status, &answer)
            }
        };
        Ok(outcome)
    }

    /// The value of a path parameter.
    fn value(&self, name: &str) -> String {
        self.values
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// The keys of a family's ancestors, from the path.
    fn parents(&self, family: usize) -> Vec<String> {
        self.model
            .ancestors(family)
            .into_iter()
            .map(|a| self.value(&self.model.families[a].param))
            .collect()
    }

    fn error(&self, status: u16, message: &str) -> Outcome {
        error(
            self.api,
            self.model,
            Some(self.op),
            status,
            message,
            &self.request.request_id,
        )
    }

    fn not_found(&self, family: &str, key: &str) -> Outcome {
        let what = family.rsplit('/').next().unwrap_or(family);
        self.error(404, &format!("Not found: {what} {key:?} does not exist."))
    }

    /// A field the service finds fault with: 400 in the vendor's shape.
    fn invalid(&self, fault: &FieldFault) -> Outcome {
        let field = if fault.field.is_empty() {
            "non_field_errors"
        } else {
            fault.field.as_str()
        };
        let mut outcome = self.error(400, "");
        let Some((_, bytes)) = &mut outcome.body else {
            return outcome;
        };
        let mut body: Value = serde_json::from_slice(bytes).unwrap_or_default();
        match self.api {
            Api::Ods => {
                body["message"] = json!("Invalid input.");
                body["detail"] = json!({ field: [fault.reason] });
            }
            Api::Cloudinary if body["error"].get("category").is_some() => {
                body["error"]["message"] = json!(if fault.reason == schema::REQUIRED {
                    "missing fields".to_string()
                } else {
                    format!("invalid fields: {}", fault.reason)
                });
                body["error"]["details"] = json!({ "fields": [field] });
            }
            Api::Cloudinary => {
                body["error"]["message"] = json!(format!("{field}: {}", fault.reason));
            }
        }
        *bytes = serde_json::to_vec(&body).expect("a JSON value serializes");
        outcome
    }

    /// A refusal of the store, as the service answers it.
    fn refused(&self, refusal: Refusal) -> Outcome {
        match refusal {
            Refusal::NotFound(what) => {
                self.error(404, &format!("Not found: {what} does not exist."))
            }
            Refusal::Invalid(reason) => self.invalid(&FieldFault {
                field: String::new(),
                reason,
            }),
            Refusal::Conflict { field, value } if self.op.declares(409) => {
                let mut outcome = self.error(409, &format!("{field} {value:?} already exists"));
                if let Some((_, bytes)) = &mut outcome.body {
                    let mut body: Value = serde_json::from_slice(bytes).unwrap_or_default();
                    if body["error"].get("category").is_some() {
                        body["error"]["details"] = json!({ "fields": [{ field: value }] });
                        *bytes = serde_json::to_vec(&body).expect("a JSON value serializes");
                    }
                }
                outcome
            }
            Refusal::Conflict { field, value } => self.invalid(&FieldFault {
                field,
                reason: format!("An item with the value {value:?} already exists."),
            }),
        }
    }

    fn authenticate(&self) -> Result<(), Outcome> {
        match self.api {
            Api::Ods => {
                let from_header = self.request.authorization.and_then(|h| {
                    let (scheme, key) = h.trim().split_once(' ')?;
                    scheme.eq_ignore_ascii_case("apikey").then(|| key.trim())
                });
                let from_query = self
                    .request
                    .query
                    .iter()
                    .find(|(n, _)| n == "apikey")
                    .map(|(_, v)| v.as_str());
                match from_header.or(from_query) {
                    Some(key) if key == self.config.ods_api_key => Ok(()),
                    Some(_) => Err(self.error(401, "Incorrect authentication credentials.")),
                    None => Err(self.error(401, "Authentication credentials were not provided.")),
                }
            }
            Api::Cloudinary if self.op.public => Ok(()),
            Api::Cloudinary => {
                use base64::Engine as _;
                let pair = self
                    .request
                    .authorization
                    .and_then(|h| {
                        let (scheme, encoded) = h.trim().split_once(' ')?;
                        scheme.eq_ignore_ascii_case("basic").then_some(encoded)
                    })
                    .and_then(|encoded| {
                        base64::engine::general_purpose::STANDARD
                            .decode(encoded.trim())
                            .ok()
                    })
                    .and_then(|bytes| String::from_utf8(bytes).ok());
                let expected = format!(
                    "{}:{}",
                    self.config.cloudinary_api_key, self.config.cloudinary_api_secret
                );
                if pair.as_deref() != Some(expected.as_str()) {
                    return Err(self.error(401, "Invalid credentials"));
                }
                let account = self.value("account_id");
                if self.op.path.contains("{account_id}")
                    && account != self.config.cloudinary_account_id
                {
                    return Err(
                        self.error(401, &format!("Invalid credentials for account {account:?}"))
                    );
                }
                Ok(())
            }
        }
    }

    fn read_query(&mut self) -> Result<(), Outcome> {
        for param in self.op.params.iter().filter(|p| p.location == "query") {
            let texts: Vec<String> = self
                .request
                .query
                .iter()
                .filter(|(n, _)| *n == param.name)
                .map(|(_, v)| v.clone())
                // An empty value (`?search=`, as some clients send a
                // parameter they leave unset) is no value.
                .filter(|v| !v.is_empty())
                .collect();
            if texts.is_empty() {
                if param.required {
                    return Err(self.invalid(&FieldFault {
                        field: param.name.clone(),
                        reason: schema::REQUIRED.into(),
                    }));
                }
                continue;
            }
            let value =
                schema::parse_param(&self.model.schemas, &param.schema, &texts, &param.name)
                    .map_err(|f| self.invalid(&f))?;
            self.query.insert(param.name.clone(), value);
        }
        Ok(())
    }

    fn read_body(&self) -> Result<Value, Outcome> {
        let Some(body) = &self.op.body else {
            return Ok(Value::Object(Map::new()));
        };
        if self.op.multipart {
            return self.read_form(body);
        }
        let value = if self.request.body.iter().all(u8::is_ascii_whitespace) {
            let schema = schema::resolve(&self.model.schemas, &body.schema);
            if schema["type"] == "array" {
                Value::Array(Vec::new())
            } else {
                Value::Object(Map::new())
            }
        } else {
            serde_json::from_slice(self.request.body).map_err(|e| {
                self.invalid(&FieldFault {
                    field: String::new(),
                    reason: format!("JSON parse error - {e}"),
                })
            })?
        };
        // A batch answers for each element: only its being a list is
        // checked here.
        if matches!(self.op.role, Role::Batch { .. }) {
            if !value.is_array() {
                return Err(self.invalid(&FieldFault {
                    field: String::new(),
                    reason: "Expected a list of items.".into(),
                }));
            }
            return Ok(value);
        }
        schema::check(&self.model.schemas, &body.schema, &value, "")
            .map_err(|f| self.invalid(&f))?;
        Ok(value)
    }

    /// A multipart body as the fields of an item: its text fields, checked
    /// with its files against the body's schema, then the file's name and
    /// type where the operation says.
    fn read_form(&self, body: &crate::model::Body) -> Result<Value, Outcome> {
        let empty = Form::default();
        let form = self.request.form.as_ref().unwrap_or(&empty);
        let mut value = Map::new();
        for (name, text) in &form.fields {
            value.insert(name.clone(), Value::String(text.clone()));
        }
        for (name, upload) in &form.files {
            value.insert(name.clone(), Value::String(upload.name.clone()));
        }
        if body.required && value.is_empty() {
            return Err(self.invalid(&FieldFault {
                field: "file".into(),
                reason: "No file was submitted.".into(),
            }));
        }
        let mut value = Value::Object(value);
        schema::check(&self.model.schemas, &body.schema, &value, "")
            .map_err(|f| self.invalid(&f))?;
        if let Some(map) = value.as_object_mut() {
            for (name, _) in &form.files {
                map.remove(name);
            }
        }
        if let (Some(fields), Some((_, upload))) = (&self.op.effect.file, form.files.first()) {
            let prefix = fields.prefix.as_deref().unwrap_or_default();
            for name in &fields.name {
                set_at(&mut value, name, json!(format!("{prefix}{}", upload.name)));
            }
            if let Some(media) = &fields.media {
                set_at(&mut value, media, json!(upload.media));
            }
        }
        Ok(value)
    }

    /// The values already used at a place of a family's items that hold
    /// the query, in the order met, each once.
    fn suggest(&self, store: &Store, suggests: &crate::model::Suggests) -> Vec<Value> {
        let wanted = self
            .query
            .get(&suggests.query)
            .map(text)
            .unwrap_or_default()
            .to_lowercase();
        let limit = suggests
            .limit
            .as_ref()
            .and_then(|name| self.query.get(name))
            .and_then(Value::as_u64)
            .map_or(usize::MAX, |n| n as usize);
        let mut hits: Vec<Value> = Vec::new();
        for entry in store.all(suggests.family) {
            let item = store.render(suggests.family, entry);
            let found = suggests.value.iter().try_fold(&item, |value, segment| {
                match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    Some(param) => value.get(self.value(param)),
                    None => value.get(segment),
                }
            });
            let values = match found {
                Some(Value::Array(values)) => values.clone(),
                Some(Value::Null) | None => Vec::new(),
                Some(one) => vec![one.clone()],
            };
            for value in values {
                let holds = text(&value).to_lowercase().contains(&wanted);
                if holds && !hits.contains(&value) && hits.len() < limit {
                    hits.push(value);
                }
            }
        }
        hits
    }

    /// An operation on a part of an item (a dataset's metadata in one
    /// template): GET answers it, PUT replaces it with the body and answers
    /// it, DELETE removes it.
    fn part(
        &self,
        store: &mut Store,
        family: usize,
        parents: &[String],
        key: &str,
        part: &[String],
        body: Value,
    ) -> Answered {
        let field: Vec<String> = part
            .iter()
            .map(
                |segment| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    Some(param) => self.value(param),
                    None => segment.clone(),
                },
            )
            .collect();
        let dotted = field.join(".");
        let read = |store: &Store| {
            let entry = store.find(family, parents, key)?;
            let item = store.render(family, entry);
            field
                .iter()
                .try_fold(&item, |value, name| value.get(name))
                .cloned()
        };
        let missing = || {
            let name = &self.model.families[family].name;
            self.error(
                404,
                &format!("Not found: {name} {key:?} has no {:?}.", field.join(" ")),
            )
        };
        let status = self.op.success.status;
        let source = match self.op.method.as_str() {
            "GET" => {
                return read(store)
                    .map(|v| Outcome::json(status, &v))
                    .ok_or_else(missing)
            }
            "DELETE" => {
                read(store).ok_or_else(missing)?;
                Source::Remove
            }
            _ => Source::Value { value: body },
        };
        let set = Set {
            field: dotted,
            source,
            once: false,
        };
        store
            .apply(
                family,
                parents,
                key,
                std::slice::from_ref(&set),
                &Value::Null,
            )
            .map_err(|r| self.refused(r))?;
        Ok(match (&self.op.success.media, read(store)) {
            (Some(_), Some(value)) => Outcome::json(status, &value),
            _ => Outcome::empty(status),
        })
    }

    /// Creates (or links) each element of a batch, and answers one outcome
    /// per element, keyed by its position.
    fn batch(
        &self,
        store: &mut Store,
        family: usize,
        body: &Value,
        shape: &BatchShape<'_>,
    ) -> Value {
        let spec = &self.model.families[family];
        let parents = self.parents(family);
        let element_schema = self
            .op
            .body
            .as_ref()
            .map(|b| schema::resolve(&self.model.schemas, &b.schema)["items"].clone())
            .unwrap_or(Value::Null);
        let mut outcomes = Map::new();
        for (position, element) in body.as_array().into_iter().flatten().enumerate() {
            let done = schema::check(&self.model.schemas, &element_schema, element, "")
                .map_err(|fault| {
                    let reason = if fault.field.is_empty() {
                        fault.reason
                    } else {
                        format!("{}: {}", fault.field, fault.reason)
                    };
                    Refusal::Invalid(reason)
                })
                .and_then(|()| match spec.link {
                    Some(target) => {
                        let key = at(element, &spec.key).map(text).unwrap_or_default();
                        if store.find(target, &[], &key).is_none() {
                            let what = &self.model.families[target].name;
                            return Err(Refusal::NotFound(format!("{what} {key:?}")));
                        }
                        store.link(family, &parents, &key)?;
                        store.apply(target, &[], &key, &self.op.effect.sets, element)?;
                        Ok((target, Vec::new(), key))
                    }
                    None => {
                        let key = store.create(family, &parents, element)?;
                        store.apply(family, &parents, &key, &self.op.effect.sets, element)?;
                        Ok((family, parents.clone(), key))
                    }
                });
            let outcome = match done {
                Ok((f, parents, key)) => {
                    let entry = store.find(f, &parents, &key).expect("just stored");
                    json!({
                        shape.status: shape.success,
                        shape.item: store.render(f, entry),
                    })
                }
                Err(refusal) => {
                    let (code, message) = match refusal {
                        Refusal::NotFound(what) => ("not_found", format!("{what} does not exist.")),
                        Refusal::Conflict { field, value } => (
                            "validation_error",
                            format!("{field} {value:?} already exists."),
                        ),
                        Refusal::Invalid(reason) => ("validation_error", reason),
                    };
                    json!({
                        shape.status: shape.failure,
                        shape.error: {"error_code": code, "message": message},
                    })
                }
            };
            outcomes.insert(position.to_string(), outcome);
        }
        Value::Object(outcomes)
    }

    /// The answer of an operation on one item.
    fn answer(
        &self,
        store: &Store,
        family: usize,
        parents: &[String],
        key: &str,
        answer: Answer,
    ) -> Answered {
        let status = self.op.success.status;
        Ok(match answer {
            Answer::Item | Answer::Target => {
                let target = self.model.families[family]
                    .link
                    .filter(|_| answer == Answer::Target);
                let (family, parents) = match target {
                    Some(target) => (target, Vec::new()),
                    None => (family, parents.to_vec()),
                };
                let entry = store
                    .find(family, &parents, key)
                    .ok_or_else(|| self.not_found(&self.model.families[family].name, key))?;
                let mut value = store.render(family, entry);
                if let Some(field) = &self.model.families[family].envelope {
                    value = json!({ field.as_str(): value });
                }
                Outcome::json(status, &value)
            }
            Answer::List => {
                let page = self.list(store, family, &Paging::Unpaged, &[], &[])?;
                Outcome::json(status, &page)
            }
            Answer::Keys => Outcome::json(status, &json!([key])),
            Answer::Example => self.example(),
            Answer::Empty => Outcome::empty(status),
        })
    }

    /// The spec's example, with the path's values where the example has
    /// the parameters' examples.
    fn example(&self) -> Outcome {
        self.example_with(|_| {})
    }

    /// The same, changed by `change` before it is sent.
    fn example_with(&self, change: impl FnOnce(&mut Value)) -> Outcome {
        let status = self.op.success.status;
        let mut example = self.op.success.example.clone();
        for param in self.op.params.iter().filter(|p| p.location == "path") {
            if let Some(Value::String(old)) = &param.example {
                replace_text(&mut example, old, &self.value(&param.name));
            }
        }
        change(&mut example);
        match (&self.op.success.media, example) {
            (None, _) => Outcome::empty(status),
            (Some(media), Value::String(text)) if media != "application/json" => Outcome {
                status,
                body: Some((media.clone(), text.into_bytes())),
                headers: Vec::new(),
            },
            (Some(_), example) => Outcome::json(status, &example),
        }
    }

    /// One page of a family's listing, as the API pages it.
    fn list(
        &self,
        store: &Store,
        family: usize,
        paging: &Paging,
        filters: &[String],
        matches: &[Match],
    ) -> Result<Value, Outcome> {
        let parents = self.parents(family);
        let mut items: Vec<Value> = store
            .list(family, &parents)
            .into_iter()
            .map(|e| store.render(family, e))
            .collect();
        // A filter that, when given, makes the others ignored (Cloudinary's
        // `ids`).
        let alone = matches
            .iter()
            .find(|m| m.alone && self.query.contains_key(&m.param));
        let (filters, matches) = match alone {
            Some(alone) => (&[][..], std::slice::from_ref(alone)),
            None => (filters, matches),
        };
        for name in filters {
            let Some(wanted) = self.query.get(name) else {
                continue;
            };
            // A list sent as JSON text (Cloudinary's `policy_parameters`,
            // `["folder_id"]`) is that list.
            let wanted = match wanted {
                Value::String(text) if text.starts_with('[') => {
                    serde_json::from_str(text).unwrap_or_else(|_| wanted.clone())
                }
                _ => wanted.clone(),
            };
            items.retain(|item| match (&wanted, item.get(name)) {
                (Value::Array(any), Some(Value::Array(has))) => any.iter().any(|w| has.contains(w)),
                (Value::Array(any), Some(has)) => any.contains(has),
                (wanted, Some(Value::Array(has))) => has.contains(wanted),
                (wanted, Some(has)) => has == wanted,
                (_, None) => false,
            });
        }
        for filter in matches {
            let Some(wanted) = self.query.get(&filter.param) else {
                continue;
            };
            items.retain(|item| matched(item, filter, wanted, &self.query));
        }
        let items_at = &self.model.families[family].items_at;
        let total = items.len();
        let number = |name: &str| {
            self.query
                .get(name)
                .and_then(Value::as_u64)
                .map(|n| n as usize)
        };
        // A listing paged by its `next` link only reads the offset and
        // limit its links carry, which the operation does not declare.
        let raw = |name: &str| {
            self.request
                .query
                .iter()
                .rev()
                .find(|(n, _)| n == name)
                .and_then(|(_, v)| v.parse::<usize>().ok())
        };
        let mut page = json!({});
        match paging {
            Paging::Offset | Paging::NextLink => {
                let (limit, offset) = match paging {
                    Paging::NextLink => (
                        raw("limit").unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT),
                        raw("offset").unwrap_or(0),
                    ),
                    _ => (
                        number("limit").unwrap_or(DEFAULT_LIMIT),
                        number("offset").unwrap_or(0),
                    ),
                };
                let slice: Vec<Value> = items.into_iter().skip(offset).take(limit).collect();
                page["total_count"] = json!(total);
                page["next"] = if limit > 0 && offset + limit < total {
                    json!(self.page_link(&[("offset", offset + limit), ("limit", limit)]))
                } else {
                    Value::Null
                };
                page["previous"] = if offset > 0 {
                    json!(self
                        .page_link(&[("offset", offset.saturating_sub(limit)), ("limit", limit)]))
                } else {
                    Value::Null
                };
                set_at(&mut page, items_at, Value::Array(slice));
            }
            Paging::PageNumber { total: total_field } => {
                let slice: Vec<Value> = match number("page_size") {
                    Some(size) => {
                        let number = number("page").unwrap_or(1).max(1);
                        items
                            .into_iter()
                            .skip((number - 1) * size)
                            .take(size)
                            .collect()
                    }
                    None if number("page").unwrap_or(1) <= 1 => items,
                    None => Vec::new(),
                };
                set_at(&mut page, items_at, Value::Array(slice));
                if let Some(field) = total_field {
                    page[field.as_str()] = json!(total);
                }
            }
            Paging::Cursor { next } => {
                let start = match self.query.get("cursor").and_then(Value::as_str) {
                    Some(cursor) => decode_cursor(cursor).ok_or_else(|| {
                        self.invalid(&FieldFault {
                            field: "cursor".into(),
                            reason: "Invalid cursor.".into(),
                        })
                    })?,
                    None => 0,
                };
                let size = self.config.cursor_page_size.max(1);
                let slice: Vec<Value> = items.into_iter().skip(start).take(size).collect();
                set_at(&mut page, items_at, Value::Array(slice));
                if start + size < total {
                    page[next.as_str()] = json!(encode_cursor(start + size));
                }
            }
            Paging::Unpaged => set_at(&mut page, items_at, Value::Array(items)),
        }
        Ok(page)
    }

    /// The URL of another page: this request's, with other paging values.
    fn page_link(&self, paging: &[(&str, usize)]) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (name, value) in &self.request.query {
            if name != "apikey" && !paging.iter().any(|(p, _)| p == name) {
                query.append_pair(name, value);
            }
        }
        for (name, value) in paging {
            query.append_pair(name, &value.to_string());
        }
        let prefix = match self.api {
            Api::Ods => ODS_PREFIX,
            Api::Cloudinary => "",
        };
        format!(
            "{}{prefix}{}?{}",
            self.request.origin,
            self.request.raw_path,
            query.finish()
        )
    }

    fn delete_where(
        &self,
        store: &mut Store,
        family: usize,
        param: &str,
        answer: Answer,
    ) -> Answered {
        let parents = self.parents(family);
        let wanted: Vec<Value> = match self.query.get(param) {
            Some(Value::Array(values)) => values.clone(),
            Some(value) => vec![value.clone()],
            None => Vec::new(),
        };
        let key_field = self.model.families[family].key.clone();
        let doomed: Vec<String> = store
            .list(family, &parents)
            .into_iter()
            .filter(|e| {
                let field = e.value.get(param).or_else(|| at(&e.value, &key_field));
                field.is_some_and(|f| wanted.contains(f))
            })
            .map(|e| e.key.clone())
            .collect();
        if doomed.is_empty() && answer != Answer::Keys {
            let what = wanted.iter().map(text).collect::<Vec<_>>().join(", ");
            return Err(self.not_found(&self.model.families[family].name, &what));
        }
        for key in &doomed {
            store
                .remove(family, &parents, key)
                .map_err(|r| self.refused(r))?;
        }
        Ok(match answer {
            Answer::Keys => Outcome::json(self.op.success.status, &json!(doomed)),
            _ => self.example(),
        })
    }

    fn link(&self, store: &mut Store, family: usize, body: &Value, answer: Answer) -> Answered {
        let spec = &self.model.families[family];
        let parents = self.parents(family);
        let key = match self.values.iter().find(|(n, _)| *n == spec.param) {
            Some((_, value)) => value.clone(),
            None => at(body, &spec.key).map(text).unwrap_or_default(),
        };
        let target = spec.link.expect("a link family links");
        if store.find(target, &[], &key).is_none() {
            return Err(self.not_found(&self.model.families[target].name, &key));
        }
        let added = store
            .link(family, &parents, &key)
            .map_err(|r| self.refused(r))?;
        if !added && self.op.declares(409) {
            return Err(self.refused(Refusal::Conflict {
                field: spec.key.clone(),
                value: key,
            }));
        }
        self.answer(store, family, &parents, &key, answer)
    }
}

/// The page size of Opendatasoft's listings when the caller gives none
/// (the vendor's default `limit`); the pages a `next` link walks have it.
const DEFAULT_LIMIT: usize = 20;

/// The largest page Opendatasoft answers (the vendor's `limit` maximum).
const MAX_LIMIT: usize = 1000;

/// Whether an item passes a filter that compares other fields than its
/// parameter's name.
fn matched(item: &Value, filter: &Match, wanted: &Value, query: &HashMap<String, Value>) -> bool {
    let texts = || {
        filter
            .fields
            .iter()
            .filter_map(|f| at(item, f))
            .map(|v| match v {
                Value::String(s) => s.to_lowercase(),
                other => other.to_string().to_lowercase(),
            })
    };
    let wanted_text = match wanted {
        Value::String(s) => s.to_lowercase(),
        other => other.to_string().to_lowercase(),
    };
    match filter.how {
        MatchHow::Contains => texts().any(|t| t.contains(&wanted_text)),
        MatchHow::Prefix => texts().any(|t| t.starts_with(&wanted_text)),
        MatchHow::Range => {
            if wanted != &Value::Bool(true) {
                return true;
            }
            let bound = |i: usize| {
                filter
                    .bounds
                    .get(i)
                    .and_then(|name| query.get(name))
                    .map(text)
            };
            let (first, last) = (bound(0), bound(1));
            let inside = filter.fields.iter().filter_map(|f| at(item, f)).any(|v| {
                let Some(day) = v.as_str().map(|t| t.chars().take(10).collect::<String>()) else {
                    return false;
                };
                !day.is_empty()
                    && first.as_ref().is_none_or(|first| day >= *first)
                    && last.as_ref().is_none_or(|last| day <= *last)
            });
            let outside_wanted = filter
                .invert
                .as_ref()
                .is_some_and(|(param, value)| query.get(param).map(text).as_deref() == Some(value));
            inside != outside_wanted
        }
        MatchHow::Any => {
            let values: Vec<String> = match wanted {
                Value::Array(values) => values.iter().map(text).collect(),
                Value::String(s) => s.split(',').map(|v| v.trim().to_string()).collect(),
                other => vec![text(other)],
            };
            filter
                .fields
                .iter()
                .filter_map(|f| at(item, f))
                .any(|v| values.contains(&text(v)))
        }
    }
}

/// How a batch answers for each element: the names of its fields and the
/// values of its status.
struct BatchShape<'a> {
    status: &'a str,
    success: &'a str,
    failure: &'a str,
    item: &'a str,
    error: &'a str,
}

/// The answer of a download: the file's bytes, its type, and its name
/// (`Content-Disposition`).
fn download(status: u16, file: &Upload) -> Outcome {
    // The name as ASCII, and whole in RFC 5987's `filename*`.
    let ascii: String = file
        .name
        .chars()
        .map(|c| match c {
            '"' | '\\' => '_',
            c if c.is_ascii_graphic() || c == ' ' => c,
            _ => '_',
        })
        .collect();
    // RFC 5987's attr-char, left as it is.
    const ENCODED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'!')
        .remove(b'#')
        .remove(b'$')
        .remove(b'&')
        .remove(b'+')
        .remove(b'-')
        .remove(b'.')
        .remove(b'^')
        .remove(b'_')
        .remove(b'`')
        .remove(b'|')
        .remove(b'~');
    let encoded = percent_encoding::utf8_percent_encode(&file.name, ENCODED);
    Outcome {
        status,
        body: Some((file.media.clone(), file.bytes.clone())),
        headers: vec![(
            "content-disposition".into(),
            format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"),
        )],
    }
}

/// Replaces every string `old` inside `value` with `new`.
fn replace_text(value: &mut Value, old: &str, new: &str) {
    match value {
        Value::String(s) if s == old => *s = new.to_string(),
        Value::Array(items) => items.iter_mut().for_each(|v| replace_text(v, old, new)),
        Value::Object(map) => map.values_mut().for_each(|v| replace_text(v, old, new)),
        _ => {}
    }
}

/// A cursor names where the next page starts; it is opaque to callers.
fn encode_cursor(offset: usize) -> String {
    format!("{:x}", (offset as u64) ^ 0x5eed_cafe)
}

fn decode_cursor(cursor: &str) -> Option<usize> {
    u64::from_str_radix(cursor, 16)
        .ok()
        .map(|n| (n ^ 0x5eed_cafe) as usize)
}

/// An error answer in the vendor's shape: the body the operation documents
/// for the status (or, when it documents none, the spec's body for it
/// elsewhere), with our message.
pub(crate) fn error(
    api: Api,
    model: &Model,
    op: Option<&Operation>,
    status: u16,
    message: &str,
    request_id: &str,
) -> Outcome {
    let documented = op
        .and_then(|op| op.errors.get(&status.to_string()))
        .filter(|e| !e.is_null())
        .or_else(|| model.default_errors.get(&status))
        .cloned();
    let mut body = match (documented, api) {
        (Some(body), _) => body,
        (None, Api::Ods) => json!({"error_code": "error", "message": ""}),
        (None, Api::Cloudinary) => json!({"error": {"message": ""}}),
    };
    if body.get("message").is_some() || api == Api::Ods {
        if !message.is_empty() {
            body["message"] = json!(message);
        }
        if let Some(map) = body.as_object_mut() {
            map.remove("detail");
            if map.contains_key("trace_id") || api == Api::Ods {
                map.insert("trace_id".into(), json!(request_id));
            }
        }
    } else if body["error"].is_object() {
        if !message.is_empty() {
            body["error"]["message"] = json!(message);
        }
        if let Some(error) = body["error"].as_object_mut() {
            error.remove("details");
        }
    }
    Outcome::json(status, &body)
}

/// Makes a fresh request id (the `X-Request-Id` of an answer).
pub(crate) fn request_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(0);
    format!("{:016x}", hasher.finish())
}

/// The answer to a rate-limit fault.
pub(crate) fn rate_limited(
    api: Api,
    model: &Model,
    op: &Operation,
    retry_after: std::time::Duration,
    request_id: &str,
) -> Outcome {
    let status = if api == Api::Cloudinary && op.declares(420) {
        420
    } else {
        429
    };
    let secs = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
    let mut outcome = error(api, model, Some(op), status, "", request_id);
    outcome
        .headers
        .push(("retry-after".into(), secs.to_string()));
    if api == Api::Cloudinary {
        let reset: chrono::DateTime<chrono::Utc> =
            (std::time::SystemTime::now() + std::time::Duration::from_secs(secs)).into();
        outcome.headers.extend([
            ("x-featureratelimit-limit".into(), "5000".into()),
            ("x-featureratelimit-remaining".into(), "0".into()),
            (
                "x-featureratelimit-reset".into(),
                reset.format("%a, %d %b %Y %H:%M:%S GMT").to_string(),
            ),
        ]);
    }
    outcome
}
