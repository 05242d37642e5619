//! The per-operation tests of one API, generated from its spec:
//! `crates/saas-admin/tests/generated_operations_<api>.rs`.
//!
//! One test per operation calls the facade's builder with every parameter
//! set and a body, against the API's typed mock (`server.{operation}(…)`),
//! and checks, through `crates/saas-admin/tests/support/operations.rs`
//! (written once, by hand):
//!
//! - the whole request: method, path, every query parameter, the
//!   credentials, the body as JSON;
//! - the documented success answer (the spec's example) decoded, and
//!   re-encoded to the same JSON;
//! - each documented error status as `saas_admin::Error`, with its status,
//!   the vendor's message and the operation.
//!
//! The values come from the spec: a parameter's example, else a sample of
//! its schema; the body's example, else a sample with every member filled.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::{json, Map, Value};

use crate::facade::{Shape, Taking};
use crate::Api;

const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

/// The test file's path for `api`.
pub fn path(api: &Api) -> String {
    format!(
        "crates/saas-admin/tests/generated_operations_{}.rs",
        crate::robustness::feature(api)
    )
}

/// The test file's code.
pub fn render(api: &Api, spec_text: &str, shapes: &[Shape]) -> Result<TokenStream, String> {
    let doc: Value =
        serde_yaml::from_str(spec_text).map_err(|e| format!("not a valid document: {e}"))?;
    let spec = Spec { doc: &doc };
    let krate = format_ident!("{}", api.crate_ident);
    let facade = format_ident!("{}", api.facade_type);
    let mut tests = Vec::new();
    let mut covered = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            if op.get("x-saas-admin-hand-written").is_some() {
                continue;
            }
            let id = op["operationId"].as_str().unwrap_or_default();
            let shape = shapes
                .iter()
                .find(|s| s.id == id)
                .ok_or_else(|| format!("{id}: the facade has no builder for it"))?;
            tests.push(spec.test(path, method, item, op, shape, &facade)?);
            covered.push(id.to_string());
        }
    }
    let feature = crate::robustness::feature(api);
    let doc = format!(
        " Every operation of `{}` through the facade, against its typed mock: the whole request, the documented answer decoded, each documented error.",
        api.spec
    );
    let server = quote!(saas_admin::#krate::mock::MockServer);
    Ok(quote! {
        #![doc = #doc]
        #![cfg(all(feature = #feature, feature = "mock"))]

        use crate::operations;

        use operations::{answer, json, Reply};
        use saas_admin::#krate::mock::MockServerExt;
        use saas_admin::#facade;

        /// The operations this file tests: the coverage check reads it.
        pub const COVERED: &[&str] = &[#(#covered),*];

        #[test]
        fn every_generated_operation_of_the_spec_has_a_test() {
            operations::assert_covers(
                COVERED,
                saas_admin::#krate::examples::OPERATIONS,
                saas_admin::#krate::spec::HAND_WRITTEN_OPERATIONS,
            );
        }

        #[allow(dead_code)]
        type Server = #server;

        #(#tests)*
    })
}

struct Spec<'a> {
    doc: &'a Value,
}

