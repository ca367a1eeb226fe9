//! Writes a photo-like JPEG for the upload benchmark (`bench/posts-load.sh`): a smooth scene with
//! fine noise, so it compresses like a camera picture (a few MB at 4000×3000), not like a flat
//! colour.
//!
//! Usage: `cargo run --release -p alpha-server --example bench_jpeg -- OUT [WIDTH HEIGHT]`

use std::io::BufWriter;

use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = args.next().ok_or("usage: bench_jpeg OUT [WIDTH HEIGHT]")?;
    let width: u32 = args.next().map_or(Ok(4000), |w| w.parse())?;
    let height: u32 = args.next().map_or(Ok(3000), |h| h.parse())?;
    let mut state: u32 = 0x1234_5678;
    let pixels = RgbImage::from_fn(width, height, |x, y| {
        // xorshift: cheap noise, the same file on every run.
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let noise = (state & 0x1f) as f32 - 16.0;
        let fx = x as f32 / width as f32;
        let fy = y as f32 / height as f32;
        let wave = ((fx * 9.0).sin() * (fy * 7.0).cos() + 1.0) * 60.0;
        let channel = |base: f32| (base + wave + noise).clamp(0.0, 255.0) as u8;
        Rgb([
            channel(40.0 + fx * 120.0),
            channel(60.0 + fy * 100.0),
            channel(90.0 + (1.0 - fx) * 80.0),
        ])
    });
    let file = BufWriter::new(std::fs::File::create(&out)?);
    JpegEncoder::new_with_quality(file, 90).encode_image(&pixels)?;
    Ok(())
}
