//! Two application instances on one database, as two server processes behind a load balancer
//! would be: what lives in PostgreSQL (per-phone limits, sessions) holds across both.
#![allow(clippy::unwrap_used)]

mod api;

use actix_web::http::{Method, StatusCode};
use alpha_testkit::{TestApp, TestDb};
use api::{CLIENT, call, post_json, settings, test_mode, with_bearer};
use serde_json::json;

fn send(phone: &str, from: &str) -> actix_http::Request {
    post_json("/api/v1/otp/send", &json!({"phone": phone}), from)
}

#[actix_web::test]
async fn the_per_phone_limit_counts_sends_on_both_instances() {
    let mut env = test_mode();
    env.extend([
        ("OTP_PHONE_RATE_LIMIT_MAX", "2"),
        ("ALPHA__OTP__IP_SEND_LIMIT", "100"),
    ]);
    let t = TestApp::on(TestDb::new().await, settings(&env)).await;
    let a = t.http().await;
    let b = t.another_instance().await;
    // A real number (test numbers are exempt), from two client addresses so only the phone's
    // budget is shared.
    let (status, body, _) = call(&a, send("+99365123456", CLIENT)).await;
    assert!(status.is_success(), "{status} {body}");
    let (status, body, _) = call(&b, send("+99365123456", "203.0.113.7:1000")).await;
    assert!(status.is_success(), "{status} {body}");
    let (status, body, headers) = call(&a, send("+99365123456", "203.0.113.8:1000")).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(headers.contains_key("retry-after"));
    let (status, _, _) = call(&b, send("+99365123456", "203.0.113.9:1000")).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // Another phone has its own budget.
    let (status, _, _) = call(&b, send("+99365123457", CLIENT)).await;
    assert!(status.is_success());
}

#[actix_web::test]
async fn a_logout_on_one_instance_ends_the_session_on_the_other() {
    let t = TestApp::on(TestDb::new().await, settings(&test_mode())).await;
    let a = t.http().await;
    let b = t.another_instance().await;
    let (access, refresh) = t.login(&a, "99361999999").await;
    let me = || with_bearer(Method::GET, "/api/v1/auth/me", &access).to_request();
    assert_eq!(
        call(&b, me()).await.0,
        StatusCode::OK,
        "a session made on A works on B"
    );

    let (status, _, _) = call(
        &a,
        with_bearer(Method::POST, "/api/v1/auth/logout", &access).to_request(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body, _) = call(&b, me()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["code"], "TOKEN_INVALID");
    let (status, _, _) = call(
        &b,
        with_bearer(Method::POST, "/api/v1/auth/refresh", &refresh).to_request(),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "nor can it be refreshed there"
    );
}
