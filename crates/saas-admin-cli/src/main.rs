//! `saas-admin`: a command for every operation of the Opendatasoft
//! Automation API (`saas-admin ods …`) and the Cloudinary Account
//! Provisioning API (`saas-admin cloudinary …`).
//!
//! The commands, their options and the code that runs each are generated
//! by `cargo xtask generate` from the specs, over the facade's builders
//! (`generated_ods.rs`, `generated_cloudinary.rs`). What is written here is
//! the global options, the configuration, the exit codes and the shell
//! completions; the helpers every command uses (`input`, `output`,
//! `dry_run`, `Failure`) are the crate's library (`lib.rs`).
//!
//! Exit codes: 0 success, 2 usage (a bad or missing option, a value the
//! library refuses), 3 configuration, 4 not found, 5 rate limited, 1 any
//! other failure. A failure is one line on standard error.

#![forbid(unsafe_code)]

#[path = "generated_cloudinary.rs"]
mod cloudinary;
#[path = "generated_ods.rs"]
mod ods;

use std::future::Future;
use std::process::ExitCode;

use clap::{Arg, ArgAction, ArgMatches, Command};
use saas_admin::{Cloudinary, Ods};
use saas_admin_fake::FakeServer;
// The generated commands reach these as `crate::input` and `crate::output`.
use saas_admin_cli::{dry_run, input, output, Failure};

