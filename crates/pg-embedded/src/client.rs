//! Talking to the embedded server as a client: its URL, readiness, and databases.

use std::path::Path;
use std::time::{Duration, Instant};

use diesel::QueryableByName;
use diesel::sql_types::{Bool, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};

use super::{EmbeddedError, PORT};

const CONNECT_ATTEMPT_LIMIT: Duration = Duration::from_secs(2);
const RETRY_EVERY: Duration = Duration::from_millis(50);

/// tokio-postgres takes a host starting with `/` as a socket folder, and percent-decodes the
/// `host` query value; libpq (psql) reads the same form.
pub(crate) fn url(socket_dir: &Path, database: &str) -> String {
    format!(
        "postgresql://postgres@/{}?host={}&port={PORT}",
        encode(database, false),
        encode(&socket_dir.to_string_lossy(), true),
    )
}

/// Percent-encodes everything but unreserved characters (and `/` in paths).
fn encode(text: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric()
            || matches!(byte, b'-' | b'.' | b'_' | b'~')
            || (keep_slash && byte == b'/')
        {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Connects once; errors while the server is still starting are expected.
async fn probe(url: &str) -> Result<(), String> {
    match tokio::time::timeout(CONNECT_ATTEMPT_LIMIT, AsyncPgConnection::establish(url)).await {
        Ok(Ok(mut conn)) => conn
            .batch_execute("SELECT 1")
            .await
            .map_err(|e| e.to_string()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("connection attempt timed out".to_owned()),
    }
}

/// Polls until `probe` succeeds, `gave_up` says the server is gone, or `limit` passes.
pub(crate) async fn wait_ready(
    url: &str,
    limit: Duration,
    mut gave_up: impl FnMut() -> Option<String>,
) -> Result<(), String> {
    let deadline = Instant::now() + limit;
    loop {
        let Err(last) = probe(url).await else {
            return Ok(());
        };
        if let Some(reason) = gave_up() {
            return Err(reason);
        }
        if Instant::now() >= deadline {
            return Err(format!(
                "not accepting connections after {limit:?} (last error: {last})"
            ));
        }
        tokio::time::sleep(RETRY_EVERY).await;
    }
}

#[derive(QueryableByName)]
struct Exists {
    #[diesel(sql_type = Bool)]
    present: bool,
}

pub(crate) async fn ensure_database(
    maintenance_url: &str,
    name: &str,
) -> Result<(), EmbeddedError> {
    let mut conn = AsyncPgConnection::establish(maintenance_url)
        .await
        .map_err(EmbeddedError::Connect)?;
    let existing: Vec<Exists> = diesel::sql_query(
        "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS present",
    )
    .bind::<Text, _>(name)
    .load(&mut conn)
    .await
    .map_err(|source| EmbeddedError::Query {
        action: "looking up the database",
        source,
    })?;
    if existing.iter().any(|e| e.present) {
        return Ok(());
    }
    match conn
        .batch_execute(&format!("CREATE DATABASE {}", quote_ident(name)))
        .await
    {
        Ok(()) => Ok(()),
        // Another caller created it between our check and our CREATE.
        Err(e) if e.to_string().contains("already exists") => Ok(()),
        Err(source) => Err(EmbeddedError::Query {
            action: "creating the database",
            source,
        }),
    }
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn url_encodes_odd_paths_and_names() {
        let u = url(Path::new("/tmp/a b/pg%data"), "my db/x");
        assert_eq!(
            u,
            "postgresql://postgres@/my%20db%2Fx?host=/tmp/a%20b/pg%25data&port=5432"
        );
    }

    #[test]
    fn identifiers_are_quoted() {
        assert_eq!(quote_ident(r#"a"b"#), r#""a""b""#);
    }
}
