//! [`SessionRepo`] over `sessions` (ours, snake_case).

use alpha_auth::{NewSession, SessionRecord, SessionRepo};
use alpha_kernel::{RepoError, SessionId, UserId};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use uuid::Uuid;

use crate::error::{connection, db_error};
use crate::pool::PgPool;
use crate::schema::sessions;

/// `sessions.revoked_reason` is `varchar(32)`.
const REASON_MAX_CHARS: usize = 32;

/// `SessionRepo` on PostgreSQL.
#[derive(Clone)]
pub struct PgSessionRepo {
    pool: PgPool,
}

impl PgSessionRepo {
    /// Never fails: connections are taken from `pool` per call.
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}

impl std::fmt::Debug for PgSessionRepo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgSessionRepo").finish_non_exhaustive()
    }
}

#[derive(Queryable)]
struct SessionRow {
    id: Uuid,
    user_id: Uuid,
    refresh_token_hash: String,
    previous_token_hash: Option<String>,
    rotated_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
    expires_at: DateTime<Utc>,
}

#[async_trait::async_trait]
impl SessionRepo for PgSessionRepo {
    /// Errors: [`RepoError::Unavailable`] when no connection can be had or it is lost,
    /// [`RepoError::Other`] when the insert fails (duplicate id or token hash, unknown user).
    async fn create(&self, session: NewSession) -> Result<(), RepoError> {
        let mut conn = connection(&self.pool).await?;
        diesel::insert_into(sessions::table)
            .values((
                sessions::id.eq(session.id.0),
                sessions::user_id.eq(session.user_id.0),
                sessions::refresh_token_hash.eq(&session.refresh_token_hash),
                sessions::user_agent.eq(session.user_agent.as_deref()),
                sessions::ip_address.eq(session.ip_address.as_deref()),
                sessions::expires_at.eq(session.expires_at),
                sessions::created_at.eq(session.created_at),
                sessions::updated_at.eq(session.created_at),
                // Logging in is the session's first use.
                sessions::last_used_at.eq(session.created_at),
            ))
            .execute(&mut conn)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    /// Errors: [`RepoError::Unavailable`] when no connection can be had or it is lost,
    /// [`RepoError::Other`] when the query fails.
    async fn get(&self, id: SessionId) -> Result<Option<SessionRecord>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let row = sessions::table
            .filter(sessions::id.eq(id.0))
            .select((
                sessions::id,
                sessions::user_id,
                sessions::refresh_token_hash,
                sessions::previous_token_hash,
                sessions::rotated_at,
                sessions::revoked_at,
                sessions::expires_at,
            ))
            .first::<SessionRow>(&mut conn)
            .await
            .optional()
            .map_err(db_error)?;
        Ok(row.map(|r| SessionRecord {
            id: SessionId(r.id),
            user_id: UserId(r.user_id),
            refresh_token_hash: r.refresh_token_hash,
            previous_token_hash: r.previous_token_hash,
            rotated_at: r.rotated_at,
            revoked_at: r.revoked_at,
            expires_at: r.expires_at,
        }))
    }

    /// Errors: [`RepoError::Unavailable`] when no connection can be had or it is lost,
    /// [`RepoError::Other`] when the statement fails (e.g. `new_hash` already belongs to a
    /// session: the hashes are unique).
    async fn rotate(
        &self,
        id: SessionId,
        expected_hash: &str,
        new_hash: &str,
        rotated_at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<bool, RepoError> {
        let mut conn = connection(&self.pool).await?;
        // Compare-and-swap: the second of two concurrent refreshes waits for the first's row
        // lock, then re-checks `refresh_token_hash = expected` against the new value and
        // matches nothing. In SET, `refresh_token_hash` on the right still means the old value.
        let rotated = diesel::update(
            sessions::table
                .filter(sessions::id.eq(id.0))
                .filter(sessions::refresh_token_hash.eq(expected_hash))
                .filter(sessions::revoked_at.is_null()),
        )
        .set((
            sessions::previous_token_hash.eq(sessions::refresh_token_hash.nullable()),
            sessions::refresh_token_hash.eq(new_hash),
            sessions::rotated_at.eq(rotated_at),
            sessions::expires_at.eq(expires_at),
            sessions::updated_at.eq(rotated_at),
            sessions::last_used_at.eq(rotated_at),
        ))
        .execute(&mut conn)
        .await
        .map_err(db_error)?;
        Ok(rotated > 0)
    }

    /// `reason` is cut to the column's 32 characters rather than failing: a revocation must
    /// never be lost over the length of its label.
    ///
    /// Errors: [`RepoError::Unavailable`] when no connection can be had or it is lost,
    /// [`RepoError::Other`] when the statement fails.
    async fn revoke(
        &self,
        id: SessionId,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let reason: String = reason.chars().take(REASON_MAX_CHARS).collect();
        let revoked = diesel::update(
            sessions::table
                .filter(sessions::id.eq(id.0))
                .filter(sessions::revoked_at.is_null()),
        )
        .set((
            sessions::revoked_at.eq(now),
            sessions::revoked_reason.eq(reason),
            sessions::updated_at.eq(now),
        ))
        .execute(&mut conn)
        .await
        .map_err(db_error)?;
        Ok(revoked > 0)
    }
}
