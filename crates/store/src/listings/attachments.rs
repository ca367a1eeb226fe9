//! The `video` and `file` rows of posts (`alpha_listings::AttachmentRepo`). Moves run in one
//! transaction with the replacement they cause, and every delete returns the stored paths so the
//! files go once the rows are gone.

use std::collections::HashMap;

use alpha_kernel::{RepoError, iso_millis};
use alpha_listings::{
    AttachmentRepo, FileId, Moved, Page, PostFile, PostId, PostView, Video, VideoId, VideoWithPost,
};
use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{Array, Int8, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::PgListings;
use super::rows::{POST_COLUMNS, PostRow};
use crate::error::{connection, db_error};

const VIDEO_COLUMNS: &str = "id, url, \"postId\", \"createdAt\", \"updatedAt\"";
const FILE_COLUMNS: &str = "uuid, path, \"postId\", \"createdAt\", \"updatedAt\"";

#[derive(QueryableByName)]
struct VideoRow {
    #[diesel(sql_type = Int8)]
    id: i64,
    #[diesel(sql_type = Nullable<Text>)]
    url: Option<String>,
    #[diesel(sql_type = Nullable<SqlUuid>, column_name = "postId")]
    post_id: Option<Uuid>,
    #[diesel(sql_type = Timestamptz, column_name = "createdAt")]
    created_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz, column_name = "updatedAt")]
    updated_at: DateTime<Utc>,
}

impl From<VideoRow> for Video {
    fn from(r: VideoRow) -> Self {
        Self {
            id: VideoId(r.id),
            url: r.url,
            post: r.post_id.map(PostId),
            created_at: iso_millis(r.created_at),
            updated_at: iso_millis(r.updated_at),
        }
    }
}

#[derive(QueryableByName)]
struct FileRow {
    #[diesel(sql_type = SqlUuid)]
    uuid: Uuid,
    #[diesel(sql_type = Nullable<Text>)]
    path: Option<String>,
    #[diesel(sql_type = Nullable<SqlUuid>, column_name = "postId")]
    post_id: Option<Uuid>,
    #[diesel(sql_type = Timestamptz, column_name = "createdAt")]
    created_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz, column_name = "updatedAt")]
    updated_at: DateTime<Utc>,
}

impl From<FileRow> for PostFile {
    fn from(r: FileRow) -> Self {
        Self {
            uuid: r.uuid,
            path: r.path,
            post_id: r.post_id,
            created_at: iso_millis(r.created_at),
            updated_at: iso_millis(r.updated_at),
        }
    }
}

#[derive(QueryableByName)]
struct StoredPath {
    #[diesel(sql_type = Nullable<Text>)]
    path: Option<String>,
}

#[derive(QueryableByName)]
struct Found {
    #[diesel(sql_type = SqlUuid)]
    #[allow(dead_code)]
    uuid: Uuid,
}

fn paths(rows: Vec<StoredPath>) -> Vec<String> {
    rows.into_iter().filter_map(|r| r.path).collect()
}

/// `None` when no row was deleted, else the path it held.
fn deleted(rows: Vec<StoredPath>) -> Option<Option<String>> {
    rows.into_iter().next().map(|r| r.path)
}

fn limits(page: Page) -> (i64, i64) {
    let clamp = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    (clamp(page.limit), clamp(page.offset))
}

