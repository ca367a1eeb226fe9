//! The auth context's errors at the edge: the guards' codes (kept from the old API, which the
//! app reads) and one `From` per domain error.

use actix_web::http::StatusCode;
use alpha_auth::{AuthError, ProfileError, RefreshError};

use crate::error::ApiError;

pub(crate) const TOKEN_INVALID: &str = "TOKEN_INVALID";
pub(crate) const TOKEN_EXPIRED: &str = "TOKEN_EXPIRED";
pub(crate) const TOKEN_REUSE: &str = "TOKEN_REUSE";
pub(crate) const USER_DELETED: &str = "USER_DELETED";
pub(crate) const FORBIDDEN: &str = "FORBIDDEN";
pub(crate) const EMAIL_TAKEN: &str = "EMAIL_TAKEN";
pub(crate) const INVALID_EMAIL: &str = "INVALID_EMAIL";
pub(crate) const INVALID_FIREBASE_TOKEN: &str = "INVALID_FIREBASE_TOKEN";
pub(crate) const PHONE_CHANGE_NOT_ALLOWED: &str = "PHONE_CHANGE_NOT_ALLOWED";
pub(crate) const VALUE_TOO_LONG: &str = "VALUE_TOO_LONG";

const DELETED_MESSAGE: &str = "This account has been deleted by an administrator";

pub(crate) fn user_deleted() -> ApiError {
    ApiError::unauthorized(USER_DELETED, DELETED_MESSAGE)
}

pub(crate) fn missing_token() -> ApiError {
    ApiError::unauthorized(TOKEN_INVALID, "Missing or malformed token")
}

pub(crate) fn forbidden() -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, FORBIDDEN, "Admin access required")
}

/// The guards' answers (CONTRACT §1.7).
impl From<AuthError> for ApiError {
    fn from(err: AuthError) -> Self {
        match err {
            AuthError::Expired => ApiError::unauthorized(TOKEN_EXPIRED, "Access token expired"),
            AuthError::Invalid => ApiError::unauthorized(TOKEN_INVALID, "Invalid access token"),
            AuthError::SessionRevoked => {
                ApiError::unauthorized(TOKEN_INVALID, "Session revoked or user not found")
            }
            AuthError::UserDeleted => user_deleted(),
            AuthError::Infrastructure(repo) => ApiError::from_repo(&repo),
        }
    }
}

impl From<RefreshError> for ApiError {
    fn from(err: RefreshError) -> Self {
        match err {
            RefreshError::Expired => ApiError::unauthorized(TOKEN_EXPIRED, "Refresh token expired"),
            RefreshError::Invalid => ApiError::unauthorized(TOKEN_INVALID, "Invalid refresh token"),
            RefreshError::SessionRevoked => {
                ApiError::unauthorized(TOKEN_INVALID, "Session revoked or user not found")
            }
            RefreshError::Reuse => ApiError::unauthorized(
                TOKEN_REUSE,
                "Refresh token reuse detected. Session revoked.",
            ),
            RefreshError::UserDeleted => user_deleted(),
            RefreshError::Signing => ApiError::internal(&err),
            RefreshError::Infrastructure(repo) => ApiError::from_repo(&repo),
        }
    }
}

impl From<ProfileError> for ApiError {
    fn from(err: ProfileError) -> Self {
        match err {
            // The guard saw the user a moment ago: it was deleted in between.
            ProfileError::NotFound => user_deleted(),
            ProfileError::EmailTaken => ApiError::new(
                StatusCode::CONFLICT,
                EMAIL_TAKEN,
                "This email is already used by another account",
            ),
            ProfileError::Infrastructure(repo) => ApiError::from_repo(&repo),
        }
    }
}
