use actix_web::{HttpResponse, delete, web};
use alpha_listings::PostId;
use uuid::Uuid;

use super::actor;
use super::attachments::Deleted;
use crate::auth_user::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Deletes a post's videos and their files (the post's owner or an admin).
#[utoipa::path(
    tag = "posts",
    security(("bearer" = [])),
    params(("postId" = Uuid, Path, description = "The post")),
    responses(
        (status = 200, description = "Deleted (also when there was none)", body = Deleted),
        (status = 400, description = "`INVALID_PATH_PARAMETER`: not a UUID", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: neither the post's owner nor an admin", body = ErrorBody),
        (status = 404, description = "`POST_NOT_FOUND`", body = ErrorBody),
    )
)]
#[delete("/video/post/{postId}")]
pub(crate) async fn delete_of_post(
    state: web::Data<AppState>,
    user: CurrentUser,
    post: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let post = post.into_inner();
    state
        .attachments
        .delete_videos_of(actor(&user), PostId(post))
        .await?;
    Ok(HttpResponse::Ok().json(Deleted {
        message: format!("All videos for post {post} deleted successfully"),
    }))
}
