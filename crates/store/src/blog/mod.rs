//! The `vlogs` table and the blog's `photo` rows (unlinked rows under `uploads/vlog/`).
//! [`PgBlog`] implements `alpha_community::blog::{VlogRepo, BlogPhotos}`.

mod photos;

use alpha_community::blog::{
    SortDir, Visibility, VlogId, VlogPage, VlogPatch, VlogQuery, VlogRecord, VlogRepo,
    VlogSnapshot, VlogSort, VlogStatus, VlogView,
};
use alpha_kernel::{RepoError, UserId, iso_millis};
use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Bool, Json, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use uuid::Uuid;

use crate::catalog::like_pattern;
use crate::community::{author, author_json, touch_row};
use crate::error::{connection, db_error};
use crate::pool::PgPool;

/// `alpha_community::blog::{VlogRepo, BlogPhotos}` on PostgreSQL.
#[derive(Clone)]
pub struct PgBlog {
    pool: PgPool,
}

impl PgBlog {
    /// Never fails: connections are taken from `pool` per call.
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    /// Deletes every one of `user`'s blog entries (an account deleted with its content); returns how many.
    ///
    /// Errors: [`RepoError`].
    pub async fn delete_by_author(&self, user: UserId) -> Result<usize, RepoError> {
        let mut conn = connection(&self.pool).await?;
        diesel::sql_query("DELETE FROM vlogs WHERE \"userId\" = $1")
            .bind::<SqlUuid, _>(user.0)
            .execute(&mut conn)
            .await
            .map_err(db_error)
    }
}

impl std::fmt::Debug for PgBlog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgBlog").finish_non_exhaustive()
    }
}

#[derive(QueryableByName)]
struct VlogRow {
    #[diesel(sql_type = SqlUuid)]
    uuid: Uuid,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Nullable<Text>)]
    description: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    tag: Option<String>,
    #[diesel(sql_type = Nullable<Text>, column_name = "videoUrl")]
    video_url: Option<String>,
    #[diesel(sql_type = Bool, column_name = "isActive")]
    is_active: bool,
    #[diesel(sql_type = Nullable<Json>)]
    thumbnail: Option<serde_json::Value>,
    #[diesel(sql_type = Nullable<SqlUuid>, column_name = "userId")]
    user_id: Option<Uuid>,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = Nullable<Text>, column_name = "declineMessage")]
    decline_message: Option<String>,
    #[diesel(sql_type = Timestamptz, column_name = "createdAt")]
    created_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz, column_name = "updatedAt")]
    updated_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Json>)]
    author: Option<serde_json::Value>,
}

impl VlogRow {
    fn view(self) -> VlogView {
        VlogView {
            uuid: self.uuid,
            title: self.title,
            description: self.description,
            tag: self.tag,
            video_url: self.video_url,
            is_active: self.is_active,
            thumbnail: self.thumbnail,
            user_id: self.user_id,
            status: status(&self.status).as_str(),
            decline_message: self.decline_message,
            created_at: iso_millis(self.created_at),
            updated_at: iso_millis(self.updated_at),
            user: author(self.author),
        }
    }
}

/// The enum type has exactly the three labels.
fn status(label: &str) -> VlogStatus {
    VlogStatus::from_label(label).unwrap_or_default()
}

fn columns() -> String {
    format!(
        "v.uuid, v.title, v.description, v.tag, v.\"videoUrl\", v.\"isActive\", v.thumbnail, \
         v.\"userId\", v.status::text AS status, v.\"declineMessage\", v.\"createdAt\", \
         v.\"updatedAt\", {} AS author",
        author_json("v.\"userId\"")
    )
}

/// The list's filters; `$1`–`$6` are bound by [`PgBlog::list`] in this order.
const FILTERS: &str = "($1 OR v.status = 'Accepted' OR v.\"userId\" = $2) \
     AND ($3::text IS NULL OR v.status = CAST($3 AS enum_vlogs_status)) \
     AND ($4::text IS NULL OR v.title ILIKE $4 OR v.description ILIKE $4) \
     AND ($5::uuid IS NULL OR v.\"userId\" = $5)";

/// Column and direction come from these matches, never from input, so they may be spliced.
fn order(query: &VlogQuery) -> String {
    let column = match query.sort {
        VlogSort::CreatedAt => "v.\"createdAt\"",
        VlogSort::UpdatedAt => "v.\"updatedAt\"",
        VlogSort::Title => "v.title",
    };
    let dir = match query.dir {
        SortDir::Asc => "ASC",
        SortDir::Desc => "DESC",
    };
    format!("{column} {dir}, v.uuid {dir}")
}

#[derive(QueryableByName)]
struct Total {
    #[diesel(sql_type = BigInt)]
    total: i64,
}

#[derive(QueryableByName)]
struct SnapshotRow {
    #[diesel(sql_type = SqlUuid)]
    uuid: Uuid,
    #[diesel(sql_type = Nullable<SqlUuid>, column_name = "userId")]
    user_id: Option<Uuid>,
    #[diesel(sql_type = Text)]
    status: String,
}

