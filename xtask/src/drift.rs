//! `cargo xtask drift [--strict] VENDOR_DOC`: what differs between a curated
//! spec and a vendor's OpenAPI document, operation by operation. When a
//! vendor updates its API, this is where the maintainer starts.
//!
//! Both documents are read as plain JSON values (the vendor's documents do
//! not always fit a strict OpenAPI model), and compared on facts: which
//! operations exist, their parameters, request and response fields (with
//! their types, enum values and whether they are required) and status
//! codes. Descriptions are ours and never compared.
//!
//! Where the curated spec differs on purpose, it says so with a
//! [`EXTENSION`] note on the place that differs (see [`REASONS`]).
//! `--strict` fails on every difference without a note, and on every note
//! that no longer declares a difference, so notes never rot.
//!
//! # Where a note goes
//!
//! A note is `{reason, note}` (or a list of them), `reason` one of
//! [`REASONS`], `note` our own short words why:
//!
//! - on a parameter (or its schema): that parameter's type, enum values or
//!   requiredness;
//! - on a schema: the type and enum values of each field that schema
//!   describes, wherever it is used; on a property the curated spec adds,
//!   that property;
//! - on the schema enclosing a field (an object, its `allOf` part, a union
//!   variant, the items of an array, or a request body or response), with
//!   `fields: [name, ...]`: whether each named field is there (a field
//!   added or left out is one difference, with all under it), its type,
//!   enum values and requiredness; with `name.*`, also every field under it
//!   (an object typed in full where the vendor has a stub, say);
//! - on an operation, with `fields` (for the top level of its bodies),
//!   `parameters: [name, ...]` (a parameter left out) or
//!   `statuses: [code, ...]` (a status code left out or added); without any
//!   of them, on an operation the vendor's document does not have;
//! - on a response: that status code, added;
//! - on a request body or response (or the schema it has): a body of
//!   another type altogether (text for JSON, a list for an object);
//! - on a map (`additionalProperties` and no `properties`): each field the
//!   vendor names where the curated spec has the map (it is one of its keys).
//!
//! `in: request` (or `response`) limits a note to that side of the call: a
//! field a request must carry and an answer always has, say.
//!
//! Extensions do not change the generated code: progenitor ignores them.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// The extension that declares a deliberate difference from the vendor's
/// document.
pub const EXTENSION: &str = "x-saas-admin-deviation";

/// Why a curated spec may differ from the vendor's document, each with what
/// it covers. Kept small: a new kind of difference needs a new reason here.
pub const REASONS: [(&str, &str); 13] = [
    (
        "integer-count",
        "a count, limit, offset or page number is an integer where the vendor \
         says number",
    ),
    (
        "typed-free-form",
        "an object is described field by field, a union told apart by kind, or \
         a closed set of values an enum, where the vendor's document leaves it \
         free-form or gives it in prose or examples only",
    ),
    (
        "keyed-map",
        "an object whose keys are data (template, field or content-type names \
         the service or portal defines) is a map, where the vendor lists some \
         keys as fields",
    ),
    (
        "server-set",
        "what the service sets (ids, timestamps, counters, summaries) is left \
         out of what a caller sends",
    ),
    (
        "always-sent",
        "a response field the service always sends (an identifier, a name, the \
         items of a page, an answer's envelope) is required",
    ),
    (
        "optional-in-response",
        "a response field the vendor marks required is optional: the service \
         may leave it out or null it (a hidden secret, a run that never \
         happened), and the client decodes the answer without it",
    ),
    (
        "request-requirement",
        "a request field or parameter is required, or optional, as the service \
         checks it, where the vendor's document says otherwise",
    ),
    (
        "service-sends-more",
        "the service sends or takes a field, value, status code or shape the \
         vendor's document leaves out",
    ),
    (
        "vendor-doc-error",
        "the vendor's document is wrong (a body on a GET, a field on the wrong \
         schema, a type its own examples contradict); the curated spec follows \
         the service",
    ),
    (
        "comma-separated",
        "a list parameter is sent as one comma-separated text",
    ),
    (
        "by-reference",
        "an object the service can also give or take in full (expanded) is \
         described by its reference (uid or username); its other members, \
         credentials among them, come from its own operations",
    ),
    (
        "redirect-followed",
        "a redirect the HTTP client follows is not an answer of the operation",
    ),
    (
        "shared-schema",
        "one schema serves shapes the vendor describes apart (a list entry and \
         the single item); what only one of them has is optional",
    ),
];

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Path segments followed into nested fields; deeper fields are not
/// compared (and recursive schemas stop here).
const MAX_DEPTH: usize = 8;

/// Reads a JSON or YAML document.
pub fn load(path: &std::path::Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_yaml::from_str(&text).map_err(|e| format!("{}: not JSON or YAML: {e}", path.display()))
}

/// An operation's place: method and path with parameter names blanked, so
/// `/groups/{group_uid}` and `/groups/{id}` are the same operation.
type Key = (String, String);

fn key(method: &str, path: &str) -> Key {
    let mut blank = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                blank.push_str("{}");
            }
            '}' => in_param = false,
            c if !in_param => blank.push(c),
            _ => {}
        }
    }
    (method.to_uppercase(), blank)
}

/// A JSON pointer's token for a key.
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

struct Op<'a> {
    path: &'a str,
    id: &'a str,
    /// JSON pointer of the path item.
    item_ptr: String,
    item: &'a Value,
    /// JSON pointer of the operation.
    ptr: String,
    op: &'a Value,
}

fn operations(doc: &Value) -> BTreeMap<Key, Op<'_>> {
    let mut out = BTreeMap::new();
    if let Some(paths) = doc["paths"].as_object() {
        for (path, item) in paths {
            let item_ptr = format!("/paths/{}", escape(path));
            for method in METHODS {
                if let Some(op) = item.get(method) {
                    let id = op["operationId"].as_str().unwrap_or("");
                    out.insert(
                        key(method, path),
                        Op {
                            path,
                            id,
                            ptr: format!("{item_ptr}/{method}"),
                            item_ptr: item_ptr.clone(),
                            item,
                            op,
                        },
                    );
                }
            }
        }
    }
    out
}

/// Follows `$ref`s within the document.
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    chain(doc, String::new(), value)
        .last()
        .map(|(_, v)| *v)
        .unwrap_or(value)
}

/// A node, at its pointer, and the nodes its `$ref`s lead to.
fn chain<'a>(doc: &'a Value, ptr: String, value: &'a Value) -> Vec<(String, &'a Value)> {
    let mut out = vec![(ptr, value)];
    let mut value = value;
    for _ in 0..32 {
        let Some(pointer) = value
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
        else {
            break;
        };
        match doc.pointer(pointer) {
            Some(target) => {
                value = target;
                out.push((pointer.to_string(), target));
            }
            None => break,
        }
    }
    out
}

/// A schema's type, in short: `string`, `integer`, `array<string>`, ...
/// Null is left out: `nullable: true` and a `type: null` union mean the same.
fn type_name(doc: &Value, schema: &Value) -> String {
    let schema = resolve(doc, schema);
    let non_null = |v: &&Value| v.get("type").and_then(Value::as_str) != Some("null");
    for union in ["anyOf", "oneOf"] {
        if let Some(variants) = schema[union].as_array() {
            let names: BTreeSet<String> = variants
                .iter()
                .filter(non_null)
                .map(|v| type_name(doc, v))
                .collect();
            return names.into_iter().collect::<Vec<_>>().join("|");
        }
    }
    let ty = match &schema["type"] {
        Value::String(ty) => ty.clone(),
        Value::Array(types) => types
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| *t != "null")
            .collect::<Vec<_>>()
            .join("|"),
        // `allOf: [X]` (with `nullable` or a description beside it) is X.
        _ if schema.get("allOf").is_some() && schema.get("properties").is_none() => {
            let parts: BTreeSet<String> = schema["allOf"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|part| type_name(doc, part))
                .filter(|t| t != "any")
                .collect();
            match parts.len() {
                1 => parts.into_iter().next().expect("one part"),
                _ => "object".to_string(),
            }
        }
        _ if schema.get("properties").is_some() => "object".to_string(),
        _ => "any".to_string(),
    };
    if ty == "array" {
        format!("array<{}>", type_name(doc, &schema["items"]))
    } else {
        ty
    }
}

