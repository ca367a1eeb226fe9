//! The actix-web HTTP edge: routes under `/api/v1`, health probes, OpenAPI, and the JSON error
//! contract every client mistake is answered with.

mod app;
mod cors;
mod docs;
mod error;
mod extractors;
mod health;
mod not_found;
mod openapi;
mod request_id;
mod state;

pub use app::{HttpOptions, build_app, with_request_limits};
pub use error::{ApiError, ErrorBody};
pub use openapi::ApiDoc;
pub use state::AppState;
