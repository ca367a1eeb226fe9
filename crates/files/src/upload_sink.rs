//! [`LocalDisk`] as `alpha-media`'s [`UploadSink`]: each upload a [`PendingFile`].

use alpha_media::{PendingUpload, StorageError, UploadError, UploadPath, UploadSink};

use crate::{LocalDisk, PendingFile, PendingFileError};

#[async_trait::async_trait]
impl UploadSink for LocalDisk {
    async fn begin(
        &self,
        path: &UploadPath,
        max_bytes: u64,
    ) -> Result<Box<dyn PendingUpload>, UploadError> {
        let file = LocalDisk::begin(self, path, max_bytes)
            .await
            .map_err(|e| upload_error(path, e))?;
        Ok(Box::new(file))
    }
}

#[async_trait::async_trait]
impl PendingUpload for PendingFile {
    async fn write(&mut self, chunk: &[u8]) -> Result<(), UploadError> {
        let path = self.path().clone();
        self.write_chunk(chunk)
            .await
            .map_err(|e| upload_error(&path, e))
    }

    fn written(&self) -> u64 {
        PendingFile::written(self)
    }

    async fn commit(self: Box<Self>) -> Result<(), UploadError> {
        let path = self.path().clone();
        PendingFile::commit(*self)
            .await
            .map_err(|e| upload_error(&path, e))
    }
}

fn upload_error(path: &UploadPath, err: PendingFileError) -> UploadError {
    match err {
        PendingFileError::TooLarge { max_bytes } => UploadError::TooLarge { max_bytes },
        io @ PendingFileError::Io { .. } => UploadError::Storage(StorageError::write(path, io)),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[tokio::test]
    async fn the_port_streams_caps_and_commits_through_pending_files() {
        let root = tempfile::tempdir().unwrap();
        let disk = LocalDisk::new(root.path().to_path_buf());
        let sink: &dyn UploadSink = &disk;
        let path = UploadPath::parse("files/a.pdf").unwrap();

        let mut refused = sink.begin(&path, 8).await.unwrap();
        refused.write(b"%PDF-").await.unwrap();
        assert!(matches!(
            refused.write(b"1.7 and more").await,
            Err(UploadError::TooLarge { max_bytes: 8 })
        ));
        assert!(matches!(
            refused.commit().await,
            Err(UploadError::TooLarge { .. })
        ));
        assert_eq!(
            std::fs::read_dir(root.path().join("files"))
                .unwrap()
                .count(),
            0
        );

        let mut upload = sink.begin(&path, 8).await.unwrap();
        upload.write(b"%PDF-1.7").await.unwrap();
        assert_eq!(upload.written(), 8);
        upload.commit().await.unwrap();
        assert_eq!(
            std::fs::read(root.path().join("files/a.pdf")).unwrap(),
            b"%PDF-1.7"
        );
    }
}
