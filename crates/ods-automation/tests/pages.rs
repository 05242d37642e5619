//! Operation tests for the generated Opendatasoft Automation API client
//! ("Studio pages", "Code editor pages" and "Metadata templates" tags).
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
    self, MetadataTemplateFieldRequirementLevel as Level, MetadataTemplateFieldType as FieldType,
    MetadataTemplateType as TemplateType,
};
use ods_automation::{examples, Client, Error, ResponseValue};
use serde_json::{json, Value};

mod support;
use support::*;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// Path parameters, taken from the spec's parameter examples.
const STUDIO_PAGE: &str = "sp_9tvb2k";
const PAGE_SLUG: &str = "air-quality-dashboard";
const TEMPLATE: &str = "default";
const FIELD: &str = "title";

/// Every error status the spec documents, over all these operations.
const ERROR_STATUSES: [u16; 5] = [400, 401, 403, 404, 429];

fn related_user(username: &str) -> Option<types::RelatedUser> {
    Some(types::RelatedUser {
        username: username.to_string(),
    })
}

/// A map keyed by language code, as the code editor pages' texts are.
fn by_language(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(language, text)| (language.to_string(), text.to_string()))
        .collect()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// A studio page request that sets nothing.
fn studio_page_request() -> types::StudioPageRequest {
    types::StudioPageRequest {
        slug: None,
        public: None,
    }
}

/// A code editor page request with only its (required) content.
fn code_editor_page_request(html_en: &str) -> types::CodeEditorPageRequest {
    types::CodeEditorPageRequest {
        slug: None,
        title: HashMap::new(),
        description: None,
        content: types::CodeEditorPageContent {
            html: by_language(&[("en", html_en)]),
            css: HashMap::new(),
        },
        template: None,
        tags: None,
        is_restricted: None,
        is_archived: None,
    }
}

/// A template field with its name only: every optional member is unset.
fn field_request(name: &str) -> types::MetadataTemplateFieldRequest {
    types::MetadataTemplateFieldRequest {
        name: name.to_string(),
        type_: None,
        label: None,
        help_text: None,
        self_suggest: None,
        is_filter: None,
        i18n: None,
        choices: Vec::new(),
        labels: HashMap::new(),
        requirement_level: None,
    }
}

fn template_request(name: &str, type_: TemplateType) -> types::MetadataTemplateRequest {
    types::MetadataTemplateRequest {
        name: name.to_string(),
        title: "Procurement".to_string(),
        type_,
        is_active: true,
        schema: Vec::new(),
    }
}

/// Mocks `op` for the test ids, answering `status` with `body` through the
/// typed helper named after the status (for the table-driven error test; the
/// per-status tests call the helpers directly).
fn mock_error<'a>(server: &'a MockServer, op: &str, status: u16, body: &types::Error) -> Mock<'a> {
    // Each operation lists the helpers its typed mock has, i.e. the statuses
    // the spec documents for it; any other status panics. Every operation
    // documents 401, 403 and 429.
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
        // Studio pages
        "list_studio_pages" => {
            server.list_studio_pages(|_when, then| answer!(then, 404 => not_found))
        }
        "create_studio_page" => {
            server.create_studio_page(|_when, then| answer!(then, 400 => bad_request))
        }
        "get_studio_page" => server.get_studio_page(|when, then| {
            when.studio_page_uid(STUDIO_PAGE);
            answer!(then, 404 => not_found)
        }),
        "update_studio_page" => server.update_studio_page(|when, then| {
            when.studio_page_uid(STUDIO_PAGE);
            answer!(then, 400 => bad_request, 404 => not_found)
        }),
        "delete_studio_page" => server.delete_studio_page(|when, then| {
            when.studio_page_uid(STUDIO_PAGE);
            answer!(then, 404 => not_found)
        }),
        "publish_studio_page" => server.publish_studio_page(|when, then| {
            when.studio_page_uid(STUDIO_PAGE);
            answer!(then, 404 => not_found)
        }),
        "unpublish_studio_page" => server.unpublish_studio_page(|when, then| {
            when.studio_page_uid(STUDIO_PAGE);
            answer!(then, 404 => not_found)
        }),
        // Code editor pages
        "list_code_editor_pages" => server.list_code_editor_pages(|_when, then| answer!(then)),
        "create_code_editor_page" => {
            server.create_code_editor_page(|_when, then| answer!(then, 400 => bad_request))
        }
        "delete_code_editor_pages" => server.delete_code_editor_pages(|_when, then| answer!(then)),
        "get_code_editor_page" => server.get_code_editor_page(|when, then| {
            when.page_slug(PAGE_SLUG);
            answer!(then, 404 => not_found)
        }),
        "update_code_editor_page" => server.update_code_editor_page(|when, then| {
            when.page_slug(PAGE_SLUG);
            answer!(then, 400 => bad_request, 404 => not_found)
        }),
        "delete_code_editor_page" => server.delete_code_editor_page(|when, then| {
            when.page_slug(PAGE_SLUG);
            answer!(then, 404 => not_found)
        }),
        "archive_code_editor_page" => server.archive_code_editor_page(|when, then| {
            when.page_slug(PAGE_SLUG);
            answer!(then, 404 => not_found)
        }),
        "unarchive_code_editor_page" => server.unarchive_code_editor_page(|when, then| {
            when.page_slug(PAGE_SLUG);
            answer!(then, 404 => not_found)
        }),
        // Metadata templates
        "list_metadata_templates" => server.list_metadata_templates(|_when, then| answer!(then)),
        "create_metadata_template" => {
            server.create_metadata_template(|_when, then| answer!(then, 400 => bad_request))
        }
        "get_metadata_template" => server.get_metadata_template(|when, then| {
            when.template_name(TEMPLATE);
            answer!(then, 404 => not_found)
        }),
        "update_metadata_template" => server.update_metadata_template(|when, then| {
            when.template_name(TEMPLATE);
            answer!(then, 400 => bad_request, 404 => not_found)
        }),
        "delete_metadata_template" => server.delete_metadata_template(|when, then| {
            when.template_name(TEMPLATE);
            answer!(then, 404 => not_found)
        }),
        "list_metadata_template_fields" => server.list_metadata_template_fields(|when, then| {
            when.template_name(TEMPLATE);
            answer!(then, 404 => not_found)
        }),
        "get_metadata_template_field" => server.get_metadata_template_field(|when, then| {
            when.template_name(TEMPLATE).template_field_name(FIELD);
            answer!(then, 404 => not_found)
        }),
        "suggest_metadata_field_values" => server.suggest_metadata_field_values(|when, then| {
            when.template_name(TEMPLATE)
                .template_field_name(FIELD)
                .query("tra");
            answer!(then, 400 => bad_request, 404 => not_found)
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
        // Studio pages
        "list_studio_pages" => client.list_studio_pages().send().await.map(unit),
        "create_studio_page" => client
            .create_studio_page()
            .body(studio_page_request())
            .send()
            .await
            .map(unit),
        "get_studio_page" => client
            .get_studio_page()
            .studio_page_uid(STUDIO_PAGE)
            .send()
            .await
            .map(unit),
        "update_studio_page" => client
            .update_studio_page()
            .studio_page_uid(STUDIO_PAGE)
            .body(studio_page_request())
            .send()
            .await
            .map(unit),
        "delete_studio_page" => {
            client
                .delete_studio_page()
                .studio_page_uid(STUDIO_PAGE)
                .send()
                .await
        }
        "publish_studio_page" => client
            .publish_studio_page()
            .studio_page_uid(STUDIO_PAGE)
            .send()
            .await
            .map(unit),
        "unpublish_studio_page" => client
            .unpublish_studio_page()
            .studio_page_uid(STUDIO_PAGE)
            .send()
            .await
            .map(unit),
        // Code editor pages
        "list_code_editor_pages" => client.list_code_editor_pages().send().await.map(unit),
        "create_code_editor_page" => client
            .create_code_editor_page()
            .body(code_editor_page_request("<h1>Air quality</h1>"))
            .send()
            .await
            .map(unit),
        "delete_code_editor_pages" => client
            .delete_code_editor_pages()
            .search("budget")
            .send()
            .await
            .map(unit),
        "get_code_editor_page" => client
            .get_code_editor_page()
            .page_slug(PAGE_SLUG)
            .send()
            .await
            .map(unit),
        "update_code_editor_page" => client
            .update_code_editor_page()
            .page_slug(PAGE_SLUG)
            .body(code_editor_page_request("<h1>Air quality</h1>"))
            .send()
            .await
            .map(unit),
        "delete_code_editor_page" => {
            client
                .delete_code_editor_page()
                .page_slug(PAGE_SLUG)
                .send()
                .await
        }
        "archive_code_editor_page" => client
            .archive_code_editor_page()
            .page_slug(PAGE_SLUG)
            .send()
            .await
            .map(unit),
        "unarchive_code_editor_page" => client
            .unarchive_code_editor_page()
            .page_slug(PAGE_SLUG)
            .send()
            .await
            .map(unit),
        // Metadata templates
        "list_metadata_templates" => client.list_metadata_templates().send().await.map(unit),
        "create_metadata_template" => client
            .create_metadata_template()
            .body(template_request("procurement", TemplateType::Admin))
            .send()
            .await
            .map(unit),
        "get_metadata_template" => client
            .get_metadata_template()
            .template_name(TEMPLATE)
            .send()
            .await
            .map(unit),
        "update_metadata_template" => client
            .update_metadata_template()
            .template_name(TEMPLATE)
            .body(template_request(TEMPLATE, TemplateType::Basic))
            .send()
            .await
            .map(unit),
        "delete_metadata_template" => {
            client
                .delete_metadata_template()
                .template_name(TEMPLATE)
                .send()
                .await
        }
        "list_metadata_template_fields" => client
            .list_metadata_template_fields()
            .template_name(TEMPLATE)
            .send()
            .await
            .map(unit),
        "get_metadata_template_field" => client
            .get_metadata_template_field()
            .template_name(TEMPLATE)
            .template_field_name(FIELD)
            .send()
            .await
            .map(unit),
        "suggest_metadata_field_values" => client
            .suggest_metadata_field_values()
            .template_name(TEMPLATE)
            .template_field_name(FIELD)
            .query("tra")
            .send()
            .await
            .map(unit),
        other => panic!("no call for operation {other}: add it to call"),
    }
}

