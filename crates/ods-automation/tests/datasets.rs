//! Operation tests for the generated Opendatasoft Automation API client
//! ("Datasets", "Dataset metadata", "Dataset fields", "Dataset versions",
//! "Dataset feedbacks", "Dataset schedules" and "Harvester schedules" tags).
//!
//! Each test runs one operation against a loopback httpmock server: the mock
//! pins down the whole request the client sends (method, path with its
//! trailing slash, query parameters, headers, body), answers with the spec's
//! example body (`ods_automation::examples`), and the test checks what the
//! client decodes from it.

use std::collections::HashMap;

use httpmock::Mock;
use ods_automation::mock::{MockServer, MockServerExt};
use ods_automation::prelude::*;
use ods_automation::types::{
    self, DatasetApiCallsQuotaUnit as Per, DatasetField as Field,
    DatasetFieldAnnotation as Annotation, DatasetFieldAnnotationArg as Arg,
    DatasetFieldRequest as FieldRequest, DatasetFieldType as FieldType, DatasetState as State,
};
use ods_automation::{examples, Client, Error, ResponseValue};
use serde_json::{json, Value};

mod support;
use support::*;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// Path parameters, taken from the spec's parameter examples.
const DATASET: &str = "da_qf2hyt";
const TEMPLATE: &str = "default";
const TEMPLATE_FIELD: &str = "title";
const FIELD: &str = "pr_5xk2tq";
const VERSION: &str = "ch_qf2hyt";
const FEEDBACK: &str = "df_7hq2mn";
const SCHEDULE: &str = "sc_qf2hyt";
const HARVESTER: &str = "paris-ckan";
/// The uid of the harvester schedule in the spec's examples.
const HARVESTER_SCHEDULE: &str = "sc_5vw1hg";

/// Every error status the spec documents, over all these operations.
const ERROR_STATUSES: [u16; 5] = [400, 401, 403, 404, 429];

/// A metadata value to send, without `override_remote_value`.
fn metadata_value(value: Value) -> types::DatasetMetadataValueRequest {
    types::DatasetMetadataValueRequest {
        value,
        override_remote_value: None,
    }
}

/// The values of one template to send, by field name.
fn template(values: &[(&str, Value)]) -> types::DatasetTemplateMetadataRequest {
    types::DatasetTemplateMetadataRequest(
        values
            .iter()
            .map(|(name, value)| (name.to_string(), metadata_value(value.clone())))
            .collect(),
    )
}

/// All the metadata to send, by template name.
fn metadata(
    templates: Vec<(&str, types::DatasetTemplateMetadataRequest)>,
) -> types::DatasetMetadataRequest {
    types::DatasetMetadataRequest(
        templates
            .into_iter()
            .map(|(name, values)| (name.to_string(), values))
            .collect(),
    )
}

/// The smallest dataset body: a title and a language.
fn dataset_request(title: &str) -> types::DatasetRequest {
    types::DatasetRequest {
        dataset_id: None,
        is_restricted: None,
        metadata: metadata(vec![(
            "default",
            template(&[("title", json!(title)), ("language", json!("en"))]),
        )]),
        default_security: None,
    }
}

/// Access rules: `visible` records, `fields` (None for all), the records
/// matching `filter`, within `quota` calls per period.
fn security(
    visible: bool,
    fields: Option<&[&str]>,
    filter: &str,
    quota: Option<(i64, Per)>,
) -> Option<types::DatasetSecurity> {
    Some(types::DatasetSecurity {
        is_data_visible: Some(visible),
        visible_fields: fields.map(|f| f.iter().map(|name| name.to_string()).collect()),
        filter_query: Some(filter.to_string()),
        api_calls_quota: quota.map(|(limit, unit)| types::DatasetApiCallsQuota { limit, unit }),
    })
}

/// The decoded value of `field` in `template`, failing with the names when
/// either is missing.
fn value_of<'m>(metadata: &'m types::DatasetMetadata, template: &str, field: &str) -> &'m Value {
    &metadata
        .get(template)
        .unwrap_or_else(|| panic!("no template {template} in the metadata"))
        .get(field)
        .unwrap_or_else(|| panic!("no field {field} in the template {template}"))
        .value
}

/// A map's keys, sorted (the generated maps are `HashMap`s).
fn keys<V>(map: &HashMap<String, V>) -> Vec<&str> {
    let mut keys: Vec<&str> = map.keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

fn related_user(username: &str) -> Option<types::RelatedUser> {
    Some(types::RelatedUser {
        username: username.to_string(),
    })
}

fn rename_request(label: &str, to_name: &str, field_label: &str) -> FieldRequest {
    FieldRequest::Rename {
        label: label.to_string(),
        from_name: "cty_name".to_string(),
        to_name: to_name.to_string(),
        field_label: field_label.to_string(),
    }
}

fn harvester_schedule(cron: &str, timezone: &str) -> types::HarvesterScheduleRequest {
    types::HarvesterScheduleRequest {
        cron_schedule: cron.to_string(),
        timezone: timezone.to_string(),
    }
}

fn dataset_schedule(cron: &str) -> types::DatasetScheduleRequest {
    types::DatasetScheduleRequest {
        cron_schedule: cron.to_string(),
    }
}

/// Mocks `op` for the test ids, answering `status` with `body` through the
/// typed helper named after the status (for the table-driven error test; the
/// per-status tests call the helpers directly).
fn mock_error<'a>(server: &'a MockServer, op: &str, status: u16, body: &types::Error) -> Mock<'a> {
    // Every operation documents 401, 403 and 429; the arms list the others
    // (400, 404) it documents. Any other status panics: the typed mock has no
    // helper for it.
    macro_rules! answer {
        ($then:expr $(, $code:literal => $helper:ident)* $(,)?) => {
            match status {
                $($code => {
                    $then.$helper(body);
                })*
                401 => {
                    $then.unauthorized(body);
                }
                403 => {
                    $then.forbidden(body);
                }
                429 => {
                    $then.too_many_requests(body);
                }
                other => panic!("{op}: the typed mock has no helper for status {other}"),
            }
        };
    }
    match op {
        "list_datasets" => server.list_datasets(|_when, then| answer!(then)),
        "create_dataset" => server.create_dataset(|_when, then| answer!(then, 400 => bad_request)),
        "get_dataset" => server.get_dataset(|when, then| {
            when.dataset_uid(DATASET);
            answer!(then, 404 => not_found)
        }),
        "update_dataset" => server.update_dataset(|when, then| {
            when.dataset_uid(DATASET);
            answer!(then, 400 => bad_request, 404 => not_found)
        }),
        "delete_dataset" => server.delete_dataset(|when, then| {
            when.dataset_uid(DATASET);
            answer!(then, 404 => not_found)
        }),
        "publish_dataset" => server.publish_dataset(|when, then| {
            when.dataset_uid(DATASET);
            answer!(then, 400 => bad_request, 404 => not_found)
        }),
        "publish_dataset_metadata" => server.publish_dataset_metadata(|when, then| {
            when.dataset_uid(DATASET);
            answer!(then, 400 => bad_request, 404 => not_found)
        }),
        "abort_dataset" => server.abort_dataset(|when, then| {
            when.dataset_uid(DATASET);
            answer!(then, 400 => bad_request, 404 => not_found)
        }),
        "unpublish_dataset" => server.unpublish_dataset(|when, then| {
            when.dataset_uid(DATASET);
            answer!(then, 400 => bad_request, 404 => not_found)
        }),
        "copy_dataset" => server.copy_dataset(|when, then| {
            when.dataset_uid(DATASET);
            answer!(then, 404 => not_found)
        }),
        "get_dataset_status" => server.get_dataset_status(|when, then| {
            when.dataset_uid(DATASET);
            answer!(then, 404 => not_found)
        }),
        "list_dataset_metadata" => server.list_dataset_metadata(|when, then| {
            when.dataset_uid(DATASET);
            answer!(then, 404 => not_found)
        }),
        "update_dataset_metadata" => server.update_dataset_metadata(|when, then| {
            when.dataset_uid(DATASET);
            answer!(then, 400 => bad_request, 404 => not_found)
        }),
        "get_dataset_template_metadata" => server.get_dataset_template_metadata(|when, then| {
            when.dataset_uid(DATASET).template_name(TEMPLATE);
            answer!(then, 404 => not_found)
        }),
        "update_dataset_template_metadata" => {
            server.update_dataset_template_metadata(|when, then| {
                when.dataset_uid(DATASET).template_name(TEMPLATE);
                answer!(then, 400 => bad_request, 404 => not_found)
            })
        }
        "get_dataset_metadata_field" => server.get_dataset_metadata_field(|when, then| {
            when.dataset_uid(DATASET)
                .template_name(TEMPLATE)
                .template_field_name(TEMPLATE_FIELD);
            answer!(then, 404 => not_found)
        }),
        "update_dataset_metadata_field" => server.update_dataset_metadata_field(|when, then| {
            when.dataset_uid(DATASET)
                .template_name(TEMPLATE)
                .template_field_name(TEMPLATE_FIELD);
            answer!(then, 400 => bad_request, 404 => not_found)
        }),
        "delete_dataset_metadata_field" => server.delete_dataset_metadata_field(|when, then| {
            when.dataset_uid(DATASET)
                .template_name(TEMPLATE)
                .template_field_name(TEMPLATE_FIELD);
            answer!(then, 404 => not_found)
        }),
        "list_dataset_fields" => server.list_dataset_fields(|when, then| {
            when.dataset_uid(DATASET);
            answer!(then, 404 => not_found)
        }),
        "create_dataset_field" => server.create_dataset_field(|when, then| {
            when.dataset_uid(DATASET);
            answer!(then, 400 => bad_request, 404 => not_found)
        }),
        "get_dataset_field" => server.get_dataset_field(|when, then| {
            when.dataset_uid(DATASET).field_uid(FIELD);
            answer!(then, 404 => not_found)
        }),
        "update_dataset_field" => server.update_dataset_field(|when, then| {
            when.dataset_uid(DATASET).field_uid(FIELD);
            answer!(then, 400 => bad_request, 404 => not_found)
        }),
        "delete_dataset_field" => server.delete_dataset_field(|when, then| {
            when.dataset_uid(DATASET).field_uid(FIELD);
            answer!(then, 404 => not_found)
        }),
        "list_dataset_versions" => server.list_dataset_versions(|when, then| {
            when.dataset_uid(DATASET);
            answer!(then, 404 => not_found)
        }),
        "get_dataset_version" => server.get_dataset_version(|when, then| {
            when.dataset_uid(DATASET).version_uid(VERSION);
            answer!(then, 404 => not_found)
        }),
        "restore_dataset_version" => server.restore_dataset_version(|when, then| {
            when.dataset_uid(DATASET).version_uid(VERSION);
            answer!(then, 404 => not_found)
        }),
        "list_dataset_feedbacks" => server.list_dataset_feedbacks(|when, then| {
            when.dataset_uid(DATASET);
            answer!(then, 404 => not_found)
        }),
        "get_dataset_feedback" => server.get_dataset_feedback(|when, then| {
            when.dataset_uid(DATASET).feedback_uid(FEEDBACK);
            answer!(then, 404 => not_found)
        }),
        "archive_dataset_feedback" => server.archive_dataset_feedback(|when, then| {
            when.dataset_uid(DATASET).feedback_uid(FEEDBACK);
            answer!(then, 404 => not_found)
        }),
        "list_dataset_schedules" => server.list_dataset_schedules(|when, then| {
            when.dataset_uid(DATASET);
            answer!(then, 404 => not_found)
        }),
        "create_dataset_schedule" => server.create_dataset_schedule(|when, then| {
            when.dataset_uid(DATASET);
            answer!(then, 400 => bad_request, 404 => not_found)
        }),
        "get_dataset_schedule" => server.get_dataset_schedule(|when, then| {
            when.dataset_uid(DATASET).schedule_uid(SCHEDULE);
            answer!(then, 404 => not_found)
        }),
        "update_dataset_schedule" => server.update_dataset_schedule(|when, then| {
            when.dataset_uid(DATASET).schedule_uid(SCHEDULE);
            answer!(then, 400 => bad_request, 404 => not_found)
        }),
        "delete_dataset_schedule" => server.delete_dataset_schedule(|when, then| {
            when.dataset_uid(DATASET).schedule_uid(SCHEDULE);
            answer!(then, 404 => not_found)
        }),
        "list_harvester_schedules" => server.list_harvester_schedules(|when, then| {
            when.harvester_uid(HARVESTER);
            answer!(then, 404 => not_found)
        }),
        "create_harvester_schedule" => server.create_harvester_schedule(|when, then| {
            when.harvester_uid(HARVESTER);
            answer!(then, 400 => bad_request, 404 => not_found)
        }),
        "get_harvester_schedule" => server.get_harvester_schedule(|when, then| {
            when.harvester_uid(HARVESTER)
                .schedule_uid(HARVESTER_SCHEDULE);
            answer!(then, 404 => not_found)
        }),
        "update_harvester_schedule" => server.update_harvester_schedule(|when, then| {
            when.harvester_uid(HARVESTER)
                .schedule_uid(HARVESTER_SCHEDULE);
            answer!(then, 400 => bad_request, 404 => not_found)
        }),
        "delete_harvester_schedule" => server.delete_harvester_schedule(|when, then| {
            when.harvester_uid(HARVESTER)
                .schedule_uid(HARVESTER_SCHEDULE);
            answer!(then, 404 => not_found)
        }),
        other => panic!("no mock for operation {other}: add it to mock_error"),
    }
}