impl Spec<'_> {
    /// The test of one operation. A path parameter the client fills from
    /// its configuration stays `{name}` in the expected path: the support
    /// fills in the client's own value.
    fn test(
        &self,
        path: &str,
        method: &str,
        item: &Value,
        op: &Value,
        shape: &Shape,
        facade: &syn::Ident,
    ) -> Result<TokenStream, String> {
        let id = &shape.id;
        let params: Vec<Value> = item["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .chain(op["parameters"].as_array().into_iter().flatten())
            .map(|p| self.resolve(p).clone())
            .collect();
        let method_name = format_ident!("{id}");
        let mut call = quote!(client.#method_name());
        let mut expected_path = path.to_string();
        let mut query = Vec::new();
        for (setter, wire, taking) in &shape.params {
            let param = params
                .iter()
                .find(|p| p["name"] == wire.as_str())
                .ok_or_else(|| format!("{id}: no parameter `{wire}` in the spec"))?;
            let value = match param.get("example") {
                Some(example) => example.clone(),
                None => self.sample(&param["schema"], 0),
            };
            match param["in"].as_str() {
                Some("path") => {
                    let text = as_text(&value);
                    expected_path =
                        expected_path.replace(&format!("{{{wire}}}"), &encode_segment(&text));
                }
                Some("query") => match &value {
                    Value::Array(items) => {
                        query.extend(items.iter().map(|v| json!([wire, as_text(v)])))
                    }
                    one => query.push(json!([wire, as_text(one)])),
                },
                other => {
                    return Err(format!(
                        "{id}: a parameter in {other:?}, which the tests do not send"
                    ))
                }
            }
            let argument = match taking {
                Taking::Text => {
                    let text = as_text(&value);
                    quote!(#text)
                }
                Taking::List(item) => {
                    let json = Value::Array(match value {
                        Value::Array(items) => items,
                        one => vec![one],
                    })
                    .to_string();
                    quote!(json::<Vec<#item>>(#json))
                }
                Taking::Value(ty) => {
                    let json = value.to_string();
                    quote!(json::<#ty>(#json))
                }
            };
            call = quote!(#call.#setter(#argument));
        }
        let body = match &shape.body {
            Some(ty) => {
                let content = op
                    .pointer("/requestBody/content/application~1json")
                    .ok_or_else(|| format!("{id}: a body that is not JSON"))?;
                let body = match self.example(content) {
                    Some(example) => example,
                    None => self.sample(&content["schema"], 0),
                };
                let json = raw_string(&body.to_string())?;
                call = quote!(#call.body(json::<#ty>(#json)));
                body
            }
            None => Value::Null,
        };

        let streamed = crate::syntax::last_ident(
            &syn::parse2::<syn::Type>(shape.output.clone()).map_err(|e| e.to_string())?,
        )
        .as_deref()
            == Some("ByteStream");
        let mut success = Value::Null;
        let mut errors = Vec::new();
        for (status, response) in op["responses"].as_object().into_iter().flatten() {
            let code: u16 = status
                .parse()
                .map_err(|_| format!("{id}: status {status}"))?;
            let response = self.resolve(response);
            let content = response["content"].as_object();
            let (media, body) = match content.and_then(|c| c.iter().next()) {
                Some((media, content)) if media == "application/json" => (
                    media.clone(),
                    self.example(content)
                        .unwrap_or_else(|| self.sample(&content["schema"], 0)),
                ),
                Some((media, _)) => (media.clone(), json!("a,b\n1,2\n")),
                None => (String::new(), Value::Null),
            };
            let answer = json!({"status": code, "media": media, "body": body});
            if (200..300).contains(&code) {
                if success.is_null() {
                    success = answer;
                }
            } else {
                errors.push(answer);
            }
        }
        // progenitor accepts JSON, unless the answer is a file.
        let accept = if streamed { "*/*" } else { "application/json" };
        let facts = json!({
            "operation": id,
            "accept": accept,
            "api_version": self.doc["info"]["version"],
            "method": method.to_uppercase(),
            "path": expected_path,
            "query": query,
            "body": body,
            "success": success,
            "errors": errors,
            "public": op["security"] == json!([]),
        })
        .to_string();
        let facts = raw_string(&facts)?;
        let name = format_ident!("{id}");
        let finish = if streamed {
            quote!(operations::download(#call.send().await).await)
        } else {
            quote!(answer(#call.send().await))
        };
        let doc = format!(" `{} {path}`", method.to_uppercase());
        Ok(quote! {
            #[doc = #doc]
            #[tokio::test]
            async fn #name() {
                operations::check(
                    #facts,
                    |server: &Server, reply: Reply| {
                        server.#method_name(move |when, then| reply.apply(when.into_inner(), then.into_inner()));
                    },
                    |client: #facade| async move { #finish },
                )
                .await;
            }
        })
    }

    /// A `$ref` followed, to the component it names.
    fn resolve<'s>(&'s self, value: &'s Value) -> &'s Value {
        let mut value = value;
        for _ in 0..16 {
            let Some(reference) = value["$ref"].as_str() else {
                break;
            };
            let pointer = reference.trim_start_matches('#');
            match self.doc.pointer(pointer) {
                Some(target) => value = target,
                None => break,
            }
        }
        value
    }

    /// A content's example (its own, or its schema's).
    fn example(&self, content: &Value) -> Option<Value> {
        content
            .get("example")
            .or_else(|| self.resolve(&content["schema"]).get("example"))
            .cloned()
    }

    /// A value the schema accepts, every member of an object filled: an
    /// example where the schema has one, the first member of a union, the
    /// first value of an enum.
    fn sample(&self, schema: &Value, depth: usize) -> Value {
        let schema = self.resolve(schema);
        if let Some(example) = schema.get("example") {
            return example.clone();
        }
        if let Some(members) = schema["oneOf"].as_array().or(schema["anyOf"].as_array()) {
            return self.sample(&members[0], depth + 1);
        }
        if let Some(parts) = schema["allOf"].as_array() {
            // An object's parts merge; a wrapper around one schema (to
            // make it nullable, say) is that schema.
            let mut merged = Map::new();
            for part in parts {
                match self.sample(part, depth + 1) {
                    Value::Object(fields) => merged.extend(fields),
                    other => return other,
                }
            }
            return Value::Object(merged);
        }
        if let Some(first) = schema["enum"].as_array().and_then(|values| values.first()) {
            return first.clone();
        }
        match schema["type"].as_str() {
            Some("object") | None if depth < 8 => {
                let mut object = Map::new();
                for (name, property) in schema["properties"].as_object().into_iter().flatten() {
                    if property["readOnly"] == true {
                        continue;
                    }
                    object.insert(name.clone(), self.sample(property, depth + 1));
                }
                // A map gets one entry, so that an empty map left out is
                // not mistaken for one sent.
                if object.is_empty() {
                    match schema.get("additionalProperties") {
                        Some(values) if values.is_object() => {
                            let value = match self.sample(values, depth + 1) {
                                Value::Object(o) if o.is_empty() => json!("a"),
                                value => value,
                            };
                            object.insert("name".into(), value);
                        }
                        Some(Value::Bool(false)) => {}
                        _ if schema.get("properties").is_none() => {
                            object.insert("name".into(), json!("a"));
                        }
                        _ => {}
                    }
                }
                Value::Object(object)
            }
            Some("array") => json!([self.sample(&schema["items"], depth + 1)]),
            Some("string") => json!(match schema["format"].as_str() {
                Some("date-time") => "2025-01-02T03:04:05Z",
                Some("date") => "2025-01-02",
                Some("uri") | Some("url") => "https://example.org/a",
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
}

/// JSON as a raw string literal, so it reads as JSON in the file.
fn raw_string(json: &str) -> Result<proc_macro2::Literal, String> {
    if json.contains("\"#") {
        return Err("a value contains `\"#`, which ends its raw string".into());
    }
    format!("r#\"{json}\"#")
        .parse()
        .map_err(|e| format!("not a string literal: {e:?}"))
}

/// A parameter's value as text on the wire.
fn as_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// A path segment percent-encoded as the client encodes it.
fn encode_segment(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
