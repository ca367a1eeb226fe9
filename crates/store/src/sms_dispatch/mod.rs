//! The SMS dispatch context's tables: `sms_devices` (the phones) and `sms_messages` (the attempt
//! log). The attempt log also moves `otp_codes."dispatchStatus"`, the one column of the OTP
//! context's table that dispatch writes.

mod attempts;
mod devices;

pub use attempts::PgDispatchRepo;
pub use devices::PgDeviceDirectory;
