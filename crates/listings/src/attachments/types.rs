//! A post's video and PDF document as stored and as the wire shows them (CONTRACT §1.16).

use serde::{Serialize, Serializer};
use uuid::Uuid;

use crate::types::PostId;
use crate::views::PostView;

/// `video.id` (a bigserial, sent as a string like every bigint, CONTRACT §1.12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VideoId(pub i64);

impl std::fmt::Display for VideoId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl Serialize for VideoId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

/// `file.uuid`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FileId(pub Uuid);

impl std::fmt::Display for FileId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// A `video` row: `url` relative to the upload folder (`video/<file>`); `postId` is nullable in
/// the legacy schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Video {
    pub id: VideoId,
    pub url: Option<String>,
    pub post: Option<PostId>,
    /// `iso_millis` strings.
    pub created_at: String,
    pub updated_at: String,
}

impl Video {
    /// `url` relative to the upload folder: the old API also wrote `uploads/video/...` and
    /// `/uploads/...`, which the app maps the same way.
    pub fn relative_url(&self) -> Option<&str> {
        self.url.as_deref().map(|url| {
            let url = url.strip_prefix('/').unwrap_or(url);
            url.strip_prefix("uploads/").unwrap_or(url)
        })
    }

    /// Where `/media` serves it, what the app plays.
    pub fn public_url(&self) -> Option<String> {
        self.relative_url().map(|url| format!("/media/{url}"))
    }

    /// The wire shape: `{id, url, postId, createdAt, updatedAt, publicUrl}`.
    pub fn view(&self) -> VideoView {
        VideoView {
            id: self.id,
            url: self.relative_url().map(str::to_owned),
            post_id: self.post.map(|p| p.0),
            created_at: self.created_at.clone(),
            updated_at: self.updated_at.clone(),
            public_url: self.public_url(),
        }
    }
}

/// A video as the API sends it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VideoView {
    pub id: VideoId,
    pub url: Option<String>,
    pub post_id: Option<Uuid>,
    pub created_at: String,
    pub updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_url: Option<String>,
}

/// A video as the reads send it: with its post as the public detail shows it (no `userId`, no
/// related rows), `null` for a row without one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VideoWithPost {
    #[serde(flatten)]
    pub video: VideoView,
    pub post: Option<PostView>,
}

/// A `file` row: `path` is the public path (`uploads/files/<uuid>.pdf`), the app shows
/// `API_BASE + path`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PostFile {
    pub uuid: Uuid,
    pub path: Option<String>,
    pub post_id: Option<Uuid>,
    pub created_at: String,
    pub updated_at: String,
}

impl PostFile {
    pub fn id(&self) -> FileId {
        FileId(self.uuid)
    }

    pub fn post(&self) -> Option<PostId> {
        self.post_id.map(PostId)
    }
}

/// Which rows a list read returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub offset: u64,
    pub limit: u64,
}

impl Page {
    pub const DEFAULT_LIMIT: u64 = 100;
    pub const MAX_LIMIT: u64 = 1000;
}

impl Default for Page {
    fn default() -> Self {
        Self {
            offset: 0,
            limit: Self::DEFAULT_LIMIT,
        }
    }
}
