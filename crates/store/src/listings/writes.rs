//! Creating, reading for a rule, updating and deleting one post. The delete is one transaction
//! that returns the public paths of the rows it removed, so their files go only once it commits.

use alpha_kernel::{RepoError, UserId};
use alpha_listings::{
    FeedIncludes, FeedQuery, Moderation, PostId, PostMedia, PostPatch, PostRecord, PostRefs,
    PostRepo, PostSnapshot, PostView, Reference,
};
use diesel::QueryableByName;
use diesel::sql_types::{Bool, Float8, Int4, Json, Nullable, Text, Uuid as SqlUuid};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::PgListings;
use super::rows::personal_info;
use crate::error::{connection, db_error};
use crate::photo_files::{PhotoFiles, public_paths};

#[derive(QueryableByName)]
struct Missing {
    #[diesel(sql_type = Bool)]
    brand: bool,
    #[diesel(sql_type = Bool)]
    model: bool,
    #[diesel(sql_type = Bool)]
    category: bool,
    #[diesel(sql_type = Bool)]
    subscription: bool,
}

#[derive(QueryableByName)]
struct SnapshotRow {
    #[diesel(sql_type = SqlUuid)]
    uuid: Uuid,
    #[diesel(sql_type = Nullable<SqlUuid>, column_name = "userId")]
    user_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Bool>)]
    status: Option<bool>,
    #[diesel(sql_type = Nullable<Float8>, column_name = "originalPrice")]
    original_price: Option<f64>,
    #[diesel(sql_type = Nullable<Text>, column_name = "originalCurrency")]
    original_currency: Option<String>,
    #[diesel(sql_type = Nullable<Json>, column_name = "personalInfo")]
    personal_info: Option<serde_json::Value>,
}

#[derive(QueryableByName)]
struct Found {
    #[diesel(sql_type = SqlUuid)]
    #[allow(dead_code)]
    uuid: Uuid,
}

#[derive(QueryableByName)]
struct OnePath {
    #[diesel(sql_type = Nullable<Text>)]
    path: Option<String>,
}

fn json(value: Option<&alpha_listings::PersonalInfo>) -> Option<serde_json::Value> {
    // A struct of optional strings always serialises.
    value.and_then(|v| serde_json::to_value(v).ok())
}

async fn delete_post(
    conn: &mut AsyncPgConnection,
    id: Uuid,
) -> Result<Option<PostMedia>, diesel::result::Error> {
    let found: Vec<Found> = diesel::sql_query("SELECT uuid FROM posts WHERE uuid = $1 FOR UPDATE")
        .bind::<SqlUuid, _>(id)
        .load(conn)
        .await?;
    if found.is_empty() {
        return Ok(None);
    }
    let mut paths = Vec::new();
    // Photos of this post that no other post and no other owner (user, brand, banner, …) uses.
    let photos: Vec<PhotoFiles> = diesel::sql_query(
        "DELETE FROM photo ph WHERE ph.uuid IN \
           (SELECT \"photoUuid\" FROM photo_posts WHERE \"postId\" = $1) \
         AND NOT EXISTS (SELECT 1 FROM photo_posts o WHERE o.\"photoUuid\" = ph.uuid \
                         AND o.\"postId\" IS DISTINCT FROM $1) \
         AND ph.\"userId\" IS NULL AND ph.\"brandsId\" IS NULL AND ph.\"modelsId\" IS NULL \
         AND ph.\"bannerId\" IS NULL AND ph.\"categoryId\" IS NULL \
         AND ph.\"subscriptionId\" IS NULL \
         RETURNING ph.path, ph.\"originalPath\"",
    )
    .bind::<SqlUuid, _>(id)
    .load(conn)
    .await?;
    paths.extend(public_paths(photos));
    let others: Vec<OnePath> = diesel::sql_query(
        "SELECT url AS path FROM video WHERE \"postId\" = $1 \
         UNION ALL SELECT path FROM file WHERE \"postId\" = $1",
    )
    .bind::<SqlUuid, _>(id)
    .load(conn)
    .await?;
    paths.extend(others.into_iter().filter_map(|r| r.path));
    // video, file, photo_posts and comments go with the post (ON DELETE CASCADE).
    diesel::sql_query("DELETE FROM posts WHERE uuid = $1")
        .bind::<SqlUuid, _>(id)
        .execute(conn)
        .await?;
    Ok(Some(PostMedia { paths }))
}

