//! [`OutboxRepo`]: claiming due rows, recording outcomes, and the history counters.

use std::time::Duration;

use alpha_kernel::{RepoError, UserId};
use alpha_notifications::{
    Delivery, DeliveryResult, OutboxRepo, PushMessage, PushTarget, push_data,
};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Date, Int4, Json, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::{AsyncConnection, RunQueryDsl};
use serde_json::Value;
use uuid::Uuid;

use super::{PgNotifications, repo_error};
use crate::error::connection;

#[derive(QueryableByName)]
struct ClaimedRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = SqlUuid)]
    notification_id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    idempotency_key: Uuid,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    user_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Text>)]
    token: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    topic: Option<String>,
    #[diesel(sql_type = Int4)]
    attempts: i32,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Text)]
    body: String,
    #[diesel(sql_type = Nullable<Json>)]
    additional_data: Option<Value>,
}

#[derive(QueryableByName)]
struct Finished {
    #[diesel(sql_type = SqlUuid)]
    notification_id: Uuid,
}

impl ClaimedRow {
    fn delivery(self, claim: Uuid) -> Delivery {
        let target = match (self.token, self.topic) {
            (Some(token), _) => PushTarget::Token(token),
            // The table's CHECK makes exactly one of the two set.
            (None, topic) => PushTarget::Topic(topic.unwrap_or_default()),
        };
        // Stored sends were checked on the way in; a legacy row that does not pass now goes
        // without its extra data rather than not at all.
        let mut data = self
            .additional_data
            .as_ref()
            .and_then(|d| push_data(d).ok())
            .unwrap_or_default();
        data.insert("notificationId".into(), self.notification_id.to_string());
        data.insert("idempotencyKey".into(), self.idempotency_key.to_string());
        Delivery {
            id: self.id,
            claim,
            notification: self.notification_id,
            idempotency_key: self.idempotency_key,
            user: self.user_id.map(UserId),
            target,
            attempts: u32::try_from(self.attempts).unwrap_or_default(),
            message: PushMessage {
                title: self.title,
                body: self.body,
                data,
            },
        }
    }
}

