//! Operator routes (admin role only).

pub(crate) mod sms_devices;
