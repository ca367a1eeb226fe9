//! Recognising a database that the old NestJS/Sequelize backend migrated, and adopting it in place.
//!
//! Such a database already has every table of our baseline migration, so running the baseline would
//! fail (or worse, half-apply). Instead we record the baseline as applied in diesel's bookkeeping
//! table and let the later migrations run as usual. No application row is read or written.

use diesel::connection::SimpleConnection;
use diesel::sql_types::{Bool, Text};
use diesel::{Connection, QueryableByName, RunQueryDsl, sql_query};

use super::runner::{MigrateError, SyncPg};

/// The five migrations the old backend had at the snapshot CONTRACT.md describes. Adoption is only
/// safe when all of them ran: the baseline reproduces the schema they leave behind, nothing less.
pub(crate) const LEGACY_MIGRATIONS: [&str; 5] = [
    "20260202000000-baseline.js",
    "20260203000000-schema-fixes-brands-convert-prices.js",
    "20260206000000-refresh-token-hash.js",
    "20260209000000-convert-string-to-uuid.js",
    "20260209000001-add-color-to-posts.js",
];

#[derive(QueryableByName)]
struct Flag {
    #[diesel(sql_type = Bool)]
    present: bool,
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

fn table_exists(conn: &mut SyncPg, quoted_name: &str) -> Result<bool, MigrateError> {
    let rows: Vec<Flag> = sql_query("SELECT to_regclass($1) IS NOT NULL AS present")
        .bind::<Text, _>(quoted_name)
        .load(conn)
        .map_err(|source| MigrateError::database("looking for a table", source))?;
    Ok(rows.iter().any(|f| f.present))
}

fn baseline_recorded(conn: &mut SyncPg, baseline_version: &str) -> Result<bool, MigrateError> {
    if !table_exists(conn, "public.__diesel_schema_migrations")? {
        return Ok(false);
    }
    let rows: Vec<Flag> = sql_query(
        "SELECT EXISTS (SELECT 1 FROM __diesel_schema_migrations WHERE version = $1) AS present",
    )
    .bind::<Text, _>(baseline_version)
    .load(conn)
    .map_err(|source| MigrateError::database("reading applied migrations", source))?;
    Ok(rows.iter().any(|f| f.present))
}

/// Adopts a legacy database if this is one; returns whether it did.
///
/// Errors: [`MigrateError::LegacyIncomplete`] or [`MigrateError::LegacyUnknown`] when
/// `SequelizeMeta` does not list exactly the known five migrations, [`MigrateError::UnknownSchema`]
/// when application tables exist with no bookkeeping at all, [`MigrateError::Database`] otherwise.
pub(crate) fn adopt_if_legacy(
    conn: &mut SyncPg,
    baseline_version: &str,
) -> Result<bool, MigrateError> {
    if baseline_recorded(conn, baseline_version)? {
        return Ok(false);
    }
    if !table_exists(conn, "public.\"SequelizeMeta\"")? {
        // Tables without any bookkeeping: something else built this schema. Running our baseline
        // over it would fail half-way or mask differences, so refuse and let a person look.
        if table_exists(conn, "public.users")? {
            return Err(MigrateError::UnknownSchema);
        }
        return Ok(false);
    }

    let names: Vec<Name> = sql_query("SELECT name FROM \"SequelizeMeta\" ORDER BY name")
        .load(conn)
        .map_err(|source| MigrateError::database("reading SequelizeMeta", source))?;
    let names: Vec<String> = names.into_iter().map(|n| n.name).collect();
    let missing: Vec<String> = LEGACY_MIGRATIONS
        .iter()
        .filter(|known| !names.iter().any(|n| n == *known))
        .map(|s| (*s).to_owned())
        .collect();
    if !missing.is_empty() {
        return Err(MigrateError::LegacyIncomplete { missing });
    }
    let unknown: Vec<String> = names
        .into_iter()
        .filter(|n| !LEGACY_MIGRATIONS.contains(&n.as_str()))
        .collect();
    if !unknown.is_empty() {
        return Err(MigrateError::LegacyUnknown { unknown });
    }

    conn.transaction(|conn| {
        conn.batch_execute(diesel::migration::CREATE_MIGRATIONS_TABLE)?;
        sql_query(
            "INSERT INTO __diesel_schema_migrations (version) VALUES ($1) ON CONFLICT DO NOTHING",
        )
        .bind::<Text, _>(baseline_version)
        .execute(conn)
        .map(|_| ())
    })
    .map_err(|source| MigrateError::database("recording the adopted baseline", source))?;
    Ok(true)
}
