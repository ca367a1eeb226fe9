use actix_web::{HttpResponse, post, web};
use alpha_community::comments::{CommentId, CommentText, CommentView, NewComment};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::actor;
use crate::auth_user::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::extractors::JsonObject;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewCommentBody {
    /// The post commented on.
    #[schema(value_type = String, format = Uuid, pattern = r"^([0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}|urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$")]
    pub post_id: Uuid,
    #[schema(min_length = 1, max_length = 1000, pattern = r"^[^\u0000]*$")]
    pub message: String,
    /// A comment of the same post, for a reply.
    #[schema(value_type = Option<String>, format = Uuid, pattern = r"^([0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}|urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$")]
    pub reply_to: Option<Uuid>,
}

/// Comments on a post as the caller (CONTRACT #83). The answer carries the author as
/// `personalInfo` (what the app reads) beside the old `user` and `parent`, public fields only.
/// The post page shows the comment at once.
#[utoipa::path(
    tag = "comments",
    security(("bearer" = [])),
    request_body = NewCommentBody,
    responses(
        (status = 200, description = "Created", body = CommentView),
        (status = 400, description = "`INVALID_FIELD` (`message` empty, longer than 1000 characters or with NUL), `INVALID_REPLY_TO` (`replyTo` is not a comment of this post), `INVALID_BODY` or `INVALID_JSON`", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 404, description = "`POST_NOT_FOUND`", body = ErrorBody),
    )
)]
#[post("/comments")]
pub(crate) async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: JsonObject<NewCommentBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let comment = NewComment {
        post: body.post_id,
        message: CommentText::new(body.message)?,
        reply_to: body.reply_to.map(CommentId),
    };
    let view = state.comments.create(actor(&user), comment).await?;
    Ok(HttpResponse::Ok().json(view))
}
