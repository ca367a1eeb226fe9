use actix_web::{HttpResponse, get, web};
use alpha_community::comments::{CommentId, CommentView};
use uuid::Uuid;

use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// One comment (CONTRACT #85).
#[utoipa::path(
    tag = "comments",
    params(("id" = Uuid, Path, description = "The comment")),
    responses(
        (status = 200, description = "The comment", body = CommentView),
        (status = 400, description = "`INVALID_PATH_PARAMETER`", body = ErrorBody),
        (status = 404, description = "`COMMENT_NOT_FOUND`", body = ErrorBody),
    )
)]
#[get("/comments/{id}")]
pub(crate) async fn get(
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let view = state.comments.get(CommentId(id.into_inner())).await?;
    Ok(HttpResponse::Ok().json(view))
}
