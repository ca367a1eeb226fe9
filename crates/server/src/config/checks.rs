//! What needs the typed values: formats, zeros and the production security rules, then the
//! startup warnings and the redacted summary.

use std::fmt;
use std::net::IpAddr;

use figment::Figment;
use secrecy::ExposeSecret;
use serde_json::Value;

use super::ConfigError;
use super::load::env_names;
use super::settings::{MIN_SECRET_BYTES, Settings, StorageBackend, is_dev_default, is_short};

/// `key if bad => reason;` rows (`bad` an expression or `let pattern = expression`) to the
/// `(key, reason)` of every bad one, in order.
macro_rules! hits {
    (@ $hits:ident) => {};
    (@ $hits:ident $key:literal if let $pat:pat = $value:expr => $reason:expr; $($rest:tt)*) => {
        if let $pat = $value {
            $hits.push(($key, $reason.to_string()));
        }
        hits!(@ $hits $($rest)*);
    };
    (@ $hits:ident $key:literal if $bad:expr => $reason:expr; $($rest:tt)*) => {
        if $bad {
            $hits.push(($key, $reason.to_string()));
        }
        hits!(@ $hits $($rest)*);
    };
    ($($rows:tt)*) => {{
        let mut hits: Vec<(&str, String)> = Vec::new();
        hits!(@ hits $($rows)*);
        hits
    }};
}

/// Numbers that may be 0 (no cap, no grace, no re-check). Any other 0 is never intended: a TTL of
/// 0 expires everything at once, a limit of 0 locks everyone out and a listener on port 0 ends
/// up on a random port.
#[rustfmt::skip]
const MAY_BE_ZERO: [&str; 7] = ["http.shutdown_timeout_secs", "database.statement_timeout_ms",
    "auth.reuse_grace_secs", "gateways.client_revalidate_ms", "gateways.sms_ping_interval_ms",
    "gateways.sms_register_timeout_ms", "push.approval_daily_cap"];

