//! `/metrics` scraped as Prometheus would, while a real login happens through the HTTP API and a
//! simulated SMS device: the OTP funnel counters, the request counters and latency histograms,
//! the device and socket gauges all move.
#![allow(clippy::unwrap_used)]

mod api;

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::{test, web};
use alpha_device_sim::{AckPolicy, SimConfig, Simulator};
use alpha_testkit::{TestDb, TestSocket};
use api::{CLIENT, TestApp, call, post_json, settings};
use serde_json::json;

const WAIT: Duration = Duration::from_secs(10);
const SHARED: &str = "shared-device-token-for-tests-0123456789";

/// The value of the sample `name{labels}` (labels as rendered, in order), or 0 when absent.
fn sample(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|line| {
            let (name, value) = line.rsplit_once(' ')?;
            (name == series)
                .then(|| value.parse::<f64>().ok())
                .flatten()
        })
        .unwrap_or(0.0)
}

async fn scrape(t: &TestApp) -> String {
    let app = test::init_service(alpha_server::metrics::app(web::Data::from(
        t.app.metrics.clone(),
    )))
    .await;
    let res = test::call_service(&app, test::TestRequest::get().uri("/metrics").to_request()).await;
    assert_eq!(res.status(), StatusCode::OK);
    let content_type = res
        .headers()
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    String::from_utf8(test::read_body(res).await.to_vec()).unwrap()
}

#[actix_web::test]
async fn a_login_moves_the_otp_funnel_and_the_request_metrics() {
    let t = TestApp::on(
        TestDb::new().await,
        settings(&[("SMS_DEVICE_AUTH_TOKEN", SHARED)]),
    )
    .await;
    let app = t.http().await;
    let mut config = SimConfig::new(&t.sms_url);
    config.token = Some(SHARED.to_owned());
    config.device_id = Some("pixel".to_owned());
    config.ack = AckPolicy {
        deliver: true,
        deliver_delay: Duration::from_millis(50),
        ..AckPolicy::default()
    };
    config.status_every = None;
    config.reconnect = false;
    let mut device = Simulator::start(config).await.unwrap();

    let before = scrape(&t).await;
    let stage =
        |text: &str, stage: &str| sample(text, &format!("otp_codes_total{{stage=\"{stage}\"}}"));

    let (status, _, _) = call(
        &app,
        post_json(
            "/api/v1/otp/send",
            &json!({"phone": "+99365123456"}),
            CLIENT,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let code = api::code_in(&device.next_sms_within(WAIT).await.unwrap().text);
    let (status, tokens, _) = call(
        &app,
        post_json(
            "/api/v1/otp/verify",
            &json!({"phone": "99365123456", "otp": code}),
            CLIENT,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    // A second verify of the used code finds no live one.
    let (status, _, _) = call(
        &app,
        post_json(
            "/api/v1/otp/verify",
            &json!({"phone": "99365123456", "otp": code}),
            CLIENT,
        ),
    )
    .await;
    assert!(status.is_client_error());
    let socket = TestSocket::client(&t.clients_url, tokens["accessToken"].as_str().unwrap()).await;

    // The delivery report comes a moment after the ack.
    let deadline = tokio::time::Instant::now() + WAIT;
    let after = loop {
        let now = scrape(&t).await;
        if stage(&now, "delivered") > stage(&before, "delivered")
            || tokio::time::Instant::now() > deadline
        {
            break now;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    for name in ["sent", "dispatched", "delivered", "verified", "expired"] {
        assert_eq!(
            stage(&after, name) - stage(&before, name),
            1.0,
            "{name}:\n{after}"
        );
    }
    assert_eq!(stage(&after, "failed"), stage(&before, "failed"));

    let requests =
        "http_requests_total{method=\"POST\",route=\"/api/v1/otp/verify\",status=\"200\"}";
    assert!(sample(&after, requests) >= 1.0, "{after}");
    assert!(
        sample(
            &after,
            "http_request_duration_seconds_count{method=\"POST\",route=\"/api/v1/otp/send\"}"
        ) >= 1.0,
        "{after}"
    );
    assert!(after.contains("http_request_duration_seconds_bucket{method=\"POST\",route=\"/api/v1/otp/send\",le=\"0.005\"}"), "a histogram, with buckets");
    assert!(
        sample(
            &after,
            "sms_device_outcomes_total{device=\"pixel\",outcome=\"ack\"}"
        ) >= 1.0,
        "{after}"
    );
    assert_eq!(sample(&after, "sms_devices_connected"), 1.0);
    assert_eq!(
        sample(&after, "sms_device_in_flight{device=\"pixel\"}"),
        0.0
    );
    assert!(after.contains("sms_device_last_seen_seconds{device=\"pixel\"}"));
    assert_eq!(sample(&after, "client_sockets"), 1.0);
    assert!(after.contains("db_pool_connections{state=\"in_use\"}"));
    assert_eq!(sample(&after, "db_pool_max_connections"), 8.0);
    assert_eq!(sample(&after, "push_outbox_depth"), 0.0);
    assert!(after.contains("push_outbox_due 0"), "{after}");
    // No raw path ever becomes a label.
    let (status, _, _) = call(&app, api::get("/api/v1/no/such/route/123")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let last = scrape(&t).await;
    assert!(!last.contains("/no/such/route"), "{last}");
    assert!(
        sample(
            &last,
            "http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"}"
        ) >= 1.0
    );

    socket.close().await;
    device.stop().await.unwrap();
}
