//! What dispatch needs from the outside world.

use std::time::Duration;

use alpha_kernel::RepoError;
use alpha_otp::{DispatchStatus, OtpId};

use chrono::{DateTime, Utc};

use crate::types::{
    AttemptRecord, CorrelationId, DeviceCredential, DeviceInfo, DeviceKey, DeviceStatus,
    DeviceView, InstanceId, MessageId, OutboundSms, QueuedSms,
};

/// The connected devices (implemented by the SMS-device socket gateway).
#[cfg_attr(test, mockall::automock)]
pub trait DeviceLink: Send + Sync {
    /// Registered, connected devices right now.
    fn devices(&self) -> Vec<DeviceInfo>;
    /// Emits `sms:send` to `device`; `false` when it is no longer connected.
    fn send(&self, device: &DeviceKey, sms: &OutboundSms) -> bool;
}

/// Timers, run by the adapter: after `delay` it must call
/// [`crate::Dispatcher::on_timeout`] with `correlation_id` (late calls for a settled attempt are
/// harmless).
#[cfg_attr(test, mockall::automock)]
pub trait Scheduler: Send + Sync {
    fn ack_timeout(&self, correlation_id: CorrelationId, delay: Duration);
}

/// Persistence of dispatch outcomes.
#[cfg_attr(test, mockall::automock)]
#[async_trait::async_trait]
pub trait DispatchRepo: Send + Sync {
    /// Inserts or updates (by correlation id) one attempt of the log.
    ///
    /// Errors: [`RepoError`].
    async fn record_attempt(&self, attempt: AttemptRecord) -> Result<(), RepoError>;

    /// Sets `otp_codes."dispatchStatus"`. Never moves `delivered` back to `sent`.
    ///
    /// Errors: [`RepoError`].
    async fn set_otp_status(&self, otp_id: OtpId, status: DispatchStatus) -> Result<(), RepoError>;

    /// Counts a settled attempt on the device's row (sent or failed totals).
    ///
    /// Errors: [`RepoError`].
    async fn count_device_outcome(&self, device: &DeviceKey, sent: bool) -> Result<(), RepoError>;
}

/// The durable queue of OTP SMS shared by every instance (`sms_queue`). A message is either
/// waiting, or leased to one instance until a time; only the lease holder sends it, and a lease
/// left to run out (its holder died) lets any instance take the message over. A message leaves
/// the queue once a device sent it, or it failed for good, or its code expired.
#[async_trait::async_trait]
pub trait SmsQueue: Send + Sync {
    /// Stores `sms`: leased to `lease.0` until `lease.1` when this instance sends it at once,
    /// otherwise waiting, and then every instance is woken.
    ///
    /// Errors: [`RepoError`] (nothing was stored).
    async fn enqueue(
        &self,
        sms: &QueuedSms,
        lease: Option<(InstanceId, DateTime<Utc>)>,
    ) -> Result<(), RepoError>;

    /// Leases to `instance`, until `until`, at most `limit` messages that one of `devices` has
    /// not tried yet: waiting ones, and leased ones whose lease ran out before `now`; none whose
    /// code expired by `now` or that had `max_attempts` attempts. Oldest first; a message locked
    /// by another claim is skipped, never waited for.
    ///
    /// Errors: [`RepoError`].
    async fn claim(
        &self,
        instance: InstanceId,
        devices: &[DeviceKey],
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        max_attempts: u32,
        limit: u32,
    ) -> Result<Vec<QueuedSms>, RepoError>;

    /// Records attempt `attempt` (to `device`, as `correlation_id`) on a message leased to
    /// `instance` and extends the lease to `until`. `false`: the lease is no longer this
    /// instance's (it ran out and another instance took the message), so it must not be sent.
    ///
    /// Errors: [`RepoError`].
    async fn renew(
        &self,
        id: MessageId,
        instance: InstanceId,
        attempt: u32,
        device: &DeviceKey,
        correlation_id: CorrelationId,
        until: DateTime<Utc>,
    ) -> Result<bool, RepoError>;

    /// Hands a message this instance cannot send (none of its devices is left untried) back to
    /// the queue with its attempts so far, and wakes every instance.
    ///
    /// Errors: [`RepoError`].
    async fn release(
        &self,
        id: MessageId,
        instance: InstanceId,
        attempts: u32,
        tried: &[DeviceKey],
    ) -> Result<(), RepoError>;

    /// Removes a message whose code the OTP service itself marks (it was never sent).
    ///
    /// Errors: [`RepoError`].
    async fn remove(&self, id: MessageId) -> Result<(), RepoError>;

    /// Removes a message and sets its code's dispatch status to `status` (unless the code is
    /// already `delivered`), both or neither: a process that dies halfway can leave neither a
    /// sent code still queued (offered again) nor a removed one with no status (lost).
    ///
    /// Errors: [`RepoError`] (nothing changed).
    async fn settle(
        &self,
        id: MessageId,
        otp_id: OtpId,
        status: DispatchStatus,
    ) -> Result<(), RepoError>;

    /// Removes the messages whose code expired by `now` and that nobody holds a live lease on,
    /// and marks their codes `failed` (they were never sent), both or neither. Returns those
    /// codes.
    ///
    /// Errors: [`RepoError`] (nothing changed).
    async fn expire(&self, now: DateTime<Utc>) -> Result<Vec<OtpId>, RepoError>;

    /// Whether any instance has a device that could take a message: enabled, connected, heard
    /// from since `since`, and of `region` unless `region` is `None`.
    ///
    /// Errors: [`RepoError`].
    async fn device_anywhere(
        &self,
        region: Option<&str>,
        since: DateTime<Utc>,
    ) -> Result<bool, RepoError>;

    /// Messages waiting or leased (for the metrics and draining).
    ///
    /// Errors: [`RepoError`].
    async fn depth(&self) -> Result<u64, RepoError>;
}

/// Registered devices and their credentials (`sms_devices`).
#[cfg_attr(test, mockall::automock)]
#[async_trait::async_trait]
pub trait DeviceDirectory: Send + Sync {
    /// The credential of a per-device token's device id.
    ///
    /// Errors: [`RepoError`].
    async fn credential(&self, id: &DeviceKey) -> Result<Option<DeviceCredential>, RepoError>;

    /// Creates a device (`alpha-motors device add`) with an argon2id hash of its token.
    ///
    /// Errors: [`RepoError`].
    async fn create(
        &self,
        name: &str,
        region: &str,
        token_hash: &str,
    ) -> Result<DeviceKey, RepoError>;

    /// Records a connect (`connected = true`, upserting a row for devices that registered with
    /// the shared token) or a disconnect.
    ///
    /// Errors: [`RepoError`].
    async fn mark_connected(
        &self,
        id: &DeviceKey,
        region: &str,
        connected: bool,
        at: DateTime<Utc>,
    ) -> Result<(), RepoError>;

    /// Stores an `sms:status` heartbeat.
    ///
    /// Errors: [`RepoError`].
    async fn record_status(
        &self,
        id: &DeviceKey,
        status: DeviceStatus,
        at: DateTime<Utc>,
    ) -> Result<(), RepoError>;

    /// Marks `ids` as heard from at `at` (the gateway's liveness beat for its connected devices,
    /// which other instances read to know a device is up somewhere).
    ///
    /// Errors: [`RepoError`].
    async fn touch(&self, ids: &[DeviceKey], at: DateTime<Utc>) -> Result<(), RepoError>;

    /// Every known device, for operators.
    ///
    /// Errors: [`RepoError`].
    async fn list(&self) -> Result<Vec<DeviceView>, RepoError>;
}
