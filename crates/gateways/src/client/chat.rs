//! Direct chat over the client gateway (DESIGN §7): `chat message`, `chat:sent`, `chat:missed`.
//!
//! Every message is addressed: it goes to the recipient's room `user:<to>` and to the sender's
//! other sockets (`user:<me>` without the sending socket), never to everyone. Message texts are
//! never logged.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use alpha_chat::{ChatMessage, ChatService, MessageId, Page, SendError};
use alpha_kernel::UserId;
use serde_json::{Value, json};
use socketioxide::adapter::Adapter;
use socketioxide::extract::{SocketRef, TryData};
use uuid::Uuid;

use super::handlers::EV_ERROR;
use super::{Reach, user_room};

/// C→S `{to, text, clientId?}`; S→C `{id, from, to, text, createdAt}` to the recipient and to
/// the sender's other sockets.
pub const EV_CHAT_MESSAGE: &str = "chat message";
/// S→C `{id, to, createdAt, clientId?}`: the sending socket's acknowledgement.
pub const EV_CHAT_SENT: &str = "chat:sent";
/// C→S `{since, limit?}`; S→C `{messages, hasMore}`.
pub const EV_CHAT_MISSED: &str = "chat:missed";

/// `chat message` events one socket may emit per [`CHAT_WINDOW`].
pub const CHAT_MESSAGES_PER_WINDOW: u32 = 10;
/// `chat:missed` events one socket may emit per [`CHAT_WINDOW`].
pub const CHAT_MISSED_PER_WINDOW: u32 = 20;
/// The fixed window of the per-socket chat limits.
pub const CHAT_WINDOW: Duration = Duration::from_secs(10);
/// Longest `clientId` string echoed back in `chat:sent`.
const MAX_CLIENT_ID_CHARS: usize = 128;

/// The gateway's [`ChatService`], carried in every socket's extensions. Empty only for a socket
/// that somehow lacks it (then chat events answer `INTERNAL_ERROR`).
#[derive(Clone, Default)]
pub(crate) struct ChatSlot(Option<Arc<ChatService>>);

impl ChatSlot {
    pub(crate) fn new(chat: Arc<ChatService>) -> Self {
        Self(Some(chat))
    }

    pub(crate) fn get(&self) -> Option<&Arc<ChatService>> {
        self.0.as_ref()
    }
}

/// A fixed-window counter: at most `limit` hits per `window`, the window starting at the first
/// hit after the previous one ended.
#[derive(Debug)]
pub(crate) struct FixedWindow {
    limit: u32,
    window: Duration,
    /// Start of the current window and the hits counted in it.
    state: Mutex<Option<(Instant, u32)>>,
}

impl FixedWindow {
    pub(crate) fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit,
            window,
            state: Mutex::new(None),
        }
    }

    /// Counts a hit at `now`; `false` when it is over the limit (refused hits are not counted).
    pub(crate) fn allow(&self, now: Instant) -> bool {
        let mut state = match self.state.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        match state.as_mut() {
            Some((start, count)) if now.saturating_duration_since(*start) < self.window => {
                if *count >= self.limit {
                    false
                } else {
                    *count += 1;
                    true
                }
            }
            _ => {
                *state = Some((now, 1));
                self.limit > 0
            }
        }
    }
}

/// A refused chat request: `error {code, message, clientId?}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ChatFailure {
    pub(crate) code: &'static str,
    pub(crate) message: String,
}

impl ChatFailure {
    fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    fn invalid(message: impl Into<String>) -> Self {
        Self::new("CHAT_INVALID", message)
    }

    fn internal() -> Self {
        Self::new("INTERNAL_ERROR", "Internal server error")
    }
}

/// A well-formed `chat message` request (the text is checked by the domain).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SendRequest {
    pub(crate) to: UserId,
    pub(crate) text: String,
}

