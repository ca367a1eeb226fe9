//! `alpha-motors serve`: the long-running server.

use std::time::Duration;

use alpha_http_api::{HttpOptions, build_app};
use alpha_store::pool::{PoolSettings, build_pool};
use alpha_store::seed::CatalogSource;
use anyhow::Context;

use crate::config::Settings;
use crate::database::Database;

pub async fn run(settings: &Settings) -> anyhow::Result<()> {
    let db = Database::open(settings).await?;
    let result = serve(settings, &db).await;
    // Whatever happened above, an embedded cluster must not outlive the server.
    let closed = db.close().await;
    result.and(closed)
}

async fn serve(settings: &Settings, db: &Database) -> anyhow::Result<()> {
    if settings.database.migrate_on_start {
        super::migrate::apply(db.url()).await?;
    }
    if settings.database.seed_on_start {
        let source = settings
            .seed
            .data_file
            .clone()
            .map_or(CatalogSource::BuiltIn, CatalogSource::File);
        super::seed::load(db.url(), source).await?;
    }

    let pool = build_pool(
        db.url(),
        PoolSettings {
            max_size: settings.database.pool_size,
            wait_timeout: Duration::from_secs(settings.database.pool_timeout_secs),
            statement_timeout: Duration::from_millis(settings.database.statement_timeout_ms),
        },
    )
    .context("building the connection pool")?;

    let state = crate::wire::app_state(settings, pool)?;
    let options = HttpOptions {
        body_limit_bytes: settings.http.body_limit_bytes,
        cors_allowed_origins: settings.http.cors_allowed_origins.clone(),
    };
    let addr = (settings.http.host.as_str(), settings.http.port);
    let server = actix_web::HttpServer::new(move || build_app(state.clone(), &options))
        .disable_signals()
        .shutdown_timeout(settings.http.shutdown_timeout_secs)
        .bind(addr)
        .with_context(|| format!("binding HTTP on {}:{}", addr.0, addr.1))?
        .run();
    let handle = server.handle();
    tracing::info!(host = addr.0, port = addr.1, "HTTP API listening");
    let server_task = tokio::spawn(server);

    tokio::select! {
        () = crate::shutdown::signal() => {
            handle.stop(true).await;
        }
        result = server_task => {
            result.context("HTTP server task")?.context("HTTP server")?;
        }
    }
    Ok(())
}
