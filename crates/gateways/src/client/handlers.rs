//! Handshake authentication and the events of the `/` namespace.

use std::sync::Arc;

use alpha_auth::{AuthError, AuthUser};
use alpha_kernel::mask_phone;
use serde_json::{Value, json};
use socketioxide::adapter::Adapter;
use socketioxide::extract::{SocketRef, TryData};
use socketioxide::socket::DisconnectReason;

use super::chat::{self, ChatSlot};
use super::{ClientGateway, Reach, session_room, user_room};

/// S→C, once the socket is authenticated and its handlers exist: `{userId}`.
pub const EV_CONNECTED: &str = "connected";
/// C→S: `{phone}`, the old gateway's registration, kept for the caller's own phone.
pub const EV_REGISTER: &str = "register";
/// S→C: `{phone}` (E.164), the answer to an accepted `register`.
pub const EV_REGISTERED: &str = "registered";
/// S→C: `{code, message}`, a refused request.
pub const EV_ERROR: &str = "error";

/// Why a handshake is refused. Its `Display` is the `CONNECT_ERROR` message: `"<CODE>: <text>"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    Missing,
    Invalid,
    Expired,
    UserDeleted,
    Internal,
}

impl Refusal {
    fn code(self) -> &'static str {
        match self {
            Self::Missing | Self::Invalid => "TOKEN_INVALID",
            Self::Expired => "TOKEN_EXPIRED",
            Self::UserDeleted => "USER_DELETED",
            Self::Internal => "INTERNAL_ERROR",
        }
    }

    fn text(self) -> &'static str {
        match self {
            Self::Missing => "Access token required",
            Self::Invalid => "Invalid access token",
            Self::Expired => "Access token expired",
            Self::UserDeleted => "User deleted",
            Self::Internal => "Internal server error",
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code(), self.text())
    }
}

impl From<AuthError> for Refusal {
    fn from(err: AuthError) -> Self {
        match err {
            AuthError::Expired => Self::Expired,
            AuthError::Invalid | AuthError::SessionRevoked => Self::Invalid,
            AuthError::UserDeleted => Self::UserDeleted,
            AuthError::Infrastructure(e) => {
                tracing::error!(error = %e, "client gateway: authentication failed");
                Self::Internal
            }
        }
    }
}

