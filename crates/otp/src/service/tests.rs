//! `OtpService` against mockall mocks of its ports, a recording rate limiter and a fixed clock.

use std::sync::Mutex;
use std::time::Duration;

use alpha_kernel::RepoError;
use chrono::TimeZone;
use mockall::predicate::eq;

use super::*;
use crate::ports::{MockCodeGenerator, MockCodeHasher, MockOtpRepo, MockSmsSender};
use crate::types::ActiveOtp;

const NORMAL: &str = "+99361234567";
const LISTED_TEST: &str = "+99361999991";

struct FixedClock(DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

/// Answers every hit with `decision` and remembers what it was asked.
struct RecordingLimiter {
    decision: RateDecision,
    hits: Mutex<Vec<(String, u32, Duration)>>,
}

#[async_trait::async_trait]
impl RateLimiter for RecordingLimiter {
    async fn hit(
        &self,
        key: &str,
        limit: u32,
        window: Duration,
    ) -> Result<RateDecision, RepoError> {
        self.hits
            .lock()
            .unwrap()
            .push((key.to_owned(), limit, window));
        Ok(self.decision)
    }
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap()
}

fn phone(e164: &str) -> Phone {
    Phone::from_stored(e164)
}

fn code(digits: &str) -> OtpCode {
    OtpCode::parse(digits).unwrap()
}

fn test_numbers() -> TestNumbers {
    TestNumbers {
        enabled: true,
        production: false,
        allow_in_production: false,
        numbers: vec!["99361999991".into(), "99365000000".into()],
        production_numbers: vec![],
        prefix: "9936199999".into(),
        expose_code: false,
    }
}

fn config() -> OtpConfig {
    OtpConfig {
        ttl: Duration::from_secs(300),
        code_length: 5,
        max_attempts: 5,
        phone_limit: 3,
        phone_window: Duration::from_secs(60),
        test_numbers: test_numbers(),
    }
}

/// The service's collaborators, set up per test before building it.
struct Parts {
    repo: MockOtpRepo,
    hasher: MockCodeHasher,
    codes: MockCodeGenerator,
    sms: MockSmsSender,
    limiter: Arc<RecordingLimiter>,
    config: OtpConfig,
}

impl Parts {
    fn new() -> Self {
        Self {
            repo: MockOtpRepo::new(),
            hasher: MockCodeHasher::new(),
            codes: MockCodeGenerator::new(),
            sms: MockSmsSender::new(),
            limiter: Arc::new(RecordingLimiter {
                decision: RateDecision::Allowed,
                hits: Mutex::new(Vec::new()),
            }),
            config: config(),
        }
    }

    fn limited(mut self, retry_after_secs: u64) -> Self {
        self.limiter = Arc::new(RecordingLimiter {
            decision: RateDecision::Limited { retry_after_secs },
            hits: Mutex::new(Vec::new()),
        });
        self
    }

    /// The service plus the limiter, whose recorded hits tests inspect afterwards.
    fn build(self) -> (OtpService, Arc<RecordingLimiter>) {
        let limiter = Arc::clone(&self.limiter);
        let service = OtpService::new(
            Arc::new(self.repo),
            Arc::new(self.hasher),
            Arc::new(self.codes),
            Arc::new(self.sms),
            self.limiter,
            Arc::new(FixedClock(now())),
            self.config,
        );
        (service, limiter)
    }
}

fn send_req(e164: &str) -> SendOtp {
    SendOtp {
        phone: phone(e164),
        ip_address: Some("10.0.0.7".into()),
        user_agent: Some("AlphaMotors/1.0".into()),
    }
}

/// Records every inserted row so tests can compare ids across calls.
fn record_inserts(repo: &mut MockOtpRepo) -> Arc<Mutex<Vec<NewOtp>>> {
    let inserted = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&inserted);
    repo.expect_replace_live().times(1).returning(move |new| {
        sink.lock().unwrap().push(new);
        Ok(())
    });
    inserted
}

fn only_insert(inserted: &Mutex<Vec<NewOtp>>) -> NewOtp {
    let rows = inserted.lock().unwrap();
    assert_eq!(rows.len(), 1);
    rows[0].clone()
}

// ---- send ----

