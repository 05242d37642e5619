//! The checks of the generated robustness suites
//! (`tests/generated_robustness_*.rs`), written once for both APIs. Each
//! suite gives the facts of its spec (schemas, examples) and the Rust type
//! of each answer and request body; everything here works from those.
//!
//! For each operation's success example, in this order:
//! - it decodes as it is (its encoding is the `base` of the last two checks);
//! - it decodes with every optional member removed, at any depth;
//! - it decodes with `null` in every optional member;
//! - it decodes with an unknown member added to every object;
//! - with an unknown value in every enum, it decodes and encodes back to
//!   exactly the same JSON;
//! - with an unknown kind in every union, likewise.
//!
//! For each request body, its example (or, where the spec has none, a value
//! built from its schema with every member filled) decodes into the Rust type
//! and encodes to JSON that the schema accepts.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Map, Value};

/// Decodes a JSON value into a type and encodes it back.
pub type Codec = fn(Value) -> Result<Value, String>;

/// [`Codec`] for the type `T`.
pub fn round_trip<T: DeserializeOwned + Serialize>(value: Value) -> Result<Value, String> {
    // Through bytes both ways, as the client decodes answers and encodes
    // bodies: each type's code is then compiled once for the test binary,
    // not again for `Value`.
    let typed: T =
        serde_json::from_slice(value.to_string().as_bytes()).map_err(|e| e.to_string())?;
    let bytes = serde_json::to_vec(&typed).map_err(|e| format!("does not encode: {e}"))?;
    Ok(serde_json::from_slice(&bytes).expect("serde_json writes JSON"))
}

/// The value put into enums, union tags and new members.
const UNKNOWN: &str = "x-saas-admin-unknown";

#[derive(Clone, Copy, PartialEq)]
enum Mutation {
    RemoveOptional,
    NullOptional,
    AddUnknownMember,
    UnknownEnumValue,
    UnknownUnionKind,
}

/// One API's suite.
pub struct Suite {
    facts: Value,
    responses: &'static [(&'static str, u16, Codec)],
    requests: &'static [(&'static str, Codec)],
}

