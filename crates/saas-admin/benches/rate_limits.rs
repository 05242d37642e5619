//! Bulk work against a rate-limited service:
//! `cargo bench -p saas-admin --bench rate_limits`.
//!
//! 600 `list_user_groups` calls, 64 in flight, through one client with its
//! default configuration (the gate on, or turned off), against the fake
//! enforcing a limit: a token bucket of 40 a second with a burst of 20 and
//! `Retry-After: 1` (Opendatasoft), or Cloudinary's fixed windows of 200 and
//! of 100 calls per 5 s. In some runs the caller paces its own calls (40 a
//! second with a burst of 20, or 90% of that). Each run prints the calls that
//! succeeded, those that failed (and how many of them the client's retry
//! budget ended), the requests the fake received and refused, and the time
//! taken beside the ideal: for a token bucket, (600 − burst) / rate (or the
//! caller's own, when it paces more slowly); for fixed windows, the start of
//! the last window the calls need.
//!
//! The fake runs in a process of its own (this benchmark, started again with
//! `--serve-fake`), so that the client's runtime and the server's do not
//! share a scheduler. `RATE_LIMITS=tb-on,fw100-off` runs only the scenarios
//! named; `RATE_LIMITS_TRACE=1` prints how the client paced.

use std::io::{BufRead, BufReader, Read};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures::StreamExt;
use saas_admin::{Cloudinary, Ods};
use serde_json::{json, Value};

const CALLS: usize = 600;
const IN_FLIGHT: usize = 64;

/// The limit a scenario's fake enforces.
#[derive(Clone, Copy)]
enum Limit {
    TokenBucket {
        rate: f64,
        burst: u32,
        retry_after: u64,
    },
    FixedWindow {
        limit: u32,
        window: u64,
    },
}

struct Scenario {
    name: &'static str,
    limit: Limit,
    gate: bool,
    /// The caller's own pacing: calls a second and burst.
    caller: Option<(f64, u32)>,
}

fn scenarios() -> Vec<Scenario> {
    let bucket = Limit::TokenBucket {
        rate: 40.0,
        burst: 20,
        retry_after: 1,
    };
    let window = |limit| Limit::FixedWindow { limit, window: 5 };
    let scenario = |name, limit, gate, caller| Scenario {
        name,
        limit,
        gate,
        caller,
    };
    vec![
        scenario("tb-on", bucket, true, None),
        scenario("tb-off", bucket, false, None),
        scenario("tb-caller40-on", bucket, true, Some((40.0, 20))),
        scenario("tb-caller40-off", bucket, false, Some((40.0, 20))),
        scenario("tb-caller36-on", bucket, true, Some((36.0, 20))),
        scenario("fw200-on", window(200), true, None),
        scenario("fw200-off", window(200), false, None),
        scenario("fw100-on", window(100), true, None),
        scenario("fw100-off", window(100), false, None),
    ]
}

/// What one run did.
struct Outcome {
    ok: usize,
    failed: usize,
    by_budget: usize,
    /// Failed calls the client did not send (the wait ran past their budget).
    not_sent: usize,
    elapsed: Duration,
    ideal: Duration,
    admitted: u64,
    refused: u64,
}

// ---------------------------------------------------------------------------
// The fake, in its own process.
// ---------------------------------------------------------------------------

/// Serves the fake on loopback, prints its address, and stops when its
/// standard input closes (when the benchmark ends, however it ends).
fn serve_fake() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let fake = saas_admin_fake::FakeServer::start().await.unwrap();
        println!("{}", fake.addr());
        tokio::task::spawn_blocking(|| {
            let _ = std::io::stdin().read_to_end(&mut Vec::new());
        })
        .await
        .unwrap();
    });
}

/// The fake's process; killed when dropped.
struct FakeProcess {
    child: std::process::Child,
    url: String,
}

impl FakeProcess {
    fn start() -> Self {
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .arg("--serve-fake")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        Self {
            child,
            url: format!("http://{}", line.trim()),
        }
    }
}

impl Drop for FakeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn admin(http: &reqwest::Client, method: reqwest::Method, url: String, body: Value) -> Value {
    http.request(method, url)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

// ---------------------------------------------------------------------------
// The caller's own pacing.
// ---------------------------------------------------------------------------

/// A token bucket on the caller's side: each call starts at its slot.
struct CallerPace {
    interval: Duration,
    burst: u32,
    next: Mutex<Option<Instant>>,
}

impl CallerPace {
    fn new(rate: f64, burst: u32) -> Self {
        Self {
            interval: Duration::from_secs_f64(1.0 / rate),
            burst,
            next: Mutex::new(None),
        }
    }

