//! The xtask's pass over progenitor's client, before the facade reads it:
//! the generated types stay open to answers the spec does not list yet.
//!
//! - **String enums** get an `Unknown(String)` variant; their serde,
//!   `Display`, `FromStr` and `From<&str>` come from
//!   `saas_admin_runtime::open_enum!`, so a value the enum does not know
//!   decodes, displays and encodes back as exactly that text.
//! - **Unions of kinds** (a `oneOf` with a `discriminator` in the spec) get an
//!   `Unknown(UnknownKind)` variant; `saas_admin_runtime::open_union!` reads
//!   the object, lets its kind pick the variant (an error names the kind and
//!   the member at fault) and keeps a kind it does not know whole.
//! - **Optional lists and maps** (`#[serde(default)]`, not an `Option`)
//!   decode `null` as empty.
//!
//! - **JSON Schema** (the `schemars` feature): every other type derives
//!   `schemars::JsonSchema`; the open enums and unions implement it in
//!   their macros, accepting what they accept.
//!
//! Everything else is left as progenitor wrote it. The pass fails, naming
//! the spec, when the output no longer has the shape it rewrites.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::punctuated::Punctuated;
use syn::{parse_quote, Attribute, Fields, Item, ItemEnum, Meta, Token};

/// A union of kinds, from the spec: the tag's name and each member's kind,
/// in the order of the `oneOf` (the order of the Rust enum's variants).
struct Union {
    tag: String,
    kinds: Vec<String>,
    /// Each member's variant name (its title) and, for a `$ref`, its type.
    members: Vec<(String, Option<String>)>,
}

/// What the pass changed, for the tests and the generator's own checks.
#[derive(Debug, Default, PartialEq)]
pub struct Opened {
    pub enums: usize,
    pub unions: usize,
    pub null_tolerant_fields: usize,
}

/// Applies the pass to the client progenitor generated from `spec`.
pub fn apply(
    spec_name: &str,
    spec: &OpenAPI,
    client: TokenStream,
) -> Result<TokenStream, Vec<String>> {
    open(spec, client)
        .map(|(tokens, _)| tokens)
        .map_err(|problem| {
            vec![format!(
                "{spec_name}: {problem}; update xtask/src/open_types.rs"
            )]
        })
}

/// The decoding the pass gives an optional list or map, which reads `null`
/// as empty (the object pass reads it back).
pub const NULL_AS_DEFAULT: &str = "::saas_admin_runtime::open::null_as_default";

