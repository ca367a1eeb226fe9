//! `POST /otp/send` and `POST /otp/verify` through the real application and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::needless_pass_by_value)]

mod api;

use actix_web::http::StatusCode;
use alpha_testkit::TestDb;
use api::{CLIENT, TestApp, call, post_json, settings, test_mode};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Text};
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};
use futures_util::future::join_all;
use serde_json::{Value, json};

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

async fn text(db: &TestDb, sql: &str) -> String {
    let mut conn = db.conn().await;
    let rows: Vec<Row> = diesel::sql_query(sql).load(&mut conn).await.unwrap();
    rows.into_iter().next().map(|r| r.v).unwrap_or_default()
}

async fn count(db: &TestDb, sql: &str) -> i64 {
    let mut conn = db.conn().await;
    let rows: Vec<Count> = diesel::sql_query(sql).load(&mut conn).await.unwrap();
    rows[0].n
}

fn send(phone: Value) -> actix_http::Request {
    post_json("/api/v1/otp/send", &json!({ "phone": phone }), CLIENT)
}

fn verify(phone: &str, otp: Value) -> actix_http::Request {
    post_json(
        "/api/v1/otp/verify",
        &json!({ "phone": phone, "otp": otp }),
        CLIENT,
    )
}

/// Per-IP budgets high enough not to interfere with tests of other rules.
fn relaxed() -> Vec<(&'static str, &'static str)> {
    let mut env = test_mode();
    env.extend([
        ("ALPHA__OTP__IP_SEND_LIMIT", "1000"),
        ("ALPHA__OTP__IP_VERIFY_LIMIT", "1000"),
    ]);
    env
}

