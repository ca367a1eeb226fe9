//! `alpha-motors migrate`.

use anyhow::Context;

use crate::config::Settings;
use crate::database::Database;

pub async fn run(settings: &Settings) -> anyhow::Result<()> {
    let db = Database::open_shared(settings).await?;
    let result = apply(db.url()).await;
    db.close().await?;
    result
}

/// Applies pending migrations and logs what happened; shared with `serve`.
pub async fn apply(url: &str) -> anyhow::Result<()> {
    let outcome = alpha_store::migrate::run_pending(url)
        .await
        .context("migrating the database")?;
    if outcome.adopted_legacy {
        tracing::info!(
            "adopted a database migrated by the old backend (baseline recorded, no rows touched)"
        );
    }
    if outcome.applied.is_empty() {
        tracing::info!("database schema is up to date");
    } else {
        tracing::info!(applied = ?outcome.applied, "applied migrations");
    }
    Ok(())
}
