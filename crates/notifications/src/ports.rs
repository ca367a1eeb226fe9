//! What the notification rules need from the outside: storage (history, outbox, quotas) and FCM.

use std::time::Duration;

use alpha_kernel::{RepoError, UserId};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use uuid::Uuid;

use crate::send::SendInput;
use crate::types::{NotificationStatus, NotificationType, PushMessage, PushTarget, Recipient};
use crate::views::{HistoryPage, HistoryQuery, NotificationStats, NotificationView};

/// A history row to write.
#[derive(Debug, Clone, PartialEq)]
pub struct NewNotification {
    pub uuid: Uuid,
    pub title: String,
    pub body: String,
    pub kind: NotificationType,
    pub status: NotificationStatus,
    pub target_data: Option<Value>,
    pub additional_data: Option<Value>,
    pub topic: Option<String>,
    pub sent_by: Option<UserId>,
    pub scheduled_for: Option<DateTime<Utc>>,
    pub is_scheduled: bool,
    /// Set when the send is final at once (no recipient at all).
    pub error_message: Option<String>,
    pub at: DateTime<Utc>,
}

/// Outbox rows to write with a history row: one per recipient, each with its own idempotency
/// key, first due at `due`.
#[derive(Debug, Clone, PartialEq)]
pub struct Outbox {
    pub recipients: Vec<Recipient>,
    pub due: DateTime<Utc>,
}

/// A stored draft as it was written, to check and send or edit.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredDraft {
    pub status: NotificationStatus,
    pub input: SendInput,
    pub sent_by: Option<UserId>,
}

/// The new-listing push of one approval, written only for the users whose daily quota has room.
#[derive(Debug, Clone, PartialEq)]
pub struct ListingPush {
    /// The history row, written when some user got a slot (it also marks the post as told).
    pub notification: NewNotification,
    /// The approved post: a post already told of is not told again (an approval repeated).
    pub post: Uuid,
    pub brand: Uuid,
    /// The post's owner, who is not told of their own post.
    pub exclude: Option<UserId>,
    /// The UTC day whose quota is taken.
    pub day: NaiveDate,
    /// Pushes a user may get a day.
    pub daily_cap: u32,
    pub due: DateTime<Utc>,
}

/// `notification_history`, the outbox and the recipients' lookups.
#[cfg_attr(test, mockall::automock)]
#[async_trait::async_trait]
pub trait NotificationRepo: Send + Sync {
    /// Errors: [`RepoError`] only.
    async fn brand_exists(&self, brand: Uuid) -> Result<bool, RepoError>;

    /// `None` when there is no such user; `Some(None)` when they have no device token.
    ///
    /// Errors: [`RepoError`] only.
    async fn push_token(&self, user: UserId) -> Result<Option<Option<String>>, RepoError>;

    /// The device tokens of the brand's subscribers (users without one are left out).
    ///
    /// Errors: [`RepoError`] only.
    async fn subscriber_tokens(&self, brand: Uuid) -> Result<Vec<Recipient>, RepoError>;

    /// Writes the history row and its outbox rows in one transaction.
    ///
    /// Errors: [`RepoError`] only; nothing is written then.
    async fn enqueue(
        &self,
        notification: &NewNotification,
        outbox: &Outbox,
    ) -> Result<NotificationView, RepoError>;

    /// Turns the draft `uuid` into a send (status `sending`, sent by `sender`, stamped `at`) and
    /// writes its outbox rows, in one transaction, if it is still `pending`; `None` otherwise
    /// (gone, or sent meanwhile), with nothing written.
    ///
    /// Errors: [`RepoError`] only.
    async fn enqueue_draft(
        &self,
        uuid: Uuid,
        outbox: &Outbox,
        at: DateTime<Utc>,
    ) -> Result<Option<NotificationView>, RepoError>;

    /// Errors: [`RepoError`] only.
    async fn insert_draft(
        &self,
        notification: &NewNotification,
    ) -> Result<NotificationView, RepoError>;

    /// Errors: [`RepoError`] only.
    async fn get(&self, uuid: Uuid) -> Result<Option<NotificationView>, RepoError>;

