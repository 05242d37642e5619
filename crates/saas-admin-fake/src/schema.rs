//! Checks a value against a (compacted) OpenAPI schema of the spec, as the
//! service checks what it is sent: the first fault found, naming the field.

use std::collections::HashMap;

use serde_json::Value;

/// What is wrong with a value: the field (`title`, `limits.api_calls`,
/// `permissions[0]`; empty for the whole value) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fault {
    pub field: String,
    pub reason: String,
}

/// The reason given for a required field that is missing.
pub(crate) const REQUIRED: &str = "This field is required.";

fn fault(field: &str, reason: impl Into<String>) -> Fault {
    Fault {
        field: field.to_string(),
        reason: reason.into(),
    }
}

fn join(field: &str, name: &str) -> String {
    if field.is_empty() {
        name.to_string()
    } else {
        format!("{field}.{name}")
    }
}

/// A fault found inside a schema, and whether the member of a union it is
/// in has been named already (only the innermost union names its member).
struct Found {
    fault: Fault,
    named: bool,
}

impl From<Fault> for Found {
    fn from(fault: Fault) -> Self {
        Self {
            fault,
            named: false,
        }
    }
}

type Checked = Result<(), Found>;

/// Checks `value` against `schema`; `field` names where `value` is.
pub(crate) fn check(
    schemas: &HashMap<String, Value>,
    schema: &Value,
    value: &Value,
    field: &str,
) -> Result<(), Fault> {
    walk(schemas, schema, value, field).map_err(|found| found.fault)
}

/// Whether a schema takes `null`: `nullable: true`, `type: null` (or a list
/// of types with `null`), a `oneOf`/`anyOf` with a member that takes it,
/// an `allOf` whose parts all do, or no constraint at all.
pub(crate) fn takes_null(schemas: &HashMap<String, Value>, schema: &Value) -> bool {
    let schema = resolve(schemas, schema);
    let Some(map) = schema.as_object() else {
        return false;
    };
    if map.is_empty() || schema["nullable"] == true || schema["type"] == "null" {
        return true;
    }
    if let Some(types) = schema["type"].as_array() {
        if types.iter().any(|t| t == "null") {
            return true;
        }
    }
    let any = ["oneOf", "anyOf"].iter().any(|c| {
        schema[*c]
            .as_array()
            .is_some_and(|members| members.iter().any(|m| takes_null(schemas, m)))
    });
    let all = schema["allOf"]
        .as_array()
        .is_some_and(|parts| !parts.is_empty() && parts.iter().all(|p| takes_null(schemas, p)));
    any || all
}

/// The type a schema names: its `type`, the one that is not `null` in a
/// list of types, or `object` for a schema with properties.
fn kind(schema: &Value) -> Option<&str> {
    let named = match &schema["type"] {
        Value::String(kind) => Some(kind.as_str()),
        Value::Array(kinds) => kinds
            .iter()
            .filter_map(Value::as_str)
            .find(|k| *k != "null"),
        _ => None,
    };
    named.or_else(|| {
        (schema.get("properties").is_some() || schema.get("additionalProperties").is_some())
            .then_some("object")
    })
}

