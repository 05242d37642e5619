//! Operation tests for the generated Opendatasoft Automation API client
//! ("Harvesters" and "Datasources connections" tags).
//!
//! Each operation test runs one operation against a loopback httpmock server:
//! the mock pins down the whole request the client sends (method, path with
//! its trailing slash, query parameters, headers, body), answers with the
//! spec's example body (`ods_automation::examples`), and the test checks what
//! the client decodes from it.
//!
//! Harvesters and connections come in kinds told apart by their `type`
//! field; the generated types are enums with one variant per kind
//! (`Harvester::Ckan`, `DatasourceConnection::Http`, ...). The list examples
//! hold one item of every kind the vendor documents, and one test per kind
//! checks that its item decodes into the right variant.

use std::collections::HashMap;

use httpmock::Mock;
use ods_automation::mock::{MockServer, MockServerExt};
use ods_automation::prelude::*;
use ods_automation::types::{self, DatasourceConnectionSort as Sort, HarvesterStatus};
use ods_automation::{examples, Error, ResponseValue, Secret};
use serde_json::{json, Value};

mod support;
use support::*;

// ---------------------------------------------------------------------------
// Test ids and the operations
// ---------------------------------------------------------------------------

/// Path parameters: the harvester of the `get_harvester` example and the
/// connection of the `get_datasource_connection` example.
const HARVESTER: &str = "ha_5mb2rz";
const CONNECTION: &str = "co_4rx8mq";

/// Every error status the spec documents, over all these operations.
const ERROR_STATUSES: [u16; 5] = [400, 401, 403, 404, 429];

/// The operations this file covers, in the spec's order: the paths under
/// `/harvesters/` but not their schedules, and those under
/// `/datasource_connections/` but not their security rulesets.
const TESTED_OPERATIONS: [&str; 17] = [
    "list_harvesters",
    "create_harvester",
    "get_harvester",
    "update_harvester",
    "delete_harvester",
    "abort_harvester",
    "start_harvester",
    "publish_harvester",
    "unpublish_harvester",
    "list_harvester_errors",
    "preview_harvester",
    "preview_unsaved_harvester",
    "list_datasource_connections",
    "create_datasource_connection",
    "get_datasource_connection",
    "update_datasource_connection",
    "delete_datasource_connection",
];

fn is_tested_path(path: &str) -> bool {
    (path.starts_with("/harvesters/") && !path.contains("/schedules/"))
        || (path.starts_with("/datasource_connections/") && !path.contains("/security/"))
}

#[test]
fn every_harvesters_operation_of_the_spec_is_tested_here() {
    let spec: Vec<&str> = examples::OPERATIONS
        .iter()
        .filter(|(_, _, path)| is_tested_path(path))
        .map(|(id, _, _)| *id)
        .collect();
    assert_eq!(spec, TESTED_OPERATIONS);
}

// ---------------------------------------------------------------------------
// Kinds: the `type` value of each variant
// ---------------------------------------------------------------------------

/// Every kind of harvester the vendor documents, in its order.
const HARVESTER_KINDS: [&str; 15] = [
    "arcgis",
    "arcgis_opendata",
    "ckan",
    "csw",
    "datagouv",
    "datajson",
    "ftp",
    "ftp_csv",
    "ftp_with_meta_csv",
    "junar",
    "omi_node",
    "ods",
    "quandl",
    "socrata",
    "wfs",
];

/// Runs `$body` with `$x` bound to the variant's content, whatever the kind
/// of harvester (the variants hold different types).
macro_rules! each_harvester {
    ($harvester:expr, $x:ident => $body:expr) => {
        match $harvester {
            types::Harvester::Arcgis($x) => $body,
            types::Harvester::ArcgisOpendata($x) => $body,
            types::Harvester::Ckan($x) => $body,
            types::Harvester::Csw($x) => $body,
            types::Harvester::Datagouv($x) => $body,
            types::Harvester::Datajson($x) => $body,
            types::Harvester::Ftp($x) => $body,
            types::Harvester::FtpCsv($x) => $body,
            types::Harvester::FtpWithMetaCsv($x) => $body,
            types::Harvester::Junar($x) => $body,
            types::Harvester::OmiNode($x) => $body,
            types::Harvester::Opendatasoft($x) => $body,
            types::Harvester::Quandl($x) => $body,
            types::Harvester::Socrata($x) => $body,
            types::Harvester::Wfs($x) => $body,
            other => panic!("a harvester of a kind the spec does not list: {other:?}"),
        }
    };
}

/// The `type` value the variant stands for, spelled out here rather than
/// taken from the decoded value, so a harvester decoded into the wrong
/// variant shows.
fn harvester_kind(harvester: &types::Harvester) -> &'static str {
    match harvester {
        types::Harvester::Arcgis(_) => "arcgis",
        types::Harvester::ArcgisOpendata(_) => "arcgis_opendata",
        types::Harvester::Ckan(_) => "ckan",
        types::Harvester::Csw(_) => "csw",
        types::Harvester::Datagouv(_) => "datagouv",
        types::Harvester::Datajson(_) => "datajson",
        types::Harvester::Ftp(_) => "ftp",
        types::Harvester::FtpCsv(_) => "ftp_csv",
        types::Harvester::FtpWithMetaCsv(_) => "ftp_with_meta_csv",
        types::Harvester::Junar(_) => "junar",
        types::Harvester::OmiNode(_) => "omi_node",
        types::Harvester::Opendatasoft(_) => "ods",
        types::Harvester::Quandl(_) => "quandl",
        types::Harvester::Socrata(_) => "socrata",
        types::Harvester::Wfs(_) => "wfs",
        types::Harvester::Unknown(_) => "unknown",
    }
}

fn harvester_request_kind(request: &types::HarvesterRequest) -> &'static str {
    match request {
        types::HarvesterRequest::Arcgis(_) => "arcgis",
        types::HarvesterRequest::ArcgisOpendata(_) => "arcgis_opendata",
        types::HarvesterRequest::Ckan(_) => "ckan",
        types::HarvesterRequest::Csw(_) => "csw",
        types::HarvesterRequest::Datagouv(_) => "datagouv",
        types::HarvesterRequest::Datajson(_) => "datajson",
        types::HarvesterRequest::Ftp(_) => "ftp",
        types::HarvesterRequest::FtpCsv(_) => "ftp_csv",
        types::HarvesterRequest::FtpWithMetaCsv(_) => "ftp_with_meta_csv",
        types::HarvesterRequest::Junar(_) => "junar",
        types::HarvesterRequest::OmiNode(_) => "omi_node",
        types::HarvesterRequest::Opendatasoft(_) => "ods",
        types::HarvesterRequest::Quandl(_) => "quandl",
        types::HarvesterRequest::Socrata(_) => "socrata",
        types::HarvesterRequest::Wfs(_) => "wfs",
        types::HarvesterRequest::Unknown(_) => "unknown",
    }
}

/// The kind of a connection and, for the kinds with several schemes, of its
/// authentication: `http/basic_auth`, `amazon_s3/iam_role`, ...
fn connection_kind(connection: &types::DatasourceConnection) -> String {
    use types::DatasourceConnection as C;
    use types::DatasourceConnectionAmazonS3Auth as S3;
    use types::DatasourceConnectionHttpAuth as H;
    match connection {
        C::Http(c) => match &c.auth {
            Some(H::Basic(_)) => "http/basic_auth",
            Some(H::OAuth2(_)) => "http/oauth2",
            Some(H::Oidc(_)) => "http/oidc",
            Some(H::Unknown(_)) => "http/unknown",
            None => "http",
        }
        .into(),
        C::Ftp(_) => "ftp".into(),
        C::Sharepoint(_) => "sharepoint".into(),
        C::GoogleDrive(_) => "google_drive".into(),
        C::AmazonS3(c) => match &c.auth {
            Some(S3::SignatureV4(_)) => "amazon_s3/aws_signature_v4",
            Some(S3::IamRole(_)) => "amazon_s3/iam_role",
            Some(S3::Unknown(_)) => "amazon_s3/unknown",
            None => "amazon_s3",
        }
        .into(),
        C::AzureBlobStorage(_) => "azure_blob_storage".into(),
        C::Unknown(_) => "unknown".into(),
    }
}

fn connection_request_kind(request: &types::DatasourceConnectionRequest) -> String {
    use types::DatasourceConnectionAmazonS3AuthRequest as S3;
    use types::DatasourceConnectionHttpAuthRequest as H;
    use types::DatasourceConnectionRequest as C;
    match request {
        C::Http(c) => match &c.auth {
            Some(H::Basic(_)) => "http/basic_auth",
            Some(H::OAuth2(_)) => "http/oauth2",
            Some(H::Oidc(_)) => "http/oidc",
            Some(H::Unknown(_)) => "http/unknown",
            None => "http",
        }
        .into(),
        C::Ftp(_) => "ftp".into(),
        C::Sharepoint(_) => "sharepoint".into(),
        C::GoogleDrive(_) => "google_drive".into(),
        C::AmazonS3(c) => match &c.auth {
            Some(S3::SignatureV4(_)) => "amazon_s3/aws_signature_v4",
            Some(S3::IamRole(_)) => "amazon_s3/iam_role",
            Some(S3::Unknown(_)) => "amazon_s3/unknown",
            None => "amazon_s3",
        }
        .into(),
        C::AzureBlobStorage(_) => "azure_blob_storage".into(),
        C::Unknown(_) => "unknown".into(),
    }
}

// ---------------------------------------------------------------------------
// Requests used by several tests
// ---------------------------------------------------------------------------

/// The CKAN harvester of the `create_harvester` example, as sent.
fn ckan_request() -> types::HarvesterRequestCkan {
    types::HarvesterRequestCkan {
        type_: types::HarvesterRequestCkanType::Ckan,
        name: "Research data (CKAN)".into(),
        version: None,
        restrict_datasets_visibility: Some(true),
        delete_missing_datasets: Some(false),
        forced_metas: HashMap::new(),
        url: "https://research.example-university.edu/api/3".into(),
        limit: Some(100),
        offset: Some(0),
        sort: Some("title asc".into()),
        api_key: Some(Secret::new("ckan-key-4f1d9a")),
        group: Some("climate".into()),
        language: Some("en".into()),
        query: Some("temperature".into()),
        download_resources: Some(true),
        metadata_only: None,
    }
}

