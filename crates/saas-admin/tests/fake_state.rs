//! What the operations that change a resource change, through the facade
//! against the fake, read back through the facade after each call: an
//! archived feedback, a revoked key, a published dataset, invited users,
//! a group's members added in a batch, a metadata template's fields, and
//! uploaded files given back by their downloads.
#![cfg(feature = "ods")]

use futures::TryStreamExt;
use saas_admin::ods_automation::types;
use saas_admin::ods_automation::uploads::FileUpload;
use saas_admin::Ods;
use saas_admin_fake::FakeServer;
use serde_json::{json, Value};

async fn ods() -> (FakeServer, Ods) {
    let fake = FakeServer::start().await.expect("the fake starts");
    let ods = Ods::with_base_url(&fake.ods_base_url(), fake.ods_api_key()).expect("a client");
    (fake, ods)
}

fn value(answer: impl serde::Serialize) -> Value {
    serde_json::to_value(answer).expect("an answer serializes")
}

/// A dataset seeded in the fake, for what lives under one.
fn dataset(fake: &FakeServer) -> &'static str {
    fake.ods()
        .insert(
            "datasets",
            json!({"uid": "da_facade", "is_published": false, "metadata": {}}),
        )
        .expect("seeded");
    "da_facade"
}

#[tokio::test]
async fn an_archived_feedback_reads_back_archived() {
    let (fake, ods) = ods().await;
    let uid = dataset(&fake);
    fake.ods()
        .insert(
            &format!("datasets/{uid}/feedbacks"),
            json!({
                "uid": "df_facade", "record_id": "3f1c9a0e5b7d", "user": {"username": "jmartin"},
                "comment": "Too low.", "values": {}, "is_archived": false,
            }),
        )
        .expect("seeded");

    let archived = ods
        .archive_dataset_feedback()
        .dataset_uid(uid)
        .feedback_uid("df_facade")
        .send()
        .await
        .expect("archived");

    assert_eq!(archived.is_archived, Some(true));
    let read = ods
        .get_dataset_feedback()
        .dataset_uid(uid)
        .feedback_uid("df_facade")
        .send()
        .await
        .expect("read");
    assert_eq!(value(&read), value(&archived));
}

#[tokio::test]
async fn a_revoked_key_is_revoked_when_read_again() {
    let (_fake, ods) = ods().await;
    let key = ods
        .create_api_key()
        .label("Nightly sync")
        .send()
        .await
        .expect("created");
    assert_eq!(key.is_revoked, Some(false));

    let revoked = ods
        .revoke_api_key()
        .apikey_uid(&key.uid)
        .reason("Pasted in a chat.")
        .send()
        .await
        .expect("revoked");

    let read = ods
        .get_api_key()
        .apikey_uid(&key.uid)
        .send()
        .await
        .expect("read");
    assert_eq!(value(&read), value(&revoked));
    let read = value(&read);
    assert_eq!(read["is_revoked"], true);
    assert_eq!(
        read["revocation_status"]["revocation_reason"],
        "Pasted in a chat."
    );
    assert!(
        read["revocation_status"]["revoked_at"].is_string(),
        "{read}"
    );
    // The rest of the key is as it was created.
    assert_eq!(read["label"], "Nightly sync");
    assert_eq!(read["key"], value(&key)["key"]);
}

#[tokio::test]
async fn a_published_dataset_and_its_status_say_so() {
    let (fake, ods) = ods().await;
    let uid = dataset(&fake);
    let status = || ods.get_dataset_status().dataset_uid(uid).send();
    assert_eq!(status().await.expect("status").is_published, Some(false));

    ods.publish_dataset()
        .dataset_uid(uid)
        .send()
        .await
        .expect("published");

    let dataset = ods
        .get_dataset()
        .dataset_uid(uid)
        .send()
        .await
        .expect("read");
    assert_eq!(dataset.is_published, Some(true));
    assert_eq!(status().await.expect("status").is_published, Some(true));

    ods.unpublish_dataset()
        .dataset_uid(uid)
        .send()
        .await
        .expect("unpublished");
    assert_eq!(status().await.expect("status").is_published, Some(false));
}

#[tokio::test]
async fn invited_users_are_users_with_one_outcome_each() {
    let (_fake, ods) = ods().await;
    let people: types::InviteUsersRequest = serde_json::from_value(json!([
        {"email": "camille.dupont@example.org", "first_name": "Camille"},
        {"username": "xavier", "email": "x.martin@example.org"},
    ]))
    .expect("two people");

    let outcomes = value(
        ods.invite_users()
            .body(people)
            .send()
            .await
            .expect("invited"),
    );

    assert_eq!(outcomes.as_object().map(|o| o.len()), Some(2), "{outcomes}");
    assert_eq!(outcomes["0"]["status_code"], "success");
    assert_eq!(outcomes["0"]["data"]["username"], "camille.dupont");
    assert_eq!(outcomes["1"]["data"]["username"], "xavier");
    let camille = ods
        .get_user()
        .username("camille.dupont")
        .send()
        .await
        .expect("camille is a user");
    assert_eq!(value(&camille), outcomes["0"]["data"]);
    let listed: Vec<String> = ods
        .list_users()
        .send()
        .await
        .expect("listed")
        .results
        .into_iter()
        .map(|u| u.username)
        .collect();
    assert_eq!(listed, ["camille.dupont", "xavier"]);
}

