//! The `/sms` namespace's events. Event names and payloads are the old gateway's (CONTRACT §4.2),
//! so existing device apps keep working; what changed is who may register and whose acks count.

use std::sync::Arc;

use alpha_sms_dispatch::{AckStatus, CorrelationId, DeviceKey, DeviceStatus};
use serde_json::{Value, json};
use socketioxide::extract::{AckSender, SocketRef, TryData};
use socketioxide::socket::DisconnectReason;
use tokio::sync::Mutex;
use uuid::Uuid;

use super::SmsGateway;
use super::auth::{self, Identity, Refusal, RegisterRequest};
use super::registry::Claim;

pub(crate) const EV_HELLO: &str = "sms:hello";
pub(crate) const EV_REGISTER: &str = "sms:register";
pub(crate) const EV_REGISTERED: &str = "sms:registered";
pub(crate) const EV_SEND: &str = "sms:send";
pub(crate) const EV_ACK: &str = "sms:ack";
pub(crate) const EV_STATUS: &str = "sms:status";
pub(crate) const EV_PING: &str = "sms:ping";
pub(crate) const EV_PONG: &str = "sms:pong";

/// Serialises a socket's registration with its own disconnect, so a socket that goes away while
/// its token is being checked never leaves a registration behind.
type SocketLock = Arc<Mutex<()>>;

/// A socket joined `/sms`: greet it, wire its events and start its registration clock.
pub(crate) fn on_connect(gw: &Arc<SmsGateway>, socket: &SocketRef) {
    let lock: SocketLock = Arc::default();
    tracing::debug!(sid = %socket.id, "sms gateway: socket connected");

    {
        let (gw, lock) = (gw.clone(), lock.clone());
        socket.on(
            EV_REGISTER,
            move |s: SocketRef, ack: AckSender, TryData::<Value>(data)| async move {
                register(&gw, &lock, &s, ack, data.unwrap_or(Value::Null)).await;
            },
        );
    }
    {
        let gw = gw.clone();
        socket.on(
            EV_ACK,
            move |s: SocketRef, TryData::<Value>(data)| async move {
                ack(&gw, &s, data.unwrap_or(Value::Null)).await;
            },
        );
    }
    {
        let gw = gw.clone();
        socket.on(
            EV_STATUS,
            move |s: SocketRef, TryData::<Value>(data)| async move {
                status(&gw, &s, data.unwrap_or(Value::Null)).await;
            },
        );
    }
    {
        let gw = gw.clone();
        socket.on(EV_PONG, move |s: SocketRef| async move {
            gw.devices.registry.touch(s.id, gw.clock.now());
        });
    }
    {
        let gw = gw.clone();
        // Events this gateway does not know still prove the device is alive.
        socket.on_fallback(move |s: SocketRef| async move {
            gw.devices.registry.touch(s.id, gw.clock.now());
        });
    }
    {
        let gw = gw.clone();
        socket.on_disconnect(move |s: SocketRef, reason: DisconnectReason| async move {
            disconnected(&gw, &lock, &s, reason).await;
        });
    }

    // Emitted only once the handlers exist: it tells the client the namespace is ready (a
    // rust_socketio client's `connect()` returns before that, and early emits get lost).
    // Rounded up: a device told "0 seconds" would think it is already too late.
    let window = gw.config.register_timeout.as_millis().div_ceil(1000);
    if let Err(e) = socket.emit(EV_HELLO, &json!({ "registerWithinSeconds": window })) {
        tracing::debug!(sid = %socket.id, error = %e, "sms gateway: hello not sent");
    }

    let (gw, socket) = (gw.clone(), socket.clone());
    tokio::spawn(async move {
        tokio::time::sleep(gw.config.register_timeout).await;
        if socket.connected() && gw.devices.registry.key_of(socket.id).is_none() {
            tracing::info!(sid = %socket.id, "sms gateway: unregistered socket dropped");
            if let Err(e) = socket.disconnect() {
                tracing::debug!(error = %e, "sms gateway: disconnect failed");
            }
        }
    });
}

