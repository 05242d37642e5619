//! A dataset's field configuration steps and processors through the facade:
//! what the generated operation tests cannot show, since they send one
//! kind of step and one kind of processor. Each of the six kinds of field
//! step is sent as exactly the JSON the vendor expects and decoded back into
//! its own variant; a processor of a kind the spec describes is sent and
//! decoded field by field, one of another kind is sent and kept whole; the
//! kinds of processor keep the members the spec does not name.
//!
//! Ported from `ods-automation/tests/{datasets,resources}.rs` (deleted in
//! bad5bf6).
#![cfg(all(feature = "ods", feature = "mock"))]

use saas_admin::ods_automation::types::{
    self, DatasetField as Field, DatasetFieldAnnotation as Annotation,
    DatasetFieldAnnotationArg as Arg, DatasetFieldRequest as FieldRequest,
    DatasetFieldType as FieldType,
};
use serde_json::{json, Map, Value};

use crate::recorded;
use recorded::*;

const DATASET: &str = "da_qf2hyt";
const PROCESSOR: &str = "pr_qf2hyt";

/// The whole request of a JSON operation: `method path`, no query, the key
/// once in the Authorization header, Accept JSON, the api-version once,
/// and exactly `body`.
fn assert_json_request(sent: &Sent, method: &str, path: &str, body: &Value, context: &str) {
    assert_eq!(sent.method, method, "{context}: method");
    assert_eq!(sent.path, path, "{context}: path");
    assert_eq!(sent.raw_query, None, "{context}: no query");
    assert_eq!(
        sent.header("authorization"),
        [ODS_AUTHORIZATION],
        "{context}"
    );
    assert_eq!(sent.header("accept"), ["application/json"], "{context}");
    assert_eq!(sent.header("api-version"), [ODS_API_VERSION], "{context}");
    assert_eq!(
        sent.header("content-type"),
        ["application/json"],
        "{context}"
    );
    assert_eq!(&sent.json(), body, "{context}: body");
}

