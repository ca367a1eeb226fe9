//! `alpha-motors device add` through the real binary: the printed token is the only copy of the
//! secret, and it verifies against the hash stored in `sms_devices`.
#![allow(clippy::unwrap_used)]

mod support;

use std::process::{Output, Stdio};

use alpha_sms_dispatch::device_token::{split_token, verify_secret};
use alpha_testkit::TestDb;
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Bool, Nullable, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use support::{command, shared_tempdir};

#[derive(QueryableByName, Debug)]
struct DeviceRow {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Nullable<Text>)]
    name: Option<String>,
    #[diesel(sql_type = Text)]
    region: String,
    #[diesel(sql_type = Nullable<Text>)]
    token_hash: Option<String>,
    #[diesel(sql_type = Bool)]
    enabled: bool,
    #[diesel(sql_type = Bool)]
    connected: bool,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

async fn devices(url: &str) -> Vec<DeviceRow> {
    let mut conn = AsyncPgConnection::establish(url).await.unwrap();
    diesel::sql_query(
        "SELECT id, name, region, token_hash, enabled, connected FROM sms_devices ORDER BY id",
    )
    .load(&mut conn)
    .await
    .unwrap()
}

/// Runs the binary with stdout captured apart from the log file (which gets stderr).
fn device(db: &TestDb, log: &std::path::Path, args: &[&str]) -> Output {
    command(log)
        .arg("device")
        .args(args)
        .env("DATABASE_URL", db.url())
        .stdout(Stdio::piped())
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn device_add_prints_a_token_that_verifies_against_the_stored_hash() {
    // Not migrated: the command has to bring the schema up itself.
    let db = TestDb::empty().await;
    let tmp = shared_tempdir();
    let log = tmp.path().join("device.log");
    let output = device(&db, &log, &["add", "--region", "tm", "--name", "Pixel"]);
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = std::fs::read_to_string(&log).unwrap();
    assert!(
        output.status.success(),
        "device add failed:\n{stdout}\n{stderr}"
    );

    // The token is the line after the note.
    let mut lines = stdout.lines();
    lines
        .by_ref()
        .find(|l| l.contains("cannot be shown again"))
        .unwrap_or_else(|| panic!("no note in:\n{stdout}"));
    let token = lines.next().unwrap().trim();
    let (id, secret) = split_token(token).unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
    assert_eq!(
        stdout.matches(secret).count(),
        1,
        "the secret is printed exactly once"
    );
    assert!(!stderr.contains(secret), "the secret never reaches the log");

    let rows = devices(db.url()).await;
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row.id, id);
    assert_eq!(row.name.as_deref(), Some("Pixel"));
    assert_eq!(row.region, "tm");
    assert!(row.enabled);
    assert!(!row.connected);
    let hash = row.token_hash.as_deref().unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains(secret), "only a hash is stored");
    assert!(verify_secret(secret, hash));
    let mut wrong = secret.to_owned();
    let last = wrong.pop().unwrap();
    wrong.push(if last == '0' { '1' } else { '0' });
    assert!(!verify_secret(&wrong, hash), "one changed character fails");

    // A second device gets its own id and token.
    let output = device(&db, &log, &["add", "--region", "tm", "--name", "Galaxy"]);
    assert!(output.status.success());
    let second = String::from_utf8(output.stdout).unwrap();
    assert!(!second.contains(secret));
    assert_eq!(devices(db.url()).await.len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn device_add_refuses_bad_arguments_and_stores_nothing() {
    let db = TestDb::new().await;
    let tmp = shared_tempdir();
    let log = tmp.path().join("bad.log");

    let missing_name = device(&db, &log, &["add", "--region", "tm"]);
    assert!(!missing_name.status.success());
    let blank_region = device(&db, &log, &["add", "--region", " ", "--name", "Pixel"]);
    assert!(!blank_region.status.success());
    let long_region = "r".repeat(51);
    let too_long = device(&db, &log, &["add", "--region", &long_region, "--name", "P"]);
    assert!(!too_long.status.success());

    let mut conn = AsyncPgConnection::establish(db.url()).await.unwrap();
    let rows: Vec<Count> = diesel::sql_query("SELECT count(*) AS n FROM sms_devices")
        .load(&mut conn)
        .await
        .unwrap();
    assert_eq!(rows[0].n, 0);
}
