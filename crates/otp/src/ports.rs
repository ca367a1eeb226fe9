//! What the OTP domain needs from the outside world.

use alpha_kernel::{Phone, RepoError};
use chrono::{DateTime, Utc};

use crate::types::{ActiveOtp, DispatchStatus, NewOtp, OtpCode, OtpId, OtpPurpose};

/// Outcome of counting one verification attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptRecord {
    /// Counted; `attempts` is the value after counting.
    Counted { attempts: i32, max_attempts: i32 },
    /// Not counted: the code had already used all its attempts.
    Exhausted,
    /// Not counted: the code is no longer live (consumed, replaced or expired meanwhile).
    Gone,
}

#[cfg_attr(test, mockall::automock)]
#[async_trait::async_trait]
pub trait OtpRepo: Send + Sync {
    /// Marks every live code of `new.phone` + `new.purpose` consumed (as of `new.created_at`) and
    /// inserts `new`, in one transaction, so at most one code per phone and purpose is live.
    ///
    /// Errors: [`RepoError`].
    async fn replace_live(&self, new: NewOtp) -> Result<(), RepoError>;

    /// The newest code of `phone` + `purpose` that is unconsumed and expires after `now`.
    ///
    /// Errors: [`RepoError`].
    async fn find_live(
        &self,
        phone: &Phone,
        purpose: OtpPurpose,
        now: DateTime<Utc>,
    ) -> Result<Option<ActiveOtp>, RepoError>;

    /// Atomically adds one attempt if the code is still live at `now` and below its maximum (a
    /// single conditional UPDATE ... RETURNING: concurrent callers can never count past the
    /// maximum).
    ///
    /// Errors: [`RepoError`].
    async fn record_attempt(
        &self,
        id: OtpId,
        now: DateTime<Utc>,
    ) -> Result<AttemptRecord, RepoError>;

    /// Atomically consumes the code if nobody has; returns whether this call did (exactly one of
    /// any number of concurrent callers gets `true`).
    ///
    /// Errors: [`RepoError`].
    async fn consume(&self, id: OtpId, now: DateTime<Utc>) -> Result<bool, RepoError>;

    /// Errors: [`RepoError`].
    async fn set_dispatch_status(&self, id: OtpId, status: DispatchStatus)
    -> Result<(), RepoError>;
}

/// Keyed hashing of codes for storage.
#[cfg_attr(test, mockall::automock)]
pub trait CodeHasher: Send + Sync {
    /// A hash bound to this code's id and phone, so a hash copied to another row is useless.
    fn hash(&self, id: OtpId, phone: &Phone, code: &OtpCode) -> String;
    /// Constant-time check; also accepts the old backend's bcrypt hashes (prefix `$2`).
    fn verify(&self, stored: &str, id: OtpId, phone: &Phone, code: &OtpCode) -> bool;
}

/// Randomness for codes, injectable so tests are deterministic.
#[cfg_attr(test, mockall::automock)]
pub trait CodeGenerator: Send + Sync {
    /// `length` uniformly random digits from the OS CSPRNG (leading zeros allowed).
    fn generate(&self, length: usize) -> OtpCode;
}

/// An OTP to deliver by SMS. The text is composed by the sender from its template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtpSms {
    pub otp_id: OtpId,
    pub phone: Phone,
    pub code: OtpCode,
    /// After this the code is useless: never send (or retry) past it.
    pub expires_at: DateTime<Utc>,
    pub ttl_secs: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmsOutcome {
    /// A device took the job; delivery continues in the background and updates
    /// `dispatchStatus` itself.
    Accepted,
    /// Nothing can send it now (no device). The caller records `failed`.
    Unavailable,
}

#[cfg_attr(test, mockall::automock)]
#[async_trait::async_trait]
pub trait SmsSender: Send + Sync {
    /// Hands the SMS over for delivery without waiting for the device's acknowledgement.
    async fn send_otp(&self, sms: OtpSms) -> SmsOutcome;
}
