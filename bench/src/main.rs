//! The benchmark: builds the release `bootstrap` and a bare lambda_runtime
//! echo function, runs both against a stub Runtime API and DynamoDB Local
//! (behind a counting, delaying proxy), runs the handler itself in this
//! process beside the same writes sent directly, and prints every figure
//! beside its floor, measured in the same run.
//!
//! `cargo run --release -p bench` for the full run (writes bench/RESULTS.md
//! and the README's results block); `-- --quick` for the short run CI does.

mod proxy;
mod runtime_api;
mod serve;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValuesOnConditionCheckFailure};
use guardduty_invitations::api::App;
use guardduty_invitations::api::identity::AuthMode;
use guardduty_invitations::store::{self, Store};
use guardduty_invitations::{logging, table};
use proxy::Proxy;
use runtime_api::RuntimeApi;
use serde_json::{Value, json};

const CALLER: &str = "111122223333";
const TABLE: &str = "Invitations";

struct Plan {
    quick: bool,
    starts: usize,
    samples: usize,
    overlap_samples: usize,
    throughput_for: Duration,
}

struct Row {
    figure: String,
    ours: String,
    floor: String,
    ratio: Option<f64>,
    target: String,
    met: bool,
}

// One thread, like the function: the stub, the proxy and the direct writes
// share it, so no figure pays for cross-thread wake-ups the other does not.
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let plan = Plan {
        quick,
        starts: if quick { 11 } else { 101 },
        samples: if quick { 20 } else { 400 },
        overlap_samples: if quick { 3 } else { 11 },
        throughput_for: Duration::from_secs(if quick { 2 } else { 10 }),
    };
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf();
    let machine = machine();
    println!("{machine}");

    let ours = build(
        &root,
        &["--bin", "guardduty-invitations"],
        "guardduty-invitations",
    );
    let bare = build(
        &root,
        &["--package", "bench", "--bin", "bare-echo"],
        "bare-echo",
    );

    let (dynamodb, dynamodb_addr) = start_dynamodb_local(&root);
    let proxy = Proxy::start(dynamodb_addr).await;
    let sdk_config = sdk_config(&proxy.url).await;
    let client = Client::from_conf(aws_sdk_dynamodb::config::Builder::from(&sdk_config).build());
    table::create(&client, TABLE)
        .await
        .expect("create the table");
    let inviters: Vec<String> = (0..50).map(|i| format!("3000000000{i:02}")).collect();
    for inviter in &inviters {
        put_declined(&client, inviter).await;
    }
    // DynamoDB Local is a JVM: its first requests run before the JIT has
    // compiled its hot paths, and would make the first figures its warm-up.
    // One second each of the three request sizes measured below.
    for n in [1, 10, 50] {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(1) {
            direct_writes(&client, &inviters[..n]).await;
        }
    }
    // The handler measured in this process, as the function runs it: its
    // client configuration, its IAM caller mode, its log lines (to /dev/null,
    // where the bootstraps' standard output goes too).
    logging::init(Arc::new(File::create("/dev/null").unwrap()));
    let app = App::new(
        Store::new(Client::from_conf(store::config(&sdk_config).build()), TABLE),
        AuthMode::Iam,
    );

    // Measured in this order, shown in another: the bootstrap's warm figures
    // first, whose seconds of load finish DynamoDB Local's warm-up (a
    // backend still speeding up would pull the handler's ratios towards 1),
    // then the handler's, then the starts, the most easily disturbed.
    let invocations = invocation_rows(&plan, &ours, &proxy, &client, &inviters).await;
    let handler = handler_rows(&plan, &client, &app, &inviters).await;
    let mut rows = starts(&plan, &ours, &bare, &proxy, &inviters).await;
    rows.extend(handler);
    rows.extend(invocations);
    rows.push(size_row(&ours, &bare));
    drop(dynamodb);

    let report = render(&machine, &plan, &rows);
    println!("\n{report}");
    let missed: Vec<&str> = rows
        .iter()
        .filter(|r| !r.met)
        .map(|r| r.figure.as_str())
        .collect();
    if plan.quick {
        let out = root.join("target/bench-quick.md");
        std::fs::write(&out, &report).unwrap();
        println!("quick run (targets not enforced): {}", out.display());
    } else {
        std::fs::write(root.join("bench/RESULTS.md"), &report).unwrap();
        update_readme(&root.join("README.md"), &report);
        println!("written to bench/RESULTS.md and README.md");
        if !missed.is_empty() {
            eprintln!("targets missed: {missed:?}");
            std::process::exit(1);
        }
    }
}

fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|l| l.trim_start_matches([' ', '\t', ':']).to_owned())
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!(
        "machine: {cores} cores, {model}, {}",
        std::env::consts::ARCH
    )
}

/// `cargo lambda build --release` of one binary; the path of its bootstrap.
fn build(root: &Path, args: &[&str], name: &str) -> PathBuf {
    let status = Command::new("cargo")
        .args(["lambda", "build", "--release"])
        .args(args)
        .current_dir(root)
        .status()
        .expect("cargo lambda runs (scripts/install-deps installs it)");
    assert!(status.success(), "cargo lambda build {args:?} failed");
    root.join("target/lambda").join(name).join("bootstrap")
}

fn start_dynamodb_local(root: &Path) -> (Running, std::net::SocketAddr) {
    let dir = String::from_utf8(
        Command::new("bash")
            .args([
                "-c",
                "source scripts/env && printf %s \"$DYNAMODB_LOCAL_DIR\"",
            ])
            .current_dir(root)
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Running(
        Command::new("java")
            .arg(format!("-Djava.library.path={dir}/DynamoDBLocal_lib"))
            .args([
                "-jar",
                &format!("{dir}/DynamoDBLocal.jar"),
                "-inMemory",
                "-sharedDb",
                "-disableTelemetry",
                "-port",
            ])
            .arg(port.to_string())
            // It drops a metadata file in its working directory.
            .current_dir(std::env::temp_dir())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("java runs"),
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "DynamoDB Local did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    (child, ([127, 0, 0, 1], port).into())
}

async fn sdk_config(endpoint: &str) -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .http_client(guardduty_invitations::sdk::https_client())
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
            "bench", "bench", None, None, "bench",
        ))
        .endpoint_url(endpoint)
        .load()
        .await
}

async fn put_declined(client: &Client, inviter: &str) {
    let s = |v: &str| AttributeValue::S(v.to_owned());
    client
        .put_item()
        .table_name(TABLE)
        .item(table::INVITEE, s(CALLER))
        .item(table::INVITER, s(inviter))
        .item(table::STATUS, s("Declined"))
        .item(table::INVITATION_ID, s("bench"))
        .item(table::INVITED_AT, s("2026-01-01T00:00:00Z"))
        .item(table::UPDATED_AT, s("2026-01-01T00:00:00Z"))
        .send()
        .await
        .expect("seed");
}

/// A Runtime API event: an HTTP API request from CALLER declining `ids`.
fn decline_event(ids: &[String]) -> String {
    let mut event: Value =
        serde_json::from_str(include_str!("../../events/decline.http-v2.json")).unwrap();
    event["body"] = json!(json!({ "accountIds": ids }).to_string());
    event.to_string()
}

/// A child process that is killed when dropped, even on a panic.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts a function the way Lambda does: its environment names the Runtime API.
fn spawn(bootstrap: &Path, runtime: &RuntimeApi, proxy: &Proxy) -> Running {
    let child = Command::new(bootstrap)
        .env("AWS_LAMBDA_RUNTIME_API", runtime.addr.to_string())
        .env("AWS_LAMBDA_FUNCTION_NAME", "bench")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", "bench")
        .env("AWS_SECRET_ACCESS_KEY", "bench")
        .env("AWS_ENDPOINT_URL_DYNAMODB", &proxy.url)
        .env("TABLE_NAME", TABLE)
        .env_remove("LOCAL_AUTH")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the bootstrap starts");
    Running(child)
}

fn status_of(answer: &Result<String, String>) -> Option<u64> {
    let body: Value = serde_json::from_str(answer.as_ref().ok()?).ok()?;
    body["statusCode"].as_u64()
}

