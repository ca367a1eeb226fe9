//! The one error type of configuration loading.

use std::path::PathBuf;

/// Why the server refuses to start. Every variant names the setting (TOML key and the environment
/// variables that set it) so an operator can fix it without reading code; none carries a secret's
/// value, so the message is always safe to log.
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
}

impl ConfigError {
    /// Parser errors (TOML, .env) span several lines with carets; a startup error must stay one
    /// line so it survives log collectors that split on newlines.
    pub(crate) fn file(path: impl Into<PathBuf>, reason: impl std::fmt::Display) -> Self {
        let reason = reason
            .to_string()
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        Self::File {
            path: path.into(),
            reason,
        }
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
