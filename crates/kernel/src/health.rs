//! Readiness, as the HTTP edge's `/readyz` asks it, without the edge knowing what a database is.

/// Why the service cannot take traffic yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotReady {
    /// The store cannot be reached; the reason is for logs, never for responses.
    Unreachable(String),
    /// The store answers, but migrations this binary carries are not applied yet.
    MigrationsPending,
}

/// Port: whether everything the service needs is there.
#[async_trait::async_trait]
pub trait Health: Send + Sync {
    /// `Ok(())` when ready to serve.
    ///
    /// Errors: [`NotReady`] saying what is missing.
    async fn readiness(&self) -> Result<(), NotReady>;
}