    /// Errors: [`RepoError`] only.
    async fn draft(&self, uuid: Uuid) -> Result<Option<StoredDraft>, RepoError>;

    /// Replaces the draft's fields with `notification`'s (its uuid, status and sender are
    /// ignored) if it is still `pending`; `None` otherwise.
    ///
    /// Errors: [`RepoError`] only.
    async fn update_draft(
        &self,
        uuid: Uuid,
        notification: &NewNotification,
    ) -> Result<Option<NotificationView>, RepoError>;

    /// Deletes the row if it is still `pending`; whether it did.
    ///
    /// Errors: [`RepoError`] only.
    async fn delete_draft(&self, uuid: Uuid) -> Result<bool, RepoError>;

    /// Errors: [`RepoError`] only.
    async fn page(&self, query: &HistoryQuery) -> Result<HistoryPage, RepoError>;

    /// The totals, `success_rate` left at 0.
    ///
    /// Errors: [`RepoError`] only.
    async fn stats(&self) -> Result<NotificationStats, RepoError>;

    /// Unless the post was told of already: takes a quota slot for every subscriber of the brand
    /// but the excluded one, then writes the history row and an outbox row per device token of
    /// those who got a slot, all in one transaction (one at a time per post). Returns the users
    /// who got a slot (with a token or not); none when the post was told of already.
    ///
    /// Errors: [`RepoError`] only; nothing is written then.
    async fn enqueue_listing_push(&self, push: &ListingPush) -> Result<Vec<UserId>, RepoError>;
}

/// One claimed outbox row, ready to deliver.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub id: i64,
    /// This claim; a finish under another claim (the row was re-claimed after the lease) is
    /// ignored.
    pub claim: Uuid,
    pub notification: Uuid,
    pub idempotency_key: Uuid,
    pub user: Option<UserId>,
    pub target: PushTarget,
    /// Attempts so far, this one included.
    pub attempts: u32,
    pub message: PushMessage,
}

/// How a delivery ended, as the outbox records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryResult {
    Sent {
        message_id: String,
    },
    /// Due again at `at`.
    Retry {
        at: DateTime<Utc>,
        error: String,
    },
    /// Final. `unregistered`: FCM no longer knows the token, so it is cleared from its user.
    Failed {
        error: String,
        unregistered: bool,
    },
}

/// The outbox as the delivery worker sees it.
#[cfg_attr(test, mockall::automock)]
#[async_trait::async_trait]
pub trait OutboxRepo: Send + Sync {
    /// Claims up to `limit` rows due at `now` (or whose previous claim's lease ran out), for
    /// `lease`, skipping rows another worker holds; each claim counts as an attempt.
    ///
    /// Errors: [`RepoError`] only.
    async fn claim(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<Delivery>, RepoError>;

    /// Records the result if the row is still under this claim, clears an unregistered token,
    /// and brings the history row's counters and status up to date.
    ///
    /// Errors: [`RepoError`] only.
    async fn finish(
        &self,
        delivery: &Delivery,
        result: &DeliveryResult,
        now: DateTime<Utc>,
    ) -> Result<(), RepoError>;

    /// Forgets daily quotas of days before `quotas_before`, and outbox rows done (sent or
    /// failed) before `done_before` (the history rows keep their counts); how many rows in all.
    ///
    /// Errors: [`RepoError`] only.
    async fn purge(
        &self,
        quotas_before: NaiveDate,
        done_before: DateTime<Utc>,
    ) -> Result<u64, RepoError>;
}

/// What FCM answered one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushOutcome {
    Delivered {
        message_id: String,
    },
    /// The token is no longer valid (404 / `UNREGISTERED`).
    Unregistered,
    /// Worth trying again (429, 5xx, network trouble), not before `retry_after` if given.
    Retryable {
        reason: String,
        retry_after: Option<Duration>,
    },
    /// Never going through (a bad request, refused credentials, push not configured).
    Rejected {
        reason: String,
    },
}

/// Port: sends one message through FCM. Never panics; every failure is an outcome.
#[cfg_attr(test, mockall::automock)]
#[async_trait::async_trait]
pub trait PushSender: Send + Sync {
    async fn send(&self, target: &PushTarget, message: &PushMessage) -> PushOutcome;
}
