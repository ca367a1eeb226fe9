//! The client gateway under load: memory held per idle authenticated socket, and the latency of
//! `UserNotifier::notify` to a connected rust_socketio client.
//!
//! The gateway runs in this process, built as `serve` builds it (`alpha_testkit::TestApp`).
//! 1. Idle sockets: the bench re-executes itself as a client driver (env `CLIENT_BENCH_CHILD`)
//!    that opens N authenticated sockets, one user per K sockets, each waiting for `connected`.
//!    With the clients in the child, this process's VmRSS is the server alone. The driver speaks
//!    Engine.IO over a bare WebSocket (`raw_socket`), so that it costs less CPU than the server.
//! 2. Notify latency: with the N idle sockets still held, a few in-process clients (same clock)
//!    of their own users receive M `notification {seq, sentAtNanos}`: first one at a time (each
//!    awaited before the next), then all M back to back (burst).
//!
//! 3. Two instances (`CLIENT_BENCH_INSTANCES=2`): a second application on the same database,
//!    both with `REDIS_URL` (`TEST_REDIS_URL`, or a private `redis-server` the testkit starts),
//!    as two server processes behind a load balancer would be. The idle sockets alternate
//!    between the two; the latency clients are on B and every notification is made on A, so
//!    each one crosses Redis. Both instances live in this process: the RSS figures are theirs
//!    together, per socket over all sockets.
//!
//! Run: `cargo bench -p alpha-gateways --bench client_gateway` (or `just bench-clients`);
//! two instances, 10,000 sockets: `just bench-clients-two-instances`.
//! Env: `CLIENT_BENCH_SOCKETS` (N, 2000), `CLIENT_BENCH_PER_USER` (K, 20),
//! `CLIENT_BENCH_NOTIFICATIONS` (M, 1000), `CLIENT_BENCH_LATENCY_SOCKETS` (10),
//! `CLIENT_BENCH_TIMEOUT_SECS` (time allowed for opening the N sockets, 180),
//! `CLIENT_BENCH_INSTANCES` (1 or 2, 1).
//! The soft open-files limit is raised to the hard limit at start (inherited by the child); if
//! the hard limit is below N + a few hundred, raise it first (`ulimit -Hn`, limits.conf).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use alpha_auth::AuthService;
use alpha_gateways::ClientNotifier;
use alpha_kernel::{Phone, UserId, UserNotifier};
use alpha_testkit::TestApp;
use futures_util::{FutureExt, StreamExt, stream};
use rust_socketio::asynchronous::{Client, ClientBuilder};
use rust_socketio::{Event, Payload};
use serde_json::json;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

#[path = "client_gateway/raw_socket.rs"]
mod raw_socket;

const CHILD_ENV: &str = "CLIENT_BENCH_CHILD";
const ACCESS_SECRET: &str = "client-gateway-bench-access-secret-0123456789";
const REFRESH_SECRET: &str = "client-gateway-bench-refresh-secret-0123456789";
/// Sockets being opened at once by the client driver.
const CONNECT_CONCURRENCY: usize = 64;
/// Longest wait for one socket's `connect()` and then for its `connected`.
const CONNECT_WAIT: Duration = Duration::from_secs(30);
/// Longest wait for one notification in the one-at-a-time run.
const NOTIFY_WAIT: Duration = Duration::from_secs(5);
/// Longest wait for the whole burst to arrive.
const BURST_WAIT: Duration = Duration::from_secs(60);
/// The child driver gives up on its own after this long.
const CHILD_MAX_LIFE: Duration = Duration::from_secs(30 * 60);

// ---------------------------------------------------------------------------------------------
// settings

struct Settings {
    sockets: usize,
    per_user: usize,
    notifications: usize,
    latency_sockets: usize,
    connect_timeout: Duration,
    /// 2: two applications sharing client sockets through Redis.
    two_instances: bool,
}

fn env_usize(name: &str, default: usize) -> usize {
    match std::env::var(name) {
        Ok(v) => v.trim().parse().unwrap_or_else(|_| {
            eprintln!("{name}={v:?} is not a number; using {default}");
            default
        }),
        Err(_) => default,
    }
}

