//! [`SearchSource`]: every brand with each of its models, for the in-memory search index.

use alpha_catalog::{SearchRow, SearchSource};
use alpha_kernel::RepoError;
use diesel::QueryableByName;
use diesel::sql_types::{Nullable, Text, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use uuid::Uuid;

use super::PgCatalog;
use crate::error::{connection, db_error};

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = SqlUuid)]
    brand_uuid: Uuid,
    #[diesel(sql_type = Text)]
    brand_name: String,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    model_uuid: Option<Uuid>,
    #[diesel(sql_type = Nullable<Text>)]
    model_name: Option<String>,
}

#[async_trait::async_trait]
impl SearchSource for PgCatalog {
    async fn search_rows(&self) -> Result<Vec<SearchRow>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        // One row per brand (model columns NULL), then one per named model.
        let rows: Vec<Row> = diesel::sql_query(
            "SELECT uuid AS brand_uuid, name AS brand_name, NULL::uuid AS model_uuid, \
                    NULL::text AS model_name FROM brands WHERE name IS NOT NULL \
             UNION ALL \
             SELECT b.uuid, b.name, m.uuid, m.name FROM models m JOIN brands b \
                    ON b.uuid = m.\"brandId\" WHERE b.name IS NOT NULL AND m.name IS NOT NULL",
        )
        .load(&mut conn)
        .await
        .map_err(db_error)?;
        Ok(rows
            .into_iter()
            .map(|r| SearchRow {
                brand_uuid: r.brand_uuid,
                brand_name: r.brand_name,
                model: r.model_uuid.zip(r.model_name),
            })
            .collect())
    }
}
