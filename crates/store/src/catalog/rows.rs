//! Rows as the catalog queries read them, and their views.

use alpha_catalog::views::{
    BannerView, BrandView, CategoryView, ModelView, PhotoPaths, PhotoView, PlanView,
};
use alpha_catalog::{Creator, Localized};
use alpha_kernel::iso_millis;
use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{Float8, Int4, Jsonb, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use uuid::Uuid;

#[derive(QueryableByName)]
pub(crate) struct BrandRow {
    #[diesel(sql_type = SqlUuid)]
    pub uuid: Uuid,
    #[diesel(sql_type = Nullable<Text>)]
    pub name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub location: Option<String>,
    #[diesel(sql_type = Timestamptz, column_name = "createdAt")]
    pub created_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz, column_name = "updatedAt")]
    pub updated_at: DateTime<Utc>,
}

impl BrandRow {
    pub(crate) fn view(self) -> BrandView {
        BrandView {
            uuid: self.uuid,
            name: self.name,
            location: self.location,
            created_at: iso_millis(self.created_at),
            updated_at: iso_millis(self.updated_at),
            photo: None,
            models: None,
            posts: None,
        }
    }
}

#[derive(QueryableByName)]
pub(crate) struct ModelRow {
    #[diesel(sql_type = SqlUuid)]
    pub uuid: Uuid,
    #[diesel(sql_type = Nullable<Text>)]
    pub name: Option<String>,
    #[diesel(sql_type = Nullable<SqlUuid>, column_name = "brandId")]
    pub brand_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Int4>)]
    pub yearstart: Option<i32>,
    #[diesel(sql_type = Nullable<Int4>)]
    pub yearend: Option<i32>,
    #[diesel(sql_type = Timestamptz, column_name = "createdAt")]
    pub created_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz, column_name = "updatedAt")]
    pub updated_at: DateTime<Utc>,
}

impl ModelRow {
    pub(crate) fn view(self) -> ModelView {
        ModelView {
            uuid: self.uuid,
            name: self.name,
            brand_id: self.brand_id,
            yearstart: self.yearstart,
            yearend: self.yearend,
            created_at: iso_millis(self.created_at),
            updated_at: iso_millis(self.updated_at),
            photo: None,
            brand: None,
            posts: None,
        }
    }
}

#[derive(QueryableByName)]
pub(crate) struct CategoryRow {
    #[diesel(sql_type = SqlUuid)]
    pub uuid: Uuid,
    #[diesel(sql_type = Jsonb)]
    pub name: serde_json::Value,
    #[diesel(sql_type = Jsonb)]
    pub creator: serde_json::Value,
    #[diesel(sql_type = Nullable<Int4>)]
    pub priority: Option<i32>,
    #[diesel(sql_type = Timestamptz, column_name = "createdAt")]
    pub created_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz, column_name = "updatedAt")]
    pub updated_at: DateTime<Utc>,
}

impl CategoryRow {
    pub(crate) fn view(self) -> CategoryView {
        CategoryView {
            uuid: self.uuid,
            name: localized(&self.name),
            creator: creator(&self.creator),
            priority: self.priority,
            created_at: iso_millis(self.created_at),
            updated_at: iso_millis(self.updated_at),
            photo: None,
            posts: None,
        }
    }
}

#[derive(QueryableByName)]
pub(crate) struct BannerRow {
    #[diesel(sql_type = SqlUuid)]
    pub uuid: Uuid,
    #[diesel(sql_type = Jsonb)]
    pub creator: serde_json::Value,
    #[diesel(sql_type = Timestamptz, column_name = "createdAt")]
    pub created_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz, column_name = "updatedAt")]
    pub updated_at: DateTime<Utc>,
}

impl BannerRow {
    pub(crate) fn view(self) -> BannerView {
        BannerView {
            uuid: self.uuid,
            creator: creator(&self.creator),
            created_at: iso_millis(self.created_at),
            updated_at: iso_millis(self.updated_at),
            photo: None,
        }
    }
}

#[derive(QueryableByName)]
pub(crate) struct PlanRow {
    #[diesel(sql_type = SqlUuid)]
    pub uuid: Uuid,
    #[diesel(sql_type = Jsonb)]
    pub name: serde_json::Value,
    #[diesel(sql_type = Nullable<Int4>)]
    pub priority: Option<i32>,
    /// Read as `price::float8`: the app wants a number (B20).
    #[diesel(sql_type = Nullable<Float8>)]
    pub price: Option<f64>,
    #[diesel(sql_type = Nullable<Text>)]
    pub color: Option<String>,
    #[diesel(sql_type = Jsonb)]
    pub description: serde_json::Value,
    #[diesel(sql_type = Timestamptz, column_name = "createdAt")]
    pub created_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz, column_name = "updatedAt")]
    pub updated_at: DateTime<Utc>,
}

impl PlanRow {
    pub(crate) fn view(self) -> PlanView {
        PlanView {
            uuid: self.uuid,
            name: localized(&self.name),
            priority: self.priority,
            price: self.price,
            color: self.color,
            description: localized(&self.description),
            created_at: iso_millis(self.created_at),
            updated_at: iso_millis(self.updated_at),
            photo: None,
        }
    }
}

#[derive(QueryableByName)]
pub(crate) struct PhotoRow {
    #[diesel(sql_type = SqlUuid)]
    pub uuid: Uuid,
    #[diesel(sql_type = Nullable<Jsonb>)]
    pub path: Option<serde_json::Value>,
    #[diesel(sql_type = Nullable<Text>, column_name = "originalPath")]
    pub original_path: Option<String>,
    #[diesel(sql_type = Nullable<SqlUuid>, column_name = "bannerId")]
    pub banner_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<SqlUuid>, column_name = "categoryId")]
    pub category_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<SqlUuid>, column_name = "subscriptionId")]
    pub subscription_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<SqlUuid>, column_name = "brandsId")]
    pub brands_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<SqlUuid>, column_name = "modelsId")]
    pub models_id: Option<Uuid>,
    #[diesel(sql_type = Timestamptz, column_name = "createdAt")]
    pub created_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz, column_name = "updatedAt")]
    pub updated_at: DateTime<Utc>,
}

impl PhotoRow {
    pub(crate) fn view(self) -> PhotoView {
        PhotoView {
            uuid: self.uuid,
            path: self.path.as_ref().and_then(paths),
            original_path: self.original_path,
            banner_id: self.banner_id,
            category_id: self.category_id,
            subscription_id: self.subscription_id,
            brands_id: self.brands_id,
            models_id: self.models_id,
            created_at: iso_millis(self.created_at),
            updated_at: iso_millis(self.updated_at),
        }
    }
}

/// A `{small, medium, large}` object; anything else (a placeholder's NULL, a half-written legacy
/// value) is no paths at all rather than an error.
fn paths(value: &serde_json::Value) -> Option<PhotoPaths> {
    let text = |key: &str| value.get(key)?.as_str().map(str::to_owned);
    Some(PhotoPaths {
        small: text("small")?,
        medium: text("medium")?,
        large: text("large")?,
    })
}

/// Legacy rows may hold other keys or non-string values; those are left out, not an error.
fn localized(value: &serde_json::Value) -> Localized {
    let text = |key: &str| value.get(key).and_then(|v| v.as_str()).map(str::to_owned);
    Localized {
        tm: text("tm"),
        ru: text("ru"),
        en: text("en"),
    }
}

/// Only the name: the stored e-mail address is not for the public.
fn creator(value: &serde_json::Value) -> Creator {
    Creator {
        name: value
            .get("name")
            .and_then(|v| v.as_str())
            .map(str::to_owned),
    }
}
