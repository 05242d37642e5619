//! What the clients cost over plain HTTP: `cargo bench -p saas-admin`.
//!
//! A loopback server answers the list-user-groups calls of both APIs with
//! fixed bodies (20 groups). The same calls go through the facade (default
//! configuration: retries, tracing spans, credentials) and through the floor
//! (plain reqwest plus serde into equivalent structs), sequentially and with
//! 64 in flight; then 100,000 groups stream through the paginator. The server
//! runs on its own thread and the clients on another, one core each.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::{StreamExt, TryStreamExt};
use saas_admin::{Cloudinary, Ods};
use serde::Deserialize;
use serde_json::json;

const SEQUENTIAL_CALLS: usize = 5_000;
const CONCURRENT_CALLS: usize = 20_000;
const IN_FLIGHT: usize = 64;
const ROUNDS: usize = 5;
const STREAMED_GROUPS: usize = 100_000;
const PAGE_SIZE: usize = 100;
const KEY: &str = "bench-api-key";
const SECRET: &str = "bench-api-secret";

// ---------------------------------------------------------------------------
// The server: HTTP/1.1 keep-alive, one thread, fixed answers.
// ---------------------------------------------------------------------------

fn ods_groups_body() -> Vec<u8> {
    let results: Vec<_> = (0..20)
        .map(|i| {
            json!({
                "uid": format!("group_{i:02}"),
                "title": format!("Data stewards {i}"),
                "description": "People who curate the portal's datasets.",
                "user_count": 12 + i,
                "permissions": ["edit_dataset", "publish_dataset", "explore_restricted_dataset"],
                "explore_limits": {"api_calls": {"limit": 10000, "unit": "day"}},
                "created_at": "2024-03-11T09:12:44Z",
                "updated_at": "2025-01-20T16:03:10Z",
                "created_by": {"username": "admin"},
                "updated_by": {"username": "jdoe"}
            })
        })
        .collect();
    serde_json::to_vec(
        &json!({"total_count": 20, "next": null, "previous": null, "results": results}),
    )
    .unwrap()
}

fn cloudinary_groups_body() -> Vec<u8> {
    let groups: Vec<_> = (0..20)
        .map(|i| {
            json!({
                "id": format!("7f08f1f1fc910bf1f25274aef11d{i:02}"),
                "name": format!("Designers {i}"),
                "users": [
                    {"id": "0abed8dfcc039ea05e2a1d494fd442", "name": "John Doe", "email": "john@example.com"},
                    {"id": "139147faa12ce11f22cfaffa84b307", "name": "Jane Roe", "email": "jane@example.com"}
                ],
                "created_at": "2024-03-11T09:12:44Z",
                "updated_at": "2025-01-20T16:03:10Z"
            })
        })
        .collect();
    serde_json::to_vec(&json!({ "user_groups": groups })).unwrap()
}

/// One page of the 100,000-group listing, from the request's query.
fn ods_page_body(query: &str) -> Vec<u8> {
    let offset: usize = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("offset="))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let end = (offset + PAGE_SIZE).min(STREAMED_GROUPS);
    let results: Vec<_> = (offset..end)
        .map(|i| json!({"uid": format!("g{i:06}"), "title": format!("Group {i}"), "user_count": i % 50}))
        .collect();
    let next = (end < STREAMED_GROUPS).then(|| format!("http://bench/groups/?offset={end}"));
    serde_json::to_vec(&json!({"total_count": STREAMED_GROUPS, "next": next, "previous": null, "results": results}))
        .unwrap()
}

fn response(body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

struct Answers {
    ods: Vec<u8>,
    cloudinary: Vec<u8>,
}

/// Serves connections on a thread pool of one: each connection gets its own
/// OS thread, so blocking reads never hold others up. Returns the address.
fn start_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let answers = Arc::new(Answers {
        ods: response(&ods_groups_body()),
        cloudinary: response(&cloudinary_groups_body()),
    });
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let stream = stream.unwrap();
            let answers = Arc::clone(&answers);
            std::thread::spawn(move || serve(stream, &answers));
        }
    });
    address
}

fn serve(mut stream: TcpStream, answers: &Answers) {
    stream.set_nodelay(true).unwrap();
    let mut buffer = Vec::with_capacity(8192);
    let mut chunk = [0u8; 8192];
    loop {
        // Requests have no body here: a request ends at its blank line.
        let end = loop {
            if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break end + 4;
            }
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
        buffer.drain(..end);
        let target = head.split(' ').nth(1).unwrap_or("/");
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let reply = if path.starts_with("/v1_1/") {
            stream.write_all(&answers.cloudinary)
        } else if query.contains("offset=") {
            stream.write_all(&response(&ods_page_body(query)))
        } else {
            stream.write_all(&answers.ods)
        };
        if reply.is_err() {
            return;
        }
    }
}

