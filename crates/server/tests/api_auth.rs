//! `/auth/*` through the real application and PostgreSQL: tokens, sessions, rotation, profile.
#![allow(clippy::unwrap_used)]

mod api;

use actix_web::http::{Method, StatusCode};
use alpha_auth::{Claims, JwtTokenSigner, TokenKind, TokenSigner};
use alpha_testkit::TestDb;
use api::{TestApp, call, login, settings, test_mode, with_bearer};
use diesel::QueryableByName;
use diesel::sql_types::Text;
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};
use futures_util::future::join_all;
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use sha2::Digest;

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    v: String,
}

async fn text(db: &TestDb, sql: &str) -> String {
    let mut conn = db.conn().await;
    let rows: Vec<Row> = diesel::sql_query(sql).load(&mut conn).await.unwrap();
    rows.into_iter().next().map(|r| r.v).unwrap_or_default()
}

fn env(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut env = test_mode();
    env.extend([
        ("ALPHA__OTP__IP_SEND_LIMIT", "1000"),
        ("ALPHA__OTP__IP_VERIFY_LIMIT", "1000"),
    ]);
    env.extend_from_slice(extra);
    env
}

fn signer(settings: &alpha_server::config::Settings) -> JwtTokenSigner {
    JwtTokenSigner::new(
        settings.auth.access_secret.expose_secret().as_bytes(),
        settings.auth.refresh_secret.expose_secret().as_bytes(),
    )
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn me(token: &str) -> actix_http::Request {
    with_bearer(Method::GET, "/api/v1/auth/me", token).to_request()
}

fn refresh(token: &str) -> actix_http::Request {
    with_bearer(Method::POST, "/api/v1/auth/refresh", token).to_request()
}

#[actix_web::test]
async fn me_returns_the_profile_the_app_reads() {
    let t = TestApp::on(TestDb::new().await, settings(&env(&[]))).await;
    let db = t.db();
    let app = t.http().await;
    let (access, _) = login(&app, "99361999999").await;
    let (status, body, _) = call(&app, me(&access)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for key in [
        "uuid",
        "name",
        "email",
        "phone",
        "location",
        "access",
        "role",
        "avatar",
        "createdAt",
    ] {
        assert!(keys.contains(&key), "{key} missing from {body}");
    }
    assert_eq!(body["phone"], "+99361999999");
    assert_eq!(body["access"], json!([]));
    assert_eq!(body["role"], "user");
    assert_eq!(body["avatar"], Value::Null);
    assert_eq!(body["location"], "Aşgabat");
    assert!(body.get("refreshTokenHash").is_none() && body.get("status").is_none());

    let uuid = body["uuid"].as_str().unwrap();
    db.conn()
        .await
        .batch_execute(&format!(
            r#"INSERT INTO photo (uuid, path, "originalPath", "userId")
               VALUES ('{}', '{{"small":"uploads/avatars/s.jpg","medium":"uploads/avatars/m.jpg","large":"uploads/avatars/l.jpg"}}',
                       'uploads/avatars/o.jpg', '{uuid}')"#,
            uuid::Uuid::new_v4()
        ))
        .await
        .unwrap();
    let (_, body, _) = call(&app, me(&access)).await;
    assert_eq!(body["avatar"]["path"]["small"], "uploads/avatars/s.jpg");
    assert_eq!(body["avatar"]["originalPath"], "uploads/avatars/o.jpg");
    assert_eq!(body["avatar"]["userId"], uuid);
}

#[actix_web::test]
async fn guard_errors_follow_the_contract() {
    let t = TestApp::on(TestDb::new().await, settings(&env(&[]))).await;
    let settings = &t.settings;
    let app = t.http().await;
    let (access, refresh_token) = login(&app, "99361999999").await;

    let no_header = actix_web::test::TestRequest::get()
        .uri("/api/v1/auth/me")
        .to_request();
    let (status, body, _) = call(&app, no_header).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        body,
        json!({"code": "TOKEN_INVALID", "message": "Missing or malformed token"})
    );

    let (status, body, _) = call(&app, me("not.a.jwt")).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("TOKEN_INVALID"))
    );
    assert_eq!(body["message"], "Invalid access token");

    let (status, body, _) = call(&app, me(&refresh_token)).await;
    assert_eq!(
        body["code"], "TOKEN_INVALID",
        "a refresh token is not an access token ({status})"
    );

    let claims: Value = serde_json::from_slice(&base64_payload(&access)).unwrap();
    let expired = signer(settings)
        .sign(
            TokenKind::Access,
            &Claims {
                uuid: claims["uuid"].as_str().unwrap().parse().unwrap(),
                phone: None,
                sub: None,
                sid: claims["sid"].as_str().map(|s| s.parse().unwrap()),
                jti: Some("x".into()),
                typ: Some(TokenKind::Access),
                iat: now() - 1000,
                exp: now() - 100,
            },
        )
        .unwrap();
    let (status, body, _) = call(&app, me(&expired)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("TOKEN_EXPIRED"))
    );
    assert_eq!(body["message"], "Access token expired");
}

