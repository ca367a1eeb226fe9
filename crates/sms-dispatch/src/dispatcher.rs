//! The dispatcher: routes each OTP SMS to a device, follows its acknowledgement and retries.
//!
//! Every message is first stored in the durable queue shared by the instances ([`SmsQueue`]).
//! An instance with a suitable device of its own leases the message and sends it at once; any
//! other message waits there until an instance holding a device claims it
//! ([`Dispatcher::claim_round`]). Retries go to this instance's other devices first; when none
//! is left the message goes back to the queue for the devices of other instances. A lease that
//! runs out (its instance died) lets another instance take the message over.
//!
//! Every in-flight attempt of this instance lives in `State::pending` under its correlation id;
//! removing an entry from there is what gives a caller the right to settle or retry it, so
//! concurrent events (an ack racing a timeout or a disconnect) can never act twice on one
//! attempt. The lock is never held across an `.await` nor while calling the device link or the
//! scheduler.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use alpha_kernel::{Clock, DomainEvent, EventPublisher, RepoError};
use alpha_otp::{DispatchStatus, OtpId, OtpSms, SmsOutcome, SmsSender};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::ports::{DeviceLink, DispatchRepo, Scheduler, SmsQueue};
use crate::template::render;
use crate::types::{
    AckOutcome, AckStatus, AttemptOutcome, AttemptRecord, CorrelationId, DeviceInfo, DeviceKey,
    DispatchConfig, InstanceId, MessageId, OutboundSms, QueuedSms,
};

#[cfg(test)]
mod tests;

/// Error stored for an attempt whose device was gone when the SMS was handed to it.
const ERR_DEVICE_GONE: &str = "device no longer connected";
/// Error stored for an attempt without acknowledgement in time.
const ERR_TIMEOUT: &str = "device did not acknowledge within timeout";
/// Error stored for an attempt whose device disconnected before acknowledging.
const ERR_DISCONNECTED: &str = "device disconnected before acknowledging";
/// Error stored for an attempt whose instance stopped before hearing the acknowledgement.
const ERR_ABANDONED: &str = "server instance stopped before the acknowledgement";
/// Messages claimed from the queue per round, at most.
pub const CLAIM_BATCH: u32 = 32;

/// The message being delivered, shared by all of its attempts. Holds the SMS text: never log it.
#[derive(Clone)]
struct Message {
    id: MessageId,
    otp_id: OtpId,
    /// E.164.
    phone: String,
    text: String,
    expires_at: DateTime<Utc>,
}

/// An attempt emitted (or about to be) and awaiting the device's acknowledgement.
struct Pending {
    message: Message,
    device: DeviceKey,
    attempt: u32,
    /// Every device tried for this message, this attempt's included.
    tried: Vec<DeviceKey>,
}

/// An attempt acknowledged `sent`, kept until the code expires so that a later `delivered` from
/// the same device can upgrade it.
struct Settled {
    otp_id: OtpId,
    device: DeviceKey,
    attempt: u32,
    expires_at: DateTime<Utc>,
}

#[derive(Default)]
struct State {
    pending: HashMap<CorrelationId, Pending>,
    settled: HashMap<CorrelationId, Settled>,
}

/// How an attempt to start delivery ended.
enum Start {
    /// Handed to a device; its acknowledgement (or timeout) continues the story.
    Started,
    /// A concurrent event (a disconnect) took the attempt over and continues it.
    TakenOver,
    /// No attempt left or code expired: the message failed for good.
    Exhausted,
    /// None of this instance's devices can take it: back to the queue, after `attempts`
    /// attempts, for another instance's devices.
    NoDevice {
        attempts: u32,
        tried: Vec<DeviceKey>,
    },
    /// Another instance took the message over (this one's lease ran out): it must not be sent.
    LeaseLost,
}

