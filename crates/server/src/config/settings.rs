//! The typed settings the rest of the server reads. Secrets are `SecretString`, so the derived
//! `Debug` prints `[REDACTED]` instead of their value.

use std::path::PathBuf;

use secrecy::SecretString;

pub use super::profile::Profile;

/// The numbers the old backend always treated as test numbers (CONTRACT §5.3).
pub const DEFAULT_TEST_NUMBERS: [&str; 4] =
    ["99361999999", "99361999991", "99361999992", "99361999993"];

#[derive(Debug, Clone)]
pub struct Settings {
    pub profile: Profile,
    pub http: HttpSettings,
    pub database: DatabaseSettings,
    pub auth: AuthSettings,
    pub otp: OtpSettings,
    pub sms: SmsSettings,
    pub gateways: GatewaySettings,
    pub log: LogSettings,
    pub seed: SeedSettings,
    pub uploads: UploadSettings,
    pub phone: PhoneSettings,
}

#[derive(Debug, Clone)]
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

#[derive(Debug, Clone)]
pub struct DatabaseSettings {
    /// `None` means embedded mode: the server runs its own PostgreSQL under `embedded_dir`.
    pub url: Option<SecretString>,
    pub embedded_dir: PathBuf,
    pub embedded_db_name: String,
    pub pool_size: usize,
    pub pool_timeout_secs: u64,
    pub statement_timeout_ms: u64,
    pub migrate_on_start: bool,
    pub seed_on_start: bool,
}

#[derive(Debug, Clone)]
pub struct AuthSettings {
    pub access_secret: SecretString,
    pub refresh_secret: SecretString,
    pub access_ttl_secs: u64,
    pub refresh_ttl_secs: u64,
    /// How long the just-rotated refresh token is still accepted without being treated as theft.
    pub reuse_grace_secs: u64,
}

#[derive(Debug, Clone)]
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
    pub test_numbers: Vec<String>,
    pub test_numbers_prod: Vec<String>,
    pub test_prefix: String,
    /// HMAC key for stored OTP hashes.
    pub pepper: SecretString,
}

#[derive(Debug, Clone)]
pub struct SmsSettings {
    /// Shared token every device may register with; `None` leaves only per-device tokens.
    pub device_auth_token: Option<SecretString>,
    pub default_region: String,
    /// `{code}` and `{ttl}` (minutes) are substituted.
    pub otp_template: String,
    pub ack_timeout_secs: u64,
    pub max_attempts: u32,
    /// When no device serves the phone's region, try devices of any region.
    pub allow_any_region_fallback: bool,
}

#[derive(Debug, Clone)]
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone)]
pub struct LogSettings {
    pub format: LogFormat,
    /// An `EnvFilter` directive string, e.g. `info,alpha_otp=debug`.
    pub filter: String,
}

#[derive(Debug, Clone)]
pub struct SeedSettings {
    /// Brands/models JSON for `alpha-motors seed`; `None` uses the built-in location.
    pub data_file: Option<PathBuf>,
}

#[derive(Debug, Clone)]
pub struct PhoneSettings {
    /// E.164 digit prefixes accepted as mobile beyond libphonenumber's table (`99372`).
    pub extra_mobile_prefixes: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct UploadSettings {
    pub dir: PathBuf,
}
