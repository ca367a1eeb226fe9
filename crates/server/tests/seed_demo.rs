//! `alpha-motors seed --demo` on a real database: demo categories, banners and plans with their
//! pictures, added once, never over real rows.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use alpha_server::commands::seed::{demo, demo_posts, load};
use alpha_store::seed::CatalogSource;
use alpha_store::seed::demo::demo_uuid;
use alpha_testkit::{TestDb, catalogue_fixture, test_settings};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Text};
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Paths {
    #[diesel(sql_type = Text)]
    path: String,
}

async fn count(db: &TestDb, sql: &str) -> i64 {
    let rows: Vec<Count> = diesel::sql_query(sql)
        .load(&mut db.conn().await)
        .await
        .unwrap();
    rows[0].n
}

fn files_under(dir: &Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .map(|e| e.unwrap().path())
            .map(|p| if p.is_dir() { files_under(&p) } else { 1 })
            .sum()
    })
}

#[tokio::test]
async fn demo_seed_adds_rows_with_pictures_once_and_leaves_real_rows_alone() {
    let db = TestDb::new().await;
    let uploads = tempfile::tempdir().unwrap();
    let settings = test_settings(&[("ALPHA__UPLOADS__DIR", uploads.path().to_str().unwrap())]);
    // A real category already holds priority 2: the demo "Trucks" must not displace it.
    db.conn()
        .await
        .batch_execute(
            r#"INSERT INTO categories (uuid, name, creator, priority)
               VALUES (gen_random_uuid(), '{"en": "Real"}', '{"name": "admin"}', 2)"#,
        )
        .await
        .unwrap();

    demo(&settings, db.url()).await.unwrap();

    assert_eq!(count(&db, "SELECT count(*) AS n FROM categories").await, 3);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) AS n FROM categories WHERE name->>'en' = 'Real' AND priority = 2"
        )
        .await,
        1
    );
    assert_eq!(count(&db, "SELECT count(*) AS n FROM banners").await, 2);
    assert_eq!(
        count(&db, "SELECT count(*) AS n FROM subscriptions").await,
        3
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) AS n FROM subscriptions WHERE name->>'tm' = 'Altyn' \
             AND name->>'ru' = 'Золотой' AND price = 250 AND color = '#FFD700'"
        )
        .await,
        1
    );
    // Two categories, two banners, three plans: seven pictures of four files each.
    assert_eq!(count(&db, "SELECT count(*) AS n FROM photo").await, 7);
    assert_eq!(files_under(uploads.path()), 28);
    let paths: Vec<Paths> = diesel::sql_query(
        "SELECT path->>'small' AS path FROM photo UNION ALL \
         SELECT \"originalPath\" FROM photo",
    )
    .load(&mut db.conn().await)
    .await
    .unwrap();
    for Paths { path } in &paths {
        let relative = path.strip_prefix("uploads/").unwrap();
        assert!(uploads.path().join(relative).is_file(), "{path}");
    }
    let banner = demo_uuid("banner:1");
    assert_eq!(
        count(
            &db,
            &format!(
                "SELECT count(*) AS n FROM photo WHERE \"bannerId\" = '{banner}' \
                 AND path->>'large' LIKE 'uploads/banners/large_%'"
            )
        )
        .await,
        1
    );

    demo(&settings, db.url()).await.unwrap();

    assert_eq!(count(&db, "SELECT count(*) AS n FROM categories").await, 3);
    assert_eq!(count(&db, "SELECT count(*) AS n FROM banners").await, 2);
    assert_eq!(
        count(&db, "SELECT count(*) AS n FROM subscriptions").await,
        3
    );
    assert_eq!(count(&db, "SELECT count(*) AS n FROM photo").await, 7);
    assert_eq!(files_under(uploads.path()), 28, "a second run adds nothing");
}

#[tokio::test]
async fn demo_posts_are_approved_listings_with_pictures_added_once_per_number() {
    let db = TestDb::new().await;
    let uploads = tempfile::tempdir().unwrap();
    let settings = test_settings(&[("ALPHA__UPLOADS__DIR", uploads.path().to_str().unwrap())]);

    let err = demo_posts(&settings, db.url(), 5).await.unwrap_err();
    assert!(
        format!("{err:#}").contains("load the catalogue"),
        "no catalogue, a clear error: {err:#}"
    );

    load(db.url(), CatalogSource::File(catalogue_fixture()))
        .await
        .unwrap();
    demo_posts(&settings, db.url(), 30).await.unwrap();

    assert_eq!(count(&db, "SELECT count(*) AS n FROM posts").await, 30);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) AS n FROM posts p JOIN models m ON m.uuid = p.\"modelsId\" \
             AND m.\"brandId\" = p.\"brandsId\" WHERE p.status IS TRUE AND p.price > 0 \
             AND p.year BETWEEN 2000 AND 2026 AND p.\"userId\" IS NOT NULL"
        )
        .await,
        30,
        "approved, priced, each model of its own brand"
    );
    let pool = alpha_store::seed::demo_posts::PICTURE_POOL as i64;
    assert_eq!(count(&db, "SELECT count(*) AS n FROM photo").await, pool);
    assert_eq!(files_under(uploads.path()) as i64, pool * 4);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) AS n FROM posts p WHERE NOT EXISTS \
             (SELECT 1 FROM photo_posts pp WHERE pp.\"postId\" = p.uuid)"
        )
        .await,
        0,
        "every post has a picture"
    );
    let links = count(&db, "SELECT count(*) AS n FROM photo_posts").await;
    assert!((30..=90).contains(&links), "{links}");
    // The seller can never log in: no phone.
    assert_eq!(
        count(
            &db,
            "SELECT count(*) AS n FROM users WHERE phone IS NULL AND uuid IN \
             (SELECT \"userId\" FROM posts)"
        )
        .await,
        1
    );

    demo_posts(&settings, db.url(), 30).await.unwrap();
    assert_eq!(count(&db, "SELECT count(*) AS n FROM posts").await, 30);
    assert_eq!(
        count(&db, "SELECT count(*) AS n FROM photo_posts").await,
        links
    );
    assert_eq!(
        files_under(uploads.path()) as i64,
        pool * 4,
        "same N: nothing new"
    );

    demo_posts(&settings, db.url(), 45).await.unwrap();
    assert_eq!(count(&db, "SELECT count(*) AS n FROM posts").await, 45);
    assert_eq!(count(&db, "SELECT count(*) AS n FROM photo").await, pool);
    demo_posts(&settings, db.url(), 10).await.unwrap();
    assert_eq!(
        count(&db, "SELECT count(*) AS n FROM posts").await,
        45,
        "a smaller N removes nothing"
    );
}
