//! What chat needs from storage.

use alpha_kernel::{RepoError, UserId};
use chrono::{DateTime, Utc};

use crate::types::{ChatMessage, ChatText, MessageId, Page};

#[cfg_attr(test, mockall::automock)]
#[async_trait::async_trait]
pub trait ChatRepo: Send + Sync {
    /// Stores a message; `None` when the recipient does not exist.
    ///
    /// Errors: [`RepoError`].
    async fn insert(
        &self,
        from: UserId,
        to: UserId,
        text: &ChatText,
        at: DateTime<Utc>,
    ) -> Result<Option<ChatMessage>, RepoError>;

    /// Messages between `a` and `b` (either direction), newest first, older than the cursor.
    ///
    /// Errors: [`RepoError`].
    async fn conversation(
        &self,
        a: UserId,
        b: UserId,
        page: Page,
    ) -> Result<Vec<ChatMessage>, RepoError>;

    /// Messages received by `user` after the cursor, oldest first.
    ///
    /// Errors: [`RepoError`].
    async fn received_after(&self, user: UserId, page: Page)
    -> Result<Vec<ChatMessage>, RepoError>;

    /// The newest message id, so a fresh client can start its cursor without reading history.
    ///
    /// Errors: [`RepoError`].
    async fn latest_id(&self) -> Result<Option<MessageId>, RepoError>;
}
