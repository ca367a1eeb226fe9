use actix_web::{HttpResponse, get, web};
use alpha_kernel::UserId;
use uuid::Uuid;

use crate::auth::managed::ManagedUserView;
use crate::auth_user::AdminUser;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// One user (admin; CONTRACT #12, without private fields).
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("uuid" = Uuid, Path, description = "The user")),
    responses(
        (status = 200, description = "The user", body = ManagedUserView),
        (status = 400, description = "`INVALID_PATH_PARAMETER`", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not an admin", body = ErrorBody),
        (status = 404, description = "`USER_NOT_FOUND`", body = ErrorBody),
    )
)]
#[get("/auth/{uuid}", guard = "super::not_a_fixed_auth_path")]
pub(crate) async fn get(
    state: web::Data<AppState>,
    _admin: AdminUser,
    uuid: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let user = state.users.get(UserId(uuid.into_inner())).await?;
    Ok(HttpResponse::Ok().json(ManagedUserView::from(user)))
}
