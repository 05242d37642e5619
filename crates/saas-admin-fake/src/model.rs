//! The model of each API the xtask derives from its spec (see
//! `xtask/src/fake.rs`): operations, resource families and seeds, read once
//! from the generated JSON.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::Api;

/// One API's model.
#[derive(Debug, Deserialize)]
pub(crate) struct Model {
    pub operations: Vec<Operation>,
    pub families: Vec<Family>,
    pub schemas: HashMap<String, Value>,
    /// The first example body the spec gives for each error status, for
    /// statuses an operation does not declare itself.
    #[serde(skip)]
    pub default_errors: BTreeMap<u16, Value>,
}

/// One operation of the spec.
#[derive(Debug, Deserialize)]
pub(crate) struct Operation {
    pub id: String,
    pub method: String,
    pub path: String,
    pub public: bool,
    pub multipart: bool,
    pub params: Vec<Param>,
    pub body: Option<Body>,
    pub success: Success,
    pub errors: BTreeMap<String, Value>,
    /// The families whose item the path names, with the parameter naming
    /// it: each must exist, or the answer is 404.
    pub requires: Vec<(usize, String)>,
    pub role: Role,
    /// What it changes beyond what its role says (`x-saas-admin-fake`).
    #[serde(default)]
    pub effect: Effect,
}

/// What an operation changes on the item its path names (or on each item
/// a batch creates), and what its answer shows of it.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Effect {
    /// Fields set, in no particular order: each reads the state before.
    pub sets: Vec<Set>,
    /// Fields of the item an answer given by example shows.
    pub shows: Vec<String>,
    /// Where the file of a multipart upload is named in the item.
    pub file: Option<FileFields>,
    /// Whether the answer is the file uploaded for the item.
    pub download: bool,
    /// The part of the item the operation reads, replaces or removes, by
    /// segments; `{param}` ones are the path's values.
    pub part: Option<Vec<String>>,
    /// The values the answer suggests.
    pub suggests: Option<Suggests>,
}

/// Where the values an answer suggests come from: the distinct values at
/// `value` (segments; `{param}` ones are the path's values) across the
/// items of `family` that hold the query parameter `query`, at most
/// `limit` (a query parameter) of them; under `hits`, their number under
/// `count`.
#[derive(Debug, Deserialize)]
pub(crate) struct Suggests {
    pub family: usize,
    pub value: Vec<String>,
    pub hits: String,
    pub count: String,
    pub query: String,
    pub limit: Option<String>,
}

/// One field an operation sets.
#[derive(Debug, Deserialize)]
pub(crate) struct Set {
    /// A dotted name (`revocation_status.revoked_at`).
    pub field: String,
    pub source: Source,
    /// Whether a value already set stays.
    pub once: bool,
}

/// Where a field's new value comes from.
#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(crate) enum Source {
    Value {
        value: Value,
    },
    /// The time of the call, `date-time` or `epoch`.
    Now {
        format: String,
    },
    /// A field of the request's body (or of the batch's element), maybe as
    /// a one-item list.
    Body {
        field: String,
        list: bool,
    },
    /// Another field of the item, as it was.
    Field {
        field: String,
    },
    Remove,
}

/// The item's fields that name an uploaded file.
#[derive(Debug, Deserialize)]
pub(crate) struct FileFields {
    pub name: Vec<String>,
    #[serde(rename = "type")]
    pub media: Option<String>,
    /// What goes before the name (an image's URL path).
    pub prefix: Option<String>,
}

impl Operation {
    /// Whether the operation declares an error status.
    pub fn declares(&self, status: u16) -> bool {
        self.errors.contains_key(&status.to_string())
    }
}

/// A parameter of an operation.
#[derive(Debug, Deserialize)]
pub(crate) struct Param {
    pub name: String,
    #[serde(rename = "in")]
    pub location: String,
    pub required: bool,
    pub schema: Value,
    pub example: Option<Value>,
}

/// A request body.
#[derive(Debug, Deserialize)]
pub(crate) struct Body {
    pub required: bool,
    pub schema: Value,
}

/// The success answer the spec documents.
#[derive(Debug, Deserialize)]
pub(crate) struct Success {
    pub status: u16,
    pub media: Option<String>,
    pub example: Value,
}

