//! SMS dispatch domain: routes each OTP SMS to a healthy device of its region, waits for the
//! device's acknowledgement, retries on another device after a failure, a disconnect or a
//! timeout, and keeps `otp_codes."dispatchStatus"` and the attempt log up to date.
//!
//! Messages wait in a durable queue shared by every server instance ([`SmsQueue`]), so a code
//! requested on one instance is sent by a device connected to another, and a code held by an
//! instance that dies is taken over by another.
//!
//! The domain holds the rules and this instance's in-flight state; the socket gateway (an adapter) moves
//! bytes ([`DeviceLink`]), runs timers ([`Scheduler`]) and reports device events back to
//! [`Dispatcher`].

pub mod device_token;
mod dispatcher;
mod ports;
mod template;
mod types;

pub use dispatcher::{CLAIM_BATCH, Dispatcher};
pub use ports::{DeviceDirectory, DeviceLink, DispatchRepo, Scheduler, SmsQueue};
pub use template::render;
pub use types::{
    AckOutcome, AckStatus, AttemptOutcome, AttemptRecord, CorrelationId, DeviceCredential,
    DeviceInfo, DeviceKey, DeviceStatus, DeviceView, DispatchConfig, InstanceId, MessageId,
    OutboundSms, QueuedSms,
};
