//! Two application instances on one database, as two server processes behind a load balancer
//! would be: what lives in PostgreSQL (per-phone limits, sessions) holds across both; with
//! `REDIS_URL`, so do client sockets (notifications, chat, session revocations).
#![allow(clippy::unwrap_used)]

mod api;

use std::time::Duration;

use actix_web::http::{Method, StatusCode};
use alpha_kernel::{UserId, UserNotifier};
use alpha_testkit::{RestartableRedis, TestApp, TestDb, TestSocket, test_redis_url};
use api::{CLIENT, call, post_json, settings, test_mode, uuid_of, with_bearer};
use serde_json::{Value, json};

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

/// Test mode, and revalidation far off, so only a broadcast can close a socket in time.
fn sockets_env(redis_url: Option<&str>) -> Vec<(&str, &str)> {
    let mut env = test_mode();
    env.extend([
        ("ALPHA__OTP__IP_SEND_LIMIT", "1000"),
        ("ALPHA__OTP__IP_VERIFY_LIMIT", "1000"),
        ("ALPHA__GATEWAYS__CLIENT_REVALIDATE_MS", "600000"),
    ]);
    if let Some(url) = redis_url {
        env.push(("REDIS_URL", url));
    }
    env
}

/// Instances A and B on one database (and one Redis when `redis_url` is given), both served.
async fn two_instances(redis_url: Option<&str>) -> (TestApp, TestApp) {
    let a = TestApp::on(TestDb::new().await, settings(&sockets_env(redis_url))).await;
    let b = a.another_served_instance().await;
    (a, b)
}

#[actix_web::test]
async fn with_redis_a_notification_caused_on_a_reaches_the_users_socket_on_b() {
    let (a, b) = two_instances(Some(&test_redis_url())).await;
    let http = a.http().await;
    let (access, _) = a.login(&http, "99361999999").await;
    let (other_access, _) = a.login(&http, "99361999991").await;
    let user = UserId(uuid_of(&http, &access).await.parse().unwrap());
    let mut on_b = TestSocket::client(&b.clients_url, &access).await;
    let mut on_a = TestSocket::client(&a.clients_url, &access).await;
    let mut someone_else = TestSocket::client(&b.clients_url, &other_access).await;

    let payload = json!({"title": "New BMW X5 listed", "body": "Tap", "data": {}});
    a.app
        .notifier
        .notify(user, "notification", payload.clone())
        .await;
    assert_eq!(on_b.next("notification").await, payload, "B's socket");
    assert_eq!(on_a.next("notification").await, payload, "A's own socket");
    someone_else.never("notification").await;

    // And the other way round, in order.
    for n in 0..3 {
        b.app
            .notifier
            .notify(user, "notification", json!({"n": n}))
            .await;
    }
    for n in 0..3 {
        assert_eq!(on_a.next("notification").await, json!({"n": n}));
    }

    for socket in [on_a, on_b, someone_else] {
        socket.close().await;
    }
    b.stop().await;
    a.stop().await;
}

