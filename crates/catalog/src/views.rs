//! What the catalog reads return, shaped as the app reads them (CONTRACT §1.16): field names in
//! camelCase as the old API emitted them, timestamps as ISO strings with milliseconds.

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::inputs::{Creator, Localized};

/// The three sizes of an image, as public paths starting with `uploads/`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PhotoPaths {
    pub small: String,
    pub medium: String,
    pub large: String,
}

/// An image row. Exactly one owner column is set.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PhotoView {
    pub uuid: Uuid,
    pub path: Option<PhotoPaths>,
    #[serde(rename = "originalPath")]
    pub original_path: Option<String>,
    #[serde(rename = "bannerId")]
    pub banner_id: Option<Uuid>,
    #[serde(rename = "categoryId")]
    pub category_id: Option<Uuid>,
    #[serde(rename = "subscriptionId")]
    pub subscription_id: Option<Uuid>,
    #[serde(rename = "brandsId")]
    pub brands_id: Option<Uuid>,
    #[serde(rename = "modelsId")]
    pub models_id: Option<Uuid>,
    #[serde(rename = "createdAt")]
    pub created_at: String,
    #[serde(rename = "updatedAt")]
    pub updated_at: String,
}

/// A listing as the catalog includes it (`posts` of a brand, model or category): the post's own
/// columns. The author's id and contact details are left to the listings context.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PostRef {
    pub uuid: Uuid,
    #[serde(rename = "brandsId")]
    pub brands_id: Option<Uuid>,
    #[serde(rename = "modelsId")]
    pub models_id: Option<Uuid>,
    #[serde(rename = "categoryId")]
    pub category_id: Option<Uuid>,
    pub condition: Option<String>,
    pub transmission: Option<String>,
    #[serde(rename = "engineType")]
    pub engine_type: Option<String>,
    #[serde(rename = "enginePower")]
    pub engine_power: Option<f64>,
    pub year: Option<i32>,
    pub milleage: Option<f64>,
    pub price: Option<f64>,
    pub currency: Option<String>,
    pub location: Option<String>,
    pub color: Option<String>,
    pub status: Option<bool>,
    pub credit: Option<bool>,
    pub exchange: Option<bool>,
    #[serde(rename = "createdAt")]
    pub created_at: String,
    #[serde(rename = "updatedAt")]
    pub updated_at: String,
    /// Only in `POST /brands/list`: the post's brand and model names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub brand: Option<NameOnly>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<NameOnly>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct NameOnly {
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct BrandView {
    pub uuid: Uuid,
    /// As stored: seeded brands carry their lower-case slug (`mercedes-benz`).
    pub name: Option<String>,
    pub location: Option<String>,
    #[serde(rename = "createdAt")]
    pub created_at: String,
    #[serde(rename = "updatedAt")]
    pub updated_at: String,
    pub photo: Option<PhotoView>,
    /// With `model=true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub models: Option<Vec<ModelView>>,
    /// With `post=true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub posts: Option<Vec<PostRef>>,
}

/// `POST /brands/list`: only the uuid, name and photo, plus posts when asked.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct BrandBrief {
    pub uuid: Uuid,
    pub name: Option<String>,
    pub photo: Option<PhotoView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub posts: Option<Vec<PostRef>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ModelView {
    pub uuid: Uuid,
    pub name: Option<String>,
    #[serde(rename = "brandId")]
    pub brand_id: Option<Uuid>,
    pub yearstart: Option<i32>,
    pub yearend: Option<i32>,
    #[serde(rename = "createdAt")]
    pub created_at: String,
    #[serde(rename = "updatedAt")]
    pub updated_at: String,
    pub photo: Option<PhotoView>,
    /// With `brand=true` (no photo, models or posts of its own).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(no_recursion)]
    pub brand: Option<Box<BrandView>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub posts: Option<Vec<PostRef>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CategoryView {
    pub uuid: Uuid,
    pub name: Localized,
    pub creator: Creator,
    pub priority: Option<i32>,
    #[serde(rename = "createdAt")]
    pub created_at: String,
    #[serde(rename = "updatedAt")]
    pub updated_at: String,
    /// With `photo=true` (always on `GET /categories/{uuid}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub photo: Option<Option<PhotoView>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub posts: Option<Vec<PostRef>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct BannerView {
    pub uuid: Uuid,
    pub creator: Creator,
    #[serde(rename = "createdAt")]
    pub created_at: String,
    #[serde(rename = "updatedAt")]
    pub updated_at: String,
    pub photo: Option<PhotoView>,
}

/// A premium plan (`subscriptions` table).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PlanView {
    pub uuid: Uuid,
    pub name: Localized,
    pub priority: Option<i32>,
    /// A JSON number (the old API sent a decimal string the app could not read, B20).
    pub price: Option<f64>,
    pub color: Option<String>,
    pub description: Localized,
    #[serde(rename = "createdAt")]
    pub created_at: String,
    #[serde(rename = "updatedAt")]
    pub updated_at: String,
    pub photo: Option<PhotoView>,
}

/// A row of the currency table: TMT per unit.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CurrencyView {
    /// A bigint, sent as a string as the old API did.
    pub id: String,
    pub label: String,
    /// A JSON number (B20).
    pub rate: f64,
}
