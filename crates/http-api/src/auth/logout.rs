use actix_web::{HttpResponse, post, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth_user::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct MessageResponse {
    pub message: &'static str,
}

/// End this session: its refresh token and its access tokens stop working at once. Other
/// sessions (other devices) stay logged in.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Logged out", body = MessageResponse),
        (status = 401, description = "`TOKEN_INVALID`, `TOKEN_EXPIRED` or `USER_DELETED`", body = ErrorBody),
    )
)]
#[post("/auth/logout")]
pub(crate) async fn logout(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, ApiError> {
    state.auth.logout(&user.0).await?;
    Ok(HttpResponse::Created().json(MessageResponse {
        message: "Successfully logged out",
    }))
}
