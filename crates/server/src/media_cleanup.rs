//! Glue between the listings rules and the upload folder: a deleted post's files are removed
//! through the image service, which only ever touches paths under `uploads/`.

use std::sync::Arc;

use alpha_listings::{MediaCleanup, PostMedia};
use alpha_media::ImageService;

/// [`MediaCleanup`] over [`ImageService::remove_public_paths`].
pub struct ImageCleanup(pub Arc<ImageService>);

#[async_trait::async_trait]
impl MediaCleanup for ImageCleanup {
    async fn remove(&self, media: &PostMedia) {
        let paths: Vec<&str> = media.paths.iter().map(String::as_str).collect();
        if let Err(err) = self.0.remove_public_paths(&paths).await {
            // The rows are gone and are the truth; a file left behind is only disk space.
            tracing::warn!(error = %err, "a deleted post's files could not all be removed");
        }
    }
}