fn ckan_request_json() -> Value {
    json!({
        "type": "ckan",
        "name": "Research data (CKAN)",
        "restrict_datasets_visibility": true,
        "delete_missing_datasets": false,
        "url": "https://research.example-university.edu/api/3",
        "limit": 100,
        "offset": 0,
        "sort": "title asc",
        "api_key": "ckan-key-4f1d9a",
        "group": "climate",
        "language": "en",
        "query": "temperature",
        "download_resources": true,
    })
}

/// The Opendatasoft harvester of the `update_harvester` example, as sent.
fn ods_request() -> types::HarvesterRequestOpendatasoft {
    let mut metas = serde_json::Map::new();
    metas.insert("publisher".into(), json!("Regional Transport Authority"));
    metas.insert("license".into(), json!("Open Database License (ODbL)"));
    types::HarvesterRequestOpendatasoft {
        type_: types::HarvesterRequestOpendatasoftType::Ods,
        name: "Public transport and mobility (Opendatasoft)".into(),
        version: Some(1),
        restrict_datasets_visibility: None,
        delete_missing_datasets: Some(true),
        forced_metas: HashMap::from([("default".to_string(), metas)]),
        domain: "transport.opendatasoft.com".into(),
        refines: Some("refine.theme=Transport&refine.theme=Mobility".into()),
        api_key: Some(Secret::new("0d5a7c3e9b1f4a2e8c6d0b9a7f5e3c1d")),
    }
}

fn ods_request_json() -> Value {
    json!({
        "type": "ods",
        "name": "Public transport and mobility (Opendatasoft)",
        "version": 1,
        "delete_missing_datasets": true,
        "forced_metas": {
            "default": {
                "publisher": "Regional Transport Authority",
                "license": "Open Database License (ODbL)",
            },
        },
        "domain": "transport.opendatasoft.com",
        "refines": "refine.theme=Transport&refine.theme=Mobility",
        "api_key": "0d5a7c3e9b1f4a2e8c6d0b9a7f5e3c1d",
    })
}

/// The HTTP connection of the `create_datasource_connection` example, as
/// sent (with its password, which the service does not send back).
fn http_connection_request() -> types::DatasourceConnectionRequestHttp {
    types::DatasourceConnectionRequestHttp {
        type_: types::DatasourceConnectionRequestHttpType::Http,
        is_reusable: Some(true),
        url: "https://api.example-transit.com/gtfs".into(),
        headers: vec![types::DatasourceConnectionHeader {
            name: "X-Client".into(),
            value: Secret::new("opendatasoft"),
        }],
        auth: Some(
            types::DatasourceConnectionAuthRequestBasic {
                type_: types::DatasourceConnectionAuthRequestBasicType::BasicAuth,
                username: "transit-feed".into(),
                password: Secret::new("tr4nsit-p4ss"),
            }
            .into(),
        ),
    }
}

fn http_connection_request_json() -> Value {
    json!({
        "type": "http",
        "is_reusable": true,
        "url": "https://api.example-transit.com/gtfs",
        "headers": [{"name": "X-Client", "value": "opendatasoft"}],
        "auth": {"type": "basic_auth", "username": "transit-feed", "password": "tr4nsit-p4ss"},
    })
}

// ---------------------------------------------------------------------------
// Harvesters: one test per kind
// ---------------------------------------------------------------------------

