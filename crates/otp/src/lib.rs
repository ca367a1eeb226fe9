//! OTP domain: issue and verify one-time codes for phone login, with expiry, attempt limits,
//! per-phone limits and test numbers. Ports: [`OtpRepo`], [`CodeHasher`], [`SmsSender`],
//! [`CodeGenerator`], plus the kernel's `Clock` and `RateLimiter`.

mod config;
mod errors;
mod generator;
mod hasher;
mod ports;
mod service;
mod types;

pub use config::{OtpConfig, TestNumbers};
pub use errors::{SendOtpError, VerifyOtpError};
pub use generator::OsRngCodes;
pub use hasher::HmacCodeHasher;
pub use ports::{AttemptRecord, CodeGenerator, CodeHasher, OtpRepo, OtpSms, SmsOutcome, SmsSender};
pub use service::{OtpService, funnel};
pub use types::{
    ActiveOtp, DispatchStatus, NewOtp, OtpCode, OtpCodeError, OtpId, OtpPurpose, SendOtp, SentOtp,
    SentVia, VerifiedOtp, VerifyOtp,
};
