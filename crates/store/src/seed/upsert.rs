//! The seed's upserts: batched multi-row `INSERT ... ON CONFLICT DO UPDATE ... WHERE`, where the
//! WHERE skips rows that already hold the same values. That is what makes a second run a no-op
//! (not even `updatedAt` moves), and what makes the returned counts mean "rows changed".

use diesel::dsl::now;
use diesel::prelude::*;
use diesel::upsert::excluded;
// `filter` on an upsert (the ON CONFLICT ... WHERE) comes from this trait, not from QueryDsl.
use diesel::query_dsl::methods::FilterDsl as _;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::catalog::{BrandRow, ModelRow};
use super::currencies::Currency;
use super::error::SeedError;
use crate::schema::{brands, convert_prices, models};

/// How rows that already exist are treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// The source is authoritative: existing rows take its values.
    Upsert,
    /// The source is a fallback: only missing rows are added, existing ones are left alone.
    InsertMissing,
}

/// Rows per statement. Five binds per model row keeps a batch far below PostgreSQL's 65,535 bind
/// limit while the full catalogue still needs only three statements.
const BATCH: usize = 1000;

/// Returns the number of rows inserted or changed.
pub(super) async fn currencies(
    conn: &mut AsyncPgConnection,
    rows: &[Currency],
    mode: Mode,
) -> Result<usize, SeedError> {
    let values: Vec<_> = rows
        .iter()
        .map(|c| {
            (
                convert_prices::label.eq(c.label),
                convert_prices::rate.eq(&c.rate),
            )
        })
        .collect();
    let insert = diesel::insert_into(convert_prices::table).values(values);
    if mode == Mode::InsertMissing {
        return insert
            .on_conflict(convert_prices::label)
            .do_nothing()
            .execute(conn)
            .await
            .map_err(SeedError::database("inserting currencies"));
    }
    // numeric compares by value, so 19.5 and 19.500000 are not "distinct".
    insert
        .on_conflict(convert_prices::label)
        .do_update()
        .set(convert_prices::rate.eq(excluded(convert_prices::rate)))
        .filter(convert_prices::rate.is_distinct_from(excluded(convert_prices::rate)))
        .execute(conn)
        .await
        .map_err(SeedError::database("upserting currencies"))
}

/// Returns the number of rows inserted or changed. Only `name` is owned by the seed; `location`
/// and anything an admin set stays as it is.
pub(super) async fn brands(
    conn: &mut AsyncPgConnection,
    rows: &[BrandRow],
    mode: Mode,
) -> Result<usize, SeedError> {
    let mut changed = 0;
    for batch in rows.chunks(BATCH) {
        let values: Vec<_> = batch
            .iter()
            .map(|b| (brands::uuid.eq(b.uuid), brands::name.eq(&b.name)))
            .collect();
        let insert = diesel::insert_into(brands::table).values(values);
        if mode == Mode::InsertMissing {
            changed += insert
                .on_conflict(brands::uuid)
                .do_nothing()
                .execute(conn)
                .await
                .map_err(SeedError::database("inserting brands"))?;
            continue;
        }
        changed += insert
            .on_conflict(brands::uuid)
            .do_update()
            .set((
                brands::name.eq(excluded(brands::name)),
                brands::updatedAt.eq(now),
            ))
            .filter(brands::name.is_distinct_from(excluded(brands::name)))
            .execute(conn)
            .await
            .map_err(SeedError::database("upserting brands"))?;
    }
    Ok(changed)
}

/// Returns the number of rows inserted or changed. Must run after [`brands`]: `brandId` is a
/// foreign key.
pub(super) async fn models(
    conn: &mut AsyncPgConnection,
    rows: &[ModelRow],
    mode: Mode,
) -> Result<usize, SeedError> {
    let mut changed = 0;
    for batch in rows.chunks(BATCH) {
        let values: Vec<_> = batch
            .iter()
            .map(|m| {
                (
                    models::uuid.eq(m.uuid),
                    models::name.eq(&m.name),
                    models::brandId.eq(m.brand_uuid),
                    models::yearstart.eq(m.year_start),
                    models::yearend.eq(m.year_end),
                )
            })
            .collect();
        let insert = diesel::insert_into(models::table).values(values);
        if mode == Mode::InsertMissing {
            changed += insert
                .on_conflict(models::uuid)
                .do_nothing()
                .execute(conn)
                .await
                .map_err(SeedError::database("inserting models"))?;
            continue;
        }
        changed += insert
            .on_conflict(models::uuid)
            .do_update()
            .set((
                models::name.eq(excluded(models::name)),
                models::brandId.eq(excluded(models::brandId)),
                models::yearstart.eq(excluded(models::yearstart)),
                models::yearend.eq(excluded(models::yearend)),
                models::updatedAt.eq(now),
            ))
            // Same as `(name, "brandId", yearstart, yearend) IS DISTINCT FROM (excluded...)`.
            .filter(
                models::name
                    .is_distinct_from(excluded(models::name))
                    .or(models::brandId.is_distinct_from(excluded(models::brandId)))
                    .or(models::yearstart.is_distinct_from(excluded(models::yearstart)))
                    .or(models::yearend.is_distinct_from(excluded(models::yearend))),
            )
            .execute(conn)
            .await
            .map_err(SeedError::database("upserting models"))?;
    }
    Ok(changed)
}
