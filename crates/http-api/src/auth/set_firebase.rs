use actix_web::{HttpResponse, put, web};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::logout::MessageResponse;
use crate::auth::profile_error;
use crate::auth_user::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::extractors::JsonObject;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct SetFirebaseBody {
    /// The device's FCM registration token: at most 255 characters, not blank.
    #[schema(value_type = String, required = true, min_length = 1, max_length = 255, pattern = r"\S")]
    pub token: Option<String>,
}

/// `users."firebaseToken"` is varchar(255).
const MAX_TOKEN_LEN: usize = 255;

/// Store the device's push-notification token.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    request_body = SetFirebaseBody,
    responses(
        (status = 200, description = "Stored", body = MessageResponse),
        (status = 400, description = "`INVALID_FIREBASE_TOKEN`: missing, empty or too long", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
    )
)]
#[put("/auth/setFirebase")]
pub(crate) async fn set_firebase(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: JsonObject<SetFirebaseBody>,
) -> Result<HttpResponse, ApiError> {
    let token = body.token.as_deref().map(str::trim).unwrap_or_default();
    if token.is_empty() || token.chars().count() > MAX_TOKEN_LEN {
        return Err(ApiError::bad_request(
            "INVALID_FIREBASE_TOKEN",
            "token must be a non-empty string of at most 255 characters",
        ));
    }
    state
        .auth
        .set_firebase_token(&user.0, token)
        .await
        .map_err(|e| profile_error(&e))?;
    Ok(HttpResponse::Ok().json(MessageResponse {
        message: "Firebase token set successfully",
    }))
}
