//! Comparing the database's applied migrations with the ones compiled in.

use std::sync::LazyLock;

use diesel::QueryableByName;
use diesel::migration::MigrationSource;
use diesel::pg::Pg;
use diesel::sql_types::{Bool, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::MIGRATIONS;

static VERSIONS: LazyLock<Vec<String>> = LazyLock::new(|| {
    // Embedded migrations are parsed at compile time; listing them cannot fail at run time.
    MigrationSource::<Pg>::migrations(&MIGRATIONS)
        .map(|all| all.iter().map(|m| m.name().version().to_string()).collect())
        .unwrap_or_default()
});

/// Versions of every migration compiled into this binary, oldest first.
pub fn embedded_versions() -> &'static [String] {
    &VERSIONS
}

/// The first migration reproduces the old backend's schema; adoption records it as applied.
pub(crate) fn baseline_version() -> &'static str {
    VERSIONS.iter().next().map_or("", String::as_str)
}

#[derive(QueryableByName)]
struct Flag {
    #[diesel(sql_type = Bool)]
    present: bool,
}

#[derive(QueryableByName)]
struct Version {
    #[diesel(sql_type = Text)]
    version: String,
}

/// Whether every compiled-in migration is recorded as applied (what `/readyz` reports).
pub async fn is_up_to_date(conn: &mut AsyncPgConnection) -> diesel::QueryResult<bool> {
    let flag: Vec<Flag> = diesel::sql_query(
        "SELECT to_regclass('public.__diesel_schema_migrations') IS NOT NULL AS present",
    )
    .load(conn)
    .await?;
    if !flag.iter().any(|f| f.present) {
        return Ok(false);
    }
    let applied: Vec<Version> = diesel::sql_query("SELECT version FROM __diesel_schema_migrations")
        .load(conn)
        .await?;
    Ok(VERSIONS
        .iter()
        .all(|v| applied.iter().any(|a| &a.version == v)))
}
