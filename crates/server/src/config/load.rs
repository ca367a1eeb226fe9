//! Layering, later winning: the compiled-in `default.toml` < `default.toml` on disk <
//! `<profile>.toml` (on disk, else compiled in) < old variable names < `ALPHA__SECTION__KEY`
//! variables. The `config` crate merges the layers and deserializes [`Settings`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use config::builder::{ConfigBuilder, DefaultState};
use config::{Config, Source, Value};

use super::error::ConfigError;
use super::legacy_env::{is_recognised, legacy_env};
use super::profile::Profile;
use super::secrets::DEV_SECRETS;
use super::settings::Settings;
use super::sources::{
    ENV_PREFIX, built_in_defaults, built_in_profile, strict, structured_env, toml_file,
};
use super::validate::validate;

const CONFIG_DIR_VAR: &str = "ALPHA_CONFIG_DIR";
const DEFAULT_CONFIG_DIR: &str = "config";
const DOTENV_FILE: &str = ".env";

/// Loads from the real process environment, `./.env` (never overriding a real variable) and the
/// `config` directory (or `ALPHA_CONFIG_DIR`).
pub fn load() -> Result<Settings, ConfigError> {
    let mut env = process_env()?;
    merge_dotenv(Path::new(DOTENV_FILE), &mut env)?;
    let dir = env
        .get(CONFIG_DIR_VAR)
        .filter(|dir| !dir.trim().is_empty())
        .map_or_else(|| PathBuf::from(DEFAULT_CONFIG_DIR), PathBuf::from);
    load_from(&dir, &env)
}

/// Pure loading for tests and tools: reads only the files in `config_dir` and the given map.
pub fn load_from(
    config_dir: &Path,
    env: &BTreeMap<String, String>,
) -> Result<Settings, ConfigError> {
    let profile = Profile::from_env(env)?;
    let (defaults, keys) = built_in_defaults()?;
    let profile_file = format!("{}.toml", profile.as_str());
    let files = code_defaults(profile)?
        .add_source(defaults)
        .add_source(toml_file(config_dir, "default.toml", None, &keys)?)
        .add_source(toml_file(
            config_dir,
            &profile_file,
            Some(built_in_profile(profile)),
            &keys,
        )?)
        .build()?;
    let legacy = legacy_env(env, &keys, &files)?;
    let mut merged = Config::builder()
        .add_source(files)
        .add_source(legacy)
        .add_source(structured_env(env, &keys)?)
        .build()?
        .collect()?;
    strict(&mut merged, &keys)?;
    let mut settings: Settings = Value::from(merged.clone())
        .try_deserialize()
        .map_err(|err| ConfigError::from_config(err, &merged))?;
    settings.profile = profile;
    validate(&settings)?;
    Ok(settings)
}

/// Values no file gives: the per-profile ones, should a profile file on disk leave them out, and
/// outside production the development secrets (production must set its own).
fn code_defaults(profile: Profile) -> Result<ConfigBuilder<DefaultState>, config::ConfigError> {
    let log_format = if profile.is_production() {
        "json"
    } else {
        "pretty"
    };
    let mut builder = Config::builder()
        .set_default("database.seed_on_start", profile.is_development())?
        .set_default("log.format", log_format)?;
    if !profile.is_production() {
        for (key, secret) in DEV_SECRETS {
            builder = builder.set_default(key, secret)?;
        }
    }
    Ok(builder)
}

/// Variables that are not UTF-8 are skipped unless we would read them, in which case silently
/// dropping one (say, a password) would be worse than refusing to start.
fn process_env() -> Result<BTreeMap<String, String>, ConfigError> {
    let mut env = BTreeMap::new();
    for (name, value) in std::env::vars_os() {
        let Some(name) = name.to_str() else { continue };
        match value.into_string() {
            Ok(value) => {
                env.insert(name.to_owned(), value);
            }
            Err(_) if is_recognised(name) || name.starts_with(ENV_PREFIX) => {
                return Err(ConfigError::Invalid {
                    key: name.to_owned(),
                    env: name.to_owned(),
                    reason: "value is not valid UTF-8".into(),
                });
            }
            Err(_) => {}
        }
    }
    Ok(env)
}

/// Reads `.env` without touching the process environment (setting variables is unsafe once
/// threads exist); real variables win, as with the old backend's dotenv.
fn merge_dotenv(path: &Path, env: &mut BTreeMap<String, String>) -> Result<(), ConfigError> {
    let iter = match dotenvy::from_path_iter(path) {
        Ok(iter) => iter,
        Err(dotenvy::Error::Io(err)) if err.kind() == std::io::ErrorKind::NotFound => {
            return Ok(());
        }
        Err(err) => return Err(ConfigError::file(path, err)),
    };
    for item in iter {
        let (name, value) = item.map_err(|err| ConfigError::file(path, err))?;
        env.entry(name).or_insert(value);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotenv_adds_variables_but_never_overrides_real_ones() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        std::fs::write(&path, "PORT=9999\nOTP_PEPPER=\"from file\"\n# comment\n").unwrap();
        let mut env = BTreeMap::from([("PORT".to_string(), "3000".to_string())]);
        merge_dotenv(&path, &mut env).unwrap();
        assert_eq!(env["PORT"], "3000");
        assert_eq!(env["OTP_PEPPER"], "from file");
    }

    #[test]
    fn missing_dotenv_is_fine_and_malformed_one_is_a_file_error() {
        let dir = tempfile::tempdir().unwrap();
        let mut env = BTreeMap::new();
        merge_dotenv(&dir.path().join(".env"), &mut env).unwrap();
        assert!(env.is_empty());
        let path = dir.path().join("bad.env");
        std::fs::write(&path, "NOT A LINE\n").unwrap();
        let err = merge_dotenv(&path, &mut env).unwrap_err();
        assert!(matches!(err, ConfigError::File { .. }), "{err}");
    }
}
