//! The blog context's errors at the edge.

use actix_web::http::StatusCode;
use alpha_community::blog::BlogError;

use crate::auth::errors::FORBIDDEN;
use crate::catalog::errors::{INVALID_FIELD, PHOTO_NOT_FOUND};
use crate::error::ApiError;

pub(crate) const VLOG_NOT_FOUND: &str = "VLOG_NOT_FOUND";

impl From<BlogError> for ApiError {
    fn from(err: BlogError) -> Self {
        match err {
            BlogError::NotFound => {
                ApiError::new(StatusCode::NOT_FOUND, VLOG_NOT_FOUND, "Vlog not found")
                    .with_legacy_fields()
            }
            BlogError::Forbidden => ApiError::new(
                StatusCode::FORBIDDEN,
                FORBIDDEN,
                "Only the entry's author or an admin may do this; only an admin moderates",
            ),
            BlogError::Invalid { field, reason } => {
                ApiError::bad_request(INVALID_FIELD, format!("{field} {reason}"))
            }
            BlogError::PhotoNotFound => {
                ApiError::new(StatusCode::NOT_FOUND, PHOTO_NOT_FOUND, "Photo Not Found")
                    .with_legacy_fields()
            }
            BlogError::Media(media) => media.into(),
            BlogError::Repo(repo) => ApiError::from_repo(&repo),
        }
    }
}
