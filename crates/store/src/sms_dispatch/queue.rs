//! [`SmsQueue`] over `sms_queue`: the OTP SMS waiting for a device, shared by every instance.
//! Instances are woken through `NOTIFY sms_queue` ([`super::wakeups`]) when a message becomes
//! claimable, and look on their own every poll interval for leases that ran out.

use alpha_kernel::RepoError;
use alpha_otp::{DispatchStatus, OtpId};
use alpha_sms_dispatch::{CorrelationId, DeviceKey, InstanceId, MessageId, QueuedSms, SmsQueue};
use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{
    Array, BigInt, Bool, Integer, Nullable, Text, Timestamptz, Uuid as SqlUuid,
};
use diesel_async::{AsyncConnection, RunQueryDsl};
use uuid::Uuid;

use super::attempts::mark_codes;
use crate::error::{connection, db_error};
use crate::pool::PgPool;

/// The channel every instance listens on.
pub const CHANNEL: &str = "sms_queue";

/// Stores a message and wakes the instances in one statement (the notification leaves at
/// commit, so nobody is woken for a row it cannot see yet).
const ENQUEUE_SQL: &str = "\
WITH stored AS (
    INSERT INTO sms_queue (id, otp_id, phone, body, expires_at, leased_by, lease_until)
    VALUES ($1, $2, $3, $4, $5, $6, $7)
    RETURNING leased_by
)
SELECT pg_notify('sms_queue', '') FROM stored WHERE leased_by IS NULL";

/// Leases the oldest claimable messages. A message whose lease ran out was abandoned by a
/// stopped instance: the attempt under way then does not count, and its device may be offered
/// the message again (it is the only way a code reaches a user whose one device was connected
/// to the instance that died). SKIP LOCKED: two instances claiming at once take different rows
/// and never wait on each other.
const CLAIM_SQL: &str = "\
WITH picked AS (
    SELECT id FROM sms_queue
    WHERE expires_at > $3
      AND (leased_by IS NULL OR lease_until < $3)
      AND (CASE WHEN leased_by IS NOT NULL AND device_id IS NOT NULL
                THEN attempts - 1 ELSE attempts END) < $5
      AND NOT ((CASE WHEN leased_by IS NOT NULL AND device_id IS NOT NULL
                     THEN array_remove(tried, device_id) ELSE tried END) @> $2)
    ORDER BY created_at
    LIMIT $6
    FOR UPDATE SKIP LOCKED
),
before AS (
    SELECT q.id, q.leased_by, q.device_id, q.correlation_id, q.attempts, q.tried
    FROM sms_queue q JOIN picked USING (id)
)
UPDATE sms_queue q SET
    leased_by = $1,
    lease_until = $4,
    attempts = CASE WHEN b.leased_by IS NOT NULL AND b.device_id IS NOT NULL
                    THEN GREATEST(b.attempts - 1, 0) ELSE b.attempts END,
    tried = CASE WHEN b.leased_by IS NOT NULL AND b.device_id IS NOT NULL
                 THEN array_remove(b.tried, b.device_id) ELSE b.tried END,
    correlation_id = NULL,
    device_id = NULL
FROM before b
WHERE q.id = b.id
RETURNING q.id, q.otp_id, q.phone, q.body, q.expires_at, q.attempts, q.tried,
    CASE WHEN b.leased_by IS NOT NULL THEN b.correlation_id END AS abandoned_id,
    CASE WHEN b.leased_by IS NOT NULL THEN b.device_id END AS abandoned_device";

const RENEW_SQL: &str = "\
UPDATE sms_queue SET
    attempts = $3,
    tried = CASE WHEN $4 = ANY (tried) THEN tried ELSE array_append(tried, $4) END,
    device_id = $4,
    correlation_id = $5,
    lease_until = $6
WHERE id = $1 AND leased_by = $2";

