//! The xtask's pass that makes request values easy to write without a
//! builder per type: every struct a request can hold (a body, and what the
//! body holds, at any depth) gets
//!
//! - `Default`, when it has no required field, so a call site writes
//!   `Policy { name: Some(..), ..Default::default() }`;
//! - otherwise `new(required fields...)`, which leaves every optional field
//!   empty: `FtpSource { port: Some(21), ..FtpSource::new("ftp://x") }`.
//!
//! Answer types get neither: they are only read.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;
use syn::{parse_quote, Item};

use crate::syntax::{has_serde_default, is_option};

/// What the pass added, for its tests.
#[derive(Debug, Default, PartialEq)]
pub struct Added {
    pub defaults: usize,
    pub constructors: usize,
}

/// Applies the pass to the client (after the open-types pass).
pub fn apply(spec_name: &str, client: TokenStream) -> Result<TokenStream, Vec<String>> {
    add(client).map(|(tokens, _)| tokens).map_err(|problem| {
        vec![format!(
            "{spec_name}: {problem}; update xtask/src/request_types.rs"
        )]
    })
}

fn add(client: TokenStream) -> Result<(TokenStream, Added), String> {
    let mut file: syn::File =
        syn::parse2(client).map_err(|e| format!("progenitor's client does not parse: {e}"))?;
    let roots = request_roots(&file.items);
    let types = crate::syntax::types_mut(&mut file)?;

    // Each type's name, and the type names its fields and variants mention.
    let mut mentions: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for item in types.iter() {
        let (name, names) = match item {
            Item::Struct(s) => (s.ident.to_string(), idents_in(&quote!(#s))),
            Item::Enum(e) => (e.ident.to_string(), idents_in(&quote!(#e))),
            _ => continue,
        };
        mentions.insert(name, names);
    }
    let mut reached = BTreeSet::new();
    let mut queue: Vec<String> = roots.into_iter().collect();
    while let Some(name) = queue.pop() {
        if !mentions.contains_key(&name) || !reached.insert(name.clone()) {
            continue;
        }
        queue.extend(mentions[&name].iter().cloned());
    }

    let mut added = Added::default();
    let mut constructors = Vec::new();
    for item in types.iter_mut() {
        let Item::Struct(s) = item else {
            continue;
        };
        if !reached.contains(&s.ident.to_string()) {
            continue;
        }
        let syn::Fields::Named(fields) = &s.fields else {
            continue;
        };
        let required: Vec<&syn::Field> = fields
            .named
            .iter()
            .filter(|f| !is_option(&f.ty) && !has_serde_default(&f.attrs))
            .collect();
        if required.is_empty() {
            // typify derives `Default` for most such structs already.
            if !derives(&s.attrs, "Default") {
                s.attrs.push(parse_quote!(#[derive(Default)]));
                added.defaults += 1;
            }
            continue;
        }
        let name = &s.ident;
        let params = required.iter().map(|f| {
            let ident = &f.ident;
            let ty = &f.ty;
            quote!(#ident: impl ::std::convert::Into<#ty>)
        });
        let values = fields.named.iter().map(|f| {
            let ident = &f.ident;
            if required.iter().any(|r| r.ident == f.ident) {
                quote!(#ident: #ident.into())
            } else {
                quote!(#ident: ::std::default::Default::default())
            }
        });
        let listed = required
            .iter()
            .map(|f| {
                let ident = f
                    .ident
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default();
                format!("`{}`", ident.trim_start_matches("r#"))
            })
            .collect::<Vec<_>>()
            .join(", ");
        let doc = format!(
            "A `{name}` with its required fields ({listed}) and every optional one empty; \
             set the others with struct update syntax: `{name} {{ field: value, ..{name}::new(..) }}`."
        );
        constructors.push(parse_quote! {
            impl #name {
                #[doc = #doc]
                pub fn new(#(#params),*) -> Self {
                    Self { #(#values),* }
                }
            }
        });
        added.constructors += 1;
    }
    types.extend(constructors);
    Ok((quote!(#file), added))
}

/// The types the calls take: each `types::X` in the arguments of the
/// client's methods.
fn request_roots(items: &[Item]) -> BTreeSet<String> {
    let mut roots = BTreeSet::new();
    for item in items {
        let Item::Impl(block) = item else {
            continue;
        };
        for item in &block.items {
            let syn::ImplItem::Fn(f) = item else {
                continue;
            };
            for input in &f.sig.inputs {
                if let syn::FnArg::Typed(arg) = input {
                    let ty = &arg.ty;
                    roots.extend(idents_in(&quote!(#ty)));
                }
            }
        }
    }
    roots
}

/// Whether the attributes derive `name`.
fn derives(attrs: &[syn::Attribute], name: &str) -> bool {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("derive"))
        .any(|a| idents_in(&quote!(#a)).contains(name))
}

/// Every identifier in some tokens.
fn idents_in(tokens: &TokenStream) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for tree in tokens.clone() {
        match tree {
            proc_macro2::TokenTree::Ident(ident) => {
                found.insert(ident.to_string());
            }
            proc_macro2::TokenTree::Group(group) => found.extend(idents_in(&group.stream())),
            _ => {}
        }
    }
    found
}
