//! [`CatalogReads`]: a page of rows, then their photos (and models, posts) in one query each.

use alpha_catalog::views::{
    BannerView, BrandBrief, BrandView, CategoryView, CurrencyView, ModelView, PlanView,
};
use alpha_catalog::{
    BrandQuery, CatalogReads, CategoryQuery, ModelQuery, Page, PlanOrder, PlanQuery, SortDir,
};
use alpha_kernel::RepoError;
use diesel::QueryableByName;
use diesel::sql_types::{Array, BigInt, Float8, Nullable, Text, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::photos::{Owner, photos_of};
use super::posts::{PostOwner, posts_of};
use super::rows::{BannerRow, BrandRow, CategoryRow, ModelRow, PlanRow};
use super::{PgCatalog, like_pattern};
use crate::error::{connection, db_error};

/// Case-insensitive matching must fold Cyrillic and Turkmen letters too, whatever the
/// database's own locale (the embedded cluster's is C, which folds ASCII only).
const FOLD: &str = "COLLATE \"und-x-icu\"";

const BRAND_COLUMNS: &str = "uuid, name, location, \"createdAt\", \"updatedAt\"";
const MODEL_COLUMNS: &str =
    "uuid, name, \"brandId\", yearstart, yearend, \"createdAt\", \"updatedAt\"";
const CATEGORY_COLUMNS: &str = "uuid, name, creator, priority, \"createdAt\", \"updatedAt\"";
const PLAN_COLUMNS: &str = "uuid, name, priority, price::float8 AS price, color, description, \
                            \"createdAt\", \"updatedAt\"";

fn dir(sort: SortDir) -> &'static str {
    match sort {
        SortDir::Asc => "ASC",
        SortDir::Desc => "DESC",
    }
}

