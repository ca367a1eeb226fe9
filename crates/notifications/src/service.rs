//! The admin use cases: send now or at a time, drafts, history and totals.
//!
//! A send is checked in full (fields, then that its brand or user exists) before anything is
//! written; then its history row and outbox rows are written in one transaction and the call
//! returns. Delivery is the worker's ([`crate::OutboxWorker`]).

use std::sync::Arc;

use alpha_kernel::{Clock, UserId};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::errors::{InvalidSend, NotificationError};
use crate::ports::{NewNotification, NotificationRepo, Outbox};
use crate::send::{Audience, CheckedSend, SendInput, device_token, title_and_body};
use crate::types::{NotificationStatus, NotificationType, PushTarget, Recipient, Topic};
use crate::views::{HistoryPage, HistoryQuery, NotificationStats, NotificationView};

/// Why a brand send with nobody to reach is recorded as failed.
pub const NO_SUBSCRIBER_TOKENS: &str = "No subscriber of this brand has a push token";

/// Changes to a draft; `None` leaves a field as it is, `Some(None)` clears a nullable one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DraftPatch {
    pub title: Option<String>,
    pub body: Option<String>,
    pub kind: Option<String>,
    pub target_data: Option<Option<Value>>,
    pub additional_data: Option<Option<Value>>,
    pub topic: Option<Option<String>>,
    pub scheduled_for: Option<Option<DateTime<Utc>>>,
    pub is_scheduled: Option<bool>,
}

impl DraftPatch {
    fn apply(self, mut input: SendInput) -> SendInput {
        if let Some(title) = self.title {
            input.title = title;
        }
        if let Some(body) = self.body {
            input.body = body;
        }
        if let Some(kind) = self.kind {
            input.kind = kind;
        }
        if let Some(target) = self.target_data {
            input.target_data = target;
        }
        if let Some(data) = self.additional_data {
            input.additional_data = data;
        }
        if let Some(topic) = self.topic {
            input.topic = topic;
        }
        if let Some(at) = self.scheduled_for {
            input.scheduled_for = at;
        }
        if let Some(scheduled) = self.is_scheduled {
            input.is_scheduled = Some(scheduled);
        }
        input
    }
}

/// Sends, drafts and the history of notifications.
pub struct NotificationService {
    repo: Arc<dyn NotificationRepo>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for NotificationService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NotificationService")
            .finish_non_exhaustive()
    }
}

impl NotificationService {
    pub fn new(repo: Arc<dyn NotificationRepo>, clock: Arc<dyn Clock>) -> Self {
        Self { repo, clock }
    }

    /// Queues a send (`POST /notifications/admin/send`), now or at `scheduledFor`.
    ///
    /// Errors: `Invalid` (nothing written), `Repo`.
    pub async fn send(
        &self,
        input: SendInput,
        sender: Option<UserId>,
    ) -> Result<NotificationView, NotificationError> {
        let send = CheckedSend::parse(input)?;
        let recipients = self.recipients(&send).await?;
        let now = self.clock.now();
        let mut row = new_row(&send, NotificationStatus::Sending, sender, now);
        if recipients.is_empty() {
            row.status = NotificationStatus::Failed;
            row.error_message = Some(NO_SUBSCRIBER_TOKENS.to_owned());
        }
        let outbox = Outbox {
            recipients,
            due: due(send.scheduled_for, now),
        };
        Ok(self.repo.enqueue(&row, &outbox).await?)
    }

    /// Queues a push to one device token (`POST /notifications`, kept for old callers); the
    /// history row does not keep the token.
    ///
    /// Errors: `Invalid` (nothing written), `Repo`.
    pub async fn send_to_token(
        &self,
        title: &str,
        body: &str,
        token: &str,
        sender: Option<UserId>,
    ) -> Result<NotificationView, NotificationError> {
        let (title, body) = title_and_body(title, body)?;
        let token = device_token(token)?;
        let now = self.clock.now();
        let row = NewNotification {
            uuid: Uuid::new_v4(),
            title,
            body,
            kind: NotificationType::SpecificUser,
            status: NotificationStatus::Sending,
            // The token itself stays in the outbox only: history is shown to admins.
            target_data: Some(json!({"route": "POST /notifications", "deviceToken": "not stored"})),
            additional_data: None,
            topic: None,
            sent_by: sender,
            scheduled_for: None,
            is_scheduled: false,
            error_message: None,
            at: now,
        };
        let outbox = Outbox {
            recipients: vec![Recipient {
                user: None,
                target: PushTarget::Token(token),
            }],
            due: now,
        };
        Ok(self.repo.enqueue(&row, &outbox).await?)
    }

    /// Stores a draft (`POST /notifications/admin/create`), checked as a send is.
    ///
    /// Errors: `Invalid` (nothing written), `Repo`.
    pub async fn create_draft(
        &self,
        input: SendInput,
        sender: Option<UserId>,
    ) -> Result<NotificationView, NotificationError> {
        let send = CheckedSend::parse(input)?;
        self.recipients(&send).await?;
        let row = new_row(&send, NotificationStatus::Pending, sender, self.clock.now());
        Ok(self.repo.insert_draft(&row).await?)
    }