/// The operations this file covers, in the spec's order: the spec's
/// operations on studio pages and code editor pages (but not their
/// security, tested in `security.rs`) and on metadata, so a new one cannot
/// go untested silently.
const TESTED_OPERATIONS: [&str; 23] = [
    "list_studio_pages",
    "create_studio_page",
    "get_studio_page",
    "update_studio_page",
    "delete_studio_page",
    "publish_studio_page",
    "unpublish_studio_page",
    "list_code_editor_pages",
    "create_code_editor_page",
    "delete_code_editor_pages",
    "get_code_editor_page",
    "update_code_editor_page",
    "delete_code_editor_page",
    "archive_code_editor_page",
    "unarchive_code_editor_page",
    "list_metadata_templates",
    "create_metadata_template",
    "get_metadata_template",
    "update_metadata_template",
    "delete_metadata_template",
    "list_metadata_template_fields",
    "get_metadata_template_field",
    "suggest_metadata_field_values",
];

#[test]
fn every_pages_operation_of_the_spec_is_tested_here() {
    let spec: Vec<&str> = examples::OPERATIONS
        .iter()
        .filter(|(_, _, path)| {
            let page =
                path.starts_with("/studio_pages/") || path.starts_with("/code_editor_pages/");
            (page && !path.contains("/security/")) || path.starts_with("/metadata/")
        })
        .map(|(id, _, _)| *id)
        .collect();
    assert_eq!(spec, TESTED_OPERATIONS);
}

// ---------------------------------------------------------------------------
// Studio pages
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_studio_pages_sends_paging_and_decodes_the_pages_with_their_versions() {
    let server = MockServer::start_async().await;
    let body: types::StudioPageList = example("list_studio_pages", 200);
    let mock = server.list_studio_pages(|when, then| {
        let when = when.limit(2).offset(0).into_inner();
        expect_no_body(when, 2).path("/studio_pages/");
        then.ok(&body);
    });

    let page = client(&server)
        .list_studio_pages()
        .limit(2)
        .offset(0)
        .send()
        .await
        .expect("list_studio_pages")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.total_count, Some(2));
    assert_eq!(page.next, None);
    assert_eq!(page.previous, None);
    assert_eq!(page.results.len(), 2);
    let air = &page.results[0];
    assert_eq!(air.uid, STUDIO_PAGE);
    assert_eq!(air.slug, "air-quality");
    assert_eq!(air.public, Some(true));
    let versions: Vec<Option<&str>> = air
        .contents
        .iter()
        .map(|c| c.version_name.as_deref())
        .collect();
    assert_eq!(versions, [Some("draft"), Some("published")]);
    let draft = &air.contents[0];
    assert_eq!(draft.title.as_deref(), Some("Air quality in the city"));
    assert_eq!(
        draft.description.as_deref(),
        Some("Daily pollutant levels measured by the city's stations.")
    );
    assert_eq!(draft.created_at, utc(2024, 10, 2, 8, 14, 55));
    assert_eq!(draft.updated_at, utc(2025, 2, 3, 15, 40, 12));
    assert_eq!(draft.updated_by, related_user("louise.data"));
    assert_eq!(air.contents[1].updated_at, utc(2025, 1, 28, 11, 2, 47));
    assert_eq!(air.first_published_at, utc(2024, 10, 7, 9, 0, 3));
    assert_eq!(air.created_at, utc(2024, 10, 2, 8, 14, 55));
    assert_eq!(air.updated_at, utc(2025, 2, 3, 15, 40, 12));
    assert_eq!(air.created_by, related_user("louise.data"));
    let budget = &page.results[1];
    assert_eq!(budget.uid, "sp_3mzk7d");
    assert_eq!(budget.slug, "budget-2025");
    assert_eq!(budget.public, Some(false));
    assert_eq!(budget.contents.len(), 1);
    assert_eq!(budget.first_published_at, None, "never published");
    assert_eq!(budget.created_by, related_user("marc.admin"));
    assert_round_trips(&page, "list_studio_pages", 200);
}

#[tokio::test]
async fn list_studio_pages_without_paging_sends_no_query_parameter() {
    let server = MockServer::start_async().await;
    let body: types::StudioPageList = example("list_studio_pages", 200);
    let mock = server.list_studio_pages(|when, then| {
        let when = when.limit(None).offset(None).into_inner();
        expect_no_body(when, 0)
            .path("/studio_pages/")
            .is_true(|req| req.uri().query().is_none_or(str::is_empty));
        then.ok(&body);
    });

    let page = client(&server)
        .list_studio_pages()
        .send()
        .await
        .expect("list_studio_pages")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page, body);
}

#[tokio::test]
async fn create_studio_page_posts_slug_and_visibility_and_decodes_the_new_page() {
    let server = MockServer::start_async().await;
    let body: types::StudioPage = example("create_studio_page", 201);
    let mock = server.create_studio_page(|when, then| {
        let when = when.into_inner();
        expect_json_body(when, json!({"slug": "air-quality", "public": false}))
            .path("/studio_pages/");
        then.created(&body);
    });

    let rv = client(&server)
        .create_studio_page()
        .body(types::StudioPageRequest {
            slug: Some("air-quality".to_string()),
            public: Some(false),
        })
        .send()
        .await
        .expect("create_studio_page");

    mock.assert_async().await;
    assert_eq!(rv.status().as_u16(), 201);
    let page = rv.into_inner();
    assert_eq!(page.uid, STUDIO_PAGE);
    assert_eq!(page.slug, "air-quality");
    assert_eq!(page.public, Some(false));
    assert!(page.contents.is_empty());
    assert_eq!(page.first_published_at, None);
    assert_eq!(page.created_at, utc(2024, 10, 2, 8, 14, 55));
    assert_eq!(page.updated_at, page.created_at);
    assert_eq!(page.created_by, related_user("louise.data"));
    assert_round_trips(&page, "create_studio_page", 201);
}

