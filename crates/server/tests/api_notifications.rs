//! The notification routes (CONTRACT §2.15 #103–#113) through the real application and
//! PostgreSQL: every route admin-only (anonymous 401, user 403, S5 included), every bad send a
//! 400 with its code and nothing stored (B13), drafts edited, deleted and sent themselves
//! (B13), the history listing and totals, and no private field in any answer (S7). Delivery
//! itself is `push_outbox.rs`'s.
#![allow(clippy::unwrap_used)]

mod api;

use actix_web::http::{Method, StatusCode};
use alpha_testkit::{TestApp, TestDb};
use api::privacy::Privacy;
use api::{authed, call, get, settings, test_mode, v5};
use diesel::QueryableByName;
use diesel::sql_types::BigInt;
use diesel_async::RunQueryDsl;
use serde_json::{Value, json};
use uuid::Uuid;

const ADMIN: &str = "99361999999";
const USER: &str = "99361999991";
const BASE: &str = "/api/v1/notifications";

async fn app() -> TestApp {
    let mut overrides = test_mode();
    overrides.push(("ALPHA__OTP__IP_SEND_LIMIT", "100"));
    overrides.push(("ALPHA__OTP__IP_VERIFY_LIMIT", "100"));
    let t = TestApp::on(TestDb::new().await, settings(&overrides)).await;
    let mut conn = t.db().conn().await;
    let fixture = alpha_store::seed::CatalogSource::File(alpha_testkit::catalogue_fixture());
    alpha_store::seed::run(&mut conn, &fixture).await.unwrap();
    t
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// (history rows, outbox rows).
async fn stored(t: &TestApp) -> (i64, i64) {
    let mut conn = t.db().conn().await;
    let count = |table: &str| format!("SELECT count(*) AS n FROM {table}");
    let history: Count = diesel::sql_query(count("notification_history"))
        .get_result(&mut conn)
        .await
        .unwrap();
    let outbox: Count = diesel::sql_query(count("notification_outbox"))
        .get_result(&mut conn)
        .await
        .unwrap();
    (history.n, outbox.n)
}

fn bmw() -> String {
    v5("brand:bmw")
}

fn send_body() -> Value {
    json!({"title": "Hello", "body": "World", "type": "all_users"})
}

/// Every route, with a body that would be accepted from an admin.
fn routes(some: &str) -> Vec<(Method, String, Option<Value>)> {
    vec![
        (
            Method::POST,
            format!("{BASE}/send-to-all"),
            Some(json!({"title": "t", "body": "b"})),
        ),
        (
            Method::POST,
            BASE.to_owned(),
            Some(json!({"token": "tok", "title": "t", "body": "b"})),
        ),
        (
            Method::POST,
            format!("{BASE}/send-to-subscribe"),
            Some(json!({"title": "t", "body": "b", "uuid": bmw()})),
        ),
        (
            Method::POST,
            format!("{BASE}/admin/send"),
            Some(send_body()),
        ),
        (
            Method::POST,
            format!("{BASE}/admin/create"),
            Some(send_body()),
        ),
        (Method::GET, format!("{BASE}/admin/history"), None),
        (Method::GET, format!("{BASE}/admin/history/{some}"), None),
        (
            Method::PATCH,
            format!("{BASE}/admin/history/{some}"),
            Some(json!({"title": "x"})),
        ),
        (Method::DELETE, format!("{BASE}/admin/history/{some}"), None),
        (Method::GET, format!("{BASE}/admin/stats"), None),
        (
            Method::POST,
            format!("{BASE}/admin/send-draft/{some}"),
            None,
        ),
    ]
}

fn request(
    method: Method,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> actix_http::Request {
    match token {
        Some(token) => authed(method, uri, token, body),
        None => {
            let req = actix_web::test::TestRequest::default()
                .method(method)
                .uri(uri)
                .peer_addr(alpha_testkit::CLIENT.parse().unwrap());
            match body {
                Some(body) => req.set_json(body).to_request(),
                None => req.to_request(),
            }
        }
    }
}

#[tokio::test]
async fn every_route_is_for_admins_only_the_old_public_ones_too() {
    let t = app().await;
    let http = t.http().await;
    let (user, _) = t.login(&http, USER).await;
    let admin = t.admin(&http, ADMIN).await;
    // A draft for the routes that name one.
    let (status, draft, _) = call(
        &http,
        authed(
            Method::POST,
            &format!("{BASE}/admin/create"),
            &admin,
            Some(send_body()),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{draft}");
    let draft = draft["uuid"].as_str().unwrap().to_owned();
    let before = stored(&t).await;
    for (method, uri, body) in routes(&draft) {
        let (status, answer, _) =
            call(&http, request(method.clone(), &uri, None, body.clone())).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "anonymous {method} {uri}: {answer}"
        );
        assert!(answer["code"].is_string(), "{answer}");
        let (status, answer, _) =
            call(&http, request(method.clone(), &uri, Some(&user), body)).await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "user {method} {uri}: {answer}"
        );
        assert_eq!(answer["code"], "FORBIDDEN");
    }
    assert_eq!(
        stored(&t).await,
        before,
        "a refused caller stored something"
    );
    // The admin gets through every one. The draft is sent last (the list ends with send-draft),
    // so the delete, which runs after it, finds it sent: a 400 from past the guard.
    let (deletes, others): (Vec<_>, Vec<_>) = routes(&draft)
        .into_iter()
        .partition(|(method, _, _)| *method == Method::DELETE);
    for (method, uri, body) in others {
        let (status, answer, _) =
            call(&http, request(method.clone(), &uri, Some(&admin), body)).await;
        assert!(
            status.is_success(),
            "admin {method} {uri}: {status} {answer}"
        );
    }
    for (method, uri, body) in deletes {
        let (status, answer, _) = call(&http, request(method, &uri, Some(&admin), body)).await;
        assert_eq!(
            (status, answer["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("NOTIFICATION_ALREADY_SENT"))
        );
    }
}

#[tokio::test]
async fn a_bad_send_is_a_400_with_its_code_and_stores_nothing() {
    let t = app().await;
    let http = t.http().await;
    let admin = t.admin(&http, ADMIN).await;
    // A user without a push token.
    let (_, _) = t.login(&http, USER).await;
    let mut conn = t.db().conn().await;
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::Uuid)]
        uuid: Uuid,
    }
    let user: Id = diesel::sql_query(format!("SELECT uuid FROM users WHERE phone = '+{USER}'"))
        .get_result(&mut conn)
        .await
        .unwrap();
    let nobody = Uuid::new_v4();
    let cases = [
        (
            json!({"title": "t", "body": "b", "type": "everyone"}),
            "INVALID_NOTIFICATION_TYPE",
        ),
        (
            json!({"title": "t", "body": "b", "type": "brand_subscribers"}),
            "BRAND_ID_REQUIRED",
        ),
        (
            json!({"title": "t", "body": "b", "type": "brand_subscribers", "targetData": {"brandId": "x"}}),
            "BRAND_ID_REQUIRED",
        ),
        (
            json!({"title": "t", "body": "b", "type": "brand_subscribers", "targetData": {"brandId": nobody}}),
            "BRAND_NOT_FOUND",
        ),
        (
            json!({"title": "t", "body": "b", "type": "specific_user"}),
            "USER_ID_REQUIRED",
        ),
        (
            json!({"title": "t", "body": "b", "type": "specific_user", "targetData": {"userId": nobody}}),
            "USER_NOT_FOUND",
        ),
        (
            json!({"title": "t", "body": "b", "type": "specific_user", "targetData": {"userId": user.uuid}}),
            "USER_HAS_NO_PUSH_TOKEN",
        ),
        (
            json!({"title": "t", "body": "b", "type": "topic"}),
            "TOPIC_REQUIRED",
        ),
        (
            json!({"title": "t", "body": "b", "type": "topic", "topic": "a b"}),
            "INVALID_TOPIC",
        ),
        (
            json!({"title": " ", "body": "b", "type": "all_users"}),
            "INVALID_FIELD",
        ),
        (
            json!({"title": "t", "body": "b", "type": "all_users", "additionalData": [1]}),
            "INVALID_FIELD",
        ),
        (
            json!({"title": "t", "body": "b", "type": "all_users", "additionalData": {"google.x": "1"}}),
            "INVALID_FIELD",
        ),
        (
            json!({"title": "t", "body": "b", "type": "all_users", "sentBy": nobody}),
            "INVALID_BODY",
        ),
        (json!({"title": "t", "type": "all_users"}), "INVALID_BODY"),
        (
            json!({"title": "t", "body": "b", "type": "all_users", "scheduledFor": "tomorrow"}),
            "INVALID_BODY",
        ),
    ];
    for route in ["send", "create"] {
        for (body, code) in &cases {
            let (status, answer, _) = call(
                &http,
                authed(
                    Method::POST,
                    &format!("{BASE}/admin/{route}"),
                    &admin,
                    Some(body.clone()),
                ),
            )
            .await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{route} {body}: {answer}");
            assert_eq!(answer["code"], *code, "{route} {body}: {answer}");
        }
    }
    for (uri, body, code) in [
        (
            format!("{BASE}/send-to-subscribe"),
            json!({"title": "t", "body": "b", "uuid": nobody}),
            "BRAND_NOT_FOUND",
        ),
        (
            BASE.to_owned(),
            json!({"token": "a b", "title": "t", "body": "b"}),
            "INVALID_FIELD",
        ),
        // NUL once reached the outbox insert and came back as a 500 (found by the fuzzer).
        (
            BASE.to_owned(),
            json!({"token": "tok\u{0}en", "title": "t", "body": "b"}),
            "INVALID_FIELD",
        ),
        (
            format!("{BASE}/send-to-all"),
            json!({"title": "", "body": "b"}),
            "INVALID_FIELD",
        ),
    ] {
        let (status, answer, _) = call(&http, authed(Method::POST, &uri, &admin, Some(body))).await;
        assert_eq!(
            (status, answer["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some(code)),
            "{uri}: {answer}"
        );
    }
    assert_eq!(stored(&t).await, (0, 0));
}

#[tokio::test]
async fn a_send_is_queued_in_one_go_with_a_row_per_recipient() {
    let t = app().await;
    let http = t.http().await;
    let admin = t.admin(&http, ADMIN).await;
    let brand = bmw();
    for i in 0..3 {
        let user = Uuid::new_v4();
        api::community::sql(
            &t,
            &format!(
                "INSERT INTO users (uuid, phone, \"firebaseToken\") VALUES ('{user}', '+9936500000{i}', 'tok-{i}'); \
                 INSERT INTO brands_user (\"userId\", \"brandId\") VALUES ('{user}', '{brand}');"
            ),
        )
        .await;
    }
    let (status, sent, _) = call(
        &http,
        authed(
            Method::POST,
            &format!("{BASE}/admin/send"),
            &admin,
            Some(json!({"title": "t", "body": "b", "type": "brand_subscribers", "targetData": {"brandId": brand}})),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    assert_eq!(sent["message"], "Notification queued for delivery");
    assert_eq!(sent["status"], "sending");
    assert_eq!(sent["deliveryResult"]["totalRecipients"], 3);
    assert_eq!(sent["deliveryResult"]["successfulDeliveries"], 0);
    assert_eq!(stored(&t).await, (1, 3));

    // A brand nobody with a token subscribes to: recorded failed, with the reason.
    let (status, sent, _) = call(
        &http,
        authed(
            Method::POST,
            &format!("{BASE}/send-to-subscribe"),
            &admin,
            Some(json!({"title": "t", "body": "b", "uuid": v5("brand:lada")})),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    assert_eq!(sent["message"], "Notifications attempted for all users");
    assert_eq!(sent["totalRecipients"], 0);
    let (_, row, _) = call(
        &http,
        authed(
            Method::GET,
            &format!(
                "{BASE}/admin/history/{}",
                sent["notificationId"].as_str().unwrap()
            ),
            &admin,
            None,
        ),
    )
    .await;
    assert_eq!(row["status"], "failed");
    assert!(
        row["errorMessage"].as_str().unwrap().contains("push token"),
        "{row}"
    );
    assert_eq!(stored(&t).await, (2, 3));
}

#[tokio::test]
async fn drafts_are_edited_deleted_and_sent_themselves_and_sent_ones_stay_put() {
    let t = app().await;
    let http = t.http().await;
    let admin = t.admin(&http, ADMIN).await;
    let mut privacy = Privacy::new();
    privacy.keep(USER, "tok-private");
    let create = |body: Value| {
        authed(
            Method::POST,
            &format!("{BASE}/admin/create"),
            &admin,
            Some(body),
        )
    };
    let (status, draft, _) = privacy
        .call(
            &http,
            create(json!({"title": "Draft", "body": "b", "type": "topic", "topic": "news"})),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{draft}");
    assert_eq!(
        (draft["status"].as_str(), draft["topic"].as_str()),
        (Some("pending"), Some("news"))
    );
    // The sender is a safe view: uuid and name, nothing else.
    let sender = draft["sender"].as_object().unwrap();
    let mut keys: Vec<&str> = sender.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["name", "uuid"], "{draft}");
    let uuid = draft["uuid"].as_str().unwrap().to_owned();
    let one = format!("{BASE}/admin/history/{uuid}");

    // Edited: checked like a send; a bad edit changes nothing.
    let (status, answer, _) = call(
        &http,
        authed(
            Method::PATCH,
            &one,
            &admin,
            Some(json!({"type": "specific_user"})),
        ),
    )
    .await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("USER_ID_REQUIRED"))
    );
    let (status, edited, _) = privacy
        .call(
            &http,
            authed(
                Method::PATCH,
                &one,
                &admin,
                Some(json!({"title": "Edited", "topic": "deals"})),
            ),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(
        (edited["title"].as_str(), edited["topic"].as_str()),
        (Some("Edited"), Some("deals"))
    );

    // Sent itself: no copy, and it leaves `pending`.
    let (status, sent, _) = call(
        &http,
        authed(
            Method::POST,
            &format!("{BASE}/admin/send-draft/{uuid}"),
            &admin,
            None,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    assert_eq!(sent["notificationId"], uuid);
    assert_eq!(sent["status"], "sending");
    assert_eq!(stored(&t).await, (1, 1));

    // Sent: not sent again, not edited, not deleted; each a 400 with a code, never a 500.
    let (status, answer, _) = call(
        &http,
        authed(
            Method::POST,
            &format!("{BASE}/admin/send-draft/{uuid}"),
            &admin,
            None,
        ),
    )
    .await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("NOTIFICATION_ALREADY_SENT"))
    );
    let (status, answer, _) = call(
        &http,
        authed(Method::PATCH, &one, &admin, Some(json!({"title": "x"}))),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        answer["message"],
        "Cannot update notification that has already been sent"
    );
    let (status, answer, _) = call(&http, authed(Method::DELETE, &one, &admin, None)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        answer["message"],
        "Cannot delete notification that has already been sent"
    );
    assert_eq!(stored(&t).await, (1, 1));

    // A draft is deleted.
    let (_, other, _) = call(&http, create(send_body())).await;
    let other = format!("{BASE}/admin/history/{}", other["uuid"].as_str().unwrap());
    let (status, answer, _) = call(&http, authed(Method::DELETE, &other, &admin, None)).await;
    assert_eq!(
        (status, answer["message"].as_str()),
        (StatusCode::OK, Some("Notification deleted successfully"))
    );
    let (status, answer, _) = call(&http, authed(Method::GET, &other, &admin, None)).await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("NOTIFICATION_NOT_FOUND"))
    );
    let (status, answer, _) = call(
        &http,
        authed(
            Method::GET,
            &format!("{BASE}/admin/history/nope"),
            &admin,
            None,
        ),
    )
    .await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("INVALID_PATH_PARAMETER"))
    );
}

#[tokio::test]
async fn the_history_pages_filters_and_totals_without_private_fields() {
    let t = app().await;
    let http = t.http().await;
    let admin = t.admin(&http, ADMIN).await;
    // A user with a push token, to send to; their token must never show.
    let (user, _) = t.login(&http, USER).await;
    let (status, _, _) = call(
        &http,
        authed(
            Method::PUT,
            "/api/v1/auth/setFirebase",
            &user,
            Some(json!({"token": "tok-private"})),
        ),
    )
    .await;
    assert!(status.is_success());
    let (_, me, _) = call(&http, authed(Method::GET, "/api/v1/auth/me", &user, None)).await;
    let mut privacy = Privacy::new();
    privacy.user(USER);
    privacy.keep(USER, "tok-private");
    let send = |body: Value| {
        authed(
            Method::POST,
            &format!("{BASE}/admin/send"),
            &admin,
            Some(body),
        )
    };
    for body in [
        json!({"title": "Sale 50%", "body": "one", "type": "all_users"}),
        json!({"title": "Personal", "body": "two", "type": "specific_user", "targetData": {"userId": me["uuid"]}}),
        json!({"title": "Topic", "body": "three", "type": "topic", "topic": "offers"}),
    ] {
        let (status, answer, _) = privacy.call(&http, send(body), None).await;
        assert_eq!(status, StatusCode::CREATED, "{answer}");
    }
    let (status, _, _) = call(
        &http,
        authed(
            Method::POST,
            &format!("{BASE}/admin/create"),
            &admin,
            Some(send_body()),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);

    let list = |query: &str| {
        authed(
            Method::GET,
            &format!("{BASE}/admin/history{query}"),
            &admin,
            None,
        )
    };
    let (status, page, _) = privacy.call(&http, list(""), None).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(
        (
            page["total"].as_u64(),
            page["page"].as_u64(),
            page["limit"].as_u64()
        ),
        (Some(4), Some(1), Some(10))
    );
    assert_eq!(page["data"].as_array().unwrap().len(), 4);
    let (_, page, _) = privacy.call(&http, list("?limit=3&page=2"), None).await;
    assert_eq!(
        (
            page["totalPages"].as_u64(),
            page["data"].as_array().unwrap().len()
        ),
        (Some(2), 1)
    );
    let (_, page, _) = privacy.call(&http, list("?type=specific_user"), None).await;
    assert_eq!(page["total"], 1);
    assert_eq!(page["data"][0]["title"], "Personal");
    assert!(page["data"][0]["sender"]["uuid"].is_string());
    // `%` matches itself.
    let (_, page, _) = privacy.call(&http, list("?search=50%25"), None).await;
    assert_eq!(
        (page["total"].as_u64(), page["data"][0]["title"].as_str()),
        (Some(1), Some("Sale 50%"))
    );
    let (_, page, _) = privacy.call(&http, list("?status=pending"), None).await;
    assert_eq!(page["total"], 1);
    let (_, page, _) = privacy
        .call(&http, list("?sortBy=title&sortOrder=asc"), None)
        .await;
    let titles: Vec<&str> = page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Hello", "Personal", "Sale 50%", "Topic"]);
    for (query, code) in [
        ("?limit=0", "INVALID_FIELD"),
        ("?limit=101", "INVALID_FIELD"),
        ("?page=0", "INVALID_FIELD"),
        ("?sortBy=password", "INVALID_FIELD"),
        ("?sortOrder=up", "INVALID_FIELD"),
        ("?type=spam", "INVALID_QUERY"),
        ("?page=x", "INVALID_QUERY"),
    ] {
        let (status, answer, _) = call(&http, list(query)).await;
        assert_eq!(
            (status, answer["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some(code)),
            "{query}: {answer}"
        );
    }

    // A range nothing falls in is an empty page, not a mistake.
    let (status, empty, _) = call(
        &http,
        list("?startDate=2026-12-02T00:00:00Z&endDate=2026-12-01T00:00:00Z"),
    )
    .await;
    assert_eq!(
        (status, &empty["total"], &empty["data"]),
        (StatusCode::OK, &json!(0), &json!([]))
    );

    let (status, stats, _) = privacy
        .call(
            &http,
            authed(Method::GET, &format!("{BASE}/admin/stats"), &admin, None),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{stats}");
    assert_eq!(stats["totalNotifications"], 4);
    assert_eq!(stats["totalRecipients"], 3);
    assert_eq!(stats["totalSuccessfulDeliveries"], 0);
    assert_eq!(stats["successRate"], 0);
    assert_eq!(stats["notificationsByType"]["all_users"], 2);
    assert_eq!(stats["notificationsByStatus"]["sending"], 3);
    assert_eq!(stats["notificationsByStatus"]["pending"], 1);
    // Public routes never mention notifications.
    let (status, _, _) = call(&http, get(&format!("{BASE}/admin/stats"))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
