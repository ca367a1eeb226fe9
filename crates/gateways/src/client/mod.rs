//! The client gateway: Socket.IO namespace `/` (port 3090 by default), where the mobile app
//! connects (DESIGN §7). It replaces the old unauthenticated `ChatGateway` (CONTRACT §4.1, §9 S3).
//!
//! Modules: `handlers` (handshake authentication and events), `chat` (direct messages, once a
//! [`ChatService`] is attached), `serve` (the hyper listener). Protocol: docs/CLIENT_GATEWAY.md.

mod bus;
mod chat;
mod handlers;
mod serve;

use std::sync::Arc;
use std::time::Duration;

use alpha_auth::AuthService;
use alpha_chat::ChatService;
use alpha_kernel::{SessionId, UserId, UserNotifier};
use engineioxide::service::NotFoundService;
use serde_json::Value;
use socketioxide::BroadcastError;
use socketioxide::SocketIo;
use socketioxide::adapter::{Adapter, LocalAdapter};
use socketioxide::operators::BroadcastOperators;
use socketioxide::service::SocketIoService;

use bus::ClusterAdapter;

pub use chat::{
    CHAT_MESSAGES_PER_WINDOW, CHAT_MISSED_PER_WINDOW, CHAT_WINDOW, EV_CHAT_MESSAGE, EV_CHAT_MISSED,
    EV_CHAT_SENT,
};
pub use handlers::{EV_CONNECTED, EV_ERROR, EV_REGISTER, EV_REGISTERED};
pub use serve::NAMESPACE;

/// Settings of the client gateway.
#[derive(Debug, Clone)]
pub struct ClientGatewayConfig {
    /// Engine.IO heartbeat interval (socket.io's default: 25 s).
    pub ping_interval: Duration,
    /// How long a heartbeat may go unanswered before the socket is dropped (default: 20 s).
    pub ping_timeout: Duration,
    /// Browser origins allowed to connect (the HTTP API's allow-list; `*` for any). Mobile apps
    /// send no `Origin` and are unaffected. Empty: no browser origin is allowed.
    pub cors_allowed_origins: Vec<String>,
    /// How often every connected socket's user and session are checked again, so a deletion or a
    /// revocation this process was not told about (another instance, an operator's SQL) still
    /// ends the socket.
    pub revalidate_every: Duration,
}

impl Default for ClientGatewayConfig {
    /// The old gateway's socket.io defaults.
    fn default() -> Self {
        Self {
            ping_interval: Duration::from_secs(25),
            ping_timeout: Duration::from_secs(20),
            cors_allowed_origins: Vec::new(),
            revalidate_every: Duration::from_secs(30),
        }
    }
}

/// The `/` Socket.IO gateway for app clients.
///
/// # Protocol
/// Namespace `/`, path `/socket.io`.
/// - The handshake must carry a valid **access** token: `auth: {token}` or the query parameter
///   `token`. Otherwise the connection is refused with a `CONNECT_ERROR` whose message is
///   `"<CODE>: <text>"`, CODE one of `TOKEN_INVALID` (missing, malformed, bad signature, a refresh
///   token, a revoked session), `TOKEN_EXPIRED`, `USER_DELETED`, `INTERNAL_ERROR`.
/// - An accepted socket joins the rooms `user:<uuid>` and `session:<sid>` (when the token has a
///   session) and is sent `connected {userId}`; clients should emit only after it.
/// - `register {phone}` (the old event) is accepted only for the caller's own phone (compared by
///   digits): `registered {phone: "<E.164>"}`; otherwise `error {code: "PHONE_MISMATCH", message}`.
/// - Chat: `chat message {to, text, clientId?}`
///   goes to the recipient's sockets and the sender's other sockets, never to everyone; the
///   sender gets `chat:sent`; `chat:missed {since, limit?}` answers `{messages, hasMore}`. At most
///   10 `chat message` per 10 s per socket (`CHAT_RATE_LIMITED`).
/// - Server pushes go through [`UserNotifier`]: to every socket of a user; sockets of a revoked
///   session or a deleted user are disconnected.
pub struct ClientGateway {
    config: ClientGatewayConfig,
    notifier: Arc<ClientNotifier>,
    auth: Arc<AuthService>,
    chat: chat::ChatSlot,
}

