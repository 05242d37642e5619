//! The facade's operation builders, one per operation of a spec.
//!
//! Each builder owns a clone of the facade client, stores what the user
//! sets (path, query and header parameters, and each field of an object
//! body), and on `send` replays it onto progenitor's builder (or the
//! hand-written upload's), inside the facade's error handling. What each
//! builder holds and takes is read from the code progenitor emitted, so it
//! always matches; the documentation comes from the spec.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    OpenAPI, Operation, Parameter, ReferenceOr, RequestBody, Schema, SchemaKind, StatusCode, Type,
};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::{lint, Api};

/// The extension with which a spec says how a listing pages, when that is
/// not Opendatasoft's limit and offset (which is recognised by itself):
/// `{style: page-number | cursor, items: a.b, total: field, next: field}`.
pub const PAGES: &str = "x-saas-admin-pages";

/// Names a builder has for itself; a parameter or field named so is refused.
const RESERVED: [&str; 5] = ["send", "send_with_response", "body", "into_stream", "new"];

/// The facade's builders and client methods for one API.
pub fn render(
    api: &Api,
    spec: &OpenAPI,
    client: &TokenStream,
    uploads: Option<&str>,
) -> Result<TokenStream, Vec<String>> {
    let generated: syn::File = syn::parse2(client.clone()).map_err(|e| {
        vec![format!(
            "{}: progenitor's code does not parse: {e}",
            api.spec
        )]
    })?;
    let builders = module_items(&generated.items, &["builder"]);
    let type_builders = module_items(&generated.items, &["types", "builder"]);
    let types = module_items(&generated.items, &["types"]);
    let uploads = match uploads {
        Some(text) => {
            syn::parse_file(text)
                .map_err(|e| {
                    vec![format!(
                        "{}/src/uploads.rs: does not parse: {e}",
                        api.crate_dir
                    )]
                })?
                .items
        }
        None => Vec::new(),
    };
    let ctx = Context {
        api,
        spec,
        krate: format_ident!("{}", api.crate_ident),
        type_builders: &type_builders,
        types: &types,
    };
    let mut problems = Vec::new();
    let mut pieces = Vec::new();
    for (path, method, operation) in lint::operations(spec) {
        let module = if lint::is_hand_written(operation) {
            &uploads
        } else {
            &builders
        };
        match ctx.operation(path, method, operation, module) {
            Ok(tokens) => pieces.push(tokens),
            Err(problem) => problems.push(format!(
                "{}: operation {} ({} {path}): {problem}",
                api.spec,
                operation.operation_id.as_deref().unwrap_or_default(),
                method.to_uppercase()
            )),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let krate = &ctx.krate;
    let doc = format!(
        "The `{}` crate's types: what the operations take and return.",
        api.crate_ident
    );
    Ok(quote! {
        #[doc = #doc]
        pub use #krate::types;
        // The generated client's operations are methods of its tag traits.
        #[allow(unused_imports)]
        use #krate::prelude::*;
        #(#pieces)*
    })
}

/// The items of the module at `path` (nested `mod`s) of a file.
fn module_items(items: &[syn::Item], path: &[&str]) -> Vec<syn::Item> {
    let Some((first, rest)) = path.split_first() else {
        return items.to_vec();
    };
    items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == first => {
                Some(module_items(&m.content.as_ref()?.1, rest))
            }
            _ => None,
        })
        .unwrap_or_default()
}

fn find_struct<'a>(items: &'a [syn::Item], name: &str) -> Option<&'a syn::ItemStruct> {
    items.iter().find_map(|item| match item {
        syn::Item::Struct(s) if s.ident == name => Some(s),
        _ => None,
    })
}

/// The return type of `send` in the impl of `name`.
fn send_output(items: &[syn::Item], name: &str) -> Option<syn::Type> {
    items.iter().find_map(|item| {
        let syn::Item::Impl(block) = item else {
            return None;
        };
        let syn::Type::Path(target) = &*block.self_ty else {
            return None;
        };
        if target.path.segments.last()?.ident != name {
            return None;
        }
        block.items.iter().find_map(|item| match item {
            syn::ImplItem::Fn(f) if f.sig.ident == "send" => match &f.sig.output {
                syn::ReturnType::Type(_, ty) => Some((**ty).clone()),
                syn::ReturnType::Default => None,
            },
            _ => None,
        })
    })
}