fn base64_payload(token: &str) -> Vec<u8> {
    let payload = token.split('.').nth(1).unwrap();
    // base64url without padding, decoded by hand to avoid a test-only dependency.
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in payload.bytes() {
        let v = alphabet.iter().position(|a| *a == c).unwrap() as u32;
        bits = (bits << 6) | v;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    out
}

#[actix_web::test]
async fn tokens_carry_the_claims_of_the_design() {
    let t = TestApp::on(TestDb::new().await, settings(&env(&[]))).await;
    let app = t.http().await;
    let (access, refresh_token) = login(&app, "99361999999").await;
    let a: Value = serde_json::from_slice(&base64_payload(&access)).unwrap();
    let r: Value = serde_json::from_slice(&base64_payload(&refresh_token)).unwrap();
    assert_eq!(a["typ"], "access");
    assert_eq!(r["typ"], "refresh");
    assert_eq!(
        a["phone"], "+99361999999",
        "normalised phone in the claim (B6)"
    );
    assert_eq!(a["sub"], a["uuid"]);
    assert_eq!(a["sid"], r["sid"]);
    assert_ne!(a["jti"], r["jti"]);
    assert_eq!(a["exp"].as_i64().unwrap() - a["iat"].as_i64().unwrap(), 900);
    assert_eq!(
        r["exp"].as_i64().unwrap() - r["iat"].as_i64().unwrap(),
        604_800
    );
    let header: Value = {
        let h = access.split('.').next().unwrap().to_owned();
        serde_json::from_slice(&base64_payload(&format!("x.{h}"))).unwrap()
    };
    assert_eq!(header["alg"], "HS256");
}

#[actix_web::test]
async fn refresh_rotates_and_a_racing_duplicate_gets_the_same_pair() {
    let t = TestApp::on(TestDb::new().await, settings(&env(&[]))).await;
    let app = t.http().await;
    let (_, first) = login(&app, "99361999999").await;

    let results = join_all([call(&app, refresh(&first)), call(&app, refresh(&first))]).await;
    for (status, body, _) in &results {
        assert_eq!(*status, StatusCode::CREATED, "{body}");
    }
    let second = results[0].1["refreshToken"].as_str().unwrap().to_owned();
    assert_eq!(
        results[1].1["refreshToken"],
        second.as_str(),
        "grace hands back the same child"
    );
    assert_ne!(second, first);

    let (status, body, _) = call(&app, refresh(&second)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let third = body["refreshToken"].as_str().unwrap().to_owned();
    let (_, body, _) = call(&app, me(body["accessToken"].as_str().unwrap())).await;
    assert_eq!(body["phone"], "+99361999999");

    // The grandparent is theft: the whole session is revoked.
    let (status, body, _) = call(&app, refresh(&first)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        body,
        json!({"code": "TOKEN_REUSE", "message": "Refresh token reuse detected. Session revoked."})
    );
    let (status, body, _) = call(&app, refresh(&third)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("TOKEN_INVALID"))
    );
}

#[actix_web::test]
async fn reuse_of_the_parent_after_the_grace_window_revokes_the_session() {
    let t = TestApp::on(
        TestDb::new().await,
        settings(&env(&[("REFRESH_REUSE_GRACE_SECONDS", "0")])),
    )
    .await;
    let db = t.db();
    let app = t.http().await;
    let (access, first) = login(&app, "99361999999").await;
    let (status, body, _) = call(&app, refresh(&first)).await;
    assert_eq!(status, StatusCode::CREATED);
    let new_access = body["accessToken"].as_str().unwrap().to_owned();
    // Past the (zero-second) grace window without waiting for it.
    t.clock().advance(std::time::Duration::from_secs(2));
    let (status, body, _) = call(&app, refresh(&first)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("TOKEN_REUSE"))
    );
    for token in [&access, &new_access] {
        let (status, body, _) = call(&app, me(token)).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNAUTHORIZED, Some("TOKEN_INVALID")),
            "revoked session's access tokens die at once"
        );
    }
    assert_eq!(
        text(db, "SELECT revoked_reason AS v FROM sessions").await,
        "reuse"
    );
}

