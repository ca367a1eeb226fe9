//! The layers, each a figment provider named as errors should name it: built-in defaults < the
//! compiled-in `default.toml` < `default.toml` on disk < `<profile>.toml` (on disk, else compiled
//! in) < old variable names < `ALPHA__SECTION__KEY` variables.

use std::collections::BTreeMap;
use std::path::Path;

use figment::providers::{Format, Toml};
use figment::value::{Dict, Map, Value};
use figment::{Figment, Metadata, Provider};

use super::ConfigError;
use super::checks::validate;
use super::settings::{DEV_SECRETS, Profile, Settings};

/// Prefix of our structured variables: `ALPHA__HTTP__PORT` sets `http.port`.
const ENV_PREFIX: &str = "ALPHA__";

/// The files of `config/`, compiled in: a copied binary runs from any folder.
fn built_in(profile: Option<Profile>) -> &'static str {
    match profile {
        None => include_str!("../../../../config/default.toml"),
        Some(Profile::Development) => include_str!("../../../../config/development.toml"),
        Some(Profile::Test) => include_str!("../../../../config/test.toml"),
        Some(Profile::Production) => include_str!("../../../../config/production.toml"),
    }
}

/// Old variable → the key it sets, so an existing `.env` keeps working unchanged, and the names
/// other tools already use for the same thing (Google's and AWS's credentials).
/// `TEST_OTP_NUMBERS` is the one that adds to its list instead of replacing it.
#[rustfmt::skip]
const LEGACY: &[(&str, &str)] = &[
    ("PORT", "http.port"), ("CORS_ALLOWED_ORIGINS", "http.cors_allowed_origins"),
    ("TRUSTED_PROXIES", "http.trusted_proxies"), ("DATABASE_URL", "database.url"),
    ("PG_DATA_DIR", "database.embedded_dir"), ("SEED_ON_START", "database.seed_on_start"),
    ("ACCESS_TOKEN_SECRET_KEY", "auth.access_secret"),
    ("REFRESH_TOKEN_SECRET_KEY", "auth.refresh_secret"),
    ("REFRESH_REUSE_GRACE_SECONDS", "auth.reuse_grace_secs"),
    ("OTP_TTL_SECONDS", "otp.ttl_secs"), ("OTP_MAX_ATTEMPTS", "otp.max_attempts"),
    ("OTP_PHONE_RATE_LIMIT_WINDOW_MS", "otp.phone_rate_limit_window_ms"),
    ("OTP_PHONE_RATE_LIMIT_MAX", "otp.phone_rate_limit_max"), ("OTP_TEST_MODE", "otp.test_mode"),
    ("OTP_TEST_ALLOW_IN_PROD", "otp.test_allow_in_prod"),
    ("OTP_TEST_CODE_RESPONSE", "otp.test_code_response"), ("TEST_OTP_NUMBERS", "otp.test_numbers"),
    ("TEST_OTP_NUMBERS_PROD", "otp.test_numbers_prod"), ("TEST_OTP_PREFIX", "otp.test_prefix"),
    ("OTP_PEPPER", "otp.pepper"), ("SMS_DEVICE_AUTH_TOKEN", "sms.device_auth_token"),
    ("SMS_DEFAULT_REGION", "sms.default_region"), ("SMS_OTP_TEMPLATE", "sms.otp_template"),
    ("SMS_ACK_TIMEOUT_SECONDS", "sms.ack_timeout_secs"), ("SMS_MAX_ATTEMPTS", "sms.max_attempts"),
    ("UPLOAD_DIR", "uploads.dir"), ("SEED_DATA_FILE", "seed.data_file"),
    ("LOG_FORMAT", "log.format"), ("RUST_LOG", "log.filter"),
    ("METRICS_ADDR", "metrics.addr"), ("REDIS_URL", "redis.url"),
    ("GOOGLE_APPLICATION_CREDENTIALS", "push.credentials_file"),
    ("FCM_BASE_URL", "push.fcm_base_url"),
    ("STORAGE_BACKEND", "storage.backend"), ("S3_BUCKET", "storage.s3.bucket"),
    ("S3_ENDPOINT", "storage.s3.endpoint"), ("S3_PREFIX", "storage.s3.prefix"),
    ("AWS_REGION", "storage.s3.region"), ("AWS_ACCESS_KEY_ID", "storage.s3.access_key_id"),
    ("AWS_SECRET_ACCESS_KEY", "storage.s3.secret_access_key"),
];

/// The parts the old backend built its connection from; any one of them switches off embedded mode.
#[rustfmt::skip]
const DB_PARTS: [&str; 5] =
    ["DATABASE_HOST", "DATABASE_PORT", "DATABASE_USERNAME", "DATABASE_PASSWORD", "DATABASE"];

