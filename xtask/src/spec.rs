//! Facts read from a curated spec that several passes share: how its
//! names become Rust names, and how its listings page.

use openapiv3::{OpenAPI, Operation, ReferenceOr, StatusCode};

use crate::lint;

/// The extension with which a spec says how a listing pages, when that is
/// not Opendatasoft's limit and offset (which is recognised by itself):
/// `{style: page-number | cursor, items: a.b, total: field, next: field}`.
pub const PAGES: &str = "x-saas-admin-pages";

/// `list_user_groups` → `ListUserGroups`, as progenitor names builders
/// (operation ids are snake_case, which the lint enforces).
pub fn pascal_case(snake: &str) -> String {
    snake
        .split('_')
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// The setter name progenitor gives a parameter: snake case, and a
/// trailing `_` for a Rust keyword.
pub fn rust_name(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    match out.as_str() {
        "type" | "ref" | "self" | "match" | "move" | "fn" | "use" | "in" | "loop" | "where" => {
            out + "_"
        }
        _ => out,
    }
}

/// How an operation pages: the limit/offset pages of Opendatasoft, or
/// what its `x-saas-admin-pages` says; `None` for one that does not page.
pub fn paging_style(spec: &OpenAPI, operation: &Operation) -> Option<Paging> {
    if let Some(item) = page_item(spec, operation) {
        return Some(if has_limit_and_offset(spec, operation) {
            Paging::Offset { item }
        } else {
            Paging::NextLink { item }
        });
    }
    let pages = operation.extensions.get(PAGES)?;
    let text = |key: &str| pages.get(key)?.as_str().map(str::to_string);
    Some(match text("style")?.as_str() {
        "page-number" => Paging::PageNumber {
            items: text("items")?,
            total: text("total"),
        },
        "cursor" => Paging::Cursor {
            items: text("items")?,
            next: text("next")?,
        },
        _ => return None,
    })
}

/// How a listing pages, and where its items are.
pub enum Paging {
    /// `limit` and `offset`; the page's `results` are `item`s.
    Offset { item: String },
    /// A page like `Offset`'s, without parameters to page it: the answer's
    /// `next` link is the next page.
    NextLink { item: String },
    /// `page` from 1 (and a page size); `items` and `total` are dotted paths.
    PageNumber {
        items: String,
        total: Option<String>,
    },
    /// `cursor`; the answer's `next` field names the next page.
    Cursor { items: String, next: String },
}

impl Paging {
    /// How the crate README names the paging style.
    pub fn label(&self) -> &'static str {
        match self {
            Paging::Offset { .. } => "limit/offset",
            Paging::NextLink { .. } => "next link",
            Paging::PageNumber { .. } => "page number",
            Paging::Cursor { .. } => "cursor",
        }
    }
}

/// Whether an operation takes `limit` and `offset`.
fn has_limit_and_offset(spec: &OpenAPI, operation: &Operation) -> bool {
    let Some(components) = spec.components.as_ref() else {
        return false;
    };
    let names: Vec<&str> = operation
        .parameters
        .iter()
        .filter_map(|param| match param {
            ReferenceOr::Item(param) => Some(param),
            ReferenceOr::Reference { reference } => components
                .parameters
                .get(reference.strip_prefix("#/components/parameters/")?)?
                .as_item(),
        })
        .map(|param| param.parameter_data_ref().name.as_str())
        .collect();
    names.contains(&"limit") && names.contains(&"offset")
}

/// For an operation whose answer is a page (`results` and a `next` link),
/// the schema name of its items.
pub fn page_item(spec: &OpenAPI, operation: &Operation) -> Option<String> {
    let components = spec.components.as_ref()?;
    let schema_name = |schema: &ReferenceOr<openapiv3::Schema>| match schema {
        ReferenceOr::Reference { reference } => reference
            .strip_prefix("#/components/schemas/")
            .map(str::to_string),
        ReferenceOr::Item(_) => None,
    };
    let response = operation
        .responses
        .responses
        .iter()
        .find(|(status, _)| matches!(status, StatusCode::Code(200)))?
        .1;
    let page = lint::resolve(spec, response)
        .ok()?
        .content
        .get("application/json")?
        .schema
        .as_ref()?;
    let page = components.schemas.get(&schema_name(page)?)?.as_item()?;
    let openapiv3::SchemaKind::Type(openapiv3::Type::Object(object)) = &page.schema_kind else {
        return None;
    };
    object.properties.get("next")?;
    let results = object.properties.get("results")?.as_item()?;
    let openapiv3::SchemaKind::Type(openapiv3::Type::Array(array)) = &results.schema_kind else {
        return None;
    };
    let items = array.items.as_ref()?;
    match items {
        ReferenceOr::Reference { reference } => reference
            .strip_prefix("#/components/schemas/")
            .map(str::to_string),
        ReferenceOr::Item(_) => None,
    }
}
