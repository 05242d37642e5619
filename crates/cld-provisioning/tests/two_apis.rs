//! Both APIs' mock helpers in one test. Each crate's `mock::MockServer` is a
//! type of its own, so both `MockServerExt` traits are in scope together and
//! the operations they share (`list_user_groups`, ...) are not ambiguous.

use cld_provisioning::mock::MockServerExt as _;
use ods_automation::mock::MockServerExt as _;

mod support;
use support::{client, example, expect_no_body, ACCOUNT};

#[tokio::test]
async fn both_apis_mock_servers_answer_the_same_operation_name_side_by_side() {
    let ods_server = ods_automation::mock::MockServer::start_async().await;
    let cld_server = cld_provisioning::mock::MockServer::start_async().await;

    let ods_page: ods_automation::types::UserGroupList = serde_json::from_str(
        ods_automation::examples::example("list_user_groups", 200).expect("an ODS example"),
    )
    .unwrap();
    let ods_mock = ods_server.list_user_groups(|when, then| {
        when.limit(Some(20))
            .into_inner()
            .header("authorization", "Apikey ods-key");
        then.ok(&ods_page);
    });
    let cld_page: cld_provisioning::types::UserGroupList = example("list_user_groups", 200);
    let cld_mock = cld_server.list_user_groups(|when, then| {
        expect_no_body(when.account_id(ACCOUNT).into_inner(), 0);
        then.ok(&cld_page);
    });

    let ods_key = ods_automation::Auth::ApiKey(ods_automation::Secret::new("ods-key"));
    let ods_runtime = ods_automation::Runtime::new(&ods_key)
        .unwrap()
        .with_retry(ods_automation::RetryPolicy::disabled());
    let ods_client = ods_automation::Client::new(&ods_server.base_url(), ods_runtime);
    let ods_answer = ods_client
        .list_user_groups(Some(20), None, None, None, None)
        .await
        .expect("ODS list_user_groups")
        .into_inner();
    let account = cld_provisioning::PathSegment::try_from(ACCOUNT).unwrap();
    let cld_answer = client(&cld_server)
        .list_user_groups(&account, None)
        .await
        .expect("Cloudinary list_user_groups")
        .into_inner();

    ods_mock.assert_async().await;
    cld_mock.assert_async().await;
    assert_eq!(ods_answer, ods_page);
    assert_eq!(cld_answer, cld_page);
}
