//! Dispatcher rules, against in-memory doubles of its ports and a settable clock.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use alpha_kernel::{Clock, DomainEvent, EventPublisher, Phone, RepoError};
use alpha_otp::{DispatchStatus, OtpCode, OtpId, OtpSms, SmsOutcome, SmsSender};
use chrono::{DateTime, TimeZone, Utc};
use uuid::Uuid;

use super::Dispatcher;
use crate::ports::{DeviceLink, DispatchRepo, Scheduler};
use crate::types::{
    AckOutcome, AckStatus, AttemptOutcome, AttemptRecord, CorrelationId, DeviceInfo, DeviceKey,
    DispatchConfig, OutboundSms,
};

// ---------------------------------------------------------------- doubles

struct FakeClock(Mutex<DateTime<Utc>>);

impl FakeClock {
    fn advance(&self, by: chrono::Duration) {
        let mut now = self.0.lock().unwrap();
        *now += by;
    }
}

impl Clock for FakeClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

#[derive(Default)]
struct FakeLink {
    devices: Mutex<Vec<DeviceInfo>>,
    /// Devices for which `send` reports "no longer connected".
    gone: Mutex<HashSet<DeviceKey>>,
    sent: Mutex<Vec<(DeviceKey, OutboundSms)>>,
}

impl FakeLink {
    fn set_devices(&self, devices: Vec<DeviceInfo>) {
        *self.devices.lock().unwrap() = devices;
    }
    fn vanish(&self, key: &str) {
        self.gone.lock().unwrap().insert(dev(key));
    }
    fn sent(&self) -> Vec<(DeviceKey, OutboundSms)> {
        self.sent.lock().unwrap().clone()
    }
    fn last(&self) -> (DeviceKey, OutboundSms) {
        self.sent().last().cloned().expect("nothing sent")
    }
}

impl DeviceLink for FakeLink {
    fn devices(&self) -> Vec<DeviceInfo> {
        self.devices.lock().unwrap().clone()
    }
    fn send(&self, device: &DeviceKey, sms: &OutboundSms) -> bool {
        if self.gone.lock().unwrap().contains(device) {
            return false;
        }
        self.sent
            .lock()
            .unwrap()
            .push((device.clone(), sms.clone()));
        true
    }
}

#[derive(Default)]
struct FakeScheduler(Mutex<Vec<(CorrelationId, Duration)>>);

impl FakeScheduler {
    fn timers(&self) -> Vec<(CorrelationId, Duration)> {
        self.0.lock().unwrap().clone()
    }
}

impl Scheduler for FakeScheduler {
    fn ack_timeout(&self, correlation_id: CorrelationId, delay: Duration) {
        self.0.lock().unwrap().push((correlation_id, delay));
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Event {
    Attempt(AttemptRecord),
    Status(OtpId, DispatchStatus),
    Count(DeviceKey, bool),
}

#[derive(Default)]
struct RecordingRepo {
    events: Mutex<Vec<Event>>,
    failing: AtomicBool,
}

impl RecordingRepo {
    fn events(&self) -> Vec<Event> {
        self.events.lock().unwrap().clone()
    }
    fn attempts(&self) -> Vec<AttemptRecord> {
        self.events()
            .into_iter()
            .filter_map(|e| match e {
                Event::Attempt(a) => Some(a),
                _ => None,
            })
            .collect()
    }
    fn statuses(&self) -> Vec<DispatchStatus> {
        self.events()
            .into_iter()
            .filter_map(|e| match e {
                Event::Status(_, s) => Some(s),
                _ => None,
            })
            .collect()
    }
    fn counts(&self) -> Vec<(DeviceKey, bool)> {
        self.events()
            .into_iter()
            .filter_map(|e| match e {
                Event::Count(d, s) => Some((d, s)),
                _ => None,
            })
            .collect()
    }
    fn push(&self, event: Event) -> Result<(), RepoError> {
        self.events.lock().unwrap().push(event);
        if self.failing.load(Ordering::SeqCst) {
            Err(RepoError::Unavailable("down".to_owned()))
        } else {
            Ok(())
        }
    }
}

#[async_trait::async_trait]
impl DispatchRepo for RecordingRepo {
    async fn record_attempt(&self, attempt: AttemptRecord) -> Result<(), RepoError> {
        self.push(Event::Attempt(attempt))
    }
    async fn set_otp_status(&self, otp_id: OtpId, status: DispatchStatus) -> Result<(), RepoError> {
        self.push(Event::Status(otp_id, status))
    }
    async fn count_device_outcome(&self, device: &DeviceKey, sent: bool) -> Result<(), RepoError> {
        self.push(Event::Count(device.clone(), sent))
    }
}

// ---------------------------------------------------------------- harness

const TEMPLATE: &str = "Code {code}, valid {ttl} min";
const PHONE: &str = "+99361999999";

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 1, 1, 12, 0, 0).unwrap()
}

