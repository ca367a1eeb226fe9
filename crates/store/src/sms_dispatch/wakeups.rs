//! `LISTEN sms_queue`: wakes this instance's dispatch worker as soon as any instance queues a
//! message or hands one back, instead of at its next poll.

use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use diesel_async::RunQueryDsl;
use futures_util::StreamExt;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

use super::queue::CHANNEL;
use crate::pool::PgPool;

/// Pause before listening again after the connection was lost.
const RECONNECT_AFTER: Duration = Duration::from_secs(1);

/// The listening task and the signal it raises. Dropping it stops listening.
#[derive(Debug)]
pub struct QueueWakeups {
    signal: Arc<Notify>,
    task: JoinHandle<()>,
}

impl QueueWakeups {
    /// Starts listening on the current tokio runtime, on a connection taken out of `pool` for
    /// good (a LISTEN lasts as long as its session, so it cannot go back to the pool). A lost
    /// connection is replaced after a second; what was queued meanwhile is found by the
    /// worker's poll, and by the look that follows every (re)connection.
    pub fn start(pool: PgPool) -> Self {
        let signal = Arc::new(Notify::new());
        let task = tokio::spawn(listen(pool, signal.clone()));
        Self { signal, task }
    }

    /// Returns at the next notification (or at once when one came since the last call), or
    /// after `timeout`.
    pub async fn wait(&self, timeout: Duration) {
        let _ = tokio::time::timeout(timeout, self.signal.notified()).await;
    }
}

impl Drop for QueueWakeups {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn listen(pool: PgPool, signal: Arc<Notify>) {
    loop {
        let reason = listen_once(&pool, &signal).await;
        tracing::warn!(reason, "sms queue: not listening, trying again");
        tokio::time::sleep(RECONNECT_AFTER).await;
    }
}

/// Listens until the connection fails; returns why, without driver text beyond the log.
async fn listen_once(pool: &PgPool, signal: &Notify) -> String {
    let pooled = match pool.get().await {
        Ok(pooled) => pooled,
        Err(e) => return format!("no connection: {e}"),
    };
    let mut conn = deadpool::managed::Object::take(pooled);
    if let Err(e) = diesel::sql_query(format!("LISTEN {CHANNEL}"))
        .execute(&mut conn)
        .await
    {
        return format!("LISTEN failed: {e}");
    }
    tracing::debug!("sms queue: listening");
    signal.notify_one();
    let mut notifications = pin!(conn.notifications_stream());
    while let Some(notification) = notifications.next().await {
        if let Err(e) = notification {
            return format!("connection lost: {e}");
        }
        signal.notify_one();
    }
    "connection closed".to_owned()
}
