use actix_web::{HttpResponse, delete, web};
use alpha_listings::VideoId;

use super::actor;
use super::attachments::Deleted;
use crate::auth_user::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Deletes a video and its file (the post's owner or an admin; the old API always failed, B3).
#[utoipa::path(
    tag = "posts",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The video")),
    responses(
        (status = 200, description = "Deleted", body = Deleted),
        (status = 400, description = "`INVALID_PATH_PARAMETER`: not an integer", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: neither the post's owner nor an admin", body = ErrorBody),
        (status = 404, description = "`VIDEO_NOT_FOUND`", body = ErrorBody),
    )
)]
#[delete("/video/{id}", guard = "super::not_an_upload_path")]
pub(crate) async fn delete(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    state
        .attachments
        .delete_video(actor(&user), VideoId(id))
        .await?;
    Ok(HttpResponse::Ok().json(Deleted {
        message: format!("Video with ID {id} deleted successfully"),
    }))
}
