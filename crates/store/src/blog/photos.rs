//! The blog's images: `photo` rows with no owner column set whose files are under
//! `uploads/vlog/`, as the old API stored them. That folder is what tells them from the other
//! unlinked photo rows (a post's, linked through `photo_posts`), so a delete here can never take
//! another context's photo.

use alpha_community::blog::{BlogPhotoView, BlogPhotos, NewBlogPhoto};
use alpha_kernel::{RepoError, iso_millis};
use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{Jsonb, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use uuid::Uuid;

use super::PgBlog;
use crate::error::{connection, db_error};
use crate::photo_files::{PhotoFiles, public_paths};

#[derive(QueryableByName)]
struct Written {
    #[diesel(sql_type = Timestamptz, column_name = "createdAt")]
    created_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz, column_name = "updatedAt")]
    updated_at: DateTime<Utc>,
}

#[async_trait::async_trait]
impl BlogPhotos for PgBlog {
    async fn insert_photo(&self, photo: &NewBlogPhoto) -> Result<BlogPhotoView, RepoError> {
        let path = serde_json::json!({
            "small": photo.path.small,
            "medium": photo.path.medium,
            "large": photo.path.large,
        });
        let mut conn = connection(&self.pool).await?;
        let row: Written = diesel::sql_query(
            "INSERT INTO photo (uuid, path, \"originalPath\") VALUES ($1, $2, $3) \
             RETURNING \"createdAt\", \"updatedAt\"",
        )
        .bind::<SqlUuid, _>(photo.uuid)
        .bind::<Jsonb, _>(&path)
        .bind::<Text, _>(&photo.original_path)
        .get_result(&mut conn)
        .await
        .map_err(db_error)?;
        Ok(BlogPhotoView::of(
            photo,
            iso_millis(row.created_at),
            iso_millis(row.updated_at),
        ))
    }

    async fn delete_photo(&self, photo: Uuid) -> Result<Option<Vec<String>>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let old: Vec<PhotoFiles> = diesel::sql_query(
            "DELETE FROM photo WHERE uuid = $1 AND \"originalPath\" LIKE 'uploads/vlog/%' \
             AND \"userId\" IS NULL AND \"brandsId\" IS NULL AND \"modelsId\" IS NULL \
             AND \"bannerId\" IS NULL AND \"categoryId\" IS NULL AND \"subscriptionId\" IS NULL \
             RETURNING path, \"originalPath\"",
        )
        .bind::<SqlUuid, _>(photo)
        .load(&mut conn)
        .await
        .map_err(db_error)?;
        Ok((!old.is_empty()).then(|| public_paths(old)))
    }
}