fn walk(schemas: &HashMap<String, Value>, schema: &Value, value: &Value, field: &str) -> Checked {
    let schema = resolve(schemas, schema);
    if value.is_null() {
        return if takes_null(schemas, schema) {
            Ok(())
        } else {
            Err(fault(field, "This field may not be null.").into())
        };
    }
    for part in schema["allOf"].as_array().into_iter().flatten() {
        walk(schemas, part, value, field)?;
    }
    for combinator in ["oneOf", "anyOf"] {
        if let Some(members) = schema[combinator].as_array() {
            union(schemas, schema, members, value, field)?;
        }
    }
    if let Some(allowed) = schema["enum"].as_array() {
        if !allowed.contains(value) {
            return Err(fault(field, not_a_choice(value, allowed)).into());
        }
    }
    if let Some(constant) = schema.get("const") {
        if constant != value {
            return Err(fault(field, not_a_choice(value, std::slice::from_ref(constant))).into());
        }
    }
    match kind(schema) {
        Some("object") => object(schemas, schema, value, field),
        Some("array") => {
            let Some(items) = value.as_array() else {
                return Err(fault(field, "Expected a list of items.").into());
            };
            if let Some(min) = schema["minItems"].as_u64() {
                if (items.len() as u64) < min {
                    return Err(fault(field, format!("Ensure it has at least {min} items.")).into());
                }
            }
            if let Some(max) = schema["maxItems"].as_u64() {
                if items.len() as u64 > max {
                    return Err(fault(field, format!("Ensure it has at most {max} items.")).into());
                }
            }
            for (i, item) in items.iter().enumerate() {
                walk(schemas, &schema["items"], item, &format!("{field}[{i}]"))?;
            }
            Ok(())
        }
        Some("string") => {
            let Some(text) = value.as_str() else {
                return Err(fault(field, "Not a valid string.").into());
            };
            text_faults(schema, text, field).map_err(Found::from)
        }
        Some("integer") => {
            if !(value.is_i64() || value.is_u64()) {
                return Err(fault(field, "A valid integer is required.").into());
            }
            bounds(schema, value, field).map_err(Found::from)
        }
        Some("number") => {
            if !value.is_number() {
                return Err(fault(field, "A valid number is required.").into());
            }
            bounds(schema, value, field).map_err(Found::from)
        }
        Some("boolean") => {
            if value.is_boolean() {
                Ok(())
            } else {
                Err(fault(field, "Must be a valid boolean.").into())
            }
        }
        _ => Ok(()),
    }
}

fn not_a_choice(value: &Value, allowed: &[Value]) -> String {
    let names: Vec<String> = allowed.iter().map(Value::to_string).collect();
    format!(
        "{value} is not a valid choice (one of {}).",
        names.join(", ")
    )
}

/// What the services check of a text: not blank when it must have a
/// character (they trim it first), its length, and the formats they state.
fn text_faults(schema: &Value, text: &str, field: &str) -> Result<(), Fault> {
    let length = text.chars().count() as u64;
    if let Some(min) = schema["minLength"].as_u64() {
        if min >= 1 && text.trim().is_empty() {
            return Err(fault(field, "This field may not be blank."));
        }
        if length < min {
            return Err(fault(
                field,
                format!("Ensure this field has at least {min} characters."),
            ));
        }
    }
    if let Some(max) = schema["maxLength"].as_u64() {
        if length > max {
            return Err(fault(
                field,
                format!("Ensure this field has no more than {max} characters."),
            ));
        }
    }
    if schema["format"] == "email" && !is_email(text) {
        return Err(fault(field, "Enter a valid email address."));
    }
    Ok(())
}

/// An address as the services take one: one `@`, something before it, and
/// a domain of dotted labels after it, without spaces.
fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !text.chars().any(char::is_whitespace)
        && domain.contains('.')
        && domain.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

/// A `oneOf` or `anyOf`. A union of kinds told apart by a tag (the
/// discriminator's property, or a property every member fixes to its own
/// values) checks the value as the member its tag names, and a fault there
/// names that member; a tag no member has is refused with the tags allowed.
/// Another union takes a value one member takes; when none does, the fault
/// is that of the member the value fits best (the most fields it knows).
fn union(
    schemas: &HashMap<String, Value>,
    schema: &Value,
    members: &[Value],
    value: &Value,
    field: &str,
) -> Checked {
    let members: Vec<&Value> = members
        .iter()
        .filter(|m| resolve(schemas, m)["type"] != "null")
        .collect();
    if let (Some((tag, tagged)), Some(object)) =
        (tags(schemas, schema, &members), value.as_object())
    {
        // A fault of the tag names its field: no member to name.
        let named = |fault: Fault| Found { fault, named: true };
        let Some(given) = object.get(&tag) else {
            return Err(named(fault(&join(field, &tag), REQUIRED)));
        };
        let Some((_, member)) = tagged.iter().find(|(values, _)| values.contains(given)) else {
            let mut allowed: Vec<Value> = Vec::new();
            for (values, _) in &tagged {
                for v in values {
                    if !allowed.contains(v) {
                        allowed.push(v.clone());
                    }
                }
            }
            return Err(named(fault(
                &join(field, &tag),
                not_a_choice(given, &allowed),
            )));
        };
        return walk(schemas, member, value, field).map_err(|mut found| {
            if !found.named {
                let within = if field.is_empty() {
                    String::new()
                } else {
                    format!("{field} with ")
                };
                found.fault.reason = format!("{} (for {within}{tag} {given})", found.fault.reason);
                found.named = true;
            }
            found
        });
    }
    let mut faults = Vec::new();
    for member in &members {
        match walk(schemas, member, value, field) {
            Ok(()) => return Ok(()),
            Err(found) => faults.push((fit(schemas, member, value), found)),
        }
    }
    // The first of the best fits.
    let best = faults
        .iter()
        .map(|(score, _)| *score)
        .max()
        .unwrap_or_default();
    match faults.into_iter().find(|(score, _)| *score == best) {
        Some((_, found)) => Err(found),
        None => Ok(()),
    }
}

