//! The connection pool every adapter shares.

use std::time::Duration;

use diesel_async::pooled_connection::deadpool::{BuildError, Pool};
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
};
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use futures_util::FutureExt;

pub type PgPool = Pool<AsyncPgConnection>;

/// Limits that keep one slow query or a burst of requests from taking the service down.
#[derive(Debug, Clone, Copy)]
pub struct PoolSettings {
    pub max_size: usize,
    /// How long a request waits for a free connection before it is answered 503.
    pub wait_timeout: Duration,
    /// Server-side cap on any single statement.
    pub statement_timeout: Duration,
}

/// Builds the pool; connections are opened lazily, so this does not touch the database.
///
/// Errors: [`BuildError`] only for an invalid pool configuration.
pub fn build_pool(database_url: &str, settings: PoolSettings) -> Result<PgPool, BuildError> {
    let statement_timeout_ms = settings.statement_timeout.as_millis();
    let mut config = ManagerConfig::default();
    // The default (`Verified`) sends `SELECT 1` on every checkout: a round trip per request. A
    // connection that broke is dropped when a query on it fails (`is_broken`), so a restart of
    // PostgreSQL costs the requests in flight, not every later one.
    config.recycling_method = RecyclingMethod::Fast;
    config.custom_setup = Box::new(move |url| {
        let url = url.to_owned();
        async move {
            let mut conn = AsyncPgConnection::establish(&url).await?;
            conn.batch_execute(&format!("SET statement_timeout = {statement_timeout_ms}"))
                .await
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
            Ok(conn)
        }
        .boxed()
    });
    let manager =
        AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(database_url, config);
    Pool::builder(manager)
        .max_size(settings.max_size)
        .wait_timeout(Some(settings.wait_timeout))
        .create_timeout(Some(settings.wait_timeout))
        .runtime(deadpool::Runtime::Tokio1)
        .build()
}
