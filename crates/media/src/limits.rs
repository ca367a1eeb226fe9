//! How much an upload may be.

/// Largest accepted upload, as the legacy backend's multer limit (CONTRACT §1.13): the HTTP layer
/// refuses bigger bodies with 413, and [`crate::process`] refuses them too.
pub const MAX_IMAGE_BYTES: usize = 5 * 1024 * 1024;

/// Largest accepted width × height. A few kilobytes of PNG or WebP can declare an image that
/// needs gigabytes once decoded; 40 megapixels is above any phone camera's usual output and
/// bounds one decode to about 160 MB of RGBA.
pub const MAX_IMAGE_PIXELS: u64 = 40_000_000;
