//! The old backend's flat variable names, so an existing `.env` keeps working unchanged.

use std::collections::BTreeMap;

use config::{Config, Map, Value, ValueKind};

use super::error::ConfigError;
use super::sources::{Keys, Kind, Layer, env_value, structured_env_name};

/// Old variable → the TOML key it sets. Our structured `ALPHA__...` names are applied after these
/// and so win when both are present.
const LEGACY: &[(&str, &str)] = &[
    ("PORT", "http.port"),
    ("CORS_ALLOWED_ORIGINS", "http.cors_allowed_origins"),
    ("TRUSTED_PROXIES", "http.trusted_proxies"),
    ("DATABASE_URL", "database.url"),
    ("PG_DATA_DIR", "database.embedded_dir"),
    ("SEED_ON_START", "database.seed_on_start"),
    ("ACCESS_TOKEN_SECRET_KEY", "auth.access_secret"),
    ("REFRESH_TOKEN_SECRET_KEY", "auth.refresh_secret"),
    ("REFRESH_REUSE_GRACE_SECONDS", "auth.reuse_grace_secs"),
    ("OTP_TTL_SECONDS", "otp.ttl_secs"),
    ("OTP_MAX_ATTEMPTS", "otp.max_attempts"),
    (
        "OTP_PHONE_RATE_LIMIT_WINDOW_MS",
        "otp.phone_rate_limit_window_ms",
    ),
    ("OTP_PHONE_RATE_LIMIT_MAX", "otp.phone_rate_limit_max"),
    ("OTP_TEST_MODE", "otp.test_mode"),
    ("OTP_TEST_ALLOW_IN_PROD", "otp.test_allow_in_prod"),
    ("OTP_TEST_CODE_RESPONSE", "otp.test_code_response"),
    ("TEST_OTP_NUMBERS", TEST_NUMBERS_KEY),
    ("TEST_OTP_NUMBERS_PROD", "otp.test_numbers_prod"),
    ("TEST_OTP_PREFIX", "otp.test_prefix"),
    ("OTP_PEPPER", "otp.pepper"),
    ("SMS_DEVICE_AUTH_TOKEN", "sms.device_auth_token"),
    ("SMS_DEFAULT_REGION", "sms.default_region"),
    ("SMS_OTP_TEMPLATE", "sms.otp_template"),
    ("SMS_ACK_TIMEOUT_SECONDS", "sms.ack_timeout_secs"),
    ("SMS_MAX_ATTEMPTS", "sms.max_attempts"),
    ("UPLOAD_DIR", "uploads.dir"),
    ("SEED_DATA_FILE", "seed.data_file"),
    ("LOG_FORMAT", "log.format"),
    ("RUST_LOG", "log.filter"),
];

const TEST_NUMBERS_KEY: &str = "otp.test_numbers";
const DATABASE_URL_KEY: &str = "database.url";

/// The parts the old backend built its connection from; any one of them switches off embedded mode.
const DB_PARTS: [&str; 5] = [
    "DATABASE_HOST",
    "DATABASE_PORT",
    "DATABASE_USERNAME",
    "DATABASE_PASSWORD",
    "DATABASE",
];

/// Every variable name outside `ALPHA__` that configuration reads (for the `.env`/process merge).
pub(crate) fn is_recognised(var: &str) -> bool {
    LEGACY.iter().any(|(name, _)| *name == var)
        || DB_PARTS.contains(&var)
        || matches!(var, "APP_ENV" | "NODE_ENV" | "ALPHA_CONFIG_DIR")
}

/// How an operator can set `key`, for error messages: `ALPHA__HTTP__PORT or PORT`.
pub(crate) fn env_names(key: &str) -> String {
    let mut names = vec![structured_env_name(key)];
    names.extend(
        LEGACY
            .iter()
            .filter(|(_, k)| *k == key)
            .map(|(name, _)| (*name).to_owned()),
    );
    if key == DATABASE_URL_KEY {
        names.push(DB_PARTS.join("/"));
    }
    names.join(" or ")
}

fn non_empty<'a>(env: &'a BTreeMap<String, String>, var: &str) -> Option<&'a str> {
    env.get(var)
        .map(String::as_str)
        .filter(|v| !v.trim().is_empty())
}

/// The old names, as the layer below the `ALPHA__` variables. `files` gives the test numbers
/// that the old `TEST_OTP_NUMBERS` *added* to rather than replaced.
pub(crate) fn legacy_env(
    env: &BTreeMap<String, String>,
    keys: &Keys,
    files: &Config,
) -> Result<Layer, ConfigError> {
    let mut layer = Map::new();
    for (var, key) in LEGACY {
        let Some(text) = non_empty(env, var) else {
            continue;
        };
        let mut value = env_value(var, text, keys.get(*key).copied().unwrap_or(Kind::Text));
        if *key == TEST_NUMBERS_KEY
            && let ValueKind::Array(added) = &mut value.kind
        {
            added.splice(0..0, files.get_array(TEST_NUMBERS_KEY)?);
        }
        layer.insert((*key).to_owned(), value);
    }
    if non_empty(env, "DATABASE_URL").is_none()
        && let Some((url, vars)) = url_from_parts(env)?
    {
        let origin = format!("env {vars}");
        layer.insert(DATABASE_URL_KEY.to_owned(), Value::new(Some(&origin), url));
    }
    Ok(Layer(layer))
}

