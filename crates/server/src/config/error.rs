//! The one error type of configuration loading.

use std::path::PathBuf;

use config::{Map, Value, ValueKind};

use super::legacy_env::env_names;

/// Why the server refuses to start. Every variant but `Other` names the setting (TOML key and the
/// environment variables that set it) or the file, so an operator can fix it without reading
/// code; none carries a secret's value, so the message is always safe to log.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("invalid configuration `{key}` (env {env}): {reason}")]
    Invalid {
        key: String,
        env: String,
        reason: String,
    },
    #[error("missing configuration `{key}`: set {env}")]
    Missing { key: String, env: String },
    #[error("insecure configuration `{key}` (env {env}): {reason}")]
    Insecure {
        key: String,
        env: String,
        reason: String,
    },
    #[error("configuration file {}: {reason}", path.display())]
    File { path: PathBuf, reason: String },
    /// A `config` crate error that names no setting; the layers are built so it does not happen.
    #[error("configuration: {0}")]
    Other(String),
}

/// A bad value of `key`, with the variables that set it.
pub(crate) fn invalid(key: &str, reason: impl Into<String>) -> ConfigError {
    let (key, env, reason) = (key.to_owned(), env_names(key), reason.into());
    ConfigError::Invalid { key, env, reason }
}

impl ConfigError {
    /// Names the setting an error of the `config` crate is about, and where its value came from:
    /// the error's own origin or, when it has none (range errors), the value's in `merged`.
    pub(crate) fn from_config(err: config::ConfigError, merged: &Map<String, Value>) -> Self {
        use config::ConfigError as E;
        let (key, reason, origin) = match err {
            E::NotFound(key) => {
                return Self::Missing {
                    env: env_names(&key),
                    key,
                };
            }
            E::Type {
                key: Some(key),
                origin,
                unexpected,
                expected,
            } => (
                key,
                format!("expected {expected}, got {unexpected}"),
                origin,
            ),
            E::At {
                error,
                key: Some(key),
                origin,
            } => (key, error.to_string(), origin),
            other => return Self::Other(other.to_string()),
        };
        // A list item's key ends in `[i]`; the setting is the list.
        let key = key.split_once('[').map_or(key.as_str(), |(list, _)| list);
        let origin = origin.or_else(|| {
            let (section, field) = key.split_once('.')?;
            let ValueKind::Table(table) = &merged.get(section)?.kind else {
                return None;
            };
            table.get(field)?.origin().map(str::to_owned)
        });
        match origin {
            Some(origin) => invalid(key, format!("{reason} (from {origin})")),
            None => invalid(key, reason),
        }
    }

    /// Parser errors (TOML, .env) span several lines with carets; a startup error must stay one
    /// line so it survives log collectors that split on newlines.
    pub(crate) fn file(path: impl Into<PathBuf>, reason: impl std::fmt::Display) -> Self {
        let reason = reason.to_string();
        let lines: Vec<&str> = reason
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        Self::File {
            path: path.into(),
            reason: lines.join(" "),
        }
    }
}

impl From<config::ConfigError> for ConfigError {
    fn from(err: config::ConfigError) -> Self {
        Self::from_config(err, &Map::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_error_display_is_one_line() {
        let err = ConfigError::file(
            "config/x.toml",
            "TOML parse error at line 1\n  |\n1 | a = \n  |    ^\n",
        );
        let shown = err.to_string();
        assert!(!shown.contains('\n'), "{shown}");
        assert!(shown.starts_with("configuration file config/x.toml: TOML parse error"));
    }

    #[test]
    fn invalid_display_names_key_and_env() {
        let err = ConfigError::Invalid {
            key: "http.port".into(),
            env: "ALPHA__HTTP__PORT or PORT".into(),
            reason: "must not be 0".into(),
        };
        assert_eq!(
            err.to_string(),
            "invalid configuration `http.port` (env ALPHA__HTTP__PORT or PORT): must not be 0"
        );
    }
}
