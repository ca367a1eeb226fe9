//! [`NotificationRepo`]: sends, drafts, the admin listing and totals, and the recipients.

use std::collections::BTreeMap;

use alpha_kernel::{RepoError, UserId};
use alpha_notifications::{
    HistoryPage, HistoryQuery, ListingPush, NO_SUBSCRIBER_TOKENS, NewNotification,
    NotificationRepo, NotificationStats, NotificationStatus, NotificationView, Outbox, PushTarget,
    Recipient, SortColumn, StoredDraft,
};
use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{
    Array, BigInt, Bool, Date, Int4, Json, Nullable, Text, Timestamptz, Uuid as SqlUuid,
};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::rows::{HistoryRow, VIEW_COLUMNS, VIEW_FROM};
use super::{PgNotifications, count, insert_history, insert_outbox, repo_error};
use crate::catalog::like_pattern;
use crate::error::connection;

#[derive(QueryableByName)]
struct Exists {
    #[diesel(sql_type = Bool)]
    found: bool,
}

#[derive(QueryableByName)]
struct TokenRow {
    #[diesel(sql_type = SqlUuid)]
    uuid: Uuid,
    #[diesel(sql_type = Nullable<Text>)]
    token: Option<String>,
}

#[derive(QueryableByName)]
struct UserRow {
    #[diesel(sql_type = SqlUuid)]
    user_id: Uuid,
}

#[derive(QueryableByName)]
struct Total {
    #[diesel(sql_type = BigInt)]
    total: i64,
}

#[derive(QueryableByName)]
struct StatsRow {
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
    #[diesel(sql_type = BigInt)]
    recipients: i64,
    #[diesel(sql_type = BigInt)]
    delivered: i64,
    #[diesel(sql_type = BigInt)]
    failed: i64,
}

fn unsigned(n: i64) -> u64 {
    u64::try_from(n).unwrap_or_default()
}

/// A present, non-blank device token.
fn usable(token: Option<String>) -> Option<String> {
    token.filter(|t| !t.trim().is_empty())
}

async fn view(
    conn: &mut AsyncPgConnection,
    uuid: Uuid,
) -> Result<Option<NotificationView>, diesel::result::Error> {
    let rows: Vec<HistoryRow> = diesel::sql_query(format!(
        "SELECT {VIEW_COLUMNS} FROM {VIEW_FROM} WHERE n.uuid = $1"
    ))
    .bind::<SqlUuid, _>(uuid)
    .load(conn)
    .await?;
    Ok(rows.into_iter().next().map(HistoryRow::view))
}

/// The row was just written in this call: not finding it is a broken invariant.
fn written(found: Option<NotificationView>) -> Result<NotificationView, RepoError> {
    found.ok_or_else(|| {
        RepoError::Other("a notification written a moment ago cannot be read back".into())
    })
}

/// The listing's WHERE clause over `n`, with its binds in order: type, status, search
/// pattern, start, end (each NULL when not asked).
const LISTING_WHERE: &str = "($1::text IS NULL OR n.type::text = $1) \
     AND ($2::text IS NULL OR n.status::text = $2) \
     AND ($3::text IS NULL OR n.title ILIKE $3 OR n.body ILIKE $3) \
     AND ($4::timestamptz IS NULL OR n.\"createdAt\" >= $4) \
     AND ($5::timestamptz IS NULL OR n.\"createdAt\" <= $5)";

fn order_by(query: &HistoryQuery) -> String {
    let column = match query.sort {
        SortColumn::CreatedAt => "n.\"createdAt\"",
        SortColumn::UpdatedAt => "n.\"updatedAt\"",
        SortColumn::ScheduledFor => "n.\"scheduledFor\"",
        SortColumn::Title => "n.title",
        SortColumn::Type => "n.type::text",
        SortColumn::Status => "n.status::text",
        SortColumn::TotalRecipients => "n.\"totalRecipients\"",
    };
    let direction = if query.descending {
        "DESC NULLS LAST"
    } else {
        "ASC NULLS LAST"
    };
    format!("{column} {direction}, n.uuid {direction}")
}

