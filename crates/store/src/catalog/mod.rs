//! The catalog's tables: `brands`, `models`, `categories`, `banners`, `subscriptions` (premium
//! plans), `convert_prices`, `brands_user`, and the catalog's rows of `photo` (those owned by a
//! brand, model, category, banner or plan). [`PgCatalog`] implements the catalog's ports.

mod photo_writes;
mod photos;
mod posts;
mod reads;
mod rows;
mod search;
mod writes;

use crate::pool::PgPool;

/// `alpha_catalog::{CatalogReads, CatalogWrites, CatalogPhotos, SearchSource}` on PostgreSQL.
#[derive(Clone)]
pub struct PgCatalog {
    pool: PgPool,
}

impl PgCatalog {
    /// Never fails: connections are taken from `pool` per call.
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}

impl std::fmt::Debug for PgCatalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgCatalog").finish_non_exhaustive()
    }
}

/// `%`, `_` and `\` taken literally inside an ILIKE pattern.
pub(crate) fn like_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}