/// The alternatives of a type name: `string|array<integer|string>` is
/// `string` and `array<integer|string>`.
fn alternatives(type_name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in type_name.char_indices() {
        match c {
            '<' => depth += 1,
            '>' => depth -= 1,
            '|' if depth == 0 => {
                out.push(type_name[start..i].to_string());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(type_name[start..].to_string());
    out
}

/// A schema's enum values (through `$ref`, arrays and unions).
fn enum_values(doc: &Value, schema: &Value) -> BTreeSet<String> {
    let schema = resolve(doc, schema);
    let mut values: BTreeSet<String> = schema["enum"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|v| !v.is_null())
        .map(|v| {
            v.as_str()
                .map(str::to_string)
                .unwrap_or_else(|| v.to_string())
        })
        .collect();
    if schema["type"] == "array" {
        values.extend(enum_values(doc, &schema["items"]));
    }
    for union in ["anyOf", "oneOf", "allOf"] {
        for part in schema[union].as_array().into_iter().flatten() {
            values.extend(enum_values(doc, part));
        }
    }
    values
}

/// One schema node that describes a field, at its JSON pointer; `items`
/// says how many arrays deep it is (the items of the field's array are
/// nodes of the same field).
struct Node<'a> {
    ptr: String,
    value: &'a Value,
    items: usize,
}

/// Every node that describes the same value as `value`: its `$ref`s, the
/// parts of its `allOf`, `oneOf` and `anyOf`, the schemas its discriminator
/// maps to, and the items of an array.
fn expand<'a>(doc: &'a Value, ptr: String, value: &'a Value) -> Vec<Node<'a>> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    let mut todo = vec![(ptr, value, 0)];
    while let Some((ptr, value, items)) = todo.pop() {
        for (ptr, value) in chain(doc, ptr, value) {
            if !seen.insert((ptr.clone(), items)) {
                break;
            }
            let mut next = Vec::new();
            for combined in ["allOf", "oneOf", "anyOf"] {
                for (i, part) in value[combined].as_array().into_iter().flatten().enumerate() {
                    next.push((format!("{ptr}/{combined}/{i}"), part, items));
                }
            }
            let mapping = value["discriminator"]["mapping"].as_object();
            for target in mapping.into_iter().flat_map(|m| m.values()) {
                let pointer = target.as_str().and_then(|t| t.strip_prefix('#'));
                if let Some((pointer, target)) = pointer.and_then(|p| Some((p, doc.pointer(p)?))) {
                    next.push((pointer.to_string(), target, items));
                }
            }
            if let Some(element) = value.get("items") {
                next.push((format!("{ptr}/items"), element, items + 1));
            }
            // Depth first, in document order.
            todo.extend(next.into_iter().rev());
            out.push(Node { ptr, value, items });
        }
    }
    out
}

/// The path of a field named `name` inside the value at `path`, `items`
/// arrays deep: `results[].uid`, `[].email`, `user.email`.
fn child_path(path: &str, items: usize, name: &str) -> String {
    let brackets = "[]".repeat(items);
    match (path.is_empty(), items) {
        (true, 0) => name.to_string(),
        (true, _) => format!("{brackets}.{name}"),
        (false, _) => format!("{path}{brackets}.{name}"),
    }
}

/// What one side says of one field of a body.
#[derive(Default)]
struct Field {
    /// The enclosing field's path ("" for the top level of the body).
    parent: String,
    /// The field's name in its enclosing object.
    name: String,
    types: BTreeSet<String>,
    enums: BTreeSet<String>,
    required: bool,
    /// Its definitions: the `properties` members that name it.
    definitions: Vec<String>,
    /// The schema nodes that describe it, where notes on its type and
    /// enum values may sit, in the order they were found.
    nodes: Vec<String>,
}

impl Field {
    fn type_text(&self) -> String {
        self.types.iter().cloned().collect::<Vec<_>>().join("|")
    }
}

/// What one side says of a request or response body, flattened: nested
/// fields as dotted paths (`results[].uid`).
#[derive(Default)]
struct Body {
    /// The nodes describing the body as a whole: the request body or
    /// responses, and their schemas, in the order they were found.
    root: Vec<String>,
    /// The body's type (`object`, `array<object>`, `string`, ...).
    types: BTreeSet<String>,
    fields: BTreeMap<String, Field>,
    /// The nodes that are maps (`additionalProperties` and no
    /// `properties`): a field the other side names is a key of them.
    maps: BTreeSet<String>,
}

fn walk_body(doc: &Value, roots: Vec<Node>, request: bool, body: &mut Body) {
    for node in &roots {
        if !body.root.contains(&node.ptr) {
            body.root.push(node.ptr.clone());
        }
        if is_map(node.value) {
            body.maps.insert(node.ptr.clone());
        }
    }
    walk(doc, "", &roots, request, 0, body);
}

/// Whether a schema is a map: members by key, none named.
fn is_map(schema: &Value) -> bool {
    schema.get("properties").is_none()
        && matches!(
            schema.get("additionalProperties"),
            Some(Value::Object(_) | Value::Bool(true))
        )
}

/// A `properties` member that defines a field: its pointer and schema.
type Definition<'a> = (String, &'a Value);

fn walk(doc: &Value, path: &str, nodes: &[Node], request: bool, depth: usize, body: &mut Body) {
    if depth >= MAX_DEPTH {
        return;
    }
    // Each field's name and definitions, in document order.
    let mut children: BTreeMap<String, (String, Vec<Definition>)> = BTreeMap::new();
    let mut required = BTreeSet::new();
    let mut discriminated: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for node in nodes {
        if let Some(properties) = node.value["properties"].as_object() {
            for (name, field) in properties {
                let resolved = resolve(doc, field);
                let flag = |f: &str| field[f] == true || resolved[f] == true;
                // What the server sets is not part of a request, and what
                // only a caller sends is not part of a response.
                if (request && flag("readOnly")) || (!request && flag("writeOnly")) {
                    continue;
                }
                children
                    .entry(child_path(path, node.items, name))
                    .or_insert_with(|| (name.clone(), Vec::new()))
                    .1
                    .push((format!("{}/properties/{}", node.ptr, escape(name)), field));
            }
        }
        for name in node.value["required"].as_array().into_iter().flatten() {
            if let Some(name) = name.as_str() {
                required.insert(child_path(path, node.items, name));
            }
        }
        let discriminator = &node.value["discriminator"];
        if let (Some(name), Some(mapping)) = (
            discriminator["propertyName"].as_str(),
            discriminator["mapping"].as_object(),
        ) {
            discriminated
                .entry(child_path(path, node.items, name))
                .or_default()
                .extend(mapping.keys().cloned());
        }
    }
    for (child, (name, definitions)) in children {
        let mut field = Field {
            parent: path.to_string(),
            name,
            required: required.contains(&child),
            enums: discriminated.remove(&child).unwrap_or_default(),
            ..Field::default()
        };
        let mut child_nodes = Vec::new();
        let mut seen = BTreeSet::new();
        for (ptr, schema) in definitions {
            field.definitions.push(ptr.clone());
            field.types.extend(alternatives(&type_name(doc, schema)));
            field.enums.extend(enum_values(doc, schema));
            for node in expand(doc, ptr, schema) {
                if seen.insert((node.ptr.clone(), node.items)) {
                    if !field.nodes.contains(&node.ptr) {
                        field.nodes.push(node.ptr.clone());
                    }
                    if is_map(node.value) {
                        body.maps.insert(node.ptr.clone());
                    }
                    child_nodes.push(node);
                }
            }
        }
        body.fields.insert(child.clone(), field);
        walk(doc, &child, &child_nodes, request, depth + 1, body);
    }
}

/// What one side says of one parameter.
struct Param {
    ty: String,
    required: bool,
    enums: BTreeSet<String>,
    /// The parameter object and its schema's nodes, where notes may sit.
    nodes: BTreeSet<String>,
}

/// What one side says of an operation, flattened for comparison.
#[derive(Default)]
struct Facts {
    /// "query limit" → what is said of it
    parameters: BTreeMap<String, Param>,
    request: Body,
    response: Body,
    /// Status code → the nodes of its response.
    statuses: BTreeMap<String, BTreeSet<String>>,
    /// A `default` response: it stands for every status not listed.
    has_default: bool,
}

