//! Operation tests for the generated Opendatasoft Automation API client
//! ("Dataset security", "Datasource connection security", "Studio pages
//! security" and "Code editor pages security" tags).
//!
//! The four tags have the same five operations (list, create, get, update,
//! delete) on the rulesets of users and on those of groups: 8 kinds of
//! ruleset, 40 operations. Each kind has one runner below that mocks each of
//! its operations with the typed helper, pinning down the whole request
//! (method, path with its trailing slash, query parameters, headers, body),
//! makes the mock answer the spec's example (or an error status), and calls
//! the client. The tests then check what the client decoded, and every
//! failure names the operation.

use httpmock::Mock;
use ods_automation::mock::{MockServer, MockServerExt};
use ods_automation::prelude::*;
use ods_automation::types::{
    self, CodeEditorPageSecurityPermission as CodeEditorPerm, DatasetApiCallsQuotaUnit as Per,
    DatasetSecurityPermission as DatasetPerm,
    DatasourceConnectionSecurityPermission as ConnectionPerm,
    StudioPageSecurityPermission as StudioPerm,
};
use ods_automation::{examples, Client, Error, ResponseValue};
use serde_json::{json, Value};

mod support;
use support::*;

// ---------------------------------------------------------------------------
// Test ids and the operations
// ---------------------------------------------------------------------------

/// Path parameters, taken from the spec's parameter examples.
const DATASET: &str = "da_qf2hyt";
const CONNECTION: &str = "co_4rx8mq";
const STUDIO_PAGE: &str = "sp_9tvb2k";
const PAGE_SLUG: &str = "air-quality-dashboard";
const USER: &str = "louise.data";
const GROUP: &str = "data_stewards";

/// Every error status the spec documents, over all these operations.
const ERROR_STATUSES: [u16; 5] = [400, 401, 403, 404, 429];

/// The secured resources and the principals, as the operation ids spell
/// them, in the spec's order.
const RESOURCES: [&str; 4] = [
    "dataset",
    "datasource_connection",
    "studio_page",
    "code_editor_page",
];
const PRINCIPALS: [&str; 2] = ["user", "group"];

/// The five operations on one kind of ruleset.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    List,
    Create,
    Get,
    Update,
    Delete,
}

const KINDS: [Kind; 5] = [
    Kind::List,
    Kind::Create,
    Kind::Get,
    Kind::Update,
    Kind::Delete,
];

impl Kind {
    /// The operation id, e.g. `list_dataset_user_security`.
    fn op(self, resource: &str, principal: &str) -> String {
        let verb = match self {
            Kind::List => "list",
            Kind::Create => "create",
            Kind::Get => "get",
            Kind::Update => "update",
            Kind::Delete => "delete",
        };
        format!("{verb}_{resource}_{principal}_security")
    }
}

/// Every operation this file covers, in the spec's order.
fn tested_operations() -> Vec<String> {
    let mut ops = Vec::new();
    for resource in RESOURCES {
        for principal in PRINCIPALS {
            ops.extend(KINDS.iter().map(|kind| kind.op(resource, principal)));
        }
    }
    ops
}

/// `op` split into its kind, resource and principal.
fn parse(op: &str) -> (Kind, &'static str, &'static str) {
    for resource in RESOURCES {
        for principal in PRINCIPALS {
            for kind in KINDS {
                if kind.op(resource, principal) == op {
                    return (kind, resource, principal);
                }
            }
        }
    }
    panic!("{op} is not a security operation of this file")
}

#[test]
fn every_security_operation_of_the_spec_is_tested_here() {
    let spec: Vec<&str> = examples::OPERATIONS
        .iter()
        .filter(|(_, _, path)| path.contains("/security/"))
        .map(|(id, _, _)| *id)
        .collect();
    assert_eq!(spec, tested_operations());
}

// ---------------------------------------------------------------------------
// Runners: one per kind of ruleset, one typed mock per operation
// ---------------------------------------------------------------------------

/// How the mock answers: the operation's success status with the spec's
/// example, or an error status with this body.
#[derive(Clone, Copy)]
enum Reply<'a> {
    Success,
    Error(u16, &'a types::Error),
}

/// Makes a typed mock's `then` answer `reply`: `$success` on success, else
/// the helper of the error status. Every operation documents 401, 403, 404
/// and 429; those with a body also 400, given as `400 => bad_request`.
macro_rules! answer {
    ($op:expr, $then:expr, $reply:expr, $success:ident($($body:expr)?) $(, $code:literal => $helper:ident)*) => {
        match $reply {
            Reply::Success => {
                $then.$success($($body)?);
            }
            Reply::Error(status, error) => match status {
                $($code => {
                    $then.$helper(error);
                })*
                401 => {
                    $then.unauthorized(error);
                }
                403 => {
                    $then.forbidden(error);
                }
                404 => {
                    $then.not_found(error);
                }
                429 => {
                    $then.too_many_requests(error);
                }
                other => panic!("{}: the typed mock has no helper for status {other}", $op),
            },
        }
    };
}

/// What a call gave back.
#[derive(Debug)]
enum Answer<R, L> {
    Page(L),
    Ruleset(R),
    Deleted,
}

/// One call: the operation, the success status its runner expects, how many
/// requests matched the mock, and what the client returned.
struct Outcome<R, L> {
    op: String,
    success: u16,
    calls: usize,
    result: Result<ResponseValue<Answer<R, L>>, Error<types::Error>>,
}

impl<R, L> Outcome<R, L>
where
    R: serde::Serialize + std::fmt::Debug,
    L: serde::Serialize + std::fmt::Debug,
{
    async fn new<T>(
        op: String,
        success: u16,
        mock: Mock<'_>,
        result: Result<ResponseValue<T>, Error<types::Error>>,
        wrap: fn(T) -> Answer<R, L>,
    ) -> Self {
        let calls = mock.calls_async().await;
        mock.delete_async().await;
        let result = result.map(|rv| {
            let (status, headers) = (rv.status(), rv.headers().clone());
            ResponseValue::new(wrap(rv.into_inner()), status, headers)
        });
        Self {
            op,
            success,
            calls,
            result,
        }
    }

    /// The decoded success body, after checking that the request matched
    /// the mock once, the status, and that it round-trips to the example.
    fn succeeded(self) -> Answer<R, L> {
        let op = &self.op;
        assert_eq!(self.calls, 1, "{op}: requests matching the mock");
        let rv = self
            .result
            .unwrap_or_else(|e| panic!("{op}: expected success, got {e:?}"));
        assert_eq!(rv.status().as_u16(), self.success, "{op}: status");
        let answer = rv.into_inner();
        match &answer {
            Answer::Page(page) => assert_round_trips(page, op, self.success),
            Answer::Ruleset(ruleset) => assert_round_trips(ruleset, op, self.success),
            Answer::Deleted => {}
        }
        answer
    }

    fn page(self) -> L {
        let op = self.op.clone();
        match self.succeeded() {
            Answer::Page(page) => page,
            other => panic!("{op}: expected a page, got {other:?}"),
        }
    }

    fn ruleset(self) -> R {
        let op = self.op.clone();
        match self.succeeded() {
            Answer::Ruleset(ruleset) => ruleset,
            other => panic!("{op}: expected a ruleset, got {other:?}"),
        }
    }

    fn deleted(self) {
        let op = self.op.clone();
        match self.succeeded() {
            Answer::Deleted => {}
            other => panic!("{op}: expected an empty answer, got {other:?}"),
        }
    }

    /// The vendor error, checked against the spec's example for `status`.
    fn failed(self, status: u16) -> types::Error {
        assert_eq!(
            self.calls, 1,
            "{} {status}: requests matching the mock",
            self.op
        );
        expect_vendor_error(self.result, &self.op, status)
    }
}

