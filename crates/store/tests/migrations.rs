//! Migrations against a real PostgreSQL: up/down/up, legacy adoption, concurrent runs.
#![allow(clippy::unwrap_used)]

mod support;

use alpha_store::migrate::{self, MigrateError};
use alpha_testkit::TestDb;
use diesel_async::SimpleAsyncConnection;
use support::{LEGACY_TABLES, baseline_up_sql, count, schema_snapshot, text};

#[tokio::test]
async fn up_down_up_yields_the_same_schema() {
    let db = TestDb::empty().await;
    let first = migrate::run_pending(db.url()).await.unwrap();
    assert_eq!(first.applied, migrate::embedded_versions());
    assert!(!first.adopted_legacy);
    let mut conn = db.conn().await;
    let after_first_up = schema_snapshot(&mut conn).await;

    let reverted = migrate::revert_all(db.url()).await.unwrap();
    assert_eq!(reverted.len(), migrate::embedded_versions().len());
    let leftover = count(
        &mut conn,
        "SELECT count(*) AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = 'public' AND c.relkind IN ('r','S','v','m') \
           AND c.relname <> '__diesel_schema_migrations'",
    )
    .await;
    assert_eq!(
        leftover, 0,
        "down migrations must drop every table and sequence"
    );
    let enums = count(
        &mut conn,
        "SELECT count(*) AS n FROM pg_type WHERE typnamespace = 'public'::regnamespace AND typtype = 'e'",
    )
    .await;
    assert_eq!(enums, 0, "down migrations must drop every enum type");

    migrate::run_pending(db.url()).await.unwrap();
    let after_second_up = schema_snapshot(&mut conn).await;
    assert_eq!(after_first_up, after_second_up);
}

#[tokio::test]
async fn baseline_matches_the_contract_schema() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    for table in LEGACY_TABLES {
        let n = count(
            &mut conn,
            &format!("SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public' AND tablename = '{table}'"),
        )
        .await;
        assert_eq!(n, 1, "table {table} missing");
    }
    let enums = text(
        &mut conn,
        "SELECT string_agg(typname, ',' ORDER BY typname) AS snapshot FROM pg_type \
         WHERE typnamespace = 'public'::regnamespace AND typtype = 'e'",
    )
    .await;
    assert_eq!(
        enums,
        "enum_notification_history_status,enum_notification_history_type,\
         enum_otp_codes_dispatchStatus,enum_otp_codes_purpose,enum_users_role,enum_vlogs_status"
    );
    let snapshot = schema_snapshot(&mut conn).await;
    for fact in [
        "column users.refreshTokenHash type=text/text",
        "column otp_codes.dispatchStatus type=USER-DEFINED/enum_otp_codes_dispatchStatus len= num=, null=NO default='pending'::\"enum_otp_codes_dispatchStatus\"",
        "column models.yearstart type=integer/int4",
        "column convert_prices.rate type=numeric/numeric len= num=18,6 null=NO",
        "column posts.personalInfo type=json/json",
        "column photo.path type=jsonb/jsonb",
        "column users.phone type=character varying/varchar len=20",
        "constraint comments fk_comments_postId_posts FOREIGN KEY (\"postId\") REFERENCES posts(uuid) ON UPDATE CASCADE ON DELETE CASCADE",
        "constraint posts fk_posts_userId_users FOREIGN KEY (\"userId\") REFERENCES users(uuid) ON UPDATE CASCADE ON DELETE SET NULL",
        "constraint brands_user uq_brands_user_brand_user UNIQUE (\"brandId\", \"userId\")",
        "enum enum_users_role [admin,owner,user]",
    ] {
        assert!(
            snapshot.lines().any(|line| line.starts_with(fact)),
            "schema lacks: {fact}"
        );
    }
}