#[tokio::test]
async fn create_studio_page_with_nothing_set_sends_an_empty_object() {
    let server = MockServer::start_async().await;
    let body: types::StudioPage = example("create_studio_page", 201);
    let mock = server.create_studio_page(|when, then| {
        // Unset fields are left out, never sent as null.
        let when = when.into_inner();
        expect_json_body(when, json!({})).path("/studio_pages/");
        then.created(&body);
    });

    let page = client(&server)
        .create_studio_page()
        .body(studio_page_request())
        .send()
        .await
        .expect("create_studio_page")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page, body);
}

#[tokio::test]
async fn get_studio_page_decodes_the_page_and_its_versions() {
    let server = MockServer::start_async().await;
    let body: types::StudioPage = example("get_studio_page", 200);
    let mock = server.get_studio_page(|when, then| {
        let when = when.studio_page_uid(STUDIO_PAGE).into_inner();
        expect_no_body(when, 0).path(format!("/studio_pages/{STUDIO_PAGE}/"));
        then.ok(&body);
    });

    let page = client(&server)
        .get_studio_page()
        .studio_page_uid(STUDIO_PAGE)
        .send()
        .await
        .expect("get_studio_page")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.uid, STUDIO_PAGE);
    assert_eq!(page.slug, "air-quality");
    assert_eq!(page.public, Some(true));
    assert_eq!(page.contents.len(), 2);
    let published = &page.contents[1];
    assert_eq!(published.version_name.as_deref(), Some("published"));
    assert_eq!(published.title.as_deref(), Some("Air quality in the city"));
    assert_eq!(published.created_at, utc(2024, 10, 7, 9, 0, 3));
    assert_eq!(published.updated_by, related_user("louise.data"));
    assert_eq!(page.first_published_at, utc(2024, 10, 7, 9, 0, 3));
    assert_eq!(page.created_by, related_user("louise.data"));
    assert_round_trips(&page, "get_studio_page", 200);
}

#[tokio::test]
async fn update_studio_page_puts_the_new_slug_and_visibility() {
    let server = MockServer::start_async().await;
    let body: types::StudioPage = example("update_studio_page", 200);
    let mock = server.update_studio_page(|when, then| {
        let when = when.studio_page_uid(STUDIO_PAGE).into_inner();
        expect_json_body(when, json!({"slug": "city-air-quality", "public": false}))
            .path(format!("/studio_pages/{STUDIO_PAGE}/"));
        then.ok(&body);
    });

    let rv = client(&server)
        .update_studio_page()
        .studio_page_uid(STUDIO_PAGE)
        .body(types::StudioPageRequest {
            slug: Some("city-air-quality".to_string()),
            public: Some(false),
        })
        .send()
        .await
        .expect("update_studio_page");

    mock.assert_async().await;
    assert_eq!(rv.status().as_u16(), 200);
    let page = rv.into_inner();
    assert_eq!(page.uid, STUDIO_PAGE);
    assert_eq!(page.slug, "city-air-quality");
    assert_eq!(page.public, Some(false));
    assert_eq!(page.contents.len(), 1);
    assert_eq!(page.first_published_at, utc(2024, 10, 7, 9, 0, 3));
    assert_eq!(page.updated_at, utc(2025, 2, 11, 10, 31, 20));
    assert_round_trips(&page, "update_studio_page", 200);
}

#[tokio::test]
async fn delete_studio_page_answers_no_content_and_decodes_nothing() {
    let server = MockServer::start_async().await;
    let mock = server.delete_studio_page(|when, then| {
        let when = when.studio_page_uid(STUDIO_PAGE).into_inner();
        expect_no_body(when, 0).path(format!("/studio_pages/{STUDIO_PAGE}/"));
        then.no_content();
    });

    let rv = client(&server)
        .delete_studio_page()
        .studio_page_uid(STUDIO_PAGE)
        .send()
        .await
        .expect("delete_studio_page: an empty 204 must not be decoded as JSON");

    mock.assert_async().await;
    assert_eq!(rv.status().as_u16(), 204);
    let () = rv.into_inner();
}

#[tokio::test]
async fn publish_studio_page_posts_no_body_and_decodes_the_confirmation() {
    let server = MockServer::start_async().await;
    let body: types::PageActionResult = example("publish_studio_page", 200);
    let mock = server.publish_studio_page(|when, then| {
        let when = when.studio_page_uid(STUDIO_PAGE).into_inner();
        expect_no_body(when, 0).path(format!("/studio_pages/{STUDIO_PAGE}/publish/"));
        then.ok(&body);
    });

    let done = client(&server)
        .publish_studio_page()
        .studio_page_uid(STUDIO_PAGE)
        .send()
        .await
        .expect("publish_studio_page")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(done.detail, "ok");
    assert_round_trips(&done, "publish_studio_page", 200);
}

#[tokio::test]
async fn unpublish_studio_page_posts_no_body_and_decodes_the_confirmation() {
    let server = MockServer::start_async().await;
    let body: types::PageActionResult = example("unpublish_studio_page", 200);
    let mock = server.unpublish_studio_page(|when, then| {
        let when = when.studio_page_uid(STUDIO_PAGE).into_inner();
        expect_no_body(when, 0).path(format!("/studio_pages/{STUDIO_PAGE}/unpublish/"));
        then.ok(&body);
    });

    let done = client(&server)
        .unpublish_studio_page()
        .studio_page_uid(STUDIO_PAGE)
        .send()
        .await
        .expect("unpublish_studio_page")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(done.detail, "ok");
    assert_round_trips(&done, "unpublish_studio_page", 200);
}

// ---------------------------------------------------------------------------
// Code editor pages
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_code_editor_pages_sends_paging_and_decodes_texts_in_every_language() {
    let server = MockServer::start_async().await;
    let body: types::CodeEditorPageList = example("list_code_editor_pages", 200);
    let mock = server.list_code_editor_pages(|when, then| {
        let when = when.limit(2).offset(0).into_inner();
        expect_no_body(when, 2).path("/code_editor_pages/");
        then.ok(&body);
    });

    let page = client(&server)
        .list_code_editor_pages()
        .limit(2)
        .offset(0)
        .send()
        .await
        .expect("list_code_editor_pages")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.total_count, Some(2));
    assert_eq!(page.next, None);
    assert_eq!(page.results.len(), 2);
    let dashboard = &page.results[0];
    assert_eq!(dashboard.slug, PAGE_SLUG);
    assert_eq!(
        dashboard.title,
        by_language(&[
            ("en", "Air quality dashboard"),
            ("fr", "Tableau de bord de la qualité de l'air"),
        ])
    );
    assert_eq!(
        dashboard.description.as_deref(),
        Some("Pollutant levels of the last 30 days, station by station.")
    );
    assert_eq!(
        dashboard.content.html["en"],
        "<ods-dataset-context context=\"air\" air-dataset=\"air-quality\">\n    <h1>Air quality</h1>\n</ods-dataset-context>"
    );
    assert!(dashboard.content.html["fr"].contains("<h1>Qualité de l'air</h1>"));
    assert_eq!(
        dashboard.content.css,
        by_language(&[
            ("en", "h1 { color: #142e7b; }"),
            ("fr", "h1 { color: #142e7b; }")
        ])
    );
    assert_eq!(dashboard.template.as_deref(), Some("custom.html"));
    assert_eq!(dashboard.tags, ["environment", "dashboard"]);
    assert_eq!(dashboard.has_subdomain_copies, Some(false));
    assert_eq!(dashboard.is_pushed_by_parent, Some(false));
    assert_eq!(dashboard.is_restricted, Some(false));
    assert_eq!(dashboard.is_archived, Some(false));
    assert_eq!(dashboard.created_by, related_user("louise.data"));
    assert_eq!(dashboard.updated_by, related_user("marc.admin"));
    assert_eq!(dashboard.created_at, utc(2023, 6, 12, 10, 2, 44));
    assert_eq!(dashboard.updated_at, utc(2025, 1, 21, 14, 37, 9));
    let about = &page.results[1];
    assert_eq!(about.slug, "about");
    // Another set of languages: the maps take any language code.
    assert_eq!(
        about.title,
        by_language(&[("en", "About this portal"), ("nl", "Over dit portaal")])
    );
    assert_eq!(
        about.content.html["nl"],
        "<p>Dit portaal publiceert de open data van de stad.</p>"
    );
    assert_eq!(about.content.css, by_language(&[("en", ""), ("nl", "")]));
    assert!(about.tags.is_empty());
    assert_eq!(about.has_subdomain_copies, Some(true));
    assert_eq!(about.is_restricted, Some(true));
    assert_eq!(about.is_archived, Some(true));
    assert_round_trips(&page, "list_code_editor_pages", 200);
}

