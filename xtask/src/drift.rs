//! `cargo xtask drift VENDOR_DOC`: what differs between a curated spec and
//! a vendor's OpenAPI document, operation by operation. When a vendor
//! updates its API, this is where the maintainer starts.
//!
//! Both documents are read as plain JSON values (the vendor's documents do
//! not always fit a strict OpenAPI model), and compared on facts: which
//! operations exist, their parameters, request and response fields, enums
//! and status codes. Descriptions are ours and never compared.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

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

struct Op<'a> {
    path: &'a str,
    id: &'a str,
    item: &'a Value,
    op: &'a Value,
}

fn operations(doc: &Value) -> BTreeMap<Key, Op<'_>> {
    let mut out = BTreeMap::new();
    if let Some(paths) = doc["paths"].as_object() {
        for (path, item) in paths {
            for method in METHODS {
                if let Some(op) = item.get(method) {
                    let id = op["operationId"].as_str().unwrap_or("");
                    out.insert(key(method, path), Op { path, id, item, op });
                }
            }
        }
    }
    out
}

/// Follows `$ref`s within the document.
fn resolve<'a>(doc: &'a Value, mut value: &'a Value) -> &'a Value {
    for _ in 0..32 {
        let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
            break;
        };
        let Some(pointer) = reference.strip_prefix('#') else {
            break;
        };
        match doc.pointer(pointer) {
            Some(target) => value = target,
            None => break,
        }
    }
    value
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
        _ if schema.get("allOf").is_some() || schema.get("properties").is_some() => {
            "object".to_string()
        }
        _ => "any".to_string(),
    };
    if ty == "array" {
        format!("array<{}>", type_name(doc, &schema["items"]))
    } else {
        ty
    }
}

/// An object schema's fields, nested ones as dotted paths (`results[].uid`),
/// through `$ref`, `allOf` and the variants of `oneOf`/`anyOf`, each with
/// its schema. Deep or recursive schemas stop at a few levels.
fn fields<'a>(
    doc: &'a Value,
    schema: &'a Value,
    prefix: &str,
    depth: usize,
    request: bool,
    out: &mut BTreeMap<String, &'a Value>,
) {
    if depth > 4 {
        return;
    }
    let schema = resolve(doc, schema);
    if let Some(properties) = schema["properties"].as_object() {
        for (name, field) in properties {
            // What the server sets is not part of a request.
            if request && resolve(doc, field)["readOnly"] == true {
                continue;
            }
            let path = format!("{prefix}{name}");
            if out.insert(path.clone(), field).is_none() {
                fields(doc, field, &format!("{path}."), depth + 1, request, out);
            }
        }
    }
    for combined in ["allOf", "oneOf", "anyOf"] {
        for part in schema[combined].as_array().into_iter().flatten() {
            fields(doc, part, prefix, depth + 1, request, out);
        }
    }
    if schema["type"] == "array" {
        let items_prefix = match prefix.strip_suffix('.') {
            Some(field) => format!("{field}[]."),
            None => "[].".to_string(),
        };
        fields(
            doc,
            &schema["items"],
            &items_prefix,
            depth + 1,
            request,
            out,
        );
    }
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

/// What one side says of an operation, flattened for comparison.
#[derive(Default)]
struct Facts {
    /// "query limit" → (type, required, enum values)
    parameters: BTreeMap<String, (String, bool, BTreeSet<String>)>,
    request: BTreeMap<String, (String, BTreeSet<String>)>,
    response: BTreeMap<String, (String, BTreeSet<String>)>,
    statuses: BTreeSet<String>,
    /// A `default` response: it stands for every status not listed.
    has_default: bool,
}

fn facts(doc: &Value, op: &Op) -> Facts {
    let mut facts = Facts::default();
    let params = op.item["parameters"]
        .as_array()
        .into_iter()
        .chain(op.op["parameters"].as_array())
        .flatten();
    for param in params {
        let param = resolve(doc, param);
        let (Some(name), Some(place)) = (param["name"].as_str(), param["in"].as_str()) else {
            continue;
        };
        // Path parameters are compared by position (in the key), not by name.
        if place == "path" {
            continue;
        }
        let schema = &param["schema"];
        facts.parameters.insert(
            format!("{place} {name}"),
            (
                type_name(doc, schema),
                param["required"] == true,
                enum_values(doc, schema),
            ),
        );
    }
    let body_fields = |content: &Value, request: bool| {
        let mut out = BTreeMap::new();
        if let Some(media) = content.as_object() {
            for media in media.values() {
                let mut found = BTreeMap::new();
                fields(doc, &media["schema"], "", 0, request, &mut found);
                for (name, schema) in found {
                    out.insert(name, (type_name(doc, schema), enum_values(doc, schema)));
                }
            }
        }
        out
    };
    facts.request = body_fields(&resolve(doc, &op.op["requestBody"])["content"], true);
    if let Some(responses) = op.op["responses"].as_object() {
        for (status, response) in responses {
            if status == "default" {
                facts.has_default = true;
                continue;
            }
            facts.statuses.insert(status.clone());
            if status.starts_with('2') {
                facts
                    .response
                    .extend(body_fields(&resolve(doc, response)["content"], false));
            }
        }
    }
    facts
}

fn list<'a>(items: impl IntoIterator<Item = &'a String>) -> String {
    items.into_iter().cloned().collect::<Vec<_>>().join(", ")
}

