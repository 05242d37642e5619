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

use crate::spec::{paging_style, rust_name, Paging, PAGES};
use crate::syntax::{find_struct, has_serde_default, inner, json_name, last_ident, module_items};
use crate::{lint, Api};

/// Names a builder has for itself; a parameter or field named so is refused.
const RESERVED: [&str; 5] = ["send", "send_with_response", "body", "into_stream", "new"];

/// What the facade's builder of one operation takes, for the passes that
/// write code calling it (the operation tests).
pub struct Shape {
    pub id: String,
    /// Each parameter: its setter, its name on the wire, how the setter
    /// takes it.
    pub params: Vec<(syn::Ident, String, Taking)>,
    /// The body's type, which `.body(...)` takes whole.
    pub body: Option<TokenStream>,
    /// What `send` returns.
    pub output: TokenStream,
    /// Every setter but the whole body's: the parameters, then the body's
    /// fields, for the passes that write an option per setter (the
    /// command line).
    pub inputs: Vec<Input>,
}

/// One setter of a facade builder, as the command line offers it.
pub struct Input {
    pub setter: syn::Ident,
    /// Its name on the wire: the parameter's, or the body field's member.
    pub wire: String,
    /// Where it goes: `path`, `query`, `header`, `body` (a field of a JSON
    /// body) or `multipart` (an upload's part).
    pub location: &'static str,
    /// The setter's documentation, without the note on being required.
    pub doc: String,
    pub required: bool,
    pub taking: Taking,
}

/// The facade's builders and client methods for one API, and the shape of
/// each operation's builder.
pub fn render(
    api: &Api,
    spec: &OpenAPI,
    client: &TokenStream,
    uploads: Option<&str>,
) -> Result<(TokenStream, Vec<Shape>), Vec<String>> {
    let generated: syn::File = syn::parse2(client.clone()).map_err(|e| {
        vec![format!(
            "{}: progenitor's code does not parse: {e}",
            api.spec
        )]
    })?;
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
    let generated_calls = client_methods(&generated.items);
    let hand_written_calls = client_methods(&uploads);
    let ctx = Context {
        api,
        spec,
        krate: format_ident!("{}", api.crate_ident),
        types: &types,
        type_names: types
            .iter()
            .filter_map(|item| match item {
                syn::Item::Struct(s) => Some(s.ident.to_string()),
                syn::Item::Enum(e) => Some(e.ident.to_string()),
                syn::Item::Type(t) => Some(t.ident.to_string()),
                _ => None,
            })
            .collect(),
    };
    let mut problems = Vec::new();
    let mut pieces = Vec::new();
    let mut shapes = Vec::new();
    for (path, method, operation) in lint::operations(spec) {
        let calls = if lint::is_hand_written(operation) {
            &hand_written_calls
        } else {
            &generated_calls
        };
        match ctx.operation(path, method, operation, calls) {
            Ok((tokens, shape)) => {
                pieces.push(tokens);
                shapes.push(shape);
            }
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
    let tokens = quote! {
        #[doc = #doc]
        pub use #krate::types;
        #(#pieces)*
    };
    Ok((tokens, shapes))
}

/// The methods of the `impl Client` blocks among `items`: one call per
/// operation, its arguments in the order the call takes them.
fn client_methods(items: &[syn::Item]) -> Vec<syn::Signature> {
    items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Impl(block) if block.trait_.is_none() => Some(block),
            _ => None,
        })
        .filter(|block| last_ident(&block.self_ty).as_deref() == Some("Client"))
        .flat_map(|block| &block.items)
        .filter_map(|item| match item {
            syn::ImplItem::Fn(f) => Some(f.sig.clone()),
            _ => None,
        })
        .collect()
}

/// How a body struct's field is filled when its setter was not called.
enum FieldKind {
    /// An `Option`: left `None`.
    Optional,
    /// `#[serde(default)]`: its type's default (an empty list or map).
    Defaulted,
    /// Neither: `send` refuses the call, naming it.
    Required,
}

