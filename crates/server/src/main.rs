//! `alpha-motors`: the Alpha Motors backend server and its maintenance commands.

/// mimalloc rather than glibc's allocator: glibc keeps freed multi-MB buffers (uploads,
/// decoded photos) in per-thread heaps, so after a burst of uploads the process held hundreds
/// of MB it no longer used (measured: 420 MB peak for 8 photos and a video); mimalloc returns
/// freed pages to the system within milliseconds.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    alpha_server::run().await
}