/// A member of a union of kinds, with the values of the tag that name it.
type Tagged<'a> = (Vec<Value>, &'a Value);

/// The tag property of a union and each member's values of it, when every
/// member has values of its own.
fn tags<'a>(
    schemas: &HashMap<String, Value>,
    schema: &Value,
    members: &[&'a Value],
) -> Option<(String, Vec<Tagged<'a>>)> {
    let declared = schema["discriminator"]["propertyName"].as_str();
    let candidates: Vec<String> = match declared {
        Some(name) => vec![name.to_string()],
        None => members
            .first()
            .map(|m| fixed_properties(schemas, m))
            .unwrap_or_default(),
    };
    let mapping = schema["discriminator"]["mapping"].as_object();
    'candidates: for tag in candidates {
        let mut tagged = Vec::new();
        let mut seen: Vec<Value> = Vec::new();
        for member in members {
            let mut values = member_tags(schemas, member, &tag);
            let target = member["$ref"].as_str();
            for (name, reference) in mapping.into_iter().flatten() {
                if target.is_some() && reference.as_str() == target {
                    values.push(Value::String(name.clone()));
                }
            }
            if values.is_empty() || values.iter().any(|v| seen.contains(v)) {
                continue 'candidates;
            }
            seen.extend(values.iter().cloned());
            tagged.push((values, *member));
        }
        return Some((tag, tagged));
    }
    None
}

/// The properties a schema fixes to a few values (an `enum` or a `const`).
fn fixed_properties(schemas: &HashMap<String, Value>, schema: &Value) -> Vec<String> {
    let schema = resolve(schemas, schema);
    let mut out: Vec<String> = schema["properties"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, p)| {
            let p = resolve(schemas, p);
            p.get("enum").is_some() || p.get("const").is_some()
        })
        .map(|(name, _)| name.clone())
        .collect();
    for part in schema["allOf"].as_array().into_iter().flatten() {
        out.extend(fixed_properties(schemas, part));
    }
    out
}

/// The values a member of a union allows for its tag (of each of its own
/// members, for a member that is a union itself).
fn member_tags(schemas: &HashMap<String, Value>, schema: &Value, tag: &str) -> Vec<Value> {
    let schema = resolve(schemas, schema);
    let mut out = Vec::new();
    if let Some(property) = schema["properties"].get(tag) {
        let property = resolve(schemas, property);
        out.extend(property["enum"].as_array().into_iter().flatten().cloned());
        out.extend(property.get("const").cloned());
    }
    for combinator in ["allOf", "oneOf", "anyOf"] {
        for part in schema[combinator].as_array().into_iter().flatten() {
            out.extend(member_tags(schemas, part, tag));
        }
    }
    out
}

/// How well a value fits a member: how many of its fields the member knows.
fn fit(schemas: &HashMap<String, Value>, schema: &Value, value: &Value) -> usize {
    let Some(object) = value.as_object() else {
        return 0;
    };
    let mut known = Vec::new();
    known_fields(schemas, schema, &mut known, 0);
    object.keys().filter(|k| known.contains(k)).count()
}

