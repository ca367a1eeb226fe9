//! Typed extraction from the merged layers. Parsing is done here rather than through serde so
//! every error can name the key, the variables that set it, and the layer the bad value came from.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::str::FromStr;

use secrecy::SecretString;

use super::error::ConfigError;
use super::legacy_env::env_names;
use super::sources::{Entry, Layered, Origin, Raw, split_list};

pub(crate) struct Reader {
    layered: Layered,
    consumed: BTreeSet<String>,
}

/// Unsigned integer types a setting can have; `MAX` feeds the range in error messages.
pub(crate) trait Unsigned: FromStr + Copy {
    const MAX: u64;
    fn from_u64(value: u64) -> Self;
}

macro_rules! unsigned {
    ($($t:ty),*) => {$(
        impl Unsigned for $t {
            const MAX: u64 = <$t>::MAX as u64;
            fn from_u64(value: u64) -> Self {
                value as $t
            }
        }
    )*};
}
unsigned!(u16, u32, u64, usize);

pub(crate) fn invalid(key: &str, reason: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        key: key.to_owned(),
        env: env_names(key),
        reason: reason.into(),
    }
}

impl Reader {
    pub(crate) fn new(layered: Layered) -> Self {
        Self {
            layered,
            consumed: BTreeSet::new(),
        }
    }

    fn take(&mut self, key: &str) -> Option<Entry> {
        self.consumed.insert(key.to_owned());
        self.layered.get(key).cloned()
    }

    /// The raw scalar and where it came from; lists are refused for single-valued settings.
    fn scalar(&mut self, key: &str) -> Result<Option<(String, Origin)>, ConfigError> {
        match self.take(key) {
            None => Ok(None),
            Some(Entry {
                raw: Raw::Scalar(text),
                origin,
            }) => Ok(Some((text, origin))),
            Some(Entry {
                raw: Raw::List(_),
                origin,
            }) => Err(invalid(
                key,
                format!("expected a single value, got a list (from {origin})"),
            )),
        }
    }

    pub(crate) fn string(&mut self, key: &str, default: &str) -> Result<String, ConfigError> {
        Ok(self.opt_string(key)?.unwrap_or_else(|| default.to_owned()))
    }

    /// An empty string counts as unset: `.env` files use `KEY=` as "no value".
    pub(crate) fn opt_string(&mut self, key: &str) -> Result<Option<String>, ConfigError> {
        Ok(self
            .scalar(key)?
            .map(|(text, _)| text)
            .filter(|text| !text.trim().is_empty()))
    }

    /// Like `opt_string`, but the value goes straight into a `SecretString` and is never quoted
    /// in an error.
    pub(crate) fn secret(&mut self, key: &str) -> Result<Option<SecretString>, ConfigError> {
        Ok(self.opt_string(key)?.map(SecretString::from))
    }

    pub(crate) fn opt_path(&mut self, key: &str) -> Result<Option<PathBuf>, ConfigError> {
        Ok(self.opt_string(key)?.map(PathBuf::from))
    }

    pub(crate) fn path(&mut self, key: &str, default: &str) -> Result<PathBuf, ConfigError> {
        Ok(self
            .opt_path(key)?
            .unwrap_or_else(|| PathBuf::from(default)))
    }

    /// Accepts true/false/1/0 in any case, the union of what the old `=== "true"` checks and
    /// common `.env` habits produce; anything else is an error rather than a silent `false`.
    pub(crate) fn bool(&mut self, key: &str, default: bool) -> Result<bool, ConfigError> {
        let Some((text, origin)) = self.scalar(key)? else {
            return Ok(default);
        };
        match text.trim().to_ascii_lowercase().as_str() {
            "" => Ok(default),
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err(invalid(
                key,
                format!("expected true/false/1/0, got {text:?} (from {origin})"),
            )),
        }
    }

