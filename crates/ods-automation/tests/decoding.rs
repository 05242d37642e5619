//! Decoding and encoding of the generated types that the generated
//! operation tests cannot see: a value kept as an unknown variant, a
//! number read as text, a null read as a value, or an enum sent under
//! another name all encode back to the same JSON. Written against the
//! types alone; ported from `tests/{datasets,pages,resources,users_and_keys}.rs`
//! (deleted in bad5bf6).

use std::collections::HashMap;

use ods_automation::types::{
    self, DatasetFieldAnnotation as Annotation, DatasetFieldAnnotationArg as Arg,
    DatasetFieldType as FieldType, DatasetState as State,
    MetadataTemplateFieldType as TemplateFieldType,
};
use ods_automation::Secret;
use serde_json::{json, Value};

use crate::support;
use support::*;

const EXPORT: &str = "ae_qf2hyt";
const REVOKED_KEY_VALUE: &str = "581e3f9240228854957e35babc53c5c459741a1374cd5af528b00c1b";

/// The value of one metadata field, failing if the template or field is missing.
fn value_of<'m>(metadata: &'m types::DatasetMetadata, template: &str, field: &str) -> &'m Value {
    &metadata
        .get(template)
        .unwrap_or_else(|| panic!("no template {template}"))
        .get(field)
        .unwrap_or_else(|| panic!("no field {template}.{field}"))
        .value
}

