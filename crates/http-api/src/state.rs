//! What handlers share across requests.

use alpha_store::pool::PgPool;

/// Cheap to clone: every field is a handle.
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").finish_non_exhaustive()
    }
}
