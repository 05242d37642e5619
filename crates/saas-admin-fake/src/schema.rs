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

/// Checks `value` against `schema`; `field` names where `value` is.
pub(crate) fn check(
    schemas: &HashMap<String, Value>,
    schema: &Value,
    value: &Value,
    field: &str,
) -> Result<(), Fault> {
    let schema = resolve(schemas, schema);
    if value.is_null() {
        return if schema["nullable"] == true || schema.as_object().is_some_and(|s| s.is_empty()) {
            Ok(())
        } else {
            Err(fault(field, "This field may not be null."))
        };
    }
    for part in schema["allOf"].as_array().into_iter().flatten() {
        check(schemas, part, value, field)?;
    }
    for combinator in ["oneOf", "anyOf"] {
        if let Some(variants) = schema[combinator].as_array() {
            let mut first = None;
            for variant in variants {
                match check(schemas, variant, value, field) {
                    Ok(()) => {
                        first = None;
                        break;
                    }
                    Err(f) => {
                        first.get_or_insert(f);
                    }
                }
            }
            if let Some(f) = first {
                return Err(f);
            }
        }
    }
    if let Some(allowed) = schema["enum"].as_array() {
        if !allowed.contains(value) {
            let names: Vec<String> = allowed.iter().map(Value::to_string).collect();
            return Err(fault(
                field,
                format!(
                    "{value} is not a valid choice (one of {}).",
                    names.join(", ")
                ),
            ));
        }
    }
    let kind = schema["type"].as_str().or_else(|| {
        (schema.get("properties").is_some() || schema.get("additionalProperties").is_some())
            .then_some("object")
    });
    match kind {
        Some("object") => object(schemas, schema, value, field),
        Some("array") => {
            let Some(items) = value.as_array() else {
                return Err(fault(field, "Expected a list of items."));
            };
            if let Some(min) = schema["minItems"].as_u64() {
                if (items.len() as u64) < min {
                    return Err(fault(field, format!("Ensure it has at least {min} items.")));
                }
            }
            if let Some(max) = schema["maxItems"].as_u64() {
                if items.len() as u64 > max {
                    return Err(fault(field, format!("Ensure it has at most {max} items.")));
                }
            }
            for (i, item) in items.iter().enumerate() {
                check(schemas, &schema["items"], item, &format!("{field}[{i}]"))?;
            }
            Ok(())
        }
        Some("string") => {
            let Some(text) = value.as_str() else {
                return Err(fault(field, "Not a valid string."));
            };
            let length = text.chars().count() as u64;
            if let Some(min) = schema["minLength"].as_u64() {
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
            Ok(())
        }
        Some("integer") => {
            if !(value.is_i64() || value.is_u64()) {
                return Err(fault(field, "A valid integer is required."));
            }
            bounds(schema, value, field)
        }
        Some("number") => {
            if !value.is_number() {
                return Err(fault(field, "A valid number is required."));
            }
            bounds(schema, value, field)
        }
        Some("boolean") => {
            if value.is_boolean() {
                Ok(())
            } else {
                Err(fault(field, "Must be a valid boolean."))
            }
        }
        _ => Ok(()),
    }
}

fn object(
    schemas: &HashMap<String, Value>,
    schema: &Value,
    value: &Value,
    field: &str,
) -> Result<(), Fault> {
    let Some(map) = value.as_object() else {
        return Err(fault(field, "Expected an object."));
    };
    for name in schema["required"].as_array().into_iter().flatten() {
        let Some(name) = name.as_str() else { continue };
        if !map.contains_key(name) {
            return Err(fault(&join(field, name), REQUIRED));
        }
    }
    let properties = schema["properties"].as_object();
    for (name, item) in map {
        match properties.and_then(|p| p.get(name)) {
            Some(property) => check(schemas, property, item, &join(field, name))?,
            None => {
                // Fields the schema does not name are ignored, as the
                // services ignore them, unless a schema is given for them.
                let extra = &schema["additionalProperties"];
                if extra.is_object() {
                    check(schemas, extra, item, &join(field, name))?;
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
