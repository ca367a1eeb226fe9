use actix_web::{HttpResponse, delete, web};
use alpha_listings::PostId;
use uuid::Uuid;

use super::actor;
use super::schema::PostDeleted;
use crate::auth_user::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Deletes a post with its photos, video and file (its owner or an admin).
#[utoipa::path(
    tag = "posts",
    security(("bearer" = [])),
    params(("uuid" = Uuid, Path, description = "The post")),
    responses(
        (status = 200, description = "Deleted", body = PostDeleted),
        (status = 400, description = "`INVALID_PATH_PARAMETER`", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: neither the owner nor an admin", body = ErrorBody),
        (status = 404, description = "`POST_NOT_FOUND`", body = ErrorBody),
    )
)]
#[delete("/posts/{uuid}", guard = "super::not_a_fixed_post_path")]
pub(crate) async fn delete(
    state: web::Data<AppState>,
    user: CurrentUser,
    uuid: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state
        .listings
        .delete(actor(&user), PostId(uuid.into_inner()))
        .await?;
    Ok(HttpResponse::Ok().json(PostDeleted {
        message: "Post Successfully deleted",
    }))
}
