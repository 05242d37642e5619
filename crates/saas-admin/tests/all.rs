//! Every integration test of the facade, in one test binary: one link, and
//! each operation's call compiled once, however many suites use it. Each
//! file of `tests/` is a module here (`json_schema.rs`, which needs the
//! `schemars` feature, is a binary of its own).

mod cloudinary_encoding;
mod config;
mod contract;
mod credentials;
mod dataset_steps;
mod decoded_answers;
mod downloads;
mod enum_words;
mod errors;
mod facade;
mod fake_checks;
mod fake_faults;
mod fake_state;
mod generated_fake_lifecycle;
mod generated_fake_walk;
mod generated_operations_cloudinary;
mod generated_operations_ods;
mod generated_robustness_cloudinary;
mod generated_robustness_ods;
mod omitted_fields;
mod pagination;
mod permissions;
mod query_encoding;
mod rate_limits;
mod refusals;
mod retries;
#[path = "tracing.rs"]
mod tracing_spans;
mod uploads;

// Helpers the suites share, compiled once.
#[path = "support/fault_server.rs"]
mod fault_server;
#[path = "support/operations.rs"]
mod operations;
#[path = "support/recorded.rs"]
mod recorded;
#[path = "support/robustness.rs"]
mod robustness;

/// Tests are listed, not discovered, in every crate of the workspace that
/// says `autotests = false`: a file added to its `tests/` runs only once it
/// is a module of its `tests/all.rs` (or a `[[test]]` of its own), so this
/// fails until it is. It is written once, here, for every such crate.
#[test]
fn every_file_of_tests_is_a_module_of_all_rs() {
    let crates = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let mut crates_checked = 0;
    for krate in std::fs::read_dir(crates).expect("the crates folder") {
        let krate = krate.expect("an entry").path();
        let Ok(manifest) = std::fs::read_to_string(krate.join("Cargo.toml")) else {
            continue;
        };
        if !manifest.contains("autotests = false") {
            continue;
        }
        crates_checked += 1;
        let listed = std::fs::read_to_string(krate.join("tests/all.rs")).expect("tests/all.rs");
        for entry in std::fs::read_dir(krate.join("tests")).expect("the tests folder") {
            let name = entry
                .expect("an entry")
                .file_name()
                .into_string()
                .expect("UTF-8");
            let Some(stem) = name.strip_suffix(".rs") else {
                continue;
            };
            let own_binary = format!("path = \"tests/{name}\"");
            assert!(
                manifest.contains(&own_binary)
                    || listed.contains(&format!("mod {stem};"))
                    || listed.contains(&format!("\"{name}\"")),
                "{}/tests/{name} is not a module of its tests/all.rs: its tests would never run",
                krate.display()
            );
        }
    }
    // The facade, the fake, the Opendatasoft client and the command line:
    // fewer means the check looked in the wrong place.
    assert!(
        crates_checked >= 4,
        "only {crates_checked} crates list their tests"
    );
}
