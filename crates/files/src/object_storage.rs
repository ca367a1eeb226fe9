//! The S3 adapter of `alpha-media`'s storage ports, for running more than one server over the
//! same files: [`S3Store`] keeps each file as an object of one bucket, under an optional key
//! prefix, its key the file's [`UploadPath`] (`brand/<uuid>.jpg`), so an upload folder copied
//! into the bucket as it is (`aws s3 sync uploads/ s3://bucket/<prefix>/`) is found unchanged.
//!
//! Through `object_store` (rustls): AWS S3 or anything that speaks its API (MinIO, Ceph, R2,
//! ...) at a configured endpoint. Small files are one `PUT`; a streamed upload is a multipart
//! upload ([`PendingObject`]), so neither needs more memory than a few parts.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use alpha_media::{MediaStore, StorageError, UploadPath};
use object_store::aws::AmazonS3Builder;
use object_store::path::{Path as ObjectPath, PathPart};
use object_store::{ClientOptions, ObjectStore, ObjectStoreExt, RetryConfig};

mod pending_object;
mod read;

pub use pending_object::PendingObject;

/// A connection to the S3 side is refused after this long, rather than holding the request.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// A response that stops arriving for this long fails. There is no limit on a whole request: a
/// video on its way to a slow phone is read from S3 only as fast as the phone takes it.
const READ_TIMEOUT: Duration = Duration::from_secs(30);
/// A failing request (5xx, a dropped connection) is tried again this often, within this long:
/// long enough to ride out a blip, short enough that a client waiting on the answer is told.
const RETRIES: usize = 4;
const RETRY_WITHIN: Duration = Duration::from_secs(20);

/// Objects carry the type their extension says, as the server serves them, so a CDN or a tool
/// reading the bucket directly gets the same.
const CONTENT_TYPES: [(&str, &str); 8] = [
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("png", "image/png"),
    ("webp", "image/webp"),
    ("mp4", "video/mp4"),
    ("mov", "video/quicktime"),
    ("webm", "video/webm"),
    ("pdf", "application/pdf"),
];

/// Where the bucket is and how to sign for it.
#[derive(Clone)]
pub struct S3Config {
    pub bucket: String,
    pub region: String,
    /// `https://host[:port]` of an S3-compatible service; `None` for AWS itself.
    pub endpoint: Option<String>,
    /// Both or neither: without them the AWS credential chain of the environment is used
    /// (instance profile, container credentials, web identity).
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    /// Lets the endpoint be `http://` (a service on the same host or network).
    pub allow_http: bool,
    /// Keys start with this folder (`media` → `media/brand/<uuid>.jpg`); empty for none.
    pub prefix: String,
}

impl fmt::Debug for S3Config {
    /// Never shows the secret key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3Config")
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("access_key_id", &self.access_key_id)
            .field(
                "secret_access_key",
                &self.secret_access_key.as_ref().map(|_| "[REDACTED]"),
            )
            .field("allow_http", &self.allow_http)
            .field("prefix", &self.prefix)
            .finish()
    }
}

/// The client could not be set up from an [`S3Config`] (a bad endpoint URL, say). Nothing is
/// asked of the service until the first file is written or read.
#[derive(Debug, thiserror::Error)]
#[error("S3 storage: {0}")]
pub struct S3ConfigError(#[source] object_store::Error);

/// Files as objects in one bucket. Cheap to clone: the client is shared.
#[derive(Debug, Clone)]
pub struct S3Store {
    store: Arc<dyn ObjectStore>,
    prefix: Vec<String>,
}

impl S3Store {
    /// Errors: [`S3ConfigError`] when `object_store` refuses the configuration.
    pub fn new(config: &S3Config) -> Result<Self, S3ConfigError> {
        let client = CONTENT_TYPES.iter().fold(
            ClientOptions::new()
                .with_timeout_disabled()
                .with_connect_timeout(CONNECT_TIMEOUT)
                .with_read_timeout(READ_TIMEOUT)
                .with_allow_http(config.allow_http),
            |client, (suffix, content_type)| {
                client.with_content_type_for_suffix(*suffix, *content_type)
            },
        );
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(&config.bucket)
            .with_region(&config.region)
            .with_allow_http(config.allow_http)
            .with_client_options(client)
            .with_retry(RetryConfig {
                max_retries: RETRIES,
                retry_timeout: RETRY_WITHIN,
                ..RetryConfig::default()
            });
        if let Some(endpoint) = &config.endpoint {
            builder = builder.with_endpoint(endpoint);
        }
        if let (Some(id), Some(secret)) = (&config.access_key_id, &config.secret_access_key) {
            builder = builder
                .with_access_key_id(id)
                .with_secret_access_key(secret);
        }
        let store = builder.build().map_err(S3ConfigError)?;
        Ok(Self::over(Arc::new(store), &config.prefix))
    }

    /// Files in any `object_store` store, under `prefix`.
    pub fn over(store: Arc<dyn ObjectStore>, prefix: &str) -> Self {
        let prefix = prefix
            .split('/')
            .filter(|part| !part.is_empty())
            .map(str::to_owned)
            .collect();
        Self { store, prefix }
    }

    /// The object key of `path`: the prefix's folders, then the path's. An [`UploadPath`] has
    /// plain components only; any character S3 keys should not hold is percent-encoded.
    pub fn key(&self, path: &UploadPath) -> ObjectPath {
        let prefix = self.prefix.iter().map(String::as_str);
        ObjectPath::from_iter(prefix.chain(path.components()).map(PathPart::from))
    }
}

#[async_trait::async_trait]
impl MediaStore for S3Store {
    /// One `PUT`: S3 shows the old object or the complete new one, never a part.
    async fn put(&self, path: &UploadPath, bytes: Vec<u8>) -> Result<(), StorageError> {
        self.store
            .put(&self.key(path), bytes.into())
            .await
            .map(drop)
            .map_err(|e| StorageError::write(path, e))
    }

    async fn delete(&self, path: &UploadPath) -> Result<(), StorageError> {
        match self.store.delete(&self.key(path)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(StorageError::delete(path, e)),
        }
    }
}

#[cfg(test)]
mod tests;