#[actix_web::test]
async fn send_answers_the_contract_fields_for_a_test_number() {
    let t = TestApp::on(TestDb::new().await, settings(&test_mode())).await;
    let db = t.db();
    let app = t.http().await;
    let (status, body, _) = call(&app, send(json!("99361999999"))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["message"], "Test OTP generated (use code 12345)");
    assert_eq!(body["phone"], "+99361999999");
    assert_eq!(body["smsDispatched"], false);
    assert_eq!(body["testCode"], "12345");
    let request_id = body["requestId"].as_str().unwrap();
    assert!(uuid::Uuid::parse_str(request_id).is_ok());
    let expires = body["expiresAt"].as_str().unwrap();
    assert!(expires.ends_with('Z') && expires.len() == 24, "{expires}");
    let status = text(
        db,
        &format!(r#"SELECT "dispatchStatus"::text AS v FROM otp_codes WHERE id = '{request_id}'"#),
    )
    .await;
    assert_eq!(status, "pending", "test numbers send no SMS");
}

#[actix_web::test]
async fn test_code_is_not_echoed_unless_configured() {
    let t = TestApp::on(TestDb::new().await, settings(&[("OTP_TEST_MODE", "true")])).await;
    let app = t.http().await;
    let (status, body, _) = call(&app, send(json!("99361999999"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.get("testCode").is_none(), "{body}");
}

#[actix_web::test]
async fn a_real_number_without_sms_device_is_not_dispatched_and_marked_failed() {
    let t = TestApp::on(TestDb::new().await, settings(&test_mode())).await;
    let db = t.db();
    let app = t.http().await;
    let (status, body, _) = call(&app, send(json!("+993 65 123456"))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["message"], "OTP generated (SMS device not connected)");
    assert_eq!(body["smsDispatched"], false);
    assert!(body.get("testCode").is_none());
    let id = body["requestId"].as_str().unwrap();
    let row = text(
        db,
        &format!(r#"SELECT "dispatchStatus"::text || ' ' || "codeHash" AS v FROM otp_codes WHERE id = '{id}'"#),
    )
    .await;
    assert!(
        row.starts_with("failed hmac-sha256:"),
        "status failed, code stored hashed: {row}"
    );
}

#[actix_web::test]
async fn bad_phones_are_400_otp_invalid_phone() {
    let t = TestApp::on(TestDb::new().await, settings(&relaxed())).await;
    let db = t.db();
    let app = t.http().await;
    for phone in [
        json!(null),
        json!(""),
        json!(99361999999_u64),
        json!("abc"),
        json!("+993 61 99999"),
        json!(["x"]),
    ] {
        let (status, body, _) = call(&app, send(phone.clone())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{phone}: {body}");
        assert_eq!(body["code"], "OTP_INVALID_PHONE", "{phone}");
    }
    let (status, body, _) = call(&app, post_json("/api/v1/otp/send", &json!({}), CLIENT)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("OTP_INVALID_PHONE"))
    );
    assert_eq!(count(db, "SELECT count(*) AS n FROM otp_codes").await, 0);
}

#[actix_web::test]
async fn per_phone_limit_is_429_otp_rate_limit_with_retry_after() {
    let t = TestApp::on(TestDb::new().await, settings(&relaxed())).await;
    let app = t.http().await;
    for _ in 0..3 {
        let (status, _, _) = call(&app, send(json!("99365123456"))).await;
        assert_eq!(status, StatusCode::OK);
    }
    let (status, body, headers) = call(&app, send(json!("+99365123456"))).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body["code"], "OTP_RATE_LIMIT");
    assert_eq!(
        body["message"],
        "Too many OTP requests for this phone. Please wait."
    );
    let retry: u64 = headers
        .get("retry-after")
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry));
    // Test numbers are exempt.
    for _ in 0..5 {
        let (status, _, _) = call(&app, send(json!("99361999999"))).await;
        assert_eq!(status, StatusCode::OK);
    }
}

#[actix_web::test]
async fn per_ip_limit_holds_across_two_instances_on_one_database() {
    let t = TestApp::on(TestDb::new().await, settings(&test_mode())).await;
    let first = t.http().await;
    let second = t.another_instance().await;
    let phones = ["99361999990", "99361999991", "99361999992", "99361999993"];
    // Sends alternate between the two instances: first, second, first.
    for (i, phone) in phones.iter().enumerate().take(3) {
        let (status, body, _) = if i % 2 == 0 {
            call(&first, send(json!(phone))).await
        } else {
            call(&second, send(json!(phone))).await
        };
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (status, body, headers) = call(&second, send(json!(phones[3]))).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body["statusCode"], 429);
    assert_eq!(body["message"], "ThrottlerException: Too Many Requests");
    assert!(headers.contains_key("retry-after"));
    // Another client address has its own budget.
    let other = post_json(
        "/api/v1/otp/send",
        &json!({"phone": phones[3]}),
        "203.0.113.5:1000",
    );
    assert_eq!(call(&first, other).await.0, StatusCode::OK);
}

#[actix_web::test]
async fn forwarded_for_is_believed_only_from_trusted_proxies() {
    let mut env = test_mode();
    env.push(("TRUSTED_PROXIES", "10.0.0.0/8"));
    let t = TestApp::on(TestDb::new().await, settings(&env)).await;
    let app = t.http().await;
    let via_proxy = |client: &str| {
        actix_web::test::TestRequest::post()
            .uri("/api/v1/otp/send")
            .peer_addr("10.0.0.2:443".parse().unwrap())
            .insert_header(("x-forwarded-for", client.to_owned()))
            .set_json(json!({"phone": "99361999999"}))
            .to_request()
    };
    // Four different users behind the proxy: each has its own budget.
    for client in [
        "198.51.100.1",
        "198.51.100.2",
        "198.51.100.3",
        "198.51.100.4",
    ] {
        assert_eq!(call(&app, via_proxy(client)).await.0, StatusCode::OK);
    }
    // An untrusted peer cannot pick its bucket with the header.
    let spoof = |client: &str| {
        actix_web::test::TestRequest::post()
            .uri("/api/v1/otp/send")
            .peer_addr("203.0.113.77:1".parse().unwrap())
            .insert_header(("x-forwarded-for", client.to_owned()))
            .set_json(json!({"phone": "99361999999"}))
            .to_request()
    };
    let statuses: Vec<_> = [
        spoof("1.1.1.1"),
        spoof("1.1.1.2"),
        spoof("1.1.1.3"),
        spoof("1.1.1.4"),
    ]
    .into_iter()
    .map(|r| call(&app, r))
    .collect();
    let mut results = Vec::new();
    for fut in statuses {
        results.push(fut.await.0);
    }
    assert_eq!(results[3], StatusCode::TOO_MANY_REQUESTS, "{results:?}");
}

#[actix_web::test]
async fn spellings_of_one_number_log_into_one_account() {
    let t = TestApp::on(TestDb::new().await, settings(&relaxed())).await;
    let db = t.db();
    let app = t.http().await;
    let mut users = Vec::new();
    for spelling in ["+993 61 999999", "99361999999", "+993-61-99-99-99"] {
        let (access, _) = api::login(&app, spelling).await;
        let req =
            api::with_bearer(actix_web::http::Method::GET, "/api/v1/auth/me", &access).to_request();
        let (status, me, _) = call(&app, req).await;
        assert_eq!(status, StatusCode::OK, "{me}");
        assert_eq!(me["phone"], "+99361999999");
        users.push(me["uuid"].as_str().unwrap().to_owned());
    }
    users.dedup();
    assert_eq!(users.len(), 1);
    assert_eq!(count(db, "SELECT count(*) AS n FROM users").await, 1);
}

#[actix_web::test]
async fn first_login_creates_the_user_and_a_later_one_reactivates_it() {
    let t = TestApp::on(TestDb::new().await, settings(&relaxed())).await;
    let db = t.db();
    let app = t.http().await;
    api::login(&app, "99361999999").await;
    let row = text(db, r#"SELECT name || '|' || location || '|' || status::text || '|' || role::text AS v FROM users"#).await;
    let parts: Vec<&str> = row.split('|').collect();
    assert!(
        parts[0].starts_with("user_") && parts[0].len() == 10,
        "{row}"
    );
    assert!(
        parts[0][5..]
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    );
    assert_eq!(&parts[1..], ["Aşgabat", "true", "user"]);

    db.conn()
        .await
        .batch_execute("UPDATE users SET status = false")
        .await
        .unwrap();
    api::login(&app, "99361999999").await;
    assert_eq!(
        text(db, "SELECT status::text AS v FROM users").await,
        "true"
    );
}

#[actix_web::test]
async fn wrong_codes_count_down_then_max_attempts() {
    let t = TestApp::on(TestDb::new().await, settings(&relaxed())).await;
    let app = t.http().await;
    let (_, sent, _) = call(&app, send(json!("99361999999"))).await;
    let request_id = sent["requestId"].clone();
    for remaining in [4, 3, 2, 1, 0] {
        let (status, body, _) = call(&app, verify("99361999999", json!("00000"))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["code"], "OTP_INVALID");
        assert_eq!(
            body["message"],
            format!("Incorrect OTP. {remaining} attempts remaining.")
        );
        assert_eq!(body["requestId"], request_id);
    }
    let (status, body, _) = call(&app, verify("99361999999", json!("12345"))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        body["code"], "OTP_MAX_ATTEMPTS",
        "even the right code is refused now"
    );
    assert_eq!(body["requestId"], request_id);
}

#[actix_web::test]
async fn verify_errors_for_missing_unknown_used_and_expired_codes() {
    let t = TestApp::on(TestDb::new().await, settings(&relaxed())).await;
    let db = t.db();
    let app = t.http().await;
    let (status, body, _) = call(&app, verify("99361999999", json!("12345"))).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("OTP_NOT_FOUND"))
    );
    assert!(body.get("requestId").is_none());

    let (status, body, _) = call(
        &app,
        post_json(
            "/api/v1/otp/verify",
            &json!({"phone": "99361999999"}),
            CLIENT,
        ),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("OTP_REQUIRED_FIELDS"))
    );
    let (status, body, _) = call(&app, verify("99361999999", json!(12345))).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("OTP_INVALID_FORMAT"))
    );
    let (status, body, _) = call(&app, verify("garbage", json!("12345"))).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("OTP_INVALID_PHONE"))
    );

    api::login(&app, "99361999999").await;
    let (status, body, _) = call(&app, verify("99361999999", json!("12345"))).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("OTP_NOT_FOUND")),
        "a code works once"
    );

    call(&app, send(json!("99361999999"))).await;
    db.conn()
        .await
        .batch_execute(r#"UPDATE otp_codes SET "expiresAt" = now() - interval '1 second'"#)
        .await
        .unwrap();
    let (status, body, _) = call(&app, verify("99361999999", json!("12345"))).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("OTP_NOT_FOUND")),
        "expired"
    );
}

