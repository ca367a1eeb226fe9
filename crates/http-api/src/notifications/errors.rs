//! The notifications context's errors at the edge: every refused send is a 400 with its own
//! code, found before anything is stored.

use actix_web::http::StatusCode;
use alpha_notifications::{InvalidSend, NotificationError};

use crate::catalog::errors::INVALID_FIELD;
use crate::error::ApiError;

pub(crate) const NOTIFICATION_NOT_FOUND: &str = "NOTIFICATION_NOT_FOUND";
/// The row is not a draft any more (sent, or being sent).
pub(crate) const NOTIFICATION_ALREADY_SENT: &str = "NOTIFICATION_ALREADY_SENT";

fn code(invalid: InvalidSend) -> &'static str {
    match invalid {
        InvalidSend::Title
        | InvalidSend::Body
        | InvalidSend::TargetData
        | InvalidSend::AdditionalData
        | InvalidSend::Token => INVALID_FIELD,
        InvalidSend::Type => "INVALID_NOTIFICATION_TYPE",
        InvalidSend::BrandIdRequired => "BRAND_ID_REQUIRED",
        InvalidSend::UserIdRequired => "USER_ID_REQUIRED",
        InvalidSend::TopicRequired => "TOPIC_REQUIRED",
        InvalidSend::Topic => "INVALID_TOPIC",
        InvalidSend::BrandNotFound => "BRAND_NOT_FOUND",
        InvalidSend::UserNotFound => "USER_NOT_FOUND",
        InvalidSend::UserHasNoToken => "USER_HAS_NO_PUSH_TOKEN",
    }
}

impl From<NotificationError> for ApiError {
    fn from(err: NotificationError) -> Self {
        match err {
            NotificationError::Invalid(invalid) => {
                ApiError::bad_request(code(invalid), invalid.to_string())
            }
            query @ NotificationError::Query { .. } => {
                ApiError::bad_request(INVALID_FIELD, query.to_string())
            }
            NotificationError::NotFound => ApiError::new(
                StatusCode::NOT_FOUND,
                NOTIFICATION_NOT_FOUND,
                "Notification not found",
            )
            .with_legacy_fields(),
            NotificationError::AlreadySent => ApiError::bad_request(
                NOTIFICATION_ALREADY_SENT,
                "Notification has already been sent",
            ),
            NotificationError::Repo(repo) => ApiError::from_repo(&repo),
        }
    }
}

/// As `From`, with the old API's words for a row that is no longer a draft (`update`, `delete`).
pub(crate) fn with_verb(err: NotificationError, verb: &str) -> ApiError {
    match err {
        NotificationError::AlreadySent => ApiError::bad_request(
            NOTIFICATION_ALREADY_SENT,
            format!("Cannot {verb} notification that has already been sent"),
        ),
        other => other.into(),
    }
}