/// The item of `type` `kind` in the `list_harvesters` example, decoded on
/// its own; it must survive the round trip.
fn listed_harvester(kind: &str) -> types::Harvester {
    let page = example_json("list_harvesters", 200);
    let items: Vec<&Value> = page["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|item| item["type"] == kind)
        .collect();
    assert_eq!(items.len(), 1, "harvesters of type {kind} in the example");
    let harvester: types::Harvester = serde_json::from_value(items[0].clone())
        .unwrap_or_else(|e| panic!("the {kind} harvester does not decode: {e}"));
    assert_eq!(
        harvester_kind(&harvester),
        kind,
        "variant of the {kind} harvester"
    );
    assert_eq!(
        serde_json::to_value(&harvester).unwrap(),
        without_nulls_and_empty_arrays(items[0].clone()),
        "{kind}: the decoded harvester lost or changed something"
    );
    harvester
}

#[test]
fn an_arcgis_harvester_decodes_as_harvester_arcgis() {
    let types::Harvester::Arcgis(h) = listed_harvester("arcgis") else {
        unreachable!()
    };
    assert_eq!(h.type_, types::HarvesterArcgisType::Arcgis);
    assert_eq!(h.uid, "ha_6wz1kf");
    assert_eq!(h.url, "https://gis.example-city.org/arcgis/rest/services");
    assert_eq!(h.download_resources, Some(true));
    assert_eq!(h.metadata_only, Some(false));
}

#[test]
fn an_arcgis_opendata_harvester_decodes_as_harvester_arcgis_opendata() {
    let types::Harvester::ArcgisOpendata(h) = listed_harvester("arcgis_opendata") else {
        unreachable!()
    };
    assert_eq!(h.uid, "ha_9pt4mx");
    assert_eq!(h.status, HarvesterStatus::Processing);
    assert_eq!(h.url, "https://opendata.example-county.org/");
    assert_eq!(h.compute_geo_area, Some(true));
    assert_eq!(h.fetch_data, Some(false));
    assert_eq!(h.harvested_datasets_count, 21);
}

#[test]
fn a_ckan_harvester_decodes_as_harvester_ckan() {
    let types::Harvester::Ckan(h) = listed_harvester("ckan") else {
        unreachable!()
    };
    assert_eq!(h.uid, "ha_8dj3qp");
    assert_eq!(h.url, "https://catalog.example.gov/api/3");
    assert_eq!(h.limit, Some(200));
    assert_eq!(h.offset, Some(0));
    assert_eq!(h.sort.as_deref(), Some("metadata_modified desc"));
    // The service hides the key: null decodes as None.
    assert_eq!(h.api_key, None);
    assert_eq!(h.group.as_deref(), Some("environment"));
    assert_eq!(h.language.as_deref(), Some("en"));
    assert_eq!(h.query.as_deref(), Some(""));
    assert_eq!(h.resource_errors_count, 2);
}

#[test]
fn a_csw_harvester_decodes_as_harvester_csw_with_its_mappings() {
    let types::Harvester::Csw(h) = listed_harvester("csw") else {
        unreachable!()
    };
    assert_eq!(h.uid, "ha_3vn7tc");
    assert_eq!(
        h.url,
        "https://geoportal.example-region.org/geonetwork/srv/eng/csw"
    );
    assert_eq!(
        h.theme_thesaurus.as_deref(),
        Some("GEMET - INSPIRE themes, version 1.0")
    );
    assert_eq!(h.insert_br_in_description, Some(true));
    assert_eq!(h.invert_coordinates, Some(false));
    let themes = &h.themes_mapping["GEMET - INSPIRE themes, version 1.0"];
    assert_eq!(themes["Hydrography"], "Environment");
    assert_eq!(themes["Transport networks"], "Transport");
    assert_eq!(
        h.licenses_mapping,
        HashMap::from([(
            "Licence Ouverte".to_string(),
            "Licence Ouverte (Etalab)".to_string()
        )])
    );
}

#[test]
fn a_datagouv_harvester_decodes_as_harvester_datagouv() {
    let types::Harvester::Datagouv(h) = listed_harvester("datagouv") else {
        unreachable!()
    };
    assert_eq!(h.uid, "ha_1rc5yb");
    assert_eq!(h.organization_id, "534fff75a3a7292c64a77de4");
    assert_eq!(h.attachment, Some(false));
    assert_eq!(h.filter_name.as_deref(), Some("temporal_coverage"));
    assert_eq!(h.filter_value.as_deref(), Some("2024-01-01-2024-12-31"));
}

#[test]
fn a_datajson_harvester_decodes_as_harvester_datajson() {
    let types::Harvester::Datajson(h) = listed_harvester("datajson") else {
        unreachable!()
    };
    assert_eq!(h.uid, "ha_7kx2ve");
    assert_eq!(h.url, "https://data.example-town.org/data.json");
    assert_eq!(h.number_of_datasets, Some(50));
    assert_eq!(h.metadata_only, Some(true));
}

#[test]
fn an_ftp_harvester_decodes_as_harvester_ftp_without_its_password() {
    let types::Harvester::Ftp(h) = listed_harvester("ftp") else {
        unreachable!()
    };
    assert_eq!(h.uid, "ha_4hs8nq");
    assert_eq!(h.host, "ftp.example-weather.org");
    assert_eq!(h.user, "ods-harvester");
    assert_eq!(h.password, None);
    assert_eq!(h.directory.as_deref(), Some("/exports/stations"));
    assert_eq!(h.meta.as_deref(), Some(""));
}

#[test]
fn an_ftp_csv_harvester_decodes_as_harvester_ftp_csv() {
    let types::Harvester::FtpCsv(h) = listed_harvester("ftp_csv") else {
        unreachable!()
    };
    assert_eq!(h.uid, "ha_2qm6jd");
    assert_eq!(h.host, "ftp.example-stats.org");
    assert_eq!(h.password, None);
    assert_eq!(h.metadata_file, "metadata.csv");
    assert_eq!(h.metadata_join_key.as_deref(), Some("source_dataset"));
}

#[test]
fn an_ftp_with_meta_csv_harvester_decodes_as_harvester_ftp_with_meta_csv() {
    let types::Harvester::FtpWithMetaCsv(h) = listed_harvester("ftp_with_meta_csv") else {
        unreachable!()
    };
    assert_eq!(h.uid, "ha_8wb3rt");
    // Never started: the run dates are null.
    assert_eq!(h.status, HarvesterStatus::New);
    assert_eq!(h.last_started_at, None);
    assert_eq!(h.last_success_at, None);
    assert_eq!(h.metadata_file, "catalog.csv");
    assert_eq!(h.resource_location_column.as_deref(), Some("file_name"));
    assert_eq!(h.resource_schema_column.as_deref(), Some("schema_file"));
    assert_eq!(h.csv_separator.as_deref(), Some(";"));
}

#[test]
fn a_junar_harvester_decodes_as_harvester_junar_without_its_key() {
    let types::Harvester::Junar(h) = listed_harvester("junar") else {
        unreachable!()
    };
    assert_eq!(h.uid, "ha_5cy9lg");
    assert_eq!(h.url, "https://municipality.example-junar.com");
    assert_eq!(h.auth_key, None);
    assert_eq!(h.query_string.as_deref(), Some("budget"));
    assert_eq!(h.categories.as_deref(), Some("finance,economy"));
}

#[test]
fn an_omi_node_harvester_decodes_as_harvester_omi_node() {
    let types::Harvester::OmiNode(h) = listed_harvester("omi_node") else {
        unreachable!()
    };
    assert_eq!(h.uid, "ha_3fd7wn");
    assert_eq!(h.url, "https://omi.example-campus.org/omi/node/");
    assert_eq!(h.infoitems_limit, Some(500));
    assert_eq!(h.omi_node_version.as_deref(), Some("0.9.0"));
}

#[test]
fn an_ods_harvester_decodes_as_harvester_opendatasoft() {
    let types::Harvester::Opendatasoft(h) = listed_harvester("ods") else {
        unreachable!()
    };
    assert_eq!(h.type_, types::HarvesterOpendatasoftType::Ods);
    assert_eq!(h.uid, HARVESTER);
    assert_eq!(h.domain, "transport.opendatasoft.com");
    assert_eq!(h.refines.as_deref(), Some("refine.theme=Transport"));
    assert_eq!(h.api_key, None);
    assert_eq!(
        h.forced_metas["default"]["publisher"],
        "Regional Transport Authority"
    );
    assert_eq!(h.delete_missing_datasets, Some(true));
}

#[test]
fn a_quandl_harvester_decodes_as_harvester_quandl() {
    let types::Harvester::Quandl(h) = listed_harvester("quandl") else {
        unreachable!()
    };
    assert_eq!(h.uid, "ha_6gr2zs");
    assert_eq!(h.database_code, "ECMCI");
    assert_eq!(h.api_key, None);
    assert_eq!(h.number_of_datasets, 5);
}

#[test]
fn a_socrata_harvester_decodes_as_harvester_socrata() {
    let types::Harvester::Socrata(h) = listed_harvester("socrata") else {
        unreachable!()
    };
    assert_eq!(h.uid, "ha_9mv4hc");
    assert_eq!(h.status, HarvesterStatus::Queued);
    assert_eq!(h.url, "https://data.cityofboston.gov");
    assert_eq!(h.published_datasets_count, 180);
}

#[test]
fn a_wfs_harvester_decodes_as_harvester_wfs() {
    let types::Harvester::Wfs(h) = listed_harvester("wfs") else {
        unreachable!()
    };
    assert_eq!(h.uid, "ha_1kz8pb");
    assert_eq!(h.url, "https://geoservices.example-region.org/wfs");
    assert_eq!(h.metadata_only, Some(true));
    // Its last run failed as a whole and none has succeeded yet.
    assert!(h.has_error);
    assert_eq!(h.last_started_at, utc(2025, 2, 10, 22, 0, 0));
    assert_eq!(h.last_success_at, None);
}

#[test]
fn decoding_follows_the_type_field_not_the_shape_of_the_fields() {
    // The Socrata item has only the fields an ArcGIS or a WFS harvester has
    // too: its `type` alone decides.
    let page = example_json("list_harvesters", 200);
    let socrata = page["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["type"] == "socrata")
        .unwrap()
        .clone();
    for kind in ["arcgis", "socrata", "wfs"] {
        let mut item = socrata.clone();
        item["type"] = json!(kind);
        let harvester: types::Harvester = serde_json::from_value(item).unwrap();
        assert_eq!(harvester_kind(&harvester), kind);
    }
    // A kind the spec does not know is kept whole; a known kind missing a
    // required field is an error naming both.
    let mut unknown = socrata.clone();
    unknown["type"] = json!("dcat");
    let harvester = serde_json::from_value::<types::Harvester>(unknown.clone()).unwrap();
    assert_eq!(harvester_kind(&harvester), "unknown");
    assert_eq!(harvester.kind(), "dcat");
    assert_eq!(serde_json::to_value(&harvester).unwrap(), unknown);
    let mut datagouv_without_organization = socrata;
    datagouv_without_organization["type"] = json!("datagouv");
    let error = serde_json::from_value::<types::Harvester>(datagouv_without_organization)
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with("Harvester of type `datagouv`: missing field `"),
        "{error}"
    );
}

/// One request body per kind of harvester: each decodes into its variant
/// and encodes back to the same JSON, `type` included.
#[test]
fn a_harvester_request_of_each_kind_keeps_its_type_and_fields() {
    let bodies = [
        json!({"type": "arcgis", "name": "City GIS services", "url": "https://gis.example-city.org/arcgis/rest/services", "download_resources": true}),
        json!({"type": "arcgis_opendata", "name": "County hub", "url": "https://opendata.example-county.org/", "compute_geo_area": true, "fetch_data": false}),
        ckan_request_json(),
        json!({
            "type": "csw",
            "name": "Regional geoportal",
            "url": "https://geoportal.example-region.org/geonetwork/srv/eng/csw",
            "theme_thesaurus": "GEMET - INSPIRE themes, version 1.0",
            "themes_mapping": {"GEMET - INSPIRE themes, version 1.0": {"Hydrography": "Environment"}},
            "licenses_mapping": {"Licence Ouverte": "Licence Ouverte (Etalab)"},
        }),
        json!({"type": "datagouv", "name": "Ministry datasets", "organization_id": "534fff75a3a7292c64a77de4", "attachment": true}),
        json!({"type": "datajson", "name": "Town catalog", "url": "https://data.example-town.org/data.json", "number_of_datasets": 50}),
        json!({"type": "ftp", "name": "Weather exports", "host": "ftp.example-weather.org", "user": "ods-harvester", "password": "ftp-s3cret", "directory": "/exports"}),
        json!({"type": "ftp_csv", "name": "Statistics tables", "host": "ftp.example-stats.org", "user": "opendata", "password": "ftp-s3cret", "metadata_file": "metadata.csv"}),
        json!({"type": "ftp_with_meta_csv", "name": "Utility drop", "host": "ftp.example-utility.com", "user": "ods", "password": "ftp-s3cret", "metadata_file": "catalog.csv", "csv_separator": ","}),
        json!({"type": "junar", "name": "Municipal Junar", "url": "https://municipality.example-junar.com", "auth_key": "junar-k3y"}),
        json!({"type": "omi_node", "name": "Campus sensors", "url": "https://omi.example-campus.org/omi/node/", "infoitems_limit": 500}),
        ods_request_json(),
        json!({"type": "quandl", "name": "Economic indicators", "database_code": "ECMCI", "api_key": "quandl-k3y", "number_of_datasets": 5}),
        json!({"type": "socrata", "name": "City of Boston", "url": "https://data.cityofboston.gov"}),
        json!({"type": "wfs", "name": "Land registry", "url": "https://geoservices.example-region.org/wfs", "metadata_only": true}),
    ];
    let mut kinds = Vec::new();
    for body in bodies {
        let kind = body["type"].as_str().unwrap().to_string();
        let request: types::HarvesterRequest = serde_json::from_value(body.clone())
            .unwrap_or_else(|e| panic!("the {kind} request does not decode: {e}"));
        assert_eq!(harvester_request_kind(&request), kind);
        assert_eq!(serde_json::to_value(&request).unwrap(), body, "{kind}");
        kinds.push(kind);
    }
    assert_eq!(kinds, HARVESTER_KINDS);
}

#[test]
fn a_harvester_request_cannot_leave_out_what_its_kind_requires() {
    // The vendor requires an FTP harvester's password and a Quandl
    // harvester's key and number of datasets; the request types do too.
    for body in [
        json!({"type": "ftp", "name": "Weather exports", "host": "ftp.example-weather.org", "user": "ods-harvester"}),
        json!({"type": "quandl", "name": "Economic indicators", "database_code": "ECMCI", "api_key": "quandl-k3y"}),
        json!({"type": "ckan", "url": "https://catalog.example.gov/api/3"}),
    ] {
        assert!(
            serde_json::from_value::<types::HarvesterRequest>(body.clone()).is_err(),
            "{body}"
        );
    }
}

// ---------------------------------------------------------------------------
// Harvesters: one test per operation
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_harvesters_sends_paging_and_decodes_one_harvester_of_each_kind() {
    let server = MockServer::start_async().await;
    let body: types::HarvesterList = example("list_harvesters", 200);
    let mock = server.list_harvesters(|when, then| {
        let when = when.limit(20).offset(0).into_inner();
        expect_no_body(when, 2).path("/harvesters/");
        then.ok(&body);
    });

    let page = client(&server)
        .list_harvesters()
        .limit(20)
        .offset(0)
        .send()
        .await
        .expect("list_harvesters")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.total_count, Some(15));
    assert_eq!(page.next, None);
    assert_eq!(page.previous, None);
    let kinds: Vec<&str> = page.results.iter().map(harvester_kind).collect();
    assert_eq!(kinds, HARVESTER_KINDS);
    let uids: Vec<&str> = page
        .results
        .iter()
        .map(|h| each_harvester!(h, x => x.uid.as_str()))
        .collect();
    assert_eq!(
        uids,
        [
            "ha_6wz1kf",
            "ha_9pt4mx",
            "ha_8dj3qp",
            "ha_3vn7tc",
            "ha_1rc5yb",
            "ha_7kx2ve",
            "ha_4hs8nq",
            "ha_2qm6jd",
            "ha_8wb3rt",
            "ha_5cy9lg",
            "ha_3fd7wn",
            "ha_5mb2rz",
            "ha_6gr2zs",
            "ha_9mv4hc",
            "ha_1kz8pb"
        ]
    );
    let ckan = &page.results[2];
    let types::Harvester::Ckan(ckan) = ckan else {
        panic!("third harvester: {ckan:?}")
    };
    assert_eq!(ckan.name, "National portal: environment (CKAN)");
    assert_eq!(ckan.status, HarvesterStatus::Idle);
    assert_eq!(ckan.version, Some(1));
    assert_eq!(ckan.remote_datasets_count, 128);
    assert_eq!(ckan.harvested_datasets_count, 126);
    assert_eq!(ckan.published_datasets_count, 126);
    assert_eq!(ckan.attached_datasets_count, 126);
    assert!(!ckan.has_error);
    assert_eq!(Some(ckan.created_at), utc(2023, 9, 14, 13, 27, 2));
    assert_eq!(Some(ckan.updated_at), utc(2024, 11, 30, 17, 45, 12));
    assert_eq!(ckan.updated_by.username, "marc.admin");
    assert_eq!(ckan.last_started_at, utc(2025, 2, 9, 3, 0, 2));
    assert_eq!(ckan.last_success_at, utc(2025, 2, 9, 3, 14, 38));
    assert_round_trips(&page, "list_harvesters", 200);
}

