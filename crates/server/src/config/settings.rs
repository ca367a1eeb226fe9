//! The typed settings the rest of the server reads. Secrets are `SecretString`: the derived
//! `Debug` prints `[REDACTED]`, and `Serialize` (the startup summary) only says whether they are
//! set. Unknown fields are refused so a typo is not silently ignored.

use std::collections::BTreeMap;
use std::path::PathBuf;

use secrecy::{ExposeSecret, SecretString};
use serde::de::{DeserializeOwned, Deserializer, Error as _, IntoDeserializer};
use serde::{Deserialize, Serialize, Serializer};

use super::ConfigError;

/// The numbers the old backend always treated as test numbers (CONTRACT §5.3).
pub const DEFAULT_TEST_NUMBERS: [&str; 4] =
    ["99361999999", "99361999991", "99361999992", "99361999993"];

/// Fixed development secrets, so `cargo run` works with nothing set. Their names say they are
/// insecure, and production refuses every one of them wherever it appears.
pub(crate) const DEV_ACCESS_SECRET: &str = "insecure-development-access-token-secret-do-not-deploy";
pub(crate) const DEV_REFRESH_SECRET: &str =
    "insecure-development-refresh-token-secret-do-not-deploy";
pub(crate) const DEV_OTP_PEPPER: &str = "insecure-development-otp-pepper-do-not-deploy";
pub(crate) const DEV_SECRETS: [(&str, &str); 3] = [
    ("auth.access_secret", DEV_ACCESS_SECRET),
    ("auth.refresh_secret", DEV_REFRESH_SECRET),
    ("otp.pepper", DEV_OTP_PEPPER),
];
/// Below this an HS256 key is guessable offline from one captured token.
pub(crate) const MIN_SECRET_BYTES: usize = 32;

pub(crate) fn is_dev_default(secret: &SecretString) -> bool {
    let exposed = secret.expose_secret();
    DEV_SECRETS.iter().any(|(_, default)| *default == exposed)
}

pub(crate) fn is_short(secret: &SecretString) -> bool {
    secret.expose_secret().len() < MIN_SECRET_BYTES
}