fn dev(key: &str) -> DeviceKey {
    DeviceKey(key.to_owned())
}

fn config() -> DispatchConfig {
    DispatchConfig {
        template: TEMPLATE.to_owned(),
        default_region: "tm".to_owned(),
        ack_timeout: Duration::from_secs(30),
        max_attempts: 3,
        device_stale_after: Duration::from_secs(60),
        any_region_fallback: false,
    }
}

struct Harness {
    clock: Arc<FakeClock>,
    link: Arc<FakeLink>,
    scheduler: Arc<FakeScheduler>,
    repo: Arc<RecordingRepo>,
    published: Arc<Published>,
    dispatcher: Dispatcher,
}

#[derive(Default)]
struct Published(Mutex<Vec<DomainEvent>>);

impl EventPublisher for Published {
    fn publish(&self, event: DomainEvent) {
        self.0.lock().unwrap().push(event);
    }
}

impl Harness {
    fn new(config: DispatchConfig) -> Self {
        let clock = Arc::new(FakeClock(Mutex::new(t0())));
        let link = Arc::new(FakeLink::default());
        let scheduler = Arc::new(FakeScheduler::default());
        let repo = Arc::new(RecordingRepo::default());
        let published = Arc::new(Published::default());
        let dispatcher = Dispatcher::new(
            link.clone(),
            scheduler.clone(),
            repo.clone(),
            clock.clone(),
            published.clone(),
            config,
        );
        Self {
            clock,
            link,
            scheduler,
            repo,
            published,
            dispatcher,
        }
    }

    /// Default config and the given fresh devices, as `(key, region)`.
    fn with_devices(devices: &[(&str, &str)]) -> Self {
        let h = Self::new(config());
        h.link.set_devices(
            devices
                .iter()
                .map(|(key, region)| fresh(key, region))
                .collect(),
        );
        h
    }

    fn sms(&self) -> OtpSms {
        OtpSms {
            otp_id: OtpId(Uuid::new_v4()),
            phone: Phone::from_stored(PHONE),
            code: OtpCode::parse("123456").unwrap(),
            expires_at: self.clock.now() + chrono::Duration::seconds(300),
            ttl_secs: 300,
        }
    }

    async fn send(&self) -> (OtpId, SmsOutcome) {
        let sms = self.sms();
        let id = sms.otp_id;
        (id, self.dispatcher.send_otp(sms).await)
    }

    async fn ack(&self, from: &str, id: CorrelationId, status: AckStatus) -> AckOutcome {
        self.dispatcher.on_ack(&dev(from), id, status, None).await
    }
}

fn fresh(key: &str, region: &str) -> DeviceInfo {
    DeviceInfo {
        key: dev(key),
        region: region.to_owned(),
        last_seen: t0(),
    }
}

const TEXT: &str = "Code 123456, valid 5 min";

// ---------------------------------------------------------------- choosing a device

#[tokio::test]
async fn picks_region_device_with_fewest_in_flight_ties_by_key() {
    // Listed out of key order, plus a device of another region.
    let h = Harness::with_devices(&[("b", "tm"), ("a", "tm"), ("z-other", "ru")]);

    assert_eq!(h.send().await.1, SmsOutcome::Accepted);
    assert_eq!(h.link.last().0, dev("a"), "tie broken by key");
    assert_eq!(h.send().await.1, SmsOutcome::Accepted);
    assert_eq!(h.link.last().0, dev("b"), "a already has one in flight");
    assert_eq!(h.send().await.1, SmsOutcome::Accepted);
    assert_eq!(h.link.last().0, dev("a"), "tie again (1 each): by key");

    // An ack frees `a`'s first slot: `a` has 1, `b` has 1 → `a`; after another → `b`.
    let first = h.link.sent()[0].1.correlation_id;
    assert_eq!(
        h.ack("a", first, AckStatus::Sent).await,
        AckOutcome::Applied
    );
    assert_eq!(h.send().await.1, SmsOutcome::Accepted);
    assert_eq!(h.link.last().0, dev("a"));
    assert_eq!(h.send().await.1, SmsOutcome::Accepted);
    assert_eq!(h.link.last().0, dev("b"), "a has 2, b has 1");

    assert!(h.link.sent().iter().all(|(d, _)| *d != dev("z-other")));
    assert_eq!(h.dispatcher.in_flight(), 4);
}

