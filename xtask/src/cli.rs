//! The command line's commands for one API, generated from its spec and the
//! shapes of the facade's builders: `crates/saas-admin-cli/src/generated_<api>.rs`.
//!
//! For each operation, a subcommand named by its id in kebab case, with the
//! operation's summary, and an option per setter of its builder (each
//! parameter, each field of a JSON body, an upload's file), documented by
//! the setter's own documentation; `--body` where the operation takes a
//! body, `--all` where it pages, `--out` where it answers a file. Then the
//! code that puts the parsed options onto the builder and sends it. How a
//! text becomes a value, and how an answer is printed, is written once by
//! hand, in the crate's `input` and `output` modules.

use std::collections::BTreeMap;

use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::facade::{Input, Shape, Taking};
use crate::spec::paging_style;
use crate::{lint, Api};

/// Options every command has (global ones and those the crate adds): a
/// parameter or field named so would clash.
const RESERVED: [&str; 10] = [
    "all",
    "out",
    "output",
    "fields",
    "dry-run",
    "fake",
    "base-url",
    "account-url",
    "help",
    "body",
];

/// The generated file's path for `api`.
pub fn path(api: &Api) -> String {
    format!(
        "crates/saas-admin-cli/src/generated_{}.rs",
        crate::robustness::feature(api)
    )
}

/// `group_uid` → `group-uid`; `type_` → `type`.
pub fn kebab(name: &str) -> String {
    name.trim_end_matches('_').replace('_', "-")
}