fn facts(doc: &Value, op: &Op) -> Facts {
    let mut facts = Facts::default();
    let params = [(&op.item_ptr, op.item), (&op.ptr, op.op)]
        .into_iter()
        .flat_map(|(ptr, holder)| {
            holder["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
                .map(move |(i, p)| (format!("{ptr}/parameters/{i}"), p))
        });
    for (ptr, param) in params {
        let links = chain(doc, ptr, param);
        let (ptr, param) = links.last().cloned().expect("a chain holds its start");
        let (Some(name), Some(place)) = (param["name"].as_str(), param["in"].as_str()) else {
            continue;
        };
        // Path parameters are compared by position (in the key), not by name.
        if place == "path" {
            continue;
        }
        let schema = &param["schema"];
        let mut nodes: BTreeSet<String> = links.iter().map(|(p, _)| p.clone()).collect();
        nodes.extend(
            expand(doc, format!("{ptr}/schema"), schema)
                .into_iter()
                .map(|n| n.ptr),
        );
        facts.parameters.insert(
            format!("{place} {name}"),
            Param {
                ty: type_name(doc, schema),
                required: param["required"] == true,
                enums: enum_values(doc, schema),
                nodes,
            },
        );
    }
    // A request body or response: its nodes, and its media types' schemas.
    let media_schemas = |ptr: String, holder| -> (Vec<String>, Vec<String>) {
        let links = chain(doc, ptr, holder);
        let (ptr, holder) = links.last().cloned().expect("a chain holds its start");
        let schemas = holder["content"]
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(_, media)| media.get("schema").is_some())
            .map(|(media_type, _)| format!("{ptr}/content/{}/schema", escape(media_type)))
            .collect();
        (links.into_iter().map(|(p, _)| p).collect(), schemas)
    };
    if let Some(request) = op.op.get("requestBody") {
        let (holders, schemas) = media_schemas(format!("{}/requestBody", op.ptr), request);
        facts.request.root.extend(holders);
        facts.request.types = body_types(doc, &schemas);
        walk_body(doc, roots_of(doc, &schemas), true, &mut facts.request);
    }
    if let Some(responses) = op.op["responses"].as_object() {
        let mut schemas = Vec::new();
        for (status, response) in responses {
            if status == "default" {
                facts.has_default = true;
                continue;
            }
            let (holders, found) =
                media_schemas(format!("{}/responses/{}", op.ptr, escape(status)), response);
            facts
                .statuses
                .insert(status.clone(), holders.iter().cloned().collect());
            if status.starts_with('2') {
                facts.response.root.extend(holders);
                schemas.extend(found);
            }
        }
        facts.response.types = body_types(doc, &schemas);
        walk_body(doc, roots_of(doc, &schemas), false, &mut facts.response);
    }
    facts
}

/// The types of a body's schemas.
fn body_types(doc: &Value, schemas: &[String]) -> BTreeSet<String> {
    schemas
        .iter()
        .filter_map(|ptr| doc.pointer(ptr))
        .flat_map(|schema| alternatives(&type_name(doc, schema)))
        .collect()
}

/// The nodes of a body's schemas, named by their pointers.
fn roots_of<'a>(doc: &'a Value, schemas: &[String]) -> Vec<Node<'a>> {
    let mut roots = Vec::new();
    let mut seen = BTreeSet::new();
    for ptr in schemas {
        if let Some(schema) = doc.pointer(ptr) {
            for node in expand(doc, ptr.clone(), schema) {
                if seen.insert((node.ptr.clone(), node.items)) {
                    roots.push(node);
                }
            }
        }
    }
    roots
}

/// What a note declares, beyond the node it sits on.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Scope {
    /// The node itself: a parameter, a field's schema (its type and enum
    /// values), an added property, a response (an added status code), a
    /// map (a field the other side names is one of its keys).
    Own,
    /// A field of the object the note sits on: whether it is there, its
    /// type, enum values and requiredness.
    Field(String),
    /// The same, and every field under it (`fields: [name.*]`).
    Subtree(String),
    /// A parameter of the operation the note sits on.
    Parameter(String),
    /// A status code of the operation the note sits on.
    Status(String),
}

/// How something differs.
#[derive(Clone, Debug, PartialEq)]
enum Kind {
    Missing,
    Extra,
    Type { vendor: String, curated: String },
    EnumMissing(Vec<String>),
    EnumExtra(Vec<String>),
    Required { vendor: bool },
}

/// One difference between the vendor's description of an operation and
/// the curated one.
#[derive(Clone, Debug)]
struct Difference {
    /// "parameter", "request field", "response field", "status code".
    what: &'static str,
    /// The parameter, field path or status code.
    name: String,
    kind: Kind,
    /// Where a note may declare it, nearest first: (node, scope).
    places: Vec<(String, Scope)>,
}

impl Difference {
    /// The side of the call it is about, for notes that say `in`.
    fn side(&self) -> Option<&'static str> {
        match self.what {
            "request field" => Some("request"),
            "response field" => Some("response"),
            _ => None,
        }
    }

    /// "parameter query limit: type number in the vendor's, integer here".
    fn describe(&self) -> String {
        let how = match &self.kind {
            Kind::Missing => "missing here".to_string(),
            Kind::Extra => "not in the vendor's".to_string(),
            Kind::Type { vendor, curated } => {
                format!("type {vendor} in the vendor's, {curated} here")
            }
            Kind::EnumMissing(values) => format!("enum values missing: {}", values.join(", ")),
            Kind::EnumExtra(values) => {
                format!("enum values not in the vendor's: {}", values.join(", "))
            }
            Kind::Required { vendor } => {
                let say = |r: bool| if r { "required" } else { "optional" };
                format!("{} in the vendor's, {} here", say(*vendor), say(!vendor))
            }
        };
        match (self.what, self.name.is_empty()) {
            ("request field", true) => format!("request body: {how}"),
            ("response field", true) => format!("response body: {how}"),
            _ => format!("{} {}: {how}", self.what, self.name),
        }
    }
}

/// The differences of one kind of named thing, missing and extra first.
fn missing_and_extra(what: &'static str, vendor: &[String], curated: &[String]) -> Vec<Difference> {
    let missing = vendor.iter().filter(|k| !curated.contains(k));
    let extra = curated.iter().filter(|k| !vendor.contains(k));
    missing
        .map(|name| (name, Kind::Missing))
        .chain(extra.map(|name| (name, Kind::Extra)))
        .map(|(name, kind)| Difference {
            what,
            name: name.clone(),
            kind,
            places: Vec::new(),
        })
        .collect()
}

fn type_and_enum(
    what: &'static str,
    name: &str,
    (vt, ve): (&str, &BTreeSet<String>),
    (ct, ce): (&str, &BTreeSet<String>),
) -> Vec<Difference> {
    let mut kinds = Vec::new();
    let has_any = |t: &str| alternatives(t).iter().any(|t| t == "any");
    if vt != ct && !has_any(vt) && !has_any(ct) {
        kinds.push(Kind::Type {
            vendor: vt.to_string(),
            curated: ct.to_string(),
        });
    }
    let missing: Vec<String> = ve.difference(ce).cloned().collect();
    let extra: Vec<String> = ce.difference(ve).cloned().collect();
    if !missing.is_empty() {
        kinds.push(Kind::EnumMissing(missing));
    }
    if !extra.is_empty() {
        kinds.push(Kind::EnumExtra(extra));
    }
    kinds
        .into_iter()
        .map(|kind| Difference {
            what,
            name: name.to_string(),
            kind,
            places: Vec::new(),
        })
        .collect()
}

fn compare_parameters(op_ptr: &str, vendor: &Facts, curated: &Facts) -> Vec<Difference> {
    let names = |f: &Facts| f.parameters.keys().cloned().collect::<Vec<_>>();
    let mut out = missing_and_extra("parameter", &names(vendor), &names(curated));
    for (name, v) in &vendor.parameters {
        if let Some(c) = curated.parameters.get(name) {
            out.extend(type_and_enum(
                "parameter",
                name,
                (&v.ty, &v.enums),
                (&c.ty, &c.enums),
            ));
            if v.required != c.required {
                out.push(Difference {
                    what: "parameter",
                    name: name.clone(),
                    kind: Kind::Required { vendor: v.required },
                    places: Vec::new(),
                });
            }
        }
    }
    for difference in &mut out {
        let plain = difference.name.split_once(' ').map_or("", |(_, n)| n);
        if let Some(param) = curated.parameters.get(&difference.name) {
            for node in &param.nodes {
                difference.places.push((node.clone(), Scope::Own));
            }
        }
        difference
            .places
            .push((op_ptr.to_string(), Scope::Parameter(plain.to_string())));
    }
    out
}