fn related_user(username: &str) -> types::RelatedUser {
    types::RelatedUser {
        username: username.to_string(),
    }
}

fn related_group(uid: &str) -> types::RelatedUserGroup {
    types::RelatedUserGroup {
        uid: uid.to_string(),
    }
}

/// Access rules that show the records: `fields` (None for all), the records
/// matching `filter`, within `quota` calls per period.
fn access(
    fields: Option<&[&str]>,
    filter: &str,
    quota: Option<(i64, Per)>,
) -> Option<types::DatasetSecurity> {
    Some(types::DatasetSecurity {
        is_data_visible: Some(true),
        visible_fields: fields.map(|f| f.iter().map(|name| name.to_string()).collect()),
        filter_query: Some(filter.to_string()),
        api_calls_quota: quota.map(|(limit, unit)| types::DatasetApiCallsQuota { limit, unit }),
    })
}

const LOUISE_FIELDS: [&str; 4] = ["year", "state_name", "county_name", "population"];

async fn dataset_user(
    server: &MockServer,
    client: &Client,
    kind: Kind,
    reply: Reply<'_>,
) -> Outcome<types::DatasetUserSecurity, types::DatasetUserSecurityList> {
    let op = kind.op("dataset", "user");
    let base = format!("/datasets/{DATASET}/security/users/");
    let one = format!("{base}{USER}/");
    match kind {
        Kind::List => {
            let page: types::DatasetUserSecurityList = example(&op, 200);
            let mock = server.list_dataset_user_security(|when, then| {
                let when = when.dataset_uid(DATASET).limit(2).offset(0).into_inner();
                expect_no_body(when, 2).path(&base);
                answer!(op, then, reply, ok(&page));
            });
            let result = client
                .list_dataset_user_security()
                .dataset_uid(DATASET)
                .limit(2)
                .offset(0)
                .send()
                .await;
            Outcome::new(op, 200, mock, result, Answer::Page).await
        }
        Kind::Create => {
            let ruleset: types::DatasetUserSecurity = example(&op, 201);
            let mock = server.create_dataset_user_security(|when, then| {
                let when = when.dataset_uid(DATASET).into_inner();
                let body = json!({
                    "user": {"username": USER},
                    "permissions": ["explore_restricted_dataset"],
                    "security": {
                        "is_data_visible": true,
                        "visible_fields": LOUISE_FIELDS,
                        "filter_query": "year >= 2020",
                        "api_calls_quota": {"limit": 5000, "unit": "day"},
                    },
                });
                expect_json_body(when, body).path(&base);
                answer!(op, then, reply, created(&ruleset), 400 => bad_request);
            });
            let result = client
                .create_dataset_user_security()
                .dataset_uid(DATASET)
                .body(types::DatasetUserSecurityRequest {
                    user: related_user(USER),
                    permissions: Some(vec![DatasetPerm::ExploreRestrictedDataset]),
                    security: access(Some(&LOUISE_FIELDS), "year >= 2020", Some((5000, Per::Day))),
                })
                .send()
                .await;
            Outcome::new(op, 201, mock, result, Answer::Ruleset).await
        }
        Kind::Get => {
            let ruleset: types::DatasetUserSecurity = example(&op, 200);
            let mock = server.get_dataset_user_security(|when, then| {
                let when = when.dataset_uid(DATASET).username(USER).into_inner();
                expect_no_body(when, 0).path(&one);
                answer!(op, then, reply, ok(&ruleset));
            });
            let result = client
                .get_dataset_user_security()
                .dataset_uid(DATASET)
                .username(USER)
                .send()
                .await;
            Outcome::new(op, 200, mock, result, Answer::Ruleset).await
        }
        Kind::Update => {
            let ruleset: types::DatasetUserSecurity = example(&op, 200);
            let mock = server.update_dataset_user_security(|when, then| {
                let when = when.dataset_uid(DATASET).username(USER).into_inner();
                // Unset fields are left out: no `visible_fields: null`.
                let body = json!({
                    "user": {"username": USER},
                    "permissions": ["explore_restricted_dataset", "edit_dataset"],
                    "security": {
                        "is_data_visible": true,
                        "filter_query": "",
                        "api_calls_quota": {"limit": 100000, "unit": "month"},
                    },
                });
                expect_json_body(when, body).path(&one);
                answer!(op, then, reply, ok(&ruleset), 400 => bad_request);
            });
            let result = client
                .update_dataset_user_security()
                .dataset_uid(DATASET)
                .username(USER)
                .body(types::DatasetUserSecurityRequest {
                    user: related_user(USER),
                    permissions: Some(vec![
                        DatasetPerm::ExploreRestrictedDataset,
                        DatasetPerm::EditDataset,
                    ]),
                    security: access(None, "", Some((100000, Per::Month))),
                })
                .send()
                .await;
            Outcome::new(op, 200, mock, result, Answer::Ruleset).await
        }
        Kind::Delete => {
            let mock = server.delete_dataset_user_security(|when, then| {
                let when = when.dataset_uid(DATASET).username(USER).into_inner();
                expect_no_body(when, 0).path(&one);
                answer!(op, then, reply, no_content());
            });
            let result = client
                .delete_dataset_user_security()
                .dataset_uid(DATASET)
                .username(USER)
                .send()
                .await;
            Outcome::new(op, 204, mock, result, |()| Answer::Deleted).await
        }
    }
}

async fn dataset_group(
    server: &MockServer,
    client: &Client,
    kind: Kind,
    reply: Reply<'_>,
) -> Outcome<types::DatasetGroupSecurity, types::DatasetGroupSecurityList> {
    let op = kind.op("dataset", "group");
    let base = format!("/datasets/{DATASET}/security/groups/");
    let one = format!("{base}{GROUP}/");
    match kind {
        Kind::List => {
            let page: types::DatasetGroupSecurityList = example(&op, 200);
            let mock = server.list_dataset_group_security(|when, then| {
                let when = when.dataset_uid(DATASET).limit(2).offset(0).into_inner();
                expect_no_body(when, 2).path(&base);
                answer!(op, then, reply, ok(&page));
            });
            let result = client
                .list_dataset_group_security()
                .dataset_uid(DATASET)
                .limit(2)
                .offset(0)
                .send()
                .await;
            Outcome::new(op, 200, mock, result, Answer::Page).await
        }
        Kind::Create => {
            let ruleset: types::DatasetGroupSecurity = example(&op, 201);
            let mock = server.create_dataset_group_security(|when, then| {
                let when = when.dataset_uid(DATASET).into_inner();
                let body = json!({
                    "group": {"uid": GROUP},
                    "permissions": ["edit_dataset", "publish_dataset"],
                    "security": {"is_data_visible": true, "filter_query": ""},
                });
                expect_json_body(when, body).path(&base);
                answer!(op, then, reply, created(&ruleset), 400 => bad_request);
            });
            let result = client
                .create_dataset_group_security()
                .dataset_uid(DATASET)
                .body(types::DatasetGroupSecurityRequest {
                    group: related_group(GROUP),
                    permissions: Some(vec![DatasetPerm::EditDataset, DatasetPerm::PublishDataset]),
                    security: access(None, "", None),
                })
                .send()
                .await;
            Outcome::new(op, 201, mock, result, Answer::Ruleset).await
        }
        Kind::Get => {
            let ruleset: types::DatasetGroupSecurity = example(&op, 200);
            let mock = server.get_dataset_group_security(|when, then| {
                let when = when.dataset_uid(DATASET).group_uid(GROUP).into_inner();
                expect_no_body(when, 0).path(&one);
                answer!(op, then, reply, ok(&ruleset));
            });
            let result = client
                .get_dataset_group_security()
                .dataset_uid(DATASET)
                .group_uid(GROUP)
                .send()
                .await;
            Outcome::new(op, 200, mock, result, Answer::Ruleset).await
        }
        Kind::Update => {
            let ruleset: types::DatasetGroupSecurity = example(&op, 200);
            let mock = server.update_dataset_group_security(|when, then| {
                let when = when.dataset_uid(DATASET).group_uid(GROUP).into_inner();
                let body = json!({
                    "group": {"uid": GROUP},
                    "permissions": ["edit_dataset", "publish_dataset", "manage_dataset"],
                    "security": {
                        "is_data_visible": true,
                        "filter_query": "",
                        "api_calls_quota": {"limit": 20000, "unit": "day"},
                    },
                });
                expect_json_body(when, body).path(&one);
                answer!(op, then, reply, ok(&ruleset), 400 => bad_request);
            });
            let result = client
                .update_dataset_group_security()
                .dataset_uid(DATASET)
                .group_uid(GROUP)
                .body(types::DatasetGroupSecurityRequest {
                    group: related_group(GROUP),
                    permissions: Some(vec![
                        DatasetPerm::EditDataset,
                        DatasetPerm::PublishDataset,
                        DatasetPerm::ManageDataset,
                    ]),
                    security: access(None, "", Some((20000, Per::Day))),
                })
                .send()
                .await;
            Outcome::new(op, 200, mock, result, Answer::Ruleset).await
        }
        Kind::Delete => {
            let mock = server.delete_dataset_group_security(|when, then| {
                let when = when.dataset_uid(DATASET).group_uid(GROUP).into_inner();
                expect_no_body(when, 0).path(&one);
                answer!(op, then, reply, no_content());
            });
            let result = client
                .delete_dataset_group_security()
                .dataset_uid(DATASET)
                .group_uid(GROUP)
                .send()
                .await;
            Outcome::new(op, 204, mock, result, |()| Answer::Deleted).await
        }
    }
}

