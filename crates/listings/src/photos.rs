//! A post's photos (CONTRACT §2.8, #50–#52). The old API let anyone signed in add photos to any
//! post or delete any photo (S4), recorded the photo row before it knew the post existed and
//! left it orphaned, and upscaled small pictures (B11). Here only the owner or an admin changes
//! a post's photos; an upload is checked, re-encoded and sized by `alpha_media` before any row
//! is written, and its files go again if the rows cannot be.

use std::sync::Arc;

use alpha_kernel::{RepoError, Version};
use alpha_media::{ImageKind, ImageService, PhotoChange, StoredImage};
use uuid::Uuid;

use crate::errors::ListingError;
use crate::ports::{PostPatch, PostRepo};
use crate::service::{Actor, authorize};
use crate::types::{Moderation, PostId};

/// A photo row to insert with its link to the post. Its uuid is the stored image's, so the
/// variant files are named after the row (`small_<photo uuid>.jpg`) as the old API named them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPostPhoto {
    pub uuid: Uuid,
    pub small: String,
    pub medium: String,
    pub large: String,
    pub original_path: String,
}

impl NewPostPhoto {
    fn of(image: &StoredImage) -> Self {
        let paths = image.paths();
        Self {
            uuid: image.id(),
            small: paths.small,
            medium: paths.medium,
            large: paths.large,
            original_path: image.original_path(),
        }
    }
}

/// What [`PostPhotos::attach_photos`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attached {
    Done,
    /// The post was deleted meanwhile; nothing was written.
    PostGone,
    /// The post would pass [`PostPhotoService::MAX_PER_POST`]; nothing was written.
    Full,
}

/// The `photo` and `photo_posts` rows of posts.
#[cfg_attr(test, mockall::automock)]
#[async_trait::async_trait]
pub trait PostPhotos: Send + Sync {
    /// Inserts the photos and their links to `post` in one transaction, unless the post is
    /// gone or would then have more than `max` photos.
    ///
    /// Errors: `RepoError` only.
    async fn attach_photos(
        &self,
        post: PostId,
        photos: &[NewPostPhoto],
        max: usize,
    ) -> Result<Attached, RepoError>;

    /// The post a photo is attached to; `None` when there is no such photo or it belongs to
    /// something other than a post (a brand's icon is not this route's to delete).
    async fn post_of_photo(&self, photo: Uuid) -> Result<Option<PostId>, RepoError>;

    /// Deletes the photo row and its links, returning the public paths of its files; `None`
    /// when it is already gone.
    async fn delete_photo(&self, photo: Uuid) -> Result<Option<Vec<String>>, RepoError>;
}

/// Adds and removes post photos.
pub struct PostPhotoService {
    posts: Arc<dyn PostRepo>,
    photos: Arc<dyn PostPhotos>,
    images: Arc<ImageService>,
    version: Version,
}

impl std::fmt::Debug for PostPhotoService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostPhotoService").finish_non_exhaustive()
    }
}

impl PostPhotoService {
    /// A post shows at most this many photos; the app's form takes fewer. Without a cap one
    /// account could fill the disk through a single post.
    pub const MAX_PER_POST: usize = 30;

    pub fn new(
        posts: Arc<dyn PostRepo>,
        photos: Arc<dyn PostPhotos>,
        images: Arc<ImageService>,
    ) -> Self {
        Self {
            posts,
            photos,
            images,
            version: Version::new(),
        }
    }

    /// Moves `version` on at every change, for the readers that keep rendered posts.
    #[must_use]
    pub fn with_version(mut self, version: Version) -> Self {
        self.version = version;
        self
    }

    /// Adds `files` to a post as its owner or an admin, all or none, and returns the new
    /// photos' uuids in the order sent. The post is checked before any file is processed. An
    /// owner's new photo sends an approved (or rejected) post back to moderation, as any other
    /// edit of its content does.
    ///
    /// Errors: `NotFound`, `Forbidden`, `TooManyPhotos`, `Media` (the first refused file;
    /// nothing is kept), `Repo`.
    pub async fn add(
        &self,
        actor: Actor,
        post: PostId,
        files: Vec<Vec<u8>>,
    ) -> Result<Vec<Uuid>, ListingError> {
        let snapshot = self
            .posts
            .snapshot(post)
            .await?
            .ok_or(ListingError::NotFound)?;
        authorize(actor, &snapshot)?;
        if files.len() > Self::MAX_PER_POST {
            return Err(ListingError::TooManyPhotos {
                max: Self::MAX_PER_POST,
            });
        }

        let mut stored = Vec::with_capacity(files.len());
        for bytes in files {
            match self.images.store(ImageKind::Post, bytes).await {
                Ok(image) => stored.push(image),
                Err(e) => {
                    self.discard(&stored).await;
                    return Err(e.into());
                }
            }
        }
        let rows: Vec<NewPostPhoto> = stored.iter().map(NewPostPhoto::of).collect();
        let outcome = self
            .photos
            .attach_photos(post, &rows, Self::MAX_PER_POST)
            .await;
        match outcome {
            Ok(Attached::Done) => {}
            other => {
                self.discard(&stored).await;
                return Err(match other {
                    Err(e) => e.into(),
                    Ok(Attached::Full) => ListingError::TooManyPhotos {
                        max: Self::MAX_PER_POST,
                    },
                    Ok(_) => ListingError::NotFound,
                });
            }
        }

        self.version.bump();
        if !actor.admin && snapshot.moderation != Moderation::Pending {
            let back_to_review = PostPatch {
                moderation: Some(Moderation::Pending),
                ..PostPatch::default()
            };
            self.posts.update(post, &back_to_review).await?;
        }
        Ok(rows.into_iter().map(|row| row.uuid).collect())
    }

    /// Deletes a post photo and its files as the post's owner or an admin. The row going is
    /// the success; files that could not be removed are reported in `cleanup`.
    ///
    /// Errors: `PhotoNotFound` (also for a photo that is not a post's), `Forbidden`, `Repo`.
    pub async fn delete(&self, actor: Actor, photo: Uuid) -> Result<PhotoChange<()>, ListingError> {
        let post = self
            .photos
            .post_of_photo(photo)
            .await?
            .ok_or(ListingError::PhotoNotFound)?;
        // A photo whose post is gone mid-request is gone with it (the post delete removes it).
        let snapshot = self
            .posts
            .snapshot(post)
            .await?
            .ok_or(ListingError::PhotoNotFound)?;
        authorize(actor, &snapshot)?;
        let paths = self
            .photos
            .delete_photo(photo)
            .await?
            .ok_or(ListingError::PhotoNotFound)?;
        self.version.bump();
        let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
        Ok(PhotoChange {
            value: (),
            cleanup: self.images.remove_public_paths(&paths).await.err(),
        })
    }

    /// Removes the files of images whose rows were not written. A file this misses has a random
    /// name nothing refers to, so the caller's error is still the one to report.
    async fn discard(&self, stored: &[StoredImage]) {
        for image in stored {
            let _ = self.images.discard(image).await;
        }
    }
}

#[cfg(test)]
mod tests;
