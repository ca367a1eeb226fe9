//! How long a code takes to reach a device: N concurrent `POST /otp/send` for distinct real
//! numbers, one simulated device; for each, the time from the HTTP call to the device receiving
//! `sms:send`. Prints p50/p90/p99/max and checks every message arrived exactly once.
//!
//! Run: `cargo bench -p alpha-server --bench sms_latency` (or `just bench-sms`); `SMS_BENCH_N`
//! sets the number of sends (default 200).
#![allow(clippy::unwrap_used, clippy::print_stdout, clippy::expect_used)]

#[path = "../tests/api/mod.rs"]
mod api;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use alpha_device_sim::{AckPolicy, SimConfig, Simulator};
use alpha_testkit::TestDb;
use api::{CLIENT, TestApp, call, post_json, settings};
use futures_util::future::join_all;
use serde_json::json;

const SHARED: &str = "shared-device-token-for-the-benchmark-0123";

fn main() {
    let n: usize = std::env::var("SMS_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let system = actix_web::rt::System::new();
    system.block_on(run(n));
}

async fn run(n: usize) {
    let settings = settings(&[
        ("SMS_DEVICE_AUTH_TOKEN", SHARED),
        ("ALPHA__OTP__IP_SEND_LIMIT", "1000000"),
        ("RUST_LOG", "warn"),
    ]);
    let sms = TestApp::on(TestDb::new().await, settings).await;
    let app = sms.http().await;
    let mut config = SimConfig::new(&sms.sms_url);
    config.token = Some(SHARED.to_owned());
    config.device_id = Some("bench-device".to_owned());
    config.ack = AckPolicy::default();
    config.status_every = None;
    config.reconnect = false;
    let mut device = Simulator::start(config).await.expect("device registers");

    let phones: Vec<String> = (0..n).map(|i| format!("+99365{i:06}")).collect();
    let started_all = Instant::now();
    let sent_at: Vec<(String, Instant)> = join_all(phones.iter().map(|phone| {
        let app = &app;
        async move {
            let at = Instant::now();
            let (status, body, _) = call(
                app,
                post_json("/api/v1/otp/send", &json!({ "phone": phone }), CLIENT),
            )
            .await;
            assert!(
                status.is_success() && body["smsDispatched"] == true,
                "{status} {body}"
            );
            (phone.clone(), at)
        }
    }))
    .await;
    let http_done = started_all.elapsed();
    let sent_at: HashMap<String, Instant> = sent_at.into_iter().collect();

    let mut latencies = Vec::with_capacity(n);
    let mut seen = HashMap::new();
    while latencies.len() < n {
        let msg = device
            .next_sms_within(Duration::from_secs(30))
            .await
            .unwrap_or_else(|| panic!("only {} of {n} messages arrived", latencies.len()));
        *seen.entry(msg.phone.clone()).or_insert(0) += 1;
        latencies.push(msg.received_at.duration_since(sent_at[&msg.phone]));
    }
    let all_done = started_all.elapsed();
    assert!(
        device
            .next_sms_within(Duration::from_millis(500))
            .await
            .is_none(),
        "duplicates"
    );
    assert!(
        seen.values().all(|&c| c == 1) && seen.len() == n,
        "each phone exactly once"
    );
    report(&format!("{n} concurrent /otp/send, one device"), latencies);
    println!(
        "  all HTTP responses in {http_done:.2?}; all {n} messages at the device in {all_done:.2?}"
    );
    println!("  delivered exactly once: {} of {n}", seen.len());

    // Unloaded: one request at a time, so the figure is the path itself, not a queue.
    let mut latencies = Vec::new();
    for i in 0..50 {
        let phone = format!("+99364{i:06}");
        let at = Instant::now();
        let (status, body, _) = call(
            &app,
            post_json("/api/v1/otp/send", &json!({ "phone": phone }), CLIENT),
        )
        .await;
        assert!(
            status.is_success() && body["smsDispatched"] == true,
            "{status} {body}"
        );
        let msg = device
            .next_sms_within(Duration::from_secs(10))
            .await
            .expect("message arrives");
        assert_eq!(msg.phone, phone);
        latencies.push(msg.received_at.duration_since(at));
    }
    report("50 sequential /otp/send, one device", latencies);
    device.stop().await.unwrap();
}

fn report(what: &str, mut latencies: Vec<Duration>) {
    latencies.sort();
    let n = latencies.len();
    let pct = |p: f64| latencies[((n as f64 * p).ceil() as usize).clamp(1, n) - 1];
    println!("sms_latency: {what}: HTTP call -> device receives sms:send");
    println!(
        "  p50 {:>8.2?}  p90 {:>8.2?}  p99 {:>8.2?}  max {:>8.2?}",
        pct(0.50),
        pct(0.90),
        pct(0.99),
        pct(1.0)
    );
}
