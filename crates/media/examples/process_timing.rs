//! Times `alpha_media::process` on an image file, for tuning the upload pipeline.
//!
//! Usage: `cargo run --release -p alpha-media --example process_timing -- FILE [RUNS]`

use std::io::Write;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: process_timing FILE [RUNS]")?;
    let runs: usize = args.next().map_or(Ok(5), |r| r.parse())?;
    let bytes = std::fs::read(&path)?;
    for _ in 0..runs {
        let start = Instant::now();
        let out = alpha_media::process(&bytes)?;
        writeln!(
            std::io::stdout(),
            "{:>4} ms  {}x{}  original {} KiB, large {} KiB",
            start.elapsed().as_millis(),
            out.width,
            out.height,
            out.original.len() / 1024,
            out.large.len() / 1024
        )?;
    }
    Ok(())
}