/// Routes OTP SMS to devices; the socket gateway feeds it device events.
pub struct Dispatcher {
    link: Arc<dyn DeviceLink>,
    scheduler: Arc<dyn Scheduler>,
    repo: Arc<dyn DispatchRepo>,
    queue: Arc<dyn SmsQueue>,
    instance: InstanceId,
    clock: Arc<dyn Clock>,
    config: DispatchConfig,
    state: Mutex<State>,
    repo_errors: AtomicU64,
    /// Hears that a device first acknowledged a code (the client gateway's `otp:delivered`).
    events: Arc<dyn EventPublisher>,
}

impl std::fmt::Debug for Dispatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dispatcher")
            .field("in_flight", &self.in_flight())
            .field("repo_errors", &self.repo_errors())
            .finish_non_exhaustive()
    }
}

impl Dispatcher {
    pub fn new(
        link: Arc<dyn DeviceLink>,
        scheduler: Arc<dyn Scheduler>,
        repo: Arc<dyn DispatchRepo>,
        queue: Arc<dyn SmsQueue>,
        clock: Arc<dyn Clock>,
        events: Arc<dyn EventPublisher>,
        config: DispatchConfig,
    ) -> Self {
        Self {
            link,
            scheduler,
            repo,
            queue,
            instance: InstanceId(Uuid::new_v4()),
            clock,
            config,
            state: Mutex::new(State::default()),
            repo_errors: AtomicU64::new(0),
            events,
        }
    }

    /// Attempts awaiting an ack, per device (for the metrics).
    pub fn in_flight_by_device(&self) -> std::collections::HashMap<DeviceKey, usize> {
        let mut out = std::collections::HashMap::new();
        for pending in self.lock().pending.values() {
            *out.entry(pending.device.clone()).or_insert(0) += 1;
        }
        out
    }

    /// Messages awaiting an acknowledgement.
    pub fn in_flight(&self) -> usize {
        self.lock().pending.len()
    }

    /// Repository calls that failed (and were ignored: dispatch goes on without its log).
    pub fn repo_errors(&self) -> u64 {
        self.repo_errors.load(Ordering::Relaxed)
    }

    /// Applies an `sms:ack` received from `from`.
    pub async fn on_ack(
        &self,
        from: &DeviceKey,
        correlation_id: CorrelationId,
        status: AckStatus,
        error: Option<String>,
    ) -> AckOutcome {
        let now = self.clock.now();
        enum Action {
            Settle(Pending),
            Fail(Pending),
            Upgrade(Settled),
        }
        let action = {
            let mut state = self.lock();
            prune_settled(&mut state, now);
            if let Some(pending) = state.pending.get(&correlation_id) {
                if pending.device != *from {
                    return AckOutcome::Ignored;
                }
                let Some(pending) = state.pending.remove(&correlation_id) else {
                    return AckOutcome::Ignored;
                };
                match status {
                    AckStatus::Sent => {
                        state.settled.insert(
                            correlation_id,
                            Settled {
                                otp_id: pending.message.otp_id,
                                device: pending.device.clone(),
                                attempt: pending.attempt,
                                expires_at: pending.message.expires_at,
                            },
                        );
                        Action::Settle(pending)
                    }
                    // Delivered straight away: final, nothing left to upgrade.
                    AckStatus::Delivered => Action::Settle(pending),
                    AckStatus::Failed => Action::Fail(pending),
                }
            } else if let Some(settled) = state.settled.get(&correlation_id) {
                if settled.device != *from || status != AckStatus::Delivered {
                    return AckOutcome::Ignored;
                }
                // `delivered` is final: the entry goes, so a duplicate finds nothing.
                let Some(settled) = state.settled.remove(&correlation_id) else {
                    return AckOutcome::Ignored;
                };
                Action::Upgrade(settled)
            } else {
                return AckOutcome::Ignored;
            }
        };

        match action {
            Action::Settle(pending) => {
                let (outcome, otp_status) = if status == AckStatus::Delivered {
                    (AttemptOutcome::Delivered, DispatchStatus::Delivered)
                } else {
                    (AttemptOutcome::Sent, DispatchStatus::Sent)
                };
                self.record(
                    correlation_id,
                    pending.message.otp_id,
                    &pending.device,
                    pending.attempt,
                    outcome,
                    None,
                )
                .await;
                // Sent: no instance may offer it again, and its status says so in the same
                // write, so a crash in between can neither lose the code nor offer it twice.
                self.settle(&pending.message, otp_status).await;
                // The device sent it: dispatched, whether or not it already knows of delivery.
                alpha_otp::funnel("dispatched");
                self.count(&pending.device, true).await;
                self.events.publish(DomainEvent::CodeDelivered {
                    otp_id: pending.message.otp_id.0,
                    phone: pending.message.phone.clone(),
                });
            }
            Action::Upgrade(settled) => {
                self.record(
                    correlation_id,
                    settled.otp_id,
                    &settled.device,
                    settled.attempt,
                    AttemptOutcome::Delivered,
                    None,
                )
                .await;
                self.set_status(settled.otp_id, DispatchStatus::Delivered)
                    .await;
            }
            Action::Fail(pending) => {
                self.count(&pending.device, false).await;
                self.retry(correlation_id, pending, AttemptOutcome::Failed, error)
                    .await;
            }
        }
        AckOutcome::Applied
    }