/// Init and cold start, the two functions started in turn. The cold
/// start's floor is measured interleaved with it: the same request to a warm
/// instance of the function right after the bare function's start, so that
/// both meet DynamoDB Local in the same state: it answers a request that
/// follows idle time more slowly than one sent back to back (the reference
/// row shows the cold start beside the back-to-back floor too).
async fn starts(
    plan: &Plan,
    ours: &Path,
    bare: &Path,
    proxy: &Proxy,
    inviters: &[String],
) -> Vec<Row> {
    let (mut ours_init, mut bare_init, mut warm, mut cold) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let one = decline_event(&inviters[..1]);
    let (mut warm_runtime, _warm_instance) = launch_warm(ours, proxy, &one).await;
    for _ in 0..plan.starts {
        let mut runtime = RuntimeApi::start().await;
        let started = Instant::now();
        let child = spawn(bare, &runtime, proxy);
        bare_init.push(runtime.first_poll().await - started);
        drop(child);

        warm.push(invoke_ok(&mut warm_runtime, &one).await);

        let mut runtime = RuntimeApi::start().await;
        let started = Instant::now();
        let child = spawn(ours, &runtime, proxy);
        ours_init.push(runtime.first_poll().await - started);
        invoke_ok(&mut runtime, &one).await;
        cold.push(started.elapsed());
        drop(child);
    }
    // For reference: the same request back to back, without the idle time
    // of a start before it, and what one Runtime API round trip costs a
    // function that does nothing (part of every invocation, not of the
    // direct writes).
    let mut back_to_back = Vec::new();
    for _ in 0..plan.samples {
        back_to_back.push(invoke_ok(&mut warm_runtime, &one).await);
    }
    let back_to_back = median(&mut back_to_back);
    let hop = median(&mut warm_latencies(bare, proxy, &one, plan.samples).await);

    let (ours_init, bare_init, cold, warm) = (
        median(&mut ours_init),
        median(&mut bare_init),
        median(&mut cold),
        median(&mut warm),
    );
    vec![
        ratio_row(
            format!("init (median of {})", plan.starts),
            ours_init,
            bare_init,
            "bare lambda_runtime echo",
            Some(1.5),
        ),
        ratio_row(
            "cold start to first response (median)".into(),
            cold,
            bare_init + warm,
            "bare init + the same request to a warm instance",
            Some(1.5),
        ),
        ratio_row(
            "cold start beside a floor without the idle time (reference)".into(),
            cold,
            bare_init + back_to_back,
            "bare init + the same request back to back",
            None,
        ),
        Row {
            figure: "Runtime API round trip, bare echo (p50, reference)".into(),
            ours: "-".into(),
            floor: ms(hop),
            ratio: None,
            target: "-".into(),
            met: true,
        },
    ]
}

/// A function started and past its init, with its stub Runtime API.
async fn launch(bootstrap: &Path, proxy: &Proxy) -> (RuntimeApi, Running) {
    let mut runtime = RuntimeApi::start().await;
    let child = spawn(bootstrap, &runtime, proxy);
    runtime.first_poll().await;
    (runtime, child)
}

/// Invokes `event` and checks the answer is a 200; its latency.
async fn invoke_ok(runtime: &mut RuntimeApi, event: &str) -> Duration {
    let (answer, latency) = runtime.invoke(event).await;
    assert_eq!(status_of(&answer), Some(200), "{answer:?}");
    latency
}

/// A function launched and warmed up with ten invocations of `event`.
async fn launch_warm(bootstrap: &Path, proxy: &Proxy, event: &str) -> (RuntimeApi, Running) {
    let (mut runtime, child) = launch(bootstrap, proxy).await;
    for _ in 0..10 {
        invoke_ok(&mut runtime, event).await;
    }
    (runtime, child)
}

/// The latencies of `ours`, each sample followed by the same writes sent
/// directly: (ours, direct).
async fn beside_direct(
    plan: &Plan,
    client: &Client,
    inviters: &[String],
    mut ours: impl AsyncFnMut(),
) -> (Vec<Duration>, Vec<Duration>) {
    let (mut ours_latencies, mut direct) = (Vec::new(), Vec::new());
    for _ in 0..plan.samples {
        let started = Instant::now();
        ours().await;
        ours_latencies.push(started.elapsed());
        let started = Instant::now();
        direct_writes(client, inviters).await;
        direct.push(started.elapsed());
    }
    (ours_latencies, direct)
}

/// `samples` warm invocations of `event` in one fresh process.
async fn warm_latencies(
    bootstrap: &Path,
    proxy: &Proxy,
    event: &str,
    samples: usize,
) -> Vec<Duration> {
    let (mut runtime, _child) = launch(bootstrap, proxy).await;
    let mut latencies = Vec::new();
    for _ in 0..samples {
        latencies.push(runtime.invoke(event).await.1);
    }
    latencies
}

/// The handler's figures, measured in this process beside the same writes
/// sent directly.
async fn handler_rows(plan: &Plan, client: &Client, app: &App, inviters: &[String]) -> Vec<Row> {
    let mut rows = Vec::new();
    for n in [1, 10, 50] {
        let event = decline_event(&inviters[..n]);
        let (mut handler, mut direct) = beside_direct(plan, client, &inviters[..n], async || {
            handle(app, &event).await;
        })
        .await;
        let figure = format!(
            "handler, {n} account{} (p50 / p99)",
            if n == 1 { "" } else { "s" }
        );
        rows.push(latency_row(figure, &mut handler, &mut direct, Some(1.15)));
    }
    rows
}