async fn connection_user(
    server: &MockServer,
    client: &Client,
    kind: Kind,
    reply: Reply<'_>,
) -> Outcome<types::DatasourceConnectionUserSecurity, types::DatasourceConnectionUserSecurityList> {
    let op = kind.op("datasource_connection", "user");
    let base = format!("/datasource_connections/{CONNECTION}/security/users/");
    let one = format!("{base}{USER}/");
    match kind {
        Kind::List => {
            let page: types::DatasourceConnectionUserSecurityList = example(&op, 200);
            let mock = server.list_datasource_connection_user_security(|when, then| {
                let when = when.connection_uid(CONNECTION).limit(2).offset(0);
                expect_no_body(when.into_inner(), 2).path(&base);
                answer!(op, then, reply, ok(&page));
            });
            let result = client
                .list_datasource_connection_user_security()
                .connection_uid(CONNECTION)
                .limit(2)
                .offset(0)
                .send()
                .await;
            Outcome::new(op, 200, mock, result, Answer::Page).await
        }
        Kind::Create => {
            // 200, not 201, as the vendor documents it.
            let ruleset: types::DatasourceConnectionUserSecurity = example(&op, 200);
            let mock = server.create_datasource_connection_user_security(|when, then| {
                let when = when.connection_uid(CONNECTION).into_inner();
                let body =
                    json!({"user": {"username": USER}, "permissions": ["manage_connection"]});
                expect_json_body(when, body).path(&base);
                answer!(op, then, reply, ok(&ruleset), 400 => bad_request);
            });
            let result = client
                .create_datasource_connection_user_security()
                .connection_uid(CONNECTION)
                .body(types::DatasourceConnectionUserSecurityRequest {
                    user: related_user(USER),
                    permissions: Some(vec![ConnectionPerm::ManageConnection]),
                })
                .send()
                .await;
            Outcome::new(op, 200, mock, result, Answer::Ruleset).await
        }
        Kind::Get => {
            let ruleset: types::DatasourceConnectionUserSecurity = example(&op, 200);
            let mock = server.get_datasource_connection_user_security(|when, then| {
                let when = when.connection_uid(CONNECTION).username(USER).into_inner();
                expect_no_body(when, 0).path(&one);
                answer!(op, then, reply, ok(&ruleset));
            });
            let result = client
                .get_datasource_connection_user_security()
                .connection_uid(CONNECTION)
                .username(USER)
                .send()
                .await;
            Outcome::new(op, 200, mock, result, Answer::Ruleset).await
        }
        Kind::Update => {
            let ruleset: types::DatasourceConnectionUserSecurity = example(&op, 200);
            let mock = server.update_datasource_connection_user_security(|when, then| {
                let when = when.connection_uid(CONNECTION).username(USER).into_inner();
                // An empty list travels as is: it takes the permission away.
                let body = json!({"user": {"username": USER}, "permissions": []});
                expect_json_body(when, body).path(&one);
                answer!(op, then, reply, ok(&ruleset), 400 => bad_request);
            });
            let result = client
                .update_datasource_connection_user_security()
                .connection_uid(CONNECTION)
                .username(USER)
                .body(types::DatasourceConnectionUserSecurityRequest {
                    user: related_user(USER),
                    permissions: Some(vec![]),
                })
                .send()
                .await;
            Outcome::new(op, 200, mock, result, Answer::Ruleset).await
        }
        Kind::Delete => {
            let mock = server.delete_datasource_connection_user_security(|when, then| {
                let when = when.connection_uid(CONNECTION).username(USER).into_inner();
                expect_no_body(when, 0).path(&one);
                answer!(op, then, reply, no_content());
            });
            let result = client
                .delete_datasource_connection_user_security()
                .connection_uid(CONNECTION)
                .username(USER)
                .send()
                .await;
            Outcome::new(op, 204, mock, result, |()| Answer::Deleted).await
        }
    }
}

async fn connection_group(
    server: &MockServer,
    client: &Client,
    kind: Kind,
    reply: Reply<'_>,
) -> Outcome<types::DatasourceConnectionGroupSecurity, types::DatasourceConnectionGroupSecurityList>
{
    let op = kind.op("datasource_connection", "group");
    let base = format!("/datasource_connections/{CONNECTION}/security/groups/");
    let one = format!("{base}{GROUP}/");
    match kind {
        Kind::List => {
            let page: types::DatasourceConnectionGroupSecurityList = example(&op, 200);
            let mock = server.list_datasource_connection_group_security(|when, then| {
                let when = when.connection_uid(CONNECTION).limit(2).offset(0);
                expect_no_body(when.into_inner(), 2).path(&base);
                answer!(op, then, reply, ok(&page));
            });
            let result = client
                .list_datasource_connection_group_security()
                .connection_uid(CONNECTION)
                .limit(2)
                .offset(0)
                .send()
                .await;
            Outcome::new(op, 200, mock, result, Answer::Page).await
        }
        Kind::Create => {
            let ruleset: types::DatasourceConnectionGroupSecurity = example(&op, 200);
            let mock = server.create_datasource_connection_group_security(|when, then| {
                let when = when.connection_uid(CONNECTION).into_inner();
                let body = json!({"group": {"uid": GROUP}, "permissions": ["manage_connection"]});
                expect_json_body(when, body).path(&base);
                answer!(op, then, reply, ok(&ruleset), 400 => bad_request);
            });
            let result = client
                .create_datasource_connection_group_security()
                .connection_uid(CONNECTION)
                .body(types::DatasourceConnectionGroupSecurityRequest {
                    group: related_group(GROUP),
                    permissions: Some(vec![ConnectionPerm::ManageConnection]),
                })
                .send()
                .await;
            Outcome::new(op, 200, mock, result, Answer::Ruleset).await
        }
        Kind::Get => {
            let ruleset: types::DatasourceConnectionGroupSecurity = example(&op, 200);
            let mock = server.get_datasource_connection_group_security(|when, then| {
                let when = when
                    .connection_uid(CONNECTION)
                    .group_uid(GROUP)
                    .into_inner();
                expect_no_body(when, 0).path(&one);
                answer!(op, then, reply, ok(&ruleset));
            });
            let result = client
                .get_datasource_connection_group_security()
                .connection_uid(CONNECTION)
                .group_uid(GROUP)
                .send()
                .await;
            Outcome::new(op, 200, mock, result, Answer::Ruleset).await
        }
        Kind::Update => {
            let ruleset: types::DatasourceConnectionGroupSecurity = example(&op, 200);
            let mock = server.update_datasource_connection_group_security(|when, then| {
                let when = when
                    .connection_uid(CONNECTION)
                    .group_uid(GROUP)
                    .into_inner();
                let body = json!({"group": {"uid": GROUP}, "permissions": []});
                expect_json_body(when, body).path(&one);
                answer!(op, then, reply, ok(&ruleset), 400 => bad_request);
            });
            let result = client
                .update_datasource_connection_group_security()
                .connection_uid(CONNECTION)
                .group_uid(GROUP)
                .body(types::DatasourceConnectionGroupSecurityRequest {
                    group: related_group(GROUP),
                    permissions: Some(vec![]),
                })
                .send()
                .await;
            Outcome::new(op, 200, mock, result, Answer::Ruleset).await
        }
        Kind::Delete => {
            let mock = server.delete_datasource_connection_group_security(|when, then| {
                let when = when
                    .connection_uid(CONNECTION)
                    .group_uid(GROUP)
                    .into_inner();
                expect_no_body(when, 0).path(&one);
                answer!(op, then, reply, no_content());
            });
            let result = client
                .delete_datasource_connection_group_security()
                .connection_uid(CONNECTION)
                .group_uid(GROUP)
                .send()
                .await;
            Outcome::new(op, 204, mock, result, |()| Answer::Deleted).await
        }
    }
}

