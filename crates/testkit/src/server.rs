//! The PostgreSQL server the tests use: one named by `TEST_DATABASE_URL`, or an embedded cluster
//! shared by every test process of a run.
//!
//! Starting a cluster and migrating its template costs about 1.5 s, and `cargo test` runs some
//! thirty test binaries one after another. So one cluster, under `$TMPDIR/alpha-testkit/cluster`,
//! serves them all: the first process starts it, every process registers its pid there under a
//! file lock, and a watcher ([`crate::reaper`]) stops and removes it once no registered process
//! has been alive for a short while.

use std::fs::File;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use alpha_pg_embedded::{EmbeddedOptions, EmbeddedPostgres, running_url, socket_url};
use tokio::sync::OnceCell;

use crate::reaper;
use crate::url::{database_of, with_database};

/// Under the temporary folder: `<CLUSTERS_DIR>/<CLUSTER>/{lock,users/<pid>,pg,watcher.pid}`.
const CLUSTERS_DIR: &str = "alpha-testkit";
const CLUSTER: &str = "cluster";

pub(crate) enum Server {
    External {
        base_url: String,
    },
    /// The shared cluster; its canonical data folder holds the socket.
    Embedded {
        data_dir: PathBuf,
        cluster_dir: PathBuf,
    },
}

impl Server {
    /// A URL for `database` on this server.
    pub(crate) fn url(&self, database: &str) -> Result<String, String> {
        match self {
            Self::External { base_url } => with_database(base_url, database),
            Self::Embedded { data_dir, .. } => Ok(socket_url(data_dir, database)),
        }
    }

    /// Where CREATE/DROP DATABASE are issued from.
    pub(crate) fn maintenance_url(&self) -> Result<String, String> {
        match self {
            Self::External { base_url } if database_of(base_url).is_some() => Ok(base_url.clone()),
            _ => self.url("postgres"),
        }
    }
}

/// The shared server, found or started on first use. A failure is kept, so every test reports
/// it rather than each retrying a slow start.
pub(crate) async fn shared() -> Result<&'static Server, String> {
    static SERVER: OnceCell<Result<Server, String>> = OnceCell::const_new();
    SERVER
        .get_or_init(start)
        .await
        .as_ref()
        .map_err(Clone::clone)
}

/// Only `TEST_DATABASE_URL` names a server for the tests. `DATABASE_URL` is what an operator
/// exports to point the server at production; the tests create and drop databases, so they must
/// never follow it.
pub const TEST_DATABASE_URL: &str = "TEST_DATABASE_URL";

async fn start() -> Result<Server, String> {
    if let Some(url) = std::env::var(TEST_DATABASE_URL)
        .ok()
        .filter(|v| !v.is_empty())
    {
        with_database(&url, "probe").map_err(|e| format!("{TEST_DATABASE_URL}: {e}"))?;
        return Ok(Server::External { base_url: url });
    }
    let cluster_dir = std::env::temp_dir().join(CLUSTERS_DIR).join(CLUSTER);
    let data_dir = join_cluster(&cluster_dir).await.map_err(|e| {
        format!("cannot start a PostgreSQL for tests ({e}); or set {TEST_DATABASE_URL}")
    })?;
    Ok(Server::Embedded {
        data_dir,
        cluster_dir,
    })
}

/// Registers this process as a user of the cluster, starting the server and its watcher when
/// they are not running. Returns the server's data folder.
async fn join_cluster(cluster_dir: &Path) -> Result<PathBuf, String> {
    let dir = cluster_dir.to_path_buf();
    // Holding the lock, no watcher can stop the server between our finding it and registering.
    let lock = tokio::task::spawn_blocking(move || lock_cluster(&dir))
        .await
        .map_err(|e| e.to_string())??;
    let users = cluster_dir.join("users");
    std::fs::create_dir_all(&users).map_err(|e| format!("creating {}: {e}", users.display()))?;
    let me = users.join(std::process::id().to_string());
    std::fs::write(&me, "").map_err(|e| format!("writing {}: {e}", me.display()))?;

    let pg_dir = cluster_dir.join("pg");
    let running = running_url(&pg_dir, "postgres").is_some();
    if !running && pg_dir.exists() && !pg_dir.join("PG_VERSION").exists() {
        // Left half-deleted by a killed watcher: under the lock nobody else uses it.
        std::fs::remove_dir_all(&pg_dir)
            .map_err(|e| format!("removing the broken {}: {e}", pg_dir.display()))?;
    }
    let data_dir = if running {
        pg_dir
            .canonicalize()
            .map_err(|e| format!("resolving {}: {e}", pg_dir.display()))?
    } else {
        let opts = EmbeddedOptions {
            fast_unsafe: true,
            outlive_owner: true,
            ..EmbeddedOptions::new(&pg_dir)
        };
        let pg = EmbeddedPostgres::start(opts)
            .await
            .map_err(|e| e.to_string())?;
        pg.release().await.map_err(|e| e.to_string())?
    };
    reaper::ensure_watching(cluster_dir);
    drop(lock);
    Ok(data_dir)
}

/// An exclusive lock on `<cluster>/lock`. The watcher deletes the whole folder, lock file
/// included, while holding it; a lock taken on a file that is no longer at that path protects
/// nothing, so it is taken again on the new one.
fn lock_cluster(cluster_dir: &Path) -> Result<File, String> {
    let path = cluster_dir.join("lock");
    loop {
        std::fs::create_dir_all(cluster_dir)
            .map_err(|e| format!("creating {}: {e}", cluster_dir.display()))?;
        let file = File::options()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| format!("opening {}: {e}", path.display()))?;
        file.lock()
            .map_err(|e| format!("locking {}: {e}", path.display()))?;
        let held = file.metadata().map_err(|e| e.to_string())?;
        let current = std::fs::metadata(&path).ok();
        if current.is_some_and(|m| m.ino() == held.ino() && m.dev() == held.dev()) {
            return Ok(file);
        }
    }
}

/// The shared cluster's folder, when the tests use the embedded server.
pub async fn embedded_cluster_dir() -> Option<PathBuf> {
    match shared().await {
        Ok(Server::Embedded { cluster_dir, .. }) => Some(cluster_dir.clone()),
        _ => None,
    }
}
