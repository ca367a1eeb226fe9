//! The HTTP edge in-process against a real PostgreSQL: probes, docs, and JSON errors.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::{App, HttpResponse, test, web};
use alpha_auth::{Claims, JwtTokenSigner, TokenKind, TokenSigner};
use alpha_http_api::{HttpOptions, ServedFiles, build_app, with_request_limits};
use alpha_store::pool::{PgPool, PoolSettings, build_pool};
use alpha_testkit::TestDb;
use secrecy::ExposeSecret;
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

/// A pool on a port where nothing listens: every connection attempt is refused at once.
fn unreachable_pool() -> PgPool {
    build_pool(
        "postgresql://postgres@127.0.0.1:1/nowhere",
        PoolSettings {
            max_size: 1,
            wait_timeout: Duration::from_secs(1),
            statement_timeout: Duration::from_secs(1),
        },
    )
    .unwrap()
}

#[actix_web::test]
async fn readyz_is_503_when_the_database_is_unreachable() {
    let app = test::init_service(build_app(state_on(unreachable_pool()), &options())).await;
    let res = test::call_service(&app, test::TestRequest::get().uri("/readyz").to_request()).await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = test::read_body_json(res).await;
    assert_eq!(body["message"], "Database unreachable");
    assert!(
        !body.to_string().contains("127.0.0.1"),
        "no driver text leaks: {body}"
    );
}

/// `path` with each `{param}` replaced by a value of its documented type.
fn concrete(path: &str, operation: &Value) -> String {
    let mut uri = path.to_owned();
    for param in operation["parameters"].as_array().into_iter().flatten() {
        if param["in"] != "path" {
            continue;
        }
        let value = match param["schema"]["type"].as_str() {
            Some("integer") => "1",
            _ => "00000000-0000-4000-8000-000000000001",
        };
        uri = uri.replace(&format!("{{{}}}", param["name"].as_str().unwrap()), value);
    }
    uri
}

/// An access token the server's own signer would have issued, for a session it cannot look up.
fn access_token() -> String {
    let settings = api::settings(&[]);
    let now = chrono::Utc::now().timestamp();
    JwtTokenSigner::new(
        settings.auth.access_secret.expose_secret().as_bytes(),
        settings.auth.refresh_secret.expose_secret().as_bytes(),
    )
    .sign(
        TokenKind::Access,
        &Claims {
            uuid: uuid::Uuid::new_v4(),
            phone: None,
            sub: None,
            sid: Some(uuid::Uuid::new_v4()),
            jti: None,
            typ: Some(TokenKind::Access),
            iat: now,
            exp: now + 600,
        },
    )
    .unwrap()
}

/// With PostgreSQL gone, each operation of the document, called with a well-signed token, answers
/// a status it documents: 503 `SERVICE_UNAVAILABLE` where it needed the database, a 4xx where it
/// refused the request before. Never a 500, and never the driver's words.
#[actix_web::test]
async fn with_the_database_down_every_operation_answers_a_documented_503() {
    let app = test::init_service(build_app(state_on(unreachable_pool()), &options())).await;
    let doc: Value = test::call_and_read_body_json(
        &app,
        test::TestRequest::get()
            .uri("/api-docs/openapi.json")
            .to_request(),
    )
    .await;
    let token = access_token();
    let (mut unavailable, mut refused) = (Vec::new(), Vec::new());
    for (path, item) in doc["paths"].as_object().unwrap() {
        if !path.starts_with("/api/v1/") {
            continue;
        }
        for (method, operation) in item.as_object().unwrap() {
            let uri = concrete(path, operation);
            let mut request = test::TestRequest::default()
                .method(method.to_uppercase().parse().unwrap())
                .uri(&uri)
                .insert_header(("authorization", format!("Bearer {token}")));
            if operation["requestBody"]["content"]["application/json"].is_object() {
                request = request.set_json(serde_json::json!({}));
            }
            let res = test::call_service(&app, request.to_request()).await;
            let status = res.status();
            let text = String::from_utf8_lossy(&test::read_body(res).await).into_owned();
            let call = format!("{} {uri}", method.to_uppercase());
            assert!(
                operation["responses"][status.as_str()].is_object(),
                "{call}: {status} is not documented: {text}"
            );
            assert!(
                !text.contains("127.0.0.1") && !text.to_lowercase().contains("connection"),
                "{call}: driver text in {text}"
            );
            if status == StatusCode::SERVICE_UNAVAILABLE {
                let body: Value = serde_json::from_str(&text).unwrap();
                assert_eq!(body["code"], "SERVICE_UNAVAILABLE", "{call}: {text}");
                unavailable.push(call);
            } else {
                assert!(status.is_client_error(), "{call}: {status} {text}");
                refused.push(format!("{call} {status}"));
            }
        }
    }
    eprintln!(
        "database down: {} operations answered 503; refused before reaching it: {refused:?}",
        unavailable.len()
    );
    assert!(unavailable.len() > refused.len(), "{unavailable:?}");
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
