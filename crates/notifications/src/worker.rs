//! Delivering the outbox: claim what is due, send it with bounded concurrency, record each
//! outcome. The loop around [`OutboxWorker::run_once`] (timing, shutdown) is the server's.

use std::sync::Arc;
use std::time::Duration;

use alpha_kernel::{Clock, RepoError};
use chrono::{DateTime, TimeDelta, Utc};
use futures_util::StreamExt;

use crate::ports::{Delivery, DeliveryResult, OutboxRepo, PushOutcome, PushSender};

/// How long delivered and failed outbox rows are kept (to look into a send), before the purge.
pub const KEEP_DONE: Duration = Duration::from_secs(30 * 24 * 3600);

/// How the worker delivers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkerConfig {
    /// Rows claimed at a time.
    pub batch_size: u32,
    /// Messages in flight at once.
    pub concurrency: usize,
    /// How long a claim holds its rows; after it, another worker may take them (a crashed
    /// worker's rows). Longer than a batch takes.
    pub lease: Duration,
    /// Attempts before a retryable failure counts as final.
    pub max_attempts: u32,
    /// The first retry's delay; each next one doubles, up to `backoff_max`.
    pub backoff_base: Duration,
    pub backoff_max: Duration,
}

/// The delay before attempt `attempts + 1`: `base · 2^(attempts-1)`, capped, and never sooner
/// than FCM's `Retry-After`.
pub fn backoff(config: &WorkerConfig, attempts: u32, retry_after: Option<Duration>) -> Duration {
    let exponent = attempts.saturating_sub(1).min(20);
    let delay = config
        .backoff_base
        .saturating_mul(1u32 << exponent)
        .min(config.backoff_max);
    retry_after.map_or(delay, |after| delay.max(after))
}

/// What the outbox records for `outcome` of a delivery made at `now`.
pub fn decide(
    config: &WorkerConfig,
    delivery: &Delivery,
    outcome: PushOutcome,
    now: DateTime<Utc>,
) -> DeliveryResult {
    match outcome {
        PushOutcome::Delivered { message_id } => DeliveryResult::Sent { message_id },
        PushOutcome::Unregistered => DeliveryResult::Failed {
            error: "UNREGISTERED: FCM no longer knows this device token".to_owned(),
            unregistered: true,
        },
        PushOutcome::Rejected { reason } => DeliveryResult::Failed {
            error: reason,
            unregistered: false,
        },
        PushOutcome::Retryable {
            reason,
            retry_after,
        } if delivery.attempts < config.max_attempts => {
            let delay = backoff(config, delivery.attempts, retry_after);
            let delay = TimeDelta::from_std(delay).unwrap_or(TimeDelta::MAX);
            DeliveryResult::Retry {
                at: now.checked_add_signed(delay).unwrap_or(now),
                error: reason,
            }
        }
        PushOutcome::Retryable { reason, .. } => DeliveryResult::Failed {
            error: format!("gave up after {} attempts: {reason}", delivery.attempts),
            unregistered: false,
        },
    }
}

/// What one run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RunSummary {
    pub claimed: usize,
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

/// Delivers outbox rows through a [`PushSender`].
pub struct OutboxWorker {
    outbox: Arc<dyn OutboxRepo>,
    sender: Arc<dyn PushSender>,
    clock: Arc<dyn Clock>,
    config: WorkerConfig,
}

