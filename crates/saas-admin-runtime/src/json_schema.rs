//! JSON Schema for the runtime's own types and for the open enums and
//! unions (`schemars` feature): what the service may send, not only what
//! the spec lists, so a schema accepts what the client accepts.

use std::borrow::Cow;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde_json::{json, Value};

use crate::{PathSegment, Secret, UnknownKind};

impl JsonSchema for Secret {
    fn schema_name() -> Cow<'static, str> {
        "Secret".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "description": "A credential."})
    }
}

impl JsonSchema for PathSegment {
    fn schema_name() -> Cow<'static, str> {
        "PathSegment".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "minLength": 1,
            "not": {"enum": [".", ".."]},
            "description": "One segment of a path: neither empty, `.` nor `..`."
        })
    }
}

impl JsonSchema for UnknownKind {
    fn schema_name() -> Cow<'static, str> {
        "UnknownKind".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "object", "description": "An object of a kind the spec does not list."})
    }
}

/// An open enum's schema: one of the values the spec lists, or any other
/// text (which the client keeps as `Unknown`).
pub fn enum_schema(values: &[&str]) -> Schema {
    json_schema!({"anyOf": [{"type": "string", "enum": values}, {"type": "string"}]})
}

/// An open union's schema: one of its known kinds (each with its own
/// schema where the union's variant has a type of its own, else an object
/// whose `tag` is the kind), or an object of any other kind.
pub fn union_schema(tag: &str, kinds: Vec<(&str, Option<Schema>)>) -> Schema {
    let mut members: Vec<Value> = kinds
        .into_iter()
        .map(|(kind, schema)| match schema {
            Some(schema) => schema.to_value(),
            None => json!({
                "type": "object",
                "required": [tag],
                "properties": {tag: {"const": kind}}
            }),
        })
        .collect();
    members.push(json!({
        "type": "object",
        "required": [tag],
        "properties": {tag: {"type": "string"}}
    }));
    json_schema!({"anyOf": members})
}
