//! The layers handed to the `config` crate: the TOML files and the `ALPHA__SECTION__KEY`
//! variables. Every value keeps its origin (a file, `env PORT`) so an error can say where a bad
//! value came from, and every key is checked against the known ones, which the crate does not do.
//! The merged numbers and booleans are checked here too ([`strict`]): the crate would read `yes`
//! as 1, round 80.7 and take any non-zero number as `true`.

use std::collections::BTreeMap;
use std::path::Path;

use config::{FileFormat, Format, Map, Source, Value, ValueKind};

use super::error::{ConfigError, invalid};
use super::profile::Profile;

/// Prefix of our structured variables: `ALPHA__HTTP__PORT` sets `http.port`.
pub(crate) const ENV_PREFIX: &str = "ALPHA__";
const ENV_SEPARATOR: &str = "__";

/// The files of `config/`, compiled in: a copied binary runs from any folder.
const BUILT_IN_DEFAULT: &str = include_str!("../../../../config/default.toml");

pub(crate) fn built_in_profile(profile: Profile) -> &'static str {
    match profile {
        Profile::Development => include_str!("../../../../config/development.toml"),
        Profile::Test => include_str!("../../../../config/test.toml"),
        Profile::Production => include_str!("../../../../config/production.toml"),
    }
}

/// What a setting holds, as its value in `default.toml` shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Text,
    Number,
    Flag,
    List,
}

/// The settings `default.toml` leaves out: secrets (they belong in the environment), the two set
/// per profile, and the seed file, which has no default.
const NOT_IN_DEFAULT_TOML: [(&str, Kind); 8] = [
    ("database.url", Kind::Text),
    ("database.seed_on_start", Kind::Flag),
    ("auth.access_secret", Kind::Text),
    ("auth.refresh_secret", Kind::Text),
    ("otp.pepper", Kind::Text),
    ("sms.device_auth_token", Kind::Text),
    ("log.format", Kind::Text),
    ("seed.data_file", Kind::Text),
];

/// Numbers that may be 0 (no cap, no grace; the code length has its own range). Any other 0 is
/// never intended: a TTL of 0 expires everything at once, a limit of 0 locks everyone out, and a
/// listener on port 0 ends up on a random port.
const MAY_BE_ZERO: [&str; 7] = [
    "http.shutdown_timeout_secs",
    "database.statement_timeout_ms",
    "auth.reuse_grace_secs",
    "otp.code_length",
    "gateways.client_revalidate_ms",
    "gateways.sms_ping_interval_ms",
    "gateways.sms_register_timeout_ms",
];

/// Every setting's dotted key and kind.
pub(crate) type Keys = BTreeMap<String, Kind>;

/// Values by section table or by dotted key (`http.port`); the `config` crate merges either.
#[derive(Debug, Clone, Default)]
pub(crate) struct Layer(pub(crate) Map<String, Value>);

impl Source for Layer {
    fn clone_into_box(&self) -> Box<dyn Source + Send + Sync> {
        Box::new(self.clone())
    }

    fn collect(&self) -> Result<Map<String, Value>, config::ConfigError> {
        Ok(self.0.clone())
    }
}

/// The compiled-in `default.toml`, the lowest layer, and the known keys: those it holds (it has
/// every setting with a default) and [`NOT_IN_DEFAULT_TOML`].
pub(crate) fn built_in_defaults() -> Result<(Layer, Keys), ConfigError> {
    let table = parse_toml(BUILT_IN_DEFAULT, "built-in config/default.toml")?;
    let mut keys: Keys = flatten(&table)
        .into_iter()
        .map(|(key, value)| {
            let kind = match value.kind {
                ValueKind::Array(_) => Kind::List,
                ValueKind::Boolean(_) => Kind::Flag,
                ValueKind::I64(_) | ValueKind::U64(_) => Kind::Number,
                _ => Kind::Text,
            };
            (key, kind)
        })
        .collect();
    keys.extend(NOT_IN_DEFAULT_TOML.map(|(key, kind)| (key.to_owned(), kind)));
    Ok((Layer(table), keys))
}

/// The file `name` in `dir`, or else its compiled-in copy, if it has one.
pub(crate) fn toml_file(
    dir: &Path,
    name: &str,
    built_in: Option<&str>,
    keys: &Keys,
) -> Result<Layer, ConfigError> {
    let path = dir.join(name);
    let (text, origin) = match std::fs::read_to_string(&path) {
        Ok(text) => (text, path.display().to_string()),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => match built_in {
            Some(text) => (text.to_owned(), format!("built-in config/{name}")),
            None => return Ok(Layer::default()),
        },
        Err(err) => return Err(ConfigError::file(path, err)),
    };
    let table = parse_toml(&text, &origin)?;
    if let Some((key, _)) = flatten(&table)
        .into_iter()
        .find(|(key, _)| !keys.contains_key(key))
    {
        let reason = format!("unknown setting `{key}` (see docs/CONFIGURATION.md)");
        return Err(ConfigError::file(origin, reason));
    }
    Ok(Layer(table))
}

