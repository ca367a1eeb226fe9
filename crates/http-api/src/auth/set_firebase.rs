use actix_web::{HttpResponse, put, web};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::errors::INVALID_FIREBASE_TOKEN;
use crate::auth::logout::MessageResponse;
use crate::auth_user::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::extractors::JsonObject;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct SetFirebaseBody {
    /// The device's FCM registration token: at most 255 characters, not blank, no NUL.
    // The pattern's class is what `str::trim` removes (Unicode White_Space), and NUL.
    #[schema(
        value_type = String,
        required = true,
        min_length = 1,
        max_length = 255,
        pattern = r"^[^\u0000]*[^\u0000\t\n\u000B\f\r\u0020\u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\u0000]*$"
    )]
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
        (status = 400, description = "`INVALID_FIREBASE_TOKEN`: missing, empty, too long or with a NUL character", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
    )
)]
#[put("/auth/setFirebase")]
pub(crate) async fn set_firebase(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: JsonObject<SetFirebaseBody>,
) -> Result<HttpResponse, ApiError> {
    let sent = body.token.as_deref().unwrap_or_default();
    let token = sent.trim();
    // The length counts the token as sent, as the schema does. PostgreSQL text cannot hold NUL:
    // refused here rather than failing as a 500 in the store.
    if token.is_empty() || sent.chars().count() > MAX_TOKEN_LEN || token.contains('\0') {
        return Err(ApiError::bad_request(
            INVALID_FIREBASE_TOKEN,
            "token must be a non-empty string of at most 255 characters, without NUL",
        ));
    }
    state.auth.set_firebase_token(&user.0, token).await?;
    Ok(HttpResponse::Ok().json(MessageResponse {
        message: "Firebase token set successfully",
    }))
}
