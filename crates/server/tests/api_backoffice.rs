//! The back office through the real application and PostgreSQL: the admin user routes (#11–14),
//! `/admins` (#114–116), the moderation queue and its decisions, and the audit trail of admin
//! writes. Every guard (anonymous 401, user 403, deleted user 401 `USER_DELETED`), every bad
//! input a 4xx JSON answer with a code, and no private field in any answer (S7).
#![allow(clippy::unwrap_used)]

mod api;

use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::{Method, StatusCode};
use alpha_testkit::{TestApp, TestSocket};
use api::community::{User, community_app, post, sql, user as enrol};
use api::privacy::{Privacy, assert_error};
use api::{authed, call};
use serde_json::{Value, json};

const ADMIN: &str = "99361999999";
const OTHER_ADMIN: &str = "99361999998";
const SELLER: &str = "99361999991";
const BUYER: &str = "99361999992";

/// What admins may see of others (phones, e-mails) is theirs to see; push tokens never are.
fn admin_view(users: &[&User]) -> Privacy {
    let mut privacy = Privacy::new();
    for user in users {
        privacy.keep("nobody", &format!("fcm-token-of-{}", user.phone));
    }
    privacy
}

async fn count(t: &TestApp, query: &str) -> i64 {
    let mut conn = t.db().conn().await;
    diesel_async::RunQueryDsl::get_result(
        diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(&format!(
            "({query})"
        ))),
        &mut conn,
    )
    .await
    .unwrap()
}

async fn as_admin<S, B>(
    app: &S,
    privacy: &Privacy,
    token: &str,
    method: Method,
    uri: &str,
    body: Option<Value>,
) -> (StatusCode, Value)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let (status, body, _) = privacy
        .call(app, authed(method, uri, token, body), None)
        .await;
    (status, body)
}

