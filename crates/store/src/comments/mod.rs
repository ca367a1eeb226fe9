//! The `comments` table. [`PgComments`] implements `alpha_community::comments::CommentRepo`;
//! the listings' post page reads a post's comments through [`comment_json`].

use alpha_community::comments::{
    CommentId, CommentRecord, CommentRepo, CommentSnapshot, CommentText, CommentView, Inserted,
    ParentView, PersonalInfoView,
};
use alpha_kernel::{RepoError, UserId, iso_millis};
use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::sql_types::{Bool, Json, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use uuid::Uuid;

use crate::community::{author, author_json, public_sender, touch_row};
use crate::error::{connection, db_error};
use crate::pool::PgPool;

/// `alpha_community::comments::CommentRepo` on PostgreSQL.
#[derive(Clone)]
pub struct PgComments {
    pool: PgPool,
}

impl PgComments {
    /// Never fails: connections are taken from `pool` per call.
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    /// Deletes every one of `user`'s comments (an account deleted with its content); returns how many.
    ///
    /// Errors: [`RepoError`].
    pub async fn delete_by_author(&self, user: UserId) -> Result<usize, RepoError> {
        let mut conn = connection(&self.pool).await?;
        diesel::sql_query("DELETE FROM comments WHERE \"userId\" = $1")
            .bind::<SqlUuid, _>(user.0)
            .execute(&mut conn)
            .await
            .map_err(db_error)
    }
}

impl std::fmt::Debug for PgComments {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgComments").finish_non_exhaustive()
    }
}

/// A comment row as the post page includes it (`c` is the alias of `comments`): its columns,
/// with a sender that is never an e-mail; `ts` renders a timestamp column as the wire's text.
pub(crate) fn comment_json(ts: fn(&str) -> String) -> String {
    format!(
        "json_build_object('uuid', c.uuid, 'message', c.message, 'status', c.status, \
         'userId', c.\"userId\", 'sender', {}, 'postId', c.\"postId\", \
         'replyTo', c.\"replyTo\", 'createdAt', {}, 'updatedAt', {})",
        public_sender("c.sender"),
        ts("c.\"createdAt\""),
        ts("c.\"updatedAt\"")
    )
}

#[derive(QueryableByName)]
struct CommentRow {
    #[diesel(sql_type = SqlUuid)]
    uuid: Uuid,
    #[diesel(sql_type = Text)]
    message: String,
    #[diesel(sql_type = Nullable<Bool>)]
    status: Option<bool>,
    #[diesel(sql_type = Nullable<SqlUuid>, column_name = "userId")]
    user_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Text>)]
    sender: Option<String>,
    #[diesel(sql_type = Nullable<SqlUuid>, column_name = "postId")]
    post_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<SqlUuid>, column_name = "replyTo")]
    reply_to: Option<Uuid>,
    #[diesel(sql_type = Timestamptz, column_name = "createdAt")]
    created_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz, column_name = "updatedAt")]
    updated_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Json>)]
    author: Option<serde_json::Value>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    parent_uuid: Option<Uuid>,
    #[diesel(sql_type = Nullable<Text>)]
    parent_sender: Option<String>,
    #[diesel(sql_type = Nullable<Json>)]
    parent_author: Option<serde_json::Value>,
}

impl CommentRow {
    fn view(self) -> CommentView {
        let user = author(self.author);
        let personal_info = PersonalInfoView::of(user.as_ref(), self.sender.as_deref());
        CommentView {
            uuid: self.uuid,
            message: self.message,
            status: self.status,
            user_id: self.user_id,
            sender: self.sender,
            post_id: self.post_id,
            reply_to: self.reply_to,
            created_at: iso_millis(self.created_at),
            updated_at: iso_millis(self.updated_at),
            user,
            parent: self.parent_uuid.map(|uuid| ParentView {
                uuid,
                sender: self.parent_sender,
                user: author(self.parent_author),
            }),
            personal_info,
        }
    }
}

/// The comments matching `condition` (on alias `c`), with author and parent.
fn select(condition: &str) -> String {
    format!(
        "SELECT c.uuid, c.message, c.status, c.\"userId\", {} AS sender, c.\"postId\", \
         c.\"replyTo\", c.\"createdAt\", c.\"updatedAt\", {} AS author, \
         p.uuid AS parent_uuid, {} AS parent_sender, {} AS parent_author \
         FROM comments c LEFT JOIN comments p ON p.uuid = c.\"replyTo\" \
         WHERE {condition} ORDER BY c.\"createdAt\", c.uuid",
        public_sender("c.sender"),
        author_json("c.\"userId\""),
        public_sender("p.sender"),
        author_json("p.\"userId\""),
    )
}

