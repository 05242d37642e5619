//! Both APIs' mock helpers in one test. Each crate's `mock::MockServer` is a
//! type of its own, so both `MockServerExt` traits are in scope together and
//! the operations they share (`list_user_groups`, ...) are not ambiguous.

use cld_provisioning::mock::MockServerExt as _;
use cld_provisioning::ClientInfo as _;
use ods_automation::mock::MockServerExt as _;

use crate::support::{client, example, expect_common};

/// Cloudinary's account, from the spec's parameter examples.
const ACCOUNT: &str = "16a8ff3b-736b-49a6-85c0-03b69d5a357b";

#[tokio::test]
async fn both_apis_mock_servers_answer_the_same_operation_name_side_by_side() {
    let ods_server = ods_automation::mock::MockServer::start_async().await;
    let cld_server = cld_provisioning::mock::MockServer::start_async().await;

    let ods_page: ods_automation::types::UserGroupList = example("list_user_groups", 200);
    let ods_mock = ods_server.list_user_groups(|when, then| {
        expect_common(when.limit(Some(20)).into_inner(), 1);
        then.ok(&ods_page);
    });
    let cld_page: cld_provisioning::types::UserGroupList = serde_json::from_str(
        cld_provisioning::examples::example("list_user_groups", 200).expect("a Cloudinary example"),
    )
    .unwrap();
    let cld_mock = cld_server.list_user_groups(|when, then| {
        // The whole request, as the Cloudinary client sends it: `Basic `
        // and base64("key:secret"), written out.
        when.account_id(ACCOUNT)
            .into_inner()
            .header("authorization", "Basic a2V5OnNlY3JldA==")
            .header_count("^authorization$", ".*", 1)
            .header("accept", "application/json")
            .header("api-version", cld_provisioning::Client::api_version())
            .query_param_count(".*", ".*", 0)
            .header_missing("content-type")
            .is_true(|request| request.body_ref().is_empty());
        then.ok(&cld_page);
    });

    let ods_answer = client(&ods_server)
        .list_user_groups(Some(20), None, None, None, None)
        .await
        .expect("ODS list_user_groups")
        .into_inner();
    let cld_auth = cld_provisioning::Auth::Basic {
        username: cld_provisioning::Secret::new("key"),
        password: cld_provisioning::Secret::new("secret"),
    };
    let cld_runtime = cld_provisioning::Runtime::new(&cld_auth)
        .unwrap()
        .with_retry(cld_provisioning::RetryPolicy::disabled());
    let cld_client = cld_provisioning::Client::new(&cld_server.base_url(), cld_runtime);
    let account = cld_provisioning::PathSegment::try_from(ACCOUNT).unwrap();
    let cld_answer = cld_client
        .list_user_groups(&account, None)
        .await
        .expect("Cloudinary list_user_groups")
        .into_inner();

    ods_mock.assert_async().await;
    cld_mock.assert_async().await;
    assert_eq!(ods_answer, ods_page);
    assert_eq!(cld_answer, cld_page);
}
