//! How the allocator gives memory back.
//!
//! mimalloc keeps a freed page for a while (10 ms in v2, 1 s in v3) before it returns it to the
//! system, and only does so when the thread that owns it allocates or frees again. Image work
//! runs on blocking-pool threads that go idle right after an upload, so during a burst of
//! uploads every decoded photo and body stayed resident: 8 photos and a video peaked at
//! 110–148 MB with the default and at 95 MB with immediate purging (bench/posts-load.sh).
//! Returning a page costs one `madvise` per freed region of at least 64 KiB, which the feed's
//! small allocations do not reach.

/// `mi_option_purge_delay` of mimalloc's `mi_option_t`: the same value in v2 and v3, whose
/// enum keeps retired options in place; libmimalloc-sys names only some of the options.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// An operator's `MIMALLOC_PURGE_DELAY` (milliseconds) still wins.
const ENV_OVERRIDE: &str = "MIMALLOC_PURGE_DELAY";

/// Makes mimalloc return freed pages to the system at once. Call it first thing in `main`,
/// before any other thread exists.
pub(crate) fn return_freed_memory_at_once() {
    if std::env::var_os(ENV_OVERRIDE).is_some() {
        return;
    }
    set_purge_delay(0);
}

#[allow(unsafe_code)]
fn set_purge_delay(milliseconds: std::ffi::c_long) {
    // SAFETY: `mi_option_set` stores a number in mimalloc's option table and has no other
    // precondition; `main` calls this before it starts any thread, so no allocation races the
    // store.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, milliseconds) };
}
