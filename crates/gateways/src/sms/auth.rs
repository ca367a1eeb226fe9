//! Who a registering socket is: per-device token, shared token, or (development only) nobody.

use std::sync::Arc;

use alpha_sms_dispatch::{DeviceDirectory, DeviceKey};
use serde_json::Value;
use subtle::ConstantTimeEq;

use super::config::SmsGatewayConfig;

/// Same width as `sms_devices.id`.
const DEVICE_ID_MAX_CHARS: usize = 64;
/// Same width as `sms_devices.region` and `otp_codes.region`.
const REGION_MAX_CHARS: usize = 50;

/// The `sms:register` payload `{authToken?, region?, deviceId?}`. Holds a token: no `Debug`.
pub(crate) struct RegisterRequest {
    auth_token: Option<String>,
    region: Option<String>,
    device_id: Option<String>,
}

impl RegisterRequest {
    /// Reads the payload leniently, as the old gateway did: a field of the wrong type counts as
    /// absent, and so does a missing payload (the old gateway threw; a refusal is kinder).
    pub(crate) fn from_value(value: &Value) -> Self {
        let text = |name: &str| {
            value
                .get(name)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        Self {
            // Compared exactly, as the old gateway did: no trimming.
            auth_token: value
                .get("authToken")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
            region: text("region"),
            device_id: text("deviceId"),
        }
    }
}

/// How the device proved who it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Proof {
    /// Its own token (`sms_devices.token_hash`): the key is really this device.
    DeviceToken,
    /// The token every device shares: the key is only a claim.
    SharedToken,
    /// Nothing (development mode): the key is only a claim.
    Unauthenticated,
}

impl Proof {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::DeviceToken => "device_token",
            Self::SharedToken => "shared_token",
            Self::Unauthenticated => "unauthenticated",
        }
    }
}

/// An accepted registration.
#[derive(Debug, Clone)]
pub(crate) struct Identity {
    pub(crate) key: DeviceKey,
    pub(crate) region: String,
    pub(crate) proof: Proof,
    /// The per-device token's stored hash, with [`Proof::DeviceToken`].
    pub(crate) token_hash: Option<String>,
}

/// Why a registration was refused. The messages go to the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The old gateway's wording, kept for existing device apps.
    InvalidToken,
    InvalidDeviceId,
    InvalidRegion,
    /// The id belongs to a device with its own token, so only that token may claim it.
    DeviceIdNeedsToken,
    /// Another socket holds the id and this one cannot prove it is the same device.
    AlreadyConnected,
    /// The socket registered under another id before.
    AlreadyRegistered,
    /// The device directory could not be read; nothing is accepted unchecked.
    Unavailable,
}

impl Refusal {
    pub(crate) fn message(self) -> &'static str {
        match self {
            Self::InvalidToken => "Invalid auth token",
            Self::InvalidDeviceId => "Invalid device id",
            Self::InvalidRegion => "Invalid region",
            Self::DeviceIdNeedsToken => "Device id requires its device token",
            Self::AlreadyConnected => "Device id already connected",
            Self::AlreadyRegistered => "Socket already registered under another device id",
            Self::Unavailable => "Registration temporarily unavailable",
        }
    }
}

