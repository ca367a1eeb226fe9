//! Checks that need the typed values: formats, and the production security rules. Numbers and
//! booleans were already checked as they were read (`sources::strict`).

use std::net::IpAddr;

use secrecy::ExposeSecret;

use super::error::{ConfigError, invalid};
use super::legacy_env::env_names;
use super::secrets::{MIN_SECRET_BYTES, is_dev_default, is_short};
use super::settings::Settings;

/// `key if bad => reason;` rows (`bad` an expression or `let pattern = expression`): the first
/// bad one is the error `$make(key, reason)`.
macro_rules! refuse {
    ($make:expr;) => {};
    ($make:expr; $key:literal if let $pat:pat = $value:expr => $reason:expr; $($rest:tt)*) => {
        if let $pat = $value {
            return Err($make($key, $reason));
        }
        refuse!($make; $($rest)*);
    };
    ($make:expr; $key:literal if $bad:expr => $reason:expr; $($rest:tt)*) => {
        if $bad {
            return Err($make($key, $reason));
        }
        refuse!($make; $($rest)*);
    };
}

pub(crate) fn validate(s: &Settings) -> Result<(), ConfigError> {
    let all = |text: &str, ok: fn(u8) -> bool| !text.is_empty() && text.bytes().all(ok);
    let (db_name, prefix, region) = (
        &s.database.embedded_db_name,
        &s.otp.test_prefix,
        &s.sms.default_region,
    );
    let origins = &s.http.cors_allowed_origins;
    let url = s
        .database
        .url
        .as_ref()
        .map_or("postgres://", |url| url.expose_secret());
    let filter = tracing_subscriber::EnvFilter::try_new(&s.log.filter).err();
    let origin = origins.iter().find(|o| *o != "*" && !is_origin(o));
    let proxy = s.http.trusted_proxies.iter().find(|p| !is_ip_or_cidr(p));
    let length = s.otp.code_length;
    refuse! { invalid;
        "http.host" if s.http.host.trim().is_empty() => "must not be empty";
        "gateways.client_host" if s.gateways.client_host.trim().is_empty() => "must not be empty";
        "gateways.sms_host" if s.gateways.sms_host.trim().is_empty() => "must not be empty";
        "otp.code_length" if !(4..=8).contains(&length) =>
            format!("must be between 4 and 8, got {length}");
        // The value itself may hold a password, so only the expectation is reported.
        "database.url" if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) =>
            "must start with postgres:// or postgresql:// (value not shown)";
        "database.embedded_db_name" if !all(db_name, |b| b.is_ascii_alphanumeric() || b == b'_') =>
            format!("{db_name:?} must be letters, digits and underscores");
        // An empty prefix would make every phone a test number.
        "otp.test_prefix" if !all(prefix, |b| b.is_ascii_digit()) =>
            format!("{prefix:?} must be one or more digits");
        "sms.otp_template" if !s.sms.otp_template.contains("{code}") =>
            "must contain {code}, or the SMS would not carry the code";
        "sms.default_region" if !all(region, |b| b.is_ascii_alphabetic()) =>
            format!("{region:?} must be letters, like tm");
        "log.filter" if let Some(err) = filter =>
            format!("{:?} is not a valid filter: {err}", s.log.filter);
        "http.cors_allowed_origins" if origins.len() > 1 && origins.iter().any(|o| o == "*") =>
            "`*` cannot be combined with other origins";
        "http.cors_allowed_origins" if let Some(origin) = origin =>
            format!("{origin:?} must look like https://example.com (scheme and host, no path)");
        "http.trusted_proxies" if let Some(proxy) = proxy =>
            format!("{proxy:?} is not an IP address or CIDR");
    }
    if s.profile.is_production() {
        check_production(s)?;
    }
    Ok(())
}

/// Browsers send `Origin` as scheme://host[:port]; anything else would never match.
fn is_origin(origin: &str) -> bool {
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"));
    rest.is_some_and(|rest| !rest.is_empty() && !rest.contains('/'))
}

fn is_ip_or_cidr(text: &str) -> bool {
    text.parse::<ipnet::IpNet>().is_ok() || text.parse::<IpAddr>().is_ok()
}

fn insecure(key: &str, reason: impl Into<String>) -> ConfigError {
    let (key, env, reason) = (key.to_owned(), env_names(key), reason.into());
    ConfigError::Insecure { key, env, reason }
}

fn check_production(s: &Settings) -> Result<(), ConfigError> {
    let (access, refresh, pepper) = (&s.auth.access_secret, &s.auth.refresh_secret, &s.otp.pepper);
    let default = "is a development default; set a random secret";
    let short = format!("is shorter than {MIN_SECRET_BYTES} bytes; use a random secret");
    refuse! { insecure;
        "auth.access_secret" if is_dev_default(access) => default;
        "auth.access_secret" if is_short(access) => short;
        "auth.refresh_secret" if is_dev_default(refresh) => default;
        "auth.refresh_secret" if is_short(refresh) => short;
        "otp.pepper" if is_dev_default(pepper) => default;
        "otp.pepper" if is_short(pepper) => short;
        // One key for both would let a refresh token pass as an access token if `typ` checks slip.
        "auth.refresh_secret" if access.expose_secret() == refresh.expose_secret() =>
            "must differ from auth.access_secret";
        "http.cors_allowed_origins" if s.http.cors_allowed_origins.iter().any(|o| o == "*") =>
            "`*` is not allowed in production; list the origins";
        "otp.test_mode" if s.otp.test_mode && !s.otp.test_allow_in_prod =>
            "test mode is refused in production unless OTP_TEST_ALLOW_IN_PROD=true";
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip_and_cidr_forms() {
        assert!(is_ip_or_cidr("10.0.0.1"));
        assert!(is_ip_or_cidr("10.0.0.0/8"));
        assert!(is_ip_or_cidr("::1"));
        assert!(is_ip_or_cidr("fd00::/8"));
        assert!(!is_ip_or_cidr("10.0.0.0/33"));
        assert!(!is_ip_or_cidr("proxy.local"));
        assert!(!is_ip_or_cidr("10.0.0.1/"));
    }
}
