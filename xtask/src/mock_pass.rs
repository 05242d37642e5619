//! The xtask's own pass over progenitor's httpmock helpers, before they are
//! written to each crate's `src/generated_httpmock.rs`. It fixes three things:
//!
//! 1. A server type per API. progenitor implements `MockServerExt` for
//!    `httpmock::MockServer`, so a test that imports two APIs' traits finds
//!    every operation name they share (`list_user_groups`, ...) twice
//!    (E0034). The pass adds a newtype `MockServer` (which derefs to
//!    httpmock's) and implements the trait for it instead.
//! 2. Path matchers. progenitor formats the value into the path regex as it
//!    is: `group_uid("a.b")` builds `^/groups/a.b/$`, where `.` matches any
//!    character, and `ann bob` never matches what the client sends. The
//!    client percent-encodes path values with `progenitor_client::encode_path`
//!    and httpmock matches the regex against the raw, still encoded path, so
//!    the pass encodes the value the same way, then regex-escapes it.
//! 3. One copy of httpmock's code for all helpers. Each helper calls
//!    httpmock's `mock` with a closure of its own type, so a test crate
//!    compiled `mock_async` once per helper it used (272 copies, 4.7% of the
//!    facade's test binary). The pass boxes the closure
//!    (`self.mock_boxed(Box::new(..))`), so there is one copy.

use proc_macro2::{Delimiter, Group, Literal, TokenStream, TokenTree};
use quote::quote;

