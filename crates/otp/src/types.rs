//! Values of the OTP domain.

use alpha_kernel::Phone;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// `otp_codes.id`; also the `requestId` clients see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OtpId(pub Uuid);

/// `enum_otp_codes_purpose`. Only `Login` is used over HTTP today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OtpPurpose {
    Login,
    Register,
    VerifyPhone,
    ResetPassword,
    SensitiveAction,
}

impl OtpPurpose {
    /// The database enum label.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Login => "login",
            Self::Register => "register",
            Self::VerifyPhone => "verify_phone",
            Self::ResetPassword => "reset_password",
            Self::SensitiveAction => "sensitive_action",
        }
    }
}

/// `enum_otp_codes_dispatchStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DispatchStatus {
    Pending,
    Sent,
    Delivered,
    Failed,
}

impl DispatchStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
        }
    }
}

/// A code as typed by the user: ASCII digits only, 4 to 8 of them. Its `Debug` hides the value
/// so a code can never reach a log by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct OtpCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OtpCodeError {
    #[error("the code must be 4 to 8 digits")]
    Malformed,
}

impl OtpCode {
    /// Fewest digits a code may have.
    pub const MIN_LEN: usize = 4;
    /// Most digits a code may have.
    pub const MAX_LEN: usize = 8;

    /// Errors: [`OtpCodeError::Malformed`] for anything but 4 to 8 ASCII digits.
    pub fn parse(input: &str) -> Result<Self, OtpCodeError> {
        let ok = (Self::MIN_LEN..=Self::MAX_LEN).contains(&input.len())
            && input.bytes().all(|b| b.is_ascii_digit());
        if ok {
            Ok(Self(input.to_owned()))
        } else {
            Err(OtpCodeError::Malformed)
        }
    }

    /// For digits this crate made itself (the generator, the fixed test code), which are valid
    /// by construction: saves callers an error branch that cannot happen.
    pub(crate) fn from_trusted_digits(digits: String) -> Self {
        debug_assert!(Self::parse(&digits).is_ok(), "generated code out of shape");
        Self(digits)
    }

    /// The digits; handle with care (never log).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for OtpCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OtpCode(*****)")
    }
}

/// A row to insert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOtp {
    pub id: OtpId,
    pub phone: Phone,
    pub purpose: OtpPurpose,
    pub code_hash: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub max_attempts: i32,
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
}

/// The newest live (unconsumed, unexpired) code of a phone and purpose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveOtp {
    pub id: OtpId,
    pub code_hash: String,
    pub attempts: i32,
    pub max_attempts: i32,
    pub expires_at: DateTime<Utc>,
}

/// Input of [`crate::OtpService::send`] (the service lives in `service.rs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendOtp {
    pub phone: Phone,
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
}

/// How the code left (or did not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SentVia {
    /// A device accepted the SMS job (not yet acknowledged).
    Sms,
    /// A test number: fixed code, no SMS.
    TestNumber,
    /// No device could take it; the code exists but the user will not receive it.
    NotDispatched,
}

/// Output of a successful send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentOtp {
    pub request_id: OtpId,
    pub phone: Phone,
    pub expires_at: DateTime<Utc>,
    pub via: SentVia,
    /// Only for test numbers and only when the configuration exposes test codes.
    pub test_code: Option<OtpCode>,
}

/// Input of a verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyOtp {
    pub phone: Phone,
    pub code: OtpCode,
}

/// A code that was right and is now consumed: the phone is proven.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedOtp {
    pub request_id: OtpId,
    pub phone: Phone,
}
