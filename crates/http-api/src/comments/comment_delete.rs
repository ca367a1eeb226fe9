use actix_web::{HttpResponse, delete, web};
use alpha_community::comments::CommentId;
use uuid::Uuid;

use super::{DELETED, actor};
use crate::auth_user::CurrentUser;
use crate::catalog::replies::Done;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Deletes a comment (its author or an admin; CONTRACT #87, where anyone could). Its replies
/// stay, with `replyTo` null.
#[utoipa::path(
    tag = "comments",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The comment")),
    responses(
        (status = 200, description = "Deleted", body = Done),
        (status = 400, description = "`INVALID_PATH_PARAMETER`", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: neither the author nor an admin", body = ErrorBody),
        (status = 404, description = "`COMMENT_NOT_FOUND`", body = ErrorBody),
    )
)]
#[delete("/comments/{id}")]
pub(crate) async fn delete(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state
        .comments
        .delete(actor(&user), CommentId(id.into_inner()))
        .await?;
    Ok(HttpResponse::Ok().json(DELETED))
}
