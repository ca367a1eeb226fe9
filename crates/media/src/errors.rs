//! Why an image was refused or could not be stored.

use std::error::Error as StdError;

use crate::upload_path::UploadPath;

type BoxError = Box<dyn StdError + Send + Sync>;

#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// More bytes than [`crate::MAX_IMAGE_BYTES`]; the edge answers 413 as the old backend did.
    #[error("the file is larger than {max_bytes} bytes")]
    FileTooLarge { max_bytes: usize },
    /// Not a JPEG, PNG or WebP that decodes completely (SVG, text, truncated or corrupt files).
    #[error("the file is not a JPEG, PNG or WebP image")]
    NotAnImage,
    /// Declares more than [`crate::MAX_IMAGE_PIXELS`]; refused before the pixels are decoded.
    #[error("the image is too large: at most {max_pixels} pixels (width × height) are accepted")]
    TooLarge { max_pixels: u64 },
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// Encoding failed or the processing task died: a bug or resource exhaustion, never the
    /// client's fault.
    #[error("image processing failed")]
    Processing(#[source] BoxError),
}

/// A store could not write, delete or read a file.
#[derive(Debug, thiserror::Error)]
#[error("could not {action} {path}")]
pub struct StorageError {
    action: &'static str,
    path: String,
    #[source]
    source: BoxError,
}

impl StorageError {
    pub fn write(path: &UploadPath, source: impl Into<BoxError>) -> Self {
        Self::new("write", path, source.into())
    }

    pub fn delete(path: &UploadPath, source: impl Into<BoxError>) -> Self {
        Self::new("delete", path, source.into())
    }

    pub fn read(path: &UploadPath, source: impl Into<BoxError>) -> Self {
        Self::new("read", path, source.into())
    }

    fn new(action: &'static str, path: &UploadPath, source: BoxError) -> Self {
        Self {
            action,
            path: path.as_str().to_owned(),
            source,
        }
    }
}