#[actix_web::test]
async fn logout_ends_only_that_session_at_once() {
    let t = TestApp::on(TestDb::new().await, settings(&env(&[]))).await;
    let app = t.http().await;
    let (phone_a, refresh_a) = login(&app, "99361999999").await;
    let (tablet_a, _) = login(&app, "99361999999").await;

    let (status, body, _) = call(
        &app,
        with_bearer(Method::POST, "/api/v1/auth/logout", &phone_a).to_request(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(body, json!({"message": "Successfully logged out"}));

    let (status, body, _) = call(&app, me(&phone_a)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("TOKEN_INVALID"))
    );
    let (status, body, _) = call(&app, refresh(&refresh_a)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("TOKEN_INVALID"))
    );
    assert_eq!(body["message"], "Session revoked or user not found");
    let (status, _, _) = call(&app, me(&tablet_a)).await;
    assert_eq!(status, StatusCode::OK, "the other device stays logged in");
}

#[actix_web::test]
async fn a_deleted_user_gets_user_deleted() {
    let t = TestApp::on(TestDb::new().await, settings(&env(&[]))).await;
    let db = t.db();
    let app = t.http().await;
    let (access, refresh_token) = login(&app, "99361999999").await;
    db.conn()
        .await
        .batch_execute("DELETE FROM users")
        .await
        .unwrap();
    for req in [me(&access), refresh(&refresh_token)] {
        let (status, body, _) = call(&app, req).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["code"], "USER_DELETED", "{body}");
    }
}

#[actix_web::test]
async fn the_old_backends_tokens_keep_users_logged_in() {
    let t = TestApp::on(TestDb::new().await, settings(&env(&[]))).await;
    let db = t.db();
    let settings = &t.settings;
    let app = t.http().await;
    let user = uuid::Uuid::new_v4();
    let old = |kind, ttl: i64| {
        signer(settings)
            .sign(
                kind,
                &Claims {
                    uuid: user,
                    phone: Some("99365222222".into()),
                    sub: None,
                    sid: None,
                    jti: None,
                    typ: None,
                    iat: now(),
                    exp: now() + ttl,
                },
            )
            .unwrap()
    };
    let old_access = old(TokenKind::Access, 900);
    let old_refresh = old(TokenKind::Refresh, 604_800);
    let digest = hex::encode(sha2::Sha256::digest(old_refresh.as_bytes()));
    let hash = bcrypt::hash(digest, 4).unwrap();
    db.conn()
        .await
        .batch_execute(&format!(
            r#"INSERT INTO users (uuid, name, phone, status, role, "refreshTokenHash")
               VALUES ('{user}', 'old', '+99365222222', true, 'user', '{hash}')"#
        ))
        .await
        .unwrap();

    let (status, body, _) = call(&app, me(&old_access)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["uuid"], user.to_string());

    let (status, body, _) = call(&app, refresh(&old_refresh)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, _, _) = call(&app, me(body["accessToken"].as_str().unwrap())).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        text(
            db,
            r#"SELECT coalesce("refreshTokenHash", 'cleared') AS v FROM users"#
        )
        .await,
        "cleared"
    );
    let (status, body, _) = call(&app, refresh(&old_refresh)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("TOKEN_INVALID")),
        "adopted once"
    );
}

