//! The stand-in sender when no device gateway runs.

use alpha_otp::{OtpSms, SmsOutcome, SmsSender};

/// Reports every SMS as [`SmsOutcome::Unavailable`] rather than pretending success, so the code is
/// recorded `failed` and the client is told no SMS went out.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoSmsDevice;

#[async_trait::async_trait]
impl SmsSender for NoSmsDevice {
    async fn send_otp(&self, _sms: OtpSms) -> SmsOutcome {
        SmsOutcome::Unavailable
    }
}
