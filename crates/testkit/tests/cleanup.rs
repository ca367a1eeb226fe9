//! The embedded cluster is shared by the test processes of a run, leaves nothing behind once
//! they have exited, and the tests never follow `DATABASE_URL`.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use alpha_testkit::{TEST_DATABASE_URL, TestDb, embedded_cluster_dir};

const CHILD: &str = "child_process_starts_a_cluster";
const DIR_MARK: &str = "CLUSTER_DIR=";
const PID_MARK: &str = "SERVER_PID=";

/// Run only as the child of the tests below: uses the cluster and prints its folder and server.
#[tokio::test]
#[ignore = "run as a child process by the cleanup tests"]
async fn child_process_starts_a_cluster() {
    let db = TestDb::new().await;
    db.conn().await;
    let dir = embedded_cluster_dir().await.expect("an embedded cluster");
    let pid = std::fs::read_to_string(dir.join("pg/postmaster.pid")).unwrap();
    println!("{DIR_MARK}{}", dir.display());
    println!("{PID_MARK}{}", pid.lines().next().unwrap());
}

/// A temporary folder of its own for the children, so their cluster is not this run's.
fn own_tmpdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    // As root the server runs as `postgres`, who must pass through it.
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o711)).unwrap();
    dir
}

struct ChildRun {
    dir: PathBuf,
    server_pid: String,
    stdout: String,
}

fn run_child(tmp: &Path, linger_ms: u64, envs: &[(&str, &str)]) -> ChildRun {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--ignored", "--exact", CHILD, "--nocapture"])
        .env_remove(TEST_DATABASE_URL)
        .env("TMPDIR", tmp)
        .env("ALPHA_TESTKIT_LINGER_MS", linger_ms.to_string());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let marked = |mark: &str| {
        stdout
            .lines()
            .find_map(|l| l.strip_prefix(mark))
            .unwrap_or_else(|| panic!("no {mark} in {stdout}"))
            .to_owned()
    };
    ChildRun {
        dir: marked(DIR_MARK).into(),
        server_pid: marked(PID_MARK),
        stdout: stdout.clone(),
    }
}

fn assert_removed_soon(dir: &Path) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while dir.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        !dir.exists(),
        "{} is still there 30 s after its last process exited",
        dir.display()
    );
}

#[test]
fn the_cluster_folder_is_removed_after_the_test_processes_exit() {
    let tmp = own_tmpdir();
    let run = run_child(tmp.path(), 0, &[]);
    assert!(
        run.dir.starts_with(tmp.path().join("alpha-testkit")),
        "{}",
        run.dir.display()
    );
    assert_removed_soon(&run.dir);
    assert!(
        !Path::new(&format!("/proc/{}", run.server_pid)).exists(),
        "the server {} still runs",
        run.server_pid
    );
}

#[test]
fn test_processes_one_after_another_share_one_server() {
    let tmp = own_tmpdir();
    let first = run_child(tmp.path(), 3_000, &[]);
    let second = run_child(tmp.path(), 3_000, &[]);
    assert_eq!(first.dir, second.dir);
    assert_eq!(
        first.server_pid, second.server_pid,
        "the second process started a server of its own"
    );
    assert_removed_soon(&second.dir);
}

#[test]
fn database_url_is_never_used_by_the_tests() {
    // A DATABASE_URL that would fail loudly if followed: the child still gets the cluster.
    let tmp = own_tmpdir();
    let run = run_child(
        tmp.path(),
        0,
        &[("DATABASE_URL", "postgres://production.invalid:1/live")],
    );
    assert!(run.stdout.contains(DIR_MARK), "{}", run.stdout);
    assert_removed_soon(&run.dir);
}

#[test]
fn a_half_deleted_cluster_folder_is_started_afresh() {
    let tmp = own_tmpdir();
    // What a watcher killed in the middle of its removal leaves: a data folder without PG_VERSION.
    let pg = tmp.path().join("alpha-testkit/cluster/pg");
    std::fs::create_dir_all(pg.join("base")).unwrap();
    std::fs::write(pg.join("postgresql.conf"), "").unwrap();
    let run = run_child(tmp.path(), 0, &[]);
    assert!(run.stdout.contains(DIR_MARK), "{}", run.stdout);
    assert_removed_soon(&run.dir);
}
