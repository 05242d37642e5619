//! Writing generated files: formatted the same way each time, with a header
//! naming where they came from.

use std::io::Write;
use std::process::{Command, Stdio};

use proc_macro2::TokenStream;
use quote::quote;

/// One file the generator produces.
pub struct File {
    /// Path relative to the workspace root.
    pub path: String,
    /// The whole file, header included.
    pub contents: String,
}

/// Splits each multi-line `#[doc = "..."]` into one attribute per line.
/// prettyplease prints a multi-line doc as an indented `/** */` block, whose
/// continuation lines rustdoc then reads as code blocks (and doctests); one
/// line per attribute prints as plain `///` lines.
fn one_doc_line_per_attribute(tokens: TokenStream) -> TokenStream {
    use proc_macro2::{Delimiter, Group, TokenTree};
    let mut out = Vec::new();
    let mut input = tokens.into_iter().peekable();
    while let Some(tree) = input.next() {
        match tree {
            TokenTree::Punct(pound) if pound.as_char() == '#' => {
                let bang = match input.peek() {
                    Some(TokenTree::Punct(p)) if p.as_char() == '!' => input.next(),
                    _ => None,
                };
                let Some(TokenTree::Group(group)) = input.next_if(
                    |t| matches!(t, TokenTree::Group(g) if g.delimiter() == Delimiter::Bracket),
                ) else {
                    out.push(TokenTree::Punct(pound));
                    out.extend(bang);
                    continue;
                };
                let lines = syn::parse2::<syn::MetaNameValue>(group.stream())
                    .ok()
                    .filter(|meta| meta.path.is_ident("doc"))
                    .and_then(|meta| match meta.value {
                        syn::Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(text),
                            ..
                        }) => Some(text.value()),
                        _ => None,
                    })
                    .filter(|text| text.contains('\n'));
                match lines {
                    Some(text) => {
                        for line in text.lines() {
                            // `/// text` rather than `///text`.
                            let line = match line {
                                "" => String::new(),
                                text if text.starts_with(' ') => text.to_string(),
                                text => format!(" {text}"),
                            };
                            let attribute = match bang {
                                Some(_) => quote!(#![doc = #line]),
                                None => quote!(#[doc = #line]),
                            };
                            out.extend(attribute);
                        }
                    }
                    None => {
                        out.push(TokenTree::Punct(pound));
                        out.extend(bang);
                        let inner = one_doc_line_per_attribute(group.stream());
                        let mut rebuilt = Group::new(group.delimiter(), inner);
                        rebuilt.set_span(group.span());
                        out.push(TokenTree::Group(rebuilt));
                    }
                }
            }
            TokenTree::Group(group) => {
                let inner = one_doc_line_per_attribute(group.stream());
                let mut rebuilt = Group::new(group.delimiter(), inner);
                rebuilt.set_span(group.span());
                out.push(TokenTree::Group(rebuilt));
            }
            other => out.push(other),
        }
    }
    out.into_iter().collect()
}

/// prettyplease turns the tokens into readable Rust (doc attributes become
/// `///`), then rustfmt makes it what `cargo fmt --check` expects.
pub fn format_rust(header: &str, tokens: TokenStream) -> Result<String, String> {
    let file: syn::File = syn::parse2(one_doc_line_per_attribute(tokens))
        .map_err(|e| format!("generated tokens do not parse: {e}"))?;
    let pretty = prettyplease::unparse(&file);
    let rustfmt = std::env::var("RUSTFMT").unwrap_or_else(|_| "rustfmt".to_string());
    let mut child = Command::new(&rustfmt)
        .args(["--edition", "2021"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            format!("cannot run {rustfmt} (install it with `rustup component add rustfmt`): {e}")
        })?;
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let writer = std::thread::spawn(move || stdin.write_all(pretty.as_bytes()));
    let output = child
        .wait_with_output()
        .map_err(|e| format!("rustfmt failed: {e}"))?;
    writer
        .join()
        .expect("the writer thread does not panic")
        .map_err(|e| format!("cannot feed rustfmt: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "rustfmt rejected the generated code: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let formatted = String::from_utf8(output.stdout)
        .map_err(|e| format!("rustfmt output is not UTF-8: {e}"))?;
    Ok(format!("{header}\n\n{formatted}"))
}