impl Settings {
    fn from_env() -> Settings {
        Settings {
            sockets: env_usize("CLIENT_BENCH_SOCKETS", 2000),
            per_user: env_usize("CLIENT_BENCH_PER_USER", 20).max(1),
            notifications: env_usize("CLIENT_BENCH_NOTIFICATIONS", 1000),
            latency_sockets: env_usize("CLIENT_BENCH_LATENCY_SOCKETS", 10).max(1),
            two_instances: env_usize("CLIENT_BENCH_INSTANCES", 1) >= 2,
            connect_timeout: Duration::from_secs(
                env_usize("CLIENT_BENCH_TIMEOUT_SECS", 180)
                    .try_into()
                    .unwrap(),
            ),
        }
    }
}

fn main() {
    if std::env::var_os(CHILD_ENV).is_some() {
        child_main();
        return;
    }
    let settings = Settings::from_env();
    let (limit_text, soft) = raise_open_files_limit();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(Box::pin(run(settings, limit_text, soft)));
}

/// Raises the soft open-files limit to the hard one; returns a description and the soft limit.
fn raise_open_files_limit() -> (String, u64) {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    match getrlimit(Resource::RLIMIT_NOFILE) {
        Ok((soft, hard)) if soft < hard => match setrlimit(Resource::RLIMIT_NOFILE, hard, hard) {
            Ok(()) => (format!("soft {soft} -> {hard} (hard {hard})"), hard),
            Err(e) => (
                format!("soft {soft}, hard {hard}; raising failed ({e}): use `ulimit -n {hard}`"),
                soft,
            ),
        },
        Ok((soft, hard)) => (format!("soft {soft} = hard {hard}"), soft),
        Err(e) => (format!("unknown ({e}); check `ulimit -n`"), u64::MAX),
    }
}

// ---------------------------------------------------------------------------------------------
// measurements

/// VmRSS of a process in KiB (`self` or a pid).
fn vm_rss_kib(process: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{process}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// User + system CPU seconds of a process (`self` or a pid); /proc counts in 1/100 s.
fn cpu_seconds(process: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{process}/stat")).ok()?;
    let mut fields = stat.get(stat.rfind(')')? + 1..)?.split_whitespace();
    let utime: u64 = fields.nth(11)?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some((utime + stime) as f64 / 100.0)
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or_else(
        || "-".to_owned(),
        |k| format!("{:.1} MiB", k as f64 / 1024.0),
    )
}

/// Nanoseconds since the first call: one monotonic clock for sender and receiver.
fn clock_nanos() -> u64 {
    static BASE: OnceLock<Instant> = OnceLock::new();
    u64::try_from(BASE.get_or_init(Instant::now).elapsed().as_nanos()).unwrap_or(u64::MAX)
}

fn fmt_nanos(nanos: u64) -> String {
    if nanos >= 1_000_000 {
        format!("{:.2} ms", nanos as f64 / 1e6)
    } else {
        format!("{:.0} µs", nanos as f64 / 1e3)
    }
}

/// p50/p90/p99/max of `samples` (nanoseconds) as table cells.
fn percentiles(samples: &mut [u64]) -> String {
    if samples.is_empty() {
        return "no samples".to_owned();
    }
    samples.sort_unstable();
    let at = |p: f64| {
        let i = ((p / 100.0) * (samples.len() - 1) as f64).round() as usize;
        fmt_nanos(samples[i.min(samples.len() - 1)])
    };
    format!(
        "{:>10} {:>10} {:>10} {:>10}",
        at(50.0),
        at(90.0),
        at(99.0),
        fmt_nanos(*samples.last().unwrap())
    )
}

/// Sockets the gateways hold for `users`.
fn sockets_held(gateways: &[Arc<ClientNotifier>], users: &[UserId]) -> usize {
    gateways
        .iter()
        .map(|g| users.iter().map(|u| g.connected_here(*u)).sum::<usize>())
        .sum()
}

// ---------------------------------------------------------------------------------------------
// clients (both the child driver and the in-process latency clients)

fn payload_text(payload: &Payload) -> String {
    match payload {
        Payload::Text(values) => values
            .first()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .unwrap_or_default(),
        Payload::Binary(_) => "<binary>".to_owned(),
        #[allow(deprecated)]
        Payload::String(s) => s.clone(),
    }
}

/// Opens one socket with `token` and waits for `connected`. Received `notification`s go to
/// `notifications` as (seq, latency in ns).
async fn open_authenticated(
    url: &str,
    token: &str,
    notifications: Option<mpsc::UnboundedSender<(u64, u64)>>,
) -> Result<Client, String> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Result<(), String>>();
    let ready = tx.clone();
    let mut builder = ClientBuilder::new(url)
        .namespace("/")
        .reconnect(false)
        .reconnect_on_disconnect(false)
        .auth(json!({ "token": token }))
        .on("connected", move |_: Payload, _: Client| {
            let _ = ready.send(Ok(()));
            async {}.boxed()
        })
        .on(Event::Error, move |payload: Payload, _: Client| {
            let _ = tx.send(Err(payload_text(&payload)));
            async {}.boxed()
        });
    if let Some(sink) = notifications {
        builder = builder.on("notification", move |payload: Payload, _: Client| {
            let received = clock_nanos();
            if let Payload::Text(values) = &payload
                && let Some(body) = values.first()
                && let (Some(seq), Some(sent)) =
                    (body["seq"].as_u64(), body["sentAtNanos"].as_u64())
            {
                let _ = sink.send((seq, received.saturating_sub(sent)));
            }
            async {}.boxed()
        });
    }
    let client = tokio::time::timeout(CONNECT_WAIT, builder.connect())
        .await
        .map_err(|_| "connect() timed out".to_owned())?
        .map_err(|e| format!("connect() failed: {e}"))?;
    let outcome = match tokio::time::timeout(CONNECT_WAIT, rx.recv()).await {
        Ok(Some(Ok(()))) => return Ok(client),
        Ok(Some(Err(e))) => format!("refused: {e}"),
        Ok(None) => "client gone before connected".to_owned(),
        Err(_) => "no connected in time".to_owned(),
    };
    let _ = tokio::time::timeout(Duration::from_secs(2), client.disconnect()).await;
    Err(outcome)
}