/// The first refused value, its error ending with the layer the value came from (never the value
/// of a secret).
pub(crate) fn validate(s: &Settings, figment: &Figment) -> Result<(), ConfigError> {
    let from = |key: &str| match figment.find_metadata(key) {
        Some(metadata) => format!(" (from {})", metadata.name),
        None => String::new(),
    };
    let all = |text: &str, ok: fn(u8) -> bool| !text.is_empty() && text.bytes().all(ok);
    let (db_name, prefix) = (&s.database.embedded_db_name, &s.otp.test_prefix);
    let (region, origins) = (&s.sms.default_region, &s.http.cors_allowed_origins);
    let url = s.database.url.as_ref().map(|url| url.expose_secret());
    let redis = s.redis.url.as_ref().map(|url| url.expose_secret());
    let redis = redis.is_none_or(|u| u.starts_with("redis://"));
    let postgres =
        url.is_none_or(|u| u.starts_with("postgres://") || u.starts_with("postgresql://"));
    let filter = tracing_subscriber::EnvFilter::try_new(&s.log.filter).err();
    let origin = origins.iter().find(|o| *o != "*" && !is_origin(o));
    let proxy = s.http.trusted_proxies.iter().find(|p| !is_ip_or_cidr(p));
    let zero = flat(s)
        .into_iter()
        .map(|(key, value)| (key, value.as_u64()));
    let zero = zero
        .into_iter()
        .find(|(key, n)| *n == Some(0) && !MAY_BE_ZERO.contains(&&**key));
    let length = s.otp.code_length;
    let s3 = &s.storage.s3;
    let on_s3 = s.storage.backend == StorageBackend::S3;
    let s3_endpoint = s3.endpoint.trim_end_matches('/');
    let s3_prefix_bad = s3.prefix.split('/').any(|part| part == "." || part == "..")
        || s3.prefix.contains(['\\', '\0']);
    let invalid = hits! {
        "http.host" if s.http.host.trim().is_empty() => "must not be empty";
        "gateways.client_host" if s.gateways.client_host.trim().is_empty() => "must not be empty";
        "gateways.sms_host" if s.gateways.sms_host.trim().is_empty() => "must not be empty";
        "otp.code_length" if !(4..=8).contains(&length) =>
            format!("must be between 4 and 8, got {length}");
        // The value itself may hold a password, so only the expectation is reported.
        "database.url" if !postgres => "must start with postgres:// or postgresql:// (value not shown)";
        "redis.url" if !redis => "must start with redis:// (TLS to Redis is not built in; value not shown)";
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
        "push.fcm_base_url" if !is_origin(s.push.fcm_base_url.trim_end_matches('/')) =>
            format!("{:?} must look like https://fcm.googleapis.com (scheme and host, no path)", s.push.fcm_base_url);
        "push.lease_secs" if s.push.lease_secs <= s.push.request_timeout_secs =>
            "must be longer than push.request_timeout_secs, or a slow send's row would be claimed twice";
        "storage.s3.bucket" if on_s3 && s3.bucket.is_empty() =>
            "must be set when storage.backend is s3 (S3_BUCKET)";
        "storage.s3.region" if on_s3 && s3.region.is_empty() => "must not be empty";
        "storage.s3.endpoint" if on_s3 && !s3_endpoint.is_empty() && !is_origin(s3_endpoint) =>
            format!("{:?} must look like https://s3.example.com (scheme and host, no path); empty for AWS S3", s3.endpoint);
        "storage.s3.endpoint" if on_s3 && s3_endpoint.starts_with("http://") && !s3.allow_http =>
            "is http://: set storage.s3.allow_http = true to send media and credentials unencrypted";
        "storage.s3.prefix" if on_s3 && s3_prefix_bad =>
            format!("{:?} must be a folder of plain names (no `.`, `..` or backslash)", s3.prefix);
        "storage.s3.secret_access_key" if on_s3 && s3.access_key_id.is_some() != s3.secret_access_key.is_some() =>
            "storage.s3.access_key_id and storage.s3.secret_access_key are set together, or neither (the AWS credential chain)";
    };
    let zero = zero.map(|(key, _)| (key, "must be greater than 0".to_owned()));
    let mut invalid = invalid
        .into_iter()
        .map(|(key, reason)| (key.to_owned(), reason));
    if let Some((key, reason)) = invalid.next().or(zero) {
        return Err(ConfigError::invalid(&key, reason + &from(&key)));
    }
    let (access, refresh, pepper) = (&s.auth.access_secret, &s.auth.refresh_secret, &s.otp.pepper);
    let default = "is a development default; set a random secret";
    let short = format!("is shorter than {MIN_SECRET_BYTES} bytes; use a random secret");
    let insecure = hits! {
        "auth.access_secret" if is_dev_default(access) => default;
        "auth.access_secret" if is_short(access) => short;
        "auth.refresh_secret" if is_dev_default(refresh) => default;
        "auth.refresh_secret" if is_short(refresh) => short;
        "otp.pepper" if is_dev_default(pepper) => default;
        "otp.pepper" if is_short(pepper) => short;
        // One key for both would let a refresh token pass as an access token if `typ` checks slip.
        "auth.refresh_secret" if access.expose_secret() == refresh.expose_secret() =>
            "must differ from auth.access_secret";
        "http.cors_allowed_origins" if origins.iter().any(|o| o == "*") =>
            "`*` is not allowed in production; list the origins";
        "otp.test_mode" if s.otp.test_mode && !s.otp.test_allow_in_prod =>
            "test mode is refused in production unless OTP_TEST_ALLOW_IN_PROD=true";
    };
    match insecure
        .into_iter()
        .next()
        .filter(|_| s.profile.is_production())
    {
        Some((key, reason)) => Err(ConfigError::Insecure {
            key: key.to_owned(),
            env: env_names(key),
            reason: reason + &from(key),
        }),
        None => Ok(()),
    }
}