/// The keys of a map, sorted, for comparing with a list.
fn keys<V>(map: &HashMap<String, V>) -> Vec<&str> {
    let mut keys: Vec<&str> = map.keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

fn by_language(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

// From tests/datasets.rs

#[test]
fn a_dataset_status_with_null_neighbours_and_no_message_decodes_to_nones() {
    // The vendor's `oneOf` [null, ...] fields, as an idle, never published
    // dataset has them.
    let status: types::DatasetStatus = serde_json::from_value(json!({
        "status": "idle",
        "previous": null,
        "next": null,
        "since": "2025-02-11T12:00:00Z",
        "is_published": null,
        "message": null,
        "records_errors": [],
        "params": {},
    }))
    .expect("a status with nulls");
    assert_eq!(status.status, State::Idle);
    assert_eq!(status.previous, None);
    assert_eq!(status.next, None);
    assert_eq!(status.is_published, None);
    assert_eq!(status.message, None);
    assert!(status.records_errors.is_empty());
    assert!(status.params.is_empty());
}

#[test]
fn every_dataset_state_decodes_from_its_name() {
    // The names are the spec's enum, written out rather than taken from the
    // generated Display impl.
    let cases = [
        ("idle", State::Idle),
        ("error", State::Error),
        ("limit_reached", State::LimitReached),
        ("queued", State::Queued),
        ("aborting_processing", State::AbortingProcessing),
        ("processing", State::Processing),
        ("deleting", State::Deleting),
        ("saving_version", State::SavingVersion),
    ];
    for (name, state) in cases {
        let status: types::DatasetStatus =
            serde_json::from_value(json!({"status": name, "previous": name}))
                .unwrap_or_else(|e| panic!("status {name}: {e}"));
        assert_eq!(status.status, state, "{name}");
        assert_eq!(status.previous, Some(state), "{name}");
    }
}

#[test]
fn metadata_values_of_any_json_kind_and_unknown_templates_decode() {
    // Templates and fields are the portal's own: nothing here is in the spec.
    let metadata: types::DatasetMetadata = serde_json::from_value(json!({
        "inspire": {
            "theme": {"value": ["Population distribution"]},
            "resolution": {"value": 2.5},
            "bbox": {"value": {"west": -125.0, "east": -66.9}},
            "legacy": {"value": null, "remote_value": null},
        },
    }))
    .expect("custom metadata");
    assert_eq!(keys(&metadata), ["inspire"]);
    assert_eq!(
        value_of(&metadata, "inspire", "theme"),
        &json!(["Population distribution"])
    );
    assert_eq!(value_of(&metadata, "inspire", "resolution"), &json!(2.5));
    assert_eq!(
        value_of(&metadata, "inspire", "bbox")["west"],
        json!(-125.0)
    );
    let legacy = &metadata["inspire"]["legacy"];
    assert_eq!(legacy.value, Value::Null);
    assert_eq!(legacy.remote_value, None);
}

#[test]
fn annotation_arguments_are_text_or_whole_numbers() {
    let args: Vec<Arg> = serde_json::from_value(json!(["km2", 5, ","])).expect("mixed arguments");
    assert_eq!(
        args,
        [
            Arg::Text("km2".into()),
            Arg::Number(5),
            Arg::Text(",".into())
        ]
    );
    // A number written as text stays text.
    let args: Vec<Arg> = serde_json::from_value(json!(["5"])).expect("a text argument");
    assert_eq!(args, [Arg::Text("5".into())]);
}

#[test]
fn every_field_type_and_annotation_is_sent_under_the_specs_name() {
    // The names are the spec's enums, written out rather than taken from the
    // generated Display impls.
    let types = [
        (FieldType::Text, "text"),
        (FieldType::Int, "int"),
        (FieldType::Double, "double"),
        (FieldType::GeoPoint2d, "geo_point_2d"),
        (FieldType::GeoShape, "geo_shape"),
        (FieldType::Date, "date"),
        (FieldType::Datetime, "datetime"),
        (FieldType::File, "file"),
    ];
    for (value, name) in types {
        assert_eq!(serde_json::to_value(value).unwrap(), json!(name), "{name}");
    }
    let annotations = [
        (Annotation::Id, "id"),
        (Annotation::TimeseriePrecision, "timeserie_precision"),
        (Annotation::Unit, "unit"),
        (Annotation::Decimals, "decimals"),
        (Annotation::Sortable, "sortable"),
        (Annotation::Multivalued, "multivalued"),
        (Annotation::Hierarchical, "hierarchical"),
    ];
    for (value, name) in annotations {
        assert_eq!(serde_json::to_value(value).unwrap(), json!(name), "{name}");
    }
}

// From tests/pages.rs

#[test]
fn code_editor_page_texts_decode_under_any_language_code() {
    // Region and script subtags, and a language the examples do not use:
    // the maps are keyed by whatever code the portal has.
    let page = json!({
        "slug": "horaires",
        "title": {"pt-BR": "Horários", "zh-Hant": "時刻表", "gsw": "Fahrplan"},
        "content": {
            "html": {"pt-BR": "<p>Ônibus</p>", "zh-Hant": "<p>公車</p>", "gsw": "<p>Bus</p>"},
            "css": {"pt-BR": "p { margin: 0; }"},
        },
    });

    let decoded: types::CodeEditorPage =
        serde_json::from_value(page.clone()).expect("a page in any languages");

    assert_eq!(decoded.title["zh-Hant"], "時刻表");
    assert_eq!(decoded.title["gsw"], "Fahrplan");
    assert_eq!(decoded.content.html.len(), 3);
    assert_eq!(decoded.content.html["pt-BR"], "<p>Ônibus</p>");
    assert_eq!(
        decoded.content.css,
        by_language(&[("pt-BR", "p { margin: 0; }")])
    );
    assert_eq!(serde_json::to_value(&decoded).unwrap(), page);
}

#[test]
fn metadata_template_fields_of_every_type_decode_into_one_shape() {
    // The vendor describes one shape for every field type: the `type` member
    // tells them apart. Names written out, as the spec spells them.
    let cases = [
        ("text", TemplateFieldType::Text),
        ("date", TemplateFieldType::Date),
        ("datetime", TemplateFieldType::Datetime),
        ("geo_shape", TemplateFieldType::GeoShape),
        ("geo_area", TemplateFieldType::GeoArea),
        ("html", TemplateFieldType::Html),
        ("multitext", TemplateFieldType::Multitext),
        ("boolean", TemplateFieldType::Boolean),
        ("int", TemplateFieldType::Int),
        ("double", TemplateFieldType::Double),
        ("longstring", TemplateFieldType::Longstring),
        ("enum", TemplateFieldType::Enum),
        ("list", TemplateFieldType::List),
        ("enumlist", TemplateFieldType::Enumlist),
        ("uri_enum", TemplateFieldType::UriEnum),
        ("uri_enumlist", TemplateFieldType::UriEnumlist),
    ];
    for (name, expected) in cases {
        let json = json!({"name": "some_field", "type": name, "choices": ["a", "b"]});
        let field: types::MetadataTemplateField =
            serde_json::from_value(json.clone()).unwrap_or_else(|e| panic!("type {name}: {e}"));
        assert_eq!(field.type_, Some(expected), "type {name}");
        assert_eq!(
            serde_json::to_value(&field).unwrap(),
            json,
            "type {name}: round trip"
        );
    }
    // A field without `type` decodes too (the service's default is text).
    let bare: types::MetadataTemplateField =
        serde_json::from_value(json!({"name": "some_field"})).expect("a field without type");
    assert_eq!(bare.type_, None);
}

// From tests/resources.rs

#[test]
fn a_string_replace_processor_without_its_settings_fails_naming_the_kind_and_the_field() {
    let error = serde_json::from_value::<types::Processor>(json!({
        "uid": "pr_1x",
        "type": "string_replace",
        "label": "Half configured",
        "field": "address",
    }))
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "Processor of type `string_replace`: missing field `new`"
    );
}

#[test]
fn an_attachment_of_unknown_media_type_decodes_with_none() {
    let attachment: types::Attachment = serde_json::from_value(json!({
        "uid": "at_1", "filename": "notes", "mimetype": null,
    }))
    .unwrap();
    assert_eq!(attachment.mimetype, None);
    assert_eq!(attachment.created_at, None);
}

#[test]
fn an_uploaded_file_alternative_export_decodes_with_its_file_name() {
    let page: types::AlternativeExportList = example("list_dataset_alternative_exports", 200);
    let export = match &page.results[0] {
        types::AlternativeExport::UploadedFile(export) => export,
        other => panic!("expected an uploaded_file export, got {other:?}"),
    };
    assert_eq!(export.uid, EXPORT);
    assert_eq!(export.title, "Fromages in Lambert-93");
    assert_eq!(
        export.filename.as_deref(),
        Some("fromages-lambert93.geojson")
    );
    assert_eq!(export.mimetype.as_deref(), Some("application/geo+json"));
    assert_eq!(export.created_at, utc(2024, 12, 2, 14, 8, 19));
}

#[test]
fn a_url_alternative_export_decodes_with_its_link() {
    let page: types::AlternativeExportList = example("list_dataset_alternative_exports", 200);
    let export = match &page.results[1] {
        types::AlternativeExport::Url(export) => export,
        other => panic!("expected a url export, got {other:?}"),
    };
    assert_eq!(export.uid, "ae_5pz8ud");
    assert_eq!(
        export.url.as_deref(),
        Some("https://data.fromagers.example.org/exports/fromages.gpkg")
    );
    assert_eq!(
        export.description.as_deref(),
        Some("Built every night by the cheese makers' federation.")
    );
    assert_eq!(export.updated_at, utc(2025, 1, 6, 12, 30, 11));
    // A kind the vendor does not list yet is kept whole.
    let sent = json!({"uid": "ae_1", "type": "ftp", "title": "x"});
    let unknown = serde_json::from_value::<types::AlternativeExport>(sent.clone()).unwrap();
    assert!(matches!(unknown, types::AlternativeExport::Unknown(_)));
    assert_eq!(unknown.kind(), "ftp");
    assert_eq!(serde_json::to_value(&unknown).unwrap(), sent);
}

// From tests/users_and_keys.rs

#[test]
fn a_key_value_searched_for_never_shows_in_debug_output() {
    let request = types::ApiKeySearchRequest {
        key: Secret::new(REVOKED_KEY_VALUE),
    };
    let text = format!("{request:?}");
    assert!(
        !text.contains(REVOKED_KEY_VALUE),
        "key value in Debug output: {text}"
    );
    // It still travels as the plain string.
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({"key": REVOKED_KEY_VALUE})
    );
}

