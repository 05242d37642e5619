//! JSON Schema for the generated types (`schemars` feature): a request
//! type's fields and which are required, an open enum and an open union
//! accepting what the client accepts.

use saas_admin::schemars::schema_for;
use serde_json::json;

#[test]
fn a_request_type_lists_its_fields_and_requires_what_the_spec_requires() {
    let schema = schema_for!(saas_admin::ods::types::UserGroupRequest).to_value();
    assert_eq!(schema["type"], "object");
    assert_eq!(schema["required"], json!(["title"]));
    for field in [
        "title",
        "description",
        "permissions",
        "explore_limits",
        "management_limits",
    ] {
        assert!(
            schema["properties"].get(field).is_some(),
            "no {field} in {schema:#}"
        );
    }
    // The field's doc is its description.
    assert!(schema["properties"]["title"]["description"].is_string());

    let cloudinary = schema_for!(saas_admin::cloudinary::types::UserGroupRequest).to_value();
    assert_eq!(cloudinary["required"], json!(["name"]));
}

#[test]
fn an_open_enum_lists_its_values_and_accepts_any_other_text() {
    let schema = schema_for!(saas_admin::ods::types::Permission).to_value();
    let members = schema["anyOf"].as_array().expect("anyOf");
    assert_eq!(members.len(), 2, "{schema:#}");
    let values = members[0]["enum"].as_array().expect("the listed values");
    assert!(values.contains(&json!("edit_dataset")), "{schema:#}");
    assert_eq!(members[1], json!({"type": "string"}));
}

#[test]
fn an_open_union_lists_its_kinds_and_accepts_an_object_of_another_kind() {
    let schema = schema_for!(saas_admin::ods::types::AlternativeExport).to_value();
    let members = schema["anyOf"].as_array().expect("anyOf");
    // Two kinds, each by its own type's schema, then any other kind.
    assert_eq!(members.len(), 3, "{schema:#}");
    for member in &members[..2] {
        let reference = member["$ref"].as_str().expect("a kind's own schema");
        let name = reference.rsplit('/').next().unwrap();
        assert!(
            schema["$defs"].get(name).is_some(),
            "{name} is not defined in {schema:#}"
        );
    }
    assert_eq!(
        members[2],
        json!({"type": "object", "required": ["type"], "properties": {"type": {"type": "string"}}})
    );
}
