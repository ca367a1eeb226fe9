//! Reading stored files back, for serving `/uploads` and `/media` from a store that is not a
//! folder the file server can open (object storage). Whole files or byte ranges, streamed, so a
//! video costs a chunk of memory, not its size.

use std::ops::Range;
use std::time::SystemTime;

use crate::errors::StorageError;
use crate::upload_path::UploadPath;

/// What a store knows about a file without reading it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    /// Length in bytes.
    pub size: u64,
    /// An opaque validator that changes whenever the bytes do (quoted, as in an HTTP `ETag`).
    pub etag: Option<String>,
    pub last_modified: Option<SystemTime>,
}

/// Files addressed as [`crate::MediaStore`] addresses them, read back.
#[async_trait::async_trait]
pub trait MediaReader: Send + Sync {
    /// What is stored at `path`; `None` when there is no file.
    ///
    /// Errors: [`StorageError`] when the store could not be asked.
    async fn stat(&self, path: &UploadPath) -> Result<Option<StoredFile>, StorageError>;

    /// The bytes of `range` (all of them when `None`) of the file at `path`, with what
    /// [`Self::stat`] would say about it; `None` when there is no file. A range must lie within
    /// the file (the caller has checked it against a [`StoredFile::size`]).
    ///
    /// Errors: [`StorageError`].
    async fn read(
        &self,
        path: &UploadPath,
        range: Option<Range<u64>>,
    ) -> Result<Option<(StoredFile, Box<dyn FileChunks>)>, StorageError>;
}

/// The bytes of a read, a chunk at a time.
#[async_trait::async_trait]
pub trait FileChunks: Send {
    /// The next chunk; `None` once every byte was returned.
    ///
    /// Errors: [`StorageError`] when the store fails mid-read.
    async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, StorageError>;
}
