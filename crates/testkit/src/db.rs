//! One database per test.

use diesel_async::AsyncPgConnection;

use crate::server::{self, Server};
use crate::template::{self, connect, drop_database, retry_while_in_use};
use crate::url::quote_ident;

/// A database of its own for one test, dropped with this value.
///
/// Works from `#[tokio::test]` (current-thread runtime), multi-thread runtimes, and plain tests
/// that build a runtime themselves; dropping needs no runtime at all.
#[derive(Debug)]
pub struct TestDb {
    name: String,
    url: String,
    maintenance_url: String,
}

impl TestDb {
    /// A fresh database with every migration applied, cloned from a shared migrated template.
    ///
    /// # Panics
    /// When no PostgreSQL is available or the template cannot be built; the message says why.
    pub async fn new() -> TestDb {
        match Self::create(true).await {
            Ok(db) => db,
            Err(e) => panic!("alpha-testkit: no migrated test database: {e}"),
        }
    }

    /// A fresh database with no migrations at all, for migration and adoption tests.
    ///
    /// # Panics
    /// When no PostgreSQL is available; the message says why.
    pub async fn empty() -> TestDb {
        match Self::create(false).await {
            Ok(db) => db,
            Err(e) => panic!("alpha-testkit: no empty test database: {e}"),
        }
    }

    /// This database's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// This database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A new connection to this database, bound to the calling runtime.
    ///
    /// # Panics
    /// When the connection fails.
    pub async fn conn(&self) -> AsyncPgConnection {
        match connect(&self.url).await {
            Ok(conn) => conn,
            Err(e) => panic!("alpha-testkit: {e}"),
        }
    }

    /// A URL for another database on the same server (it is not created).
    ///
    /// # Panics
    /// Never for servers the testkit accepted; the URL was checked at start.
    pub fn server_url(&self, database: &str) -> String {
        match crate::url::with_database(&self.url, database) {
            Ok(url) => url,
            Err(e) => panic!("alpha-testkit: {e}"),
        }
    }

    async fn create(migrated: bool) -> Result<TestDb, String> {
        let server: &'static Server = server::shared().await?;
        let source = if migrated {
            template::shared(server).await?
        } else {
            // template1 may have been altered on a shared server; template0 never is.
            "template0"
        };
        let name = format!("alpha_t_{}", uuid::Uuid::new_v4().simple());
        let maintenance_url = server.maintenance_url()?;
        let mut conn = connect(&maintenance_url).await?;
        let create = format!(
            "CREATE DATABASE {} TEMPLATE {}",
            quote_ident(&name),
            quote_ident(source)
        );
        retry_while_in_use(&mut conn, &create).await?;
        Ok(TestDb {
            url: server.url(&name)?,
            name,
            maintenance_url,
        })
    }
}

impl Drop for TestDb {
    /// Drops the database from a thread with its own runtime: Drop cannot await, and the
    /// test's runtime may be single-threaded, shutting down, or absent.
    fn drop(&mut self) {
        let name = std::mem::take(&mut self.name);
        let url = std::mem::take(&mut self.maintenance_url);
        let worker = std::thread::Builder::new()
            .name("testkit-drop".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(|e| e.to_string())?;
                runtime.block_on(async {
                    let mut conn = connect(&url).await?;
                    drop_database(&mut conn, &name).await
                })
            });
        let outcome = match worker {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|_| Err("the drop thread panicked".to_owned())),
            Err(e) => Err(e.to_string()),
        };
        if let Err(e) = outcome {
            tracing::warn!(error = %e, "alpha-testkit: could not drop a test database");
        }
    }
}
