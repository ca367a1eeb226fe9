//! The port through which domains push events to a user's live client connections.

use crate::ids::{SessionId, UserId};

/// Pushes events to connected clients and drops their connections. Implemented by the client
/// Socket.IO gateway, where a user's sockets may be spread over several server instances: a call
/// returns once the event is handed to this instance's sockets and published to the others, so
/// two calls for one user arrive in order. Nothing is returned: how many sockets another
/// instance holds is not known here, and a failure to reach the others is the adapter's to log
/// (this instance's sockets are still served).
#[async_trait::async_trait]
pub trait UserNotifier: Send + Sync {
    /// Delivers `event` with `payload` to every connected socket of `user`, on every instance.
    async fn notify(&self, user: UserId, event: &str, payload: serde_json::Value);
    /// Disconnects the sockets of one session (logout, reuse revocation), on every instance.
    async fn disconnect_session(&self, session: SessionId);
    /// Disconnects every socket of a user (deletion), on every instance.
    async fn disconnect_user(&self, user: UserId);
}