/// The access token of a handshake: `auth.token` first, then the `token` query parameter. A
/// `Bearer ` prefix is tolerated. Empty strings count as absent.
pub(crate) fn handshake_token(auth: Option<&Value>, query: Option<&str>) -> Option<String> {
    let from_auth = auth
        .and_then(|a| a.get("token"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let from_query = || {
        query?
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(k, _)| *k == "token")
            .map(|(_, v)| v.to_owned())
    };
    from_auth
        .or_else(from_query)
        .map(|t| t.strip_prefix("Bearer ").map(str::to_owned).unwrap_or(t))
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
}

/// Connect middleware: authenticates the handshake and stores the [`AuthUser`] on the socket.
/// The token itself is never logged.
pub(crate) async fn authenticate<A: Adapter>(
    gw: Arc<ClientGateway>,
    socket: SocketRef<A>,
    auth: Option<Value>,
) -> Result<(), Refusal> {
    let token = handshake_token(auth.as_ref(), socket.req_parts().uri.query());
    let Some(token) = token else {
        tracing::info!(sid = %socket.id, "client gateway: handshake without token refused");
        return Err(Refusal::Missing);
    };
    match gw.auth.authenticate(&token).await {
        Ok(user) => {
            socket.extensions.insert(user);
            socket.extensions.insert(gw.chat.clone());
            socket.extensions.insert(gw.notifier.reach.clone());
            Ok(())
        }
        Err(err) => {
            let refusal = Refusal::from(err);
            tracing::info!(sid = %socket.id, code = refusal.code(), "client gateway: handshake refused");
            Err(refusal)
        }
    }
}

/// An authenticated socket joined `/`: put it in its rooms, wire its events, then greet it.
pub(crate) fn on_connect<A: Adapter>(socket: &SocketRef<A>) {
    let Some(user) = socket.extensions.get::<AuthUser>() else {
        // The middleware stores the user before accepting; without one, refuse to serve.
        tracing::error!(sid = %socket.id, "client gateway: socket without a user");
        if let Err(e) = socket.clone().disconnect() {
            tracing::debug!(error = %e, "client gateway: disconnect failed");
        }
        return;
    };
    socket.join(user_room(user.id));
    if let Some(session) = user.session {
        socket.join(session_room(session));
    }
    tracing::debug!(sid = %socket.id, user = %user.id, "client gateway: socket connected");

    {
        let user = user.clone();
        socket.on(
            EV_REGISTER,
            move |s: SocketRef<A>, TryData::<Value>(data)| async move {
                register(&s, &user, &data.unwrap_or(Value::Null));
            },
        );
    }
    chat::register_events(
        socket,
        user.id,
        socket.extensions.get::<ChatSlot>().unwrap_or_default(),
        socket.extensions.get::<Reach>().unwrap_or_default(),
    );
    socket.on_disconnect(|s: SocketRef<A>, reason: DisconnectReason| async move {
        tracing::debug!(sid = %s.id, ?reason, "client gateway: socket disconnected");
    });

    // Emitted last: it tells the client the namespace is ready for its events.
    if let Err(e) = socket.emit(EV_CONNECTED, &json!({ "userId": user.id.0.to_string() })) {
        tracing::debug!(sid = %socket.id, error = %e, "client gateway: connected not sent");
    }
}

/// `register {phone}`: accepted only when the digits are those of the caller's own phone.
fn register<A: Adapter>(socket: &SocketRef<A>, user: &AuthUser, data: &Value) {
    let claimed = data.get("phone").and_then(Value::as_str).unwrap_or("");
    let result = match user.phone.as_deref() {
        Some(own) if same_phone(claimed, own) => {
            tracing::info!(sid = %socket.id, phone = %mask_phone(own), "client gateway: registered");
            socket.emit(EV_REGISTERED, &json!({ "phone": own }))
        }
        _ => {
            tracing::info!(
                sid = %socket.id,
                phone = %mask_phone(claimed),
                "client gateway: register for another phone refused"
            );
            socket.emit(
                EV_ERROR,
                &json!({
                    "code": "PHONE_MISMATCH",
                    "message": "You can only register your own phone number",
                }),
            )
        }
    };
    if let Err(e) = result {
        tracing::debug!(sid = %socket.id, error = %e, "client gateway: register reply not sent");
    }
}

/// Whether two phone strings have the same digits (and at least one).
fn same_phone(claimed: &str, own: &str) -> bool {
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    let claimed = digits(claimed);
    !claimed.is_empty() && claimed == digits(own)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_from_auth_then_query() {
        let auth = json!({"token": "abc"});
        assert_eq!(
            handshake_token(Some(&auth), Some("token=q")),
            Some("abc".into())
        );
        assert_eq!(
            handshake_token(None, Some("EIO=4&transport=polling&token=q.r.s")),
            Some("q.r.s".into())
        );
        assert_eq!(handshake_token(Some(&json!({"token": ""})), None), None);
        assert_eq!(
            handshake_token(Some(&json!({"token": "Bearer x"})), None),
            Some("x".into())
        );
        assert_eq!(handshake_token(None, Some("EIO=4")), None);
        assert_eq!(handshake_token(Some(&json!({"token": 5})), None), None);
    }

    #[test]
    fn phones_compare_by_digits() {
        assert!(same_phone("993 65 12-34-56", "+99365123456"));
        assert!(same_phone("+99365123456", "+99365123456"));
        assert!(!same_phone("+99365123457", "+99365123456"));
        assert!(!same_phone("", "+99365123456"));
        assert!(!same_phone("abc", "abc"));
    }

    #[test]
    fn refusal_messages_carry_codes() {
        assert_eq!(
            Refusal::Expired.to_string(),
            "TOKEN_EXPIRED: Access token expired"
        );
        assert_eq!(
            Refusal::Missing.to_string(),
            "TOKEN_INVALID: Access token required"
        );
        assert_eq!(
            Refusal::UserDeleted.to_string(),
            "USER_DELETED: User deleted"
        );
    }
}