/// `sms:register {authToken?, region?, deviceId?}`.
///
/// Answers `{success, message}` through the ack when the client asked for one, and always emits
/// `sms:registered {success, message, deviceId?, region?}` (rust_socketio clients cannot rely on
/// acks). A refused socket is disconnected at once: it will never be sent anything.
async fn register(
    gw: &Arc<SmsGateway>,
    lock: &SocketLock,
    socket: &SocketRef,
    reply: AckSender,
    data: Value,
) {
    let _serial = lock.lock().await;
    let request = RegisterRequest::from_value(&data);
    let outcome = match auth::authenticate(&gw.config, &gw.directory, request).await {
        Ok(identity) => bind(gw, socket, identity).await,
        Err(refusal) => Err(refusal),
    };
    let body = match &outcome {
        Ok(identity) => json!({
            "success": true,
            "message": format!("Registered as {} for region {}", identity.key.0, identity.region),
            "deviceId": identity.key.0,
            "region": identity.region,
        }),
        Err(refusal) => json!({ "success": false, "message": refusal.message() }),
    };
    if let Err(e) = reply.send(&json!({ "success": body["success"], "message": body["message"] })) {
        tracing::debug!(sid = %socket.id, error = %e, "sms gateway: register ack not sent");
    }
    if let Err(e) = socket.emit(EV_REGISTERED, &body) {
        tracing::debug!(sid = %socket.id, error = %e, "sms gateway: sms:registered not sent");
    }
    match outcome {
        Ok(identity) => tracing::info!(
            sid = %socket.id,
            device = %identity.key.0,
            region = %identity.region,
            proof = identity.proof.as_str(),
            "sms gateway: device registered"
        ),
        Err(refusal) => {
            tracing::warn!(
                sid = %socket.id,
                reason = refusal.message(),
                "sms gateway: registration refused"
            );
            // Queued after the replies on the same socket, so the device still reads why.
            if let Err(e) = socket.clone().disconnect() {
                tracing::debug!(error = %e, "sms gateway: disconnect failed");
            }
        }
    }
}

/// Makes an authenticated socket the device's connection, applying the duplicate-key rule (see
/// [`SmsGateway`]).
async fn bind(
    gw: &Arc<SmsGateway>,
    socket: &SocketRef,
    identity: Identity,
) -> Result<Identity, Refusal> {
    let now = gw.clock.now();
    match gw.devices.registry.claim(
        &identity.key,
        socket,
        &identity.region,
        now,
        identity.token_hash.as_deref(),
    ) {
        Claim::Added => {}
        Claim::Again => return Ok(identity),
        Claim::OtherKey => return Err(Refusal::AlreadyRegistered),
        Claim::Taken => return Err(Refusal::AlreadyConnected),
        Claim::TookOver(old) => {
            tracing::warn!(
                device = %identity.key.0,
                old_sid = %old.id,
                new_sid = %socket.id,
                "sms gateway: device token took over a connected device id"
            );
            // The old socket's own disconnect handler finds no registration (it was replaced),
            // so its in-flight messages are handed back here, before the new socket may receive
            // any: a message sent to the new socket can never be retried as the old one's.
            if let Err(e) = old.disconnect() {
                tracing::debug!(error = %e, "sms gateway: disconnect failed");
            }
            gw.dispatcher.on_disconnect(&identity.key).await;
            gw.devices.registry.activate(socket.id);
        }
    }
    // The socket may have gone while the token was checked and its disconnect handler may
    // already have run: undo, or the device would stay listed with a dead socket.
    if !socket.connected() {
        gw.devices.registry.remove_socket(socket.id);
        return Err(Refusal::Unavailable);
    }
    if let Err(e) = gw
        .directory
        .mark_connected(&identity.key, &identity.region, true, now)
        .await
    {
        // The in-memory registry is what dispatch uses; the row is for operators.
        tracing::warn!(device = %identity.key.0, error = %e, "sms gateway: connect not recorded");
    }
    Ok(identity)
}