/// Calls `op` with the test ids; the success value is dropped.
async fn call(client: &Client, op: &str) -> Result<ResponseValue<()>, Error<types::Error>> {
    fn unit<T>(rv: ResponseValue<T>) -> ResponseValue<()> {
        ResponseValue::new((), rv.status(), rv.headers().clone())
    }
    match op {
        "list_datasets" => client.list_datasets().send().await.map(unit),
        "create_dataset" => client
            .create_dataset()
            .body(dataset_request("Population of US counties"))
            .send()
            .await
            .map(unit),
        "get_dataset" => client
            .get_dataset()
            .dataset_uid(DATASET)
            .send()
            .await
            .map(unit),
        "update_dataset" => client
            .update_dataset()
            .dataset_uid(DATASET)
            .body(dataset_request("Population of US counties"))
            .send()
            .await
            .map(unit),
        "delete_dataset" => client.delete_dataset().dataset_uid(DATASET).send().await,
        "publish_dataset" => client
            .publish_dataset()
            .dataset_uid(DATASET)
            .send()
            .await
            .map(unit),
        "publish_dataset_metadata" => client
            .publish_dataset_metadata()
            .dataset_uid(DATASET)
            .send()
            .await
            .map(unit),
        "abort_dataset" => client
            .abort_dataset()
            .dataset_uid(DATASET)
            .send()
            .await
            .map(unit),
        "unpublish_dataset" => client
            .unpublish_dataset()
            .dataset_uid(DATASET)
            .send()
            .await
            .map(unit),
        "copy_dataset" => client
            .copy_dataset()
            .dataset_uid(DATASET)
            .send()
            .await
            .map(unit),
        "get_dataset_status" => client
            .get_dataset_status()
            .dataset_uid(DATASET)
            .send()
            .await
            .map(unit),
        "list_dataset_metadata" => client
            .list_dataset_metadata()
            .dataset_uid(DATASET)
            .send()
            .await
            .map(unit),
        "update_dataset_metadata" => client
            .update_dataset_metadata()
            .dataset_uid(DATASET)
            .body(metadata(vec![(
                "default",
                template(&[("title", json!("Population of US counties"))]),
            )]))
            .send()
            .await
            .map(unit),
        "get_dataset_template_metadata" => client
            .get_dataset_template_metadata()
            .dataset_uid(DATASET)
            .template_name(TEMPLATE)
            .send()
            .await
            .map(unit),
        "update_dataset_template_metadata" => client
            .update_dataset_template_metadata()
            .dataset_uid(DATASET)
            .template_name(TEMPLATE)
            .body(template(&[("title", json!("Population of US counties"))]))
            .send()
            .await
            .map(unit),
        "get_dataset_metadata_field" => client
            .get_dataset_metadata_field()
            .dataset_uid(DATASET)
            .template_name(TEMPLATE)
            .template_field_name(TEMPLATE_FIELD)
            .send()
            .await
            .map(unit),
        "update_dataset_metadata_field" => client
            .update_dataset_metadata_field()
            .dataset_uid(DATASET)
            .template_name(TEMPLATE)
            .template_field_name(TEMPLATE_FIELD)
            .body(metadata_value(json!("Population of US counties")))
            .send()
            .await
            .map(unit),
        "delete_dataset_metadata_field" => {
            client
                .delete_dataset_metadata_field()
                .dataset_uid(DATASET)
                .template_name(TEMPLATE)
                .template_field_name(TEMPLATE_FIELD)
                .send()
                .await
        }
        "list_dataset_fields" => client
            .list_dataset_fields()
            .dataset_uid(DATASET)
            .send()
            .await
            .map(unit),
        "create_dataset_field" => client
            .create_dataset_field()
            .dataset_uid(DATASET)
            .body(rename_request("Rename", "county_name", "County"))
            .send()
            .await
            .map(unit),
        "get_dataset_field" => client
            .get_dataset_field()
            .dataset_uid(DATASET)
            .field_uid(FIELD)
            .send()
            .await
            .map(unit),
        "update_dataset_field" => client
            .update_dataset_field()
            .dataset_uid(DATASET)
            .field_uid(FIELD)
            .body(rename_request("Rename", "county_name", "County"))
            .send()
            .await
            .map(unit),
        "delete_dataset_field" => {
            client
                .delete_dataset_field()
                .dataset_uid(DATASET)
                .field_uid(FIELD)
                .send()
                .await
        }
        "list_dataset_versions" => client
            .list_dataset_versions()
            .dataset_uid(DATASET)
            .send()
            .await
            .map(unit),
        "get_dataset_version" => client
            .get_dataset_version()
            .dataset_uid(DATASET)
            .version_uid(VERSION)
            .send()
            .await
            .map(unit),
        "restore_dataset_version" => client
            .restore_dataset_version()
            .dataset_uid(DATASET)
            .version_uid(VERSION)
            .send()
            .await
            .map(unit),
        "list_dataset_feedbacks" => client
            .list_dataset_feedbacks()
            .dataset_uid(DATASET)
            .send()
            .await
            .map(unit),
        "get_dataset_feedback" => client
            .get_dataset_feedback()
            .dataset_uid(DATASET)
            .feedback_uid(FEEDBACK)
            .send()
            .await
            .map(unit),
        "archive_dataset_feedback" => client
            .archive_dataset_feedback()
            .dataset_uid(DATASET)
            .feedback_uid(FEEDBACK)
            .send()
            .await
            .map(unit),
        "list_dataset_schedules" => client
            .list_dataset_schedules()
            .dataset_uid(DATASET)
            .send()
            .await
            .map(unit),
        "create_dataset_schedule" => client
            .create_dataset_schedule()
            .dataset_uid(DATASET)
            .body(dataset_schedule("0 6 * * *"))
            .send()
            .await
            .map(unit),
        "get_dataset_schedule" => client
            .get_dataset_schedule()
            .dataset_uid(DATASET)
            .schedule_uid(SCHEDULE)
            .send()
            .await
            .map(unit),
        "update_dataset_schedule" => client
            .update_dataset_schedule()
            .dataset_uid(DATASET)
            .schedule_uid(SCHEDULE)
            .body(dataset_schedule("0 6 * * *"))
            .send()
            .await
            .map(unit),
        "delete_dataset_schedule" => {
            client
                .delete_dataset_schedule()
                .dataset_uid(DATASET)
                .schedule_uid(SCHEDULE)
                .send()
                .await
        }
        "list_harvester_schedules" => client
            .list_harvester_schedules()
            .harvester_uid(HARVESTER)
            .send()
            .await
            .map(unit),
        "create_harvester_schedule" => client
            .create_harvester_schedule()
            .harvester_uid(HARVESTER)
            .body(harvester_schedule("0 2 * * *", "Europe/Paris"))
            .send()
            .await
            .map(unit),
        "get_harvester_schedule" => client
            .get_harvester_schedule()
            .harvester_uid(HARVESTER)
            .schedule_uid(HARVESTER_SCHEDULE)
            .send()
            .await
            .map(unit),
        "update_harvester_schedule" => client
            .update_harvester_schedule()
            .harvester_uid(HARVESTER)
            .schedule_uid(HARVESTER_SCHEDULE)
            .body(harvester_schedule("0 2 * * *", "Europe/Paris"))
            .send()
            .await
            .map(unit),
        "delete_harvester_schedule" => {
            client
                .delete_harvester_schedule()
                .harvester_uid(HARVESTER)
                .schedule_uid(HARVESTER_SCHEDULE)
                .send()
                .await
        }
        other => panic!("no call for operation {other}: add it to call"),
    }
}

/// The operations this file covers, in the spec's order: those under
/// `/datasets/` (but for the security, resources, attachments, alternative
/// exports and processors routes, which other files cover) and the
/// harvesters' schedules, so a new one cannot go untested silently.
const TESTED_OPERATIONS: [&str; 39] = [
    "list_datasets",
    "create_dataset",
    "get_dataset",
    "update_dataset",
    "delete_dataset",
    "publish_dataset",
    "publish_dataset_metadata",
    "abort_dataset",
    "unpublish_dataset",
    "copy_dataset",
    "get_dataset_status",
    "list_dataset_metadata",
    "update_dataset_metadata",
    "get_dataset_template_metadata",
    "update_dataset_template_metadata",
    "get_dataset_metadata_field",
    "update_dataset_metadata_field",
    "delete_dataset_metadata_field",
    "list_dataset_fields",
    "create_dataset_field",
    "get_dataset_field",
    "update_dataset_field",
    "delete_dataset_field",
    "list_dataset_versions",
    "get_dataset_version",
    "restore_dataset_version",
    "list_dataset_feedbacks",
    "get_dataset_feedback",
    "archive_dataset_feedback",
    "list_dataset_schedules",
    "create_dataset_schedule",
    "get_dataset_schedule",
    "update_dataset_schedule",
    "delete_dataset_schedule",
    "list_harvester_schedules",
    "create_harvester_schedule",
    "get_harvester_schedule",
    "update_harvester_schedule",
    "delete_harvester_schedule",
];

