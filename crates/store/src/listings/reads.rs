//! The reads of single posts and of a user's posts, with the related rows each one sends.

use alpha_kernel::RepoError;
use alpha_listings::{FeedIncludes, PostView};
use diesel::QueryableByName;
use diesel::sql_types::{Array, Int8, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::includes::{Wanted, attach};
use super::rows::{POST_COLUMNS, PostRow};
use crate::error::db_error;

#[derive(QueryableByName)]
pub(crate) struct Count {
    #[diesel(sql_type = Int8)]
    pub count: i64,
}

impl Count {
    pub(crate) fn get(&self) -> u64 {
        u64::try_from(self.count).unwrap_or(0)
    }
}

/// One post, without `userId`, always with its video, file, comments and category, plus the
/// asked brand, model, photos and plan.
pub(crate) async fn find(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    includes: FeedIncludes,
) -> Result<Option<PostView>, RepoError> {
    let rows: Vec<PostRow> = diesel::sql_query(format!(
        "SELECT {POST_COLUMNS} FROM posts p WHERE p.uuid = $1"
    ))
    .bind::<SqlUuid, _>(id)
    .load(conn)
    .await
    .map_err(db_error)?;
    let mut views: Vec<PostView> = rows.into_iter().map(|r| r.view(false)).collect();
    let wanted = Wanted {
        category: true,
        video: true,
        file: true,
        comments: true,
        ..Wanted::from(includes)
    };
    attach(conn, &mut views, wanted).await?;
    Ok(views.into_iter().next())
}

pub(crate) async fn count_all(conn: &mut AsyncPgConnection) -> Result<u64, RepoError> {
    let row: Count = diesel::sql_query("SELECT count(*) AS count FROM posts")
        .get_result(conn)
        .await
        .map_err(db_error)?;
    Ok(row.get())
}

/// The owner's posts, every status, newest first, with `userId`, brand, model and photos.
pub(crate) async fn mine(
    conn: &mut AsyncPgConnection,
    owner: Uuid,
) -> Result<Vec<PostView>, RepoError> {
    let rows: Vec<PostRow> = diesel::sql_query(format!(
        "SELECT {POST_COLUMNS} FROM posts p WHERE p.\"userId\" = $1 \
         ORDER BY p.\"createdAt\" DESC, p.uuid"
    ))
    .bind::<SqlUuid, _>(owner)
    .load(conn)
    .await
    .map_err(db_error)?;
    let mut views: Vec<PostView> = rows.into_iter().map(|r| r.view(true)).collect();
    let wanted = Wanted {
        brand: true,
        model: true,
        photo: true,
        ..Wanted::default()
    };
    attach(conn, &mut views, wanted).await?;
    Ok(views)
}

/// The posts among `ids` that exist, newest first, with `userId` and the asked includes.
pub(crate) async fn by_ids(
    conn: &mut AsyncPgConnection,
    ids: &[Uuid],
    includes: FeedIncludes,
) -> Result<Vec<PostView>, RepoError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<PostRow> = diesel::sql_query(format!(
        "SELECT {POST_COLUMNS} FROM posts p WHERE p.uuid = ANY($1) \
         ORDER BY p.\"createdAt\" DESC, p.uuid"
    ))
    .bind::<Array<SqlUuid>, _>(ids)
    .load(conn)
    .await
    .map_err(db_error)?;
    let mut views: Vec<PostView> = rows.into_iter().map(|r| r.view(true)).collect();
    attach(conn, &mut views, includes.into()).await?;
    Ok(views)
}
