//! Counting requests per key in a window, shared by every instance of the service.

use std::time::Duration;

use crate::RepoError;

/// Outcome of one counted request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateDecision {
    Allowed,
    /// Over the limit; the window reopens in `retry_after_secs` (at least 1).
    Limited {
        retry_after_secs: u64,
    },
}

#[async_trait::async_trait]
pub trait RateLimiter: Send + Sync {
    /// Counts one request against `key` and says whether it is within `limit` per `window`.
    /// Must be atomic across concurrent callers and server instances.
    ///
    /// Errors: [`RepoError`] when the counter store fails.
    async fn hit(&self, key: &str, limit: u32, window: Duration)
    -> Result<RateDecision, RepoError>;
}
