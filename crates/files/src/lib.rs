//! Where files are kept, the adapters of `alpha-media`'s ports: [`LocalDisk`] keeps uploads in
//! the upload folder on disk ([`alpha_media::MediaStore`]), the default; [`S3Store`] keeps them
//! in an S3 bucket, for several servers over the same files (storage, streamed uploads and
//! reading back through [`alpha_media::MediaReader`] alike); and [`BlockingImageProcessor`] runs
//! [`alpha_media::process`] on tokio's blocking pool, a bounded number at a time
//! ([`alpha_media::ImageProcessor`]). [`LocalDisk::begin`] streams an upload (a video, a
//! document) to disk as a [`PendingFile`] that appears at its path only once committed; through
//! `alpha_media::UploadSink` the attachments rules use the same.

mod blocking_processor;
mod local_disk;
mod local_reader;
mod object_storage;
mod pending_file;
mod upload_sink;

pub use blocking_processor::BlockingImageProcessor;
pub use local_disk::LocalDisk;
pub use object_storage::{PendingObject, S3Config, S3ConfigError, S3Store};
pub use pending_file::{PendingFile, PendingFileError};
