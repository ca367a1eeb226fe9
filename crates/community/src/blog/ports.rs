//! What the blog rules need from the store.

use alpha_kernel::{RepoError, UserId};
use serde_json::Value;
use uuid::Uuid;

use super::photos::NewBlogPhoto;
use super::query::{Visibility, VlogQuery};
use super::types::{VlogId, VlogStatus};
use super::views::{BlogPhotoView, VlogPage, VlogView};

/// An entry to insert, every value decided by the service.
#[derive(Debug, Clone, PartialEq)]
pub struct VlogRecord {
    pub id: VlogId,
    pub author: UserId,
    pub title: String,
    pub description: Option<String>,
    pub tag: Option<String>,
    pub video_url: Option<String>,
    pub is_active: bool,
    pub thumbnail: Option<Value>,
    pub status: VlogStatus,
}

/// The columns an update writes; `None` leaves a column as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VlogPatch {
    pub title: Option<String>,
    pub description: Option<String>,
    pub tag: Option<String>,
    pub video_url: Option<String>,
    pub is_active: Option<bool>,
    pub thumbnail: Option<Value>,
    pub status: Option<VlogStatus>,
    /// `Some(None)` clears it.
    pub decline_message: Option<Option<String>>,
}

impl VlogPatch {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// What the rules need to know about a stored entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VlogSnapshot {
    pub id: VlogId,
    /// `None` once the author's account is gone.
    pub author: Option<UserId>,
    pub status: VlogStatus,
}

#[cfg_attr(test, mockall::automock)]
#[async_trait::async_trait]
pub trait VlogRepo: Send + Sync {
    async fn insert(&self, vlog: &VlogRecord) -> Result<(), RepoError>;

    async fn snapshot(&self, id: VlogId) -> Result<Option<VlogSnapshot>, RepoError>;

    /// Applies the patch (and bumps `updatedAt`); false when the entry is gone.
    async fn update(&self, id: VlogId, patch: &VlogPatch) -> Result<bool, RepoError>;

    /// False when it is already gone.
    async fn delete(&self, id: VlogId) -> Result<bool, RepoError>;

    /// The entry with its author, whatever its status.
    async fn find(&self, id: VlogId) -> Result<Option<VlogView>, RepoError>;

    /// One page of the entries `visible` lets through that match the filters.
    async fn list(&self, query: &VlogQuery, visible: Visibility) -> Result<VlogPage, RepoError>;
}

/// The blog's `photo` rows.
#[cfg_attr(test, mockall::automock)]
#[async_trait::async_trait]
pub trait BlogPhotos: Send + Sync {
    async fn insert_photo(&self, photo: &NewBlogPhoto) -> Result<BlogPhotoView, RepoError>;

    /// Deletes a blog image row (never another kind of photo), returning the public paths of
    /// its files; `None` when there is no such blog image.
    async fn delete_photo(&self, photo: Uuid) -> Result<Option<Vec<String>>, RepoError>;
}