/// Whether a path is one of this file's routes.
fn is_tested_path(path: &str) -> bool {
    const ELSEWHERE: [&str; 5] = [
        "/security/",
        "/resources/",
        "/attachments/",
        "/alternative_exports/",
        "/processors/",
    ];
    (path.starts_with("/datasets/") && !ELSEWHERE.iter().any(|part| path.contains(part)))
        || path.starts_with("/harvesters/{harvester_uid}/schedules/")
}

#[test]
fn every_dataset_operation_of_the_spec_is_tested_here() {
    let spec: Vec<&str> = examples::OPERATIONS
        .iter()
        .filter(|(_, _, path)| is_tested_path(path))
        .map(|(id, _, _)| *id)
        .collect();
    assert_eq!(spec, TESTED_OPERATIONS);
}

// ---------------------------------------------------------------------------
// Datasets
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_datasets_sends_paging_and_decodes_the_page() {
    let server = MockServer::start_async().await;
    let body: types::DatasetList = example("list_datasets", 200);
    let mock = server.list_datasets(|when, then| {
        let when = when.limit(2).offset(0).dataset_id(None).into_inner();
        expect_no_body(when, 2).path("/datasets/");
        then.ok(&body);
    });

    let page = client(&server)
        .list_datasets()
        .limit(2)
        .offset(0)
        .send()
        .await
        .expect("list_datasets")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.total_count, Some(24));
    assert_eq!(
        page.next.as_deref(),
        Some("https://documentation-resources.opendatasoft.com/api/automation/v1.0/datasets/?limit=2&offset=2")
    );
    assert_eq!(page.previous, None);
    assert_eq!(page.results.len(), 2);

    let counties = &page.results[0];
    assert_eq!(counties.uid, DATASET);
    assert_eq!(
        counties.dataset_id.as_deref(),
        Some("us-counties-population")
    );
    assert_eq!(counties.created_at, utc(2024, 4, 2, 8, 15, 27));
    assert_eq!(counties.updated_at, utc(2025, 2, 3, 14, 40, 9));
    assert_eq!(counties.is_published, Some(true));
    assert_eq!(counties.is_restricted, Some(false));
    assert_eq!(keys(&counties.metadata), ["default", "internal"]);
    assert_eq!(
        value_of(&counties.metadata, "default", "title"),
        "Population of US counties"
    );
    assert_eq!(
        value_of(&counties.metadata, "default", "keyword"),
        &json!(["population", "census", "county"])
    );
    assert_eq!(
        value_of(&counties.metadata, "internal", "draft"),
        &json!(false)
    );
    let title = &counties.metadata["default"]["title"];
    assert_eq!(title.remote_value, None);
    assert_eq!(title.override_remote_value, None);
    assert_eq!(counties.default_security, security(true, None, "", None));

    // A federated, restricted dataset with a custom template.
    let stations = &page.results[1];
    assert_eq!(stations.uid, "da_7mkw3e");
    assert_eq!(stations.is_published, Some(false));
    assert_eq!(stations.is_restricted, Some(true));
    assert_eq!(keys(&stations.metadata), ["dcat", "default"]);
    let title = &stations.metadata["default"]["title"];
    assert_eq!(title.value, "Air quality monitoring stations");
    assert_eq!(
        title.remote_value,
        Some(json!("Stations de mesure de la qualité de l'air"))
    );
    assert_eq!(title.override_remote_value, Some(true));
    let creator = &stations.metadata["dcat"]["creator"];
    assert_eq!(creator.value, "Regional air quality observatory");
    assert_eq!(creator.override_remote_value, Some(false));
    assert_eq!(stations.default_security, security(false, None, "", None));
    assert_round_trips(&page, "list_datasets", 200);
}

#[tokio::test]
async fn list_datasets_finds_a_dataset_by_its_dataset_id() {
    let server = MockServer::start_async().await;
    // The example page narrowed to its first dataset; what matters here is
    // the request.
    let mut body: types::DatasetList = example("list_datasets", 200);
    body.results.truncate(1);
    body.total_count = Some(1);
    body.next = None;
    let mock = server.list_datasets(|when, then| {
        let when = when
            .limit(None)
            .offset(None)
            .dataset_id("us-counties-population")
            .into_inner();
        expect_no_body(when, 1).path("/datasets/");
        then.ok(&body);
    });

    let page = client(&server)
        .list_datasets()
        .dataset_id("us-counties-population")
        .send()
        .await
        .expect("list_datasets")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.total_count, Some(1));
    assert_eq!(page.results.len(), 1);
    assert_eq!(page.results[0].uid, DATASET);
}

#[tokio::test]
async fn list_datasets_without_filters_sends_no_query_parameter() {
    let server = MockServer::start_async().await;
    let body: types::DatasetList = example("list_datasets", 200);
    let mock = server.list_datasets(|when, then| {
        let when = when.limit(None).offset(None).dataset_id(None).into_inner();
        // Zero query parameters: not even an empty `?` pair or a default.
        expect_no_body(when, 0)
            .path("/datasets/")
            .is_true(|req| req.uri().query().is_none_or(str::is_empty));
        then.ok(&body);
    });

    let page = client(&server)
        .list_datasets()
        .send()
        .await
        .expect("list_datasets")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page, body);
}

#[tokio::test]
async fn create_dataset_sends_the_whole_request_and_decodes_the_created_dataset() {
    let server = MockServer::start_async().await;
    let body: types::Dataset = example("create_dataset", 201);
    let mock = server.create_dataset(|when, then| {
        let when = when.into_inner();
        // The unset parts of the default security are left out, not null.
        expect_json_body(
            when,
            json!({
                "dataset_id": "us-counties-population",
                "is_restricted": false,
                "metadata": {
                    "default": {
                        "title": {"value": "Population of US counties"},
                        "language": {"value": "en"},
                    },
                },
                "default_security": {"is_data_visible": true, "filter_query": ""},
            }),
        )
        .path("/datasets/");
        then.created(&body);
    });

    let rv = client(&server)
        .create_dataset()
        .body(types::DatasetRequest {
            dataset_id: Some("us-counties-population".to_string()),
            is_restricted: Some(false),
            default_security: security(true, None, "", None),
            ..dataset_request("Population of US counties")
        })
        .send()
        .await
        .expect("create_dataset");

    mock.assert_async().await;
    assert_eq!(rv.status().as_u16(), 201);
    let dataset = rv.into_inner();
    assert_eq!(dataset.uid, DATASET);
    assert_eq!(
        dataset.dataset_id.as_deref(),
        Some("us-counties-population")
    );
    assert_eq!(dataset.created_at, utc(2024, 4, 2, 8, 15, 27));
    assert_eq!(dataset.updated_at, dataset.created_at);
    assert_eq!(dataset.is_published, Some(false));
    assert_eq!(keys(&dataset.metadata), ["default"]);
    assert_eq!(keys(&dataset.metadata["default"]), ["language", "title"]);
    assert_eq!(
        value_of(&dataset.metadata, "default", "title"),
        "Population of US counties"
    );
    assert_eq!(dataset.default_security, security(true, None, "", None));
    assert_round_trips(&dataset, "create_dataset", 201);
}

#[tokio::test]
async fn create_dataset_with_metadata_only_omits_every_unset_field() {
    let server = MockServer::start_async().await;
    let body: types::Dataset = example("create_dataset", 201);
    let mock = server.create_dataset(|when, then| {
        let when = when.into_inner();
        expect_json_body(
            when,
            json!({
                "metadata": {
                    "default": {
                        "title": {"value": "Population of US counties"},
                        "language": {"value": "en"},
                    },
                },
            }),
        )
        .path("/datasets/");
        then.created(&body);
    });

    let dataset = client(&server)
        .create_dataset()
        .body(dataset_request("Population of US counties"))
        .send()
        .await
        .expect("create_dataset")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(dataset, body);
}

#[tokio::test]
async fn get_dataset_decodes_every_template_and_the_default_security() {
    let server = MockServer::start_async().await;
    let body: types::Dataset = example("get_dataset", 200);
    let mock = server.get_dataset(|when, then| {
        let when = when.dataset_uid(DATASET).into_inner();
        expect_no_body(when, 0).path(format!("/datasets/{DATASET}/"));
        then.ok(&body);
    });

    let dataset = client(&server)
        .get_dataset()
        .dataset_uid(DATASET)
        .send()
        .await
        .expect("get_dataset")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(dataset.uid, DATASET);
    assert_eq!(dataset.is_published, Some(true));
    assert_eq!(
        keys(&dataset.metadata),
        ["default", "internal", "visualization"]
    );
    assert_eq!(
        keys(&dataset.metadata["default"]),
        [
            "description",
            "keyword",
            "language",
            "modified",
            "modified_updates_on_data_change",
            "publisher",
            "timezone",
            "title",
        ]
    );
    // Values of every JSON kind: text, list, boolean.
    assert_eq!(
        value_of(&dataset.metadata, "default", "modified"),
        "2025-01-31T00:00:00Z"
    );
    assert_eq!(
        value_of(
            &dataset.metadata,
            "default",
            "modified_updates_on_data_change"
        ),
        &json!(true)
    );
    assert_eq!(
        value_of(&dataset.metadata, "visualization", "table_fields"),
        &json!(["year", "state_name", "county_name", "population"])
    );
    assert_eq!(
        value_of(&dataset.metadata, "internal", "license_id"),
        "4n0k2bs"
    );
    assert_eq!(
        dataset.default_security,
        security(
            true,
            Some(&["year", "state_name", "county_name", "population"]),
            "year >= 2020",
            Some((10000, Per::Day)),
        )
    );
    assert_round_trips(&dataset, "get_dataset", 200);
}

#[tokio::test]
async fn update_dataset_puts_the_whole_dataset_and_decodes_it() {
    let server = MockServer::start_async().await;
    let body: types::Dataset = example("update_dataset", 200);
    let mock = server.update_dataset(|when, then| {
        let when = when.dataset_uid(DATASET).into_inner();
        expect_json_body(
            when,
            json!({
                "dataset_id": "us-counties-population",
                "is_restricted": true,
                "metadata": {
                    "default": {
                        "title": {"value": "Population of US counties, 2020-2024"},
                        "language": {"value": "en"},
                    },
                },
                "default_security": {
                    "is_data_visible": true,
                    "visible_fields": ["year", "state_name", "population"],
                    "filter_query": "",
                    "api_calls_quota": {"limit": 500, "unit": "hour"},
                },
            }),
        )
        .path(format!("/datasets/{DATASET}/"));
        then.ok(&body);
    });

    let dataset = client(&server)
        .update_dataset()
        .dataset_uid(DATASET)
        .body(types::DatasetRequest {
            dataset_id: Some("us-counties-population".to_string()),
            is_restricted: Some(true),
            default_security: security(
                true,
                Some(&["year", "state_name", "population"]),
                "",
                Some((500, Per::Hour)),
            ),
            ..dataset_request("Population of US counties, 2020-2024")
        })
        .send()
        .await
        .expect("update_dataset")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(dataset.uid, DATASET);
    assert_eq!(dataset.is_restricted, Some(true));
    assert_eq!(dataset.updated_at, utc(2025, 2, 11, 11, 3, 52));
    assert_eq!(
        value_of(&dataset.metadata, "default", "title"),
        "Population of US counties, 2020-2024"
    );
    assert_eq!(
        dataset.default_security,
        security(
            true,
            Some(&["year", "state_name", "population"]),
            "",
            Some((500, Per::Hour)),
        )
    );
    assert_round_trips(&dataset, "update_dataset", 200);
}