const RELEASE_SQL: &str = "\
WITH released AS (
    UPDATE sms_queue SET
        leased_by = NULL, lease_until = NULL, device_id = NULL, correlation_id = NULL,
        attempts = $3, tried = $4
    WHERE id = $1 AND leased_by = $2
    RETURNING id
)
SELECT pg_notify('sms_queue', '') FROM released";

const REMOVE_EXPIRED_SQL: &str = "\
DELETE FROM sms_queue
WHERE expires_at <= $1 AND (leased_by IS NULL OR lease_until < $1)
RETURNING otp_id";

const DEVICE_ANYWHERE_SQL: &str = "\
SELECT EXISTS (
    SELECT 1 FROM sms_devices
    WHERE enabled AND connected AND last_seen_at >= $2 AND ($1::text IS NULL OR region = $1)
) AS found";

/// `SmsQueue` on PostgreSQL.
#[derive(Clone)]
pub struct PgSmsQueue {
    pool: PgPool,
}

impl PgSmsQueue {
    /// Never fails: connections are taken from `pool` per call.
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}

impl std::fmt::Debug for PgSmsQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgSmsQueue").finish_non_exhaustive()
    }
}

#[derive(QueryableByName)]
struct ClaimedRow {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    otp_id: Uuid,
    #[diesel(sql_type = Text)]
    phone: String,
    #[diesel(sql_type = Text)]
    body: String,
    #[diesel(sql_type = Timestamptz)]
    expires_at: DateTime<Utc>,
    #[diesel(sql_type = Integer)]
    attempts: i32,
    #[diesel(sql_type = Array<Text>)]
    tried: Vec<String>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    abandoned_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Text>)]
    abandoned_device: Option<String>,
}

#[derive(QueryableByName)]
struct OtpRow {
    #[diesel(sql_type = SqlUuid)]
    otp_id: Uuid,
}

#[derive(QueryableByName)]
struct Found {
    #[diesel(sql_type = Bool)]
    found: bool,
}

#[derive(QueryableByName)]
struct Depth {
    #[diesel(sql_type = BigInt)]
    depth: i64,
}

fn keys(devices: &[DeviceKey]) -> Vec<&str> {
    devices.iter().map(|d| d.0.as_str()).collect()
}

fn int(value: u32) -> Result<i32, RepoError> {
    i32::try_from(value).map_err(|e| RepoError::Other(Box::new(e)))
}

#[async_trait::async_trait]
impl SmsQueue for PgSmsQueue {
    async fn enqueue(
        &self,
        sms: &QueuedSms,
        lease: Option<(InstanceId, DateTime<Utc>)>,
    ) -> Result<(), RepoError> {
        let mut conn = connection(&self.pool).await?;
        diesel::sql_query(ENQUEUE_SQL)
            .bind::<SqlUuid, _>(sms.id.0)
            .bind::<SqlUuid, _>(sms.otp_id.0)
            .bind::<Text, _>(&sms.phone)
            .bind::<Text, _>(&sms.text)
            .bind::<Timestamptz, _>(sms.expires_at)
            .bind::<Nullable<SqlUuid>, _>(lease.map(|(instance, _)| instance.0))
            .bind::<Nullable<Timestamptz>, _>(lease.map(|(_, until)| until))
            .execute(&mut conn)
            .await
            .map_err(db_error)?;
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
        let mut conn = connection(&self.pool).await?;
        let rows: Vec<ClaimedRow> = diesel::sql_query(CLAIM_SQL)
            .bind::<SqlUuid, _>(instance.0)
            .bind::<Array<Text>, _>(keys(devices))
            .bind::<Timestamptz, _>(now)
            .bind::<Timestamptz, _>(until)
            .bind::<Integer, _>(int(max_attempts)?)
            .bind::<BigInt, _>(i64::from(limit))
            .load(&mut conn)
            .await
            .map_err(db_error)?;
        Ok(rows
            .into_iter()
            .map(|row| QueuedSms {
                id: MessageId(row.id),
                otp_id: OtpId(row.otp_id),
                phone: row.phone,
                text: row.body,
                expires_at: row.expires_at,
                attempts: u32::try_from(row.attempts).unwrap_or(0),
                tried: row.tried.into_iter().map(DeviceKey).collect(),
                abandoned: row
                    .abandoned_id
                    .zip(row.abandoned_device)
                    .map(|(id, device)| (CorrelationId(id), DeviceKey(device))),
            })
            .collect())
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
        let mut conn = connection(&self.pool).await?;
        let changed = diesel::sql_query(RENEW_SQL)
            .bind::<SqlUuid, _>(id.0)
            .bind::<SqlUuid, _>(instance.0)
            .bind::<Integer, _>(int(attempt)?)
            .bind::<Text, _>(&device.0)
            .bind::<SqlUuid, _>(correlation_id.0)
            .bind::<Timestamptz, _>(until)
            .execute(&mut conn)
            .await
            .map_err(db_error)?;
        Ok(changed == 1)
    }

