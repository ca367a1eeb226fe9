use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::profile_error;
use crate::auth_user::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;
use crate::time_format::iso_millis;

#[derive(Debug, Serialize, ToSchema)]
pub struct MeResponse {
    pub uuid: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub location: Option<String>,
    pub access: Vec<String>,
    /// `admin`, `owner` or `user`.
    pub role: &'static str,
    /// The user's photo row (`uuid, path {small,medium,large}, originalPath, ...`) or null.
    #[schema(value_type = Option<Object>)]
    pub avatar: Option<serde_json::Value>,
    #[serde(rename = "createdAt")]
    pub created_at: String,
}

/// The logged-in user's profile.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Profile", body = MeResponse),
        (status = 401, description = "`TOKEN_INVALID`, `TOKEN_EXPIRED` or `USER_DELETED`", body = ErrorBody),
    )
)]
#[get("/auth/me")]
pub(crate) async fn me(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, ApiError> {
    let profile = state
        .auth
        .profile(&user.0)
        .await
        .map_err(|e| profile_error(&e))?;
    Ok(HttpResponse::Ok().json(MeResponse {
        uuid: profile.id.to_string(),
        name: profile.name,
        email: profile.email,
        phone: profile.phone,
        location: profile.location,
        access: profile.access,
        role: profile.role.as_str(),
        avatar: profile.avatar,
        created_at: iso_millis(profile.created_at),
    }))
}
