//! Helpers shared by the store's integration tests.
#![allow(dead_code, clippy::unwrap_used)]

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

#[derive(QueryableByName)]
struct Snapshot {
    #[diesel(sql_type = Nullable<Text>)]
    snapshot: Option<String>,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// A sorted, line-per-fact description of the public schema: columns with types, nullability
/// and defaults; constraints with their full definitions (FK actions included); indexes; enums
/// with their labels in order. Two equal snapshots mean two equal schemas for our purposes.
pub async fn schema_snapshot(conn: &mut AsyncPgConnection) -> String {
    let rows: Vec<Snapshot> = diesel::sql_query(
        r#"
        SELECT string_agg(line, E'\n' ORDER BY line) AS snapshot FROM (
          SELECT format('column %s.%s type=%s/%s len=%s num=%s,%s null=%s default=%s',
                        table_name, column_name, data_type, udt_name,
                        character_maximum_length, numeric_precision, numeric_scale,
                        is_nullable, column_default) AS line
            FROM information_schema.columns WHERE table_schema = 'public'
          UNION ALL
          SELECT format('constraint %s %s %s', conrelid::regclass, conname, pg_get_constraintdef(oid))
            FROM pg_constraint WHERE connamespace = 'public'::regnamespace
          UNION ALL
          SELECT format('index %s', indexdef) FROM pg_indexes WHERE schemaname = 'public'
          UNION ALL
          SELECT format('enum %s [%s]', t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder))
            FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
           WHERE t.typnamespace = 'public'::regnamespace GROUP BY t.typname
        ) facts
        "#,
    )
    .load(conn)
    .await
    .unwrap();
    rows.into_iter()
        .next()
        .and_then(|r| r.snapshot)
        .unwrap_or_default()
}

pub async fn count(conn: &mut AsyncPgConnection, sql: &str) -> i64 {
    let rows: Vec<Count> = diesel::sql_query(sql).load(conn).await.unwrap();
    rows[0].n
}

pub async fn text(conn: &mut AsyncPgConnection, sql: &str) -> String {
    let rows: Vec<Snapshot> = diesel::sql_query(sql).load(conn).await.unwrap();
    rows.into_iter()
        .next()
        .and_then(|r| r.snapshot)
        .unwrap_or_default()
}

/// Tables of the old backend's schema (CONTRACT §6.2).
pub const LEGACY_TABLES: [&str; 19] = [
    "users",
    "otp_codes",
    "brands",
    "models",
    "banners",
    "categories",
    "subscriptions",
    "posts",
    "vlogs",
    "comments",
    "subscription_order",
    "photo",
    "video",
    "file",
    "convert_prices",
    "notification_history",
    "brands_user",
    "photo_posts",
    "photo_vlogs",
];

pub fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn baseline_up_sql() -> String {
    let dir = workspace_root().join("migrations");
    let baseline = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .ends_with("_baseline")
        })
        .expect("a *_baseline migration folder");
    std::fs::read_to_string(baseline.join("up.sql")).unwrap()
}