fn open(spec: &OpenAPI, client: TokenStream) -> Result<(TokenStream, Opened), String> {
    let unions = unions(spec)?;
    let variant_names = variant_names(spec);
    let mut file: syn::File =
        syn::parse2(client).map_err(|e| format!("progenitor's client does not parse: {e}"))?;
    let types = crate::syntax::types_mut(&mut file)?;

    one_member_unions_as_enums(types, &unions)?;

    let mut opened = Opened::default();
    // Each macro call goes right after its enum: (the enum's name, the call).
    let mut added: Vec<(String, Item)> = Vec::new();
    let mut open_enums = BTreeSet::new();
    let mut unions_seen = BTreeSet::new();
    for item in types.iter_mut() {
        match item {
            Item::Enum(e) => {
                if let Some(union) = unions.get(&e.ident.to_string()) {
                    added.push((e.ident.to_string(), open_union(e, union)?));
                    unions_seen.insert(e.ident.to_string());
                    opened.unions += 1;
                } else if let Some(macro_call) =
                    open_enum(e, variant_names.get(&e.ident.to_string()))?
                {
                    added.push((e.ident.to_string(), macro_call));
                    open_enums.insert(e.ident.to_string());
                    opened.enums += 1;
                }
                for variant in e.variants.iter_mut() {
                    if let Fields::Named(fields) = &mut variant.fields {
                        opened.null_tolerant_fields += tolerate_nulls(fields.named.iter_mut());
                    }
                }
            }
            Item::Struct(s) => {
                if let Fields::Named(fields) = &mut s.fields {
                    opened.null_tolerant_fields += tolerate_nulls(fields.named.iter_mut());
                }
            }
            _ => {}
        }
    }
    if let Some(missing) = unions.keys().find(|name| !unions_seen.contains(*name)) {
        return Err(format!(
            "the union `{missing}` of the spec is not an enum in `mod types`"
        ));
    }
    // The open enums' own impls replace typify's.
    types.retain(|item| !is_replaced_impl(item, &open_enums));
    // JSON Schema, opt-in: derived for every other type; the open enums and
    // unions get theirs from their macros, which know what they accept.
    for item in types.iter_mut() {
        let (name, attrs) = match item {
            Item::Struct(s) => (s.ident.to_string(), &mut s.attrs),
            Item::Enum(e) => (e.ident.to_string(), &mut e.attrs),
            _ => continue,
        };
        if !open_enums.contains(&name) && !unions_seen.contains(&name) {
            attrs.push(
                parse_quote!(#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]),
            );
        }
    }
    for (name, call) in added {
        let place = types
            .iter()
            .position(|item| matches!(item, Item::Enum(e) if e.ident == name))
            .expect("the enum was just opened");
        types.insert(place + 1, call);
    }
    Ok((quote!(#file), opened))
}

/// progenitor makes a union of one member a transparent newtype of it
/// (`struct Processor(pub ProcessorStringReplace)`). Open, it has a second
/// variant, so it becomes an enum of one variant, named by the member's
/// title, which the rest of the pass opens like any union; the newtype's
/// impls go.
fn one_member_unions_as_enums(
    types: &mut Vec<Item>,
    unions: &BTreeMap<String, Union>,
) -> Result<(), String> {
    let mut rewritten = BTreeMap::new();
    for item in types.iter_mut() {
        let Item::Struct(s) = item else { continue };
        let Some(union) = unions.get(&s.ident.to_string()) else {
            continue;
        };
        let (name, vis, attrs) = (s.ident.clone(), s.vis.clone(), s.attrs.clone());
        let [(title, Some(member))] = union.members.as_slice() else {
            return Err(format!(
                "the union `{name}` is a struct but not one `$ref` member"
            ));
        };
        let (variant, member) = (format_ident!("{title}"), format_ident!("{member}"));
        let attrs: Vec<&Attribute> = attrs
            .iter()
            .filter(|a| !a.path().is_ident("serde"))
            .collect();
        *item = parse_quote! {
            #(#attrs)*
            #vis enum #name {
                #variant(#member),
            }
        };
        rewritten.insert(name.to_string(), (variant, member));
    }
    // The newtype's impls (`Deref`, `From` both ways) go.
    types.retain(|item| {
        let Item::Impl(block) = item else { return true };
        let mentions = |ty: &syn::Type| {
            matches!(ty, syn::Type::Path(p) if p.path.get_ident().is_some_and(|i| rewritten.contains_key(&i.to_string())))
        };
        let from_newtype = block.trait_.as_ref().is_some_and(|(_, path, _)| {
            path.segments.last().is_some_and(|seg| match &seg.arguments {
                syn::PathArguments::AngleBracketed(args) => args.args.iter().any(|a| matches!(a, syn::GenericArgument::Type(t) if mentions(t))),
                _ => false,
            })
        });
        !mentions(&block.self_ty) && !from_newtype
    });
    for (name, (variant, member)) in rewritten {
        let name = format_ident!("{name}");
        types.push(parse_quote! {
            impl ::std::convert::From<#member> for #name {
                fn from(value: #member) -> Self {
                    Self::#variant(value)
                }
            }
        });
    }
    Ok(())
}

/// The spec's unions of kinds, by schema name (the Rust type's name).
fn unions(spec: &OpenAPI) -> Result<BTreeMap<String, Union>, String> {
    let mut out = BTreeMap::new();
    let Some(components) = &spec.components else {
        return Ok(out);
    };
    for (name, schema) in &components.schemas {
        let ReferenceOr::Item(schema) = schema else {
            continue;
        };
        let SchemaKind::OneOf { one_of } = &schema.schema_kind else {
            continue;
        };
        let Some(discriminator) = &schema.schema_data.discriminator else {
            continue;
        };
        let tag = &discriminator.property_name;
        let mut kinds = Vec::new();
        let mut members = Vec::new();
        for member in one_of {
            // A member may be `{title, allOf: [$ref]}`: the title names the
            // variant, the reference gives the kind.
            let (member, wrapper_title) = match member {
                ReferenceOr::Item(Schema {
                    schema_kind: SchemaKind::AllOf { all_of },
                    schema_data,
                }) if all_of.len() == 1 => (&all_of[0], schema_data.title.clone()),
                other => (other, None),
            };
            let (title, type_name) = match member {
                ReferenceOr::Reference { reference } => {
                    let type_name = reference.rsplit('/').next().unwrap_or_default();
                    let title = resolve(spec, reference).and_then(|s| s.schema_data.title.clone());
                    (title, Some(type_name.to_string()))
                }
                ReferenceOr::Item(member) => (member.schema_data.title.clone(), None),
            };
            let title = wrapper_title
                .or(title)
                .or_else(|| {
                    type_name
                        .as_deref()
                        .map(|t| t.trim_start_matches(name.as_str()).to_string())
                })
                .unwrap_or_default();
            members.push((title.replace(' ', ""), type_name));
            let kind = match member {
                ReferenceOr::Reference { reference } => {
                    let mapped = discriminator
                        .mapping
                        .iter()
                        .find(|(_, target)| *target == reference)
                        .map(|(kind, _)| kind.clone());
                    match mapped {
                        Some(kind) => Some(kind),
                        None => resolve(spec, reference).and_then(|s| single_value(s, tag)),
                    }
                }
                ReferenceOr::Item(member) => single_value(member, tag),
            };
            kinds.push(kind.ok_or_else(|| {
                format!("a member of the union `{name}` has no single value for its tag `{tag}`")
            })?);
        }
        out.insert(
            name.clone(),
            Union {
                tag: tag.clone(),
                kinds,
                members,
            },
        );
    }
    Ok(out)
}

fn resolve<'a>(spec: &'a OpenAPI, reference: &str) -> Option<&'a Schema> {
    let name = reference.strip_prefix("#/components/schemas/")?;
    match spec.components.as_ref()?.schemas.get(name)? {
        ReferenceOr::Item(schema) => Some(schema),
        ReferenceOr::Reference { reference } => resolve(spec, reference),
    }
}

