//! [`ChatRepo`] over `chat_messages`.

use alpha_chat::{ChatMessage, ChatRepo, ChatText, MessageId, Page};
use alpha_kernel::{RepoError, UserId};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::sql_types::{BigInt, Nullable, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use uuid::Uuid;

use crate::error::{connection, db_error};
use crate::pool::PgPool;
use crate::schema::chat_messages;

/// `ChatRepo` on PostgreSQL.
#[derive(Clone)]
pub struct PgChatRepo {
    pool: PgPool,
}

impl PgChatRepo {
    /// Never fails: connections are taken from `pool` per call.
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}

impl std::fmt::Debug for PgChatRepo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgChatRepo").finish_non_exhaustive()
    }
}

#[derive(Queryable, QueryableByName)]
#[diesel(table_name = chat_messages)]
struct Row {
    id: i64,
    sender_id: Uuid,
    recipient_id: Uuid,
    body: String,
    created_at: DateTime<Utc>,
}

impl From<Row> for ChatMessage {
    fn from(row: Row) -> Self {
        ChatMessage {
            id: MessageId(row.id),
            from: UserId(row.sender_id),
            to: UserId(row.recipient_id),
            text: row.body,
            created_at: row.created_at,
        }
    }
}

/// Written with LEAST/GREATEST so PostgreSQL can use the `chat_messages_conversation` index.
const CONVERSATION_SQL: &str = "\
    SELECT id, sender_id, recipient_id, body, created_at FROM chat_messages \
    WHERE LEAST(sender_id, recipient_id) = LEAST($1, $2) \
      AND GREATEST(sender_id, recipient_id) = GREATEST($1, $2) \
      AND ($3::bigint IS NULL OR id < $3) \
    ORDER BY id DESC LIMIT $4";

#[async_trait::async_trait]
impl ChatRepo for PgChatRepo {
    /// Errors: [`RepoError::Unavailable`] when no connection can be had or it is lost,
    /// [`RepoError::Other`] for any other failure. A missing sender or recipient (the foreign
    /// keys) is `Ok(None)`.
    async fn insert(
        &self,
        from: UserId,
        to: UserId,
        text: &ChatText,
        at: DateTime<Utc>,
    ) -> Result<Option<ChatMessage>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let inserted = diesel::insert_into(chat_messages::table)
            .values((
                chat_messages::sender_id.eq(from.0),
                chat_messages::recipient_id.eq(to.0),
                chat_messages::body.eq(text.as_str()),
                chat_messages::created_at.eq(at),
            ))
            .returning(chat_messages::all_columns)
            .get_result::<Row>(&mut conn)
            .await;
        match inserted {
            Ok(row) => Ok(Some(row.into())),
            // The foreign keys decide existence, so a user deleted a moment ago cannot race in.
            Err(DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _)) => Ok(None),
            Err(other) => Err(db_error(other)),
        }
    }

    /// Errors: [`RepoError::Unavailable`] when no connection can be had or it is lost,
    /// [`RepoError::Other`] when the statement fails.
    async fn conversation(
        &self,
        a: UserId,
        b: UserId,
        page: Page,
    ) -> Result<Vec<ChatMessage>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let rows: Vec<Row> = diesel::sql_query(CONVERSATION_SQL)
            .bind::<SqlUuid, _>(a.0)
            .bind::<SqlUuid, _>(b.0)
            .bind::<Nullable<BigInt>, _>(page.cursor.map(|c| c.0))
            .bind::<BigInt, _>(i64::from(page.limit))
            .load(&mut conn)
            .await
            .map_err(db_error)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// Errors: [`RepoError::Unavailable`] when no connection can be had or it is lost,
    /// [`RepoError::Other`] when the statement fails.
    async fn received_after(
        &self,
        user: UserId,
        page: Page,
    ) -> Result<Vec<ChatMessage>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let after = page.cursor.map_or(0, |c| c.0);
        let rows: Vec<Row> = chat_messages::table
            .filter(chat_messages::recipient_id.eq(user.0))
            .filter(chat_messages::id.gt(after))
            .order(chat_messages::id.asc())
            .limit(i64::from(page.limit))
            .select(chat_messages::all_columns)
            .load(&mut conn)
            .await
            .map_err(db_error)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// Errors: [`RepoError::Unavailable`] when no connection can be had or it is lost,
    /// [`RepoError::Other`] when the statement fails.
    async fn latest_id(&self) -> Result<Option<MessageId>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let id: Option<i64> = chat_messages::table
            .select(diesel::dsl::max(chat_messages::id))
            .first(&mut conn)
            .await
            .map_err(db_error)?;
        Ok(id.map(MessageId))
    }
}
