//! The seed against a real PostgreSQL: exact counts (the full catalogue when `SEED_DATA_FILE`
//! names it, else the fixture), idempotence, and a built-in fallback that never overwrites.
#![allow(clippy::unwrap_used)]

mod support;

use std::path::PathBuf;

use alpha_store::seed::{self, CatalogSource, SeedError};
use alpha_testkit::{TestDb, catalogue};
use diesel_async::SimpleAsyncConnection;
use support::{count, text};

#[tokio::test]
async fn catalogue_loads_with_exact_counts_and_is_idempotent() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let expected = catalogue();
    let (brands, models) = (
        usize::try_from(expected.brands).unwrap(),
        usize::try_from(expected.models).unwrap(),
    );
    let source = CatalogSource::File(expected.path.clone());

    let first = seed::run(&mut conn, &source).await.unwrap();
    assert_eq!(
        (first.brands, first.models, first.currencies),
        (brands, models, 3)
    );
    assert_eq!(
        (first.brands_changed, first.models_changed),
        (brands, models)
    );
    assert_eq!(
        count(&mut conn, "SELECT count(*) AS n FROM brands").await,
        expected.brands
    );
    assert_eq!(
        count(&mut conn, "SELECT count(*) AS n FROM models").await,
        expected.models
    );
    let stamp = "SELECT (max(\"updatedAt\")::text || (SELECT max(\"updatedAt\")::text FROM models)) AS snapshot FROM brands";
    let before = text(&mut conn, stamp).await;

    let second = seed::run(&mut conn, &source).await.unwrap();
    assert_eq!(
        (
            second.brands_changed,
            second.models_changed,
            second.currencies_changed
        ),
        (0, 0, 0),
        "a second run changes nothing"
    );
    assert_eq!(
        text(&mut conn, stamp).await,
        before,
        "not even updatedAt moves"
    );
    assert_eq!(
        count(&mut conn, "SELECT count(*) AS n FROM models").await,
        expected.models
    );
}

#[tokio::test]
async fn seeded_rows_use_the_old_backends_v5_uuids_and_slug_names() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    seed::run(&mut conn, &CatalogSource::File(catalogue().path))
        .await
        .unwrap();
    let toyota = seed::brand_uuid("toyota");
    assert_eq!(
        text(
            &mut conn,
            &format!("SELECT name::text AS snapshot FROM brands WHERE uuid = '{toyota}'")
        )
        .await,
        "toyota"
    );
    let camry = seed::model_uuid("toyota", "camry");
    assert_eq!(
        text(
            &mut conn,
            &format!(
                "SELECT (name || ' ' || \"brandId\"::text) AS snapshot FROM models WHERE uuid = '{camry}'"
            )
        )
        .await,
        format!("Camry {toyota}")
    );
    assert_eq!(
        text(&mut conn, "SELECT string_agg(label || '=' || rate::text, ',' ORDER BY label) AS snapshot FROM convert_prices").await,
        "CNY=2.700000,TMT=1.000000,USD=19.500000"
    );
}

#[tokio::test]
async fn built_in_catalogue_fills_an_empty_database_and_never_overwrites() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let built_in = seed::run(&mut conn, &CatalogSource::BuiltIn).await.unwrap();
    assert!(
        built_in.brands >= 10 && built_in.models >= 30,
        "{built_in:?}"
    );
    assert_eq!(
        count(&mut conn, "SELECT count(*) AS n FROM brands").await,
        i64::try_from(built_in.brands).unwrap()
    );

    // A full seed, then an admin's edit of a rate; the built-in fallback must leave both alone.
    seed::run(&mut conn, &CatalogSource::File(catalogue().path))
        .await
        .unwrap();
    conn.batch_execute("UPDATE convert_prices SET rate = 20 WHERE label = 'USD'")
        .await
        .unwrap();
    let models = "SELECT md5(string_agg(uuid::text || name || coalesce(yearstart, 0) || coalesce(yearend, 0), ',' ORDER BY uuid)) AS snapshot FROM models";
    let before = text(&mut conn, models).await;
    let again = seed::run(&mut conn, &CatalogSource::BuiltIn).await.unwrap();
    assert_eq!(
        (
            again.brands_changed,
            again.models_changed,
            again.currencies_changed
        ),
        (0, 0, 0)
    );
    assert_eq!(text(&mut conn, models).await, before);
    assert_eq!(
        text(
            &mut conn,
            "SELECT rate::text AS snapshot FROM convert_prices WHERE label = 'USD'"
        )
        .await,
        "20.000000"
    );
}

#[tokio::test]
async fn a_missing_file_is_a_clear_error_and_writes_nothing() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let err = seed::run(
        &mut conn,
        &CatalogSource::File(PathBuf::from("/nonexistent/cars.json")),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, SeedError::FileNotFound { .. }), "{err}");
    assert!(err.to_string().contains("/nonexistent/cars.json"));
    assert_eq!(
        count(&mut conn, "SELECT count(*) AS n FROM convert_prices").await,
        0
    );
}

#[tokio::test]
async fn a_malformed_file_is_a_clear_error_and_writes_nothing() {
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.json");
    std::fs::write(&file, "[{\"categorySlug\": \"x\", ").unwrap();
    let mut conn = db.conn().await;
    let err = seed::run(&mut conn, &CatalogSource::File(file))
        .await
        .unwrap_err();
    assert!(matches!(err, SeedError::InvalidJson { .. }), "{err}");
    assert_eq!(
        count(&mut conn, "SELECT count(*) AS n FROM brands").await,
        0
    );
}
