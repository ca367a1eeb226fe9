//! Raw, untyped values from each layer, flattened to dotted keys and tagged with where they came
//! from, so a bad value can be traced to the file or variable that set it.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use config::{FileFormat, Source as _, Value, ValueKind};

use super::error::ConfigError;

/// Prefix of our structured variables: `ALPHA__HTTP__PORT` sets `http.port`.
pub(crate) const ENV_PREFIX: &str = "ALPHA__";
const ENV_SEPARATOR: &str = "__";

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Raw {
    Scalar(String),
    List(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Origin {
    File(PathBuf),
    Env(String),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::File(path) => write!(f, "file {}", path.display()),
            Self::Env(var) => write!(f, "env {var}"),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) raw: Raw,
    pub(crate) origin: Origin,
}

/// All layers merged: a later insert for the same key replaces the earlier one.
pub(crate) type Layered = BTreeMap<String, Entry>;

/// Reads one TOML file into `into`. A missing file is replaced by `built_in` (the copy compiled
/// into the binary, so it runs from any folder) or, without one, skipped.
pub(crate) fn merge_toml_file(
    path: &Path,
    built_in: Option<&str>,
    into: &mut Layered,
) -> Result<(), ConfigError> {
    let (text, path) = match std::fs::read_to_string(path) {
        Ok(text) => (text, path.to_path_buf()),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => match built_in {
            Some(text) => (
                text.to_owned(),
                PathBuf::from(format!("(built in) {}", path.display())),
            ),
            None => return Ok(()),
        },
        Err(err) => return Err(ConfigError::file(path, err)),
    };
    let path = path.as_path();
    let table = config::File::from_str(&text, FileFormat::Toml)
        .collect()
        .map_err(|err| ConfigError::file(path, err))?;
    for (section, value) in table {
        let ValueKind::Table(fields) = value.kind else {
            return Err(ConfigError::file(
                path,
                format!("`{section}` must be a [section] table"),
            ));
        };
        for (field, value) in fields {
            let key = format!("{section}.{field}");
            let raw = to_raw(value)
                .map_err(|reason| ConfigError::file(path, format!("`{key}` {reason}")))?;
            into.insert(
                key,
                Entry {
                    raw,
                    origin: Origin::File(path.to_path_buf()),
                },
            );
        }
    }
    Ok(())
}

fn to_raw(value: Value) -> Result<Raw, String> {
    match value.kind {
        ValueKind::Array(items) => items
            .into_iter()
            .map(scalar_text)
            .collect::<Result<Vec<_>, _>>()
            .map(Raw::List),
        _ => scalar_text(value).map(Raw::Scalar),
    }
}

fn scalar_text(value: Value) -> Result<String, String> {
    match value.kind {
        ValueKind::Table(_) => Err("must be a plain value, not a table".into()),
        ValueKind::Array(_) => Err("must not contain nested lists".into()),
        ValueKind::Nil => Err("has no value".into()),
        _ => value.into_string().map_err(|err| err.to_string()),
    }
}

/// Applies `ALPHA__SECTION__KEY` variables. Empty values count as unset, the way `.env` files use
/// `KEY=` as a placeholder.
pub(crate) fn merge_structured_env(env: &BTreeMap<String, String>, into: &mut Layered) {
    for (var, value) in env {
        let Some(rest) = var.strip_prefix(ENV_PREFIX) else {
            continue;
        };
        if value.trim().is_empty() {
            continue;
        }
        let key = rest
            .split(ENV_SEPARATOR)
            .map(str::to_ascii_lowercase)
            .collect::<Vec<_>>()
            .join(".");
        into.insert(
            key,
            Entry {
                raw: Raw::Scalar(value.clone()),
                origin: Origin::Env(var.clone()),
            },
        );
    }
}

/// Comma lists are how variables carry lists (`CORS_ALLOWED_ORIGINS=a,b`); blanks between commas
/// are dropped so a trailing comma is harmless.
pub(crate) fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The structured variable for a key: `http.port` → `ALPHA__HTTP__PORT`.
pub(crate) fn structured_env_name(key: &str) -> String {
    format!(
        "{ENV_PREFIX}{}",
        key.split('.')
            .map(str::to_ascii_uppercase)
            .collect::<Vec<_>>()
            .join(ENV_SEPARATOR)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn structured_names_round_trip() {
        assert_eq!(structured_env_name("http.port"), "ALPHA__HTTP__PORT");
        let env = BTreeMap::from([("ALPHA__HTTP__BODY_LIMIT_BYTES".to_string(), "7".to_string())]);
        let mut layered = Layered::new();
        merge_structured_env(&env, &mut layered);
        let entry = &layered["http.body_limit_bytes"];
        assert_eq!(entry.raw, Raw::Scalar("7".into()));
        assert_eq!(
            entry.origin,
            Origin::Env("ALPHA__HTTP__BODY_LIMIT_BYTES".into())
        );
    }

    #[test]
    fn empty_structured_value_is_ignored() {
        let env = BTreeMap::from([("ALPHA__HTTP__PORT".to_string(), " ".to_string())]);
        let mut layered = Layered::new();
        merge_structured_env(&env, &mut layered);
        assert!(layered.is_empty());
    }

    #[test]
    fn toml_arrays_and_scalars_flatten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.toml");
        std::fs::write(
            &path,
            "[http]\nport = 81\ncors_allowed_origins = [\"https://a\", \"https://b\"]\n",
        )
        .unwrap();
        let mut layered = Layered::new();
        merge_toml_file(&path, None, &mut layered).unwrap();
        assert_eq!(layered["http.port"].raw, Raw::Scalar("81".into()));
        assert_eq!(
            layered["http.cors_allowed_origins"].raw,
            Raw::List(vec!["https://a".into(), "https://b".into()])
        );
        assert_eq!(layered["http.port"].origin, Origin::File(path));
    }

    #[test]
    fn top_level_scalar_is_a_file_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.toml");
        std::fs::write(&path, "port = 81\n").unwrap();
        let err = merge_toml_file(&path, None, &mut Layered::new()).unwrap_err();
        assert!(matches!(err, ConfigError::File { .. }));
        assert!(
            err.to_string().contains("`port` must be a [section] table"),
            "{err}"
        );
    }

    #[test]
    fn missing_file_is_replaced_by_the_built_in_copy_or_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("none.toml");
        let mut layered = Layered::new();
        merge_toml_file(&path, None, &mut layered).unwrap();
        assert!(layered.is_empty());
        merge_toml_file(&path, Some("[http]\nport = 82\n"), &mut layered).unwrap();
        assert_eq!(layered["http.port"].raw, Raw::Scalar("82".into()));
        assert!(
            layered["http.port"]
                .origin
                .to_string()
                .contains("(built in)")
        );

        // A file on disk wins over the built-in copy.
        std::fs::write(&path, "[http]\nport = 83\n").unwrap();
        merge_toml_file(&path, Some("[http]\nport = 82\n"), &mut layered).unwrap();
        assert_eq!(layered["http.port"].raw, Raw::Scalar("83".into()));
    }

    #[test]
    fn toml_syntax_error_is_one_line_and_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.toml");
        std::fs::write(&path, "[http\nport = \n").unwrap();
        let err = merge_toml_file(&path, None, &mut Layered::new()).unwrap_err();
        let shown = err.to_string();
        assert!(shown.contains("bad.toml"), "{shown}");
        assert!(!shown.contains('\n'), "{shown}");
    }
}
