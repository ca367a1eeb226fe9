//! The Redis the multi-instance tests use: the one named by `TEST_REDIS_URL`, or a private
//! `redis-server` started once per test process (no persistence, loopback only) and killed when
//! the process exits.
//!
//! The private server is started through `setpriv --pdeathsig` from a thread that lives as long
//! as the process, so it dies with the test process however that ends (statics are never
//! dropped, and a panic or a kill would skip any cleanup of ours).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
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
            let child = Command::new("setpriv")
                .args(["--pdeathsig", "SIGKILL", "--", REDIS_SERVER])
                .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
                .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
                .args(["--dir", &std::env::temp_dir().display().to_string()])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn();
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
    let deadline = Instant::now() + START_WAIT;
    while Instant::now() < deadline {
        if answers_ping(port) {
            return Ok(format!("redis://127.0.0.1:{port}"));
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
