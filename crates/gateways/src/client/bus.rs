//! Client sockets across instances: socketioxide-redis's adapter, over a driver of ours.
//!
//! The adapter's own `RedisDriver` holds one multiplexed connection: once Redis restarts, that
//! connection is gone for good and so are its subscriptions, and the instance never hears from
//! the others again. This driver is the same protocol over `redis`' `ConnectionManager`, which
//! reconnects with backoff and resubscribes what it had subscribed. A subscription Redis could
//! not take (Redis down at start) is retried in the background, so the namespace is always
//! created and the gateway serves its own sockets whatever Redis does.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{AsyncCommands, FromRedisValue, IntoConnectionInfo, ProtocolVersion, PushInfo};
use socketioxide::adapter::Emitter;
use socketioxide_redis::drivers::{ChanItem, Driver, MessageStream};
use socketioxide_redis::{CustomRedisAdapter, RedisAdapterConfig, RedisAdapterCtr};
use tokio::sync::mpsc;

/// The client gateway's adapter when `redis.url` is set.
pub(crate) type ClusterAdapter = CustomRedisAdapter<Emitter, ManagedDriver>;

/// Channel prefix, so other Socket.IO applications on the same Redis are not mixed in.
const PREFIX: &str = "alpha-motors:clients";
/// How long one Redis command may take, and one connection attempt.
const REDIS_TIMEOUT: Duration = Duration::from_secs(2);
/// How long a subscription at start may wait for Redis before it is left to the background.
const SUBSCRIBE_WAIT: Duration = Duration::from_secs(3);
/// Longest pause between two background attempts to subscribe.
const RESUBSCRIBE_MAX_PAUSE: Duration = Duration::from_secs(30);
/// After a failed broadcast, the time during which broadcasts go to this instance's sockets
/// only, without first waiting on Redis again (each wait would hold a reaction up to
/// [`REDIS_TIMEOUT`]).
const LOCAL_ONLY_AFTER_FAILURE: Duration = Duration::from_secs(5);

type Handlers = Arc<RwLock<HashMap<String, mpsc::Sender<ChanItem>>>>;

/// A Redis pub/sub driver over a [`ConnectionManager`] (see the module's documentation).
#[derive(Clone)]
pub(crate) struct ManagedDriver {
    conn: ConnectionManager,
    handlers: Handlers,
}

impl ManagedDriver {
    /// Connects lazily: nothing is sent before the first command, so a Redis that is down at
    /// start does not stop the server. Must run inside a tokio runtime.
    ///
    /// Errors: `url` is not a Redis URL.
    pub(crate) fn connect_lazily(url: &str) -> redis::RedisResult<Self> {
        let info = url.into_connection_info()?;
        // Pub/sub messages come as RESP3 pushes on the multiplexed connection.
        let settings = info
            .redis_settings()
            .clone()
            .set_protocol(ProtocolVersion::RESP3);
        let client = redis::Client::open(info.set_redis_settings(settings))?;
        let handlers: Handlers = Arc::default();
        let routes = handlers.clone();
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(REDIS_TIMEOUT))
            .set_response_timeout(Some(REDIS_TIMEOUT))
            .set_number_of_retries(2)
            .set_max_delay(Duration::from_secs(1))
            .set_push_sender(move |push: PushInfo| {
                route(push, &routes);
                Ok::<(), std::convert::Infallible>(())
            })
            .set_automatic_resubscription();
        let conn = ConnectionManager::new_lazy_with_config(client, config)?;
        Ok(Self { conn, handlers })
    }

    /// The adapter's constructor state.
    pub(crate) fn into_adapter_state(self) -> RedisAdapterCtr<Self> {
        RedisAdapterCtr::new_with_driver(
            self,
            RedisAdapterConfig::new()
                .with_prefix(PREFIX)
                .with_request_timeout(REDIS_TIMEOUT),
        )
    }
}

/// Hands a pub/sub message to the stream of its channel. Never blocks: a full stream drops the
/// message (the adapter's streams hold 1024).
fn route(push: PushInfo, handlers: &Handlers) {
    if !matches!(push.kind, redis::PushKind::Message) {
        return;
    }
    let mut data = push.data.into_iter();
    let (Some(channel), Some(message)) = (data.next(), data.next()) else {
        return;
    };
    let (Ok(channel), Ok(message)) = (
        String::from_redis_value(channel),
        Vec::<u8>::from_redis_value(message),
    ) else {
        tracing::warn!("client gateway: unreadable message from Redis");
        return;
    };
    let handlers = match handlers.read() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    };
    if let Some(tx) = handlers.get(&channel)
        && let Err(e) = tx.try_send((channel, message))
    {
        tracing::warn!(error = %e, "client gateway: Redis message dropped");
    }
}

