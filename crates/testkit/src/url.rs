//! Pointing a PostgreSQL URL at another database on the same server.

/// Replaces the database part of a `postgres://` / `postgresql://` URL, keeping credentials,
/// host and query (where a unix socket folder may be).
pub(crate) fn with_database(url: &str, database: &str) -> Result<String, String> {
    let scheme_end = url
        .find("://")
        .map(|i| i + 3)
        .ok_or_else(|| format!("{url:?} is not a postgres:// URL"))?;
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let after = &rest[authority_end..];
    let query = after.find('?').map_or("", |i| &after[i..]);
    Ok(format!(
        "{}{}/{}{query}",
        &url[..scheme_end],
        &rest[..authority_end],
        encode(database)
    ))
}

/// The database a URL names, if any.
pub(crate) fn database_of(url: &str) -> Option<&str> {
    let rest = &url[url.find("://")? + 3..];
    let path = &rest[rest.find(['/', '?'])?..];
    let name = path.strip_prefix('/')?;
    let name = name.split('?').next().unwrap_or_default();
    (!name.is_empty()).then_some(name)
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

pub(crate) fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn replaces_or_adds_the_database() {
        let cases = [
            ("postgres://u:p@h:5/old", "postgres://u:p@h:5/new"),
            ("postgres://u@h", "postgres://u@h/new"),
            (
                "postgres://u@h/old?sslmode=disable",
                "postgres://u@h/new?sslmode=disable",
            ),
            (
                "postgresql://postgres@/old?host=/tmp/x&port=5432",
                "postgresql://postgres@/new?host=/tmp/x&port=5432",
            ),
            (
                "postgresql://postgres@?host=/s",
                "postgresql://postgres@/new?host=/s",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(with_database(input, "new").unwrap(), expected, "{input}");
        }
        assert_eq!(
            with_database("postgres://h/x", "a b").unwrap(),
            "postgres://h/a%20b"
        );
        assert!(with_database("host=h dbname=x", "y").is_err());
    }

    #[test]
    fn reads_the_database() {
        assert_eq!(database_of("postgres://u@h/db?x=1"), Some("db"));
        assert_eq!(database_of("postgres://u@h"), None);
        assert_eq!(database_of("postgres://u@h/?x=1"), None);
        assert_eq!(database_of("postgresql://p@/db?host=/tmp"), Some("db"));
    }
}