#[actix_web::test]
async fn with_redis_a_logout_on_a_closes_the_sessions_socket_on_b_at_once() {
    let (a, b) = two_instances(Some(&test_redis_url())).await;
    let http = a.http().await;
    let (phone, _) = a.login(&http, "99361999999").await;
    let (tablet, _) = a.login(&http, "99361999999").await;
    let mut phone_on_b = TestSocket::client(&b.clients_url, &phone).await;
    let mut tablet_on_b = TestSocket::client(&b.clients_url, &tablet).await;

    let (status, _, _) = call(
        &http,
        with_bearer(Method::POST, "/api/v1/auth/logout", &phone).to_request(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    phone_on_b
        .next_within("close", Duration::from_secs(1))
        .await;
    tablet_on_b
        .never_within("close", Duration::from_millis(500))
        .await;

    tablet_on_b.close().await;
    b.stop().await;
    a.stop().await;
}

#[actix_web::test]
async fn with_redis_a_chat_message_sent_on_a_reaches_the_recipient_and_the_senders_devices_on_b() {
    let (a, b) = two_instances(Some(&test_redis_url())).await;
    let http = a.http().await;
    let (sender, _) = a.login(&http, "99361999999").await;
    let (sender_tablet, _) = a.login(&http, "99361999999").await;
    let (recipient, _) = a.login(&http, "99361999991").await;
    let recipient_id = UserId(uuid_of(&http, &recipient).await.parse().unwrap());
    let mut from_a = TestSocket::client(&a.clients_url, &sender).await;
    let mut tablet_on_b = TestSocket::client(&b.clients_url, &sender_tablet).await;
    let mut to_on_b = TestSocket::client(&b.clients_url, &recipient).await;

    from_a
        .emit(
            "chat message",
            json!({"to": recipient_id.0.to_string(), "text": "Is it still for sale?"}),
        )
        .await;
    let sent = from_a.next("chat:sent").await;
    let received = to_on_b.next("chat message").await;
    assert_eq!(received["text"], "Is it still for sale?");
    assert_eq!(received["id"], sent["id"]);
    let echo = tablet_on_b.next("chat message").await;
    assert_eq!(echo["id"], sent["id"]);
    from_a.never("chat message").await;

    for socket in [from_a, tablet_on_b, to_on_b] {
        socket.close().await;
    }
    b.stop().await;
    a.stop().await;
}

#[actix_web::test]
async fn without_redis_a_notification_stays_on_its_instance() {
    let (a, b) = two_instances(None).await;
    let http = a.http().await;
    let (access, _) = a.login(&http, "99361999999").await;
    let user = UserId(uuid_of(&http, &access).await.parse().unwrap());
    let mut on_a = TestSocket::client(&a.clients_url, &access).await;
    let mut on_b = TestSocket::client(&b.clients_url, &access).await;
    assert!(!a.app.notifier.across_instances());

    a.app
        .notifier
        .notify(user, "notification", json!({"n": 1}))
        .await;
    assert_eq!(on_a.next("notification").await, json!({"n": 1}));
    on_b.never("notification").await;

    on_a.close().await;
    on_b.close().await;
    b.stop().await;
    a.stop().await;
}

#[actix_web::test]
async fn with_redis_down_the_instance_still_serves_its_own_sockets() {
    // A port nothing listens on: Redis "down" from the start.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("redis://127.0.0.1:{port}");
    let a = TestApp::on(TestDb::new().await, settings(&sockets_env(Some(&url)))).await;
    let http = a.http().await;
    let (access, _) = a.login(&http, "99361999999").await;
    let user = UserId(uuid_of(&http, &access).await.parse().unwrap());
    let mut socket = TestSocket::client(&a.clients_url, &access).await;
    assert!(a.app.notifier.across_instances());

    for n in 0..2 {
        a.app
            .notifier
            .notify(user, "notification", json!({"n": n}))
            .await;
        let got: Value = socket.next("notification").await;
        assert_eq!(got, json!({"n": n}));
    }
    socket.close().await;
    a.stop().await;
}

/// Notifies `user` on `from` (payload `{"from": tag}`) every 250 ms until `socket` receives one
/// of them, for at most `within`; returns how long that took. Other notifications are skipped.
async fn notify_until_received(
    (from, tag): (&TestApp, &str),
    user: UserId,
    socket: &mut TestSocket,
    within: Duration,
) -> Option<Duration> {
    let started = std::time::Instant::now();
    while started.elapsed() < within {
        from.app
            .notifier
            .notify(user, "notification", json!({ "from": tag }))
            .await;
        while let Some(got) = socket
            .next_if_within("notification", Duration::from_millis(250))
            .await
        {
            if got["from"] == tag {
                return Some(started.elapsed());
            }
        }
    }
    None
}

#[actix_web::test]
async fn after_a_redis_restart_notifications_cross_instances_again() {
    let mut redis = RestartableRedis::start();
    let (a, b) = two_instances(Some(&redis.url())).await;
    let http = a.http().await;
    let (access, _) = a.login(&http, "99361999999").await;
    let user = UserId(uuid_of(&http, &access).await.parse().unwrap());
    let mut on_a = TestSocket::client(&a.clients_url, &access).await;
    let mut on_b = TestSocket::client(&b.clients_url, &access).await;
    a.app
        .notifier
        .notify(user, "notification", json!({"n": "before"}))
        .await;
    assert_eq!(on_b.next("notification").await, json!({"n": "before"}));
    assert_eq!(on_a.next("notification").await, json!({"n": "before"}));

    // Redis dies (every subscription with it) and comes back empty on the same address.
    redis.kill();
    a.app
        .notifier
        .notify(user, "notification", json!({"n": "while down"}))
        .await;
    assert_eq!(
        on_a.next("notification").await,
        json!({"n": "while down"}),
        "with Redis down, A still reaches its own socket"
    );
    redis.start_again();

    // Both instances reconnect and B subscribes again; no restart of either instance.
    let within = Duration::from_secs(20);
    let a_to_b = notify_until_received((&a, "A"), user, &mut on_b, within).await;
    assert!(
        a_to_b.is_some(),
        "B never heard from A again after the Redis restart"
    );
    // And the other way round; A's socket also holds A's own notifications, which are skipped.
    let b_to_a = notify_until_received((&b, "B"), user, &mut on_a, within).await;
    assert!(
        b_to_a.is_some(),
        "A never heard from B again after the Redis restart"
    );
    eprintln!("after the Redis restart: A->B crossed again in {a_to_b:?}, then B->A in {b_to_a:?}");

    on_a.close().await;
    on_b.close().await;
    b.stop().await;
    a.stop().await;
}
