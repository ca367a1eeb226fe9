use actix_web::{HttpResponse, delete, web};
use uuid::Uuid;

use crate::auth_user::AdminUser;
use crate::catalog::replies::Done;
use crate::error::{ApiError, ErrorBody};
use crate::media::cleanup::settled;
use crate::state::AppState;

/// Deletes any user's avatar and its files (admin, CONTRACT #59).
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    params(("uuid" = Uuid, Path, description = "The avatar's photo (not the user)")),
    responses(
        (status = 200, description = "Deleted, with its files", body = Done),
        (status = 400, description = "`INVALID_PATH_PARAMETER`", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not an admin", body = ErrorBody),
        (status = 404, description = "`PHOTO_NOT_FOUND`: no avatar has this uuid", body = ErrorBody),
    )
)]
#[delete("/photo/user/{uuid}")]
pub(crate) async fn delete(
    state: web::Data<AppState>,
    _admin: AdminUser,
    uuid: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    settled(state.avatars.delete_photo(uuid.into_inner()).await?);
    Ok(HttpResponse::Ok().json(Done { message: "OK" }))
}
