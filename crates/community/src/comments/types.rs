//! The values comments are written in.

use uuid::Uuid;

use super::errors::CommentError;
use crate::text::problem;

/// `comments.uuid`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CommentId(pub Uuid);

/// A comment's message: 1 to 1000 characters (the column is `varchar(1000)`), no NUL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentText(String);

impl CommentText {
    pub const MAX_CHARS: usize = 1000;

    /// Errors: `Invalid { field: "message" }`.
    pub fn new(raw: String) -> Result<Self, CommentError> {
        match problem(&raw, 1, Self::MAX_CHARS) {
            Some(reason) => Err(CommentError::Invalid {
                field: "message",
                reason,
            }),
            None => Ok(Self(raw)),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `POST /comments` once its values are valid; whether the post and parent exist is the
/// service's to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewComment {
    pub post: Uuid,
    pub message: CommentText,
    pub reply_to: Option<CommentId>,
}