// ---------------------------------------------------------------------------------------------
// child: the idle-socket client driver
//
// stdin: the URLs (space-separated), one token per socket, then `go`; stdin's EOF ends the process.
// stdout: `progress <n>` now and then, then `ready <ok> <failed> <millis> <first error>`.

fn child_main() {
    // One thread owns stdin: it hands over the URL and tokens, then waits for EOF (the parent
    // closed it or died) and ends the process.
    let (input_tx, input_rx) = std::sync::mpsc::channel::<(String, Vec<String>)>();
    std::thread::spawn(move || {
        let mut lines = std::io::stdin().lines();
        let Some(Ok(url)) = lines.next() else {
            eprintln!("client driver: no URLs on stdin");
            std::process::exit(2);
        };
        let mut tokens = Vec::new();
        for line in lines.by_ref() {
            match line {
                Ok(line) if line == "go" => break,
                Ok(line) => tokens.push(line),
                Err(_) => std::process::exit(2),
            }
        }
        let _ = input_tx.send((url, tokens));
        for _ in lines {}
        std::process::exit(0);
    });
    let Ok((url, tokens)) = input_rx.recv() else {
        std::process::exit(2);
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let clients = runtime.block_on(Box::pin(child_connect(url, tokens)));
    // The runtime's workers keep the sockets alive (heartbeats) until stdin closes.
    std::thread::sleep(CHILD_MAX_LIFE);
    drop(clients);
    eprintln!("client driver: lived too long; exiting");
    std::process::exit(3);
}

/// `urls`: the gateways' URLs separated by spaces; socket `i` goes to URL `i mod n`. Returns the
/// tasks holding the opened sockets.
async fn child_connect(urls: String, tokens: Vec<String>) -> Vec<JoinHandle<()>> {
    let started = Instant::now();
    let done = AtomicUsize::new(0);
    let total = tokens.len();
    let urls: Vec<String> = urls
        .split_whitespace()
        .map(raw_socket::websocket_url)
        .collect();
    let results: Vec<(Result<raw_socket::Socket, String>, u64)> =
        stream::iter(tokens.iter().enumerate().map(|(i, token)| {
            let (url, done) = (&urls[i % urls.len()], &done);
            async move {
                let opened = Instant::now();
                let result = tokio::time::timeout(CONNECT_WAIT, raw_socket::open(url, token))
                    .await
                    .unwrap_or_else(|_| Err("no connected in time".to_owned()));
                let took = u64::try_from(opened.elapsed().as_nanos()).unwrap_or(u64::MAX);
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                if n % 250 == 0 && n < total {
                    println!("progress {n}");
                }
                (result, took)
            }
        }))
        .buffer_unordered(CONNECT_CONCURRENCY)
        .collect()
        .await;
    let mut clients = Vec::with_capacity(results.len());
    let mut failed = 0usize;
    let mut first_error = String::from("-");
    let mut durations: Vec<u64> = results.iter().map(|(_, took)| *took).collect();
    durations.sort_unstable();
    let at = |p: usize| {
        durations
            .get(durations.len().saturating_sub(1) * p / 100)
            .copied()
    };
    let (p50, p99, max) = (at(50), at(99), at(100));
    for (result, _) in results {
        match result {
            Ok(socket) => clients.push(tokio::spawn(raw_socket::hold(socket))),
            Err(e) => {
                if failed == 0 {
                    first_error = e.replace('\n', " ");
                }
                failed += 1;
            }
        }
    }
    let ms = |n: Option<u64>| n.unwrap_or(0) / 1_000_000;
    println!(
        "ready {} {failed} {} {} {} {} {first_error}",
        clients.len(),
        started.elapsed().as_millis(),
        ms(p50),
        ms(p99),
        ms(max)
    );
    clients
}

/// The child process; killed (by its pid) when dropped.
struct ChildGuard(Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
        }
        let _ = self.0.wait();
    }
}