async fn studio_page_user(
    server: &MockServer,
    client: &Client,
    kind: Kind,
    reply: Reply<'_>,
) -> Outcome<types::StudioPageUserSecurity, types::StudioPageUserSecurityList> {
    let op = kind.op("studio_page", "user");
    let base = format!("/studio_pages/{STUDIO_PAGE}/security/users/");
    let one = format!("{base}{USER}/");
    match kind {
        Kind::List => {
            let page: types::StudioPageUserSecurityList = example(&op, 200);
            let mock = server.list_studio_page_user_security(|when, then| {
                let when = when.studio_page_uid(STUDIO_PAGE).limit(2).offset(0);
                expect_no_body(when.into_inner(), 2).path(&base);
                answer!(op, then, reply, ok(&page));
            });
            let result = client
                .list_studio_page_user_security()
                .studio_page_uid(STUDIO_PAGE)
                .limit(2)
                .offset(0)
                .send()
                .await;
            Outcome::new(op, 200, mock, result, Answer::Page).await
        }
        Kind::Create => {
            let ruleset: types::StudioPageUserSecurity = example(&op, 200);
            let mock = server.create_studio_page_user_security(|when, then| {
                let when = when.studio_page_uid(STUDIO_PAGE).into_inner();
                // No permissions given: the field is left out, not sent as
                // null or [].
                expect_json_body(when, json!({"user": {"username": USER}})).path(&base);
                answer!(op, then, reply, ok(&ruleset), 400 => bad_request);
            });
            let result = client
                .create_studio_page_user_security()
                .studio_page_uid(STUDIO_PAGE)
                .body(types::StudioPageUserSecurityRequest {
                    user: related_user(USER),
                    permissions: None,
                })
                .send()
                .await;
            Outcome::new(op, 200, mock, result, Answer::Ruleset).await
        }
        Kind::Get => {
            let ruleset: types::StudioPageUserSecurity = example(&op, 200);
            let mock = server.get_studio_page_user_security(|when, then| {
                let when = when
                    .studio_page_uid(STUDIO_PAGE)
                    .username(USER)
                    .into_inner();
                expect_no_body(when, 0).path(&one);
                answer!(op, then, reply, ok(&ruleset));
            });
            let result = client
                .get_studio_page_user_security()
                .studio_page_uid(STUDIO_PAGE)
                .username(USER)
                .send()
                .await;
            Outcome::new(op, 200, mock, result, Answer::Ruleset).await
        }
        Kind::Update => {
            let ruleset: types::StudioPageUserSecurity = example(&op, 200);
            let mock = server.update_studio_page_user_security(|when, then| {
                let when = when
                    .studio_page_uid(STUDIO_PAGE)
                    .username(USER)
                    .into_inner();
                let body = json!({"user": {"username": USER}, "permissions": ["edit_page"]});
                expect_json_body(when, body).path(&one);
                answer!(op, then, reply, ok(&ruleset), 400 => bad_request);
            });
            let result = client
                .update_studio_page_user_security()
                .studio_page_uid(STUDIO_PAGE)
                .username(USER)
                .body(types::StudioPageUserSecurityRequest {
                    user: related_user(USER),
                    permissions: Some(vec![StudioPerm::EditPage]),
                })
                .send()
                .await;
            Outcome::new(op, 200, mock, result, Answer::Ruleset).await
        }
        Kind::Delete => {
            let mock = server.delete_studio_page_user_security(|when, then| {
                let when = when
                    .studio_page_uid(STUDIO_PAGE)
                    .username(USER)
                    .into_inner();
                expect_no_body(when, 0).path(&one);
                answer!(op, then, reply, no_content());
            });
            let result = client
                .delete_studio_page_user_security()
                .studio_page_uid(STUDIO_PAGE)
                .username(USER)
                .send()
                .await;
            Outcome::new(op, 204, mock, result, |()| Answer::Deleted).await
        }
    }
}

async fn studio_page_group(
    server: &MockServer,
    client: &Client,
    kind: Kind,
    reply: Reply<'_>,
) -> Outcome<types::StudioPageGroupSecurity, types::StudioPageGroupSecurityList> {
    let op = kind.op("studio_page", "group");
    let base = format!("/studio_pages/{STUDIO_PAGE}/security/groups/");
    let one = format!("{base}{GROUP}/");
    match kind {
        Kind::List => {
            let page: types::StudioPageGroupSecurityList = example(&op, 200);
            let mock = server.list_studio_page_group_security(|when, then| {
                let when = when.studio_page_uid(STUDIO_PAGE).limit(2).offset(0);
                expect_no_body(when.into_inner(), 2).path(&base);
                answer!(op, then, reply, ok(&page));
            });
            let result = client
                .list_studio_page_group_security()
                .studio_page_uid(STUDIO_PAGE)
                .limit(2)
                .offset(0)
                .send()
                .await;
            Outcome::new(op, 200, mock, result, Answer::Page).await
        }
        Kind::Create => {
            let ruleset: types::StudioPageGroupSecurity = example(&op, 200);
            let mock = server.create_studio_page_group_security(|when, then| {
                let when = when.studio_page_uid(STUDIO_PAGE).into_inner();
                let body = json!({"group": {"uid": GROUP}, "permissions": ["edit_page"]});
                expect_json_body(when, body).path(&base);
                answer!(op, then, reply, ok(&ruleset), 400 => bad_request);
            });
            let result = client
                .create_studio_page_group_security()
                .studio_page_uid(STUDIO_PAGE)
                .body(types::StudioPageGroupSecurityRequest {
                    group: related_group(GROUP),
                    permissions: Some(vec![StudioPerm::EditPage]),
                })
                .send()
                .await;
            Outcome::new(op, 200, mock, result, Answer::Ruleset).await
        }
        Kind::Get => {
            let ruleset: types::StudioPageGroupSecurity = example(&op, 200);
            let mock = server.get_studio_page_group_security(|when, then| {
                let when = when
                    .studio_page_uid(STUDIO_PAGE)
                    .group_uid(GROUP)
                    .into_inner();
                expect_no_body(when, 0).path(&one);
                answer!(op, then, reply, ok(&ruleset));
            });
            let result = client
                .get_studio_page_group_security()
                .studio_page_uid(STUDIO_PAGE)
                .group_uid(GROUP)
                .send()
                .await;
            Outcome::new(op, 200, mock, result, Answer::Ruleset).await
        }
        Kind::Update => {
            let ruleset: types::StudioPageGroupSecurity = example(&op, 200);
            let mock = server.update_studio_page_group_security(|when, then| {
                let when = when
                    .studio_page_uid(STUDIO_PAGE)
                    .group_uid(GROUP)
                    .into_inner();
                let body = json!({"group": {"uid": GROUP}, "permissions": []});
                expect_json_body(when, body).path(&one);
                answer!(op, then, reply, ok(&ruleset), 400 => bad_request);
            });
            let result = client
                .update_studio_page_group_security()
                .studio_page_uid(STUDIO_PAGE)
                .group_uid(GROUP)
                .body(types::StudioPageGroupSecurityRequest {
                    group: related_group(GROUP),
                    permissions: Some(vec![]),
                })
                .send()
                .await;
            Outcome::new(op, 200, mock, result, Answer::Ruleset).await
        }
        Kind::Delete => {
            let mock = server.delete_studio_page_group_security(|when, then| {
                let when = when
                    .studio_page_uid(STUDIO_PAGE)
                    .group_uid(GROUP)
                    .into_inner();
                expect_no_body(when, 0).path(&one);
                answer!(op, then, reply, no_content());
            });
            let result = client
                .delete_studio_page_group_security()
                .studio_page_uid(STUDIO_PAGE)
                .group_uid(GROUP)
                .send()
                .await;
            Outcome::new(op, 204, mock, result, |()| Answer::Deleted).await
        }
    }
}