#[tokio::test]
async fn send_hashes_stores_and_dispatches_a_fresh_code() {
    let mut parts = Parts::new();
    parts
        .codes
        .expect_generate()
        .with(eq(5))
        .times(1)
        .returning(|_| code("04321"));
    let hashed_ids = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&hashed_ids);
    parts
        .hasher
        .expect_hash()
        .withf(|_, p, c| p.as_str() == NORMAL && c.expose() == "04321")
        .times(1)
        .returning(move |id, _, _| {
            sink.lock().unwrap().push(id);
            "hmac-sha256:v1:stored".into()
        });
    let inserted = record_inserts(&mut parts.repo);
    let sent_sms = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&sent_sms);
    parts.sms.expect_send_otp().times(1).returning(move |sms| {
        sink.lock().unwrap().push(sms);
        SmsOutcome::Accepted
    });
    parts.repo.expect_set_dispatch_status().never();
    let (service, limiter) = parts.build();

    let sent = service.send(send_req(NORMAL)).await.unwrap();

    let expires = now() + TimeDelta::seconds(300);
    assert_eq!(
        *limiter.hits.lock().unwrap(),
        vec![(
            "otp:phone:login:+99361234567".to_owned(),
            3,
            Duration::from_secs(60)
        )]
    );
    let row = only_insert(&inserted);
    assert_eq!(row.id, sent.request_id);
    assert_eq!(*hashed_ids.lock().unwrap(), vec![sent.request_id]);
    assert_eq!(row.phone, phone(NORMAL));
    assert_eq!(row.purpose, OtpPurpose::Login);
    assert_eq!(row.code_hash, "hmac-sha256:v1:stored");
    assert_eq!(row.created_at, now());
    assert_eq!(row.expires_at, expires);
    assert_eq!(row.max_attempts, 5);
    assert_eq!(row.ip_address.as_deref(), Some("10.0.0.7"));
    assert_eq!(row.user_agent.as_deref(), Some("AlphaMotors/1.0"));
    assert_eq!(
        *sent_sms.lock().unwrap(),
        vec![OtpSms {
            otp_id: sent.request_id,
            phone: phone(NORMAL),
            code: code("04321"),
            expires_at: expires,
            ttl_secs: 300,
        }]
    );
    assert_eq!(sent.via, SentVia::Sms);
    assert_eq!(sent.phone, phone(NORMAL));
    assert_eq!(sent.expires_at, expires);
    assert_eq!(sent.test_code, None);
}

#[tokio::test]
async fn send_without_a_device_marks_the_code_failed() {
    let mut parts = Parts::new();
    parts.codes.expect_generate().returning(|_| code("55555"));
    parts.hasher.expect_hash().returning(|_, _, _| "h".into());
    let inserted = record_inserts(&mut parts.repo);
    parts
        .sms
        .expect_send_otp()
        .times(1)
        .returning(|_| SmsOutcome::Unavailable);
    let statuses = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&statuses);
    parts
        .repo
        .expect_set_dispatch_status()
        .returning(move |id, status| {
            sink.lock().unwrap().push((id, status));
            Ok(())
        });
    let (service, _) = parts.build();

    let sent = service.send(send_req(NORMAL)).await.unwrap();

    assert_eq!(sent.via, SentVia::NotDispatched);
    assert_eq!(only_insert(&inserted).id, sent.request_id);
    assert_eq!(
        *statuses.lock().unwrap(),
        vec![(sent.request_id, DispatchStatus::Failed)]
    );
}

