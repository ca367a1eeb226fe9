//! One error enum per use case.

use alpha_kernel::RepoError;

use crate::types::OtpId;

#[derive(Debug, thiserror::Error)]
pub enum SendOtpError {
    /// Too many codes for this phone in the window (`OTP_RATE_LIMIT`).
    #[error("too many OTP requests for this phone")]
    RateLimited { retry_after_secs: u64 },
    #[error(transparent)]
    Infrastructure(#[from] RepoError),
}

#[derive(Debug, thiserror::Error)]
pub enum VerifyOtpError {
    /// No live code for this phone (none sent, expired, consumed, or replaced): `OTP_NOT_FOUND`.
    #[error("no valid OTP")]
    NotFound,
    /// The live code has used up its attempts: `OTP_MAX_ATTEMPTS`.
    #[error("maximum verification attempts exceeded")]
    MaxAttempts { request_id: OtpId },
    /// Wrong code; `remaining` more tries are allowed (4, 3, 2, 1, 0 for a maximum of 5).
    #[error("incorrect OTP")]
    Invalid { request_id: OtpId, remaining: u32 },
    #[error(transparent)]
    Infrastructure(#[from] RepoError),
}
