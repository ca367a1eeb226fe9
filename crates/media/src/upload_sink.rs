//! Where a streamed upload (a video, a document) goes: written chunk by chunk to a place that is
//! not yet its path, and put at its path only once committed, so a refused or broken upload
//! leaves nothing behind and a big one costs disk, not memory.

use crate::errors::StorageError;
use crate::upload_path::UploadPath;

/// Why a streamed upload could not be written.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// The upload would pass the cap given to [`UploadSink::begin`]; it can no longer be
    /// committed.
    #[error("the file is larger than {max_bytes} bytes")]
    TooLarge { max_bytes: u64 },
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Starts streamed uploads.
#[cfg_attr(test, mockall::automock)]
#[async_trait::async_trait]
pub trait UploadSink: Send + Sync {
    /// A new upload for `path` that may hold at most `max_bytes`. Nothing is visible at `path`
    /// until [`PendingUpload::commit`]; dropping the upload uncommitted removes what it wrote.
    ///
    /// Errors: [`UploadError::Storage`].
    async fn begin(
        &self,
        path: &UploadPath,
        max_bytes: u64,
    ) -> Result<Box<dyn PendingUpload>, UploadError>;
}

/// An upload being written. Only the chunk in hand is held in memory.
#[async_trait::async_trait]
pub trait PendingUpload: Send {
    /// Appends `chunk`.
    ///
    /// Errors: [`UploadError::TooLarge`] when the cap would be passed (nothing of `chunk` is
    /// kept, and the upload cannot be committed any more); [`UploadError::Storage`].
    async fn write(&mut self, chunk: &[u8]) -> Result<(), UploadError>;

    /// Bytes written so far.
    fn written(&self) -> u64;

    /// Makes the file appear, complete, at its path (replacing any file there).
    ///
    /// Errors: [`UploadError::TooLarge`] after a refused chunk; [`UploadError::Storage`]. What was
    /// written is removed either way when it fails.
    async fn commit(self: Box<Self>) -> Result<(), UploadError>;
}
