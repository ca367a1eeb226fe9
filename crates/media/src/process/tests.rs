#![allow(clippy::unwrap_used)]

use image::codecs::jpeg::JpegEncoder;
use image::codecs::webp::WebPEncoder;
use image::{DynamicImage, GenericImageView, ImageFormat, Rgba, RgbaImage};

use super::*;
use crate::limits::MAX_IMAGE_PIXELS;
use crate::test_images::{
    halves, has_exif, jpeg, jpeg_with_orientation, opaque_png, png, png_declaring, textured,
    transparent_png,
};

fn load(bytes: &[u8]) -> DynamicImage {
    image::load_from_memory(bytes).unwrap()
}

fn format_of(bytes: &[u8]) -> ImageFormat {
    image::guess_format(bytes).unwrap()
}

fn all_files(out: &ProcessedImage) -> [&[u8]; 4] {
    [&out.original, &out.small, &out.medium, &out.large]
}

fn webp(image: &DynamicImage) -> Vec<u8> {
    let mut out = Vec::new();
    image
        .write_with_encoder(WebPEncoder::new_lossless(&mut out))
        .unwrap();
    out
}

#[test]
fn transparent_png_stays_png_with_its_transparency() {
    let out = process(&transparent_png(64, 64)).unwrap();
    assert_eq!(out.extension, "png");
    for file in all_files(&out) {
        assert_eq!(format_of(file), ImageFormat::Png);
    }
    let original = load(&out.original);
    assert_eq!(original.get_pixel(0, 0).0[3], 0);
    assert_eq!(original.get_pixel(32, 32).0, [200, 30, 30, 255]);
}

#[test]
fn opaque_jpeg_and_png_become_jpeg() {
    for upload in [jpeg(64, 32), opaque_png(64, 32)] {
        let out = process(&upload).unwrap();
        assert_eq!(out.extension, "jpg");
        for file in all_files(&out) {
            assert_eq!(format_of(file), ImageFormat::Jpeg);
        }
        assert_eq!(load(&out.original).dimensions(), (64, 32));
    }
}

#[test]
fn alpha_channel_with_only_opaque_pixels_becomes_jpeg() {
    let image = RgbaImage::from_pixel(32, 32, Rgba([10, 200, 10, 255]));
    let out = process(&png(&DynamicImage::ImageRgba8(image))).unwrap();
    assert_eq!(out.extension, "jpg");
    assert_eq!(format_of(&out.original), ImageFormat::Jpeg);
}

#[test]
fn webp_uploads_are_decoded_and_reencoded() {
    let opaque = DynamicImage::ImageRgb8(halves(40, 20));
    let out = process(&webp(&opaque)).unwrap();
    assert_eq!(out.extension, "jpg");
    assert_eq!(load(&out.original).dimensions(), (40, 20));

    let transparent = load(&transparent_png(40, 20));
    let out = process(&webp(&transparent)).unwrap();
    assert_eq!(out.extension, "png");
}

#[test]
fn exif_orientation_is_applied_before_the_metadata_is_dropped() {
    // 6 = the camera was turned: show the stored pixels rotated 90° clockwise, so the left
    // (red) half ends up on top.
    let upload = jpeg_with_orientation(40, 20, 6);
    assert_eq!(load(&upload).dimensions(), (40, 20));
    let out = process(&upload).unwrap();
    let original = load(&out.original).into_rgb8();
    assert_eq!(original.dimensions(), (20, 40));
    let top = original.get_pixel(10, 5).0;
    let bottom = original.get_pixel(10, 35).0;
    assert!(top[0] > 200 && top[2] < 60, "top is {top:?}");
    assert!(bottom[2] > 200 && bottom[0] < 60, "bottom is {bottom:?}");
    assert_eq!(out.width, 20);
    assert_eq!(out.height, 40);
}

#[test]
fn no_output_file_keeps_exif() {
    let upload = jpeg_with_orientation(40, 20, 1);
    assert!(has_exif(&upload));
    let out = process(&upload).unwrap();
    for file in all_files(&out) {
        assert!(!has_exif(file));
        // No APP1 segment of any kind right after SOI.
        assert_ne!(&file[2..4], &[0xff, 0xe1]);
    }
    assert_eq!(load(&out.original).dimensions(), (40, 20));
}

#[test]
fn variants_of_a_narrow_image_are_not_upscaled() {
    let out = process(&jpeg(300, 150)).unwrap();
    assert_eq!(load(&out.small).dimensions(), (256, 128));
    assert_eq!(load(&out.medium).dimensions(), (300, 150));
    assert_eq!(load(&out.large).dimensions(), (300, 150));
    assert_eq!(out.medium, out.original);
}