fn compare_bodies(
    what: &'static str,
    op_ptr: &str,
    vendor: &Body,
    curated: &Body,
) -> Vec<Difference> {
    // A body of another type altogether (an array for an object, text for
    // JSON) is one difference, declared on the body.
    let join = |types: &BTreeSet<String>| types.iter().cloned().collect::<Vec<_>>().join("|");
    let (vt, ct) = (join(&vendor.types), join(&curated.types));
    if !vt.is_empty() && !ct.is_empty() && vt != ct && vt != "any" && ct != "any" {
        return vec![Difference {
            what,
            name: String::new(),
            kind: Kind::Type {
                vendor: vt,
                curated: ct,
            },
            places: curated
                .root
                .iter()
                .map(|node| (node.clone(), Scope::Own))
                .collect(),
        }];
    }
    let mut out = Vec::new();
    // Under a field whose type differs, the fields below are that one
    // difference; and a field that is missing or extra is one difference
    // with all the fields under it.
    let mut retyped = BTreeSet::new();
    let mut shared = Vec::new();
    for (path, v) in &vendor.fields {
        if let Some(c) = curated.fields.get(path) {
            let found = type_and_enum(
                what,
                path,
                (&v.type_text(), &v.enums),
                (&c.type_text(), &c.enums),
            );
            if found.iter().any(|d| matches!(d.kind, Kind::Type { .. })) {
                retyped.insert(path.clone());
            }
            shared.extend(found);
            if v.required != c.required {
                shared.push(Difference {
                    what,
                    name: path.clone(),
                    kind: Kind::Required { vendor: v.required },
                    places: Vec::new(),
                });
            }
        }
    }
    let parent_of = |path: &str| -> Option<String> {
        vendor
            .fields
            .get(path)
            .or_else(|| curated.fields.get(path))
            .map(|f| f.parent.clone())
            .filter(|p| !p.is_empty())
    };
    let under_retyped = |path: &str| {
        let mut at = parent_of(path);
        while let Some(p) = at {
            if retyped.contains(&p) {
                return true;
            }
            at = parent_of(&p);
        }
        false
    };
    let topmost = |path: &str, other: &Body| match parent_of(path) {
        None => true,
        Some(parent) => other.fields.contains_key(&parent),
    };
    for (path, _) in vendor.fields.iter() {
        if !curated.fields.contains_key(path) && topmost(path, curated) {
            out.push(Difference {
                what,
                name: path.clone(),
                kind: Kind::Missing,
                places: Vec::new(),
            });
        }
    }
    for (path, _) in curated.fields.iter() {
        if !vendor.fields.contains_key(path) && topmost(path, vendor) {
            out.push(Difference {
                what,
                name: path.clone(),
                kind: Kind::Extra,
                places: Vec::new(),
            });
        }
    }
    out.extend(shared);
    out.retain(|d| !under_retyped(&d.name));
    for difference in &mut out {
        // A note on the field's schema declares its type and enum values
        // wherever the schema is used; a note on the property the curated
        // spec adds declares it.
        if let Some(field) = curated.fields.get(&difference.name) {
            let own: &[String] = match difference.kind {
                Kind::Type { .. } | Kind::EnumMissing(_) | Kind::EnumExtra(_) => &field.nodes,
                Kind::Extra => &field.definitions,
                // Requiredness is said by the enclosing object.
                Kind::Missing | Kind::Required { .. } => &[],
            };
            for node in own {
                difference.places.push((node.clone(), Scope::Own));
            }
        }
        // Then the objects enclosing it: the nearest with `fields: [name]`
        // (or `name.*`), every one further up with `name.*` only.
        let mut child = difference.name.clone();
        let mut nearest = true;
        loop {
            let field = vendor
                .fields
                .get(&child)
                .or_else(|| curated.fields.get(&child));
            let Some(field) = field else { break };
            let mut scopes = vec![Scope::Subtree(field.name.clone())];
            if nearest {
                scopes.insert(0, Scope::Field(field.name.clone()));
            }
            let enclosing: Vec<String> = if field.parent.is_empty() {
                curated
                    .root
                    .iter()
                    .cloned()
                    .chain([op_ptr.to_string()])
                    .collect()
            } else {
                curated
                    .fields
                    .get(&field.parent)
                    .map(|parent| parent.nodes.clone())
                    .unwrap_or_default()
            };
            for scope in scopes {
                for node in &enclosing {
                    difference.places.push((node.clone(), scope.clone()));
                }
            }
            // A field the curated spec leaves out where it has a map: a
            // note on the map declares it (the field is one of its keys).
            if nearest && difference.kind == Kind::Missing {
                for node in enclosing.iter().filter(|n| curated.maps.contains(*n)) {
                    difference.places.push((node.clone(), Scope::Own));
                }
            }
            if field.parent.is_empty() {
                break;
            }
            child = field.parent.clone();
            nearest = false;
        }
    }
    out
}

fn compare_statuses(op_ptr: &str, vendor: &Facts, curated: &Facts) -> Vec<Difference> {
    let mut out = Vec::new();
    for status in vendor.statuses.keys() {
        if !curated.statuses.contains_key(status) {
            out.push(Difference {
                what: "status code",
                name: status.clone(),
                kind: Kind::Missing,
                places: vec![(op_ptr.to_string(), Scope::Status(status.clone()))],
            });
        }
    }
    for (status, nodes) in &curated.statuses {
        // A vendor's `default` answer covers the error statuses a curated
        // spec spells out.
        if vendor.statuses.contains_key(status)
            || (vendor.has_default && status.starts_with(['4', '5']))
        {
            continue;
        }
        let mut places: Vec<(String, Scope)> =
            nodes.iter().map(|n| (n.clone(), Scope::Own)).collect();
        places.push((op_ptr.to_string(), Scope::Status(status.clone())));
        out.push(Difference {
            what: "status code",
            name: status.clone(),
            kind: Kind::Extra,
            places,
        });
    }
    out
}

/// The per-operation differences between one operation's two descriptions.
fn compare_operation(op_ptr: &str, vendor: &Facts, curated: &Facts) -> Vec<Difference> {
    let mut out = compare_parameters(op_ptr, vendor, curated);
    out.extend(compare_bodies(
        "request field",
        op_ptr,
        &vendor.request,
        &curated.request,
    ));
    out.extend(compare_bodies(
        "response field",
        op_ptr,
        &vendor.response,
        &curated.response,
    ));
    out.extend(compare_statuses(op_ptr, vendor, curated));
    out
}

/// One operation of both documents, and how its descriptions differ.
struct Compared {
    method: String,
    path: String,
    id: String,
    vendor_id: String,
    differences: Vec<Difference>,
}

/// How a curated spec and a vendor's document differ.
struct Comparison {
    vendor_count: usize,
    curated_count: usize,
    /// Vendor operations the curated spec lacks: (method, path, id).
    missing: Vec<(String, String, String)>,
    /// Curated operations the vendor's document lacks: (method, path, id,
    /// pointer).
    extra: Vec<(String, String, String, String)>,
    shared: Vec<Compared>,
}

fn compare(curated: &Value, vendor: &Value) -> Comparison {
    let ours = operations(curated);
    let theirs = operations(vendor);
    let missing = theirs
        .iter()
        .filter(|(k, _)| !ours.contains_key(*k))
        .map(|((method, _), op)| (method.clone(), op.path.to_string(), op.id.to_string()))
        .collect();
    let extra = ours
        .iter()
        .filter(|(k, _)| !theirs.contains_key(*k))
        .map(|((method, _), op)| {
            (
                method.clone(),
                op.path.to_string(),
                op.id.to_string(),
                op.ptr.clone(),
            )
        })
        .collect();
    let shared = ours
        .iter()
        .filter_map(|(key, ours_op)| {
            let theirs_op = theirs.get(key)?;
            Some(Compared {
                method: key.0.clone(),
                path: ours_op.path.to_string(),
                id: ours_op.id.to_string(),
                vendor_id: theirs_op.id.to_string(),
                differences: compare_operation(
                    &ours_op.ptr,
                    &facts(vendor, theirs_op),
                    &facts(curated, ours_op),
                ),
            })
        })
        .collect();
    Comparison {
        vendor_count: theirs.len(),
        curated_count: ours.len(),
        missing,
        extra,
        shared,
    }
}

