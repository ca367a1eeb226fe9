//! CORS from the configured allow-list. Browsers only: the mobile app does not send `Origin`.

use actix_cors::Cors;

/// `*` allows any origin (configuration refuses it in production); an empty list allows none.
/// Credentials are never allowed: the API authenticates with bearer tokens, not cookies.
pub(crate) fn cors(allowed_origins: &[String]) -> Cors {
    let mut cors = Cors::default()
        .allow_any_method()
        .allow_any_header()
        .expose_headers(["x-request-id", "retry-after"])
        .max_age(3600);
    if allowed_origins.iter().any(|o| o == "*") {
        cors = cors.allow_any_origin();
    } else {
        for origin in allowed_origins {
            cors = cors.allowed_origin(origin);
        }
    }
    cors
}