#[test]
fn code_editor_page_texts_decode_under_any_language_code() {
    // Region and script subtags, and a language the examples do not use:
    // the maps are keyed by whatever code the portal has.
    let page = json!({
        "slug": "horaires",
        "title": {"pt-BR": "Horários", "zh-Hant": "時刻表", "gsw": "Fahrplan"},
        "content": {
            "html": {"pt-BR": "<p>Ônibus</p>", "zh-Hant": "<p>公車</p>", "gsw": "<p>Bus</p>"},
            "css": {"pt-BR": "p { margin: 0; }"},
        },
    });

    let decoded: types::CodeEditorPage =
        serde_json::from_value(page.clone()).expect("a page in any languages");

    assert_eq!(decoded.title["zh-Hant"], "時刻表");
    assert_eq!(decoded.title["gsw"], "Fahrplan");
    assert_eq!(decoded.content.html.len(), 3);
    assert_eq!(decoded.content.html["pt-BR"], "<p>Ônibus</p>");
    assert_eq!(
        decoded.content.css,
        by_language(&[("pt-BR", "p { margin: 0; }")])
    );
    assert_eq!(serde_json::to_value(&decoded).unwrap(), page);
}

#[tokio::test]
async fn create_code_editor_page_posts_the_texts_per_language_and_decodes_the_new_page() {
    let server = MockServer::start_async().await;
    let body: types::CodeEditorPage = example("create_code_editor_page", 201);
    let mock = server.create_code_editor_page(|when, then| {
        let when = when.into_inner();
        expect_json_body(
            when,
            json!({
                "slug": PAGE_SLUG,
                "title": {
                    "en": "Air quality dashboard",
                    "fr": "Tableau de bord de la qualité de l'air",
                },
                "description": "Pollutant levels of the last 30 days, station by station.",
                "content": {
                    "html": {"en": "<h1>Air quality</h1>", "fr": "<h1>Qualité de l'air</h1>"},
                    "css": {"en": "", "fr": ""},
                },
                "template": "custom.html",
                "tags": ["environment"],
                "is_restricted": true,
            }),
        )
        .path("/code_editor_pages/");
        then.created(&body);
    });

    let rv = client(&server)
        .create_code_editor_page()
        .body(types::CodeEditorPageRequest {
            slug: Some(PAGE_SLUG.to_string()),
            title: by_language(&[
                ("en", "Air quality dashboard"),
                ("fr", "Tableau de bord de la qualité de l'air"),
            ]),
            description: Some(
                "Pollutant levels of the last 30 days, station by station.".to_string(),
            ),
            content: types::CodeEditorPageContent {
                html: by_language(&[
                    ("en", "<h1>Air quality</h1>"),
                    ("fr", "<h1>Qualité de l'air</h1>"),
                ]),
                css: by_language(&[("en", ""), ("fr", "")]),
            },
            template: Some("custom.html".to_string()),
            tags: Some(strings(&["environment"])),
            is_restricted: Some(true),
            is_archived: None,
        })
        .send()
        .await
        .expect("create_code_editor_page");

    mock.assert_async().await;
    assert_eq!(rv.status().as_u16(), 201);
    let page = rv.into_inner();
    assert_eq!(page.slug, PAGE_SLUG);
    assert_eq!(page.title["fr"], "Tableau de bord de la qualité de l'air");
    assert_eq!(page.content.html["en"], "<h1>Air quality</h1>");
    assert_eq!(page.content.css, by_language(&[("en", ""), ("fr", "")]));
    assert_eq!(page.tags, ["environment"]);
    assert_eq!(page.is_restricted, Some(true));
    assert_eq!(page.is_archived, Some(false));
    assert_eq!(page.created_by, related_user("louise.data"));
    assert_eq!(page.created_at, utc(2025, 2, 11, 10, 40, 5));
    assert_eq!(page.updated_at, page.created_at);
    assert_round_trips(&page, "create_code_editor_page", 201);
}

#[tokio::test]
async fn create_code_editor_page_with_only_content_omits_every_unset_field() {
    let server = MockServer::start_async().await;
    let body: types::CodeEditorPage = example("create_code_editor_page", 201);
    let mock = server.create_code_editor_page(|when, then| {
        // No `title: {}`, no `css: {}`, no `tags`, no nulls.
        let when = when.into_inner();
        expect_json_body(
            when,
            json!({"content": {"html": {"en": "<h1>Air quality</h1>"}}}),
        )
        .path("/code_editor_pages/");
        then.created(&body);
    });

    let page = client(&server)
        .create_code_editor_page()
        .body(code_editor_page_request("<h1>Air quality</h1>"))
        .send()
        .await
        .expect("create_code_editor_page")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page, body);
}

#[tokio::test]
async fn delete_code_editor_pages_repeats_slug_once_per_page_and_decodes_the_deleted_slugs() {
    let server = MockServer::start_async().await;
    let body: Vec<String> = example("delete_code_editor_pages", 200);
    let mock = server.delete_code_editor_pages(|when, then| {
        // The typed mock cannot match an array, hence the raw matchers: each
        // slug in its own `slug=` pair, each once.
        let when = when
            .search("2024")
            .into_inner()
            .query_param("slug", "about")
            .query_param("slug", "budget-2024")
            .query_param_count("^slug$", "^about$", 1)
            .query_param_count("^slug$", "^budget-2024$", 1)
            .query_param_count("^slug$", ".*", 2);
        expect_no_body(when, 3).path("/code_editor_pages/");
        then.ok(&body);
    });

    let deleted = client(&server)
        .delete_code_editor_pages()
        .slug(strings(&["about", "budget-2024"]))
        .search("2024")
        .send()
        .await
        .expect("delete_code_editor_pages")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(deleted, ["about", "budget-2024"]);
    assert_eq!(
        serde_json::to_value(&deleted).unwrap(),
        example_json("delete_code_editor_pages", 200)
    );
}

#[tokio::test]
async fn delete_code_editor_pages_by_search_only_sends_no_slug() {
    let server = MockServer::start_async().await;
    let body: Vec<String> = example("delete_code_editor_pages", 200);
    // httpmock compares decoded values: the space must arrive as one value.
    let search = "budget 2024";
    let mock = server.delete_code_editor_pages(|when, then| {
        let when = when.search(search).into_inner().query_param_missing("slug");
        expect_no_body(when, 1).path("/code_editor_pages/");
        then.ok(&body);
    });

    let deleted = client(&server)
        .delete_code_editor_pages()
        .search(search)
        .send()
        .await
        .expect("delete_code_editor_pages")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(deleted, body);
}

