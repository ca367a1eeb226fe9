//! The [`MediaStore`] adapter: files on the local disk under the upload folder.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use alpha_media::{MediaStore, StorageError, UploadPath};

use crate::pending_file::temp_beside;

/// Files under `root`, the upload folder (`uploads.dir`), which is also what `/uploads` serves.
#[derive(Debug, Clone)]
pub struct LocalDisk {
    root: PathBuf,
}

impl LocalDisk {
    pub fn new(root: PathBuf) -> Self {
        Self { root }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Joined one plain component at a time, so the result stays under the root.
    pub fn file_path(&self, path: &UploadPath) -> PathBuf {
        path.components()
            .fold(self.root.clone(), |dir, part| dir.join(part))
    }
}

#[async_trait::async_trait]
impl MediaStore for LocalDisk {
    async fn put(&self, path: &UploadPath, bytes: Vec<u8>) -> Result<(), StorageError> {
        let target = self.file_path(path);
        // One blocking task for the whole sequence instead of a thread hop per tokio::fs call,
        // and the bytes are moved, not copied.
        let written = tokio::task::spawn_blocking(move || write_atomically(&target, &bytes))
            .await
            .unwrap_or_else(|died| Err(io::Error::other(died)));
        written.map_err(|e| StorageError::write(path, e))
    }

    async fn delete(&self, path: &UploadPath) -> Result<(), StorageError> {
        match tokio::fs::remove_file(self.file_path(path)).await {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(StorageError::delete(path, e)),
            _ => Ok(()),
        }
    }
}

/// Writes to a fresh temporary name beside `target`, flushes it to disk, then renames it over
/// `target`: a rename within a folder is atomic, so `target` is either absent, the old file or
/// the complete new one, even after a crash. The temporary name starts with a dot and is
/// removed if anything fails.
fn write_atomically(target: &Path, bytes: &[u8]) -> io::Result<()> {
    let (dir, temp) = temp_beside(target)?;
    fs::create_dir_all(dir)?;
    let written = write_synced(&temp, bytes).and_then(|()| fs::rename(&temp, target));
    if written.is_err() {
        // Best effort: the write's own error is the one worth reporting.
        let _ = fs::remove_file(&temp);
        return written;
    }
    // Makes the rename itself durable, so a row written after `put` never outlives its file
    // across a power cut.
    fs::File::open(dir)?.sync_all()
}

fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = fs::File::create_new(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(test)]
mod tests;