#[tokio::test]
async fn first_attempt_is_recorded_pending_and_timed() {
    let h = Harness::with_devices(&[("a", "tm")]);
    let (otp, outcome) = h.send().await;
    assert_eq!(outcome, SmsOutcome::Accepted);

    let (device, sms) = h.link.last();
    assert_eq!(device, dev("a"));
    assert_eq!(sms.phone, PHONE);
    assert_eq!(sms.text, TEXT);
    assert_eq!(
        h.repo.attempts(),
        vec![AttemptRecord {
            correlation_id: sms.correlation_id,
            otp_id: otp,
            device: dev("a"),
            attempt: 1,
            outcome: AttemptOutcome::Pending,
            error: None,
            at: t0(),
        }]
    );
    assert_eq!(
        h.scheduler.timers(),
        vec![(sms.correlation_id, Duration::from_secs(30))]
    );
    assert_eq!(sms.correlation_id.0.get_version_num(), 4);
    assert_eq!(h.dispatcher.in_flight(), 1);
    // Nothing decided yet: the OTP service already wrote `pending`.
    assert!(h.repo.statuses().is_empty());
}

#[tokio::test]
async fn stale_device_is_skipped() {
    let h = Harness::new(config());
    let stale = DeviceInfo {
        last_seen: t0() - chrono::Duration::seconds(61),
        ..fresh("a", "tm")
    };
    let edge = DeviceInfo {
        last_seen: t0() - chrono::Duration::seconds(60),
        ..fresh("b", "tm")
    };
    h.link.set_devices(vec![stale.clone(), edge]);
    assert_eq!(h.send().await.1, SmsOutcome::Accepted);
    assert_eq!(h.link.last().0, dev("b"));

    h.link.set_devices(vec![stale]);
    assert_eq!(h.send().await.1, SmsOutcome::Unavailable);
    assert_eq!(h.link.sent().len(), 1);
}

#[tokio::test]
async fn other_region_only_with_fallback() {
    let h = Harness::with_devices(&[("r", "ru")]);
    assert_eq!(h.send().await.1, SmsOutcome::Unavailable);
    assert!(h.link.sent().is_empty());

    let h = Harness::new(DispatchConfig {
        any_region_fallback: true,
        ..config()
    });
    h.link
        .set_devices(vec![fresh("r", "ru"), fresh("s", "uz"), fresh("t", "tm")]);
    assert_eq!(h.send().await.1, SmsOutcome::Accepted);
    assert_eq!(h.link.last().0, dev("t"), "the region still comes first");
    h.link.set_devices(vec![fresh("s", "uz"), fresh("r", "ru")]);
    assert_eq!(h.send().await.1, SmsOutcome::Accepted);
    assert_eq!(
        h.link.last().0,
        dev("r"),
        "fallback: fewest in flight, by key"
    );
}

#[tokio::test]
async fn no_device_is_unavailable_and_nothing_happens() {
    let h = Harness::new(config());
    assert_eq!(h.send().await.1, SmsOutcome::Unavailable);
    assert!(h.link.sent().is_empty());
    assert!(h.scheduler.timers().is_empty());
    assert!(h.repo.events().is_empty());
    assert_eq!(h.dispatcher.in_flight(), 0);
}

#[tokio::test]
async fn expired_code_is_never_sent() {
    let h = Harness::with_devices(&[("a", "tm")]);
    let mut sms = h.sms();
    sms.expires_at = t0();
    assert_eq!(h.dispatcher.send_otp(sms).await, SmsOutcome::Unavailable);
    assert!(h.link.sent().is_empty());
    assert!(h.repo.events().is_empty());
    assert_eq!(h.dispatcher.in_flight(), 0);
}

// ---------------------------------------------------------------- acknowledgements

