//! The typed settings the rest of the server reads, deserialized from the merged layers. Secrets
//! are `SecretString`, so the derived `Debug` prints `[REDACTED]` instead of their value, and
//! `Serialize` (the startup summary) only says whether they are set. Unknown fields are refused
//! so a typo is not silently ignored.

use std::path::PathBuf;

use secrecy::SecretString;
use serde::de::{Deserializer, Error as _};
use serde::{Deserialize, Serialize, Serializer};

use super::secrets::is_dev_default;

pub use super::profile::Profile;

/// The numbers the old backend always treated as test numbers (CONTRACT §5.3).
pub const DEFAULT_TEST_NUMBERS: [&str; 4] =
    ["99361999999", "99361999991", "99361999992", "99361999993"];

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// From `APP_ENV`/`NODE_ENV`, never from the files.
    #[serde(skip_deserializing)]
    pub profile: Profile,
    pub http: HttpSettings,
    pub database: DatabaseSettings,
    pub auth: AuthSettings,
    pub otp: OtpSettings,
    pub sms: SmsSettings,
    pub gateways: GatewaySettings,
    pub log: LogSettings,
    /// `default.toml` has no `[seed]` section: its only setting has no default.
    #[serde(default)]
    pub seed: SeedSettings,
    pub uploads: UploadSettings,
    pub phone: PhoneSettings,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HttpSettings {
    pub host: String,
    pub port: u16,
    pub body_limit_bytes: usize,
    pub shutdown_timeout_secs: u64,
    /// Browser origins allowed by CORS; `*` means any and is refused in production.
    pub cors_allowed_origins: Vec<String>,
    /// IPs or CIDRs whose `X-Forwarded-For` is believed; checked for syntax, kept as text.
    pub trusted_proxies: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    /// `None` means embedded mode: the server runs its own PostgreSQL under `embedded_dir`.
    #[serde(serialize_with = "database_url")]
    pub url: Option<SecretString>,
    pub embedded_dir: PathBuf,
    pub embedded_db_name: String,
    pub pool_size: usize,
    pub pool_timeout_secs: u64,
    pub statement_timeout_ms: u64,
    pub migrate_on_start: bool,
    pub seed_on_start: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSettings {
    #[serde(serialize_with = "secret")]
    pub access_secret: SecretString,
    #[serde(serialize_with = "secret")]
    pub refresh_secret: SecretString,
    pub access_ttl_secs: u64,
    pub refresh_ttl_secs: u64,
    /// How long the just-rotated refresh token is still accepted without being treated as theft.
    pub reuse_grace_secs: u64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OtpSettings {
    pub ttl_secs: u64,
    pub code_length: usize,
    pub max_attempts: u32,
    pub phone_rate_limit_window_ms: u64,
    pub phone_rate_limit_max: u32,
    pub ip_send_limit: u32,
    pub ip_send_window_secs: u64,
    pub ip_verify_limit: u32,
    pub ip_verify_window_secs: u64,
    pub test_mode: bool,
    pub test_allow_in_prod: bool,
    pub test_code_response: bool,
    /// Digits only (a leading `+` is stripped when loading).
    #[serde(deserialize_with = "phone_digits")]
    pub test_numbers: Vec<String>,
    #[serde(deserialize_with = "phone_digits")]
    pub test_numbers_prod: Vec<String>,
    #[serde(deserialize_with = "trimmed")]
    pub test_prefix: String,
    /// HMAC key for stored OTP hashes.
    #[serde(serialize_with = "secret")]
    pub pepper: SecretString,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SmsSettings {
    /// Shared token every device may register with; `None` leaves only per-device tokens.
    #[serde(serialize_with = "optional_secret")]
    pub device_auth_token: Option<SecretString>,
    #[serde(deserialize_with = "region")]
    pub default_region: String,
    /// `{code}` and `{ttl}` (minutes) are substituted.
    pub otp_template: String,
    pub ack_timeout_secs: u64,
    pub max_attempts: u32,
    /// When no device serves the phone's region, try devices of any region.
    pub allow_any_region_fallback: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GatewaySettings {
    pub client_host: String,
    pub client_port: u16,
    pub sms_host: String,
    pub sms_port: u16,
    /// How often live client sockets are checked against deletions and revocations made
    /// elsewhere (another instance, an operator's SQL).
    pub client_revalidate_ms: u64,
    /// `sms:ping` to every registered device, and the re-check of their tokens.
    pub sms_ping_interval_ms: u64,
    /// A device socket that has not registered within this is disconnected.
    pub sms_register_timeout_ms: u64,
}

/// `pretty` or `json`, in any case (the old `LOG_FORMAT` was compared case-insensitively).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(try_from = "String", rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

impl TryFrom<String> for LogFormat {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "pretty" => Ok(Self::Pretty),
            "json" => Ok(Self::Json),
            _ => Err(format!("expected pretty or json, got {text:?}")),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    pub format: LogFormat,
    /// An `EnvFilter` directive string, e.g. `info,alpha_otp=debug`.
    pub filter: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SeedSettings {
    /// Brands/models JSON for `alpha-motors seed`; `None` uses the built-in location.
    pub data_file: Option<PathBuf>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PhoneSettings {
    /// E.164 digit prefixes accepted as mobile beyond libphonenumber's table (`99372`).
    #[serde(deserialize_with = "phone_digits")]
    pub extra_mobile_prefixes: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UploadSettings {
    pub dir: PathBuf,
}

/// Numbers are compared as digits, so a `+` written out of habit is dropped; anything else that is
/// not a digit would silently never match, so it is refused.
fn phone_digits<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    let mut numbers: Vec<String> = Vec::new();
    for item in Vec::<String>::deserialize(deserializer)? {
        let digits = item.trim().strip_prefix('+').unwrap_or(item.trim());
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(D::Error::custom(format!(
                "{item:?} is not a phone number of digits"
            )));
        }
        if !numbers.iter().any(|n| n == digits) {
            numbers.push(digits.to_owned());
        }
    }
    Ok(numbers)
}

fn trimmed<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(String::deserialize(deserializer)?.trim().to_owned())
}

/// Regions are lower case (`tm`) everywhere else; an old `.env` may say `TM`.
fn region<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(trimmed(deserializer)?.to_ascii_lowercase())
}

fn secret<S: Serializer>(secret: &SecretString, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(if is_dev_default(secret) {
        "dev-default"
    } else {
        "set"
    })
}

fn optional_secret<S: Serializer>(secret: &Option<SecretString>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(if secret.is_some() { "set" } else { "unset" })
}

fn database_url<S: Serializer>(url: &Option<SecretString>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(if url.is_some() {
        "external (set)"
    } else {
        "embedded"
    })
}
