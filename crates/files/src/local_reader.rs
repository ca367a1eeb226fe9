//! [`LocalDisk`] as `alpha-media`'s [`MediaReader`]. The server serves the upload folder with
//! the file server itself (`/uploads`); this is the same port as the S3 adapter's, so the
//! storage contract tests hold both to one behaviour.

use std::io::{self, SeekFrom};
use std::ops::Range;
use std::time::UNIX_EPOCH;

use alpha_media::{FileChunks, MediaReader, StorageError, StoredFile, UploadPath};
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use crate::LocalDisk;

/// Bytes read at a time.
const CHUNK_BYTES: u64 = 64 * 1024;

#[async_trait::async_trait]
impl MediaReader for LocalDisk {
    async fn stat(&self, path: &UploadPath) -> Result<Option<StoredFile>, StorageError> {
        match tokio::fs::metadata(self.file_path(path)).await {
            Ok(meta) if meta.is_file() => Ok(Some(stored_file(&meta))),
            Ok(_) => Ok(None),
            Err(e) if is_missing(&e) => Ok(None),
            Err(e) => Err(StorageError::read(path, e)),
        }
    }

    async fn read(
        &self,
        path: &UploadPath,
        range: Option<Range<u64>>,
    ) -> Result<Option<(StoredFile, Box<dyn FileChunks>)>, StorageError> {
        let opened = async {
            let mut file = tokio::fs::File::open(self.file_path(path)).await?;
            let meta = file.metadata().await?;
            if !meta.is_file() {
                return Ok(None);
            }
            let range = range.unwrap_or(0..meta.len());
            file.seek(SeekFrom::Start(range.start)).await?;
            let left = range.end.saturating_sub(range.start);
            io::Result::Ok(Some((stored_file(&meta), FileRange { file, left })))
        };
        match opened.await {
            Ok(Some((stored, range))) => {
                let chunks = LocalChunks {
                    path: path.clone(),
                    range,
                };
                Ok(Some((stored, Box::new(chunks))))
            }
            Ok(None) => Ok(None),
            Err(e) if is_missing(&e) => Ok(None),
            Err(e) => Err(StorageError::read(path, e)),
        }
    }
}

fn is_missing(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
    )
}

/// A validator from the length and modification time, as file servers make theirs.
fn stored_file(meta: &std::fs::Metadata) -> StoredFile {
    let modified = meta.modified().ok();
    let since_epoch = modified
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .unwrap_or_default();
    StoredFile {
        size: meta.len(),
        etag: Some(format!(
            "\"{:x}.{:x}-{:x}\"",
            since_epoch.as_secs(),
            since_epoch.subsec_nanos(),
            meta.len()
        )),
        last_modified: modified,
    }
}

struct FileRange {
    file: tokio::fs::File,
    left: u64,
}

struct LocalChunks {
    path: UploadPath,
    range: FileRange,
}

#[async_trait::async_trait]
impl FileChunks for LocalChunks {
    async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, StorageError> {
        let FileRange { file, left } = &mut self.range;
        if *left == 0 {
            return Ok(None);
        }
        let mut chunk = Vec::new();
        let mut next = file.take((*left).min(CHUNK_BYTES));
        match next.read_to_end(&mut chunk).await {
            // The file got shorter than it said: the reader must not wait for bytes that will
            // never come.
            Ok(0) => Err(StorageError::read(
                &self.path,
                io::Error::from(io::ErrorKind::UnexpectedEof),
            )),
            Ok(n) => {
                *left -= u64::try_from(n).unwrap_or(*left);
                Ok(Some(chunk))
            }
            Err(e) => Err(StorageError::read(&self.path, e)),
        }
    }
}
