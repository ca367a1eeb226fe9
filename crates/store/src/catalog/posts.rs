//! The listings a brand, model or category includes. Only approved listings (`status = true`)
//! are shown to the public; pending and declined ones stay with their author and moderators.

use std::collections::HashMap;

use alpha_catalog::views::{NameOnly, PostRef};
use alpha_kernel::{RepoError, iso_millis};
use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{Array, Bool, Float8, Int4, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::error::db_error;

#[derive(Debug, Clone, Copy)]
pub(crate) enum PostOwner {
    Brand,
    Model,
    Category,
}

impl PostOwner {
    fn column(self) -> &'static str {
        match self {
            Self::Brand => "brandsId",
            Self::Model => "modelsId",
            Self::Category => "categoryId",
        }
    }
}

#[derive(QueryableByName)]
struct PostRow {
    #[diesel(sql_type = SqlUuid)]
    uuid: Uuid,
    #[diesel(sql_type = Nullable<SqlUuid>, column_name = "brandsId")]
    brands_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<SqlUuid>, column_name = "modelsId")]
    models_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<SqlUuid>, column_name = "categoryId")]
    category_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Text>)]
    condition: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    transmission: Option<String>,
    #[diesel(sql_type = Nullable<Text>, column_name = "engineType")]
    engine_type: Option<String>,
    #[diesel(sql_type = Nullable<Float8>, column_name = "enginePower")]
    engine_power: Option<f64>,
    #[diesel(sql_type = Nullable<Int4>)]
    year: Option<i32>,
    #[diesel(sql_type = Nullable<Float8>)]
    milleage: Option<f64>,
    #[diesel(sql_type = Nullable<Float8>)]
    price: Option<f64>,
    #[diesel(sql_type = Nullable<Text>)]
    currency: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    location: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    color: Option<String>,
    #[diesel(sql_type = Nullable<Bool>)]
    status: Option<bool>,
    #[diesel(sql_type = Nullable<Bool>)]
    credit: Option<bool>,
    #[diesel(sql_type = Nullable<Bool>)]
    exchange: Option<bool>,
    #[diesel(sql_type = Timestamptz, column_name = "createdAt")]
    created_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz, column_name = "updatedAt")]
    updated_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Text>)]
    brand_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    model_name: Option<String>,
}

/// The approved listings of each owner, newest first; with `names`, each carries its brand's
/// and model's name.
pub(crate) async fn posts_of(
    conn: &mut AsyncPgConnection,
    owner: PostOwner,
    owners: &[Uuid],
    names: bool,
) -> Result<HashMap<Uuid, Vec<PostRef>>, RepoError> {
    if owners.is_empty() {
        return Ok(HashMap::new());
    }
    let column = owner.column();
    // The column name comes from the enum above, never from input.
    let sql = format!(
        "SELECT p.uuid, p.\"brandsId\", p.\"modelsId\", p.\"categoryId\", p.condition, \
         p.transmission, p.\"engineType\", p.\"enginePower\", p.year, p.milleage, p.price, \
         p.currency, p.location, p.color, p.status, p.credit, p.exchange, p.\"createdAt\", \
         p.\"updatedAt\", b.name AS brand_name, m.name AS model_name \
         FROM posts p LEFT JOIN brands b ON b.uuid = p.\"brandsId\" \
         LEFT JOIN models m ON m.uuid = p.\"modelsId\" \
         WHERE p.\"{column}\" = ANY($1) AND p.status IS TRUE \
         ORDER BY p.\"createdAt\" DESC, p.uuid"
    );
    let rows: Vec<PostRow> = diesel::sql_query(sql)
        .bind::<Array<SqlUuid>, _>(owners)
        .load(conn)
        .await
        .map_err(db_error)?;
    let mut by_owner: HashMap<Uuid, Vec<PostRef>> = HashMap::new();
    for row in rows {
        let key = match owner {
            PostOwner::Brand => row.brands_id,
            PostOwner::Model => row.models_id,
            PostOwner::Category => row.category_id,
        };
        let Some(key) = key else { continue };
        by_owner.entry(key).or_default().push(PostRef {
            uuid: row.uuid,
            brands_id: row.brands_id,
            models_id: row.models_id,
            category_id: row.category_id,
            condition: row.condition,
            transmission: row.transmission,
            engine_type: row.engine_type,
            engine_power: row.engine_power,
            year: row.year,
            milleage: row.milleage,
            price: row.price,
            currency: row.currency,
            location: row.location,
            color: row.color,
            status: row.status,
            credit: row.credit,
            exchange: row.exchange,
            created_at: iso_millis(row.created_at),
            updated_at: iso_millis(row.updated_at),
            brand: names.then(|| NameOnly {
                name: row.brand_name.clone(),
            }),
            model: names.then_some(NameOnly {
                name: row.model_name,
            }),
        });
    }
    Ok(by_owner)
}
