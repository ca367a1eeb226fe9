//! [`DispatchRepo`] over `sms_messages` (ours, snake_case), `otp_codes."dispatchStatus"` and the
//! counters of `sms_devices`.

use alpha_kernel::RepoError;
use alpha_otp::{DispatchStatus, OtpId};
use alpha_sms_dispatch::{AttemptRecord, DeviceKey, DispatchRepo};
use diesel::prelude::*;
use diesel::upsert::excluded;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::enums::DispatchLabel;
use crate::error::{connection, db_error};
use crate::pool::PgPool;
use crate::schema::otp_codes::dsl as otp;
use crate::schema::{sms_devices, sms_messages};

/// Longest device-reported error kept. The text comes from a device, so it is bounded before it
/// reaches the log table; what matters for support fits easily.
const ERROR_MAX_CHARS: usize = 500;

/// `DispatchRepo` on PostgreSQL.
#[derive(Clone)]
pub struct PgDispatchRepo {
    pool: PgPool,
}

impl PgDispatchRepo {
    /// Never fails: connections are taken from `pool` per call.
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}

impl std::fmt::Debug for PgDispatchRepo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgDispatchRepo").finish_non_exhaustive()
    }
}

/// Sets the dispatch status of the codes `otp_ids`, leaving alone those already `delivered`
/// (final, so a late `sent` or `failed` never hides a delivery, even when both race). Missing
/// codes are skipped: the status of a deleted code no longer matters. Takes a connection so that
/// the queue can run it in the transaction that settles a message.
pub(super) async fn mark_codes(
    conn: &mut AsyncPgConnection,
    otp_ids: &[Uuid],
    status: DispatchStatus,
) -> QueryResult<usize> {
    if otp_ids.is_empty() {
        return Ok(0);
    }
    // The ports pass no time; the database clock is as good as any for `updatedAt`.
    diesel::update(
        otp::otp_codes
            .filter(otp::id.eq_any(otp_ids))
            .filter(otp::dispatchStatus.ne(DispatchLabel(DispatchStatus::Delivered))),
    )
    .set((
        otp::dispatchStatus.eq(DispatchLabel(status)),
        otp::updatedAt.eq(diesel::dsl::now),
    ))
    .execute(conn)
    .await
}

/// The first [`ERROR_MAX_CHARS`] characters (never splitting one).
fn bounded(error: &str) -> &str {
    match error.char_indices().nth(ERROR_MAX_CHARS) {
        Some((end, _)) => &error[..end],
        None => error,
    }
}

#[async_trait::async_trait]
impl DispatchRepo for PgDispatchRepo {
    /// An update older than the stored one (by `attempt.at`) is ignored, so outcomes written
    /// from concurrent tasks cannot overwrite a later state with an earlier one.
    ///
    /// Errors: [`RepoError::Unavailable`] when no connection can be had or it is lost,
    /// [`RepoError::Other`] when the statement fails (e.g. the OTP row no longer exists: the
    /// foreign key refuses the insert) or `attempt.attempt` exceeds `i32::MAX`.
    async fn record_attempt(&self, attempt: AttemptRecord) -> Result<(), RepoError> {
        // `filter` on an upsert (the ON CONFLICT ... WHERE) comes from this trait, not from
        // QueryDsl; imported here only, where it cannot make other `filter` calls ambiguous.
        use diesel::query_dsl::methods::FilterDsl as _;

        let number = i32::try_from(attempt.attempt).map_err(|e| RepoError::Other(Box::new(e)))?;
        let error = attempt.error.as_deref().map(bounded);
        let mut conn = connection(&self.pool).await?;
        // One statement: the first write of an attempt inserts, later ones update the same row
        // under its lock, so concurrent writers never produce two rows or a lost update.
        diesel::insert_into(sms_messages::table)
            .values((
                sms_messages::correlation_id.eq(attempt.correlation_id.0),
                sms_messages::otp_id.eq(attempt.otp_id.0),
                sms_messages::device_id.eq(&attempt.device.0),
                sms_messages::attempt.eq(number),
                sms_messages::status.eq(attempt.outcome.as_str()),
                sms_messages::error.eq(error),
                sms_messages::created_at.eq(attempt.at),
                sms_messages::updated_at.eq(attempt.at),
            ))
            .on_conflict(sms_messages::correlation_id)
            .do_update()
            .set((
                sms_messages::status.eq(excluded(sms_messages::status)),
                sms_messages::error.eq(excluded(sms_messages::error)),
                sms_messages::updated_at.eq(excluded(sms_messages::updated_at)),
            ))
            .filter(sms_messages::updated_at.le(excluded(sms_messages::updated_at)))
            .execute(&mut conn)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    /// `delivered` is final: the WHERE leaves such a row alone, so a late `sent` (or `failed`)
    /// can never hide a delivery, even when both race. A missing row is not an error: the
    /// status of a deleted code no longer matters.
    ///
    /// Errors: [`RepoError::Unavailable`] when no connection can be had or it is lost,
    /// [`RepoError::Other`] when the statement fails.
    async fn set_otp_status(&self, otp_id: OtpId, status: DispatchStatus) -> Result<(), RepoError> {
        let mut conn = connection(&self.pool).await?;
        mark_codes(&mut conn, &[otp_id.0], status)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    /// A device without a row (never connected, or removed) counts nothing. The increment is
    /// done by the database, so concurrent outcomes are all counted.
    ///
    /// Errors: [`RepoError::Unavailable`] when no connection can be had or it is lost,
    /// [`RepoError::Other`] when the statement fails.
    async fn count_device_outcome(&self, device: &DeviceKey, sent: bool) -> Result<(), RepoError> {
        let mut conn = connection(&self.pool).await?;
        let row = sms_devices::table.filter(sms_devices::id.eq(&device.0));
        let updated = if sent {
            diesel::update(row)
                .set((
                    sms_devices::sent_count.eq(sms_devices::sent_count + 1),
                    sms_devices::updated_at.eq(diesel::dsl::now),
                ))
                .execute(&mut conn)
                .await
        } else {
            diesel::update(row)
                .set((
                    sms_devices::failed_count.eq(sms_devices::failed_count + 1),
                    sms_devices::updated_at.eq(diesel::dsl::now),
                ))
                .execute(&mut conn)
                .await
        };
        updated.map_err(db_error)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_bounded_on_a_character_boundary() {
        assert_eq!(bounded("no signal"), "no signal");
        let long = "é".repeat(ERROR_MAX_CHARS + 10);
        let cut = bounded(&long);
        assert_eq!(cut.chars().count(), ERROR_MAX_CHARS);
        assert!(long.starts_with(cut));
    }
}
