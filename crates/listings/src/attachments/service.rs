//! The attachment use cases over the post rows ([`PostRepo`], for the owner), their own rows
//! ([`AttachmentRepo`]), the upload folder ([`UploadSink`] to write, [`MediaCleanup`] to
//! remove).

use std::sync::Arc;

use alpha_kernel::Version;
use alpha_media::{MAX_PDF_BYTES, PendingUpload, UploadSink};

use super::errors::AttachmentError;
use super::ports::{AttachmentRepo, Moved};
use super::types::{FileId, Page, PostFile, Video, VideoId, VideoWithPost};
use super::upload::{Expected, Stream};
use crate::ports::{MediaCleanup, PostRepo};
use crate::service::{Actor, may_change};
use crate::types::{PostId, PostMedia};

pub struct AttachmentService {
    posts: Arc<dyn PostRepo>,
    rows: Arc<dyn AttachmentRepo>,
    sink: Arc<dyn UploadSink>,
    media: Arc<dyn MediaCleanup>,
    max_video_bytes: u64,
    version: Version,
}

impl std::fmt::Debug for AttachmentService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AttachmentService")
            .field("max_video_bytes", &self.max_video_bytes)
            .finish_non_exhaustive()
    }
}

impl AttachmentService {
    /// Largest accepted document, as the old API's limit.
    pub const MAX_PDF_BYTES: u64 = MAX_PDF_BYTES as u64;

    pub fn new(
        posts: Arc<dyn PostRepo>,
        rows: Arc<dyn AttachmentRepo>,
        sink: Arc<dyn UploadSink>,
        media: Arc<dyn MediaCleanup>,
        max_video_bytes: u64,
    ) -> Self {
        Self {
            posts,
            rows,
            sink,
            media,
            max_video_bytes,
            version: Version::new(),
        }
    }

    /// Moves `version` on at every change, for the readers that keep rendered posts.
    #[must_use]
    pub fn with_version(mut self, version: Version) -> Self {
        self.version = version;
        self
    }

    pub fn max_video_bytes(&self) -> u64 {
        self.max_video_bytes
    }

