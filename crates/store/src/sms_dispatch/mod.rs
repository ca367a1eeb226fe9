//! The SMS dispatch context's tables: `sms_devices` (the phones), `sms_queue` (the messages
//! waiting for a device, shared by every instance) and `sms_messages` (the attempt log). The attempt log also moves `otp_codes."dispatchStatus"`, the one column of the OTP
//! context's table that dispatch writes.

mod attempts;
mod devices;
mod queue;
mod wakeups;

pub use attempts::PgDispatchRepo;
pub use devices::PgDeviceDirectory;
pub use queue::PgSmsQueue;
pub use wakeups::QueueWakeups;
