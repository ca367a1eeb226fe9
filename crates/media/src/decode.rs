//! Proving an upload is an image: its content alone picks the decoder, and it must decode
//! completely.

use std::io::Cursor;

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits};

use crate::errors::MediaError;
use crate::jpeg_end::reaches_end_of_image;
use crate::limits::MAX_IMAGE_PIXELS;
use crate::scaled_jpeg::decode_scaled;

/// No side may be longer, whatever the pixel count: set as a strict decoder limit, it lets a
/// decoder refuse from the header alone, before it prepares anything for the pixels.
const MAX_SIDE: u32 = 30_000;

/// Decodes `bytes` into upright pixels: the EXIF orientation is applied here, because the
/// re-encoded file carries no EXIF to tell a viewer to rotate it. A JPEG far larger than
/// `max_side` comes out already reduced ([`decode_scaled`]); anything may still be longer than
/// `max_side`.
///
/// Errors: [`MediaError::NotAnImage`], [`MediaError::TooLarge`].
pub(crate) fn decode(bytes: &[u8], max_side: u32) -> Result<DynamicImage, MediaError> {
    // A reader made from bytes has no format from a file name: the guess is from magic bytes.
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| MediaError::NotAnImage)?;
    match reader.format() {
        Some(ImageFormat::Jpeg) if !reaches_end_of_image(bytes) => {
            return Err(MediaError::NotAnImage);
        }
        Some(ImageFormat::Jpeg) => {
            if let Some(image) = decode_scaled(bytes, max_side)? {
                return Ok(image);
            }
        }
        Some(ImageFormat::Png | ImageFormat::WebP) => {}
        _ => return Err(MediaError::NotAnImage),
    }
    reader.limits(decode_limits());
    let mut decoder = reader.into_decoder().map_err(|e| refusal(&e))?;

    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 {
        return Err(MediaError::NotAnImage);
    }
    if u64::from(width) * u64::from(height) > MAX_IMAGE_PIXELS {
        return Err(too_large());
    }
    // A broken EXIF block is no reason to refuse a photo that decodes; it is kept as stored.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| refusal(&e))?;
    image.apply_orientation(orientation);
    Ok(image)
}

fn decode_limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    // Room for the largest accepted image at 16 bits per channel with alpha, the widest pixel
    // the enabled decoders produce.
    limits.max_alloc = Some(MAX_IMAGE_PIXELS * 8);
    limits
}

fn refusal(error: &ImageError) -> MediaError {
    match error {
        ImageError::Limits(_) => too_large(),
        _ => MediaError::NotAnImage,
    }
}

pub(crate) fn too_large() -> MediaError {
    MediaError::TooLarge {
        max_pixels: MAX_IMAGE_PIXELS,
    }
}