async fn code_editor_page_user(
    server: &MockServer,
    client: &Client,
    kind: Kind,
    reply: Reply<'_>,
) -> Outcome<types::CodeEditorPageUserSecurity, types::CodeEditorPageUserSecurityList> {
    let op = kind.op("code_editor_page", "user");
    let base = format!("/code_editor_pages/{PAGE_SLUG}/security/users/");
    let one = format!("{base}{USER}/");
    match kind {
        Kind::List => {
            let page: types::CodeEditorPageUserSecurityList = example(&op, 200);
            let mock = server.list_code_editor_page_user_security(|when, then| {
                let when = when.page_slug(PAGE_SLUG).limit(2).offset(0).into_inner();
                expect_no_body(when, 2).path(&base);
                answer!(op, then, reply, ok(&page));
            });
            let result = client
                .list_code_editor_page_user_security()
                .page_slug(PAGE_SLUG)
                .limit(2)
                .offset(0)
                .send()
                .await;
            Outcome::new(op, 200, mock, result, Answer::Page).await
        }
        Kind::Create => {
            let ruleset: types::CodeEditorPageUserSecurity = example(&op, 200);
            let mock = server.create_code_editor_page_user_security(|when, then| {
                let when = when.page_slug(PAGE_SLUG).into_inner();
                let body = json!({"user": {"username": USER}, "permissions": ["edit_page"]});
                expect_json_body(when, body).path(&base);
                answer!(op, then, reply, ok(&ruleset), 400 => bad_request);
            });
            let result = client
                .create_code_editor_page_user_security()
                .page_slug(PAGE_SLUG)
                .body(types::CodeEditorPageUserSecurityRequest {
                    user: related_user(USER),
                    permissions: Some(vec![CodeEditorPerm::EditPage]),
                })
                .send()
                .await;
            Outcome::new(op, 200, mock, result, Answer::Ruleset).await
        }
        Kind::Get => {
            let ruleset: types::CodeEditorPageUserSecurity = example(&op, 200);
            let mock = server.get_code_editor_page_user_security(|when, then| {
                let when = when.page_slug(PAGE_SLUG).username(USER).into_inner();
                expect_no_body(when, 0).path(&one);
                answer!(op, then, reply, ok(&ruleset));
            });
            let result = client
                .get_code_editor_page_user_security()
                .page_slug(PAGE_SLUG)
                .username(USER)
                .send()
                .await;
            Outcome::new(op, 200, mock, result, Answer::Ruleset).await
        }
        Kind::Update => {
            let ruleset: types::CodeEditorPageUserSecurity = example(&op, 200);
            let mock = server.update_code_editor_page_user_security(|when, then| {
                let when = when.page_slug(PAGE_SLUG).username(USER).into_inner();
                let body = json!({
                    "user": {"username": USER},
                    "permissions": ["edit_page", "manage_page"],
                });
                expect_json_body(when, body).path(&one);
                answer!(op, then, reply, ok(&ruleset), 400 => bad_request);
            });
            let result = client
                .update_code_editor_page_user_security()
                .page_slug(PAGE_SLUG)
                .username(USER)
                .body(types::CodeEditorPageUserSecurityRequest {
                    user: related_user(USER),
                    permissions: Some(vec![CodeEditorPerm::EditPage, CodeEditorPerm::ManagePage]),
                })
                .send()
                .await;
            Outcome::new(op, 200, mock, result, Answer::Ruleset).await
        }
        Kind::Delete => {
            let mock = server.delete_code_editor_page_user_security(|when, then| {
                let when = when.page_slug(PAGE_SLUG).username(USER).into_inner();
                expect_no_body(when, 0).path(&one);
                answer!(op, then, reply, no_content());
            });
            let result = client
                .delete_code_editor_page_user_security()
                .page_slug(PAGE_SLUG)
                .username(USER)
                .send()
                .await;
            Outcome::new(op, 204, mock, result, |()| Answer::Deleted).await
        }
    }
}

