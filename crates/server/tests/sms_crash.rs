//! The real binary killed (SIGKILL) with 50 codes in flight, then started again: every code that
//! is still valid reaches the device, and none that the device had acknowledged comes back.
//! A code the device got but whose ack died with the process is offered again under the same
//! `messageId`, which a device recognises (it acknowledges without sending a second SMS).
#![allow(clippy::unwrap_used, clippy::print_stderr)]

mod support;

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use alpha_device_sim::{AckPolicy, ReceivedSms, SimConfig, Simulator};
use alpha_testkit::TestDb;
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Text};
use diesel_async::RunQueryDsl;
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use support::{Server, command, free_port, post_json, shared_tempdir, spawn, wait_ready};

const SHARED: &str = "shared-device-token-for-tests-0123456789";
const CODES: usize = 50;

struct Ports {
    http: u16,
    sms: u16,
    clients: u16,
}

fn start(db: &TestDb, ports: &Ports, log: std::path::PathBuf) -> Server {
    let mut cmd = command(&log);
    cmd.arg("serve")
        .env("DATABASE_URL", db.url())
        .env("PORT", ports.http.to_string())
        .env("ALPHA__GATEWAYS__SMS_PORT", ports.sms.to_string())
        .env("ALPHA__GATEWAYS__CLIENT_PORT", ports.clients.to_string())
        .env("SMS_DEVICE_AUTH_TOKEN", SHARED)
        .env("SMS_ACK_TIMEOUT_SECONDS", "2")
        .env("ALPHA__SMS__LEASE_GRACE_SECS", "1")
        .env("ALPHA__SMS__QUEUE_POLL_MS", "200")
        .env("ALPHA__OTP__IP_SEND_LIMIT", "100000")
        .env("OTP_PHONE_RATE_LIMIT_MAX", "100000");
    let mut server = spawn(cmd, ports.http, log);
    wait_ready(&mut server, Duration::from_secs(60));
    server
}

fn device(port: u16) -> SimConfig {
    let mut config = SimConfig::new(format!("http://127.0.0.1:{port}"));
    config.token = Some(SHARED.to_owned());
    config.device_id = Some("pixel-crash".to_owned());
    // Slow enough that the kill finds codes received and not yet acknowledged.
    config.ack = AckPolicy {
        ack_delay: Duration::from_millis(150),
        ..AckPolicy::default()
    };
    config.status_every = None;
    config.reconnect = false;
    config
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    v: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

async fn phones_with_status(db: &TestDb, statuses: &str) -> HashSet<String> {
    let mut conn = db.conn().await;
    let rows: Vec<Row> = diesel::sql_query(format!(
        r#"SELECT phone AS v FROM otp_codes WHERE "dispatchStatus"::text IN ({statuses})"#
    ))
    .load(&mut conn)
    .await
    .unwrap();
    rows.into_iter().map(|r| r.v).collect()
}

async fn queued(db: &TestDb) -> i64 {
    let mut conn = db.conn().await;
    let rows: Vec<Count> = diesel::sql_query("SELECT count(*) AS n FROM sms_queue")
        .load(&mut conn)
        .await
        .unwrap();
    rows[0].n
}

fn drain(sim: &mut Simulator, into: &mut Vec<ReceivedSms>) {
    while let Ok(sms) = sim.messages.try_recv() {
        into.push(sms);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_killed_with_codes_in_flight_loses_none_and_sends_none_twice() {
    let db = TestDb::new().await;
    let dir = shared_tempdir();
    let ports = Ports {
        http: free_port(),
        sms: free_port(),
        clients: free_port(),
    };
    let first = start(&db, &ports, dir.path().join("first.log"));
    let mut phone = Simulator::start(device(ports.sms)).await.unwrap();

    let phones: Vec<String> = (0..CODES).map(|i| format!("+993651{i:05}")).collect();
    let http = ports.http;
    let sent = tokio::task::spawn_blocking({
        let phones = phones.clone();
        move || {
            phones
                .iter()
                .map(|p| post_json(http, "/api/v1/otp/send", &format!(r#"{{"phone":"{p}"}}"#)))
                .collect::<Vec<_>>()
        }
    })
    .await
    .unwrap();
    // Killed the moment the last code is accepted: the device is still working through them.
    kill(
        Pid::from_raw(i32::try_from(first.child.id()).unwrap()),
        Signal::SIGKILL,
    )
    .unwrap();
    for answer in &sent {
        let (status, body) = answer.as_ref().expect("an answer to every send");
        assert_eq!(*status, 200, "{body}");
        assert!(body.contains(r#""smsDispatched":true"#), "{body}");
    }
    drop(first);

    // What the device had and what the server had heard back when it died.
    let mut before = Vec::new();
    tokio::time::sleep(Duration::from_millis(300)).await;
    drain(&mut phone, &mut before);
    let acked_before = phones_with_status(&db, "'sent','delivered'").await;
    let _ = phone.stop().await;

    let second = start(&db, &ports, dir.path().join("second.log"));
    let mut phone = Simulator::start(device(ports.sms)).await.unwrap();
    let mut after = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        drain(&mut phone, &mut after);
        let done = phones_with_status(&db, "'sent','delivered'").await;
        if done.len() == CODES && queued(&db).await == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "only {} of {CODES} codes sent after the restart; {} still queued\n{}",
            done.len(),
            queued(&db).await,
            second.log_text()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Anything still on its way to the device arrives now.
    tokio::time::sleep(Duration::from_millis(500)).await;
    drain(&mut phone, &mut after);
    phone.stop().await.unwrap();

    // Every code reached the device.
    let reached: HashSet<&str> = before
        .iter()
        .chain(&after)
        .map(|s| s.phone.as_str())
        .collect();
    assert_eq!(reached.len(), CODES, "every code reached the device");

    // A code the server knew to be sent before it died is never offered again.
    let offered_again: Vec<&str> = after
        .iter()
        .filter(|s| acked_before.contains(&s.phone))
        .map(|s| s.phone.as_str())
        .collect();
    assert!(
        offered_again.is_empty(),
        "sent before the kill, offered again: {offered_again:?}"
    );

    // Each message is one SMS: a message offered twice carries the same messageId both times.
    let mut per_message: HashMap<&str, HashSet<&str>> = HashMap::new();
    for sms in before.iter().chain(&after) {
        per_message
            .entry(sms.message_id.as_deref().unwrap())
            .or_default()
            .insert(sms.phone.as_str());
    }
    assert_eq!(per_message.len(), CODES, "one message per code");
    assert!(per_message.values().all(|p| p.len() == 1));
    let repeats = (before.len() + after.len()) - CODES;
    eprintln!(
        "crash test: {} codes acked before the kill, {} received unacked, {} queued untouched, \
         {repeats} offered again under the same messageId",
        acked_before.len(),
        before.len() - acked_before.len().min(before.len()),
        CODES - before.len(),
    );
    // Only those whose ack died with the first process can come twice.
    assert!(repeats <= before.len() - acked_before.len().min(before.len()));
}
