//! JPEG decoding straight to a reduced size. A JPEG stores 8×8 blocks of frequencies, so a
//! decoder can produce 1/2, 1/4 or 1/8 of the picture by inverting fewer of them: a 12-megapixel
//! photo comes out at 2000×1500 (9 MB of pixels) without ever holding the 36 MB full decode or
//! a resizer's buffers. That keeps a burst of uploads inside the server's memory budget.

use image::metadata::Orientation;
use image::{DynamicImage, GrayImage, RgbImage};
use jpeg_decoder::{Decoder, PixelFormat};

use crate::decode::too_large;
use crate::errors::MediaError;
use crate::limits::MAX_IMAGE_PIXELS;

/// The reductions a JPEG decoder can make, as eighths of each side, most reduced first.
const EIGHTHS: [u32; 4] = [1, 2, 4, 8];

/// Decodes a JPEG (already checked to be one that reaches its end marker) at the smallest
/// scale that still leaves at least three quarters of the long side it will be stored at,
/// `min(long side, max_side)`. The result may still be longer than `max_side`; the caller
/// resizes it as any other image.
///
/// `Ok(None)` for what this decoder does not turn into 8-bit gray or RGB (CMYK, 16-bit): the
/// caller decodes those whole. The EXIF orientation is applied.
///
/// Errors: [`MediaError::NotAnImage`], [`MediaError::TooLarge`].
pub(crate) fn decode_scaled(
    bytes: &[u8],
    max_side: u32,
) -> Result<Option<DynamicImage>, MediaError> {
    let mut decoder = Decoder::new(bytes);
    decoder
        .set_max_decoding_buffer_size(usize::try_from(MAX_IMAGE_PIXELS * 8).unwrap_or(usize::MAX));
    decoder.read_info().map_err(|_| MediaError::NotAnImage)?;
    let info = decoder.info().ok_or(MediaError::NotAnImage)?;
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    if width == 0 || height == 0 {
        return Err(MediaError::NotAnImage);
    }
    if u64::from(width) * u64::from(height) > MAX_IMAGE_PIXELS {
        return Err(too_large());
    }
    if !matches!(info.pixel_format, PixelFormat::L8 | PixelFormat::RGB24) {
        return Ok(None);
    }
    let eighths = eighths_for(width, height, max_side);
    let (scaled_width, scaled_height) = (scaled(width, eighths), scaled(height, eighths));
    let (out_width, out_height) = decoder
        .scale(to_u16(scaled_width)?, to_u16(scaled_height)?)
        .map_err(|_| MediaError::NotAnImage)?;
    let pixels = decoder.decode().map_err(|_| MediaError::NotAnImage)?;
    let (w, h) = (u32::from(out_width), u32::from(out_height));
    let mut image = match info.pixel_format {
        PixelFormat::L8 => GrayImage::from_raw(w, h, pixels).map(DynamicImage::ImageLuma8),
        _ => RgbImage::from_raw(w, h, pixels).map(DynamicImage::ImageRgb8),
    }
    .ok_or(MediaError::NotAnImage)?;
    // A broken EXIF block is no reason to refuse a photo that decodes; it is kept as stored.
    if let Some(orientation) = decoder.exif_data().and_then(Orientation::from_exif_chunk) {
        image.apply_orientation(orientation);
    }
    Ok(Some(image))
}

/// How many eighths of each side to decode: the fewest that keep the long side at least three
/// quarters of `min(long, max_side)`, so the stored original loses at most a quarter of the
/// size a full decode shrunk to `max_side` would have had.
fn eighths_for(width: u32, height: u32, max_side: u32) -> u32 {
    let long = width.max(height);
    let wanted = u64::from(long.min(max_side)) * 3;
    EIGHTHS
        .into_iter()
        .find(|&e| u64::from(scaled(long, e)) * 4 >= wanted)
        .unwrap_or(8)
}

/// A side decoded at `eighths`/8, rounded up as the decoder does.
fn scaled(side: u32, eighths: u32) -> u32 {
    (side * eighths).div_ceil(8)
}

fn to_u16(side: u32) -> Result<u16, MediaError> {
    u16::try_from(side).map_err(|_| MediaError::NotAnImage)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phone_photo_is_halved_when_half_keeps_three_quarters_of_the_cap() {
        assert_eq!(eighths_for(4000, 3000, 2560), 4);
        assert_eq!(eighths_for(3000, 4032, 2560), 4);
        assert_eq!(eighths_for(8000, 5000, 2560), 2);
    }

    #[test]
    fn an_image_near_the_cap_is_decoded_whole() {
        assert_eq!(eighths_for(3000, 2000, 2560), 8);
        assert_eq!(eighths_for(2560, 1920, 2560), 8);
        assert_eq!(eighths_for(1000, 800, 2560), 8);
        assert_eq!(scaled(1, eighths_for(1, 1, 2560)), 1);
    }

    #[test]
    fn sides_round_up_like_the_decoder() {
        assert_eq!(scaled(4000, 4), 2000);
        assert_eq!(scaled(4001, 4), 2001);
        assert_eq!(scaled(9, 1), 2);
    }
}
