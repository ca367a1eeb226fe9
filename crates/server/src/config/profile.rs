//! Which deployment we are: it picks the profile file and the security rules.

use std::collections::BTreeMap;
use std::fmt;

use super::error::ConfigError;

/// The deployment profile; production turns on the strict checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    Development,
    Test,
    Production,
}

impl Profile {
    /// Our own variable first; `NODE_ENV` second because an old `.env` sets it.
    const VARS: [&'static str; 2] = ["APP_ENV", "NODE_ENV"];

    pub fn is_production(self) -> bool {
        self == Self::Production
    }

    pub fn is_development(self) -> bool {
        self == Self::Development
    }

    /// The name used for the profile file (`config/<name>.toml`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Development => "development",
            Self::Test => "test",
            Self::Production => "production",
        }
    }

    /// Reads `APP_ENV`, else `NODE_ENV`, else development. An empty value counts as unset because
    /// `.env` files often carry `NODE_ENV=` placeholders.
    pub(crate) fn from_env(env: &BTreeMap<String, String>) -> Result<Self, ConfigError> {
        for var in Self::VARS {
            let Some(value) = env.get(var).map(|v| v.trim()).filter(|v| !v.is_empty()) else {
                continue;
            };
            // The old backend lower-cased NODE_ENV before comparing, so `Production` must work.
            return match value.to_ascii_lowercase().as_str() {
                "development" => Ok(Self::Development),
                "test" => Ok(Self::Test),
                "production" => Ok(Self::Production),
                _ => Err(ConfigError::Invalid {
                    key: "profile".into(),
                    env: var.into(),
                    reason: format!(
                        "unknown profile {value:?}; expected development, test or production"
                    ),
                }),
            };
        }
        Ok(Self::Development)
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_to_development() {
        assert_eq!(Profile::from_env(&env(&[])).unwrap(), Profile::Development);
    }

    #[test]
    fn app_env_wins_over_node_env() {
        let e = env(&[("APP_ENV", "test"), ("NODE_ENV", "production")]);
        assert_eq!(Profile::from_env(&e).unwrap(), Profile::Test);
    }

    #[test]
    fn node_env_is_case_insensitive() {
        let e = env(&[("NODE_ENV", "Production")]);
        assert!(Profile::from_env(&e).unwrap().is_production());
    }

    #[test]
    fn empty_app_env_falls_through_to_node_env() {
        let e = env(&[("APP_ENV", ""), ("NODE_ENV", "test")]);
        assert_eq!(Profile::from_env(&e).unwrap(), Profile::Test);
    }

    #[test]
    fn unknown_profile_is_refused_with_its_name_and_variable() {
        let err = Profile::from_env(&env(&[("NODE_ENV", "staging")])).unwrap_err();
        let shown = err.to_string();
        assert!(shown.contains("\"staging\""), "{shown}");
        assert!(shown.contains("NODE_ENV"), "{shown}");
    }
}
