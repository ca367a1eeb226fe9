//! The listings' tables: `posts` with the rows only a post owns (`photo_posts`, its `photo`
//! rows, `video`, `file`), and the read of `convert_prices` the price conversion needs.
//! [`PgListings`] implements `alpha_listings::{PostRepo, PostPhotos, Rates, AttachmentRepo}`.

mod attachments;
mod binds;
mod feed;
mod includes;
mod photo_writes;
mod reads;
mod rows;
mod writes;

use alpha_kernel::RepoError;
use alpha_listings::{CurrencyCode, Rate, Rates};
use diesel::QueryableByName;
use diesel::sql_types::{Float8, Text};
use diesel_async::RunQueryDsl;

use crate::error::{connection, db_error};
use crate::pool::PgPool;

/// `alpha_listings::{PostRepo, Rates}` on PostgreSQL.
#[derive(Clone)]
pub struct PgListings {
    pool: PgPool,
}

impl PgListings {
    /// Never fails: connections are taken from `pool` per call.
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}

impl std::fmt::Debug for PgListings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgListings").finish_non_exhaustive()
    }
}

#[derive(QueryableByName)]
struct RateRow {
    #[diesel(sql_type = Float8)]
    rate: f64,
}

#[async_trait::async_trait]
impl Rates for PgListings {
    async fn rate(&self, currency: &CurrencyCode) -> Result<Option<Rate>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        // `label` is not unique in the legacy schema: the oldest row wins, as a lookup by label
        // in the old API found it first.
        let rows: Vec<RateRow> = diesel::sql_query(
            "SELECT rate::float8 AS rate FROM convert_prices WHERE label = $1 ORDER BY id LIMIT 1",
        )
        .bind::<Text, _>(currency.as_str())
        .load(&mut conn)
        .await
        .map_err(db_error)?;
        Ok(rows.into_iter().next().and_then(|r| Rate::new(r.rate)))
    }
}
