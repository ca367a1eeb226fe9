//! What dispatch needs from the outside world.

use std::time::Duration;

use alpha_kernel::RepoError;
use alpha_otp::{DispatchStatus, OtpId};

use chrono::{DateTime, Utc};

use crate::types::{
    AttemptRecord, CorrelationId, DeviceCredential, DeviceInfo, DeviceKey, DeviceStatus,
    DeviceView, OutboundSms,
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

    /// Every known device, for operators.
    ///
    /// Errors: [`RepoError`].
    async fn list(&self) -> Result<Vec<DeviceView>, RepoError>;
}
