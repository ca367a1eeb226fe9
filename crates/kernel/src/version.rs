//! A counter that moves whenever a context's data changes through this instance. Readers that
//! keep something derived from that data (rendered responses, a search index, counts) compare
//! the number they built it at with the current one.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Cheap to clone: clones share the counter.
#[derive(Debug, Clone, Default)]
pub struct Version(Arc<AtomicU64>);

impl Version {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn current(&self) -> u64 {
        self.0.load(Ordering::Acquire)
    }

    pub fn bump(&self) {
        self.0.fetch_add(1, Ordering::AcqRel);
    }
}
