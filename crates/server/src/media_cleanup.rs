//! Glue between the listings rules and the stored files (the upload folder or the S3 bucket): a
//! deleted post's files are removed through the image service, which only ever touches paths
//! under `uploads/`. Photos and PDFs
//! are stored as `uploads/...`; videos as `video/...`, relative to the same folder (CONTRACT
//! §1.13), so those get the prefix.

use std::sync::Arc;

use alpha_listings::{MediaCleanup, PostMedia};
use alpha_media::ImageService;

/// [`MediaCleanup`] over [`ImageService::remove_public_paths`].
pub struct ImageCleanup(pub Arc<ImageService>);

#[async_trait::async_trait]
impl MediaCleanup for ImageCleanup {
    async fn remove(&self, media: &PostMedia) {
        let public: Vec<String> = media
            .paths
            .iter()
            .map(|p| {
                if p.starts_with("uploads/") {
                    p.clone()
                } else {
                    format!("uploads/{p}")
                }
            })
            .collect();
        let paths: Vec<&str> = public.iter().map(String::as_str).collect();
        if let Err(err) = self.0.remove_public_paths(&paths).await {
            // The rows are gone and are the truth; a file left behind is only disk space.
            tracing::warn!(error = %err, "a deleted post's files could not all be removed");
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use alpha_files::{BlockingImageProcessor, LocalDisk};

    use super::*;

    #[tokio::test]
    async fn photos_and_videos_go_and_nothing_outside_the_folder_is_touched() {
        let root = tempfile::tempdir().unwrap();
        let uploads = root.path().join("uploads");
        for dir in ["posts", "video"] {
            std::fs::create_dir_all(uploads.join(dir)).unwrap();
        }
        std::fs::write(uploads.join("posts/a.jpg"), b"x").unwrap();
        std::fs::write(uploads.join("video/b.mp4"), b"x").unwrap();
        std::fs::write(root.path().join("outside.txt"), b"x").unwrap();
        let cleanup = ImageCleanup(Arc::new(ImageService::new(
            Arc::new(LocalDisk::new(uploads.clone())),
            Arc::new(BlockingImageProcessor::new()),
        )));
        cleanup
            .remove(&PostMedia {
                paths: vec![
                    "uploads/posts/a.jpg".into(),
                    "video/b.mp4".into(),
                    "../outside.txt".into(),
                ],
            })
            .await;
        assert!(!uploads.join("posts/a.jpg").exists());
        assert!(!uploads.join("video/b.mp4").exists());
        assert!(root.path().join("outside.txt").exists());
    }
}
