//! The listings context's errors at the edge.

use actix_web::http::StatusCode;
use alpha_listings::ListingError;

use crate::auth::errors::FORBIDDEN;
use crate::catalog::errors::PHOTO_NOT_FOUND;
use crate::error::ApiError;

pub(crate) const POST_NOT_FOUND: &str = "POST_NOT_FOUND";
/// A value is missing, malformed or out of range; the message names the field.
pub(crate) const INVALID_FIELD: &str = "INVALID_FIELD";
/// A currency label with no rate.
pub(crate) const UNKNOWN_CURRENCY: &str = "UNKNOWN_CURRENCY";
/// A brand, model, category or plan id that does not exist; the message names the field.
pub(crate) const UNKNOWN_REFERENCE: &str = "UNKNOWN_REFERENCE";
/// The post already holds as many photos as it may, or the request sends more.
pub(crate) const TOO_MANY_PHOTOS: &str = "TOO_MANY_PHOTOS";

impl From<ListingError> for ApiError {
    fn from(err: ListingError) -> Self {
        match err {
            ListingError::NotFound => {
                ApiError::new(StatusCode::NOT_FOUND, POST_NOT_FOUND, "Post Not Found")
                    .with_legacy_fields()
            }
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