/// Loads from the real process environment, `./.env` (never overriding a real variable) and the
/// `config` directory (or `ALPHA_CONFIG_DIR`).
pub fn load() -> Result<Settings, ConfigError> {
    let mut env = process_env()?;
    merge_dotenv(Path::new(".env"), &mut env)?;
    let dir = set(&env, "ALPHA_CONFIG_DIR").unwrap_or("config").to_owned();
    load_from(Path::new(&dir), &env)
}

/// Pure loading for tests and tools: reads only the files in `config_dir` and the given map.
pub fn load_from(dir: &Path, env: &BTreeMap<String, String>) -> Result<Settings, ConfigError> {
    let profile = Profile::from_env(env)?;
    // Values no file gives: the per-profile ones, should a profile file on disk leave them out,
    // and outside production the development secrets (production must set its own).
    let (production, seed) = (profile.is_production(), profile.is_development());
    let format = if production { "json" } else { "pretty" };
    let mut defaults = format!("log.format = {format:?}\ndatabase.seed_on_start = {seed}\n");
    for (key, secret) in DEV_SECRETS.iter().filter(|_| !production) {
        defaults += &format!("{key} = {secret:?}\n");
    }
    let base = Figment::from(toml("built-in defaults", &defaults)?)
        .merge(toml("built-in config/default.toml", built_in(None))?);
    let profile_file = format!("{}.toml", profile.as_str());
    let mut figment = (base.clone())
        .merge(toml_file(dir, "default.toml", "")?)
        .merge(toml_file(dir, &profile_file, built_in(Some(profile)))?);
    if set(env, "DATABASE_URL").is_none()
        && let Some((url, vars)) = url_from_parts(env)?
    {
        let layer = Layer::one(format!("env {vars}"), "database.url", url.into());
        figment = figment.merge(layer);
    }
    let legacy = LEGACY
        .iter()
        .map(|(var, key)| ((*var).to_owned(), (*key).to_owned()));
    let structured = (env.keys()).filter_map(|var| {
        let key = var.strip_prefix(ENV_PREFIX)?.replace("__", ".");
        Some((var.clone(), key.to_ascii_lowercase()))
    });
    for (var, key) in legacy.chain(structured) {
        let Some(text) = set(env, &var) else { continue };
        let layer = Layer::one(format!("env {var}"), &key, typed(&base, &key, &var, text)?);
        figment = match var.as_str() {
            "TEST_OTP_NUMBERS" => figment.admerge(layer),
            _ => figment.merge(layer),
        };
    }
    let mut settings: Settings = figment.extract()?;
    settings.profile = profile;
    validate(&settings, &figment)?;
    Ok(settings)
}

/// A variable's text as what the built-in defaults hold at `key`: a whole number (`yes` and
/// `80.7` are refused, not converted or rounded), a boolean, a comma-separated list (blanks
/// dropped), else the text as written. Spaces around a number or a boolean are dropped.
fn typed(base: &Figment, key: &str, var: &str, text: &str) -> Result<Value, ConfigError> {
    let word = text.trim();
    let got = format!("got {word:?} (from env {var})");
    let refuse = |expected| ConfigError::invalid(key, format!("expected {expected}, {got}"));
    let number = word
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| word.parse::<u64>().ok());
    match base.find_value(key) {
        Ok(Value::Num(..)) if let Some(Some(n)) = number => Ok(n.into()),
        Ok(Value::Num(..)) => Err(refuse("a whole number")),
        Ok(Value::Bool(..)) => match word.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Ok(true.into()),
            "false" | "0" | "no" | "off" => Ok(false.into()),
            _ => Err(refuse("true/false/1/0/yes/no/on/off")),
        },
        Ok(Value::Array(..)) => {
            let items = text.split(',').map(str::trim).filter(|i| !i.is_empty());
            Ok(items.collect::<Vec<_>>().into())
        }
        _ => Ok(text.into()),
    }
}

/// Values under one name: a file's, or one variable's.
struct Layer(String, Dict);

impl Layer {
    /// `value` at the dotted `key`.
    fn one(name: impl Into<String>, key: &str, value: Value) -> Self {
        let nested = figment::util::nest(key, value).into_dict();
        Self(name.into(), nested.unwrap_or_default())
    }
}

impl Provider for Layer {
    fn metadata(&self) -> Metadata {
        Metadata::named(self.0.clone())
    }

    fn data(&self) -> Result<Map<figment::Profile, Dict>, figment::Error> {
        Ok(figment::Profile::Default.collect(self.1.clone()))
    }
}

fn toml(name: &str, text: &str) -> Result<Layer, ConfigError> {
    let dict = Toml::from_str(text).map_err(|err| ConfigError::file(name, err))?;
    Ok(Layer(name.to_owned(), dict))
}

