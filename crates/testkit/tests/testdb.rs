//! The test kit against a real PostgreSQL (the shared test cluster unless TEST_DATABASE_URL).
#![allow(clippy::unwrap_used)]

use alpha_testkit::TestDb;
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Bool, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Flag {
    #[diesel(sql_type = Bool)]
    yes: bool,
}

async fn count(conn: &mut AsyncPgConnection, sql: &str) -> i64 {
    diesel::sql_query(sql).load::<Count>(conn).await.unwrap()[0].n
}

async fn database_exists(url: &str, name: &str) -> bool {
    let mut conn = AsyncPgConnection::establish(url).await.unwrap();
    diesel::sql_query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS yes")
        .bind::<Text, _>(name)
        .load::<Flag>(&mut conn)
        .await
        .unwrap()[0]
        .yes
}

#[tokio::test]
async fn new_has_the_migrated_tables() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let tables = count(
        &mut conn,
        "SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public' \
         AND tablename IN ('users', 'sessions', '__diesel_schema_migrations')",
    )
    .await;
    assert_eq!(tables, 3);
    assert!(
        count(
            &mut conn,
            "SELECT count(*) AS n FROM __diesel_schema_migrations"
        )
        .await
            > 0
    );
}

#[tokio::test]
async fn empty_has_no_tables() {
    let db = TestDb::empty().await;
    let mut conn = db.conn().await;
    let tables = count(
        &mut conn,
        "SELECT count(*) AS n FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
    )
    .await;
    assert_eq!(tables, 0);
}

#[tokio::test]
async fn databases_are_isolated() {
    let (a, b) = tokio::join!(TestDb::new(), TestDb::new());
    assert_ne!(a.url(), b.url());
    let mut ca = a.conn().await;
    let mut cb = b.conn().await;
    ca.batch_execute(
        r#"INSERT INTO users ("uuid", "phone") VALUES (gen_random_uuid(), '+99361000001')"#,
    )
    .await
    .unwrap();
    ca.batch_execute("CREATE TABLE only_in_a (x int)")
        .await
        .unwrap();
    assert_eq!(count(&mut ca, "SELECT count(*) AS n FROM users").await, 1);
    assert_eq!(count(&mut cb, "SELECT count(*) AS n FROM users").await, 0);
    assert_eq!(
        count(
            &mut cb,
            "SELECT count(*) AS n FROM pg_tables WHERE tablename = 'only_in_a'"
        )
        .await,
        0
    );
}

#[tokio::test]
async fn dropping_removes_the_database() {
    let keeper = TestDb::empty().await;
    let db = TestDb::new().await;
    let name = db.name().to_owned();
    let maintenance = keeper.server_url(keeper.name());
    assert!(database_exists(&maintenance, &name).await);
    let conn = db.conn().await; // an open session must not block the drop
    drop(db);
    assert!(!database_exists(&maintenance, &name).await);
    drop(conn);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn works_on_a_multi_thread_runtime() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    assert_eq!(count(&mut conn, "SELECT count(*) AS n FROM users").await, 0);
}

/// A plain test drives its own runtime, and the TestDb outlives it.
#[test]
fn works_from_a_plain_test() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let db = runtime.block_on(async {
        let db = TestDb::new().await;
        let mut conn = db.conn().await;
        assert_eq!(count(&mut conn, "SELECT count(*) AS n FROM users").await, 0);
        db
    });
    drop(runtime);
    drop(db);
}
