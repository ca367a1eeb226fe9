use actix_web::{HttpResponse, delete, web};
use alpha_kernel::UserId;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth_user::AdminUser;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct UserDeleted {
    #[schema(example = "User Successfully deleted")]
    pub message: &'static str,
}

/// Deletes a user (admin; CONTRACT #14): their sessions end, their live connections close at
/// once, their tokens then answer 401 `USER_DELETED`, and their content is kept or removed as
/// configured (docs/OPERATIONS.md). An admin cannot delete their own account here.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("uuid" = Uuid, Path, description = "The user")),
    responses(
        (status = 200, description = "Deleted", body = UserDeleted),
        (status = 400, description = "`INVALID_PATH_PARAMETER`", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not an admin", body = ErrorBody),
        (status = 404, description = "`USER_NOT_FOUND`", body = ErrorBody),
        (status = 409, description = "`OWN_ACCOUNT`", body = ErrorBody),
    )
)]
#[delete("/auth/{uuid}", guard = "super::not_a_fixed_auth_path")]
pub(crate) async fn delete(
    state: web::Data<AppState>,
    admin: AdminUser,
    uuid: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state
        .users
        .delete(admin.0.id, UserId(uuid.into_inner()))
        .await?;
    Ok(HttpResponse::Ok().json(UserDeleted {
        message: "User Successfully deleted",
    }))
}
