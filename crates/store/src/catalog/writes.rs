//! [`CatalogWrites`]: one statement per change; constraint violations become outcomes.

use alpha_catalog::{
    BrandInput, BrandPatch, CatalogWrites, CategoryInput, CategoryPatch, Creator, Localized,
    ModelInput, ModelPatch, PlanInput, PlanPatch, WriteOutcome,
};
use alpha_kernel::{RepoError, UserId};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::sql_types::{Float8, Int4, Jsonb, Nullable, Text, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use uuid::Uuid;

use super::PgCatalog;
use crate::error::{connection, db_error};

fn json(value: &impl serde::Serialize) -> Result<serde_json::Value, RepoError> {
    serde_json::to_value(value).map_err(|e| RepoError::Other(Box::new(e)))
}

/// A statement's row count, with the constraint it may have hit read as an outcome.
fn outcome(result: Result<usize, DieselError>) -> Result<WriteOutcome, RepoError> {
    match result {
        Ok(0) => Ok(WriteOutcome::NotFound),
        Ok(_) => Ok(WriteOutcome::Done),
        Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
            Ok(WriteOutcome::PriorityTaken)
        }
        Err(DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _)) => {
            Ok(WriteOutcome::UnknownBrand)
        }
        Err(e) => Err(db_error(e)),
    }
}

fn found(result: Result<usize, DieselError>) -> Result<bool, RepoError> {
    result.map(|n| n > 0).map_err(db_error)
}

fn optional_json(value: Option<&Localized>) -> Result<Option<serde_json::Value>, RepoError> {
    value.map(json).transpose()
}

#[async_trait::async_trait]
impl CatalogWrites for PgCatalog {
    async fn insert_brand(&self, uuid: Uuid, input: &BrandInput) -> Result<(), RepoError> {
        let mut conn = connection(&self.pool).await?;
        diesel::sql_query("INSERT INTO brands (uuid, name, location) VALUES ($1, $2, $3)")
            .bind::<SqlUuid, _>(uuid)
            .bind::<Text, _>(&input.name)
            .bind::<Nullable<Text>, _>(input.location.as_deref())
            .execute(&mut conn)
            .await
            .map(drop)
            .map_err(db_error)
    }

    async fn update_brand(&self, uuid: Uuid, patch: &BrandPatch) -> Result<bool, RepoError> {
        let mut conn = connection(&self.pool).await?;
        found(
            diesel::sql_query(
                "UPDATE brands SET name = COALESCE($2, name), \
                 location = COALESCE($3, location), \"updatedAt\" = now() WHERE uuid = $1",
            )
            .bind::<SqlUuid, _>(uuid)
            .bind::<Nullable<Text>, _>(patch.name.as_deref())
            .bind::<Nullable<Text>, _>(patch.location.as_deref())
            .execute(&mut conn)
            .await,
        )
    }

    async fn delete_brand(&self, uuid: Uuid) -> Result<bool, RepoError> {
        self.delete("brands", uuid).await
    }