/// Lines describing how `a` (vendor) and `b` (curated) differ on one kind
/// of named thing.
fn compare_named<T>(
    what: &str,
    vendor: &BTreeMap<String, T>,
    curated: &BTreeMap<String, T>,
    describe: impl Fn(&str, &T, &T) -> Vec<String>,
) -> Vec<String> {
    let mut lines = Vec::new();
    let missing: Vec<&String> = vendor
        .keys()
        .filter(|k| !curated.contains_key(*k))
        .collect();
    let extra: Vec<&String> = curated
        .keys()
        .filter(|k| !vendor.contains_key(*k))
        .collect();
    if !missing.is_empty() {
        lines.push(format!("{what} missing: {}", list(missing)));
    }
    if !extra.is_empty() {
        lines.push(format!("{what} not in the vendor's: {}", list(extra)));
    }
    for (name, v) in vendor {
        if let Some(c) = curated.get(name) {
            lines.extend(describe(name, v, c));
        }
    }
    lines
}

fn compare_type_and_enum(
    what: &str,
    name: &str,
    (vt, ve): (&String, &BTreeSet<String>),
    (ct, ce): (&String, &BTreeSet<String>),
) -> Vec<String> {
    let mut lines = Vec::new();
    if vt != ct && vt != "any" && ct != "any" {
        lines.push(format!(
            "{what} {name}: type {vt} in the vendor's, {ct} here"
        ));
    }
    let missing: Vec<&String> = ve.difference(ce).collect();
    let extra: Vec<&String> = ce.difference(ve).collect();
    if !missing.is_empty() {
        lines.push(format!(
            "{what} {name}: enum values missing: {}",
            list(missing)
        ));
    }
    if !extra.is_empty() {
        lines.push(format!(
            "{what} {name}: enum values not in the vendor's: {}",
            list(extra)
        ));
    }
    lines
}

