//! A file written chunk by chunk as an upload arrives (videos, documents), so a big upload
//! costs disk, not memory, and only appears at its path once complete.

use std::io;
use std::path::{Path, PathBuf};

use alpha_media::UploadPath;
use tokio::io::AsyncWriteExt;
use uuid::Uuid;

use crate::LocalDisk;

/// Why a [`PendingFile`] could not be written.
#[derive(Debug, thiserror::Error)]
pub enum PendingFileError {
    /// The upload would pass the cap given to [`LocalDisk::begin`]; the edge answers 413. The
    /// file cannot be committed any more: drop it.
    #[error("the file is larger than {max_bytes} bytes")]
    TooLarge { max_bytes: u64 },
    #[error("could not write {path}")]
    Io {
        path: String,
        #[source]
        source: io::Error,
    },
}

/// An upload being written to a temporary, hidden name beside its target (never served, as
/// `/uploads` refuses hidden names). [`Self::commit`] renames it into place; dropping it
/// uncommitted removes it. Only the chunk in hand is held in memory.
#[derive(Debug)]
pub struct PendingFile {
    path: UploadPath,
    temp: PathBuf,
    target: PathBuf,
    file: Option<tokio::fs::File>,
    written: u64,
    max_bytes: u64,
    refused: bool,
}

impl LocalDisk {
    /// Starts writing the file at `path`, creating its folders; it may hold at most
    /// `max_bytes`.
    ///
    /// Errors: [`PendingFileError::Io`] when the folder or the temporary file cannot be
    /// created.
    pub async fn begin(
        &self,
        path: &UploadPath,
        max_bytes: u64,
    ) -> Result<PendingFile, PendingFileError> {
        let target = self.file_path(path);
        let io_error = |source| PendingFileError::Io {
            path: path.to_string(),
            source,
        };
        let (dir, temp) = temp_beside(&target).map_err(io_error)?;
        tokio::fs::create_dir_all(dir).await.map_err(io_error)?;
        let file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
            .await
            .map_err(io_error)?;
        Ok(PendingFile {
            path: path.clone(),
            temp,
            target,
            file: Some(file),
            written: 0,
            max_bytes,
            refused: false,
        })
    }
}

impl PendingFile {
    /// Appends `chunk`.
    ///
    /// Errors: [`PendingFileError::TooLarge`] when the file would pass its cap (nothing of
    /// `chunk` is written, and every later call fails the same way);
    /// [`PendingFileError::Io`].
    pub async fn write_chunk(&mut self, chunk: &[u8]) -> Result<(), PendingFileError> {
        let len = u64::try_from(chunk.len()).unwrap_or(u64::MAX);
        if self.refused || self.written.saturating_add(len) > self.max_bytes {
            self.refused = true;
            return Err(PendingFileError::TooLarge {
                max_bytes: self.max_bytes,
            });
        }
        let Some(file) = self.file.as_mut() else {
            return Err(self.io(closed()));
        };
        if let Err(e) = file.write_all(chunk).await {
            return Err(self.io(e));
        }
        self.written += len;
        Ok(())
    }

    /// Bytes written so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    pub fn path(&self) -> &UploadPath {
        &self.path
    }

    /// Flushes the file to disk and renames it to its path, replacing any file there: a reader
    /// sees no file or the complete one, even after a crash.
    ///
    /// Errors: [`PendingFileError::TooLarge`] after a refused chunk; [`PendingFileError::Io`].
    /// The temporary file is removed either way.
    pub async fn commit(mut self) -> Result<(), PendingFileError> {
        if self.refused {
            return Err(PendingFileError::TooLarge {
                max_bytes: self.max_bytes,
            });
        }
        let Some(mut file) = self.file.take() else {
            return Err(self.io(closed()));
        };
        let synced = async {
            file.flush().await?;
            file.sync_all().await?;
            drop(file);
            tokio::fs::rename(&self.temp, &self.target).await
        };
        synced.await.map_err(|e| self.io(e))?;
        // Renamed: nothing for Drop to remove.
        self.temp = PathBuf::new();
        let dir = self.target.parent().map(Path::to_path_buf);
        if let Some(dir) = dir {
            // Makes the rename itself durable.
            let synced_dir =
                tokio::task::spawn_blocking(move || std::fs::File::open(dir)?.sync_all())
                    .await
                    .unwrap_or_else(|died| Err(io::Error::other(died)));
            synced_dir.map_err(|e| self.io(e))?;
        }
        Ok(())
    }

    fn io(&self, source: io::Error) -> PendingFileError {
        PendingFileError::Io {
            path: self.path.to_string(),
            source,
        }
    }
}

impl Drop for PendingFile {
    /// An uncommitted file is removed (best effort: an unlink, quick enough for any thread).
    fn drop(&mut self) {
        if !self.temp.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

/// The folder of `target` and a fresh hidden temporary name in it.
pub(crate) fn temp_beside(target: &Path) -> io::Result<(&Path, PathBuf)> {
    let (Some(dir), Some(name)) = (target.parent(), target.file_name()) else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "a file path needs a folder and a name",
        ));
    };
    let temp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        Uuid::new_v4().simple()
    ));
    Ok((dir, temp))
}

fn closed() -> io::Error {
    io::Error::other("the file is already closed")
}

#[cfg(test)]
mod tests;
