//! The xtask's own pass over progenitor's httpmock helpers, before they are
//! written to each crate's `src/generated_httpmock.rs`.
//!
//! Path matchers. progenitor formats the value into the path regex as it
//! is: `group_uid("a.b")` builds `^/groups/a.b/$`, where `.` matches any
//! character, and `ann bob` never matches what the client sends. The client
//! percent-encodes path values with `progenitor_client::encode_path` and
//! httpmock matches the regex against the raw, still encoded path, so the
//! pass encodes the value the same way, then regex-escapes it.

use proc_macro2::{Group, TokenStream, TokenTree};
use quote::quote;

/// Applies the fix to what `Generator::httpmock` produced. Fails, naming
/// the spec, when progenitor's output no longer has the shape rewritten here
/// (a newer progenitor, say), rather than writing mocks with the old defects.
pub fn apply(spec_name: &str, mock: TokenStream) -> Result<TokenStream, Vec<String>> {
    let fail = |what: &str| {
        Err(vec![format!(
            "{spec_name}: progenitor's mocks {what}; update xtask/src/mock_pass.rs"
        )])
    };
    let mut unknown_formats = 0;
    let mock = encode_path_values(mock, &mut unknown_formats);
    if unknown_formats > 0 {
        return fail(
            "have a `format!` that is not a path matcher's `format!(regex, value.to_string())`",
        );
    }
    Ok(mock)
}

/// progenitor's path matchers are the only `format!` calls in its mocks:
/// `format!("^/groups/{}/$", value.to_string())`. The value becomes
/// `regex::escape(&encode_path(&value.to_string()))`; a `format!` of any
/// other shape is counted in `unknown`.
fn encode_path_values(tokens: TokenStream, unknown: &mut usize) -> TokenStream {
    let mut out = Vec::new();
    let mut trees = tokens.into_iter().peekable();
    while let Some(tree) = trees.next() {
        match tree {
            TokenTree::Ident(ident) if ident == "format" => {
                out.push(TokenTree::Ident(ident));
                let bang =
                    trees.next_if(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == '!'));
                let Some(bang) = bang else { continue };
                out.push(bang);
                if let Some(TokenTree::Group(args)) = trees.next() {
                    let encoded = quote! {
                        ::regex::escape(&::progenitor_client::encode_path(&value.to_string()))
                    };
                    let (args_out, replaced) =
                        replace(args.stream(), &["value", ".", "to_string", "()"], encoded);
                    if replaced != 1 {
                        *unknown += 1;
                    }
                    out.push(TokenTree::Group(regroup(&args, args_out)));
                }
            }
            TokenTree::Group(group) => {
                let inner = encode_path_values(group.stream(), unknown);
                out.push(TokenTree::Group(regroup(&group, inner)));
            }
            other => out.push(other),
        }
    }
    out.into_iter().collect()
}

/// Replaces each run of top-level tokens of `tokens` that reads `pattern`
/// (one string per token tree) with `with`; returns how many were replaced.
fn replace(tokens: TokenStream, pattern: &[&str], with: TokenStream) -> (TokenStream, usize) {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = TokenStream::new();
    let mut count = 0;
    let mut i = 0;
    while i < trees.len() {
        let window = trees.get(i..i + pattern.len());
        let found = window.is_some_and(|w| w.iter().zip(pattern).all(|(t, p)| t.to_string() == *p));
        if found {
            out.extend(with.clone());
            count += 1;
            i += pattern.len();
        } else {
            out.extend([trees[i].clone()]);
            i += 1;
        }
    }
    (out, count)
}

fn regroup(group: &Group, stream: TokenStream) -> Group {
    let mut rebuilt = Group::new(group.delimiter(), stream);
    rebuilt.set_span(group.span());
    rebuilt
}

#[cfg(test)]
mod tests {
    use super::*;
    use progenitor_impl::{GenerationSettings, Generator};

    /// progenitor's own mocks for a one-operation spec with a path parameter
    /// and a query parameter.
    fn progenitor_mocks() -> TokenStream {
        let spec: openapiv3::OpenAPI = serde_yaml::from_str(
            r#"
openapi: 3.0.3
info: {title: Test, version: "1"}
paths:
  /groups/{group_uid}/users/{username}/:
    get:
      operationId: get_member
      parameters:
        - {name: group_uid, in: path, required: true, schema: {type: string}}
        - {name: username, in: path, required: true, schema: {type: string}}
        - {name: expand, in: query, schema: {type: string}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {type: string}}}}
"#,
        )
        .unwrap();
        Generator::new(&GenerationSettings::default())
            .httpmock(&spec, "crate")
            .unwrap()
    }

    /// Token text without spaces, to compare with what Rust code reads.
    fn squeezed(tokens: &TokenStream) -> String {
        tokens.to_string().replace(' ', "")
    }

    #[test]
    fn the_pass_encodes_and_escapes_path_values() {
        let before = squeezed(&progenitor_mocks());
        // What progenitor does, and this pass is for.
        assert_eq!(before.matches("format!(").count(), 2, "{before}");

        let after = squeezed(&apply("t.yaml", progenitor_mocks()).unwrap());
        // Each path matcher (one per path parameter) encodes then escapes;
        // the query matcher still compares the plain value.
        assert_eq!(
            after
                .matches(r#"/users/.*/$",::regex::escape(&::progenitor_client::encode_path(&value.to_string())))"#)
                .count(),
            1,
            "{after}"
        );
        assert_eq!(
            after
                .matches("::regex::escape(&::progenitor_client::encode_path(&value.to_string()))")
                .count(),
            2,
            "{after}"
        );
        assert!(
            after.contains(r#"query_param("expand",value.to_string(),)"#),
            "{after}"
        );
        // The result parses as Rust.
        syn::parse2::<syn::File>(apply("t.yaml", progenitor_mocks()).unwrap()).unwrap();
    }

    #[test]
    fn mocks_of_another_shape_are_refused_naming_the_spec() {
        let other_format = quote!(
            fn f(value: &str) -> String {
                format!("^/a/{}$", value)
            }
        );
        assert!(apply("t.yaml", other_format).unwrap_err()[0]
            .contains("a `format!` that is not a path matcher's"));
    }
}
