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
use crate::ports::{DeviceLink, DispatchRepo, Scheduler, SmsQueue};
use crate::types::{
    AckOutcome, AckStatus, AttemptOutcome, AttemptRecord, CorrelationId, DeviceInfo, DeviceKey,
    DispatchConfig, InstanceId, MessageId, OutboundSms, QueuedSms,
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

/// A queue message as the in-memory queue keeps it.
#[derive(Debug, Clone)]
struct Row {
    sms: QueuedSms,
    lease: Option<(InstanceId, DateTime<Utc>)>,
    current: Option<(CorrelationId, DeviceKey)>,
}

/// The queue's rules in memory, for one or several dispatchers.
struct MemoryQueue {
    rows: Mutex<Vec<Row>>,
    /// What `device_anywhere` answers.
    elsewhere: AtomicBool,
    /// The same database as the queue's: settling a message sets its code's status there.
    repo: Arc<RecordingRepo>,
    /// Every `settle` call, as one entry each.
    settles: Mutex<Vec<(MessageId, OtpId, DispatchStatus)>>,
}

impl MemoryQueue {
    fn new(repo: Arc<RecordingRepo>) -> Self {
        Self {
            rows: Mutex::default(),
            elsewhere: AtomicBool::default(),
            repo,
            settles: Mutex::default(),
        }
    }
    fn settles(&self) -> Vec<(MessageId, OtpId, DispatchStatus)> {
        self.settles.lock().unwrap().clone()
    }
    fn rows(&self) -> Vec<Row> {
        self.rows.lock().unwrap().clone()
    }
}

#[async_trait::async_trait]
impl SmsQueue for MemoryQueue {
    async fn enqueue(
        &self,
        sms: &QueuedSms,
        lease: Option<(InstanceId, DateTime<Utc>)>,
    ) -> Result<(), RepoError> {
        self.rows.lock().unwrap().push(Row {
            sms: sms.clone(),
            lease,
            current: None,
        });
        Ok(())
    }
    async fn claim(
        &self,
        instance: InstanceId,
        devices: &[DeviceKey],
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        max_attempts: u32,
        limit: u32,
    ) -> Result<Vec<QueuedSms>, RepoError> {
        let mut out = Vec::new();
        for row in self.rows.lock().unwrap().iter_mut() {
            if out.len() >= limit as usize || row.sms.expires_at <= now {
                continue;
            }
            let abandoned = match row.lease {
                None => false,
                Some((_, until)) if until < now => true,
                Some(_) => continue,
            };
            let mut sms = row.sms.clone();
            sms.abandoned = None;
            if abandoned && let Some((id, device)) = row.current.take() {
                sms.tried.retain(|d| *d != device);
                sms.attempts = sms.attempts.saturating_sub(1);
                sms.abandoned = Some((id, device));
            }
            if sms.attempts >= max_attempts || devices.iter().all(|d| sms.tried.contains(d)) {
                continue;
            }
            row.sms.tried = sms.tried.clone();
            row.sms.attempts = sms.attempts;
            row.lease = Some((instance, until));
            out.push(sms);
        }
        Ok(out)
    }
    async fn renew(
        &self,
        id: MessageId,
        instance: InstanceId,
        attempt: u32,
        device: &DeviceKey,
        correlation_id: CorrelationId,
        until: DateTime<Utc>,
    ) -> Result<bool, RepoError> {
        let mut rows = self.rows.lock().unwrap();
        let Some(row) = rows.iter_mut().find(|r| r.sms.id == id) else {
            return Ok(false);
        };
        if row.lease.map(|(holder, _)| holder) != Some(instance) {
            return Ok(false);
        }
        row.lease = Some((instance, until));
        row.sms.attempts = attempt;
        if !row.sms.tried.contains(device) {
            row.sms.tried.push(device.clone());
        }
        row.current = Some((correlation_id, device.clone()));
        Ok(true)
    }
    async fn release(
        &self,
        id: MessageId,
        instance: InstanceId,
        attempts: u32,
        tried: &[DeviceKey],
    ) -> Result<(), RepoError> {
        let mut rows = self.rows.lock().unwrap();
        if let Some(row) = rows
            .iter_mut()
            .find(|r| r.sms.id == id && r.lease.map(|(h, _)| h) == Some(instance))
        {
            row.lease = None;
            row.current = None;
            row.sms.attempts = attempts;
            row.sms.tried = tried.to_vec();
        }
        Ok(())
    }
    async fn remove(&self, id: MessageId) -> Result<(), RepoError> {
        self.rows.lock().unwrap().retain(|r| r.sms.id != id);
        Ok(())
    }
    async fn settle(
        &self,
        id: MessageId,
        otp_id: OtpId,
        status: DispatchStatus,
    ) -> Result<(), RepoError> {
        self.settles.lock().unwrap().push((id, otp_id, status));
        self.repo.push(Event::Status(otp_id, status))?;
        self.rows.lock().unwrap().retain(|r| r.sms.id != id);
        Ok(())
    }
    async fn expire(&self, now: DateTime<Utc>) -> Result<Vec<OtpId>, RepoError> {
        let expired: Vec<OtpId> = {
            let rows = self.rows.lock().unwrap();
            rows.iter()
                .filter(|r| r.sms.expires_at <= now && r.lease.is_none_or(|(_, until)| until < now))
                .map(|r| r.sms.otp_id)
                .collect()
        };
        for otp_id in &expired {
            self.repo
                .push(Event::Status(*otp_id, DispatchStatus::Failed))?;
        }
        self.rows
            .lock()
            .unwrap()
            .retain(|r| !expired.contains(&r.sms.otp_id));
        Ok(expired)
    }
    async fn device_anywhere(
        &self,
        _region: Option<&str>,
        _since: DateTime<Utc>,
    ) -> Result<bool, RepoError> {
        Ok(self.elsewhere.load(Ordering::SeqCst))
    }
    async fn depth(&self) -> Result<u64, RepoError> {
        Ok(self.rows.lock().unwrap().len() as u64)
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
        lease_grace: Duration::from_secs(5),
    }
}

struct Harness {
    clock: Arc<FakeClock>,
    link: Arc<FakeLink>,
    scheduler: Arc<FakeScheduler>,
    repo: Arc<RecordingRepo>,
    queue: Arc<MemoryQueue>,
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
        let queue = Arc::new(MemoryQueue::new(repo.clone()));
        let dispatcher = Dispatcher::new(
            link.clone(),
            scheduler.clone(),
            repo.clone(),
            queue.clone(),
            clock.clone(),
            published.clone(),
            config,
        );
        Self {
            clock,
            link,
            scheduler,
            repo,
            queue,
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

    /// A second instance on the same queue, log and clock, with its own fresh devices.
    fn peer(&self, devices: &[&str]) -> Peer {
        let link = Arc::new(FakeLink::default());
        link.set_devices(devices.iter().map(|key| fresh(key, "tm")).collect());
        let scheduler = Arc::new(FakeScheduler::default());
        let dispatcher = Dispatcher::new(
            link.clone(),
            scheduler.clone(),
            self.repo.clone(),
            self.queue.clone(),
            self.clock.clone(),
            self.published.clone(),
            config(),
        );
        Peer {
            link,
            scheduler,
            dispatcher,
        }
    }
}

struct Peer {
    link: Arc<FakeLink>,
    scheduler: Arc<FakeScheduler>,
    dispatcher: Dispatcher,
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
async fn an_ack_settles_the_message_and_its_status_in_one_queue_write() {
    let h = Harness::with_devices(&[("a", "tm")]);
    let (otp, _) = h.send().await;
    let (_, sms) = h.link.last();
    assert_eq!(h.queue.rows().len(), 1);

    assert_eq!(
        h.ack("a", sms.correlation_id, AckStatus::Sent).await,
        AckOutcome::Applied
    );
    // One call carries both the removal and the status: nothing can land in between.
    assert_eq!(
        h.queue.settles(),
        vec![(sms.message_id, otp, DispatchStatus::Sent)]
    );
    assert!(h.queue.rows().is_empty());
    assert_eq!(
        h.repo
            .events()
            .iter()
            .filter(|e| matches!(e, Event::Status(..)))
            .count(),
        1,
        "no second, separate status write"
    );
}

#[tokio::test]
async fn a_settle_the_store_refuses_leaves_the_message_queued_not_lost() {
    let h = Harness::with_devices(&[("a", "tm")]);
    h.send().await;
    let id = h.link.last().1.correlation_id;
    h.repo.failing.store(true, Ordering::SeqCst);
    assert_eq!(h.ack("a", id, AckStatus::Sent).await, AckOutcome::Applied);
    // Still in the queue: when its lease runs out it is offered again, at least once.
    assert_eq!(h.queue.rows().len(), 1);
    assert_eq!(h.dispatcher.in_flight(), 0);
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
async fn failed_ack_with_no_other_device_waits_in_the_queue_until_expiry() {
    let h = Harness::with_devices(&[("a", "tm")]);
    let (otp, _) = h.send().await;
    let id = h.link.last().1.correlation_id;
    assert_eq!(h.ack("a", id, AckStatus::Failed).await, AckOutcome::Applied);
    assert_eq!(
        h.link.sent().len(),
        1,
        "the failed device is not tried again"
    );
    assert_eq!(h.dispatcher.in_flight(), 0);
    let rows = h.queue.rows();
    assert_eq!(rows.len(), 1, "back in the queue for another instance");
    assert_eq!(rows[0].lease, None);
    assert_eq!(
        (rows[0].sms.attempts, rows[0].sms.tried.clone()),
        (1, vec![dev("a")])
    );
    assert!(!h.repo.statuses().contains(&DispatchStatus::Failed));

    assert_eq!(h.dispatcher.claim_round().await.unwrap(), 0, "a was tried");
    h.clock.advance(chrono::Duration::seconds(301));
    h.dispatcher.claim_round().await.unwrap();
    assert!(h.queue.rows().is_empty());
    assert!(
        h.repo
            .events()
            .contains(&Event::Status(otp, DispatchStatus::Failed))
    );
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
    assert_eq!(
        h.queue.settles().len(),
        1,
        "removed and failed in one write"
    );
    assert!(h.queue.rows().is_empty());
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

// ---------------------------------------------------------------- across instances

#[tokio::test]
async fn a_message_waits_in_the_queue_for_a_device_of_another_instance() {
    let h = Harness::new(config());
    h.queue.elsewhere.store(true, Ordering::SeqCst);
    let (otp, outcome) = h.send().await;
    assert_eq!(outcome, SmsOutcome::Accepted);
    assert!(h.link.sent().is_empty());
    assert_eq!(h.queue.rows()[0].lease, None);

    let b = h.peer(&["b"]);
    assert_eq!(b.dispatcher.claim_round().await.unwrap(), 1);
    let (device, sms) = b.link.last();
    assert_eq!(device, dev("b"));
    assert_eq!(sms.text, TEXT);
    assert_eq!(sms.message_id, h.queue.rows()[0].sms.id);
    assert_eq!(b.scheduler.timers().len(), 1);
    assert_eq!(b.dispatcher.claim_round().await.unwrap(), 0, "leased to b");

    let id = sms.correlation_id;
    let acked = b
        .dispatcher
        .on_ack(&dev("b"), id, AckStatus::Sent, None)
        .await;
    assert_eq!(acked, AckOutcome::Applied);
    assert!(h.queue.rows().is_empty(), "a sent message leaves the queue");
    assert!(
        h.repo
            .events()
            .contains(&Event::Status(otp, DispatchStatus::Sent))
    );
}

#[tokio::test]
async fn no_device_on_any_instance_is_unavailable_and_nothing_is_queued() {
    let h = Harness::new(config());
    assert_eq!(h.send().await.1, SmsOutcome::Unavailable);
    assert!(h.queue.rows().is_empty());
}

#[tokio::test]
async fn a_message_is_stored_leased_before_its_device_sees_it() {
    let h = Harness::with_devices(&[("a", "tm")]);
    h.send().await;
    let rows = h.queue.rows();
    assert_eq!(rows.len(), 1);
    assert!(rows[0].lease.is_some());
    let sent = h.link.last().1;
    assert_eq!(rows[0].current, Some((sent.correlation_id, dev("a"))));
    let b = h.peer(&["b"]);
    assert_eq!(
        b.dispatcher.claim_round().await.unwrap(),
        0,
        "a live lease is never taken"
    );
}

#[tokio::test]
async fn a_timeout_hands_over_to_the_device_of_another_instance() {
    let h = Harness::with_devices(&[("a", "tm")]);
    h.send().await;
    let first = h.link.last().1.correlation_id;
    h.dispatcher.on_timeout(first).await;
    let b = h.peer(&["b"]);
    assert_eq!(b.dispatcher.claim_round().await.unwrap(), 1);
    assert_eq!(b.link.sent().len(), 1);
    let attempts: Vec<_> = h
        .repo
        .attempts()
        .iter()
        .map(|a| (a.device.clone(), a.attempt, a.outcome))
        .collect();
    assert_eq!(
        attempts,
        vec![
            (dev("a"), 1, AttemptOutcome::Pending),
            (dev("a"), 1, AttemptOutcome::TimedOut),
            (dev("b"), 2, AttemptOutcome::Pending),
        ]
    );
}

#[tokio::test]
async fn attempts_count_on_every_instance() {
    let h = Harness::with_devices(&[("a", "tm")]);
    h.send().await;
    h.dispatcher
        .on_timeout(h.link.last().1.correlation_id)
        .await;
    let b = h.peer(&["b"]);
    b.dispatcher.claim_round().await.unwrap();
    b.dispatcher
        .on_timeout(b.link.last().1.correlation_id)
        .await;
    let c = h.peer(&["c"]);
    c.dispatcher.claim_round().await.unwrap();
    c.dispatcher
        .on_timeout(c.link.last().1.correlation_id)
        .await;
    let d = h.peer(&["d"]);
    assert_eq!(
        d.dispatcher.claim_round().await.unwrap(),
        0,
        "three attempts in all, on three instances"
    );
    assert!(d.link.sent().is_empty());
}

#[tokio::test]
async fn a_lease_left_to_run_out_is_taken_over_and_the_old_holder_stays_silent() {
    let h = Harness::with_devices(&[("a", "tm")]);
    h.send().await;
    let first = h.link.last().1;
    // The holder stops hearing anything (it died, or lost the database) past its lease.
    h.clock.advance(chrono::Duration::seconds(36));
    let b = h.peer(&["a2"]);
    assert_eq!(b.dispatcher.claim_round().await.unwrap(), 1);
    let second = b.link.last().1;
    assert_eq!(
        second.message_id, first.message_id,
        "the same message, offered again"
    );
    assert_ne!(second.correlation_id, first.correlation_id);
    let abandoned = h.repo.attempts().into_iter().find(|a| {
        a.correlation_id == first.correlation_id && a.outcome == AttemptOutcome::TimedOut
    });
    assert!(
        abandoned.is_some(),
        "the abandoned attempt is closed in the log"
    );

    // The old holder's timer fires late: it has another device, but the lease is gone.
    h.link.set_devices(vec![
        fresh("a", "tm"),
        DeviceInfo {
            last_seen: h.clock.now(),
            ..fresh("a3", "tm")
        },
    ]);
    h.dispatcher.on_timeout(first.correlation_id).await;
    assert_eq!(h.link.sent().len(), 1, "nothing more from the old holder");
}

#[tokio::test]
async fn an_instance_restarted_after_a_crash_offers_its_device_the_message_again() {
    let h = Harness::with_devices(&[("a", "tm")]);
    h.send().await;
    let first = h.link.last().1;
    h.clock.advance(chrono::Duration::seconds(36));
    // The same device, reconnected to the restarted process (a new instance id).
    let restarted = h.peer(&[]);
    restarted.link.set_devices(vec![DeviceInfo {
        last_seen: h.clock.now(),
        ..fresh("a", "tm")
    }]);
    assert_eq!(restarted.dispatcher.claim_round().await.unwrap(), 1);
    let again = restarted.link.last().1;
    assert_eq!(again.message_id, first.message_id);
    let attempt = h
        .repo
        .attempts()
        .into_iter()
        .rfind(|a| a.correlation_id == again.correlation_id)
        .unwrap();
    assert_eq!(attempt.attempt, 1, "the abandoned attempt does not count");
}
