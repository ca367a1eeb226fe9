//! Media domain. Images: an upload is proved to be an image by decoding it (the file
//! name and declared type are never trusted), turned upright, re-encoded without its metadata,
//! and stored with `small`/`medium`/`large` variants that are never upscaled.
//!
//! [`process`] does the image work, pure and synchronous. [`ImageService`] holds the use cases
//! over two ports: [`ImageProcessor`], which runs [`process`] off the async workers, and
//! [`MediaStore`], which keeps the files. Their adapters live in `alpha-files`
//! (`BlockingImageProcessor`, `LocalDisk`): this crate has no async runtime.
//!
//! Videos and PDF documents are stored as uploaded once their first bytes prove what they are
//! ([`sniff_video`], [`is_pdf`]); they stream through the [`UploadSink`] port (its adapter is
//! `alpha-files`' `LocalDisk`), so only the checks and the port live here.
//!
//! Where the files are not a folder the HTTP edge can serve itself (object storage), it reads
//! them back through the [`MediaReader`] port.
//!
//! Paths: a [`MediaStore`] works with [`UploadPath`]s, relative to the upload folder
//! (`brand/<uuid>.jpg`); the API and the database hold public paths (`uploads/brand/<uuid>.jpg`,
//! [`UploadPath::public`]), which the app prefixes with its API base URL.

mod decode;
mod encode;
mod errors;
mod jpeg_end;
mod kind;
mod limits;
mod photo_change;
mod ports;
mod process;
mod reader;
mod resize;
mod scaled_jpeg;
mod service;
mod sniff;
mod stored_image;
mod upload_path;
mod upload_sink;
mod variant;

#[cfg(test)]
mod test_images;

#[cfg(any(test, feature = "fakes"))]
pub mod fakes;

pub use errors::{MediaError, StorageError};
pub use kind::ImageKind;
pub use limits::{MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS, MAX_ORIGINAL_SIDE};
pub use photo_change::{PhotoChange, Recorded};
pub use ports::{ImageProcessor, MediaStore};
pub use process::{ProcessedImage, process};
pub use reader::{FileChunks, MediaReader, StoredFile};
pub use service::ImageService;
pub use sniff::{
    MAX_PDF_BYTES, PDF_CONTENT_TYPE, PDF_EXTENSION, SNIFF_BYTES, VideoContainer, is_pdf,
    sniff_video,
};
pub use stored_image::{StoredImage, VariantPaths};
pub use upload_path::{FILES_DIR, PUBLIC_PREFIX, UploadPath, UploadPathError, VIDEO_DIR};
pub use upload_sink::{PendingUpload, UploadError, UploadSink};
pub use variant::Variant;
