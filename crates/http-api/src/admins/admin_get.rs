use actix_web::{HttpResponse, get, web};
use alpha_kernel::UserId;
use uuid::Uuid;

use crate::auth::managed::{ManagedUserView, as_admin};
use crate::auth_user::AdminUser;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// One admin (admin; CONTRACT #115, which answered any user, or `null`).
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("uuid" = Uuid, Path, description = "The admin")),
    responses(
        (status = 200, description = "The admin", body = ManagedUserView),
        (status = 400, description = "`INVALID_PATH_PARAMETER`", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not an admin", body = ErrorBody),
        (status = 404, description = "`ADMIN_NOT_FOUND`: no such user, or not an admin", body = ErrorBody),
    )
)]
#[get("/admins/{uuid}")]
pub(crate) async fn get(
    state: web::Data<AppState>,
    _admin: AdminUser,
    uuid: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let user = state
        .users
        .get_admin(UserId(uuid.into_inner()))
        .await
        .map_err(as_admin)?;
    Ok(HttpResponse::Ok().json(ManagedUserView::from(user)))
}
