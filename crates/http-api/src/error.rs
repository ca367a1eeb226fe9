//! The one error type handlers return, and its JSON body.
//!
//! The body keeps the shape the mobile app already reads (`{"code", "message"}`, CONTRACT §1.6),
//! with `statusCode` where the old API sent it. Internal failures never reach the body: they are
//! logged with the request's span and answered with a generic message.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

/// The JSON body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// HTTP status, repeated in the body where the old API did so.
    #[serde(rename = "statusCode", skip_serializing_if = "Option::is_none")]
    pub status_code: Option<u16>,
    /// Stable, UPPER_SNAKE machine-readable code.
    pub code: &'static str,
    /// Human-readable explanation; never contains SQL, driver text or secrets.
    pub message: String,
    /// Reason phrase, kept where the old API had it (unknown routes, body errors).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<&'static str>,
    /// The OTP request a verification error is about (CONTRACT §1.6 E7).
    #[serde(rename = "requestId", skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

#[derive(Debug, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    legacy_fields: bool,
    retry_after_secs: Option<u64>,
    request_id: Option<String>,
}

/// Store trouble without a use-case error around it (plain reads).
impl From<alpha_kernel::RepoError> for ApiError {
    fn from(err: alpha_kernel::RepoError) -> Self {
        Self::from_repo(&err)
    }
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            legacy_fields: false,
            retry_after_secs: None,
            request_id: None,
        }
    }

    /// 401 with the guards' body `{code, message}` (CONTRACT §1.6 E3).
    pub fn unauthorized(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, message)
    }

    /// 429 from a per-IP budget, with the old throttler's body (CONTRACT §1.6 E8).
    pub fn throttled() -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "RATE_LIMITED",
            "ThrottlerException: Too Many Requests",
        )
        .with_legacy_fields()
    }

    #[must_use]
    pub fn with_request_id(mut self, id: impl std::fmt::Display) -> Self {
        self.request_id = Some(id.to_string());
        self
    }

    /// Store trouble: 503 when it is unreachable (retry later), 400 for a value it cannot hold,
    /// else a logged 500.
    pub fn from_repo(err: &alpha_kernel::RepoError) -> Self {
        match err {
            alpha_kernel::RepoError::Unavailable(reason) => {
                tracing::warn!(%reason, "store unavailable");
                Self::unavailable("Service temporarily unavailable, please retry")
            }
            alpha_kernel::RepoError::Unstorable(reason) => {
                tracing::warn!(%reason, "store refused a value");
                Self::bad_request(
                    "INVALID_CHARACTER",
                    "The request holds a character that cannot be stored (NUL)",
                )
            }
            other => Self::internal(other),
        }
    }

    /// Adds `statusCode` and `error` to the body, as Nest's built-in exceptions did.
    #[must_use]
    pub fn with_legacy_fields(mut self) -> Self {
        self.legacy_fields = true;
        self
    }

    #[must_use]
    pub fn with_retry_after(mut self, secs: u64) -> Self {
        self.retry_after_secs = Some(secs);
        self
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message).with_legacy_fields()
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "NOT_FOUND", message).with_legacy_fields()
    }

    /// The database is down or the pool is exhausted: the client may retry later.
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "SERVICE_UNAVAILABLE",
            message,
        )
        .with_legacy_fields()
    }

    /// Logs `cause` in full (with the request span, so the request id) and hides it from the
    /// client.
    pub fn internal(cause: &(dyn std::error::Error + 'static)) -> Self {
        tracing::error!(error = %error_chain(cause), "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL_ERROR",
            "Internal server error",
        )
        .with_legacy_fields()
    }

    pub fn code(&self) -> &'static str {
        self.code
    }

    fn body(&self) -> ErrorBody {
        ErrorBody {
            status_code: self.legacy_fields.then_some(self.status.as_u16()),
            code: self.code,
            message: self.message.clone(),
            error: if self.legacy_fields {
                self.status.canonical_reason()
            } else {
                None
            },
            request_id: self.request_id.clone(),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        if let Some(secs) = self.retry_after_secs {
            response.insert_header((header::RETRY_AFTER, HeaderValue::from(secs)));
        }
        response.json(self.body())
    }
}

pub(crate) fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
