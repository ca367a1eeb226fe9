//! The [`ImageProcessor`] adapter: image work on tokio's blocking pool, bounded by a semaphore.

use std::sync::Arc;

use alpha_media::{ImageProcessor, MediaError, ProcessedImage, process};
use tokio::sync::Semaphore;

/// Runs [`process`] with [`tokio::task::spawn_blocking`], so decoding and resizing never hold an
/// async worker.
#[derive(Debug, Clone)]
pub struct BlockingImageProcessor {
    /// Bounds how many images are processed at once: each may take a core and up to a few
    /// hundred MB, so a burst of uploads waits here rather than swapping the machine or
    /// crowding out the other blocking work (file I/O) on tokio's blocking pool. Shared by the
    /// clones.
    processing: Arc<Semaphore>,
}

impl BlockingImageProcessor {
    /// Processes one image at once per two cores: [`process`] keeps two threads busy, and a
    /// decoded photo holds tens of MB, so more at once would only share the same cores while
    /// holding more memory.
    pub fn new() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self::with_parallelism(cores / 2)
    }

    /// `parallel` images at most are processed at once (at least one).
    pub fn with_parallelism(parallel: usize) -> Self {
        Self {
            processing: Arc::new(Semaphore::new(parallel.max(1))),
        }
    }
}

impl Default for BlockingImageProcessor {
    fn default() -> Self {
        Self::new()
    }
}

#[async_trait::async_trait]
impl ImageProcessor for BlockingImageProcessor {
    async fn process(&self, bytes: Vec<u8>) -> Result<ProcessedImage, MediaError> {
        let permit = Arc::clone(&self.processing)
            .acquire_owned()
            .await
            .map_err(|closed| MediaError::Processing(Box::new(closed)))?;
        // The permit moves into the task: a caller that gives up does not free the slot while
        // the work goes on.
        tokio::task::spawn_blocking(move || {
            let processed = process(&bytes);
            drop(permit);
            processed
        })
        .await
        .map_err(|died| MediaError::Processing(Box::new(died)))?
    }
}

#[cfg(test)]
mod tests;
