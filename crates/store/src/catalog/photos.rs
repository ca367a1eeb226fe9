//! The image of each catalog row. The old API could leave several photo rows per owner (a
//! placeholder plus uploads); the newest one with paths wins, else the newest at all.

use std::collections::HashMap;

use alpha_catalog::views::PhotoView;
use alpha_kernel::RepoError;
use diesel::sql_types::{Array, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::rows::PhotoRow;
use crate::error::db_error;

/// The `photo` column that points at the owner.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Owner {
    Brand,
    Model,
    Category,
    Banner,
    Plan,
}

impl Owner {
    fn column(self) -> &'static str {
        match self {
            Self::Brand => "brandsId",
            Self::Model => "modelsId",
            Self::Category => "categoryId",
            Self::Banner => "bannerId",
            Self::Plan => "subscriptionId",
        }
    }
}

/// Each owner's photo, keyed by owner uuid.
pub(crate) async fn photos_of(
    conn: &mut AsyncPgConnection,
    owner: Owner,
    owners: &[Uuid],
) -> Result<HashMap<Uuid, PhotoView>, RepoError> {
    if owners.is_empty() {
        return Ok(HashMap::new());
    }
    let column = owner.column();
    // The column name comes from the enum above, never from input.
    let sql = format!(
        "SELECT DISTINCT ON (\"{column}\") uuid, path, \"originalPath\", \"bannerId\", \
         \"categoryId\", \"subscriptionId\", \"brandsId\", \"modelsId\", \"createdAt\", \
         \"updatedAt\" FROM photo WHERE \"{column}\" = ANY($1) \
         ORDER BY \"{column}\", (path IS NULL), \"createdAt\" DESC, uuid"
    );
    let rows: Vec<PhotoRow> = diesel::sql_query(sql)
        .bind::<Array<SqlUuid>, _>(owners)
        .load(conn)
        .await
        .map_err(db_error)?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let key = match owner {
                Owner::Brand => row.brands_id,
                Owner::Model => row.models_id,
                Owner::Category => row.category_id,
                Owner::Banner => row.banner_id,
                Owner::Plan => row.subscription_id,
            }?;
            Some((key, row.view()))
        })
        .collect())
}
