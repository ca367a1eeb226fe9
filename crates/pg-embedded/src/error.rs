//! Everything that can keep the embedded cluster from starting, answering or stopping.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    #[error(
        "PostgreSQL server binaries not found: missing {missing}; looked in {searched}. \
         Install the PostgreSQL server (Debian/Ubuntu: `apt-get install postgresql`), point \
         PG_BIN_DIR at the folder holding `initdb` and `postgres`, or set DATABASE_URL to use an \
         existing server"
    )]
    MissingBinaries { missing: String, searched: String },

    #[error(
        "running as root, PostgreSQL must run as the `postgres` OS user, but {reason}. Install \
         `util-linux` (for setpriv) and the `postgresql` package (which creates the user), run as \
         a non-root user, or set DATABASE_URL"
    )]
    CannotDropRoot { reason: String },

    #[error(
        "the `{user}` user cannot reach the data folder {data_dir}: it cannot enter {blocked} \
         (owner uid {owner}, mode {mode:o}). Make that folder traversable (e.g. `chmod o+x`) or \
         choose a data folder elsewhere"
    )]
    NotReachable {
        user: String,
        data_dir: PathBuf,
        blocked: PathBuf,
        owner: u32,
        mode: u32,
    },

    #[error(
        "the data folder {data_dir} is owned by uid {owner}, but PostgreSQL would run as `{user}` \
         (uid {expected}); fix its ownership (chown -R) or use another folder"
    )]
    WrongOwner {
        data_dir: PathBuf,
        owner: u32,
        user: String,
        expected: u32,
    },

    #[error(
        "{data_dir} exists, is not empty and is not a PostgreSQL data folder (no PG_VERSION); \
         refusing to touch it"
    )]
    NotADataDir { data_dir: PathBuf },

    #[error(
        "the unix socket path {socket} is {len} bytes; the limit is {max}. Use a shorter data \
         folder path"
    )]
    SocketPathTooLong {
        socket: PathBuf,
        len: usize,
        max: usize,
    },

    #[error(
        "a PostgreSQL server (pid {pid}) is already running on {data_dir}; stop it first (another \
         alpha-motors instance may be using this folder)"
    )]
    AlreadyRunning { pid: i32, data_dir: PathBuf },

    #[error("initdb failed ({status}) for {data_dir}:\n{output}")]
    InitdbFailed {
        data_dir: PathBuf,
        status: String,
        output: String,
    },

    #[error(
        "PostgreSQL did not start on {data_dir}: {reason}\n--- server log ({log}) ---\n{log_tail}"
    )]
    StartFailed {
        data_dir: PathBuf,
        reason: String,
        log: PathBuf,
        log_tail: String,
    },

    #[error(
        "PostgreSQL on {data_dir} was started to die with this process, so it cannot be left \
         running; it was stopped"
    )]
    NotReleasable { data_dir: PathBuf },

    #[error("PostgreSQL on {data_dir} did not stop cleanly: {reason}")]
    StopFailed { data_dir: PathBuf, reason: String },

    #[error("cannot connect to the embedded PostgreSQL: {0}")]
    Connect(#[source] diesel::ConnectionError),

    #[error("database error while {action}: {source}")]
    Query {
        action: &'static str,
        #[source]
        source: diesel::result::Error,
    },

    #[error("{action}: {source}")]
    Io {
        action: String,
        #[source]
        source: std::io::Error,
    },
}

impl EmbeddedError {
    pub(crate) fn io(action: impl Into<String>, source: std::io::Error) -> Self {
        Self::Io {
            action: action.into(),
            source,
        }
    }
}