impl Driver for ManagedDriver {
    type Error = redis::RedisError;

    async fn publish(&self, chan: String, val: Vec<u8>) -> Result<(), Self::Error> {
        self.conn
            .clone()
            .publish::<_, _, redis::Value>(chan, val)
            .await?;
        Ok(())
    }

    /// Always succeeds: when Redis does not take the subscription now, it is retried in the
    /// background until it does (the stream is live from the start either way).
    async fn subscribe(
        &self,
        chan: String,
        size: usize,
    ) -> Result<MessageStream<ChanItem>, Self::Error> {
        let (tx, rx) = mpsc::channel(size);
        match self.handlers.write() {
            Ok(mut guard) => guard.insert(chan.clone(), tx),
            Err(poisoned) => poisoned.into_inner().insert(chan.clone(), tx),
        };
        let mut conn = self.conn.clone();
        match tokio::time::timeout(SUBSCRIBE_WAIT, conn.subscribe(&chan)).await {
            Ok(Ok(())) => {}
            failed => {
                let error = match failed {
                    Ok(Err(e)) => e.to_string(),
                    _ => "timed out".to_owned(),
                };
                tracing::warn!(
                    channel = %chan,
                    %error,
                    "client gateway: Redis subscription failed; retrying in the background, \
                     other instances are not heard meanwhile"
                );
                tokio::spawn(subscribe_until_done(conn, self.handlers.clone(), chan));
            }
        }
        Ok(MessageStream::new(rx))
    }

    async fn unsubscribe(&self, chan: String) -> Result<(), Self::Error> {
        match self.handlers.write() {
            Ok(mut guard) => guard.remove(&chan),
            Err(poisoned) => poisoned.into_inner().remove(&chan),
        };
        self.conn.clone().unsubscribe(chan).await
    }

    async fn num_serv(&self, chan: &str) -> Result<u16, Self::Error> {
        let (_, count): (String, u16) = redis::cmd("PUBSUB")
            .arg("NUMSUB")
            .arg(chan)
            .query_async(&mut self.conn.clone())
            .await?;
        Ok(count)
    }
}

/// Subscribes `chan` once Redis takes it, with a growing pause; gives up when the channel was
/// unsubscribed meanwhile (the gateway closed).
async fn subscribe_until_done(mut conn: ConnectionManager, handlers: Handlers, chan: String) {
    let mut pause = Duration::from_millis(500);
    loop {
        tokio::time::sleep(pause).await;
        let wanted = match handlers.read() {
            Ok(guard) => guard.contains_key(&chan),
            Err(poisoned) => poisoned.into_inner().contains_key(&chan),
        };
        if !wanted {
            return;
        }
        if conn.subscribe(&chan).await.is_ok() {
            tracing::info!(channel = %chan, "client gateway: Redis subscription done");
            return;
        }
        pause = (pause * 2).min(RESUBSCRIBE_MAX_PAUSE);
    }
}

/// Whether broadcasts should try Redis: after a failure, not for [`LOCAL_ONLY_AFTER_FAILURE`].
#[derive(Debug, Default)]
pub(crate) struct RedisHealth {
    /// Milliseconds after `epoch` until which Redis is skipped; 0: not skipped.
    skip_until_ms: AtomicU64,
    epoch: std::sync::OnceLock<Instant>,
}

impl RedisHealth {
    fn now_ms(&self) -> u64 {
        let epoch = *self.epoch.get_or_init(Instant::now);
        u64::try_from(epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Whether to broadcast through Redis now.
    pub(crate) fn try_redis(&self) -> bool {
        self.now_ms() >= self.skip_until_ms.load(Ordering::Relaxed)
    }

    /// A broadcast through Redis failed: local only for a while.
    pub(crate) fn failed(&self) {
        let until = self.now_ms().saturating_add(
            u64::try_from(LOCAL_ONLY_AFTER_FAILURE.as_millis()).unwrap_or(u64::MAX),
        );
        self.skip_until_ms.store(until, Ordering::Relaxed);
    }

    /// How long a broadcast may wait on Redis before it is done locally instead.
    pub(crate) fn wait(&self) -> Duration {
        REDIS_TIMEOUT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_keeps_broadcasts_local_for_a_while() {
        let health = RedisHealth::default();
        assert!(health.try_redis());
        health.failed();
        assert!(!health.try_redis());
    }
}