#[async_trait::async_trait]
impl OutboxRepo for PgNotifications {
    /// One statement: the due rows are locked with `SKIP LOCKED`, so two workers never claim
    /// the same row, and marked with this claim until `now + lease`.
    async fn claim(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<Delivery>, RepoError> {
        let claim = Uuid::new_v4();
        let until = now + TimeDelta::from_std(lease).unwrap_or(TimeDelta::MAX);
        let mut conn = connection(&self.pool).await?;
        let rows: Vec<ClaimedRow> = diesel::sql_query(
            "WITH due AS ( \
               SELECT id FROM notification_outbox \
               WHERE (status = 'pending' AND next_attempt_at <= $1) \
                  OR (status = 'sending' AND locked_until <= $1) \
               ORDER BY next_attempt_at, id LIMIT $2 FOR UPDATE SKIP LOCKED) \
             UPDATE notification_outbox o SET status = 'sending', claim = $3, \
               locked_until = $4, attempts = o.attempts + 1, updated_at = $1 \
             FROM due, notification_history h \
             WHERE o.id = due.id AND h.uuid = o.notification_id \
             RETURNING o.id, o.notification_id, o.idempotency_key, o.user_id, o.token, \
               o.topic::text AS topic, o.attempts, h.title::text AS title, h.body, \
               h.\"additionalData\" AS additional_data",
        )
        .bind::<Timestamptz, _>(now)
        .bind::<BigInt, _>(i64::from(limit))
        .bind::<SqlUuid, _>(claim)
        .bind::<Timestamptz, _>(until)
        .load(&mut conn)
        .await
        .map_err(repo_error)?;
        Ok(rows.into_iter().map(|row| row.delivery(claim)).collect())
    }

    /// In one transaction: the row's outcome (only under this claim: a row re-claimed after
    /// its lease belongs to the new claim), the cleared token, and for a final outcome the
    /// history counters, incremented in place so concurrent finishes of one send all count.
    async fn finish(
        &self,
        delivery: &Delivery,
        result: &DeliveryResult,
        now: DateTime<Utc>,
    ) -> Result<(), RepoError> {
        let (status, next, error, message_id) = match result {
            DeliveryResult::Sent { message_id } => ("sent", None, None, Some(message_id.as_str())),
            DeliveryResult::Retry { at, error } => {
                ("pending", Some(*at), Some(error.as_str()), None)
            }
            DeliveryResult::Failed { error, .. } => ("failed", None, Some(error.as_str()), None),
        };
        let clear_token = match (result, delivery.user, &delivery.target) {
            (
                DeliveryResult::Failed {
                    unregistered: true, ..
                },
                Some(user),
                PushTarget::Token(t),
            ) => Some((user, t.as_str())),
            _ => None,
        };
        let (delivered, failed) = match result {
            DeliveryResult::Sent { .. } => (1, 0),
            DeliveryResult::Failed { .. } => (0, 1),
            DeliveryResult::Retry { .. } => (0, 0),
        };
        let mut conn = connection(&self.pool).await?;
        conn.transaction::<_, diesel::result::Error, _>(async |conn| {
            let rows: Vec<Finished> = diesel::sql_query(
                "UPDATE notification_outbox SET status = $3, \
                     next_attempt_at = COALESCE($4, next_attempt_at), last_error = $5, \
                     fcm_message_id = COALESCE($6, fcm_message_id), claim = NULL, \
                     locked_until = NULL, updated_at = $7 \
                     WHERE id = $1 AND claim = $2 AND status = 'sending' \
                     RETURNING notification_id",
            )
            .bind::<BigInt, _>(delivery.id)
            .bind::<SqlUuid, _>(delivery.claim)
            .bind::<Text, _>(status)
            .bind::<Nullable<Timestamptz>, _>(next)
            .bind::<Nullable<Text>, _>(error)
            .bind::<Nullable<Text>, _>(message_id)
            .bind::<Timestamptz, _>(now)
            .load(conn)
            .await?;
            let Some(row) = rows.into_iter().next() else {
                return Ok(());
            };
            if let Some((user, token)) = clear_token {
                // Only if it is still that token: the app may have sent a new one since.
                diesel::sql_query(
                    "UPDATE users SET \"firebaseToken\" = NULL \
                         WHERE uuid = $1 AND \"firebaseToken\" = $2",
                )
                .bind::<SqlUuid, _>(user.0)
                .bind::<Text, _>(token)
                .execute(conn)
                .await?;
            }
            if delivered + failed > 0 {
                let error = if failed > 0 { error } else { None };
                count_outcomes(conn, row.notification_id, (delivered, failed), error, now).await?;
            }
            Ok(())
        })
        .await
        .map_err(repo_error)
    }

    async fn purge(
        &self,
        quotas_before: NaiveDate,
        done_before: DateTime<Utc>,
    ) -> Result<u64, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let quotas = diesel::sql_query("DELETE FROM push_daily_quota WHERE day < $1")
            .bind::<Date, _>(quotas_before)
            .execute(&mut conn)
            .await
            .map_err(repo_error)?;
        let done = diesel::sql_query(
            "DELETE FROM notification_outbox \
             WHERE status IN ('sent', 'failed') AND updated_at < $1",
        )
        .bind::<Timestamptz, _>(done_before)
        .execute(&mut conn)
        .await
        .map_err(repo_error)?;
        Ok(u64::try_from(quotas + done).unwrap_or_default())
    }
}

#[derive(QueryableByName)]
struct Depth {
    #[diesel(sql_type = BigInt)]
    waiting: i64,
    #[diesel(sql_type = BigInt)]
    due: i64,
}