/// The first generic argument of `ty` when its last segment is `wrapper`.
fn inner<'a>(ty: &'a syn::Type, wrapper: &str) -> Option<&'a syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != wrapper {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    args.args.iter().find_map(|arg| match arg {
        syn::GenericArgument::Type(ty) => Some(ty),
        _ => None,
    })
}

fn last_ident(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(path) => Some(path.path.segments.last()?.ident.to_string()),
        _ => None,
    }
}

/// The type as the facade names it: the generated crate's `types::…`,
/// `ByteStream` and the uploads' `FileUpload` get the crate's path.
fn qualify(ty: &syn::Type, krate: &syn::Ident) -> TokenStream {
    use quote::ToTokens;
    let text = ty.to_token_stream().to_string();
    let qualified = text
        .split(' ')
        .map(|token| match token {
            // `super::X` is how the body types' builders name the types.
            "types" | "super" => format!("{krate} :: types"),
            "ByteStream" => format!("{krate} :: ByteStream"),
            "FileUpload" => format!("{krate} :: uploads :: FileUpload"),
            other => other.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ");
    // A `types` already behind `::` (as in `super::types`) does not occur in
    // what progenitor emits for builders.
    qualified.parse().expect("a qualified type still parses")
}

/// How a setter takes a value of a parameter's or field's type.
enum Taking {
    /// Text: anything that turns into a `String`.
    Text,
    /// A list: any iterator of values that convert to the item type.
    List(TokenStream),
    /// Anything that converts to the type (`TryInto`): the type itself,
    /// `u32` for an `i64`, `"edit_dataset"` for an enum, a `&str` for a
    /// constrained string. A value that does not convert is refused at
    /// `send`, naming the setter.
    Value(TokenStream),
}

impl Taking {
    fn of(ty: &syn::Type, krate: &syn::Ident) -> Self {
        let name = last_ident(ty).unwrap_or_default();
        if name == "String" || name == "PathSegment" {
            Taking::Text
        } else if let Some(item) = inner(ty, "Vec") {
            Taking::List(qualify(item, krate))
        } else {
            Taking::Value(qualify(ty, krate))
        }
    }

    /// What the builder stores.
    fn stored(&self) -> TokenStream {
        match self {
            Taking::Text => quote!(String),
            Taking::List(item) => quote!(Vec<#item>),
            Taking::Value(ty) => ty.clone(),
        }
    }

    /// The setter `name`, which stores the converted `value` with `assign`.
    fn setter(&self, name: &syn::Ident, doc: &str, assign: TokenStream) -> TokenStream {
        let label = name.to_string();
        let (signature, convert) = match self {
            Taking::Text => {
                return quote! {
                    #[doc = #doc]
                    pub fn #name(mut self, value: impl Into<String>) -> Self {
                        let value: String = value.into();
                        #assign
                        self
                    }
                };
            }
            Taking::List(item) => (
                quote! {
                    pub fn #name<V>(mut self, value: impl IntoIterator<Item = V>) -> Self
                    where
                        V: TryInto<#item>,
                        V::Error: std::fmt::Display,
                },
                quote!(value.into_iter().map(TryInto::try_into).collect::<Result<Vec<#item>, _>>()),
            ),
            Taking::Value(ty) => (
                quote! {
                    pub fn #name<V>(mut self, value: V) -> Self
                    where
                        V: TryInto<#ty>,
                        V::Error: std::fmt::Display,
                },
                quote!(TryInto::<#ty>::try_into(value)),
            ),
        };
        quote! {
            #[doc = #doc]
            #signature
            {
                match #convert {
                    Ok(value) => { #assign }
                    Err(error) => crate::error::refuse(&mut self.invalid, #label, error),
                }
                self
            }
        }
    }
}

struct Context<'a> {
    api: &'a Api,
    spec: &'a OpenAPI,
    krate: syn::Ident,
    type_builders: &'a [syn::Item],
    types: &'a [syn::Item],
}

/// One setter of a facade builder.
struct Setter {
    name: syn::Ident,
    /// The parameter, or the field of the body builder, it sets.
    field: syn::Ident,
    /// A body field the body type holds as an `Option`.
    optional: bool,
    doc: String,
    taking: Taking,
}

impl Context<'_> {
    fn operation(
        &self,
        path: &str,
        method: &str,
        operation: &Operation,
        module: &[syn::Item],
    ) -> Result<TokenStream, String> {
        let id = operation.operation_id.as_deref().unwrap_or_default();
        let name = format_ident!("{}", crate::generate::pascal_case(id));
        let method_name = format_ident!("{id}");
        let generated = find_struct(module, &name.to_string())
            .ok_or_else(|| format!("no builder `{name}` in the generated code"))?;
        let output = send_output(module, &name.to_string())
            .ok_or_else(|| format!("builder `{name}` has no `send`"))?;
        let response = inner(&output, "Result")
            .and_then(|ok| inner(ok, "ResponseValue"))
            .ok_or_else(|| format!("`{name}::send` does not return Result<ResponseValue<_>, _>"))?;
        let krate = &self.krate;
        let output = qualify(response, krate);
        let params = self.parameters(path, operation);

        let mut fields = Vec::new(); // (name, stored type)
        let mut setters = Vec::new();
        let mut replay = Vec::new();
        let mut body_field = None;
        for field in &generated.fields {
            let field_name = field.ident.as_ref().expect("builders have named fields");
            let key = field_name.to_string();
            if key == "client" {
                continue;
            }
            // Progenitor: `Result<T, String>` (required, or a body),
            // `Result<Option<T>, String>` (optional); the uploads:
            // `Result<T, String>` or `Option<T>`.
            let (ty, required) = match (inner(&field.ty, "Result"), inner(&field.ty, "Option")) {
                (Some(ty), _) => match inner(ty, "Option") {
                    Some(ty) => (ty, false),
                    None => (ty, true),
                },
                (None, Some(ty)) => (ty, false),
                (None, None) => (&field.ty, true),
            };
            if Some(key.as_str()) == self.api.configured_path_param {
                replay.push(quote!(let request = request.#field_name(client.#field_name());));
                continue;
            }
            if key == "body" {
                body_field = Some(ty.clone());
                continue;
            }
            let taking = Taking::of(ty, krate);
            let stored = taking.stored();
            fields.push(quote!(#field_name: Option<#stored>));
            replay.push(quote! {
                let request = match #field_name {
                    Some(value) => request.#field_name(value),
                    None => request,
                };
            });
            let doc = match params.get(&key) {
                Some(param) => self.parameter_doc(param, required),
                None if key == "file" => format!(
                    "The file to upload (its name, bytes and content type).{}",
                    required_note(required)
                ),
                None => format!("The `{key}` parameter.{}", required_note(required)),
            };
            setters.push(Setter {
                name: field_name.clone(),
                field: field_name.clone(),
                optional: false,
                doc,
                taking,
            });
        }

        // The body: field by field when it is an object with a builder,
        // and whole in any case.
        let mut body_init = None;
        let mut body_setter = None;
        if let Some(ty) = body_field {
            let builder_name = last_ident(&ty).unwrap_or_default();
            let is_builder = matches!(&ty, syn::Type::Path(p) if p.path.segments.iter().any(|s| s.ident == "builder"));
            if is_builder {
                let whole = format_ident!("{builder_name}");
                fields.push(quote!(body: #krate::types::builder::#whole));
                body_init = Some(quote!(body: Default::default(),));
                replay.push(quote!(let request = request.body(body);));
                body_setter = Some(quote! {
                    /// Sets the whole request body at once, replacing any field set before.
                    pub fn body(mut self, body: #krate::types::#whole) -> Self {
                        self.body = body.into();
                        self
                    }
                });
                let schema = self.body_schema(operation);
                for (field, field_ty) in self.body_fields(&builder_name)? {
                    let (ty, optional) = match inner(&field_ty, "Option") {
                        Some(ty) => (ty.clone(), true),
                        None => (field_ty.clone(), false),
                    };
                    let taking = Taking::of(&ty, krate);
                    let json = self.json_name(&builder_name, &field.to_string());
                    let mut doc = self.field_doc(schema, &json);
                    // A body field named like a parameter (the `username` of
                    // a user, beside the one in the path) gets a `body_` setter.
                    let setter = if setters.iter().any(|s| s.name == field) {
                        doc.push_str(&format!(
                            "\n\nNamed `body_{field}` because the operation also has a parameter `{field}`."
                        ));
                        format_ident!("body_{field}")
                    } else {
                        field.clone()
                    };
                    setters.push(Setter {
                        name: setter,
                        field,
                        optional,
                        doc,
                        taking,
                    });
                }
            } else {
                let whole = qualify(&ty, krate);
                fields.push(quote!(body: Option<#whole>));
                body_init = Some(quote!(body: None,));
                replay.push(quote! {
                    let request = match body {
                        Some(value) => request.body(value),
                        None => request,
                    };
                });
                let doc = format!(
                    "The request body.{}",
                    self.body_description(operation)
                        .map(|d| format!(" {d}"))
                        .unwrap_or_default()
                ) + " Required.";
                body_setter = Some(quote! {
                    #[doc = #doc]
                    pub fn body(mut self, body: impl Into<#whole>) -> Self {
                        self.body = Some(body.into());
                        self
                    }
                });
            }
        }

        let mut seen = BTreeSet::new();
        for setter in &setters {
            let name = setter.name.to_string();
            if RESERVED.contains(&name.as_str()) || !seen.insert(name.clone()) {
                return Err(format!(
                    "two setters, or a setter and a builder method, would both be named `{name}`"
                ));
            }
        }

        let is_param = |setter: &Setter| {
            setter.name == setter.field
                && generated
                    .fields
                    .iter()
                    .any(|f| f.ident.as_ref() == Some(&setter.name))
        };
        let param_names: Vec<&syn::Ident> = setters
            .iter()
            .filter(|s| is_param(s))
            .map(|s| &s.name)
            .collect();
        let setter_fns = setters.iter().map(|setter| {
            let Setter {
                name,
                field,
                optional,
                doc,
                taking,
            } = setter;
            let value = if *optional {
                quote!(Some(value))
            } else {
                quote!(value)
            };
            let assign = if is_param(setter) {
                quote!(self.#name = Some(value);)
            } else {
                quote!(self.body = self.body.#field(#value);)
            };
            taking.setter(name, doc, assign)
        });
        let has_body = body_init.is_some();
        let destructure_body = has_body.then(|| quote!(body,));
        let init_params = param_names.iter().map(|n| quote!(#n: None,));

        let facade = format_ident!("{}", self.api.facade_type);
        let doc = self.operation_doc(path, method, operation);
        let struct_doc = format!(
            "The builder of [`{}::{id}`](crate::{}::{id}): set its parameters, then call `send`.\n\n{doc}",
            self.api.facade_type, self.api.facade_type
        );
        let paging = self.paging(operation)?;
        Ok(quote! {
            #[doc = #struct_doc]
            #[derive(Clone, Debug)]
            #[must_use = "a builder does nothing until `send` is called"]
            pub struct #name {
                client: crate::#facade,
                /// The first value a setter could not convert, and why.
                invalid: Option<String>,
                #(#fields,)*
            }

            impl #name {
                fn new(client: crate::#facade) -> Self {
                    Self { client, invalid: None, #(#init_params)* #body_init }
                }

                #(#setter_fns)*

                #body_setter

                /// Sends the request and returns what the service answered,
                /// decoded, or the one error type.
                pub async fn send(self) -> Result<#output, crate::Error> {
                    self.send_with_response()
                        .await
                        .map(crate::ResponseValue::into_inner)
                }

                /// Like `send`, keeping the status and headers of the answer
                /// (rate-limit headers, say) beside the value.
                pub async fn send_with_response(
                    self,
                ) -> Result<crate::ResponseValue<#output>, crate::Error> {
                    let Self { client, invalid, #(#param_names,)* #destructure_body } = self;
                    if let Some(message) = invalid {
                        return Err(crate::Error::refused(#id, message));
                    }
                    let request = client.client().#method_name();
                    #(#replay)*
                    // Boxed once: the call's future is large, and moving it
                    // through the layers above would copy it at each.
                    crate::error::complete(#id, client.base_url(), Box::pin(request.send())).await
                }
            }

            #paging

            impl crate::#facade {
                #[doc = #doc]
                pub fn #method_name(&self) -> #name {
                    #name::new(self.clone())
                }
            }
        })
    }

    /// The operation's parameters (the path item's included), by the name
    /// progenitor gives their setters.
    fn parameters(&self, path: &str, operation: &Operation) -> BTreeMap<String, Parameter> {
        let mut params = BTreeMap::new();
        let shared = self
            .spec
            .paths
            .paths
            .get(path)
            .and_then(ReferenceOr::as_item)
            .map(|item| item.parameters.clone())
            .unwrap_or_default();
        for param in shared.iter().chain(&operation.parameters) {
            if let Some(param) = self.resolve_parameter(param) {
                params.insert(rust_name(&param.parameter_data_ref().name), param.clone());
            }
        }
        params
    }

    fn resolve_parameter<'s>(&'s self, param: &'s ReferenceOr<Parameter>) -> Option<&'s Parameter> {
        match param {
            ReferenceOr::Item(param) => Some(param),
            ReferenceOr::Reference { reference } => self
                .spec
                .components
                .as_ref()?
                .parameters
                .get(reference.strip_prefix("#/components/parameters/")?)?
                .as_item(),
        }
    }

    /// The component schema a `$ref` names.
    fn schema_named(&self, reference: &str) -> Option<&Schema> {
        self.spec
            .components
            .as_ref()?
            .schemas
            .get(reference.strip_prefix("#/components/schemas/")?)?
            .as_item()
    }

    fn resolve_schema<'s>(&'s self, schema: &'s ReferenceOr<Schema>) -> Option<&'s Schema> {
        match schema {
            ReferenceOr::Item(schema) => Some(schema),
            ReferenceOr::Reference { reference } => self.schema_named(reference),
        }
    }

    fn resolve_boxed<'s>(&'s self, schema: &'s ReferenceOr<Box<Schema>>) -> Option<&'s Schema> {
        match schema {
            ReferenceOr::Item(schema) => Some(schema),
            ReferenceOr::Reference { reference } => self.schema_named(reference),
        }
    }

    fn parameter_doc(&self, param: &Parameter, required: bool) -> String {
        let data = param.parameter_data_ref();
        let mut doc = data
            .description
            .clone()
            .unwrap_or_else(|| format!("The `{}` parameter.", data.name));
        let location = match param {
            Parameter::Path { .. } => "path",
            Parameter::Query { .. } => "query",
            Parameter::Header { .. } => "header",
            Parameter::Cookie { .. } => "cookie",
        };
        doc.push_str(&format!(
            "\n\nSent as the {location} parameter `{}`.",
            data.name
        ));
        if let openapiv3::ParameterSchemaOrContent::Schema(schema) = &data.format {
            if let Some(schema) = self.resolve_schema(schema) {
                doc.push_str(&constraints(schema));
            }
        }
        doc + &required_note(required || data.required)
    }

    fn request_body<'s>(&'s self, operation: &'s Operation) -> Option<&'s RequestBody> {
        match operation.request_body.as_ref()? {
            ReferenceOr::Item(body) => Some(body),
            ReferenceOr::Reference { reference } => self
                .spec
                .components
                .as_ref()?
                .request_bodies
                .get(reference.strip_prefix("#/components/requestBodies/")?)?
                .as_item(),
        }
    }

    fn body_description(&self, operation: &Operation) -> Option<String> {
        self.request_body(operation)?.description.clone()
    }

    fn body_schema<'s>(&'s self, operation: &'s Operation) -> Option<&'s Schema> {
        let media = self
            .request_body(operation)?
            .content
            .get("application/json")?;
        self.resolve_schema(media.schema.as_ref()?)
    }

    /// Each field of a body type's builder, with the type it holds.
    fn body_fields(&self, builder: &str) -> Result<Vec<(syn::Ident, syn::Type)>, String> {
        let item = find_struct(self.type_builders, builder)
            .ok_or_else(|| format!("no builder for the body type `{builder}`"))?;
        Ok(item
            .fields
            .iter()
            .filter_map(|field| {
                let ty = inner(&field.ty, "Result")?;
                Some((field.ident.clone()?, ty.clone()))
            })
            .collect())
    }

    /// The JSON name of a field of a generated type (its serde rename, if any).
    fn json_name(&self, type_name: &str, field: &str) -> String {
        use quote::ToTokens;
        find_struct(self.types, type_name)
            .and_then(|item| {
                item.fields
                    .iter()
                    .find(|f| f.ident.as_ref().is_some_and(|i| i == field))
            })
            .and_then(|field| {
                field.attrs.iter().find_map(|attr| {
                    let text = attr.to_token_stream().to_string();
                    let rest = text.split("rename = \"").nth(1)?;
                    Some(rest.split('"').next()?.to_string())
                })
            })
            .unwrap_or_else(|| field.to_string())
    }

    fn field_doc(&self, schema: Option<&Schema>, json: &str) -> String {
        let object = schema.and_then(|schema| self.object_property(schema, json));
        let (description, property, required) = match object {
            Some((property, required)) => {
                let resolved = self.resolve_boxed(property);
                let description = match property {
                    ReferenceOr::Item(item) => item.schema_data.description.clone(),
                    ReferenceOr::Reference { .. } => None,
                }
                .or_else(|| resolved.and_then(|s| s.schema_data.description.clone()));
                (description, resolved, required)
            }
            None => (None, None, false),
        };
        let mut doc = description.unwrap_or_else(|| format!("The body field `{json}`."));
        doc.push_str(&format!("\n\nSent as the body field `{json}`."));
        if let Some(property) = property {
            doc.push_str(&constraints(property));
        }
        doc + &required_note(required)
    }

    /// A property of an object schema (looking into `allOf`), and whether
    /// it is required.
    fn object_property<'s>(
        &'s self,
        schema: &'s Schema,
        name: &str,
    ) -> Option<(&'s ReferenceOr<Box<Schema>>, bool)> {
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => object
                .properties
                .get(name)
                .map(|p| (p, object.required.iter().any(|r| r == name))),
            SchemaKind::AllOf { all_of } => all_of
                .iter()
                .filter_map(|part| self.resolve_schema(part))
                .find_map(|part| self.object_property(part, name)),
            _ => None,
        }
    }

    fn operation_doc(&self, path: &str, method: &str, operation: &Operation) -> String {
        let id = operation.operation_id.as_deref().unwrap_or_default();
        let mut doc = operation.summary.clone().unwrap_or_else(|| id.to_string());
        if let Some(description) = &operation.description {
            doc.push_str("\n\n");
            doc.push_str(description.trim());
        }
        doc.push_str(&format!("\n\n`{} {path}`", method.to_uppercase()));
        if lint::is_hand_written(operation) {
            doc.push_str(", a multipart upload");
        }
        doc.push('.');
        if let Some(param) = self
            .api
            .configured_path_param
            .filter(|p| path.contains(&format!("{{{p}}}")))
        {
            doc.push_str(&format!(
                " The `{param}` comes from the client's configuration."
            ));
        }
        let errors: BTreeSet<u16> = operation
            .responses
            .responses
            .keys()
            .filter_map(|status| match status {
                StatusCode::Code(code) if *code >= 400 => Some(*code),
                _ => None,
            })
            .collect();
        let errors: Vec<String> = errors.iter().map(u16::to_string).collect();
        if !errors.is_empty() {
            doc.push_str(&format!(
                " Error statuses it documents: {}.",
                errors.join(", ")
            ));
        }
        doc.push_str(if paging_style(self.spec, operation).is_some() {
            "\n\nPaged: [`into_stream()`](crate::Paginate::into_stream) on the builder walks every page, one at a time (`use saas_admin::prelude::*` brings it in scope); `send()` fetches one page."
        } else {
            ""
        });
        doc
    }

    fn paging(&self, operation: &Operation) -> Result<TokenStream, String> {
        if operation.extensions.contains_key(PAGES) && paging_style(self.spec, operation).is_none()
        {
            return Err(format!(
                "{PAGES} must be {{style: page-number, items: a.b[, total: f]}} or {{style: cursor, items: a.b, next: f}}"
            ));
        }
        let Some(style) = paging_style(self.spec, operation) else {
            return Ok(TokenStream::new());
        };
        let id = operation.operation_id.as_deref().unwrap_or_default();
        let name = format_ident!("{}", crate::generate::pascal_case(id));
        let krate = &self.krate;
        let access = |dotted: &str| {
            let parts = dotted.split('.').map(|p| format_ident!("{p}"));
            quote!(answer #(.#parts)*)
        };
        let (item, body) = match style {
            Paging::Offset { item } => {
                let item = format_ident!("{item}");
                (
                    quote!(#krate::types::#item),
                    quote! {
                        crate::paginate::by_offset(move |offset| {
                            let request = self.clone().offset(offset);
                            async move {
                                let answer = request.send().await?;
                                Ok(crate::paginate::OffsetPage {
                                    items: answer.results,
                                    total: answer.total_count.and_then(|total| u64::try_from(total).ok()),
                                    has_next: answer.next.is_some(),
                                })
                            }
                        })
                    },
                )
            }
            Paging::PageNumber { items, total } => {
                let item_ty = self.item_type(operation, &items)?;
                let items = access(&items);
                let total = match total {
                    Some(total) => {
                        let total = access(&total);
                        quote!(#total.and_then(|total| u64::try_from(total).ok()))
                    }
                    None => quote!(None),
                };
                (
                    item_ty,
                    quote! {
                        crate::paginate::by_page_number(move |page| {
                            let request = self.clone().page(page);
                            async move {
                                let answer = request.send().await?;
                                let total = #total;
                                Ok((#items, total))
                            }
                        })
                    },
                )
            }
            Paging::Cursor { items, next } => {
                let item_ty = self.item_type(operation, &items)?;
                let items = access(&items);
                let next = access(&next);
                (
                    item_ty,
                    quote! {
                        crate::paginate::by_cursor(move |cursor| {
                            let request = match cursor {
                                Some(cursor) => self.clone().cursor(cursor),
                                None => self.clone(),
                            };
                            async move {
                                let answer = request.send().await?;
                                Ok((#items, #next))
                            }
                        })
                    },
                )
            }
        };
        Ok(quote! {
            impl crate::Paginate for #name {
                type Item = #item;

                fn into_stream(self) -> crate::ItemStream<#item> {
                    #body
                }
            }
        })
    }

    /// The item type of the array at `items` (dotted) in the operation's
    /// 200 answer, as the generated crate names it.
    fn item_type(&self, operation: &Operation, items: &str) -> Result<TokenStream, String> {
        let fail =
            || format!("{PAGES}: `{items}` is not an array of named schemas in the 200 answer");
        let response = operation
            .responses
            .responses
            .get(&StatusCode::Code(200))
            .ok_or_else(fail)?;
        let response = lint::resolve(self.spec, response)?;
        let mut schema = response
            .content
            .get("application/json")
            .and_then(|m| m.schema.as_ref())
            .and_then(|s| self.resolve_schema(s))
            .ok_or_else(fail)?;
        for part in items.split('.') {
            let (property, _) = self.object_property(schema, part).ok_or_else(fail)?;
            schema = self.resolve_boxed(property).ok_or_else(fail)?;
        }
        let SchemaKind::Type(Type::Array(array)) = &schema.schema_kind else {
            return Err(fail());
        };
        match array.items.as_ref().ok_or_else(fail)? {
            ReferenceOr::Reference { reference } => {
                let name = format_ident!(
                    "{}",
                    reference
                        .strip_prefix("#/components/schemas/")
                        .ok_or_else(fail)?
                );
                let krate = &self.krate;
                Ok(quote!(#krate::types::#name))
            }
            ReferenceOr::Item(_) => Err(fail()),
        }
    }
}

/// How an operation pages: the limit/offset pages of Opendatasoft, or
/// what its `x-saas-admin-pages` says; `None` for one that does not page.
pub fn paging_style(spec: &OpenAPI, operation: &Operation) -> Option<Paging> {
    if let Some(item) = crate::generate::offset_paged_item(spec, operation) {
        return Some(Paging::Offset { item });
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
            Paging::PageNumber { .. } => "page number",
            Paging::Cursor { .. } => "cursor",
        }
    }
}

fn required_note(required: bool) -> String {
    if required {
        "\n\nRequired: `send` refuses the call, naming it, when it is not set.".to_string()
    } else {
        String::new()
    }
}

/// The schema's constraints, as a sentence for a setter's documentation.
fn constraints(schema: &Schema) -> String {
    let mut facts = Vec::new();
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            let values: Vec<String> = s
                .enumeration
                .iter()
                .flatten()
                .map(|v| format!("`{v}`"))
                .collect();
            if !values.is_empty() {
                facts.push(format!("one of {}", values.join(", ")));
            }
            if let openapiv3::VariantOrUnknownOrEmpty::Item(format) = &s.format {
                facts.push(format!("format {format:?}").to_lowercase());
            } else if let openapiv3::VariantOrUnknownOrEmpty::Unknown(format) = &s.format {
                facts.push(format!("format {format}"));
            }
            if let Some(pattern) = &s.pattern {
                facts.push(format!("matches `{pattern}`"));
            }
            if let Some(min) = s.min_length {
                facts.push(format!("at least {min} characters"));
            }
            if let Some(max) = s.max_length {
                facts.push(format!("at most {max} characters"));
            }
        }
        SchemaKind::Type(Type::Integer(i)) => {
            if let Some(min) = i.minimum {
                facts.push(format!("at least {min}"));
            }
            if let Some(max) = i.maximum {
                facts.push(format!("at most {max}"));
            }
        }
        SchemaKind::Type(Type::Number(n)) => {
            if let Some(min) = n.minimum {
                facts.push(format!("at least {min}"));
            }
            if let Some(max) = n.maximum {
                facts.push(format!("at most {max}"));
            }
        }
        SchemaKind::Type(Type::Array(a)) => {
            if let Some(min) = a.min_items {
                facts.push(format!("at least {min} items"));
            }
            if let Some(max) = a.max_items {
                facts.push(format!("at most {max} items"));
            }
        }
        _ => {}
    }
    if let Some(default) = &schema.schema_data.default {
        facts.push(format!("the service's default: `{default}`"));
    }
    if facts.is_empty() {
        String::new()
    } else {
        format!(" Constraints: {}.", facts.join("; "))
    }
}

/// The setter name progenitor gives a parameter: snake case, and a
/// trailing `_` for a Rust keyword.
fn rust_name(name: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r#"
openapi: 3.0.3
info: {title: Test, version: "1"}
tags: [{name: Things}]
paths:
  /things/{name}:
    put:
      operationId: update_thing
      summary: Replace a thing.
      tags: [Things]
      parameters:
        - {name: name, in: path, required: true, description: The thing's name., schema: {type: string}}
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 100}}
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/ThingRequest'}}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}
        '404': {description: no, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
components:
  schemas:
    ThingRequest:
      type: object
      required: [name]
      properties:
        name: {type: string, description: The new name.}
        note: {type: string, description: Free text., maxLength: 40}
    Thing: {type: object, properties: {name: {type: string}}}
    Error: {type: object, properties: {message: {type: string}}}
"#;

    #[test]
    fn each_parameter_and_body_field_is_a_documented_setter() {
        let spec: OpenAPI = serde_yaml::from_str(SPEC).unwrap();
        let mut generator = progenitor_impl::Generator::new(&crate::generate::settings());
        let client = generator.generate_tokens(&spec).unwrap();
        let api = Api {
            spec: "t.yaml",
            crate_dir: "crates/t",
            crate_ident: "t",
            facade_type: "T",
            facade_file: "crates/f/src/generated_t.rs",
            configured_path_param: None,
        };
        let code = render(&api, &spec, &client, None).unwrap().to_string();
        // The path parameter and the body's `name` share a name: the body's
        // setter is `body_name`, and says why.
        for expected in [
            "pub fn name (mut self , value : impl Into < String >) -> Self { let value : String = value . into () ; self . name = Some (value) ;",
            "pub fn body_name (mut self , value : impl Into < String >) -> Self { let value : String = value . into () ; self . body = self . body . name (value) ;",
            // A constrained string is its own type: a &str converts to it, or is refused at `send`.
            "pub fn note < V > (mut self , value : V) -> Self where V : TryInto < t :: types :: ThingRequestNote > , V :: Error : std :: fmt :: Display",
            "Ok (value) => { self . body = self . body . note (Some (value)) ; } Err (error) => crate :: error :: refuse (& mut self . invalid , \"note\" , error) ,",
            "pub fn limit < V > (mut self , value : V) -> Self where V : TryInto < :: std :: num :: NonZeroU64 >",
            "if let Some (message) = invalid { return Err (crate :: Error :: refused (\"update_thing\" , message)) ; }",
            "Sent as the query parameter `limit`. Constraints: at least 1; at most 100.",
            "Sent as the body field `note`. Constraints: at most 40 characters.",
            "Named `body_name` because the operation also has a parameter `name`.",
            "`PUT /things/{name}`. Error statuses it documents: 404.",
            "crate :: error :: complete (\"update_thing\"",
        ] {
            assert!(code.contains(expected), "missing {expected:?} in\n{code}");
        }
        assert_eq!(
            code.matches("Required: `send` refuses the call").count(),
            2,
            "{code}"
        );
    }
}