#[tokio::test]
async fn get_code_editor_page_decodes_the_page_in_every_language() {
    let server = MockServer::start_async().await;
    let body: types::CodeEditorPage = example("get_code_editor_page", 200);
    let mock = server.get_code_editor_page(|when, then| {
        let when = when.page_slug(PAGE_SLUG).into_inner();
        expect_no_body(when, 0).path(format!("/code_editor_pages/{PAGE_SLUG}/"));
        then.ok(&body);
    });

    let page = client(&server)
        .get_code_editor_page()
        .page_slug(PAGE_SLUG)
        .send()
        .await
        .expect("get_code_editor_page")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.slug, PAGE_SLUG);
    assert_eq!(page.title["en"], "Air quality dashboard");
    let mut languages: Vec<&str> = page.content.html.keys().map(String::as_str).collect();
    languages.sort_unstable();
    assert_eq!(languages, ["en", "fr"]);
    assert_eq!(page.content.css["fr"], "h1 { color: #142e7b; }");
    assert_eq!(page.template.as_deref(), Some("custom.html"));
    assert_eq!(page.tags, ["environment", "dashboard"]);
    assert_eq!(page.is_restricted, Some(false));
    assert_eq!(page.updated_by, related_user("marc.admin"));
    assert_eq!(page.updated_at, utc(2025, 1, 21, 14, 37, 9));
    assert_round_trips(&page, "get_code_editor_page", 200);
}

#[tokio::test]
async fn update_code_editor_page_puts_the_page_and_can_clear_its_tags() {
    let server = MockServer::start_async().await;
    let body: types::CodeEditorPage = example("update_code_editor_page", 200);
    let mock = server.update_code_editor_page(|when, then| {
        // `tags: Some(vec![])` travels as `[]`: it clears the tags.
        let when = when.page_slug(PAGE_SLUG).into_inner();
        expect_json_body(
            when,
            json!({
                "title": {
                    "en": "Air quality, station by station",
                    "fr": "La qualité de l'air, station par station",
                },
                "content": {
                    "html": {
                        "en": "<h1>Air quality, station by station</h1>",
                        "fr": "<h1>La qualité de l'air, station par station</h1>",
                    },
                },
                "tags": [],
                "is_restricted": false,
            }),
        )
        .path(format!("/code_editor_pages/{PAGE_SLUG}/"));
        then.ok(&body);
    });

    let mut request = code_editor_page_request("<h1>Air quality, station by station</h1>");
    request.content.html.insert(
        "fr".to_string(),
        "<h1>La qualité de l'air, station par station</h1>".to_string(),
    );
    request.title = by_language(&[
        ("en", "Air quality, station by station"),
        ("fr", "La qualité de l'air, station par station"),
    ]);
    request.tags = Some(Vec::new());
    request.is_restricted = Some(false);
    let rv = client(&server)
        .update_code_editor_page()
        .page_slug(PAGE_SLUG)
        .body(request)
        .send()
        .await
        .expect("update_code_editor_page");

    mock.assert_async().await;
    assert_eq!(rv.status().as_u16(), 200);
    let page = rv.into_inner();
    assert_eq!(page.slug, PAGE_SLUG);
    assert_eq!(page.title["en"], "Air quality, station by station");
    assert_eq!(
        page.content.html["fr"],
        "<h1>La qualité de l'air, station par station</h1>"
    );
    assert_eq!(page.updated_by, related_user("louise.data"));
    assert_eq!(page.updated_at, utc(2025, 2, 11, 10, 52, 38));
    assert_round_trips(&page, "update_code_editor_page", 200);
}

#[tokio::test]
async fn delete_code_editor_page_answers_no_content_and_decodes_nothing() {
    let server = MockServer::start_async().await;
    let mock = server.delete_code_editor_page(|when, then| {
        let when = when.page_slug(PAGE_SLUG).into_inner();
        expect_no_body(when, 0).path(format!("/code_editor_pages/{PAGE_SLUG}/"));
        then.no_content();
    });

    let rv = client(&server)
        .delete_code_editor_page()
        .page_slug(PAGE_SLUG)
        .send()
        .await
        .expect("delete_code_editor_page: an empty 204 must not be decoded as JSON");

    mock.assert_async().await;
    assert_eq!(rv.status().as_u16(), 204);
    let () = rv.into_inner();
}

#[tokio::test]
async fn archive_code_editor_page_posts_no_body_and_decodes_the_confirmation() {
    let server = MockServer::start_async().await;
    let body: types::PageActionResult = example("archive_code_editor_page", 200);
    let mock = server.archive_code_editor_page(|when, then| {
        let when = when.page_slug(PAGE_SLUG).into_inner();
        expect_no_body(when, 0).path(format!("/code_editor_pages/{PAGE_SLUG}/archive/"));
        then.ok(&body);
    });

    let done = client(&server)
        .archive_code_editor_page()
        .page_slug(PAGE_SLUG)
        .send()
        .await
        .expect("archive_code_editor_page")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(done.detail, "ok");
    assert_round_trips(&done, "archive_code_editor_page", 200);
}

#[tokio::test]
async fn unarchive_code_editor_page_posts_no_body_and_decodes_the_confirmation() {
    let server = MockServer::start_async().await;
    let body: types::PageActionResult = example("unarchive_code_editor_page", 200);
    let mock = server.unarchive_code_editor_page(|when, then| {
        let when = when.page_slug(PAGE_SLUG).into_inner();
        expect_no_body(when, 0).path(format!("/code_editor_pages/{PAGE_SLUG}/unarchive/"));
        then.ok(&body);
    });

    let done = client(&server)
        .unarchive_code_editor_page()
        .page_slug(PAGE_SLUG)
        .send()
        .await
        .expect("unarchive_code_editor_page")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(done.detail, "ok");
    assert_round_trips(&done, "unarchive_code_editor_page", 200);
}

// ---------------------------------------------------------------------------
// Metadata templates
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_metadata_templates_sends_paging_and_filters_and_decodes_templates_and_fields() {
    let server = MockServer::start_async().await;
    let body: types::MetadataTemplateList = example("list_metadata_templates", 200);
    let mock = server.list_metadata_templates(|when, then| {
        let when = when
            .limit(10)
            .offset(0)
            .is_active(true)
            .type_(TemplateType::Basic)
            .into_inner()
            .query_param("is_active", "true")
            .query_param("type", "basic");
        expect_no_body(when, 4).path("/metadata/templates/");
        then.ok(&body);
    });

    let page = client(&server)
        .list_metadata_templates()
        .limit(10)
        .offset(0)
        .is_active(true)
        .type_(TemplateType::Basic)
        .send()
        .await
        .expect("list_metadata_templates")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.total_count, Some(2));
    assert_eq!(page.results.len(), 2);
    let default = &page.results[0];
    assert_eq!(default.name, TEMPLATE);
    assert_eq!(default.title, "Default");
    assert_eq!(default.type_, TemplateType::Basic);
    assert!(default.is_active);
    assert_eq!(default.is_always_active, Some(true));
    assert_eq!(default.is_system, Some(true));
    assert_eq!(default.created_by, None);
    let names: Vec<&str> = default.schema.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["title", "theme"]);
    let title = &default.schema[0];
    assert_eq!(title.type_, Some(FieldType::Text));
    assert_eq!(title.label.as_deref(), Some("Title"));
    assert_eq!(title.help_text, None);
    assert_eq!(title.i18n, Some(true));
    assert_eq!(title.choices, None);
    assert_eq!(title.labels, None);
    assert_eq!(title.requirement_level, Some(Level::Mandatory));
    let theme = &default.schema[1];
    assert_eq!(theme.type_, Some(FieldType::Enumlist));
    assert_eq!(
        theme.choices.as_deref(),
        Some(&strings(&["Environment", "Transport"])[..])
    );
    let labels = theme.labels.as_ref().expect("labels of the theme choices");
    assert_eq!(
        labels["Environment"],
        by_language(&[("en", "Environment"), ("fr", "Environnement")])
    );
    assert_eq!(labels["Transport"]["fr"], "Transports");
    assert_eq!(theme.is_filter, Some(true));
    assert_eq!(theme.requirement_level, Some(Level::Recommended));
    let procurement = &page.results[1];
    assert_eq!(procurement.name, "procurement");
    assert_eq!(procurement.type_, TemplateType::Admin);
    assert!(!procurement.is_active);
    assert_eq!(procurement.is_system, Some(false));
    let contract = &procurement.schema[0];
    assert_eq!(contract.self_suggest, Some(true));
    assert_eq!(
        contract.suggest_url.as_deref(),
        Some("https://documentation-resources.opendatasoft.com/api/automation/v1.0/metadata/templates/procurement/fields/contract_number/suggest/")
    );
    assert_eq!(procurement.created_by, related_user("louise.data"));
    assert_eq!(procurement.created_at, utc(2025, 2, 11, 11, 5, 41));
    assert_round_trips(&page, "list_metadata_templates", 200);
}