#[tokio::test]
async fn sent_then_delivered() {
    let h = Harness::with_devices(&[("a", "tm")]);
    let (otp, _) = h.send().await;
    let id = h.link.last().1.correlation_id;

    h.clock.advance(chrono::Duration::seconds(2));
    assert_eq!(h.ack("a", id, AckStatus::Sent).await, AckOutcome::Applied);
    assert_eq!(h.dispatcher.in_flight(), 0);
    let sent = h.repo.attempts().pop().unwrap();
    assert_eq!(sent.outcome, AttemptOutcome::Sent);
    assert_eq!(sent.correlation_id, id);
    assert_eq!(sent.attempt, 1);
    assert_eq!(sent.at, t0() + chrono::Duration::seconds(2));
    assert_eq!(h.repo.statuses(), vec![DispatchStatus::Sent]);
    assert_eq!(h.repo.counts(), vec![(dev("a"), true)]);

    assert_eq!(
        h.ack("a", id, AckStatus::Delivered).await,
        AckOutcome::Applied
    );
    let delivered = h.repo.attempts().pop().unwrap();
    assert_eq!(delivered.outcome, AttemptOutcome::Delivered);
    assert_eq!(delivered.correlation_id, id);
    assert!(
        h.repo
            .events()
            .contains(&Event::Status(otp, DispatchStatus::Delivered))
    );
    assert_eq!(
        h.repo.statuses(),
        vec![DispatchStatus::Sent, DispatchStatus::Delivered]
    );
    assert_eq!(h.repo.counts().len(), 1, "one settled attempt counts once");
    // The user hears of it once, at the first acknowledgement.
    assert_eq!(
        *h.published.0.lock().unwrap(),
        vec![DomainEvent::CodeDelivered {
            otp_id: otp.0,
            phone: PHONE.to_owned(),
        }]
    );
}

#[tokio::test]
async fn delivered_without_sent_is_final() {
    let h = Harness::with_devices(&[("a", "tm")]);
    h.send().await;
    let id = h.link.last().1.correlation_id;
    assert_eq!(
        h.ack("a", id, AckStatus::Delivered).await,
        AckOutcome::Applied
    );
    assert_eq!(h.repo.statuses(), vec![DispatchStatus::Delivered]);
    assert_eq!(h.repo.counts(), vec![(dev("a"), true)]);
    let before = h.repo.events();
    assert_eq!(h.ack("a", id, AckStatus::Sent).await, AckOutcome::Ignored);
    assert_eq!(h.repo.events(), before, "never back from delivered to sent");
}

#[tokio::test]
async fn duplicate_acks_are_ignored() {
    let h = Harness::with_devices(&[("a", "tm"), ("b", "tm")]);
    h.send().await;
    let id = h.link.last().1.correlation_id;
    assert_eq!(h.ack("a", id, AckStatus::Sent).await, AckOutcome::Applied);
    let after_sent = h.repo.events();

    assert_eq!(h.ack("a", id, AckStatus::Sent).await, AckOutcome::Ignored);
    // A late `failed` for an attempt already sent must not trigger a second SMS.
    assert_eq!(h.ack("a", id, AckStatus::Failed).await, AckOutcome::Ignored);
    assert_eq!(h.repo.events(), after_sent);
    assert_eq!(h.link.sent().len(), 1);

    assert_eq!(
        h.ack("a", id, AckStatus::Delivered).await,
        AckOutcome::Applied
    );
    let after_delivered = h.repo.events();
    assert_eq!(
        h.ack("a", id, AckStatus::Delivered).await,
        AckOutcome::Ignored
    );
    assert_eq!(h.repo.events(), after_delivered);
}

#[tokio::test]
async fn ack_from_another_device_is_ignored() {
    let h = Harness::with_devices(&[("a", "tm"), ("b", "tm")]);
    h.send().await;
    let id = h.link.last().1.correlation_id;
    let before = h.repo.events();

    for status in [AckStatus::Sent, AckStatus::Delivered, AckStatus::Failed] {
        assert_eq!(h.ack("b", id, status).await, AckOutcome::Ignored);
    }
    assert_eq!(h.repo.events(), before);
    assert_eq!(h.link.sent().len(), 1, "a forged failure does not retry");
    assert_eq!(h.dispatcher.in_flight(), 1);

    // The real device still can, and after `sent` the stranger still cannot upgrade it.
    assert_eq!(h.ack("a", id, AckStatus::Sent).await, AckOutcome::Applied);
    let after = h.repo.events();
    assert_eq!(
        h.ack("b", id, AckStatus::Delivered).await,
        AckOutcome::Ignored
    );
    assert_eq!(h.repo.events(), after);
}

