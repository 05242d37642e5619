//! The contract users write (`examples/contract.rs`, compiled unchanged as a
//! module here) run against local servers of both APIs: each call sends
//! exactly the request asserted below, and the error it describes at the
//! end names the operation and counts the attempts.

use httpmock::{Method, MockServer};
use saas_admin::{Cloudinary, Ods, RetryPolicy};
use serde_json::{json, Value};

#[allow(dead_code)]
#[path = "../examples/contract.rs"]
mod program;

const KEY: &str = "contract-key-0123456789";
const SECRET: &str = "contract-secret-abcdef";

fn example(json: Option<&str>) -> Value {
    serde_json::from_str(json.expect("the spec has the example")).unwrap()
}

#[tokio::test]
async fn the_opendatasoft_contract_sends_each_request_and_reads_each_answer() {
    use saas_admin::ods_automation::examples::example as spec;
    let server = MockServer::start_async().await;
    let mut group = example(spec("create_user_group", 201));
    group["uid"] = json!("data_stewards");
    let create = server.mock(|when, then| {
        when.method(Method::POST)
            .path("/groups/")
            .header("authorization", format!("Apikey {KEY}"))
            .json_body(json!({"title": "Data stewards", "description": "Curate the catalogue"}));
        then.status(201).json_body(group.clone());
    });
    let mut users = example(spec("list_users", 200));
    users["next"] = Value::Null;
    let user_count = users["results"].as_array().unwrap().len();
    users["total_count"] = json!(user_count);
    // The first call sends no offset; the stream starts at offset 0.
    let first_page = server.mock(|when, then| {
        when.method(Method::GET)
            .path("/users/")
            .query_param("limit", "100")
            .query_param_missing("offset");
        then.status(200).json_body(users.clone());
    });
    let streamed = server.mock(|when, then| {
        when.method(Method::GET)
            .path("/users/")
            .query_param("limit", "100")
            .query_param("offset", "0");
        then.status(200).json_body(users.clone());
    });
    let missing = server.mock(|when, then| {
        when.method(Method::GET).path("/groups/no-such-group/");
        then.status(404)
            .json_body(json!({"error_code": "not_found", "message": "No such group."}));
    });
    let delete = server.mock(|when, then| {
        when.method(Method::DELETE).path("/groups/data_stewards/");
        then.status(204);
    });
    let ods = Ods::with_base_url(&server.base_url(), KEY).unwrap();
    program::ods_contract(&ods).await.unwrap();
    for mock in [&create, &first_page, &streamed, &missing, &delete] {
        mock.assert_calls_async(1).await;
    }
}

#[tokio::test]
async fn the_cloudinary_contract_sends_each_request_and_reads_each_answer() {
    use saas_admin::cld_provisioning::examples::example as spec;
    let server = MockServer::start_async().await;
    let base = "/v1_1/provisioning/accounts/acc-1/user_groups";
    let group = example(spec("create_user_group", 200));
    let id = group["id"].as_str().unwrap().to_string();
    let create = server.mock(|when, then| {
        when.method(Method::POST)
            .path(base)
            .header_exists("authorization")
            .json_body(json!({"name": "Designers"}));
        then.status(200).json_body(group.clone());
    });
    let members = server.mock(|when, then| {
        when.method(Method::GET).path(format!("{base}/{id}/users"));
        then.status(200)
            .json_body(example(spec("list_user_group_users", 200)));
    });
    let delete = server.mock(|when, then| {
        when.method(Method::DELETE).path(format!("{base}/{id}"));
        then.status(200)
            .json_body(example(spec("delete_user_group", 200)));
    });
    let cloudinary = Cloudinary::with_base_url(&server.base_url(), "acc-1", KEY, SECRET).unwrap();
    program::cloudinary_contract(&cloudinary).await.unwrap();
    for mock in [&create, &members, &delete] {
        mock.assert_calls_async(1).await;
    }
}

#[tokio::test]
async fn a_refused_connection_is_described_with_its_operation_and_attempts() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let nowhere = Ods::builder()
        .base_url(&url)
        .api_key(KEY)
        .api_key_in_query(true)
        .retry(RetryPolicy {
            max_attempts: 2,
            initial_backoff: std::time::Duration::from_millis(1),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap();
    let error = nowhere.list_users().send().await.unwrap_err();
    let described = program::describe(&error);
    assert!(
        described.starts_with("list_users: Connect status=None attempts=2 retry_after=None not_found=false rate_limited=false retryable=true message=None request_id=None"),
        "{described}"
    );
    assert!(!described.contains(KEY), "{described}");
}
