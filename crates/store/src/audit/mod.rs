//! The `audit_log` table: [`PgAuditLog`] implements `alpha_kernel::AuditLog`.

use alpha_kernel::{AuditEntry, AuditLog, AuditQuery, AuditRecord, RepoError, UserId};
use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Int2, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use uuid::Uuid;

use crate::error::{connection, db_error};
use crate::pool::PgPool;

#[derive(Clone)]
pub struct PgAuditLog {
    pool: PgPool,
}

impl PgAuditLog {
    /// Never fails: connections are taken from `pool` per call.
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}

impl std::fmt::Debug for PgAuditLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgAuditLog").finish_non_exhaustive()
    }
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Timestamptz)]
    at: DateTime<Utc>,
    #[diesel(sql_type = SqlUuid)]
    actor: Uuid,
    #[diesel(sql_type = Text)]
    action: String,
    #[diesel(sql_type = Nullable<Text>)]
    target: Option<String>,
    #[diesel(sql_type = Int2)]
    status: i16,
    #[diesel(sql_type = BigInt)]
    total: i64,
}

#[derive(QueryableByName)]
struct Total {
    #[diesel(sql_type = BigInt)]
    total: i64,
}

/// Both filters are optional: a NULL parameter matches every row.
const FILTER: &str = "($1::uuid IS NULL OR \"actorId\" = $1) AND ($2::text IS NULL OR target = $2)";

#[async_trait::async_trait]
impl AuditLog for PgAuditLog {
    async fn record(&self, entry: &AuditEntry) -> Result<(), RepoError> {
        let mut conn = connection(&self.pool).await?;
        diesel::sql_query(
            "INSERT INTO audit_log (\"actorId\", action, target, status) VALUES ($1, $2, $3, $4)",
        )
        .bind::<SqlUuid, _>(entry.actor.0)
        .bind::<Text, _>(&entry.action)
        .bind::<Nullable<Text>, _>(entry.target.as_deref())
        .bind::<Int2, _>(i16::try_from(entry.status).unwrap_or(i16::MAX))
        .execute(&mut conn)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn page(&self, query: &AuditQuery) -> Result<(u64, Vec<AuditRecord>), RepoError> {
        let mut conn = connection(&self.pool).await?;
        let actor = query.actor.map(|a| a.0);
        let rows: Vec<Row> = diesel::sql_query(format!(
            "SELECT id, at, \"actorId\" AS actor, action, target, status, count(*) OVER () AS total \
             FROM audit_log WHERE {FILTER} ORDER BY at DESC, id DESC OFFSET $3 LIMIT $4"
        ))
        .bind::<Nullable<SqlUuid>, _>(actor)
        .bind::<Nullable<Text>, _>(query.target.as_deref())
        .bind::<BigInt, _>(i64::from(query.offset))
        .bind::<BigInt, _>(i64::from(query.limit))
        .load(&mut conn)
        .await
        .map_err(db_error)?;
        let total = match <[Row]>::first(&rows) {
            Some(row) => row.total,
            // Past the last page the window has no row to count on.
            None => {
                diesel::sql_query(format!(
                    "SELECT count(*) AS total FROM audit_log WHERE {FILTER}"
                ))
                .bind::<Nullable<SqlUuid>, _>(actor)
                .bind::<Nullable<Text>, _>(query.target.as_deref())
                .get_result::<Total>(&mut conn)
                .await
                .map_err(db_error)?
                .total
            }
        };
        let records = rows
            .into_iter()
            .map(|row| AuditRecord {
                id: row.id,
                at: row.at,
                entry: AuditEntry {
                    actor: UserId(row.actor),
                    action: row.action,
                    target: row.target,
                    status: u16::try_from(row.status).unwrap_or(0),
                },
            })
            .collect();
        Ok((u64::try_from(total).unwrap_or(0), records))
    }
}