async fn code_editor_page_group(
    server: &MockServer,
    client: &Client,
    kind: Kind,
    reply: Reply<'_>,
) -> Outcome<types::CodeEditorPageGroupSecurity, types::CodeEditorPageGroupSecurityList> {
    let op = kind.op("code_editor_page", "group");
    let base = format!("/code_editor_pages/{PAGE_SLUG}/security/groups/");
    let one = format!("{base}{GROUP}/");
    match kind {
        Kind::List => {
            let page: types::CodeEditorPageGroupSecurityList = example(&op, 200);
            let mock = server.list_code_editor_page_group_security(|when, then| {
                let when = when.page_slug(PAGE_SLUG).limit(2).offset(0).into_inner();
                expect_no_body(when, 2).path(&base);
                answer!(op, then, reply, ok(&page));
            });
            let result = client
                .list_code_editor_page_group_security()
                .page_slug(PAGE_SLUG)
                .limit(2)
                .offset(0)
                .send()
                .await;
            Outcome::new(op, 200, mock, result, Answer::Page).await
        }
        Kind::Create => {
            let ruleset: types::CodeEditorPageGroupSecurity = example(&op, 200);
            let mock = server.create_code_editor_page_group_security(|when, then| {
                let when = when.page_slug(PAGE_SLUG).into_inner();
                let body = json!({
                    "group": {"uid": GROUP},
                    "permissions": ["edit_page", "manage_page"],
                });
                expect_json_body(when, body).path(&base);
                answer!(op, then, reply, ok(&ruleset), 400 => bad_request);
            });
            let result = client
                .create_code_editor_page_group_security()
                .page_slug(PAGE_SLUG)
                .body(types::CodeEditorPageGroupSecurityRequest {
                    group: related_group(GROUP),
                    permissions: Some(vec![CodeEditorPerm::EditPage, CodeEditorPerm::ManagePage]),
                })
                .send()
                .await;
            Outcome::new(op, 200, mock, result, Answer::Ruleset).await
        }
        Kind::Get => {
            let ruleset: types::CodeEditorPageGroupSecurity = example(&op, 200);
            let mock = server.get_code_editor_page_group_security(|when, then| {
                let when = when.page_slug(PAGE_SLUG).group_uid(GROUP).into_inner();
                expect_no_body(when, 0).path(&one);
                answer!(op, then, reply, ok(&ruleset));
            });
            let result = client
                .get_code_editor_page_group_security()
                .page_slug(PAGE_SLUG)
                .group_uid(GROUP)
                .send()
                .await;
            Outcome::new(op, 200, mock, result, Answer::Ruleset).await
        }
        Kind::Update => {
            let ruleset: types::CodeEditorPageGroupSecurity = example(&op, 200);
            let mock = server.update_code_editor_page_group_security(|when, then| {
                let when = when.page_slug(PAGE_SLUG).group_uid(GROUP).into_inner();
                let body = json!({"group": {"uid": GROUP}, "permissions": ["edit_page"]});
                expect_json_body(when, body).path(&one);
                answer!(op, then, reply, ok(&ruleset), 400 => bad_request);
            });
            let result = client
                .update_code_editor_page_group_security()
                .page_slug(PAGE_SLUG)
                .group_uid(GROUP)
                .body(types::CodeEditorPageGroupSecurityRequest {
                    group: related_group(GROUP),
                    permissions: Some(vec![CodeEditorPerm::EditPage]),
                })
                .send()
                .await;
            Outcome::new(op, 200, mock, result, Answer::Ruleset).await
        }
        Kind::Delete => {
            let mock = server.delete_code_editor_page_group_security(|when, then| {
                let when = when.page_slug(PAGE_SLUG).group_uid(GROUP).into_inner();
                expect_no_body(when, 0).path(&one);
                answer!(op, then, reply, no_content());
            });
            let result = client
                .delete_code_editor_page_group_security()
                .page_slug(PAGE_SLUG)
                .group_uid(GROUP)
                .send()
                .await;
            Outcome::new(op, 204, mock, result, |()| Answer::Deleted).await
        }
    }
}

// ---------------------------------------------------------------------------
// Success: each kind of ruleset through its five operations
// ---------------------------------------------------------------------------

/// A server and a client for it.
async fn setup() -> (MockServer, Client) {
    let server = MockServer::start_async().await;
    let client = client(&server);
    (server, client)
}

#[tokio::test]
async fn dataset_user_rulesets_decode_with_their_access_rules() {
    let (server, client) = setup().await;
    let run = |kind| dataset_user(&server, &client, kind, Reply::Success);
    let louise = types::DatasetUserSecurity {
        user: related_user(USER),
        permissions: vec![DatasetPerm::ExploreRestrictedDataset],
        security: access(Some(&LOUISE_FIELDS), "year >= 2020", Some((5000, Per::Day))),
    };

    let page = run(Kind::List).await.page();
    assert_eq!(page.total_count, Some(5), "list_dataset_user_security");
    assert_eq!(
        page.next.as_deref(),
        Some("https://documentation-resources.opendatasoft.com/api/automation/v1.0/datasets/da_qf2hyt/security/users/?limit=2&offset=2"),
        "list_dataset_user_security"
    );
    assert_eq!(page.previous, None, "list_dataset_user_security");
    let marc = types::DatasetUserSecurity {
        user: related_user("marc.admin"),
        permissions: vec![
            DatasetPerm::EditDataset,
            DatasetPerm::PublishDataset,
            DatasetPerm::ManageDataset,
        ],
        // null fields and quota: every field, no quota.
        security: access(None, "", None),
    };
    assert_eq!(
        page.results,
        [louise.clone(), marc],
        "list_dataset_user_security"
    );

    assert_eq!(
        run(Kind::Create).await.ruleset(),
        louise,
        "create_dataset_user_security"
    );
    assert_eq!(
        run(Kind::Get).await.ruleset(),
        louise,
        "get_dataset_user_security"
    );
    let updated = types::DatasetUserSecurity {
        user: related_user(USER),
        permissions: vec![
            DatasetPerm::ExploreRestrictedDataset,
            DatasetPerm::EditDataset,
        ],
        security: access(None, "", Some((100000, Per::Month))),
    };
    assert_eq!(
        run(Kind::Update).await.ruleset(),
        updated,
        "update_dataset_user_security"
    );
    run(Kind::Delete).await.deleted();
}

#[tokio::test]
async fn dataset_group_rulesets_decode_with_their_access_rules() {
    let (server, client) = setup().await;
    let run = |kind| dataset_group(&server, &client, kind, Reply::Success);
    let stewards = types::DatasetGroupSecurity {
        group: related_group(GROUP),
        permissions: vec![DatasetPerm::EditDataset, DatasetPerm::PublishDataset],
        security: access(None, "", None),
    };

    let page = run(Kind::List).await.page();
    assert_eq!(page.total_count, Some(2), "list_dataset_group_security");
    assert_eq!(
        (page.next, page.previous),
        (None, None),
        "list_dataset_group_security"
    );
    let partners = types::DatasetGroupSecurity {
        group: related_group("city_partners"),
        permissions: vec![DatasetPerm::ExploreRestrictedDataset],
        security: access(
            Some(&["year", "county_name", "population"]),
            "state_name = \"New York\"",
            Some((1000, Per::Hour)),
        ),
    };
    assert_eq!(
        page.results,
        [stewards.clone(), partners],
        "list_dataset_group_security"
    );

    assert_eq!(
        run(Kind::Create).await.ruleset(),
        stewards,
        "create_dataset_group_security"
    );
    assert_eq!(
        run(Kind::Get).await.ruleset(),
        stewards,
        "get_dataset_group_security"
    );
    let updated = types::DatasetGroupSecurity {
        group: related_group(GROUP),
        permissions: vec![
            DatasetPerm::EditDataset,
            DatasetPerm::PublishDataset,
            DatasetPerm::ManageDataset,
        ],
        security: access(None, "", Some((20000, Per::Day))),
    };
    assert_eq!(
        run(Kind::Update).await.ruleset(),
        updated,
        "update_dataset_group_security"
    );
    run(Kind::Delete).await.deleted();
}

#[tokio::test]
async fn datasource_connection_user_rulesets_decode_with_their_permission() {
    let (server, client) = setup().await;
    let run = |kind| connection_user(&server, &client, kind, Reply::Success);
    let ruleset = |username: &str, permissions| types::DatasourceConnectionUserSecurity {
        user: related_user(username),
        permissions,
    };
    let manager = ruleset(USER, vec![ConnectionPerm::ManageConnection]);

    let page = run(Kind::List).await.page();
    let op = "list_datasource_connection_user_security";
    assert_eq!(page.total_count, Some(2), "{op}");
    assert_eq!((page.next, page.previous), (None, None), "{op}");
    assert_eq!(
        page.results,
        [manager.clone(), ruleset("jmartin", vec![])],
        "{op}"
    );

    let op = "create_datasource_connection_user_security";
    assert_eq!(run(Kind::Create).await.ruleset(), manager, "{op}");
    let op = "get_datasource_connection_user_security";
    assert_eq!(run(Kind::Get).await.ruleset(), manager, "{op}");
    let op = "update_datasource_connection_user_security";
    assert_eq!(
        run(Kind::Update).await.ruleset(),
        ruleset(USER, vec![]),
        "{op}"
    );
    run(Kind::Delete).await.deleted();
}

