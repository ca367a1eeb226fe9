#![allow(clippy::unwrap_used)]

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, RgbImage};
use tokio::task::JoinSet;

use super::*;

/// A JPEG whose pixels do not compress away.
fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let pixels = RgbImage::from_fn(width, height, |x, y| {
        let [a, b, c, _] = (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)).to_le_bytes();
        image::Rgb([a, b, c])
    });
    let mut out = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(pixels)
        .write_to(&mut out, ImageFormat::Jpeg)
        .unwrap();
    out.into_inner()
}

#[tokio::test]
async fn processes_a_generated_image() {
    let processed = BlockingImageProcessor::new()
        .process(jpeg(1200, 600))
        .await
        .unwrap();
    assert_eq!(processed.extension, "jpg");
    assert_eq!((processed.width, processed.height), (1200, 600));
    let small = image::load_from_memory(&processed.small).unwrap();
    assert_eq!((small.width(), small.height()), (256, 128));
    // The same result as the pure function gives.
    assert_eq!(processed, process(&jpeg(1200, 600)).unwrap());
}

#[tokio::test]
async fn refusals_come_back_as_process_gives_them() {
    let processor = BlockingImageProcessor::with_parallelism(1);
    let result = processor.process(b"GIF89a not really".to_vec()).await;
    assert!(matches!(result, Err(MediaError::NotAnImage)), "{result:?}");
    let too_big = vec![0; alpha_media::MAX_IMAGE_BYTES + 1];
    let result = processor.process(too_big).await;
    assert!(
        matches!(result, Err(MediaError::FileTooLarge { .. })),
        "{result:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_beyond_the_bound_all_succeed() {
    const CALLS: u32 = 8;
    // Zero is taken as one: the calls queue on a single slot rather than deadlock.
    for parallel in [0, 2] {
        let processor = BlockingImageProcessor::with_parallelism(parallel);
        let mut calls = JoinSet::new();
        for i in 0..CALLS {
            let processor = processor.clone();
            calls.spawn(async move { (i, processor.process(jpeg(300 + i, 200)).await) });
        }
        let mut done = 0;
        while let Some(joined) = calls.join_next().await {
            let (i, processed) = joined.unwrap();
            let processed = processed.unwrap();
            assert_eq!((processed.width, processed.height), (300 + i, 200));
            done += 1;
        }
        assert_eq!(done, CALLS);
        // Every permit came back.
        assert_eq!(processor.processing.available_permits(), parallel.max(1));
    }
}
