//! The client gateway as `serve` wires it: HTTP logout closes that session's sockets, and a
//! device's acknowledgement reaches the user's sockets as `otp:delivered`.
#![allow(clippy::unwrap_used)]

mod api;

use std::time::Duration;

use actix_web::http::{Method, StatusCode};
use alpha_device_sim::{AckPolicy, SimConfig, Simulator};
use alpha_testkit::{TestDb, TestSocket};
use api::{CLIENT, TestApp, call, login, post_json, settings, with_bearer};
use diesel_async::SimpleAsyncConnection;
use serde_json::json;

const WAIT: Duration = Duration::from_secs(10);
const SHARED: &str = "shared-device-token-for-tests-0123456789";

fn env() -> Vec<(&'static str, &'static str)> {
    vec![
        ("OTP_TEST_MODE", "true"),
        ("SMS_DEVICE_AUTH_TOKEN", SHARED),
        ("ALPHA__OTP__IP_SEND_LIMIT", "1000"),
        ("ALPHA__OTP__IP_VERIFY_LIMIT", "1000"),
        // Short, so tests see a deletion's effect quickly.
        ("ALPHA__GATEWAYS__CLIENT_REVALIDATE_MS", "300"),
    ]
}

#[actix_web::test]
async fn logout_closes_that_sessions_sockets_within_a_second_and_no_others() {
    let stack = TestApp::on(TestDb::new().await, settings(&env())).await;
    let app = stack.http().await;
    let (phone_access, _) = login(&app, "99361999999").await;
    let (tablet_access, _) = login(&app, "99361999999").await;
    let mut phone = TestSocket::client(&stack.clients_url, &phone_access).await;
    let mut tablet = TestSocket::client(&stack.clients_url, &tablet_access).await;

    let (status, _, _) = call(
        &app,
        with_bearer(Method::POST, "/api/v1/auth/logout", &phone_access).to_request(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    phone.next_within("close", Duration::from_secs(1)).await;
    tablet
        .never_within("close", Duration::from_millis(500))
        .await;
    tablet.close().await;
}

#[actix_web::test]
async fn a_devices_ack_reaches_the_users_sockets_as_otp_delivered() {
    let stack = TestApp::on(TestDb::new().await, settings(&env())).await;
    let app = stack.http().await;
    // A user of a real (non-test) number, logged in on one device, asks for a new code (e.g. to
    // log in on a second device): the first device hears when the SMS has gone out.
    let mut config = SimConfig::new(&stack.sms_url);
    config.token = Some(SHARED.to_owned());
    config.device_id = Some("pixel".to_owned());
    config.ack = AckPolicy::default();
    config.status_every = None;
    config.reconnect = false;
    let mut device = Simulator::start(config).await.unwrap();

    let (_, body, _) = call(
        &app,
        post_json(
            "/api/v1/otp/send",
            &json!({"phone": "+99365123456"}),
            CLIENT,
        ),
    )
    .await;
    let code = api::code_in(&device.next_sms_within(WAIT).await.unwrap().text);
    assert!(body["requestId"].is_string());
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
    let mut socket =
        TestSocket::client(&stack.clients_url, tokens["accessToken"].as_str().unwrap()).await;

    let (_, second, _) = call(
        &app,
        post_json(
            "/api/v1/otp/send",
            &json!({"phone": "+99365123456"}),
            CLIENT,
        ),
    )
    .await;
    device.next_sms_within(WAIT).await.unwrap();
    let delivered = socket.next_within("otp:delivered", WAIT).await;
    assert_eq!(delivered["requestId"], second["requestId"]);
    assert_eq!(delivered["phone"], "+99365123456");
    socket.close().await;
    device.stop().await.unwrap();
}

#[actix_web::test]
async fn chat_goes_from_one_user_to_the_other_through_the_served_gateway() {
    let stack = TestApp::on(TestDb::new().await, settings(&env())).await;
    let app = stack.http().await;
    let (a_token, _) = login(&app, "99361999990").await;
    let (b_token, _) = login(&app, "99361999991").await;
    let (_, b_me, _) = call(
        &app,
        with_bearer(Method::GET, "/api/v1/auth/me", &b_token).to_request(),
    )
    .await;
    let mut a = TestSocket::client(&stack.clients_url, &a_token).await;
    let mut b = TestSocket::client(&stack.clients_url, &b_token).await;

    a.emit("chat message", json!({"to": b_me["uuid"], "text": "salam"}))
        .await;
    let sent = a.next_within("chat:sent", WAIT).await;
    let received = b.next_within("chat message", WAIT).await;
    assert_eq!(received["text"], "salam");
    assert_eq!(received["id"], sent["id"]);
    let (status, history, _) = call(
        &app,
        with_bearer(
            Method::GET,
            &format!("/api/v1/chat/{}/messages", b_me["uuid"].as_str().unwrap()),
            &a_token,
        )
        .to_request(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        history["messages"][0]["text"], "salam",
        "stored and readable over REST"
    );
    a.close().await;
    b.close().await;
}

/// A raw engine.io polling handshake with an `Origin`, as a browser would send it.
fn polling_handshake(url: &str, origin: &str) -> String {
    use std::io::{Read, Write};
    let addr = url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    // The server may keep the connection open after answering; the headers come at once.
    stream
        .set_read_timeout(Some(Duration::from_millis(1500)))
        .unwrap();
    write!(
        stream,
        "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: {addr}\r\nOrigin: {origin}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    String::from_utf8_lossy(&raw).to_lowercase()
}

#[actix_web::test]
async fn browser_origins_follow_the_configured_allow_list() {
    let mut env = env();
    env.push(("CORS_ALLOWED_ORIGINS", "https://admin.example.tm"));
    let stack = TestApp::on(TestDb::new().await, settings(&env)).await;
    let url = stack.clients_url.clone();
    let allowed = tokio::task::spawn_blocking({
        let url = url.clone();
        move || polling_handshake(&url, "https://admin.example.tm")
    })
    .await
    .unwrap();
    assert!(
        allowed.contains("access-control-allow-origin: https://admin.example.tm"),
        "{allowed}"
    );
    let refused =
        tokio::task::spawn_blocking(move || polling_handshake(&url, "https://evil.example"))
            .await
            .unwrap();
    assert!(
        !refused.contains("access-control-allow-origin"),
        "{refused}"
    );
}

#[actix_web::test]
async fn a_deleted_users_sockets_are_closed_promptly() {
    let stack = TestApp::on(TestDb::new().await, settings(&env())).await;
    let db = stack.db();
    let app = stack.http().await;
    let (access, _) = login(&app, "99361999999").await;
    let mut socket = TestSocket::client(&stack.clients_url, &access).await;
    db.conn()
        .await
        .batch_execute("DELETE FROM users")
        .await
        .unwrap();
    socket.next_within("close", Duration::from_secs(3)).await;
}

#[actix_web::test]
async fn refresh_token_reuse_closes_that_sessions_sockets() {
    let mut env = env();
    env.push(("REFRESH_REUSE_GRACE_SECONDS", "0"));
    let stack = TestApp::on(TestDb::new().await, settings(&env)).await;
    let app = stack.http().await;
    let (access, first_refresh) = login(&app, "99361999999").await;
    let mut socket = TestSocket::client(&stack.clients_url, &access).await;
    let refresh =
        |token: &str| with_bearer(Method::POST, "/api/v1/auth/refresh", token).to_request();
    assert_eq!(
        call(&app, refresh(&first_refresh)).await.0,
        StatusCode::CREATED
    );
    // Past the (zero-second) grace window without waiting for it.
    stack.clock().advance(Duration::from_secs(2));
    let (status, body, _) = call(&app, refresh(&first_refresh)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("TOKEN_REUSE"))
    );
    socket.next_within("close", Duration::from_secs(1)).await;
}