#[tokio::test]
async fn datasource_connection_group_rulesets_decode_with_their_permission() {
    let (server, client) = setup().await;
    let run = |kind| connection_group(&server, &client, kind, Reply::Success);
    let ruleset = |uid: &str, permissions| types::DatasourceConnectionGroupSecurity {
        group: related_group(uid),
        permissions,
    };
    let managers = ruleset(GROUP, vec![ConnectionPerm::ManageConnection]);

    let page = run(Kind::List).await.page();
    let op = "list_datasource_connection_group_security";
    assert_eq!(page.total_count, Some(2), "{op}");
    assert_eq!((page.next, page.previous), (None, None), "{op}");
    assert_eq!(
        page.results,
        [managers.clone(), ruleset("city_partners", vec![])],
        "{op}"
    );

    let op = "create_datasource_connection_group_security";
    assert_eq!(run(Kind::Create).await.ruleset(), managers, "{op}");
    let op = "get_datasource_connection_group_security";
    assert_eq!(run(Kind::Get).await.ruleset(), managers, "{op}");
    let op = "update_datasource_connection_group_security";
    assert_eq!(
        run(Kind::Update).await.ruleset(),
        ruleset(GROUP, vec![]),
        "{op}"
    );
    run(Kind::Delete).await.deleted();
}

#[tokio::test]
async fn studio_page_user_rulesets_decode_with_their_permission() {
    let (server, client) = setup().await;
    let run = |kind| studio_page_user(&server, &client, kind, Reply::Success);
    let ruleset = |username: &str, permissions| types::StudioPageUserSecurity {
        user: related_user(username),
        permissions,
    };
    let editor = ruleset(USER, vec![StudioPerm::EditPage]);

    let page = run(Kind::List).await.page();
    let op = "list_studio_page_user_security";
    assert_eq!(page.total_count, Some(2), "{op}");
    assert_eq!((page.next, page.previous), (None, None), "{op}");
    assert_eq!(
        page.results,
        [editor.clone(), ruleset("jmartin", vec![])],
        "{op}"
    );

    let op = "create_studio_page_user_security";
    assert_eq!(
        run(Kind::Create).await.ruleset(),
        ruleset(USER, vec![]),
        "{op}"
    );
    assert_eq!(
        run(Kind::Get).await.ruleset(),
        editor,
        "get_studio_page_user_security"
    );
    let op = "update_studio_page_user_security";
    assert_eq!(run(Kind::Update).await.ruleset(), editor, "{op}");
    run(Kind::Delete).await.deleted();
}

#[tokio::test]
async fn studio_page_group_rulesets_decode_with_their_permission() {
    let (server, client) = setup().await;
    let run = |kind| studio_page_group(&server, &client, kind, Reply::Success);
    let ruleset = |uid: &str, permissions| types::StudioPageGroupSecurity {
        group: related_group(uid),
        permissions,
    };
    let editors = ruleset(GROUP, vec![StudioPerm::EditPage]);

    let page = run(Kind::List).await.page();
    let op = "list_studio_page_group_security";
    assert_eq!(page.total_count, Some(2), "{op}");
    assert_eq!((page.next, page.previous), (None, None), "{op}");
    assert_eq!(
        page.results,
        [editors.clone(), ruleset("city_partners", vec![])],
        "{op}"
    );

    let op = "create_studio_page_group_security";
    assert_eq!(run(Kind::Create).await.ruleset(), editors, "{op}");
    assert_eq!(
        run(Kind::Get).await.ruleset(),
        editors,
        "get_studio_page_group_security"
    );
    let op = "update_studio_page_group_security";
    assert_eq!(
        run(Kind::Update).await.ruleset(),
        ruleset(GROUP, vec![]),
        "{op}"
    );
    run(Kind::Delete).await.deleted();
}

#[tokio::test]
async fn code_editor_page_user_rulesets_decode_with_their_permissions() {
    let (server, client) = setup().await;
    let run = |kind| code_editor_page_user(&server, &client, kind, Reply::Success);
    let ruleset = |username: &str, permissions| types::CodeEditorPageUserSecurity {
        user: related_user(username),
        permissions,
    };
    let editor = ruleset(USER, vec![CodeEditorPerm::EditPage]);
    let manager = ruleset(
        USER,
        vec![CodeEditorPerm::EditPage, CodeEditorPerm::ManagePage],
    );

    let page = run(Kind::List).await.page();
    let op = "list_code_editor_page_user_security";
    assert_eq!(page.total_count, Some(2), "{op}");
    assert_eq!((page.next, page.previous), (None, None), "{op}");
    assert_eq!(
        page.results,
        [manager.clone(), ruleset("jmartin", vec![])],
        "{op}"
    );

    let op = "create_code_editor_page_user_security";
    assert_eq!(run(Kind::Create).await.ruleset(), editor, "{op}");
    let op = "get_code_editor_page_user_security";
    assert_eq!(run(Kind::Get).await.ruleset(), editor, "{op}");
    let op = "update_code_editor_page_user_security";
    assert_eq!(run(Kind::Update).await.ruleset(), manager, "{op}");
    run(Kind::Delete).await.deleted();
}

#[tokio::test]
async fn code_editor_page_group_rulesets_decode_with_their_permissions() {
    let (server, client) = setup().await;
    let run = |kind| code_editor_page_group(&server, &client, kind, Reply::Success);
    let ruleset = |uid: &str, permissions| types::CodeEditorPageGroupSecurity {
        group: related_group(uid),
        permissions,
    };
    let editors = ruleset(GROUP, vec![CodeEditorPerm::EditPage]);
    let managers = ruleset(
        GROUP,
        vec![CodeEditorPerm::EditPage, CodeEditorPerm::ManagePage],
    );

    let page = run(Kind::List).await.page();
    let op = "list_code_editor_page_group_security";
    assert_eq!(page.total_count, Some(2), "{op}");
    assert_eq!((page.next, page.previous), (None, None), "{op}");
    let partners = ruleset("city_partners", vec![CodeEditorPerm::EditPage]);
    assert_eq!(page.results, [managers.clone(), partners], "{op}");

    let op = "create_code_editor_page_group_security";
    assert_eq!(run(Kind::Create).await.ruleset(), managers, "{op}");
    let op = "get_code_editor_page_group_security";
    assert_eq!(run(Kind::Get).await.ruleset(), managers, "{op}");
    let op = "update_code_editor_page_group_security";
    assert_eq!(run(Kind::Update).await.ruleset(), editors, "{op}");
    run(Kind::Delete).await.deleted();
}

// ---------------------------------------------------------------------------
// Request variants
// ---------------------------------------------------------------------------

#[tokio::test]
async fn create_dataset_user_security_with_only_the_user_omits_every_unset_field() {
    let server = MockServer::start_async().await;
    let body: types::DatasetUserSecurity = example("create_dataset_user_security", 201);
    let mock = server.create_dataset_user_security(|when, then| {
        let when = when.dataset_uid(DATASET).into_inner();
        // Exactly this object: no `permissions: null`, no `security`.
        expect_json_body(when, json!({"user": {"username": "jmartin"}}))
            .path(format!("/datasets/{DATASET}/security/users/"));
        then.created(&body);
    });

    client(&server)
        .create_dataset_user_security()
        .dataset_uid(DATASET)
        .body(types::DatasetUserSecurityRequest {
            user: related_user("jmartin"),
            permissions: None,
            security: None,
        })
        .send()
        .await
        .expect("create_dataset_user_security");

    mock.assert_async().await;
}