    /// Sends the draft itself (no copy): it becomes `sending`, then `sent`/`failed`/`partial`
    /// (at once `failed`, [`NO_SUBSCRIBER_TOKENS`], when its brand has nobody to reach).
    ///
    /// Errors: `NotFound`, `AlreadySent` (not a draft any more), `Invalid` (its target is gone;
    /// it stays a draft), `Repo`.
    pub async fn send_draft(&self, uuid: Uuid) -> Result<NotificationView, NotificationError> {
        let draft = self
            .repo
            .draft(uuid)
            .await?
            .ok_or(NotificationError::NotFound)?;
        if draft.status != NotificationStatus::Pending {
            return Err(NotificationError::AlreadySent);
        }
        let send = CheckedSend::parse(draft.input)?;
        let recipients = self.recipients(&send).await?;
        let now = self.clock.now();
        let outbox = Outbox {
            recipients,
            due: due(send.scheduled_for, now),
        };
        match self.repo.enqueue_draft(uuid, &outbox, now).await? {
            Some(view) => Ok(view),
            None => Err(self.gone_or_sent(uuid).await),
        }
    }

    /// Errors: `NotFound`, `Repo`.
    pub async fn get(&self, uuid: Uuid) -> Result<NotificationView, NotificationError> {
        self.repo
            .get(uuid)
            .await?
            .ok_or(NotificationError::NotFound)
    }

    /// Errors: `Repo`.
    pub async fn history(&self, query: &HistoryQuery) -> Result<HistoryPage, NotificationError> {
        Ok(self.repo.page(query).await?)
    }

    /// Errors: `Repo`.
    pub async fn stats(&self) -> Result<NotificationStats, NotificationError> {
        Ok(self.repo.stats().await?.with_rate())
    }

    /// Edits a draft; the result must still be a valid send.
    ///
    /// Errors: `NotFound`, `AlreadySent`, `Invalid` (nothing written), `Repo`.
    pub async fn update_draft(
        &self,
        uuid: Uuid,
        patch: DraftPatch,
    ) -> Result<NotificationView, NotificationError> {
        let draft = self
            .repo
            .draft(uuid)
            .await?
            .ok_or(NotificationError::NotFound)?;
        if draft.status != NotificationStatus::Pending {
            return Err(NotificationError::AlreadySent);
        }
        let send = CheckedSend::parse(patch.apply(draft.input))?;
        self.recipients(&send).await?;
        let row = new_row(
            &send,
            NotificationStatus::Pending,
            draft.sent_by,
            self.clock.now(),
        );
        match self.repo.update_draft(uuid, &row).await? {
            Some(view) => Ok(view),
            None => Err(self.gone_or_sent(uuid).await),
        }
    }

    /// Errors: `NotFound`, `AlreadySent`, `Repo`.
    pub async fn delete_draft(&self, uuid: Uuid) -> Result<(), NotificationError> {
        if self.repo.delete_draft(uuid).await? {
            return Ok(());
        }
        Err(self.gone_or_sent(uuid).await)
    }

    /// Who a checked send reaches, once its brand or user is known to exist.
    async fn recipients(&self, send: &CheckedSend) -> Result<Vec<Recipient>, NotificationError> {
        Ok(match &send.audience {
            Audience::AllUsers => vec![Recipient::topic(&Topic::parse(crate::ALL_USERS_TOPIC)?)],
            Audience::Topic(topic) => vec![Recipient::topic(topic)],
            Audience::Brand(brand) => {
                if !self.repo.brand_exists(*brand).await? {
                    return Err(InvalidSend::BrandNotFound.into());
                }
                self.repo.subscriber_tokens(*brand).await?
            }
            Audience::User(user) => match self.repo.push_token(*user).await? {
                None => return Err(InvalidSend::UserNotFound.into()),
                Some(None) => return Err(InvalidSend::UserHasNoToken.into()),
                Some(Some(token)) => vec![Recipient {
                    user: Some(*user),
                    target: PushTarget::Token(token),
                }],
            },
        })
    }

    /// After a conditional write found nothing: the row is gone, or no longer a draft.
    async fn gone_or_sent(&self, uuid: Uuid) -> NotificationError {
        match self.repo.get(uuid).await {
            Ok(None) => NotificationError::NotFound,
            Ok(Some(_)) => NotificationError::AlreadySent,
            Err(e) => e.into(),
        }
    }
}

/// A scheduled send is due at its time, a past one at once.
fn due(scheduled_for: Option<DateTime<Utc>>, now: DateTime<Utc>) -> DateTime<Utc> {
    scheduled_for.map_or(now, |at| at.max(now))
}

fn new_row(
    send: &CheckedSend,
    status: NotificationStatus,
    sender: Option<UserId>,
    now: DateTime<Utc>,
) -> NewNotification {
    NewNotification {
        uuid: Uuid::new_v4(),
        title: send.title.clone(),
        body: send.body.clone(),
        kind: send.kind,
        status,
        target_data: send.target_data.clone(),
        additional_data: send.additional_data.clone(),
        topic: send.topic.clone(),
        sent_by: sender,
        scheduled_for: send.scheduled_for,
        is_scheduled: send.is_scheduled,
        error_message: None,
        at: now,
    }
}

#[cfg(test)]
mod tests;
