//! The answer for any route that does not exist.

use actix_web::{HttpRequest, HttpResponse, ResponseError};

use crate::error::ApiError;

/// Same text as the old backend's Express 404 (`Cannot GET /x`), in our JSON shape.
pub(crate) async fn not_found(req: HttpRequest) -> HttpResponse {
    ApiError::not_found(format!("Cannot {} {}", req.method(), req.path())).error_response()
}