#[tokio::test]
async fn list_metadata_templates_sends_each_type_under_the_specs_name() {
    let server = MockServer::start_async().await;
    let client = client(&server);
    // The names are the spec's enum, written out rather than taken from the
    // generated Display impl.
    let cases = [
        (TemplateType::Interop, "interop"),
        (TemplateType::Basic, "basic"),
        (TemplateType::Extra, "extra"),
        (TemplateType::Admin, "admin"),
    ];
    let body: types::MetadataTemplateList = example("list_metadata_templates", 200);
    for (type_, name) in cases {
        let mock = server.list_metadata_templates(|when, then| {
            let when = when
                .into_inner()
                .query_param("type", name)
                .query_param("is_active", "false");
            expect_no_body(when, 2).path("/metadata/templates/");
            then.ok(&body);
        });

        let result = client
            .list_metadata_templates()
            .type_(type_)
            .is_active(false)
            .send()
            .await;

        assert_eq!(
            mock.calls_async().await,
            1,
            "type={name}: calls to the mock"
        );
        assert_eq!(
            result.expect("list_metadata_templates").into_inner(),
            body,
            "type={name}"
        );
        mock.delete_async().await;
    }
}

#[tokio::test]
async fn create_metadata_template_posts_the_template_with_its_fields() {
    let server = MockServer::start_async().await;
    let body: types::MetadataTemplate = example("create_metadata_template", 201);
    let mock = server.create_metadata_template(|when, then| {
        let when = when.into_inner();
        expect_json_body(
            when,
            json!({
                "name": "procurement",
                "title": "Procurement",
                "type": "admin",
                "is_active": true,
                "schema": [
                    {
                        "name": "contract_number",
                        "type": "text",
                        "label": "Contract number",
                        "self_suggest": true,
                        "requirement_level": "mandatory",
                    },
                    {
                        "name": "signed_on",
                        "type": "date",
                        "label": "Signature date",
                        "help_text": "Day the contract was signed.",
                        "is_filter": true,
                        "requirement_level": "recommended",
                    },
                ],
            }),
        )
        .path("/metadata/templates/");
        then.created(&body);
    });

    let mut contract = field_request("contract_number");
    contract.type_ = Some(FieldType::Text);
    contract.label = Some("Contract number".to_string());
    contract.self_suggest = Some(true);
    contract.requirement_level = Some(Level::Mandatory);
    let mut signed_on = field_request("signed_on");
    signed_on.type_ = Some(FieldType::Date);
    signed_on.label = Some("Signature date".to_string());
    signed_on.help_text = Some("Day the contract was signed.".to_string());
    signed_on.is_filter = Some(true);
    signed_on.requirement_level = Some(Level::Recommended);
    let mut request = template_request("procurement", TemplateType::Admin);
    request.schema = vec![contract, signed_on];
    let rv = client(&server)
        .create_metadata_template()
        .body(request)
        .send()
        .await
        .expect("create_metadata_template");

    mock.assert_async().await;
    assert_eq!(rv.status().as_u16(), 201);
    let template = rv.into_inner();
    assert_eq!(template.name, "procurement");
    assert_eq!(template.title, "Procurement");
    assert_eq!(template.type_, TemplateType::Admin);
    assert!(template.is_active);
    assert_eq!(template.is_always_active, Some(false));
    assert_eq!(template.is_system, Some(false));
    assert_eq!(template.schema.len(), 2);
    assert_eq!(template.schema[0].is_hidden, Some(false));
    assert!(template.schema[0].suggest_url.is_some());
    assert_eq!(template.schema[1].type_, Some(FieldType::Date));
    assert_eq!(
        template.schema[1].help_text.as_deref(),
        Some("Day the contract was signed.")
    );
    assert_eq!(template.created_by, related_user("louise.data"));
    assert_eq!(template.updated_by, related_user("louise.data"));
    assert_eq!(template.created_at, utc(2025, 2, 11, 11, 5, 41));
    assert_round_trips(&template, "create_metadata_template", 201);
}

#[tokio::test]
async fn create_metadata_template_sends_choices_and_their_labels_per_language() {
    let server = MockServer::start_async().await;
    let body: types::MetadataTemplate = example("create_metadata_template", 201);
    let mock = server.create_metadata_template(|when, then| {
        let when = when.into_inner();
        expect_json_body(
            when,
            json!({
                "name": "procurement",
                "title": "Procurement",
                "type": "basic",
                "is_active": true,
                "schema": [{
                    "name": "procedure",
                    "type": "enum",
                    "choices": ["open", "restricted"],
                    "labels": {
                        "open": {"en": "Open", "fr": "Ouverte"},
                        "restricted": {"en": "Restricted", "fr": "Restreinte"},
                    },
                    "i18n": false,
                }],
            }),
        )
        .path("/metadata/templates/");
        then.created(&body);
    });

    let mut procedure = field_request("procedure");
    procedure.type_ = Some(FieldType::Enum);
    procedure.choices = strings(&["open", "restricted"]);
    procedure.labels = HashMap::from([
        (
            "open".to_string(),
            by_language(&[("en", "Open"), ("fr", "Ouverte")]),
        ),
        (
            "restricted".to_string(),
            by_language(&[("en", "Restricted"), ("fr", "Restreinte")]),
        ),
    ]);
    procedure.i18n = Some(false);
    let mut request = template_request("procurement", TemplateType::Basic);
    request.schema = vec![procedure];
    client(&server)
        .create_metadata_template()
        .body(request)
        .send()
        .await
        .expect("create_metadata_template");

    mock.assert_async().await;
}

#[tokio::test]
async fn get_metadata_template_decodes_a_system_template() {
    let server = MockServer::start_async().await;
    let body: types::MetadataTemplate = example("get_metadata_template", 200);
    let mock = server.get_metadata_template(|when, then| {
        let when = when.template_name(TEMPLATE).into_inner();
        expect_no_body(when, 0).path(format!("/metadata/templates/{TEMPLATE}/"));
        then.ok(&body);
    });

    let template = client(&server)
        .get_metadata_template()
        .template_name(TEMPLATE)
        .send()
        .await
        .expect("get_metadata_template")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(template.name, TEMPLATE);
    assert_eq!(template.type_, TemplateType::Basic);
    assert_eq!(template.is_system, Some(true));
    assert_eq!(template.is_always_active, Some(true));
    let modified = &template.schema[1];
    assert_eq!(modified.name, "modified");
    assert_eq!(modified.type_, Some(FieldType::Datetime));
    assert_eq!(
        modified.help_text.as_deref(),
        Some("Last time the data changed.")
    );
    assert_eq!(modified.requirement_level, Some(Level::Optional));
    assert_eq!(template.created_at, utc(2021, 4, 6, 12, 0, 0));
    assert_eq!(template.updated_by, None);
    assert_round_trips(&template, "get_metadata_template", 200);
}

