//! [`Health`] over PostgreSQL: reachable, and every migration this binary carries applied.

use alpha_kernel::{Health, NotReady};

use crate::pool::PgPool;

#[derive(Clone)]
pub struct PgHealth {
    pool: PgPool,
}

impl PgHealth {
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}

impl std::fmt::Debug for PgHealth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgHealth").finish_non_exhaustive()
    }
}

#[async_trait::async_trait]
impl Health for PgHealth {
    /// Errors: [`NotReady::Unreachable`] when no connection can be had or the check fails,
    /// [`NotReady::MigrationsPending`] when a compiled-in migration is not applied.
    async fn readiness(&self) -> Result<(), NotReady> {
        let mut conn = self
            .pool
            .get()
            .await
            .map_err(|e| NotReady::Unreachable(e.to_string()))?;
        match crate::migrate::is_up_to_date(&mut conn).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(NotReady::MigrationsPending),
            Err(e) => Err(NotReady::Unreachable(e.to_string())),
        }
    }
}
