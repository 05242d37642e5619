//! Checks a spec against the curation rules that progenitor relies on, so a
//! bad spec fails with a sentence naming the operation, before progenitor
//! runs (and asserts, or panics) on it.

use std::collections::BTreeSet;

use openapiv3::{
    OpenAPI, Operation, Parameter, ParameterSchemaOrContent, ReferenceOr, Response, SchemaKind,
    StatusCode, Type,
};

/// Every operation of the spec, in document order: (path, method, operation).
pub fn operations(spec: &OpenAPI) -> impl Iterator<Item = (&str, &str, &Operation)> {
    spec.paths.paths.iter().flat_map(|(path, item)| {
        item.as_item().into_iter().flat_map(move |item| {
            item.iter()
                .map(move |(method, op)| (path.as_str(), method, op))
        })
    })
}

/// The extension that marks an operation written by hand (a multipart
/// upload, say): it stays in the spec, out of progenitor's input.
pub const HAND_WRITTEN: &str = "x-saas-admin-hand-written";

/// Whether the operation is written by hand rather than generated.
pub fn is_hand_written(op: &Operation) -> bool {
    op.extensions.get(HAND_WRITTEN) == Some(&serde_json::Value::Bool(true))
}

/// Request body media types progenitor can send.
const SENDABLE: [&str; 4] = [
    "application/json",
    "application/octet-stream",
    "application/x-www-form-urlencoded",
    "text/plain",
];

/// The problems found, each one sentence naming the operation.
pub fn check(spec: &OpenAPI) -> Vec<String> {
    let mut problems = Vec::new();
    let tags: BTreeSet<&str> = spec.tags.iter().map(|t| t.name.as_str()).collect();
    let mut ids = BTreeSet::new();
    for path in spec.paths.paths.keys() {
        if spec.paths.paths[path].as_item().is_none() {
            problems.push(format!("path {path} is a $ref; write the path item out"));
        }
    }
    for (path, method, op) in operations(spec) {
        let name = format!(
            "operation {} ({} {path})",
            op.operation_id.as_deref().unwrap_or("<no operationId>"),
            method.to_uppercase()
        );
        let mut problem = |reason: String| problems.push(format!("{name}: {reason}"));

        match op.operation_id.as_deref() {
            None => problem("has no operationId".into()),
            Some(id) if !is_snake_case(id) => {
                problem("its operationId must be snake_case, to read as a Rust method".into())
            }
            Some(id) if !ids.insert(id) => problem("its operationId is used twice".into()),
            Some(_) => {}
        }
        match op.tags.as_slice() {
            [tag] if tags.contains(tag.as_str()) => {}
            [tag] => problem(format!("its tag {tag:?} is not declared under `tags`")),
            _ => problem(format!("has {} tags; it needs exactly one", op.tags.len())),
        }
        if op.responses.default.is_some() {
            problem("has a `default` response; declare each status instead".into());
        }

        let mut success = BTreeSet::new();
        let mut errors = BTreeSet::new();
        for (status, response) in &op.responses.responses {
            let body = match resolve(spec, response) {
                Ok(response) => body_schema(response),
                Err(reason) => {
                    problem(format!("response {status}: {reason}"));
                    continue;
                }
            };
            match status {
                StatusCode::Code(100..=399) | StatusCode::Range(1..=3) => success.insert(body),
                _ => errors.insert(body),
            };
        }
        if success.len() > 1 {
            problem(
                "its success responses have different bodies; they must share one schema".into(),
            );
        }
        if errors.len() > 1 {
            problem("its error responses have different bodies; they must share one schema".into());
        }
        if errors.is_empty() {
            problem("declares no error status".into());
        }
        if let (false, Some(ReferenceOr::Item(body))) = (is_hand_written(op), &op.request_body) {
            for media in body.content.keys() {
                if !SENDABLE.contains(&media.as_str()) {
                    problem(format!(
                        "its request body is {media}, which progenitor cannot send; \
                         write that method by hand and mark the operation `{HAND_WRITTEN}: true`"
                    ));
                }
            }
        }
    }
    problems
}

fn is_snake_case(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

pub fn resolve<'a>(
    spec: &'a OpenAPI,
    response: &'a ReferenceOr<Response>,
) -> Result<&'a Response, String> {
    match response {
        ReferenceOr::Item(response) => Ok(response),
        ReferenceOr::Reference { reference } => reference
            .strip_prefix("#/components/responses/")
            .and_then(|name| spec.components.as_ref()?.responses.get(name))
            .and_then(ReferenceOr::as_item)
            .ok_or_else(|| format!("{reference} does not name a response under components")),
    }
}

/// The response body's schema, as comparable text ("" when there is none).
fn body_schema(response: &Response) -> String {
    response
        .content
        .values()
        .map(|media| serde_json::to_string(&media.schema).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("|")
}

/// Whether a parameter is a query parameter whose value is a list.
pub fn is_array_query(spec: &OpenAPI, param: &ReferenceOr<Parameter>) -> bool {
    let components = spec.components.as_ref();
    let param = match param {
        ReferenceOr::Item(param) => Some(param),
        ReferenceOr::Reference { reference } => reference
            .strip_prefix("#/components/parameters/")
            .and_then(|name| components?.parameters.get(name)?.as_item()),
    };
    let Some(Parameter::Query { parameter_data, .. }) = param else {
        return false;
    };
    let ParameterSchemaOrContent::Schema(schema) = &parameter_data.format else {
        return false;
    };
    let schema = match schema {
        ReferenceOr::Item(schema) => Some(schema),
        ReferenceOr::Reference { reference } => reference
            .strip_prefix("#/components/schemas/")
            .and_then(|name| components?.schemas.get(name)?.as_item()),
    };
    matches!(
        schema.map(|s| &s.schema_kind),
        Some(SchemaKind::Type(Type::Array(_)))
    )
}
