//! The data folder on disk: creating it, initdb, and the checks that must pass before a server
//! may start on it. Blocking code: callers run it off the async runtime.

use std::fs::{File, OpenOptions};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::binaries::PgBinaries;
use super::runas::RunAs;
use super::{EmbeddedError, EmbeddedOptions, PORT};

/// `sun_path` is 108 bytes including the terminating NUL.
const MAX_SOCKET_PATH: usize = 107;
const LOG_FILE: &str = "postgres.log";
/// A server we stopped (or that lost its parent) may still be finishing its shutdown.
const STALE_SERVER_GRACE: Duration = Duration::from_secs(5);

/// A data folder ready to serve, and the command that starts its server.
#[derive(Debug)]
pub(crate) struct Prepared {
    pub(crate) data_dir: PathBuf,
    pub(crate) log_path: PathBuf,
    pub(crate) command: Command,
}

pub(crate) fn prepare(opts: &EmbeddedOptions) -> Result<Prepared, EmbeddedError> {
    let binaries = PgBinaries::locate(opts.bin_dir.as_deref())?;
    let run_as = RunAs::detect()?;
    let data_dir = create_data_dir(&opts.data_dir, &run_as)?;
    check_socket_path(&data_dir)?;
    run_as.check_reachable(&data_dir)?;
    if data_dir.join("PG_VERSION").is_file() {
        check_owner(&data_dir, &run_as)?;
    } else {
        initdb(&binaries, &data_dir, &run_as, opts.fast_unsafe)?;
    }
    refuse_if_running(&data_dir)?;
    let log_path = data_dir.join(LOG_FILE);
    let log = fresh_log(&log_path, &run_as)?;
    let command = server_command(&binaries, &data_dir, &run_as, opts, &log)?;
    Ok(Prepared {
        data_dir,
        log_path,
        command,
    })
}

/// Creates the folder (and missing parents) and returns its canonical path. Parents we create
/// get mode 0711 so the PostgreSQL user can pass through them without listing them.
fn create_data_dir(dir: &Path, run_as: &RunAs) -> Result<PathBuf, EmbeddedError> {
    let cwd = std::env::current_dir()
        .map_err(|e| EmbeddedError::io("reading the current directory", e))?;
    let absolute = cwd.join(dir);
    let missing: Vec<PathBuf> = absolute
        .ancestors()
        .take_while(|p| !p.exists())
        .map(Path::to_path_buf)
        .collect();
    std::fs::create_dir_all(&absolute)
        .map_err(|e| EmbeddedError::io(format!("creating {}", absolute.display()), e))?;
    for parent in missing.iter().skip(1) {
        set_mode(parent, 0o711)?;
    }
    let canonical = absolute
        .canonicalize()
        .map_err(|e| EmbeddedError::io(format!("resolving {}", absolute.display()), e))?;
    if !canonical.join("PG_VERSION").exists() && is_empty(&canonical)? {
        run_as.give(&canonical)?;
        set_mode(&canonical, 0o700)?;
    }
    Ok(canonical)
}

fn check_socket_path(data_dir: &Path) -> Result<(), EmbeddedError> {
    let socket = data_dir.join(format!(".s.PGSQL.{PORT}"));
    let len = socket.as_os_str().as_bytes().len();
    if len > MAX_SOCKET_PATH {
        return Err(EmbeddedError::SocketPathTooLong {
            socket,
            len,
            max: MAX_SOCKET_PATH,
        });
    }
    Ok(())
}

fn check_owner(data_dir: &Path, run_as: &RunAs) -> Result<(), EmbeddedError> {
    let meta = std::fs::metadata(data_dir)
        .map_err(|e| EmbeddedError::io(format!("stat {}", data_dir.display()), e))?;
    let expected = run_as.uid().as_raw();
    if meta.uid() != expected {
        return Err(EmbeddedError::WrongOwner {
            data_dir: data_dir.to_path_buf(),
            owner: meta.uid(),
            user: run_as.user_name(),
            expected,
        });
    }
    Ok(())
}

