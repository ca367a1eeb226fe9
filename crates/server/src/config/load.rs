//! Layering: built-in defaults < `default.toml` < `<profile>.toml` < old variable names <
//! `ALPHA__SECTION__KEY` variables.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use secrecy::SecretString;

use super::error::ConfigError;
use super::legacy_env::{is_recognised, merge_legacy_env};
use super::profile::Profile;
use super::reader::{Reader, invalid};
use super::secrets::{DEV_ACCESS_SECRET, DEV_OTP_PEPPER, DEV_REFRESH_SECRET};
use super::settings::{
    AuthSettings, DEFAULT_TEST_NUMBERS, DatabaseSettings, GatewaySettings, HttpSettings, LogFormat,
    LogSettings, OtpSettings, PhoneSettings, SeedSettings, Settings, SmsSettings, UploadSettings,
};
use super::sources::{ENV_PREFIX, Layered, merge_structured_env, merge_toml_file};
use super::validate::validate;

const CONFIG_DIR_VAR: &str = "ALPHA_CONFIG_DIR";

/// The files of `config/`, compiled in: a copied binary runs from any folder, and a file of the
/// same name on disk replaces its built-in copy.
const BUILT_IN_DEFAULT: &str = include_str!("../../../../config/default.toml");

fn built_in_profile(profile: Profile) -> &'static str {
    match profile {
        Profile::Development => include_str!("../../../../config/development.toml"),
        Profile::Test => include_str!("../../../../config/test.toml"),
        Profile::Production => include_str!("../../../../config/production.toml"),
    }
}
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
    let mut layered = Layered::new();
    merge_toml_file(
        &config_dir.join("default.toml"),
        Some(BUILT_IN_DEFAULT),
        &mut layered,
    )?;
    merge_toml_file(
        &config_dir.join(format!("{profile}.toml")),
        Some(built_in_profile(profile)),
        &mut layered,
    )?;
    merge_legacy_env(env, &DEFAULT_TEST_NUMBERS, &mut layered)?;
    merge_structured_env(env, &mut layered);

    let mut reader = Reader::new(layered);
    let settings = read_settings(profile, &mut reader)?;
    reader.finish()?;
    validate(&settings)?;
    Ok(settings)
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

/// Secrets fall back to the named development defaults outside production; in production a
/// missing one stops the server.
fn secret_or_dev_default(
    reader: &mut Reader,
    profile: Profile,
    key: &str,
    dev_default: &str,
) -> Result<SecretString, ConfigError> {
    match reader.secret(key)? {
        Some(secret) => Ok(secret),
        None if profile.is_production() => Err(ConfigError::Missing {
            key: key.to_owned(),
            env: super::legacy_env::env_names(key),
        }),
        None => Ok(SecretString::from(dev_default)),
    }
}

/// Test numbers are compared against the digits of a phone, so a `+` written out of habit is
/// dropped here; anything else that is not a digit would silently never match, so it is refused.
fn digit_list(
    reader: &mut Reader,
    key: &str,
    default: &[&str],
) -> Result<Vec<String>, ConfigError> {
    let mut numbers = Vec::new();
    for item in reader.list(key, default)? {
        let digits = item.strip_prefix('+').unwrap_or(&item);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid(
                key,
                format!("{item:?} is not a phone number of digits"),
            ));
        }
        if !numbers.iter().any(|n| n == digits) {
            numbers.push(digits.to_owned());
        }
    }
    Ok(numbers)
}

fn log_format(reader: &mut Reader, profile: Profile) -> Result<LogFormat, ConfigError> {
    const KEY: &str = "log.format";
    let Some(text) = reader.opt_string(KEY)? else {
        return Ok(if profile.is_production() {
            LogFormat::Json
        } else {
            LogFormat::Pretty
        });
    };
    match text.trim().to_ascii_lowercase().as_str() {
        "pretty" => Ok(LogFormat::Pretty),
        "json" => Ok(LogFormat::Json),
        _ => Err(invalid(
            KEY,
            format!("expected pretty or json, got {text:?}"),
        )),
    }
}

