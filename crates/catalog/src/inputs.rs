//! What the admin writes carry, already checked by [`crate::CatalogAdmin`].

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Text in the app's three languages. Stored as a JSON object; any language may be missing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Localized {
    #[serde(default)]
    pub tm: Option<String>,
    #[serde(default)]
    pub ru: Option<String>,
    #[serde(default)]
    pub en: Option<String>,
}

impl Localized {
    /// True when no language has a non-blank text.
    pub fn is_blank(&self) -> bool {
        [&self.tm, &self.ru, &self.en]
            .iter()
            .all(|t| t.as_deref().is_none_or(|t| t.trim().is_empty()))
    }
}

/// Who created a category or banner. Only the name is public: the old API also sent the
/// admin's e-mail address to every visitor.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Creator {
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrandInput {
    pub name: String,
    pub location: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BrandPatch {
    pub name: Option<String>,
    pub location: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelInput {
    pub name: String,
    pub brand_id: Option<Uuid>,
    pub yearstart: Option<i32>,
    pub yearend: Option<i32>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModelPatch {
    pub name: Option<String>,
    pub brand_id: Option<Uuid>,
    pub yearstart: Option<i32>,
    pub yearend: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryInput {
    pub name: Localized,
    pub priority: Option<i32>,
    pub creator: Creator,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CategoryPatch {
    pub name: Option<Localized>,
    pub priority: Option<i32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlanInput {
    pub name: Localized,
    pub description: Localized,
    pub priority: Option<i32>,
    pub price: Option<f64>,
    pub color: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanPatch {
    pub name: Option<Localized>,
    pub description: Option<Localized>,
    pub priority: Option<i32>,
    pub price: Option<f64>,
    pub color: Option<String>,
}
