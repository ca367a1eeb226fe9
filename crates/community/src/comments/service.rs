//! The comment use cases. Anyone signed in comments on a post that exists, replying only within
//! that post; the author or an admin edits the message (nothing else is writable, S4) and
//! deletes; others get `Forbidden`. The post page is rendered from cache, so each write moves
//! the listings version.

use std::sync::Arc;

use alpha_kernel::Version;
use uuid::Uuid;

use super::errors::CommentError;
use super::ports::{CommentRecord, CommentRepo, CommentSnapshot, Inserted};
use super::types::{CommentId, CommentText, NewComment};
use super::views::CommentView;
use crate::actor::Actor;

pub struct CommentService {
    repo: Arc<dyn CommentRepo>,
    version: Version,
}

impl std::fmt::Debug for CommentService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CommentService").finish_non_exhaustive()
    }
}

impl CommentService {
    /// `listings_version` is the one the rendered post pages are kept under.
    pub fn new(repo: Arc<dyn CommentRepo>, listings_version: Version) -> Self {
        Self {
            repo,
            version: listings_version,
        }
    }

    /// Errors: `PostNotFound`; `InvalidReply` for a parent that does not exist or belongs to
    /// another post; `Repo`.
    pub async fn create(
        &self,
        actor: Actor,
        comment: NewComment,
    ) -> Result<CommentView, CommentError> {
        if !self.repo.post_exists(comment.post).await? {
            return Err(CommentError::PostNotFound);
        }
        if let Some(parent) = comment.reply_to {
            let parent = self.repo.snapshot(parent).await?;
            if parent.and_then(|p| p.post) != Some(comment.post) {
                return Err(CommentError::InvalidReply);
            }
        }
        let id = CommentId(Uuid::new_v4());
        let record = CommentRecord {
            id,
            author: actor.user,
            post: comment.post,
            message: comment.message,
            reply_to: comment.reply_to,
        };
        match self.repo.insert(&record).await? {
            Inserted::Done => {}
            Inserted::PostGone => return Err(CommentError::PostNotFound),
            Inserted::ParentGone => return Err(CommentError::InvalidReply),
        }
        self.version.bump();
        self.get(id).await
    }

    /// Errors: `NotFound`, `Forbidden`, `Repo`.
    pub async fn update(
        &self,
        actor: Actor,
        id: CommentId,
        message: CommentText,
    ) -> Result<CommentView, CommentError> {
        self.authorized(actor, id).await?;
        if !self.repo.update_message(id, &message).await? {
            return Err(CommentError::NotFound);
        }
        self.version.bump();
        self.get(id).await
    }

    /// Errors: `NotFound`, `Forbidden`, `Repo`.
    pub async fn delete(&self, actor: Actor, id: CommentId) -> Result<(), CommentError> {
        self.authorized(actor, id).await?;
        if !self.repo.delete(id).await? {
            return Err(CommentError::NotFound);
        }
        self.version.bump();
        Ok(())
    }

    /// Errors: `NotFound`, `Repo`.
    pub async fn get(&self, id: CommentId) -> Result<CommentView, CommentError> {
        self.repo.find(id).await?.ok_or(CommentError::NotFound)
    }

    /// Oldest first; an unknown post has none.
    ///
    /// Errors: `Repo`.
    pub async fn of_post(&self, post: Uuid) -> Result<Vec<CommentView>, CommentError> {
        Ok(self.repo.of_post(post).await?)
    }

    async fn authorized(&self, actor: Actor, id: CommentId) -> Result<(), CommentError> {
        let CommentSnapshot { author, .. } = self
            .repo
            .snapshot(id)
            .await?
            .ok_or(CommentError::NotFound)?;
        if actor.may_change(author) {
            Ok(())
        } else {
            Err(CommentError::Forbidden)
        }
    }
}
