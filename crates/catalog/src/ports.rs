//! What the catalog needs from storage.

use alpha_kernel::{RepoError, UserId};
use uuid::Uuid;

use crate::inputs::{
    BrandInput, BrandPatch, CategoryInput, CategoryPatch, Creator, ModelInput, ModelPatch,
    PlanInput, PlanPatch,
};
use crate::queries::{BrandQuery, CategoryQuery, ModelQuery, Page, PlanQuery};
use crate::search::SearchRow;
use crate::views::{
    BannerView, BrandBrief, BrandView, CategoryView, CurrencyView, ModelView, PlanView,
};

/// The public reads. Each is one or a few queries; nothing here changes a row.
#[async_trait::async_trait]
pub trait CatalogReads: Send + Sync {
    async fn brands(&self, query: &BrandQuery) -> Result<Vec<BrandView>, RepoError>;
    async fn brand(
        &self,
        uuid: Uuid,
        with_models: bool,
        with_posts: bool,
    ) -> Result<Option<BrandView>, RepoError>;
    /// The brands among `uuids` that exist, newest first.
    async fn brands_by_uuids(
        &self,
        uuids: &[Uuid],
        with_posts: bool,
    ) -> Result<Vec<BrandBrief>, RepoError>;
    async fn models(&self, query: &ModelQuery) -> Result<Vec<ModelView>, RepoError>;
    async fn model(
        &self,
        uuid: Uuid,
        with_brand: bool,
        with_posts: bool,
    ) -> Result<Option<ModelView>, RepoError>;
    async fn categories(&self, query: &CategoryQuery) -> Result<Vec<CategoryView>, RepoError>;
    async fn category(&self, uuid: Uuid) -> Result<Option<CategoryView>, RepoError>;
    async fn banners(&self, page: Page) -> Result<Vec<BannerView>, RepoError>;
    async fn banner(&self, uuid: Uuid) -> Result<Option<BannerView>, RepoError>;
    async fn plans(&self, query: &PlanQuery) -> Result<Vec<PlanView>, RepoError>;
    async fn plan(&self, uuid: Uuid) -> Result<Option<PlanView>, RepoError>;
    async fn currencies(&self) -> Result<Vec<CurrencyView>, RepoError>;
}

/// Every brand and model name, for the search index.
#[cfg_attr(test, mockall::automock)]
#[async_trait::async_trait]
pub trait SearchSource: Send + Sync {
    async fn search_rows(&self) -> Result<Vec<SearchRow>, RepoError>;
}

/// How a write that can meet a constraint went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteOutcome {
    Done,
    /// The row to change does not exist.
    NotFound,
    /// Another row has this priority.
    PriorityTaken,
    /// A referenced brand does not exist.
    UnknownBrand,
}

/// The admin writes and brand subscriptions. Booleans answer "did the row exist".
#[cfg_attr(test, mockall::automock)]
#[async_trait::async_trait]
pub trait CatalogWrites: Send + Sync {
    async fn insert_brand(&self, uuid: Uuid, input: &BrandInput) -> Result<(), RepoError>;
    async fn update_brand(&self, uuid: Uuid, patch: &BrandPatch) -> Result<bool, RepoError>;
    async fn delete_brand(&self, uuid: Uuid) -> Result<bool, RepoError>;

    async fn insert_model(&self, uuid: Uuid, input: &ModelInput)
    -> Result<WriteOutcome, RepoError>;
    async fn update_model(&self, uuid: Uuid, patch: &ModelPatch)
    -> Result<WriteOutcome, RepoError>;
    async fn delete_model(&self, uuid: Uuid) -> Result<bool, RepoError>;

    async fn insert_category(
        &self,
        uuid: Uuid,
        input: &CategoryInput,
    ) -> Result<WriteOutcome, RepoError>;
    async fn update_category(
        &self,
        uuid: Uuid,
        patch: &CategoryPatch,
    ) -> Result<WriteOutcome, RepoError>;
    async fn delete_category(&self, uuid: Uuid) -> Result<bool, RepoError>;

    async fn insert_banner(&self, uuid: Uuid, creator: &Creator) -> Result<(), RepoError>;
    async fn delete_banner(&self, uuid: Uuid) -> Result<bool, RepoError>;

    async fn insert_plan(&self, uuid: Uuid, input: &PlanInput) -> Result<WriteOutcome, RepoError>;
    async fn update_plan(&self, uuid: Uuid, patch: &PlanPatch) -> Result<WriteOutcome, RepoError>;
    async fn delete_plan(&self, uuid: Uuid) -> Result<bool, RepoError>;

    /// Adds the (user, brand) row unless it exists; false when the brand does not exist.
    async fn subscribe(&self, user: UserId, brand: Uuid) -> Result<bool, RepoError>;
    /// Removes only this user's row; false when the brand does not exist.
    async fn unsubscribe(&self, user: UserId, brand: Uuid) -> Result<bool, RepoError>;
}
