//! Running the embedded migrations against a database URL.

use diesel::Connection;
use diesel_async::AsyncPgConnection;
use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
use diesel_migrations::MigrationHarness;

use super::{MIGRATIONS, adopt, lock, status};

pub(crate) type SyncPg = AsyncConnectionWrapper<AsyncPgConnection>;

/// What a migration run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationOutcome {
    /// The database had been migrated by the old backend and its baseline was recorded as applied.
    pub adopted_legacy: bool,
    /// Versions applied by this run, oldest first.
    pub applied: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("cannot connect to the database: {0}")]
    Connect(#[source] diesel::ConnectionError),
    #[error("database error while {action}: {source}")]
    Database {
        action: &'static str,
        #[source]
        source: diesel::result::Error,
    },
    #[error(
        "the database was migrated by the old backend, but \"SequelizeMeta\" lacks {missing:?}; \
         run the old backend's remaining migrations first, then start this server"
    )]
    LegacyIncomplete { missing: Vec<String> },
    #[error(
        "\"SequelizeMeta\" lists migrations this server does not know: {unknown:?}; the schema may \
         differ from the baseline, so it is not adopted automatically"
    )]
    LegacyUnknown { unknown: Vec<String> },
    #[error(
        "the database has application tables but no migration bookkeeping (neither \
         __diesel_schema_migrations nor \"SequelizeMeta\"); refusing to migrate it"
    )]
    UnknownSchema,
    #[error("applying migrations failed: {0}")]
    Apply(String),
    #[error("the migration worker thread stopped unexpectedly")]
    Worker,
}

impl MigrateError {
    pub(crate) fn database(action: &'static str, source: diesel::result::Error) -> Self {
        Self::Database { action, source }
    }
}

/// Applies every pending migration, adopting a legacy database first when it is one.
///
/// Several processes may call this at once against one database: an advisory lock makes them take
/// turns, and the later ones find nothing left to do.
pub async fn run_pending(database_url: &str) -> Result<MigrationOutcome, MigrateError> {
    let url = database_url.to_owned();
    on_worker_thread(move || {
        let mut conn = SyncPg::establish(&url).map_err(MigrateError::Connect)?;
        with_lock(&mut conn, |conn| {
            let adopted_legacy = adopt::adopt_if_legacy(conn, status::baseline_version())?;
            let applied = conn
                .run_pending_migrations(MIGRATIONS)
                .map_err(|e| MigrateError::Apply(e.to_string()))?
                .iter()
                .map(ToString::to_string)
                .collect();
            Ok(MigrationOutcome {
                adopted_legacy,
                applied,
            })
        })
    })
    .await
}

/// Reverts every applied migration, newest first. Destroys all data: for tests and tooling only.
pub async fn revert_all(database_url: &str) -> Result<Vec<String>, MigrateError> {
    let url = database_url.to_owned();
    on_worker_thread(move || {
        let mut conn = SyncPg::establish(&url).map_err(MigrateError::Connect)?;
        with_lock(&mut conn, |conn| {
            Ok(conn
                .revert_all_migrations(MIGRATIONS)
                .map_err(|e| MigrateError::Apply(e.to_string()))?
                .iter()
                .map(ToString::to_string)
                .collect())
        })
    })
    .await
}

fn with_lock<T>(
    conn: &mut SyncPg,
    work: impl FnOnce(&mut SyncPg) -> Result<T, MigrateError>,
) -> Result<T, MigrateError> {
    lock::acquire(conn).map_err(|e| MigrateError::database("taking the migration lock", e))?;
    let result = work(conn);
    // The lock is session-scoped, so closing the connection would free it too; unlocking
    // explicitly just frees it sooner. A failure here is not worth masking `result` for.
    let _ = lock::release(conn);
    result
}

/// The sync migration harness blocks on its own small runtime. Running it on a plain thread, with
/// no tokio context, keeps it independent of the caller's runtime flavour (current-thread test
/// runtimes and actix workers cannot host `block_in_place`).
async fn on_worker_thread<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, MigrateError> + Send + 'static,
) -> Result<T, MigrateError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("migrations".into())
        .spawn(move || {
            let _ = tx.send(work());
        })
        .map_err(|_| MigrateError::Worker)?;
    rx.await.map_err(|_| MigrateError::Worker)?
}