struct ChildReady {
    ok: usize,
    failed: usize,
    millis: u64,
    /// One socket's connect() + `connected`, p50/p99/max in ms.
    each_ms: [u64; 3],
    first_error: String,
}

fn parse_ready(rest: &str) -> Option<ChildReady> {
    let mut parts = rest.splitn(7, ' ');
    Some(ChildReady {
        ok: parts.next()?.parse().ok()?,
        failed: parts.next()?.parse().ok()?,
        millis: parts.next()?.parse().ok()?,
        each_ms: [
            parts.next()?.parse().ok()?,
            parts.next()?.parse().ok()?,
            parts.next()?.parse().ok()?,
        ],
        first_error: parts.next().unwrap_or("-").to_owned(),
    })
}

// ---------------------------------------------------------------------------------------------
// the run

#[derive(Default)]
struct Report {
    requested: usize,
    users: usize,
    child_ready: Option<ChildReady>,
    reached: usize,
    held: Option<usize>,
    rss_before: Option<u64>,
    rss_with: Option<u64>,
    rss_after_close: Option<u64>,
    held_after_close: Option<usize>,
    child_rss: Option<u64>,
    /// CPU seconds spent while the N sockets were opened: (server, client driver).
    open_cpu: (Option<f64>, Option<f64>),
    sequential: Vec<u64>,
    sequential_lost: usize,
    burst: Vec<u64>,
    burst_lost: usize,
    burst_send: Option<Duration>,
    notes: Vec<String>,
}

async fn login(auth: &AuthService, phone: &str) -> (UserId, String) {
    let tokens = auth
        .login(&Phone::from_stored(phone), None, None)
        .await
        .expect("login");
    let user = auth.authenticate(&tokens.access_token).await.expect("auth");
    (user.id, tokens.access_token)
}