impl std::fmt::Debug for ClientGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientGateway")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// The outbound half of the client gateway, built first: pushes to a user's sockets and closes
/// sessions ([`UserNotifier`]), for the services and reactions built after it. The inbound
/// [`ClientGateway`] (handshake, events) is built last, on top of it. Before the gateway serves,
/// nobody is connected here and a push reaches only other instances' sockets.
pub struct ClientNotifier {
    engine: Engine,
    /// Where broadcasts go; handed to every socket for its chat deliveries.
    reach: Reach,
    /// Set once the namespace `/` exists (with Redis: once it is subscribed, or left to retry);
    /// the listener accepts nobody before.
    ready: tokio::sync::watch::Sender<bool>,
}

/// The Socket.IO server of this process, on the adapter the settings chose.
enum Engine {
    /// One instance: rooms and broadcasts in this process (socketioxide's default adapter).
    Local {
        io: SocketIo<LocalAdapter>,
        svc: SocketIoService<NotFoundService, LocalAdapter>,
    },
    /// Several instances: every broadcast and disconnect also goes to the others through Redis.
    Cluster {
        io: SocketIo<ClusterAdapter>,
        svc: SocketIoService<NotFoundService, ClusterAdapter>,
    },
}

/// Runs `$body` with `$io` (and `$svc`) bound to the engine's server, whatever its adapter: the
/// body is compiled once per adapter.
macro_rules! on_engine {
    ($engine:expr, |$io:ident, $svc:ident| $body:expr) => {
        match $engine {
            Engine::Local { io: $io, svc: $svc } => $body,
            Engine::Cluster { io: $io, svc: $svc } => $body,
        }
    };
}
pub(crate) use on_engine;

impl std::fmt::Debug for ClientNotifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientNotifier")
            .field("across_instances", &self.across_instances())
            .finish_non_exhaustive()
    }
}

/// `redis.url` could not be used.
#[derive(Debug, thiserror::Error)]
#[error("redis.url: {0}")]
pub struct ClusterError(String);

impl ClientNotifier {
    /// One instance: a user's sockets are reached in this process only.
    pub fn new(config: &ClientGatewayConfig) -> Arc<Self> {
        let (svc, io) = Self::builder(config).build_svc();
        Self::with_engine(Engine::Local { io, svc }, Reach::default())
    }

    /// Several instances on one Redis (`redis_url`): broadcasts and disconnects reach the sockets
    /// of every instance. Connects lazily, so a Redis that is down does not stop the start (see
    /// `bus`). Must run inside a tokio runtime.
    ///
    /// Errors: `redis_url` is not a Redis URL. The message never contains the URL (it may hold
    /// a password).
    pub fn over_redis(
        config: &ClientGatewayConfig,
        redis_url: &str,
    ) -> Result<Arc<Self>, ClusterError> {
        let driver = bus::ManagedDriver::connect_lazily(redis_url)
            .map_err(|e| ClusterError(format!("not a usable Redis URL ({:?})", e.kind())))?;
        let (svc, io) = Self::builder(config)
            .with_adapter::<ClusterAdapter>(driver.into_adapter_state())
            .build_svc();
        Ok(Self::with_engine(
            Engine::Cluster { io, svc },
            Reach(Some(Arc::new(bus::RedisHealth::default()))),
        ))
    }

    fn builder(config: &ClientGatewayConfig) -> socketioxide::SocketIoBuilder {
        SocketIo::builder()
            .ping_interval(config.ping_interval)
            .ping_timeout(config.ping_timeout)
    }

    fn with_engine(engine: Engine, reach: Reach) -> Arc<Self> {
        let (ready, _) = tokio::sync::watch::channel(false);
        Arc::new(Self {
            engine,
            reach,
            ready,
        })
    }

    /// Whether broadcasts go to the other instances through Redis.
    pub fn across_instances(&self) -> bool {
        matches!(self.engine, Engine::Cluster { .. })
    }

    /// App sockets connected to this instance.
    pub fn connected(&self) -> usize {
        on_engine!(&self.engine, |io, _svc| io.sockets().len())
    }

    /// Sockets of `user` connected to this instance (not those on other instances).
    pub fn connected_here(&self, user: UserId) -> usize {
        on_engine!(&self.engine, |io, _svc| io
            .of(NAMESPACE)
            .map(|ns| ns.to(user_room(user)).sockets().len())
            .unwrap_or(0))
    }

    /// Waits until the namespace exists, so a socket connecting now is served.
    pub async fn ready(&self) {
        let mut ready = self.ready.subscribe();
        let _ = ready.wait_for(|ready| *ready).await;
    }