#[tokio::test]
async fn delete_dataset_answers_no_content_and_decodes_nothing() {
    let server = MockServer::start_async().await;
    let mock = server.delete_dataset(|when, then| {
        let when = when.dataset_uid(DATASET).into_inner();
        expect_no_body(when, 0).path(format!("/datasets/{DATASET}/"));
        then.no_content();
    });

    let rv = client(&server)
        .delete_dataset()
        .dataset_uid(DATASET)
        .send()
        .await
        .expect("delete_dataset: an empty 204 must not be decoded as JSON");

    mock.assert_async().await;
    assert_eq!(rv.status().as_u16(), 204);
    let () = rv.into_inner();
}

/// Checks what an action on a dataset (publish, abort, ...) decoded.
fn assert_action_done(rv: ResponseValue<types::DatasetActionResult>, op: &str) {
    assert_eq!(rv.status().as_u16(), 200, "{op}: status");
    let result = rv.into_inner();
    assert_eq!(result.detail, "ok", "{op}: detail");
    assert_round_trips(&result, op, 200);
}

#[tokio::test]
async fn publish_dataset_posts_nothing_and_decodes_the_confirmation() {
    let server = MockServer::start_async().await;
    let body: types::DatasetActionResult = example("publish_dataset", 200);
    let mock = server.publish_dataset(|when, then| {
        let when = when.dataset_uid(DATASET).into_inner();
        expect_no_body(when, 0).path(format!("/datasets/{DATASET}/publish/"));
        then.ok(&body);
    });

    let rv = client(&server)
        .publish_dataset()
        .dataset_uid(DATASET)
        .send()
        .await
        .expect("publish_dataset");

    mock.assert_async().await;
    assert_action_done(rv, "publish_dataset");
}

#[tokio::test]
async fn publish_dataset_metadata_posts_nothing_and_decodes_the_confirmation() {
    let server = MockServer::start_async().await;
    let body: types::DatasetActionResult = example("publish_dataset_metadata", 200);
    let mock = server.publish_dataset_metadata(|when, then| {
        let when = when.dataset_uid(DATASET).into_inner();
        expect_no_body(when, 0).path(format!("/datasets/{DATASET}/publish_metadata/"));
        then.ok(&body);
    });

    let rv = client(&server)
        .publish_dataset_metadata()
        .dataset_uid(DATASET)
        .send()
        .await
        .expect("publish_dataset_metadata");

    mock.assert_async().await;
    assert_action_done(rv, "publish_dataset_metadata");
}

#[tokio::test]
async fn abort_dataset_posts_nothing_and_decodes_the_confirmation() {
    let server = MockServer::start_async().await;
    let body: types::DatasetActionResult = example("abort_dataset", 200);
    let mock = server.abort_dataset(|when, then| {
        let when = when.dataset_uid(DATASET).into_inner();
        expect_no_body(when, 0).path(format!("/datasets/{DATASET}/abort/"));
        then.ok(&body);
    });

    let rv = client(&server)
        .abort_dataset()
        .dataset_uid(DATASET)
        .send()
        .await
        .expect("abort_dataset");

    mock.assert_async().await;
    assert_action_done(rv, "abort_dataset");
}

#[tokio::test]
async fn unpublish_dataset_posts_nothing_and_decodes_the_confirmation() {
    let server = MockServer::start_async().await;
    let body: types::DatasetActionResult = example("unpublish_dataset", 200);
    let mock = server.unpublish_dataset(|when, then| {
        let when = when.dataset_uid(DATASET).into_inner();
        expect_no_body(when, 0).path(format!("/datasets/{DATASET}/unpublish/"));
        then.ok(&body);
    });

    let rv = client(&server)
        .unpublish_dataset()
        .dataset_uid(DATASET)
        .send()
        .await
        .expect("unpublish_dataset");

    mock.assert_async().await;
    assert_action_done(rv, "unpublish_dataset");
}

#[tokio::test]
async fn copy_dataset_posts_nothing_and_decodes_the_new_dataset() {
    let server = MockServer::start_async().await;
    let body: types::Dataset = example("copy_dataset", 201);
    let mock = server.copy_dataset(|when, then| {
        let when = when.dataset_uid(DATASET).into_inner();
        expect_no_body(when, 0).path(format!("/datasets/{DATASET}/copy/"));
        then.created(&body);
    });

    let rv = client(&server)
        .copy_dataset()
        .dataset_uid(DATASET)
        .send()
        .await
        .expect("copy_dataset");

    mock.assert_async().await;
    assert_eq!(rv.status().as_u16(), 201);
    let copy = rv.into_inner();
    assert_eq!(copy.uid, "da_w8n3fj");
    assert_eq!(
        copy.dataset_id.as_deref(),
        Some("us-counties-population-copy")
    );
    assert_eq!(copy.is_published, Some(false));
    assert_eq!(copy.created_at, utc(2025, 2, 11, 11, 20, 14));
    assert_eq!(value_of(&copy.metadata, "internal", "draft"), &json!(true));
    assert_round_trips(&copy, "copy_dataset", 201);
}

#[tokio::test]
async fn get_dataset_status_decodes_the_state_its_neighbours_and_the_record_errors() {
    let server = MockServer::start_async().await;
    let body: types::DatasetStatus = example("get_dataset_status", 200);
    let mock = server.get_dataset_status(|when, then| {
        let when = when.dataset_uid(DATASET).into_inner();
        expect_no_body(when, 0).path(format!("/datasets/{DATASET}/status/"));
        then.ok(&body);
    });

    let status = client(&server)
        .get_dataset_status()
        .dataset_uid(DATASET)
        .send()
        .await
        .expect("get_dataset_status")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(status.status, State::LimitReached);
    assert_eq!(status.previous, Some(State::Processing));
    assert_eq!(status.next, None);
    assert_eq!(status.since, utc(2025, 2, 11, 11, 42, 37));
    assert_eq!(status.is_published, Some(true));
    assert_eq!(
        status.message.as_deref(),
        Some("The dataset reached the maximum number of records of the portal.")
    );
    assert_eq!(
        status.records_errors,
        [types::DatasetRecordError {
            record_id: Some("9c0e2b7d41f3a5c8e6d9b0a2f4c7e1d3b5a8f0c2".to_string()),
            field_uid: Some("population".to_string()),
            processor_uid: Some("pr_8wd3hn".to_string()),
            message: Some("Could not convert \"n/a\" to an integer.".to_string()),
        }]
    );
    assert_eq!(
        Value::Object(status.params.clone()),
        json!({"error": {"limit_type": "records", "limit": 50000, "value": 50000}})
    );
    assert_round_trips(&status, "get_dataset_status", 200);
}

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

