//! The old backend's flat variable names, so an existing `.env` keeps working unchanged.

use std::collections::BTreeMap;

use super::error::ConfigError;
use super::sources::{Entry, Layered, Origin, Raw, split_list, structured_env_name};

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

/// Applies the old names on top of the files. `default_test_numbers` is needed because the old
/// `TEST_OTP_NUMBERS` *added* to a built-in list rather than replacing it.
pub(crate) fn merge_legacy_env(
    env: &BTreeMap<String, String>,
    default_test_numbers: &[&str],
    into: &mut Layered,
) -> Result<(), ConfigError> {
    for (var, key) in LEGACY {
        let Some(value) = non_empty(env, var) else {
            continue;
        };
        let raw = if *key == TEST_NUMBERS_KEY {
            let mut numbers = match into.get(*key).map(|e| &e.raw) {
                Some(Raw::List(list)) => list.clone(),
                Some(Raw::Scalar(text)) => split_list(text),
                None => default_test_numbers
                    .iter()
                    .map(|n| (*n).to_owned())
                    .collect(),
            };
            numbers.extend(split_list(value));
            Raw::List(numbers)
        } else {
            Raw::Scalar(value.to_owned())
        };
        into.insert(
            (*key).to_owned(),
            Entry {
                raw,
                origin: Origin::Env((*var).to_owned()),
            },
        );
    }
    if non_empty(env, "DATABASE_URL").is_none()
        && let Some((url, var)) = url_from_parts(env)?
    {
        into.insert(
            DATABASE_URL_KEY.to_owned(),
            Entry {
                raw: Raw::Scalar(url),
                origin: Origin::Env(var),
            },
        );
    }
    Ok(())
}

/// Builds `postgres://user:password@host:port/db` from the old parts, with the old scripts'
/// defaults for whatever is not set. Returns the URL and a description of the variables used.
fn url_from_parts(env: &BTreeMap<String, String>) -> Result<Option<(String, String)>, ConfigError> {
    let set: Vec<&str> = DB_PARTS
        .iter()
        .copied()
        .filter(|var| non_empty(env, var).is_some())
        .collect();
    if set.is_empty() {
        return Ok(None);
    }
    let host = non_empty(env, "DATABASE_HOST")
        .unwrap_or("localhost")
        .trim();
    let port_text = non_empty(env, "DATABASE_PORT").unwrap_or("5432").trim();
    let port = port_text
        .parse::<u16>()
        .ok()
        .filter(|p| *p != 0)
        .ok_or_else(|| ConfigError::Invalid {
            key: DATABASE_URL_KEY.into(),
            env: "DATABASE_PORT".into(),
            reason: format!("expected a port number 1-65535, got {port_text:?}"),
        })?;
    let user = non_empty(env, "DATABASE_USERNAME").unwrap_or("postgres");
    let database = non_empty(env, "DATABASE").unwrap_or("alpha_motors");
    let credentials = match non_empty(env, "DATABASE_PASSWORD") {
        Some(password) => format!("{}:{}", encode(user), encode(password)),
        None => encode(user),
    };
    let url = format!(
        "postgres://{credentials}@{}:{port}/{}",
        url_host(host),
        encode(database)
    );
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
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
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

    fn url_of(layered: &Layered) -> String {
        match &layered[DATABASE_URL_KEY].raw {
            Raw::Scalar(url) => url.clone(),
            Raw::List(_) => panic!("url must be a scalar"),
        }
    }

    #[test]
    fn parts_build_an_encoded_url_with_defaults() {
        let mut layered = Layered::new();
        let e = env(&[("DATABASE_HOST", "db"), ("DATABASE_PASSWORD", "p@ss/w:rd")]);
        merge_legacy_env(&e, &[], &mut layered).unwrap();
        assert_eq!(
            url_of(&layered),
            "postgres://postgres:p%40ss%2Fw%3Ard@db:5432/alpha_motors"
        );
        assert_eq!(
            layered[DATABASE_URL_KEY].origin,
            Origin::Env("DATABASE_HOST+DATABASE_PASSWORD".into())
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
        let mut layered = Layered::new();
        let e = env(&[
            ("DATABASE_URL", "postgres://u@h/d"),
            ("DATABASE_HOST", "other"),
        ]);
        merge_legacy_env(&e, &[], &mut layered).unwrap();
        assert_eq!(url_of(&layered), "postgres://u@h/d");
    }

    #[test]
    fn bad_database_port_names_the_variable() {
        let err = merge_legacy_env(&env(&[("DATABASE_PORT", "x")]), &[], &mut Layered::new())
            .unwrap_err();
        let shown = err.to_string();
        assert!(
            shown.contains("DATABASE_PORT") && shown.contains("database.url"),
            "{shown}"
        );
    }

    #[test]
    fn test_otp_numbers_extend_the_builtin_list() {
        let mut layered = Layered::new();
        merge_legacy_env(&env(&[("TEST_OTP_NUMBERS", "1, 2,")]), &["9"], &mut layered).unwrap();
        assert_eq!(
            layered[TEST_NUMBERS_KEY].raw,
            Raw::List(vec!["9".into(), "1".into(), "2".into()])
        );
    }

    #[test]
    fn env_names_list_structured_then_legacy() {
        assert_eq!(env_names("http.port"), "ALPHA__HTTP__PORT or PORT");
        assert!(env_names("database.url").contains("DATABASE_HOST/DATABASE_PORT"));
    }
}
