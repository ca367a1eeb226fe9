//! One module per subcommand.

pub mod admin;
pub mod device;
pub mod healthcheck;
pub mod migrate;
pub mod seed;
pub mod serve;

use std::time::Duration;

use alpha_store::pool::{PgPool, PoolSettings, build_pool};
use anyhow::Context;

use crate::config::Settings;
use crate::database::Database;

/// What the operator commands share: the database (the running server's embedded cluster when
/// there is one), its schema brought up to date first so a command works on a fresh install,
/// and a one-connection pool for `work`. The embedded cluster, if this call started it, is
/// stopped afterwards whatever `work` returned.
pub(crate) async fn with_pool<T>(
    settings: &Settings,
    work: impl AsyncFnOnce(PgPool) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let db = Database::open_shared(settings).await?;
    let result = async {
        migrate::apply(db.url()).await?;
        let pool = build_pool(
            db.url(),
            PoolSettings {
                // One statement at a time: a single connection is all a command needs.
                max_size: 1,
                wait_timeout: Duration::from_secs(settings.database.pool_timeout_secs),
                statement_timeout: Duration::from_millis(settings.database.statement_timeout_ms),
            },
        )
        .context("building the connection pool")?;
        work(pool).await
    }
    .await;
    db.close().await?;
    result
}
