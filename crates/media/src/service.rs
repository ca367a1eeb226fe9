//! The image use cases: store an upload with its variants, and remove an image's files.

use std::sync::Arc;

use uuid::Uuid;

use crate::errors::MediaError;
use crate::kind::ImageKind;
use crate::photo_change::{PhotoChange, Recorded};
use crate::ports::{ImageProcessor, MediaStore};
use crate::process::ProcessedImage;
use crate::stored_image::StoredImage;
use crate::upload_path::UploadPath;
use crate::variant::Variant;

/// Stores uploads through a [`MediaStore`] once an [`ImageProcessor`] has checked and processed
/// them.
pub struct ImageService {
    store: Arc<dyn MediaStore>,
    processor: Arc<dyn ImageProcessor>,
}

impl std::fmt::Debug for ImageService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImageService").finish_non_exhaustive()
    }
}

impl ImageService {
    /// Uploads are processed by `processor` and their files kept in `store`.
    pub fn new(store: Arc<dyn MediaStore>, processor: Arc<dyn ImageProcessor>) -> Self {
        Self { store, processor }
    }

    /// Checks and processes an upload ([`crate::process`], run by the [`ImageProcessor`] off the
    /// async workers), then writes the original and its three variants under `kind`'s folder.
    /// If a write fails, the files already written are deleted. The caller records the returned paths; if that fails, it
    /// calls [`ImageService::discard`], so no file is left without its row.
    ///
    /// Errors: [`MediaError::FileTooLarge`], [`MediaError::NotAnImage`],
    /// [`MediaError::TooLarge`], [`MediaError::Processing`], [`MediaError::Storage`].
    pub async fn store(&self, kind: ImageKind, bytes: Vec<u8>) -> Result<StoredImage, MediaError> {
        let processed = self.processor.process(bytes).await?;
        let image = StoredImage::new(
            kind,
            Uuid::new_v4(),
            processed.extension,
            (processed.width, processed.height),
        );
        let ProcessedImage {
            original,
            small,
            medium,
            large,
            ..
        } = processed;
        let files = [
            (image.original(), original),
            (image.variant(Variant::Small), small),
            (image.variant(Variant::Medium), medium),
            (image.variant(Variant::Large), large),
        ];
        let mut written = Vec::with_capacity(files.len());
        for (path, bytes) in files {
            if let Err(e) = self.store.put(&path, bytes).await {
                // The failed write is the error to report; a file the clean-up misses has a
                // random name that nothing refers to.
                let _ = self.delete_all(&written).await;
                return Err(e.into());
            }
            written.push(path);
        }
        Ok(image)
    }

    /// [`ImageService::store`], then `record` writes the row that points at the files, keeping
    /// files and rows together: if `record` fails the new files are discarded (and its error is
    /// the one reported); if it succeeds, the files of the rows it replaced are removed, after
    /// its commit. A file that cannot be removed is reported in [`PhotoChange::cleanup`], not as
    /// a failure: the rows no longer name it.
    ///
    /// Errors: the refusals of [`ImageService::store`] (nothing was recorded), or `record`'s.
    pub async fn store_recorded<T, E>(
        &self,
        kind: ImageKind,
        bytes: Vec<u8>,
        record: impl AsyncFnOnce(&StoredImage) -> Result<Recorded<T>, E>,
    ) -> Result<PhotoChange<T>, E>
    where
        E: From<MediaError>,
    {
        let stored = self.store(kind, bytes).await?;
        match record(&stored).await {
            Ok(Recorded { value, replaced }) => {
                let replaced: Vec<&str> = replaced.iter().map(String::as_str).collect();
                Ok(PhotoChange {
                    value,
                    cleanup: self.remove_public_paths(&replaced).await.err(),
                })
            }
            Err(e) => {
                // The row is what makes the files reachable; without it they must go. A failed
                // discard leaves files under random names nothing points at, so `record`'s
                // error is still the one to report.
                let _ = self.discard(&stored).await;
                Err(e)
            }
        }
    }

    /// Deletes the files of an image that [`ImageService::store`] wrote, when its row could
    /// not be recorded. Tries every file, and reports the first failure.
    ///
    /// Errors: [`MediaError::Storage`].
    pub async fn discard(&self, image: &StoredImage) -> Result<(), MediaError> {
        self.delete_all(&image.files()).await
    }

    /// Deletes the files behind public paths as a row stores them (`originalPath` and the
    /// `path` object's values), when the row is deleted or its image replaced. Paths that are
    /// not under `uploads/` or that could leave the upload folder are skipped: this service
    /// never wrote them. Tries every path, and reports the first failure.
    ///
    /// Errors: [`MediaError::Storage`].
    pub async fn remove_public_paths(&self, public_paths: &[&str]) -> Result<(), MediaError> {
        let files: Vec<UploadPath> = public_paths
            .iter()
            .filter_map(|public| UploadPath::from_public(public).ok())
            .collect();
        self.delete_all(&files).await
    }

    async fn delete_all(&self, files: &[UploadPath]) -> Result<(), MediaError> {
        let mut first_error = None;
        for path in files {
            if let Err(e) = self.store.delete(path).await {
                first_error.get_or_insert(e);
            }
        }
        first_error.map_or(Ok(()), |e| Err(e.into()))
    }
}

#[cfg(test)]
mod tests;