pub(crate) fn read_settings(profile: Profile, r: &mut Reader) -> Result<Settings, ConfigError> {
    let http = HttpSettings {
        host: r.string("http.host", "0.0.0.0")?,
        port: r.num("http.port", 3080)?,
        body_limit_bytes: r.num("http.body_limit_bytes", 102_400)?,
        shutdown_timeout_secs: r.num("http.shutdown_timeout_secs", 5)?,
        cors_allowed_origins: r.list("http.cors_allowed_origins", &[])?,
        trusted_proxies: r.list("http.trusted_proxies", &[])?,
    };
    let database = DatabaseSettings {
        url: r.secret("database.url")?,
        embedded_dir: r.path("database.embedded_dir", ".data/postgres")?,
        embedded_db_name: r.string("database.embedded_db_name", "alpha_motors")?,
        pool_size: r.num("database.pool_size", 8)?,
        pool_timeout_secs: r.num("database.pool_timeout_secs", 5)?,
        statement_timeout_ms: r.num("database.statement_timeout_ms", 15_000)?,
        migrate_on_start: r.bool("database.migrate_on_start", true)?,
        seed_on_start: r.bool("database.seed_on_start", profile.is_development())?,
    };
    let auth = AuthSettings {
        access_secret: secret_or_dev_default(r, profile, "auth.access_secret", DEV_ACCESS_SECRET)?,
        refresh_secret: secret_or_dev_default(
            r,
            profile,
            "auth.refresh_secret",
            DEV_REFRESH_SECRET,
        )?,
        access_ttl_secs: r.num("auth.access_ttl_secs", 900)?,
        refresh_ttl_secs: r.num("auth.refresh_ttl_secs", 604_800)?,
        reuse_grace_secs: r.num("auth.reuse_grace_secs", 10)?,
    };
    let otp = OtpSettings {
        ttl_secs: r.num("otp.ttl_secs", 300)?,
        code_length: r.num("otp.code_length", 5)?,
        max_attempts: r.num("otp.max_attempts", 5)?,
        phone_rate_limit_window_ms: r.num("otp.phone_rate_limit_window_ms", 60_000)?,
        phone_rate_limit_max: r.num("otp.phone_rate_limit_max", 3)?,
        ip_send_limit: r.num("otp.ip_send_limit", 3)?,
        ip_send_window_secs: r.num("otp.ip_send_window_secs", 60)?,
        ip_verify_limit: r.num("otp.ip_verify_limit", 5)?,
        ip_verify_window_secs: r.num("otp.ip_verify_window_secs", 60)?,
        test_mode: r.bool("otp.test_mode", false)?,
        test_allow_in_prod: r.bool("otp.test_allow_in_prod", false)?,
        test_code_response: r.bool("otp.test_code_response", false)?,
        test_numbers: digit_list(r, "otp.test_numbers", &DEFAULT_TEST_NUMBERS)?,
        test_numbers_prod: digit_list(r, "otp.test_numbers_prod", &[])?,
        test_prefix: r.string("otp.test_prefix", "9936199999")?.trim().to_owned(),
        pepper: secret_or_dev_default(r, profile, "otp.pepper", DEV_OTP_PEPPER)?,
    };
    let sms = SmsSettings {
        device_auth_token: r.secret("sms.device_auth_token")?,
        default_region: r
            .string("sms.default_region", "tm")?
            .trim()
            .to_ascii_lowercase(),
        otp_template: r.string(
            "sms.otp_template",
            "Alpha Motors: Your verification code is {code}. Valid for {ttl} minutes.",
        )?,
        ack_timeout_secs: r.num("sms.ack_timeout_secs", 10)?,
        max_attempts: r.num("sms.max_attempts", 3)?,
        allow_any_region_fallback: r.bool("sms.allow_any_region_fallback", false)?,
    };
    let gateways = GatewaySettings {
        client_host: r.string("gateways.client_host", "0.0.0.0")?,
        client_port: r.num("gateways.client_port", 3090)?,
        sms_host: r.string("gateways.sms_host", "0.0.0.0")?,
        sms_port: r.num("gateways.sms_port", 3091)?,
        client_revalidate_ms: r.num("gateways.client_revalidate_ms", 30_000)?,
        sms_ping_interval_ms: r.num("gateways.sms_ping_interval_ms", 20_000)?,
        sms_register_timeout_ms: r.num("gateways.sms_register_timeout_ms", 10_000)?,
    };
    let log = LogSettings {
        format: log_format(r, profile)?,
        filter: r.string("log.filter", "info")?,
    };
    Ok(Settings {
        profile,
        http,
        database,
        auth,
        otp,
        sms,
        gateways,
        log,
        seed: SeedSettings {
            data_file: r.opt_path("seed.data_file")?,
        },
        uploads: UploadSettings {
            dir: r.path("uploads.dir", "uploads")?,
        },
        phone: PhoneSettings {
            extra_mobile_prefixes: digit_list(
                r,
                "phone.extra_mobile_prefixes",
                &alpha_kernel::DEFAULT_EXTRA_MOBILE_PREFIXES,
            )?,
        },
    })
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