/// Checks the credentials in this order: a per-device token, then the shared token, then (only
/// with no shared token configured and `allow_unauthenticated`) none at all.
pub(crate) async fn authenticate(
    config: &SmsGatewayConfig,
    directory: &Arc<dyn DeviceDirectory>,
    request: RegisterRequest,
) -> Result<Identity, Refusal> {
    let mut directory_failed = false;
    if let Some(token) = request.auth_token.as_deref() {
        match device_token(directory, token).await {
            Ok(Some(identity)) => return Ok(identity),
            Ok(None) => {}
            // Still try the shared token: a directory outage must not lock out shared devices.
            Err(()) => directory_failed = true,
        }
    }
    let proof = match (config.shared_token(), request.auth_token.as_deref()) {
        (Some(shared), Some(given)) if bool::from(shared.as_bytes().ct_eq(given.as_bytes())) => {
            Proof::SharedToken
        }
        (None, _) if config.allow_unauthenticated => Proof::Unauthenticated,
        _ if directory_failed => return Err(Refusal::Unavailable),
        _ => return Err(Refusal::InvalidToken),
    };
    let region = match request.region {
        Some(region) if valid_label(&region, REGION_MAX_CHARS) => region,
        Some(_) => return Err(Refusal::InvalidRegion),
        None => config.default_region.clone(),
    };
    let key = match request.device_id {
        Some(id) if valid_label(&id, DEVICE_ID_MAX_CHARS) => id,
        Some(_) => return Err(Refusal::InvalidDeviceId),
        // The old gateway's default key, so one device per region works with no id.
        None => format!("device-{region}"),
    };
    if !valid_label(&key, DEVICE_ID_MAX_CHARS) {
        return Err(Refusal::InvalidRegion);
    }
    let key = DeviceKey(key);
    match directory.credential(&key).await {
        // A claim on a token device's id would let a shared-token holder impersonate it.
        // (Even when that device is disabled: its id stays its own.)
        Ok(Some(_)) => Err(Refusal::DeviceIdNeedsToken),
        Ok(None) => Ok(Identity {
            key,
            region,
            proof,
            token_hash: None,
        }),
        Err(e) => {
            tracing::warn!(error = %e, "sms gateway: device directory unavailable");
            Err(Refusal::Unavailable)
        }
    }
}

/// `Ok(Some)` when `token` is a valid per-device token of an enabled device, `Ok(None)` when it
/// is not one (it may still be the shared token), `Err` when the directory could not be read.
async fn device_token(
    directory: &Arc<dyn DeviceDirectory>,
    token: &str,
) -> Result<Option<Identity>, ()> {
    let Some((id, secret)) = alpha_sms_dispatch::device_token::split_token(token) else {
        return Ok(None);
    };
    let key = DeviceKey(id.to_owned());
    let credential = match directory.credential(&key).await {
        Ok(Some(credential)) if credential.enabled && !credential.token_hash.is_empty() => {
            credential
        }
        Ok(_) => return Ok(None),
        Err(e) => {
            tracing::warn!(error = %e, "sms gateway: device directory unavailable");
            return Err(());
        }
    };
    let secret = secret.to_owned();
    let hash = credential.token_hash.clone();
    let kept_hash = credential.token_hash.clone();
    // argon2 takes tens of milliseconds of CPU by design: keep it off the async workers.
    let verified = tokio::task::spawn_blocking(move || {
        alpha_sms_dispatch::device_token::verify_secret(&secret, &hash)
    })
    .await
    .unwrap_or(false);
    if !verified {
        return Ok(None);
    }
    Ok(Some(Identity {
        key: credential.key,
        region: credential.region,
        proof: Proof::DeviceToken,
        token_hash: Some(kept_hash),
    }))
}

/// Non-empty, at most `max` characters, printable (these end up in logs and in the database).
fn valid_label(value: &str, max: usize) -> bool {
    !value.is_empty() && value.chars().count() <= max && !value.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_reject_control_characters_and_overlong_values() {
        assert!(valid_label("android_1", DEVICE_ID_MAX_CHARS));
        assert!(!valid_label("", DEVICE_ID_MAX_CHARS));
        assert!(!valid_label("a\nb", DEVICE_ID_MAX_CHARS));
        assert!(!valid_label(&"x".repeat(65), DEVICE_ID_MAX_CHARS));
    }

    #[test]
    fn register_payload_fields_of_the_wrong_type_count_as_absent() {
        let request = RegisterRequest::from_value(&serde_json::json!({
            "authToken": 5, "region": " tm ", "deviceId": ""
        }));
        assert!(request.auth_token.is_none());
        assert_eq!(request.region.as_deref(), Some("tm"));
        assert!(request.device_id.is_none());
        assert!(RegisterRequest::from_value(&Value::Null).region.is_none());
    }
}
