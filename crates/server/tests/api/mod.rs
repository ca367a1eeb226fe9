//! What the API tests share: the test kit's application and request helpers, with the per-IP
//! source address as a parameter where tests vary it.
#![allow(dead_code, unused_imports, clippy::unwrap_used)]

use std::net::SocketAddr;

use actix_http::Request;
use actix_web::test;
use alpha_server::config::Settings;
use serde_json::Value;

pub use alpha_testkit::{CLIENT, TestApp, call, login, with_bearer};

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
