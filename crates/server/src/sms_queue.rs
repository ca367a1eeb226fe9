//! The SMS queue worker of this instance: claims from the shared queue what this instance's
//! devices can send, woken by `NOTIFY sms_queue` or its poll, and tells the other instances which
//! of its devices are up.

use std::sync::Arc;
use std::time::Duration;

use alpha_gateways::SmsDevices;
use alpha_kernel::Clock;
use alpha_sms_dispatch::{DeviceDirectory, DeviceLink, Dispatcher};
use alpha_store::pool::PgPool;
use alpha_store::repos::QueueWakeups;

/// How often this instance's connected devices are marked as heard from in `sms_devices`; other
/// instances count a device as up for 60 s after that.
const BEAT_EVERY: Duration = Duration::from_secs(20);
/// A device silent this long in this process is not vouched for.
const FRESH_FOR: Duration = Duration::from_secs(60);

/// What the worker needs; [`SmsQueueWorker::start`] runs it.
pub struct SmsQueueWorker {
    pub dispatcher: Arc<Dispatcher>,
    pub devices: Arc<SmsDevices>,
    pub directory: Arc<dyn DeviceDirectory>,
    pub pool: PgPool,
    pub clock: Arc<dyn Clock>,
    pub poll: Duration,
}

impl std::fmt::Debug for SmsQueueWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmsQueueWorker")
            .field("poll", &self.poll)
            .finish_non_exhaustive()
    }
}

/// The running worker; dropping it stops it (leases it holds run out, and another instance, or
/// this one restarted, takes their messages over).
#[derive(Debug)]
pub struct RunningSmsQueue {
    task: tokio::task::JoinHandle<()>,
}

impl Drop for RunningSmsQueue {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl SmsQueueWorker {
    /// Spawns the listener and the loop on the current tokio runtime.
    pub fn start(self: Arc<Self>) -> RunningSmsQueue {
        let task = tokio::spawn(async move {
            let wakeups = QueueWakeups::start(self.pool.clone());
            let mut last_beat: Option<tokio::time::Instant> = None;
            loop {
                if last_beat.is_none_or(|at| at.elapsed() >= BEAT_EVERY) {
                    last_beat = Some(tokio::time::Instant::now());
                    self.beat().await;
                }
                match self.dispatcher.claim_round().await {
                    // A full batch: there may be more waiting.
                    Ok(claimed) if claimed >= alpha_sms_dispatch::CLAIM_BATCH as usize => continue,
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "sms queue: claim failed"),
                }
                wakeups.wait(self.poll).await;
            }
        });
        RunningSmsQueue { task }
    }

    async fn beat(&self) {
        let now = self.clock.now();
        let keys: Vec<_> = self
            .devices
            .devices()
            .into_iter()
            // A last-seen time ahead of the clock counts as fresh.
            .filter(|d| {
                !now.signed_duration_since(d.last_seen)
                    .to_std()
                    .is_ok_and(|age| age > FRESH_FOR)
            })
            .map(|d| d.key)
            .collect();
        if let Err(e) = self.directory.touch(&keys, now).await {
            tracing::warn!(error = %e, "sms queue: device beat not stored");
        }
    }
}
