//! In-memory stand-ins for the two ports, for the unit tests of the contexts that store images
//! (feature `fakes`): a test sees which files were written and removed without a disk or a
//! decoder.

#![allow(clippy::unwrap_used, clippy::missing_panics_doc)]

use std::collections::BTreeSet;
use std::sync::Mutex;

use crate::errors::{MediaError, StorageError};
use crate::ports::{ImageProcessor, MediaStore};
use crate::process::ProcessedImage;
use crate::upload_path::UploadPath;

/// Files kept in memory by path.
#[derive(Debug, Default)]
pub struct MemoryStore(Mutex<BTreeSet<String>>);

impl MemoryStore {
    /// The paths stored now.
    pub fn files(&self) -> BTreeSet<String> {
        self.0.lock().unwrap().clone()
    }
}

#[async_trait::async_trait]
impl MediaStore for MemoryStore {
    async fn put(&self, path: &UploadPath, _bytes: Vec<u8>) -> Result<(), StorageError> {
        self.0.lock().unwrap().insert(path.to_string());
        Ok(())
    }

    async fn delete(&self, path: &UploadPath) -> Result<(), StorageError> {
        self.0.lock().unwrap().remove(path.as_str());
        Ok(())
    }
}

/// Accepts any bytes starting with `IMG` as a 10 × 10 JPEG and refuses the rest as
/// [`MediaError::NotAnImage`]; the real checks are [`crate::process`]'s to test.
#[derive(Debug, Default)]
pub struct FakeProcessor;

#[async_trait::async_trait]
impl ImageProcessor for FakeProcessor {
    async fn process(&self, bytes: Vec<u8>) -> Result<ProcessedImage, MediaError> {
        if !bytes.starts_with(b"IMG") {
            return Err(MediaError::NotAnImage);
        }
        Ok(ProcessedImage {
            extension: "jpg",
            original: bytes.clone(),
            small: bytes.clone(),
            medium: bytes.clone(),
            large: bytes,
            width: 10,
            height: 10,
        })
    }
}
