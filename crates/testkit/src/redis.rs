//! The Redis the multi-instance tests use: the one named by `TEST_REDIS_URL`, or a private
//! `redis-server` started once per test process (no persistence, loopback only) and killed when
//! the process exits.
//!
//! The private server is started through `setpriv --pdeathsig` from a thread that lives as long
//! as the process, so it dies with the test process however that ends (statics are never
//! dropped, and a panic or a kill would skip any cleanup of ours).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Names the Redis the tests may use (they only publish and subscribe on it).
pub const TEST_REDIS_URL: &str = "TEST_REDIS_URL";

/// The private server's binary, looked up on `PATH`.
const REDIS_SERVER: &str = "redis-server";
/// How long the private server may take to answer `PING`.
const START_WAIT: Duration = Duration::from_secs(10);

/// `redis://...` of the tests' Redis, started on first use.
///
/// # Panics
/// When `TEST_REDIS_URL` is unset and no `redis-server` can be started; the message names the
/// prerequisite.
pub fn test_redis_url() -> String {
    static URL: OnceLock<Result<String, String>> = OnceLock::new();
    match URL.get_or_init(find_or_start) {
        Ok(url) => url.clone(),
        Err(e) => panic!("alpha-testkit: no Redis for the tests: {e}"),
    }
}

fn find_or_start() -> Result<String, String> {
    if let Ok(url) = std::env::var(TEST_REDIS_URL)
        && !url.trim().is_empty()
    {
        return Ok(url.trim().to_owned());
    }
    if !on_path(REDIS_SERVER) {
        return Err(format!(
            "`{REDIS_SERVER}` is not on PATH. The multi-instance tests need Redis: install the \
             `redis-server` package (README.md, prerequisites), or set {TEST_REDIS_URL} to a \
             Redis they may use"
        ));
    }
    let port = free_port()?;
    let (started, outcome) = std::sync::mpsc::channel();
    // The thread that starts the server must outlive every test: the parent-death signal fires
    // when the starting thread ends, not only the process.
    std::thread::Builder::new()
        .name("alpha-testkit-redis".into())
        .spawn(move || {
            let child = redis_server(port).spawn();
            let _ = started.send(child.map(|_| ()).map_err(|e| e.to_string()));
            loop {
                std::thread::park();
            }
        })
        .map_err(|e| format!("cannot start a thread: {e}"))?;
    outcome
        .recv()
        .map_err(|e| e.to_string())?
        .map_err(|e| format!("cannot run `setpriv ... {REDIS_SERVER}`: {e}"))?;
    wait_for_ping(port)?;
    Ok(format!("redis://127.0.0.1:{port}"))
}

/// A private `redis-server` owned by one test, which the test may kill and start again on the
/// same port (a Redis restart as the instances see it). Killed when dropped; it also dies with
/// the thread that started it (`setpriv --pdeathsig`).
pub struct RestartableRedis {
    port: u16,
    child: Option<Child>,
}

impl RestartableRedis {
    /// # Panics
    /// When `redis-server` is not on `PATH` or does not answer (it is a prerequisite of the
    /// tests: README.md). `TEST_REDIS_URL` does not help here: a test cannot restart that one.
    pub fn start() -> RestartableRedis {
        assert!(
            on_path(REDIS_SERVER),
            "alpha-testkit: `{REDIS_SERVER}` is not on PATH; this test restarts its own Redis \
             (install the `redis-server` package, README.md prerequisites)"
        );
        let port = free_port().unwrap_or_else(|e| panic!("alpha-testkit: {e}"));
        let mut redis = RestartableRedis { port, child: None };
        redis.start_again();
        redis
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Kills the server (SIGKILL: connections drop without a goodbye) and waits for it to end.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port, empty, once it answers `PING`.
    ///
    /// # Panics
    /// When it cannot be started or does not answer within 10 s.
    pub fn start_again(&mut self) {
        self.kill();
        let child = redis_server(self.port)
            .spawn()
            .unwrap_or_else(|e| panic!("alpha-testkit: cannot run `{REDIS_SERVER}`: {e}"));
        self.child = Some(child);
        if let Err(e) = wait_for_ping(self.port) {
            panic!("alpha-testkit: {e}");
        }
    }
}

impl Drop for RestartableRedis {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A loopback-only `redis-server` on `port` without persistence, killed when the thread that
/// spawns it ends.
fn redis_server(port: u16) -> Command {
    let mut command = Command::new("setpriv");
    command
        .args(["--pdeathsig", "SIGKILL", "--", REDIS_SERVER])
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
        .args(["--dir", &std::env::temp_dir().display().to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

fn wait_for_ping(port: u16) -> Result<(), String> {
    let deadline = Instant::now() + START_WAIT;
    while Instant::now() < deadline {
        if answers_ping(port) {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Err(format!(
        "`{REDIS_SERVER}` did not answer on port {port} within {START_WAIT:?}. The tests need \
         Redis: install the `redis-server` package (README.md, prerequisites), or set \
         {TEST_REDIS_URL} to a Redis they may use"
    ))
}

fn on_path(binary: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(binary).is_file()))
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("bind: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| format!("bind: {e}"))
}

fn answers_ping(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    let mut reply = [0u8; 7];
    stream.write_all(b"PING\r\n").is_ok()
        && stream.read_exact(&mut reply).is_ok()
        && &reply == b"+PONG\r\n"
}
