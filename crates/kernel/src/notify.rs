//! The port through which domains push events to a user's live client connections.

use crate::ids::{SessionId, UserId};

/// Pushes events to connected clients and drops their connections. Implemented by the client
/// Socket.IO gateway; every method is synchronous and never waits on the network.
pub trait UserNotifier: Send + Sync {
    /// Delivers `event` with `payload` to every connected socket of `user`; returns how many sockets.
    fn notify(&self, user: UserId, event: &str, payload: serde_json::Value) -> usize;
    /// Disconnects the sockets of one session (logout, reuse revocation).
    fn disconnect_session(&self, session: SessionId);
    /// Disconnects every socket of a user (deletion).
    fn disconnect_user(&self, user: UserId);
}