/// Browsers send `Origin` as scheme://host[:port]; anything else would never match.
fn is_origin(origin: &str) -> bool {
    let rest = origin
        .strip_prefix("https://")
        .or(origin.strip_prefix("http://"));
    rest.is_some_and(|rest| !rest.is_empty() && !rest.contains('/'))
}

pub(crate) fn is_ip_or_cidr(text: &str) -> bool {
    text.parse::<ipnet::IpNet>().is_ok() || text.parse::<IpAddr>().is_ok()
}

/// Every setting as `section.key` (`section.sub.key` in nested sections) with its serialized
/// value (secrets as set/unset/dev-default).
pub(crate) fn flat(s: &Settings) -> Vec<(String, Value)> {
    let Ok(Value::Object(sections)) = serde_json::to_value(s) else {
        return Vec::new();
    };
    let mut flat = Vec::new();
    for (section, value) in sections {
        flatten(section, value, &mut flat);
    }
    flat
}

fn flatten(key: String, value: Value, flat: &mut Vec<(String, Value)>) {
    match value {
        Value::Object(fields) => {
            for (field, value) in fields {
                flatten(format!("{key}.{field}"), value, flat);
            }
        }
        value => flat.push((key, value)),
    }
}

impl Settings {
    /// Conditions that are allowed but an operator should see in the startup log.
    pub fn warnings(&self) -> Vec<String> {
        let (otp, production) = (&self.otp, self.profile.is_production());
        let mut warnings = Vec::new();
        for (var, secret) in [
            ("ACCESS_TOKEN_SECRET_KEY", &self.auth.access_secret),
            ("REFRESH_TOKEN_SECRET_KEY", &self.auth.refresh_secret),
            ("OTP_PEPPER", &otp.pepper),
        ] {
            warnings.extend(hits! {
                "" if is_dev_default(secret) =>
                    format!("{var} is not set: using an INSECURE built-in development secret");
                "" if !is_dev_default(secret) && is_short(secret) =>
                    format!("{var} is shorter than {MIN_SECRET_BYTES} bytes: production would refuse it");
            });
        }
        let allowed = if production {
            " (allowed in production by OTP_TEST_ALLOW_IN_PROD)"
        } else {
            ""
        };
        warnings.extend(hits! {
            "" if otp.test_mode => format!("OTP test mode is ON{allowed}: test numbers log in with a fixed code");
            "" if otp.test_mode && otp.test_code_response =>
                "OTP_TEST_CODE_RESPONSE is ON: send responses for test numbers include the code";
            "" if self.http.cors_allowed_origins.iter().any(|o| o == "*") => "CORS allows any origin (*)";
            "" if production && self.database.url.is_none() =>
                "no DATABASE_URL in production: running an embedded PostgreSQL cluster";
            "" if self.push.credentials_file.is_none() =>
                "GOOGLE_APPLICATION_CREDENTIALS is not set: push notifications are recorded as failed, not sent";
            "" if production && self.storage.backend == StorageBackend::S3 && self.storage.s3.allow_http =>
                "storage.s3.allow_http is on: media and S3 requests travel unencrypted";
        });
        warnings.into_iter().map(|(_, warning)| warning).collect()
    }

    /// One line describing the effective configuration, `section.key=value` for every setting,
    /// with secrets reduced to set/unset/dev-default (their `Serialize`).
    pub fn redacted_summary(&self) -> String {
        let parts = flat(self).into_iter().map(|(key, value)| match value {
            // Escaped, so that a newline in a value cannot split the line.
            Value::String(text) => format!("{key}={}", text.escape_debug()),
            value => format!("{key}={value}"),
        });
        parts.collect::<Vec<_>>().join(" ")
    }
}

impl fmt::Display for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted_summary())
    }
}
