//! Removing a test process's cluster folder once the process and its server are gone.
//!
//! The cluster lives in a static that is never dropped, and the test harness exits the process
//! without running destructors, so nothing inside the process can delete the folder after the
//! server stopped. A small detached shell does it instead: it waits for this process to exit,
//! then for the server (stopped by its parent-death signal) to let go of the folder.

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};

/// The shell waits at most this long for the server after the test process exited.
const SERVER_EXIT_WAIT_SECS: u32 = 60;

const SCRIPT: &str = r#"
owner=$1 dir=$2 data=$3 wait=$4
while kill -0 "$owner" 2>/dev/null; do sleep 0.2; done
i=0
while [ -f "$data/postmaster.pid" ] && [ "$i" -lt $((wait * 5)) ]; do
  pid=$(head -n 1 "$data/postmaster.pid" 2>/dev/null)
  [ -n "$pid" ] && [ -d "/proc/$pid" ] || break
  sleep 0.2; i=$((i + 1))
done
rm -rf -- "$dir"
"#;

pub(crate) fn remove_after_exit(process_dir: &Path, data_dir: &Path) {
    let spawned = Command::new("sh")
        .arg("-c")
        .arg(SCRIPT)
        .arg("alpha-testkit-reaper")
        .arg(std::process::id().to_string())
        .arg(process_dir)
        .arg(data_dir)
        .arg(SERVER_EXIT_WAIT_SECS.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        // Its own group: a Ctrl-C that stops the tests must not stop the cleanup.
        .process_group(0)
        .spawn();
    // Without it the folder stays until the next test process sweeps it: not worth failing for.
    if let Err(e) = spawned {
        tracing::debug!(error = %e, "cannot start the test cluster cleanup");
    }
}