/// initdb runs in a sibling folder that is renamed into place only once it succeeded, so a crash
/// mid-way never leaves a half-made cluster that a later start would trust.
fn initdb(
    binaries: &PgBinaries,
    data_dir: &Path,
    run_as: &RunAs,
    fast_unsafe: bool,
) -> Result<(), EmbeddedError> {
    if !is_empty(data_dir)? {
        return Err(EmbeddedError::NotADataDir {
            data_dir: data_dir.to_path_buf(),
        });
    }
    let staging = staging_dir(data_dir);
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(|e| {
            EmbeddedError::io(format!("removing the leftover {}", staging.display()), e)
        })?;
    }
    std::fs::create_dir(&staging)
        .map_err(|e| EmbeddedError::io(format!("creating {}", staging.display()), e))?;
    run_as.give(&staging)?;
    set_mode(&staging, 0o700)?;

    tracing::info!(data_dir = %data_dir.display(), "creating the embedded PostgreSQL cluster");
    let mut cmd = run_as.command(&binaries.initdb, false);
    cmd.arg("-D")
        .arg(&staging)
        .args(["-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-locale"])
        .arg("--no-instructions")
        .stdin(Stdio::null());
    if fast_unsafe {
        cmd.arg("--no-sync");
    }
    let output = cmd
        .output()
        .map_err(|e| EmbeddedError::io(format!("running {}", binaries.initdb.display()), e))?;
    if !output.status.success() {
        let _ = std::fs::remove_dir_all(&staging);
        let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
        text.push_str(&String::from_utf8_lossy(&output.stderr));
        return Err(EmbeddedError::InitdbFailed {
            data_dir: data_dir.to_path_buf(),
            status: output.status.to_string(),
            output: text,
        });
    }
    // rename(2) replaces an empty directory atomically.
    std::fs::rename(&staging, data_dir).map_err(|e| {
        EmbeddedError::io(
            format!("moving {} to {}", staging.display(), data_dir.display()),
            e,
        )
    })
}

fn staging_dir(data_dir: &Path) -> PathBuf {
    let name = data_dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    data_dir.with_file_name(format!(".{name}.initdb"))
}

/// PostgreSQL refuses to start over a live server's lock file too, but only says so in its log;
/// checking first gives a clear error.
fn refuse_if_running(data_dir: &Path) -> Result<(), EmbeddedError> {
    let deadline = Instant::now() + STALE_SERVER_GRACE;
    loop {
        let Some(pid) = live_postmaster(data_dir) else {
            return Ok(());
        };
        if Instant::now() >= deadline {
            return Err(EmbeddedError::AlreadyRunning {
                pid,
                data_dir: data_dir.to_path_buf(),
            });
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The pid in `postmaster.pid` when that process exists and is a PostgreSQL server; a pid file
/// left by a crash, whose process is gone, is PostgreSQL's own business.
pub(crate) fn live_postmaster(data_dir: &Path) -> Option<i32> {
    let text = std::fs::read_to_string(data_dir.join("postmaster.pid")).ok()?;
    let pid: i32 = text.lines().next()?.trim().parse().ok()?;
    let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).ok()?;
    let comm = comm.trim();
    (comm == "postgres" || comm == "postmaster").then_some(pid)
}

/// Keeps the previous run's log next to the new one: it may explain a crash.
fn fresh_log(path: &Path, run_as: &RunAs) -> Result<File, EmbeddedError> {
    if path.exists() {
        let _ = std::fs::rename(path, path.with_extension("log.1"));
    }
    let file = OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(true)
        .open(path)
        .map_err(|e| EmbeddedError::io(format!("opening {}", path.display()), e))?;
    run_as.give(path)?;
    Ok(file)
}

fn server_command(
    binaries: &PgBinaries,
    data_dir: &Path,
    run_as: &RunAs,
    opts: &EmbeddedOptions,
    log: &File,
) -> Result<Command, EmbeddedError> {
    let clone = |f: &File| {
        f.try_clone()
            .map_err(|e| EmbeddedError::io("duplicating the log file handle", e))
    };
    let mut cmd = run_as.command(&binaries.postgres, !opts.outlive_owner);
    cmd.arg("-D").arg(data_dir).arg("-k").arg(data_dir).args([
        "-p",
        &PORT.to_string(),
        "-c",
        "listen_addresses=",
    ]);
    if opts.fast_unsafe {
        cmd.args([
            "-c",
            "fsync=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "full_page_writes=off",
        ]);
    }
    cmd.stdin(Stdio::null())
        .stdout(clone(log)?)
        .stderr(clone(log)?)
        // Ctrl-C in a terminal goes to the whole foreground group; the server must stop only
        // when we tell it to, after our own graceful shutdown.
        .process_group(0);
    Ok(cmd)
}

/// The last lines of the server log, for error messages.
pub(crate) fn log_tail(path: &Path, lines: usize) -> String {
    match std::fs::read(path) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            let all: Vec<&str> = text.lines().collect();
            all[all.len().saturating_sub(lines)..].join("\n")
        }
        Err(e) => format!("(cannot read {}: {e})", path.display()),
    }
}

fn is_empty(dir: &Path) -> Result<bool, EmbeddedError> {
    let mut entries = std::fs::read_dir(dir)
        .map_err(|e| EmbeddedError::io(format!("reading {}", dir.display()), e))?;
    Ok(entries.next().is_none())
}

fn set_mode(path: &Path, mode: u32) -> Result<(), EmbeddedError> {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(|e| EmbeddedError::io(format!("chmod {mode:o} {}", path.display()), e))
}