#[tokio::test]
async fn list_harvesters_without_paging_sends_no_query_parameter() {
    let server = MockServer::start_async().await;
    let body: types::HarvesterList = example("list_harvesters", 200);
    let mock = server.list_harvesters(|when, then| {
        let when = when.limit(None).offset(None).into_inner();
        expect_no_body(when, 0)
            .path("/harvesters/")
            .is_true(|req| req.uri().query().is_none_or(str::is_empty));
        then.ok(&body);
    });

    let page = client(&server)
        .list_harvesters()
        .send()
        .await
        .expect("list_harvesters")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page, body);
}

#[tokio::test]
async fn create_harvester_posts_the_kind_and_its_settings_and_decodes_the_new_harvester() {
    let server = MockServer::start_async().await;
    let body: types::Harvester = example("create_harvester", 201);
    let mock = server.create_harvester(|when, then| {
        let when = when.into_inner();
        expect_json_body(when, ckan_request_json()).path("/harvesters/");
        then.created(&body);
    });

    let rv = client(&server)
        .create_harvester()
        .body(ckan_request())
        .send()
        .await
        .expect("create_harvester");

    mock.assert_async().await;
    assert_eq!(rv.status().as_u16(), 201);
    let harvester = rv.into_inner();
    let types::Harvester::Ckan(h) = &harvester else {
        panic!("expected a CKAN harvester, got {harvester:?}")
    };
    assert_eq!(h.uid, "ha_7tq4nz");
    assert_eq!(h.name, "Research data (CKAN)");
    assert_eq!(h.status, HarvesterStatus::New);
    assert_eq!(h.url, "https://research.example-university.edu/api/3");
    assert_eq!(h.restrict_datasets_visibility, Some(true));
    assert_eq!(h.remote_datasets_count, 0);
    assert_eq!(h.last_started_at, None);
    // The key that was sent is not sent back.
    assert_eq!(h.api_key, None);
    assert_eq!(Some(h.created_at), utc(2025, 2, 11, 10, 31, 5));
    assert_round_trips(&harvester, "create_harvester", 201);
}

#[tokio::test]
async fn get_harvester_decodes_the_harvester_of_its_kind() {
    let server = MockServer::start_async().await;
    let body: types::Harvester = example("get_harvester", 200);
    let mock = server.get_harvester(|when, then| {
        let when = when.harvester_uid(HARVESTER).into_inner();
        expect_no_body(when, 0).path(format!("/harvesters/{HARVESTER}/"));
        then.ok(&body);
    });

    let harvester = client(&server)
        .get_harvester()
        .harvester_uid(HARVESTER)
        .send()
        .await
        .expect("get_harvester")
        .into_inner();

    mock.assert_async().await;
    let types::Harvester::Opendatasoft(h) = &harvester else {
        panic!("expected an Opendatasoft harvester, got {harvester:?}")
    };
    assert_eq!(h.uid, HARVESTER);
    assert_eq!(h.name, "Public transport open data (Opendatasoft)");
    assert_eq!(h.domain, "transport.opendatasoft.com");
    assert_eq!(h.status, HarvesterStatus::Idle);
    assert_eq!(h.attached_datasets_count, 42);
    assert_eq!(h.published_datasets_count, 40);
    assert_eq!(h.updated_by.username, "louise.data");
    assert_round_trips(&harvester, "get_harvester", 200);
}

#[tokio::test]
async fn update_harvester_puts_every_setting_and_decodes_the_updated_harvester() {
    let server = MockServer::start_async().await;
    let body: types::Harvester = example("update_harvester", 200);
    let mock = server.update_harvester(|when, then| {
        let when = when.harvester_uid(HARVESTER).into_inner();
        expect_json_body(when, ods_request_json())
            .method("PUT")
            .path(format!("/harvesters/{HARVESTER}/"));
        then.ok(&body);
    });

    let harvester = client(&server)
        .update_harvester()
        .harvester_uid(HARVESTER)
        .body(ods_request())
        .send()
        .await
        .expect("update_harvester")
        .into_inner();

    mock.assert_async().await;
    let types::Harvester::Opendatasoft(h) = &harvester else {
        panic!("expected an Opendatasoft harvester, got {harvester:?}")
    };
    assert_eq!(h.name, "Public transport and mobility (Opendatasoft)");
    assert_eq!(
        h.refines.as_deref(),
        Some("refine.theme=Transport&refine.theme=Mobility")
    );
    assert_eq!(
        Value::Object(h.forced_metas["default"].clone()),
        json!({
            "publisher": "Regional Transport Authority",
            "license": "Open Database License (ODbL)",
        })
    );
    assert_eq!(Some(h.updated_at), utc(2025, 2, 11, 10, 44, 52));
    assert_round_trips(&harvester, "update_harvester", 200);
}

#[tokio::test]
async fn delete_harvester_sends_whether_to_delete_its_datasets_and_decodes_nothing() {
    for delete_datasets in [true, false] {
        let server = MockServer::start_async().await;
        let mock = server.delete_harvester(|when, then| {
            let when = when
                .harvester_uid(HARVESTER)
                .delete_attached_datasets(delete_datasets)
                .into_inner()
                .query_param(
                    "delete_attached_datasets",
                    if delete_datasets { "true" } else { "false" },
                );
            expect_no_body(when, 1)
                .method("DELETE")
                .path(format!("/harvesters/{HARVESTER}/"));
            then.no_content();
        });

        let rv = client(&server)
            .delete_harvester()
            .harvester_uid(HARVESTER)
            .delete_attached_datasets(delete_datasets)
            .send()
            .await
            .expect("delete_harvester: an empty 204 must not be decoded as JSON");

        mock.assert_async().await;
        assert_eq!(rv.status().as_u16(), 204);
        let () = rv.into_inner();
    }
}

#[tokio::test]
async fn delete_harvester_requires_the_choice_about_its_datasets() {
    let server = MockServer::start_async().await;
    let mock = server.delete_harvester(|when, then| {
        when.harvester_uid(HARVESTER);
        then.no_content();
    });

    // The query parameter is required: the builder refuses to send without it.
    let result = client(&server)
        .delete_harvester()
        .harvester_uid(HARVESTER)
        .send()
        .await;

    assert!(
        matches!(result, Err(Error::InvalidRequest(ref m)) if m.contains("delete_attached_datasets")),
        "{result:?}"
    );
    assert_eq!(mock.calls_async().await, 0);
}

#[tokio::test]
async fn abort_harvester_posts_nothing_and_decodes_the_harvester() {
    let server = MockServer::start_async().await;
    let body: types::Harvester = example("abort_harvester", 200);
    let mock = server.abort_harvester(|when, then| {
        let when = when.harvester_uid(HARVESTER).into_inner();
        expect_no_body(when, 0)
            .method("POST")
            .path(format!("/harvesters/{HARVESTER}/abort/"));
        then.ok(&body);
    });

    let harvester = client(&server)
        .abort_harvester()
        .harvester_uid(HARVESTER)
        .send()
        .await
        .expect("abort_harvester")
        .into_inner();

    mock.assert_async().await;
    let types::Harvester::ArcgisOpendata(h) = &harvester else {
        panic!("expected an ArcGIS Hub harvester, got {harvester:?}")
    };
    assert_eq!(h.status, HarvesterStatus::Aborting);
    assert_eq!(h.uid, "ha_9pt4mx");
    assert_round_trips(&harvester, "abort_harvester", 200);
}

#[tokio::test]
async fn start_harvester_posts_nothing_and_decodes_the_queued_harvester() {
    let server = MockServer::start_async().await;
    let body: types::Harvester = example("start_harvester", 200);
    let mock = server.start_harvester(|when, then| {
        let when = when.harvester_uid(HARVESTER).into_inner();
        expect_no_body(when, 0)
            .method("POST")
            .path(format!("/harvesters/{HARVESTER}/start/"));
        then.ok(&body);
    });

    let harvester = client(&server)
        .start_harvester()
        .harvester_uid(HARVESTER)
        .send()
        .await
        .expect("start_harvester")
        .into_inner();

    mock.assert_async().await;
    let types::Harvester::Csw(h) = &harvester else {
        panic!("expected a CSW harvester, got {harvester:?}")
    };
    assert_eq!(h.status, HarvesterStatus::Queued);
    assert_eq!(h.last_started_at, utc(2025, 2, 11, 10, 50, 0));
    assert_round_trips(&harvester, "start_harvester", 200);
}

