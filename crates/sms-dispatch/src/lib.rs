//! SMS dispatch domain: routing codes to devices. Until the device gateway exists it offers only
//! [`NoSmsDevice`].

use alpha_otp::{OtpSms, SmsOutcome, SmsSender};

/// The stand-in [`SmsSender`] until the device gateway exists: it reports every SMS as
/// [`SmsOutcome::Unavailable`] rather than pretending success, so the code is recorded `failed`
/// and the client is told no SMS went out.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoSmsDevice;

#[async_trait::async_trait]
impl SmsSender for NoSmsDevice {
    async fn send_otp(&self, _sms: OtpSms) -> SmsOutcome {
        SmsOutcome::Unavailable
    }
}