impl std::fmt::Debug for OutboxWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutboxWorker")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl OutboxWorker {
    pub fn new(
        outbox: Arc<dyn OutboxRepo>,
        sender: Arc<dyn PushSender>,
        clock: Arc<dyn Clock>,
        config: WorkerConfig,
    ) -> Self {
        Self {
            outbox,
            sender,
            clock,
            config,
        }
    }

    pub fn config(&self) -> &WorkerConfig {
        &self.config
    }

    /// Claims one batch of due rows and delivers it, at most `concurrency` at a time; returns
    /// once every claimed row's outcome is recorded.
    ///
    /// Errors: the claim failed, or recording an outcome did (the first such error, after every
    /// row was tried; an unrecorded row is delivered again once its lease runs out).
    pub async fn run_once(&self) -> Result<RunSummary, RepoError> {
        let claimed = self
            .outbox
            .claim(self.clock.now(), self.config.lease, self.config.batch_size)
            .await?;
        let mut summary = RunSummary {
            claimed: claimed.len(),
            ..RunSummary::default()
        };
        let results: Vec<Result<DeliveryResult, RepoError>> = futures_util::stream::iter(claimed)
            .map(|delivery| self.deliver(delivery))
            .buffer_unordered(self.config.concurrency.max(1))
            .collect()
            .await;
        let mut first_error = None;
        for result in results {
            match result {
                Ok(DeliveryResult::Sent { .. }) => summary.sent += 1,
                Ok(DeliveryResult::Retry { .. }) => summary.retried += 1,
                Ok(DeliveryResult::Failed { .. }) => summary.failed += 1,
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(summary),
        }
    }

    /// Forgets the daily quotas of days before yesterday and the outbox rows done more than
    /// [`KEEP_DONE`] ago.
    ///
    /// Errors: [`RepoError`].
    pub async fn purge(&self) -> Result<u64, RepoError> {
        let now = self.clock.now();
        let yesterday = now.date_naive() - TimeDelta::days(1);
        let keep = TimeDelta::from_std(KEEP_DONE).unwrap_or(TimeDelta::MAX);
        self.outbox
            .purge(yesterday, now.checked_sub_signed(keep).unwrap_or(now))
            .await
    }

    async fn deliver(&self, delivery: Delivery) -> Result<DeliveryResult, RepoError> {
        let outcome = self.sender.send(&delivery.target, &delivery.message).await;
        let now = self.clock.now();
        let result = decide(&self.config, &delivery, outcome, now);
        self.outbox.finish(&delivery, &result, now).await?;
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::collections::BTreeMap;

    use alpha_kernel::{FakeClock, UserId};
    use uuid::Uuid;

    use super::*;
    use crate::ports::{MockOutboxRepo, MockPushSender};
    use crate::types::{PushMessage, PushTarget};

    const CONFIG: WorkerConfig = WorkerConfig {
        batch_size: 10,
        concurrency: 2,
        lease: Duration::from_secs(60),
        max_attempts: 3,
        backoff_base: Duration::from_secs(2),
        backoff_max: Duration::from_secs(60),
    };

    fn delivery(attempts: u32, token: &str) -> Delivery {
        Delivery {
            id: 1,
            claim: Uuid::new_v4(),
            notification: Uuid::new_v4(),
            idempotency_key: Uuid::new_v4(),
            user: Some(UserId(Uuid::new_v4())),
            target: PushTarget::Token(token.into()),
            attempts,
            message: PushMessage {
                title: "t".into(),
                body: "b".into(),
                data: BTreeMap::new(),
            },
        }
    }

    #[test]
    fn backoff_doubles_is_capped_and_honours_retry_after() {
        assert_eq!(backoff(&CONFIG, 1, None), Duration::from_secs(2));
        assert_eq!(backoff(&CONFIG, 3, None), Duration::from_secs(8));
        assert_eq!(backoff(&CONFIG, 30, None), Duration::from_secs(60));
        assert_eq!(
            backoff(&CONFIG, 1, Some(Duration::from_secs(30))),
            Duration::from_secs(30)
        );
    }

    #[test]
    fn retryable_failures_retry_until_the_last_attempt() {
        let now = Utc::now();
        let retry = PushOutcome::Retryable {
            reason: "HTTP 503".into(),
            retry_after: None,
        };
        assert_eq!(
            decide(&CONFIG, &delivery(1, "a"), retry.clone(), now),
            DeliveryResult::Retry {
                at: now + TimeDelta::seconds(2),
                error: "HTTP 503".into()
            }
        );
        assert!(matches!(
            decide(&CONFIG, &delivery(3, "a"), retry, now),
            DeliveryResult::Failed {
                unregistered: false,
                ..
            }
        ));
        assert!(matches!(
            decide(&CONFIG, &delivery(1, "a"), PushOutcome::Unregistered, now),
            DeliveryResult::Failed {
                unregistered: true,
                ..
            }
        ));
    }

    #[tokio::test]
    async fn a_run_delivers_every_claimed_row_and_records_each_outcome() {
        let mut outbox = MockOutboxRepo::new();
        outbox
            .expect_claim()
            .withf(|_, lease, limit| *lease == CONFIG.lease && *limit == 10)
            .times(1)
            .returning(|_, _, _| {
                Ok(vec![
                    delivery(1, "ok"),
                    delivery(1, "gone"),
                    delivery(1, "busy"),
                ])
            });
        outbox.expect_finish().times(3).returning(|d, result, _| {
            let expected = match &d.target {
                PushTarget::Token(t) if t == "ok" => matches!(result, DeliveryResult::Sent { .. }),
                PushTarget::Token(t) if t == "gone" => {
                    matches!(
                        result,
                        DeliveryResult::Failed {
                            unregistered: true,
                            ..
                        }
                    )
                }
                _ => matches!(result, DeliveryResult::Retry { .. }),
            };
            assert!(expected, "{d:?} -> {result:?}");
            Ok(())
        });
        let mut sender = MockPushSender::new();
        sender
            .expect_send()
            .times(3)
            .returning(move |target, _| match target {
                PushTarget::Token(t) if t == "ok" => PushOutcome::Delivered {
                    message_id: "m1".into(),
                },
                PushTarget::Token(t) if t == "gone" => PushOutcome::Unregistered,
                _ => PushOutcome::Retryable {
                    reason: "HTTP 429".into(),
                    retry_after: Some(Duration::from_secs(5)),
                },
            });
        let worker = OutboxWorker::new(
            Arc::new(outbox),
            Arc::new(sender),
            Arc::new(FakeClock::new()),
            CONFIG,
        );
        let summary = worker.run_once().await.unwrap();
        assert_eq!(
            summary,
            RunSummary {
                claimed: 3,
                sent: 1,
                retried: 1,
                failed: 1
            }
        );
    }

    #[tokio::test]
    async fn a_failed_record_is_reported_after_the_other_rows() {
        let mut outbox = MockOutboxRepo::new();
        outbox
            .expect_claim()
            .returning(|_, _, _| Ok(vec![delivery(1, "a"), delivery(1, "b")]));
        outbox
            .expect_finish()
            .times(2)
            .returning(|d, _, _| match &d.target {
                PushTarget::Token(t) if t == "a" => Err(RepoError::Unavailable("down".into())),
                _ => Ok(()),
            });
        let mut sender = MockPushSender::new();
        sender
            .expect_send()
            .times(2)
            .returning(|_, _| PushOutcome::Delivered {
                message_id: "m".into(),
            });
        let worker = OutboxWorker::new(
            Arc::new(outbox),
            Arc::new(sender),
            Arc::new(FakeClock::new()),
            CONFIG,
        );
        assert!(matches!(
            worker.run_once().await,
            Err(RepoError::Unavailable(_))
        ));
    }
}
