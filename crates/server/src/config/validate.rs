//! Checks that need the typed values: ranges, formats, and the production security rules.

use std::net::IpAddr;

use secrecy::{ExposeSecret, SecretString};

use super::error::ConfigError;
use super::legacy_env::env_names;
use super::reader::invalid;
use super::secrets::{MIN_SECRET_BYTES, is_dev_default, is_short};
use super::settings::Settings;

const CODE_LENGTHS: std::ops::RangeInclusive<usize> = 4..=8;

fn insecure(key: &str, reason: impl Into<String>) -> ConfigError {
    ConfigError::Insecure {
        key: key.to_owned(),
        env: env_names(key),
        reason: reason.into(),
    }
}

pub(crate) fn validate(s: &Settings) -> Result<(), ConfigError> {
    check_ranges(s)?;
    check_formats(s)?;
    check_http_lists(s)?;
    if s.profile.is_production() {
        check_production(s)?;
    }
    Ok(())
}

/// A zero here is never intended: a TTL of 0 makes every code or token expire at once, a limit
/// of 0 locks everyone out, and a listener on port 0 ends up on a random port.
fn check_ranges(s: &Settings) -> Result<(), ConfigError> {
    let must_be_positive: [(&str, u64); 18] = [
        ("http.port", u64::from(s.http.port)),
        ("gateways.client_port", u64::from(s.gateways.client_port)),
        ("gateways.sms_port", u64::from(s.gateways.sms_port)),
        ("http.body_limit_bytes", s.http.body_limit_bytes as u64),
        ("database.pool_size", s.database.pool_size as u64),
        ("database.pool_timeout_secs", s.database.pool_timeout_secs),
        ("auth.access_ttl_secs", s.auth.access_ttl_secs),
        ("auth.refresh_ttl_secs", s.auth.refresh_ttl_secs),
        ("otp.ttl_secs", s.otp.ttl_secs),
        ("otp.max_attempts", u64::from(s.otp.max_attempts)),
        (
            "otp.phone_rate_limit_window_ms",
            s.otp.phone_rate_limit_window_ms,
        ),
        (
            "otp.phone_rate_limit_max",
            u64::from(s.otp.phone_rate_limit_max),
        ),
        ("otp.ip_send_limit", u64::from(s.otp.ip_send_limit)),
        ("otp.ip_send_window_secs", s.otp.ip_send_window_secs),
        ("otp.ip_verify_limit", u64::from(s.otp.ip_verify_limit)),
        ("otp.ip_verify_window_secs", s.otp.ip_verify_window_secs),
        ("sms.ack_timeout_secs", s.sms.ack_timeout_secs),
        ("sms.max_attempts", u64::from(s.sms.max_attempts)),
    ];
    if let Some((key, _)) = must_be_positive.iter().find(|(_, value)| *value == 0) {
        return Err(invalid(key, "must be greater than 0"));
    }
    if !CODE_LENGTHS.contains(&s.otp.code_length) {
        return Err(invalid(
            "otp.code_length",
            format!(
                "must be between {} and {}, got {}",
                CODE_LENGTHS.start(),
                CODE_LENGTHS.end(),
                s.otp.code_length
            ),
        ));
    }
    Ok(())
}