    /// Every attempt awaiting an acknowledgement from `device` moves on to another device.
    pub async fn on_disconnect(&self, device: &DeviceKey) {
        let orphans: Vec<(CorrelationId, Pending)> = {
            let mut state = self.lock();
            prune_settled(&mut state, self.clock.now());
            let ids: Vec<CorrelationId> = state
                .pending
                .iter()
                .filter(|(_, p)| p.device == *device)
                .map(|(id, _)| *id)
                .collect();
            ids.into_iter()
                .filter_map(|id| state.pending.remove(&id).map(|p| (id, p)))
                .collect()
        };
        for (id, pending) in orphans {
            self.retry(
                id,
                pending,
                AttemptOutcome::Disconnected,
                Some(ERR_DISCONNECTED.to_owned()),
            )
            .await;
        }
    }

    /// The ack timer of `correlation_id` fired: if it is still pending, try another device.
    pub async fn on_timeout(&self, correlation_id: CorrelationId) {
        let pending = {
            let mut state = self.lock();
            prune_settled(&mut state, self.clock.now());
            state.pending.remove(&correlation_id)
        };
        if let Some(pending) = pending {
            self.retry(
                correlation_id,
                pending,
                AttemptOutcome::TimedOut,
                Some(ERR_TIMEOUT.to_owned()),
            )
            .await;
        }
    }

    /// Records how the attempt `id` ended, then starts the next one; with none possible here the
    /// message goes back to the queue, or, out of attempts or time, the code is marked `failed`.
    async fn retry(
        &self,
        id: CorrelationId,
        pending: Pending,
        outcome: AttemptOutcome,
        error: Option<String>,
    ) {
        self.record(
            id,
            pending.message.otp_id,
            &pending.device,
            pending.attempt,
            outcome,
            error,
        )
        .await;
        let next = pending.attempt.saturating_add(1);
        let message = pending.message;
        let start = self.start(message.clone(), next, pending.tried).await;
        self.after_start(&message, start).await;
    }

    /// What follows an attempt to start that did not hand the message to a device. `true` when
    /// the message is still on its way (sent, or waiting in the queue).
    async fn after_start(&self, message: &Message, start: Start) -> bool {
        match start {
            Start::Started | Start::TakenOver | Start::LeaseLost => true,
            Start::NoDevice { attempts, tried } => {
                let released = self
                    .queue
                    .release(message.id, self.instance, attempts, &tried)
                    .await;
                self.note(&released);
                true
            }
            Start::Exhausted => {
                self.settle(message, DispatchStatus::Failed).await;
                false
            }
        }
    }

