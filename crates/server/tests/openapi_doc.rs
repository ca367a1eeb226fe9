//! The served OpenAPI document describes what the server does (issue 8 item 19; the full check is
//! `scripts/schemathesis.sh`): unrouted methods answer 405, path parameters carry their format,
//! body errors are documented, required fields are marked required.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use actix_web::http::{Method, StatusCode};
use actix_web::test;
use alpha_http_api::build_app;
use alpha_store::pool::{PoolSettings, build_pool};
use serde_json::Value;

mod api;

const METHODS: [&str; 9] = [
    "GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE", "QUERY",
];

/// The real application. Nothing here reaches the database: the pool points nowhere.
async fn app() -> impl actix_web::dev::Service<
    actix_http::Request,
    Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody + use<>>,
    Error = actix_web::Error,
> + use<> {
    let pool = build_pool(
        "postgresql://postgres@127.0.0.1:1/nowhere",
        PoolSettings {
            max_size: 1,
            wait_timeout: Duration::from_secs(1),
            statement_timeout: Duration::from_secs(1),
        },
    )
    .unwrap();
    let app = alpha_server::application::Application::build(
        &api::settings(&[]),
        pool,
        std::sync::Arc::new(alpha_kernel::SystemClock),
    )
    .unwrap();
    test::init_service(build_app(app.state.clone(), &app.http)).await
}

async fn document<S, B>(app: &S) -> Value
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let res = test::call_service(
        app,
        test::TestRequest::get()
            .uri("/api-docs/openapi.json")
            .to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    test::read_body_json(res).await
}

/// `(method, operation)` of every operation in the document, with its path.
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut found = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            if METHODS.contains(&method.to_ascii_uppercase().as_str()) {
                found.push((path.clone(), method.to_ascii_uppercase(), operation.clone()));
            }
        }
    }
    assert!(
        found.len() >= 10,
        "the document lists the routes: {found:?}"
    );
    found
}

/// A concrete path for a template: every `{param}` filled with a uuid.
fn concrete(template: &str) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').unwrap() + start;
        out.push_str("7c9e6679-7425-40de-944b-e07fc1f90ae7");
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// Whether `template` (with `{param}` segments) matches the concrete `uri`.
fn template_matches(template: &str, uri: &str) -> bool {
    let (t, u): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), uri.split('/').collect());
    t.len() == u.len()
        && t.iter()
            .zip(&u)
            .all(|(t, u)| t == u || (t.starts_with('{') && t.ends_with('}')))
}

#[actix_web::test]
async fn every_undocumented_method_on_a_documented_path_is_a_json_405_with_allow() {
    let app = app().await;
    let doc = document(&app).await;
    for (path, item) in doc["paths"].as_object().unwrap() {
        let documented: Vec<String> = item
            .as_object()
            .unwrap()
            .keys()
            .map(|m| m.to_ascii_uppercase())
            .filter(|m| METHODS.contains(&m.as_str()))
            .collect();
        let uri = concrete(path);
        for method in METHODS {
            if documented.iter().any(|m| m == method) {
                continue;
            }
            // `GET /brands/history` is `GET /brands/{uuid}` with a malformed uuid, not a 405.
            let served_elsewhere = doc["paths"]
                .as_object()
                .unwrap()
                .iter()
                .any(|(other, item)| {
                    other != path
                        && template_matches(other, &uri)
                        && item.get(method.to_ascii_lowercase()).is_some()
                });
            if served_elsewhere {
                continue;
            }
            let req = test::TestRequest::default()
                .method(Method::from_bytes(method.as_bytes()).unwrap())
                .uri(&uri)
                .to_request();
            let res = test::call_service(&app, req).await;
            assert_eq!(
                res.status(),
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {uri}"
            );
            let allow = res.headers().get("allow").unwrap().to_str().unwrap();
            let mut allowed: Vec<&str> = allow.split(", ").collect();
            allowed.sort_unstable();
            let mut expected: Vec<&str> = documented.iter().map(String::as_str).collect();
            expected.sort_unstable();
            assert_eq!(allowed, expected, "Allow of {method} {uri}");
            if method != "HEAD" {
                let body: Value = test::read_body_json(res).await;
                assert_eq!(body["statusCode"], 405, "{method} {uri}: {body}");
                assert_eq!(body["code"], "METHOD_NOT_ALLOWED", "{method} {uri}: {body}");
                assert_eq!(body["message"], format!("Cannot {method} {uri}"));
            }
        }
    }
}

#[actix_web::test]
async fn trace_is_405_on_a_route_and_404_elsewhere() {
    let app = app().await;
    let call = |uri: &'static str| {
        test::TestRequest::default()
            .method(Method::TRACE)
            .uri(uri)
            .to_request()
    };
    let res = test::call_service(&app, call("/api/v1/auth/me")).await;
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(res.headers().get("allow").unwrap(), "GET");
    let body: Value = test::read_body_json(res).await;
    assert_eq!(body["code"], "METHOD_NOT_ALLOWED");

    let res = test::call_service(&app, call("/api/v1/auth/me/nothing")).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let body: Value = test::read_body_json(res).await;
    assert_eq!(body["code"], "NOT_FOUND");

    // The docs' own routes, which the document does not list.
    let res = test::call_service(
        &app,
        test::TestRequest::post()
            .uri("/api-docs/openapi.json")
            .to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(res.headers().get("allow").unwrap(), "GET");
}