/// The figures of one bootstrap process, as one Lambda sandbox serves them.
async fn invocation_rows(
    plan: &Plan,
    ours: &Path,
    proxy: &Proxy,
    client: &Client,
    inviters: &[String],
) -> Vec<Row> {
    let (one, fifty) = (
        decline_event(&inviters[..1]),
        decline_event(&inviters[..50]),
    );
    let (mut runtime, child) = launch_warm(ours, proxy, &fifty).await;
    let (mut invocation, mut direct) = beside_direct(plan, client, &inviters[..1], async || {
        invoke_ok(&mut runtime, &one).await;
    })
    .await;
    let mut rows = vec![latency_row(
        "whole invocation through the Runtime API, 1 account (p50 / p99, reference)".into(),
        &mut invocation,
        &mut direct,
        None,
    )];

    // 50 elements, 45 distinct accounts: one write each, no reads.
    let mut ids: Vec<String> = inviters[..45].to_vec();
    ids.extend_from_slice(&inviters[..5]);
    proxy.take_counts();
    invoke_ok(&mut runtime, &decline_event(&ids)).await;
    let counts = proxy.take_counts();
    let writes = counts.get("UpdateItem").copied().unwrap_or(0);
    let others: usize = counts
        .iter()
        .filter(|(op, _)| *op != "UpdateItem")
        .map(|(_, n)| n)
        .sum();
    rows.push(Row {
        figure: "DynamoDB requests for 50 IDs, 45 distinct".into(),
        ours: format!("{writes} UpdateItem, {others} other"),
        floor: "45 (one per distinct account)".into(),
        ratio: None,
        target: "exactly 45 writes, 0 reads".into(),
        met: writes == 45 && others == 0,
    });

    proxy.set_delay(Duration::from_millis(100));
    let (mut one_account, mut fifty_accounts) = (Vec::new(), Vec::new());
    for _ in 0..plan.overlap_samples {
        one_account.push(invoke_ok(&mut runtime, &one).await);
        fifty_accounts.push(invoke_ok(&mut runtime, &fifty).await);
    }
    proxy.set_delay(Duration::ZERO);
    rows.push(ratio_row(
        "overlap: 50 vs 1 account, 100 ms per DynamoDB call (p50)".into(),
        median(&mut fifty_accounts),
        median(&mut one_account),
        "1 account",
        Some(3.0),
    ));

    let (started, mut count, mut errors) = (Instant::now(), 0u64, 0u64);
    while started.elapsed() < plan.throughput_for {
        let (answer, _) = runtime.invoke(&one).await;
        count += 1;
        errors += u64::from(status_of(&answer) != Some(200));
    }
    let per_second = count as f64 / started.elapsed().as_secs_f64();
    rows.push(Row {
        figure: format!(
            "throughput, one process, {} s",
            plan.throughput_for.as_secs()
        ),
        ours: format!("{per_second:.0}/s, {errors} errors"),
        floor: "-".into(),
        ratio: None,
        target: "0 errors".into(),
        met: errors == 0,
    });

    let peak = peak_rss_mb(child.0.id());
    rows.push(Row {
        figure: "peak RSS after the load".into(),
        ours: format!("{peak:.1} MB"),
        floor: "-".into(),
        ratio: None,
        target: "<= 32 MB".into(),
        met: peak <= 32.0,
    });
    drop(child);
    rows
}

/// One request through the handler, from the event's JSON as lambda_http
/// receives it to the response.
async fn handle(app: &App, event: &str) {
    let request = lambda_http::request::from_str(event).expect("a valid event");
    let response = app.handle(request).await;
    assert_eq!(response.status(), 200, "{:?}", response.body());
}

/// p50 and p99 beside the direct writes', with a target on the p50 ratio
/// (none for a reference row).
fn latency_row(
    figure: String,
    ours: &mut [Duration],
    direct: &mut [Duration],
    limit: Option<f64>,
) -> Row {
    let (o50, o99, d50, d99) = (
        percentile(ours, 50),
        percentile(ours, 99),
        percentile(direct, 50),
        percentile(direct, 99),
    );
    let ratio = o50.as_secs_f64() / d50.as_secs_f64();
    Row {
        figure,
        ours: format!("{} / {}", ms(o50), ms(o99)),
        floor: format!("{} / {} direct aws-sdk-dynamodb writes", ms(d50), ms(d99)),
        ratio: Some(ratio),
        target: limit.map_or("-".into(), |limit| format!("p50 <= {limit}x")),
        met: limit.is_none_or(|limit| ratio <= limit),
    }
}