/// Builds `postgres://user:password@host:port/db` from the old parts, with the old scripts'
/// defaults for whatever is not set. Returns the URL and a description of the variables used.
fn url_from_parts(env: &BTreeMap<String, String>) -> Result<Option<(String, String)>, ConfigError> {
    let set: Vec<&str> = DB_PARTS
        .into_iter()
        .filter(|var| non_empty(env, var).is_some())
        .collect();
    if set.is_empty() {
        return Ok(None);
    }
    let part = |var, default| non_empty(env, var).unwrap_or(default);
    let port_text = part("DATABASE_PORT", "5432").trim();
    let Some(port) = port_text.parse::<u16>().ok().filter(|p| *p != 0) else {
        let reason = format!("expected a port number 1-65535, got {port_text:?}");
        let (key, env) = (DATABASE_URL_KEY.into(), "DATABASE_PORT".into());
        return Err(ConfigError::Invalid { key, env, reason });
    };
    let mut credentials = encode(part("DATABASE_USERNAME", "postgres"));
    if let Some(password) = non_empty(env, "DATABASE_PASSWORD") {
        credentials = format!("{credentials}:{}", encode(password));
    }
    let host = url_host(part("DATABASE_HOST", "localhost").trim());
    let database = encode(part("DATABASE", "alpha_motors"));
    let url = format!("postgres://{credentials}@{host}:{port}/{database}");
    Ok(Some((url, set.join("+"))))
}

/// A directory host (unix socket) must be percent-encoded and an IPv6 literal bracketed, or the
/// URL parser would misread the slashes and colons.
fn url_host(host: &str) -> String {
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
    text.bytes()
        .map(|b| {
            if unreserved(b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::sources::built_in_defaults;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn layer(pairs: &[(&str, &str)]) -> Result<Map<String, Value>, ConfigError> {
        let (defaults, keys) = built_in_defaults().unwrap();
        let files = Config::builder().add_source(defaults).build().unwrap();
        legacy_env(&env(pairs), &keys, &files).map(|layer| layer.0)
    }

    fn url_of(layer: &Map<String, Value>) -> String {
        layer[DATABASE_URL_KEY].clone().into_string().unwrap()
    }

    #[test]
    fn parts_build_an_encoded_url_with_defaults() {
        let layer = layer(&[("DATABASE_HOST", "db"), ("DATABASE_PASSWORD", "p@ss/w:rd")]).unwrap();
        assert_eq!(
            url_of(&layer),
            "postgres://postgres:p%40ss%2Fw%3Ard@db:5432/alpha_motors"
        );
        assert_eq!(
            layer[DATABASE_URL_KEY].origin(),
            Some("env DATABASE_HOST+DATABASE_PASSWORD")
        );
    }

    #[test]
    fn socket_dir_and_ipv6_hosts_are_made_url_safe() {
        assert_eq!(url_host("/var/run/postgresql"), "%2Fvar%2Frun%2Fpostgresql");
        assert_eq!(url_host("::1"), "[::1]");
        assert_eq!(url_host("db.internal"), "db.internal");
    }

    #[test]
    fn database_url_wins_over_parts() {
        let layer = layer(&[
            ("DATABASE_URL", "postgres://u@h/d"),
            ("DATABASE_HOST", "other"),
        ])
        .unwrap();
        assert_eq!(url_of(&layer), "postgres://u@h/d");
    }

    #[test]
    fn bad_database_port_names_the_variable() {
        let shown = layer(&[("DATABASE_PORT", "x")]).unwrap_err().to_string();
        assert!(
            shown.contains("DATABASE_PORT") && shown.contains("database.url"),
            "{shown}"
        );
    }

    #[test]
    fn test_otp_numbers_extend_the_files_list() {
        let layer = layer(&[("TEST_OTP_NUMBERS", "1, 2,")]).unwrap();
        let numbers: Vec<String> = layer[TEST_NUMBERS_KEY]
            .clone()
            .into_array()
            .unwrap()
            .into_iter()
            .map(|v| v.into_string().unwrap())
            .collect();
        assert_eq!(numbers.len(), 6, "{numbers:?}");
        assert_eq!(numbers[4..], ["1", "2"]);
    }

    #[test]
    fn env_names_list_structured_then_legacy() {
        assert_eq!(env_names("http.port"), "ALPHA__HTTP__PORT or PORT");
        assert!(env_names("database.url").contains("DATABASE_HOST/DATABASE_PORT"));
    }
}
