//! The moderation queue and an admin's decisions on it. A decision is recorded with who made
//! it and why, in the same statement as the status change; an approval is announced
//! ([`DomainEvent::PostApproved`]) so the brand's subscribers can hear of it.

use super::{Actor, ListingService};
use crate::errors::ListingError;
use crate::feed::FeedIncludes;
use crate::ports::{ModerationNote, PostPatch};
use crate::types::{Moderation, PostId};
use crate::views::{PostSnapshot, PostView};
use alpha_kernel::DomainEvent;

/// A decline reason is shown to the seller; longer ones are refused.
pub const MAX_REASON: usize = 1000;

/// One page of the queue, and how many posts are in that state.
#[derive(Debug, Clone, PartialEq)]
pub struct ModerationPage {
    pub count: u64,
    pub rows: Vec<PostView>,
}

impl ListingService {
    /// Posts in `status`, oldest first, with brand, model and photos.
    ///
    /// Errors: `Forbidden` for a non-admin; `Invalid` for a limit outside 1–100; `Repo`.
    pub async fn moderation_queue(
        &self,
        actor: Actor,
        status: Moderation,
        offset: u32,
        limit: u32,
    ) -> Result<ModerationPage, ListingError> {
        if !actor.admin {
            return Err(ListingError::Forbidden);
        }
        if !(1..=100).contains(&limit) {
            return Err(ListingError::invalid("limit", "must be between 1 and 100"));
        }
        let (count, ids) = self.posts.by_moderation(status, offset, limit).await?;
        let includes = FeedIncludes {
            brand: true,
            model: true,
            photo: true,
            category: true,
            subscription: true,
        };
        let mut rows = self.posts.by_ids(&ids, includes).await?;
        // `by_ids` reads newest first; the queue is served in its own order.
        rows.sort_by_key(|row| ids.iter().position(|id| id.0 == row.uuid));
        Ok(ModerationPage { count, rows })
    }

    /// Moves a post to `status` as the admin `actor`, recording who and why.
    ///
    /// Errors: `Forbidden` for a non-admin; `Invalid` for a reason too long or with NUL;
    /// `NotFound`; `Repo`.
    pub async fn moderate(
        &self,
        actor: Actor,
        id: PostId,
        status: Moderation,
        reason: Option<String>,
    ) -> Result<(), ListingError> {
        if !actor.admin {
            return Err(ListingError::Forbidden);
        }
        // Measured as sent, as the schema's `maxLength` counts it; kept trimmed.
        if let Some(text) = &reason {
            if text.chars().count() > MAX_REASON {
                return Err(ListingError::invalid(
                    "reason",
                    "must be at most 1000 characters",
                ));
            }
            if text.contains('\0') {
                return Err(ListingError::invalid(
                    "reason",
                    "must not contain NUL characters",
                ));
            }
        }
        let reason = reason
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty());
        let post = self.snapshot(id).await?;
        let patch = PostPatch {
            moderation: Some(status),
            moderated_by: Some(ModerationNote {
                by: actor.user,
                reason,
            }),
            ..PostPatch::default()
        };
        if !self.posts.update(id, &patch).await? {
            return Err(ListingError::NotFound);
        }
        self.written();
        self.announce(&post, status).await;
        Ok(())
    }

    /// Tells subscribers of a post's approval, once: re-approving an approved post is quiet.
    pub(super) async fn announce(&self, before: &PostSnapshot, status: Moderation) {
        if status != Moderation::Approved || before.moderation == Moderation::Approved {
            return;
        }
        let includes = FeedIncludes {
            brand: true,
            model: true,
            ..FeedIncludes::default()
        };
        // The names only word the message: a failed read still announces, without them.
        let view = self.posts.find(before.id, includes).await.ok().flatten();
        let name = |key: &str| {
            view.as_ref()
                .and_then(|v| v.includes.get(key))
                .and_then(|v| v.get("name"))
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        };
        self.events.publish(DomainEvent::PostApproved {
            post: before.id.0,
            owner: before.owner,
            brand: view.as_ref().and_then(|v| v.brands_id),
            brand_name: name("brand"),
            model_name: name("model"),
        });
    }
}