impl Suite {
    /// A suite over the facts of a spec and its table of types.
    pub fn new(
        facts: &str,
        responses: &'static [(&'static str, u16, Codec)],
        requests: &'static [(&'static str, Codec)],
    ) -> Self {
        let facts = serde_json::from_str(facts).expect("the suite's facts are JSON");
        Self {
            facts,
            responses,
            requests,
        }
    }

    fn operations(&self) -> impl Iterator<Item = &Value> {
        self.facts["operations"].as_array().into_iter().flatten()
    }

    /// Runs the response checks; fails listing every case that failed.
    pub fn check_responses(&self) {
        let mut cases = 0;
        let mut failures = Vec::new();
        let mut checked = 0;
        for op in self.operations().filter(|op| op.get("response").is_some()) {
            let id = op["operation"].as_str().unwrap();
            let status = op["status"].as_u64().unwrap() as u16;
            let Some((_, _, codec)) = self
                .responses
                .iter()
                .find(|(name, s, _)| *name == id && *s == status)
            else {
                failures.push(format!("{id}: no type for its {status} answer"));
                continue;
            };
            checked += 1;
            let (schema, example) = (&op["response"], &op["example"]);
            cases += 1;
            let base = match codec(example.clone()) {
                Ok(base) => base,
                Err(e) => {
                    failures.push(format!("{id}: the example does not decode: {e}"));
                    continue;
                }
            };
            for (what, mutation) in [
                ("without its optional members", Mutation::RemoveOptional),
                ("with null in its optional members", Mutation::NullOptional),
                (
                    "with an unknown member in every object",
                    Mutation::AddUnknownMember,
                ),
            ] {
                let (doc, changes) = self.mutated(example, schema, mutation);
                if changes == 0 {
                    continue;
                }
                cases += 1;
                if let Err(e) = codec(doc.clone()) {
                    failures.push(format!(
                        "{id}: the example {what} does not decode: {e}\n  {doc}"
                    ));
                }
            }
            for (what, mutation) in [
                ("an unknown value in every enum", Mutation::UnknownEnumValue),
                ("an unknown kind in every union", Mutation::UnknownUnionKind),
            ] {
                let (doc, changes) = self.mutated(&base, schema, mutation);
                if changes == 0 {
                    continue;
                }
                cases += 1;
                match codec(doc.clone()) {
                    Ok(encoded) if encoded == doc => {}
                    Ok(encoded) => failures.push(format!(
                        "{id}: the example with {what} does not encode back:\n  sent    {doc}\n  encoded {encoded}"
                    )),
                    Err(e) => failures.push(format!(
                        "{id}: the example with {what} does not decode: {e}\n  {doc}"
                    )),
                }
            }
        }
        assert_eq!(
            checked,
            self.responses.len(),
            "every type of the table has an operation of the spec"
        );
        assert!(
            failures.is_empty(),
            "{} of {cases} cases failed:\n{}",
            failures.len(),
            failures.join("\n")
        );
        println!("{cases} answer cases over {checked} operations");
    }

    /// Runs the request checks; fails listing every body that failed.
    pub fn check_requests(&self) {
        let mut failures = Vec::new();
        let mut checked = 0;
        for op in self.operations().filter(|op| op.get("request").is_some()) {
            let id = op["operation"].as_str().unwrap();
            let Some((_, codec)) = self.requests.iter().find(|(name, _)| *name == id) else {
                failures.push(format!("{id}: no type for its request body"));
                continue;
            };
            checked += 1;
            let schema = &op["request"];
            let instance = match op.get("request_example") {
                Some(example) => example.clone(),
                None => self.instance(schema, 0),
            };
            match codec(instance.clone()) {
                Ok(encoded) => {
                    let mut problems = Vec::new();
                    self.validate(&encoded, schema, "body", &mut problems);
                    if !problems.is_empty() {
                        failures.push(format!(
                            "{id}: the body encodes to what its schema refuses: {}\n  {encoded}",
                            problems.join("; ")
                        ));
                    }
                }
                Err(e) => {
                    failures.push(format!("{id}: the body does not decode: {e}\n  {instance}"))
                }
            }
        }
        assert_eq!(checked, self.requests.len());
        assert!(
            failures.is_empty(),
            "{} of {checked} request bodies failed:\n{}",
            failures.len(),
            failures.join("\n")
        );
        println!("{checked} request bodies");
    }

    /// A schema with its `$ref`s followed and its `allOf` merged into one
    /// object schema.
    fn resolve(&self, schema: &Value) -> Value {
        if let Some(reference) = schema["$ref"].as_str() {
            let name = reference.trim_start_matches("#/components/schemas/");
            let mut resolved = self.resolve(&self.facts["schemas"][name]);
            if schema["nullable"] == true {
                resolved["nullable"] = json!(true);
            }
            return resolved;
        }
        let Some(parts) = schema["allOf"].as_array() else {
            return schema.clone();
        };
        let mut merged = schema.as_object().cloned().unwrap_or_default();
        merged.remove("allOf");
        for part in parts {
            let part = self.resolve(part);
            for (key, value) in part.as_object().into_iter().flatten() {
                match (key.as_str(), merged.get_mut(key)) {
                    ("properties", Some(Value::Object(properties))) => {
                        properties.extend(value.as_object().cloned().unwrap_or_default());
                    }
                    ("required", Some(Value::Array(required))) => {
                        required.extend(value.as_array().cloned().unwrap_or_default());
                    }
                    ("nullable", Some(_)) => {}
                    _ => {
                        merged.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        Value::Object(merged)
    }

    /// The tag of a union (`discriminator.propertyName`), if it has one.
    fn tag<'a>(&self, union: &'a Value) -> Option<&'a str> {
        union["discriminator"]["propertyName"].as_str()
    }

    /// The member of a union that a value is: by its tag, or else the first
    /// member whose type is the value's JSON type.
    fn member<'a>(&self, union: &'a Value, value: &Value) -> Option<&'a Value> {
        let members = union["oneOf"].as_array()?;
        if let Some(tag) = self.tag(union) {
            let kind = value.get(tag)?;
            return members.iter().find(|member| {
                let member = self.resolve(member);
                member["properties"][tag]["enum"]
                    .as_array()
                    .is_some_and(|values| values.contains(kind))
            });
        }
        members.iter().find(|member| {
            let ty = &self.resolve(member)["type"];
            match value {
                Value::String(_) => ty == "string",
                Value::Number(n) if n.is_f64() => ty == "number",
                Value::Number(_) => ty == "integer" || ty == "number",
                Value::Bool(_) => ty == "boolean",
                Value::Array(_) => ty == "array",
                Value::Object(_) => ty == "object",
                Value::Null => false,
            }
        })
    }

    fn mutated(&self, value: &Value, schema: &Value, mutation: Mutation) -> (Value, usize) {
        let mut value = value.clone();
        let mut changes = 0;
        self.mutate(&mut value, schema, None, mutation, &mut changes);
        (value, changes)
    }

    /// Applies a mutation to a value of a schema, at any depth. `tag` is the
    /// member that holds an object's kind, left alone.
    fn mutate(
        &self,
        value: &mut Value,
        schema: &Value,
        tag: Option<&str>,
        mutation: Mutation,
        changes: &mut usize,
    ) {
        let schema = &self.resolve(schema);
        if schema.get("oneOf").is_some() {
            let union_tag = self.tag(schema);
            if mutation == Mutation::UnknownUnionKind && value.is_object() {
                if let Some(union_tag) = union_tag {
                    value[union_tag] = json!(UNKNOWN);
                    *changes += 1;
                    return;
                }
            }
            if let Some(member) = self.member(schema, value) {
                self.mutate(value, member, union_tag, mutation, changes);
            }
            return;
        }
        match value {
            Value::Object(object) => {
                if let Some(properties) = schema["properties"].as_object() {
                    let required: Vec<&str> = schema["required"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .collect();
                    let names: Vec<String> = object.keys().cloned().collect();
                    for name in names {
                        let optional = !required.contains(&name.as_str());
                        match mutation {
                            Mutation::RemoveOptional if optional => {
                                object.remove(&name);
                                *changes += 1;
                            }
                            Mutation::NullOptional if optional => {
                                object.insert(name, Value::Null);
                                *changes += 1;
                            }
                            Mutation::UnknownEnumValue if Some(name.as_str()) == tag => {}
                            _ => {
                                if let Some(property) = properties.get(&name) {
                                    let member = object.get_mut(&name).unwrap();
                                    self.mutate(member, property, None, mutation, changes);
                                }
                            }
                        }
                    }
                    if mutation == Mutation::AddUnknownMember {
                        object.insert(UNKNOWN.into(), json!({"kept": false}));
                        *changes += 1;
                    }
                } else if let Some(values) =
                    schema.get("additionalProperties").filter(|s| s.is_object())
                {
                    for member in object.values_mut() {
                        self.mutate(member, values, None, mutation, changes);
                    }
                }
            }
            Value::Array(items) => {
                if let Some(item_schema) = schema.get("items") {
                    for item in items {
                        self.mutate(item, item_schema, None, mutation, changes);
                    }
                }
            }
            Value::String(text)
                if mutation == Mutation::UnknownEnumValue && schema.get("enum").is_some() =>
            {
                *text = UNKNOWN.into();
                *changes += 1;
            }
            _ => {}
        }
    }

    /// A value of a schema with every member filled: the schema's example
    /// where it has one, its first enum value or union member otherwise.
    fn instance(&self, schema: &Value, depth: usize) -> Value {
        let schema = &self.resolve(schema);
        if let Some(example) = schema.get("example") {
            return example.clone();
        }
        if let Some(members) = schema["oneOf"].as_array() {
            return self.instance(&members[0], depth + 1);
        }
        if let Some(first) = schema["enum"].as_array().and_then(|values| values.first()) {
            return first.clone();
        }
        match schema["type"].as_str() {
            Some("object") | None if depth < 8 => {
                let mut object = Map::new();
                for (name, property) in schema["properties"].as_object().into_iter().flatten() {
                    object.insert(name.clone(), self.instance(property, depth + 1));
                }
                if object.is_empty() {
                    if let Some(values) =
                        schema.get("additionalProperties").filter(|s| s.is_object())
                    {
                        object.insert("name".into(), self.instance(values, depth + 1));
                    }
                }
                Value::Object(object)
            }
            Some("array") => json!([self.instance(&schema["items"], depth + 1)]),
            Some("string") => json!(match schema["format"].as_str() {
                Some("date-time") => "2025-01-02T03:04:05Z",
                Some("date") => "2025-01-02",
                Some("uri") => "https://example.org/a",
                Some("email") => "ann@example.org",
                Some("uuid") => "7b7c1a3e-2f4d-4b8a-9c6e-1d2f3a4b5c6d",
                _ => "a",
            }),
            Some("integer") => json!(schema["minimum"].as_i64().unwrap_or(1).max(1)),
            Some("number") => json!(1.5),
            Some("boolean") => json!(true),
            _ => json!({}),
        }
    }

    /// Checks a value against a schema: types, required members, enums,
    /// nulls, union kinds, closed objects, bounds.
    fn validate(&self, value: &Value, schema: &Value, at: &str, problems: &mut Vec<String>) {
        let schema = &self.resolve(schema);
        if value.is_null() {
            if schema["nullable"] != true {
                problems.push(format!("{at}: null where a value is required"));
            }
            return;
        }
        if let Some(members) = schema["oneOf"].as_array() {
            if self.tag(schema).is_some() {
                match self.member(schema, value) {
                    Some(member) => self.validate(value, member, at, problems),
                    None => problems.push(format!("{at}: a kind the union does not have")),
                }
            } else {
                let fitting = members
                    .iter()
                    .filter(|member| {
                        let mut inner = Vec::new();
                        self.validate(value, member, at, &mut inner);
                        inner.is_empty()
                    })
                    .count();
                if fitting != 1 {
                    problems.push(format!(
                        "{at}: fits {fitting} members of the union, not one"
                    ));
                }
            }
            return;
        }
        if let Some(values) = schema["enum"].as_array() {
            if !values.contains(value) {
                problems.push(format!(
                    "{at}: {value} is not one of {}",
                    Value::from(values.clone())
                ));
            }
        }
        let fits = match schema["type"].as_str() {
            Some("object") => value.is_object(),
            Some("array") => value.is_array(),
            Some("string") => value.is_string(),
            Some("integer") => value.is_i64() || value.is_u64(),
            Some("number") => value.is_number(),
            Some("boolean") => value.is_boolean(),
            _ => true,
        };
        if !fits {
            problems.push(format!("{at}: {value} is not of type {}", schema["type"]));
            return;
        }
        if let Some(n) = value.as_f64() {
            if schema["minimum"].as_f64().is_some_and(|min| n < min)
                || schema["maximum"].as_f64().is_some_and(|max| n > max)
            {
                problems.push(format!("{at}: {n} is out of bounds"));
            }
        }
        match value {
            Value::Object(object) => {
                let properties = schema["properties"].as_object();
                for name in schema["required"].as_array().into_iter().flatten() {
                    let name = name.as_str().unwrap_or_default();
                    if !object.contains_key(name) {
                        problems.push(format!("{at}.{name}: missing"));
                    }
                }
                for (name, member) in object {
                    let place = format!("{at}.{name}");
                    match properties.and_then(|p| p.get(name)) {
                        Some(property) => self.validate(member, property, &place, problems),
                        None => match schema.get("additionalProperties") {
                            Some(Value::Bool(false)) => {
                                problems.push(format!("{place}: not a member of the schema"))
                            }
                            Some(values) if values.is_object() => {
                                self.validate(member, values, &place, problems)
                            }
                            _ => {}
                        },
                    }
                }
            }
            Value::Array(items) => {
                if let Some(item_schema) = schema.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        self.validate(item, item_schema, &format!("{at}[{i}]"), problems);
                    }
                }
            }
            _ => {}
        }
    }
}