impl PgNotifications {
    /// The outbox rows not delivered yet, and those of them due now (for the metrics).
    ///
    /// Errors: [`RepoError`].
    pub async fn outbox_depth(&self) -> Result<(u64, u64), RepoError> {
        let mut conn = connection(&self.pool).await?;
        let depth: Depth = diesel::sql_query(
            "SELECT count(*) AS waiting, count(*) FILTER (WHERE next_attempt_at <= now()) AS due \
             FROM notification_outbox WHERE status IN ('pending', 'sending')",
        )
        .get_result(&mut conn)
        .await
        .map_err(repo_error)?;
        Ok((
            u64::try_from(depth.waiting).unwrap_or(0),
            u64::try_from(depth.due).unwrap_or(0),
        ))
    }
}

/// Adds final outcomes to a send's history row, in place (so concurrent finishes all count), and
/// moves its status on once every recipient has one.
async fn count_outcomes(
    conn: &mut diesel_async::AsyncPgConnection,
    notification: Uuid,
    (delivered, failed): (i32, i32),
    error: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), diesel::result::Error> {
    diesel::sql_query(
        "UPDATE notification_history SET \
             \"successfulDeliveries\" = COALESCE(\"successfulDeliveries\", 0) + $2, \
             \"failedDeliveries\" = COALESCE(\"failedDeliveries\", 0) + $3, \
             \"errorMessage\" = COALESCE($4, \"errorMessage\"), \
             status = (CASE \
               WHEN COALESCE(\"successfulDeliveries\", 0) + $2 \
                  + COALESCE(\"failedDeliveries\", 0) + $3 \
                  < COALESCE(\"totalRecipients\", 0) THEN status::text \
               WHEN COALESCE(\"failedDeliveries\", 0) + $3 = 0 THEN 'sent' \
               WHEN COALESCE(\"successfulDeliveries\", 0) + $2 = 0 THEN 'failed' \
               ELSE 'partial' END)::enum_notification_history_status, \
             \"updatedAt\" = $5 \
             WHERE uuid = $1",
    )
    .bind::<SqlUuid, _>(notification)
    .bind::<Int4, _>(delivered)
    .bind::<Int4, _>(failed)
    .bind::<Nullable<Text>, _>(error)
    .bind::<Timestamptz, _>(now)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(QueryableByName)]
struct Cancelled {
    #[diesel(sql_type = SqlUuid)]
    notification_id: Uuid,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Why a push to a deleted account never went out.
const RECIPIENT_DELETED: &str = "recipient deleted";

impl PgNotifications {
    /// Fails the pushes still waiting for `user`'s devices (an account being deleted), counted in
    /// their sends' history; one a worker holds right now goes out. Returns how many.
    ///
    /// Errors: [`RepoError`].
    pub async fn cancel_pushes_to(
        &self,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<u64, RepoError> {
        let mut conn = connection(&self.pool).await?;
        conn.transaction::<_, diesel::result::Error, _>(async |conn| {
            let cancelled: Vec<Cancelled> = diesel::sql_query(
                "WITH cancelled AS (UPDATE notification_outbox SET status = 'failed', \
                     last_error = $2, updated_at = $3 \
                     WHERE user_id = $1 AND status = 'pending' RETURNING notification_id) \
                 SELECT notification_id, count(*) AS n FROM cancelled GROUP BY notification_id",
            )
            .bind::<SqlUuid, _>(user.0)
            .bind::<Text, _>(RECIPIENT_DELETED)
            .bind::<Timestamptz, _>(now)
            .load(conn)
            .await?;
            let mut total = 0;
            for send in cancelled {
                let n = i32::try_from(send.n).unwrap_or(i32::MAX);
                count_outcomes(
                    conn,
                    send.notification_id,
                    (0, n),
                    Some(RECIPIENT_DELETED),
                    now,
                )
                .await?;
                total += u64::try_from(send.n).unwrap_or(0);
            }
            Ok(total)
        })
        .await
        .map_err(repo_error)
    }
}