    /// Waits for the next call's slot (a virtual-scheduling token bucket).
    async fn slot(&self) {
        let start = {
            let mut next = self.next.lock().unwrap();
            let now = Instant::now();
            let tolerance = self.interval * (self.burst - 1);
            let earliest = next.map_or(now, |n| n.checked_sub(tolerance).unwrap_or(now));
            let start = earliest.max(now);
            *next = Some(next.map_or(start, |n| n.max(start)) + self.interval);
            start
        };
        tokio::time::sleep_until(start.into()).await;
    }
}

// ---------------------------------------------------------------------------
// The calls.
// ---------------------------------------------------------------------------

async fn run(fake: &FakeProcess, scenario: &Scenario) -> Outcome {
    let http = reqwest::Client::new();
    admin(
        &http,
        reqwest::Method::POST,
        format!("{}/_fake/reset", fake.url),
        json!({}),
    )
    .await;
    let limit = match scenario.limit {
        Limit::TokenBucket {
            rate,
            burst,
            retry_after,
        } => {
            json!({"mode": "token_bucket", "rate": rate, "burst": burst, "retry_after_secs": retry_after, "api": "ods"})
        }
        Limit::FixedWindow { limit, window } => {
            json!({"mode": "fixed_window", "limit": limit, "window_secs": window, "api": "cloudinary"})
        }
    };
    admin(
        &http,
        reqwest::Method::POST,
        format!("{}/_fake/limit", fake.url),
        limit,
    )
    .await;
    // Fixed windows start at the whole second of the first request: start
    // just after one, so that the first window is (nearly) whole.
    if let Limit::FixedWindow { .. } = scenario.limit {
        let into_second = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let wait = Duration::from_nanos(1_000_000_000 - u64::from(into_second))
            + Duration::from_millis(10);
        tokio::time::sleep(wait).await;
    }
    let offset = Duration::from_nanos(u64::from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .subsec_nanos(),
    ));
    // A caller pacing itself more slowly than the limit is its own ideal.
    let at_rate = |rate: f64, burst: u32| (CALLS as f64 - f64::from(burst)) / rate;
    let ideal = match scenario.limit {
        Limit::TokenBucket { rate, burst, .. } => Duration::from_secs_f64(
            scenario
                .caller
                .map_or(0.0, |(rate, burst)| at_rate(rate, burst))
                .max(at_rate(rate, burst)),
        ),
        Limit::FixedWindow { limit, window } => {
            let windows = CALLS.div_ceil(limit as usize) as u64;
            Duration::from_secs((windows - 1) * window).saturating_sub(offset)
        }
    };
    let ods = Ods::builder()
        .base_url(format!("{}/api/automation/v1.0", fake.url))
        .api_key(saas_admin_fake::DEFAULT_ODS_API_KEY)
        .rate_limit_gate(scenario.gate)
        .build()
        .unwrap();
    let cloudinary = Cloudinary::builder()
        .base_url(fake.url.clone())
        .account_id(saas_admin_fake::DEFAULT_CLOUDINARY_ACCOUNT_ID)
        .credentials(
            saas_admin_fake::DEFAULT_CLOUDINARY_API_KEY,
            saas_admin_fake::DEFAULT_CLOUDINARY_API_SECRET,
        )
        .rate_limit_gate(scenario.gate)
        .build()
        .unwrap();
    let caller = scenario
        .caller
        .map(|(rate, burst)| Arc::new(CallerPace::new(rate, burst)));
    let started = Instant::now();
    let results: Vec<Result<(), saas_admin::Error>> = futures::stream::iter(0..CALLS)
        .map(|_| {
            let (ods, cloudinary, caller) = (&ods, &cloudinary, caller.clone());
            async move {
                if let Some(caller) = caller {
                    caller.slot().await;
                }
                match scenario.limit {
                    Limit::TokenBucket { .. } => ods.list_user_groups().send().await.map(drop),
                    Limit::FixedWindow { .. } => {
                        cloudinary.list_user_groups().send().await.map(drop)
                    }
                }
            }
        })
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await;
    let elapsed = started.elapsed();
    let counts = admin(
        &http,
        reqwest::Method::GET,
        format!("{}/_fake/limit", fake.url),
        json!({}),
    )
    .await;
    let errors: Vec<&saas_admin::Error> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    if let Some(error) = errors.first() {
        println!("  e.g. {error}");
    }
    Outcome {
        ok: results.len() - errors.len(),
        failed: errors.len(),
        by_budget: errors
            .iter()
            .filter(|e| e.is_retry_budget_exhausted())
            .count(),
        not_sent: errors
            .iter()
            .filter(|e| e.kind() == saas_admin::ErrorKind::RateLimited)
            .count(),
        elapsed,
        ideal,
        admitted: counts["admitted"].as_u64().unwrap_or(0),
        refused: counts["refused"].as_u64().unwrap_or(0),
    }
}

