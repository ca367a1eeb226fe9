//! The blog use cases. The caller is always the author (a `userId` in the body is not read,
//! S4); entries start pending; the author or an admin edits and deletes; only an admin moves an
//! entry through moderation, and an author's edit of a moderated entry sends it back to pending
//! so nothing unreviewed stays public. The public sees accepted entries, and signed-in users
//! also their own.

use std::sync::Arc;

use uuid::Uuid;

use super::errors::BlogError;
use super::inputs::{NewVlog, VlogChanges};
use super::ports::{VlogPatch, VlogRecord, VlogRepo, VlogSnapshot};
use super::query::{Visibility, VlogQuery};
use super::types::{VlogId, VlogStatus};
use super::views::{VlogPage, VlogView};
use crate::actor::Actor;

pub struct BlogService {
    vlogs: Arc<dyn VlogRepo>,
}

impl std::fmt::Debug for BlogService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlogService").finish_non_exhaustive()
    }
}

impl BlogService {
    pub fn new(vlogs: Arc<dyn VlogRepo>) -> Self {
        Self { vlogs }
    }

    /// Creates the caller's entry, pending moderation.
    ///
    /// Errors: `Repo`.
    pub async fn create(&self, actor: Actor, vlog: NewVlog) -> Result<VlogView, BlogError> {
        let fields = vlog.fields();
        let id = VlogId(Uuid::new_v4());
        let record = VlogRecord {
            id,
            author: actor.user,
            title: vlog.title().to_owned(),
            description: fields.description.clone(),
            tag: fields.tag.clone(),
            video_url: fields.video_url.clone(),
            is_active: fields.is_active.unwrap_or(false),
            thumbnail: fields.thumbnail.clone(),
            status: VlogStatus::Pending,
        };
        self.vlogs.insert(&record).await?;
        self.vlogs.find(id).await?.ok_or(BlogError::NotFound)
    }

    /// Errors: `Repo`.
    pub async fn list(
        &self,
        viewer: Option<Actor>,
        query: &VlogQuery,
    ) -> Result<VlogPage, BlogError> {
        Ok(self.vlogs.list(query, visibility(viewer)).await?)
    }

    /// An entry that is not accepted opens for its author and the admins only.
    ///
    /// Errors: `NotFound` (also for an entry the caller may not see), `Repo`.
    pub async fn get(&self, viewer: Option<Actor>, id: VlogId) -> Result<VlogView, BlogError> {
        let vlog = self.vlogs.find(id).await?.ok_or(BlogError::NotFound)?;
        let visible = match visibility(viewer) {
            Visibility::All => true,
            Visibility::AcceptedOr(user) => {
                vlog.status == VlogStatus::Accepted.as_str()
                    || (user.is_some() && vlog.author() == user)
            }
        };
        if visible {
            Ok(vlog)
        } else {
            Err(BlogError::NotFound)
        }
    }

    /// Edits an entry as its author or an admin; only an admin sets `status` or
    /// `declineMessage`.
    ///
    /// Errors: `NotFound`; `Forbidden` for anyone else, and for a non-admin who moderates;
    /// `Repo`.
    pub async fn update(
        &self,
        actor: Actor,
        id: VlogId,
        changes: VlogChanges,
    ) -> Result<VlogView, BlogError> {
        let stored = self.authorized(actor, id).await?;
        if changes.moderates() && !actor.admin {
            return Err(BlogError::Forbidden);
        }
        let fields = changes.fields().clone();
        let mut patch = VlogPatch {
            title: fields.title,
            description: fields.description,
            tag: fields.tag,
            video_url: fields.video_url,
            is_active: fields.is_active,
            thumbnail: fields.thumbnail,
            status: changes.status(),
            decline_message: changes.decline_message().map(|m| Some(m.to_owned())),
        };
        match changes.status() {
            // A decline's reason means nothing once the entry is accepted or back in review.
            Some(VlogStatus::Accepted | VlogStatus::Pending) if patch.decline_message.is_none() => {
                patch.decline_message = Some(None);
            }
            None if !actor.admin
                && changes.touches_content()
                && stored.status != VlogStatus::Pending =>
            {
                patch.status = Some(VlogStatus::Pending);
                patch.decline_message = Some(None);
            }
            _ => {}
        }
        if !patch.is_empty() && !self.vlogs.update(id, &patch).await? {
            return Err(BlogError::NotFound);
        }
        self.vlogs.find(id).await?.ok_or(BlogError::NotFound)
    }

    /// Errors: `NotFound`, `Forbidden`, `Repo`.
    pub async fn delete(&self, actor: Actor, id: VlogId) -> Result<(), BlogError> {
        self.authorized(actor, id).await?;
        if self.vlogs.delete(id).await? {
            Ok(())
        } else {
            Err(BlogError::NotFound)
        }
    }

    async fn authorized(&self, actor: Actor, id: VlogId) -> Result<VlogSnapshot, BlogError> {
        let stored = self.vlogs.snapshot(id).await?.ok_or(BlogError::NotFound)?;
        if actor.may_change(stored.author) {
            Ok(stored)
        } else {
            Err(BlogError::Forbidden)
        }
    }
}

fn visibility(viewer: Option<Actor>) -> Visibility {
    match viewer {
        Some(actor) if actor.admin => Visibility::All,
        other => Visibility::AcceptedOr(other.map(|a| a.user)),
    }
}