/// `{to: "<uuid>", text: "<string>"}`.
pub(crate) fn parse_send(data: &Value) -> Result<SendRequest, ChatFailure> {
    let Some(obj) = data.as_object() else {
        return Err(ChatFailure::invalid("Payload must be an object {to, text}"));
    };
    let to = obj
        .get("to")
        .and_then(Value::as_str)
        .and_then(|s| Uuid::parse_str(s.trim()).ok())
        .ok_or_else(|| ChatFailure::invalid("`to` must be a user id (uuid)"))?;
    let text = obj
        .get("text")
        .and_then(Value::as_str)
        .ok_or_else(|| ChatFailure::invalid("`text` must be a string"))?;
    Ok(SendRequest {
        to: UserId(to),
        text: text.to_owned(),
    })
}

/// The `clientId` to echo: a string of at most 128 characters or a number; anything else is
/// ignored.
pub(crate) fn client_id(data: &Value) -> Option<Value> {
    match data.get("clientId")? {
        Value::String(s) if s.chars().count() <= MAX_CLIENT_ID_CHARS => {
            Some(Value::String(s.clone()))
        }
        n @ Value::Number(_) => Some(n.clone()),
        _ => None,
    }
}

/// `{since: <id>, limit?: <n>}`: `since` a non-negative integer, `limit` a positive integer
/// (clamped to 1..=100 by [`Page`]).
pub(crate) fn parse_missed(data: &Value) -> Result<(MessageId, u32), ChatFailure> {
    let Some(obj) = data.as_object() else {
        return Err(ChatFailure::invalid(
            "Payload must be an object {since, limit?}",
        ));
    };
    let since = obj
        .get("since")
        .and_then(Value::as_i64)
        .filter(|n| *n >= 0)
        .ok_or_else(|| ChatFailure::invalid("`since` must be a non-negative integer"))?;
    let limit = match obj.get("limit") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_u64()
                .filter(|n| *n >= 1)
                .map(|n| u32::try_from(n).unwrap_or(u32::MAX))
                .ok_or_else(|| ChatFailure::invalid("`limit` must be a positive integer"))?,
        ),
    };
    Ok((MessageId(since), Page::new(None, limit).limit))
}

/// A message as the client sees it.
pub(crate) fn message_json(m: &ChatMessage) -> Value {
    json!({
        "id": m.id.0,
        "from": m.from.0.to_string(),
        "to": m.to.0.to_string(),
        "text": m.text,
        "createdAt": alpha_kernel::iso_millis(m.created_at),
    })
}

fn send_failure(err: SendError) -> ChatFailure {
    match err {
        SendError::Text(e) => ChatFailure::invalid(format!("Invalid text: {e}")),
        SendError::ToSelf => ChatFailure::new("CHAT_TO_SELF", "You cannot message yourself"),
        SendError::UnknownRecipient => {
            ChatFailure::new("CHAT_UNKNOWN_RECIPIENT", "No such recipient")
        }
        SendError::Infrastructure(e) => {
            tracing::error!(error = %e, "client gateway: chat send failed");
            ChatFailure::internal()
        }
    }
}

fn rate_limited() -> ChatFailure {
    ChatFailure::new(
        "CHAT_RATE_LIMITED",
        "Too many chat requests, slow down and retry in a few seconds",
    )
}

fn unavailable() -> ChatFailure {
    tracing::error!("client gateway: chat event but no ChatService attached");
    ChatFailure::internal()
}

fn emit_failure<A: Adapter>(
    socket: &SocketRef<A>,
    failure: &ChatFailure,
    client_id: Option<Value>,
) {
    let mut payload = json!({ "code": failure.code, "message": failure.message });
    if let Some(id) = client_id {
        payload["clientId"] = id;
    }
    tracing::debug!(sid = %socket.id, code = failure.code, "client gateway: chat request refused");
    if let Err(e) = socket.emit(EV_ERROR, &payload) {
        tracing::debug!(sid = %socket.id, error = %e, "client gateway: error not sent");
    }
}