#[tokio::test]
async fn publish_and_unpublish_harvester_post_nothing_and_decode_the_confirmation() {
    let server = MockServer::start_async().await;
    let published: types::HarvesterActionResult = example("publish_harvester", 200);
    let unpublished: types::HarvesterActionResult = example("unpublish_harvester", 200);
    let publish = server.publish_harvester(|when, then| {
        let when = when.harvester_uid(HARVESTER).into_inner();
        expect_no_body(when, 0)
            .method("POST")
            .path(format!("/harvesters/{HARVESTER}/publish/"));
        then.ok(&published);
    });
    let unpublish = server.unpublish_harvester(|when, then| {
        let when = when.harvester_uid(HARVESTER).into_inner();
        expect_no_body(when, 0)
            .method("POST")
            .path(format!("/harvesters/{HARVESTER}/unpublish/"));
        then.ok(&unpublished);
    });
    let client = client(&server);

    let done = client
        .publish_harvester()
        .harvester_uid(HARVESTER)
        .send()
        .await
        .expect("publish_harvester")
        .into_inner();
    publish.assert_async().await;
    assert_eq!(unpublish.calls_async().await, 0);
    assert_eq!(done.detail, "ok");
    assert_round_trips(&done, "publish_harvester", 200);

    let done = client
        .unpublish_harvester()
        .harvester_uid(HARVESTER)
        .send()
        .await
        .expect("unpublish_harvester")
        .into_inner();
    unpublish.assert_async().await;
    assert_eq!(publish.calls_async().await, 1);
    assert_eq!(done.detail, "ok");
    assert_round_trips(&done, "unpublish_harvester", 200);
}

#[tokio::test]
async fn list_harvester_errors_decodes_one_message_per_remote_dataset() {
    let server = MockServer::start_async().await;
    let body: types::HarvesterErrors = example("list_harvester_errors", 200);
    let mock = server.list_harvester_errors(|when, then| {
        let when = when.harvester_uid(HARVESTER).into_inner();
        expect_no_body(when, 0).path(format!("/harvesters/{HARVESTER}/errors/"));
        then.ok(&body);
    });

    let errors = client(&server)
        .list_harvester_errors()
        .harvester_uid(HARVESTER)
        .send()
        .await
        .expect("list_harvester_errors")
        .into_inner();

    mock.assert_async().await;
    // The run as a whole went well (null), two datasets failed.
    assert_eq!(errors.harvester, None);
    let mut ids: Vec<&str> = errors.resources.keys().map(String::as_str).collect();
    ids.sort_unstable();
    assert_eq!(ids, ["air-quality-2019", "noise-map-lden"]);
    assert!(errors.resources["noise-map-lden"].contains("license is not mapped"));
    assert_round_trips(&errors, "list_harvester_errors", 200);

    // The whole run's error, when there is one, is a string.
    let failed: types::HarvesterErrors = serde_json::from_value(json!({
        "harvester": "A fatal error occurred. Please check the harvester configuration.",
        "resources": {},
    }))
    .unwrap();
    assert_eq!(
        failed.harvester.as_deref(),
        Some("A fatal error occurred. Please check the harvester configuration.")
    );
    assert!(failed.resources.is_empty());
}

#[tokio::test]
async fn preview_harvester_decodes_the_remote_datasets() {
    let server = MockServer::start_async().await;
    let body: types::HarvesterPreview = example("preview_harvester", 200);
    let mock = server.preview_harvester(|when, then| {
        let when = when.harvester_uid(HARVESTER).into_inner();
        expect_no_body(when, 0).path(format!("/harvesters/{HARVESTER}/preview/"));
        then.ok(&body);
    });

    let preview = client(&server)
        .preview_harvester()
        .harvester_uid(HARVESTER)
        .send()
        .await
        .expect("preview_harvester")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(preview.total_count, 42);
    let ids: Vec<&str> = preview.results.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["bus-stops", "tram-timetables"]);
    assert_eq!(preview.results[0].title, "Bus stops");
    assert_eq!(
        preview.results[1].description,
        "Scheduled passing times at each tram stop (GTFS)."
    );
    assert_round_trips(&preview, "preview_harvester", 200);
}

#[tokio::test]
async fn preview_unsaved_harvester_posts_the_settings_to_try_and_decodes_the_remote_datasets() {
    let server = MockServer::start_async().await;
    let body: types::HarvesterPreview = example("preview_unsaved_harvester", 200);
    let mock = server.preview_unsaved_harvester(|when, then| {
        let when = when.harvester_uid(HARVESTER).into_inner();
        expect_json_body(when, ods_request_json())
            .method("POST")
            .path(format!("/harvesters/{HARVESTER}/unsaved_preview/"));
        then.ok(&body);
    });

    let preview = client(&server)
        .preview_unsaved_harvester()
        .harvester_uid(HARVESTER)
        .body(ods_request())
        .send()
        .await
        .expect("preview_unsaved_harvester")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(preview.total_count, 3);
    let ids: Vec<&str> = preview.results.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "bike-sharing-stations",
            "bike-sharing-availability",
            "cycle-lanes"
        ]
    );
    assert_eq!(preview.results[2].title, "Cycle lanes");
    assert_round_trips(&preview, "preview_unsaved_harvester", 200);
}

// ---------------------------------------------------------------------------
// Datasource connections: one test per kind (and authentication scheme)
// ---------------------------------------------------------------------------

