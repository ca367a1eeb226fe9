//! What the listing rules need from outside: the posts table and its neighbours ([`PostRepo`]),
//! the currency table ([`Rates`]) and the upload folder ([`MediaCleanup`]).

use alpha_kernel::{RepoError, UserId};

use crate::feed::{FeedIncludes, FeedQuery};
use crate::inputs::PostFields;
use crate::types::{
    ConvertedPrice, CurrencyCode, Moderation, PersonalInfo, PostId, PostMedia, PostRefs, Rate,
    Reference,
};
use crate::views::{PostSnapshot, PostView};

/// A post to insert, every value decided by the service.
#[derive(Debug, Clone, PartialEq)]
pub struct PostRecord {
    pub id: PostId,
    pub owner: UserId,
    pub fields: PostFields,
    pub price: ConvertedPrice,
    pub personal_info: Option<PersonalInfo>,
    pub moderation: Moderation,
}

/// The columns an update writes; `None` (and a `None` inside `fields`) leaves a column as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PostPatch {
    pub fields: PostFields,
    pub price: Option<ConvertedPrice>,
    /// The whole merged object.
    pub personal_info: Option<PersonalInfo>,
    pub moderation: Option<Moderation>,
    /// An admin's decision on `moderation`, recorded with it in one statement.
    pub moderated_by: Option<ModerationNote>,
}

/// Who decided a post's moderation, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModerationNote {
    pub by: UserId,
    pub reason: Option<String>,
}

impl PostPatch {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// The posts table, the rows it references, and the post reads.
#[cfg_attr(test, mockall::automock)]
#[async_trait::async_trait]
pub trait PostRepo: Send + Sync {
    /// Which of the given ids name no row (brand, model, category, plan), in that order.
    ///
    /// Errors: `RepoError` only.
    async fn missing_references(&self, refs: &PostRefs) -> Result<Vec<Reference>, RepoError>;

    /// Errors: `RepoError` only (references were checked just before; a reference deleted in
    /// between is a `RepoError`).
    async fn insert(&self, post: &PostRecord) -> Result<(), RepoError>;

    /// The owner, moderation, price and contact details of a post; `None` if there is none.
    async fn snapshot(&self, id: PostId) -> Result<Option<PostSnapshot>, RepoError>;

    /// Applies the patch (and bumps `updatedAt`); false when the post is gone.
    async fn update(&self, id: PostId, patch: &PostPatch) -> Result<bool, RepoError>;

    /// Deletes the post with its photo rows, video and file rows, in one transaction, and
    /// returns the files those rows named; `None` when the post is gone.
    async fn delete(&self, id: PostId) -> Result<Option<PostMedia>, RepoError>;

    /// One page of the feed (its rows only: the count is [`PostRepo::feed_count`]).
    async fn feed(&self, query: &FeedQuery) -> Result<Vec<PostView>, RepoError>;

    /// The number of distinct posts matching the filters, whatever the includes (B7).
    async fn feed_count(&self, query: &FeedQuery) -> Result<u64, RepoError>;

    /// One post without `userId`, always with video, file, comments and category, plus the
    /// asked includes.
    async fn find(&self, id: PostId, includes: FeedIncludes)
    -> Result<Option<PostView>, RepoError>;

    /// Every post, every status.
    async fn count(&self) -> Result<u64, RepoError>;

    /// The owner's posts, every status, newest first, with `userId`, brand, model and photos.
    async fn mine(&self, owner: UserId) -> Result<Vec<PostView>, RepoError>;

    /// The posts among `ids` that exist, every status, newest first, with `userId`.
    async fn by_ids(
        &self,
        ids: &[PostId],
        includes: FeedIncludes,
    ) -> Result<Vec<PostView>, RepoError>;

    /// The moderation queue: posts in `status`, oldest first, and how many there are.
    async fn by_moderation(
        &self,
        status: Moderation,
        offset: u32,
        limit: u32,
    ) -> Result<(u64, Vec<PostId>), RepoError>;
}

/// `convert_prices`: manat per unit.
#[cfg_attr(test, mockall::automock)]
#[async_trait::async_trait]
pub trait Rates: Send + Sync {
    /// `None` when the currency has no row (or a row whose rate cannot convert).
    async fn rate(&self, currency: &CurrencyCode) -> Result<Option<Rate>, RepoError>;
}

/// Removes files of the upload folder.
#[cfg_attr(test, mockall::automock)]
#[async_trait::async_trait]
pub trait MediaCleanup: Send + Sync {
    /// Best effort, after the rows are gone: a file that cannot be removed is logged by the
    /// adapter and left behind, since the post is already deleted and the rows are the truth.
    async fn remove(&self, media: &PostMedia);
}
