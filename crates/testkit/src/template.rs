//! The migrated template database each test's database is cloned from.
//!
//! Its name carries a hash of the migration set, so a changed migration gets a new template and
//! an unchanged one is reused across test runs on a shared server. It is built under a temporary
//! name and renamed only when fully migrated: a template under the final name is always
//! complete. An advisory lock keeps racing test processes from building it twice.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use diesel::QueryableByName;
use diesel::sql_types::Text;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use tokio::sync::OnceCell;

use crate::server::Server;
use crate::url::quote_ident;

const PREFIX: &str = "alpha_tmpl_";
/// Migration connections may still be closing when the build finishes; RENAME needs them gone.
const RENAME_PATIENCE: Duration = Duration::from_secs(10);

/// The template's name, built on first use in this process.
pub(crate) async fn shared(server: &'static Server) -> Result<&'static str, String> {
    static TEMPLATE: OnceCell<Result<String, String>> = OnceCell::const_new();
    TEMPLATE
        .get_or_init(|| ensure(server))
        .await
        .as_ref()
        .map(String::as_str)
        .map_err(Clone::clone)
}

async fn ensure(server: &Server) -> Result<String, String> {
    let hash = migration_set_hash();
    let name = format!("{PREFIX}{hash:016x}");
    let mut conn = connect(&server.maintenance_url()?).await?;
    if database_names(&mut conn).await?.contains(&name) {
        return Ok(name);
    }
    let key = i64::from_ne_bytes(hash.to_ne_bytes());
    execute(&mut conn, &format!("SELECT pg_advisory_lock({key})")).await?;
    let built = build_locked(&mut conn, server, &name).await;
    // Closing the connection frees the lock as well; unlocking just does it sooner.
    let _ = execute(&mut conn, &format!("SELECT pg_advisory_unlock({key})")).await;
    built.map(|()| name)
}

async fn build_locked(
    conn: &mut AsyncPgConnection,
    server: &Server,
    name: &str,
) -> Result<(), String> {
    let existing = database_names(conn).await?;
    if existing.iter().any(|n| n == name) {
        return Ok(()); // another process built it while we waited for the lock
    }
    // Holding the lock, no one else is building: any half-built copy is from a dead process.
    let staging_prefix = format!("{name}_b");
    for stale in existing.iter().filter(|n| n.starts_with(&staging_prefix)) {
        drop_database(conn, stale).await?;
    }
    let staging = format!("{staging_prefix}{}", std::process::id());
    execute(
        conn,
        &format!(
            "CREATE DATABASE {} TEMPLATE template0",
            quote_ident(&staging)
        ),
    )
    .await?;
    alpha_store::migrate::run_pending(&server.url(&staging)?)
        .await
        .map_err(|e| format!("migrating the template database: {e}"))?;
    // Nobody may connect to the template: a single session on it makes cloning fail.
    execute(
        conn,
        &format!(
            "ALTER DATABASE {} WITH ALLOW_CONNECTIONS false",
            quote_ident(&staging)
        ),
    )
    .await?;
    let rename = format!(
        "ALTER DATABASE {} RENAME TO {}",
        quote_ident(&staging),
        quote_ident(name)
    );
    retry_while_in_use(conn, &rename).await
}

pub(crate) async fn drop_database(conn: &mut AsyncPgConnection, name: &str) -> Result<(), String> {
    execute(
        conn,
        &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", quote_ident(name)),
    )
    .await
}

/// Runs `sql`, retrying while other sessions still hold the database it names.
pub(crate) async fn retry_while_in_use(
    conn: &mut AsyncPgConnection,
    sql: &str,
) -> Result<(), String> {
    let deadline = Instant::now() + RENAME_PATIENCE;
    loop {
        match execute(conn, sql).await {
            Err(e) if e.contains("being accessed by other users") && Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            other => return other,
        }
    }
}

pub(crate) async fn connect(url: &str) -> Result<AsyncPgConnection, String> {
    AsyncPgConnection::establish(url)
        .await
        .map_err(|e| format!("cannot connect to {url}: {e}"))
}

pub(crate) async fn execute(conn: &mut AsyncPgConnection, sql: &str) -> Result<(), String> {
    conn.batch_execute(sql)
        .await
        .map_err(|e| format!("`{sql}` failed: {e}"))
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    datname: String,
}

async fn database_names(conn: &mut AsyncPgConnection) -> Result<Vec<String>, String> {
    let rows: Vec<Name> = diesel::sql_query("SELECT datname FROM pg_database")
        .load(conn)
        .await
        .map_err(|e| format!("listing databases: {e}"))?;
    Ok(rows.into_iter().map(|r| r.datname).collect())
}

/// FNV-1a over the migration files' paths and contents, plus the versions compiled into
/// alpha-store. Stable across processes and toolchains, unlike std's hasher.
fn migration_set_hash() -> u64 {
    let mut hash = Fnv::default();
    for version in alpha_store::migrate::embedded_versions() {
        hash.write(version.as_bytes());
        hash.write(&[0]);
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations");
    let mut files = Vec::new();
    collect_files(&dir, &mut files);
    if files.is_empty() {
        // Without the sources, edits to a migration would go unnoticed: never share.
        tracing::warn!(dir = %dir.display(), "migration sources not found; template not reused");
        hash.write(uuid::Uuid::new_v4().as_bytes());
    }
    files.sort();
    for file in files {
        let relative = file.strip_prefix(&dir).unwrap_or(&file);
        hash.write(relative.to_string_lossy().as_bytes());
        hash.write(&[0]);
        hash.write(&std::fs::read(&file).unwrap_or_default());
        hash.write(&[0]);
    }
    hash.0
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for path in entries.filter_map(Result::ok).map(|e| e.path()) {
        if path.is_dir() {
            collect_files(&path, out);
        } else {
            out.push(path);
        }
    }
}

struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}