fn describe(scenario: &Scenario) -> String {
    let limit = match scenario.limit {
        Limit::TokenBucket {
            rate,
            burst,
            retry_after,
        } => format!("token bucket {rate}/s, burst {burst}, Retry-After {retry_after}"),
        Limit::FixedWindow { limit, window } => format!("fixed windows {limit} per {window} s"),
    };
    let caller = match scenario.caller {
        Some((rate, burst)) => format!(", caller pacing {rate}/s burst {burst}"),
        None => String::new(),
    };
    format!("{limit}{caller}")
}

fn main() {
    if std::env::args().any(|a| a == "--serve-fake") {
        return serve_fake();
    }
    let only: Option<Vec<String>> = std::env::var("RATE_LIMITS")
        .ok()
        .map(|names| names.split(',').map(str::to_string).collect());
    let fake = FakeProcess::start();
    if std::env::var_os("RATE_LIMITS_TRACE").is_some() {
        tracing::subscriber::set_global_default(trace::Pacing(Instant::now())).unwrap();
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    println!(
        "saas-admin rate-limit benchmark: {CALLS} list_user_groups calls, {IN_FLIGHT} in flight, one client, default configuration ({})",
        if cfg!(debug_assertions) { "debug build" } else { "release build" }
    );
    let mut rows = Vec::new();
    for scenario in scenarios() {
        if only
            .as_ref()
            .is_some_and(|only| !only.iter().any(|n| n == scenario.name))
        {
            continue;
        }
        println!(
            "{} ({}), gate {}",
            scenario.name,
            describe(&scenario),
            if scenario.gate { "on" } else { "off" }
        );
        let outcome = runtime.block_on(run(&fake, &scenario));
        rows.push((scenario, outcome));
    }
    println!();
    println!(
        "| scenario | service's limit | gate | calls ok | failed (retry budget) | requests | refused | elapsed / ideal |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for (scenario, o) in &rows {
        let requests = o.admitted + o.refused;
        println!(
            "| {} | {} | {} | {} / {CALLS} | {} ({}{}) | {} | {} ({:.1}%) | {:.1} s / {:.1} s ({:.2}) |",
            scenario.name,
            describe(scenario),
            if scenario.gate { "on" } else { "off" },
            o.ok,
            o.failed,
            o.by_budget,
            match o.not_sent {
                0 => String::new(),
                n => format!("; {n} not sent"),
            },
            requests,
            o.refused,
            100.0 * o.refused as f64 / requests.max(1) as f64,
            o.elapsed.as_secs_f64(),
            o.ideal.as_secs_f64(),
            o.elapsed.as_secs_f64() / o.ideal.as_secs_f64(),
        );
    }
}

/// Prints the runtime's pacing decisions (its DEBUG events "rate limited:
/// ..."), with the time since the benchmark started: `RATE_LIMITS_TRACE=1`.
mod trace {
    use std::fmt::Write as _;
    use std::time::Instant;

    pub struct Pacing(pub Instant);

    impl tracing::Subscriber for Pacing {
        fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
            metadata.target().starts_with("saas_admin_runtime")
        }
        fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
            tracing::span::Id::from_u64(1)
        }
        fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
        fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
        fn event(&self, event: &tracing::Event<'_>) {
            struct Line(String);
            impl tracing::field::Visit for Line {
                fn record_debug(
                    &mut self,
                    field: &tracing::field::Field,
                    value: &dyn std::fmt::Debug,
                ) {
                    let _ = write!(self.0, " {}={value:?}", field.name());
                }
            }
            let mut line = Line(String::new());
            event.record(&mut line);
            if line.0.contains("rate limited") {
                eprintln!("  {:7.3} s{}", self.0.elapsed().as_secs_f64(), line.0);
            }
        }
        fn enter(&self, _: &tracing::span::Id) {}
        fn exit(&self, _: &tracing::span::Id) {}
    }
}
