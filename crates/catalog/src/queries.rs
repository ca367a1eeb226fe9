//! The parameters of the public lists, already parsed and bounded by the HTTP layer.

use uuid::Uuid;

/// `offset` + `limit` as the old API took them, with the limit capped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub offset: i64,
    pub limit: i64,
}

impl Page {
    /// No list returns more than this in one call; the whole catalog has about 2,500 models.
    pub const MAX_LIMIT: i64 = 5_000;

    /// `default_limit` when none is given; larger limits are brought down to the maximum.
    pub fn new(offset: Option<u32>, limit: Option<u32>, default_limit: i64) -> Self {
        Self {
            offset: offset.map_or(0, i64::from),
            limit: limit.map_or(default_limit, i64::from).min(Self::MAX_LIMIT),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortDir {
    #[default]
    Asc,
    Desc,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrandQuery {
    pub page: Page,
    pub with_models: bool,
    pub with_posts: bool,
    /// Exact match on the brand's location.
    pub location: Option<String>,
    /// By name.
    pub sort: SortDir,
    /// Case-insensitive substring of the name.
    pub search: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelQuery {
    pub page: Page,
    pub with_brand: bool,
    pub with_posts: bool,
    pub sort: SortDir,
    pub search: Option<String>,
    /// Only this brand's models; combines with `search` (the old API dropped the search, B12).
    pub brand: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryQuery {
    pub page: Page,
    /// By priority.
    pub sort: SortDir,
    pub with_photo: bool,
    pub with_posts: bool,
    /// Case-insensitive substring of the name in any language (the old API ignored it, B12).
    pub search: Option<String>,
}

/// What `GET /subscription` sorts by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PlanOrder {
    #[default]
    CreatedAt,
    UpdatedAt,
    Priority,
    Price,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanQuery {
    pub page: Page,
    pub sort_by: PlanOrder,
    pub order: SortDir,
}
