//! [`RateLimiter`] over `rate_limits`: fixed windows counted in PostgreSQL, so every instance of
//! the service shares the same counters.

use std::time::Duration;

use alpha_kernel::{RateDecision, RateLimiter, RepoError};
use diesel::QueryableByName;
use diesel::pg::data_types::PgInterval;
use diesel::sql_types::{BigInt, Integer, Interval, Text};
use diesel_async::RunQueryDsl;

use crate::error::{connection, db_error};
use crate::pool::PgPool;

/// Counts one hit in a single statement. The row lock taken by ON CONFLICT DO UPDATE serialises
/// concurrent hits on one key, so none is lost. `now()` is the database's clock, which all
/// instances share; within the statement it is one instant, so both CASEs (which read the old
/// row) agree on whether the window has ended. `hits` stops growing near `i32::MAX` instead of
/// overflowing under a flood.
const HIT_SQL: &str = "\
INSERT INTO rate_limits AS r (key, window_start, hits) VALUES ($1, now(), 1)
ON CONFLICT (key) DO UPDATE SET
    window_start = CASE WHEN r.window_start <= now() - $2 THEN now() ELSE r.window_start END,
    hits = CASE WHEN r.window_start <= now() - $2 THEN 1 ELSE LEAST(r.hits, 2147483646) + 1 END
RETURNING hits,
    CEIL(EXTRACT(EPOCH FROM (window_start + $2 - now())))::bigint AS retry_after_secs";

const PURGE_SQL: &str = "DELETE FROM rate_limits WHERE window_start < now() - $1";

#[derive(QueryableByName)]
struct HitRow {
    #[diesel(sql_type = Integer)]
    hits: i32,
    #[diesel(sql_type = BigInt)]
    retry_after_secs: i64,
}

/// `RateLimiter` on PostgreSQL.
#[derive(Clone)]
pub struct PgRateLimiter {
    pool: PgPool,
}

impl PgRateLimiter {
    /// Never fails: connections are taken from `pool` per call.
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    /// Deletes the counters whose window started more than `older_than` ago; returns how many.
    /// Pass at least the longest window in use, or live windows restart early. Meant for a
    /// periodic task: nothing else removes rows, one per key ever seen.
    ///
    /// Errors: [`RepoError::Unavailable`] when no connection can be had or it is lost,
    /// [`RepoError::Other`] when the statement fails.
    pub async fn purge_expired(&self, older_than: Duration) -> Result<u64, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let deleted = diesel::sql_query(PURGE_SQL)
            .bind::<Interval, _>(interval(older_than))
            .execute(&mut conn)
            .await
            .map_err(db_error)?;
        // A row count is never negative; usize always fits u64 on supported targets.
        Ok(u64::try_from(deleted).unwrap_or(u64::MAX))
    }
}

impl std::fmt::Debug for PgRateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgRateLimiter").finish_non_exhaustive()
    }
}

/// PostgreSQL intervals count microseconds in an i64; longer durations (~292,000 years) are
/// clamped, which no window comes near.
fn interval(d: Duration) -> PgInterval {
    PgInterval::from_microseconds(i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
}

#[async_trait::async_trait]
impl RateLimiter for PgRateLimiter {
    /// Errors: [`RepoError::Unavailable`] when no connection can be had or it is lost,
    /// [`RepoError::Other`] when the statement fails.
    async fn hit(
        &self,
        key: &str,
        limit: u32,
        window: Duration,
    ) -> Result<RateDecision, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let row = diesel::sql_query(HIT_SQL)
            .bind::<Text, _>(key)
            .bind::<Interval, _>(interval(window))
            .get_result::<HitRow>(&mut conn)
            .await
            .map_err(db_error)?;
        if i64::from(row.hits) <= i64::from(limit) {
            return Ok(RateDecision::Allowed);
        }
        // A window that ends within this second still asks for one: `Retry-After: 0` would
        // invite an immediate retry storm.
        let retry_after_secs = u64::try_from(row.retry_after_secs).unwrap_or(0).max(1);
        Ok(RateDecision::Limited { retry_after_secs })
    }
}