async fn run(s: Settings, limit_text: String, soft_limit: u64) {
    println!("client gateway bench");
    println!("  open files limit: {limit_text}");
    if (s.sockets as u64).saturating_add(256) > soft_limit {
        println!(
            "  WARNING: {} sockets need more open files than the limit {soft_limit}; raise the \
             hard limit (ulimit -Hn) first",
            s.sockets
        );
    }
    let _ = clock_nanos();
    // The application as `serve` builds it; its gateways run on a runtime of their own.
    let redis = s.two_instances.then(alpha_testkit::test_redis_url);
    let mut env = vec![
        ("ACCESS_TOKEN_SECRET_KEY", ACCESS_SECRET),
        ("REFRESH_TOKEN_SECRET_KEY", REFRESH_SECRET),
        ("ALPHA__AUTH__ACCESS_TTL_SECS", "3600"),
    ];
    if let Some(url) = &redis {
        env.push(("REDIS_URL", url));
    }
    let app = TestApp::with(&env).await;
    let other = match s.two_instances {
        true => Some(app.another_served_instance().await),
        false => None,
    };
    let auth = app.app.state.auth.clone();
    // Notifications are made on the first instance; the latency clients listen on the last.
    let gateway = app.app.notifier.clone();
    let listener = other.as_ref().unwrap_or(&app);
    let gateways: Vec<Arc<ClientNotifier>> = std::iter::once(&app)
        .chain(other.as_ref())
        .map(|a| a.app.notifier.clone())
        .collect();
    let url = std::iter::once(&app)
        .chain(other.as_ref())
        .map(|a| format!("{}/", a.clients_url))
        .collect::<Vec<_>>()
        .join(" ");
    let latency_url = format!("{}/", listener.clients_url);
    if s.two_instances {
        println!("  two instances, one database, Redis; notifications made on A, received on B");
    }

    let mut report = Report {
        requested: s.sockets,
        users: s.sockets.div_ceil(s.per_user),
        ..Report::default()
    };
    let started = Instant::now();
    let mut idle = Vec::with_capacity(report.users);
    for i in 0..report.users {
        idle.push(login(&auth, &format!("+99365{i:06}")).await);
    }
    let mut latency = Vec::with_capacity(s.latency_sockets);
    for i in 0..s.latency_sockets {
        latency.push(login(&auth, &format!("+99366{i:06}")).await);
    }
    println!(
        "  logged in {} users in {:.1} s; gateway at {url}",
        idle.len() + latency.len(),
        started.elapsed().as_secs_f64()
    );
    let idle_users: Vec<UserId> = idle.iter().map(|(u, _)| *u).collect();

    // 1. idle sockets, held by the child process
    tokio::time::sleep(Duration::from_millis(500)).await;
    report.rss_before = vm_rss_kib("self");
    let cpu_before = cpu_seconds("self");
    let child = if s.sockets == 0 {
        None
    } else {
        Box::pin(hold_idle_sockets(&s, &url, &idle, &mut report)).await
    };
    if report.child_ready.is_some() || report.reached > 0 {
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    report.open_cpu = (
        cpu_seconds("self")
            .zip(cpu_before)
            .map(|(now, before)| now - before),
        child
            .as_ref()
            .and_then(|(c, _)| cpu_seconds(&c.0.id().to_string())),
    );
    report.held = Some(sockets_held(&gateways, &idle_users));
    report.rss_with = vm_rss_kib("self");
    report.child_rss = child
        .as_ref()
        .and_then(|(c, _)| vm_rss_kib(&c.0.id().to_string()));

    // 2. notify latency, in-process clients, idle sockets still held
    let holder = listener.app.notifier.clone();
    Box::pin(measure_latency(
        &s,
        &latency_url,
        (&gateway, &holder),
        &latency,
        &mut report,
    ))
    .await;

    // close the idle sockets
    if let Some((mut child, stdin)) = child {
        drop(stdin);
        let deadline = Instant::now() + Duration::from_secs(10);
        while matches!(child.0.try_wait(), Ok(None)) && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        drop(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut left = sockets_held(&gateways, &idle_users);
        while left > 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(200)).await;
            left = sockets_held(&gateways, &idle_users);
        }
        report.held_after_close = Some(left);
        tokio::time::sleep(Duration::from_millis(500)).await;
        report.rss_after_close = vm_rss_kib("self");
    }

    for app in std::iter::once(app).chain(other) {
        if tokio::time::timeout(Duration::from_secs(10), app.stop())
            .await
            .is_err()
        {
            report.notes.push("gateway did not stop in 10 s".to_owned());
        }
    }
    print_report(&s, &report);
}