/// Each video with its post as the public detail shows it (no `userId`, no includes).
async fn with_posts(
    conn: &mut AsyncPgConnection,
    videos: Vec<VideoRow>,
) -> Result<Vec<VideoWithPost>, RepoError> {
    let mut ids: Vec<Uuid> = videos.iter().filter_map(|v| v.post_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut posts: HashMap<Uuid, PostView> = HashMap::new();
    if !ids.is_empty() {
        let rows: Vec<PostRow> = diesel::sql_query(format!(
            "SELECT {POST_COLUMNS} FROM posts p WHERE p.uuid = ANY($1)"
        ))
        .bind::<Array<SqlUuid>, _>(&ids)
        .load(conn)
        .await
        .map_err(db_error)?;
        posts.extend(rows.into_iter().map(|r| (r.uuid, r.view(false))));
    }
    Ok(videos
        .into_iter()
        .map(|row| {
            let post = row.post_id.and_then(|id| posts.get(&id).cloned());
            VideoWithPost {
                video: Video::from(row).view(),
                post,
            }
        })
        .collect())
}

async fn post_exists(
    conn: &mut AsyncPgConnection,
    post: Uuid,
) -> Result<bool, diesel::result::Error> {
    // Held until the move commits, so the post cannot go in between.
    let found: Vec<Found> =
        diesel::sql_query("SELECT uuid FROM posts WHERE uuid = $1 FOR KEY SHARE")
            .bind::<SqlUuid, _>(post)
            .load(conn)
            .await?;
    Ok(!found.is_empty())
}

async fn move_video(
    conn: &mut AsyncPgConnection,
    id: i64,
    post: Uuid,
) -> Result<Moved<Video>, diesel::result::Error> {
    if !post_exists(conn, post).await? {
        return Ok(Moved::PostGone);
    }
    let moved: Vec<VideoRow> = diesel::sql_query(format!(
        "UPDATE video SET \"postId\" = $2, \"updatedAt\" = now() WHERE id = $1 \
         RETURNING {VIDEO_COLUMNS}"
    ))
    .bind::<Int8, _>(id)
    .bind::<SqlUuid, _>(post)
    .load(conn)
    .await?;
    let Some(row) = moved.into_iter().next() else {
        return Ok(Moved::RowGone);
    };
    let replaced: Vec<StoredPath> = diesel::sql_query(
        "DELETE FROM video WHERE \"postId\" = $1 AND id <> $2 RETURNING url AS path",
    )
    .bind::<SqlUuid, _>(post)
    .bind::<Int8, _>(id)
    .load(conn)
    .await?;
    Ok(Moved::Done {
        row: row.into(),
        replaced: paths(replaced),
    })
}

async fn move_file(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    post: Uuid,
) -> Result<Moved<PostFile>, diesel::result::Error> {
    if !post_exists(conn, post).await? {
        return Ok(Moved::PostGone);
    }
    let moved: Vec<FileRow> = diesel::sql_query(format!(
        "UPDATE file SET \"postId\" = $2, \"updatedAt\" = now() WHERE uuid = $1 \
         RETURNING {FILE_COLUMNS}"
    ))
    .bind::<SqlUuid, _>(id)
    .bind::<SqlUuid, _>(post)
    .load(conn)
    .await?;
    let Some(row) = moved.into_iter().next() else {
        return Ok(Moved::RowGone);
    };
    let replaced: Vec<StoredPath> =
        diesel::sql_query("DELETE FROM file WHERE \"postId\" = $1 AND uuid <> $2 RETURNING path")
            .bind::<SqlUuid, _>(post)
            .bind::<SqlUuid, _>(id)
            .load(conn)
            .await?;
    Ok(Moved::Done {
        row: row.into(),
        replaced: paths(replaced),
    })
}

#[async_trait::async_trait]
impl AttachmentRepo for PgListings {
    async fn insert_video(&self, post: PostId, url: &str) -> Result<Option<Video>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let rows: Vec<VideoRow> = diesel::sql_query(format!(
            "INSERT INTO video (url, \"postId\", \"createdAt\", \"updatedAt\") \
             SELECT $1, uuid, now(), now() FROM posts WHERE uuid = $2 RETURNING {VIDEO_COLUMNS}"
        ))
        .bind::<Text, _>(url)
        .bind::<SqlUuid, _>(post.0)
        .load(&mut conn)
        .await
        .map_err(db_error)?;
        Ok(rows.into_iter().next().map(Video::from))
    }

    async fn prune_videos(&self, post: PostId, keep: VideoId) -> Result<Vec<String>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let rows: Vec<StoredPath> = diesel::sql_query(
            "DELETE FROM video WHERE \"postId\" = $1 AND id < $2 RETURNING url AS path",
        )
        .bind::<SqlUuid, _>(post.0)
        .bind::<Int8, _>(keep.0)
        .load(&mut conn)
        .await
        .map_err(db_error)?;
        Ok(paths(rows))
    }

    async fn video(&self, id: VideoId) -> Result<Option<Video>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let rows: Vec<VideoRow> =
            diesel::sql_query(format!("SELECT {VIDEO_COLUMNS} FROM video WHERE id = $1"))
                .bind::<Int8, _>(id.0)
                .load(&mut conn)
                .await
                .map_err(db_error)?;
        Ok(rows.into_iter().next().map(Video::from))
    }

    async fn video_view(&self, id: VideoId) -> Result<Option<VideoWithPost>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let rows: Vec<VideoRow> =
            diesel::sql_query(format!("SELECT {VIDEO_COLUMNS} FROM video WHERE id = $1"))
                .bind::<Int8, _>(id.0)
                .load(&mut conn)
                .await
                .map_err(db_error)?;
        Ok(with_posts(&mut conn, rows).await?.into_iter().next())
    }

    async fn video_views(&self, page: Page) -> Result<Vec<VideoWithPost>, RepoError> {
        let (limit, offset) = limits(page);
        let mut conn = connection(&self.pool).await?;
        let rows: Vec<VideoRow> = diesel::sql_query(format!(
            "SELECT {VIDEO_COLUMNS} FROM video ORDER BY id LIMIT $1 OFFSET $2"
        ))
        .bind::<Int8, _>(limit)
        .bind::<Int8, _>(offset)
        .load(&mut conn)
        .await
        .map_err(db_error)?;
        with_posts(&mut conn, rows).await
    }

    async fn video_views_of(&self, post: PostId) -> Result<Vec<VideoWithPost>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let rows: Vec<VideoRow> = diesel::sql_query(format!(
            "SELECT {VIDEO_COLUMNS} FROM video WHERE \"postId\" = $1 ORDER BY id"
        ))
        .bind::<SqlUuid, _>(post.0)
        .load(&mut conn)
        .await
        .map_err(db_error)?;
        with_posts(&mut conn, rows).await
    }

    async fn move_video(&self, id: VideoId, post: PostId) -> Result<Moved<Video>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        conn.transaction::<_, diesel::result::Error, _>(async |conn| {
            move_video(conn, id.0, post.0).await
        })
        .await
        .map_err(db_error)
    }

    async fn delete_video(&self, id: VideoId) -> Result<Option<Option<String>>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let rows: Vec<StoredPath> =
            diesel::sql_query("DELETE FROM video WHERE id = $1 RETURNING url AS path")
                .bind::<Int8, _>(id.0)
                .load(&mut conn)
                .await
                .map_err(db_error)?;
        Ok(deleted(rows))
    }

    async fn delete_videos_of(&self, post: PostId) -> Result<Vec<String>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let rows: Vec<StoredPath> =
            diesel::sql_query("DELETE FROM video WHERE \"postId\" = $1 RETURNING url AS path")
                .bind::<SqlUuid, _>(post.0)
                .load(&mut conn)
                .await
                .map_err(db_error)?;
        Ok(paths(rows))
    }

    async fn insert_file(
        &self,
        id: FileId,
        post: PostId,
        path: &str,
    ) -> Result<Option<PostFile>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let rows: Vec<FileRow> = diesel::sql_query(format!(
            "INSERT INTO file (uuid, path, \"postId\", \"createdAt\", \"updatedAt\") \
             SELECT $1, $2, uuid, now(), now() FROM posts WHERE uuid = $3 RETURNING {FILE_COLUMNS}"
        ))
        .bind::<SqlUuid, _>(id.0)
        .bind::<Text, _>(path)
        .bind::<SqlUuid, _>(post.0)
        .load(&mut conn)
        .await
        .map_err(db_error)?;
        Ok(rows.into_iter().next().map(PostFile::from))
    }

    async fn prune_files(&self, post: PostId, keep: FileId) -> Result<Vec<String>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        // Older than `keep` in (createdAt, uuid) order: of two racing uploads the later stays.
        let rows: Vec<StoredPath> = diesel::sql_query(
            "DELETE FROM file f WHERE f.\"postId\" = $1 AND f.uuid <> $2 \
             AND (f.\"createdAt\", f.uuid) < \
                 (SELECT k.\"createdAt\", k.uuid FROM file k WHERE k.uuid = $2) \
             RETURNING f.path",
        )
        .bind::<SqlUuid, _>(post.0)
        .bind::<SqlUuid, _>(keep.0)
        .load(&mut conn)
        .await
        .map_err(db_error)?;
        Ok(paths(rows))
    }

    async fn file(&self, id: FileId) -> Result<Option<PostFile>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let rows: Vec<FileRow> =
            diesel::sql_query(format!("SELECT {FILE_COLUMNS} FROM file WHERE uuid = $1"))
                .bind::<SqlUuid, _>(id.0)
                .load(&mut conn)
                .await
                .map_err(db_error)?;
        Ok(rows.into_iter().next().map(PostFile::from))
    }

    async fn files(&self, page: Page) -> Result<Vec<PostFile>, RepoError> {
        let (limit, offset) = limits(page);
        let mut conn = connection(&self.pool).await?;
        let rows: Vec<FileRow> = diesel::sql_query(format!(
            "SELECT {FILE_COLUMNS} FROM file ORDER BY \"createdAt\", uuid LIMIT $1 OFFSET $2"
        ))
        .bind::<Int8, _>(limit)
        .bind::<Int8, _>(offset)
        .load(&mut conn)
        .await
        .map_err(db_error)?;
        Ok(rows.into_iter().map(PostFile::from).collect())
    }

    async fn files_of(&self, post: PostId) -> Result<Vec<PostFile>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let rows: Vec<FileRow> = diesel::sql_query(format!(
            "SELECT {FILE_COLUMNS} FROM file WHERE \"postId\" = $1 ORDER BY \"createdAt\", uuid"
        ))
        .bind::<SqlUuid, _>(post.0)
        .load(&mut conn)
        .await
        .map_err(db_error)?;
        Ok(rows.into_iter().map(PostFile::from).collect())
    }

    async fn move_file(&self, id: FileId, post: PostId) -> Result<Moved<PostFile>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        conn.transaction::<_, diesel::result::Error, _>(async |conn| {
            move_file(conn, id.0, post.0).await
        })
        .await
        .map_err(db_error)
    }

    async fn delete_file(&self, id: FileId) -> Result<Option<Option<String>>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let rows: Vec<StoredPath> =
            diesel::sql_query("DELETE FROM file WHERE uuid = $1 RETURNING path")
                .bind::<SqlUuid, _>(id.0)
                .load(&mut conn)
                .await
                .map_err(db_error)?;
        Ok(deleted(rows))
    }

    async fn delete_files_of(&self, post: PostId) -> Result<Vec<String>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let rows: Vec<StoredPath> =
            diesel::sql_query("DELETE FROM file WHERE \"postId\" = $1 RETURNING path")
                .bind::<SqlUuid, _>(post.0)
                .load(&mut conn)
                .await
                .map_err(db_error)?;
        Ok(paths(rows))
    }
}
