//! The catalog context's errors at the edge.

use actix_web::http::StatusCode;
use alpha_catalog::{CatalogError, Entity, PhotoError};

use crate::error::ApiError;

pub(crate) const BRAND_NOT_FOUND: &str = "BRAND_NOT_FOUND";
pub(crate) const MODEL_NOT_FOUND: &str = "MODEL_NOT_FOUND";
pub(crate) const CATEGORY_NOT_FOUND: &str = "CATEGORY_NOT_FOUND";
pub(crate) const BANNER_NOT_FOUND: &str = "BANNER_NOT_FOUND";
pub(crate) const PLAN_NOT_FOUND: &str = "SUBSCRIPTION_NOT_FOUND";
pub(crate) const PHOTO_NOT_FOUND: &str = "PHOTO_NOT_FOUND";
/// A required field is missing or a value is out of range; the message names the field.
pub(crate) const INVALID_FIELD: &str = "INVALID_FIELD";
pub(crate) const PRIORITY_TAKEN: &str = "PRIORITY_TAKEN";
/// `POST /brands/subscribe` and `/unsubscribe` without a uuid: 406 as the old API answered.
pub(crate) const MISSING_FIELDS: &str = "MISSING_FIELDS";

pub(crate) fn not_found(entity: Entity) -> ApiError {
    let code = match entity {
        Entity::Brand => BRAND_NOT_FOUND,
        Entity::Model => MODEL_NOT_FOUND,
        Entity::Category => CATEGORY_NOT_FOUND,
        Entity::Banner => BANNER_NOT_FOUND,
        Entity::Plan => PLAN_NOT_FOUND,
        Entity::Photo => PHOTO_NOT_FOUND,
    };
    ApiError::new(
        StatusCode::NOT_FOUND,
        code,
        format!("{} Not Found", entity.name()),
    )
    .with_legacy_fields()
}

impl From<CatalogError> for ApiError {
    fn from(err: CatalogError) -> Self {
        match err {
            CatalogError::NotFound(entity) => not_found(entity),
            CatalogError::Invalid { field, reason } => {
                ApiError::bad_request(INVALID_FIELD, format!("{field} {reason}"))
            }
            CatalogError::PriorityTaken(p) => ApiError::new(
                StatusCode::CONFLICT,
                PRIORITY_TAKEN,
                format!("Priority {p} is already taken"),
            )
            .with_legacy_fields(),
            CatalogError::Repo(repo) => ApiError::from_repo(&repo),
        }
    }
}

impl From<PhotoError> for ApiError {
    fn from(err: PhotoError) -> Self {
        match err {
            PhotoError::NotFound(entity) => not_found(entity),
            PhotoError::Media(media) => media.into(),
            PhotoError::Repo(repo) => ApiError::from_repo(&repo),
        }
    }
}