/// The report, and how many vendor operations the curated spec lacks.
pub fn report(
    curated_name: &str,
    curated: &Value,
    vendor_name: &str,
    vendor: &Value,
) -> (String, usize) {
    let comparison = compare(curated, vendor);
    let mut out = format!(
        "drift of {curated_name} from {vendor_name}\n\
         operations: {} in the vendor's document, {} in the curated spec, {} missing, {} not in the vendor's\n",
        comparison.vendor_count,
        comparison.curated_count,
        comparison.missing.len(),
        comparison.extra.len()
    );
    for (method, path, id) in &comparison.missing {
        out.push_str(&format!("missing: {method} {path} ({id})\n"));
    }
    for (method, path, id, _) in &comparison.extra {
        out.push_str(&format!("not in the vendor's: {method} {path} ({id})\n"));
    }
    let mut differing = 0;
    for op in &comparison.shared {
        if op.differences.is_empty() {
            continue;
        }
        differing += 1;
        out.push_str(&format!(
            "{} {} ({}, vendor's {}):\n",
            op.method, op.path, op.id, op.vendor_id
        ));
        for line in grouped_lines(&op.differences) {
            out.push_str(&format!("  {line}\n"));
        }
    }
    out.push_str(&format!(
        "{} of {} shared operations differ in parameters, fields, enums, requiredness or status codes\n",
        differing,
        comparison.shared.len()
    ));
    (out, comparison.missing.len())
}

/// One line per difference, the missing and extra things of a kind
/// listed together: `response fields missing: a, b`.
fn grouped_lines(differences: &[Difference]) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut last_group: Option<(&str, &str)> = None;
    for difference in differences {
        let group = match difference.kind {
            Kind::Missing => Some("missing"),
            Kind::Extra => Some("not in the vendor's"),
            _ => None,
        };
        match group {
            Some(group) if last_group == Some((difference.what, group)) => {
                let line = lines.last_mut().expect("a group has a first line");
                line.push_str(&format!(", {}", difference.name));
            }
            Some(group) => {
                lines.push(format!("{}s {group}: {}", difference.what, difference.name));
                last_group = Some((difference.what, group));
            }
            None => {
                lines.push(difference.describe());
                last_group = None;
            }
        }
    }
    lines
}

/// One note of the curated spec.
#[derive(Debug)]
struct Note {
    /// JSON pointer of the node it sits on.
    at: String,
    reason: String,
    /// `request` or `response`: the note declares differences of that side
    /// only (a field required in both, for two reasons).
    side: Option<String>,
    fields: Vec<String>,
    parameters: Vec<String>,
    statuses: Vec<String>,
}

impl Note {
    fn scopes(&self) -> Vec<Scope> {
        let mut scopes: Vec<Scope> = self
            .fields
            .iter()
            .map(|f| match f.strip_suffix(".*") {
                Some(name) => Scope::Subtree(name.to_string()),
                None => Scope::Field(f.clone()),
            })
            .chain(self.parameters.iter().map(|p| Scope::Parameter(p.clone())))
            .chain(self.statuses.iter().map(|s| Scope::Status(s.clone())))
            .collect();
        if scopes.is_empty() {
            scopes.push(Scope::Own);
        }
        scopes
    }

    fn place(&self, scope: &Scope) -> String {
        let at = if self.at.is_empty() { "/" } else { &self.at };
        match scope {
            Scope::Own => format!("#{at}"),
            Scope::Field(f) => format!("#{at} (field {f})"),
            Scope::Subtree(f) => format!("#{at} (field {f}.*)"),
            Scope::Parameter(p) => format!("#{at} (parameter {p})"),
            Scope::Status(s) => format!("#{at} (status {s})"),
        }
    }
}

/// Every note of a document, and what is wrong with any of them.
fn notes(doc: &Value) -> (Vec<Note>, Vec<String>) {
    let mut notes = Vec::new();
    let mut problems = Vec::new();
    collect_notes(doc, String::new(), &mut notes, &mut problems);
    (notes, problems)
}

fn collect_notes(value: &Value, ptr: String, notes: &mut Vec<Note>, problems: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if k == EXTENSION {
                    let entries = match v {
                        Value::Array(entries) => entries.iter().collect(),
                        entry => vec![entry],
                    };
                    for entry in entries {
                        match parse_note(&ptr, entry) {
                            Ok(note) => notes.push(note),
                            Err(problem) => problems.push(format!(
                                "#{}: {EXTENSION}: {problem}",
                                if ptr.is_empty() { "/" } else { &ptr }
                            )),
                        }
                    }
                } else {
                    collect_notes(v, format!("{ptr}/{}", escape(k)), notes, problems);
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                collect_notes(v, format!("{ptr}/{i}"), notes, problems);
            }
        }
        _ => {}
    }
}

fn parse_note(ptr: &str, entry: &Value) -> Result<Note, String> {
    let Some(map) = entry.as_object() else {
        return Err("a note is an object {reason, note}".to_string());
    };
    for key in map.keys() {
        if !["reason", "note", "in", "fields", "parameters", "statuses"].contains(&key.as_str()) {
            return Err(format!("unknown member `{key}`"));
        }
    }
    let reason = map
        .get("reason")
        .and_then(Value::as_str)
        .ok_or("`reason` is missing")?;
    if !REASONS.iter().any(|(r, _)| *r == reason) {
        return Err(format!(
            "unknown reason `{reason}`; one of: {}",
            REASONS.map(|(r, _)| r).join(", ")
        ));
    }
    match map.get("note").and_then(Value::as_str) {
        Some(note) if !note.trim().is_empty() => {}
        _ => return Err("`note` (our words why) is missing".to_string()),
    }
    let list = |name: &str| -> Result<Vec<String>, String> {
        match map.get(name) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) if !items.is_empty() => items
                .iter()
                .map(|item| match item {
                    Value::String(s) => Ok(s.clone()),
                    Value::Number(n) => Ok(n.to_string()),
                    _ => Err(format!("`{name}` lists names")),
                })
                .collect(),
            Some(_) => Err(format!("`{name}` is a non-empty list")),
        }
    };
    let side = match map.get("in") {
        None => None,
        Some(Value::String(side)) if side == "request" || side == "response" => Some(side.clone()),
        Some(_) => return Err("`in` is `request` or `response`".to_string()),
    };
    Ok(Note {
        at: ptr.to_string(),
        reason: reason.to_string(),
        side,
        fields: list("fields")?,
        parameters: list("parameters")?,
        statuses: list("statuses")?,
    })
}

/// What `--strict` finds.
pub struct Verdict {
    /// The report: the summary by reason, then every problem.
    pub text: String,
    /// Whether every difference is declared and every note is current.
    pub passed: bool,
}

