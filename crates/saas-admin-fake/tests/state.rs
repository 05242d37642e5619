//! What the operations that change a resource change, over plain HTTP in
//! the vendors' shapes, read back after each action: actions on an item
//! (archive, revoke, publish, start...), batches that create or link one
//! item per element, a metadata template's fields, and uploads given back
//! by their downloads.

use reqwest::{multipart, Method, StatusCode};
use serde_json::{json, Value};

use crate::client::{send, Fake};

impl Fake {
    /// A Cloudinary provisioning call that must succeed: its answer.
    async fn cloudinary_ok(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let (status, answer) = self.cloudinary(method.clone(), path, body).await;
        assert!(status.is_success(), "{method} {path}: {status} {answer}");
        answer
    }

    /// The usernames a listing holds.
    async fn usernames(&self, path: &str) -> Vec<Value> {
        self.get(path).await["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["username"].clone())
            .collect()
    }

    async fn get(&self, path: &str) -> Value {
        let (status, body) = self.ods(Method::GET, path, None).await;
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }

    async fn post(&self, path: &str, body: Option<Value>) -> Value {
        let (status, answer) = self.ods(Method::POST, path, body).await;
        assert!(status.is_success(), "POST {path}: {status} {answer}");
        answer
    }

    /// A multipart upload: a file part named `file`, and text fields.
    async fn upload(
        &self,
        path: &str,
        file: Option<(&str, &str, &[u8])>,
        fields: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        let mut form = multipart::Form::new();
        for (name, value) in fields {
            form = form.text(name.to_string(), value.to_string());
        }
        if let Some((name, media, bytes)) = file {
            let part = multipart::Part::bytes(bytes.to_vec())
                .file_name(name.to_string())
                .mime_str(media)
                .unwrap();
            form = form.part("file", part);
        }
        send(self.ods_request(Method::POST, path).multipart(form), None).await
    }

    /// A download: its bytes, `Content-Type` and `Content-Disposition`.
    async fn download(&self, path: &str) -> (StatusCode, Vec<u8>, String, String) {
        let response = self.ods_request(Method::GET, path).send().await.unwrap();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|h| h.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        let (media, disposition) = (header("content-type"), header("content-disposition"));
        let status = response.status();
        let bytes = response.bytes().await.unwrap().to_vec();
        (status, bytes, media, disposition)
    }
}

/// Whether a time the fake wrote (RFC 3339, to the second) is within a
/// minute of now.
fn is_now(value: &Value) -> bool {
    let Some(text) = value.as_str() else {
        return false;
    };
    let Ok(time) = chrono::DateTime::parse_from_rfc3339(text) else {
        return false;
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    (now - time.timestamp()).abs() < 60
}

/// A dataset for the tests to work under.
fn dataset(fake: &Fake) -> &'static str {
    fake.fake
        .ods()
        .insert(
            "datasets",
            json!({"uid": "da_state1", "dataset_id": "cheeses", "is_published": false, "metadata": {}}),
        )
        .unwrap();
    "da_state1"
}

// ---------------------------------------------------------------------------
// Actions on an item

#[tokio::test]
async fn archiving_a_feedback_archives_it() {
    let fake = Fake::start().await;
    let uid = dataset(&fake);
    let seeded = fake
        .fake
        .ods()
        .insert(
            &format!("datasets/{uid}/feedbacks"),
            json!({"uid": "df_state1", "comment": "Too low.", "is_archived": false}),
        )
        .unwrap();

    let answer = fake
        .post(
            &format!("/datasets/{uid}/feedbacks/df_state1/archive/"),
            None,
        )
        .await;

    let mut expected = seeded.clone();
    expected["is_archived"] = json!(true);
    assert_eq!(answer, expected);
    let read = fake
        .get(&format!("/datasets/{uid}/feedbacks/df_state1/"))
        .await;
    assert_eq!(read, answer);
}

#[tokio::test]
async fn revoking_an_api_key_records_when_and_why() {
    let fake = Fake::start().await;
    let created = fake
        .post(
            "/apikeys/",
            Some(json!({"label": "Nightly sync", "permissions": []})),
        )
        .await;
    let uid = created["uid"].as_str().unwrap().to_string();
    assert_eq!(created["is_revoked"], false);
    assert_eq!(created["revocation_status"]["revoked_at"], Value::Null);

    let answer = fake
        .post(
            &format!("/apikeys/{uid}/revoke/"),
            Some(json!({"reason": "Pasted in a chat."})),
        )
        .await;

    assert_eq!(answer["is_revoked"], true);
    assert!(
        is_now(&answer["revocation_status"]["revoked_at"]),
        "{answer}"
    );
    assert_eq!(
        answer["revocation_status"]["revocation_reason"],
        "Pasted in a chat."
    );
    // The rest of the key is as it was.
    let mut expected = created.clone();
    expected["is_revoked"] = json!(true);
    expected["revocation_status"] = answer["revocation_status"].clone();
    assert_eq!(answer, expected);
    assert_eq!(fake.get(&format!("/apikeys/{uid}/")).await, expected);

    // Revoked again: the first revocation's time stays.
    fake.fake
        .ods()
        .insert(
            "apikeys",
            json!({"uid": "ak_revoked", "is_revoked": true,
            "revocation_status": {"revoked_at": "2024-12-02T16:20:31Z"}}),
        )
        .unwrap();
    let again = fake
        .post("/apikeys/ak_revoked/revoke/", Some(json!({})))
        .await;
    assert_eq!(
        again["revocation_status"]["revoked_at"],
        "2024-12-02T16:20:31Z"
    );
}

#[tokio::test]
async fn a_key_is_found_by_its_value() {
    let fake = Fake::start().await;
    let created = fake
        .post("/apikeys/", Some(json!({"label": "Dashboard"})))
        .await;
    let value = created["key"].as_str().unwrap();
    assert!(!value.is_empty(), "{created}");

    let answer = fake
        .post("/apikeys/search_key/", Some(json!({"key": value})))
        .await;
    assert_eq!(answer, json!({"found": true, "result": created}));

    let answer = fake
        .post("/apikeys/search_key/", Some(json!({"key": "not-a-key"})))
        .await;
    assert_eq!(answer, json!({"found": false}));
}

#[tokio::test]
async fn publishing_a_dataset_shows_in_the_dataset_and_its_status() {
    let fake = Fake::start().await;
    let uid = dataset(&fake);
    let status_path = format!("/datasets/{uid}/status/");
    assert_eq!(fake.get(&status_path).await["is_published"], false);

    let answer = fake.post(&format!("/datasets/{uid}/publish/"), None).await;
    assert_eq!(answer, json!({"detail": "ok"}));
    assert_eq!(
        fake.get(&format!("/datasets/{uid}/")).await["is_published"],
        true
    );
    assert_eq!(fake.get(&status_path).await["is_published"], true);

    fake.post(&format!("/datasets/{uid}/unpublish/"), None)
        .await;
    assert_eq!(
        fake.get(&format!("/datasets/{uid}/")).await["is_published"],
        false
    );
    assert_eq!(fake.get(&status_path).await["is_published"], false);
}

#[tokio::test]
async fn publishing_a_studio_page_records_the_first_time_only() {
    let fake = Fake::start().await;
    fake.fake
        .ods()
        .insert(
            "studio_pages",
            json!({"uid": "sp_state1", "slug": "air", "first_published_at": null}),
        )
        .unwrap();

    fake.post("/studio_pages/sp_state1/publish/", None).await;
    let first = fake.get("/studio_pages/sp_state1/").await["first_published_at"].clone();
    assert!(is_now(&first), "{first}");

    // Published again later, the first time stays.
    fake.fake.ods().remove("studio_pages/sp_state1").unwrap();
    fake.fake
        .ods()
        .insert(
            "studio_pages",
            json!({"uid": "sp_state1", "slug": "air", "first_published_at": "2024-01-02T03:04:05Z"}),
        )
        .unwrap();
    fake.post("/studio_pages/sp_state1/publish/", None).await;
    assert_eq!(
        fake.get("/studio_pages/sp_state1/").await["first_published_at"],
        "2024-01-02T03:04:05Z"
    );
}

/// Actions whose state is one field of the item, read back with the item's
/// own GET: (item seeded, action, field, value after).
#[tokio::test]
async fn actions_set_the_field_their_state_is_in() {
    let fake = Fake::start().await;
    let ods = fake.fake.ods();
    ods.insert(
        "code_editor_pages",
        json!({"slug": "story", "content": {}, "is_archived": false}),
    )
    .unwrap();
    let harvester = json!({
        "uid": "ha_state1", "type": "csw", "name": "Geoportal", "status": "idle",
        "attached_datasets_count": 12, "published_datasets_count": 3,
        "last_started_at": null,
    });
    ods.insert("harvesters", harvester).unwrap();

    let cases: [(&str, &str, &str, Value); 6] = [
        (
            "/code_editor_pages/story/archive/",
            "/code_editor_pages/story/",
            "is_archived",
            json!(true),
        ),
        (
            "/code_editor_pages/story/unarchive/",
            "/code_editor_pages/story/",
            "is_archived",
            json!(false),
        ),
        (
            "/harvesters/ha_state1/start/",
            "/harvesters/ha_state1/",
            "status",
            json!("queued"),
        ),
        (
            "/harvesters/ha_state1/abort/",
            "/harvesters/ha_state1/",
            "status",
            json!("aborting"),
        ),
        // Every dataset the harvester created is published...
        (
            "/harvesters/ha_state1/publish/",
            "/harvesters/ha_state1/",
            "published_datasets_count",
            json!(12),
        ),
        // ... then none.
        (
            "/harvesters/ha_state1/unpublish/",
            "/harvesters/ha_state1/",
            "published_datasets_count",
            json!(0),
        ),
    ];
    for (action, read, field, after) in cases {
        let before = fake.get(read).await;
        assert_ne!(before[field], after, "{action}: already {after} before");
        let answer = fake.post(action, None).await;
        let read_back = fake.get(read).await;
        assert_eq!(read_back[field], after, "{action}: {read_back}");
        // Nothing else changed.
        let mut expected = before.clone();
        expected[field] = after.clone();
        if action.ends_with("/start/") {
            assert!(is_now(&read_back["last_started_at"]), "{read_back}");
            expected["last_started_at"] = read_back["last_started_at"].clone();
        }
        assert_eq!(read_back, expected, "{action}");
        // An answer that is the item shows it as it now is.
        if answer.get(field).is_some() {
            assert_eq!(answer, read_back, "{action}");
        }
    }
}

#[tokio::test]
async fn an_action_on_a_missing_item_changes_nothing_and_is_404() {
    let fake = Fake::start().await;
    let (status, body) = fake
        .ods(Method::POST, "/code_editor_pages/nowhere/archive/", None)
        .await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(
        fake.fake.ods().items("code_editor_pages").unwrap(),
        Vec::<Value>::new()
    );
}

// ---------------------------------------------------------------------------
// Batches

#[tokio::test]
async fn inviting_users_creates_each_one_and_answers_for_each() {
    let fake = Fake::start().await;
    let answer = fake
        .post(
            "/users/invite/",
            Some(json!([
                {"email": "camille.dupont@example.org", "first_name": "Camille", "last_name": "Dupont",
                 "groups": [], "permissions": ["explore_restricted_dataset"]},
                {"username": "xavier", "email": "x.martin@example.org"},
                {"first_name": "No address"},
            ])),
        )
        .await;

    let outcomes = answer.as_object().unwrap();
    assert_eq!(outcomes.len(), 3, "one outcome per person: {answer}");
    assert_eq!(answer["0"]["status_code"], "success");
    let camille = &answer["0"]["data"];
    assert_eq!(camille["username"], "camille.dupont");
    assert_eq!(camille["display_name"], "camille.dupont");
    assert_eq!(camille["email"], "camille.dupont@example.org");
    assert_eq!(camille["first_name"], "Camille");
    assert_eq!(camille["account_type"], "global");
    assert_eq!(
        camille["permissions"],
        json!(["explore_restricted_dataset"])
    );
    assert!(is_now(&camille["joined_at"]), "{camille}");
    assert!(camille.get("last_login_at").is_none(), "{camille}");
    assert_eq!(answer["1"]["status_code"], "success");
    assert_eq!(answer["1"]["data"]["username"], "xavier");
    assert_eq!(answer["2"]["status_code"], "error");
    assert_eq!(answer["2"]["error"]["error_code"], "validation_error");
    assert!(
        answer["2"]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("email"),
        "{answer}"
    );

    // Each one invited is a user now; the one refused is not.
    assert_eq!(&fake.get("/users/camille.dupont/").await, camille);
    assert_eq!(fake.get("/users/xavier/").await, answer["1"]["data"]);
    let listed: Vec<Value> = fake.get("/users/").await["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].clone())
        .collect();
    assert_eq!(listed, [json!("camille.dupont"), json!("xavier")]);
}

#[tokio::test]
async fn a_users_groups_are_the_groups_holding_them() {
    let fake = Fake::start().await;
    for title in ["City partners", "Stewards"] {
        fake.post("/groups/", Some(json!({"title": title}))).await;
    }

    // Invited into a group: a member of it.
    let answer = fake
        .post(
            "/users/invite/",
            Some(json!([
                {"email": "camille@example.org", "groups": [{"uid": "city_partners"}]},
                {"email": "nobody@example.org", "groups": [{"uid": "nowhere"}]},
            ])),
        )
        .await;
    assert_eq!(
        answer["0"]["data"]["groups"],
        json!([{"uid": "city_partners"}])
    );
    assert_eq!(answer["1"]["status_code"], "error");
    assert_eq!(answer["1"]["error"]["error_code"], "not_found");
    let (status, _) = fake.ods(Method::GET, "/users/nobody/", None).await;
    assert_eq!(status, 404, "a refused invitation leaves no user");
    assert_eq!(
        fake.usernames("/groups/city_partners/users/").await,
        [json!("camille")]
    );
    assert_eq!(fake.get("/groups/city_partners/").await["user_count"], 1);

    // Added to another group: its groups say so.
    fake.post(
        "/groups/stewards/users/batch/",
        Some(json!([{"username": "camille"}])),
    )
    .await;
    assert_eq!(
        fake.get("/users/camille/").await["groups"],
        json!([{"uid": "city_partners"}, {"uid": "stewards"}])
    );

    // Its groups replaced: the memberships follow.
    let (status, user) = fake
        .ods(
            Method::PUT,
            "/users/camille/",
            Some(json!({"email": "camille@example.org", "groups": [{"uid": "stewards"}]})),
        )
        .await;
    assert_eq!(status, 200, "{user}");
    assert_eq!(user["groups"], json!([{"uid": "stewards"}]));
    assert_eq!(
        fake.usernames("/groups/city_partners/users/").await,
        Vec::<Value>::new()
    );
    assert_eq!(
        fake.usernames("/groups/stewards/users/").await,
        [json!("camille")]
    );

    // A group removed holds no one.
    let (status, _) = fake.ods(Method::DELETE, "/groups/stewards/", None).await;
    assert!(status.is_success());
    assert_eq!(fake.get("/users/camille/").await["groups"], json!([]));
}

#[tokio::test]
async fn provisioning_users_links_them_to_their_identity_provider() {
    let fake = Fake::start().await;
    let answer = fake
        .post(
            "/users/provision/",
            Some(json!([{
                "username": "a.bernard", "email": "alice.bernard@example.org",
                "identity_provider": {"uid": "city-sso"},
                "identity_provider_attributes": {"department": "roads"},
            }])),
        )
        .await;

    assert_eq!(answer.as_object().unwrap().len(), 1, "{answer}");
    assert_eq!(answer["0"]["status_code"], "success");
    let user = fake.get("/users/a.bernard/").await;
    assert_eq!(user, answer["0"]["data"]);
    assert_eq!(user["account_type"], "linked");
    assert_eq!(user["identity_providers"], json!([{"uid": "city-sso"}]));
    // What only the request has is not kept as a field of the user.
    assert!(user.get("identity_provider").is_none(), "{user}");
    assert!(user.get("identity_provider_attributes").is_none(), "{user}");
}

#[tokio::test]
async fn adding_users_to_a_group_in_a_batch_adds_those_that_exist() {
    let fake = Fake::start().await;
    for username in ["louise", "marc"] {
        fake.fake
            .ods()
            .insert("users", json!({"username": username}))
            .unwrap();
    }
    let group = fake
        .post("/groups/", Some(json!({"title": "Stewards"})))
        .await;
    let uid = group["uid"].as_str().unwrap();

    let answer = fake
        .post(
            &format!("/groups/{uid}/users/batch/"),
            Some(json!([{"username": "louise"}, {"username": "p.nobody"}, {"username": "marc"}])),
        )
        .await;

    assert_eq!(
        answer["0"],
        json!({"status_code": "success", "data": {"username": "louise", "groups": [{"uid": uid}]}})
    );
    assert_eq!(answer["1"]["status_code"], "error");
    assert_eq!(answer["1"]["error"]["error_code"], "not_found");
    assert_eq!(answer["2"]["data"]["username"], "marc");
    assert_eq!(answer.as_object().unwrap().len(), 3);
    let members: Vec<Value> = fake.get(&format!("/groups/{uid}/users/")).await["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].clone())
        .collect();
    assert_eq!(members, [json!("louise"), json!("marc")]);
    assert_eq!(fake.get(&format!("/groups/{uid}/")).await["user_count"], 2);
}

// ---------------------------------------------------------------------------
// A metadata template's fields

#[tokio::test]
async fn a_templates_schema_is_its_fields() {
    let fake = Fake::start().await;
    let created = fake
        .post(
            "/metadata/templates/",
            Some(json!({
                "name": "procurement", "title": "Procurement", "type": "admin", "is_active": true,
                "schema": [
                    {"name": "contract_number", "type": "text", "label": "Contract number", "self_suggest": true},
                    {"name": "signed_on", "type": "date", "label": "Signature date"},
                ],
            })),
        )
        .await;
    let names = |template: &Value| -> Vec<Value> {
        template["schema"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].clone())
            .collect()
    };
    assert_eq!(
        names(&created),
        [json!("contract_number"), json!("signed_on")]
    );

    // Each field of the schema is a field of the template.
    let field = fake
        .get("/metadata/templates/procurement/fields/contract_number/")
        .await;
    assert_eq!(field, created["schema"][0]);
    assert_eq!(field["label"], "Contract number");
    assert_eq!(field["self_suggest"], true);
    let listed = fake.get("/metadata/templates/procurement/fields/").await;
    assert_eq!(
        listed
            .as_array()
            .or(listed["results"].as_array())
            .map(Vec::len),
        Some(2),
        "{listed}"
    );
    let (status, suggestions) = fake
        .ods(
            Method::GET,
            "/metadata/templates/procurement/fields/contract_number/suggest/?query=C-",
            None,
        )
        .await;
    assert_eq!(status, 200, "{suggestions}");
    let (status, _) = fake
        .ods(
            Method::GET,
            "/metadata/templates/procurement/fields/nothing/suggest/?query=C-",
            None,
        )
        .await;
    assert_eq!(status, 404);

    // A new schema replaces the fields.
    let (status, updated) = fake
        .ods(
            Method::PUT,
            "/metadata/templates/procurement/",
            Some(json!({
                "name": "procurement", "title": "Procurement", "type": "admin", "is_active": true,
                "schema": [{"name": "signed_on", "type": "date"}],
            })),
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(names(&updated), [json!("signed_on")]);
    assert_eq!(
        names(&fake.get("/metadata/templates/procurement/").await),
        [json!("signed_on")]
    );
    let (status, _) = fake
        .ods(
            Method::GET,
            "/metadata/templates/procurement/fields/contract_number/",
            None,
        )
        .await;
    assert_eq!(status, 404);

    // A field added to the collection shows in the template's schema.
    fake.fake
        .ods()
        .insert(
            "metadata/templates/procurement/fields",
            json!({"name": "buyer", "type": "text"}),
        )
        .unwrap();
    assert_eq!(
        names(&fake.get("/metadata/templates/procurement/").await),
        [json!("signed_on"), json!("buyer")]
    );
}

// ---------------------------------------------------------------------------
// Uploads and downloads

const CSV: &[u8] = b"fromage;departement\nComt\xc3\xa9;Jura\nBeaufort;Savoie\n";

#[tokio::test]
async fn an_uploaded_resource_file_is_kept_and_given_back() {
    let fake = Fake::start().await;
    let uid = dataset(&fake);
    let (status, answer) = fake
        .upload(
            &format!("/datasets/{uid}/resources/files/"),
            Some(("cheeses.csv", "text/csv", CSV)),
            &[],
        )
        .await;

    assert_eq!(status, 201, "{answer}");
    assert_eq!(answer["uid"], "cheeses.csv");
    assert_eq!(answer["filename"], "cheeses.csv");
    assert_eq!(answer["mimetype"], "text/csv");
    assert!(is_now(&answer["created_at"]), "{answer}");
    assert_eq!(
        fake.get(&format!("/datasets/{uid}/resources/files/cheeses.csv/"))
            .await,
        answer
    );
    let (status, bytes, media, disposition) = fake
        .download(&format!(
            "/datasets/{uid}/resources/files/cheeses.csv/download/"
        ))
        .await;
    assert_eq!(status, 200);
    assert_eq!(bytes, CSV);
    assert_eq!(media, "text/csv");
    assert!(
        disposition.starts_with("attachment; filename=\"cheeses.csv\""),
        "{disposition}"
    );
}

#[tokio::test]
async fn an_attachment_is_kept_and_given_back() {
    let fake = Fake::start().await;
    let uid = dataset(&fake);
    let text = "How the cheeses are counted.\n".as_bytes();
    let (status, answer) = fake
        .upload(
            &format!("/datasets/{uid}/attachments/"),
            Some(("counting é.txt", "text/plain", text)),
            &[],
        )
        .await;

    assert_eq!(status, 201, "{answer}");
    assert_eq!(answer["filename"], "counting é.txt");
    assert_eq!(answer["mimetype"], "text/plain");
    let attachment = answer["uid"].as_str().unwrap();
    assert!(attachment.starts_with("at_"), "{answer}");
    let (status, bytes, media, disposition) = fake
        .download(&format!(
            "/datasets/{uid}/attachments/{attachment}/download/"
        ))
        .await;
    assert_eq!(status, 200);
    assert_eq!(bytes, text);
    assert_eq!(media, "text/plain");
    // The name, in ASCII and whole (RFC 5987).
    assert_eq!(
        disposition,
        "attachment; filename=\"counting _.txt\"; filename*=UTF-8''counting%20%C3%A9.txt"
    );
}

#[tokio::test]
async fn an_alternative_export_keeps_its_fields_and_its_file() {
    let fake = Fake::start().await;
    let uid = dataset(&fake);
    let geojson = br#"{"type": "FeatureCollection", "features": []}"#;
    let (status, answer) = fake
        .upload(
            &format!("/datasets/{uid}/alternative_exports/"),
            Some(("cheeses.geojson", "application/geo+json", geojson)),
            &[("type", "uploaded_file"), ("title", "Cheeses as GeoJSON")],
        )
        .await;

    assert_eq!(status, 201, "{answer}");
    assert_eq!(answer["type"], "uploaded_file");
    assert_eq!(answer["title"], "Cheeses as GeoJSON");
    assert_eq!(answer["filename"], "cheeses.geojson");
    assert_eq!(answer["mimetype"], "application/geo+json");
    // No description was sent: none is made up.
    assert!(answer.get("description").is_none(), "{answer}");
    let export = answer["uid"].as_str().unwrap();
    assert_eq!(
        fake.get(&format!("/datasets/{uid}/alternative_exports/{export}/"))
            .await,
        answer
    );
    let (status, bytes, media, _) = fake
        .download(&format!(
            "/datasets/{uid}/alternative_exports/{export}/download/"
        ))
        .await;
    assert_eq!(status, 200);
    assert_eq!(bytes, geojson);
    assert_eq!(media, "application/geo+json");
}

#[tokio::test]
async fn an_upload_without_its_file_or_fields_is_refused_and_keeps_nothing() {
    let fake = Fake::start().await;
    let uid = dataset(&fake);
    let exports = format!("/datasets/{uid}/alternative_exports/");
    let (status, body) = fake
        .upload(
            &exports,
            None,
            &[("type", "uploaded_file"), ("title", "No file")],
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(body["detail"].get("file").is_some(), "{body}");
    let (status, body) = fake
        .upload(
            &exports,
            Some(("a.csv", "text/csv", CSV)),
            &[("type", "uploaded_file")],
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(body["detail"].get("title").is_some(), "{body}");
    assert_eq!(
        fake.fake
            .ods()
            .items(&format!("datasets/{uid}/alternative_exports"))
            .unwrap(),
        Vec::<Value>::new()
    );
}

// ---------------------------------------------------------------------------
// A dataset's metadata, whole, by template and by field

#[tokio::test]
async fn a_datasets_metadata_is_read_and_changed_where_the_path_says() {
    let fake = Fake::start().await;
    let uid = dataset(&fake);
    let base = format!("/datasets/{uid}/metadata");

    // Replaced whole: what is left out is gone.
    let all = json!({
        "default": {"title": {"value": "Cheeses"}, "language": {"value": "fr"}},
        "internal": {"draft": {"value": true}},
    });
    let (status, answer) = fake
        .ods(Method::PUT, &format!("{base}/"), Some(all.clone()))
        .await;
    assert_eq!((status, &answer), (StatusCode::OK, &all));
    assert_eq!(fake.get(&format!("{base}/")).await, all);
    assert_eq!(
        fake.get(&format!("/datasets/{uid}/")).await["metadata"],
        all
    );

    // One template: the others stay.
    let default = json!({"title": {"value": "French cheeses"}});
    let (status, answer) = fake
        .ods(
            Method::PUT,
            &format!("{base}/default/"),
            Some(default.clone()),
        )
        .await;
    assert_eq!((status, &answer), (StatusCode::OK, &default));
    assert_eq!(fake.get(&format!("{base}/default/")).await, default);
    assert_eq!(
        fake.get(&format!("{base}/")).await,
        json!({"default": default, "internal": {"draft": {"value": true}}})
    );

    // One field.
    let (status, answer) = fake
        .ods(
            Method::PUT,
            &format!("{base}/default/keyword/"),
            Some(json!({"value": ["comté", "beaufort"]})),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer, json!({"value": ["comté", "beaufort"]}));
    assert_eq!(fake.get(&format!("{base}/default/keyword/")).await, answer);
    let (status, body) = fake
        .ods(Method::DELETE, &format!("{base}/default/title/"), None)
        .await;
    assert_eq!((status, body), (StatusCode::NO_CONTENT, Value::Null));
    assert_eq!(
        fake.get(&format!("{base}/default/")).await,
        json!({"keyword": {"value": ["comté", "beaufort"]}})
    );
    // What is not there is 404, read or removed.
    for method in [Method::GET, Method::DELETE] {
        let (status, body) = fake
            .ods(method.clone(), &format!("{base}/default/title/"), None)
            .await;
        assert_eq!(status, 404, "{method} {body}");
    }
    let (status, _) = fake.ods(Method::GET, &format!("{base}/dcat/"), None).await;
    assert_eq!(status, 404);
}

// ---------------------------------------------------------------------------
// Relations read from the other side

#[tokio::test]
async fn a_cloudinary_users_groups_are_the_groups_holding_them() {
    let fake = Fake::start().await;
    let user = fake
        .cloudinary_ok(
            Method::POST,
            "/users",
            Some(json!({"name": "Jane", "email": "jane@example.org", "role": "technical_admin"})),
        )
        .await;
    let user_id = user["id"].as_str().unwrap();
    let mut groups = Vec::new();
    for name in ["Designers", "Editors", "Admins"] {
        let group = fake
            .cloudinary_ok(Method::POST, "/user_groups", Some(json!({"name": name})))
            .await;
        groups.push(group["id"].as_str().unwrap().to_string());
    }
    let of_user = format!("/users/{user_id}/groups");
    assert_eq!(
        fake.cloudinary_ok(Method::GET, &of_user, None).await,
        json!({"groups": []})
    );

    for group in [&groups[0], &groups[2]] {
        fake.cloudinary_ok(
            Method::POST,
            &format!("/user_groups/{group}/users/{user_id}"),
            None,
        )
        .await;
    }
    assert_eq!(
        fake.cloudinary_ok(Method::GET, &of_user, None).await,
        json!({"groups": [
            {"id": groups[0], "name": "Designers"},
            {"id": groups[2], "name": "Admins"},
        ]})
    );

    fake.cloudinary_ok(
        Method::DELETE,
        &format!("/user_groups/{}/users/{user_id}", groups[0]),
        None,
    )
    .await;
    assert_eq!(
        fake.cloudinary_ok(Method::GET, &of_user, None).await,
        json!({"groups": [{"id": groups[2], "name": "Admins"}]})
    );
}

#[tokio::test]
async fn an_uploaded_image_is_listed_by_its_url() {
    let fake = Fake::start().await;
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg"/>"#;
    let (status, answer) = fake
        .upload(
            "/medias/images/",
            Some(("logo.svg", "image/svg+xml", svg)),
            &[],
        )
        .await;
    assert_eq!(status, 201, "{answer}");
    assert_eq!(answer, json!({"url": "/assets/theme_image/logo.svg"}));
    let (status, answer) = fake
        .upload(
            "/medias/images/",
            Some(("banner.jpg", "image/jpeg", b"\xff\xd8\xff")),
            &[],
        )
        .await;
    assert_eq!(status, 201, "{answer}");

    let listed = fake.get("/medias/images/").await;
    assert_eq!(listed["total_count"], 2);
    assert_eq!(
        listed["results"],
        json!([{"url": "/assets/theme_image/logo.svg"}, {"url": "/assets/theme_image/banner.jpg"}])
    );
    let (status, body) = fake.upload("/medias/images/", None, &[]).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(fake.get("/medias/images/").await["total_count"], 2);
}

#[tokio::test]
async fn a_cloudinary_users_product_environments_are_those_it_was_given() {
    let fake = Fake::start().await;
    let mut environments = Vec::new();
    for (name, cloud) in [("Shop", "shop"), ("Blog", "blog")] {
        let created = fake
            .cloudinary_ok(
                Method::POST,
                "/sub_accounts",
                Some(json!({"name": name, "cloud_name": cloud})),
            )
            .await;
        environments.push(created);
    }
    // The fields a summary has, as the product environment has them.
    let summary = |e: &Value| {
        let fields = ["id", "name", "description", "cloud_name", "enabled"];
        Value::Object(
            fields
                .iter()
                .filter_map(|f| Some((f.to_string(), e.get(*f)?.clone())))
                .collect(),
        )
    };
    let jane = fake
        .cloudinary_ok(
            Method::POST,
            "/users",
            Some(
                json!({"name": "Jane", "email": "jane@example.org", "role": "admin",
                        "sub_account_ids": [environments[1]["id"]]}),
            ),
        )
        .await;
    let jane = jane["id"].as_str().unwrap();
    let of_jane = format!("/users/{jane}/sub_accounts");
    assert_eq!(
        fake.cloudinary_ok(Method::GET, &of_jane, None).await,
        json!({"sub_accounts": [summary(&environments[1])]})
    );

    // Given others: those.
    fake.cloudinary_ok(
        Method::PUT,
        &format!("/users/{jane}"),
        Some(json!({"sub_account_ids": [environments[0]["id"]]})),
    )
    .await;
    assert_eq!(
        fake.cloudinary_ok(Method::GET, &of_jane, None).await,
        json!({"sub_accounts": [summary(&environments[0])]})
    );

    // Given none: every one.
    let joe = fake
        .cloudinary_ok(
            Method::POST,
            "/users",
            Some(json!({"name": "Joe", "email": "joe@example.org", "role": "admin"})),
        )
        .await;
    let of_joe = format!("/users/{}/sub_accounts", joe["id"].as_str().unwrap());
    assert_eq!(
        fake.cloudinary_ok(Method::GET, &of_joe, None).await,
        json!({"sub_accounts": [summary(&environments[0]), summary(&environments[1])]})
    );
}

#[tokio::test]
async fn suggestions_are_the_values_datasets_have_for_the_field() {
    let fake = Fake::start().await;
    fake.post(
        "/metadata/templates/",
        Some(json!({
            "name": "procurement", "title": "Procurement", "type": "admin", "is_active": true,
            "schema": [{"name": "buyer", "type": "text"}, {"name": "tags", "type": "list"}],
        })),
    )
    .await;
    for (uid, buyer, tags) in [
        ("da_sugg1", "Transports de Paris", json!(["tramway", "bus"])),
        ("da_sugg2", "Ville de Lyon", json!(["traffic"])),
        ("da_sugg3", "Trafic routier", json!(["tramway"])),
    ] {
        fake.fake
            .ods()
            .insert(
                "datasets",
                json!({"uid": uid, "metadata": {"procurement": {
                    "buyer": {"value": buyer}, "tags": {"value": tags},
                }}}),
            )
            .unwrap();
    }
    let suggest = |field: &str, query: &str| {
        format!("/metadata/templates/procurement/fields/{field}/suggest/?query={query}")
    };

    let answer = fake.get(&suggest("buyer", "TRA")).await;
    assert_eq!(
        answer["hits"],
        json!(["Transports de Paris", "Trafic routier"])
    );
    assert_eq!(answer["nb_hits"], 2);
    assert_eq!(answer["query"], "TRA");
    // Each value once, from lists too, at most `count`.
    let answer = fake.get(&suggest("tags", "tra")).await;
    assert_eq!(answer["hits"], json!(["tramway", "traffic"]));
    let answer = fake
        .get(&format!("{}&count=1", suggest("tags", "tra")))
        .await;
    assert_eq!(answer["hits"], json!(["tramway"]));
    assert_eq!(answer["nb_hits"], 1);
    let answer = fake.get(&suggest("buyer", "nothing")).await;
    assert_eq!(
        (answer["hits"].clone(), answer["nb_hits"].clone()),
        (json!([]), json!(0))
    );
}