fn check_formats(s: &Settings) -> Result<(), ConfigError> {
    for (key, host) in [
        ("http.host", &s.http.host),
        ("gateways.client_host", &s.gateways.client_host),
        ("gateways.sms_host", &s.gateways.sms_host),
    ] {
        if host.trim().is_empty() {
            return Err(invalid(key, "must not be empty"));
        }
    }
    if let Some(url) = &s.database.url {
        let url = url.expose_secret();
        // The value itself may hold a password, so only the expectation is reported.
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(invalid(
                "database.url",
                "must start with postgres:// or postgresql:// (value not shown)",
            ));
        }
    }
    let name = &s.database.embedded_db_name;
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Err(invalid(
            "database.embedded_db_name",
            format!("{name:?} must be letters, digits and underscores"),
        ));
    }
    // An empty prefix would make every phone a test number.
    let prefix = &s.otp.test_prefix;
    if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(
            "otp.test_prefix",
            format!("{prefix:?} must be one or more digits"),
        ));
    }
    if !s.sms.otp_template.contains("{code}") {
        return Err(invalid(
            "sms.otp_template",
            "must contain {code}, or the SMS would not carry the code",
        ));
    }
    let region = &s.sms.default_region;
    if region.is_empty() || !region.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(invalid(
            "sms.default_region",
            format!("{region:?} must be letters, like tm"),
        ));
    }
    if let Err(err) = tracing_subscriber::EnvFilter::try_new(&s.log.filter) {
        return Err(invalid(
            "log.filter",
            format!("{:?} is not a valid filter: {err}", s.log.filter),
        ));
    }
    Ok(())
}

fn check_http_lists(s: &Settings) -> Result<(), ConfigError> {
    const CORS: &str = "http.cors_allowed_origins";
    let origins = &s.http.cors_allowed_origins;
    if origins.iter().any(|o| o == "*") && origins.len() > 1 {
        return Err(invalid(CORS, "`*` cannot be combined with other origins"));
    }
    for origin in origins.iter().filter(|o| *o != "*") {
        // Browsers send `Origin` as scheme://host[:port]; anything else would never match.
        let well_formed = (origin.starts_with("http://") || origin.starts_with("https://"))
            && !origin.ends_with('/')
            && origin
                .split("://")
                .nth(1)
                .is_some_and(|rest| !rest.is_empty() && !rest.contains('/'));
        if !well_formed {
            return Err(invalid(
                CORS,
                format!("{origin:?} must look like https://example.com (scheme and host, no path)"),
            ));
        }
    }
    for proxy in &s.http.trusted_proxies {
        if !is_ip_or_cidr(proxy) {
            return Err(invalid(
                "http.trusted_proxies",
                format!("{proxy:?} is not an IP address or CIDR"),
            ));
        }
    }
    Ok(())
}

fn is_ip_or_cidr(text: &str) -> bool {
    let (addr, prefix) = match text.split_once('/') {
        Some((addr, prefix)) => (addr, Some(prefix)),
        None => (text, None),
    };
    let Ok(addr) = addr.parse::<IpAddr>() else {
        return false;
    };
    let max = if addr.is_ipv4() { 32 } else { 128 };
    prefix.is_none_or(|p| p.parse::<u8>().is_ok_and(|bits| bits <= max))
}

fn check_secret(key: &str, secret: &SecretString) -> Result<(), ConfigError> {
    if is_dev_default(secret) {
        return Err(insecure(
            key,
            "is a development default; set a random secret",
        ));
    }
    if is_short(secret) {
        return Err(insecure(
            key,
            format!("is shorter than {MIN_SECRET_BYTES} bytes; use a random secret"),
        ));
    }
    Ok(())
}

fn check_production(s: &Settings) -> Result<(), ConfigError> {
    check_secret("auth.access_secret", &s.auth.access_secret)?;
    check_secret("auth.refresh_secret", &s.auth.refresh_secret)?;
    check_secret("otp.pepper", &s.otp.pepper)?;
    // One key for both would let a refresh token pass as an access token if `typ` checks slip.
    if s.auth.access_secret.expose_secret() == s.auth.refresh_secret.expose_secret() {
        return Err(insecure(
            "auth.refresh_secret",
            "must differ from auth.access_secret",
        ));
    }
    if s.http.cors_allowed_origins.iter().any(|o| o == "*") {
        return Err(insecure(
            "http.cors_allowed_origins",
            "`*` is not allowed in production; list the origins",
        ));
    }
    if s.otp.test_mode && !s.otp.test_allow_in_prod {
        return Err(insecure(
            "otp.test_mode",
            "test mode is refused in production unless OTP_TEST_ALLOW_IN_PROD=true",
        ));
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