/// Checks that every difference from the vendor's document is declared by
/// a note, and that every note declares one.
pub fn strict(curated_name: &str, curated: &Value, vendor_name: &str, vendor: &Value) -> Verdict {
    let comparison = compare(curated, vendor);
    let (notes, invalid) = notes(curated);
    // (pointer, scope) → the notes there.
    let mut by_place: BTreeMap<(String, Scope), Vec<usize>> = BTreeMap::new();
    for (i, note) in notes.iter().enumerate() {
        for scope in note.scopes() {
            by_place
                .entry((note.at.clone(), scope))
                .or_default()
                .push(i);
        }
    }
    let mut used: BTreeSet<(usize, Scope)> = BTreeSet::new();
    let mut declared_by_reason: BTreeMap<&str, usize> = BTreeMap::new();
    let mut undeclared = Vec::new();
    let mut differences = 0;
    let mut differing_ops = 0;

    let mut declare = |places: &[(String, Scope)], side: Option<&str>| -> Option<usize> {
        for place in places {
            let found = by_place.get(place).into_iter().flatten();
            for &i in found {
                if notes[i].side.is_none() || notes[i].side.as_deref() == side {
                    used.insert((i, place.1.clone()));
                    return Some(i);
                }
            }
        }
        None
    };
    for op in &comparison.shared {
        if !op.differences.is_empty() {
            differing_ops += 1;
        }
        for difference in &op.differences {
            differences += 1;
            match declare(&difference.places, difference.side()) {
                Some(i) => *declared_by_reason.entry(&notes[i].reason).or_default() += 1,
                None => undeclared.push(format!(
                    "{} {} ({}): {}{}",
                    op.method,
                    op.path,
                    op.id,
                    difference.describe(),
                    hint(curated, difference)
                )),
            }
        }
    }
    for (method, path, id, ptr) in &comparison.extra {
        differences += 1;
        match declare(&[(ptr.clone(), Scope::Own)], None) {
            Some(i) => *declared_by_reason.entry(&notes[i].reason).or_default() += 1,
            None => undeclared.push(format!(
                "{method} {path} ({id}): operation not in the vendor's [note it on #{ptr}]"
            )),
        }
    }
    for (method, path, id) in &comparison.missing {
        undeclared.push(format!(
            "{method} {path} ({id}): operation missing here (add it to the curated spec)"
        ));
    }

    let mut stale = Vec::new();
    let mut notes_by_reason: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, note) in notes.iter().enumerate() {
        *notes_by_reason.entry(&note.reason).or_default() += 1;
        for scope in note.scopes() {
            if !used.contains(&(i, scope.clone())) {
                stale.push(format!(
                    "stale note ({}) at {}: declares no difference",
                    note.reason,
                    note.place(&scope)
                ));
            }
        }
    }

    let mut text = format!(
        "strict drift of {curated_name} from {vendor_name}\n\
         {} differences in {} of {} shared operations; {} declared by {} notes, {} undeclared, {} stale notes\n\
         declared deviations by reason:\n",
        differences,
        differing_ops,
        comparison.shared.len(),
        differences - undeclared.len() + comparison.missing.len(),
        notes.len(),
        undeclared.len(),
        stale.len() + invalid.len()
    );
    for (reason, _) in REASONS {
        let count = declared_by_reason.get(reason).copied().unwrap_or(0);
        let note_count = notes_by_reason.get(reason).copied().unwrap_or(0);
        if count > 0 || note_count > 0 {
            text.push_str(&format!(
                "  {reason:<20} {count:>4} differences, {note_count:>3} notes\n"
            ));
        }
    }
    for problem in invalid.iter() {
        text.push_str(&format!("invalid note: {problem}\n"));
    }
    for line in &undeclared {
        text.push_str(&format!("undeclared: {line}\n"));
    }
    for line in &stale {
        text.push_str(&format!("{line}\n"));
    }
    let passed = undeclared.is_empty() && stale.is_empty() && invalid.is_empty();
    text.push_str(if passed {
        "every difference is declared\n"
    } else {
        "strict drift failed: declare each difference above with an `x-saas-admin-deviation` note (or fix the spec), and remove stale notes\n"
    });
    Verdict { text, passed }
}

/// Where to put the note for an undeclared difference: on the schema of a
/// field whose type or enum values differ, else on the schema that holds
/// the field (or on the parameter, or the operation), preferring a named
/// component.
fn hint(doc: &Value, difference: &Difference) -> String {
    let retyped = matches!(
        difference.kind,
        Kind::Type { .. } | Kind::EnumMissing(_) | Kind::EnumExtra(_)
    );
    let fits = |(ptr, scope): &&(String, Scope)| {
        let node = doc.pointer(ptr).unwrap_or(&Value::Null);
        match scope {
            Scope::Own => {
                (retyped && node.get("$ref").is_none())
                    || (difference.kind == Kind::Missing && is_map(node))
            }
            Scope::Field(name) => {
                node["properties"].get(name).is_some()
                    || (difference.kind == Kind::Missing && node.get("properties").is_some())
            }
            Scope::Subtree(_) => false,
            _ => true,
        }
    };
    let places = &difference.places;
    let best = places
        .iter()
        .filter(fits)
        .find(|(ptr, _)| ptr.starts_with("/components/"))
        .or_else(|| places.iter().find(fits))
        .or_else(|| places.iter().find(|(_, scope)| *scope != Scope::Own))
        .or_else(|| places.first());
    match best {
        Some((ptr, Scope::Own)) => format!(" [note it on #{ptr}]"),
        Some((ptr, Scope::Field(f))) => format!(" [note it on #{ptr}, fields: [{f}]]"),
        Some((ptr, Scope::Subtree(f))) => format!(" [note it on #{ptr}, fields: [{f}.*]]"),
        Some((ptr, Scope::Parameter(p))) => format!(" [note it on #{ptr}, parameters: [{p}]]"),
        Some((ptr, Scope::Status(s))) => format!(" [note it on #{ptr}, statuses: [{s}]]"),
        None => String::new(),
    }
}

