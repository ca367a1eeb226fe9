//! Which PostgreSQL the server talks to: the configured one, or an embedded cluster it runs itself.

use std::path::PathBuf;

use alpha_pg_embedded::{EmbeddedOptions, EmbeddedPostgres};
use anyhow::Context;
use secrecy::ExposeSecret;

use crate::config::Settings;

/// A database ready for connections; owns the embedded cluster when there is one.
pub struct Database {
    url: String,
    embedded: Option<EmbeddedPostgres>,
}

impl Database {
    /// With `DATABASE_URL` (or its parts) configured, uses that server and never starts one;
    /// otherwise starts (creating on first run) the embedded cluster and its database.
    pub async fn open(settings: &Settings) -> anyhow::Result<Self> {
        if let Some(url) = &settings.database.url {
            tracing::info!("using the configured PostgreSQL server");
            return Ok(Self {
                url: url.expose_secret().to_owned(),
                embedded: None,
            });
        }
        let data_dir = absolute(&settings.database.embedded_dir)?;
        tracing::info!(dir = %data_dir.display(), "no DATABASE_URL set: starting the embedded PostgreSQL");
        let cluster = EmbeddedPostgres::start(EmbeddedOptions::new(data_dir))
            .await
            .context("starting the embedded PostgreSQL")?;
        let name = &settings.database.embedded_db_name;
        if let Err(err) = cluster.ensure_database(name).await {
            let _ = cluster.stop().await;
            return Err(err).context("creating the embedded database");
        }
        Ok(Self {
            url: cluster.url(name),
            embedded: Some(cluster),
        })
    }

    /// Like [`Database::open`], but when a server (`alpha-motors serve`) already runs the
    /// embedded cluster, connects to its socket instead of refusing: maintenance commands work
    /// next to a running server.
    pub async fn open_shared(settings: &Settings) -> anyhow::Result<Self> {
        if settings.database.url.is_none() {
            let data_dir = absolute(&settings.database.embedded_dir)?;
            let name = &settings.database.embedded_db_name;
            if let Some(url) = alpha_pg_embedded::running_url(&data_dir, name) {
                tracing::info!(dir = %data_dir.display(), "using the embedded PostgreSQL a running server started");
                return Ok(Self {
                    url,
                    embedded: None,
                });
            }
        }
        Self::open(settings).await
    }

    /// The connection URL; it may carry a password, so it is never logged.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Stops the embedded cluster, if this process started one.
    pub async fn close(self) -> anyhow::Result<()> {
        if let Some(cluster) = self.embedded {
            cluster
                .stop()
                .await
                .context("stopping the embedded PostgreSQL")?;
            tracing::info!("embedded PostgreSQL stopped");
        }
        Ok(())
    }
}

fn absolute(path: &std::path::Path) -> anyhow::Result<PathBuf> {
    if path.is_absolute() {
        return Ok(path.to_owned());
    }
    Ok(std::env::current_dir()
        .context("reading the working directory")?
        .join(path))
}
