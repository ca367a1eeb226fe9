//! `alpha-motors seed`.

use alpha_store::seed::CatalogSource;
use anyhow::Context;
use diesel_async::{AsyncConnection, AsyncPgConnection};

use crate::cli::SeedArgs;
use crate::config::Settings;
use crate::database::Database;

pub async fn run(settings: &Settings, args: &SeedArgs) -> anyhow::Result<()> {
    let db = Database::open_shared(settings).await?;
    let result = async {
        super::migrate::apply(db.url()).await?;
        let file = args
            .data_file
            .clone()
            .or_else(|| settings.seed.data_file.clone());
        load(
            db.url(),
            file.map_or(CatalogSource::BuiltIn, CatalogSource::File),
        )
        .await
    }
    .await;
    db.close().await?;
    result
}

/// Runs the idempotent seed and logs its counts; shared with `serve` in development.
pub async fn load(url: &str, source: CatalogSource) -> anyhow::Result<()> {
    let mut conn = AsyncPgConnection::establish(url)
        .await
        .context("connecting to the database for seeding")?;
    let report = alpha_store::seed::run(&mut conn, &source)
        .await
        .context("seeding")?;
    tracing::info!(
        currencies = report.currencies,
        brands = report.brands,
        models = report.models,
        brands_changed = report.brands_changed,
        models_changed = report.models_changed,
        "seed finished"
    );
    Ok(())
}
