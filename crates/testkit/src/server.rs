//! The PostgreSQL server this test process uses: one named by the environment, or a private
//! cluster started once per process and shared by all its tests.

use std::path::Path;

use alpha_pg_embedded::{EmbeddedOptions, EmbeddedPostgres};
use tokio::sync::OnceCell;

use crate::reaper;
use crate::url::{database_of, with_database};

/// Clusters of test processes live here, one folder per process, named `<pid>-<nonce>`.
const CLUSTERS_DIR: &str = "alpha-testkit";

pub(crate) enum Server {
    External {
        base_url: String,
    },
    /// Never dropped: it lives in a static. When the process exits, its supervising thread dies
    /// with it and the kernel's parent-death signal shuts the cluster down.
    Embedded(EmbeddedPostgres),
}

impl Server {
    /// A URL for `database` on this server.
    pub(crate) fn url(&self, database: &str) -> Result<String, String> {
        match self {
            Self::External { base_url } => with_database(base_url, database),
            Self::Embedded(pg) => Ok(pg.url(database)),
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

/// The shared server, started on first use. A failure is kept, so every test reports it rather
/// than each retrying a slow start.
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
    let root = std::env::temp_dir().join(CLUSTERS_DIR);
    sweep_dead_clusters(&root);
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    let process_dir = root.join(format!("{}-{}", std::process::id(), &nonce[..8]));
    let opts = EmbeddedOptions {
        fast_unsafe: true,
        ..EmbeddedOptions::new(process_dir.join("pg"))
    };
    let pg = EmbeddedPostgres::start(opts).await.map_err(|e| {
        format!("cannot start a PostgreSQL for tests ({e}); or set {TEST_DATABASE_URL}")
    })?;
    reaper::remove_after_exit(&process_dir, pg.socket_dir());
    Ok(Server::Embedded(pg))
}

/// The embedded cluster's folder of this test process, when it runs one.
pub async fn embedded_cluster_dir() -> Option<std::path::PathBuf> {
    match shared().await {
        Ok(Server::Embedded(pg)) => pg.socket_dir().parent().map(Path::to_path_buf),
        _ => None,
    }
}

/// Our clusters outlive their process on disk (it cannot clean up after a kill); the next test
/// process removes those whose process and server are both gone.
fn sweep_dead_clusters(root: &Path) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let owner_alive = entry
            .file_name()
            .to_str()
            .and_then(|name| name.split('-').next()?.parse::<u32>().ok())
            .is_none_or(|pid| Path::new(&format!("/proc/{pid}")).exists());
        if owner_alive || server_running(&path.join("pg")) {
            continue;
        }
        if let Err(e) = std::fs::remove_dir_all(&path) {
            tracing::debug!(path = %path.display(), error = %e, "cannot remove an old test cluster");
        }
    }
}

fn server_running(data_dir: &Path) -> bool {
    std::fs::read_to_string(data_dir.join("postmaster.pid"))
        .ok()
        .and_then(|text| text.lines().next()?.trim().parse::<u32>().ok())
        .is_some_and(|pid| Path::new(&format!("/proc/{pid}")).exists())
}