#[derive(QueryableByName)]
struct UpdatedPost {
    #[diesel(sql_type = SqlUuid)]
    #[allow(dead_code)]
    uuid: Uuid,
}

#[derive(QueryableByName)]
struct QueuedPost {
    #[diesel(sql_type = SqlUuid)]
    uuid: Uuid,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    total: i64,
}

#[async_trait::async_trait]
impl PostRepo for PgListings {
    async fn by_moderation(
        &self,
        status: Moderation,
        offset: u32,
        limit: u32,
    ) -> Result<(u64, Vec<PostId>), RepoError> {
        let mut conn = connection(&self.pool).await?;
        let condition = match status {
            Moderation::Pending => "status IS NULL",
            Moderation::Approved => "status = true",
            Moderation::Declined => "status = false",
        };
        let rows: Vec<QueuedPost> = diesel::sql_query(format!(
            "SELECT uuid, count(*) OVER () AS total FROM posts WHERE {condition} \
             ORDER BY \"createdAt\", uuid OFFSET $1 LIMIT $2"
        ))
        .bind::<diesel::sql_types::BigInt, _>(i64::from(offset))
        .bind::<diesel::sql_types::BigInt, _>(i64::from(limit))
        .load(&mut conn)
        .await
        .map_err(db_error)?;
        let total = match <[QueuedPost]>::first(&rows) {
            Some(row) => row.total,
            // Past the last page the window has no row to count on.
            None => diesel::sql_query(format!(
                "SELECT '00000000-0000-0000-0000-000000000000'::uuid AS uuid, count(*) AS total \
                 FROM posts WHERE {condition}"
            ))
            .get_result::<QueuedPost>(&mut conn)
            .await
            .map_err(db_error)?
            .total,
        };
        Ok((
            u64::try_from(total).unwrap_or(0),
            rows.into_iter().map(|r| PostId(r.uuid)).collect(),
        ))
    }

    async fn missing_references(&self, refs: &PostRefs) -> Result<Vec<Reference>, RepoError> {
        if refs.is_empty() {
            return Ok(Vec::new());
        }
        let mut conn = connection(&self.pool).await?;
        let row: Missing = diesel::sql_query(
            "SELECT \
               ($1::uuid IS NOT NULL AND NOT EXISTS (SELECT 1 FROM brands WHERE uuid = $1)) AS brand, \
               ($2::uuid IS NOT NULL AND NOT EXISTS (SELECT 1 FROM models WHERE uuid = $2)) AS model, \
               ($3::uuid IS NOT NULL AND NOT EXISTS (SELECT 1 FROM categories WHERE uuid = $3)) AS category, \
               ($4::uuid IS NOT NULL AND NOT EXISTS (SELECT 1 FROM subscriptions WHERE uuid = $4)) AS subscription",
        )
        .bind::<Nullable<SqlUuid>, _>(refs.brand)
        .bind::<Nullable<SqlUuid>, _>(refs.model)
        .bind::<Nullable<SqlUuid>, _>(refs.category)
        .bind::<Nullable<SqlUuid>, _>(refs.subscription)
        .get_result(&mut conn)
        .await
        .map_err(db_error)?;
        Ok([
            (row.brand, Reference::Brand),
            (row.model, Reference::Model),
            (row.category, Reference::Category),
            (row.subscription, Reference::Subscription),
        ]
        .into_iter()
        .filter_map(|(missing, r)| missing.then_some(r))
        .collect())
    }