#[tokio::test]
async fn unknown_correlation_id_is_ignored() {
    let h = Harness::with_devices(&[("a", "tm")]);
    h.send().await;
    let before = h.repo.events();
    let unknown = CorrelationId(Uuid::new_v4());
    for status in [AckStatus::Sent, AckStatus::Delivered, AckStatus::Failed] {
        assert_eq!(h.ack("a", unknown, status).await, AckOutcome::Ignored);
    }
    assert_eq!(h.repo.events(), before);
    assert_eq!(h.dispatcher.in_flight(), 1);
}

// ---------------------------------------------------------------- retries

#[tokio::test]
async fn failed_ack_retries_same_text_on_another_device() {
    let h = Harness::with_devices(&[("a", "tm"), ("b", "tm")]);
    let (otp, _) = h.send().await;
    let (_, first) = h.link.last();

    let outcome = h
        .dispatcher
        .on_ack(
            &dev("a"),
            first.correlation_id,
            AckStatus::Failed,
            Some("RESULT_ERROR_GENERIC_FAILURE".to_owned()),
        )
        .await;
    assert_eq!(outcome, AckOutcome::Applied);

    let (device, second) = h.link.last();
    assert_eq!(device, dev("b"));
    assert_eq!(second.text, first.text);
    assert_eq!(second.phone, first.phone);
    assert_ne!(second.correlation_id, first.correlation_id);
    assert_eq!(h.dispatcher.in_flight(), 1);

    let attempts = h.repo.attempts();
    assert_eq!(attempts.len(), 3);
    assert_eq!(attempts[1].correlation_id, first.correlation_id);
    assert_eq!(attempts[1].outcome, AttemptOutcome::Failed);
    assert_eq!(
        attempts[1].error.as_deref(),
        Some("RESULT_ERROR_GENERIC_FAILURE")
    );
    assert_eq!(attempts[2].correlation_id, second.correlation_id);
    assert_eq!(attempts[2].device, dev("b"));
    assert_eq!(attempts[2].attempt, 2);
    assert_eq!(attempts[2].otp_id, otp);
    assert_eq!(attempts[2].outcome, AttemptOutcome::Pending);
    assert_eq!(h.repo.counts(), vec![(dev("a"), false)]);
    assert!(h.repo.statuses().is_empty(), "still under way");
    assert_eq!(
        h.scheduler.timers().last().unwrap().0,
        second.correlation_id
    );

    // The retry succeeds.
    assert_eq!(
        h.ack("b", second.correlation_id, AckStatus::Sent).await,
        AckOutcome::Applied
    );
    assert_eq!(h.repo.statuses(), vec![DispatchStatus::Sent]);
}

#[tokio::test]
async fn failed_ack_with_no_other_device_fails_the_code() {
    let h = Harness::with_devices(&[("a", "tm")]);
    let (otp, _) = h.send().await;
    let id = h.link.last().1.correlation_id;
    assert_eq!(h.ack("a", id, AckStatus::Failed).await, AckOutcome::Applied);
    assert_eq!(
        h.link.sent().len(),
        1,
        "the failed device is not tried again"
    );
    assert!(
        h.repo
            .events()
            .contains(&Event::Status(otp, DispatchStatus::Failed))
    );
    assert_eq!(h.dispatcher.in_flight(), 0);
}

#[tokio::test]
async fn timeout_retries_on_another_device() {
    let h = Harness::with_devices(&[("a", "tm"), ("b", "tm")]);
    h.send().await;
    let first = h.link.last().1.correlation_id;

    h.clock.advance(chrono::Duration::seconds(30));
    h.dispatcher.on_timeout(first).await;

    let (device, second) = h.link.last();
    assert_eq!(device, dev("b"));
    assert_eq!(second.text, TEXT);
    assert_ne!(second.correlation_id, first);
    let attempts = h.repo.attempts();
    assert_eq!(attempts[1].correlation_id, first);
    assert_eq!(attempts[1].outcome, AttemptOutcome::TimedOut);
    assert_eq!(attempts[2].attempt, 2);
    assert_eq!(h.dispatcher.in_flight(), 1);

    // The late ack of the timed-out attempt changes nothing.
    let before = h.repo.events();
    assert_eq!(
        h.ack("a", first, AckStatus::Sent).await,
        AckOutcome::Ignored
    );
    assert_eq!(h.repo.events(), before);
}

