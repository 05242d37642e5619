//! Every operation of the spec has a test: one of this crate's test files
//! mocks it with its typed helper (`server.{operation_id}(…)`), or, for an
//! operation written by hand (which has no typed mock), calls it
//! (`.{operation_id}()`). A new operation without one fails here, naming it.

use ods_automation::examples::OPERATIONS;
use ods_automation::spec::HAND_WRITTEN_OPERATIONS;

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
        .filter(|id| {
            let called =
                HAND_WRITTEN_OPERATIONS.contains(id) && sources.contains(&format!(".{id}()"));
            !called && !sources.contains(&format!("server.{id}("))
        })
        .collect();
    assert!(
        untested.is_empty(),
        "operations without a test: {untested:?}"
    );
}
