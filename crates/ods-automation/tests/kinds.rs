//! The kinds of harvesters and datasource connections: the generated
//! unions decode each kind the vendor documents into its own variant (by
//! the `type` field, not the shape), keep a kind they do not know whole,
//! send each kind of request with its `type`, refuse a request missing what
//! its kind requires, and never show a secret in Debug output.
//!
//! What the generated operation tests cannot see: an item decoded into the
//! wrong variant, or kept whole as `Unknown`, encodes back to the same JSON.
//! Ported from `tests/harvesters.rs` (deleted in bad5bf6).

use std::collections::HashMap;

use ods_automation::types::{self, HarvesterStatus};
use ods_automation::Secret;
use serde_json::{json, Value};

use crate::support;
use support::*;

/// The connection of the `get_datasource_connection` example, and the
/// harvester of the `get_harvester` example.
const CONNECTION: &str = "co_4rx8mq";
const HARVESTER: &str = "ha_5mb2rz";

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

#[test]
fn the_list_examples_decode_one_item_of_each_kind_in_order() {
    let harvesters: types::HarvesterList = example("list_harvesters", 200);
    let kinds: Vec<&str> = harvesters.results.iter().map(harvester_kind).collect();
    assert_eq!(kinds, HARVESTER_KINDS);
    assert_round_trips(&harvesters, "list_harvesters", 200);

    let connections: types::DatasourceConnectionList = example("list_datasource_connections", 200);
    let kinds: Vec<String> = connections.results.iter().map(connection_kind).collect();
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
    assert_round_trips(&connections, "list_datasource_connections", 200);
}

#[test]
fn a_harvesters_status_and_run_dates_decode_to_their_values() {
    // A status kept as an unknown value, or a date at another instant,
    // would encode back the same: the values are checked here.
    let page: types::HarvesterList = example("list_harvesters", 200);
    let types::Harvester::Ckan(ckan) = &page.results[2] else {
        panic!("third harvester: {:?}", page.results[2])
    };
    assert_eq!(ckan.status, HarvesterStatus::Idle);
    assert_eq!(ckan.version, Some(1));
    assert_eq!(ckan.remote_datasets_count, 128);
    assert!(!ckan.has_error);
    assert_eq!(Some(ckan.created_at), utc(2023, 9, 14, 13, 27, 2));
    assert_eq!(Some(ckan.updated_at), utc(2024, 11, 30, 17, 45, 12));
    assert_eq!(ckan.last_started_at, utc(2025, 2, 9, 3, 0, 2));
    assert_eq!(ckan.last_success_at, utc(2025, 2, 9, 3, 14, 38));
}