    /// Until when a lease taken or renewed now lasts: the ack timeout, then the grace.
    fn lease_until(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let lease = self
            .config
            .ack_timeout
            .saturating_add(self.config.lease_grace);
        now + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::MAX)
    }

    /// Hands `message` to the best eligible device of this instance, as attempt number
    /// `attempt`; a device that is gone by then counts as a failed attempt and the next one is
    /// tried at once.
    async fn start(&self, message: Message, mut attempt: u32, mut tried: Vec<DeviceKey>) -> Start {
        let max_attempts = self.config.max_attempts.max(1);
        loop {
            let now = self.clock.now();
            if attempt > max_attempts || now >= message.expires_at {
                return Start::Exhausted;
            }
            let devices = self.link.devices();
            let id = CorrelationId(Uuid::new_v4());
            let device = {
                let mut state = self.lock();
                let Some(device) = self.choose(&state, &devices, &tried, now) else {
                    return Start::NoDevice {
                        attempts: attempt.saturating_sub(1),
                        tried,
                    };
                };
                tried.push(device.clone());
                state.pending.insert(
                    id,
                    Pending {
                        message: message.clone(),
                        device: device.clone(),
                        attempt,
                        tried: tried.clone(),
                    },
                );
                device
            };
            // The lease is checked before anything reaches a device: once another instance has
            // taken the message over, this one must stay silent.
            match self
                .queue
                .renew(
                    message.id,
                    self.instance,
                    attempt,
                    &device,
                    id,
                    self.lease_until(now),
                )
                .await
            {
                Ok(true) => {}
                Ok(false) => {
                    self.lock().pending.remove(&id);
                    return Start::LeaseLost;
                }
                // The database is unreachable, so no other instance can claim the message
                // either; the lease taken before still covers this attempt.
                Err(_) => {
                    self.repo_errors.fetch_add(1, Ordering::Relaxed);
                }
            }
            self.record(
                id,
                message.otp_id,
                &device,
                attempt,
                AttemptOutcome::Pending,
                None,
            )
            .await;
            // While the log was written, a disconnect may have taken the attempt over.
            if !self.lock().pending.contains_key(&id) {
                return Start::TakenOver;
            }
            let sms = OutboundSms {
                correlation_id: id,
                message_id: message.id,
                phone: message.phone.clone(),
                text: message.text.clone(),
            };
            if self.link.send(&device, &sms) {
                self.scheduler.ack_timeout(id, self.config.ack_timeout);
                return Start::Started;
            }
            if self.lock().pending.remove(&id).is_none() {
                return Start::TakenOver;
            }
            self.record(
                id,
                message.otp_id,
                &device,
                attempt,
                AttemptOutcome::Failed,
                Some(ERR_DEVICE_GONE.to_owned()),
            )
            .await;
            attempt = attempt.saturating_add(1);
        }
    }

    /// This instance's devices that may be given a message now: fresh, and of the default region
    /// unless any region is allowed.
    fn eligible_devices(&self, now: DateTime<Utc>) -> Vec<DeviceKey> {
        let stale_after = chrono::Duration::from_std(self.config.device_stale_after)
            .unwrap_or(chrono::Duration::MAX);
        self.link
            .devices()
            .into_iter()
            .filter(|d| now.signed_duration_since(d.last_seen) <= stale_after)
            .filter(|d| self.config.any_region_fallback || d.region == self.config.default_region)
            .map(|d| d.key)
            .collect()
    }

    /// One look at the queue: forgets expired messages (their codes are marked `failed`), then
    /// claims what this instance's devices can send and starts each. Returns how many messages
    /// were claimed, so the caller can look again at once when the batch was full.
    ///
    /// Errors: [`RepoError`] when the queue cannot be read; the caller waits and tries again.
    pub async fn claim_round(&self) -> Result<usize, RepoError> {
        let now = self.clock.now();
        for _ in self.queue.expire(now).await? {
            alpha_otp::funnel("failed");
        }
        let devices = self.eligible_devices(now);
        if devices.is_empty() {
            return Ok(0);
        }
        let claimed = self
            .queue
            .claim(
                self.instance,
                &devices,
                now,
                self.lease_until(now),
                self.config.max_attempts.max(1),
                CLAIM_BATCH,
            )
            .await?;
        let count = claimed.len();
        for sms in claimed {
            if let Some((correlation_id, device)) = &sms.abandoned {
                self.record(
                    *correlation_id,
                    sms.otp_id,
                    device,
                    sms.attempts.saturating_add(1),
                    AttemptOutcome::TimedOut,
                    Some(ERR_ABANDONED.to_owned()),
                )
                .await;
            }
            let message = Message {
                id: sms.id,
                otp_id: sms.otp_id,
                phone: sms.phone,
                text: sms.text,
                expires_at: sms.expires_at,
            };
            let start = self
                .start(message.clone(), sms.attempts.saturating_add(1), sms.tried)
                .await;
            self.after_start(&message, start).await;
        }
        Ok(count)
    }

    /// Messages waiting in the queue or being sent, on every instance.
    ///
    /// Errors: [`RepoError`].
    pub async fn queue_depth(&self) -> Result<u64, RepoError> {
        self.queue.depth().await
    }

    /// The healthy, untried device of the default region (else, when allowed, of any region)
    /// with the fewest attempts in flight; ties by key.
    fn choose(
        &self,
        state: &State,
        devices: &[DeviceInfo],
        tried: &[DeviceKey],
        now: DateTime<Utc>,
    ) -> Option<DeviceKey> {
        let stale_after = chrono::Duration::from_std(self.config.device_stale_after)
            .unwrap_or(chrono::Duration::MAX);
        let healthy: Vec<&DeviceInfo> = devices
            .iter()
            .filter(|d| now.signed_duration_since(d.last_seen) <= stale_after)
            .filter(|d| !tried.contains(&d.key))
            .collect();
        let in_region = least_busy(
            state,
            healthy
                .iter()
                .copied()
                .filter(|d| d.region == self.config.default_region),
        );
        if in_region.is_some() || !self.config.any_region_fallback {
            return in_region;
        }
        least_busy(state, healthy.into_iter())
    }

    async fn record(
        &self,
        correlation_id: CorrelationId,
        otp_id: OtpId,
        device: &DeviceKey,
        attempt: u32,
        outcome: AttemptOutcome,
        error: Option<String>,
    ) {
        let record = AttemptRecord {
            correlation_id,
            otp_id,
            device: device.clone(),
            attempt,
            outcome,
            error,
            at: self.clock.now(),
        };
        let result = self.repo.record_attempt(record).await;
        self.note(&result);
    }

    async fn set_status(&self, otp_id: OtpId, status: DispatchStatus) {
        count_status(status);
        let result = self.repo.set_otp_status(otp_id, status).await;
        self.note(&result);
    }

    /// Takes `message` off the queue with its code's final `status`, in one write.
    async fn settle(&self, message: &Message, status: DispatchStatus) {
        count_status(status);
        let result = self.queue.settle(message.id, message.otp_id, status).await;
        self.note(&result);
    }

    async fn count(&self, device: &DeviceKey, sent: bool) {
        let outcome = if sent { "ack" } else { "failure" };
        metrics::counter!("sms_device_outcomes_total", "device" => device.0.clone(), "outcome" => outcome)
            .increment(1);
        let result = self.repo.count_device_outcome(device, sent).await;
        self.note(&result);
    }

    /// Repository failures never stop a dispatch: they are only counted.
    fn note(&self, result: &Result<(), RepoError>) {
        if result.is_err() {
            self.repo_errors.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The candidate with the fewest attempts in flight; ties by key.
fn least_busy<'a>(
    state: &State,
    candidates: impl Iterator<Item = &'a DeviceInfo>,
) -> Option<DeviceKey> {
    candidates
        .map(|d| {
            let busy = state.pending.values().filter(|p| p.device == d.key).count();
            (busy, &d.key)
        })
        .min()
        .map(|(_, key)| key.clone())
}

/// Moves the OTP funnel for a code reaching `status`; `sent` is counted as `dispatched` by the
/// caller, which knows whether it is new.
fn count_status(status: DispatchStatus) {
    match status {
        DispatchStatus::Delivered => alpha_otp::funnel("delivered"),
        DispatchStatus::Failed => alpha_otp::funnel("failed"),
        DispatchStatus::Pending | DispatchStatus::Sent => {}
    }
}

/// Forgets `sent` attempts whose code has expired: nothing useful can follow them.
fn prune_settled(state: &mut State, now: DateTime<Utc>) {
    state.settled.retain(|_, s| s.expires_at > now);
}

#[async_trait::async_trait]
impl SmsSender for Dispatcher {
    /// `Accepted` once the message is in the queue and a device can take it: one of this
    /// instance's (it was handed over already) or another instance's. `Unavailable` when the
    /// code has expired, no device anywhere can take it, or the queue cannot be written (nothing
    /// was sent).
    async fn send_otp(&self, sms: OtpSms) -> SmsOutcome {
        let now = self.clock.now();
        {
            let mut state = self.lock();
            prune_settled(&mut state, now);
        }
        let message = Message {
            id: MessageId(Uuid::new_v4()),
            otp_id: sms.otp_id,
            phone: sms.phone.as_str().to_owned(),
            text: render(&self.config.template, &sms.code, sms.ttl_secs),
            expires_at: sms.expires_at,
        };
        if now >= message.expires_at {
            return SmsOutcome::Unavailable;
        }
        let queued = QueuedSms {
            id: message.id,
            otp_id: message.otp_id,
            phone: message.phone.clone(),
            text: message.text.clone(),
            expires_at: message.expires_at,
            attempts: 0,
            tried: Vec::new(),
            abandoned: None,
        };
        if self.eligible_devices(now).is_empty() {
            if !self.device_anywhere(now).await {
                return SmsOutcome::Unavailable;
            }
            let stored = self.queue.enqueue(&queued, None).await;
            self.note(&stored);
            return match stored {
                Ok(()) => SmsOutcome::Accepted,
                Err(_) => SmsOutcome::Unavailable,
            };
        }
        // Stored before any device sees it, so a crash from here on cannot lose it.
        let stored = self
            .queue
            .enqueue(&queued, Some((self.instance, self.lease_until(now))))
            .await;
        self.note(&stored);
        if stored.is_err() {
            return SmsOutcome::Unavailable;
        }
        match self.start(message.clone(), 1, Vec::new()).await {
            Start::Started | Start::TakenOver | Start::LeaseLost => SmsOutcome::Accepted,
            // This instance's devices all went away meanwhile: the queue keeps it for another's.
            Start::NoDevice { attempts, tried } if self.device_anywhere(now).await => {
                let released = self
                    .queue
                    .release(message.id, self.instance, attempts, &tried)
                    .await;
                self.note(&released);
                SmsOutcome::Accepted
            }
            // The OTP service marks the code failed on `Unavailable`.
            Start::NoDevice { .. } | Start::Exhausted => {
                let removed = self.queue.remove(message.id).await;
                self.note(&removed);
                SmsOutcome::Unavailable
            }
        }
    }
}

impl Dispatcher {
    /// Whether a device that may take an OTP SMS is up on any instance; a store error counts as
    /// none.
    async fn device_anywhere(&self, now: DateTime<Utc>) -> bool {
        let region =
            (!self.config.any_region_fallback).then_some(self.config.default_region.as_str());
        let since = now
            - chrono::Duration::from_std(self.config.device_stale_after)
                .unwrap_or(chrono::Duration::MAX);
        match self.queue.device_anywhere(region, since).await {
            Ok(anywhere) => anywhere,
            Err(_) => {
                self.repo_errors.fetch_add(1, Ordering::Relaxed);
                false
            }
        }
    }
}
