//! The whole treatment of an uploaded image, pure and synchronous (run it off the async
//! workers: an [`crate::ImageProcessor`] does, for [`crate::ImageService`]).

use std::fmt;

use fast_image_resize::Resizer;
use image::{DynamicImage, GenericImageView};

use crate::decode::decode;
use crate::encode::{OutputFormat, encode, prepare};
use crate::errors::MediaError;
use crate::limits::{MAX_IMAGE_BYTES, MAX_ORIGINAL_SIDE};
use crate::resize::resize;
use crate::variant::{Variant, fit};

/// An upload turned upright, stripped of metadata and re-encoded, with its variants. `original`
/// is the re-encoded image, at most `MAX_ORIGINAL_SIDE` on its long side: the raw upload is never stored.
#[derive(Clone, PartialEq, Eq)]
pub struct ProcessedImage {
    /// `"jpg"` or `"png"`, for every file of the image.
    pub extension: &'static str,
    pub original: Vec<u8>,
    pub small: Vec<u8>,
    pub medium: Vec<u8>,
    pub large: Vec<u8>,
    /// Of the stored original: upright (the EXIF orientation applied), and at most
    /// [`MAX_ORIGINAL_SIDE`] on its long side.
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
    let (image, format) = prepare(decode(bytes, MAX_ORIGINAL_SIDE)?);
    let (width, height) = image.dimensions();
    let stored = fit(width, height, MAX_ORIGINAL_SIDE);
    // Shrunk first (when the decoder has not already), so a full decode is freed before the
    // encodes; the variants are made from the shrunk image.
    let image = if stored == (width, height) {
        image
    } else {
        resize(&mut Resizer::new(), &image, stored)?
    };

    // The original's encode is most of the work; it runs on a second thread while this one
    // makes the variants, so one upload uses two cores.
    let (original, variants) = std::thread::scope(|scope| {
        let original = scope.spawn(|| encode(&image, format));
        let variants = variants(&image, format, stored);
        (original.join(), variants)
    });
    let original =
        original.map_err(|_| MediaError::Processing("the JPEG/PNG encoder panicked".into()))??;
    let (width, height) = stored;
    let [large, medium, small] = variants?.map(|v| v.unwrap_or_else(|| original.clone()));

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

/// The `large`, `medium` and `small` files; `None` for a variant the original's size (a small
/// upload is never enlarged), which is the original's file.
///
/// Largest first, each shrunk from the one before: far less work than shrinking the original
/// three times, and halving a Lanczos-filtered image loses nothing visible.
fn variants(
    image: &DynamicImage,
    format: OutputFormat,
    (width, height): (u32, u32),
) -> Result<[Option<Vec<u8>>; 3], MediaError> {
    let mut resizer = Resizer::new();
    let mut current: Option<DynamicImage> = None;
    let mut previous: Option<Vec<u8>> = None;
    let mut out: [Option<Vec<u8>>; 3] = [None, None, None];
    for (slot, variant) in out
        .iter_mut()
        .zip([Variant::Large, Variant::Medium, Variant::Small])
    {
        let size = variant.size_for(width, height);
        let source = current.as_ref().unwrap_or(image);
        if source.dimensions() != size {
            let shrunk = resize(&mut resizer, source, size)?;
            previous = Some(encode(&shrunk, format)?);
            current = Some(shrunk);
        }
        slot.clone_from(&previous);
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