/// Which curated spec a vendor document describes: the one sharing the most
/// operations with it.
pub fn closest<'a>(vendor: &Value, curated: &'a [(String, Value)]) -> Option<&'a (String, Value)> {
    let theirs = operations(vendor);
    curated
        .iter()
        .map(|spec| {
            let shared = operations(&spec.1)
                .keys()
                .filter(|k| theirs.contains_key(*k))
                .count();
            (shared, spec)
        })
        .filter(|(shared, _)| *shared > 0)
        .max_by_key(|(shared, _)| *shared)
        .map(|(_, spec)| spec)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn vendor() -> Value {
        json!({
            "openapi": "3.0.3",
            "paths": {
                "/groups/": {
                    "get": {
                        "operationId": "list-groups",
                        "parameters": [
                            {"$ref": "#/components/parameters/limit"},
                            {"name": "sort", "in": "query", "schema": {"type": "string", "enum": ["title", "-title", "created"]}},
                            {"name": "search", "in": "query", "schema": {"type": "string"}}
                        ],
                        "responses": {
                            "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/GroupList"}}}},
                            "400": {"description": "bad"},
                            "default": {"description": "error"}
                        }
                    },
                    "post": {
                        "operationId": "create-group",
                        "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Group"}}}},
                        "responses": {"201": {"description": "created"}}
                    }
                },
                "/groups/{group_uid}/": {
                    "delete": {"operationId": "delete-group", "responses": {"204": {"description": "gone"}}}
                }
            },
            "components": {
                "parameters": {"limit": {"name": "limit", "in": "query", "schema": {"type": "number"}}},
                "schemas": {
                    "GroupList": {"type": "object", "properties": {
                        "total_count": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
                        "results": {"type": "array", "items": {"$ref": "#/components/schemas/Group"}}
                    }},
                    "Group": {"type": "object", "required": ["title"], "properties": {
                        "uid": {"type": "string", "readOnly": true},
                        "title": {"type": "string"},
                        "color": {"type": "string"},
                        "owner": {"type": "object", "properties": {"name": {"type": "string"}, "email": {"type": "string"}}}
                    }}
                }
            }
        })
    }

    fn curated() -> Value {
        json!({
            "openapi": "3.0.3",
            "paths": {
                "/groups/": {
                    "get": {
                        "operationId": "list_groups",
                        "parameters": [
                            {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                            {"name": "sort", "in": "query", "required": true, "schema": {"type": "string", "enum": ["title", "created", "updated"]}}
                        ],
                        "responses": {
                            "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/GroupList"}}}},
                            "400": {"description": "bad"},
                            "429": {"description": "slow down"}
                        }
                    },
                    "post": {
                        "operationId": "create_group",
                        "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["title"], "properties": {"title": {"type": "string"}}}}}},
                        "responses": {"201": {"description": "created"}, "409": {"description": "taken"}}
                    }
                },
                "/groups/{id}/": {
                    "delete": {"operationId": "delete_group", "responses": {"204": {"description": "gone"}}}
                },
                "/extra/": {
                    "get": {"operationId": "extra", "responses": {"200": {"description": "ok"}}}
                }
            },
            "components": {
                "schemas": {
                    "GroupList": {"type": "object", "required": ["results"], "properties": {
                        "total_count": {"type": "integer", "nullable": true},
                        "results": {"type": "array", "items": {"$ref": "#/components/schemas/Group"}}
                    }},
                    "Group": {"type": "object", "required": ["uid", "title"], "properties": {
                        "uid": {"type": "string"},
                        "title": {"type": "integer"},
                        "tags": {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}}
                    }}
                }
            }
        })
    }

    #[test]
    fn the_report_lists_every_difference_per_operation() {
        let mut curated = curated();
        let create = curated["paths"]["/groups/"]
            .as_object_mut()
            .unwrap()
            .remove("post")
            .unwrap();
        let (text, missing) = report("ours.yaml", &curated, "theirs.json", &vendor());
        assert_eq!(missing, 1);
        assert_eq!(
            text,
            "drift of ours.yaml from theirs.json\n\
             operations: 3 in the vendor's document, 3 in the curated spec, 1 missing, 1 not in the vendor's\n\
             missing: POST /groups/ (create-group)\n\
             not in the vendor's: GET /extra/ (extra)\n\
             GET /groups/ (list_groups, vendor's list-groups):\n\
             \x20 parameters missing: query search\n\
             \x20 parameter query limit: type number in the vendor's, integer here\n\
             \x20 parameter query sort: enum values missing: -title\n\
             \x20 parameter query sort: enum values not in the vendor's: updated\n\
             \x20 parameter query sort: optional in the vendor's, required here\n\
             \x20 response fields missing: results[].color, results[].owner\n\
             \x20 response fields not in the vendor's: results[].tags\n\
             \x20 response field results: optional in the vendor's, required here\n\
             \x20 response field results[].title: type string in the vendor's, integer here\n\
             \x20 response field results[].uid: optional in the vendor's, required here\n\
             1 of 2 shared operations differ in parameters, fields, enums, requiredness or status codes\n"
        );

        // With the create operation back: the vendor's read-only `uid` is not
        // expected in the request, but its `color` is.
        curated["paths"]["/groups/"]["post"] = create;
        let (text, missing) = report("ours.yaml", &curated, "theirs.json", &vendor());
        assert_eq!(missing, 0);
        assert!(
            text.contains(
                "POST /groups/ (create_group, vendor's create-group):\n  \
                 request fields missing: color, owner\n  \
                 status codes not in the vendor's: 409\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn identical_documents_have_no_drift() {
        let (text, missing) = report("a", &vendor(), "b", &vendor());
        assert_eq!(missing, 0);
        assert!(
            text.ends_with(
                "0 of 3 shared operations differ in parameters, fields, enums, requiredness or status codes\n"
            ),
            "{text}"
        );
        let verdict = strict("a", &vendor(), "b", &vendor());
        assert!(verdict.passed, "{}", verdict.text);
    }

    #[test]
    fn a_vendor_document_is_matched_with_the_spec_it_describes() {
        let specs = vec![
            ("other".to_string(), json!({"paths": {"/x": {"get": {}}}})),
            ("groups".to_string(), curated()),
        ];
        assert_eq!(closest(&vendor(), &specs).unwrap().0, "groups");
        assert!(closest(&json!({"paths": {"/nothing": {"get": {}}}}), &specs).is_none());
    }

    #[test]
    fn the_kinds_a_discriminator_maps_to_are_compared_field_by_field() {
        // The vendor's style: a base schema whose discriminator maps to
        // variants that extend it (no oneOf); the curated style: a oneOf.
        let doc = |root: Value, schemas: Value| {
            json!({
                "paths": {"/h/": {"get": {"operationId": "h", "responses": {"200": {
                    "description": "ok",
                    "content": {"application/json": {"schema": root}}
                }}}}},
                "components": {"schemas": schemas}
            })
        };
        let vendor = doc(
            json!({"$ref": "#/components/schemas/H"}),
            json!({
                "H": {"type": "object", "properties": {"type": {"type": "string"}},
                      "discriminator": {"propertyName": "type", "mapping": {
                          "ckan": "#/components/schemas/Ckan", "ftp": "#/components/schemas/Ftp"}}},
                "Ckan": {"allOf": [{"$ref": "#/components/schemas/H"},
                                   {"type": "object", "properties": {"url": {"type": "string"}}}]},
                "Ftp": {"allOf": [{"$ref": "#/components/schemas/H"},
                                  {"type": "object", "properties": {"host": {"type": "string"}}}]}
            }),
        );
        let curated = doc(
            json!({"oneOf": [
                {"type": "object", "properties": {"type": {"type": "string", "enum": ["ckan"]}, "url": {"type": "string"}}},
                {"type": "object", "properties": {"type": {"type": "string", "enum": ["ftp"]}, "host": {"type": "integer"}}}
            ]}),
            json!({}),
        );
        let (text, _) = report("ours", &curated, "theirs", &vendor);
        assert!(
            text.ends_with(
                "GET /h/ (h, vendor's h):\n  \
                 response field host: type string in the vendor's, integer here\n\
                 1 of 1 shared operations differ in parameters, fields, enums, requiredness or status codes\n"
            ),
            "{text}"
        );
    }

    /// Adds a note at `pointer` of `doc`.
    fn note(doc: &mut Value, pointer: &str, note: Value) {
        let node = doc.pointer_mut(pointer).expect(pointer);
        node[EXTENSION] = note;
    }

    /// The curated spec with every difference from the vendor's declared.
    fn declared() -> Value {
        let mut doc = curated();
        let op = "/paths/~1groups~1/get";
        note(
            &mut doc,
            &format!("{op}/parameters/0"),
            json!({"reason": "integer-count", "note": "A count."}),
        );
        note(
            &mut doc,
            &format!("{op}/parameters/1"),
            json!({"reason": "request-requirement", "note": "Sorted server-side only when asked."}),
        );
        note(
            &mut doc,
            op,
            json!([
                {"reason": "vendor-doc-error", "parameters": ["search"], "note": "No such filter."},
            ]),
        );
        note(
            &mut doc,
            "/components/schemas/Group",
            json!([
                {"reason": "always-sent", "fields": ["uid"], "note": "Every group has one."},
                {"reason": "typed-free-form", "fields": ["title", "tags"], "note": "Ours."},
                {"reason": "vendor-doc-error", "fields": ["color", "owner"], "note": "Not there."}
            ]),
        );
        note(
            &mut doc,
            "/components/schemas/GroupList",
            json!({"reason": "always-sent", "fields": ["results"], "note": "A page has items."}),
        );
        note(
            &mut doc,
            "/paths/~1groups~1/post",
            json!([
                {"reason": "vendor-doc-error", "fields": ["color", "owner"], "note": "Not there."},
                {"reason": "service-sends-more", "statuses": [409], "note": "A taken title."}
            ]),
        );
        note(
            &mut doc,
            "/paths/~1extra~1/get",
            json!({"reason": "service-sends-more", "note": "Undocumented."}),
        );
        doc
    }

    #[test]
    fn strict_drift_passes_when_every_difference_is_declared_and_counts_them_by_reason() {
        let verdict = strict("ours.yaml", &declared(), "theirs.json", &vendor());
        assert!(verdict.passed, "{}", verdict.text);
        assert_eq!(
            verdict.text,
            "strict drift of ours.yaml from theirs.json\n\
             15 differences in 2 of 3 shared operations; 15 declared by 10 notes, 0 undeclared, 0 stale notes\n\
             declared deviations by reason:\n\
             \x20 integer-count           1 differences,   1 notes\n\
             \x20 typed-free-form         2 differences,   1 notes\n\
             \x20 always-sent             2 differences,   2 notes\n\
             \x20 request-requirement     3 differences,   1 notes\n\
             \x20 service-sends-more      2 differences,   2 notes\n\
             \x20 vendor-doc-error        5 differences,   3 notes\n\
             every difference is declared\n"
        );
    }

    #[test]
    fn strict_drift_names_each_undeclared_difference_and_where_its_note_goes() {
        let mut curated = declared();
        // The note on `limit` gone, and a new field the vendor lacks.
        curated["paths"]["/groups/"]["get"]["parameters"][0]
            .as_object_mut()
            .unwrap()
            .remove(EXTENSION);
        curated["components"]["schemas"]["GroupList"]["properties"]["page"] =
            json!({"type": "integer"});
        // An operation the curated spec lacks cannot be declared.
        let mut vendor = vendor();
        vendor["paths"]["/other/"] =
            json!({"get": {"operationId": "other", "responses": {"200": {"description": "ok"}}}});
        let verdict = strict("ours.yaml", &curated, "theirs.json", &vendor);
        assert!(!verdict.passed);
        let problems: Vec<&str> = verdict
            .text
            .lines()
            .filter(|l| l.starts_with("undeclared") || l.starts_with("stale"))
            .collect();
        assert_eq!(
            problems,
            [
                "undeclared: GET /groups/ (list_groups): parameter query limit: type number in the vendor's, integer here [note it on #/paths/~1groups~1/get/parameters/0]",
                "undeclared: GET /groups/ (list_groups): response field page: not in the vendor's [note it on #/components/schemas/GroupList, fields: [page]]",
                "undeclared: GET /other/ (other): operation missing here (add it to the curated spec)",
            ]
        );
        assert!(
            verdict.text.ends_with("and remove stale notes\n"),
            "{}",
            verdict.text
        );
    }

    #[test]
    fn a_note_that_declares_nothing_is_stale() {
        let mut curated = declared();
        // `tags` now matches nothing the vendor lacks: the vendor has it too.
        let mut vendor = vendor();
        vendor["components"]["schemas"]["Group"]["properties"]["tags"] = json!({"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}});
        vendor["paths"]["/groups/{group_uid}/"]
            .as_object_mut()
            .unwrap()
            .remove("delete");
        // And a note on a field that differs nowhere.
        note(
            &mut curated,
            "/components/schemas/GroupList/properties/total_count",
            json!({"reason": "integer-count", "note": "A count."}),
        );
        let verdict = strict("ours.yaml", &curated, "theirs.json", &vendor);
        assert!(!verdict.passed);
        let stale: Vec<&str> = verdict
            .text
            .lines()
            .filter(|l| l.starts_with("stale"))
            .collect();
        assert_eq!(
            stale,
            [
                "stale note (typed-free-form) at #/components/schemas/Group (field tags): declares no difference",
                "stale note (integer-count) at #/components/schemas/GroupList/properties/total_count: declares no difference",
            ]
        );
    }

    #[test]
    fn a_field_note_declares_that_field_and_with_a_star_all_under_it() {
        // `owner`, left out, is one difference, however many fields it has.
        let mut curated = declared();
        let verdict = strict("ours.yaml", &curated, "theirs.json", &vendor());
        assert!(verdict.passed, "{}", verdict.text);
        assert!(verdict.text.contains("15 differences"), "{}", verdict.text);
        // The note on the `Group` schema declares `title` and `tags` in the
        // list's items; taken away, the note on the list's `results` (its
        // requiredness) does not declare what is under it.
        curated["components"]["schemas"]["Group"][EXTENSION]
            .as_array_mut()
            .unwrap()
            .remove(1);
        let verdict = strict("ours.yaml", &curated, "theirs.json", &vendor());
        let undeclared: Vec<&str> = verdict
            .text
            .lines()
            .filter(|l| l.starts_with("undeclared"))
            .collect();
        assert_eq!(
            undeclared,
            [
                "undeclared: GET /groups/ (list_groups): response field results[].tags: not in the vendor's [note it on #/components/schemas/Group, fields: [tags]]",
                "undeclared: GET /groups/ (list_groups): response field results[].title: type string in the vendor's, integer here [note it on #/components/schemas/Group/properties/title]",
            ]
        );
        // `results.*` declares `results` and all under it.
        curated["components"]["schemas"]["GroupList"][EXTENSION]["fields"] = json!(["results.*"]);
        let verdict = strict("ours.yaml", &curated, "theirs.json", &vendor());
        assert!(verdict.passed, "{}", verdict.text);
    }

    #[test]
    fn a_malformed_note_is_reported() {
        let mut curated = declared();
        note(
            &mut curated,
            "/components/schemas/GroupList/properties/total_count",
            json!({"reason": "because", "note": "?"}),
        );
        note(
            &mut curated,
            "/paths/~1extra~1/get/responses/200",
            json!({"reason": "integer-count"}),
        );
        let verdict = strict("ours.yaml", &curated, "theirs.json", &vendor());
        assert!(!verdict.passed);
        let invalid: Vec<&str> = verdict
            .text
            .lines()
            .filter(|l| l.starts_with("invalid"))
            .collect();
        assert_eq!(invalid.len(), 2, "{}", verdict.text);
        assert!(invalid[0].contains("#/components/schemas/GroupList/properties/total_count: x-saas-admin-deviation: unknown reason `because`"), "{}", invalid[0]);
        assert!(
            invalid[1].contains("`note` (our words why) is missing"),
            "{}",
            invalid[1]
        );
    }

    /// A document of one operation `POST /x/` whose request body is
    /// `request` and whose answer is `response`, with `schemas`.
    fn one_operation(request: Value, response: Value, schemas: Value) -> Value {
        json!({
            "paths": {"/x/": {"post": {
                "operationId": "x",
                "requestBody": {"content": {"application/json": {"schema": request}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": response}}}}
            }}},
            "components": {"schemas": schemas}
        })
    }

    #[test]
    fn a_body_of_another_type_is_one_difference_declared_on_the_body() {
        let vendor = one_operation(
            json!({"type": "object", "properties": {"email": {"type": "string"}}}),
            json!({"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string"}}}}),
            json!({}),
        );
        let mut curated = one_operation(
            json!({"type": "array", "items": {"type": "object", "properties": {"email": {"type": "string"}}}}),
            json!({"type": "string"}),
            json!({}),
        );
        let (text, _) = report("ours", &curated, "theirs", &vendor);
        assert!(
            text.contains(
                "POST /x/ (x, vendor's x):\n  \
                 request body: type object in the vendor's, array<object> here\n  \
                 response body: type array<object> in the vendor's, string here\n"
            ),
            "{text}"
        );
        note(
            &mut curated,
            "/paths/~1x~1/post/requestBody",
            json!({"reason": "vendor-doc-error", "note": "A list."}),
        );
        note(
            &mut curated,
            "/paths/~1x~1/post/responses/200",
            json!({"reason": "vendor-doc-error", "note": "Text."}),
        );
        let verdict = strict("ours", &curated, "theirs", &vendor);
        assert!(verdict.passed, "{}", verdict.text);
    }

    #[test]
    fn a_field_left_out_where_the_curated_spec_has_a_map_is_declared_on_the_map() {
        let vendor = one_operation(
            json!({}),
            json!({"type": "object", "properties": {
                "default": {"type": "object", "properties": {"title": {"type": "string"}}},
                "internal": {"type": "object"}
            }}),
            json!({}),
        );
        let mut curated = one_operation(
            json!({}),
            json!({"$ref": "#/components/schemas/Metadata"}),
            json!({"Metadata": {"type": "object", "additionalProperties": {"type": "object"}}}),
        );
        let verdict = strict("ours", &curated, "theirs", &vendor);
        assert!(
            verdict.text.contains(
                "response field default: missing here [note it on #/components/schemas/Metadata]"
            ),
            "{}",
            verdict.text
        );
        note(
            &mut curated,
            "/components/schemas/Metadata",
            json!({"reason": "keyed-map", "note": "By template name."}),
        );
        let verdict = strict("ours", &curated, "theirs", &vendor);
        assert!(verdict.passed, "{}", verdict.text);
        assert!(
            verdict
                .text
                .contains("keyed-map               2 differences,   1 notes"),
            "{}",
            verdict.text
        );
    }

    #[test]
    fn a_note_for_one_side_declares_only_that_sides_differences() {
        let user = json!({"type": "object", "properties": {"name": {"type": "string"}}});
        let vendor = one_operation(
            json!({"$ref": "#/components/schemas/User"}),
            json!({"$ref": "#/components/schemas/User"}),
            json!({"User": user}),
        );
        let mut required = user.clone();
        required["required"] = json!(["name"]);
        let mut curated = one_operation(
            json!({"$ref": "#/components/schemas/User"}),
            json!({"$ref": "#/components/schemas/User"}),
            json!({"User": required}),
        );
        note(
            &mut curated,
            "/components/schemas/User",
            json!([
                {"reason": "request-requirement", "in": "request", "fields": ["name"], "note": "Needed."},
            ]),
        );
        let verdict = strict("ours", &curated, "theirs", &vendor);
        assert!(
            verdict.text.contains(
                "undeclared: POST /x/ (x): response field name: optional in the vendor's, required here"
            ),
            "{}",
            verdict.text
        );
        curated["components"]["schemas"]["User"][EXTENSION]
            .as_array_mut()
            .unwrap()
            .push(json!({"reason": "always-sent", "in": "response", "fields": ["name"], "note": "Always."}));
        let verdict = strict("ours", &curated, "theirs", &vendor);
        assert!(verdict.passed, "{}", verdict.text);
    }

    #[test]
    fn alternatives_split_at_the_top_level_only() {
        assert_eq!(
            alternatives("string|array<integer|string>"),
            ["string", "array<integer|string>"]
        );
        assert_eq!(alternatives("object"), ["object"]);
    }

    #[test]
    fn every_reason_is_kebab_case_and_explained() {
        for (reason, meaning) in REASONS {
            assert!(
                reason.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{reason}"
            );
            assert!(!meaning.is_empty());
        }
    }
}
