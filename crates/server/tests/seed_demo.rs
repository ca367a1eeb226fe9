//! `alpha-motors seed --demo` on a real database: demo categories, banners and plans with their
//! pictures, added once, never over real rows.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use alpha_server::commands::seed::demo;
use alpha_store::seed::demo::demo_uuid;
use alpha_testkit::{TestDb, test_settings};
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