    async fn insert_model(
        &self,
        uuid: Uuid,
        input: &ModelInput,
    ) -> Result<WriteOutcome, RepoError> {
        let mut conn = connection(&self.pool).await?;
        outcome(
            diesel::sql_query(
                "INSERT INTO models (uuid, name, \"brandId\", yearstart, yearend) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind::<SqlUuid, _>(uuid)
            .bind::<Text, _>(&input.name)
            .bind::<Nullable<SqlUuid>, _>(input.brand_id)
            .bind::<Nullable<Int4>, _>(input.yearstart)
            .bind::<Nullable<Int4>, _>(input.yearend)
            .execute(&mut conn)
            .await,
        )
    }

    async fn update_model(
        &self,
        uuid: Uuid,
        patch: &ModelPatch,
    ) -> Result<WriteOutcome, RepoError> {
        let mut conn = connection(&self.pool).await?;
        outcome(
            diesel::sql_query(
                "UPDATE models SET name = COALESCE($2, name), \"brandId\" = COALESCE($3, \
                 \"brandId\"), yearstart = COALESCE($4, yearstart), \
                 yearend = COALESCE($5, yearend), \"updatedAt\" = now() WHERE uuid = $1",
            )
            .bind::<SqlUuid, _>(uuid)
            .bind::<Nullable<Text>, _>(patch.name.as_deref())
            .bind::<Nullable<SqlUuid>, _>(patch.brand_id)
            .bind::<Nullable<Int4>, _>(patch.yearstart)
            .bind::<Nullable<Int4>, _>(patch.yearend)
            .execute(&mut conn)
            .await,
        )
    }

    async fn delete_model(&self, uuid: Uuid) -> Result<bool, RepoError> {
        self.delete("models", uuid).await
    }

    async fn insert_category(
        &self,
        uuid: Uuid,
        input: &CategoryInput,
    ) -> Result<WriteOutcome, RepoError> {
        let mut conn = connection(&self.pool).await?;
        outcome(
            diesel::sql_query(
                "INSERT INTO categories (uuid, name, creator, priority) VALUES ($1, $2, $3, $4)",
            )
            .bind::<SqlUuid, _>(uuid)
            .bind::<Jsonb, _>(json(&input.name)?)
            .bind::<Jsonb, _>(json(&input.creator)?)
            .bind::<Nullable<Int4>, _>(input.priority)
            .execute(&mut conn)
            .await,
        )
    }

    async fn update_category(
        &self,
        uuid: Uuid,
        patch: &CategoryPatch,
    ) -> Result<WriteOutcome, RepoError> {
        let mut conn = connection(&self.pool).await?;
        outcome(
            diesel::sql_query(
                "UPDATE categories SET name = COALESCE($2, name), \
                 priority = COALESCE($3, priority), \"updatedAt\" = now() WHERE uuid = $1",
            )
            .bind::<SqlUuid, _>(uuid)
            .bind::<Nullable<Jsonb>, _>(optional_json(patch.name.as_ref())?)
            .bind::<Nullable<Int4>, _>(patch.priority)
            .execute(&mut conn)
            .await,
        )
    }

    async fn delete_category(&self, uuid: Uuid) -> Result<bool, RepoError> {
        self.delete("categories", uuid).await
    }

    async fn insert_banner(&self, uuid: Uuid, creator: &Creator) -> Result<(), RepoError> {
        let mut conn = connection(&self.pool).await?;
        diesel::sql_query("INSERT INTO banners (uuid, creator) VALUES ($1, $2)")
            .bind::<SqlUuid, _>(uuid)
            .bind::<Jsonb, _>(json(creator)?)
            .execute(&mut conn)
            .await
            .map(drop)
            .map_err(db_error)
    }

    async fn delete_banner(&self, uuid: Uuid) -> Result<bool, RepoError> {
        self.delete("banners", uuid).await
    }

    async fn insert_plan(&self, uuid: Uuid, input: &PlanInput) -> Result<WriteOutcome, RepoError> {
        let mut conn = connection(&self.pool).await?;
        outcome(
            diesel::sql_query(
                "INSERT INTO subscriptions (uuid, name, description, priority, price, color) \
                 VALUES ($1, $2, $3, $4, $5::numeric(14,2), $6)",
            )
            .bind::<SqlUuid, _>(uuid)
            .bind::<Jsonb, _>(json(&input.name)?)
            .bind::<Jsonb, _>(json(&input.description)?)
            .bind::<Nullable<Int4>, _>(input.priority)
            .bind::<Nullable<Float8>, _>(input.price)
            .bind::<Nullable<Text>, _>(input.color.as_deref())
            .execute(&mut conn)
            .await,
        )
    }

    async fn update_plan(&self, uuid: Uuid, patch: &PlanPatch) -> Result<WriteOutcome, RepoError> {
        let mut conn = connection(&self.pool).await?;
        outcome(
            diesel::sql_query(
                "UPDATE subscriptions SET name = COALESCE($2, name), \
                 description = COALESCE($3, description), priority = COALESCE($4, priority), \
                 price = COALESCE($5::numeric(14,2), price), color = COALESCE($6, color), \
                 \"updatedAt\" = now() WHERE uuid = $1",
            )
            .bind::<SqlUuid, _>(uuid)
            .bind::<Nullable<Jsonb>, _>(optional_json(patch.name.as_ref())?)
            .bind::<Nullable<Jsonb>, _>(optional_json(patch.description.as_ref())?)
            .bind::<Nullable<Int4>, _>(patch.priority)
            .bind::<Nullable<Float8>, _>(patch.price)
            .bind::<Nullable<Text>, _>(patch.color.as_deref())
            .execute(&mut conn)
            .await,
        )
    }

    async fn delete_plan(&self, uuid: Uuid) -> Result<bool, RepoError> {
        self.delete("subscriptions", uuid).await
    }

    async fn subscribe(&self, user: UserId, brand: Uuid) -> Result<bool, RepoError> {
        let mut conn = connection(&self.pool).await?;
        // The brand check and the insert are one statement, so a brand deleted meanwhile
        // cannot leave a dangling row (the foreign key would refuse it anyway).
        found(
            diesel::sql_query(
                "WITH b AS (SELECT uuid FROM brands WHERE uuid = $2), \
                 ins AS (INSERT INTO brands_user (\"userId\", \"brandId\") SELECT $1, uuid FROM b \
                         ON CONFLICT (\"brandId\", \"userId\") DO NOTHING) \
                 SELECT 1 FROM b",
            )
            .bind::<SqlUuid, _>(user.0)
            .bind::<SqlUuid, _>(brand)
            .execute(&mut conn)
            .await,
        )
    }

    async fn unsubscribe(&self, user: UserId, brand: Uuid) -> Result<bool, RepoError> {
        let mut conn = connection(&self.pool).await?;
        found(
            diesel::sql_query(
                "WITH b AS (SELECT uuid FROM brands WHERE uuid = $2), \
                 del AS (DELETE FROM brands_user WHERE \"userId\" = $1 \
                         AND \"brandId\" IN (SELECT uuid FROM b)) \
                 SELECT 1 FROM b",
            )
            .bind::<SqlUuid, _>(user.0)
            .bind::<SqlUuid, _>(brand)
            .execute(&mut conn)
            .await,
        )
    }
}

impl PgCatalog {
    /// `table` is one of this module's own table names, never input.
    async fn delete(&self, table: &'static str, uuid: Uuid) -> Result<bool, RepoError> {
        let mut conn = connection(&self.pool).await?;
        found(
            diesel::sql_query(format!("DELETE FROM {table} WHERE uuid = $1"))
                .bind::<SqlUuid, _>(uuid)
                .execute(&mut conn)
                .await,
        )
    }
}