// ---------------------------------------------------------------------------
// Dataset metadata
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_dataset_metadata_decodes_every_template_including_custom_ones() {
    let server = MockServer::start_async().await;
    let body: types::DatasetMetadata = example("list_dataset_metadata", 200);
    let mock = server.list_dataset_metadata(|when, then| {
        let when = when.dataset_uid(DATASET).into_inner();
        expect_no_body(when, 0).path(format!("/datasets/{DATASET}/metadata/"));
        then.ok(&body);
    });

    let metadata = client(&server)
        .list_dataset_metadata()
        .dataset_uid(DATASET)
        .send()
        .await
        .expect("list_dataset_metadata")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(
        keys(&metadata),
        ["asset_content_configuration", "dcat", "default", "internal"]
    );
    assert_eq!(
        keys(&metadata["default"]),
        [
            "description",
            "keyword",
            "language",
            "modified",
            "publisher",
            "title"
        ]
    );
    assert_eq!(
        value_of(&metadata, "default", "publisher"),
        "U.S. Census Bureau"
    );
    // An object value, and a custom template's fields.
    assert_eq!(
        value_of(
            &metadata,
            "asset_content_configuration",
            "records_search_boosts"
        ),
        &json!({"county_name": 10, "state_name": 2})
    );
    assert_eq!(keys(&metadata["dcat"]), ["contact_email", "creator"]);
    assert_eq!(
        value_of(&metadata, "dcat", "contact_email"),
        "opendata@example.org"
    );
    assert_round_trips(&metadata, "list_dataset_metadata", 200);
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

#[tokio::test]
async fn update_dataset_metadata_puts_every_template_and_decodes_the_result() {
    let server = MockServer::start_async().await;
    let body: types::DatasetMetadata = example("update_dataset_metadata", 200);
    let mock = server.update_dataset_metadata(|when, then| {
        let when = when.dataset_uid(DATASET).into_inner();
        expect_json_body(
            when,
            json!({
                "default": {
                    "title": {"value": "Population of US counties"},
                    "keyword": {"value": ["population", "census"]},
                    "language": {"value": "en"},
                },
                "internal": {"draft": {"value": false}},
            }),
        )
        .path(format!("/datasets/{DATASET}/metadata/"));
        then.ok(&body);
    });

    let metadata = client(&server)
        .update_dataset_metadata()
        .dataset_uid(DATASET)
        .body(metadata(vec![
            (
                "default",
                template(&[
                    ("title", json!("Population of US counties")),
                    ("keyword", json!(["population", "census"])),
                    ("language", json!("en")),
                ]),
            ),
            ("internal", template(&[("draft", json!(false))])),
        ]))
        .send()
        .await
        .expect("update_dataset_metadata")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(keys(&metadata), ["default", "internal"]);
    assert_eq!(
        value_of(&metadata, "default", "keyword"),
        &json!(["population", "census"])
    );
    assert_eq!(value_of(&metadata, "internal", "draft"), &json!(false));
    assert_round_trips(&metadata, "update_dataset_metadata", 200);
}

#[tokio::test]
async fn get_dataset_template_metadata_names_the_template_and_decodes_its_values() {
    let server = MockServer::start_async().await;
    let body: types::DatasetTemplateMetadata = example("get_dataset_template_metadata", 200);
    let mock = server.get_dataset_template_metadata(|when, then| {
        let when = when
            .dataset_uid(DATASET)
            .template_name(TEMPLATE)
            .into_inner();
        expect_no_body(when, 0).path(format!("/datasets/{DATASET}/metadata/{TEMPLATE}/"));
        then.ok(&body);
    });

    let values = client(&server)
        .get_dataset_template_metadata()
        .dataset_uid(DATASET)
        .template_name(TEMPLATE)
        .send()
        .await
        .expect("get_dataset_template_metadata")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(
        keys(&values),
        [
            "description",
            "keyword",
            "language",
            "modified_updates_on_data_change",
            "title"
        ]
    );
    assert_eq!(values["title"].value, "Population of US counties");
    assert_eq!(
        values["keyword"].value,
        json!(["population", "census", "county"])
    );
    assert_eq!(values["modified_updates_on_data_change"].value, json!(true));
    assert_round_trips(&values, "get_dataset_template_metadata", 200);
}

#[tokio::test]
async fn update_dataset_template_metadata_puts_the_templates_values() {
    let server = MockServer::start_async().await;
    let body: types::DatasetTemplateMetadata = example("update_dataset_template_metadata", 200);
    let mock = server.update_dataset_template_metadata(|when, then| {
        let when = when
            .dataset_uid(DATASET)
            .template_name(TEMPLATE)
            .into_inner();
        expect_json_body(
            when,
            json!({
                "title": {"value": "Population of US counties, 2020-2024"},
                "language": {"value": "en"},
                "attributions": {"value": ["U.S. Census Bureau"]},
            }),
        )
        .path(format!("/datasets/{DATASET}/metadata/{TEMPLATE}/"));
        then.ok(&body);
    });

    let values = client(&server)
        .update_dataset_template_metadata()
        .dataset_uid(DATASET)
        .template_name(TEMPLATE)
        .body(template(&[
            ("title", json!("Population of US counties, 2020-2024")),
            ("language", json!("en")),
            ("attributions", json!(["U.S. Census Bureau"])),
        ]))
        .send()
        .await
        .expect("update_dataset_template_metadata")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(keys(&values), ["attributions", "language", "title"]);
    assert_eq!(
        values["title"].value,
        "Population of US counties, 2020-2024"
    );
    assert_eq!(values["attributions"].value, json!(["U.S. Census Bureau"]));
    assert_round_trips(&values, "update_dataset_template_metadata", 200);
}

#[tokio::test]
async fn get_dataset_metadata_field_decodes_the_remote_value_and_its_override() {
    let server = MockServer::start_async().await;
    let body: types::DatasetMetadataValue = example("get_dataset_metadata_field", 200);
    let mock = server.get_dataset_metadata_field(|when, then| {
        let when = when
            .dataset_uid(DATASET)
            .template_name(TEMPLATE)
            .template_field_name(TEMPLATE_FIELD)
            .into_inner();
        expect_no_body(when, 0).path(format!(
            "/datasets/{DATASET}/metadata/{TEMPLATE}/{TEMPLATE_FIELD}/"
        ));
        then.ok(&body);
    });

    let value = client(&server)
        .get_dataset_metadata_field()
        .dataset_uid(DATASET)
        .template_name(TEMPLATE)
        .template_field_name(TEMPLATE_FIELD)
        .send()
        .await
        .expect("get_dataset_metadata_field")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(value.value, "Population of US counties");
    assert_eq!(value.remote_value, Some(json!("County population totals")));
    assert_eq!(value.override_remote_value, Some(true));
    assert_round_trips(&value, "get_dataset_metadata_field", 200);
}

#[tokio::test]
async fn update_dataset_metadata_field_puts_the_value_and_its_override() {
    let server = MockServer::start_async().await;
    let body: types::DatasetMetadataValue = example("update_dataset_metadata_field", 200);
    let mock = server.update_dataset_metadata_field(|when, then| {
        let when = when
            .dataset_uid(DATASET)
            .template_name(TEMPLATE)
            .template_field_name(TEMPLATE_FIELD)
            .into_inner();
        expect_json_body(
            when,
            json!({
                "value": "Population of US counties, 2020-2024",
                "override_remote_value": true,
            }),
        )
        .path(format!(
            "/datasets/{DATASET}/metadata/{TEMPLATE}/{TEMPLATE_FIELD}/"
        ));
        then.ok(&body);
    });

    let value = client(&server)
        .update_dataset_metadata_field()
        .dataset_uid(DATASET)
        .template_name(TEMPLATE)
        .template_field_name(TEMPLATE_FIELD)
        .body(types::DatasetMetadataValueRequest {
            value: json!("Population of US counties, 2020-2024"),
            override_remote_value: Some(true),
        })
        .send()
        .await
        .expect("update_dataset_metadata_field")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(value.value, "Population of US counties, 2020-2024");
    assert_eq!(value.remote_value, Some(json!("County population totals")));
    assert_eq!(value.override_remote_value, Some(true));
    assert_round_trips(&value, "update_dataset_metadata_field", 200);
}

#[tokio::test]
async fn delete_dataset_metadata_field_answers_no_content_and_decodes_nothing() {
    let server = MockServer::start_async().await;
    let mock = server.delete_dataset_metadata_field(|when, then| {
        let when = when
            .dataset_uid(DATASET)
            .template_name(TEMPLATE)
            .template_field_name(TEMPLATE_FIELD)
            .into_inner();
        expect_no_body(when, 0).path(format!(
            "/datasets/{DATASET}/metadata/{TEMPLATE}/{TEMPLATE_FIELD}/"
        ));
        then.no_content();
    });

    let rv = client(&server)
        .delete_dataset_metadata_field()
        .dataset_uid(DATASET)
        .template_name(TEMPLATE)
        .template_field_name(TEMPLATE_FIELD)
        .send()
        .await
        .expect("delete_dataset_metadata_field: an empty 204 must not be decoded as JSON");

    mock.assert_async().await;
    assert_eq!(rv.status().as_u16(), 204);
    let () = rv.into_inner();
}

// ---------------------------------------------------------------------------
// Dataset fields
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_dataset_fields_sends_paging_and_decodes_every_kind_of_step_in_order() {
    let server = MockServer::start_async().await;
    let body: types::DatasetFieldList = example("list_dataset_fields", 200);
    let mock = server.list_dataset_fields(|when, then| {
        let when = when.dataset_uid(DATASET).limit(50).offset(0).into_inner();
        expect_no_body(when, 2).path(format!("/datasets/{DATASET}/fields/"));
        then.ok(&body);
    });

    let page = client(&server)
        .list_dataset_fields()
        .dataset_uid(DATASET)
        .limit(50)
        .offset(0)
        .send()
        .await
        .expect("list_dataset_fields")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.total_count, Some(8));
    assert_eq!(page.next, None);
    let expected = [
        Field::Rename {
            uid: "pr_5xk2tq".into(),
            label: "Rename cty_name to county_name".into(),
            from_name: "cty_name".into(),
            to_name: "county_name".into(),
            field_label: "County".into(),
        },
        Field::Type {
            uid: "pr_8wd3hn".into(),
            label: "Population is an integer".into(),
            field: "population".into(),
            type_param: FieldType::Int,
        },
        Field::Annotate {
            uid: "pr_2bn7vc".into(),
            label: "Population is counted in inhabitants".into(),
            field: "population".into(),
            annotation: Annotation::Unit,
            args: vec![Arg::Text("inhabitants".into())],
        },
        Field::Annotate {
            uid: "pr_7cv0md".into(),
            label: "Density has one decimal".into(),
            field: "density".into(),
            annotation: Annotation::Decimals,
            args: vec![Arg::Number(1)],
        },
        Field::Annotate {
            uid: "pr_9fj4ra".into(),
            label: "County codes identify the records".into(),
            field: "county_code".into(),
            annotation: Annotation::Id,
            args: vec![],
        },
        Field::Description {
            uid: "pr_3lm6pe".into(),
            label: "Describe population".into(),
            field: "population".into(),
            description: "Resident population estimated on July 1st of the year.".into(),
        },
        Field::Order {
            uid: "pr_6qs1xu".into(),
            label: "Year first, then the places".into(),
            args: vec![
                "year".into(),
                "state_name".into(),
                "county_name".into(),
                "population".into(),
            ],
        },
        Field::Delete {
            uid: "pr_4tg8yo".into(),
            label: "Drop the source's row number".into(),
            field: "row_id".into(),
        },
    ];
    // One by one, so that a failure names the step.
    assert_eq!(page.results.len(), expected.len());
    for (i, (step, expected)) in page.results.iter().zip(&expected).enumerate() {
        assert_eq!(step, expected, "step {i}");
    }
    assert_round_trips(&page, "list_dataset_fields", 200);
}

#[tokio::test]
async fn create_dataset_field_posts_the_step_with_its_type_tag_and_decodes_it() {
    let server = MockServer::start_async().await;
    let body: types::DatasetField = example("create_dataset_field", 201);
    let mock = server.create_dataset_field(|when, then| {
        let when = when.dataset_uid(DATASET).into_inner();
        // A whole number stays a JSON number, not the text "1".
        expect_json_body(
            when,
            json!({
                "type": "annotate",
                "label": "Density has one decimal",
                "field": "density",
                "annotation": "decimals",
                "args": [1],
            }),
        )
        .path(format!("/datasets/{DATASET}/fields/"));
        then.created(&body);
    });

    let rv = client(&server)
        .create_dataset_field()
        .dataset_uid(DATASET)
        .body(FieldRequest::Annotate {
            label: "Density has one decimal".into(),
            field: "density".into(),
            annotation: Annotation::Decimals,
            args: vec![Arg::Number(1)],
        })
        .send()
        .await
        .expect("create_dataset_field");

    mock.assert_async().await;
    assert_eq!(rv.status().as_u16(), 201);
    let step = rv.into_inner();
    assert_eq!(
        step,
        Field::Annotate {
            uid: "pr_7cv0md".into(),
            label: "Density has one decimal".into(),
            field: "density".into(),
            annotation: Annotation::Decimals,
            args: vec![Arg::Number(1)],
        }
    );
    assert_round_trips(&step, "create_dataset_field", 201);
}

#[tokio::test]
async fn get_dataset_field_decodes_a_rename_step() {
    let server = MockServer::start_async().await;
    let body: types::DatasetField = example("get_dataset_field", 200);
    let mock = server.get_dataset_field(|when, then| {
        let when = when.dataset_uid(DATASET).field_uid(FIELD).into_inner();
        expect_no_body(when, 0).path(format!("/datasets/{DATASET}/fields/{FIELD}/"));
        then.ok(&body);
    });

    let step = client(&server)
        .get_dataset_field()
        .dataset_uid(DATASET)
        .field_uid(FIELD)
        .send()
        .await
        .expect("get_dataset_field")
        .into_inner();

    mock.assert_async().await;
    let Field::Rename {
        uid,
        label,
        from_name,
        to_name,
        field_label,
    } = &step
    else {
        panic!("expected a rename step, got {step:?}");
    };
    assert_eq!(uid, FIELD);
    assert_eq!(label, "Rename cty_name to county_name");
    assert_eq!(from_name, "cty_name");
    assert_eq!(to_name, "county_name");
    assert_eq!(field_label, "County");
    assert_round_trips(&step, "get_dataset_field", 200);
}