/// `sms:ack {correlationId, status, error?}`: applied only as an ack of this socket's device; the
/// dispatcher further ignores it unless the message was sent to that device (CONTRACT §9 S2).
async fn ack(gw: &Arc<SmsGateway>, socket: &SocketRef, data: Value) {
    let Some(device) = gw.devices.registry.touch(socket.id, gw.clock.now()) else {
        tracing::warn!(sid = %socket.id, "sms gateway: ack from an unregistered socket ignored");
        return;
    };
    let Some((correlation_id, status, error)) = parse_ack(&data) else {
        tracing::warn!(device = %device.0, "sms gateway: unreadable ack ignored");
        return;
    };
    let outcome = gw
        .dispatcher
        .on_ack(&device, correlation_id, status, error)
        .await;
    // Operators follow dispatch outcomes in the logs (and in `sms_messages`): applied acks at
    // info, ignored ones (late, duplicate, or for another device's message) at warn.
    match outcome {
        alpha_sms_dispatch::AckOutcome::Applied => tracing::info!(
            device = %device.0,
            correlation_id = %correlation_id.0,
            status = ?status,
            "sms gateway: ack applied"
        ),
        alpha_sms_dispatch::AckOutcome::Ignored => tracing::warn!(
            device = %device.0,
            correlation_id = %correlation_id.0,
            status = ?status,
            "sms gateway: ack ignored (unknown, duplicate, late or not this device's message)"
        ),
    }
}

fn parse_ack(data: &Value) -> Option<(CorrelationId, AckStatus, Option<String>)> {
    let id = data.get("correlationId")?.as_str()?;
    let id = CorrelationId(Uuid::parse_str(id).ok()?);
    let status = match data.get("status")?.as_str()? {
        "sent" => AckStatus::Sent,
        "delivered" => AckStatus::Delivered,
        "failed" => AckStatus::Failed,
        _ => return None,
    };
    let error = data.get("error").and_then(Value::as_str).map(str::to_owned);
    Some((id, status, error))
}

/// `sms:status {batteryLevel?, signalStrength?, pendingSms?}`: stored for operators.
async fn status(gw: &Arc<SmsGateway>, socket: &SocketRef, data: Value) {
    let now = gw.clock.now();
    let Some(device) = gw.devices.registry.touch(socket.id, now) else {
        return;
    };
    if let Err(e) = gw
        .directory
        .record_status(&device, parse_status(&data), now)
        .await
    {
        tracing::warn!(device = %device.0, error = %e, "sms gateway: status not recorded");
    }
}

fn parse_status(data: &Value) -> DeviceStatus {
    // Apps report integers, but a float (battery 87.5) is rounded rather than dropped.
    let number = |name: &str| {
        let value = data.get(name)?;
        let n = value.as_i64().or_else(|| {
            value
                .as_f64()
                .filter(|f| f.is_finite())
                .map(|f| f.round() as i64)
        })?;
        i32::try_from(n).ok()
    };
    DeviceStatus {
        battery_level: number("batteryLevel"),
        signal_strength: number("signalStrength"),
        pending_sms: number("pendingSms"),
    }
}

async fn disconnected(
    gw: &Arc<SmsGateway>,
    lock: &SocketLock,
    socket: &SocketRef,
    reason: DisconnectReason,
) {
    let _serial = lock.lock().await;
    let Some((device, region)) = gw.devices.registry.remove_socket(socket.id) else {
        tracing::debug!(sid = %socket.id, %reason, "sms gateway: socket disconnected");
        return;
    };
    tracing::info!(device = %device.0, %reason, "sms gateway: device disconnected");
    gw.dispatcher.on_disconnect(&device).await;
    mark_disconnected(gw, &device, &region).await;
}

async fn mark_disconnected(gw: &Arc<SmsGateway>, device: &DeviceKey, region: &str) {
    if let Err(e) = gw
        .directory
        .mark_connected(device, region, false, gw.clock.now())
        .await
    {
        tracing::warn!(device = %device.0, error = %e, "sms gateway: disconnect not recorded");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ack_needs_a_uuid_and_a_known_status() {
        let id = Uuid::new_v4();
        let parsed = parse_ack(&json!({"correlationId": id.to_string(), "status": "delivered"}));
        assert_eq!(
            parsed,
            Some((CorrelationId(id), AckStatus::Delivered, None))
        );
        assert!(parse_ack(&json!({"correlationId": "req_1", "status": "sent"})).is_none());
        assert!(parse_ack(&json!({"correlationId": id.to_string(), "status": "ok"})).is_none());
        assert!(parse_ack(&Value::Null).is_none());
    }

    #[test]
    fn status_numbers_are_read_leniently() {
        let status =
            parse_status(&json!({"batteryLevel": 87.6, "signalStrength": -70, "pendingSms": "x"}));
        assert_eq!(status.battery_level, Some(88));
        assert_eq!(status.signal_strength, Some(-70));
        assert_eq!(status.pending_sms, None);
    }
}
