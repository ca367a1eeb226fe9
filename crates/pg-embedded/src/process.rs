//! The postmaster as a child process, owned by a dedicated thread.
//!
//! Linux delivers the parent-death signal (`setpriv --pdeathsig`) when the *thread* that forked
//! the child exits, not the process. Tokio workers, blocking-pool threads and test threads come
//! and go, so a child forked from one of them would be told to shut down at a random moment.
//! The supervising thread forks the server, lives exactly as long as it, and is the only one
//! that reaps it, so the pid it signals can never belong to a recycled process.

use std::process::{Command, ExitStatus};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use tokio::sync::watch;

const POLL: Duration = Duration::from_millis(20);
/// Fast shutdown (SIGINT) rolls back open transactions and normally takes well under a second.
const FAST_SHUTDOWN_LIMIT: Duration = Duration::from_secs(30);
/// Immediate shutdown (SIGQUIT) skips the checkpoint; the next start recovers from WAL.
const IMMEDIATE_SHUTDOWN_LIMIT: Duration = Duration::from_secs(5);

/// How the server ended: its exit status, and whether a fast shutdown had to be escalated.
#[derive(Debug, Clone)]
pub(crate) struct Exit {
    pub(crate) status: Result<ExitStatus, String>,
    pub(crate) escalated: bool,
}

#[derive(Debug)]
pub(crate) struct Postmaster {
    pid: u32,
    stop: mpsc::Sender<()>,
    exit: watch::Receiver<Option<Exit>>,
    thread: Option<JoinHandle<()>>,
    outlives_owner: bool,
}

impl Postmaster {
    /// Starts `cmd` on a new supervising thread; returns once the process exists.
    /// With `outlives_owner`, dropping the handle leaves the server running (see [`release`]).
    pub(crate) fn spawn(cmd: Command, outlives_owner: bool) -> std::io::Result<Self> {
        let (spawned_tx, spawned_rx) = mpsc::channel();
        let (stop_tx, stop_rx) = mpsc::channel();
        let (exit_tx, exit_rx) = watch::channel(None);
        let thread = std::thread::Builder::new()
            .name("embedded-postgres".into())
            .spawn(move || supervise(cmd, outlives_owner, &spawned_tx, &stop_rx, &exit_tx))?;
        // Command::spawn reports exec failures synchronously, so this wait is one fork+exec.
        let pid = spawned_rx
            .recv()
            .map_err(|_| std::io::Error::other("the supervising thread died before spawning"))??;
        Ok(Self {
            pid,
            stop: stop_tx,
            exit: exit_rx,
            thread: Some(thread),
            outlives_owner,
        })
    }

    pub(crate) fn outlives_owner(&self) -> bool {
        self.outlives_owner
    }

    /// Lets go of a server started to outlive its owner: the supervising thread stops watching
    /// and the server keeps running.
    pub(crate) fn release(mut self) {
        drop(std::mem::replace(&mut self.stop, mpsc::channel().0));
        self.join();
    }

    pub(crate) fn pid(&self) -> u32 {
        self.pid
    }

    /// `Some` once the server has exited.
    pub(crate) fn exited(&self) -> Option<Exit> {
        self.exit.borrow().clone()
    }

    /// Asks for a fast shutdown and waits for the process to be gone.
    pub(crate) async fn stop(mut self) -> Exit {
        let _ = self.stop.send(());
        let mut exit = self.exit.clone();
        let result = exit
            .wait_for(Option::is_some)
            .await
            .ok()
            .and_then(|e| e.clone());
        self.join();
        // The sender only drops after publishing, so a missing value means the thread panicked.
        result.unwrap_or_else(|| Exit {
            status: Err("the supervising thread panicked".to_owned()),
            escalated: false,
        })
    }

    /// Blocking variant for Drop.
    pub(crate) fn stop_blocking(&mut self) {
        let _ = self.stop.send(());
        self.join();
    }

    fn join(&mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn supervise(
    mut cmd: Command,
    outlives_owner: bool,
    spawned: &mpsc::Sender<std::io::Result<u32>>,
    stop: &mpsc::Receiver<()>,
    exit: &watch::Sender<Option<Exit>>,
) {
    let mut child = match cmd.spawn() {
        Ok(child) => child,
        Err(e) => {
            let _ = spawned.send(Err(e));
            return;
        }
    };
    let _ = spawned.send(Ok(child.id()));
    let pid = i32::try_from(child.id()).map(Pid::from_raw).ok();
    let mut stop_requested: Option<Instant> = None;
    let mut signalled = None;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                exit.send_replace(Some(Exit {
                    status: Ok(status),
                    escalated: signalled.is_some_and(|s| s != Signal::SIGINT),
                }));
                return;
            }
            Ok(None) => {}
            Err(e) => {
                // Cannot happen for our own unreaped child; report rather than spin.
                exit.send_replace(Some(Exit {
                    status: Err(format!("waiting for the server failed: {e}")),
                    escalated: false,
                }));
                return;
            }
        }
        if stop_requested.is_none() {
            match stop.try_recv() {
                Ok(()) => stop_requested = Some(Instant::now()),
                // The owner let go of a server meant to outlive it: leave it running.
                Err(mpsc::TryRecvError::Disconnected) if outlives_owner => return,
                // A dropped sender means the owner is gone without asking: stop too, rather
                // than run unowned.
                Err(mpsc::TryRecvError::Disconnected) => stop_requested = Some(Instant::now()),
                Err(mpsc::TryRecvError::Empty) => {}
            }
        }
        if let Some(since) = stop_requested {
            let wanted = escalation(since.elapsed());
            if signalled != Some(wanted) {
                if let Some(pid) = pid {
                    let _ = kill(pid, wanted);
                }
                signalled = Some(wanted);
            }
        }
        std::thread::sleep(POLL);
    }
}

fn escalation(elapsed: Duration) -> Signal {
    if elapsed < FAST_SHUTDOWN_LIMIT {
        Signal::SIGINT
    } else if elapsed < FAST_SHUTDOWN_LIMIT + IMMEDIATE_SHUTDOWN_LIMIT {
        Signal::SIGQUIT
    } else {
        Signal::SIGKILL
    }
}
