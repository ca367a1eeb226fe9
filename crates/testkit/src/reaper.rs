//! The watcher that stops and removes the shared test cluster once its test processes are gone.
//!
//! The test harness exits without running destructors, and a process cannot know whether another
//! test binary is about to use the cluster, so nothing inside a test process can decide to stop
//! it. A small detached shell does: it polls the pids registered under `users/`, and once none
//! has been alive for the linger time it takes the cluster's lock, stops the server (fast
//! shutdown) and deletes the folder. `cargo test` starts the next test binary within
//! milliseconds, so a few seconds of linger keep one server for the whole run.

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};

/// How long the cluster outlives its last test process; `ALPHA_TESTKIT_LINGER_MS` overrides it.
const DEFAULT_LINGER_MS: u64 = 5_000;
const LINGER_ENV: &str = "ALPHA_TESTKIT_LINGER_MS";
/// Named in the watcher's command line, so a recycled pid is not mistaken for it.
const NAME: &str = "alpha-testkit-watcher";

const SCRIPT: &str = r#"
dir=$1 linger_ms=$2
rm -rf -- "$dir".removed.* 2>/dev/null
any_alive() {
  alive=1
  for f in "$dir"/users/*; do
    [ -e "$f" ] || continue
    if [ -d "/proc/${f##*/}" ]; then alive=0; else rm -f -- "$f"; fi
  done
  return $alive
}
idle=0
while :; do
  sleep 0.2
  if any_alive; then idle=0; continue; fi
  idle=$((idle + 200))
  [ "$idle" -lt "$linger_ms" ] && continue
  exec 9>>"$dir/lock"
  flock 9
  if any_alive; then flock -u 9; exec 9>&-; idle=0; continue; fi
  pid=$(head -n 1 "$dir/pg/postmaster.pid" 2>/dev/null)
  if [ -n "$pid" ] && kill -INT "$pid" 2>/dev/null; then
    i=0
    while [ -d "/proc/$pid" ] && [ "$i" -lt 150 ]; do sleep 0.2; i=$((i + 1)); done
    [ -d "/proc/$pid" ] && kill -QUIT "$pid" 2>/dev/null && sleep 2
  fi
  # Moved away first, still holding the lock: a process arriving now finds no folder at all
  # (and starts afresh) rather than a half-deleted one.
  gone="$dir.removed.$$"
  mv -- "$dir" "$gone" && rm -rf -- "$gone"
  exit 0
done
"#;

/// Starts the watcher of `cluster_dir` unless one runs. Call with the cluster's lock held.
pub(crate) fn ensure_watching(cluster_dir: &Path) {
    let pid_file = cluster_dir.join("watcher.pid");
    let running = std::fs::read_to_string(&pid_file)
        .ok()
        .and_then(|pid| std::fs::read(format!("/proc/{}/cmdline", pid.trim())).ok())
        .is_some_and(|cmdline| String::from_utf8_lossy(&cmdline).contains(NAME));
    if running {
        return;
    }
    let linger_ms = std::env::var(LINGER_ENV)
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(DEFAULT_LINGER_MS);
    let spawned = Command::new("sh")
        .arg("-c")
        .arg(SCRIPT)
        .arg(NAME)
        .arg(cluster_dir)
        .arg(linger_ms.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        // Its own group: a Ctrl-C that stops the tests must not stop the cleanup.
        .process_group(0)
        .spawn();
    match spawned {
        Ok(child) => {
            if let Err(e) = std::fs::write(&pid_file, child.id().to_string()) {
                tracing::debug!(error = %e, "cannot record the test cluster watcher");
            }
        }
        // Without it the cluster runs on until the machine restarts: not worth failing for.
        Err(e) => tracing::debug!(error = %e, "cannot start the test cluster watcher"),
    }
}
