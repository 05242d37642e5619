//! What the command line does besides calling an operation: exit codes,
//! `--all`, tables, `--dry-run`, bodies from a file and from standard
//! input, an upload, a download, the completions. Each runs the binary
//! against a fake started in the test process.

use crate::walk;

use std::io::Write;
use std::process::{Output, Stdio};
use std::time::Duration;

use saas_admin::cld_provisioning::types::UserGroup as CloudinaryGroup;
use saas_admin::ods_automation::types::UserGroup;
use saas_admin_fake::{Api, Fault, FaultRule};
use walk::Fake;

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("the binary exits")
}

#[test]
fn a_success_prints_the_answer_as_compact_json_when_piped_and_exits_0() {
    let fake = Fake::start();
    let output = fake.run(&[
        "ods",
        "create-user-group",
        "--title",
        "Data stewards",
        "--permissions",
        "edit_dataset",
        "--permissions",
        "publish_dataset",
    ]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let text = stdout(&output);
    assert_eq!(text.lines().count(), 1, "compact when piped: {text}");
    let group: UserGroup = serde_json::from_str(&text).expect("the group");
    assert_eq!(group.title, "Data stewards");
    let permissions: Vec<String> = group.permissions.iter().map(ToString::to_string).collect();
    assert_eq!(permissions, ["edit_dataset", "publish_dataset"]);
    assert!(stderr(&output).is_empty());
}

#[test]
fn an_enum_value_the_spec_does_not_list_is_sent_as_written() {
    let fake = Fake::start();
    // The fake, like the service today, refuses it: what is sent is seen
    // with --dry-run.
    let output = fake.run(&[
        "--dry-run",
        "ods",
        "create-user-group",
        "--title",
        "Assistants",
        "--permissions",
        "manage_ai_assistant",
    ]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("\"manage_ai_assistant\""), "{text}");
}

#[test]
fn each_failure_is_one_line_on_stderr_with_its_exit_code() {
    let fake = Fake::start();

    // 4: not found, naming the operation and the status.
    let output = fake.run(&["ods", "get-user-group", "--group-uid", "no-such-group"]);
    assert_eq!(code(&output), 4);
    let message = stderr(&output);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(message.starts_with("get_user_group: "), "{message}");
    assert!(message.contains("404"), "{message}");
    assert!(stdout(&output).is_empty());

    // 2: a required option missing, named, before anything is sent.
    let before = fake.server.requests().len();
    let output = fake.run(&["ods", "get-user-group"]);
    assert_eq!(code(&output), 2);
    let message = stderr(&output);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(message.contains("--group-uid"), "{message}");
    // 2: a value that does not convert, named.
    let output = fake.run(&["ods", "list-user-groups", "--limit", "many"]);
    assert_eq!(code(&output), 2);
    let message = stderr(&output);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(message.contains("--limit"), "{message}");
    // 2: a value the library refuses (a path segment that is `..`).
    let output = fake.run(&["ods", "get-user-group", "--group-uid", ".."]);
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    assert_eq!(fake.server.requests().len(), before, "nothing was sent");

    // 1: any other failure (a conflict).
    let output = fake.run(&["cloudinary", "create-user-group", "--name", "Designers"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(stderr(&output).contains("409"), "{}", stderr(&output));

    // 5: rate limited, with the wait in the message (longer than the
    // client waits by itself, so it fails at once).
    fake.server.inject(
        FaultRule::new(Fault::RateLimited {
            retry_after: Duration::from_secs(120),
        })
        .api(Api::Ods),
    );
    let output = fake.run(&["ods", "list-user-groups"]);
    fake.server.clear_faults();
    assert_eq!(code(&output), 5, "{}", stderr(&output));
    let message = stderr(&output);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(message.contains("120"), "the wait: {message}");

    // 3: configuration, naming the variable, and never a secret.
    let output = fake
        .command(&["ods", "list-user-groups"])
        .env_remove("ODS_API_KEY")
        .output()
        .unwrap();
    assert_eq!(code(&output), 3);
    assert!(
        stderr(&output).contains("ODS_API_KEY"),
        "{}",
        stderr(&output)
    );
    let output = fake
        .command(&["cloudinary", "list-user-groups"])
        .env("CLOUDINARY_ACCOUNT_URL", "not-a-url")
        .output()
        .unwrap();
    assert_eq!(code(&output), 3);
    assert!(
        stderr(&output).contains("CLOUDINARY_ACCOUNT_URL"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn all_streams_every_item_of_every_page_as_json_lines() {
    let fake = Fake::start();
    let groups = fake.server.ods().items("groups").unwrap().len();
    assert!(groups >= 2, "the examples hold several groups");
    let output = fake.run(&["ods", "list-user-groups", "--all", "--limit", "1"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let lines: Vec<UserGroup> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is a group"))
        .collect();
    assert_eq!(lines.len(), groups);
    assert!(fake.server.count(Api::Ods, "list_user_groups") >= groups);

    // Cursor pages (of two, in this fake) are followed too.
    let users = fake.server.cloudinary().items("users").unwrap().len();
    let output = fake.run(&["cloudinary", "list-users", "--all"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(stdout(&output).lines().count(), users);
}

#[test]
fn output_table_prints_a_listing_s_main_fields_or_those_named() {
    let fake = Fake::start();
    let output = fake.run(&["cloudinary", "list-user-groups", "--output", "table"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let table = stdout(&output);
    let header = table.lines().nth(1).expect("a header row");
    for column in ["id", "name"] {
        assert!(header.contains(column), "{table}");
    }
    assert!(table.contains("Designers"), "{table}");

    let output = fake.run(&[
        "--output",
        "table",
        "--fields",
        "name",
        "cloudinary",
        "list-user-groups",
    ]);
    let table = stdout(&output);
    let header = table.lines().nth(1).expect("a header row");
    assert!(header.contains("name") && !header.contains("id"), "{table}");

    // With --all, the items of every page make one table.
    let output = fake.run(&[
        "ods",
        "list-user-groups",
        "--all",
        "--limit",
        "1",
        "--output",
        "table",
        "--fields",
        "uid,title",
    ]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let groups = fake.server.ods().items("groups").unwrap().len();
    // A border, the header, a separator, a row per group, a border.
    assert_eq!(
        stdout(&output).lines().count(),
        groups + 4,
        "{}",
        stdout(&output)
    );
}

#[test]
fn dry_run_prints_the_request_with_credentials_redacted_and_sends_nothing() {
    let fake = Fake::start();
    let output = fake.run(&["--dry-run", "ods", "list-user-groups", "--limit", "5"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let text = stdout(&output);
    let first = text.lines().next().unwrap();
    assert_eq!(
        first,
        format!("GET {}/groups/?limit=5", fake.server.ods_base_url())
    );
    assert!(text.contains("authorization: Apikey <redacted>"), "{text}");
    assert!(!text.contains(fake.server.ods_api_key()), "{text}");

    let output = fake.run(&[
        "cloudinary",
        "create-user-group",
        "--name",
        "Dry",
        "--dry-run",
    ]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.starts_with("POST "), "{text}");
    assert!(text.contains("authorization: Basic <redacted>"), "{text}");
    assert!(text.contains(r#""name": "Dry""#), "{text}");
    for secret in [
        fake.server.cloudinary_api_key(),
        fake.server.cloudinary_api_secret(),
    ] {
        assert!(!text.contains(secret), "{text}");
    }
    assert!(
        fake.server.requests().is_empty(),
        "nothing reached the fake"
    );
}

#[test]
fn a_body_comes_from_a_file_or_from_standard_input() {
    let fake = Fake::start();
    let path = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("group.json");
    std::fs::write(
        &path,
        r#"{"title": "From a file", "permissions": ["edit_dataset"]}"#,
    )
    .unwrap();
    let at_path = format!("@{}", path.display());
    let output = fake.run(&["ods", "create-user-group", "--body", &at_path]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let group: UserGroup = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(group.title, "From a file");

    // An option for a field replaces that member of the body.
    let output = fake.run(&[
        "ods",
        "create-user-group",
        "--body",
        &at_path,
        "--title",
        "Overridden",
    ]);
    let group: UserGroup = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(group.title, "Overridden");

    let mut child = fake
        .command(&["cloudinary", "create-user-group", "--body", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(br#"{"name": "From stdin"}"#)
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let group: CloudinaryGroup = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(group.name, "From stdin");

    let output = fake.run(&["ods", "create-user-group", "--body", "{not json"]);
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).starts_with("--body"), "{}", stderr(&output));
}

#[test]
fn an_upload_sends_the_file_and_a_download_writes_its_bytes() {
    let fake = Fake::start();
    let upload = walk::upload_file();
    let output = fake.run(&[
        "ods",
        "upload-dataset-resource-file",
        "--dataset-uid",
        "da_qf2hyt",
        "--file",
        upload.to_str().unwrap(),
    ]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let answer: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let uid = answer["uid"]
        .as_str()
        .expect("the uploaded file's uid")
        .to_string();
    assert_eq!(
        fake.server.count(Api::Ods, "upload_dataset_resource_file"),
        1
    );

    let args = [
        "ods",
        "download-dataset-resource-file",
        "--dataset-uid",
        "da_qf2hyt",
        "--file-uid",
        uid.as_str(),
    ];
    let output = fake.run(&args);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(!output.stdout.is_empty());

    let out = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("downloaded.csv");
    let _ = std::fs::remove_file(&out);
    let mut with_out = args.to_vec();
    with_out.extend(["--out", out.to_str().unwrap()]);
    let to_file = fake.run(&with_out);
    assert_eq!(code(&to_file), 0, "{}", stderr(&to_file));
    assert!(to_file.stdout.is_empty());
    assert_eq!(std::fs::read(&out).unwrap(), output.stdout);
}

#[test]
fn completions_are_printed_for_each_shell() {
    let fake = Fake::start();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let output = fake.run(&["completions", shell]);
        assert_eq!(code(&output), 0, "{shell}: {}", stderr(&output));
        let script = stdout(&output);
        assert!(script.contains("saas-admin"), "{shell}");
        assert!(script.contains("create-user-group"), "{shell}");
    }
    let output = fake.run(&["completions", "tcsh"]);
    assert_eq!(code(&output), 2);
}

#[test]
fn help_groups_the_commands_by_tag() {
    let fake = Fake::start();
    let output = fake.run(&["cloudinary", "--help"]);
    assert_eq!(code(&output), 0);
    let help = stdout(&output);
    let groups = help.find("User Groups:").expect("a tag heading");
    let users = help.find("Users:").expect("another");
    let create = help.find("  create-user-group ").expect("a command");
    assert!(groups < create && create < users, "{help}");
}
