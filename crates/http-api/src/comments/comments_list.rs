use actix_web::{HttpResponse, get, web};
use alpha_community::comments::CommentView;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommentsQuery {
    /// The post whose comments to list.
    #[serde(rename = "postId")]
    #[param(rename = "postId", value_type = String, pattern = r"^([0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}|urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$")]
    pub post_id: Uuid,
}

/// A post's comments, oldest first, each with its author as `personalInfo` (CONTRACT #84, where
/// a missing `postId` was a 500 and authors' e-mails were public). An unknown post has none.
#[utoipa::path(
    tag = "comments",
    params(CommentsQuery),
    responses(
        (status = 200, description = "The comments", body = Vec<CommentView>),
        (status = 400, description = "`INVALID_QUERY`: `postId` missing or not a UUID", body = ErrorBody),
    )
)]
#[get("/comments")]
pub(crate) async fn list(
    state: web::Data<AppState>,
    query: web::Query<CommentsQuery>,
) -> Result<HttpResponse, ApiError> {
    let comments = state.comments.of_post(query.post_id).await?;
    Ok(HttpResponse::Ok().json(comments))
}
