//! Typed configuration of the `alpha-motors` server.
//!
//! Layers, later winning: the compiled-in `config/default.toml` (the built-in defaults), a
//! `default.toml` in the config folder, `<profile>.toml` (profile from `APP_ENV`, else `NODE_ENV`,
//! else development; the folder's file, else the compiled-in one), the old backend's flat
//! variable names (`PORT`, `DATABASE_URL`, `OTP_TTL_SECONDS`, ...), then `ALPHA__SECTION__KEY`
//! variables. Figment merges them into the serde [`Settings`]; every value keeps the name of its
//! layer (a file, `env PORT`) for the error messages. [`load`] also reads `./.env` without
//! overriding real variables. Every setting is listed in `docs/CONFIGURATION.md`.

mod checks;
mod load;
// Services read these fields as they are wired in; until then a binary crate calls them unused.
#[allow(dead_code)]
mod settings;

#[cfg(test)]
mod tests;

use std::path::PathBuf;

#[allow(unused_imports)] // public API; the lead uses what it needs
pub use load::{load, load_from};
#[allow(unused_imports)]
pub use settings::{
    AuthSettings, DEFAULT_TEST_NUMBERS, DatabaseSettings, DeletedContentSetting, GatewaySettings,
    HttpSettings, LogFormat, LogSettings, MetricsSettings, OtpSettings, PhoneSettings, Profile,
    PushSettings, RedisSettings, S3Settings, SeedSettings, Settings, SmsSettings, StorageBackend,
    StorageSettings, UploadSettings, UserSettings,
};

/// Why the server refuses to start. Every variant names the setting (TOML key and the
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
}

impl ConfigError {
    /// A bad value of `key`, with the variables that can set it.
    pub(crate) fn invalid(key: &str, reason: impl Into<String>) -> Self {
        Self::set_by(key, &load::env_names(key), reason)
    }

    /// A bad value of `key` that the variables `env` gave.
    pub(crate) fn set_by(key: &str, env: &str, reason: impl Into<String>) -> Self {
        let (key, env, reason) = (key.to_owned(), env.to_owned(), reason.into());
        Self::Invalid { key, env, reason }
    }

    /// Parser errors (TOML, .env) span several lines with carets; a startup error must stay one
    /// line so it survives log collectors that split on newlines.
    pub(crate) fn file(path: impl Into<PathBuf>, reason: impl std::fmt::Display) -> Self {
        let reason = reason.to_string();
        let reason = reason.split_whitespace().collect::<Vec<_>>().join(" ");
        Self::File {
            path: path.into(),
            reason,
        }
    }
}

/// Figment's error carries the path to the bad value and the layer it came from.
impl From<figment::Error> for ConfigError {
    fn from(err: figment::Error) -> Self {
        use figment::error::Kind;
        // A list item's path ends in its index; the setting is the list.
        let mut path: Vec<&str> = err.path.iter().map(String::as_str).collect();
        path.retain(|part| part.parse::<usize>().is_err());
        let reason = match &err.kind {
            Kind::MissingField(field) => {
                let key = [path.join("."), field.to_string()].join(".");
                let env = load::env_names(&key);
                return Self::Missing { key, env };
            }
            Kind::UnknownField(..) => "unknown setting (see docs/CONFIGURATION.md)".to_owned(),
            kind => kind.to_string(),
        };
        let from = err.metadata.map(|m| format!(" (from {})", m.name));
        Self::invalid(&path.join("."), reason + &from.unwrap_or_default())
    }
}
