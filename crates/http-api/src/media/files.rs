//! `GET /uploads/<kind>/<file>`: the upload folder as the old backend's static mount served it
//! (CONTRACT §1.2, §1.13). Only files: no listing, no hidden names (the store's temporary files
//! start with a dot), no `..` (actix-files refuses such segments before touching the disk).
//! Not in the OpenAPI document: it serves files, not the JSON API.

use std::path::Path;

use actix_files::Files;
use actix_web::body::MessageBody;
use actix_web::dev::{HttpServiceFactory, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{DefaultHeaders, ErrorHandlerResponse, ErrorHandlers};
use actix_web::{ResponseError, web};

use crate::error::ApiError;

/// Where the app finds the public paths it is given (`uploads/...`).
pub(crate) const MOUNT: &str = "/uploads";

/// The upload folder under [`MOUNT`], its error answers in the API's JSON shape.
pub(crate) fn uploads(root: &Path) -> impl HttpServiceFactory + use<> {
    web::scope(MOUNT)
        .wrap(ErrorHandlers::new().default_handler_client(json_error))
        // Stored files are images the server encoded itself; the header keeps a browser from
        // reading anything else into them.
        .wrap(DefaultHeaders::new().add((header::X_CONTENT_TYPE_OPTIONS, "nosniff")))
        .service(Files::new("", root))
}

/// actix-files answers plain text (or nothing); the API answers JSON with a `code`. Other
/// statuses (a range not satisfiable, a failed precondition) are the HTTP file semantics and
/// stay as they are.
fn json_error<B: MessageBody>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let status = res.status();
    let message = format!("Cannot {} {}", res.request().method(), res.request().path());
    let error = match status {
        StatusCode::NOT_FOUND => ApiError::not_found(message),
        StatusCode::METHOD_NOT_ALLOWED => {
            ApiError::new(status, "METHOD_NOT_ALLOWED", message).with_legacy_fields()
        }
        // A path segment actix-files refuses (`..`, a hidden name, an undecodable byte).
        StatusCode::BAD_REQUEST => {
            ApiError::bad_request("INVALID_PATH_PARAMETER", "Invalid file path")
        }
        _ => return Ok(ErrorHandlerResponse::Response(res.map_into_left_body())),
    };
    let mut response = error.error_response();
    if status == StatusCode::METHOD_NOT_ALLOWED {
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
    }
    let (req, _) = res.into_parts();
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, response).map_into_right_body(),
    ))
}
