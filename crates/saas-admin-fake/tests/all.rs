//! The fake's HTTP tests, in one test binary (one link): each file of
//! `tests/` is a module here.

mod checks;
mod client;
mod http;
mod limits;
mod state;

/// Tests are listed, not discovered (`autotests = false`): a file added to
/// `tests/` runs only once it is a module here, so this fails until it is.
#[test]
fn every_file_of_tests_is_a_module_here() {
    let listed = include_str!("all.rs");
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests");
    for entry in std::fs::read_dir(dir).expect("the tests folder") {
        let name = entry
            .expect("an entry")
            .file_name()
            .into_string()
            .expect("UTF-8");
        let Some(stem) = name.strip_suffix(".rs") else {
            continue;
        };
        if ["all", "json_schema"].contains(&stem) {
            continue;
        }
        assert!(
            listed.contains(&format!("mod {stem};")) || listed.contains(&format!("\"{name}\"")),
            "tests/{name} is not a module of tests/all.rs: its tests would never run"
        );
    }
}