/// The server's own capacity: raw HTTP over 64 keep-alive connections, with
/// nothing but writing requests and skipping to the end of each answer.
fn server_capacity(address: SocketAddr, seconds: f64) -> f64 {
    let stop = Arc::new(AtomicBool::new(false));
    let request = b"GET /groups/ HTTP/1.1\r\nhost: bench\r\n\r\n";
    let answer_length = response(&ods_groups_body()).len();
    let workers: Vec<_> = (0..IN_FLIGHT)
        .map(|_| {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                let mut stream = TcpStream::connect(address).unwrap();
                stream.set_nodelay(true).unwrap();
                let mut answer = vec![0u8; answer_length];
                let mut done = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    stream.write_all(request).unwrap();
                    stream.read_exact(&mut answer).unwrap();
                    done += 1;
                }
                done
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs_f64(seconds));
    stop.store(true, Ordering::Relaxed);
    let total: u64 = workers.into_iter().map(|w| w.join().unwrap()).sum();
    total as f64 / seconds
}

// ---------------------------------------------------------------------------
// The floor: plain reqwest and serde, into structs like the generated ones.
// ---------------------------------------------------------------------------

#[allow(dead_code)]
#[derive(Deserialize)]
struct FloorRelatedUser {
    username: String,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct FloorApiCalls {
    limit: i64,
    unit: String,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct FloorExploreLimits {
    api_calls: Option<FloorApiCalls>,
}

// The variants are the API's permission names.
#[allow(dead_code, clippy::enum_variant_names)]
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum FloorPermission {
    EditDataset,
    PublishDataset,
    ExploreRestrictedDataset,
}

/// Typed as the generated `UserGroup` is: timestamps as chrono values,
/// permissions as an enum, so both sides decode the same way.
#[allow(dead_code)]
#[derive(Deserialize)]
struct FloorOdsGroup {
    uid: String,
    title: String,
    description: Option<String>,
    user_count: Option<i64>,
    #[serde(default)]
    permissions: Vec<FloorPermission>,
    explore_limits: Option<FloorExploreLimits>,
    created_at: Option<chrono::DateTime<chrono::Utc>>,
    updated_at: Option<chrono::DateTime<chrono::Utc>>,
    created_by: Option<FloorRelatedUser>,
    updated_by: Option<FloorRelatedUser>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct FloorOdsPage {
    total_count: Option<i64>,
    next: Option<String>,
    previous: Option<String>,
    results: Vec<FloorOdsGroup>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct FloorCloudinaryUser {
    id: String,
    name: String,
    email: Option<String>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct FloorCloudinaryGroup {
    id: String,
    name: String,
    #[serde(default)]
    users: Vec<FloorCloudinaryUser>,
    created_at: Option<chrono::DateTime<chrono::Utc>>,
    updated_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct FloorCloudinaryGroups {
    user_groups: Vec<FloorCloudinaryGroup>,
}

#[derive(Clone)]
struct Floor {
    client: reqwest::Client,
    base: String,
}

impl Floor {
    async fn ods(&self) -> usize {
        let page: FloorOdsPage = self
            .client
            .get(format!("{}/groups/", self.base))
            .header("authorization", format!("Apikey {KEY}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        page.results.len()
    }

    async fn cloudinary(&self) -> usize {
        let groups: FloorCloudinaryGroups = self
            .client
            .get(format!(
                "{}/v1_1/provisioning/accounts/acc/user_groups",
                self.base
            ))
            .basic_auth(KEY, Some(SECRET))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        groups.user_groups.len()
    }
}

// ---------------------------------------------------------------------------
// Timing
// ---------------------------------------------------------------------------

/// Calls per second for `calls` calls of `call`, `in_flight` at a time.
async fn rate<F, Fut>(calls: usize, in_flight: usize, call: F) -> f64
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = usize>,
{
    let started = Instant::now();
    let groups: usize = futures::stream::iter((0..calls).map(|_| call()))
        .buffer_unordered(in_flight)
        .fold(0, |sum, n| async move { sum + n })
        .await;
    assert_eq!(groups, calls * 20, "every call decoded 20 groups");
    calls as f64 / started.elapsed().as_secs_f64()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.partial_cmp(b).unwrap());
    values[values.len() / 2]
}

/// The process's peak resident memory (VmHWM), in KiB.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// Resets the peak to the current resident memory (Linux).
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// `OVERHEAD_CALLS=ods-facade:1000` (or `ods-floor`, `cloudinary-facade`,
/// `cloudinary-floor`): only that many sequential calls of one client,
/// after 50 to warm up, for an instruction count under callgrind. With
/// `OVERHEAD_SERVER=ADDRESS` the calls go to a server in another process
/// (this benchmark run with `OVERHEAD_SERVE=1`, which prints its address),
/// so the whole process's count, every thread included, is the client's;
/// the difference between two call counts, divided by the difference in
/// calls, is one call's instructions.
fn count_calls(spec: &str) {
    let (which, calls) = spec.split_once(':').expect("OVERHEAD_CALLS=CLIENT:CALLS");
    let calls: usize = calls.parse().expect("a number of calls");
    let address = match std::env::var("OVERHEAD_SERVER") {
        Ok(address) => address.parse().expect("OVERHEAD_SERVER=HOST:PORT"),
        Err(_) => start_server(),
    };
    let base = format!("http://{address}");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let ods = Ods::with_base_url(&base, KEY).unwrap();
        let cloudinary = Cloudinary::with_base_url(&base, "acc", KEY, SECRET).unwrap();
        let floor = Floor {
            client: reqwest::Client::new(),
            base: base.clone(),
        };
        for n in [50, calls] {
            match which {
                "ods-facade" => {
                    rate(n, 1, || async {
                        ods.list_user_groups().send().await.unwrap().results.len()
                    })
                    .await
                }
                "ods-floor" => rate(n, 1, || floor.ods()).await,
                "cloudinary-facade" => {
                    rate(n, 1, || async {
                        cloudinary
                            .list_user_groups()
                            .send()
                            .await
                            .unwrap()
                            .user_groups
                            .len()
                    })
                    .await
                }
                "cloudinary-floor" => rate(n, 1, || floor.cloudinary()).await,
                other => panic!("unknown client {other}"),
            };
        }
    });
}

fn main() {
    if std::env::var_os("OVERHEAD_SERVE").is_some() {
        // Only the server, for the counts of another process.
        println!("{}", start_server());
        loop {
            std::thread::park();
        }
    }
    if let Ok(spec) = std::env::var("OVERHEAD_CALLS") {
        return count_calls(&spec);
    }
    // `cargo bench` passes `--bench`; a filter argument selects nothing here.
    let address = start_server();
    let base = format!("http://{address}");
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());

    println!(
        "saas-admin overhead benchmark ({cores} cores, {})",
        if cfg!(debug_assertions) {
            "debug build"
        } else {
            "release build"
        }
    );
    let capacity = server_capacity(address, 2.0);
    println!(
        "server capacity (raw HTTP, {IN_FLIGHT} keep-alive connections): {capacity:.0} requests/s"
    );

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let ods = Ods::with_base_url(&base, KEY).unwrap();
        let cloudinary = Cloudinary::with_base_url(&base, "acc", KEY, SECRET).unwrap();
        let floor = Floor {
            client: reqwest::Client::new(),
            base: base.clone(),
        };

        // Warm up connections and code paths.
        rate(200, IN_FLIGHT, || async { ods.list_user_groups().send().await.unwrap().results.len() }).await;
        rate(200, IN_FLIGHT, || floor.ods()).await;

        println!();
        println!("{:<14}{:<14}{:>16}{:>16}{:>14}", "api", "mode", "facade calls/s", "floor calls/s", "facade/floor");
        for (api, mode, calls, in_flight) in [
            ("opendatasoft", "sequential", SEQUENTIAL_CALLS, 1),
            ("opendatasoft", "64 in flight", CONCURRENT_CALLS, IN_FLIGHT),
            ("cloudinary", "sequential", SEQUENTIAL_CALLS, 1),
            ("cloudinary", "64 in flight", CONCURRENT_CALLS, IN_FLIGHT),
        ] {
            let mut facade_rates = Vec::new();
            let mut floor_rates = Vec::new();
            // Interleaved rounds, so drift in the machine's load hits both.
            for _ in 0..ROUNDS {
                if api == "opendatasoft" {
                    facade_rates.push(
                        rate(calls, in_flight, || async {
                            ods.list_user_groups().send().await.unwrap().results.len()
                        })
                        .await,
                    );
                    floor_rates.push(rate(calls, in_flight, || floor.ods()).await);
                } else {
                    facade_rates.push(
                        rate(calls, in_flight, || async {
                            cloudinary.list_user_groups().send().await.unwrap().user_groups.len()
                        })
                        .await,
                    );
                    floor_rates.push(rate(calls, in_flight, || floor.cloudinary()).await);
                }
            }
            let facade = median(facade_rates);
            let floor = median(floor_rates);
            println!(
                "{api:<14}{mode:<14}{facade:>16.0}{floor:>16.0}{:>14.3}",
                facade / floor
            );
        }

        println!();
        // After the reset, the peak is what is resident now.
        let reset = reset_peak_rss();
        let before = peak_rss_kib();
        let started = Instant::now();
        let streamed = ods
            .list_user_groups()
            .limit(PAGE_SIZE as i64)
            .into_stream()
            .try_fold(0usize, |n, _group| async move { Ok(n + 1) })
            .await
            .unwrap();
        let elapsed = started.elapsed().as_secs_f64();
        assert_eq!(streamed, STREAMED_GROUPS);
        println!(
            "pagination: {streamed} Opendatasoft groups in pages of {PAGE_SIZE}: {elapsed:.2} s, {:.0} items/s",
            streamed as f64 / elapsed
        );
        match (before, peak_rss_kib(), reset) {
            (Some(before), Some(peak), true) => println!(
                "pagination peak memory: {:.1} MiB resident ({:+.1} MiB over the {:.1} MiB before streaming)",
                peak as f64 / 1024.0,
                (peak as f64 - before as f64) / 1024.0,
                before as f64 / 1024.0
            ),
            (_, Some(peak), _) => println!("pagination peak memory: {:.1} MiB resident (whole process)", peak as f64 / 1024.0),
            _ => println!("pagination peak memory: not available on this system"),
        }
    });
}
