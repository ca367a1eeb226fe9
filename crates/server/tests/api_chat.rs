//! `GET /api/v1/chat/{peerId}/messages` through the real application and PostgreSQL.
#![allow(clippy::unwrap_used)]

mod api;

use actix_web::http::{Method, StatusCode};
use alpha_testkit::TestDb;
use api::{TestApp, call, login, settings, uuid_of, with_bearer};
use diesel_async::SimpleAsyncConnection;
use serde_json::Value;

fn env() -> Vec<(&'static str, &'static str)> {
    vec![
        ("OTP_TEST_MODE", "true"),
        ("ALPHA__OTP__IP_SEND_LIMIT", "1000"),
        ("ALPHA__OTP__IP_VERIFY_LIMIT", "1000"),
    ]
}

#[actix_web::test]
async fn history_pages_back_through_one_conversation_only() {
    let t = TestApp::on(TestDb::new().await, settings(&env())).await;
    let db = t.db();
    let app = t.http().await;
    let (a_token, _) = login(&app, "99361999990").await;
    let (b_token, _) = login(&app, "99361999991").await;
    let (c_token, _) = login(&app, "99361999992").await;
    let (a, b, c) = (
        uuid_of(&app, &a_token).await,
        uuid_of(&app, &b_token).await,
        uuid_of(&app, &c_token).await,
    );
    db.conn()
        .await
        .batch_execute(&format!(
            "INSERT INTO chat_messages (sender_id, recipient_id, body) VALUES
             ('{a}', '{b}', 'm1'), ('{b}', '{a}', 'm2'), ('{a}', '{b}', 'm3'),
             ('{c}', '{a}', 'from c'), ('{a}', '{b}', 'm4')"
        ))
        .await
        .unwrap();
    let get = |token: &str, uri: String| with_bearer(Method::GET, &uri, token).to_request();

    let (status, page, _) = call(
        &app,
        get(&a_token, format!("/api/v1/chat/{b}/messages?limit=3")),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let texts = |page: &Value| -> Vec<String> {
        page["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["text"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(texts(&page), ["m4", "m3", "m2"]);
    assert_eq!(page["hasMore"], true);
    assert_eq!(page["messages"][2]["from"], b.as_str());
    let before = page["messages"][2]["id"].as_i64().unwrap();

    let (_, older, _) = call(
        &app,
        get(
            &b_token,
            format!("/api/v1/chat/{a}/messages?before={before}&limit=3"),
        ),
    )
    .await;
    assert_eq!(
        texts(&older),
        ["m1"],
        "the other side reads the same conversation"
    );
    assert_eq!(older["hasMore"], false);

    let (status, body, _) = call(
        &app,
        get(&a_token, "/api/v1/chat/not-a-uuid/messages".to_owned()),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("INVALID_PATH_PARAMETER"))
    );
    let anonymous = actix_web::test::TestRequest::get()
        .uri(&format!("/api/v1/chat/{b}/messages"))
        .to_request();
    assert_eq!(call(&app, anonymous).await.0, StatusCode::UNAUTHORIZED);
}
