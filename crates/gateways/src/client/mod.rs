//! The client gateway: Socket.IO namespace `/` (port 3090 by default), where the mobile app
//! connects (DESIGN §7). It replaces the old unauthenticated `ChatGateway` (CONTRACT §4.1, §9 S3).
//!
//! Modules: `handlers` (handshake authentication and events), `chat` (direct messages, once a
//! [`ChatService`] is attached), `serve` (the hyper listener). Protocol: docs/CLIENT_GATEWAY.md.

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
use socketioxide::SocketIo;
use socketioxide::extract::SocketRef;
use socketioxide::service::SocketIoService;

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
/// nobody is connected and a push reaches no one.
pub struct ClientNotifier {
    io: SocketIo,
    svc: SocketIoService<NotFoundService>,
}

impl std::fmt::Debug for ClientNotifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientNotifier").finish_non_exhaustive()
    }
}

impl ClientNotifier {
    pub fn new(config: &ClientGatewayConfig) -> Arc<Self> {
        let (svc, io) = SocketIo::builder()
            .ping_interval(config.ping_interval)
            .ping_timeout(config.ping_timeout)
            .build_svc();
        Arc::new(Self { io, svc })
    }

    /// The sockets of this process in `room`.
    /// App sockets connected to this instance.
    pub fn connected(&self) -> usize {
        self.io.sockets().len()
    }

    fn sockets_in(&self, room: String) -> Vec<SocketRef> {
        self.io
            .of(NAMESPACE)
            .map(|ns| ns.to(room).sockets())
            .unwrap_or_default()
    }

    fn disconnect_room(&self, room: String, what: &str) {
        let sockets = self.sockets_in(room);
        let count = sockets.len();
        for socket in sockets {
            if let Err(e) = socket.disconnect() {
                tracing::debug!(error = %e, "client gateway: disconnect failed");
            }
        }
        tracing::info!(count, what, "client gateway: sockets disconnected");
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

impl UserNotifier for ClientNotifier {
    fn notify(&self, user: UserId, event: &str, payload: Value) -> usize {
        let mut delivered = 0;
        for socket in self.sockets_in(user_room(user)) {
            match socket.emit(event, &payload) {
                Ok(()) => delivered += 1,
                Err(e) => {
                    tracing::debug!(sid = %socket.id, event, error = %e, "client gateway: emit failed");
                }
            }
        }
        tracing::debug!(%user, event, delivered, "client gateway: notified");
        delivered
    }

    fn disconnect_session(&self, session: SessionId) {
        self.disconnect_room(session_room(session), "session");
    }

    fn disconnect_user(&self, user: UserId) {
        self.disconnect_room(user_room(user), "user");
    }
}
