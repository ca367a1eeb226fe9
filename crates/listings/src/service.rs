//! The listing use cases. Who may do what: anyone signed in creates (pending moderation); the
//! owner or an admin edits and deletes, anyone else gets `Forbidden` (S4); only an admin moves a
//! post through moderation, and an owner's edit of a moderated post sends it back to pending so
//! nothing unreviewed reaches the feed. Prices are stored in manat, converted at the currency's
//! rate on create and on every edit of price or currency (B9).

use std::sync::Arc;
use std::time::Duration;

use alpha_kernel::{EventPublisher, NoEvents, UserId, Version};
use uuid::Uuid;

use crate::errors::ListingError;
use crate::feed::{FeedIncludes, FeedQuery};
use crate::feed_counts::FeedCounts;
use crate::inputs::{NewPost, PostChanges};
use crate::ports::{MediaCleanup, ModerationNote, PostPatch, PostRecord, PostRepo, Rates};
use crate::types::{ConvertedPrice, CurrencyCode, Moderation, PostId, PostRefs, Rate};
use crate::views::{FeedPage, PostSnapshot, PostView};

/// Who is asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub user: UserId,
    pub admin: bool,
}

/// `GET /posts` answers either a page or, with `countOnly`, the count alone.
#[derive(Debug, Clone, PartialEq)]
pub enum FeedAnswer {
    Count(u64),
    Page(FeedPage),
}

pub struct ListingService {
    posts: Arc<dyn PostRepo>,
    rates: Arc<dyn Rates>,
    media: Arc<dyn MediaCleanup>,
    counts: FeedCounts,
    version: Version,
    events: Arc<dyn EventPublisher>,
}

impl ListingService {
    /// `POST /posts/list` reads at most this many ids (the app sends the user's favourites).
    pub const MAX_LIST: usize = 200;

    pub fn new(
        posts: Arc<dyn PostRepo>,
        rates: Arc<dyn Rates>,
        media: Arc<dyn MediaCleanup>,
    ) -> Self {
        Self {
            posts,
            rates,
            media,
            counts: FeedCounts::new(FeedCounts::DEFAULT_TTL),
            version: Version::new(),
            events: Arc::new(NoEvents),
        }
    }

    /// Where approvals are announced ([`DomainEvent::PostApproved`]).
    #[must_use]
    pub fn with_events(mut self, events: Arc<dyn EventPublisher>) -> Self {
        self.events = events;
        self
    }

    /// Moves `version` on at every write, for the readers that keep rendered posts.
    #[must_use]
    pub fn with_version(mut self, version: Version) -> Self {
        self.version = version;
        self
    }

    /// Reuses a feed's match count for `ttl` ([`FeedCounts`]); zero counts every time.
    #[must_use]
    pub fn with_count_ttl(mut self, ttl: Duration) -> Self {
        self.counts = FeedCounts::new(ttl);
        self
    }

    /// Creates `owner`'s post, pending moderation, its price converted to manat.
    ///
    /// Errors: `UnknownReference` for a brand, model, category or plan that does not exist;
    /// `UnknownCurrency`; `Repo`.
    pub async fn create(&self, owner: UserId, post: NewPost) -> Result<PostId, ListingError> {
        self.check_references(&post.fields().refs).await?;
        let price = self.convert(post.price(), post.currency().clone()).await?;
        let id = PostId(Uuid::new_v4());
        let record = PostRecord {
            id,
            owner,
            fields: post.fields().clone(),
            price,
            personal_info: post.personal_info().cloned(),
            moderation: Moderation::Pending,
        };
        self.posts.insert(&record).await?;
        self.written();
        Ok(id)
    }

    /// Edits a post as its owner or an admin.
    ///
    /// Errors: `NotFound`; `Forbidden` for anyone else, and for a non-admin who sends a status;
    /// `Invalid { field: "price" }` when a currency change meets a post with no price;
    /// `UnknownReference`; `UnknownCurrency` (also when only the price changes and the stored
    /// currency has no rate any more); `Repo`.
    pub async fn update(
        &self,
        actor: Actor,
        id: PostId,
        changes: PostChanges,
    ) -> Result<(), ListingError> {
        let post = self.snapshot(id).await?;
        authorize(actor, &post)?;
        if changes.status().is_some() && !actor.admin {
            return Err(ListingError::Forbidden);
        }
        self.check_references(&changes.fields().refs).await?;

        let price = if changes.price().is_some() || changes.currency().is_some() {
            let original = changes
                .price()
                .or(post.original_price)
                .ok_or_else(|| ListingError::invalid("price", "is required to set a currency"))?;
            let currency = match changes.currency() {
                Some(c) => c.clone(),
                None => stored_currency(post.original_currency.as_deref())?,
            };
            Some(self.convert(original, currency).await?)
        } else {
            None
        };

        let personal_info = changes
            .personal_info()
            .map(|patch| post.personal_info.clone().unwrap_or_default().merged(patch));

        let moderation = match changes.status() {
            Some(status) => Some(status),
            None if !actor.admin
                && changes.touches_content()
                && post.moderation != Moderation::Pending =>
            {
                Some(Moderation::Pending)
            }
            None => None,
        };

        let patch = PostPatch {
            fields: changes.fields().clone(),
            price,
            personal_info,
            moderation,
            // An admin's status is a moderation decision, recorded as one.
            moderated_by: changes.status().map(|_| ModerationNote {
                by: actor.user,
                reason: None,
            }),
        };
        if patch.is_empty() {
            return Ok(());
        }
        if !self.posts.update(id, &patch).await? {
            return Err(ListingError::NotFound);
        }
        self.written();
        if let Some(status) = changes.status() {
            self.announce(&post, status).await;
        }
        Ok(())
    }

