//! The embedded cluster against the real PostgreSQL binaries installed on this machine.
#![allow(clippy::unwrap_used)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use alpha_pg_embedded::{EmbeddedError, EmbeddedOptions, EmbeddedPostgres};
use diesel::QueryableByName;
use diesel::sql_types::Integer;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};

/// Set in the child process of `cluster_dies_with_its_process`.
const HELPER_ENV: &str = "ALPHA_EMBEDDED_TEST_HELPER_DIR";

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Integer)]
    x: i32,
}

/// Under a strict umask tempfile's folders are 0700, which as root keeps the `postgres` user out.
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o711)).unwrap();
    dir
}

fn options(data_dir: PathBuf) -> EmbeddedOptions {
    EmbeddedOptions {
        fast_unsafe: true,
        ..EmbeddedOptions::new(data_dir)
    }
}

/// Pids of processes whose command line mentions `data_dir` (the postmaster does).
fn processes_using(data_dir: &Path) -> Vec<u32> {
    let needle = data_dir.to_string_lossy().into_owned();
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| *pid != std::process::id())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .map(|c| String::from_utf8_lossy(&c).replace('\0', " "))
                .is_ok_and(|c| c.contains(&needle) && !c.contains(HELPER_ENV))
        })
        .collect()
}

/// The postmaster removes its pid file last, after every backend has exited.
fn assert_fully_stopped(data_dir: &Path, postmaster: u32) {
    assert!(!Path::new(&format!("/proc/{postmaster}")).exists());
    assert!(!data_dir.join("postmaster.pid").exists());
    assert_eq!(processes_using(data_dir), Vec::<u32>::new());
}

async fn wait_until(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if done() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    done()
}

#[tokio::test]
async fn creates_then_reuses_the_cluster_and_stops_cleanly() {
    let scratch = scratch();
    let data_dir = scratch.path().join("nested/postgres");

    let pg = EmbeddedPostgres::start(options(data_dir.clone()))
        .await
        .unwrap();
    assert!(pg.socket_dir().is_absolute());
    assert!(pg.socket_dir().join("PG_VERSION").is_file());
    pg.ensure_database("app").await.unwrap();
    pg.ensure_database("app").await.unwrap();
    let mut conn = AsyncPgConnection::establish(&pg.url("app")).await.unwrap();
    conn.batch_execute("CREATE TABLE kept (x int); INSERT INTO kept VALUES (7);")
        .await
        .unwrap();
    drop(conn);
    let socket_dir = pg.socket_dir().to_path_buf();
    let pid = pg.pid().unwrap();
    pg.stop().await.unwrap();
    assert_fully_stopped(&socket_dir, pid);

    let pg = EmbeddedPostgres::start(options(data_dir)).await.unwrap();
    let mut conn = AsyncPgConnection::establish(&pg.url("app")).await.unwrap();
    let rows: Vec<Row> = diesel::sql_query("SELECT x FROM kept")
        .load(&mut conn)
        .await
        .unwrap();
    assert_eq!(rows.iter().map(|r| r.x).collect::<Vec<_>>(), [7]);
    drop(conn);
    let pid = pg.pid().unwrap();
    pg.stop().await.unwrap();
    assert_fully_stopped(&socket_dir, pid);
}

#[tokio::test]
async fn dropping_stops_the_server() {
    let scratch = scratch();
    let pg = EmbeddedPostgres::start(options(scratch.path().join("pg")))
        .await
        .unwrap();
    let (dir, pid) = (pg.socket_dir().to_path_buf(), pg.pid().unwrap());
    drop(pg);
    assert_fully_stopped(&dir, pid);
}

#[tokio::test]
async fn a_second_server_on_the_same_folder_is_refused() {
    let scratch = scratch();
    let data_dir = scratch.path().join("pg");
    let first = EmbeddedPostgres::start(options(data_dir.clone()))
        .await
        .unwrap();
    let err = EmbeddedPostgres::start(options(data_dir))
        .await
        .unwrap_err();
    assert!(matches!(err, EmbeddedError::AlreadyRunning { .. }), "{err}");
    assert!(err.to_string().contains("already running"), "{err}");
    // The refused start must not have disturbed the running server.
    first.ensure_database("still_up").await.unwrap();
    first.stop().await.unwrap();
}

#[tokio::test]
async fn missing_binaries_say_what_to_install() {
    let scratch = scratch();
    let empty_bin = scratch.path().join("bin");
    std::fs::create_dir(&empty_bin).unwrap();
    let opts = EmbeddedOptions {
        bin_dir: Some(empty_bin.clone()),
        ..options(scratch.path().join("pg"))
    };
    let err = EmbeddedPostgres::start(opts).await.unwrap_err();
    let msg = err.to_string();
    assert!(
        matches!(err, EmbeddedError::MissingBinaries { .. }),
        "{msg}"
    );
    assert!(msg.contains("initdb and postgres"), "{msg}");
    assert!(msg.contains(&empty_bin.display().to_string()), "{msg}");
    assert!(msg.contains("apt-get install postgresql"), "{msg}");
    assert!(msg.contains("DATABASE_URL"), "{msg}");
    assert!(
        !scratch.path().join("pg").exists(),
        "nothing is created before the check"
    );
}

