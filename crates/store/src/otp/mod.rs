//! [`OtpRepo`] over `otp_codes` (the old backend's table, camelCase columns).

use alpha_kernel::{Phone, RepoError};
use alpha_otp::{ActiveOtp, AttemptRecord, DispatchStatus, NewOtp, OtpId, OtpPurpose, OtpRepo};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};
use diesel_async::{AsyncConnection, RunQueryDsl};

use crate::enums::{DispatchLabel, PurposeLabel};
use crate::error::{connection, db_error};
use crate::pool::PgPool;
use crate::schema::otp_codes::dsl as otp;

/// First key of the two-key advisory locks taken by [`OtpRepo::replace_live`]. The two-key form
/// lives in a lock space apart from the single-`bigint` form the migration lock uses, so the
/// two can never collide; the value only has to differ from other two-key users (ASCII "OTP1").
const REPLACE_LOCK_CLASS: i32 = 0x4f54_5031;

/// `OtpRepo` on PostgreSQL.
#[derive(Clone)]
pub struct PgOtpRepo {
    pool: PgPool,
}

impl PgOtpRepo {
    /// Never fails: connections are taken from `pool` per call.
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}

impl std::fmt::Debug for PgOtpRepo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgOtpRepo").finish_non_exhaustive()
    }
}

/// What [`PgOtpRepo::record_attempt`] reads when its conditional UPDATE matched nothing.
#[derive(Queryable)]
struct AttemptState {
    consumed_at: Option<DateTime<Utc>>,
    expires_at: DateTime<Utc>,
    attempts: i32,
    max_attempts: i32,
}

#[async_trait::async_trait]
impl OtpRepo for PgOtpRepo {
    /// Errors: [`RepoError::Unavailable`] when no connection can be had or it is lost,
    /// [`RepoError::Other`] for any failed statement (e.g. a duplicate id); the transaction is
    /// then rolled back and the earlier code stays live.
    async fn replace_live(&self, new: NewOtp) -> Result<(), RepoError> {
        let mut conn = connection(&self.pool).await?;
        conn.transaction::<_, diesel::result::Error, _>(async |conn| {
            // Two concurrent sends for one phone would otherwise each invalidate only the rows
            // they can see and both insert, leaving two live codes. The lock (released at
            // commit) makes them take turns; other phones are not affected.
            diesel::sql_query("SELECT pg_advisory_xact_lock($1, hashtext($2))")
                .bind::<Integer, _>(REPLACE_LOCK_CLASS)
                .bind::<Text, _>(format!("{}:{}", new.phone.as_str(), new.purpose.as_str()))
                .execute(conn)
                .await?;
            diesel::update(
                otp::otp_codes
                    .filter(otp::phone.eq(new.phone.as_str()))
                    .filter(otp::purpose.eq(PurposeLabel(new.purpose)))
                    .filter(otp::consumedAt.is_null())
                    .filter(otp::expiresAt.gt(new.created_at)),
            )
            .set((
                otp::consumedAt.eq(new.created_at),
                otp::updatedAt.eq(new.created_at),
            ))
            .execute(conn)
            .await?;
            diesel::insert_into(otp::otp_codes)
                .values((
                    otp::id.eq(new.id.0),
                    otp::phone.eq(new.phone.as_str()),
                    otp::purpose.eq(PurposeLabel(new.purpose)),
                    otp::codeHash.eq(&new.code_hash),
                    otp::expiresAt.eq(new.expires_at),
                    otp::maxAttempts.eq(new.max_attempts),
                    otp::ipAddress.eq(new.ip_address.as_deref()),
                    otp::userAgent.eq(new.user_agent.as_deref()),
                    otp::dispatchStatus.eq(DispatchLabel(DispatchStatus::Pending)),
                    otp::createdAt.eq(new.created_at),
                    otp::updatedAt.eq(new.created_at),
                ))
                .execute(conn)
                .await?;
            Ok(())
        })
        .await
        .map_err(db_error)
    }