#[async_trait::async_trait]
impl CatalogReads for PgCatalog {
    async fn brands(&self, query: &BrandQuery) -> Result<Vec<BrandView>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let sql = format!(
            "SELECT {BRAND_COLUMNS} FROM brands \
             WHERE ($1::text IS NULL OR location = $1) AND ($2::text IS NULL OR name {FOLD} ILIKE $2) \
             ORDER BY name {0} NULLS LAST, uuid OFFSET $3 LIMIT $4",
            dir(query.sort)
        );
        let rows: Vec<BrandRow> = diesel::sql_query(sql)
            .bind::<Nullable<Text>, _>(query.location.as_deref())
            .bind::<Nullable<Text>, _>(query.search.as_deref().map(like_pattern))
            .bind::<BigInt, _>(query.page.offset)
            .bind::<BigInt, _>(query.page.limit)
            .load(&mut conn)
            .await
            .map_err(db_error)?;
        brand_views(&mut conn, rows, query.with_models, query.with_posts).await
    }

    async fn brand(
        &self,
        uuid: Uuid,
        with_models: bool,
        with_posts: bool,
    ) -> Result<Option<BrandView>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let rows: Vec<BrandRow> = diesel::sql_query(format!(
            "SELECT {BRAND_COLUMNS} FROM brands WHERE uuid = $1"
        ))
        .bind::<SqlUuid, _>(uuid)
        .load(&mut conn)
        .await
        .map_err(db_error)?;
        Ok(brand_views(&mut conn, rows, with_models, with_posts)
            .await?
            .pop())
    }

    async fn brands_by_uuids(
        &self,
        uuids: &[Uuid],
        with_posts: bool,
    ) -> Result<Vec<BrandBrief>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let rows: Vec<BrandRow> = diesel::sql_query(format!(
            "SELECT {BRAND_COLUMNS} FROM brands WHERE uuid = ANY($1) \
             ORDER BY \"createdAt\" DESC, uuid"
        ))
        .bind::<Array<SqlUuid>, _>(uuids)
        .load(&mut conn)
        .await
        .map_err(db_error)?;
        let ids: Vec<Uuid> = rows.iter().map(|r| r.uuid).collect();
        let mut photos = photos_of(&mut conn, Owner::Brand, &ids).await?;
        let mut posts = if with_posts {
            posts_of(&mut conn, PostOwner::Brand, &ids, true).await?
        } else {
            Default::default()
        };
        Ok(rows
            .into_iter()
            .map(|row| BrandBrief {
                uuid: row.uuid,
                photo: photos.remove(&row.uuid),
                posts: with_posts.then(|| posts.remove(&row.uuid).unwrap_or_default()),
                name: row.name,
            })
            .collect())
    }

    async fn models(&self, query: &ModelQuery) -> Result<Vec<ModelView>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let sql = format!(
            "SELECT {MODEL_COLUMNS} FROM models \
             WHERE ($1::uuid IS NULL OR \"brandId\" = $1) AND ($2::text IS NULL OR name {FOLD} ILIKE $2) \
             ORDER BY name {0} NULLS LAST, uuid OFFSET $3 LIMIT $4",
            dir(query.sort)
        );
        let rows: Vec<ModelRow> = diesel::sql_query(sql)
            .bind::<Nullable<SqlUuid>, _>(query.brand)
            .bind::<Nullable<Text>, _>(query.search.as_deref().map(like_pattern))
            .bind::<BigInt, _>(query.page.offset)
            .bind::<BigInt, _>(query.page.limit)
            .load(&mut conn)
            .await
            .map_err(db_error)?;
        model_views(&mut conn, rows, query.with_brand, query.with_posts).await
    }

    async fn model(
        &self,
        uuid: Uuid,
        with_brand: bool,
        with_posts: bool,
    ) -> Result<Option<ModelView>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let rows: Vec<ModelRow> = diesel::sql_query(format!(
            "SELECT {MODEL_COLUMNS} FROM models WHERE uuid = $1"
        ))
        .bind::<SqlUuid, _>(uuid)
        .load(&mut conn)
        .await
        .map_err(db_error)?;
        Ok(model_views(&mut conn, rows, with_brand, with_posts)
            .await?
            .pop())
    }

    async fn categories(&self, query: &CategoryQuery) -> Result<Vec<CategoryView>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let sql = format!(
            "SELECT {CATEGORY_COLUMNS} FROM categories \
             WHERE $1::text IS NULL OR (name->>'tm') {FOLD} ILIKE $1 \
                OR (name->>'ru') {FOLD} ILIKE $1 OR (name->>'en') {FOLD} ILIKE $1 \
             ORDER BY priority {0} NULLS LAST, uuid OFFSET $2 LIMIT $3",
            dir(query.sort)
        );
        let rows: Vec<CategoryRow> = diesel::sql_query(sql)
            .bind::<Nullable<Text>, _>(query.search.as_deref().map(like_pattern))
            .bind::<BigInt, _>(query.page.offset)
            .bind::<BigInt, _>(query.page.limit)
            .load(&mut conn)
            .await
            .map_err(db_error)?;
        category_views(&mut conn, rows, query.with_photo, query.with_posts).await
    }

    async fn category(&self, uuid: Uuid) -> Result<Option<CategoryView>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let rows: Vec<CategoryRow> = diesel::sql_query(format!(
            "SELECT {CATEGORY_COLUMNS} FROM categories WHERE uuid = $1"
        ))
        .bind::<SqlUuid, _>(uuid)
        .load(&mut conn)
        .await
        .map_err(db_error)?;
        Ok(category_views(&mut conn, rows, true, false).await?.pop())
    }

    async fn banners(&self, page: Page) -> Result<Vec<BannerView>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let rows: Vec<BannerRow> = diesel::sql_query(
            "SELECT uuid, creator, \"createdAt\", \"updatedAt\" FROM banners \
             ORDER BY \"createdAt\", uuid OFFSET $1 LIMIT $2",
        )
        .bind::<BigInt, _>(page.offset)
        .bind::<BigInt, _>(page.limit)
        .load(&mut conn)
        .await
        .map_err(db_error)?;
        banner_views(&mut conn, rows).await
    }

    async fn banner(&self, uuid: Uuid) -> Result<Option<BannerView>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let rows: Vec<BannerRow> = diesel::sql_query(
            "SELECT uuid, creator, \"createdAt\", \"updatedAt\" FROM banners WHERE uuid = $1",
        )
        .bind::<SqlUuid, _>(uuid)
        .load(&mut conn)
        .await
        .map_err(db_error)?;
        Ok(banner_views(&mut conn, rows).await?.pop())
    }

    async fn plans(&self, query: &PlanQuery) -> Result<Vec<PlanView>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let column = match query.sort_by {
            PlanOrder::CreatedAt => "\"createdAt\"",
            PlanOrder::UpdatedAt => "\"updatedAt\"",
            PlanOrder::Priority => "priority",
            PlanOrder::Price => "price",
        };
        let sql = format!(
            "SELECT {PLAN_COLUMNS} FROM subscriptions ORDER BY {column} {0} NULLS LAST, uuid \
             OFFSET $1 LIMIT $2",
            dir(query.order)
        );
        let rows: Vec<PlanRow> = diesel::sql_query(sql)
            .bind::<BigInt, _>(query.page.offset)
            .bind::<BigInt, _>(query.page.limit)
            .load(&mut conn)
            .await
            .map_err(db_error)?;
        plan_views(&mut conn, rows).await
    }

    async fn plan(&self, uuid: Uuid) -> Result<Option<PlanView>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let rows: Vec<PlanRow> = diesel::sql_query(format!(
            "SELECT {PLAN_COLUMNS} FROM subscriptions WHERE uuid = $1"
        ))
        .bind::<SqlUuid, _>(uuid)
        .load(&mut conn)
        .await
        .map_err(db_error)?;
        Ok(plan_views(&mut conn, rows).await?.pop())
    }

    async fn currencies(&self) -> Result<Vec<CurrencyView>, RepoError> {
        #[derive(QueryableByName)]
        struct Row {
            #[diesel(sql_type = Text)]
            id: String,
            #[diesel(sql_type = Text)]
            label: String,
            #[diesel(sql_type = Float8)]
            rate: f64,
        }
        let mut conn = connection(&self.pool).await?;
        let rows: Vec<Row> = diesel::sql_query(
            "SELECT id::text AS id, label, rate::float8 AS rate FROM convert_prices ORDER BY id",
        )
        .load(&mut conn)
        .await
        .map_err(db_error)?;
        Ok(rows
            .into_iter()
            .map(|r| CurrencyView {
                id: r.id,
                label: r.label,
                rate: r.rate,
            })
            .collect())
    }
}

