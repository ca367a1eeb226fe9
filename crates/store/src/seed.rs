//! `alpha-motors seed`: loads the currencies and the brand/model catalogue with idempotent upserts.
//!
//! Row UUIDs are derived from slugs exactly as the old backend's seed scripts derived them, so a
//! database seeded by the old backend is matched row for row instead of duplicated.

mod builtin;
mod catalog;
mod currencies;
pub mod demo;
pub mod demo_posts;
mod error;
mod upsert;

use std::path::PathBuf;

use diesel_async::{AsyncConnection, AsyncPgConnection};

pub use catalog::{brand_uuid, model_uuid};
pub use error::{ContentError, SeedError, SlugProblem};

/// Where the brand/model catalogue comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatalogSource {
    /// A small catalogue compiled into the binary, so a fresh install has something to show
    /// without the (large, third-party) full file. A fallback, so it only adds missing rows and
    /// never overwrites what a fuller seed or an admin wrote.
    BuiltIn,
    /// A JSON file in the shape of the old backend's `cars.brands.json`.
    File(PathBuf),
}

/// What a seed run found and what it had to write.
///
/// The plain counts are rows in the source after merging duplicates; the `*_changed` counts are
/// rows inserted or updated, so a repeated run reports zero changes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub currencies: usize,
    pub brands: usize,
    pub models: usize,
    pub brands_changed: usize,
    pub models_changed: usize,
    pub currencies_changed: usize,
}

/// Loads the catalogue from `source`, then upserts (a file) or inserts missing (built-in) currencies, brands and models in one
/// transaction: either everything is written or nothing is.
///
/// Errors: [`SeedError::FileNotFound`] / [`SeedError::FileUnreadable`] / [`SeedError::InvalidJson`]
/// for a bad file, [`SeedError::InvalidContent`] for rows that cannot be keyed (empty slug, ...),
/// [`SeedError::Database`] when a statement fails (the transaction is then rolled back).
pub async fn run(
    conn: &mut AsyncPgConnection,
    source: &CatalogSource,
) -> Result<SeedReport, SeedError> {
    // Parse before opening the transaction: a bad file must not cost a database round trip.
    let catalog = catalog::load(source).await?;
    let currencies = currencies::all();
    let mode = match source {
        CatalogSource::BuiltIn => upsert::Mode::InsertMissing,
        CatalogSource::File(_) => upsert::Mode::Upsert,
    };

    conn.transaction::<_, SeedError, _>(async |conn| {
        let currencies_changed = upsert::currencies(conn, &currencies, mode).await?;
        let brands_changed = upsert::brands(conn, &catalog.brands, mode).await?;
        let models_changed = upsert::models(conn, &catalog.models, mode).await?;
        Ok(SeedReport {
            currencies: currencies.len(),
            brands: catalog.brands.len(),
            models: catalog.models.len(),
            brands_changed,
            models_changed,
            currencies_changed,
        })
    })
    .await
}