/// Spawns the client driver and waits until it has opened its sockets (or gave up / timed out).
async fn hold_idle_sockets(
    s: &Settings,
    url: &str,
    users: &[(UserId, String)],
    report: &mut Report,
) -> Option<(ChildGuard, ChildStdin)> {
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(e) => {
            report.notes.push(format!("cannot re-exec the bench: {e}"));
            return None;
        }
    };
    let mut child = match Command::new(exe)
        .env(CHILD_ENV, "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
    {
        Ok(child) => ChildGuard(child),
        Err(e) => {
            report
                .notes
                .push(format!("cannot start the client driver: {e}"));
            return None;
        }
    };
    let mut stdin = child.0.stdin.take().expect("piped stdin");
    let stdout = child.0.stdout.take().expect("piped stdout");
    let (line_tx, mut lines) = mpsc::unbounded_channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if line_tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut input = format!("{url}\n");
    for i in 0..s.sockets {
        input.push_str(&users[i % users.len()].1);
        input.push('\n');
    }
    input.push_str("go\n");
    let written =
        tokio::task::spawn_blocking(move || stdin.write_all(input.as_bytes()).map(|()| stdin))
            .await;
    let stdin = match written {
        Ok(Ok(stdin)) => stdin,
        other => {
            report
                .notes
                .push(format!("cannot feed the client driver: {:?}", other.err()));
            return None;
        }
    };
    println!(
        "  opening {} sockets in a child process ({} at a time, at most {} s)",
        s.sockets,
        CONNECT_CONCURRENCY,
        s.connect_timeout.as_secs()
    );
    let deadline = tokio::time::Instant::now() + s.connect_timeout;
    loop {
        match tokio::time::timeout_at(deadline, lines.recv()).await {
            Ok(Some(line)) => {
                if let Some(n) = line.strip_prefix("progress ") {
                    report.reached = n.parse().unwrap_or(report.reached);
                    println!("    {}/{} sockets done", report.reached, s.sockets);
                } else if let Some(rest) = line.strip_prefix("ready ") {
                    report.child_ready = parse_ready(rest);
                    if let Some(ready) = &report.child_ready {
                        report.reached = ready.ok + ready.failed;
                    }
                    break;
                } else {
                    println!("    client driver: {line}");
                }
            }
            Ok(None) => {
                report.notes.push(format!(
                    "client driver exited early after {} sockets",
                    report.reached
                ));
                break;
            }
            Err(_) => {
                report.notes.push(format!(
                    "timed out opening sockets after {} s; {} done",
                    s.connect_timeout.as_secs(),
                    report.reached
                ));
                break;
            }
        }
    }
    Some((child, stdin))
}

/// `gateways`: (the one notifications are made on, the one `url` is served by).
async fn measure_latency(
    s: &Settings,
    url: &str,
    (gateway, holder): (&ClientNotifier, &ClientNotifier),
    users: &[(UserId, String)],
    report: &mut Report,
) {
    let (sink, mut received) = mpsc::unbounded_channel::<(u64, u64)>();
    let mut clients = Vec::with_capacity(users.len());
    let mut targets = Vec::with_capacity(users.len());
    for (user, token) in users {
        match open_authenticated(url, token, Some(sink.clone())).await {
            Ok(client) => {
                clients.push(client);
                targets.push(*user);
            }
            Err(e) => report.notes.push(format!("latency client: {e}")),
        }
    }
    drop(sink);
    if targets.is_empty() || s.notifications == 0 {
        report.notes.push("no latency measured".to_owned());
        return;
    }
    println!(
        "  notify latency: {} notifications over {} in-process sockets",
        s.notifications,
        targets.len()
    );

    // one at a time
    for i in 0..s.notifications {
        let seq = i as u64;
        let target = targets[i % targets.len()];
        let delivered = holder.connected_here(target);
        let sent = clock_nanos();
        gateway
            .notify(
                target,
                "notification",
                json!({ "seq": seq, "sentAtNanos": sent }),
            )
            .await;
        if delivered == 0 {
            report.sequential_lost += 1;
            continue;
        }
        let deadline = tokio::time::Instant::now() + NOTIFY_WAIT;
        loop {
            match tokio::time::timeout_at(deadline, received.recv()).await {
                Ok(Some((got, nanos))) if got == seq => {
                    report.sequential.push(nanos);
                    break;
                }
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => {
                    report.sequential_lost += 1;
                    break;
                }
            }
        }
    }

    // burst: all at once, then collect
    let base = s.notifications as u64;
    let started = Instant::now();
    let mut expected = 0usize;
    for i in 0..s.notifications {
        let target = targets[i % targets.len()];
        expected += holder.connected_here(target);
        let sent = clock_nanos();
        gateway
            .notify(
                target,
                "notification",
                json!({ "seq": base + i as u64, "sentAtNanos": sent }),
            )
            .await;
    }
    report.burst_send = Some(started.elapsed());
    let deadline = tokio::time::Instant::now() + BURST_WAIT;
    while report.burst.len() < expected {
        match tokio::time::timeout_at(deadline, received.recv()).await {
            Ok(Some((seq, nanos))) if seq >= base => report.burst.push(nanos),
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => break,
        }
    }
    report.burst_lost = s.notifications - report.burst.len().min(s.notifications);

    for client in clients {
        let _ = tokio::time::timeout(Duration::from_secs(2), client.disconnect()).await;
    }
}

