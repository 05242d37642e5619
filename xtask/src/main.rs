//! Maintenance tasks for the workspace.
//!
//! `cargo xtask generate` turns each spec under `specs/` into its generated
//! code; `cargo xtask generate --check` writes nothing and fails, naming
//! each stale file, when the committed code is not what the specs produce.
//! `cargo xtask drift [--strict] VENDOR_DOC` compares the curated spec that
//! a vendor's document describes with it; `--strict` fails on a difference
//! the spec does not declare (see `drift.rs`).
//!
//! One pass per generated artifact, called in order by `generate::render`
//! (per API) and `fake::render` (both APIs):
//!
//! - `generate`: progenitor's client and mocks, the example bodies, the
//!   spec's run-time facts, the crate README; then, in order,
//!   `open_types` (open enums and unions), `object_pass` (each struct's
//!   decoding through the runtime's `decode_object!`), `request_types`
//!   (`new` and `Default` for request types), `answer_pass` (each
//!   operation's end as one call of the runtime's `answer`), `mock_pass`
//!   (the mocks' own server type, encoded path matchers, an answer for any
//!   status, one boxed configuration type), `facade` (the facade's
//!   builders, and the shape of each), `robustness` and
//!   `operation_tests` (test files, from the spec and those shapes), and
//!   `cli` (the command line's commands, from the spec and those shapes);
//! - `fake`: the fake's model of both APIs, and `fake_tests` (its walk and
//!   lifecycle tests).
//!
//! What several passes share has a module of its own: `spec` (names,
//! paging styles), `syntax` (reading progenitor's Rust), `lint` (the spec's
//! rules and look-ups), `output` (formatting and writing files).

#![forbid(unsafe_code)]

mod answer_pass;
mod cli;
mod drift;
mod facade;
mod fake;
mod fake_tests;
mod generate;
mod lint;
mod mock_pass;
mod object_pass;
mod open_types;
mod operation_tests;
mod output;
mod request_types;
mod robustness;
mod spec;
mod syntax;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// One API: where its spec is and where its generated code goes.
pub struct Api {
    /// Spec path, relative to the workspace root.
    pub spec: &'static str,
    /// The generated client crate's directory, relative to the workspace root.
    pub crate_dir: &'static str,
    /// The generated client crate's name, as Rust code spells it.
    pub crate_ident: &'static str,
    /// The facade type whose methods hand out this API's builders.
    pub facade_type: &'static str,
    /// The facade's file of generated methods, relative to the workspace root.
    pub facade_file: &'static str,
    /// A path parameter the facade fills from its configuration on every
    /// call (Cloudinary's account id), if any.
    pub configured_path_param: Option<&'static str>,
}

/// Every API the workspace generates a client for.
pub const APIS: [Api; 2] = [
    Api {
        spec: "specs/ods-automation.yaml",
        crate_dir: "crates/ods-automation",
        crate_ident: "ods_automation",
        facade_type: "Ods",
        facade_file: "crates/saas-admin/src/generated_ods.rs",
        configured_path_param: None,
    },
    Api {
        spec: "specs/cld-provisioning.yaml",
        crate_dir: "crates/cld-provisioning",
        crate_ident: "cld_provisioning",
        facade_type: "Cloudinary",
        facade_file: "crates/saas-admin/src/generated_cloudinary.rs",
        configured_path_param: Some("account_id"),
    },
];

const USAGE: &str = "usage: cargo xtask generate [--check]\n       \
                     cargo xtask drift [--strict] VENDOR_OPENAPI_DOCUMENT";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["generate"] => generate_all(false),
        ["generate", "--check"] => generate_all(true),
        ["drift", vendor] => drift(Path::new(vendor), false),
        ["drift", "--strict", vendor] => drift(Path::new(vendor), true),
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives inside the workspace")
        .to_path_buf()
}

/// Prints how the curated spec that a vendor document describes differs
/// from it; with `strict`, fails unless every difference is declared.
fn drift(vendor_path: &Path, strict: bool) -> Result<(), String> {
    let vendor = drift::load(vendor_path)?;
    let root = workspace_root();
    let curated = APIS
        .iter()
        .map(|api| Ok((api.spec.to_string(), drift::load(&root.join(api.spec))?)))
        .collect::<Result<Vec<_>, String>>()?;
    let (name, spec) = drift::closest(&vendor, &curated).ok_or_else(|| {
        format!(
            "{}: shares no operation with any curated spec",
            vendor_path.display()
        )
    })?;
    let vendor_name = vendor_path.display().to_string();
    if strict {
        let verdict = drift::strict(name, spec, &vendor_name, &vendor);
        print!("{}", verdict.text);
        return if verdict.passed {
            Ok(())
        } else {
            Err(format!("{name}: undeclared drift from {vendor_name}"))
        };
    }
    let (report, _) = drift::report(name, spec, &vendor_name, &vendor);
    print!("{report}");
    Ok(())
}

/// Renders every API; then either writes the files or, with `check`,
/// compares them with what is committed.
fn generate_all(check: bool) -> Result<(), String> {
    let root = workspace_root();
    let mut files = Vec::new();
    let mut failures = Vec::new();
    for api in &APIS {
        match generate::render(&root, api) {
            Ok(rendered) => files.extend(rendered),
            Err(problems) => failures.extend(problems),
        }
    }
    // The fake's model and its facade tests, from both specs.
    match fake::render(&root) {
        Ok(rendered) => files.extend(rendered),
        Err(problems) => failures.extend(problems),
    }
    if !failures.is_empty() {
        return Err(format!(
            "cannot generate the clients:\n{}",
            failures
                .iter()
                .map(|p| format!("  - {p}"))
                .collect::<Vec<_>>()
                .join("\n")
        ));
    }

    let mut stale = Vec::new();
    for file in &files {
        let path = root.join(&file.path);
        let current = std::fs::read_to_string(&path).ok();
        let lines = file.contents.lines().count();
        if current.as_deref() == Some(file.contents.as_str()) {
            if !check {
                println!("unchanged {} ({lines} lines)", file.path);
            }
            continue;
        }
        if check {
            stale.push(file.path.clone());
            continue;
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        std::fs::write(&path, &file.contents).map_err(|e| format!("{}: {e}", file.path))?;
        println!("wrote {} ({lines} lines)", file.path);
    }

    if stale.is_empty() {
        if check {
            println!("generated code is up to date ({} files)", files.len());
        }
        Ok(())
    } else {
        Err(format!(
            "generated code is stale; run `cargo xtask generate` and commit:\n{}",
            stale
                .iter()
                .map(|p| format!("  {p}"))
                .collect::<Vec<_>>()
                .join("\n")
        ))
    }
}
