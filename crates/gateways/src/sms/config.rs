//! Settings of the SMS-device gateway.

use std::time::Duration;

/// How the `/sms` gateway authenticates devices and keeps them alive.
#[derive(Clone)]
pub struct SmsGatewayConfig {
    /// `SMS_DEVICE_AUTH_TOKEN`: one token every device may present. `None` (or empty) turns it off.
    pub shared_token: Option<String>,
    /// Accept devices that present no valid credential while no shared token is configured.
    /// Development only: any client could then receive the OTP texts (CONTRACT §9 S1).
    pub allow_unauthenticated: bool,
    /// `SMS_DEFAULT_REGION`: the region of a shared-token device that names none.
    pub default_region: String,
    /// A socket that has not registered within this is disconnected.
    pub register_timeout: Duration,
    /// How often registered devices get `sms:ping`.
    pub ping_interval: Duration,
}

impl Default for SmsGatewayConfig {
    /// The old gateway's fixed values: region `tm`, a 10 s registration window; no credential
    /// configured, so nothing registers until one is.
    fn default() -> Self {
        Self {
            shared_token: None,
            allow_unauthenticated: false,
            default_region: "tm".to_owned(),
            register_timeout: Duration::from_secs(10),
            ping_interval: Duration::from_secs(20),
        }
    }
}

impl SmsGatewayConfig {
    /// The shared token if one is really configured: an empty `SMS_DEVICE_AUTH_TOKEN` means
    /// "none", as it did in the old gateway, and must never match an empty `authToken`.
    pub(crate) fn shared_token(&self) -> Option<&str> {
        self.shared_token.as_deref().filter(|t| !t.is_empty())
    }
}

// Hand-written so the shared token never reaches a log through `{:?}`.
impl std::fmt::Debug for SmsGatewayConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmsGatewayConfig")
            .field("shared_token", &self.shared_token().map(|_| "<redacted>"))
            .field("allow_unauthenticated", &self.allow_unauthenticated)
            .field("default_region", &self.default_region)
            .field("register_timeout", &self.register_timeout)
            .field("ping_interval", &self.ping_interval)
            .finish()
    }
}
