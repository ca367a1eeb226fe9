//! The blog's images (#60–61): the app uploads one before posting an entry and shows
//! `uuid.path.medium`. The upload is checked, re-encoded and sized by `alpha_media`'s
//! [`ImageService`] before the row is written; files whose row could not be written are
//! discarded, and an admin's delete removes the row, then its files.

use std::sync::Arc;

use alpha_media::{ImageKind, ImageService, MediaError, PhotoChange, StoredImage};
use uuid::Uuid;

use super::errors::BlogError;
use super::ports::BlogPhotos;
use super::views::BlogPhotoView;
use crate::author::ImagePaths;

/// A blog image row to insert; its uuid is the stored image's, as the files are named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBlogPhoto {
    pub uuid: Uuid,
    pub path: ImagePaths,
    pub original_path: String,
}

impl NewBlogPhoto {
    fn of(image: &StoredImage) -> Self {
        let paths = image.paths();
        Self {
            uuid: image.id(),
            path: ImagePaths {
                small: paths.small,
                medium: paths.medium,
                large: paths.large,
            },
            original_path: image.original_path(),
        }
    }
}

pub struct BlogPhotoService {
    photos: Arc<dyn BlogPhotos>,
    images: Arc<ImageService>,
}

impl std::fmt::Debug for BlogPhotoService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlogPhotoService").finish_non_exhaustive()
    }
}

impl BlogPhotoService {
    pub fn new(photos: Arc<dyn BlogPhotos>, images: Arc<ImageService>) -> Self {
        Self { photos, images }
    }

    /// Errors: `Media` (refused upload or storage; nothing is kept), `Repo` (files discarded).
    pub async fn upload(&self, bytes: Vec<u8>) -> Result<BlogPhotoView, BlogError> {
        let stored = self.images.store(ImageKind::Blog, bytes).await?;
        match self.photos.insert_photo(&NewBlogPhoto::of(&stored)).await {
            Ok(view) => Ok(view),
            Err(e) => {
                // The row's error is the one to report; a file the discard misses has a random
                // name nothing refers to.
                let _ = self.images.discard(&stored).await;
                Err(e.into())
            }
        }
    }

    /// Deletes a blog image and its files; files that could not be removed are in `cleanup`.
    ///
    /// Errors: `PhotoNotFound` (also for a photo that is not a blog image), `Repo`.
    pub async fn delete(&self, photo: Uuid) -> Result<PhotoChange<()>, BlogError> {
        let paths = self
            .photos
            .delete_photo(photo)
            .await?
            .ok_or(BlogError::PhotoNotFound)?;
        let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
        let cleanup: Option<MediaError> = self.images.remove_public_paths(&paths).await.err();
        Ok(PhotoChange { value: (), cleanup })
    }
}
