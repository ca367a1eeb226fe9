use actix_web::{HttpResponse, delete, web};

use crate::auth_user::CurrentUser;
use crate::catalog::replies::Done;
use crate::error::{ApiError, ErrorBody};
use crate::media::cleanup::settled;
use crate::state::AppState;

/// Deletes the caller's avatar and its files (CONTRACT #10).
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "`Avatar deleted successfully`", body = Done),
        (status = 401, description = "`TOKEN_INVALID`, `TOKEN_EXPIRED` or `USER_DELETED`", body = ErrorBody),
        (status = 404, description = "`AVATAR_NOT_FOUND`: the caller has no avatar", body = ErrorBody),
    )
)]
#[delete("/auth/avatar")]
pub(crate) async fn delete(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, ApiError> {
    settled(state.avatars.delete_own(user.0.id).await?);
    Ok(HttpResponse::Ok().json(Done {
        message: "Avatar deleted successfully",
    }))
}