/// The connection `uid` of the `list_datasource_connections` example,
/// decoded on its own; it must survive the round trip.
fn listed_connection(uid: &str) -> types::DatasourceConnection {
    let page = example_json("list_datasource_connections", 200);
    let item = page["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|item| item["uid"] == uid)
        .unwrap_or_else(|| panic!("no connection {uid} in the example"))
        .clone();
    let connection: types::DatasourceConnection = serde_json::from_value(item.clone())
        .unwrap_or_else(|e| panic!("connection {uid} does not decode: {e}"));
    assert_eq!(
        serde_json::to_value(&connection).unwrap(),
        without_nulls_and_empty_arrays(item),
        "{uid}: the decoded connection lost or changed something"
    );
    connection
}

#[test]
fn an_http_connection_with_basic_auth_decodes_as_http_with_basic_auth() {
    let types::DatasourceConnection::Http(c) = listed_connection(CONNECTION) else {
        panic!("not an HTTP connection")
    };
    assert_eq!(c.type_, types::DatasourceConnectionHttpType::Http);
    assert_eq!(c.url, "https://data.example-city.org/exports");
    assert_eq!(c.headers.len(), 1);
    assert_eq!(c.headers[0].name, "Accept-Language");
    assert_eq!(c.headers[0].value.expose(), "en");
    let Some(types::DatasourceConnectionHttpAuth::Basic(auth)) = &c.auth else {
        panic!("auth: {:?}", c.auth)
    };
    assert_eq!(auth.username, "ods-reader");
    assert_eq!(auth.password, None);
}

#[test]
fn an_http_connection_with_oauth2_decodes_as_http_with_oauth2() {
    let types::DatasourceConnection::Http(c) = listed_connection("co_7ka2vd") else {
        panic!("not an HTTP connection")
    };
    assert_eq!(c.url, "https://api.example-energy.com/v2");
    assert!(c.headers.is_empty());
    let Some(types::DatasourceConnectionHttpAuth::OAuth2(auth)) = &c.auth else {
        panic!("auth: {:?}", c.auth)
    };
    assert_eq!(auth.client_id, "ods-portal");
    assert_eq!(auth.scope, "read:meters");
    assert_eq!(
        auth.token_endpoint,
        "https://auth.example-energy.com/oauth2/token"
    );
    assert_eq!(
        auth.grant_type,
        types::DatasourceConnectionOAuth2GrantType::ClientCredentials
    );
}

#[test]
fn an_http_connection_with_oidc_decodes_as_http_with_oidc() {
    let types::DatasourceConnection::Http(c) = listed_connection("co_2pd9xh") else {
        panic!("not an HTTP connection")
    };
    let Some(types::DatasourceConnectionHttpAuth::Oidc(auth)) = &c.auth else {
        panic!("auth: {:?}", c.auth)
    };
    assert_eq!(auth.client_id, "opendatasoft-reports");
    assert_eq!(auth.scope, "openid profile reports.read");
    assert_eq!(
        auth.grant_type,
        types::DatasourceConnectionOidcGrantType::AuthorizationCode
    );
    assert_eq!(auth.claims["email"], "louise.data@example.org");
}

#[test]
fn an_ftp_connection_decodes_as_ftp_without_its_password() {
    let types::DatasourceConnection::Ftp(c) = listed_connection("co_9tm3bw") else {
        panic!("not an FTP connection")
    };
    assert_eq!(c.url, "ftps://ftp.example-weather.org/exports");
    let auth = c.auth.expect("auth");
    assert_eq!(auth.username, "ods-harvester");
    assert_eq!(auth.password, None);
    assert_eq!(c.dataset_count, Some(7));
}

#[test]
fn a_sharepoint_connection_decodes_as_sharepoint() {
    let types::DatasourceConnection::Sharepoint(c) = listed_connection("co_5hw1qe") else {
        panic!("not a SharePoint connection")
    };
    assert_eq!(c.is_reusable, Some(false));
    let auth = c.auth.expect("auth");
    assert_eq!(
        auth.grant_type,
        types::DatasourceConnectionOidcGrantType::AuthorizationCode
    );
    assert_eq!(
        auth.claims.expect("claims")["preferred_username"],
        "louise.data@example.org"
    );
}

#[test]
fn a_google_drive_connection_decodes_as_google_drive() {
    let types::DatasourceConnection::GoogleDrive(c) = listed_connection("co_8gj6rk") else {
        panic!("not a Google Drive connection")
    };
    let auth = c.auth.expect("auth");
    assert_eq!(auth.application_id, "824613975301");
    assert_eq!(auth.claims.expect("claims")["email_verified"], true);
}

#[test]
fn an_amazon_s3_connection_with_an_access_key_decodes_as_amazon_s3_with_signature_v4() {
    let types::DatasourceConnection::AmazonS3(c) = listed_connection("co_3nb7tz") else {
        panic!("not an Amazon S3 connection")
    };
    assert_eq!(
        c.url,
        "https://open-data-exports.s3.eu-west-1.amazonaws.com"
    );
    let Some(types::DatasourceConnectionAmazonS3Auth::SignatureV4(auth)) = &c.auth else {
        panic!("auth: {:?}", c.auth)
    };
    assert_eq!(auth.access_key_id, "AKIAIOSFODNN7EXAMPLE");
    assert_eq!(auth.secret_access_key, None);
    assert_eq!(auth.region, "eu-west-1");
}

#[test]
fn an_amazon_s3_connection_with_an_iam_role_decodes_as_amazon_s3_with_iam_role() {
    let types::DatasourceConnection::AmazonS3(c) = listed_connection("co_6vc4md") else {
        panic!("not an Amazon S3 connection")
    };
    let Some(types::DatasourceConnectionAmazonS3Auth::IamRole(auth)) = &c.auth else {
        panic!("auth: {:?}", c.auth)
    };
    assert_eq!(auth.region, "eu-central-1");
    assert_eq!(
        auth.role_arn.as_deref(),
        Some("arn:aws:iam::012345678901:role/ODSRoleAuthMyDomain")
    );
    assert_eq!(auth.ods_aws_account_id.as_deref(), Some("210987654321"));
    assert_eq!(
        auth.external_id.as_deref(),
        Some("ods-domain-2fa5c43c-35bf-4e1a-8da5-45f7cd8b4f6c")
    );
    assert_eq!(auth.is_valid, Some(true));
}

#[test]
fn an_azure_blob_storage_connection_decodes_as_azure_blob_storage() {
    let types::DatasourceConnection::AzureBlobStorage(c) = listed_connection("co_1xf8ps") else {
        panic!("not an Azure Blob Storage connection")
    };
    assert_eq!(c.url, "https://odsexports.blob.core.windows.net/datasets");
    let auth = c.auth.expect("auth");
    assert_eq!(auth.account_name, "odsexports");
    assert_eq!(auth.shared_key, None);
}

/// One request body per kind of connection and authentication scheme: each
/// decodes into its variant and encodes back to the same JSON.
#[test]
fn a_connection_request_of_each_kind_keeps_its_type_and_credentials() {
    let bodies = [
        ("http/basic_auth", http_connection_request_json()),
        (
            "http/oauth2",
            json!({
                "type": "http",
                "url": "https://api.example-energy.com/v2",
                "auth": {
                    "type": "oauth2",
                    "client_id": "ods-portal",
                    "client_secret": "cl13nt-s3cret",
                    "scope": "read:meters",
                    "token_endpoint": "https://auth.example-energy.com/oauth2/token",
                    "grant_type": "password",
                    "username": "meter-reader",
                    "password": "r3ader-pass",
                },
            }),
        ),
        (
            "http/oidc",
            json!({
                "type": "http",
                "url": "https://reports.example-corp.com/api",
                "auth": {
                    "type": "oidc",
                    "client_id": "opendatasoft-reports",
                    "client_secret": "cl13nt-s3cret",
                    "scope": "openid profile",
                    "token_endpoint": "https://login.example-corp.com/oauth2/v2.0/token",
                    "grant_type": "authorization_code",
                    "code": "4uth-c0de",
                },
            }),
        ),
        (
            "ftp",
            json!({
                "type": "ftp",
                "url": "ftps://ftp.example-weather.org/exports",
                "auth": {"type": "basic_auth", "username": "ods-harvester", "password": "ftp-s3cret"},
            }),
        ),
        (
            "sharepoint",
            json!({
                "type": "sharepoint",
                "is_reusable": false,
                "auth": {"type": "oidc", "grant_type": "authorization_code", "nonce": "n-0S6_WzA2Mj", "code": "4uth-c0de"},
            }),
        ),
        (
            "google_drive",
            json!({
                "type": "google_drive",
                "auth": {"type": "oidc", "grant_type": "authorization_code", "code": "4uth-c0de"},
            }),
        ),
        (
            "amazon_s3/aws_signature_v4",
            json!({
                "type": "amazon_s3",
                "url": "https://open-data-exports.s3.eu-west-1.amazonaws.com",
                "auth": {
                    "type": "aws_signature_v4",
                    "access_key_id": "AKIAIOSFODNN7EXAMPLE",
                    "secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                    "region": "eu-west-1",
                },
            }),
        ),
        (
            "amazon_s3/iam_role",
            json!({
                "type": "amazon_s3",
                "url": "https://sensor-archive.s3.eu-central-1.amazonaws.com",
                "headers": [{"name": "x-amz-request-payer", "value": "requester"}],
                "auth": {"type": "iam_role", "role_arn": "", "region": "eu-central-1"},
            }),
        ),
        (
            "azure_blob_storage",
            json!({
                "type": "azure_blob_storage",
                "url": "https://odsexports.blob.core.windows.net/datasets",
                "auth": {"type": "shared_key", "account_name": "odsexports", "shared_key": "c2hhcmVkLWtleQ=="},
            }),
        ),
    ];
    for (kind, body) in bodies {
        let request: types::DatasourceConnectionRequest = serde_json::from_value(body.clone())
            .unwrap_or_else(|e| panic!("the {kind} request does not decode: {e}"));
        assert_eq!(connection_request_kind(&request), kind);
        assert_eq!(serde_json::to_value(&request).unwrap(), body, "{kind}");
    }
    // What the service sets is not part of a request.
    let with_uid = json!({"type": "amazon_s3", "url": "https://b.s3.amazonaws.com", "auth": {
        "type": "iam_role", "region": "eu-west-1", "external_id": "ods-domain-1", "is_valid": true}});
    let request: types::DatasourceConnectionRequest = serde_json::from_value(with_uid).unwrap();
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({"type": "amazon_s3", "url": "https://b.s3.amazonaws.com", "auth": {
            "type": "iam_role", "region": "eu-west-1"}})
    );
}

#[test]
fn secrets_of_requests_and_answers_never_show_in_debug_output() {
    let ftp = types::HarvesterRequestFtp {
        type_: types::HarvesterRequestFtpType::Ftp,
        name: "Weather exports".into(),
        version: None,
        restrict_datasets_visibility: None,
        delete_missing_datasets: None,
        forced_metas: HashMap::new(),
        host: "ftp.example-weather.org".into(),
        user: "ods-harvester".into(),
        password: Secret::new("ftp-pa55word"),
        directory: None,
        meta: None,
        download_resources: None,
        metadata_only: None,
    };
    let oauth2 = types::DatasourceConnectionRequestHttp {
        type_: types::DatasourceConnectionRequestHttpType::Http,
        is_reusable: None,
        url: "https://api.example-energy.com/v2".into(),
        headers: vec![types::DatasourceConnectionHeader {
            name: "Authorization".into(),
            value: Secret::new("Bearer h3ader-t0ken"),
        }],
        auth: Some(
            types::DatasourceConnectionAuthRequestOAuth2 {
                type_: types::DatasourceConnectionAuthRequestOAuth2Type::Oauth2,
                client_id: "ods-portal".into(),
                client_secret: Some(Secret::new("cl13nt-s3cret")),
                scope: "read:meters".into(),
                token_endpoint: "https://auth.example-energy.com/oauth2/token".into(),
                grant_type: types::DatasourceConnectionOAuth2GrantType::Password,
                username: Some("meter-reader".into()),
                password: Some(Secret::new("r3ader-pass")),
                code: None,
            }
            .into(),
        ),
    };
    let printed = format!(
        "{:?} {:?} {:?} {:?}",
        types::HarvesterRequest::from(ftp.clone()),
        ckan_request(),
        ods_request(),
        types::DatasourceConnectionRequest::from(oauth2.clone()),
    );
    for secret in [
        "ftp-pa55word",
        "ckan-key-4f1d9a",
        "0d5a7c3e9b1f4a2e8c6d0b9a7f5e3c1d",
        "h3ader-t0ken",
        "cl13nt-s3cret",
        "r3ader-pass",
    ] {
        assert!(!printed.contains(secret), "{secret} in {printed}");
    }
    // They are sent all the same.
    let sent = format!(
        "{} {}",
        serde_json::to_string(&ftp).unwrap(),
        serde_json::to_string(&oauth2).unwrap()
    );
    for secret in [
        "ftp-pa55word",
        "h3ader-t0ken",
        "cl13nt-s3cret",
        "r3ader-pass",
    ] {
        assert!(sent.contains(secret), "{secret} not sent: {sent}");
    }
    // Header values the service returns are secrets too.
    let page: types::DatasourceConnectionList = example("list_datasource_connections", 200);
    let types::DatasourceConnection::Http(first) = &page.results[0] else {
        panic!("first connection: {:?}", page.results[0])
    };
    assert_eq!(first.headers[0].value.expose(), "en");
    assert!(!format!("{first:?}").contains("\"en\""));
}

// ---------------------------------------------------------------------------
// Datasource connections: one test per operation
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_datasource_connections_sends_paging_and_sort_and_decodes_every_kind() {
    let server = MockServer::start_async().await;
    let body: types::DatasourceConnectionList = example("list_datasource_connections", 200);
    let sort = Sort::UpdatedAtDescending;
    let mock = server.list_datasource_connections(|when, then| {
        let when = when
            .limit(50)
            .offset(0)
            .sort(sort.clone())
            .into_inner()
            .query_param("sort", "-updated_at");
        expect_no_body(when, 3).path("/datasource_connections/");
        then.ok(&body);
    });

    let page = client(&server)
        .list_datasource_connections()
        .limit(50)
        .offset(0)
        .sort(Sort::UpdatedAtDescending)
        .send()
        .await
        .expect("list_datasource_connections")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.total_count, Some(9));
    assert_eq!(page.next, None);
    let kinds: Vec<String> = page.results.iter().map(connection_kind).collect();
    assert_eq!(
        kinds,
        [
            "http/basic_auth",
            "http/oauth2",
            "http/oidc",
            "ftp",
            "sharepoint",
            "google_drive",
            "amazon_s3/aws_signature_v4",
            "amazon_s3/iam_role",
            "azure_blob_storage"
        ]
    );
    let types::DatasourceConnection::Http(first) = &page.results[0] else {
        panic!("first connection: {:?}", page.results[0])
    };
    assert_eq!(first.uid, CONNECTION);
    assert_eq!(first.is_reusable, Some(true));
    assert_eq!(first.can_reuse, Some(true));
    assert_eq!(first.can_manage, Some(true));
    assert_eq!(first.dataset_count, Some(12));
    assert_eq!(first.user_count, Some(3));
    assert_eq!(first.group_count, Some(1));
    assert_eq!(first.created_at, utc(2024, 3, 4, 9, 15, 27));
    assert_eq!(first.updated_at, utc(2024, 11, 18, 14, 2, 50));
    assert_round_trips(&page, "list_datasource_connections", 200);
}

