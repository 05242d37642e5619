//! Every operation of the spec has a test: one of this crate's test files
//! mocks it with its typed helper (`server.{operation_id}(…)`). A new
//! operation without one fails here, naming it.

use cld_provisioning::examples::OPERATIONS;

#[test]
fn every_operation_of_the_spec_is_mocked_by_a_test() {
    let tests_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut sources = String::new();
    for entry in std::fs::read_dir(&tests_dir).expect("the tests directory") {
        let path = entry.expect("a test file").path();
        if path.extension().is_some_and(|e| e == "rs") {
            sources.push_str(&std::fs::read_to_string(&path).expect("a readable test file"));
        }
    }
    let untested: Vec<&str> = OPERATIONS
        .iter()
        .map(|(id, _, _)| *id)
        .filter(|id| !sources.contains(&format!("server.{id}(")))
        .collect();
    assert!(
        untested.is_empty(),
        "operations without a test: {untested:?}"
    );
}