#[tokio::test]
async fn update_metadata_template_puts_the_template_and_decodes_it() {
    let server = MockServer::start_async().await;
    let body: types::MetadataTemplate = example("update_metadata_template", 200);
    let mock = server.update_metadata_template(|when, then| {
        let when = when.template_name("procurement").into_inner();
        expect_json_body(
            when,
            json!({
                "name": "procurement",
                "title": "Public procurement",
                "type": "admin",
                "is_active": true,
                "schema": [{
                    "name": "contract_number",
                    "type": "text",
                    "help_text": "As printed on the contract.",
                }],
            }),
        )
        .path("/metadata/templates/procurement/");
        then.ok(&body);
    });

    let mut contract = field_request("contract_number");
    contract.type_ = Some(FieldType::Text);
    contract.help_text = Some("As printed on the contract.".to_string());
    let mut request = template_request("procurement", TemplateType::Admin);
    request.title = "Public procurement".to_string();
    request.schema = vec![contract];
    let rv = client(&server)
        .update_metadata_template()
        .template_name("procurement")
        .body(request)
        .send()
        .await
        .expect("update_metadata_template");

    mock.assert_async().await;
    assert_eq!(rv.status().as_u16(), 200);
    let template = rv.into_inner();
    assert_eq!(template.name, "procurement");
    assert_eq!(template.title, "Public procurement");
    assert_eq!(
        template.schema[0].help_text.as_deref(),
        Some("As printed on the contract.")
    );
    assert_eq!(template.updated_by, related_user("marc.admin"));
    assert_eq!(template.updated_at, utc(2025, 2, 12, 9, 17, 26));
    assert_round_trips(&template, "update_metadata_template", 200);
}

#[tokio::test]
async fn update_metadata_template_can_activate_a_template_of_a_type_one_cannot_create() {
    let server = MockServer::start_async().await;
    // What the service answers for an `interop` template: the vendor's
    // response schema for this route lists only `basic` and `admin`.
    let mut body: types::MetadataTemplate = example("update_metadata_template", 200);
    body.name = "dcat".to_string();
    body.title = "DCAT".to_string();
    body.type_ = TemplateType::Interop;
    body.is_system = Some(true);
    body.schema.clear();
    let mock = server.update_metadata_template(|when, then| {
        let when = when.template_name("dcat").into_inner();
        expect_json_body(
            when,
            json!({
                "name": "dcat",
                "title": "DCAT",
                "type": "interop",
                "is_active": true,
                "schema": [],
            }),
        )
        .path("/metadata/templates/dcat/");
        then.ok(&body);
    });

    let mut request = template_request("dcat", TemplateType::Interop);
    request.title = "DCAT".to_string();
    let template = client(&server)
        .update_metadata_template()
        .template_name("dcat")
        .body(request)
        .send()
        .await
        .expect("update_metadata_template")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(template.type_, TemplateType::Interop);
    assert!(template.is_active);
    assert!(template.schema.is_empty());
}

#[tokio::test]
async fn delete_metadata_template_answers_no_content_and_decodes_nothing() {
    let server = MockServer::start_async().await;
    let mock = server.delete_metadata_template(|when, then| {
        let when = when.template_name("procurement").into_inner();
        expect_no_body(when, 0).path("/metadata/templates/procurement/");
        then.no_content();
    });

    let rv = client(&server)
        .delete_metadata_template()
        .template_name("procurement")
        .send()
        .await
        .expect("delete_metadata_template: an empty 204 must not be decoded as JSON");

    mock.assert_async().await;
    assert_eq!(rv.status().as_u16(), 204);
    let () = rv.into_inner();
}

#[tokio::test]
async fn list_metadata_template_fields_sends_paging_and_decodes_the_fields() {
    let server = MockServer::start_async().await;
    let body: types::MetadataTemplateFieldList = example("list_metadata_template_fields", 200);
    let mock = server.list_metadata_template_fields(|when, then| {
        let when = when.template_name(TEMPLATE).limit(3).offset(0).into_inner();
        expect_no_body(when, 2).path(format!("/metadata/templates/{TEMPLATE}/fields/"));
        then.ok(&body);
    });

    let page = client(&server)
        .list_metadata_template_fields()
        .template_name(TEMPLATE)
        .limit(3)
        .offset(0)
        .send()
        .await
        .expect("list_metadata_template_fields")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.total_count, Some(14));
    assert_eq!(
        page.next.as_deref(),
        Some("https://documentation-resources.opendatasoft.com/api/automation/v1.0/metadata/templates/default/fields/?limit=3&offset=3")
    );
    let types: Vec<Option<FieldType>> = page.results.iter().map(|f| f.type_.clone()).collect();
    assert_eq!(
        types,
        [
            Some(FieldType::Text),
            Some(FieldType::List),
            Some(FieldType::Enumlist)
        ]
    );
    let keyword = &page.results[1];
    assert_eq!(keyword.name, "keyword");
    assert_eq!(keyword.self_suggest, Some(true));
    assert_eq!(keyword.is_filter, Some(true));
    assert!(keyword
        .suggest_url
        .as_deref()
        .is_some_and(|url| url.ends_with("/fields/keyword/suggest/")));
    let theme = &page.results[2];
    assert_eq!(theme.labels.as_ref().map(HashMap::len), Some(2));
    assert_round_trips(&page, "list_metadata_template_fields", 200);
}

#[tokio::test]
async fn get_metadata_template_field_decodes_the_field() {
    let server = MockServer::start_async().await;
    let body: types::MetadataTemplateField = example("get_metadata_template_field", 200);
    let mock = server.get_metadata_template_field(|when, then| {
        let when = when
            .template_name(TEMPLATE)
            .template_field_name(FIELD)
            .into_inner();
        expect_no_body(when, 0).path(format!("/metadata/templates/{TEMPLATE}/fields/{FIELD}/"));
        then.ok(&body);
    });

    let field = client(&server)
        .get_metadata_template_field()
        .template_name(TEMPLATE)
        .template_field_name(FIELD)
        .send()
        .await
        .expect("get_metadata_template_field")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(field.name, FIELD);
    assert_eq!(field.type_, Some(FieldType::Text));
    assert_eq!(field.label.as_deref(), Some("Title"));
    assert_eq!(field.help_text, None);
    assert_eq!(field.is_hidden, Some(false));
    assert_eq!(field.self_suggest, Some(false));
    assert_eq!(field.is_filter, Some(false));
    assert_eq!(field.i18n, Some(true));
    assert_eq!(field.suggest_url, None);
    assert_eq!(field.choices, None);
    assert_eq!(field.labels, None);
    assert_eq!(field.requirement_level, Some(Level::Mandatory));
    assert_round_trips(&field, "get_metadata_template_field", 200);
}