fn print_report(s: &Settings, r: &Report) {
    println!();
    let title = match s.two_instances {
        true => {
            "client gateway, two instances: idle sockets (RSS of both instances, one process; clients in a child process)"
        }
        false => "client gateway: idle sockets (server RSS, clients in a child process)",
    };
    println!("== {title} ==");
    println!("  sockets requested          {}", r.requested);
    println!("  users (sockets per user)   {} ({})", r.users, s.per_user);
    match &r.child_ready {
        Some(ready) => {
            println!(
                "  opened by the client       {} ok, {} failed in {:.1} s",
                ready.ok,
                ready.failed,
                ready.millis as f64 / 1000.0
            );
            println!(
                "  one socket's open (ms)     p50 {}, p99 {}, max {} ({CONNECT_CONCURRENCY} at a time)",
                ready.each_ms[0], ready.each_ms[1], ready.each_ms[2]
            );
            if ready.failed > 0 {
                println!("  first failure              {}", ready.first_error);
            }
        }
        None => println!(
            "  opened by the client       incomplete: {} reached",
            r.reached
        ),
    }
    let secs = |c: Option<f64>| c.map_or_else(|| "-".to_owned(), |c| format!("{c:.1} s"));
    println!(
        "  CPU while opening          server {}, client driver {}",
        secs(r.open_cpu.0),
        secs(r.open_cpu.1)
    );
    let held = r.held.unwrap_or(0);
    println!("  sockets held (server)      {held}");
    println!("  server RSS before          {}", mib(r.rss_before));
    println!("  server RSS with sockets    {}", mib(r.rss_with));
    match (r.rss_before, r.rss_with) {
        (Some(before), Some(with)) if held > 0 => println!(
            "  server RSS per socket      {:.1} KiB",
            with.saturating_sub(before) as f64 / held as f64
        ),
        _ => println!("  server RSS per socket      -"),
    }
    if let Some(left) = r.held_after_close {
        println!(
            "  server RSS after close     {} ({left} sockets left)",
            mib(r.rss_after_close)
        );
    }
    println!(
        "  client process RSS         {} (bare WebSocket client, for reference)",
        mib(r.child_rss)
    );
    println!();
    match s.two_instances {
        true => println!(
            "== notify on A -> Redis -> client on B receives `notification` (same process, same clock) =="
        ),
        false => {
            println!("== notify -> client receives `notification` (same process, same clock) ==");
        }
    }
    println!(
        "  {:<28} {:>6} {:>5} {:>10} {:>10} {:>10} {:>10}",
        "run", "n", "lost", "p50", "p90", "p99", "max"
    );
    let mut sequential = r.sequential.clone();
    println!(
        "  {:<28} {:>6} {:>5} {}",
        "one at a time",
        sequential.len(),
        r.sequential_lost,
        percentiles(&mut sequential)
    );
    let mut burst = r.burst.clone();
    println!(
        "  {:<28} {:>6} {:>5} {}",
        "burst (all sent back to back)",
        burst.len(),
        r.burst_lost,
        percentiles(&mut burst)
    );
    if let Some(send) = r.burst_send {
        println!(
            "  burst: {} notify() calls took {} in total",
            s.notifications,
            fmt_nanos(u64::try_from(send.as_nanos()).unwrap_or(u64::MAX))
        );
    }
    for note in &r.notes {
        println!("  NOTE: {note}");
    }
}
