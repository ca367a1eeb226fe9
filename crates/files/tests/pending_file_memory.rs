//! A streamed upload costs disk, not memory. In a test binary of its own, so no other test's
//! allocations move the figure.
#![allow(clippy::unwrap_used, clippy::print_stderr)]

use alpha_files::LocalDisk;
use alpha_media::UploadPath;

const CHUNK: usize = 64 * 1024;
const TOTAL: usize = 50 * 1024 * 1024;

/// The process's resident set in kB (`VmRSS` of /proc/self/status).
fn rss_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[tokio::test]
async fn writing_50_mb_in_64_kb_chunks_keeps_memory_flat() {
    let root = tempfile::tempdir().unwrap();
    let disk = LocalDisk::new(root.path().to_path_buf());
    let path = UploadPath::parse("video/big.mp4").unwrap();
    let chunk = vec![0x5A_u8; CHUNK];
    let before = rss_kb();
    let mut pending = disk.begin(&path, TOTAL as u64).await.unwrap();
    let mut peak = before;
    for _ in 0..TOTAL / CHUNK {
        pending.write_chunk(&chunk).await.unwrap();
        peak = peak.max(rss_kb());
    }
    pending.commit().await.unwrap();
    let growth_kb = peak.saturating_sub(before);
    eprintln!(
        "RSS before {before} kB, peak while writing {peak} kB: +{growth_kb} kB for {} MB written",
        TOTAL / (1024 * 1024)
    );
    assert_eq!(
        std::fs::metadata(root.path().join("video/big.mp4"))
            .unwrap()
            .len(),
        TOTAL as u64
    );
    assert!(
        growth_kb < 8 * 1024,
        "memory grew by {growth_kb} kB while streaming {TOTAL} bytes"
    );
}
