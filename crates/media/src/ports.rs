//! What the image use cases need from outside: somewhere to keep files, and somewhere to run the
//! CPU-bound processing.

use crate::errors::{MediaError, StorageError};
use crate::process::ProcessedImage;
use crate::upload_path::UploadPath;

/// Files addressed by their path under the upload folder. An [`UploadPath`] cannot leave that
/// folder, so an adapter only maps it onto its storage.
#[cfg_attr(test, mockall::automock)]
#[async_trait::async_trait]
pub trait MediaStore: Send + Sync {
    /// Stores `bytes` at `path`, creating folders as needed and replacing any file there. A
    /// reader, or the store after a crash, never sees a partly written file at `path`.
    ///
    /// Errors: [`StorageError`].
    async fn put(&self, path: &UploadPath, bytes: Vec<u8>) -> Result<(), StorageError>;

    /// Deletes the file at `path`; a file that is already gone is not an error.
    ///
    /// Errors: [`StorageError`].
    async fn delete(&self, path: &UploadPath) -> Result<(), StorageError>;
}

/// Runs [`crate::process`] on an upload. Processing takes a core for up to a second or so and a
/// few hundred MB, so an adapter runs it off the async workers and bounds how many images are
/// processed at once; a burst of uploads waits rather than swapping the machine.
#[cfg_attr(test, mockall::automock)]
#[async_trait::async_trait]
pub trait ImageProcessor: Send + Sync {
    /// What [`crate::process`] returns for `bytes`.
    ///
    /// Errors: those of [`crate::process`], and [`MediaError::Processing`] when the work could
    /// not be run (its task died, the pool is shut down).
    async fn process(&self, bytes: Vec<u8>) -> Result<ProcessedImage, MediaError>;
}