#[tokio::test]
async fn list_datasource_connections_sends_each_sort_value_under_the_specs_name() {
    let server = MockServer::start_async().await;
    let body: types::DatasourceConnectionList = example("list_datasource_connections", 200);
    let cases: [(types::DatasourceConnectionSort, &str); 8] = [
        (Sort::CreatedAt, "created_at"),
        (Sort::CreatedAtDescending, "-created_at"),
        (Sort::UpdatedAt, "updated_at"),
        (Sort::UpdatedAtDescending, "-updated_at"),
        (Sort::Type, "type"),
        (Sort::TypeDescending, "-type"),
        (Sort::DatasetCount, "dataset_count"),
        (Sort::DatasetCountDescending, "-dataset_count"),
    ];
    let client = client(&server);
    for (sort, name) in cases {
        let mock = server.list_datasource_connections(|when, then| {
            let when = when
                .limit(None)
                .offset(None)
                .into_inner()
                .query_param("sort", name);
            expect_no_body(when, 1).path("/datasource_connections/");
            then.ok(&body);
        });
        client
            .list_datasource_connections()
            .sort(sort.clone())
            .send()
            .await
            .unwrap_or_else(|e| panic!("sort {name}: {e}"));
        assert_eq!(mock.calls_async().await, 1, "sort {name}");
        mock.delete_async().await;
        // And the value reads back as the same variant.
        assert_eq!(
            serde_json::from_value::<types::DatasourceConnectionSort>(json!(name)).unwrap(),
            sort
        );
    }
}

#[tokio::test]
async fn create_datasource_connection_posts_the_kind_and_credentials_and_decodes_the_connection() {
    let server = MockServer::start_async().await;
    let body: types::DatasourceConnection = example("create_datasource_connection", 201);
    let mock = server.create_datasource_connection(|when, then| {
        let when = when.into_inner();
        expect_json_body(when, http_connection_request_json()).path("/datasource_connections/");
        then.created(&body);
    });

    let rv = client(&server)
        .create_datasource_connection()
        .body(http_connection_request())
        .send()
        .await
        .expect("create_datasource_connection");

    mock.assert_async().await;
    assert_eq!(rv.status().as_u16(), 201);
    let connection = rv.into_inner();
    let types::DatasourceConnection::Http(c) = &connection else {
        panic!("expected an HTTP connection, got {connection:?}")
    };
    assert_eq!(c.uid, "co_2wq5jn");
    assert_eq!(c.url, "https://api.example-transit.com/gtfs");
    assert_eq!(c.dataset_count, Some(0));
    assert_eq!(c.headers[0].name, "X-Client");
    let Some(types::DatasourceConnectionHttpAuth::Basic(auth)) = &c.auth else {
        panic!("auth: {:?}", c.auth)
    };
    assert_eq!(auth.username, "transit-feed");
    // The password that was sent is not sent back.
    assert_eq!(auth.password, None);
    assert_round_trips(&connection, "create_datasource_connection", 201);
}

#[tokio::test]
async fn get_datasource_connection_decodes_the_connection_of_its_kind() {
    let server = MockServer::start_async().await;
    let body: types::DatasourceConnection = example("get_datasource_connection", 200);
    let mock = server.get_datasource_connection(|when, then| {
        let when = when.connection_uid(CONNECTION).into_inner();
        expect_no_body(when, 0).path(format!("/datasource_connections/{CONNECTION}/"));
        then.ok(&body);
    });

    let connection = client(&server)
        .get_datasource_connection()
        .connection_uid(CONNECTION)
        .send()
        .await
        .expect("get_datasource_connection")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(connection_kind(&connection), "http/basic_auth");
    let types::DatasourceConnection::Http(c) = &connection else {
        unreachable!()
    };
    assert_eq!(c.uid, CONNECTION);
    assert_eq!(c.url, "https://data.example-city.org/exports");
    assert_round_trips(&connection, "get_datasource_connection", 200);
}

#[tokio::test]
async fn update_datasource_connection_puts_the_new_settings_and_decodes_the_connection() {
    let server = MockServer::start_async().await;
    let body: types::DatasourceConnection = example("update_datasource_connection", 200);
    let request = types::DatasourceConnectionRequestHttp {
        type_: types::DatasourceConnectionRequestHttpType::Http,
        is_reusable: None,
        url: "https://data.example-city.org/exports/v2".into(),
        headers: Vec::new(),
        auth: Some(
            types::DatasourceConnectionAuthRequestBasic {
                type_: types::DatasourceConnectionAuthRequestBasicType::BasicAuth,
                username: "ods-reader-2025".into(),
                password: Secret::new("n3w-pa55"),
            }
            .into(),
        ),
    };
    let mock = server.update_datasource_connection(|when, then| {
        let when = when.connection_uid(CONNECTION).into_inner();
        expect_json_body(
            when,
            json!({
                "type": "http",
                "url": "https://data.example-city.org/exports/v2",
                "auth": {"type": "basic_auth", "username": "ods-reader-2025", "password": "n3w-pa55"},
            }),
        )
        .method("PUT")
        .path(format!("/datasource_connections/{CONNECTION}/"));
        then.ok(&body);
    });

    let connection = client(&server)
        .update_datasource_connection()
        .connection_uid(CONNECTION)
        .body(request)
        .send()
        .await
        .expect("update_datasource_connection")
        .into_inner();

    mock.assert_async().await;
    let types::DatasourceConnection::Http(c) = &connection else {
        panic!("expected an HTTP connection, got {connection:?}")
    };
    assert_eq!(c.url, "https://data.example-city.org/exports/v2");
    assert_eq!(c.updated_at, utc(2025, 2, 11, 11, 20, 4));
    let Some(types::DatasourceConnectionHttpAuth::Basic(auth)) = &c.auth else {
        panic!("auth: {:?}", c.auth)
    };
    assert_eq!(auth.username, "ods-reader-2025");
    assert_round_trips(&connection, "update_datasource_connection", 200);
}

#[tokio::test]
async fn delete_datasource_connection_answers_no_content_and_decodes_nothing() {
    let server = MockServer::start_async().await;
    let mock = server.delete_datasource_connection(|when, then| {
        let when = when.connection_uid(CONNECTION).into_inner();
        expect_no_body(when, 0)
            .method("DELETE")
            .path(format!("/datasource_connections/{CONNECTION}/"));
        then.no_content();
    });

    let rv = client(&server)
        .delete_datasource_connection()
        .connection_uid(CONNECTION)
        .send()
        .await
        .expect("delete_datasource_connection: an empty 204 must not be decoded as JSON");

    mock.assert_async().await;
    assert_eq!(rv.status().as_u16(), 204);
    let () = rv.into_inner();
}

// ---------------------------------------------------------------------------
// Error statuses: one named test per documented status, then every
// documented (operation, status) pair.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn create_harvester_reports_an_invalid_body_as_a_bad_request_with_details() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("create_harvester", 400);
    let mock = server.create_harvester(|when, then| {
        let when = when.into_inner();
        expect_json_body(when, ckan_request_json()).path("/harvesters/");
        then.bad_request(&body);
    });

    let result = client(&server)
        .create_harvester()
        .body(ckan_request())
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
    assert_round_trips(&rv.into_inner(), "create_harvester", 400);
}

#[tokio::test]
async fn start_harvester_reports_a_harvester_already_running_as_an_invalid_status() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("start_harvester", 400);
    let mock = server.start_harvester(|when, then| {
        when.harvester_uid(HARVESTER);
        then.bad_request(&body);
    });

    let result = client(&server)
        .start_harvester()
        .harvester_uid(HARVESTER)
        .send()
        .await;

    mock.assert_async().await;
    let rv = match result {
        Err(Error::ErrorResponse(rv)) => rv,
        other => panic!("expected Error::ErrorResponse, got {other:?}"),
    };
    assert_eq!(rv.status().as_u16(), 400);
    assert_eq!(rv.error_code, "invalid_harvester_status");
    assert_eq!(
        rv.message,
        "Invalid transition from processing to processing"
    );
    assert_eq!(rv.trace_id, None);
    assert_round_trips(&rv.into_inner(), "start_harvester", 400);
}

#[tokio::test]
async fn list_datasource_connections_reports_a_rejected_key_as_unauthorized() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("list_datasource_connections", 401);
    let mock = server.list_datasource_connections(|_when, then| {
        then.unauthorized(&body);
    });

    let result = client(&server).list_datasource_connections().send().await;

    mock.assert_async().await;
    let rv = match result {
        Err(Error::ErrorResponse(rv)) => rv,
        other => panic!("expected Error::ErrorResponse, got {other:?}"),
    };
    assert_eq!(rv.status().as_u16(), 401);
    assert_eq!(rv.message, "Incorrect authentication credentials.");
    assert_eq!(rv.error_code, "authentication_failed");
    assert_round_trips(&rv.into_inner(), "list_datasource_connections", 401);
}

