//! A user's avatar (CONTRACT #9, #10, #58, #59): one picture per user, a `photo` row with the
//! user's `userId` whose files sit in the avatars folder. The upload is checked and stored by
//! `alpha_media`'s [`ImageService`] (decoded, re-encoded without metadata, three sizes never
//! upscaled); the row is written here, and files and row are kept together: a refused upload or
//! a failed write leaves neither new file nor row and keeps the old avatar, and the files of a
//! replaced or deleted avatar are removed once the change is committed.
//!
//! These rows belong to the auth context, as `users` does: other contexts never write
//! `photo.userId`.

use std::sync::Arc;

use alpha_kernel::{RepoError, UserId};
use alpha_media::{
    ImageKind, ImageService, MediaError, PhotoChange, Recorded, StoredImage, VariantPaths,
};
use uuid::Uuid;

/// A new avatar row. Its uuid is the stored image's, so the files are named after the row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAvatar {
    pub uuid: Uuid,
    pub paths: VariantPaths,
    pub original_path: String,
}

impl NewAvatar {
    fn of(image: &StoredImage) -> Self {
        Self {
            uuid: image.id(),
            paths: image.paths(),
            original_path: image.original_path(),
        }
    }
}

/// What [`Avatars::replace_avatar`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AvatarWrite {
    /// The user no longer exists; nothing was written.
    UserGone,
    /// The row is in. `replaced` holds the public paths of the avatar rows it took the place of
    /// (`None` for a first avatar).
    Written { replaced: Option<Vec<String>> },
}

/// The avatar rows of `photo`. Each method is one transaction.
#[cfg_attr(test, mockall::automock)]
#[async_trait::async_trait]
pub trait Avatars: Send + Sync {
    /// Locks the user, deletes its avatar rows and inserts `avatar` for it.
    ///
    /// Errors: [`RepoError`] only.
    async fn replace_avatar(
        &self,
        user: UserId,
        avatar: &NewAvatar,
    ) -> Result<AvatarWrite, RepoError>;

    /// Deletes the user's avatar rows, returning the public paths they named; `None` when it
    /// had none.
    ///
    /// Errors: [`RepoError`] only.
    async fn delete_avatar_of(&self, user: UserId) -> Result<Option<Vec<String>>, RepoError>;

    /// Deletes the avatar row `photo`, returning the public paths it named; `None` when no
    /// avatar has that uuid (another kind of photo is not this route's to delete).
    ///
    /// Errors: [`RepoError`] only.
    async fn delete_avatar(&self, photo: Uuid) -> Result<Option<Vec<String>>, RepoError>;
}

/// A stored avatar, as the upload routes answer it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AvatarSaved {
    /// The photo row's uuid.
    pub uuid: Uuid,
    pub paths: VariantPaths,
    /// True when it took the place of an earlier avatar (`updated`), false for a first one
    /// (`created`).
    pub replaced: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum AvatarError {
    /// The caller's own avatar: they have none.
    #[error("Avatar not found")]
    NoAvatar,
    /// An admin's delete: no avatar has that photo uuid.
    #[error("Photo Not Found")]
    PhotoNotFound,
    /// The user was deleted while the upload was processed; its files were discarded.
    #[error("User Not Found")]
    UserGone,
    /// The upload was refused, or its files could not be written.
    #[error(transparent)]
    Media(#[from] MediaError),
    #[error(transparent)]
    Repo(#[from] RepoError),
}

/// Sets and removes avatars.
pub struct AvatarService {
    images: Arc<ImageService>,
    repo: Arc<dyn Avatars>,
}

impl std::fmt::Debug for AvatarService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AvatarService").finish_non_exhaustive()
    }
}

impl AvatarService {
    pub fn new(images: Arc<ImageService>, repo: Arc<dyn Avatars>) -> Self {
        Self { images, repo }
    }

    /// Stores `bytes` as `user`'s avatar, in place of the one it had.
    ///
    /// Errors: `Media` (refused or unstorable upload; nothing changed), `UserGone`, `Repo`
    /// (the new files are discarded and the old avatar stays).
    pub async fn upload(
        &self,
        user: UserId,
        bytes: Vec<u8>,
    ) -> Result<PhotoChange<AvatarSaved>, AvatarError> {
        self.images
            .store_recorded(ImageKind::Avatar, bytes, async |image| {
                let avatar = NewAvatar::of(image);
                match self.repo.replace_avatar(user, &avatar).await? {
                    AvatarWrite::UserGone => Err(AvatarError::UserGone),
                    AvatarWrite::Written { replaced } => Ok(Recorded {
                        value: AvatarSaved {
                            uuid: avatar.uuid,
                            paths: avatar.paths,
                            replaced: replaced.is_some(),
                        },
                        replaced: replaced.unwrap_or_default(),
                    }),
                }
            })
            .await
    }

    /// Deletes `user`'s own avatar and its files.
    ///
    /// Errors: `NoAvatar`, `Repo`.
    pub async fn delete_own(&self, user: UserId) -> Result<PhotoChange<()>, AvatarError> {
        let paths = self
            .repo
            .delete_avatar_of(user)
            .await?
            .ok_or(AvatarError::NoAvatar)?;
        Ok(self.removed(&paths).await)
    }

    /// Deletes the avatar whose photo uuid is `photo`, whoever's it is, and its files (the
    /// admins' route; the caller checks the role).
    ///
    /// Errors: `PhotoNotFound`, `Repo`.
    pub async fn delete_photo(&self, photo: Uuid) -> Result<PhotoChange<()>, AvatarError> {
        let paths = self
            .repo
            .delete_avatar(photo)
            .await?
            .ok_or(AvatarError::PhotoNotFound)?;
        Ok(self.removed(&paths).await)
    }

    async fn removed(&self, paths: &[String]) -> PhotoChange<()> {
        let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
        PhotoChange {
            value: (),
            cleanup: self.images.remove_public_paths(&paths).await.err(),
        }
    }
}

#[cfg(test)]
mod tests;