const AFTER_HELP: &str = "\
Configuration comes from the environment, as the library reads it:
  ODS_DOMAIN, ODS_API_KEY, ODS_BASE_URL
  CLOUDINARY_ACCOUNT_URL (account://KEY:SECRET@ACCOUNT_ID), CLOUDINARY_REGION,
  CLOUDINARY_BASE_URL
--base-url and --account-url replace them; --fake needs none.

Exit codes: 0 success, 2 usage, 3 configuration, 4 not found,
5 rate limited, 1 any other failure.";

/// The whole command line.
fn cli() -> Command {
    let global = |arg: Arg| arg.global(true).help_heading("Global options");
    Command::new("saas-admin")
        .version(env!("CARGO_PKG_VERSION"))
        .about("Every operation of the Opendatasoft Automation API and the Cloudinary Account Provisioning API")
        .subcommand_required(true)
        .arg_required_else_help(true)
        .after_help(AFTER_HELP)
        .arg(global(
            Arg::new("output")
                .long("output")
                .value_name("FORMAT")
                .value_parser(["json", "table"])
                .default_value("json")
                .help("How to print the answer: JSON, or a table of a listing's main fields"),
        ))
        .arg(global(
            Arg::new("fields")
                .long("fields")
                .value_name("A,B")
                .help("The table's columns (dotted for nested members), with --output table"),
        ))
        .arg(global(
            Arg::new("dry-run")
                .long("dry-run")
                .action(ArgAction::SetTrue)
                .help("Print the request that would be sent, credentials redacted, and send nothing"),
        ))
        .arg(global(
            Arg::new("fake")
                .long("fake")
                .action(ArgAction::SetTrue)
                .help("Run against an embedded fake of both services, seeded with the specs' examples"),
        ))
        .arg(global(
            Arg::new("base-url")
                .long("base-url")
                .value_name("URL")
                .help("The API's base URL, replacing ODS_BASE_URL or CLOUDINARY_BASE_URL"),
        ))
        .arg(global(
            Arg::new("account-url")
                .long("account-url")
                .value_name("URL")
                .help("Cloudinary's account://KEY:SECRET@ACCOUNT_ID, replacing CLOUDINARY_ACCOUNT_URL"),
        ))
        .subcommand(ods::command())
        .subcommand(cloudinary::command())
        .subcommand(
            Command::new("completions")
                .about("Print the completion script of a shell")
                .arg(
                    Arg::new("shell")
                        .required(true)
                        .value_parser(clap::value_parser!(clap_complete::Shell)),
                ),
        )
}

/// A usage error as one line, like every other failure: clap's message
/// without its usage block, its lines joined.
fn one_line(message: &str) -> String {
    let said = message.split("\n\n").next().unwrap_or(message);
    let words: Vec<&str> = said.split_whitespace().collect();
    format!("{} (see --help)", words.join(" "))
}

fn main() -> ExitCode {
    let matches = match cli().try_get_matches() {
        Ok(matches) => matches,
        Err(error) => {
            use clap::error::ErrorKind as Usage;
            // `--help` and `--version` print to stdout and succeed; a
            // command given without what it needs shows its help.
            if !error.use_stderr()
                || error.kind() == Usage::DisplayHelpOnMissingArgumentOrSubcommand
            {
                let _ = error.print();
                return ExitCode::from(if error.use_stderr() { 2 } else { 0 });
            }
            eprintln!("{}", one_line(&error.to_string()));
            return ExitCode::from(2);
        }
    };
    let outcome = match matches.subcommand() {
        Some(("completions", sub)) => {
            let shell = *sub
                .get_one::<clap_complete::Shell>("shell")
                .expect("the shell is required");
            clap_complete::generate(shell, &mut cli(), "saas-admin", &mut std::io::stdout());
            Ok(())
        }
        Some((api, sub)) => match sub.subcommand() {
            Some((operation, args)) => tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| Failure::other(format!("cannot start the runtime: {e}")))
                .and_then(|runtime| runtime.block_on(run(api, operation, args))),
            None => Err(Failure::usage(format!("{api}: name a command"))),
        },
        None => Err(Failure::usage("name an API: ods or cloudinary")),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("{}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}

/// Runs one operation of `api`, configured from the environment and the
/// global options in `args`.
async fn run(api: &str, operation: &str, args: &ArgMatches) -> Result<(), Failure> {
    let out = output::Output::new(args);
    let fake = if args.get_flag("fake") {
        Some(
            FakeServer::builder()
                .with_examples()
                .start()
                .await
                .map_err(|e| Failure::other(format!("the embedded fake cannot start: {e}")))?,
        )
    } else {
        None
    };
    let capture = if args.get_flag("dry-run") {
        Some(
            dry_run::Capture::start()
                .await
                .map_err(|e| Failure::other(format!("--dry-run cannot listen on loopback: {e}")))?,
        )
    } else {
        None
    };
    let base_url = args.get_one::<String>("base-url");
    match api {
        "ods" => {
            let mut builder = Ods::builder();
            if let Some(fake) = &fake {
                builder = builder
                    .base_url(fake.ods_base_url())
                    .api_key(fake.ods_api_key());
            }
            if let Some(url) = base_url {
                builder = builder.base_url(url);
            }
            // What the options set wins; an error names the variable at fault.
            let builder = builder.with_env();
            let client = builder.clone().build()?;
            let client = match &capture {
                Some(capture) => builder
                    .base_url(capture.base_url(client.base_url()))
                    .build()?,
                None => client,
            };
            drive(capture, ods::run(client, operation, args, &out)).await
        }
        _ => {
            let account_url = args.get_one::<String>("account-url");
            let mut builder = Cloudinary::builder();
            if let Some(fake) = &fake {
                builder = builder
                    .base_url(fake.cloudinary_base_url())
                    .account_id(fake.cloudinary_account_id())
                    .credentials(fake.cloudinary_api_key(), fake.cloudinary_api_secret());
            }
            if let Some(url) = account_url {
                builder = builder.account_url(url)?;
            }
            if let Some(url) = base_url {
                builder = builder.base_url(url);
            }
            let builder = builder.with_env();
            let client = builder.clone().build()?;
            let client = match &capture {
                Some(capture) => builder
                    .base_url(capture.base_url(client.base_url()))
                    .build()?,
                None => client,
            };
            drive(capture, cloudinary::run(client, operation, args, &out)).await
        }
    }
}

/// Runs the call; with `--dry-run`, prints the request it makes instead of
/// waiting for an answer that never comes.
async fn drive(
    capture: Option<dry_run::Capture>,
    call: impl Future<Output = Result<(), Failure>>,
) -> Result<(), Failure> {
    let Some(capture) = capture else {
        return call.await;
    };
    let (request, printer) = capture.into_parts();
    tokio::select! {
        captured = request => match captured {
            Ok(raw) => printer.print(&raw),
            Err(_) => Err(Failure::other("--dry-run: the request was not captured")),
        },
        // Only a call refused before sending (a bad value) ends first.
        outcome = call => outcome.and(Err(Failure::other("--dry-run: the call ended without a request"))),
    }
}