    async fn insert(&self, post: &PostRecord) -> Result<(), RepoError> {
        let f = &post.fields;
        let mut conn = connection(&self.pool).await?;
        diesel::sql_query(
            "INSERT INTO posts (uuid, \"userId\", \"brandsId\", \"modelsId\", \"categoryId\", \
               \"subscriptionId\", condition, transmission, \"engineType\", \"enginePower\", year, \
               milleage, vin, description, location, color, credit, exchange, \"originalPrice\", \
               \"originalCurrency\", price, currency, \"personalInfo\", status, \"createdAt\", \
               \"updatedAt\") \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
               $18, $19, $20, $21, $22, $23, $24, now(), now())",
        )
        .bind::<SqlUuid, _>(post.id.0)
        .bind::<SqlUuid, _>(post.owner.0)
        .bind::<Nullable<SqlUuid>, _>(f.refs.brand)
        .bind::<Nullable<SqlUuid>, _>(f.refs.model)
        .bind::<Nullable<SqlUuid>, _>(f.refs.category)
        .bind::<Nullable<SqlUuid>, _>(f.refs.subscription)
        .bind::<Nullable<Text>, _>(f.condition.as_deref())
        .bind::<Nullable<Text>, _>(f.transmission.as_deref())
        .bind::<Nullable<Text>, _>(f.engine_type.as_deref())
        .bind::<Nullable<Float8>, _>(f.engine_power)
        .bind::<Nullable<Int4>, _>(f.year)
        .bind::<Nullable<Float8>, _>(f.milleage)
        .bind::<Nullable<Text>, _>(f.vin.as_deref())
        .bind::<Nullable<Text>, _>(f.description.as_deref())
        .bind::<Nullable<Text>, _>(f.location.as_deref())
        .bind::<Nullable<Text>, _>(f.color.as_deref())
        .bind::<Nullable<Bool>, _>(f.credit)
        .bind::<Nullable<Bool>, _>(f.exchange)
        .bind::<Float8, _>(post.price.original_price)
        .bind::<Text, _>(post.price.original_currency.as_str())
        .bind::<Float8, _>(post.price.price)
        .bind::<Text, _>(post.price.currency.as_str())
        .bind::<Nullable<Json>, _>(json(post.personal_info.as_ref()))
        .bind::<Nullable<Bool>, _>(post.moderation.status())
        .execute(&mut conn)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn snapshot(&self, id: PostId) -> Result<Option<PostSnapshot>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let rows: Vec<SnapshotRow> = diesel::sql_query(
            "SELECT uuid, \"userId\", status, \"originalPrice\", \"originalCurrency\", \
             \"personalInfo\" FROM posts WHERE uuid = $1",
        )
        .bind::<SqlUuid, _>(id.0)
        .load(&mut conn)
        .await
        .map_err(db_error)?;
        Ok(rows.into_iter().next().map(|r| PostSnapshot {
            id: PostId(r.uuid),
            owner: r.user_id.map(UserId),
            moderation: Moderation::from_status(r.status),
            original_price: r.original_price,
            original_currency: r.original_currency,
            personal_info: personal_info(r.personal_info),
        }))
    }

    async fn update(&self, id: PostId, patch: &PostPatch) -> Result<bool, RepoError> {
        let f = &patch.fields;
        let price = patch.price.as_ref();
        let mut conn = connection(&self.pool).await?;
        // A moderation decision is recorded in the same statement as the status it sets.
        let note = patch.moderated_by.as_ref();
        let changed: Vec<UpdatedPost> = diesel::sql_query(
            "WITH up AS (UPDATE posts SET \
               \"brandsId\" = COALESCE($2, \"brandsId\"), \
               \"modelsId\" = COALESCE($3, \"modelsId\"), \
               \"categoryId\" = COALESCE($4, \"categoryId\"), \
               \"subscriptionId\" = COALESCE($5, \"subscriptionId\"), \
               condition = COALESCE($6, condition), \
               transmission = COALESCE($7, transmission), \
               \"engineType\" = COALESCE($8, \"engineType\"), \
               \"enginePower\" = COALESCE($9, \"enginePower\"), \
               year = COALESCE($10, year), \
               milleage = COALESCE($11, milleage), \
               vin = COALESCE($12, vin), \
               description = COALESCE($13, description), \
               location = COALESCE($14, location), \
               color = COALESCE($15, color), \
               credit = COALESCE($16, credit), \
               exchange = COALESCE($17, exchange), \
               \"originalPrice\" = COALESCE($18, \"originalPrice\"), \
               \"originalCurrency\" = COALESCE($19, \"originalCurrency\"), \
               price = COALESCE($20, price), \
               currency = COALESCE($21, currency), \
               \"personalInfo\" = COALESCE($22, \"personalInfo\"), \
               status = CASE WHEN $23 THEN $24 ELSE status END, \
               \"updatedAt\" = now() \
             WHERE uuid = $1 RETURNING uuid), \
             noted AS (INSERT INTO post_moderations (\"postId\", status, reason, \"moderatorId\") \
               SELECT uuid, $24, $26, $25 FROM up WHERE $25::uuid IS NOT NULL) \
             SELECT uuid FROM up",
        )
        .bind::<SqlUuid, _>(id.0)
        .bind::<Nullable<SqlUuid>, _>(f.refs.brand)
        .bind::<Nullable<SqlUuid>, _>(f.refs.model)
        .bind::<Nullable<SqlUuid>, _>(f.refs.category)
        .bind::<Nullable<SqlUuid>, _>(f.refs.subscription)
        .bind::<Nullable<Text>, _>(f.condition.as_deref())
        .bind::<Nullable<Text>, _>(f.transmission.as_deref())
        .bind::<Nullable<Text>, _>(f.engine_type.as_deref())
        .bind::<Nullable<Float8>, _>(f.engine_power)
        .bind::<Nullable<Int4>, _>(f.year)
        .bind::<Nullable<Float8>, _>(f.milleage)
        .bind::<Nullable<Text>, _>(f.vin.as_deref())
        .bind::<Nullable<Text>, _>(f.description.as_deref())
        .bind::<Nullable<Text>, _>(f.location.as_deref())
        .bind::<Nullable<Text>, _>(f.color.as_deref())
        .bind::<Nullable<Bool>, _>(f.credit)
        .bind::<Nullable<Bool>, _>(f.exchange)
        .bind::<Nullable<Float8>, _>(price.map(|p| p.original_price))
        .bind::<Nullable<Text>, _>(price.map(|p| p.original_currency.as_str()))
        .bind::<Nullable<Float8>, _>(price.map(|p| p.price))
        .bind::<Nullable<Text>, _>(price.map(|p| p.currency.as_str()))
        .bind::<Nullable<Json>, _>(json(patch.personal_info.as_ref()))
        .bind::<Bool, _>(patch.moderation.is_some())
        .bind::<Nullable<Bool>, _>(patch.moderation.and_then(Moderation::status))
        .bind::<Nullable<SqlUuid>, _>(note.map(|n| n.by.0))
        .bind::<Nullable<Text>, _>(note.and_then(|n| n.reason.as_deref()))
        .load(&mut conn)
        .await
        .map_err(db_error)?;
        Ok(!changed.is_empty())
    }

    async fn delete(&self, id: PostId) -> Result<Option<PostMedia>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        conn.transaction::<_, diesel::result::Error, _>(async |conn| delete_post(conn, id.0).await)
            .await
            .map_err(db_error)
    }

    async fn feed(&self, query: &FeedQuery) -> Result<Vec<PostView>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        super::feed::page(&mut conn, query).await
    }

    async fn feed_count(&self, query: &FeedQuery) -> Result<u64, RepoError> {
        let mut conn = connection(&self.pool).await?;
        super::feed::count(&mut conn, query).await
    }

    async fn find(
        &self,
        id: PostId,
        includes: FeedIncludes,
    ) -> Result<Option<PostView>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        super::reads::find(&mut conn, id.0, includes).await
    }

    async fn count(&self) -> Result<u64, RepoError> {
        let mut conn = connection(&self.pool).await?;
        super::reads::count_all(&mut conn).await
    }

    async fn mine(&self, owner: UserId) -> Result<Vec<PostView>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        super::reads::mine(&mut conn, owner.0).await
    }

    async fn by_ids(
        &self,
        ids: &[PostId],
        includes: FeedIncludes,
    ) -> Result<Vec<PostView>, RepoError> {
        let ids: Vec<Uuid> = ids.iter().map(|id| id.0).collect();
        let mut conn = connection(&self.pool).await?;
        super::reads::by_ids(&mut conn, &ids, includes).await
    }
}
