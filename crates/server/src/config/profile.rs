//! Which deployment we are: it picks the profile file and the security rules.

use std::collections::BTreeMap;

use super::error::ConfigError;

/// The deployment profile; production turns on the strict checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    #[default]
    Development,
    Test,
    Production,
}

impl Profile {
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

    /// Reads `APP_ENV`, else `NODE_ENV` (an old `.env` sets it), else development. An empty value
    /// counts as unset because `.env` files often carry `NODE_ENV=` placeholders. The case is
    /// ignored: the old backend lower-cased NODE_ENV, so `Production` must work.
    pub(crate) fn from_env(env: &BTreeMap<String, String>) -> Result<Self, ConfigError> {
        let set =
            |var: &'static str| Some((var, env.get(var)?.trim())).filter(|(_, v)| !v.is_empty());
        let Some((var, value)) = set("APP_ENV").or_else(|| set("NODE_ENV")) else {
            return Ok(Self::Development);
        };
        [Self::Development, Self::Test, Self::Production]
            .into_iter()
            .find(|profile| profile.as_str().eq_ignore_ascii_case(value))
            .ok_or_else(|| ConfigError::Invalid {
                key: "profile".into(),
                env: var.into(),
                reason: format!(
                    "unknown profile {value:?}; expected development, test or production"
                ),
            })
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
