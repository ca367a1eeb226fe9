use actix_web::{HttpResponse, patch, web};
use alpha_community::comments::{CommentId, CommentText, CommentView};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::actor;
use crate::auth_user::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::extractors::JsonObject;
use crate::state::AppState;

/// The one writable field; any other key is ignored, never written (S4).
#[derive(Debug, Deserialize, ToSchema)]
pub struct CommentChangesBody {
    #[schema(min_length = 1, max_length = 1000, pattern = r"^[^\u0000]*$")]
    pub message: String,
}

/// Changes a comment's message (its author or an admin; CONTRACT #86, where anyone could write
/// any column).
#[utoipa::path(
    tag = "comments",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The comment")),
    request_body = CommentChangesBody,
    responses(
        (status = 200, description = "Changed", body = CommentView),
        (status = 400, description = "`INVALID_FIELD` (`message`), `INVALID_BODY`, `INVALID_JSON` or `INVALID_PATH_PARAMETER`", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: neither the author nor an admin", body = ErrorBody),
        (status = 404, description = "`COMMENT_NOT_FOUND`", body = ErrorBody),
    )
)]
#[patch("/comments/{id}")]
pub(crate) async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: JsonObject<CommentChangesBody>,
) -> Result<HttpResponse, ApiError> {
    let message = CommentText::new(body.into_inner().message)?;
    let view = state
        .comments
        .update(actor(&user), CommentId(id.into_inner()), message)
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
