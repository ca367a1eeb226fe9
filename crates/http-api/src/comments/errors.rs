//! The comments context's errors at the edge.

use actix_web::http::StatusCode;
use alpha_community::comments::CommentError;

use crate::auth::errors::FORBIDDEN;
use crate::catalog::errors::INVALID_FIELD;
use crate::error::ApiError;
use crate::listings::errors::POST_NOT_FOUND;

pub(crate) const COMMENT_NOT_FOUND: &str = "COMMENT_NOT_FOUND";
/// `replyTo` names no comment, or a comment of another post.
pub(crate) const INVALID_REPLY_TO: &str = "INVALID_REPLY_TO";

impl From<CommentError> for ApiError {
    fn from(err: CommentError) -> Self {
        match err {
            CommentError::NotFound => ApiError::new(
                StatusCode::NOT_FOUND,
                COMMENT_NOT_FOUND,
                "Comment not found",
            )
            .with_legacy_fields(),
            CommentError::PostNotFound => {
                ApiError::new(StatusCode::NOT_FOUND, POST_NOT_FOUND, "Post Not Found")
                    .with_legacy_fields()
            }
            CommentError::InvalidReply => ApiError::bad_request(
                INVALID_REPLY_TO,
                "replyTo must be a comment of the same post",
            ),
            CommentError::Forbidden => ApiError::new(
                StatusCode::FORBIDDEN,
                FORBIDDEN,
                "Only the comment's author or an admin may do this",
            ),
            CommentError::Invalid { field, reason } => {
                ApiError::bad_request(INVALID_FIELD, format!("{field} {reason}"))
            }
            CommentError::Repo(repo) => ApiError::from_repo(&repo),
        }
    }
}
