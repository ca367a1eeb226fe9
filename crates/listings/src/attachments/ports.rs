//! The `video` and `file` tables, as the attachment rules need them.

use alpha_kernel::RepoError;

use super::types::{FileId, Page, PostFile, Video, VideoId, VideoWithPost};
use crate::types::PostId;

/// What a move of a row to another post found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Moved<T> {
    /// The row now belongs to the post; `replaced` are the files of the rows it replaced there
    /// (one video and one document per post), whose rows are gone.
    Done {
        row: T,
        replaced: Vec<String>,
    },
    RowGone,
    PostGone,
}

/// The `video` and `file` rows. Paths and urls are returned as stored (`video/…`,
/// `uploads/files/…`), for the upload folder's clean-up.
#[cfg_attr(test, mockall::automock)]
#[async_trait::async_trait]
pub trait AttachmentRepo: Send + Sync {
    /// Inserts a video of `post` at `url`; `None` (nothing inserted) when the post is gone.
    ///
    /// Errors: `RepoError` only, as every method here.
    async fn insert_video(&self, post: PostId, url: &str) -> Result<Option<Video>, RepoError>;

    /// Deletes the videos of `post` older than `keep` (a lower id): of two uploads racing for a
    /// post the later one stays. Returns their urls.
    async fn prune_videos(&self, post: PostId, keep: VideoId) -> Result<Vec<String>, RepoError>;

    async fn video(&self, id: VideoId) -> Result<Option<Video>, RepoError>;

    /// One video with its post (public view, no `userId`).
    async fn video_view(&self, id: VideoId) -> Result<Option<VideoWithPost>, RepoError>;

    /// Videos with their posts, by id.
    async fn video_views(&self, page: Page) -> Result<Vec<VideoWithPost>, RepoError>;

    /// The videos of one post with the post, by id.
    async fn video_views_of(&self, post: PostId) -> Result<Vec<VideoWithPost>, RepoError>;

    /// Moves a video to `post` and deletes the post's other videos, in one transaction.
    async fn move_video(&self, id: VideoId, post: PostId) -> Result<Moved<Video>, RepoError>;

    /// Deletes one video; `None` when it is gone, else its url (if it had one).
    async fn delete_video(&self, id: VideoId) -> Result<Option<Option<String>>, RepoError>;

    /// Deletes the videos of `post`, returning their urls.
    async fn delete_videos_of(&self, post: PostId) -> Result<Vec<String>, RepoError>;

    /// Inserts a document of `post`; `None` (nothing inserted) when the post is gone.
    async fn insert_file(
        &self,
        id: FileId,
        post: PostId,
        path: &str,
    ) -> Result<Option<PostFile>, RepoError>;

    /// Deletes the documents of `post` created before `keep` (ties broken by uuid), returning
    /// their paths.
    async fn prune_files(&self, post: PostId, keep: FileId) -> Result<Vec<String>, RepoError>;

    async fn file(&self, id: FileId) -> Result<Option<PostFile>, RepoError>;

    async fn files(&self, page: Page) -> Result<Vec<PostFile>, RepoError>;

    async fn files_of(&self, post: PostId) -> Result<Vec<PostFile>, RepoError>;

    /// Moves a document to `post` and deletes the post's other documents, in one transaction.
    async fn move_file(&self, id: FileId, post: PostId) -> Result<Moved<PostFile>, RepoError>;

    /// Deletes one document; `None` when it is gone, else its path (if it had one).
    async fn delete_file(&self, id: FileId) -> Result<Option<Option<String>>, RepoError>;

    async fn delete_files_of(&self, post: PostId) -> Result<Vec<String>, RepoError>;
}