#[actix_web::test]
async fn every_back_office_route_refuses_anonymous_callers_and_users() {
    let (t, _dir) = community_app().await;
    let app = t.http().await;
    let mut privacy = Privacy::new();
    let seller = enrol(&t, &app, &mut privacy, SELLER, "Seller").await;
    let post = post(&app, &seller).await;
    let routes = [
        (Method::GET, "/api/v1/auth/users".to_owned(), None),
        (Method::GET, format!("/api/v1/auth/{}", seller.uuid), None),
        (
            Method::PATCH,
            format!("/api/v1/auth/{}", seller.uuid),
            Some(json!({"role": "admin"})),
        ),
        (
            Method::DELETE,
            format!("/api/v1/auth/{}", seller.uuid),
            None,
        ),
        (Method::GET, "/api/v1/admins".to_owned(), None),
        (Method::GET, format!("/api/v1/admins/{}", seller.uuid), None),
        (
            Method::PATCH,
            format!("/api/v1/admins/{}", seller.uuid),
            Some(json!({"name": "x"})),
        ),
        (Method::GET, "/api/v1/admin/posts".to_owned(), None),
        (
            Method::POST,
            format!("/api/v1/admin/posts/{post}/moderation"),
            Some(json!({"status": "approved"})),
        ),
        (Method::GET, "/api/v1/admin/audit".to_owned(), None),
    ];
    for (method, uri, body) in &routes {
        let mut req = actix_web::test::TestRequest::default()
            .method(method.clone())
            .uri(uri)
            .peer_addr(alpha_testkit::CLIENT.parse().unwrap());
        if let Some(body) = body {
            req = req.set_json(body);
        }
        let (status, err, _) = privacy.call(&app, req.to_request(), None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {uri}: {err}");
        assert!(err["code"].is_string(), "{err}");
        privacy
            .refused(
                &app,
                authed(method.clone(), uri, &seller.token, body.clone()),
                Some(SELLER),
                StatusCode::FORBIDDEN,
                "FORBIDDEN",
            )
            .await;
    }
    assert_eq!(
        count(&t, "SELECT count(*) FROM users WHERE role = 'user'").await,
        1,
        "nothing changed"
    );
    assert_eq!(count(&t, "SELECT count(*) FROM audit_log").await, 0);
}

#[actix_web::test]
async fn admins_page_and_search_users_without_private_fields() {
    let (t, _dir) = community_app().await;
    let app = t.http().await;
    let mut privacy = Privacy::new();
    let seller = enrol(&t, &app, &mut privacy, SELLER, "Seller Aman").await;
    let buyer = enrol(&t, &app, &mut privacy, BUYER, "Buyer Merdan").await;
    let admin = t.admin(&app, ADMIN).await;
    let view = admin_view(&[&seller, &buyer]);

    let (status, page) =
        as_admin(&app, &view, &admin, Method::GET, "/api/v1/auth/users", None).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["count"], 3);
    assert_eq!(page["rows"].as_array().unwrap().len(), 3);
    let first = &page["rows"][0];
    assert_eq!(first["role"], "admin", "newest first: {page}");

    let (_, page) = as_admin(
        &app,
        &view,
        &admin,
        Method::GET,
        "/api/v1/auth/users?search=merdan",
        None,
    )
    .await;
    assert_eq!(page["count"], 1, "{page}");
    assert_eq!(page["rows"][0]["uuid"], buyer.uuid.as_str());
    assert_eq!(page["rows"][0]["pushEnabled"], true);
    assert_eq!(page["rows"][0]["email"], format!("u{BUYER}@mail.test"));

    let (_, page) = as_admin(
        &app,
        &view,
        &admin,
        Method::GET,
        "/api/v1/auth/users?search=999991",
        None,
    )
    .await;
    assert_eq!(
        page["rows"][0]["uuid"],
        seller.uuid.as_str(),
        "by phone: {page}"
    );

    let (_, page) = as_admin(
        &app,
        &view,
        &admin,
        Method::GET,
        "/api/v1/auth/users?limit=1&offset=1",
        None,
    )
    .await;
    assert_eq!(
        (
            page["count"].as_u64(),
            page["rows"].as_array().unwrap().len()
        ),
        (Some(3), 1)
    );

    let (_, page) = as_admin(
        &app,
        &view,
        &admin,
        Method::GET,
        "/api/v1/auth/users?role=user",
        None,
    )
    .await;
    assert_eq!(page["count"], 2);

    let (status, one) = as_admin(
        &app,
        &view,
        &admin,
        Method::GET,
        &format!("/api/v1/auth/{}", seller.uuid),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one["name"], "Seller Aman");
    assert_eq!(one["phone"], format!("+{SELLER}"));

    for (uri, status, code) in [
        (
            "/api/v1/auth/users?limit=0",
            StatusCode::BAD_REQUEST,
            "INVALID_FIELD",
        ),
        (
            "/api/v1/auth/users?limit=abc",
            StatusCode::BAD_REQUEST,
            "INVALID_QUERY",
        ),
        (
            "/api/v1/auth/users?role=king",
            StatusCode::BAD_REQUEST,
            "INVALID_QUERY",
        ),
        (
            "/api/v1/auth/not-a-uuid",
            StatusCode::BAD_REQUEST,
            "INVALID_PATH_PARAMETER",
        ),
        (
            "/api/v1/auth/00000000-0000-4000-8000-000000000000",
            StatusCode::NOT_FOUND,
            "USER_NOT_FOUND",
        ),
    ] {
        view.refused(
            &app,
            authed(Method::GET, uri, &admin, None),
            None,
            status,
            code,
        )
        .await;
    }
}