/// The commands of one API, and the code that runs each.
pub fn render(
    api: &Api,
    spec: &OpenAPI,
    spec_text: &str,
    shapes: &[Shape],
) -> Result<TokenStream, String> {
    let doc: Value =
        serde_yaml::from_str(spec_text).map_err(|e| format!("not a valid document: {e}"))?;
    let name = crate::robustness::feature(api);
    let facade = format_ident!("{}", api.facade_type);
    let krate = format_ident!("{}", api.crate_ident);

    let mut commands = Vec::new();
    let mut arms = Vec::new();
    // Tag → (command, summary), in the spec's tag order.
    let mut groups: BTreeMap<usize, (String, Vec<(String, String)>)> = BTreeMap::new();
    let tag_order: Vec<String> = spec.tags.iter().map(|t| t.name.clone()).collect();
    for (path, method, operation) in lint::operations(spec) {
        let id = operation.operation_id.as_deref().unwrap_or_default();
        let shape = shapes
            .iter()
            .find(|s| s.id == id)
            .ok_or_else(|| format!("{id}: the facade has no builder for it"))?;
        let command = kebab(id);
        let summary = operation
            .summary
            .clone()
            .unwrap_or_else(|| id.to_string())
            .trim_end_matches('.')
            .to_string();
        let tag = operation.tags.first().cloned().unwrap_or_default();
        let index = tag_order
            .iter()
            .position(|t| *t == tag)
            .unwrap_or(tag_order.len());
        groups
            .entry(index)
            .or_insert_with(|| (tag.clone(), Vec::new()))
            .1
            .push((command.clone(), summary.clone()));

        let raw_op = &doc["paths"][path][method];
        let raw_params: Vec<&Value> = doc["paths"][path]["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .chain(raw_op["parameters"].as_array().into_iter().flatten())
            .map(|p| resolve(&doc, p))
            .collect();
        let body_schema = resolve(
            &doc,
            &resolve(&doc, &raw_op["requestBody"])["content"]["application/json"]["schema"],
        );

        let paged = paging_style(spec, operation).is_some();
        let output = shape.output.to_string();
        let download = output.ends_with("ByteStream");
        let unit = output == "()";

        let mut long_about = summary.clone() + ".";
        if let Some(description) = &operation.description {
            long_about.push_str("\n\n");
            long_about.push_str(description.trim());
        }
        long_about.push_str(&format!("\n\n{} {path}", method.to_uppercase()));
        if paged {
            long_about.push_str(
                "\n\nPaged: --all follows every page and prints each item as a line of JSON.",
            );
        }

        let mut args = Vec::new();
        let mut sets = Vec::new();
        let has_fields = shape.inputs.iter().any(|i| i.location == "body");
        for input in &shape.inputs {
            let option = kebab(&input.setter.to_string());
            if RESERVED.contains(&option.as_str()) && input.setter != "file" {
                return Err(format!(
                    "{id}: the option --{option} would clash with one the command line has"
                ));
            }
            let schema = match input.location {
                "body" => property(&doc, body_schema, &input.wire),
                _ => raw_params
                    .iter()
                    .find(|p| p["name"] == input.wire.as_str())
                    .map(|p| resolve(&doc, &p["schema"])),
            };
            args.push(argument(input, &option, schema, &doc, has_fields));
            sets.push(setting(input, &option));
        }
        let mut extra = Vec::new();
        if let Some(body) = &shape.body {
            let required = !has_fields;
            let help = if required {
                "The request body, as JSON: inline, @file.json, or - for standard input. Required."
            } else {
                "The whole request body, as JSON: inline, @file.json, or - for standard input. Options for its fields, given too, replace its members."
            };
            extra.push(quote!(.arg(crate::input::body_arg(#help, #required))));
            // The whole body first: a field's option then replaces its member.
            sets.insert(
                0,
                quote! {
                    if let Some(value) = crate::input::body::<#body>(matches)? {
                        call = call.body(value);
                    }
                },
            );
        }
        if paged {
            extra.push(quote!(.arg(crate::input::all_arg())));
        }
        if download {
            extra.push(quote!(.arg(crate::input::out_arg())));
        }
        let method_name = format_ident!("{id}");
        let finish = if download {
            quote!(out.download(matches, call.send().await?).await)
        } else if unit {
            quote! {
                call.send().await?;
                Ok(())
            }
        } else if paged {
            quote! {
                if crate::input::all(matches) {
                    out.stream(call.into_stream()).await
                } else {
                    out.answer(&call.send().await?)
                }
            }
        } else {
            quote!(out.answer(&call.send().await?))
        };
        let mutable = if sets.is_empty() {
            quote!()
        } else {
            quote!(mut)
        };
        commands.push(quote! {
            clap::Command::new(#command)
                .about(#summary)
                .long_about(#long_about)
                #(.arg(#args))*
                #(#extra)*
        });
        arms.push(quote! {
            #command => {
                let #mutable call = client.#method_name();
                #(#sets)*
                #finish
            }
        });
    }

    // The commands, grouped by tag, for `--help`.
    let width = groups
        .values()
        .flat_map(|(_, commands)| commands.iter().map(|(c, _)| c.len()))
        .max()
        .unwrap_or(0);
    let mut grouped = String::new();
    for (tag, commands) in groups.values() {
        grouped.push_str(&format!("{tag}:\n"));
        for (command, summary) in commands {
            grouped.push_str(&format!("  {command:width$}  {summary}\n"));
        }
        grouped.push('\n');
    }
    let grouped = grouped.trim_end().to_string();
    let title = spec.info.title.clone();
    let about = format!("{title}: every operation, grouped by tag");
    let module_doc = format!(
        " The `{name}` commands: one per operation of `{}`, over the facade's builders.",
        api.spec
    );
    let command_doc = format!(" The `{name}` command and its subcommands.");
    let run_doc = format!(
        " Runs the `{name}` command `operation` (parsed into `matches`) with `client`, printing its answer with `out`."
    );
    Ok(quote! {
        #![doc = #module_doc]
        #![allow(clippy::too_many_lines)]

        #[allow(unused_imports)]
        use saas_admin::#krate;

        /// The commands, grouped by the spec's tags, as `--help` lists them.
        pub const GROUPED: &str = #grouped;

        #[doc = #command_doc]
        pub fn command() -> clap::Command {
            clap::Command::new(#name)
                .about(#about)
                .subcommand_required(true)
                .arg_required_else_help(true)
                .help_template(crate::input::GROUPED_TEMPLATE)
                .before_help(GROUPED)
                .term_width(0)
                #(.subcommand(#commands))*
        }

        #[doc = #run_doc]
        pub async fn run(
            client: saas_admin::#facade,
            operation: &str,
            matches: &clap::ArgMatches,
            out: &crate::output::Output,
        ) -> Result<(), crate::Failure> {
            match operation {
                #(#arms)*
                other => Err(crate::Failure::usage(format!("no such command: {other}"))),
            }
        }
    })
}

/// The path of the walk's answer checks for `api`.
pub fn answers_path(api: &Api) -> String {
    format!(
        "crates/saas-admin-cli/tests/support/generated_answers_{}.rs",
        crate::robustness::feature(api)
    )
}

/// What each command prints, checked: the operation's answer type decoded
/// from the JSON on standard output, nothing for an answer with no body,
/// bytes for a file. The walk (`tests/generated_walk.rs`) uses it.
pub fn answers(api: &Api, spec: &OpenAPI, shapes: &[Shape]) -> TokenStream {
    let krate = format_ident!("{}", api.crate_ident);
    let arms = lint::operations(spec).filter_map(|(_, _, operation)| {
        let id = operation.operation_id.as_deref()?;
        let shape = shapes.iter().find(|s| s.id == id)?;
        let command = kebab(id);
        let output = &shape.output;
        let text = output.to_string();
        Some(if text.ends_with("ByteStream") {
            quote!(#command => super::bytes(stdout),)
        } else if text == "()" {
            quote!(#command => super::empty(stdout),)
        } else {
            quote!(#command => super::decode::<#output>(stdout),)
        })
    });
    let doc = format!(
        " What each command of `{}` prints, checked against the operation's answer type.",
        api.spec
    );
    quote! {
        #![doc = #doc]
        #![allow(clippy::all)]

        #[allow(unused_imports)]
        use saas_admin::#krate;

        /// Checks the standard output of `command`.
        pub fn check(command: &str, stdout: &[u8]) -> Result<(), String> {
            match command {
                #(#arms)*
                other => Err(format!("no such command: {other}")),
            }
        }
    }
}

/// The option of one setter.
fn argument(
    input: &Input,
    option: &str,
    schema: Option<&Value>,
    doc: &Value,
    has_fields: bool,
) -> TokenStream {
    let upload =
        matches!(&input.taking, Taking::Value(ty) if ty.to_string().ends_with("FileUpload"));
    let nested = schema.is_some_and(|s| is_nested(doc, s));
    let mut long = markdown_to_text(&input.doc);
    if let Some(values) = schema.and_then(|s| enum_values(doc, s)) {
        if !long.contains("one of") {
            long.push_str(&format!(
                " Values: {} (another is sent as written).",
                values.join(", ")
            ));
        } else {
            long.push_str(" Another value is sent as written.");
        }
    }
    if upload {
        long = "The file to upload: its path.".to_string();
    } else if nested {
        long.push_str(" As JSON: inline, or @file.json.");
    }
    if matches!(input.taking, Taking::List(_)) {
        long.push_str(" Repeat the option for each item.");
    }
    let required = input.required;
    if required {
        long.push_str(" Required.");
    }
    let short = first_sentence(&long);
    let value_name = if upload {
        "PATH".to_string()
    } else if nested {
        "JSON".to_string()
    } else {
        option.to_uppercase().replace('-', "_")
    };
    let heading = match input.location {
        "body" => "Body fields",
        _ => "Parameters",
    };
    let list = matches!(input.taking, Taking::List(_));
    let mut arg = quote! {
        crate::input::option(#option, #value_name, #heading, #short, #long)
    };
    if list {
        arg = quote!(#arg.action(clap::ArgAction::Append));
    }
    if required {
        // A body field can come with the whole body instead.
        arg = if input.location == "body" && has_fields {
            quote!(#arg.required_unless_present("body"))
        } else {
            quote!(#arg.required(true))
        };
    }
    arg
}

/// The code that puts one option's value onto the builder.
fn setting(input: &Input, option: &str) -> TokenStream {
    let setter = &input.setter;
    match &input.taking {
        Taking::Text => quote! {
            if let Some(value) = crate::input::text(matches, #option) {
                call = call.#setter(value);
            }
        },
        Taking::List(item) => quote! {
            if let Some(value) = crate::input::list::<#item>(matches, #option)? {
                call = call.#setter(value);
            }
        },
        Taking::Value(ty) if ty.to_string().ends_with("FileUpload") => quote! {
            if let Some((name, bytes)) = crate::input::file(matches, #option)? {
                call = call.#setter(#ty::new(name, bytes));
            }
        },
        Taking::Value(ty) => quote! {
            if let Some(value) = crate::input::value::<#ty>(matches, #option)? {
                call = call.#setter(value);
            }
        },
    }
}

/// A `$ref` followed, to what it names.
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    let mut value = value;
    for _ in 0..16 {
        let Some(reference) = value["$ref"].as_str() else {
            break;
        };
        match doc.pointer(reference.trim_start_matches('#')) {
            Some(target) => value = target,
            None => break,
        }
    }
    value
}

/// The schema of an object schema's member (looking into `allOf`).
fn property<'a>(doc: &'a Value, schema: &'a Value, name: &str) -> Option<&'a Value> {
    if let Some(found) = schema["properties"].get(name) {
        return Some(resolve(doc, found));
    }
    schema["allOf"]
        .as_array()?
        .iter()
        .find_map(|part| property(doc, resolve(doc, part), name))
}

/// Whether a value of the schema is given as JSON: an object, a union, or
/// a list of those.
fn is_nested(doc: &Value, schema: &Value) -> bool {
    let schema = resolve(doc, schema);
    if schema.get("enum").is_some() {
        return false;
    }
    if let Some(parts) = schema["allOf"].as_array() {
        return parts.iter().any(|p| is_nested(doc, p));
    }
    if schema.get("oneOf").is_some() || schema.get("anyOf").is_some() {
        return true;
    }
    match schema["type"].as_str() {
        Some("object") => true,
        Some("array") => is_nested(doc, &schema["items"]),
        None => schema.get("properties").is_some(),
        _ => false,
    }
}

/// The values an enum (or a list of one) lists.
fn enum_values(doc: &Value, schema: &Value) -> Option<Vec<String>> {
    let schema = resolve(doc, schema);
    let schema = match schema["type"].as_str() {
        Some("array") => resolve(doc, &schema["items"]),
        _ => schema,
    };
    let schema = match schema["allOf"].as_array() {
        Some(parts) if parts.len() == 1 => resolve(doc, &parts[0]),
        _ => schema,
    };
    let values: Vec<String> = schema["enum"]
        .as_array()?
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    (!values.is_empty()).then_some(values)
}

/// A setter's documentation as help text: one paragraph, no Markdown.
fn markdown_to_text(doc: &str) -> String {
    let text: Vec<&str> = doc.split_whitespace().collect();
    text.join(" ").replace('`', "")
}

/// The first sentence, for the short help (`-h`).
fn first_sentence(text: &str) -> String {
    match text.find(". ") {
        Some(end) => text[..=end].to_string(),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_options() {
        assert_eq!(kebab("group_uid"), "group-uid");
        assert_eq!(kebab("type_"), "type");
        assert_eq!(kebab("body_username"), "body-username");
    }

    #[test]
    fn nested_values_are_objects_unions_and_lists_of_them() {
        let doc = serde_json::json!({
            "components": {"schemas": {
                "Role": {"type": "string", "enum": ["a", "b"]},
                "Thing": {"type": "object", "properties": {"x": {"type": "string"}}},
            }}
        });
        let role = serde_json::json!({"$ref": "#/components/schemas/Role"});
        let things =
            serde_json::json!({"type": "array", "items": {"$ref": "#/components/schemas/Thing"}});
        let roles = serde_json::json!({"type": "array", "items": role.clone()});
        assert!(!is_nested(&doc, &role));
        assert!(is_nested(&doc, &things));
        assert!(!is_nested(&doc, &roles));
        assert_eq!(
            enum_values(&doc, &roles),
            Some(vec!["a".into(), "b".into()])
        );
    }
}