/// The vendor's schema gives a feedback one suggested value; its own
/// example gives one per field. Both decode, each kept as it came.
#[test]
fn a_feedbacks_values_decode_in_either_of_the_vendors_shapes_and_encode_back() {
    let feedback = |values: Value| json!({"uid": "fb1", "record_id": "r1", "user": {"username": "ann"}, "comment": "c", "values": values});
    let by_field =
        json!({"population": {"type": "int", "value": 12}, "name": {"type": "text", "value": "x"}});
    let decoded: types::DatasetFeedback =
        serde_json::from_value(feedback(by_field.clone())).unwrap();
    let Some(types::DatasetFeedbackValues::ByField(values)) = &decoded.values else {
        panic!("by field: {:?}", decoded.values);
    };
    assert_eq!(keys(values), ["name", "population"]);
    assert_eq!(values["population"].value, Some(json!(12)));
    assert_eq!(serde_json::to_value(&decoded).unwrap()["values"], by_field);

    let one = json!({"type": "text", "value": "Lyon"});
    let decoded: types::DatasetFeedback = serde_json::from_value(feedback(one.clone())).unwrap();
    let Some(types::DatasetFeedbackValues::One(value)) = &decoded.values else {
        panic!("one value: {:?}", decoded.values);
    };
    assert_eq!(value.value, Some(json!("Lyon")));
    assert_eq!(value.type_, Some(types::DatasetFieldType::Text));
    assert_eq!(serde_json::to_value(&decoded).unwrap()["values"], one);
}