/// The file `name` in `dir`, else its compiled-in copy.
fn toml_file(dir: &Path, name: &str, built_in: &str) -> Result<Layer, ConfigError> {
    let path = dir.join(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => toml(&path.display().to_string(), &text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            toml(&format!("built-in config/{name}"), built_in)
        }
        Err(err) => Err(ConfigError::file(path, err)),
    }
}

/// A variable's value, unless it is unset or blank (`.env` files carry `KEY=` placeholders).
fn set<'a>(env: &'a BTreeMap<String, String>, var: &str) -> Option<&'a str> {
    env.get(var)
        .map(String::as_str)
        .filter(|v| !v.trim().is_empty())
}

/// How an operator can set `key`, for error messages: `ALPHA__HTTP__PORT or PORT`.
pub(crate) fn env_names(key: &str) -> String {
    let structured = key.replace('.', "__").to_ascii_uppercase();
    let mut names = vec![format!("{ENV_PREFIX}{structured}")];
    let legacy = LEGACY.iter().filter(|(_, k)| *k == key);
    names.extend(legacy.map(|(var, _)| var.to_string()));
    if key == "database.url" {
        names.push(DB_PARTS.join("/"));
    }
    names.join(" or ")
}

/// `postgres://user:password@host:port/db` from the old parts, with the old scripts' defaults
/// for whatever is not set, and the variables used (`DATABASE_HOST+DATABASE_PASSWORD`).
pub(crate) fn url_from_parts(
    env: &BTreeMap<String, String>,
) -> Result<Option<(String, String)>, ConfigError> {
    let used: Vec<&str> = DB_PARTS
        .into_iter()
        .filter(|var| set(env, var).is_some())
        .collect();
    if used.is_empty() {
        return Ok(None);
    }
    let part = |var, default| set(env, var).unwrap_or(default);
    let port = part("DATABASE_PORT", "5432").trim();
    if !port.parse::<u16>().is_ok_and(|port| port != 0) {
        let reason = format!("expected a port number 1-65535, got {port:?}");
        return Err(ConfigError::set_by("database.url", "DATABASE_PORT", reason));
    }
    let mut credentials = encode(part("DATABASE_USERNAME", "postgres"));
    if let Some(password) = set(env, "DATABASE_PASSWORD") {
        credentials = format!("{credentials}:{}", encode(password));
    }
    let host = url_host(part("DATABASE_HOST", "localhost").trim());
    let database = encode(part("DATABASE", "alpha_motors"));
    let url = format!("postgres://{credentials}@{host}:{port}/{database}");
    Ok(Some((url, used.join("+"))))
}

/// A directory host (unix socket) must be percent-encoded and an IPv6 literal bracketed, or the
/// URL parser would misread the slashes and colons.
pub(crate) fn url_host(host: &str) -> String {
    if host.starts_with('/') {
        encode(host)
    } else if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_owned()
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters: passwords routinely contain
/// `@`, `/` or `:`, which would otherwise break the URL.
fn encode(text: &str) -> String {
    let unreserved = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~');
    let encoded = text.bytes().map(|b| match unreserved(b) {
        true => char::from(b).to_string(),
        false => format!("%{b:02X}"),
    });
    encoded.collect()
}

/// Variables that are not UTF-8 are skipped unless we would read them, in which case silently
/// dropping one (say, a password) would be worse than refusing to start.
fn process_env() -> Result<BTreeMap<String, String>, ConfigError> {
    let ours = |var: &str| {
        let others = ["APP_ENV", "NODE_ENV", "ALPHA_CONFIG_DIR"];
        let legacy = LEGACY.iter().any(|(name, _)| *name == var);
        legacy || var.starts_with(ENV_PREFIX) || DB_PARTS.contains(&var) || others.contains(&var)
    };
    let mut env = BTreeMap::new();
    for (name, value) in std::env::vars_os() {
        let name = name.to_string_lossy().into_owned();
        match value.into_string() {
            Ok(value) => drop(env.insert(name, value)),
            Err(_) if ours(&name) => {
                return Err(ConfigError::set_by(&name, &name, "not valid UTF-8"));
            }
            Err(_) => {}
        }
    }
    Ok(env)
}

/// Reads `.env` without touching the process environment (setting variables is unsafe once
/// threads exist); real variables win, as with the old backend's dotenv.
pub(crate) fn merge_dotenv(
    path: &Path,
    env: &mut BTreeMap<String, String>,
) -> Result<(), ConfigError> {
    let iter = match dotenvy::from_path_iter(path) {
        Err(dotenvy::Error::Io(err)) if err.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        iter => iter.map_err(|err| ConfigError::file(path, err))?,
    };
    for item in iter {
        let (name, value) = item.map_err(|err| ConfigError::file(path, err))?;
        env.entry(name).or_insert(value);
    }
    Ok(())
}