/// Offsets and limits are validated far below `i64::MAX`.
fn bigint(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

#[async_trait::async_trait]
impl VlogRepo for PgBlog {
    async fn insert(&self, vlog: &VlogRecord) -> Result<(), RepoError> {
        let mut conn = connection(&self.pool).await?;
        diesel::sql_query(
            "INSERT INTO vlogs (uuid, title, description, tag, \"videoUrl\", \"isActive\", \
             thumbnail, \"userId\", status) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CAST($9 AS enum_vlogs_status))",
        )
        .bind::<SqlUuid, _>(vlog.id.0)
        .bind::<Text, _>(&vlog.title)
        .bind::<Nullable<Text>, _>(vlog.description.as_deref())
        .bind::<Nullable<Text>, _>(vlog.tag.as_deref())
        .bind::<Nullable<Text>, _>(vlog.video_url.as_deref())
        .bind::<Bool, _>(vlog.is_active)
        .bind::<Nullable<Json>, _>(vlog.thumbnail.as_ref())
        .bind::<SqlUuid, _>(vlog.author.0)
        .bind::<Text, _>(vlog.status.as_str())
        .execute(&mut conn)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn snapshot(&self, id: VlogId) -> Result<Option<VlogSnapshot>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let rows: Vec<SnapshotRow> = diesel::sql_query(
            "SELECT uuid, \"userId\", status::text AS status FROM vlogs WHERE uuid = $1",
        )
        .bind::<SqlUuid, _>(id.0)
        .load(&mut conn)
        .await
        .map_err(db_error)?;
        Ok(rows.into_iter().next().map(|r| VlogSnapshot {
            id: VlogId(r.uuid),
            author: r.user_id.map(UserId),
            status: status(&r.status),
        }))
    }

    async fn update(&self, id: VlogId, patch: &VlogPatch) -> Result<bool, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let n = diesel::sql_query(
            "UPDATE vlogs SET title = COALESCE($2, title), \
             description = COALESCE($3, description), tag = COALESCE($4, tag), \
             \"videoUrl\" = COALESCE($5, \"videoUrl\"), \"isActive\" = COALESCE($6, \"isActive\"), \
             thumbnail = COALESCE($7, thumbnail), \
             status = COALESCE(CAST($8 AS enum_vlogs_status), status), \
             \"declineMessage\" = CASE WHEN $9 THEN $10 ELSE \"declineMessage\" END, \
             \"updatedAt\" = now() WHERE uuid = $1",
        )
        .bind::<SqlUuid, _>(id.0)
        .bind::<Nullable<Text>, _>(patch.title.as_deref())
        .bind::<Nullable<Text>, _>(patch.description.as_deref())
        .bind::<Nullable<Text>, _>(patch.tag.as_deref())
        .bind::<Nullable<Text>, _>(patch.video_url.as_deref())
        .bind::<Nullable<Bool>, _>(patch.is_active)
        .bind::<Nullable<Json>, _>(patch.thumbnail.as_ref())
        .bind::<Nullable<Text>, _>(patch.status.map(VlogStatus::as_str))
        .bind::<Bool, _>(patch.decline_message.is_some())
        .bind::<Nullable<Text>, _>(patch.decline_message.clone().flatten())
        .execute(&mut conn)
        .await
        .map_err(db_error)?;
        Ok(n > 0)
    }

    async fn delete(&self, id: VlogId) -> Result<bool, RepoError> {
        touch_row(&self.pool, "DELETE FROM vlogs WHERE uuid = $1", id.0).await
    }

    async fn find(&self, id: VlogId) -> Result<Option<VlogView>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let rows: Vec<VlogRow> = diesel::sql_query(format!(
            "SELECT {} FROM vlogs v WHERE v.uuid = $1",
            columns()
        ))
        .bind::<SqlUuid, _>(id.0)
        .load(&mut conn)
        .await
        .map_err(db_error)?;
        Ok(rows.into_iter().next().map(VlogRow::view))
    }

    async fn list(&self, query: &VlogQuery, visible: Visibility) -> Result<VlogPage, RepoError> {
        let (all, viewer) = match visible {
            Visibility::All => (true, None),
            Visibility::AcceptedOr(user) => (false, user.map(|u| u.0)),
        };
        let status = query.status.map(VlogStatus::as_str);
        let pattern = query.search.as_deref().map(like_pattern);
        let author = query.user.map(|u| u.0);
        let mut conn = connection(&self.pool).await?;
        let total: Total = diesel::sql_query(format!(
            "SELECT count(*) AS total FROM vlogs v WHERE {FILTERS}"
        ))
        .bind::<Bool, _>(all)
        .bind::<Nullable<SqlUuid>, _>(viewer)
        .bind::<Nullable<Text>, _>(status)
        .bind::<Nullable<Text>, _>(pattern.as_deref())
        .bind::<Nullable<SqlUuid>, _>(author)
        .get_result(&mut conn)
        .await
        .map_err(db_error)?;
        let rows: Vec<VlogRow> = diesel::sql_query(format!(
            "SELECT {} FROM vlogs v WHERE {FILTERS} ORDER BY {} LIMIT $6 OFFSET $7",
            columns(),
            order(query)
        ))
        .bind::<Bool, _>(all)
        .bind::<Nullable<SqlUuid>, _>(viewer)
        .bind::<Nullable<Text>, _>(status)
        .bind::<Nullable<Text>, _>(pattern.as_deref())
        .bind::<Nullable<SqlUuid>, _>(author)
        .bind::<BigInt, _>(bigint(query.limit))
        .bind::<BigInt, _>(bigint(query.offset))
        .load(&mut conn)
        .await
        .map_err(db_error)?;
        Ok(VlogPage {
            total: u64::try_from(total.total).unwrap_or(0),
            rows: rows.into_iter().map(VlogRow::view).collect(),
        })
    }
}