#[tokio::test]
async fn update_dataset_field_puts_the_step_and_decodes_it() {
    let server = MockServer::start_async().await;
    let body: types::DatasetField = example("update_dataset_field", 200);
    let mock = server.update_dataset_field(|when, then| {
        let when = when.dataset_uid(DATASET).field_uid(FIELD).into_inner();
        expect_json_body(
            when,
            json!({
                "type": "rename",
                "label": "Rename cty_name to county",
                "from_name": "cty_name",
                "to_name": "county",
                "field_label": "County name",
            }),
        )
        .path(format!("/datasets/{DATASET}/fields/{FIELD}/"));
        then.ok(&body);
    });

    let step = client(&server)
        .update_dataset_field()
        .dataset_uid(DATASET)
        .field_uid(FIELD)
        .body(rename_request(
            "Rename cty_name to county",
            "county",
            "County name",
        ))
        .send()
        .await
        .expect("update_dataset_field")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(
        step,
        Field::Rename {
            uid: FIELD.into(),
            label: "Rename cty_name to county".into(),
            from_name: "cty_name".into(),
            to_name: "county".into(),
            field_label: "County name".into(),
        }
    );
    assert_round_trips(&step, "update_dataset_field", 200);
}

#[tokio::test]
async fn delete_dataset_field_answers_no_content_and_decodes_nothing() {
    let server = MockServer::start_async().await;
    let mock = server.delete_dataset_field(|when, then| {
        let when = when.dataset_uid(DATASET).field_uid(FIELD).into_inner();
        expect_no_body(when, 0).path(format!("/datasets/{DATASET}/fields/{FIELD}/"));
        then.no_content();
    });

    let rv = client(&server)
        .delete_dataset_field()
        .dataset_uid(DATASET)
        .field_uid(FIELD)
        .send()
        .await
        .expect("delete_dataset_field: an empty 204 must not be decoded as JSON");

    mock.assert_async().await;
    assert_eq!(rv.status().as_u16(), 204);
    let () = rv.into_inner();
}

/// Creates a step of one kind: the request must be exactly `sent`; the mock
/// answers the list example's step `answer` (by uid), which the client must
/// decode back to `expected`.
async fn create_step(sent: Value, step: FieldRequest, answer: &str, expected: Field) {
    let server = MockServer::start_async().await;
    let page: types::DatasetFieldList = example("list_dataset_fields", 200);
    let step_json = example_json("list_dataset_fields", 200)["results"]
        .as_array()
        .expect("the example's results")
        .iter()
        .find(|step| step["uid"] == answer)
        .unwrap_or_else(|| panic!("no step {answer} in the list example"))
        .clone();
    let answered: Field = serde_json::from_value(step_json.clone()).expect("the example step");
    assert!(page.results.contains(&answered));
    let mock = server.create_dataset_field(|when, then| {
        let when = when.dataset_uid(DATASET).into_inner();
        expect_json_body(when, sent.clone()).path(format!("/datasets/{DATASET}/fields/"));
        then.created(&answered);
    });

    let decoded = client(&server)
        .create_dataset_field()
        .dataset_uid(DATASET)
        .body(step)
        .send()
        .await
        .unwrap_or_else(|e| panic!("create_dataset_field {answer}: {e:?}"))
        .into_inner();

    mock.assert_async().await;
    assert_eq!(decoded, expected, "step {answer}");
    // Nothing of the example is lost (an annotation without arguments has
    // no `args` in the example).
    assert_eq!(
        serde_json::to_value(&decoded).unwrap(),
        without_nulls_and_empty_arrays(step_json),
        "step {answer}: round trip"
    );
}

#[tokio::test]
async fn a_rename_step_is_sent_with_its_names_and_label() {
    create_step(
        json!({
            "type": "rename",
            "label": "Rename cty_name to county_name",
            "from_name": "cty_name",
            "to_name": "county_name",
            "field_label": "County",
        }),
        rename_request("Rename cty_name to county_name", "county_name", "County"),
        "pr_5xk2tq",
        Field::Rename {
            uid: "pr_5xk2tq".into(),
            label: "Rename cty_name to county_name".into(),
            from_name: "cty_name".into(),
            to_name: "county_name".into(),
            field_label: "County".into(),
        },
    )
    .await;
}

#[tokio::test]
async fn a_type_step_is_sent_with_the_types_name() {
    create_step(
        json!({
            "type": "type",
            "label": "Population is an integer",
            "field": "population",
            "type_param": "int",
        }),
        FieldRequest::Type {
            label: "Population is an integer".into(),
            field: "population".into(),
            type_param: FieldType::Int,
        },
        "pr_8wd3hn",
        Field::Type {
            uid: "pr_8wd3hn".into(),
            label: "Population is an integer".into(),
            field: "population".into(),
            type_param: FieldType::Int,
        },
    )
    .await;
}

#[tokio::test]
async fn an_annotate_step_is_sent_with_text_arguments_or_none() {
    create_step(
        json!({
            "type": "annotate",
            "label": "Population is counted in inhabitants",
            "field": "population",
            "annotation": "unit",
            "args": ["inhabitants"],
        }),
        FieldRequest::Annotate {
            label: "Population is counted in inhabitants".into(),
            field: "population".into(),
            annotation: Annotation::Unit,
            args: vec![Arg::Text("inhabitants".into())],
        },
        "pr_2bn7vc",
        Field::Annotate {
            uid: "pr_2bn7vc".into(),
            label: "Population is counted in inhabitants".into(),
            field: "population".into(),
            annotation: Annotation::Unit,
            args: vec![Arg::Text("inhabitants".into())],
        },
    )
    .await;
    // No arguments: no `args` at all, not an empty list.
    create_step(
        json!({
            "type": "annotate",
            "label": "County codes identify the records",
            "field": "county_code",
            "annotation": "id",
        }),
        FieldRequest::Annotate {
            label: "County codes identify the records".into(),
            field: "county_code".into(),
            annotation: Annotation::Id,
            args: vec![],
        },
        "pr_9fj4ra",
        Field::Annotate {
            uid: "pr_9fj4ra".into(),
            label: "County codes identify the records".into(),
            field: "county_code".into(),
            annotation: Annotation::Id,
            args: vec![],
        },
    )
    .await;
}

#[tokio::test]
async fn a_description_step_is_sent_with_the_description() {
    create_step(
        json!({
            "type": "description",
            "label": "Describe population",
            "field": "population",
            "description": "Resident population estimated on July 1st of the year.",
        }),
        FieldRequest::Description {
            label: "Describe population".into(),
            field: "population".into(),
            description: "Resident population estimated on July 1st of the year.".into(),
        },
        "pr_3lm6pe",
        Field::Description {
            uid: "pr_3lm6pe".into(),
            label: "Describe population".into(),
            field: "population".into(),
            description: "Resident population estimated on July 1st of the year.".into(),
        },
    )
    .await;
}

#[tokio::test]
async fn an_order_step_is_sent_with_the_field_names_as_args() {
    let order = ["year", "state_name", "county_name", "population"];
    create_step(
        json!({
            "type": "order",
            "label": "Year first, then the places",
            "args": order,
        }),
        FieldRequest::Order {
            label: "Year first, then the places".into(),
            args: order.iter().map(|name| name.to_string()).collect(),
        },
        "pr_6qs1xu",
        Field::Order {
            uid: "pr_6qs1xu".into(),
            label: "Year first, then the places".into(),
            args: order.iter().map(|name| name.to_string()).collect(),
        },
    )
    .await;
}

#[tokio::test]
async fn a_delete_step_is_sent_with_the_field_name() {
    create_step(
        json!({
            "type": "delete",
            "label": "Drop the source's row number",
            "field": "row_id",
        }),
        FieldRequest::Delete {
            label: "Drop the source's row number".into(),
            field: "row_id".into(),
        },
        "pr_4tg8yo",
        Field::Delete {
            uid: "pr_4tg8yo".into(),
            label: "Drop the source's row number".into(),
            field: "row_id".into(),
        },
    )
    .await;
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

// ---------------------------------------------------------------------------
// Dataset versions
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_dataset_versions_sends_paging_and_decodes_the_page() {
    let server = MockServer::start_async().await;
    let body: types::DatasetVersionList = example("list_dataset_versions", 200);
    let mock = server.list_dataset_versions(|when, then| {
        let when = when.dataset_uid(DATASET).limit(20).offset(0).into_inner();
        expect_no_body(when, 2).path(format!("/datasets/{DATASET}/versions/"));
        then.ok(&body);
    });

    let page = client(&server)
        .list_dataset_versions()
        .dataset_uid(DATASET)
        .limit(20)
        .offset(0)
        .send()
        .await
        .expect("list_dataset_versions")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.total_count, Some(3));
    let uids: Vec<&str> = page.results.iter().map(|v| v.uid.as_str()).collect();
    assert_eq!(uids, ["ch_4kd9wz", VERSION, "ch_1nb6ts"]);
    let latest = &page.results[0];
    assert_eq!(latest.sections, ["metadata"]);
    assert_eq!(latest.created_by, related_user("louise.data"));
    assert_eq!(latest.can_restore, Some(true));
    assert_eq!(latest.created_at, utc(2025, 2, 3, 14, 40, 9));
    let first = &page.results[2];
    assert_eq!(first.sections, ["data"]);
    assert_eq!(first.can_restore, Some(false));
    assert_round_trips(&page, "list_dataset_versions", 200);
}

#[tokio::test]
async fn get_dataset_version_decodes_the_version() {
    let server = MockServer::start_async().await;
    let body: types::DatasetVersion = example("get_dataset_version", 200);
    let mock = server.get_dataset_version(|when, then| {
        let when = when.dataset_uid(DATASET).version_uid(VERSION).into_inner();
        expect_no_body(when, 0).path(format!("/datasets/{DATASET}/versions/{VERSION}/"));
        then.ok(&body);
    });

    let version = client(&server)
        .get_dataset_version()
        .dataset_uid(DATASET)
        .version_uid(VERSION)
        .send()
        .await
        .expect("get_dataset_version")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(version.uid, VERSION);
    assert_eq!(version.sections, ["fields", "data"]);
    assert_eq!(version.created_by, related_user("marc.admin"));
    assert_eq!(version.can_restore, Some(true));
    assert_eq!(version.created_at, utc(2025, 1, 28, 16, 22, 31));
    assert_round_trips(&version, "get_dataset_version", 200);
}

#[tokio::test]
async fn restore_dataset_version_posts_nothing_and_decodes_the_restored_dataset() {
    let server = MockServer::start_async().await;
    let body: types::Dataset = example("restore_dataset_version", 200);
    let mock = server.restore_dataset_version(|when, then| {
        let when = when.dataset_uid(DATASET).version_uid(VERSION).into_inner();
        expect_no_body(when, 0).path(format!("/datasets/{DATASET}/versions/{VERSION}/restore/"));
        then.ok(&body);
    });

    let dataset = client(&server)
        .restore_dataset_version()
        .dataset_uid(DATASET)
        .version_uid(VERSION)
        .send()
        .await
        .expect("restore_dataset_version")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(dataset.uid, DATASET);
    assert_eq!(dataset.updated_at, utc(2025, 2, 11, 11, 31, 5));
    assert_eq!(
        value_of(&dataset.metadata, "default", "title"),
        "Population of US counties"
    );
    assert_round_trips(&dataset, "restore_dataset_version", 200);
}

