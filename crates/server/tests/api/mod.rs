//! What the API tests share: the test kit's application and request helpers, with the per-IP
//! source address as a parameter where tests vary it.
#![allow(dead_code, unused_imports, clippy::unwrap_used)]

use std::net::SocketAddr;

use actix_http::Request;
use actix_web::test;
use alpha_server::config::Settings;
use serde_json::Value;

pub use alpha_testkit::{CLIENT, TestApp, call, login, with_bearer};

pub mod community;
pub mod privacy;
pub mod sms;
pub mod upload;

/// Test-profile settings with `overrides` as environment variables.
pub fn settings(overrides: &[(&str, &str)]) -> Settings {
    alpha_testkit::test_settings(overrides)
}

/// Test numbers on, codes echoed, limits as configured by default.
pub fn test_mode() -> Vec<(&'static str, &'static str)> {
    alpha_testkit::TEST_MODE.to_vec()
}

/// A JSON request from a client address (the per-IP limits key on it).
pub fn post_json(uri: &str, body: &Value, from: &str) -> Request {
    test::TestRequest::post()
        .uri(uri)
        .peer_addr(from.parse::<SocketAddr>().unwrap())
        .set_json(body)
        .to_request()
}

/// The application over a database seeded with the fixture catalogue (toyota, bmw, lada,
/// mercedes-benz; 8 models), test numbers on.
pub async fn seeded() -> TestApp {
    let t = TestApp::on(alpha_testkit::TestDb::new().await, settings(&test_mode())).await;
    let mut conn = t.db().conn().await;
    let fixture = alpha_store::seed::CatalogSource::File(alpha_testkit::catalogue_fixture());
    alpha_store::seed::run(&mut conn, &fixture).await.unwrap();
    t
}

/// An anonymous GET from the test client's address.
pub fn get(uri: &str) -> Request {
    test::TestRequest::get()
        .uri(uri)
        .peer_addr(alpha_testkit::CLIENT.parse().unwrap())
        .to_request()
}

/// A request with a bearer token, with a JSON body when given.
pub fn authed(
    method: actix_web::http::Method,
    uri: &str,
    token: &str,
    body: Option<Value>,
) -> Request {
    let req = with_bearer(method, uri, token);
    match body {
        Some(body) => req.set_json(body).to_request(),
        None => req.to_request(),
    }
}

/// The v5 uuid the seed gives a brand or model name (CONTRACT §1.11).
pub fn v5(name: &str) -> String {
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, name.as_bytes()).to_string()
}

/// The 5-digit login code in an SMS text.
pub fn code_in(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 5)
        .unwrap_or_else(|| panic!("no 5-digit code in the SMS text"))
        .to_owned()
}

/// The uuid of `token`'s user, from `GET /auth/me`.
pub async fn uuid_of<S, B>(app: &S, token: &str) -> String
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let (status, me, _) = call(
        app,
        with_bearer(actix_web::http::Method::GET, "/api/v1/auth/me", token).to_request(),
    )
    .await;
    assert_eq!(status, actix_web::http::StatusCode::OK, "{me}");
    me["uuid"].as_str().unwrap().to_owned()
}