/// The one value a member's tag property allows (`enum: [ftp]`).
fn single_value(member: &Schema, tag: &str) -> Option<String> {
    let SchemaKind::Type(openapiv3::Type::Object(object)) = &member.schema_kind else {
        return None;
    };
    let ReferenceOr::Item(property) = object.properties.get(tag)? else {
        return None;
    };
    let SchemaKind::Type(openapiv3::Type::String(text)) = &property.schema_kind else {
        return None;
    };
    match text.enumeration.as_slice() {
        [Some(value)] => Some(value.clone()),
        _ => None,
    }
}

/// The spec's own names for a string enum's variants
/// (`x-saas-admin-variants`, one per value, in order), by schema name.
fn variant_names(spec: &OpenAPI) -> BTreeMap<String, Vec<String>> {
    let Some(components) = &spec.components else {
        return BTreeMap::new();
    };
    components
        .schemas
        .iter()
        .filter_map(|(name, schema)| {
            let ReferenceOr::Item(schema) = schema else {
                return None;
            };
            let names = schema.schema_data.extensions.get("x-saas-admin-variants")?;
            let names = names
                .as_array()?
                .iter()
                .filter_map(|n| n.as_str().map(String::from));
            Some((name.clone(), names.collect()))
        })
        .collect()
}