    /// Deletes a post as its owner or an admin, with its photos, video and file, rows and files.
    ///
    /// Errors: `NotFound`, `Forbidden`, `Repo`.
    pub async fn delete(&self, actor: Actor, id: PostId) -> Result<(), ListingError> {
        let post = self.snapshot(id).await?;
        authorize(actor, &post)?;
        let media = self.posts.delete(id).await?.ok_or(ListingError::NotFound)?;
        self.written();
        if !media.is_empty() {
            self.media.remove(&media).await;
        }
        Ok(())
    }

    /// Errors: `Repo`.
    pub async fn feed(&self, query: &FeedQuery) -> Result<FeedAnswer, ListingError> {
        let count = match self.counts.get(query) {
            Some(count) => count,
            None => {
                let count = self.posts.feed_count(query).await?;
                self.counts.put(query, count);
                count
            }
        };
        if query.count_only {
            return Ok(FeedAnswer::Count(count));
        }
        let rows = self.posts.feed(query).await?;
        Ok(FeedAnswer::Page(FeedPage { count, rows }))
    }

    /// Any status: a link to a pending post still opens (as before).
    ///
    /// Errors: `NotFound`, `Repo`.
    pub async fn get(&self, id: PostId, includes: FeedIncludes) -> Result<PostView, ListingError> {
        self.posts
            .find(id, includes)
            .await?
            .ok_or(ListingError::NotFound)
    }

    /// Errors: `Repo`.
    pub async fn mine(&self, user: UserId) -> Result<Vec<PostView>, ListingError> {
        Ok(self.posts.mine(user).await?)
    }

    /// Errors: `Repo`.
    pub async fn count(&self) -> Result<u64, ListingError> {
        Ok(self.posts.count().await?)
    }

    /// The posts among `ids` that exist; duplicates read once.
    ///
    /// Errors: `Invalid { field: "uuids" }` for more than [`Self::MAX_LIST`] ids; `Repo`.
    pub async fn by_ids(
        &self,
        ids: &[Uuid],
        includes: FeedIncludes,
    ) -> Result<Vec<PostView>, ListingError> {
        let mut unique: Vec<PostId> = Vec::with_capacity(ids.len());
        for id in ids {
            if !unique.contains(&PostId(*id)) {
                unique.push(PostId(*id));
            }
        }
        if unique.len() > Self::MAX_LIST {
            return Err(ListingError::invalid(
                "uuids",
                format!("at most {} posts", Self::MAX_LIST),
            ));
        }
        if unique.is_empty() {
            return Ok(Vec::new());
        }
        Ok(self.posts.by_ids(&unique, includes).await?)
    }

    /// After every write: what was counted or rendered before it may be wrong now.
    fn written(&self) {
        self.counts.clear();
        self.version.bump();
    }

    async fn snapshot(&self, id: PostId) -> Result<PostSnapshot, ListingError> {
        self.posts.snapshot(id).await?.ok_or(ListingError::NotFound)
    }

    async fn check_references(&self, refs: &PostRefs) -> Result<(), ListingError> {
        if refs.is_empty() {
            return Ok(());
        }
        match self.posts.missing_references(refs).await?.first() {
            Some(missing) => Err(ListingError::UnknownReference(*missing)),
            None => Ok(()),
        }
    }

    async fn convert(
        &self,
        original: f64,
        currency: CurrencyCode,
    ) -> Result<ConvertedPrice, ListingError> {
        // The base currency converts at 1 whether or not the table was seeded.
        let rate = if currency == CurrencyCode::tmt() {
            Rate::ONE
        } else {
            self.rates
                .rate(&currency)
                .await?
                .ok_or_else(|| ListingError::UnknownCurrency(currency.to_string()))?
        };
        Ok(ConvertedPrice::convert(original, currency, rate))
    }
}

pub(crate) fn authorize(actor: Actor, post: &PostSnapshot) -> Result<(), ListingError> {
    if may_change(actor, post.owner) {
        Ok(())
    } else {
        Err(ListingError::Forbidden)
    }
}

/// Who may change a post and what belongs to it: its owner or an admin; a post whose owner is
/// gone (`None`) belongs to the admins.
pub(crate) fn may_change(actor: Actor, owner: Option<UserId>) -> bool {
    actor.admin || owner == Some(actor.user)
}

/// The currency a stored price is in: TMT when none was stored.
fn stored_currency(stored: Option<&str>) -> Result<CurrencyCode, ListingError> {
    match stored {
        None => Ok(CurrencyCode::tmt()),
        Some(label) => {
            CurrencyCode::parse(label).map_err(|_| ListingError::UnknownCurrency(label.to_owned()))
        }
    }
}

mod moderation;
pub use moderation::ModerationPage;
#[cfg(test)]
mod tests;
