//! The SMS-device gateway: Socket.IO namespace `/sms` (port 3091 by default), where the Android
//! phones that send OTP SMS connect. It is the socket adapter of the dispatch domain: it
//! implements [`DeviceLink`] (who is connected, emit `sms:send`) and [`Scheduler`] (ack timers),
//! and reports acks and disconnects to the [`Dispatcher`].
//!
//! Modules: [`config`] (settings), `auth` (credential checks), `registry` (connected devices),
//! `handlers` (events), `serve` (the hyper listener).

mod auth;
pub mod config;
mod handlers;
mod registry;
mod serve;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use alpha_kernel::{Clock, mask_phone};
use alpha_sms_dispatch::{
    CorrelationId, DeviceDirectory, DeviceInfo, DeviceKey, DeviceLink, Dispatcher, OutboundSms,
    Scheduler,
};
use serde_json::json;
use tokio::sync::mpsc;

pub use config::SmsGatewayConfig;
use registry::Registry;
pub use serve::NAMESPACE;

/// The `/sms` Socket.IO gateway.
///
/// # Protocol
/// Namespace `/sms`, path `/socket.io`. Event names and payloads are those of the old gateway.
/// - On connect the server emits `sms:hello {registerWithinSeconds}`; the client may emit once it
///   has it. A socket that has not registered within `register_timeout` is disconnected.
/// - `sms:register {authToken?, region?, deviceId?}` → ack `{success, message}` (when asked for)
///   and always the event `sms:registered {success, message, deviceId?, region?}`. Credentials,
///   in order: a per-device token `<device id>.<secret>` (the device key and region are the
///   `sms_devices` row's); the shared token (key = `deviceId` or `device-<region>`, region =
///   `region` or the default; an id that belongs to a device with its own token is refused);
///   with no shared token configured and `allow_unauthenticated` (development), nothing. Anything
///   else is refused with `Invalid auth token` and the socket is disconnected. A refused or
///   unregistered socket is never sent `sms:send`.
/// - `sms:send {correlationId, messageId, phone, text}` goes to the chosen device's socket.
///   `correlationId` names this attempt; `messageId` names the message through every attempt,
///   so a device offered a message it already sent (the instance that gave it the first time
///   died before hearing the ack) can acknowledge it again without sending it twice.
/// - `sms:ack {correlationId, status: "sent"|"delivered"|"failed", error?}` counts only as an ack
///   of the device this socket registered as; from an unregistered socket, or unreadable, it is
///   ignored.
/// - `sms:status {batteryLevel?, signalStrength?, pendingSms?}` is stored.
/// - `sms:ping {timestamp}` goes to every registered device every `ping_interval`; any event from
///   a device (`sms:pong` included) updates its last-seen time.
///
/// # Duplicate device key rule
/// A device key is held by at most one socket. When a key is already connected:
/// - a new registration with that device's **own token** (proof of identity) takes over: the old
///   socket is disconnected and its in-flight messages are retried by the dispatcher (as after
///   any disconnect), before anything is sent to the new socket;
/// - a new registration with the **shared token or no token** is refused with
///   `{success: false, message: "Device id already connected"}` and disconnected, so a client
///   that knows the shared token cannot displace a device and capture its codes.
pub struct SmsGateway {
    config: SmsGatewayConfig,
    directory: Arc<dyn DeviceDirectory>,
    clock: Arc<dyn Clock>,
    devices: Arc<SmsDevices>,
    /// Hears acks, disconnects and ack timeouts. The dispatcher was built on [`SmsDevices`],
    /// this gateway's outbound half, so nothing here is set after construction.
    dispatcher: Arc<Dispatcher>,
}

impl std::fmt::Debug for SmsGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmsGateway")
            .field("config", &self.config)
            .field("devices", &self.devices.registry.devices().len())
            .finish_non_exhaustive()
    }
}

/// The outbound half of the gateway, built first: the devices connected to this process
/// ([`DeviceLink`]: who is there, emit `sms:send`) and the ack timers ([`Scheduler`]). The
/// dispatcher is built on it; the inbound [`SmsGateway`] is built last, with the dispatcher.
pub struct SmsDevices {
    registry: Registry,
    clock: Arc<dyn Clock>,
    /// Expired ack timers, handed to the dispatcher by the serving gateway.
    timeouts: mpsc::UnboundedSender<CorrelationId>,
    expired: Mutex<Option<mpsc::UnboundedReceiver<CorrelationId>>>,
}

