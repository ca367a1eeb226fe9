//! What the comment rules need from the store.

use alpha_kernel::{RepoError, UserId};
use uuid::Uuid;

use super::types::{CommentId, CommentText};
use super::views::CommentView;

/// A comment to insert, every value decided by the service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentRecord {
    pub id: CommentId,
    pub author: UserId,
    pub post: Uuid,
    pub message: CommentText,
    pub reply_to: Option<CommentId>,
}

/// What the rules need to know about a stored comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommentSnapshot {
    pub id: CommentId,
    /// `None` for legacy rows whose post was unlinked.
    pub post: Option<Uuid>,
    /// `None` once the author's account is gone.
    pub author: Option<UserId>,
}

/// What [`CommentRepo::insert`] did: the foreign keys decide, never a read before the write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inserted {
    Done,
    /// The post was deleted before the row could be written.
    PostGone,
    /// The comment replied to was deleted before the row could be written.
    ParentGone,
}

#[cfg_attr(test, mockall::automock)]
#[async_trait::async_trait]
pub trait CommentRepo: Send + Sync {
    async fn post_exists(&self, post: Uuid) -> Result<bool, RepoError>;

    async fn snapshot(&self, id: CommentId) -> Result<Option<CommentSnapshot>, RepoError>;

    /// Inserts the comment; `sender` is the author's name at this moment (never their e-mail).
    async fn insert(&self, comment: &CommentRecord) -> Result<Inserted, RepoError>;

    /// Sets the message (and `updatedAt`); false when the comment is gone.
    async fn update_message(&self, id: CommentId, message: &CommentText)
    -> Result<bool, RepoError>;

    /// Deletes the comment; its replies stay with `replyTo` null (the foreign key's rule).
    /// False when it is already gone.
    async fn delete(&self, id: CommentId) -> Result<bool, RepoError>;

    async fn find(&self, id: CommentId) -> Result<Option<CommentView>, RepoError>;

    /// The post's comments, oldest first.
    async fn of_post(&self, post: Uuid) -> Result<Vec<CommentView>, RepoError>;
}
