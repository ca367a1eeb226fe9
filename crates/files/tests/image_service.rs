//! `alpha_media::ImageService` wired as the server wires it: the blocking pool and the local disk.

#![allow(clippy::unwrap_used)]

use std::io::Cursor;
use std::path::Path;
use std::sync::Arc;

use alpha_files::{BlockingImageProcessor, LocalDisk};
use alpha_media::{ImageKind, ImageService};
use image::{DynamicImage, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};

fn service(root: &Path) -> ImageService {
    ImageService::new(
        Arc::new(LocalDisk::new(root.to_path_buf())),
        Arc::new(BlockingImageProcessor::with_parallelism(1)),
    )
}

fn encoded(image: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, format).unwrap();
    out.into_inner()
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn store_writes_the_original_and_three_variants_in_the_kind_folder() {
    let root = tempfile::tempdir().unwrap();
    let images = service(root.path());
    let jpeg = encoded(
        &DynamicImage::ImageRgb8(RgbImage::from_pixel(600, 300, Rgb([200, 40, 40]))),
        ImageFormat::Jpeg,
    );
    let image = images.store(ImageKind::Brand, jpeg).await.unwrap();

    let id = image.id();
    assert_eq!(image.extension(), "jpg");
    assert_eq!((image.width(), image.height()), (600, 300));
    assert_eq!(image.original_path(), format!("uploads/brand/{id}.jpg"));
    assert_eq!(files_in(root.path()), ["brand"]);
    let mut expected = vec![
        format!("{id}.jpg"),
        format!("large_{id}.jpg"),
        format!("medium_{id}.jpg"),
        format!("small_{id}.jpg"),
    ];
    expected.sort();
    assert_eq!(files_in(&root.path().join("brand")), expected);
    let small = image::open(root.path().join(format!("brand/small_{id}.jpg"))).unwrap();
    assert_eq!((small.width(), small.height()), (256, 128));

    images.discard(&image).await.unwrap();
    assert!(files_in(&root.path().join("brand")).is_empty());
}

#[tokio::test]
async fn transparent_uploads_are_stored_as_png() {
    let root = tempfile::tempdir().unwrap();
    let logo = RgbaImage::from_fn(64, 64, |x, _| {
        Rgba([200, 30, 30, if x < 32 { 255 } else { 0 }])
    });
    let image = service(root.path())
        .store(
            ImageKind::Plan,
            encoded(&DynamicImage::ImageRgba8(logo), ImageFormat::Png),
        )
        .await
        .unwrap();
    assert_eq!(image.extension(), "png");
    assert!(image.original_path().starts_with("uploads/subscription/"));
    assert!(root.path().join(image.original().as_str()).is_file());
}

#[tokio::test]
async fn an_upload_that_is_not_an_image_writes_nothing() {
    let root = tempfile::tempdir().unwrap();
    let result = service(root.path())
        .store(ImageKind::Avatar, b"<svg/>".to_vec())
        .await;
    assert!(result.is_err(), "{result:?}");
    assert!(files_in(root.path()).is_empty());
}
