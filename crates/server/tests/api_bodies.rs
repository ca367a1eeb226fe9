//! Every route that takes a JSON body refuses anything but an object, whatever the JSON type.
#![allow(clippy::unwrap_used)]

mod api;

use actix_web::http::{Method, StatusCode};
use actix_web::test;
use alpha_testkit::TestDb;
use api::{TestApp, call, settings, test_mode, with_bearer};
use serde_json::{Value, json};

/// (method, path) of every operation in the served document that declares a JSON request body.
async fn body_taking_routes<S, B>(app: &S) -> Vec<(Method, String)>
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let req = test::TestRequest::get()
        .uri("/api-docs/openapi.json")
        .to_request();
    let (status, doc, _) = call(app, req).await;
    assert_eq!(status, StatusCode::OK);
    let mut routes = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            // Multipart uploads have their own refusals (api_catalog_photos.rs).
            if op["requestBody"]["content"]
                .get("application/json")
                .is_some()
            {
                let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
                // Path parameters get a well-formed value (an integer where the document says
                // so, else a UUID), so only the body can be wrong.
                let integer = |name: &str| {
                    op["parameters"].as_array().into_iter().flatten().any(|p| {
                        p["name"] == name && p["in"] == "path" && p["schema"]["type"] == "integer"
                    })
                };
                let path = path
                    .split('/')
                    .map(|seg| match seg.strip_prefix('{') {
                        Some(name) if integer(name.trim_end_matches('}')) => "1",
                        Some(_) => "6f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b",
                        None => seg,
                    })
                    .collect::<Vec<_>>()
                    .join("/");
                routes.push((method, path));
            }
        }
    }
    routes
}

#[actix_web::test]
async fn every_json_body_must_be_an_object() {
    let t = TestApp::on(TestDb::new().await, settings(&test_mode())).await;
    let app = t.http().await;
    // An admin: the admin guard and the body check run side by side, and for a plain user
    // whichever finishes first answers (403 or 400). As an admin, only the body can be wrong.
    let access = t.admin(&app, "99361999991").await;

    let routes = body_taking_routes(&app).await;
    for expected in ["/api/v1/otp/send", "/api/v1/otp/verify", "/api/v1/auth"] {
        assert!(
            routes.iter().any(|(_, p)| p == expected),
            "{expected} missing from {routes:?}"
        );
    }

    let not_objects = [
        json!(["99361999999"]),
        json!(["99361999999", "12345"]),
        json!("99361999999"),
        json!(99_361_999_999_u64),
        json!(true),
        Value::Null,
    ];
    for (method, path) in &routes {
        for body in &not_objects {
            let req = with_bearer(method.clone(), path, &access)
                .set_json(body)
                .to_request();
            let (status, reply, _) = call(&app, req).await;
            assert_eq!(
                status,
                StatusCode::BAD_REQUEST,
                "{method} {path} with {body}: {reply}"
            );
            assert_eq!(reply["code"], "INVALID_BODY", "{method} {path} with {body}");
            assert!(reply["message"].as_str().unwrap().contains("JSON object"));
        }
    }

    // The same routes still take their object form.
    let req = with_bearer(Method::POST, "/api/v1/otp/send", &access)
        .set_json(json!({"phone": "99361999999"}))
        .to_request();
    let (status, reply, _) = call(&app, req).await;
    assert_eq!(status, StatusCode::OK, "{reply}");
}
