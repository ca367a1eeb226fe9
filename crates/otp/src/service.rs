//! The OTP use cases: send a login code, verify it.

use std::sync::Arc;

use alpha_kernel::{Clock, Phone, RateDecision, RateLimiter};
use chrono::{DateTime, TimeDelta, Utc};
use uuid::Uuid;

use crate::config::{OtpConfig, TestNumbers};
use crate::errors::{SendOtpError, VerifyOtpError};
use crate::ports::{
    AttemptRecord, CodeGenerator, CodeHasher, OtpRepo, OtpSms, SmsOutcome, SmsSender,
};
use crate::types::{
    DispatchStatus, NewOtp, OtpCode, OtpId, OtpPurpose, SendOtp, SentOtp, SentVia, VerifiedOtp,
    VerifyOtp,
};

/// Only login goes over HTTP today (CONTRACT §5.4-§5.5).
const PURPOSE: OtpPurpose = OtpPurpose::Login;

/// Issues and verifies one-time login codes. Holds no state of its own: every invariant that
/// concurrency could break lives in the ports' atomic operations.
pub struct OtpService {
    repo: Arc<dyn OtpRepo>,
    hasher: Arc<dyn CodeHasher>,
    codes: Arc<dyn CodeGenerator>,
    sms: Arc<dyn SmsSender>,
    limiter: Arc<dyn RateLimiter>,
    clock: Arc<dyn Clock>,
    config: OtpConfig,
}

impl OtpService {
    pub fn new(
        repo: Arc<dyn OtpRepo>,
        hasher: Arc<dyn CodeHasher>,
        codes: Arc<dyn CodeGenerator>,
        sms: Arc<dyn SmsSender>,
        limiter: Arc<dyn RateLimiter>,
        clock: Arc<dyn Clock>,
        config: OtpConfig,
    ) -> Self {
        Self {
            repo,
            hasher,
            codes,
            sms,
            limiter,
            clock,
            config,
        }
    }

    /// Whether `phone` logs in with the fixed test code (CONTRACT §5.3).
    pub fn is_test_number(&self, phone: &Phone) -> bool {
        self.config.test_numbers.is_test(phone)
    }

    /// Issues a new login code for `req.phone`, replacing any live one, and hands it to the SMS
    /// sender (test numbers get the fixed code and no SMS).
    ///
    /// Errors: [`SendOtpError::RateLimited`] when the phone has had `phone_limit` codes in the
    /// window; [`SendOtpError::Infrastructure`] when the limiter or the repository fails.
    pub async fn send(&self, req: SendOtp) -> Result<SentOtp, SendOtpError> {
        let is_test = self.is_test_number(&req.phone);
        if !is_test {
            // Counted before anything is written, so a limited request leaves no row behind.
            let key = format!("otp:phone:{}:{}", PURPOSE.as_str(), req.phone.as_str());
            let decision = self
                .limiter
                .hit(&key, self.config.phone_limit, self.config.phone_window)
                .await?;
            if let RateDecision::Limited { retry_after_secs } = decision {
                return Err(SendOtpError::RateLimited { retry_after_secs });
            }
        }

        let code = if is_test {
            OtpCode::from_trusted_digits(TestNumbers::CODE.to_owned())
        } else {
            self.codes.generate(self.config.code_length)
        };
        let id = OtpId(Uuid::new_v4());
        let now = self.clock.now();
        let expires_at = self.expiry(now);
        self.repo
            .replace_live(NewOtp {
                id,
                phone: req.phone.clone(),
                purpose: PURPOSE,
                code_hash: self.hasher.hash(id, &req.phone, &code),
                created_at: now,
                expires_at,
                // A configured maximum beyond i32 is "unlimited" in practice; saturate.
                max_attempts: i32::try_from(self.config.max_attempts).unwrap_or(i32::MAX),
                ip_address: req.ip_address,
                user_agent: req.user_agent,
            })
            .await?;
        funnel("sent");

        if is_test {
            // No SMS: the row keeps `dispatchStatus = pending`, as the old backend left it.
            let test_code = self.config.test_numbers.expose_code.then_some(code);
            return Ok(SentOtp {
                request_id: id,
                phone: req.phone,
                expires_at,
                via: SentVia::TestNumber,
                test_code,
            });
        }

        let outcome = self
            .sms
            .send_otp(OtpSms {
                otp_id: id,
                phone: req.phone.clone(),
                code,
                expires_at,
                ttl_secs: self.config.ttl.as_secs(),
            })
            .await;
        let via = match outcome {
            // The dispatcher moves the status on from `pending` as the device reports back.
            SmsOutcome::Accepted => SentVia::Sms,
            SmsOutcome::Unavailable => {
                funnel("failed");
                self.repo
                    .set_dispatch_status(id, DispatchStatus::Failed)
                    .await?;
                SentVia::NotDispatched
            }
        };
        Ok(SentOtp {
            request_id: id,
            phone: req.phone,
            expires_at,
            via,
            test_code: None,
        })
    }

