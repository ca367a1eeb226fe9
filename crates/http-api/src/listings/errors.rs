//! The listings context's errors at the edge.

use actix_web::http::StatusCode;
use alpha_listings::{AttachmentError, ListingError};

use crate::auth::errors::FORBIDDEN;
use crate::catalog::errors::PHOTO_NOT_FOUND;
use crate::error::ApiError;
use crate::media::errors::{NO_FILE, storage_unavailable};
use crate::media::stream::too_large;

pub(crate) const POST_NOT_FOUND: &str = "POST_NOT_FOUND";
/// A value is missing, malformed or out of range; the message names the field.
pub(crate) const INVALID_FIELD: &str = "INVALID_FIELD";
/// A currency label with no rate.
pub(crate) const UNKNOWN_CURRENCY: &str = "UNKNOWN_CURRENCY";
/// A brand, model, category or plan id that does not exist; the message names the field.
pub(crate) const UNKNOWN_REFERENCE: &str = "UNKNOWN_REFERENCE";
/// The post already holds as many photos as it may, or the request sends more.
pub(crate) const TOO_MANY_PHOTOS: &str = "TOO_MANY_PHOTOS";
pub(crate) const VIDEO_NOT_FOUND: &str = "VIDEO_NOT_FOUND";
pub(crate) const FILE_NOT_FOUND: &str = "FILE_NOT_FOUND";
/// The upload's first bytes are not an MP4, QuickTime or WebM container, whatever its name.
pub(crate) const NOT_A_VIDEO: &str = "NOT_A_VIDEO";
/// The upload does not start with `%PDF-`, whatever its name.
pub(crate) const NOT_A_PDF: &str = "NOT_A_PDF";

impl From<ListingError> for ApiError {
    fn from(err: ListingError) -> Self {
        match err {
            ListingError::NotFound => post_not_found(),
            ListingError::Forbidden => ApiError::new(
                StatusCode::FORBIDDEN,
                FORBIDDEN,
                "Only the post's owner or an admin may do this",
            ),
            ListingError::Invalid { field, reason } => {
                ApiError::bad_request(INVALID_FIELD, format!("{field} {reason}"))
            }
            ListingError::UnknownCurrency(label) => {
                ApiError::bad_request(UNKNOWN_CURRENCY, format!("currency {label} has no rate"))
            }
            ListingError::UnknownReference(r) => {
                ApiError::bad_request(UNKNOWN_REFERENCE, format!("{} does not exist", r.field()))
            }
            ListingError::PhotoNotFound => {
                ApiError::new(StatusCode::NOT_FOUND, PHOTO_NOT_FOUND, "Photo Not Found")
                    .with_legacy_fields()
            }
            ListingError::TooManyPhotos { max } => {
                ApiError::bad_request(TOO_MANY_PHOTOS, format!("A post has at most {max} photos"))
            }
            ListingError::Media(media) => media.into(),
            ListingError::Repo(repo) => ApiError::from_repo(&repo),
        }
    }
}

fn post_not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, POST_NOT_FOUND, "Post Not Found").with_legacy_fields()
}

impl From<AttachmentError> for ApiError {
    fn from(err: AttachmentError) -> Self {
        match err {
            AttachmentError::PostNotFound => post_not_found(),
            AttachmentError::VideoNotFound => {
                ApiError::new(StatusCode::NOT_FOUND, VIDEO_NOT_FOUND, "Video not found")
                    .with_legacy_fields()
            }
            AttachmentError::FileNotFound => {
                ApiError::new(StatusCode::NOT_FOUND, FILE_NOT_FOUND, "File not found")
                    .with_legacy_fields()
            }
            AttachmentError::Forbidden => ApiError::new(
                StatusCode::FORBIDDEN,
                FORBIDDEN,
                "Only the post's owner or an admin may do this",
            ),
            AttachmentError::Empty => ApiError::bad_request(NO_FILE, "No file provided"),
            AttachmentError::NotAVideo => {
                ApiError::bad_request(NOT_A_VIDEO, "The file is not an MP4, MOV or WebM video")
            }
            AttachmentError::NotAPdf => {
                ApiError::bad_request(NOT_A_PDF, "The file is not a PDF document")
            }
            AttachmentError::TooLarge { max_bytes } => too_large(max_bytes),
            AttachmentError::Storage(e) => storage_unavailable(&e),
            AttachmentError::Repo(repo) => ApiError::from_repo(&repo),
        }
    }
}
