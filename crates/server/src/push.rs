//! Push delivery wiring: the FCM sender the settings ask for, and the outbox worker's loop.

use std::sync::Arc;
use std::time::Duration;

use alpha_notifications::{OutboxWorker, PushSender, WorkerConfig};
use alpha_push_fcm::{FcmConfig, FcmSender, ServiceAccount, Unconfigured};

use crate::config::PushSettings;

/// What every push fails with when no credentials are configured.
pub const NOT_CONFIGURED: &str =
    "push is not configured: GOOGLE_APPLICATION_CREDENTIALS names no service-account file";

/// The FCM sender of the configured service account, or, without one (or with one that cannot
/// be used), a sender that records every push as failed with the reason. The server runs either
/// way (B15); the missing file is a startup warning, a broken one an error logged here.
pub fn sender(settings: &PushSettings) -> Arc<dyn PushSender> {
    let Some(path) = &settings.credentials_file else {
        return Arc::new(Unconfigured::new(NOT_CONFIGURED));
    };
    let config = FcmConfig {
        base_url: settings.fcm_base_url.clone(),
        request_timeout: Duration::from_secs(settings.request_timeout_secs),
    };
    let built = ServiceAccount::from_file(path)
        .map_err(|e| e.to_string())
        .and_then(|account| {
            FcmSender::new(account, &config).map_err(|e| format!("HTTP client: {e}"))
        });
    match built {
        Ok(sender) => {
            tracing::info!(url = sender.send_url(), "push: sending through FCM");
            Arc::new(sender)
        }
        Err(reason) => {
            tracing::error!(%reason, "push: GOOGLE_APPLICATION_CREDENTIALS cannot be used; pushes will be recorded as failed");
            Arc::new(Unconfigured::new(format!(
                "push is not configured: GOOGLE_APPLICATION_CREDENTIALS: {reason}"
            )))
        }
    }
}

pub fn worker_config(settings: &PushSettings) -> WorkerConfig {
    WorkerConfig {
        batch_size: settings.batch_size,
        concurrency: settings.concurrency,
        lease: Duration::from_secs(settings.lease_secs),
        max_attempts: settings.max_attempts,
        backoff_base: Duration::from_millis(settings.backoff_base_ms),
        backoff_max: Duration::from_secs(settings.backoff_max_secs),
    }
}

/// The running worker. [`PushWorker::stop`] lets the batch in hand finish; dropping the handle
/// aborts at once, as a crash would (the rows in flight are delivered again after their lease).
#[derive(Debug)]
pub struct PushWorker {
    stop: Option<tokio::sync::watch::Sender<bool>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

/// How long a stop waits for the batch in hand.
const STOP_GRACE: Duration = Duration::from_secs(10);
/// Daily quotas of past days and old delivered outbox rows are dropped this often.
const PURGE_EVERY: Duration = Duration::from_secs(3600);

impl PushWorker {
    /// Spawns the loop on the current tokio runtime: a batch, and while batches come back full
    /// the next one at once, else a pause of `poll`.
    pub fn start(worker: Arc<OutboxWorker>, poll: Duration) -> Self {
        let (stop, mut stopped) = tokio::sync::watch::channel(false);
        let task = tokio::spawn(async move {
            let full = worker.config().batch_size as usize;
            let mut last_purge: Option<tokio::time::Instant> = None;
            loop {
                if last_purge.is_none_or(|at| at.elapsed() >= PURGE_EVERY) {
                    last_purge = Some(tokio::time::Instant::now());
                    match worker.purge().await {
                        Ok(0) => {}
                        Ok(n) => {
                            tracing::debug!(rows = n, "push: purged old quotas and outbox rows");
                        }
                        Err(err) => {
                            tracing::warn!(error = %err, "push: purging old quotas and outbox rows failed");
                        }
                    }
                }
                let pause = match worker.run_once().await {
                    Ok(run) if run.claimed >= full => Duration::ZERO,
                    Ok(run) => {
                        if run.claimed > 0 {
                            tracing::debug!(
                                claimed = run.claimed,
                                sent = run.sent,
                                retried = run.retried,
                                failed = run.failed,
                                "push: outbox batch delivered"
                            );
                        }
                        poll
                    }
                    Err(err) => {
                        tracing::warn!(error = %err, "push: outbox run failed");
                        poll
                    }
                };
                if *stopped.borrow() {
                    break;
                }
                tokio::select! {
                    _ = stopped.changed() => break,
                    () = tokio::time::sleep(pause) => {}
                }
            }
        });
        Self {
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// Asks the loop to stop after the batch in hand and waits for it (at most a few seconds).
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
        if let Some(task) = self.task.take() {
            let abort = task.abort_handle();
            if tokio::time::timeout(STOP_GRACE, task).await.is_err() {
                abort.abort();
            }
        }
    }
}

impl Drop for PushWorker {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