/// The per-operation differences between one operation's two descriptions.
fn compare_operation(vendor: &Facts, curated: &Facts) -> Vec<String> {
    let mut lines = compare_named(
        "parameters",
        &vendor.parameters,
        &curated.parameters,
        |name, (vt, vr, ve), (ct, cr, ce)| {
            let mut lines = compare_type_and_enum("parameter", name, (vt, ve), (ct, ce));
            if vr != cr {
                let say = |r: &bool| if *r { "required" } else { "optional" };
                lines.push(format!(
                    "parameter {name}: {} in the vendor's, {} here",
                    say(vr),
                    say(cr)
                ));
            }
            lines
        },
    );
    for (what, v, c) in [
        ("request fields", &vendor.request, &curated.request),
        ("response fields", &vendor.response, &curated.response),
    ] {
        let field = what.trim_end_matches('s');
        lines.extend(compare_named(what, v, c, |name, (vt, ve), (ct, ce)| {
            compare_type_and_enum(field, name, (vt, ve), (ct, ce))
        }));
    }
    let missing: Vec<&String> = vendor.statuses.difference(&curated.statuses).collect();
    // A vendor's `default` answer covers the statuses a curated spec spells out.
    let extra: Vec<&String> = curated
        .statuses
        .difference(&vendor.statuses)
        .filter(|status| !(vendor.has_default && status.starts_with(['4', '5'])))
        .collect();
    if !missing.is_empty() {
        lines.push(format!("status codes missing: {}", list(missing)));
    }
    if !extra.is_empty() {
        lines.push(format!("status codes not in the vendor's: {}", list(extra)));
    }
    lines
}

/// The report, and how many vendor operations the curated spec lacks.
pub fn report(
    curated_name: &str,
    curated: &Value,
    vendor_name: &str,
    vendor: &Value,
) -> (String, usize) {
    let ours = operations(curated);
    let theirs = operations(vendor);
    let missing: Vec<(&Key, &Op)> = theirs
        .iter()
        .filter(|(k, _)| !ours.contains_key(*k))
        .collect();
    let extra: Vec<(&Key, &Op)> = ours
        .iter()
        .filter(|(k, _)| !theirs.contains_key(*k))
        .collect();
    let mut out = format!(
        "drift of {curated_name} from {vendor_name}\n\
         operations: {} in the vendor's document, {} in the curated spec, {} missing, {} not in the vendor's\n",
        theirs.len(),
        ours.len(),
        missing.len(),
        extra.len()
    );
    for ((method, _), op) in &missing {
        out.push_str(&format!("missing: {method} {} ({})\n", op.path, op.id));
    }
    for ((method, _), op) in &extra {
        out.push_str(&format!(
            "not in the vendor's: {method} {} ({})\n",
            op.path, op.id
        ));
    }
    let mut differing = 0;
    for (key, ours_op) in &ours {
        let Some(theirs_op) = theirs.get(key) else {
            continue;
        };
        let lines = compare_operation(&facts(vendor, theirs_op), &facts(curated, ours_op));
        if lines.is_empty() {
            continue;
        }
        differing += 1;
        out.push_str(&format!(
            "{} {} ({}, vendor's {}):\n",
            key.0, ours_op.path, ours_op.id, theirs_op.id
        ));
        for line in lines {
            out.push_str(&format!("  {line}\n"));
        }
    }
    out.push_str(&format!(
        "{} of {} shared operations differ in parameters, fields, enums or status codes\n",
        differing,
        ours.len() - extra.len()
    ));
    (out, missing.len())
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
                    "Group": {"type": "object", "properties": {
                        "uid": {"type": "string", "readOnly": true}, "title": {"type": "string"}, "color": {"type": "string"}
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
                        "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"title": {"type": "string"}}}}}},
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
                    "GroupList": {"type": "object", "properties": {
                        "total_count": {"type": "integer", "nullable": true},
                        "results": {"type": "array", "items": {"type": "object", "properties": {"uid": {"type": "string"}, "title": {"type": "integer"}}}}
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
             \x20 response fields missing: results[].color\n\
             \x20 response field results[].title: type string in the vendor's, integer here\n\
             1 of 2 shared operations differ in parameters, fields, enums or status codes\n"
        );

        // With the create operation back: the vendor's read-only `uid` is not
        // expected in the request, but its `color` is.
        curated["paths"]["/groups/"]["post"] = create;
        let (text, missing) = report("ours.yaml", &curated, "theirs.json", &vendor());
        assert_eq!(missing, 0);
        assert!(
            text.contains(
                "POST /groups/ (create_group, vendor's create-group):\n  \
                 request fields missing: color\n  \
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
                "0 of 3 shared operations differ in parameters, fields, enums or status codes\n"
            ),
            "{text}"
        );
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
}