/// What an operation does to the families.
#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(crate) enum Role {
    List {
        family: usize,
        paging: Paging,
        /// Query parameters named like the item field they must equal.
        filters: Vec<String>,
        /// Query parameters that compare other fields otherwise.
        #[serde(default)]
        matches: Vec<Match>,
    },
    Create {
        family: usize,
        answer: Answer,
    },
    Read {
        family: usize,
    },
    Update {
        family: usize,
        answer: Answer,
    },
    Delete {
        family: usize,
        answer: Answer,
    },
    /// Deletes the items whose field (or key) the query parameter names.
    DeleteWhere {
        family: usize,
        param: String,
        answer: Answer,
    },
    Link {
        family: usize,
        answer: Answer,
    },
    Unlink {
        family: usize,
        answer: Answer,
    },
    Copy {
        family: usize,
    },
    Action {
        family: Option<usize>,
        answer: Answer,
    },
    /// Creates (or links) each element of the body in the family, and
    /// answers one outcome per element, keyed by its position: the
    /// `status` field says `success` (the item under `item`) or `failure`
    /// (what went wrong under `error`).
    Batch {
        family: usize,
        status: String,
        success: String,
        failure: String,
        item: String,
        error: String,
    },
    /// Lists the items of `family` whose links (`links`, a sub-collection
    /// of `family`) hold the item the path names, under `at`, each with
    /// `fields` only.
    Holders {
        family: usize,
        links: usize,
        at: String,
        fields: Vec<String>,
    },
    /// Lists, under `at`, the items of `family` whose keys the item of
    /// `owner` the path names lists in its field `by`, or all of them when
    /// it has none; each with `fields` only.
    Refers {
        family: usize,
        owner: usize,
        by: String,
        at: String,
        fields: Vec<String>,
    },
    /// Looks for the item whose field `by` has the body's value: answers
    /// whether there is one (`found`) and the item (`item`).
    Find {
        family: usize,
        by: String,
        found: String,
        item: String,
    },
}

/// What an operation answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Answer {
    /// The item the path names (or the one created).
    Item,
    /// The family's listing.
    List,
    /// The item a link points to.
    Target,
    /// The spec's example, adapted to the path's values.
    Example,
    /// No body.
    Empty,
    /// The keys of the items removed.
    Keys,
}

/// A query parameter that filters a listing by other fields.
#[derive(Debug, Deserialize)]
pub(crate) struct Match {
    pub param: String,
    #[serde(rename = "match")]
    pub how: MatchHow,
    pub fields: Vec<String>,
    /// When given, the listing's other filters are ignored.
    #[serde(default)]
    pub alone: bool,
    /// For a range: the parameters holding its first and last values.
    #[serde(default)]
    pub bounds: Vec<String>,
    /// For a range: the parameter and value that keep the items outside it.
    #[serde(default)]
    pub invert: Option<(String, String)>,
}

/// How a [`Match`] compares.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum MatchHow {
    /// The text is in one of the fields, whatever the case (`search`).
    Contains,
    /// One of the fields starts with the text, whatever the case.
    Prefix,
    /// One of the fields equals one of the values (comma-separated).
    Any,
    /// The parameter is a flag: when on, the field lies between the
    /// bounds (dates compared as text, by the day).
    Range,
}

/// How a listing pages.
#[derive(Debug, Deserialize)]
#[serde(tag = "style", rename_all = "kebab-case")]
pub(crate) enum Paging {
    /// Opendatasoft's `limit` and `offset`, with `total_count`, `next` and
    /// `previous`.
    Offset,
    /// Cloudinary's `page` and `page_size`, with the total in `total` when
    /// the listing has one.
    PageNumber { total: Option<String> },
    /// Pages like `Offset`'s for a listing that takes no paging parameters:
    /// pages of the service's default size, each linking the next one by
    /// a URL with the offset and limit it needs.
    NextLink,
    /// Cloudinary's `cursor`, the next one in `next`.
    Cursor { next: String },
    /// Everything at once.
    #[serde(rename = "none")]
    Unpaged,
}

/// A resource family.
#[derive(Debug, Deserialize)]
pub(crate) struct Family {
    /// The collection's path below the API root, without the account
    /// prefix (`groups/{group_uid}/users`).
    pub name: String,
    pub param: String,
    /// Where the key is in an item (`uid`, or `user.username`).
    pub key: String,
    pub parent: Option<usize>,
    pub link: Option<usize>,
    pub link_fields: Vec<String>,
    pub items_at: String,
    pub envelope: Option<String>,
    pub key_shape: KeyShape,
    /// What the service sets on a new item (from the spec's example).
    pub template: Map<String, Value>,
    /// What a new item has when the caller does not send it.
    pub defaults: Map<String, Value>,
    pub now: BTreeMap<String, String>,
    pub touch: Vec<String>,
    pub counts: BTreeMap<String, usize>,
    pub embedded: BTreeMap<String, usize>,
    /// Lists of the items holding this one through a collection of links
    /// (an Opendatasoft user's `groups`), by field.
    #[serde(default)]
    pub holders: BTreeMap<String, Holding>,
    pub unique: Vec<String>,
    pub seeds: Vec<Seed>,
}