    /// Errors: [`RepoError::Unavailable`] when no connection can be had or it is lost,
    /// [`RepoError::Other`] when the query fails.
    async fn find_live(
        &self,
        phone: &Phone,
        purpose: OtpPurpose,
        now: DateTime<Utc>,
    ) -> Result<Option<ActiveOtp>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let row = otp::otp_codes
            .filter(otp::phone.eq(phone.as_str()))
            .filter(otp::purpose.eq(PurposeLabel(purpose)))
            .filter(otp::consumedAt.is_null())
            .filter(otp::expiresAt.gt(now))
            .order(otp::createdAt.desc())
            .select((
                otp::id,
                otp::codeHash,
                otp::attempts,
                otp::maxAttempts,
                otp::expiresAt,
            ))
            .first::<(uuid::Uuid, String, i32, i32, DateTime<Utc>)>(&mut conn)
            .await
            .optional()
            .map_err(db_error)?;
        Ok(row.map(
            |(id, code_hash, attempts, max_attempts, expires_at)| ActiveOtp {
                id: OtpId(id),
                code_hash,
                attempts,
                max_attempts,
                expires_at,
            },
        ))
    }

    /// Errors: [`RepoError::Unavailable`] when no connection can be had or it is lost,
    /// [`RepoError::Other`] when a statement fails.
    async fn record_attempt(
        &self,
        id: OtpId,
        now: DateTime<Utc>,
    ) -> Result<AttemptRecord, RepoError> {
        let mut conn = connection(&self.pool).await?;
        // The whole invariant is in this WHERE: the row lock serialises concurrent callers and
        // each re-checks `attempts < maxAttempts` against the committed value, so the count
        // can never pass the maximum.
        let counted = diesel::update(
            otp::otp_codes
                .filter(otp::id.eq(id.0))
                .filter(otp::consumedAt.is_null())
                .filter(otp::expiresAt.gt(now))
                .filter(otp::attempts.lt(otp::maxAttempts)),
        )
        .set((otp::attempts.eq(otp::attempts + 1), otp::updatedAt.eq(now)))
        .returning((otp::attempts, otp::maxAttempts))
        .get_result::<(i32, i32)>(&mut conn)
        .await
        .optional()
        .map_err(db_error)?;
        if let Some((attempts, max_attempts)) = counted {
            return Ok(AttemptRecord::Counted {
                attempts,
                max_attempts,
            });
        }
        // Nothing counted: one more read tells "used up" from "no longer live". It only
        // chooses the message; the decision not to count is already made.
        let state = otp::otp_codes
            .filter(otp::id.eq(id.0))
            .select((
                otp::consumedAt,
                otp::expiresAt,
                otp::attempts,
                otp::maxAttempts,
            ))
            .first::<AttemptState>(&mut conn)
            .await
            .optional()
            .map_err(db_error)?;
        Ok(match state {
            Some(s)
                if s.consumed_at.is_none()
                    && s.expires_at > now
                    && s.attempts >= s.max_attempts =>
            {
                AttemptRecord::Exhausted
            }
            _ => AttemptRecord::Gone,
        })
    }

    /// Errors: [`RepoError::Unavailable`] when no connection can be had or it is lost,
    /// [`RepoError::Other`] when the statement fails.
    async fn consume(&self, id: OtpId, now: DateTime<Utc>) -> Result<bool, RepoError> {
        let mut conn = connection(&self.pool).await?;
        // Of concurrent callers, the first to lock the row sets consumedAt; the others re-check
        // the WHERE after it commits, match nothing and get no row back.
        let consumed = diesel::update(
            otp::otp_codes
                .filter(otp::id.eq(id.0))
                .filter(otp::consumedAt.is_null()),
        )
        .set((otp::consumedAt.eq(now), otp::updatedAt.eq(now)))
        .returning(otp::id)
        .get_result::<uuid::Uuid>(&mut conn)
        .await
        .optional()
        .map_err(db_error)?;
        Ok(consumed.is_some())
    }

    /// A missing row is not an error: the status of a deleted code no longer matters.
    ///
    /// Errors: [`RepoError::Unavailable`] when no connection can be had or it is lost,
    /// [`RepoError::Other`] when the statement fails.
    async fn set_dispatch_status(
        &self,
        id: OtpId,
        status: DispatchStatus,
    ) -> Result<(), RepoError> {
        let mut conn = connection(&self.pool).await?;
        // The port passes no time; the database clock is as good as any for `updatedAt`.
        diesel::update(otp::otp_codes.filter(otp::id.eq(id.0)))
            .set((
                otp::dispatchStatus.eq(DispatchLabel(status)),
                otp::updatedAt.eq(diesel::dsl::now),
            ))
            .execute(&mut conn)
            .await
            .map_err(db_error)?;
        Ok(())
    }
}