#[actix_web::test]
async fn profile_update_validates_and_refuses_phone_changes() {
    let t = TestApp::on(TestDb::new().await, settings(&env(&[]))).await;
    let db = t.db();
    let app = t.http().await;
    let (access, _) = login(&app, "99361999999").await;
    let (other, _) = login(&app, "99361999991").await;
    let put = |token: &str, body: Value| {
        with_bearer(Method::PUT, "/api/v1/auth", token)
            .set_json(body)
            .to_request()
    };

    let (status, body, _) = call(
        &app,
        put(
            &access,
            json!({"name": "Aman", "location": "Mary", "email": "aman@example.tm"}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["message"], "Successfully changed");
    let (_, me_body, _) = call(&app, me(&access)).await;
    assert_eq!(
        (
            me_body["name"].as_str(),
            me_body["location"].as_str(),
            me_body["email"].as_str()
        ),
        (Some("Aman"), Some("Mary"), Some("aman@example.tm"))
    );
    assert_eq!(body["uuid"], me_body["uuid"]);

    let (status, body, _) = call(&app, put(&access, json!({"location": null}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, me_body, _) = call(&app, me(&access)).await;
    assert_eq!(me_body["location"], Value::Null);
    assert_eq!(me_body["name"], "Aman", "fields not sent are left alone");

    let cases = [
        (
            json!({"phone": "+99365000000"}),
            StatusCode::BAD_REQUEST,
            "PHONE_CHANGE_NOT_ALLOWED",
        ),
        (
            json!({"email": "not-an-email"}),
            StatusCode::BAD_REQUEST,
            "INVALID_EMAIL",
        ),
        (
            json!({"name": "x".repeat(300)}),
            StatusCode::BAD_REQUEST,
            "VALUE_TOO_LONG",
        ),
        (json!({"name": 5}), StatusCode::BAD_REQUEST, "INVALID_BODY"),
    ];
    for (req_body, want_status, want_code) in cases {
        let (status, body, _) = call(&app, put(&access, req_body.clone())).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (want_status, Some(want_code)),
            "{req_body}"
        );
    }
    let (status, body, _) = call(&app, put(&other, json!({"email": "aman@example.tm"}))).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("EMAIL_TAKEN"))
    );
    assert_eq!(
        text(db, "SELECT phone AS v FROM users WHERE name = 'Aman'").await,
        "+99361999999"
    );
}

#[actix_web::test]
async fn set_firebase_stores_the_token() {
    let t = TestApp::on(TestDb::new().await, settings(&env(&[]))).await;
    let db = t.db();
    let app = t.http().await;
    let (access, _) = login(&app, "99361999999").await;
    let req = with_bearer(Method::PUT, "/api/v1/auth/setFirebase", &access)
        .set_json(json!({"token": "fcm-token-1"}))
        .to_request();
    let (status, body, _) = call(&app, req).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"message": "Firebase token set successfully"}));
    assert_eq!(
        text(db, r#"SELECT "firebaseToken" AS v FROM users"#).await,
        "fcm-token-1"
    );
    let req = with_bearer(Method::PUT, "/api/v1/auth/setFirebase", &access)
        .set_json(json!({"token": ""}))
        .to_request();
    let (status, body, _) = call(&app, req).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("INVALID_FIREBASE_TOKEN"))
    );
}

#[actix_web::test]
async fn every_route_is_in_the_served_openapi_document() {
    let t = TestApp::on(TestDb::new().await, settings(&[])).await;
    let app = t.http().await;
    let req = actix_web::test::TestRequest::get()
        .uri("/api-docs/openapi.json")
        .to_request();
    let (status, doc, _) = call(&app, req).await;
    assert_eq!(status, StatusCode::OK);
    for (path, method) in [
        ("/api/v1/otp/send", "post"),
        ("/api/v1/otp/verify", "post"),
        ("/api/v1/auth/me", "get"),
        ("/api/v1/auth/refresh", "post"),
        ("/api/v1/auth/logout", "post"),
        ("/api/v1/auth", "put"),
        ("/api/v1/auth/setFirebase", "put"),
        ("/api/v1/admin/sms/devices", "get"),
        ("/api/v1/chat/{peerId}/messages", "get"),
        ("/healthz", "get"),
        ("/readyz", "get"),
    ] {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} not documented"
        );
    }
}

#[actix_web::test]
async fn sms_device_listing_is_for_admins_only() {
    let t = TestApp::on(TestDb::new().await, settings(&env(&[]))).await;
    let db = t.db();
    let app = t.http().await;
    let (user_token, _) = login(&app, "99361999999").await;
    let (admin_token, _) = login(&app, "99361999991").await;
    db.conn()
        .await
        .batch_execute(
            r#"UPDATE users SET role = 'admin' WHERE phone = '+99361999991';
               INSERT INTO sms_devices (id, name, region, connected, last_seen_at, battery_level, sent_count)
               VALUES ('pixel-1', 'Pixel', 'tm', true, '2026-11-23T10:00:00Z', 80, 12)"#,
        )
        .await
        .unwrap();
    let list =
        |token: &str| with_bearer(Method::GET, "/api/v1/admin/sms/devices", token).to_request();

    let anonymous = actix_web::test::TestRequest::get()
        .uri("/api/v1/admin/sms/devices")
        .to_request();
    assert_eq!(call(&app, anonymous).await.0, StatusCode::UNAUTHORIZED);
    let (status, body, _) = call(&app, list(&user_token)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        body,
        json!({"code": "FORBIDDEN", "message": "Admin access required"})
    );

    let (status, body, _) = call(&app, list(&admin_token)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body.as_array().unwrap().len(), 1);
    let device = &body[0];
    assert_eq!(device["id"], "pixel-1");
    assert_eq!(device["connected"], true);
    assert_eq!(device["lastSeenAt"], "2026-11-23T10:00:00.000Z");
    assert_eq!(device["batteryLevel"], 80);
    assert_eq!(device["sentCount"], 12);
    assert!(device.get("tokenHash").is_none() && device.get("token_hash").is_none());
}
