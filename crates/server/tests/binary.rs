//! The real `alpha-motors` binary: embedded database lifecycle, docs, config errors, concurrent
//! migrate, and the seed command with the catalogue (the fixture, or the full file when SEED_DATA_FILE is set).
#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use alpha_testkit::TestDb;
use diesel::QueryableByName;
use diesel::sql_types::BigInt;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use support::{command, free_port, get, processes_mentioning, shared_tempdir, spawn, wait_ready};

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

async fn count(url: &str, sql: &str) -> i64 {
    let mut conn = AsyncPgConnection::establish(url).await.unwrap();
    let rows: Vec<Count> = diesel::sql_query(sql).load(&mut conn).await.unwrap();
    rows[0].n
}

fn embedded_url(data_dir: &std::path::Path) -> String {
    format!(
        "postgresql://postgres@/alpha_motors?host={}",
        data_dir.display()
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn embedded_mode_starts_serves_stops_cleanly_and_reuses_its_data() {
    let tmp = shared_tempdir();
    let data_dir = tmp.path().join("pg");
    let port = free_port();
    let metrics_port = free_port();
    let start = |log: &str| {
        let log = tmp.path().join(log);
        let mut cmd = command(&log);
        cmd.env("PORT", port.to_string())
            .env("PG_DATA_DIR", &data_dir)
            .env("METRICS_ADDR", format!("127.0.0.1:{metrics_port}"));
        spawn(cmd, port, log)
    };

    let mut server = start("first.log");
    wait_ready(&mut server, Duration::from_secs(90));
    // Metrics on their own listener, not on the API's port.
    let (status, metrics) = get(metrics_port, "/metrics").unwrap();
    assert_eq!(status, 200);
    assert!(
        metrics.contains("db_pool_connections{state=\"in_use\"}"),
        "{metrics}"
    );
    assert!(
        metrics.contains("http_requests_total{method=\"GET\",route=\"/readyz\""),
        "{metrics}"
    );
    let (status, _) = get(port, "/metrics").unwrap();
    assert_eq!(status, 404);
    assert!(
        data_dir.join("PG_VERSION").is_file(),
        "cluster created under the data dir"
    );
    let (status, body) = get(port, "/api-docs/openapi.json").unwrap();
    assert_eq!(status, 200);
    let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let (status, body) = get(port, "/api-docs/").unwrap();
    assert_eq!(status, 200);
    assert!(body.contains("swagger"), "Swagger UI page served");
    let (status, _) = get(port, "/api-docs").unwrap();
    assert_eq!(status, 308, "bare /api-docs redirects to the UI");

    // Built-in seed ran on start; leave a marker to find after the restart.
    let url = embedded_url(&data_dir);
    assert!(count(&url, "SELECT count(*) AS n FROM brands").await > 5);
    let mut conn = AsyncPgConnection::establish(&url).await.unwrap();
    conn.batch_execute("INSERT INTO convert_prices (label, rate) VALUES ('E2E', 7)")
        .await
        .unwrap();
    drop(conn);

    let status = server.interrupt();
    assert!(status.success(), "clean exit on SIGINT, got {status}");
    let needle = data_dir.to_string_lossy().into_owned();
    assert_eq!(
        processes_mentioning(&needle),
        Vec::<String>::new(),
        "no PostgreSQL process may outlive the server"
    );
    assert!(
        !data_dir.join("postmaster.pid").exists(),
        "cluster shut down cleanly"
    );

    let mut server = start("second.log");
    wait_ready(&mut server, Duration::from_secs(60));
    assert_eq!(
        count(
            &url,
            "SELECT count(*) AS n FROM convert_prices WHERE label = 'E2E'"
        )
        .await,
        1,
        "second start reuses the data"
    );
    let log = server.log_text();
    assert!(server.interrupt().success());
    assert!(
        !log.contains("initdb"),
        "no new cluster on the second start:\n{log}"
    );
    assert_eq!(processes_mentioning(&needle), Vec::<String>::new());
}

#[test]
fn missing_postgres_binaries_give_one_clear_error() {
    let tmp = shared_tempdir();
    let log = tmp.path().join("log");
    let status = command(&log)
        .env("PG_BIN_DIR", tmp.path().join("no-such-dir"))
        .env("PG_DATA_DIR", tmp.path().join("pg"))
        .env("PORT", free_port().to_string())
        .status()
        .unwrap();
    assert!(!status.success());
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains("PostgreSQL"), "{text}");
    assert!(text.contains("apt-get install postgresql"), "{text}");
}

#[test]
fn invalid_configuration_is_refused_naming_the_value() {
    let tmp = shared_tempdir();
    let log = tmp.path().join("log");
    let status = command(&log).env("PORT", "eighty").status().unwrap();
    assert_eq!(status.code(), Some(2), "configuration errors exit with 2");
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains("PORT"),
        "the message names the variable: {text}"
    );

    let log = tmp.path().join("log2");
    let status = command(&log)
        .env("APP_ENV", "production")
        .env("DATABASE_URL", "postgres://localhost/x")
        .env("ACCESS_TOKEN_SECRET_KEY", "tiny-s3cr3t")
        .env("REFRESH_TOKEN_SECRET_KEY", "r".repeat(40))
        .env("OTP_PEPPER", "p".repeat(40))
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(2));
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains("ACCESS_TOKEN_SECRET_KEY"), "{text}");
    assert!(
        !text.contains("tiny-s3cr3t"),
        "the secret's value is never printed: {text}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn two_migrate_processes_at_once_both_succeed() {
    let db = TestDb::empty().await;
    let tmp = shared_tempdir();
    let children: Vec<_> = (0..2)
        .map(|i| {
            command(&tmp.path().join(format!("m{i}.log")))
                .arg("migrate")
                .env("DATABASE_URL", db.url())
                .spawn()
                .unwrap()
        })
        .collect();
    for (i, mut child) in children.into_iter().enumerate() {
        let status = child.wait().unwrap();
        let log = std::fs::read_to_string(tmp.path().join(format!("m{i}.log"))).unwrap();
        assert!(status.success(), "migrate {i} failed:\n{log}");
    }
    let mut conn = db.conn().await;
    assert!(
        alpha_store::migrate::is_up_to_date(&mut conn)
            .await
            .unwrap()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn seed_command_loads_the_catalogue_idempotently() {
    let db = TestDb::new().await;
    let tmp = shared_tempdir();
    let expected = alpha_testkit::catalogue();
    let file = expected.path.clone();
    for run in 0..2 {
        let log = tmp.path().join(format!("seed{run}.log"));
        let status = command(&log)
            .args(["seed", "--data-file"])
            .arg(&file)
            .env("DATABASE_URL", db.url())
            .status()
            .unwrap();
        assert!(
            status.success(),
            "{}",
            std::fs::read_to_string(&log).unwrap()
        );
        assert_eq!(
            count(db.url(), "SELECT count(*) AS n FROM brands").await,
            expected.brands
        );
        assert_eq!(
            count(db.url(), "SELECT count(*) AS n FROM models").await,
            expected.models
        );
        assert_eq!(
            count(db.url(), "SELECT count(*) AS n FROM convert_prices").await,
            3
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn migrate_and_seed_work_in_embedded_mode_and_leave_no_process() {
    let tmp = shared_tempdir();
    let data_dir = tmp.path().join("pg");
    let run = |args: &[&str], log: &str| {
        let log = tmp.path().join(log);
        let status = command(&log)
            .args(args)
            .env("PG_DATA_DIR", &data_dir)
            .status()
            .unwrap();
        assert!(
            status.success(),
            "{args:?}:\n{}",
            std::fs::read_to_string(&log).unwrap()
        );
    };
    run(&["migrate"], "migrate.log");
    let needle = data_dir.to_string_lossy().into_owned();
    assert_eq!(processes_mentioning(&needle), Vec::<String>::new());

    let expected = alpha_testkit::catalogue();
    let file = expected.path.clone();
    run(&["seed", "--data-file", file.to_str().unwrap()], "seed.log");
    assert_eq!(processes_mentioning(&needle), Vec::<String>::new());

    // Read the result through a cluster of our own on the same folder.
    let cluster = alpha_pg_embedded::EmbeddedPostgres::start(
        alpha_pg_embedded::EmbeddedOptions::new(&data_dir),
    )
    .await
    .unwrap();
    let url = cluster.url("alpha_motors");
    assert_eq!(
        count(&url, "SELECT count(*) AS n FROM models").await,
        expected.models
    );
    cluster.stop().await.unwrap();
}
