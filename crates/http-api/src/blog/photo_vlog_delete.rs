use actix_web::{HttpResponse, delete, web};
use uuid::Uuid;

use crate::auth_user::AdminUser;
use crate::catalog::replies::Done;
use crate::error::{ApiError, ErrorBody};
use crate::media::cleanup::settled;
use crate::state::AppState;

/// Deletes a blog image and its files (admin, CONTRACT #61, where an unknown photo was a 200).
/// Only blog images: another kind of photo is not found here.
#[utoipa::path(
    tag = "blog",
    security(("bearer" = [])),
    params(("uuid" = Uuid, Path, description = "The photo")),
    responses(
        (status = 200, description = "Deleted, with its files", body = Done),
        (status = 400, description = "`INVALID_PATH_PARAMETER`", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not an admin", body = ErrorBody),
        (status = 404, description = "`PHOTO_NOT_FOUND`: no blog image has this uuid", body = ErrorBody),
    )
)]
#[delete("/photo/vlog/{uuid}")]
pub(crate) async fn delete(
    state: web::Data<AppState>,
    _admin: AdminUser,
    uuid: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    settled(state.blog_photos.delete(uuid.into_inner()).await?);
    Ok(HttpResponse::Ok().json(Done { message: "OK" }))
}