impl std::fmt::Debug for SmsDevices {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmsDevices")
            .field("devices", &self.registry.devices().len())
            .finish_non_exhaustive()
    }
}

impl SmsDevices {
    pub fn new(clock: Arc<dyn Clock>) -> Arc<Self> {
        let (timeouts, expired) = mpsc::unbounded_channel();
        Arc::new(Self {
            registry: Registry::default(),
            clock,
            timeouts,
            expired: Mutex::new(Some(expired)),
        })
    }

    /// The expired timers, once: the gateway that serves takes them.
    fn take_expired(&self) -> Option<mpsc::UnboundedReceiver<CorrelationId>> {
        self.expired
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
    }
}

impl SmsGateway {
    pub fn new(
        config: SmsGatewayConfig,
        directory: Arc<dyn DeviceDirectory>,
        clock: Arc<dyn Clock>,
        devices: Arc<SmsDevices>,
        dispatcher: Arc<Dispatcher>,
    ) -> Arc<Self> {
        Arc::new(Self {
            config,
            directory,
            clock,
            devices,
            dispatcher,
        })
    }

    /// Registered, connected devices right now (what the dispatcher sees).
    pub fn devices(&self) -> Vec<DeviceInfo> {
        self.devices.devices()
    }

    /// Disconnects devices whose token an operator disabled or rotated since they registered
    /// (`alpha-motors device disable|rotate-token` runs in another process). A directory that
    /// cannot be read leaves everyone connected: an outage must not drop every phone.
    pub(crate) async fn recheck_credentials(&self) {
        for (key, hash, socket) in self.devices.registry.token_sockets() {
            let still_valid = match self.directory.credential(&key).await {
                Ok(Some(c)) => c.enabled && c.token_hash == hash,
                Ok(None) => false,
                Err(e) => {
                    tracing::warn!(error = %e, "sms gateway: device directory unavailable");
                    return;
                }
            };
            if !still_valid {
                tracing::info!(device = %key.0, "sms gateway: device disabled or its token rotated; disconnecting");
                if let Err(e) = socket.disconnect() {
                    tracing::debug!(error = %e, "sms gateway: disconnect failed");
                }
            }
        }
    }

    /// Sends `sms:ping` to every registered device.
    fn ping_all(&self) {
        let timestamp = self.clock.now().timestamp_millis();
        for socket in self.devices.registry.sockets() {
            if let Err(e) = socket.emit(handlers::EV_PING, &json!({ "timestamp": timestamp })) {
                tracing::debug!(sid = %socket.id, error = %e, "sms gateway: ping not sent");
            }
        }
    }
}

impl DeviceLink for SmsDevices {
    /// A registered socket that is still connected has answered the transport heartbeat within
    /// the last ~20 s, so it counts as heard from now: old device apps send no events between
    /// acks and must not be judged stale for that.
    fn devices(&self) -> Vec<DeviceInfo> {
        let now = self.clock.now();
        self.registry
            .devices()
            .into_iter()
            .map(|d| DeviceInfo {
                last_seen: now,
                ..d
            })
            .collect()
    }

    fn send(&self, device: &DeviceKey, sms: &OutboundSms) -> bool {
        let Some(socket) = self.registry.socket(device) else {
            return false;
        };
        let payload = json!({
            "correlationId": sms.correlation_id.0.to_string(),
            "messageId": sms.message_id.0.to_string(),
            "phone": sms.phone,
            "text": sms.text,
        });
        match socket.emit(handlers::EV_SEND, &payload) {
            Ok(()) => {
                tracing::info!(
                    device = %device.0,
                    correlation_id = %sms.correlation_id.0,
                    phone = %mask_phone(&sms.phone),
                    "sms gateway: sms:send emitted"
                );
                true
            }
            Err(e) => {
                tracing::warn!(
                    device = %device.0,
                    correlation_id = %sms.correlation_id.0,
                    error = %e,
                    "sms gateway: sms:send failed"
                );
                false
            }
        }
    }
}

impl Scheduler for SmsDevices {
    fn ack_timeout(&self, correlation_id: CorrelationId, delay: Duration) {
        // The dispatcher calls this from its async methods, so a runtime is normally current;
        // without one the timer cannot run, and saying so beats a panic.
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            tracing::error!("sms gateway: no tokio runtime for an ack timer");
            return;
        };
        let timeouts = self.timeouts.clone();
        runtime.spawn(async move {
            tokio::time::sleep(delay).await;
            // Closed only when the process is going away.
            let _ = timeouts.send(correlation_id);
        });
    }
}
