use alpha_kernel::RepoError;

/// What a comment use case can answer besides success; the edge maps each to one status and code.
#[derive(Debug, thiserror::Error)]
pub enum CommentError {
    /// No comment has this id (404).
    #[error("Comment Not Found")]
    NotFound,
    /// The post to comment on does not exist (404).
    #[error("Post Not Found")]
    PostNotFound,
    /// `replyTo` names no comment, or a comment of another post (400).
    #[error("replyTo must be a comment of the same post")]
    InvalidReply,
    /// Neither the author nor an admin (403).
    #[error("Forbidden")]
    Forbidden,
    /// A value is missing or out of range; names the body field (400).
    #[error("{field} {reason}")]
    Invalid { field: &'static str, reason: String },
    #[error(transparent)]
    Repo(#[from] RepoError),
}