#[derive(QueryableByName)]
struct SnapshotRow {
    #[diesel(sql_type = SqlUuid)]
    uuid: Uuid,
    #[diesel(sql_type = Nullable<SqlUuid>, column_name = "postId")]
    post_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<SqlUuid>, column_name = "userId")]
    user_id: Option<Uuid>,
}

#[derive(QueryableByName)]
struct Exists {
    #[diesel(sql_type = Bool)]
    found: bool,
}

#[async_trait::async_trait]
impl CommentRepo for PgComments {
    async fn post_exists(&self, post: Uuid) -> Result<bool, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let row: Exists =
            diesel::sql_query("SELECT EXISTS (SELECT 1 FROM posts WHERE uuid = $1) AS found")
                .bind::<SqlUuid, _>(post)
                .get_result(&mut conn)
                .await
                .map_err(db_error)?;
        Ok(row.found)
    }

    async fn snapshot(&self, id: CommentId) -> Result<Option<CommentSnapshot>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let rows: Vec<SnapshotRow> =
            diesel::sql_query("SELECT uuid, \"postId\", \"userId\" FROM comments WHERE uuid = $1")
                .bind::<SqlUuid, _>(id.0)
                .load(&mut conn)
                .await
                .map_err(db_error)?;
        Ok(rows.into_iter().next().map(|r| CommentSnapshot {
            id: CommentId(r.uuid),
            post: r.post_id,
            author: r.user_id.map(UserId),
        }))
    }

    async fn insert(&self, comment: &CommentRecord) -> Result<Inserted, RepoError> {
        let mut conn = connection(&self.pool).await?;
        // The sender is the name alone: the old API fell back to the e-mail, which then showed
        // on every post page (S7).
        let written = diesel::sql_query(
            "INSERT INTO comments (uuid, message, \"userId\", sender, \"postId\", \"replyTo\") \
             VALUES ($1, $2, $3, (SELECT name FROM users WHERE uuid = $3), $4, $5)",
        )
        .bind::<SqlUuid, _>(comment.id.0)
        .bind::<Text, _>(comment.message.as_str())
        .bind::<SqlUuid, _>(comment.author.0)
        .bind::<SqlUuid, _>(comment.post)
        .bind::<Nullable<SqlUuid>, _>(comment.reply_to.map(|r| r.0))
        .execute(&mut conn)
        .await;
        match written {
            Ok(_) => Ok(Inserted::Done),
            // The foreign keys decide whether the post and parent are still there.
            Err(DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, info)) => {
                match info.constraint_name() {
                    Some("fk_comments_postId_posts") => Ok(Inserted::PostGone),
                    Some("fk_comments_replyTo_comments") => Ok(Inserted::ParentGone),
                    _ => Err(db_error(DieselError::DatabaseError(
                        DatabaseErrorKind::ForeignKeyViolation,
                        info,
                    ))),
                }
            }
            Err(e) => Err(db_error(e)),
        }
    }

    async fn update_message(
        &self,
        id: CommentId,
        message: &CommentText,
    ) -> Result<bool, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let n = diesel::sql_query(
            "UPDATE comments SET message = $2, \"updatedAt\" = now() WHERE uuid = $1",
        )
        .bind::<SqlUuid, _>(id.0)
        .bind::<Text, _>(message.as_str())
        .execute(&mut conn)
        .await
        .map_err(db_error)?;
        Ok(n > 0)
    }

    async fn delete(&self, id: CommentId) -> Result<bool, RepoError> {
        touch_row(&self.pool, "DELETE FROM comments WHERE uuid = $1", id.0).await
    }

    async fn find(&self, id: CommentId) -> Result<Option<CommentView>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let rows: Vec<CommentRow> = diesel::sql_query(select("c.uuid = $1"))
            .bind::<SqlUuid, _>(id.0)
            .load(&mut conn)
            .await
            .map_err(db_error)?;
        Ok(rows.into_iter().next().map(CommentRow::view))
    }

    async fn of_post(&self, post: Uuid) -> Result<Vec<CommentView>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let rows: Vec<CommentRow> = diesel::sql_query(select("c.\"postId\" = $1"))
            .bind::<SqlUuid, _>(post)
            .load(&mut conn)
            .await
            .map_err(db_error)?;
        Ok(rows.into_iter().map(CommentRow::view).collect())
    }
}
