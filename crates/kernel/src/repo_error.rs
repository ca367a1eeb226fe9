//! The one error every repository port returns for infrastructure trouble.

/// Infrastructure failure behind a port. Domain errors never hide in here.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    /// The store cannot be reached right now (pool exhausted, connection refused, timeout): the
    /// edge answers 503 and the client may retry.
    #[error("store unavailable: {0}")]
    Unavailable(String),
    /// The store cannot hold a value it was given (a NUL character in text, which PostgreSQL
    /// refuses in `text` and `jsonb`): the caller's input, so the edge answers 400. A last line
    /// of defence behind the input checks; the reason is logged, never sent.
    #[error("value refused by the store: {0}")]
    Unstorable(String),
    /// Anything else; logged in full, answered with a generic 500.
    #[error("store error: {0}")]
    Other(#[source] Box<dyn std::error::Error + Send + Sync>),
}
