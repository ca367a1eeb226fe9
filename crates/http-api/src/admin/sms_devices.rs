use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth_user::AdminUser;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;
use alpha_kernel::iso_millis;

#[derive(Debug, Serialize, ToSchema)]
pub struct SmsDeviceView {
    /// The device key: a per-device token's id, or the deviceId a shared-token device sent.
    pub id: String,
    pub name: Option<String>,
    pub region: String,
    pub enabled: bool,
    pub connected: bool,
    #[serde(rename = "lastSeenAt")]
    pub last_seen_at: Option<String>,
    #[serde(rename = "batteryLevel")]
    pub battery_level: Option<i32>,
    #[serde(rename = "signalStrength")]
    pub signal_strength: Option<i32>,
    #[serde(rename = "pendingSms")]
    pub pending_sms: Option<i32>,
    #[serde(rename = "sentCount")]
    pub sent_count: i64,
    #[serde(rename = "failedCount")]
    pub failed_count: i64,
}

/// SMS devices known to the server: connection, last contact, battery, signal, outcomes.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every device", body = [SmsDeviceView]),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not an admin", body = ErrorBody),
    )
)]
#[get("/admin/sms/devices")]
pub(crate) async fn list(
    state: web::Data<AppState>,
    _admin: AdminUser,
) -> Result<HttpResponse, ApiError> {
    let devices = state.sms_devices.list().await?;
    let body: Vec<SmsDeviceView> = devices
        .into_iter()
        .map(|d| SmsDeviceView {
            id: d.key.0,
            name: d.name,
            region: d.region,
            enabled: d.enabled,
            connected: d.connected,
            last_seen_at: d.last_seen.map(iso_millis),
            battery_level: d.battery_level,
            signal_strength: d.signal_strength,
            pending_sms: d.pending_sms,
            sent_count: d.sent_count,
            failed_count: d.failed_count,
        })
        .collect();
    Ok(HttpResponse::Ok().json(body))
}
