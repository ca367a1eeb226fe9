//! Local files, the adapters of `alpha-media`'s ports: [`LocalDisk`] keeps uploads in the upload
//! folder on disk ([`alpha_media::MediaStore`]), and [`BlockingImageProcessor`] runs
//! [`alpha_media::process`] on tokio's blocking pool, a bounded number at a time
//! ([`alpha_media::ImageProcessor`]).

mod blocking_processor;
mod local_disk;

pub use blocking_processor::BlockingImageProcessor;
pub use local_disk::LocalDisk;