#[actix_web::test]
async fn admins_edit_users_within_the_rules() {
    let (t, _dir) = community_app().await;
    let app = t.http().await;
    let mut privacy = Privacy::new();
    let seller = enrol(&t, &app, &mut privacy, SELLER, "Seller").await;
    let buyer = enrol(&t, &app, &mut privacy, BUYER, "Buyer").await;
    let admin = t.admin(&app, ADMIN).await;
    let (_, me, _) = call(&app, authed(Method::GET, "/api/v1/auth/me", &admin, None)).await;
    let admin_uuid = me["uuid"].as_str().unwrap().to_owned();
    let view = admin_view(&[&seller, &buyer]);
    let seller_uri = format!("/api/v1/auth/{}", seller.uuid);

    let (status, edited) = as_admin(
        &app,
        &view,
        &admin,
        Method::PATCH,
        &seller_uri,
        Some(json!({"name": "Renamed", "role": "owner", "access": ["posts"], "status": true, "location": null})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(
        (
            &edited["name"],
            &edited["role"],
            &edited["access"],
            &edited["status"],
            &edited["location"]
        ),
        (
            &json!("Renamed"),
            &json!("owner"),
            &json!(["posts"]),
            &json!(true),
            &Value::Null
        )
    );

    for (body, status, code) in [
        (
            json!({"email": format!("u{BUYER}@mail.test")}),
            StatusCode::CONFLICT,
            "EMAIL_TAKEN",
        ),
        (json!({"phone": BUYER}), StatusCode::CONFLICT, "PHONE_TAKEN"),
        (
            json!({"role": "king"}),
            StatusCode::BAD_REQUEST,
            "INVALID_BODY",
        ),
        (
            json!({"email": "not an address"}),
            StatusCode::BAD_REQUEST,
            "INVALID_EMAIL",
        ),
        (
            json!({"phone": "12"}),
            StatusCode::BAD_REQUEST,
            "INVALID_PHONE",
        ),
        (
            json!({"name": "x".repeat(256)}),
            StatusCode::BAD_REQUEST,
            "VALUE_TOO_LONG",
        ),
        (
            json!({"access": vec!["a"; 65]}),
            StatusCode::BAD_REQUEST,
            "INVALID_FIELD",
        ),
        (
            json!({"status": "yes"}),
            StatusCode::BAD_REQUEST,
            "INVALID_BODY",
        ),
    ] {
        view.refused(
            &app,
            authed(Method::PATCH, &seller_uri, &admin, Some(body.clone())),
            None,
            status,
            code,
        )
        .await;
    }
    let (_, unchanged) = as_admin(&app, &view, &admin, Method::GET, &seller_uri, None).await;
    assert_eq!(
        unchanged["phone"],
        format!("+{SELLER}"),
        "refused edits change nothing"
    );
    assert_eq!(unchanged["name"], "Renamed");

    let (status, moved) = as_admin(
        &app,
        &view,
        &admin,
        Method::PATCH,
        &seller_uri,
        Some(json!({"phone": "+99365123456"})),
    )
    .await;
    assert_eq!(
        (status, &moved["phone"]),
        (StatusCode::OK, &json!("+99365123456"))
    );

    view.refused(
        &app,
        authed(
            Method::PATCH,
            &format!("/api/v1/auth/{admin_uuid}"),
            &admin,
            Some(json!({"role": "user"})),
        ),
        None,
        StatusCode::CONFLICT,
        "OWN_ADMIN_ROLE",
    )
    .await;
    view.refused(
        &app,
        authed(
            Method::PATCH,
            "/api/v1/auth/00000000-0000-4000-8000-000000000000",
            &admin,
            Some(json!({"name": "x"})),
        ),
        None,
        StatusCode::NOT_FOUND,
        "USER_NOT_FOUND",
    )
    .await;

    // A user made admin may use the back office at once; demoted, not any more.
    let (status, _) = as_admin(
        &app,
        &view,
        &admin,
        Method::PATCH,
        &format!("/api/v1/auth/{}", buyer.uuid),
        Some(json!({"role": "admin"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = as_admin(
        &app,
        &view,
        &buyer.token,
        Method::GET,
        "/api/v1/admins",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = as_admin(
        &app,
        &view,
        &admin,
        Method::PATCH,
        &format!("/api/v1/auth/{}", buyer.uuid),
        Some(json!({"role": "user"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    view.refused(
        &app,
        authed(Method::GET, "/api/v1/admins", &buyer.token, None),
        None,
        StatusCode::FORBIDDEN,
        "FORBIDDEN",
    )
    .await;
}

#[actix_web::test]
async fn admins_routes_answer_for_admins_only() {
    let (t, _dir) = community_app().await;
    let app = t.http().await;
    let mut privacy = Privacy::new();
    let seller = enrol(&t, &app, &mut privacy, SELLER, "Seller").await;
    let admin = t.admin(&app, ADMIN).await;
    let other = t.admin(&app, OTHER_ADMIN).await;
    let (_, me, _) = call(&app, authed(Method::GET, "/api/v1/auth/me", &other, None)).await;
    let other_uuid = me["uuid"].as_str().unwrap().to_owned();
    let view = admin_view(&[&seller]);

    let (status, page) = as_admin(&app, &view, &admin, Method::GET, "/api/v1/admins", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["count"], 2, "{page}");
    assert!(
        page["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["role"] == "admin")
    );

    let (status, one) = as_admin(
        &app,
        &view,
        &admin,
        Method::GET,
        &format!("/api/v1/admins/{other_uuid}"),
        None,
    )
    .await;
    assert_eq!((status, &one["uuid"]), (StatusCode::OK, &json!(other_uuid)));
    view.refused(
        &app,
        authed(
            Method::GET,
            &format!("/api/v1/admins/{}", seller.uuid),
            &admin,
            None,
        ),
        None,
        StatusCode::NOT_FOUND,
        "ADMIN_NOT_FOUND",
    )
    .await;

    let (status, done) = as_admin(
        &app,
        &view,
        &admin,
        Method::PATCH,
        &format!("/api/v1/admins/{other_uuid}"),
        Some(json!({"name": "Operator", "access": ["posts", "users"], "password": "ignored"})),
    )
    .await;
    assert_eq!(
        (status, done),
        (StatusCode::OK, json!({"message": "Updated Admin"}))
    );
    let (_, one) = as_admin(
        &app,
        &view,
        &admin,
        Method::GET,
        &format!("/api/v1/admins/{other_uuid}"),
        None,
    )
    .await;
    assert_eq!(
        (&one["name"], &one["access"]),
        (&json!("Operator"), &json!(["posts", "users"]))
    );
    view.refused(
        &app,
        authed(
            Method::PATCH,
            &format!("/api/v1/admins/{}", seller.uuid),
            &admin,
            Some(json!({"name": "x"})),
        ),
        None,
        StatusCode::NOT_FOUND,
        "ADMIN_NOT_FOUND",
    )
    .await;
    assert_eq!(
        count(&t, "SELECT count(*) FROM users WHERE name = 'x'").await,
        0
    );
}

#[actix_web::test]
async fn deleting_a_user_ends_their_sessions_and_sockets_at_once_and_keeps_their_posts() {
    let (t, _dir) = community_app().await;
    let app = t.http().await;
    let mut privacy = Privacy::new();
    let seller = enrol(&t, &app, &mut privacy, SELLER, "Seller").await;
    let post = post(&app, &seller).await;
    let admin = t.admin(&app, ADMIN).await;
    let (_, me, _) = call(&app, authed(Method::GET, "/api/v1/auth/me", &admin, None)).await;
    let admin_uuid = me["uuid"].as_str().unwrap().to_owned();
    let view = admin_view(&[&seller]);
    let mut socket = TestSocket::client(&t.clients_url, &seller.token).await;

    let (status, done) = as_admin(
        &app,
        &view,
        &admin,
        Method::DELETE,
        &format!("/api/v1/auth/{}", seller.uuid),
        None,
    )
    .await;
    assert_eq!(
        (status, done),
        (
            StatusCode::OK,
            json!({"message": "User Successfully deleted"})
        )
    );
    // Well within the gateway's periodic revalidation: the deletion itself closes it.
    socket
        .next_within("close", std::time::Duration::from_secs(2))
        .await;
    let (status, err) = as_admin(
        &app,
        &view,
        &seller.token,
        Method::GET,
        "/api/v1/auth/me",
        None,
    )
    .await;
    assert_error(status, &err, StatusCode::UNAUTHORIZED, "USER_DELETED");
    assert_eq!(
        count(
            &t,
            &format!(
                "SELECT count(*) FROM sessions WHERE user_id = '{}'",
                seller.uuid
            )
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &t,
            &format!("SELECT count(*) FROM posts WHERE uuid = '{post}' AND \"userId\" IS NULL")
        )
        .await,
        1,
        "kept without an owner by default"
    );

    view.refused(
        &app,
        authed(
            Method::DELETE,
            &format!("/api/v1/auth/{}", seller.uuid),
            &admin,
            None,
        ),
        None,
        StatusCode::NOT_FOUND,
        "USER_NOT_FOUND",
    )
    .await;
    view.refused(
        &app,
        authed(
            Method::DELETE,
            &format!("/api/v1/auth/{admin_uuid}"),
            &admin,
            None,
        ),
        None,
        StatusCode::CONFLICT,
        "OWN_ACCOUNT",
    )
    .await;
    assert_eq!(
        count(&t, "SELECT count(*) FROM users WHERE role = 'admin'").await,
        1
    );

    let (_, trail) = as_admin(
        &app,
        &view,
        &admin,
        Method::GET,
        &format!("/api/v1/admin/audit?target={}", seller.uuid),
        None,
    )
    .await;
    assert_eq!(
        trail["count"], 1,
        "refused deletes are not recorded: {trail}"
    );
    assert_eq!(trail["rows"][0]["action"], "DELETE /api/v1/auth/{uuid}");
    assert_eq!(trail["rows"][0]["actorId"], admin_uuid.as_str());
    assert_eq!(trail["rows"][0]["status"], 200);
}

#[actix_web::test]
async fn with_removal_configured_a_deleted_users_content_goes_too() {
    let (t, _dir) = api::upload::app_with(&[
        ("ALPHA__OTP__IP_SEND_LIMIT", "1000"),
        ("ALPHA__OTP__IP_VERIFY_LIMIT", "1000"),
        ("ALPHA__USERS__DELETED_CONTENT", "remove"),
    ])
    .await;
    let app = t.http().await;
    let mut privacy = Privacy::new();
    let seller = enrol(&t, &app, &mut privacy, SELLER, "Seller").await;
    let buyer = enrol(&t, &app, &mut privacy, BUYER, "Buyer").await;
    let kept = post(&app, &buyer).await;
    let gone = post(&app, &seller).await;
    let (status, body, _) = call(
        &app,
        authed(
            Method::POST,
            "/api/v1/comments",
            &seller.token,
            Some(json!({"postId": kept, "message": "Still for sale?"})),
        ),
    )
    .await;
    assert!(status.is_success(), "{status} {body}");
    let admin = t.admin(&app, ADMIN).await;
    let view = admin_view(&[&seller, &buyer]);

    let (status, _) = as_admin(
        &app,
        &view,
        &admin,
        Method::DELETE,
        &format!("/api/v1/auth/{}", seller.uuid),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        count(
            &t,
            &format!("SELECT count(*) FROM posts WHERE uuid = '{gone}'")
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &t,
            &format!("SELECT count(*) FROM posts WHERE uuid = '{kept}'")
        )
        .await,
        1
    );
    assert_eq!(count(&t, "SELECT count(*) FROM comments").await, 0);
}

#[actix_web::test]
async fn the_moderation_queue_serves_pending_posts_oldest_first_and_records_decisions() {
    let (t, _dir) = community_app().await;
    let app = t.http().await;
    let mut privacy = Privacy::new();
    let seller = enrol(&t, &app, &mut privacy, SELLER, "Seller").await;
    let first = post(&app, &seller).await;
    sql(
        &t,
        &format!(
            "UPDATE posts SET \"createdAt\" = now() - interval '1 hour' WHERE uuid = '{first}'"
        ),
    )
    .await;
    let second = post(&app, &seller).await;
    let admin = t.admin(&app, ADMIN).await;
    let (_, me, _) = call(&app, authed(Method::GET, "/api/v1/auth/me", &admin, None)).await;
    let admin_uuid = me["uuid"].as_str().unwrap().to_owned();
    let view = admin_view(&[&seller]);

    let (status, queue) = as_admin(
        &app,
        &view,
        &admin,
        Method::GET,
        "/api/v1/admin/posts",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{queue}");
    assert_eq!(queue["count"], 2);
    let order: Vec<&str> = queue["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["uuid"].as_str().unwrap())
        .collect();
    assert_eq!(order, [first.as_str(), second.as_str()]);

    let decide = |uuid: &str| format!("/api/v1/admin/posts/{uuid}/moderation");
    let (status, done) = as_admin(
        &app,
        &view,
        &admin,
        Method::POST,
        &decide(&first),
        Some(json!({"status": "approved"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(
        (&done["status"], &done["moderatedBy"]),
        (&json!(true), &json!(admin_uuid))
    );
    let (status, done) = as_admin(
        &app,
        &view,
        &admin,
        Method::POST,
        &decide(&second),
        Some(json!({"status": "declined", "reason": "Blurry photos"})),
    )
    .await;
    assert_eq!((status, &done["status"]), (StatusCode::OK, &json!(false)));

    let (_, queue) = as_admin(
        &app,
        &view,
        &admin,
        Method::GET,
        "/api/v1/admin/posts",
        None,
    )
    .await;
    assert_eq!(queue["count"], 0, "{queue}");
    let (_, declined) = as_admin(
        &app,
        &view,
        &admin,
        Method::GET,
        "/api/v1/admin/posts?status=declined",
        None,
    )
    .await;
    assert_eq!(declined["rows"][0]["uuid"], second.as_str());
    let (_, feed, _) = call(&app, api::get("/api/v1/posts?status=true")).await;
    assert_eq!(feed["count"], 1, "the approved one is in the feed: {feed}");

    assert_eq!(
        count(
            &t,
            &format!(
                "SELECT count(*) FROM post_moderations WHERE \"postId\" = '{second}' AND status = false \
                 AND reason = 'Blurry photos' AND \"moderatorId\" = '{admin_uuid}'"
            )
        )
        .await,
        1
    );
    // An admin's status through PUT /posts is a decision too.
    let (status, _) = as_admin(
        &app,
        &view,
        &admin,
        Method::PUT,
        &format!("/api/v1/posts/{second}"),
        Some(json!({"status": true})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        count(
            &t,
            &format!("SELECT count(*) FROM post_moderations WHERE \"postId\" = '{second}'")
        )
        .await,
        2
    );

    for (uri, body, status, code) in [
        (
            decide(&first),
            json!({"status": "maybe"}),
            StatusCode::BAD_REQUEST,
            "INVALID_BODY",
        ),
        (
            decide(&first),
            json!({"status": "declined", "reason": "x".repeat(1001)}),
            StatusCode::BAD_REQUEST,
            "INVALID_FIELD",
        ),
        (
            decide(&first),
            json!({"status": "declined", "extra": 1}),
            StatusCode::BAD_REQUEST,
            "INVALID_BODY",
        ),
        (
            decide("00000000-0000-4000-8000-000000000000"),
            json!({"status": "approved"}),
            StatusCode::NOT_FOUND,
            "POST_NOT_FOUND",
        ),
        (
            decide("nope"),
            json!({"status": "approved"}),
            StatusCode::BAD_REQUEST,
            "INVALID_PATH_PARAMETER",
        ),
    ] {
        view.refused(
            &app,
            authed(Method::POST, &uri, &admin, Some(body)),
            None,
            status,
            code,
        )
        .await;
    }
    view.refused(
        &app,
        authed(Method::GET, "/api/v1/admin/posts?limit=101", &admin, None),
        None,
        StatusCode::BAD_REQUEST,
        "INVALID_FIELD",
    )
    .await;
    view.refused(
        &app,
        authed(Method::GET, "/api/v1/admin/posts?status=gone", &admin, None),
        None,
        StatusCode::BAD_REQUEST,
        "INVALID_QUERY",
    )
    .await;

    let (_, trail) = as_admin(
        &app,
        &view,
        &admin,
        Method::GET,
        "/api/v1/admin/audit",
        None,
    )
    .await;
    let actions: Vec<&str> = trail["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "PUT /api/v1/posts/{uuid}",
            "POST /api/v1/admin/posts/{uuid}/moderation",
            "POST /api/v1/admin/posts/{uuid}/moderation",
        ],
        "newest first, successes only, and the seller's own writes are not admin writes"
    );
    assert_eq!(trail["rows"][1]["target"], second.as_str());
    let (_, mine) = as_admin(
        &app,
        &view,
        &admin,
        Method::GET,
        &format!("/api/v1/admin/audit?actor={admin_uuid}&limit=1"),
        None,
    )
    .await;
    assert_eq!(
        (
            mine["count"].as_u64(),
            mine["rows"].as_array().unwrap().len()
        ),
        (Some(3), 1)
    );
    view.refused(
        &app,
        authed(Method::GET, "/api/v1/admin/audit?limit=0", &admin, None),
        None,
        StatusCode::BAD_REQUEST,
        "INVALID_FIELD",
    )
    .await;
}

#[actix_web::test]
async fn a_deleted_admins_token_is_refused_and_catalog_and_push_writes_are_audited() {
    let (t, _dir) = community_app().await;
    let app = t.http().await;
    let admin = t.admin(&app, ADMIN).await;
    let other = t.admin(&app, OTHER_ADMIN).await;
    let (_, me, _) = call(&app, authed(Method::GET, "/api/v1/auth/me", &other, None)).await;
    let other_uuid = me["uuid"].as_str().unwrap().to_owned();
    let view = Privacy::new();

    let (status, brand) = as_admin(
        &app,
        &view,
        &other,
        Method::POST,
        "/api/v1/brands",
        Some(json!({"name": "Lada"})),
    )
    .await;
    assert!(status.is_success(), "{status} {brand}");
    let (status, draft) = as_admin(
        &app,
        &view,
        &other,
        Method::POST,
        "/api/v1/notifications/admin/create",
        Some(json!({"title": "Hello", "body": "World", "type": "all_users"})),
    )
    .await;
    assert!(status.is_success(), "{status} {draft}");

    let (status, _) = as_admin(
        &app,
        &view,
        &admin,
        Method::DELETE,
        &format!("/api/v1/auth/{other_uuid}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    for (method, uri) in [
        (Method::GET, "/api/v1/auth/users"),
        (Method::GET, "/api/v1/admins"),
        (Method::GET, "/api/v1/admin/audit"),
        (Method::GET, "/api/v1/admin/posts"),
    ] {
        view.refused(
            &app,
            authed(method, uri, &other, None),
            None,
            StatusCode::UNAUTHORIZED,
            "USER_DELETED",
        )
        .await;
    }

    let (_, trail) = as_admin(
        &app,
        &view,
        &admin,
        Method::GET,
        &format!("/api/v1/admin/audit?actor={other_uuid}"),
        None,
    )
    .await;
    let actions: Vec<&str> = trail["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "POST /api/v1/notifications/admin/create",
            "POST /api/v1/brands"
        ],
        "the trail outlives its actor's account"
    );
}

#[actix_web::test]
async fn a_deleted_users_waiting_pushes_are_cancelled_and_counted_as_failed() {
    let (t, _dir) = community_app().await;
    let app = t.http().await;
    let mut privacy = Privacy::new();
    let buyer = enrol(&t, &app, &mut privacy, BUYER, "Buyer").await;
    let admin = t.admin(&app, ADMIN).await;
    let view = admin_view(&[&buyer]);
    let (status, sent) = as_admin(
        &app,
        &view,
        &admin,
        Method::POST,
        "/api/v1/notifications/admin/send",
        Some(json!({
            "title": "Tomorrow",
            "body": "Your plan renews",
            "type": "specific_user",
            "targetData": {"userId": buyer.uuid},
            "scheduledFor": "2099-01-01T00:00:00Z",
        })),
    )
    .await;
    assert!(status.is_success(), "{status} {sent}");
    let waiting = format!(
        "SELECT count(*) FROM notification_outbox WHERE user_id = '{}' AND status = 'pending'",
        buyer.uuid
    );
    assert_eq!(count(&t, &waiting).await, 1);

    let (status, _) = as_admin(
        &app,
        &view,
        &admin,
        Method::DELETE,
        &format!("/api/v1/auth/{}", buyer.uuid),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        count(
            &t,
            "SELECT count(*) FROM notification_outbox WHERE status = 'failed' \
             AND last_error = 'recipient deleted'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &t,
            "SELECT count(*) FROM notification_history WHERE status = 'failed' \
             AND \"failedDeliveries\" = 1 AND \"totalRecipients\" = 1"
        )
        .await,
        1,
        "the send's history counts it"
    );
}
