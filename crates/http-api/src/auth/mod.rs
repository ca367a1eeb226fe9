//! `/auth/*` routes of the logged-in user (CONTRACT §2.3).

pub(crate) mod logout;
pub(crate) mod me;
pub(crate) mod refresh;
pub(crate) mod set_firebase;
pub(crate) mod update;

use alpha_auth::ProfileError;

use crate::error::ApiError;

pub(crate) fn profile_error(err: &ProfileError) -> ApiError {
    match err {
        // The guard saw the user a moment ago: it was deleted in between.
        ProfileError::NotFound => ApiError::unauthorized(
            "USER_DELETED",
            "This account has been deleted by an administrator",
        ),
        ProfileError::EmailTaken => ApiError::new(
            actix_web::http::StatusCode::CONFLICT,
            "EMAIL_TAKEN",
            "This email is already used by another account",
        ),
        ProfileError::Infrastructure(repo) => ApiError::from_repo(repo),
    }
}
