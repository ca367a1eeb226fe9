//! The SMS dispatch context's tables: `sms_devices` (the phones), `sms_queue` (the messages
//! waiting for a device, shared by every instance) and `sms_messages` (the attempt log).
//! Dispatch also writes one column of the OTP context's table, `otp_codes."dispatchStatus"`:
//! through the attempt log, and when the queue settles a message (in the same transaction).

mod attempts;
mod devices;
mod queue;
mod wakeups;

pub use attempts::PgDispatchRepo;
pub use devices::PgDeviceDirectory;
pub use queue::PgSmsQueue;
pub use wakeups::QueueWakeups;
