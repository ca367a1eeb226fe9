//! [`S3Store`] as `alpha-media`'s [`UploadSink`]: each upload a [`PendingObject`].
//!
//! The first [`PART_BYTES`] are held in memory; an upload that ends before that is one `PUT`
//! at commit. A bigger one becomes a multipart upload: parts of [`PART_BYTES`] go out as they
//! fill, at most [`PARTS_IN_FLIGHT`] at once (a writer waits for one to finish), so an upload
//! of any size holds a few parts of memory. S3 shows nothing at the key until the upload is
//! completed at commit; a refused, failed or dropped upload is aborted, which deletes its parts.

use std::sync::Arc;

use alpha_media::{PendingUpload, StorageError, UploadError, UploadPath, UploadSink};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, WriteMultipart};

use super::S3Store;

/// S3's smallest part but the last.
pub const PART_BYTES: usize = 5 * 1024 * 1024;
/// Parts uploading at once per upload: with the part being filled, at most 15 MB per upload.
pub const PARTS_IN_FLIGHT: usize = 2;

/// An upload on its way to S3; see the module documentation.
pub struct PendingObject {
    store: Arc<dyn ObjectStore>,
    path: UploadPath,
    key: ObjectPath,
    state: State,
    written: u64,
    max_bytes: u64,
    refused: bool,
}

enum State {
    /// Less than a part so far.
    Held(Vec<u8>),
    /// A multipart upload under way.
    Parts(WriteMultipart),
    /// Committed or aborted.
    Closed,
}

#[async_trait::async_trait]
impl UploadSink for S3Store {
    /// Nothing is asked of S3 yet: the upload starts with its first part.
    async fn begin(
        &self,
        path: &UploadPath,
        max_bytes: u64,
    ) -> Result<Box<dyn PendingUpload>, UploadError> {
        Ok(Box::new(PendingObject {
            store: self.store.clone(),
            path: path.clone(),
            key: self.key(path),
            state: State::Held(Vec::new()),
            written: 0,
            max_bytes,
            refused: false,
        }))
    }
}

impl PendingObject {
    fn too_large(&self) -> UploadError {
        UploadError::TooLarge {
            max_bytes: self.max_bytes,
        }
    }

    fn storage(&self, e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> UploadError {
        UploadError::Storage(StorageError::write(&self.path, e))
    }

    /// Deletes the parts S3 holds (a held buffer is only memory).
    async fn abort(&mut self) {
        if let State::Parts(parts) = std::mem::replace(&mut self.state, State::Closed)
            && let Err(e) = parts.abort().await
        {
            // S3 keeps the parts until a bucket lifecycle rule expires them (OPERATIONS.md).
            tracing::warn!(path = %self.path, error = %e, "an unfinished S3 upload could not be aborted");
        }
    }
}

#[async_trait::async_trait]
impl PendingUpload for PendingObject {
    async fn write(&mut self, chunk: &[u8]) -> Result<(), UploadError> {
        let len = u64::try_from(chunk.len()).unwrap_or(u64::MAX);
        if self.refused || self.written.saturating_add(len) > self.max_bytes {
            self.refused = true;
            self.abort().await;
            return Err(self.too_large());
        }
        match &mut self.state {
            State::Held(held) if held.len() + chunk.len() < PART_BYTES => {
                held.extend_from_slice(chunk);
            }
            State::Held(held) => {
                let held = std::mem::take(held);
                let upload = self.store.put_multipart(&self.key).await;
                let upload = upload.map_err(|e| self.storage(e))?;
                let mut parts = WriteMultipart::new_with_chunk_size(upload, PART_BYTES);
                parts.write(&held);
                parts.write(chunk);
                self.state = State::Parts(parts);
            }
            State::Parts(parts) => {
                let room = parts.wait_for_capacity(PARTS_IN_FLIGHT).await;
                if let Err(e) = room {
                    return Err(self.storage(e));
                }
                parts.write(chunk);
            }
            State::Closed => return Err(self.storage("the upload is already closed")),
        }
        self.written += len;
        Ok(())
    }

    fn written(&self) -> u64 {
        self.written
    }

    async fn commit(mut self: Box<Self>) -> Result<(), UploadError> {
        if self.refused {
            self.abort().await;
            return Err(self.too_large());
        }
        match std::mem::replace(&mut self.state, State::Closed) {
            State::Held(held) => self.store.put(&self.key, held.into()).await.map(drop),
            // Aborts the upload itself when completing fails.
            State::Parts(parts) => parts.finish().await.map(drop),
            State::Closed => return Err(self.storage("the upload is already closed")),
        }
        .map_err(|e| self.storage(e))
    }
}

impl Drop for PendingObject {
    /// An upload dropped uncommitted (the client went away, the row could not be written) is
    /// aborted in the background: drop cannot wait.
    fn drop(&mut self) {
        let State::Parts(parts) = std::mem::replace(&mut self.state, State::Closed) else {
            return;
        };
        let path = self.path.clone();
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(async move {
                    if let Err(e) = parts.abort().await {
                        tracing::warn!(%path, error = %e, "an unfinished S3 upload could not be aborted");
                    }
                });
            }
            Err(_) => {
                tracing::warn!(%path, "an unfinished S3 upload was dropped outside a runtime and left to the bucket's lifecycle rule");
            }
        }
    }
}
