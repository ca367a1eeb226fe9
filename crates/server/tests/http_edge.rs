//! The HTTP edge in-process against a real PostgreSQL: probes, docs, and JSON errors.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::{App, HttpResponse, test, web};
use alpha_http_api::{HttpOptions, ServedFiles, build_app, with_request_limits};
use alpha_store::pool::{PgPool, PoolSettings, build_pool};
use alpha_testkit::TestDb;
use serde_json::Value;

mod api;

const BODY_LIMIT: usize = 1024;

fn options() -> HttpOptions {
    HttpOptions {
        body_limit_bytes: BODY_LIMIT,
        cors_allowed_origins: vec!["https://admin.example.tm".to_owned()],
        uploads: ServedFiles::Folder(alpha_testkit::default_uploads_dir()),
    }
}

/// The application's HTTP state as `serve` builds it, on any pool (one whose database is
/// unmigrated or unreachable included: building touches no database).
fn state_on(pool: PgPool) -> alpha_http_api::AppState {
    alpha_server::application::Application::build(
        &api::settings(&[]),
        pool,
        std::sync::Arc::new(alpha_kernel::SystemClock),
    )
    .unwrap()
    .state
}

fn state(db: &TestDb) -> alpha_http_api::AppState {
    let pool = build_pool(
        db.url(),
        PoolSettings {
            max_size: 2,
            wait_timeout: Duration::from_secs(2),
            statement_timeout: Duration::from_secs(5),
        },
    )
    .unwrap();
    state_on(pool)
}

#[actix_web::test]
async fn healthz_answers_without_touching_the_database() {
    let db = TestDb::empty().await;
    let app = test::init_service(build_app(state(&db), &options())).await;
    let res = test::call_service(&app, test::TestRequest::get().uri("/healthz").to_request()).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers().contains_key("x-request-id"));
    let body: Value = test::read_body_json(res).await;
    assert_eq!(body["status"], "ok");
}

#[actix_web::test]
async fn readyz_is_503_until_migrations_are_applied() {
    let db = TestDb::empty().await;
    let app = test::init_service(build_app(state(&db), &options())).await;
    let res = test::call_service(&app, test::TestRequest::get().uri("/readyz").to_request()).await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = test::read_body_json(res).await;
    assert_eq!(body["code"], "SERVICE_UNAVAILABLE");
    assert_eq!(body["message"], "Database migrations are pending");

    alpha_store::migrate::run_pending(db.url()).await.unwrap();
    let res = test::call_service(&app, test::TestRequest::get().uri("/readyz").to_request()).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = test::read_body_json(res).await;
    assert_eq!(body["status"], "ready");
}

#[actix_web::test]
async fn readyz_is_503_when_the_database_is_unreachable() {
    let pool = build_pool(
        "postgresql://postgres@127.0.0.1:1/nowhere",
        PoolSettings {
            max_size: 1,
            wait_timeout: Duration::from_secs(1),
            statement_timeout: Duration::from_secs(1),
        },
    )
    .unwrap();
    let app = test::init_service(build_app(state_on(pool), &options())).await;
    let res = test::call_service(&app, test::TestRequest::get().uri("/readyz").to_request()).await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = test::read_body_json(res).await;
    assert_eq!(body["message"], "Database unreachable");
    assert!(
        !body.to_string().contains("127.0.0.1"),
        "no driver text leaks: {body}"
    );
}

#[actix_web::test]
async fn unknown_routes_get_a_json_404() {
    let db = TestDb::empty().await;
    let app = test::init_service(build_app(state(&db), &options())).await;
    let res = test::call_service(
        &app,
        test::TestRequest::post()
            .uri("/api/v1/nothing-here")
            .to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let body: Value = test::read_body_json(res).await;
    assert_eq!(body["code"], "NOT_FOUND");
    assert_eq!(body["statusCode"], 404);
    assert_eq!(body["message"], "Cannot POST /api/v1/nothing-here");
}

#[actix_web::test]
async fn openapi_document_is_served_and_lists_every_route() {
    let db = TestDb::empty().await;
    let app = test::init_service(build_app(state(&db), &options())).await;
    let res = test::call_service(
        &app,
        test::TestRequest::get()
            .uri("/api-docs/openapi.json")
            .to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let doc: Value = test::read_body_json(res).await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert_eq!(doc["info"]["title"], "Alpha Motors API");
    for path in ["/healthz", "/readyz"] {
        assert!(doc["paths"][path]["get"].is_object(), "{path} documented");
    }
    let ui = test::call_service(
        &app,
        test::TestRequest::get().uri("/api-docs/").to_request(),
    )
    .await;
    assert_eq!(ui.status(), StatusCode::OK);
}

#[derive(serde::Deserialize)]
struct Probe {
    #[allow(dead_code)]
    name: String,
}

async fn probe(_body: web::Json<Probe>) -> HttpResponse {
    HttpResponse::Ok().finish()
}

async fn probe_app() -> impl actix_web::dev::Service<
    actix_http::Request,
    Response = actix_web::dev::ServiceResponse,
    Error = actix_web::Error,
> {
    test::init_service(with_request_limits(
        App::new().route("/probe", web::post().to(probe)),
        BODY_LIMIT,
    ))
    .await
}

async fn post(body: &'static str, content_type: &str) -> (StatusCode, Value) {
    let app = probe_app().await;
    let req = test::TestRequest::post()
        .uri("/probe")
        .insert_header(("content-type", content_type))
        .set_payload(body)
        .to_request();
    let res = test::call_service(&app, req).await;
    let status = res.status();
    (status, test::read_body_json(res).await)
}

#[actix_web::test]
async fn malformed_json_is_a_400_with_a_code() {
    let (status, body) = post("{\"name\": ", "application/json").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "INVALID_JSON");
}

#[actix_web::test]
async fn wrongly_typed_json_is_a_400_with_a_code() {
    let (status, body) = post("{\"name\": 5}", "application/json").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "INVALID_BODY");
}

#[actix_web::test]
async fn non_json_content_type_is_a_415_with_a_code() {
    let (status, body) = post("name=x", "application/x-www-form-urlencoded").await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(body["code"], "UNSUPPORTED_MEDIA_TYPE");
}

#[actix_web::test]
async fn oversized_body_is_a_413_with_a_code() {
    let big: &'static str =
        Box::leak(format!("{{\"name\": \"{}\"}}", "x".repeat(4096)).into_boxed_str());
    let (status, body) = post(big, "application/json").await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body["code"], "PAYLOAD_TOO_LARGE");
}

#[actix_web::test]
async fn cors_allows_only_configured_origins() {
    let db = TestDb::empty().await;
    let app = test::init_service(build_app(state(&db), &options())).await;
    let preflight = |origin: &'static str| {
        test::TestRequest::default()
            .method(actix_web::http::Method::OPTIONS)
            .uri("/healthz")
            .insert_header(("origin", origin))
            .insert_header(("access-control-request-method", "GET"))
            .to_request()
    };
    let allowed = test::call_service(&app, preflight("https://admin.example.tm")).await;
    assert_eq!(
        allowed
            .headers()
            .get("access-control-allow-origin")
            .unwrap(),
        "https://admin.example.tm"
    );
    let refused = test::call_service(&app, preflight("https://evil.example")).await;
    assert!(
        refused
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}