#[actix_web::test]
async fn path_parameters_carry_their_format() {
    let doc = document(&app().await).await;
    let mut seen = 0;
    for (path, method, operation) in operations(&doc) {
        for parameter in operation["parameters"].as_array().into_iter().flatten() {
            if parameter["in"] != "path" {
                continue;
            }
            seen += 1;
            let schema = &parameter["schema"];
            // A bare string would let clients send values the route refuses with a 400.
            assert!(
                schema["type"] != "string"
                    || schema.get("format").is_some()
                    || schema.get("pattern").is_some(),
                "{method} {path}: path parameter {parameter} has no format"
            );
        }
    }
    assert!(seen > 0);
    let peer = &doc["paths"]["/api/v1/chat/{peerId}/messages"]["get"]["parameters"][0];
    assert_eq!(peer["name"], "peerId");
    assert_eq!(peer["schema"]["format"], "uuid");
}

#[actix_web::test]
async fn every_operation_with_a_body_documents_the_body_errors() {
    let doc = document(&app().await).await;
    let mut seen = 0;
    for (path, method, operation) in operations(&doc) {
        if operation.get("requestBody").is_none() {
            continue;
        }
        seen += 1;
        assert_eq!(
            operation["requestBody"]["required"], true,
            "{method} {path}"
        );
        for status in ["400", "413", "415"] {
            let response = &operation["responses"][status];
            assert_eq!(
                response["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/ErrorBody",
                "{method} {path} documents {status}"
            );
        }
    }
    assert!(seen >= 4, "the body-taking routes: {seen}");
}

#[actix_web::test]
async fn fields_the_server_cannot_do_without_are_required() {
    let doc = document(&app().await).await;
    let schemas = &doc["components"]["schemas"];
    for (schema, fields) in [
        ("SendOtpBody", &["phone"][..]),
        ("VerifyOtpBody", &["phone", "otp"][..]),
        ("SetFirebaseBody", &["token"][..]),
    ] {
        let required: Vec<&str> = schemas[schema]["required"]
            .as_array()
            .unwrap_or_else(|| panic!("{schema} has required fields"))
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        for field in fields {
            assert!(required.contains(field), "{schema}.{field} is required");
            assert_eq!(
                schemas[schema]["properties"][field]["type"], "string",
                "{schema}.{field} is a string, not nullable"
            );
        }
    }
    // A phone change is refused whatever the value: the schema does not offer the field.
    assert!(
        schemas["UpdateProfileBody"]["properties"]
            .get("phone")
            .is_none()
    );
}

/// The schema forbids NUL in these strings, and so does the server: with a 400, not the 500 that
/// PostgreSQL's refusal of NUL in text used to become (found by the fuzzer).
#[actix_web::test]
async fn text_with_nul_is_a_400_not_a_500() {
    let t = api::TestApp::spawn().await;
    let app = t.http().await;
    let (access, _) = api::login(&app, "99361999999").await;
    for (uri, body, code) in [
        (
            "/api/v1/auth/setFirebase",
            serde_json::json!({"token": "fcm\u{0}token"}),
            "INVALID_FIREBASE_TOKEN",
        ),
        (
            "/api/v1/auth",
            serde_json::json!({"name": "a\u{0}b"}),
            "INVALID_BODY",
        ),
        (
            "/api/v1/auth",
            serde_json::json!({"location": "\u{0}"}),
            "INVALID_BODY",
        ),
        (
            "/api/v1/auth",
            serde_json::json!({"email": "a\u{0}b@example.com"}),
            "INVALID_EMAIL",
        ),
    ] {
        let req = api::with_bearer(Method::PUT, uri, &access)
            .set_json(&body)
            .to_request();
        let (status, answer, _) = api::call(&app, req).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri} {body}: {answer}");
        assert_eq!(answer["code"], code, "{uri} {body}");
    }
}

/// The served document, checked in: a changed route, field or status is a reviewed diff of
/// `tests/snapshots/openapi.json`, not something a hand-kept list may miss. After an intended
/// change: `UPDATE_SNAPSHOTS=1 cargo test -p alpha-server --test openapi_doc`, then review the diff.
#[actix_web::test]
async fn the_served_document_matches_the_checked_in_snapshot() {
    let app = app().await;
    let served = document(&app).await;
    // serde_json's maps are sorted, so the text is stable whatever order utoipa built it in.
    let text = format!("{}\n", serde_json::to_string_pretty(&served).unwrap());
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/openapi.json");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &text).unwrap();
        return;
    }
    let kept = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        kept == text,
        "the served OpenAPI document differs from {}; if the change is intended, run \
         `UPDATE_SNAPSHOTS=1 cargo test -p alpha-server --test openapi_doc` and review the diff",
        path.display()
    );
}

#[actix_web::test]
async fn every_operation_id_is_unique() {
    let app = app().await;
    let doc = document(&app).await;
    let mut seen = std::collections::BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let Some(id) = operation.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            assert!(
                seen.insert(id.to_owned()),
                "{method} {path}: operationId {id} twice"
            );
        }
    }
    assert!(seen.len() > 40, "{seen:?}");
}
