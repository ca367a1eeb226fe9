//! The OTP context's errors at the edge: stable codes, and one `From` per domain error.

use actix_web::http::StatusCode;
use alpha_auth::LoginError;
use alpha_otp::{SendOtpError, VerifyOtpError};

use crate::error::ApiError;

pub(crate) const OTP_INVALID_PHONE: &str = "OTP_INVALID_PHONE";
pub(crate) const OTP_REQUIRED_FIELDS: &str = "OTP_REQUIRED_FIELDS";
pub(crate) const OTP_INVALID_FORMAT: &str = "OTP_INVALID_FORMAT";
pub(crate) const OTP_RATE_LIMIT: &str = "OTP_RATE_LIMIT";
pub(crate) const OTP_NOT_FOUND: &str = "OTP_NOT_FOUND";
pub(crate) const OTP_MAX_ATTEMPTS: &str = "OTP_MAX_ATTEMPTS";
pub(crate) const OTP_INVALID: &str = "OTP_INVALID";

impl From<SendOtpError> for ApiError {
    fn from(err: SendOtpError) -> Self {
        match err {
            SendOtpError::RateLimited { retry_after_secs } => ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                OTP_RATE_LIMIT,
                "Too many OTP requests for this phone. Please wait.",
            )
            .with_retry_after(retry_after_secs),
            SendOtpError::Infrastructure(repo) => ApiError::from_repo(&repo),
        }
    }
}

impl From<VerifyOtpError> for ApiError {
    fn from(err: VerifyOtpError) -> Self {
        match err {
            VerifyOtpError::NotFound => ApiError::unauthorized(
                OTP_NOT_FOUND,
                "No valid OTP found. Please request a new one.",
            ),
            VerifyOtpError::MaxAttempts { request_id } => ApiError::new(
                StatusCode::UNAUTHORIZED,
                OTP_MAX_ATTEMPTS,
                "Maximum verification attempts exceeded. Please request a new OTP.",
            )
            .with_request_id(request_id.0),
            VerifyOtpError::Invalid {
                request_id,
                remaining,
            } => ApiError::unauthorized(
                OTP_INVALID,
                format!("Incorrect OTP. {remaining} attempts remaining."),
            )
            .with_request_id(request_id.0),
            VerifyOtpError::Infrastructure(repo) => ApiError::from_repo(&repo),
        }
    }
}

/// Starting the session after a verified code.
impl From<LoginError> for ApiError {
    fn from(err: LoginError) -> Self {
        match err {
            LoginError::Infrastructure(repo) => ApiError::from_repo(&repo),
            LoginError::Signing => ApiError::internal(&err),
        }
    }
}