async fn brand_views(
    conn: &mut AsyncPgConnection,
    rows: Vec<BrandRow>,
    with_models: bool,
    with_posts: bool,
) -> Result<Vec<BrandView>, RepoError> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.uuid).collect();
    let mut photos = photos_of(conn, Owner::Brand, &ids).await?;
    let mut models = if with_models {
        models_of_brands(conn, &ids).await?
    } else {
        Default::default()
    };
    let mut posts = if with_posts {
        posts_of(conn, PostOwner::Brand, &ids, false).await?
    } else {
        Default::default()
    };
    Ok(rows
        .into_iter()
        .map(|row| {
            let uuid = row.uuid;
            BrandView {
                photo: photos.remove(&uuid),
                models: with_models.then(|| models.remove(&uuid).unwrap_or_default()),
                posts: with_posts.then(|| posts.remove(&uuid).unwrap_or_default()),
                ..row.view()
            }
        })
        .collect())
}

async fn models_of_brands(
    conn: &mut AsyncPgConnection,
    brands: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, Vec<ModelView>>, RepoError> {
    let rows: Vec<ModelRow> = diesel::sql_query(format!(
        "SELECT {MODEL_COLUMNS} FROM models WHERE \"brandId\" = ANY($1) ORDER BY name, uuid"
    ))
    .bind::<Array<SqlUuid>, _>(brands)
    .load(conn)
    .await
    .map_err(db_error)?;
    let views = model_views(conn, rows, false, false).await?;
    let mut by_brand: std::collections::HashMap<Uuid, Vec<ModelView>> = Default::default();
    for view in views {
        if let Some(brand) = view.brand_id {
            by_brand.entry(brand).or_default().push(view);
        }
    }
    Ok(by_brand)
}

async fn model_views(
    conn: &mut AsyncPgConnection,
    rows: Vec<ModelRow>,
    with_brand: bool,
    with_posts: bool,
) -> Result<Vec<ModelView>, RepoError> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.uuid).collect();
    let mut photos = photos_of(conn, Owner::Model, &ids).await?;
    let brands: std::collections::HashMap<Uuid, BrandView> = if with_brand {
        let brand_ids: Vec<Uuid> = rows.iter().filter_map(|r| r.brand_id).collect();
        let brand_rows: Vec<BrandRow> = diesel::sql_query(format!(
            "SELECT {BRAND_COLUMNS} FROM brands WHERE uuid = ANY($1)"
        ))
        .bind::<Array<SqlUuid>, _>(&brand_ids)
        .load(conn)
        .await
        .map_err(db_error)?;
        brand_rows.into_iter().map(|b| (b.uuid, b.view())).collect()
    } else {
        Default::default()
    };
    let mut posts = if with_posts {
        posts_of(conn, PostOwner::Model, &ids, false).await?
    } else {
        Default::default()
    };
    Ok(rows
        .into_iter()
        .map(|row| {
            let uuid = row.uuid;
            let brand = row
                .brand_id
                .and_then(|b| brands.get(&b).cloned())
                .map(Box::new);
            ModelView {
                photo: photos.remove(&uuid),
                brand: if with_brand { brand } else { None },
                posts: with_posts.then(|| posts.remove(&uuid).unwrap_or_default()),
                ..row.view()
            }
        })
        .collect())
}

