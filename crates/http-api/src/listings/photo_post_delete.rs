use actix_web::{HttpResponse, delete, web};
use uuid::Uuid;

use super::actor;
use super::schema::PhotoDeleted;
use crate::auth_user::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::media::cleanup::settled;
use crate::state::AppState;

/// Deletes one of a post's photos with its files (the post's owner or an admin; CONTRACT #52,
/// where anyone could, and an unknown photo was a 200).
#[utoipa::path(
    tag = "posts",
    security(("bearer" = [])),
    params(("uuid" = Uuid, Path, description = "The photo (not the post)")),
    responses(
        (status = 200, description = "Deleted, with its files", body = PhotoDeleted),
        (status = 400, description = "`INVALID_PATH_PARAMETER`", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: neither the post's owner nor an admin", body = ErrorBody),
        (status = 404, description = "`PHOTO_NOT_FOUND`: no post photo has this uuid", body = ErrorBody),
    )
)]
#[delete("/photo/posts/{uuid}")]
pub(crate) async fn delete(
    state: web::Data<AppState>,
    user: CurrentUser,
    uuid: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    settled(
        state
            .post_photos
            .delete(actor(&user), uuid.into_inner())
            .await?,
    );
    Ok(HttpResponse::Ok().json(PhotoDeleted { message: "OK" }))
}
