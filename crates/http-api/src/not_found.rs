//! The answer for any request no route takes: 405 when the path exists with other methods, else
//! 404.

use std::sync::Arc;

use actix_web::dev::ResourceDef;
use actix_web::http::StatusCode;
use actix_web::http::header::{ALLOW, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, ResponseError};

use crate::error::ApiError;

/// The routed paths and the methods each answers, for `405` and its `Allow` header.
#[derive(Clone)]
pub(crate) struct Routes(Arc<Vec<(ResourceDef, String)>>);

impl Routes {
    /// `paths`: actix path patterns (the OpenAPI templates are the same syntax) with their
    /// methods.
    pub(crate) fn new(paths: impl IntoIterator<Item = (String, Vec<String>)>) -> Self {
        Self(Arc::new(
            paths
                .into_iter()
                .filter(|(_, methods)| !methods.is_empty())
                .map(|(path, methods)| (ResourceDef::new(path), methods.join(", ")))
                .collect(),
        ))
    }

    /// The routes of the OpenAPI document, plus `extra` ones it does not describe.
    pub(crate) fn of_document(doc: &utoipa::openapi::OpenApi, extra: &[(&str, &[&str])]) -> Self {
        Self::new(
            doc.paths
                .paths
                .iter()
                .map(|(path, item)| (path.clone(), crate::openapi::methods(item)))
                .chain(extra.iter().map(|(path, methods)| {
                    (
                        (*path).to_owned(),
                        methods.iter().map(|m| (*m).to_owned()).collect(),
                    )
                })),
        )
    }

    fn allowed(&self, path: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(def, _)| def.is_match(path))
            .map(|(_, methods)| methods.as_str())
    }
}

/// 405 with `Allow` for a known path, else the old backend's 404 (`Cannot GET /x`), in our JSON
/// shape.
pub(crate) async fn not_found(req: HttpRequest, routes: Routes) -> HttpResponse {
    let message = format!("Cannot {} {}", req.method(), req.path());
    let Some(allow) = routes.allowed(req.path()) else {
        return ApiError::not_found(message).error_response();
    };
    let mut response = ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        message,
    )
    .with_legacy_fields()
    .error_response();
    if let Ok(value) = HeaderValue::from_str(allow) {
        response.headers_mut().insert(ALLOW, value);
    }
    response
}