#[tokio::test]
async fn update_dataset_group_security_sends_empty_lists_to_hide_every_field() {
    let server = MockServer::start_async().await;
    // No permission and no field: the members see the metadata only.
    let hidden = types::DatasetSecurity {
        is_data_visible: Some(false),
        visible_fields: Some(vec![]),
        filter_query: None,
        api_calls_quota: None,
    };
    let answer = types::DatasetGroupSecurity {
        group: related_group(GROUP),
        permissions: vec![],
        security: Some(hidden.clone()),
    };
    let mock = server.update_dataset_group_security(|when, then| {
        let when = when.dataset_uid(DATASET).group_uid(GROUP).into_inner();
        let body = json!({
            "group": {"uid": GROUP},
            "permissions": [],
            "security": {"is_data_visible": false, "visible_fields": []},
        });
        expect_json_body(when, body).path(format!("/datasets/{DATASET}/security/groups/{GROUP}/"));
        then.ok(&answer);
    });

    let ruleset = client(&server)
        .update_dataset_group_security()
        .dataset_uid(DATASET)
        .group_uid(GROUP)
        .body(types::DatasetGroupSecurityRequest {
            group: related_group(GROUP),
            permissions: Some(vec![]),
            security: Some(hidden),
        })
        .send()
        .await
        .expect("update_dataset_group_security")
        .into_inner();

    mock.assert_async().await;
    // An empty list of fields (none visible) stays apart from null (all).
    let security = ruleset.security.expect("security");
    assert_eq!(security.visible_fields, Some(vec![]));
    assert_eq!(security.is_data_visible, Some(false));
}

#[tokio::test]
async fn list_studio_page_group_security_without_paging_sends_no_query_parameter() {
    let server = MockServer::start_async().await;
    let body: types::StudioPageGroupSecurityList = example("list_studio_page_group_security", 200);
    let mock = server.list_studio_page_group_security(|when, then| {
        let when = when
            .studio_page_uid(STUDIO_PAGE)
            .limit(None)
            .offset(None)
            .into_inner();
        expect_no_body(when, 0)
            .path(format!("/studio_pages/{STUDIO_PAGE}/security/groups/"))
            .is_true(|req| req.uri().query().is_none_or(str::is_empty));
        then.ok(&body);
    });

    let page = client(&server)
        .list_studio_page_group_security()
        .studio_page_uid(STUDIO_PAGE)
        .send()
        .await
        .expect("list_studio_page_group_security")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page, body);
}

// ---------------------------------------------------------------------------
// Error statuses: one named test per documented status, then every
// documented (operation, status) pair.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn create_dataset_user_security_reports_an_invalid_body_as_a_bad_request() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("create_dataset_user_security", 400);
    let mock = server.create_dataset_user_security(|when, then| {
        let when = when.dataset_uid(DATASET).into_inner();
        expect_json_body(when, json!({"user": {"username": ""}}))
            .path(format!("/datasets/{DATASET}/security/users/"));
        then.bad_request(&body);
    });

    let result = client(&server)
        .create_dataset_user_security()
        .dataset_uid(DATASET)
        .body(types::DatasetUserSecurityRequest {
            user: related_user(""),
            permissions: None,
            security: None,
        })
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
    assert_round_trips(&rv.into_inner(), "create_dataset_user_security", 400);
}

#[tokio::test]
async fn list_datasource_connection_group_security_reports_a_rejected_key_as_unauthorized() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("list_datasource_connection_group_security", 401);
    let mock = server.list_datasource_connection_group_security(|when, then| {
        when.connection_uid(CONNECTION);
        then.unauthorized(&body);
    });

    let result = client(&server)
        .list_datasource_connection_group_security()
        .connection_uid(CONNECTION)
        .send()
        .await;

    mock.assert_async().await;
    let rv = match result {
        Err(Error::ErrorResponse(rv)) => rv,
        other => panic!("expected Error::ErrorResponse, got {other:?}"),
    };
    assert_eq!(rv.status().as_u16(), 401);
    assert_eq!(rv.message, "Incorrect authentication credentials.");
    assert_eq!(rv.error_code, "authentication_failed");
    assert_round_trips(
        &rv.into_inner(),
        "list_datasource_connection_group_security",
        401,
    );
}

#[tokio::test]
async fn update_studio_page_user_security_reports_a_missing_permission_as_forbidden() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("update_studio_page_user_security", 403);
    let mock = server.update_studio_page_user_security(|when, then| {
        when.studio_page_uid(STUDIO_PAGE).username(USER);
        then.forbidden(&body);
    });

    let result = client(&server)
        .update_studio_page_user_security()
        .studio_page_uid(STUDIO_PAGE)
        .username(USER)
        .body(types::StudioPageUserSecurityRequest {
            user: related_user(USER),
            permissions: Some(vec![StudioPerm::EditPage]),
        })
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
    assert_round_trips(&rv.into_inner(), "update_studio_page_user_security", 403);
}

#[tokio::test]
async fn get_code_editor_page_group_security_reports_an_unknown_group_as_not_found() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("get_code_editor_page_group_security", 404);
    let mock = server.get_code_editor_page_group_security(|when, then| {
        let when = when
            .page_slug(PAGE_SLUG)
            .group_uid("no_such_group")
            .into_inner();
        expect_no_body(when, 0).path(format!(
            "/code_editor_pages/{PAGE_SLUG}/security/groups/no_such_group/"
        ));
        then.not_found(&body);
    });

    let result = client(&server)
        .get_code_editor_page_group_security()
        .page_slug(PAGE_SLUG)
        .group_uid("no_such_group")
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
    assert_round_trips(&rv.into_inner(), "get_code_editor_page_group_security", 404);
}

#[tokio::test]
async fn delete_dataset_group_security_reports_throttling_with_its_trace_id() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("delete_dataset_group_security", 429);
    let mock = server.delete_dataset_group_security(|when, then| {
        when.dataset_uid(DATASET).group_uid(GROUP);
        then.too_many_requests(&body);
    });

    let result = client(&server)
        .delete_dataset_group_security()
        .dataset_uid(DATASET)
        .group_uid(GROUP)
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
    assert_round_trips(&rv.into_inner(), "delete_dataset_group_security", 429);
}

/// Runs `op` through its runner, answering `status` with `body`, and returns
/// the decoded vendor error.
async fn error_of(
    server: &MockServer,
    client: &Client,
    op: &str,
    status: u16,
    body: &types::Error,
) -> types::Error {
    let (kind, resource, principal) = parse(op);
    let reply = Reply::Error(status, body);
    match (resource, principal) {
        ("dataset", "user") => dataset_user(server, client, kind, reply)
            .await
            .failed(status),
        ("dataset", "group") => dataset_group(server, client, kind, reply)
            .await
            .failed(status),
        ("datasource_connection", "user") => connection_user(server, client, kind, reply)
            .await
            .failed(status),
        ("datasource_connection", "group") => connection_group(server, client, kind, reply)
            .await
            .failed(status),
        ("studio_page", "user") => studio_page_user(server, client, kind, reply)
            .await
            .failed(status),
        ("studio_page", "group") => studio_page_group(server, client, kind, reply)
            .await
            .failed(status),
        ("code_editor_page", "user") => code_editor_page_user(server, client, kind, reply)
            .await
            .failed(status),
        ("code_editor_page", "group") => code_editor_page_group(server, client, kind, reply)
            .await
            .failed(status),
        other => panic!("{op}: no runner for {other:?}"),
    }
}

#[tokio::test]
async fn every_documented_error_status_of_every_operation_is_an_error_response() {
    let (server, client) = setup().await;
    let mut cases = 0;
    let mut statuses_seen = Vec::new();
    for op in tested_operations() {
        // Every 4xx/5xx the spec documents, not only the expected ones, so a
        // newly documented status cannot be skipped silently.
        for status in 400..600 {
            if examples::example(&op, status).is_none() {
                continue; // not documented for this operation
            }
            assert!(
                ERROR_STATUSES.contains(&status),
                "{op} documents {status}: add it to ERROR_STATUSES and to `answer!`"
            );
            let body: types::Error = example(&op, status);
            let error = error_of(&server, &client, &op, status, &body).await;
            assert_eq!(error, body, "{op} {status}: decoded error");
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
    // Per kind of ruleset: list 4, create 5, get 4, update 5, delete 4.
    assert_eq!(cases, 8 * 22, "documented (operation, error status) pairs");
}
