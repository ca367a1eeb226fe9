//! The images of catalog rows: a brand's or model's icon, a category's, banner's or plan's
//! picture. An upload is checked and stored by `alpha_media`'s [`ImageService`]; the row that
//! points at its files is written here, and files and row are kept together: files whose row
//! could not be written are discarded, and the files of a replaced or deleted row are removed
//! once the change is committed.

use std::sync::Arc;

use alpha_kernel::RepoError;
use alpha_media::{ImageKind, ImageService, MediaError, PhotoChange, Recorded};
use uuid::Uuid;

use crate::errors::Entity;
use crate::version::CatalogVersion;
use crate::views::{PhotoPaths, PhotoView};

/// The kind of catalog row a photo belongs to; each has one photo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PhotoOwner {
    Brand,
    Model,
    Category,
    Banner,
    Plan,
}

impl PhotoOwner {
    /// The upload folder, the legacy one of each kind.
    pub fn image_kind(self) -> ImageKind {
        match self {
            Self::Brand => ImageKind::Brand,
            Self::Model => ImageKind::Model,
            Self::Category => ImageKind::Category,
            Self::Banner => ImageKind::Banner,
            Self::Plan => ImageKind::Plan,
        }
    }

    pub fn entity(self) -> Entity {
        match self {
            Self::Brand => Entity::Brand,
            Self::Model => Entity::Model,
            Self::Category => Entity::Category,
            Self::Banner => Entity::Banner,
            Self::Plan => Entity::Plan,
        }
    }
}

/// A new photo row as the store should write it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPhoto {
    pub uuid: Uuid,
    pub paths: PhotoPaths,
    pub original_path: String,
}

/// The row written, and the public paths of the rows it replaced, whose files are now unused.
#[derive(Debug, Clone, PartialEq)]
pub struct PhotoReplaced {
    pub photo: PhotoView,
    pub old_paths: Vec<String>,
}

/// Photo rows of the catalog. Each method is one transaction.
#[cfg_attr(test, mockall::automock)]
#[async_trait::async_trait]
pub trait CatalogPhotos: Send + Sync {
    /// Checks that the owner exists, deletes its photo rows and inserts `photo` for it.
    /// `None` when the owner does not exist (nothing is written).
    ///
    /// Errors: [`RepoError`].
    async fn replace_photo(
        &self,
        owner: PhotoOwner,
        owner_uuid: Uuid,
        photo: &NewPhoto,
    ) -> Result<Option<PhotoReplaced>, RepoError>;

    /// Deletes the photo row `photo_uuid` if it belongs to an owner of this kind, returning its
    /// public paths; `None` when there is no such row.
    ///
    /// Errors: [`RepoError`].
    async fn delete_photo(
        &self,
        owner: PhotoOwner,
        photo_uuid: Uuid,
    ) -> Result<Option<Vec<String>>, RepoError>;

    /// Deletes every photo row of one owner, returning their public paths; `None` when it had
    /// none (or does not exist).
    ///
    /// Errors: [`RepoError`].
    async fn delete_photos_of(
        &self,
        owner: PhotoOwner,
        owner_uuid: Uuid,
    ) -> Result<Option<Vec<String>>, RepoError>;
}

#[derive(Debug, thiserror::Error)]
pub enum PhotoError {
    /// The owner (or, for deletes, the photo) does not exist.
    #[error("{} Not Found", .0.name())]
    NotFound(Entity),
    /// The upload was refused or its files could not be written.
    #[error(transparent)]
    Media(#[from] MediaError),
    #[error(transparent)]
    Repo(#[from] RepoError),
}

/// Uploads and deletes of catalog photos.
pub struct CatalogPhotoService {
    images: Arc<ImageService>,
    repo: Arc<dyn CatalogPhotos>,
    version: CatalogVersion,
}

impl CatalogPhotoService {
    pub fn new(
        images: Arc<ImageService>,
        repo: Arc<dyn CatalogPhotos>,
        version: CatalogVersion,
    ) -> Self {
        Self {
            images,
            repo,
            version,
        }
    }

    /// Stores `bytes` as the photo of `owner_uuid`, replacing the one it had.
    ///
    /// Errors: `Media` (refused upload: too big, not an image, too many pixels; or storage),
    /// `NotFound(owner)` (no file is left behind), `Repo` (files discarded).
    pub async fn upload(
        &self,
        owner: PhotoOwner,
        owner_uuid: Uuid,
        bytes: Vec<u8>,
    ) -> Result<PhotoChange<PhotoView>, PhotoError> {
        self.images
            .store_recorded(owner.image_kind(), bytes, async |stored| {
                let paths = stored.paths();
                let photo = NewPhoto {
                    uuid: Uuid::new_v4(),
                    paths: PhotoPaths {
                        small: paths.small,
                        medium: paths.medium,
                        large: paths.large,
                    },
                    original_path: stored.original_path(),
                };
                let replaced = self
                    .repo
                    .replace_photo(owner, owner_uuid, &photo)
                    .await?
                    .ok_or(PhotoError::NotFound(owner.entity()))?;
                self.version.bump();
                Ok(Recorded {
                    value: replaced.photo,
                    replaced: replaced.old_paths,
                })
            })
            .await
    }

    /// Deletes the photo `photo_uuid` of an `owner`-kind row and its files.
    ///
    /// Errors: `NotFound(Photo)`, `Repo`.
    pub async fn delete(
        &self,
        owner: PhotoOwner,
        photo_uuid: Uuid,
    ) -> Result<PhotoChange<()>, PhotoError> {
        let deleted = self.repo.delete_photo(owner, photo_uuid).await?;
        self.deleted(deleted).await
    }

    /// Deletes the photo of the row `owner_uuid` and its files.
    ///
    /// Errors: `NotFound(Photo)` when it has none, `Repo`.
    pub async fn delete_of(
        &self,
        owner: PhotoOwner,
        owner_uuid: Uuid,
    ) -> Result<PhotoChange<()>, PhotoError> {
        let deleted = self.repo.delete_photos_of(owner, owner_uuid).await?;
        self.deleted(deleted).await
    }

    async fn deleted(&self, paths: Option<Vec<String>>) -> Result<PhotoChange<()>, PhotoError> {
        let paths = paths.ok_or(PhotoError::NotFound(Entity::Photo))?;
        self.version.bump();
        Ok(PhotoChange {
            value: (),
            cleanup: self.remove(&paths).await,
        })
    }

    async fn remove(&self, paths: &[String]) -> Option<MediaError> {
        let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
        self.images.remove_public_paths(&paths).await.err()
    }
}

#[cfg(test)]
mod tests;