/// `origin` is what errors and the values call the file.
fn parse_toml(text: &str, origin: &str) -> Result<Map<String, Value>, ConfigError> {
    FileFormat::Toml
        .parse(Some(&origin.to_owned()), text)
        .map_err(|err| ConfigError::file(origin, err))
}

/// `[section] key = value` as `section.key`; a value outside a section keeps its bare name, which
/// no setting has.
fn flatten(table: &Map<String, Value>) -> Vec<(String, &Value)> {
    let mut flat = Vec::new();
    for (section, value) in table {
        match &value.kind {
            ValueKind::Table(fields) => {
                flat.extend(
                    fields
                        .iter()
                        .map(|(field, v)| (format!("{section}.{field}"), v)),
                );
            }
            _ => flat.push((section.clone(), value)),
        }
    }
    flat
}

/// The `ALPHA__SECTION__KEY` variables; one naming no setting is refused.
pub(crate) fn structured_env(
    env: &BTreeMap<String, String>,
    keys: &Keys,
) -> Result<Layer, ConfigError> {
    let mut layer = Map::new();
    for (var, text) in env {
        let Some(rest) = var.strip_prefix(ENV_PREFIX) else {
            continue;
        };
        if text.trim().is_empty() {
            continue;
        }
        let key = rest
            .split(ENV_SEPARATOR)
            .collect::<Vec<_>>()
            .join(".")
            .to_ascii_lowercase();
        let Some(&kind) = keys.get(&key) else {
            let reason = "unknown setting (see docs/CONFIGURATION.md)".into();
            return Err(ConfigError::Invalid {
                key,
                env: var.clone(),
                reason,
            });
        };
        layer.insert(key, env_value(var, text, kind));
    }
    Ok(Layer(layer))
}

/// A variable's text as a value. Lists are comma-separated; blanks between commas are dropped so
/// a trailing comma is harmless.
pub(crate) fn env_value(var: &str, text: &str, kind: Kind) -> Value {
    let origin = format!("env {var}");
    if kind != Kind::List {
        return Value::new(Some(&origin), text);
    }
    let items: Vec<Value> = text
        .split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| Value::new(Some(&origin), item))
        .collect();
    Value::new(Some(&origin), items)
}

/// Replaces each merged number and boolean by its strict reading ([`number`], [`flag`]); any
/// other value, or a 0 where it makes no sense, is an error naming the key and the value's origin.
pub(crate) fn strict(merged: &mut Map<String, Value>, keys: &Keys) -> Result<(), ConfigError> {
    for (key, kind) in keys {
        let (section, field) = key.split_once('.').unwrap_or_default();
        let Some(ValueKind::Table(table)) = merged.get_mut(section).map(|v| &mut v.kind) else {
            continue;
        };
        let Some(value) = table.get_mut(field) else {
            continue;
        };
        let (parsed, expected) = match kind {
            Kind::Number => (number(&value.kind).map(ValueKind::U64), "a whole number"),
            Kind::Flag => (
                flag(&value.kind).map(ValueKind::Boolean),
                "true/false/1/0/yes/no/on/off",
            ),
            Kind::Text | Kind::List => continue,
        };
        let from = value
            .origin()
            .map(|o| format!(" (from {o})"))
            .unwrap_or_default();
        let got = match &value.kind {
            ValueKind::String(text) => format!("{text:?}"),
            other => other.to_string(),
        };
        match parsed {
            None => {
                return Err(invalid(
                    key,
                    format!("expected {expected}, got {got}{from}"),
                ));
            }
            Some(ValueKind::U64(0)) if !MAY_BE_ZERO.contains(&key.as_str()) => {
                return Err(invalid(key, format!("must be greater than 0{from}")));
            }
            Some(parsed) => value.kind = parsed,
        }
    }
    Ok(())
}

/// A whole number, or a string of digits with the spaces around it dropped.
fn number(value: &ValueKind) -> Option<u64> {
    match value {
        ValueKind::I64(n) => u64::try_from(*n).ok(),
        ValueKind::U64(n) => Some(*n),
        ValueKind::String(text) if text.trim().bytes().all(|b| b.is_ascii_digit()) => {
            text.trim().parse().ok()
        }
        _ => None,
    }
}