#[async_trait::async_trait]
impl NotificationRepo for PgNotifications {
    async fn brand_exists(&self, brand: Uuid) -> Result<bool, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let row: Exists =
            diesel::sql_query("SELECT EXISTS (SELECT 1 FROM brands WHERE uuid = $1) AS found")
                .bind::<SqlUuid, _>(brand)
                .get_result(&mut conn)
                .await
                .map_err(repo_error)?;
        Ok(row.found)
    }

    async fn push_token(&self, user: UserId) -> Result<Option<Option<String>>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let rows: Vec<TokenRow> =
            diesel::sql_query("SELECT uuid, \"firebaseToken\" AS token FROM users WHERE uuid = $1")
                .bind::<SqlUuid, _>(user.0)
                .load(&mut conn)
                .await
                .map_err(repo_error)?;
        Ok(rows.into_iter().next().map(|row| usable(row.token)))
    }

    /// One row per distinct token: two accounts on one device get the push once.
    async fn subscriber_tokens(&self, brand: Uuid) -> Result<Vec<Recipient>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let rows: Vec<TokenRow> = diesel::sql_query(
            "SELECT DISTINCT ON (u.\"firebaseToken\") u.uuid, u.\"firebaseToken\" AS token \
             FROM brands_user bu JOIN users u ON u.uuid = bu.\"userId\" \
             WHERE bu.\"brandId\" = $1 AND btrim(COALESCE(u.\"firebaseToken\", '')) <> '' \
             ORDER BY u.\"firebaseToken\", u.uuid",
        )
        .bind::<SqlUuid, _>(brand)
        .load(&mut conn)
        .await
        .map_err(repo_error)?;
        Ok(rows
            .into_iter()
            .filter_map(|row| {
                Some(Recipient {
                    user: Some(UserId(row.uuid)),
                    target: PushTarget::Token(usable(row.token)?),
                })
            })
            .collect())
    }

    async fn enqueue(
        &self,
        notification: &NewNotification,
        outbox: &Outbox,
    ) -> Result<NotificationView, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let found = conn
            .transaction::<_, diesel::result::Error, _>(async |conn| {
                insert_history(conn, notification, outbox.recipients.len()).await?;
                insert_outbox(conn, notification.uuid, outbox, notification.at).await?;
                view(conn, notification.uuid).await
            })
            .await
            .map_err(repo_error)?;
        written(found)
    }

    async fn enqueue_draft(
        &self,
        uuid: Uuid,
        outbox: &Outbox,
        at: DateTime<Utc>,
    ) -> Result<Option<NotificationView>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let nobody = outbox.recipients.is_empty();
        conn.transaction::<_, diesel::result::Error, _>(async |conn| {
                let claimed = diesel::sql_query(
                    "UPDATE notification_history SET \
                     status = (CASE WHEN $2 THEN 'failed' ELSE 'sending' END)::enum_notification_history_status, \
                     \"errorMessage\" = CASE WHEN $2 THEN $3 END, \
                     \"totalRecipients\" = $4, \"successfulDeliveries\" = 0, \
                     \"failedDeliveries\" = 0, \"updatedAt\" = $5 \
                     WHERE uuid = $1 AND status = 'pending'",
                )
                .bind::<SqlUuid, _>(uuid)
                .bind::<Bool, _>(nobody)
                .bind::<Text, _>(NO_SUBSCRIBER_TOKENS)
                .bind::<Int4, _>(count(outbox.recipients.len()))
                .bind::<Timestamptz, _>(at)
                .execute(conn)
                .await?;
                if claimed == 0 {
                    return Ok(None);
                }
                insert_outbox(conn, uuid, outbox, at).await?;
                view(conn, uuid).await
        })
        .await
        .map_err(repo_error)
    }

    async fn insert_draft(
        &self,
        notification: &NewNotification,
    ) -> Result<NotificationView, RepoError> {
        let mut conn = connection(&self.pool).await?;
        insert_history(&mut conn, notification, 0)
            .await
            .map_err(repo_error)?;
        written(
            view(&mut conn, notification.uuid)
                .await
                .map_err(repo_error)?,
        )
    }

    async fn get(&self, uuid: Uuid) -> Result<Option<NotificationView>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        view(&mut conn, uuid).await.map_err(repo_error)
    }

    async fn draft(&self, uuid: Uuid) -> Result<Option<StoredDraft>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let rows: Vec<HistoryRow> = diesel::sql_query(format!(
            "SELECT {VIEW_COLUMNS} FROM {VIEW_FROM} WHERE n.uuid = $1"
        ))
        .bind::<SqlUuid, _>(uuid)
        .load(&mut conn)
        .await
        .map_err(repo_error)?;
        Ok(rows.into_iter().next().map(HistoryRow::draft))
    }

    async fn update_draft(
        &self,
        uuid: Uuid,
        row: &NewNotification,
    ) -> Result<Option<NotificationView>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let changed = diesel::sql_query(
            "UPDATE notification_history SET title = $2, body = $3, \
             type = $4::enum_notification_history_type, \"targetData\" = $5, \
             \"additionalData\" = $6, topic = $7, \"scheduledFor\" = $8, \"isScheduled\" = $9, \
             \"updatedAt\" = $10 WHERE uuid = $1 AND status = 'pending'",
        )
        .bind::<SqlUuid, _>(uuid)
        .bind::<Text, _>(&row.title)
        .bind::<Text, _>(&row.body)
        .bind::<Text, _>(row.kind.as_str())
        .bind::<Nullable<Json>, _>(row.target_data.clone())
        .bind::<Nullable<Json>, _>(row.additional_data.clone())
        .bind::<Nullable<Text>, _>(row.topic.as_deref())
        .bind::<Nullable<Timestamptz>, _>(row.scheduled_for)
        .bind::<Bool, _>(row.is_scheduled)
        .bind::<Timestamptz, _>(row.at)
        .execute(&mut conn)
        .await
        .map_err(repo_error)?;
        if changed == 0 {
            return Ok(None);
        }
        view(&mut conn, uuid).await.map_err(repo_error)
    }

    async fn delete_draft(&self, uuid: Uuid) -> Result<bool, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let deleted = diesel::sql_query(
            "DELETE FROM notification_history WHERE uuid = $1 AND status = 'pending'",
        )
        .bind::<SqlUuid, _>(uuid)
        .execute(&mut conn)
        .await
        .map_err(repo_error)?;
        Ok(deleted > 0)
    }

    async fn page(&self, query: &HistoryQuery) -> Result<HistoryPage, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let kind = query.kind.map(|k| k.as_str());
        let status = query.status.map(|s| s.as_str());
        let search = query.search.as_deref().map(like_pattern);
        let total: Total = diesel::sql_query(format!(
            "SELECT count(*) AS total FROM notification_history n WHERE {LISTING_WHERE}"
        ))
        .bind::<Nullable<Text>, _>(kind)
        .bind::<Nullable<Text>, _>(status)
        .bind::<Nullable<Text>, _>(search.as_deref())
        .bind::<Nullable<Timestamptz>, _>(query.start)
        .bind::<Nullable<Timestamptz>, _>(query.end)
        .get_result(&mut conn)
        .await
        .map_err(repo_error)?;
        let rows: Vec<HistoryRow> = diesel::sql_query(format!(
            "SELECT {VIEW_COLUMNS} FROM {VIEW_FROM} WHERE {LISTING_WHERE} \
             ORDER BY {} LIMIT $6 OFFSET $7",
            order_by(query)
        ))
        .bind::<Nullable<Text>, _>(kind)
        .bind::<Nullable<Text>, _>(status)
        .bind::<Nullable<Text>, _>(search.as_deref())
        .bind::<Nullable<Timestamptz>, _>(query.start)
        .bind::<Nullable<Timestamptz>, _>(query.end)
        .bind::<BigInt, _>(i64::from(query.limit))
        .bind::<BigInt, _>(i64::try_from(query.offset()).unwrap_or(i64::MAX))
        .load(&mut conn)
        .await
        .map_err(repo_error)?;
        Ok(HistoryPage::new(
            query,
            unsigned(total.total),
            rows.into_iter().map(HistoryRow::view).collect(),
        ))
    }

    async fn stats(&self) -> Result<NotificationStats, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let rows: Vec<StatsRow> = diesel::sql_query(
            "SELECT type::text AS kind, status::text AS status, count(*) AS n, \
             COALESCE(sum(\"totalRecipients\"), 0)::bigint AS recipients, \
             COALESCE(sum(\"successfulDeliveries\"), 0)::bigint AS delivered, \
             COALESCE(sum(\"failedDeliveries\"), 0)::bigint AS failed \
             FROM notification_history GROUP BY 1, 2",
        )
        .load(&mut conn)
        .await
        .map_err(repo_error)?;
        let mut stats = NotificationStats::default();
        let (mut by_type, mut by_status) = (BTreeMap::new(), BTreeMap::new());
        for row in rows {
            let n = unsigned(row.n);
            stats.total_notifications += n;
            stats.total_recipients += unsigned(row.recipients);
            stats.total_successful_deliveries += unsigned(row.delivered);
            stats.total_failed_deliveries += unsigned(row.failed);
            *by_type.entry(row.kind).or_insert(0) += n;
            *by_status.entry(row.status).or_insert(0) += n;
        }
        stats.notifications_by_type = by_type;
        stats.notifications_by_status = by_status;
        Ok(stats)
    }

    /// The quota upsert is one statement: a slot is taken only while the day's count is under
    /// the cap, so concurrent approvals cannot push a user past it. A post counts as told of
    /// once its history row exists (`targetData.postUuid`); a transaction-scoped advisory lock
    /// on the post makes a repeated approval wait for the first and then find that row.
    async fn enqueue_listing_push(&self, push: &ListingPush) -> Result<Vec<UserId>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        conn.transaction::<_, diesel::result::Error, _>(async |conn| {
            // Two approvals of one post take turns, so the second sees the first's row.
            diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 7))")
                .bind::<Text, _>(push.post.to_string())
                .execute(conn)
                .await?;
            let told_before: Exists = diesel::sql_query(
                "SELECT EXISTS (SELECT 1 FROM notification_history \
                 WHERE type = 'brand_subscribers' AND \"sentBy\" IS NULL \
                 AND \"targetData\"->>'postUuid' = $1) AS found",
            )
            .bind::<Text, _>(push.post.to_string())
            .get_result(conn)
            .await?;
            if told_before.found {
                return Ok(Vec::new());
            }
            let told: Vec<UserRow> = diesel::sql_query(
                "INSERT INTO push_daily_quota (user_id, day, count) \
                     SELECT bu.\"userId\", $2, 1 FROM brands_user bu \
                     JOIN users u ON u.uuid = bu.\"userId\" \
                     WHERE bu.\"brandId\" = $1 AND ($3::uuid IS NULL OR bu.\"userId\" <> $3) \
                     ON CONFLICT (user_id, day) DO UPDATE SET count = push_daily_quota.count + 1 \
                     WHERE push_daily_quota.count < $4 \
                     RETURNING user_id",
            )
            .bind::<SqlUuid, _>(push.brand)
            .bind::<Date, _>(push.day)
            .bind::<Nullable<SqlUuid>, _>(push.exclude.map(|u| u.0))
            .bind::<Int4, _>(i32::try_from(push.daily_cap).unwrap_or(i32::MAX))
            .load(conn)
            .await?;
            let users: Vec<Uuid> = told.into_iter().map(|row| row.user_id).collect();
            if users.is_empty() {
                return Ok(Vec::new());
            }
            let tokens: Vec<TokenRow> = diesel::sql_query(
                "SELECT DISTINCT ON (\"firebaseToken\") uuid, \"firebaseToken\" AS token \
                     FROM users WHERE uuid = ANY($1) \
                     AND btrim(COALESCE(\"firebaseToken\", '')) <> '' \
                     ORDER BY \"firebaseToken\", uuid",
            )
            .bind::<Array<SqlUuid>, _>(&users)
            .load(conn)
            .await?;
            let recipients: Vec<Recipient> = tokens
                .into_iter()
                .filter_map(|row| {
                    Some(Recipient {
                        user: Some(UserId(row.uuid)),
                        target: PushTarget::Token(usable(row.token)?),
                    })
                })
                .collect();
            let outbox = Outbox {
                recipients,
                due: push.due,
            };
            let mut row = push.notification.clone();
            if outbox.recipients.is_empty() {
                // Told on their sockets only: nothing for the worker, the row is final.
                row.status = NotificationStatus::Sent;
            }
            insert_history(conn, &row, outbox.recipients.len()).await?;
            insert_outbox(conn, row.uuid, &outbox, row.at).await?;
            Ok(users.into_iter().map(UserId).collect())
        })
        .await
        .map_err(repo_error)
    }
}