/// A string enum (every variant a unit) becomes open; returns the macro call
/// that gives it its impls, or `None` for any other enum. `names`, when the
/// spec gives them, rename the variants.
fn open_enum(e: &mut ItemEnum, names: Option<&Vec<String>>) -> Result<Option<Item>, String> {
    if e.variants.is_empty() || !e.variants.iter().all(|v| matches!(v.fields, Fields::Unit)) {
        return Ok(None);
    }
    let name = e.ident.clone();
    if let Some(names) = names {
        if names.len() != e.variants.len() {
            return Err(format!(
                "the enum `{name}` has {} values but {} names in `x-saas-admin-variants`",
                e.variants.len(),
                names.len()
            ));
        }
        for (variant, new_name) in e.variants.iter_mut().zip(names) {
            if serde_rename(&variant.attrs).is_none() {
                let value = variant.ident.to_string();
                variant.attrs.push(parse_quote!(#[serde(rename = #value)]));
            }
            variant.ident = format_ident!("{new_name}");
        }
    }
    let mut arms = Vec::new();
    for variant in e.variants.iter_mut() {
        if variant.ident == "Unknown" {
            return Err(format!(
                "the enum `{name}` has a value named `Unknown`, the name of its catch-all variant"
            ));
        }
        let value = serde_rename(&variant.attrs).unwrap_or_else(|| variant.ident.to_string());
        variant.attrs.retain(|a| !a.path().is_ident("serde"));
        let ident = &variant.ident;
        arms.push(quote!(#ident => #value));
    }
    e.attrs.retain(|a| !a.path().is_ident("serde"));
    crate::syntax::without_derives(&mut e.attrs, &["Deserialize", "Serialize", "Copy"]);
    e.variants.push(parse_quote! {
        /// A value this client does not know yet, kept as the service wrote it.
        Unknown(::std::string::String)
    });
    Ok(Some(parse_quote! {
        ::saas_admin_runtime::open_enum!(#name { #(#arms),* });
    }))
}

/// A union of kinds becomes open; returns the macro call that gives it its
/// serde impls and `kind()`.
fn open_union(e: &mut ItemEnum, union: &Union) -> Result<Item, String> {
    let name = e.ident.clone();
    if e.variants.len() != union.kinds.len() {
        return Err(format!(
            "the union `{name}` has {} variants for {} members in the spec",
            e.variants.len(),
            union.kinds.len()
        ));
    }
    if e.variants.iter().any(|v| v.ident == "Unknown") {
        return Err(format!(
            "the union `{name}` has a member named `Unknown`, the name of its catch-all variant"
        ));
    }
    let newtypes = e
        .variants
        .iter()
        .all(|v| matches!(&v.fields, Fields::Unnamed(f) if f.unnamed.len() == 1));
    let inline = e
        .variants
        .iter()
        .all(|v| matches!(v.fields, Fields::Named(_)));
    let tag = &union.tag;
    let arms: Vec<TokenStream> = e
        .variants
        .iter()
        .zip(&union.kinds)
        .map(|(variant, kind)| {
            let ident = &variant.ident;
            quote!(#kind => #ident)
        })
        .collect();
    let unknown = format_ident!("Unknown");
    if newtypes {
        // Each kind with its variant's type, which a JSON Schema refers to.
        let arms = e
            .variants
            .iter()
            .zip(&union.kinds)
            .map(|(variant, kind)| {
                let ident = &variant.ident;
                let ty = match &variant.fields {
                    Fields::Unnamed(fields) => &fields.unnamed[0].ty,
                    _ => unreachable!("every variant is a newtype"),
                };
                quote!(#kind => #ident(#ty))
            })
            .collect::<Vec<_>>();
        // The macro writes the whole serde code: the variants' own types decode.
        e.attrs.retain(|a| !a.path().is_ident("serde"));
        crate::syntax::without_derives(&mut e.attrs, &["Deserialize", "Serialize"]);
        e.variants.push(parse_quote! {
            /// A kind this client does not know yet, kept whole.
            #unknown(::saas_admin_runtime::UnknownKind)
        });
        Ok(parse_quote! {
            ::saas_admin_runtime::open_union!(#name, #tag { #(#arms),* });
        })
    } else if inline {
        // serde's derived code stays for the known kinds, as inherent
        // functions the macro's impls call.
        e.attrs.push(parse_quote!(#[serde(remote = "Self")]));
        e.variants.push(parse_quote! {
            /// A kind this client does not know yet, kept whole.
            #[serde(skip)]
            #unknown(::saas_admin_runtime::UnknownKind)
        });
        Ok(parse_quote! {
            ::saas_admin_runtime::open_union!(inline #name, #tag { #(#arms),* });
        })
    } else {
        Err(format!(
            "the union `{name}` mixes variant shapes (each a type, or each inline members)"
        ))
    }
}

/// `#[serde(rename = "value")]`'s value.
fn serde_rename(attrs: &[Attribute]) -> Option<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .find_map(|a| {
            let metas = a
                .parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
                .ok()?;
            metas.into_iter().find_map(|meta| match meta {
                Meta::NameValue(nv) if nv.path.is_ident("rename") => match nv.value {
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }) => Some(s.value()),
                    _ => None,
                },
                _ => None,
            })
        })
}

/// Adds `null`-as-empty decoding to each defaulted field that is not an
/// `Option`; returns how many.
fn tolerate_nulls<'a>(fields: impl Iterator<Item = &'a mut syn::Field>) -> usize {
    let mut count = 0;
    for field in fields {
        let defaulted = field
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("serde"))
            .any(|a| {
                a.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
                    .is_ok_and(|metas| {
                        metas.iter().any(|m| m.path().is_ident("default"))
                            && !metas.iter().any(|m| m.path().is_ident("deserialize_with"))
                    })
            });
        if defaulted && !is_option(&field.ty) {
            field.attrs.push(parse_quote!(
                #[serde(deserialize_with = #NULL_AS_DEFAULT)]
            ));
            count += 1;
        }
    }
    count
}

fn is_option(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Option"))
}

/// typify's `Display`, `FromStr` and `TryFrom` impls of an enum made open,
/// which `open_enum!` replaces.
fn is_replaced_impl(item: &Item, open_enums: &BTreeSet<String>) -> bool {
    let Item::Impl(block) = item else {
        return false;
    };
    let Some((_, trait_path, _)) = &block.trait_ else {
        return false;
    };
    let syn::Type::Path(target) = &*block.self_ty else {
        return false;
    };
    let Some(target) = target.path.get_ident() else {
        return false;
    };
    let Some(trait_name) = trait_path.segments.last().map(|s| s.ident.to_string()) else {
        return false;
    };
    open_enums.contains(&target.to_string())
        && matches!(trait_name.as_str(), "Display" | "FromStr" | "TryFrom")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(yaml: &str) -> OpenAPI {
        serde_yaml::from_str(yaml).unwrap()
    }

    const SPEC: &str = r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Pet:
      oneOf:
        - $ref: '#/components/schemas/Cat'
        - $ref: '#/components/schemas/Dog'
      discriminator:
        propertyName: type
        mapping: {cat: '#/components/schemas/Cat'}
    Cat:
      type: object
      properties: {type: {type: string}}
    Dog:
      type: object
      properties: {type: {type: string, enum: [dog]}}
"#;

    #[test]
    fn kinds_come_from_the_mapping_or_the_single_value_of_the_tag() {
        let unions = unions(&spec(SPEC)).unwrap();
        assert_eq!(unions["Pet"].tag, "type");
        assert_eq!(unions["Pet"].kinds, ["cat", "dog"]);
    }

    #[test]
    fn enums_unions_and_defaulted_fields_are_opened() {
        let client = quote! {
            pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug)]
                pub enum Color {
                    #[serde(rename = "dark-red")]
                    DarkRed,
                }
                impl ::std::fmt::Display for Color {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { todo!() }
                }
                impl ::std::convert::TryFrom<&str> for Color {
                    type Error = ();
                    fn try_from(value: &str) -> Result<Self, ()> { todo!() }
                }
                impl ::std::convert::From<&Color> for Color {
                    fn from(value: &Color) -> Self { value.clone() }
                }
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
                #[serde(untagged)]
                pub enum Pet { Cat(Cat), Dog(Dog) }
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
                pub struct Cat {
                    #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
                    pub toys: ::std::vec::Vec<String>,
                    #[serde(default, skip_serializing_if = "::std::option::Option::is_none")]
                    pub name: ::std::option::Option<String>,
                }
            }
        };
        let (out, opened) = open(&spec(SPEC), client).unwrap();
        assert_eq!(
            opened,
            Opened {
                enums: 1,
                unions: 1,
                null_tolerant_fields: 1
            }
        );
        let out = out.to_string();
        for expected in [
            "# [derive (Clone , Debug)] pub enum Color",
            "Unknown (:: std :: string :: String)",
            "open_enum ! (Color { DarkRed => \"dark-red\" })",
            // Each kind with its variant's type, which a JSON Schema refers to.
            "open_union ! (Pet , \"type\" { \"cat\" => Cat (Cat) , \"dog\" => Dog (Dog) })",
            // Every other type derives JSON Schema behind the feature.
            "# [cfg_attr (feature = \"schemars\" , derive (:: schemars :: JsonSchema))] pub struct Cat",
            "Unknown (:: saas_admin_runtime :: UnknownKind)",
            "deserialize_with = \"::saas_admin_runtime::open::null_as_default\"",
            "impl :: std :: convert :: From < & Color > for Color",
        ] {
            assert!(out.contains(expected), "missing `{expected}` in {out}");
        }
        for gone in [
            "impl :: std :: fmt :: Display for Color",
            "TryFrom < & str > for Color",
            "untagged",
        ] {
            assert!(!out.contains(gone), "`{gone}` left in {out}");
        }
    }
}
