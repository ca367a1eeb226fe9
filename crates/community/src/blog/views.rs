//! A blog entry and a blog image as the app reads them (CONTRACT §1.16).

use alpha_kernel::UserId;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use super::photos::NewBlogPhoto;
use crate::author::{AuthorView, ImagePaths};

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VlogView {
    pub uuid: Uuid,
    pub title: String,
    pub description: Option<String>,
    pub tag: Option<String>,
    pub video_url: Option<String>,
    pub is_active: bool,
    #[schema(value_type = Option<Object>)]
    pub thumbnail: Option<Value>,
    pub user_id: Option<Uuid>,
    /// `Pending`, `Accepted` or `Declined`.
    pub status: &'static str,
    pub decline_message: Option<String>,
    /// `iso_millis` strings.
    pub created_at: String,
    pub updated_at: String,
    /// The author with public fields only (S7); `null` once their account is gone.
    pub user: Option<AuthorView>,
}

impl VlogView {
    pub fn author(&self) -> Option<UserId> {
        self.user_id.map(UserId)
    }
}

/// One page of the list, and how many entries match.
#[derive(Debug, Clone, PartialEq)]
pub struct VlogPage {
    pub total: u64,
    pub rows: Vec<VlogView>,
}

/// A blog image row: unlinked, as the old API stored it (every owner column null).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BlogPhotoView {
    pub uuid: Uuid,
    pub path: ImagePaths,
    pub original_path: String,
    pub banner_id: Option<Uuid>,
    pub category_id: Option<Uuid>,
    pub subscription_id: Option<Uuid>,
    pub brands_id: Option<Uuid>,
    pub models_id: Option<Uuid>,
    pub user_id: Option<Uuid>,
    pub created_at: String,
    pub updated_at: String,
}

impl BlogPhotoView {
    /// The row [`NewBlogPhoto`] makes, written at the given (`iso_millis`) times.
    pub fn of(photo: &NewBlogPhoto, created_at: String, updated_at: String) -> Self {
        Self {
            uuid: photo.uuid,
            path: photo.path.clone(),
            original_path: photo.original_path.clone(),
            banner_id: None,
            category_id: None,
            subscription_id: None,
            brands_id: None,
            models_id: None,
            user_id: None,
            created_at,
            updated_at,
        }
    }
}