/// Wires the chat events of one authenticated socket, each with its own per-socket limit.
pub(crate) fn register_events<A: Adapter>(
    socket: &SocketRef<A>,
    me: UserId,
    slot: ChatSlot,
    reach: Reach,
) {
    {
        let slot = slot.clone();
        let limiter = Arc::new(FixedWindow::new(CHAT_MESSAGES_PER_WINDOW, CHAT_WINDOW));
        socket.on(
            EV_CHAT_MESSAGE,
            move |s: SocketRef<A>, TryData::<Value>(data)| async move {
                let data = data.unwrap_or(Value::Null);
                let client_id = client_id(&data);
                let request = Request {
                    me,
                    slot: &slot,
                    reach: &reach,
                    limiter: &limiter,
                };
                if let Err(failure) = send(&s, request, &data, client_id.clone()).await {
                    emit_failure(&s, &failure, client_id);
                }
            },
        );
    }
    let limiter = Arc::new(FixedWindow::new(CHAT_MISSED_PER_WINDOW, CHAT_WINDOW));
    socket.on(
        EV_CHAT_MISSED,
        move |s: SocketRef<A>, TryData::<Value>(data)| async move {
            let data = data.unwrap_or(Value::Null);
            if let Err(failure) = missed(&s, me, &slot, &limiter, &data).await {
                emit_failure(&s, &failure, None);
            }
        },
    );
}

/// What a `chat message` handler holds for its socket.
struct Request<'a> {
    me: UserId,
    slot: &'a ChatSlot,
    reach: &'a Reach,
    limiter: &'a FixedWindow,
}

/// `chat message`: store, deliver to `user:<to>` and the sender's other sockets (on every
/// instance), acknowledge.
async fn send<A: Adapter>(
    socket: &SocketRef<A>,
    Request {
        me,
        slot,
        reach,
        limiter,
    }: Request<'_>,
    data: &Value,
    client_id: Option<Value>,
) -> Result<(), ChatFailure> {
    if !limiter.allow(Instant::now()) {
        tracing::info!(sid = %socket.id, user = %me, "client gateway: chat message rate limited");
        return Err(rate_limited());
    }
    let chat = slot.get().ok_or_else(unavailable)?;
    let request = parse_send(data)?;
    let message = chat
        .send(me, request.to, &request.text)
        .await
        .map_err(send_failure)?;

    // `socket.to(..)` never includes the sending socket; both rooms are named, so this is
    // never a broadcast to everyone.
    let rooms = [user_room(message.to), user_room(me)];
    if let Err(e) = reach
        .emit(socket.to(rooms), EV_CHAT_MESSAGE, &message_json(&message))
        .await
    {
        tracing::warn!(sid = %socket.id, id = message.id.0, error = %e, "client gateway: chat delivery failed");
    }
    let mut sent = json!({
        "id": message.id.0,
        "to": message.to.0.to_string(),
        "createdAt": alpha_kernel::iso_millis(message.created_at),
    });
    if let Some(id) = client_id {
        sent["clientId"] = id;
    }
    if let Err(e) = socket.emit(EV_CHAT_SENT, &sent) {
        tracing::debug!(sid = %socket.id, error = %e, "client gateway: chat:sent not sent");
    }
    tracing::debug!(
        sid = %socket.id,
        id = message.id.0,
        from = %message.from,
        to = %message.to,
        "client gateway: chat message delivered"
    );
    Ok(())
}