/// The step of the `list_dataset_fields` example whose uid is `uid`.
fn listed_step(uid: &str) -> Value {
    ods_example("list_dataset_fields", 200)["results"]
        .as_array()
        .expect("the example's results")
        .iter()
        .find(|step| step["uid"] == uid)
        .unwrap_or_else(|| panic!("no step {uid} in the list example"))
        .clone()
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

/// One kind of field step: what the caller sends, the JSON that must
/// arrive, the step of the list example the service answers, and what
/// that answer decodes to.
struct Step {
    name: &'static str,
    request: FieldRequest,
    sent: Value,
    answer: &'static str,
    decoded: Field,
}

fn steps() -> Vec<Step> {
    let order = ["year", "state_name", "county_name", "population"].map(String::from);
    vec![
        Step {
            name: "rename",
            request: FieldRequest::Rename {
                label: "Rename cty_name to county_name".into(),
                from_name: "cty_name".into(),
                to_name: "county_name".into(),
                field_label: "County".into(),
            },
            sent: json!({
                "type": "rename",
                "label": "Rename cty_name to county_name",
                "from_name": "cty_name",
                "to_name": "county_name",
                "field_label": "County",
            }),
            answer: "pr_5xk2tq",
            decoded: Field::Rename {
                uid: "pr_5xk2tq".into(),
                label: "Rename cty_name to county_name".into(),
                from_name: "cty_name".into(),
                to_name: "county_name".into(),
                field_label: "County".into(),
            },
        },
        Step {
            name: "type",
            request: FieldRequest::Type {
                label: "Population is an integer".into(),
                field: "population".into(),
                type_param: FieldType::Int,
            },
            sent: json!({
                "type": "type",
                "label": "Population is an integer",
                "field": "population",
                "type_param": "int",
            }),
            answer: "pr_8wd3hn",
            decoded: Field::Type {
                uid: "pr_8wd3hn".into(),
                label: "Population is an integer".into(),
                field: "population".into(),
                type_param: FieldType::Int,
            },
        },
        Step {
            name: "annotate with a text argument",
            request: FieldRequest::Annotate {
                label: "Population is counted in inhabitants".into(),
                field: "population".into(),
                annotation: Annotation::Unit,
                args: vec![Arg::Text("inhabitants".into())],
            },
            sent: json!({
                "type": "annotate",
                "label": "Population is counted in inhabitants",
                "field": "population",
                "annotation": "unit",
                "args": ["inhabitants"],
            }),
            answer: "pr_2bn7vc",
            decoded: Field::Annotate {
                uid: "pr_2bn7vc".into(),
                label: "Population is counted in inhabitants".into(),
                field: "population".into(),
                annotation: Annotation::Unit,
                args: vec![Arg::Text("inhabitants".into())],
            },
        },
        Step {
            name: "annotate with a number argument",
            request: FieldRequest::Annotate {
                label: "Density has one decimal".into(),
                field: "density".into(),
                annotation: Annotation::Decimals,
                args: vec![Arg::Number(1)],
            },
            sent: json!({
                "type": "annotate",
                "label": "Density has one decimal",
                "field": "density",
                "annotation": "decimals",
                "args": [1],
            }),
            answer: "pr_7cv0md",
            decoded: Field::Annotate {
                uid: "pr_7cv0md".into(),
                label: "Density has one decimal".into(),
                field: "density".into(),
                annotation: Annotation::Decimals,
                args: vec![Arg::Number(1)],
            },
        },
        // No arguments: no `args` at all, not an empty list.
        Step {
            name: "annotate without arguments",
            request: FieldRequest::Annotate {
                label: "County codes identify the records".into(),
                field: "county_code".into(),
                annotation: Annotation::Id,
                args: vec![],
            },
            sent: json!({
                "type": "annotate",
                "label": "County codes identify the records",
                "field": "county_code",
                "annotation": "id",
            }),
            answer: "pr_9fj4ra",
            decoded: Field::Annotate {
                uid: "pr_9fj4ra".into(),
                label: "County codes identify the records".into(),
                field: "county_code".into(),
                annotation: Annotation::Id,
                args: vec![],
            },
        },
        Step {
            name: "description",
            request: FieldRequest::Description {
                label: "Describe population".into(),
                field: "population".into(),
                description: "Resident population estimated on July 1st of the year.".into(),
            },
            sent: json!({
                "type": "description",
                "label": "Describe population",
                "field": "population",
                "description": "Resident population estimated on July 1st of the year.",
            }),
            answer: "pr_3lm6pe",
            decoded: Field::Description {
                uid: "pr_3lm6pe".into(),
                label: "Describe population".into(),
                field: "population".into(),
                description: "Resident population estimated on July 1st of the year.".into(),
            },
        },
        Step {
            name: "order",
            request: FieldRequest::Order {
                label: "Year first, then the places".into(),
                args: order.to_vec(),
            },
            sent: json!({
                "type": "order",
                "label": "Year first, then the places",
                "args": order,
            }),
            answer: "pr_6qs1xu",
            decoded: Field::Order {
                uid: "pr_6qs1xu".into(),
                label: "Year first, then the places".into(),
                args: order.to_vec(),
            },
        },
        Step {
            name: "delete",
            request: FieldRequest::Delete {
                label: "Drop the source's row number".into(),
                field: "row_id".into(),
            },
            sent: json!({
                "type": "delete",
                "label": "Drop the source's row number",
                "field": "row_id",
            }),
            answer: "pr_4tg8yo",
            decoded: Field::Delete {
                uid: "pr_4tg8yo".into(),
                label: "Drop the source's row number".into(),
                field: "row_id".into(),
            },
        },
    ]
}

#[tokio::test]
async fn each_kind_of_field_step_is_sent_whole_and_decoded_into_its_own_variant() {
    let steps = steps();
    // Every kind of step the spec describes is here.
    let mut kinds: Vec<&str> = steps
        .iter()
        .map(|step| step.sent["type"].as_str().unwrap())
        .collect();
    kinds.dedup();
    assert_eq!(
        kinds,
        [
            "rename",
            "type",
            "annotate",
            "description",
            "order",
            "delete"
        ]
    );
    for step in steps {
        let answer = listed_step(step.answer);
        let (server, recorder) = answering(201, Some(answer.clone())).await;
        let decoded = ods(&server.base_url())
            .create_dataset_field()
            .dataset_uid(DATASET)
            .body(step.request)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", step.name));
        assert_json_request(
            &recorder.one(),
            "POST",
            &format!("/datasets/{DATASET}/fields/"),
            &step.sent,
            step.name,
        );
        assert_eq!(decoded, step.decoded, "{}: decoded", step.name);
        // Nothing of the answer is lost.
        assert_eq!(
            serde_json::to_value(&decoded).unwrap(),
            answer,
            "{}: encoded back",
            step.name
        );
    }
}

/// The string_replace processor the examples show, under `label` and
/// replacing `old` with `new`.
fn string_replace_request(label: &str, old: &str, new: &str) -> types::ProcessorRequest {
    types::ProcessorRequest::StringReplace(types::ProcessorRequestStringReplace {
        type_: types::ProcessorRequestStringReplaceType::StringReplace,
        label: label.to_string(),
        field: "address".to_string(),
        old: old.to_string(),
        new: new.to_string(),
    })
}

fn string_replace(label: &str, old: &str, new: &str) -> types::Processor {
    types::Processor::StringReplace(types::ProcessorStringReplace {
        uid: PROCESSOR.to_string(),
        type_: types::ProcessorStringReplaceType::StringReplace,
        label: label.to_string(),
        field: "address".to_string(),
        old: old.to_string(),
        new: new.to_string(),
    })
}

#[tokio::test]
async fn a_string_replace_processor_is_sent_and_decoded_with_its_settings_as_fields() {
    let path = format!("/datasets/{DATASET}/processors/");
    let create_label = "Spell out \"St.\" in addresses";
    let (server, recorder) = answering_ods("create_dataset_processor").await;
    let created = ods(&server.base_url())
        .create_dataset_processor()
        .dataset_uid(DATASET)
        .body(string_replace_request(create_label, "St.", "Street"))
        .send()
        .await
        .expect("create_dataset_processor");
    assert_json_request(
        &recorder.one(),
        "POST",
        &path,
        &json!({
            "type": "string_replace",
            "label": create_label,
            "field": "address",
            "old": "St.",
            "new": "Street",
        }),
        "create_dataset_processor",
    );
    assert_eq!(created, string_replace(create_label, "St.", "Street"));

    let update_label = "Spell out \"Ave.\" in addresses";
    let (server, recorder) = answering_ods("update_dataset_processor").await;
    let updated = ods(&server.base_url())
        .update_dataset_processor()
        .dataset_uid(DATASET)
        .processor_uid(PROCESSOR)
        .body(string_replace_request(update_label, "Ave.", "Avenue"))
        .send()
        .await
        .expect("update_dataset_processor");
    assert_json_request(
        &recorder.one(),
        "PUT",
        &format!("{path}{PROCESSOR}/"),
        &json!({
            "type": "string_replace",
            "label": update_label,
            "field": "address",
            "old": "Ave.",
            "new": "Avenue",
        }),
        "update_dataset_processor",
    );
    assert_eq!(updated, string_replace(update_label, "Ave.", "Avenue"));
}

#[tokio::test]
async fn a_processor_of_another_kind_is_sent_and_decoded_with_its_settings_as_they_come() {
    // The second processor of the list example, answered alone.
    let listed = ods_example("list_dataset_processors", 200)["results"][1].clone();
    assert_eq!(listed["type"], "expression");
    let sent = json!({
        "type": "expression",
        "label": "Population density",
        "field": "density",
        "expression": "population / area_km2",
    });
    let (server, recorder) = answering(201, Some(listed.clone())).await;
    let processor = ods(&server.base_url())
        .create_dataset_processor()
        .dataset_uid(DATASET)
        .body(types::ProcessorRequest::Unknown(
            object(sent.clone()).into(),
        ))
        .send()
        .await
        .expect("create_dataset_processor");
    assert_json_request(
        &recorder.one(),
        "POST",
        &format!("/datasets/{DATASET}/processors/"),
        &sent,
        "create_dataset_processor",
    );
    assert_eq!(
        processor,
        types::Processor::Unknown(object(listed.clone()).into())
    );
    assert_eq!(processor.kind(), "expression");
    assert_eq!(serde_json::to_value(&processor).unwrap(), listed);
}

#[tokio::test]
async fn list_processor_kinds_keeps_the_members_the_spec_does_not_name() {
    // The spec's example: type and label only.
    let (server, recorder) = answering_ods("list_processor_kinds").await;
    let kinds = ods(&server.base_url())
        .list_processor_kinds()
        .send()
        .await
        .expect("list_processor_kinds");
    let sent = recorder.one();
    assert_eq!(
        (sent.method.as_str(), sent.path.as_str()),
        ("GET", "/processors/")
    );
    assert_eq!(sent.raw_query, None);
    assert!(sent.body.is_empty());
    assert_eq!(
        kinds,
        [
            types::ProcessorKind {
                type_: "string_replace".into(),
                label: "Replace text".into(),
                extra: Map::new(),
            },
            types::ProcessorKind {
                type_: "expression".into(),
                label: "Expression".into(),
                extra: Map::new(),
            },
        ]
    );

    // Not a spec example: a kind with a member the spec does not name,
    // which is kept, not dropped.
    let answer = json!([
        {"type": "geocode", "label": "Geocode", "parameters": [{"name": "address"}], "beta": true},
    ]);
    let (server, _recorder) = answering(200, Some(answer.clone())).await;
    let kinds = ods(&server.base_url())
        .list_processor_kinds()
        .send()
        .await
        .expect("list_processor_kinds");
    assert_eq!(
        kinds,
        [types::ProcessorKind {
            type_: "geocode".into(),
            label: "Geocode".into(),
            extra: object(json!({"parameters": [{"name": "address"}], "beta": true})),
        }]
    );
    assert_eq!(serde_json::to_value(&kinds).unwrap(), answer);
}