async fn category_views(
    conn: &mut AsyncPgConnection,
    rows: Vec<CategoryRow>,
    with_photo: bool,
    with_posts: bool,
) -> Result<Vec<CategoryView>, RepoError> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.uuid).collect();
    let mut photos = if with_photo {
        photos_of(conn, Owner::Category, &ids).await?
    } else {
        Default::default()
    };
    let mut posts = if with_posts {
        posts_of(conn, PostOwner::Category, &ids, false).await?
    } else {
        Default::default()
    };
    Ok(rows
        .into_iter()
        .map(|row| {
            let uuid = row.uuid;
            CategoryView {
                photo: with_photo.then(|| photos.remove(&uuid)),
                posts: with_posts.then(|| posts.remove(&uuid).unwrap_or_default()),
                ..row.view()
            }
        })
        .collect())
}

async fn banner_views(
    conn: &mut AsyncPgConnection,
    rows: Vec<BannerRow>,
) -> Result<Vec<BannerView>, RepoError> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.uuid).collect();
    let mut photos = photos_of(conn, Owner::Banner, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let uuid = row.uuid;
            BannerView {
                photo: photos.remove(&uuid),
                ..row.view()
            }
        })
        .collect())
}

async fn plan_views(
    conn: &mut AsyncPgConnection,
    rows: Vec<PlanRow>,
) -> Result<Vec<PlanView>, RepoError> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.uuid).collect();
    let mut photos = photos_of(conn, Owner::Plan, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let uuid = row.uuid;
            PlanView {
                photo: photos.remove(&uuid),
                ..row.view()
            }
        })
        .collect())
}
