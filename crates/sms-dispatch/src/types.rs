//! Values of the dispatch domain.

use std::time::Duration;

use alpha_otp::OtpId;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A device's identity: the `deviceId` it registered with (or the `sms_devices.id` of its token).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeviceKey(pub String);

/// One delivery attempt's id, sent to the device and echoed in its `sms:ack`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CorrelationId(pub Uuid);

/// One OTP SMS in the durable queue, the same through every attempt and every instance. Sent to
/// devices as `messageId`, so a device offered a message again (after the instance that gave it
/// the first time died before hearing its ack) can tell it already sent it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MessageId(pub Uuid);

/// The running server process holding a lease (`sms_queue.leased_by`). A new one each start, so
/// a restarted process never mistakes its predecessor's leases for its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InstanceId(pub Uuid);

/// A message of the queue as an instance claims it. Holds the SMS text: never log it; `Debug`
/// hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct QueuedSms {
    pub id: MessageId,
    pub otp_id: OtpId,
    /// E.164.
    pub phone: String,
    pub text: String,
    pub expires_at: DateTime<Utc>,
    /// Attempts made so far, on every instance.
    pub attempts: u32,
    /// Every device tried so far, on every instance.
    pub tried: Vec<DeviceKey>,
    /// The attempt that was under way when the lease was taken over from a stopped instance:
    /// its log entry is closed as timed out.
    pub abandoned: Option<(CorrelationId, DeviceKey)>,
}

impl std::fmt::Debug for QueuedSms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueuedSms")
            .field("id", &self.id)
            .field("otp_id", &self.otp_id)
            .field("attempts", &self.attempts)
            .field("tried", &self.tried)
            .finish_non_exhaustive()
    }
}

/// A registered, connected device as the gateway sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceInfo {
    pub key: DeviceKey,
    pub region: String,
    /// Last event received from it (register, status, ack, pong).
    pub last_seen: DateTime<Utc>,
}

/// What goes to the device in `sms:send`. Holds the SMS text (with the code): never log or store
/// it; `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct OutboundSms {
    pub correlation_id: CorrelationId,
    pub message_id: MessageId,
    /// E.164.
    pub phone: String,
    pub text: String,
}

impl std::fmt::Debug for OutboundSms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutboundSms")
            .field("correlation_id", &self.correlation_id)
            .field("message_id", &self.message_id)
            .field("text", &"<redacted>")
            .finish_non_exhaustive()
    }
}

/// `sms:ack` `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckStatus {
    Sent,
    Delivered,
    Failed,
}

/// What the dispatcher made of an `sms:ack`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckOutcome {
    /// Applied to the attempt it names.
    Applied,
    /// Unknown correlation id, a duplicate, or sent by a device the message did not go to:
    /// nothing changed.
    Ignored,
}

/// How one attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// Emitted, waiting for the device.
    Pending,
    Sent,
    Delivered,
    Failed,
    /// No acknowledgement within the timeout.
    TimedOut,
    /// The device disconnected before acknowledging.
    Disconnected,
}

impl AttemptOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
            Self::TimedOut => "timed_out",
            Self::Disconnected => "disconnected",
        }
    }
}

/// One row of the attempt log (`sms_messages`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptRecord {
    pub correlation_id: CorrelationId,
    pub otp_id: OtpId,
    pub device: DeviceKey,
    /// 1 for the first device tried.
    pub attempt: u32,
    pub outcome: AttemptOutcome,
    pub error: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DispatchConfig {
    /// `SMS_OTP_TEMPLATE`: `{code}` and `{ttl}` (minutes) are substituted.
    pub template: String,
    /// Region of every OTP SMS today (`SMS_DEFAULT_REGION`).
    pub default_region: String,
    /// `SMS_ACK_TIMEOUT_SECONDS`.
    pub ack_timeout: Duration,
    /// `SMS_MAX_ATTEMPTS`: devices tried per code, at most.
    pub max_attempts: u32,
    /// A device not heard from for this long is not chosen.
    pub device_stale_after: Duration,
    /// Try devices of other regions when none of the region is healthy.
    pub any_region_fallback: bool,
    /// How long a claimed message stays with the instance past its ack timeout before any
    /// other instance may take it over (the holder crashed or lost its database connection).
    pub lease_grace: Duration,
}

/// A per-device credential (`sms_devices` row).
#[derive(Clone, PartialEq, Eq)]
pub struct DeviceCredential {
    pub key: DeviceKey,
    pub name: String,
    pub region: String,
    /// argon2id PHC string of the device's token secret.
    pub token_hash: String,
    pub enabled: bool,
}

impl std::fmt::Debug for DeviceCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceCredential")
            .field("key", &self.key)
            .field("region", &self.region)
            .field("enabled", &self.enabled)
            .finish_non_exhaustive()
    }
}

/// An `sms:status` heartbeat.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeviceStatus {
    pub battery_level: Option<i32>,
    pub signal_strength: Option<i32>,
    pub pending_sms: Option<i32>,
}

/// A device as operators see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceView {
    pub key: DeviceKey,
    pub name: Option<String>,
    pub region: String,
    pub enabled: bool,
    pub connected: bool,
    pub last_seen: Option<DateTime<Utc>>,
    pub battery_level: Option<i32>,
    pub signal_strength: Option<i32>,
    pub pending_sms: Option<i32>,
    pub sent_count: i64,
    pub failed_count: i64,
}