/// `chat:missed`: the caller's received messages after `since`, oldest first.
async fn missed<A: Adapter>(
    socket: &SocketRef<A>,
    me: UserId,
    slot: &ChatSlot,
    limiter: &FixedWindow,
    data: &Value,
) -> Result<(), ChatFailure> {
    if !limiter.allow(Instant::now()) {
        tracing::info!(sid = %socket.id, user = %me, "client gateway: chat:missed rate limited");
        return Err(rate_limited());
    }
    let chat = slot.get().ok_or_else(unavailable)?;
    let (since, limit) = parse_missed(data)?;
    let internal = |e: alpha_chat::ChatError| {
        tracing::error!(error = %e, "client gateway: chat:missed failed");
        ChatFailure::internal()
    };
    let page = chat
        .missed(me, since, Some(limit))
        .await
        .map_err(internal)?;
    let (messages, has_more) = (page.items, page.has_more);
    let payload = json!({
        "messages": messages.iter().map(message_json).collect::<Vec<_>>(),
        "hasMore": has_more,
    });
    if let Err(e) = socket.emit(EV_CHAT_MISSED, &payload) {
        tracing::debug!(sid = %socket.id, error = %e, "client gateway: chat:missed not sent");
    }
    tracing::debug!(sid = %socket.id, user = %me, count = messages.len(), has_more, "client gateway: chat:missed answered");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const UUID: &str = "6f1c2f4e-8a0b-4c57-9d1e-2b3c4d5e6f70";

    #[test]
    fn send_payloads_are_checked() {
        let ok = parse_send(&json!({"to": UUID, "text": "hi"})).unwrap();
        assert_eq!(ok.to.0.to_string(), UUID);
        assert_eq!(ok.text, "hi");
        for bad in [
            json!(null),
            json!("text"),
            json!([UUID, "hi"]),
            json!({"to": "nope", "text": "hi"}),
            json!({"to": 5, "text": "hi"}),
            json!({"text": "hi"}),
            json!({"to": UUID}),
            json!({"to": UUID, "text": 5}),
            json!({"to": UUID, "text": {"a": 1}}),
        ] {
            assert_eq!(parse_send(&bad).unwrap_err().code, "CHAT_INVALID", "{bad}");
        }
    }

    #[test]
    fn client_ids_are_echoed_only_when_small() {
        assert_eq!(client_id(&json!({"clientId": "c1"})), Some(json!("c1")));
        assert_eq!(client_id(&json!({"clientId": 7})), Some(json!(7)));
        assert_eq!(client_id(&json!({"clientId": {"x": 1}})), None);
        assert_eq!(client_id(&json!({"clientId": "x".repeat(129)})), None);
        assert_eq!(client_id(&json!("c1")), None);
    }

    #[test]
    fn missed_payloads_are_checked() {
        assert_eq!(
            parse_missed(&json!({"since": 0})).unwrap(),
            (MessageId(0), Page::DEFAULT_LIMIT)
        );
        assert_eq!(
            parse_missed(&json!({"since": 12, "limit": 1000})).unwrap(),
            (MessageId(12), Page::MAX_LIMIT)
        );
        assert_eq!(
            parse_missed(&json!({"since": 3, "limit": 2})).unwrap(),
            (MessageId(3), 2)
        );
        for bad in [
            json!(null),
            json!({}),
            json!({"since": -1}),
            json!({"since": "5"}),
            json!({"since": 1.5}),
            json!({"since": 1, "limit": 0}),
            json!({"since": 1, "limit": "3"}),
        ] {
            assert_eq!(
                parse_missed(&bad).unwrap_err().code,
                "CHAT_INVALID",
                "{bad}"
            );
        }
    }

    #[test]
    fn fixed_window_allows_the_limit_then_refuses_until_it_ends() {
        let w = FixedWindow::new(3, Duration::from_secs(10));
        let t0 = Instant::now();
        assert!(w.allow(t0));
        assert!(w.allow(t0 + Duration::from_secs(1)));
        assert!(w.allow(t0 + Duration::from_secs(2)));
        assert!(!w.allow(t0 + Duration::from_secs(3)));
        assert!(!w.allow(t0 + Duration::from_millis(9_999)));
        assert!(w.allow(t0 + Duration::from_secs(10)));
        assert!(w.allow(t0 + Duration::from_secs(11)));
    }
}
