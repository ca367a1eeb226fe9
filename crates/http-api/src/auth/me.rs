use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::errors::missing_token;
use crate::bearer::bearer_token;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;
use alpha_kernel::iso_millis;

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
    /// The user's avatar: its photo row (`path {small,medium,large}` is what the app shows), or
    /// null.
    #[schema(value_type = Option<super::avatars::AvatarPhoto>)]
    pub avatar: Option<serde_json::Value>,
    #[serde(rename = "createdAt")]
    pub created_at: String,
}

/// The logged-in user's profile. Guarded like every other route, but checked and read in one
/// database round trip: the app calls it at every start.
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
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let token = bearer_token(&req).ok_or_else(missing_token)?;
    let profile = state.auth.me(token).await?;
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
