//! The post row as every read selects it, and its view.

use alpha_kernel::iso_millis;
use alpha_listings::{PersonalInfo, PostView};
use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{Bool, Float8, Int4, Json, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use uuid::Uuid;

/// Every column of `posts`, qualified by the alias `p`, in the wire order.
pub(crate) const POST_COLUMNS: &str = "p.uuid, p.\"brandsId\", p.\"modelsId\", p.condition, \
     p.transmission, p.\"engineType\", p.\"enginePower\", p.year, p.milleage, p.vin, \
     p.\"originalPrice\", p.price, p.\"originalCurrency\", p.currency, p.\"personalInfo\", \
     p.description, p.location, p.color, p.\"userId\", p.status, p.credit, p.exchange, \
     p.\"categoryId\", p.\"subscriptionId\", p.\"createdAt\", p.\"updatedAt\"";

#[derive(QueryableByName)]
pub(crate) struct PostRow {
    #[diesel(sql_type = SqlUuid)]
    pub uuid: Uuid,
    #[diesel(sql_type = Nullable<SqlUuid>, column_name = "brandsId")]
    pub brands_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<SqlUuid>, column_name = "modelsId")]
    pub models_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Text>)]
    pub condition: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub transmission: Option<String>,
    #[diesel(sql_type = Nullable<Text>, column_name = "engineType")]
    pub engine_type: Option<String>,
    #[diesel(sql_type = Nullable<Float8>, column_name = "enginePower")]
    pub engine_power: Option<f64>,
    #[diesel(sql_type = Nullable<Int4>)]
    pub year: Option<i32>,
    #[diesel(sql_type = Nullable<Float8>)]
    pub milleage: Option<f64>,
    #[diesel(sql_type = Nullable<Text>)]
    pub vin: Option<String>,
    #[diesel(sql_type = Nullable<Float8>, column_name = "originalPrice")]
    pub original_price: Option<f64>,
    #[diesel(sql_type = Nullable<Float8>)]
    pub price: Option<f64>,
    #[diesel(sql_type = Nullable<Text>, column_name = "originalCurrency")]
    pub original_currency: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub currency: Option<String>,
    #[diesel(sql_type = Nullable<Json>, column_name = "personalInfo")]
    pub personal_info: Option<serde_json::Value>,
    #[diesel(sql_type = Nullable<Text>)]
    pub description: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub location: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub color: Option<String>,
    #[diesel(sql_type = Nullable<SqlUuid>, column_name = "userId")]
    pub user_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Bool>)]
    pub status: Option<bool>,
    #[diesel(sql_type = Nullable<Bool>)]
    pub credit: Option<bool>,
    #[diesel(sql_type = Nullable<Bool>)]
    pub exchange: Option<bool>,
    #[diesel(sql_type = Nullable<SqlUuid>, column_name = "categoryId")]
    pub category_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<SqlUuid>, column_name = "subscriptionId")]
    pub subscription_id: Option<Uuid>,
    #[diesel(sql_type = Timestamptz, column_name = "createdAt")]
    pub created_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz, column_name = "updatedAt")]
    pub updated_at: DateTime<Utc>,
}

/// The stored contact details; legacy rows may hold something else than an object (a string
/// the old API stringified twice, …), which reads as none.
pub(crate) fn personal_info(value: Option<serde_json::Value>) -> Option<PersonalInfo> {
    value.and_then(|v| serde_json::from_value(v).ok())
}

impl PostRow {
    /// The view, with `userId` only when `with_owner`.
    pub(crate) fn view(self, with_owner: bool) -> PostView {
        PostView {
            uuid: self.uuid,
            brands_id: self.brands_id,
            models_id: self.models_id,
            condition: self.condition,
            transmission: self.transmission,
            engine_type: self.engine_type,
            engine_power: self.engine_power,
            year: self.year,
            milleage: self.milleage,
            vin: self.vin,
            original_price: self.original_price,
            price: self.price,
            original_currency: self.original_currency,
            currency: self.currency,
            personal_info: personal_info(self.personal_info),
            description: self.description,
            location: self.location,
            color: self.color,
            user_id: if with_owner { self.user_id } else { None },
            status: self.status,
            credit: self.credit,
            exchange: self.exchange,
            category_id: self.category_id,
            subscription_id: self.subscription_id,
            created_at: iso_millis(self.created_at),
            updated_at: iso_millis(self.updated_at),
            includes: serde_json::Map::new(),
        }
    }
}