#[test]
fn variants_of_a_wide_image_keep_the_aspect_ratio() {
    let out = process(&jpeg(2000, 1000)).unwrap();
    assert_eq!((out.width, out.height), (2000, 1000));
    assert_eq!(load(&out.original).dimensions(), (2000, 1000));
    assert_eq!(load(&out.small).dimensions(), (256, 128));
    assert_eq!(load(&out.medium).dimensions(), (512, 256));
    assert_eq!(load(&out.large).dimensions(), (1024, 512));
}

#[test]
fn anything_that_does_not_decode_is_not_an_image() {
    let jpeg = jpeg(64, 64);
    let svg = br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>"#;
    let cases: [(&str, &[u8]); 5] = [
        ("empty", b""),
        (
            "text named .jpg",
            b"just some text, whatever the file is called",
        ),
        ("svg", svg),
        ("jpeg magic only", &jpeg[..4]),
        (
            "gif, not an accepted format",
            b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
        ),
    ];
    for (name, bytes) in cases {
        assert!(
            matches!(process(bytes), Err(MediaError::NotAnImage)),
            "{name}: {:?}",
            process(bytes)
        );
    }
}

#[test]
fn huge_declared_size_is_refused_before_decoding() {
    let bomb = png_declaring(100_000, 100_000);
    assert!(bomb.len() < 100);
    assert!(matches!(
        process(&bomb),
        Err(MediaError::TooLarge {
            max_pixels: MAX_IMAGE_PIXELS
        })
    ));
    // Within the side limit, over the pixel count.
    assert!(matches!(
        process(&png_declaring(10_000, 4_001)),
        Err(MediaError::TooLarge { .. })
    ));
}

#[test]
fn more_bytes_than_the_upload_limit_are_refused() {
    let mut upload = jpeg(16, 16);
    upload.resize(MAX_IMAGE_BYTES + 1, 0);
    assert!(matches!(
        process(&upload),
        Err(MediaError::FileTooLarge {
            max_bytes: MAX_IMAGE_BYTES
        })
    ));
}

#[test]
fn grayscale_stays_grayscale() {
    let gray = DynamicImage::ImageLuma8(image::GrayImage::from_pixel(20, 20, image::Luma([90])));
    let out = process(&png(&gray)).unwrap();
    assert_eq!(out.extension, "jpg");
    assert_eq!(load(&out.original).color(), image::ColorType::L8);
}

#[test]
fn cut_off_uploads_are_not_images() {
    // Busy pixels, so the cut falls in the pixel data rather than in the headers.
    let pixels = DynamicImage::ImageRgb8(textured(400, 300));
    let mut jpeg = Vec::new();
    pixels
        .write_with_encoder(JpegEncoder::new_with_quality(&mut jpeg, 90))
        .unwrap();
    for (name, file) in [
        ("jpeg", jpeg),
        ("png", png(&pixels)),
        ("webp", webp(&pixels)),
    ] {
        assert!(process(&file).is_ok(), "{name} whole");
        let cut = &file[..file.len() * 9 / 10];
        assert!(
            matches!(process(cut), Err(MediaError::NotAnImage)),
            "{name} cut: {:?}",
            process(cut)
        );
    }
}

#[test]
fn a_huge_original_is_stored_at_the_original_cap_and_its_variants_from_the_full_image() {
    let out = process(&opaque_png(3000, 4000)).unwrap();
    assert_eq!((out.width, out.height), (1920, 2560));
    assert_eq!(load(&out.original).dimensions(), (1920, 2560));
    assert_eq!(load(&out.large).dimensions(), (768, 1024));
    assert_eq!(load(&out.small).dimensions(), (192, 256));
}

#[test]
fn a_jpeg_twice_the_cap_is_decoded_at_half_size_and_kept_there() {
    let out = process(&jpeg(3000, 4000)).unwrap();
    assert_eq!((out.width, out.height), (1500, 2000));
    assert_eq!(load(&out.original).dimensions(), (1500, 2000));
    assert_eq!(load(&out.large).dimensions(), (768, 1024));
    assert_eq!(load(&out.small).dimensions(), (192, 256));
}

#[test]
fn a_jpeg_just_above_the_cap_is_decoded_whole_and_shrunk_to_it() {
    let out = process(&jpeg(2000, 3000)).unwrap();
    assert_eq!((out.width, out.height), (1707, 2560));
    assert_eq!(load(&out.original).dimensions(), (1707, 2560));
}

#[test]
fn a_half_size_decode_still_turns_the_photo_upright() {
    let out = process(&jpeg_with_orientation(4000, 3000, 6)).unwrap();
    assert_eq!((out.width, out.height), (1500, 2000));
    assert!(!has_exif(&out.original));
}