fn known_fields(
    schemas: &HashMap<String, Value>,
    schema: &Value,
    out: &mut Vec<String>,
    depth: usize,
) {
    if depth > 8 {
        return;
    }
    let schema = resolve(schemas, schema);
    out.extend(
        schema["properties"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, _)| k.clone()),
    );
    for combinator in ["allOf", "oneOf", "anyOf"] {
        for part in schema[combinator].as_array().into_iter().flatten() {
            known_fields(schemas, part, out, depth + 1);
        }
    }
}

fn object(schemas: &HashMap<String, Value>, schema: &Value, value: &Value, field: &str) -> Checked {
    let Some(map) = value.as_object() else {
        return Err(fault(field, "Expected an object.").into());
    };
    for name in schema["required"].as_array().into_iter().flatten() {
        let Some(name) = name.as_str() else { continue };
        if !map.contains_key(name) {
            return Err(fault(&join(field, name), REQUIRED).into());
        }
    }
    let properties = schema["properties"].as_object();
    for (name, item) in map {
        match properties.and_then(|p| p.get(name)) {
            Some(property) => walk(schemas, property, item, &join(field, name))?,
            None => {
                // Fields the schema does not name are ignored, as the
                // services ignore them, unless a schema is given for them.
                let extra = &schema["additionalProperties"];
                if extra.is_object() {
                    walk(schemas, extra, item, &join(field, name))?;
                }
            }
        }
    }
    Ok(())
}

fn bounds(schema: &Value, value: &Value, field: &str) -> Result<(), Fault> {
    let number = value.as_f64().unwrap_or_default();
    if let Some(min) = schema["minimum"].as_f64() {
        if number < min {
            return Err(fault(
                field,
                format!("Ensure this value is greater than or equal to {min}."),
            ));
        }
    }
    if let Some(max) = schema["maximum"].as_f64() {
        if number > max {
            return Err(fault(
                field,
                format!("Ensure this value is less than or equal to {max}."),
            ));
        }
    }
    Ok(())
}

/// Follows `$ref`s to `#/components/schemas/...`.
pub(crate) fn resolve<'a>(schemas: &'a HashMap<String, Value>, schema: &'a Value) -> &'a Value {
    let mut schema = schema;
    for _ in 0..16 {
        match schema["$ref"]
            .as_str()
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
            .and_then(|name| schemas.get(name))
        {
            Some(target) => schema = target,
            None => break,
        }
    }
    schema
}