    /// Checks `req.code` against the live login code of `req.phone`; a right code is consumed.
    /// Every check counts as an attempt, right or wrong, before the code is compared.
    ///
    /// Errors: [`VerifyOtpError::NotFound`] (no live code, or it went away meanwhile),
    /// [`VerifyOtpError::MaxAttempts`], [`VerifyOtpError::Invalid`] with the tries left,
    /// [`VerifyOtpError::Infrastructure`].
    pub async fn verify(&self, req: VerifyOtp) -> Result<VerifiedOtp, VerifyOtpError> {
        let now = self.clock.now();
        let otp = self
            .repo
            .find_live(&req.phone, PURPOSE, now)
            .await?
            .ok_or_else(|| {
                funnel("expired");
                VerifyOtpError::NotFound
            })?;
        let request_id = otp.id;
        if otp.attempts >= otp.max_attempts {
            return Err(VerifyOtpError::MaxAttempts { request_id });
        }

        // The atomic count is the authority: `otp.attempts` above may already be stale.
        let (attempts, max_attempts) = match self.repo.record_attempt(otp.id, now).await? {
            AttemptRecord::Counted {
                attempts,
                max_attempts,
            } => (attempts, max_attempts),
            AttemptRecord::Exhausted => return Err(VerifyOtpError::MaxAttempts { request_id }),
            AttemptRecord::Gone => return Err(VerifyOtpError::NotFound),
        };

        if !self
            .hasher
            .verify(&otp.code_hash, otp.id, &req.phone, &req.code)
        {
            // Post-increment arithmetic: with a maximum of 5 the wrong tries report 4..0, and the
            // attempt after 0 is refused (fixes the old 3..-1 off-by-one, CONTRACT §9 B4).
            let remaining = u32::try_from(max_attempts.saturating_sub(attempts)).unwrap_or(0);
            return Err(VerifyOtpError::Invalid {
                request_id,
                remaining,
            });
        }

        if self.repo.consume(otp.id, now).await? {
            funnel("verified");
            Ok(VerifiedOtp {
                request_id,
                phone: req.phone,
            })
        } else {
            // A concurrent verify of the same code won; to this caller the code is gone.
            Err(VerifyOtpError::NotFound)
        }
    }

    /// `now + ttl`, saturating: an absurd configured TTL must not panic on overflow.
    fn expiry(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        TimeDelta::from_std(self.config.ttl)
            .ok()
            .and_then(|ttl| now.checked_add_signed(ttl))
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }
}

impl std::fmt::Debug for OtpService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OtpService")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests;

/// The login funnel, `otp_codes_total{stage}` (docs/OPERATIONS.md, Metrics): `sent` (a code
/// issued), `failed` (no device could take it), `expired` (a verify found no live code: expired,
/// used or replaced), `verified`; the dispatcher adds `dispatched` and `delivered`.
pub fn funnel(stage: &'static str) {
    metrics::counter!("otp_codes_total", "stage" => stage).increment(1);
}
