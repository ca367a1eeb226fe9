//! An upload streamed through the [`UploadSink`]: the first bytes are held until they prove
//! what the file is, then everything goes to a pending file under the name that proof gives
//! (never the client's name or extension). Memory holds one chunk and the first
//! [`SNIFF_BYTES`], whatever the size of the file.

use std::sync::Arc;

use alpha_media::{PendingUpload, SNIFF_BYTES, UploadPath, UploadSink, is_pdf, sniff_video};
use uuid::Uuid;

use super::errors::AttachmentError;

/// What an upload must prove to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expected {
    Video,
    Pdf,
}

pub(crate) struct Stream {
    sink: Arc<dyn UploadSink>,
    expected: Expected,
    max_bytes: u64,
    /// The stored name's stem.
    name: Uuid,
    head: Vec<u8>,
    pending: Option<(UploadPath, Box<dyn PendingUpload>)>,
}

impl Stream {
    pub(crate) fn new(sink: Arc<dyn UploadSink>, expected: Expected, max_bytes: u64) -> Self {
        Self {
            sink,
            expected,
            max_bytes,
            name: Uuid::new_v4(),
            head: Vec::new(),
            pending: None,
        }
    }

    /// The stem of the name the file is stored under (a document's row takes it as its uuid).
    pub(crate) fn name(&self) -> Uuid {
        self.name
    }

    pub(crate) async fn write(&mut self, chunk: &[u8]) -> Result<(), AttachmentError> {
        if let Some((_, pending)) = self.pending.as_mut() {
            return Ok(pending.write(chunk).await?);
        }
        let held = u64::try_from(self.head.len() + chunk.len()).unwrap_or(u64::MAX);
        if held > self.max_bytes {
            return Err(AttachmentError::TooLarge {
                max_bytes: self.max_bytes,
            });
        }
        self.head.extend_from_slice(chunk);
        if self.head.len() >= SNIFF_BYTES {
            self.start().await?;
        }
        Ok(())
    }

    /// The whole file was written: where it will be, and the upload to commit once its row
    /// exists (dropping it instead removes it).
    pub(crate) async fn finish(
        mut self,
    ) -> Result<(UploadPath, Box<dyn PendingUpload>), AttachmentError> {
        if self.pending.is_none() {
            if self.head.is_empty() {
                return Err(AttachmentError::Empty);
            }
            self.start().await?;
        }
        self.pending.ok_or(AttachmentError::Empty)
    }

    async fn start(&mut self) -> Result<(), AttachmentError> {
        let path = match self.expected {
            Expected::Video => {
                let container = sniff_video(&self.head).ok_or(AttachmentError::NotAVideo)?;
                UploadPath::video(self.name, container)
            }
            Expected::Pdf if is_pdf(&self.head) => UploadPath::pdf(self.name),
            Expected::Pdf => return Err(AttachmentError::NotAPdf),
        };
        let mut pending = self.sink.begin(&path, self.max_bytes).await?;
        let head = std::mem::take(&mut self.head);
        pending.write(&head).await?;
        self.pending = Some((path, pending));
        Ok(())
    }
}
