//! The media context's errors at the edge.

use actix_web::http::StatusCode;
use alpha_media::{MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS, MediaError, StorageError};

use crate::error::{ApiError, error_chain};

/// The form has no file under the expected field (CONTRACT §2.8: "No file provided").
pub(crate) const NO_FILE: &str = "NO_FILE";
/// The route takes one image; the form carried several files.
pub(crate) const TOO_MANY_FILES: &str = "TOO_MANY_FILES";
/// A file under another field name than the route reads.
pub(crate) const UNEXPECTED_FILE: &str = "UNEXPECTED_FILE";
/// The body is not a well-formed `multipart/form-data` stream.
pub(crate) const INVALID_MULTIPART: &str = "INVALID_MULTIPART";
/// The file does not decode completely as a JPEG, PNG or WebP image, whatever its name or
/// declared type (SVG, text, truncated files).
pub(crate) const NOT_AN_IMAGE: &str = "NOT_AN_IMAGE";
/// The image declares more pixels than [`MAX_IMAGE_PIXELS`].
pub(crate) const IMAGE_TOO_LARGE: &str = "IMAGE_TOO_LARGE";
pub(crate) const PAYLOAD_TOO_LARGE: &str = "PAYLOAD_TOO_LARGE";
pub(crate) const UNSUPPORTED_MEDIA_TYPE: &str = "UNSUPPORTED_MEDIA_TYPE";

pub(crate) fn payload_too_large(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, PAYLOAD_TOO_LARGE, message).with_legacy_fields()
}

pub(crate) fn file_too_large() -> ApiError {
    payload_too_large(format!(
        "The file is larger than {} MB",
        MAX_IMAGE_BYTES / (1024 * 1024)
    ))
}

/// The file store (disk or S3) did not write, read or delete as asked: its outage, not the
/// client's mistake, so the client is told to retry (503); the cause is logged, never sent.
pub(crate) fn storage_unavailable(err: &StorageError) -> ApiError {
    tracing::error!(error = %error_chain(err), "media storage failed");
    ApiError::unavailable("Media storage is unavailable, try again later")
}

impl From<MediaError> for ApiError {
    fn from(err: MediaError) -> Self {
        match err {
            MediaError::FileTooLarge { .. } => file_too_large(),
            MediaError::NotAnImage => {
                ApiError::bad_request(NOT_AN_IMAGE, "The file is not a JPEG, PNG or WebP image")
            }
            MediaError::TooLarge { .. } => ApiError::bad_request(
                IMAGE_TOO_LARGE,
                format!("The image has more than {MAX_IMAGE_PIXELS} pixels (width × height)"),
            ),
            MediaError::Storage(e) => storage_unavailable(&e),
            other @ MediaError::Processing(_) => ApiError::internal(&other),
        }
    }
}
