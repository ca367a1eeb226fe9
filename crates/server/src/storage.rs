//! Where media files are kept, picked once by `storage.backend`: the upload folder (the
//! default, nothing to set up) or an S3 bucket (several servers over the same files). Every
//! user of files gets them from here: the image service (photos, avatars, the demo seed's
//! pictures, the removal of a deleted post's files), the streamed uploads (videos, documents)
//! and the `/uploads` and `/media` mounts.

use std::sync::Arc;

use alpha_files::{BlockingImageProcessor, LocalDisk, S3Config, S3Store};
use alpha_http_api::ServedFiles;
use alpha_media::{ImageService, MediaStore, UploadSink};
use anyhow::Context;
use secrecy::ExposeSecret;

use crate::config::{Settings, StorageBackend};

/// The adapter of each storage port, all over the same files.
#[derive(Clone)]
pub struct MediaStorage {
    pub store: Arc<dyn MediaStore>,
    pub uploads: Arc<dyn UploadSink>,
    pub served: ServedFiles,
}

impl std::fmt::Debug for MediaStorage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MediaStorage")
            .field("served", &self.served)
            .finish_non_exhaustive()
    }
}

impl MediaStorage {
    /// For `local`, the folder is created here: `/uploads` and `/media` serve it, and a missing
    /// folder would only show as 404s on every file. A value that does not name a folder (an
    /// empty one would mean the working directory to the file server) stops the start. For
    /// `s3`, the client is set up; the bucket is first asked when a file is written or read.
    ///
    /// Errors: the folder cannot be created or served; the S3 client refuses the settings.
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        match settings.storage.backend {
            StorageBackend::Local => {
                let root = &settings.uploads.dir;
                std::fs::create_dir_all(root)
                    .with_context(|| format!("uploads.dir: cannot create {}", root.display()))?;
                alpha_http_api::served_root(root)
                    .with_context(|| format!("uploads.dir: cannot serve {:?}", root.display()))?;
                let disk = Arc::new(LocalDisk::new(root.clone()));
                Ok(Self {
                    store: disk.clone(),
                    uploads: disk,
                    served: ServedFiles::Folder(root.clone()),
                })
            }
            StorageBackend::S3 => {
                let s3 = &settings.storage.s3;
                let secret = |value: &Option<secrecy::SecretString>| {
                    value.as_ref().map(|v| v.expose_secret().to_owned())
                };
                let store = Arc::new(
                    S3Store::new(&S3Config {
                        bucket: s3.bucket.clone(),
                        region: s3.region.clone(),
                        endpoint: Some(s3.endpoint.clone()).filter(|e| !e.is_empty()),
                        access_key_id: secret(&s3.access_key_id),
                        secret_access_key: secret(&s3.secret_access_key),
                        allow_http: s3.allow_http,
                        prefix: s3.prefix.clone(),
                    })
                    .context("storage.s3")?,
                );
                Ok(Self {
                    store: store.clone(),
                    uploads: store.clone(),
                    served: ServedFiles::Store(store),
                })
            }
        }
    }

    /// Images stored here, processed on the blocking pool.
    pub fn image_service(&self) -> ImageService {
        ImageService::new(self.store.clone(), Arc::new(BlockingImageProcessor::new()))
    }
}
