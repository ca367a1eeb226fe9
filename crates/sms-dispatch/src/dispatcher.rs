//! The dispatcher: routes each OTP SMS to a device, follows its acknowledgement and retries.
//!
//! Every in-flight attempt lives in `State::pending` under its correlation id; removing an entry
//! from there is what gives a caller the right to settle or retry it, so concurrent events
//! (an ack racing a timeout or a disconnect) can never act twice on one attempt. The lock is
//! never held across an `.await` nor while calling the device link or the scheduler.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use alpha_kernel::{Clock, DomainEvent, EventPublisher, RepoError};
use alpha_otp::{DispatchStatus, OtpId, OtpSms, SmsOutcome, SmsSender};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::ports::{DeviceLink, DispatchRepo, Scheduler};
use crate::template::render;
use crate::types::{
    AckOutcome, AckStatus, AttemptOutcome, AttemptRecord, CorrelationId, DeviceInfo, DeviceKey,
    DispatchConfig, OutboundSms,
};

#[cfg(test)]
mod tests;

/// Error stored for an attempt whose device was gone when the SMS was handed to it.
const ERR_DEVICE_GONE: &str = "device no longer connected";
/// Error stored for an attempt without acknowledgement in time.
const ERR_TIMEOUT: &str = "device did not acknowledge within timeout";
/// Error stored for an attempt whose device disconnected before acknowledging.
const ERR_DISCONNECTED: &str = "device disconnected before acknowledging";

/// The message being delivered, shared by all of its attempts. Holds the SMS text: never log it.
#[derive(Clone)]
struct Message {
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
    /// No attempt left, code expired, or no eligible device.
    Exhausted,
}

/// Routes OTP SMS to devices; the socket gateway feeds it device events.
pub struct Dispatcher {
    link: Arc<dyn DeviceLink>,
    scheduler: Arc<dyn Scheduler>,
    repo: Arc<dyn DispatchRepo>,
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
        clock: Arc<dyn Clock>,
        events: Arc<dyn EventPublisher>,
        config: DispatchConfig,
    ) -> Self {
        Self {
            link,
            scheduler,
            repo,
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
                // The device sent it: dispatched, whether or not it already knows of delivery.
                alpha_otp::funnel("dispatched");
                self.set_status(pending.message.otp_id, otp_status).await;
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

    /// Records how the attempt `id` ended, then starts the next one; with none possible the code
    /// is marked `failed`.
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
        let otp_id = pending.message.otp_id;
        let next = pending.attempt.saturating_add(1);
        match self.start(pending.message, next, pending.tried).await {
            Start::Started | Start::TakenOver => {}
            Start::Exhausted => self.set_status(otp_id, DispatchStatus::Failed).await,
        }
    }

    /// Hands `message` to the best eligible device, as attempt number `attempt`; a device that is
    /// gone by then counts as a failed attempt and the next one is tried at once.
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
                    return Start::Exhausted;
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
        match status {
            DispatchStatus::Delivered => alpha_otp::funnel("delivered"),
            DispatchStatus::Failed => alpha_otp::funnel("failed"),
            DispatchStatus::Pending | DispatchStatus::Sent => {}
        }
        let result = self.repo.set_otp_status(otp_id, status).await;
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

/// Forgets `sent` attempts whose code has expired: nothing useful can follow them.
fn prune_settled(state: &mut State, now: DateTime<Utc>) {
    state.settled.retain(|_, s| s.expires_at > now);
}

#[async_trait::async_trait]
impl SmsSender for Dispatcher {
    /// `Accepted` once a device took the SMS; `Unavailable` when the code has expired or no
    /// device can take it (nothing was sent).
    async fn send_otp(&self, sms: OtpSms) -> SmsOutcome {
        let now = self.clock.now();
        {
            let mut state = self.lock();
            prune_settled(&mut state, now);
        }
        let message = Message {
            otp_id: sms.otp_id,
            phone: sms.phone.as_str().to_owned(),
            text: render(&self.config.template, &sms.code, sms.ttl_secs),
            expires_at: sms.expires_at,
        };
        match self.start(message, 1, Vec::new()).await {
            Start::Started | Start::TakenOver => SmsOutcome::Accepted,
            Start::Exhausted => SmsOutcome::Unavailable,
        }
    }
}
