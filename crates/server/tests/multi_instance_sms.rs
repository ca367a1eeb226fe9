//! Two application instances on one database, each with its own SMS-device gateway and queue
//! worker, as two server processes behind a load balancer: a code requested on one is sent by a
//! device connected to the other, and a device lost on one is replaced by a device on the other.
#![allow(clippy::unwrap_used)]

mod api;

use std::time::{Duration, Instant};

use actix_web::http::StatusCode;
use alpha_device_sim::{AckPolicy, Simulator};
use alpha_testkit::TestDb;
use api::sms::{self, Row, device, wait_status};
use api::{CLIENT, TestApp, call, code_in, post_json, settings};
use diesel::QueryableByName;
use diesel::sql_types::BigInt;
use diesel_async::RunQueryDsl;
use serde_json::json;

/// Faster timeouts and polls than the defaults, so hand-overs happen within a test.
fn env() -> Vec<(&'static str, &'static str)> {
    let mut env = sms::env("2");
    env.extend([
        ("ALPHA__SMS__QUEUE_POLL_MS", "200"),
        ("ALPHA__SMS__LEASE_GRACE_SECS", "1"),
    ]);
    env
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

async fn queued(db: &TestDb) -> i64 {
    let mut conn = db.conn().await;
    let rows: Vec<Count> = diesel::sql_query("SELECT count(*) AS n FROM sms_queue")
        .load(&mut conn)
        .await
        .unwrap();
    rows[0].n
}

async fn send_code<S, B>(app: &S, phone: &str) -> String
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let (status, body, _) = call(
        app,
        post_json("/api/v1/otp/send", &json!({"phone": phone}), CLIENT),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["smsDispatched"], true, "{body}");
    body["requestId"].as_str().unwrap().to_owned()
}

/// Two instances; A's device never acknowledges, B's does.
async fn silent_device_on_a_answering_one_on_b() -> (TestApp, TestApp, Simulator, Simulator) {
    let a = TestApp::on(TestDb::new().await, settings(&env())).await;
    let b = a.another_served_instance().await;
    let silent = AckPolicy {
        never_ack: true,
        ..AckPolicy::default()
    };
    let phone_on_a = Simulator::start(device(&a.sms_url, "pixel-a", silent))
        .await
        .unwrap();
    let phone_on_b = Simulator::start(device(&b.sms_url, "pixel-b", AckPolicy::default()))
        .await
        .unwrap();
    (a, b, phone_on_a, phone_on_b)
}

#[actix_web::test]
async fn a_code_requested_on_one_instance_is_sent_by_a_device_on_the_other() {
    let a = TestApp::on(TestDb::new().await, settings(&env())).await;
    let b = a.another_served_instance().await;
    let mut phone_on_b = Simulator::start(device(&b.sms_url, "pixel-b", AckPolicy::default()))
        .await
        .unwrap();
    let http_a = a.http().await;

    let started = Instant::now();
    let request_id = send_code(&http_a, "+99365123456").await;
    let sms = phone_on_b
        .next_sms_within(Duration::from_secs(5))
        .await
        .expect("the device on B gets the code requested on A");
    // Woken by NOTIFY, not by the poll: well under a poll interval plus a claim.
    let waited = started.elapsed();
    assert_eq!(sms.phone, "+99365123456");
    assert!(sms.message_id.is_some());
    wait_status(a.db(), &request_id, "sent").await;
    assert_eq!(queued(a.db()).await, 0, "a sent message leaves the queue");

    let (status, body, _) = call(
        &http_a,
        post_json(
            "/api/v1/otp/verify",
            &json!({"phone": "99365123456", "otp": code_in(&sms.text)}),
            CLIENT,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(waited < Duration::from_secs(3), "took {waited:?}");
    phone_on_b.stop().await.unwrap();
}

#[actix_web::test]
async fn a_device_killed_mid_dispatch_on_one_instance_is_replaced_by_a_device_on_the_other() {
    let (a, _b, mut phone_on_a, mut phone_on_b) = silent_device_on_a_answering_one_on_b().await;
    let http_a = a.http().await;

    let request_id = send_code(&http_a, "+99365123457").await;
    let first = phone_on_a
        .next_sms_within(Duration::from_secs(5))
        .await
        .expect("A's own device is tried first");
    // The phone dies before acknowledging.
    phone_on_a.stop().await.unwrap();
    let second = phone_on_b
        .next_sms_within(Duration::from_secs(5))
        .await
        .expect("B's device gets the code");
    assert_eq!(second.text, first.text);
    assert_eq!(second.message_id, first.message_id, "the same message");
    assert_ne!(second.correlation_id, first.correlation_id, "a new attempt");
    wait_status(a.db(), &request_id, "sent").await;

    let mut conn = a.db().conn().await;
    let log: Vec<Row> = diesel::sql_query(format!(
        "SELECT string_agg(device_id || ':' || attempt || ':' || status, ',' ORDER BY attempt) AS v \
         FROM sms_messages WHERE otp_id = '{request_id}'"
    ))
    .load(&mut conn)
    .await
    .unwrap();
    assert_eq!(log[0].v, "pixel-a:1:disconnected,pixel-b:2:sent");
    phone_on_b.stop().await.unwrap();
}

#[actix_web::test]
async fn a_timeout_on_one_instance_hands_the_code_to_the_other() {
    let (a, b, mut phone_on_a, mut phone_on_b) = silent_device_on_a_answering_one_on_b().await;
    let http_a = a.http().await;
    let http_b = b.http().await;
    let request_id = send_code(&http_a, "+99365123458").await;
    phone_on_a
        .next_sms_within(Duration::from_secs(5))
        .await
        .expect("A's device first");
    let started = Instant::now();
    let retried = phone_on_b
        .next_sms_within(Duration::from_secs(6))
        .await
        .expect("after A's ack timeout (2 s), B's device");
    assert!(
        started.elapsed() >= Duration::from_millis(1500),
        "not before the timeout"
    );
    wait_status(a.db(), &request_id, "sent").await;
    let (status, _, _) = call(
        &http_b,
        post_json(
            "/api/v1/otp/verify",
            &json!({"phone": "99365123458", "otp": code_in(&retried.text)}),
            CLIENT,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    phone_on_a.stop().await.unwrap();
    phone_on_b.stop().await.unwrap();
}

#[actix_web::test]
async fn with_no_device_on_any_instance_the_send_says_so_and_queues_nothing() {
    let a = TestApp::on(TestDb::new().await, settings(&env())).await;
    let _b = a.another_served_instance().await;
    let http_a = a.http().await;
    let (status, body, _) = call(
        &http_a,
        post_json(
            "/api/v1/otp/send",
            &json!({"phone": "+99365123459"}),
            CLIENT,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["smsDispatched"], false, "{body}");
    assert_eq!(queued(a.db()).await, 0);
}