/// The same conditional UpdateItems the handler sends, straight from the SDK.
async fn direct_writes(client: &Client, inviters: &[String]) {
    let mut writes = tokio::task::JoinSet::new();
    for inviter in inviters {
        let request = client
            .update_item()
            .table_name(TABLE)
            .key(table::INVITEE, AttributeValue::S(CALLER.into()))
            .key(table::INVITER, AttributeValue::S(inviter.clone()))
            .update_expression("SET #status = :declined, updatedAt = :now")
            .condition_expression("#status IN (:from0, :from1)")
            .expression_attribute_names("#status", table::STATUS)
            .expression_attribute_values(":declined", AttributeValue::S("Declined".into()))
            .expression_attribute_values(":now", AttributeValue::S(table::now()))
            .expression_attribute_values(":from0", AttributeValue::S("Invited".into()))
            .expression_attribute_values(":from1", AttributeValue::S("Removed".into()))
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld);
        writes.spawn(request.send());
    }
    while let Some(result) = writes.join_next().await {
        let refused = result
            .unwrap()
            .expect_err("the invitations are already declined");
        assert!(
            refused
                .as_service_error()
                .is_some_and(|e| e.is_conditional_check_failed_exception())
        );
    }
}

fn peak_rss_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(f64::NAN);
    kb / 1024.0
}

fn size_row(ours: &Path, bare: &Path) -> Row {
    let stripped = |path: &Path| {
        let copy = path.with_extension("stripped");
        std::fs::copy(path, &copy).unwrap();
        let status = Command::new("strip")
            .arg(&copy)
            .status()
            .expect("strip runs");
        assert!(status.success());
        std::fs::metadata(&copy).unwrap().len() as f64 / 1_048_576.0
    };
    let (ours, bare) = (stripped(ours), stripped(bare));
    Row {
        figure: "stripped bootstrap".into(),
        ours: format!("{ours:.2} MB"),
        floor: format!("{bare:.2} MB bare echo"),
        ratio: Some(ours / bare),
        target: "<= 6 MB".into(),
        met: ours <= 6.0,
    }
}

/// A figure beside its floor, with a target on the ratio (none for a
/// reference row).
fn ratio_row(
    figure: String,
    ours: Duration,
    floor: Duration,
    floor_name: &str,
    limit: Option<f64>,
) -> Row {
    let ratio = ours.as_secs_f64() / floor.as_secs_f64();
    Row {
        figure,
        ours: ms(ours),
        floor: format!("{} {floor_name}", ms(floor)),
        ratio: Some(ratio),
        target: limit.map_or("-".into(), |limit| format!("<= {limit}x")),
        met: limit.is_none_or(|limit| ratio <= limit),
    }
}

fn median(values: &mut [Duration]) -> Duration {
    percentile(values, 50)
}

fn percentile(values: &mut [Duration], p: usize) -> Duration {
    values.sort();
    values[(values.len() * p / 100).min(values.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn render(machine: &str, plan: &Plan, rows: &[Row]) -> String {
    let mut out = format!(
        "{machine}; {} run, {} starts, {} samples per latency figure\n\n| figure | this function | floor (same run) | ratio | target | met |\n| --- | --- | --- | --- | --- | --- |\n",
        if plan.quick { "quick" } else { "full" },
        plan.starts,
        plan.samples
    );
    for row in rows {
        let ratio = row.ratio.map_or("-".into(), |r| format!("{r:.2}x"));
        let met = if row.met { "yes" } else { "**no**" };
        out.push_str(&format!(
            "| {} | {} | {} | {ratio} | {} | {met} |\n",
            row.figure, row.ours, row.floor, row.target
        ));
    }
    out
}

/// Replaces the results block of the README with the latest report.
fn update_readme(readme: &Path, report: &str) {
    let (start, end) = ("<!-- bench:start -->", "<!-- bench:end -->");
    let Ok(text) = std::fs::read_to_string(readme) else {
        return;
    };
    let (Some(a), Some(b)) = (text.find(start), text.find(end)) else {
        return;
    };
    let updated = format!("{}{start}\n{report}{}", &text[..a], &text[b..]);
    std::fs::write(readme, updated).unwrap();
}