#[tokio::test]
async fn a_batch_adds_the_members_it_names_to_a_group() {
    let (fake, ods) = ods().await;
    fake.ods()
        .insert("users", json!({"username": "louise"}))
        .expect("seeded");
    let group = ods
        .create_user_group()
        .title("Stewards")
        .send()
        .await
        .expect("created");
    let members: types::BatchAddUsersRequest =
        serde_json::from_value(json!([{"username": "louise"}, {"username": "p.nobody"}]))
            .expect("two members");

    let outcomes = value(
        ods.add_users_to_user_group()
            .group_uid(&group.uid)
            .body(members)
            .send()
            .await
            .expect("one outcome each"),
    );

    assert_eq!(outcomes["0"]["status_code"], "success");
    assert_eq!(outcomes["1"]["status_code"], "error");
    assert_eq!(outcomes["1"]["error"]["error_code"], "not_found");
    let listed: Vec<String> = ods
        .list_user_group_users()
        .group_uid(&group.uid)
        .send()
        .await
        .expect("listed")
        .results
        .into_iter()
        .map(|u| u.username)
        .collect();
    assert_eq!(listed, ["louise"]);
    let group = ods
        .get_user_group()
        .group_uid(&group.uid)
        .send()
        .await
        .expect("read");
    assert_eq!(group.user_count, Some(1));
    let louise = value(
        ods.get_user()
            .username("louise")
            .send()
            .await
            .expect("read"),
    );
    assert_eq!(louise["groups"], json!([{"uid": group.uid}]));
}

#[tokio::test]
async fn a_templates_schema_fields_are_found_by_name() {
    let (_fake, ods) = ods().await;
    let template: types::MetadataTemplateRequest = serde_json::from_value(json!({
        "name": "procurement", "title": "Procurement", "type": "admin", "is_active": true,
        "schema": [
            {"name": "contract_number", "type": "text", "label": "Contract number"},
            {"name": "signed_on", "type": "date"},
        ],
    }))
    .expect("a template");
    let created = ods
        .create_metadata_template()
        .body(template)
        .send()
        .await
        .expect("created");

    let field = ods
        .get_metadata_template_field()
        .template_name("procurement")
        .template_field_name("contract_number")
        .send()
        .await
        .expect("the schema's field is a field");
    assert_eq!(field.label.as_deref(), Some("Contract number"));
    assert_eq!(value(&field), value(&created.schema[0]));
    ods.suggest_metadata_field_values()
        .template_name("procurement")
        .template_field_name("signed_on")
        .query("20")
        .send()
        .await
        .expect("suggestions for a field of the schema");
    let names: Vec<String> = ods
        .get_metadata_template()
        .template_name("procurement")
        .send()
        .await
        .expect("read")
        .schema
        .into_iter()
        .map(|f| f.name)
        .collect();
    assert_eq!(names, ["contract_number", "signed_on"]);
}

async fn bytes_of(stream: saas_admin::ByteStream) -> Vec<u8> {
    let chunks: Vec<_> = stream
        .into_inner()
        .try_collect()
        .await
        .expect("the download reads whole");
    chunks.concat()
}

#[tokio::test]
async fn an_uploaded_file_downloads_as_it_was_sent() {
    let (fake, ods) = ods().await;
    let uid = dataset(&fake);
    let csv = b"fromage;departement\nComt\xc3\xa9;Jura\n".to_vec();

    let file = ods
        .upload_dataset_resource_file()
        .dataset_uid(uid)
        .file(FileUpload::new("cheeses.csv", csv.clone()).content_type("text/csv"))
        .send()
        .await
        .expect("uploaded");
    assert_eq!(
        value(&file)
            .as_object()
            .map(|o| o.iter().filter(|(k, _)| *k != "created_at").count()),
        Some(3)
    );
    assert_eq!(file.uid, "cheeses.csv");
    assert_eq!(file.filename, "cheeses.csv");
    assert_eq!(file.mimetype.as_deref(), Some("text/csv"));

    let answer = ods
        .download_dataset_resource_file()
        .dataset_uid(uid)
        .file_uid(&file.uid)
        .send_with_response()
        .await
        .expect("downloaded");
    assert_eq!(answer.headers()["content-type"], "text/csv");
    assert_eq!(
        answer.headers()["content-disposition"],
        "attachment; filename=\"cheeses.csv\"; filename*=UTF-8''cheeses.csv"
    );
    assert_eq!(bytes_of(answer.into_inner()).await, csv);

    // An attachment, the same way.
    let pdf = b"%PDF-1.7\n\xff\xfe\x00binary".to_vec();
    let attachment = ods
        .create_dataset_attachment()
        .dataset_uid(uid)
        .file(FileUpload::new("method.pdf", pdf.clone()).content_type("application/pdf"))
        .send()
        .await
        .expect("attached");
    assert_eq!(attachment.filename, "method.pdf");
    let answer = ods
        .download_dataset_attachment()
        .dataset_uid(uid)
        .attachment_uid(&attachment.uid)
        .send_with_response()
        .await
        .expect("downloaded");
    assert_eq!(answer.headers()["content-type"], "application/pdf");
    assert_eq!(bytes_of(answer.into_inner()).await, pdf);
}
