//! Local files, the adapters of `alpha-media`'s ports: [`LocalDisk`] keeps uploads in the upload
//! folder on disk ([`alpha_media::MediaStore`]), and [`BlockingImageProcessor`] runs
//! [`alpha_media::process`] on tokio's blocking pool, a bounded number at a time
//! ([`alpha_media::ImageProcessor`]). [`LocalDisk::begin`] streams an upload (a video, a
//! document) to disk as a [`PendingFile`] that appears at its path only once committed; through
//! `alpha_media::UploadSink` the attachments rules use the same.

mod blocking_processor;
mod local_disk;
mod pending_file;
mod upload_sink;

pub use blocking_processor::BlockingImageProcessor;
pub use local_disk::LocalDisk;
pub use pending_file::{PendingFile, PendingFileError};
