//! Printing answers: JSON (pretty on a terminal, compact when piped), JSON
//! Lines for `--all`, a table with `--output table`, a file's bytes.

use std::io::{IsTerminal, Write};

use clap::ArgMatches;
use futures::StreamExt;
use serde::Serialize;
use serde_json::Value;

use crate::Failure;

/// How answers are printed, from the global options.
pub struct Output {
    table: bool,
    fields: Option<Vec<String>>,
    pretty: bool,
}

/// How many columns a table shows when `--fields` does not say.
const MAIN_FIELDS: usize = 6;

impl Output {
    /// From `--output` and `--fields`, and whether standard output is a terminal.
    pub fn new(matches: &ArgMatches) -> Self {
        Self {
            table: matches.get_one::<String>("output").map(String::as_str) == Some("table"),
            fields: matches.get_one::<String>("fields").map(|fields| {
                fields
                    .split(',')
                    .map(|f| f.trim().to_string())
                    .filter(|f| !f.is_empty())
                    .collect()
            }),
            pretty: std::io::stdout().is_terminal(),
        }
    }

    /// Prints one answer.
    pub fn answer<T: Serialize>(&self, answer: &T) -> Result<(), Failure> {
        let value = to_json(answer)?;
        if self.table {
            return write_stdout(self.table_of(rows(&value)).as_bytes());
        }
        let text = if self.pretty {
            serde_json::to_string_pretty(&value)
        } else {
            serde_json::to_string(&value)
        }
        .map_err(|e| Failure::other(format!("cannot print the answer: {e}")))?;
        write_stdout(format!("{text}\n").as_bytes())
    }

    /// Prints every item of a listing as it comes, one line of JSON each
    /// (or, with `--output table`, a table of them all), with a count of
    /// the items so far (out of the total, once the service has given it)
    /// on standard error when it is a terminal.
    pub async fn stream<T: Serialize>(
        &self,
        mut items: saas_admin::ItemStream<T>,
    ) -> Result<(), Failure> {
        let progress = if std::io::stderr().is_terminal() {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_style(
                indicatif::ProgressStyle::with_template("{spinner} {pos} items ({per_sec})")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            bar
        } else {
            indicatif::ProgressBar::hidden()
        };
        let mut collected = Vec::new();
        let outcome: Result<(), Failure> = async {
            while let Some(item) = items.next().await {
                let value = to_json(&item?)?;
                if let (None, Some(total)) = (progress.length(), items.total()) {
                    progress.set_length(total);
                    progress.set_style(
                        indicatif::ProgressStyle::with_template(
                            "{bar:30} {pos}/{len} items ({per_sec}, {eta} left)",
                        )
                        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                    );
                }
                progress.inc(1);
                if self.table {
                    collected.push(value);
                } else {
                    let line = serde_json::to_string(&value)
                        .map_err(|e| Failure::other(format!("cannot print an item: {e}")))?;
                    progress.suspend(|| write_stdout(format!("{line}\n").as_bytes()))?;
                }
            }
            Ok(())
        }
        .await;
        progress.finish_and_clear();
        outcome?;
        if self.table {
            write_stdout(self.table_of(collected).as_bytes())?;
        }
        Ok(())
    }

    /// Writes a file's bytes to `--out PATH`, or to standard output.
    pub async fn download(
        &self,
        matches: &ArgMatches,
        mut bytes: saas_admin::ByteStream,
    ) -> Result<(), Failure> {
        let mut sink: Box<dyn Write> = match matches.get_one::<String>("out") {
            Some(path) => Box::new(
                std::fs::File::create(path)
                    .map_err(|e| Failure::other(format!("--out {path}: {e}")))?,
            ),
            None => Box::new(std::io::stdout().lock()),
        };
        while let Some(chunk) = bytes.next().await {
            let chunk =
                chunk.map_err(|e| Failure::other(format!("the download was cut short: {e}")))?;
            write_to(&mut sink, &chunk)?;
        }
        sink.flush()
            .map_err(|e| Failure::other(format!("cannot write the file: {e}")))
    }

    /// A table of `rows`: the columns `--fields` names, or the first
    /// members of the first row whose values are not nested.
    fn table_of(&self, rows: Vec<Value>) -> String {
        let columns: Vec<String> = match &self.fields {
            Some(fields) => fields.clone(),
            None => rows
                .first()
                .and_then(Value::as_object)
                .map(|first| {
                    first
                        .iter()
                        .filter(|(_, v)| !v.is_object() && !v.is_array())
                        .map(|(k, _)| k.clone())
                        .take(MAIN_FIELDS)
                        .collect()
                })
                .unwrap_or_default(),
        };
        let mut table = comfy_table::Table::new();
        table.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
        if columns.is_empty() {
            table.set_header(["value"]);
            for row in &rows {
                table.add_row([cell(row)]);
            }
        } else {
            table.set_header(&columns);
            for row in &rows {
                table.add_row(columns.iter().map(|c| {
                    let member = row.pointer(&format!("/{}", c.replace('.', "/")));
                    member.map(cell).unwrap_or_default()
                }));
            }
        }
        format!("{table}\n")
    }
}

/// The rows of an answer: a list, the first list of objects among its
/// members (`results`, `users`...), or the answer itself.
fn rows(value: &Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items.clone(),
        Value::Object(members) => members
            .values()
            .find_map(|member| match member {
                Value::Array(items) if items.iter().all(Value::is_object) && !items.is_empty() => {
                    Some(items.clone())
                }
                _ => None,
            })
            .unwrap_or_else(|| vec![value.clone()]),
        other => vec![other.clone()],
    }
}

fn cell(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn to_json<T: Serialize>(value: &T) -> Result<Value, Failure> {
    serde_json::to_value(value).map_err(|e| Failure::other(format!("cannot print the answer: {e}")))
}

/// Writes to standard output; a reader that went away (`| head`) ends the
/// output quietly.
pub fn write_stdout(bytes: &[u8]) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    write_to(&mut stdout, bytes)?;
    match stdout.flush() {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::other(format!("cannot write the output: {e}")))
        }
        _ => Ok(()),
    }
}

fn write_to(sink: &mut impl Write, bytes: &[u8]) -> Result<(), Failure> {
    match sink.write_all(bytes) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => Err(Failure::other(format!("cannot write the output: {e}"))),
        Ok(()) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_listing_s_rows_are_its_first_list_of_objects() {
        let page = json!({"total_count": 2, "results": [{"uid": "a"}, {"uid": "b"}]});
        assert_eq!(rows(&page).len(), 2);
        let one = json!({"uid": "a"});
        assert_eq!(rows(&one), vec![one.clone()]);
    }
}