impl Context<'_> {
    /// The named fields of the generated struct `name`; `None` when it is
    /// not a struct with named fields.
    fn struct_fields(&self, name: &str) -> Option<Vec<syn::Field>> {
        match &find_struct(self.types, name)?.fields {
            syn::Fields::Named(named) => Some(named.named.iter().cloned().collect()),
            _ => None,
        }
    }

    /// The type as the facade names it: a type of the generated `types`
    /// module (named bare inside it, or as `types::X` by the client) gets
    /// the crate's path, as do `ByteStream` and the uploads' `FileUpload`.
    fn qualify(&self, ty: &syn::Type) -> TokenStream {
        use quote::ToTokens;
        use syn::visit_mut::VisitMut;
        struct Qualify<'c> {
            krate: &'c syn::Ident,
            names: &'c BTreeSet<String>,
        }
        impl VisitMut for Qualify<'_> {
            fn visit_type_path_mut(&mut self, path: &mut syn::TypePath) {
                syn::visit_mut::visit_type_path_mut(self, path);
                if path.qself.is_some() || path.path.leading_colon.is_some() {
                    return;
                }
                let segments: Vec<String> = path
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect();
                let krate = self.krate;
                let last = path
                    .path
                    .segments
                    .last()
                    .cloned()
                    .expect("a path has a segment");
                let replaced: Option<syn::Path> = match segments.as_slice() {
                    [first, _] if first == "types" || first == "super" => {
                        Some(syn::parse_quote!(#krate::types::#last))
                    }
                    [only] if only == "ByteStream" => Some(syn::parse_quote!(#krate::#last)),
                    [only] if only == "FileUpload" => {
                        Some(syn::parse_quote!(#krate::uploads::#last))
                    }
                    [only] if self.names.contains(only) => {
                        Some(syn::parse_quote!(#krate::types::#last))
                    }
                    _ => None,
                };
                if let Some(replaced) = replaced {
                    path.path = replaced;
                }
            }
        }
        let mut ty = ty.clone();
        Qualify {
            krate: &self.krate,
            names: &self.type_names,
        }
        .visit_type_mut(&mut ty);
        ty.to_token_stream()
    }
}

/// How a setter takes a value of a parameter's or field's type.
#[derive(Clone)]
pub enum Taking {
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
    fn of(ty: &syn::Type, ctx: &Context) -> Self {
        if last_ident(ty).as_deref() == Some("String") {
            Taking::Text
        } else if let Some(item) = inner(ty, "Vec") {
            Taking::List(ctx.qualify(item))
        } else {
            Taking::Value(ctx.qualify(ty))
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
    types: &'a [syn::Item],
    /// Every type the generated `types` module defines.
    type_names: BTreeSet<String>,
}

/// One value a facade builder holds (a parameter, or a field of the body),
/// always as an `Option` until `send`.
struct Held {
    /// The builder's field that holds it.
    slot: syn::Ident,
    /// The setter that sets it.
    setter: syn::Ident,
    doc: String,
    taking: Taking,
}

impl Context<'_> {
    fn operation(
        &self,
        path: &str,
        method: &str,
        operation: &Operation,
        calls: &[syn::Signature],
    ) -> Result<(TokenStream, Shape), String> {
        let id = operation.operation_id.as_deref().unwrap_or_default();
        let name = format_ident!("{}", crate::spec::pascal_case(id));
        let method_name = format_ident!("{id}");
        let call = calls
            .iter()
            .find(|sig| sig.ident == id)
            .ok_or_else(|| format!("no method `{id}` on the generated client"))?;
        let output = match &call.output {
            syn::ReturnType::Type(_, ty) => {
                inner(ty, "Result").and_then(|ok| inner(ok, "ResponseValue"))
            }
            syn::ReturnType::Default => None,
        }
        .ok_or_else(|| format!("`Client::{id}` does not return Result<ResponseValue<_>, _>"))?;
        let output = self.qualify(output);
        let params = self.parameters(path, operation);

        let mut held: Vec<Held> = Vec::new();
        let mut shape_params = Vec::new();
        let mut inputs = Vec::new();
        // What `send` does with each held value before the call, and the
        // call's arguments.
        let mut finish = Vec::new();
        let mut args = Vec::new();
        let mut body = None;
        for input in &call.inputs {
            let syn::FnArg::Typed(arg) = input else {
                continue;
            };
            let syn::Pat::Ident(arg_name) = &*arg.pat else {
                return Err(format!("`Client::{id}` has an argument that is not a name"));
            };
            let arg_name = &arg_name.ident;
            let key = arg_name.to_string();
            if Some(key.as_str()) == self.api.configured_path_param {
                let segment = format_ident!("{key}_segment");
                args.push(quote!(client.#segment()));
                continue;
            }
            if key == "body" {
                let syn::Type::Reference(reference) = &*arg.ty else {
                    return Err(format!("`Client::{id}` takes its body by value"));
                };
                body = Some((*reference.elem).clone());
                args.push(quote!(&body));
                continue;
            }
            let (optional, ty) = match inner(&arg.ty, "Option") {
                Some(ty) => (true, ty),
                None => (false, &*arg.ty),
            };
            // The call takes `&str`, `&T` or `T`; the builder holds it owned.
            let (borrowed, owned) = match ty {
                syn::Type::Reference(reference) => match &*reference.elem {
                    syn::Type::Path(p) if p.path.is_ident("str") => {
                        (true, syn::parse_quote!(String))
                    }
                    elem => (true, elem.clone()),
                },
                ty => (false, ty.clone()),
            };
            let segment = last_ident(&owned).as_deref() == Some("PathSegment");
            let doc = match params.get(&key) {
                Some(param) => self.parameter_doc(param, !optional),
                None if key == "file" => format!(
                    "The file to upload (its name, bytes and content type).{}",
                    required_note(!optional)
                ),
                None => format!("The `{key}` parameter.{}", required_note(!optional)),
            };
            // A path segment is held as text and checked at `send`, where
            // a bad one is refused naming the parameter.
            let taking = if segment {
                Taking::Text
            } else {
                Taking::of(&owned, self)
            };
            finish.push(if segment {
                quote!(let #arg_name = crate::error::segment(#id, #key, #arg_name)?;)
            } else if !optional {
                quote!(let #arg_name = crate::error::required(#id, "parameter", #key, #arg_name)?;)
            } else {
                TokenStream::new()
            });
            let wire = params
                .get(&key)
                .map(|p| p.parameter_data_ref().name.clone())
                .unwrap_or_else(|| key.clone());
            inputs.push(Input {
                setter: arg_name.clone(),
                wire: wire.clone(),
                location: match params.get(&key) {
                    Some(Parameter::Path { .. }) => "path",
                    Some(Parameter::Query { .. }) => "query",
                    Some(Parameter::Header { .. }) => "header",
                    Some(Parameter::Cookie { .. }) => "cookie",
                    None => "multipart",
                },
                doc: doc.replace(REQUIRED_NOTE, ""),
                required: !optional,
                taking: taking.clone(),
            });
            shape_params.push((arg_name.clone(), wire, taking.clone()));
            args.push(match (optional, borrowed, &taking) {
                (false, true, _) => quote!(&#arg_name),
                (false, false, _) | (true, false, _) => quote!(#arg_name),
                (true, true, Taking::Text) => quote!(#arg_name.as_deref()),
                (true, true, _) => quote!(#arg_name.as_ref()),
            });
            held.push(Held {
                slot: arg_name.clone(),
                setter: arg_name.clone(),
                doc,
                taking,
            });
        }

        // The body: field by field when it is a struct, and whole in any case.
        let mut body_setter = None;
        let mut build_body = TokenStream::new();
        if let Some(ty) = &body {
            let type_name = last_ident(ty).unwrap_or_default();
            let whole = self.qualify(ty);
            match self.struct_fields(&type_name) {
                Some(fields) => {
                    let schema = self.body_schema(operation);
                    let mut take_apart = Vec::new();
                    let mut field_names = Vec::new();
                    let mut put_together = Vec::new();
                    for field in fields {
                        let field_name = field.ident.clone().expect("named fields");
                        field_names.push(field_name.clone());
                        let slot = format_ident!("body_{field_name}");
                        let (value_ty, kind) = match inner(&field.ty, "Option") {
                            Some(ty) => (ty.clone(), FieldKind::Optional),
                            None if has_serde_default(&field.attrs) => {
                                (field.ty.clone(), FieldKind::Defaulted)
                            }
                            None => (field.ty.clone(), FieldKind::Required),
                        };
                        let json = json_name(&field);
                        let mut doc = self.field_doc(schema, &json);
                        // A body field named like a parameter (the `username` of
                        // a user, beside the one in the path) gets a `body_` setter.
                        let setter = if held.iter().any(|h| h.setter == field_name) {
                            doc.push_str(&format!(
                                "\n\nNamed `body_{field_name}` because the operation also has a parameter `{field_name}`."
                            ));
                            slot.clone()
                        } else {
                            field_name.clone()
                        };
                        let label = setter.to_string();
                        put_together.push(match kind {
                            FieldKind::Optional => quote!(#field_name: #slot,),
                            FieldKind::Defaulted => quote!(#field_name: #slot.unwrap_or_default(),),
                            FieldKind::Required => quote!(
                                #field_name: crate::error::required(#id, "body field", #label, #slot)?,
                            ),
                        });
                        take_apart.push(match kind {
                            FieldKind::Optional => quote!(self.#slot = #field_name;),
                            _ => quote!(self.#slot = Some(#field_name);),
                        });
                        let taking = Taking::of(&value_ty, self);
                        inputs.push(Input {
                            setter: setter.clone(),
                            wire: json.clone(),
                            location: "body",
                            doc: doc.replace(REQUIRED_NOTE, ""),
                            required: matches!(kind, FieldKind::Required),
                            taking: taking.clone(),
                        });
                        held.push(Held {
                            slot,
                            setter,
                            doc,
                            taking,
                        });
                    }
                    body_setter = Some(quote! {
                        /// Sets the whole request body at once, replacing any field set before.
                        pub fn body(mut self, body: #whole) -> Self {
                            let #whole { #(#field_names),* } = body;
                            #(#take_apart)*
                            self
                        }
                    });
                    build_body = quote!(let body = #whole { #(#put_together)* };);
                }
                None => {
                    let slot = format_ident!("body");
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
                    build_body =
                        quote!(let body = crate::error::required(#id, "parameter", "body", body)?;);
                    held.push(Held {
                        slot,
                        setter: format_ident!("body"),
                        doc: String::new(),
                        taking: Taking::Value(whole),
                    });
                }
            }
        }

        let mut seen = BTreeSet::new();
        for h in &held {
            let setter = h.setter.to_string();
            let whole_body = setter == "body" && h.slot == "body";
            if (!whole_body && RESERVED.contains(&setter.as_str())) || !seen.insert(setter.clone())
            {
                return Err(format!(
                    "two setters, or a setter and a builder method, would both be named `{setter}`"
                ));
            }
        }

        let slots: Vec<&syn::Ident> = held.iter().map(|h| &h.slot).collect();
        let stored = held.iter().map(|h| {
            let slot = &h.slot;
            let ty = h.taking.stored();
            quote!(#slot: Option<#ty>)
        });
        let setter_fns = held
            .iter()
            .filter(|h| !(h.setter == "body" && h.slot == "body"))
            .map(|h| {
                let slot = &h.slot;
                h.taking
                    .setter(&h.setter, &h.doc, quote!(self.#slot = Some(value);))
            });

        let facade = format_ident!("{}", self.api.facade_type);
        let doc = self.operation_doc(path, method, operation);
        let struct_doc = format!(
            "The builder of [`{}::{id}`](crate::{}::{id}): set its parameters, then call `send`.\n\n{doc}",
            self.api.facade_type, self.api.facade_type
        );
        let paging = self.paging(operation)?;
        let shape = Shape {
            id: id.to_string(),
            params: shape_params,
            body: body.as_ref().map(|ty| self.qualify(ty)),
            output: output.clone(),
            inputs,
        };
        let tokens = quote! {
            #[doc = #struct_doc]
            #[derive(Clone, Debug)]
            #[must_use = "a builder does nothing until `send` is called"]
            pub struct #name {
                client: crate::#facade,
                /// The first value a setter could not convert, and why.
                invalid: Option<String>,
                #(#stored,)*
            }

            impl #name {
                fn new(client: crate::#facade) -> Self {
                    Self { client, invalid: None, #(#slots: None,)* }
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
                    let Self { client, invalid, #(#slots,)* } = self;
                    if let Some(message) = invalid {
                        return Err(crate::Error::refused(#id, message));
                    }
                    #(#finish)*
                    #build_body
                    crate::error::complete(
                        #id,
                        client.base_url(),
                        client.client().#method_name(#(#args),*),
                    )
                    .await
                }
            }

            #paging

            impl crate::#facade {
                #[doc = #doc]
                pub fn #method_name(&self) -> #name {
                    #name::new(self.clone())
                }
            }
        };
        Ok((tokens, shape))
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
        doc.push_str(match paging_style(self.spec, operation) {
            Some(Paging::NextLink { .. }) => {
                "\n\nPaged: `send()` fetches the first page; `into_stream()` on the builder walks every page, one at a time, following each answer's `next` link (on the same host only, with the client's credentials, retries and tracing, as any call)."
            }
            Some(_) => {
                "\n\nPaged: `into_stream()` on the builder walks every page, one at a time; `send()` fetches one page."
            }
            None => "",
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
        let name = format_ident!("{}", crate::spec::pascal_case(id));
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
            Paging::NextLink { item } => {
                let item = format_ident!("{item}");
                (
                    quote!(#krate::types::#item),
                    quote! {
                        crate::paginate::by_cursor(move |link| {
                            let request = self.clone();
                            async move {
                                let answer = match link {
                                    None => request.send().await?,
                                    Some(url) => {
                                        crate::paginate::follow::<_, _, #krate::types::Error>(
                                            request.client.client(),
                                            #id,
                                            &url,
                                        )
                                        .await?
                                    }
                                };
                                Ok((answer.results, answer.next))
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

                // Inline: the stream and the decoding of its pages are
                // compiled in the programs that walk this listing, not in
                // every build of the crate.
                #[inline]
                fn into_stream(self) -> crate::ItemStream<#item> {
                    #body
                }
            }

            impl #name {
                /// Every item of the listing, page after page, fetched as the
                /// stream is read; a page that fails is an error item. Needs no
                /// import (it is [`Paginate::into_stream`](crate::Paginate::into_stream)).
                #[inline]
                pub fn into_stream(self) -> crate::ItemStream<#item> {
                    crate::Paginate::into_stream(self)
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

/// What a required setter's documentation ends with.
const REQUIRED_NOTE: &str = "\n\nRequired: `send` refuses the call, naming it, when it is not set.";

fn required_note(required: bool) -> String {
    if required {
        REQUIRED_NOTE.to_string()
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
        let code = render(&api, &spec, &client, None).unwrap().0.to_string();
        // The path parameter and the body's `name` share a name: the body's
        // setter is `body_name`, and says why.
        for expected in [
            "pub fn name (mut self , value : impl Into < String >) -> Self { let value : String = value . into () ; self . name = Some (value) ;",
            "pub fn body_name (mut self , value : impl Into < String >) -> Self { let value : String = value . into () ; self . body_name = Some (value) ;",
            // Each body field is held by the builder, and the body is put together at `send`.
            "let body = t :: types :: ThingRequest { name : crate :: error :: required (\"update_thing\" , \"body field\" , \"body_name\" , body_name) ? , note : body_note , } ;",
            "let name = crate :: error :: required (\"update_thing\" , \"parameter\" , \"name\" , name) ? ;",
            "crate :: error :: complete (\"update_thing\" , client . base_url () , client . client () . update_thing (& name , limit , & body) ,)",
            // A constrained string is its own type: a &str converts to it, or is refused at `send`.
            "pub fn note < V > (mut self , value : V) -> Self where V : TryInto < t :: types :: ThingRequestNote > , V :: Error : std :: fmt :: Display",
            "Ok (value) => { self . body_note = Some (value) ; } Err (error) => crate :: error :: refuse (& mut self . invalid , \"note\" , error) ,",
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
