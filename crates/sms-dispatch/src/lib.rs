//! SMS dispatch domain: routes each OTP SMS to a healthy device of its region, waits for the
//! device's acknowledgement, retries on another device after a failure, a disconnect or a
//! timeout, and keeps `otp_codes."dispatchStatus"` and the attempt log up to date.
//!
//! The domain holds the rules and the in-flight state; the socket gateway (an adapter) moves
//! bytes ([`DeviceLink`]), runs timers ([`Scheduler`]) and reports device events back to
//! [`Dispatcher`]. [`NoSmsDevice`] is the stand-in when no gateway runs.

pub mod device_token;
mod dispatcher;
mod no_device;
mod ports;
mod template;
mod types;

pub use dispatcher::Dispatcher;
pub use no_device::NoSmsDevice;
pub use ports::{DeliveryListener, DeviceDirectory, DeviceLink, DispatchRepo, Scheduler};
pub use template::render;
pub use types::{
    AckOutcome, AckStatus, AttemptOutcome, AttemptRecord, CorrelationId, DeviceCredential,
    DeviceInfo, DeviceKey, DeviceStatus, DeviceView, DispatchConfig, OutboundSms,
};