#[test]
fn metadata_template_fields_of_every_type_decode_into_one_shape() {
    // The vendor describes one shape for every field type: the `type` member
    // tells them apart. Names written out, as the spec spells them.
    let cases = [
        ("text", FieldType::Text),
        ("date", FieldType::Date),
        ("datetime", FieldType::Datetime),
        ("geo_shape", FieldType::GeoShape),
        ("geo_area", FieldType::GeoArea),
        ("html", FieldType::Html),
        ("multitext", FieldType::Multitext),
        ("boolean", FieldType::Boolean),
        ("int", FieldType::Int),
        ("double", FieldType::Double),
        ("longstring", FieldType::Longstring),
        ("enum", FieldType::Enum),
        ("list", FieldType::List),
        ("enumlist", FieldType::Enumlist),
        ("uri_enum", FieldType::UriEnum),
        ("uri_enumlist", FieldType::UriEnumlist),
    ];
    for (name, expected) in cases {
        let json = json!({"name": "some_field", "type": name, "choices": ["a", "b"]});
        let field: types::MetadataTemplateField =
            serde_json::from_value(json.clone()).unwrap_or_else(|e| panic!("type {name}: {e}"));
        assert_eq!(field.type_, Some(expected), "type {name}");
        assert_eq!(
            serde_json::to_value(&field).unwrap(),
            json,
            "type {name}: round trip"
        );
    }
    // A field without `type` decodes too (the service's default is text).
    let bare: types::MetadataTemplateField =
        serde_json::from_value(json!({"name": "some_field"})).expect("a field without type");
    assert_eq!(bare.type_, None);
}

#[tokio::test]
async fn suggest_metadata_field_values_sends_the_query_and_count_and_decodes_the_hits() {
    let server = MockServer::start_async().await;
    let body: types::MetadataTemplateFieldSuggestions =
        example("suggest_metadata_field_values", 200);
    let mock = server.suggest_metadata_field_values(|when, then| {
        let when = when
            .template_name(TEMPLATE)
            .template_field_name("keyword")
            .query("tra")
            .count(10)
            .into_inner();
        expect_no_body(when, 2).path(format!(
            "/metadata/templates/{TEMPLATE}/fields/keyword/suggest/"
        ));
        then.ok(&body);
    });

    let suggestions = client(&server)
        .suggest_metadata_field_values()
        .template_name(TEMPLATE)
        .template_field_name("keyword")
        .query("tra")
        .count(10)
        .send()
        .await
        .expect("suggest_metadata_field_values")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(suggestions.hits, ["transport", "traffic", "tramway"]);
    assert_eq!(suggestions.nb_hits, Some(3));
    assert_eq!(suggestions.page, Some(0));
    assert_eq!(suggestions.hits_per_page, Some(10));
    assert_eq!(suggestions.exhaustive_nb_hits, Some(true));
    assert_eq!(suggestions.exhaustive_typo, Some(true));
    assert_eq!(
        suggestions.exhaustive,
        Some(types::MetadataTemplateFieldSuggestionsExhaustive {
            nb_hits: Some(true),
            typo: Some(true),
        })
    );
    assert_eq!(suggestions.query.as_deref(), Some("tra"));
    assert_eq!(
        suggestions.params.as_deref(),
        Some("query=tra&hitsPerPage=10")
    );
    assert_eq!(suggestions.processing_time_ms, Some(1));
    assert_round_trips(&suggestions, "suggest_metadata_field_values", 200);
}

#[tokio::test]
async fn suggest_metadata_field_values_without_count_sends_only_the_query() {
    let server = MockServer::start_async().await;
    let body: types::MetadataTemplateFieldSuggestions =
        example("suggest_metadata_field_values", 200);
    // httpmock compares decoded values: `&` and `=` stay inside the value.
    let query = "r&d = 1";
    let mock = server.suggest_metadata_field_values(|when, then| {
        let when = when
            .template_name(TEMPLATE)
            .template_field_name(FIELD)
            .query(query)
            .count(None)
            .into_inner();
        expect_no_body(when, 1).path(format!(
            "/metadata/templates/{TEMPLATE}/fields/{FIELD}/suggest/"
        ));
        then.ok(&body);
    });

    let suggestions = client(&server)
        .suggest_metadata_field_values()
        .template_name(TEMPLATE)
        .template_field_name(FIELD)
        .query(query)
        .send()
        .await
        .expect("suggest_metadata_field_values")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(suggestions, body);
}

#[tokio::test]
async fn suggest_metadata_field_values_refuses_to_send_without_its_required_query() {
    let server = MockServer::start_async().await;
    let mock = server.suggest_metadata_field_values(|_when, then| {
        then.ok(&example("suggest_metadata_field_values", 200));
    });

    let result = client(&server)
        .suggest_metadata_field_values()
        .template_name(TEMPLATE)
        .template_field_name(FIELD)
        .send()
        .await;

    assert_eq!(mock.calls_async().await, 0, "nothing may be sent");
    match result {
        Err(Error::InvalidRequest(message)) => assert!(
            message.contains("query"),
            "the error names the parameter: {message}"
        ),
        other => panic!("expected Error::InvalidRequest, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------
// Error statuses: one named test per documented status, then every
// documented (operation, status) pair.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn create_code_editor_page_reports_an_invalid_body_as_a_bad_request_with_details() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("create_code_editor_page", 400);
    let mock = server.create_code_editor_page(|when, then| {
        let when = when.into_inner();
        expect_json_body(when, json!({"content": {"html": {"en": ""}}}))
            .path("/code_editor_pages/");
        then.bad_request(&body);
    });

    let result = client(&server)
        .create_code_editor_page()
        .body(code_editor_page_request(""))
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
    assert_eq!(rv.trace_id, None);
    assert_eq!(
        Value::Object(rv.detail.clone()),
        json!({"title": ["This field is required."]})
    );
    assert_round_trips(&rv.into_inner(), "create_code_editor_page", 400);
}

#[tokio::test]
async fn list_metadata_templates_reports_a_rejected_key_as_unauthorized() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("list_metadata_templates", 401);
    let mock = server.list_metadata_templates(|_when, then| {
        then.unauthorized(&body);
    });

    let result = client(&server).list_metadata_templates().send().await;

    mock.assert_async().await;
    let rv = match result {
        Err(Error::ErrorResponse(rv)) => rv,
        other => panic!("expected Error::ErrorResponse, got {other:?}"),
    };
    assert_eq!(rv.status().as_u16(), 401);
    assert_eq!(rv.message, "Incorrect authentication credentials.");
    assert_eq!(rv.error_code, "authentication_failed");
    assert_round_trips(&rv.into_inner(), "list_metadata_templates", 401);
}

#[tokio::test]
async fn delete_code_editor_pages_reports_a_missing_permission_as_forbidden() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("delete_code_editor_pages", 403);
    let mock = server.delete_code_editor_pages(|when, then| {
        when.search("budget");
        then.forbidden(&body);
    });

    let result = client(&server)
        .delete_code_editor_pages()
        .search("budget")
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
    assert_round_trips(&rv.into_inner(), "delete_code_editor_pages", 403);
}

#[tokio::test]
async fn publish_studio_page_reports_an_unknown_page_as_not_found() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("publish_studio_page", 404);
    let mock = server.publish_studio_page(|when, then| {
        when.studio_page_uid("sp_nosuch");
        then.not_found(&body);
    });

    let result = client(&server)
        .publish_studio_page()
        .studio_page_uid("sp_nosuch")
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
    assert_round_trips(&rv.into_inner(), "publish_studio_page", 404);
}

#[tokio::test]
async fn suggest_metadata_field_values_reports_throttling_with_its_trace_id() {
    let server = MockServer::start_async().await;
    let body: types::Error = example("suggest_metadata_field_values", 429);
    let mock = server.suggest_metadata_field_values(|when, then| {
        when.template_name(TEMPLATE)
            .template_field_name(FIELD)
            .query("tra");
        then.too_many_requests(&body);
    });

    let result = client(&server)
        .suggest_metadata_field_values()
        .template_name(TEMPLATE)
        .template_field_name(FIELD)
        .query("tra")
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
    assert_round_trips(&rv.into_inner(), "suggest_metadata_field_values", 429);
}

#[tokio::test]
async fn every_documented_error_status_of_every_operation_is_an_error_response() {
    let server = MockServer::start_async().await;
    let client = client(&server);
    let pairs = documented_errors(&TESTED_OPERATIONS);
    assert_documented_errors(&pairs, &ERROR_STATUSES, 93);
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