    /// Starts `post`'s new video, checked before a byte is read.
    ///
    /// Errors: `PostNotFound`, `Forbidden`, `Repo`.
    pub async fn start_video(
        &self,
        actor: Actor,
        post: PostId,
    ) -> Result<VideoUpload<'_>, AttachmentError> {
        self.authorize_post(actor, post).await?;
        Ok(VideoUpload {
            service: self,
            post,
            stream: Stream::new(self.sink.clone(), Expected::Video, self.max_video_bytes),
        })
    }

    /// Starts `post`'s new PDF document, checked before a byte is read.
    ///
    /// Errors: `PostNotFound`, `Forbidden`, `Repo`.
    pub async fn start_file(
        &self,
        actor: Actor,
        post: PostId,
    ) -> Result<FileUpload<'_>, AttachmentError> {
        self.authorize_post(actor, post).await?;
        Ok(FileUpload {
            service: self,
            post,
            stream: Stream::new(self.sink.clone(), Expected::Pdf, Self::MAX_PDF_BYTES),
        })
    }

    /// Errors: `VideoNotFound`, `Repo`.
    pub async fn video(&self, id: VideoId) -> Result<VideoWithPost, AttachmentError> {
        self.rows
            .video_view(id)
            .await?
            .ok_or(AttachmentError::VideoNotFound)
    }

    /// Errors: `Repo`.
    pub async fn videos(&self, page: Page) -> Result<Vec<VideoWithPost>, AttachmentError> {
        Ok(self.rows.video_views(page).await?)
    }

    /// Errors: `Repo`.
    pub async fn videos_of(&self, post: PostId) -> Result<Vec<VideoWithPost>, AttachmentError> {
        Ok(self.rows.video_views_of(post).await?)
    }

    /// Moves a video to `to` (which must be the caller's too), replacing the video there; no
    /// `to`, or its own post, changes nothing.
    ///
    /// Errors: `VideoNotFound`, `PostNotFound` (of `to`), `Forbidden`, `Repo`.
    pub async fn update_video(
        &self,
        actor: Actor,
        id: VideoId,
        to: Option<PostId>,
    ) -> Result<Video, AttachmentError> {
        let video = self
            .rows
            .video(id)
            .await?
            .ok_or(AttachmentError::VideoNotFound)?;
        self.authorize_row(actor, video.post).await?;
        let Some(to) = to.filter(|to| Some(*to) != video.post) else {
            return Ok(video);
        };
        self.authorize_post(actor, to).await?;
        match self.rows.move_video(id, to).await? {
            Moved::Done { row, replaced } => {
                self.changed(replaced).await;
                Ok(row)
            }
            Moved::RowGone => Err(AttachmentError::VideoNotFound),
            Moved::PostGone => Err(AttachmentError::PostNotFound),
        }
    }

    /// Deletes a video, row and file.
    ///
    /// Errors: `VideoNotFound`, `Forbidden`, `Repo`.
    pub async fn delete_video(&self, actor: Actor, id: VideoId) -> Result<(), AttachmentError> {
        let video = self
            .rows
            .video(id)
            .await?
            .ok_or(AttachmentError::VideoNotFound)?;
        self.authorize_row(actor, video.post).await?;
        let url = self
            .rows
            .delete_video(id)
            .await?
            .ok_or(AttachmentError::VideoNotFound)?;
        self.changed(url.into_iter().collect()).await;
        Ok(())
    }

    /// Deletes every video of a post, rows and files.
    ///
    /// Errors: `PostNotFound`, `Forbidden`, `Repo`.
    pub async fn delete_videos_of(
        &self,
        actor: Actor,
        post: PostId,
    ) -> Result<(), AttachmentError> {
        self.authorize_post(actor, post).await?;
        let urls = self.rows.delete_videos_of(post).await?;
        self.changed(urls).await;
        Ok(())
    }

    /// Errors: `FileNotFound`, `Repo`.
    pub async fn file(&self, id: FileId) -> Result<PostFile, AttachmentError> {
        self.rows
            .file(id)
            .await?
            .ok_or(AttachmentError::FileNotFound)
    }

    /// Errors: `Repo`.
    pub async fn files(&self, page: Page) -> Result<Vec<PostFile>, AttachmentError> {
        Ok(self.rows.files(page).await?)
    }

    /// Errors: `Repo`.
    pub async fn files_of(&self, post: PostId) -> Result<Vec<PostFile>, AttachmentError> {
        Ok(self.rows.files_of(post).await?)
    }

    /// As [`Self::update_video`], for a document.
    ///
    /// Errors: `FileNotFound`, `PostNotFound` (of `to`), `Forbidden`, `Repo`.
    pub async fn update_file(
        &self,
        actor: Actor,
        id: FileId,
        to: Option<PostId>,
    ) -> Result<PostFile, AttachmentError> {
        let file = self.file(id).await?;
        self.authorize_row(actor, file.post()).await?;
        let Some(to) = to.filter(|to| Some(*to) != file.post()) else {
            return Ok(file);
        };
        self.authorize_post(actor, to).await?;
        match self.rows.move_file(id, to).await? {
            Moved::Done { row, replaced } => {
                self.changed(replaced).await;
                Ok(row)
            }
            Moved::RowGone => Err(AttachmentError::FileNotFound),
            Moved::PostGone => Err(AttachmentError::PostNotFound),
        }
    }

    /// Errors: `FileNotFound`, `Forbidden`, `Repo`.
    pub async fn delete_file(&self, actor: Actor, id: FileId) -> Result<(), AttachmentError> {
        let file = self.file(id).await?;
        self.authorize_row(actor, file.post()).await?;
        let path = self
            .rows
            .delete_file(id)
            .await?
            .ok_or(AttachmentError::FileNotFound)?;
        self.changed(path.into_iter().collect()).await;
        Ok(())
    }

    /// Errors: `PostNotFound`, `Forbidden`, `Repo`.
    pub async fn delete_files_of(&self, actor: Actor, post: PostId) -> Result<(), AttachmentError> {
        self.authorize_post(actor, post).await?;
        let paths = self.rows.delete_files_of(post).await?;
        self.changed(paths).await;
        Ok(())
    }

    /// The post exists and the caller may change it.
    async fn authorize_post(&self, actor: Actor, post: PostId) -> Result<(), AttachmentError> {
        let snapshot = self
            .posts
            .snapshot(post)
            .await?
            .ok_or(AttachmentError::PostNotFound)?;
        if may_change(actor, snapshot.owner) {
            Ok(())
        } else {
            Err(AttachmentError::Forbidden)
        }
    }

    /// A row's post decides; a row without one (legacy rows may have none) is the admins'.
    async fn authorize_row(
        &self,
        actor: Actor,
        post: Option<PostId>,
    ) -> Result<(), AttachmentError> {
        let owner = match post {
            Some(post) => self.posts.snapshot(post).await?.and_then(|p| p.owner),
            None => None,
        };
        if may_change(actor, owner) {
            Ok(())
        } else {
            Err(AttachmentError::Forbidden)
        }
    }

    /// After every change of a row: rendered posts are stale, and the files of the rows it
    /// removed go (the adapter logs what it cannot remove).
    async fn changed(&self, paths: Vec<String>) {
        self.version.bump();
        if !paths.is_empty() {
            self.media.remove(&PostMedia { paths }).await;
        }
    }

    /// Puts a written upload in place once its row exists, or takes the row back: a row never
    /// names a missing file, and a file without a row is never committed.
    async fn settle<T>(
        &self,
        pending: Box<dyn PendingUpload>,
        row: T,
        undo: impl AsyncFnOnce(&T) -> Result<(), AttachmentError>,
    ) -> Result<T, AttachmentError> {
        match pending.commit().await {
            Ok(()) => Ok(row),
            Err(committing) => {
                // The commit's error is the one to report; an undo that fails too leaves a row
                // whose file 404s, which its owner can delete.
                let _ = undo(&row).await;
                Err(committing.into())
            }
        }
    }
}