/// Which items hold an item through a collection of links.
#[derive(Debug, Deserialize)]
pub(crate) struct Holding {
    /// The holders' family (top-level).
    pub family: usize,
    /// The collection of links under each holder.
    pub links: usize,
    /// The holders' fields each entry shows.
    pub fields: Vec<String>,
}

/// How the service makes a new item's key.
#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(crate) enum KeyShape {
    /// The caller gives it.
    Given,
    Counter,
    Uuid,
    Digits {
        len: usize,
    },
    Hex {
        len: usize,
    },
    /// A slug of a text field, maybe with a random suffix.
    Slug {
        from: String,
        sep: String,
        suffix: Option<usize>,
    },
    Prefixed {
        prefix: String,
        len: usize,
    },
    Alnum {
        len: usize,
    },
}

/// An example item, under its parents' keys.
#[derive(Debug, Deserialize)]
pub(crate) struct Seed {
    pub parents: Vec<String>,
    pub item: Value,
}

/// The model of an API, read on first use.
pub(crate) fn model(api: Api) -> Arc<Model> {
    static ODS: OnceLock<Arc<Model>> = OnceLock::new();
    static CLOUDINARY: OnceLock<Arc<Model>> = OnceLock::new();
    let (cell, json) = match api {
        Api::Ods => (&ODS, crate::generated_ods::MODEL),
        Api::Cloudinary => (&CLOUDINARY, crate::generated_cloudinary::MODEL),
    };
    cell.get_or_init(|| {
        let mut model: Model =
            serde_json::from_str(json).expect("the generated model is valid JSON of its shape");
        for op in &model.operations {
            for (status, example) in &op.errors {
                if let Ok(status) = status.parse::<u16>() {
                    if !example.is_null() {
                        model
                            .default_errors
                            .entry(status)
                            .or_insert_with(|| example.clone());
                    }
                }
            }
        }
        Arc::new(model)
    })
    .clone()
}

/// A path parameter's name and value.
pub(crate) type PathValues = Vec<(String, String)>;

/// A path split into segments, each percent-decoded.
pub(crate) fn segments(path: &str) -> Vec<String> {
    path.split('/')
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect()
}

/// Matches the segments of a request path against a template
/// (`/groups/{group_uid}/`): the values of its parameters, or `None`.
/// A parameter matches any segment that is not empty.
pub(crate) fn match_template(template: &str, path: &[String]) -> Option<(PathValues, usize)> {
    let parts: Vec<&str> = template.split('/').collect();
    if parts.len() != path.len() {
        return None;
    }
    let mut values = Vec::new();
    let mut literals = 0;
    for (part, segment) in parts.iter().zip(path) {
        match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
            Some(name) if !segment.is_empty() => values.push((name.to_string(), segment.clone())),
            Some(_) => return None,
            None if part == segment => literals += 1,
            None => return None,
        }
    }
    Some((values, literals))
}

impl Model {
    /// The operation a method and path name, with its path parameters; or
    /// `Err(true)` when the path is known under another method (405),
    /// `Err(false)` when it is not known at all (404). Literal segments win
    /// over parameters (`/users/export/` over `/users/{username}/`).
    pub fn route(&self, method: &str, path: &[String]) -> Result<(usize, PathValues), bool> {
        let mut best: Option<(usize, PathValues, usize)> = None;
        let mut other_method = false;
        for (i, op) in self.operations.iter().enumerate() {
            let Some((values, literals)) = match_template(&op.path, path) else {
                continue;
            };
            if op.method != method {
                other_method = true;
                continue;
            }
            if best.as_ref().is_none_or(|(_, _, l)| literals > *l) {
                best = Some((i, values, literals));
            }
        }
        match best {
            Some((i, values, _)) => Ok((i, values)),
            None => Err(other_method),
        }
    }

    /// The ancestors of a family, outermost first.
    pub fn ancestors(&self, family: usize) -> Vec<usize> {
        let mut chain = Vec::new();
        let mut at = self.families[family].parent;
        while let Some(i) = at {
            chain.push(i);
            at = self.families[i].parent;
        }
        chain.reverse();
        chain
    }
}
