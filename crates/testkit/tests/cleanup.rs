//! A test process's embedded cluster leaves nothing behind once the process has exited, and the
//! tests never follow `DATABASE_URL`.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use alpha_testkit::{TEST_DATABASE_URL, TestDb, embedded_cluster_dir};

const CHILD: &str = "child_process_starts_a_cluster";
const MARK: &str = "CLUSTER_DIR=";

/// Run only as the child of the test below: starts the cluster and prints its folder.
#[tokio::test]
#[ignore = "run as a child process by the cleanup test"]
async fn child_process_starts_a_cluster() {
    let db = TestDb::new().await;
    db.conn().await;
    let dir = embedded_cluster_dir().await.expect("an embedded cluster");
    println!("{MARK}{}", dir.display());
}

fn run_child(envs: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--ignored", "--exact", CHILD, "--nocapture"])
        .env_remove(TEST_DATABASE_URL);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

#[test]
fn the_cluster_folder_is_removed_after_the_test_process_exits() {
    let out = run_child(&[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir: PathBuf = stdout
        .lines()
        .find_map(|l| l.strip_prefix(MARK))
        .unwrap_or_else(|| panic!("no {MARK} in {stdout}"))
        .into();
    assert!(
        dir.starts_with(std::env::temp_dir().join("alpha-testkit")),
        "{}",
        dir.display()
    );

    let deadline = Instant::now() + Duration::from_secs(30);
    while dir.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        !dir.exists(),
        "{} is still there 30 s after its process exited",
        dir.display()
    );
}

#[test]
fn database_url_is_never_used_by_the_tests() {
    // A DATABASE_URL that would fail loudly if followed: the child still gets its own cluster.
    let out = run_child(&[("DATABASE_URL", "postgres://production.invalid:1/live")]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(MARK), "{stdout}");
}
