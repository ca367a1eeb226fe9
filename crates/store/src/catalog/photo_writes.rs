//! [`CatalogPhotos`]: each change one transaction that returns the public paths of the rows it
//! deleted, so their files are removed only once the change is committed.

use alpha_catalog::{CatalogPhotos, NewPhoto, PhotoOwner, PhotoReplaced};
use alpha_kernel::RepoError;
use diesel::QueryableByName;
use diesel::sql_types::{Jsonb, Text, Uuid as SqlUuid};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::PgCatalog;
use super::rows::PhotoRow;
use crate::error::{connection, db_error};
use crate::photo_files::{PhotoFiles, public_paths};

/// The owner's table and the `photo` column that points at it. Both come from this match, never
/// from input, so they may be spliced into SQL text.
fn owner_sql(owner: PhotoOwner) -> (&'static str, &'static str) {
    match owner {
        PhotoOwner::Brand => ("brands", "brandsId"),
        PhotoOwner::Model => ("models", "modelsId"),
        PhotoOwner::Category => ("categories", "categoryId"),
        PhotoOwner::Banner => ("banners", "bannerId"),
        PhotoOwner::Plan => ("subscriptions", "subscriptionId"),
    }
}

const PHOTO_COLUMNS: &str = "uuid, path, \"originalPath\", \"bannerId\", \"categoryId\", \
                             \"subscriptionId\", \"brandsId\", \"modelsId\", \"createdAt\", \
                             \"updatedAt\"";

/// The owner row, locked; only whether it came back matters.
#[derive(QueryableByName)]
struct Found {
    #[diesel(sql_type = SqlUuid)]
    #[allow(dead_code)]
    uuid: Uuid,
}

async fn delete_where(
    conn: &mut AsyncPgConnection,
    condition: &str,
    uuid: Uuid,
) -> Result<Vec<PhotoFiles>, diesel::result::Error> {
    diesel::sql_query(format!(
        "DELETE FROM photo WHERE {condition} RETURNING path, \"originalPath\""
    ))
    .bind::<SqlUuid, _>(uuid)
    .load(conn)
    .await
}

#[async_trait::async_trait]
impl CatalogPhotos for PgCatalog {
    async fn replace_photo(
        &self,
        owner: PhotoOwner,
        owner_uuid: Uuid,
        photo: &NewPhoto,
    ) -> Result<Option<PhotoReplaced>, RepoError> {
        let (table, column) = owner_sql(owner);
        let path = serde_json::json!({
            "small": photo.paths.small,
            "medium": photo.paths.medium,
            "large": photo.paths.large,
        });
        let mut conn = connection(&self.pool).await?;
        conn.transaction::<_, diesel::result::Error, _>(async |conn| {
            // Locking the owner makes two uploads for it take turns, so the second one finds
            // and replaces the first one's row instead of both surviving; a concurrent delete
            // of the owner waits too, so the row below never points at a vanished owner.
            let owners: Vec<Found> = diesel::sql_query(format!(
                "SELECT uuid FROM {table} WHERE uuid = $1 FOR NO KEY UPDATE"
            ))
            .bind::<SqlUuid, _>(owner_uuid)
            .load(conn)
            .await?;
            if owners.is_empty() {
                return Ok(None);
            }
            let old = delete_where(conn, &format!("\"{column}\" = $1"), owner_uuid).await?;
            let row: PhotoRow = diesel::sql_query(format!(
                "INSERT INTO photo (uuid, path, \"originalPath\", \"{column}\") \
                 VALUES ($1, $2, $3, $4) RETURNING {PHOTO_COLUMNS}"
            ))
            .bind::<SqlUuid, _>(photo.uuid)
            .bind::<Jsonb, _>(&path)
            .bind::<Text, _>(&photo.original_path)
            .bind::<SqlUuid, _>(owner_uuid)
            .get_result(conn)
            .await?;
            Ok(Some(PhotoReplaced {
                photo: row.view(),
                old_paths: public_paths(old),
            }))
        })
        .await
        .map_err(db_error)
    }

    async fn delete_photo(
        &self,
        owner: PhotoOwner,
        photo_uuid: Uuid,
    ) -> Result<Option<Vec<String>>, RepoError> {
        let (_, column) = owner_sql(owner);
        let mut conn = connection(&self.pool).await?;
        let old = delete_where(
            &mut conn,
            &format!("uuid = $1 AND \"{column}\" IS NOT NULL"),
            photo_uuid,
        )
        .await
        .map_err(db_error)?;
        Ok((!old.is_empty()).then(|| public_paths(old)))
    }

    async fn delete_photos_of(
        &self,
        owner: PhotoOwner,
        owner_uuid: Uuid,
    ) -> Result<Option<Vec<String>>, RepoError> {
        let (_, column) = owner_sql(owner);
        let mut conn = connection(&self.pool).await?;
        let old = delete_where(&mut conn, &format!("\"{column}\" = $1"), owner_uuid)
            .await
            .map_err(db_error)?;
        Ok((!old.is_empty()).then(|| public_paths(old)))
    }
}