/// Builds what the old backend leaves behind: its schema, its bookkeeping, and some rows.
async fn legacy_database(db: &TestDb, sequelize_meta: &[&str]) {
    let mut conn = db.conn().await;
    conn.batch_execute(&baseline_up_sql()).await.unwrap();
    conn.batch_execute(r#"CREATE TABLE "SequelizeMeta" (name varchar(255) PRIMARY KEY)"#)
        .await
        .unwrap();
    for name in sequelize_meta {
        conn.batch_execute(&format!(r#"INSERT INTO "SequelizeMeta" VALUES ('{name}')"#))
            .await
            .unwrap();
    }
    conn.batch_execute(
        r#"
        INSERT INTO users (uuid, name, phone, status, role, location, "refreshTokenHash")
          VALUES ('11111111-1111-4111-8111-111111111111', 'user_12345', '+99361234567', true,
                  'user', 'Aşgabat', '$2b$10$abcdefghijklmnopqrstuu');
        INSERT INTO brands (uuid, name) VALUES ('22222222-2222-4222-8222-222222222222', 'toyota');
        INSERT INTO models (uuid, name, "brandId", yearstart)
          VALUES ('33333333-3333-4333-8333-333333333333', 'Camry', '22222222-2222-4222-8222-222222222222', 1982);
        INSERT INTO convert_prices (label, rate) VALUES ('USD', 19.5);
        INSERT INTO otp_codes (id, phone, purpose, "codeHash", "expiresAt")
          VALUES ('44444444-4444-4444-8444-444444444444', '+99361234567', 'login', '$2b$10$x', now());
        "#,
    )
    .await
    .unwrap();
}

const LEGACY_FIVE: [&str; 5] = [
    "20260202000000-baseline.js",
    "20260203000000-schema-fixes-brands-convert-prices.js",
    "20260206000000-refresh-token-hash.js",
    "20260209000000-convert-string-to-uuid.js",
    "20260209000001-add-color-to-posts.js",
];

async fn legacy_rows(db: &TestDb) -> String {
    let mut conn = db.conn().await;
    let mut all = String::new();
    for table in ["users", "brands", "models", "convert_prices", "otp_codes"] {
        all.push_str(
            &text(
                &mut conn,
                &format!("SELECT json_agg(t ORDER BY t::text)::text AS snapshot FROM {table} t"),
            )
            .await,
        );
        all.push('\n');
    }
    all
}

#[tokio::test]
async fn adopts_a_database_migrated_by_the_old_backend_without_touching_rows() {
    let db = TestDb::empty().await;
    legacy_database(&db, &LEGACY_FIVE).await;
    let rows_before = legacy_rows(&db).await;

    let outcome = migrate::run_pending(db.url()).await.unwrap();
    assert!(outcome.adopted_legacy);
    let versions = migrate::embedded_versions();
    assert_eq!(
        outcome.applied,
        versions[1..],
        "baseline recorded, the rest applied"
    );
    assert_eq!(
        legacy_rows(&db).await,
        rows_before,
        "adoption must not change a row"
    );

    let mut conn = db.conn().await;
    assert!(
        alpha_store::migrate::is_up_to_date(&mut conn)
            .await
            .unwrap()
    );
    assert_eq!(
        count(&mut conn, "SELECT count(*) AS n FROM sessions").await,
        0,
        "our own tables exist after adoption"
    );

    let again = migrate::run_pending(db.url()).await.unwrap();
    assert!(!again.adopted_legacy);
    assert!(again.applied.is_empty());
}

#[tokio::test]
async fn refuses_a_legacy_database_with_missing_old_migrations() {
    let db = TestDb::empty().await;
    legacy_database(&db, &LEGACY_FIVE[..3]).await;
    let err = migrate::run_pending(db.url()).await.unwrap_err();
    match err {
        MigrateError::LegacyIncomplete { missing } => {
            assert_eq!(missing, LEGACY_FIVE[3..]);
        }
        other => panic!("unexpected error: {other}"),
    }
    let mut conn = db.conn().await;
    let bookkeeping = count(
        &mut conn,
        "SELECT count(*) AS n FROM pg_tables WHERE tablename = '__diesel_schema_migrations'",
    )
    .await;
    assert_eq!(bookkeeping, 0, "nothing recorded for a refused database");
}

#[tokio::test]
async fn refuses_tables_without_any_bookkeeping() {
    let db = TestDb::empty().await;
    let mut conn = db.conn().await;
    conn.batch_execute(&baseline_up_sql()).await.unwrap();
    let err = migrate::run_pending(db.url()).await.unwrap_err();
    assert!(matches!(err, MigrateError::UnknownSchema), "got {err}");
}

#[tokio::test]
async fn concurrent_runs_take_turns_under_the_lock() {
    let db = TestDb::empty().await;
    let runs: Vec<_> = (0..4)
        .map(|_| {
            let url = db.url().to_owned();
            tokio::spawn(async move { migrate::run_pending(&url).await })
        })
        .collect();
    let mut applied_counts = Vec::new();
    for run in runs {
        let outcome = run.await.unwrap().expect("every concurrent run succeeds");
        applied_counts.push(outcome.applied.len());
    }
    applied_counts.sort_unstable();
    let all = migrate::embedded_versions().len();
    assert_eq!(
        applied_counts,
        vec![0, 0, 0, all],
        "exactly one run applies everything"
    );
    let mut conn = db.conn().await;
    assert!(migrate::is_up_to_date(&mut conn).await.unwrap());
}

#[tokio::test]
async fn readiness_check_sees_pending_migrations() {
    let db = TestDb::empty().await;
    let mut conn = db.conn().await;
    assert!(!migrate::is_up_to_date(&mut conn).await.unwrap());
    migrate::run_pending(db.url()).await.unwrap();
    assert!(migrate::is_up_to_date(&mut conn).await.unwrap());
}