#[tokio::test]
async fn send_over_the_phone_limit_is_refused_and_writes_nothing() {
    let mut parts = Parts::new().limited(42);
    parts.codes.expect_generate().never();
    parts.hasher.expect_hash().never();
    parts.repo.expect_replace_live().never();
    parts.sms.expect_send_otp().never();
    let (service, limiter) = parts.build();

    let err = service.send(send_req(NORMAL)).await.unwrap_err();

    assert!(
        matches!(
            err,
            SendOtpError::RateLimited {
                retry_after_secs: 42
            }
        ),
        "{err:?}"
    );
    assert_eq!(limiter.hits.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn send_reports_a_store_failure_and_sends_no_sms() {
    let mut parts = Parts::new();
    parts.codes.expect_generate().returning(|_| code("55555"));
    parts.hasher.expect_hash().returning(|_, _, _| "h".into());
    parts
        .repo
        .expect_replace_live()
        .returning(|_| Err(RepoError::Unavailable("pool exhausted".into())));
    parts.sms.expect_send_otp().never();
    let (service, _) = parts.build();

    let err = service.send(send_req(NORMAL)).await.unwrap_err();

    assert!(
        matches!(err, SendOtpError::Infrastructure(RepoError::Unavailable(_))),
        "{err:?}"
    );
}

/// Expectations for a test-number send: the fixed code is hashed and stored, nothing else runs.
fn expect_test_number_send(parts: &mut Parts) -> Arc<Mutex<Vec<NewOtp>>> {
    parts.codes.expect_generate().never();
    parts
        .hasher
        .expect_hash()
        .withf(|_, _, c| c.expose() == "12345")
        .times(1)
        .returning(|_, _, _| "hash-of-12345".into());
    parts.sms.expect_send_otp().never();
    parts.repo.expect_set_dispatch_status().never();
    record_inserts(&mut parts.repo)
}

#[tokio::test]
async fn send_to_test_number_uses_fixed_code_without_limit_or_sms() {
    let mut parts = Parts::new().limited(60);
    let inserted = expect_test_number_send(&mut parts);
    let (service, limiter) = parts.build();

    let sent = service.send(send_req(LISTED_TEST)).await.unwrap();

    assert_eq!(sent.via, SentVia::TestNumber);
    assert_eq!(
        sent.test_code, None,
        "code exposed without OTP_TEST_CODE_RESPONSE"
    );
    assert!(limiter.hits.lock().unwrap().is_empty());
    let row = only_insert(&inserted);
    assert_eq!(row.id, sent.request_id);
    assert_eq!(row.code_hash, "hash-of-12345");
    assert_eq!(row.expires_at, now() + TimeDelta::seconds(300));
}

#[tokio::test]
async fn send_to_test_number_exposes_code_only_when_configured() {
    let mut parts = Parts::new();
    parts.config.test_numbers.expose_code = true;
    let _inserted = expect_test_number_send(&mut parts);
    let (service, _) = parts.build();

    let sent = service.send(send_req(LISTED_TEST)).await.unwrap();

    assert_eq!(sent.via, SentVia::TestNumber);
    assert_eq!(sent.test_code, Some(code("12345")));
}

#[tokio::test]
async fn expose_code_never_reveals_a_real_code() {
    let mut parts = Parts::new();
    parts.config.test_numbers.expose_code = true;
    parts.codes.expect_generate().returning(|_| code("98765"));
    parts.hasher.expect_hash().returning(|_, _, _| "h".into());
    let _inserted = record_inserts(&mut parts.repo);
    parts
        .sms
        .expect_send_otp()
        .returning(|_| SmsOutcome::Accepted);
    let (service, _) = parts.build();

    let sent = service.send(send_req(NORMAL)).await.unwrap();

    assert_eq!(sent.via, SentVia::Sms);
    assert_eq!(sent.test_code, None);
}

#[tokio::test]
async fn listed_number_in_production_without_allow_gets_a_real_code() {
    let mut parts = Parts::new();
    parts.config.test_numbers.production = true;
    parts
        .codes
        .expect_generate()
        .times(1)
        .returning(|_| code("24680"));
    parts
        .hasher
        .expect_hash()
        .withf(|_, _, c| c.expose() == "24680")
        .returning(|_, _, _| "h".into());
    let _inserted = record_inserts(&mut parts.repo);
    parts
        .sms
        .expect_send_otp()
        .times(1)
        .returning(|_| SmsOutcome::Accepted);
    let (service, limiter) = parts.build();

    let sent = service.send(send_req(LISTED_TEST)).await.unwrap();

    assert_eq!(sent.via, SentVia::Sms);
    assert_eq!(limiter.hits.lock().unwrap().len(), 1);
}

// ---- test-number rules (CONTRACT §5.3) ----

fn is_test(numbers: &TestNumbers, e164: &str) -> bool {
    let mut parts = Parts::new();
    parts.config.test_numbers = numbers.clone();
    parts.build().0.is_test_number(&phone(e164))
}

#[test]
fn test_numbers_are_listed_or_prefixed_outside_production() {
    let rules = test_numbers();
    assert!(is_test(&rules, "+99361999991"), "listed");
    assert!(is_test(&rules, "+99365000000"), "listed outside the prefix");
    assert!(is_test(&rules, "+99361999990"), "prefix, low end");
    assert!(is_test(&rules, "+99361999999"), "prefix, high end");
    assert!(
        is_test(&rules, "+993619999901"),
        "longer number with the prefix"
    );
    assert!(!is_test(&rules, "+99361999989"), "just below the prefix");
    assert!(!is_test(&rules, NORMAL));
}

#[test]
fn test_mode_off_means_no_test_numbers() {
    let rules = TestNumbers {
        enabled: false,
        ..test_numbers()
    };
    assert!(!is_test(&rules, "+99361999991"));
    assert!(!is_test(&rules, "+99361999999"));
}

#[test]
fn production_without_allow_means_no_test_numbers() {
    let rules = TestNumbers {
        production: true,
        allow_in_production: false,
        production_numbers: vec!["99361999991".into()],
        ..test_numbers()
    };
    assert!(!is_test(&rules, "+99361999991"));
    assert!(!is_test(&rules, "+99361999999"));
}

#[test]
fn production_with_allow_and_a_production_list_uses_only_that_list() {
    let rules = TestNumbers {
        production: true,
        allow_in_production: true,
        production_numbers: vec!["99362000000".into()],
        ..test_numbers()
    };
    assert!(is_test(&rules, "+99362000000"));
    assert!(!is_test(&rules, "+99361999991"), "ordinary list ignored");
    assert!(!is_test(&rules, "+99361999999"), "prefix ignored");
}

#[test]
fn production_with_allow_and_no_production_list_uses_the_ordinary_rule() {
    let rules = TestNumbers {
        production: true,
        allow_in_production: true,
        ..test_numbers()
    };
    assert!(is_test(&rules, "+99361999991"));
    assert!(is_test(&rules, "+99361999995"));
    assert!(!is_test(&rules, NORMAL));
}

#[test]
fn an_empty_prefix_matches_nothing() {
    let rules = TestNumbers {
        prefix: String::new(),
        ..test_numbers()
    };
    assert!(!is_test(&rules, NORMAL));
    assert!(!is_test(&rules, "+99361999995"));
    assert!(is_test(&rules, "+99361999991"), "the list still applies");
}

// ---- verify ----

fn otp_id() -> OtpId {
    OtpId(Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef))
}

fn live(attempts: i32) -> ActiveOtp {
    ActiveOtp {
        id: otp_id(),
        code_hash: "stored-hash".into(),
        attempts,
        max_attempts: 5,
        expires_at: now() + TimeDelta::seconds(120),
    }
}

fn verify_req(digits: &str) -> VerifyOtp {
    VerifyOtp {
        phone: phone(NORMAL),
        code: code(digits),
    }
}

fn expect_find(parts: &mut Parts, found: Option<ActiveOtp>) {
    parts
        .repo
        .expect_find_live()
        .withf(|p, purpose, at| {
            p.as_str() == NORMAL && *purpose == OtpPurpose::Login && *at == now()
        })
        .times(1)
        .returning(move |_, _, _| Ok(found.clone()));
}

#[tokio::test]
async fn verify_without_a_live_code_is_not_found() {
    let mut parts = Parts::new();
    expect_find(&mut parts, None);
    parts.repo.expect_record_attempt().never();
    let (service, _) = parts.build();

    let err = service.verify(verify_req("12345")).await.unwrap_err();

    assert!(matches!(err, VerifyOtpError::NotFound), "{err:?}");
}

#[tokio::test]
async fn verify_of_a_spent_code_refuses_before_counting() {
    let mut parts = Parts::new();
    expect_find(&mut parts, Some(live(5)));
    parts.repo.expect_record_attempt().never();
    parts.hasher.expect_verify().never();
    let (service, _) = parts.build();

    let err = service.verify(verify_req("12345")).await.unwrap_err();

    assert!(
        matches!(err, VerifyOtpError::MaxAttempts { request_id } if request_id == otp_id()),
        "{err:?}"
    );
}

#[tokio::test]
async fn verify_exhausted_while_counting_is_max_attempts() {
    let mut parts = Parts::new();
    expect_find(&mut parts, Some(live(4)));
    parts
        .repo
        .expect_record_attempt()
        .with(eq(otp_id()), eq(now()))
        .times(1)
        .returning(|_, _| Ok(AttemptRecord::Exhausted));
    parts.hasher.expect_verify().never();
    let (service, _) = parts.build();

    let err = service.verify(verify_req("12345")).await.unwrap_err();

    assert!(
        matches!(err, VerifyOtpError::MaxAttempts { request_id } if request_id == otp_id()),
        "{err:?}"
    );
}

#[tokio::test]
async fn verify_of_a_code_gone_while_counting_is_not_found() {
    let mut parts = Parts::new();
    expect_find(&mut parts, Some(live(0)));
    parts
        .repo
        .expect_record_attempt()
        .times(1)
        .returning(|_, _| Ok(AttemptRecord::Gone));
    parts.hasher.expect_verify().never();
    let (service, _) = parts.build();

    let err = service.verify(verify_req("12345")).await.unwrap_err();

    assert!(matches!(err, VerifyOtpError::NotFound), "{err:?}");
}

#[tokio::test]
async fn wrong_codes_report_four_to_zero_remaining_then_max_attempts() {
    let mut parts = Parts::new();
    // A tiny in-memory row honouring the port's contract: counts up to the maximum, no further.
    let attempts = Arc::new(Mutex::new(0));
    let seen = Arc::clone(&attempts);
    parts
        .repo
        .expect_find_live()
        .returning(move |_, _, _| Ok(Some(live(*seen.lock().unwrap()))));
    let counter = Arc::clone(&attempts);
    parts.repo.expect_record_attempt().returning(move |_, _| {
        let mut n = counter.lock().unwrap();
        if *n >= 5 {
            return Ok(AttemptRecord::Exhausted);
        }
        *n += 1;
        Ok(AttemptRecord::Counted {
            attempts: *n,
            max_attempts: 5,
        })
    });
    parts
        .hasher
        .expect_verify()
        .withf(|stored, id, p, c| {
            stored == "stored-hash"
                && *id == otp_id()
                && p.as_str() == NORMAL
                && c.expose() == "11111"
        })
        .times(5)
        .returning(|_, _, _, _| false);
    parts.repo.expect_consume().never();
    let (service, _) = parts.build();

    let mut remaining = Vec::new();
    for _ in 0..5 {
        match service.verify(verify_req("11111")).await {
            Err(VerifyOtpError::Invalid {
                request_id,
                remaining: left,
            }) => {
                assert_eq!(request_id, otp_id());
                remaining.push(left);
            }
            other => panic!("expected Invalid, got {other:?}"),
        }
    }
    assert_eq!(remaining, vec![4, 3, 2, 1, 0]);

    let sixth = service.verify(verify_req("11111")).await.unwrap_err();
    assert!(
        matches!(sixth, VerifyOtpError::MaxAttempts { request_id } if request_id == otp_id()),
        "{sixth:?}"
    );
    assert_eq!(*attempts.lock().unwrap(), 5);
}

#[tokio::test]
async fn right_code_is_consumed_and_proves_the_phone() {
    let mut parts = Parts::new();
    expect_find(&mut parts, Some(live(2)));
    parts
        .repo
        .expect_record_attempt()
        .times(1)
        .returning(|_, _| {
            Ok(AttemptRecord::Counted {
                attempts: 3,
                max_attempts: 5,
            })
        });
    parts
        .hasher
        .expect_verify()
        .withf(|stored, id, p, c| {
            stored == "stored-hash"
                && *id == otp_id()
                && p.as_str() == NORMAL
                && c.expose() == "24680"
        })
        .times(1)
        .returning(|_, _, _, _| true);
    parts
        .repo
        .expect_consume()
        .with(eq(otp_id()), eq(now()))
        .times(1)
        .returning(|_, _| Ok(true));
    let (service, _) = parts.build();

    let verified = service.verify(verify_req("24680")).await.unwrap();

    assert_eq!(
        verified,
        VerifiedOtp {
            request_id: otp_id(),
            phone: phone(NORMAL),
        }
    );
}

#[tokio::test]
async fn right_code_consumed_concurrently_by_another_caller_is_not_found() {
    let mut parts = Parts::new();
    expect_find(&mut parts, Some(live(0)));
    parts.repo.expect_record_attempt().returning(|_, _| {
        Ok(AttemptRecord::Counted {
            attempts: 1,
            max_attempts: 5,
        })
    });
    parts.hasher.expect_verify().returning(|_, _, _, _| true);
    parts
        .repo
        .expect_consume()
        .times(1)
        .returning(|_, _| Ok(false));
    let (service, _) = parts.build();

    let err = service.verify(verify_req("24680")).await.unwrap_err();

    assert!(matches!(err, VerifyOtpError::NotFound), "{err:?}");
}

#[tokio::test]
async fn verify_reports_a_store_failure() {
    let mut parts = Parts::new();
    parts
        .repo
        .expect_find_live()
        .returning(|_, _, _| Err(RepoError::Unavailable("down".into())));
    let (service, _) = parts.build();

    let err = service.verify(verify_req("24680")).await.unwrap_err();

    assert!(
        matches!(
            err,
            VerifyOtpError::Infrastructure(RepoError::Unavailable(_))
        ),
        "{err:?}"
    );
}

#[test]
fn absurd_ttl_saturates_instead_of_panicking() {
    let mut parts = Parts::new();
    parts.config.ttl = Duration::MAX;
    let (service, _) = parts.build();
    assert_eq!(service.expiry(now()), DateTime::<Utc>::MAX_UTC);
}
