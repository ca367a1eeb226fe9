//! Catalog domain: the brands, models, categories, banners, premium plans and currencies the app's
//! home, search and filter screens read, a user's brand subscriptions, and the brand/model search
//! index.
//!
//! Reads are thin: the HTTP layer asks [`CatalogReads`] and serialises the view structs of
//! [`views`] as they are (their field names are the wire's). Writes go through
//! [`CatalogAdmin`] and [`BrandSubscriptions`], which hold the rules (required fields, unique
//! priorities, unknown ids) and tell the [`CatalogVersion`] that the catalog changed, so caches
//! and the search index built from an older catalog are dropped. Photos go through
//! [`CatalogPhotoService`]: the image is checked and stored by `alpha_media`, its row written
//! through [`CatalogPhotos`].

mod admin;
mod errors;
mod inputs;
mod photos;
mod ports;
mod queries;
mod search;
mod subscriptions;
mod version;
pub mod views;

pub use admin::CatalogAdmin;
pub use alpha_media::PhotoChange;
pub use errors::{CatalogError, Entity};
pub use inputs::{
    BrandInput, BrandPatch, CategoryInput, CategoryPatch, Creator, Localized, ModelInput,
    ModelPatch, PlanInput, PlanPatch,
};
pub use photos::{
    CatalogPhotoService, CatalogPhotos, NewPhoto, PhotoError, PhotoOwner, PhotoReplaced,
};
pub use ports::{CatalogReads, CatalogWrites, SearchSource, WriteOutcome};
pub use queries::{BrandQuery, CategoryQuery, ModelQuery, Page, PlanOrder, PlanQuery, SortDir};
pub use search::{SearchIndex, SearchRow, Suggestion};
pub use subscriptions::BrandSubscriptions;
pub use version::CatalogVersion;