/// A boolean, or true/false, 1/0, yes/no, on/off in any case with the spaces around it dropped.
fn flag(value: &ValueKind) -> Option<bool> {
    match value {
        ValueKind::Boolean(b) => Some(*b),
        ValueKind::String(text) => match text.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Some(true),
            "false" | "0" | "no" | "off" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// The structured variable for a key: `http.port` → `ALPHA__HTTP__PORT`.
pub(crate) fn structured_env_name(key: &str) -> String {
    format!(
        "{ENV_PREFIX}{}",
        key.replace('.', ENV_SEPARATOR).to_ascii_uppercase()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Keys {
        built_in_defaults().unwrap().1
    }

    #[test]
    fn structured_variables_become_dotted_keys_with_their_origin() {
        assert_eq!(structured_env_name("http.port"), "ALPHA__HTTP__PORT");
        let env = BTreeMap::from([
            ("ALPHA__HTTP__BODY_LIMIT_BYTES".to_string(), "7".to_string()),
            ("ALPHA__HTTP__PORT".to_string(), " ".to_string()),
        ]);
        let layer = structured_env(&env, &keys()).unwrap().0;
        let value = &layer["http.body_limit_bytes"];
        assert_eq!(value.origin(), Some("env ALPHA__HTTP__BODY_LIMIT_BYTES"));
        assert!(!layer.contains_key("http.port"), "blank counts as unset");
    }

    #[test]
    fn list_variables_are_split_and_trimmed() {
        let value = env_value("X", " https://a , https://b,", Kind::List);
        let items = value.into_array().unwrap();
        let items: Vec<String> = items
            .into_iter()
            .map(|v| v.into_string().unwrap())
            .collect();
        assert_eq!(items, ["https://a", "https://b"]);
    }

    #[test]
    fn known_keys_have_their_kinds() {
        let keys = keys();
        assert_eq!(keys.get("http.cors_allowed_origins"), Some(&Kind::List));
        assert_eq!(keys.get("http.port"), Some(&Kind::Number));
        assert_eq!(keys.get("otp.pepper"), Some(&Kind::Text));
        assert_eq!(keys.get("database.seed_on_start"), Some(&Kind::Flag));
        assert_eq!(keys.get("otp.test_mode"), Some(&Kind::Flag));
    }

    #[test]
    fn numbers_and_flags_are_read_strictly() {
        let text = |t: &str| ValueKind::String(t.into());
        assert_eq!(number(&text(" 8080 ")), Some(8080));
        assert_eq!(number(&ValueKind::I64(7)), Some(7));
        for bad in [
            text("yes"),
            text("80.7"),
            text("-1"),
            text(""),
            ValueKind::Float(80.0),
        ] {
            assert_eq!(number(&bad), None, "{bad:?}");
        }
        assert_eq!(number(&ValueKind::Boolean(true)), None);
        assert_eq!(flag(&text(" ON")), Some(true));
        assert_eq!(flag(&text("No")), Some(false));
        assert_eq!(flag(&ValueKind::I64(1)), None);
        assert_eq!(flag(&text("maybe")), None);
    }

    #[test]
    fn a_file_on_disk_replaces_its_built_in_copy() {
        let dir = tempfile::tempdir().unwrap();
        let port = |layer: Layer| layer.0["http"].clone().into_table().unwrap()["port"].clone();
        let built_in = Some("[http]\nport = 82\n");
        let layer = toml_file(dir.path(), "x.toml", built_in, &keys()).unwrap();
        assert_eq!(port(layer).origin(), Some("built-in config/x.toml"));
        std::fs::write(dir.path().join("x.toml"), "[http]\nport = 83\n").unwrap();
        let layer = toml_file(dir.path(), "x.toml", built_in, &keys()).unwrap();
        assert_eq!(port(layer).into_int().unwrap(), 83);
        let none = toml_file(dir.path(), "none.toml", None, &keys()).unwrap();
        assert!(none.0.is_empty());
    }

    #[test]
    fn a_value_outside_a_section_is_an_unknown_setting() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.toml"), "port = 81\n").unwrap();
        let shown = toml_file(dir.path(), "a.toml", None, &keys())
            .unwrap_err()
            .to_string();
        assert!(shown.contains("unknown setting `port`"), "{shown}");
    }

    #[test]
    fn toml_syntax_error_is_one_line_and_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("bad.toml"), "[http\nport = \n").unwrap();
        let shown = toml_file(dir.path(), "bad.toml", None, &keys())
            .unwrap_err()
            .to_string();
        assert!(shown.contains("bad.toml"), "{shown}");
        assert!(!shown.contains('\n'), "{shown}");
    }
}