/// Applies the three fixes to what `Generator::httpmock` produced. Fails, naming
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
    let (mock, impls) = implement_for_own_server(mock);
    if impls != 1 {
        return fail("do not have exactly one `impl MockServerExt for ::httpmock::MockServer`");
    }
    let (mock, boxed) = box_configurations(mock);
    if boxed == 0 {
        return fail("do not call `self.mock(..)` in their helpers");
    }
    let Some(mock) = answer_any_status(mock) else {
        return fail("have a `Then` whose `into_inner` is not `self.0`");
    };
    let server = own_server();
    Ok(quote!(#server #mock))
}

/// Every JSON answer of a documented status (`then.created(&group)`) is
/// one call of the module's `answer`, rather than the same four lines each
/// time; and every operation's `Then` gets `json(status, &body)`, which
/// answers any status with any JSON (a 409 or a 500 the spec does not
/// document, the vendor's error body). `None` when a `Then` does not have
/// the `into_inner` the new method goes after.
fn answer_any_status(tokens: TokenStream) -> Option<TokenStream> {
    let mut text = tokens.to_string();
    let documented = "self . 0 . status (";
    let json_tail = ") . header (\"content-type\" , \"application/json\") . json_body_obj (value)";
    let mut out = String::new();
    while let Some(start) = text.find(documented) {
        let rest = &text[start + documented.len()..];
        let Some(close) = rest.find(')') else { break };
        let status = &rest[..close];
        if rest[close..].starts_with(json_tail) {
            out.push_str(&text[..start]);
            out.push_str(&format!("super :: answer (self . 0 , {status} , value)"));
            text = rest[close + json_tail.len()..].to_string();
        } else {
            out.push_str(&text[..start + documented.len()]);
            text = rest.to_string();
        }
    }
    out.push_str(&text);
    let into_inner = "pub fn into_inner (self) -> :: httpmock :: Then { self . 0 }";
    let thens = out.matches("Then (:: httpmock :: Then) ;").count();
    if out.matches(into_inner).count() != thens {
        return None;
    }
    let method = format!(
        "{into_inner} {}",
        quote! {
            /// Answers `status` with `body` as JSON: a status the spec does not
            /// document for the operation (a 409, a 500), or another body.
            pub fn json(self, status: u16, body: &impl ::serde::Serialize) -> Self {
                Self(super::answer(self.0, status, body))
            }
        }
    );
    out = out.replace(into_inner, &method);
    out.parse().ok()
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

/// Every `self.mock(config)` becomes `self.mock_boxed(Box::new(config))`;
/// the count says how many were rewritten.
fn box_configurations(tokens: TokenStream) -> (TokenStream, usize) {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = TokenStream::new();
    let mut count = 0;
    let mut i = 0;
    while i < trees.len() {
        if let Some(
            [TokenTree::Ident(receiver), TokenTree::Punct(dot), TokenTree::Ident(method), TokenTree::Group(args)],
        ) = trees.get(i..i + 4)
        {
            if receiver == "self"
                && dot.as_char() == '.'
                && method == "mock"
                && args.delimiter() == Delimiter::Parenthesis
            {
                let config = args.stream();
                out.extend(quote!(self.mock_boxed(::std::boxed::Box::new(#config))));
                count += 1;
                i += 4;
                continue;
            }
        }
        match &trees[i] {
            TokenTree::Group(group) => {
                let (inner, n) = box_configurations(group.stream());
                count += n;
                out.extend([TokenTree::Group(regroup(group, inner))]);
            }
            other => out.extend([other.clone()]),
        }
        i += 1;
    }
    (out, count)
}

/// `impl MockServerExt for ::httpmock::MockServer` becomes
/// `impl MockServerExt for MockServer`, and the trait's doc links to that
/// type. The count says how many impls were rewritten.
fn implement_for_own_server(tokens: TokenStream) -> (TokenStream, usize) {
    let impl_for_httpmock = [
        "impl",
        "MockServerExt",
        "for",
        ":",
        ":",
        "httpmock",
        ":",
        ":",
        "MockServer",
    ];
    let (tokens, count) = replace(
        tokens,
        &impl_for_httpmock,
        quote!(impl MockServerExt for MockServer),
    );
    // The trait's doc (`An extension trait for [`MockServer`](::httpmock::MockServer) ...`).
    let tokens = tokens
        .into_iter()
        .map(|tree| match tree {
            TokenTree::Group(group) => {
                let inner = group.stream().into_iter().map(|t| match t {
                    TokenTree::Literal(lit) => TokenTree::Literal(relink_doc(lit)),
                    other => other,
                });
                TokenTree::Group(regroup(&group, inner.collect()))
            }
            other => other,
        })
        .collect();
    (tokens, count)
}

/// A doc string naming httpmock's server now names the module's own.
fn relink_doc(lit: Literal) -> Literal {
    let Ok(text) = syn::parse2::<syn::LitStr>(TokenTree::Literal(lit.clone()).into()) else {
        return lit;
    };
    let text = text.value();
    let old = "[`MockServer`](::httpmock::MockServer)";
    if !text.contains(old) {
        return lit;
    }
    Literal::string(&text.replace(old, "[`MockServer`]"))
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

/// The module's own server type, which `MockServerExt` is implemented for.
fn own_server() -> TokenStream {
    quote! {
        /// A local mock of this API: an [`httpmock::MockServer`] with the
        /// typed helpers of [`MockServerExt`], one per operation.
        ///
        /// Each API's `mock` module has its own `MockServer`, so a test can
        /// import several APIs' `MockServerExt` traits together: the
        /// operations they share (`list_user_groups`, ...) are not ambiguous,
        /// each trait being implemented for its own server type only.
        ///
        /// Everything else httpmock's server offers (`base_url()`, `url(...)`,
        /// `mock(...)`) works through `Deref`, and `&server` passes where a
        /// `&httpmock::MockServer` is expected.
        ///
        /// Path matchers (`when.group_uid("a b")`) match the value as the
        /// client sends it: percent-encoded, and exactly (`a.b` is not a regex).
        pub struct MockServer(::httpmock::MockServer);

        impl MockServer {
            /// Starts a mock server, blocking until one is free in httpmock's
            /// pool (see [`httpmock::MockServer::start`]).
            pub fn start() -> Self {
                Self(::httpmock::MockServer::start())
            }

            /// Starts a mock server (see [`httpmock::MockServer::start_async`]).
            pub async fn start_async() -> Self {
                Self(::httpmock::MockServer::start_async().await)
            }

            /// The httpmock server inside.
            pub fn into_inner(self) -> ::httpmock::MockServer {
                self.0
            }

            /// httpmock's `mock`, given a boxed configuration: every typed
            /// helper shares one copy of httpmock's code.
            fn mock_boxed(
                &self,
                config: ::std::boxed::Box<dyn FnOnce(::httpmock::When, ::httpmock::Then) + '_>,
            ) -> ::httpmock::Mock<'_> {
                self.0.mock(config)
            }
        }

        impl From<::httpmock::MockServer> for MockServer {
            /// Gives a server started elsewhere this API's typed helpers.
            fn from(server: ::httpmock::MockServer) -> Self {
                Self(server)
            }
        }

        impl ::std::ops::Deref for MockServer {
            type Target = ::httpmock::MockServer;

            fn deref(&self) -> &::httpmock::MockServer {
                &self.0
            }
        }

        /// A JSON answer: what every typed `Then` helper sends.
        fn answer(
            then: ::httpmock::Then,
            status: u16,
            body: &impl ::serde::Serialize,
        ) -> ::httpmock::Then {
            then.status(status)
                .header("content-type", "application/json")
                .json_body_obj(body)
        }
    }
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
    fn the_pass_encodes_and_escapes_path_values_and_gives_the_trait_its_own_server() {
        let before = squeezed(&progenitor_mocks());
        // What progenitor does, and this pass is for.
        assert!(before.contains("implMockServerExtfor::httpmock::MockServer{"));
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
        // Each helper boxes its configuration, so httpmock's `mock` is
        // compiled once.
        assert!(!after.contains("self.mock("), "{after}");
        assert_eq!(
            after
                .matches("self.mock_boxed(::std::boxed::Box::new(|when,then|")
                .count(),
            1,
            "{after}"
        );
        // The trait is implemented for the module's own server only.
        assert!(!after.contains("implMockServerExtfor::httpmock::MockServer"));
        assert!(after.contains("implMockServerExtforMockServer{"));
        assert!(after.contains("pubstructMockServer(::httpmock::MockServer);"));
        assert!(
            after.contains("impl::std::ops::DerefforMockServer{typeTarget=::httpmock::MockServer;")
        );
        assert!(after.contains("pubasyncfnstart_async()->Self"));
        assert!(
            after.contains("Anextensiontraitfor[`MockServer`]that"),
            "{after}"
        );
        // The result parses as Rust.
        syn::parse2::<syn::File>(apply("t.yaml", progenitor_mocks()).unwrap()).unwrap();
    }

    #[test]
    fn mocks_of_another_shape_are_refused_naming_the_spec() {
        let no_impl = quote!(
            pub trait MockServerExt {}
        );
        assert_eq!(
            apply("t.yaml", no_impl).unwrap_err(),
            ["t.yaml: progenitor's mocks do not have exactly one `impl MockServerExt for ::httpmock::MockServer`; update xtask/src/mock_pass.rs"]
        );
        let other_format = quote!(
            fn f(value: &str) -> String { format!("^/a/{}$", value) }
            impl MockServerExt for ::httpmock::MockServer {}
        );
        assert!(apply("t.yaml", other_format).unwrap_err()[0]
            .contains("a `format!` that is not a path matcher's"));
    }
}