#[tokio::test]
async fn an_unreachable_folder_is_named() {
    if !nix::unistd::Uid::effective().is_root() {
        return; // Only root switches to another user who might be locked out.
    }
    let scratch = scratch();
    let locked = scratch.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o700)).unwrap();
    let err = EmbeddedPostgres::start(options(locked.join("pg")))
        .await
        .unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, EmbeddedError::NotReachable { .. }), "{msg}");
    assert!(
        msg.contains(&format!("cannot enter {}", locked.display())),
        "{msg}"
    );
}

#[tokio::test]
async fn an_overlong_socket_path_is_refused() {
    let scratch = scratch();
    let long = scratch.path().join("d".repeat(100));
    let err = EmbeddedPostgres::start(options(long)).await.unwrap_err();
    assert!(
        matches!(err, EmbeddedError::SocketPathTooLong { .. }),
        "{err}"
    );
}

/// The parent-death signal follows the spawning thread; the server must outlive the thread (and
/// runtime) that called `start`.
#[test]
fn the_server_outlives_the_thread_that_started_it() {
    let scratch = scratch();
    let data_dir = scratch.path().join("pg");
    let pg = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(EmbeddedPostgres::start(options(data_dir)))
            .unwrap()
    })
    .join()
    .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        pg.ensure_database("alive").await.unwrap();
        pg.stop().await.unwrap();
    });
}

/// If our process is killed outright, the kernel's parent-death signal shuts the server down.
#[tokio::test]
async fn cluster_dies_with_its_process() {
    let scratch = scratch();
    let data_dir = scratch.path().join("pg");
    let mut helper = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "helper_holds_a_cluster",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(HELPER_ENV, &data_dir)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = wait_until(Duration::from_secs(60), || {
        !processes_using(&data_dir).is_empty() && data_dir.join("ready").exists()
    })
    .await;
    assert!(started, "the helper did not start its cluster");
    helper.kill().unwrap();
    helper.wait().unwrap();
    let gone = wait_until(Duration::from_secs(30), || {
        processes_using(&data_dir).is_empty() && !data_dir.join("postmaster.pid").exists()
    })
    .await;
    assert!(gone, "the server outlived its killed parent");
}

/// Not a test on its own: the child process of `cluster_dies_with_its_process`.
#[tokio::test]
async fn helper_holds_a_cluster() {
    let Some(dir) = std::env::var_os(HELPER_ENV) else {
        return;
    };
    let pg = EmbeddedPostgres::start(options(PathBuf::from(dir)))
        .await
        .unwrap();
    std::fs::write(pg.socket_dir().join("ready"), b"").unwrap();
    // Parked until killed; never dropped, so only the kernel can stop the server.
    std::future::pending::<()>().await;
}

#[tokio::test]
async fn a_released_server_keeps_running_until_signalled() {
    let scratch = scratch();
    let opts = EmbeddedOptions {
        outlive_owner: true,
        ..options(scratch.path().join("pg"))
    };
    let pg = EmbeddedPostgres::start(opts).await.unwrap();
    let pid = pg.pid().unwrap();
    let dir = pg.release().await.unwrap();
    assert!(alpha_pg_embedded::running_url(&dir, "postgres").is_some());
    let mut conn = AsyncPgConnection::establish(&alpha_pg_embedded::socket_url(&dir, "postgres"))
        .await
        .unwrap();
    conn.batch_execute("SELECT 1").await.unwrap();
    drop(conn);

    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(i32::try_from(pid).unwrap()),
        nix::sys::signal::Signal::SIGINT,
    )
    .unwrap();
    let gone = wait_until(Duration::from_secs(30), || {
        !dir.join("postmaster.pid").exists()
    })
    .await;
    assert!(gone, "the released server did not stop on SIGINT");
    assert_eq!(processes_using(&dir), Vec::<u32>::new());
}

#[tokio::test]
async fn a_server_bound_to_its_owner_cannot_be_released() {
    let scratch = scratch();
    let pg = EmbeddedPostgres::start(options(scratch.path().join("pg")))
        .await
        .unwrap();
    let pid = pg.pid().unwrap();
    let err = pg.release().await.unwrap_err();
    assert!(matches!(err, EmbeddedError::NotReleasable { .. }), "{err}");
    let dir = scratch.path().join("pg").canonicalize().unwrap();
    assert_fully_stopped(&dir, pid);
}
