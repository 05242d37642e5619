//! Runs the `saas-admin` binary against a fake started in the test
//! process: the generated walk's steps, and the written tests' commands.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use saas_admin_fake::FakeServer;
use serde::de::DeserializeOwned;

/// A fake seeded with the specs' examples (listings by cursor in pages of
/// two), on a runtime of its own that serves it while the test waits on
/// the binary.
pub struct Fake {
    pub server: FakeServer,
    _runtime: tokio::runtime::Runtime,
}

impl Fake {
    pub fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a runtime");
        let server = runtime
            .block_on(
                FakeServer::builder()
                    .with_examples()
                    .cursor_page_size(2)
                    .start(),
            )
            .expect("the fake starts");
        Self {
            server,
            _runtime: runtime,
        }
    }

    /// `saas-admin ARGS`, configured for the fake through the environment.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_saas-admin"));
        for variable in [
            "ODS_DOMAIN",
            "CLOUDINARY_REGION",
            "CLOUDINARY_ACCOUNT_ID",
            "CLOUDINARY_PROVISIONING_API_KEY",
            "CLOUDINARY_PROVISIONING_API_SECRET",
        ] {
            command.env_remove(variable);
        }
        command
            .env("ODS_BASE_URL", self.server.ods_base_url())
            .env("ODS_API_KEY", self.server.ods_api_key())
            .env(
                "CLOUDINARY_ACCOUNT_URL",
                self.server.cloudinary_account_url(),
            )
            .env("CLOUDINARY_BASE_URL", self.server.cloudinary_base_url())
            .args(args)
            .stdin(Stdio::null());
        command
    }

    /// Runs `saas-admin ARGS` to its end.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("the binary runs")
    }
}

/// A file to upload, in the tests' scratch directory.
pub fn upload_file() -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("walk-upload.csv");
    std::fs::write(&path, b"a,b\n1,2\n").expect("the upload file is written");
    path
}

/// The JSON printed decodes as `T`.
pub fn decode<T: DeserializeOwned>(stdout: &[u8]) -> Result<(), String> {
    serde_json::from_slice::<T>(stdout)
        .map(|_| ())
        .map_err(|e| format!("{e}: {}", String::from_utf8_lossy(stdout)))
}

/// Nothing printed (an answer with no body).
pub fn empty(stdout: &[u8]) -> Result<(), String> {
    if stdout.is_empty() {
        Ok(())
    } else {
        Err(format!("printed {:?}", String::from_utf8_lossy(stdout)))
    }
}

/// A file's bytes printed.
pub fn bytes(stdout: &[u8]) -> Result<(), String> {
    if stdout.is_empty() {
        Err("printed no bytes".into())
    } else {
        Ok(())
    }
}

/// Runs every step on a freshly seeded fake, and fails naming each step
/// that did not exit 0 or printed what its operation does not answer. Each
/// step is a process of its own, so the steps are shared among one worker
/// per core, each with a fake of its own.
pub fn run(
    steps: &[(&str, &str, &[&str])],
    check: impl Fn(&str, &str, &[u8]) -> Result<(), String> + Sync,
) {
    let upload = upload_file();
    let upload = upload.to_str().expect("a UTF-8 path");
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let share = steps.len().div_ceil(workers).max(1);
    let failures: Vec<String> = std::thread::scope(|scope| {
        let running: Vec<_> = steps
            .chunks(share)
            .map(|steps| scope.spawn(|| run_on_a_fake(steps, upload, &check)))
            .collect();
        running
            .into_iter()
            .flat_map(|worker| worker.join().expect("a worker of the walk"))
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} of {} steps failed:\n{}",
        failures.len(),
        steps.len(),
        failures.join("\n")
    );
}

/// Runs `steps` in order on a fake of their own, reseeded before each;
/// returns what failed.
fn run_on_a_fake(
    steps: &[(&str, &str, &[&str])],
    upload: &str,
    check: &impl Fn(&str, &str, &[u8]) -> Result<(), String>,
) -> Vec<String> {
    let fake = Fake::start();
    let mut failures = Vec::new();
    for (api, command, args) in steps {
        fake.server.reset();
        fake.server.seed_examples();
        let mut argv = vec![*api, *command];
        argv.extend(
            args.iter()
                .map(|a| if *a == "{upload}" { upload } else { a }),
        );
        let output = fake.run(&argv);
        let outcome = if output.status.success() {
            check(api, command, &output.stdout)
        } else {
            Err(format!(
                "{}: {}",
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            ))
        };
        if let Err(why) = outcome {
            failures.push(format!("saas-admin {api} {command}: {why}"));
        }
    }
    failures
}