#[actix_web::test]
async fn a_new_code_replaces_the_live_one() {
    let t = TestApp::on(TestDb::new().await, settings(&relaxed())).await;
    let db = t.db();
    let app = t.http().await;
    call(&app, send(json!("99361999999"))).await;
    call(&app, send(json!("99361999999"))).await;
    assert_eq!(
        count(
            db,
            r#"SELECT count(*) AS n FROM otp_codes WHERE "consumedAt" IS NULL"#
        )
        .await,
        1,
        "one live code per phone"
    );
}

#[actix_web::test]
async fn an_old_backends_bcrypt_code_still_verifies() {
    let t = TestApp::on(TestDb::new().await, settings(&relaxed())).await;
    let db = t.db();
    let app = t.http().await;
    let hash = bcrypt::hash("54321", 4).unwrap();
    db.conn()
        .await
        .batch_execute(&format!(
            r#"INSERT INTO otp_codes (id, phone, purpose, "codeHash", "expiresAt")
               VALUES ('{}', '+99365111111', 'login', '{hash}', now() + interval '5 minutes')"#,
            uuid::Uuid::new_v4()
        ))
        .await
        .unwrap();
    let (status, body, _) = call(&app, verify("99365111111", json!("54321"))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["message"], "Login successful");
}

#[actix_web::test]
async fn of_twenty_concurrent_right_codes_exactly_one_logs_in() {
    let t = TestApp::on(TestDb::new().await, settings(&relaxed())).await;
    let db = t.db();
    let app = t.http().await;
    call(&app, send(json!("99361999999"))).await;
    // max_attempts 5 would refuse most of 20 tries before the race on consumption: raise it.
    db.conn()
        .await
        .batch_execute(r#"UPDATE otp_codes SET "maxAttempts" = 100"#)
        .await
        .unwrap();
    let results =
        join_all((0..20).map(|_| call(&app, verify("99361999999", json!("12345"))))).await;
    let ok = results
        .iter()
        .filter(|(s, _, _)| *s == StatusCode::OK)
        .count();
    assert_eq!(
        ok,
        1,
        "{:?}",
        results.iter().map(|r| r.0).collect::<Vec<_>>()
    );
    assert!(
        results
            .iter()
            .filter(|(s, _, _)| *s != StatusCode::OK)
            .all(|(_, b, _)| b["code"] == "OTP_NOT_FOUND")
    );
    assert_eq!(count(db, "SELECT count(*) AS n FROM sessions").await, 1);
}

#[actix_web::test]
async fn twenty_concurrent_wrong_codes_never_count_past_the_maximum() {
    let t = TestApp::on(TestDb::new().await, settings(&relaxed())).await;
    let db = t.db();
    let app = t.http().await;
    call(&app, send(json!("99361999999"))).await;
    let results =
        join_all((0..20).map(|_| call(&app, verify("99361999999", json!("00000"))))).await;
    let invalid = results
        .iter()
        .filter(|(_, b, _)| b["code"] == "OTP_INVALID")
        .count();
    let exhausted = results
        .iter()
        .filter(|(_, b, _)| b["code"] == "OTP_MAX_ATTEMPTS")
        .count();
    assert_eq!((invalid, exhausted), (5, 15));
    assert_eq!(
        text(db, "SELECT attempts::text AS v FROM otp_codes").await,
        "5"
    );
}
