//! The robustness suite of one API, generated from its spec:
//! `crates/saas-admin/tests/generated_robustness_<api>.rs`.
//!
//! The file holds the facts the suite needs (each operation's success
//! schema and example, its request schema and example, the component
//! schemas, as JSON) and a table of the Rust type that decodes or encodes
//! each of them. The checks themselves are written once, by hand, in
//! `crates/saas-admin/tests/support/robustness.rs`, so a new operation is
//! covered with no test written for it.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::{json, Map, Value};

use crate::facade::Shape;
use crate::Api;

const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

/// The test file's path for `api`.
pub fn path(api: &Api) -> String {
    format!(
        "crates/saas-admin/tests/generated_robustness_{}.rs",
        feature(api)
    )
}

/// The facade's feature for `api` (`ods`, `cloudinary`).
pub(crate) fn feature(api: &Api) -> String {
    api.facade_file
        .trim_start_matches("crates/saas-admin/src/generated_")
        .trim_end_matches(".rs")
        .to_string()
}

/// The test file's code.
/// The Rust types come from the facade's builders (`shapes`): what `send`
/// returns and what `.body(...)` takes, so a schema given inline in the
/// spec is named as progenitor names it.
pub fn render(api: &Api, spec_text: &str, shapes: &[Shape]) -> Result<TokenStream, String> {
    let spec: Value =
        serde_yaml::from_str(spec_text).map_err(|e| format!("not a valid document: {e}"))?;
    let mut operations = Vec::new();
    let mut responses = Vec::new();
    let mut requests = Vec::new();
    for (_, item) in spec["paths"].as_object().into_iter().flatten() {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let id = op["operationId"].as_str().unwrap_or_default();
            if op.get("x-saas-admin-hand-written").is_some() {
                continue;
            }
            let shape = shapes
                .iter()
                .find(|s| s.id == id)
                .ok_or_else(|| format!("{id}: the facade has no builder for it"))?;
            let mut facts = Map::new();
            facts.insert("operation".into(), json!(id));
            for (status, response) in op["responses"].as_object().into_iter().flatten() {
                if !status.starts_with('2') {
                    continue;
                }
                let Some(content) = response.pointer("/content/application~1json") else {
                    continue;
                };
                let ty = &shape.output;
                let example = example(content)
                    .ok_or_else(|| format!("{id}: the {status} answer has no example"))?;
                let status: u16 = status
                    .parse()
                    .map_err(|_| format!("{id}: status {status}"))?;
                facts.insert("status".into(), json!(status));
                facts.insert("response".into(), strip(&content["schema"]));
                facts.insert("example".into(), example);
                responses.push(quote!((#id, #status, round_trip::<#ty>)));
            }
            if let Some(content) = op.pointer("/requestBody/content/application~1json") {
                let ty = shape
                    .body
                    .as_ref()
                    .ok_or_else(|| format!("{id}: a JSON body the facade does not take"))?;
                facts.insert("request".into(), strip(&content["schema"]));
                if let Some(example) = example(content) {
                    facts.insert("request_example".into(), example);
                }
                requests.push(quote!((#id, round_trip::<#ty>)));
            }
            operations.push(Value::Object(facts));
        }
    }
    operations.sort_by(|a, b| a["operation"].as_str().cmp(&b["operation"].as_str()));
    let schemas: Map<String, Value> = spec["components"]["schemas"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, schema)| (name.clone(), strip(schema)))
        .collect();
    let facts = json!({"operations": operations, "schemas": schemas});
    // One operation or schema a line: a change to the spec shows as a change
    // to its own lines.
    let mut data = String::from("{\"operations\": [\n");
    let lines: Vec<String> = facts["operations"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|op| op.to_string())
        .collect();
    data.push_str(&lines.join(",\n"));
    data.push_str("\n],\n\"schemas\": {\n");
    let lines: Vec<String> = schemas
        .iter()
        .map(|(name, schema)| format!("{}: {schema}", Value::from(name.as_str())))
        .collect();
    data.push_str(&lines.join(",\n"));
    data.push_str("\n}}\n");

    // A raw string, so the facts read as JSON in the file.
    if data.contains("\"##") {
        return Err("the facts contain `\"##`, which ends their raw string".into());
    }
    let data: proc_macro2::Literal = format!("r##\"{data}\"##")
        .parse()
        .map_err(|e| format!("the facts are not a string literal: {e:?}"))?;
    let feature = feature(api);
    let doc = format!(
        " The robustness suite of `{}`: every success example decodes as it is, without its optional members, with `null` in them, with an unknown member in every object, and with an unknown value in every enum and an unknown kind in every union, which encode back unchanged; every request body encodes to JSON its schema accepts.",
        api.spec
    );
    Ok(quote! {
        #![doc = #doc]
        #![cfg(feature = #feature)]

        use crate::robustness;

        use robustness::{round_trip, Codec, Suite};

        /// Each operation's success answer: its status and the type it decodes into.
        const RESPONSES: &[(&str, u16, Codec)] = &[#(#responses),*];

        /// Each operation's request body: the type it encodes from.
        const REQUESTS: &[(&str, Codec)] = &[#(#requests),*];

        /// The facts of the spec the suite reads.
        const FACTS: &str = #data;

        fn suite() -> Suite {
            Suite::new(FACTS, RESPONSES, REQUESTS)
        }

        #[test]
        fn every_success_example_decodes_in_every_shape_and_encodes_back() {
            suite().check_responses();
        }

        #[test]
        fn every_request_body_encodes_to_json_its_schema_accepts() {
            suite().check_requests();
        }
    })
}

/// A content's example: `example`, or the first of `examples`.
fn example(content: &Value) -> Option<Value> {
    if let Some(example) = content.get("example") {
        return Some(example.clone());
    }
    content["examples"]
        .as_object()?
        .values()
        .next()
        .map(|e| e["value"].clone())
}

/// A schema with only what the checks read: no prose, no extensions.
fn strip(schema: &Value) -> Value {
    match schema {
        Value::Object(object) => Value::Object(
            object
                .iter()
                .filter(|(key, _)| {
                    !matches!(key.as_str(), "description" | "examples" | "title")
                        && !key.starts_with("x-")
                })
                .map(|(key, value)| {
                    // `properties` maps names to schemas: a property may be named `description`.
                    let value = if key == "properties" {
                        Value::Object(
                            value
                                .as_object()
                                .into_iter()
                                .flatten()
                                .map(|(name, schema)| (name.clone(), strip(schema)))
                                .collect(),
                        )
                    } else {
                        strip(value)
                    };
                    (key.clone(), value)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(strip).collect()),
        other => other.clone(),
    }
}
