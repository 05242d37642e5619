//! `saas-admin-fake`: serves the fake of both APIs until stopped (Ctrl-C).
//!
//! ```text
//! cargo run -p saas-admin-fake -- --listen 127.0.0.1:8080
//!     [--ods-api-key KEY] [--cloudinary-account-url account://KEY:SECRET@ACCOUNT_ID]
//!     [--examples] [--limit token-bucket:RATE,BURST,RETRY_AFTER_SECS | fixed-window:LIMIT,WINDOW_SECS]
//! ```

#![forbid(unsafe_code)]

use std::net::SocketAddr;
use std::process::ExitCode;

use saas_admin_fake::FakeServer;

const USAGE: &str = "\
usage: saas-admin-fake [--listen HOST:PORT] [--ods-api-key KEY]
                       [--cloudinary-account-url account://KEY:SECRET@ACCOUNT_ID] [--examples]
                       [--limit token-bucket:RATE,BURST,RETRY_AFTER_SECS | fixed-window:LIMIT,WINDOW_SECS]

Serves a stateful fake of the Opendatasoft Automation API and the Cloudinary
Account Provisioning API until stopped (Ctrl-C).

  --listen HOST:PORT          where to listen (default 127.0.0.1:8080)
  --ods-api-key KEY           the Opendatasoft API key to accept
  --cloudinary-account-url U  the Cloudinary account and credentials to accept
  --examples                  start with the specs' examples as data
  --limit L                   enforce a rate limit on both APIs: a token bucket
                              (token-bucket:40,20,1: 40 a second, 20 at once,
                              429 with Retry-After: 1 when empty) or fixed
                              windows (fixed-window:200,5: 200 every 5 s, with
                              X-FeatureRateLimit-* on every answer, 420 when spent)";

/// What the command line asks for.
struct Args {
    listen: SocketAddr,
    ods_api_key: Option<String>,
    account_url: Option<String>,
    examples: bool,
    limit: Option<saas_admin_fake::Limit>,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut parsed = Args {
        listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
        ods_api_key: None,
        account_url: None,
        examples: false,
        limit: None,
    };
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--listen" => {
                let text = value("--listen")?;
                parsed.listen = text.parse().map_err(|_| {
                    format!("--listen {text:?}: expected HOST:PORT, such as 127.0.0.1:8080")
                })?;
            }
            "--ods-api-key" => parsed.ods_api_key = Some(value("--ods-api-key")?),
            "--cloudinary-account-url" => {
                parsed.account_url = Some(value("--cloudinary-account-url")?)
            }
            "--examples" => parsed.examples = true,
            "--limit" => {
                let text = value("--limit")?;
                parsed.limit = Some(
                    saas_admin_fake::Limit::parse(&text)
                        .map_err(|e| format!("--limit {text:?}: {e}"))?,
                );
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(parsed)
}

async fn run(args: Args) -> Result<(), saas_admin_fake::Error> {
    let mut builder = FakeServer::builder().listen(args.listen);
    if let Some(key) = args.ods_api_key {
        builder = builder.ods_api_key(key);
    }
    if let Some(url) = &args.account_url {
        builder = builder.cloudinary_account_url(url)?;
    }
    if args.examples {
        builder = builder.with_examples();
    }
    if let Some(limit) = args.limit.clone() {
        builder = builder.limit(limit);
    }
    let fake = builder.start().await?;
    // The credentials are the fake's own, given to be used: printing them is
    // the point.
    println!("saas-admin-fake listening on {}", fake.addr());
    println!("Opendatasoft base URL: {}", fake.ods_base_url());
    println!(
        "  API key: {} (header `Authorization: Apikey KEY`, or query `apikey=KEY`)",
        fake.ods_api_key()
    );
    println!(
        "Cloudinary base URL: {} (paths /v1_1/... and /v2/...)",
        fake.cloudinary_base_url()
    );
    println!(
        "  account URL: {} (HTTP basic auth KEY:SECRET)",
        fake.cloudinary_account_url()
    );
    println!("Admin endpoint: {}/_fake/", fake.url());
    if let Some(limit) = &args.limit {
        println!(
            "Rate limit: {limit:?} (change it at {}/_fake/limit)",
            fake.url()
        );
    }
    if args.examples {
        println!("Data: the specs' examples");
    } else {
        println!("Data: none yet (--examples seeds the specs' examples)");
    }
    std::future::pending::<()>().await;
    Ok(())
}

fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            if message.is_empty() {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::FAILURE;
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