/// Reads a query or path parameter's text as the value its schema says it
/// is (`limit=20` is a number), or says why it cannot.
pub(crate) fn parse_param(
    schemas: &HashMap<String, Value>,
    schema: &Value,
    texts: &[String],
    name: &str,
) -> Result<Value, Fault> {
    let schema = resolve(schemas, schema);
    let one = |text: &str, schema: &Value| -> Result<Value, Fault> {
        let schema = resolve(schemas, schema);
        let value = match schema["type"].as_str() {
            Some("integer") => text
                .parse::<i64>()
                .map(Value::from)
                .map_err(|_| fault(name, "A valid integer is required."))?,
            Some("number") => text
                .parse::<f64>()
                .ok()
                .and_then(|n| serde_json::Number::from_f64(n).map(Value::Number))
                .ok_or_else(|| fault(name, "A valid number is required."))?,
            Some("boolean") => match text {
                "true" | "True" | "1" => Value::Bool(true),
                "false" | "False" | "0" => Value::Bool(false),
                _ => return Err(fault(name, "Must be a valid boolean.")),
            },
            _ => Value::String(text.to_string()),
        };
        check(schemas, schema, &value, name)?;
        Ok(value)
    };
    if schema["type"] == "array" {
        // Repeated (`ids=a&ids=b`), or one comma-separated value.
        let texts: Vec<&str> = match texts {
            [one] if one.contains(',') => one.split(',').collect(),
            many => many.iter().map(String::as_str).collect(),
        };
        let items = texts
            .into_iter()
            .map(|t| one(t, &schema["items"]))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Value::Array(items))
    } else {
        one(texts.last().map(String::as_str).unwrap_or_default(), schema)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schemas() -> HashMap<String, Value> {
        HashMap::from([(
            "Group".to_string(),
            json!({
                "type": "object",
                "required": ["title"],
                "properties": {
                    "title": {"type": "string", "maxLength": 5},
                    "size": {"type": "integer", "minimum": 0},
                    "tags": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}},
                    "note": {"type": "string", "nullable": true},
                }
            }),
        )])
    }

    fn check_group(value: Value) -> Result<(), Fault> {
        check(
            &schemas(),
            &json!({"$ref": "#/components/schemas/Group"}),
            &value,
            "",
        )
    }

    #[test]
    fn each_fault_names_its_field() {
        assert_eq!(check_group(json!({"title": "x", "extra": 1})), Ok(()));
        assert_eq!(check_group(json!({"title": "x", "note": null})), Ok(()));
        let field = |v| check_group(v).unwrap_err().field;
        assert_eq!(field(json!({})), "title");
        assert_eq!(check_group(json!({})).unwrap_err().reason, REQUIRED);
        assert_eq!(field(json!({"title": 3})), "title");
        assert_eq!(field(json!({"title": "toolong"})), "title");
        assert_eq!(field(json!({"title": "x", "size": -1})), "size");
        assert_eq!(field(json!({"title": "x", "tags": ["a", "c"]})), "tags[1]");
        assert_eq!(field(json!({"title": null})), "title");
        assert_eq!(field(json!([])), "");
    }

    fn check_with(
        schemas: &HashMap<String, Value>,
        schema: Value,
        value: Value,
    ) -> Result<(), Fault> {
        check(schemas, &schema, &value, "")
    }

    #[test]
    fn null_is_taken_wherever_a_schema_allows_it() {
        let schemas = schemas();
        let string = json!({"type": "string"});
        let cases = [
            json!({"type": "string", "nullable": true}),
            json!({"type": ["string", "null"]}),
            json!({"oneOf": [{"$ref": "#/components/schemas/Group"}, {"type": "null"}]}),
            json!({"anyOf": [{"type": "null"}, {"type": "string"}]}),
            json!({"allOf": [{"$ref": "#/components/schemas/Group"}], "nullable": true}),
            json!({}),
        ];
        for schema in cases {
            assert_eq!(
                check_with(&schemas, schema.clone(), Value::Null),
                Ok(()),
                "{schema}"
            );
        }
        assert_eq!(
            check_with(&schemas, string, Value::Null),
            Err(fault("", "This field may not be null."))
        );
        // A list of types checks the value as the type that is not null.
        assert_eq!(
            check_with(&schemas, json!({"type": ["integer", "null"]}), json!("x")),
            Err(fault("", "A valid integer is required."))
        );
    }

    fn kinds() -> HashMap<String, Value> {
        HashMap::from([
            (
                "Http".to_string(),
                json!({"type": "object", "required": ["type", "url"], "properties": {
                    "type": {"type": "string", "enum": ["http"]},
                    "url": {"type": "string"},
                }}),
            ),
            (
                "Ftp".to_string(),
                json!({"type": "object", "required": ["type", "host"], "properties": {
                    "type": {"type": "string", "enum": ["ftp"]},
                    "host": {"type": "string"},
                }}),
            ),
            (
                "Ref".to_string(),
                json!({"type": "object", "required": ["uid"], "properties": {"uid": {"type": "string"}}}),
            ),
            (
                "Kind".to_string(),
                json!({"oneOf": [
                    {"$ref": "#/components/schemas/Http"},
                    {"title": "Ftp", "allOf": [{"$ref": "#/components/schemas/Ftp"}]},
                ], "discriminator": {"propertyName": "type"}}),
            ),
        ])
    }

    #[test]
    fn a_union_of_kinds_checks_the_member_its_tag_names() {
        let schemas = kinds();
        let kind = json!({"type": "object", "properties": {"connection": {"$ref": "#/components/schemas/Kind"}}});
        let check_kind = |value: Value| check(&schemas, &kind, &value, "");
        assert_eq!(
            check_kind(json!({"connection": {"type": "ftp", "host": "h"}})),
            Ok(())
        );
        assert_eq!(
            check_kind(json!({"connection": {"type": "ftp"}})),
            Err(fault(
                "connection.host",
                "This field is required. (for connection with type \"ftp\")"
            ))
        );
        assert_eq!(
            check_kind(json!({"connection": {"type": "sftp"}})),
            Err(fault(
                "connection.type",
                "\"sftp\" is not a valid choice (one of \"http\", \"ftp\")."
            ))
        );
        assert_eq!(
            check_kind(json!({"connection": {"url": "u"}})),
            Err(fault("connection.type", REQUIRED))
        );
        // Without a discriminator, a property every member fixes is the tag.
        let inferred = json!({"oneOf": [{"$ref": "#/components/schemas/Http"}, {"$ref": "#/components/schemas/Ftp"}]});
        assert_eq!(
            check(&schemas, &inferred, &json!({"type": "http"}), ""),
            Err(fault("url", "This field is required. (for type \"http\")"))
        );
    }

    #[test]
    fn an_untagged_union_names_the_fault_of_the_member_the_value_fits() {
        let schemas = kinds();
        let connection = json!({"oneOf": [
            {"$ref": "#/components/schemas/Ref"},
            {"allOf": [{"$ref": "#/components/schemas/Kind"}]},
        ]});
        let check_connection = |value: Value| check(&schemas, &connection, &value, "connection");
        assert_eq!(check_connection(json!({"uid": "co_1"})), Ok(()));
        assert_eq!(
            check_connection(json!({"type": "http", "url": "u"})),
            Ok(())
        );
        // Inline, the URL missing: the fault is the inline http kind's.
        assert_eq!(
            check_connection(json!({"type": "http", "auth": null})),
            Err(fault(
                "connection.url",
                "This field is required. (for connection with type \"http\")"
            ))
        );
        // Nothing known: the first member's fault.
        assert_eq!(
            check_connection(json!({})),
            Err(fault("connection.uid", REQUIRED))
        );
    }

    #[test]
    fn texts_are_checked_as_the_services_check_them() {
        let schemas = schemas();
        let name = json!({"type": "string", "minLength": 1, "maxLength": 5});
        let email = json!({"type": "string", "format": "email"});
        let cases = [
            (&name, "", Some("This field may not be blank.")),
            (&name, "  ", Some("This field may not be blank.")),
            (
                &name,
                "abcdef",
                Some("Ensure this field has no more than 5 characters."),
            ),
            (&name, "abc", None),
            (&email, "not-an-email", Some("Enter a valid email address.")),
            (&email, "a@b", Some("Enter a valid email address.")),
            (
                &email,
                "a b@example.com",
                Some("Enter a valid email address."),
            ),
            (&email, "@example.com", Some("Enter a valid email address.")),
            (&email, "jane.doe+x@example.co.uk", None),
        ];
        for (schema, text, reason) in cases {
            assert_eq!(
                check(&schemas, schema, &json!(text), "f"),
                match reason {
                    Some(reason) => Err(fault("f", reason)),
                    None => Ok(()),
                },
                "{text:?}"
            );
        }
    }

    #[test]
    fn parameters_are_read_as_their_type() {
        let schemas = schemas();
        let int = json!({"type": "integer", "minimum": 0});
        assert_eq!(
            parse_param(&schemas, &int, &["20".into()], "limit"),
            Ok(json!(20))
        );
        assert_eq!(
            parse_param(&schemas, &int, &["x".into()], "limit")
                .unwrap_err()
                .field,
            "limit"
        );
        let list = json!({"type": "array", "items": {"type": "string"}});
        assert_eq!(
            parse_param(&schemas, &list, &["a".into(), "b".into()], "ids"),
            Ok(json!(["a", "b"]))
        );
        assert_eq!(
            parse_param(&schemas, &list, &["a,b".into()], "ids"),
            Ok(json!(["a", "b"]))
        );
    }
}
