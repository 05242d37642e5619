//! How the generated commands declare their options, and how an option's
//! text becomes the value a builder's setter takes.
//!
//! A value is read as JSON when it is JSON (`5`, `true`, `{"a": 1}`), and
//! as text otherwise (`edit_dataset`, `Data stewards`); `@file.json` reads
//! a nested value from a file. The setter then converts it as it converts
//! any value: an enum value it does not know is still sent as written.

use clap::{Arg, ArgAction, ArgMatches};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::Failure;

/// An API command's help: what it is, how it is called, its commands
/// grouped by tag (`before-help`), then the options.
pub const GROUPED_TEMPLATE: &str =
    "{about-with-newline}\n{usage-heading} {usage}\n\n{before-help}Options:\n{options}";

/// The option `--{id}` of a parameter or body field.
pub fn option(
    id: &'static str,
    value_name: &'static str,
    heading: &'static str,
    help: &'static str,
    long_help: &'static str,
) -> Arg {
    Arg::new(id)
        .long(id)
        .value_name(value_name)
        .help_heading(heading)
        .help(help)
        .long_help(long_help)
        .action(ArgAction::Set)
}

/// `--body`, the whole request body.
pub fn body_arg(help: &'static str, required: bool) -> Arg {
    Arg::new("body")
        .long("body")
        .value_name("JSON")
        .help_heading("Body fields")
        .help(help)
        .required(required)
}

/// `--all`, on the listings that page.
pub fn all_arg() -> Arg {
    Arg::new("all")
        .long("all")
        .action(ArgAction::SetTrue)
        .help_heading("Output")
        .help("Follow every page, printing each item as a line of JSON (JSON Lines)")
}

/// `--out`, on the operations that answer a file.
pub fn out_arg() -> Arg {
    Arg::new("out")
        .long("out")
        .value_name("PATH")
        .help_heading("Output")
        .help("Write the file to PATH instead of standard output")
}

/// Whether `--all` was given.
pub fn all(matches: &ArgMatches) -> bool {
    matches.get_flag("all")
}

/// A text option's value.
pub fn text(matches: &ArgMatches, id: &str) -> Option<String> {
    matches.get_one::<String>(id).cloned()
}

/// An option's value, converted to `T`.
pub fn value<T: DeserializeOwned>(matches: &ArgMatches, id: &str) -> Result<Option<T>, Failure> {
    matches
        .get_one::<String>(id)
        .map(|text| parse(id, text))
        .transpose()
}

/// A repeated option's values, each converted to `T`.
pub fn list<T: DeserializeOwned>(
    matches: &ArgMatches,
    id: &str,
) -> Result<Option<Vec<T>>, Failure> {
    matches
        .get_many::<String>(id)
        .map(|texts| texts.map(|text| parse(id, text)).collect())
        .transpose()
}

/// `--body`: JSON inline, `@file.json`, or `-` for standard input.
pub fn body<T: DeserializeOwned>(matches: &ArgMatches) -> Result<Option<T>, Failure> {
    let Some(text) = matches.get_one::<String>("body") else {
        return Ok(None);
    };
    let json = if text == "-" {
        std::io::read_to_string(std::io::stdin())
            .map_err(|e| Failure::usage(format!("--body -: cannot read standard input: {e}")))?
    } else {
        at_file("body", text)?.unwrap_or_else(|| text.clone())
    };
    serde_json::from_str(&json)
        .map(Some)
        .map_err(|e| Failure::usage(format!("--body: not a valid body: {e}")))
}

/// An upload's `--file PATH`: the file's name and bytes.
pub fn file(matches: &ArgMatches, id: &str) -> Result<Option<(String, Vec<u8>)>, Failure> {
    let Some(path) = matches.get_one::<String>(id) else {
        return Ok(None);
    };
    let bytes = std::fs::read(path).map_err(|e| Failure::usage(format!("--{id} {path}: {e}")))?;
    let name = std::path::Path::new(path)
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.clone());
    Ok(Some((name, bytes)))
}

/// The contents of `@path`, for a text that starts with `@`.
fn at_file(id: &str, text: &str) -> Result<Option<String>, Failure> {
    match text.strip_prefix('@') {
        Some(path) => std::fs::read_to_string(path)
            .map(Some)
            .map_err(|e| Failure::usage(format!("--{id} @{path}: {e}"))),
        None => Ok(None),
    }
}

/// A value from an option's text: JSON when it reads as a `T` in JSON,
/// else the text itself as a JSON string.
fn parse<T: DeserializeOwned>(id: &str, text: &str) -> Result<T, Failure> {
    let json = at_file(id, text)?;
    let source = json.as_deref().unwrap_or(text);
    serde_json::from_str::<T>(source)
        .or_else(|error| {
            if json.is_some() {
                return Err(error);
            }
            serde_json::from_value::<T>(Value::String(text.to_string())).map_err(|_| error)
        })
        .map_err(|e| Failure::usage(format!("--{id} {text:?}: not a valid value: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_reads_as_json_or_as_text() {
        assert_eq!(parse::<i64>("limit", "5").unwrap(), 5);
        assert!(parse::<bool>("enabled", "true").unwrap());
        assert_eq!(parse::<String>("name", "123").unwrap(), "123");
        assert_eq!(
            parse::<String>("name", "Data stewards").unwrap(),
            "Data stewards"
        );
        let map: serde_json::Map<String, Value> = parse("metadata", r#"{"a": 1}"#).unwrap();
        assert_eq!(map["a"], 1);
        let failure = parse::<i64>("limit", "many").unwrap_err();
        assert_eq!(failure.code, 2);
        assert!(
            failure.message.starts_with("--limit \"many\""),
            "{}",
            failure.message
        );
    }
}