#[tokio::test]
async fn timeout_of_a_settled_attempt_is_a_no_op() {
    let h = Harness::with_devices(&[("a", "tm"), ("b", "tm")]);
    h.send().await;
    let id = h.link.last().1.correlation_id;
    h.ack("a", id, AckStatus::Sent).await;
    let before = h.repo.events();

    h.dispatcher.on_timeout(id).await;
    h.dispatcher.on_timeout(CorrelationId(Uuid::new_v4())).await;
    assert_eq!(h.repo.events(), before);
    assert_eq!(h.link.sent().len(), 1);
}

#[tokio::test]
async fn disconnect_retries_every_pending_attempt_of_that_device() {
    let h = Harness::with_devices(&[("a", "tm"), ("b", "tm"), ("c", "tm")]);
    h.send().await; // a
    h.send().await; // b
    h.send().await; // c
    h.send().await; // a
    assert_eq!(h.link.sent().len(), 4);
    let on_a: Vec<CorrelationId> = h
        .link
        .sent()
        .iter()
        .filter(|(d, _)| *d == dev("a"))
        .map(|(_, s)| s.correlation_id)
        .collect();
    assert_eq!(on_a.len(), 2);

    h.link.set_devices(vec![fresh("b", "tm"), fresh("c", "tm")]);
    h.dispatcher.on_disconnect(&dev("a")).await;

    let resent = &h.link.sent()[4..];
    assert_eq!(resent.len(), 2);
    assert!(resent.iter().all(|(d, _)| *d != dev("a")));
    let disconnected: Vec<CorrelationId> = h
        .repo
        .attempts()
        .into_iter()
        .filter(|a| a.outcome == AttemptOutcome::Disconnected)
        .map(|a| a.correlation_id)
        .collect();
    assert_eq!(disconnected.len(), 2);
    assert!(on_a.iter().all(|id| disconnected.contains(id)));
    assert_eq!(
        h.dispatcher.in_flight(),
        4,
        "b's and c's own attempts untouched"
    );
}

#[tokio::test]
async fn max_attempts_reached_fails_the_code() {
    let h = Harness::new(DispatchConfig {
        max_attempts: 2,
        ..config()
    });
    h.link
        .set_devices(vec![fresh("a", "tm"), fresh("b", "tm"), fresh("c", "tm")]);
    let (otp, _) = h.send().await;
    let first = h.link.last().1.correlation_id;
    h.ack("a", first, AckStatus::Failed).await;
    let second = h.link.last().1.correlation_id;
    assert!(h.repo.statuses().is_empty());

    h.dispatcher.on_timeout(second).await;
    assert_eq!(h.link.sent().len(), 2, "c is never tried");
    assert_eq!(
        h.repo.events().last(),
        Some(&Event::Status(otp, DispatchStatus::Failed))
    );
    assert_eq!(h.dispatcher.in_flight(), 0);
}

#[tokio::test]
async fn never_retries_after_expiry() {
    let h = Harness::with_devices(&[("a", "tm"), ("b", "tm")]);
    let (otp, _) = h.send().await;
    let id = h.link.last().1.correlation_id;

    h.clock.advance(chrono::Duration::seconds(300));
    // Devices still healthy: only the expiry stops the retry.
    let now = h.clock.now();
    h.link.set_devices(vec![
        DeviceInfo {
            last_seen: now,
            ..fresh("a", "tm")
        },
        DeviceInfo {
            last_seen: now,
            ..fresh("b", "tm")
        },
    ]);
    h.dispatcher.on_timeout(id).await;
    assert_eq!(h.link.sent().len(), 1);
    assert_eq!(h.repo.statuses(), vec![DispatchStatus::Failed]);
    assert!(
        h.repo
            .events()
            .contains(&Event::Status(otp, DispatchStatus::Failed))
    );
    assert_eq!(h.dispatcher.in_flight(), 0);
}

#[tokio::test]
async fn retries_until_just_before_expiry() {
    let h = Harness::with_devices(&[("a", "tm"), ("b", "tm")]);
    h.send().await;
    let id = h.link.last().1.correlation_id;
    h.clock.advance(chrono::Duration::seconds(299));
    let now = h.clock.now();
    h.link.set_devices(vec![DeviceInfo {
        last_seen: now,
        ..fresh("b", "tm")
    }]);
    h.dispatcher.on_timeout(id).await;
    assert_eq!(h.link.last().0, dev("b"));
    assert!(h.repo.statuses().is_empty());
}

