//! A private PostgreSQL cluster run from the installed server binaries ("embedded mode").
//!
//! Used when no `DATABASE_URL` is configured, and by the test kit. The cluster lives in one
//! folder, listens only on a unix socket inside that folder, and stops with its owner: explicitly
//! through [`EmbeddedPostgres::stop`], on drop, or by the kernel's parent-death signal if this
//! process dies.

mod binaries;
mod client;
mod cluster;
mod error;
mod process;
mod runas;

use std::path::{Path, PathBuf};
use std::time::Duration;

pub use binaries::PgBinaries;
pub use error::EmbeddedError;

use process::{Exit, Postmaster};

/// Only names the socket file (`.s.PGSQL.5432`): the server listens on no TCP port.
pub(crate) const PORT: u16 = 5432;

/// Where the server keeps its cluster unless configured otherwise.
pub const DEFAULT_DATA_DIR: &str = ".data/postgres";

#[derive(Debug, Clone)]
pub struct EmbeddedOptions {
    /// The cluster's data folder; created (with initdb) when missing or empty.
    pub data_dir: PathBuf,
    /// Turns off fsync and friends: fast, but a machine crash can corrupt the cluster. Tests only.
    pub fast_unsafe: bool,
    /// Folder holding `initdb` and `postgres`; `None` searches `PG_BIN_DIR`, then the newest
    /// `/usr/lib/postgresql/<version>/bin`, then `PATH`.
    pub bin_dir: Option<PathBuf>,
    /// How long the server may take to accept connections.
    pub startup_timeout: Duration,
    /// The server gets no parent-death signal, so it can keep running after this process exits
    /// once [`EmbeddedPostgres::release`] lets go of it. For servers shared by several processes.
    pub outlive_owner: bool,
}

impl EmbeddedOptions {
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            fast_unsafe: false,
            bin_dir: None,
            startup_timeout: Duration::from_secs(60),
            outlive_owner: false,
        }
    }
}

impl Default for EmbeddedOptions {
    fn default() -> Self {
        Self::new(DEFAULT_DATA_DIR)
    }
}

/// The URL of `database` on a server another process already runs on `data_dir` (say, a
/// `serve` next to an operator's `device add`), or `None` when no server runs there.
pub fn running_url(data_dir: &Path, database: &str) -> Option<String> {
    let dir = data_dir.canonicalize().ok()?;
    cluster::live_postmaster(&dir)?;
    Some(client::url(&dir, database))
}

/// The URL of `database` on the server of the canonical `data_dir`, running or not.
pub fn socket_url(data_dir: &Path, database: &str) -> String {
    client::url(data_dir, database)
}

/// A running cluster. Stop it with [`stop`](Self::stop); dropping it stops it too, blocking.
#[derive(Debug)]
pub struct EmbeddedPostgres {
    data_dir: PathBuf,
    log_path: PathBuf,
    postmaster: Option<Postmaster>,
}

impl EmbeddedPostgres {
    /// Creates the cluster if needed, starts the server and waits until it accepts connections.
    ///
    /// Works on any tokio runtime flavour.
    ///
    /// Errors: missing binaries, an unusable data folder, a server already running on it, or a
    /// server that fails to come up (the error carries the end of its log).
    pub async fn start(opts: EmbeddedOptions) -> Result<Self, EmbeddedError> {
        let startup_timeout = opts.startup_timeout;
        let opts_outlive = opts.outlive_owner;
        let prepared = tokio::task::spawn_blocking(move || cluster::prepare(&opts))
            .await
            .map_err(|e| {
                EmbeddedError::io("preparing the data folder", std::io::Error::other(e))
            })??;
        let postmaster = Postmaster::spawn(prepared.command, opts_outlive)
            .map_err(|e| EmbeddedError::io("starting postgres", e))?;
        tracing::debug!(pid = postmaster.pid(), "embedded PostgreSQL spawned");
        let mut this = Self {
            data_dir: prepared.data_dir,
            log_path: prepared.log_path,
            postmaster: Some(postmaster),
        };
        let url = this.url("postgres");
        let postmaster = this.postmaster.as_ref();
        let ready = client::wait_ready(&url, startup_timeout, || {
            postmaster
                .and_then(Postmaster::exited)
                .map(|exit| format!("the server exited: {}", describe(&exit)))
        })
        .await;
        if let Err(reason) = ready {
            if let Some(postmaster) = this.postmaster.take() {
                postmaster.stop().await;
            }
            return Err(EmbeddedError::StartFailed {
                reason,
                log_tail: cluster::log_tail(&this.log_path, 30),
                data_dir: this.data_dir.clone(),
                log: this.log_path.clone(),
            });
        }
        tracing::info!(data_dir = %this.data_dir.display(), "embedded PostgreSQL is ready");
        Ok(this)
    }

    /// The folder holding the server's unix socket (the data folder itself), canonical.
    pub fn socket_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The server's log file.
    pub fn log_path(&self) -> &Path {
        &self.log_path
    }

    /// The postmaster's process id while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.postmaster.as_ref().map(Postmaster::pid)
    }

    /// A URL for `database` as the superuser `postgres`, accepted by tokio-postgres (and so
    /// diesel-async) and by libpq.
    pub fn url(&self, database: &str) -> String {
        client::url(&self.data_dir, database)
    }

    /// Creates `name` unless it exists. Safe to call concurrently.
    pub async fn ensure_database(&self, name: &str) -> Result<(), EmbeddedError> {
        client::ensure_database(&self.url("postgres"), name).await
    }

    /// Lets the server run on without this value: nothing stops it on drop or when this process
    /// exits. Returns its canonical data folder; whoever stops it later signals the pid in
    /// `postmaster.pid` there.
    ///
    /// Errors: the server was not started with [`EmbeddedOptions::outlive_owner`], so it would
    /// still die with its parent; it is stopped instead.
    pub async fn release(mut self) -> Result<PathBuf, EmbeddedError> {
        match self.postmaster.take() {
            Some(postmaster) if postmaster.outlives_owner() => {
                postmaster.release();
                Ok(self.data_dir.clone())
            }
            Some(postmaster) => {
                postmaster.stop().await;
                Err(EmbeddedError::NotReleasable {
                    data_dir: self.data_dir.clone(),
                })
            }
            None => Ok(self.data_dir.clone()),
        }
    }

    /// Fast shutdown (open transactions are rolled back); returns once no server process is
    /// left.
    ///
    /// Errors: the server had to be killed harder than a fast shutdown, or exited with an error.
    pub async fn stop(mut self) -> Result<(), EmbeddedError> {
        let Some(postmaster) = self.postmaster.take() else {
            return Ok(());
        };
        let exit = postmaster.stop().await;
        match &exit.status {
            Ok(status) if status.success() && !exit.escalated => Ok(()),
            _ => Err(EmbeddedError::StopFailed {
                data_dir: self.data_dir.clone(),
                reason: describe(&exit),
            }),
        }
    }
}

impl Drop for EmbeddedPostgres {
    fn drop(&mut self) {
        if let Some(mut postmaster) = self.postmaster.take() {
            postmaster.stop_blocking();
        }
    }
}

fn describe(exit: &Exit) -> String {
    let status = match &exit.status {
        Ok(status) => status.to_string(),
        Err(e) => e.clone(),
    };
    if exit.escalated {
        format!("{status}; fast shutdown timed out, so it was stopped harder")
    } else {
        status
    }
}