    async fn disconnect_room(&self, room: String, what: &str) {
        let result = on_engine!(&self.engine, |io, _svc| match io.of(NAMESPACE) {
            Some(ns) => self.reach.disconnect(ns.to(room)).await,
            None => Ok(()),
        });
        if let Err(e) = result {
            tracing::debug!(error = %e, what, "client gateway: disconnect failed");
        }
        tracing::info!(what, "client gateway: sockets disconnected");
    }
}

/// Where broadcasts go: this process only, or every instance through Redis with this process
/// as the fallback while Redis fails.
#[derive(Clone, Default)]
pub(crate) struct Reach(Option<Arc<bus::RedisHealth>>);

impl Reach {
    /// `op.emit(event, payload)`, to the other instances too when Redis is on. When Redis fails
    /// (or is slow past its timeout), the sockets of this process still get it.
    pub(crate) async fn emit<A: Adapter>(
        &self,
        op: BroadcastOperators<A>,
        event: &str,
        payload: &Value,
    ) -> Result<(), BroadcastError> {
        let Some(health) = self.0.as_ref().filter(|h| h.try_redis()) else {
            return op.local().emit(event, payload).await;
        };
        match tokio::time::timeout(health.wait(), op.clone().emit(event, payload)).await {
            // Only an adapter error means Redis failed before this process's sockets were
            // served; a socket error comes after, and retrying would send twice.
            Ok(Err(BroadcastError::Adapter(e))) => {
                tracing::warn!(error = %e, event, "client gateway: Redis broadcast failed; this instance's sockets only");
            }
            Err(_) => {
                tracing::warn!(
                    event,
                    "client gateway: Redis broadcast timed out; this instance's sockets only"
                );
            }
            Ok(done) => return done,
        }
        metrics::counter!("client_redis_failures_total", "op" => "emit").increment(1);
        health.failed();
        op.local().emit(event, payload).await
    }

    /// `op.disconnect()`, on the other instances too when Redis is on (same fallback as `emit`).
    pub(crate) async fn disconnect<A: Adapter>(
        &self,
        op: BroadcastOperators<A>,
    ) -> Result<(), BroadcastError> {
        let Some(health) = self.0.as_ref().filter(|h| h.try_redis()) else {
            return op.local().disconnect().await;
        };
        match tokio::time::timeout(health.wait(), op.clone().disconnect()).await {
            Ok(Err(BroadcastError::Adapter(e))) => {
                tracing::warn!(error = %e, "client gateway: Redis disconnect failed; this instance's sockets only");
            }
            Err(_) => {
                tracing::warn!(
                    "client gateway: Redis disconnect timed out; this instance's sockets only"
                );
            }
            Ok(done) => return done,
        }
        metrics::counter!("client_redis_failures_total", "op" => "disconnect").increment(1);
        health.failed();
        op.local().disconnect().await
    }
}

/// The room every socket of a user joins.
pub(crate) fn user_room(user: UserId) -> String {
    format!("user:{user}")
}

/// The room every socket of one session (one login) joins.
pub(crate) fn session_room(session: SessionId) -> String {
    format!("session:{session}")
}

impl ClientGateway {
    /// The inbound half: registers the namespace's handlers on `notifier`'s sockets.
    pub fn new(
        config: ClientGatewayConfig,
        notifier: Arc<ClientNotifier>,
        auth: Arc<AuthService>,
        chat: Arc<ChatService>,
    ) -> Arc<Self> {
        let gateway = Arc::new(Self {
            config,
            notifier,
            auth,
            chat: chat::ChatSlot::new(chat),
        });
        serve::register_namespace(&gateway);
        gateway
    }

    /// The outbound half this gateway serves.
    pub fn notifier(&self) -> &Arc<ClientNotifier> {
        &self.notifier
    }
}

#[async_trait::async_trait]
impl UserNotifier for ClientNotifier {
    async fn notify(&self, user: UserId, event: &str, payload: Value) {
        let result = on_engine!(&self.engine, |io, _svc| match io.of(NAMESPACE) {
            Some(ns) =>
                self.reach
                    .emit(ns.to(user_room(user)), event, &payload)
                    .await,
            None => Ok(()),
        });
        match result {
            Ok(()) => tracing::debug!(%user, event, "client gateway: notified"),
            Err(e) => tracing::debug!(%user, event, error = %e, "client gateway: notify failed"),
        }
    }

    async fn disconnect_session(&self, session: SessionId) {
        self.disconnect_room(session_room(session), "session").await;
    }

    async fn disconnect_user(&self, user: UserId) {
        self.disconnect_room(user_room(user), "user").await;
    }
}