#[tokio::test]
async fn vanished_device_moves_to_the_next_one_at_once() {
    let h = Harness::with_devices(&[("a", "tm"), ("b", "tm")]);
    h.link.vanish("a");
    let (_, outcome) = h.send().await;
    assert_eq!(outcome, SmsOutcome::Accepted);

    let sent = h.link.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].0, dev("b"));
    let attempts = h.repo.attempts();
    let outcomes: Vec<(DeviceKey, u32, AttemptOutcome)> = attempts
        .iter()
        .map(|a| (a.device.clone(), a.attempt, a.outcome))
        .collect();
    assert_eq!(
        outcomes,
        vec![
            (dev("a"), 1, AttemptOutcome::Pending),
            (dev("a"), 1, AttemptOutcome::Failed),
            (dev("b"), 2, AttemptOutcome::Pending),
        ]
    );
    assert_ne!(attempts[0].correlation_id, attempts[2].correlation_id);
    assert_eq!(
        h.scheduler.timers().len(),
        1,
        "no timer for the vanished attempt"
    );
    assert_eq!(h.dispatcher.in_flight(), 1);
}

#[tokio::test]
async fn every_device_vanished_is_unavailable() {
    let h = Harness::with_devices(&[("a", "tm"), ("b", "tm")]);
    h.link.vanish("a");
    h.link.vanish("b");
    assert_eq!(h.send().await.1, SmsOutcome::Unavailable);
    assert!(h.scheduler.timers().is_empty());
    assert_eq!(h.dispatcher.in_flight(), 0);
}

// ---------------------------------------------------------------- housekeeping

#[tokio::test]
async fn repo_errors_do_not_stop_dispatch() {
    let h = Harness::with_devices(&[("a", "tm"), ("b", "tm")]);
    h.repo.failing.store(true, Ordering::SeqCst);
    assert_eq!(h.send().await.1, SmsOutcome::Accepted);
    assert_eq!(h.link.sent().len(), 1);
    assert_eq!(h.dispatcher.repo_errors(), 1);

    let id = h.link.last().1.correlation_id;
    assert_eq!(h.ack("a", id, AckStatus::Failed).await, AckOutcome::Applied);
    assert_eq!(h.link.last().0, dev("b"), "retried despite the failing log");
    // count(a, failed) + record Failed + record Pending of the retry.
    assert_eq!(h.dispatcher.repo_errors(), 4);
}

#[tokio::test]
async fn settled_entries_are_dropped_after_expiry() {
    let h = Harness::with_devices(&[("a", "tm")]);
    h.send().await;
    let id = h.link.last().1.correlation_id;
    h.ack("a", id, AckStatus::Sent).await;

    h.clock.advance(chrono::Duration::seconds(300));
    let before = h.repo.events();
    assert_eq!(
        h.ack("a", id, AckStatus::Delivered).await,
        AckOutcome::Ignored
    );
    assert_eq!(h.repo.events(), before);
}

#[tokio::test]
async fn settled_entry_upgrades_before_expiry() {
    let h = Harness::with_devices(&[("a", "tm")]);
    h.send().await;
    let id = h.link.last().1.correlation_id;
    h.ack("a", id, AckStatus::Sent).await;
    h.clock.advance(chrono::Duration::seconds(299));
    assert_eq!(
        h.ack("a", id, AckStatus::Delivered).await,
        AckOutcome::Applied
    );
}

#[tokio::test]
async fn text_comes_from_the_configured_template() {
    let h = Harness::new(DispatchConfig {
        template: "{code}/{code} {ttl}".to_owned(),
        ..config()
    });
    h.link.set_devices(vec![fresh("a", "tm")]);
    let mut sms = h.sms();
    sms.ttl_secs = 90;
    h.dispatcher.send_otp(sms).await;
    assert_eq!(h.link.last().1.text, "123456/123456 2");
}

#[tokio::test]
async fn debug_shows_neither_text_nor_code() {
    let h = Harness::with_devices(&[("a", "tm")]);
    h.send().await;
    let shown = format!("{:?}", h.dispatcher);
    assert!(shown.contains("in_flight: 1"));
    assert!(!shown.contains("123456"));
}