    pub(crate) fn num<T: Unsigned>(&mut self, key: &str, default: T) -> Result<T, ConfigError> {
        let Some((text, origin)) = self.scalar(key)? else {
            return Ok(default);
        };
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Ok(default);
        }
        trimmed
            .parse::<u64>()
            .ok()
            .filter(|value| *value <= T::MAX)
            .map(T::from_u64)
            .ok_or_else(|| {
                let range = if T::MAX == u64::MAX {
                    String::new()
                } else {
                    format!(" from 0 to {}", T::MAX)
                };
                invalid(
                    key,
                    format!("expected a whole number{range}, got {text:?} (from {origin})"),
                )
            })
    }

    /// A TOML array, or a comma list from a variable.
    pub(crate) fn list(&mut self, key: &str, default: &[&str]) -> Result<Vec<String>, ConfigError> {
        Ok(match self.take(key) {
            None => default.iter().map(|item| (*item).to_owned()).collect(),
            Some(Entry {
                raw: Raw::Scalar(text),
                ..
            }) => split_list(&text),
            Some(Entry {
                raw: Raw::List(items),
                ..
            }) => items
                .iter()
                .map(|item| item.trim().to_owned())
                .filter(|item| !item.is_empty())
                .collect(),
        })
    }

    #[cfg(test)]
    pub(crate) fn consumed(&self) -> &BTreeSet<String> {
        &self.consumed
    }

    /// Refuses keys nobody read: a typo like `ALPHA__HTTP__PROT` would otherwise be ignored and
    /// the server would run with a value the operator did not intend.
    pub(crate) fn finish(self) -> Result<(), ConfigError> {
        let unknown = self
            .layered
            .iter()
            .find(|(key, _)| !self.consumed.contains(*key));
        match unknown {
            None => Ok(()),
            Some((
                key,
                Entry {
                    origin: Origin::File(path),
                    ..
                },
            )) => Err(ConfigError::file(
                path,
                format!("unknown setting `{key}` (see docs/CONFIGURATION.md)"),
            )),
            Some((
                key,
                Entry {
                    origin: Origin::Env(var),
                    ..
                },
            )) => Err(ConfigError::Invalid {
                key: key.clone(),
                env: var.clone(),
                reason: "unknown setting (see docs/CONFIGURATION.md)".into(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(pairs: &[(&str, Raw)]) -> Reader {
        let layered = pairs
            .iter()
            .map(|(key, raw)| {
                (
                    (*key).to_owned(),
                    Entry {
                        raw: raw.clone(),
                        origin: Origin::Env("TEST_VAR".into()),
                    },
                )
            })
            .collect();
        Reader::new(layered)
    }

    fn s(text: &str) -> Raw {
        Raw::Scalar(text.into())
    }

    #[test]
    fn bools_accept_words_and_digits_in_any_case() {
        let mut r = reader(&[
            ("a.t", s("TRUE")),
            ("a.one", s("1")),
            ("a.f", s("False")),
            ("a.z", s("0")),
        ]);
        assert!(r.bool("a.t", false).unwrap());
        assert!(r.bool("a.one", false).unwrap());
        assert!(!r.bool("a.f", true).unwrap());
        assert!(!r.bool("a.z", true).unwrap());
        assert!(r.bool("a.missing", true).unwrap());
    }

    #[test]
    fn bad_bool_names_key_env_and_origin() {
        let mut r = reader(&[("otp.test_mode", s("yes"))]);
        let shown = r.bool("otp.test_mode", false).unwrap_err().to_string();
        assert!(shown.contains("`otp.test_mode`"), "{shown}");
        assert!(shown.contains("OTP_TEST_MODE"), "{shown}");
        assert!(
            shown.contains("\"yes\"") && shown.contains("TEST_VAR"),
            "{shown}"
        );
    }

    #[test]
    fn numbers_out_of_range_are_refused() {
        let mut r = reader(&[("http.port", s("70000")), ("otp.ttl_secs", s("-1"))]);
        let err = r.num::<u16>("http.port", 1).unwrap_err().to_string();
        assert!(err.contains("0 to 65535") && err.contains("PORT"), "{err}");
        assert!(r.num::<u64>("otp.ttl_secs", 1).is_err());
    }

    #[test]
    fn list_for_scalar_setting_is_refused() {
        let mut r = reader(&[("http.host", Raw::List(vec!["a".into()]))]);
        assert!(
            r.string("http.host", "x")
                .unwrap_err()
                .to_string()
                .contains("got a list")
        );
    }

    #[test]
    fn comma_list_is_split_and_trimmed() {
        let mut r = reader(&[("http.cors_allowed_origins", s(" https://a , https://b,"))]);
        assert_eq!(
            r.list("http.cors_allowed_origins", &[]).unwrap(),
            vec!["https://a".to_string(), "https://b".to_string()]
        );
    }

    #[test]
    fn unread_key_is_reported_by_finish() {
        let mut r = reader(&[("http.port", s("1")), ("http.prot", s("2"))]);
        r.num::<u16>("http.port", 0).unwrap();
        let shown = r.finish().unwrap_err().to_string();
        assert!(
            shown.contains("`http.prot`") && shown.contains("unknown setting"),
            "{shown}"
        );
    }
}
