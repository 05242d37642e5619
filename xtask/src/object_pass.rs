//! The xtask's pass that has the generated structs decode through
//! `saas_admin_runtime::decode_object!` instead of serde's derive, which
//! would also decode each from a list of its fields, a form JSON never
//! takes here (the runtime's `object` module says what that saves).
//!
//! A struct with named fields and no generics qualifies when its serde
//! attributes are those the macro knows: none on the struct; `rename`,
//! `default`, `skip_serializing_if` and the open-types pass's
//! `null_as_default` on its fields. Any other struct keeps serde's derive,
//! which decodes it as correctly, only at a higher cost.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Fields, Item, ItemStruct};

use crate::open_types::NULL_AS_DEFAULT;
use crate::syntax::{
    derived, has_serde_default, is_option, json_name, names_trait, without_derives,
};

/// Applies the pass to the client (after the open-types pass, whose
/// `null_as_default` it reads).
pub fn apply(spec_name: &str, client: TokenStream) -> Result<TokenStream, Vec<String>> {
    rewrite(client)
        .map(|(tokens, _)| tokens)
        .map_err(|problem| {
            vec![format!(
                "{spec_name}: {problem}; update xtask/src/object_pass.rs"
            )]
        })
}

/// The client rewritten, and how many structs now decode through the macro.
fn rewrite(client: TokenStream) -> Result<(TokenStream, usize), String> {
    let mut file: syn::File =
        syn::parse2(client).map_err(|e| format!("progenitor's client does not parse: {e}"))?;
    let types = crate::syntax::types_mut(&mut file)?;
    let mut rewritten = 0;
    let mut position = 0;
    while position < types.len() {
        if let Item::Struct(s) = &mut types[position] {
            if let Some(call) = decode_object(s) {
                types.insert(position + 1, call);
                rewritten += 1;
                position += 1;
            }
        }
        position += 1;
    }
    Ok((quote!(#file), rewritten))
}

/// The macro call for `s`, having taken `Deserialize` out of its derive;
/// `None`, leaving `s` as it is, when the macro does not cover it.
fn decode_object(s: &mut ItemStruct) -> Option<Item> {
    let Fields::Named(fields) = &s.fields else {
        return None;
    };
    if !derives_deserialize(&s.attrs)
        || s.attrs.iter().any(|a| a.path().is_ident("serde"))
        || !s.generics.params.is_empty()
    {
        return None;
    }
    let mut entries = Vec::new();
    for (index, field) in fields.named.iter().enumerate() {
        let kind = field_kind(field)?;
        let ident = field.ident.as_ref()?;
        let key = json_name(field);
        let index = proc_macro2::Literal::usize_unsuffixed(index);
        let ty = &field.ty;
        entries.push(quote!(#index #ident: #ty = #key #kind));
    }
    without_derives(&mut s.attrs, &["Deserialize"]);
    let name = &s.ident;
    Some(syn::parse_quote! {
        ::saas_admin_runtime::decode_object!(#name { #(#entries),* });
    })
}

/// How an absent or `null` member of `field` decodes, from its serde
/// attributes; `None` for an attribute the macro does not know.
fn field_kind(field: &syn::Field) -> Option<syn::Ident> {
    let mut null_as_default = false;
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let mut known = true;
        attr.parse_nested_meta(|meta| {
            let name = meta
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            match name.as_str() {
                "default" => {}
                "rename" | "skip_serializing_if" => {
                    meta.value()?.parse::<syn::LitStr>()?;
                }
                "deserialize_with" => {
                    let with: syn::LitStr = meta.value()?.parse()?;
                    null_as_default = with.value() == NULL_AS_DEFAULT;
                    known &= null_as_default;
                }
                _ => known = false,
            }
            Ok(())
        })
        .ok()?;
        if !known {
            return None;
        }
    }
    let kind = if null_as_default {
        "null_as_empty"
    } else if has_serde_default(&field.attrs) || is_option(&field.ty) {
        "optional"
    } else {
        "required"
    };
    Some(format_ident!("{kind}"))
}

fn derives_deserialize(attrs: &[syn::Attribute]) -> bool {
    attrs
        .iter()
        .any(|a| derived(a).iter().any(|p| names_trait(p, "Deserialize")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(code: TokenStream) -> (String, usize) {
        let (tokens, count) = rewrite(quote!(pub mod types { #code })).unwrap();
        (tokens.to_string(), count)
    }

    #[test]
    fn a_plain_struct_decodes_through_the_macro_with_each_fields_kind() {
        let (text, count) = rewritten(quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
            pub struct Group {
                pub title: ::std::string::String,
                #[serde(rename = "type")]
                pub type_: GroupType,
                #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                pub description: ::std::option::Option<::std::string::String>,
                #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
                #[serde(deserialize_with = "::saas_admin_runtime::open::null_as_default")]
                pub tags: ::std::vec::Vec<::std::string::String>,
                #[serde(default)]
                pub size: i64,
            }
        });
        assert_eq!(count, 1);
        let expected = quote! {
            #[derive(::serde::Serialize, Clone, Debug)]
        }
        .to_string();
        assert!(text.contains(&expected), "{text}");
        let call = quote! {
            ::saas_admin_runtime::decode_object!(Group {
                0 title: ::std::string::String = "title" required,
                1 type_: GroupType = "type" required,
                2 description: ::std::option::Option<::std::string::String> = "description" optional,
                3 tags: ::std::vec::Vec<::std::string::String> = "tags" null_as_empty,
                4 size: i64 = "size" optional
            });
        }
        .to_string();
        assert!(text.contains(&call), "{text}");
    }

    #[test]
    fn a_struct_the_macro_does_not_cover_keeps_serdes_derive() {
        let (text, count) = rewritten(quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize)]
            #[serde(transparent)]
            pub struct Name { pub value: ::std::string::String }
            #[derive(::serde::Deserialize, ::serde::Serialize)]
            pub struct Wrapper { #[serde(flatten)] pub rest: Extra }
            #[derive(::serde::Deserialize, ::serde::Serialize)]
            pub struct Custom {
                #[serde(deserialize_with = "other")]
                pub value: ::std::string::String
            }
            #[derive(::serde::Deserialize, ::serde::Serialize)]
            pub struct Tuple(pub ::std::string::String);
            #[derive(::serde::Deserialize, ::serde::Serialize)]
            pub struct Page<T> { pub items: ::std::vec::Vec<T> }
            #[derive(::serde::Serialize)]
            pub struct Sent { pub value: ::std::string::String }
        });
        assert_eq!(count, 0);
        assert!(!text.contains("decode_object"), "{text}");
        assert_eq!(text.matches(":: serde :: Deserialize").count(), 5, "{text}");
    }
}