/// `post`'s new video, being written ([`AttachmentService::start_video`]).
pub struct VideoUpload<'a> {
    service: &'a AttachmentService,
    post: PostId,
    stream: Stream,
}

impl std::fmt::Debug for VideoUpload<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VideoUpload")
            .field("post", &self.post)
            .finish_non_exhaustive()
    }
}

impl VideoUpload<'_> {
    /// Errors: `TooLarge`, `NotAVideo` (once the first bytes are in), `Storage`.
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), AttachmentError> {
        self.stream.write(chunk).await
    }

    /// Records the video, puts its file in place, then removes the post's previous video.
    ///
    /// Errors: `Empty`, `NotAVideo`, `TooLarge`, `PostNotFound` (deleted meanwhile), `Storage`,
    /// `Repo`.
    pub async fn finish(self) -> Result<Video, AttachmentError> {
        let (path, pending) = self.stream.finish().await?;
        let rows = &self.service.rows;
        let video = rows
            .insert_video(self.post, path.as_str())
            .await?
            .ok_or(AttachmentError::PostNotFound)?;
        let video = self
            .service
            .settle(pending, video, async |v: &Video| {
                rows.delete_video(v.id).await.map(drop).map_err(Into::into)
            })
            .await?;
        let replaced = rows.prune_videos(self.post, video.id).await?;
        self.service.changed(replaced).await;
        Ok(video)
    }
}

/// `post`'s new document, being written ([`AttachmentService::start_file`]).
pub struct FileUpload<'a> {
    service: &'a AttachmentService,
    post: PostId,
    stream: Stream,
}

impl std::fmt::Debug for FileUpload<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileUpload")
            .field("post", &self.post)
            .finish_non_exhaustive()
    }
}

impl FileUpload<'_> {
    /// Errors: `TooLarge`, `NotAPdf` (once the first bytes are in), `Storage`.
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), AttachmentError> {
        self.stream.write(chunk).await
    }

    /// Records the document, puts its file in place, then removes the post's previous one.
    ///
    /// Errors: `Empty`, `NotAPdf`, `TooLarge`, `PostNotFound` (deleted meanwhile), `Storage`,
    /// `Repo`.
    pub async fn finish(self) -> Result<PostFile, AttachmentError> {
        let id = FileId(self.stream.name());
        let (path, pending) = self.stream.finish().await?;
        let rows = &self.service.rows;
        let file = rows
            .insert_file(id, self.post, &path.public())
            .await?
            .ok_or(AttachmentError::PostNotFound)?;
        let file = self
            .service
            .settle(pending, file, async |f: &PostFile| {
                rows.delete_file(f.id()).await.map(drop).map_err(Into::into)
            })
            .await?;
        let replaced = rows.prune_files(self.post, id).await?;
        self.service.changed(replaced).await;
        Ok(file)
    }
}
