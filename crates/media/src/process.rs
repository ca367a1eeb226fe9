//! The whole treatment of an uploaded image, pure and synchronous (run it off the async
//! workers: an [`crate::ImageProcessor`] does, for [`crate::ImageService`]).

use std::fmt;

use fast_image_resize::Resizer;
use image::{DynamicImage, GenericImageView};

use crate::decode::decode;
use crate::encode::{OutputFormat, encode, prepare};
use crate::errors::MediaError;
use crate::limits::MAX_IMAGE_BYTES;
use crate::resize::resize;
use crate::variant::Variant;

/// An upload turned upright, stripped of metadata and re-encoded, with its variants. `original`
/// is the full-size re-encoded image: the raw upload is never stored.
#[derive(Clone, PartialEq, Eq)]
pub struct ProcessedImage {
    /// `"jpg"` or `"png"`, for every file of the image.
    pub extension: &'static str,
    pub original: Vec<u8>,
    pub small: Vec<u8>,
    pub medium: Vec<u8>,
    pub large: Vec<u8>,
    /// Of the original, after the EXIF orientation was applied.
    pub width: u32,
    pub height: u32,
}

impl ProcessedImage {
    pub fn variant(&self, variant: Variant) -> &[u8] {
        match variant {
            Variant::Small => &self.small,
            Variant::Medium => &self.medium,
            Variant::Large => &self.large,
        }
    }
}

impl fmt::Debug for ProcessedImage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProcessedImage")
            .field("extension", &self.extension)
            .field("width", &self.width)
            .field("height", &self.height)
            .field("original_bytes", &self.original.len())
            .field("small_bytes", &self.small.len())
            .field("medium_bytes", &self.medium.len())
            .field("large_bytes", &self.large.len())
            .finish()
    }
}

/// Checks that `bytes` are a JPEG, PNG or WebP image by decoding them (the content decides,
/// never a name or a declared type), applies the EXIF orientation, and re-encodes it without
/// metadata (JPEG, or PNG when it has transparent pixels) with its `small`/`medium`/`large`
/// variants, none larger than the original. CPU-bound: up to a second or so for a big photo.
///
/// Errors: [`MediaError::FileTooLarge`], [`MediaError::NotAnImage`], [`MediaError::TooLarge`],
/// [`MediaError::Processing`].
pub fn process(bytes: &[u8]) -> Result<ProcessedImage, MediaError> {
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(MediaError::FileTooLarge {
            max_bytes: MAX_IMAGE_BYTES,
        });
    }
    let (image, format) = prepare(decode(bytes)?);
    let (width, height) = image.dimensions();
    let original = encode(&image, format)?;

    // Largest first, each shrunk from the one before: far less work than shrinking the
    // original three times, and halving a Lanczos-filtered image loses nothing visible.
    let mut resizer = Resizer::new();
    let mut current = Encoded {
        bytes: original.clone(),
        image,
    };
    let large = current.shrink(&mut resizer, Variant::Large, format, (width, height))?;
    let medium = current.shrink(&mut resizer, Variant::Medium, format, (width, height))?;
    let small = current.shrink(&mut resizer, Variant::Small, format, (width, height))?;

    Ok(ProcessedImage {
        extension: format.extension(),
        original,
        small,
        medium,
        large,
        width,
        height,
    })
}

/// The last image made, with its encoding: a variant the original's size is the same file.
struct Encoded {
    image: DynamicImage,
    bytes: Vec<u8>,
}

impl Encoded {
    fn shrink(
        &mut self,
        resizer: &mut Resizer,
        variant: Variant,
        format: OutputFormat,
        (width, height): (u32, u32),
    ) -> Result<Vec<u8>, MediaError> {
        let size = variant.size_for(width, height);
        if self.image.dimensions() != size {
            let image = resize(resizer, &self.image, size)?;
            self.bytes = encode(&image, format)?;
            self.image = image;
        }
        Ok(self.bytes.clone())
    }
}

#[cfg(test)]
mod tests;
