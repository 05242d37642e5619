//! The typed path matchers (`when.group_uid(...)`) match a value exactly as
//! the client sends it: percent-encoded, the way `progenitor_client`'s
//! `encode_path` does, and compared literally rather than as a regex.

use std::sync::{Arc, Mutex};

use ods_automation::mock::{MockServer, MockServerExt};
use ods_automation::types;
use ods_automation::PathSegment;

use crate::support;
use support::*;

/// Values a group uid can take that a path shows differently or that read
/// as a regex: `+`, a space, `.`, a non-ASCII letter, and a `%` (which the
/// client encodes too, so `ann%20bob` is not `ann bob`).
const VALUES: [&str; 7] = [
    "ann+bob",
    "ann bob",
    "annxbob",
    "a.b",
    "axb",
    "é",
    "ann%20bob",
];

async fn get_group(server: &MockServer, uid: &str) -> bool {
    let uid = PathSegment::try_from(uid).expect("a path segment");
    client(server).get_user_group(&uid).await.is_ok()
}

#[tokio::test]
async fn httpmock_matches_paths_against_the_raw_percent_encoded_path() {
    let server = MockServer::start_async().await;
    let body: types::UserGroup = example("get_user_group", 200);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let decoded = server.mock(|when, then| {
        when.path_matches(regex::Regex::new("^/groups/ann bob é/$").unwrap());
        then.status(500);
    });
    let raw = server.get_user_group(|when, then| {
        when.into_inner()
            .path_matches(regex::Regex::new("^/groups/ann%20bob%20%C3%A9/$").unwrap())
            .is_true(move |request| {
                record
                    .lock()
                    .unwrap()
                    .push(request.uri().path().to_string());
                true
            });
        then.ok(&body);
    });

    assert!(get_group(&server, "ann bob é").await);

    raw.assert_async().await;
    decoded.assert_calls_async(0).await;
    assert_eq!(*seen.lock().unwrap(), ["/groups/ann%20bob%20%C3%A9/"]);
}

#[tokio::test]
async fn a_path_matcher_matches_its_value_and_no_other() {
    let body: types::UserGroup = example("get_user_group", 200);
    for expected in VALUES {
        let server = MockServer::start_async().await;
        let mock = server.get_user_group(|when, then| {
            when.group_uid(expected);
            then.ok(&body);
        });
        for sent in VALUES {
            // httpmock answers 404 when no mock matches, an error here.
            assert_eq!(
                get_group(&server, sent).await,
                sent == expected,
                "mock for {expected:?}, request for {sent:?}"
            );
        }
        mock.assert_calls_async(1).await;
    }
}
