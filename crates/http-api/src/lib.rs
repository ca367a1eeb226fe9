//! The actix-web HTTP edge: routes under `/api/v1`, health probes, OpenAPI, and the JSON error
//! contract every client mistake is answered with.

mod admin;
mod admins;
mod app;
mod audit;
mod auth;
mod auth_user;
mod bearer;
mod blog;
pub(crate) mod catalog;
mod chat;
mod client_ip;
mod comments;
mod cors;
mod docs;
mod error;
mod extractors;
mod health;
mod ip_limit;
pub(crate) mod listings;
mod media;
mod not_found;
mod notifications;
mod openapi;
mod otp;
mod request_id;
mod request_log;
mod request_metrics;
mod response_cache;
mod state;
mod subscriptions;
mod text_schema;

pub use app::{HttpOptions, build_app, with_request_limits};
pub use auth_user::{AdminUser, CurrentUser, MaybeUser};
pub use error::{ApiError, ErrorBody};
pub use media::files::{ServedFiles, served_root};
pub use openapi::ApiDoc;
pub use response_cache::{CachePolicy, ResponseCache};
pub use state::{AppState, EdgePolicy, IpLimit};
