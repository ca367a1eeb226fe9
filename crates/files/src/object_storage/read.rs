//! [`S3Store`] as `alpha-media`'s [`MediaReader`]: `HEAD` for what a file is, a (ranged) `GET`
//! streamed for its bytes.

use std::ops::Range;

use alpha_media::{FileChunks, MediaReader, StorageError, StoredFile, UploadPath};
use bytes::Bytes;
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use object_store::{GetOptions, GetRange, ObjectMeta, ObjectStoreExt};

use super::S3Store;

#[async_trait::async_trait]
impl MediaReader for S3Store {
    async fn stat(&self, path: &UploadPath) -> Result<Option<StoredFile>, StorageError> {
        match self.store.head(&self.key(path)).await {
            Ok(meta) => Ok(Some(stored_file(&meta))),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(StorageError::read(path, e)),
        }
    }

    async fn read(
        &self,
        path: &UploadPath,
        range: Option<Range<u64>>,
    ) -> Result<Option<(StoredFile, Box<dyn FileChunks>)>, StorageError> {
        let options = GetOptions {
            range: range.map(GetRange::Bounded),
            ..GetOptions::default()
        };
        match self.store.get_opts(&self.key(path), options).await {
            Ok(got) => {
                let file = stored_file(&got.meta);
                let chunks = ObjectChunks {
                    path: path.clone(),
                    stream: got.into_stream(),
                };
                Ok(Some((file, Box::new(chunks))))
            }
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(StorageError::read(path, e)),
        }
    }
}

fn stored_file(meta: &ObjectMeta) -> StoredFile {
    StoredFile {
        size: meta.size,
        etag: meta.e_tag.as_deref().map(quoted),
        last_modified: Some(meta.last_modified.into()),
    }
}

/// S3 sends its ETag quoted; some compatible services do not.
fn quoted(etag: &str) -> String {
    if etag.starts_with('"') || etag.starts_with("W/\"") {
        etag.to_owned()
    } else {
        format!("\"{etag}\"")
    }
}

struct ObjectChunks {
    path: UploadPath,
    stream: BoxStream<'static, object_store::Result<Bytes>>,
}

#[async_trait::async_trait]
impl FileChunks for ObjectChunks {
    async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, StorageError> {
        match self.stream.next().await {
            Some(Ok(bytes)) => Ok(Some(bytes.into())),
            Some(Err(e)) => Err(StorageError::read(&self.path, e)),
            None => Ok(None),
        }
    }
}