    async fn release(
        &self,
        id: MessageId,
        instance: InstanceId,
        attempts: u32,
        tried: &[DeviceKey],
    ) -> Result<(), RepoError> {
        let mut conn = connection(&self.pool).await?;
        diesel::sql_query(RELEASE_SQL)
            .bind::<SqlUuid, _>(id.0)
            .bind::<SqlUuid, _>(instance.0)
            .bind::<Integer, _>(int(attempts)?)
            .bind::<Array<Text>, _>(keys(tried))
            .execute(&mut conn)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn remove(&self, id: MessageId) -> Result<(), RepoError> {
        let mut conn = connection(&self.pool).await?;
        diesel::sql_query("DELETE FROM sms_queue WHERE id = $1")
            .bind::<SqlUuid, _>(id.0)
            .execute(&mut conn)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn settle(
        &self,
        id: MessageId,
        otp_id: OtpId,
        status: DispatchStatus,
    ) -> Result<(), RepoError> {
        let mut conn = connection(&self.pool).await?;
        conn.transaction::<_, diesel::result::Error, _>(async |conn| {
            diesel::sql_query("DELETE FROM sms_queue WHERE id = $1")
                .bind::<SqlUuid, _>(id.0)
                .execute(conn)
                .await?;
            mark_codes(conn, &[otp_id.0], status).await?;
            Ok(())
        })
        .await
        .map_err(db_error)
    }

    async fn expire(&self, now: DateTime<Utc>) -> Result<Vec<OtpId>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let expired = conn
            .transaction::<_, diesel::result::Error, _>(async |conn| {
                let rows: Vec<OtpRow> = diesel::sql_query(REMOVE_EXPIRED_SQL)
                    .bind::<Timestamptz, _>(now)
                    .load(conn)
                    .await?;
                let ids: Vec<Uuid> = rows.into_iter().map(|r| r.otp_id).collect();
                mark_codes(conn, &ids, DispatchStatus::Failed).await?;
                Ok(ids)
            })
            .await
            .map_err(db_error)?;
        Ok(expired.into_iter().map(OtpId).collect())
    }

    async fn device_anywhere(
        &self,
        region: Option<&str>,
        since: DateTime<Utc>,
    ) -> Result<bool, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let row: Found = diesel::sql_query(DEVICE_ANYWHERE_SQL)
            .bind::<Nullable<Text>, _>(region)
            .bind::<Timestamptz, _>(since)
            .get_result(&mut conn)
            .await
            .map_err(db_error)?;
        Ok(row.found)
    }

    async fn depth(&self) -> Result<u64, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let row: Depth = diesel::sql_query("SELECT count(*) AS depth FROM sms_queue")
            .get_result(&mut conn)
            .await
            .map_err(db_error)?;
        Ok(u64::try_from(row.depth).unwrap_or(0))
    }
}
