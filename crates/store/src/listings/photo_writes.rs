//! A post's `photo` rows and their `photo_posts` links: added together in one transaction, with
//! the post locked so a concurrent delete or upload cannot slip between the checks and the
//! inserts, and deleted together.

use alpha_kernel::RepoError;
use alpha_listings::{Attached, NewPostPhoto, PostId, PostPhotos};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Jsonb, Text, Uuid as SqlUuid};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::PgListings;
use crate::error::{connection, db_error};
use crate::photo_files::{PhotoFiles, public_paths};

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Locked {
    #[diesel(sql_type = SqlUuid)]
    #[allow(dead_code)]
    uuid: Uuid,
}

#[derive(QueryableByName)]
struct PostOf {
    #[diesel(sql_type = SqlUuid, column_name = "postId")]
    post_id: Uuid,
}

async fn attach(
    conn: &mut AsyncPgConnection,
    post: Uuid,
    photos: &[NewPostPhoto],
    max: usize,
) -> Result<Attached, diesel::result::Error> {
    let locked: Vec<Locked> =
        diesel::sql_query("SELECT uuid FROM posts WHERE uuid = $1 FOR UPDATE")
            .bind::<SqlUuid, _>(post)
            .load(conn)
            .await?;
    if locked.is_empty() {
        return Ok(Attached::PostGone);
    }
    let held = diesel::sql_query("SELECT count(*) AS n FROM photo_posts WHERE \"postId\" = $1")
        .bind::<SqlUuid, _>(post)
        .get_result::<Count>(conn)
        .await?;
    let held = usize::try_from(held.n).unwrap_or(usize::MAX);
    if held.saturating_add(photos.len()) > max {
        return Ok(Attached::Full);
    }
    for photo in photos {
        let path = serde_json::json!({
            "small": photo.small,
            "medium": photo.medium,
            "large": photo.large,
        });
        diesel::sql_query("INSERT INTO photo (uuid, path, \"originalPath\") VALUES ($1, $2, $3)")
            .bind::<SqlUuid, _>(photo.uuid)
            .bind::<Jsonb, _>(path)
            .bind::<Text, _>(&photo.original_path)
            .execute(conn)
            .await?;
        diesel::sql_query("INSERT INTO photo_posts (\"postId\", \"photoUuid\") VALUES ($1, $2)")
            .bind::<SqlUuid, _>(post)
            .bind::<SqlUuid, _>(photo.uuid)
            .execute(conn)
            .await?;
    }
    Ok(Attached::Done)
}

async fn delete(
    conn: &mut AsyncPgConnection,
    photo: Uuid,
) -> Result<Option<Vec<String>>, diesel::result::Error> {
    diesel::sql_query("DELETE FROM photo_posts WHERE \"photoUuid\" = $1")
        .bind::<SqlUuid, _>(photo)
        .execute(conn)
        .await?;
    let rows: Vec<PhotoFiles> =
        diesel::sql_query("DELETE FROM photo WHERE uuid = $1 RETURNING path, \"originalPath\"")
            .bind::<SqlUuid, _>(photo)
            .load(conn)
            .await?;
    if rows.is_empty() {
        return Ok(None);
    }
    Ok(Some(public_paths(rows)))
}

#[async_trait::async_trait]
impl PostPhotos for PgListings {
    async fn attach_photos(
        &self,
        post: PostId,
        photos: &[NewPostPhoto],
        max: usize,
    ) -> Result<Attached, RepoError> {
        let mut conn = connection(&self.pool).await?;
        conn.transaction::<_, diesel::result::Error, _>(async |conn| {
            attach(conn, post.0, photos, max).await
        })
        .await
        .map_err(db_error)
    }

    async fn post_of_photo(&self, photo: Uuid) -> Result<Option<PostId>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let rows: Vec<PostOf> = diesel::sql_query(
            "SELECT \"postId\" FROM photo_posts WHERE \"photoUuid\" = $1 AND \"postId\" IS NOT NULL \
             LIMIT 1",
        )
        .bind::<SqlUuid, _>(photo)
        .load(&mut conn)
        .await
        .map_err(db_error)?;
        Ok(rows.into_iter().next().map(|r| PostId(r.post_id)))
    }

    async fn delete_photo(&self, photo: Uuid) -> Result<Option<Vec<String>>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        conn.transaction::<_, diesel::result::Error, _>(async |conn| delete(conn, photo).await)
            .await
            .map_err(db_error)
    }
}
