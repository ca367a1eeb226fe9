//! The notifications context's tables: `notification_history` (sends and drafts),
//! `notification_outbox` (one row per recipient, delivered by the worker) and
//! `push_daily_quota` (new-listing pushes a user got per UTC day). Brand subscriptions
//! (`brands_user`) and users' device tokens are read here for the recipients, and a token FCM
//! reports as unregistered is cleared here.

mod history;
mod outbox;
mod rows;

use alpha_kernel::RepoError;
use alpha_notifications::{NewNotification, Outbox, PushTarget};
use chrono::{DateTime, Utc};
use diesel::sql_types::{Array, Bool, Int4, Json, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::pool::PgPool;

/// [`alpha_notifications::NotificationRepo`] and [`alpha_notifications::OutboxRepo`] on
/// PostgreSQL.
#[derive(Clone)]
pub struct PgNotifications {
    pool: PgPool,
}

impl PgNotifications {
    /// Never fails: connections are taken from `pool` per call.
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}

impl std::fmt::Debug for PgNotifications {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgNotifications").finish_non_exhaustive()
    }
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Inserts a history row (counters at zero, `totalRecipients` as given).
async fn insert_history(
    conn: &mut AsyncPgConnection,
    row: &NewNotification,
    total: usize,
) -> Result<(), diesel::result::Error> {
    diesel::sql_query(
        "INSERT INTO notification_history (uuid, title, body, type, status, \"targetData\", \
         \"additionalData\", topic, \"sentBy\", \"scheduledFor\", \"isScheduled\", \
         \"errorMessage\", \"totalRecipients\", \"successfulDeliveries\", \"failedDeliveries\", \
         \"createdAt\", \"updatedAt\") \
         VALUES ($1, $2, $3, $4::enum_notification_history_type, \
         $5::enum_notification_history_status, $6, $7, $8, $9, $10, $11, $12, $13, 0, 0, $14, $14)",
    )
    .bind::<SqlUuid, _>(row.uuid)
    .bind::<Text, _>(&row.title)
    .bind::<Text, _>(&row.body)
    .bind::<Text, _>(row.kind.as_str())
    .bind::<Text, _>(row.status.as_str())
    .bind::<Nullable<Json>, _>(row.target_data.clone())
    .bind::<Nullable<Json>, _>(row.additional_data.clone())
    .bind::<Nullable<Text>, _>(row.topic.as_deref())
    .bind::<Nullable<SqlUuid>, _>(row.sent_by.map(|u| u.0))
    .bind::<Nullable<Timestamptz>, _>(row.scheduled_for)
    .bind::<Bool, _>(row.is_scheduled)
    .bind::<Nullable<Text>, _>(row.error_message.as_deref())
    .bind::<Int4, _>(count(total))
    .bind::<Timestamptz, _>(row.at)
    .execute(conn)
    .await
    .map(drop)
}

/// One outbox row per recipient of `notification`, each with a fresh idempotency key.
async fn insert_outbox(
    conn: &mut AsyncPgConnection,
    notification: Uuid,
    outbox: &Outbox,
    at: DateTime<Utc>,
) -> Result<(), diesel::result::Error> {
    if outbox.recipients.is_empty() {
        return Ok(());
    }
    let n = outbox.recipients.len();
    let keys: Vec<Uuid> = (0..n).map(|_| Uuid::new_v4()).collect();
    let mut users = Vec::with_capacity(n);
    let mut tokens = Vec::with_capacity(n);
    let mut topics = Vec::with_capacity(n);
    for recipient in &outbox.recipients {
        users.push(recipient.user.map(|u| u.0));
        match &recipient.target {
            PushTarget::Token(token) => {
                tokens.push(Some(token.clone()));
                topics.push(None);
            }
            PushTarget::Topic(topic) => {
                tokens.push(None);
                topics.push(Some(topic.clone()));
            }
        }
    }
    diesel::sql_query(
        "INSERT INTO notification_outbox (notification_id, idempotency_key, user_id, token, \
         topic, next_attempt_at, created_at, updated_at) \
         SELECT $1, x.k, x.u, x.t, x.p, $2, $3, $3 \
         FROM UNNEST($4::uuid[], $5::uuid[], $6::text[], $7::text[]) AS x(k, u, t, p)",
    )
    .bind::<SqlUuid, _>(notification)
    .bind::<Timestamptz, _>(outbox.due)
    .bind::<Timestamptz, _>(at)
    .bind::<Array<SqlUuid>, _>(keys)
    .bind::<Array<Nullable<SqlUuid>>, _>(users)
    .bind::<Array<Nullable<Text>>, _>(tokens)
    .bind::<Array<Nullable<Text>>, _>(topics)
    .execute(conn)
    .await
    .map(drop)
}

fn repo_error(e: diesel::result::Error) -> RepoError {
    crate::error::db_error(e)
}