#[tokio::test]
async fn delete_harvester_reports_a_missing_permission_as_forbidden() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("delete_harvester", 403);
    let mock = server.delete_harvester(|when, then| {
        when.harvester_uid(HARVESTER).delete_attached_datasets(true);
        then.forbidden(&body);
    });

    let result = client(&server)
        .delete_harvester()
        .harvester_uid(HARVESTER)
        .delete_attached_datasets(true)
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
    assert_round_trips(&rv.into_inner(), "delete_harvester", 403);
}

#[tokio::test]
async fn get_datasource_connection_reports_an_unknown_connection_as_not_found() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("get_datasource_connection", 404);
    let mock = server.get_datasource_connection(|when, then| {
        when.connection_uid("co_nosuch");
        then.not_found(&body);
    });

    let result = client(&server)
        .get_datasource_connection()
        .connection_uid("co_nosuch")
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
    assert_round_trips(&rv.into_inner(), "get_datasource_connection", 404);
}

#[tokio::test]
async fn publish_harvester_reports_throttling_with_its_trace_id() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("publish_harvester", 429);
    let mock = server.publish_harvester(|when, then| {
        when.harvester_uid(HARVESTER);
        then.too_many_requests(&body);
    });

    let result = client(&server)
        .publish_harvester()
        .harvester_uid(HARVESTER)
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
    assert_round_trips(&rv.into_inner(), "publish_harvester", 429);
}

/// Mocks `op` for the test ids, answering `status` with `body` through the
/// typed helper named after the status.
fn mock_error<'a>(server: &'a MockServer, op: &str, status: u16, body: &types::Error) -> Mock<'a> {
    // Each operation lists the helpers its typed mock has, i.e. the statuses
    // the spec documents for it; any other status panics.
    macro_rules! answer {
        ($then:expr, $($code:literal => $helper:ident),+ $(,)?) => {
            match status {
                $($code => {
                    $then.$helper(body);
                })+
                other => panic!("{op}: the typed mock has no helper for status {other}"),
            }
        };
    }
    match op {
        "list_harvesters" => server.list_harvesters(|_when, then| {
            answer!(then, 401 => unauthorized, 403 => forbidden, 429 => too_many_requests)
        }),
        "create_harvester" => server.create_harvester(|_when, then| {
            answer!(
                then,
                400 => bad_request,
                401 => unauthorized,
                403 => forbidden,
                429 => too_many_requests,
            )
        }),
        "get_harvester" => server.get_harvester(|when, then| {
            when.harvester_uid(HARVESTER);
            answer!(
                then,
                401 => unauthorized,
                403 => forbidden,
                404 => not_found,
                429 => too_many_requests,
            )
        }),
        "update_harvester" => server.update_harvester(|when, then| {
            when.harvester_uid(HARVESTER);
            answer!(
                then,
                400 => bad_request,
                401 => unauthorized,
                403 => forbidden,
                404 => not_found,
                429 => too_many_requests,
            )
        }),
        "delete_harvester" => server.delete_harvester(|when, then| {
            when.harvester_uid(HARVESTER).delete_attached_datasets(false);
            answer!(
                then,
                401 => unauthorized,
                403 => forbidden,
                404 => not_found,
                429 => too_many_requests,
            )
        }),
        "abort_harvester" => server.abort_harvester(|when, then| {
            when.harvester_uid(HARVESTER);
            answer!(
                then,
                400 => bad_request,
                401 => unauthorized,
                403 => forbidden,
                404 => not_found,
                429 => too_many_requests,
            )
        }),
        "start_harvester" => server.start_harvester(|when, then| {
            when.harvester_uid(HARVESTER);
            answer!(
                then,
                400 => bad_request,
                401 => unauthorized,
                403 => forbidden,
                404 => not_found,
                429 => too_many_requests,
            )
        }),
        "publish_harvester" => server.publish_harvester(|when, then| {
            when.harvester_uid(HARVESTER);
            answer!(
                then,
                401 => unauthorized,
                403 => forbidden,
                404 => not_found,
                429 => too_many_requests,
            )
        }),
        "unpublish_harvester" => server.unpublish_harvester(|when, then| {
            when.harvester_uid(HARVESTER);
            answer!(
                then,
                401 => unauthorized,
                403 => forbidden,
                404 => not_found,
                429 => too_many_requests,
            )
        }),
        "list_harvester_errors" => server.list_harvester_errors(|when, then| {
            when.harvester_uid(HARVESTER);
            answer!(
                then,
                400 => bad_request,
                401 => unauthorized,
                403 => forbidden,
                404 => not_found,
                429 => too_many_requests,
            )
        }),
        "preview_harvester" => server.preview_harvester(|when, then| {
            when.harvester_uid(HARVESTER);
            answer!(
                then,
                401 => unauthorized,
                403 => forbidden,
                404 => not_found,
                429 => too_many_requests,
            )
        }),
        "preview_unsaved_harvester" => server.preview_unsaved_harvester(|when, then| {
            when.harvester_uid(HARVESTER);
            answer!(
                then,
                400 => bad_request,
                401 => unauthorized,
                403 => forbidden,
                404 => not_found,
                429 => too_many_requests,
            )
        }),
        "list_datasource_connections" => server.list_datasource_connections(|_when, then| {
            answer!(then, 401 => unauthorized, 403 => forbidden, 429 => too_many_requests)
        }),
        "create_datasource_connection" => server.create_datasource_connection(|_when, then| {
            answer!(
                then,
                400 => bad_request,
                401 => unauthorized,
                403 => forbidden,
                429 => too_many_requests,
            )
        }),
        "get_datasource_connection" => server.get_datasource_connection(|when, then| {
            when.connection_uid(CONNECTION);
            answer!(
                then,
                401 => unauthorized,
                403 => forbidden,
                404 => not_found,
                429 => too_many_requests,
            )
        }),
        "update_datasource_connection" => server.update_datasource_connection(|when, then| {
            when.connection_uid(CONNECTION);
            answer!(
                then,
                400 => bad_request,
                401 => unauthorized,
                403 => forbidden,
                404 => not_found,
                429 => too_many_requests,
            )
        }),
        "delete_datasource_connection" => server.delete_datasource_connection(|when, then| {
            when.connection_uid(CONNECTION);
            answer!(
                then,
                401 => unauthorized,
                403 => forbidden,
                404 => not_found,
                429 => too_many_requests,
            )
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
        "list_harvesters" => client.list_harvesters().send().await.map(unit),
        "create_harvester" => client
            .create_harvester()
            .body(ckan_request())
            .send()
            .await
            .map(unit),
        "get_harvester" => client
            .get_harvester()
            .harvester_uid(HARVESTER)
            .send()
            .await
            .map(unit),
        "update_harvester" => client
            .update_harvester()
            .harvester_uid(HARVESTER)
            .body(ods_request())
            .send()
            .await
            .map(unit),
        "delete_harvester" => {
            client
                .delete_harvester()
                .harvester_uid(HARVESTER)
                .delete_attached_datasets(false)
                .send()
                .await
        }
        "abort_harvester" => client
            .abort_harvester()
            .harvester_uid(HARVESTER)
            .send()
            .await
            .map(unit),
        "start_harvester" => client
            .start_harvester()
            .harvester_uid(HARVESTER)
            .send()
            .await
            .map(unit),
        "publish_harvester" => client
            .publish_harvester()
            .harvester_uid(HARVESTER)
            .send()
            .await
            .map(unit),
        "unpublish_harvester" => client
            .unpublish_harvester()
            .harvester_uid(HARVESTER)
            .send()
            .await
            .map(unit),
        "list_harvester_errors" => client
            .list_harvester_errors()
            .harvester_uid(HARVESTER)
            .send()
            .await
            .map(unit),
        "preview_harvester" => client
            .preview_harvester()
            .harvester_uid(HARVESTER)
            .send()
            .await
            .map(unit),
        "preview_unsaved_harvester" => client
            .preview_unsaved_harvester()
            .harvester_uid(HARVESTER)
            .body(ods_request())
            .send()
            .await
            .map(unit),
        "list_datasource_connections" => {
            client.list_datasource_connections().send().await.map(unit)
        }
        "create_datasource_connection" => client
            .create_datasource_connection()
            .body(http_connection_request())
            .send()
            .await
            .map(unit),
        "get_datasource_connection" => client
            .get_datasource_connection()
            .connection_uid(CONNECTION)
            .send()
            .await
            .map(unit),
        "update_datasource_connection" => client
            .update_datasource_connection()
            .connection_uid(CONNECTION)
            .body(http_connection_request())
            .send()
            .await
            .map(unit),
        "delete_datasource_connection" => {
            client
                .delete_datasource_connection()
                .connection_uid(CONNECTION)
                .send()
                .await
        }
        other => panic!("no call for operation {other}: add it to call"),
    }
}

#[tokio::test]
async fn every_documented_error_status_of_every_operation_is_an_error_response() {
    let server = MockServer::start_async().await;
    let client = client(&server);
    let mut cases = 0;
    let mut statuses_seen = Vec::new();
    for op in TESTED_OPERATIONS {
        // Every 4xx/5xx the spec documents, not only the expected ones, so a
        // newly documented status cannot be skipped silently.
        for status in 400..600 {
            if examples::example(op, status).is_none() {
                continue; // not documented for this operation
            }
            assert!(
                ERROR_STATUSES.contains(&status),
                "{op} documents {status}: add it to ERROR_STATUSES and to mock_error"
            );
            let body: types::Error = example(op, status);
            let mock = mock_error(&server, op, status, &body);
            let result = call(&client, op).await;
            assert_eq!(
                mock.calls_async().await,
                1,
                "{op} {status}: calls to the mock"
            );
            let error = expect_vendor_error(result, op, status);
            assert_eq!(error, body, "{op} {status}: decoded error");
            mock.delete_async().await;
            cases += 1;
            statuses_seen.push(status);
        }
    }
    statuses_seen.sort_unstable();
    statuses_seen.dedup();
    assert_eq!(
        statuses_seen, ERROR_STATUSES,
        "some documented status was never exercised"
    );
    assert_eq!(cases, 72, "documented (operation, error status) pairs");
}