// ---------------------------------------------------------------------------
// Dataset feedbacks
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_dataset_feedbacks_sends_the_archive_filter_and_sort_and_decodes_the_page() {
    let server = MockServer::start_async().await;
    let body: types::DatasetFeedbackList = example("list_dataset_feedbacks", 200);
    let mock = server.list_dataset_feedbacks(|when, then| {
        let when = when
            .dataset_uid(DATASET)
            .is_archived(false)
            .sort("-created_at")
            .record_id(None)
            .into_inner();
        expect_no_body(when, 2).path(format!("/datasets/{DATASET}/feedbacks/"));
        then.ok(&body);
    });

    let page = client(&server)
        .list_dataset_feedbacks()
        .dataset_uid(DATASET)
        .is_archived(false)
        .sort("-created_at")
        .send()
        .await
        .expect("list_dataset_feedbacks")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.total_count, Some(2));
    assert_eq!(page.results.len(), 2);
    let first = &page.results[0];
    assert_eq!(first.uid, FEEDBACK);
    assert_eq!(first.record_id, "3f1c9a0e5b7d2c4e8f6a1b3d5c7e9f0a2b4c6d8e");
    assert_eq!(first.user.username, "jmartin");
    assert_eq!(
        first.comment,
        "The 2023 population of Kings County looks too low."
    );
    assert_eq!(keys(&first.values), ["population"]);
    assert_eq!(first.values["population"].value, Some(json!(2617631)));
    assert_eq!(first.values["population"].type_, Some(FieldType::Int));
    assert_eq!(first.is_archived, Some(false));
    assert_eq!(first.created_at, utc(2025, 2, 9, 18, 4, 51));
    let second = &page.results[1];
    assert_eq!(second.uid, "df_2pz8kc");
    assert_eq!(second.user.username, "louise.data");
    assert_eq!(
        second.values["county_name"].value,
        Some(json!("Miami-Dade County"))
    );
    assert_eq!(second.values["county_name"].type_, Some(FieldType::Text));
    assert_round_trips(&page, "list_dataset_feedbacks", 200);
}

#[tokio::test]
async fn list_dataset_feedbacks_narrows_to_one_record() {
    let server = MockServer::start_async().await;
    let mut body: types::DatasetFeedbackList = example("list_dataset_feedbacks", 200);
    body.results.truncate(1);
    body.total_count = Some(1);
    let record = "3f1c9a0e5b7d2c4e8f6a1b3d5c7e9f0a2b4c6d8e";
    let mock = server.list_dataset_feedbacks(|when, then| {
        let when = when
            .dataset_uid(DATASET)
            .record_id(record)
            .is_archived(None)
            .sort(None)
            .into_inner();
        expect_no_body(when, 1).path(format!("/datasets/{DATASET}/feedbacks/"));
        then.ok(&body);
    });

    let page = client(&server)
        .list_dataset_feedbacks()
        .dataset_uid(DATASET)
        .record_id(record)
        .send()
        .await
        .expect("list_dataset_feedbacks")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.results.len(), 1);
    assert_eq!(page.results[0].record_id, record);
}

#[tokio::test]
async fn get_dataset_feedback_decodes_one_suggested_value_per_field() {
    let server = MockServer::start_async().await;
    let body: types::DatasetFeedback = example("get_dataset_feedback", 200);
    let mock = server.get_dataset_feedback(|when, then| {
        let when = when
            .dataset_uid(DATASET)
            .feedback_uid(FEEDBACK)
            .into_inner();
        expect_no_body(when, 0).path(format!("/datasets/{DATASET}/feedbacks/{FEEDBACK}/"));
        then.ok(&body);
    });

    let feedback = client(&server)
        .get_dataset_feedback()
        .dataset_uid(DATASET)
        .feedback_uid(FEEDBACK)
        .send()
        .await
        .expect("get_dataset_feedback")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(feedback.uid, FEEDBACK);
    assert_eq!(keys(&feedback.values), ["county_name", "population"]);
    assert_eq!(
        feedback.values["population"],
        types::DatasetFeedbackValue {
            value: Some(json!(2617631)),
            type_: Some(FieldType::Int),
        }
    );
    assert_eq!(
        feedback.values["county_name"],
        types::DatasetFeedbackValue {
            value: Some(json!("Kings County")),
            type_: Some(FieldType::Text),
        }
    );
    assert_eq!(feedback.is_archived, Some(false));
    assert_round_trips(&feedback, "get_dataset_feedback", 200);
}

#[tokio::test]
async fn archive_dataset_feedback_posts_nothing_and_decodes_the_archived_feedback() {
    let server = MockServer::start_async().await;
    let body: types::DatasetFeedback = example("archive_dataset_feedback", 200);
    let mock = server.archive_dataset_feedback(|when, then| {
        let when = when
            .dataset_uid(DATASET)
            .feedback_uid(FEEDBACK)
            .into_inner();
        expect_no_body(when, 0).path(format!("/datasets/{DATASET}/feedbacks/{FEEDBACK}/archive/"));
        then.ok(&body);
    });

    let feedback = client(&server)
        .archive_dataset_feedback()
        .dataset_uid(DATASET)
        .feedback_uid(FEEDBACK)
        .send()
        .await
        .expect("archive_dataset_feedback")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(feedback.uid, FEEDBACK);
    assert_eq!(feedback.is_archived, Some(true));
    assert_eq!(feedback.created_at, utc(2025, 2, 9, 18, 4, 51));
    assert_round_trips(&feedback, "archive_dataset_feedback", 200);
}

// ---------------------------------------------------------------------------
// Dataset schedules
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_dataset_schedules_sends_paging_and_decodes_the_page() {
    let server = MockServer::start_async().await;
    let body: types::DatasetScheduleList = example("list_dataset_schedules", 200);
    let mock = server.list_dataset_schedules(|when, then| {
        let when = when.dataset_uid(DATASET).limit(10).offset(0).into_inner();
        expect_no_body(when, 2).path(format!("/datasets/{DATASET}/schedules/"));
        then.ok(&body);
    });

    let page = client(&server)
        .list_dataset_schedules()
        .dataset_uid(DATASET)
        .limit(10)
        .offset(0)
        .send()
        .await
        .expect("list_dataset_schedules")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.total_count, Some(2));
    assert_eq!(
        page.results,
        [
            types::DatasetSchedule {
                uid: SCHEDULE.into(),
                cron_schedule: "0 6 * * *".into(),
            },
            types::DatasetSchedule {
                uid: "sc_8rn4vd".into(),
                cron_schedule: "30 18 * * 1-5".into(),
            },
        ]
    );
    assert_round_trips(&page, "list_dataset_schedules", 200);
}

#[tokio::test]
async fn create_dataset_schedule_posts_the_cron_expression_and_decodes_the_schedule() {
    let server = MockServer::start_async().await;
    let body: types::DatasetSchedule = example("create_dataset_schedule", 201);
    let mock = server.create_dataset_schedule(|when, then| {
        let when = when.dataset_uid(DATASET).into_inner();
        expect_json_body(when, json!({"cron_schedule": "0 6 * * *"}))
            .path(format!("/datasets/{DATASET}/schedules/"));
        then.created(&body);
    });

    let rv = client(&server)
        .create_dataset_schedule()
        .dataset_uid(DATASET)
        .body(dataset_schedule("0 6 * * *"))
        .send()
        .await
        .expect("create_dataset_schedule");

    mock.assert_async().await;
    assert_eq!(rv.status().as_u16(), 201);
    let schedule = rv.into_inner();
    assert_eq!(schedule.uid, SCHEDULE);
    assert_eq!(schedule.cron_schedule, "0 6 * * *");
    assert_round_trips(&schedule, "create_dataset_schedule", 201);
}

#[tokio::test]
async fn get_dataset_schedule_decodes_the_schedule() {
    let server = MockServer::start_async().await;
    let body: types::DatasetSchedule = example("get_dataset_schedule", 200);
    let mock = server.get_dataset_schedule(|when, then| {
        let when = when
            .dataset_uid(DATASET)
            .schedule_uid(SCHEDULE)
            .into_inner();
        expect_no_body(when, 0).path(format!("/datasets/{DATASET}/schedules/{SCHEDULE}/"));
        then.ok(&body);
    });

    let schedule = client(&server)
        .get_dataset_schedule()
        .dataset_uid(DATASET)
        .schedule_uid(SCHEDULE)
        .send()
        .await
        .expect("get_dataset_schedule")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(schedule.uid, SCHEDULE);
    assert_eq!(schedule.cron_schedule, "0 6 * * *");
    assert_round_trips(&schedule, "get_dataset_schedule", 200);
}

#[tokio::test]
async fn update_dataset_schedule_puts_the_cron_expression_and_decodes_the_schedule() {
    let server = MockServer::start_async().await;
    let body: types::DatasetSchedule = example("update_dataset_schedule", 200);
    let mock = server.update_dataset_schedule(|when, then| {
        let when = when
            .dataset_uid(DATASET)
            .schedule_uid(SCHEDULE)
            .into_inner();
        expect_json_body(when, json!({"cron_schedule": "15 5 * * 1"}))
            .path(format!("/datasets/{DATASET}/schedules/{SCHEDULE}/"));
        then.ok(&body);
    });

    let schedule = client(&server)
        .update_dataset_schedule()
        .dataset_uid(DATASET)
        .schedule_uid(SCHEDULE)
        .body(dataset_schedule("15 5 * * 1"))
        .send()
        .await
        .expect("update_dataset_schedule")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(schedule.uid, SCHEDULE);
    assert_eq!(schedule.cron_schedule, "15 5 * * 1");
    assert_round_trips(&schedule, "update_dataset_schedule", 200);
}

#[tokio::test]
async fn delete_dataset_schedule_answers_no_content_and_decodes_nothing() {
    let server = MockServer::start_async().await;
    let mock = server.delete_dataset_schedule(|when, then| {
        let when = when
            .dataset_uid(DATASET)
            .schedule_uid(SCHEDULE)
            .into_inner();
        expect_no_body(when, 0).path(format!("/datasets/{DATASET}/schedules/{SCHEDULE}/"));
        then.no_content();
    });

    let rv = client(&server)
        .delete_dataset_schedule()
        .dataset_uid(DATASET)
        .schedule_uid(SCHEDULE)
        .send()
        .await
        .expect("delete_dataset_schedule: an empty 204 must not be decoded as JSON");

    mock.assert_async().await;
    assert_eq!(rv.status().as_u16(), 204);
    let () = rv.into_inner();
}

// ---------------------------------------------------------------------------
// Harvester schedules
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_harvester_schedules_sends_paging_and_decodes_the_page() {
    let server = MockServer::start_async().await;
    let body: types::HarvesterScheduleList = example("list_harvester_schedules", 200);
    let mock = server.list_harvester_schedules(|when, then| {
        let when = when
            .harvester_uid(HARVESTER)
            .limit(10)
            .offset(0)
            .into_inner();
        expect_no_body(when, 2).path(format!("/harvesters/{HARVESTER}/schedules/"));
        then.ok(&body);
    });

    let page = client(&server)
        .list_harvester_schedules()
        .harvester_uid(HARVESTER)
        .limit(10)
        .offset(0)
        .send()
        .await
        .expect("list_harvester_schedules")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.total_count, Some(1));
    assert_eq!(
        page.results,
        [types::HarvesterSchedule {
            uid: HARVESTER_SCHEDULE.into(),
            cron_schedule: "0 2 * * *".into(),
            timezone: "Europe/Paris".into(),
        }]
    );
    assert_round_trips(&page, "list_harvester_schedules", 200);
}