/// The deployment profile: it picks the profile file, and production turns on the strict checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
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

    /// `APP_ENV`, else `NODE_ENV` (an old `.env` sets it), else development; empty counts as
    /// unset and the case is ignored (the old backend lower-cased NODE_ENV).
    pub(crate) fn from_env(env: &BTreeMap<String, String>) -> Result<Self, ConfigError> {
        let set = |var| Some((var, env.get(var)?.trim())).filter(|(_, v)| !v.is_empty());
        let Some((var, value)) = set("APP_ENV").or_else(|| set("NODE_ENV")) else {
            return Ok(Self::Development);
        };
        [Self::Development, Self::Test, Self::Production]
            .into_iter()
            .find(|profile| profile.as_str().eq_ignore_ascii_case(value))
            .ok_or_else(|| {
                let expected = "expected development, test or production";
                ConfigError::set_by("profile", var, format!("unknown {value:?}; {expected}"))
            })
    }
}

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
    pub storage: StorageSettings,
    pub phone: PhoneSettings,
    pub push: PushSettings,
    pub users: UserSettings,
    pub metrics: MetricsSettings,
    /// `default.toml`'s `[redis]` has no value: its only setting is off by default.
    #[serde(default)]
    pub redis: RedisSettings,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RedisSettings {
    /// `redis://` of the Redis that carries client-socket broadcasts between
    /// instances. `None`: one instance, sockets reached in this process only. A secret, as the
    /// URL may hold a password.
    #[serde(default, serialize_with = "redis_url")]
    pub url: Option<SecretString>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsSettings {
    /// `host:port` of the `/metrics` listener; empty: no listener.
    #[serde(deserialize_with = "trimmed")]
    pub addr: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UserSettings {
    /// `keep` or `remove`: a deleted user's listings, comments and blog entries.
    pub deleted_content: DeletedContentSetting,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum DeletedContentSetting {
    Keep,
    Remove,
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
    #[serde(default, serialize_with = "database_url")]
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
    #[serde(default, serialize_with = "optional_secret")]
    pub device_auth_token: Option<SecretString>,
    #[serde(deserialize_with = "lower_case")]
    pub default_region: String,
    /// `{code}` and `{ttl}` (minutes) are substituted.
    pub otp_template: String,
    pub ack_timeout_secs: u64,
    pub max_attempts: u32,
    /// When no device serves the phone's region, try devices of any region.
    pub allow_any_region_fallback: bool,
    /// How often an instance looks at the shared SMS queue when no notification woke it: the
    /// longest a message handed back by a stopped instance waits for a look.
    pub queue_poll_ms: u64,
    /// How long past its ack timeout a message stays leased to the instance sending it before
    /// another instance may take it over (its holder is taken to have died).
    pub lease_grace_secs: u64,
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
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    #[serde(deserialize_with = "lower_case")]
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
    /// Largest video upload (the old API had no cap); 413 above it.
    pub max_video_bytes: u64,
}

/// Where media files are kept: the upload folder (the default, nothing to set up) or an S3
/// bucket shared by several servers.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StorageSettings {
    #[serde(deserialize_with = "lower_case")]
    pub backend: StorageBackend,
    pub s3: S3Settings,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StorageBackend {
    /// `uploads.dir`, served by the server from disk.
    Local,
    /// `storage.s3`, served by the server from the bucket.
    S3,
}

/// Read only when `storage.backend` is `s3`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct S3Settings {
    #[serde(deserialize_with = "trimmed")]
    pub bucket: String,
    #[serde(deserialize_with = "trimmed")]
    pub region: String,
    /// `https://host[:port]` of an S3-compatible service; empty for AWS S3 itself.
    #[serde(deserialize_with = "trimmed")]
    pub endpoint: String,
    /// Lets `endpoint` be `http://`.
    pub allow_http: bool,
    /// A folder of the bucket the keys start in; empty for the bucket's root.
    #[serde(deserialize_with = "trimmed")]
    pub prefix: String,
    /// Both or neither; neither uses the AWS credential chain (instance profile, ...).
    #[serde(default, serialize_with = "optional_secret")]
    pub access_key_id: Option<SecretString>,
    #[serde(default, serialize_with = "optional_secret")]
    pub secret_access_key: Option<SecretString>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PushSettings {
    /// The FCM service-account JSON (`GOOGLE_APPLICATION_CREDENTIALS`); without it pushes are
    /// recorded as failed and everything else works.
    #[serde(default)]
    pub credentials_file: Option<PathBuf>,
    /// Where `/v1/projects/<id>/messages:send` is posted (`FCM_BASE_URL`).
    pub fcm_base_url: String,
    /// Per FCM request (token exchange or send).
    pub request_timeout_secs: u64,
    /// How often the worker looks for due outbox rows when the last look found none.
    pub poll_interval_ms: u64,
    /// Outbox rows claimed at a time.
    pub batch_size: u32,
    /// Messages in flight at once per instance.
    pub concurrency: usize,
    /// How long a claim holds its rows; a crashed instance's rows are sent after it.
    pub lease_secs: u64,
    /// Attempts of a message FCM answers 429/5xx to, before it counts as failed.
    pub max_attempts: u32,
    /// First retry delay; each next one doubles, up to `backoff_max_secs`.
    pub backoff_base_ms: u64,
    pub backoff_max_secs: u64,
    /// New-listing pushes a user gets per UTC day at most (0: none at all).
    pub approval_daily_cap: u32,
}

/// Phone numbers are compared as digits, so a `+` written out of habit is dropped; anything else
/// that is not a digit would silently never match, so it is refused.
fn phone_digits<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let mut numbers: Vec<String> = Vec::new();
    for item in Vec::<String>::deserialize(d)? {
        let digits = item.trim().strip_prefix('+').unwrap_or(item.trim());
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            let reason = format!("{item:?} is not a phone number of digits");
            return Err(D::Error::custom(reason));
        }
        if !numbers.iter().any(|n| n == digits) {
            numbers.push(digits.to_owned());
        }
    }
    Ok(numbers)
}

fn trimmed<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(String::deserialize(d)?.trim().to_owned())
}

/// Regions (`tm`) and the log format are lower case everywhere else; an old `.env` may say `TM`.
fn lower_case<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<T, D::Error> {
    T::deserialize(IntoDeserializer::<D::Error>::into_deserializer(
        trimmed(d)?.to_lowercase(),
    ))
}

fn secret<S: Serializer>(secret: &SecretString, s: S) -> Result<S::Ok, S::Error> {
    let default = is_dev_default(secret);
    s.serialize_str(if default { "dev-default" } else { "set" })
}

fn optional_secret<S: Serializer>(secret: &Option<SecretString>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(if secret.is_some() { "set" } else { "unset" })
}

fn redis_url<S: Serializer>(url: &Option<SecretString>, s: S) -> Result<S::Ok, S::Error> {
    let set = url.is_some();
    s.serialize_str(if set {
        "set (sockets across instances)"
    } else {
        "unset (single instance)"
    })
}

fn database_url<S: Serializer>(url: &Option<SecretString>, s: S) -> Result<S::Ok, S::Error> {
    let set = url.is_some();
    s.serialize_str(if set { "external (set)" } else { "embedded" })
}
