//! How much an upload may be.

/// Largest accepted upload, as the legacy backend's multer limit (CONTRACT §1.13): the HTTP layer
/// refuses bigger bodies with 413, and [`crate::process`] refuses them too.
pub const MAX_IMAGE_BYTES: usize = 5 * 1024 * 1024;

/// Largest accepted width × height. A few kilobytes of PNG or WebP can declare an image that
/// needs gigabytes once decoded; 40 megapixels is above any phone camera's usual output and
/// bounds one decode to about 160 MB of RGBA.
pub const MAX_IMAGE_PIXELS: u64 = 40_000_000;

/// The stored original's longest side. The app shows the 1024 px `large` copy at most; a phone's
/// 12-megapixel photo re-encoded whole would be several MB that nobody downloads, and encoding
/// it is most of an upload's time. Smaller images keep their size; a JPEG well above it may be
/// stored a little below it (see `scaled_jpeg`).
pub const MAX_ORIGINAL_SIDE: u32 = 2560;