#[tokio::test]
async fn create_harvester_schedule_posts_the_cron_expression_and_time_zone() {
    let server = MockServer::start_async().await;
    let body: types::HarvesterSchedule = example("create_harvester_schedule", 201);
    let mock = server.create_harvester_schedule(|when, then| {
        let when = when.harvester_uid(HARVESTER).into_inner();
        expect_json_body(
            when,
            json!({"cron_schedule": "0 2 * * *", "timezone": "Europe/Paris"}),
        )
        .path(format!("/harvesters/{HARVESTER}/schedules/"));
        then.created(&body);
    });

    let rv = client(&server)
        .create_harvester_schedule()
        .harvester_uid(HARVESTER)
        .body(harvester_schedule("0 2 * * *", "Europe/Paris"))
        .send()
        .await
        .expect("create_harvester_schedule");

    mock.assert_async().await;
    assert_eq!(rv.status().as_u16(), 201);
    let schedule = rv.into_inner();
    assert_eq!(schedule.uid, HARVESTER_SCHEDULE);
    assert_eq!(schedule.cron_schedule, "0 2 * * *");
    assert_eq!(schedule.timezone, "Europe/Paris");
    assert_round_trips(&schedule, "create_harvester_schedule", 201);
}

#[tokio::test]
async fn get_harvester_schedule_decodes_the_schedule() {
    let server = MockServer::start_async().await;
    let body: types::HarvesterSchedule = example("get_harvester_schedule", 200);
    let mock = server.get_harvester_schedule(|when, then| {
        let when = when
            .harvester_uid(HARVESTER)
            .schedule_uid(HARVESTER_SCHEDULE)
            .into_inner();
        expect_no_body(when, 0).path(format!(
            "/harvesters/{HARVESTER}/schedules/{HARVESTER_SCHEDULE}/"
        ));
        then.ok(&body);
    });

    let schedule = client(&server)
        .get_harvester_schedule()
        .harvester_uid(HARVESTER)
        .schedule_uid(HARVESTER_SCHEDULE)
        .send()
        .await
        .expect("get_harvester_schedule")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(schedule.uid, HARVESTER_SCHEDULE);
    assert_eq!(schedule.timezone, "Europe/Paris");
    assert_round_trips(&schedule, "get_harvester_schedule", 200);
}

#[tokio::test]
async fn update_harvester_schedule_puts_the_cron_expression_and_time_zone() {
    let server = MockServer::start_async().await;
    let body: types::HarvesterSchedule = example("update_harvester_schedule", 200);
    let mock = server.update_harvester_schedule(|when, then| {
        let when = when
            .harvester_uid(HARVESTER)
            .schedule_uid(HARVESTER_SCHEDULE)
            .into_inner();
        expect_json_body(
            when,
            json!({"cron_schedule": "30 23 * * 0", "timezone": "America/New_York"}),
        )
        .path(format!(
            "/harvesters/{HARVESTER}/schedules/{HARVESTER_SCHEDULE}/"
        ));
        then.ok(&body);
    });

    let schedule = client(&server)
        .update_harvester_schedule()
        .harvester_uid(HARVESTER)
        .schedule_uid(HARVESTER_SCHEDULE)
        .body(harvester_schedule("30 23 * * 0", "America/New_York"))
        .send()
        .await
        .expect("update_harvester_schedule")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(schedule.uid, HARVESTER_SCHEDULE);
    assert_eq!(schedule.cron_schedule, "30 23 * * 0");
    assert_eq!(schedule.timezone, "America/New_York");
    assert_round_trips(&schedule, "update_harvester_schedule", 200);
}

#[tokio::test]
async fn delete_harvester_schedule_answers_no_content_and_decodes_nothing() {
    let server = MockServer::start_async().await;
    let mock = server.delete_harvester_schedule(|when, then| {
        let when = when
            .harvester_uid(HARVESTER)
            .schedule_uid(HARVESTER_SCHEDULE)
            .into_inner();
        expect_no_body(when, 0).path(format!(
            "/harvesters/{HARVESTER}/schedules/{HARVESTER_SCHEDULE}/"
        ));
        then.no_content();
    });

    let rv = client(&server)
        .delete_harvester_schedule()
        .harvester_uid(HARVESTER)
        .schedule_uid(HARVESTER_SCHEDULE)
        .send()
        .await
        .expect("delete_harvester_schedule: an empty 204 must not be decoded as JSON");

    mock.assert_async().await;
    assert_eq!(rv.status().as_u16(), 204);
    let () = rv.into_inner();
}

// ---------------------------------------------------------------------------
// Error statuses: one named test per documented status (and per kind of
// 400), then every documented (operation, status) pair.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn create_dataset_reports_an_invalid_body_as_a_bad_request_with_details() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("create_dataset", 400);
    let mock = server.create_dataset(|when, then| {
        let when = when.into_inner();
        expect_json_body(
            when,
            json!({"metadata": {"default": {"title": {"value": ""}, "language": {"value": "en"}}}}),
        )
        .path("/datasets/");
        then.bad_request(&body);
    });

    let result = client(&server)
        .create_dataset()
        .body(dataset_request(""))
        .send()
        .await;

    mock.assert_async().await;
    let rv = match result {
        Err(Error::ErrorResponse(rv)) => rv,
        other => panic!("expected Error::ErrorResponse, got {other:?}"),
    };
    assert_eq!(rv.status().as_u16(), 400);
    assert_eq!(rv.message, "Invalid input");
    assert_eq!(rv.error_code, "validation_error");
    assert_eq!(
        Value::Object(rv.detail.clone()),
        json!({"title": ["This field is required."]})
    );
    assert_round_trips(&rv.into_inner(), "create_dataset", 400);
}

#[tokio::test]
async fn publish_dataset_reports_a_dataset_in_the_wrong_state_as_a_bad_request() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("publish_dataset", 400);
    let mock = server.publish_dataset(|when, then| {
        let when = when.dataset_uid(DATASET).into_inner();
        expect_no_body(when, 0).path(format!("/datasets/{DATASET}/publish/"));
        then.bad_request(&body);
    });

    let result = client(&server)
        .publish_dataset()
        .dataset_uid(DATASET)
        .send()
        .await;

    mock.assert_async().await;
    let rv = match result {
        Err(Error::ErrorResponse(rv)) => rv,
        other => panic!("expected Error::ErrorResponse, got {other:?}"),
    };
    assert_eq!(rv.status().as_u16(), 400);
    assert_eq!(rv.error_code, "invalid_dataset_status");
    assert_eq!(
        rv.message,
        "Invalid precondition, dataset status is 'processing' but must be one of 'idle, error, limit_reached'"
    );
    assert!(rv.detail.is_empty());
    assert_round_trips(&rv.into_inner(), "publish_dataset", 400);
}

#[tokio::test]
async fn list_datasets_reports_a_rejected_key_as_unauthorized() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("list_datasets", 401);
    let mock = server.list_datasets(|_when, then| {
        then.unauthorized(&body);
    });

    let result = client(&server).list_datasets().send().await;

    mock.assert_async().await;
    let rv = match result {
        Err(Error::ErrorResponse(rv)) => rv,
        other => panic!("expected Error::ErrorResponse, got {other:?}"),
    };
    assert_eq!(rv.status().as_u16(), 401);
    assert_eq!(rv.message, "Incorrect authentication credentials.");
    assert_eq!(rv.error_code, "authentication_failed");
    assert_round_trips(&rv.into_inner(), "list_datasets", 401);
}

#[tokio::test]
async fn delete_dataset_reports_a_missing_permission_as_forbidden() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("delete_dataset", 403);
    let mock = server.delete_dataset(|when, then| {
        when.dataset_uid(DATASET);
        then.forbidden(&body);
    });

    let result = client(&server)
        .delete_dataset()
        .dataset_uid(DATASET)
        .send()
        .await;

    mock.assert_async().await;
    let rv = match result {
        Err(Error::ErrorResponse(rv)) => rv,
        other => panic!("expected Error::ErrorResponse, got {other:?}"),
    };
    assert_eq!(rv.status().as_u16(), 403);
    assert_eq!(
        rv.message,
        "You do not have permission to perform this action."
    );
    assert_eq!(rv.error_code, "permission_denied");
    assert_round_trips(&rv.into_inner(), "delete_dataset", 403);
}

#[tokio::test]
async fn get_dataset_reports_an_unknown_dataset_as_not_found() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("get_dataset", 404);
    let mock = server.get_dataset(|when, then| {
        when.dataset_uid("da_nosuch");
        then.not_found(&body);
    });

    let result = client(&server)
        .get_dataset()
        .dataset_uid("da_nosuch")
        .send()
        .await;

    mock.assert_async().await;
    let rv = match result {
        Err(Error::ErrorResponse(rv)) => rv,
        other => panic!("expected Error::ErrorResponse, got {other:?}"),
    };
    assert_eq!(rv.status().as_u16(), 404);
    assert_eq!(rv.message, "Not found.");
    assert_eq!(rv.error_code, "not_found");
    assert_round_trips(&rv.into_inner(), "get_dataset", 404);
}

#[tokio::test]
async fn create_harvester_schedule_reports_throttling_with_its_trace_id() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("create_harvester_schedule", 429);
    let mock = server.create_harvester_schedule(|when, then| {
        when.harvester_uid(HARVESTER);
        then.too_many_requests(&body);
    });

    let result = client(&server)
        .create_harvester_schedule()
        .harvester_uid(HARVESTER)
        .body(harvester_schedule("0 2 * * *", "Europe/Paris"))
        .send()
        .await;

    mock.assert_async().await;
    let rv = match result {
        Err(Error::ErrorResponse(rv)) => rv,
        other => panic!("expected Error::ErrorResponse, got {other:?}"),
    };
    assert_eq!(rv.status().as_u16(), 429);
    assert_eq!(rv.message, "Request was throttled.");
    assert_eq!(rv.error_code, "throttled");
    assert_eq!(
        rv.trace_id.as_deref(),
        Some("6b523c91-45a6-4ef9-b130-b82e1241645e")
    );
    assert_round_trips(&rv.into_inner(), "create_harvester_schedule", 429);
}

#[tokio::test]
async fn every_documented_error_status_of_every_operation_is_an_error_response() {
    let server = MockServer::start_async().await;
    let client = client(&server);
    let pairs = documented_errors(&TESTED_OPERATIONS);
    // 39 operations × (401, 403, 429), 37 of them with 404, 15 with 400.
    assert_documented_errors(&pairs, &ERROR_STATUSES, 169);
    for (op, status) in pairs {
        let body: types::Error = example(op, status);
        let mock = mock_error(&server, op, status, &body);
        let result = call(&client, op).await;
        // Every assertion names the case, so a failure says which one.
        assert_eq!(
            mock.calls_async().await,
            1,
            "{op} {status}: calls to the mock"
        );
        let error = expect_vendor_error(result, op, status);
        assert_eq!(error, body, "{op} {status}: decoded error");
        mock.delete_async().await;
    }
}
