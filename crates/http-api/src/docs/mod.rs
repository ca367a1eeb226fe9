//! Swagger UI at `/api-docs`, served from assets compiled into the binary (no internet needed).

use actix_web::{HttpResponse, http::header, route};
use utoipa_swagger_ui::SwaggerUi;

pub(crate) const OPENAPI_JSON: &str = "/api-docs/openapi.json";

/// The docs' own routes, which the document does not describe, with their methods (for 405).
pub(crate) const ROUTES: &[(&str, &[&str])] = &[
    ("/api-docs", &["GET", "HEAD"]),
    (OPENAPI_JSON, &["GET"]),
    ("/api-docs/{_:.*}", &["GET"]),
];

pub(crate) fn swagger_ui(doc: utoipa::openapi::OpenApi) -> SwaggerUi {
    SwaggerUi::new("/api-docs/{_:.*}").url(OPENAPI_JSON, doc)
}

/// The UI lives under `/api-docs/`; the old backend (and its Docker health check) used the bare
/// path.
#[route("/api-docs", method = "GET", method = "HEAD")]
pub(crate) async fn redirect_to_ui() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, "/api-docs/"))
        .finish()
}
