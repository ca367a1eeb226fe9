//! Writing the pixels back out: the encoders write pixels only, so EXIF (with its GPS position),
//! XMP, ICC profiles and anything appended to the upload are left behind.

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::{ColorType, DynamicImage};

use crate::errors::MediaError;

/// Photos stay visually unchanged at this quality while files stay small.
const JPEG_QUALITY: u8 = 85;

/// WebP is not offered although it would be smaller: the `image` crate encodes only lossless
/// WebP, which for photos is several times larger than JPEG.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OutputFormat {
    /// Opaque images; JPEG has no alpha channel.
    Jpeg,
    /// Images with any transparent pixel, such as logos, which JPEG would put on a black
    /// background.
    Png,
}

impl OutputFormat {
    pub(crate) const fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
        }
    }
}

/// Picks the output format and converts the pixels to 8 bits per channel with the channels it
/// keeps. An alpha channel in which every pixel is opaque (common in screenshots) counts as
/// none, so such an image becomes a JPEG rather than a much larger PNG.
pub(crate) fn prepare(image: DynamicImage) -> (DynamicImage, OutputFormat) {
    let gray = matches!(
        image.color(),
        ColorType::L8 | ColorType::L16 | ColorType::La8 | ColorType::La16
    );
    if image.has_alpha() {
        let with_alpha = if gray {
            DynamicImage::ImageLumaA8(image.into_luma_alpha8())
        } else {
            DynamicImage::ImageRgba8(image.into_rgba8())
        };
        let channels = usize::from(with_alpha.color().channel_count());
        let opaque = with_alpha
            .as_bytes()
            .chunks_exact(channels)
            .all(|pixel| pixel.last() == Some(&u8::MAX));
        if !opaque {
            return (with_alpha, OutputFormat::Png);
        }
        return (without_alpha(with_alpha, gray), OutputFormat::Jpeg);
    }
    (without_alpha(image, gray), OutputFormat::Jpeg)
}

fn without_alpha(image: DynamicImage, gray: bool) -> DynamicImage {
    if gray {
        DynamicImage::ImageLuma8(image.into_luma8())
    } else {
        DynamicImage::ImageRgb8(image.into_rgb8())
    }
}

/// Errors: [`MediaError::Processing`].
pub(crate) fn encode(image: &DynamicImage, format: OutputFormat) -> Result<Vec<u8>, MediaError> {
    let mut out = Vec::new();
    match format {
        OutputFormat::Jpeg => encode_jpeg(image, &mut out)?,
        OutputFormat::Png => image
            .write_with_encoder(PngEncoder::new_with_quality(
                &mut out,
                CompressionType::Default,
                PngFilter::Adaptive,
            ))
            .map_err(|e| MediaError::Processing(Box::new(e)))?,
    }
    Ok(out)
}

/// `jpeg-encoder` (AVX2 when the CPU has it) rather than `image`'s encoder: a 12-megapixel
/// photo encodes several times faster, which is most of an upload's time.
fn encode_jpeg(image: &DynamicImage, out: &mut Vec<u8>) -> Result<(), MediaError> {
    let (color, bytes) = match image {
        DynamicImage::ImageLuma8(gray) => (jpeg_encoder::ColorType::Luma, gray.as_raw()),
        DynamicImage::ImageRgb8(rgb) => (jpeg_encoder::ColorType::Rgb, rgb.as_raw()),
        // `prepare` leaves only these two for JPEG; anything else goes through the generic
        // encoder rather than being refused.
        other => {
            return other
                .write_with_encoder(JpegEncoder::new_with_quality(out, JPEG_QUALITY))
                .map_err(|e| MediaError::Processing(Box::new(e)));
        }
    };
    let side = |n: u32| {
        u16::try_from(n)
            .map_err(|_| MediaError::Processing("the image is too wide for JPEG".into()))
    };
    let (width, height) = (side(image.width())?, side(image.height())?);
    jpeg_encoder::Encoder::new(out, JPEG_QUALITY)
        .encode(bytes, width, height, color)
        .map_err(|e| MediaError::Processing(Box::new(e)))
}
